// SPDX-License-Identifier: GPL-2.0
/*
 * maia_link: one network device per optical port of a Maia accelerator.
 *
 * Binds the "link" auxiliary device created by maia_core. Each port has
 * MAIA_PORT_QPAIRS queue pairs with one MSI-X vector each; link events
 * arrive as an event record written by the device plus the vector of
 * queue pair 0. DMA goes through the PCI function (maia_core_pdev()), so
 * the system IOMMU applies.
 */

#include <linux/auxiliary_bus.h>
#include <linux/dma-mapping.h>
#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/if_vlan.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/tcp.h>
#include <net/netdev_queues.h>

#include "maia_link.h"

/**
 * maia_port_rd64() - read a 64-bit counter without tearing
 * @port: the port
 * @reg: offset of the low word in the port block
 *
 * Return: the counter.
 */
u64 maia_port_rd64(struct maia_port *port, u32 reg)
{
	u32 hi, lo, hi2;

	hi = maia_port_rd(port, reg + 4);
	do {
		hi2 = hi;
		lo = maia_port_rd(port, reg);
		hi = maia_port_rd(port, reg + 4);
	} while (hi != hi2);
	return (u64)hi << 32 | lo;
}

const char *maia_link_reason_str(u32 reason)
{
	static const char * const names[] = {
		[MAIA_LINK_DOWN_NONE] = "none",
		[MAIA_LINK_DOWN_DISABLED] = "disabled",
		[MAIA_LINK_DOWN_NO_PEER] = "no peer (fiber out)",
		[MAIA_LINK_DOWN_NO_SIGNAL] = "no signal",
		[MAIA_LINK_DOWN_TRAINING] = "training failed",
		[MAIA_LINK_DOWN_ERRORS] = "too many errors",
		[MAIA_LINK_DOWN_OVERTEMP] = "over-temperature",
	};

	if (reason < ARRAY_SIZE(names) && names[reason])
		return names[reason];
	return "unknown";
}

/**
 * maia_port_link_ok() - is the link up as the stack should see it
 * @port: the port
 * @status: P_STATUS
 *
 * In MAC loopback the port hears itself: the carrier is on without a
 * partner. With a forced lane count (autoneg off) a link the device
 * trained on fewer lanes, because the partner cannot run that speed, is
 * down.
 *
 * Return: true if the carrier should be on.
 */
bool maia_port_link_ok(struct maia_port *port, u32 status)
{
	u32 forced = READ_ONCE(port->forced_lanes);

	if (READ_ONCE(port->loopback))
		return true;
	if (!(status & MAIA_P_STATUS_UP))
		return false;
	return !forced || FIELD_GET(MAIA_P_STATUS_LANES, status) >= forced;
}

/**
 * maia_port_lane_limit() - the P_LANE_LIMIT value for the link settings
 * @port: the port
 *
 * Context: RTNL held.
 * Return: the forced lane count, else the advertised limit (0: all).
 */
u32 maia_port_lane_limit(struct maia_port *port)
{
	return port->forced_lanes ?: port->adv_lanes;
}

/**
 * maia_port_link_update() - bring the carrier in line with the device
 * @port: the port
 *
 * Context: process context.
 */
void maia_port_link_update(struct maia_port *port)
{
	struct net_device *netdev = port->netdev;
	u32 status = maia_port_rd(port, MAIA_P_STATUS);
	u32 speed = maia_port_rd(port, MAIA_P_SPEED);
	u32 lanes = FIELD_GET(MAIA_P_STATUS_LANES, status);
	u32 reason = FIELD_GET(MAIA_P_STATUS_REASON, status);
	bool up = maia_port_link_ok(port, status);

	if (!READ_ONCE(port->up))
		return;
	if (up && !netif_carrier_ok(netdev)) {
		if (status & MAIA_P_STATUS_UP)
			netdev_info(netdev, "link up, %u Mb/s on %u lanes\n",
				    speed, lanes);
		else
			netdev_info(netdev, "MAC loopback: carrier on\n");
		netif_carrier_on(netdev);
	} else if (!up && netif_carrier_ok(netdev)) {
		netif_carrier_off(netdev);
		if (status & MAIA_P_STATUS_UP) {
			/* a configuration mismatch, not a fault */
			netdev_info(netdev, "link down: partner cannot run %u lanes (it trained on %u)\n",
				    READ_ONCE(port->forced_lanes), lanes);
		} else {
			netdev_info(netdev, "link down: %s\n",
				    maia_link_reason_str(reason));
			maia_port_report_link_down(port, status);
		}
	} else if (up) {
		netdev_dbg(netdev, "link now %u Mb/s on %u lanes\n", speed,
			   lanes);
	}
}

static void maia_port_link_work(struct work_struct *work)
{
	struct maia_port *port = container_of(work, struct maia_port,
					      link_work);

	maia_port_link_update(port);
}

static void maia_port_reset_work(struct work_struct *work)
{
	struct maia_port *port = container_of(work, struct maia_port,
					      reset_work);

	if (netif_running(port->netdev))
		maia_port_report_tx_timeout(port, port->timeout_queue);
}

/**
 * maia_port_reconfigure() - restart the data path with new settings
 * @port: the port
 * @cfg: queue pairs and ring sizes to run with, NULL for the current ones
 *
 * The new queue pairs are allocated while the old ones still run; only
 * then is the data path stopped and started again on them. If allocation
 * fails, the port keeps running with its old settings.
 * Context: RTNL held.
 * Return: 0 or a negative errno: the settings are unchanged, and the data
 * path still runs unless starting it again failed (then it is down).
 */
int maia_port_reconfigure(struct maia_port *port,
			  const struct maia_port_cfg *cfg)
{
	struct maia_port_cfg cur = {
		.num_qps = port->num_qps,
		.tx_ring_size = port->tx_ring_size,
		.rx_ring_size = port->rx_ring_size,
	};
	struct maia_qpair *qps[MAIA_PORT_QPAIRS];
	int ret;

	if (!cfg)
		cfg = &cur;
	if (!netif_running(port->netdev) || !port->up) {
		port->num_qps = cfg->num_qps;
		port->tx_ring_size = cfg->tx_ring_size;
		port->rx_ring_size = cfg->rx_ring_size;
		/* IFF_UP without a data path: an earlier restart failed */
		return netif_running(port->netdev) ? maia_port_up(port) : 0;
	}
	ret = maia_port_alloc_qps(port, cfg, qps);
	if (ret) {
		netdev_err(port->netdev,
			   "cannot allocate %u queue pairs of %u/%u descriptors, settings kept: %d\n",
			   cfg->num_qps, cfg->tx_ring_size, cfg->rx_ring_size,
			   ret);
		return ret;
	}
	maia_port_down(port);
	port->num_qps = cfg->num_qps;
	port->tx_ring_size = cfg->tx_ring_size;
	port->rx_ring_size = cfg->rx_ring_size;
	ret = maia_port_start(port, qps);
	if (ret)
		netdev_err(port->netdev, "cannot restart the data path: %d\n",
			   ret);
	return ret;
}

/* netdev ops ---------------------------------------------------------------- */

static int maia_port_open(struct net_device *netdev)
{
	return maia_port_up(netdev_priv(netdev));
}

static int maia_port_stop(struct net_device *netdev)
{
	maia_port_down(netdev_priv(netdev));
	return 0;
}

static int maia_port_change_mtu(struct net_device *netdev, int mtu)
{
	struct maia_port *port = netdev_priv(netdev);

	WRITE_ONCE(netdev->mtu, mtu);
	if (port->up)
		maia_port_wr(port, MAIA_P_MAX_FRAME, mtu + ETH_HLEN + VLAN_HLEN);
	return 0;
}

static int maia_port_set_features(struct net_device *netdev,
				  netdev_features_t features)
{
	struct maia_port *port = netdev_priv(netdev);
	u32 ctrl;

	WRITE_ONCE(port->loopback, features & NETIF_F_LOOPBACK);
	if (!((netdev->features ^ features) &
	      (NETIF_F_LOOPBACK | NETIF_F_GRO_HW)) || !port->up)
		return 0;
	ctrl = maia_port_rd(port, MAIA_P_CTRL) &
	       ~(MAIA_P_CTRL_LOOPBACK | MAIA_P_CTRL_RSC);
	if (features & NETIF_F_LOOPBACK)
		ctrl |= MAIA_P_CTRL_LOOPBACK;
	if (features & NETIF_F_GRO_HW)
		ctrl |= MAIA_P_CTRL_RSC;
	maia_port_wr(port, MAIA_P_CTRL, ctrl);
	/* loopback brings the carrier without a partner, and takes it back */
	maia_port_link_update(port);
	return 0;
}

void maia_port_get_totals(struct maia_port *port, struct maia_tx_stats *tx,
			  struct maia_rx_stats *rx)
{
	struct maia_tx_stats qtx;
	struct maia_rx_stats qrx;
	unsigned int i, j;

	spin_lock_bh(&port->stats_lock);
	*tx = port->base_tx;
	*rx = port->base_rx;
	for (i = 0; i < MAIA_PORT_QPAIRS; i++) {
		if (!port->qps[i])
			continue;
		maia_qp_read_stats(port->qps[i], &qtx, &qrx);
		for (j = 0; j < sizeof(qtx) / sizeof(u64); j++)
			((u64 *)tx)[j] += ((u64 *)&qtx)[j];
		for (j = 0; j < sizeof(qrx) / sizeof(u64); j++)
			((u64 *)rx)[j] += ((u64 *)&qrx)[j];
	}
	spin_unlock_bh(&port->stats_lock);
}

static void maia_port_get_stats64(struct net_device *netdev,
				  struct rtnl_link_stats64 *s)
{
	struct maia_port *port = netdev_priv(netdev);
	struct maia_tx_stats tx;
	struct maia_rx_stats rx;
	u64 fcs, over, under, noq, rxdma, txdown, bad, txdma, txover;

	maia_port_get_totals(port, &tx, &rx);
	s->tx_packets = tx.packets;
	s->tx_bytes = tx.bytes;
	s->rx_packets = rx.packets;
	s->rx_bytes = rx.bytes;

	fcs = maia_port_rd64(port, MAIA_P_STAT(MAIA_STAT_RX_FCS_ERRORS));
	over = maia_port_rd64(port, MAIA_P_STAT(MAIA_STAT_RX_OVERSIZE));
	under = maia_port_rd64(port, MAIA_P_STAT(MAIA_STAT_RX_UNDERSIZE));
	noq = maia_port_rd64(port, MAIA_P_STAT(MAIA_STAT_RX_NO_RING));
	rxdma = maia_port_rd64(port, MAIA_P_STAT(MAIA_STAT_RX_DMA_ERRORS));
	txdown = maia_port_rd64(port, MAIA_P_STAT(MAIA_STAT_TX_LINK_DOWN));
	bad = maia_port_rd64(port, MAIA_P_STAT(MAIA_STAT_TX_BAD_DESC));
	txdma = maia_port_rd64(port, MAIA_P_STAT(MAIA_STAT_TX_DMA_ERRORS));
	txover = maia_port_rd64(port, MAIA_P_STAT(MAIA_STAT_TX_OVERSIZE));

	s->rx_crc_errors = fcs;
	s->rx_length_errors = over + under;
	s->rx_missed_errors = noq;
	s->rx_fifo_errors = rxdma;
	s->rx_errors = fcs + over + under + rxdma;
	s->rx_dropped = rx.dropped + rx.alloc_fail;
	s->tx_carrier_errors = txdown;
	s->tx_fifo_errors = bad + txdma;
	s->tx_errors = txdown + bad + txdma + txover;
	s->tx_dropped = tx.dropped;
	s->multicast = maia_port_rd64(port, MAIA_P_STAT(MAIA_STAT_RX_MCAST)) +
		       maia_port_rd64(port, MAIA_P_STAT(MAIA_STAT_RX_BCAST));
}

static void maia_port_tx_timeout(struct net_device *netdev,
				 unsigned int txqueue)
{
	struct maia_port *port = netdev_priv(netdev);

	atomic64_inc(&port->tx_timeouts);
	netdev_warn(netdev, "transmit timeout on queue %u\n", txqueue);
	port->timeout_queue = txqueue;
	schedule_work(&port->reset_work);
}

/*
 * The device refuses (and stops the ring on) a TSO packet whose MSS or
 * header length is outside MAIA_TSO_MSS_MIN..MAIA_TSO_HDR_MAX; such packets
 * (a packet socket with a virtio-net header can build any) are segmented
 * by the stack instead.
 */
static netdev_features_t maia_port_features_check(struct sk_buff *skb,
						  struct net_device *dev,
						  netdev_features_t features)
{
	if (skb_is_gso(skb) &&
	    (skb_shinfo(skb)->gso_size < MAIA_TSO_MSS_MIN ||
	     skb_tcp_all_headers(skb) > MAIA_TSO_HDR_MAX))
		features &= ~NETIF_F_GSO_MASK;
	return vlan_features_check(skb, features);
}

static const struct net_device_ops maia_port_netdev_ops = {
	.ndo_open = maia_port_open,
	.ndo_stop = maia_port_stop,
	.ndo_start_xmit = maia_start_xmit,
	.ndo_features_check = maia_port_features_check,
	.ndo_validate_addr = eth_validate_addr,
	/* the device takes every frame (no address filter): live changes */
	.ndo_set_mac_address = eth_mac_addr,
	.ndo_change_mtu = maia_port_change_mtu,
	.ndo_set_features = maia_port_set_features,
	.ndo_get_stats64 = maia_port_get_stats64,
	.ndo_tx_timeout = maia_port_tx_timeout,
};

/* queue statistics (netdev netlink qstats) ---------------------------------- */

/* Counters of live queue pair @idx; false if it is not allocated. */
static bool maia_qstats_read(struct maia_port *port, int idx,
			     struct maia_tx_stats *tx, struct maia_rx_stats *rx)
{
	bool live;

	spin_lock_bh(&port->stats_lock);
	live = port->qps[idx];
	if (live)
		maia_qp_read_stats(port->qps[idx], tx, rx);
	spin_unlock_bh(&port->stats_lock);
	return live;
}

static void maia_qstats_rx(struct net_device *netdev, int idx,
			   struct netdev_queue_stats_rx *stats)
{
	struct maia_tx_stats tx;
	struct maia_rx_stats rx;

	if (!maia_qstats_read(netdev_priv(netdev), idx, &tx, &rx))
		return;
	stats->packets = rx.packets;
	stats->bytes = rx.bytes;
	stats->alloc_fail = rx.alloc_fail;
	stats->csum_unnecessary = rx.csum_ok;
	stats->csum_none = rx.csum_none;
	stats->csum_bad = rx.csum_bad;
	stats->hw_drops = rx.dropped;
	stats->hw_gro_packets = rx.rsc_frames;
	stats->hw_gro_wire_packets = rx.rsc;
}

static void maia_qstats_tx(struct net_device *netdev, int idx,
			   struct netdev_queue_stats_tx *stats)
{
	struct maia_tx_stats tx;
	struct maia_rx_stats rx;

	if (!maia_qstats_read(netdev_priv(netdev), idx, &tx, &rx))
		return;
	stats->packets = tx.packets;
	stats->bytes = tx.bytes;
	stats->hw_gso_packets = tx.tso;
	stats->hw_gso_wire_packets = tx.tso_segs;
	stats->needs_csum = tx.csum;
	stats->stop = tx.stops;
	stats->wake = tx.wakes;
	stats->hw_drops = tx.dropped;
}

static void maia_qstats_base(struct net_device *netdev,
			     struct netdev_queue_stats_rx *rx,
			     struct netdev_queue_stats_tx *tx)
{
	struct maia_port *port = netdev_priv(netdev);

	spin_lock_bh(&port->stats_lock);
	rx->packets = port->base_rx.packets;
	rx->bytes = port->base_rx.bytes;
	rx->alloc_fail = port->base_rx.alloc_fail;
	rx->csum_unnecessary = port->base_rx.csum_ok;
	rx->csum_none = port->base_rx.csum_none;
	rx->csum_bad = port->base_rx.csum_bad;
	rx->hw_drops = port->base_rx.dropped;
	rx->hw_gro_packets = port->base_rx.rsc_frames;
	rx->hw_gro_wire_packets = port->base_rx.rsc;
	tx->packets = port->base_tx.packets;
	tx->bytes = port->base_tx.bytes;
	tx->hw_gso_packets = port->base_tx.tso;
	tx->hw_gso_wire_packets = port->base_tx.tso_segs;
	tx->needs_csum = port->base_tx.csum;
	tx->stop = port->base_tx.stops;
	tx->wake = port->base_tx.wakes;
	tx->hw_drops = port->base_tx.dropped;
	spin_unlock_bh(&port->stats_lock);
}

static const struct netdev_stat_ops maia_stat_ops = {
	.get_queue_stats_rx = maia_qstats_rx,
	.get_queue_stats_tx = maia_qstats_tx,
	.get_base_stats = maia_qstats_base,
};

/* ports ---------------------------------------------------------------------- */

/*
 * The port's address, stable across reboots: 44 bits folded from the
 * 64-bit serial (the top 20 bits XORed into the low ones), then the port
 * number, in a locally administered unicast address:
 *
 *   bits 47..42  fold bits 43..38
 *   bits 41..40  0b10 (locally administered, unicast)
 *   bits 39..2   fold bits 37..0
 *   bits  1..0   port
 */
static_assert(MAIA_MAX_PORTS <= 4, "the port number takes two bits");

static void maia_port_set_mac(struct maia_port *port, u64 serial)
{
	u64 fold = (serial ^ (serial >> 44)) & GENMASK_ULL(43, 0);
	u8 addr[ETH_ALEN];

	u64_to_ether_addr((fold >> 38) << 42 | 2ULL << 40 |
			  (fold & GENMASK_ULL(37, 0)) << 2 | port->index, addr);
	eth_hw_addr_set(port->netdev, addr);
}

static void maia_port_default_rss(struct maia_port *port)
{
	unsigned int i;

	netdev_rss_key_fill(port->rss_key, sizeof(port->rss_key));
	for (i = 0; i < MAIA_RSS_INDIR_SIZE; i++)
		port->rss_indir[i] = ethtool_rxfh_indir_default(i,
								port->num_qps);
}

static int maia_port_create(struct maia_link *link, unsigned int index)
{
	const struct maia_core_info *info = maia_core_info(link->core);
	struct net_device *netdev;
	struct maia_port *port;
	void __iomem *regs;
	int ret;

	regs = maia_core_port_regs(link->core, index);
	if (!regs)
		return -ENODEV;
	netdev = alloc_etherdev_mqs(sizeof(*port), MAIA_PORT_QPAIRS,
				    MAIA_PORT_QPAIRS);
	if (!netdev)
		return -ENOMEM;
	SET_NETDEV_DEV(netdev, &link->adev->dev);
	port = netdev_priv(netdev);
	port->netdev = netdev;
	port->link = link;
	port->core = link->core;
	port->regs = regs;
	port->dev = &maia_core_pdev(link->core)->dev;
	port->index = index;
	port->num_lanes = info->num_lanes;
	port->lane_rate = maia_port_rd(port, MAIA_P_LANE_RATE);
	port->num_qps = min_t(unsigned int, MAIA_PORT_QPAIRS,
			      netif_get_num_default_rss_queues());
	port->tx_ring_size = MAIA_PORT_RING_DEFAULT;
	port->rx_ring_size = MAIA_PORT_RING_DEFAULT;
	port->rx_copybreak = MAIA_RX_COPYBREAK_DEFAULT;
	port->rx_usecs = MAIA_RX_USECS_DEFAULT;
	port->rx_frames = MAIA_RX_FRAMES_DEFAULT;
	port->tx_usecs = MAIA_TX_USECS_DEFAULT;
	port->tx_frames = MAIA_TX_FRAMES_DEFAULT;
	spin_lock_init(&port->stats_lock);
	mutex_init(&port->mod_lock);
	INIT_WORK(&port->link_work, maia_port_link_work);
	INIT_WORK(&port->reset_work, maia_port_reset_work);
	maia_port_default_rss(port);

	netdev->netdev_ops = &maia_port_netdev_ops;
	netdev->ethtool_ops = &maia_ethtool_ops;
	netdev->stat_ops = &maia_stat_ops;
	netdev->dev_port = index;
	netdev->watchdog_timeo = 5 * HZ;
	netdev->priv_flags |= IFF_LIVE_ADDR_CHANGE;
	netdev->min_mtu = ETH_MIN_MTU;
	netdev->max_mtu = MAIA_MTU_MAX;
	netdev->hw_features = NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_RXCSUM |
			      NETIF_F_RXHASH | NETIF_F_TSO | NETIF_F_TSO6 |
			      NETIF_F_TSO_ECN | NETIF_F_HIGHDMA | NETIF_F_GRO_HW;
	netdev->features = netdev->hw_features;
	netdev->hw_features |= NETIF_F_LOOPBACK;
	netdev->vlan_features = netdev->features;
	netif_set_tso_max_size(netdev, 65536 - ETH_HLEN - VLAN_HLEN);
	netif_set_tso_max_segs(netdev, 1024);
	maia_port_set_mac(port, info->serial);
	netif_set_real_num_tx_queues(netdev, port->num_qps);
	netif_set_real_num_rx_queues(netdev, port->num_qps);
	netif_carrier_off(netdev);

	port->evt = dma_alloc_coherent(port->dev, sizeof(*port->evt),
				       &port->evt_dma, GFP_KERNEL);
	if (!port->evt) {
		ret = -ENOMEM;
		goto err_free;
	}
	ret = maia_port_devlink_init(port);
	if (ret)
		goto err_evt;
	ret = register_netdev(netdev);
	if (ret)
		goto err_devlink;
	link->ports[index] = port;
	maia_port_debugfs_init(port);
	return 0;

err_devlink:
	maia_port_devlink_fini(port);
err_evt:
	dma_free_coherent(port->dev, sizeof(*port->evt), port->evt,
			  port->evt_dma);
err_free:
	free_netdev(netdev);
	return ret;
}

static void maia_port_destroy(struct maia_port *port)
{
	maia_port_debugfs_fini(port);
	unregister_netdev(port->netdev);
	cancel_work_sync(&port->reset_work);
	cancel_work_sync(&port->link_work);
	maia_port_devlink_fini(port);
	dma_free_coherent(port->dev, sizeof(*port->evt), port->evt,
			  port->evt_dma);
	mutex_destroy(&port->mod_lock);
	free_netdev(port->netdev);
}

static void maia_link_destroy_ports(struct maia_link *link)
{
	unsigned int i;

	for (i = 0; i < link->num_ports; i++) {
		if (link->ports[i])
			maia_port_destroy(link->ports[i]);
		link->ports[i] = NULL;
	}
}

static int maia_link_probe(struct auxiliary_device *adev,
			   const struct auxiliary_device_id *id)
{
	struct maia_link *link;
	unsigned int i;
	int ret;

	link = maia_link_devlink_alloc(adev);
	if (!link)
		return -ENOMEM;
	link->num_ports = min_t(u32, maia_core_info(link->core)->num_ports,
				MAIA_MAX_PORTS);
	maia_link_init_rmon_ranges(link);
	auxiliary_set_drvdata(adev, link);

	for (i = 0; i < link->num_ports; i++) {
		ret = maia_port_create(link, i);
		if (ret) {
			maia_link_destroy_ports(link);
			maia_link_devlink_free(link);
			return dev_err_probe(&adev->dev, ret,
					     "cannot register port %u\n", i);
		}
	}
	devlink_register(link->devlink);
	return 0;
}

static void maia_link_remove(struct auxiliary_device *adev)
{
	struct maia_link *link = auxiliary_get_drvdata(adev);

	devlink_unregister(link->devlink);
	maia_link_destroy_ports(link);
	maia_link_devlink_free(link);
}

static const struct auxiliary_device_id maia_link_ids[] = {
	{ .name = "maia_core." MAIA_AUX_LINK },
	{ }
};
MODULE_DEVICE_TABLE(auxiliary, maia_link_ids);

static struct auxiliary_driver maia_link_driver = {
	.name = "link",
	.probe = maia_link_probe,
	.remove = maia_link_remove,
	.id_table = maia_link_ids,
};

static int __init maia_link_init(void)
{
	int ret;

	maia_link_debugfs_init();
	ret = auxiliary_driver_register(&maia_link_driver);
	if (ret)
		maia_link_debugfs_exit();
	return ret;
}

static void __exit maia_link_exit(void)
{
	auxiliary_driver_unregister(&maia_link_driver);
	maia_link_debugfs_exit();
}

module_init(maia_link_init);
module_exit(maia_link_exit);

MODULE_IMPORT_NS(MAIA_CORE);
MODULE_DESCRIPTION("Maia optical link network driver");
MODULE_LICENSE("GPL");
