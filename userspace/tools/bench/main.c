// SPDX-License-Identifier: MIT
/*
 * maia-bench: benchmarks of a Maia accelerator, each printed as a ratio
 * against the nearest peer measured side by side in the same machine (in
 * practice the same QEMU VM, see scripts/bench.sh). This file only parses
 * the command line and hands it to the mode named on it; each mode is one
 * line of the table below and one file.
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

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

const char *const program_name = "maia-bench";

struct mode {
	const char *name;
	const char *help;	/* lines of --help, '\n' between them */
	int (*run)(const struct options *o);
};

static const struct mode modes[] = {
	{ "accel", "NOP job latency and rate vs NVMe reads, COPY vs\n"
		   "memcpy, GEMM 1024^3 vs OpenBLAS (1 thread)", accel_run },
	{ "link", "iperf3 and ping over two maia ports vs two igb\n"
		  "and two virtio-net interfaces (uses netns)", link_run },
};
#define N_MODES	(sizeof(modes) / sizeof(modes[0]))

/* Help lines start in this column, under the option texts. */
#define HELP_COLUMN	21

static void usage(FILE *stream)
{
	fprintf(stream, "Usage: %s ", program_name);
	for (size_t i = 0; i < N_MODES; i++)
		fprintf(stream, "%s%s", i ? "|" : "", modes[i].name);
	fprintf(stream, " [options]\n"
		"Benchmark a Maia accelerator against peers in the same machine.\n"
		"\n");
	for (size_t i = 0; i < N_MODES; i++) {
		const char *line = modes[i].help;

		fprintf(stream, "  %-*s", HELP_COLUMN - 2, modes[i].name);
		for (;;) {
			size_t len = strcspn(line, "\n");

			fprintf(stream, "%.*s\n", (int)len, line);
			if (!line[len])
				break;
			line += len + 1;
			fprintf(stream, "%*s", HELP_COLUMN, "");
		}
	}
	fprintf(stream,
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
		"2 usage error.\n");
}

/* Digits only: strtoul alone would take " 1", "-1" and "+1". */
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
	/* Progress on stderr and the table on stdout interleave as they come. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (size_t i = 0; i < N_MODES; i++)
		if (!strcmp(o.mode, modes[i].name))
			return modes[i].run(&o);
	fprintf(stderr, "%s: unknown mode '%s'\n", program_name, o.mode);
	usage(stderr);
	return EXIT_USAGE;
}
