// SPDX-License-Identifier: MIT
/*
 * maia-smi: list Maia accelerators and their configuration.
 *
 *   maia-smi                 aligned table of every maia device
 *   maia-smi --json          the same as a JSON array of objects
 *   maia-smi -d N            only /dev/accel/accelN
 *
 * The optical ports table (state, speed, lanes, FEC, optical power) comes
 * from maia_link's debugfs files, so it needs root; without them only the
 * netdev, carrier and speed from sysfs are shown.
 *
 * Exit status: 0 if at least one device was listed, 1 if none was,
 * 2 on a usage error.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <getopt.h>
#include <glob.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "maia.h"

#define EXIT_LISTED	0
#define EXIT_NONE	1
#define EXIT_USAGE	2

static const char *program_name = "maia-smi";

/*
 * Live usage of a device, read from the driver's sysfs attributes and the
 * hwmon device (no ioctl: opening the device would create an address
 * space). A value that cannot be read is -1.
 */
struct usage_row {
	int64_t hbm_used_bytes;
	int64_t utilization_pct;
	int64_t power_mw;
	int64_t temp_mc;
	int64_t jobs_completed;
	int64_t jobs_timed_out;
	int64_t mmu_faults;
	char active_rings[16];
};

static int64_t read_sysfs_int(const char *path)
{
	char buf[64];
	FILE *f = fopen(path, "re");
	int64_t value = -1;

	if (!f)
		return -1;
	if (fgets(buf, sizeof(buf), f))
		value = strtoll(buf, NULL, 0);
	fclose(f);
	return value;
}

static int64_t read_accel_attr(unsigned int index, const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "/sys/class/accel/accel%u/device/%s",
		 index, name);
	return read_sysfs_int(path);
}

/* hwmon hangs off the PCI function, the parent of the accel device. */
static int64_t read_hwmon(unsigned int index, const char *name)
{
	char pattern[256];
	int64_t value = -1;
	glob_t g;

	snprintf(pattern, sizeof(pattern),
		 "/sys/class/accel/accel%u/device/../hwmon/hwmon*/%s", index, name);
	if (glob(pattern, 0, NULL, &g) == 0 && g.gl_pathc > 0)
		value = read_sysfs_int(g.gl_pathv[0]);
	globfree(&g);
	return value;
}

static void read_usage(unsigned int index, struct usage_row *u)
{
	char path[256];
	FILE *f;

	u->hbm_used_bytes = read_accel_attr(index, "hbm_used_bytes");
	u->utilization_pct = read_accel_attr(index, "engine_utilization");
	u->jobs_completed = read_accel_attr(index, "jobs_completed");
	u->jobs_timed_out = read_accel_attr(index, "jobs_timed_out");
	u->mmu_faults = read_accel_attr(index, "mmu_faults");
	u->temp_mc = read_hwmon(index, "temp1_input");
	u->power_mw = read_hwmon(index, "power1_input");
	if (u->power_mw >= 0)
		u->power_mw /= 1000;	/* hwmon reports microwatts */
	snprintf(u->active_rings, sizeof(u->active_rings), "-");
	snprintf(path, sizeof(path),
		 "/sys/class/accel/accel%u/device/active_rings", index);
	f = fopen(path, "re");
	if (f) {
		if (fscanf(f, "%15s", u->active_rings) != 1)
			snprintf(u->active_rings, sizeof(u->active_rings), "-");
		fclose(f);
	}
}

#define MAX_LANES 32

/* One optical port; a value that cannot be read is -1 (or "-"). */
struct port_row {
	unsigned int index;
	char netdev[32];
	char state[16];
	char reason[32];
	int64_t speed_mbps;
	int64_t lanes;
	int64_t lanes_max;
	int64_t temp_mc;
	int64_t fec_corrected;
	int64_t fec_uncorrectable;
	int64_t rx_fcs_errors;
	int64_t tx_power_uw;	/* average over live lanes */
	int64_t rx_power_uw_min;	/* weakest lane */
	struct {
		unsigned int tx_uw, rx_uw, bias_ua;
		char flags[192];	/* comma-separated, "-" if none */
	} lane[MAX_LANES];
	char module_flags[96];
	unsigned int alarms;	/* raised alarm flags (not warnings) */
};

#define MAX_PORTS 4

static void read_port_sysfs(unsigned int index, struct port_row *p)
{
	char pattern[256], path[512];
	glob_t g;

	snprintf(pattern, sizeof(pattern),
		 "/sys/class/accel/accel%u/device/../maia_core.link.*/net/*",
		 index);
	if (glob(pattern, 0, NULL, &g))
		return;
	for (size_t i = 0; i < g.gl_pathc; i++) {
		snprintf(path, sizeof(path), "%s/dev_port", g.gl_pathv[i]);
		if (read_sysfs_int(path) != (int64_t)p->index)
			continue;
		snprintf(p->netdev, sizeof(p->netdev), "%s",
			 strrchr(g.gl_pathv[i], '/') + 1);
		snprintf(path, sizeof(path), "%s/carrier", g.gl_pathv[i]);
		if (!strcmp(p->state, "-"))
			snprintf(p->state, sizeof(p->state), "%s",
				 read_sysfs_int(path) == 1 ? "up" : "down");
		snprintf(path, sizeof(path), "%s/speed", g.gl_pathv[i]);
		if (p->speed_mbps < 0 && read_sysfs_int(path) > 0)
			p->speed_mbps = read_sysfs_int(path);
	}
	globfree(&g);
}

/* Alarm flags in a comma-separated flag list (warnings and LOS excluded). */
static unsigned int count_alarms(const char *flags)
{
	unsigned int n = 0;

	for (const char *f = flags; (f = strstr(f, "_alarm")); f++)
		n++;
	return n;
}

/* maia_link/<pci>-p<port>/link in debugfs: "key: value" lines. */
static void read_port_debugfs(const char *pci, struct port_row *p)
{
	int64_t tx_sum = 0, tx_n = 0, rx_min = -1;
	unsigned int lane, tx, rx, bias;
	char path[256], line[320], text[16], flags[192];
	long long v;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/debug/maia_link/%s-p%u/link",
		 pci, p->index);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "netdev: %31s", p->netdev) == 1)
			continue;
		else if (sscanf(line, "state: %15s", text) == 1)
			snprintf(p->state, sizeof(p->state), "%s", text);
		else if (sscanf(line, "reason: %31[^\n]", p->reason) == 1)
			continue;
		else if (sscanf(line, "speed: %lld", &v) == 1)
			p->speed_mbps = v;
		else if (sscanf(line, "lanes: %lld", &v) == 1)
			p->lanes = v;
		else if (sscanf(line, "temperature_mc: %lld", &v) == 1)
			p->temp_mc = v;
		else if (sscanf(line, "fec_corrected: %lld", &v) == 1)
			p->fec_corrected = v;
		else if (sscanf(line, "fec_uncorrectable: %lld", &v) == 1)
			p->fec_uncorrectable = v;
		else if (sscanf(line, "rx_fcs_errors: %lld", &v) == 1)
			p->rx_fcs_errors = v;
		else if (sscanf(line, "module_flags: %95s", p->module_flags) == 1)
			p->alarms += count_alarms(p->module_flags);
		else if (sscanf(line, "lane %u: tx_uw %u rx_uw %u bias_ua %u flags %191s",
				&lane, &tx, &rx, &bias, flags) == 5 &&
			 lane < MAX_LANES) {
			p->lanes_max = lane + 1;
			p->lane[lane].tx_uw = tx;
			p->lane[lane].rx_uw = rx;
			p->lane[lane].bias_ua = bias;
			snprintf(p->lane[lane].flags, sizeof(p->lane[lane].flags),
				 "%s", flags);
			p->alarms += count_alarms(flags);
			if (tx) {
				tx_sum += tx;
				tx_n++;
			}
			if (rx_min < 0 || rx < rx_min)
				rx_min = rx;
		}
	}
	fclose(f);
	p->tx_power_uw = tx_n ? tx_sum / tx_n : 0;
	p->rx_power_uw_min = rx_min;
}

static unsigned int read_ports(unsigned int index, const char *pci,
			       unsigned int num_ports, struct port_row *ports)
{
	unsigned int n = num_ports < MAX_PORTS ? num_ports : MAX_PORTS;

	for (unsigned int i = 0; i < n; i++) {
		struct port_row *p = &ports[i];

		memset(p, 0, sizeof(*p));
		p->index = i;
		snprintf(p->netdev, sizeof(p->netdev), "-");
		snprintf(p->state, sizeof(p->state), "-");
		snprintf(p->reason, sizeof(p->reason), "-");
		snprintf(p->module_flags, sizeof(p->module_flags), "-");
		p->speed_mbps = p->lanes = p->lanes_max = p->temp_mc = -1;
		p->fec_corrected = p->fec_uncorrectable = -1;
		p->rx_fcs_errors = p->tx_power_uw = p->rx_power_uw_min = -1;
		read_port_debugfs(pci, p);
		read_port_sysfs(index, p);
	}
	return n;
}

/* One listed device, already formatted: the table and JSON share it. */
struct device_row {
	unsigned int index;
	char pci_address[MAIA_PCI_ADDRESS_SIZE];
	char hw_id[16];
	char hw_version[16];
	char serial[24];
	uint64_t hbm_size_bytes;
	char hbm_size[24];
	uint32_t num_rings;
	uint32_t num_ports;
	uint32_t num_lanes;
	char driver_version[48];
	char uapi_version[16];
	struct usage_row usage;
	unsigned int num_link_ports;
	struct port_row ports[MAX_PORTS];
};

static void usage(FILE *stream)
{
	fprintf(stream,
		"Usage: %s [--json] [-d N]\n"
		"List Maia accelerators.\n"
		"\n"
		"  -d, --device N   only show /dev/accel/accelN\n"
		"  -j, --json       print a JSON array instead of a table\n"
		"  -h, --help       show this help\n"
		"\n"
		"Exit status: 0 if a device was listed, 1 if none, 2 on usage error.\n",
		program_name);
}

/* Strict decimal: strtoul alone would accept "-1", " 3" and "3x". */
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

/* Binary units, one decimal only when the size is not a whole unit. */
static void format_size(uint64_t bytes, char *buf, size_t size)
{
	static const char *const units[] = {
		"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB",
	};
	unsigned int unit = 0;
	uint64_t whole = bytes;

	while (whole >= 1024 && unit + 1 < sizeof(units) / sizeof(units[0])) {
		whole /= 1024;
		unit++;
	}
	if (unit == 0 || bytes % ((uint64_t)1 << (10 * unit)) == 0)
		snprintf(buf, size, "%" PRIu64 " %s", whole, units[unit]);
	else
		snprintf(buf, size, "%.1f %s",
			 (double)bytes / (double)((uint64_t)1 << (10 * unit)),
			 units[unit]);
}

static int read_device(unsigned int index, struct device_row *row)
{
	struct maia_device *dev;
	struct maia_info info;
	int ret;

	ret = maia_open_index(index, &dev);
	if (ret)
		return ret;
	ret = maia_get_info(dev, &info);
	maia_close(dev);
	if (ret)
		return ret;

	memset(row, 0, sizeof(*row));
	row->index = info.accel_index;
	snprintf(row->pci_address, sizeof(row->pci_address), "%s",
		 info.pci_address);
	snprintf(row->hw_id, sizeof(row->hw_id), "0x%08" PRIx32, info.hw_id);
	snprintf(row->hw_version, sizeof(row->hw_version), "%u.%u",
		 info.hw_version_major, info.hw_version_minor);
	snprintf(row->serial, sizeof(row->serial), "%016" PRIx64, info.serial);
	row->hbm_size_bytes = info.hbm_size;
	format_size(info.hbm_size, row->hbm_size, sizeof(row->hbm_size));
	row->num_rings = info.num_queues;
	row->num_ports = info.num_ports;
	row->num_lanes = info.num_lanes;
	snprintf(row->driver_version, sizeof(row->driver_version), "%d.%d.%d",
		 info.driver_version_major, info.driver_version_minor,
		 info.driver_version_patchlevel);
	snprintf(row->uapi_version, sizeof(row->uapi_version), "%u.%u",
		 info.uapi_version_major, info.uapi_version_minor);
	return 0;
}

enum { NUM_COLUMNS = 11 };

static const char *const column_titles[NUM_COLUMNS] = {
	"IDX", "PCI", "HW ID", "HW VER", "SERIAL", "HBM",
	"RINGS", "PORTS", "LANES", "DRIVER", "UAPI",
};

/* Numbers read best right-aligned, identifiers left-aligned. */
static const bool column_right_aligned[NUM_COLUMNS] = {
	true, false, false, false, false, true,
	true, true, true, false, false,
};

static void row_cells(const struct device_row *row,
		      char cells[NUM_COLUMNS][48])
{
	snprintf(cells[0], 48, "%u", row->index);
	snprintf(cells[1], 48, "%s", row->pci_address);
	snprintf(cells[2], 48, "%s", row->hw_id);
	snprintf(cells[3], 48, "%s", row->hw_version);
	snprintf(cells[4], 48, "%s", row->serial);
	snprintf(cells[5], 48, "%s", row->hbm_size);
	snprintf(cells[6], 48, "%" PRIu32, row->num_rings);
	snprintf(cells[7], 48, "%" PRIu32, row->num_ports);
	snprintf(cells[8], 48, "%" PRIu32, row->num_lanes);
	snprintf(cells[9], 48, "%s", row->driver_version);
	snprintf(cells[10], 48, "%s", row->uapi_version);
}

static void print_table_line(char cells[NUM_COLUMNS][48],
			     const int widths[NUM_COLUMNS])
{
	for (int col = 0; col < NUM_COLUMNS; col++) {
		const char *separator = col ? "  " : "";

		if (col == NUM_COLUMNS - 1 && !column_right_aligned[col])
			/* No padding after the last column: no trailing blanks. */
			printf("%s%s", separator, cells[col]);
		else
			printf("%s%*s", separator,
			       column_right_aligned[col] ? widths[col] : -widths[col],
			       cells[col]);
	}
	putchar('\n');
}

static void print_table(const struct device_row *rows, size_t count)
{
	char cells[NUM_COLUMNS][48];
	int widths[NUM_COLUMNS];

	for (int col = 0; col < NUM_COLUMNS; col++)
		widths[col] = (int)strlen(column_titles[col]);
	for (size_t i = 0; i < count; i++) {
		row_cells(&rows[i], cells);
		for (int col = 0; col < NUM_COLUMNS; col++)
			if ((int)strlen(cells[col]) > widths[col])
				widths[col] = (int)strlen(cells[col]);
	}

	for (int col = 0; col < NUM_COLUMNS; col++)
		snprintf(cells[col], sizeof(cells[col]), "%s", column_titles[col]);
	print_table_line(cells, widths);
	for (size_t i = 0; i < count; i++) {
		row_cells(&rows[i], cells);
		print_table_line(cells, widths);
	}
}

static void print_usage_table(const struct device_row *rows, size_t count)
{
	printf("\n%3s  %12s  %5s  %8s  %7s  %7s  %12s  %8s  %6s\n", "IDX",
	       "HBM USED", "UTIL", "POWER", "TEMP", "RINGS", "JOBS", "TIMEOUTS",
	       "FAULTS");
	for (size_t i = 0; i < count; i++) {
		const struct usage_row *u = &rows[i].usage;
		char hbm[24] = "-";

		if (u->hbm_used_bytes >= 0)
			format_size((uint64_t)u->hbm_used_bytes, hbm, sizeof(hbm));
		printf("%3u  %12s  %4" PRId64 "%%  %6.1f W  %5.1f C  %7s  %12" PRId64
		       "  %8" PRId64 "  %6" PRId64 "\n", rows[i].index, hbm,
		       u->utilization_pct, u->power_mw / 1000.0, u->temp_mc / 1000.0,
		       u->active_rings, u->jobs_completed, u->jobs_timed_out,
		       u->mmu_faults);
	}
}

static void print_ports_table(const struct device_row *rows, size_t count)
{
	printf("\n%3s  %4s  %-10s  %-8s  %-16s  %9s  %7s  %7s  %8s  %8s  %12s  %12s  %6s\n",
	       "IDX", "PORT", "NETDEV", "LINK", "REASON", "SPEED", "LANES",
	       "TEMP", "TX mW", "RX min", "FEC CORR", "FEC UNCORR", "ALARMS");
	for (size_t i = 0; i < count; i++) {
		for (unsigned int j = 0; j < rows[i].num_link_ports; j++) {
			const struct port_row *p = &rows[i].ports[j];
			char speed[24] = "-", lanes[48] = "-", temp[24] = "-";
			char tx[24] = "-", rx[24] = "-";

			if (p->speed_mbps > 0)
				snprintf(speed, sizeof(speed), "%" PRId64 "G",
					 p->speed_mbps / 1000);
			if (p->lanes >= 0)
				snprintf(lanes, sizeof(lanes), "%" PRId64 "/%" PRId64,
					 p->lanes, p->lanes_max);
			if (p->temp_mc >= 0)
				snprintf(temp, sizeof(temp), "%.1f C",
					 p->temp_mc / 1000.0);
			if (p->tx_power_uw >= 0)
				snprintf(tx, sizeof(tx), "%.3f",
					 p->tx_power_uw / 1000.0);
			if (p->rx_power_uw_min >= 0)
				snprintf(rx, sizeof(rx), "%.3f",
					 p->rx_power_uw_min / 1000.0);
			printf("%3u  %4u  %-10s  %-8s  %-16s  %9s  %7s  %7s  %8s  %8s  %12" PRId64
			       "  %12" PRId64 "  %6u\n", rows[i].index, p->index,
			       p->netdev, p->state, p->reason, speed, lanes, temp,
			       tx, rx, p->fec_corrected, p->fec_uncorrectable,
			       p->alarms);
		}
	}
}

static void print_json_string(const char *text);

/* "a,b" -> ["a", "b"]; "-" or "" -> [] */
static void print_json_flags(const char *flags)
{
	char copy[192], *save = NULL, *tok;
	bool first = true;

	snprintf(copy, sizeof(copy), "%s", flags);
	putchar('[');
	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "-"))
			continue;
		printf("%s", first ? "" : ", ");
		print_json_string(tok);
		first = false;
	}
	putchar(']');
}

static void print_json_string(const char *text)
{
	putchar('"');
	for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
		if (*c == '"' || *c == '\\')
			printf("\\%c", *c);
		else if (*c < 0x20)
			printf("\\u%04x", *c);
		else
			putchar(*c);
	}
	putchar('"');
}

static void print_json(const struct device_row *rows, size_t count)
{
	if (count == 0) {
		printf("[]\n");
		return;
	}
	printf("[\n");
	for (size_t i = 0; i < count; i++) {
		const struct device_row *row = &rows[i];

		printf("  {\"index\": %u, \"pci_address\": ", row->index);
		print_json_string(row->pci_address);
		printf(", \"hw_id\": ");
		print_json_string(row->hw_id);
		printf(", \"hw_version\": ");
		print_json_string(row->hw_version);
		/* A string: 64-bit serials do not survive JSON's doubles. */
		printf(", \"serial\": ");
		print_json_string(row->serial);
		printf(", \"hbm_size_bytes\": %" PRIu64 ", \"hbm_size\": ",
		       row->hbm_size_bytes);
		print_json_string(row->hbm_size);
		printf(", \"num_rings\": %" PRIu32 ", \"num_ports\": %" PRIu32
		       ", \"num_lanes\": %" PRIu32 ", \"driver_version\": ",
		       row->num_rings, row->num_ports, row->num_lanes);
		print_json_string(row->driver_version);
		printf(", \"uapi_version\": ");
		print_json_string(row->uapi_version);
		printf(", \"usage\": {\"hbm_used_bytes\": %" PRId64
		       ", \"engine_utilization_pct\": %" PRId64
		       ", \"power_mw\": %" PRId64 ", \"temperature_mc\": %" PRId64
		       ", \"active_rings\": ", row->usage.hbm_used_bytes,
		       row->usage.utilization_pct, row->usage.power_mw,
		       row->usage.temp_mc);
		print_json_string(row->usage.active_rings);
		printf(", \"jobs_completed\": %" PRId64 ", \"jobs_timed_out\": %" PRId64
		       ", \"mmu_faults\": %" PRId64 "}",
		       row->usage.jobs_completed, row->usage.jobs_timed_out,
		       row->usage.mmu_faults);
		printf(", \"ports\": [");
		for (unsigned int j = 0; j < row->num_link_ports; j++) {
			const struct port_row *p = &row->ports[j];

			printf("%s{\"port\": %u, \"netdev\": ", j ? ", " : "",
			       p->index);
			print_json_string(p->netdev);
			printf(", \"link\": ");
			print_json_string(p->state);
			printf(", \"reason\": ");
			print_json_string(p->reason);
			printf(", \"speed_mbps\": %" PRId64 ", \"lanes_active\": %" PRId64
			       ", \"lanes\": %" PRId64 ", \"temperature_mc\": %" PRId64
			       ", \"tx_power_uw_avg\": %" PRId64
			       ", \"rx_power_uw_min\": %" PRId64
			       ", \"fec_corrected\": %" PRId64
			       ", \"fec_uncorrectable\": %" PRId64
			       ", \"rx_fcs_errors\": %" PRId64 ", \"alarms\": %u",
			       p->speed_mbps, p->lanes, p->lanes_max, p->temp_mc,
			       p->tx_power_uw, p->rx_power_uw_min,
			       p->fec_corrected, p->fec_uncorrectable,
			       p->rx_fcs_errors, p->alarms);
			printf(", \"module_flags\": ");
			print_json_flags(p->module_flags);
			printf(", \"lane\": [");
			for (int64_t l = 0; l < p->lanes_max; l++) {
				printf("%s{\"tx_power_uw\": %u, \"rx_power_uw\": %u"
				       ", \"bias_ua\": %u, \"flags\": ",
				       l ? ", " : "", p->lane[l].tx_uw,
				       p->lane[l].rx_uw, p->lane[l].bias_ua);
				print_json_flags(p->lane[l].flags);
				printf("}");
			}
			printf("]}");
		}
		printf("]");
		printf("}%s\n", i + 1 < count ? "," : "");
	}
	printf("]\n");
}

int main(int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned int *indices = NULL, selected_index = 0;
	struct device_row *rows = NULL;
	bool json = false, one_device = false;
	size_t num_rows = 0;
	int count, option;

	if (argc > 0 && argv[0] && argv[0][0])
		program_name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1
						     : argv[0];

	while ((option = getopt_long(argc, argv, "d:jh", long_options, NULL)) != -1) {
		switch (option) {
		case 'd':
			if (!parse_index(optarg, &selected_index)) {
				fprintf(stderr, "%s: invalid device index '%s'\n",
					program_name, optarg);
				return EXIT_USAGE;
			}
			one_device = true;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			usage(stdout);
			return EXIT_SUCCESS;
		default:
			/* getopt_long has already said what was wrong. */
			fprintf(stderr, "Try '%s --help'.\n", program_name);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", program_name,
			argv[optind]);
		fprintf(stderr, "Try '%s --help'.\n", program_name);
		return EXIT_USAGE;
	}

	if (one_device) {
		count = 1;
		indices = &selected_index;
	} else {
		count = maia_device_indices(NULL, 0);
		if (count < 0) {
			fprintf(stderr, "%s: cannot enumerate devices: %s\n",
				program_name, maia_strerror(count));
			count = 0;
		} else if (count > 0) {
			indices = calloc((size_t)count, sizeof(*indices));
			if (!indices) {
				fprintf(stderr, "%s: out of memory\n", program_name);
				return EXIT_NONE;
			}
			/*
			 * Devices may come or go between the two calls: only
			 * the stored indices can be used, whatever the total.
			 */
			int capacity = count;

			count = maia_device_indices(indices, (unsigned int)capacity);
			if (count < 0)
				count = 0;
			else if (count > capacity)
				count = capacity;
		}
	}

	if (count > 0) {
		rows = calloc((size_t)count, sizeof(*rows));
		if (!rows) {
			fprintf(stderr, "%s: out of memory\n", program_name);
			return EXIT_NONE;
		}
	}
	for (int i = 0; i < count; i++) {
		int ret = read_device(indices[i], &rows[num_rows]);

		if (ret) {
			fprintf(stderr, "%s: accel%u: %s\n", program_name,
				indices[i], maia_strerror(ret));
		} else {
			read_usage(indices[i], &rows[num_rows].usage);
			rows[num_rows].num_link_ports =
				read_ports(indices[i], rows[num_rows].pci_address,
					   rows[num_rows].num_ports,
					   rows[num_rows].ports);
			num_rows++;
		}
	}
	/* Devices that exist but failed were reported above, individually. */
	if (count == 0 && !one_device)
		fprintf(stderr, "no maia devices found\n");

	/* JSON consumers always get an array, even an empty one. */
	if (json)
		print_json(rows, num_rows);
	else if (num_rows) {
		print_table(rows, num_rows);
		print_usage_table(rows, num_rows);
		print_ports_table(rows, num_rows);
	}

	free(rows);
	if (!one_device)
		free(indices);
	return num_rows ? EXIT_LISTED : EXIT_NONE;
}
