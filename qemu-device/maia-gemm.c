/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Maia accelerator: host math of the tensor engine.
 *
 * GEMM follows the usual packed-panel scheme: A is packed into strips of
 * MR rows and B into strips of NR columns (both k-major), and a register
 * blocked micro-kernel adds an MR x NR tile of the product into the
 * accumulator. The kernels use GCC vector extensions so that they compile
 * to SIMD code at QEMU's -O2 on any host; on x86-64 an AVX2+FMA variant is
 * picked at run time when the host has it.
 *
 * int8 GEMM runs through the same fp32 kernels: products of int8 values
 * are at most 2^14 in magnitude, so sums of up to 1024 of them are exact
 * in fp32 (< 2^24). The k loop flushes the fp32 accumulator into an int32
 * one every MAIA_GEMM_KC_INT8 steps, which makes the result bit-exact.
 */

#include "qemu/osdep.h"
#include <math.h>
#include "maia_cmd.h"
#include "maia-gemm.h"

typedef float MaiaV4sf __attribute__((vector_size(16)));

static inline MaiaV4sf maia_ld4(const float *p)
{
    MaiaV4sf v;

    memcpy(&v, p, sizeof(v));
    return v;
}

static inline void maia_st4(float *p, MaiaV4sf v)
{
    memcpy(p, &v, sizeof(v));
}

/* Portable kernel: 4 x 8 tile in eight 4-wide vectors (SSE2, NEON, ...). */
static void maia_kernel_4x8(size_t kc, const float *restrict a,
                            const float *restrict b, float *restrict c,
                            size_t ldc)
{
    float *c0 = c, *c1 = c + ldc, *c2 = c + 2 * ldc, *c3 = c + 3 * ldc;
    MaiaV4sf c00 = maia_ld4(c0), c01 = maia_ld4(c0 + 4);
    MaiaV4sf c10 = maia_ld4(c1), c11 = maia_ld4(c1 + 4);
    MaiaV4sf c20 = maia_ld4(c2), c21 = maia_ld4(c2 + 4);
    MaiaV4sf c30 = maia_ld4(c3), c31 = maia_ld4(c3 + 4);
    size_t k;

    for (k = 0; k < kc; k++) {
        MaiaV4sf b0 = maia_ld4(b), b1 = maia_ld4(b + 4);

        c00 += b0 * a[0];
        c01 += b1 * a[0];
        c10 += b0 * a[1];
        c11 += b1 * a[1];
        c20 += b0 * a[2];
        c21 += b1 * a[2];
        c30 += b0 * a[3];
        c31 += b1 * a[3];
        a += 4;
        b += 8;
    }
    maia_st4(c0, c00);
    maia_st4(c0 + 4, c01);
    maia_st4(c1, c10);
    maia_st4(c1 + 4, c11);
    maia_st4(c2, c20);
    maia_st4(c2 + 4, c21);
    maia_st4(c3, c30);
    maia_st4(c3 + 4, c31);
}

static const MaiaGemmKernel maia_kernel_generic = {
    .name = "generic-4x8",
    .mr = 4,
    .nr = 8,
    .kernel = maia_kernel_4x8,
};

#ifdef HOST_X86_64              /* GCC or clang: QEMU needs one */
#define MAIA_HAVE_AVX2_KERNEL 1

typedef float MaiaV8sf __attribute__((vector_size(32)));

#define MAIA_AVX2 __attribute__((target("avx2,fma")))

static inline MAIA_AVX2 MaiaV8sf maia_ld8(const float *p)
{
    MaiaV8sf v;

    memcpy(&v, p, sizeof(v));
    return v;
}

static inline MAIA_AVX2 void maia_st8(float *p, MaiaV8sf v)
{
    memcpy(p, &v, sizeof(v));
}

/* AVX2 + FMA kernel: 6 x 16 tile in twelve 8-wide accumulators. */
static MAIA_AVX2 void maia_kernel_6x16(size_t kc, const float *restrict a,
                                       const float *restrict b,
                                       float *restrict c, size_t ldc)
{
    float *r0 = c, *r1 = c + ldc, *r2 = c + 2 * ldc;
    float *r3 = c + 3 * ldc, *r4 = c + 4 * ldc, *r5 = c + 5 * ldc;
    MaiaV8sf c00 = maia_ld8(r0), c01 = maia_ld8(r0 + 8);
    MaiaV8sf c10 = maia_ld8(r1), c11 = maia_ld8(r1 + 8);
    MaiaV8sf c20 = maia_ld8(r2), c21 = maia_ld8(r2 + 8);
    MaiaV8sf c30 = maia_ld8(r3), c31 = maia_ld8(r3 + 8);
    MaiaV8sf c40 = maia_ld8(r4), c41 = maia_ld8(r4 + 8);
    MaiaV8sf c50 = maia_ld8(r5), c51 = maia_ld8(r5 + 8);
    size_t k;

    for (k = 0; k < kc; k++) {
        MaiaV8sf b0 = maia_ld8(b), b1 = maia_ld8(b + 8);

        c00 += b0 * a[0];
        c01 += b1 * a[0];
        c10 += b0 * a[1];
        c11 += b1 * a[1];
        c20 += b0 * a[2];
        c21 += b1 * a[2];
        c30 += b0 * a[3];
        c31 += b1 * a[3];
        c40 += b0 * a[4];
        c41 += b1 * a[4];
        c50 += b0 * a[5];
        c51 += b1 * a[5];
        a += 6;
        b += 16;
    }
    maia_st8(r0, c00);
    maia_st8(r0 + 8, c01);
    maia_st8(r1, c10);
    maia_st8(r1 + 8, c11);
    maia_st8(r2, c20);
    maia_st8(r2 + 8, c21);
    maia_st8(r3, c30);
    maia_st8(r3 + 8, c31);
    maia_st8(r4, c40);
    maia_st8(r4 + 8, c41);
    maia_st8(r5, c50);
    maia_st8(r5 + 8, c51);
}

static const MaiaGemmKernel maia_kernel_avx2 = {
    .name = "avx2-fma-6x16",
    .mr = 6,
    .nr = 16,
    .kernel = maia_kernel_6x16,
};
#endif

const MaiaGemmKernel *maia_gemm_kernel(void)
{
#ifdef MAIA_HAVE_AVX2_KERNEL
    static int have_avx2 = -1;

    if (have_avx2 < 0) {
        __builtin_cpu_init();
        have_avx2 = __builtin_cpu_supports("avx2") &&
                    __builtin_cpu_supports("fma");
    }
    if (have_avx2) {
        return &maia_kernel_avx2;
    }
#endif
    return &maia_kernel_generic;
}

static inline size_t maia_round_up(size_t v, size_t m)
{
    return (v + m - 1) / m * m;
}

size_t maia_gemm_acc_rows(const MaiaGemmKernel *kn, size_t m)
{
    return maia_round_up(m, kn->mr);
}

size_t maia_gemm_acc_cols(const MaiaGemmKernel *kn, size_t n)
{
    return maia_round_up(n, kn->nr);
}

size_t maia_gemm_apack_size(const MaiaGemmKernel *kn, size_t m, size_t k)
{
    return maia_gemm_acc_rows(kn, m) * k;
}

size_t maia_gemm_bpack_size(const MaiaGemmKernel *kn, size_t n, size_t k)
{
    return maia_gemm_acc_cols(kn, n) * k;
}

void maia_gemm_pack_a_row(const MaiaGemmKernel *kn, size_t k, size_t r,
                          const float *row, float *apack)
{
    const size_t mr = kn->mr;
    float *dst = apack + (r / mr) * mr * k + r % mr;
    size_t kk;

    for (kk = 0; kk < k; kk++) {
        dst[kk * mr] = row[kk];
    }
}

void maia_gemm_pack_b_row(const MaiaGemmKernel *kn, size_t n, size_t k,
                          size_t kk, const float *row, float *bpack)
{
    const size_t nr = kn->nr;
    size_t t;

    for (t = 0; t < n; t += nr) {
        memcpy(bpack + t * k + kk * nr, row + t,
               MIN(nr, n - t) * sizeof(float));
    }
}

bool maia_gemm_compute(const MaiaGemmKernel *kn, size_t m, size_t n,
                       size_t k, const float *apack, const float *bpack,
                       float *acc, int32_t *iacc,
                       bool (*stop)(void *opaque), void *opaque)
{
    const size_t mr = kn->mr, nr = kn->nr;
    const size_t mp = maia_gemm_acc_rows(kn, m);
    const size_t np = maia_gemm_acc_cols(kn, n);
    const size_t kstep = iacc ? MAIA_GEMM_KC_INT8 : MAIA_GEMM_KC;
    size_t pc, s, t, i;

    memset(acc, 0, mp * np * sizeof(float));
    if (iacc) {
        memset(iacc, 0, mp * np * sizeof(int32_t));
    }
    for (pc = 0; pc < k; pc += kstep) {
        size_t kc = MIN(kstep, k - pc);

        for (t = 0; t < np; t += nr) {
            const float *bs = bpack + t * k + pc * nr;

            for (s = 0; s < mp; s += mr) {
                kn->kernel(kc, apack + s * k + pc * mr, bs,
                           acc + s * np + t, np);
            }
        }
        if (iacc) {
            for (i = 0; i < mp * np; i++) {
                iacc[i] += (int32_t)acc[i];
                acc[i] = 0;
            }
        }
        if (stop && stop(opaque)) {
            return false;
        }
    }
    return true;
}

void maia_elt_f32(unsigned op, float *dst, const float *s0, const float *s1,
                  float scale, size_t n)
{
    /* sqrt(2 / pi) for the tanh approximation of GELU */
    const float gelu_c = 0.7978845608028654f;
    size_t i;

    switch (op) {
    case MAIA_ELT_ADD:
        for (i = 0; i < n; i++) {
            dst[i] = s0[i] + s1[i];
        }
        break;
    case MAIA_ELT_MUL:
        for (i = 0; i < n; i++) {
            dst[i] = s0[i] * s1[i];
        }
        break;
    case MAIA_ELT_SCALE:
        for (i = 0; i < n; i++) {
            dst[i] = s0[i] * scale;
        }
        break;
    case MAIA_ELT_RELU:
        for (i = 0; i < n; i++) {
            float x = s0[i];

            dst[i] = isnan(x) ? x : (x > 0.0f ? x : 0.0f);
        }
        break;
    case MAIA_ELT_GELU:
        for (i = 0; i < n; i++) {
            float x = s0[i];

            dst[i] = 0.5f * x *
                     (1.0f + tanhf(gelu_c * (x + 0.044715f * x * x * x)));
        }
        break;
    default:
        g_assert_not_reached();
    }
}
