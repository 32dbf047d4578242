// SPDX-License-Identifier: MIT
/*
 * libmaia GEMM example: C = A x B for 256 x 256 fp32 matrices, once with the
 * one-call maia_gemm() and once with the low-level API (buffer objects,
 * command buffer, queue, fence), each checked against a CPU reference.
 *
 *   gemm [N]      use /dev/accel/accelN (default: the first maia device)
 *
 * Build against the installed or in-tree library:
 *   cc gemm.c $(pkg-config --cflags --libs libmaia)
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <maia.h>

#define DIM	256

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Largest |got - want|. */
static double max_error(const float *got, const float *want, size_t count)
{
	double worst = 0;

	for (size_t i = 0; i < count; i++) {
		double err = (double)got[i] - (double)want[i];

		if (err < 0)
			err = -err;
		if (err > worst)
			worst = err;
	}
	return worst;
}

/*
 * The same GEMM without maia_gemm(): what an application does to keep its
 * buffers on the device between operations.
 */
static int lowlevel_gemm(struct maia_device *dev, const float *a,
			 const float *b, float *c)
{
	const uint64_t bytes = (uint64_t)DIM * DIM * sizeof(float);
	struct maia_bo *bo_a = NULL, *bo_b = NULL, *bo_c = NULL;
	struct maia_gemm_desc desc = { 0 };
	struct maia_cmdbuf *cb = NULL;
	struct maia_queue *q = NULL;
	struct maia_fence *fence = NULL;
	struct maia_bo *bos[3];
	void *pa, *pb, *pc;
	int ret;

	ret = maia_bo_create_bound(dev, bytes, MAIA_BO_HBM, &bo_a);
	if (!ret)
		ret = maia_bo_create_bound(dev, bytes, MAIA_BO_HBM, &bo_b);
	if (!ret)
		ret = maia_bo_create_bound(dev, bytes, MAIA_BO_HBM, &bo_c);
	if (!ret)
		ret = maia_bo_map(bo_a, &pa);
	if (!ret)
		ret = maia_bo_map(bo_b, &pb);
	if (!ret)
		ret = maia_bo_map(bo_c, &pc);
	if (ret)
		goto out;
	memcpy(pa, a, bytes);
	memcpy(pb, b, bytes);

	desc.dtype = MAIA_TYPE_FP32;
	desc.m = desc.n = desc.k = DIM;
	desc.a = maia_bo_va(bo_a);
	desc.b = maia_bo_va(bo_b);
	desc.c = maia_bo_va(bo_c);
	desc.alpha = 1.0f;
	desc.beta = 0.0f;	/* leading dimensions 0: packed rows */

	ret = maia_queue_create(dev, MAIA_PRIORITY_NORMAL, &q);
	if (!ret)
		ret = maia_cmdbuf_create(dev, 4, &cb);
	if (!ret)
		ret = maia_cmd_gemm(cb, &desc);
	if (ret)
		goto out;
	bos[0] = bo_a;
	bos[1] = bo_b;
	bos[2] = bo_c;
	ret = maia_submit(q, cb, bos, 3, NULL, 0, &fence);
	if (!ret)
		ret = maia_fence_wait(fence, 60 * 1000000000LL);
	if (!ret)
		memcpy(c, pc, bytes);
out:
	maia_fence_destroy(fence);
	maia_cmdbuf_destroy(cb);
	maia_queue_destroy(q);
	maia_bo_destroy(bo_c);
	maia_bo_destroy(bo_b);
	maia_bo_destroy(bo_a);
	return ret;
}

int main(int argc, char **argv)
{
	const size_t count = (size_t)DIM * DIM;
	float *a, *b, *c, *ref;
	struct maia_device *dev;
	unsigned int index;
	double t0, err;
	int ret, status = 0;

	if (argc > 1) {
		index = (unsigned int)strtoul(argv[1], NULL, 10);
	} else if (maia_device_indices(&index, 1) <= 0) {
		fprintf(stderr, "no maia accelerator found\n");
		return 1;
	}
	ret = maia_open_index(index, &dev);
	if (ret) {
		fprintf(stderr, "accel%u: %s\n", index, maia_strerror(ret));
		return 1;
	}

	a = malloc(count * sizeof(*a));
	b = malloc(count * sizeof(*b));
	c = malloc(count * sizeof(*c));
	ref = calloc(count, sizeof(*ref));
	if (!a || !b || !c || !ref) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	srand(1);
	for (size_t i = 0; i < count; i++) {
		a[i] = (float)rand() / RAND_MAX - 0.5f;
		b[i] = (float)rand() / RAND_MAX - 0.5f;
	}
	t0 = now_ms();
	for (size_t i = 0; i < DIM; i++)
		for (size_t k = 0; k < DIM; k++)
			for (size_t j = 0; j < DIM; j++)
				ref[i * DIM + j] += a[i * DIM + k] * b[k * DIM + j];
	printf("%dx%dx%d fp32 GEMM on accel%u\n", DIM, DIM, DIM, index);
	printf("  cpu reference    %8.2f ms\n", now_ms() - t0);

	memset(c, 0, count * sizeof(*c));
	t0 = now_ms();
	ret = maia_gemm(dev, MAIA_TYPE_FP32, DIM, DIM, DIM, a, b, c, 1.0f, 0.0f);
	if (ret) {
		fprintf(stderr, "maia_gemm: %s\n", maia_strerror(ret));
		status = 1;
	} else {
		err = max_error(c, ref, count);
		printf("  maia_gemm        %8.2f ms, max abs error %.3g\n",
		       now_ms() - t0, err);
		status |= err > 1e-3;
	}

	memset(c, 0, count * sizeof(*c));
	t0 = now_ms();
	ret = lowlevel_gemm(dev, a, b, c);
	if (ret) {
		fprintf(stderr, "low-level GEMM: %s\n", maia_strerror(ret));
		status = 1;
	} else {
		err = max_error(c, ref, count);
		printf("  low-level API    %8.2f ms, max abs error %.3g\n",
		       now_ms() - t0, err);
		status |= err > 1e-3;
	}

	free(a);
	free(b);
	free(c);
	free(ref);
	maia_close(dev);
	if (status)
		printf("FAILED\n");
	return status;
}
