/* SPDX-License-Identifier: MIT */
/*
 * libmaia: userspace access to Maia AI accelerators driven by the
 * maia_accel DRM accel driver (/dev/accel/accelN).
 *
 * API v0. Every function that can fail returns 0 (or a count) on success and
 * a negative errno on failure; maia_strerror() turns that into a message.
 * The library never prints.
 *
 * This header is self-contained on purpose: applications that only use
 * libmaia do not need the kernel uAPI header or libdrm's headers.
 */
#ifndef MAIA_H
#define MAIA_H

#include <stdint.h>

#if defined(__cplusplus)
extern "C" {
#endif

#define MAIA_API_VERSION	0

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
	uint32_t num_queues;		/* hardware command queues */
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

#if defined(__cplusplus)
}
#endif

#endif /* MAIA_H */
