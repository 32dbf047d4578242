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
	/** @num_queues: out, hardware command queues */
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

#define DRM_IOCTL_MAIA_GET_INFO \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_MAIA_GET_INFO, struct drm_maia_get_info)

#if defined(__cplusplus)
}
#endif

#endif /* _UAPI_DRM_MAIA_ACCEL_H_ */
