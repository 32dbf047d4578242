// SPDX-License-Identifier: GPL-2.0
/*
 * maia_accel compute selftests: engine commands run through libmaia and
 * checked against CPU references, queue error handling, address space
 * isolation, PRIME sharing, concurrency and teardown with jobs in flight.
 *
 * Random inputs come from a fixed-seed generator, so a failure reproduces;
 * MAIA_TEST_SEED=N overrides the seed.
 *
 * Every job is waited for with a timeout (JOB_WAIT_NS): a job that never
 * completes is a failure here, not a hang.
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <drm/maia_cmd.h>

#include "kselftest_harness.h"
#include "maia.h"
#include "../lib/maia_sysfs.h"

#define NSEC_PER_SEC	1000000000LL
/* The VM is TCG emulated: generous. */
#define JOB_WAIT_NS	(60 * NSEC_PER_SEC)
#define KiB		1024ULL
#define MiB		(1024 * KiB)

/*
 * Device addresses the libmaia allocator (which starts at MAIA_VA_START and
 * only grows) never reaches in these tests: for objects bound at a fixed
 * address, and for addresses that must stay unbound.
 */
#define FIXED_VA	(MAIA_VA_END / 2)
#define UNBOUND_VA	(MAIA_VA_END / 2 + 0x40000000ULL)

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */
/* ------------------------------------------------------------------------ */

static uint64_t rng_state;

static void rng_seed(uint64_t seed)
{
	const char *env = getenv("MAIA_TEST_SEED");

	if (env)
		seed ^= strtoull(env, NULL, 0);
	rng_state = seed ? seed : 0x9e3779b97f4a7c15ULL;
}

static uint64_t rnd64(void)
{
	/* xorshift64 */
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Uniform in [lo, hi]. */
static uint32_t rnd_range(uint32_t lo, uint32_t hi)
{
	return lo + (uint32_t)(rnd64() % ((uint64_t)hi - lo + 1));
}

static float rnd_float(float lo, float hi)
{
	return lo + (hi - lo) * (float)(rnd64() >> 40) / (float)(1 << 24);
}

static void rnd_bytes(void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len >= 8) {
		uint64_t v = rnd64();

		memcpy(p, &v, 8);
		p += 8;
		len -= 8;
	}
	while (len--)
		*p++ = (uint8_t)rnd64();
}

static float f32_from_bits(uint32_t bits)
{
	float f;

	memcpy(&f, &bits, sizeof(f));
	return f;
}

static uint32_t f32_bits(float f)
{
	uint32_t bits;

	memcpy(&bits, &f, sizeof(bits));
	return bits;
}

/* Index of the first differing byte, or -1. */
static long first_diff(const void *got, const void *want, size_t len)
{
	const uint8_t *g = got, *w = want;
	size_t i;

	if (!memcmp(got, want, len))
		return -1;
	for (i = 0; i < len; i++)
		if (g[i] != w[i])
			return (long)i;
	return -1;
}

/*
 * Submit @cb on @q, wait and return the job's result: 0, the job's negative
 * errno, the submit error, or -ETIME if it did not complete in time. No
 * harness macros: child processes use it too.
 */
static int job_on(struct maia_queue *q, struct maia_cmdbuf *cb,
		  struct maia_bo *const *bos, unsigned int n_bos,
		  const uint32_t *in, unsigned int n_in)
{
	struct maia_fence *f;
	int ret;

	ret = maia_submit(q, cb, bos, n_bos, in, n_in, &f);
	if (ret)
		return ret;
	ret = maia_fence_wait(f, JOB_WAIT_NS);
	maia_fence_destroy(f);
	return ret;
}

static int job(struct maia_queue *q, struct maia_cmdbuf *cb)
{
	return job_on(q, cb, NULL, 0, NULL, 0);
}

/* A bound, CPU-mapped buffer object. */
struct buf {
	struct maia_bo *bo;
	uint8_t *cpu;
	uint64_t va;
	uint64_t size;
};

/* No harness macros: child processes use it too. */
static int buf_create(struct maia_device *dev, uint64_t size, uint32_t flags,
		      struct buf *b)
{
	void *cpu;
	int ret;

	memset(b, 0, sizeof(*b));
	ret = maia_bo_create_bound(dev, size, flags, &b->bo);
	if (ret)
		return ret;
	ret = maia_bo_map(b->bo, &cpu);
	if (ret) {
		maia_bo_destroy(b->bo);
		b->bo = NULL;
		return ret;
	}
	b->cpu = cpu;
	b->va = maia_bo_va(b->bo);
	b->size = maia_bo_size(b->bo);
	return 0;
}

static void buf_destroy(struct buf *b)
{
	maia_bo_destroy(b->bo);
	memset(b, 0, sizeof(*b));
}

#define BUF_NEW(dev, size, flags, b) \
	do { \
		int __r = buf_create(dev, size, flags, b); \
		ASSERT_EQ(0, __r) TH_LOG("buffer of %llu bytes, flags %#x: %s", \
					 (unsigned long long)(size), \
					 (unsigned int)(flags), maia_strerror(__r)); \
	} while (0)

static const char *mem_name(uint32_t flags)
{
	return flags & MAIA_BO_HBM ? "hbm" : "host";
}

static int first_maia_index(unsigned int *index)
{
	unsigned int indices[MAIA_MAX_TEST_DEVICES];
	int n = maia_device_indices(indices, MAIA_MAX_TEST_DEVICES);

	if (n <= 0)
		return -ENODEV;
	*index = indices[0];
	return 0;
}

/* Wait for a child process; its exit status, or 128 + signal. */
static int wait_child(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return 255;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

/* ------------------------------------------------------------------------ */
/* Fixture: one open device, one queue, one command buffer                  */
/* ------------------------------------------------------------------------ */

FIXTURE(compute) {
	unsigned int index;
	struct maia_device *dev;
	struct maia_info info;
	struct maia_queue *q;
	struct maia_cmdbuf *cb;
};

FIXTURE_SETUP(compute)
{
	int ret;

	ASSERT_EQ(0, first_maia_index(&self->index)) TH_LOG("no maia accel nodes");
	ASSERT_EQ(0, maia_open_index(self->index, &self->dev));
	ASSERT_EQ(0, maia_get_info(self->dev, &self->info));
	ASSERT_TRUE(self->info.capabilities & MAIA_CAP_ENGINE);
	ret = maia_queue_create(self->dev, MAIA_PRIORITY_NORMAL, &self->q);
	ASSERT_EQ(0, ret) TH_LOG("queue: %s", maia_strerror(ret));
	ret = maia_cmdbuf_create(self->dev, 256, &self->cb);
	ASSERT_EQ(0, ret) TH_LOG("command buffer: %s", maia_strerror(ret));
	rng_seed(0x6d616961);
}

FIXTURE_TEARDOWN(compute)
{
	maia_cmdbuf_destroy(self->cb);
	maia_queue_destroy(self->q);
	maia_close(self->dev);
}

/* Run self->cb on self->q; the job must complete, its result is returned. */
static int run(struct __test_metadata *_metadata,
	       FIXTURE_DATA(compute) *self)
{
	int ret = job(self->q, self->cb);

	EXPECT_NE(-ETIME, ret) TH_LOG("job did not complete in %llds",
				      JOB_WAIT_NS / NSEC_PER_SEC);
	return ret;
}

#define RUN_OK(self) \
	do { \
		int __r = run(_metadata, self); \
		ASSERT_EQ(0, __r) TH_LOG("job failed: %s", maia_strerror(__r)); \
	} while (0)

/* ------------------------------------------------------------------------ */
/* Library checks that need no job                                          */
/* ------------------------------------------------------------------------ */

TEST(bf16_conversion)
{
	static const struct { float f; uint16_t bf; } exact[] = {
		{ 0.0f, 0x0000 }, { -0.0f, 0x8000 }, { 1.0f, 0x3f80 },
		{ -2.0f, 0xc000 }, { 0.5f, 0x3f00 }, { 3.0f, 0x4040 },
		{ INFINITY, 0x7f80 }, { -INFINITY, 0xff80 },
	};
	unsigned int i;

	for (i = 0; i < sizeof(exact) / sizeof(exact[0]); i++) {
		EXPECT_EQ(exact[i].bf, maia_f32_to_bf16(exact[i].f)) TH_LOG("%g", exact[i].f);
		EXPECT_EQ(f32_bits(exact[i].f), f32_bits(maia_bf16_to_f32(exact[i].bf)));
	}
	/* Ties go to even: 1 + 2^-8 is halfway between 0x3f80 and 0x3f81. */
	EXPECT_EQ(0x3f80, maia_f32_to_bf16(f32_from_bits(0x3f808000)));
	EXPECT_EQ(0x3f82, maia_f32_to_bf16(f32_from_bits(0x3f818000)));
	/* Above and below the tie. */
	EXPECT_EQ(0x3f81, maia_f32_to_bf16(f32_from_bits(0x3f808001)));
	EXPECT_EQ(0x3f80, maia_f32_to_bf16(f32_from_bits(0x3f807fff)));
	/* The largest float rounds up to infinity; NaN stays NaN. */
	EXPECT_EQ(0x7f80, maia_f32_to_bf16(f32_from_bits(0x7f7fffff)));
	EXPECT_TRUE(isnan(maia_bf16_to_f32(maia_f32_to_bf16(NAN))));
	EXPECT_TRUE(isnan(maia_bf16_to_f32(maia_f32_to_bf16(f32_from_bits(0x7f800001)))));
}

TEST_F(compute, library_checks)
{
	struct maia_gemm_desc g = { 0 };
	struct maia_cmdbuf *small;
	struct maia_queue_state st;
	uint64_t va1, va2, va3;
	struct buf b;
	int i;

	/* Argument checks the library does before anything reaches the device. */
	EXPECT_EQ(-EINVAL, maia_cmd_fill(self->cb, 0x100002, 64, 0));
	EXPECT_EQ(-EINVAL, maia_cmd_fill(self->cb, 0x100000, 6, 0));
	EXPECT_EQ(-EINVAL, maia_cmd_copy(self->cb, 0x100000, 0x200000,
					 MAIA_MAX_TRANSFER_BYTES + 1));
	EXPECT_EQ(-EINVAL, maia_cmd_fence(self->cb, 0x100004, 1));
	EXPECT_EQ(-EINVAL, maia_cmd_wait(self->cb, 0x100004, 1));
	EXPECT_EQ(-EINVAL, maia_cmd_timestamp(self->cb, 0x100001));
	g.dtype = MAIA_TYPE_FP32;
	g.m = g.n = g.k = 8;
	g.a = 0x100000;
	g.b = 0x200000;
	g.c = 0x300000;
	g.alpha = 1.0f;
	EXPECT_EQ(0, maia_cmd_gemm(self->cb, &g));
	g.m = 0;
	EXPECT_EQ(-EINVAL, maia_cmd_gemm(self->cb, &g));
	g.m = MAIA_MAX_GEMM_DIM + 1;
	EXPECT_EQ(-EINVAL, maia_cmd_gemm(self->cb, &g));
	g.m = 8;
	g.lda = 7;
	EXPECT_EQ(-EINVAL, maia_cmd_gemm(self->cb, &g));
	g.lda = 0;
	g.a = 0x100002;
	EXPECT_EQ(-EINVAL, maia_cmd_gemm(self->cb, &g));
	g.a = 0x100000;
	g.dtype = (enum maia_dtype)7;
	EXPECT_EQ(-EINVAL, maia_cmd_gemm(self->cb, &g));
	g.dtype = MAIA_TYPE_INT8;
	g.alpha = 2.0f;
	EXPECT_EQ(-EINVAL, maia_cmd_gemm(self->cb, &g));
	g.alpha = 1.0f;
	g.beta = 0.5f;
	EXPECT_EQ(-EINVAL, maia_cmd_gemm(self->cb, &g));
	g.beta = 1.0f;
	EXPECT_EQ(0, maia_cmd_gemm(self->cb, &g));
	EXPECT_EQ(-EINVAL, maia_cmd_eltwise(self->cb, MAIA_ELTWISE_ADD, MAIA_TYPE_INT8,
					    0x100000, 0x200000, 0x300000, 4, 0));
	EXPECT_EQ(-EINVAL, maia_cmd_eltwise(self->cb, (enum maia_eltwise_op)9,
					    MAIA_TYPE_FP32, 0x100000, 0x200000,
					    0x300000, 4, 0));
	EXPECT_EQ(-EINVAL, maia_cmd_eltwise(self->cb, MAIA_ELTWISE_ADD, MAIA_TYPE_BF16,
					    0x100001, 0x200000, 0x300000, 4, 0));
	EXPECT_EQ(2, maia_cmdbuf_count(self->cb));
	maia_cmdbuf_reset(self->cb);
	EXPECT_EQ(0, maia_cmdbuf_count(self->cb));
	/* An empty command buffer is not submitted. */
	EXPECT_EQ(-EINVAL, maia_submit(self->q, self->cb, NULL, 0, NULL, 0, NULL));

	/* A full command buffer says so. */
	ASSERT_EQ(0, maia_cmdbuf_create(self->dev, 3, &small));
	EXPECT_EQ(3, maia_cmdbuf_capacity(small));
	for (i = 0; i < 3; i++) {
		EXPECT_EQ(0, maia_cmd_nop(small));
	}
	EXPECT_EQ(-ENOSPC, maia_cmd_nop(small));
	EXPECT_EQ(3, maia_cmdbuf_count(small));
	/* Three NOPs run fine. */
	EXPECT_EQ(0, job(self->q, small));
	maia_cmdbuf_destroy(small);
	EXPECT_EQ(-EINVAL, maia_cmdbuf_create(self->dev, 0, &small));
	EXPECT_EQ(NULL, small);
	EXPECT_EQ(-EINVAL, maia_cmdbuf_create(self->dev, MAIA_MAX_CMDBUF_CMDS + 1, &small));

	/* VA allocator: aligned, increasing, never overlapping. */
	ASSERT_EQ(0, maia_va_alloc(self->dev, 4096, &va1));
	ASSERT_EQ(0, maia_va_alloc(self->dev, 2 * MiB, &va2));
	ASSERT_EQ(0, maia_va_alloc(self->dev, 5000, &va3));
	EXPECT_GE(va1, MAIA_VA_START);
	EXPECT_EQ(0, va1 % 4096);
	EXPECT_EQ(0, va2 % (2 * MiB));
	EXPECT_GE(va2, va1 + 4096);
	EXPECT_GE(va3, va2 + 2 * MiB);
	EXPECT_EQ(0, va3 % 4096);
	EXPECT_EQ(-EINVAL, maia_va_alloc(self->dev, 0, &va1));

	/* Sizes round up to pages; bind state is tracked. */
	BUF_NEW(self->dev, 100, 0, &b);
	EXPECT_EQ(4096, b.size);
	EXPECT_NE(0, b.va);
	EXPECT_EQ(-EBUSY, maia_bo_bind(b.bo, FIXED_VA, 0));
	EXPECT_EQ(0, maia_bo_unbind(b.bo));
	EXPECT_EQ(0, maia_bo_va(b.bo));
	EXPECT_EQ(-ENOENT, maia_bo_unbind(b.bo));
	EXPECT_EQ(0, maia_bo_bind(b.bo, FIXED_VA, MAIA_BIND_READONLY));
	EXPECT_EQ(FIXED_VA, maia_bo_va(b.bo));
	buf_destroy(&b);

	/* A fresh queue has nothing to report. */
	ASSERT_EQ(0, maia_queue_state(self->q, &st));
	EXPECT_EQ(MAIA_QUEUE_OK, st.state);
	EXPECT_EQ(0, st.last_error);
	EXPECT_EQ(0, st.faults);

	EXPECT_NE(0, strlen(maia_strerror(-EEXIST)));
	EXPECT_NE(0, strlen(maia_strerror(-ECANCELED)));
	EXPECT_NE(0, strlen(maia_strerror(-ETIMEDOUT)));
}

/* ------------------------------------------------------------------------ */
/* COPY and FILL                                                            */
/* ------------------------------------------------------------------------ */

/*
 * Rounds of 1..6 random COPY (src -> dst) and FILL (dst) commands in one
 * job, checked against the same operations applied in order to a CPU model
 * of the whole destination, which also catches writes out of range.
 * Source and destination are larger than 2 MiB with a tail of 4 KiB pages,
 * so both block and page mappings are crossed.
 */
static void copy_fill_rounds(struct __test_metadata *_metadata,
			     FIXTURE_DATA(compute) *self, uint32_t src_flags,
			     uint32_t dst_flags, int rounds)
{
	const uint64_t size = 2 * MiB + 76 * KiB;
	uint8_t *src_data, *model;
	struct buf src, dst;
	int r, c;

	BUF_NEW(self->dev, size, src_flags, &src);
	BUF_NEW(self->dev, size, dst_flags, &dst);
	src_data = malloc(size);
	model = malloc(size);
	ASSERT_TRUE(src_data && model);

	for (r = 0; r < rounds; r++) {
		int ncmds = (int)rnd_range(1, 6);
		long diff;

		rnd_bytes(src_data, size);
		memcpy(src.cpu, src_data, size);
		memset(model, 0x5a ^ r, size);
		memcpy(dst.cpu, model, size);

		maia_cmdbuf_reset(self->cb);
		for (c = 0; c < ncmds; c++) {
			uint32_t len, soff, doff, value;

			if (rnd64() & 1) {
				/* Mostly short copies, some long ones. */
				len = rnd64() & 3 ? rnd_range(1, 8192) :
						    rnd_range(1, 512 * KiB);
				soff = rnd_range(0, (uint32_t)(size - len));
				doff = rnd_range(0, (uint32_t)(size - len));
				ASSERT_EQ(0, maia_cmd_copy(self->cb, src.va + soff,
							   dst.va + doff, len));
				memcpy(model + doff, src_data + soff, len);
			} else {
				len = 4 * (rnd64() & 3 ? rnd_range(1, 2048) :
							 rnd_range(1, 128 * KiB));
				doff = 4 * rnd_range(0, (uint32_t)((size - len) / 4));
				value = (uint32_t)rnd64();
				ASSERT_EQ(0, maia_cmd_fill(self->cb, dst.va + doff,
							   len, value));
				for (uint32_t i = 0; i < len; i += 4)
					memcpy(model + doff + i, &value, 4);
			}
		}
		RUN_OK(self);
		diff = first_diff(dst.cpu, model, size);
		EXPECT_EQ(-1, diff) TH_LOG("%s -> %s round %d: byte %#lx is %#x, expected %#x",
					   mem_name(src_flags), mem_name(dst_flags), r,
					   diff, dst.cpu[diff], model[diff]);
		if (diff >= 0)
			break;
		/* The source is only read. */
		diff = first_diff(src.cpu, src_data, size);
		EXPECT_EQ(-1, diff) TH_LOG("source modified at byte %#lx", diff);
	}
	free(src_data);
	free(model);
	buf_destroy(&src);
	buf_destroy(&dst);
}

TEST_F_TIMEOUT(compute, copy_fill_host, 180)
{
	copy_fill_rounds(_metadata, self, 0, 0, 12);
}

TEST_F_TIMEOUT(compute, copy_fill_hbm, 180)
{
	copy_fill_rounds(_metadata, self, MAIA_BO_HBM, MAIA_BO_HBM, 12);
}

TEST_F_TIMEOUT(compute, copy_fill_host_hbm_mixed, 180)
{
	copy_fill_rounds(_metadata, self, 0, MAIA_BO_HBM, 6);
	copy_fill_rounds(_metadata, self, MAIA_BO_HBM, 0, 6);
}

/* host -> HBM -> host in one job, whole buffers and a random sub-range. */
TEST_F_TIMEOUT(compute, copy_host_hbm_host, 120)
{
	const uint64_t size = 3 * MiB + 4 * KiB;
	struct buf src, mid, dst;
	uint8_t *data;
	uint32_t off, len;
	long diff;

	BUF_NEW(self->dev, size, 0, &src);
	BUF_NEW(self->dev, size, MAIA_BO_HBM, &mid);
	BUF_NEW(self->dev, size, 0, &dst);
	data = malloc(size);
	ASSERT_NE(NULL, data);
	rnd_bytes(data, size);
	memcpy(src.cpu, data, size);
	memset(mid.cpu, 0, size);
	memset(dst.cpu, 0, size);

	ASSERT_EQ(0, maia_cmd_copy(self->cb, src.va, mid.va, size));
	ASSERT_EQ(0, maia_cmd_copy(self->cb, mid.va, dst.va, size));
	RUN_OK(self);
	diff = first_diff(dst.cpu, data, size);
	EXPECT_EQ(-1, diff) TH_LOG("host copy: byte %#lx is %#x, expected %#x",
				   diff, dst.cpu[diff], data[diff]);
	diff = first_diff(mid.cpu, data, size);
	EXPECT_EQ(-1, diff) TH_LOG("HBM copy: byte %#lx is %#x, expected %#x",
				   diff, mid.cpu[diff], data[diff]);

	/* Odd offsets and length, through HBM again. */
	memset(dst.cpu, 0xee, size);
	off = rnd_range(1, 4095);
	len = rnd_range(1, (uint32_t)(size - 2 * off));
	maia_cmdbuf_reset(self->cb);
	ASSERT_EQ(0, maia_cmd_fill(self->cb, mid.va, size, 0));
	ASSERT_EQ(0, maia_cmd_copy(self->cb, src.va + off, mid.va + off + 3, len));
	ASSERT_EQ(0, maia_cmd_copy(self->cb, mid.va + off + 3, dst.va + off * 2, len));
	RUN_OK(self);
	diff = first_diff(dst.cpu + off * 2, data + off, len);
	EXPECT_EQ(-1, diff) TH_LOG("offset %u len %u: byte %#lx differs", off, len, diff);
	EXPECT_EQ(0xee, dst.cpu[off * 2 - 1]);
	EXPECT_EQ(0xee, dst.cpu[off * 2 + len]);

	free(data);
	buf_destroy(&src);
	buf_destroy(&mid);
	buf_destroy(&dst);
}

/* ------------------------------------------------------------------------ */
/* GEMM                                                                     */
/* ------------------------------------------------------------------------ */

struct gemm_case {
	uint32_t m, n, k;
	uint32_t lda_pad, ldb_pad, ldc_pad;	/* ld = row length + pad */
	float alpha, beta;
};

static const struct gemm_case gemm_cases[] = {
	{ 1, 1, 1, 0, 0, 0, 1.0f, 0.0f },
	{ 8, 8, 8, 0, 0, 0, 1.0f, 0.0f },
	{ 7, 13, 5, 3, 1, 2, 1.0f, 1.0f },
	{ 33, 17, 65, 0, 7, 0, 0.5f, -2.0f },
	{ 64, 96, 40, 8, 0, 5, -1.25f, 0.75f },
	{ 100, 37, 129, 1, 3, 17, 2.0f, 0.5f },
	{ 128, 1, 150, 4, 0, 0, 1.0f, 1.0f },	/* matrix x vector */
	{ 1, 150, 77, 0, 9, 0, 0.25f, 0.0f },	/* vector x matrix */
	{ 192, 160, 192, 0, 0, 0, 1.0f, 0.0f },
	{ 0 }, { 0 }, { 0 },			/* random shapes */
};

static unsigned int gemm_esize(enum maia_dtype dt)
{
	return dt == MAIA_TYPE_FP32 ? 4 : dt == MAIA_TYPE_BF16 ? 2 : 1;
}

static const char *dtype_name(enum maia_dtype dt)
{
	return dt == MAIA_TYPE_FP32 ? "fp32" : dt == MAIA_TYPE_BF16 ? "bf16" : "int8";
}

/*
 * One GEMM on the device against a CPU reference in double precision,
 * computed from exactly the values the device sees (bf16-rounded for bf16).
 *
 * Tolerances, with norm = |alpha| * sum_k |a_ik * b_kj| + |beta * c0_ij|
 * (the scale the rounding errors of a dot product are relative to):
 *   fp32: |c - ref| <= 1e-4 * norm (+1e-6)
 *   bf16: |c - ref| <= 1e-2 * |ref| + 1e-3 * norm (+1e-6): relative error
 *         per element 1e-2, with absolute slack for results near zero where
 *         cancellation makes the relative error meaningless
 *   int8: exact (int32 accumulation cannot overflow at these sizes)
 * Padding between rows (ld > row length) holds NaN / extreme values in A
 * and B, which must not be read, and a marker in C, which must not be
 * written; neither may anything around C. Operands start at element (not
 * page) aligned offsets, and are spread over host memory and HBM by
 * @variant.
 */
static void check_gemm(struct __test_metadata *_metadata,
		       FIXTURE_DATA(compute) *self, enum maia_dtype dt,
		       const struct gemm_case *gc, unsigned int variant)
{
	const unsigned int es = gemm_esize(dt);
	const uint32_t m = gc->m, n = gc->n, k = gc->k;
	const uint32_t lda = k + gc->lda_pad, ldb = n + gc->ldb_pad;
	const uint32_t ldc = n + gc->ldc_pad;
	const uint64_t aoff = es * (1 + variant % 5), boff = es * (variant % 3);
	const uint64_t coff = 4 * (variant % 4);
	const uint64_t a_bytes = (uint64_t)m * lda * es, b_bytes = (uint64_t)k * ldb * es;
	const uint64_t c_bytes = (uint64_t)m * ldc * 4;
	float alpha = gc->alpha, beta = gc->beta;
	double *ad, *bd, *c0d;
	uint8_t *c_init;
	struct buf A, B, C;
	struct maia_gemm_desc g = { 0 };
	uint32_t i, j, kk, bad = 0;
	int ret;

	if (dt == MAIA_TYPE_INT8) {
		alpha = 1.0f;
		beta = beta != 0.0f ? 1.0f : 0.0f;
	}
	BUF_NEW(self->dev, aoff + a_bytes, variant & 1 ? MAIA_BO_HBM : 0, &A);
	BUF_NEW(self->dev, boff + b_bytes, variant & 2 ? MAIA_BO_HBM : 0, &B);
	BUF_NEW(self->dev, coff + c_bytes, variant & 4 ? 0 : MAIA_BO_HBM, &C);
	ad = calloc((size_t)m * k, sizeof(double));
	bd = calloc((size_t)k * n, sizeof(double));
	c0d = calloc((size_t)m * n, sizeof(double));
	c_init = malloc(C.size);
	ASSERT_TRUE(ad && bd && c0d && c_init);

	/* Inputs, written element by element through the mappings. */
	for (i = 0; i < m; i++) {
		for (kk = 0; kk < lda; kk++) {
			uint8_t *p = A.cpu + aoff + ((uint64_t)i * lda + kk) * es;
			bool pad = kk >= k;

			if (dt == MAIA_TYPE_FP32) {
				float v = pad ? NAN : rnd_float(-1, 1);

				memcpy(p, &v, 4);
				if (!pad)
					ad[i * k + kk] = v;
			} else if (dt == MAIA_TYPE_BF16) {
				uint16_t v = pad ? 0x7fc0 : maia_f32_to_bf16(rnd_float(-1, 1));

				memcpy(p, &v, 2);
				if (!pad)
					ad[i * k + kk] = maia_bf16_to_f32(v);
			} else {
				int8_t v = pad ? 127 : (int8_t)rnd_range(0, 255);

				*p = (uint8_t)v;
				if (!pad)
					ad[i * k + kk] = v;
			}
		}
	}
	for (kk = 0; kk < k; kk++) {
		for (j = 0; j < ldb; j++) {
			uint8_t *p = B.cpu + boff + ((uint64_t)kk * ldb + j) * es;
			bool pad = j >= n;

			if (dt == MAIA_TYPE_FP32) {
				float v = pad ? NAN : rnd_float(-1, 1);

				memcpy(p, &v, 4);
				if (!pad)
					bd[kk * n + j] = v;
			} else if (dt == MAIA_TYPE_BF16) {
				uint16_t v = pad ? 0x7fc0 : maia_f32_to_bf16(rnd_float(-1, 1));

				memcpy(p, &v, 2);
				if (!pad)
					bd[kk * n + j] = maia_bf16_to_f32(v);
			} else {
				int8_t v = pad ? -128 : (int8_t)rnd_range(0, 255);

				*p = (uint8_t)v;
				if (!pad)
					bd[kk * n + j] = v;
			}
		}
	}
	/* C: initial values, marker in the padding, 0xa5 around. */
	memset(c_init, 0xa5, C.size);
	for (i = 0; i < m; i++) {
		for (j = 0; j < ldc; j++) {
			uint8_t *p = c_init + coff + ((uint64_t)i * ldc + j) * 4;
			uint32_t bits = 0xdeadbeef;

			if (j < n && dt == MAIA_TYPE_INT8) {
				int32_t v = (int32_t)rnd_range(0, 2000) - 1000;

				memcpy(&bits, &v, 4);
				c0d[i * n + j] = v;
			} else if (j < n) {
				float v = rnd_float(-1, 1);

				bits = f32_bits(v);
				c0d[i * n + j] = v;
			}
			memcpy(p, &bits, 4);
		}
	}
	memcpy(C.cpu, c_init, C.size);

	g.dtype = dt;
	g.m = m;
	g.n = n;
	g.k = k;
	g.a = A.va + aoff;
	g.b = B.va + boff;
	g.c = C.va + coff;
	g.lda = lda;
	g.ldb = ldb;
	g.ldc = ldc;
	g.alpha = alpha;
	g.beta = beta;
	maia_cmdbuf_reset(self->cb);
	ASSERT_EQ(0, maia_cmd_gemm(self->cb, &g));
	ret = run(_metadata, self);
	ASSERT_EQ(0, ret) TH_LOG("%s %ux%ux%u: %s", dtype_name(dt), m, n, k,
				 maia_strerror(ret));

	for (i = 0; i < m && bad < 1; i++) {
		for (j = 0; j < n; j++) {
			const uint8_t *p = C.cpu + coff + ((uint64_t)i * ldc + j) * 4;
			double sum = 0, norm = 0, ref, got, tol;

			for (kk = 0; kk < k; kk++) {
				sum += ad[i * k + kk] * bd[kk * n + j];
				norm += fabs(ad[i * k + kk] * bd[kk * n + j]);
			}
			ref = alpha * sum + beta * c0d[i * n + j];
			norm = fabs(alpha) * norm + fabs(beta * c0d[i * n + j]);
			if (dt == MAIA_TYPE_INT8) {
				int32_t v;

				memcpy(&v, p, 4);
				got = v;
				tol = 0;
			} else {
				uint32_t bits;

				memcpy(&bits, p, 4);
				got = f32_from_bits(bits);
				tol = dt == MAIA_TYPE_FP32 ? 1e-4 * norm + 1e-6 :
					1e-2 * fabs(ref) + 1e-3 * norm + 1e-6;
			}
			if (!(fabs(got - ref) <= tol)) {
				bad++;
				EXPECT_TRUE(fabs(got - ref) <= tol)
					TH_LOG("%s %ux%ux%u ld %u/%u/%u alpha %g beta %g: C[%u][%u] = %.9g, expected %.9g (tolerance %.3g)",
					       dtype_name(dt), m, n, k, lda, ldb, ldc,
					       alpha, beta, i, j, got, ref, tol);
				break;
			}
		}
	}
	/* Padding and surroundings of C untouched. */
	for (uint64_t off = 0; off < C.size && bad < 2; off += 4) {
		bool elem = off >= coff && off < coff + c_bytes &&
			    ((off - coff) / 4) % ldc < n;

		if (!elem && memcmp(C.cpu + off, c_init + off, 4)) {
			bad += 2;
			EXPECT_EQ(0, memcmp(C.cpu + off, c_init + off, 4))
				TH_LOG("%s %ux%ux%u: C buffer byte %#llx outside the matrix written",
				       dtype_name(dt), m, n, k, (unsigned long long)off);
		}
	}

	free(ad);
	free(bd);
	free(c0d);
	free(c_init);
	buf_destroy(&A);
	buf_destroy(&B);
	buf_destroy(&C);
}

static void gemm_all_cases(struct __test_metadata *_metadata,
			   FIXTURE_DATA(compute) *self, enum maia_dtype dt)
{
	unsigned int i;

	for (i = 0; i < sizeof(gemm_cases) / sizeof(gemm_cases[0]); i++) {
		struct gemm_case gc = gemm_cases[i];

		if (gc.m == 0) {
			gc.m = rnd_range(1, 160);
			gc.n = rnd_range(1, 160);
			gc.k = rnd_range(1, 160);
			gc.lda_pad = rnd_range(0, 20);
			gc.ldb_pad = rnd_range(0, 20);
			gc.ldc_pad = rnd_range(0, 20);
			gc.alpha = rnd_float(-2, 2);
			gc.beta = rnd64() & 1 ? rnd_float(-2, 2) : 0.0f;
		}
		check_gemm(_metadata, self, dt, &gc, i);
	}
}

TEST_F_TIMEOUT(compute, gemm_fp32, 300)
{
	gemm_all_cases(_metadata, self, MAIA_TYPE_FP32);
}

TEST_F_TIMEOUT(compute, gemm_bf16, 300)
{
	gemm_all_cases(_metadata, self, MAIA_TYPE_BF16);
}

TEST_F_TIMEOUT(compute, gemm_int8, 300)
{
	gemm_all_cases(_metadata, self, MAIA_TYPE_INT8);
}

/* maia_gemm(): the one-call helper. */
TEST_F_TIMEOUT(compute, gemm_helper, 120)
{
	const uint32_t m = 45, n = 70, k = 33;
	float a[45 * 33], b[33 * 70], c[45 * 70], c0[45 * 70];
	int8_t ai[45 * 33], bi[33 * 70];
	int32_t ci[45 * 70];
	uint32_t i, j, kk;
	int ret;

	for (i = 0; i < m * k; i++) {
		a[i] = rnd_float(-1, 1);
		ai[i] = (int8_t)rnd_range(0, 255);
	}
	for (i = 0; i < k * n; i++) {
		b[i] = rnd_float(-1, 1);
		bi[i] = (int8_t)rnd_range(0, 255);
	}
	for (i = 0; i < m * n; i++)
		c[i] = c0[i] = rnd_float(-1, 1);
	ret = maia_gemm(self->dev, MAIA_TYPE_FP32, m, n, k, a, b, c, 1.5f, -0.5f);
	ASSERT_EQ(0, ret) TH_LOG("maia_gemm: %s", maia_strerror(ret));
	for (i = 0; i < m; i++) {
		for (j = 0; j < n; j++) {
			double ref = 0, norm = 0;

			for (kk = 0; kk < k; kk++) {
				ref += (double)a[i * k + kk] * b[kk * n + j];
				norm += fabs((double)a[i * k + kk] * b[kk * n + j]);
			}
			ref = 1.5 * ref - 0.5 * c0[i * n + j];
			norm = 1.5 * norm + 0.5 * fabs(c0[i * n + j]);
			if (fabs(c[i * n + j] - ref) > 1e-4 * norm + 1e-6) {
				EXPECT_TRUE(fabs(c[i * n + j] - ref) <= 1e-4 * norm + 1e-6)
					TH_LOG("C[%u][%u] = %.9g, expected %.9g", i, j,
					       c[i * n + j], ref);
				i = m;
				break;
			}
		}
	}

	ret = maia_gemm(self->dev, MAIA_TYPE_INT8, m, n, k, ai, bi, ci, 1.0f, 0.0f);
	ASSERT_EQ(0, ret) TH_LOG("maia_gemm int8: %s", maia_strerror(ret));
	for (i = 0; i < m; i++) {
		for (j = 0; j < n; j++) {
			int32_t ref = 0;

			for (kk = 0; kk < k; kk++)
				ref += ai[i * k + kk] * bi[kk * n + j];
			if (ci[i * n + j] != ref) {
				EXPECT_EQ(ref, ci[i * n + j]) TH_LOG("C[%u][%u]", i, j);
				i = m;
				break;
			}
		}
	}
	EXPECT_EQ(-EINVAL, maia_gemm(self->dev, MAIA_TYPE_INT8, m, n, k, ai, bi,
				     ci, 2.0f, 0.0f));
	EXPECT_EQ(-EINVAL, maia_gemm(self->dev, MAIA_TYPE_FP32, 0, n, k, a, b, c,
				     1.0f, 0.0f));
}

/* ------------------------------------------------------------------------ */
/* ELTWISE                                                                  */
/* ------------------------------------------------------------------------ */

static double gelu_ref(double x)
{
	return 0.5 * x * (1.0 + tanh(sqrt(2.0 / M_PI) * (x + 0.044715 * x * x * x)));
}

static double eltwise_ref(enum maia_eltwise_op op, double a, double b, double scale)
{
	switch (op) {
	case MAIA_ELTWISE_ADD:
		return a + b;
	case MAIA_ELTWISE_MUL:
		return a * b;
	case MAIA_ELTWISE_SCALE:
		return scale * a;
	case MAIA_ELTWISE_RELU:
		return a > 0 ? a : 0;
	case MAIA_ELTWISE_GELU:
		return gelu_ref(a);
	}
	return NAN;
}

static const char *const eltwise_names[] = { "add", "mul", "scale", "relu", "gelu" };

/*
 * All five operations over @count elements of @dt, one job, each into its
 * own region of one destination buffer with a marker after it. Reference
 * in double from the values the device sees; tolerance per element
 * |d - ref| <= tol * max(1, |ref|) with tol 1e-4 for fp32 and 1e-2 for bf16
 * (whose result is rounded to 8 significant bits).
 */
static void check_eltwise(struct __test_metadata *_metadata,
			  FIXTURE_DATA(compute) *self, enum maia_dtype dt,
			  uint32_t count, unsigned int variant)
{
	const unsigned int es = dt == MAIA_TYPE_FP32 ? 4 : 2;
	const double tol = dt == MAIA_TYPE_FP32 ? 1e-4 : 1e-2;
	const uint64_t soff = es * (variant % 3);
	const uint64_t region = ((uint64_t)count * es + 64 + 63) & ~63ULL;
	const float scale = rnd_float(-3, 3);
	double *x0, *x1;
	struct buf s0, s1, d;
	uint8_t *d_init;
	uint32_t i;
	int op;

	BUF_NEW(self->dev, soff + (uint64_t)count * es, variant & 1 ? MAIA_BO_HBM : 0, &s0);
	BUF_NEW(self->dev, soff + (uint64_t)count * es, 0, &s1);
	BUF_NEW(self->dev, es + 5 * region, variant & 2 ? 0 : MAIA_BO_HBM, &d);
	x0 = calloc(count, sizeof(double));
	x1 = calloc(count, sizeof(double));
	d_init = malloc(d.size);
	ASSERT_TRUE(x0 && x1 && d_init);

	for (i = 0; i < count; i++) {
		/* GELU's interesting range is within a few units of zero. */
		float v0 = rnd_float(-5, 5), v1 = rnd_float(-4, 4);

		if (dt == MAIA_TYPE_FP32) {
			memcpy(s0.cpu + soff + i * 4, &v0, 4);
			memcpy(s1.cpu + soff + i * 4, &v1, 4);
			x0[i] = v0;
			x1[i] = v1;
		} else {
			uint16_t h0 = maia_f32_to_bf16(v0), h1 = maia_f32_to_bf16(v1);

			memcpy(s0.cpu + soff + i * 2, &h0, 2);
			memcpy(s1.cpu + soff + i * 2, &h1, 2);
			x0[i] = maia_bf16_to_f32(h0);
			x1[i] = maia_bf16_to_f32(h1);
		}
	}
	memset(d_init, 0xa5, d.size);
	memcpy(d.cpu, d_init, d.size);

	maia_cmdbuf_reset(self->cb);
	for (op = 0; op < 5; op++) {
		ASSERT_EQ(0, maia_cmd_eltwise(self->cb, (enum maia_eltwise_op)op, dt,
					      s0.va + soff, s1.va + soff,
					      d.va + es + op * region, count, scale));
	}
	RUN_OK(self);

	for (op = 0; op < 5; op++) {
		const uint8_t *out = d.cpu + es + op * region;
		long diff;

		for (i = 0; i < count; i++) {
			double ref = eltwise_ref((enum maia_eltwise_op)op, x0[i], x1[i], scale);
			double got, lim = tol * (fabs(ref) > 1 ? fabs(ref) : 1);

			if (dt == MAIA_TYPE_FP32) {
				uint32_t bits;

				memcpy(&bits, out + i * 4, 4);
				got = f32_from_bits(bits);
			} else {
				uint16_t h;

				memcpy(&h, out + i * 2, 2);
				got = maia_bf16_to_f32(h);
			}
			if (!(fabs(got - ref) <= lim)) {
				EXPECT_TRUE(fabs(got - ref) <= lim)
					TH_LOG("%s %s n=%u: [%u] = %.9g for x=%.9g y=%.9g scale=%g, expected %.9g (tolerance %.3g)",
					       dtype_name(dt), eltwise_names[op], count, i,
					       got, x0[i], x1[i], scale, ref, lim);
				break;
			}
		}
		/* Nothing written past the last element. */
		diff = first_diff(out + (uint64_t)count * es,
				  d_init + es + op * region + (uint64_t)count * es,
				  region - (uint64_t)count * es);
		EXPECT_EQ(-1, diff) TH_LOG("%s %s n=%u: written past the end (+%ld bytes)",
					   dtype_name(dt), eltwise_names[op], count, diff);
	}
	EXPECT_EQ(-1, first_diff(d.cpu, d_init, es)) TH_LOG("written before dst");

	free(x0);
	free(x1);
	free(d_init);
	buf_destroy(&s0);
	buf_destroy(&s1);
	buf_destroy(&d);
}

static void eltwise_all(struct __test_metadata *_metadata,
			FIXTURE_DATA(compute) *self, enum maia_dtype dt)
{
	const uint32_t counts[] = { 1, 3, 64, 1000 + rnd_range(0, 999), 4096 + 5, 40000 };
	unsigned int i;

	for (i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
		check_eltwise(_metadata, self, dt, counts[i], i);
}

TEST_F_TIMEOUT(compute, eltwise_fp32, 180)
{
	eltwise_all(_metadata, self, MAIA_TYPE_FP32);
}

TEST_F_TIMEOUT(compute, eltwise_bf16, 180)
{
	eltwise_all(_metadata, self, MAIA_TYPE_BF16);
}

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

/* ------------------------------------------------------------------------ */
/* Isolation between files                                                  */
/* ------------------------------------------------------------------------ */

/*
 * In a child process with a file of its own: reading or writing the
 * addresses where the parent has data bound faults; the child's own buffer
 * is not touched. Exit status 0 on success.
 */
static int isolation_child(unsigned int index, uint64_t secret_va,
			   uint64_t secret_hbm_va)
{
	struct maia_device *dev;
	struct maia_cmdbuf *cb;
	struct maia_queue *q;
	const uint64_t reads[] = { secret_va, secret_va + 4096, secret_hbm_va };
	struct buf mine;
	int ret, fail = 0;
	unsigned int i;

	if (maia_open_index(index, &dev) ||
	    maia_queue_create(dev, MAIA_PRIORITY_NORMAL, &q) ||
	    maia_cmdbuf_create(dev, 4, &cb) || buf_create(dev, 8192, 0, &mine))
		return 10;
	memset(mine.cpu, 0x99, 8192);

	for (i = 0; i < 3; i++) {
		maia_cmdbuf_reset(cb);
		maia_cmd_copy(cb, reads[i], mine.va, 4096);
		ret = job(q, cb);
		if (ret != -EFAULT) {
			fprintf(stderr, "# child: COPY from the parent's %#llx returned %d\n",
				(unsigned long long)reads[i], ret);
			fail = 1;
		}
	}
	maia_cmdbuf_reset(cb);
	maia_cmd_fill(cb, secret_va, 4096, 0);
	ret = job(q, cb);
	if (ret != -EFAULT) {
		fprintf(stderr, "# child: FILL of the parent's VA returned %d\n", ret);
		fail = 1;
	}
	for (i = 0; i < 8192; i++) {
		if (mine.cpu[i] != 0x99) {
			fprintf(stderr, "# child: own buffer changed at %u\n", i);
			fail = 1;
			break;
		}
	}
	return fail;
}

TEST_F_TIMEOUT(compute, isolation, 120)
{
	const uint64_t size = 16 * KiB;
	struct maia_bo *secret, *secret_hbm;
	uint8_t *data, *expect;
	struct buf out;
	void *map;
	pid_t pid;
	long diff;

	ASSERT_EQ(0, maia_bo_create(self->dev, size, 0, &secret));
	ASSERT_EQ(0, maia_bo_create(self->dev, size, MAIA_BO_HBM, &secret_hbm));
	ASSERT_EQ(0, maia_bo_bind(secret, FIXED_VA, 0));
	ASSERT_EQ(0, maia_bo_bind(secret_hbm, FIXED_VA + 2 * MiB, 0));
	ASSERT_EQ(0, maia_bo_map(secret, &map));
	data = map;
	expect = malloc(size);
	ASSERT_NE(NULL, expect);
	rnd_bytes(expect, size);
	memcpy(data, expect, size);
	ASSERT_EQ(0, maia_bo_map(secret_hbm, &map));
	memcpy(map, expect, size);

	fflush(stderr);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0)
		_exit(isolation_child(self->index, FIXED_VA, FIXED_VA + 2 * MiB));
	EXPECT_EQ(0, wait_child(pid));

	diff = first_diff(data, expect, size);
	EXPECT_EQ(-1, diff) TH_LOG("parent's host data changed at %ld", diff);
	diff = first_diff(map, expect, size);
	EXPECT_EQ(-1, diff) TH_LOG("parent's HBM data changed at %ld", diff);
	/* The parent itself still reaches its data there. */
	BUF_NEW(self->dev, size, 0, &out);
	ASSERT_EQ(0, maia_cmd_copy(self->cb, FIXED_VA + 2 * MiB, out.va, size));
	RUN_OK(self);
	EXPECT_EQ(-1, first_diff(out.cpu, expect, size));

	free(expect);
	buf_destroy(&out);
	maia_bo_destroy(secret);
	maia_bo_destroy(secret_hbm);
}

/* ------------------------------------------------------------------------ */
/* PRIME                                                                    */
/* ------------------------------------------------------------------------ */

static int send_fd(int sock, int fd, uint64_t size)
{
	char control[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = &size, .iov_len = sizeof(size) };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = control, .msg_controllen = sizeof(control),
	};
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);

	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == sizeof(size) ? 0 : -errno;
}

static int recv_fd(int sock, int *fd, uint64_t *size)
{
	char control[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = size, .iov_len = sizeof(*size) };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = control, .msg_controllen = sizeof(control),
	};
	struct cmsghdr *cmsg;

	if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) != sizeof(*size))
		return -EIO;
	cmsg = CMSG_FIRSTHDR(&msg);
	if (!cmsg || cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS)
		return -EIO;
	memcpy(fd, CMSG_DATA(cmsg), sizeof(int));
	return 0;
}

/* The pattern the exporter writes: byte i = (i * 7) ^ salt. */
static uint8_t pattern(uint64_t i, uint8_t salt)
{
	return (uint8_t)(i * 7) ^ salt;
}

/*
 * Child: receive a dma-buf, import it into a file of its own, check the
 * exporter's pattern through its own mapping, bind it in its own address
 * space and FILL the first half on the device.
 */
static int prime_child(unsigned int index, int sock, uint32_t value)
{
	struct maia_device *dev;
	struct maia_cmdbuf *cb;
	struct maia_queue *q;
	struct maia_bo *bo;
	uint64_t size, va, i;
	uint8_t *cpu;
	void *map;
	int fd, ret;

	if (recv_fd(sock, &fd, &size))
		return 10;
	if (maia_open_index(index, &dev) ||
	    maia_queue_create(dev, MAIA_PRIORITY_NORMAL, &q) ||
	    maia_cmdbuf_create(dev, 2, &cb))
		return 11;
	ret = maia_bo_import(dev, fd, &bo);
	close(fd);
	if (ret) {
		fprintf(stderr, "# child: import: %s\n", maia_strerror(ret));
		return 12;
	}
	if (maia_bo_size(bo) != size) {
		fprintf(stderr, "# child: imported size %llu, expected %llu\n",
			(unsigned long long)maia_bo_size(bo), (unsigned long long)size);
		return 13;
	}
	if (maia_bo_map(bo, &map))
		return 14;
	cpu = map;
	for (i = 0; i < size; i++) {
		if (cpu[i] != pattern(i, 0x3c)) {
			fprintf(stderr, "# child: byte %llu is %#x before the fill\n",
				(unsigned long long)i, cpu[i]);
			return 15;
		}
	}
	if (maia_va_alloc(dev, size, &va) || maia_bo_bind(bo, va, 0))
		return 16;
	maia_cmd_fill(cb, va, size / 2, value);
	ret = job(q, cb);
	if (ret) {
		fprintf(stderr, "# child: fill: %s\n", maia_strerror(ret));
		return 17;
	}
	if (memcmp(cpu, &value, 4) || cpu[size / 2] != pattern(size / 2, 0x3c))
		return 18;
	maia_bo_destroy(bo);
	maia_cmdbuf_destroy(cb);
	maia_queue_destroy(q);
	maia_close(dev);
	return 0;
}

/*
 * A host buffer exported as a dma-buf travels to a child over a unix socket;
 * the child imports it into a file of its own, binds it in its own address
 * space and fills half of it on the device; the parent sees the values
 * through its own mapping. (HBM objects cannot be exported.)
 */
TEST_F_TIMEOUT(compute, prime_share_with_child, 120)
{
	const uint64_t size = 128 * KiB;
	const uint32_t value = 0x600d0001;
	struct maia_bo *bo, *hbm;
	int sv[2], fd;
	uint8_t *cpu;
	uint64_t i;
	void *map;
	pid_t pid;

	ASSERT_EQ(0, maia_bo_create(self->dev, 4096, MAIA_BO_HBM, &hbm));
	EXPECT_EQ(-EOPNOTSUPP, maia_bo_export(hbm, &fd));
	maia_bo_destroy(hbm);

	ASSERT_EQ(0, maia_bo_create(self->dev, size, 0, &bo));
	ASSERT_EQ(0, maia_bo_map(bo, &map));
	cpu = map;
	for (i = 0; i < size; i++)
		cpu[i] = pattern(i, 0x3c);
	ASSERT_EQ(0, maia_bo_export(bo, &fd));
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));

	fflush(stderr);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		/* Only what comes through the socket counts. */
		close(fd);
		close(sv[0]);
		_exit(prime_child(self->index, sv[1], value));
	}
	close(sv[1]);
	ASSERT_EQ(0, send_fd(sv[0], fd, size));
	close(fd);
	EXPECT_EQ(0, wait_child(pid));
	close(sv[0]);

	for (i = 0; i < size / 2; i += 4) {
		if (memcmp(cpu + i, &value, 4)) {
			EXPECT_EQ(0, memcmp(cpu + i, &value, 4))
				TH_LOG("word at %llu not filled by the importer",
				       (unsigned long long)i);
			break;
		}
	}
	for (i = size / 2; i < size; i++) {
		if (cpu[i] != pattern(i, 0x3c)) {
			EXPECT_EQ(pattern(i, 0x3c), cpu[i])
				TH_LOG("byte %llu changed", (unsigned long long)i);
			break;
		}
	}
	maia_bo_destroy(bo);
}

/* Importing into the exporting file gives back the same object. */
TEST_F(compute, prime_self_import)
{
	struct maia_bo *bo, *again;
	struct buf out;
	int fd;

	ASSERT_EQ(0, maia_bo_create(self->dev, 8192, 0, &bo));
	ASSERT_EQ(0, maia_bo_export(bo, &fd));
	ASSERT_EQ(0, maia_bo_import(self->dev, fd, &again));
	close(fd);
	EXPECT_EQ(bo, again);
	EXPECT_EQ(maia_bo_handle(bo), maia_bo_handle(again));
	/* One destroy per import: the handle stays valid. */
	maia_bo_destroy(again);
	ASSERT_EQ(0, maia_bo_bind(bo, FIXED_VA, 0));
	BUF_NEW(self->dev, 8192, 0, &out);
	ASSERT_EQ(0, maia_cmd_fill(self->cb, FIXED_VA, 8192, 0x1234));
	ASSERT_EQ(0, maia_cmd_copy(self->cb, FIXED_VA, out.va, 8192));
	RUN_OK(self);
	EXPECT_EQ(0x1234, ((uint32_t *)out.cpu)[2047]);
	maia_bo_destroy(bo);
	buf_destroy(&out);
}

/* A host buffer of device 0 imported by device 1 and written by its engine. */
TEST_F_TIMEOUT(compute, prime_cross_device, 120)
{
	unsigned int indices[MAIA_MAX_TEST_DEVICES];
	struct maia_device *dev1;
	struct maia_queue *q1;
	struct maia_cmdbuf *cb1;
	struct maia_bo *bo, *imp;
	uint64_t va;
	uint32_t *words;
	void *map;
	int fd, n, ret, i;

	n = maia_device_indices(indices, MAIA_MAX_TEST_DEVICES);
	if (n < 2)
		SKIP(return, "needs two maia devices");
	ASSERT_EQ(0, maia_open_index(indices[1], &dev1));
	ASSERT_EQ(0, maia_queue_create(dev1, MAIA_PRIORITY_NORMAL, &q1));
	ASSERT_EQ(0, maia_cmdbuf_create(dev1, 2, &cb1));
	ASSERT_EQ(0, maia_bo_create(self->dev, 64 * KiB, 0, &bo));
	ASSERT_EQ(0, maia_bo_map(bo, &map));
	words = map;
	memset(words, 0, 64 * KiB);
	ASSERT_EQ(0, maia_bo_export(bo, &fd));
	ret = maia_bo_import(dev1, fd, &imp);
	close(fd);
	ASSERT_EQ(0, ret) TH_LOG("import on the second device: %s", maia_strerror(ret));
	EXPECT_EQ(64 * KiB, maia_bo_size(imp));
	ASSERT_EQ(0, maia_va_alloc(dev1, 64 * KiB, &va));
	ASSERT_EQ(0, maia_bo_bind(imp, va, 0));
	ASSERT_EQ(0, maia_cmd_fill(cb1, va, 64 * KiB, 0xd1d1d1d1));
	ret = job(q1, cb1);
	EXPECT_EQ(0, ret) TH_LOG("%s", maia_strerror(ret));
	for (i = 0; i < 16 * 1024; i++) {
		if (words[i] != 0xd1d1d1d1) {
			EXPECT_EQ(0xd1d1d1d1, words[i]) TH_LOG("word %d", i);
			break;
		}
	}
	maia_bo_destroy(imp);
	maia_bo_destroy(bo);
	maia_cmdbuf_destroy(cb1);
	maia_queue_destroy(q1);
	maia_close(dev1);
}

/* ------------------------------------------------------------------------ */
/* Concurrency                                                              */
/* ------------------------------------------------------------------------ */

#define STRESS_PROCS		4
#define STRESS_QUEUES		4
#define STRESS_JOBS		200	/* per process */
#define STRESS_BUF		(64 * KiB)
#define STRESS_DIM		24

enum stress_kind { STRESS_COPY, STRESS_FILL, STRESS_GEMM };

/* One queue of a stress process with the buffers of its job in flight. */
struct stress_slot {
	struct maia_queue *q;
	struct maia_cmdbuf *cb;
	struct maia_fence *fence;
	struct buf src, dst, a, b, c;
	uint8_t model[STRESS_BUF];
	enum stress_kind kind;
	uint32_t m, n, k;
	int8_t av[STRESS_DIM * STRESS_DIM], bv[STRESS_DIM * STRESS_DIM];
	int job;
};

static int stress_check(struct stress_slot *s, unsigned int proc)
{
	long diff;
	uint32_t i, j, kk;

	if (s->kind != STRESS_GEMM) {
		diff = first_diff(s->dst.cpu, s->model, STRESS_BUF);
		if (diff >= 0) {
			fprintf(stderr, "# proc %u job %d (%s): byte %ld is %#x, expected %#x\n",
				proc, s->job, s->kind == STRESS_COPY ? "copy" : "fill",
				diff, s->dst.cpu[diff], s->model[diff]);
			return 1;
		}
		return 0;
	}
	for (i = 0; i < s->m; i++) {
		for (j = 0; j < s->n; j++) {
			int32_t ref = 0, got;

			for (kk = 0; kk < s->k; kk++)
				ref += s->av[i * s->k + kk] * s->bv[kk * s->n + j];
			memcpy(&got, s->c.cpu + (i * s->n + j) * 4, 4);
			if (got != ref) {
				fprintf(stderr, "# proc %u job %d gemm %ux%ux%u: C[%u][%u] = %d, expected %d\n",
					proc, s->job, s->m, s->n, s->k, i, j, got, ref);
				return 1;
			}
		}
	}
	return 0;
}

static int stress_prepare(struct stress_slot *s)
{
	struct maia_gemm_desc g = { 0 };
	uint32_t len, soff, doff, value, i;

	maia_cmdbuf_reset(s->cb);
	s->kind = (enum stress_kind)(rnd64() % 3);
	switch (s->kind) {
	case STRESS_COPY:
		rnd_bytes(s->model, STRESS_BUF);
		memcpy(s->src.cpu, s->model, STRESS_BUF);
		memset(s->model, (int)(rnd64() & 0xff), STRESS_BUF);
		memcpy(s->dst.cpu, s->model, STRESS_BUF);
		len = rnd_range(1, STRESS_BUF);
		soff = rnd_range(0, STRESS_BUF - len);
		doff = rnd_range(0, STRESS_BUF - len);
		memcpy(s->model + doff, s->src.cpu + soff, len);
		return maia_cmd_copy(s->cb, s->src.va + soff, s->dst.va + doff, len);
	case STRESS_FILL:
		memset(s->model, (int)(rnd64() & 0xff), STRESS_BUF);
		memcpy(s->dst.cpu, s->model, STRESS_BUF);
		len = 4 * rnd_range(1, STRESS_BUF / 4);
		doff = 4 * rnd_range(0, (STRESS_BUF - len) / 4);
		value = (uint32_t)rnd64();
		for (i = 0; i < len; i += 4)
			memcpy(s->model + doff + i, &value, 4);
		return maia_cmd_fill(s->cb, s->dst.va + doff, len, value);
	case STRESS_GEMM:
		s->m = rnd_range(1, STRESS_DIM);
		s->n = rnd_range(1, STRESS_DIM);
		s->k = rnd_range(1, STRESS_DIM);
		rnd_bytes(s->av, sizeof(s->av));
		rnd_bytes(s->bv, sizeof(s->bv));
		memcpy(s->a.cpu, s->av, s->m * s->k);
		memcpy(s->b.cpu, s->bv, s->k * s->n);
		memset(s->c.cpu, 0xff, s->m * s->n * 4);
		g.dtype = MAIA_TYPE_INT8;
		g.m = s->m;
		g.n = s->n;
		g.k = s->k;
		g.a = s->a.va;
		g.b = s->b.va;
		g.c = s->c.va;
		g.alpha = 1.0f;
		return maia_cmd_gemm(s->cb, &g);
	}
	return -EINVAL;
}

static int stress_wait(struct stress_slot *s, unsigned int proc)
{
	int ret;

	if (!s->fence)
		return 0;
	ret = maia_fence_wait(s->fence, JOB_WAIT_NS);
	maia_fence_destroy(s->fence);
	s->fence = NULL;
	if (ret) {
		fprintf(stderr, "# proc %u job %d: %s\n", proc, s->job, maia_strerror(ret));
		return 1;
	}
	return stress_check(s, proc);
}

/* One stress process: STRESS_JOBS jobs round robin over its queues. */
static int stress_child(unsigned int index, unsigned int proc)
{
	struct stress_slot *slots;
	struct maia_device *dev;
	int failures = 0, jobn, i, ret;

	rng_seed(0x5eed0000 + proc);
	slots = calloc(STRESS_QUEUES, sizeof(*slots));
	if (!slots || maia_open_index(index, &dev))
		return 100;
	for (i = 0; i < STRESS_QUEUES; i++) {
		struct stress_slot *s = &slots[i];
		uint32_t mem = i & 1 ? MAIA_BO_HBM : 0;

		if (maia_queue_create(dev, MAIA_PRIORITY_NORMAL, &s->q) ||
		    maia_cmdbuf_create(dev, 2, &s->cb) ||
		    buf_create(dev, STRESS_BUF, 0, &s->src) ||
		    buf_create(dev, STRESS_BUF, mem, &s->dst) ||
		    buf_create(dev, 4096, mem, &s->a) ||
		    buf_create(dev, 4096, 0, &s->b) ||
		    buf_create(dev, 4096, mem ^ MAIA_BO_HBM, &s->c))
			return 101;
	}
	for (jobn = 0; jobn < STRESS_JOBS; jobn++) {
		struct stress_slot *s = &slots[jobn % STRESS_QUEUES];
		struct maia_bo *bos[5] = { s->src.bo, s->dst.bo, s->a.bo, s->b.bo, s->c.bo };

		failures += stress_wait(s, proc);
		if (failures > 3)
			break;
		s->job = jobn;
		if (stress_prepare(s))
			return 102;
		ret = maia_submit(s->q, s->cb, bos, 5, NULL, 0, &s->fence);
		if (ret) {
			fprintf(stderr, "# proc %u job %d: submit: %s\n", proc, jobn,
				maia_strerror(ret));
			return 103;
		}
	}
	for (i = 0; i < STRESS_QUEUES; i++)
		failures += stress_wait(&slots[i], proc);
	return failures ? 1 : 0;
}

TEST_F_TIMEOUT(compute, concurrent_processes, 600)
{
	pid_t pids[STRESS_PROCS];
	int i;

	fflush(stderr);
	for (i = 0; i < STRESS_PROCS; i++) {
		pids[i] = fork();
		ASSERT_GE(pids[i], 0);
		if (pids[i] == 0)
			_exit(stress_child(self->index, i));
	}
	for (i = 0; i < STRESS_PROCS; i++) {
		EXPECT_EQ(0, wait_child(pids[i])) TH_LOG("process %d", i);
	}
}

/* ------------------------------------------------------------------------ */
/* Teardown with jobs in flight                                             */
/* ------------------------------------------------------------------------ */

/*
 * Keep the device busy for a while: on two queues, two jobs of four
 * chained 192^3 fp32 GEMMs each (accumulating into C), plus, if
 * @blocked, a job stuck on a WAIT that nothing will satisfy. Nothing is
 * waited for and nothing is freed; the caller closes the file or exits.
 * The buffers are not mapped, so closing the file is the last reference
 * the process holds on them (the command buffers are).
 */
static int submit_long_chain(struct maia_device *dev, bool blocked)
{
	const uint32_t dim = 192;
	const uint64_t bytes = (uint64_t)dim * dim * 4;
	struct maia_bo *a, *b, *c, *sem;
	struct maia_gemm_desc g = { 0 };
	struct maia_cmdbuf *cb;
	struct maia_queue *q[2];
	struct maia_fence *f;
	int i, ret;

	if (maia_queue_create(dev, MAIA_PRIORITY_NORMAL, &q[0]) ||
	    maia_queue_create(dev, MAIA_PRIORITY_LOW, &q[1]) ||
	    maia_bo_create_bound(dev, bytes, MAIA_BO_HBM, &a) ||
	    maia_bo_create_bound(dev, bytes, MAIA_BO_HBM, &b) ||
	    maia_bo_create_bound(dev, bytes, MAIA_BO_HBM, &c) ||
	    maia_bo_create_bound(dev, 4096, 0, &sem) ||
	    maia_cmdbuf_create(dev, 16, &cb))
		return -ENOMEM;
	g.dtype = MAIA_TYPE_FP32;
	g.m = g.n = g.k = dim;
	g.a = maia_bo_va(a);
	g.b = maia_bo_va(b);
	g.c = maia_bo_va(c);
	g.alpha = 1.0f;
	g.beta = 1.0f;
	for (i = 0; i < 4; i++)
		maia_cmd_gemm(cb, &g);
	for (i = 0; i < 4; i++) {
		ret = maia_submit(q[i & 1], cb, NULL, 0, NULL, 0, &f);
		if (ret)
			return ret;
	}
	if (blocked) {
		if (maia_cmdbuf_create(dev, 1, &cb))
			return -ENOMEM;
		/* sem is a fresh host object: zero, and nobody writes it. */
		maia_cmd_wait(cb, maia_bo_va(sem), 1);
		ret = maia_submit(q[0], cb, NULL, 0, NULL, 0, &f);
		if (ret)
			return ret;
	}
	return 0;
}

/* After the teardown: a new file works, and so does the fixture's. */
static void check_device_usable(struct __test_metadata *_metadata,
				FIXTURE_DATA(compute) *self)
{
	struct maia_device *dev;
	struct maia_cmdbuf *cb;
	struct maia_queue *q;
	struct buf b;
	int ret;

	ASSERT_EQ(0, maia_open_index(self->index, &dev));
	ASSERT_EQ(0, maia_queue_create(dev, MAIA_PRIORITY_NORMAL, &q));
	ASSERT_EQ(0, maia_cmdbuf_create(dev, 2, &cb));
	BUF_NEW(dev, 64 * KiB, MAIA_BO_HBM, &b);
	ASSERT_EQ(0, maia_cmd_fill(cb, b.va, 64 * KiB, 0x0badf00d));
	ret = job(q, cb);
	EXPECT_EQ(0, ret) TH_LOG("new file: %s", maia_strerror(ret));
	EXPECT_EQ(0x0badf00d, ((uint32_t *)b.cpu)[16383]);
	buf_destroy(&b);
	maia_cmdbuf_destroy(cb);
	maia_queue_destroy(q);
	maia_close(dev);

	BUF_NEW(self->dev, 4096, 0, &b);
	maia_cmdbuf_reset(self->cb);
	ASSERT_EQ(0, maia_cmd_fill(self->cb, b.va, 4096, 0x1dea));
	RUN_OK(self);
	EXPECT_EQ(0x1dea, ((uint32_t *)b.cpu)[1023]);
	buf_destroy(&b);
}

TEST_F_TIMEOUT(compute, close_with_jobs_in_flight, 300)
{
	struct maia_device *dev;
	int ret;

	ASSERT_EQ(0, maia_open_index(self->index, &dev));
	ret = submit_long_chain(dev, false);
	ASSERT_EQ(0, ret) TH_LOG("%s", maia_strerror(ret));
	/* The objects are deliberately leaked: only the file goes. */
	maia_close(dev);
	check_device_usable(_metadata, self);
}

TEST_F_TIMEOUT(compute, exit_with_jobs_in_flight, 300)
{
	pid_t pid;

	fflush(stderr);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		struct maia_device *dev;

		if (maia_open_index(self->index, &dev))
			_exit(10);
		_exit(submit_long_chain(dev, false) ? 11 : 0);
	}
	EXPECT_EQ(0, wait_child(pid));
	check_device_usable(_metadata, self);
}

/* A job that can never finish must not keep close() or exit() forever. */
TEST_F_TIMEOUT(compute, exit_with_blocked_job, 300)
{
	pid_t pid;

	fflush(stderr);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		struct maia_device *dev;

		if (maia_open_index(self->index, &dev))
			_exit(10);
		_exit(submit_long_chain(dev, true) ? 11 : 0);
	}
	EXPECT_EQ(0, wait_child(pid));
	check_device_usable(_metadata, self);
}

TEST_HARNESS_MAIN
