// SPDX-License-Identifier: GPL-2.0
/*
 * maia_link debugfs: /sys/kernel/debug/maia_link/<pci>-p<port>/
 *
 *   link          link state, lanes, peer, temperature, FEC totals, module
 *                 flags, per-lane TX/RX optical power, bias and flags (read)
 *   regs          the port's control and queue registers (read)
 *   lane_kill     mask of dead lanes (read/write, fault injection)
 *   fiber_pulled  0/1 (read/write, fault injection)
 *   lane_ber      "LANE BER" or "all BER", BER in units of 1e-10 (write);
 *                 one line per lane (read)
 *   temperature   module base temperature, milli-degrees C (read/write)
 *
 * The fault files mirror the device's debug register block (the same
 * faults the QEMU model takes as port<p>-* QOM properties).
 */

#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>
#include <linux/unaligned.h>

#include "maia_link.h"

static struct dentry *maia_link_debugfs_root;

void maia_link_debugfs_init(void)
{
	maia_link_debugfs_root = debugfs_create_dir(MAIA_LINK_DRV_NAME, NULL);
}

void maia_link_debugfs_exit(void)
{
	debugfs_remove_recursive(maia_link_debugfs_root);
}

/*
 * Page 11h lane flags, CMIS byte order: each byte holds one flag for eight
 * lanes (bit = lane within the bank). Listed by name so that tools need
 * not know the module map.
 */
static const struct {
	u8 byte;
	const char *name;
} maia_lane_flags[] = {
	{ 139, "tx_power_high_alarm" },	{ 140, "tx_power_low_alarm" },
	{ 141, "tx_power_high_warn" },	{ 142, "tx_power_low_warn" },
	{ 143, "bias_high_alarm" },	{ 144, "bias_low_alarm" },
	{ 145, "bias_high_warn" },	{ 146, "bias_low_warn" },
	{ 147, "rx_los" },
	{ 149, "rx_power_high_alarm" },	{ 150, "rx_power_low_alarm" },
	{ 151, "rx_power_high_warn" },	{ 152, "rx_power_low_warn" },
};

/*
 * Lane monitors from the module's page 11h: TX/RX power in uW, bias in uA,
 * then the lane's raised flags ("-" when none).
 */
static void maia_dbg_optics(struct seq_file *m, struct maia_port *port)
{
	unsigned int bank, i, f, lane, raised;
	u8 page[128];
	u16 tx, rx, bias;

	for (bank = 0; bank < DIV_ROUND_UP(port->num_lanes, 8); bank++) {
		maia_port_module_read(port, bank, 0x11, 128, 128, page);
		for (i = 0; i < 8; i++) {
			lane = bank * 8 + i;
			if (lane >= port->num_lanes)
				break;
			tx = get_unaligned_be16(page + 154 - 128 + 2 * i);
			bias = get_unaligned_be16(page + 170 - 128 + 2 * i);
			rx = get_unaligned_be16(page + 186 - 128 + 2 * i);
			seq_printf(m, "lane %u: tx_uw %u rx_uw %u bias_ua %u flags",
				   lane, tx / 10, rx / 10, bias * 2);
			raised = 0;
			for (f = 0; f < ARRAY_SIZE(maia_lane_flags); f++) {
				if (!(page[maia_lane_flags[f].byte - 128] & BIT(i)))
					continue;
				seq_printf(m, "%c%s", raised++ ? ',' : ' ',
					   maia_lane_flags[f].name);
			}
			seq_puts(m, raised ? "\n" : " -\n");
		}
	}
}

/* Module-level flags from the lower page (byte 9: temperature). */
static void maia_dbg_module_flags(struct seq_file *m, struct maia_port *port)
{
	static const char * const names[] = {
		"temp_high_alarm", "temp_low_alarm",
		"temp_high_warn", "temp_low_warn",
	};
	unsigned int i, raised = 0;
	u8 lower[128];

	maia_port_module_read(port, 0, 0, 0, 128, lower);
	seq_puts(m, "module_flags:");
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		if (lower[9] & BIT(i))
			seq_printf(m, "%c%s", raised++ ? ',' : ' ', names[i]);
	}
	seq_puts(m, raised ? "\n" : " -\n");
}

static int maia_dbg_link_show(struct seq_file *m, void *unused)
{
	struct maia_port *port = m->private;
	u32 status = maia_port_rd(port, MAIA_P_STATUS);

	/* the name in whatever namespace the netdev is now (tools use it) */
	seq_printf(m, "netdev: %s\n", netdev_name(port->netdev));
	seq_printf(m, "state: %s\n", status & MAIA_P_STATUS_UP ? "up" :
		   FIELD_GET(MAIA_P_STATUS_STATE, status) ==
		   MAIA_LINK_STATE_TRAINING ?
		   "training" : "down");
	seq_printf(m, "reason: %s\n",
		   maia_link_reason_str(FIELD_GET(MAIA_P_STATUS_REASON, status)));
	seq_printf(m, "speed: %u\n", maia_port_rd(port, MAIA_P_SPEED));
	seq_printf(m, "lanes: %lu\n", FIELD_GET(MAIA_P_STATUS_LANES, status));
	seq_printf(m, "lanes_active: 0x%08x\n",
		   maia_port_rd(port, MAIA_P_LANES_ACTIVE));
	seq_printf(m, "lanes_local: 0x%08x\n",
		   maia_port_rd(port, MAIA_P_LANES_LOCAL));
	seq_printf(m, "lanes_peer: 0x%08x\n",
		   maia_port_rd(port, MAIA_P_LANES_PEER));
	seq_printf(m, "lane_rate: %u\n", maia_port_rd(port, MAIA_P_LANE_RATE));
	seq_printf(m, "lane_limit: %u\n", maia_port_rd(port, MAIA_P_LANE_LIMIT));
	seq_printf(m, "fec: %s\n", maia_port_rd(port, MAIA_P_FEC) ==
		   MAIA_FEC_RS ? "rs" : "off");
	seq_printf(m, "peer: %08x%08x port %u\n",
		   maia_port_rd(port, MAIA_P_PEER_SERIAL_HI),
		   maia_port_rd(port, MAIA_P_PEER_SERIAL_LO),
		   maia_port_rd(port, MAIA_P_PEER_PORT));
	seq_printf(m, "link_ups: %u\n", maia_port_rd(port, MAIA_P_LINK_UPS));
	seq_printf(m, "link_downs: %u\n", maia_port_rd(port, MAIA_P_LINK_DOWNS));
	seq_printf(m, "trainings: %u\n", maia_port_rd(port, MAIA_P_TRAININGS));
	seq_printf(m, "temperature_mc: %d\n",
		   (s32)maia_port_rd(port, MAIA_P_TEMP_MC));
	seq_printf(m, "fec_corrected: %llu\n",
		   maia_port_rd64(port, MAIA_P_STAT(MAIA_STAT_FEC_CORRECTED)));
	seq_printf(m, "fec_uncorrectable: %llu\n",
		   maia_port_rd64(port, MAIA_P_STAT(MAIA_STAT_FEC_UNCORRECTABLE)));
	seq_printf(m, "rx_fcs_errors: %llu\n",
		   maia_port_rd64(port, MAIA_P_STAT(MAIA_STAT_RX_FCS_ERRORS)));
	maia_dbg_module_flags(m, port);
	maia_dbg_optics(m, port);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(maia_dbg_link);

static int maia_dbg_regs_show(struct seq_file *m, void *unused)
{
	struct maia_port *port = m->private;
	unsigned int off;

	for (off = 0; off < MAIA_P_QP(MAIA_PORT_QPAIRS, 0); off += 16)
		seq_printf(m, "%03x: %08x %08x %08x %08x\n", off,
			   maia_port_rd(port, off), maia_port_rd(port, off + 4),
			   maia_port_rd(port, off + 8),
			   maia_port_rd(port, off + 12));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(maia_dbg_regs);

static int maia_dbg_lane_kill_get(void *data, u64 *val)
{
	*val = maia_port_rd(data, MAIA_P_DBG_LANE_KILL);
	return 0;
}

static int maia_dbg_lane_kill_set(void *data, u64 val)
{
	struct maia_port *port = data;

	if (port->num_lanes < 32 && val >> port->num_lanes)
		return -EINVAL;
	maia_port_wr(port, MAIA_P_DBG_LANE_KILL, val);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(maia_dbg_lane_kill_fops, maia_dbg_lane_kill_get,
			 maia_dbg_lane_kill_set, "0x%08llx\n");

static int maia_dbg_fiber_get(void *data, u64 *val)
{
	*val = maia_port_rd(data, MAIA_P_DBG_FIBER_PULLED);
	return 0;
}

static int maia_dbg_fiber_set(void *data, u64 val)
{
	if (val > 1)
		return -EINVAL;
	maia_port_wr(data, MAIA_P_DBG_FIBER_PULLED, val);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(maia_dbg_fiber_fops, maia_dbg_fiber_get,
			 maia_dbg_fiber_set, "%llu\n");

/* milli-degrees C, signed: the _SIGNED attribute parses "-5000" */
static int maia_dbg_temp_get(void *data, u64 *val)
{
	*val = (s64)(s32)maia_port_rd(data, MAIA_P_DBG_TEMP_MC);
	return 0;
}

static int maia_dbg_temp_set(void *data, u64 val)
{
	s64 mc = (s64)val;

	if (mc < -40000 || mc > 150000)
		return -EINVAL;
	maia_port_wr(data, MAIA_P_DBG_TEMP_MC, (u32)(s32)mc);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE_SIGNED(maia_dbg_temp_fops, maia_dbg_temp_get,
				maia_dbg_temp_set, "%lld\n");

static int maia_dbg_ber_show(struct seq_file *m, void *unused)
{
	struct maia_port *port = m->private;
	unsigned int l;

	mutex_lock(&port->mod_lock);
	for (l = 0; l < port->num_lanes; l++) {
		maia_port_wr(port, MAIA_P_DBG_LANE_SEL, l);
		seq_printf(m, "%u %u\n", l,
			   maia_port_rd(port, MAIA_P_DBG_LANE_BER));
	}
	mutex_unlock(&port->mod_lock);
	return 0;
}

static int maia_dbg_ber_open(struct inode *inode, struct file *file)
{
	return single_open(file, maia_dbg_ber_show, inode->i_private);
}

static ssize_t maia_dbg_ber_write(struct file *file, const char __user *ubuf,
				  size_t count, loff_t *ppos)
{
	struct maia_port *port = file_inode(file)->i_private;
	unsigned int lane, first, last;
	char buf[48], which[8];
	u32 ber;

	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	if (sscanf(buf, "%7s %u", which, &ber) != 2)
		return -EINVAL;
	if (!strcmp(which, "all")) {
		first = 0;
		last = port->num_lanes - 1;
	} else if (!kstrtouint(which, 10, &lane) && lane < port->num_lanes) {
		first = lane;
		last = lane;
	} else {
		return -EINVAL;
	}
	if (ber > 4000000000u)		/* 0.4 */
		return -EINVAL;
	mutex_lock(&port->mod_lock);
	for (lane = first; lane <= last; lane++) {
		maia_port_wr(port, MAIA_P_DBG_LANE_SEL, lane);
		maia_port_wr(port, MAIA_P_DBG_LANE_BER, ber);
	}
	mutex_unlock(&port->mod_lock);
	return count;
}

static const struct file_operations maia_dbg_ber_fops = {
	.owner = THIS_MODULE,
	.open = maia_dbg_ber_open,
	.read = seq_read,
	.write = maia_dbg_ber_write,
	.llseek = seq_lseek,
	.release = single_release,
};

void maia_port_debugfs_init(struct maia_port *port)
{
	char name[32];

	snprintf(name, sizeof(name), "%s-p%u",
		 pci_name(maia_core_pdev(port->core)), port->index);
	port->debugfs = debugfs_create_dir(name, maia_link_debugfs_root);
	debugfs_create_file("link", 0400, port->debugfs, port,
			    &maia_dbg_link_fops);
	debugfs_create_file("regs", 0400, port->debugfs, port,
			    &maia_dbg_regs_fops);
	debugfs_create_file_unsafe("lane_kill", 0600, port->debugfs, port,
				   &maia_dbg_lane_kill_fops);
	debugfs_create_file_unsafe("fiber_pulled", 0600, port->debugfs, port,
				   &maia_dbg_fiber_fops);
	debugfs_create_file_unsafe("temperature", 0600, port->debugfs, port,
				   &maia_dbg_temp_fops);
	debugfs_create_file("lane_ber", 0600, port->debugfs, port,
			    &maia_dbg_ber_fops);
}

void maia_port_debugfs_fini(struct maia_port *port)
{
	debugfs_remove_recursive(port->debugfs);
	port->debugfs = NULL;
}
