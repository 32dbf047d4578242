// SPDX-License-Identifier: MIT
/*
 * libmaia internals shared by its source files: the objects behind the
 * opaque handles of maia.h and the few helpers more than one file needs.
 * Not installed; applications only ever see maia.h.
 *
 * Overview: buffer objects are GEM objects of the device file, placed in
 * the file's device address space with VM_BIND; command buffers are host
 * objects the library writes engine commands into (uapi/drm/maia_cmd.h);
 * every submission gets a DRM syncobj of its own as its fence.
 *
 * Every libmaia source file includes this header first, so that all of
 * them see the C library with the same feature macros.
 */
#ifndef LIBMAIA_PRIV_H
#define LIBMAIA_PRIV_H

#define _GNU_SOURCE
#define _FILE_OFFSET_BITS 64	/* mmap offsets of GEM objects are 64-bit */

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <xf86drm.h>

#include "drm/maia_cmd.h"
#include "maia.h"

/* Built with -fvisibility=hidden: only what is marked here is the ABI. */
#define MAIA_EXPORT __attribute__((visibility("default")))

struct maia_device {
	int fd;
	unsigned int accel_index;
	/* Kept from the open-time driver check; reported by maia_get_info(). */
	drmVersionPtr driver_version;

	/* Protects next_va and bos. */
	pthread_mutex_t lock;
	/* Bump allocator of maia_va_alloc(). */
	uint64_t next_va;
	/*
	 * Every live maia_bo of this device, so that importing a buffer the
	 * file already has a GEM handle for finds its maia_bo: GEM handles are
	 * not reference counted, two owners of one handle would close it twice.
	 */
	struct maia_bo *bos;
};

struct maia_bo {
	struct maia_device *dev;
	struct maia_bo *next;		/* in dev->bos */
	unsigned int refcount;		/* imports of the same handle */
	uint32_t handle;
	uint32_t flags;			/* MAIA_BO_* */
	uint64_t size;
	bool have_mmap_offset;
	uint64_t mmap_offset;
	/* Imports BO_INFO could not describe are mapped through the dma-buf. */
	int dmabuf_fd;
	void *cpu;			/* NULL until maia_bo_map() */
	bool bound;
	uint64_t va;			/* valid if bound */
};

struct maia_queue {
	struct maia_device *dev;
	uint32_t id;
};

struct maia_cmdbuf {
	struct maia_device *dev;
	struct maia_bo *bo;
	uint64_t *cmds;			/* CPU mapping of bo */
	uint32_t capacity;
	uint32_t count;
};

struct maia_fence {
	struct maia_device *dev;
	uint32_t syncobj;
	uint64_t seqno;
	bool done;			/* completion seen, error cached */
	int error;
};

/*
 * The small helpers below are static inline so that splitting the library
 * adds no symbols to libmaia.a, where even hidden ones could clash with an
 * application's own when it links statically.
 */

static inline int maia_ioctl(struct maia_device *dev, unsigned long request,
			     void *arg)
{
	/* drmIoctl restarts on EINTR/EAGAIN. */
	return drmIoctl(dev->fd, request, arg) ? -errno : 0;
}

static inline uint64_t align_up(uint64_t value, uint64_t alignment)
{
	return (value + alignment - 1) & ~(alignment - 1);
}

static inline uint32_t f32_bits(float value)
{
	uint32_t bits;

	memcpy(&bits, &value, sizeof(bits));
	return bits;
}

/*
 * GEMM limits, shared by maia_cmd_gemm() and maia_gemm(): the latter must
 * refuse before it allocates and copies anything.
 */

/* Element sizes of A/B of a GEMM; 0 for an unknown type. */
static inline unsigned int gemm_input_size(enum maia_dtype dtype)
{
	switch (dtype) {
	case MAIA_TYPE_FP32:
		return 4;
	case MAIA_TYPE_BF16:
		return 2;
	case MAIA_TYPE_INT8:
		return 1;
	}
	return 0;
}

static inline bool gemm_dim_ok(uint32_t dim)
{
	return dim >= 1 && dim <= MAIA_GEMM_MAX_DIM;
}

/* maia_bo_create_bound() with binding flags: command buffers are read-only. */
static inline int create_bound(struct maia_device *dev, uint64_t size,
			       uint32_t flags, uint32_t bind_flags,
			       struct maia_bo **out)
{
	struct maia_bo *bo;
	uint64_t va;
	int ret;

	if (!out)
		return -EINVAL;
	*out = NULL;
	ret = maia_bo_create(dev, size, flags, &bo);
	if (ret)
		return ret;
	ret = maia_va_alloc(dev, maia_bo_size(bo), &va);
	if (!ret)
		ret = maia_bo_bind(bo, va, bind_flags);
	if (ret) {
		maia_bo_destroy(bo);
		return ret;
	}
	*out = bo;
	return 0;
}

#endif /* LIBMAIA_PRIV_H */
