// SPDX-License-Identifier: MIT
/*
 * libmaia device discovery and opening: which accel nodes are maia ones,
 * finding a node by PCI address, opening it and describing it.
 *
 * Discovery goes through sysfs so that listing devices never opens nodes
 * that belong to other accel drivers; opening a node then confirms the
 * driver through DRM_IOCTL_VERSION, which is the authoritative check.
 */
#include "libmaia_priv.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "drm/maia_accel.h"

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
