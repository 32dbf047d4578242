/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MAIA_LINK_H
#define MAIA_LINK_H

#include <linux/bitfield.h>
#include <linux/ethtool.h>
#include <linux/io.h>
#include <linux/netdevice.h>
#include <linux/u64_stats_sync.h>
#include <linux/workqueue.h>
#include <net/devlink.h>

#include "maia_core.h"

#define MAIA_LINK_DRV_NAME	"maia_link"

#define MAIA_PORT_RING_DEFAULT	1024
#define MAIA_RX_TRUESIZE	PAGE_SIZE
/*
 * A small frame in a whole page buffer would charge the socket a page:
 * copying it keeps truesize (and receive-buffer pressure) small.
 */
#define MAIA_RX_COPYBREAK_DEFAULT	256
#define MAIA_RX_COPYBREAK_MAX		1024
#define MAIA_RX_HEADROOM	NET_SKB_PAD
#define MAIA_RX_BUF_LEN		(ALIGN_DOWN(MAIA_RX_TRUESIZE - MAIA_RX_HEADROOM - \
				 SKB_DATA_ALIGN(sizeof(struct skb_shared_info)), 64))
#define MAIA_TXD_MAX_LEN	32768	/* split longer buffers */
/* free descriptors the xmit path needs for one packet (queue stop level) */
#define MAIA_TX_DESC_NEEDED	(2 * (MAX_SKB_FRAGS + 1) + 2)
static_assert(MAIA_TX_DESC_NEEDED + 1 < MAIA_PORT_RING_MIN,
	      "the smallest TX ring holds a worst-case packet");
#define MAIA_MTU_MAX		9000
#define MAIA_RX_USECS_DEFAULT	50
#define MAIA_RX_FRAMES_DEFAULT	32
#define MAIA_TX_USECS_DEFAULT	100
#define MAIA_TX_FRAMES_DEFAULT	64

/**
 * struct maia_tx_buf - driver state of one TX descriptor
 * @skb: packet completed by this descriptor (set on its last descriptor)
 * @dma: mapping to undo when this descriptor completes
 * @unmap_len: length of @dma, 0 if nothing to unmap here
 * @page: @dma was made with dma_map_page (a fragment)
 * @segs: segments on the wire (TSO), on the @skb descriptor
 * @bytes: bytes on the wire, on the @skb descriptor (for BQL)
 */
struct maia_tx_buf {
	struct sk_buff *skb;
	dma_addr_t dma;
	u32 unmap_len;
	bool page;
	u16 segs;
	u32 bytes;
};

/**
 * struct maia_rx_buf - a posted receive buffer: one page_pool page, the
 * device writing from MAIA_RX_HEADROOM on
 * @page: the page (NULL when not posted)
 */
struct maia_rx_buf {
	struct page *page;
};

/**
 * struct maia_tx_stats - TX counters of one ring (qstats)
 * @packets: packets given to the device
 * @bytes: bytes given to the device
 * @tso: TSO packets
 * @tso_segs: the segments they are cut into on the wire
 * @csum: packets with checksum offload
 * @stops: queue stopped (ring full)
 * @wakes: queue woken
 * @dropped: packets dropped by the driver (DMA mapping failures)
 */
struct maia_tx_stats {
	u64 packets;
	u64 bytes;
	u64 tso;
	u64 tso_segs;
	u64 csum;
	u64 stops;
	u64 wakes;
	u64 dropped;
};

/**
 * struct maia_rx_stats - RX counters of one ring
 * @packets: frames delivered to the stack
 * @bytes: bytes delivered
 * @alloc_fail: buffer allocation failures
 * @csum_ok: frames with a checksum verified by the device
 * @csum_none: frames the stack has to check
 * @csum_bad: frames the device found a bad checksum in
 * @dropped: frames dropped by the driver
 * @bufs: buffers consumed (more than one per jumbo frame)
 * @rsc: segments that arrived coalesced by the device (hardware GRO)
 * @rsc_frames: the coalesced frames they arrived in
 * @copied: frames copied into a small skb (rx-copybreak)
 */
struct maia_rx_stats {
	u64 packets;
	u64 bytes;
	u64 alloc_fail;
	u64 csum_ok;
	u64 csum_none;
	u64 csum_bad;
	u64 dropped;
	u64 bufs;
	u64 rsc;
	u64 rsc_frames;
	u64 copied;
};

struct maia_qpair;

/**
 * struct maia_tx_ring - one transmit ring
 * @qp: queue pair it belongs to
 * @txq: the stack's queue
 * @desc: descriptors (coherent DMA)
 * @desc_dma: bus address of @desc
 * @head_wb: where the device writes its consumer index
 * @head_wb_dma: bus address of @head_wb
 * @doorbell: the ring's TAIL register
 * @bufs: one entry per descriptor
 * @size: descriptors, a power of two
 * @wake_thresh: free descriptors at which completions wake the stopped
 *	queue (above MAIA_TX_DESC_NEEDED, below @size)
 * @ntu: next to use, written by the xmit path (TX queue lock held)
 * @ntc: next to clean, written by NAPI
 * @syncp: protects @stats; one writer, the xmit path
 * @stats: counters written by the xmit path
 * @clean_syncp: protects @wakes; one writer, NAPI
 * @wakes: queue wake-ups by completions
 *
 * Locking: the xmit path (under the netdev TX queue lock) owns @ntu and
 * the descriptors from @ntu on; NAPI owns @ntc. Each reads the other's
 * index with READ_ONCE. Queue stop/wake use netif_txq_maybe_stop() and
 * netif_txq_completed_wake(), which carry the barriers.
 */
struct maia_tx_ring {
	struct maia_qpair *qp;
	struct netdev_queue *txq;
	struct maia_txd *desc;
	dma_addr_t desc_dma;
	__le32 *head_wb;
	dma_addr_t head_wb_dma;
	u32 __iomem *doorbell;
	struct maia_tx_buf *bufs;
	u32 size;
	u32 wake_thresh;
	u32 ntu;
	u32 ntc;
	struct u64_stats_sync syncp;
	struct maia_tx_stats stats;
	struct u64_stats_sync clean_syncp;
	u64 wakes;
};

/**
 * struct maia_rx_ring - one receive ring
 * @qp: queue pair it belongs to
 * @pool: page_pool the buffers come from
 * @desc: descriptors (coherent DMA)
 * @desc_dma: bus address of @desc
 * @doorbell: the ring's TAIL register
 * @bufs: one entry per descriptor
 * @skb: frame being assembled from several buffers
 * @discard: drop buffers up to the next end of frame
 * @size: descriptors, a power of two
 * @ntu: next descriptor to post
 * @ntc: next descriptor the device completes
 * @syncp: protects @stats
 * @stats: counters
 *
 * Locking: only NAPI touches the ring once it runs (open and close refill
 * and drain it with NAPI disabled).
 */
struct maia_rx_ring {
	struct maia_qpair *qp;
	struct page_pool *pool;
	union maia_rxd *desc;
	dma_addr_t desc_dma;
	u32 __iomem *doorbell;
	struct maia_rx_buf *bufs;
	struct sk_buff *skb;
	bool discard;
	u32 size;
	u32 ntu;
	u32 ntc;
	struct u64_stats_sync syncp;
	struct maia_rx_stats stats;
};

struct maia_port;

/**
 * struct maia_port_cfg - what a (re)start of the data path allocates
 * @num_qps: queue pairs
 * @tx_ring_size: TX descriptors per queue pair
 * @rx_ring_size: RX descriptors per queue pair
 */
struct maia_port_cfg {
	unsigned int num_qps;
	u32 tx_ring_size;
	u32 rx_ring_size;
};

/**
 * struct maia_qpair - a TX/RX ring pair with its MSI-X vector and NAPI
 * @port: the port
 * @index: queue pair number on the port
 * @regs: the pair's registers in the port block (MAIA_P_QP(index, 0))
 * @irq: Linux interrupt number
 * @irq_name: name shown in /proc/interrupts
 * @irqs: interrupts taken (self-test)
 * @napi: NAPI context, polls both rings
 * @tx: transmit ring
 * @rx: receive ring
 */
struct maia_qpair {
	struct maia_port *port;
	unsigned int index;
	void __iomem *regs;
	int irq;
	char irq_name[IFNAMSIZ + 16];
	atomic_t irqs;
	struct napi_struct napi;
	struct maia_tx_ring tx;
	struct maia_rx_ring rx;
};

struct maia_link;

/**
 * struct maia_port - one optical port, the private part of its netdev
 * @netdev: the network device
 * @link: the link device the port belongs to
 * @core: shortcut to the core
 * @regs: the port's register block, from maia_core_port_regs()
 * @dev: the PCI function's device, for DMA mappings
 * @index: port number on the device
 * @num_lanes: lanes of the port
 * @lane_rate: Mb/s per lane
 * @qps: queue pairs while the interface is up (RTNL)
 * @num_qps: queue pairs configured (ethtool -L), RTNL
 * @up_qps: queue pairs allocated by the last maia_port_up(), RTNL
 * @tx_ring_size: ethtool -G, RTNL
 * @rx_ring_size: ethtool -G, RTNL
 * @rx_usecs: ethtool -C, RTNL
 * @rx_frames: ethtool -C, RTNL
 * @tx_usecs: ethtool -C, RTNL
 * @tx_frames: ethtool -C, RTNL
 * @rx_copybreak: frames up to this size are copied into a small skb and
 *	their buffer reused (ethtool --set-tunable rx-copybreak); written under
 *	RTNL, read by NAPI with READ_ONCE()
 * @rss_key: RSS key, RTNL
 * @rss_indir: RSS indirection table, RTNL
 * @evt: link event record written by the device (coherent DMA)
 * @evt_dma: bus address of @evt
 * @evt_seen: last event sequence handled, NAPI of queue pair 0
 * @link_work: carrier update after a link event
 * @reset_work: reports a transmit timeout to devlink health
 * @retrain_work: link recovery (takes RTNL)
 * @restart_work: transmit recovery: restart the queue pairs (takes RTNL)
 * @timeout_queue: queue of the last transmit timeout
 * @tx_timeouts: transmit timeouts seen
 * @stats_lock: protects @base_tx, @base_rx and the @qps pointers against
 *	readers of statistics (ndo_get_stats64, qstats)
 * @base_tx: counters of rings freed since probe
 * @base_rx: counters of rings freed since probe
 * @mod_lock: serialises the selector registers: MOD_PAGE + window reads,
 *	DBG_LANE_SEL + DBG_LANE_BER
 * @selftest_rx: frames of a running loopback self-test seen by RX
 * @selftest_active: a loopback self-test is running
 * @loopback: MAC loopback in effect (NETIF_F_LOOPBACK or the self-test):
 *	the carrier is on whatever the link; written under RTNL, read by
 *	the link work with READ_ONCE()
 * @forced_lanes: lanes forced with autoneg off (ethtool -s), 0 with
 *	autoneg on; written under RTNL, read with READ_ONCE()
 * @adv_lanes: with autoneg on, the most lanes advertised (0: all), RTNL
 * @up: the data path is running (RTNL)
 * @dl_port: devlink port
 * @health_link: devlink health reporter for the link
 * @health_tx: devlink health reporter for transmit timeouts
 * @debugfs: debugfs directory of the port
 *
 * Locking: configuration (open/stop, ethtool, devlink recovery) runs under
 * RTNL. The data path follows struct maia_tx_ring and struct maia_rx_ring.
 */
struct maia_port {
	struct net_device *netdev;
	struct maia_link *link;
	struct maia_core *core;
	void __iomem *regs;
	struct device *dev;
	unsigned int index;
	unsigned int num_lanes;
	unsigned int lane_rate;

	struct maia_qpair *qps[MAIA_PORT_QPAIRS];
	unsigned int num_qps;
	unsigned int up_qps;
	u32 tx_ring_size;
	u32 rx_ring_size;
	u32 rx_usecs;
	u32 rx_frames;
	u32 tx_usecs;
	u32 tx_frames;
	u32 rx_copybreak;
	u8 rss_key[MAIA_RSS_KEY_SIZE];
	u8 rss_indir[MAIA_RSS_INDIR_SIZE];

	struct maia_port_event *evt;
	dma_addr_t evt_dma;
	u32 evt_seen;
	struct work_struct link_work;
	struct work_struct reset_work;
	struct work_struct retrain_work;
	struct work_struct restart_work;
	unsigned int timeout_queue;
	atomic64_t tx_timeouts;

	spinlock_t stats_lock; /* base stats, qps pointers for readers */
	struct maia_tx_stats base_tx;
	struct maia_rx_stats base_rx;

	struct mutex mod_lock; /* MOD_PAGE, DBG_LANE_SEL users */
	atomic_t selftest_rx;
	bool selftest_active;
	bool loopback;
	u32 forced_lanes;
	u32 adv_lanes;
	bool up;

	struct devlink_port dl_port;
	struct devlink_health_reporter *health_link;
	struct devlink_health_reporter *health_tx;
	struct dentry *debugfs;
};

/**
 * struct maia_link - the link personality of one Maia function
 * @adev: the auxiliary device bound
 * @core: the maia_core behind it
 * @devlink: devlink instance (its priv points back here)
 * @num_ports: ports registered
 * @ports: the ports; written at probe and remove only (no lock needed)
 * @rmon_ranges: ethtool's RMON histogram ranges (MAIA_RMON_BIN_TOPS),
 *	constant after probe, ended by an empty range
 */
struct maia_link {
	struct auxiliary_device *adev;
	struct maia_core *core;
	struct devlink *devlink;
	unsigned int num_ports;
	struct maia_port *ports[MAIA_MAX_PORTS];
	struct ethtool_rmon_hist_range rmon_ranges[MAIA_RMON_BINS + 1];
};

/* Registers of the port block (MAIA_P_*) */
static inline u32 maia_port_rd(struct maia_port *port, u32 reg)
{
	return readl(port->regs + reg);
}

static inline void maia_port_wr(struct maia_port *port, u32 reg, u32 val)
{
	writel(val, port->regs + reg);
}

/* Registers of one queue pair (MAIA_TXR_*, MAIA_RXR_*, MAIA_QP_*) */
static inline u32 maia_qp_rd(struct maia_qpair *qp, u32 reg)
{
	return readl(qp->regs + reg);
}

static inline void maia_qp_wr(struct maia_qpair *qp, u32 reg, u32 val)
{
	writel(val, qp->regs + reg);
}

u64 maia_port_rd64(struct maia_port *port, u32 reg);

/* maia_link_txrx.c */
int maia_port_alloc_qps(struct maia_port *port, const struct maia_port_cfg *cfg,
			struct maia_qpair **qps);
int maia_port_start(struct maia_port *port, struct maia_qpair **qps);
int maia_port_up(struct maia_port *port);
void maia_port_down(struct maia_port *port);
netdev_tx_t maia_start_xmit(struct sk_buff *skb, struct net_device *netdev);
void maia_port_apply_coalesce(struct maia_port *port);
void maia_port_apply_rss(struct maia_port *port);
void maia_port_fold_stats(struct maia_port *port, struct maia_qpair *qp);
void maia_qp_read_stats(struct maia_qpair *qp, struct maia_tx_stats *tx,
			struct maia_rx_stats *rx);

/* maia_link_main.c */
void maia_port_get_totals(struct maia_port *port, struct maia_tx_stats *tx,
			  struct maia_rx_stats *rx);
int maia_port_reconfigure(struct maia_port *port,
			  const struct maia_port_cfg *cfg);
void maia_port_link_update(struct maia_port *port);
bool maia_port_link_ok(struct maia_port *port, u32 status);
u32 maia_port_lane_limit(struct maia_port *port);

/* maia_link_ethtool.c */
extern const struct ethtool_ops maia_ethtool_ops;
int maia_port_module_read(struct maia_port *port, u8 bank, u8 page,
			  u32 offset, u32 len, u8 *data);
const char *maia_link_reason_str(u32 reason);
void maia_link_init_rmon_ranges(struct maia_link *link);

/* maia_link_devlink.c */
struct maia_link *maia_link_devlink_alloc(struct auxiliary_device *adev);
void maia_link_devlink_free(struct maia_link *link);
int maia_port_devlink_init(struct maia_port *port);
void maia_port_devlink_fini(struct maia_port *port);
void maia_port_report_link_down(struct maia_port *port, u32 status);
void maia_port_report_tx_timeout(struct maia_port *port, unsigned int queue);

/* maia_link_debugfs.c */
void maia_link_debugfs_init(void);
void maia_link_debugfs_exit(void);
void maia_port_debugfs_init(struct maia_port *port);
void maia_port_debugfs_fini(struct maia_port *port);

#endif /* MAIA_LINK_H */
