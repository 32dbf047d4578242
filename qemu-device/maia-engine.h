/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Maia accelerator: compute side of the device model (command rings,
 * engine, device MMU, telemetry), state shared by its files.
 *
 * maia-engine.c     register side: ring block (MAIA_RING_BASE), doorbells
 *                   (MAIA_DOORBELL_BASE), dispatch of the other engine
 *                   blocks, interrupts, reset, realize, QOM, vmstate
 * maia-ring.c       ring workers: job fetch, completion, execution units,
 *                   safe points, quiescing
 * maia-cmd.c        engine commands: a job's indirect buffer run through
 *                   the device MMU (COPY, FILL, GEMM, ELTWISE, FENCE, WAIT,
 *                   TIMESTAMP)
 * maia-mmu.c        device MMU (MAIA_MMU_BASE): table walk, TLB, faults
 * maia-telemetry.c  thermal, power and utilization model
 *                   (MAIA_TELEMETRY_BASE)
 * maia-dma.c        bus-master DMA to RAM without the BQL
 * maia-gemm.c       host math (GEMM kernels, element-wise, bf16)
 *
 * maia.c hands every BAR0 offset outside the core block (and below the
 * ports) to maia_engine_mmio_read/write and calls the realize/exit/reset
 * hooks.
 *
 * Threads and locks (details in maia-ring.c):
 *  - every ring has a worker thread; workers never take the BQL on
 *    purpose, they do DMA only to RAM (maia_dma_*), and they hand
 *    interrupts to a bottom half;
 *  - MaiaEngine.lock protects the ring registers, the worker control
 *    fields, the execution units and the telemetry model;
 *  - MaiaMmu.lock protects the MMU registers and the TLB;
 *  - order: BQL -> engine lock -> MMU lock; no lock is held across DMA or
 *    computation.
 */
#ifndef HW_MISC_MAIA_ENGINE_H
#define HW_MISC_MAIA_ENGINE_H

#include "qemu/thread.h"
#include "qemu/timer.h"
#include "exec/memory.h"
#include "system/dma.h"
#include "maia.h"
#include "maia_cmd.h"

/* Execution units ("tensor cores") shared by the rings. */
#define MAIA_ENGINE_UNITS       2

/* Device TLB: direct mapped, valid translations only. */
#define MAIA_TLB_ENTRIES        256

/* Thermal model: idle and full-load points, first-order time constants. */
#define MAIA_TEMP_IDLE_MC       40000
#define MAIA_TEMP_LOAD_MC       45000           /* added at full load */
#define MAIA_POWER_IDLE_MW      60000
#define MAIA_POWER_LOAD_MW      300000          /* added at full load */
#define MAIA_TEMP_TAU_NS        (2 * NANOSECONDS_PER_SECOND)
#define MAIA_POWER_TAU_NS       (50 * 1000 * 1000)
#define MAIA_UTIL_WINDOW_NS     (100 * 1000 * 1000)
#define MAIA_UTIL_BUCKETS       10

typedef struct MaiaEngine MaiaEngine;

/* One translated stretch of device VA. */
typedef struct MaiaXlate {
    uint64_t pa;                /* HBM offset or bus address of va */
    uint64_t len;               /* bytes from va to the end of the leaf */
    bool hbm;
    bool write_ok;
    bool read_ok;
} MaiaXlate;

typedef struct MaiaTlbEntry {
    uint64_t va;                /* base of the page or block */
    uint64_t pa;
    uint8_t asid;
    uint8_t shift;              /* MAIA_PAGE_SHIFT or MAIA_BLOCK_SHIFT */
    uint8_t perm;               /* MAIA_PTE_READ | WRITE | HBM bits */
    bool valid;
} MaiaTlbEntry;

typedef struct MaiaMmu {
    QemuMutex lock;
    /* registers */
    uint32_t root_lo[MAIA_MAX_ASIDS];
    uint32_t root_hi[MAIA_MAX_ASIDS];
    uint32_t inv_asid;
    uint32_t inv_start_lo, inv_start_hi;
    uint32_t inv_size_lo, inv_size_hi;
    uint64_t fault_addr;
    uint32_t fault_info;
    uint32_t fault_count;
    uint32_t tlb_hits;
    uint32_t tlb_misses;
    /* TLB; gen changes on every invalidation (walks racing one are dropped) */
    uint32_t gen;
    MaiaTlbEntry tlb[MAIA_TLB_ENTRIES];
} MaiaMmu;

/* Why a worker must leave the job it is running. */
enum {
    MAIA_ABORT_NONE = 0,
    MAIA_ABORT_RECORD,          /* ring reset: write an ABORTED record */
    MAIA_ABORT_DISCARD,         /* device reset, state load: write nothing */
};

typedef struct MaiaRing {
    MaiaEngine *e;
    unsigned index;
    QemuThread thread;
    QemuCond cond;              /* wakes the worker (engine lock) */
    bool thread_started;

    /* Registers (engine lock) */
    uint64_t addr;              /* RING_ADDR */
    uint32_t order;
    uint32_t head;
    uint32_t tail;
    uint64_t compl;
    uint32_t faults;
    uint32_t priority;
    uint32_t vector;
    uint32_t state;             /* MAIA_RING_STATE_* */
    uint32_t err;               /* MAIA_JOB_* shown in RING_STATUS.ERR */
    uint64_t busy_ns;
    uint32_t busy_hi_latch;
    uint32_t jobs_done;
    uint64_t last_seq;          /* seq of the last job retired */
    uint32_t resume_cmd;        /* first command of the job at HEAD */

    /* Worker control (engine lock) */
    bool active;                /* between fetch and retire of a job */
    bool parked;                /* active, but stopped at a safe point */
    uint32_t abort;             /* MAIA_ABORT_* */
    uint32_t cur_cmd;           /* command being executed */
    bool in_wait;               /* sleeping in a WAIT command */
    bool has_unit;
    bool want_unit;
    uint64_t ticket;
    int64_t unit_since;
} MaiaRing;

typedef struct MaiaTelemetry {
    int64_t last_ns;            /* model advanced up to here */
    double temp_mc;
    double power_mw;
    uint64_t busy_ns;           /* time with at least one unit busy */
    uint64_t jobs;
    uint32_t busy_hi_latch;
    uint32_t jobs_hi_latch;
    int64_t bucket_start;       /* start of the current bucket */
    uint64_t bucket[MAIA_UTIL_BUCKETS];
    unsigned bucket_cur;
    /* migration copies of the model state, in micro-units */
    int64_t mig_temp_umc;
    int64_t mig_power_umw;
} MaiaTelemetry;

struct MaiaEngine {
    MaiaState *s;
    uint8_t *hbm;               /* host pointer of BAR2 */
    uint64_t hbm_size;
    unsigned nrings;            /* CONFIG.RINGS */

    QemuMutex lock;
    QemuCond idle_cond;         /* a worker parked or left a job */
    bool stopping;              /* unrealize: threads exit */
    bool vm_running;
    unsigned quiesce;           /* resets in progress: no job is fetched */
    unsigned waiters;           /* threads in maia_engine_wait_locked */
    unsigned units_free;
    uint64_t next_ticket;

    /* Interrupts collected by workers, sent by irq_bh (engine lock) */
    QEMUBH *irq_bh;
    uint64_t pending_vec;
    uint32_t pending_cause;

    MaiaTelemetry tele;
    MaiaMmu mmu;
    MaiaRing ring[MAIA_MAX_RINGS];

    VMChangeStateEntry *vmse;
};

/* Job context: the job a ring worker is running. */
typedef struct MaiaJob {
    MaiaEngine *e;
    MaiaState *s;
    MaiaRing *ring;
    uint32_t asid;
    uint32_t status;            /* MAIA_JOB_* of the first error */
    uint64_t err_addr;
    bool aborted;
} MaiaJob;

/* Device time: QEMU_CLOCK_VIRTUAL, stopped while the VM is stopped. */
static inline int64_t maia_now(void)
{
    return qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
}

/* Entries of a command ring: RING_ORDER is their log2. */
static inline uint32_t maia_ring_entries(MaiaRing *ring)
{
    return 1u << ring->order;
}

/* Whether [va, va + size) is a non-empty range of the device VA space. */
static inline bool maia_va_range_ok(uint64_t va, uint64_t size)
{
    const uint64_t limit = BIT_ULL(MAIA_VA_BITS);

    return size && va < limit && size <= limit - va;
}

/* maia-engine.c: hooks for maia.c (BQL held) */
void maia_engine_realize(MaiaState *s);
void maia_engine_exit(MaiaState *s);
void maia_engine_reset(MaiaState *s, const char *source);
uint32_t maia_engine_mmio_read(MaiaState *s, hwaddr addr);
void maia_engine_mmio_write(MaiaState *s, hwaddr addr, uint32_t val);
extern const VMStateDescription vmstate_maia_engine;

/* maia-engine.c: interrupts from any thread (sent from a BH) */
void maia_engine_post_cause(MaiaEngine *e, uint32_t cause);
void maia_post_vector_locked(MaiaEngine *e, unsigned vector);

/* maia-ring.c: the workers, for the register side (engine lock held) */
void *maia_ring_thread(void *opaque);
/* Wake the rings waiting for a unit (a priority changed). */
void maia_unit_kick_locked(MaiaEngine *e);
/* Abort the ring's running job with an ABORTED record; wait for it. */
void maia_ring_abort_locked(MaiaRing *ring);
/*
 * Make every worker drop its job (MAIA_ABORT_*) and fetch no new one until
 * this returns; wait for them.
 */
void maia_engine_abort_all_locked(MaiaEngine *e, uint32_t mode);
/* Unrealize: stop the workers and wait for every other waiter to leave. */
void maia_engine_stop_locked(MaiaEngine *e);
/* After vm_running was cleared: wait for every worker to park. */
void maia_engine_park_all_locked(MaiaEngine *e);

/*
 * maia-ring.c: scheduling services for a running job (worker thread, no
 * lock held). Each returns false when the job must be abandoned (ring
 * reset, device reset, unrealize), with j->aborted set.
 */
/* A safe point: park if the VM stops or the ring hangs; get a unit. */
bool maia_job_checkpoint(MaiaJob *j, bool boundary);
/* WAIT: give up the unit; then poll, sleeping until a FENCE or a tick. */
void maia_job_wait_begin(MaiaJob *j);
bool maia_job_wait_sleep(MaiaJob *j);
/* FENCE written: wake the rings in WAIT, post the ring's vector if @irq. */
void maia_job_fence_done(MaiaJob *j, bool irq);

/* maia-cmd.c: run the job's commands from @first; see maia_job_fail */
void maia_job_exec(MaiaJob *j, uint64_t ib, uint32_t count, uint32_t first,
                   uint32_t *err_index);
/* Record the job's first error (status and faulting address); false. */
bool maia_job_fail(MaiaJob *j, uint32_t status, uint64_t addr);

/* maia-telemetry.c (engine lock held where it says _locked) */
void maia_tele_init(MaiaEngine *e);
void maia_tele_reset_locked(MaiaEngine *e);
void maia_tele_advance_locked(MaiaEngine *e, int64_t now);
uint32_t maia_tele_read(MaiaEngine *e, hwaddr addr);
void maia_tele_pre_save_locked(MaiaEngine *e);
void maia_tele_post_load_locked(MaiaEngine *e);
void maia_tele_add_props(MaiaState *s);
void maia_tele_del_props(MaiaState *s);

/* maia-dma.c: device DMA to RAM only, never the BQL (any thread) */
void *maia_dma_map(MaiaState *s, dma_addr_t addr, dma_addr_t *plen,
                   bool is_write);
void maia_dma_unmap(MaiaState *s, void *p, dma_addr_t len, bool is_write,
                    dma_addr_t done);
MemTxResult maia_dma_read(MaiaState *s, dma_addr_t addr, void *buf,
                          dma_addr_t len);
MemTxResult maia_dma_write(MaiaState *s, dma_addr_t addr, const void *buf,
                           dma_addr_t len);

/* maia-mmu.c */
void maia_mmu_init(MaiaEngine *e);
void maia_mmu_destroy(MaiaEngine *e);
void maia_mmu_reset(MaiaEngine *e);
uint32_t maia_mmu_read(MaiaEngine *e, hwaddr addr);
void maia_mmu_write(MaiaEngine *e, hwaddr addr, uint32_t val);
bool maia_mmu_root_valid(MaiaEngine *e, unsigned asid);
/*
 * Translate @va in @asid for an access of the given kind. Returns 0 or a
 * MAIA_FAULT_* reason; the fault is not recorded (maia_mmu_fault does).
 */
int maia_mmu_translate(MaiaEngine *e, unsigned asid, uint64_t va,
                       bool is_write, MaiaXlate *out);
void maia_mmu_fault(MaiaEngine *e, unsigned asid, unsigned ring,
                    uint64_t va, bool is_write, int reason);
extern const VMStateDescription vmstate_maia_mmu;

#endif /* HW_MISC_MAIA_ENGINE_H */
