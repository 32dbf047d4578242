// SPDX-License-Identifier: GPL-2.0
/*
 * maia_accel per-file device address spaces.
 *
 * Every open file gets one device address space from maia_core. Userspace
 * places objects in it at addresses it chooses with VM_BIND and removes
 * them with VM_UNBIND. The scheme is explicit and coarse on purpose: a
 * binding is created and destroyed whole (no partial unmap, no implicit
 * splitting), ranges may not overlap, and the VA allocator (drm_mm) only
 * records what userspace chose.
 *
 * Commands reach memory only through the address space, and a job need not
 * list the objects it uses, so the objects a job names cannot tell when a
 * mapping is unused. Each file has a VM-wide reservation object instead
 * (the dummy GEM object @resv_obj, as drm_gpuvm's r_obj): every job's
 * finished fence goes into it with DMA_RESV_USAGE_BOOKKEEP. Unbinding
 * clears the range and invalidates the device TLB, so no access started
 * afterwards reaches the memory; the jobs in the reservation object at that
 * moment may still be in the middle of one, so the object and the page
 * tables the unmap emptied are kept (maia_file.retired) until all of those
 * jobs have finished. VM_UNBIND waits for them (bounded) before returning.
 *
 * Hardware address-space ids are lent per job: prepare_job pins the file's
 * address space to one (maia_as_pin()), the job's retirement unpins it. When
 * all are pinned by other address spaces, the job waits on a fence that is
 * signalled when one becomes idle.
 *
 * Host objects are mapped for the device once, at their first bind. When
 * that mapping needs syncing (bounce buffers under swiotlb=force or in
 * confidential guests, non-coherent DMA), the file's host memory changes
 * hands at job boundaries: every such binding is synced for the device
 * before a job of the file reaches a ring (prepare_job) and for the CPU
 * after it completes, before its fence signals (maia_job.c). As the sync
 * covers whole objects and a job may touch any of them, jobs of such a
 * file run one after the other (a sync for the device would overwrite
 * what a running job wrote into a bounce buffer). Only the bindings synced
 * for the device for a job are synced back after it: one bound meanwhile
 * holds what the CPU wrote. Limits (CPU writes during a job, jobs waiting
 * for each other through memory) are in Documentation/architecture.rst.
 * Coherent systems pay a flag test per job.
 */

#include <linux/dma-fence.h>
#include <linux/dma-resv.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>

#include "maia_accel.h"

#define MAIA_UNBIND_WAIT_MS	10000

static void maia_vm_resv_obj_free(struct drm_gem_object *obj)
{
	drm_gem_object_release(obj);
	kfree(obj);
}

static const struct drm_gem_object_funcs maia_vm_resv_obj_funcs = {
	.free = maia_vm_resv_obj_free,
};

/* A GEM object that only carries a reservation object, never mapped. */
static struct drm_gem_object *maia_vm_resv_obj_create(struct drm_device *drm)
{
	struct drm_gem_object *obj;

	obj = kzalloc(sizeof(*obj), GFP_KERNEL_ACCOUNT);
	if (!obj)
		return NULL;
	obj->funcs = &maia_vm_resv_obj_funcs;
	drm_gem_private_object_init(drm, obj, 0);
	return obj;
}

struct maia_file *maia_file_create(struct maia_accel *accel)
{
	struct maia_file *mfile;
	struct maia_as *as;

	mfile = kzalloc(sizeof(*mfile), GFP_KERNEL_ACCOUNT);
	if (!mfile)
		return ERR_PTR(-ENOMEM);
	mfile->resv_obj = maia_vm_resv_obj_create(&accel->drm);
	if (!mfile->resv_obj) {
		kfree(mfile);
		return ERR_PTR(-ENOMEM);
	}
	as = maia_as_create(accel->core);
	if (IS_ERR(as)) {
		drm_gem_object_put(mfile->resv_obj);
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
	INIT_LIST_HEAD(&mfile->retired);
	xa_init_flags(&mfile->queues, XA_FLAGS_ALLOC1);
	atomic64_set(&mfile->engine_ns, 0);
	mutex_init(&mfile->sync_lock);
	INIT_LIST_HEAD(&mfile->sync_bindings);
	return mfile;
}

static void maia_binding_free(struct maia_file *mfile, struct maia_binding *b)
{
	unsigned int i;

	for (i = 0; i < b->num_fences; i++)
		dma_fence_put(b->fences[i]);
	kfree(b->fences);
	maia_as_free_tables(mfile->accel->core, &b->tables);
	drm_gem_object_put(b->obj);
	kfree(b);
}

/*
 * Take a binding out of the address space (or undo a failed map): no access
 * the device starts afterwards reaches its memory. The jobs of the file that
 * exist now may be in the middle of one; remember them, and keep the object
 * and the emptied tables on @retired until they are done.
 */
static void maia_binding_retire(struct maia_file *mfile, struct maia_binding *b,
				bool mapped)
{
	struct dma_resv *resv = mfile->resv_obj->resv;

	lockdep_assert_held(&mfile->vm_lock);
	if (!list_empty(&b->sync_link)) {
		mutex_lock(&mfile->sync_lock);
		list_del_init(&b->sync_link);
		mutex_unlock(&mfile->sync_lock);
	}
	if (mapped && mfile->as)
		maia_as_unmap(mfile->as, b->node.start, b->node.size,
			      &b->tables);
	if (drm_mm_node_allocated(&b->node))
		drm_mm_remove_node(&b->node);
	/*
	 * Under the reservation lock: a job whose fence is not in the list
	 * yet is pushed to the device only after the TLB invalidation above.
	 */
	dma_resv_lock(resv, NULL);
	if (dma_resv_get_fences(resv, DMA_RESV_USAGE_BOOKKEEP, &b->num_fences,
				&b->fences)) {
		/* No memory to list them: wait for all of them instead. */
		dma_resv_wait_timeout(resv, DMA_RESV_USAGE_BOOKKEEP, false,
				      MAX_SCHEDULE_TIMEOUT);
		b->num_fences = 0;
		b->fences = NULL;
	}
	dma_resv_unlock(resv);
	list_add_tail(&b->retired_link, &mfile->retired);
}

static bool maia_binding_idle(struct maia_binding *b)
{
	unsigned int i;

	for (i = 0; i < b->num_fences; i++)
		if (!dma_fence_is_signaled(b->fences[i]))
			return false;
	return true;
}

/* Free the retired bindings no job can reach any more (all: every one). */
static void maia_vm_reap_locked(struct maia_file *mfile, bool all)
{
	struct maia_binding *b, *tmp;

	lockdep_assert_held(&mfile->vm_lock);
	list_for_each_entry_safe(b, tmp, &mfile->retired, retired_link) {
		if (!all && !maia_binding_idle(b))
			continue;
		list_del(&b->retired_link);
		maia_binding_free(mfile, b);
	}
}

/**
 * maia_vm_reap() - release unbound memory whose jobs have finished
 * @mfile: file
 *
 * Called when a job of @mfile is freed (its fences have signalled).
 * Context: process context.
 */
void maia_vm_reap(struct maia_file *mfile)
{
	mutex_lock(&mfile->vm_lock);
	maia_vm_reap_locked(mfile, false);
	mutex_unlock(&mfile->vm_lock);
}

/*
 * Drop every binding and the hardware address space. Runs when the last
 * reference goes (no job of the file is left), or early when the device is
 * removed under open files (the rings are reset and empty by then): no job
 * can reach the memory any more.
 */
void maia_file_teardown_vm(struct maia_file *mfile)
{
	struct drm_mm_node *node, *next;

	mutex_lock(&mfile->vm_lock);
	drm_mm_for_each_node_safe(node, next, &mfile->va_mm)
		maia_binding_retire(mfile, container_of(node, struct maia_binding,
							node), true);
	maia_vm_reap_locked(mfile, true);
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
	drm_gem_object_put(mfile->resv_obj);
	dma_fence_put(mfile->sync_busy);
	mutex_destroy(&mfile->sync_lock);
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

/**
 * maia_vm_lock_job() - lock what a submission adds its fence to
 * @job: job with its objects looked up
 * @ticket: acquire context for drm_gem_lock_reservations()
 * @objs: set to the locked objects, for maia_vm_add_job_fence() and
 *	maia_vm_unlock_job()
 *
 * Locks the file's VM reservation object and the objects the job names,
 * reserves a fence slot in each and adds the implicit dependencies of the
 * named objects (the VM-wide one only tracks the jobs, it orders nothing).
 *
 * Return: 0 (then call maia_vm_unlock_job()), -EINVAL an object listed
 * twice, -ENOMEM, -EINTR.
 */
int maia_vm_lock_job(struct maia_job *job, struct ww_acquire_ctx *ticket,
		     struct drm_gem_object ***objs)
{
	struct drm_gem_object **o;
	unsigned int i, n = job->num_bos + 1;
	int ret;

	o = kvmalloc_array(n, sizeof(*o), GFP_KERNEL);
	if (!o)
		return -ENOMEM;
	o[0] = job->mfile->resv_obj;
	for (i = 1; i < n; i++)
		o[i] = job->bos[i - 1];
	ret = drm_gem_lock_reservations(o, n, ticket);
	if (ret) {
		kvfree(o);
		/* -EALREADY: the same object listed twice */
		return ret == -EALREADY ? -EINVAL : ret;
	}
	for (i = 0; i < n; i++) {
		ret = dma_resv_reserve_fences(o[i]->resv, 1);
		if (ret)
			goto err;
		if (!i)
			continue;
		ret = drm_sched_job_add_implicit_dependencies(&job->base, o[i],
							      true);
		if (ret)
			goto err;
	}
	*objs = o;
	return 0;

err:
	maia_vm_unlock_job(job, ticket, o);
	return ret;
}

/**
 * maia_vm_add_job_fence() - publish an armed job's finished fence
 * @job: the job
 * @objs: from maia_vm_lock_job()
 * @finished: its finished fence
 *
 * Named objects get it as a write; the VM reservation object as
 * bookkeeping. Must come before the job is pushed (see
 * maia_binding_retire()).
 */
void maia_vm_add_job_fence(struct maia_job *job, struct drm_gem_object **objs,
			   struct dma_fence *finished)
{
	unsigned int i;

	dma_resv_add_fence(objs[0]->resv, finished, DMA_RESV_USAGE_BOOKKEEP);
	for (i = 1; i <= job->num_bos; i++)
		dma_resv_add_fence(objs[i]->resv, finished, DMA_RESV_USAGE_WRITE);
}

/**
 * maia_vm_unlock_job() - undo maia_vm_lock_job()
 * @job: the job
 * @ticket: as given to maia_vm_lock_job()
 * @objs: from maia_vm_lock_job(); freed
 */
void maia_vm_unlock_job(struct maia_job *job, struct ww_acquire_ctx *ticket,
			struct drm_gem_object **objs)
{
	drm_gem_unlock_reservations(objs, job->num_bos + 1, ticket);
	kvfree(objs);
}

static const char *maia_asid_fence_driver_name(struct dma_fence *fence)
{
	return "maia_accel";
}

static const char *maia_asid_fence_timeline_name(struct dma_fence *fence)
{
	return "maia-asid";
}

static const struct dma_fence_ops maia_asid_fence_ops = {
	.get_driver_name = maia_asid_fence_driver_name,
	.get_timeline_name = maia_asid_fence_timeline_name,
};

void maia_vm_init(struct maia_accel *accel)
{
	spin_lock_init(&accel->asid_lock);
	accel->asid_wait_ctx = dma_fence_context_alloc(1);
}

/**
 * maia_vm_job_pin() - give a job a hardware address-space id (prepare_job)
 * @job: the job, about to be run
 *
 * Context: the scheduler's run work (process context).
 * Return: NULL when the job has its ASID (run_job may follow), else a fence
 * to wait on before trying again.
 */
struct dma_fence *maia_vm_job_pin(struct maia_job *job)
{
	struct maia_accel *accel = job->mfile->accel;
	struct dma_fence *wait = NULL, *spare = NULL;
	unsigned long flags;
	int asid;

	if (job->asid_pinned)
		return NULL;
	if (!job->mfile->as) {
		/* The device is going away: no ASID the device accepts. */
		job->asid = MAIA_MAX_ASIDS;
		return NULL;
	}
	for (;;) {
		spin_lock_irqsave(&accel->asid_lock, flags);
		asid = maia_as_pin(job->mfile->as);
		if (asid >= 0) {
			job->asid = asid;
			job->asid_pinned = true;
		} else {
			if (!accel->asid_wait && spare) {
				dma_fence_init(spare, &maia_asid_fence_ops,
					       &accel->asid_lock,
					       accel->asid_wait_ctx,
					       ++accel->asid_wait_seqno);
				accel->asid_wait = spare;
				spare = NULL;
			}
			if (accel->asid_wait)
				wait = dma_fence_get(accel->asid_wait);
		}
		spin_unlock_irqrestore(&accel->asid_lock, flags);
		if (asid >= 0 || wait || spare)
			break;
		/* All held and nobody waits yet: a fence to wait on. */
		spare = kzalloc(sizeof(*spare), GFP_NOWAIT | __GFP_NOWARN);
		if (!spare) {
			/* Out of memory for the fence: try again soon. */
			cond_resched();
			return dma_fence_get_stub();
		}
	}
	kfree(spare);
	return wait;
}

/**
 * maia_vm_job_unpin() - the device is done with a job (it retired)
 * @job: the job
 *
 * Context: any, including hard interrupt context.
 */
void maia_vm_job_unpin(struct maia_job *job)
{
	struct maia_accel *accel = job->mfile->accel;
	unsigned long flags;

	if (!job->asid_pinned)
		return;
	job->asid_pinned = false;
	spin_lock_irqsave(&accel->asid_lock, flags);
	if (maia_as_unpin(job->mfile->as) && accel->asid_wait) {
		dma_fence_signal_locked(accel->asid_wait);
		dma_fence_put(accel->asid_wait);
		accel->asid_wait = NULL;
	}
	spin_unlock_irqrestore(&accel->asid_lock, flags);
}

/**
 * maia_vm_job_sync() - hand the file's host memory to the device for a job
 * @job: the job, about to be run (prepare_job)
 *
 * Does nothing unless the file has bindings whose mapping needs syncing.
 * Otherwise waits (returns a fence) until the previous job that synced
 * them is finished, i.e. synced them back for the CPU, then syncs them for
 * the device and makes @job the one the next job waits for. Sets
 * maia_job.synced, which makes the job's retirement sync them for the CPU
 * before its hw fence signals.
 *
 * Context: the scheduler's run work (process context).
 * Return: NULL when done, else a fence to wait on before trying again.
 */
struct dma_fence *maia_vm_job_sync(struct maia_job *job)
{
	struct maia_file *mfile = job->mfile;
	struct dma_fence *finished = &job->base.s_fence->finished;
	struct dma_fence *wait = NULL;
	struct maia_binding *b;

	if (job->synced)
		return NULL;
	mutex_lock(&mfile->sync_lock);
	if (list_empty(&mfile->sync_bindings))
		goto out;
	if (mfile->sync_busy && !dma_fence_is_signaled(mfile->sync_busy)) {
		wait = dma_fence_get(mfile->sync_busy);
		goto out;
	}
	/*
	 * The next job waits for this one to finish, also on the same ring:
	 * waiting only until it is scheduled would not do.
	 */
	set_bit(DRM_SCHED_FENCE_DONT_PIPELINE, &finished->flags);
	dma_fence_put(mfile->sync_busy);
	mfile->sync_busy = dma_fence_get(finished);
	list_for_each_entry(b, &mfile->sync_bindings, sync_link) {
		maia_bo_sync(b->obj, true);
		b->sync_dev = true;
	}
	job->synced = true;
out:
	mutex_unlock(&mfile->sync_lock);
	return wait;
}

/**
 * maia_vm_sync_for_cpu() - give the file's host memory back to the CPU
 * @mfile: file one of whose synced jobs completed
 *
 * Only the bindings the job took: one bound while it ran (a command buffer
 * written for the next job, typically) holds what the CPU wrote, not the
 * device.
 *
 * Context: process context, in the fence signalling path.
 */
void maia_vm_sync_for_cpu(struct maia_file *mfile)
{
	struct maia_binding *b;

	mutex_lock(&mfile->sync_lock);
	list_for_each_entry(b, &mfile->sync_bindings, sync_link) {
		if (!b->sync_dev)
			continue;
		maia_bo_sync(b->obj, false);
		b->sync_dev = false;
	}
	mutex_unlock(&mfile->sync_lock);
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
	b = kzalloc(sizeof(*b), GFP_KERNEL_ACCOUNT);
	if (!b) {
		ret = -ENOMEM;
		goto err_put;
	}
	b->obj = obj;
	b->offset = args->offset;
	b->flags = args->flags;
	b->node.start = args->va;
	b->node.size = args->size;
	INIT_LIST_HEAD(&b->tables);
	INIT_LIST_HEAD(&b->sync_link);
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
	maia_vm_reap_locked(mfile, false);
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
				      args->size, prot, &b->tables);
	else
		ret = maia_as_map_sgt(mfile->as, args->va, sgt, args->offset,
				      args->size, prot, &b->tables);
	if (ret) {
		/* A job may have used the range meanwhile: retire, not free. */
		maia_binding_retire(mfile, b, false);
		maia_vm_reap_locked(mfile, false);
		mutex_unlock(&mfile->vm_lock);
		return ret;
	}
	if (maia_bo_need_sync(obj)) {
		mutex_lock(&mfile->sync_lock);
		list_add_tail(&b->sync_link, &mfile->sync_bindings);
		mutex_unlock(&mfile->sync_lock);
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

/*
 * Jobs that named the object are waited for first, with the binding still
 * in place (as the uAPI promises: they complete normally). Then the range
 * is removed, and the call waits (bounded, interruptibly) for the other
 * jobs of the file that may still be using it; its memory is released only
 * after they are done, even when that wait is cut short.
 */
int maia_ioctl_vm_unbind(struct drm_device *drm, void *data,
			 struct drm_file *file)
{
	struct maia_file *mfile = file->driver_priv;
	struct drm_maia_vm_unbind *args = data;
	long timeout = msecs_to_jiffies(MAIA_UNBIND_WAIT_MS);
	struct dma_fence **fences = NULL;
	struct maia_binding *b = NULL;
	unsigned int i, n = 0;
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
	wait = dma_resv_wait_timeout(b->obj->resv, DMA_RESV_USAGE_BOOKKEEP, true,
				     timeout);
	if (wait <= 0) {
		mutex_unlock(&mfile->vm_lock);
		return wait ? wait : -EBUSY;
	}
	maia_binding_retire(mfile, b, true);
	if (b->num_fences)
		fences = kmalloc_array(b->num_fences, sizeof(*fences), GFP_KERNEL);
	if (fences) {
		n = b->num_fences;
		for (i = 0; i < n; i++)
			fences[i] = dma_fence_get(b->fences[i]);
	}
	maia_vm_reap_locked(mfile, false);
	mutex_unlock(&mfile->vm_lock);

	for (i = 0; i < n; i++) {
		if (timeout > 0)
			timeout = dma_fence_wait_timeout(fences[i], true, timeout);
		dma_fence_put(fences[i]);
	}
	kfree(fences);
	if (n)
		maia_vm_reap(mfile);
	return 0;
}
