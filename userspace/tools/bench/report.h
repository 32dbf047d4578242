// SPDX-License-Identifier: MIT
/*
 * maia-bench reporting: the one result table all modes fill, and how it is
 * shown (aligned table or JSON, plus --json-file). A figure that could not
 * be measured carries its reason, which becomes a numbered note under the
 * table (ERR[n] or n/a[n]) and a "*_error" member in the JSON.
 */
#ifndef MAIA_BENCH_REPORT_H
#define MAIA_BENCH_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "bench.h"

/* M_NA: nothing to measure here (no peer); M_ERR: measuring failed. */
enum meas_state { M_NA, M_OK, M_ERR };

/* One measured figure, or why there is none. */
struct meas {
	enum meas_state state;
	double value;
	char why[256];
};

/* Which way the maia/peer ratio should go; GOAL_NONE: informational. */
enum goal_kind { GOAL_NONE, GOAL_LE, GOAL_GE };

void meas_ok(struct meas *m, double value);
void meas_fail(struct meas *m, enum meas_state state, const char *format, ...)
	__attribute__((format(printf, 3, 4)));

/* One line of the table; a figure that is not M_OK adds its note. */
void add_result(const char *metric, const char *unit, const char *peer_name,
		const struct meas *maia, const struct meas *peer,
		enum goal_kind goal_kind, double goal);

/* A note not tied to one figure (how it was measured); returns its index. */
int note_add(const char *text);

/*
 * Table (titled @title) or JSON on stdout, JSON to --json-file too.
 * @json_header: the mode's own members of the top-level JSON object,
 * already formatted. Returns the exit status.
 */
int report(const struct options *o, const char *title,
	   const char *json_header);

/* snprintf whose truncation is intended (messages). */
void fmt(char *buf, size_t size, const char *format, ...)
	__attribute__((format(printf, 3, 4)));

/* A progress line on stderr: stdout carries only the result. */
void progress(const char *format, ...) __attribute__((format(printf, 1, 2)));

/* Sorts @v. */
double median(double *v, int n);
double mean(const double *v, int n);

#endif
