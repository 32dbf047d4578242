// SPDX-License-Identifier: GPL-2.0
/*
 * maia_core device MMU: address spaces and their page tables.
 *
 * Each address space has a 4-level table tree (512 entries per level, 48-bit
 * VA) in DMA-coherent host memory that the device walks by DMA. Leaves are
 * 4 KiB pages or, when address and size allow, 2 MiB blocks at level 2.
 * Tables are kept until the address space is destroyed, so unmap only
 * clears leaves and invalidates the device TLB.
 *
 * The device TLB caches valid translations only, so new mappings need no
 * invalidation; removed ones are invalidated synchronously (the INV_CMD write
 * returns after the device dropped the entries) before the caller may free
 * the memory behind them.
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
 */
struct maia_pt {
	struct maia_pte *entries;
	dma_addr_t dma;
	struct maia_pt **children;
};

/**
 * struct maia_as - a device address space
 * @core: owning core
 * @asid: hardware address-space id
 * @lock: protects the table tree and serialises map/unmap
 * @root: level-0 table
 */
struct maia_as {
	struct maia_core *core;
	u32 asid;
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
	WRITE_ONCE(pt->entries[idx].val, cpu_to_le64(val));
}

static struct maia_pt *maia_pt_alloc(struct maia_core *core, unsigned int level)
{
	struct maia_pt *pt;

	pt = kzalloc(sizeof(*pt), GFP_KERNEL);
	if (!pt)
		return NULL;
	pt->entries = dma_alloc_coherent(&core->pdev->dev, MAIA_PT_SIZE,
					 &pt->dma, GFP_KERNEL);
	if (!pt->entries)
		goto err_free;
	if (level < MAIA_PT_LEVELS - 1) {
		pt->children = kcalloc(MAIA_PT_ENTRIES, sizeof(*pt->children),
				       GFP_KERNEL);
		if (!pt->children)
			goto err_dma;
	}
	return pt;

err_dma:
	dma_free_coherent(&core->pdev->dev, MAIA_PT_SIZE, pt->entries, pt->dma);
err_free:
	kfree(pt);
	return NULL;
}

static void maia_pt_free(struct maia_core *core, struct maia_pt *pt,
			 unsigned int level)
{
	unsigned int i;

	if (pt->children) {
		for (i = 0; i < MAIA_PT_ENTRIES; i++)
			if (pt->children[i])
				maia_pt_free(core, pt->children[i], level + 1);
		kfree(pt->children);
	}
	dma_free_coherent(&core->pdev->dev, MAIA_PT_SIZE, pt->entries, pt->dma);
	kfree(pt);
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

static void maia_as_clear_range(struct maia_as *as, u64 va, u64 size)
{
	u64 end = va + size;

	while (va < end) {
		struct maia_pt *pt = as->root;
		unsigned int l, idx;
		u64 step = MAIA_PAGE_SIZE;

		for (l = 0; l < MAIA_PT_LEVELS - 1; l++) {
			idx = maia_pt_index(va, l);
			if (l == MAIA_BLOCK_LEVEL &&
			    (maia_pte_get(pt, idx) & MAIA_PTE_LEAF)) {
				step = MAIA_BLOCK_SIZE;
				break;
			}
			if (!pt->children[idx]) {
				pt = NULL;
				break;
			}
			pt = pt->children[idx];
		}
		if (pt) {
			idx = maia_pt_index(va, l);
			maia_pte_set(pt, idx, 0);
		}
		va = ALIGN_DOWN(va, step) + step;
	}
}

static void maia_tlb_invalidate(struct maia_core *core, u32 cmd, u32 asid,
				u64 va, u64 size)
{
	mutex_lock(&core->tlb_lock);
	maia_core_wr(core, MAIA_REG_MMU_INV_ASID, asid);
	maia_core_wr(core, MAIA_REG_MMU_INV_START_LO, lower_32_bits(va));
	maia_core_wr(core, MAIA_REG_MMU_INV_START_HI, upper_32_bits(va));
	maia_core_wr(core, MAIA_REG_MMU_INV_SIZE_LO, lower_32_bits(size));
	maia_core_wr(core, MAIA_REG_MMU_INV_SIZE_HI, upper_32_bits(size));
	maia_core_wr(core, MAIA_REG_MMU_INV_CMD, cmd);
	mutex_unlock(&core->tlb_lock);
}

/**
 * maia_as_create() - create a device address space
 * @core: the core
 *
 * Context: process context.
 * Return: the address space, or ERR_PTR(-EBUSY) when all hardware address
 * space ids are in use, ERR_PTR(-ENOMEM).
 */
struct maia_as *maia_as_create(struct maia_core *core)
{
	struct maia_as *as;
	int asid;

	as = kzalloc(sizeof(*as), GFP_KERNEL);
	if (!as)
		return ERR_PTR(-ENOMEM);
	asid = ida_alloc_max(&core->asid_ida, MAIA_MAX_ASIDS - 1, GFP_KERNEL);
	if (asid < 0) {
		kfree(as);
		return ERR_PTR(asid == -ENOSPC ? -EBUSY : asid);
	}
	as->core = core;
	as->asid = asid;
	mutex_init(&as->lock);
	as->root = maia_pt_alloc(core, 0);
	if (!as->root) {
		ida_free(&core->asid_ida, asid);
		kfree(as);
		return ERR_PTR(-ENOMEM);
	}
	maia_core_wr(core, MAIA_MMU_ROOT_HI(asid), upper_32_bits(as->root->dma));
	maia_core_wr(core, MAIA_MMU_ROOT_LO(asid),
		     lower_32_bits(as->root->dma) | MAIA_MMU_ROOT_VALID);
	return as;
}
EXPORT_SYMBOL_NS_GPL(maia_as_create, MAIA_CORE);

/**
 * maia_as_destroy() - destroy an address space
 * @as: address space with no job running in it
 *
 * Context: process context.
 */
void maia_as_destroy(struct maia_as *as)
{
	struct maia_core *core = as->core;

	maia_core_wr(core, MAIA_MMU_ROOT_LO(as->asid), 0);
	maia_core_wr(core, MAIA_MMU_ROOT_HI(as->asid), 0);
	maia_tlb_invalidate(core, MAIA_MMU_INV_ASID, as->asid, 0, 0);
	maia_pt_free(core, as->root, 0);
	ida_free(&core->asid_ida, as->asid);
	mutex_destroy(&as->lock);
	kfree(as);
}
EXPORT_SYMBOL_NS_GPL(maia_as_destroy, MAIA_CORE);

/**
 * maia_as_id() - hardware id of an address space, for job descriptors
 * @as: address space
 *
 * Return: the ASID.
 */
u32 maia_as_id(struct maia_as *as)
{
	return as->asid;
}
EXPORT_SYMBOL_NS_GPL(maia_as_id, MAIA_CORE);

static bool maia_as_range_ok(u64 va, u64 size)
{
	return size && IS_ALIGNED(va | size, MAIA_PAGE_SIZE) &&
	       va + size > va && va + size <= (1ull << MAIA_VA_BITS);
}

/**
 * maia_as_map_sgt() - map part of a DMA-mapped scatter list
 * @as: address space
 * @va: device virtual address, page aligned
 * @sgt: table mapped for the maia PCI function
 * @offset: byte offset into @sgt, page aligned
 * @size: bytes, page aligned
 * @prot: MAIA_PROT_* bits
 *
 * The caller makes sure the range is free and keeps @sgt mapped until the
 * range is unmapped. On failure nothing stays mapped.
 *
 * Return: 0, -EINVAL for a bad range, -ENOMEM.
 */
int maia_as_map_sgt(struct maia_as *as, u64 va, struct sg_table *sgt,
		    u64 offset, u64 size, u32 prot)
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
		maia_as_clear_range(as, va, size);
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
 *
 * Return: 0, -EINVAL for a bad range, -ENOMEM.
 */
int maia_as_map_hbm(struct maia_as *as, u64 va, u64 hbm_offset, u64 size,
		    u32 prot)
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
		maia_as_clear_range(as, va, size);
	mutex_unlock(&as->lock);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(maia_as_map_hbm, MAIA_CORE);

/**
 * maia_as_unmap() - remove a range and invalidate the device TLB
 * @as: address space
 * @va: start, page aligned
 * @size: bytes, page aligned
 *
 * When this returns the device no longer translates any address in the
 * range, so the memory behind it may be released.
 */
void maia_as_unmap(struct maia_as *as, u64 va, u64 size)
{
	if (!maia_as_range_ok(va, size))
		return;
	mutex_lock(&as->lock);
	maia_as_clear_range(as, va, size);
	maia_tlb_invalidate(as->core, MAIA_MMU_INV_RANGE, as->asid, va, size);
	mutex_unlock(&as->lock);
}
EXPORT_SYMBOL_NS_GPL(maia_as_unmap, MAIA_CORE);

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
