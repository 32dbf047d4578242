// SPDX-License-Identifier: GPL-2.0
/*
 * maia_link selftests: one netdev per optical port, each with its own
 * stable, locally administered address, and administrative up/down.
 */
#define _GNU_SOURCE
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "kselftest_harness.h"
#include "../lib/maia_sysfs.h"

struct port_list {
	int num;
	char names[MAIA_MAX_TEST_DEVICES * 4][IFNAMSIZ];
	int per_device[MAIA_MAX_TEST_DEVICES];
	int num_devices;
};

static int list_ports(struct port_list *pl)
{
	char pci[MAIA_MAX_TEST_DEVICES][16], dir[512], aux[64];
	struct dirent *de;
	int i;
	DIR *d;

	memset(pl, 0, sizeof(*pl));
	pl->num_devices = maia_pci_list(pci, MAIA_MAX_TEST_DEVICES);
	for (i = 0; i < pl->num_devices; i++) {
		snprintf(dir, sizeof(dir), PCI_SYSFS "/%s", pci[i]);
		if (maia_find_child(dir, "maia_core.link.", aux, sizeof(aux)))
			return -1;
		snprintf(dir, sizeof(dir), PCI_SYSFS "/%s/%s/net", pci[i], aux);
		d = opendir(dir);
		if (!d)
			return -1;
		while ((de = readdir(d))) {
			if (de->d_name[0] == '.')
				continue;
			snprintf(pl->names[pl->num++], IFNAMSIZ, "%s", de->d_name);
			pl->per_device[i]++;
		}
		closedir(d);
	}
	return 0;
}

TEST(one_netdev_per_port)
{
	unsigned long long ports[1];
	struct port_list pl;
	int i;

	ASSERT_EQ(0, list_ports(&pl));
	ASSERT_GT(pl.num_devices, 0);
	if (env_u64_list("MAIA_EXPECT_PORTS", ports, 1) != 1)
		SKIP(return, "MAIA_EXPECT_PORTS not set");
	for (i = 0; i < pl.num_devices; i++)
		EXPECT_EQ(ports[0], pl.per_device[i]);
}

TEST(port_identity)
{
	char path[256], addr[64], other[64];
	unsigned long long dev_port;
	struct port_list pl;
	int i, j;

	ASSERT_EQ(0, list_ports(&pl));
	for (i = 0; i < pl.num; i++) {
		snprintf(path, sizeof(path), "/sys/class/net/%s/address", pl.names[i]);
		ASSERT_EQ(0, sysfs_read(path, addr, sizeof(addr)));
		/* locally administered unicast */
		EXPECT_EQ(0x02, strtoul(addr, NULL, 16) & 0x03);
		snprintf(path, sizeof(path), "/sys/class/net/%s/dev_port", pl.names[i]);
		dev_port = sysfs_read_ull(path);
		EXPECT_LT(dev_port, 4);
		for (j = 0; j < i; j++) {
			snprintf(path, sizeof(path), "/sys/class/net/%s/address",
				 pl.names[j]);
			ASSERT_EQ(0, sysfs_read(path, other, sizeof(other)));
			EXPECT_STRNE(addr, other);
		}
		snprintf(path, sizeof(path), "/sys/class/net/%s/type", pl.names[i]);
		EXPECT_EQ(1, sysfs_read_ull(path));	/* ARPHRD_ETHER */
	}
}

TEST(admin_up_down)
{
	struct port_list pl;
	struct ifreq ifr;
	int i, s, r;

	ASSERT_EQ(0, list_ports(&pl));
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ASSERT_GE(s, 0);
	for (i = 0; i < pl.num; i++) {
		for (r = 0; r < 3; r++) {
			memset(&ifr, 0, sizeof(ifr));
			snprintf(ifr.ifr_name, IFNAMSIZ, "%s", pl.names[i]);
			ASSERT_EQ(0, ioctl(s, SIOCGIFFLAGS, &ifr));
			ifr.ifr_flags |= IFF_UP;
			ASSERT_EQ(0, ioctl(s, SIOCSIFFLAGS, &ifr));
			ASSERT_EQ(0, ioctl(s, SIOCGIFFLAGS, &ifr));
			EXPECT_TRUE(ifr.ifr_flags & IFF_UP);
			ifr.ifr_flags &= ~IFF_UP;
			ASSERT_EQ(0, ioctl(s, SIOCSIFFLAGS, &ifr));
		}
	}
	close(s);
}

TEST_HARNESS_MAIN
