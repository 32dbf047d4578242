/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Maia accelerator: optical ports, frame parsing and checksums.
 *
 * One job: what the TX offloads (maia-link-tx.c) and the RX checks
 * (maia-link-rx.c) both need to know about a frame: where its IPv4/IPv6
 * and TCP/UDP headers are, and the Internet checksum (ones' complement
 * sum) of a span and of the pseudo header. Ethernet and IP constants come
 * from QEMU's net/eth.h.
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "net/checksum.h"
#include "net/eth.h"
#include "maia.h"

/*
 * Ones' complement sum of @len bytes taken as big-endian 16-bit words,
 * folded to 16 bits: the same value as net_checksum_add() (which works a
 * byte at a time and was a third of the main loop's time), 8 bytes a step.
 */
uint32_t maia_csum(const uint8_t *buf, size_t len)
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

void maia_parse(const uint8_t *buf, size_t size, MaiaPkt *pk)
{
    uint16_t type;
    unsigned ihl, tot;

    memset(pk, 0, sizeof(*pk));
    if (size < ETH_HLEN) {
        return;
    }
    type = lduw_be_p(buf + 12);
    pk->l3 = ETH_HLEN;
    if (type == ETH_P_VLAN && size >= ETH_HLEN + 4) {
        type = lduw_be_p(buf + 16);
        pk->l3 += 4;
    }
    if (type == ETH_P_IP && size >= pk->l3 + 20 &&
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
    } else if (type == ETH_P_IPV6 && size >= pk->l3 + 40 &&
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
uint32_t maia_pseudo_sum(const uint8_t *buf, const MaiaPkt *pk,
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
