/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MAIA_ACCEL_H
#define MAIA_ACCEL_H

#include <linux/gpu_buddy.h>
#include <linux/kref.h>
#include <linux/xarray.h>

#include <drm/drm_device.h>
#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_mm.h>
#include <drm/gpu_scheduler.h>
#include <drm/maia_accel.h>
#include <drm/maia_cmd.h>

#include "maia_core.h"

#define MAIA_ACCEL_RING_ORDER		8	/* 256 jobs in flight per ring */
#define MAIA_JOB_TIMEOUT_MS	5000
#define MAIA_QUEUE_BAN_FAULTS	4
#define MAIA_FILE_BAN_HANGS	3

struct maia_accel;
struct maia_coredump;

/**
 * struct maia_ring - one command ring and the drm_sched scheduler feeding it
 * @accel: owner
 * @hw: the command ring
 * @sched: drm_sched instance; jobs of any file may run here
 * @lock: protects @pending and @next_seq; also the lock of the hw fences
 * @pending: jobs pushed to the hardware, oldest first
 * @next_seq: seq of the last job pushed
 * @fence_ctx: dma_fence context of the hw fences
 * @name: scheduler name
 * @dump_work: registers @dump with devcoredump
 * @dump: snapshot taken by the timeout handler, not yet registered
 * @synced: retired jobs (maia_job.sync_link) whose hw fence waits for
 *	@sync_work, oldest first; once not empty, every job retired after
 *	them waits there too, so that the fences signal in ring order
 * @sync_work: syncs the host memory of the jobs on @synced for the CPU
 *	and signals their hw fences
 */
struct maia_ring {
	struct maia_accel *accel;
	struct maia_hw_ring *hw;
	struct drm_gpu_scheduler sched;
	spinlock_t lock; /* pending, next_seq, hw fences */
	struct list_head pending;
	u64 next_seq;
	u64 fence_ctx;
	char name[16];
	struct work_struct dump_work;
	struct maia_coredump *dump;
	struct list_head synced;
	struct work_struct sync_work;
};

/**
 * struct maia_accel - the DRM accel device of one Maia function
 * @drm: DRM device, embedded
 * @core: the maia_core this device sits on; valid until remove
 * @hbm_lock: protects @hbm and @hbm_used
 * @hbm: allocator of device memory
 * @hbm_used: bytes of HBM allocated
 * @num_rings: command rings in use
 * @rings: the command rings
 * @sched_normal: schedulers for low and normal priority queues
 * @num_sched_normal: entries in @sched_normal
 * @sched_high: schedulers for high priority queues
 * @num_sched_high: entries in @sched_high
 * @files_lock: protects @files; held while a file's VM is torn down
 * @files: every struct maia_file not yet released (maia_file.link), open
 *         or kept by its jobs; device removal tears their state down
 * @dma_lock: protects @dma_bos and the DMA mapping of every shmem object
 * @dma_bos: shmem objects mapped for the PCI function
 *           (maia_shmem_bo.dma_link), unmapped at the latest on removal
 * @inject_hang_pid: debugfs knob: the next job submitted by this process
 *                   id hangs its ring (0: off)
 * @jobs_timed_out: statistic
 * @asid_lock: protects @asid_wait and @asid_wait_seqno; the lock of the
 *	@asid_wait fences
 * @asid_wait: signalled when a hardware address-space id becomes idle;
 *	jobs that found none wait on it (NULL when nobody waits)
 * @asid_wait_ctx: dma_fence context of the @asid_wait fences
 * @asid_wait_seqno: last @asid_wait seqno
 */
struct maia_accel {
	struct drm_device drm;
	struct maia_core *core;
	struct mutex hbm_lock; /* hbm, hbm_used */
	struct gpu_buddy hbm;
	u64 hbm_used;
	unsigned int num_rings;
	struct maia_ring rings[MAIA_MAX_RINGS];
	struct drm_gpu_scheduler *sched_normal[MAIA_MAX_RINGS];
	unsigned int num_sched_normal;
	struct drm_gpu_scheduler *sched_high[MAIA_MAX_RINGS];
	unsigned int num_sched_high;
	struct mutex files_lock; /* files */
	struct list_head files;
	struct mutex dma_lock; /* dma_bos, maia_shmem_bo.dma_* */
	struct list_head dma_bos;
	atomic_t inject_hang_pid;
	atomic64_t jobs_timed_out;
	spinlock_t asid_lock; /* asid_wait, asid_wait_seqno */
	struct dma_fence *asid_wait;
	u64 asid_wait_ctx;
	u64 asid_wait_seqno;
};

/**
 * struct maia_file - per open file state: one device address space
 * @refcount: held by the DRM file and by every job not yet freed
 * @accel: device
 * @link: entry in maia_accel.files, from creation to release
 * @remove_link: entry in the list of files device removal tears down
 * @vm_lock: protects @as, @va_mm, the bindings in it and @retired
 * @as: device address space; NULL once the device is gone
 * @va_mm: device virtual address ranges in use
 * @resv_obj: holds the VM's reservation object: the finished fence of
 *	every job of the file is in it (DMA_RESV_USAGE_BOOKKEEP), so it
 *	tells which jobs may still use any mapping of the address space
 * @retired: unbound bindings whose memory waits for those jobs
 * @hangs: jobs of the file that timed out
 * @banned: submission refused after MAIA_FILE_BAN_HANGS timeouts
 * @queues_lock: serialises queue create/destroy and submission order
 * @queues: queue id -> struct maia_queue
 * @engine_ns: engine time used by this file's jobs (fdinfo)
 * @sync_lock: protects @sync_bindings and @sync_busy; never held while
 *	waiting for a fence or allocating memory (taken in the fence
 *	signalling path)
 * @sync_bindings: bindings of host objects whose DMA mapping needs syncing
 *	(maia_binding.sync_link)
 * @sync_busy: finished fence of the last job that synced @sync_bindings
 *	for the device: the next one waits for it (see maia_vm_job_sync())
 */
struct maia_file {
	struct kref refcount;
	struct maia_accel *accel;
	struct list_head link;
	struct list_head remove_link;
	struct mutex vm_lock; /* as, va_mm */
	struct maia_as *as;
	struct drm_mm va_mm;
	struct drm_gem_object *resv_obj;
	struct list_head retired;
	struct mutex queues_lock; /* queues */
	struct xarray queues;
	atomic64_t engine_ns;
	atomic_t hangs;
	bool banned;
	struct mutex sync_lock; /* sync_bindings, sync_busy */
	struct list_head sync_bindings;
	struct dma_fence *sync_busy;
};

/**
 * struct maia_binding - one VM_BIND range
 * @node: the VA range
 * @obj: the object mapped (reference held)
 * @offset: offset in @obj
 * @flags: DRM_MAIA_BIND_*
 * @retired_link: entry in maia_file.retired once unbound
 * @tables: page tables the unmap emptied, freed with @obj
 * @fences: once unbound, the jobs that may still reach the range
 * @num_fences: entries in @fences
 * @sync_link: entry in maia_file.sync_bindings while bound, if the object's
 *	mapping needs syncing (empty otherwise)
 * @sync_dev: synced for the device for the running job, to be synced back
 *	for the CPU when it completes (maia_file.sync_lock)
 */
struct maia_binding {
	struct drm_mm_node node;
	struct drm_gem_object *obj;
	u64 offset;
	u32 flags;
	struct list_head retired_link;
	struct list_head tables;
	struct dma_fence **fences;
	unsigned int num_fences;
	struct list_head sync_link;
	bool sync_dev;
};

/**
 * struct maia_queue - a submission queue (drm_sched entity)
 * @refcount: held by the queue table and by each job
 * @mfile: owner
 * @entity: scheduler entity
 * @id: queue id in the file
 * @priority: DRM_MAIA_PRIORITY_*
 * @submit_lock: keeps arm + push of jobs in order; protects @dead
 * @dead: the queue is being destroyed: no job may be armed any more
 * @cancel_error: nonzero once jobs not yet on a ring are to be dropped
 *                with this error instead of run (file closed, device gone)
 * @submitted: jobs submitted
 * @completed: jobs whose hardware fence signalled
 * @faults: jobs that failed
 * @last_error: errno of the last failed job
 * @fault_addr: device address of the last MMU fault
 * @banned: submission refused after MAIA_QUEUE_BAN_FAULTS failures
 */
struct maia_queue {
	struct kref refcount;
	struct maia_file *mfile;
	struct drm_sched_entity entity;
	u32 id;
	u32 priority;
	struct mutex submit_lock; /* job arm/push order, dead */
	bool dead;
	int cancel_error;
	atomic64_t submitted;
	atomic64_t completed;
	atomic_t faults;
	int last_error;
	u64 fault_addr;
	bool banned;
};

/**
 * struct maia_job - one submitted command buffer
 * @base: scheduler job
 * @queue: submitting queue (reference held)
 * @ring: ring the job runs on, set by run_job
 * @mfile: submitting file (reference held: keeps the address space alive)
 * @asid: hardware address-space id @mfile's address space has while the
 *	job runs, set by maia_vm_job_pin()
 * @asid_pinned: the job holds @asid (from prepare_job until retired)
 * @ib_va: first command
 * @ib_count: commands
 * @bos: objects named in the submission (references held)
 * @num_bos: entries in @bos
 * @hw_fence: signalled from the completion interrupt
 * @hw_fence_armed: @hw_fence was initialised by run_job
 * @seq: ring sequence number
 * @ring_link: entry in maia_ring.pending
 * @start_ns: when the job was pushed
 * @tgid: process that submitted the job (for fault injection)
 * @synced: the file's host memory was synced for the device for this job;
 *	it is synced for the CPU before @hw_fence signals
 * @sync_link: entry in maia_ring.synced between retirement and signal
 */
struct maia_job {
	struct drm_sched_job base;
	struct maia_queue *queue;
	struct maia_ring *ring;
	struct maia_file *mfile;
	u32 asid;
	bool asid_pinned;
	u64 ib_va;
	u32 ib_count;
	struct drm_gem_object **bos;
	u32 num_bos;
	struct dma_fence *hw_fence;
	bool hw_fence_armed;
	u64 seq;
	struct list_head ring_link;
	u64 start_ns;
	pid_t tgid;
	bool synced;
	struct list_head sync_link;
};

/**
 * struct maia_shmem_bo - host memory object
 * @base: shmem GEM object
 * @dma_sgt: pages mapped for the PCI function, set on first bind
 * @dma_dev: device @dma_sgt is mapped for (reference held)
 * @dma_link: entry in maia_accel.dma_bos while @dma_sgt is set
 * @dma_need_sync: @dma_sgt must be synced around device access (bounce
 *	buffers, non-coherent DMA)
 *
 * The dma_* fields are protected by maia_accel.dma_lock.
 */
struct maia_shmem_bo {
	struct drm_gem_shmem_object base;
	struct sg_table *dma_sgt;
	struct device *dma_dev;
	struct list_head dma_link;
	bool dma_need_sync;
};

/**
 * struct maia_hbm_bo - device memory object
 * @base: GEM object
 * @blocks: gpu_buddy blocks (one, contiguous)
 * @hbm_offset: offset of the object in HBM
 */
struct maia_hbm_bo {
	struct drm_gem_object base;
	struct list_head blocks;
	u64 hbm_offset;
};

static inline struct maia_accel *to_maia_accel(struct drm_device *drm)
{
	return container_of(drm, struct maia_accel, drm);
}

static inline struct maia_shmem_bo *to_maia_shmem_bo(struct drm_gem_object *obj)
{
	return container_of(to_drm_gem_shmem_obj(obj), struct maia_shmem_bo, base);
}

static inline struct maia_hbm_bo *to_maia_hbm_bo(struct drm_gem_object *obj)
{
	return container_of(obj, struct maia_hbm_bo, base);
}

/* maia_gem.c */
bool maia_bo_is_hbm(struct drm_gem_object *obj);
struct drm_gem_object *maia_gem_create_object(struct drm_device *drm,
					      size_t size);
struct drm_gem_object *maia_gem_prime_import(struct drm_device *drm,
					     struct dma_buf *dma_buf);
struct sg_table *maia_bo_dma_sgt(struct maia_accel *accel,
				 struct drm_gem_object *obj);
int maia_hbm_init(struct maia_accel *accel);
void maia_gem_unmap_all(struct maia_accel *accel);
bool maia_bo_need_sync(struct drm_gem_object *obj);
void maia_bo_sync(struct drm_gem_object *obj, bool for_device);
int maia_ioctl_bo_create(struct drm_device *drm, void *data,
			 struct drm_file *file);
int maia_ioctl_bo_info(struct drm_device *drm, void *data,
		       struct drm_file *file);

/* maia_vm.c */
struct maia_file *maia_file_create(struct maia_accel *accel);
void maia_file_put(struct maia_file *mfile);
void maia_file_teardown_vm(struct maia_file *mfile);
void maia_vm_init(struct maia_accel *accel);
int maia_vm_lock_job(struct maia_job *job, struct ww_acquire_ctx *ticket,
		     struct drm_gem_object ***objs);
void maia_vm_add_job_fence(struct maia_job *job, struct drm_gem_object **objs,
			   struct dma_fence *finished);
void maia_vm_unlock_job(struct maia_job *job, struct ww_acquire_ctx *ticket,
			struct drm_gem_object **objs);
struct dma_fence *maia_vm_job_pin(struct maia_job *job);
void maia_vm_job_unpin(struct maia_job *job);
void maia_vm_reap(struct maia_file *mfile);
struct dma_fence *maia_vm_job_sync(struct maia_job *job);
void maia_vm_sync_for_cpu(struct maia_file *mfile);
int maia_ioctl_vm_bind(struct drm_device *drm, void *data,
		       struct drm_file *file);
int maia_ioctl_vm_unbind(struct drm_device *drm, void *data,
			 struct drm_file *file);

/* maia_job.c */
int maia_rings_init(struct maia_accel *accel);
void maia_rings_fini(struct maia_accel *accel);
void maia_file_destroy_queues(struct maia_file *mfile, int cancel_error);
int maia_ioctl_queue_create(struct drm_device *drm, void *data,
			    struct drm_file *file);
int maia_ioctl_queue_destroy(struct drm_device *drm, void *data,
			     struct drm_file *file);
int maia_ioctl_queue_state(struct drm_device *drm, void *data,
			   struct drm_file *file);
int maia_ioctl_submit(struct drm_device *drm, void *data,
		      struct drm_file *file);

/* maia_sysfs.c */
extern const struct attribute_group *maia_accel_groups[];

/* maia_debugfs.c */
void maia_debugfs_init(struct maia_accel *accel);

#endif /* MAIA_ACCEL_H */
