// SPDX-License-Identifier: MIT
/*
 * maia-bench accel mode, GEMM: 1024^3 matrix products in fp32 and bf16 on
 * the tensor engine against single-threaded OpenBLAS on the same inputs.
 * The device's result is checked against the CPU's on sampled elements, so
 * a wrong product is an error, not a fast number. The only file that needs
 * OpenBLAS (cblas.h).
 */
#define _GNU_SOURCE

#include <dlfcn.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>

#include "accel.h"

#define GEMM_DIM		1024
#define GEMM_SAMPLES		64

/* cblas_sbgemm, if the OpenBLAS at hand exports it (Debian 12's does not). */
typedef void (*sbgemm_fn)(enum CBLAS_ORDER, enum CBLAS_TRANSPOSE,
			  enum CBLAS_TRANSPOSE, blasint, blasint, blasint, float,
			  const uint16_t *, blasint, const uint16_t *, blasint,
			  float, float *, blasint);

struct gemm_data {
	unsigned int n;
	float *a, *b;		/* fp32 inputs */
	uint16_t *a16, *b16;	/* the same rounded to bf16 */
	float *ar, *br;		/* bf16 inputs widened back to fp32 */
	float *c32, *c16;	/* CPU results, fp32 and bf16 inputs */
	bool c32_ok, c16_ok;
	sbgemm_fn sbgemm;
	size_t samples[GEMM_SAMPLES];	/* element indices that are checked */
};

static int gemm_data_init(struct gemm_data *g, unsigned int n)
{
	size_t count = (size_t)n * n;
	uint64_t state = 42;

	memset(g, 0, sizeof(*g));
	g->n = n;
	g->a = malloc(count * sizeof(float));
	g->b = malloc(count * sizeof(float));
	g->ar = malloc(count * sizeof(float));
	g->br = malloc(count * sizeof(float));
	g->c32 = calloc(count, sizeof(float));
	g->c16 = calloc(count, sizeof(float));
	g->a16 = malloc(count * sizeof(uint16_t));
	g->b16 = malloc(count * sizeof(uint16_t));
	if (!g->a || !g->b || !g->ar || !g->br || !g->c32 || !g->c16 ||
	    !g->a16 || !g->b16)
		return -ENOMEM;
	for (size_t i = 0; i < count; i++) {
		g->a[i] = rng_float(&state);
		g->b[i] = rng_float(&state);
		g->a16[i] = maia_f32_to_bf16(g->a[i]);
		g->b16[i] = maia_f32_to_bf16(g->b[i]);
		g->ar[i] = maia_bf16_to_f32(g->a16[i]);
		g->br[i] = maia_bf16_to_f32(g->b16[i]);
	}
	/* Corners, then scattered elements. */
	g->samples[0] = 0;
	g->samples[1] = n - 1;
	g->samples[2] = count - n;
	g->samples[3] = count - 1;
	for (int s = 4; s < GEMM_SAMPLES; s++)
		g->samples[s] = rng_next(&state) % count;
	g->sbgemm = (sbgemm_fn)dlsym(RTLD_DEFAULT, "cblas_sbgemm");
	return 0;
}

static void gemm_data_fini(struct gemm_data *g)
{
	free(g->a);
	free(g->b);
	free(g->ar);
	free(g->br);
	free(g->c32);
	free(g->c16);
	free(g->a16);
	free(g->b16);
}

/*
 * Compare the sampled elements of @c with @ref (or, if NULL, with a double
 * precision dot product of @a and @b). The bound scales with sum |a*b| of
 * the element: far above fp32 rounding of a 1024-term sum, far below what
 * a wrong or missing result gives.
 */
static bool gemm_check(const struct gemm_data *g, const float *c,
		       const float *ref, const float *a, const float *b,
		       char *why, size_t why_size)
{
	unsigned int n = g->n;

	for (int s = 0; s < GEMM_SAMPLES; s++) {
		size_t idx = g->samples[s], i = idx / n, j = idx % n;
		double dot = 0, sum_abs = 0, want, got = (double)c[idx];

		for (size_t k = 0; k < n; k++) {
			double p = (double)a[i * n + k] * (double)b[k * n + j];

			dot += p;
			sum_abs += fabs(p);
		}
		want = ref ? (double)ref[idx] : dot;
		if (!isfinite(got) || fabs(got - want) > 1e-3 * sum_abs + 1e-6) {
			fmt(why, why_size,
			    "wrong GEMM result: C[%zu][%zu] = %g, CPU gives %g",
			    i, j, got, want);
			return false;
		}
	}
	return true;
}

static void cpu_gemm(struct gemm_data *g, bool bf16, int warm, int reps,
		     struct meas *gflops)
{
	const blasint n = (blasint)g->n;
	float *c = bf16 ? g->c16 : g->c32;
	double *t = calloc(reps, sizeof(*t)), t0, dt;
	char why[200];

	if (!t) {
		meas_fail(gflops, M_ERR, "out of memory");
		return;
	}
	for (int i = 0; i < warm + reps; i++) {
		t0 = now_s();
		if (!bf16)
			cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n,
				    n, n, 1.0f, g->a, n, g->b, n, 0.0f, c, n);
		else if (g->sbgemm)
			g->sbgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n,
				  n, n, 1.0f, g->a16, n, g->b16, n, 0.0f, c, n);
		else
			cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n,
				    n, n, 1.0f, g->ar, n, g->br, n, 0.0f, c, n);
		dt = now_s() - t0;
		if (i >= warm)
			t[i - warm] = dt;
	}
	if (!gemm_check(g, c, NULL, bf16 ? g->ar : g->a, bf16 ? g->br : g->b,
			why, sizeof(why))) {
		meas_fail(gflops, M_ERR, "OpenBLAS: %s", why);
	} else {
		meas_ok(gflops, 2.0 * n * n * n / median(t, reps) / 1e9);
		if (bf16)
			g->c16_ok = true;
		else
			g->c32_ok = true;
	}
	free(t);
}

static void maia_gemm_bench(struct accel *ac, struct gemm_data *g,
			    enum maia_dtype dtype, int warm, int reps,
			    struct meas *gflops)
{
	const bool bf16 = dtype == MAIA_TYPE_BF16;
	const size_t count = (size_t)g->n * g->n;
	const size_t in_bytes = count * (bf16 ? 2 : 4), c_bytes = count * 4;
	struct maia_bo *bo[3] = { NULL, NULL, NULL };
	struct maia_gemm_desc desc = { 0 };
	struct maia_cmdbuf *cb = NULL;
	struct maia_queue *q = NULL;
	double *t = NULL, t0, dt;
	void *p[3];
	uint32_t flags;
	char why[200];
	int ret = 0;

	if (ac->why[0]) {
		meas_fail(gflops, M_ERR, "%s", ac->why);
		return;
	}
	t = calloc(reps, sizeof(*t));
	if (!t) {
		meas_fail(gflops, M_ERR, "out of memory");
		return;
	}
	/* Operands resident on the device, as an application keeps them. */
	flags = accel_has_hbm(ac, 2 * in_bytes + c_bytes + (4 << 20)) ?
		MAIA_BO_HBM : 0;
	for (int i = 0; i < 3 && !ret; i++)
		ret = maia_bo_create_bound(ac->dev, i < 2 ? in_bytes : c_bytes,
					   flags, &bo[i]);
	for (int i = 0; i < 3 && !ret; i++)
		ret = maia_bo_map(bo[i], &p[i]);
	if (ret) {
		meas_fail(gflops, M_ERR, "GEMM buffers: %s", maia_strerror(ret));
		goto out;
	}
	memcpy(p[0], bf16 ? (void *)g->a16 : (void *)g->a, in_bytes);
	memcpy(p[1], bf16 ? (void *)g->b16 : (void *)g->b, in_bytes);
	memset(p[2], 0, c_bytes);

	desc.dtype = dtype;
	desc.m = desc.n = desc.k = g->n;
	desc.a = maia_bo_va(bo[0]);
	desc.b = maia_bo_va(bo[1]);
	desc.c = maia_bo_va(bo[2]);
	desc.alpha = 1.0f;
	desc.beta = 0.0f;
	ret = maia_queue_create(ac->dev, MAIA_PRIORITY_NORMAL, &q);
	if (!ret)
		ret = maia_cmdbuf_create(ac->dev, 1, &cb);
	if (!ret)
		ret = maia_cmd_gemm(cb, &desc);
	if (ret) {
		meas_fail(gflops, M_ERR, "building the GEMM job: %s",
			  maia_strerror(ret));
		goto out;
	}
	for (int i = 0; i < warm + reps; i++) {
		t0 = now_s();
		if (job_run(q, cb, bo, 3, why, sizeof(why))) {
			meas_fail(gflops, M_ERR, "GEMM %s", why);
			goto out;
		}
		dt = now_s() - t0;
		if (i >= warm)
			t[i - warm] = dt;
		if (i == 0 &&
		    !gemm_check(g, p[2], (bf16 ? g->c16_ok : g->c32_ok) ?
					 (bf16 ? g->c16 : g->c32) : NULL,
				bf16 ? g->ar : g->a, bf16 ? g->br : g->b, why,
				sizeof(why))) {
			meas_fail(gflops, M_ERR, "%s", why);
			goto out;
		}
	}
	meas_ok(gflops, 2.0 * g->n * g->n * g->n / median(t, reps) / 1e9);
out:
	maia_cmdbuf_destroy(cb);
	maia_queue_destroy(q);
	for (int i = 2; i >= 0; i--)
		maia_bo_destroy(bo[i]);
	free(t);
}


void accel_gemm(struct accel *ac, int warm, int reps, struct accel_gemm *r)
{
	struct gemm_data g;

	/* The peer is one CPU, whatever OPENBLAS_NUM_THREADS says. */
	openblas_set_num_threads(1);
	if (gemm_data_init(&g, GEMM_DIM)) {
		meas_fail(&r->cpu_fp32, M_ERR, "out of memory");
		r->cpu_bf16 = r->maia_fp32 = r->maia_bf16 = r->cpu_fp32;
	} else {
		progress("GEMM %d^3 fp32 and bf16 (OpenBLAS, 1 thread)",
			 GEMM_DIM);
		cpu_gemm(&g, false, warm, reps, &r->cpu_fp32);
		cpu_gemm(&g, true, warm, reps, &r->cpu_bf16);
		progress("GEMM %d^3 fp32 and bf16 (maia)", GEMM_DIM);
		maia_gemm_bench(ac, &g, MAIA_TYPE_FP32, warm, reps,
				&r->maia_fp32);
		maia_gemm_bench(ac, &g, MAIA_TYPE_BF16, warm, reps,
				&r->maia_bf16);
	}
	r->sbgemm = g.sbgemm;
	gemm_data_fini(&g);
}
