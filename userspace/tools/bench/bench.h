// SPDX-License-Identifier: MIT
/*
 * maia-bench: what main.c hands to every mode and what every mode hands
 * back. A mode is one entry point, `int NAME_run(const struct options *)`,
 * listed in the mode table of main.c; it measures, fills the result table
 * (report.h) and returns report()'s exit status.
 */
#ifndef MAIA_BENCH_H
#define MAIA_BENCH_H

#include <errno.h>
#include <stdbool.h>
#include <time.h>

/* The exit statuses promised by --help. */
#define EXIT_ALL_MEASURED	0
#define EXIT_SOME_MISSING	1
#define EXIT_USAGE		2

#define NSEC_PER_SEC		1000000000LL

extern const char *const program_name;

/*
 * Every option of every mode: one parser (main.c) serves all, so that an
 * option means the same in each mode; a mode ignores what it does not use.
 */
struct options {
	const char *mode;
	bool device_set;
	unsigned int device;
	const char *nvme;
	bool quick;
	bool json;
	const char *json_file;
};

/* The modes (main.c's table): one file each. */
int accel_run(const struct options *o);
int link_run(const struct options *o);

/* Monotonic seconds: every duration a mode measures comes from here. */
static inline double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Sleeps the full time even when a signal interrupts it. */
static inline void sleep_s(double secs)
{
	struct timespec ts = {
		.tv_sec = (time_t)secs,
		.tv_nsec = (long)((secs - (double)(time_t)secs) * 1e9),
	};

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

#endif
