// SPDX-License-Identifier: MIT
/*
 * libmaia conveniences over the core API: error messages, a one-call GEMM
 * on application memory, and float <-> bfloat16 conversion.
 */
#include "libmaia_priv.h"

#include <limits.h>

MAIA_EXPORT const char *maia_strerror(int err)
{
	if (err == INT_MIN)	/* -INT_MIN would overflow */
		return "unknown error";
	if (err < 0)
		err = -err;

	switch (err) {
	case 0:
		return "success";
	case ENODEV:
		return "no maia accelerator at that index/address";
	case EINVAL:
		return "invalid argument (size, alignment, flags, reserved field or malformed command)";
	case ENOENT:
		return "no such object/queue/syncobj";
	case EEXIST:
		return "address range already bound";
	case ECANCELED:
		return "queue banned after repeated faults (or job cancelled)";
	case EFAULT:
		return "device MMU fault (address not bound, or written through a read-only binding)";
	case ETIMEDOUT:
		return "job timed out";
	case ETIME:
		return "wait timed out before the job completed";
	case ENOSPC:
		return "out of device memory, queues, address space or command buffer space";
	case ENOMEM:
		return "out of memory";
	case EOPNOTSUPP:
		return "operation not supported (device memory objects cannot be exported)";
	case ENOTTY:
		return "ioctl not supported by this driver version";
	case EACCES:
		return "permission denied opening the accelerator node (check /dev/accel permissions or group membership)";
	case EPERM:
		return "operation not permitted for this client";
	case EBUSY:
		return "accelerator is busy";
	case EIO:
		return "device I/O error (device may be in reset or failed)";
	case EOVERFLOW:
		return "too many devices to count";
	default:
		return strerror(err);
	}
}

/* Operands of one GEMM inside a single buffer, 256-byte aligned. */
#define GEMM_OPERAND_ALIGN	256

/* Device buffer in HBM if there is room, in host memory otherwise. */
static int create_data_bo(struct maia_device *dev, uint64_t size,
			  struct maia_bo **out)
{
	int ret = maia_bo_create_bound(dev, size, MAIA_BO_HBM, out);

	if (ret)
		ret = maia_bo_create_bound(dev, size, 0, out);
	return ret;
}

MAIA_EXPORT int maia_gemm(struct maia_device *dev, enum maia_dtype dtype,
			  uint32_t m, uint32_t n, uint32_t k, const void *a,
			  const void *b, void *c, float alpha, float beta)
{
	struct maia_gemm_desc desc = { 0 };
	struct maia_queue *queue = NULL;
	struct maia_cmdbuf *cb = NULL;
	struct maia_fence *fence = NULL;
	struct maia_bo *bo = NULL;
	uint64_t a_bytes, b_bytes, c_bytes, b_off, c_off;
	unsigned int esize = gemm_input_size(dtype);
	uint8_t *cpu;
	void *map;
	int ret;

	if (!dev || !a || !b || !c || !esize || !gemm_dim_ok(m) ||
	    !gemm_dim_ok(n) || !gemm_dim_ok(k))
		return -EINVAL;
	a_bytes = (uint64_t)m * k * esize;
	b_bytes = (uint64_t)k * n * esize;
	c_bytes = (uint64_t)m * n * 4;
	b_off = align_up(a_bytes, GEMM_OPERAND_ALIGN);
	c_off = b_off + align_up(b_bytes, GEMM_OPERAND_ALIGN);
	if (c_off + c_bytes > SIZE_MAX)
		return -ENOMEM;

	ret = create_data_bo(dev, c_off + c_bytes, &bo);
	if (ret)
		goto out;
	ret = maia_bo_map(bo, &map);
	if (ret)
		goto out;
	cpu = map;
	memcpy(cpu, a, (size_t)a_bytes);
	memcpy(cpu + b_off, b, (size_t)b_bytes);
	if (beta != 0.0f)
		memcpy(cpu + c_off, c, (size_t)c_bytes);

	desc.dtype = dtype;
	desc.m = m;
	desc.n = n;
	desc.k = k;
	desc.a = maia_bo_va(bo);
	desc.b = maia_bo_va(bo) + b_off;
	desc.c = maia_bo_va(bo) + c_off;
	desc.alpha = alpha;
	desc.beta = beta;
	ret = maia_cmdbuf_create(dev, 1, &cb);
	if (!ret)
		ret = maia_cmd_gemm(cb, &desc);
	if (!ret)
		ret = maia_queue_create(dev, MAIA_PRIORITY_NORMAL, &queue);
	if (!ret)
		ret = maia_submit(queue, cb, &bo, 1, NULL, 0, &fence);
	if (!ret)
		ret = maia_fence_wait(fence, -1);
	if (!ret)
		memcpy(c, cpu + c_off, (size_t)c_bytes);
out:
	maia_fence_destroy(fence);
	maia_queue_destroy(queue);
	maia_cmdbuf_destroy(cb);
	maia_bo_destroy(bo);
	return ret;
}

MAIA_EXPORT uint16_t maia_f32_to_bf16(float value)
{
	uint32_t bits = f32_bits(value);

	/* NaN stays NaN (quiet), whatever its payload. */
	if ((bits & 0x7fffffffu) > 0x7f800000u)
		return (uint16_t)((bits >> 16) | 0x0040);
	/* Round to nearest, ties to even; overflow correctly gives inf. */
	bits += 0x7fffu + ((bits >> 16) & 1);
	return (uint16_t)(bits >> 16);
}

MAIA_EXPORT float maia_bf16_to_f32(uint16_t value)
{
	uint32_t bits = (uint32_t)value << 16;
	float result;

	memcpy(&result, &bits, sizeof(result));
	return result;
}
