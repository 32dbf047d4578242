// SPDX-License-Identifier: MIT
/*
 * maia-bench accel mode: how fast the tensor engine takes jobs and moves
 * bytes, against the nearest peers in the same machine: NOP job round trip
 * and rate at queue depth 1 and 32 against 4 KiB O_DIRECT reads from an
 * NVMe drive (QD32 through Linux AIO), COPY of 64 MiB against memcpy. The
 * GEMM figures come from accel_gemm.c. Writes the accel table.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>

#include <linux/aio_abi.h>
#include <linux/fs.h>

#include "accel.h"

#define MAX_DEPTH		32
#define IO_SIZE			4096
#define COPY_BYTES		(64ULL << 20)

/* ----------------------------------------------------------------------- */
/* The maia side                                                            */
/* ----------------------------------------------------------------------- */

static void accel_open(const struct options *o, struct accel *ac)
{
	unsigned int index = o->device;
	int ret;

	memset(ac, 0, sizeof(*ac));
	if (!o->device_set) {
		ret = maia_device_indices(&index, 1);
		if (ret < 0) {
			fmt(ac->why, sizeof(ac->why),
			    "cannot enumerate maia devices: %s",
			    maia_strerror(ret));
			return;
		}
		if (ret == 0) {
			fmt(ac->why, sizeof(ac->why),
			    "no maia accelerator (/dev/accel/accel*)");
			return;
		}
	}
	ret = maia_open_index(index, &ac->dev);
	if (ret) {
		fmt(ac->why, sizeof(ac->why), "/dev/accel/accel%u: %s", index,
		    maia_strerror(ret));
		ac->dev = NULL;
		return;
	}
	ret = maia_get_info(ac->dev, &ac->info);
	if (ret) {
		fmt(ac->why, sizeof(ac->why), "maia_get_info: %s",
		    maia_strerror(ret));
		return;
	}
	if (!(ac->info.capabilities & MAIA_CAP_ENGINE))
		fmt(ac->why, sizeof(ac->why), "device reports no tensor engine");
}

bool accel_has_hbm(const struct accel *ac, uint64_t bytes)
{
	return (ac->info.capabilities & MAIA_CAP_HBM) &&
	       ac->info.hbm_size >= bytes;
}

/* Message for a failed job step. */
static void job_error(char *buf, size_t size, const char *step, int err)
{
	if (err == -ETIME)
		fmt(buf, size, "%s: no completion within %lld s", step,
		    JOB_WAIT_NS / NSEC_PER_SEC);
	else
		fmt(buf, size, "%s: %s", step, maia_strerror(err));
}

int job_run(struct maia_queue *q, struct maia_cmdbuf *cb,
	    struct maia_bo *const *bos, unsigned int n_bos,
	    char *why, size_t why_size)
{
	struct maia_fence *fence = NULL;
	int ret;

	ret = maia_submit(q, cb, bos, n_bos, NULL, 0, &fence);
	if (ret) {
		job_error(why, why_size, "maia_submit", ret);
		return ret;
	}
	ret = maia_fence_wait(fence, JOB_WAIT_NS);
	if (ret)
		job_error(why, why_size, "job", ret);
	maia_fence_destroy(fence);
	return ret;
}

/*
 * A queue and command buffers holding one NOP each. A submission waits for
 * the earlier ones of the same command buffer (libmaia lists its object), so
 * keeping jobs in flight takes one command buffer per job.
 */
struct nop_job {
	struct maia_queue *q;
	struct maia_cmdbuf *cb[MAX_DEPTH];
	unsigned int n_cb;
};

static void nop_job_fini(struct nop_job *n)
{
	for (unsigned int i = 0; i < n->n_cb; i++)
		maia_cmdbuf_destroy(n->cb[i]);
	maia_queue_destroy(n->q);
	n->n_cb = 0;
	n->q = NULL;
}

static int nop_job_init(struct accel *ac, struct nop_job *n,
			unsigned int n_cb, char *why, size_t why_size)
{
	int ret;

	n->q = NULL;
	n->n_cb = 0;
	ret = maia_queue_create(ac->dev, MAIA_PRIORITY_NORMAL, &n->q);
	if (ret) {
		fmt(why, why_size, "maia_queue_create: %s", maia_strerror(ret));
		return ret;
	}
	for (; n->n_cb < n_cb; n->n_cb++) {
		ret = maia_cmdbuf_create(ac->dev, 1, &n->cb[n->n_cb]);
		if (ret) {
			fmt(why, why_size, "maia_cmdbuf_create: %s",
			    maia_strerror(ret));
			goto fail;
		}
		ret = maia_cmd_nop(n->cb[n->n_cb]);
		if (ret) {
			fmt(why, why_size, "maia_cmd_nop: %s", maia_strerror(ret));
			n->n_cb++;
			goto fail;
		}
	}
	return 0;
fail:
	nop_job_fini(n);
	return ret;
}

/*
 * One NOP job end to end before anything is timed: if the engine cannot
 * run a job, every job metric reports this instead of waiting for its own
 * timeout.
 */
static void accel_probe(struct accel *ac)
{
	struct nop_job n;
	char why[200];

	if (ac->why[0])
		return;
	progress("probing the engine with one NOP job");
	if (nop_job_init(ac, &n, 1, why, sizeof(why))) {
		fmt(ac->why, sizeof(ac->why), "engine probe: %s", why);
		return;
	}
	if (job_run(n.q, n.cb[0], NULL, 0, why, sizeof(why)))
		fmt(ac->why, sizeof(ac->why), "engine probe (one NOP job): %s",
		    why);
	nop_job_fini(&n);
}

/*
 * Latency samples and rates gathered over several rounds in which the maia
 * side and its peer take turns, so that a change in the load of the host
 * (other VMs, TCG threads) hits both alike.
 */
struct lat_set {
	double *v;		/* seconds per operation */
	int n;
	double wall;		/* seconds spent in the timed loops */
	enum meas_state state;	/* M_OK until something fails */
	char why[256];
};

struct rate_set {
	double ops, wall;
	enum meas_state state;
	char why[256];
};

static void lat_finish(struct lat_set *s, struct meas *med, struct meas *avg,
		       struct meas *rate)
{
	if (s->state != M_OK || s->n == 0) {
		meas_fail(med, s->state == M_OK ? M_ERR : s->state, "%s",
			  s->why[0] ? s->why : "nothing measured");
		*avg = *rate = *med;
		return;
	}
	meas_ok(rate, s->n / s->wall);
	meas_ok(avg, mean(s->v, s->n) * 1e6);
	meas_ok(med, median(s->v, s->n) * 1e6);
}

static void rate_finish(const struct rate_set *s, struct meas *rate)
{
	if (s->state != M_OK || s->wall <= 0)
		meas_fail(rate, s->state == M_OK ? M_ERR : s->state, "%s",
			  s->why[0] ? s->why : "nothing measured");
	else
		meas_ok(rate, s->ops / s->wall);
}

/* @runs NOP round trips (submit one job, wait for its fence). */
static void maia_lat_round(struct nop_job *n, int warm, int runs,
			   struct lat_set *s)
{
	double start, t0;
	int ret = 0;

	if (s->state != M_OK)
		return;
	for (int i = 0; i < warm && !ret; i++)
		ret = job_run(n->q, n->cb[0], NULL, 0, s->why, sizeof(s->why));
	start = now_s();
	for (int i = 0; i < runs && !ret; i++) {
		t0 = now_s();
		ret = job_run(n->q, n->cb[0], NULL, 0, s->why, sizeof(s->why));
		s->v[s->n++] = now_s() - t0;
	}
	s->wall += now_s() - start;
	if (ret)
		s->state = M_ERR;
}

/* @jobs NOP jobs with @depth in flight: submit ahead, wait for the oldest. */
static int nop_pipeline(struct nop_job *n, unsigned int depth,
			unsigned int jobs, char *why, size_t why_size)
{
	struct maia_fence *ring[MAX_DEPTH] = { NULL };
	unsigned int submitted = 0, done = 0;
	int ret = 0;

	while (done < jobs) {
		while (submitted < jobs && submitted - done < depth) {
			ret = maia_submit(n->q, n->cb[submitted % depth], NULL,
					  0, NULL, 0, &ring[submitted % depth]);
			if (ret) {
				ring[submitted % depth] = NULL;
				job_error(why, why_size, "maia_submit", ret);
				goto drain;
			}
			submitted++;
		}
		ret = maia_fence_wait(ring[done % depth], JOB_WAIT_NS);
		maia_fence_destroy(ring[done % depth]);
		ring[done % depth] = NULL;
		done++;
		if (ret) {
			job_error(why, why_size, "job", ret);
			goto drain;
		}
	}
	return 0;
drain:
	/* The jobs still complete without their fences. */
	for (; done < submitted; done++)
		maia_fence_destroy(ring[done % depth]);
	return ret;
}

static void maia_qd_round(struct nop_job *n, unsigned int depth,
			  unsigned int jobs, bool warm, struct rate_set *s)
{
	double t0;

	if (s->state != M_OK)
		return;
	if (warm && nop_pipeline(n, depth, depth * 4, s->why, sizeof(s->why))) {
		s->state = M_ERR;
		return;
	}
	t0 = now_s();
	if (nop_pipeline(n, depth, jobs, s->why, sizeof(s->why))) {
		s->state = M_ERR;
		return;
	}
	s->wall += now_s() - t0;
	s->ops += jobs;
}

/* 64-bit words that depend on their offset: misplaced blocks show. */
static uint64_t pattern_word(size_t index, uint64_t seed)
{
	return (index + seed) * 0x9e3779b97f4a7c15ULL;
}

static void pattern_fill(void *p, size_t bytes, uint64_t seed)
{
	uint64_t *w = p;

	for (size_t i = 0; i < bytes / 8; i++)
		w[i] = pattern_word(i, seed);
}

/*
 * Check @bytes at @p against the pattern: every word if @full, else the
 * first and last 4 KiB and 1024 scattered 64-byte blocks (HBM is mapped
 * write-combined, slow to read).
 */
static bool pattern_check(const void *p, size_t bytes, uint64_t seed,
			  bool full, char *why, size_t why_size)
{
	const volatile uint64_t *w = p;
	size_t words = bytes / 8, i;
	uint64_t state = 0x1234567;

	if (full) {
		for (i = 0; i < words; i++)
			if (w[i] != pattern_word(i, seed))
				goto bad;
		return true;
	}
	for (i = 0; i < 512 && i < words; i++)
		if (w[i] != pattern_word(i, seed))
			goto bad;
	for (i = words > 512 ? words - 512 : 0; i < words; i++)
		if (w[i] != pattern_word(i, seed))
			goto bad;
	for (int s = 0; s < 1024; s++) {
		size_t base = (rng_next(&state) % words) & ~(size_t)7;

		for (i = base; i < base + 8 && i < words; i++)
			if (w[i] != pattern_word(i, seed))
				goto bad;
	}
	return true;
bad:
	fmt(why, why_size,
	    "wrong data after COPY: byte offset %zu holds 0x%016" PRIx64
	    ", expected 0x%016" PRIx64, i * 8, (uint64_t)w[i],
	    pattern_word(i, seed));
	return false;
}

/* COPY of @bytes from one buffer object to another, both of @flags. */
static void maia_copy_bw(struct accel *ac, uint32_t flags, size_t bytes,
			 int warm, int reps, struct meas *bw)
{
	struct maia_bo *src = NULL, *dst = NULL, *bos[2];
	struct maia_cmdbuf *cb = NULL;
	struct maia_queue *q = NULL;
	double *t = NULL, t0, dt;
	void *ps, *pd;
	char why[200];
	int ret;

	if (ac->why[0]) {
		meas_fail(bw, M_ERR, "%s", ac->why);
		return;
	}
	if ((flags & MAIA_BO_HBM) && !accel_has_hbm(ac, 2 * bytes)) {
		meas_fail(bw, M_NA, "needs %zu MiB of HBM, device has %" PRIu64
			  " MiB", 2 * bytes >> 20, ac->info.hbm_size >> 20);
		return;
	}
	t = calloc(reps, sizeof(*t));
	if (!t) {
		meas_fail(bw, M_ERR, "out of memory");
		return;
	}
	ret = maia_bo_create_bound(ac->dev, bytes, flags, &src);
	if (!ret)
		ret = maia_bo_create_bound(ac->dev, bytes, flags, &dst);
	if (ret) {
		meas_fail(bw, M_ERR, "maia_bo_create_bound(%zu MiB%s): %s",
			  bytes >> 20, flags & MAIA_BO_HBM ? ", HBM" : "",
			  maia_strerror(ret));
		goto out;
	}
	ret = maia_bo_map(src, &ps);
	if (!ret)
		ret = maia_bo_map(dst, &pd);
	if (ret) {
		meas_fail(bw, M_ERR, "maia_bo_map: %s", maia_strerror(ret));
		goto out;
	}
	pattern_fill(ps, bytes, 7);
	memset(pd, 0, bytes);
	ret = maia_queue_create(ac->dev, MAIA_PRIORITY_NORMAL, &q);
	if (ret) {
		meas_fail(bw, M_ERR, "maia_queue_create: %s", maia_strerror(ret));
		goto out;
	}
	ret = maia_cmdbuf_create(ac->dev, 1, &cb);
	if (!ret)
		ret = maia_cmd_copy(cb, maia_bo_va(src), maia_bo_va(dst), bytes);
	if (ret) {
		meas_fail(bw, M_ERR, "building the COPY command: %s",
			  maia_strerror(ret));
		goto out;
	}
	bos[0] = src;
	bos[1] = dst;
	for (int i = 0; i < warm + reps; i++) {
		t0 = now_s();
		if (job_run(q, cb, bos, 2, why, sizeof(why))) {
			meas_fail(bw, M_ERR, "COPY %s", why);
			goto out;
		}
		dt = now_s() - t0;
		if (i >= warm)
			t[i - warm] = dt;
		if (i == 0 && !pattern_check(pd, bytes, 7,
					     !(flags & MAIA_BO_HBM), why,
					     sizeof(why))) {
			meas_fail(bw, M_ERR, "%s", why);
			goto out;
		}
	}
	meas_ok(bw, bytes / median(t, reps) / 1e9);
out:
	maia_cmdbuf_destroy(cb);
	maia_queue_destroy(q);
	maia_bo_destroy(dst);
	maia_bo_destroy(src);
	free(t);
}

/* ----------------------------------------------------------------------- */
/* The peers                                                                */
/* ----------------------------------------------------------------------- */

static void memcpy_bw(size_t bytes, int warm, int reps, struct meas *bw)
{
	char *src = aligned_alloc(4096, bytes), *dst = aligned_alloc(4096, bytes);
	double *t = calloc(reps, sizeof(*t)), t0, dt;

	if (!src || !dst || !t) {
		meas_fail(bw, M_ERR, "out of memory");
		goto out;
	}
	pattern_fill(src, bytes, 7);
	memset(dst, 0, bytes);
	for (int i = 0; i < warm + reps; i++) {
		t0 = now_s();
		memcpy(dst, src, bytes);
		dt = now_s() - t0;
		if (i >= warm)
			t[i - warm] = dt;
	}
	if (memcmp(dst, src, bytes)) {
		meas_fail(bw, M_ERR, "memcpy result differs");
		goto out;
	}
	meas_ok(bw, bytes / median(t, reps) / 1e9);
out:
	free(src);
	free(dst);
	free(t);
}

struct nvme {
	int fd;
	char path[PATH_MAX];
	uint64_t blocks;	/* of IO_SIZE */
	void *buf;		/* MAX_DEPTH * IO_SIZE, aligned */
	aio_context_t aio;	/* 0 until the first QD round */
	uint64_t next;		/* next block index to read */
	char why[256];		/* why there is no peer, "" if there is */
};

static void nvme_open(const char *path, struct nvme *nv)
{
	uint64_t size = 0;
	glob_t g;

	memset(nv, 0, sizeof(*nv));
	nv->fd = -1;
	if (path && !strcmp(path, "none")) {
		fmt(nv->why, sizeof(nv->why), "NVMe peer disabled (--nvme none)");
		return;
	}
	if (!path) {
		if (glob("/dev/nvme*n1", 0, NULL, &g) || g.gl_pathc == 0) {
			fmt(nv->why, sizeof(nv->why),
			    "no NVMe namespace (/dev/nvme*n1)");
			return;
		}
		fmt(nv->path, sizeof(nv->path), "%s", g.gl_pathv[0]);
		globfree(&g);
	} else {
		fmt(nv->path, sizeof(nv->path), "%s", path);
	}
	nv->fd = open(nv->path, O_RDONLY | O_DIRECT | O_CLOEXEC);
	if (nv->fd < 0) {
		fmt(nv->why, sizeof(nv->why), "%s: %s", nv->path,
		    strerror(errno));
		return;
	}
	if (ioctl(nv->fd, BLKGETSIZE64, &size) || size < IO_SIZE) {
		fmt(nv->why, sizeof(nv->why), "%s: not a usable block device",
		    nv->path);
		close(nv->fd);
		nv->fd = -1;
		return;
	}
	nv->blocks = size / IO_SIZE;
	nv->buf = aligned_alloc(IO_SIZE, MAX_DEPTH * IO_SIZE);
	if (!nv->buf) {
		fmt(nv->why, sizeof(nv->why), "out of memory");
		close(nv->fd);
		nv->fd = -1;
	}
}

static void nvme_close(struct nvme *nv)
{
	if (nv->aio)
		syscall(SYS_io_destroy, nv->aio);
	if (nv->fd >= 0)
		close(nv->fd);
	free(nv->buf);
}

/* Scattered 4 KiB blocks (the null-co backend does not care, but be fair). */
static off_t nvme_offset(const struct nvme *nv, uint64_t i)
{
	return (off_t)((i * 2654435761ULL) % nv->blocks * IO_SIZE);
}

/* @runs synchronous 4 KiB O_DIRECT reads. */
static void nvme_lat_round(struct nvme *nv, int warm, int runs,
			   struct lat_set *s)
{
	double start, t0;
	ssize_t got = IO_SIZE;

	if (s->state != M_OK)
		return;
	errno = 0;
	for (int i = 0; i < warm && got == IO_SIZE; i++)
		got = pread(nv->fd, nv->buf, IO_SIZE, nvme_offset(nv, nv->next++));
	start = now_s();
	for (int i = 0; i < runs && got == IO_SIZE; i++) {
		t0 = now_s();
		got = pread(nv->fd, nv->buf, IO_SIZE, nvme_offset(nv, nv->next++));
		s->v[s->n++] = now_s() - t0;
	}
	s->wall += now_s() - start;
	if (got != IO_SIZE) {
		s->state = M_ERR;
		fmt(s->why, sizeof(s->why), "%s: pread: %s", nv->path,
		    got < 0 ? strerror(errno) : "short read");
	}
}

/*
 * Linux AIO with raw system calls (no libaio): keep @depth reads of 4 KiB
 * in flight until @ops have completed. Returns 0 or a message in @why.
 */
static int nvme_aio_run(struct nvme *nv, unsigned int depth, unsigned int ops,
			char *why, size_t why_size)
{
	struct iocb cbs[MAX_DEPTH], *ptrs[MAX_DEPTH];
	struct io_event ev[MAX_DEPTH];
	unsigned int submitted = 0, done = 0, n = 0, k;
	long got, sent;

	memset(cbs, 0, sizeof(cbs));
	for (k = 0; k < depth && k < ops; k++) {
		cbs[k].aio_data = k;
		cbs[k].aio_lio_opcode = IOCB_CMD_PREAD;
		cbs[k].aio_fildes = (uint32_t)nv->fd;
		cbs[k].aio_buf = (uint64_t)(uintptr_t)((char *)nv->buf + k * IO_SIZE);
		cbs[k].aio_nbytes = IO_SIZE;
		cbs[k].aio_offset = nvme_offset(nv, nv->next++);
		submitted++;
		ptrs[n++] = &cbs[k];
	}
	while (done < ops) {
		for (k = 0; k < n; k += (unsigned int)sent) {
			sent = syscall(SYS_io_submit, nv->aio, (long)(n - k),
				       ptrs + k);
			if (sent <= 0) {
				fmt(why, why_size, "%s: io_submit: %s", nv->path,
				    sent ? strerror(errno) : "nothing queued");
				return -1;
			}
		}
		n = 0;
		got = syscall(SYS_io_getevents, nv->aio, 1L, (long)depth, ev,
			      NULL);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			fmt(why, why_size, "%s: io_getevents: %s", nv->path,
			    strerror(errno));
			return -1;
		}
		for (long e = 0; e < got; e++) {
			struct iocb *cb = &cbs[ev[e].data];

			if (ev[e].res != IO_SIZE) {
				fmt(why, why_size, "%s: AIO read: %s", nv->path,
				    ev[e].res < 0 ? strerror((int)-ev[e].res) :
						    "short read");
				return -1;
			}
			done++;
			if (submitted < ops) {
				cb->aio_offset = nvme_offset(nv, nv->next++);
				submitted++;
				ptrs[n++] = cb;
			}
		}
	}
	return 0;
}

static void nvme_qd_round(struct nvme *nv, unsigned int depth,
			  unsigned int ops, bool warm, struct rate_set *s)
{
	double t0;

	if (s->state != M_OK)
		return;
	if (!nv->aio && syscall(SYS_io_setup, (unsigned long)depth, &nv->aio)) {
		nv->aio = 0;
		s->state = M_ERR;
		fmt(s->why, sizeof(s->why), "io_setup: %s", strerror(errno));
		return;
	}
	if (warm && nvme_aio_run(nv, depth, depth * 4, s->why, sizeof(s->why))) {
		s->state = M_ERR;
		return;
	}
	t0 = now_s();
	if (nvme_aio_run(nv, depth, ops, s->why, sizeof(s->why))) {
		s->state = M_ERR;
		return;
	}
	s->wall += now_s() - t0;
	s->ops += ops;
}

/* ----------------------------------------------------------------------- */
/* The mode                                                                 */
/* ----------------------------------------------------------------------- */

int accel_run(const struct options *o)
{
	const int rounds = o->quick ? 2 : 4;
	const int lat_warm = o->quick ? 20 : 200;
	const int lat_runs = o->quick ? 200 : 2000;
	const unsigned int qd_ops = o->quick ? 1000 : 8000;
	const int bw_warm = 1, bw_reps = o->quick ? 2 : 5;
	const int gemm_warm = o->quick ? 0 : 1, gemm_reps = o->quick ? 1 : 3;
	struct meas m_med, m_mean, m_qd1, m_qd, p_med, p_mean, p_qd1, p_qd;
	struct meas m_copy_host, m_copy_hbm, p_copy;
	char title[512], header[1024], nvme_name[PATH_MAX + 32], dev_desc[160];
	char bf16_peer[96];
	struct lat_set ml = { 0 }, pl = { 0 };
	struct rate_set mq = { 0 }, pq = { 0 };
	struct nop_job nj = { 0 };
	struct accel_gemm g;
	struct accel ac;
	struct nvme nv;
	char why[256];
	int status;

	accel_open(o, &ac);
	accel_probe(&ac);
	nvme_open(o->nvme, &nv);
	if (ac.dev)
		fmt(dev_desc, sizeof(dev_desc),
		    "accel%u %s, %" PRIu64 " MiB HBM, %u queues",
		    ac.info.accel_index, ac.info.pci_address,
		    ac.info.hbm_size >> 20, ac.info.num_queues);
	else
		fmt(dev_desc, sizeof(dev_desc), "no device");
	if (nv.why[0])
		fmt(nvme_name, sizeof(nvme_name), "NVMe");
	else
		fmt(nvme_name, sizeof(nvme_name), "%s",
		    strrchr(nv.path, '/') ? strrchr(nv.path, '/') + 1 : nv.path);

	/* maia and NVMe take turns, round by round. */
	ml.v = calloc(lat_runs, sizeof(double));
	pl.v = calloc(lat_runs, sizeof(double));
	if (!ml.v || !pl.v) {
		fprintf(stderr, "%s: out of memory\n", program_name);
		return EXIT_SOME_MISSING;
	}
	ml.state = pl.state = mq.state = pq.state = M_OK;
	if (!ac.why[0] &&
	    nop_job_init(&ac, &nj, MAX_DEPTH, why, sizeof(why)))
		fmt(ac.why, sizeof(ac.why), "%s", why);
	if (ac.why[0]) {
		ml.state = mq.state = M_ERR;
		fmt(ml.why, sizeof(ml.why), "%s", ac.why);
		fmt(mq.why, sizeof(mq.why), "%s", ac.why);
	}
	if (nv.why[0]) {
		pl.state = pq.state = M_NA;
		fmt(pl.why, sizeof(pl.why), "%s", nv.why);
		fmt(pq.why, sizeof(pq.why), "%s", nv.why);
	}
	for (int r = 0; r < rounds; r++) {
		progress("round %d/%d: %d NOP round trips (maia), %d 4 KiB "
			 "O_DIRECT reads (%s)", r + 1, rounds, lat_runs / rounds,
			 lat_runs / rounds, nvme_name);
		maia_lat_round(&nj, r ? 0 : lat_warm, lat_runs / rounds, &ml);
		nvme_lat_round(&nv, r ? 0 : lat_warm, lat_runs / rounds, &pl);
	}
	for (int r = 0; r < rounds; r++) {
		progress("round %d/%d: %u NOP jobs (maia), %u AIO reads (%s), "
			 "%d in flight", r + 1, rounds, qd_ops / rounds,
			 qd_ops / rounds, nvme_name, MAX_DEPTH);
		maia_qd_round(&nj, MAX_DEPTH, qd_ops / rounds, r == 0, &mq);
		nvme_qd_round(&nv, MAX_DEPTH, qd_ops / rounds, r == 0, &pq);
	}
	nop_job_fini(&nj);
	lat_finish(&ml, &m_med, &m_mean, &m_qd1);
	lat_finish(&pl, &p_med, &p_mean, &p_qd1);
	rate_finish(&mq, &m_qd);
	rate_finish(&pq, &p_qd);
	free(ml.v);
	free(pl.v);

	progress("COPY %llu MiB host -> host, HBM -> HBM (maia), memcpy (CPU)",
		 COPY_BYTES >> 20);
	maia_copy_bw(&ac, 0, COPY_BYTES, bw_warm, bw_reps, &m_copy_host);
	maia_copy_bw(&ac, MAIA_BO_HBM, COPY_BYTES, bw_warm, bw_reps,
		     &m_copy_hbm);
	memcpy_bw(COPY_BYTES, bw_warm, bw_reps, &p_copy);

	accel_gemm(&ac, gemm_warm, gemm_reps, &g);
	if (g.sbgemm)
		fmt(bf16_peer, sizeof(bf16_peer), "OpenBLAS sbgemm, 1 thread");
	else
		fmt(bf16_peer, sizeof(bf16_peer),
		    "OpenBLAS sgemm, 1 thread (no cblas_sbgemm)");

	{
		char peer_lat[PATH_MAX + 64], peer_qd1[PATH_MAX + 64];
		char peer_qd[PATH_MAX + 64];

		fmt(peer_lat, sizeof(peer_lat), "%s 4K O_DIRECT pread", nvme_name);
		fmt(peer_qd1, sizeof(peer_qd1), "%s 4K reads, QD1", nvme_name);
		fmt(peer_qd, sizeof(peer_qd), "%s 4K AIO reads, QD%d",
		    nvme_name, MAX_DEPTH);
		add_result("nop job latency, median", "us", peer_lat, &m_med,
			   &p_med, GOAL_LE, 1.0);
		add_result("nop job latency, mean", "us", peer_lat, &m_mean,
			   &p_mean, GOAL_LE, 1.0);
		add_result("jobs/s at QD1", "ops/s", peer_qd1, &m_qd1, &p_qd1,
			   GOAL_GE, 1.0);
		add_result("jobs/s at QD32", "ops/s", peer_qd, &m_qd, &p_qd,
			   GOAL_GE, 1.0);
	}
	add_result("COPY 64MiB host->host", "GB/s", "memcpy 64 MiB, 1 CPU",
		   &m_copy_host, &p_copy, GOAL_GE, 0.5);
	add_result("COPY 64MiB HBM->HBM", "GB/s", "memcpy 64 MiB, 1 CPU",
		   &m_copy_hbm, &p_copy, GOAL_GE, 0.5);
	add_result("GEMM 1024^3 fp32", "GFLOP/s", "OpenBLAS sgemm, 1 thread",
		   &g.maia_fp32, &g.cpu_fp32, GOAL_GE, 0.5);
	add_result("GEMM 1024^3 bf16", "GFLOP/s", bf16_peer, &g.maia_bf16,
		   &g.cpu_bf16, GOAL_GE, 0.5);
	fmt(why, sizeof(why),
	    "latency and rates: maia and the NVMe drive take turns over %d "
	    "rounds; COPY and GEMM: median of %d and %d runs after %d and %d "
	    "warm-up", rounds, bw_reps, gemm_reps, bw_warm, gemm_warm);
	note_add(why);
	if (!g.sbgemm)
		note_add("bf16 GEMM peer: this OpenBLAS does not export "
			 "cblas_sbgemm, so the CPU runs sgemm on the "
			 "bf16-rounded inputs");

	fmt(title, sizeof(title),
	    "maia-bench accel: %s; peer %s%s", dev_desc,
	    nv.why[0] ? "nvme n/a" : nv.path, o->quick ? " (--quick)" : "");
	{
		char *h = header;
		size_t left = sizeof(header);
		int len;

		len = snprintf(h, left,
			       "  \"mode\": \"accel\",\n  \"quick\": %s,\n"
			       "  \"device\": ",
			       o->quick ? "true" : "false");
		h += len;
		left -= len;
		if (ac.dev)
			len = snprintf(h, left,
				       "{\"accel_index\": %u, \"pci_address\": "
				       "\"%s\", \"hbm_size\": %" PRIu64 "}",
				       ac.info.accel_index, ac.info.pci_address,
				       ac.info.hbm_size);
		else
			len = snprintf(h, left, "null");
		h += len;
		left -= len;
		snprintf(h, left, ",\n  \"nvme\": %s%s%s",
			 nv.why[0] ? "" : "\"", nv.why[0] ? "null" : nv.path,
			 nv.why[0] ? "" : "\"");
	}
	status = report(o, title, header);
	nvme_close(&nv);
	maia_close(ac.dev);
	return status;
}
