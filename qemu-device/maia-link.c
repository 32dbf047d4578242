/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Maia accelerator: optical ports, data path.
 *
 * Each port is a NIC on a QEMU net backend (netdev0..3) with
 * MAIA_PORT_QPAIRS TX/RX descriptor ring pairs in guest memory. The
 * register block of port p is at BAR0 0x8000 + p * 0x1000 (maia_regs.h,
 * Documentation/hw-reference.rst "Optical ports").
 *
 * Threading: everything runs under the BQL. A TX doorbell only records the
 * tail and wakes the port's transmit thread, which, holding the BQL for one
 * batch at a time (the net layer and MSI-X require it), gathers packets (batched descriptor fetches), applies the offloads
 * (checksum insertion, TCP segmentation: frames on the wire are plain
 * Ethernet of at most P_MAX_FRAME bytes), hands frames to the backend,
 * writes the consumer index back and accounts the completions for
 * interrupt moderation. RX runs in the backend's receive callback: RSS
 * picks the queue, the frame is written into as many buffers as it needs,
 * descriptors are written back (data, then HASH/INFO/LEN, then STATUS).
 * When a queue lacks buffers the frame is refused (the backend queues it)
 * and an RX doorbell schedules a flush.
 *
 * Every DMA result is checked: a failed descriptor or data access stops the
 * queue (Q_ERROR) and is counted; a failed write-back of the RX data drops
 * the frame and stops the queue.
 */

#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/main-loop.h"
#include "qemu/rcu.h"
#include "qemu/bswap.h"
#include "qapi/error.h"
#include "hw/pci/pci.h"
#include "hw/pci/pci_device.h"
#include "hw/pci/msix.h"
#include "migration/vmstate.h"
#include "net/net.h"
#include "net/checksum.h"
#include "system/dma.h"
#include "trace.h"
#include "maia.h"

#define ETH_HLEN_        14
#define ETH_ZLEN_        60
#define ETH_FCS_LEN_     4
#define ETHTYPE_IPV4     0x0800
#define ETHTYPE_IPV6     0x86dd
#define ETHTYPE_VLAN     0x8100
#define IPPROTO_TCP_     6
#define IPPROTO_UDP_     17

#define STAT(p, name)    ((p)->stats[MAIA_STAT_##name])

static inline PCIDevice *port_pdev(MaiaPort *p)
{
    return PCI_DEVICE(p->s);
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
    return pci_get_word(port_pdev(p)->config + PCI_COMMAND) &
           PCI_COMMAND_MASTER;
}

/* Interrupt moderation ---------------------------------------------------- */

static void maia_qp_irq_update(MaiaQpair *qp)
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
    maia_qp_irq_update(opaque);
}

static void maia_qp_rx_event(MaiaQpair *qp)
{
    if (!qp->rx_pending++) {
        qp->rx_first = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    }
}

static void maia_qp_tx_event(MaiaQpair *qp, uint32_t n)
{
    if (!n) {
        return;
    }
    if (!qp->tx_pending) {
        qp->tx_first = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    }
    qp->tx_pending += n;
}

/* Link events: event record, port cause, queue pair 0 vector, INT_CAUSE. */
void maia_port_link_event(MaiaPort *p)
{
    uint8_t rec[MAIA_EVT_SIZE];
    uint32_t status;
    MemTxResult r;

    status = (p->state == MAIA_LINK_STATE_UP ? MAIA_P_STATUS_UP : 0) |
             p->state << MAIA_P_STATUS_STATE_SHIFT |
             p->reason << MAIA_P_STATUS_REASON_SHIFT |
             (uint32_t)ctpop32(p->lanes_active) << MAIA_P_STATUS_LANES_SHIFT;
    p->evt_seq++;
    if (p->evt_addr && maia_port_busmaster(p)) {
        stl_le_p(rec + MAIA_EVT_SEQ, p->evt_seq);
        stl_le_p(rec + MAIA_EVT_STATUS, status);
        stl_le_p(rec + MAIA_EVT_SPEED, p->speed);
        stl_le_p(rec + MAIA_EVT_LANES, p->lanes_active);
        /* seq last, so that a reader seeing it sees the rest */
        r = pci_dma_write(port_pdev(p), p->evt_addr + 4, rec + 4,
                          MAIA_EVT_SIZE - 4);
        if (r == MEMTX_OK) {
            r = pci_dma_write(port_pdev(p), p->evt_addr, rec, 4);
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
    /* frames held for a queue may now be dropped or delivered */
    if (p->rx_stalled) {
        qemu_bh_schedule(p->rx_bh);
    }
}

/* Statistics helpers ------------------------------------------------------- */

static unsigned maia_rmon_bin(size_t len)
{
    static const unsigned top[MAIA_RMON_BINS - 1] = {
        64, 127, 255, 511, 1023, 1518, 2047, 4095
    };
    size_t wire = len + ETH_FCS_LEN_;
    unsigned i;

    for (i = 0; i < ARRAY_SIZE(top); i++) {
        if (wire <= top[i]) {
            return i;
        }
    }
    return MAIA_RMON_BINS - 1;
}

static void maia_count_frame(MaiaPort *p, const uint8_t *buf, size_t len,
                             bool tx)
{
    bool mcast = buf[0] & 1;
    bool bcast = mcast && !memcmp(buf, "\xff\xff\xff\xff\xff\xff", 6);

    if (tx) {
        STAT(p, TX_FRAMES)++;
        STAT(p, TX_BYTES) += len;
        p->stats[MAIA_STAT_TX_HIST + maia_rmon_bin(len)]++;
        if (bcast) {
            STAT(p, TX_BCAST)++;
        } else if (mcast) {
            STAT(p, TX_MCAST)++;
        }
    } else {
        STAT(p, RX_FRAMES)++;
        STAT(p, RX_BYTES) += len;
        p->stats[MAIA_STAT_RX_HIST + maia_rmon_bin(len)]++;
        if (bcast) {
            STAT(p, RX_BCAST)++;
        } else if (mcast) {
            STAT(p, RX_MCAST)++;
        }
    }
    p->tick_bytes += len;
}

/* Packet parsing, checksums, RSS ------------------------------------------ */

/*
 * Ones' complement sum of @len bytes taken as big-endian 16-bit words,
 * folded to 16 bits: the same value as net_checksum_add() (which works a
 * byte at a time and was a third of the main loop's time), 8 bytes a step.
 */
static uint32_t maia_csum(const uint8_t *buf, size_t len)
{
    uint64_t sum = 0, w;
    size_t i;

    for (i = 0; i + 8 <= len; i += 8) {
        memcpy(&w, buf + i, 8);
        sum += w;
        sum += sum < w;
    }
    if (i < len) {
        w = 0;
        memcpy(&w, buf + i, len - i);
#if HOST_BIG_ENDIAN
        w <<= 8 * (8 - (len - i));
#endif
        sum += w;
        sum += sum < w;
    }
    sum = (sum & 0xffffffffu) + (sum >> 32);
    sum = (sum & 0xffffffffu) + (sum >> 32);
    sum = (sum & 0xffff) + (sum >> 16);
    sum = (sum & 0xffff) + (sum >> 16);
#if HOST_BIG_ENDIAN
    return sum;
#else
    return bswap16(sum);
#endif
}

typedef struct MaiaPkt {
    unsigned l3;
    unsigned l4;
    unsigned l4_len;
    int ipver;                  /* 0, 4 or 6 */
    uint8_t proto;
    bool frag;
    bool ip_csum_bad;
} MaiaPkt;

static void maia_parse(const uint8_t *buf, size_t size, MaiaPkt *pk)
{
    uint16_t type;
    unsigned ihl, tot;

    memset(pk, 0, sizeof(*pk));
    if (size < ETH_HLEN_) {
        return;
    }
    type = lduw_be_p(buf + 12);
    pk->l3 = ETH_HLEN_;
    if (type == ETHTYPE_VLAN && size >= ETH_HLEN_ + 4) {
        type = lduw_be_p(buf + 16);
        pk->l3 += 4;
    }
    if (type == ETHTYPE_IPV4 && size >= pk->l3 + 20 &&
        (buf[pk->l3] >> 4) == 4) {
        ihl = (buf[pk->l3] & 0xf) * 4;
        tot = lduw_be_p(buf + pk->l3 + 2);
        if (ihl < 20 || tot < ihl || pk->l3 + tot > size) {
            return;
        }
        pk->ipver = 4;
        pk->proto = buf[pk->l3 + 9];
        pk->frag = lduw_be_p(buf + pk->l3 + 6) & 0x3fff;
        pk->l4 = pk->l3 + ihl;
        pk->l4_len = tot - ihl;
        pk->ip_csum_bad =
            net_checksum_finish(maia_csum(buf + pk->l3, ihl)) != 0;
    } else if (type == ETHTYPE_IPV6 && size >= pk->l3 + 40 &&
               (buf[pk->l3] >> 4) == 6) {
        tot = lduw_be_p(buf + pk->l3 + 4);
        if (pk->l3 + 40 + tot > size) {
            return;
        }
        pk->ipver = 6;
        pk->proto = buf[pk->l3 + 6];    /* no extension headers parsed */
        pk->l4 = pk->l3 + 40;
        pk->l4_len = tot;
    }
}

/* Ones' complement sum of the TCP/UDP pseudo header. */
static uint32_t maia_pseudo_sum(const uint8_t *buf, const MaiaPkt *pk,
                                unsigned l4_len)
{
    uint32_t sum;

    if (pk->ipver == 4) {
        sum = maia_csum(buf + pk->l3 + 12, 8);
    } else {
        sum = maia_csum(buf + pk->l3 + 8, 32);
    }
    return sum + pk->proto + l4_len;
}

/* RX checksum check: MAIA_RXD_CSUM_OK, MAIA_RXD_CSUM_BAD or 0 (unknown). */
static uint32_t maia_rx_csum(const uint8_t *buf, const MaiaPkt *pk)
{
    uint32_t sum;

    if (!pk->ipver || pk->frag) {
        return 0;
    }
    if (pk->ip_csum_bad) {
        return MAIA_RXD_CSUM_BAD;
    }
    if (pk->proto == IPPROTO_TCP_) {
        if (pk->l4_len < 20) {
            return MAIA_RXD_CSUM_BAD;
        }
    } else if (pk->proto == IPPROTO_UDP_) {
        if (pk->l4_len < 8) {
            return MAIA_RXD_CSUM_BAD;
        }
        if (pk->ipver == 4 && !lduw_be_p(buf + pk->l4 + 6)) {
            return 0;           /* no checksum */
        }
    } else {
        return 0;
    }
    sum = maia_pseudo_sum(buf, pk, pk->l4_len) +
          maia_csum(buf + pk->l4, pk->l4_len);
    return net_checksum_finish(sum) ? MAIA_RXD_CSUM_BAD : MAIA_RXD_CSUM_OK;
}

/* Toeplitz hash over the fields RSS_CTRL selects (Microsoft RSS layout). */
static uint32_t maia_rx_hash(MaiaPort *p, const uint8_t *buf,
                             const MaiaPkt *pk, uint32_t *type)
{
    net_toeplitz_key key;
    uint8_t in[36];
    uint32_t hash = 0, c = p->rss_ctrl;
    unsigned n;
    bool l4;

    *type = MAIA_HASH_NONE;
    if (!(c & MAIA_RSS_ENABLE) || !pk->ipver) {
        return 0;
    }
    l4 = !pk->frag && pk->l4_len >= 4 &&
         (pk->proto == IPPROTO_TCP_ || pk->proto == IPPROTO_UDP_);
    if (pk->ipver == 4) {
        memcpy(in, buf + pk->l3 + 12, 8);
        n = 8;
        if (l4 && pk->proto == IPPROTO_TCP_ && (c & MAIA_RSS_TCP4)) {
            *type = MAIA_HASH_TCP4;
        } else if (l4 && pk->proto == IPPROTO_UDP_ && (c & MAIA_RSS_UDP4)) {
            *type = MAIA_HASH_UDP4;
        } else if (c & MAIA_RSS_IPV4) {
            *type = MAIA_HASH_IPV4;
        } else {
            return 0;
        }
    } else {
        memcpy(in, buf + pk->l3 + 8, 32);
        n = 32;
        if (l4 && pk->proto == IPPROTO_TCP_ && (c & MAIA_RSS_TCP6)) {
            *type = MAIA_HASH_TCP6;
        } else if (l4 && pk->proto == IPPROTO_UDP_ && (c & MAIA_RSS_UDP6)) {
            *type = MAIA_HASH_UDP6;
        } else if (c & MAIA_RSS_IPV6) {
            *type = MAIA_HASH_IPV6;
        } else {
            return 0;
        }
    }
    if (*type == MAIA_HASH_TCP4 || *type == MAIA_HASH_UDP4 ||
        *type == MAIA_HASH_TCP6 || *type == MAIA_HASH_UDP6) {
        memcpy(in + n, buf + pk->l4, 4);
        n += 4;
    }
    net_toeplitz_key_init(&key, p->rss_key);
    net_toeplitz_add(&hash, in, n, &key);
    return hash;
}

/* RX ---------------------------------------------------------------------- */

static inline uint32_t maia_ring_avail(uint32_t head, uint32_t tail,
                                       uint32_t size)
{
    return (tail - head) & (size - 1);
}

static inline bool maia_rxq_usable(MaiaRxQueue *q)
{
    return (q->ctrl & (MAIA_Q_ENABLE | MAIA_Q_ERROR)) == MAIA_Q_ENABLE;
}

static void maia_rxq_error(MaiaPort *p, MaiaQpair *qp, const char *what,
                           uint64_t addr, MemTxResult r)
{
    qp->rx.ctrl |= MAIA_Q_ERROR;
    STAT(p, RX_DMA_ERRORS)++;
    trace_maia_link_dma_error(p->index, what, addr, r);
    qemu_log_mask(LOG_GUEST_ERROR, "maia: port %u rxq %u: %s DMA at 0x%"
                  PRIx64 " failed (%d); queue stopped\n", p->index,
                  qp->index, what, addr, r);
}

/* Buffer address of the n-th free descriptor after HEAD (n < avail). */
static bool maia_rxq_buf(MaiaPort *p, MaiaQpair *qp, uint32_t n,
                         uint64_t *addr)
{
    MaiaRxQueue *q = &qp->rx;
    uint32_t idx = (q->head + n) & (q->size - 1);
    uint32_t off = (idx - q->cache_pos) & (q->size - 1);
    uint32_t cnt, i;
    uint8_t raw[MAIA_RXD_CACHE * MAIA_RXD_SIZE];
    MemTxResult r;

    if (off >= q->cache_n) {
        cnt = maia_ring_avail(idx, q->tail, q->size);
        cnt = MIN(cnt, MAIA_RXD_CACHE);
        cnt = MIN(cnt, q->size - idx);
        r = pci_dma_read(port_pdev(p), q->ring + (uint64_t)idx * MAIA_RXD_SIZE,
                         raw, cnt * MAIA_RXD_SIZE);
        if (r != MEMTX_OK) {
            q->cache_n = 0;
            maia_rxq_error(p, qp, "rx descriptor",
                           q->ring + (uint64_t)idx * MAIA_RXD_SIZE, r);
            return false;
        }
        for (i = 0; i < cnt; i++) {
            q->cache[i] = ldq_le_p(raw + i * MAIA_RXD_SIZE + MAIA_RXD_ADDR);
        }
        q->cache_pos = idx;
        q->cache_n = cnt;
        off = 0;
    }
    *addr = q->cache[off];
    return true;
}

static uint32_t maia_rx_need(MaiaRxQueue *q, size_t size)
{
    return DIV_ROUND_UP(size, q->buf_len);
}

/*
 * Put one frame into queue pair @qp. Returns false when the queue lacks
 * buffers (nothing was written); true otherwise (written or dropped).
 */
static bool maia_rx_to_queue(MaiaPort *p, MaiaQpair *qp, const uint8_t *buf,
                             size_t size, uint32_t hash, uint32_t info,
                             uint32_t eop_status)
{
    MaiaRxQueue *q = &qp->rx;
    PCIDevice *pdev = port_pdev(p);
    uint32_t need = maia_rx_need(q, size);
    uint32_t i, idx, status;
    uint8_t wb[12];
    size_t off = 0, chunk;
    uint64_t addr, daddr;
    MemTxResult r;

    if (maia_ring_avail(q->head, q->tail, q->size) < need) {
        return false;
    }
    for (i = 0; i < need; i++) {
        if (!maia_rxq_buf(p, qp, i, &addr)) {
            return true;
        }
        chunk = MIN(size - off, q->buf_len);
        r = pci_dma_write(pdev, addr, buf + off, chunk);
        if (r != MEMTX_OK) {
            maia_rxq_error(p, qp, "rx buffer", addr, r);
            return true;
        }
        idx = (q->head + i) & (q->size - 1);
        daddr = q->ring + (uint64_t)idx * MAIA_RXD_SIZE;
        status = MAIA_RXD_DD;
        if (i == need - 1) {
            status |= MAIA_RXD_EOP | eop_status;
            stl_le_p(wb + MAIA_RXD_HASH, hash);
            stl_le_p(wb + MAIA_RXD_INFO, info);
        } else {
            stl_le_p(wb + MAIA_RXD_HASH, 0);
            stl_le_p(wb + MAIA_RXD_INFO, 0);
        }
        stl_le_p(wb + MAIA_RXD_LEN, chunk);
        r = pci_dma_write(pdev, daddr, wb, sizeof(wb));
        if (r == MEMTX_OK) {
            r = stl_le_pci_dma(pdev, daddr + MAIA_RXD_STATUS, status,
                               MEMTXATTRS_UNSPECIFIED);
        }
        if (r != MEMTX_OK) {
            maia_rxq_error(p, qp, "rx write-back", daddr, r);
            return true;
        }
        off += chunk;
    }
    q->head = (q->head + need) & (q->size - 1);
    maia_qp_rx_event(qp);
    maia_qp_irq_update(qp);
    return true;
}

/* Receive segment coalescing (P_CTRL.RSC) -------------------------------- */

#define MAIA_RSC_BUF_SIZE       65536
#define TCP_FLAG_PSH_           0x08
#define TCP_FLAG_ACK_           0x10

static size_t maia_rsc_max(MaiaRxQueue *q)
{
    return MIN((size_t)q->buf_len * MAIA_RSC_MAX_BUFS, 65000);
}

/* In-order TCP data (ACK, maybe PSH), good checksum, no VLAN or options. */
static bool maia_rsc_eligible(const uint8_t *buf, size_t size,
                              const MaiaPkt *pk, uint32_t csum)
{
    unsigned doff;

    if (csum != MAIA_RXD_CSUM_OK || pk->proto != IPPROTO_TCP_ || pk->frag ||
        pk->l3 != ETH_HLEN_ || pk->l4 + pk->l4_len != size ||
        (pk->ipver == 4 && pk->l4 != pk->l3 + 20)) {
        return false;
    }
    doff = (buf[pk->l4 + 12] >> 4) * 4;
    if (doff < 20 || doff >= pk->l4_len) {
        return false;           /* pure ACKs are not merged */
    }
    return (buf[pk->l4 + 13] & ~TCP_FLAG_PSH_) == TCP_FLAG_ACK_;
}

/* Same flow and headers as the context, apart from length, ID, seq, PSH. */
static bool maia_rsc_same_flow(MaiaRsc *c, const uint8_t *buf,
                               const MaiaPkt *pk, unsigned hdr)
{
    const uint8_t *f = c->buf;
    unsigned l3 = c->l3, l4 = c->l4;

    if (pk->ipver != c->ipver || pk->l4 != l4 || hdr != c->hdr ||
        memcmp(f, buf, l3)) {
        return false;
    }
    if (c->ipver == 4) {
        if (f[l3 + 1] != buf[l3 + 1] ||
            memcmp(f + l3 + 6, buf + l3 + 6, 4) ||
            memcmp(f + l3 + 12, buf + l3 + 12, 8) ||
            lduw_be_p(buf + l3 + 4) != c->next_id) {
            return false;
        }
    } else if (memcmp(f + l3, buf + l3, 4) ||
               memcmp(f + l3 + 6, buf + l3 + 6, 34)) {
        return false;
    }
    return !memcmp(f + l4, buf + l4, 4) &&              /* ports */
           !memcmp(f + l4 + 8, buf + l4 + 8, 5) &&      /* ack, offset */
           !((f[l4 + 13] ^ buf[l4 + 13]) & ~TCP_FLAG_PSH_) &&
           !memcmp(f + l4 + 20, buf + l4 + 20, hdr - l4 - 20);
}

/* Hand the context's frame to the ring (it fits: see MaiaRsc). */
static void maia_rsc_flush(MaiaPort *p, MaiaQpair *qp)
{
    MaiaRsc *c = &qp->rsc;
    uint8_t *f = c->buf;
    uint32_t info = c->type, status = MAIA_RXD_CSUM_OK;

    if (!c->active) {
        return;
    }
    c->active = false;
    if (!maia_rxq_usable(&qp->rx)) {
        return;
    }
    if (c->segs > 1) {
        if (c->ipver == 4) {
            stw_be_p(f + c->l3 + 2, c->len - c->l3);
            stw_be_p(f + c->l3 + 10, 0);
            stw_be_p(f + c->l3 + 10,
                     net_checksum_finish(maia_csum(f + c->l3, 20)));
        } else {
            stw_be_p(f + c->l3 + 4, c->len - c->l3 - 40);
        }
        info |= c->segs << MAIA_RXD_INFO_SEGS_SHIFT;
        status |= (uint32_t)c->mss << MAIA_RXD_MSS_SHIFT;
        STAT(p, RX_RSC)++;
        STAT(p, RX_RSC_SEGS) += c->segs;
    }
    trace_maia_link_rsc(p->index, qp->index, c->segs, c->len);
    maia_rx_to_queue(p, qp, f, c->len, c->hash, info, status);
}

static void maia_rsc_flush_port(MaiaPort *p)
{
    unsigned i;

    for (i = 0; i < MAIA_PORT_QPAIRS; i++) {
        maia_rsc_flush(p, &p->qp[i]);
    }
}

static void maia_port_rsc_bh(void *opaque)
{
    maia_rsc_flush_port(opaque);
}

/* Merge a data segment into the queue's context; false: deliver it alone. */
static bool maia_rsc_add(MaiaPort *p, MaiaQpair *qp, const uint8_t *buf,
                         size_t size, const MaiaPkt *pk, uint32_t hash,
                         uint32_t type)
{
    MaiaRsc *c = &qp->rsc;
    MaiaRxQueue *q = &qp->rx;
    unsigned hdr = pk->l4 + (buf[pk->l4 + 12] >> 4) * 4;
    size_t payload = size - hdr;
    uint32_t seq = ldl_be_p(buf + pk->l4 + 4);
    bool psh = buf[pk->l4 + 13] & TCP_FLAG_PSH_;

    if (c->active) {
        if (seq == c->next_seq && payload <= c->mss &&
            c->segs < MAIA_RXD_INFO_SEGS_MASK &&
            c->len + payload <= maia_rsc_max(q) &&
            maia_rx_need(q, c->len + payload) <=
            maia_ring_avail(q->head, q->tail, q->size) &&
            maia_rsc_same_flow(c, buf, pk, hdr)) {
            memcpy(c->buf + c->len, buf + hdr, payload);
            c->len += payload;
            c->segs++;
            c->next_seq += payload;
            c->next_id++;
            memcpy(c->buf + c->l4 + 14, buf + pk->l4 + 14, 2);  /* window */
            if (psh || payload < c->mss) {
                c->buf[c->l4 + 13] |= psh ? TCP_FLAG_PSH_ : 0;
                maia_rsc_flush(p, qp);          /* end of a message */
            }
            return true;
        }
        maia_rsc_flush(p, qp);
    }
    if (psh || size > maia_rsc_max(q) ||
        maia_rx_need(q, size) > maia_ring_avail(q->head, q->tail, q->size)) {
        return false;
    }
    memcpy(c->buf, buf, size);
    c->active = true;
    c->ipver = pk->ipver;
    c->l3 = pk->l3;
    c->l4 = pk->l4;
    c->hdr = hdr;
    c->next_seq = seq + payload;
    c->next_id = pk->ipver == 4 ? lduw_be_p(buf + pk->l3 + 4) + 1 : 0;
    c->mss = payload;
    c->segs = 1;
    c->len = size;
    c->hash = hash;
    c->type = type;
    qemu_bh_schedule(p->rsc_bh);
    return true;
}

/*
 * A frame reached the MAC (from the wire or, @wire false, looped back).
 * Returns 0 if it must be held because its queue has no buffers, else
 * @size.
 */
static ssize_t maia_port_rx_frame(MaiaPort *p, const uint8_t *buf,
                                  size_t size, bool wire)
{
    uint32_t hash, type, csum;
    MaiaQpair *qp;
    MaiaPkt pk;
    unsigned q;

    if (size < ETH_HLEN_) {
        STAT(p, RX_UNDERSIZE)++;
        return size;
    }
    if (size > p->max_frame) {
        STAT(p, RX_OVERSIZE)++;
        return size;
    }
    maia_parse(buf, size, &pk);
    hash = maia_rx_hash(p, buf, &pk, &type);
    q = (p->rss_ctrl & MAIA_RSS_ENABLE) ?
        p->rss_indir[hash % MAIA_RSS_INDIR_SIZE] : 0;
    if (q >= MAIA_PORT_QPAIRS || !maia_rxq_usable(&p->qp[q].rx)) {
        STAT(p, RX_NO_QUEUE)++;
        return size;
    }
    qp = &p->qp[q];
    csum = maia_rx_csum(buf, &pk);
    if (wire && (p->ctrl & MAIA_P_CTRL_RSC) &&
        maia_rsc_eligible(buf, size, &pk, csum)) {
        if (maia_rsc_add(p, qp, buf, size, &pk, hash, type)) {
            STAT(p, RX_CSUM_OK)++;
            maia_count_frame(p, buf, size, false);
            return size;
        }
    } else {
        maia_rsc_flush(p, qp);          /* keep the queue in order */
    }
    if (maia_ring_avail(qp->rx.head, qp->rx.tail, qp->rx.size) <
        maia_rx_need(&qp->rx, size)) {
        STAT(p, RX_BACKPRESSURE)++;
        p->rx_stalled = true;
        return 0;
    }
    if (csum == MAIA_RXD_CSUM_OK) {
        STAT(p, RX_CSUM_OK)++;
    } else if (csum == MAIA_RXD_CSUM_BAD) {
        STAT(p, RX_CSUM_BAD)++;
    }
    maia_count_frame(p, buf, size, false);
    trace_maia_link_rx(p->index, q, size, hash, type);
    maia_rx_to_queue(p, qp, buf, size, hash, type, csum);
    return size;
}

static bool maia_port_can_receive(NetClientState *nc)
{
    MaiaPort *p = qemu_get_nic_opaque(nc);
    MaiaQpair *qp;
    unsigned i;

    if (!(p->ctrl & MAIA_P_CTRL_ENABLE) || p->state != MAIA_LINK_STATE_UP ||
        (p->ctrl & MAIA_P_CTRL_LOOPBACK)) {
        return true;            /* frames are dropped (or training) */
    }
    for (i = 0; i < MAIA_PORT_QPAIRS; i++) {
        qp = &p->qp[i];
        if (maia_rxq_usable(&qp->rx) &&
            maia_ring_avail(qp->rx.head, qp->rx.tail, qp->rx.size) <
            maia_rx_need(&qp->rx, p->max_frame)) {
            p->rx_stalled = true;
            return false;
        }
    }
    return true;
}

static ssize_t maia_port_receive(NetClientState *nc, const uint8_t *buf,
                                 size_t size)
{
    MaiaPort *p = qemu_get_nic_opaque(nc);

    if (size >= ETH_HLEN_ &&
        lduw_be_p(buf + 12) == MAIA_ETHERTYPE_TRAIN) {
        maia_phy_rx_training(p, buf, size);
        return size;
    }
    if (!(p->ctrl & MAIA_P_CTRL_ENABLE) || p->fiber_pulled) {
        return size;            /* no light, no MAC: nothing arrives */
    }
    if (p->state != MAIA_LINK_STATE_UP ||
        (p->ctrl & MAIA_P_CTRL_LOOPBACK)) {
        STAT(p, RX_LINK_DOWN)++;
        return size;
    }
    if (maia_phy_rx_corrupt(p, size)) {
        STAT(p, RX_FCS_ERRORS)++;
        trace_maia_link_rx_fec_drop(p->index, size);
        return size;
    }
    return maia_port_rx_frame(p, buf, size, true);
}

void maia_port_rx_flush(MaiaPort *p)
{
    if (p->rx_stalled) {
        qemu_bh_schedule(p->rx_bh);
    }
}

static void maia_port_rx_bh(void *opaque)
{
    MaiaPort *p = opaque;

    p->rx_stalled = false;
    if (p->nic) {
        qemu_flush_queued_packets(qemu_get_queue(p->nic));
    }
}

/* TX ---------------------------------------------------------------------- */

/* Wake the port's transmit thread; any context, BQL held or not. */
static void maia_port_tx_kick(MaiaPort *p)
{
    qemu_mutex_lock(&p->tx_lock);
    p->tx_kick = true;
    qemu_cond_signal(&p->tx_cond);
    qemu_mutex_unlock(&p->tx_lock);
}

static void maia_port_sent(NetClientState *nc, ssize_t len)
{
    MaiaPort *p = qemu_get_nic_opaque(nc);

    p->tx_blocked = false;
    maia_port_tx_kick(p);
}

/* One frame to the wire (or back to our RX in loopback). */
static void maia_tx_wire(MaiaPort *p, uint8_t *buf, size_t len)
{
    ssize_t r;

    if (len < ETH_ZLEN_) {
        memset(buf + len, 0, ETH_ZLEN_ - len);
        len = ETH_ZLEN_;
    }
    if (len > p->max_frame) {
        STAT(p, TX_OVERSIZE)++;
        return;
    }
    if (p->ctrl & MAIA_P_CTRL_LOOPBACK) {
        maia_count_frame(p, buf, len, true);
        if (!maia_port_rx_frame(p, buf, len, false)) {
            STAT(p, RX_NO_QUEUE)++;     /* cannot hold a looped frame */
        }
        return;
    }
    if (p->state != MAIA_LINK_STATE_UP || !p->nic) {
        STAT(p, TX_LINK_DOWN)++;
        return;
    }
    maia_count_frame(p, buf, len, true);
    r = qemu_send_packet_async(qemu_get_queue(p->nic), buf, len,
                               maia_port_sent);
    if (r == 0) {
        p->tx_blocked = true;   /* queued by the backend; wait for it */
    }
}

static bool maia_tx_csum(uint8_t *buf, size_t len, unsigned start,
                         unsigned off)
{
    uint32_t sum;

    if (start >= len || start + off + 2 > len) {
        return false;
    }
    sum = maia_csum(buf + start, len - start);
    stw_be_p(buf + start + off, net_checksum_finish_nozero(sum));
    return true;
}

/* TCP segmentation of one gathered packet; false on inconsistent fields. */
static bool maia_tx_tso(MaiaPort *p, uint8_t *pkt, size_t len,
                        const uint8_t *d)
{
    unsigned mss = lduw_le_p(d + MAIA_TXD_MSS);
    unsigned hdr = lduw_le_p(d + MAIA_TXD_HDR_LEN);
    unsigned l3 = lduw_le_p(d + MAIA_TXD_L3_OFFSET);
    unsigned l4 = lduw_le_p(d + MAIA_TXD_L4_OFFSET);
    uint8_t *seg = p->segbuf;
    unsigned ihl = 0, i, nseg, seglen, tcplen;
    uint32_t seq, sum;
    uint16_t id = 0;
    uint8_t flags;
    MaiaPkt pk = { .l3 = l3, .l4 = l4, .proto = IPPROTO_TCP_ };
    size_t payload, off;

    if (!mss || hdr > len || l3 + 20 > l4 || l4 + 20 > hdr ||
        hdr + mss > MAIA_MAX_FRAME_MAX) {
        return false;
    }
    pk.ipver = pkt[l3] >> 4;
    if (pk.ipver == 4) {
        ihl = (pkt[l3] & 0xf) * 4;
        if (l3 + ihl != l4) {
            return false;
        }
        id = lduw_be_p(pkt + l3 + 4);
    } else if (pk.ipver != 6) {
        return false;
    }
    payload = len - hdr;
    nseg = payload ? DIV_ROUND_UP(payload, mss) : 1;
    seq = ldl_be_p(pkt + l4 + 4);
    flags = pkt[l4 + 13];
    STAT(p, TX_TSO)++;
    for (i = 0, off = hdr; i < nseg; i++, off += seglen) {
        seglen = MIN(mss, len - off);
        memcpy(seg, pkt, hdr);
        memcpy(seg + hdr, pkt + off, seglen);
        if (pk.ipver == 4) {
            stw_be_p(seg + l3 + 2, hdr - l3 + seglen);
            stw_be_p(seg + l3 + 4, (uint16_t)(id + i));
            stw_be_p(seg + l3 + 10, 0);
            stw_be_p(seg + l3 + 10,
                     net_checksum_finish(maia_csum(seg + l3, ihl)));
        } else {
            stw_be_p(seg + l3 + 4, hdr - l3 - 40 + seglen);
        }
        stl_be_p(seg + l4 + 4, seq + i * mss);
        seg[l4 + 13] = flags;
        if (i != nseg - 1) {
            seg[l4 + 13] &= ~0x09;      /* FIN, PSH only on the last */
        }
        if (i) {
            seg[l4 + 13] &= ~0x80;      /* CWR only on the first */
        }
        tcplen = hdr - l4 + seglen;
        stw_be_p(seg + l4 + 16, 0);
        sum = maia_pseudo_sum(seg, &pk, tcplen) +
              maia_csum(seg + l4, tcplen);
        stw_be_p(seg + l4 + 16, net_checksum_finish(sum));
        STAT(p, TX_TSO_SEGS)++;
        maia_tx_wire(p, seg, hdr + seglen);
    }
    return true;
}

static void maia_txq_error(MaiaPort *p, MaiaQpair *qp, const char *what,
                           uint64_t addr, MemTxResult r)
{
    qp->tx.ctrl |= MAIA_Q_ERROR;
    if (r == MEMTX_OK) {
        STAT(p, TX_BAD_DESC)++;
        qemu_log_mask(LOG_GUEST_ERROR, "maia: port %u txq %u: bad %s; "
                      "queue stopped\n", p->index, qp->index, what);
    } else {
        STAT(p, TX_DMA_ERRORS)++;
        qemu_log_mask(LOG_GUEST_ERROR, "maia: port %u txq %u: %s DMA at 0x%"
                      PRIx64 " failed (%d); queue stopped\n", p->index,
                      qp->index, what, addr, r);
    }
    trace_maia_link_dma_error(p->index, what, addr, r);
}

/* Descriptor at ring index @idx (which must be below TAIL), via the cache. */
static const uint8_t *maia_txq_desc(MaiaPort *p, MaiaQpair *qp, uint32_t idx)
{
    MaiaTxQueue *q = &qp->tx;
    uint32_t off = (idx - q->cache_pos) & (q->size - 1);
    uint32_t cnt;
    MemTxResult r;

    if (off >= q->cache_n) {
        cnt = maia_ring_avail(idx, q->tail, q->size);
        cnt = MIN(cnt, MAIA_TXD_CACHE);
        cnt = MIN(cnt, q->size - idx);
        r = pci_dma_read(port_pdev(p), q->ring + (uint64_t)idx * MAIA_TXD_SIZE,
                         q->cache, cnt * MAIA_TXD_SIZE);
        if (r != MEMTX_OK) {
            q->cache_n = 0;
            maia_txq_error(p, qp, "tx descriptor",
                           q->ring + (uint64_t)idx * MAIA_TXD_SIZE, r);
            return NULL;
        }
        q->cache_pos = idx;
        q->cache_n = cnt;
        off = 0;
    }
    return q->cache[off];
}

/*
 * Transmit the packet at HEAD. Returns the number of descriptors consumed,
 * 0 when no complete packet is there, -1 when the queue stopped on an error.
 */
static int maia_txq_one(MaiaPort *p, MaiaQpair *qp)
{
    MaiaTxQueue *q = &qp->tx;
    uint32_t avail = maia_ring_avail(q->head, q->tail, q->size);
    uint8_t first[MAIA_TXD_SIZE];
    const uint8_t *d;
    uint32_t n, flags, dlen;
    uint64_t addr;
    size_t len = 0;
    MemTxResult r;

    for (n = 0; ; n++) {
        if (n == avail) {
            return 0;           /* packet not complete yet */
        }
        if (n == MAIA_TX_MAX_DESCS) {
            maia_txq_error(p, qp, "descriptor chain (no EOP)", 0, MEMTX_OK);
            return -1;
        }
        d = maia_txq_desc(p, qp, (q->head + n) & (q->size - 1));
        if (!d) {
            return -1;
        }
        if (!n) {
            memcpy(first, d, MAIA_TXD_SIZE);
        }
        addr = ldq_le_p(d + MAIA_TXD_ADDR);
        dlen = ldl_le_p(d + MAIA_TXD_LEN);
        flags = ldl_le_p(d + MAIA_TXD_FLAGS);
        if (!dlen || dlen > 0xffff || len + dlen > MAIA_TX_MAX_PACKET) {
            maia_txq_error(p, qp, "descriptor length", addr, MEMTX_OK);
            return -1;
        }
        r = pci_dma_read(port_pdev(p), addr, p->txbuf + len, dlen);
        if (r != MEMTX_OK) {
            maia_txq_error(p, qp, "tx buffer", addr, r);
            return -1;
        }
        len += dlen;
        if (flags & MAIA_TXD_EOP) {
            break;
        }
    }

    flags = ldl_le_p(first + MAIA_TXD_FLAGS);
    trace_maia_link_tx(p->index, qp->index, len, flags);
    if (flags & MAIA_TXD_TSO) {
        if (!maia_tx_tso(p, p->txbuf, len, first)) {
            maia_txq_error(p, qp, "TSO fields", 0, MEMTX_OK);
            return -1;
        }
    } else {
        if ((flags & MAIA_TXD_CSUM) &&
            !maia_tx_csum(p->txbuf, len,
                          lduw_le_p(first + MAIA_TXD_CSUM_START),
                          lduw_le_p(first + MAIA_TXD_CSUM_OFFSET))) {
            maia_txq_error(p, qp, "checksum fields", 0, MEMTX_OK);
            return -1;
        }
        if (flags & MAIA_TXD_CSUM) {
            STAT(p, TX_CSUM)++;
        }
        maia_tx_wire(p, p->txbuf, len);
    }
    return n + 1;
}

static bool maia_txq_usable(MaiaTxQueue *q)
{
    return (q->ctrl & (MAIA_Q_ENABLE | MAIA_Q_ERROR)) == MAIA_Q_ENABLE;
}

/* Process up to MAIA_TX_BUDGET packets; true if more work remains. */
static bool maia_txq_process(MaiaPort *p, MaiaQpair *qp)
{
    MaiaTxQueue *q = &qp->tx;
    uint32_t done = 0, start = q->head;
    MemTxResult r;
    int n;

    while (done < MAIA_TX_BUDGET && !p->tx_blocked && maia_txq_usable(q)) {
        n = maia_txq_one(p, qp);
        if (n <= 0) {
            break;
        }
        q->head = (q->head + n) & (q->size - 1);
        done++;
    }
    if (q->head != start && q->wb) {
        r = stl_le_pci_dma(port_pdev(p), q->wb, q->head,
                           MEMTXATTRS_UNSPECIFIED);
        if (r != MEMTX_OK) {
            maia_txq_error(p, qp, "tx head write-back", q->wb, r);
        }
    }
    if (done) {
        maia_qp_tx_event(qp, done);
        maia_qp_irq_update(qp);
    }
    return maia_txq_usable(q) && !p->tx_blocked && q->head != q->tail;
}

/* One batch over every TX queue, BQL held; true if work remains. */
static bool maia_port_tx_batch(MaiaPort *p)
{
    MemReentrancyGuard *guard = &DEVICE(p->s)->mem_reentrancy_guard;
    bool more = false, engaged;
    unsigned i;

    if (!(p->ctrl & MAIA_P_CTRL_ENABLE)) {
        return false;
    }
    /* as for a guarded BH: our own DMA must not reach our own registers */
    engaged = guard->engaged_in_io;
    guard->engaged_in_io = true;
    for (i = 0; i < MAIA_PORT_QPAIRS; i++) {
        more |= maia_txq_process(p, &p->qp[i]);
    }
    guard->engaged_in_io = engaged;
    return more;
}

/*
 * The port's transmit engine: sleeps until a doorbell (or the backend
 * taking frames again) kicks it, then works through the rings in batches
 * of MAIA_TX_BUDGET packets per queue, taking the BQL per batch so that
 * vCPUs and the main loop get in between.
 */
static void *maia_port_tx_thread(void *opaque)
{
    MaiaPort *p = opaque;
    bool more = false;

    rcu_register_thread();
    for (;;) {
        qemu_mutex_lock(&p->tx_lock);
        while (!p->tx_kick && !more && !p->tx_exit) {
            qemu_cond_wait(&p->tx_cond, &p->tx_lock);
        }
        p->tx_kick = false;
        qemu_mutex_unlock(&p->tx_lock);

        bql_lock();
        if (p->tx_exit) {       /* set under the BQL too, see maia_link_exit */
            bql_unlock();
            break;
        }
        more = maia_port_tx_batch(p);
        bql_unlock();
    }
    rcu_unregister_thread();
    return NULL;
}

/* Queue registers ---------------------------------------------------------- */

static bool maia_ring_size_ok(uint32_t size)
{
    return is_power_of_2(size) && size >= MAIA_RING_MIN &&
           size <= MAIA_RING_MAX;
}

static void maia_txq_ctrl(MaiaPort *p, MaiaQpair *qp, uint32_t val)
{
    MaiaTxQueue *q = &qp->tx;

    q->head = q->tail = 0;
    q->cache_n = 0;
    q->ctrl = 0;
    if (!(val & MAIA_Q_ENABLE)) {
        trace_maia_link_queue(p->index, qp->index, "tx", 0);
        return;
    }
    if (!maia_ring_size_ok(q->size) || !q->ring ||
        (q->ring & (MAIA_TXD_SIZE - 1)) || (q->wb & 3)) {
        qemu_log_mask(LOG_GUEST_ERROR, "maia: port %u txq %u: bad ring "
                      "(addr 0x%" PRIx64 " size %u wb 0x%" PRIx64 ")\n",
                      p->index, qp->index, q->ring, q->size, q->wb);
        q->ctrl = MAIA_Q_ERROR;
        return;
    }
    q->ctrl = MAIA_Q_ENABLE;
    trace_maia_link_queue(p->index, qp->index, "tx", 1);
}

static void maia_rxq_ctrl(MaiaPort *p, MaiaQpair *qp, uint32_t val)
{
    MaiaRxQueue *q = &qp->rx;

    qp->rsc.active = false;
    q->head = q->tail = 0;
    q->cache_n = 0;
    q->ctrl = 0;
    if (val & MAIA_Q_ENABLE) {
        if (!maia_ring_size_ok(q->size) || !q->ring ||
            (q->ring & (MAIA_RXD_SIZE - 1)) ||
            q->buf_len < MAIA_RX_BUF_MIN || q->buf_len > MAIA_RX_BUF_MAX) {
            qemu_log_mask(LOG_GUEST_ERROR, "maia: port %u rxq %u: bad ring "
                          "(addr 0x%" PRIx64 " size %u buf %u)\n", p->index,
                          qp->index, q->ring, q->size, q->buf_len);
            q->ctrl = MAIA_Q_ERROR;
        } else {
            q->ctrl = MAIA_Q_ENABLE;
        }
    }
    trace_maia_link_queue(p->index, qp->index, "rx", q->ctrl);
    /* held frames may now go to (or be dropped for) this queue */
    if (p->rx_stalled) {
        qemu_bh_schedule(p->rx_bh);
    }
}

static void maia_qp_write(MaiaPort *p, MaiaQpair *qp, hwaddr r, uint32_t v)
{
    switch (r) {
    case MAIA_TXQ_RING_LO:
        qp->tx.ring = deposit64(qp->tx.ring, 0, 32, v);
        break;
    case MAIA_TXQ_RING_HI:
        qp->tx.ring = deposit64(qp->tx.ring, 32, 32, v);
        break;
    case MAIA_TXQ_SIZE:
        qp->tx.size = v;
        break;
    case MAIA_TXQ_TAIL:
        if (!maia_txq_usable(&qp->tx) || v >= qp->tx.size) {
            qemu_log_mask(LOG_GUEST_ERROR, "maia: port %u txq %u: tail %u "
                          "ignored\n", p->index, qp->index, v);
            break;
        }
        qp->tx.tail = v;
        trace_maia_link_doorbell(p->index, qp->index, "tx", v);
        maia_port_tx_kick(p);
        break;
    case MAIA_TXQ_WB_LO:
        qp->tx.wb = deposit64(qp->tx.wb, 0, 32, v);
        break;
    case MAIA_TXQ_WB_HI:
        qp->tx.wb = deposit64(qp->tx.wb, 32, 32, v);
        break;
    case MAIA_TXQ_CTRL:
        maia_txq_ctrl(p, qp, v);
        break;
    case MAIA_RXQ_RING_LO:
        qp->rx.ring = deposit64(qp->rx.ring, 0, 32, v);
        break;
    case MAIA_RXQ_RING_HI:
        qp->rx.ring = deposit64(qp->rx.ring, 32, 32, v);
        break;
    case MAIA_RXQ_SIZE:
        qp->rx.size = v;
        break;
    case MAIA_RXQ_TAIL:
        if (!maia_rxq_usable(&qp->rx) || v >= qp->rx.size) {
            qemu_log_mask(LOG_GUEST_ERROR, "maia: port %u rxq %u: tail %u "
                          "ignored\n", p->index, qp->index, v);
            break;
        }
        qp->rx.tail = v;
        trace_maia_link_doorbell(p->index, qp->index, "rx", v);
        maia_port_rx_flush(p);
        break;
    case MAIA_RXQ_BUF_LEN:
        qp->rx.buf_len = v;
        break;
    case MAIA_RXQ_CTRL:
        maia_rxq_ctrl(p, qp, v);
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
    case MAIA_TXQ_RING_LO:
        return qp->tx.ring;
    case MAIA_TXQ_RING_HI:
        return qp->tx.ring >> 32;
    case MAIA_TXQ_SIZE:
        return qp->tx.size;
    case MAIA_TXQ_HEAD:
        return qp->tx.head;
    case MAIA_TXQ_TAIL:
        return qp->tx.tail;
    case MAIA_TXQ_WB_LO:
        return qp->tx.wb;
    case MAIA_TXQ_WB_HI:
        return qp->tx.wb >> 32;
    case MAIA_TXQ_CTRL:
        return qp->tx.ctrl;
    case MAIA_RXQ_RING_LO:
        return qp->rx.ring;
    case MAIA_RXQ_RING_HI:
        return qp->rx.ring >> 32;
    case MAIA_RXQ_SIZE:
        return qp->rx.size;
    case MAIA_RXQ_HEAD:
        return qp->rx.head;
    case MAIA_RXQ_TAIL:
        return qp->rx.tail;
    case MAIA_RXQ_BUF_LEN:
        return qp->rx.buf_len;
    case MAIA_RXQ_CTRL:
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

static uint32_t maia_port_read32(MaiaPort *p, hwaddr r)
{
    uint32_t status;
    unsigned i;

    if (r >= MAIA_P_STAT(0) && r < MAIA_P_STAT(MAIA_STAT_COUNT)) {
        i = (r - MAIA_P_STAT(0)) / 8;
        return (r & 4) ? p->stats[i] >> 32 : (uint32_t)p->stats[i];
    }
    if (r >= MAIA_P_QP(0, 0) && r < MAIA_P_QP(MAIA_PORT_QPAIRS, 0)) {
        return maia_qp_read(&p->qp[(r - MAIA_P_QP(0, 0)) / 0x80], r & 0x7f);
    }
    if (r >= MAIA_P_FEC_LANE(0, 0) &&
        r < MAIA_P_FEC_LANE(MAIA_PORT_LANES_MAX, 0)) {
        i = (r - MAIA_P_FEC_LANE(0, 0)) / 0x18;
        r = (r - MAIA_P_FEC_LANE(0, 0)) % 0x18;
        return (r & 4) ? p->fec_lane[i][r / 8] >> 32 :
                         (uint32_t)p->fec_lane[i][r / 8];
    }
    if (r >= MAIA_P_RSS_KEY(0) && r < MAIA_P_RSS_KEY(MAIA_RSS_KEY_SIZE / 4)) {
        return ldl_le_p(p->rss_key + (r - MAIA_P_RSS_KEY(0)));
    }
    if (r >= MAIA_P_RSS_INDIR(0) &&
        r < MAIA_P_RSS_INDIR(MAIA_RSS_INDIR_SIZE / 4)) {
        return ldl_le_p(p->rss_indir + (r - MAIA_P_RSS_INDIR(0)));
    }
    if (r >= MAIA_P_MOD_DATA && r < MAIA_P_MOD_DATA + MAIA_MOD_WINDOW) {
        return maia_phy_mod_read(p, r - MAIA_P_MOD_DATA);
    }
    if (r >= MAIA_P_DBG_LANE_KILL && r <= MAIA_P_DBG_TEMP_MC) {
        return maia_phy_dbg_read(p, r);
    }

    switch (r) {
    case MAIA_P_CTRL:
        return p->ctrl;
    case MAIA_P_STATUS:
        status = p->state << MAIA_P_STATUS_STATE_SHIFT |
                 p->reason << MAIA_P_STATUS_REASON_SHIFT |
                 (uint32_t)ctpop32(p->lanes_active) <<
                 MAIA_P_STATUS_LANES_SHIFT;
        if (p->state == MAIA_LINK_STATE_UP) {
            status |= MAIA_P_STATUS_UP;
        }
        return status;
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
    if (r >= MAIA_P_QP(0, 0) && r < MAIA_P_QP(MAIA_PORT_QPAIRS, 0)) {
        maia_qp_write(p, &p->qp[(r - MAIA_P_QP(0, 0)) / 0x80], r & 0x7f, v);
        return;
    }
    if (r >= MAIA_P_RSS_KEY(0) && r < MAIA_P_RSS_KEY(MAIA_RSS_KEY_SIZE / 4)) {
        stl_le_p(p->rss_key + (r - MAIA_P_RSS_KEY(0)), v);
        return;
    }
    if (r >= MAIA_P_RSS_INDIR(0) &&
        r < MAIA_P_RSS_INDIR(MAIA_RSS_INDIR_SIZE / 4)) {
        stl_le_p(p->rss_indir + (r - MAIA_P_RSS_INDIR(0)), v);
        return;
    }
    if (r >= MAIA_P_DBG_LANE_KILL && r <= MAIA_P_DBG_TEMP_MC) {
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
        p->mod_page = v & 0xffff;
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
    unsigned i;

    l->last_tick = now;
    for (i = 0; i < l->nports; i++) {
        maia_phy_tick(&l->port[i], now, dt);
    }
    timer_mod(l->tick, now + MAIA_TRAIN_PERIOD_NS);
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
    char *thread_name;
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
                          "maia-link", MAIA_REGS_SIZE - MAIA_REG_PORT_BASE);
    memory_region_add_subregion(&s->mmio, MAIA_REG_PORT_BASE, &l->mmio);

    for (i = 0; i < l->nports; i++) {
        MaiaPort *p = &l->port[i];

        p->s = s;
        p->index = i;
        p->txbuf = g_malloc(MAIA_TX_MAX_PACKET);
        p->segbuf = g_malloc(MAIA_MAX_FRAME_MAX + 64);
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
        qemu_mutex_init(&p->tx_lock);
        qemu_cond_init(&p->tx_cond);
        thread_name = g_strdup_printf("maia-p%u-tx", i);
        qemu_thread_create(&p->tx_thread, thread_name, maia_port_tx_thread,
                           p, QEMU_THREAD_JOINABLE);
        g_free(thread_name);
        p->tx_thread_started = true;
    }
    maia_phy_realize(s);
    l->tick = timer_new_ns(QEMU_CLOCK_VIRTUAL, maia_link_tick, s);
    timer_mod(l->tick, qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) +
              MAIA_TRAIN_PERIOD_NS);
    return true;
}

void maia_link_exit(MaiaState *s)
{
    MaiaLink *l = &s->link;
    unsigned i, q;

    if (l->tick) {
        timer_free(l->tick);
        l->tick = NULL;
    }
    for (i = 0; i < l->nports; i++) {
        MaiaPort *p = &l->port[i];

        if (p->tx_thread_started) {
            /*
             * The thread may be waiting for the BQL we hold: let it in to
             * see tx_exit (written under both locks) and leave.
             */
            qemu_mutex_lock(&p->tx_lock);
            p->tx_exit = true;
            qemu_cond_signal(&p->tx_cond);
            qemu_mutex_unlock(&p->tx_lock);
            bql_unlock();
            qemu_thread_join(&p->tx_thread);
            bql_lock();
            p->tx_thread_started = false;
            qemu_cond_destroy(&p->tx_cond);
            qemu_mutex_destroy(&p->tx_lock);
        }
        if (p->nic) {
            qemu_del_nic(p->nic);
            p->nic = NULL;
        }
        for (q = 0; q < MAIA_PORT_QPAIRS; q++) {
            timer_free(p->qp[q].irq_timer);
            p->qp[q].irq_timer = NULL;
            g_free(p->qp[q].rsc.buf);
        }
        qemu_bh_delete(p->rx_bh);
        qemu_bh_delete(p->rsc_bh);
        g_free(p->txbuf);
        g_free(p->segbuf);
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

static int maia_port_post_load(void *opaque, int version_id)
{
    MaiaPort *p = opaque;
    unsigned i;

    if (!p->s) {
        return 0;               /* port not present on this device */
    }
    for (i = 0; i < MAIA_PORT_QPAIRS; i++) {
        MaiaQpair *qp = &p->qp[i];

        if ((qp->tx.size && !maia_ring_size_ok(qp->tx.size)) ||
            (qp->rx.size && !maia_ring_size_ok(qp->rx.size)) ||
            (qp->tx.size && (qp->tx.head >= qp->tx.size ||
                             qp->tx.tail >= qp->tx.size)) ||
            (qp->rx.size && (qp->rx.head >= qp->rx.size ||
                             qp->rx.tail >= qp->rx.size))) {
            return -EINVAL;
        }
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
        VMSTATE_UINT64(tx.ring, MaiaQpair),
        VMSTATE_UINT32(tx.size, MaiaQpair),
        VMSTATE_UINT32(tx.head, MaiaQpair),
        VMSTATE_UINT32(tx.tail, MaiaQpair),
        VMSTATE_UINT64(tx.wb, MaiaQpair),
        VMSTATE_UINT32(tx.ctrl, MaiaQpair),
        VMSTATE_UINT64(rx.ring, MaiaQpair),
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
        VMSTATE_UINT64_2DARRAY(fec_lane, MaiaPort, MAIA_PORT_LANES_MAX, 3),
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
