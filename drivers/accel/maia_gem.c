// SPDX-License-Identifier: GPL-2.0
/*
 * maia_accel buffer objects.
 *
 * Host-memory objects use the shmem GEM helpers; their pages are mapped for
 * the maia PCI function (not the auxiliary device the DRM device hangs off,
 * which has no DMA ops) when first bound. HBM objects are contiguous ranges
 * of device memory from a gpu_buddy allocator, mmapped write-combined
 * through BAR2.
 */

#include <linux/dma-buf.h>
#include <linux/dma-mapping.h>
#include <linux/io.h>
#include <linux/mm.h>

#include <drm/drm_drv.h>
#include <drm/drm_managed.h>
#include <drm/drm_file.h>
#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_prime.h>

#include "maia_accel.h"

/* HBM mapped per CPU fault: 64 KiB around the faulting page. */
#define MAIA_HBM_FAULT_AROUND	SZ_64K

static const struct drm_gem_object_funcs maia_hbm_funcs;
static const struct drm_gem_object_funcs maia_shmem_funcs;

bool maia_bo_is_hbm(struct drm_gem_object *obj)
{
	return obj->funcs == &maia_hbm_funcs;
}

struct drm_gem_object *maia_gem_create_object(struct drm_device *drm,
					      size_t size)
{
	struct maia_shmem_bo *bo;

	bo = kzalloc(sizeof(*bo), GFP_KERNEL);
	if (!bo)
		return ERR_PTR(-ENOMEM);
	/* Device-visible memory: keep the CPU view coherent (no WC games). */
	bo->base.map_wc = false;
	bo->base.base.funcs = &maia_shmem_funcs;
	INIT_LIST_HEAD(&bo->dma_link);
	return &bo->base.base;
}

/*
 * Whether a mapping must be synced around device access: some of it is
 * bounced (swiotlb=force, confidential guests) or the device does not
 * snoop the CPU caches. One flag test on coherent systems.
 */
static bool maia_sgt_need_sync(struct device *dev, struct sg_table *sgt)
{
	struct scatterlist *sg;
	unsigned int i;

	if (!dma_dev_need_sync(dev))
		return false;
	for_each_sgtable_dma_sg(sgt, sg, i)
		if (dma_need_sync(dev, sg_dma_address(sg)))
			return true;
	return false;
}

/**
 * maia_bo_need_sync() - does a bound object need maia_bo_sync()
 * @obj: object mapped by maia_bo_dma_sgt()
 *
 * Imported objects are the exporter's business (dma_buf_begin_cpu_access()
 * is how their users ask for coherency); HBM is device memory.
 */
bool maia_bo_need_sync(struct drm_gem_object *obj)
{
	if (maia_bo_is_hbm(obj) || obj->import_attach)
		return false;
	return READ_ONCE(to_maia_shmem_bo(obj)->dma_need_sync);
}

/**
 * maia_bo_sync() - hand a host object to the device or back to the CPU
 * @obj: object for which maia_bo_need_sync() is true, bound (so mapped:
 *	the mapping goes only when the object is freed or, on device
 *	removal, after every address space is gone)
 * @for_device: sync for the device (before a job) or for the CPU (after)
 */
void maia_bo_sync(struct drm_gem_object *obj, bool for_device)
{
	struct maia_shmem_bo *bo = to_maia_shmem_bo(obj);

	if (for_device)
		dma_sync_sgtable_for_device(bo->dma_dev, bo->dma_sgt,
					    DMA_BIDIRECTIONAL);
	else
		dma_sync_sgtable_for_cpu(bo->dma_dev, bo->dma_sgt,
					 DMA_BIDIRECTIONAL);
}

/*
 * Objects from another device arrive already mapped for our PCI function
 * (see maia_gem_prime_import); our own shmem objects are pinned and mapped
 * here once and stay mapped until freed or until the device is removed,
 * whichever comes first. Called from VM_BIND, inside drm_dev_enter().
 */
struct sg_table *maia_bo_dma_sgt(struct maia_accel *accel,
				 struct drm_gem_object *obj)
{
	struct maia_shmem_bo *bo = to_maia_shmem_bo(obj);
	struct device *dma_dev = &maia_core_pdev(accel->core)->dev;
	struct sg_table *sgt;
	int ret;

	if (obj->import_attach)
		return bo->base.sgt;

	mutex_lock(&accel->dma_lock);
	if (bo->dma_sgt)
		goto out;
	ret = drm_gem_shmem_pin(&bo->base);
	if (ret) {
		sgt = ERR_PTR(ret);
		goto err;
	}
	sgt = drm_prime_pages_to_sg(obj->dev, bo->base.pages,
				    obj->size >> PAGE_SHIFT);
	if (IS_ERR(sgt))
		goto err_unpin;
	ret = dma_map_sgtable(dma_dev, sgt, DMA_BIDIRECTIONAL, 0);
	if (ret) {
		sg_free_table(sgt);
		kfree(sgt);
		sgt = ERR_PTR(ret);
		goto err_unpin;
	}
	bo->dma_dev = get_device(dma_dev);
	bo->dma_sgt = sgt;
	bo->dma_need_sync = maia_sgt_need_sync(dma_dev, sgt);
	list_add_tail(&bo->dma_link, &accel->dma_bos);
out:
	mutex_unlock(&accel->dma_lock);
	return bo->dma_sgt;

err_unpin:
	drm_gem_shmem_unpin(&bo->base);
err:
	mutex_unlock(&accel->dma_lock);
	return sgt;
}

/* Undo maia_bo_dma_sgt(). Caller holds accel->dma_lock. */
static void maia_shmem_bo_dma_unmap(struct maia_shmem_bo *bo)
{
	if (!bo->dma_sgt)
		return;
	dma_unmap_sgtable(bo->dma_dev, bo->dma_sgt, DMA_BIDIRECTIONAL, 0);
	sg_free_table(bo->dma_sgt);
	kfree(bo->dma_sgt);
	bo->dma_sgt = NULL;
	bo->dma_need_sync = false;
	put_device(bo->dma_dev);
	bo->dma_dev = NULL;
	list_del_init(&bo->dma_link);
	drm_gem_shmem_unpin(&bo->base);
}

/*
 * Device removal, after every address space is gone: no mapping of the
 * PCI function may outlive maia_core's bind (with an IOMMU the addresses
 * would stay live in the function's domain). Objects still open keep
 * their pages for the CPU; they are never mapped for a device again.
 */
void maia_gem_unmap_all(struct maia_accel *accel)
{
	struct maia_shmem_bo *bo, *tmp;

	mutex_lock(&accel->dma_lock);
	list_for_each_entry_safe(bo, tmp, &accel->dma_bos, dma_link)
		maia_shmem_bo_dma_unmap(bo);
	mutex_unlock(&accel->dma_lock);
}

static void maia_shmem_bo_free(struct drm_gem_object *obj)
{
	struct maia_shmem_bo *bo = to_maia_shmem_bo(obj);
	struct maia_accel *accel = to_maia_accel(obj->dev);

	mutex_lock(&accel->dma_lock);
	maia_shmem_bo_dma_unmap(bo);
	mutex_unlock(&accel->dma_lock);
	drm_gem_shmem_free(&bo->base);
}

static const struct drm_gem_object_funcs maia_shmem_funcs = {
	.free = maia_shmem_bo_free,
	.print_info = drm_gem_shmem_object_print_info,
	.pin = drm_gem_shmem_object_pin,
	.unpin = drm_gem_shmem_object_unpin,
	.get_sg_table = drm_gem_shmem_object_get_sg_table,
	.vmap = drm_gem_shmem_object_vmap,
	.vunmap = drm_gem_shmem_object_vunmap,
	.mmap = drm_gem_shmem_object_mmap,
	.vm_ops = &drm_gem_shmem_vm_ops,
};

struct drm_gem_object *maia_gem_prime_import(struct drm_device *drm,
					     struct dma_buf *dma_buf)
{
	struct maia_accel *accel = to_maia_accel(drm);
	struct drm_gem_object *obj;

	obj = drm_gem_prime_import_dev(drm, dma_buf,
				       &maia_core_pdev(accel->core)->dev);
	return obj;
}

static void maia_hbm_bo_free(struct drm_gem_object *obj)
{
	struct maia_hbm_bo *bo = to_maia_hbm_bo(obj);
	struct maia_accel *accel = to_maia_accel(obj->dev);

	mutex_lock(&accel->hbm_lock);
	gpu_buddy_free_list(&accel->hbm, &bo->blocks, 0);
	accel->hbm_used -= obj->size;
	mutex_unlock(&accel->hbm_lock);
	drm_gem_object_release(obj);
	kfree(bo);
}

/*
 * HBM is mapped on fault, inside drm_dev_enter(): drm_dev_unplug() in
 * device removal waits for faults under way and then zaps every mapping of
 * the DRM device, after which an access faults here again and gets SIGBUS.
 * (Mapping the whole range at mmap() time instead would race with the
 * zap: drm_gem_mmap() checks for unplug only on entry.) A mapping made
 * before an unbind therefore never reaches the BAR (or whatever device is
 * given that address range) again, not even after a rebind.
 */
static vm_fault_t maia_hbm_vm_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct drm_gem_object *obj = vma->vm_private_data;
	struct maia_accel *accel = to_maia_accel(obj->dev);
	unsigned long addr, start, end, base_pfn;
	vm_fault_t ret;
	int idx;

	if (!drm_dev_enter(obj->dev, &idx))
		return VM_FAULT_SIGBUS;
	base_pfn = (maia_core_info(accel->core)->hbm_bus_addr +
		    to_maia_hbm_bo(obj)->hbm_offset) >> PAGE_SHIFT;
	addr = vmf->address & PAGE_MASK;
	ret = vmf_insert_pfn(vma, addr,
			     base_pfn + ((addr - vma->vm_start) >> PAGE_SHIFT));
	/* Map the window around it too: one fault per page is slow. */
	start = max(ALIGN_DOWN(addr, MAIA_HBM_FAULT_AROUND), vma->vm_start);
	end = min(start + MAIA_HBM_FAULT_AROUND, vma->vm_end);
	for (addr = start; !(ret & VM_FAULT_ERROR) && addr < end;
	     addr += PAGE_SIZE)
		if (addr != (vmf->address & PAGE_MASK) &&
		    vmf_insert_pfn(vma, addr, base_pfn +
				   ((addr - vma->vm_start) >> PAGE_SHIFT)) &
		    VM_FAULT_ERROR)
			break;
	drm_dev_exit(idx);
	return ret;
}

static int maia_hbm_bo_mmap(struct drm_gem_object *obj,
			    struct vm_area_struct *vma)
{
	/* drm_gem_mmap_obj() leaves the fake offset in vm_pgoff; drop it. */
	vma->vm_pgoff -= drm_vma_node_start(&obj->vma_node);
	if (vma->vm_pgoff || vma->vm_end - vma->vm_start > obj->size ||
	    is_cow_mapping(vma->vm_flags))
		return -EINVAL;
	vm_flags_set(vma, VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_page_prot = pgprot_writecombine(vm_get_page_prot(vma->vm_flags));
	return 0;
}

static const struct vm_operations_struct maia_hbm_vm_ops = {
	.fault = maia_hbm_vm_fault,
	.open = drm_gem_vm_open,
	.close = drm_gem_vm_close,
};

static enum drm_gem_object_status maia_hbm_bo_status(struct drm_gem_object *obj)
{
	return DRM_GEM_OBJECT_RESIDENT;
}

static size_t maia_hbm_bo_rss(struct drm_gem_object *obj)
{
	return obj->size;
}

/* HBM is I/O memory: exporting it as a dma-buf is not supported. */
static struct dma_buf *maia_hbm_bo_export(struct drm_gem_object *obj, int flags)
{
	return ERR_PTR(-EOPNOTSUPP);
}

static const struct drm_gem_object_funcs maia_hbm_funcs = {
	.free = maia_hbm_bo_free,
	.mmap = maia_hbm_bo_mmap,
	.export = maia_hbm_bo_export,
	.status = maia_hbm_bo_status,
	.rss = maia_hbm_bo_rss,
	.vm_ops = &maia_hbm_vm_ops,
};

static int maia_hbm_clear(struct maia_accel *accel, u64 offset, u64 size)
{
	const struct maia_core_info *info = maia_core_info(accel->core);
	void __iomem *map;

	map = ioremap_wc(info->hbm_bus_addr + offset, size);
	if (!map)
		return -ENOMEM;
	memset_io(map, 0, size);
	iounmap(map);
	return 0;
}

static struct drm_gem_object *maia_hbm_bo_create(struct maia_accel *accel,
						 u64 size)
{
	struct maia_hbm_bo *bo;
	int ret;

	bo = kzalloc(sizeof(*bo), GFP_KERNEL);
	if (!bo)
		return ERR_PTR(-ENOMEM);
	INIT_LIST_HEAD(&bo->blocks);
	bo->base.funcs = &maia_hbm_funcs;
	drm_gem_private_object_init(&accel->drm, &bo->base, size);

	mutex_lock(&accel->hbm_lock);
	ret = gpu_buddy_alloc_blocks(&accel->hbm, 0, accel->hbm.size, size,
				     PAGE_SIZE, &bo->blocks,
				     GPU_BUDDY_CONTIGUOUS_ALLOCATION);
	if (!ret) {
		struct gpu_buddy_block *block;

		block = list_first_entry(&bo->blocks, struct gpu_buddy_block, link);
		bo->hbm_offset = gpu_buddy_block_offset(block);
		accel->hbm_used += size;
	}
	mutex_unlock(&accel->hbm_lock);
	if (ret) {
		drm_gem_object_release(&bo->base);
		kfree(bo);
		return ERR_PTR(ret);
	}
	/* Device memory is reused across files: never hand out old data. */
	ret = maia_hbm_clear(accel, bo->hbm_offset, size);
	if (!ret)
		ret = drm_gem_create_mmap_offset(&bo->base);
	if (ret) {
		drm_gem_object_put(&bo->base);
		return ERR_PTR(ret);
	}
	return &bo->base;
}

int maia_ioctl_bo_create(struct drm_device *drm, void *data,
			 struct drm_file *file)
{
	struct maia_accel *accel = to_maia_accel(drm);
	struct drm_maia_bo_create *args = data;
	struct drm_gem_shmem_object *shmem;
	struct drm_gem_object *obj;
	int ret;

	if (args->flags & ~DRM_MAIA_BO_HBM || !args->size ||
	    !IS_ALIGNED(args->size, DRM_MAIA_PAGE_SIZE))
		return -EINVAL;

	if (args->flags & DRM_MAIA_BO_HBM) {
		if (args->size > accel->hbm.size)
			return -EINVAL;
		obj = maia_hbm_bo_create(accel, args->size);
		if (IS_ERR(obj))
			return PTR_ERR(obj);
	} else {
		if (args->size > totalram_pages() << PAGE_SHIFT)
			return -EINVAL;
		shmem = drm_gem_shmem_create(drm, args->size);
		if (IS_ERR(shmem))
			return PTR_ERR(shmem);
		obj = &shmem->base;
	}

	ret = drm_gem_handle_create(file, obj, &args->handle);
	drm_gem_object_put(obj);
	return ret;
}

int maia_ioctl_bo_info(struct drm_device *drm, void *data,
		       struct drm_file *file)
{
	struct drm_maia_bo_info *args = data;
	struct drm_gem_object *obj;
	int ret;

	obj = drm_gem_object_lookup(file, args->handle);
	if (!obj)
		return -ENOENT;
	ret = drm_gem_create_mmap_offset(obj);
	if (ret)
		goto out;
	args->flags = 0;
	args->hbm_offset = 0;
	if (maia_bo_is_hbm(obj)) {
		args->flags = DRM_MAIA_BO_HBM;
		args->hbm_offset = to_maia_hbm_bo(obj)->hbm_offset;
	}
	args->size = obj->size;
	args->mmap_offset = drm_vma_node_offset_addr(&obj->vma_node);
out:
	drm_gem_object_put(obj);
	return ret;
}

static void maia_hbm_fini(struct drm_device *drm, void *data)
{
	struct maia_accel *accel = to_maia_accel(drm);

	gpu_buddy_fini(&accel->hbm);
}

static void maia_hbm_memtype_free(void *data)
{
	struct maia_accel *accel = data;
	const struct maia_core_info *info = maia_core_info(accel->core);

	arch_io_free_memtype_wc(info->hbm_bus_addr, info->hbm_size);
}

/*
 * The allocator lives as long as the DRM device: objects may outlive unbind.
 * The BAR is mapped write-combined, page by page (maia_hbm_vm_fault); its
 * memory type is reserved while the driver is bound.
 */
int maia_hbm_init(struct maia_accel *accel)
{
	const struct maia_core_info *info = maia_core_info(accel->core);
	int ret;

	ret = drmm_mutex_init(&accel->drm, &accel->hbm_lock);
	if (ret)
		return ret;
	if (!(info->caps & MAIA_CAP_HBM) || !info->hbm_size)
		return -ENODEV;
	ret = gpu_buddy_init(&accel->hbm, info->hbm_size, PAGE_SIZE);
	if (ret)
		return ret;
	ret = drmm_add_action_or_reset(&accel->drm, maia_hbm_fini, NULL);
	if (ret)
		return ret;
	ret = arch_io_reserve_memtype_wc(info->hbm_bus_addr, info->hbm_size);
	if (ret)
		return ret;
	/* Released after remove(), while the core is still there. */
	return devm_add_action_or_reset(accel->drm.dev, maia_hbm_memtype_free,
					accel);
}
