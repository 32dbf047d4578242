// SPDX-License-Identifier: MIT
/*
 * libmaia: userspace access to Maia accelerators (/dev/accel/accelN).
 *
 * Discovery goes through sysfs so that listing devices never opens nodes
 * that belong to other accel drivers; opening a node then confirms the
 * driver through DRM_IOCTL_VERSION, which is the authoritative check.
 *
 * Compute: buffer objects are GEM objects of the device file, placed in the
 * file's device address space with VM_BIND; command buffers are host
 * objects the library writes engine commands into (uapi/drm/maia_cmd.h);
 * every submission gets a DRM syncobj of its own as its fence.
 */
#define _GNU_SOURCE
#define _FILE_OFFSET_BITS 64	/* mmap offsets of GEM objects are 64-bit */

#include <dirent.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/sync_file.h>
#include <xf86drm.h>

#include "drm/maia_accel.h"
#include "drm/maia_cmd.h"
#include "maia.h"

/* Built with -fvisibility=hidden: only what is marked here is the ABI. */
#define MAIA_EXPORT __attribute__((visibility("default")))

#define MAIA_DRIVER_NAME	"maia_accel"
#define ACCEL_CLASS_DIR		"/sys/class/accel"
#define ACCEL_NODE_PREFIX	"accel"

/*
 * The auxiliary bus names a driver "<module>.<driver>", so the sysfs driver
 * of a maia accel node is "maia_accel.accel"; matching the module part keeps
 * working if the auxiliary driver is ever renamed.
 */
#define MAIA_AUX_DRIVER_PREFIX	MAIA_DRIVER_NAME "."

_Static_assert(MAIA_CAP_HBM == DRM_MAIA_CAP_HBM, "capability bits diverged");
_Static_assert(MAIA_CAP_ENGINE == DRM_MAIA_CAP_ENGINE, "capability bits diverged");
_Static_assert(MAIA_CAP_MMU == DRM_MAIA_CAP_MMU, "capability bits diverged");
_Static_assert(MAIA_CAP_LINK == DRM_MAIA_CAP_LINK, "capability bits diverged");

/* The constants maia.h repeats under names of its own. */
_Static_assert(MAIA_BO_HBM == DRM_MAIA_BO_HBM, "uAPI diverged");
_Static_assert(MAIA_BIND_READONLY == DRM_MAIA_BIND_READONLY, "uAPI diverged");
_Static_assert(MAIA_VA_START == DRM_MAIA_VA_START, "uAPI diverged");
_Static_assert(MAIA_VA_END == DRM_MAIA_VA_END, "uAPI diverged");
_Static_assert(MAIA_PAGE_SIZE == DRM_MAIA_PAGE_SIZE, "uAPI diverged");
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
_Static_assert(MAIA_TYPE_FP32 == MAIA_DTYPE_FP32, "command format diverged");
_Static_assert(MAIA_TYPE_BF16 == MAIA_DTYPE_BF16, "command format diverged");
_Static_assert(MAIA_TYPE_INT8 == MAIA_DTYPE_INT8, "command format diverged");
_Static_assert(MAIA_ELTWISE_ADD == MAIA_ELT_ADD, "command format diverged");
_Static_assert(MAIA_ELTWISE_MUL == MAIA_ELT_MUL, "command format diverged");
_Static_assert(MAIA_ELTWISE_SCALE == MAIA_ELT_SCALE, "command format diverged");
_Static_assert(MAIA_ELTWISE_RELU == MAIA_ELT_RELU, "command format diverged");
_Static_assert(MAIA_ELTWISE_GELU == MAIA_ELT_GELU, "command format diverged");
_Static_assert(MAIA_MAX_GEMM_DIM == MAIA_GEMM_MAX_DIM, "command format diverged");
_Static_assert(MAIA_MAX_TRANSFER_BYTES == MAIA_MAX_TRANSFER,
	       "command format diverged");
_Static_assert(MAIA_CMD_SIZE == 8 * sizeof(uint64_t), "command format diverged");
/*
 * drm_maia_submit.ib_count: "0 or above 65536" is refused. The uAPI has no
 * constant for it, so this is the prose of maia_accel.h.
 */
_Static_assert(MAIA_MAX_CMDBUF_CMDS == 65536, "uAPI diverged");

/* 2 MiB: the device MMU's block size, the alignment of large VA ranges. */
#define VA_BLOCK_SIZE		(2ULL << 20)

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

struct pci_address {
	unsigned long domain;
	unsigned int bus;
	unsigned int device;
	unsigned int function;
};

/* Copy a possibly NULL, possibly over-long string into a fixed field. */
static void copy_string(char *dst, size_t dst_size, const char *src)
{
	size_t len = src ? strnlen(src, dst_size - 1) : 0;

	memcpy(dst, src ? src : "", len);
	dst[len] = '\0';
}

static int hex_digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Parse 1..max_digits hex digits at *cursor and advance it. Hand-rolled
 * rather than strtoul/sscanf because those accept signs, "0x" and
 * whitespace, which are not valid in a PCI address.
 */
static bool parse_hex_field(const char **cursor, unsigned int max_digits,
			    unsigned long max_value, unsigned long *value)
{
	const char *p = *cursor;
	unsigned long result = 0;
	unsigned int digits = 0;
	int digit;

	while ((digit = hex_digit_value(*p)) >= 0) {
		if (++digits > max_digits)
			return false;
		result = result << 4 | (unsigned long)digit;
		p++;
	}
	if (digits == 0 || result > max_value)
		return false;
	*cursor = p;
	*value = result;
	return true;
}

static bool expect_char(const char **cursor, char expected)
{
	if (**cursor != expected)
		return false;
	(*cursor)++;
	return true;
}

/*
 * Parse "dddd:bb:dd.f", or "bb:dd.f" with domain 0 unless require_domain
 * (sysfs always prints the domain, users often leave it out as lspci does).
 * Domains may exceed 4 digits (e.g. Intel VMD uses 10000+).
 */
static int parse_pci_address(const char *text, bool require_domain,
			     struct pci_address *out)
{
	const char *p = text;
	unsigned long domain = 0, bus, device, function;
	unsigned int colons = 0;

	if (!text)
		return -EINVAL;
	for (const char *c = text; *c; c++)
		colons += *c == ':';

	if (colons == 2) {
		if (!parse_hex_field(&p, 8, 0xffffffffUL, &domain) ||
		    !expect_char(&p, ':'))
			return -EINVAL;
	} else if (colons != 1 || require_domain) {
		return -EINVAL;
	}
	if (!parse_hex_field(&p, 2, 0xff, &bus) || !expect_char(&p, ':') ||
	    !parse_hex_field(&p, 2, 0x1f, &device) || !expect_char(&p, '.') ||
	    !parse_hex_field(&p, 1, 0x7, &function) || *p != '\0')
		return -EINVAL;

	out->domain = domain;
	out->bus = (unsigned int)bus;
	out->device = (unsigned int)device;
	out->function = (unsigned int)function;
	return 0;
}

static bool pci_address_equal(const struct pci_address *a,
			      const struct pci_address *b)
{
	return a->domain == b->domain && a->bus == b->bus &&
	       a->device == b->device && a->function == b->function;
}

/* "accel<decimal>" -> index; anything else is not an accel node. */
static bool parse_accel_node_name(const char *name, unsigned int *index)
{
	const char *digits = name + strlen(ACCEL_NODE_PREFIX);
	unsigned long value = 0;

	if (strncmp(name, ACCEL_NODE_PREFIX, strlen(ACCEL_NODE_PREFIX)) != 0 ||
	    *digits == '\0')
		return false;
	for (const char *c = digits; *c; c++) {
		if (*c < '0' || *c > '9')
			return false;
		value = value * 10 + (unsigned long)(*c - '0');
		if (value > UINT_MAX)
			return false;
	}
	*index = (unsigned int)value;
	return true;
}

/*
 * Call visit() for every accel node in sysfs until it returns true.
 * A missing class directory means no accel-capable kernel or no accel
 * device at all, which is "nothing to visit" rather than an error.
 */
static int for_each_accel_node(bool (*visit)(unsigned int index, void *ctx),
			       void *ctx)
{
	struct dirent *entry;
	unsigned int index;
	DIR *dir;

	dir = opendir(ACCEL_CLASS_DIR);
	if (!dir)
		return errno == ENOENT ? 0 : -errno;
	while ((entry = readdir(dir))) {
		if (parse_accel_node_name(entry->d_name, &index) &&
		    visit(index, ctx))
			break;
	}
	closedir(dir);
	return 0;
}

/* Whether sysfs says accel node @index is bound to the maia_accel driver. */
static bool accel_node_is_maia(unsigned int index)
{
	char link_path[PATH_MAX], target[PATH_MAX];
	const char *driver;
	ssize_t len;

	snprintf(link_path, sizeof(link_path),
		 ACCEL_CLASS_DIR "/" ACCEL_NODE_PREFIX "%u/device/driver", index);
	len = readlink(link_path, target, sizeof(target) - 1);
	if (len < 0)
		return false;
	target[len] = '\0';
	driver = strrchr(target, '/');
	driver = driver ? driver + 1 : target;
	return strncmp(driver, MAIA_AUX_DRIVER_PREFIX,
		       strlen(MAIA_AUX_DRIVER_PREFIX)) == 0;
}

/*
 * The PCI function an accel node sits on: the nearest ancestor of its
 * device directory whose name is a PCI address. The maia accel device is an
 * auxiliary device whose parent is the PCI function; searching upwards
 * instead of taking the parent blindly tolerates an extra level, while
 * taking the nearest one avoids matching an upstream bridge.
 */
static bool accel_node_pci_address(unsigned int index, struct pci_address *out)
{
	char link_path[PATH_MAX];
	char *device_path, *slash;
	bool found = false;

	snprintf(link_path, sizeof(link_path),
		 ACCEL_CLASS_DIR "/" ACCEL_NODE_PREFIX "%u/device", index);
	device_path = realpath(link_path, NULL);
	if (!device_path)
		return false;
	while (!found && (slash = strrchr(device_path, '/'))) {
		found = parse_pci_address(slash + 1, true, out) == 0;
		*slash = '\0';
	}
	free(device_path);
	return found;
}

struct index_list {
	unsigned int *indices;
	size_t count;
	size_t capacity;
	int error;
};

static bool collect_maia_node(unsigned int index, void *ctx)
{
	struct index_list *list = ctx;

	if (!accel_node_is_maia(index))
		return false;
	if (list->count == list->capacity) {
		size_t new_capacity = list->capacity ? list->capacity * 2 : 8;
		unsigned int *grown = reallocarray(list->indices, new_capacity,
						   sizeof(*grown));

		if (!grown) {
			list->error = -ENOMEM;
			return true;
		}
		list->indices = grown;
		list->capacity = new_capacity;
	}
	list->indices[list->count++] = index;
	return false;
}

static int compare_unsigned(const void *a, const void *b)
{
	unsigned int x = *(const unsigned int *)a, y = *(const unsigned int *)b;

	return (x > y) - (x < y);
}

MAIA_EXPORT int maia_device_indices(unsigned int *indices, unsigned int capacity)
{
	struct index_list list = { 0 };
	int ret;

	if (!indices && capacity)
		return -EINVAL;
	ret = for_each_accel_node(collect_maia_node, &list);
	if (!ret)
		ret = list.error;
	if (!ret && list.count > INT_MAX)
		ret = -EOVERFLOW;
	if (!ret) {
		/* readdir order is arbitrary; callers expect accel0 first. */
		qsort(list.indices, list.count, sizeof(*list.indices),
		      compare_unsigned);
		for (size_t i = 0; i < list.count && i < capacity; i++)
			indices[i] = list.indices[i];
		ret = (int)list.count;
	}
	free(list.indices);
	return ret;
}

MAIA_EXPORT int maia_device_count(void)
{
	return maia_device_indices(NULL, 0);
}

MAIA_EXPORT int maia_open_index(unsigned int index, struct maia_device **out)
{
	char node_path[PATH_MAX];
	struct maia_device *dev;
	drmVersionPtr version;
	int fd, err;

	if (!out)
		return -EINVAL;
	*out = NULL;

	snprintf(node_path, sizeof(node_path), "/dev/accel/accel%u", index);
	fd = open(node_path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		/* A missing node is simply "no accelerator there". */
		return errno == ENOENT || errno == ENXIO ? -ENODEV : -errno;
	}

	/* Not a DRM device at all if the version ioctl fails. */
	version = drmGetVersion(fd);
	if (!version || !version->name ||
	    strcmp(version->name, MAIA_DRIVER_NAME) != 0) {
		err = -ENODEV;
		goto fail;
	}

	dev = calloc(1, sizeof(*dev));
	if (!dev) {
		err = -ENOMEM;
		goto fail;
	}
	err = pthread_mutex_init(&dev->lock, NULL);
	if (err) {
		free(dev);
		err = -err;
		goto fail;
	}
	dev->fd = fd;
	dev->accel_index = index;
	dev->driver_version = version;
	dev->next_va = MAIA_VA_START;
	*out = dev;
	return 0;

fail:
	if (version)
		drmFreeVersion(version);
	close(fd);
	return err;
}

struct pci_search {
	struct pci_address wanted;
	unsigned int index;
	bool found;
};

static bool match_pci_address(unsigned int index, void *ctx)
{
	struct pci_search *search = ctx;
	struct pci_address address;

	if (!accel_node_pci_address(index, &address) ||
	    !pci_address_equal(&address, &search->wanted))
		return false;
	search->index = index;
	search->found = true;
	return true;
}

MAIA_EXPORT int maia_open_pci(const char *pci_address, struct maia_device **out)
{
	struct pci_search search = { 0 };
	int ret;

	if (!out)
		return -EINVAL;
	*out = NULL;

	ret = parse_pci_address(pci_address, false, &search.wanted);
	if (ret)
		return ret;
	ret = for_each_accel_node(match_pci_address, &search);
	if (ret)
		return ret;
	if (!search.found)
		return -ENODEV;
	/* Confirms the driver: a foreign accel node on that function is -ENODEV. */
	return maia_open_index(search.index, out);
}

MAIA_EXPORT void maia_close(struct maia_device *dev)
{
	if (!dev)
		return;
	drmFreeVersion(dev->driver_version);
	pthread_mutex_destroy(&dev->lock);
	close(dev->fd);
	free(dev);
}

MAIA_EXPORT int maia_fd(const struct maia_device *dev)
{
	return dev ? dev->fd : -EINVAL;
}

MAIA_EXPORT int maia_get_info(struct maia_device *dev, struct maia_info *out)
{
	/* Zero-initialised: flags, pad and reserved must be zero on input. */
	struct drm_maia_get_info args = { 0 };
	const drmVersion *version;
	uint32_t domain;
	unsigned int bus, devfn;

	if (!dev || !out)
		return -EINVAL;
	if (drmIoctl(dev->fd, DRM_IOCTL_MAIA_GET_INFO, &args))
		return -errno;

	memset(out, 0, sizeof(*out));
	out->hw_id = args.hw_id;
	out->hw_version_major = (uint16_t)(args.hw_version >> 16);
	out->hw_version_minor = (uint16_t)(args.hw_version & 0xffff);
	out->uapi_version_major = (uint16_t)(args.uapi_version >> 16);
	out->uapi_version_minor = (uint16_t)(args.uapi_version & 0xffff);

	version = dev->driver_version;
	copy_string(out->driver_name, sizeof(out->driver_name), version->name);
	out->driver_version_major = version->version_major;
	out->driver_version_minor = version->version_minor;
	out->driver_version_patchlevel = version->version_patchlevel;
	copy_string(out->driver_date, sizeof(out->driver_date), version->date);
	copy_string(out->driver_desc, sizeof(out->driver_desc), version->desc);

	out->hbm_size = args.hbm_size;
	out->capabilities = args.capabilities;
	out->serial = args.serial;
	out->num_queues = args.num_queues;
	out->num_ports = args.num_ports;
	out->num_lanes = args.num_lanes;

	/* pci_bus_info is domain << 16 | bus << 8 | devfn, devfn = dev << 3 | fn. */
	domain = (uint32_t)(args.pci_bus_info >> 16);
	bus = (unsigned int)(args.pci_bus_info >> 8) & 0xff;
	devfn = (unsigned int)args.pci_bus_info & 0xff;
	snprintf(out->pci_address, sizeof(out->pci_address), "%04x:%02x:%02x.%x",
		 domain, bus, devfn >> 3, devfn & 0x7);

	out->accel_index = dev->accel_index;
	return 0;
}

MAIA_EXPORT const char *maia_strerror(int err)
{
	if (err == INT_MIN)	/* -INT_MIN would overflow */
		return "unknown error";
	if (err < 0)
		err = -err;

	switch (err) {
	case 0:
		return "success";
	case ENODEV:
		return "no maia accelerator at that index/address";
	case EINVAL:
		return "invalid argument (size, alignment, flags, reserved field or malformed command)";
	case ENOENT:
		return "no such object/queue/syncobj";
	case EEXIST:
		return "address range already bound";
	case ECANCELED:
		return "queue banned after repeated faults (or job cancelled)";
	case EFAULT:
		return "device MMU fault (address not bound, or written through a read-only binding)";
	case ETIMEDOUT:
		return "job timed out";
	case ETIME:
		return "wait timed out before the job completed";
	case ENOSPC:
		return "out of device memory, queues, address space or command buffer space";
	case ENOMEM:
		return "out of memory";
	case EOPNOTSUPP:
		return "operation not supported (device memory objects cannot be exported)";
	case ENOTTY:
		return "ioctl not supported by this driver version";
	case EACCES:
		return "permission denied opening the accelerator node (check /dev/accel permissions or group membership)";
	case EPERM:
		return "operation not permitted for this client";
	case EBUSY:
		return "accelerator is busy";
	case EIO:
		return "device I/O error (device may be in reset or failed)";
	case EOVERFLOW:
		return "too many devices to count";
	default:
		return strerror(err);
	}
}

/* ----------------------------------------------------------------------- */
/* Buffer objects                                                           */
/* ----------------------------------------------------------------------- */

static int maia_ioctl(struct maia_device *dev, unsigned long request, void *arg)
{
	/* drmIoctl restarts on EINTR/EAGAIN. */
	return drmIoctl(dev->fd, request, arg) ? -errno : 0;
}

static void gem_close(struct maia_device *dev, uint32_t handle)
{
	struct drm_gem_close args = { .handle = handle };

	drmIoctl(dev->fd, DRM_IOCTL_GEM_CLOSE, &args);
}

static uint64_t align_up(uint64_t value, uint64_t alignment)
{
	return (value + alignment - 1) & ~(alignment - 1);
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

static int create_bound(struct maia_device *dev, uint64_t size, uint32_t flags,
			uint32_t bind_flags, struct maia_bo **out)
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

MAIA_EXPORT int maia_bo_create_bound(struct maia_device *dev, uint64_t size,
				     uint32_t flags, struct maia_bo **out)
{
	return create_bound(dev, size, flags, 0, out);
}

/* ----------------------------------------------------------------------- */
/* Queues                                                                   */
/* ----------------------------------------------------------------------- */

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

/* ----------------------------------------------------------------------- */
/* Command buffers                                                          */
/* ----------------------------------------------------------------------- */

MAIA_EXPORT int maia_cmdbuf_create(struct maia_device *dev, uint32_t max_cmds,
				   struct maia_cmdbuf **out)
{
	struct maia_cmdbuf *cb;
	void *cpu;
	int ret;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!dev || max_cmds == 0 || max_cmds > MAIA_MAX_CMDBUF_CMDS)
		return -EINVAL;
	cb = calloc(1, sizeof(*cb));
	if (!cb)
		return -ENOMEM;
	/* The engine only reads commands: a stray write through it faults. */
	ret = create_bound(dev, (uint64_t)max_cmds * MAIA_CMD_SIZE, 0,
			   MAIA_BIND_READONLY, &cb->bo);
	if (!ret)
		ret = maia_bo_map(cb->bo, &cpu);
	if (ret) {
		maia_bo_destroy(cb->bo);
		free(cb);
		return ret;
	}
	cb->dev = dev;
	cb->cmds = cpu;
	cb->capacity = max_cmds;
	*out = cb;
	return 0;
}

MAIA_EXPORT void maia_cmdbuf_destroy(struct maia_cmdbuf *cb)
{
	if (!cb)
		return;
	maia_bo_destroy(cb->bo);
	free(cb);
}

MAIA_EXPORT void maia_cmdbuf_reset(struct maia_cmdbuf *cb)
{
	if (cb)
		cb->count = 0;
}

MAIA_EXPORT int maia_cmdbuf_count(const struct maia_cmdbuf *cb)
{
	return cb ? (int)cb->count : -EINVAL;
}

MAIA_EXPORT int maia_cmdbuf_capacity(const struct maia_cmdbuf *cb)
{
	return cb ? (int)cb->capacity : -EINVAL;
}

MAIA_EXPORT uint64_t maia_cmdbuf_va(const struct maia_cmdbuf *cb)
{
	return cb ? maia_bo_va(cb->bo) : 0;
}

/* Append one command; words[0] is the header. The device is little endian. */
static int emit(struct maia_cmdbuf *cb, const uint64_t words[8])
{
	uint64_t *dst;
	unsigned int i;

	if (!cb)
		return -EINVAL;
	if (cb->count == cb->capacity)
		return -ENOSPC;
	dst = cb->cmds + (size_t)cb->count * 8;
	for (i = 0; i < 8; i++)
		dst[i] = htole64(words[i]);
	cb->count++;
	return 0;
}

static uint64_t header(uint32_t opcode, uint32_t dtype, uint32_t flags,
		       uint32_t subop)
{
	return (uint64_t)MAIA_CMD_HEADER(opcode, dtype, flags, subop);
}

static uint32_t f32_bits(float value)
{
	uint32_t bits;

	memcpy(&bits, &value, sizeof(bits));
	return bits;
}

static bool aligned(uint64_t value, uint64_t alignment)
{
	return (value & (alignment - 1)) == 0;
}

MAIA_EXPORT int maia_cmd_raw(struct maia_cmdbuf *cb, const uint64_t words[8])
{
	if (!words)
		return -EINVAL;
	return emit(cb, words);
}

MAIA_EXPORT int maia_cmd_nop(struct maia_cmdbuf *cb)
{
	const uint64_t w[8] = { header(MAIA_OP_NOP, 0, 0, 0) };

	return emit(cb, w);
}

MAIA_EXPORT int maia_cmd_copy(struct maia_cmdbuf *cb, uint64_t src,
			      uint64_t dst, uint64_t bytes)
{
	const uint64_t w[8] = { header(MAIA_OP_COPY, 0, 0, 0), src, dst, bytes };

	if (bytes > MAIA_MAX_TRANSFER)
		return -EINVAL;
	return emit(cb, w);
}

MAIA_EXPORT int maia_cmd_fill(struct maia_cmdbuf *cb, uint64_t dst,
			      uint64_t bytes, uint32_t value)
{
	const uint64_t w[8] = { header(MAIA_OP_FILL, 0, 0, 0), dst, bytes, value };

	if (!aligned(dst, 4) || !aligned(bytes, 4) || bytes > MAIA_MAX_TRANSFER)
		return -EINVAL;
	return emit(cb, w);
}

/* Element sizes of A/B of a GEMM; 0 for an unknown type. */
static unsigned int gemm_input_size(enum maia_dtype dtype)
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

static bool gemm_dim_ok(uint32_t dim)
{
	return dim >= 1 && dim <= MAIA_GEMM_MAX_DIM;
}

MAIA_EXPORT int maia_cmd_gemm(struct maia_cmdbuf *cb,
			      const struct maia_gemm_desc *g)
{
	uint32_t lda, ldb, ldc;
	unsigned int esize;
	uint64_t w[8];

	if (!g)
		return -EINVAL;
	esize = gemm_input_size(g->dtype);
	if (!esize || !gemm_dim_ok(g->m) || !gemm_dim_ok(g->n) ||
	    !gemm_dim_ok(g->k))
		return -EINVAL;
	lda = g->lda ? g->lda : g->k;
	ldb = g->ldb ? g->ldb : g->n;
	ldc = g->ldc ? g->ldc : g->n;
	if (lda < g->k || ldb < g->n || ldc < g->n)
		return -EINVAL;
	/* C is fp32 or int32 for every type. */
	if (!aligned(g->a, esize) || !aligned(g->b, esize) || !aligned(g->c, 4))
		return -EINVAL;
	if (g->dtype == MAIA_TYPE_INT8 &&
	    (g->alpha != 1.0f || (g->beta != 0.0f && g->beta != 1.0f)))
		return -EINVAL;

	memset(w, 0, sizeof(w));
	w[0] = header(MAIA_OP_GEMM, (uint32_t)g->dtype, 0, 0);
	w[1] = g->a;
	w[2] = g->b;
	w[3] = g->c;
	w[4] = (uint64_t)g->m | (uint64_t)g->n << 32;
	w[5] = (uint64_t)g->k | (uint64_t)lda << 32;
	w[6] = (uint64_t)ldb | (uint64_t)ldc << 32;
	w[7] = (uint64_t)f32_bits(g->alpha) | (uint64_t)f32_bits(g->beta) << 32;
	return emit(cb, w);
}

MAIA_EXPORT int maia_cmd_eltwise(struct maia_cmdbuf *cb,
				 enum maia_eltwise_op op, enum maia_dtype dtype,
				 uint64_t src0, uint64_t src1, uint64_t dst,
				 uint64_t count, float scale)
{
	bool binary = op == MAIA_ELTWISE_ADD || op == MAIA_ELTWISE_MUL;
	unsigned int esize;
	uint64_t w[8];

	switch (op) {
	case MAIA_ELTWISE_ADD:
	case MAIA_ELTWISE_MUL:
	case MAIA_ELTWISE_SCALE:
	case MAIA_ELTWISE_RELU:
	case MAIA_ELTWISE_GELU:
		break;
	default:
		return -EINVAL;
	}
	if (dtype == MAIA_TYPE_FP32)
		esize = 4;
	else if (dtype == MAIA_TYPE_BF16)
		esize = 2;
	else
		return -EINVAL;
	if (!aligned(src0, esize) || !aligned(dst, esize) ||
	    (binary && !aligned(src1, esize)))
		return -EINVAL;

	/* Unused arguments must be zero. */
	memset(w, 0, sizeof(w));
	w[0] = header(MAIA_OP_ELTWISE, (uint32_t)dtype, 0, (uint32_t)op);
	w[1] = src0;
	w[2] = binary ? src1 : 0;
	w[3] = dst;
	w[4] = count;
	w[5] = op == MAIA_ELTWISE_SCALE ? f32_bits(scale) : 0;
	return emit(cb, w);
}

MAIA_EXPORT int maia_cmd_fence(struct maia_cmdbuf *cb, uint64_t addr,
			       uint64_t value)
{
	const uint64_t w[8] = { header(MAIA_OP_FENCE, 0, 0, 0), addr, value };

	if (!aligned(addr, 8))
		return -EINVAL;
	return emit(cb, w);
}

MAIA_EXPORT int maia_cmd_wait(struct maia_cmdbuf *cb, uint64_t addr,
			      uint64_t value)
{
	const uint64_t w[8] = { header(MAIA_OP_WAIT, 0, 0, 0), addr, value };

	if (!aligned(addr, 8))
		return -EINVAL;
	return emit(cb, w);
}

MAIA_EXPORT int maia_cmd_timestamp(struct maia_cmdbuf *cb, uint64_t addr)
{
	const uint64_t w[8] = { header(MAIA_OP_TIMESTAMP, 0, 0, 0), addr };

	if (!aligned(addr, 8))
		return -EINVAL;
	return emit(cb, w);
}

/* ----------------------------------------------------------------------- */
/* Submission and fences                                                    */
/* ----------------------------------------------------------------------- */

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

/* ----------------------------------------------------------------------- */
/* Helpers                                                                  */
/* ----------------------------------------------------------------------- */

/* Operands of one GEMM inside a single buffer, 256-byte aligned. */
#define GEMM_OPERAND_ALIGN	256

/* Device buffer in HBM if there is room, in host memory otherwise. */
static int create_data_bo(struct maia_device *dev, uint64_t size,
			  struct maia_bo **out)
{
	int ret = maia_bo_create_bound(dev, size, MAIA_BO_HBM, out);

	if (ret)
		ret = maia_bo_create_bound(dev, size, 0, out);
	return ret;
}

MAIA_EXPORT int maia_gemm(struct maia_device *dev, enum maia_dtype dtype,
			  uint32_t m, uint32_t n, uint32_t k, const void *a,
			  const void *b, void *c, float alpha, float beta)
{
	struct maia_gemm_desc desc = { 0 };
	struct maia_queue *queue = NULL;
	struct maia_cmdbuf *cb = NULL;
	struct maia_fence *fence = NULL;
	struct maia_bo *bo = NULL;
	uint64_t a_bytes, b_bytes, c_bytes, b_off, c_off;
	unsigned int esize = gemm_input_size(dtype);
	uint8_t *cpu;
	void *map;
	int ret;

	if (!dev || !a || !b || !c || !esize || !gemm_dim_ok(m) ||
	    !gemm_dim_ok(n) || !gemm_dim_ok(k))
		return -EINVAL;
	a_bytes = (uint64_t)m * k * esize;
	b_bytes = (uint64_t)k * n * esize;
	c_bytes = (uint64_t)m * n * 4;
	b_off = align_up(a_bytes, GEMM_OPERAND_ALIGN);
	c_off = b_off + align_up(b_bytes, GEMM_OPERAND_ALIGN);
	if (c_off + c_bytes > SIZE_MAX)
		return -ENOMEM;

	ret = create_data_bo(dev, c_off + c_bytes, &bo);
	if (ret)
		goto out;
	ret = maia_bo_map(bo, &map);
	if (ret)
		goto out;
	cpu = map;
	memcpy(cpu, a, (size_t)a_bytes);
	memcpy(cpu + b_off, b, (size_t)b_bytes);
	if (beta != 0.0f)
		memcpy(cpu + c_off, c, (size_t)c_bytes);

	desc.dtype = dtype;
	desc.m = m;
	desc.n = n;
	desc.k = k;
	desc.a = maia_bo_va(bo);
	desc.b = maia_bo_va(bo) + b_off;
	desc.c = maia_bo_va(bo) + c_off;
	desc.alpha = alpha;
	desc.beta = beta;
	ret = maia_cmdbuf_create(dev, 1, &cb);
	if (!ret)
		ret = maia_cmd_gemm(cb, &desc);
	if (!ret)
		ret = maia_queue_create(dev, MAIA_PRIORITY_NORMAL, &queue);
	if (!ret)
		ret = maia_submit(queue, cb, &bo, 1, NULL, 0, &fence);
	if (!ret)
		ret = maia_fence_wait(fence, -1);
	if (!ret)
		memcpy(c, cpu + c_off, (size_t)c_bytes);
out:
	maia_fence_destroy(fence);
	maia_queue_destroy(queue);
	maia_cmdbuf_destroy(cb);
	maia_bo_destroy(bo);
	return ret;
}

MAIA_EXPORT uint16_t maia_f32_to_bf16(float value)
{
	uint32_t bits = f32_bits(value);

	/* NaN stays NaN (quiet), whatever its payload. */
	if ((bits & 0x7fffffffu) > 0x7f800000u)
		return (uint16_t)((bits >> 16) | 0x0040);
	/* Round to nearest, ties to even; overflow correctly gives inf. */
	bits += 0x7fffu + ((bits >> 16) & 1);
	return (uint16_t)(bits >> 16);
}

MAIA_EXPORT float maia_bf16_to_f32(uint16_t value)
{
	uint32_t bits = (uint32_t)value << 16;
	float result;

	memcpy(&result, &bits, sizeof(result));
	return result;
}
