/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Maia accelerator: device state shared by the files of the model.
 *
 * maia.c holds the PCI glue, the core register block and the interrupt
 * logic. The command engine (maia-engine.h) and the optical ports
 * (maia-link.h) live in their own files and reach the core only through
 * the state below and the maia_* helpers declared at the end of this
 * header.
 *
 * The hardware contract is include/hw/maia_hw.h (copied next to this file
 * as maia_hw.h by scripts/qemu-build.sh): every register, field, block
 * bound and in-memory record comes from there, nothing is restated here.
 */
#ifndef HW_MISC_MAIA_H
#define HW_MISC_MAIA_H

#include "qemu/units.h"
#include "qemu/host-utils.h"
#include "hw/pci/pci_device.h"
#include "qom/object.h"
#include "maia_hw.h"
#include "maia-link.h"

#define TYPE_MAIA "maia"
OBJECT_DECLARE_TYPE(MaiaState, MaiaClass, MAIA)

#define MAIA_HBM_SIZE_DEFAULT   (256 * MiB)
#define MAIA_HBM_SIZE_MIN       (1 * MiB)
#define MAIA_PORTS_DEFAULT      2
#define MAIA_LANES_DEFAULT      8
#define MAIA_RINGS_DEFAULT      8

/*
 * Register fields are GENMASK() masks (maia_hw.h); these are the kernel's
 * FIELD_GET()/FIELD_PREP()/FIELD_MAX() for them.
 */
#define MAIA_FIELD_SHIFT(mask) \
    (sizeof(mask) > 4 ? ctz64(mask) : ctz32(mask))
#define MAIA_FIELD_GET(mask, val) \
    (((val) & (mask)) >> MAIA_FIELD_SHIFT(mask))
#define MAIA_FIELD_PREP(mask, val) \
    (((typeof(mask))(val) << MAIA_FIELD_SHIFT(mask)) & (mask))
#define MAIA_FIELD_MAX(mask) \
    MAIA_FIELD_GET(mask, mask)

/* Whether @addr falls in the register block [@base, @base + @size). */
static inline bool maia_in_block(hwaddr addr, hwaddr base, hwaddr size)
{
    return addr >= base && addr - base < size;
}

/* Guest-visible register state: everything a device reset puts back. */
typedef struct MaiaRegs {
    uint32_t scratch;
    uint32_t status;
    uint32_t int_cause;
    uint32_t int_mask;
    uint32_t int_test_count;
} MaiaRegs;

struct MaiaState {
    /*< private >*/
    PCIDevice parent_obj;
    /*< public >*/

    MemoryRegion mmio;          /* BAR0: registers */
    MemoryRegion hbm;           /* BAR2: device memory (host RAM) */

    /* Properties (fixed after realize) */
    uint64_t hbm_size;
    uint8_t ports;
    uint8_t lanes;
    uint8_t rings;              /* command rings */
    uint64_t serial_prop;       /* 0 = derive one */

    /* Set at realize */
    uint64_t serial;            /* what SERIAL_LO/HI report */
    uint32_t caps;              /* what CAPS reports */

    /* Counts register resets since the device was created; survives resets */
    uint32_t reset_count;

    /*
     * Unrealize has begun: BAR0 accesses that were already on their way
     * (a vCPU that resolved the region before the BARs were unmapped) are
     * ignored from here on.
     */
    bool gone;

    MaiaRegs regs;

    MaiaLink link;              /* optical ports: maia-link.h */

    struct MaiaEngine *engine;  /* rings, engine, MMU: maia-engine.h */
};

/* Class with the parent's DeviceClass::realize kept for the wrapper. */
struct MaiaClass {
    /*< private >*/
    PCIDeviceClass parent_class;
    /*< public >*/
    DeviceRealize parent_dc_realize;
};

/* Core services for the other parts of the model (all under the BQL). */

/* Set bits in INT_CAUSE and signal the misc vector as the rules require. */
void maia_set_cause(MaiaState *s, uint32_t cause);

/* Send MSI-X vector @vector (masked vectors end up pending in the PBA). */
void maia_raise_vector(MaiaState *s, unsigned vector);

#endif /* HW_MISC_MAIA_H */
