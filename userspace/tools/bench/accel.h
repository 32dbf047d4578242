// SPDX-License-Identifier: MIT
/*
 * maia-bench accel mode, between its two files: accel.c (the mode, job
 * latency and rate, COPY) and accel_gemm.c (GEMM against OpenBLAS, kept
 * apart as the only user of cblas.h).
 */
#ifndef MAIA_BENCH_ACCEL_H
#define MAIA_BENCH_ACCEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "maia.h"
#include "report.h"

/* Far above the driver's job timeout: that one reports first. */
#define JOB_WAIT_NS		(60 * NSEC_PER_SEC)

struct accel {
	struct maia_device *dev;
	struct maia_info info;
	char why[256];		/* why jobs cannot run, "" if they can */
};

bool accel_has_hbm(const struct accel *ac, uint64_t bytes);

/* Submit @cb and wait for it; on failure, a message in @why. */
int job_run(struct maia_queue *q, struct maia_cmdbuf *cb,
	    struct maia_bo *const *bos, unsigned int n_bos,
	    char *why, size_t why_size);

/* The GEMM figures, in GFLOP/s. */
struct accel_gemm {
	struct meas maia_fp32, maia_bf16;
	struct meas cpu_fp32, cpu_bf16;
	bool sbgemm;		/* the bf16 peer is cblas_sbgemm, not sgemm */
};

/* fp32 and bf16 GEMM, OpenBLAS first: its results check the device's. */
void accel_gemm(struct accel *ac, int warm, int reps, struct accel_gemm *r);

/* xorshift64*: reproducible inputs without rand()'s global state. */
static inline uint64_t rng_next(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545f4914f6cdd1dULL;
}

/* Uniform in [-1, 1). */
static inline float rng_float(uint64_t *state)
{
	return (float)((double)(rng_next(state) >> 11) / (double)(1ULL << 52)) - 1.0f;
}

#endif
