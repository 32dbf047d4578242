// SPDX-License-Identifier: MIT
/*
 * maia-bench: benchmarks of a Maia accelerator, each printed as a ratio
 * against the nearest peer measured side by side in the same machine (in
 * practice the same QEMU VM, see scripts/bench.sh).
 *
 *   maia-bench accel [options]   job latency and rate vs an NVMe drive,
 *                                COPY vs memcpy, GEMM vs OpenBLAS (1 thread)
 *   maia-bench link [options]    iperf3/ping over two ports of one maia
 *                                device vs two igb and two virtio-net NICs
 *
 * Options:
 *   -d, --device N     /dev/accel/accelN (default: the first maia device)
 *   -n, --nvme DEV     NVMe namespace of the peer (default: first
 *                      /dev/nvme*n1; "none" skips the peer)
 *   -q, --quick        smaller iteration counts and shorter runs
 *   -j, --json         print JSON instead of the table
 *   -o, --json-file F  also write the JSON to F
 *   -h, --help
 *
 * The maia side and its peer take turns (rounds of latency, rate and
 * network tests), so that a change in the load of the host hits both alike.
 *
 * Benchmarks are not tests: nothing asserts on time. Every device result is
 * checked (COPY bytes, GEMM elements against the CPU), so a broken engine
 * shows up as an error instead of a fast number; a metric that cannot be
 * measured is reported as ERR or n/a with the reason below the table and
 * the remaining metrics still run. "link" reconfigures network interfaces
 * and namespaces (it is meant for the bench VM, see scripts/bench.sh).
 *
 * Exit status: 0 every metric was measured, 1 some were not (the table
 * says which), 2 usage error.
 */
#define _GNU_SOURCE

#include <ctype.h>
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <glob.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <linux/aio_abi.h>
#include <linux/fs.h>

#include <cblas.h>

#include "maia.h"

#define EXIT_ALL_MEASURED	0
#define EXIT_SOME_MISSING	1
#define EXIT_USAGE		2

#define NSEC_PER_SEC		1000000000LL
/* Far above the driver's job timeout: that one reports first. */
#define JOB_WAIT_NS		(60 * NSEC_PER_SEC)
#define MAX_DEPTH		32
#define IO_SIZE			4096
#define COPY_BYTES		(64ULL << 20)
#define GEMM_DIM		1024
#define GEMM_SAMPLES		64

static const char *program_name = "maia-bench";

struct options {
	const char *mode;
	bool device_set;
	unsigned int device;
	const char *nvme;
	bool quick;
	bool json;
	const char *json_file;
};

/* ----------------------------------------------------------------------- */
/* Small helpers                                                            */
/* ----------------------------------------------------------------------- */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void sleep_s(double secs)
{
	struct timespec ts = {
		.tv_sec = (time_t)secs,
		.tv_nsec = (long)((secs - (double)(time_t)secs) * 1e9),
	};

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* snprintf whose truncation is intended (messages). */
static void fmt(char *buf, size_t size, const char *format, ...)
	__attribute__((format(printf, 3, 4)));
static void fmt(char *buf, size_t size, const char *format, ...)
{
	va_list ap;

	va_start(ap, format);
	vsnprintf(buf, size, format, ap);
	va_end(ap);
}

static void progress(const char *format, ...)
	__attribute__((format(printf, 1, 2)));
static void progress(const char *format, ...)
{
	va_list ap;

	va_start(ap, format);
	fprintf(stderr, "%s: ", program_name);
	vfprintf(stderr, format, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static double mean(const double *v, int n)
{
	double sum = 0;

	for (int i = 0; i < n; i++)
		sum += v[i];
	return sum / n;
}

/* xorshift64*: reproducible inputs without rand()'s global state. */
static uint64_t rng_next(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545f4914f6cdd1dULL;
}

/* Uniform in [-1, 1). */
static float rng_float(uint64_t *state)
{
	return (float)((double)(rng_next(state) >> 11) / (double)(1ULL << 52)) - 1.0f;
}

/* ----------------------------------------------------------------------- */
/* Results                                                                  */
/* ----------------------------------------------------------------------- */

enum meas_state { M_NA, M_OK, M_ERR };

/* One measured figure, or why there is none. */
struct meas {
	enum meas_state state;
	double value;
	char why[256];
};

static void meas_ok(struct meas *m, double value)
{
	m->state = M_OK;
	m->value = value;
	m->why[0] = '\0';
}

static void meas_fail(struct meas *m, enum meas_state state,
		      const char *format, ...)
	__attribute__((format(printf, 3, 4)));
static void meas_fail(struct meas *m, enum meas_state state,
		      const char *format, ...)
{
	va_list ap;

	m->state = state;
	m->value = 0;
	va_start(ap, format);
	vsnprintf(m->why, sizeof(m->why), format, ap);
	va_end(ap);
}

enum goal_kind { GOAL_NONE, GOAL_LE, GOAL_GE };

struct result {
	char metric[48];
	const char *unit;
	char peer_name[64];
	struct meas maia, peer;
	enum goal_kind goal_kind;
	double goal;
	int maia_note, peer_note;	/* index into notes, -1 if none */
};

#define MAX_RESULTS	32
#define MAX_NOTES	32
static struct result results[MAX_RESULTS];
static int n_results;
static char notes[MAX_NOTES][320];
static int n_notes;

/* Index of @text in the note list, added if new. */
static int note_add(const char *text)
{
	for (int i = 0; i < n_notes; i++)
		if (!strcmp(notes[i], text))
			return i;
	if (n_notes == MAX_NOTES)
		return MAX_NOTES - 1;
	fmt(notes[n_notes], sizeof(notes[0]), "%s", text);
	return n_notes++;
}

static void add_result(const char *metric, const char *unit,
		       const char *peer_name, const struct meas *maia,
		       const struct meas *peer, enum goal_kind goal_kind,
		       double goal)
{
	struct result *r;
	char text[320];

	if (n_results == MAX_RESULTS)
		return;
	r = &results[n_results++];
	fmt(r->metric, sizeof(r->metric), "%s", metric);
	r->unit = unit;
	fmt(r->peer_name, sizeof(r->peer_name), "%s", peer_name);
	r->maia = *maia;
	r->peer = *peer;
	r->goal_kind = goal_kind;
	r->goal = goal;
	r->maia_note = r->peer_note = -1;
	if (maia->state != M_OK) {
		fmt(text, sizeof(text), "maia: %s", maia->why);
		r->maia_note = note_add(text);
	}
	if (peer->state != M_OK) {
		fmt(text, sizeof(text), "peer: %s", peer->why);
		r->peer_note = note_add(text);
	}
}

static bool result_ratio(const struct result *r, double *ratio)
{
	if (r->maia.state != M_OK || r->peer.state != M_OK || r->peer.value <= 0)
		return false;
	*ratio = r->maia.value / r->peer.value;
	return true;
}

/* 1 met, 0 missed, -1 no goal or no ratio. */
static int result_met(const struct result *r)
{
	double ratio;

	if (r->goal_kind == GOAL_NONE || !result_ratio(r, &ratio))
		return -1;
	if (r->goal_kind == GOAL_LE)
		return ratio <= r->goal;
	return ratio >= r->goal;
}

static void format_value(char *buf, size_t size, const struct meas *m,
			 int note)
{
	double v = m->value;

	if (m->state == M_OK) {
		if (v >= 1000)
			fmt(buf, size, "%.0f", v);
		else if (v >= 100)
			fmt(buf, size, "%.1f", v);
		else if (v >= 1)
			fmt(buf, size, "%.2f", v);
		else
			fmt(buf, size, "%.4f", v);
	} else {
		fmt(buf, size, "%s[%d]", m->state == M_ERR ? "ERR" : "n/a",
		    note + 1);
	}
}

static void format_goal(char *buf, size_t size, const struct result *r)
{
	if (r->goal_kind == GOAL_NONE)
		fmt(buf, size, "-");
	else
		fmt(buf, size, "%s %.1f", r->goal_kind == GOAL_LE ? "<=" : ">=",
		    r->goal);
}

static void print_table(FILE *f, const char *title)
{
	char maia[24], peer[24], ratio_s[16], goal[16];
	static const char *const met_s[] = { "no", "yes" };
	double ratio;
	int met;

	fprintf(f, "%s\n", title);
	fprintf(f, "%-26s %-8s %12s %12s %8s %7s %-4s %s\n", "metric", "unit",
		"maia", "peer", "ratio", "goal", "met", "peer is");
	for (int i = 0; i < n_results; i++) {
		const struct result *r = &results[i];

		format_value(maia, sizeof(maia), &r->maia, r->maia_note);
		format_value(peer, sizeof(peer), &r->peer, r->peer_note);
		if (result_ratio(r, &ratio))
			fmt(ratio_s, sizeof(ratio_s), "%.3f", ratio);
		else
			fmt(ratio_s, sizeof(ratio_s), "-");
		format_goal(goal, sizeof(goal), r);
		met = result_met(r);
		fprintf(f, "%-26s %-8s %12s %12s %8s %7s %-4s %s\n", r->metric,
			r->unit, maia, peer, ratio_s, goal,
			met < 0 ? "-" : met_s[met], r->peer_name);
	}
	if (n_notes) {
		fprintf(f, "notes:\n");
		for (int i = 0; i < n_notes; i++)
			fprintf(f, "  [%d] %s\n", i + 1, notes[i]);
	}
}

static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void json_meas(FILE *f, const char *key, const struct meas *m)
{
	fprintf(f, "\"%s\": ", key);
	if (m->state == M_OK) {
		fprintf(f, "%.6g, \"%s_error\": null", m->value, key);
	} else {
		fprintf(f, "null, \"%s_error\": ", key);
		json_string(f, m->why);
	}
}

/* @header: already formatted members of the top-level object. */
static void print_json(FILE *f, const char *header)
{
	char goal[16];
	double ratio;
	int met;

	fprintf(f, "{\n%s,\n  \"results\": [\n", header);
	for (int i = 0; i < n_results; i++) {
		const struct result *r = &results[i];

		fprintf(f, "    {\"metric\": ");
		json_string(f, r->metric);
		fprintf(f, ", \"unit\": ");
		json_string(f, r->unit);
		fprintf(f, ", ");
		json_meas(f, "maia", &r->maia);
		fprintf(f, ", \"peer_name\": ");
		json_string(f, r->peer_name);
		fprintf(f, ", ");
		json_meas(f, "peer", &r->peer);
		if (result_ratio(r, &ratio))
			fprintf(f, ", \"ratio\": %.6g", ratio);
		else
			fprintf(f, ", \"ratio\": null");
		format_goal(goal, sizeof(goal), r);
		fprintf(f, ", \"goal\": ");
		if (r->goal_kind == GOAL_NONE)
			fprintf(f, "null");
		else
			json_string(f, goal);
		met = result_met(r);
		fprintf(f, ", \"met\": %s}%s\n",
			met < 0 ? "null" : met ? "true" : "false",
			i + 1 < n_results ? "," : "");
	}
	fprintf(f, "  ],\n  \"notes\": [");
	for (int i = 0; i < n_notes; i++) {
		fprintf(f, "%s", i ? ", " : "");
		json_string(f, notes[i]);
	}
	fprintf(f, "]\n}\n");
}

/* Table or JSON on stdout, JSON to --json-file. Returns the exit status. */
static int report(const struct options *o, const char *title,
		  const char *json_header)
{
	int status = EXIT_ALL_MEASURED;

	for (int i = 0; i < n_results; i++)
		if (results[i].maia.state != M_OK ||
		    results[i].peer.state != M_OK)
			status = EXIT_SOME_MISSING;
	if (o->json)
		print_json(stdout, json_header);
	else
		print_table(stdout, title);
	fflush(stdout);
	if (o->json_file) {
		FILE *f = fopen(o->json_file, "w");

		if (!f) {
			fprintf(stderr, "%s: %s: %s\n", program_name,
				o->json_file, strerror(errno));
			return EXIT_SOME_MISSING;
		}
		print_json(f, json_header);
		if (fclose(f)) {
			fprintf(stderr, "%s: %s: %s\n", program_name,
				o->json_file, strerror(errno));
			return EXIT_SOME_MISSING;
		}
	}
	return status;
}

/* ----------------------------------------------------------------------- */
/* accel: the maia side                                                     */
/* ----------------------------------------------------------------------- */

struct accel {
	struct maia_device *dev;
	struct maia_info info;
	char why[256];		/* why jobs cannot run, "" if they can */
};

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

static bool accel_has_hbm(const struct accel *ac, uint64_t bytes)
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

/* Submit @cb and wait for it. */
static int job_run(struct maia_queue *q, struct maia_cmdbuf *cb,
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
/* accel: the peers                                                         */
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
/* accel: GEMM                                                              */
/* ----------------------------------------------------------------------- */

/* cblas_sbgemm, if the OpenBLAS at hand exports it (Debian 12's does not). */
typedef void (*sbgemm_fn)(enum CBLAS_ORDER, enum CBLAS_TRANSPOSE,
			  enum CBLAS_TRANSPOSE, blasint, blasint, blasint, float,
			  const uint16_t *, blasint, const uint16_t *, blasint,
			  float, float *, blasint);

struct gemm_data {
	unsigned int n;
	float *a, *b;		/* fp32 inputs */
	uint16_t *a16, *b16;	/* the same rounded to bf16 */
	float *ar, *br;		/* bf16 inputs widened back to fp32 */
	float *c32, *c16;	/* CPU results, fp32 and bf16 inputs */
	bool c32_ok, c16_ok;
	sbgemm_fn sbgemm;
	size_t samples[GEMM_SAMPLES];	/* element indices that are checked */
};

static int gemm_data_init(struct gemm_data *g, unsigned int n)
{
	size_t count = (size_t)n * n;
	uint64_t state = 42;

	memset(g, 0, sizeof(*g));
	g->n = n;
	g->a = malloc(count * sizeof(float));
	g->b = malloc(count * sizeof(float));
	g->ar = malloc(count * sizeof(float));
	g->br = malloc(count * sizeof(float));
	g->c32 = calloc(count, sizeof(float));
	g->c16 = calloc(count, sizeof(float));
	g->a16 = malloc(count * sizeof(uint16_t));
	g->b16 = malloc(count * sizeof(uint16_t));
	if (!g->a || !g->b || !g->ar || !g->br || !g->c32 || !g->c16 ||
	    !g->a16 || !g->b16)
		return -ENOMEM;
	for (size_t i = 0; i < count; i++) {
		g->a[i] = rng_float(&state);
		g->b[i] = rng_float(&state);
		g->a16[i] = maia_f32_to_bf16(g->a[i]);
		g->b16[i] = maia_f32_to_bf16(g->b[i]);
		g->ar[i] = maia_bf16_to_f32(g->a16[i]);
		g->br[i] = maia_bf16_to_f32(g->b16[i]);
	}
	/* Corners, then scattered elements. */
	g->samples[0] = 0;
	g->samples[1] = n - 1;
	g->samples[2] = count - n;
	g->samples[3] = count - 1;
	for (int s = 4; s < GEMM_SAMPLES; s++)
		g->samples[s] = rng_next(&state) % count;
	g->sbgemm = (sbgemm_fn)dlsym(RTLD_DEFAULT, "cblas_sbgemm");
	return 0;
}

static void gemm_data_fini(struct gemm_data *g)
{
	free(g->a);
	free(g->b);
	free(g->ar);
	free(g->br);
	free(g->c32);
	free(g->c16);
	free(g->a16);
	free(g->b16);
}

/*
 * Compare the sampled elements of @c with @ref (or, if NULL, with a double
 * precision dot product of @a and @b). The bound scales with sum |a*b| of
 * the element: far above fp32 rounding of a 1024-term sum, far below what
 * a wrong or missing result gives.
 */
static bool gemm_check(const struct gemm_data *g, const float *c,
		       const float *ref, const float *a, const float *b,
		       char *why, size_t why_size)
{
	unsigned int n = g->n;

	for (int s = 0; s < GEMM_SAMPLES; s++) {
		size_t idx = g->samples[s], i = idx / n, j = idx % n;
		double dot = 0, sum_abs = 0, want, got = (double)c[idx];

		for (size_t k = 0; k < n; k++) {
			double p = (double)a[i * n + k] * (double)b[k * n + j];

			dot += p;
			sum_abs += fabs(p);
		}
		want = ref ? (double)ref[idx] : dot;
		if (!isfinite(got) || fabs(got - want) > 1e-3 * sum_abs + 1e-6) {
			fmt(why, why_size,
			    "wrong GEMM result: C[%zu][%zu] = %g, CPU gives %g",
			    i, j, got, want);
			return false;
		}
	}
	return true;
}

static void cpu_gemm(struct gemm_data *g, bool bf16, int warm, int reps,
		     struct meas *gflops)
{
	const blasint n = (blasint)g->n;
	float *c = bf16 ? g->c16 : g->c32;
	double *t = calloc(reps, sizeof(*t)), t0, dt;
	char why[200];

	if (!t) {
		meas_fail(gflops, M_ERR, "out of memory");
		return;
	}
	for (int i = 0; i < warm + reps; i++) {
		t0 = now_s();
		if (!bf16)
			cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n,
				    n, n, 1.0f, g->a, n, g->b, n, 0.0f, c, n);
		else if (g->sbgemm)
			g->sbgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n,
				  n, n, 1.0f, g->a16, n, g->b16, n, 0.0f, c, n);
		else
			cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n,
				    n, n, 1.0f, g->ar, n, g->br, n, 0.0f, c, n);
		dt = now_s() - t0;
		if (i >= warm)
			t[i - warm] = dt;
	}
	if (!gemm_check(g, c, NULL, bf16 ? g->ar : g->a, bf16 ? g->br : g->b,
			why, sizeof(why))) {
		meas_fail(gflops, M_ERR, "OpenBLAS: %s", why);
	} else {
		meas_ok(gflops, 2.0 * n * n * n / median(t, reps) / 1e9);
		if (bf16)
			g->c16_ok = true;
		else
			g->c32_ok = true;
	}
	free(t);
}

static void maia_gemm_bench(struct accel *ac, struct gemm_data *g,
			    enum maia_dtype dtype, int warm, int reps,
			    struct meas *gflops)
{
	const bool bf16 = dtype == MAIA_TYPE_BF16;
	const size_t count = (size_t)g->n * g->n;
	const size_t in_bytes = count * (bf16 ? 2 : 4), c_bytes = count * 4;
	struct maia_bo *bo[3] = { NULL, NULL, NULL };
	struct maia_gemm_desc desc = { 0 };
	struct maia_cmdbuf *cb = NULL;
	struct maia_queue *q = NULL;
	double *t = NULL, t0, dt;
	void *p[3];
	uint32_t flags;
	char why[200];
	int ret = 0;

	if (ac->why[0]) {
		meas_fail(gflops, M_ERR, "%s", ac->why);
		return;
	}
	t = calloc(reps, sizeof(*t));
	if (!t) {
		meas_fail(gflops, M_ERR, "out of memory");
		return;
	}
	/* Operands resident on the device, as an application keeps them. */
	flags = accel_has_hbm(ac, 2 * in_bytes + c_bytes + (4 << 20)) ?
		MAIA_BO_HBM : 0;
	for (int i = 0; i < 3 && !ret; i++)
		ret = maia_bo_create_bound(ac->dev, i < 2 ? in_bytes : c_bytes,
					   flags, &bo[i]);
	for (int i = 0; i < 3 && !ret; i++)
		ret = maia_bo_map(bo[i], &p[i]);
	if (ret) {
		meas_fail(gflops, M_ERR, "GEMM buffers: %s", maia_strerror(ret));
		goto out;
	}
	memcpy(p[0], bf16 ? (void *)g->a16 : (void *)g->a, in_bytes);
	memcpy(p[1], bf16 ? (void *)g->b16 : (void *)g->b, in_bytes);
	memset(p[2], 0, c_bytes);

	desc.dtype = dtype;
	desc.m = desc.n = desc.k = g->n;
	desc.a = maia_bo_va(bo[0]);
	desc.b = maia_bo_va(bo[1]);
	desc.c = maia_bo_va(bo[2]);
	desc.alpha = 1.0f;
	desc.beta = 0.0f;
	ret = maia_queue_create(ac->dev, MAIA_PRIORITY_NORMAL, &q);
	if (!ret)
		ret = maia_cmdbuf_create(ac->dev, 1, &cb);
	if (!ret)
		ret = maia_cmd_gemm(cb, &desc);
	if (ret) {
		meas_fail(gflops, M_ERR, "building the GEMM job: %s",
			  maia_strerror(ret));
		goto out;
	}
	for (int i = 0; i < warm + reps; i++) {
		t0 = now_s();
		if (job_run(q, cb, bo, 3, why, sizeof(why))) {
			meas_fail(gflops, M_ERR, "GEMM %s", why);
			goto out;
		}
		dt = now_s() - t0;
		if (i >= warm)
			t[i - warm] = dt;
		if (i == 0 &&
		    !gemm_check(g, p[2], (bf16 ? g->c16_ok : g->c32_ok) ?
					 (bf16 ? g->c16 : g->c32) : NULL,
				bf16 ? g->ar : g->a, bf16 ? g->br : g->b, why,
				sizeof(why))) {
			meas_fail(gflops, M_ERR, "%s", why);
			goto out;
		}
	}
	meas_ok(gflops, 2.0 * g->n * g->n * g->n / median(t, reps) / 1e9);
out:
	maia_cmdbuf_destroy(cb);
	maia_queue_destroy(q);
	for (int i = 2; i >= 0; i--)
		maia_bo_destroy(bo[i]);
	free(t);
}

/* ----------------------------------------------------------------------- */
/* accel                                                                    */
/* ----------------------------------------------------------------------- */

static int run_accel(const struct options *o)
{
	const int rounds = o->quick ? 2 : 4;
	const int lat_warm = o->quick ? 20 : 200;
	const int lat_runs = o->quick ? 200 : 2000;
	const unsigned int qd_ops = o->quick ? 1000 : 8000;
	const int bw_warm = 1, bw_reps = o->quick ? 2 : 5;
	const int gemm_warm = o->quick ? 0 : 1, gemm_reps = o->quick ? 1 : 3;
	struct meas m_med, m_mean, m_qd1, m_qd, p_med, p_mean, p_qd1, p_qd;
	struct meas m_copy_host, m_copy_hbm, p_copy, m_g32, m_g16, p_g32, p_g16;
	char title[512], header[1024], nvme_name[PATH_MAX + 32], dev_desc[160];
	char bf16_peer[96];
	struct lat_set ml = { 0 }, pl = { 0 };
	struct rate_set mq = { 0 }, pq = { 0 };
	struct nop_job nj = { 0 };
	struct gemm_data g;
	struct accel ac;
	struct nvme nv;
	char why[256];
	int status;

	openblas_set_num_threads(1);
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

	if (gemm_data_init(&g, GEMM_DIM)) {
		meas_fail(&p_g32, M_ERR, "out of memory");
		p_g16 = m_g32 = m_g16 = p_g32;
	} else {
		progress("GEMM %d^3 fp32 and bf16 (OpenBLAS, 1 thread)",
			 GEMM_DIM);
		cpu_gemm(&g, false, gemm_warm, gemm_reps, &p_g32);
		cpu_gemm(&g, true, gemm_warm, gemm_reps, &p_g16);
		progress("GEMM %d^3 fp32 and bf16 (maia)", GEMM_DIM);
		maia_gemm_bench(&ac, &g, MAIA_TYPE_FP32, gemm_warm, gemm_reps,
				&m_g32);
		maia_gemm_bench(&ac, &g, MAIA_TYPE_BF16, gemm_warm, gemm_reps,
				&m_g16);
	}
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
		   &m_g32, &p_g32, GOAL_GE, 0.5);
	add_result("GEMM 1024^3 bf16", "GFLOP/s", bf16_peer, &m_g16, &p_g16,
		   GOAL_GE, 0.5);
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
	gemm_data_fini(&g);
	nvme_close(&nv);
	maia_close(ac.dev);
	return status;
}

/* ----------------------------------------------------------------------- */
/* link: running commands                                                   */
/* ----------------------------------------------------------------------- */

struct out {
	char *p;
	size_t len, cap;
};

static void out_reset(struct out *o)
{
	o->len = 0;
	if (o->p)
		o->p[0] = '\0';
}

/*
 * Run @argv with stdout and stderr captured in @out (if not NULL), killed
 * after @timeout seconds. Returns the exit status, 128 + signal, -ETIMEDOUT
 * or a negative errno if it could not be started.
 */
static int run_argv(const char *const argv[], double timeout, struct out *out)
{
	double deadline = now_s() + timeout;
	int fds[2], status, null_fd;
	bool timed_out = false;
	char chunk[4096];
	ssize_t got;
	pid_t pid;

	if (out)
		out_reset(out);
	if (pipe2(fds, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -errno;
	}
	if (pid == 0) {
		null_fd = open("/dev/null", O_RDWR);
		dup2(null_fd, 0);
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		execvp(argv[0], (char *const *)argv);
		fprintf(stderr, "%s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(fds[1]);
	for (;;) {
		struct pollfd pfd = { .fd = fds[0], .events = POLLIN };
		double left = deadline - now_s();
		int r;

		if (left <= 0) {
			kill(pid, SIGKILL);
			timed_out = true;
			break;
		}
		r = poll(&pfd, 1, (int)(left * 1000) + 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			continue;
		got = read(fds[0], chunk, sizeof(chunk));
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		if (out) {
			if (out->len + got + 1 > out->cap) {
				size_t cap = (out->cap ? out->cap : 8192);
				char *p;

				while (cap < out->len + got + 1)
					cap *= 2;
				p = realloc(out->p, cap);
				if (!p)
					continue;
				out->p = p;
				out->cap = cap;
			}
			memcpy(out->p + out->len, chunk, got);
			out->len += got;
			out->p[out->len] = '\0';
		}
	}
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (timed_out)
		return -ETIMEDOUT;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

#define MAX_ARGS	32

/* Last non-empty line of @out, for error messages. */
static void last_line(const struct out *out, char *buf, size_t size)
{
	const char *end, *start;

	buf[0] = '\0';
	if (!out->p || !out->len)
		return;
	end = out->p + out->len;
	while (end > out->p && isspace((unsigned char)end[-1]))
		end--;
	start = end;
	while (start > out->p && start[-1] != '\n')
		start--;
	fmt(buf, size, "%.*s", (int)(end - start), start);
}

static void argv_text(const char *const argv[], char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; argv[i] && used + 1 < size; i++) {
		fmt(buf + used, size - used, "%s%s", i ? " " : "", argv[i]);
		used = strlen(buf);
	}
}

/* Run a NULL-terminated command; on failure describe it in @why. */
static bool cmd(char *why, size_t why_size, const char *arg0, ...)
	__attribute__((sentinel));
static bool cmd(char *why, size_t why_size, const char *arg0, ...)
{
	const char *argv[MAX_ARGS + 1];
	struct out out = { 0 };
	char line[200], text[200];
	va_list ap;
	int n = 0, rc;

	argv[n++] = arg0;
	va_start(ap, arg0);
	while (n < MAX_ARGS && (argv[n] = va_arg(ap, const char *)))
		n++;
	va_end(ap);
	argv[n] = NULL;
	rc = run_argv(argv, 30, &out);
	if (rc && why) {
		argv_text(argv, text, sizeof(text));
		last_line(&out, line, sizeof(line));
		if (rc == -ETIMEDOUT)
			fmt(why, why_size, "'%s' timed out", text);
		else if (rc < 0)
			fmt(why, why_size, "'%s': %s", text, strerror(-rc));
		else
			fmt(why, why_size, "'%s' failed: %s", text,
			    line[0] ? line : "(no output)");
	}
	free(out.p);
	return rc == 0;
}

/* ----------------------------------------------------------------------- */
/* link: interfaces                                                         */
/* ----------------------------------------------------------------------- */

struct netif {
	char name[IFNAMSIZ];
	char dev[PATH_MAX];	/* realpath of /sys/class/net/NAME/device */
	char driver[64];
	int port;		/* dev_port */
};

static int read_sysfs_int(const char *path, int fallback)
{
	FILE *f = fopen(path, "r");
	int v;

	if (!f)
		return fallback;
	if (fscanf(f, "%i", &v) != 1)
		v = fallback;
	fclose(f);
	return v;
}

static int netif_list(struct netif **list)
{
	char path[PATH_MAX], link[PATH_MAX];
	struct netif *v = NULL, *nv;
	struct dirent *de;
	int n = 0;
	ssize_t len;
	DIR *d;

	d = opendir("/sys/class/net");
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		struct netif nif = { 0 };

		if (de->d_name[0] == '.' || strlen(de->d_name) >= IFNAMSIZ)
			continue;
		fmt(path, sizeof(path), "/sys/class/net/%s/device", de->d_name);
		if (!realpath(path, nif.dev))
			continue;	/* virtual interface */
		fmt(nif.name, sizeof(nif.name), "%s", de->d_name);
		fmt(path, sizeof(path), "/sys/class/net/%s/device/driver",
		    de->d_name);
		len = readlink(path, link, sizeof(link) - 1);
		if (len > 0) {
			link[len] = '\0';
			fmt(nif.driver, sizeof(nif.driver), "%s",
			    strrchr(link, '/') ? strrchr(link, '/') + 1 : link);
		}
		fmt(path, sizeof(path), "/sys/class/net/%s/dev_port", de->d_name);
		nif.port = read_sysfs_int(path, 0);
		nv = realloc(v, (n + 1) * sizeof(*v));
		if (!nv)
			break;
		v = nv;
		v[n++] = nif;
	}
	closedir(d);
	*list = v;
	return n;
}

static int cmp_netif(const void *a, const void *b)
{
	const struct netif *x = a, *y = b;
	int c = strcmp(x->dev, y->dev);

	if (c)
		return c;
	if (x->port != y->port)
		return x->port - y->port;
	return strcmp(x->name, y->name);
}

static bool is_maia_port(const struct netif *nif)
{
	const char *base = strrchr(nif->dev, '/');

	return base && !strncmp(base + 1, "maia_core.link.", 15);
}

/* Does the maia port @nif belong to accel@index (same PCI function)? */
static bool maia_port_of(const struct netif *nif, unsigned int index)
{
	char path[PATH_MAX], pci[PATH_MAX];
	size_t len;

	fmt(path, sizeof(path), "/sys/class/accel/accel%u/device", index);
	if (!realpath(path, pci))
		return false;
	len = strlen(pci);
	return !strncmp(nif->dev, pci, len) && nif->dev[len] == '/';
}

/* ----------------------------------------------------------------------- */
/* link                                                                     */
/* ----------------------------------------------------------------------- */

struct pair {
	const char *kind;	/* "maia", "virtio-net", "igb" */
	const char *ns;		/* netns of the second interface */
	const char *net;	/* first three octets of the /24 */
	char a[IFNAMSIZ], b[IFNAMSIZ];
	char addr_a[16], addr_b[16];
	char why[256];		/* why the pair cannot be measured */
	bool ns_made;
	pid_t server;
	struct series *tcp, *udp, *ping, *retr;
};

#define MAX_ROUNDS	8

/* One metric of one pair over the rounds. */
struct series {
	double v[MAX_ROUNDS];
	int n;
	enum meas_state state;	/* M_OK until a round fails */
	char why[256];
};

static struct series series[4 * 3];

static struct pair pairs[] = {
	{ .kind = "maia", .ns = "mbench-maia", .net = "10.77.0",
	  .tcp = &series[0], .udp = &series[1], .ping = &series[2],
	  .retr = &series[3] },
	{ .kind = "virtio-net", .ns = "mbench-virtio", .net = "10.78.0",
	  .tcp = &series[4], .udp = &series[5], .ping = &series[6],
	  .retr = &series[7] },
	{ .kind = "igb", .ns = "mbench-igb", .net = "10.79.0",
	  .tcp = &series[8], .udp = &series[9], .ping = &series[10],
	  .retr = &series[11] },
};
#define N_PAIRS	(sizeof(pairs) / sizeof(pairs[0]))

static void pair_find(const struct options *o, struct netif *nifs, int n)
{
	struct pair *p;
	int found[N_PAIRS] = { 0 };
	const char *first_dev = NULL;

	qsort(nifs, n, sizeof(*nifs), cmp_netif);
	for (int i = 0; i < n; i++) {
		const struct netif *nif = &nifs[i];
		int k;

		if (is_maia_port(nif)) {
			if (o->device_set ? !maia_port_of(nif, o->device) :
			    (first_dev && strcmp(first_dev, nif->dev)))
				continue;
			first_dev = nif->dev;
			k = 0;
		} else if (!strcmp(nif->driver, "virtio_net")) {
			k = 1;
		} else if (!strcmp(nif->driver, "igb")) {
			k = 2;
		} else {
			continue;
		}
		p = &pairs[k];
		if (found[k] == 0)
			fmt(p->a, sizeof(p->a), "%s", nif->name);
		else if (found[k] == 1)
			fmt(p->b, sizeof(p->b), "%s", nif->name);
		found[k]++;
	}
	for (size_t k = 0; k < N_PAIRS; k++) {
		p = &pairs[k];
		fmt(p->addr_a, sizeof(p->addr_a), "%s.1", p->net);
		fmt(p->addr_b, sizeof(p->addr_b), "%s.2", p->net);
		if (found[k] >= 2)
			continue;
		if (k == 0)
			fmt(p->why, sizeof(p->why),
			    "%s: found %d maia port netdev(s)%s, need 2",
			    p->kind, found[k],
			    o->device_set ? " of --device" : "");
		else
			fmt(p->why, sizeof(p->why),
			    "%s: found %d interface(s) with driver %s, need 2",
			    p->kind, found[k], k == 1 ? "virtio_net" : "igb");
	}
}

static bool link_is_up(const char *ns, const char *ifname)
{
	const char *argv[] = { "ip", "-n", ns, "-o", "link", "show", "dev",
			       ifname, NULL };
	struct out out = { 0 };
	bool up;

	if (!ns)
		memmove(argv + 1, argv + 3, 6 * sizeof(*argv));
	up = run_argv(argv, 10, &out) == 0 && out.p &&
	     strstr(out.p, "LOWER_UP");
	free(out.p);
	return up;
}

static const char *ping_argv0[2];

static void ping_setup(void)
{
	const char *path = getenv("PATH");
	char buf[PATH_MAX];

	if (!path)
		path = "/usr/bin:/bin:/usr/sbin:/sbin";
	while (*path) {
		size_t len = strcspn(path, ":");

		fmt(buf, sizeof(buf), "%.*s/ping", (int)len, path);
		if (len && !access(buf, X_OK)) {
			ping_argv0[0] = "ping";
			return;
		}
		path += len + (path[len] == ':');
	}
	/* iputils-ping is not installed: busybox has a ping applet. */
	ping_argv0[0] = "busybox";
	ping_argv0[1] = "ping";
}

/* ping @count times every @interval; output in @out. */
static int ping_run(const char *addr, const char *count, const char *interval,
		    const char *wait, struct out *out, double timeout)
{
	const char *argv[16];
	int n = 0;

	for (int i = 0; i < 2 && ping_argv0[i]; i++)
		argv[n++] = ping_argv0[i];
	argv[n++] = "-q";
	argv[n++] = "-c";
	argv[n++] = count;
	if (interval) {
		argv[n++] = "-i";
		argv[n++] = interval;
	}
	if (wait) {
		argv[n++] = "-W";
		argv[n++] = wait;
	}
	argv[n++] = addr;
	argv[n] = NULL;
	return run_argv(argv, timeout, out);
}

static bool pair_setup(struct pair *p)
{
	char *why = p->why;
	size_t ws = sizeof(p->why);
	char cidr_a[24], cidr_b[24];
	struct out out = { 0 };
	double deadline;
	bool ok = false;

	fmt(cidr_a, sizeof(cidr_a), "%s/24", p->addr_a);
	fmt(cidr_b, sizeof(cidr_b), "%s/24", p->addr_b);
	cmd(NULL, 0, "ip", "netns", "del", p->ns, NULL);	/* leftover */
	if (!cmd(why, ws, "ip", "netns", "add", p->ns, NULL))
		return false;
	p->ns_made = true;
	if (!cmd(why, ws, "ip", "link", "set", "dev", p->b, "netns", p->ns, NULL) ||
	    !cmd(why, ws, "ip", "addr", "flush", "dev", p->a, NULL) ||
	    !cmd(why, ws, "ip", "addr", "add", cidr_a, "dev", p->a, NULL) ||
	    !cmd(why, ws, "ip", "link", "set", "dev", p->a, "up", NULL) ||
	    !cmd(why, ws, "ip", "-n", p->ns, "link", "set", "dev", "lo", "up",
		 NULL) ||
	    !cmd(why, ws, "ip", "-n", p->ns, "addr", "add", cidr_b, "dev", p->b,
		 NULL) ||
	    !cmd(why, ws, "ip", "-n", p->ns, "link", "set", "dev", p->b, "up",
		 NULL))
		return false;

	deadline = now_s() + 10;
	while (!(link_is_up(NULL, p->a) && link_is_up(p->ns, p->b))) {
		if (now_s() > deadline) {
			fmt(why, ws, "%s: no carrier on %s/%s after 10 s",
			    p->kind, p->a, p->b);
			return false;
		}
		sleep_s(0.1);
	}
	/* First contact also resolves the neighbours. */
	deadline = now_s() + 15;
	while (!ok) {
		ok = ping_run(p->addr_b, "1", NULL, "1", &out, 10) == 0;
		if (!ok && now_s() > deadline) {
			fmt(why, ws, "%s: %s does not answer ping from %s",
			    p->kind, p->addr_b, p->a);
			break;
		}
	}
	free(out.p);
	return ok;
}

static void pair_server_stop(struct pair *p)
{
	int status;

	if (p->server > 0) {
		kill(p->server, SIGTERM);
		waitpid(p->server, &status, 0);
		p->server = 0;
	}
}

static void pair_teardown(struct pair *p)
{
	pair_server_stop(p);
	if (p->ns_made) {
		/* Physical interfaces go back to the root namespace. */
		cmd(NULL, 0, "ip", "netns", "del", p->ns, NULL);
		p->ns_made = false;
	}
	if (p->a[0]) {
		cmd(NULL, 0, "ip", "addr", "flush", "dev", p->a, NULL);
		cmd(NULL, 0, "ip", "link", "set", "dev", p->a, "down", NULL);
	}
}

static void link_signal(int sig)
{
	for (size_t k = 0; k < N_PAIRS; k++)
		pair_teardown(&pairs[k]);
	signal(sig, SIG_DFL);
	raise(sig);
}

static pid_t server_start(struct pair *p)
{
	pid_t pid = fork();
	int fd;

	if (pid == 0) {
		fd = open("/dev/null", O_RDWR);
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		/* ip execs iperf3 in its place: same pid. */
		execlp("ip", "ip", "netns", "exec", p->ns, "iperf3", "-s", "-B",
		       p->addr_b, (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* The object that follows "key": in [text, end), or NULL. */
static const char *json_find(const char *text, const char *end,
			     const char *key)
{
	char quoted[64];
	const char *p;
	size_t len;

	fmt(quoted, sizeof(quoted), "\"%s\"", key);
	len = strlen(quoted);
	for (p = text; p && p + len <= end; p++) {
		p = strstr(p, quoted);
		if (!p || p + len > end)
			return NULL;
		p += len;
		while (isspace((unsigned char)*p))
			p++;
		if (*p == ':') {
			p++;
			while (isspace((unsigned char)*p))
				p++;
			return p;
		}
	}
	return NULL;
}

static bool json_number(const char *text, const char *end, const char *key,
			double *v)
{
	const char *p = json_find(text, end, key);
	char *stop;

	if (!p)
		return false;
	*v = strtod(p, &stop);
	return stop != p;
}

/* End of the object starting at @p ('{'), naive about braces in strings. */
static const char *json_object_end(const char *p)
{
	int depth = 0;

	for (; *p; p++) {
		if (*p == '{')
			depth++;
		else if (*p == '}' && --depth == 0)
			return p;
	}
	return p;
}

static void iperf_error(const char *json, char *buf, size_t size)
{
	const char *p = json_find(json, json + strlen(json), "error");
	size_t len;

	if (!p || *p != '"') {
		fmt(buf, size, "unexpected output");
		return;
	}
	p++;
	len = strcspn(p, "\"");
	fmt(buf, size, "%.*s", (int)len, p);
}

/* One iperf3 client run against the server in the pair's namespace. */
static void series_add(struct series *sr, double v)
{
	if (sr->state == M_OK && sr->n < MAX_ROUNDS)
		sr->v[sr->n++] = v;
}

/* Median over the rounds. */
static void series_finish(struct series *sr, struct meas *m)
{
	if (sr->state != M_OK || sr->n == 0)
		meas_fail(m, sr->state == M_OK ? M_ERR : sr->state, "%s",
			  sr->why[0] ? sr->why : "nothing measured");
	else
		meas_ok(m, median(sr->v, sr->n));
}

static void pair_iperf(struct pair *p, bool udp, int secs, int omit,
		       struct series *sr, struct series *retr)
{
	struct meas mm, *m = &mm;
	double retrans;
	char t[16], o[16], timeout_ms[16] = "3000", err[200];
	const char *argv[MAX_ARGS];
	const char *sum, *sum_end;
	struct out out = { 0 };
	double bps, packets, lost, seconds;
	int n = 0, rc = -1;

	fmt(t, sizeof(t), "%d", secs);
	fmt(o, sizeof(o), "%d", omit);
	argv[n++] = "iperf3";
	argv[n++] = "-c";
	argv[n++] = p->addr_b;
	argv[n++] = "-B";
	argv[n++] = p->addr_a;
	argv[n++] = "-J";
	argv[n++] = "-t";
	argv[n++] = t;
	argv[n++] = "-O";
	argv[n++] = o;
	argv[n++] = "--connect-timeout";
	argv[n++] = timeout_ms;
	if (udp) {
		argv[n++] = "-u";
		argv[n++] = "-l";
		argv[n++] = "64";
		argv[n++] = "-b";
		argv[n++] = "0";
	}
	argv[n] = NULL;
	/* The server may still be starting: retry while it refuses. */
	for (int attempt = 0; attempt < 20; attempt++) {
		rc = run_argv(argv, secs + omit + 60, &out);
		if (!out.p || !strstr(out.p, "unable to connect"))
			break;
		sleep_s(0.25);
	}
	if (rc == -ETIMEDOUT) {
		meas_fail(m, M_ERR, "%s: iperf3 did not finish", p->kind);
		goto out;
	}
	/* iperf3 -J may report an error with exit status 0. */
	if (rc != 0 || !out.p ||
	    json_find(out.p, out.p + out.len, "error")) {
		iperf_error(out.p ? out.p : "", err, sizeof(err));
		meas_fail(m, M_ERR, "%s: iperf3%s: %s", p->kind,
			  udp ? " -u" : "", err);
		goto out;
	}
	sum = json_find(out.p, out.p + out.len, "end");
	if (sum)
		sum = json_find(sum, out.p + out.len, "sum_received");
	if (!sum && udp) {	/* older iperf3: UDP has only "sum" */
		sum = json_find(out.p, out.p + out.len, "end");
		if (sum)
			sum = json_find(sum, out.p + out.len, "sum");
	}
	if (!sum || *sum != '{') {
		meas_fail(m, M_ERR, "%s: no summary in iperf3's output", p->kind);
		goto out;
	}
	sum_end = json_object_end(sum);
	if (!udp) {
		if (!json_number(sum, sum_end, "bits_per_second", &bps))
			meas_fail(m, M_ERR, "%s: no bits_per_second", p->kind);
		else
			meas_ok(m, bps / 1e9);
	} else {
		if (!json_number(sum, sum_end, "packets", &packets) ||
		    !json_number(sum, sum_end, "lost_packets", &lost) ||
		    !json_number(sum, sum_end, "seconds", &seconds) ||
		    seconds <= 0)
			meas_fail(m, M_ERR, "%s: no UDP packet counts", p->kind);
		else if (packets - lost <= 0)
			meas_fail(m, M_ERR, "%s: no UDP packet arrived (%.0f sent, %.0f lost)",
				  p->kind, packets, lost);
		else
			meas_ok(m, (packets - lost) / seconds / 1e3);
	}
	if (retr && m->state == M_OK) {
		sum = json_find(out.p, out.p + out.len, "end");
		if (sum)
			sum = json_find(sum, out.p + out.len, "sum_sent");
		if (sum && *sum == '{' &&
		    json_number(sum, json_object_end(sum), "retransmits",
				&retrans))
			series_add(retr, retrans);
	}
out:
	if (m->state == M_OK) {
		series_add(sr, m->value);
	} else if (sr->state == M_OK) {
		sr->state = M_ERR;
		fmt(sr->why, sizeof(sr->why), "%s", m->why);
	}
	free(out.p);
}

static void pair_ping(struct pair *p, int count, struct series *sr)
{
	struct meas mm, *m = &mm;
	char c[16], line[200];
	struct out out = { 0 };
	double mn, avg;
	const char *s;
	int rc;

	fmt(c, sizeof(c), "%d", count);
	rc = ping_run(p->addr_b, c, "0.01", NULL, &out, count * 0.5 + 30);
	s = out.p ? strstr(out.p, "min/avg/max") : NULL;
	if (s)
		s = strchr(s, '=');
	if (!s || sscanf(s + 1, " %lf/%lf", &mn, &avg) != 2) {
		last_line(&out, line, sizeof(line));
		meas_fail(m, M_ERR, "%s: ping %s: %s", p->kind,
			  rc == -ETIMEDOUT ? "timed out" : "failed",
			  line[0] ? line : "no output");
	} else {
		meas_ok(m, avg);
	}
	if (m->state == M_OK) {
		series_add(sr, m->value);
	} else if (sr->state == M_OK) {
		sr->state = M_ERR;
		fmt(sr->why, sizeof(sr->why), "%s", m->why);
	}
	free(out.p);
}

/* Set a pair up and start its iperf3 server; false with p->why if not. */
static bool pair_start(struct pair *p)
{
	struct series *all[] = { p->tcp, p->udp, p->ping, p->retr };

	for (int i = 0; i < 4; i++)
		all[i]->state = M_OK;
	if (!p->why[0]) {
		progress("%s: %s <-> %s (netns %s), %s.0/24", p->kind, p->a,
			 p->b, p->ns, p->net);
		if (pair_setup(p)) {
			p->server = server_start(p);
			if (p->server < 0) {
				fmt(p->why, sizeof(p->why), "fork: %s",
				    strerror(errno));
				p->server = 0;
			}
		}
	}
	if (!p->why[0])
		return true;
	for (int i = 0; i < 4; i++) {
		/* A missing interface is n/a, a broken one an error. */
		all[i]->state = strstr(p->why, ": found ") ? M_NA : M_ERR;
		fmt(all[i]->why, sizeof(all[i]->why), "%s", p->why);
	}
	pair_teardown(p);
	return false;
}

static int run_link(const struct options *o)
{
	const int rounds = o->quick ? 1 : 3;
	const int secs = o->quick ? 3 : 5, omit = o->quick ? 0 : 1;
	const int pings = o->quick ? 50 : 200;
	struct meas tcp[N_PAIRS], udp[N_PAIRS], ping[N_PAIRS], retr[N_PAIRS];
	struct pair *maia = &pairs[0];
	bool ready[N_PAIRS];
	char title[768], header[1024], peer[96], text[320], *h = header;
	struct netif *nifs = NULL;
	size_t left = sizeof(header);
	int n, len;

	ping_setup();
	signal(SIGINT, link_signal);
	signal(SIGTERM, link_signal);
	n = netif_list(&nifs);
	if (n < 0) {
		fprintf(stderr, "%s: /sys/class/net: %s\n", program_name,
			strerror(-n));
		return EXIT_SOME_MISSING;
	}
	pair_find(o, nifs, n);
	free(nifs);
	for (size_t k = 0; k < N_PAIRS; k++)
		ready[k] = pair_start(&pairs[k]);
	/* The pairs take turns, test by test, round by round. */
	for (int r = 0; r < rounds; r++) {
		for (size_t k = 0; k < N_PAIRS; k++) {
			if (!ready[k])
				continue;
			progress("round %d/%d: %s: TCP %d s", r + 1, rounds,
				 pairs[k].kind, secs);
			pair_iperf(&pairs[k], false, secs, omit, pairs[k].tcp,
				   pairs[k].retr);
		}
		for (size_t k = 0; k < N_PAIRS; k++) {
			if (!ready[k])
				continue;
			progress("round %d/%d: %s: UDP 64-byte datagrams %d s",
				 r + 1, rounds, pairs[k].kind, secs);
			pair_iperf(&pairs[k], true, secs, omit, pairs[k].udp,
				   NULL);
		}
		for (size_t k = 0; k < N_PAIRS; k++) {
			if (!ready[k])
				continue;
			progress("round %d/%d: %s: %d pings", r + 1, rounds,
				 pairs[k].kind, pings);
			pair_ping(&pairs[k], pings, pairs[k].ping);
		}
	}
	for (size_t k = 0; k < N_PAIRS; k++) {
		pair_teardown(&pairs[k]);
		series_finish(pairs[k].tcp, &tcp[k]);
		series_finish(pairs[k].udp, &udp[k]);
		series_finish(pairs[k].ping, &ping[k]);
		series_finish(pairs[k].retr, &retr[k]);
	}

	for (size_t k = N_PAIRS - 1; k >= 1; k--) {
		struct pair *peer_pair = &pairs[k];
		enum goal_kind goal = k == 2 ? GOAL_GE : GOAL_NONE;

		fmt(peer, sizeof(peer), "%s %s<->%s", peer_pair->kind,
		    peer_pair->a[0] ? peer_pair->a : "?",
		    peer_pair->b[0] ? peer_pair->b : "?");
		add_result(k == 2 ? "TCP throughput" : "TCP throughput (virtio)",
			   "Gbit/s", peer, &tcp[0], &tcp[k], goal, 1.0);
		add_result(k == 2 ? "TCP retransmits" :
				    "TCP retransmits (virtio)",
			   "seg/run", peer, &retr[0], &retr[k], GOAL_NONE, 0);
		add_result(k == 2 ? "UDP 64B received" :
				    "UDP 64B received (virtio)",
			   "kpkt/s", peer, &udp[0], &udp[k], goal, 1.0);
		add_result(k == 2 ? "ping rtt avg" : "ping rtt avg (virtio)",
			   "ms", peer, &ping[0], &ping[k], GOAL_NONE, 0);
	}
	fmt(text, sizeof(text),
	    "median of %d round(s); each round runs every test on every pair "
	    "in turn (TCP and UDP %d s each, %d pings at 10 ms)", rounds, secs,
	    pings);
	note_add(text);
	fmt(title, sizeof(title),
	    "maia-bench link: maia %s<->%s vs igb %s<->%s and virtio-net "
	    "%s<->%s (second of each pair in its own netns)%s",
	    maia->a[0] ? maia->a : "?", maia->b[0] ? maia->b : "?",
	    pairs[2].a[0] ? pairs[2].a : "?", pairs[2].b[0] ? pairs[2].b : "?",
	    pairs[1].a[0] ? pairs[1].a : "?", pairs[1].b[0] ? pairs[1].b : "?",
	    o->quick ? " (--quick)" : "");
	len = snprintf(h, left, "  \"mode\": \"link\",\n  \"quick\": %s,\n"
		       "  \"pairs\": {", o->quick ? "true" : "false");
	h += len;
	left -= len;
	for (size_t k = 0; k < N_PAIRS; k++) {
		len = snprintf(h, left,
			       "%s\"%s\": {\"a\": \"%s\", \"b\": \"%s\", "
			       "\"subnet\": \"%s.0/24\"}",
			       k ? ", " : "", pairs[k].kind, pairs[k].a,
			       pairs[k].b, pairs[k].net);
		if (len < 0 || (size_t)len >= left)
			break;
		h += len;
		left -= len;
	}
	snprintf(h, left, "}");
	return report(o, title, header);
}

/* ----------------------------------------------------------------------- */
/* main                                                                     */
/* ----------------------------------------------------------------------- */

static void usage(FILE *stream)
{
	fprintf(stream,
		"Usage: %s accel|link [options]\n"
		"Benchmark a Maia accelerator against peers in the same machine.\n"
		"\n"
		"  accel              NOP job latency and rate vs NVMe reads, COPY vs\n"
		"                     memcpy, GEMM 1024^3 vs OpenBLAS (1 thread)\n"
		"  link               iperf3 and ping over two maia ports vs two igb\n"
		"                     and two virtio-net interfaces (uses netns)\n"
		"\n"
		"  -d, --device N     use /dev/accel/accelN (default: first maia)\n"
		"  -n, --nvme DEV     NVMe namespace for the peer (default: first\n"
		"                     /dev/nvme*n1; \"none\" skips it)\n"
		"  -q, --quick        fewer iterations, shorter runs\n"
		"  -j, --json         print JSON instead of the table\n"
		"  -o, --json-file F  also write the JSON to F\n"
		"  -h, --help         show this help\n"
		"\n"
		"Exit status: 0 all metrics measured, 1 some not (see the notes),\n"
		"2 usage error.\n",
		program_name);
}

static bool parse_index(const char *text, unsigned int *index)
{
	unsigned long value;
	char *end;

	if (text[0] < '0' || text[0] > '9')
		return false;
	errno = 0;
	value = strtoul(text, &end, 10);
	if (errno || *end != '\0' || value > UINT_MAX)
		return false;
	*index = (unsigned int)value;
	return true;
}

int main(int argc, char **argv)
{
	static const struct option long_opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "nvme", required_argument, NULL, 'n' },
		{ "quick", no_argument, NULL, 'q' },
		{ "json", no_argument, NULL, 'j' },
		{ "json-file", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct options o = { 0 };
	int c;

	while ((c = getopt_long(argc, argv, "d:n:qjo:h", long_opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (!parse_index(optarg, &o.device)) {
				fprintf(stderr, "%s: invalid device index '%s'\n",
					program_name, optarg);
				return EXIT_USAGE;
			}
			o.device_set = true;
			break;
		case 'n':
			o.nvme = optarg;
			break;
		case 'q':
			o.quick = true;
			break;
		case 'j':
			o.json = true;
			break;
		case 'o':
			o.json_file = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return EXIT_USAGE;
	}
	o.mode = argv[optind];
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(o.mode, "accel"))
		return run_accel(&o);
	if (!strcmp(o.mode, "link"))
		return run_link(&o);
	fprintf(stderr, "%s: unknown mode '%s'\n", program_name, o.mode);
	usage(stderr);
	return EXIT_USAGE;
}
