// SPDX-License-Identifier: MIT
/*
 * Minimal libmaia example: open the accelerator at /dev/accel/accel0 and
 * print what the driver reports about it.
 *
 * Build against the installed or in-tree library:
 *   cc info.c $(pkg-config --cflags --libs libmaia)
 */
#include <inttypes.h>
#include <stdio.h>

#include <maia.h>

int main(void)
{
	struct maia_device *dev;
	struct maia_info info;
	int ret;

	ret = maia_open_index(0, &dev);
	if (ret) {
		fprintf(stderr, "accel0: %s\n", maia_strerror(ret));
		return 1;
	}
	ret = maia_get_info(dev, &info);
	maia_close(dev);
	if (ret) {
		fprintf(stderr, "accel0: get info: %s\n", maia_strerror(ret));
		return 1;
	}

	printf("accel%u at %s\n", info.accel_index, info.pci_address);
	printf("  hw id %#" PRIx32 " version %u.%u, serial %016" PRIx64 "\n",
	       info.hw_id, info.hw_version_major, info.hw_version_minor,
	       info.serial);
	printf("  HBM %" PRIu64 " bytes, %" PRIu32 " queues, %" PRIu32
	       " ports x %" PRIu32 " lanes\n", info.hbm_size, info.num_queues,
	       info.num_ports, info.num_lanes);
	printf("  driver %s %d.%d.%d (%s), uAPI %u.%u\n", info.driver_name,
	       info.driver_version_major, info.driver_version_minor,
	       info.driver_version_patchlevel, info.driver_desc,
	       info.uapi_version_major, info.uapi_version_minor);
	return 0;
}
