// SPDX-License-Identifier: GPL-2.0
/*
 * maia_accel from a 32-bit process: built with -m32 (static), so every
 * ioctl takes the kernel's compat path. The DRM core ioctls whose layout
 * differs between the ABIs (DRM_IOCTL_VERSION here, which libdrm's
 * drmGetVersion() uses) must be translated (drm_compat_ioctl); maia's own
 * ioctls have one layout and keep their exact-size check.
 *
 * Without a 32-bit toolchain (gcc-multilib) the program is built natively
 * and skips.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <glob.h>
#include <sys/ioctl.h>
#include <drm/maia_accel.h>

#include "kselftest_harness.h"

/* The first accel node maia_accel drives, or -1. */
static int open_maia(char *name, size_t len)
{
	glob_t g;
	size_t i;
	int fd = -1;

	if (glob("/dev/accel/accel*", 0, NULL, &g))
		return -1;
	for (i = 0; i < g.gl_pathc && fd < 0; i++) {
		struct drm_version v = { 0 };

		fd = open(g.gl_pathv[i], O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		memset(name, 0, len);
		v.name = name;
		v.name_len = len - 1;
		if (ioctl(fd, DRM_IOCTL_VERSION, &v) || strcmp(name, "maia_accel")) {
			close(fd);
			fd = -1;
		}
	}
	globfree(&g);
	return fd;
}

TEST(compat_ioctls)
{
#ifdef MAIA_NO_M32
	SKIP(return, "no 32-bit toolchain (gcc-multilib): built natively");
#else
	char name[32], date[32], desc[64];
	struct drm_version v = { 0 };
	struct drm_maia_get_info info = { 0 };
	int fd;

	ASSERT_EQ(4, sizeof(void *));
	/* Layout differs: 32-bit size_t and pointers (36 vs 64 bytes). */
	ASSERT_NE(64, sizeof(struct drm_version));
	fd = open_maia(name, sizeof(name));
	ASSERT_LE(0, fd) TH_LOG("no maia_accel node answers DRM_IOCTL_VERSION");

	v.name = name;
	v.name_len = sizeof(name) - 1;
	v.date = date;
	v.date_len = sizeof(date) - 1;
	v.desc = desc;
	v.desc_len = sizeof(desc) - 1;
	memset(name, 0, sizeof(name));
	memset(date, 0, sizeof(date));
	memset(desc, 0, sizeof(desc));
	ASSERT_EQ(0, ioctl(fd, DRM_IOCTL_VERSION, &v));
	EXPECT_STREQ("maia_accel", name);
	EXPECT_STREQ("Maia tensor engine", desc);
	EXPECT_EQ(strlen("maia_accel"), v.name_len);
	EXPECT_EQ(1, v.version_major);

	/* A driver ioctl: one layout on both ABIs. */
	ASSERT_EQ(0, ioctl(fd, DRM_IOCTL_MAIA_GET_INFO, &info));
	EXPECT_EQ(MAIA_UAPI_VERSION, info.uapi_version);
	EXPECT_LT(0, info.hbm_size);
	/* ... and still checked for its exact size. */
	EXPECT_EQ(-1, ioctl(fd, DRM_IOWR(DRM_COMMAND_BASE + DRM_MAIA_GET_INFO,
					  char[8]), &info));
	EXPECT_EQ(EINVAL, errno);
	close(fd);
#endif
}

TEST_HARNESS_MAIN
