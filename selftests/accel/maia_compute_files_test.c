// SPDX-License-Identifier: GPL-2.0
/*
 * maia_accel compute selftests, several files and processes on one
 * device: address space isolation between files, PRIME sharing (with a
 * child process, within a file, across devices), concurrent processes,
 * and closing the file or exiting with jobs in flight.
 */
#define _GNU_SOURCE
#include <sys/socket.h>

#include "maia_compute.h"

/* ------------------------------------------------------------------------ */
/* Isolation between files                                                  */
/* ------------------------------------------------------------------------ */

/*
 * In a child process with a file of its own: reading or writing the
 * addresses where the parent has data bound faults; the child's own buffer
 * is not touched. Exit status 0 on success.
 */
static int isolation_child(unsigned int index, uint64_t secret_va,
			   uint64_t secret_hbm_va)
{
	struct maia_device *dev;
	struct maia_cmdbuf *cb;
	struct maia_queue *q;
	const uint64_t reads[] = { secret_va, secret_va + 4096, secret_hbm_va };
	struct buf mine;
	int ret, fail = 0;
	unsigned int i;

	if (maia_open_index(index, &dev) ||
	    maia_queue_create(dev, MAIA_PRIORITY_NORMAL, &q) ||
	    maia_cmdbuf_create(dev, 4, &cb) || buf_create(dev, 8192, 0, &mine))
		return 10;
	memset(mine.cpu, 0x99, 8192);

	for (i = 0; i < 3; i++) {
		maia_cmdbuf_reset(cb);
		maia_cmd_copy(cb, reads[i], mine.va, 4096);
		ret = job(q, cb);
		if (ret != -EFAULT) {
			fprintf(stderr, "# child: COPY from the parent's %#llx returned %d\n",
				(unsigned long long)reads[i], ret);
			fail = 1;
		}
	}
	maia_cmdbuf_reset(cb);
	maia_cmd_fill(cb, secret_va, 4096, 0);
	ret = job(q, cb);
	if (ret != -EFAULT) {
		fprintf(stderr, "# child: FILL of the parent's VA returned %d\n", ret);
		fail = 1;
	}
	for (i = 0; i < 8192; i++) {
		if (mine.cpu[i] != 0x99) {
			fprintf(stderr, "# child: own buffer changed at %u\n", i);
			fail = 1;
			break;
		}
	}
	return fail;
}

TEST_F_TIMEOUT(compute, isolation, 120)
{
	const uint64_t size = 16 * KiB;
	struct maia_bo *secret, *secret_hbm;
	uint8_t *data, *expect;
	struct buf out;
	void *map;
	pid_t pid;
	long diff;

	ASSERT_EQ(0, maia_bo_create(self->dev, size, 0, &secret));
	ASSERT_EQ(0, maia_bo_create(self->dev, size, MAIA_BO_HBM, &secret_hbm));
	ASSERT_EQ(0, maia_bo_bind(secret, FIXED_VA, 0));
	ASSERT_EQ(0, maia_bo_bind(secret_hbm, FIXED_VA + 2 * MiB, 0));
	ASSERT_EQ(0, maia_bo_map(secret, &map));
	data = map;
	expect = malloc(size);
	ASSERT_NE(NULL, expect);
	rnd_bytes(expect, size);
	memcpy(data, expect, size);
	ASSERT_EQ(0, maia_bo_map(secret_hbm, &map));
	memcpy(map, expect, size);

	fflush(stderr);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0)
		_exit(isolation_child(self->index, FIXED_VA, FIXED_VA + 2 * MiB));
	EXPECT_EQ(0, wait_child(pid));

	diff = first_diff(data, expect, size);
	EXPECT_EQ(-1, diff) TH_LOG("parent's host data changed at %ld", diff);
	diff = first_diff(map, expect, size);
	EXPECT_EQ(-1, diff) TH_LOG("parent's HBM data changed at %ld", diff);
	/* The parent itself still reaches its data there. */
	BUF_NEW(self->dev, size, 0, &out);
	ASSERT_EQ(0, maia_cmd_copy(self->cb, FIXED_VA + 2 * MiB, out.va, size));
	RUN_OK(self);
	EXPECT_EQ(-1, first_diff(out.cpu, expect, size));

	free(expect);
	buf_destroy(&out);
	maia_bo_destroy(secret);
	maia_bo_destroy(secret_hbm);
}

/* ------------------------------------------------------------------------ */
/* PRIME                                                                    */
/* ------------------------------------------------------------------------ */

static int send_fd(int sock, int fd, uint64_t size)
{
	char control[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = &size, .iov_len = sizeof(size) };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = control, .msg_controllen = sizeof(control),
	};
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);

	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == sizeof(size) ? 0 : -errno;
}

static int recv_fd(int sock, int *fd, uint64_t *size)
{
	char control[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = size, .iov_len = sizeof(*size) };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = control, .msg_controllen = sizeof(control),
	};
	struct cmsghdr *cmsg;

	if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) != sizeof(*size))
		return -EIO;
	cmsg = CMSG_FIRSTHDR(&msg);
	if (!cmsg || cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS)
		return -EIO;
	memcpy(fd, CMSG_DATA(cmsg), sizeof(int));
	return 0;
}

/* The pattern the exporter writes: byte i = (i * 7) ^ salt. */
static uint8_t pattern(uint64_t i, uint8_t salt)
{
	return (uint8_t)(i * 7) ^ salt;
}

/*
 * Child: receive a dma-buf, import it into a file of its own, check the
 * exporter's pattern through its own mapping, bind it in its own address
 * space and FILL the first half on the device.
 */
static int prime_child(unsigned int index, int sock, uint32_t value)
{
	struct maia_device *dev;
	struct maia_cmdbuf *cb;
	struct maia_queue *q;
	struct maia_bo *bo;
	uint64_t size, va, i;
	uint8_t *cpu;
	void *map;
	int fd, ret;

	if (recv_fd(sock, &fd, &size))
		return 10;
	if (maia_open_index(index, &dev) ||
	    maia_queue_create(dev, MAIA_PRIORITY_NORMAL, &q) ||
	    maia_cmdbuf_create(dev, 2, &cb))
		return 11;
	ret = maia_bo_import(dev, fd, &bo);
	close(fd);
	if (ret) {
		fprintf(stderr, "# child: import: %s\n", maia_strerror(ret));
		return 12;
	}
	if (maia_bo_size(bo) != size) {
		fprintf(stderr, "# child: imported size %llu, expected %llu\n",
			(unsigned long long)maia_bo_size(bo), (unsigned long long)size);
		return 13;
	}
	if (maia_bo_map(bo, &map))
		return 14;
	cpu = map;
	for (i = 0; i < size; i++) {
		if (cpu[i] != pattern(i, 0x3c)) {
			fprintf(stderr, "# child: byte %llu is %#x before the fill\n",
				(unsigned long long)i, cpu[i]);
			return 15;
		}
	}
	if (maia_va_alloc(dev, size, &va) || maia_bo_bind(bo, va, 0))
		return 16;
	maia_cmd_fill(cb, va, size / 2, value);
	ret = job(q, cb);
	if (ret) {
		fprintf(stderr, "# child: fill: %s\n", maia_strerror(ret));
		return 17;
	}
	if (memcmp(cpu, &value, 4) || cpu[size / 2] != pattern(size / 2, 0x3c))
		return 18;
	maia_bo_destroy(bo);
	maia_cmdbuf_destroy(cb);
	maia_queue_destroy(q);
	maia_close(dev);
	return 0;
}

/*
 * A host buffer exported as a dma-buf travels to a child over a unix socket;
 * the child imports it into a file of its own, binds it in its own address
 * space and fills half of it on the device; the parent sees the values
 * through its own mapping. (HBM objects cannot be exported.)
 */
TEST_F_TIMEOUT(compute, prime_share_with_child, 120)
{
	const uint64_t size = 128 * KiB;
	const uint32_t value = 0x600d0001;
	struct maia_bo *bo, *hbm;
	int sv[2], fd;
	uint8_t *cpu;
	uint64_t i;
	void *map;
	pid_t pid;

	ASSERT_EQ(0, maia_bo_create(self->dev, 4096, MAIA_BO_HBM, &hbm));
	EXPECT_EQ(-EOPNOTSUPP, maia_bo_export(hbm, &fd));
	maia_bo_destroy(hbm);

	ASSERT_EQ(0, maia_bo_create(self->dev, size, 0, &bo));
	ASSERT_EQ(0, maia_bo_map(bo, &map));
	cpu = map;
	for (i = 0; i < size; i++)
		cpu[i] = pattern(i, 0x3c);
	ASSERT_EQ(0, maia_bo_export(bo, &fd));
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));

	fflush(stderr);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		/* Only what comes through the socket counts. */
		close(fd);
		close(sv[0]);
		_exit(prime_child(self->index, sv[1], value));
	}
	close(sv[1]);
	ASSERT_EQ(0, send_fd(sv[0], fd, size));
	close(fd);
	EXPECT_EQ(0, wait_child(pid));
	close(sv[0]);

	for (i = 0; i < size / 2; i += 4) {
		if (memcmp(cpu + i, &value, 4)) {
			EXPECT_EQ(0, memcmp(cpu + i, &value, 4))
				TH_LOG("word at %llu not filled by the importer",
				       (unsigned long long)i);
			break;
		}
	}
	for (i = size / 2; i < size; i++) {
		if (cpu[i] != pattern(i, 0x3c)) {
			EXPECT_EQ(pattern(i, 0x3c), cpu[i])
				TH_LOG("byte %llu changed", (unsigned long long)i);
			break;
		}
	}
	maia_bo_destroy(bo);
}

/* Importing into the exporting file gives back the same object. */
TEST_F(compute, prime_self_import)
{
	struct maia_bo *bo, *again;
	struct buf out;
	int fd;

	ASSERT_EQ(0, maia_bo_create(self->dev, 8192, 0, &bo));
	ASSERT_EQ(0, maia_bo_export(bo, &fd));
	ASSERT_EQ(0, maia_bo_import(self->dev, fd, &again));
	close(fd);
	EXPECT_EQ(bo, again);
	EXPECT_EQ(maia_bo_handle(bo), maia_bo_handle(again));
	/* One destroy per import: the handle stays valid. */
	maia_bo_destroy(again);
	ASSERT_EQ(0, maia_bo_bind(bo, FIXED_VA, 0));
	BUF_NEW(self->dev, 8192, 0, &out);
	ASSERT_EQ(0, maia_cmd_fill(self->cb, FIXED_VA, 8192, 0x1234));
	ASSERT_EQ(0, maia_cmd_copy(self->cb, FIXED_VA, out.va, 8192));
	RUN_OK(self);
	EXPECT_EQ(0x1234, ((uint32_t *)out.cpu)[2047]);
	maia_bo_destroy(bo);
	buf_destroy(&out);
}

/* A host buffer of device 0 imported by device 1 and written by its engine. */
TEST_F_TIMEOUT(compute, prime_cross_device, 120)
{
	unsigned int indices[MAIA_MAX_TEST_DEVICES];
	struct maia_device *dev1;
	struct maia_queue *q1;
	struct maia_cmdbuf *cb1;
	struct maia_bo *bo, *imp;
	uint64_t va;
	uint32_t *words;
	void *map;
	int fd, n, ret, i;

	n = maia_device_indices(indices, MAIA_MAX_TEST_DEVICES);
	if (n < 2)
		SKIP(return, "needs two maia devices");
	ASSERT_EQ(0, maia_open_index(indices[1], &dev1));
	ASSERT_EQ(0, maia_queue_create(dev1, MAIA_PRIORITY_NORMAL, &q1));
	ASSERT_EQ(0, maia_cmdbuf_create(dev1, 2, &cb1));
	ASSERT_EQ(0, maia_bo_create(self->dev, 64 * KiB, 0, &bo));
	ASSERT_EQ(0, maia_bo_map(bo, &map));
	words = map;
	memset(words, 0, 64 * KiB);
	ASSERT_EQ(0, maia_bo_export(bo, &fd));
	ret = maia_bo_import(dev1, fd, &imp);
	close(fd);
	ASSERT_EQ(0, ret) TH_LOG("import on the second device: %s", maia_strerror(ret));
	EXPECT_EQ(64 * KiB, maia_bo_size(imp));
	ASSERT_EQ(0, maia_va_alloc(dev1, 64 * KiB, &va));
	ASSERT_EQ(0, maia_bo_bind(imp, va, 0));
	ASSERT_EQ(0, maia_cmd_fill(cb1, va, 64 * KiB, 0xd1d1d1d1));
	ret = job(q1, cb1);
	EXPECT_EQ(0, ret) TH_LOG("%s", maia_strerror(ret));
	for (i = 0; i < 16 * 1024; i++) {
		if (words[i] != 0xd1d1d1d1) {
			EXPECT_EQ(0xd1d1d1d1, words[i]) TH_LOG("word %d", i);
			break;
		}
	}
	maia_bo_destroy(imp);
	maia_bo_destroy(bo);
	maia_cmdbuf_destroy(cb1);
	maia_queue_destroy(q1);
	maia_close(dev1);
}

/* ------------------------------------------------------------------------ */
/* Concurrency                                                              */
/* ------------------------------------------------------------------------ */

#define STRESS_PROCS		4
#define STRESS_QUEUES		4
#define STRESS_JOBS		200	/* per process */
#define STRESS_BUF		(64 * KiB)
#define STRESS_DIM		24

enum stress_kind { STRESS_COPY, STRESS_FILL, STRESS_GEMM };

/* One queue of a stress process with the buffers of its job in flight. */
struct stress_slot {
	struct maia_queue *q;
	struct maia_cmdbuf *cb;
	struct maia_fence *fence;
	struct buf src, dst, a, b, c;
	uint8_t model[STRESS_BUF];
	enum stress_kind kind;
	uint32_t m, n, k;
	int8_t av[STRESS_DIM * STRESS_DIM], bv[STRESS_DIM * STRESS_DIM];
	int job;
};

static int stress_check(struct stress_slot *s, unsigned int proc)
{
	long diff;
	uint32_t i, j, kk;

	if (s->kind != STRESS_GEMM) {
		diff = first_diff(s->dst.cpu, s->model, STRESS_BUF);
		if (diff >= 0) {
			fprintf(stderr, "# proc %u job %d (%s): byte %ld is %#x, expected %#x\n",
				proc, s->job, s->kind == STRESS_COPY ? "copy" : "fill",
				diff, s->dst.cpu[diff], s->model[diff]);
			return 1;
		}
		return 0;
	}
	for (i = 0; i < s->m; i++) {
		for (j = 0; j < s->n; j++) {
			int32_t ref = 0, got;

			for (kk = 0; kk < s->k; kk++)
				ref += s->av[i * s->k + kk] * s->bv[kk * s->n + j];
			memcpy(&got, s->c.cpu + (i * s->n + j) * 4, 4);
			if (got != ref) {
				fprintf(stderr, "# proc %u job %d gemm %ux%ux%u: C[%u][%u] = %d, expected %d\n",
					proc, s->job, s->m, s->n, s->k, i, j, got, ref);
				return 1;
			}
		}
	}
	return 0;
}

static int stress_prepare(struct stress_slot *s)
{
	struct maia_gemm_desc g = { 0 };
	uint32_t len, soff, doff, value, i;

	maia_cmdbuf_reset(s->cb);
	s->kind = (enum stress_kind)(rnd64() % 3);
	switch (s->kind) {
	case STRESS_COPY:
		rnd_bytes(s->model, STRESS_BUF);
		memcpy(s->src.cpu, s->model, STRESS_BUF);
		memset(s->model, (int)(rnd64() & 0xff), STRESS_BUF);
		memcpy(s->dst.cpu, s->model, STRESS_BUF);
		len = rnd_range(1, STRESS_BUF);
		soff = rnd_range(0, STRESS_BUF - len);
		doff = rnd_range(0, STRESS_BUF - len);
		memcpy(s->model + doff, s->src.cpu + soff, len);
		return maia_cmd_copy(s->cb, s->src.va + soff, s->dst.va + doff, len);
	case STRESS_FILL:
		memset(s->model, (int)(rnd64() & 0xff), STRESS_BUF);
		memcpy(s->dst.cpu, s->model, STRESS_BUF);
		len = 4 * rnd_range(1, STRESS_BUF / 4);
		doff = 4 * rnd_range(0, (STRESS_BUF - len) / 4);
		value = (uint32_t)rnd64();
		for (i = 0; i < len; i += 4)
			memcpy(s->model + doff + i, &value, 4);
		return maia_cmd_fill(s->cb, s->dst.va + doff, len, value);
	case STRESS_GEMM:
		s->m = rnd_range(1, STRESS_DIM);
		s->n = rnd_range(1, STRESS_DIM);
		s->k = rnd_range(1, STRESS_DIM);
		rnd_bytes(s->av, sizeof(s->av));
		rnd_bytes(s->bv, sizeof(s->bv));
		memcpy(s->a.cpu, s->av, s->m * s->k);
		memcpy(s->b.cpu, s->bv, s->k * s->n);
		memset(s->c.cpu, 0xff, s->m * s->n * 4);
		g.dtype = MAIA_TYPE_INT8;
		g.m = s->m;
		g.n = s->n;
		g.k = s->k;
		g.a = s->a.va;
		g.b = s->b.va;
		g.c = s->c.va;
		g.alpha = 1.0f;
		return maia_cmd_gemm(s->cb, &g);
	}
	return -EINVAL;
}

static int stress_wait(struct stress_slot *s, unsigned int proc)
{
	int ret;

	if (!s->fence)
		return 0;
	ret = maia_fence_wait(s->fence, JOB_WAIT_NS);
	maia_fence_destroy(s->fence);
	s->fence = NULL;
	if (ret) {
		fprintf(stderr, "# proc %u job %d: %s\n", proc, s->job, maia_strerror(ret));
		return 1;
	}
	return stress_check(s, proc);
}

/* One stress process: STRESS_JOBS jobs round robin over its queues. */
static int stress_child(unsigned int index, unsigned int proc)
{
	struct stress_slot *slots;
	struct maia_device *dev;
	int failures = 0, jobn, i, ret;

	rng_seed(0x5eed0000 + proc);
	slots = calloc(STRESS_QUEUES, sizeof(*slots));
	if (!slots || maia_open_index(index, &dev))
		return 100;
	for (i = 0; i < STRESS_QUEUES; i++) {
		struct stress_slot *s = &slots[i];
		uint32_t mem = i & 1 ? MAIA_BO_HBM : 0;

		if (maia_queue_create(dev, MAIA_PRIORITY_NORMAL, &s->q) ||
		    maia_cmdbuf_create(dev, 2, &s->cb) ||
		    buf_create(dev, STRESS_BUF, 0, &s->src) ||
		    buf_create(dev, STRESS_BUF, mem, &s->dst) ||
		    buf_create(dev, 4096, mem, &s->a) ||
		    buf_create(dev, 4096, 0, &s->b) ||
		    buf_create(dev, 4096, mem ^ MAIA_BO_HBM, &s->c))
			return 101;
	}
	for (jobn = 0; jobn < STRESS_JOBS; jobn++) {
		struct stress_slot *s = &slots[jobn % STRESS_QUEUES];
		struct maia_bo *bos[5] = { s->src.bo, s->dst.bo, s->a.bo, s->b.bo, s->c.bo };

		failures += stress_wait(s, proc);
		if (failures > 3)
			break;
		s->job = jobn;
		if (stress_prepare(s))
			return 102;
		ret = maia_submit(s->q, s->cb, bos, 5, NULL, 0, &s->fence);
		if (ret) {
			fprintf(stderr, "# proc %u job %d: submit: %s\n", proc, jobn,
				maia_strerror(ret));
			return 103;
		}
	}
	for (i = 0; i < STRESS_QUEUES; i++)
		failures += stress_wait(&slots[i], proc);
	return failures ? 1 : 0;
}

TEST_F_TIMEOUT(compute, concurrent_processes, 600)
{
	pid_t pids[STRESS_PROCS];
	int i;

	fflush(stderr);
	for (i = 0; i < STRESS_PROCS; i++) {
		pids[i] = fork();
		ASSERT_GE(pids[i], 0);
		if (pids[i] == 0)
			_exit(stress_child(self->index, i));
	}
	for (i = 0; i < STRESS_PROCS; i++) {
		EXPECT_EQ(0, wait_child(pids[i])) TH_LOG("process %d", i);
	}
}

/* ------------------------------------------------------------------------ */
/* Teardown with jobs in flight                                             */
/* ------------------------------------------------------------------------ */

/*
 * Keep the device busy for a while: on two queues, two jobs of four
 * chained 192^3 fp32 GEMMs each (accumulating into C), plus, if
 * @blocked, a job stuck on a WAIT that nothing will satisfy. Nothing is
 * waited for and nothing is freed; the caller closes the file or exits.
 * The buffers are not mapped, so closing the file is the last reference
 * the process holds on them (the command buffers are).
 */
static int submit_long_chain(struct maia_device *dev, bool blocked)
{
	const uint32_t dim = 192;
	const uint64_t bytes = (uint64_t)dim * dim * 4;
	struct maia_bo *a, *b, *c, *sem;
	struct maia_gemm_desc g = { 0 };
	struct maia_cmdbuf *cb;
	struct maia_queue *q[2];
	struct maia_fence *f;
	int i, ret;

	if (maia_queue_create(dev, MAIA_PRIORITY_NORMAL, &q[0]) ||
	    maia_queue_create(dev, MAIA_PRIORITY_LOW, &q[1]) ||
	    maia_bo_create_bound(dev, bytes, MAIA_BO_HBM, &a) ||
	    maia_bo_create_bound(dev, bytes, MAIA_BO_HBM, &b) ||
	    maia_bo_create_bound(dev, bytes, MAIA_BO_HBM, &c) ||
	    maia_bo_create_bound(dev, 4096, 0, &sem) ||
	    maia_cmdbuf_create(dev, 16, &cb))
		return -ENOMEM;
	g.dtype = MAIA_TYPE_FP32;
	g.m = g.n = g.k = dim;
	g.a = maia_bo_va(a);
	g.b = maia_bo_va(b);
	g.c = maia_bo_va(c);
	g.alpha = 1.0f;
	g.beta = 1.0f;
	for (i = 0; i < 4; i++)
		maia_cmd_gemm(cb, &g);
	for (i = 0; i < 4; i++) {
		ret = maia_submit(q[i & 1], cb, NULL, 0, NULL, 0, &f);
		if (ret)
			return ret;
	}
	if (blocked) {
		if (maia_cmdbuf_create(dev, 1, &cb))
			return -ENOMEM;
		/* sem is a fresh host object: zero, and nobody writes it. */
		maia_cmd_wait(cb, maia_bo_va(sem), 1);
		ret = maia_submit(q[0], cb, NULL, 0, NULL, 0, &f);
		if (ret)
			return ret;
	}
	return 0;
}

/* After the teardown: a new file works, and so does the fixture's. */
static void check_device_usable(struct __test_metadata *_metadata,
				FIXTURE_DATA(compute) *self)
{
	struct maia_device *dev;
	struct maia_cmdbuf *cb;
	struct maia_queue *q;
	struct buf b;
	int ret;

	ASSERT_EQ(0, maia_open_index(self->index, &dev));
	ASSERT_EQ(0, maia_queue_create(dev, MAIA_PRIORITY_NORMAL, &q));
	ASSERT_EQ(0, maia_cmdbuf_create(dev, 2, &cb));
	BUF_NEW(dev, 64 * KiB, MAIA_BO_HBM, &b);
	ASSERT_EQ(0, maia_cmd_fill(cb, b.va, 64 * KiB, 0x0badf00d));
	ret = job(q, cb);
	EXPECT_EQ(0, ret) TH_LOG("new file: %s", maia_strerror(ret));
	EXPECT_EQ(0x0badf00d, ((uint32_t *)b.cpu)[16383]);
	buf_destroy(&b);
	maia_cmdbuf_destroy(cb);
	maia_queue_destroy(q);
	maia_close(dev);

	BUF_NEW(self->dev, 4096, 0, &b);
	maia_cmdbuf_reset(self->cb);
	ASSERT_EQ(0, maia_cmd_fill(self->cb, b.va, 4096, 0x1dea));
	RUN_OK(self);
	EXPECT_EQ(0x1dea, ((uint32_t *)b.cpu)[1023]);
	buf_destroy(&b);
}

TEST_F_TIMEOUT(compute, close_with_jobs_in_flight, 300)
{
	struct maia_device *dev;
	int ret;

	ASSERT_EQ(0, maia_open_index(self->index, &dev));
	ret = submit_long_chain(dev, false);
	ASSERT_EQ(0, ret) TH_LOG("%s", maia_strerror(ret));
	/* The objects are deliberately leaked: only the file goes. */
	maia_close(dev);
	check_device_usable(_metadata, self);
}

TEST_F_TIMEOUT(compute, exit_with_jobs_in_flight, 300)
{
	pid_t pid;

	fflush(stderr);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		struct maia_device *dev;

		if (maia_open_index(self->index, &dev))
			_exit(10);
		_exit(submit_long_chain(dev, false) ? 11 : 0);
	}
	EXPECT_EQ(0, wait_child(pid));
	check_device_usable(_metadata, self);
}

/* A job that can never finish must not keep close() or exit() forever. */
TEST_F_TIMEOUT(compute, exit_with_blocked_job, 300)
{
	pid_t pid;

	fflush(stderr);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		struct maia_device *dev;

		if (maia_open_index(self->index, &dev))
			_exit(10);
		_exit(submit_long_chain(dev, true) ? 11 : 0);
	}
	EXPECT_EQ(0, wait_child(pid));
	check_device_usable(_metadata, self);
}

TEST_HARNESS_MAIN
