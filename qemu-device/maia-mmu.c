/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Maia accelerator: device MMU.
 *
 * One job: translate device VAs for the engine. Every address space
 * (ASID) has a root register pointing at a tree of MAIA_PT_LEVELS tables
 * of struct maia_pte in bus memory (geometry: maia_hw.h). Leaves of the
 * last level map pages (MAIA_PAGE_SHIFT), leaves of MAIA_BLOCK_LEVEL
 * blocks (MAIA_BLOCK_SHIFT). A leaf
 * points either at bus memory (reached by DMA through the PCI bus-master
 * address space) or, with MAIA_PTE_HBM, at an offset in device memory.
 *
 * The walk runs in the engine's worker threads: table entries are read by
 * DMA (maia_dma_read, RAM only, no BQL) with no lock held. The TLB is a
 * 256-entry direct-mapped cache of valid translations; lookups, inserts,
 * invalidations and the fault record are under MaiaMmu.lock, which the
 * MMIO handlers take too, so INV_CMD is synchronous: when the register
 * write returns, no entry it covers is left in the TLB. A walk that raced
 * with an invalidation (gen changed while it read the tables) does not
 * insert its result, so a stale entry cannot come back.
 */

#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/bswap.h"
#include "migration/vmstate.h"
#include "trace.h"
#include "maia-engine.h"

static unsigned maia_tlb_index(unsigned asid, uint64_t va, unsigned shift)
{
    uint64_t key = (va >> shift) ^ ((uint64_t)asid << 5) ^ (shift << 2);

    key ^= key >> 8;
    return key & (MAIA_TLB_ENTRIES - 1);
}

static bool maia_tlb_match(const MaiaTlbEntry *t, unsigned asid, uint64_t va,
                           unsigned shift)
{
    return t->valid && t->asid == asid && t->shift == shift &&
           t->va == (va & ~((1ull << shift) - 1));
}

static void maia_tlb_flush_locked(MaiaMmu *m, bool all, unsigned asid,
                                  uint64_t start, uint64_t end,
                                  unsigned *dropped)
{
    unsigned i;

    for (i = 0; i < MAIA_TLB_ENTRIES; i++) {
        MaiaTlbEntry *t = &m->tlb[i];
        uint64_t t_end;

        if (!t->valid) {
            continue;
        }
        if (!all) {
            if (t->asid != asid) {
                continue;
            }
            t_end = t->va + (1ull << t->shift);
            if (t_end <= start || t->va >= end) {
                continue;
            }
        }
        t->valid = false;
        (*dropped)++;
    }
    m->gen++;
}

/* Fill @out for @va from a leaf and check the access against it. */
static int maia_xlate_fill(MaiaEngine *e, uint64_t va, uint64_t pa_base,
                           unsigned shift, unsigned perm, bool is_write,
                           MaiaXlate *out)
{
    uint64_t off = va & ((1ull << shift) - 1);

    out->pa = pa_base + off;
    out->len = (1ull << shift) - off;
    out->hbm = perm & MAIA_PTE_HBM;
    out->read_ok = perm & MAIA_PTE_READ;
    out->write_ok = perm & MAIA_PTE_WRITE;
    if (out->hbm) {
        /* HBM offsets past the end of device memory are not backed. */
        if (out->pa >= e->hbm_size) {
            return MAIA_FAULT_NOT_MAPPED;
        }
        out->len = MIN(out->len, e->hbm_size - out->pa);
    }
    if (is_write ? !out->write_ok : !out->read_ok) {
        return MAIA_FAULT_PERMISSION;
    }
    return 0;
}

bool maia_mmu_root_valid(MaiaEngine *e, unsigned asid)
{
    MaiaMmu *m = &e->mmu;
    bool valid;

    if (asid >= MAIA_MAX_ASIDS) {
        return false;
    }
    qemu_mutex_lock(&m->lock);
    valid = m->root_lo[asid] & MAIA_MMU_ROOT_VALID;
    qemu_mutex_unlock(&m->lock);
    return valid;
}

int maia_mmu_translate(MaiaEngine *e, unsigned asid, uint64_t va,
                       bool is_write, MaiaXlate *out)
{
    MaiaMmu *m = &e->mmu;
    MaiaTlbEntry *t;
    uint64_t table, pte = 0;
    uint32_t gen, root_lo, root_hi;
    unsigned level, shift = 0, perm;

    if (asid >= MAIA_MAX_ASIDS || !maia_va_range_ok(va, 1)) {
        return MAIA_FAULT_NOT_MAPPED;
    }

    qemu_mutex_lock(&m->lock);
    t = &m->tlb[maia_tlb_index(asid, va, MAIA_BLOCK_SHIFT)];
    if (!maia_tlb_match(t, asid, va, MAIA_BLOCK_SHIFT)) {
        t = &m->tlb[maia_tlb_index(asid, va, MAIA_PAGE_SHIFT)];
        if (!maia_tlb_match(t, asid, va, MAIA_PAGE_SHIFT)) {
            t = NULL;
        }
    }
    if (t) {
        MaiaTlbEntry hit = *t;

        m->tlb_hits++;
        qemu_mutex_unlock(&m->lock);
        return maia_xlate_fill(e, va, hit.pa, hit.shift, hit.perm, is_write,
                               out);
    }
    m->tlb_misses++;
    gen = m->gen;
    root_lo = m->root_lo[asid];
    root_hi = m->root_hi[asid];
    qemu_mutex_unlock(&m->lock);

    if (!(root_lo & MAIA_MMU_ROOT_VALID)) {
        return MAIA_FAULT_NOT_MAPPED;
    }
    table = ((uint64_t)root_hi << 32 | root_lo) & MAIA_PTE_ADDR;

    for (level = 0; level < MAIA_PT_LEVELS; level++) {
        unsigned idx = (va >> MAIA_PT_SHIFT(level)) & (MAIA_PT_ENTRIES - 1);
        struct maia_pte raw;

        if (maia_dma_read(e->s, table + idx * sizeof(raw), &raw,
                          sizeof(raw)) != MEMTX_OK) {
            return MAIA_FAULT_TABLE_DMA;
        }
        pte = le64_to_cpu(raw.val);
        if (!(pte & MAIA_PTE_VALID)) {
            return MAIA_FAULT_NOT_MAPPED;
        }
        if (pte & MAIA_PTE_LEAF) {
            if (level < MAIA_BLOCK_LEVEL) {
                return MAIA_FAULT_NOT_MAPPED;   /* no leaves above blocks */
            }
            shift = MAIA_PT_SHIFT(level);       /* page or block */
            break;
        }
        if (level == MAIA_PT_LEVELS - 1) {
            return MAIA_FAULT_NOT_MAPPED;       /* the last must be a leaf */
        }
        table = pte & MAIA_PTE_ADDR;
    }

    perm = pte & (MAIA_PTE_READ | MAIA_PTE_WRITE | MAIA_PTE_HBM);
    qemu_mutex_lock(&m->lock);
    if (m->gen == gen) {
        t = &m->tlb[maia_tlb_index(asid, va, shift)];
        t->valid = true;
        t->asid = asid;
        t->shift = shift;
        t->va = va & ~((1ull << shift) - 1);
        t->pa = pte & MAIA_PTE_ADDR & ~((1ull << shift) - 1);
        t->perm = perm;
    }
    qemu_mutex_unlock(&m->lock);
    return maia_xlate_fill(e, va,
                           pte & MAIA_PTE_ADDR & ~((1ull << shift) - 1),
                           shift, perm, is_write, out);
}

void maia_mmu_fault(MaiaEngine *e, unsigned asid, unsigned ring,
                    uint64_t va, bool is_write, int reason)
{
    MaiaMmu *m = &e->mmu;
    bool latched = false;

    qemu_mutex_lock(&m->lock);
    m->fault_count++;
    if (m->fault_info & MAIA_FAULT_INFO_VALID) {
        m->fault_info |= MAIA_FAULT_INFO_OVERFLOW;
    } else {
        m->fault_addr = va;
        m->fault_info = MAIA_FIELD_PREP(MAIA_FAULT_INFO_ASID, asid) |
                        MAIA_FIELD_PREP(MAIA_FAULT_INFO_RING, ring) |
                        (is_write ? MAIA_FAULT_INFO_WRITE : 0) |
                        MAIA_FAULT_INFO_VALID |
                        MAIA_FIELD_PREP(MAIA_FAULT_INFO_REASON, reason);
        latched = true;
    }
    qemu_mutex_unlock(&m->lock);
    trace_maia_mmu_fault(asid, ring, va, is_write, reason, latched);
    maia_engine_post_cause(e, MAIA_INT_MMU_FAULT);
}

static void maia_mmu_invalidate_locked(MaiaEngine *e, uint32_t cmd)
{
    MaiaMmu *m = &e->mmu;
    uint64_t start = (uint64_t)m->inv_start_hi << 32 | m->inv_start_lo;
    uint64_t size = (uint64_t)m->inv_size_hi << 32 | m->inv_size_lo;
    uint64_t end = start + size < start ? UINT64_MAX : start + size;
    unsigned dropped = 0;

    switch (cmd) {
    case MAIA_MMU_INV_RANGE:
        if (size) {
            maia_tlb_flush_locked(m, false, m->inv_asid, start, end,
                                  &dropped);
        }
        break;
    case MAIA_MMU_INV_ASID:
        maia_tlb_flush_locked(m, false, m->inv_asid, 0, UINT64_MAX, &dropped);
        break;
    case MAIA_MMU_INV_ALL:
        maia_tlb_flush_locked(m, true, 0, 0, 0, &dropped);
        break;
    default:
        qemu_log_mask(LOG_GUEST_ERROR,
                      "maia: MMU_INV_CMD: unknown command %u\n", cmd);
        return;
    }
    trace_maia_tlb_invalidate(cmd, m->inv_asid, start, size, dropped);
}

uint32_t maia_mmu_read(MaiaEngine *e, hwaddr addr)
{
    MaiaMmu *m = &e->mmu;
    uint32_t val = 0;

    qemu_mutex_lock(&m->lock);
    if (maia_in_block(addr, MAIA_MMU_ROOT_LO(0),
                      MAIA_MAX_ASIDS * MAIA_MMU_ROOT_STRIDE)) {
        unsigned asid = (addr - MAIA_MMU_ROOT_LO(0)) / MAIA_MMU_ROOT_STRIDE;

        val = addr == MAIA_MMU_ROOT_HI(asid) ? m->root_hi[asid]
                                             : m->root_lo[asid];
    } else {
        switch (addr) {
        case MAIA_REG_MMU_INV_ASID:
            val = m->inv_asid;
            break;
        case MAIA_REG_MMU_INV_START_LO:
            val = m->inv_start_lo;
            break;
        case MAIA_REG_MMU_INV_START_HI:
            val = m->inv_start_hi;
            break;
        case MAIA_REG_MMU_INV_SIZE_LO:
            val = m->inv_size_lo;
            break;
        case MAIA_REG_MMU_INV_SIZE_HI:
            val = m->inv_size_hi;
            break;
        case MAIA_REG_MMU_FAULT_ADDR_LO:
            val = m->fault_addr;
            break;
        case MAIA_REG_MMU_FAULT_ADDR_HI:
            val = m->fault_addr >> 32;
            break;
        case MAIA_REG_MMU_FAULT_INFO:
            val = m->fault_info;
            break;
        case MAIA_REG_MMU_FAULT_COUNT:
            val = m->fault_count;
            break;
        case MAIA_REG_MMU_TLB_HITS:
            val = m->tlb_hits;
            break;
        case MAIA_REG_MMU_TLB_MISSES:
            val = m->tlb_misses;
            break;
        default:                /* INV_CMD, FAULT_CLEAR: write-only */
            break;
        }
    }
    qemu_mutex_unlock(&m->lock);
    return val;
}

void maia_mmu_write(MaiaEngine *e, hwaddr addr, uint32_t val)
{
    MaiaMmu *m = &e->mmu;

    qemu_mutex_lock(&m->lock);
    if (maia_in_block(addr, MAIA_MMU_ROOT_LO(0),
                      MAIA_MAX_ASIDS * MAIA_MMU_ROOT_STRIDE)) {
        unsigned asid = (addr - MAIA_MMU_ROOT_LO(0)) / MAIA_MMU_ROOT_STRIDE;
        unsigned dropped = 0;

        if (addr == MAIA_MMU_ROOT_HI(asid)) {
            m->root_hi[asid] = val & (uint32_t)(MAIA_PTE_ADDR >> 32);
        } else {
            m->root_lo[asid] = val & ((uint32_t)MAIA_PTE_ADDR |
                                      MAIA_MMU_ROOT_VALID);
        }
        /* A new root makes the old translations of this ASID meaningless. */
        maia_tlb_flush_locked(m, false, asid, 0, UINT64_MAX, &dropped);
        trace_maia_mmu_root(asid, m->root_hi[asid], m->root_lo[asid],
                            dropped);
        qemu_mutex_unlock(&m->lock);
        return;
    }
    switch (addr) {
    case MAIA_REG_MMU_INV_ASID:
        if (val >= MAIA_MAX_ASIDS) {
            qemu_log_mask(LOG_GUEST_ERROR,
                          "maia: MMU_INV_ASID: %u out of range\n", val);
        }
        m->inv_asid = val & (MAIA_MAX_ASIDS - 1);
        break;
    case MAIA_REG_MMU_INV_START_LO:
        m->inv_start_lo = val;
        break;
    case MAIA_REG_MMU_INV_START_HI:
        m->inv_start_hi = val;
        break;
    case MAIA_REG_MMU_INV_SIZE_LO:
        m->inv_size_lo = val;
        break;
    case MAIA_REG_MMU_INV_SIZE_HI:
        m->inv_size_hi = val;
        break;
    case MAIA_REG_MMU_INV_CMD:
        maia_mmu_invalidate_locked(e, val);
        break;
    case MAIA_REG_MMU_FAULT_CLEAR:
        if (val & 1) {
            m->fault_addr = 0;
            m->fault_info = 0;
        }
        break;
    default:
        qemu_log_mask(LOG_GUEST_ERROR,
                      "maia: write 0x%08x to read-only or unknown MMU "
                      "register 0x%04" HWADDR_PRIx "\n", val, addr);
        break;
    }
    qemu_mutex_unlock(&m->lock);
}

void maia_mmu_reset(MaiaEngine *e)
{
    MaiaMmu *m = &e->mmu;

    qemu_mutex_lock(&m->lock);
    memset(m->root_lo, 0, sizeof(m->root_lo));
    memset(m->root_hi, 0, sizeof(m->root_hi));
    m->inv_asid = 0;
    m->inv_start_lo = m->inv_start_hi = 0;
    m->inv_size_lo = m->inv_size_hi = 0;
    m->fault_addr = 0;
    m->fault_info = 0;
    m->fault_count = 0;
    m->tlb_hits = 0;
    m->tlb_misses = 0;
    memset(m->tlb, 0, sizeof(m->tlb));
    m->gen++;
    qemu_mutex_unlock(&m->lock);
}

void maia_mmu_init(MaiaEngine *e)
{
    qemu_mutex_init(&e->mmu.lock);
    maia_mmu_reset(e);
}

void maia_mmu_destroy(MaiaEngine *e)
{
    qemu_mutex_destroy(&e->mmu.lock);
}

static int maia_mmu_post_load(void *opaque, int version_id)
{
    MaiaMmu *m = opaque;

    /* The TLB is a cache and is not migrated. */
    qemu_mutex_lock(&m->lock);
    memset(m->tlb, 0, sizeof(m->tlb));
    m->gen++;
    m->inv_asid &= MAIA_MAX_ASIDS - 1;
    qemu_mutex_unlock(&m->lock);
    return 0;
}

const VMStateDescription vmstate_maia_mmu = {
    .name = "maia-mmu",
    .version_id = 1,
    .minimum_version_id = 1,
    .post_load = maia_mmu_post_load,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT32_ARRAY(root_lo, MaiaMmu, MAIA_MAX_ASIDS),
        VMSTATE_UINT32_ARRAY(root_hi, MaiaMmu, MAIA_MAX_ASIDS),
        VMSTATE_UINT32(inv_asid, MaiaMmu),
        VMSTATE_UINT32(inv_start_lo, MaiaMmu),
        VMSTATE_UINT32(inv_start_hi, MaiaMmu),
        VMSTATE_UINT32(inv_size_lo, MaiaMmu),
        VMSTATE_UINT32(inv_size_hi, MaiaMmu),
        VMSTATE_UINT64(fault_addr, MaiaMmu),
        VMSTATE_UINT32(fault_info, MaiaMmu),
        VMSTATE_UINT32(fault_count, MaiaMmu),
        VMSTATE_UINT32(tlb_hits, MaiaMmu),
        VMSTATE_UINT32(tlb_misses, MaiaMmu),
        VMSTATE_END_OF_LIST()
    },
};
