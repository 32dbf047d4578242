// SPDX-License-Identifier: GPL-2.0
/*
 * maia_core selftests: probe and identity, MSI-X round trip, auxiliary
 * devices, unbind/rebind and module unload/reload loops.
 */
#define _GNU_SOURCE
#include <sys/ioctl.h>

#include <drm/maia_accel.h>

#include "kselftest_harness.h"
#include "../lib/maia_sysfs.h"

#define ROUNDS 10

/* What one PCI function looks like when everything is bound. */
struct maia_snapshot {
	char accel_node[32];
	int num_netdevs;
	char netdevs[4][32];
};

static int snapshot(const char *pci, struct maia_snapshot *snap)
{
	char dir[512], aux[64], drv[64];
	struct dirent *de;
	DIR *d;

	memset(snap, 0, sizeof(*snap));
	snprintf(dir, sizeof(dir), PCI_SYSFS "/%s", pci);
	bound_driver(dir, drv, sizeof(drv));
	if (strcmp(drv, "maia_core"))
		return -1;

	if (maia_find_child(dir, "maia_core.accel.", aux, sizeof(aux)))
		return -2;
	snprintf(dir, sizeof(dir), PCI_SYSFS "/%s/%s", pci, aux);
	bound_driver(dir, drv, sizeof(drv));
	if (strcmp(drv, "maia_accel.accel"))
		return -3;
	snprintf(dir, sizeof(dir), PCI_SYSFS "/%s/%s/accel", pci, aux);
	if (maia_find_child(dir, "accel", snap->accel_node,
			    sizeof(snap->accel_node)))
		return -4;

	snprintf(dir, sizeof(dir), PCI_SYSFS "/%s", pci);
	if (maia_find_child(dir, "maia_core.link.", aux, sizeof(aux)))
		return -5;
	snprintf(dir, sizeof(dir), PCI_SYSFS "/%s/%s", pci, aux);
	bound_driver(dir, drv, sizeof(drv));
	if (strcmp(drv, "maia_link.link"))
		return -6;
	snprintf(dir, sizeof(dir), PCI_SYSFS "/%s/%s/net", pci, aux);
	d = opendir(dir);
	if (!d)
		return -7;
	while ((de = readdir(d)) && snap->num_netdevs < 4) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(snap->netdevs[snap->num_netdevs++], 32, "%s",
			 de->d_name);
	}
	closedir(d);
	qsort(snap->netdevs, snap->num_netdevs, 32, maia_cmp_str);
	return 0;
}

FIXTURE(maia) {
	char pci[MAIA_MAX_TEST_DEVICES][16];
	int num;
	struct maia_snapshot before[MAIA_MAX_TEST_DEVICES];
};

FIXTURE_SETUP(maia)
{
	unsigned long long expect[1];
	int i;

	self->num = maia_pci_list(self->pci, MAIA_MAX_TEST_DEVICES);
	ASSERT_GT(self->num, 0) TH_LOG("no maia PCI functions");
	if (env_u64_list("MAIA_EXPECT_DEVICES", expect, 1) == 1)
		ASSERT_EQ(expect[0], self->num);
	for (i = 0; i < self->num; i++)
		ASSERT_EQ(0, snapshot(self->pci[i], &self->before[i]))
			TH_LOG("%s is not fully bound", self->pci[i]);
}

FIXTURE_TEARDOWN(maia)
{
}

/*
 * After unbind/rebind or reload every device must be fully bound again, and
 * the set of accel minors and netdev names must be the one we started with:
 * names come from ids that were freed, so nothing leaked them. Which device
 * gets which name depends on probe order, so compare the sets.
 */
static int collect_names(const struct maia_snapshot *snaps, int num,
			 char names[][32])
{
	int i, j, n = 0;

	for (i = 0; i < num; i++) {
		snprintf(names[n++], 32, "%s", snaps[i].accel_node);
		for (j = 0; j < snaps[i].num_netdevs; j++)
			snprintf(names[n++], 32, "%s", snaps[i].netdevs[j]);
	}
	qsort(names, n, 32, maia_cmp_str);
	return n;
}

static void check_all_back(struct __test_metadata *_metadata,
			   FIXTURE_DATA(maia) *self)
{
	struct maia_snapshot now[MAIA_MAX_TEST_DEVICES];
	char before[MAIA_MAX_TEST_DEVICES * 5][32];
	char after[MAIA_MAX_TEST_DEVICES * 5][32];
	int i, n_before, n_after;

	for (i = 0; i < self->num; i++) {
		ASSERT_EQ(0, snapshot(self->pci[i], &now[i]))
			TH_LOG("%s did not come back", self->pci[i]);
		EXPECT_EQ(self->before[i].num_netdevs, now[i].num_netdevs);
	}
	n_before = collect_names(self->before, self->num, before);
	n_after = collect_names(now, self->num, after);
	ASSERT_EQ(n_before, n_after);
	for (i = 0; i < n_before; i++)
		EXPECT_STREQ(before[i], after[i]);
}

TEST_F(maia, probe_identity)
{
	char path[512], buf[4096];
	int i;

	for (i = 0; i < self->num; i++) {
		snprintf(path, sizeof(path), PCI_SYSFS "/%s/class", self->pci[i]);
		EXPECT_EQ(0x120000, sysfs_read_ull(path));
		snprintf(path, sizeof(path), MAIA_DEBUGFS "/%s/regs", self->pci[i]);
		ASSERT_EQ(0, sysfs_read(path, buf, sizeof(buf)));
		EXPECT_NE(NULL, strstr(buf, "id = 0x4d414941"));
		EXPECT_NE(NULL, strstr(buf, "version = 0x00010000"));
		/* STATUS.READY after the reset done at probe */
		EXPECT_NE(NULL, strstr(buf, "status = 0x00000001"));
	}
}

TEST_F(maia, expected_ports)
{
	unsigned long long ports[1];
	int i;

	if (env_u64_list("MAIA_EXPECT_PORTS", ports, 1) != 1)
		SKIP(return, "MAIA_EXPECT_PORTS not set");
	for (i = 0; i < self->num; i++)
		EXPECT_EQ(ports[0], self->before[i].num_netdevs);
}

static unsigned long long proc_interrupts(const char *name)
{
	unsigned long long total = 0, v;
	char line[1024], *p, *end;
	FILE *f;

	f = fopen("/proc/interrupts", "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (!strstr(line, name))
			continue;
		p = strchr(line, ':');
		if (!p)
			continue;
		for (p++;; p = end) {
			v = strtoull(p, &end, 10);
			if (end == p)
				break;
			total += v;
		}
	}
	fclose(f);
	return total;
}

TEST_F(maia, msix_round_trip)
{
	unsigned long long irqs0, tests0, irqs1, tests1, proc0, proc1;
	char path[512], buf[128];
	int i, r;

	for (i = 0; i < self->num; i++) {
		snprintf(path, sizeof(path), MAIA_DEBUGFS "/%s/irq_test",
			 self->pci[i]);
		ASSERT_EQ(0, sysfs_read(path, buf, sizeof(buf)));
		ASSERT_EQ(2, sscanf(buf, "%llu %llu", &irqs0, &tests0));
		proc0 = proc_interrupts("maia-misc");
		for (r = 0; r < 5; r++)
			ASSERT_EQ(0, sysfs_write(path, "1"));
		ASSERT_EQ(0, sysfs_read(path, buf, sizeof(buf)));
		ASSERT_EQ(2, sscanf(buf, "%llu %llu", &irqs1, &tests1));
		proc1 = proc_interrupts("maia-misc");
		EXPECT_EQ(tests0 + 5, tests1);
		EXPECT_GE(irqs1, irqs0 + 5);
		EXPECT_GE(proc1, proc0 + 5);
	}
}

TEST_F(maia, pci_unbind_rebind)
{
	int r, i;

	for (r = 0; r < ROUNDS; r++) {
		for (i = 0; i < self->num; i++) {
			char dir[512], aux[64];

			ASSERT_EQ(0, sysfs_write("/sys/bus/pci/drivers/maia_core/unbind",
						 self->pci[i]));
			snprintf(dir, sizeof(dir), PCI_SYSFS "/%s", self->pci[i]);
			EXPECT_EQ(-ENOENT, maia_find_child(dir, "maia_core.",
							   aux, sizeof(aux)));
		}
		/* Alternate the bind order between rounds. */
		for (i = 0; i < self->num; i++) {
			int k = r % 2 ? self->num - 1 - i : i;

			ASSERT_EQ(0, sysfs_write("/sys/bus/pci/drivers/maia_core/bind",
						 self->pci[k]));
		}
		/*
		 * A device rebound while files of its old instance were still
		 * open (an earlier suite does that) has a higher minor than
		 * the lowest free one; the first round gives the names their
		 * lowest values, and the later rounds must keep them.
		 */
		for (i = 0; !r && i < self->num; i++)
			ASSERT_EQ(0, snapshot(self->pci[i], &self->before[i]));
	}
	check_all_back(_metadata, self);
}

TEST_F(maia, aux_unbind_rebind)
{
	static const char * const drivers[] = {
		"/sys/bus/auxiliary/drivers/maia_accel.accel",
		"/sys/bus/auxiliary/drivers/maia_link.link",
	};
	static const char * const prefixes[] = {
		"maia_core.accel.", "maia_core.link.",
	};
	char dir[512], aux[64], path[600];
	int r, i, k;

	for (r = 0; r < ROUNDS; r++) {
		for (i = 0; i < self->num; i++) {
			for (k = 0; k < 2; k++) {
				int which = (r + k) % 2;

				snprintf(dir, sizeof(dir), PCI_SYSFS "/%s", self->pci[i]);
				ASSERT_EQ(0, maia_find_child(dir, prefixes[which],
							     aux, sizeof(aux)));
				snprintf(path, sizeof(path), "%s/unbind", drivers[which]);
				ASSERT_EQ(0, sysfs_write(path, aux));
				snprintf(path, sizeof(path), "%s/bind", drivers[which]);
				ASSERT_EQ(0, sysfs_write(path, aux));
			}
		}
	}
	check_all_back(_metadata, self);
}

TEST_F(maia, module_unload_reload)
{
	static const char * const aux_mods[][2] = {
		{ "maia_link", "net/maia_link" },
		{ "maia_accel", "accel/maia_accel" },
	};
	int r, k;

	/* The core cannot go while its auxiliary drivers use it. */
	EXPECT_EQ(-EWOULDBLOCK, maia_module_unload("maia_core"));

	for (r = 0; r < ROUNDS; r++) {
		for (k = 0; k < 2; k++)
			ASSERT_EQ(0, maia_module_unload(aux_mods[(r + k) % 2][0]));
		ASSERT_EQ(0, maia_module_unload("maia_core"));
		ASSERT_FALSE(module_loaded("maia_core"));
		ASSERT_FALSE(path_exists(MAIA_DEBUGFS));
		/* Auxiliary drivers need the core's symbols. */
		EXPECT_NE(0, maia_module_load(aux_mods[r % 2][1]));
		ASSERT_EQ(0, maia_module_load("core/maia_core"));
		for (k = 0; k < 2; k++)
			ASSERT_EQ(0, maia_module_load(aux_mods[(r + k + 1) % 2][1]));
	}
	check_all_back(_metadata, self);
}

TEST_F(maia, unbind_with_open_file)
{
	struct drm_maia_get_info info = { 0 };
	struct maia_snapshot now;
	char node[64];
	int fd;

	snprintf(node, sizeof(node), "/dev/accel/%s", self->before[0].accel_node);
	fd = open(node, O_RDWR | O_CLOEXEC);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, sysfs_write("/sys/bus/pci/drivers/maia_core/unbind",
				 self->pci[0]));
	/* Any ioctl on the orphaned file fails cleanly. */
	EXPECT_EQ(-1, ioctl(fd, DRM_IOCTL_MAIA_GET_INFO, &info));
	EXPECT_EQ(ENODEV, errno);
	ASSERT_EQ(0, sysfs_write("/sys/bus/pci/drivers/maia_core/bind",
				 self->pci[0]));
	close(fd);
	/* The old minor was still held, so the new node may differ. */
	EXPECT_EQ(0, snapshot(self->pci[0], &now));
}

TEST_HARNESS_MAIN
