/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the maia selftests: find maia PCI functions and the
 * devices hanging off them in sysfs, read and write sysfs files, load and
 * unload the maia modules.
 */
#ifndef MAIA_SYSFS_H
#define MAIA_SYSFS_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAIA_MAX_TEST_DEVICES	8
#define PCI_SYSFS		"/sys/bus/pci/devices"
#define MAIA_DEBUGFS		"/sys/kernel/debug/maia"

static inline int sysfs_read(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

static inline int sysfs_write(const char *path, const char *value)
{
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, value, strlen(value));
	close(fd);
	return n < 0 ? -errno : 0;
}

static inline unsigned long long sysfs_read_ull(const char *path)
{
	char buf[64];

	if (sysfs_read(path, buf, sizeof(buf)))
		return ~0ULL;
	return strtoull(buf, NULL, 0);
}

static inline int path_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

static int maia_cmp_str(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

/* All maia PCI functions, bound or not, sorted by address. */
static inline int maia_pci_list(char addrs[][16], int max)
{
	struct dirent *de;
	char path[512];
	int n = 0;
	DIR *dir;

	dir = opendir(PCI_SYSFS);
	if (!dir)
		return -errno;
	while ((de = readdir(dir)) && n < max) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), PCI_SYSFS "/%s/vendor", de->d_name);
		if (sysfs_read_ull(path) != 0x1af4)
			continue;
		snprintf(path, sizeof(path), PCI_SYSFS "/%s/device", de->d_name);
		if (sysfs_read_ull(path) != 0x10f7)
			continue;
		snprintf(addrs[n++], 16, "%s", de->d_name);
	}
	closedir(dir);
	qsort(addrs, n, 16, maia_cmp_str);
	return n;
}

/*
 * Find the first entry of PCI_SYSFS/<pci>/<subdir> whose name starts with
 * @prefix (e.g. the auxiliary device "maia_core.accel."). Returns 0 and fills
 * @name, or -ENOENT.
 */
static inline int maia_find_child(const char *dirpath, const char *prefix,
				  char *name, size_t len)
{
	struct dirent *de;
	DIR *dir;
	int ret = -ENOENT;

	dir = opendir(dirpath);
	if (!dir)
		return -errno;
	while ((de = readdir(dir))) {
		if (!strncmp(de->d_name, prefix, strlen(prefix))) {
			snprintf(name, len, "%s", de->d_name);
			ret = 0;
			break;
		}
	}
	closedir(dir);
	return ret;
}

/* Count directory entries not starting with '.', or -errno. */
static inline int dir_count(const char *dirpath)
{
	struct dirent *de;
	DIR *dir;
	int n = 0;

	dir = opendir(dirpath);
	if (!dir)
		return -errno;
	while ((de = readdir(dir)))
		if (de->d_name[0] != '.')
			n++;
	closedir(dir);
	return n;
}

/* Name of the driver bound to a sysfs device directory, "" if none. */
static inline void bound_driver(const char *devdir, char *drv, size_t len)
{
	char link[512], target[512];
	ssize_t n;

	snprintf(link, sizeof(link), "%s/driver", devdir);
	n = readlink(link, target, sizeof(target) - 1);
	drv[0] = '\0';
	if (n <= 0)
		return;
	target[n] = '\0';
	snprintf(drv, len, "%s", strrchr(target, '/') + 1);
}

static inline const char *maia_repo(void)
{
	const char *repo = getenv("MAIA_REPO");

	return repo ? repo : getenv("maia_repo");
}

/*
 * Load one module from the build tree; 0 or -errno (-EEXIST if loaded).
 * The VM runner passes maia_kmod, the module build for the booted kernel
 * (build/kernel, or build/kernel-debug under the debug kernel).
 */
static inline int maia_module_load(const char *subdir_name)
{
	const char *kmod = getenv("maia_kmod");
	char path[512];
	int fd, ret;

	if (kmod)
		snprintf(path, sizeof(path), "%s/drivers/%s.ko", kmod,
			 subdir_name);
	else if (maia_repo())
		snprintf(path, sizeof(path), "%s/build/kernel/drivers/%s.ko",
			 maia_repo(), subdir_name);
	else
		return -ENOENT;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, "", 0);
	ret = ret ? -errno : 0;
	close(fd);
	return ret;
}

static inline int maia_module_unload(const char *name)
{
	return syscall(SYS_delete_module, name, O_NONBLOCK) ? -errno : 0;
}

static inline int module_loaded(const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "/sys/module/%s/initstate", name);
	return path_exists(path);
}

/* Parse a space separated list of integers from an environment variable. */
static inline int env_u64_list(const char *var, unsigned long long *vals,
			       int max)
{
	const char *s = getenv(var);
	char *end;
	int n = 0;

	if (!s)
		return -1;
	while (*s && n < max) {
		vals[n] = strtoull(s, &end, 0);
		if (end == s)
			break;
		n++;
		s = end;
	}
	return n;
}

#endif /* MAIA_SYSFS_H */
