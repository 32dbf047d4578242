// SPDX-License-Identifier: GPL-2.0
/*
 * maia_accel compute selftests, failing jobs: malformed commands and MMU
 * faults (unbound and read-only addresses) fail the job with an error and
 * the queue carries on; repeated failures ban a queue.
 */
#define _GNU_SOURCE
#include <drm/maia_cmd.h>

#include "maia_compute.h"

/* ------------------------------------------------------------------------ */
/* Bad commands: the job fails with an error, the queue carries on          */
/* ------------------------------------------------------------------------ */

/*
 * On a fresh queue: [FILL mark[0], @words, FILL mark[1]] must fail with
 * @expect (never hang), having run the first FILL but not the second; the
 * queue state reports it (fault_addr in the page of @fault_va for MMU
 * faults), and a good job on the same queue then succeeds.
 */
static void expect_bad_job(struct __test_metadata *_metadata,
			   FIXTURE_DATA(compute) *self, const char *what,
			   const uint64_t words[8], int expect, uint64_t fault_va)
{
	struct maia_queue_state st;
	struct maia_cmdbuf *cb;
	struct maia_queue *q;
	struct buf mark;
	uint32_t *m;
	int ret, i;

	ASSERT_EQ(0, maia_queue_create(self->dev, MAIA_PRIORITY_NORMAL, &q));
	ASSERT_EQ(0, maia_cmdbuf_create(self->dev, 4, &cb));
	BUF_NEW(self->dev, 4096, 0, &mark);
	m = (uint32_t *)mark.cpu;
	memset(m, 0, 4096);

	ASSERT_EQ(0, maia_cmd_fill(cb, mark.va, 4, 0x11111111));
	ASSERT_EQ(0, maia_cmd_raw(cb, words));
	ASSERT_EQ(0, maia_cmd_fill(cb, mark.va + 4, 4, 0x22222222));
	ret = job(q, cb);
	EXPECT_EQ(expect, ret) TH_LOG("%s: job returned %d (%s), expected %d",
				      what, ret, maia_strerror(ret), expect);
	EXPECT_EQ(0x11111111, m[0]) TH_LOG("%s: the command before did not run", what);
	EXPECT_EQ(0, m[1]) TH_LOG("%s: the command after ran", what);

	ASSERT_EQ(0, maia_queue_state(q, &st));
	EXPECT_EQ(MAIA_QUEUE_ERROR, st.state) TH_LOG("%s", what);
	EXPECT_EQ(expect, st.last_error) TH_LOG("%s", what);
	EXPECT_EQ(1, st.faults) TH_LOG("%s", what);
	EXPECT_EQ(1, st.submitted) TH_LOG("%s", what);
	/* "completed" may trail the fence by a moment. */
	for (i = 0; i < 100 && st.completed != st.submitted; i++) {
		usleep(10 * 1000);
		ASSERT_EQ(0, maia_queue_state(q, &st));
	}
	EXPECT_EQ(st.submitted, st.completed) TH_LOG("%s", what);
	if (fault_va) {
		EXPECT_EQ(fault_va & ~4095ULL, st.fault_addr & ~4095ULL)
			TH_LOG("%s: fault_addr %#llx", what,
			       (unsigned long long)st.fault_addr);
	}

	maia_cmdbuf_reset(cb);
	ASSERT_EQ(0, maia_cmd_fill(cb, mark.va + 8, 4, 0x33333333));
	ret = job(q, cb);
	EXPECT_EQ(0, ret) TH_LOG("%s: the next job failed: %s", what, maia_strerror(ret));
	EXPECT_EQ(0x33333333, m[2]) TH_LOG("%s", what);

	maia_cmdbuf_destroy(cb);
	maia_queue_destroy(q);
	buf_destroy(&mark);
}

#define HDR(op, dt, fl, sub)	((uint64_t)MAIA_CMD_HEADER(op, dt, fl, sub))

TEST_F_TIMEOUT(compute, bad_opcode, 120)
{
	uint64_t w[8] = { HDR(0xee, 0, 0, 0) };

	expect_bad_job(_metadata, self, "opcode 0xee", w, -EINVAL, 0);
	w[0] = HDR(MAIA_OP_TIMESTAMP + 1, 0, 0, 0);
	expect_bad_job(_metadata, self, "first unused opcode", w, -EINVAL, 0);
}

TEST_F_TIMEOUT(compute, bad_fill_alignment, 120)
{
	uint64_t w[8] = { HDR(MAIA_OP_FILL, 0, 0, 0) };
	struct buf b;

	BUF_NEW(self->dev, 8192, 0, &b);
	w[1] = b.va + 2;
	w[2] = 64;
	expect_bad_job(_metadata, self, "FILL dst + 2", w, -EINVAL, 0);
	w[1] = b.va;
	w[2] = 6;
	expect_bad_job(_metadata, self, "FILL 6 bytes", w, -EINVAL, 0);
	buf_destroy(&b);
}

/* A GEMM whose operands are valid except for what the case breaks. */
static void gemm_words(uint64_t w[8], uint64_t scratch, uint32_t dtype,
		       uint32_t m, uint32_t n, uint32_t k, float alpha)
{
	memset(w, 0, 8 * sizeof(*w));
	w[0] = HDR(MAIA_OP_GEMM, dtype, 0, 0);
	w[1] = scratch;
	w[2] = scratch + 16 * KiB;
	w[3] = scratch + 32 * KiB;
	w[4] = (uint64_t)m | (uint64_t)n << 32;
	w[5] = (uint64_t)k | (uint64_t)(k ? k : 1) << 32;
	w[6] = (uint64_t)(n ? n : 1) | (uint64_t)(n ? n : 1) << 32;
	w[7] = f32_bits(alpha);
}

TEST_F_TIMEOUT(compute, bad_gemm, 180)
{
	uint64_t w[8];
	struct buf s;

	BUF_NEW(self->dev, 64 * KiB, 0, &s);
	gemm_words(w, s.va, MAIA_DTYPE_FP32, 8, 8, 8, 1.0f);
	w[4] = 8ULL << 32;	/* M = 0 */
	expect_bad_job(_metadata, self, "GEMM M=0", w, -EINVAL, 0);
	gemm_words(w, s.va, MAIA_DTYPE_FP32, 8, MAIA_GEMM_MAX_DIM + 1, 8, 1.0f);
	expect_bad_job(_metadata, self, "GEMM N > max", w, -EINVAL, 0);
	gemm_words(w, s.va, MAIA_DTYPE_FP32, 8, 8, MAIA_GEMM_MAX_DIM + 1, 1.0f);
	expect_bad_job(_metadata, self, "GEMM K > max", w, -EINVAL, 0);
	gemm_words(w, s.va, 7, 8, 8, 8, 1.0f);
	expect_bad_job(_metadata, self, "GEMM dtype 7", w, -EINVAL, 0);
	gemm_words(w, s.va, MAIA_DTYPE_INT8, 8, 8, 8, 2.0f);
	expect_bad_job(_metadata, self, "GEMM int8 alpha 2", w, -EINVAL, 0);
	buf_destroy(&s);
}

TEST_F_TIMEOUT(compute, bad_eltwise_and_reserved, 180)
{
	uint64_t w[8] = { 0 };
	struct buf s;

	BUF_NEW(self->dev, 64 * KiB, 0, &s);
	w[0] = HDR(MAIA_OP_ELTWISE, MAIA_DTYPE_INT8, 0, MAIA_ELT_ADD);
	w[1] = s.va;
	w[2] = s.va + 16 * KiB;
	w[3] = s.va + 32 * KiB;
	w[4] = 16;
	expect_bad_job(_metadata, self, "ELTWISE int8", w, -EINVAL, 0);
	w[0] = HDR(MAIA_OP_ELTWISE, MAIA_DTYPE_FP32, 0, 9);
	expect_bad_job(_metadata, self, "ELTWISE op 9", w, -EINVAL, 0);

	memset(w, 0, sizeof(w));
	w[0] = HDR(MAIA_OP_FENCE, 0, 0, 0);
	w[1] = s.va + 4;
	w[2] = 1;
	expect_bad_job(_metadata, self, "FENCE addr + 4", w, -EINVAL, 0);
	/* Unused arguments must be zero. */
	memset(w, 0, sizeof(w));
	w[0] = HDR(MAIA_OP_COPY, 0, 0, 0);
	w[1] = s.va;
	w[2] = s.va + 4096;
	w[3] = 64;
	w[4] = 1;
	expect_bad_job(_metadata, self, "COPY with a3 != 0", w, -EINVAL, 0);
	/* Reserved header bits (the upper half of word 0) must be zero. */
	memset(w, 0, sizeof(w));
	w[0] = HDR(MAIA_OP_NOP, 0, 0, 0) | 1ULL << 40;
	expect_bad_job(_metadata, self, "NOP header bit 40", w, -EINVAL, 0);
	buf_destroy(&s);
}

TEST_F_TIMEOUT(compute, fault_unbound, 120)
{
	uint64_t w[8] = { HDR(MAIA_OP_COPY, 0, 0, 0) };
	struct maia_bo *bo;

	/* At a fixed address: nothing the allocator hands out follows it. */
	ASSERT_EQ(0, maia_bo_create(self->dev, 64 * KiB, 0, &bo));
	ASSERT_EQ(0, maia_bo_bind(bo, FIXED_VA, 0));
	w[1] = FIXED_VA;
	w[2] = UNBOUND_VA;
	w[3] = 4096;
	expect_bad_job(_metadata, self, "COPY to unbound", w, -EFAULT, UNBOUND_VA);
	w[1] = UNBOUND_VA + 8192;
	w[2] = FIXED_VA;
	expect_bad_job(_metadata, self, "COPY from unbound", w, -EFAULT,
		       UNBOUND_VA + 8192);
	/* Running off the end of a binding into unbound space. */
	w[1] = FIXED_VA + 60 * KiB;
	w[2] = FIXED_VA;
	w[3] = 8192;
	expect_bad_job(_metadata, self, "COPY across the end", w, -EFAULT,
		       FIXED_VA + 64 * KiB);
	maia_bo_destroy(bo);
}

TEST_F_TIMEOUT(compute, fault_readonly, 120)
{
	uint64_t w[8] = { HDR(MAIA_OP_FILL, 0, 0, 0) };
	struct maia_bo *ro;
	struct buf s;
	uint8_t *cpu;
	void *map;
	int i;

	ASSERT_EQ(0, maia_bo_create(self->dev, 16 * KiB, 0, &ro));
	ASSERT_EQ(0, maia_bo_bind(ro, FIXED_VA, MAIA_BIND_READONLY));
	ASSERT_EQ(0, maia_bo_map(ro, &map));
	cpu = map;
	memset(cpu, 0x77, 16 * KiB);
	BUF_NEW(self->dev, 16 * KiB, 0, &s);

	w[1] = FIXED_VA + 4096;
	w[2] = 256;
	w[3] = 0;
	expect_bad_job(_metadata, self, "FILL read-only", w, -EFAULT, FIXED_VA + 4096);
	memset(w, 0, sizeof(w));
	w[0] = HDR(MAIA_OP_COPY, 0, 0, 0);
	w[1] = s.va;
	w[2] = FIXED_VA + 8192;
	w[3] = 100;
	expect_bad_job(_metadata, self, "COPY into read-only", w, -EFAULT, FIXED_VA + 8192);
	for (i = 0; i < 16 * 1024; i++) {
		if (cpu[i] != 0x77) {
			EXPECT_EQ(0x77, cpu[i]) TH_LOG("read-only object written at %d", i);
			break;
		}
	}
	/* Reading through the read-only binding is fine. */
	maia_cmdbuf_reset(self->cb);
	ASSERT_EQ(0, maia_cmd_copy(self->cb, FIXED_VA, s.va, 16 * KiB));
	RUN_OK(self);
	EXPECT_EQ(0x77, s.cpu[16 * KiB - 1]);
	maia_bo_destroy(ro);
	buf_destroy(&s);
}

/*
 * Repeated failures ban a queue: its submits fail with -ECANCELED and the
 * state says BANNED; other queues of the file are not affected. The uAPI
 * does not give the threshold, 64 failures is taken as the upper bound.
 */
TEST_F_TIMEOUT(compute, queue_ban, 300)
{
	uint64_t w[8] = { HDR(0xee, 0, 0, 0) };
	struct maia_queue_state st;
	struct maia_cmdbuf *bad;
	struct maia_queue *q;
	struct buf b;
	int i, ret = 0;

	ASSERT_EQ(0, maia_queue_create(self->dev, MAIA_PRIORITY_NORMAL, &q));
	ASSERT_EQ(0, maia_cmdbuf_create(self->dev, 1, &bad));
	ASSERT_EQ(0, maia_cmd_raw(bad, w));
	for (i = 0; i < 64; i++) {
		ret = job(q, bad);
		if (ret == -ECANCELED)
			break;
		ASSERT_EQ(-EINVAL, ret) TH_LOG("failure %d: %s", i, maia_strerror(ret));
	}
	EXPECT_EQ(-ECANCELED, ret) TH_LOG("not banned after %d failures", i);
	ASSERT_EQ(0, maia_queue_state(q, &st));
	EXPECT_EQ(MAIA_QUEUE_BANNED, st.state);
	EXPECT_GE(st.faults, 1);
	maia_cmdbuf_destroy(bad);
	maia_queue_destroy(q);

	/* The fixture's queue still works. */
	BUF_NEW(self->dev, 4096, 0, &b);
	ASSERT_EQ(0, maia_cmd_fill(self->cb, b.va, 4096, 0xabcdabcd));
	RUN_OK(self);
	EXPECT_EQ(0xabcdabcd, ((uint32_t *)b.cpu)[1023]);
	buf_destroy(&b);
}

TEST_HARNESS_MAIN
