/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Maia accelerator: host math of the tensor engine (GEMM micro-kernels,
 * element-wise operations, bf16 conversions).
 *
 * Everything here works on host buffers only; the engine (maia-cmd.c)
 * gathers operands from device memory into them and writes results back.
 */
#ifndef HW_MISC_MAIA_GEMM_H
#define HW_MISC_MAIA_GEMM_H

/*
 * Blocking of the GEMM. The engine computes C in blocks of MAIA_GEMM_MC
 * rows by MAIA_GEMM_NC columns; inside a block K is walked in steps of
 * MAIA_GEMM_KC. MC is a multiple of every kernel's MR, NC of every NR.
 * MAIA_GEMM_KC_INT8 keeps each partial int8 sum below 2^24 so that it is
 * exact in fp32 (|a * b| <= 2^14, 1024 products).
 */
#define MAIA_GEMM_MC            192
#define MAIA_GEMM_NC            512
#define MAIA_GEMM_KC            256
#define MAIA_GEMM_KC_INT8       1024

/* The micro-kernel picked for this host (fixed after the first call). */
typedef struct MaiaGemmKernel {
    const char *name;
    unsigned mr;                /* rows of a packed A strip */
    unsigned nr;                /* columns of a packed B strip */
    /* c[mr x nr] (row stride ldc) += a-strip[kc x mr] * b-strip[kc x nr] */
    void (*kernel)(size_t kc, const float *a, const float *b, float *c,
                   size_t ldc);
} MaiaGemmKernel;

const MaiaGemmKernel *maia_gemm_kernel(void);

/* Size in floats of a packed A block (m rows) or B panel (n columns). */
size_t maia_gemm_apack_size(const MaiaGemmKernel *kn, size_t m, size_t k);
size_t maia_gemm_bpack_size(const MaiaGemmKernel *kn, size_t n, size_t k);

/*
 * Packing, one row at a time so that operands can be gathered straight
 * into the packed layout. A is packed into MR-row strips and B into
 * NR-column strips, both k-major. Padding rows/columns must be zero:
 * clear the buffers before packing a partial block.
 *
 * maia_gemm_pack_a_row: row @r (0-based in the block) of A, @k values.
 * maia_gemm_pack_b_row: row @kk (0..k-1) of a B panel of @n columns.
 */
void maia_gemm_pack_a_row(const MaiaGemmKernel *kn, size_t k, size_t r,
                          const float *row, float *apack);
void maia_gemm_pack_b_row(const MaiaGemmKernel *kn, size_t n, size_t k,
                          size_t kk, const float *row, float *bpack);

/* Rows/columns of the accumulator for an m x n block (padded). */
size_t maia_gemm_acc_rows(const MaiaGemmKernel *kn, size_t m);
size_t maia_gemm_acc_cols(const MaiaGemmKernel *kn, size_t n);

/*
 * acc[m x n] (row stride maia_gemm_acc_cols(n)) = apack x bpack, summing
 * over all k. With @iacc (int8 mode) the float accumulator is flushed into
 * iacc (same shape, int32) every MAIA_GEMM_KC_INT8 steps of k, so every
 * partial sum stays exact; the final result is then in iacc, not acc.
 * @stop is called between steps; when it returns true the computation is
 * abandoned and false is returned.
 */
bool maia_gemm_compute(const MaiaGemmKernel *kn, size_t m, size_t n,
                       size_t k, const float *apack, const float *bpack,
                       float *acc, int32_t *iacc,
                       bool (*stop)(void *opaque), void *opaque);

/* bf16 <-> fp32. fp32 -> bf16 rounds to nearest even; NaN stays NaN. */
static inline float maia_bf16_to_f32(uint16_t v)
{
    union { uint32_t u; float f; } x = { .u = (uint32_t)v << 16 };

    return x.f;
}

static inline uint16_t maia_f32_to_bf16(float f)
{
    union { uint32_t u; float f; } x = { .f = f };

    if ((x.u & 0x7fffffffu) > 0x7f800000u) {
        return (x.u >> 16) | 0x0040;            /* quiet NaN, sign kept */
    }
    x.u += 0x7fff + ((x.u >> 16) & 1);
    return x.u >> 16;
}

/* Element-wise operations on fp32 host buffers (see hw-reference.rst). */
void maia_elt_f32(unsigned op, float *dst, const float *s0, const float *s1,
                  float scale, size_t n);

#endif /* HW_MISC_MAIA_GEMM_H */
