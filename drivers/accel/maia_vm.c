// SPDX-License-Identifier: GPL-2.0
/*
 * maia_accel per-file device address spaces.
 *
 * Every open file gets one hardware address space from maia_core. Userspace
 * places objects in it at addresses it chooses with VM_BIND and removes
 * them with VM_UNBIND. The scheme is explicit and coarse on purpose: a
 * binding is created and destroyed whole (no partial unmap, no implicit
 * splitting), ranges may not overlap, and the VA allocator (drm_mm) only
 * records what userspace chose. That is all an accelerator runtime needs
 * and keeps every error case a plain range check.
 */

#include <linux/dma-resv.h>
#include <linux/slab.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>

#include "maia_accel.h"

#define MAIA_UNBIND_WAIT_MS	10000

struct maia_file *maia_file_create(struct maia_accel *accel)
{
	struct maia_file *mfile;
	struct maia_as *as;

	mfile = kzalloc(sizeof(*mfile), GFP_KERNEL);
	if (!mfile)
		return ERR_PTR(-ENOMEM);
	as = maia_as_create(accel->core);
	if (IS_ERR(as)) {
		kfree(mfile);
		return ERR_CAST(as);
	}
	kref_init(&mfile->refcount);
	mfile->accel = accel;
	mfile->as = as;
	mutex_init(&mfile->vm_lock);
	mutex_init(&mfile->queues_lock);
	drm_mm_init(&mfile->va_mm, DRM_MAIA_VA_START,
		    DRM_MAIA_VA_END - DRM_MAIA_VA_START);
	xa_init_flags(&mfile->queues, XA_FLAGS_ALLOC1);
	atomic64_set(&mfile->engine_ns, 0);
	return mfile;
}

static void maia_binding_destroy(struct maia_file *mfile,
				 struct maia_binding *b)
{
	lockdep_assert_held(&mfile->vm_lock);
	if (mfile->as)
		maia_as_unmap(mfile->as, b->node.start, b->node.size);
	drm_mm_remove_node(&b->node);
	drm_gem_object_put(b->obj);
	kfree(b);
}

/*
 * Drop every binding and the hardware address space. Runs when the last
 * reference goes, or early when the device is removed under open files.
 */
void maia_file_teardown_vm(struct maia_file *mfile)
{
	struct drm_mm_node *node, *next;

	mutex_lock(&mfile->vm_lock);
	drm_mm_for_each_node_safe(node, next, &mfile->va_mm)
		maia_binding_destroy(mfile, container_of(node, struct maia_binding,
							 node));
	if (mfile->as)
		maia_as_destroy(mfile->as);
	mfile->as = NULL;
	mutex_unlock(&mfile->vm_lock);
}

static void maia_file_release(struct kref *kref)
{
	struct maia_file *mfile = container_of(kref, struct maia_file, refcount);
	struct maia_accel *accel = mfile->accel;

	/* Under files_lock: device removal may be tearing it down too. */
	mutex_lock(&accel->files_lock);
	list_del(&mfile->link);
	maia_file_teardown_vm(mfile);
	mutex_unlock(&accel->files_lock);
	drm_mm_takedown(&mfile->va_mm);
	xa_destroy(&mfile->queues);
	mutex_destroy(&mfile->queues_lock);
	mutex_destroy(&mfile->vm_lock);
	kfree(mfile);
	drm_dev_put(&accel->drm);	/* taken by maia_open() */
}

void maia_file_put(struct maia_file *mfile)
{
	kref_put(&mfile->refcount, maia_file_release);
}

static bool maia_va_range_ok(u64 va, u64 size)
{
	return size && IS_ALIGNED(va | size, DRM_MAIA_PAGE_SIZE) &&
	       va >= DRM_MAIA_VA_START && va + size > va &&
	       va + size <= DRM_MAIA_VA_END;
}

int maia_ioctl_vm_bind(struct drm_device *drm, void *data,
		       struct drm_file *file)
{
	struct maia_accel *accel = to_maia_accel(drm);
	struct maia_file *mfile = file->driver_priv;
	struct drm_maia_vm_bind *args = data;
	struct drm_gem_object *obj;
	struct maia_binding *b;
	struct sg_table *sgt;
	u32 prot;
	int ret;

	if (args->flags & ~DRM_MAIA_BIND_READONLY ||
	    !maia_va_range_ok(args->va, args->size) ||
	    !IS_ALIGNED(args->offset, DRM_MAIA_PAGE_SIZE) ||
	    args->offset + args->size < args->offset)
		return -EINVAL;

	obj = drm_gem_object_lookup(file, args->handle);
	if (!obj)
		return -ENOENT;
	if (args->offset + args->size > obj->size) {
		ret = -EINVAL;
		goto err_put;
	}
	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!b) {
		ret = -ENOMEM;
		goto err_put;
	}
	b->obj = obj;
	b->offset = args->offset;
	b->flags = args->flags;
	b->node.start = args->va;
	b->node.size = args->size;
	prot = MAIA_PROT_READ;
	if (!(args->flags & DRM_MAIA_BIND_READONLY))
		prot |= MAIA_PROT_WRITE;

	if (!maia_bo_is_hbm(obj)) {
		sgt = maia_bo_dma_sgt(accel, obj);
		if (IS_ERR(sgt)) {
			ret = PTR_ERR(sgt);
			goto err_free;
		}
	}

	mutex_lock(&mfile->vm_lock);
	if (!mfile->as) {
		ret = -ENODEV;
		goto err_unlock;
	}
	ret = drm_mm_reserve_node(&mfile->va_mm, &b->node);
	if (ret) {
		ret = ret == -ENOSPC ? -EEXIST : ret;
		goto err_unlock;
	}
	if (maia_bo_is_hbm(obj))
		ret = maia_as_map_hbm(mfile->as, args->va,
				      to_maia_hbm_bo(obj)->hbm_offset + args->offset,
				      args->size, prot);
	else
		ret = maia_as_map_sgt(mfile->as, args->va, sgt, args->offset,
				      args->size, prot);
	if (ret) {
		drm_mm_remove_node(&b->node);
		goto err_unlock;
	}
	mutex_unlock(&mfile->vm_lock);
	return 0;

err_unlock:
	mutex_unlock(&mfile->vm_lock);
err_free:
	kfree(b);
err_put:
	drm_gem_object_put(obj);
	return ret;
}

int maia_ioctl_vm_unbind(struct drm_device *drm, void *data,
			 struct drm_file *file)
{
	struct maia_file *mfile = file->driver_priv;
	struct drm_maia_vm_unbind *args = data;
	struct maia_binding *b = NULL;
	struct drm_mm_node *node;
	long wait;

	if (!maia_va_range_ok(args->va, args->size))
		return -ENOENT;

	mutex_lock(&mfile->vm_lock);
	drm_mm_for_each_node_in_range(node, &mfile->va_mm, args->va,
				      args->va + args->size) {
		if (node->start == args->va && node->size == args->size)
			b = container_of(node, struct maia_binding, node);
		break;
	}
	if (!b) {
		mutex_unlock(&mfile->vm_lock);
		return -ENOENT;
	}
	/*
	 * Jobs that named the object in their submission are waited for; any
	 * other job still touching the range faults cleanly once it is gone.
	 */
	wait = dma_resv_wait_timeout(b->obj->resv, DMA_RESV_USAGE_BOOKKEEP, true,
				     msecs_to_jiffies(MAIA_UNBIND_WAIT_MS));
	if (wait <= 0) {
		mutex_unlock(&mfile->vm_lock);
		return wait ? wait : -EBUSY;
	}
	maia_binding_destroy(mfile, b);
	mutex_unlock(&mfile->vm_lock);
	return 0;
}
