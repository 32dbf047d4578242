// SPDX-License-Identifier: GPL-2.0
/*
 * maia_accel jobs: submission queues, drm_sched, hardware rings.
 *
 * Each command ring is fed by one drm_gpu_scheduler. A user
 * queue is a drm_sched_entity spread over the rings of its priority class,
 * so rings carry jobs of many files; the address space travels in each job
 * descriptor. Jobs complete in ring order: the completion interrupt signals
 * every hardware fence up to the sequence number in the completion record.
 *
 * Errors: a failed job (MMU fault, bad command, DMA error) stops its ring;
 * the interrupt handler fails that job's fence and resumes the ring, so the
 * jobs behind it (other files included) keep running. A job that exceeds
 * the timeout has its ring reset and the innocent jobs behind it pushed
 * again. A queue whose jobs keep failing is banned, and so is a file whose
 * jobs keep hanging rings (whatever queue they come from).
 *
 * A job gets its hardware address-space id in prepare_job and gives it
 * back when it retires (maia_vm.c).
 *
 * Host memory whose DMA mapping needs syncing (bounce buffers, non-coherent
 * DMA) is synced for the device in prepare_job (maia_vm_job_sync()) and for
 * the CPU when the job retires, before its hw fence signals: whoever waits
 * for the job then sees what it wrote. The completion interrupt cannot copy
 * bounce buffers of any size, so the retirement of such a job, and of every
 * job behind it on the ring (fences of one context signal in order), is
 * finished by maia_ring.sync_work.
 *
 * Locking: maia_ring.lock (irq-safe) protects the ring's pending list and
 * sequence numbers and is the lock of its hardware fences; maia_queue
 * error fields are written under it too. maia_file.queues_lock orders queue
 * creation, destruction and job arming.
 */

#include <linux/bitfield.h>
#include <linux/delay.h>
#include <linux/devcoredump.h>
#include <linux/vmalloc.h>
#include <linux/dma-fence.h>
#include <linux/dma-resv.h>
#include <linux/fs.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_syncobj.h>

#include "maia_accel.h"

#define MAIA_COREDUMP_SIZE	4096

#define CREATE_TRACE_POINTS
#include "maia_trace.h"

static const char *maia_fence_driver_name(struct dma_fence *fence)
{
	return "maia_accel";
}

static const char *maia_fence_timeline_name(struct dma_fence *fence)
{
	return "maia-ring";
}

static const struct dma_fence_ops maia_hw_fence_ops = {
	.get_driver_name = maia_fence_driver_name,
	.get_timeline_name = maia_fence_timeline_name,
};

static struct maia_job *to_maia_job(struct drm_sched_job *sched_job)
{
	return container_of(sched_job, struct maia_job, base);
}

static struct maia_ring *to_maia_ring(struct drm_gpu_scheduler *sched)
{
	return container_of(sched, struct maia_ring, sched);
}

static void maia_queue_release(struct kref *kref)
{
	struct maia_queue *q = container_of(kref, struct maia_queue, refcount);

	mutex_destroy(&q->submit_lock);
	kfree(q);
}

static void maia_queue_put(struct maia_queue *q)
{
	kref_put(&q->refcount, maia_queue_release);
}

static int maia_job_status_errno(u32 status)
{
	switch (status) {
	case MAIA_JOB_OK:
		return 0;
	case MAIA_JOB_MMU_FAULT:
		return -EFAULT;
	case MAIA_JOB_BAD_OPCODE:
	case MAIA_JOB_BAD_ARGS:
		return -EINVAL;
	case MAIA_JOB_ABORTED:
		return -ECANCELED;
	default:
		return -EIO;
	}
}

/* Record a failed job in its queue. Caller holds the ring lock. */
static void maia_job_fail_locked(struct maia_job *job, int err, u64 fault_addr)
{
	struct maia_queue *q = job->queue;

	dma_fence_set_error(job->hw_fence, err);
	q->last_error = err;
	if (err == -EFAULT)
		q->fault_addr = fault_addr;
	if (atomic_inc_return(&q->faults) >= MAIA_QUEUE_BAN_FAULTS)
		WRITE_ONCE(q->banned, true);
	/* Hangs cost every user of the ring a reset: count them per file. */
	if (err == -ETIMEDOUT &&
	    atomic_inc_return(&job->mfile->hangs) >= MAIA_FILE_BAN_HANGS)
		WRITE_ONCE(job->mfile->banned, true);
}

static void maia_job_retire_locked(struct maia_job *job)
{
	u64 now = ktime_get_ns();

	list_del_init(&job->ring_link);
	trace_maia_job_done(maia_hw_ring_index(job->ring->hw), job->seq,
			    job->hw_fence->error);
	atomic64_add(now - job->start_ns, &job->mfile->engine_ns);
	atomic64_inc(&job->queue->completed);
	maia_vm_job_unpin(job);
	if (job->synced || !list_empty(&job->ring->synced)) {
		list_add_tail(&job->sync_link, &job->ring->synced);
		queue_work(system_unbound_wq, &job->ring->sync_work);
		return;
	}
	dma_fence_signal_locked(job->hw_fence);
}

/*
 * maia_ring.sync_work: give the memory of retired jobs back to the CPU and
 * signal their fences, in order. A job stays first on the list until its
 * fence has signalled, so that jobs retired meanwhile queue behind it.
 */
static void maia_ring_sync_work(struct work_struct *work)
{
	struct maia_ring *ring = container_of(work, struct maia_ring, sync_work);
	struct maia_job *job;
	bool fence_cookie;

	fence_cookie = dma_fence_begin_signalling();
	spin_lock_irq(&ring->lock);
	while ((job = list_first_entry_or_null(&ring->synced, struct maia_job,
					       sync_link))) {
		if (job->synced) {
			spin_unlock_irq(&ring->lock);
			maia_vm_sync_for_cpu(job->mfile);
			spin_lock_irq(&ring->lock);
		}
		list_del_init(&job->sync_link);
		dma_fence_signal_locked(job->hw_fence);
	}
	spin_unlock_irq(&ring->lock);
	dma_fence_end_signalling(fence_cookie);
}

/* Completion interrupt of one ring (hard interrupt context). */
static void maia_ring_done(void *data)
{
	struct maia_ring *ring = data;
	struct maia_hw_ring_completion c;
	struct maia_job *job, *tmp;
	unsigned long flags;
	bool resume, fetch_error;

	spin_lock_irqsave(&ring->lock, flags);
	maia_hw_ring_completion(ring->hw, &c);
	resume = FIELD_GET(MAIA_RING_STATUS_STATE, c.status_reg) ==
		 MAIA_RING_STATE_ERROR;
	/*
	 * A descriptor the device could not fetch is not consumed, and the
	 * record names the last job retired, which succeeded.
	 */
	fetch_error = c.status == MAIA_JOB_DMA_ERROR &&
		      c.err_index == MAIA_COMPL_ERR_DESCRIPTOR;
	list_for_each_entry_safe(job, tmp, &ring->pending, ring_link) {
		if (job->seq > c.seq)
			break;
		if (job->seq == c.seq && c.status != MAIA_JOB_OK &&
		    !fetch_error) {
			trace_maia_job_fault(maia_hw_ring_index(ring->hw), job->seq,
					     c.status, c.err_addr);
			maia_job_fail_locked(job, maia_job_status_errno(c.status),
					     c.err_addr);
		}
		maia_job_retire_locked(job);
	}
	/*
	 * A descriptor the device could not even fetch stays at HEAD, so
	 * resuming would fail again: recover through the timeout path, which
	 * resets the ring and fails the oldest job.
	 */
	if (resume && fetch_error) {
		drm_sched_fault(&ring->sched);
		resume = false;
	}
	if (resume)
		maia_hw_ring_resume(ring->hw);
	spin_unlock_irqrestore(&ring->lock, flags);
}

/*
 * A job still waiting in its queue when the file is closed, the device is
 * removed or the queue is banned never reaches a ring: its fence signals
 * with this error.
 */
static int maia_job_cancelled(struct maia_job *job)
{
	int err = READ_ONCE(job->queue->cancel_error);

	if (!err && READ_ONCE(job->queue->banned))
		err = -ECANCELED;
	return err;
}

static struct dma_fence *maia_prepare_job(struct drm_sched_job *sched_job,
					  struct drm_sched_entity *entity)
{
	struct maia_job *job = to_maia_job(sched_job);
	struct dma_fence *wait;

	wait = maia_vm_job_sync(job);
	if (wait)
		return wait;
	return maia_vm_job_pin(job);
}

static struct dma_fence *maia_run_job(struct drm_sched_job *sched_job)
{
	struct maia_ring *ring = to_maia_ring(sched_job->sched);
	struct maia_job *job = to_maia_job(sched_job);
	struct maia_hw_ring_job hw;
	unsigned long flags;
	int cancel;

	/*
	 * Called again by drm_sched_resubmit_jobs() after a ring reset: the
	 * job is already back in the ring (or failed), its fence stands.
	 */
	if (job->hw_fence_armed)
		return dma_fence_get(job->hw_fence);
	cancel = maia_job_cancelled(job);
	if (cancel)
		return ERR_PTR(cancel);

	spin_lock_irqsave(&ring->lock, flags);
	job->seq = ++ring->next_seq;
	dma_fence_init(job->hw_fence, &maia_hw_fence_ops, &ring->lock,
		       ring->fence_ctx, job->seq);
	job->hw_fence_armed = true;
	job->start_ns = ktime_get_ns();
	job->ring = ring;
	list_add_tail(&job->ring_link, &ring->pending);
	trace_maia_job_run(maia_hw_ring_index(ring->hw), job->seq, job->asid);
	if (atomic_cmpxchg(&ring->accel->inject_hang_pid, job->tgid, 0) ==
	    job->tgid)
		maia_hw_ring_inject_hang(ring->hw);
	hw.ib_addr = job->ib_va;
	hw.ib_count = job->ib_count;
	hw.asid = job->asid;
	hw.seq = job->seq;
	maia_hw_ring_push(ring->hw, &hw);
	spin_unlock_irqrestore(&ring->lock, flags);

	return dma_fence_get(job->hw_fence);
}

/**
 * struct maia_coredump - a ring snapshot on its way to devcoredump
 * @len: bytes of @text used
 * @text: the snapshot
 */
struct maia_coredump {
	size_t len;
	char text[MAIA_COREDUMP_SIZE];
};

/*
 * maia_ring.dump_work: hand the snapshot to devcoredump as a vmalloc()ed
 * copy it frees itself. A dump whose read/free callbacks lived in this
 * module would pin the module for the dump's lifetime (up to five minutes
 * when nobody reads it) and make unloading fail.
 */
static void maia_coredump_work(struct work_struct *work)
{
	struct maia_ring *ring = container_of(work, struct maia_ring, dump_work);
	struct maia_coredump *cd = xchg(&ring->dump, NULL);
	void *buf;

	if (!cd)
		return;
	buf = vmalloc(cd->len);
	if (buf) {
		memcpy(buf, cd->text, cd->len);
		dev_coredumpv(ring->accel->drm.dev, buf, cd->len, GFP_KERNEL);
	}
	kfree(cd);
}

/*
 * Snapshot for devcoredump: what the ring and the hung job looked like
 * before the reset (read it from /sys/class/devcoredump/devcdN/data).
 * Called from the timeout handler, which signals fences: nothing here may
 * wait for memory reclaim, so the snapshot is taken with GFP_NOWAIT and
 * handed to devcoredump (which allocates freely) from a work item.
 */
static void maia_ring_coredump(struct maia_ring *ring, struct maia_job *job)
{
	struct maia_hw_ring_completion c;
	struct maia_coredump *cd;
	u32 jobs, faults;
	size_t len = 0;
	u64 busy;
	char *buf;

	/* One dump at a time per ring: the first hang is the interesting one. */
	if (READ_ONCE(ring->dump))
		return;
	cd = kmalloc(sizeof(*cd), GFP_NOWAIT | __GFP_NOWARN);
	if (!cd)
		return;
	buf = cd->text;
	maia_hw_ring_completion(ring->hw, &c);
	maia_hw_ring_stats(ring->hw, &busy, &jobs, &faults);
	len += scnprintf(buf + len, MAIA_COREDUMP_SIZE - len,
			 "maia ring hang\nring: %s\nstate: %u\nlast completed seq: %llu status %u\n",
			 ring->name, c.status_reg, c.seq, c.status);
	len += scnprintf(buf + len, MAIA_COREDUMP_SIZE - len,
			 "pushed seq: %llu\njobs done: %u faults: %u busy_ns: %llu\n",
			 ring->next_seq, jobs, faults, busy);
	len += scnprintf(buf + len, MAIA_COREDUMP_SIZE - len,
			 "hung job: seq %llu queue %u asid %u ib 0x%llx count %u\n",
			 job->seq, job->queue->id, job->asid, job->ib_va,
			 job->ib_count);
	cd->len = len;
	WRITE_ONCE(ring->dump, cd);
	queue_work(system_unbound_wq, &ring->dump_work);
}

/*
 * The oldest job of a ring did not finish in time. Stop the scheduler,
 * reset the ring, fail that job, and push the others again in order.
 */
static enum drm_gpu_sched_stat maia_timedout_job(struct drm_sched_job *sched_job)
{
	struct maia_ring *ring = to_maia_ring(sched_job->sched);
	struct maia_job *job = to_maia_job(sched_job), *other;
	struct maia_hw_ring_job hw;
	unsigned long flags;
	bool fence_cookie;

	maia_ring_coredump(ring, job);
	drm_sched_stop(&ring->sched, sched_job);

	fence_cookie = dma_fence_begin_signalling();
	spin_lock_irqsave(&ring->lock, flags);
	maia_hw_ring_reset(ring->hw);
	if (!list_empty(&job->ring_link)) {
		maia_job_fail_locked(job, -ETIMEDOUT, 0);
		maia_job_retire_locked(job);
		atomic64_inc(&ring->accel->jobs_timed_out);
		drm_warn(&ring->accel->drm, "%s: job %llu timed out, ring reset\n",
			 ring->name, job->seq);
	}
	list_for_each_entry(other, &ring->pending, ring_link) {
		other->start_ns = ktime_get_ns();
		hw.ib_addr = other->ib_va;
		hw.ib_count = other->ib_count;
		hw.asid = other->asid;
		hw.seq = other->seq;
		maia_hw_ring_push(ring->hw, &hw);
	}
	spin_unlock_irqrestore(&ring->lock, flags);
	dma_fence_end_signalling(fence_cookie);

	/*
	 * drm_sched_stop() detached every unfinished job from its hardware
	 * fence; reattach them (run_job returns the existing fences) so that
	 * only the hung job fails.
	 */
	drm_sched_resubmit_jobs(&ring->sched);
	drm_sched_start(&ring->sched);
	return DRM_GPU_SCHED_STAT_NOMINAL;
}

static void maia_job_free(struct maia_job *job)
{
	unsigned int i;

	maia_vm_job_unpin(job);
	for (i = 0; i < job->num_bos; i++)
		if (job->bos[i])
			drm_gem_object_put(job->bos[i]);
	kvfree(job->bos);
	if (job->hw_fence_armed)
		dma_fence_put(job->hw_fence);
	else
		kfree(job->hw_fence);
	maia_queue_put(job->queue);
	/* The job is done: unbound memory it could reach may go now. */
	maia_vm_reap(job->mfile);
	maia_file_put(job->mfile);
	kfree(job);
}

static void maia_free_job(struct drm_sched_job *sched_job)
{
	struct maia_job *job = to_maia_job(sched_job);

	drm_sched_job_cleanup(sched_job);
	maia_job_free(job);
}

static const struct drm_sched_backend_ops maia_sched_ops = {
	.prepare_job = maia_prepare_job,
	.run_job = maia_run_job,
	.timedout_job = maia_timedout_job,
	.free_job = maia_free_job,
};

int maia_rings_init(struct maia_accel *accel)
{
	const struct maia_core_info *info = maia_core_info(accel->core);
	struct drm_sched_init_args args = {
		.ops = &maia_sched_ops,
		.num_rqs = DRM_SCHED_PRIORITY_COUNT,
		.credit_limit = (1u << MAIA_ACCEL_RING_ORDER) - 1,
		.timeout = msecs_to_jiffies(MAIA_JOB_TIMEOUT_MS),
		.dev = accel->drm.dev,
	};
	unsigned int i, num_high;
	int ret;

	maia_vm_init(accel);
	accel->num_rings = min_t(u32, info->num_rings, MAIA_MAX_RINGS);
	if (!accel->num_rings)
		return -ENODEV;
	/* The top quarter of the rings (at least one) serves high priority. */
	num_high = max(accel->num_rings / 4, 1u);
	for (i = 0; i < accel->num_rings; i++) {
		struct maia_ring *ring = &accel->rings[i];
		bool high = accel->num_rings == 1 || i >= accel->num_rings - num_high;

		ring->accel = accel;
		spin_lock_init(&ring->lock);
		INIT_LIST_HEAD(&ring->pending);
		INIT_WORK(&ring->dump_work, maia_coredump_work);
		INIT_LIST_HEAD(&ring->synced);
		INIT_WORK(&ring->sync_work, maia_ring_sync_work);
		ring->fence_ctx = dma_fence_context_alloc(1);
		snprintf(ring->name, sizeof(ring->name), "maia-ring%u", i);
		args.name = ring->name;
		ret = drm_sched_init(&ring->sched, &args);
		if (ret)
			goto err;
		ring->hw = maia_hw_ring_create(accel->core, i,
					       MAIA_ACCEL_RING_ORDER,
					       high ? MAIA_RING_PRIORITY_MAX : 1,
					       maia_ring_done, ring);
		if (IS_ERR(ring->hw)) {
			ret = PTR_ERR(ring->hw);
			drm_sched_fini(&ring->sched);
			goto err;
		}
		if (high)
			accel->sched_high[accel->num_sched_high++] = &ring->sched;
		if (!high || accel->num_rings == 1)
			accel->sched_normal[accel->num_sched_normal++] = &ring->sched;
	}
	return 0;

err:
	while (i--) {
		maia_hw_ring_destroy(accel->rings[i].hw);
		drm_sched_fini(&accel->rings[i].sched);
	}
	return ret;
}

/*
 * Device removal: wait for the rings to drain (bounded), cancel what is
 * left, and let the schedulers free every job before they go away.
 */
void maia_rings_fini(struct maia_accel *accel)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(MAIA_JOB_TIMEOUT_MS);
	unsigned int i;

	for (i = 0; i < accel->num_rings; i++) {
		struct maia_ring *ring = &accel->rings[i];
		struct maia_job *job, *tmp;
		unsigned long flags;
		bool empty, fence_cookie;

		for (;;) {
			spin_lock_irqsave(&ring->lock, flags);
			empty = list_empty(&ring->pending);
			spin_unlock_irqrestore(&ring->lock, flags);
			if (empty || time_after(jiffies, deadline))
				break;
			usleep_range(10000, 20000);
		}
		fence_cookie = dma_fence_begin_signalling();
		spin_lock_irqsave(&ring->lock, flags);
		maia_hw_ring_reset(ring->hw);
		list_for_each_entry_safe(job, tmp, &ring->pending, ring_link) {
			dma_fence_set_error(job->hw_fence, -ENODEV);
			maia_job_retire_locked(job);
		}
		spin_unlock_irqrestore(&ring->lock, flags);
		dma_fence_end_signalling(fence_cookie);
		/* Finished fences are signalled; wait for free_job of each. */
		for (;;) {
			spin_lock(&ring->sched.job_list_lock);
			empty = list_empty(&ring->sched.pending_list);
			spin_unlock(&ring->sched.job_list_lock);
			if (empty)
				break;
			usleep_range(10000, 20000);
		}
		drm_sched_fini(&ring->sched);
		maia_hw_ring_destroy(ring->hw);
		/* The timeout handler is gone with the scheduler. */
		flush_work(&ring->dump_work);
		flush_work(&ring->sync_work);
		kfree(xchg(&ring->dump, NULL));
	}
}

static struct maia_queue *maia_queue_lookup(struct maia_file *mfile, u32 id)
{
	struct maia_queue *q;

	mutex_lock(&mfile->queues_lock);
	q = xa_load(&mfile->queues, id);
	if (q)
		kref_get(&q->refcount);
	mutex_unlock(&mfile->queues_lock);
	return q;
}

int maia_ioctl_queue_create(struct drm_device *drm, void *data,
			    struct drm_file *file)
{
	struct maia_accel *accel = to_maia_accel(drm);
	struct maia_file *mfile = file->driver_priv;
	struct drm_maia_queue_create *args = data;
	struct drm_gpu_scheduler **scheds;
	enum drm_sched_priority prio;
	unsigned int num_scheds;
	struct maia_queue *q;
	u32 id;
	int ret;

	if (args->flags || args->pad)
		return -EINVAL;
	switch (args->priority) {
	case DRM_MAIA_PRIORITY_LOW:
		prio = DRM_SCHED_PRIORITY_LOW;
		break;
	case DRM_MAIA_PRIORITY_NORMAL:
		prio = DRM_SCHED_PRIORITY_NORMAL;
		break;
	case DRM_MAIA_PRIORITY_HIGH:
		if (!capable(CAP_SYS_NICE))
			return -EACCES;
		prio = DRM_SCHED_PRIORITY_HIGH;
		break;
	default:
		return -EINVAL;
	}
	if (prio == DRM_SCHED_PRIORITY_HIGH) {
		scheds = accel->sched_high;
		num_scheds = accel->num_sched_high;
	} else {
		scheds = accel->sched_normal;
		num_scheds = accel->num_sched_normal;
	}

	q = kzalloc(sizeof(*q), GFP_KERNEL);
	if (!q)
		return -ENOMEM;
	kref_init(&q->refcount);
	mutex_init(&q->submit_lock);
	q->mfile = mfile;
	q->priority = args->priority;
	ret = drm_sched_entity_init(&q->entity, prio, scheds, num_scheds, NULL);
	if (ret)
		goto err_free;

	mutex_lock(&mfile->queues_lock);
	ret = xa_alloc(&mfile->queues, &id, q,
		       XA_LIMIT(1, DRM_MAIA_MAX_QUEUES_PER_FILE), GFP_KERNEL);
	if (ret) {
		mutex_unlock(&mfile->queues_lock);
		ret = ret == -EBUSY ? -ENOSPC : ret;
		goto err_entity;
	}
	q->id = id;
	mutex_unlock(&mfile->queues_lock);
	args->queue_id = id;
	return 0;

err_entity:
	drm_sched_entity_destroy(&q->entity);
err_free:
	maia_queue_put(q);
	return ret;
}

/*
 * No job is armed on @q any more once this returns; the ones queued reach
 * a ring, or, with @cancel_error, are dropped with that error instead.
 * drm_sched_entity_destroy() waits for them to leave the queue (for a
 * process that exits, a bounded time: the scheduler then drops the rest
 * with -ESRCH once their dependencies are met). Every fence signals.
 */
static void maia_queue_destroy(struct maia_queue *q, int cancel_error)
{
	mutex_lock(&q->submit_lock);
	q->dead = true;
	if (cancel_error)
		WRITE_ONCE(q->cancel_error, cancel_error);
	mutex_unlock(&q->submit_lock);
	drm_sched_entity_destroy(&q->entity);
	maia_queue_put(q);
}

int maia_ioctl_queue_destroy(struct drm_device *drm, void *data,
			     struct drm_file *file)
{
	struct maia_file *mfile = file->driver_priv;
	struct drm_maia_queue_destroy *args = data;
	struct maia_queue *q;

	if (args->pad)
		return -EINVAL;
	mutex_lock(&mfile->queues_lock);
	q = xa_erase(&mfile->queues, args->queue_id);
	mutex_unlock(&mfile->queues_lock);
	if (!q)
		return -ENOENT;
	maia_queue_destroy(q, 0);
	return 0;
}

/*
 * The file is closed (-ECANCELED) or the device removed (-ENODEV): every
 * queue goes, and jobs not yet on a ring are dropped with that error.
 * queues_lock is held throughout so that removal and postclose, which may
 * both get here, destroy each queue once and return only when it is gone.
 */
void maia_file_destroy_queues(struct maia_file *mfile, int cancel_error)
{
	struct maia_queue *q;
	unsigned long id;

	mutex_lock(&mfile->queues_lock);
	xa_for_each(&mfile->queues, id, q) {
		xa_erase(&mfile->queues, id);
		maia_queue_destroy(q, cancel_error);
	}
	mutex_unlock(&mfile->queues_lock);
}

int maia_ioctl_queue_state(struct drm_device *drm, void *data,
			   struct drm_file *file)
{
	struct maia_file *mfile = file->driver_priv;
	struct drm_maia_queue_state *args = data;
	struct maia_queue *q;

	if (args->reserved[0] || args->reserved[1])
		return -EINVAL;
	q = maia_queue_lookup(mfile, args->queue_id);
	if (!q)
		return -ENOENT;
	args->last_error = READ_ONCE(q->last_error);
	args->faults = atomic_read(&q->faults);
	args->submitted = atomic64_read(&q->submitted);
	args->completed = atomic64_read(&q->completed);
	args->fault_addr = READ_ONCE(q->fault_addr);
	if (READ_ONCE(q->banned) || READ_ONCE(mfile->banned))
		args->state = DRM_MAIA_QUEUE_BANNED;
	else if (args->last_error)
		args->state = DRM_MAIA_QUEUE_ERROR;
	else
		args->state = DRM_MAIA_QUEUE_OK;
	maia_queue_put(q);
	return 0;
}

static int maia_job_add_in_syncobjs(struct maia_job *job, struct drm_file *file,
				    u64 user_ptr, u32 count)
{
	u32 __user *handles = u64_to_user_ptr(user_ptr);
	unsigned int i;
	u32 handle;
	int ret;

	for (i = 0; i < count; i++) {
		if (get_user(handle, handles + i))
			return -EFAULT;
		ret = drm_sched_job_add_syncobj_dependency(&job->base, file,
							   handle, 0);
		if (ret)
			return ret == -EINVAL ? -ENOENT : ret;
	}
	return 0;
}

int maia_ioctl_submit(struct drm_device *drm, void *data,
		      struct drm_file *file)
{
	struct maia_file *mfile = file->driver_priv;
	struct drm_maia_submit *args = data;
	struct drm_syncobj *out_sync = NULL;
	struct drm_gem_object **locked;
	struct ww_acquire_ctx ticket;
	struct dma_fence *finished;
	struct maia_queue *q;
	struct maia_job *job;
	int ret;

	if (args->flags || !args->ib_count ||
	    args->ib_count > DRM_MAIA_MAX_IB_COUNT ||
	    !IS_ALIGNED(args->ib_va, MAIA_CMD_SIZE) ||
	    args->num_bos > DRM_MAIA_MAX_SUBMIT_BOS ||
	    args->num_in_syncobjs > DRM_MAIA_MAX_SUBMIT_SYNCOBJS)
		return -EINVAL;

	q = maia_queue_lookup(mfile, args->queue_id);
	if (!q)
		return -ENOENT;
	if (READ_ONCE(q->banned) || READ_ONCE(mfile->banned)) {
		ret = -ECANCELED;
		goto err_queue;
	}
	if (args->out_syncobj) {
		out_sync = drm_syncobj_find(file, args->out_syncobj);
		if (!out_sync) {
			ret = -ENOENT;
			goto err_queue;
		}
	}

	job = kzalloc(sizeof(*job), GFP_KERNEL);
	if (!job) {
		ret = -ENOMEM;
		goto err_sync;
	}
	job->hw_fence = kzalloc(sizeof(*job->hw_fence), GFP_KERNEL);
	if (!job->hw_fence) {
		kfree(job);
		ret = -ENOMEM;
		goto err_sync;
	}
	INIT_LIST_HEAD(&job->ring_link);
	INIT_LIST_HEAD(&job->sync_link);
	job->queue = q;		/* the job owns the lookup reference */
	kref_get(&mfile->refcount);
	job->mfile = mfile;
	job->ib_va = args->ib_va;
	job->ib_count = args->ib_count;
	job->tgid = task_tgid_nr(current);

	mutex_lock(&mfile->vm_lock);
	ret = mfile->as ? 0 : -ENODEV;
	mutex_unlock(&mfile->vm_lock);
	if (ret)
		goto err_job;

	if (args->num_bos) {
		ret = drm_gem_objects_lookup(file, u64_to_user_ptr(args->bo_handles),
					     args->num_bos, &job->bos);
		/* On failure the array holds the objects found so far. */
		if (job->bos)
			job->num_bos = args->num_bos;
		if (ret)
			goto err_job;
	}

	ret = drm_sched_job_init(&job->base, &q->entity, 1, q, file->client_id);
	if (ret)
		goto err_job;
	ret = maia_job_add_in_syncobjs(job, file, args->in_syncobjs,
				       args->num_in_syncobjs);
	if (ret)
		goto err_sched;

	ret = maia_vm_lock_job(job, &ticket, &locked);
	if (ret)
		goto err_sched;

	mutex_lock(&q->submit_lock);
	/* Destroyed meanwhile: its entity takes no more jobs. */
	if (q->dead) {
		mutex_unlock(&q->submit_lock);
		ret = drm_dev_is_unplugged(drm) ? -ENODEV : -ENOENT;
		maia_vm_unlock_job(job, &ticket, locked);
		goto err_sched;
	}
	drm_sched_job_arm(&job->base);
	finished = dma_fence_get(&job->base.s_fence->finished);
	maia_vm_add_job_fence(job, locked, finished);
	args->seqno = atomic64_inc_return(&q->submitted);
	trace_maia_job_submit(q->id, args->seqno, job->ib_va, job->ib_count);
	/* Once pushed the job may complete and be freed: unlock first. */
	maia_vm_unlock_job(job, &ticket, locked);
	drm_sched_entity_push_job(&job->base);
	mutex_unlock(&q->submit_lock);

	if (out_sync) {
		drm_syncobj_replace_fence(out_sync, finished);
		drm_syncobj_put(out_sync);
	}
	dma_fence_put(finished);
	return 0;

err_sched:
	drm_sched_job_cleanup(&job->base);
err_job:
	maia_job_free(job);
	if (out_sync)
		drm_syncobj_put(out_sync);
	return ret;
err_sync:
	if (out_sync)
		drm_syncobj_put(out_sync);
err_queue:
	maia_queue_put(q);
	return ret;
}
