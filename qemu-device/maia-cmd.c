/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Maia accelerator: engine commands.
 *
 * One job: execute the indirect buffer of a job (uapi/drm/maia_cmd.h) in
 * the job's device address space: fetch the commands, check their
 * arguments, and run COPY, FILL, GEMM, ELTWISE, FENCE, WAIT and TIMESTAMP
 * on memory reached through the device MMU (maia-mmu.c), HBM directly,
 * bus memory by RAM-only DMA (maia-dma.c). Host math is in maia-gemm.c.
 *
 * The ring worker (maia-ring.c) calls maia_job_exec() with no lock
 * held. Long commands work in pieces of at most MAIA_CHUNK bytes (or
 * MAIA_ELT_CHUNK elements, or a GEMM block) and call maia_job_checkpoint()
 * between them, the safe points where the worker parks, yields its
 * execution unit or abandons the job.
 */

#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/bswap.h"
#include "qemu/memalign.h"
#include "trace.h"
#include "maia-engine.h"
#include "maia-gemm.h"

/* Largest piece of a command between two safe points, and of a mapping. */
#define MAIA_CHUNK              (2 * MiB)
#define MAIA_ELT_CHUNK          16384           /* elements */
/* GEMM operand rows gathered between two safe points */
#define MAIA_GEMM_GATHER_ROWS   256

/* Job context: failures and device-VA access */

bool maia_job_fail(MaiaJob *j, uint32_t status, uint64_t addr)
{
    if (j->status == MAIA_JOB_OK) {
        j->status = status;
        j->err_addr = addr;
    }
    return false;
}

static bool maia_job_fault(MaiaJob *j, uint64_t va, bool is_write,
                           int reason)
{
    maia_mmu_fault(j->e, j->asid, j->ring->index, va, is_write, reason);
    return maia_job_fail(j, reason == MAIA_FAULT_TABLE_DMA ?
                            MAIA_JOB_DMA_ERROR : MAIA_JOB_MMU_FAULT, va);
}

/* A host view of a stretch of device VA. */
typedef struct MaiaMap {
    uint8_t *ptr;
    uint64_t len;
    uint64_t hbm_off;
    bool bus;
    bool is_write;
} MaiaMap;

/*
 * Map a prefix of [va, va + len) (at most MAIA_CHUNK bytes): the longest
 * run of translations that are contiguous on the target side. A fault at
 * @va fails the job; a fault further on only ends the run there, and is
 * reported when the caller gets to it.
 */
static bool maia_job_map(MaiaJob *j, uint64_t va, uint64_t len,
                         bool is_write, MaiaMap *m)
{
    MaiaXlate x, nx;
    uint64_t run;
    int r;

    len = MIN(len, MAIA_CHUNK);
    r = maia_mmu_translate(j->e, j->asid, va, is_write, &x);
    if (r) {
        return maia_job_fault(j, va, is_write, r);
    }
    run = MIN(x.len, len);
    while (run < len) {
        r = maia_mmu_translate(j->e, j->asid, va + run, is_write, &nx);
        if (r || nx.hbm != x.hbm || nx.pa != x.pa + run) {
            break;
        }
        run += MIN(nx.len, len - run);
    }
    m->is_write = is_write;
    if (x.hbm) {
        m->ptr = j->e->hbm + x.pa;
        m->len = run;
        m->hbm_off = x.pa;
        m->bus = false;
    } else {
        dma_addr_t l = run;

        m->ptr = maia_dma_map(j->s, x.pa, &l, is_write);
        if (!m->ptr) {
            return maia_job_fail(j, MAIA_JOB_DMA_ERROR, va);
        }
        m->len = l;
        m->bus = true;
    }
    return true;
}

static void maia_job_unmap(MaiaJob *j, MaiaMap *m, uint64_t done)
{
    if (m->bus) {
        maia_dma_unmap(j->s, m->ptr, m->len, m->is_write, done);
    } else if (m->is_write && done) {
        memory_region_set_dirty(&j->s->hbm, m->hbm_off, done);
    }
}

static bool maia_job_rw(MaiaJob *j, uint64_t va, void *buf, uint64_t len,
                        bool is_write)
{
    uint8_t *b = buf;

    while (len) {
        MaiaMap m;

        if (!maia_job_map(j, va, len, is_write, &m)) {
            return false;
        }
        if (is_write) {
            memcpy(m.ptr, b, m.len);
        } else {
            memcpy(b, m.ptr, m.len);
        }
        maia_job_unmap(j, &m, m.len);
        va += m.len;
        b += m.len;
        len -= m.len;
    }
    return true;
}

static bool maia_job_read(MaiaJob *j, uint64_t va, void *buf, uint64_t len)
{
    return maia_job_rw(j, va, buf, len, false);
}

static bool maia_job_write(MaiaJob *j, uint64_t va, const void *buf,
                           uint64_t len)
{
    return maia_job_rw(j, va, (void *)buf, len, true);
}

/* Commands */

typedef struct MaiaCmd {
    unsigned op, dtype, flags, subop;
    uint32_t hdr_hi;
    uint64_t a[7];
} MaiaCmd;

/* Arguments a[from..6] must be zero. */
static bool maia_args_zero_from(const MaiaCmd *c, unsigned from)
{
    unsigned i;

    for (i = from; i < 7; i++) {
        if (c->a[i]) {
            return false;
        }
    }
    return true;
}

static unsigned maia_dtype_size(unsigned dtype)
{
    switch (dtype) {
    case MAIA_DTYPE_FP32:
        return 4;
    case MAIA_DTYPE_BF16:
        return 2;
    default:
        return 1;
    }
}

static bool maia_cmd_copy(MaiaJob *j, uint64_t src, uint64_t dst,
                          uint64_t size)
{
    while (size) {
        MaiaMap ms, md;
        uint64_t n;

        if (!maia_job_map(j, src, size, false, &ms)) {
            return false;
        }
        if (!maia_job_map(j, dst, ms.len, true, &md)) {
            maia_job_unmap(j, &ms, 0);
            return false;
        }
        n = md.len;
        memmove(md.ptr, ms.ptr, n);
        maia_job_unmap(j, &md, n);
        maia_job_unmap(j, &ms, n);
        src += n;
        dst += n;
        size -= n;
        if (size && !maia_job_checkpoint(j, false)) {
            return false;
        }
    }
    return true;
}

static bool maia_cmd_fill(MaiaJob *j, uint64_t dst, uint64_t size,
                          uint32_t value)
{
    uint8_t pat[4096 + 4];
    uint64_t done = 0;
    unsigned i;

    for (i = 0; i < sizeof(pat); i += 4) {
        stl_le_p(pat + i, value);
    }
    while (done < size) {
        MaiaMap m;
        uint64_t off = 0;

        if (!maia_job_map(j, dst + done, size - done, true, &m)) {
            return false;
        }
        while (off < m.len) {
            unsigned phase = (done + off) & 3;
            uint64_t n = MIN(m.len - off, 4096);

            memcpy(m.ptr + off, pat + phase, n);
            off += n;
        }
        maia_job_unmap(j, &m, m.len);
        done += m.len;
        if (done < size && !maia_job_checkpoint(j, false)) {
            return false;
        }
    }
    return true;
}

/*
 * Read @count elements of @dtype at @va and widen them to fp32 in @out.
 * @raw is scratch of count * element size bytes (unused for fp32).
 */
static bool maia_gather_f32(MaiaJob *j, unsigned dtype, uint64_t va,
                            size_t count, uint8_t *raw, float *out)
{
    size_t i;

    switch (dtype) {
    case MAIA_DTYPE_FP32:
        if (!maia_job_read(j, va, out, count * 4)) {
            return false;
        }
#if HOST_BIG_ENDIAN
        for (i = 0; i < count; i++) {
            uint32_t v = ldl_le_p(&out[i]);

            memcpy(&out[i], &v, 4);
        }
#endif
        break;
    case MAIA_DTYPE_BF16:
        if (!maia_job_read(j, va, raw, count * 2)) {
            return false;
        }
        for (i = 0; i < count; i++) {
            out[i] = maia_bf16_to_f32(lduw_le_p(raw + 2 * i));
        }
        break;
    case MAIA_DTYPE_INT8:
        if (!maia_job_read(j, va, raw, count)) {
            return false;
        }
        for (i = 0; i < count; i++) {
            out[i] = (int8_t)raw[i];
        }
        break;
    default:
        g_assert_not_reached();
    }
    return true;
}

typedef struct MaiaGemm {
    unsigned dtype;
    uint64_t a, b, c;
    uint64_t m, n, k, lda, ldb, ldc;
    float alpha, beta;
} MaiaGemm;

static bool maia_gemm_stop(void *opaque)
{
    return !maia_job_checkpoint(opaque, false);
}

/*
 * C = alpha * A x B + beta * C in blocks of C of MC x NC: gather a B panel
 * (all of K, NC columns) into the packed layout, then for each block of MC
 * rows gather A, multiply, and merge the block into C in device memory.
 */
static bool maia_cmd_gemm(MaiaJob *j, const MaiaGemm *g)
{
    const MaiaGemmKernel *kn = maia_gemm_kernel();
    const unsigned es = maia_dtype_size(g->dtype);
    const bool is_int = g->dtype == MAIA_DTYPE_INT8;
    const bool read_c = g->beta != 0.0f;
    const size_t ncmax = MIN(g->n, MAIA_GEMM_NC);
    const size_t mcmax = MIN(g->m, MAIA_GEMM_MC);
    const size_t accsz = maia_gemm_acc_rows(kn, mcmax) *
                         maia_gemm_acc_cols(kn, ncmax);
    const size_t rowmax = MAX(g->k, ncmax);
    float *apack, *bpack, *acc, *rowf;
    int32_t *iacc = NULL;
    uint8_t *raw;
    bool ok = false;
    size_t ic, jc, r, kk, x;

    apack = qemu_try_memalign(64, maia_gemm_apack_size(kn, mcmax, g->k) *
                                  sizeof(float));
    bpack = qemu_try_memalign(64, maia_gemm_bpack_size(kn, ncmax, g->k) *
                                  sizeof(float));
    acc = qemu_try_memalign(64, accsz * sizeof(float));
    rowf = g_try_new(float, rowmax);
    raw = g_try_malloc(rowmax * 4);
    if (is_int) {
        iacc = g_try_new(int32_t, accsz);
    }
    if (!apack || !bpack || !acc || !rowf || !raw || (is_int && !iacc)) {
        /* a host limit, not a guest error: the job fails, QEMU goes on */
        trace_maia_gemm_nomem(j->ring->index, g->m, g->n, g->k);
        maia_job_fail(j, MAIA_JOB_DMA_ERROR, g->c);
        goto out;
    }

    for (jc = 0; jc < g->n; jc += MAIA_GEMM_NC) {
        size_t nc = MIN(MAIA_GEMM_NC, g->n - jc);
        size_t np = maia_gemm_acc_cols(kn, nc);

        memset(bpack, 0, maia_gemm_bpack_size(kn, nc, g->k) * sizeof(float));
        for (kk = 0; kk < g->k; kk++) {
            if (kk && !(kk % MAIA_GEMM_GATHER_ROWS) &&
                !maia_job_checkpoint(j, false)) {
                goto out;
            }
            if (!maia_gather_f32(j, g->dtype, g->b + (kk * g->ldb + jc) * es,
                                 nc, raw, rowf)) {
                goto out;
            }
            maia_gemm_pack_b_row(kn, nc, g->k, kk, rowf, bpack);
        }
        for (ic = 0; ic < g->m; ic += MAIA_GEMM_MC) {
            size_t mc = MIN(MAIA_GEMM_MC, g->m - ic);

            if (!maia_job_checkpoint(j, false)) {
                goto out;
            }
            memset(apack, 0,
                   maia_gemm_apack_size(kn, mc, g->k) * sizeof(float));
            for (r = 0; r < mc; r++) {
                if (r && !(r % (MAIA_GEMM_GATHER_ROWS / 4)) &&
                    !maia_job_checkpoint(j, false)) {
                    goto out;
                }
                if (!maia_gather_f32(j, g->dtype,
                                     g->a + (ic + r) * g->lda * es,
                                     g->k, raw, rowf)) {
                    goto out;
                }
                maia_gemm_pack_a_row(kn, g->k, r, rowf, apack);
            }
            if (!maia_gemm_compute(kn, mc, nc, g->k, apack, bpack, acc, iacc,
                                   maia_gemm_stop, j)) {
                goto out;
            }
            for (r = 0; r < mc; r++) {
                uint64_t cva = g->c + ((ic + r) * g->ldc + jc) * 4;

                if (read_c && !maia_job_read(j, cva, raw, nc * 4)) {
                    goto out;
                }
                for (x = 0; x < nc; x++) {
                    uint8_t *p = raw + x * 4;

                    if (is_int) {
                        int64_t v = iacc[r * np + x];

                        if (read_c) {
                            v += (int32_t)ldl_le_p(p);
                        }
                        stl_le_p(p, MIN(MAX(v, INT32_MIN), INT32_MAX));
                    } else {
                        union { uint32_t u; float f; } cv;
                        float v = g->alpha * acc[r * np + x];

                        if (read_c) {
                            cv.u = ldl_le_p(p);
                            v += g->beta * cv.f;
                        }
                        cv.f = v;
                        stl_le_p(p, cv.u);
                    }
                }
                if (!maia_job_write(j, cva, raw, nc * 4)) {
                    goto out;
                }
            }
        }
    }
    ok = true;
out:
    qemu_vfree(apack);
    qemu_vfree(bpack);
    qemu_vfree(acc);
    g_free(rowf);
    g_free(raw);
    g_free(iacc);
    return ok;
}

static bool maia_cmd_eltwise(MaiaJob *j, const MaiaCmd *c)
{
    const unsigned es = maia_dtype_size(c->dtype);
    const bool binary = c->subop == MAIA_ELT_ADD || c->subop == MAIA_ELT_MUL;
    uint64_t src0 = c->a[0], src1 = c->a[1], dst = c->a[2];
    uint64_t count = c->a[3], i;
    union { uint32_t u; float f; } scale = { .u = c->a[4] };
    g_autofree float *f0 = g_new(float, MAIA_ELT_CHUNK);
    g_autofree float *f1 = g_new(float, MAIA_ELT_CHUNK);
    g_autofree float *fd = g_new(float, MAIA_ELT_CHUNK);
    g_autofree uint8_t *raw = g_malloc(MAIA_ELT_CHUNK * 4);

    for (i = 0; i < count; i += MAIA_ELT_CHUNK) {
        size_t n = MIN(MAIA_ELT_CHUNK, count - i), x;

        if (!maia_gather_f32(j, c->dtype, src0 + i * es, n, raw, f0)) {
            return false;
        }
        if (binary &&
            !maia_gather_f32(j, c->dtype, src1 + i * es, n, raw, f1)) {
            return false;
        }
        maia_elt_f32(c->subop, fd, f0, f1, scale.f, n);
        for (x = 0; x < n; x++) {
            if (c->dtype == MAIA_DTYPE_BF16) {
                stw_le_p(raw + 2 * x, maia_f32_to_bf16(fd[x]));
            } else {
                union { uint32_t u; float f; } v = { .f = fd[x] };

                stl_le_p(raw + 4 * x, v.u);
            }
        }
        if (!maia_job_write(j, dst + i * es, raw, n * es)) {
            return false;
        }
        if (i + n < count && !maia_job_checkpoint(j, false)) {
            return false;
        }
    }
    return true;
}

static bool maia_cmd_wait(MaiaJob *j, uint64_t addr, uint64_t value)
{
    maia_job_wait_begin(j);     /* a waiting ring holds no unit */
    for (;;) {
        uint64_t v;

        if (!maia_job_read(j, addr, &v, 8)) {
            return false;
        }
        if (le64_to_cpu(v) >= value) {
            return true;
        }
        if (!maia_job_wait_sleep(j)) {
            return false;
        }
    }
}

static bool maia_cmd_fence(MaiaJob *j, uint64_t addr, uint64_t value,
                           bool irq)
{
    uint64_t v = cpu_to_le64(value);

    if (!maia_job_write(j, addr, &v, 8)) {
        return false;
    }
    maia_job_fence_done(j, irq);
    return true;
}

static float maia_f32_from_bits(uint32_t bits)
{
    union { uint32_t u; float f; } v = { .u = bits };

    return v.f;
}

static bool maia_bad_args(MaiaJob *j)
{
    return maia_job_fail(j, MAIA_JOB_BAD_ARGS, 0);
}

static bool maia_check_gemm(const MaiaCmd *c, MaiaGemm *g)
{
    uint64_t es;

    if (c->flags || c->subop || c->dtype > MAIA_DTYPE_INT8) {
        return false;
    }
    g->dtype = c->dtype;
    es = maia_dtype_size(c->dtype);
    g->a = c->a[0];
    g->b = c->a[1];
    g->c = c->a[2];
    g->m = (uint32_t)c->a[3];
    g->n = c->a[3] >> 32;
    g->k = (uint32_t)c->a[4];
    g->lda = c->a[4] >> 32;
    g->ldb = (uint32_t)c->a[5];
    g->ldc = c->a[5] >> 32;
    g->alpha = maia_f32_from_bits(c->a[6]);
    g->beta = maia_f32_from_bits(c->a[6] >> 32);
    if (!g->m || !g->n || !g->k || g->m > MAIA_GEMM_MAX_DIM ||
        g->n > MAIA_GEMM_MAX_DIM || g->k > MAIA_GEMM_MAX_DIM ||
        g->lda < g->k || g->ldb < g->n || g->ldc < g->n) {
        return false;
    }
    if ((g->a | g->b) & (es - 1) || g->c & 3) {
        return false;
    }
    if (g->dtype == MAIA_DTYPE_INT8 &&
        (g->alpha != 1.0f || (g->beta != 0.0f && g->beta != 1.0f))) {
        return false;
    }
    /* All products below fit in 64 bits: dims < 2^15, lds < 2^32. */
    return maia_va_range_ok(g->a, ((g->m - 1) * g->lda + g->k) * es) &&
           maia_va_range_ok(g->b, ((g->k - 1) * g->ldb + g->n) * es) &&
           maia_va_range_ok(g->c, ((g->m - 1) * g->ldc + g->n) * 4);
}

static bool maia_check_eltwise(const MaiaCmd *c)
{
    uint64_t es, bytes;
    bool binary = c->subop == MAIA_ELT_ADD || c->subop == MAIA_ELT_MUL;

    if (c->flags || c->subop > MAIA_ELT_GELU ||
        (c->dtype != MAIA_DTYPE_FP32 && c->dtype != MAIA_DTYPE_BF16)) {
        return false;
    }
    es = maia_dtype_size(c->dtype);
    if (!c->a[3] || c->a[3] > MAIA_MAX_TRANSFER / es) {
        return false;
    }
    bytes = c->a[3] * es;
    if (!binary && c->a[1]) {
        return false;
    }
    if (c->subop == MAIA_ELT_SCALE ? c->a[4] >> 32 : c->a[4]) {
        return false;
    }
    if (!maia_args_zero_from(c, 5)) {
        return false;
    }
    if ((c->a[0] | c->a[2] | (binary ? c->a[1] : 0)) & (es - 1)) {
        return false;
    }
    return maia_va_range_ok(c->a[0], bytes) &&
           maia_va_range_ok(c->a[2], bytes) &&
           (!binary || maia_va_range_ok(c->a[1], bytes));
}

/* Execute one command. False: the job failed (j->status) or aborted. */
static bool maia_cmd_exec(MaiaJob *j, const uint8_t *raw)
{
    MaiaCmd c;
    uint64_t hdr = ldq_le_p(raw);
    bool plain;
    unsigned i;

    c.op = MAIA_CMD_OPCODE(hdr);
    c.dtype = MAIA_CMD_DTYPE(hdr);
    c.flags = MAIA_CMD_FLAGS(hdr);
    c.subop = MAIA_CMD_SUBOP(hdr);
    c.hdr_hi = hdr >> 32;
    for (i = 0; i < 7; i++) {
        c.a[i] = ldq_le_p(raw + MAIA_CMD_ARG(i));
    }
    trace_maia_cmd(j->ring->index, j->ring->cur_cmd, c.op, c.dtype, c.subop);

    if (c.op > MAIA_OP_TIMESTAMP) {
        return maia_job_fail(j, MAIA_JOB_BAD_OPCODE, 0);
    }
    if (c.hdr_hi) {
        return maia_bad_args(j);
    }
    /* Only GEMM and ELTWISE have dtype/subop, only FENCE has flags. */
    plain = !c.dtype && !c.subop &&
            (c.op == MAIA_OP_FENCE ? !(c.flags & ~MAIA_CMD_FLAG_IRQ)
                                   : !c.flags);

    switch (c.op) {
    case MAIA_OP_NOP:
        if (!plain || !maia_args_zero_from(&c, 0)) {
            return maia_bad_args(j);
        }
        return true;
    case MAIA_OP_COPY:
        if (!plain || !maia_args_zero_from(&c, 3) ||
            c.a[2] > MAIA_MAX_TRANSFER ||
            !maia_va_range_ok(c.a[0], c.a[2]) ||
            !maia_va_range_ok(c.a[1], c.a[2])) {
            return maia_bad_args(j);
        }
        return maia_cmd_copy(j, c.a[0], c.a[1], c.a[2]);
    case MAIA_OP_FILL:
        if (!plain || !maia_args_zero_from(&c, 3) || c.a[2] >> 32 ||
            c.a[1] > MAIA_MAX_TRANSFER || (c.a[0] | c.a[1]) & 3 ||
            !maia_va_range_ok(c.a[0], c.a[1])) {
            return maia_bad_args(j);
        }
        return maia_cmd_fill(j, c.a[0], c.a[1], c.a[2]);
    case MAIA_OP_GEMM: {
        MaiaGemm g;

        if (!maia_check_gemm(&c, &g)) {
            return maia_bad_args(j);
        }
        return maia_cmd_gemm(j, &g);
    }
    case MAIA_OP_ELTWISE:
        if (!maia_check_eltwise(&c)) {
            return maia_bad_args(j);
        }
        return maia_cmd_eltwise(j, &c);
    case MAIA_OP_FENCE:
        if (!plain || !maia_args_zero_from(&c, 2) || c.a[0] & 7 ||
            !maia_va_range_ok(c.a[0], 8)) {
            return maia_bad_args(j);
        }
        return maia_cmd_fence(j, c.a[0], c.a[1],
                              c.flags & MAIA_CMD_FLAG_IRQ);
    case MAIA_OP_WAIT:
        if (!plain || !maia_args_zero_from(&c, 2) || c.a[0] & 7 ||
            !maia_va_range_ok(c.a[0], 8)) {
            return maia_bad_args(j);
        }
        return maia_cmd_wait(j, c.a[0], c.a[1]);
    case MAIA_OP_TIMESTAMP: {
        uint64_t ts;

        if (!plain || !maia_args_zero_from(&c, 1) || c.a[0] & 7 ||
            !maia_va_range_ok(c.a[0], 8)) {
            return maia_bad_args(j);
        }
        ts = cpu_to_le64(maia_now());
        return maia_job_write(j, c.a[0], &ts, 8);
    }
    default:
        g_assert_not_reached();
    }
}

/*
 * Run the commands of the IB from @first. Commands are fetched up to the
 * end of the current 4 KiB page at a time, so a fetch fault is reported
 * for the first command it covers. On failure *err_index is the command.
 */
void maia_job_exec(MaiaJob *j, uint64_t ib, uint32_t count, uint32_t first,
                   uint32_t *err_index)
{
    const uint64_t page = BIT_ULL(MAIA_PAGE_SHIFT);
    MaiaEngine *e = j->e;
    uint8_t buf[BIT_ULL(MAIA_PAGE_SHIFT)];
    uint32_t i = first;

    while (i < count) {
        uint64_t va = ib + (uint64_t)i * MAIA_CMD_SIZE;
        uint32_t n = MIN(count - i,
                         (page - (va & (page - 1))) / MAIA_CMD_SIZE);
        uint32_t c;

        if (!maia_job_read(j, va, buf, (uint64_t)n * MAIA_CMD_SIZE)) {
            *err_index = i;
            return;
        }
        for (c = 0; c < n; c++, i++) {
            qemu_mutex_lock(&e->lock);
            j->ring->cur_cmd = i;
            qemu_mutex_unlock(&e->lock);
            if (!maia_job_checkpoint(j, true)) {
                return;
            }
            if (!maia_cmd_exec(j, buf + c * MAIA_CMD_SIZE)) {
                *err_index = i;
                return;
            }
        }
    }
}
