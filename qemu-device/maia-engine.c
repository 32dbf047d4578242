/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Maia accelerator: command engine, register side.
 *
 * One job: the engine as the guest sees it. This file holds the BAR0
 * blocks below the ports that maia.c hands over (the ring register block
 * at MAIA_RING_BASE and the doorbells at MAIA_DOORBELL_BASE here; the MMU
 * and telemetry blocks dispatched to maia-mmu.c and maia-telemetry.c),
 * the interrupts the engine sends (collected by any thread, sent by a
 * bottom half under the BQL), and the engine's reset, VM run state,
 * realize/exit, QOM fault injection and vmstate. The ring workers that
 * run the jobs are maia-ring.c; maia-engine.h lists every file of the
 * engine and the locking rules.
 */

#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/main-loop.h"
#include "qemu/host-utils.h"
#include "qemu/bitops.h"
#include "qapi/error.h"
#include "qapi/visitor.h"
#include "system/runstate.h"
#include "migration/vmstate.h"
#include "trace.h"
#include "maia-engine.h"
#include "maia-gemm.h"

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

/* pending_vec is a bitmap of vectors */
QEMU_BUILD_BUG_ON(MAIA_NUM_VECTORS > 64);

void maia_post_vector_locked(MaiaEngine *e, unsigned vector)
{
    e->pending_vec |= 1ull << vector;
    qemu_bh_schedule(e->irq_bh);
}

/* Ring registers and doorbells (engine lock) */

static void maia_ring_regs_reset(MaiaRing *ring)
{
    ring->addr = 0;
    ring->order = MAIA_RING_ORDER_MIN;
    ring->head = 0;
    ring->tail = 0;
    ring->compl = 0;
    ring->faults = 0;
    ring->priority = 0;
    ring->vector = MAIA_VEC_RING(ring->index);
    ring->state = MAIA_RING_STATE_DISABLED;
    ring->err = MAIA_JOB_OK;
    ring->busy_ns = 0;
    ring->busy_hi_latch = 0;
    ring->jobs_done = 0;
    ring->last_seq = 0;
    ring->resume_cmd = 0;
}

/* RING_CTRL.RESET: abort the running job, empty the ring. Engine lock. */
static void maia_ring_reset_locked(MaiaRing *ring)
{
    bool aborted = ring->active;

    maia_ring_abort_locked(ring);
    ring->head = 0;
    ring->tail = 0;
    ring->resume_cmd = 0;
    ring->state = MAIA_RING_STATE_DISABLED;
    ring->err = aborted ? MAIA_JOB_ABORTED : MAIA_JOB_OK;
    trace_maia_ring_reset(ring->index, aborted);
}

static void maia_ring_hang_locked(MaiaRing *ring)
{
    ring->state = MAIA_RING_STATE_HUNG;
    qemu_cond_signal(&ring->cond);
    trace_maia_ring_hang(ring->index);
}

static uint64_t maia_ring_busy_locked(MaiaRing *ring)
{
    uint64_t busy = ring->busy_ns;

    if (ring->has_unit) {
        int64_t now = maia_now();

        if (now > ring->unit_since) {
            busy += now - ring->unit_since;
        }
    }
    return busy;
}

static uint32_t maia_ring_read_locked(MaiaRing *ring, unsigned reg)
{
    uint64_t v;

    switch (reg) {
    case MAIA_RING_ADDR_LO:
        return ring->addr;
    case MAIA_RING_ADDR_HI:
        return ring->addr >> 32;
    case MAIA_RING_ORDER:
        return ring->order;
    case MAIA_RING_HEAD:
        return ring->head;
    case MAIA_RING_TAIL:
        return ring->tail;
    case MAIA_RING_COMPL_LO:
        return ring->compl;
    case MAIA_RING_COMPL_HI:
        return ring->compl >> 32;
    case MAIA_RING_FAULTS:
        return ring->faults;
    case MAIA_RING_PRIORITY:
        return ring->priority;
    case MAIA_RING_VECTOR:
        return ring->vector;
    case MAIA_RING_CTRL:
        return ring->state == MAIA_RING_STATE_RUNNING ?
               MAIA_RING_CTRL_ENABLE : 0;
    case MAIA_RING_STATUS:
        return MAIA_FIELD_PREP(MAIA_RING_STATUS_STATE, ring->state) |
               MAIA_FIELD_PREP(MAIA_RING_STATUS_ERR, ring->err);
    case MAIA_RING_BUSY_NS_LO:
        v = maia_ring_busy_locked(ring);
        ring->busy_hi_latch = v >> 32;
        return v;
    case MAIA_RING_BUSY_NS_HI:
        return ring->busy_hi_latch;
    case MAIA_RING_DBG_HANG:
        return ring->state == MAIA_RING_STATE_HUNG;
    case MAIA_RING_JOBS_DONE:
        return ring->jobs_done;
    default:
        return 0;
    }
}

static void maia_ring_write_locked(MaiaRing *ring, unsigned reg, uint32_t val)
{
    MaiaEngine *e = ring->e;
    bool busy = ring->state == MAIA_RING_STATE_RUNNING ||
                ring->state == MAIA_RING_STATE_HUNG || ring->active;

    switch (reg) {
    case MAIA_RING_ADDR_LO:
    case MAIA_RING_ADDR_HI:
    case MAIA_RING_ORDER:
    case MAIA_RING_COMPL_LO:
    case MAIA_RING_COMPL_HI:
        if (busy) {
            qemu_log_mask(LOG_GUEST_ERROR,
                          "maia: ring %u: ring registers are read-only "
                          "while the ring runs (reg 0x%02x)\n",
                          ring->index, reg);
            return;
        }
        break;
    }

    switch (reg) {
    case MAIA_RING_ADDR_LO:
        ring->addr = deposit64(ring->addr, 0, 32,
                               val & ~(uint32_t)(sizeof(struct maia_job_desc) -
                                                 1));
        break;
    case MAIA_RING_ADDR_HI:
        ring->addr = deposit64(ring->addr, 32, 32, val);
        break;
    case MAIA_RING_ORDER:
        if (val < MAIA_RING_ORDER_MIN || val > MAIA_RING_ORDER_MAX) {
            qemu_log_mask(LOG_GUEST_ERROR,
                          "maia: ring %u: RING_ORDER %u out of range\n",
                          ring->index, val);
            return;
        }
        ring->order = val;
        ring->head = 0;
        ring->tail = 0;
        break;
    case MAIA_RING_COMPL_LO:
        /* the record is 8-byte aligned */
        ring->compl = deposit64(ring->compl, 0, 32,
                                val & ~(MAIA_RING_COMPL_ALIGN - 1u));
        break;
    case MAIA_RING_COMPL_HI:
        ring->compl = deposit64(ring->compl, 32, 32, val);
        break;
    case MAIA_RING_PRIORITY:
        if (val > MAIA_RING_PRIORITY_MAX) {
            qemu_log_mask(LOG_GUEST_ERROR,
                          "maia: ring %u: PRIORITY %u out of range\n",
                          ring->index, val);
            return;
        }
        ring->priority = val;
        maia_unit_kick_locked(e);
        break;
    case MAIA_RING_VECTOR:
        if (val >= MAIA_NUM_VECTORS) {
            qemu_log_mask(LOG_GUEST_ERROR,
                          "maia: ring %u: VECTOR %u out of range\n",
                          ring->index, val);
            return;
        }
        ring->vector = val;
        break;
    case MAIA_RING_CTRL:
        if (val & MAIA_RING_CTRL_RESET) {
            maia_ring_reset_locked(ring);
        }
        if (val & MAIA_RING_CTRL_ENABLE) {
            if (ring->state == MAIA_RING_STATE_DISABLED ||
                ring->state == MAIA_RING_STATE_ERROR) {
                ring->state = MAIA_RING_STATE_RUNNING;
                ring->err = MAIA_JOB_OK;
                qemu_cond_signal(&ring->cond);
            }
        } else if (!(val & MAIA_RING_CTRL_RESET) &&
                   ring->state == MAIA_RING_STATE_RUNNING) {
            ring->state = MAIA_RING_STATE_DISABLED; /* after the current job */
        }
        trace_maia_ring_ctrl(ring->index, val, ring->state);
        break;
    case MAIA_RING_DBG_HANG:
        if (val & 1) {
            maia_ring_hang_locked(ring);
        }
        break;
    default:
        qemu_log_mask(LOG_GUEST_ERROR,
                      "maia: ring %u: write 0x%08x to read-only or unknown "
                      "register 0x%02x\n", ring->index, val, reg);
        break;
    }
}

static void maia_doorbell_locked(MaiaRing *ring, uint32_t val)
{
    if (val >= maia_ring_entries(ring)) {
        qemu_log_mask(LOG_GUEST_ERROR,
                      "maia: ring %u: doorbell %u beyond the ring (%u "
                      "entries)\n", ring->index, val, maia_ring_entries(ring));
        return;
    }
    ring->tail = val;
    trace_maia_doorbell(ring->index, val);
    qemu_cond_signal(&ring->cond);
}

/*
 * BAR0 below the ports, outside the core block: the ring block, the
 * doorbells, the MMU and the telemetry block; the rest is reserved.
 */

uint32_t maia_engine_mmio_read(MaiaState *s, hwaddr addr)
{
    MaiaEngine *e = s->engine;
    uint32_t val = 0;

    if (!e) {
        return 0;
    }
    if (maia_in_block(addr, MAIA_RING_BASE, MAIA_RING_SIZE)) {
        unsigned ri = (addr - MAIA_RING_BASE) / MAIA_RING_STRIDE;

        if (ri < e->nrings) {
            qemu_mutex_lock(&e->lock);
            val = maia_ring_read_locked(&e->ring[ri], (addr - MAIA_RING_BASE) %
                                                      MAIA_RING_STRIDE);
            qemu_mutex_unlock(&e->lock);
        }
    } else if (maia_in_block(addr, MAIA_MMU_BASE, MAIA_MMU_SIZE)) {
        val = maia_mmu_read(e, addr);
    } else if (maia_in_block(addr, MAIA_TELEMETRY_BASE,
                             MAIA_TELEMETRY_SIZE)) {
        val = maia_tele_read(e, addr);
    }
    /* Doorbells are write-only; the rest of the range is reserved. */
    return val;
}

void maia_engine_mmio_write(MaiaState *s, hwaddr addr, uint32_t val)
{
    MaiaEngine *e = s->engine;

    if (!e) {
        return;
    }
    if (maia_in_block(addr, MAIA_RING_BASE, MAIA_RING_SIZE)) {
        unsigned ri = (addr - MAIA_RING_BASE) / MAIA_RING_STRIDE;

        if (ri < e->nrings) {
            qemu_mutex_lock(&e->lock);
            maia_ring_write_locked(&e->ring[ri], (addr - MAIA_RING_BASE) %
                                                 MAIA_RING_STRIDE, val);
            qemu_mutex_unlock(&e->lock);
            return;
        }
    } else if (maia_in_block(addr, MAIA_DOORBELL_BASE, MAIA_DOORBELL_SIZE)) {
        unsigned ri = (addr - MAIA_DOORBELL_BASE) / MAIA_DOORBELL_STRIDE;

        if (ri < e->nrings) {
            qemu_mutex_lock(&e->lock);
            maia_doorbell_locked(&e->ring[ri], val);
            qemu_mutex_unlock(&e->lock);
            return;
        }
    } else if (maia_in_block(addr, MAIA_MMU_BASE, MAIA_MMU_SIZE)) {
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
    for (i = 0; i < MAIA_MAX_RINGS; i++) {
        maia_ring_regs_reset(&e->ring[i]);
    }
    assert(e->units_free == MAIA_ENGINE_UNITS);
    e->pending_vec = 0;
    e->pending_cause = 0;
    maia_tele_reset_locked(e);
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
    if (!running) {
        /* Nothing may touch guest memory while the VM is stopped. */
        maia_engine_park_all_locked(e);
    } else {
        for (i = 0; i < e->nrings; i++) {
            qemu_cond_signal(&e->ring[i].cond);
        }
    }
    qemu_mutex_unlock(&e->lock);
    trace_maia_engine_vm_state(running);
}

/* QOM property hang-ring: fault injection (telemetry: maia-telemetry.c) */

static void maia_prop_get_hang(Object *obj, Visitor *v, const char *name,
                               void *opaque, Error **errp)
{
    MaiaState *s = MAIA(obj);
    MaiaEngine *e = s->engine;
    int32_t val = -1;
    unsigned i;

    if (e) {
        qemu_mutex_lock(&e->lock);
        for (i = 0; i < e->nrings; i++) {
            if (e->ring[i].state == MAIA_RING_STATE_HUNG) {
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
    if (!e || val < 0 || val >= e->nrings) {
        error_setg(errp, "hang-ring: no ring %d", val);
        return;
    }
    qemu_mutex_lock(&e->lock);
    maia_ring_hang_locked(&e->ring[val]);
    qemu_mutex_unlock(&e->lock);
}

static void maia_engine_add_props(MaiaState *s)
{
    Object *obj = OBJECT(s);

    maia_tele_add_props(s);
    object_property_add(obj, "hang-ring", "int32", maia_prop_get_hang,
                        maia_prop_set_hang, NULL, NULL);
    object_property_set_description(obj, "hang-ring",
        "Write a ring index to make that ring hang (like RING_DBG_HANG); "
        "reads the first hung ring or -1");
}

static void maia_engine_del_props(MaiaState *s)
{
    maia_tele_del_props(s);
    object_property_del(OBJECT(s), "hang-ring");
}

void maia_engine_realize(MaiaState *s)
{
    MaiaEngine *e = g_new0(MaiaEngine, 1);
    unsigned i;

    e->s = s;
    e->hbm = memory_region_get_ram_ptr(&s->hbm);
    e->hbm_size = s->hbm_size;
    e->nrings = s->rings;
    qemu_mutex_init(&e->lock);
    qemu_cond_init(&e->idle_cond);
    e->units_free = MAIA_ENGINE_UNITS;
    e->irq_bh = qemu_bh_new_guarded(maia_engine_irq_bh, e,
                                    &DEVICE(s)->mem_reentrancy_guard);
    maia_tele_init(e);
    maia_mmu_init(e);
    for (i = 0; i < MAIA_MAX_RINGS; i++) {
        e->ring[i].e = e;
        e->ring[i].index = i;
        qemu_cond_init(&e->ring[i].cond);
        maia_ring_regs_reset(&e->ring[i]);
    }
    maia_gemm_kernel();         /* pick the GEMM kernel in this thread */
    e->vm_running = runstate_is_running();
    e->vmse = qemu_add_vm_change_state_handler(maia_engine_vm_state, e);
    s->engine = e;

    for (i = 0; i < e->nrings; i++) {
        g_autofree char *name = g_strdup_printf("maia-ring%u", i);

        qemu_thread_create(&e->ring[i].thread, name, maia_ring_thread,
                           &e->ring[i], QEMU_THREAD_JOINABLE);
        e->ring[i].thread_started = true;
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

    /*
     * The device is gone for the guest (maia.c ignores MMIO from now on);
     * the wait below may still let other threads in for a moment (see
     * maia-ring.c), and returns only when none of them waits in here.
     */
    qemu_mutex_lock(&e->lock);
    maia_engine_stop_locked(e);
    qemu_mutex_unlock(&e->lock);
    for (i = 0; i < MAIA_MAX_RINGS; i++) {
        if (e->ring[i].thread_started) {
            qemu_thread_join(&e->ring[i].thread);
        }
        qemu_cond_destroy(&e->ring[i].cond);
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
    for (i = 0; i < e->nrings; i++) {
        if (e->ring[i].active) {
            e->ring[i].resume_cmd = e->ring[i].cur_cmd;
        }
    }
    maia_tele_pre_save_locked(e);
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
    for (i = 0; i < MAIA_MAX_RINGS; i++) {
        MaiaRing *ring = &e->ring[i];

        if (ring->order < MAIA_RING_ORDER_MIN ||
            ring->order > MAIA_RING_ORDER_MAX ||
            ring->head >= maia_ring_entries(ring) ||
            ring->tail >= maia_ring_entries(ring) ||
            ring->state > MAIA_RING_STATE_HUNG ||
            ring->vector >= MAIA_NUM_VECTORS ||
            ring->priority > MAIA_RING_PRIORITY_MAX) {
            qemu_mutex_unlock(&e->lock);
            return -EINVAL;
        }
        qemu_cond_signal(&ring->cond);
    }
    e->pending_vec &= MAKE_64BIT_MASK(0, MAIA_NUM_VECTORS);
    e->pending_cause &= MAIA_INT_ALL;
    maia_tele_post_load_locked(e);
    if (e->pending_vec || e->pending_cause) {
        qemu_bh_schedule(e->irq_bh);
    }
    qemu_mutex_unlock(&e->lock);
    return 0;
}

static const VMStateDescription vmstate_maia_ring = {
    .name = "maia-queue",       /* the name of old: kept for migration */
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT64(addr, MaiaRing),
        VMSTATE_UINT32(order, MaiaRing),
        VMSTATE_UINT32(head, MaiaRing),
        VMSTATE_UINT32(tail, MaiaRing),
        VMSTATE_UINT64(compl, MaiaRing),
        VMSTATE_UINT32(faults, MaiaRing),
        VMSTATE_UINT32(priority, MaiaRing),
        VMSTATE_UINT32(vector, MaiaRing),
        VMSTATE_UINT32(state, MaiaRing),
        VMSTATE_UINT32(err, MaiaRing),
        VMSTATE_UINT64(busy_ns, MaiaRing),
        VMSTATE_UINT32(jobs_done, MaiaRing),
        VMSTATE_UINT64(last_seq, MaiaRing),
        VMSTATE_UINT32(resume_cmd, MaiaRing),
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
        VMSTATE_STRUCT_ARRAY(ring, MaiaEngine, MAIA_MAX_RINGS, 1,
                             vmstate_maia_ring, MaiaRing),
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

static bool maia_engine_vmstate_needed(void *opaque)
{
    MaiaState *s = opaque;

    return s->engine != NULL;
}

/* Subsection of the "maia" device state (maia.c). */
const VMStateDescription vmstate_maia_engine = {
    .name = "maia/engine",
    .version_id = 1,
    .minimum_version_id = 1,
    .needed = maia_engine_vmstate_needed,
    .fields = (const VMStateField[]) {
        VMSTATE_STRUCT_POINTER(engine, MaiaState, vmstate_maia_engine_state,
                               MaiaEngine),
        VMSTATE_END_OF_LIST()
    },
};
