// SPDX-License-Identifier: MIT
/*
 * maia-bench reporting: keeps the result table and the notes, and writes
 * them as the aligned table or as JSON. The JSON is written by hand, not
 * through json-c, because its layout (one result per line) and number
 * format are part of what scripts/bench.sh keeps in build/bench/.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

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

void fmt(char *buf, size_t size, const char *format, ...)
{
	va_list ap;

	va_start(ap, format);
	vsnprintf(buf, size, format, ap);
	va_end(ap);
}

void progress(const char *format, ...)
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

double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double mean(const double *v, int n)
{
	double sum = 0;

	for (int i = 0; i < n; i++)
		sum += v[i];
	return sum / n;
}

void meas_ok(struct meas *m, double value)
{
	m->state = M_OK;
	m->value = value;
	m->why[0] = '\0';
}

void meas_fail(struct meas *m, enum meas_state state, const char *format, ...)
{
	va_list ap;

	m->state = state;
	m->value = 0;
	va_start(ap, format);
	vsnprintf(m->why, sizeof(m->why), format, ap);
	va_end(ap);
}

/* The same reason shared by several figures is one note, not several. */
int note_add(const char *text)
{
	for (int i = 0; i < n_notes; i++)
		if (!strcmp(notes[i], text))
			return i;
	if (n_notes == MAX_NOTES)
		return MAX_NOTES - 1;
	fmt(notes[n_notes], sizeof(notes[0]), "%s", text);
	return n_notes++;
}

void add_result(const char *metric, const char *unit, const char *peer_name,
		const struct meas *maia, const struct meas *peer,
		enum goal_kind goal_kind, double goal)
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

/* About four significant digits whatever the magnitude. */
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

/* "KEY": value and "KEY_error": why, one of them null. */
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

int report(const struct options *o, const char *title,
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
