// SPDX-License-Identifier: GPL-2.0
/*
 * maia_link ethtool operations: link settings from the active lanes, link
 * down reasons, module memory (CMIS pages served by the device), FEC mode
 * and counters, standard statistics, rings, channels, coalescing, RSS,
 * register dump and self-test.
 */

#include <linux/ethtool.h>
#include <linux/etherdevice.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>

#include "maia_link.h"

/* ethtool -d: the port block from P_CTRL to the end of the queue pairs */
#define MAIA_REGS_DUMP_LEN	MAIA_P_QP(MAIA_PORT_QPAIRS, 0)
#define MAIA_SELFTEST_FRAMES	8

static void maia_get_drvinfo(struct net_device *netdev,
			     struct ethtool_drvinfo *info)
{
	struct maia_port *port = netdev_priv(netdev);
	u32 ver = maia_core_info(port->core)->hw_version;

	strscpy(info->driver, MAIA_LINK_DRV_NAME, sizeof(info->driver));
	strscpy(info->bus_info, pci_name(maia_core_pdev(port->core)),
		sizeof(info->bus_info));
	snprintf(info->fw_version, sizeof(info->fw_version), "%lu.%lu",
		 FIELD_GET(MAIA_VERSION_MAJOR, ver),
		 FIELD_GET(MAIA_VERSION_MINOR, ver));
}

/* Link settings --------------------------------------------------------------- */

/*
 * Standard link modes for multimode fibre: a port of N lanes of R Mb/s
 * shows, for every lane count n = 1, 2, 4, ... up to N (and N itself), the
 * mode of speed n x R with n lanes, or the nearest lane count at that
 * speed when the standard has none (8 x 25G shows as 200000baseSR4). A
 * speed with no standard mode (n x R not in this table) is not shown, but
 * the link can still run at it (lanes lost to faults, ethtool -s).
 */
static const struct {
	u32 speed;
	u8 lanes;
	u8 bit;
} maia_link_modes[] = {
	{ SPEED_10000, 1, ETHTOOL_LINK_MODE_10000baseSR_Full_BIT },
	{ SPEED_25000, 1, ETHTOOL_LINK_MODE_25000baseSR_Full_BIT },
	{ SPEED_40000, 4, ETHTOOL_LINK_MODE_40000baseSR4_Full_BIT },
	{ SPEED_50000, 2, ETHTOOL_LINK_MODE_50000baseSR2_Full_BIT },
	{ SPEED_50000, 1, ETHTOOL_LINK_MODE_50000baseSR_Full_BIT },
	{ SPEED_100000, 4, ETHTOOL_LINK_MODE_100000baseSR4_Full_BIT },
	{ SPEED_100000, 2, ETHTOOL_LINK_MODE_100000baseSR2_Full_BIT },
	{ SPEED_100000, 1, ETHTOOL_LINK_MODE_100000baseSR_Full_BIT },
	{ SPEED_200000, 4, ETHTOOL_LINK_MODE_200000baseSR4_Full_BIT },
	{ SPEED_200000, 2, ETHTOOL_LINK_MODE_200000baseSR2_Full_BIT },
	{ SPEED_400000, 8, ETHTOOL_LINK_MODE_400000baseSR8_Full_BIT },
	{ SPEED_400000, 4, ETHTOOL_LINK_MODE_400000baseSR4_Full_BIT },
	{ SPEED_800000, 8, ETHTOOL_LINK_MODE_800000baseSR8_Full_BIT },
};

/* The link mode of @lanes lanes of @rate Mb/s, or -1. */
static int maia_link_mode(u32 rate, u32 lanes)
{
	unsigned int i, d, best_d = UINT_MAX;
	int best = -1;

	for (i = 0; i < ARRAY_SIZE(maia_link_modes); i++) {
		if (maia_link_modes[i].speed != rate * lanes)
			continue;
		d = abs((int)maia_link_modes[i].lanes - (int)lanes);
		if (d < best_d) {
			best_d = d;
			best = maia_link_modes[i].bit;
		}
	}
	return best;
}

/* The lane counts shown as link modes: 1, 2, 4, ... below @n, and @n. */
static u32 maia_next_lanes(u32 lanes, u32 n)
{
	return lanes < n && lanes * 2 > n ? n : lanes * 2;
}

/* Set the modes of up to @max lanes (0: none) in @modes. */
static void maia_add_link_modes(struct maia_port *port, unsigned long *modes,
				u32 max)
{
	u32 n;
	int bit;

	for (n = 1; n <= min(max, port->num_lanes);
	     n = maia_next_lanes(n, port->num_lanes)) {
		bit = maia_link_mode(port->lane_rate, n);
		if (bit >= 0)
			__set_bit(bit, modes);
	}
}

static int maia_get_link_ksettings(struct net_device *netdev,
				   struct ethtool_link_ksettings *ks)
{
	struct maia_port *port = netdev_priv(netdev);
	u32 status = maia_port_rd(port, MAIA_P_STATUS);
	u32 peer = maia_port_rd(port, MAIA_P_LANES_PEER);
	u32 adv = port->adv_lanes ?: port->num_lanes;
	u32 lanes;

	ethtool_link_ksettings_zero_link_mode(ks, supported);
	ethtool_link_ksettings_zero_link_mode(ks, advertising);
	ethtool_link_ksettings_zero_link_mode(ks, lp_advertising);
	ethtool_link_ksettings_add_link_mode(ks, supported, FIBRE);
	ethtool_link_ksettings_add_link_mode(ks, supported, Autoneg);
	ethtool_link_ksettings_add_link_mode(ks, supported, FEC_NONE);
	ethtool_link_ksettings_add_link_mode(ks, supported, FEC_RS);
	maia_add_link_modes(port, ks->link_modes.supported, port->num_lanes);
	/* kept while forced: what autoneg on advertises again */
	ethtool_link_ksettings_add_link_mode(ks, advertising, FIBRE);
	if (maia_port_rd(port, MAIA_P_FEC) == MAIA_FEC_RS)
		ethtool_link_ksettings_add_link_mode(ks, advertising, FEC_RS);
	else
		ethtool_link_ksettings_add_link_mode(ks, advertising, FEC_NONE);
	maia_add_link_modes(port, ks->link_modes.advertising, adv);
	ks->base.port = PORT_FIBRE;
	if (port->forced_lanes) {
		ks->base.autoneg = AUTONEG_DISABLE;
	} else {
		ks->base.autoneg = AUTONEG_ENABLE;
		ethtool_link_ksettings_add_link_mode(ks, advertising, Autoneg);
		/* the lanes the partner's training frames offer */
		if (peer) {
			ethtool_link_ksettings_add_link_mode(ks, lp_advertising,
							     Autoneg);
			maia_add_link_modes(port, ks->link_modes.lp_advertising,
					    hweight32(peer));
		}
	}
	ks->base.speed = SPEED_UNKNOWN;
	ks->base.duplex = DUPLEX_UNKNOWN;
	ks->lanes = 0;
	if (!maia_port_link_ok(port, status))
		return 0;
	if (status & MAIA_P_STATUS_UP) {
		ks->base.speed = maia_port_rd(port, MAIA_P_SPEED);
		ks->lanes = FIELD_GET(MAIA_P_STATUS_LANES, status);
	} else {
		/* MAC loopback without a link: the local lanes */
		lanes = hweight32(maia_port_rd(port, MAIA_P_LANES_LOCAL));
		lanes = min(lanes, maia_port_lane_limit(port) ?: lanes);
		ks->base.speed = lanes * port->lane_rate;
		ks->lanes = lanes;
	}
	ks->base.duplex = DUPLEX_FULL;
	return 0;
}

/*
 * With autoneg on: the most lanes of the modes in @adv, 0 if none; @top
 * is set if that is the fastest mode the port has (then every lane is
 * offered, also on ports whose full lane count has no mode).
 */
static u32 maia_adv_lanes(struct maia_port *port, const unsigned long *adv,
			  bool *top)
{
	u32 n, max = 0, last = 0;
	int bit;

	for (n = 1; n <= port->num_lanes;
	     n = maia_next_lanes(n, port->num_lanes)) {
		bit = maia_link_mode(port->lane_rate, n);
		if (bit < 0)
			continue;
		last = n;
		if (test_bit(bit, adv))
			max = n;
	}
	*top = max && max == last;
	return max;
}

/*
 * autoneg on: offer the lanes of the most advertised mode (all of them by
 * default); the link runs on the lanes both ends offer, the highest
 * common speed. autoneg off: exactly N lanes, N given as "lanes N" or as
 * "speed N * lane rate"; a partner that cannot run them leaves the link
 * down. The core fills whatever was not given from get_link_ksettings, so
 * a value equal to the current one counts as not given.
 */
static int maia_set_link_ksettings(struct net_device *netdev,
				   const struct ethtool_link_ksettings *ks)
{
	struct maia_port *port = netdev_priv(netdev);
	u32 status = maia_port_rd(port, MAIA_P_STATUS);
	u32 cur_lanes = 0, cur_speed = SPEED_UNKNOWN, lanes, speed;
	bool top;

	if (ks->base.duplex != DUPLEX_FULL && ks->base.duplex != DUPLEX_UNKNOWN)
		return -EINVAL;
	if (ks->base.autoneg == AUTONEG_ENABLE) {
		lanes = maia_adv_lanes(port, ks->link_modes.advertising, &top);
		if (!lanes) {
			netdev_err(netdev, "no link mode of this port advertised\n");
			return -EINVAL;
		}
		port->adv_lanes = top ? 0 : lanes;
		WRITE_ONCE(port->forced_lanes, 0);
		maia_port_wr(port, MAIA_P_LANE_LIMIT, port->adv_lanes);
		maia_port_link_update(port);
		return 0;
	}
	if (status & MAIA_P_STATUS_UP) {
		cur_lanes = FIELD_GET(MAIA_P_STATUS_LANES, status);
		cur_speed = maia_port_rd(port, MAIA_P_SPEED);
	}
	lanes = ks->lanes;
	speed = ks->base.speed;
	if (speed != SPEED_UNKNOWN && speed && speed != cur_speed &&
	    (lanes == cur_lanes || !lanes)) {
		if (speed % port->lane_rate)
			return -EINVAL;
		lanes = speed / port->lane_rate;
	} else if (lanes && lanes != cur_lanes &&
		   (speed == cur_speed || speed == SPEED_UNKNOWN || !speed)) {
		speed = lanes * port->lane_rate;
	}
	if (!lanes && speed != SPEED_UNKNOWN && speed) {
		if (speed % port->lane_rate)
			return -EINVAL;
		lanes = speed / port->lane_rate;
	}
	if (!lanes || lanes > port->num_lanes)
		return -EINVAL;
	if (speed != SPEED_UNKNOWN && speed && speed != lanes * port->lane_rate)
		return -EINVAL;
	WRITE_ONCE(port->forced_lanes, lanes);
	maia_port_wr(port, MAIA_P_LANE_LIMIT, lanes);
	maia_port_link_update(port);
	return 0;
}

static int maia_get_link_ext_state(struct net_device *netdev,
				   struct ethtool_link_ext_state_info *info)
{
	struct maia_port *port = netdev_priv(netdev);
	u32 status = maia_port_rd(port, MAIA_P_STATUS);
	u32 reason = FIELD_GET(MAIA_P_STATUS_REASON, status);

	if (maia_port_link_ok(port, status))
		return -ENODATA;
	if (status & MAIA_P_STATUS_UP) {
		/* trained on fewer lanes than forced: the speed is not common */
		info->link_ext_state = ETHTOOL_LINK_EXT_STATE_AUTONEG;
		info->autoneg =
			ETHTOOL_LINK_EXT_SUBSTATE_AN_NO_PARTNER_DETECTED_FORCE_MODE;
		return 0;
	}
	switch (reason) {
	case MAIA_LINK_DOWN_NO_PEER:
		info->link_ext_state = ETHTOOL_LINK_EXT_STATE_NO_CABLE;
		break;
	case MAIA_LINK_DOWN_NO_SIGNAL:
		info->link_ext_state = ETHTOOL_LINK_EXT_STATE_BAD_SIGNAL_INTEGRITY;
		info->bad_signal_integrity =
			ETHTOOL_LINK_EXT_SUBSTATE_BSI_SERDES_ALOS;
		break;
	case MAIA_LINK_DOWN_TRAINING:
		info->link_ext_state = ETHTOOL_LINK_EXT_STATE_LINK_TRAINING_FAILURE;
		info->link_training =
			ETHTOOL_LINK_EXT_SUBSTATE_LT_KR_LINK_PARTNER_DID_NOT_SET_RECEIVER_READY;
		break;
	case MAIA_LINK_DOWN_ERRORS:
		info->link_ext_state = ETHTOOL_LINK_EXT_STATE_BAD_SIGNAL_INTEGRITY;
		info->bad_signal_integrity =
			ETHTOOL_LINK_EXT_SUBSTATE_BSI_LARGE_NUMBER_OF_PHYSICAL_ERRORS;
		break;
	case MAIA_LINK_DOWN_OVERTEMP:
		info->link_ext_state = ETHTOOL_LINK_EXT_STATE_OVERHEAT;
		break;
	default:
		return -ENODATA;
	}
	return 0;
}

static void maia_get_link_ext_stats(struct net_device *netdev,
				    struct ethtool_link_ext_stats *stats)
{
	struct maia_port *port = netdev_priv(netdev);

	stats->link_down_events = maia_port_rd(port, MAIA_P_LINK_DOWNS);
}

/* Module memory ------------------------------------------------------------ */

int maia_port_module_read(struct maia_port *port, u8 bank, u8 page,
			  u32 offset, u32 len, u8 *data)
{
	u32 i, b, v;

	mutex_lock(&port->mod_lock);
	maia_port_wr(port, MAIA_P_MOD_PAGE,
		     FIELD_PREP(MAIA_MOD_PAGE_BANK, bank) |
		     FIELD_PREP(MAIA_MOD_PAGE_PAGE, page));
	for (i = offset & ~3u; i < offset + len; i += 4) {
		v = maia_port_rd(port, MAIA_P_MOD_DATA + i);
		for (b = 0; b < 4; b++)
			if (i + b >= offset && i + b < offset + len)
				data[i + b - offset] = v >> (8 * b);
	}
	mutex_unlock(&port->mod_lock);
	return len;
}

static int maia_get_module_eeprom_by_page(struct net_device *netdev,
					  const struct ethtool_module_eeprom *req,
					  struct netlink_ext_ack *extack)
{
	struct maia_port *port = netdev_priv(netdev);
	unsigned int banks = DIV_ROUND_UP(port->num_lanes, 8);

	if (req->i2c_address != 0x50) {
		NL_SET_ERR_MSG_MOD(extack, "CMIS module: only I2C address 0x50");
		return -EINVAL;
	}
	switch (req->page) {
	case 0x00:
	case 0x01:
	case 0x02:
		if (req->bank) {
			NL_SET_ERR_MSG_MOD(extack, "page is not banked");
			return -EINVAL;
		}
		break;
	case 0x10:
	case 0x11:
		if (req->bank >= banks) {
			NL_SET_ERR_MSG_MOD(extack, "no such bank");
			return -EINVAL;
		}
		break;
	default:
		NL_SET_ERR_MSG_MOD(extack, "page not supported");
		return -EINVAL;
	}
	if (req->offset + req->length > MAIA_MOD_WINDOW)
		return -EINVAL;
	return maia_port_module_read(port, req->bank, req->page, req->offset,
				     req->length, req->data);
}

/* FEC ------------------------------------------------------------------------ */

static int maia_get_fecparam(struct net_device *netdev,
			     struct ethtool_fecparam *fec)
{
	struct maia_port *port = netdev_priv(netdev);

	fec->fec = ETHTOOL_FEC_AUTO | ETHTOOL_FEC_RS | ETHTOOL_FEC_OFF;
	fec->active_fec = maia_port_rd(port, MAIA_P_FEC) == MAIA_FEC_RS ?
			  ETHTOOL_FEC_RS : ETHTOOL_FEC_OFF;
	return 0;
}

static int maia_set_fecparam(struct net_device *netdev,
			     struct ethtool_fecparam *fec)
{
	struct maia_port *port = netdev_priv(netdev);
	u32 mode;

	switch (fec->fec) {
	case ETHTOOL_FEC_AUTO:
	case ETHTOOL_FEC_RS:
		mode = MAIA_FEC_RS;
		break;
	case ETHTOOL_FEC_OFF:
		mode = MAIA_FEC_OFF;
		break;
	default:
		return -EINVAL;
	}
	maia_port_wr(port, MAIA_P_FEC, mode);
	return 0;
}

static void maia_get_fec_stats(struct net_device *netdev,
			       struct ethtool_fec_stats *fs)
{
	struct maia_port *port = netdev_priv(netdev);
	unsigned int l;

	fs->corrected_blocks.total =
		maia_port_rd64(port, MAIA_P_STAT(MAIA_STAT_FEC_CORRECTED));
	fs->uncorrectable_blocks.total =
		maia_port_rd64(port, MAIA_P_STAT(MAIA_STAT_FEC_UNCORRECTABLE));
	fs->corrected_bits.total =
		maia_port_rd64(port, MAIA_P_STAT(MAIA_STAT_FEC_CORRECTED_BITS));
	if (port->num_lanes > ETHTOOL_MAX_LANES)
		return;
	for (l = 0; l < port->num_lanes; l++) {
		fs->corrected_blocks.lanes[l] =
			maia_port_rd64(port, MAIA_P_FEC_LANE(l, MAIA_FECL_CORRECTED));
		fs->uncorrectable_blocks.lanes[l] =
			maia_port_rd64(port,
				       MAIA_P_FEC_LANE(l, MAIA_FECL_UNCORRECTABLE));
		fs->corrected_bits.lanes[l] =
			maia_port_rd64(port,
				       MAIA_P_FEC_LANE(l, MAIA_FECL_CORRECTED_BITS));
	}
}

/* Standard statistics -------------------------------------------------------- */

static u64 maia_stat(struct maia_port *port, unsigned int i)
{
	return maia_port_rd64(port, MAIA_P_STAT(i));
}

static void maia_get_eth_phy_stats(struct net_device *netdev,
				   struct ethtool_eth_phy_stats *s)
{
	struct maia_port *port = netdev_priv(netdev);

	s->SymbolErrorDuringCarrier =
		maia_stat(port, MAIA_STAT_FEC_CORRECTED_BITS);
}

static void maia_get_eth_mac_stats(struct net_device *netdev,
				   struct ethtool_eth_mac_stats *s)
{
	struct maia_port *port = netdev_priv(netdev);

	s->FramesTransmittedOK = maia_stat(port, MAIA_STAT_TX_FRAMES);
	s->FramesReceivedOK = maia_stat(port, MAIA_STAT_RX_FRAMES);
	s->FrameCheckSequenceErrors = maia_stat(port, MAIA_STAT_RX_FCS_ERRORS);
	s->OctetsTransmittedOK = maia_stat(port, MAIA_STAT_TX_BYTES);
	s->OctetsReceivedOK = maia_stat(port, MAIA_STAT_RX_BYTES);
	s->MulticastFramesXmittedOK = maia_stat(port, MAIA_STAT_TX_MCAST);
	s->BroadcastFramesXmittedOK = maia_stat(port, MAIA_STAT_TX_BCAST);
	s->MulticastFramesReceivedOK = maia_stat(port, MAIA_STAT_RX_MCAST);
	s->BroadcastFramesReceivedOK = maia_stat(port, MAIA_STAT_RX_BCAST);
	s->FrameTooLongErrors = maia_stat(port, MAIA_STAT_RX_OVERSIZE);
}

/**
 * maia_link_init_rmon_ranges() - ethtool's RMON ranges from the bin tops
 * @link: the link device; its table ends with an empty range
 */
void maia_link_init_rmon_ranges(struct maia_link *link)
{
	static const u16 tops[MAIA_RMON_BINS] = MAIA_RMON_BIN_TOPS;
	unsigned int i;

	for (i = 0; i < MAIA_RMON_BINS; i++) {
		link->rmon_ranges[i].low = i ? tops[i - 1] + 1 : 0;
		link->rmon_ranges[i].high = tops[i];
	}
	memset(&link->rmon_ranges[i], 0, sizeof(link->rmon_ranges[i]));
}

static void maia_get_rmon_stats(struct net_device *netdev,
				struct ethtool_rmon_stats *s,
				const struct ethtool_rmon_hist_range **ranges)
{
	struct maia_port *port = netdev_priv(netdev);
	unsigned int i;

	s->undersize_pkts = maia_stat(port, MAIA_STAT_RX_UNDERSIZE);
	s->oversize_pkts = maia_stat(port, MAIA_STAT_RX_OVERSIZE);
	for (i = 0; i < MAIA_RMON_BINS; i++) {
		s->hist[i] = maia_stat(port, MAIA_STAT_RX_HIST + i);
		s->hist_tx[i] = maia_stat(port, MAIA_STAT_TX_HIST + i);
	}
	*ranges = port->link->rmon_ranges;
}

/*
 * ethtool -S: only what has no standard home. Left out on purpose: what
 * ndo_get_stats64 reports (RX_NO_RING as rx_missed_errors, RX_DMA_ERRORS
 * as rx_fifo_errors, TX_LINK_DOWN as tx_carrier_errors), the per-queue
 * and checksum, TSO, hardware GRO, allocation failure, drop and stop/wake
 * counters of qstats (netdev netlink), link_down_events (ethtool -I).
 */
static const struct {
	const char *name;
	unsigned int stat;
} maia_hw_stats[] = {
	{ "rx_link_down", MAIA_STAT_RX_LINK_DOWN },
	{ "rx_backpressure", MAIA_STAT_RX_BACKPRESSURE },
	{ "tx_bad_desc", MAIA_STAT_TX_BAD_DESC },
	{ "tx_dma_errors", MAIA_STAT_TX_DMA_ERRORS },
	{ "tx_oversize", MAIA_STAT_TX_OVERSIZE },
	{ "tx_training", MAIA_STAT_TX_TRAINING },
	{ "rx_training", MAIA_STAT_RX_TRAINING },
};

static const char * const maia_port_stats[] = {
	"link_ups", "trainings", "tx_timeouts", "rx_bufs", "rx_copybreak",
};

#define MAIA_N_STATS	(ARRAY_SIZE(maia_hw_stats) + \
			 ARRAY_SIZE(maia_port_stats))

static const char maia_tests[][ETH_GSTRING_LEN] = {
	"register (offline)",
	"interrupt (online)",
	"loopback (offline)",
	"link (online)",
};

static int maia_get_sset_count(struct net_device *netdev, int sset)
{
	switch (sset) {
	case ETH_SS_STATS:
		return MAIA_N_STATS;
	case ETH_SS_TEST:
		return ARRAY_SIZE(maia_tests);
	default:
		return -EOPNOTSUPP;
	}
}

static void maia_get_strings(struct net_device *netdev, u32 sset, u8 *data)
{
	unsigned int i;

	switch (sset) {
	case ETH_SS_STATS:
		for (i = 0; i < ARRAY_SIZE(maia_hw_stats); i++)
			ethtool_puts(&data, maia_hw_stats[i].name);
		for (i = 0; i < ARRAY_SIZE(maia_port_stats); i++)
			ethtool_puts(&data, maia_port_stats[i]);
		break;
	case ETH_SS_TEST:
		memcpy(data, maia_tests, sizeof(maia_tests));
		break;
	}
}

static void maia_get_ethtool_stats(struct net_device *netdev,
				   struct ethtool_stats *stats, u64 *data)
{
	struct maia_port *port = netdev_priv(netdev);
	struct maia_tx_stats tx;
	struct maia_rx_stats rx;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(maia_hw_stats); i++)
		*data++ = maia_stat(port, maia_hw_stats[i].stat);
	maia_port_get_totals(port, &tx, &rx);
	*data++ = maia_port_rd(port, MAIA_P_LINK_UPS);
	*data++ = maia_port_rd(port, MAIA_P_TRAININGS);
	*data++ = atomic64_read(&port->tx_timeouts);
	*data++ = rx.bufs;
	*data++ = rx.copied;
}

/* Rings, channels, coalescing -------------------------------------------------- */

static void maia_get_ringparam(struct net_device *netdev,
			       struct ethtool_ringparam *ring,
			       struct kernel_ethtool_ringparam *kring,
			       struct netlink_ext_ack *extack)
{
	struct maia_port *port = netdev_priv(netdev);

	ring->rx_max_pending = MAIA_PORT_RING_MAX;
	ring->tx_max_pending = MAIA_PORT_RING_MAX;
	ring->rx_pending = port->rx_ring_size;
	ring->tx_pending = port->tx_ring_size;
	kring->rx_buf_len = MAIA_RX_BUF_LEN;
}

static bool maia_ring_size_ok(u32 n)
{
	return n >= MAIA_PORT_RING_MIN && n <= MAIA_PORT_RING_MAX && is_power_of_2(n);
}

static int maia_set_ringparam(struct net_device *netdev,
			      struct ethtool_ringparam *ring,
			      struct kernel_ethtool_ringparam *kring,
			      struct netlink_ext_ack *extack)
{
	struct maia_port *port = netdev_priv(netdev);
	struct maia_port_cfg cfg;
	int ret;

	if (!maia_ring_size_ok(ring->rx_pending) ||
	    !maia_ring_size_ok(ring->tx_pending)) {
		NL_SET_ERR_MSG_FMT_MOD(extack,
				       "ring sizes must be powers of two, %u..%u",
				       MAIA_PORT_RING_MIN, MAIA_PORT_RING_MAX);
		return -EINVAL;
	}
	if (kring->rx_buf_len && kring->rx_buf_len != MAIA_RX_BUF_LEN) {
		NL_SET_ERR_MSG_MOD(extack, "RX buffer length is fixed");
		return -EINVAL;
	}
	if (ring->rx_pending == port->rx_ring_size &&
	    ring->tx_pending == port->tx_ring_size)
		return 0;
	cfg.num_qps = port->num_qps;
	cfg.rx_ring_size = ring->rx_pending;
	cfg.tx_ring_size = ring->tx_pending;
	ret = maia_port_reconfigure(port, &cfg);
	if (ret && port->up)
		NL_SET_ERR_MSG_MOD(extack, "cannot allocate the rings; sizes unchanged");
	else if (ret)
		NL_SET_ERR_MSG_MOD(extack, "cannot restart the data path");
	return ret;
}

static void maia_get_channels(struct net_device *netdev,
			      struct ethtool_channels *ch)
{
	struct maia_port *port = netdev_priv(netdev);

	ch->max_combined = MAIA_PORT_QPAIRS;
	ch->combined_count = port->num_qps;
}

static int maia_set_channels(struct net_device *netdev,
			     struct ethtool_channels *ch)
{
	struct maia_port *port = netdev_priv(netdev);
	u8 old_indir[MAIA_RSS_INDIR_SIZE];
	struct maia_port_cfg cfg;
	unsigned int i;
	int ret;

	if (!ch->combined_count || ch->combined_count > MAIA_PORT_QPAIRS ||
	    ch->rx_count || ch->tx_count || ch->other_count)
		return -EINVAL;
	if (ch->combined_count == port->num_qps)
		return 0;
	cfg.num_qps = ch->combined_count;
	cfg.rx_ring_size = port->rx_ring_size;
	cfg.tx_ring_size = port->tx_ring_size;
	/* the start programs the table; the old one stays if that fails */
	memcpy(old_indir, port->rss_indir, sizeof(old_indir));
	if (!netif_is_rxfh_configured(netdev))
		for (i = 0; i < MAIA_RSS_INDIR_SIZE; i++)
			port->rss_indir[i] =
				ethtool_rxfh_indir_default(i, cfg.num_qps);
	if (!netif_running(netdev)) {
		port->num_qps = cfg.num_qps;
		netif_set_real_num_tx_queues(netdev, port->num_qps);
		netif_set_real_num_rx_queues(netdev, port->num_qps);
		return 0;
	}
	ret = maia_port_reconfigure(port, &cfg);
	if (ret && port->num_qps != cfg.num_qps)
		memcpy(port->rss_indir, old_indir, sizeof(old_indir));
	return ret;
}

/* Tunables ----------------------------------------------------------------- */

static int maia_get_tunable(struct net_device *netdev,
			    const struct ethtool_tunable *tuna, void *data)
{
	struct maia_port *port = netdev_priv(netdev);

	switch (tuna->id) {
	case ETHTOOL_RX_COPYBREAK:
		*(u32 *)data = port->rx_copybreak;
		return 0;
	default:
		return -EOPNOTSUPP;
	}
}

static int maia_set_tunable(struct net_device *netdev,
			    const struct ethtool_tunable *tuna,
			    const void *data)
{
	struct maia_port *port = netdev_priv(netdev);
	u32 val;

	switch (tuna->id) {
	case ETHTOOL_RX_COPYBREAK:
		val = *(const u32 *)data;
		if (val > MAIA_RX_COPYBREAK_MAX) {
			netdev_err(netdev, "rx-copybreak %u: at most %u\n",
				   val, MAIA_RX_COPYBREAK_MAX);
			return -EINVAL;
		}
		WRITE_ONCE(port->rx_copybreak, val);
		return 0;
	default:
		return -EOPNOTSUPP;
	}
}

static int maia_get_coalesce(struct net_device *netdev,
			     struct ethtool_coalesce *ec,
			     struct kernel_ethtool_coalesce *kec,
			     struct netlink_ext_ack *extack)
{
	struct maia_port *port = netdev_priv(netdev);

	ec->rx_coalesce_usecs = port->rx_usecs;
	ec->rx_max_coalesced_frames = port->rx_frames;
	ec->tx_coalesce_usecs = port->tx_usecs;
	ec->tx_max_coalesced_frames = port->tx_frames;
	return 0;
}

static int maia_set_coalesce(struct net_device *netdev,
			     struct ethtool_coalesce *ec,
			     struct kernel_ethtool_coalesce *kec,
			     struct netlink_ext_ack *extack)
{
	struct maia_port *port = netdev_priv(netdev);

	if (ec->rx_coalesce_usecs > MAIA_COALESCE_USECS_MAX ||
	    ec->tx_coalesce_usecs > MAIA_COALESCE_USECS_MAX) {
		NL_SET_ERR_MSG_FMT_MOD(extack, "usecs must be at most %u",
				       MAIA_COALESCE_USECS_MAX);
		return -EINVAL;
	}
	if (ec->rx_max_coalesced_frames > MAIA_COALESCE_FRAMES_MAX ||
	    ec->tx_max_coalesced_frames > MAIA_COALESCE_FRAMES_MAX) {
		NL_SET_ERR_MSG_FMT_MOD(extack, "frames must be at most %u",
				       MAIA_COALESCE_FRAMES_MAX);
		return -EINVAL;
	}
	port->rx_usecs = ec->rx_coalesce_usecs;
	port->rx_frames = ec->rx_max_coalesced_frames;
	port->tx_usecs = ec->tx_coalesce_usecs;
	port->tx_frames = ec->tx_max_coalesced_frames;
	if (port->up)
		maia_port_apply_coalesce(port);
	return 0;
}

/* RSS ----------------------------------------------------------------------- */

static u32 maia_get_rxfh_key_size(struct net_device *netdev)
{
	return MAIA_RSS_KEY_SIZE;
}

static u32 maia_get_rxfh_indir_size(struct net_device *netdev)
{
	return MAIA_RSS_INDIR_SIZE;
}

static int maia_get_rxfh(struct net_device *netdev,
			 struct ethtool_rxfh_param *rxfh)
{
	struct maia_port *port = netdev_priv(netdev);
	unsigned int i;

	rxfh->hfunc = ETH_RSS_HASH_TOP;
	if (rxfh->indir)
		for (i = 0; i < MAIA_RSS_INDIR_SIZE; i++)
			rxfh->indir[i] = port->rss_indir[i];
	if (rxfh->key)
		memcpy(rxfh->key, port->rss_key, MAIA_RSS_KEY_SIZE);
	return 0;
}

static int maia_set_rxfh(struct net_device *netdev,
			 struct ethtool_rxfh_param *rxfh,
			 struct netlink_ext_ack *extack)
{
	struct maia_port *port = netdev_priv(netdev);
	unsigned int i;

	if (rxfh->hfunc != ETH_RSS_HASH_NO_CHANGE &&
	    rxfh->hfunc != ETH_RSS_HASH_TOP) {
		NL_SET_ERR_MSG_MOD(extack, "only the Toeplitz hash is supported");
		return -EOPNOTSUPP;
	}
	if (rxfh->indir) {
		for (i = 0; i < MAIA_RSS_INDIR_SIZE; i++)
			if (rxfh->indir[i] >= port->num_qps)
				return -EINVAL;
		for (i = 0; i < MAIA_RSS_INDIR_SIZE; i++)
			port->rss_indir[i] = rxfh->indir[i];
	}
	if (rxfh->key)
		memcpy(port->rss_key, rxfh->key, MAIA_RSS_KEY_SIZE);
	if (port->up)
		maia_port_apply_rss(port);
	return 0;
}

static int maia_get_rxnfc(struct net_device *netdev, struct ethtool_rxnfc *cmd,
			  u32 *rule_locs)
{
	struct maia_port *port = netdev_priv(netdev);

	switch (cmd->cmd) {
	case ETHTOOL_GRXRINGS:
		cmd->data = port->num_qps;
		return 0;
	case ETHTOOL_GRXFH:
		switch (cmd->flow_type) {
		case TCP_V4_FLOW:
		case UDP_V4_FLOW:
		case TCP_V6_FLOW:
		case UDP_V6_FLOW:
			cmd->data = RXH_IP_SRC | RXH_IP_DST | RXH_L4_B_0_1 |
				    RXH_L4_B_2_3;
			return 0;
		case IPV4_FLOW:
		case IPV6_FLOW:
			cmd->data = RXH_IP_SRC | RXH_IP_DST;
			return 0;
		default:
			cmd->data = 0;
			return 0;
		}
	default:
		return -EOPNOTSUPP;
	}
}

/* Register dump ----------------------------------------------------------------- */

static int maia_get_regs_len(struct net_device *netdev)
{
	return MAIA_REGS_DUMP_LEN;
}

static void maia_get_regs(struct net_device *netdev, struct ethtool_regs *regs,
			  void *p)
{
	struct maia_port *port = netdev_priv(netdev);
	u32 *out = p;
	unsigned int i;

	regs->version = maia_core_info(port->core)->hw_version;
	for (i = 0; i < MAIA_REGS_DUMP_LEN / 4; i++) {
		/* reading the queue pair block has no side effects */
		out[i] = maia_port_rd(port, i * 4);
	}
}

/* Self-test ------------------------------------------------------------------------ */

static int maia_test_regs(struct maia_port *port)
{
	static const u32 patterns[] = { 0xa5a5a5a5, 0x5a5a5a5a, 0xffffffff, 0 };
	unsigned int i, j;
	int fail = 0;

	for (i = 0; i < MAIA_RSS_KEY_SIZE / 4 && !fail; i++) {
		for (j = 0; j < ARRAY_SIZE(patterns); j++) {
			maia_port_wr(port, MAIA_P_RSS_KEY(i), patterns[j]);
			if (maia_port_rd(port, MAIA_P_RSS_KEY(i)) != patterns[j]) {
				fail = 1;
				break;
			}
		}
	}
	if (maia_port_rd(port, MAIA_P_QPAIRS) != MAIA_PORT_QPAIRS ||
	    maia_port_rd(port, MAIA_P_LANE_RATE) != port->lane_rate)
		fail = 1;
	maia_port_apply_rss(port);
	if (!port->up)
		maia_port_wr(port, MAIA_P_RSS_CTRL, 0);
	return fail;
}

static int maia_test_irq(struct maia_port *port)
{
	struct maia_qpair *qp;
	unsigned int i, tries;
	int before;

	if (!port->up)
		return 1;
	for (i = 0; i < port->up_qps; i++) {
		qp = port->qps[i];
		before = atomic_read(&qp->irqs);
		if (maia_core_test_vector(port->core,
					  MAIA_VEC_PORT(port->index, i)))
			return 1;
		for (tries = 0; tries < 100; tries++) {
			if (atomic_read(&qp->irqs) != before)
				break;
			usleep_range(10000, 20000);
		}
		if (atomic_read(&qp->irqs) == before)
			return 1;
	}
	return 0;
}

static int maia_test_loopback(struct maia_port *port)
{
	struct net_device *netdev = port->netdev;
	unsigned int i, tries;
	struct sk_buff *skb;
	struct ethhdr *eth;
	bool looped;
	u32 ctrl;
	int ret = 0;

	if (!port->up)
		return 1;
	atomic_set(&port->selftest_rx, 0);
	WRITE_ONCE(port->selftest_active, true);
	ctrl = maia_port_rd(port, MAIA_P_CTRL);
	maia_port_wr(port, MAIA_P_CTRL, ctrl | MAIA_P_CTRL_LOOPBACK);
	/* MAC loopback needs no partner: the carrier is on for the test */
	looped = port->loopback;
	WRITE_ONCE(port->loopback, true);
	maia_port_link_update(port);
	for (i = 0; i < MAIA_SELFTEST_FRAMES; i++) {
		skb = netdev_alloc_skb(netdev, 128);
		if (!skb) {
			ret = 1;
			break;
		}
		eth = skb_put(skb, ETH_HLEN);
		ether_addr_copy(eth->h_dest, netdev->dev_addr);
		ether_addr_copy(eth->h_source, netdev->dev_addr);
		eth->h_proto = htons(ETH_P_802_EX1);
		memset(skb_put(skb, 64), 0x5a + i, 64);
		skb->dev = netdev;
		skb_reset_mac_header(skb);
		skb_set_queue_mapping(skb, i % port->up_qps);
		if (dev_direct_xmit(skb, i % port->up_qps) != NETDEV_TX_OK) {
			ret = 1;
			break;
		}
	}
	for (tries = 0; tries < 100; tries++) {
		if (atomic_read(&port->selftest_rx) >= MAIA_SELFTEST_FRAMES)
			break;
		usleep_range(10000, 20000);
	}
	if (atomic_read(&port->selftest_rx) < MAIA_SELFTEST_FRAMES)
		ret = 1;
	maia_port_wr(port, MAIA_P_CTRL, ctrl);
	WRITE_ONCE(port->selftest_active, false);
	WRITE_ONCE(port->loopback, looped);
	maia_port_link_update(port);
	return ret;
}

static void maia_self_test(struct net_device *netdev, struct ethtool_test *et,
			   u64 *data)
{
	struct maia_port *port = netdev_priv(netdev);
	unsigned int i;

	memset(data, 0, sizeof(u64) * ARRAY_SIZE(maia_tests));
	if (et->flags & ETH_TEST_FL_OFFLINE) {
		data[0] = maia_test_regs(port);
		data[2] = maia_test_loopback(port);
	}
	data[1] = maia_test_irq(port);
	data[3] = !(maia_port_rd(port, MAIA_P_STATUS) & MAIA_P_STATUS_UP);
	for (i = 0; i < ARRAY_SIZE(maia_tests); i++)
		if (data[i])
			et->flags |= ETH_TEST_FL_FAILED;
}

const struct ethtool_ops maia_ethtool_ops = {
	.cap_link_lanes_supported = true,
	.supported_coalesce_params = ETHTOOL_COALESCE_USECS |
				     ETHTOOL_COALESCE_MAX_FRAMES,
	.supported_ring_params = ETHTOOL_RING_USE_RX_BUF_LEN,
	.get_drvinfo = maia_get_drvinfo,
	.get_link = ethtool_op_get_link,
	.get_link_ksettings = maia_get_link_ksettings,
	.set_link_ksettings = maia_set_link_ksettings,
	.get_link_ext_state = maia_get_link_ext_state,
	.get_link_ext_stats = maia_get_link_ext_stats,
	.get_module_eeprom_by_page = maia_get_module_eeprom_by_page,
	.get_fecparam = maia_get_fecparam,
	.set_fecparam = maia_set_fecparam,
	.get_fec_stats = maia_get_fec_stats,
	.get_eth_phy_stats = maia_get_eth_phy_stats,
	.get_eth_mac_stats = maia_get_eth_mac_stats,
	.get_rmon_stats = maia_get_rmon_stats,
	.get_sset_count = maia_get_sset_count,
	.get_strings = maia_get_strings,
	.get_ethtool_stats = maia_get_ethtool_stats,
	.get_ringparam = maia_get_ringparam,
	.set_ringparam = maia_set_ringparam,
	.get_channels = maia_get_channels,
	.set_channels = maia_set_channels,
	.get_tunable = maia_get_tunable,
	.set_tunable = maia_set_tunable,
	.get_coalesce = maia_get_coalesce,
	.set_coalesce = maia_set_coalesce,
	.get_rxfh_key_size = maia_get_rxfh_key_size,
	.get_rxfh_indir_size = maia_get_rxfh_indir_size,
	.get_rxfh = maia_get_rxfh,
	.set_rxfh = maia_set_rxfh,
	.get_rxnfc = maia_get_rxnfc,
	.get_regs_len = maia_get_regs_len,
	.get_regs = maia_get_regs,
	.self_test = maia_self_test,
	.get_ts_info = ethtool_op_get_ts_info,
};
