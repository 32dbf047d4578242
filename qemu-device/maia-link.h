/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Maia accelerator: optical ports, state shared by the files of the link.
 *
 * maia-link.c       register side: port registers, queue pairs, interrupt
 *                   moderation, link events, realize/reset, vmstate
 * maia-link-tx.c    transmit path: TX rings, gather, TSO, checksums
 * maia-link-rx.c    receive path: RSS, RSC, RX rings and write-back
 * maia-link-pkt.c   frame parsing and Internet checksums (TX and RX)
 * maia-link-phy.c   lanes, training, FEC, module memory, faults
 *
 * Everything here runs under the BQL in the main loop or a vCPU: MMIO
 * handlers, each port's transmit bottom half, the RX-flush bottom halves,
 * the interrupt moderation timers, the training tick, the net layer's
 * receive callbacks and QOM property setters. So no state below needs a
 * lock of its own, and nothing here ever drops the BQL. The bottom halves
 * are guarded and the timers engage the device's reentrancy guard, so the
 * ports' own DMA and MSI-X cannot reach their registers. While the VM is
 * stopped the bottom halves do nothing (a VM-state handler restarts them).
 */
#ifndef HW_MISC_MAIA_LINK_H
#define HW_MISC_MAIA_LINK_H

#include "exec/memory.h"
#include "hw/pci/pci_device.h"
#include "net/net.h"
#include "net/checksum.h"
#include "qemu/host-utils.h"
#include "qemu/thread.h"
#include "qemu/timer.h"
#include "maia_hw.h"

struct MaiaState;
struct MaiaPort;

#define MAIA_TXD_CACHE          64      /* descriptors fetched per DMA */
#define MAIA_RXD_CACHE          64
#define MAIA_TX_BUDGET          256     /* packets per ring per batch */
/* bytes gathered and put on the wire per batch (one BQL hold) */
#define MAIA_TX_WORK_BUDGET     (2 * 1024 * 1024)
#define MAIA_TRAIN_PERIOD_NS    (MAIA_TRAIN_PERIOD_MS * SCALE_MS)
#define MAIA_PEER_TIMEOUT_NS    (MAIA_TRAIN_PEER_TIMEOUT_MS * SCALE_MS)
#define MAIA_TRAIN_FAIL_TICKS   5
#define MAIA_FEC_CW_BITS        5440    /* RS(544,514), 10-bit symbols */
#define MAIA_FEC_T              15      /* correctable symbols per codeword */
#define MAIA_RSC_BUF_SIZE       65536   /* a coalesced frame */

typedef struct MaiaTxRing {
    /* guest-visible */
    uint64_t addr;
    uint32_t size;
    uint32_t head;
    uint32_t tail;
    uint64_t wb;
    uint32_t ctrl;
    bool stalled;               /* packet at HEAD incomplete: wait for TAIL */
    /* descriptor cache: cache_n descriptors starting at ring index head */
    uint32_t cache_n;
    uint32_t cache_pos;
    struct maia_txd cache[MAIA_TXD_CACHE];
} MaiaTxRing;

typedef struct MaiaRxRing {
    /* guest-visible */
    uint64_t addr;
    uint32_t size;
    uint32_t head;
    uint32_t tail;
    uint32_t buf_len;
    uint32_t ctrl;
    /* buffer addresses fetched ahead: cache_n entries from ring index head */
    uint32_t cache_n;
    uint32_t cache_pos;
    uint64_t cache[MAIA_RXD_CACHE];
} MaiaRxRing;

/*
 * Receive segment coalescing context of one RX ring: consecutive in-order
 * TCP segments of one flow merged into one frame (P_CTRL.RSC), handed to
 * the ring when the flow changes, a segment cannot be merged, the frame is
 * full, or at the end of the current burst (rsc_bh). While a context is
 * active its frame always fits in the ring's free buffers.
 */
typedef struct MaiaRsc {
    bool active;
    unsigned l3;
    unsigned l4;
    unsigned hdr;               /* L2 + L3 + TCP header */
    int ipver;
    uint32_t next_seq;
    uint16_t next_id;
    uint16_t mss;
    unsigned segs;
    size_t len;
    uint32_t hash;
    uint32_t type;
    uint8_t *buf;
} MaiaRsc;

typedef struct MaiaQpair {
    struct MaiaPort *port;
    unsigned index;
    MaiaTxRing tx;
    MaiaRxRing rx;
    MaiaRsc rsc;

    /* interrupt moderation (guest-visible) */
    uint32_t rx_usecs;
    uint32_t rx_frames;
    uint32_t tx_usecs;
    uint32_t tx_frames;
    uint32_t irqs;
    bool armed;
    /* events since the last message */
    uint32_t rx_pending;
    uint32_t tx_pending;
    bool evt_pending;
    int64_t rx_first;
    int64_t tx_first;
    QEMUTimer *irq_timer;
} MaiaQpair;

typedef struct MaiaPort {
    struct MaiaState *s;
    unsigned index;

    NICConf conf;
    NICState *nic;
    QEMUBH *tx_bh;              /* moves frames from the TX rings */
    unsigned tx_first;          /* TX ring the next batch starts with */
    uint64_t tx_work;           /* bytes of the current batch */
    QEMUBH *rx_bh;
    QEMUBH *rsc_bh;             /* flushes the coalescing contexts */
    bool tx_blocked;            /* waiting for the backend's sent callback */
    bool rx_stalled;            /* told the net layer we cannot receive */
    uint8_t *txbuf;             /* gathered packet, MAIA_TX_MAX_PACKET */
    uint8_t *segbuf;            /* one TSO segment */

    /* registers */
    uint32_t ctrl;
    uint32_t max_frame;
    uint32_t fec;
    uint32_t lane_limit;
    uint32_t int_cause;
    uint32_t int_mask;
    uint64_t evt_addr;
    uint32_t evt_seq;
    uint32_t rss_ctrl;
    uint8_t rss_key[MAIA_RSS_KEY_SIZE];
    uint8_t rss_indir[MAIA_RSS_INDIR_SIZE];
    uint32_t mod_page;
    uint64_t stats[MAIA_STAT_COUNT];
    uint64_t fec_lane[MAIA_PORT_LANES_MAX][MAIA_FECL_COUNTERS];

    /* link state */
    uint32_t state;
    uint32_t reason;
    uint32_t lanes_active;
    uint32_t speed;
    uint32_t link_ups;
    uint32_t link_downs;
    uint32_t trainings;
    uint32_t train_ticks;       /* ticks spent in TRAINING */
    uint32_t train_seq;
    uint32_t adv_lanes;         /* what our training frames offer */
    bool overtemp;

    /* faults (QOM port<p>-* properties and the DBG registers) */
    uint32_t lane_kill;
    bool fiber_pulled;
    uint32_t dbg_lane_sel;
    uint32_t ber[MAIA_PORT_LANES_MAX];  /* units of 1e-10 */
    int32_t temp_base_mc;

    /* derived from ber[] */
    uint32_t err_lanes;         /* lanes lost to errors */
    double p_unc[MAIA_PORT_LANES_MAX];   /* uncorrectable codeword */
    double p_corr[MAIA_PORT_LANES_MAX];  /* corrected codeword */
    double e_bits[MAIA_PORT_LANES_MAX];  /* corrected bits per codeword */
    double fec_frac[MAIA_PORT_LANES_MAX][MAIA_FECL_COUNTERS];
    double ln_survive_bit;      /* ln P(a frame bit survives), active lanes */
    bool ber_any;               /* some active lane has a BER */
    uint64_t prng;

    /* peer, from its training frames */
    bool peer_seen;
    int64_t peer_last;
    uint64_t peer_serial;
    uint32_t peer_port;
    uint32_t peer_lanes;
    uint32_t peer_nlanes;
    uint32_t peer_rate;
    uint32_t peer_fec;
    uint32_t peer_flags;
    uint16_t peer_txpwr[MAIA_PORT_LANES_MAX];

    /* telemetry */
    int32_t temp_mc;
    uint64_t tick_bytes;        /* bytes moved since the last tick */

    MaiaQpair qp[MAIA_PORT_QPAIRS];
} MaiaPort;

typedef struct MaiaLink {
    MemoryRegion mmio;          /* BAR0 from MAIA_PORT_BASE to the end */
    /* properties */
    NICPeers peers[MAIA_MAX_PORTS];
    uint32_t lane_rate;         /* Mb/s */
    /* state */
    unsigned nports;
    QEMUTimer *tick;
    int64_t last_tick;
    VMChangeStateEntry *vmse;
    MaiaPort port[MAIA_MAX_PORTS];
} MaiaLink;

/* Counter MAIA_STAT_<name> of port @p */
#define MAIA_PORT_STAT(p, name) ((p)->stats[MAIA_STAT_##name])

static inline PCIDevice *maia_port_pdev(MaiaPort *p)
{
    return PCI_DEVICE(p->s);
}

/* Entries between @head and @tail of a ring of @size (a power of two). */
static inline uint32_t maia_port_ring_avail(uint32_t head, uint32_t tail,
                                            uint32_t size)
{
    return (tail - head) & (size - 1);
}

static inline bool maia_port_ring_size_ok(uint32_t size)
{
    return is_power_of_2(size) && size >= MAIA_PORT_RING_MIN &&
           size <= MAIA_PORT_RING_MAX;
}

static inline bool maia_txr_usable(MaiaTxRing *ring)
{
    return (ring->ctrl & (MAIA_TXR_CTRL_ENABLE | MAIA_TXR_CTRL_ERROR)) ==
           MAIA_TXR_CTRL_ENABLE;
}

static inline bool maia_rxr_usable(MaiaRxRing *ring)
{
    return (ring->ctrl & (MAIA_RXR_CTRL_ENABLE | MAIA_RXR_CTRL_ERROR)) ==
           MAIA_RXR_CTRL_ENABLE;
}

/* maia-link.c: called from maia.c */
bool maia_link_realize(struct MaiaState *s, Error **errp);
void maia_link_exit(struct MaiaState *s);
void maia_link_reset(struct MaiaState *s);
extern const VMStateDescription vmstate_maia_link;

/* maia-link.c: services for the data path and the PHY */
void maia_port_link_event(MaiaPort *p);
uint32_t maia_port_lanes(MaiaPort *p);
uint32_t maia_port_lane_rate(MaiaPort *p);
uint64_t maia_port_serial(MaiaPort *p);
bool maia_port_busmaster(MaiaPort *p);
void maia_count_frame(MaiaPort *p, const uint8_t *buf, size_t len, bool tx);
/* Interrupt moderation: account events, send the vector when due. */
void maia_qp_rx_event(MaiaQpair *qp);
void maia_qp_tx_event(MaiaQpair *qp, uint32_t n);
void maia_qp_irq_update(MaiaQpair *qp);

/* maia-link-pkt.c: where the headers of a frame are */
typedef struct MaiaPkt {
    unsigned l3;
    unsigned l4;
    unsigned l4_len;
    int ipver;                  /* 0, 4 or 6 */
    uint8_t proto;
    bool frag;
    bool ip_csum_bad;
} MaiaPkt;

void maia_parse(const uint8_t *buf, size_t size, MaiaPkt *pk);
/* Ones' complement sums, folded to 16 bits (net_checksum_add's value) */
uint32_t maia_csum(const uint8_t *buf, size_t len);
uint32_t maia_pseudo_sum(const uint8_t *buf, const MaiaPkt *pk,
                         unsigned l4_len);

/* maia-link-tx.c */
void maia_port_tx_bh(void *opaque);
/* Schedule the port's transmit bottom half. */
void maia_port_tx_kick(MaiaPort *p);
void maia_txr_ctrl(MaiaPort *p, MaiaQpair *qp, uint32_t val);

/* maia-link-rx.c */
bool maia_port_can_receive(NetClientState *nc);
ssize_t maia_port_receive(NetClientState *nc, const uint8_t *buf,
                          size_t size);
/* A frame at the MAC; 0 if it must be held (no buffers), else @size. */
ssize_t maia_port_rx_frame(MaiaPort *p, const uint8_t *buf, size_t size,
                           bool wire);
/* Retry the frames held back for lack of buffers (from a BH). */
void maia_port_rx_flush(MaiaPort *p);
void maia_port_rx_bh(void *opaque);
void maia_port_rsc_bh(void *opaque);
void maia_rsc_flush_port(MaiaPort *p);
void maia_rxr_ctrl(MaiaPort *p, MaiaQpair *qp, uint32_t val);

/* maia-link-phy.c */
void maia_phy_init(MaiaPort *p);
void maia_phy_realize(struct MaiaState *s);
void maia_phy_reset(MaiaPort *p);
void maia_phy_tick(MaiaPort *p, int64_t now, int64_t dt_ns);
void maia_phy_evaluate(MaiaPort *p);
bool maia_phy_rx_training(MaiaPort *p, const uint8_t *buf, size_t size);
void maia_phy_send_training(MaiaPort *p);
bool maia_phy_rx_corrupt(MaiaPort *p, size_t size);
void maia_phy_update_ber(MaiaPort *p);
uint32_t maia_phy_mod_read(MaiaPort *p, unsigned offset);
uint64_t maia_phy_dbg_read(MaiaPort *p, hwaddr reg);
void maia_phy_dbg_write(MaiaPort *p, hwaddr reg, uint32_t val);
void maia_phy_post_load(MaiaPort *p);
bool maia_phy_can_transmit(MaiaPort *p);

#endif /* HW_MISC_MAIA_LINK_H */
