// SPDX-License-Identifier: GPL-2.0
/*
 * maia_accel lifetime selftests: queue destruction racing submission,
 * cancellation of queued jobs when their file is closed or their queue is
 * banned, the fdinfo keys Documentation/usage.rst lists, and device
 * removal under users: HBM mappings and ioctls of processes that keep
 * going while the PCI function is unbound and bound again.
 *
 * Jobs are held back (queued, not on a ring) behind a "gate": a WAIT job
 * on a high priority queue of another file, which runs on a ring of its
 * own, until the test writes its semaphore. There are two gates, one
 * after the other on that queue.
 */
#define _GNU_SOURCE
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/sync_file.h>
#include <drm/maia_accel.h>
#include <drm/maia_cmd.h>
#include <xf86drm.h>

#include "kselftest_harness.h"
#include "maia.h"
#include "../lib/maia_sysfs.h"

#define SEC		1000000000LL
#define PAGE		DRM_MAIA_PAGE_SIZE
#define VA_B		0x20000000ULL	/* where the victim file binds */
#define SHARED_SIZE	(64 * 1024)
#define SEM_OFF		0		/* u64 semaphores of the gates */
#define NGATES		2
#define CANARY_OFF	4096		/* 4 KiB the held-back jobs fill */
#define CMD_OFF		8192		/* their command, one FILL */
#define CANARY		0x5a5a5a5au
#define NHELD		8

/* ioctl(2) as 0 or -errno (libdrm's drmIoctl retries EINTR/EAGAIN). */
static int ioc(int fd, unsigned long request, void *arg)
{
	return drmIoctl(fd, request, arg) ? -errno : 0;
}

static int first_index(unsigned int *index)
{
	return maia_device_indices(index, 1) > 0 ? 0 : -ENODEV;
}

/* Status of a fence exported as a sync_file: 0 pending, 1 ok, < 0 error. */
static int sync_file_status(int fd, int timeout_ms)
{
	struct sync_file_info info = { 0 };
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (poll(&p, 1, timeout_ms) < 0)
		return -errno;
	if (ioctl(fd, SYNC_IOC_FILE_INFO, &info))
		return -errno;
	return info.status;
}

/*
 * The gate file: a high priority queue whose one job WAITs for the
 * semaphore at SEM_OFF of a shared object; the object also holds the
 * canary and the command of the held-back jobs of the victim file.
 */
struct gate {
	struct maia_device *dev;
	struct maia_queue *q;
	struct maia_cmdbuf *cb[NGATES];
	struct maia_bo *shared;
	uint8_t *cpu;
	struct maia_fence *f[NGATES];
	int syncobj_fd[NGATES];	/* the gate jobs' syncobjs, shareable */
	int dmabuf_fd;		/* the shared object */
};

static int gate_open(struct gate *g, unsigned int index)
{
	struct maia_info info;
	void *p;
	int ret, i;

	memset(g, 0, sizeof(*g));
	g->syncobj_fd[0] = g->syncobj_fd[1] = g->dmabuf_fd = -1;
	ret = maia_open_index(index, &g->dev);
	if (!ret)
		ret = maia_get_info(g->dev, &info);
	/* The high priority class needs a ring of its own. */
	if (!ret && info.num_queues < 2)
		ret = -EOPNOTSUPP;
	if (!ret)
		ret = maia_queue_create(g->dev, MAIA_PRIORITY_HIGH, &g->q);
	for (i = 0; !ret && i < NGATES; i++)
		ret = maia_cmdbuf_create(g->dev, 1, &g->cb[i]);
	if (!ret)
		ret = maia_bo_create_bound(g->dev, SHARED_SIZE, 0, &g->shared);
	if (!ret)
		ret = maia_bo_map(g->shared, &p);
	if (ret)
		return ret;
	g->cpu = p;
	memset(g->cpu, 0, SHARED_SIZE);
	/* What the held-back jobs run: FILL the canary (VA in the victim). */
	{
		uint64_t *cmd = (uint64_t *)(g->cpu + CMD_OFF);

		cmd[0] = MAIA_CMD_HEADER(MAIA_OP_FILL, 0, 0, 0);
		cmd[1] = VA_B + CANARY_OFF;
		cmd[2] = 4096;
		cmd[3] = CANARY;
	}
	for (i = 0; !ret && i < NGATES; i++) {
		ret = maia_cmd_wait(g->cb[i],
				    maia_bo_va(g->shared) + SEM_OFF + 8 * i, 1);
		if (!ret)
			ret = maia_submit(g->q, g->cb[i], NULL, 0, NULL, 0,
					  &g->f[i]);
		if (!ret && drmSyncobjHandleToFD(maia_fd(g->dev),
						 maia_fence_syncobj(g->f[i]),
						 &g->syncobj_fd[i]))
			ret = -errno;
	}
	if (!ret)
		ret = maia_bo_export(g->shared, &g->dmabuf_fd);
	return ret;
}

static void gate_release(struct gate *g, int i)
{
	__atomic_store_n((uint64_t *)(g->cpu + SEM_OFF + 8 * i), 1,
			 __ATOMIC_SEQ_CST);
}

static int canary_untouched(struct gate *g)
{
	uint32_t *c = (uint32_t *)(g->cpu + CANARY_OFF);
	unsigned int i;

	for (i = 0; i < 4096 / 4; i++)
		if (c[i])
			return 0;
	return 1;
}

static void gate_close(struct gate *g)
{
	int i;

	for (i = 0; i < NGATES; i++) {
		gate_release(g, i);
		if (g->f[i])
			maia_fence_wait(g->f[i], 60 * SEC);
		maia_fence_destroy(g->f[i]);
		if (g->syncobj_fd[i] >= 0)
			close(g->syncobj_fd[i]);
		maia_cmdbuf_destroy(g->cb[i]);
	}
	if (g->dmabuf_fd >= 0)
		close(g->dmabuf_fd);
	maia_bo_destroy(g->shared);
	maia_queue_destroy(g->q);
	maia_close(g->dev);
}

/*
 * The victim file, raw ioctls only (no CPU mapping of its own, so closing
 * the fd really releases the file): the shared object bound at VA_B, a
 * normal queue, and the gates' fences as syncobjs.
 */
struct victim {
	struct maia_device *dev;
	int fd;
	uint32_t bo, gate_syncobj[NGATES], queue;
};

static int victim_open(struct victim *v, unsigned int index, struct gate *g)
{
	struct drm_maia_queue_create qc = {
		.priority = DRM_MAIA_PRIORITY_NORMAL,
	};
	struct drm_maia_vm_bind vb = { 0 };
	int ret;

	ret = maia_open_index(index, &v->dev);
	if (ret)
		return ret;
	v->fd = maia_fd(v->dev);
	if (drmPrimeFDToHandle(v->fd, g->dmabuf_fd, &v->bo) ||
	    drmSyncobjFDToHandle(v->fd, g->syncobj_fd[0], &v->gate_syncobj[0]) ||
	    drmSyncobjFDToHandle(v->fd, g->syncobj_fd[1], &v->gate_syncobj[1]))
		return -errno;
	vb.handle = v->bo;
	vb.va = VA_B;
	vb.size = SHARED_SIZE;
	ret = ioc(v->fd, DRM_IOCTL_MAIA_VM_BIND, &vb);
	if (!ret)
		ret = ioc(v->fd, DRM_IOCTL_MAIA_QUEUE_CREATE, &qc);
	v->queue = qc.queue_id;
	return ret;
}

/*
 * Submit one held-back job (FILL the canary, after gate @gate) on @queue;
 * its fence is exported as a sync_file into *@sync_fd.
 */
static int victim_submit(struct victim *v, uint32_t queue, int gate,
			 int *sync_fd)
{
	struct drm_maia_submit s = {
		.queue_id = queue,
		.ib_va = VA_B + CMD_OFF,
		.ib_count = 1,
		.in_syncobjs = (uintptr_t)&v->gate_syncobj[gate],
		.num_in_syncobjs = 1,
	};
	uint32_t out;
	int ret;

	if (drmSyncobjCreate(v->fd, 0, &out))
		return -errno;
	s.out_syncobj = out;
	ret = ioc(v->fd, DRM_IOCTL_MAIA_SUBMIT, &s);
	if (!ret && drmSyncobjExportSyncFile(v->fd, out, sync_fd))
		ret = -errno;
	drmSyncobjDestroy(v->fd, out);
	return ret;
}

/*
 * A job that faults (COPY from an address nothing is bound at), after
 * gate 0. The command buffer holds one such command; resubmitting it is
 * fine, the device only reads it.
 */
static int submit_fault(struct victim *v, struct maia_queue *q,
			struct maia_cmdbuf *cb, struct maia_fence **f)
{
	if (!maia_cmdbuf_count(cb) &&
	    maia_cmd_copy(cb, MAIA_VA_END - (1ULL << 30), VA_B, 64))
		return -EINVAL;
	return maia_submit(q, cb, NULL, 0, &v->gate_syncobj[0], 1, f);
}

/* Nothing to set up; the fixture is there for the per-test timeouts. */
FIXTURE(life) {
	int unused;
};

FIXTURE_SETUP(life)
{
}

FIXTURE_TEARDOWN(life)
{
}

/* --------------------------------------------------------------------- */

#define RACE_BOS	512

struct race {
	int fd;
	uint64_t ib_va;
	_Atomic uint32_t queue;		/* 0: none yet */
	_Atomic uint32_t seen;		/* queue of the submission under way */
	_Atomic int stop;
	uint32_t bos[RACE_BOS];		/* listed: a slower way to arm */
	int submitted, refused, bad;
	int sync_fds[4096];
};

/* Submit on whatever queue is current until told to stop. */
static void *race_submitter(void *arg)
{
	struct race *r = arg;

	while (!atomic_load(&r->stop) && r->submitted < 4000) {
		struct drm_maia_submit s = {
			.queue_id = atomic_load(&r->queue),
			.ib_va = r->ib_va,
			.ib_count = 1,
			.bo_handles = (uintptr_t)r->bos,
			.num_bos = RACE_BOS,
		};
		uint32_t out;
		int ret;

		if (!s.queue_id || drmSyncobjCreate(r->fd, 0, &out))
			continue;
		s.out_syncobj = out;
		atomic_store(&r->seen, s.queue_id);
		ret = ioc(r->fd, DRM_IOCTL_MAIA_SUBMIT, &s);
		if (!ret) {
			if (drmSyncobjExportSyncFile(r->fd, out,
						     &r->sync_fds[r->submitted]))
				r->bad++;
			else
				r->submitted++;
		} else if (ret == -ENOENT) {
			r->refused++;
		} else {
			r->bad++;
		}
		drmSyncobjDestroy(r->fd, out);
	}
	return NULL;
}

/*
 * QUEUE_DESTROY racing SUBMIT on the same queue: a submission either gets
 * in (and its fence signals) or fails with -ENOENT. A job armed into the
 * destroyed queue's scheduler entity would never signal, and would keep
 * the file's address space (one of 16) for good.
 */
TEST_F_TIMEOUT(life, submit_vs_queue_destroy, 300)
{
	struct maia_device *dev;
	struct maia_cmdbuf *cb;
	struct race *r;
	pthread_t t;
	unsigned int index, i;
	int signalled = 0;

	ASSERT_EQ(0, first_index(&index));
	r = calloc(1, sizeof(*r));
	ASSERT_NE(NULL, r);
	ASSERT_EQ(0, maia_open_index(index, &dev));
	ASSERT_EQ(0, maia_cmdbuf_create(dev, 1, &cb));
	ASSERT_EQ(0, maia_cmd_nop(cb));
	r->fd = maia_fd(dev);
	r->ib_va = maia_cmdbuf_va(cb);
	for (i = 0; i < RACE_BOS; i++) {
		struct drm_maia_bo_create bc = { .size = PAGE };

		ASSERT_EQ(0, ioc(r->fd, DRM_IOCTL_MAIA_BO_CREATE, &bc));
		r->bos[i] = bc.handle;
	}
	ASSERT_EQ(0, pthread_create(&t, NULL, race_submitter, r));
	for (i = 0; i < 300 && r->submitted < 4000; i++) {
		struct drm_maia_queue_create qc = {
			.priority = DRM_MAIA_PRIORITY_NORMAL,
		};
		struct drm_maia_queue_destroy qd = { 0 };

		ASSERT_EQ(0, ioc(r->fd, DRM_IOCTL_MAIA_QUEUE_CREATE, &qc));
		/* Queue ids are reused: forget the last one's submission. */
		atomic_store(&r->seen, 0);
		atomic_store(&r->queue, qc.queue_id);
		/* Pull the queue away while a submission to it is under way. */
		while (atomic_load(&r->seen) != qc.queue_id &&
		       r->submitted < 4000)
			sched_yield();
		/* Somewhere in the lookup, the locking or the arming. */
		usleep(i % 8 * 25);
		qd.queue_id = qc.queue_id;
		ASSERT_EQ(0, ioc(r->fd, DRM_IOCTL_MAIA_QUEUE_DESTROY, &qd));
	}
	atomic_store(&r->stop, 1);
	pthread_join(t, NULL);
	EXPECT_EQ(0, r->bad);
	for (i = 0; i < r->submitted; i++) {
		/* One long wait: after a fence that never signals, poll. */
		int st = sync_file_status(r->sync_fds[i],
					  signalled == i ? 60000 : 0);

		signalled += st != 0;
		EXPECT_EQ(1, st) TH_LOG("job %u: %d", i, st);
		close(r->sync_fds[i]);
	}
	TH_LOG("%d submitted, %d refused, %d signalled", r->submitted,
	       r->refused, signalled);
	EXPECT_EQ(r->submitted, signalled);
	maia_cmdbuf_destroy(cb);
	maia_close(dev);
	free(r);
	/* The address spaces came back: 16 files open at once. */
	{
		struct maia_device *d[16];

		for (i = 0; i < 16; i++)
			ASSERT_EQ(0, maia_open_index(index, &d[i]))
				TH_LOG("open %u", i);
		for (i = 0; i < 16; i++)
			maia_close(d[i]);
	}
}

/*
 * A banned queue's jobs that have not reached a ring never run: four
 * faulting jobs (behind gate 0) ban the queue while NHELD jobs behind them
 * wait for gate 1; once it opens they are cancelled, and the canary stays
 * zero.
 */
TEST_F_TIMEOUT(life, ban_cancels_queued_jobs, 180)
{
	struct maia_fence *faults[4];
	struct maia_queue_state st;
	struct maia_cmdbuf *cb;
	struct maia_queue *q;
	struct victim v;
	struct gate g;
	int fds[NHELD], i, ret;
	unsigned int index;

	ASSERT_EQ(0, first_index(&index));
	ret = gate_open(&g, index);
	if (ret == -EOPNOTSUPP)
		SKIP(return, "one command ring: no ring of its own for the gate");
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, victim_open(&v, index, &g));
	/* libmaia view of the victim's queue, for the faulting jobs. */
	ASSERT_EQ(0, maia_queue_create(v.dev, MAIA_PRIORITY_NORMAL, &q));
	ASSERT_EQ(0, maia_cmdbuf_create(v.dev, 1, &cb));
	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, submit_fault(&v, q, cb, &faults[i]));
	for (i = 0; i < NHELD; i++)
		ASSERT_EQ(0, victim_submit(&v, maia_queue_id(q), 1, &fds[i]));
	gate_release(&g, 0);
	for (i = 0; i < 4; i++) {
		EXPECT_EQ(-EFAULT, maia_fence_wait(faults[i], 60 * SEC));
		maia_fence_destroy(faults[i]);
	}
	ASSERT_EQ(0, maia_queue_state(q, &st));
	EXPECT_EQ(MAIA_QUEUE_BANNED, st.state);
	EXPECT_EQ(0, sync_file_status(fds[0], 0));	/* still held back */

	gate_release(&g, 1);
	for (i = 0; i < NHELD; i++) {
		EXPECT_EQ(-ECANCELED, sync_file_status(fds[i], 60000))
			TH_LOG("held-back job %d", i);
		close(fds[i]);
	}
	EXPECT_TRUE(canary_untouched(&g));
	maia_cmdbuf_destroy(cb);
	maia_queue_destroy(q);
	maia_close(v.dev);
	gate_close(&g);
}

struct closer {
	struct maia_device *dev;
	_Atomic pid_t tid;
};

static void *close_thread(void *arg)
{
	struct closer *c = arg;

	atomic_store(&c->tid, (pid_t)syscall(SYS_gettid));
	maia_close(c->dev);
	return NULL;
}

/* 1 once thread @tid sleeps inside close(2). */
static int sleeping_in_close(pid_t tid)
{
	char path[64], buf[128];
	long nr;

	snprintf(path, sizeof(path), "/proc/self/task/%d/syscall", tid);
	if (sysfs_read(path, buf, sizeof(buf)) || sscanf(buf, "%ld", &nr) != 1)
		return 0;
	return nr == SYS_close;
}

/*
 * Closing a file cancels its jobs that have not reached a ring: the close
 * waits for them to leave their queue (their gate is shut), then the gate
 * opens; they must not run, and their fences say -ECANCELED.
 */
TEST_F_TIMEOUT(life, close_cancels_queued_jobs, 180)
{
	struct closer c = { 0 };
	struct victim v;
	struct gate g;
	int fds[NHELD], i, ret, n;
	unsigned int index;
	pthread_t t;

	ASSERT_EQ(0, first_index(&index));
	ret = gate_open(&g, index);
	if (ret == -EOPNOTSUPP)
		SKIP(return, "one command ring: no ring of its own for the gate");
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, victim_open(&v, index, &g));
	for (i = 0; i < NHELD; i++)
		ASSERT_EQ(0, victim_submit(&v, v.queue, 0, &fds[i]));
	EXPECT_EQ(0, sync_file_status(fds[NHELD - 1], 0));

	c.dev = v.dev;
	ASSERT_EQ(0, pthread_create(&t, NULL, close_thread, &c));
	/* The close blocks until the jobs leave the queue: wait for that. */
	for (n = 0; n < 60000; n++) {
		pid_t tid = atomic_load(&c.tid);

		if (tid && sleeping_in_close(tid))
			break;
		usleep(1000);
	}
	EXPECT_LT(n, 60000) TH_LOG("close never blocked");
	gate_release(&g, 0);
	pthread_join(t, NULL);
	for (i = 0; i < NHELD; i++) {
		EXPECT_EQ(-ECANCELED, sync_file_status(fds[i], 60000))
			TH_LOG("held-back job %d", i);
		close(fds[i]);
	}
	EXPECT_TRUE(canary_untouched(&g));
	gate_close(&g);
}

/* --------------------------------------------------------------------- */

/* Value of fdinfo key @key in bytes ("N", "N KiB", "N MiB"), -1 if absent. */
static long long fdinfo_size(const char *text, const char *key)
{
	char pat[64], unit[8] = "";
	unsigned long long v;
	const char *p;

	snprintf(pat, sizeof(pat), "\n%s:", key);
	p = strstr(text, pat);
	if (!p || sscanf(p + strlen(pat), " %llu %7s", &v, unit) < 1)
		return -1;
	if (!strcmp(unit, "KiB"))
		return v << 10;
	if (!strcmp(unit, "MiB"))
		return v << 20;
	return v;
}

static int read_fdinfo(int fd, char *buf, size_t len)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	return sysfs_read(path, buf, len);
}

/* The keys Documentation/usage.rst lists, with sizes that add up. */
TEST_F_TIMEOUT(life, fdinfo_keys, 60)
{
	static const char *const stats[] = { "total", "shared", "active",
					     "resident" };
	static const char *const regions[] = { "system", "hbm" };
	struct maia_bo *sys, *hbm;
	struct maia_device *dev;
	struct maia_info info;
	long long before[2], after[2];
	char text[4096], want[64];
	unsigned int index, i, j;

	ASSERT_EQ(0, first_index(&index));
	ASSERT_EQ(0, maia_open_index(index, &dev));
	ASSERT_EQ(0, maia_get_info(dev, &info));
	ASSERT_EQ(0, read_fdinfo(maia_fd(dev), text, sizeof(text)));
	EXPECT_NE(NULL, strstr(text, "\ndrm-driver:\tmaia_accel\n"));
	EXPECT_NE(NULL, strstr(text, "\ndrm-client-id:\t"));
	snprintf(want, sizeof(want), "\ndrm-pdev:\t%s\n", info.pci_address);
	EXPECT_NE(NULL, strstr(text, want)) TH_LOG("%s", text);
	EXPECT_NE(NULL, strstr(text, "\ndrm-engine-compute:\t"));
	EXPECT_NE(NULL, strstr(text, " ns\n"));
	for (i = 0; i < 2; i++) {
		for (j = 0; j < 4; j++) {
			snprintf(want, sizeof(want), "drm-%s-%s", stats[j],
				 regions[i]);
			EXPECT_LE(0, fdinfo_size(text, want)) TH_LOG("%s", want);
		}
		snprintf(want, sizeof(want), "drm-total-%s", regions[i]);
		before[i] = fdinfo_size(text, want);
	}

	ASSERT_EQ(0, maia_bo_create_bound(dev, 3 * PAGE, 0, &sys));
	ASSERT_EQ(0, maia_bo_create_bound(dev, 1 << 20, MAIA_BO_HBM, &hbm));
	ASSERT_EQ(0, read_fdinfo(maia_fd(dev), text, sizeof(text)));
	for (i = 0; i < 2; i++) {
		snprintf(want, sizeof(want), "drm-total-%s", regions[i]);
		after[i] = fdinfo_size(text, want);
	}
	EXPECT_EQ(before[0] + 3 * PAGE, after[0]);
	EXPECT_EQ(before[1] + (1 << 20), after[1]);
	/* Bound host memory is pinned, HBM is always there. */
	EXPECT_LE(3 * PAGE, fdinfo_size(text, "drm-resident-system"));
	EXPECT_LE(1 << 20, fdinfo_size(text, "drm-resident-hbm"));
	maia_bo_destroy(sys);
	maia_bo_destroy(hbm);
	maia_close(dev);
}

/* --------------------------------------------------------------------- */

static int unbind_core(const char *pci)
{
	return sysfs_write("/sys/bus/pci/drivers/maia_core/unbind", pci);
}

static int bind_core(const char *pci)
{
	return sysfs_write("/sys/bus/pci/drivers/maia_core/bind", pci);
}

static sigjmp_buf sigbus_env;

static void on_sigbus(int sig)
{
	siglongjmp(sigbus_env, 1);
}

/* 1 if reading @p raises SIGBUS. */
static int read_faults(volatile uint32_t *p, uint32_t *val)
{
	struct sigaction sa = { .sa_handler = on_sigbus }, old;
	int faulted = 0;

	sigaction(SIGBUS, &sa, &old);
	if (sigsetjmp(sigbus_env, 1))
		faulted = 1;
	else
		*val = *p;
	sigaction(SIGBUS, &old, NULL);
	return faulted;
}

/*
 * A CPU mapping of HBM made before an unbind reaches nothing afterwards:
 * SIGBUS, also once the device is bound again and its HBM handed out to
 * another file.
 */
TEST_F_TIMEOUT(life, hbm_mapping_after_unbind, 180)
{
	struct maia_device *dev, *dev2;
	struct maia_bo *bo, *bo2;
	struct maia_info info;
	unsigned int index;
	uint32_t *p, *p2, val = 0;
	void *m;

	ASSERT_EQ(0, first_index(&index));
	ASSERT_EQ(0, maia_open_index(index, &dev));
	ASSERT_EQ(0, maia_get_info(dev, &info));
	ASSERT_EQ(0, maia_bo_create(dev, 1 << 20, MAIA_BO_HBM, &bo));
	ASSERT_EQ(0, maia_bo_map(bo, &m));
	p = m;
	p[0] = 0x1234abcd;
	EXPECT_EQ(0, read_faults(p, &val));
	EXPECT_EQ(0x1234abcd, val);

	ASSERT_EQ(0, unbind_core(info.pci_address));
	EXPECT_EQ(1, read_faults(p, &val));
	ASSERT_EQ(0, bind_core(info.pci_address));
	EXPECT_EQ(1, read_faults(p, &val));

	/* The new instance gives the same HBM to somebody else. */
	ASSERT_EQ(0, maia_open_pci(info.pci_address, &dev2));
	ASSERT_EQ(0, maia_bo_create(dev2, 1 << 20, MAIA_BO_HBM, &bo2));
	ASSERT_EQ(0, maia_bo_map(bo2, &m));
	p2 = m;
	p2[0] = 0x600dcafe;
	EXPECT_EQ(1, read_faults(p, &val));
	EXPECT_EQ(0x600dcafe, p2[0]);
	maia_bo_destroy(bo2);
	maia_close(dev2);
	maia_bo_destroy(bo);
	maia_close(dev);
}

#define STORM_PROCS	3
#define STORM_CYCLES	20

/* Errors a user may see while the device goes away and comes back. */
static int clean_error(int err)
{
	return err == -ENODEV || err == -ENOENT || err == -ECANCELED ||
	       err == -ESRCH || err == -ENXIO;
}

/*
 * One process of the storm: open the device, then create, bind, submit
 * and wait until something fails; a failure must be a clean one. Repeat
 * until the parent closes the pipe. Exit 0, or 1 on a bad error.
 */
static int storm_child(const char *pci, int stop_fd)
{
	struct pollfd pf = { .fd = stop_fd, .events = POLLIN };
	unsigned int enodev = 0;

	while (!poll(&pf, 1, 0)) {
		struct maia_device *dev;
		struct maia_cmdbuf *cb = NULL;
		struct maia_queue *q = NULL;
		struct maia_bo *bo = NULL;
		struct maia_fence *f = NULL;
		struct maia_info info;
		int ret;

		ret = maia_open_pci(pci, &dev);
		if (ret) {
			if (!clean_error(ret) && ret != -EBUSY)
				return 1;
			usleep(1000);
			continue;
		}
		for (;;) {
			ret = maia_get_info(dev, &info);
			if (!ret)
				ret = maia_bo_create_bound(dev, 64 * 1024,
							   MAIA_BO_HBM, &bo);
			if (!ret)
				ret = maia_queue_create(dev, MAIA_PRIORITY_NORMAL,
							&q);
			if (!ret)
				ret = maia_cmdbuf_create(dev, 1, &cb);
			if (!ret)
				ret = maia_cmd_fill(cb, maia_bo_va(bo), 4096, 7);
			if (!ret)
				ret = maia_submit(q, cb, &bo, 1, NULL, 0, &f);
			if (!ret)
				ret = maia_fence_wait(f, 60 * SEC);
			maia_fence_destroy(f);
			maia_cmdbuf_destroy(cb);
			maia_queue_destroy(q);
			maia_bo_destroy(bo);
			f = NULL;
			cb = NULL;
			q = NULL;
			bo = NULL;
			if (ret)
				break;
			if (poll(&pf, 1, 0))
				break;
		}
		maia_close(dev);
		if (ret && !clean_error(ret)) {
			fprintf(stderr, "storm %d: %s\n", getpid(),
				strerror(-ret));
			return 1;
		}
		enodev += ret == -ENODEV;
	}
	fprintf(stderr, "# storm %d: %u times -ENODEV\n", getpid(), enodev);
	return 0;
}

/* One FILL job on a fresh file of device @pci, checked: 0 or -errno. */
static int fill_round(const char *pci)
{
	struct maia_cmdbuf *cb = NULL;
	struct maia_queue *q = NULL;
	struct maia_fence *f = NULL;
	struct maia_bo *bo = NULL;
	struct maia_device *dev;
	uint32_t *c;
	void *m;
	int ret;

	ret = maia_open_pci(pci, &dev);
	if (ret)
		return ret;
	ret = maia_bo_create_bound(dev, 4096, 0, &bo);
	if (!ret)
		ret = maia_bo_map(bo, &m);
	if (!ret) {
		c = m;
		memset(c, 0, 4096);
		ret = maia_queue_create(dev, MAIA_PRIORITY_NORMAL, &q);
	}
	if (!ret)
		ret = maia_cmdbuf_create(dev, 1, &cb);
	if (!ret)
		ret = maia_cmd_fill(cb, maia_bo_va(bo), 4096, 9);
	if (!ret)
		ret = maia_submit(q, cb, &bo, 1, NULL, 0, &f);
	if (!ret)
		ret = maia_fence_wait(f, 60 * SEC);
	if (!ret && c[1023] != 9)
		ret = -EIO;
	maia_fence_destroy(f);
	maia_cmdbuf_destroy(cb);
	maia_queue_destroy(q);
	maia_bo_destroy(bo);
	maia_close(dev);
	return ret;
}

/*
 * Several processes keep using the device while its PCI function is
 * unbound and bound again STORM_CYCLES times: nothing splats (vm-run
 * checks the kernel log), every process only ever sees clean errors, and
 * every one of them finishes.
 */
TEST_F_TIMEOUT(life, ioctl_storm_across_rebind, 600)
{
	pid_t pids[STORM_PROCS];
	struct maia_device *dev;
	struct maia_info info;
	unsigned int index;
	int stop[2], i, status;
	char pci[MAIA_PCI_ADDRESS_SIZE];

	ASSERT_EQ(0, first_index(&index));
	ASSERT_EQ(0, maia_open_index(index, &dev));
	ASSERT_EQ(0, maia_get_info(dev, &info));
	maia_close(dev);
	snprintf(pci, sizeof(pci), "%s", info.pci_address);
	ASSERT_EQ(0, pipe(stop));
	for (i = 0; i < STORM_PROCS; i++) {
		pids[i] = fork();
		ASSERT_LE(0, pids[i]);
		if (!pids[i]) {
			close(stop[1]);
			_exit(storm_child(pci, stop[0]));
		}
	}
	close(stop[0]);
	for (i = 0; i < STORM_CYCLES; i++) {
		usleep(100000);		/* let them get going */
		ASSERT_EQ(0, unbind_core(pci)) TH_LOG("cycle %d", i);
		usleep(20000);
		ASSERT_EQ(0, bind_core(pci)) TH_LOG("cycle %d", i);
	}
	close(stop[1]);
	for (i = 0; i < STORM_PROCS; i++) {
		ASSERT_EQ(pids[i], waitpid(pids[i], &status, 0));
		EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
			TH_LOG("process %d: status 0x%x", i, status);
	}
	/* And the device works. */
	EXPECT_EQ(0, fill_round(pci));
}

TEST_HARNESS_MAIN
