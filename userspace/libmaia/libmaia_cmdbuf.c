// SPDX-License-Identifier: MIT
/*
 * libmaia command buffers: host objects bound read-only in the device
 * address space, and the encoding of engine commands into them
 * (uapi/drm/maia_cmd.h), refusing what the engine would reject so that
 * mistakes show up at the call that made them rather than as a failed job.
 */
#include "libmaia_priv.h"

#include <endian.h>
#include <stdlib.h>

/* The command format maia.h repeats under names of its own. */
_Static_assert(MAIA_TYPE_FP32 == MAIA_DTYPE_FP32, "command format diverged");
_Static_assert(MAIA_TYPE_BF16 == MAIA_DTYPE_BF16, "command format diverged");
_Static_assert(MAIA_TYPE_INT8 == MAIA_DTYPE_INT8, "command format diverged");
_Static_assert(MAIA_ELTWISE_ADD == MAIA_ELT_ADD, "command format diverged");
_Static_assert(MAIA_ELTWISE_MUL == MAIA_ELT_MUL, "command format diverged");
_Static_assert(MAIA_ELTWISE_SCALE == MAIA_ELT_SCALE, "command format diverged");
_Static_assert(MAIA_ELTWISE_RELU == MAIA_ELT_RELU, "command format diverged");
_Static_assert(MAIA_ELTWISE_GELU == MAIA_ELT_GELU, "command format diverged");
_Static_assert(MAIA_MAX_GEMM_DIM == MAIA_GEMM_MAX_DIM, "command format diverged");
_Static_assert(MAIA_MAX_TRANSFER_BYTES == MAIA_MAX_TRANSFER,
	       "command format diverged");
_Static_assert(MAIA_CMD_SIZE == 8 * sizeof(uint64_t), "command format diverged");
/*
 * drm_maia_submit.ib_count: "0 or above 65536" is refused. The uAPI has no
 * constant for it, so this is the prose of maia_accel.h.
 */
_Static_assert(MAIA_MAX_CMDBUF_CMDS == 65536, "uAPI diverged");

MAIA_EXPORT int maia_cmdbuf_create(struct maia_device *dev, uint32_t max_cmds,
				   struct maia_cmdbuf **out)
{
	struct maia_cmdbuf *cb;
	void *cpu;
	int ret;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!dev || max_cmds == 0 || max_cmds > MAIA_MAX_CMDBUF_CMDS)
		return -EINVAL;
	cb = calloc(1, sizeof(*cb));
	if (!cb)
		return -ENOMEM;
	/* The engine only reads commands: a stray write through it faults. */
	ret = create_bound(dev, (uint64_t)max_cmds * MAIA_CMD_SIZE, 0,
			   MAIA_BIND_READONLY, &cb->bo);
	if (!ret)
		ret = maia_bo_map(cb->bo, &cpu);
	if (ret) {
		maia_bo_destroy(cb->bo);
		free(cb);
		return ret;
	}
	cb->dev = dev;
	cb->cmds = cpu;
	cb->capacity = max_cmds;
	*out = cb;
	return 0;
}

MAIA_EXPORT void maia_cmdbuf_destroy(struct maia_cmdbuf *cb)
{
	if (!cb)
		return;
	maia_bo_destroy(cb->bo);
	free(cb);
}

MAIA_EXPORT void maia_cmdbuf_reset(struct maia_cmdbuf *cb)
{
	if (cb)
		cb->count = 0;
}

MAIA_EXPORT int maia_cmdbuf_count(const struct maia_cmdbuf *cb)
{
	return cb ? (int)cb->count : -EINVAL;
}

MAIA_EXPORT int maia_cmdbuf_capacity(const struct maia_cmdbuf *cb)
{
	return cb ? (int)cb->capacity : -EINVAL;
}

MAIA_EXPORT uint64_t maia_cmdbuf_va(const struct maia_cmdbuf *cb)
{
	return cb ? maia_bo_va(cb->bo) : 0;
}

/* Append one command; words[0] is the header. The device is little endian. */
static int emit(struct maia_cmdbuf *cb, const uint64_t words[8])
{
	uint64_t *dst;
	unsigned int i;

	if (!cb)
		return -EINVAL;
	if (cb->count == cb->capacity)
		return -ENOSPC;
	dst = cb->cmds + (size_t)cb->count * 8;
	for (i = 0; i < 8; i++)
		dst[i] = htole64(words[i]);
	cb->count++;
	return 0;
}

static uint64_t header(uint32_t opcode, uint32_t dtype, uint32_t flags,
		       uint32_t subop)
{
	return (uint64_t)MAIA_CMD_HEADER(opcode, dtype, flags, subop);
}

static bool aligned(uint64_t value, uint64_t alignment)
{
	return (value & (alignment - 1)) == 0;
}

MAIA_EXPORT int maia_cmd_raw(struct maia_cmdbuf *cb, const uint64_t words[8])
{
	if (!words)
		return -EINVAL;
	return emit(cb, words);
}

MAIA_EXPORT int maia_cmd_nop(struct maia_cmdbuf *cb)
{
	const uint64_t w[8] = { header(MAIA_OP_NOP, 0, 0, 0) };

	return emit(cb, w);
}

MAIA_EXPORT int maia_cmd_copy(struct maia_cmdbuf *cb, uint64_t src,
			      uint64_t dst, uint64_t bytes)
{
	const uint64_t w[8] = { header(MAIA_OP_COPY, 0, 0, 0), src, dst, bytes };

	if (bytes > MAIA_MAX_TRANSFER)
		return -EINVAL;
	return emit(cb, w);
}

MAIA_EXPORT int maia_cmd_fill(struct maia_cmdbuf *cb, uint64_t dst,
			      uint64_t bytes, uint32_t value)
{
	const uint64_t w[8] = { header(MAIA_OP_FILL, 0, 0, 0), dst, bytes, value };

	if (!aligned(dst, 4) || !aligned(bytes, 4) || bytes > MAIA_MAX_TRANSFER)
		return -EINVAL;
	return emit(cb, w);
}

MAIA_EXPORT int maia_cmd_gemm(struct maia_cmdbuf *cb,
			      const struct maia_gemm_desc *g)
{
	uint32_t lda, ldb, ldc;
	unsigned int esize;
	uint64_t w[8];

	if (!g)
		return -EINVAL;
	esize = gemm_input_size(g->dtype);
	if (!esize || !gemm_dim_ok(g->m) || !gemm_dim_ok(g->n) ||
	    !gemm_dim_ok(g->k))
		return -EINVAL;
	lda = g->lda ? g->lda : g->k;
	ldb = g->ldb ? g->ldb : g->n;
	ldc = g->ldc ? g->ldc : g->n;
	if (lda < g->k || ldb < g->n || ldc < g->n)
		return -EINVAL;
	/* C is fp32 or int32 for every type. */
	if (!aligned(g->a, esize) || !aligned(g->b, esize) || !aligned(g->c, 4))
		return -EINVAL;
	if (g->dtype == MAIA_TYPE_INT8 &&
	    (g->alpha != 1.0f || (g->beta != 0.0f && g->beta != 1.0f)))
		return -EINVAL;

	memset(w, 0, sizeof(w));
	w[0] = header(MAIA_OP_GEMM, (uint32_t)g->dtype, 0, 0);
	w[1] = g->a;
	w[2] = g->b;
	w[3] = g->c;
	w[4] = (uint64_t)g->m | (uint64_t)g->n << 32;
	w[5] = (uint64_t)g->k | (uint64_t)lda << 32;
	w[6] = (uint64_t)ldb | (uint64_t)ldc << 32;
	w[7] = (uint64_t)f32_bits(g->alpha) | (uint64_t)f32_bits(g->beta) << 32;
	return emit(cb, w);
}

MAIA_EXPORT int maia_cmd_eltwise(struct maia_cmdbuf *cb,
				 enum maia_eltwise_op op, enum maia_dtype dtype,
				 uint64_t src0, uint64_t src1, uint64_t dst,
				 uint64_t count, float scale)
{
	bool binary = op == MAIA_ELTWISE_ADD || op == MAIA_ELTWISE_MUL;
	unsigned int esize;
	uint64_t w[8];

	switch (op) {
	case MAIA_ELTWISE_ADD:
	case MAIA_ELTWISE_MUL:
	case MAIA_ELTWISE_SCALE:
	case MAIA_ELTWISE_RELU:
	case MAIA_ELTWISE_GELU:
		break;
	default:
		return -EINVAL;
	}
	if (dtype == MAIA_TYPE_FP32)
		esize = 4;
	else if (dtype == MAIA_TYPE_BF16)
		esize = 2;
	else
		return -EINVAL;
	if (!aligned(src0, esize) || !aligned(dst, esize) ||
	    (binary && !aligned(src1, esize)))
		return -EINVAL;

	/* Unused arguments must be zero. */
	memset(w, 0, sizeof(w));
	w[0] = header(MAIA_OP_ELTWISE, (uint32_t)dtype, 0, (uint32_t)op);
	w[1] = src0;
	w[2] = binary ? src1 : 0;
	w[3] = dst;
	w[4] = count;
	w[5] = op == MAIA_ELTWISE_SCALE ? f32_bits(scale) : 0;
	return emit(cb, w);
}

MAIA_EXPORT int maia_cmd_fence(struct maia_cmdbuf *cb, uint64_t addr,
			       uint64_t value)
{
	const uint64_t w[8] = { header(MAIA_OP_FENCE, 0, 0, 0), addr, value };

	if (!aligned(addr, 8))
		return -EINVAL;
	return emit(cb, w);
}

MAIA_EXPORT int maia_cmd_wait(struct maia_cmdbuf *cb, uint64_t addr,
			      uint64_t value)
{
	const uint64_t w[8] = { header(MAIA_OP_WAIT, 0, 0, 0), addr, value };

	if (!aligned(addr, 8))
		return -EINVAL;
	return emit(cb, w);
}

MAIA_EXPORT int maia_cmd_timestamp(struct maia_cmdbuf *cb, uint64_t addr)
{
	const uint64_t w[8] = { header(MAIA_OP_TIMESTAMP, 0, 0, 0), addr };

	if (!aligned(addr, 8))
		return -EINVAL;
	return emit(cb, w);
}
