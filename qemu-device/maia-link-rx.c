/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Maia accelerator: optical ports, receive path.
 *
 * One job: take frames from the wire (the net backend's receive callback)
 * or from the port's own TX in loopback, and put them into the guest's RX
 * rings: drop what the MAC drops (link down, FEC losses, size), check the
 * L4 checksum, pick the queue pair by RSS (Toeplitz hash and indirection
 * table), coalesce TCP segments (P_CTRL.RSC), write the frame into as many
 * buffers as it needs and write the descriptors back (struct maia_rxd:
 * data, then hash/info/len, then status with DD), then account the event
 * for interrupt moderation. Training frames go to the PHY
 * (maia-link-phy.c).
 *
 * When a ring lacks buffers the frame is refused (the backend queues it)
 * and an RX doorbell schedules a flush. Every DMA result is checked: a
 * failed descriptor, buffer or write-back access stops the ring
 * (RXR_CTRL.ERROR) and is counted. Everything here runs under the BQL;
 * the flush bottom halves do nothing while the VM is stopped (the net
 * layer holds frames back then, and the link's VM-state handler flushes
 * the coalescing contexts on stop and reschedules the flushes on resume).
 */

#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/main-loop.h"
#include "qemu/bswap.h"
#include "hw/pci/pci_device.h"
#include "net/net.h"
#include "net/checksum.h"
#include "net/eth.h"
#include "system/dma.h"
#include "system/runstate.h"
#include "trace.h"
#include "maia.h"

/* Checks and RSS ----------------------------------------------------------- */

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
    if (pk->proto == IP_PROTO_TCP) {
        if (pk->l4_len < 20) {
            return MAIA_RXD_CSUM_BAD;
        }
    } else if (pk->proto == IP_PROTO_UDP) {
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
         (pk->proto == IP_PROTO_TCP || pk->proto == IP_PROTO_UDP);
    if (pk->ipver == 4) {
        memcpy(in, buf + pk->l3 + 12, 8);
        n = 8;
        if (l4 && pk->proto == IP_PROTO_TCP && (c & MAIA_RSS_TCP4)) {
            *type = MAIA_HASH_TCP4;
        } else if (l4 && pk->proto == IP_PROTO_UDP && (c & MAIA_RSS_UDP4)) {
            *type = MAIA_HASH_UDP4;
        } else if (c & MAIA_RSS_IPV4) {
            *type = MAIA_HASH_IPV4;
        } else {
            return 0;
        }
    } else {
        memcpy(in, buf + pk->l3 + 8, 32);
        n = 32;
        if (l4 && pk->proto == IP_PROTO_TCP && (c & MAIA_RSS_TCP6)) {
            *type = MAIA_HASH_TCP6;
        } else if (l4 && pk->proto == IP_PROTO_UDP && (c & MAIA_RSS_UDP6)) {
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

/* RX rings ---------------------------------------------------------------- */

static void maia_rxr_error(MaiaPort *p, MaiaQpair *qp, const char *what,
                           uint64_t addr, MemTxResult r)
{
    qp->rx.ctrl |= MAIA_RXR_CTRL_ERROR;
    MAIA_PORT_STAT(p, RX_DMA_ERRORS)++;
    trace_maia_link_dma_error(p->index, what, addr, r);
    qemu_log_mask(LOG_GUEST_ERROR, "maia: port %u rx ring %u: %s DMA at 0x%"
                  PRIx64 " failed (%d); ring stopped\n", p->index,
                  qp->index, what, addr, r);
}

/* Buffer address of the n-th free descriptor after HEAD (n < avail). */
static bool maia_rxr_buf(MaiaPort *p, MaiaQpair *qp, uint32_t n,
                         uint64_t *addr)
{
    MaiaRxRing *ring = &qp->rx;
    uint32_t idx = (ring->head + n) & (ring->size - 1);
    uint32_t off = (idx - ring->cache_pos) & (ring->size - 1);
    uint64_t daddr = ring->addr + (uint64_t)idx * sizeof(union maia_rxd);
    union maia_rxd raw[MAIA_RXD_CACHE];
    uint32_t cnt, i;
    MemTxResult r;

    if (off >= ring->cache_n) {
        cnt = maia_port_ring_avail(idx, ring->tail, ring->size);
        cnt = MIN(cnt, MAIA_RXD_CACHE);
        cnt = MIN(cnt, ring->size - idx);
        r = pci_dma_read(maia_port_pdev(p), daddr, raw, cnt * sizeof(raw[0]));
        if (r != MEMTX_OK) {
            ring->cache_n = 0;
            maia_rxr_error(p, qp, "rx descriptor", daddr, r);
            return false;
        }
        for (i = 0; i < cnt; i++) {
            ring->cache[i] = le64_to_cpu(raw[i].read.addr);
        }
        ring->cache_pos = idx;
        ring->cache_n = cnt;
        off = 0;
    }
    *addr = ring->cache[off];
    return true;
}

/*
 * Buffers a frame of @size needs. BUF_LEN is checked when written and
 * cannot change while the ring is enabled; a ring without a buffer size
 * has room for nothing.
 */
static uint32_t maia_rx_need(MaiaRxRing *ring, size_t size)
{
    if (!ring->buf_len) {
        return UINT32_MAX;
    }
    return DIV_ROUND_UP(size, ring->buf_len);
}

/*
 * Put one frame into queue pair @qp. Returns false when the queue lacks
 * buffers (nothing was written); true otherwise (written or dropped).
 */
static bool maia_rx_to_ring(MaiaPort *p, MaiaQpair *qp, const uint8_t *buf,
                             size_t size, uint32_t hash, uint32_t info,
                             uint32_t eop_status)
{
    MaiaRxRing *ring = &qp->rx;
    PCIDevice *pdev = maia_port_pdev(p);
    uint32_t need = maia_rx_need(ring, size);
    const size_t wb_len = offsetof(union maia_rxd, wb.status);
    uint32_t i, idx, status;
    union maia_rxd d;
    size_t off = 0, chunk;
    uint64_t addr, daddr;
    MemTxResult r;

    if (maia_port_ring_avail(ring->head, ring->tail, ring->size) < need) {
        return false;
    }
    for (i = 0; i < need; i++) {
        if (!maia_rxr_buf(p, qp, i, &addr)) {
            return true;
        }
        chunk = MIN(size - off, ring->buf_len);
        r = pci_dma_write(pdev, addr, buf + off, chunk);
        if (r != MEMTX_OK) {
            maia_rxr_error(p, qp, "rx buffer", addr, r);
            return true;
        }
        idx = (ring->head + i) & (ring->size - 1);
        daddr = ring->addr + (uint64_t)idx * sizeof(d);
        status = MAIA_RXD_DD;
        d.wb.hash = 0;
        d.wb.info = 0;
        if (i == need - 1) {
            status |= MAIA_RXD_EOP | eop_status;
            d.wb.hash = cpu_to_le32(hash);
            d.wb.info = cpu_to_le32(info);
        }
        d.wb.len = cpu_to_le32(chunk);
        /* hash, info and len first, then status with DD */
        r = pci_dma_write(pdev, daddr, &d, wb_len);
        if (r == MEMTX_OK) {
            r = stl_le_pci_dma(pdev, daddr + wb_len, status,
                               MEMTXATTRS_UNSPECIFIED);
        }
        if (r != MEMTX_OK) {
            maia_rxr_error(p, qp, "rx write-back", daddr, r);
            return true;
        }
        off += chunk;
    }
    ring->head = (ring->head + need) & (ring->size - 1);
    maia_qp_rx_event(qp);
    maia_qp_irq_update(qp);
    return true;
}

/* Receive segment coalescing (P_CTRL.RSC) -------------------------------- */


static size_t maia_rsc_max(MaiaRxRing *ring)
{
    return MIN((size_t)ring->buf_len * MAIA_RSC_MAX_BUFS, 65000);
}

/* In-order TCP data (ACK, maybe PSH), good checksum, no VLAN or options. */
static bool maia_rsc_eligible(const uint8_t *buf, size_t size,
                              const MaiaPkt *pk, uint32_t csum)
{
    unsigned doff;

    if (csum != MAIA_RXD_CSUM_OK || pk->proto != IP_PROTO_TCP || pk->frag ||
        pk->l3 != ETH_HLEN || pk->l4 + pk->l4_len != size ||
        (pk->ipver == 4 && pk->l4 != pk->l3 + 20)) {
        return false;
    }
    doff = (buf[pk->l4 + 12] >> 4) * 4;
    if (doff < 20 || doff >= pk->l4_len) {
        return false;           /* pure ACKs are not merged */
    }
    return (buf[pk->l4 + 13] & ~TH_PUSH) == TH_ACK;
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
           !((f[l4 + 13] ^ buf[l4 + 13]) & ~TH_PUSH) &&
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
    if (!maia_rxr_usable(&qp->rx)) {
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
        info |= MAIA_FIELD_PREP(MAIA_RXD_INFO_RSC_SEGS, c->segs);
        status |= MAIA_FIELD_PREP(MAIA_RXD_STATUS_MSS, c->mss);
        MAIA_PORT_STAT(p, RX_RSC)++;
        MAIA_PORT_STAT(p, RX_RSC_SEGS) += c->segs;
    }
    trace_maia_link_rsc(p->index, qp->index, c->segs, c->len);
    maia_rx_to_ring(p, qp, f, c->len, c->hash, info, status);
}

void maia_rsc_flush_port(MaiaPort *p)
{
    unsigned i;

    for (i = 0; i < MAIA_PORT_QPAIRS; i++) {
        maia_rsc_flush(p, &p->qp[i]);
    }
}

void maia_port_rsc_bh(void *opaque)
{
    if (runstate_is_running()) {
        maia_rsc_flush_port(opaque);
    }
}

/* Merge a data segment into the ring's context; false: deliver it alone. */
static bool maia_rsc_add(MaiaPort *p, MaiaQpair *qp, const uint8_t *buf,
                         size_t size, const MaiaPkt *pk, uint32_t hash,
                         uint32_t type)
{
    MaiaRsc *c = &qp->rsc;
    MaiaRxRing *ring = &qp->rx;
    unsigned hdr = pk->l4 + (buf[pk->l4 + 12] >> 4) * 4;
    size_t payload = size - hdr;
    uint32_t seq = ldl_be_p(buf + pk->l4 + 4);
    bool psh = buf[pk->l4 + 13] & TH_PUSH;

    if (c->active) {
        if (seq == c->next_seq && payload <= c->mss &&
            c->segs < MAIA_FIELD_MAX(MAIA_RXD_INFO_RSC_SEGS) &&
            c->len + payload <= maia_rsc_max(ring) &&
            maia_rx_need(ring, c->len + payload) <=
            maia_port_ring_avail(ring->head, ring->tail, ring->size) &&
            maia_rsc_same_flow(c, buf, pk, hdr)) {
            memcpy(c->buf + c->len, buf + hdr, payload);
            c->len += payload;
            c->segs++;
            c->next_seq += payload;
            c->next_id++;
            memcpy(c->buf + c->l4 + 14, buf + pk->l4 + 14, 2);  /* window */
            if (psh || payload < c->mss) {
                c->buf[c->l4 + 13] |= psh ? TH_PUSH : 0;
                maia_rsc_flush(p, qp);          /* end of a message */
            }
            return true;
        }
        maia_rsc_flush(p, qp);
    }
    if (psh || size > maia_rsc_max(ring) ||
        maia_rx_need(ring, size) >
        maia_port_ring_avail(ring->head, ring->tail, ring->size)) {
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
 * Returns 0 if it must be held because its ring has no buffers, else
 * @size.
 */
ssize_t maia_port_rx_frame(MaiaPort *p, const uint8_t *buf, size_t size,
                           bool wire)
{
    uint32_t hash, type, csum;
    MaiaQpair *qp;
    MaiaPkt pk;
    unsigned q;

    if (size < ETH_HLEN) {
        MAIA_PORT_STAT(p, RX_UNDERSIZE)++;
        trace_maia_link_rx_drop(p->index, "undersize", size);
        return size;
    }
    if (size > p->max_frame) {
        MAIA_PORT_STAT(p, RX_OVERSIZE)++;
        trace_maia_link_rx_drop(p->index, "oversize", size);
        return size;
    }
    maia_parse(buf, size, &pk);
    hash = maia_rx_hash(p, buf, &pk, &type);
    q = (p->rss_ctrl & MAIA_RSS_ENABLE) ?
        p->rss_indir[hash % MAIA_RSS_INDIR_SIZE] : 0;
    if (q >= MAIA_PORT_QPAIRS || !maia_rxr_usable(&p->qp[q].rx)) {
        MAIA_PORT_STAT(p, RX_NO_RING)++;
        trace_maia_link_rx_drop(p->index, "no ring", size);
        return size;
    }
    qp = &p->qp[q];
    csum = maia_rx_csum(buf, &pk);
    if (wire && (p->ctrl & MAIA_P_CTRL_RSC) &&
        maia_rsc_eligible(buf, size, &pk, csum)) {
        if (maia_rsc_add(p, qp, buf, size, &pk, hash, type)) {
            MAIA_PORT_STAT(p, RX_CSUM_OK)++;
            maia_count_frame(p, buf, size, false);
            return size;
        }
    } else {
        maia_rsc_flush(p, qp);          /* keep the ring in order */
    }
    if (maia_port_ring_avail(qp->rx.head, qp->rx.tail, qp->rx.size) <
        maia_rx_need(&qp->rx, size)) {
        MAIA_PORT_STAT(p, RX_BACKPRESSURE)++;
        p->rx_stalled = true;
        return 0;
    }
    if (csum == MAIA_RXD_CSUM_OK) {
        MAIA_PORT_STAT(p, RX_CSUM_OK)++;
    } else if (csum == MAIA_RXD_CSUM_BAD) {
        MAIA_PORT_STAT(p, RX_CSUM_BAD)++;
    }
    maia_count_frame(p, buf, size, false);
    trace_maia_link_rx(p->index, q, size, hash, type);
    maia_rx_to_ring(p, qp, buf, size, hash, type, csum);
    return size;
}

bool maia_port_can_receive(NetClientState *nc)
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
        if (maia_rxr_usable(&qp->rx) &&
            maia_port_ring_avail(qp->rx.head, qp->rx.tail, qp->rx.size) <
            maia_rx_need(&qp->rx, p->max_frame)) {
            p->rx_stalled = true;
            return false;
        }
    }
    return true;
}

ssize_t maia_port_receive(NetClientState *nc, const uint8_t *buf,
                          size_t size)
{
    MaiaPort *p = qemu_get_nic_opaque(nc);

    if (size >= ETH_HLEN &&
        lduw_be_p(buf + 12) == MAIA_ETHERTYPE_TRAIN) {
        maia_phy_rx_training(p, buf, size);
        return size;
    }
    if (!(p->ctrl & MAIA_P_CTRL_ENABLE) || p->fiber_pulled) {
        return size;            /* no light, no MAC: nothing arrives */
    }
    if (p->state != MAIA_LINK_STATE_UP ||
        (p->ctrl & MAIA_P_CTRL_LOOPBACK)) {
        MAIA_PORT_STAT(p, RX_LINK_DOWN)++;
        return size;
    }
    if (maia_phy_rx_corrupt(p, size)) {
        MAIA_PORT_STAT(p, RX_FCS_ERRORS)++;
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

void maia_port_rx_bh(void *opaque)
{
    MaiaPort *p = opaque;

    if (!runstate_is_running()) {
        return;                 /* rx_stalled stays: resumed on VM start */
    }
    p->rx_stalled = false;
    if (p->nic) {
        qemu_flush_queued_packets(qemu_get_queue(p->nic));
    }
}

/* RXR_CTRL: enable (checking the ring registers) or disable the ring. */
void maia_rxr_ctrl(MaiaPort *p, MaiaQpair *qp, uint32_t val)
{
    MaiaRxRing *ring = &qp->rx;

    qp->rsc.active = false;
    ring->head = ring->tail = 0;
    ring->cache_n = 0;
    ring->ctrl = 0;
    if (val & MAIA_RXR_CTRL_ENABLE) {
        if (!maia_port_ring_size_ok(ring->size) || !ring->addr ||
            (ring->addr & (sizeof(union maia_rxd) - 1)) ||
            ring->buf_len < MAIA_RX_BUF_MIN ||
            ring->buf_len > MAIA_RX_BUF_MAX) {
            qemu_log_mask(LOG_GUEST_ERROR, "maia: port %u rx ring %u: bad ring "
                          "(addr 0x%" PRIx64 " size %u buf %u)\n", p->index,
                          qp->index, ring->addr, ring->size, ring->buf_len);
            ring->ctrl = MAIA_RXR_CTRL_ERROR;
        } else {
            ring->ctrl = MAIA_RXR_CTRL_ENABLE;
        }
    }
    trace_maia_link_ring(p->index, qp->index, "rx", ring->ctrl);
    /* held frames may now go to (or be dropped for) this ring */
    if (p->rx_stalled) {
        qemu_bh_schedule(p->rx_bh);
    }
}
