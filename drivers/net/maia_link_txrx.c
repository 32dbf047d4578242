// SPDX-License-Identifier: GPL-2.0
/*
 * maia_link data path: queue pairs (TX ring, RX ring, MSI-X vector, NAPI),
 * transmit with scatter-gather, checksum and TSO offload, BQL and
 * xmit_more doorbell batching; receive into page_pool buffers (small
 * frames copied out so the buffer is reused at once) with
 * multi-buffer frames for jumbo MTUs and for TCP segments the device
 * coalesced (hardware GRO), RSS hash and checksum from the device.
 */

#include <linux/dma-mapping.h>
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/interrupt.h>
#include <linux/tcp.h>
#include <linux/unaligned.h>
#include <net/gro.h>
#include <net/ip6_checksum.h>
#include <net/netdev_queues.h>
#include <net/page_pool/helpers.h>
#include <net/tcp.h>

#include "maia_link.h"

static u32 maia_tx_free(const struct maia_tx_ring *ring)
{
	u32 used = (ring->ntu - READ_ONCE(ring->ntc)) & (ring->size - 1);

	return ring->size - 1 - used;
}

/* Transmit ----------------------------------------------------------------- */

static void maia_tx_unmap(struct maia_tx_ring *ring, struct maia_tx_buf *buf)
{
	struct device *dev = ring->qp->port->dev;

	if (buf->unmap_len) {
		if (buf->page)
			dma_unmap_page(dev, buf->dma, buf->unmap_len,
				       DMA_TO_DEVICE);
		else
			dma_unmap_single(dev, buf->dma, buf->unmap_len,
					 DMA_TO_DEVICE);
		buf->unmap_len = 0;
	}
}

/* Fill descriptors for one mapped buffer, split in MAIA_TXD_MAX_LEN pieces. */
static u32 maia_tx_map_buf(struct maia_tx_ring *ring, u32 ntu, dma_addr_t dma,
			   u32 len, bool page, const struct maia_txd *first)
{
	u32 mask = ring->size - 1, off = 0, chunk;
	struct maia_tx_buf *buf;
	struct maia_txd *d;

	buf = &ring->bufs[ntu];
	buf->dma = dma;
	buf->unmap_len = len;
	buf->page = page;
	while (off < len) {
		chunk = min_t(u32, len - off, MAIA_TXD_MAX_LEN);
		d = &ring->desc[ntu];
		if (first) {
			*d = *first;
			first = NULL;
		} else {
			memset(d, 0, sizeof(*d));
		}
		d->addr = cpu_to_le64(dma + off);
		d->len = cpu_to_le32(chunk);
		off += chunk;
		ntu = (ntu + 1) & mask;
		if (off < len) {
			buf = &ring->bufs[ntu];
			buf->unmap_len = 0;
		}
	}
	return ntu;
}

static bool maia_tx_offload(struct sk_buff *skb, struct maia_txd *d,
			    u32 *bytes, u16 *segs)
{
	u32 hdr;

	memset(d, 0, sizeof(*d));
	*segs = 1;
	*bytes = max_t(u32, skb->len, ETH_ZLEN);
	if (skb_is_gso(skb)) {
		if (!(skb_shinfo(skb)->gso_type & (SKB_GSO_TCPV4 | SKB_GSO_TCPV6)))
			return false;
		hdr = skb_tcp_all_headers(skb);
		d->flags = cpu_to_le32(MAIA_TXD_TSO);
		d->mss = cpu_to_le16(skb_shinfo(skb)->gso_size);
		d->hdr_len = cpu_to_le16(hdr);
		d->l3_offset = cpu_to_le16(skb_network_offset(skb));
		d->l4_offset = cpu_to_le16(skb_transport_offset(skb));
		*segs = skb_shinfo(skb)->gso_segs;
		*bytes = skb->len + (*segs - 1) * hdr;
	} else if (skb->ip_summed == CHECKSUM_PARTIAL) {
		d->flags = cpu_to_le32(MAIA_TXD_CSUM);
		d->csum_start = cpu_to_le16(skb_checksum_start_offset(skb));
		d->csum_offset = cpu_to_le16(skb->csum_offset);
	}
	return true;
}

static void maia_tx_doorbell(struct maia_tx_ring *ring)
{
	/* writel orders the descriptor stores before the doorbell */
	writel(ring->ntu, ring->doorbell);
}

netdev_tx_t maia_start_xmit(struct sk_buff *skb, struct net_device *netdev)
{
	struct maia_port *port = netdev_priv(netdev);
	struct maia_qpair *qp = port->qps[skb_get_queue_mapping(skb)];
	struct maia_tx_ring *ring = &qp->tx;
	u32 first = ring->ntu, ntu = ring->ntu, last, i, len;
	struct device *dev = port->dev;
	struct maia_txd offload;
	skb_frag_t *frag;
	dma_addr_t dma;
	u32 bytes;
	u16 segs;

	if (unlikely(maia_tx_free(ring) < MAIA_TX_DESC_NEEDED)) {
		/* the queue is stopped ahead of time; this is a bug */
		netif_tx_stop_queue(ring->txq);
		return NETDEV_TX_BUSY;
	}
	if (!maia_tx_offload(skb, &offload, &bytes, &segs))
		goto drop;

	len = skb_headlen(skb);
	if (len) {
		dma = dma_map_single(dev, skb->data, len, DMA_TO_DEVICE);
		if (dma_mapping_error(dev, dma))
			goto drop;
		ntu = maia_tx_map_buf(ring, ntu, dma, len, false, &offload);
	}
	for (i = 0; i < skb_shinfo(skb)->nr_frags; i++) {
		frag = &skb_shinfo(skb)->frags[i];
		len = skb_frag_size(frag);
		dma = skb_frag_dma_map(dev, frag, 0, len, DMA_TO_DEVICE);
		if (dma_mapping_error(dev, dma))
			goto unmap;
		ntu = maia_tx_map_buf(ring, ntu, dma, len, true,
				      ntu == first ? &offload : NULL);
	}
	if (ntu == first)
		goto drop;		/* empty packet */

	last = (ntu - 1) & (ring->size - 1);
	ring->desc[last].flags |= cpu_to_le32(MAIA_TXD_EOP);
	ring->bufs[last].skb = skb;
	ring->bufs[last].bytes = bytes;
	ring->bufs[last].segs = segs;
	skb_tx_timestamp(skb);

	u64_stats_update_begin(&ring->syncp);
	ring->stats.packets += segs;
	ring->stats.bytes += bytes;
	if (skb_is_gso(skb)) {
		ring->stats.tso++;
		ring->stats.tso_segs += segs;
	} else if (skb->ip_summed == CHECKSUM_PARTIAL) {
		ring->stats.csum++;
	}
	u64_stats_update_end(&ring->syncp);

	WRITE_ONCE(ring->ntu, ntu);
	if (!netif_txq_maybe_stop(ring->txq, maia_tx_free(ring),
				  MAIA_TX_DESC_NEEDED, ring->wake_thresh)) {
		u64_stats_update_begin(&ring->syncp);
		ring->stats.stops++;
		u64_stats_update_end(&ring->syncp);
	}
	if (__netdev_tx_sent_queue(ring->txq, bytes, netdev_xmit_more()))
		maia_tx_doorbell(ring);
	return NETDEV_TX_OK;

unmap:
	for (i = first; i != ntu; i = (i + 1) & (ring->size - 1))
		maia_tx_unmap(ring, &ring->bufs[i]);
drop:
	u64_stats_update_begin(&ring->syncp);
	ring->stats.dropped++;
	u64_stats_update_end(&ring->syncp);
	dev_kfree_skb_any(skb);
	/* descriptors before this packet may still wait for a doorbell */
	if (!netdev_xmit_more())
		maia_tx_doorbell(ring);
	return NETDEV_TX_OK;
}

static void maia_tx_clean(struct maia_tx_ring *ring, int budget)
{
	u32 head = le32_to_cpu(READ_ONCE(*ring->head_wb));
	u32 ntc = ring->ntc, mask = ring->size - 1;
	unsigned int pkts = 0, bytes = 0;
	struct maia_tx_buf *buf;

	if (head >= ring->size)
		return;
	/*
	 * The device wrote the head after fetching what the xmit path had
	 * written before its doorbell: read bufs[] only after the head.
	 */
	dma_rmb();
	while (ntc != head) {
		buf = &ring->bufs[ntc];
		maia_tx_unmap(ring, buf);
		if (buf->skb) {
			pkts += buf->segs;
			bytes += buf->bytes;
			napi_consume_skb(buf->skb, budget);
			buf->skb = NULL;
		}
		ntc = (ntc + 1) & mask;
	}
	if (ntc == ring->ntc)
		return;
	WRITE_ONCE(ring->ntc, ntc);
	if (!netif_txq_completed_wake(ring->txq, pkts, bytes,
				      maia_tx_free(ring), ring->wake_thresh)) {
		u64_stats_update_begin(&ring->clean_syncp);
		ring->wakes++;
		u64_stats_update_end(&ring->clean_syncp);
	}
}

/* Receive ------------------------------------------------------------------ */

/* Post free buffers; true if the ring is left short (allocations failed). */
static bool maia_rx_refill(struct maia_rx_ring *ring, gfp_t gfp)
{
	u32 mask = ring->size - 1, ntu = ring->ntu, start = ntu;
	u32 free = ring->size - 1 - ((ntu - ring->ntc) & mask);
	union maia_rxd *d;
	struct page *page;

	while (free--) {
		page = page_pool_alloc_pages(ring->pool, gfp);
		if (unlikely(!page)) {
			u64_stats_update_begin(&ring->syncp);
			ring->stats.alloc_fail++;
			u64_stats_update_end(&ring->syncp);
			break;
		}
		ring->bufs[ntu].page = page;
		d = &ring->desc[ntu];
		d->read.addr = cpu_to_le64(page_pool_get_dma_addr(page) +
					   MAIA_RX_HEADROOM);
		d->read.reserved = 0;
		ntu = (ntu + 1) & mask;
	}
	if (ntu != start) {
		ring->ntu = ntu;
		writel(ntu, ring->doorbell);
	}
	return ((ring->ntu - ring->ntc) & mask) < ring->size / 4;
}

static void maia_rx_put(struct maia_rx_ring *ring, struct maia_rx_buf *buf)
{
	page_pool_put_full_page(ring->pool, buf->page, true);
	buf->page = NULL;
}

/*
 * A frame the device coalesced from @segs TCP segments of @mss bytes: give
 * it the GSO metadata GRO would have given it, so that it can be
 * re-segmented exactly (NETIF_F_GRO_HW).
 */
static bool maia_rx_rsc(struct sk_buff *skb, unsigned int segs,
			unsigned int mss)
{
	unsigned int l4, len;
	struct tcphdr *th;

	skb_reset_network_header(skb);
	if (skb->protocol == htons(ETH_P_IP)) {
		struct iphdr *iph = ip_hdr(skb);

		l4 = iph->ihl * 4;
		if (skb_headlen(skb) < l4 + sizeof(*th))
			return false;
		skb_set_transport_header(skb, l4);
		th = tcp_hdr(skb);
		len = skb->len - l4;
		th->check = ~tcp_v4_check(len, iph->saddr, iph->daddr, 0);
		skb_shinfo(skb)->gso_type = SKB_GSO_TCPV4;
	} else if (skb->protocol == htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6h = ipv6_hdr(skb);

		l4 = sizeof(*ip6h);
		if (skb_headlen(skb) < l4 + sizeof(*th))
			return false;
		skb_set_transport_header(skb, l4);
		th = tcp_hdr(skb);
		len = skb->len - l4;
		th->check = ~tcp_v6_check(len, &ip6h->saddr, &ip6h->daddr, 0);
		skb_shinfo(skb)->gso_type = SKB_GSO_TCPV6;
	} else {
		return false;
	}
	skb_shinfo(skb)->gso_size = mss;
	NAPI_GRO_CB(skb)->count = segs;
	tcp_gro_complete(skb);
	return true;
}

static void maia_rx_deliver(struct maia_rx_ring *ring, struct sk_buff *skb,
			    const union maia_rxd *d, u32 status)
{
	struct maia_qpair *qp = ring->qp;
	struct net_device *netdev = qp->port->netdev;
	u32 info = le32_to_cpu(d->wb.info);
	u32 type = FIELD_GET(MAIA_RXD_INFO_HASH_TYPE, info);
	u32 segs = FIELD_GET(MAIA_RXD_INFO_RSC_SEGS, info);
	unsigned int len = skb->len;

	if ((netdev->features & NETIF_F_RXHASH) && type != MAIA_HASH_NONE)
		skb_set_hash(skb, le32_to_cpu(d->wb.hash),
			     type == MAIA_HASH_IPV4 || type == MAIA_HASH_IPV6 ?
			     PKT_HASH_TYPE_L3 : PKT_HASH_TYPE_L4);
	u64_stats_update_begin(&ring->syncp);
	if ((netdev->features & NETIF_F_RXCSUM) && (status & MAIA_RXD_CSUM_OK)) {
		skb->ip_summed = CHECKSUM_UNNECESSARY;
		ring->stats.csum_ok++;
	} else {
		ring->stats.csum_none++;
		if (status & MAIA_RXD_CSUM_BAD)
			ring->stats.csum_bad++;
	}
	ring->stats.packets += max(segs, 1u);
	ring->stats.bytes += len;
	if (segs > 1) {
		ring->stats.rsc += segs;
		ring->stats.rsc_frames++;
	}
	u64_stats_update_end(&ring->syncp);

	skb_record_rx_queue(skb, qp->index);
	skb->protocol = eth_type_trans(skb, netdev);
	if (segs > 1 && !maia_rx_rsc(skb, segs, FIELD_GET(MAIA_RXD_STATUS_MSS, status))) {
		u64_stats_update_begin(&ring->syncp);
		ring->stats.dropped++;
		u64_stats_update_end(&ring->syncp);
		napi_consume_skb(skb, 1);
		return;
	}
	if (unlikely(READ_ONCE(qp->port->selftest_active) &&
		     skb->protocol == htons(ETH_P_802_EX1))) {
		atomic_inc(&qp->port->selftest_rx);
		napi_consume_skb(skb, 1);
		return;
	}
	napi_gro_receive(&qp->napi, skb);
}

/* Drop the frame being assembled, if any, and what is left of it. */
static void maia_rx_drop_frame(struct maia_rx_ring *ring)
{
	if (ring->skb) {
		dev_kfree_skb_any(ring->skb);
		ring->skb = NULL;
	}
	u64_stats_update_begin(&ring->syncp);
	ring->stats.dropped++;
	u64_stats_update_end(&ring->syncp);
}

/*
 * Take the buffer of a completed descriptor into the frame being assembled
 * (ring->skb), copying a small single-buffer frame out (@copied counts
 * those). False if the frame has to be dropped; the buffer has been given
 * back then.
 */
static bool maia_rx_add_buf(struct maia_rx_ring *ring, struct maia_rx_buf *buf,
			    u32 len, bool eop, u32 copybreak, u32 *copied)
{
	struct sk_buff *skb = ring->skb;
	void *va = page_address(buf->page);

	if (!skb && eop && len <= copybreak) {
		skb = napi_alloc_skb(&ring->qp->napi, len);
		if (likely(skb)) {
			skb_put_data(skb, va + MAIA_RX_HEADROOM, len);
			(*copied)++;
		}
		maia_rx_put(ring, buf);
		ring->skb = skb;
		return skb;
	}
	if (!skb) {
		skb = napi_build_skb(va, MAIA_RX_TRUESIZE);
		if (unlikely(!skb)) {
			maia_rx_put(ring, buf);
			return false;
		}
		skb_mark_for_recycle(skb);
		skb_reserve(skb, MAIA_RX_HEADROOM);
		__skb_put(skb, len);
		ring->skb = skb;
		buf->page = NULL;
		return true;
	}
	if (skb_shinfo(skb)->nr_frags >= MAX_SKB_FRAGS) {
		maia_rx_put(ring, buf);
		return false;
	}
	skb_add_rx_frag(skb, skb_shinfo(skb)->nr_frags, buf->page,
			MAIA_RX_HEADROOM, len, MAIA_RX_TRUESIZE);
	buf->page = NULL;
	return true;
}

/*
 * Complete what the device wrote: the descriptors from ntc up to (not
 * including) ntu, in order, while each has DD set. A consumed descriptor
 * gets its status cleared, so that it never reads as completed again
 * before the device writes it back after the next post; nothing at or
 * beyond ntu (not posted) is looked at. Every descriptor that ends a
 * frame counts toward @budget, the frame delivered or not, and so does
 * a bad one: the loop ends within @budget frames and one lap of the ring.
 *
 * Returns the frames handled, or @budget when the ring could not be
 * refilled: with no buffers posted no completion would bring NAPI back.
 */
static int maia_rx_clean(struct maia_rx_ring *ring, int budget)
{
	u32 mask = ring->size - 1, ntc = ring->ntc, status, len, cleaned = 0;
	u32 copybreak = READ_ONCE(ring->qp->port->rx_copybreak), copied = 0;
	struct maia_rx_buf *buf;
	struct sk_buff *skb;
	union maia_rxd *d;
	bool eop;
	int done = 0;

	while (done < budget && ntc != ring->ntu) {
		d = &ring->desc[ntc];
		status = le32_to_cpu(READ_ONCE(d->wb.status));
		if (!(status & MAIA_RXD_DD))
			break;
		/* the rest of the write-back after DD */
		dma_rmb();
		len = le32_to_cpu(d->wb.len);
		eop = status & MAIA_RXD_EOP;
		buf = &ring->bufs[ntc];
		d->wb.status = 0;
		ntc = (ntc + 1) & mask;
		cleaned++;

		if (unlikely(!buf->page || !len || len > MAIA_RX_BUF_LEN)) {
			netdev_err_once(ring->qp->port->netdev,
					"rxq %u: bad descriptor (len %u)\n",
					ring->qp->index, len);
			if (buf->page)
				maia_rx_put(ring, buf);
			/* drop the frame it belongs to, up to its end */
			if (!ring->discard)
				maia_rx_drop_frame(ring);
			ring->discard = !eop;
			done++;
			continue;
		}
		page_pool_dma_sync_for_cpu(ring->pool, buf->page, 0, len);
		if (ring->discard) {
			maia_rx_put(ring, buf);
		} else if (!maia_rx_add_buf(ring, buf, len, eop, copybreak,
					    &copied)) {
			maia_rx_drop_frame(ring);
			ring->discard = true;
		}
		if (!eop)
			continue;
		done++;
		if (ring->discard) {
			/* counted when the frame was given up */
			ring->discard = false;
			continue;
		}
		skb = ring->skb;
		ring->skb = NULL;
		maia_rx_deliver(ring, skb, d, status);
	}
	ring->ntc = ntc;
	if (cleaned) {
		u64_stats_update_begin(&ring->syncp);
		ring->stats.bufs += cleaned;
		ring->stats.copied += copied;
		u64_stats_update_end(&ring->syncp);
	}
	if (maia_rx_refill(ring, GFP_ATOMIC | __GFP_NOWARN))
		return budget;
	return done;
}

/* NAPI and interrupts ------------------------------------------------------ */

static void maia_port_check_event(struct maia_port *port)
{
	u32 seq = le32_to_cpu(READ_ONCE(port->evt->seq));

	if (seq != port->evt_seen) {
		port->evt_seen = seq;
		schedule_work(&port->link_work);
	}
}

static int maia_napi_poll(struct napi_struct *napi, int budget)
{
	struct maia_qpair *qp = container_of(napi, struct maia_qpair, napi);
	int done;

	maia_tx_clean(&qp->tx, budget);
	if (!budget)
		return 0;
	done = maia_rx_clean(&qp->rx, budget);
	if (qp->index == 0)
		maia_port_check_event(qp->port);
	if (done < budget && napi_complete_done(napi, done))
		maia_qp_wr(qp, MAIA_QP_IRQ_ARM, 1);
	return min(done, budget);
}

static irqreturn_t maia_qp_irq(int irq, void *data)
{
	struct maia_qpair *qp = data;

	atomic_inc(&qp->irqs);
	napi_schedule_irqoff(&qp->napi);
	return IRQ_HANDLED;
}

/* Setup and teardown ------------------------------------------------------- */

static int maia_tx_ring_alloc(struct maia_qpair *qp, u32 size)
{
	struct maia_tx_ring *ring = &qp->tx;
	struct device *dev = qp->port->dev;

	ring->qp = qp;
	ring->size = size;
	/*
	 * Wake with room for two worst-case packets, but at most half-way
	 * between the stop threshold and a full ring: a 64-entry ring never
	 * has more than 63 free descriptors.
	 */
	ring->wake_thresh = min(2 * MAIA_TX_DESC_NEEDED,
				(size - 1 + MAIA_TX_DESC_NEEDED) / 2);
	ring->txq = netdev_get_tx_queue(qp->port->netdev, qp->index);
	u64_stats_init(&ring->syncp);
	u64_stats_init(&ring->clean_syncp);
	ring->bufs = kvcalloc(size, sizeof(*ring->bufs), GFP_KERNEL);
	if (!ring->bufs)
		return -ENOMEM;
	/* descriptors, then the 4-byte head write-back in the same block */
	ring->desc = dma_alloc_coherent(dev, size * sizeof(*ring->desc) +
					SMP_CACHE_BYTES, &ring->desc_dma,
					GFP_KERNEL);
	if (!ring->desc) {
		kvfree(ring->bufs);
		ring->bufs = NULL;
		return -ENOMEM;
	}
	ring->head_wb = (__le32 *)(ring->desc + size);
	ring->head_wb_dma = ring->desc_dma + size * sizeof(*ring->desc);
	return 0;
}

static void maia_tx_ring_free(struct maia_qpair *qp)
{
	struct maia_tx_ring *ring = &qp->tx;
	struct maia_tx_buf *buf;
	u32 i;

	if (!ring->desc)
		return;
	for (i = 0; i < ring->size; i++) {
		buf = &ring->bufs[i];
		maia_tx_unmap(ring, buf);
		if (buf->skb) {
			dev_kfree_skb_any(buf->skb);
			buf->skb = NULL;
		}
	}
	netdev_tx_reset_queue(ring->txq);
	dma_free_coherent(qp->port->dev, ring->size * sizeof(*ring->desc) +
			  SMP_CACHE_BYTES, ring->desc, ring->desc_dma);
	ring->desc = NULL;
	kvfree(ring->bufs);
	ring->bufs = NULL;
}

static int maia_rx_ring_alloc(struct maia_qpair *qp, u32 size)
{
	struct maia_rx_ring *ring = &qp->rx;
	struct maia_port *port = qp->port;
	struct page_pool_params pp = {
		.flags = PP_FLAG_DMA_MAP | PP_FLAG_DMA_SYNC_DEV,
		.order = 0,
		.pool_size = size,
		.nid = NUMA_NO_NODE,
		.dev = port->dev,
		.napi = &qp->napi,
		.netdev = port->netdev,
		.queue_idx = qp->index,
		.dma_dir = DMA_FROM_DEVICE,
		.offset = MAIA_RX_HEADROOM,	/* the device writes from here */
		.max_len = MAIA_RX_BUF_LEN,
	};
	int ret;

	ring->qp = qp;
	ring->size = size;
	u64_stats_init(&ring->syncp);
	ring->bufs = kvcalloc(size, sizeof(*ring->bufs), GFP_KERNEL);
	if (!ring->bufs)
		return -ENOMEM;
	ring->desc = dma_alloc_coherent(port->dev, size * sizeof(*ring->desc),
					&ring->desc_dma, GFP_KERNEL);
	if (!ring->desc) {
		ret = -ENOMEM;
		goto err_bufs;
	}
	ring->pool = page_pool_create(&pp);
	if (IS_ERR(ring->pool)) {
		ret = PTR_ERR(ring->pool);
		ring->pool = NULL;
		goto err_desc;
	}
	return 0;

err_desc:
	dma_free_coherent(port->dev, size * sizeof(*ring->desc), ring->desc,
			  ring->desc_dma);
	ring->desc = NULL;
err_bufs:
	kvfree(ring->bufs);
	ring->bufs = NULL;
	return ret;
}

static void maia_rx_ring_free(struct maia_qpair *qp)
{
	struct maia_rx_ring *ring = &qp->rx;
	u32 i;

	if (!ring->desc)
		return;
	if (ring->skb) {
		dev_kfree_skb_any(ring->skb);
		ring->skb = NULL;
	}
	for (i = 0; i < ring->size; i++)
		if (ring->bufs[i].page)
			maia_rx_put(ring, &ring->bufs[i]);
	page_pool_destroy(ring->pool);
	ring->pool = NULL;
	dma_free_coherent(qp->port->dev, ring->size * sizeof(*ring->desc),
			  ring->desc, ring->desc_dma);
	ring->desc = NULL;
	kvfree(ring->bufs);
	ring->bufs = NULL;
}

static void maia_qp_free(struct maia_qpair *qp)
{
	maia_rx_ring_free(qp);
	maia_tx_ring_free(qp);
	netif_napi_del(&qp->napi);
	kfree(qp);
}

static struct maia_qpair *maia_qp_alloc(struct maia_port *port,
					unsigned int index,
					const struct maia_port_cfg *cfg)
{
	struct maia_qpair *qp;
	int ret;

	qp = kzalloc(sizeof(*qp), GFP_KERNEL);
	if (!qp)
		return ERR_PTR(-ENOMEM);
	qp->port = port;
	qp->index = index;
	qp->regs = port->regs + MAIA_P_QP(index, 0);
	qp->tx.doorbell = qp->regs + MAIA_TXR_TAIL;
	qp->rx.doorbell = qp->regs + MAIA_RXR_TAIL;
	netif_napi_add(port->netdev, &qp->napi, maia_napi_poll);
	ret = maia_tx_ring_alloc(qp, cfg->tx_ring_size);
	if (!ret)
		ret = maia_rx_ring_alloc(qp, cfg->rx_ring_size);
	if (ret) {
		maia_qp_free(qp);
		return ERR_PTR(ret);
	}
	return qp;
}

static void maia_qp_hw_start(struct maia_qpair *qp)
{
	struct maia_port *port = qp->port;

	maia_qp_wr(qp, MAIA_TXR_ADDR_LO, lower_32_bits(qp->tx.desc_dma));
	maia_qp_wr(qp, MAIA_TXR_ADDR_HI, upper_32_bits(qp->tx.desc_dma));
	maia_qp_wr(qp, MAIA_TXR_SIZE, qp->tx.size);
	maia_qp_wr(qp, MAIA_TXR_WB_LO, lower_32_bits(qp->tx.head_wb_dma));
	maia_qp_wr(qp, MAIA_TXR_WB_HI, upper_32_bits(qp->tx.head_wb_dma));
	*qp->tx.head_wb = 0;
	maia_qp_wr(qp, MAIA_TXR_CTRL, MAIA_TXR_CTRL_ENABLE);

	maia_qp_wr(qp, MAIA_RXR_ADDR_LO, lower_32_bits(qp->rx.desc_dma));
	maia_qp_wr(qp, MAIA_RXR_ADDR_HI, upper_32_bits(qp->rx.desc_dma));
	maia_qp_wr(qp, MAIA_RXR_SIZE, qp->rx.size);
	maia_qp_wr(qp, MAIA_RXR_BUF_LEN, MAIA_RX_BUF_LEN);
	maia_qp_wr(qp, MAIA_RXR_CTRL, MAIA_RXR_CTRL_ENABLE);

	maia_qp_wr(qp, MAIA_QP_RX_USECS, port->rx_usecs);
	maia_qp_wr(qp, MAIA_QP_RX_FRAMES, port->rx_frames);
	maia_qp_wr(qp, MAIA_QP_TX_USECS, port->tx_usecs);
	maia_qp_wr(qp, MAIA_QP_TX_FRAMES, port->tx_frames);
}

static void maia_qp_hw_stop(struct maia_qpair *qp)
{
	maia_qp_wr(qp, MAIA_TXR_CTRL, 0);
	maia_qp_wr(qp, MAIA_RXR_CTRL, 0);
	/* read back: the device is done with the rings once this returns */
	maia_qp_rd(qp, MAIA_RXR_CTRL);
}

void maia_port_apply_coalesce(struct maia_port *port)
{
	unsigned int i;

	for (i = 0; i < port->up_qps; i++) {
		if (!port->qps[i])
			continue;
		maia_qp_wr(port->qps[i], MAIA_QP_RX_USECS, port->rx_usecs);
		maia_qp_wr(port->qps[i], MAIA_QP_RX_FRAMES, port->rx_frames);
		maia_qp_wr(port->qps[i], MAIA_QP_TX_USECS, port->tx_usecs);
		maia_qp_wr(port->qps[i], MAIA_QP_TX_FRAMES, port->tx_frames);
	}
}

void maia_port_apply_rss(struct maia_port *port)
{
	unsigned int i;

	for (i = 0; i < MAIA_RSS_KEY_SIZE; i += 4)
		maia_port_wr(port, MAIA_P_RSS_KEY(i / 4),
			     get_unaligned_le32(port->rss_key + i));
	for (i = 0; i < MAIA_RSS_INDIR_SIZE; i += 4)
		maia_port_wr(port, MAIA_P_RSS_INDIR(i / 4),
			     get_unaligned_le32(port->rss_indir + i));
	maia_port_wr(port, MAIA_P_RSS_CTRL, MAIA_RSS_ALL);
}

void maia_qp_read_stats(struct maia_qpair *qp, struct maia_tx_stats *tx,
			struct maia_rx_stats *rx)
{
	unsigned int start;

	do {
		start = u64_stats_fetch_begin(&qp->tx.syncp);
		*tx = qp->tx.stats;
	} while (u64_stats_fetch_retry(&qp->tx.syncp, start));
	do {
		start = u64_stats_fetch_begin(&qp->tx.clean_syncp);
		tx->wakes = qp->tx.wakes;
	} while (u64_stats_fetch_retry(&qp->tx.clean_syncp, start));
	do {
		start = u64_stats_fetch_begin(&qp->rx.syncp);
		*rx = qp->rx.stats;
	} while (u64_stats_fetch_retry(&qp->rx.syncp, start));
}

/* Add the counters of @qp to the port's base before @qp goes away. */
void maia_port_fold_stats(struct maia_port *port, struct maia_qpair *qp)
{
	struct maia_tx_stats tx;
	struct maia_rx_stats rx;
	u64 *b, *s;
	unsigned int i;

	maia_qp_read_stats(qp, &tx, &rx);
	b = (u64 *)&port->base_tx;
	s = (u64 *)&tx;
	for (i = 0; i < sizeof(tx) / sizeof(u64); i++)
		b[i] += s[i];
	b = (u64 *)&port->base_rx;
	s = (u64 *)&rx;
	for (i = 0; i < sizeof(rx) / sizeof(u64); i++)
		b[i] += s[i];
}

static void maia_port_free_qps(struct maia_port *port)
{
	struct maia_qpair *qp;
	unsigned int i;

	for (i = 0; i < MAIA_PORT_QPAIRS; i++) {
		qp = port->qps[i];
		if (!qp)
			continue;
		spin_lock_bh(&port->stats_lock);
		maia_port_fold_stats(port, qp);
		port->qps[i] = NULL;
		spin_unlock_bh(&port->stats_lock);
		maia_qp_free(qp);
	}
}

/**
 * maia_port_alloc_qps() - allocate the queue pairs of a configuration
 * @port: the port
 * @cfg: queue pairs and ring sizes
 * @qps: filled with @cfg->num_qps queue pairs, not yet in use
 *
 * Nothing of the running data path is touched: a reconfiguration
 * allocates first and stops the old queue pairs only once this succeeded.
 * Context: RTNL held.
 * Return: 0 or a negative errno (nothing is left allocated then).
 */
int maia_port_alloc_qps(struct maia_port *port, const struct maia_port_cfg *cfg,
			struct maia_qpair **qps)
{
	unsigned int i;

	for (i = 0; i < cfg->num_qps; i++) {
		qps[i] = maia_qp_alloc(port, i, cfg);
		if (IS_ERR(qps[i])) {
			int ret = PTR_ERR(qps[i]);

			while (i--)
				maia_qp_free(qps[i]);
			return ret;
		}
	}
	return 0;
}

/**
 * maia_port_start() - start the data path on allocated queue pairs
 * @port: the port, down, with port->num_qps set to the number of @qps
 * @qps: from maia_port_alloc_qps(); the port owns them from here on
 *
 * Context: RTNL held.
 * Return: 0 or a negative errno (the queue pairs are freed then).
 */
int maia_port_start(struct maia_port *port, struct maia_qpair **qps)
{
	struct net_device *netdev = port->netdev;
	unsigned int i, nirq = 0;
	struct maia_qpair *qp;
	int ret;

	spin_lock_bh(&port->stats_lock);
	for (i = 0; i < port->num_qps; i++)
		port->qps[i] = qps[i];
	spin_unlock_bh(&port->stats_lock);
	for (i = 0; i < port->num_qps; i++) {
		qp = port->qps[i];
		qp->irq = maia_core_irq(port->core,
					MAIA_VEC_PORT(port->index, i));
		if (qp->irq < 0) {
			ret = qp->irq;
			goto err_irq;
		}
		snprintf(qp->irq_name, sizeof(qp->irq_name), "%s-qp%u",
			 netdev->name, i);
		ret = request_irq(qp->irq, maia_qp_irq, 0, qp->irq_name, qp);
		if (ret)
			goto err_irq;
		nirq++;
		netif_napi_set_irq(&qp->napi, qp->irq);
	}
	ret = netif_set_real_num_tx_queues(netdev, port->num_qps);
	if (!ret)
		ret = netif_set_real_num_rx_queues(netdev, port->num_qps);
	if (ret)
		goto err_irq;

	memset(port->evt, 0, sizeof(*port->evt));
	port->evt_seen = 0;
	maia_port_wr(port, MAIA_P_EVT_LO, lower_32_bits(port->evt_dma));
	maia_port_wr(port, MAIA_P_EVT_HI, upper_32_bits(port->evt_dma));
	maia_port_wr(port, MAIA_P_MAX_FRAME,
		     netdev->mtu + ETH_HLEN + VLAN_HLEN);
	maia_port_apply_rss(port);
	for (i = 0; i < port->num_qps; i++) {
		qp = port->qps[i];
		maia_qp_hw_start(qp);
		maia_rx_refill(&qp->rx, GFP_KERNEL);
		napi_enable(&qp->napi);
		netif_queue_set_napi(netdev, i, NETDEV_QUEUE_TYPE_RX, &qp->napi);
		netif_queue_set_napi(netdev, i, NETDEV_QUEUE_TYPE_TX, &qp->napi);
	}
	maia_port_wr(port, MAIA_P_INT_MASK, MAIA_P_INT_LINK);
	maia_port_wr(port, MAIA_P_LANE_LIMIT, maia_port_lane_limit(port));
	maia_port_wr(port, MAIA_P_CTRL, MAIA_P_CTRL_ENABLE |
		     (netdev->features & NETIF_F_LOOPBACK ?
		      MAIA_P_CTRL_LOOPBACK : 0) |
		     (netdev->features & NETIF_F_GRO_HW ? MAIA_P_CTRL_RSC : 0));
	for (i = 0; i < port->num_qps; i++)
		maia_qp_wr(port->qps[i], MAIA_QP_IRQ_ARM, 1);
	port->up_qps = port->num_qps;
	port->up = true;
	netif_tx_start_all_queues(netdev);
	maia_port_link_update(port);
	return 0;

err_irq:
	for (i = 0; i < nirq; i++) {
		qp = port->qps[i];
		netif_napi_set_irq(&qp->napi, -1);
		free_irq(qp->irq, qp);
	}
	maia_port_free_qps(port);
	return ret;
}

/**
 * maia_port_up() - allocate the queue pairs and start the data path
 * @port: the port
 *
 * Context: RTNL held.
 * Return: 0 or a negative errno (nothing is left allocated then).
 */
int maia_port_up(struct maia_port *port)
{
	struct maia_port_cfg cfg = {
		.num_qps = port->num_qps,
		.tx_ring_size = port->tx_ring_size,
		.rx_ring_size = port->rx_ring_size,
	};
	struct maia_qpair *qps[MAIA_PORT_QPAIRS];
	int ret;

	ret = maia_port_alloc_qps(port, &cfg, qps);
	if (ret)
		return ret;
	return maia_port_start(port, qps);
}

/**
 * maia_port_down() - stop the data path and free the queue pairs
 * @port: the port
 *
 * The device stops using the rings before anything is freed; the
 * transmitters go dark, so the peer loses the link as well.
 * Context: RTNL held.
 */
void maia_port_down(struct maia_port *port)
{
	struct net_device *netdev = port->netdev;
	struct maia_qpair *qp;
	unsigned int i;

	if (!port->up)
		return;
	port->up = false;
	netif_carrier_off(netdev);
	/* NAPI first: its TX completions could wake a queue we stop below */
	for (i = 0; i < port->up_qps; i++)
		napi_disable(&port->qps[i]->napi);
	netif_tx_disable(netdev);
	maia_port_wr(port, MAIA_P_INT_MASK, 0);
	maia_port_wr(port, MAIA_P_CTRL, 0);
	for (i = 0; i < port->up_qps; i++)
		maia_qp_hw_stop(port->qps[i]);
	maia_port_wr(port, MAIA_P_EVT_LO, 0);
	maia_port_wr(port, MAIA_P_EVT_HI, 0);
	for (i = 0; i < port->up_qps; i++) {
		qp = port->qps[i];
		netif_queue_set_napi(netdev, i, NETDEV_QUEUE_TYPE_RX, NULL);
		netif_queue_set_napi(netdev, i, NETDEV_QUEUE_TYPE_TX, NULL);
		netif_napi_set_irq(&qp->napi, -1);
		free_irq(qp->irq, qp);
	}
	cancel_work_sync(&port->link_work);
	/* the work may have raised the carrier before it saw port->up */
	netif_carrier_off(netdev);
	maia_port_free_qps(port);
}
