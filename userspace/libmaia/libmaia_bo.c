// SPDX-License-Identifier: MIT
/*
 * libmaia buffer objects: GEM objects of the device file, their CPU
 * mappings, dma-buf export/import, and their place in the file's device
 * address space (VM_BIND and the VA allocator).
 */
#include "libmaia_priv.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "drm/maia_accel.h"

/* The constants maia.h repeats under names of its own. */
_Static_assert(MAIA_BO_HBM == DRM_MAIA_BO_HBM, "uAPI diverged");
_Static_assert(MAIA_BIND_READONLY == DRM_MAIA_BIND_READONLY, "uAPI diverged");
_Static_assert(MAIA_VA_START == DRM_MAIA_VA_START, "uAPI diverged");
_Static_assert(MAIA_VA_END == DRM_MAIA_VA_END, "uAPI diverged");
_Static_assert(MAIA_PAGE_SIZE == DRM_MAIA_PAGE_SIZE, "uAPI diverged");

/* 2 MiB: the device MMU's block size, the alignment of large VA ranges. */
#define VA_BLOCK_SIZE		(2ULL << 20)

static void gem_close(struct maia_device *dev, uint32_t handle)
{
	struct drm_gem_close args = { .handle = handle };

	drmIoctl(dev->fd, DRM_IOCTL_GEM_CLOSE, &args);
}

/* Called with dev->lock held. */
static struct maia_bo *find_bo_locked(struct maia_device *dev, uint32_t handle)
{
	struct maia_bo *bo;

	for (bo = dev->bos; bo; bo = bo->next)
		if (bo->handle == handle)
			return bo;
	return NULL;
}

static struct maia_bo *new_bo(struct maia_device *dev, uint32_t handle,
			      uint32_t flags, uint64_t size)
{
	struct maia_bo *bo = calloc(1, sizeof(*bo));

	if (!bo)
		return NULL;
	bo->dev = dev;
	bo->refcount = 1;
	bo->handle = handle;
	bo->flags = flags;
	bo->size = size;
	bo->dmabuf_fd = -1;
	return bo;
}

static void register_bo_locked(struct maia_bo *bo)
{
	bo->next = bo->dev->bos;
	bo->dev->bos = bo;
}

static void unregister_bo_locked(struct maia_bo *bo)
{
	struct maia_bo **link;

	for (link = &bo->dev->bos; *link; link = &(*link)->next) {
		if (*link == bo) {
			*link = bo->next;
			return;
		}
	}
}

MAIA_EXPORT int maia_bo_create(struct maia_device *dev, uint64_t size,
			       uint32_t flags, struct maia_bo **out)
{
	struct drm_maia_bo_create args = { 0 };
	struct maia_bo *bo;
	int ret;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!dev || size == 0 || size > UINT64_MAX - (MAIA_PAGE_SIZE - 1) ||
	    (flags & ~MAIA_BO_HBM))
		return -EINVAL;

	args.size = align_up(size, MAIA_PAGE_SIZE);
	args.flags = flags;
	ret = maia_ioctl(dev, DRM_IOCTL_MAIA_BO_CREATE, &args);
	if (ret)
		return ret;

	bo = new_bo(dev, args.handle, flags, args.size);
	if (!bo) {
		gem_close(dev, args.handle);
		return -ENOMEM;
	}
	pthread_mutex_lock(&dev->lock);
	register_bo_locked(bo);
	pthread_mutex_unlock(&dev->lock);
	*out = bo;
	return 0;
}

MAIA_EXPORT void maia_bo_destroy(struct maia_bo *bo)
{
	struct maia_device *dev;
	bool last;

	if (!bo)
		return;
	dev = bo->dev;
	/*
	 * Handle close and unregistering happen together under the lock, so
	 * that a concurrent import never gets a handle that is about to be
	 * closed.
	 */
	pthread_mutex_lock(&dev->lock);
	last = --bo->refcount == 0;
	if (last) {
		unregister_bo_locked(bo);
		gem_close(dev, bo->handle);
	}
	pthread_mutex_unlock(&dev->lock);
	if (!last)
		return;

	/*
	 * The mapping and the binding hold references of their own on the
	 * object, so they outlive the handle; without the unbind the memory
	 * would stay allocated until the file is closed. Unbinding waits for
	 * jobs still using the range.
	 */
	maia_bo_unmap(bo);
	if (bo->bound)
		maia_bo_unbind(bo);
	if (bo->dmabuf_fd >= 0)
		close(bo->dmabuf_fd);
	free(bo);
}

MAIA_EXPORT int maia_bo_map(struct maia_bo *bo, void **cpu)
{
	void *ptr;
	int fd;
	off_t offset;

	if (!bo || !cpu)
		return -EINVAL;
	if (bo->cpu) {
		*cpu = bo->cpu;
		return 0;
	}
	if (bo->size > SIZE_MAX)
		return -ENOMEM;

	if (bo->dmabuf_fd >= 0) {
		fd = bo->dmabuf_fd;
		offset = 0;
	} else {
		if (!bo->have_mmap_offset) {
			struct drm_maia_bo_info info = { .handle = bo->handle };
			int ret = maia_ioctl(bo->dev, DRM_IOCTL_MAIA_BO_INFO, &info);

			if (ret)
				return ret;
			bo->mmap_offset = info.mmap_offset;
			bo->have_mmap_offset = true;
		}
		if (bo->mmap_offset > (uint64_t)INT64_MAX)
			return -EOVERFLOW;
		fd = bo->dev->fd;
		offset = (off_t)bo->mmap_offset;
	}
	ptr = mmap(NULL, (size_t)bo->size, PROT_READ | PROT_WRITE, MAP_SHARED,
		   fd, offset);
	if (ptr == MAP_FAILED)
		return -errno;
	bo->cpu = ptr;
	*cpu = ptr;
	return 0;
}

MAIA_EXPORT void maia_bo_unmap(struct maia_bo *bo)
{
	if (!bo || !bo->cpu)
		return;
	munmap(bo->cpu, (size_t)bo->size);
	bo->cpu = NULL;
}

MAIA_EXPORT uint32_t maia_bo_handle(const struct maia_bo *bo)
{
	return bo ? bo->handle : 0;
}

MAIA_EXPORT uint64_t maia_bo_size(const struct maia_bo *bo)
{
	return bo ? bo->size : 0;
}

MAIA_EXPORT uint32_t maia_bo_flags(const struct maia_bo *bo)
{
	return bo ? bo->flags : 0;
}

MAIA_EXPORT int maia_bo_export(struct maia_bo *bo, int *dmabuf_fd)
{
	int fd;

	if (!bo || !dmabuf_fd)
		return -EINVAL;
	if (drmPrimeHandleToFD(bo->dev->fd, bo->handle, DRM_CLOEXEC | DRM_RDWR,
			       &fd))
		return -errno;
	*dmabuf_fd = fd;
	return 0;
}

MAIA_EXPORT int maia_bo_import(struct maia_device *dev, int dmabuf_fd,
			       struct maia_bo **out)
{
	struct drm_maia_bo_info info = { 0 };
	struct maia_bo *bo;
	uint32_t handle;
	off_t end;
	int ret;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!dev || dmabuf_fd < 0)
		return -EINVAL;

	/*
	 * Lock across the import so that two threads importing the same
	 * buffer agree on one maia_bo.
	 */
	pthread_mutex_lock(&dev->lock);
	if (drmPrimeFDToHandle(dev->fd, dmabuf_fd, &handle)) {
		ret = -errno;
		goto unlock;
	}
	bo = find_bo_locked(dev, handle);
	if (bo) {
		bo->refcount++;
		*out = bo;
		ret = 0;
		goto unlock;
	}

	info.handle = handle;
	if (maia_ioctl(dev, DRM_IOCTL_MAIA_BO_INFO, &info) == 0) {
		bo = new_bo(dev, handle, info.flags, info.size);
		if (bo) {
			bo->mmap_offset = info.mmap_offset;
			bo->have_mmap_offset = true;
		}
	} else {
		/*
		 * The driver could not describe it (e.g. a buffer of another
		 * device): the dma-buf knows its size, and can be mapped
		 * itself.
		 */
		end = lseek(dmabuf_fd, 0, SEEK_END);
		if (end < 0) {
			ret = -errno;
			gem_close(dev, handle);
			goto unlock;
		}
		bo = new_bo(dev, handle, 0, (uint64_t)end);
		if (bo) {
			bo->dmabuf_fd = fcntl(dmabuf_fd, F_DUPFD_CLOEXEC, 0);
			if (bo->dmabuf_fd < 0) {
				ret = -errno;
				free(bo);
				gem_close(dev, handle);
				goto unlock;
			}
		}
	}
	if (!bo) {
		gem_close(dev, handle);
		ret = -ENOMEM;
		goto unlock;
	}
	register_bo_locked(bo);
	*out = bo;
	ret = 0;
unlock:
	pthread_mutex_unlock(&dev->lock);
	return ret;
}

MAIA_EXPORT int maia_bo_bind(struct maia_bo *bo, uint64_t va, uint32_t flags)
{
	struct drm_maia_vm_bind args = { 0 };
	int ret;

	if (!bo || (flags & ~MAIA_BIND_READONLY))
		return -EINVAL;
	if (bo->bound)
		return -EBUSY;
	args.handle = bo->handle;
	args.flags = flags;
	args.va = va;
	args.offset = 0;
	args.size = bo->size;
	ret = maia_ioctl(bo->dev, DRM_IOCTL_MAIA_VM_BIND, &args);
	if (ret)
		return ret;
	bo->bound = true;
	bo->va = va;
	return 0;
}

MAIA_EXPORT int maia_bo_unbind(struct maia_bo *bo)
{
	struct drm_maia_vm_unbind args = { 0 };
	int ret;

	if (!bo)
		return -EINVAL;
	if (!bo->bound)
		return -ENOENT;
	args.va = bo->va;
	args.size = bo->size;
	ret = maia_ioctl(bo->dev, DRM_IOCTL_MAIA_VM_UNBIND, &args);
	if (ret)
		return ret;
	bo->bound = false;
	bo->va = 0;
	return 0;
}

MAIA_EXPORT uint64_t maia_bo_va(const struct maia_bo *bo)
{
	return bo && bo->bound ? bo->va : 0;
}

MAIA_EXPORT int maia_va_alloc(struct maia_device *dev, uint64_t size,
			      uint64_t *va)
{
	uint64_t alignment, start;
	int ret = -ENOSPC;

	if (!dev || !va || size == 0 || size > MAIA_VA_END - MAIA_VA_START)
		return -EINVAL;
	size = align_up(size, MAIA_PAGE_SIZE);
	alignment = size >= VA_BLOCK_SIZE ? VA_BLOCK_SIZE : MAIA_PAGE_SIZE;

	pthread_mutex_lock(&dev->lock);
	/* next_va <= MAIA_VA_END < 2^47: none of this can overflow. */
	start = align_up(dev->next_va, alignment);
	if (start <= MAIA_VA_END && size <= MAIA_VA_END - start) {
		dev->next_va = start + size;
		*va = start;
		ret = 0;
	}
	pthread_mutex_unlock(&dev->lock);
	return ret;
}

MAIA_EXPORT int maia_bo_create_bound(struct maia_device *dev, uint64_t size,
				     uint32_t flags, struct maia_bo **out)
{
	return create_bound(dev, size, flags, 0, out);
}
