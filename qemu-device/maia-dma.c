/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Maia accelerator: device DMA of the engine side.
 *
 * One job: reach bus memory (the PCI bus-master address space) from the
 * ring workers and the MMU's table walks without the BQL. Only RAM is
 * accessed, directly; anything else (MMIO, unassigned space, bus mastering
 * off) is refused as a DMA error instead of being dispatched, because MMIO
 * dispatch would take the BQL in a worker thread.
 */

#include "qemu/osdep.h"
#include "qemu/rcu.h"
#include "hw/pci/pci_device.h"
#include "system/dma.h"
#include "maia-engine.h"

/*
 * Map a prefix of [addr, addr + *plen) of bus memory for direct access.
 * Only RAM is mapped; anything else fails (NULL, *plen = 0) rather than
 * being dispatched, because MMIO dispatch would take the BQL in a worker.
 * The check and the map are done in one RCU critical section.
 */
void *maia_dma_map(MaiaState *s, dma_addr_t addr, dma_addr_t *plen,
                   bool is_write)
{
    AddressSpace *as = pci_get_address_space(PCI_DEVICE(s));
    MemTxAttrs attrs = MEMTXATTRS_UNSPECIFIED;
    MemoryRegion *mr;
    hwaddr xlat, l = *plen;
    void *p;

    if (!l) {
        return NULL;
    }
    RCU_READ_LOCK_GUARD();
    mr = address_space_translate(as, addr, &xlat, &l, is_write, attrs);
    if (!memory_access_is_direct(mr, is_write, attrs)) {
        *plen = 0;
        return NULL;
    }
    l = *plen;
    p = address_space_map(as, addr, &l, is_write, attrs);
    *plen = p ? l : 0;
    return p;
}

void maia_dma_unmap(MaiaState *s, void *p, dma_addr_t len, bool is_write,
                    dma_addr_t done)
{
    address_space_unmap(pci_get_address_space(PCI_DEVICE(s)), p, len,
                        is_write, done);
}

static MemTxResult maia_dma_rw(MaiaState *s, dma_addr_t addr, void *buf,
                               dma_addr_t len, bool is_write)
{
    uint8_t *b = buf;

    while (len) {
        dma_addr_t l = len;
        void *p = maia_dma_map(s, addr, &l, is_write);

        if (!p) {
            return MEMTX_DECODE_ERROR;
        }
        if (is_write) {
            memcpy(p, b, l);
        } else {
            memcpy(b, p, l);
        }
        maia_dma_unmap(s, p, l, is_write, l);
        addr += l;
        b += l;
        len -= l;
    }
    return MEMTX_OK;
}

MemTxResult maia_dma_read(MaiaState *s, dma_addr_t addr, void *buf,
                          dma_addr_t len)
{
    return maia_dma_rw(s, addr, buf, len, false);
}

MemTxResult maia_dma_write(MaiaState *s, dma_addr_t addr, const void *buf,
                           dma_addr_t len)
{
    return maia_dma_rw(s, addr, (void *)buf, len, true);
}
