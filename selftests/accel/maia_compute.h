/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the maia_accel compute selftests (maia_compute_*_test.c): the
 * seeded random generator, job submission with a timeout, bound and mapped
 * buffer objects, and the "compute" fixture (one open device, one queue,
 * one command buffer). Include it once per test program, after defining
 * _GNU_SOURCE: it defines the fixture.
 *
 * Random inputs come from a fixed-seed generator, reseeded for every test,
 * so a failure reproduces; MAIA_TEST_SEED=N overrides the seed.
 *
 * Every job is waited for with a timeout (JOB_WAIT_NS): a job that never
 * completes is a failure here, not a hang.
 */
#ifndef MAIA_COMPUTE_H
#define MAIA_COMPUTE_H

#include <stdint.h>
#include <sys/wait.h>

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

static inline void rng_seed(uint64_t seed)
{
	const char *env = getenv("MAIA_TEST_SEED");

	if (env)
		seed ^= strtoull(env, NULL, 0);
	rng_state = seed ? seed : 0x9e3779b97f4a7c15ULL;
}

static inline uint64_t rnd64(void)
{
	/* xorshift64 */
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Uniform in [lo, hi]. */
static inline uint32_t rnd_range(uint32_t lo, uint32_t hi)
{
	return lo + (uint32_t)(rnd64() % ((uint64_t)hi - lo + 1));
}

static inline float rnd_float(float lo, float hi)
{
	return lo + (hi - lo) * (float)(rnd64() >> 40) / (float)(1 << 24);
}

static inline void rnd_bytes(void *buf, size_t len)
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

static inline float f32_from_bits(uint32_t bits)
{
	float f;

	memcpy(&f, &bits, sizeof(f));
	return f;
}

static inline uint32_t f32_bits(float f)
{
	uint32_t bits;

	memcpy(&bits, &f, sizeof(bits));
	return bits;
}

/* Index of the first differing byte, or -1. */
static inline long first_diff(const void *got, const void *want, size_t len)
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
static inline int job_on(struct maia_queue *q, struct maia_cmdbuf *cb,
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

static inline int job(struct maia_queue *q, struct maia_cmdbuf *cb)
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
static inline int buf_create(struct maia_device *dev, uint64_t size,
			     uint32_t flags, struct buf *b)
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

static inline void buf_destroy(struct buf *b)
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

static inline const char *mem_name(uint32_t flags)
{
	return flags & MAIA_BO_HBM ? "hbm" : "host";
}

static inline int first_maia_index(unsigned int *index)
{
	unsigned int indices[MAIA_MAX_TEST_DEVICES];
	int n = maia_device_indices(indices, MAIA_MAX_TEST_DEVICES);

	if (n <= 0)
		return -ENODEV;
	*index = indices[0];
	return 0;
}

/* Wait for a child process; its exit status, or 128 + signal. */
static inline int wait_child(pid_t pid)
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
static inline int run(struct __test_metadata *_metadata,
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

#endif /* MAIA_COMPUTE_H */
