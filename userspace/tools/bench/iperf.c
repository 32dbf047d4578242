// SPDX-License-Identifier: MIT
/*
 * maia-bench: reads the figures out of iperf3's JSON report (-J) with
 * json-c. The report nests per-stream and summary objects that share key
 * names ("bits_per_second" is in every interval), so only a real parser
 * can tell which one is the summary.
 */
#include <stdbool.h>
#include <stddef.h>

#include <json.h>

#include "iperf.h"
#include "report.h"

static struct json_object *member(struct json_object *obj, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(obj, key, &v) ? v : NULL;
}

static bool number(struct json_object *obj, const char *key, double *v)
{
	struct json_object *n = member(obj, key);

	if (!json_object_is_type(n, json_type_double) &&
	    !json_object_is_type(n, json_type_int))
		return false;
	*v = json_object_get_double(n);
	return true;
}

/* The totals over the run, as the receiver counted them. */
static struct json_object *summary(struct json_object *root, bool udp)
{
	struct json_object *end = member(root, "end"), *sum;

	sum = member(end, "sum_received");
	if (!sum && udp)	/* older iperf3: UDP has only "sum" */
		sum = member(end, "sum");
	return json_object_is_type(sum, json_type_object) ? sum : NULL;
}

static enum iperf_status parse(struct json_object *root, bool udp,
			       struct iperf_result *r, char *why,
			       size_t why_size)
{
	struct json_object *error = member(root, "error"), *sum;
	double bps, packets, lost, seconds;

	if (!json_object_is_type(root, json_type_object)) {
		fmt(why, why_size, "unexpected output");
		return IPERF_ERROR;
	}
	/* iperf3 -J may report an error with exit status 0. */
	if (error) {
		fmt(why, why_size, "%s",
		    json_object_is_type(error, json_type_string) ?
		    json_object_get_string(error) : "unexpected output");
		return IPERF_ERROR;
	}
	sum = summary(root, udp);
	if (!sum) {
		fmt(why, why_size, "no summary in iperf3's output");
		return IPERF_NO_RESULT;
	}
	if (!udp) {
		if (!number(sum, "bits_per_second", &bps)) {
			fmt(why, why_size, "no bits_per_second");
			return IPERF_NO_RESULT;
		}
		r->value = bps / 1e9;
		r->has_retransmits = number(member(member(root, "end"),
						   "sum_sent"),
					    "retransmits", &r->retransmits);
		return IPERF_OK;
	}
	/* The receiver's "packets" counts the lost ones too. */
	if (!number(sum, "packets", &packets) ||
	    !number(sum, "lost_packets", &lost) ||
	    !number(sum, "seconds", &seconds) || seconds <= 0) {
		fmt(why, why_size, "no UDP packet counts");
		return IPERF_NO_RESULT;
	}
	if (packets - lost <= 0) {
		fmt(why, why_size, "no UDP packet arrived (%.0f sent, %.0f lost)",
		    packets, lost);
		return IPERF_NO_RESULT;
	}
	r->value = (packets - lost) / seconds / 1e3;
	return IPERF_OK;
}

enum iperf_status iperf_parse(const char *json, bool udp,
			      struct iperf_result *r, char *why,
			      size_t why_size)
{
	struct json_object *root = json ? json_tokener_parse(json) : NULL;
	enum iperf_status status;

	r->value = 0;
	r->has_retransmits = false;
	r->retransmits = 0;
	status = parse(root, udp, r, why, why_size);
	json_object_put(root);
	return status;
}
