/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Maia accelerator: optical ports, register side.
 *
 * One job: the port as the guest sees it. Each port is a NIC on a QEMU
 * net backend (netdev0..3) with MAIA_PORT_QPAIRS queue pairs of TX/RX
 * descriptor rings in guest memory; its register block is
 * MAIA_PORT_REG(p, 0) (include/hw/maia_hw.h, Documentation/hw-reference.rst
 * "Optical ports"). This file holds the register file of the ports
 * (control, status, RSS, statistics, queue pairs, FEC counters; module
 * memory and fault injection are handed to maia-link-phy.c), interrupt
 * moderation and link events (struct maia_port_event), frame statistics,
 * the training tick, and the ports' realize/exit/reset and vmstate.
 *
 * The data path is maia-link-tx.c and maia-link-rx.c (frame parsing for
 * both: maia-link-pkt.c); lanes, training, FEC and module memory are
 * maia-link-phy.c. Everything runs under the BQL (see maia-link.h).
 */

#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/main-loop.h"
#include "qemu/bswap.h"
#include "qapi/error.h"
#include "hw/pci/pci.h"
#include "hw/pci/pci_device.h"
#include "migration/vmstate.h"
#include "net/net.h"
#include "net/eth.h"
#include "system/dma.h"
#include "system/runstate.h"
#include "trace.h"
#include "maia.h"

/*
 * Timers are not guarded like bottom halves: engage the device's
 * reentrancy guard around those that do DMA or send MSI-X, so that a
 * record or message aimed at BAR0 cannot run our register handlers.
 */
static bool maia_link_guard_enter(MaiaState *s)
{
    MemReentrancyGuard *g = &DEVICE(s)->mem_reentrancy_guard;
    bool was = g->engaged_in_io;

    g->engaged_in_io = true;
    return was;
}

static void maia_link_guard_leave(MaiaState *s, bool was)
{
    DEVICE(s)->mem_reentrancy_guard.engaged_in_io = was;
}

uint32_t maia_port_lanes(MaiaPort *p)
{
    return p->s->lanes;
}

uint32_t maia_port_lane_rate(MaiaPort *p)
{
    return p->s->link.lane_rate;
}

uint64_t maia_port_serial(MaiaPort *p)
{
    return p->s->serial;
}

bool maia_port_busmaster(MaiaPort *p)
{
    return pci_get_word(maia_port_pdev(p)->config + PCI_COMMAND) &
           PCI_COMMAND_MASTER;
}

/* Interrupt moderation ---------------------------------------------------- */

void maia_qp_irq_update(MaiaQpair *qp)
{
    MaiaPort *p = qp->port;
    int64_t now, deadline = INT64_MAX, d;
    bool fire = qp->evt_pending;

    if (!qp->armed) {
        return;
    }
    if (!qp->rx_pending && !qp->tx_pending && !qp->evt_pending) {
        return;
    }
    now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    if (qp->rx_pending) {
        if (!qp->rx_usecs ||
            (qp->rx_frames && qp->rx_pending >= qp->rx_frames)) {
            fire = true;
        } else {
            d = qp->rx_first + (int64_t)qp->rx_usecs * SCALE_US;
            if (now >= d) {
                fire = true;
            }
            deadline = MIN(deadline, d);
        }
    }
    if (qp->tx_pending) {
        if (!qp->tx_usecs ||
            (qp->tx_frames && qp->tx_pending >= qp->tx_frames)) {
            fire = true;
        } else {
            d = qp->tx_first + (int64_t)qp->tx_usecs * SCALE_US;
            if (now >= d) {
                fire = true;
            }
            deadline = MIN(deadline, d);
        }
    }
    if (fire) {
        qp->armed = false;
        qp->rx_pending = 0;
        qp->tx_pending = 0;
        qp->evt_pending = false;
        timer_del(qp->irq_timer);
        qp->irqs++;
        trace_maia_link_irq(p->index, qp->index);
        maia_raise_vector(p->s, MAIA_VEC_PORT(p->index, qp->index));
        return;
    }
    if (!timer_pending(qp->irq_timer) ||
        timer_expire_time_ns(qp->irq_timer) > deadline) {
        timer_mod(qp->irq_timer, deadline);
    }
}

static void maia_qp_irq_timer(void *opaque)
{
    MaiaQpair *qp = opaque;
    bool was = maia_link_guard_enter(qp->port->s);

    maia_qp_irq_update(qp);
    maia_link_guard_leave(qp->port->s, was);
}

void maia_qp_rx_event(MaiaQpair *qp)
{
    if (!qp->rx_pending++) {
        qp->rx_first = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    }
}

void maia_qp_tx_event(MaiaQpair *qp, uint32_t n)
{
    if (!n) {
        return;
    }
    if (!qp->tx_pending) {
        qp->tx_first = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    }
    qp->tx_pending += n;
}

/* P_STATUS: link state, down reason and active lanes. */
static uint32_t maia_port_status(MaiaPort *p)
{
    return (p->state == MAIA_LINK_STATE_UP ? MAIA_P_STATUS_UP : 0) |
           MAIA_FIELD_PREP(MAIA_P_STATUS_STATE, p->state) |
           MAIA_FIELD_PREP(MAIA_P_STATUS_REASON, p->reason) |
           MAIA_FIELD_PREP(MAIA_P_STATUS_LANES, ctpop32(p->lanes_active));
}

/* Link events: event record, port cause, queue pair 0 vector, INT_CAUSE. */
void maia_port_link_event(MaiaPort *p)
{
    const size_t rest = offsetof(struct maia_port_event, status);
    struct maia_port_event ev;
    MemTxResult r;

    p->evt_seq++;
    if (p->evt_addr && maia_port_busmaster(p)) {
        ev.seq = cpu_to_le32(p->evt_seq);
        ev.status = cpu_to_le32(maia_port_status(p));
        ev.speed = cpu_to_le32(p->speed);
        ev.lanes = cpu_to_le32(p->lanes_active);
        /* seq last, so that a reader seeing it sees the rest */
        QEMU_BUILD_BUG_ON(offsetof(struct maia_port_event, seq) != 0);
        r = pci_dma_write(maia_port_pdev(p), p->evt_addr + rest,
                          (uint8_t *)&ev + rest, sizeof(ev) - rest);
        if (r == MEMTX_OK) {
            r = stl_le_pci_dma(maia_port_pdev(p), p->evt_addr, p->evt_seq,
                               MEMTXATTRS_UNSPECIFIED);
        }
        if (r != MEMTX_OK) {
            trace_maia_link_dma_error(p->index, "event", p->evt_addr, r);
        }
    }
    p->int_cause |= MAIA_P_INT_LINK;
    if (p->int_mask & MAIA_P_INT_LINK) {
        p->qp[0].evt_pending = true;
        maia_qp_irq_update(&p->qp[0]);
    }
    maia_set_cause(p->s, MAIA_INT_LINK);
    /* frames held for a ring may now be dropped or delivered */
    if (p->rx_stalled) {
        qemu_bh_schedule(p->rx_bh);
    }
}

/* Statistics helpers ------------------------------------------------------- */

static unsigned maia_rmon_bin(size_t len)
{
    static const unsigned top[MAIA_RMON_BINS] = MAIA_RMON_BIN_TOPS;
    size_t wire = len + ETH_FCS_LEN;
    unsigned i;

    for (i = 0; i < ARRAY_SIZE(top); i++) {
        if (wire <= top[i]) {
            return i;
        }
    }
    return MAIA_RMON_BINS - 1;
}

void maia_count_frame(MaiaPort *p, const uint8_t *buf, size_t len, bool tx)
{
    bool mcast = buf[0] & 1;
    bool bcast = mcast && !memcmp(buf, "\xff\xff\xff\xff\xff\xff", 6);

    if (tx) {
        MAIA_PORT_STAT(p, TX_FRAMES)++;
        MAIA_PORT_STAT(p, TX_BYTES) += len;
        p->stats[MAIA_STAT_TX_HIST + maia_rmon_bin(len)]++;
        if (bcast) {
            MAIA_PORT_STAT(p, TX_BCAST)++;
        } else if (mcast) {
            MAIA_PORT_STAT(p, TX_MCAST)++;
        }
    } else {
        MAIA_PORT_STAT(p, RX_FRAMES)++;
        MAIA_PORT_STAT(p, RX_BYTES) += len;
        p->stats[MAIA_STAT_RX_HIST + maia_rmon_bin(len)]++;
        if (bcast) {
            MAIA_PORT_STAT(p, RX_BCAST)++;
        } else if (mcast) {
            MAIA_PORT_STAT(p, RX_MCAST)++;
        }
    }
    p->tick_bytes += len;
}

/* Queue pair registers ----------------------------------------------------- */

/*
 * The geometry of a ring (address, size, write-back address, buffer size)
 * is read-only while the ring is enabled, and sizes outside the documented
 * ranges are not taken: the data path relies on both.
 */
static bool maia_qp_geometry_ok(MaiaPort *p, MaiaQpair *qp, hwaddr r,
                                uint32_t v)
{
    bool tx = r < MAIA_RXR_ADDR_LO;
    bool enabled = tx ? qp->tx.ctrl & MAIA_TXR_CTRL_ENABLE
                      : qp->rx.ctrl & MAIA_RXR_CTRL_ENABLE;

    if (enabled) {
        qemu_log_mask(LOG_GUEST_ERROR, "maia: port %u %s ring %u: register "
                      "0x%02" HWADDR_PRIx " is read-only while the ring is "
                      "enabled; 0x%x ignored\n", p->index, tx ? "tx" : "rx",
                      qp->index, r, v);
        return false;
    }
    if ((r == MAIA_TXR_SIZE || r == MAIA_RXR_SIZE) &&
        !maia_port_ring_size_ok(v)) {
        qemu_log_mask(LOG_GUEST_ERROR, "maia: port %u %s ring %u: size %u "
                      "ignored (a power of two, %u..%u)\n", p->index,
                      tx ? "tx" : "rx", qp->index, v, MAIA_PORT_RING_MIN,
                      MAIA_PORT_RING_MAX);
        return false;
    }
    if (r == MAIA_RXR_BUF_LEN && (v < MAIA_RX_BUF_MIN || v > MAIA_RX_BUF_MAX)) {
        qemu_log_mask(LOG_GUEST_ERROR, "maia: port %u rx ring %u: buffer "
                      "length %u ignored (%u..%u)\n", p->index, qp->index, v,
                      MAIA_RX_BUF_MIN, MAIA_RX_BUF_MAX);
        return false;
    }
    return true;
}

static void maia_qp_write(MaiaPort *p, MaiaQpair *qp, hwaddr r, uint32_t v)
{
    switch (r) {
    case MAIA_TXR_ADDR_LO:
    case MAIA_TXR_ADDR_HI:
    case MAIA_TXR_SIZE:
    case MAIA_TXR_WB_LO:
    case MAIA_TXR_WB_HI:
    case MAIA_RXR_ADDR_LO:
    case MAIA_RXR_ADDR_HI:
    case MAIA_RXR_SIZE:
    case MAIA_RXR_BUF_LEN:
        if (!maia_qp_geometry_ok(p, qp, r, v)) {
            return;
        }
        break;
    }

    switch (r) {
    case MAIA_TXR_ADDR_LO:
        qp->tx.addr = deposit64(qp->tx.addr, 0, 32, v);
        break;
    case MAIA_TXR_ADDR_HI:
        qp->tx.addr = deposit64(qp->tx.addr, 32, 32, v);
        break;
    case MAIA_TXR_SIZE:
        qp->tx.size = v;
        break;
    case MAIA_TXR_TAIL:
        if (!maia_txr_usable(&qp->tx) || v >= qp->tx.size) {
            qemu_log_mask(LOG_GUEST_ERROR, "maia: port %u tx ring %u: tail %u "
                          "ignored\n", p->index, qp->index, v);
            break;
        }
        qp->tx.tail = v;
        qp->tx.stalled = false;
        trace_maia_link_doorbell(p->index, qp->index, "tx", v);
        maia_port_tx_kick(p);
        break;
    case MAIA_TXR_WB_LO:
        qp->tx.wb = deposit64(qp->tx.wb, 0, 32, v);
        break;
    case MAIA_TXR_WB_HI:
        qp->tx.wb = deposit64(qp->tx.wb, 32, 32, v);
        break;
    case MAIA_TXR_CTRL:
        maia_txr_ctrl(p, qp, v);
        break;
    case MAIA_RXR_ADDR_LO:
        qp->rx.addr = deposit64(qp->rx.addr, 0, 32, v);
        break;
    case MAIA_RXR_ADDR_HI:
        qp->rx.addr = deposit64(qp->rx.addr, 32, 32, v);
        break;
    case MAIA_RXR_SIZE:
        qp->rx.size = v;
        break;
    case MAIA_RXR_TAIL:
        if (!maia_rxr_usable(&qp->rx) || v >= qp->rx.size) {
            qemu_log_mask(LOG_GUEST_ERROR, "maia: port %u rx ring %u: tail %u "
                          "ignored\n", p->index, qp->index, v);
            break;
        }
        qp->rx.tail = v;
        trace_maia_link_doorbell(p->index, qp->index, "rx", v);
        maia_port_rx_flush(p);
        break;
    case MAIA_RXR_BUF_LEN:
        qp->rx.buf_len = v;
        break;
    case MAIA_RXR_CTRL:
        maia_rxr_ctrl(p, qp, v);
        break;
    case MAIA_QP_IRQ_ARM:
        if (v & 1) {
            qp->armed = true;
            maia_qp_irq_update(qp);
        }
        break;
    case MAIA_QP_RX_USECS:
        qp->rx_usecs = MIN(v, MAIA_COALESCE_USECS_MAX);
        break;
    case MAIA_QP_RX_FRAMES:
        qp->rx_frames = MIN(v, MAIA_COALESCE_FRAMES_MAX);
        break;
    case MAIA_QP_TX_USECS:
        qp->tx_usecs = MIN(v, MAIA_COALESCE_USECS_MAX);
        break;
    case MAIA_QP_TX_FRAMES:
        qp->tx_frames = MIN(v, MAIA_COALESCE_FRAMES_MAX);
        break;
    default:
        qemu_log_mask(LOG_GUEST_ERROR, "maia: port %u qp %u: write to "
                      "unknown register 0x%02" HWADDR_PRIx "\n", p->index,
                      qp->index, r);
        break;
    }
}

static uint32_t maia_qp_read(MaiaQpair *qp, hwaddr r)
{
    switch (r) {
    case MAIA_TXR_ADDR_LO:
        return qp->tx.addr;
    case MAIA_TXR_ADDR_HI:
        return qp->tx.addr >> 32;
    case MAIA_TXR_SIZE:
        return qp->tx.size;
    case MAIA_TXR_HEAD:
        return qp->tx.head;
    case MAIA_TXR_TAIL:
        return qp->tx.tail;
    case MAIA_TXR_WB_LO:
        return qp->tx.wb;
    case MAIA_TXR_WB_HI:
        return qp->tx.wb >> 32;
    case MAIA_TXR_CTRL:
        return qp->tx.ctrl;
    case MAIA_RXR_ADDR_LO:
        return qp->rx.addr;
    case MAIA_RXR_ADDR_HI:
        return qp->rx.addr >> 32;
    case MAIA_RXR_SIZE:
        return qp->rx.size;
    case MAIA_RXR_HEAD:
        return qp->rx.head;
    case MAIA_RXR_TAIL:
        return qp->rx.tail;
    case MAIA_RXR_BUF_LEN:
        return qp->rx.buf_len;
    case MAIA_RXR_CTRL:
        return qp->rx.ctrl;
    case MAIA_QP_RX_USECS:
        return qp->rx_usecs;
    case MAIA_QP_RX_FRAMES:
        return qp->rx_frames;
    case MAIA_QP_TX_USECS:
        return qp->tx_usecs;
    case MAIA_QP_TX_FRAMES:
        return qp->tx_frames;
    case MAIA_QP_IRQS:
        return qp->irqs;
    default:
        return 0;
    }
}

/* Port registers ----------------------------------------------------------- */

static void maia_qp_reset(MaiaQpair *qp)
{
    memset(&qp->tx, 0, sizeof(qp->tx));
    memset(&qp->rx, 0, sizeof(qp->rx));
    qp->rsc.active = false;
    qp->rx_usecs = qp->rx_frames = qp->tx_usecs = qp->tx_frames = 0;
    qp->irqs = 0;
    qp->armed = false;
    qp->rx_pending = qp->tx_pending = 0;
    qp->evt_pending = false;
    timer_del(qp->irq_timer);
}

/* Register state back to reset values; physical state (faults) is kept. */
static void maia_port_reset(MaiaPort *p)
{
    unsigned i;

    for (i = 0; i < MAIA_PORT_QPAIRS; i++) {
        maia_qp_reset(&p->qp[i]);
    }
    p->ctrl = 0;
    p->max_frame = MAIA_MAX_FRAME_DEFAULT;
    p->fec = MAIA_FEC_RS;
    p->lane_limit = 0;
    p->int_cause = 0;
    p->int_mask = 0;
    p->evt_addr = 0;
    p->evt_seq = 0;
    p->rss_ctrl = 0;
    memset(p->rss_key, 0, sizeof(p->rss_key));
    memset(p->rss_indir, 0, sizeof(p->rss_indir));
    p->mod_page = 0;
    memset(p->stats, 0, sizeof(p->stats));
    memset(p->fec_lane, 0, sizeof(p->fec_lane));
    memset(p->fec_frac, 0, sizeof(p->fec_frac));
    p->link_ups = p->link_downs = p->trainings = 0;
    p->tx_blocked = false;
    maia_phy_reset(p);
    maia_port_rx_flush(p);
}

static void maia_port_ctrl(MaiaPort *p, uint32_t val)
{
    uint32_t old = p->ctrl;

    if (val & MAIA_P_CTRL_RESET) {
        maia_port_reset(p);
        trace_maia_link_port_ctrl(p->index, 0);
        return;
    }
    p->ctrl = val & (MAIA_P_CTRL_ENABLE | MAIA_P_CTRL_LOOPBACK |
                     MAIA_P_CTRL_RSC);
    if ((old & ~p->ctrl) & (MAIA_P_CTRL_RSC | MAIA_P_CTRL_ENABLE)) {
        maia_rsc_flush_port(p);
    }
    trace_maia_link_port_ctrl(p->index, p->ctrl);
    if ((old ^ p->ctrl) & MAIA_P_CTRL_ENABLE) {
        maia_phy_evaluate(p);
        if (p->ctrl & MAIA_P_CTRL_ENABLE) {
            maia_phy_send_training(p);
        }
    }
    if (p->rx_stalled) {
        qemu_bh_schedule(p->rx_bh);
    }
}

/* Word @off (0 or 4) of a 64-bit register. */
static uint32_t maia_reg64_word(uint64_t val, hwaddr off)
{
    return off ? val >> 32 : (uint32_t)val;
}

static uint32_t maia_port_read32(MaiaPort *p, hwaddr r)
{
    hwaddr off;
    unsigned i;

    if (maia_in_block(r, MAIA_P_STAT_BASE,
                      MAIA_STAT_COUNT * MAIA_P_STAT_STRIDE)) {
        off = r - MAIA_P_STAT_BASE;
        return maia_reg64_word(p->stats[off / MAIA_P_STAT_STRIDE],
                               off % MAIA_P_STAT_STRIDE);
    }
    if (maia_in_block(r, MAIA_P_QP_BASE,
                      MAIA_PORT_QPAIRS * MAIA_P_QP_STRIDE)) {
        off = r - MAIA_P_QP_BASE;
        return maia_qp_read(&p->qp[off / MAIA_P_QP_STRIDE],
                            off % MAIA_P_QP_STRIDE);
    }
    if (maia_in_block(r, MAIA_P_FEC_LANE_BASE,
                      MAIA_PORT_LANES_MAX * MAIA_P_FEC_LANE_STRIDE)) {
        /* fec_lane[l][] is in the order of the MAIA_FECL_* registers */
        off = r - MAIA_P_FEC_LANE_BASE;
        i = off / MAIA_P_FEC_LANE_STRIDE;
        off %= MAIA_P_FEC_LANE_STRIDE;
        if (off >= MAIA_FECL_COUNTERS * sizeof(uint64_t)) {
            return 0;
        }
        return maia_reg64_word(p->fec_lane[i][off / sizeof(uint64_t)],
                               off % sizeof(uint64_t));
    }
    /* RSS key and table: byte 4i + b in bits 8b+7:8b of register i */
    if (maia_in_block(r, MAIA_P_RSS_KEY_BASE, MAIA_RSS_KEY_SIZE)) {
        return ldl_le_p(p->rss_key + (r - MAIA_P_RSS_KEY_BASE));
    }
    if (maia_in_block(r, MAIA_P_RSS_INDIR_BASE, MAIA_RSS_INDIR_SIZE)) {
        return ldl_le_p(p->rss_indir + (r - MAIA_P_RSS_INDIR_BASE));
    }
    if (maia_in_block(r, MAIA_P_MOD_DATA, MAIA_MOD_WINDOW)) {
        return maia_phy_mod_read(p, r - MAIA_P_MOD_DATA);
    }
    if (maia_in_block(r, MAIA_P_DBG_BASE, MAIA_P_DBG_SIZE)) {
        return maia_phy_dbg_read(p, r);
    }

    switch (r) {
    case MAIA_P_CTRL:
        return p->ctrl;
    case MAIA_P_STATUS:
        return maia_port_status(p);
    case MAIA_P_SPEED:
        return p->speed;
    case MAIA_P_LANES_ACTIVE:
        return p->lanes_active;
    case MAIA_P_LANES_LOCAL:
        return p->adv_lanes;
    case MAIA_P_LANES_PEER:
        return p->peer_seen ? p->peer_lanes : 0;
    case MAIA_P_LANE_RATE:
        return maia_port_lane_rate(p);
    case MAIA_P_LANE_LIMIT:
        return p->lane_limit;
    case MAIA_P_FEC:
        return p->fec;
    case MAIA_P_MAX_FRAME:
        return p->max_frame;
    case MAIA_P_LINK_UPS:
        return p->link_ups;
    case MAIA_P_LINK_DOWNS:
        return p->link_downs;
    case MAIA_P_INT_CAUSE:
        return p->int_cause;
    case MAIA_P_INT_MASK:
        return p->int_mask;
    case MAIA_P_EVT_LO:
        return p->evt_addr;
    case MAIA_P_EVT_HI:
        return p->evt_addr >> 32;
    case MAIA_P_PEER_SERIAL_LO:
        return p->peer_seen ? (uint32_t)p->peer_serial : 0;
    case MAIA_P_PEER_SERIAL_HI:
        return p->peer_seen ? p->peer_serial >> 32 : 0;
    case MAIA_P_PEER_PORT:
        return p->peer_seen ? p->peer_port : 0;
    case MAIA_P_QPAIRS:
        return MAIA_PORT_QPAIRS;
    case MAIA_P_TEMP_MC:
        return p->temp_mc;
    case MAIA_P_TRAININGS:
        return p->trainings;
    case MAIA_P_RSS_CTRL:
        return p->rss_ctrl;
    case MAIA_P_MOD_PAGE:
        return p->mod_page;
    default:
        return 0;
    }
}

static void maia_port_write32(MaiaPort *p, hwaddr r, uint32_t v)
{
    if (maia_in_block(r, MAIA_P_QP_BASE,
                      MAIA_PORT_QPAIRS * MAIA_P_QP_STRIDE)) {
        hwaddr off = r - MAIA_P_QP_BASE;

        maia_qp_write(p, &p->qp[off / MAIA_P_QP_STRIDE],
                      off % MAIA_P_QP_STRIDE, v);
        return;
    }
    if (maia_in_block(r, MAIA_P_RSS_KEY_BASE, MAIA_RSS_KEY_SIZE)) {
        stl_le_p(p->rss_key + (r - MAIA_P_RSS_KEY_BASE), v);
        return;
    }
    if (maia_in_block(r, MAIA_P_RSS_INDIR_BASE, MAIA_RSS_INDIR_SIZE)) {
        stl_le_p(p->rss_indir + (r - MAIA_P_RSS_INDIR_BASE), v);
        return;
    }
    if (maia_in_block(r, MAIA_P_DBG_BASE, MAIA_P_DBG_SIZE)) {
        maia_phy_dbg_write(p, r, v);
        return;
    }

    switch (r) {
    case MAIA_P_CTRL:
        maia_port_ctrl(p, v);
        break;
    case MAIA_P_LANE_LIMIT:
        if (v > maia_port_lanes(p)) {
            qemu_log_mask(LOG_GUEST_ERROR, "maia: port %u: lane limit %u "
                          "> %u lanes\n", p->index, v, maia_port_lanes(p));
            break;
        }
        p->lane_limit = v;
        maia_phy_evaluate(p);
        maia_phy_send_training(p);
        break;
    case MAIA_P_FEC:
        if (v != MAIA_FEC_OFF && v != MAIA_FEC_RS) {
            qemu_log_mask(LOG_GUEST_ERROR, "maia: port %u: FEC mode %u\n",
                          p->index, v);
            break;
        }
        p->fec = v;
        maia_phy_update_ber(p);
        maia_phy_evaluate(p);
        maia_phy_send_training(p);
        break;
    case MAIA_P_MAX_FRAME:
        if (v < MAIA_MAX_FRAME_MIN || v > MAIA_MAX_FRAME_MAX) {
            qemu_log_mask(LOG_GUEST_ERROR, "maia: port %u: max frame %u\n",
                          p->index, v);
            break;
        }
        p->max_frame = v;
        break;
    case MAIA_P_INT_CAUSE:
        p->int_cause &= ~v;
        break;
    case MAIA_P_INT_MASK:
        p->int_mask = v & (MAIA_P_INT_LINK | MAIA_P_INT_MODULE);
        break;
    case MAIA_P_EVT_LO:
        p->evt_addr = deposit64(p->evt_addr, 0, 32, v);
        break;
    case MAIA_P_EVT_HI:
        p->evt_addr = deposit64(p->evt_addr, 32, 32, v);
        break;
    case MAIA_P_RSS_CTRL:
        p->rss_ctrl = v & MAIA_RSS_ALL;
        break;
    case MAIA_P_MOD_PAGE:
        p->mod_page = v & (MAIA_MOD_PAGE_BANK | MAIA_MOD_PAGE_PAGE);
        break;
    default:
        qemu_log_mask(LOG_GUEST_ERROR, "maia: port %u: write 0x%x to "
                      "read-only or unknown register 0x%03" HWADDR_PRIx "\n",
                      p->index, v, r);
        break;
    }
}

static uint64_t maia_link_mmio_read(void *opaque, hwaddr addr, unsigned size)
{
    MaiaState *s = opaque;
    unsigned pi = addr / MAIA_PORT_STRIDE;
    hwaddr r = addr % MAIA_PORT_STRIDE;
    MaiaPort *p;
    uint64_t val;

    if (pi >= s->link.nports) {
        return 0;
    }
    p = &s->link.port[pi];
    val = maia_port_read32(p, r);
    if (size == 8) {
        val |= (uint64_t)maia_port_read32(p, r + 4) << 32;
    }
    trace_maia_link_mmio_read(pi, r, val, size);
    return val;
}

static void maia_link_mmio_write(void *opaque, hwaddr addr, uint64_t val,
                                 unsigned size)
{
    MaiaState *s = opaque;
    unsigned pi = addr / MAIA_PORT_STRIDE;
    hwaddr r = addr % MAIA_PORT_STRIDE;
    MaiaPort *p;

    trace_maia_link_mmio_write(pi, r, val, size);
    if (pi >= s->link.nports) {
        qemu_log_mask(LOG_GUEST_ERROR, "maia: write to absent port %u\n", pi);
        return;
    }
    p = &s->link.port[pi];
    maia_port_write32(p, r, val);
    if (size == 8) {
        maia_port_write32(p, r + 4, val >> 32);
    }
}

static const MemoryRegionOps maia_link_mmio_ops = {
    .read = maia_link_mmio_read,
    .write = maia_link_mmio_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = {
        .min_access_size = 4,
        .max_access_size = 8,
    },
    .impl = {
        .min_access_size = 4,
        .max_access_size = 8,
    },
};

/* Training tick ------------------------------------------------------------ */

static void maia_link_tick(void *opaque)
{
    MaiaState *s = opaque;
    MaiaLink *l = &s->link;
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    int64_t dt = l->last_tick ? now - l->last_tick : MAIA_TRAIN_PERIOD_NS;
    bool was = maia_link_guard_enter(s);    /* event records, MSI-X */
    unsigned i;

    l->last_tick = now;
    for (i = 0; i < l->nports; i++) {
        maia_phy_tick(&l->port[i], now, dt);
    }
    timer_mod(l->tick, now + MAIA_TRAIN_PERIOD_NS);
    maia_link_guard_leave(s, was);
}

/*
 * VM run state. Stopped: nothing may reach guest memory or the wire (the
 * bottom halves check the run state); the coalescing contexts are handed
 * to the rings now, while the VM's memory is still being tracked for
 * migration. Running again: restart what waited.
 */
static void maia_link_vm_state(void *opaque, bool running, RunState state)
{
    MaiaState *s = opaque;
    unsigned i;

    for (i = 0; i < s->link.nports; i++) {
        MaiaPort *p = &s->link.port[i];

        if (running) {
            maia_port_tx_kick(p);
            if (p->rx_stalled) {
                qemu_bh_schedule(p->rx_bh);
            }
        } else {
            bool was = maia_link_guard_enter(s);

            maia_rsc_flush_port(p);
            maia_link_guard_leave(s, was);
        }
    }
    trace_maia_link_vm_state(running);
}

/* Realize, reset, migration ------------------------------------------------ */

static NetClientInfo maia_nic_info = {
    .type = NET_CLIENT_DRIVER_NIC,
    .size = sizeof(NICState),
    .can_receive = maia_port_can_receive,
    .receive = maia_port_receive,
};

bool maia_link_realize(MaiaState *s, Error **errp)
{
    MaiaLink *l = &s->link;
    DeviceState *dev = DEVICE(s);
    unsigned i, q;

    if (l->lane_rate < 1000 || l->lane_rate > 200000) {
        error_setg(errp, "lane-rate must be 1000..200000 Mb/s (got %u)",
                   l->lane_rate);
        return false;
    }
    if (s->lanes > MAIA_PORT_LANES_MAX) {
        error_setg(errp, "at most %d lanes per port", MAIA_PORT_LANES_MAX);
        return false;
    }
    for (i = s->ports; i < MAIA_MAX_PORTS; i++) {
        if (l->peers[i].ncs[0]) {
            error_setg(errp, "netdev%u given but the device has %u ports",
                       i, s->ports);
            return false;
        }
    }
    l->nports = s->ports;
    memory_region_init_io(&l->mmio, OBJECT(s), &maia_link_mmio_ops, s,
                          "maia-link", MAIA_REGS_SIZE - MAIA_PORT_BASE);
    memory_region_add_subregion(&s->mmio, MAIA_PORT_BASE, &l->mmio);

    for (i = 0; i < l->nports; i++) {
        MaiaPort *p = &l->port[i];

        p->s = s;
        p->index = i;
        p->txbuf = g_malloc(MAIA_TX_MAX_PACKET);
        p->segbuf = g_malloc(MAIA_MAX_FRAME_MAX + 64);
        p->tx_bh = qemu_bh_new_guarded(maia_port_tx_bh, p,
                                       &dev->mem_reentrancy_guard);
        p->rx_bh = qemu_bh_new_guarded(maia_port_rx_bh, p,
                                       &dev->mem_reentrancy_guard);
        p->rsc_bh = qemu_bh_new_guarded(maia_port_rsc_bh, p,
                                        &dev->mem_reentrancy_guard);
        for (q = 0; q < MAIA_PORT_QPAIRS; q++) {
            p->qp[q].port = p;
            p->qp[q].index = q;
            p->qp[q].rsc.buf = g_malloc(MAIA_RSC_BUF_SIZE);
            p->qp[q].irq_timer = timer_new_ns(QEMU_CLOCK_VIRTUAL,
                                              maia_qp_irq_timer, &p->qp[q]);
        }
        maia_phy_init(p);
        if (l->peers[i].ncs[0]) {
            g_autofree char *name = dev->id ?
                g_strdup_printf("%s.p%u", dev->id, i) : NULL;
            uint64_t serial = s->serial;

            p->conf.peers = l->peers[i];
            p->conf.macaddr.a[0] = 0x02;
            p->conf.macaddr.a[1] = 0x4d;
            p->conf.macaddr.a[2] = serial >> 16;
            p->conf.macaddr.a[3] = serial >> 8;
            p->conf.macaddr.a[4] = serial;
            p->conf.macaddr.a[5] = i;
            p->nic = qemu_new_nic(&maia_nic_info, &p->conf,
                                  object_get_typename(OBJECT(s)), name,
                                  &dev->mem_reentrancy_guard, p);
            qemu_format_nic_info_str(qemu_get_queue(p->nic),
                                     p->conf.macaddr.a);
        }
        maia_port_reset(p);
    }
    maia_phy_realize(s);
    l->vmse = qemu_add_vm_change_state_handler(maia_link_vm_state, s);
    l->tick = timer_new_ns(QEMU_CLOCK_VIRTUAL, maia_link_tick, s);
    timer_mod(l->tick, qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) +
              MAIA_TRAIN_PERIOD_NS);
    return true;
}

/*
 * Unrealize (maia.c has marked the device gone, so no register access
 * reaches the ports any more). Nothing here drops the BQL: the transmit
 * engine is a bottom half, deleted like the others; freed pointers are
 * cleared.
 */
void maia_link_exit(MaiaState *s)
{
    MaiaLink *l = &s->link;
    unsigned i, q;

    if (l->vmse) {
        qemu_del_vm_change_state_handler(l->vmse);
        l->vmse = NULL;
    }
    if (l->tick) {
        timer_free(l->tick);
        l->tick = NULL;
    }
    for (i = 0; i < l->nports; i++) {
        MaiaPort *p = &l->port[i];

        if (p->nic) {
            qemu_del_nic(p->nic);
            p->nic = NULL;
        }
        g_clear_pointer(&p->tx_bh, qemu_bh_delete);
        g_clear_pointer(&p->rx_bh, qemu_bh_delete);
        g_clear_pointer(&p->rsc_bh, qemu_bh_delete);
        for (q = 0; q < MAIA_PORT_QPAIRS; q++) {
            g_clear_pointer(&p->qp[q].irq_timer, timer_free);
            g_clear_pointer(&p->qp[q].rsc.buf, g_free);
            p->qp[q].rsc.active = false;
        }
        g_clear_pointer(&p->txbuf, g_free);
        g_clear_pointer(&p->segbuf, g_free);
    }
    memory_region_del_subregion(&s->mmio, &l->mmio);
}

void maia_link_reset(MaiaState *s)
{
    unsigned i;

    for (i = 0; i < s->link.nports; i++) {
        maia_port_reset(&s->link.port[i]);
    }
}

/* An incoming port state: every value an index or divisor comes from. */
static bool maia_port_state_ok(MaiaPort *p)
{
    uint32_t lanes = maia_port_lanes(p);
    unsigned i;

    if (p->dbg_lane_sel >= lanes || p->lane_limit > lanes ||
        p->state > MAIA_LINK_STATE_UP ||
        p->reason > MAIA_LINK_DOWN_OVERTEMP ||
        p->max_frame < MAIA_MAX_FRAME_MIN ||
        p->max_frame > MAIA_MAX_FRAME_MAX ||
        (p->fec != MAIA_FEC_OFF && p->fec != MAIA_FEC_RS)) {
        return false;
    }
    for (i = 0; i < MAIA_PORT_QPAIRS; i++) {
        MaiaQpair *qp = &p->qp[i];

        if ((qp->tx.size && !maia_port_ring_size_ok(qp->tx.size)) ||
            (qp->rx.size && !maia_port_ring_size_ok(qp->rx.size)) ||
            (qp->tx.size && (qp->tx.head >= qp->tx.size ||
                             qp->tx.tail >= qp->tx.size)) ||
            (qp->rx.size && (qp->rx.head >= qp->rx.size ||
                             qp->rx.tail >= qp->rx.size)) ||
            (qp->rx.buf_len && (qp->rx.buf_len < MAIA_RX_BUF_MIN ||
                                qp->rx.buf_len > MAIA_RX_BUF_MAX)) ||
            (maia_txr_usable(&qp->tx) && !qp->tx.size) ||
            (maia_rxr_usable(&qp->rx) && (!qp->rx.size || !qp->rx.buf_len)) ||
            qp->rx_usecs > MAIA_COALESCE_USECS_MAX ||
            qp->tx_usecs > MAIA_COALESCE_USECS_MAX ||
            qp->rx_frames > MAIA_COALESCE_FRAMES_MAX ||
            qp->tx_frames > MAIA_COALESCE_FRAMES_MAX) {
            return false;
        }
    }
    return true;
}

static int maia_port_post_load(void *opaque, int version_id)
{
    MaiaPort *p = opaque;
    uint32_t lanes_mask;
    unsigned i;

    if (!p->s) {
        return 0;               /* port not present on this device */
    }
    if (!maia_port_state_ok(p)) {
        return -EINVAL;
    }
    lanes_mask = MAKE_64BIT_MASK(0, maia_port_lanes(p));
    p->ctrl &= MAIA_P_CTRL_ENABLE | MAIA_P_CTRL_LOOPBACK | MAIA_P_CTRL_RSC;
    p->int_mask &= MAIA_P_INT_LINK | MAIA_P_INT_MODULE;
    p->rss_ctrl &= MAIA_RSS_ALL;
    p->mod_page &= MAIA_MOD_PAGE_BANK | MAIA_MOD_PAGE_PAGE;
    p->lane_kill &= lanes_mask;
    p->lanes_active &= lanes_mask;
    p->adv_lanes &= lanes_mask;
    for (i = 0; i < MAIA_PORT_QPAIRS; i++) {
        MaiaQpair *qp = &p->qp[i];

        qp->tx.ctrl &= MAIA_TXR_CTRL_ENABLE | MAIA_TXR_CTRL_ERROR;
        qp->rx.ctrl &= MAIA_RXR_CTRL_ENABLE | MAIA_RXR_CTRL_ERROR;
        qp->tx.stalled = false;
        qp->tx.cache_n = 0;
        qp->rx.cache_n = 0;
        qp->rx_first = qp->tx_first = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
        maia_qp_irq_update(qp);
    }
    maia_phy_post_load(p);
    maia_port_tx_kick(p);
    p->rx_stalled = true;
    qemu_bh_schedule(p->rx_bh);
    return 0;
}

static const VMStateDescription vmstate_maia_qpair = {
    .name = "maia/link/qpair",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT64(tx.addr, MaiaQpair),
        VMSTATE_UINT32(tx.size, MaiaQpair),
        VMSTATE_UINT32(tx.head, MaiaQpair),
        VMSTATE_UINT32(tx.tail, MaiaQpair),
        VMSTATE_UINT64(tx.wb, MaiaQpair),
        VMSTATE_UINT32(tx.ctrl, MaiaQpair),
        VMSTATE_UINT64(rx.addr, MaiaQpair),
        VMSTATE_UINT32(rx.size, MaiaQpair),
        VMSTATE_UINT32(rx.head, MaiaQpair),
        VMSTATE_UINT32(rx.tail, MaiaQpair),
        VMSTATE_UINT32(rx.buf_len, MaiaQpair),
        VMSTATE_UINT32(rx.ctrl, MaiaQpair),
        VMSTATE_UINT32(rx_usecs, MaiaQpair),
        VMSTATE_UINT32(rx_frames, MaiaQpair),
        VMSTATE_UINT32(tx_usecs, MaiaQpair),
        VMSTATE_UINT32(tx_frames, MaiaQpair),
        VMSTATE_UINT32(irqs, MaiaQpair),
        VMSTATE_BOOL(armed, MaiaQpair),
        VMSTATE_UINT32(rx_pending, MaiaQpair),
        VMSTATE_UINT32(tx_pending, MaiaQpair),
        VMSTATE_BOOL(evt_pending, MaiaQpair),
        VMSTATE_END_OF_LIST()
    },
};

static bool maia_port_peer_needed(void *opaque)
{
    MaiaPort *p = opaque;

    return p->s && p->peer_seen;
}

/* What the port learnt from its peer's training frames: no link flap. */
static const VMStateDescription vmstate_maia_port_peer = {
    .name = "maia/link/port/peer",
    .version_id = 1,
    .minimum_version_id = 1,
    .needed = maia_port_peer_needed,
    .fields = (const VMStateField[]) {
        VMSTATE_BOOL(peer_seen, MaiaPort),
        VMSTATE_UINT64(peer_serial, MaiaPort),
        VMSTATE_UINT32(peer_port, MaiaPort),
        VMSTATE_UINT32(peer_lanes, MaiaPort),
        VMSTATE_UINT32(peer_nlanes, MaiaPort),
        VMSTATE_UINT32(peer_rate, MaiaPort),
        VMSTATE_UINT32(peer_fec, MaiaPort),
        VMSTATE_UINT32(peer_flags, MaiaPort),
        VMSTATE_UINT16_ARRAY(peer_txpwr, MaiaPort, MAIA_PORT_LANES_MAX),
        VMSTATE_UINT32(train_ticks, MaiaPort),
        VMSTATE_UINT32(train_seq, MaiaPort),
        VMSTATE_END_OF_LIST()
    },
};

static const VMStateDescription vmstate_maia_port = {
    .name = "maia/link/port",
    .version_id = 1,
    .minimum_version_id = 1,
    .post_load = maia_port_post_load,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT32(ctrl, MaiaPort),
        VMSTATE_UINT32(max_frame, MaiaPort),
        VMSTATE_UINT32(fec, MaiaPort),
        VMSTATE_UINT32(lane_limit, MaiaPort),
        VMSTATE_UINT32(int_cause, MaiaPort),
        VMSTATE_UINT32(int_mask, MaiaPort),
        VMSTATE_UINT64(evt_addr, MaiaPort),
        VMSTATE_UINT32(evt_seq, MaiaPort),
        VMSTATE_UINT32(rss_ctrl, MaiaPort),
        VMSTATE_UINT8_ARRAY(rss_key, MaiaPort, MAIA_RSS_KEY_SIZE),
        VMSTATE_UINT8_ARRAY(rss_indir, MaiaPort, MAIA_RSS_INDIR_SIZE),
        VMSTATE_UINT32(mod_page, MaiaPort),
        VMSTATE_UINT64_ARRAY(stats, MaiaPort, MAIA_STAT_COUNT),
        VMSTATE_UINT64_2DARRAY(fec_lane, MaiaPort, MAIA_PORT_LANES_MAX,
                               MAIA_FECL_COUNTERS),
        VMSTATE_UINT32(state, MaiaPort),
        VMSTATE_UINT32(reason, MaiaPort),
        VMSTATE_UINT32(lanes_active, MaiaPort),
        VMSTATE_UINT32(speed, MaiaPort),
        VMSTATE_UINT32(link_ups, MaiaPort),
        VMSTATE_UINT32(link_downs, MaiaPort),
        VMSTATE_UINT32(trainings, MaiaPort),
        VMSTATE_UINT32(adv_lanes, MaiaPort),
        VMSTATE_BOOL(overtemp, MaiaPort),
        VMSTATE_UINT32(lane_kill, MaiaPort),
        VMSTATE_BOOL(fiber_pulled, MaiaPort),
        VMSTATE_UINT32(dbg_lane_sel, MaiaPort),
        VMSTATE_UINT32_ARRAY(ber, MaiaPort, MAIA_PORT_LANES_MAX),
        VMSTATE_INT32(temp_base_mc, MaiaPort),
        VMSTATE_STRUCT_ARRAY(qp, MaiaPort, MAIA_PORT_QPAIRS, 1,
                             vmstate_maia_qpair, MaiaQpair),
        VMSTATE_END_OF_LIST()
    },
    .subsections = (const VMStateDescription * const []) {
        &vmstate_maia_port_peer,
        NULL
    },
};

static bool maia_link_vmstate_needed(void *opaque)
{
    MaiaState *s = opaque;

    return s->link.nports > 0;
}

const VMStateDescription vmstate_maia_link = {
    .name = "maia/link",
    .version_id = 1,
    .minimum_version_id = 1,
    .needed = maia_link_vmstate_needed,
    .fields = (const VMStateField[]) {
        VMSTATE_STRUCT_ARRAY(link.port, MaiaState, MAIA_MAX_PORTS, 1,
                             vmstate_maia_port, MaiaPort),
        VMSTATE_END_OF_LIST()
    },
};
