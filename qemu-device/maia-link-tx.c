/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Maia accelerator: optical ports, transmit path.
 *
 * One job: the transmit engine of a port. A TX doorbell (maia-link.c)
 * only records the tail and schedules the port's transmit bottom half,
 * which, in the main loop, gathers packets from the TX rings (struct
 * maia_txd, fetched MAIA_TXD_CACHE at a time), applies the offloads
 * (checksum insertion, TCP segmentation: frames on the wire are plain
 * Ethernet of at most P_MAX_FRAME bytes), hands frames to the backend (or
 * back to the port's RX in loopback), writes the consumer index back and
 * accounts the completions for interrupt moderation.
 *
 * One run of the bottom half is a batch: at most MAIA_TX_BUDGET packets
 * per ring and MAIA_TX_WORK_BUDGET bytes gathered and sent (TSO segments
 * count with their headers), starting with a different ring each time;
 * when work remains it schedules itself again, so vCPUs, timers and the
 * monitor get the BQL between batches. A packet whose EOP has not been
 * posted yet stops its ring until the next doorbell (no polling).
 *
 * Every DMA result is checked: a failed descriptor or buffer read, a bad
 * descriptor or TSO fields, or a failed HEAD write-back stop the ring
 * (TXR_CTRL.ERROR) and are counted.
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

void maia_port_tx_kick(MaiaPort *p)
{
    if (p->tx_bh) {
        qemu_bh_schedule(p->tx_bh);
    }
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

    p->tx_work += len;
    if (len < ETH_ZLEN) {
        memset(buf + len, 0, ETH_ZLEN - len);
        len = ETH_ZLEN;
    }
    if (len > p->max_frame) {
        MAIA_PORT_STAT(p, TX_OVERSIZE)++;
        return;
    }
    if (p->ctrl & MAIA_P_CTRL_LOOPBACK) {
        maia_count_frame(p, buf, len, true);
        if (!maia_port_rx_frame(p, buf, len, false)) {
            /* a looped frame cannot be held */
            MAIA_PORT_STAT(p, RX_NO_RING)++;
        }
        return;
    }
    if (p->state != MAIA_LINK_STATE_UP || !p->nic) {
        MAIA_PORT_STAT(p, TX_LINK_DOWN)++;
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
                        const struct maia_txd *d)
{
    unsigned mss = le16_to_cpu(d->mss);
    unsigned hdr = le16_to_cpu(d->hdr_len);
    unsigned l3 = le16_to_cpu(d->l3_offset);
    unsigned l4 = le16_to_cpu(d->l4_offset);
    uint8_t *seg = p->segbuf;
    unsigned ihl = 0, i, nseg, seglen, tcplen;
    uint32_t seq, sum;
    uint16_t id = 0;
    uint8_t flags;
    MaiaPkt pk = { .l3 = l3, .l4 = l4, .proto = IP_PROTO_TCP };
    size_t payload, off;

    /*
     * The limits bound the work a packet can ask for: at most
     * MAIA_TX_MAX_PACKET / MAIA_TSO_MSS_MIN segments of at most
     * MAIA_TSO_HDR_MAX + mss bytes.
     */
    if (mss < MAIA_TSO_MSS_MIN || hdr > MAIA_TSO_HDR_MAX || hdr > len ||
        l3 + 20 > l4 || l4 + 20 > hdr || hdr + mss > MAIA_MAX_FRAME_MAX) {
        return false;
    }
    pk.ipver = pkt[l3] >> 4;
    if (pk.ipver == 4) {
        ihl = (pkt[l3] & 0xf) * 4;
        if (l3 + ihl != l4) {
            return false;
        }
        id = lduw_be_p(pkt + l3 + 4);
    } else if (pk.ipver != 6 || l3 + 40 > l4) {
        return false;
    }
    payload = len - hdr;
    nseg = payload ? DIV_ROUND_UP(payload, mss) : 1;
    seq = ldl_be_p(pkt + l4 + 4);
    flags = pkt[l4 + 13];
    MAIA_PORT_STAT(p, TX_TSO)++;
    trace_maia_link_tso(p->index, nseg, mss, hdr);
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
            seg[l4 + 13] &= ~(TH_FIN | TH_PUSH);    /* only on the last */
        }
        if (i) {
            seg[l4 + 13] &= ~TH_CWR;    /* only on the first */
        }
        tcplen = hdr - l4 + seglen;
        stw_be_p(seg + l4 + 16, 0);
        sum = maia_pseudo_sum(seg, &pk, tcplen) +
              maia_csum(seg + l4, tcplen);
        stw_be_p(seg + l4 + 16, net_checksum_finish(sum));
        MAIA_PORT_STAT(p, TX_TSO_SEGS)++;
        maia_tx_wire(p, seg, hdr + seglen);
    }
    return true;
}

static void maia_txr_error(MaiaPort *p, MaiaQpair *qp, const char *what,
                           uint64_t addr, MemTxResult r)
{
    qp->tx.ctrl |= MAIA_TXR_CTRL_ERROR;
    if (r == MEMTX_OK) {
        MAIA_PORT_STAT(p, TX_BAD_DESC)++;
        qemu_log_mask(LOG_GUEST_ERROR, "maia: port %u tx ring %u: bad %s; "
                      "ring stopped\n", p->index, qp->index, what);
    } else {
        MAIA_PORT_STAT(p, TX_DMA_ERRORS)++;
        qemu_log_mask(LOG_GUEST_ERROR, "maia: port %u tx ring %u: %s DMA at 0x%"
                      PRIx64 " failed (%d); ring stopped\n", p->index,
                      qp->index, what, addr, r);
    }
    trace_maia_link_dma_error(p->index, what, addr, r);
}

/* Descriptor at ring index @idx (which must be below TAIL), via the cache. */
static const struct maia_txd *maia_txr_desc(MaiaPort *p, MaiaQpair *qp,
                                            uint32_t idx)
{
    MaiaTxRing *ring = &qp->tx;
    uint32_t off = (idx - ring->cache_pos) & (ring->size - 1);
    uint64_t daddr = ring->addr + (uint64_t)idx * sizeof(struct maia_txd);
    uint32_t cnt;
    MemTxResult r;

    if (off >= ring->cache_n) {
        cnt = maia_port_ring_avail(idx, ring->tail, ring->size);
        cnt = MIN(cnt, MAIA_TXD_CACHE);
        cnt = MIN(cnt, ring->size - idx);
        r = pci_dma_read(maia_port_pdev(p), daddr, ring->cache,
                         cnt * sizeof(ring->cache[0]));
        if (r != MEMTX_OK) {
            ring->cache_n = 0;
            maia_txr_error(p, qp, "tx descriptor", daddr, r);
            return NULL;
        }
        ring->cache_pos = idx;
        ring->cache_n = cnt;
        off = 0;
    }
    return &ring->cache[off];
}

/*
 * Transmit the packet at HEAD. Returns the number of descriptors consumed,
 * 0 when no complete packet is there, -1 when the ring stopped on an error.
 */
static int maia_txr_one(MaiaPort *p, MaiaQpair *qp)
{
    MaiaTxRing *ring = &qp->tx;
    uint32_t avail = maia_port_ring_avail(ring->head, ring->tail, ring->size);
    struct maia_txd first;
    const struct maia_txd *d;
    uint32_t n, flags, dlen;
    uint64_t addr;
    size_t len = 0;
    MemTxResult r;

    for (n = 0; ; n++) {
        if (n == avail) {
            ring->stalled = true;   /* packet not complete yet */
            return 0;
        }
        if (n == MAIA_TX_MAX_DESCS) {
            maia_txr_error(p, qp, "descriptor chain (no EOP)", 0, MEMTX_OK);
            return -1;
        }
        d = maia_txr_desc(p, qp, (ring->head + n) & (ring->size - 1));
        if (!d) {
            return -1;
        }
        if (!n) {
            first = *d;         /* the cache may be refilled below */
        }
        addr = le64_to_cpu(d->addr);
        dlen = le32_to_cpu(d->len);
        flags = le32_to_cpu(d->flags);
        if (!dlen || dlen > MAIA_TXD_LEN_MAX ||
            len + dlen > MAIA_TX_MAX_PACKET) {
            maia_txr_error(p, qp, "descriptor length", addr, MEMTX_OK);
            return -1;
        }
        r = pci_dma_read(maia_port_pdev(p), addr, p->txbuf + len, dlen);
        if (r != MEMTX_OK) {
            maia_txr_error(p, qp, "tx buffer", addr, r);
            return -1;
        }
        len += dlen;
        if (flags & MAIA_TXD_EOP) {
            break;
        }
    }
    p->tx_work += len;

    flags = le32_to_cpu(first.flags);
    trace_maia_link_tx(p->index, qp->index, len, flags);
    if (flags & MAIA_TXD_TSO) {
        if (!maia_tx_tso(p, p->txbuf, len, &first)) {
            maia_txr_error(p, qp, "TSO fields", 0, MEMTX_OK);
            return -1;
        }
    } else {
        if ((flags & MAIA_TXD_CSUM) &&
            !maia_tx_csum(p->txbuf, len,
                          le16_to_cpu(first.csum_start),
                          le16_to_cpu(first.csum_offset))) {
            maia_txr_error(p, qp, "checksum fields", 0, MEMTX_OK);
            return -1;
        }
        if (flags & MAIA_TXD_CSUM) {
            MAIA_PORT_STAT(p, TX_CSUM)++;
        }
        maia_tx_wire(p, p->txbuf, len);
    }
    return n + 1;
}

/* Whether the ring has packets the engine can work on now. */
static bool maia_txr_pending(MaiaPort *p, MaiaTxRing *ring)
{
    return maia_txr_usable(ring) && !ring->stalled && !p->tx_blocked &&
           ring->head != ring->tail;
}

/* Process up to MAIA_TX_BUDGET packets within the batch's byte budget. */
static void maia_txr_process(MaiaPort *p, MaiaQpair *qp)
{
    MaiaTxRing *ring = &qp->tx;
    uint32_t done = 0, start = ring->head;
    MemTxResult r;
    int n;

    while (done < MAIA_TX_BUDGET && p->tx_work < MAIA_TX_WORK_BUDGET &&
           maia_txr_pending(p, ring)) {
        n = maia_txr_one(p, qp);
        if (n <= 0) {
            break;
        }
        ring->head = (ring->head + n) & (ring->size - 1);
        done++;
    }
    if (ring->head != start && ring->wb) {
        r = stl_le_pci_dma(maia_port_pdev(p), ring->wb, ring->head,
                           MEMTXATTRS_UNSPECIFIED);
        if (r != MEMTX_OK) {
            maia_txr_error(p, qp, "tx head write-back", ring->wb, r);
        }
    }
    if (done) {
        maia_qp_tx_event(qp, done);
        maia_qp_irq_update(qp);
    }
}

/*
 * The port's transmit engine (a guarded bottom half: our own DMA cannot
 * reach our own registers): one batch over the TX rings, then again later
 * if work remains. Nothing happens while the VM is stopped; the link's
 * VM-state handler schedules it again on resume.
 */
void maia_port_tx_bh(void *opaque)
{
    MaiaPort *p = opaque;
    unsigned i, q;

    if (!(p->ctrl & MAIA_P_CTRL_ENABLE) || !runstate_is_running()) {
        return;
    }
    p->tx_work = 0;
    for (i = 0; i < MAIA_PORT_QPAIRS; i++) {
        q = (p->tx_first + i) % MAIA_PORT_QPAIRS;
        maia_txr_process(p, &p->qp[q]);
    }
    p->tx_first = (p->tx_first + 1) % MAIA_PORT_QPAIRS;
    for (q = 0; q < MAIA_PORT_QPAIRS; q++) {
        if (maia_txr_pending(p, &p->qp[q].tx)) {
            qemu_bh_schedule(p->tx_bh);
            break;
        }
    }
}

/* TXR_CTRL: enable (checking the ring registers) or disable the ring. */
void maia_txr_ctrl(MaiaPort *p, MaiaQpair *qp, uint32_t val)
{
    MaiaTxRing *ring = &qp->tx;

    ring->head = ring->tail = 0;
    ring->cache_n = 0;
    ring->ctrl = 0;
    ring->stalled = false;
    if (!(val & MAIA_TXR_CTRL_ENABLE)) {
        trace_maia_link_ring(p->index, qp->index, "tx", 0);
        return;
    }
    if (!maia_port_ring_size_ok(ring->size) || !ring->addr ||
        (ring->addr & (sizeof(struct maia_txd) - 1)) ||
        (ring->wb & (MAIA_TXR_WB_ALIGN - 1))) {
        qemu_log_mask(LOG_GUEST_ERROR, "maia: port %u tx ring %u: bad ring "
                      "(addr 0x%" PRIx64 " size %u wb 0x%" PRIx64 ")\n",
                      p->index, qp->index, ring->addr, ring->size, ring->wb);
        ring->ctrl = MAIA_TXR_CTRL_ERROR;
        return;
    }
    ring->ctrl = MAIA_TXR_CTRL_ENABLE;
    trace_maia_link_ring(p->index, qp->index, "tx", 1);
}
