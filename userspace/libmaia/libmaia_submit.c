// SPDX-License-Identifier: MIT
/*
 * libmaia queues, submission and fences: running command buffers on
 * hardware queues and waiting for the jobs, each through a DRM syncobj of
 * its own.
 */
#include "libmaia_priv.h"

#include <stdlib.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <linux/sync_file.h>

#include "drm/maia_accel.h"

/* The constants maia.h repeats under names of its own. */
_Static_assert(MAIA_PRIORITY_LOW == DRM_MAIA_PRIORITY_LOW, "uAPI diverged");
_Static_assert(MAIA_PRIORITY_NORMAL == DRM_MAIA_PRIORITY_NORMAL, "uAPI diverged");
_Static_assert(MAIA_PRIORITY_HIGH == DRM_MAIA_PRIORITY_HIGH, "uAPI diverged");
_Static_assert(MAIA_MAX_QUEUES_PER_OPEN == DRM_MAIA_MAX_QUEUES_PER_FILE,
	       "uAPI diverged");
_Static_assert(MAIA_QUEUE_OK == DRM_MAIA_QUEUE_OK, "uAPI diverged");
_Static_assert(MAIA_QUEUE_ERROR == DRM_MAIA_QUEUE_ERROR, "uAPI diverged");
_Static_assert(MAIA_QUEUE_BANNED == DRM_MAIA_QUEUE_BANNED, "uAPI diverged");
_Static_assert(MAIA_MAX_SUBMIT_BOS == DRM_MAIA_MAX_SUBMIT_BOS, "uAPI diverged");
_Static_assert(MAIA_MAX_SUBMIT_SYNCOBJS == DRM_MAIA_MAX_SUBMIT_SYNCOBJS,
	       "uAPI diverged");

MAIA_EXPORT int maia_queue_create(struct maia_device *dev, uint32_t priority,
				  struct maia_queue **out)
{
	struct drm_maia_queue_create args = { 0 };
	struct maia_queue *q;
	int ret;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!dev)
		return -EINVAL;
	q = calloc(1, sizeof(*q));
	if (!q)
		return -ENOMEM;
	args.priority = priority;
	ret = maia_ioctl(dev, DRM_IOCTL_MAIA_QUEUE_CREATE, &args);
	if (ret) {
		free(q);
		return ret;
	}
	q->dev = dev;
	q->id = args.queue_id;
	*out = q;
	return 0;
}

MAIA_EXPORT void maia_queue_destroy(struct maia_queue *q)
{
	struct drm_maia_queue_destroy args = { 0 };

	if (!q)
		return;
	args.queue_id = q->id;
	maia_ioctl(q->dev, DRM_IOCTL_MAIA_QUEUE_DESTROY, &args);
	free(q);
}

MAIA_EXPORT uint32_t maia_queue_id(const struct maia_queue *q)
{
	return q ? q->id : 0;
}

MAIA_EXPORT int maia_queue_state(struct maia_queue *q,
				 struct maia_queue_state *out)
{
	struct drm_maia_queue_state args = { 0 };
	int ret;

	if (!q || !out)
		return -EINVAL;
	args.queue_id = q->id;
	ret = maia_ioctl(q->dev, DRM_IOCTL_MAIA_QUEUE_STATE, &args);
	if (ret)
		return ret;
	memset(out, 0, sizeof(*out));
	out->state = args.state;
	out->last_error = args.last_error;
	out->faults = args.faults;
	out->submitted = args.submitted;
	out->completed = args.completed;
	out->fault_addr = args.fault_addr;
	return 0;
}

MAIA_EXPORT int maia_submit(struct maia_queue *q, struct maia_cmdbuf *cb,
			    struct maia_bo *const *bos, unsigned int n_bos,
			    const uint32_t *in_syncobjs, unsigned int n_in,
			    struct maia_fence **out)
{
	struct drm_maia_submit args = { 0 };
	uint32_t handles_small[16], *handles = handles_small;
	struct maia_fence *fence = NULL;
	struct maia_device *dev;
	unsigned int i, j, n_handles;
	int ret;

	if (out)
		*out = NULL;
	if (!q || !cb || cb->dev != q->dev || cb->count == 0 ||
	    (n_bos && !bos) || n_bos >= MAIA_MAX_SUBMIT_BOS ||
	    (n_in && !in_syncobjs) || n_in > MAIA_MAX_SUBMIT_SYNCOBJS)
		return -EINVAL;
	dev = q->dev;

	/*
	 * The command buffer's own object goes first: it makes the driver
	 * wait for the job before that object can be unbound (destroying
	 * the command buffer), instead of faulting the job's command fetch.
	 * The driver refuses an object listed twice, so duplicates go.
	 */
	if (n_bos + 1 > sizeof(handles_small) / sizeof(handles_small[0])) {
		handles = calloc(n_bos + 1, sizeof(*handles));
		if (!handles)
			return -ENOMEM;
	}
	handles[0] = cb->bo->handle;
	n_handles = 1;
	for (i = 0; i < n_bos; i++) {
		if (!bos[i] || bos[i]->dev != dev) {
			ret = -EINVAL;
			goto out_free;
		}
		for (j = 0; j < n_handles && handles[j] != bos[i]->handle; j++)
			;
		if (j == n_handles)
			handles[n_handles++] = bos[i]->handle;
	}

	if (out) {
		fence = calloc(1, sizeof(*fence));
		if (!fence) {
			ret = -ENOMEM;
			goto out_free;
		}
		fence->dev = dev;
		if (drmSyncobjCreate(dev->fd, 0, &fence->syncobj)) {
			ret = -errno;
			free(fence);
			fence = NULL;
			goto out_free;
		}
	}

	args.queue_id = q->id;
	args.ib_va = maia_bo_va(cb->bo);
	args.ib_count = cb->count;
	args.num_bos = n_handles;
	args.bo_handles = (uintptr_t)handles;
	args.in_syncobjs = (uintptr_t)in_syncobjs;
	args.num_in_syncobjs = n_in;
	args.out_syncobj = fence ? fence->syncobj : 0;

	/*
	 * Commands and data written through CPU mappings (HBM ones are
	 * write-combined) must be visible before the device is told to go.
	 */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	ret = maia_ioctl(dev, DRM_IOCTL_MAIA_SUBMIT, &args);
	if (ret) {
		if (fence) {
			drmSyncobjDestroy(dev->fd, fence->syncobj);
			free(fence);
		}
		goto out_free;
	}
	if (fence) {
		fence->seqno = args.seqno;
		*out = fence;
	}
out_free:
	if (handles != handles_small)
		free(handles);
	return ret;
}

static int64_t monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/*
 * The error a signalled syncobj fence carries: a sync_file of the fence
 * reports dma_fence_get_status(), which is negative for a failed job.
 */
static int fence_status(struct maia_fence *f)
{
	struct sync_file_info info;
	int sync_fd, ret;

	if (drmSyncobjExportSyncFile(f->dev->fd, f->syncobj, &sync_fd))
		return -errno;
	memset(&info, 0, sizeof(info));
	ret = ioctl(sync_fd, SYNC_IOC_FILE_INFO, &info) ? -errno : 0;
	close(sync_fd);
	if (ret)
		return ret;
	return info.status < 0 ? info.status : 0;
}

MAIA_EXPORT int maia_fence_wait(struct maia_fence *f, int64_t timeout_ns)
{
	int64_t deadline = INT64_MAX, now;
	int ret;

	if (!f)
		return -EINVAL;
	if (f->done)
		return f->error;
	if (timeout_ns >= 0) {
		now = monotonic_ns();
		if (timeout_ns < INT64_MAX - now)
			deadline = now + timeout_ns;
	}
	/* WAIT_FOR_SUBMIT: never -EINVAL for a fence not attached yet. */
	if (drmSyncobjWait(f->dev->fd, &f->syncobj, 1, deadline,
			   DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT, NULL))
		return -errno;	/* -ETIME when the deadline passed */

	ret = fence_status(f);
	/* A failure to read the status is not the job's: try again later. */
	if (ret == -ENOMEM || ret == -EMFILE || ret == -ENFILE)
		return ret;
	f->done = true;
	f->error = ret;
	return ret;
}

MAIA_EXPORT uint32_t maia_fence_syncobj(const struct maia_fence *f)
{
	return f ? f->syncobj : 0;
}

MAIA_EXPORT uint64_t maia_fence_seqno(const struct maia_fence *f)
{
	return f ? f->seqno : 0;
}

MAIA_EXPORT void maia_fence_destroy(struct maia_fence *f)
{
	if (!f)
		return;
	drmSyncobjDestroy(f->dev->fd, f->syncobj);
	free(f);
}
