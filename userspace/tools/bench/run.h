// SPDX-License-Identifier: MIT
/*
 * maia-bench: running other programs (ip, iperf3, ping) with a deadline and
 * their output captured, for the modes that drive them.
 */
#ifndef MAIA_BENCH_RUN_H
#define MAIA_BENCH_RUN_H

#include <stdbool.h>
#include <stddef.h>

#define MAX_ARGS	32

/* Captured output; NUL-terminated once anything was read. */
struct out {
	char *p;
	size_t len, cap;
};

enum run_capture {
	RUN_OUT_AND_ERR,	/* stderr into @out too: error messages */
	RUN_OUT_ONLY,		/* stderr dropped: output that is parsed */
};

/*
 * Run @argv (stdin /dev/null) with its output captured in @out (if not
 * NULL), killed after @timeout seconds. Returns the exit status,
 * 128 + signal, -ETIMEDOUT or a negative errno if it could not be started.
 */
int run_argv(const char *const argv[], double timeout, struct out *out,
	     enum run_capture capture);

/*
 * Run a NULL-terminated command, stdout and stderr captured, 30 s at most;
 * on failure describe it in @why (unless NULL).
 */
bool cmd(char *why, size_t why_size, const char *arg0, ...)
	__attribute__((sentinel));

/* Last non-empty line of @out, for error messages. */
void last_line(const struct out *out, char *buf, size_t size);

#endif
