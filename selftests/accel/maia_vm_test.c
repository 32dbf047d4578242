// SPDX-License-Identifier: GPL-2.0
/*
 * maia_accel address-space lifetime selftests, through raw ioctl(2):
 *
 *  - unbinding a range that a running job writes through without naming
 *    the object: VM_UNBIND returns only after that job is done, and the
 *    memory, handed to another file, is never written by it;
 *  - many more address spaces than hardware ASIDs submitting at once (the
 *    ids are lent per job);
 *  - bind/unbind at fresh addresses does not grow the page tables, and
 *    pruning them keeps neighbouring mappings working;
 *  - a file whose jobs keep hanging rings is banned on every queue, new
 *    ones included.
 *
 * Device 0 only.
 */
#define _GNU_SOURCE
#include <libgen.h>
#include <limits.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <drm/maia_accel.h>
#include <drm/maia_cmd.h>
#include <xf86drm.h>

#include "kselftest_harness.h"
#include "../lib/maia_sysfs.h"

#define NSEC_PER_SEC	1000000000LL
#define KiB		1024ULL
#define MiB		(1024 * KiB)
#define GiB		(1024 * MiB)
#define PAGE		DRM_MAIA_PAGE_SIZE
#define JOB_WAIT_NS	(60 * NSEC_PER_SEC)

/* Device addresses */
#define VA_IB		0x10000000ULL
#define VA_FLAG		0x20000000ULL
#define VA_TARGET	0x40000000ULL
#define VA_OTHER	0x80000000ULL

/* ioctl(2) as 0 or -errno (libdrm's drmIoctl retries EINTR/EAGAIN). */
static int ioc(int fd, unsigned long request, void *arg)
{
	return drmIoctl(fd, request, arg) ? -errno : 0;
}

static int open_maia(void)
{
	return open("/dev/accel/accel0", O_RDWR | O_CLOEXEC);
}

static int bo_create(int fd, uint64_t size, uint32_t flags, uint32_t *handle)
{
	struct drm_maia_bo_create args = { .size = size, .flags = flags };
	int ret = ioc(fd, DRM_IOCTL_MAIA_BO_CREATE, &args);

	if (!ret)
		*handle = args.handle;
	return ret;
}

/* mmap a whole object; NULL on failure. */
static void *bo_map(int fd, uint32_t handle, uint64_t size,
		    uint64_t *hbm_offset)
{
	struct drm_maia_bo_info info = { .handle = handle };
	void *p;

	if (ioc(fd, DRM_IOCTL_MAIA_BO_INFO, &info))
		return NULL;
	if (hbm_offset)
		*hbm_offset = info.hbm_offset;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 info.mmap_offset);
	return p == MAP_FAILED ? NULL : p;
}

static int gem_close(int fd, uint32_t handle)
{
	struct drm_gem_close args = { .handle = handle };

	return ioc(fd, DRM_IOCTL_GEM_CLOSE, &args);
}

static int vm_bind(int fd, uint32_t handle, uint64_t va, uint64_t size)
{
	struct drm_maia_vm_bind args = {
		.handle = handle, .va = va, .size = size,
	};

	return ioc(fd, DRM_IOCTL_MAIA_VM_BIND, &args);
}

static int vm_unbind(int fd, uint64_t va, uint64_t size)
{
	struct drm_maia_vm_unbind args = { .va = va, .size = size };

	return ioc(fd, DRM_IOCTL_MAIA_VM_UNBIND, &args);
}

static int queue_create(int fd, uint32_t *id)
{
	struct drm_maia_queue_create args = {
		.priority = DRM_MAIA_PRIORITY_NORMAL,
	};
	int ret = ioc(fd, DRM_IOCTL_MAIA_QUEUE_CREATE, &args);

	if (!ret)
		*id = args.queue_id;
	return ret;
}

static int submit(int fd, uint32_t queue, uint64_t ib_va, uint32_t count,
		  uint32_t out_syncobj)
{
	struct drm_maia_submit args = {
		.queue_id = queue, .ib_va = ib_va, .ib_count = count,
		.out_syncobj = out_syncobj,
	};

	return ioc(fd, DRM_IOCTL_MAIA_SUBMIT, &args);
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

/* 0 once signalled within @timeout_ns (0: already signalled), or -errno. */
static int syncobj_wait(int fd, uint32_t syncobj, int64_t timeout_ns)
{
	return drmSyncobjWait(fd, &syncobj, 1, now_ns() + timeout_ns,
			      DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT, NULL) ?
	       -errno : 0;
}

static void cmd_put(void *ib, unsigned int i, uint32_t op, uint64_t a0,
		    uint64_t a1, uint64_t a2)
{
	uint64_t *c = (uint64_t *)((char *)ib + i * MAIA_CMD_SIZE);

	memset(c, 0, MAIA_CMD_SIZE);
	c[0] = MAIA_CMD_HEADER(op, 0, 0, 0);
	c[1] = a0;
	c[2] = a1;
	c[3] = a2;
}

/*
 * /sys/kernel/debug/maia/<PCI address of device 0>/mmu: the value of line
 * "@key: N", or with @key NULL the number of hardware ASID lines
 * ("asid A: ...").
 */
static long long mmu_stat(const char *key)
{
	char path[PATH_MAX], real[PATH_MAX], buf[4096], *p;
	long long asids = 0;

	if (!realpath("/sys/class/accel/accel0/device", real))
		return -1;
	/* .../<pci>/maia_core.accel.N: the PCI device is the parent */
	snprintf(path, sizeof(path), MAIA_DEBUGFS "/%s/mmu",
		 basename(dirname(real)));
	if (sysfs_read(path, buf, sizeof(buf)))
		return -1;
	for (p = buf; p; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (!key && !strncmp(p, "asid ", 5))
			asids++;
		if (key && !strncmp(p, key, strlen(key)) &&
		    p[strlen(key)] == ':')
			return strtoll(p + strlen(key) + 1, NULL, 10);
	}
	return key ? -1 : asids;
}

FIXTURE(vm) {
	int fd;
	uint32_t queue;
};

FIXTURE_SETUP(vm)
{
	self->fd = open_maia();
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, queue_create(self->fd, &self->queue));
}

FIXTURE_TEARDOWN(vm)
{
	close(self->fd);
}

#define STREAM_BYTES	(4 * MiB)
#define CANARY		0x5a

struct unbinder {
	int fd;
	uint32_t syncobj;
	int ret;		/* VM_UNBIND */
	int done_at_return;	/* syncobj_wait(0) right after it */
};

static void *unbind_thread(void *arg)
{
	struct unbinder *u = arg;

	u->ret = vm_unbind(u->fd, VA_TARGET, STREAM_BYTES);
	u->done_at_return = syncobj_wait(u->fd, u->syncobj, 0);
	return NULL;
}

/*
 * A job writes a range it did not name, raises a flag, waits for a gate in
 * memory and then writes the range again. Another thread unbinds the range
 * (the binding holding the last reference) while the job waits: VM_UNBIND
 * may only return once the job is done, the job's second write faults (the
 * range was gone at once), and the memory, reallocated to another file,
 * keeps what that file wrote into it.
 */
static void unbind_under_writer(struct __test_metadata *_metadata, int fd,
				uint32_t queue, uint32_t target_flags)
{
	struct unbinder u = { .fd = fd };
	struct drm_maia_queue_state st = { .queue_id = queue };
	uint32_t ib, flag, target, fresh;
	uint64_t off_old = 0, off_new;
	volatile uint64_t *flag_cpu;
	pthread_t thread;
	int64_t deadline;
	uint8_t *cpu;
	void *ib_cpu;
	unsigned int i;
	int fd2;

	ASSERT_EQ(0, bo_create(fd, PAGE, 0, &ib));
	ASSERT_EQ(0, bo_create(fd, PAGE, 0, &flag));
	ASSERT_EQ(0, bo_create(fd, STREAM_BYTES, target_flags, &target));
	ib_cpu = bo_map(fd, ib, PAGE, NULL);
	ASSERT_NE(NULL, ib_cpu);
	flag_cpu = bo_map(fd, flag, PAGE, NULL);
	ASSERT_NE(NULL, flag_cpu);
	if (target_flags & DRM_MAIA_BO_HBM) {
		struct drm_maia_bo_info info = { .handle = target };

		ASSERT_EQ(0, ioc(fd, DRM_IOCTL_MAIA_BO_INFO, &info));
		off_old = info.hbm_offset;
	}
	ASSERT_EQ(0, vm_bind(fd, ib, VA_IB, PAGE));
	ASSERT_EQ(0, vm_bind(fd, flag, VA_FLAG, PAGE));
	ASSERT_EQ(0, vm_bind(fd, target, VA_TARGET, STREAM_BYTES));

	cmd_put(ib_cpu, 0, MAIA_OP_FILL, VA_TARGET, STREAM_BYTES, 0xdeadbeef);
	cmd_put(ib_cpu, 1, MAIA_OP_FENCE, VA_FLAG, 1, 0);
	cmd_put(ib_cpu, 2, MAIA_OP_WAIT, VA_FLAG + 8, 1, 0);
	cmd_put(ib_cpu, 3, MAIA_OP_FILL, VA_TARGET, STREAM_BYTES, 0xdeadbeef);
	ASSERT_EQ(0, drmSyncobjCreate(fd, 0, &u.syncobj));
	/* The target is not named: only the address space leads to it. */
	ASSERT_EQ(0, submit(fd, queue, VA_IB, 4, u.syncobj));

	deadline = now_ns() + JOB_WAIT_NS;
	while (flag_cpu[0] != 1 && now_ns() < deadline)
		usleep(1000);
	ASSERT_EQ(1, flag_cpu[0]);

	ASSERT_EQ(0, gem_close(fd, target));
	ASSERT_EQ(0, pthread_create(&thread, NULL, unbind_thread, &u));
	/* Let the unbind start while the job is held at the gate. */
	usleep(200000);
	flag_cpu[1] = 1;
	ASSERT_EQ(0, pthread_join(thread, NULL));
	EXPECT_EQ(0, u.ret);
	/* No job of the address space could touch the range any more. */
	EXPECT_EQ(0, u.done_at_return);
	ASSERT_EQ(0, syncobj_wait(fd, u.syncobj, JOB_WAIT_NS));
	ASSERT_EQ(0, ioc(fd, DRM_IOCTL_MAIA_QUEUE_STATE, &st));
	EXPECT_EQ(-EFAULT, st.last_error);

	/* The memory goes to another file, which fills it with a canary. */
	fd2 = open_maia();
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, bo_create(fd2, STREAM_BYTES, target_flags, &fresh));
	cpu = bo_map(fd2, fresh, STREAM_BYTES, &off_new);
	ASSERT_NE(NULL, cpu);
	if (target_flags & DRM_MAIA_BO_HBM)
		TH_LOG("old HBM offset 0x%llx, new 0x%llx%s",
		       (unsigned long long)off_old, (unsigned long long)off_new,
		       off_old == off_new ? " (reused)" : "");
	memset(cpu, CANARY, STREAM_BYTES);
	usleep(100000);
	for (i = 0; i < STREAM_BYTES; i++)
		if (cpu[i] != CANARY)
			break;
	if (i != STREAM_BYTES)
		TH_LOG("byte %u of the new object is 0x%02x", i, cpu[i]);
	EXPECT_EQ(STREAM_BYTES, i);
	munmap(cpu, STREAM_BYTES);
	close(fd2);
	munmap((void *)flag_cpu, PAGE);
	munmap(ib_cpu, PAGE);
}

TEST_F_TIMEOUT(vm, unbind_waits_for_unnamed_writer_hbm, 120)
{
	unbind_under_writer(_metadata, self->fd, self->queue, DRM_MAIA_BO_HBM);
}

TEST_F_TIMEOUT(vm, unbind_waits_for_unnamed_writer_host, 120)
{
	unbind_under_writer(_metadata, self->fd, self->queue, 0);
}

#define NPROC		64
#define PROC_JOBS	4
#define PROC_BYTES	(64 * KiB)

/* One process: its own file and address space, PROC_JOBS checked FILLs. */
static int asid_child(unsigned int id, int ready_fd, int go_fd)
{
	int ret = 0;
	uint32_t queue, ib, data, syncobj;
	uint32_t *cpu;
	void *ib_cpu;
	unsigned int j, i;
	char c = 0;
	int fd;

	fd = open_maia();
	if (fd < 0)
		ret = 10;
	else if (queue_create(fd, &queue) || bo_create(fd, PAGE, 0, &ib) ||
		 bo_create(fd, PROC_BYTES, 0, &data) ||
		 drmSyncobjCreate(fd, 0, &syncobj))
		ret = 11;
	else if (!(ib_cpu = bo_map(fd, ib, PAGE, NULL)) ||
		 !(cpu = bo_map(fd, data, PROC_BYTES, NULL)))
		ret = 12;
	/* Same addresses in every process: only the address space differs. */
	else if (vm_bind(fd, ib, VA_IB, PAGE) ||
		 vm_bind(fd, data, VA_TARGET, PROC_BYTES))
		ret = 13;
	/* Ready (or failed): the parent counts one byte per process. */
	if (write(ready_fd, &c, 1) != 1)
		return 14;
	if (ret)
		return ret;
	if (read(go_fd, &c, 1) < 0)
		return 14;
	for (j = 0; j < PROC_JOBS; j++) {
		uint32_t value = id << 16 | j;

		cmd_put(ib_cpu, 0, MAIA_OP_FILL, VA_TARGET, PROC_BYTES, value);
		if (submit(fd, queue, VA_IB, 1, syncobj))
			return 15;
		if (syncobj_wait(fd, syncobj, JOB_WAIT_NS))
			return 16;
		for (i = 0; i < PROC_BYTES / 4; i++)
			if (cpu[i] != value)
				return 17;
	}
	close(fd);
	return 0;
}

/*
 * More processes than hardware ASIDs, each with its own address space,
 * open and submit at the same time; every result is that process's own.
 */
TEST(asids_lent_per_job)
{
	int ready[2], go[2], status, failed = 0;
	long long steals = mmu_stat("asid_steals");
	pid_t pids[NPROC];
	unsigned int n;
	char c;

	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, pipe(go));
	for (n = 0; n < NPROC; n++) {
		pids[n] = fork();
		ASSERT_LE(0, pids[n]);
		if (!pids[n]) {
			close(ready[0]);
			close(go[1]);
			_exit(asid_child(n, ready[1], go[0]));
		}
	}
	close(ready[1]);
	close(go[0]);
	/* Every process holds its file open before any submits. */
	for (n = 0; n < NPROC; n++)
		if (read(ready[0], &c, 1) != 1)
			break;
	EXPECT_EQ(NPROC, n);
	close(go[1]);
	for (n = 0; n < NPROC; n++) {
		ASSERT_EQ(pids[n], waitpid(pids[n], &status, 0));
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			TH_LOG("process %u: status 0x%x", n, status);
			failed++;
		}
	}
	close(ready[0]);
	EXPECT_EQ(0, failed);
	/* Each address space beyond the hardware's took an idle id. */
	EXPECT_LE(0, steals);
	EXPECT_LT(0, mmu_stat(NULL));
	EXPECT_LE(steals + NPROC - mmu_stat(NULL), mmu_stat("asid_steals"));
}

#define CHURN		100000
#define TABLE_SLACK	8

/*
 * Bind and unbind a page at a fresh gigabyte every time: each binding needs
 * new level-1..3 tables, which must go again with it.
 */
TEST_F_TIMEOUT(vm, page_tables_follow_bindings, 600)
{
	long long before, mid = -1, after;
	uint32_t bo, ib, syncobj;
	uint32_t *cpu;
	void *ib_cpu;
	unsigned int i;

	before = mmu_stat("tables");
	ASSERT_LE(1, before);
	ASSERT_EQ(0, bo_create(self->fd, 2 * PAGE, 0, &bo));
	for (i = 0; i < CHURN; i++) {
		uint64_t va = (uint64_t)(i + 1) * GiB;

		ASSERT_EQ(0, vm_bind(self->fd, bo, va, PAGE));
		ASSERT_EQ(0, vm_unbind(self->fd, va, PAGE));
		if (i == CHURN / 2) {
			mid = mmu_stat("tables");
			EXPECT_GE(before + TABLE_SLACK, mid);
		}
	}
	after = mmu_stat("tables");
	TH_LOG("page tables: %lld before, %lld halfway, %lld after %u binds",
	       before, mid, after, CHURN);
	EXPECT_GE(before + TABLE_SLACK, after);

	/*
	 * Two pages sharing a last-level table: dropping one keeps the table,
	 * and the other still works.
	 */
	ASSERT_EQ(0, bo_create(self->fd, PAGE, 0, &ib));
	ib_cpu = bo_map(self->fd, ib, PAGE, NULL);
	cpu = bo_map(self->fd, bo, 2 * PAGE, NULL);
	ASSERT_NE(NULL, ib_cpu);
	ASSERT_NE(NULL, cpu);
	ASSERT_EQ(0, vm_bind(self->fd, ib, VA_IB, PAGE));
	ASSERT_EQ(0, vm_bind(self->fd, bo, VA_TARGET, 2 * PAGE));
	ASSERT_EQ(0, vm_unbind(self->fd, VA_TARGET, 2 * PAGE));
	ASSERT_EQ(0, vm_bind(self->fd, bo, VA_TARGET, PAGE));
	ASSERT_EQ(0, vm_bind(self->fd, bo, VA_TARGET + PAGE, PAGE));
	ASSERT_EQ(0, vm_unbind(self->fd, VA_TARGET, PAGE));
	cmd_put(ib_cpu, 0, MAIA_OP_FILL, VA_TARGET + PAGE, PAGE, 0x12345678);
	ASSERT_EQ(0, drmSyncobjCreate(self->fd, 0, &syncobj));
	ASSERT_EQ(0, submit(self->fd, self->queue, VA_IB, 1, syncobj));
	ASSERT_EQ(0, syncobj_wait(self->fd, syncobj, JOB_WAIT_NS));
	EXPECT_EQ(0x12345678, cpu[0]);
	EXPECT_EQ(0x12345678, cpu[PAGE / 4 - 1]);
}

/* debugfs knob: the next job this process submits hangs its ring. */
static int inject_hang(void)
{
	char link[PATH_MAX], path[PATH_MAX], pid[32];
	ssize_t n;

	n = readlink("/sys/class/accel/accel0/device", link, sizeof(link) - 1);
	if (n <= 0)
		return -1;
	link[n] = '\0';
	snprintf(path, sizeof(path), "/sys/kernel/debug/accel/%s/inject_hang_pid",
		 strrchr(link, '/') + 1);
	snprintf(pid, sizeof(pid), "%d", getpid());
	return sysfs_write(path, pid);
}

#define FILE_HANGS	3

/*
 * Every hang costs all users of its ring a reset. New queues do not escape
 * the ban: after FILE_HANGS timed-out jobs (each on a fresh queue) the file
 * cannot submit on any queue, old or new.
 */
TEST_F_TIMEOUT(vm, hangs_ban_the_file, 300)
{
	struct drm_maia_queue_state st = {};
	uint32_t ib, syncobj, queue, q2, ib2;
	void *ib_cpu;
	unsigned int k;
	int fd2;

	ASSERT_EQ(0, bo_create(self->fd, PAGE, 0, &ib));
	ib_cpu = bo_map(self->fd, ib, PAGE, NULL);
	ASSERT_NE(NULL, ib_cpu);
	cmd_put(ib_cpu, 0, MAIA_OP_NOP, 0, 0, 0);
	ASSERT_EQ(0, vm_bind(self->fd, ib, VA_IB, PAGE));
	ASSERT_EQ(0, drmSyncobjCreate(self->fd, 0, &syncobj));

	for (k = 0; k < FILE_HANGS; k++) {
		ASSERT_EQ(0, queue_create(self->fd, &queue));
		/* A fresh queue works until the file is banned. */
		ASSERT_EQ(0, submit(self->fd, queue, VA_IB, 1, syncobj));
		ASSERT_EQ(0, syncobj_wait(self->fd, syncobj, JOB_WAIT_NS));
		ASSERT_EQ(0, inject_hang());
		ASSERT_EQ(0, submit(self->fd, queue, VA_IB, 1, syncobj));
		ASSERT_EQ(0, syncobj_wait(self->fd, syncobj, JOB_WAIT_NS));
		st.queue_id = queue;
		ASSERT_EQ(0, ioc(self->fd, DRM_IOCTL_MAIA_QUEUE_STATE, &st));
		EXPECT_EQ(-ETIMEDOUT, st.last_error);
	}
	EXPECT_EQ(DRM_MAIA_QUEUE_BANNED, st.state);
	ASSERT_EQ(0, queue_create(self->fd, &queue));
	EXPECT_EQ(-ECANCELED, submit(self->fd, queue, VA_IB, 1, 0));
	EXPECT_EQ(-ECANCELED, submit(self->fd, self->queue, VA_IB, 1, 0));


	/* Other files are not affected. */
	fd2 = open_maia();
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, queue_create(fd2, &q2));
	ASSERT_EQ(0, bo_create(fd2, PAGE, 0, &ib2));
	ASSERT_EQ(0, vm_bind(fd2, ib2, VA_IB, PAGE));
	EXPECT_EQ(0, submit(fd2, q2, VA_IB, 1, 0));
	close(fd2);
}

TEST_HARNESS_MAIN
