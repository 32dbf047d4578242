// SPDX-License-Identifier: GPL-2.0
/*
 * maia_accel debugfs selftests: the files under
 * /sys/kernel/debug/accel/<device>/ are well formed and follow the device
 * (one "rings" line per command ring, counters that move with the jobs
 * this test submits; "mmu_faults" headed by its count).
 */
#define _GNU_SOURCE
#include <limits.h>

#include "kselftest_harness.h"
#include "maia.h"
#include "../lib/maia_sysfs.h"

#define SEC		1000000000LL
#define JOBS		16
#define MAX_RINGS	64

struct ring_line {
	unsigned int index, state, in_flight, jobs, faults;
	unsigned long long pushed, completed, busy_ns;
};

/* /sys/kernel/debug/accel/<PCI address of accel device @index>/@file */
static int debugfs_path(unsigned int index, const char *file, char *path,
			size_t len)
{
	char link[128], target[256];
	ssize_t n;

	snprintf(link, sizeof(link), "/sys/class/accel/accel%u/device", index);
	n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0)
		return -1;
	target[n] = '\0';
	snprintf(path, len, "/sys/kernel/debug/accel/%s/%s",
		 strrchr(target, '/') + 1, file);
	return 0;
}

/*
 * Parse the rings file: "hbm_used N", "jobs_timed_out N", then one line per
 * ring. Every line must match its format exactly (a literal backslash
 * sequence or a run-on line fails the parse). Returns the number of ring
 * lines, or -1.
 */
static int read_rings(unsigned int index, struct ring_line *rl, int max)
{
	char path[PATH_MAX], buf[8192], *line, *save;
	unsigned long long hbm_used;
	long long timed_out;
	int n = 0, end = 0;

	if (debugfs_path(index, "rings", path, sizeof(path)) ||
	    sysfs_read(path, buf, sizeof(buf)))
		return -1;
	if (strchr(buf, '\\'))
		return -1;
	line = strtok_r(buf, "\n", &save);
	if (!line || sscanf(line, "hbm_used %llu%n", &hbm_used, &end) != 1 ||
	    line[end] != '\0')
		return -1;
	line = strtok_r(NULL, "\n", &save);
	if (!line ||
	    sscanf(line, "jobs_timed_out %lld%n", &timed_out, &end) != 1 ||
	    line[end] != '\0' || timed_out < 0)
		return -1;
	for (line = strtok_r(NULL, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		end = 0;

		if (n == max)
			return -1;
		if (sscanf(line, "maia-ring%u: state %u pushed %llu completed %llu in_flight %u jobs %u faults %u busy_ns %llu%n",
			   &rl[n].index, &rl[n].state, &rl[n].pushed,
			   &rl[n].completed, &rl[n].in_flight, &rl[n].jobs,
			   &rl[n].faults, &rl[n].busy_ns, &end) != 8 ||
		    line[end] != '\0')
			return -1;
		n++;
	}
	return n;
}

FIXTURE(debugfs) {
	unsigned int index;
	struct maia_device *dev;
	struct maia_info info;
};

FIXTURE_SETUP(debugfs)
{
	ASSERT_GT(maia_device_indices(&self->index, 1), 0);
	ASSERT_EQ(0, maia_open_index(self->index, &self->dev));
	ASSERT_EQ(0, maia_get_info(self->dev, &self->info));
}

FIXTURE_TEARDOWN(debugfs)
{
	maia_close(self->dev);
}

/* One line per ring, in order, and the counters follow the jobs run. */
TEST_F_TIMEOUT(debugfs, rings, 120)
{
	struct ring_line before[MAX_RINGS], after[MAX_RINGS];
	unsigned long long pushed = 0, jobs = 0;
	struct maia_fence *f[JOBS];
	struct maia_cmdbuf *cb;
	struct maia_queue *q;
	int n, i;

	n = read_rings(self->index, before, MAX_RINGS);
	ASSERT_EQ((int)self->info.num_queues, n);
	for (i = 0; i < n; i++) {
		EXPECT_EQ((unsigned int)i, before[i].index);
		EXPECT_LE(before[i].completed, before[i].pushed);
	}

	ASSERT_EQ(0, maia_queue_create(self->dev, MAIA_PRIORITY_NORMAL, &q));
	ASSERT_EQ(0, maia_cmdbuf_create(self->dev, 4, &cb));
	ASSERT_EQ(0, maia_cmd_nop(cb));
	for (i = 0; i < JOBS; i++)
		ASSERT_EQ(0, maia_submit(q, cb, NULL, 0, NULL, 0, &f[i]));
	for (i = 0; i < JOBS; i++) {
		EXPECT_EQ(0, maia_fence_wait(f[i], 60 * SEC));
		maia_fence_destroy(f[i]);
	}

	ASSERT_EQ(n, read_rings(self->index, after, MAX_RINGS));
	for (i = 0; i < n; i++) {
		EXPECT_GE(after[i].pushed, before[i].pushed);
		EXPECT_GE(after[i].jobs, before[i].jobs);
		pushed += after[i].pushed - before[i].pushed;
		jobs += after[i].jobs - before[i].jobs;
	}
	/* Other processes may run jobs too: at least ours were counted. */
	EXPECT_GE(pushed, JOBS);
	EXPECT_GE(jobs, JOBS);
	maia_cmdbuf_destroy(cb);
	maia_queue_destroy(q);
}

TEST_F(debugfs, mmu_faults)
{
	char path[PATH_MAX], buf[8192];
	unsigned long long count;
	int end = 0;

	ASSERT_EQ(0, debugfs_path(self->index, "mmu_faults", path,
				  sizeof(path)));
	ASSERT_EQ(0, sysfs_read(path, buf, sizeof(buf)));
	ASSERT_EQ(1, sscanf(buf, "faults: %llu\n%n", &count, &end));
	EXPECT_GT(end, 0);
	EXPECT_EQ(NULL, strchr(buf, '\\'));
}

TEST_HARNESS_MAIN
