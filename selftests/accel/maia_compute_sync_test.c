// SPDX-License-Identifier: GPL-2.0
/*
 * maia_accel compute selftests, ordering and synchronisation: FENCE and
 * TIMESTAMP results, a WAIT on one queue released by a FENCE on another,
 * in_syncobj dependencies between queues, in-order completion on a queue,
 * and objects destroyed while their job runs.
 */
#define _GNU_SOURCE

#include "maia_compute.h"

/* ------------------------------------------------------------------------ */
/* FENCE, TIMESTAMP, WAIT and dependencies                                  */
/* ------------------------------------------------------------------------ */

TEST_F_TIMEOUT(compute, fence_and_timestamp, 60)
{
	struct buf host, hbm, big;
	uint64_t v[8], t_hbm;

	BUF_NEW(self->dev, 4096, 0, &host);
	BUF_NEW(self->dev, 4096, MAIA_BO_HBM, &hbm);
	BUF_NEW(self->dev, 4 * MiB, MAIA_BO_HBM, &big);
	memset(host.cpu, 0, 4096);
	memset(hbm.cpu, 0, 4096);

	ASSERT_EQ(0, maia_cmd_fence(self->cb, host.va, 0xfeedface12345678ULL));
	ASSERT_EQ(0, maia_cmd_timestamp(self->cb, host.va + 8));
	ASSERT_EQ(0, maia_cmd_fill(self->cb, big.va, big.size, 0x01020304));
	ASSERT_EQ(0, maia_cmd_timestamp(self->cb, host.va + 16));
	ASSERT_EQ(0, maia_cmd_fence(self->cb, host.va + 24, 1));
	ASSERT_EQ(0, maia_cmd_fence(self->cb, hbm.va + 4088, ~0ULL));
	ASSERT_EQ(0, maia_cmd_timestamp(self->cb, hbm.va + 8));
	RUN_OK(self);
	maia_cmdbuf_reset(self->cb);
	ASSERT_EQ(0, maia_cmd_timestamp(self->cb, host.va + 32));
	RUN_OK(self);

	memcpy(v, host.cpu, sizeof(v));
	EXPECT_EQ(0xfeedface12345678ULL, v[0]);
	EXPECT_NE(0, v[1]);
	/* Same job: the clock does not go back; later job: strictly later. */
	EXPECT_GE(v[2], v[1]);
	EXPECT_EQ(1, v[3]);
	EXPECT_GT(v[4], v[2]);
	EXPECT_EQ(0, v[5]);
	memcpy(&v[0], hbm.cpu + 4088, 8);
	EXPECT_EQ(~0ULL, v[0]);
	memcpy(&t_hbm, hbm.cpu + 8, 8);
	EXPECT_GE(t_hbm, v[2]);
	EXPECT_LE(t_hbm, v[4]);
	/* Only the FENCEs and TIMESTAMPs wrote. */
	EXPECT_EQ(0, hbm.cpu[0]);
	EXPECT_EQ(0, hbm.cpu[16]);

	buf_destroy(&host);
	buf_destroy(&hbm);
	buf_destroy(&big);
}

/*
 * Queue B: [WAIT sem >= 1, COPY x -> y]; queue A: [FILL x, FENCE sem = 1].
 * B is submitted first and must stall on the device until A has run.
 */
TEST_F_TIMEOUT(compute, cross_queue_wait, 120)
{
	const uint64_t size = 64 * KiB;
	struct maia_queue *qb;
	struct maia_cmdbuf *cbb;
	struct maia_fence *fa, *fb;
	struct buf x, y, sem;
	uint32_t *words;
	uint64_t i;
	int ret;

	ASSERT_EQ(0, maia_queue_create(self->dev, MAIA_PRIORITY_NORMAL, &qb));
	ASSERT_EQ(0, maia_cmdbuf_create(self->dev, 4, &cbb));
	BUF_NEW(self->dev, size, MAIA_BO_HBM, &x);
	BUF_NEW(self->dev, size, 0, &y);
	BUF_NEW(self->dev, 4096, 0, &sem);
	memset(x.cpu, 0x11, size);
	memset(y.cpu, 0x22, size);
	memset(sem.cpu, 0, 4096);

	ASSERT_EQ(0, maia_cmd_wait(cbb, sem.va, 1));
	ASSERT_EQ(0, maia_cmd_copy(cbb, x.va, y.va, size));
	ASSERT_EQ(0, maia_cmd_fill(self->cb, x.va, size, 0xc0ffee01));
	ASSERT_EQ(0, maia_cmd_fence(self->cb, sem.va, 1));

	ASSERT_EQ(0, maia_submit(qb, cbb, NULL, 0, NULL, 0, &fb));
	usleep(200 * 1000);
	/* B is stuck on its WAIT: not complete, has not copied. */
	EXPECT_EQ(-ETIME, maia_fence_wait(fb, 0));
	EXPECT_EQ(0x22, y.cpu[0]);

	ASSERT_EQ(0, maia_submit(self->q, self->cb, NULL, 0, NULL, 0, &fa));
	ret = maia_fence_wait(fa, JOB_WAIT_NS);
	EXPECT_EQ(0, ret) TH_LOG("queue A: %s", maia_strerror(ret));
	ret = maia_fence_wait(fb, JOB_WAIT_NS);
	EXPECT_EQ(0, ret) TH_LOG("queue B: %s (both queues on one ring?)",
				 maia_strerror(ret));
	words = (uint32_t *)y.cpu;
	for (i = 0; i < size / 4; i++) {
		if (words[i] != 0xc0ffee01) {
			EXPECT_EQ(0xc0ffee01, words[i]) TH_LOG("y word %llu",
							      (unsigned long long)i);
			break;
		}
	}
	maia_fence_destroy(fa);
	maia_fence_destroy(fb);
	maia_cmdbuf_destroy(cbb);
	maia_queue_destroy(qb);
	buf_destroy(&x);
	buf_destroy(&y);
	buf_destroy(&sem);
}

/*
 * Job 2 on queue 2 names job 1's fence (queue 1) as in_syncobj. Job 1 is
 * held back by a WAIT on a word the CPU writes later, so job 2 must not
 * run before that, and afterwards sees job 1's result.
 */
TEST_F_TIMEOUT(compute, in_syncobj_dependency, 120)
{
	const uint64_t size = 256 * KiB;
	struct maia_queue *q2;
	struct maia_cmdbuf *cb2;
	struct maia_fence *f1, *f2;
	struct buf x, y, gate;
	uint32_t in, *words;
	uint64_t i;
	int ret;

	ASSERT_EQ(0, maia_queue_create(self->dev, MAIA_PRIORITY_NORMAL, &q2));
	ASSERT_EQ(0, maia_cmdbuf_create(self->dev, 4, &cb2));
	BUF_NEW(self->dev, size, MAIA_BO_HBM, &x);
	BUF_NEW(self->dev, size, 0, &y);
	BUF_NEW(self->dev, 4096, 0, &gate);
	memset(x.cpu, 0x33, size);
	memset(y.cpu, 0x44, size);
	memset(gate.cpu, 0, 4096);

	ASSERT_EQ(0, maia_cmd_wait(self->cb, gate.va, 1));
	ASSERT_EQ(0, maia_cmd_fill(self->cb, x.va, size, 0x5eed5eed));
	ASSERT_EQ(0, maia_cmd_copy(cb2, x.va, y.va, size));

	ASSERT_EQ(0, maia_submit(self->q, self->cb, &x.bo, 1, NULL, 0, &f1));
	in = maia_fence_syncobj(f1);
	ASSERT_EQ(0, maia_submit(q2, cb2, &y.bo, 1, &in, 1, &f2));
	usleep(200 * 1000);
	EXPECT_EQ(-ETIME, maia_fence_wait(f1, 0));
	EXPECT_EQ(-ETIME, maia_fence_wait(f2, 0));
	EXPECT_EQ(0x44, y.cpu[0]);

	/* Open the gate. */
	__atomic_store_n((uint64_t *)gate.cpu, 1, __ATOMIC_SEQ_CST);
	ret = maia_fence_wait(f2, JOB_WAIT_NS);
	EXPECT_EQ(0, ret) TH_LOG("job 2: %s", maia_strerror(ret));
	EXPECT_EQ(0, maia_fence_wait(f1, 0));
	words = (uint32_t *)y.cpu;
	for (i = 0; i < size / 4; i++) {
		if (words[i] != 0x5eed5eed) {
			EXPECT_EQ(0x5eed5eed, words[i]) TH_LOG("y word %llu",
							      (unsigned long long)i);
			break;
		}
	}
	maia_fence_destroy(f1);
	maia_fence_destroy(f2);
	maia_cmdbuf_destroy(cb2);
	maia_queue_destroy(q2);
	buf_destroy(&x);
	buf_destroy(&y);
	buf_destroy(&gate);
}

/* Jobs on one queue complete in order with increasing sequence numbers. */
TEST_F_TIMEOUT(compute, queue_order, 120)
{
	struct maia_cmdbuf *cbs[8];
	struct maia_fence *f[8];
	struct buf out;
	uint64_t seq_prev = 0;
	int i, ret;

	BUF_NEW(self->dev, 4096, 0, &out);
	memset(out.cpu, 0, 4096);
	for (i = 0; i < 8; i++) {
		ASSERT_EQ(0, maia_cmdbuf_create(self->dev, 4, &cbs[i]));
		/* Every job overwrites the same word: the last one wins. */
		ASSERT_EQ(0, maia_cmd_fill(cbs[i], out.va, 4096, 0x100 + i));
		ASSERT_EQ(0, maia_cmd_fence(cbs[i], out.va + 8 * i, i + 1));
		ASSERT_EQ(0, maia_submit(self->q, cbs[i], NULL, 0, NULL, 0, &f[i]));
		if (i) {
			EXPECT_GT(maia_fence_seqno(f[i]), seq_prev);
		}
		seq_prev = maia_fence_seqno(f[i]);
	}
	ret = maia_fence_wait(f[7], JOB_WAIT_NS);
	EXPECT_EQ(0, ret) TH_LOG("%s", maia_strerror(ret));
	/* In-order: once the last is done all are. */
	for (i = 0; i < 8; i++) {
		EXPECT_EQ(0, maia_fence_wait(f[i], 0)) TH_LOG("job %d", i);
		maia_fence_destroy(f[i]);
		maia_cmdbuf_destroy(cbs[i]);
	}
	EXPECT_EQ(0x107, ((uint32_t *)out.cpu)[16]);
	EXPECT_EQ(8, ((uint64_t *)out.cpu)[7]);
	buf_destroy(&out);
}

/*
 * Destroying the command buffer and a listed buffer right after the submit
 * unbinds them while the job may still be queued or running: the driver
 * waits for jobs that listed the object (libmaia always lists the command
 * buffer), so the job still succeeds.
 */
TEST_F_TIMEOUT(compute, destroy_while_running, 120)
{
	const uint32_t dim = 128;
	const uint64_t bytes = (uint64_t)dim * dim * 4;
	struct maia_gemm_desc g = { 0 };
	struct maia_cmdbuf *cb;
	struct maia_fence *f;
	struct maia_bo *data;
	struct buf out;
	int i, ret;

	ASSERT_EQ(0, maia_bo_create_bound(self->dev, 3 * bytes, MAIA_BO_HBM, &data));
	BUF_NEW(self->dev, 4096, 0, &out);
	memset(out.cpu, 0, 4096);
	ASSERT_EQ(0, maia_cmdbuf_create(self->dev, 8, &cb));
	g.dtype = MAIA_TYPE_FP32;
	g.m = g.n = g.k = dim;
	g.a = maia_bo_va(data);
	g.b = maia_bo_va(data) + bytes;
	g.c = maia_bo_va(data) + 2 * bytes;
	g.alpha = 1.0f;
	ASSERT_EQ(0, maia_cmd_fill(cb, g.a, 2 * bytes, 0));
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, maia_cmd_gemm(cb, &g));
	}
	ASSERT_EQ(0, maia_cmd_fence(cb, out.va, 0x600d));
	ASSERT_EQ(0, maia_submit(self->q, cb, &data, 1, NULL, 0, &f));
	maia_cmdbuf_destroy(cb);
	maia_bo_destroy(data);
	ret = maia_fence_wait(f, JOB_WAIT_NS);
	EXPECT_EQ(0, ret) TH_LOG("%s", maia_strerror(ret));
	EXPECT_EQ(0x600d, *(uint64_t *)out.cpu);
	maia_fence_destroy(f);
	buf_destroy(&out);
}

TEST_HARNESS_MAIN
