// SPDX-License-Identifier: GPL-2.0
/*
 * maia_accel recovery selftests: an injected ring hang and a device MMU
 * fault are reported to the submitting process, the queue and device
 * recover, and a second process running at the same time is not disturbed.
 */
#define _GNU_SOURCE
#include <glob.h>
#include <signal.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "maia.h"
#include "../lib/maia_sysfs.h"

#define SEC	1000000000LL
#define BUF	(64 * 1024)

struct job_env {
	struct maia_device *dev;
	struct maia_queue *q;
	struct maia_cmdbuf *cb;
	struct maia_bo *src, *dst;
	uint32_t *src_cpu, *dst_cpu;
};

static int env_open(struct job_env *e, unsigned int index)
{
	void *p;
	int ret;

	memset(e, 0, sizeof(*e));
	ret = maia_open_index(index, &e->dev);
	if (!ret)
		ret = maia_queue_create(e->dev, MAIA_PRIORITY_NORMAL, &e->q);
	if (!ret)
		ret = maia_cmdbuf_create(e->dev, 16, &e->cb);
	if (!ret)
		ret = maia_bo_create_bound(e->dev, BUF, 0, &e->src);
	if (!ret)
		ret = maia_bo_create_bound(e->dev, BUF, 0, &e->dst);
	if (!ret)
		ret = maia_bo_map(e->src, &p);
	if (!ret) {
		e->src_cpu = p;
		ret = maia_bo_map(e->dst, &p);
	}
	if (!ret)
		e->dst_cpu = p;
	return ret;
}

static void env_close(struct job_env *e)
{
	maia_bo_destroy(e->src);
	maia_bo_destroy(e->dst);
	maia_cmdbuf_destroy(e->cb);
	maia_queue_destroy(e->q);
	maia_close(e->dev);
}

/* One COPY job src -> dst with a fresh pattern, checked. 0 or -errno/-EIO. */
static int copy_round(struct job_env *e, uint32_t seed)
{
	struct maia_bo *bos[2] = { e->src, e->dst };
	struct maia_fence *f;
	unsigned int i;
	int ret;

	for (i = 0; i < BUF / 4; i++)
		e->src_cpu[i] = seed * 2654435761u + i;
	memset(e->dst_cpu, 0, BUF);
	maia_cmdbuf_reset(e->cb);
	ret = maia_cmd_copy(e->cb, maia_bo_va(e->src), maia_bo_va(e->dst), BUF);
	if (ret)
		return ret;
	ret = maia_submit(e->q, e->cb, bos, 2, NULL, 0, &f);
	if (ret)
		return ret;
	ret = maia_fence_wait(f, 60 * SEC);
	maia_fence_destroy(f);
	if (ret)
		return ret;
	return memcmp(e->src_cpu, e->dst_cpu, BUF) ? -EIO : 0;
}

/* The bystander: keeps copying and checking until told to stop. */
static int bystander(unsigned int index, int stop_fd)
{
	struct job_env e;
	uint32_t r;
	char c;

	if (env_open(&e, index))
		return 2;
	/*
	 * At least two rounds whatever the timing (a slow, sanitized kernel
	 * may finish the test before the first round ends), then until told.
	 */
	for (r = 1;; r++) {
		if (copy_round(&e, r))
			return 1;
		if (r >= 2 && read(stop_fd, &c, 1) == 1)
			break;
	}
	env_close(&e);
	return 0;
}

FIXTURE(recovery) {
	unsigned int index;
	int stop[2];
	pid_t bystander;
	struct job_env env;
};

FIXTURE_SETUP(recovery)
{
	int n = maia_device_indices(&self->index, 1);

	ASSERT_GT(n, 0);
	ASSERT_EQ(0, pipe2(self->stop, O_NONBLOCK | O_CLOEXEC));
	self->bystander = fork();
	ASSERT_GE(self->bystander, 0);
	if (!self->bystander)
		_exit(bystander(self->index, self->stop[0]));
	ASSERT_EQ(0, env_open(&self->env, self->index));
}

FIXTURE_TEARDOWN(recovery)
{
	int status = -1;

	env_close(&self->env);
	if (write(self->stop[1], "x", 1) != 1)
		kill(self->bystander, SIGKILL);
	waitpid(self->bystander, &status, 0);
	/* The other process saw every one of its jobs succeed. */
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("bystander status 0x%x", status);
}

static unsigned long long accel_attr(unsigned int index, const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "/sys/class/accel/accel%u/device/%s",
		 index, name);
	return sysfs_read_ull(path);
}

/* Read and dismiss every pending maia devcoredump; 1 if one was found. */
static int take_coredump(void)
{
	char data[4096];
	int found = 0;
	size_t i;
	glob_t g;

	if (glob("/sys/class/devcoredump/devcd*/data", 0, NULL, &g))
		return 0;
	for (i = 0; i < g.gl_pathc; i++) {
		if (!sysfs_read(g.gl_pathv[i], data, sizeof(data)) &&
		    strstr(data, "maia ring hang"))
			found = 1;
		sysfs_write(g.gl_pathv[i], "1");
	}
	globfree(&g);
	return found;
}

/*
 * The dump is registered from a work item after the reset (not in the
 * fence-signalling timeout handler): wait for it, boundedly.
 */
static int wait_coredump(void)
{
	int i;

	for (i = 0; i < 6000; i++) {
		if (take_coredump())
			return 1;
		usleep(10000);
	}
	return 0;
}

TEST_F_TIMEOUT(recovery, injected_hang, 180)
{
	unsigned long long timeouts;
	struct maia_queue_state st;
	struct maia_fence *f;
	char path[128], pid[16];

	char link[128], target[256];
	ssize_t n;

	/* /sys/kernel/debug/accel/<accel device name>/ */
	snprintf(link, sizeof(link), "/sys/class/accel/accel%u/device",
		 self->index);
	n = readlink(link, target, sizeof(target) - 1);
	ASSERT_GT(n, 0);
	target[n] = '\0';
	snprintf(path, sizeof(path), "/sys/kernel/debug/accel/%s/inject_hang_pid",
		 strrchr(target, '/') + 1);
	take_coredump();
	timeouts = accel_attr(self->index, "jobs_timed_out");
	ASSERT_EQ(0, copy_round(&self->env, 7));

	snprintf(pid, sizeof(pid), "%d", getpid());
	ASSERT_EQ(0, sysfs_write(path, pid));
	maia_cmdbuf_reset(self->env.cb);
	ASSERT_EQ(0, maia_cmd_nop(self->env.cb));
	ASSERT_EQ(0, maia_submit(self->env.q, self->env.cb, NULL, 0, NULL, 0, &f));
	/* The ring stops; the driver's timeout fails the job and resets it. */
	EXPECT_EQ(-ETIMEDOUT, maia_fence_wait(f, 60 * SEC));
	maia_fence_destroy(f);

	ASSERT_EQ(0, maia_queue_state(self->env.q, &st));
	EXPECT_EQ(MAIA_QUEUE_ERROR, st.state);
	EXPECT_EQ(-ETIMEDOUT, st.last_error);
	/* At least ours: a job abandoned by an earlier test may add one. */
	EXPECT_LE(timeouts + 1, accel_attr(self->index, "jobs_timed_out"));
	EXPECT_TRUE(wait_coredump());

	/* Same queue, next job: works. */
	EXPECT_EQ(0, copy_round(&self->env, 8));
	EXPECT_EQ(0, copy_round(&self->env, 9));
}

TEST_F_TIMEOUT(recovery, mmu_fault, 120)
{
	struct maia_bo *bos[1] = { self->env.dst };
	const uint64_t bad_va = MAIA_VA_END - (1ULL << 30);
	unsigned long long faults;
	struct maia_queue_state st;
	struct maia_fence *f;
	struct maia_info info;
	char path[256], log[4096], va[32];

	faults = accel_attr(self->index, "mmu_faults");
	maia_cmdbuf_reset(self->env.cb);
	ASSERT_EQ(0, maia_cmd_copy(self->env.cb, bad_va, maia_bo_va(self->env.dst),
				   4096));
	ASSERT_EQ(0, maia_submit(self->env.q, self->env.cb, bos, 1, NULL, 0, &f));
	EXPECT_EQ(-EFAULT, maia_fence_wait(f, 60 * SEC));
	maia_fence_destroy(f);

	ASSERT_EQ(0, maia_queue_state(self->env.q, &st));
	EXPECT_EQ(MAIA_QUEUE_ERROR, st.state);
	EXPECT_EQ(-EFAULT, st.last_error);
	EXPECT_EQ(bad_va, st.fault_addr);
	EXPECT_EQ(faults + 1, accel_attr(self->index, "mmu_faults"));

	/* The core's fault log names the address. */
	ASSERT_EQ(0, maia_get_info(self->env.dev, &info));
	snprintf(path, sizeof(path), MAIA_DEBUGFS "/%s/mmu_faults",
		 info.pci_address);
	ASSERT_EQ(0, sysfs_read(path, log, sizeof(log)));
	snprintf(va, sizeof(va), "0x%llx", (unsigned long long)bad_va);
	EXPECT_NE(NULL, strstr(log, va));

	EXPECT_EQ(0, copy_round(&self->env, 11));
}

FIXTURE(busy) {
	unsigned int index;
};

FIXTURE_SETUP(busy)
{
	ASSERT_GT(maia_device_indices(&self->index, 1), 0);
}

FIXTURE_TEARDOWN(busy)
{
}

/*
 * Unloading and unbinding while jobs run: the modules refuse to go while a
 * file is open; unbinding the device fails the jobs with an error (never a
 * hang or a crash); the old file gets -ENODEV; rebinding brings a working
 * device back.
 */
TEST_F_TIMEOUT(busy, unload_and_unbind_while_busy, 180)
{
	struct maia_bo *sem, *a;
	struct maia_fence *blocked, *gemm;
	struct maia_gemm_desc g = { 0 };
	struct maia_cmdbuf *cb, *cb2;
	struct maia_queue *q, *q2;
	struct maia_device *dev;
	struct maia_info info;
	struct job_env e;
	int ret, i;

	ASSERT_EQ(0, maia_open_index(self->index, &dev));
	ASSERT_EQ(0, maia_get_info(dev, &info));
	ASSERT_EQ(0, maia_queue_create(dev, MAIA_PRIORITY_NORMAL, &q));
	ASSERT_EQ(0, maia_queue_create(dev, MAIA_PRIORITY_NORMAL, &q2));
	ASSERT_EQ(0, maia_bo_create_bound(dev, 4096, 0, &sem));
	ASSERT_EQ(0, maia_bo_create_bound(dev, 256 * 256 * 4, MAIA_BO_HBM, &a));
	ASSERT_EQ(0, maia_cmdbuf_create(dev, 1, &cb));
	ASSERT_EQ(0, maia_cmdbuf_create(dev, 8, &cb2));
	/* A job that waits for a semaphore nobody will ever write. */
	ASSERT_EQ(0, maia_cmd_wait(cb, maia_bo_va(sem), 1));
	ASSERT_EQ(0, maia_submit(q, cb, NULL, 0, NULL, 0, &blocked));
	g.dtype = MAIA_TYPE_FP32;
	g.m = g.n = g.k = 256;
	g.a = g.b = g.c = maia_bo_va(a);
	g.alpha = 1.0f;
	for (i = 0; i < 8; i++)
		ASSERT_EQ(0, maia_cmd_gemm(cb2, &g));
	ASSERT_EQ(0, maia_submit(q2, cb2, NULL, 0, NULL, 0, &gemm));

	EXPECT_EQ(-EWOULDBLOCK, maia_module_unload("maia_accel"));
	EXPECT_EQ(-EWOULDBLOCK, maia_module_unload("maia_core"));
	EXPECT_EQ(-ETIME, maia_fence_wait(blocked, 0));

	ASSERT_EQ(0, sysfs_write("/sys/bus/pci/drivers/maia_core/unbind",
				 info.pci_address));
	ret = maia_fence_wait(blocked, 60 * SEC);
	EXPECT_TRUE(ret < 0 && ret != -ETIME) TH_LOG("blocked job: %d", ret);
	ret = maia_fence_wait(gemm, 60 * SEC);
	EXPECT_NE(-ETIME, ret);
	EXPECT_EQ(-ENODEV, maia_get_info(dev, &info));
	maia_fence_destroy(blocked);
	maia_fence_destroy(gemm);
	maia_cmdbuf_destroy(cb);
	maia_cmdbuf_destroy(cb2);
	maia_bo_destroy(sem);
	maia_bo_destroy(a);
	maia_queue_destroy(q);
	maia_queue_destroy(q2);
	maia_close(dev);

	ASSERT_EQ(0, sysfs_write("/sys/bus/pci/drivers/maia_core/bind",
				 info.pci_address));
	ASSERT_GT(maia_device_indices(&self->index, 1), 0);
	ASSERT_EQ(0, env_open(&e, self->index));
	EXPECT_EQ(0, copy_round(&e, 5));
	env_close(&e);
}

TEST_HARNESS_MAIN
