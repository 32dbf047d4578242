/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Maia accelerator: command ring workers.
 *
 * One job: drain the command rings. Every ring has a worker thread that
 * reads the struct maia_job_desc at HEAD by DMA, has the job's commands
 * executed (maia-cmd.c), writes the struct maia_ring_compl, advances HEAD
 * and posts the interrupt. This file also holds what the workers share:
 * the execution units and their arbitration, the safe points at which a
 * worker parks, yields its unit or abandons its job, and the quiescing
 * that ring reset, device reset, VM stop and migration wait for. The ring
 * registers and the doorbells that feed the workers are maia-engine.c.
 *
 * Execution units. The rings share MAIA_ENGINE_UNITS execution units. A
 * worker holds a unit while it executes commands (not while it sleeps in
 * WAIT, waits for a unit, or is parked). When several rings want a unit,
 * the one with the highest RING_PRIORITY gets it, and among equal
 * priorities the one that asked first. A holder gives its unit up at a
 * command boundary when another ring of the same or higher priority
 * waits, and inside long commands when one of strictly higher priority
 * waits.
 *
 * Threads, locks and the BQL.
 *  - MaiaEngine.lock protects ring registers, worker control fields,
 *    units and telemetry. It is never held across DMA or computation.
 *  - Workers never take the BQL on purpose: guest memory is reached only
 *    through maia_dma_map() (maia-dma.c), which maps RAM directly and
 *    refuses anything else as a DMA error instead of dispatching it.
 *    Interrupts are collected under the engine lock and sent by a bottom
 *    half (maia-engine.c) that runs under the BQL.
 *  - Reset, ring reset, VM stop and unrealize run under the BQL and wait
 *    on idle_cond for the workers to reach a safe point (between commands,
 *    between chunks of a command, in WAIT, or idle). Workers check their
 *    abort flag at each safe point, so this wait is short. A device reset
 *    first flags every ring, busy or not, and counts itself in
 *    MaiaEngine.quiesce, which the worker loop checks before it fetches a
 *    job: a worker woken by a doorbell just before the reset cannot start
 *    a job while the reset waits, so the reset always returns.
 *  - Should a worker ever block on the BQL (the one known path is a vIOMMU
 *    that takes the BQL or reports a translation fault by MSI from the
 *    translating thread), the waiter releases the BQL for a moment every
 *    100 ms so that it can go on: there is no deadlock, only a delay.
 *    Other threads may enter the device meanwhile; everything they can do
 *    is consistent with a reset in progress (quiesce, abort flags), and
 *    unrealize marks the device gone first (MMIO is ignored from then on)
 *    and frees the engine only when no other thread waits in it
 *    (MaiaEngine.waiters).
 *
 * Time. Device time (TIMESTAMP, completion timestamps, busy counters,
 * telemetry) is QEMU_CLOCK_VIRTUAL: it stops while the VM is stopped.
 * While the VM is stopped the workers park at their next safe point, so
 * the device does not touch guest memory then.
 */

#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "qemu/rcu.h"
#include "trace.h"
#include "maia-engine.h"

#define MAIA_WAIT_POLL_MS       1
#define MAIA_QUIESCE_POLL_MS    100

/* Execution units (engine lock) */

/* Whether @o is ahead of @ring in the line for a unit. */
static bool maia_unit_ahead(MaiaRing *o, MaiaRing *ring)
{
    return o->priority > ring->priority ||
           (o->priority == ring->priority && o->ticket < ring->ticket);
}

static bool maia_unit_my_turn_locked(MaiaEngine *e, MaiaRing *ring)
{
    unsigned i, ahead = 0;

    for (i = 0; i < e->nrings; i++) {
        MaiaRing *o = &e->ring[i];

        if (o != ring && o->want_unit && maia_unit_ahead(o, ring)) {
            ahead++;
        }
    }
    return ahead < e->units_free;
}

/* Wake the unit waiters so that they re-evaluate their turn. */
void maia_unit_kick_locked(MaiaEngine *e)
{
    unsigned i;

    for (i = 0; i < e->nrings; i++) {
        if (e->ring[i].want_unit) {
            qemu_cond_signal(&e->ring[i].cond);
        }
    }
}

static void maia_unit_take_locked(MaiaEngine *e, MaiaRing *ring)
{
    int64_t now = maia_now();

    maia_tele_advance_locked(e, now);
    e->units_free--;
    ring->has_unit = true;
    ring->unit_since = now;
}

static void maia_unit_release_locked(MaiaEngine *e, MaiaRing *ring)
{
    int64_t now;

    if (!ring->has_unit) {
        return;
    }
    now = maia_now();
    maia_tele_advance_locked(e, now);
    if (now > ring->unit_since) {
        ring->busy_ns += now - ring->unit_since;
    }
    ring->has_unit = false;
    e->units_free++;
    maia_unit_kick_locked(e);
}

/* Whether the holder @ring should let another ring have its unit. */
static bool maia_unit_should_yield_locked(MaiaEngine *e, MaiaRing *ring,
                                          bool boundary)
{
    unsigned i;

    if (!ring->has_unit || e->units_free) {
        return false;
    }
    for (i = 0; i < e->nrings; i++) {
        MaiaRing *o = &e->ring[i];

        if (o != ring && o->want_unit &&
            (o->priority > ring->priority ||
             (boundary && o->priority == ring->priority))) {
            return true;
        }
    }
    return false;
}

/* Worker safe points */

static void maia_ring_sleep_locked(MaiaRing *ring)
{
    MaiaEngine *e = ring->e;

    ring->parked = true;
    qemu_cond_broadcast(&e->idle_cond);
    qemu_cond_wait(&ring->cond, &e->lock);
    ring->parked = false;
}

/*
 * Engine lock held, at a safe point of a running job. Park while the VM
 * is stopped or the ring is hung, then get a unit if @need_unit.
 * Returns false when the job must be abandoned.
 */
static bool maia_ring_settle_locked(MaiaRing *ring, bool need_unit)
{
    MaiaEngine *e = ring->e;

    for (;;) {
        if (ring->abort || e->stopping) {
            ring->want_unit = false;
            maia_unit_release_locked(e, ring);
            return false;
        }
        if (ring->state == MAIA_RING_STATE_HUNG || !e->vm_running) {
            ring->want_unit = false;
            maia_unit_release_locked(e, ring);
            maia_ring_sleep_locked(ring);
            continue;
        }
        if (!need_unit || ring->has_unit) {
            return true;
        }
        if (!ring->want_unit) {
            ring->want_unit = true;
            ring->ticket = e->next_ticket++;
        }
        if (maia_unit_my_turn_locked(e, ring)) {
            ring->want_unit = false;
            maia_unit_take_locked(e, ring);
            return true;
        }
        maia_ring_sleep_locked(ring);       /* waiting for a unit */
    }
}

/* Scheduling services for the running job (maia-cmd.c) */

bool maia_job_checkpoint(MaiaJob *j, bool boundary)
{
    MaiaEngine *e = j->e;
    bool ok;

    qemu_mutex_lock(&e->lock);
    if (maia_unit_should_yield_locked(e, j->ring, boundary)) {
        maia_unit_release_locked(e, j->ring);
    }
    ok = maia_ring_settle_locked(j->ring, true);
    qemu_mutex_unlock(&e->lock);
    if (!ok) {
        j->aborted = true;
    }
    return ok;
}

void maia_job_wait_begin(MaiaJob *j)
{
    MaiaEngine *e = j->e;

    qemu_mutex_lock(&e->lock);
    maia_unit_release_locked(e, j->ring);
    qemu_mutex_unlock(&e->lock);
}

bool maia_job_wait_sleep(MaiaJob *j)
{
    MaiaEngine *e = j->e;
    MaiaRing *ring = j->ring;
    bool ok;

    qemu_mutex_lock(&e->lock);
    ok = maia_ring_settle_locked(ring, false);
    if (ok) {
        ring->in_wait = true;
        qemu_cond_timedwait(&ring->cond, &e->lock, MAIA_WAIT_POLL_MS);
        ring->in_wait = false;
        ok = maia_ring_settle_locked(ring, false);
    }
    qemu_mutex_unlock(&e->lock);
    if (!ok) {
        j->aborted = true;
    }
    return ok;
}

void maia_job_fence_done(MaiaJob *j, bool irq)
{
    MaiaEngine *e = j->e;
    unsigned i;

    qemu_mutex_lock(&e->lock);
    for (i = 0; i < e->nrings; i++) {
        if (e->ring[i].in_wait) {
            qemu_cond_signal(&e->ring[i].cond);
        }
    }
    if (irq) {
        maia_post_vector_locked(e, j->ring->vector);
    }
    qemu_mutex_unlock(&e->lock);
}

/* The worker of a ring */

/*
 * The completion record: the job's data is written before the record, and
 * the record's body before its SEQ, so that a driver that sees a new SEQ
 * also sees the status and the data that go with it.
 */
static bool maia_ring_write_record(MaiaRing *ring, uint64_t compl,
                                   uint64_t seq, uint32_t status,
                                   uint32_t err_index, uint64_t err_addr)
{
    const size_t body = offsetof(struct maia_ring_compl, status);
    struct maia_ring_compl r = {
        .seq = cpu_to_le64(seq),
        .status = cpu_to_le32(status),
        .err_index = cpu_to_le32(err_index),
        .err_addr = cpu_to_le64(err_addr),
        .timestamp = cpu_to_le64(maia_now()),
    };
    MaiaState *s = ring->e->s;

    QEMU_BUILD_BUG_ON(offsetof(struct maia_ring_compl, seq) != 0);
    smp_wmb();                  /* the job's data before the record */
    if (maia_dma_write(s, compl + body, (uint8_t *)&r + body,
                       sizeof(r) - body) != MEMTX_OK) {
        return false;
    }
    smp_wmb();                  /* the record's body before its SEQ */
    return maia_dma_write(s, compl, &r.seq, sizeof(r.seq)) == MEMTX_OK;
}

/* Worker, no lock held: run the job at @head and retire it. */
static void maia_ring_run_job(MaiaRing *ring, uint32_t head, uint64_t base,
                              uint64_t compl, uint32_t first)
{
    MaiaEngine *e = ring->e;
    MaiaJob j = { .e = e, .s = e->s, .ring = ring, .status = MAIA_JOB_OK };
    uint64_t desc_addr = base + (uint64_t)head * sizeof(struct maia_job_desc);
    struct maia_job_desc d;
    uint32_t err_index = MAIA_COMPL_ERR_DESCRIPTOR, flags = 0, abort_mode;
    uint32_t cur_cmd;
    uint64_t seq;
    bool consumed = true, rec_ok, irq = false;

    if (maia_dma_read(e->s, desc_addr, &d, sizeof(d)) != MEMTX_OK) {
        /*
         * The ring is unreadable: the job is not consumed (HEAD stays),
         * and the record keeps the seq of the last job retired.
         */
        consumed = false;
        qemu_mutex_lock(&e->lock);
        seq = ring->last_seq;
        qemu_mutex_unlock(&e->lock);
        maia_job_fail(&j, MAIA_JOB_DMA_ERROR, desc_addr);
        trace_maia_job_start(ring->index, head, 0, 0, 0, first);
    } else {
        uint64_t ib = le64_to_cpu(d.ib_addr);
        uint32_t count = le32_to_cpu(d.ib_count);

        flags = le32_to_cpu(d.flags);
        seq = le64_to_cpu(d.seq);
        j.asid = le32_to_cpu(d.asid);
        trace_maia_job_start(ring->index, head, seq, j.asid, count, first);
        if (d.reserved || flags & ~MAIA_JOB_FLAG_IRQ ||
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
    if (!j.aborted && !maia_ring_settle_locked(ring, false)) {
        j.aborted = true;
    }
    maia_unit_release_locked(e, ring);
    abort_mode = e->stopping ? MAIA_ABORT_DISCARD : ring->abort;
    cur_cmd = ring->cur_cmd;
    qemu_mutex_unlock(&e->lock);

    if (j.aborted) {
        if (abort_mode == MAIA_ABORT_RECORD && consumed) {
            maia_ring_write_record(ring, compl, seq, MAIA_JOB_ABORTED,
                                   cur_cmd, 0);
        }
        trace_maia_job_abort(ring->index, seq, cur_cmd,
                             abort_mode == MAIA_ABORT_RECORD);
        qemu_mutex_lock(&e->lock);
        ring->active = false;
        qemu_cond_broadcast(&e->idle_cond);
        qemu_mutex_unlock(&e->lock);
        return;
    }

    rec_ok = maia_ring_write_record(ring, compl, seq, j.status, err_index,
                                    j.err_addr);
    if (!rec_ok && j.status == MAIA_JOB_OK) {
        maia_job_fail(&j, MAIA_JOB_DMA_ERROR, compl);
    }
    trace_maia_job_end(ring->index, seq, j.status, err_index, j.err_addr);

    qemu_mutex_lock(&e->lock);
    if (!ring->abort) {
        if (consumed) {
            ring->head = (head + 1) & (maia_ring_entries(ring) - 1);
            ring->last_seq = seq;
            ring->jobs_done++;
            e->tele.jobs++;
        }
        ring->resume_cmd = 0;
        if (j.status != MAIA_JOB_OK) {
            if (ring->state != MAIA_RING_STATE_HUNG) {
                ring->state = MAIA_RING_STATE_ERROR;
            }
            ring->err = j.status;
            ring->faults++;
            e->pending_cause |= MAIA_INT_RING_ERROR;
            maia_post_vector_locked(e, ring->vector);
        } else if (irq) {
            maia_post_vector_locked(e, ring->vector);
        }
    }
    /* else: a reset came in after the job finished; it owns the state. */
    ring->active = false;
    qemu_cond_broadcast(&e->idle_cond);
    qemu_mutex_unlock(&e->lock);
}

void *maia_ring_thread(void *opaque)
{
    MaiaRing *ring = opaque;
    MaiaEngine *e = ring->e;

    rcu_register_thread();
    qemu_mutex_lock(&e->lock);
    while (!e->stopping) {
        uint32_t head, first;
        uint64_t base, compl;

        if (ring->state != MAIA_RING_STATE_RUNNING ||
            ring->head == ring->tail || !e->vm_running || ring->abort ||
            e->quiesce) {
            qemu_cond_wait(&ring->cond, &e->lock);
            continue;
        }
        head = ring->head;
        base = ring->addr;
        compl = ring->compl;
        first = ring->resume_cmd;
        ring->cur_cmd = first;
        ring->active = true;
        qemu_mutex_unlock(&e->lock);

        maia_ring_run_job(ring, head, base, compl, first);

        qemu_mutex_lock(&e->lock);
    }
    qemu_mutex_unlock(&e->lock);
    rcu_unregister_thread();
    return NULL;
}

/* Quiescing (engine lock held, usually the BQL too) */

/*
 * Wait until @done says the workers are where we want them. See the
 * comment at the top about the BQL.
 */
static void maia_engine_wait_locked(MaiaEngine *e,
                                    bool (*done)(MaiaEngine *e, void *opaque),
                                    void *opaque)
{
    e->waiters++;
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
    e->waiters--;
    qemu_cond_broadcast(&e->idle_cond);
}

static bool maia_all_idle(MaiaEngine *e, void *opaque)
{
    unsigned i;

    for (i = 0; i < e->nrings; i++) {
        if (e->ring[i].active) {
            return false;
        }
    }
    return true;
}

static bool maia_ring_idle(MaiaEngine *e, void *opaque)
{
    MaiaRing *ring = opaque;

    return !ring->active;
}

static bool maia_all_parked(MaiaEngine *e, void *opaque)
{
    unsigned i;

    for (i = 0; i < e->nrings; i++) {
        if (e->ring[i].active && !e->ring[i].parked) {
            return false;
        }
    }
    return true;
}

void maia_engine_abort_all_locked(MaiaEngine *e, uint32_t mode)
{
    unsigned i;

    /*
     * Every ring, not only the busy ones: a worker that a doorbell woke
     * but that has not fetched its job yet must not fetch it now.
     */
    e->quiesce++;
    for (i = 0; i < e->nrings; i++) {
        e->ring[i].abort = mode;
        qemu_cond_signal(&e->ring[i].cond);
    }
    maia_engine_wait_locked(e, maia_all_idle, NULL);
    if (!--e->quiesce) {
        for (i = 0; i < e->nrings; i++) {
            e->ring[i].abort = MAIA_ABORT_NONE;
        }
    }
}

static bool maia_no_other_waiter(MaiaEngine *e, void *opaque)
{
    return e->waiters == 1;     /* ourselves */
}

void maia_engine_stop_locked(MaiaEngine *e)
{
    unsigned i;

    e->stopping = true;
    maia_engine_abort_all_locked(e, MAIA_ABORT_DISCARD);
    for (i = 0; i < e->nrings; i++) {
        qemu_cond_signal(&e->ring[i].cond);
    }
    maia_engine_wait_locked(e, maia_no_other_waiter, NULL);
}

void maia_ring_abort_locked(MaiaRing *ring)
{
    if (ring->active) {
        ring->abort = MAIA_ABORT_RECORD;
        qemu_cond_signal(&ring->cond);
        maia_engine_wait_locked(ring->e, maia_ring_idle, ring);
        ring->abort = MAIA_ABORT_NONE;
    }
}

void maia_engine_park_all_locked(MaiaEngine *e)
{
    unsigned i;

    for (i = 0; i < e->nrings; i++) {
        qemu_cond_signal(&e->ring[i].cond);
    }
    maia_engine_wait_locked(e, maia_all_parked, NULL);
}
