/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Maia accelerator: command queues and tensor engine.
 *
 * Queues. Every queue has a worker thread. A doorbell write (MMIO, BQL)
 * only stores TAIL and signals the worker; the worker fetches descriptors
 * at HEAD by DMA, runs the job's indirect buffer through the device MMU,
 * writes the completion record, advances HEAD and posts the interrupt.
 *
 * Execution units. The queues share MAIA_ENGINE_UNITS execution units. A
 * worker holds a unit while it executes commands (not while it sleeps in
 * WAIT, waits for a unit, or is parked). When several queues want a unit,
 * the one with the highest Q_PRIORITY gets it, and among equal priorities
 * the one that asked first. A holder gives its unit up at a command
 * boundary when another queue of the same or higher priority waits, and
 * inside long commands when one of strictly higher priority waits.
 *
 * Threads, locks and the BQL.
 *  - MaiaEngine.lock protects queue registers, worker control fields,
 *    units and telemetry. It is never held across DMA or computation.
 *  - Workers never take the BQL on purpose: guest memory is reached only
 *    through maia_dma_map(), which maps RAM directly and refuses anything
 *    else (MMIO, unassigned space, bus mastering off) as a DMA error
 *    instead of dispatching it (dispatch would take the BQL). Interrupts
 *    are collected under the engine lock and sent by a bottom half
 *    (irq_bh, qemu_bh_schedule is thread-safe) that runs under the BQL.
 *  - Reset, queue reset, VM stop and unrealize run under the BQL and wait
 *    on idle_cond for the workers to reach a safe point (between commands,
 *    between chunks of a command, in WAIT, or idle). Workers check their
 *    abort flag at each safe point, so this wait is short. Should a worker
 *    ever block on the BQL anyway (the one known path is a vIOMMU that
 *    reports a translation fault by MSI from the translating thread), the
 *    waiter releases the BQL for a moment every 100 ms so that it can go
 *    on: there is no deadlock, only a delay.
 *
 * Time. Device time (TIMESTAMP, completion timestamps, busy counters,
 * telemetry) is QEMU_CLOCK_VIRTUAL: it stops while the VM is stopped.
 * While the VM is stopped the workers park at their next safe point, so
 * the device does not touch guest memory then.
 */

#include "qemu/osdep.h"
#include <math.h>
#include "qemu/log.h"
#include "qemu/main-loop.h"
#include "qemu/rcu.h"
#include "qemu/bswap.h"
#include "qemu/memalign.h"
#include "qemu/timer.h"
#include "qemu/host-utils.h"
#include "qemu/bitops.h"
#include "qapi/error.h"
#include "qapi/visitor.h"
#include "hw/pci/pci_device.h"
#include "system/dma.h"
#include "system/runstate.h"
#include "migration/vmstate.h"
#include "trace.h"
#include "maia-engine.h"
#include "maia-gemm.h"

#define MAIA_VA_LIMIT           (1ull << MAIA_VA_BITS)
#define MAIA_PAGE_SIZE          (1ull << MAIA_PAGE_SHIFT)
/* Largest piece of a command between two safe points, and of a mapping. */
#define MAIA_CHUNK              (2 * MiB)
#define MAIA_ELT_CHUNK          16384           /* elements */
#define MAIA_WAIT_POLL_MS       1
#define MAIA_QUIESCE_POLL_MS    100

static inline int64_t maia_now(void)
{
    return qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
}

/* Device DMA on the bus-master address space */

/*
 * Map a prefix of [addr, addr + *plen) of bus memory for direct access.
 * Only RAM is mapped; anything else fails (NULL, *plen = 0) rather than
 * being dispatched, because MMIO dispatch would take the BQL in a worker.
 * The check and the map are done in one RCU critical section.
 */
static void *maia_dma_map(MaiaState *s, dma_addr_t addr, dma_addr_t *plen,
                          bool is_write)
{
    AddressSpace *as = pci_get_address_space(PCI_DEVICE(s));
    MemTxAttrs attrs = MEMTXATTRS_UNSPECIFIED;
    MemoryRegion *mr;
    hwaddr xlat, l = *plen;
    void *p;

    if (!l) {
        return NULL;
    }
    RCU_READ_LOCK_GUARD();
    mr = address_space_translate(as, addr, &xlat, &l, is_write, attrs);
    if (!memory_access_is_direct(mr, is_write, attrs)) {
        *plen = 0;
        return NULL;
    }
    l = *plen;
    p = address_space_map(as, addr, &l, is_write, attrs);
    *plen = p ? l : 0;
    return p;
}

static void maia_dma_unmap(MaiaState *s, void *p, dma_addr_t len,
                           bool is_write, dma_addr_t done)
{
    address_space_unmap(pci_get_address_space(PCI_DEVICE(s)), p, len,
                        is_write, done);
}

static MemTxResult maia_dma_rw(MaiaState *s, dma_addr_t addr, void *buf,
                               dma_addr_t len, bool is_write)
{
    uint8_t *b = buf;

    while (len) {
        dma_addr_t l = len;
        void *p = maia_dma_map(s, addr, &l, is_write);

        if (!p) {
            return MEMTX_DECODE_ERROR;
        }
        if (is_write) {
            memcpy(p, b, l);
        } else {
            memcpy(b, p, l);
        }
        maia_dma_unmap(s, p, l, is_write, l);
        addr += l;
        b += l;
        len -= l;
    }
    return MEMTX_OK;
}

MemTxResult maia_dma_read(MaiaState *s, dma_addr_t addr, void *buf,
                          dma_addr_t len)
{
    return maia_dma_rw(s, addr, buf, len, false);
}

MemTxResult maia_dma_write(MaiaState *s, dma_addr_t addr, const void *buf,
                           dma_addr_t len)
{
    return maia_dma_rw(s, addr, (void *)buf, len, true);
}

/* Interrupts: collected by any thread, sent by the BH under the BQL */

static void maia_engine_irq_bh(void *opaque)
{
    MaiaEngine *e = opaque;
    uint64_t vec;
    uint32_t cause;

    qemu_mutex_lock(&e->lock);
    vec = e->pending_vec;
    cause = e->pending_cause;
    e->pending_vec = 0;
    e->pending_cause = 0;
    qemu_mutex_unlock(&e->lock);

    if (cause) {
        maia_set_cause(e->s, cause);
    }
    while (vec) {
        unsigned v = ctz64(vec);

        vec &= vec - 1;
        maia_raise_vector(e->s, v);
    }
}

void maia_engine_post_cause(MaiaEngine *e, uint32_t cause)
{
    qemu_mutex_lock(&e->lock);
    e->pending_cause |= cause;
    qemu_mutex_unlock(&e->lock);
    qemu_bh_schedule(e->irq_bh);
}

/* Engine lock held. */
static void maia_post_vector_locked(MaiaEngine *e, unsigned vector)
{
    e->pending_vec |= 1ull << vector;
    qemu_bh_schedule(e->irq_bh);
}

/* Telemetry model (engine lock) */

static void maia_tele_reset_window(MaiaTelemetry *t, int64_t now)
{
    const int64_t w = MAIA_UTIL_WINDOW_NS / MAIA_UTIL_BUCKETS;

    memset(t->bucket, 0, sizeof(t->bucket));
    t->bucket_cur = 0;
    t->bucket_start = now - now % w;
    t->last_ns = now;
}

/*
 * Bring the model up to @now. The load over [last_ns, now) is what the
 * units were doing since the last change, which is when this runs.
 */
static void maia_tele_advance_locked(MaiaEngine *e, int64_t now)
{
    MaiaTelemetry *t = &e->tele;
    const int64_t w = MAIA_UTIL_WINDOW_NS / MAIA_UTIL_BUCKETS;
    unsigned busy_units = MAIA_ENGINE_UNITS - e->units_free;
    double load = (double)busy_units / MAIA_ENGINE_UNITS;
    int64_t dt = now - t->last_ns, pos;
    double target;

    if (dt <= 0) {
        if (dt < 0) {
            maia_tele_reset_window(t, now);     /* clock moved back */
        }
        return;
    }
    target = MAIA_TEMP_IDLE_MC + MAIA_TEMP_LOAD_MC * load;
    t->temp_mc = target + (t->temp_mc - target) *
                          exp(-(double)dt / MAIA_TEMP_TAU_NS);
    target = MAIA_POWER_IDLE_MW + MAIA_POWER_LOAD_MW * load;
    t->power_mw = target + (t->power_mw - target) *
                           exp(-(double)dt / MAIA_POWER_TAU_NS);
    if (busy_units) {
        t->busy_ns += dt;
    }

    if (now - t->bucket_start >= MAIA_UTIL_WINDOW_NS + w) {
        /* The whole window passed in one state. */
        unsigned i;

        for (i = 0; i < MAIA_UTIL_BUCKETS; i++) {
            t->bucket[i] = busy_units ? w : 0;
        }
        t->bucket_cur = 0;
        t->bucket_start = now - now % w;
        t->bucket[0] = busy_units ? now - t->bucket_start : 0;
        t->last_ns = now;
        return;
    }
    pos = t->last_ns;
    while (pos < now) {
        int64_t end = t->bucket_start + w, seg;

        if (pos >= end) {
            t->bucket_cur = (t->bucket_cur + 1) % MAIA_UTIL_BUCKETS;
            t->bucket[t->bucket_cur] = 0;
            t->bucket_start = end;
            continue;
        }
        seg = MIN(now, end) - pos;
        if (busy_units) {
            t->bucket[t->bucket_cur] += seg;
        }
        pos += seg;
    }
    t->last_ns = now;
}

static uint32_t maia_tele_util_locked(MaiaEngine *e)
{
    MaiaTelemetry *t = &e->tele;
    const int64_t w = MAIA_UTIL_WINDOW_NS / MAIA_UTIL_BUCKETS;
    uint64_t busy = 0, span;
    unsigned i;

    for (i = 0; i < MAIA_UTIL_BUCKETS; i++) {
        busy += t->bucket[i];
    }
    span = (MAIA_UTIL_BUCKETS - 1) * w + (t->last_ns - t->bucket_start);
    return span ? MIN(100, (busy * 100 + span / 2) / span) : 0;
}

enum {
    MAIA_TELE_TEMP,
    MAIA_TELE_POWER,
    MAIA_TELE_UTIL,
    MAIA_TELE_BUSY,
    MAIA_TELE_JOBS,
};

static uint64_t maia_tele_value(MaiaEngine *e, unsigned what)
{
    uint64_t val = 0;

    qemu_mutex_lock(&e->lock);
    maia_tele_advance_locked(e, maia_now());
    switch (what) {
    case MAIA_TELE_TEMP:
        val = llround(e->tele.temp_mc);
        break;
    case MAIA_TELE_POWER:
        val = llround(e->tele.power_mw);
        break;
    case MAIA_TELE_UTIL:
        val = maia_tele_util_locked(e);
        break;
    case MAIA_TELE_BUSY:
        val = e->tele.busy_ns;
        break;
    case MAIA_TELE_JOBS:
        val = e->tele.jobs;
        break;
    }
    qemu_mutex_unlock(&e->lock);
    return val;
}

/* Execution units (engine lock) */

/* Whether @o is ahead of @q in the queue for a unit. */
static bool maia_unit_ahead(MaiaQueue *o, MaiaQueue *q)
{
    return o->priority > q->priority ||
           (o->priority == q->priority && o->ticket < q->ticket);
}

static bool maia_unit_my_turn_locked(MaiaEngine *e, MaiaQueue *q)
{
    unsigned i, ahead = 0;

    for (i = 0; i < e->nqueues; i++) {
        MaiaQueue *o = &e->q[i];

        if (o != q && o->want_unit && maia_unit_ahead(o, q)) {
            ahead++;
        }
    }
    return ahead < e->units_free;
}

static void maia_unit_take_locked(MaiaEngine *e, MaiaQueue *q)
{
    int64_t now = maia_now();

    maia_tele_advance_locked(e, now);
    e->units_free--;
    q->has_unit = true;
    q->unit_since = now;
}

static void maia_unit_release_locked(MaiaEngine *e, MaiaQueue *q)
{
    int64_t now;
    unsigned i;

    if (!q->has_unit) {
        return;
    }
    now = maia_now();
    maia_tele_advance_locked(e, now);
    if (now > q->unit_since) {
        q->busy_ns += now - q->unit_since;
    }
    q->has_unit = false;
    e->units_free++;
    for (i = 0; i < e->nqueues; i++) {
        if (e->q[i].want_unit) {
            qemu_cond_signal(&e->q[i].cond);
        }
    }
}

/* Wake the unit waiters so that they re-evaluate their turn. */
static void maia_unit_kick_locked(MaiaEngine *e)
{
    unsigned i;

    for (i = 0; i < e->nqueues; i++) {
        if (e->q[i].want_unit) {
            qemu_cond_signal(&e->q[i].cond);
        }
    }
}

/* Whether the holder @q should let another queue have its unit. */
static bool maia_unit_should_yield_locked(MaiaEngine *e, MaiaQueue *q,
                                          bool boundary)
{
    unsigned i;

    if (!q->has_unit || e->units_free) {
        return false;
    }
    for (i = 0; i < e->nqueues; i++) {
        MaiaQueue *o = &e->q[i];

        if (o != q && o->want_unit &&
            (o->priority > q->priority ||
             (boundary && o->priority == q->priority))) {
            return true;
        }
    }
    return false;
}

/* Worker safe points */

static void maia_q_sleep_locked(MaiaQueue *q)
{
    MaiaEngine *e = q->e;

    q->parked = true;
    qemu_cond_broadcast(&e->idle_cond);
    qemu_cond_wait(&q->cond, &e->lock);
    q->parked = false;
}

/*
 * Engine lock held, at a safe point of a running job. Park while the VM
 * is stopped or the queue is hung, then get a unit if @need_unit.
 * Returns false when the job must be abandoned.
 */
static bool maia_q_settle_locked(MaiaQueue *q, bool need_unit)
{
    MaiaEngine *e = q->e;

    for (;;) {
        if (q->abort || e->stopping) {
            q->want_unit = false;
            maia_unit_release_locked(e, q);
            return false;
        }
        if (q->state == MAIA_Q_STATE_HUNG || !e->vm_running) {
            q->want_unit = false;
            maia_unit_release_locked(e, q);
            maia_q_sleep_locked(q);
            continue;
        }
        if (!need_unit || q->has_unit) {
            return true;
        }
        if (!q->want_unit) {
            q->want_unit = true;
            q->ticket = e->next_ticket++;
        }
        if (maia_unit_my_turn_locked(e, q)) {
            q->want_unit = false;
            maia_unit_take_locked(e, q);
            return true;
        }
        maia_q_sleep_locked(q);         /* waiting for a unit */
    }
}

/* Job context */

typedef struct MaiaJob {
    MaiaEngine *e;
    MaiaState *s;
    MaiaQueue *q;
    uint32_t asid;
    uint32_t status;            /* MAIA_JOB_* of the first error */
    uint64_t err_addr;
    bool aborted;
} MaiaJob;

/* Worker, no lock held. Returns false when the job must be abandoned. */
static bool maia_job_checkpoint(MaiaJob *j, bool boundary)
{
    MaiaEngine *e = j->e;
    bool ok;

    qemu_mutex_lock(&e->lock);
    if (maia_unit_should_yield_locked(e, j->q, boundary)) {
        maia_unit_release_locked(e, j->q);
    }
    ok = maia_q_settle_locked(j->q, true);
    qemu_mutex_unlock(&e->lock);
    if (!ok) {
        j->aborted = true;
    }
    return ok;
}

static bool maia_job_fail(MaiaJob *j, uint32_t status, uint64_t addr)
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
    maia_mmu_fault(j->e, j->asid, j->q->index, va, is_write, reason);
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

/* Engine commands */

typedef struct MaiaCmd {
    unsigned op, dtype, flags, subop;
    uint32_t hdr_hi;
    uint64_t a[7];
} MaiaCmd;

static bool maia_va_range_ok(uint64_t va, uint64_t size)
{
    return size && va < MAIA_VA_LIMIT && size <= MAIA_VA_LIMIT - va;
}

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
        qemu_log_mask(LOG_UNIMP, "maia: GEMM: out of host memory\n");
        maia_job_fail(j, MAIA_JOB_DMA_ERROR, g->c);
        goto out;
    }

    for (jc = 0; jc < g->n; jc += MAIA_GEMM_NC) {
        size_t nc = MIN(MAIA_GEMM_NC, g->n - jc);
        size_t np = maia_gemm_acc_cols(kn, nc);

        memset(bpack, 0, maia_gemm_bpack_size(kn, nc, g->k) * sizeof(float));
        for (kk = 0; kk < g->k; kk++) {
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
    MaiaEngine *e = j->e;
    MaiaQueue *q = j->q;
    bool ok;

    /* A waiting queue does not hold a unit and is not busy. */
    qemu_mutex_lock(&e->lock);
    maia_unit_release_locked(e, q);
    qemu_mutex_unlock(&e->lock);

    for (;;) {
        uint64_t v;

        if (!maia_job_read(j, addr, &v, 8)) {
            return false;
        }
        if (le64_to_cpu(v) >= value) {
            return true;
        }
        qemu_mutex_lock(&e->lock);
        ok = maia_q_settle_locked(q, false);
        if (ok) {
            q->in_wait = true;
            qemu_cond_timedwait(&q->cond, &e->lock, MAIA_WAIT_POLL_MS);
            q->in_wait = false;
            ok = maia_q_settle_locked(q, false);
        }
        qemu_mutex_unlock(&e->lock);
        if (!ok) {
            j->aborted = true;
            return false;
        }
    }
}

static bool maia_cmd_fence(MaiaJob *j, uint64_t addr, uint64_t value,
                           bool irq)
{
    MaiaEngine *e = j->e;
    uint64_t v = cpu_to_le64(value);
    unsigned i;

    if (!maia_job_write(j, addr, &v, 8)) {
        return false;
    }
    qemu_mutex_lock(&e->lock);
    for (i = 0; i < e->nqueues; i++) {
        if (e->q[i].in_wait) {
            qemu_cond_signal(&e->q[i].cond);
        }
    }
    if (irq) {
        maia_post_vector_locked(e, j->q->vector);
    }
    qemu_mutex_unlock(&e->lock);
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
    trace_maia_cmd(j->q->index, j->q->cur_cmd, c.op, c.dtype, c.subop);

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
static void maia_job_exec(MaiaJob *j, uint64_t ib, uint32_t count,
                          uint32_t first, uint32_t *err_index)
{
    MaiaEngine *e = j->e;
    uint8_t buf[MAIA_PAGE_SIZE];
    uint32_t i = first;

    while (i < count) {
        uint64_t va = ib + (uint64_t)i * MAIA_CMD_SIZE;
        uint32_t n = MIN(count - i,
                         (MAIA_PAGE_SIZE - (va & (MAIA_PAGE_SIZE - 1))) /
                         MAIA_CMD_SIZE);
        uint32_t c;

        if (!maia_job_read(j, va, buf, (uint64_t)n * MAIA_CMD_SIZE)) {
            *err_index = i;
            return;
        }
        for (c = 0; c < n; c++, i++) {
            qemu_mutex_lock(&e->lock);
            j->q->cur_cmd = i;
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

/* Queues */

static uint32_t maia_q_entries(MaiaQueue *q)
{
    return 1u << q->order;
}

static bool maia_q_write_record(MaiaQueue *q, uint64_t compl, uint64_t seq,
                                uint32_t status, uint32_t err_index,
                                uint64_t err_addr)
{
    uint8_t r[MAIA_COMPL_SIZE];

    stq_le_p(r + MAIA_COMPL_SEQ, seq);
    stl_le_p(r + MAIA_COMPL_STATUS, status);
    stl_le_p(r + MAIA_COMPL_ERR_INDEX, err_index);
    stq_le_p(r + MAIA_COMPL_ERR_ADDR, err_addr);
    stq_le_p(r + MAIA_COMPL_TIMESTAMP, maia_now());
    return maia_dma_write(q->e->s, compl, r, sizeof(r)) == MEMTX_OK;
}

/* Worker, no lock held: run the job at @head and retire it. */
static void maia_q_run_job(MaiaQueue *q, uint32_t head, uint64_t ring,
                           uint64_t compl, uint32_t first)
{
    MaiaEngine *e = q->e;
    MaiaJob j = { .e = e, .s = e->s, .q = q, .status = MAIA_JOB_OK };
    uint64_t desc_addr = ring + (uint64_t)head * MAIA_JOB_DESC_SIZE;
    uint8_t d[MAIA_JOB_DESC_SIZE];
    uint32_t err_index = MAIA_ERR_INDEX_NONE, flags = 0, abort_mode;
    uint64_t seq;
    bool consumed = true, rec_ok, irq = false;

    if (maia_dma_read(e->s, desc_addr, d, sizeof(d)) != MEMTX_OK) {
        /*
         * The ring is unreadable: the job is not consumed (HEAD stays),
         * and the record keeps the seq of the last job retired.
         */
        consumed = false;
        qemu_mutex_lock(&e->lock);
        seq = q->last_seq;
        qemu_mutex_unlock(&e->lock);
        maia_job_fail(&j, MAIA_JOB_DMA_ERROR, desc_addr);
        trace_maia_job_start(q->index, head, 0, 0, 0, first);
    } else {
        uint64_t ib = ldq_le_p(d + MAIA_JOB_IB_ADDR);
        uint32_t count = ldl_le_p(d + MAIA_JOB_IB_COUNT);

        flags = ldl_le_p(d + MAIA_JOB_FLAGS);
        seq = ldq_le_p(d + MAIA_JOB_SEQ);
        j.asid = ldl_le_p(d + MAIA_JOB_ASID);
        trace_maia_job_start(q->index, head, seq, j.asid, count, first);
        if (ldl_le_p(d + MAIA_JOB_RESERVED) || flags & ~MAIA_JOB_FLAG_IRQ ||
            !count || count > MAIA_JOB_MAX_IB_COUNT ||
            ib & (MAIA_CMD_SIZE - 1) ||
            !maia_va_range_ok(ib, (uint64_t)count * MAIA_CMD_SIZE) ||
            j.asid >= MAIA_MAX_ASIDS || !maia_mmu_root_valid(e, j.asid)) {
            maia_job_fail(&j, MAIA_JOB_BAD_ARGS, 0);
        } else {
            maia_job_exec(&j, ib, count, first, &err_index);
        }
        irq = flags & MAIA_JOB_FLAG_IRQ;
    }

    /* Last safe point: a hang injected now still stops the completion. */
    qemu_mutex_lock(&e->lock);
    if (!j.aborted && !maia_q_settle_locked(q, false)) {
        j.aborted = true;
    }
    maia_unit_release_locked(e, q);
    abort_mode = e->stopping ? MAIA_ABORT_DISCARD : q->abort;
    qemu_mutex_unlock(&e->lock);

    if (j.aborted) {
        if (abort_mode == MAIA_ABORT_RECORD && consumed) {
            maia_q_write_record(q, compl, seq, MAIA_JOB_ABORTED, q->cur_cmd,
                                0);
        }
        trace_maia_job_abort(q->index, seq, q->cur_cmd,
                             abort_mode == MAIA_ABORT_RECORD);
        qemu_mutex_lock(&e->lock);
        q->active = false;
        qemu_cond_broadcast(&e->idle_cond);
        qemu_mutex_unlock(&e->lock);
        return;
    }

    rec_ok = maia_q_write_record(q, compl, seq, j.status, err_index,
                                 j.err_addr);
    if (!rec_ok && j.status == MAIA_JOB_OK) {
        maia_job_fail(&j, MAIA_JOB_DMA_ERROR, compl);
    }
    trace_maia_job_end(q->index, seq, j.status, err_index, j.err_addr);

    qemu_mutex_lock(&e->lock);
    if (!q->abort) {
        if (consumed) {
            q->head = (head + 1) & (maia_q_entries(q) - 1);
            q->last_seq = seq;
            q->jobs_done++;
            e->tele.jobs++;
        }
        q->resume_cmd = 0;
        if (j.status != MAIA_JOB_OK) {
            if (q->state != MAIA_Q_STATE_HUNG) {
                q->state = MAIA_Q_STATE_ERROR;
            }
            q->err = j.status;
            q->faults++;
            e->pending_cause |= MAIA_INT_QUEUE_ERROR;
            maia_post_vector_locked(e, q->vector);
        } else if (irq) {
            maia_post_vector_locked(e, q->vector);
        }
    }
    /* else: a reset came in after the job finished; it owns the state. */
    q->active = false;
    qemu_cond_broadcast(&e->idle_cond);
    qemu_mutex_unlock(&e->lock);
}

static void *maia_queue_thread(void *opaque)
{
    MaiaQueue *q = opaque;
    MaiaEngine *e = q->e;

    rcu_register_thread();
    qemu_mutex_lock(&e->lock);
    while (!e->stopping) {
        uint32_t head, first;
        uint64_t ring, compl;

        if (q->state != MAIA_Q_STATE_RUNNING || q->head == q->tail ||
            !e->vm_running || q->abort) {
            qemu_cond_wait(&q->cond, &e->lock);
            continue;
        }
        head = q->head;
        ring = q->ring;
        compl = q->compl;
        first = q->resume_cmd;
        q->cur_cmd = first;
        q->active = true;
        qemu_mutex_unlock(&e->lock);

        maia_q_run_job(q, head, ring, compl, first);

        qemu_mutex_lock(&e->lock);
    }
    qemu_mutex_unlock(&e->lock);
    rcu_unregister_thread();
    return NULL;
}

/*
 * Engine lock held, usually the BQL too. Wait until @done says the workers
 * are where we want them. See the comment at the top about the BQL.
 */
static void maia_engine_wait_locked(MaiaEngine *e,
                                    bool (*done)(MaiaEngine *e, void *opaque),
                                    void *opaque)
{
    while (!done(e, opaque)) {
        if (!qemu_cond_timedwait(&e->idle_cond, &e->lock,
                                 MAIA_QUIESCE_POLL_MS) && bql_locked()) {
            qemu_mutex_unlock(&e->lock);
            bql_unlock();
            g_usleep(1000);
            bql_lock();
            qemu_mutex_lock(&e->lock);
        }
    }
}

static bool maia_all_idle(MaiaEngine *e, void *opaque)
{
    unsigned i;

    for (i = 0; i < e->nqueues; i++) {
        if (e->q[i].active) {
            return false;
        }
    }
    return true;
}

static bool maia_queue_idle(MaiaEngine *e, void *opaque)
{
    MaiaQueue *q = opaque;

    return !q->active;
}

static bool maia_all_parked(MaiaEngine *e, void *opaque)
{
    unsigned i;

    for (i = 0; i < e->nqueues; i++) {
        if (e->q[i].active && !e->q[i].parked) {
            return false;
        }
    }
    return true;
}

/* Engine lock held: make every worker drop its job. */
static void maia_engine_abort_all_locked(MaiaEngine *e, uint32_t mode)
{
    unsigned i;

    for (i = 0; i < e->nqueues; i++) {
        if (e->q[i].active) {
            e->q[i].abort = mode;
        }
        qemu_cond_signal(&e->q[i].cond);
    }
    maia_engine_wait_locked(e, maia_all_idle, NULL);
    for (i = 0; i < e->nqueues; i++) {
        e->q[i].abort = MAIA_ABORT_NONE;
    }
}

static void maia_queue_regs_reset(MaiaQueue *q)
{
    q->ring = 0;
    q->order = MAIA_Q_RING_ORDER_MIN;
    q->head = 0;
    q->tail = 0;
    q->compl = 0;
    q->faults = 0;
    q->priority = 0;
    q->vector = MAIA_VEC_QUEUE_BASE + q->index;
    q->state = MAIA_Q_STATE_DISABLED;
    q->err = MAIA_JOB_OK;
    q->busy_ns = 0;
    q->busy_hi_latch = 0;
    q->jobs_done = 0;
    q->last_seq = 0;
    q->resume_cmd = 0;
}

/* Q_CTRL.RESET: abort the running job, empty the ring. Engine lock held. */
static void maia_queue_reset_locked(MaiaQueue *q)
{
    MaiaEngine *e = q->e;
    bool aborted = q->active;

    if (q->active) {
        q->abort = MAIA_ABORT_RECORD;
        qemu_cond_signal(&q->cond);
        maia_engine_wait_locked(e, maia_queue_idle, q);
        q->abort = MAIA_ABORT_NONE;
    }
    q->head = 0;
    q->tail = 0;
    q->resume_cmd = 0;
    q->state = MAIA_Q_STATE_DISABLED;
    q->err = aborted ? MAIA_JOB_ABORTED : MAIA_JOB_OK;
    trace_maia_queue_reset(q->index, aborted);
}

static void maia_queue_hang_locked(MaiaQueue *q)
{
    q->state = MAIA_Q_STATE_HUNG;
    qemu_cond_signal(&q->cond);
    trace_maia_queue_hang(q->index);
}

static uint64_t maia_queue_busy_locked(MaiaQueue *q)
{
    uint64_t busy = q->busy_ns;

    if (q->has_unit) {
        int64_t now = maia_now();

        if (now > q->unit_since) {
            busy += now - q->unit_since;
        }
    }
    return busy;
}

static uint32_t maia_queue_read_locked(MaiaQueue *q, unsigned reg)
{
    uint64_t v;

    switch (reg) {
    case MAIA_Q_RING_LO:
        return q->ring;
    case MAIA_Q_RING_HI:
        return q->ring >> 32;
    case MAIA_Q_RING_ORDER:
        return q->order;
    case MAIA_Q_HEAD:
        return q->head;
    case MAIA_Q_TAIL:
        return q->tail;
    case MAIA_Q_COMPL_LO:
        return q->compl;
    case MAIA_Q_COMPL_HI:
        return q->compl >> 32;
    case MAIA_Q_FAULTS:
        return q->faults;
    case MAIA_Q_PRIORITY:
        return q->priority;
    case MAIA_Q_VECTOR:
        return q->vector;
    case MAIA_Q_CTRL:
        return q->state == MAIA_Q_STATE_RUNNING ? MAIA_Q_CTRL_ENABLE : 0;
    case MAIA_Q_STATUS:
        return q->state | q->err << MAIA_Q_STATUS_ERR_SHIFT;
    case MAIA_Q_BUSY_NS_LO:
        v = maia_queue_busy_locked(q);
        q->busy_hi_latch = v >> 32;
        return v;
    case MAIA_Q_BUSY_NS_HI:
        return q->busy_hi_latch;
    case MAIA_Q_HANG:
        return q->state == MAIA_Q_STATE_HUNG;
    case MAIA_Q_JOBS_DONE:
        return q->jobs_done;
    default:
        return 0;
    }
}

static void maia_queue_write_locked(MaiaQueue *q, unsigned reg, uint32_t val)
{
    MaiaEngine *e = q->e;
    bool busy = q->state == MAIA_Q_STATE_RUNNING ||
                q->state == MAIA_Q_STATE_HUNG || q->active;

    switch (reg) {
    case MAIA_Q_RING_LO:
    case MAIA_Q_RING_HI:
    case MAIA_Q_RING_ORDER:
    case MAIA_Q_COMPL_LO:
    case MAIA_Q_COMPL_HI:
        if (busy) {
            qemu_log_mask(LOG_GUEST_ERROR,
                          "maia: queue %u: ring registers are read-only "
                          "while the queue runs (reg 0x%02x)\n",
                          q->index, reg);
            return;
        }
        break;
    }

    switch (reg) {
    case MAIA_Q_RING_LO:
        q->ring = deposit64(q->ring, 0, 32,
                            val & ~(uint32_t)(MAIA_JOB_DESC_SIZE - 1));
        break;
    case MAIA_Q_RING_HI:
        q->ring = deposit64(q->ring, 32, 32, val);
        break;
    case MAIA_Q_RING_ORDER:
        if (val < MAIA_Q_RING_ORDER_MIN || val > MAIA_Q_RING_ORDER_MAX) {
            qemu_log_mask(LOG_GUEST_ERROR,
                          "maia: queue %u: RING_ORDER %u out of range\n",
                          q->index, val);
            return;
        }
        q->order = val;
        q->head = 0;
        q->tail = 0;
        break;
    case MAIA_Q_COMPL_LO:
        q->compl = deposit64(q->compl, 0, 32, val & ~7u);
        break;
    case MAIA_Q_COMPL_HI:
        q->compl = deposit64(q->compl, 32, 32, val);
        break;
    case MAIA_Q_PRIORITY:
        if (val > MAIA_Q_PRIORITY_MAX) {
            qemu_log_mask(LOG_GUEST_ERROR,
                          "maia: queue %u: PRIORITY %u out of range\n",
                          q->index, val);
            return;
        }
        q->priority = val;
        maia_unit_kick_locked(e);
        break;
    case MAIA_Q_VECTOR:
        if (val >= MAIA_NUM_VECTORS) {
            qemu_log_mask(LOG_GUEST_ERROR,
                          "maia: queue %u: VECTOR %u out of range\n",
                          q->index, val);
            return;
        }
        q->vector = val;
        break;
    case MAIA_Q_CTRL:
        if (val & MAIA_Q_CTRL_RESET) {
            maia_queue_reset_locked(q);
        }
        if (val & MAIA_Q_CTRL_ENABLE) {
            if (q->state == MAIA_Q_STATE_DISABLED ||
                q->state == MAIA_Q_STATE_ERROR) {
                q->state = MAIA_Q_STATE_RUNNING;
                q->err = MAIA_JOB_OK;
                qemu_cond_signal(&q->cond);
            }
        } else if (!(val & MAIA_Q_CTRL_RESET) &&
                   q->state == MAIA_Q_STATE_RUNNING) {
            q->state = MAIA_Q_STATE_DISABLED;   /* after the current job */
        }
        trace_maia_queue_ctrl(q->index, val, q->state);
        break;
    case MAIA_Q_HANG:
        if (val & 1) {
            maia_queue_hang_locked(q);
        }
        break;
    default:
        qemu_log_mask(LOG_GUEST_ERROR,
                      "maia: queue %u: write 0x%08x to read-only or unknown "
                      "register 0x%02x\n", q->index, val, reg);
        break;
    }
}

static void maia_doorbell_locked(MaiaQueue *q, uint32_t val)
{
    if (val >= maia_q_entries(q)) {
        qemu_log_mask(LOG_GUEST_ERROR,
                      "maia: queue %u: doorbell %u beyond the ring (%u "
                      "entries)\n", q->index, val, maia_q_entries(q));
        return;
    }
    q->tail = val;
    trace_maia_doorbell(q->index, val);
    qemu_cond_signal(&q->cond);
}

/* BAR0 0x1000..0x4fff */

#define MAIA_QUEUE_BLOCK_END    (MAIA_REG_QUEUE_BASE + \
                                 MAIA_MAX_QUEUES * MAIA_QUEUE_STRIDE)
#define MAIA_DOORBELL_END       MAIA_DOORBELL(MAIA_MAX_QUEUES)
#define MAIA_MMU_BLOCK_START    0x3000
#define MAIA_MMU_BLOCK_END      0x4000
#define MAIA_TELE_BLOCK_END     (MAIA_REG_JOBS_HI + 4)

static uint32_t maia_tele_read(MaiaEngine *e, hwaddr addr)
{
    uint64_t v;
    uint32_t val = 0;

    qemu_mutex_lock(&e->lock);
    maia_tele_advance_locked(e, maia_now());
    switch (addr) {
    case MAIA_REG_TEMP_MC:
        val = llround(e->tele.temp_mc);
        break;
    case MAIA_REG_POWER_MW:
        val = llround(e->tele.power_mw);
        break;
    case MAIA_REG_UTIL_PCT:
        val = maia_tele_util_locked(e);
        break;
    case MAIA_REG_BUSY_NS_LO:
        v = e->tele.busy_ns;
        e->tele.busy_hi_latch = v >> 32;
        val = v;
        break;
    case MAIA_REG_BUSY_NS_HI:
        val = e->tele.busy_hi_latch;
        break;
    case MAIA_REG_JOBS_LO:
        v = e->tele.jobs;
        e->tele.jobs_hi_latch = v >> 32;
        val = v;
        break;
    case MAIA_REG_JOBS_HI:
        val = e->tele.jobs_hi_latch;
        break;
    }
    qemu_mutex_unlock(&e->lock);
    return val;
}

uint32_t maia_engine_mmio_read(MaiaState *s, hwaddr addr)
{
    MaiaEngine *e = s->engine;
    uint32_t val = 0;

    if (addr >= MAIA_REG_QUEUE_BASE && addr < MAIA_QUEUE_BLOCK_END) {
        unsigned qi = (addr - MAIA_REG_QUEUE_BASE) / MAIA_QUEUE_STRIDE;

        if (qi < e->nqueues) {
            qemu_mutex_lock(&e->lock);
            val = maia_queue_read_locked(&e->q[qi],
                                         addr & (MAIA_QUEUE_STRIDE - 1));
            qemu_mutex_unlock(&e->lock);
        }
    } else if (addr >= MAIA_MMU_BLOCK_START && addr < MAIA_MMU_BLOCK_END) {
        val = maia_mmu_read(e, addr);
    } else if (addr >= MAIA_REG_TEMP_MC && addr < MAIA_TELE_BLOCK_END) {
        val = maia_tele_read(e, addr);
    }
    /* Doorbells are write-only; the rest of the range is reserved. */
    return val;
}

void maia_engine_mmio_write(MaiaState *s, hwaddr addr, uint32_t val)
{
    MaiaEngine *e = s->engine;

    if (addr >= MAIA_REG_QUEUE_BASE && addr < MAIA_QUEUE_BLOCK_END) {
        unsigned qi = (addr - MAIA_REG_QUEUE_BASE) / MAIA_QUEUE_STRIDE;

        if (qi < e->nqueues) {
            qemu_mutex_lock(&e->lock);
            maia_queue_write_locked(&e->q[qi], addr & (MAIA_QUEUE_STRIDE - 1),
                                    val);
            qemu_mutex_unlock(&e->lock);
            return;
        }
    } else if (addr >= MAIA_REG_DOORBELL_BASE && addr < MAIA_DOORBELL_END) {
        unsigned qi = (addr - MAIA_REG_DOORBELL_BASE) / 4;

        if (qi < e->nqueues) {
            qemu_mutex_lock(&e->lock);
            maia_doorbell_locked(&e->q[qi], val);
            qemu_mutex_unlock(&e->lock);
            return;
        }
    } else if (addr >= MAIA_MMU_BLOCK_START && addr < MAIA_MMU_BLOCK_END) {
        maia_mmu_write(e, addr, val);
        return;
    }
    qemu_log_mask(LOG_GUEST_ERROR,
                  "maia: write 0x%08x to read-only or unknown register "
                  "0x%04" HWADDR_PRIx "\n", val, addr);
}

/* Reset, VM state, realize */

void maia_engine_reset(MaiaState *s, const char *source)
{
    MaiaEngine *e = s->engine;
    unsigned i;

    if (!e) {
        return;
    }
    qemu_mutex_lock(&e->lock);
    maia_engine_abort_all_locked(e, MAIA_ABORT_DISCARD);
    for (i = 0; i < MAIA_MAX_QUEUES; i++) {
        maia_queue_regs_reset(&e->q[i]);
    }
    assert(e->units_free == MAIA_ENGINE_UNITS);
    e->pending_vec = 0;
    e->pending_cause = 0;
    maia_tele_advance_locked(e, maia_now());
    e->tele.busy_ns = 0;
    e->tele.jobs = 0;
    qemu_mutex_unlock(&e->lock);
    maia_mmu_reset(e);
    trace_maia_engine_reset(source);
}

static void maia_engine_vm_state(void *opaque, bool running, RunState state)
{
    MaiaEngine *e = opaque;
    unsigned i;

    qemu_mutex_lock(&e->lock);
    e->vm_running = running;
    for (i = 0; i < e->nqueues; i++) {
        qemu_cond_signal(&e->q[i].cond);
    }
    if (!running) {
        /* Nothing may touch guest memory while the VM is stopped. */
        maia_engine_wait_locked(e, maia_all_parked, NULL);
    }
    qemu_mutex_unlock(&e->lock);
    trace_maia_engine_vm_state(running);
}

/* QOM properties: telemetry (read-only) and fault injection */

static void maia_prop_get_tele(Object *obj, Visitor *v, const char *name,
                               void *opaque, Error **errp)
{
    MaiaState *s = MAIA(obj);
    uint64_t val = s->engine ? maia_tele_value(s->engine,
                                               (uintptr_t)opaque) : 0;

    visit_type_uint64(v, name, &val, errp);
}

static void maia_prop_get_hang(Object *obj, Visitor *v, const char *name,
                               void *opaque, Error **errp)
{
    MaiaState *s = MAIA(obj);
    MaiaEngine *e = s->engine;
    int32_t val = -1;
    unsigned i;

    if (e) {
        qemu_mutex_lock(&e->lock);
        for (i = 0; i < e->nqueues; i++) {
            if (e->q[i].state == MAIA_Q_STATE_HUNG) {
                val = i;
                break;
            }
        }
        qemu_mutex_unlock(&e->lock);
    }
    visit_type_int32(v, name, &val, errp);
}

static void maia_prop_set_hang(Object *obj, Visitor *v, const char *name,
                               void *opaque, Error **errp)
{
    MaiaState *s = MAIA(obj);
    MaiaEngine *e = s->engine;
    int32_t val;

    if (!visit_type_int32(v, name, &val, errp)) {
        return;
    }
    if (!e || val < 0 || val >= e->nqueues) {
        error_setg(errp, "hang-queue: no queue %d", val);
        return;
    }
    qemu_mutex_lock(&e->lock);
    maia_queue_hang_locked(&e->q[val]);
    qemu_mutex_unlock(&e->lock);
}

static const struct {
    const char *name;
    unsigned what;
    const char *desc;
} maia_tele_props[] = {
    { "temperature-mc", MAIA_TELE_TEMP, "Die temperature (milli-Celsius)" },
    { "power-mw", MAIA_TELE_POWER, "Board power (milliwatts)" },
    { "utilization", MAIA_TELE_UTIL, "Engine busy over the last 100 ms (%)" },
    { "busy-ns", MAIA_TELE_BUSY, "Total engine busy time (ns)" },
    { "jobs", MAIA_TELE_JOBS, "Total jobs retired" },
};

static void maia_engine_add_props(MaiaState *s)
{
    Object *obj = OBJECT(s);
    unsigned i;

    for (i = 0; i < ARRAY_SIZE(maia_tele_props); i++) {
        object_property_add(obj, maia_tele_props[i].name, "uint64",
                            maia_prop_get_tele, NULL, NULL,
                            (void *)(uintptr_t)maia_tele_props[i].what);
        object_property_set_description(obj, maia_tele_props[i].name,
                                        maia_tele_props[i].desc);
    }
    object_property_add(obj, "hang-queue", "int32", maia_prop_get_hang,
                        maia_prop_set_hang, NULL, NULL);
    object_property_set_description(obj, "hang-queue",
        "Write a queue index to make that queue hang (like Q_HANG); "
        "reads the first hung queue or -1");
}

static void maia_engine_del_props(MaiaState *s)
{
    Object *obj = OBJECT(s);
    unsigned i;

    for (i = 0; i < ARRAY_SIZE(maia_tele_props); i++) {
        object_property_del(obj, maia_tele_props[i].name);
    }
    object_property_del(obj, "hang-queue");
}

void maia_engine_realize(MaiaState *s, Error **errp)
{
    MaiaEngine *e = g_new0(MaiaEngine, 1);
    unsigned i;

    e->s = s;
    e->hbm = memory_region_get_ram_ptr(&s->hbm);
    e->hbm_size = s->hbm_size;
    e->nqueues = s->queues;
    qemu_mutex_init(&e->lock);
    qemu_cond_init(&e->idle_cond);
    e->units_free = MAIA_ENGINE_UNITS;
    e->irq_bh = qemu_bh_new_guarded(maia_engine_irq_bh, e,
                                    &DEVICE(s)->mem_reentrancy_guard);
    e->tele.temp_mc = MAIA_TEMP_IDLE_MC;
    e->tele.power_mw = MAIA_POWER_IDLE_MW;
    maia_tele_reset_window(&e->tele, maia_now());
    maia_mmu_init(e);
    for (i = 0; i < MAIA_MAX_QUEUES; i++) {
        e->q[i].e = e;
        e->q[i].index = i;
        qemu_cond_init(&e->q[i].cond);
        maia_queue_regs_reset(&e->q[i]);
    }
    maia_gemm_kernel();         /* pick the GEMM kernel in this thread */
    e->vm_running = runstate_is_running();
    e->vmse = qemu_add_vm_change_state_handler(maia_engine_vm_state, e);
    s->engine = e;

    for (i = 0; i < e->nqueues; i++) {
        g_autofree char *name = g_strdup_printf("maia-q%u", i);

        qemu_thread_create(&e->q[i].thread, name, maia_queue_thread,
                           &e->q[i], QEMU_THREAD_JOINABLE);
        e->q[i].thread_started = true;
    }
    maia_engine_add_props(s);
}

void maia_engine_exit(MaiaState *s)
{
    MaiaEngine *e = s->engine;
    unsigned i;

    if (!e) {
        return;
    }
    maia_engine_del_props(s);
    qemu_del_vm_change_state_handler(e->vmse);

    qemu_mutex_lock(&e->lock);
    e->stopping = true;
    maia_engine_abort_all_locked(e, MAIA_ABORT_DISCARD);
    for (i = 0; i < e->nqueues; i++) {
        qemu_cond_signal(&e->q[i].cond);
    }
    qemu_mutex_unlock(&e->lock);
    for (i = 0; i < MAIA_MAX_QUEUES; i++) {
        if (e->q[i].thread_started) {
            qemu_thread_join(&e->q[i].thread);
        }
        qemu_cond_destroy(&e->q[i].cond);
    }

    qemu_bh_delete(e->irq_bh);
    maia_mmu_destroy(e);
    qemu_cond_destroy(&e->idle_cond);
    qemu_mutex_destroy(&e->lock);
    s->engine = NULL;
    g_free(e);
}

/* Migration */

static int maia_engine_pre_save(void *opaque)
{
    MaiaEngine *e = opaque;
    unsigned i;

    qemu_mutex_lock(&e->lock);
    /*
     * The VM is stopped, so every worker is idle or parked at a safe
     * point. A job in flight restarts on the destination at the command
     * it was in (commands before it are not run again).
     */
    for (i = 0; i < e->nqueues; i++) {
        if (e->q[i].active) {
            e->q[i].resume_cmd = e->q[i].cur_cmd;
        }
    }
    maia_tele_advance_locked(e, maia_now());
    e->tele.mig_temp_umc = llround(e->tele.temp_mc * 1000);
    e->tele.mig_power_umw = llround(e->tele.power_mw * 1000);
    qemu_mutex_unlock(&e->lock);
    return 0;
}

static int maia_engine_pre_load(void *opaque)
{
    MaiaEngine *e = opaque;

    /* Loading into a live device (loadvm): drop what the workers hold. */
    qemu_mutex_lock(&e->lock);
    maia_engine_abort_all_locked(e, MAIA_ABORT_DISCARD);
    qemu_mutex_unlock(&e->lock);
    return 0;
}

static int maia_engine_post_load(void *opaque, int version_id)
{
    MaiaEngine *e = opaque;
    unsigned i;

    qemu_mutex_lock(&e->lock);
    for (i = 0; i < MAIA_MAX_QUEUES; i++) {
        MaiaQueue *q = &e->q[i];

        if (q->order < MAIA_Q_RING_ORDER_MIN ||
            q->order > MAIA_Q_RING_ORDER_MAX ||
            q->head >= maia_q_entries(q) || q->tail >= maia_q_entries(q) ||
            q->state > MAIA_Q_STATE_HUNG || q->vector >= MAIA_NUM_VECTORS ||
            q->priority > MAIA_Q_PRIORITY_MAX) {
            qemu_mutex_unlock(&e->lock);
            return -EINVAL;
        }
        qemu_cond_signal(&q->cond);
    }
    e->pending_vec &= (1ull << MAIA_NUM_VECTORS) - 1;
    e->pending_cause &= MAIA_INT_ALL;
    e->tele.temp_mc = e->tele.mig_temp_umc / 1000.0;
    e->tele.power_mw = e->tele.mig_power_umw / 1000.0;
    maia_tele_reset_window(&e->tele, maia_now());
    if (e->pending_vec || e->pending_cause) {
        qemu_bh_schedule(e->irq_bh);
    }
    qemu_mutex_unlock(&e->lock);
    return 0;
}

static const VMStateDescription vmstate_maia_queue = {
    .name = "maia-queue",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT64(ring, MaiaQueue),
        VMSTATE_UINT32(order, MaiaQueue),
        VMSTATE_UINT32(head, MaiaQueue),
        VMSTATE_UINT32(tail, MaiaQueue),
        VMSTATE_UINT64(compl, MaiaQueue),
        VMSTATE_UINT32(faults, MaiaQueue),
        VMSTATE_UINT32(priority, MaiaQueue),
        VMSTATE_UINT32(vector, MaiaQueue),
        VMSTATE_UINT32(state, MaiaQueue),
        VMSTATE_UINT32(err, MaiaQueue),
        VMSTATE_UINT64(busy_ns, MaiaQueue),
        VMSTATE_UINT32(jobs_done, MaiaQueue),
        VMSTATE_UINT64(last_seq, MaiaQueue),
        VMSTATE_UINT32(resume_cmd, MaiaQueue),
        VMSTATE_END_OF_LIST()
    },
};

static const VMStateDescription vmstate_maia_engine_state = {
    .name = "maia-engine-state",
    .version_id = 1,
    .minimum_version_id = 1,
    .pre_save = maia_engine_pre_save,
    .pre_load = maia_engine_pre_load,
    .post_load = maia_engine_post_load,
    .fields = (const VMStateField[]) {
        VMSTATE_STRUCT_ARRAY(q, MaiaEngine, MAIA_MAX_QUEUES, 1,
                             vmstate_maia_queue, MaiaQueue),
        VMSTATE_UINT64(pending_vec, MaiaEngine),
        VMSTATE_UINT32(pending_cause, MaiaEngine),
        VMSTATE_UINT64(tele.busy_ns, MaiaEngine),
        VMSTATE_UINT64(tele.jobs, MaiaEngine),
        VMSTATE_INT64(tele.mig_temp_umc, MaiaEngine),
        VMSTATE_INT64(tele.mig_power_umw, MaiaEngine),
        VMSTATE_STRUCT(mmu, MaiaEngine, 1, vmstate_maia_mmu, MaiaMmu),
        VMSTATE_END_OF_LIST()
    },
};

/* Subsection of the "maia" device state (maia.c). */
const VMStateDescription vmstate_maia_engine = {
    .name = "maia/engine",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_STRUCT_POINTER(engine, MaiaState, vmstate_maia_engine_state,
                               MaiaEngine),
        VMSTATE_END_OF_LIST()
    },
};
