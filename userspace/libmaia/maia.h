/* SPDX-License-Identifier: MIT */
/*
 * libmaia: userspace access to Maia AI accelerators driven by the
 * maia_accel DRM accel driver (/dev/accel/accelN).
 *
 * API v1 (v0 plus buffers, address space, queues, command buffers, submit
 * and fences). Every function that can fail returns 0 (or a count) on
 * success and a negative errno on failure; maia_strerror() turns that into
 * a message. The library never prints.
 *
 * This header is self-contained on purpose: applications that only use
 * libmaia do not need the kernel uAPI header or libdrm's headers. Constants
 * repeated from the uAPI carry names of their own so that both headers can
 * be included together; libmaia checks at build time that the values agree.
 *
 * Threads: the device-wide state libmaia keeps (the VA allocator and the
 * table of buffer objects) is locked internally, so different objects of
 * one device may be used from different threads. One object (a buffer,
 * queue, command buffer or fence) must not be used by two threads at once.
 *
 * Lifetime: destroy every object created on a device before maia_close();
 * objects left over are leaked (the kernel still releases them when the
 * file is closed and their CPU mappings are gone), and must not be used
 * afterwards.
 */
#ifndef MAIA_H
#define MAIA_H

#include <stdint.h>

#if defined(__cplusplus)
extern "C" {
#endif

#define MAIA_API_VERSION	1

/* Value of maia_info.hw_id on genuine hardware: ASCII "MAIA". */
#define MAIA_HW_ID		0x4d414941u

/*
 * Capability bits in maia_info.capabilities. Same values as the uAPI's
 * DRM_MAIA_CAP_* (libmaia checks that at build time), repeated here so this
 * header stays independent of the kernel headers.
 */
#define MAIA_CAP_HBM		(1ULL << 0)	/* device memory present */
#define MAIA_CAP_ENGINE		(1ULL << 1)	/* tensor engine present */
#define MAIA_CAP_MMU		(1ULL << 2)	/* device MMU present */
#define MAIA_CAP_LINK		(1ULL << 3)	/* optical link ports present */

/* Sizes of the string fields of struct maia_info, including the NUL. */
#define MAIA_DRIVER_NAME_SIZE	32
#define MAIA_DRIVER_DATE_SIZE	32
#define MAIA_DRIVER_DESC_SIZE	64
#define MAIA_PCI_ADDRESS_SIZE	24

/* An open accelerator. Opaque: use maia_fd() to reach the file descriptor. */
struct maia_device;

/*
 * struct maia_info - identity and configuration of one accelerator.
 *
 * Owned by the library (not the uAPI structure), so it carries decoded
 * values and the driver's version strings as well. Strings are always
 * NUL-terminated and are truncated if the driver reports longer ones.
 */
struct maia_info {
	uint32_t hw_id;			/* identity register, MAIA_HW_ID */
	uint16_t hw_version_major;
	uint16_t hw_version_minor;
	uint16_t uapi_version_major;	/* uAPI spoken by the running driver */
	uint16_t uapi_version_minor;

	/* From DRM_IOCTL_VERSION, i.e. what drmGetVersion() reports. */
	char driver_name[MAIA_DRIVER_NAME_SIZE];
	int driver_version_major;
	int driver_version_minor;
	int driver_version_patchlevel;
	char driver_date[MAIA_DRIVER_DATE_SIZE];
	char driver_desc[MAIA_DRIVER_DESC_SIZE];

	uint64_t hbm_size;		/* bytes of device memory */
	uint64_t capabilities;		/* MAIA_CAP_* bits */
	uint64_t serial;
	uint32_t num_queues;		/* command rings of the device */
	uint32_t num_ports;		/* optical ports */
	uint32_t num_lanes;		/* optical lanes per port */

	char pci_address[MAIA_PCI_ADDRESS_SIZE];	/* "dddd:bb:dd.f" */
	unsigned int accel_index;	/* N of /dev/accel/accelN */
};

/*
 * Open /dev/accel/accel<index>. Fails with -ENODEV if the node does not exist
 * or is driven by another driver than maia_accel, -EACCES if the caller may
 * not open it.
 */
int maia_open_index(unsigned int index, struct maia_device **out);

/*
 * Open the accelerator of a PCI function, given as "dddd:bb:dd.f" or
 * "bb:dd.f" (domain 0). Fails with -EINVAL if the address is malformed and
 * -ENODEV if no maia accel node belongs to that PCI function.
 */
int maia_open_pci(const char *pci_address, struct maia_device **out);

/*
 * Number of accel nodes driven by maia_accel (0 if none), or a negative
 * errno. Found through sysfs; no device is opened.
 */
int maia_device_count(void);

/*
 * Accel indices (N of /dev/accel/accelN) of every maia node, in ascending
 * order. Accel indices are shared with other accel drivers, so maia nodes
 * need not be numbered 0..count-1; enumerate with this. Stores at most
 * @capacity indices and returns the total number of maia nodes, which may
 * exceed @capacity, or a negative errno. @indices may be NULL if @capacity
 * is 0.
 */
int maia_device_indices(unsigned int *indices, unsigned int capacity);

/* Close a device opened by maia_open_*(). NULL is accepted and ignored. */
void maia_close(struct maia_device *dev);

/* The DRM file descriptor, for ioctls libmaia does not wrap yet. */
int maia_fd(const struct maia_device *dev);

/* Fill @out with the identity and configuration of @dev. */
int maia_get_info(struct maia_device *dev, struct maia_info *out);

/*
 * Human-readable message for a negative errno returned by libmaia (a
 * positive errno is accepted too). Never returns NULL; the string must not
 * be freed or modified.
 */
const char *maia_strerror(int err);

/*
 * Errors that complete a job (reported by maia_fence_wait()):
 *   -EFAULT     device MMU fault: a command named an address that is not
 *               bound in this device's address space, or wrote to a
 *               read-only binding
 *   -EINVAL     malformed command (bad opcode, alignment, size or dims)
 *   -EIO        DMA error
 *   -ETIMEDOUT  the job ran too long and was stopped
 *   -ECANCELED  the job was cancelled (queue banned or destroyed)
 * After a failure the queue reports it through maia_queue_state() and stays
 * usable, until repeated failures ban it: maia_submit() then fails with
 * -ECANCELED.
 */

/* ----------------------------------------------------------------------- */
/* Buffer objects                                                           */
/* ----------------------------------------------------------------------- */

/* Flags of maia_bo_create() (same values as the uAPI's DRM_MAIA_BO_*). */
#define MAIA_BO_HBM		(1u << 0)	/* device memory instead of host RAM */

/* Flags of maia_bo_bind() (DRM_MAIA_BIND_*). */
#define MAIA_BIND_READONLY	(1u << 0)	/* the engine may only read */

/*
 * Device address space of one open device: objects are bound at addresses
 * in [MAIA_VA_START, MAIA_VA_END), page aligned.
 */
#define MAIA_VA_START		0x100000ULL
#define MAIA_VA_END		(1ULL << 47)
#define MAIA_PAGE_SIZE		4096ULL

/* A buffer object: host memory or device memory (HBM). Opaque. */
struct maia_bo;

/*
 * Allocate a buffer object of at least @size bytes (rounded up to
 * MAIA_PAGE_SIZE; maia_bo_size() tells the result). @flags: 0 for host
 * memory, MAIA_BO_HBM for device memory. -EINVAL for a zero or too large
 * size or unknown flags, -ENOMEM/-ENOSPC when the memory is exhausted.
 */
int maia_bo_create(struct maia_device *dev, uint64_t size, uint32_t flags,
		   struct maia_bo **out);

/*
 * Drop a buffer object: unmaps it, unbinds it if bound and releases the
 * handle. Imported objects are reference counted (see maia_bo_import()).
 * NULL is accepted and ignored.
 *
 * Unbinding waits for the jobs whose maia_submit() listed the object; a job
 * that uses it without listing it faults (-EFAULT) if it is still running.
 */
void maia_bo_destroy(struct maia_bo *bo);

/*
 * CPU mapping of the whole object (shared with the device; HBM objects are
 * mapped write-combined, so reading them is slow). The mapping is created
 * on first use and kept until maia_bo_unmap() or maia_bo_destroy(); later
 * calls return the same address.
 */
int maia_bo_map(struct maia_bo *bo, void **cpu);
void maia_bo_unmap(struct maia_bo *bo);

uint32_t maia_bo_handle(const struct maia_bo *bo);	/* GEM handle */
uint64_t maia_bo_size(const struct maia_bo *bo);	/* bytes */
uint32_t maia_bo_flags(const struct maia_bo *bo);	/* MAIA_BO_* */

/*
 * Export as a dma-buf file descriptor (close-on-exec, read-write), e.g. to
 * hand it to another process or device. The caller owns *dmabuf_fd. Only
 * host-memory objects can be exported: MAIA_BO_HBM ones fail with
 * -EOPNOTSUPP.
 */
int maia_bo_export(struct maia_bo *bo, int *dmabuf_fd);

/*
 * Import a dma-buf. The caller keeps ownership of @dmabuf_fd. A buffer this
 * device already has a struct maia_bo for (created here, or imported
 * earlier) yields that same struct with its reference count raised: every
 * successful import needs its own maia_bo_destroy().
 */
int maia_bo_import(struct maia_device *dev, int dmabuf_fd,
		   struct maia_bo **out);

/*
 * Bind the whole object at device address @va (page aligned, inside
 * [MAIA_VA_START, MAIA_VA_END)); @flags: MAIA_BIND_*. An object is bound at
 * most once through this API (-EBUSY otherwise). -EEXIST if the range
 * overlaps another binding of the device.
 */
int maia_bo_bind(struct maia_bo *bo, uint64_t va, uint32_t flags);

/* Remove the binding made by maia_bo_bind() (-ENOENT if not bound). */
int maia_bo_unbind(struct maia_bo *bo);

/* Device address of the binding, 0 if the object is not bound. */
uint64_t maia_bo_va(const struct maia_bo *bo);

/*
 * Reserve @size bytes of device address space: a bump allocator starting at
 * MAIA_VA_START, 2 MiB aligned for sizes of 2 MiB or more, page aligned
 * otherwise. Address space is never handed out twice and never reused
 * (there is no free); -ENOSPC once MAIA_VA_END is reached. Addresses that
 * the application picks itself for maia_bo_bind() are not known to the
 * allocator: keep them away from what it hands out (e.g. in the upper half,
 * at MAIA_VA_END / 2 and above) or maia_bo_bind() fails with -EEXIST.
 */
int maia_va_alloc(struct maia_device *dev, uint64_t size, uint64_t *va);

/* maia_bo_create() + maia_va_alloc() + maia_bo_bind(bo, va, 0). */
int maia_bo_create_bound(struct maia_device *dev, uint64_t size,
			 uint32_t flags, struct maia_bo **out);

/* ----------------------------------------------------------------------- */
/* Queues                                                                   */
/* ----------------------------------------------------------------------- */

/* Queue priorities (DRM_MAIA_PRIORITY_*); HIGH needs CAP_SYS_NICE. */
#define MAIA_PRIORITY_LOW	0
#define MAIA_PRIORITY_NORMAL	1
#define MAIA_PRIORITY_HIGH	2

/* Queues one open device may have at a time (DRM_MAIA_MAX_QUEUES_PER_FILE). */
#define MAIA_MAX_QUEUES_PER_OPEN	16

/* maia_queue_state.state (DRM_MAIA_QUEUE_*). */
#define MAIA_QUEUE_OK		0
#define MAIA_QUEUE_ERROR	1	/* last failed job left it here; usable */
#define MAIA_QUEUE_BANNED	2	/* too many failures; submit refused */

/*
 * A submission queue. Jobs on one queue run in order; jobs on different
 * queues may run concurrently. Opaque.
 */
struct maia_queue;

/* Error state of a queue, as DRM_IOCTL_MAIA_QUEUE_STATE reports it. */
struct maia_queue_state {
	uint32_t state;		/* MAIA_QUEUE_* */
	int32_t last_error;	/* negative errno of the last failed job, or 0 */
	uint32_t faults;	/* failed jobs */
	uint64_t submitted;	/* jobs submitted */
	uint64_t completed;	/* jobs whose fence has signalled */
	uint64_t fault_addr;	/* device address of the last MMU fault */
};

/*
 * -EINVAL bad priority, -EACCES MAIA_PRIORITY_HIGH without CAP_SYS_NICE,
 * -ENOSPC MAIA_MAX_QUEUES_PER_OPEN queues already exist.
 */
int maia_queue_create(struct maia_device *dev, uint32_t priority,
		      struct maia_queue **out);

/*
 * Destroy a queue. Jobs already submitted still complete and their fences
 * signal. NULL is accepted and ignored.
 */
void maia_queue_destroy(struct maia_queue *q);

/* The queue id of the uAPI, for ioctls libmaia does not wrap. */
uint32_t maia_queue_id(const struct maia_queue *q);

int maia_queue_state(struct maia_queue *q, struct maia_queue_state *out);

/* ----------------------------------------------------------------------- */
/* Command buffers                                                          */
/* ----------------------------------------------------------------------- */

/* Element types (MAIA_DTYPE_* of the command format). */
enum maia_dtype {
	MAIA_TYPE_FP32 = 0,
	MAIA_TYPE_BF16 = 1,	/* GEMM: A and B bf16, C fp32 */
	MAIA_TYPE_INT8 = 2,	/* GEMM only: A and B int8, C int32 */
};

/* Element-wise operations (MAIA_ELT_* of the command format). */
enum maia_eltwise_op {
	MAIA_ELTWISE_ADD = 0,	/* dst = src0 + src1 */
	MAIA_ELTWISE_MUL = 1,	/* dst = src0 * src1 */
	MAIA_ELTWISE_SCALE = 2,	/* dst = scale * src0 */
	MAIA_ELTWISE_RELU = 3,	/* dst = max(src0, 0) */
	MAIA_ELTWISE_GELU = 4,	/* tanh approximation */
};

/* Largest GEMM dimension (M, N, K) and largest COPY/FILL in bytes. */
#define MAIA_MAX_GEMM_DIM	16384
#define MAIA_MAX_TRANSFER_BYTES	(1ULL << 32)
/* Most commands one submission (and so one command buffer) can hold. */
#define MAIA_MAX_CMDBUF_CMDS	65536
/* Limits of one maia_submit(). */
#define MAIA_MAX_SUBMIT_BOS	1024
#define MAIA_MAX_SUBMIT_SYNCOBJS	64

/*
 * A command buffer: a host memory object, bound read-only in the device's
 * address space, that the maia_cmd_*() functions append engine commands to.
 * Opaque.
 *
 * The device reads the commands when the job runs: do not reset or append
 * to a command buffer while a submission of it may still be running (wait
 * for its fence first). Commands use device addresses (maia_bo_va()).
 */
struct maia_cmdbuf;

/* Room for @max_cmds commands, 1..MAIA_MAX_CMDBUF_CMDS. */
int maia_cmdbuf_create(struct maia_device *dev, uint32_t max_cmds,
		       struct maia_cmdbuf **out);
void maia_cmdbuf_destroy(struct maia_cmdbuf *cb);	/* NULL is ignored */

/* Forget every command, keep the memory. */
void maia_cmdbuf_reset(struct maia_cmdbuf *cb);

/* Commands written so far, and room in total. */
int maia_cmdbuf_count(const struct maia_cmdbuf *cb);
int maia_cmdbuf_capacity(const struct maia_cmdbuf *cb);

/* Device address of the first command. */
uint64_t maia_cmdbuf_va(const struct maia_cmdbuf *cb);

/*
 * Appending commands. Each returns 0, -ENOSPC if the command buffer is full
 * or -EINVAL if an argument breaks a rule of the command format that is
 * visible without running it (alignment, sizes, dimensions, unknown types).
 * Errors the device finds (unmapped addresses, ...) fail the job instead.
 */
int maia_cmd_nop(struct maia_cmdbuf *cb);

/* Copy @bytes (at most MAIA_MAX_TRANSFER_BYTES) from @src to @dst. */
int maia_cmd_copy(struct maia_cmdbuf *cb, uint64_t src, uint64_t dst,
		  uint64_t bytes);

/* Store the 32-bit @value over @bytes at @dst; @dst and @bytes 4-aligned. */
int maia_cmd_fill(struct maia_cmdbuf *cb, uint64_t dst, uint64_t bytes,
		  uint32_t value);

/*
 * GEMM: C = alpha * A x B + beta * C, row major; A is m x k, B is k x n,
 * C is m x n. Leading dimensions are in elements; 0 means packed rows (k,
 * n, n). Operands must be aligned to their element size (C: 4 bytes).
 * MAIA_TYPE_INT8 requires alpha == 1 and beta == 0 or 1.
 */
struct maia_gemm_desc {
	enum maia_dtype dtype;
	uint32_t m, n, k;	/* 1..MAIA_MAX_GEMM_DIM */
	uint64_t a, b, c;	/* device addresses */
	uint32_t lda, ldb, ldc;
	float alpha, beta;
};
int maia_cmd_gemm(struct maia_cmdbuf *cb, const struct maia_gemm_desc *gemm);

/*
 * Element-wise operation over @count elements of @dtype (FP32 or BF16; all
 * operands of that type). @src1 is used by ADD and MUL only and @scale by
 * SCALE only; otherwise they are ignored.
 */
int maia_cmd_eltwise(struct maia_cmdbuf *cb, enum maia_eltwise_op op,
		     enum maia_dtype dtype, uint64_t src0, uint64_t src1,
		     uint64_t dst, uint64_t count, float scale);

/* Write the 64-bit @value to @addr (8-aligned). */
int maia_cmd_fence(struct maia_cmdbuf *cb, uint64_t addr, uint64_t value);

/*
 * Stall the queue until the 64-bit value at @addr (8-aligned) is >= @value,
 * e.g. a FENCE of a job on another queue. A WAIT whose value never comes is
 * ended by the job timeout (-ETIMEDOUT).
 */
int maia_cmd_wait(struct maia_cmdbuf *cb, uint64_t addr, uint64_t value);

/* Write the device clock (64-bit nanoseconds) to @addr (8-aligned). */
int maia_cmd_timestamp(struct maia_cmdbuf *cb, uint64_t addr);

/*
 * Append one command given as 8 64-bit words (header first) in host byte
 * order, without any check: for tests and for commands libmaia does not
 * know yet.
 */
int maia_cmd_raw(struct maia_cmdbuf *cb, const uint64_t words[8]);

/* ----------------------------------------------------------------------- */
/* Submission and fences                                                    */
/* ----------------------------------------------------------------------- */

/* Completion of one submitted job (a DRM syncobj). Opaque. */
struct maia_fence;

/*
 * Run the commands of @cb on @q. The job first waits for the @n_in DRM
 * syncobjs in @in_syncobjs (e.g. maia_fence_syncobj() of jobs on other
 * queues; at most MAIA_MAX_SUBMIT_SYNCOBJS). If @out is not NULL it
 * receives a new fence for the job, to be destroyed by the caller.
 *
 * @bos (@n_bos < MAIA_MAX_SUBMIT_BOS; duplicates are fine) lists the
 * objects the job uses. The job reaches every bound object whether listed
 * or not, but listing matters: the job also waits for the earlier jobs
 * that listed the same objects (implicit synchronisation), its completion
 * is attached to them (dma-buf users see it), and destroying or unbinding a
 * listed object waits for the job instead of faulting it. The command
 * buffer's own object is always listed, so resubmitting one command buffer
 * runs those jobs one after the other, on any queue.
 *
 * Errors: -EINVAL empty command buffer or too many handles, -ENOENT unknown
 * object or syncobj, -ECANCELED the queue is banned.
 */
int maia_submit(struct maia_queue *q, struct maia_cmdbuf *cb,
		struct maia_bo *const *bos, unsigned int n_bos,
		const uint32_t *in_syncobjs, unsigned int n_in,
		struct maia_fence **out);

/*
 * Wait up to @timeout_ns nanoseconds (negative: forever, 0: just poll) for
 * the job. Returns 0 if it completed successfully, -ETIME if it has not
 * completed in time, or the job's error (-EFAULT, -EINVAL, -EIO,
 * -ETIMEDOUT, -ECANCELED, see above) if it failed.
 */
int maia_fence_wait(struct maia_fence *f, int64_t timeout_ns);

/* The DRM syncobj handle, usable as an in_syncobj of another submission. */
uint32_t maia_fence_syncobj(const struct maia_fence *f);

/* The job's sequence number on its queue. */
uint64_t maia_fence_seqno(const struct maia_fence *f);

void maia_fence_destroy(struct maia_fence *f);	/* NULL is ignored */

/* ----------------------------------------------------------------------- */
/* Helpers                                                                  */
/* ----------------------------------------------------------------------- */

/*
 * One GEMM, C = alpha * A x B + beta * C with packed row-major m x k, k x n
 * and m x n matrices in application memory: A and B are float
 * (MAIA_TYPE_FP32), uint16_t bf16 bits (MAIA_TYPE_BF16) or int8_t
 * (MAIA_TYPE_INT8); C is float, or int32_t for MAIA_TYPE_INT8 (read as well
 * if beta is not 0). Allocates device buffers (HBM if available), runs the
 * command on a temporary queue, waits, copies C back and frees everything.
 * Returns 0 or a negative errno, including the job's error.
 */
int maia_gemm(struct maia_device *dev, enum maia_dtype dtype, uint32_t m,
	      uint32_t n, uint32_t k, const void *a, const void *b, void *c,
	      float alpha, float beta);

/* float <-> bfloat16 bits; float to bf16 rounds to nearest even. */
uint16_t maia_f32_to_bf16(float value);
float maia_bf16_to_f32(uint16_t value);

#if defined(__cplusplus)
}
#endif

#endif /* MAIA_H */
