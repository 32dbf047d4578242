/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MAIA_ACCEL_H
#define MAIA_ACCEL_H

#include <drm/drm_device.h>

#include "maia_core.h"

/**
 * struct maia_accel - the DRM accel device of one Maia function
 * @drm: DRM device, embedded
 * @core: the maia_core this device sits on; valid while bound
 */
struct maia_accel {
	struct drm_device drm;
	struct maia_core *core;
};

static inline struct maia_accel *to_maia_accel(struct drm_device *drm)
{
	return container_of(drm, struct maia_accel, drm);
}

#endif /* MAIA_ACCEL_H */
