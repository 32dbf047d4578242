// SPDX-License-Identifier: MIT
/*
 * maia-bench: runs other programs (ip, iperf3, ping) for the modes, with
 * a deadline, their output captured for parsing and for error messages.
 * A hung helper must not hang the benchmark, hence poll() and SIGKILL
 * rather than popen().
 */
#define _GNU_SOURCE

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "bench.h"
#include "report.h"
#include "run.h"

static void out_reset(struct out *o)
{
	o->len = 0;
	if (o->p)
		o->p[0] = '\0';
}

int run_argv(const char *const argv[], double timeout, struct out *out,
	     enum run_capture capture)
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
		dup2(capture == RUN_OUT_ONLY ? null_fd : fds[1], 2);
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

void last_line(const struct out *out, char *buf, size_t size)
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

bool cmd(char *why, size_t why_size, const char *arg0, ...)
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
	rc = run_argv(argv, 30, &out, RUN_OUT_AND_ERR);
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
