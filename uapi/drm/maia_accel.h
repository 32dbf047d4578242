/* SPDX-License-Identifier: MIT */
/*
 * Maia accelerator userspace ABI (DRM accel, /dev/accel/accelN).
 *
 * Rules that hold for every driver ioctl:
 *  - the argument size encoded in the ioctl number must equal the size of the
 *    structure in this header, otherwise the ioctl fails with -EINVAL;
 *  - every flags field accepts only the bits defined here (-EINVAL otherwise);
 *  - every pad and reserved field must be zero on input (-EINVAL otherwise);
 *  - structures are 64-bit aligned and have the same layout on 32-bit and
 *    64-bit userspace.
 * Ioctl numbers are append-only. The ABI version is reported by GET_INFO.
 */
#ifndef _UAPI_DRM_MAIA_ACCEL_H_
#define _UAPI_DRM_MAIA_ACCEL_H_

#include "drm.h"

#if defined(__cplusplus)
extern "C" {
#endif

#define MAIA_UAPI_VERSION_MAJOR	1
#define MAIA_UAPI_VERSION_MINOR	0
#define MAIA_UAPI_VERSION	((MAIA_UAPI_VERSION_MAJOR << 16) | \
				 MAIA_UAPI_VERSION_MINOR)

#define DRM_MAIA_GET_INFO	0x00
#define DRM_MAIA_BO_CREATE	0x01
#define DRM_MAIA_BO_INFO	0x02
#define DRM_MAIA_VM_BIND	0x03
#define DRM_MAIA_VM_UNBIND	0x04
#define DRM_MAIA_QUEUE_CREATE	0x05
#define DRM_MAIA_QUEUE_DESTROY	0x06
#define DRM_MAIA_SUBMIT		0x07
#define DRM_MAIA_QUEUE_STATE	0x08

/* Capability bits reported in drm_maia_get_info.capabilities */
#define DRM_MAIA_CAP_HBM	(1ULL << 0)
#define DRM_MAIA_CAP_ENGINE	(1ULL << 1)
#define DRM_MAIA_CAP_MMU	(1ULL << 2)
#define DRM_MAIA_CAP_LINK	(1ULL << 3)

/**
 * struct drm_maia_get_info - identity and configuration of the device
 *
 * Errors: -EINVAL if @flags, @pad or @reserved is not zero or the argument
 * size is not sizeof(struct drm_maia_get_info); -ENODEV if the device is gone.
 */
struct drm_maia_get_info {
	/** @flags: in, must be zero */
	__u32 flags;
	/** @pad: in, must be zero */
	__u32 pad;
	/** @hw_id: out, the device identity register (0x4d414941, "MAIA") */
	__u32 hw_id;
	/** @hw_version: out, hardware version, major << 16 | minor */
	__u32 hw_version;
	/** @uapi_version: out, MAIA_UAPI_VERSION of the running driver */
	__u32 uapi_version;
	/**
	 * @num_queues: out, command rings of the device (the hardware rings
	 * that queues of DRM_IOCTL_MAIA_QUEUE_CREATE are scheduled on)
	 */
	__u32 num_queues;
	/** @num_ports: out, optical ports */
	__u32 num_ports;
	/** @num_lanes: out, optical lanes per port */
	__u32 num_lanes;
	/** @hbm_size: out, bytes of device memory (HBM) */
	__u64 hbm_size;
	/** @capabilities: out, DRM_MAIA_CAP_* bits */
	__u64 capabilities;
	/** @serial: out, device serial number */
	__u64 serial;
	/** @pci_bus_info: out, PCI domain << 16 | bus << 8 | devfn */
	__u64 pci_bus_info;
	/** @reserved: in, must be zero; out, zero */
	__u64 reserved[4];
};

/*
 * Device virtual addresses. Each open file has its own device address space;
 * userspace places objects in it with VM_BIND at addresses of its choice in
 * [DRM_MAIA_VA_START, DRM_MAIA_VA_END). Every address an engine command names
 * is translated in the submitting file's address space; anything else
 * faults.
 */
#define DRM_MAIA_VA_START	0x100000ULL
#define DRM_MAIA_VA_END		(1ULL << 47)
#define DRM_MAIA_PAGE_SIZE	4096ULL

/* drm_maia_bo_create.flags */
#define DRM_MAIA_BO_HBM		(1U << 0)	/* device memory, not host RAM */

/**
 * struct drm_maia_bo_create - allocate a buffer object
 *
 * Host-memory objects are shmem backed; HBM objects come from the device's
 * memory and are mapped write-combined through BAR2. Both start zeroed and
 * can be mmapped at the offset returned by DRM_IOCTL_MAIA_BO_INFO.
 * Host-memory objects can be exported as dma-bufs (PRIME); HBM objects
 * cannot (-EOPNOTSUPP from DRM_IOCTL_PRIME_HANDLE_TO_FD).
 *
 * Errors: -EINVAL bad size (0, not a multiple of DRM_MAIA_PAGE_SIZE, or
 * larger than the memory), or unknown flags; -ENOMEM/-ENOSPC when
 * host memory or HBM is exhausted.
 */
struct drm_maia_bo_create {
	/** @size: in, bytes, multiple of DRM_MAIA_PAGE_SIZE */
	__u64 size;
	/** @flags: in, DRM_MAIA_BO_* */
	__u32 flags;
	/** @handle: out, GEM handle */
	__u32 handle;
};

/**
 * struct drm_maia_bo_info - describe a buffer object
 *
 * The output fields are ignored on input.
 *
 * Errors: -ENOENT unknown handle.
 */
struct drm_maia_bo_info {
	/** @handle: in */
	__u32 handle;
	/** @flags: out, DRM_MAIA_BO_* the object was created with */
	__u32 flags;
	/** @size: out, bytes */
	__u64 size;
	/** @mmap_offset: out, offset to pass to mmap() on the device file */
	__u64 mmap_offset;
	/** @hbm_offset: out, for HBM objects the offset in device memory */
	__u64 hbm_offset;
};

/* drm_maia_vm_bind.flags */
#define DRM_MAIA_BIND_READONLY	(1U << 0)	/* the engine may not write */

/**
 * struct drm_maia_vm_bind - map part of an object into the file's address space
 *
 * Maps [@offset, @offset + @size) of the object at device address @va. The
 * binding holds a reference on the object until it is unbound or the file is
 * closed. Objects imported from another device or process via PRIME can be
 * bound too.
 *
 * Errors: -ENOENT unknown handle; -EINVAL unaligned @va/@offset/@size, zero
 * size, range outside the object or outside [DRM_MAIA_VA_START,
 * DRM_MAIA_VA_END), arithmetic overflow, or unknown flags;
 * -EEXIST the range overlaps an existing binding.
 */
struct drm_maia_vm_bind {
	/** @handle: in, object to map */
	__u32 handle;
	/** @flags: in, DRM_MAIA_BIND_* */
	__u32 flags;
	/** @va: in, device virtual address, page aligned */
	__u64 va;
	/** @offset: in, offset in the object, page aligned */
	__u64 offset;
	/** @size: in, bytes, page aligned */
	__u64 size;
};

/**
 * struct drm_maia_vm_unbind - remove a binding
 *
 * @va and @size must match one earlier VM_BIND exactly. Jobs that named the
 * object in their submission are waited for first (interruptibly, up to
 * 10 s), with the range still mapped, so they complete normally. Then the
 * range is removed: an access a job starts in it afterwards faults (-EFAULT
 * on its fence), and the range can be bound again. The call then waits
 * (interruptibly, up to 10 s) for the file's other jobs submitted before
 * it, which may use the range without naming the object, so that when it
 * returns none of them is still using it. The object's memory (and the
 * reference the binding held) is released only after all of those jobs have
 * finished, even when that second wait is cut short, so the device never
 * reaches memory that has gone to someone else.
 *
 * Errors: -ENOENT no binding with that exact range; -EBUSY jobs that named
 * the object still running after 10 s; -EINTR/-ERESTARTSYS interrupted
 * while waiting for them (in both cases the binding is left in place).
 */
struct drm_maia_vm_unbind {
	/** @va: in */
	__u64 va;
	/** @size: in */
	__u64 size;
};

#define DRM_MAIA_PRIORITY_LOW		0
#define DRM_MAIA_PRIORITY_NORMAL	1
#define DRM_MAIA_PRIORITY_HIGH		2
#define DRM_MAIA_MAX_QUEUES_PER_FILE	16

/**
 * struct drm_maia_queue_create - create a submission queue
 *
 * Queues are scheduled onto the hardware rings by drm_sched; jobs on one
 * queue run in order, jobs on different queues may run concurrently.
 *
 * Errors: -EINVAL bad priority, unknown flags, nonzero pad; -EACCES
 * DRM_MAIA_PRIORITY_HIGH without CAP_SYS_NICE; -ENOSPC too many queues.
 */
struct drm_maia_queue_create {
	/** @priority: in, DRM_MAIA_PRIORITY_* */
	__u32 priority;
	/** @flags: in, must be zero */
	__u32 flags;
	/** @queue_id: out */
	__u32 queue_id;
	/** @pad: must be zero */
	__u32 pad;
};

/**
 * struct drm_maia_queue_destroy - destroy a queue
 *
 * Jobs already submitted still complete (or, if the file is closed first,
 * those not yet on a ring are cancelled with -ECANCELED); their fences are
 * signalled either way.
 *
 * Errors: -ENOENT unknown queue; -EINVAL nonzero pad.
 */
struct drm_maia_queue_destroy {
	/** @queue_id: in */
	__u32 queue_id;
	/** @pad: must be zero */
	__u32 pad;
};

#define DRM_MAIA_MAX_IB_COUNT		65536
#define DRM_MAIA_MAX_SUBMIT_BOS		1024
#define DRM_MAIA_MAX_SUBMIT_SYNCOBJS	64

/**
 * struct drm_maia_submit - run a command buffer on a queue
 *
 * The command buffer is @ib_count engine commands (64 bytes each, format in
 * Documentation/hw-reference.rst) at device address @ib_va, which must be
 * bound. The job waits for every syncobj in @in_syncobjs, runs, and signals
 * its fence, which replaces the fence of @out_syncobj (if nonzero) and is
 * added to the reservation object of every object in @bo_handles (as a
 * write). The job also waits for the fences already in those reservation
 * objects (implicit synchronisation), so list every object the job uses,
 * including the command buffer. A job that fails (MMU fault: -EFAULT, malformed command: -EINVAL,
 * DMA error: -EIO, timeout: -ETIMEDOUT, cancelled before it reached a ring
 * because the file was closed or the queue banned: -ECANCELED, device
 * removed: -ENODEV) signals its fence with that error; see
 * DRM_IOCTL_MAIA_QUEUE_STATE.
 *
 * Errors: -ENOENT unknown queue or object, unknown in-syncobj or one that
 * has no fence yet, unknown out-syncobj; -EINVAL @ib_va unaligned (64
 * bytes), @ib_count 0 or above DRM_MAIA_MAX_IB_COUNT, too many handles, an
 * object listed twice, unknown flags; -EFAULT bad array pointers; -ECANCELED the queue is banned
 * after repeated faults, or the file after repeated timeouts.
 */
struct drm_maia_submit {
	/** @queue_id: in */
	__u32 queue_id;
	/** @flags: in, must be zero */
	__u32 flags;
	/** @ib_va: in, device address of the first command */
	__u64 ib_va;
	/** @ib_count: in, number of commands */
	__u32 ib_count;
	/** @num_bos: in, entries in @bo_handles */
	__u32 num_bos;
	/** @bo_handles: in, pointer to __u32 GEM handles */
	__u64 bo_handles;
	/** @in_syncobjs: in, pointer to __u32 syncobj handles to wait for */
	__u64 in_syncobjs;
	/** @num_in_syncobjs: in */
	__u32 num_in_syncobjs;
	/** @out_syncobj: in, syncobj to receive the job's fence, or 0 */
	__u32 out_syncobj;
	/** @seqno: out, the job's sequence number on this queue */
	__u64 seqno;
};

#define DRM_MAIA_QUEUE_OK	0
#define DRM_MAIA_QUEUE_ERROR	1	/* last job failed, queue still usable */
#define DRM_MAIA_QUEUE_BANNED	2	/* too many failures (of the queue, or
					 * timeouts of the file), submit refused
					 */

/**
 * struct drm_maia_queue_state - error state of a queue
 *
 * Errors: -ENOENT unknown queue; -EINVAL nonzero reserved.
 */
struct drm_maia_queue_state {
	/** @queue_id: in */
	__u32 queue_id;
	/** @state: out, DRM_MAIA_QUEUE_* */
	__u32 state;
	/** @last_error: out, negative errno of the last failed job, or 0 */
	__s32 last_error;
	/** @faults: out, failed jobs on this queue */
	__u32 faults;
	/** @submitted: out, jobs submitted */
	__u64 submitted;
	/** @completed: out, jobs whose fence has signalled */
	__u64 completed;
	/** @fault_addr: out, device address of the last MMU fault */
	__u64 fault_addr;
	/** @reserved: must be zero */
	__u64 reserved[2];
};

#define DRM_IOCTL_MAIA_GET_INFO \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_MAIA_GET_INFO, struct drm_maia_get_info)
#define DRM_IOCTL_MAIA_BO_CREATE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_MAIA_BO_CREATE, struct drm_maia_bo_create)
#define DRM_IOCTL_MAIA_BO_INFO \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_MAIA_BO_INFO, struct drm_maia_bo_info)
#define DRM_IOCTL_MAIA_VM_BIND \
	DRM_IOW(DRM_COMMAND_BASE + DRM_MAIA_VM_BIND, struct drm_maia_vm_bind)
#define DRM_IOCTL_MAIA_VM_UNBIND \
	DRM_IOW(DRM_COMMAND_BASE + DRM_MAIA_VM_UNBIND, struct drm_maia_vm_unbind)
#define DRM_IOCTL_MAIA_QUEUE_CREATE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_MAIA_QUEUE_CREATE, struct drm_maia_queue_create)
#define DRM_IOCTL_MAIA_QUEUE_DESTROY \
	DRM_IOW(DRM_COMMAND_BASE + DRM_MAIA_QUEUE_DESTROY, struct drm_maia_queue_destroy)
#define DRM_IOCTL_MAIA_SUBMIT \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_MAIA_SUBMIT, struct drm_maia_submit)
#define DRM_IOCTL_MAIA_QUEUE_STATE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_MAIA_QUEUE_STATE, struct drm_maia_queue_state)

#if defined(__cplusplus)
}
#endif

#endif /* _UAPI_DRM_MAIA_ACCEL_H_ */
