// SPDX-License-Identifier: GPL-2.0
/*
 * maia_accel compute selftests, engine operations: COPY, FILL, GEMM
 * (fp32, bf16, int8) and ELTWISE (add, mul, scale, relu, gelu) run through
 * libmaia and checked against CPU references, over host memory and HBM;
 * plus the libmaia checks (bf16 conversion, argument checks, VA allocator)
 * that need no job.
 */
#define _GNU_SOURCE
#include <math.h>

#include "maia_compute.h"

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

TEST_HARNESS_MAIN
