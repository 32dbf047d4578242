// SPDX-License-Identifier: GPL-2.0
/*
 * maia_accel selftests: GET_INFO through libmaia against the configuration
 * the devices were started with, and the ioctl bad-input matrix.
 */
#define _GNU_SOURCE
#include <sys/ioctl.h>
#include <drm/maia_accel.h>

#include "kselftest_harness.h"
#include "maia.h"
#include "../lib/maia_sysfs.h"

static int info_cmp_pci(const void *a, const void *b)
{
	return strcmp(((const struct maia_info *)a)->pci_address,
		      ((const struct maia_info *)b)->pci_address);
}

FIXTURE(accel) {
	int num;
	unsigned int indices[MAIA_MAX_TEST_DEVICES];
	struct maia_device *dev;
	int fd;
};

FIXTURE_SETUP(accel)
{
	self->num = maia_device_indices(self->indices, MAIA_MAX_TEST_DEVICES);
	ASSERT_GT(self->num, 0) TH_LOG("no maia accel nodes");
	ASSERT_EQ(0, maia_open_index(self->indices[0], &self->dev));
	self->fd = maia_fd(self->dev);
}

FIXTURE_TEARDOWN(accel)
{
	maia_close(self->dev);
}

TEST_F(accel, get_info_matches_device_config)
{
	struct maia_info infos[MAIA_MAX_TEST_DEVICES];
	unsigned long long hbm[MAIA_MAX_TEST_DEVICES], v[1];
	int i, n_hbm;

	for (i = 0; i < self->num; i++) {
		struct maia_device *dev;

		ASSERT_EQ(0, maia_open_index(self->indices[i], &dev));
		ASSERT_EQ(0, maia_get_info(dev, &infos[i]));
		maia_close(dev);
		EXPECT_EQ(MAIA_HW_ID, infos[i].hw_id);
		EXPECT_EQ(1, infos[i].hw_version_major);
		EXPECT_EQ(MAIA_UAPI_VERSION_MAJOR, infos[i].uapi_version_major);
		EXPECT_EQ(MAIA_UAPI_VERSION_MINOR, infos[i].uapi_version_minor);
		EXPECT_STREQ("maia_accel", infos[i].driver_name);
		EXPECT_EQ(self->indices[i], infos[i].accel_index);
		EXPECT_TRUE(infos[i].capabilities & MAIA_CAP_HBM);
		EXPECT_NE(0, infos[i].num_queues);
	}
	qsort(infos, self->num, sizeof(infos[0]), info_cmp_pci);

	n_hbm = env_u64_list("MAIA_EXPECT_HBM", hbm, MAIA_MAX_TEST_DEVICES);
	if (n_hbm < 0)
		SKIP(return, "MAIA_EXPECT_HBM not set");
	ASSERT_EQ(n_hbm, self->num);
	for (i = 0; i < self->num; i++)
		EXPECT_EQ(hbm[i], infos[i].hbm_size)
			TH_LOG("device %s", infos[i].pci_address);
	if (env_u64_list("MAIA_EXPECT_PORTS", v, 1) == 1)
		for (i = 0; i < self->num; i++)
			EXPECT_EQ(v[0], infos[i].num_ports);
	if (env_u64_list("MAIA_EXPECT_LANES", v, 1) == 1)
		for (i = 0; i < self->num; i++)
			EXPECT_EQ(v[0], infos[i].num_lanes);
	/* Serial numbers tell devices apart. */
	for (i = 1; i < self->num; i++)
		EXPECT_NE(infos[i - 1].serial, infos[i].serial);
}

TEST_F(accel, open_by_pci_address)
{
	struct maia_info a, b;
	struct maia_device *dev;

	ASSERT_EQ(0, maia_get_info(self->dev, &a));
	ASSERT_EQ(0, maia_open_pci(a.pci_address, &dev));
	ASSERT_EQ(0, maia_get_info(dev, &b));
	maia_close(dev);
	EXPECT_EQ(a.serial, b.serial);
	EXPECT_EQ(a.accel_index, b.accel_index);
	/* Short form without the domain. */
	ASSERT_EQ(0, maia_open_pci(a.pci_address + 5, &dev));
	maia_close(dev);
	EXPECT_EQ(-EINVAL, maia_open_pci("zz:1", &dev));
	EXPECT_EQ(-ENODEV, maia_open_pci("0000:7f:1f.7", &dev));
	EXPECT_EQ(-ENODEV, maia_open_index(250, &dev));
}

TEST_F(accel, raw_get_info)
{
	struct drm_maia_get_info info;

	memset(&info, 0, sizeof(info));
	ASSERT_EQ(0, ioctl(self->fd, DRM_IOCTL_MAIA_GET_INFO, &info));
	EXPECT_EQ(MAIA_UAPI_VERSION, info.uapi_version);
	EXPECT_EQ(0, info.reserved[0] | info.reserved[1] | info.reserved[2] |
		     info.reserved[3]);
	EXPECT_EQ(0, info.flags);
}

TEST_F(accel, bad_ioctl_numbers)
{
	struct drm_maia_get_info info;
	unsigned long bad[] = {
		/* past the end of the driver's table */
		DRM_IOWR(DRM_COMMAND_BASE + 0x3f, struct drm_maia_get_info),
		DRM_IOWR(DRM_COMMAND_BASE + DRM_MAIA_QUEUE_STATE + 1,
			 struct drm_maia_get_info),
		/* right number, wrong direction */
		DRM_IOW(DRM_COMMAND_BASE + DRM_MAIA_GET_INFO, struct drm_maia_get_info),
		DRM_IOR(DRM_COMMAND_BASE + DRM_MAIA_GET_INFO, struct drm_maia_get_info),
		DRM_IO(DRM_COMMAND_BASE + DRM_MAIA_GET_INFO),
		/* right number, another ioctl type */
		_IOWR('x', DRM_COMMAND_BASE + DRM_MAIA_GET_INFO, struct drm_maia_get_info),
	};
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&info, 0, sizeof(info));
		errno = 0;
		EXPECT_EQ(-1, ioctl(self->fd, bad[i], &info));
		EXPECT_EQ(ENOTTY, errno) TH_LOG("cmd 0x%lx", bad[i]);
	}
}

TEST_F(accel, wrong_argument_sizes)
{
	char buf[sizeof(struct drm_maia_get_info) + 64];
	size_t sizes[] = { 0, 8, sizeof(struct drm_maia_get_info) - 8,
			   sizeof(struct drm_maia_get_info) + 8,
			   sizeof(struct drm_maia_get_info) + 64 };
	unsigned int i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		unsigned long cmd = _IOC(_IOC_READ | _IOC_WRITE, DRM_IOCTL_BASE,
					 DRM_COMMAND_BASE + DRM_MAIA_GET_INFO,
					 sizes[i]);

		memset(buf, 0, sizeof(buf));
		errno = 0;
		EXPECT_EQ(-1, ioctl(self->fd, cmd, buf));
		EXPECT_EQ(EINVAL, errno) TH_LOG("size %zu", sizes[i]);
	}
}

TEST_F(accel, nonzero_flags_pad_reserved)
{
	struct drm_maia_get_info info;
	int i;

	for (i = 0; i < 6; i++) {
		memset(&info, 0, sizeof(info));
		switch (i) {
		case 0: info.flags = 1; break;
		case 1: info.flags = 0x80000000u; break;
		case 2: info.pad = 1; break;
		case 3: info.reserved[0] = 1; break;
		case 4: info.reserved[3] = 1ULL << 63; break;
		case 5: info.reserved[2] = 0x100; break;
		}
		errno = 0;
		EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_MAIA_GET_INFO, &info));
		EXPECT_EQ(EINVAL, errno) TH_LOG("case %d", i);
	}
}

TEST_F(accel, bad_pointer)
{
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_MAIA_GET_INFO, (void *)8));
	EXPECT_EQ(EFAULT, errno);
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->fd, DRM_IOCTL_MAIA_GET_INFO, NULL));
	EXPECT_EQ(EFAULT, errno);
}

/* Random ioctl numbers and sizes in the driver range: errors, never a crash. */
TEST_F(accel, ioctl_fuzz)
{
	char buf[512];
	int i;

	srand(1234);
	for (i = 0; i < 2000; i++) {
		unsigned int nr = DRM_COMMAND_BASE + (rand() % 0x60);
		unsigned int dir = rand() % 4;
		unsigned int size = rand() % sizeof(buf);
		unsigned long cmd = _IOC(dir, DRM_IOCTL_BASE, nr, size);
		unsigned int j;
		int ret;

		for (j = 0; j < sizeof(buf); j++)
			buf[j] = rand();
		ret = ioctl(self->fd, cmd, buf);
		if (ret == 0) {
			/* only a correctly sized driver ioctl may succeed */
			EXPECT_EQ(DRM_IOCTL_BASE, _IOC_TYPE(cmd));
			continue;
		}
		/* every failure is one of the documented errnos */
		EXPECT_TRUE(errno == ENOTTY || errno == EINVAL || errno == EFAULT ||
			    errno == ENOENT || errno == EEXIST || errno == ENOSPC ||
			    errno == ENOMEM || errno == EACCES || errno == ECANCELED)
			TH_LOG("cmd 0x%lx errno %d", cmd, errno);
	}
	/* the device still answers */
	EXPECT_EQ(0, maia_get_info(self->dev, &(struct maia_info){ 0 }));
}

TEST(strerror_messages)
{
	EXPECT_NE(NULL, strstr(maia_strerror(-ENODEV), "maia"));
	EXPECT_NE(0, strlen(maia_strerror(-EINVAL)));
	EXPECT_NE(0, strlen(maia_strerror(-12345)));
}

TEST_HARNESS_MAIN
