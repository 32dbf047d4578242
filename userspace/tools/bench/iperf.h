// SPDX-License-Identifier: MIT
/*
 * maia-bench: the figures of one `iperf3 -c ... -J` run, read from its
 * JSON report.
 */
#ifndef MAIA_BENCH_IPERF_H
#define MAIA_BENCH_IPERF_H

#include <stdbool.h>
#include <stddef.h>

enum iperf_status {
	IPERF_OK,
	IPERF_ERROR,		/* iperf3 failed: @why is its message */
	IPERF_NO_RESULT,	/* a report without the figure: @why says so */
};

struct iperf_result {
	/* TCP: Gbit/s received; UDP: thousands of datagrams received/s */
	double value;
	bool has_retransmits;
	double retransmits;	/* TCP: segments the sender sent again */
};

/*
 * Parse @json, the stdout of iperf3 -J (NULL if there was none), from a
 * TCP run or, if @udp, a UDP one.
 */
enum iperf_status iperf_parse(const char *json, bool udp,
			      struct iperf_result *r, char *why,
			      size_t why_size);

#endif
