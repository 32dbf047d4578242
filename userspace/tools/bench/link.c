// SPDX-License-Identifier: MIT
/*
 * maia-bench link mode: the network between the two ports of one maia
 * device against the same between two igb NICs (the goal) and two
 * virtio-net NICs: iperf3 TCP throughput and retransmits, 64-byte UDP
 * packet rate, ping round trip. The second interface of each pair moves
 * into its own network namespace so that traffic crosses the wire rather
 * than the local route; each pair has its own /24 (10.77-79.0.0). Writes
 * the link table. Reconfigures interfaces: meant for the bench VM.
 */
#define _GNU_SOURCE

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "bench.h"
#include "iperf.h"
#include "report.h"
#include "run.h"

/* ----------------------------------------------------------------------- */
/* Interfaces                                                               */
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
/* Pairs                                                                    */
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
	up = run_argv(argv, 10, &out, RUN_OUT_AND_ERR) == 0 && out.p &&
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
	return run_argv(argv, timeout, out, RUN_OUT_AND_ERR);
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

static void series_add(struct series *sr, double v)
{
	if (sr->state == M_OK && sr->n < MAX_ROUNDS)
		sr->v[sr->n++] = v;
}

/* A round's figure, or its failure: the first one is what the table says. */
static void series_record(struct series *sr, const struct meas *m)
{
	if (m->state == M_OK) {
		series_add(sr, m->value);
	} else if (sr->state == M_OK) {
		sr->state = M_ERR;
		fmt(sr->why, sizeof(sr->why), "%s", m->why);
	}
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

/* One iperf3 client run against the server in the pair's namespace. */
static void pair_iperf(struct pair *p, bool udp, int secs, int omit,
		       struct series *sr, struct series *retr)
{
	char t[16], o[16], timeout_ms[16] = "3000", err[200];
	enum iperf_status st = IPERF_ERROR;
	const char *argv[MAX_ARGS];
	struct iperf_result res;
	struct out out = { 0 };
	struct meas m;
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
	/*
	 * The server may still be starting: retry while it refuses. Only
	 * stdout, so that a warning on stderr cannot break the JSON.
	 */
	for (int attempt = 0; attempt < 20; attempt++) {
		rc = run_argv(argv, secs + omit + 60, &out, RUN_OUT_ONLY);
		st = iperf_parse(out.p, udp, &res, err, sizeof(err));
		if (st != IPERF_ERROR || !strstr(err, "unable to connect"))
			break;
		sleep_s(0.25);
	}
	if (rc == -ETIMEDOUT)
		meas_fail(&m, M_ERR, "%s: iperf3 did not finish", p->kind);
	else if (rc != 0 || st == IPERF_ERROR)
		meas_fail(&m, M_ERR, "%s: iperf3%s: %s", p->kind,
			  udp ? " -u" : "",
			  st == IPERF_ERROR ? err : "unexpected output");
	else if (st != IPERF_OK)
		meas_fail(&m, M_ERR, "%s: %s", p->kind, err);
	else
		meas_ok(&m, res.value);
	if (retr && m.state == M_OK && res.has_retransmits)
		series_add(retr, res.retransmits);
	series_record(sr, &m);
	free(out.p);
}

/*
 * The average round trip in ms from the summary of `ping -q`. Neither
 * iputils-ping nor busybox in bookworm has machine-readable output, so
 * this reads the one line both print alike:
 *   rtt min/avg/max/mdev = 0.044/0.059/0.088/0.020 ms      (iputils)
 *   round-trip min/avg/max = 0.059/0.065/0.072 ms          (busybox)
 */
static bool ping_avg_ms(const char *text, double *avg)
{
	const char *s = text ? strstr(text, "min/avg/max") : NULL;
	double mn;

	if (s)
		s = strchr(s, '=');
	return s && sscanf(s + 1, " %lf/%lf", &mn, avg) == 2;
}

static void pair_ping(struct pair *p, int count, struct series *sr)
{
	char c[16], line[200];
	struct out out = { 0 };
	struct meas m;
	double avg;
	int rc;

	fmt(c, sizeof(c), "%d", count);
	rc = ping_run(p->addr_b, c, "0.01", NULL, &out, count * 0.5 + 30);
	if (ping_avg_ms(out.p, &avg)) {
		meas_ok(&m, avg);
	} else {
		last_line(&out, line, sizeof(line));
		meas_fail(&m, M_ERR, "%s: ping %s: %s", p->kind,
			  rc == -ETIMEDOUT ? "timed out" : "failed",
			  line[0] ? line : "no output");
	}
	series_record(sr, &m);
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

int link_run(const struct options *o)
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
