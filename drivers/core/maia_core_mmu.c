// SPDX-License-Identifier: GPL-2.0
/*
 * maia_core device MMU: address spaces, their page tables and the hardware
 * address-space ids they run under.
 *
 * Each address space has a 4-level table tree (512 entries per level, 48-bit
 * VA) in DMA-coherent host memory that the device walks by DMA. Leaves are
 * 4 KiB pages or, when address and size allow, 2 MiB blocks at level 2.
 * Every table counts its valid entries; unmapping the last entry of a table
 * unlinks the table from its parent. The device may still be walking an
 * unlinked table (a walk in progress, or a job that had started before the
 * unmap), so it is not freed here: maia_as_unmap() hands it to the caller,
 * which frees it with maia_as_free_tables() once the jobs that could reach
 * the range are done, together with the memory the range mapped.
 *
 * Hardware address-space ids (MAIA_MAX_ASIDS of them) are not owned by an
 * address space: maia_as_pin() gives an address space a slot for as long as
 * one of its jobs may run on the device, taking the least recently used
 * idle slot when the address space has none (its root is written to the
 * slot's root registers, which drops the slot's TLB entries). So any number
 * of address spaces can exist, and at most MAIA_MAX_ASIDS of them have jobs
 * on the device at once.
 *
 * The device TLB caches valid leaves only, so new mappings need no
 * invalidation; removed ones are invalidated (INV_CMD, then a read back so
 * that the posted writes have reached the device) before the caller may
 * free the memory behind them. An address space without a slot has nothing
 * in the TLB.
 *
 * Locking: maia_as.lock (a mutex) serialises the changes of one table tree;
 * maia_core.asid_lock (a spinlock, taken with interrupts disabled because
 * maia_as_unpin() runs in interrupt context) protects the slots, every
 * address space's hw_asid, the root registers and the invalidation
 * registers. as->lock may be held when asid_lock is taken, never the
 * reverse.
 */

#include <linux/bitfield.h>
#include <linux/dma-mapping.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>

#include "maia_core_priv.h"

#define MAIA_PT_SIZE		(MAIA_PT_ENTRIES * sizeof(struct maia_pte))
#define MAIA_PAGE_SIZE		BIT_ULL(MAIA_PAGE_SHIFT)
#define MAIA_BLOCK_SIZE		BIT_ULL(MAIA_BLOCK_SHIFT)

/**
 * struct maia_pt - one page-table page
 * @entries: CPU view of the MAIA_PT_ENTRIES entries (coherent memory)
 * @dma: bus address the device uses
 * @children: lower-level tables, for levels 0..2
 * @used: valid entries in @entries
 * @free_link: entry in a list of unlinked tables waiting to be freed
 */
struct maia_pt {
	struct maia_pte *entries;
	dma_addr_t dma;
	struct maia_pt **children;
	unsigned int used;
	struct list_head free_link;
};

/**
 * struct maia_as - a device address space
 * @core: owning core
 * @hw_asid: hardware slot holding the root, or -1 (under core->asid_lock)
 * @lock: protects the table tree and serialises map/unmap
 * @root: level-0 table
 */
struct maia_as {
	struct maia_core *core;
	int hw_asid;
	struct mutex lock; /* table tree */
	struct maia_pt *root;
};

static unsigned int maia_pt_index(u64 va, unsigned int level)
{
	return (va >> MAIA_PT_SHIFT(level)) & (MAIA_PT_ENTRIES - 1);
}

static u64 maia_pte_get(struct maia_pt *pt, unsigned int idx)
{
	return le64_to_cpu(READ_ONCE(pt->entries[idx].val));
}

/* The device walks the tables concurrently: one untorn store per entry. */
static void maia_pte_set(struct maia_pt *pt, unsigned int idx, u64 val)
{
	bool was = maia_pte_get(pt, idx) & MAIA_PTE_VALID;

	WRITE_ONCE(pt->entries[idx].val, cpu_to_le64(val));
	if (!was && (val & MAIA_PTE_VALID))
		pt->used++;
	else if (was && !(val & MAIA_PTE_VALID))
		pt->used--;
}

/* Tables are made on behalf of userspace: charge them to its memcg. */
static struct maia_pt *maia_pt_alloc(struct maia_core *core, unsigned int level)
{
	struct maia_pt *pt;

	pt = kzalloc(sizeof(*pt), GFP_KERNEL_ACCOUNT);
	if (!pt)
		return NULL;
	pt->entries = dma_alloc_coherent(&core->pdev->dev, MAIA_PT_SIZE,
					 &pt->dma, GFP_KERNEL_ACCOUNT);
	if (!pt->entries)
		goto err_free;
	if (level < MAIA_PT_LEVELS - 1) {
		pt->children = kcalloc(MAIA_PT_ENTRIES, sizeof(*pt->children),
				       GFP_KERNEL_ACCOUNT);
		if (!pt->children)
			goto err_dma;
	}
	INIT_LIST_HEAD(&pt->free_link);
	atomic_inc(&core->pt_count);
	return pt;

err_dma:
	dma_free_coherent(&core->pdev->dev, MAIA_PT_SIZE, pt->entries, pt->dma);
err_free:
	kfree(pt);
	return NULL;
}

static void maia_pt_free(struct maia_core *core, struct maia_pt *pt)
{
	unsigned int i;

	if (pt->children) {
		for (i = 0; i < MAIA_PT_ENTRIES; i++)
			if (pt->children[i])
				maia_pt_free(core, pt->children[i]);
		kfree(pt->children);
	}
	dma_free_coherent(&core->pdev->dev, MAIA_PT_SIZE, pt->entries, pt->dma);
	kfree(pt);
	atomic_dec(&core->pt_count);
}

/* Walk down to @level for @va, creating tables on the way. */
static struct maia_pt *maia_pt_walk(struct maia_as *as, u64 va,
				    unsigned int level)
{
	struct maia_pt *pt = as->root;
	unsigned int l, idx;

	for (l = 0; l < level; l++) {
		idx = maia_pt_index(va, l);
		if (!pt->children[idx]) {
			struct maia_pt *child = maia_pt_alloc(as->core, l + 1);

			if (!child)
				return NULL;
			pt->children[idx] = child;
			maia_pte_set(pt, idx, (child->dma & MAIA_PTE_ADDR) |
				     MAIA_PTE_VALID);
		}
		pt = pt->children[idx];
	}
	return pt;
}

static u64 maia_pte_flags(u32 prot)
{
	u64 flags = MAIA_PTE_VALID | MAIA_PTE_LEAF;

	if (prot & MAIA_PROT_READ)
		flags |= MAIA_PTE_READ;
	if (prot & MAIA_PROT_WRITE)
		flags |= MAIA_PTE_WRITE;
	if (prot & MAIA_PROT_HBM)
		flags |= MAIA_PTE_HBM;
	return flags;
}

/*
 * Map [va, va + size) to the contiguous range starting at @addr (a bus
 * address, or an HBM offset with MAIA_PROT_HBM), using blocks where both
 * sides are 2 MiB aligned.
 */
static int maia_as_map_range(struct maia_as *as, u64 va, u64 addr, u64 size,
			     u32 prot)
{
	u64 flags = maia_pte_flags(prot);
	struct maia_pt *pt;
	unsigned int level;
	u64 step;

	while (size) {
		if (IS_ALIGNED(va | addr, MAIA_BLOCK_SIZE) &&
		    size >= MAIA_BLOCK_SIZE) {
			level = MAIA_BLOCK_LEVEL;
			step = MAIA_BLOCK_SIZE;
		} else {
			level = MAIA_PT_LEVELS - 1;
			step = MAIA_PAGE_SIZE;
		}
		pt = maia_pt_walk(as, va, level);
		if (!pt)
			return -ENOMEM;
		/* A block replacing a table would orphan the table: use pages. */
		if (level == MAIA_BLOCK_LEVEL &&
		    pt->children[maia_pt_index(va, level)]) {
			level = MAIA_PT_LEVELS - 1;
			step = MAIA_PAGE_SIZE;
			pt = maia_pt_walk(as, va, level);
			if (!pt)
				return -ENOMEM;
		}
		maia_pte_set(pt, maia_pt_index(va, level),
			     (addr & MAIA_PTE_ADDR) | flags);
		va += step;
		addr += step;
		size -= step;
	}
	return 0;
}

/*
 * Clear the leaves of [va, va + size) and unlink the tables this empties
 * onto @freed (the caller frees them once the device cannot walk them).
 */
static void maia_as_clear_range(struct maia_as *as, u64 va, u64 size,
				struct list_head *freed)
{
	struct maia_pt *path[MAIA_PT_LEVELS];
	u64 end = va + size;

	while (va < end) {
		struct maia_pt *pt = as->root;
		unsigned int l, idx;
		u64 step = MAIA_PAGE_SIZE;

		for (l = 0; l < MAIA_PT_LEVELS - 1; l++) {
			path[l] = pt;
			idx = maia_pt_index(va, l);
			if (l == MAIA_BLOCK_LEVEL &&
			    (maia_pte_get(pt, idx) & MAIA_PTE_LEAF)) {
				step = MAIA_BLOCK_SIZE;
				break;
			}
			if (!pt->children[idx]) {
				/* Nothing mapped under this entry. */
				step = BIT_ULL(MAIA_PT_SHIFT(l));
				pt = NULL;
				break;
			}
			pt = pt->children[idx];
		}
		if (pt) {
			path[l] = pt;
			maia_pte_set(pt, maia_pt_index(va, l), 0);
			/* Unlink the tables left empty, bottom up. */
			while (l > 0 && !path[l]->used) {
				struct maia_pt *parent = path[l - 1];

				idx = maia_pt_index(va, l - 1);
				maia_pte_set(parent, idx, 0);
				parent->children[idx] = NULL;
				list_add_tail(&path[l]->free_link, freed);
				l--;
			}
		}
		va = ALIGN_DOWN(va, step) + step;
		if (!va)
			break;	/* wrapped past the top of the VA */
	}
}

/* Make sure the posted register writes before it have reached the device. */
static void maia_mmu_flush_writes(struct maia_core *core)
{
	maia_core_rd(core, MAIA_REG_MMU_INV_CMD);
}

/* Caller holds core->asid_lock. */
static void maia_tlb_invalidate_locked(struct maia_core *core, u32 cmd,
				       u32 asid, u64 va, u64 size)
{
	lockdep_assert_held(&core->asid_lock);
	maia_core_wr(core, MAIA_REG_MMU_INV_ASID, asid);
	maia_core_wr(core, MAIA_REG_MMU_INV_START_LO, lower_32_bits(va));
	maia_core_wr(core, MAIA_REG_MMU_INV_START_HI, upper_32_bits(va));
	maia_core_wr(core, MAIA_REG_MMU_INV_SIZE_LO, lower_32_bits(size));
	maia_core_wr(core, MAIA_REG_MMU_INV_SIZE_HI, upper_32_bits(size));
	maia_core_wr(core, MAIA_REG_MMU_INV_CMD, cmd);
	maia_mmu_flush_writes(core);
}

/*
 * Point hardware slot @asid at the table tree at @root (0: none), drop the
 * slot's TLB entries and wait for the writes to land. Caller holds
 * core->asid_lock.
 */
static void maia_asid_program(struct maia_core *core, unsigned int asid,
			      dma_addr_t root)
{
	lockdep_assert_held(&core->asid_lock);
	if (root) {
		maia_core_wr(core, MAIA_MMU_ROOT_HI(asid), upper_32_bits(root));
		maia_core_wr(core, MAIA_MMU_ROOT_LO(asid),
			     lower_32_bits(root) | MAIA_MMU_ROOT_VALID);
	} else {
		maia_core_wr(core, MAIA_MMU_ROOT_LO(asid), 0);
		maia_core_wr(core, MAIA_MMU_ROOT_HI(asid), 0);
	}
	maia_tlb_invalidate_locked(core, MAIA_MMU_INV_ASID, asid, 0, 0);
}

/* Invalidate the TLB entries of @as in [va, va + size), if it has a slot. */
static void maia_as_tlb_invalidate(struct maia_as *as, u64 va, u64 size)
{
	struct maia_core *core = as->core;
	unsigned long flags;

	spin_lock_irqsave(&core->asid_lock, flags);
	if (as->hw_asid >= 0)
		maia_tlb_invalidate_locked(core, MAIA_MMU_INV_RANGE,
					   as->hw_asid, va, size);
	spin_unlock_irqrestore(&core->asid_lock, flags);
}

/**
 * maia_as_create() - create a device address space
 * @core: the core
 *
 * The address space has no hardware slot until maia_as_pin().
 *
 * Context: process context.
 * Return: the address space, or ERR_PTR(-ENOMEM).
 */
struct maia_as *maia_as_create(struct maia_core *core)
{
	struct maia_as *as;

	as = kzalloc(sizeof(*as), GFP_KERNEL_ACCOUNT);
	if (!as)
		return ERR_PTR(-ENOMEM);
	as->core = core;
	as->hw_asid = -1;
	mutex_init(&as->lock);
	as->root = maia_pt_alloc(core, 0);
	if (!as->root) {
		kfree(as);
		return ERR_PTR(-ENOMEM);
	}
	return as;
}
EXPORT_SYMBOL_NS_GPL(maia_as_create, MAIA_CORE);

/**
 * maia_as_destroy() - destroy an address space
 * @as: address space with no job that may still run in it (not pinned)
 *
 * Context: process context.
 */
void maia_as_destroy(struct maia_as *as)
{
	struct maia_core *core = as->core;
	unsigned long flags;

	spin_lock_irqsave(&core->asid_lock, flags);
	if (as->hw_asid >= 0) {
		struct maia_asid_slot *slot = &core->asid_slots[as->hw_asid];

		WARN_ON(slot->pins);
		maia_asid_program(core, as->hw_asid, 0);
		slot->owner = NULL;
		slot->pins = 0;
		as->hw_asid = -1;
	}
	spin_unlock_irqrestore(&core->asid_lock, flags);
	maia_pt_free(core, as->root);
	mutex_destroy(&as->lock);
	kfree(as);
}
EXPORT_SYMBOL_NS_GPL(maia_as_destroy, MAIA_CORE);

/**
 * maia_as_pin() - give an address space a hardware id for one job
 * @as: address space
 *
 * Keeps the slot of @as, or takes a free slot, or the least recently used
 * slot no job is pinning (its previous owner loses it; its TLB entries are
 * dropped). Each successful call must be paired with maia_as_unpin() once
 * the device is done with the job.
 *
 * Context: any; takes a spinlock with interrupts disabled.
 * Return: the hardware ASID to put in the job descriptor, or -EBUSY when
 * every slot is pinned by jobs of other address spaces.
 */
int maia_as_pin(struct maia_as *as)
{
	struct maia_core *core = as->core;
	struct maia_asid_slot *slot, *victim = NULL;
	unsigned long flags;
	unsigned int a;
	int ret;

	spin_lock_irqsave(&core->asid_lock, flags);
	if (as->hw_asid < 0) {
		for (a = 0; a < MAIA_MAX_ASIDS; a++) {
			slot = &core->asid_slots[a];
			if (!slot->owner) {
				victim = slot;
				break;
			}
			if (!slot->pins &&
			    (!victim || slot->last_used < victim->last_used))
				victim = slot;
		}
		if (!victim) {
			spin_unlock_irqrestore(&core->asid_lock, flags);
			return -EBUSY;
		}
		a = victim - core->asid_slots;
		if (victim->owner) {
			victim->owner->hw_asid = -1;
			core->asid_steals++;
		}
		maia_asid_program(core, a, as->root->dma);
		victim->owner = as;
		as->hw_asid = a;
	}
	slot = &core->asid_slots[as->hw_asid];
	slot->pins++;
	slot->last_used = ++core->asid_clock;
	ret = as->hw_asid;
	spin_unlock_irqrestore(&core->asid_lock, flags);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(maia_as_pin, MAIA_CORE);

/**
 * maia_as_unpin() - the device is done with one job of an address space
 * @as: address space pinned by maia_as_pin()
 *
 * Context: any, including hard interrupt context.
 * Return: true when this made the slot idle (another address space may
 * now take it).
 */
bool maia_as_unpin(struct maia_as *as)
{
	struct maia_core *core = as->core;
	struct maia_asid_slot *slot;
	unsigned long flags;
	bool idle = false;

	spin_lock_irqsave(&core->asid_lock, flags);
	if (!WARN_ON(as->hw_asid < 0)) {
		slot = &core->asid_slots[as->hw_asid];
		if (!WARN_ON(!slot->pins)) {
			slot->pins--;
			idle = !slot->pins;
		}
		slot->last_used = ++core->asid_clock;
	}
	spin_unlock_irqrestore(&core->asid_lock, flags);
	return idle;
}
EXPORT_SYMBOL_NS_GPL(maia_as_unpin, MAIA_CORE);

static bool maia_as_range_ok(u64 va, u64 size)
{
	return size && IS_ALIGNED(va | size, MAIA_PAGE_SIZE) &&
	       va + size > va && va + size <= (1ull << MAIA_VA_BITS);
}

/*
 * Undo a partial map: a job of the address space may already have used
 * (and cached) the new entries, so invalidate like an unmap.
 */
static void maia_as_unmap_locked(struct maia_as *as, u64 va, u64 size,
				 struct list_head *freed)
{
	lockdep_assert_held(&as->lock);
	maia_as_clear_range(as, va, size, freed);
	maia_as_tlb_invalidate(as, va, size);
}

/**
 * maia_as_map_sgt() - map part of a DMA-mapped scatter list
 * @as: address space
 * @va: device virtual address, page aligned
 * @sgt: table mapped for the maia PCI function
 * @offset: byte offset into @sgt, page aligned
 * @size: bytes, page aligned
 * @prot: MAIA_PROT_* bits
 * @freed: on failure, gets the tables to free with maia_as_free_tables()
 *
 * The caller makes sure the range is free and keeps @sgt mapped until the
 * range is unmapped. On failure nothing stays mapped, but a job running in
 * @as may have reached the memory meanwhile: handle @sgt and @freed as after
 * maia_as_unmap().
 *
 * Return: 0, -EINVAL for a bad range, -ENOMEM.
 */
int maia_as_map_sgt(struct maia_as *as, u64 va, struct sg_table *sgt,
		    u64 offset, u64 size, u32 prot, struct list_head *freed)
{
	u64 done = 0, skip = offset;
	struct scatterlist *sg;
	unsigned int i;
	int ret = 0;

	if (!maia_as_range_ok(va, size) || !IS_ALIGNED(offset, MAIA_PAGE_SIZE) ||
	    (prot & MAIA_PROT_HBM))
		return -EINVAL;

	mutex_lock(&as->lock);
	for_each_sgtable_dma_sg(sgt, sg, i) {
		u64 addr = sg_dma_address(sg), len = sg_dma_len(sg);

		if (skip >= len) {
			skip -= len;
			continue;
		}
		addr += skip;
		len -= skip;
		skip = 0;
		len = min(len, size - done);
		if (!IS_ALIGNED(addr | len, MAIA_PAGE_SIZE)) {
			ret = -EINVAL;
			break;
		}
		ret = maia_as_map_range(as, va + done, addr, len, prot);
		if (ret)
			break;
		done += len;
		if (done == size)
			break;
	}
	if (!ret && done != size)
		ret = -EINVAL;
	if (ret)
		maia_as_unmap_locked(as, va, size, freed);
	mutex_unlock(&as->lock);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(maia_as_map_sgt, MAIA_CORE);

/**
 * maia_as_map_hbm() - map a contiguous range of device memory
 * @as: address space
 * @va: device virtual address, page aligned
 * @hbm_offset: offset in HBM, page aligned
 * @size: bytes, page aligned
 * @prot: MAIA_PROT_READ/WRITE bits
 * @freed: on failure, as for maia_as_map_sgt()
 *
 * Return: 0, -EINVAL for a bad range, -ENOMEM.
 */
int maia_as_map_hbm(struct maia_as *as, u64 va, u64 hbm_offset, u64 size,
		    u32 prot, struct list_head *freed)
{
	int ret;

	if (!maia_as_range_ok(va, size) ||
	    !IS_ALIGNED(hbm_offset, MAIA_PAGE_SIZE) ||
	    hbm_offset + size > as->core->info.hbm_size ||
	    hbm_offset + size < hbm_offset)
		return -EINVAL;

	mutex_lock(&as->lock);
	ret = maia_as_map_range(as, va, hbm_offset, size, prot | MAIA_PROT_HBM);
	if (ret)
		maia_as_unmap_locked(as, va, size, freed);
	mutex_unlock(&as->lock);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(maia_as_map_hbm, MAIA_CORE);

/**
 * maia_as_unmap() - remove a range and invalidate the device TLB
 * @as: address space
 * @va: start, page aligned
 * @size: bytes, page aligned
 * @freed: gets the page tables the unmap emptied
 *
 * When this returns, every access the device starts in the range faults.
 * Accesses already under way complete with the old translation (at most
 * one 2 MiB piece of a command, see the hardware reference), and a walk in
 * progress may still read the tables on @freed: release the memory behind
 * the range and call maia_as_free_tables() only once the jobs that ran in
 * @as before the unmap are done.
 */
void maia_as_unmap(struct maia_as *as, u64 va, u64 size,
		   struct list_head *freed)
{
	if (!maia_as_range_ok(va, size))
		return;
	mutex_lock(&as->lock);
	maia_as_unmap_locked(as, va, size, freed);
	mutex_unlock(&as->lock);
}
EXPORT_SYMBOL_NS_GPL(maia_as_unmap, MAIA_CORE);

/**
 * maia_as_free_tables() - free page tables unlinked by an unmap
 * @core: the core of the address space they came from
 * @freed: list filled by maia_as_unmap(), maia_as_map_sgt() or
 *	maia_as_map_hbm(); empty afterwards
 *
 * Context: process context.
 */
void maia_as_free_tables(struct maia_core *core, struct list_head *freed)
{
	struct maia_pt *pt, *tmp;

	list_for_each_entry_safe(pt, tmp, freed, free_link) {
		list_del(&pt->free_link);
		maia_pt_free(core, pt);
	}
}
EXPORT_SYMBOL_NS_GPL(maia_as_free_tables, MAIA_CORE);

/* debugfs "mmu": table count and slot use. */
int maia_mmu_show(struct maia_core *core, char *buf, size_t len)
{
	unsigned long flags;
	unsigned int a;
	int n;

	spin_lock_irqsave(&core->asid_lock, flags);
	n = scnprintf(buf, len, "tables: %d\nasid_steals: %llu\n",
		      atomic_read(&core->pt_count), core->asid_steals);
	for (a = 0; a < MAIA_MAX_ASIDS; a++)
		n += scnprintf(buf + n, len - n, "asid %u: %s pins %u\n", a,
			       core->asid_slots[a].owner ? "used" : "free",
			       core->asid_slots[a].pins);
	spin_unlock_irqrestore(&core->asid_lock, flags);
	return n;
}

/* Called from the misc interrupt handler when INT_CAUSE.MMU_FAULT is set. */
void maia_mmu_handle_fault(struct maia_core *core)
{
	struct maia_fault_record rec;
	u32 info;

	info = maia_core_rd(core, MAIA_REG_MMU_FAULT_INFO);
	if (!(info & MAIA_FAULT_INFO_VALID))
		return;
	rec.addr = maia_core_rd(core, MAIA_REG_MMU_FAULT_ADDR_LO) |
		   (u64)maia_core_rd(core, MAIA_REG_MMU_FAULT_ADDR_HI) << 32;
	rec.info = info;
	rec.time_ns = ktime_get_ns();
	maia_core_wr(core, MAIA_REG_MMU_FAULT_CLEAR, 1);

	spin_lock(&core->fault_lock);
	core->faults[core->fault_count % MAIA_FAULT_LOG] = rec;
	core->fault_count++;
	spin_unlock(&core->fault_lock);

	dev_warn_ratelimited(&core->pdev->dev,
			     "MMU fault: asid %lu ring %lu %s 0x%llx reason %lu\n",
			     FIELD_GET(MAIA_FAULT_INFO_ASID, info),
			     FIELD_GET(MAIA_FAULT_INFO_RING, info),
			     info & MAIA_FAULT_INFO_WRITE ? "write" : "read", rec.addr,
			     FIELD_GET(MAIA_FAULT_INFO_REASON, info));
}

/**
 * maia_core_fault_log() - format the recent MMU faults, newest last
 * @core: the core
 * @buf: output buffer
 * @len: its size
 *
 * Return: bytes written.
 */
int maia_core_fault_log(struct maia_core *core, char *buf, size_t len)
{
	struct maia_fault_record rec;
	u64 first, i, count;
	int n = 0;

	spin_lock_irq(&core->fault_lock);
	count = core->fault_count;
	spin_unlock_irq(&core->fault_lock);
	n += scnprintf(buf + n, len - n, "faults: %llu\n", count);
	first = count > MAIA_FAULT_LOG ? count - MAIA_FAULT_LOG : 0;
	for (i = first; i < count; i++) {
		spin_lock_irq(&core->fault_lock);
		rec = core->faults[i % MAIA_FAULT_LOG];
		spin_unlock_irq(&core->fault_lock);
		n += scnprintf(buf + n, len - n,
			       "%llu: va 0x%llx asid %lu ring %lu %s reason %lu\n",
			       rec.time_ns, rec.addr,
			       FIELD_GET(MAIA_FAULT_INFO_ASID, rec.info),
			       FIELD_GET(MAIA_FAULT_INFO_RING, rec.info),
			       rec.info & MAIA_FAULT_INFO_WRITE ? "write" : "read",
			       FIELD_GET(MAIA_FAULT_INFO_REASON, rec.info));
	}
	return n;
}
EXPORT_SYMBOL_NS_GPL(maia_core_fault_log, MAIA_CORE);
