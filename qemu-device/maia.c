/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Maia accelerator: virtual PCI device, core part.
 *
 * One job: the PCI function itself. This file holds the PCI glue (BARs,
 * MSI-X, PCIe capability), the core register block of BAR0 (identity,
 * control and interrupts, MAIA_CORE_BASE) and the interrupt rules. The rest
 * of BAR0 below the ports goes to the command engine (maia-engine.c); the
 * optical ports map their own region over MAIA_PORT_BASE (maia-link.c).
 *
 * The hardware contract is include/hw/maia_hw.h; the prose version is
 * Documentation/hw-reference.rst.
 *
 * Interrupt rules for the misc vector (MAIA_VEC_MISC):
 *  - a cause being set raises it when (INT_CAUSE & INT_MASK) goes from zero
 *    to non-zero;
 *  - a write to INT_MASK raises it when it enables a cause that is pending;
 *  - a write to INT_CAUSE (the acknowledgement) raises it again when causes
 *    remain pending and enabled afterwards, so that nothing is lost between
 *    the driver's read and its clear (level-like semantics over MSI-X).
 * msix_notify() takes care of masked vectors (the PBA bit is set instead).
 */

#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/module.h"
#include "qemu/units.h"
#include "qapi/error.h"
#include "hw/pci/pci.h"
#include "hw/pci/pci_bus.h"
#include "hw/pci/pcie.h"
#include "hw/pci/msix.h"
#include "hw/qdev-properties.h"
#include "hw/qdev-properties-system.h"
#include "migration/vmstate.h"
#include "trace.h"
#include "maia.h"
#include "maia-engine.h"

/* Devices realized so far in this process: part of a derived serial. */
static unsigned maia_instances;

/* Interrupts */

void maia_raise_vector(MaiaState *s, unsigned vector)
{
    PCIDevice *pdev = PCI_DEVICE(s);

    assert(vector < MAIA_NUM_VECTORS);
    trace_maia_irq_raise(vector, s->regs.int_cause, s->regs.int_mask);
    msix_notify(pdev, vector);
}

static inline uint32_t maia_pending(MaiaState *s)
{
    return s->regs.int_cause & s->regs.int_mask;
}

void maia_set_cause(MaiaState *s, uint32_t cause)
{
    uint32_t was_pending = maia_pending(s);

    s->regs.int_cause |= cause & MAIA_INT_ALL;
    if (!was_pending && maia_pending(s)) {
        maia_raise_vector(s, MAIA_VEC_MISC);
    }
}

static void maia_write_int_cause(MaiaState *s, uint32_t val)
{
    s->regs.int_cause &= ~val;
    if (maia_pending(s)) {
        maia_raise_vector(s, MAIA_VEC_MISC);
    }
}

static void maia_write_int_mask(MaiaState *s, uint32_t val)
{
    uint32_t enabled = val & ~s->regs.int_mask;

    s->regs.int_mask = val & MAIA_INT_ALL;
    if (enabled & s->regs.int_cause) {
        maia_raise_vector(s, MAIA_VEC_MISC);
    }
}

static void maia_write_int_test(MaiaState *s, uint32_t val)
{
    if (val >= MAIA_NUM_VECTORS) {
        qemu_log_mask(LOG_GUEST_ERROR,
                      "maia: INT_TEST: vector %u out of range (0..%u)\n",
                      val, MAIA_NUM_VECTORS - 1);
        return;
    }
    s->regs.int_test_count++;
    trace_maia_int_test(val, s->regs.int_test_count);
    if (val == MAIA_VEC_MISC) {
        /* One message: the test itself stands for the 0 -> 1 edge. */
        s->regs.int_cause |= MAIA_INT_TEST;
    }
    maia_raise_vector(s, val);
}

/* Reset */

static void maia_reset_regs(MaiaState *s)
{
    memset(&s->regs, 0, sizeof(s->regs));
    s->regs.status = MAIA_STATUS_READY;
}

/* RESET register: device state back to reset values, PCI config untouched. */
static void maia_soft_reset(MaiaState *s)
{
    PCIDevice *pdev = PCI_DEVICE(s);
    unsigned v;

    maia_engine_reset(s, "register");   /* quiesces the ring workers */
    maia_reset_regs(s);
    maia_link_reset(s);
    /* No cause is pending after a reset: drop messages held by masks. */
    for (v = 0; v < MAIA_NUM_VECTORS; v++) {
        msix_clr_pending(pdev, v);
    }
    s->reset_count++;
    trace_maia_reset("register", s->reset_count);
}

/*
 * Bus/system reset (the hold phase; the PCI core has reset config space
 * and MSI-X): the engine is quiesced and the ports stopped before the
 * registers go back to their reset values.
 */
static void maia_reset_hold(Object *obj, ResetType type)
{
    MaiaState *s = MAIA(obj);

    maia_engine_reset(s, "device");
    maia_reset_regs(s);
    maia_link_reset(s);
    trace_maia_reset("device", s->reset_count);
}

/* BAR0 registers */

static uint32_t maia_config_reg(MaiaState *s)
{
    return MAIA_FIELD_PREP(MAIA_CONFIG_PORTS, s->ports) |
           MAIA_FIELD_PREP(MAIA_CONFIG_RINGS, s->rings) |
           MAIA_FIELD_PREP(MAIA_CONFIG_LANES, s->lanes) |
           MAIA_FIELD_PREP(MAIA_CONFIG_VECTORS, MAIA_NUM_VECTORS);
}

static uint64_t maia_mmio_read(void *opaque, hwaddr addr, unsigned size)
{
    MaiaState *s = opaque;
    uint32_t val;

    if (s->gone) {
        return 0;
    }
    if (!maia_in_block(addr, MAIA_CORE_BASE, MAIA_CORE_SIZE)) {
        val = maia_engine_mmio_read(s, addr);
        trace_maia_mmio_read(addr, val, size);
        return val;
    }

    switch (addr) {
    case MAIA_REG_ID:
        val = MAIA_ID_MAGIC;
        break;
    case MAIA_REG_VERSION:
        val = MAIA_FIELD_PREP(MAIA_VERSION_MAJOR, MAIA_HW_VERSION_MAJOR) |
              MAIA_FIELD_PREP(MAIA_VERSION_MINOR, MAIA_HW_VERSION_MINOR);
        break;
    case MAIA_REG_CAPS:
        val = s->caps;
        break;
    case MAIA_REG_CONFIG:
        val = maia_config_reg(s);
        break;
    case MAIA_REG_HBM_SIZE_LO:
        val = (uint32_t)s->hbm_size;
        break;
    case MAIA_REG_HBM_SIZE_HI:
        val = s->hbm_size >> 32;
        break;
    case MAIA_REG_SERIAL_LO:
        val = (uint32_t)s->serial;
        break;
    case MAIA_REG_SERIAL_HI:
        val = s->serial >> 32;
        break;
    case MAIA_REG_SCRATCH:
        val = s->regs.scratch;
        break;
    case MAIA_REG_STATUS:
        val = s->regs.status;
        break;
    case MAIA_REG_RESET_COUNT:
        val = s->reset_count;
        break;
    case MAIA_REG_INT_CAUSE:
        val = s->regs.int_cause;
        break;
    case MAIA_REG_INT_MASK:
        val = s->regs.int_mask;
        break;
    case MAIA_REG_INT_TEST_COUNT:
        val = s->regs.int_test_count;
        break;
    case MAIA_REG_RESET:        /* write-only */
    case MAIA_REG_INT_TEST:     /* write-only */
    default:
        val = 0;
        break;
    }

    trace_maia_mmio_read(addr, val, size);
    return val;
}

static void maia_mmio_write(void *opaque, hwaddr addr, uint64_t val64,
                            unsigned size)
{
    MaiaState *s = opaque;
    uint32_t val = val64;

    trace_maia_mmio_write(addr, val64, size);

    if (s->gone) {
        return;
    }
    if (!maia_in_block(addr, MAIA_CORE_BASE, MAIA_CORE_SIZE)) {
        maia_engine_mmio_write(s, addr, val);
        return;
    }

    switch (addr) {
    case MAIA_REG_SCRATCH:
        s->regs.scratch = val;
        break;
    case MAIA_REG_RESET:
        if (val == MAIA_RESET_MAGIC) {
            maia_soft_reset(s);
        } else {
            qemu_log_mask(LOG_GUEST_ERROR,
                          "maia: RESET: ignoring 0x%08x (magic is 0x%08x)\n",
                          val, MAIA_RESET_MAGIC);
        }
        break;
    case MAIA_REG_INT_CAUSE:
        maia_write_int_cause(s, val);
        break;
    case MAIA_REG_INT_MASK:
        maia_write_int_mask(s, val);
        break;
    case MAIA_REG_INT_TEST:
        maia_write_int_test(s, val);
        break;
    case MAIA_REG_ID:
    case MAIA_REG_VERSION:
    case MAIA_REG_CAPS:
    case MAIA_REG_CONFIG:
    case MAIA_REG_HBM_SIZE_LO:
    case MAIA_REG_HBM_SIZE_HI:
    case MAIA_REG_SERIAL_LO:
    case MAIA_REG_SERIAL_HI:
    case MAIA_REG_STATUS:
    case MAIA_REG_RESET_COUNT:
    case MAIA_REG_INT_TEST_COUNT:
        qemu_log_mask(LOG_GUEST_ERROR,
                      "maia: write 0x%08x to read-only register 0x%04"
                      HWADDR_PRIx "\n", val, addr);
        break;
    default:
        qemu_log_mask(LOG_GUEST_ERROR,
                      "maia: write 0x%08x to unknown register 0x%04"
                      HWADDR_PRIx "\n", val, addr);
        break;
    }
}

static const MemoryRegionOps maia_mmio_ops = {
    .read = maia_mmio_read,
    .write = maia_mmio_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    /* 8-byte accesses are split into two 4-byte ones (low word first). */
    .valid = {
        .min_access_size = 4,
        .max_access_size = 8,
    },
    .impl = {
        .min_access_size = 4,
        .max_access_size = 4,
    },
};

/* Realize */

/*
 * A serial that differs between the devices of one machine and stays the
 * same from run to run with the same command line: "MA" in the top 16 bits,
 * a hash of the QOM path, the instance number and the devfn.
 */
static uint64_t maia_derive_serial(MaiaState *s, unsigned instance)
{
    g_autofree char *path = object_get_canonical_path(OBJECT(s));
    uint32_t hash = 2166136261u;                /* FNV-1a */
    const char *p;

    for (p = path; p && *p; p++) {
        hash ^= (uint8_t)*p;
        hash *= 16777619u;
    }
    return (uint64_t)0x4d41 << 48 | (uint64_t)hash << 16 |
           (uint64_t)(instance & 0xff) << 8 | PCI_DEVICE(s)->devfn;
}

static bool maia_check_props(MaiaState *s, Error **errp)
{
    if (s->hbm_size < MAIA_HBM_SIZE_MIN || !is_power_of_2(s->hbm_size)) {
        error_setg(errp, "hbm-size must be a power of two of at least "
                   "1 MiB (got %" PRIu64 " bytes)", s->hbm_size);
        return false;
    }
    if (s->ports < 1 || s->ports > MAIA_MAX_PORTS) {
        error_setg(errp, "ports must be 1..%d (got %u)",
                   MAIA_MAX_PORTS, s->ports);
        return false;
    }
    if (s->lanes < 1 || s->lanes > MAIA_PORT_LANES_MAX) {
        error_setg(errp, "lanes must be 1..%d (got %u)",
                   MAIA_PORT_LANES_MAX, s->lanes);
        return false;
    }
    if (s->rings < 1 || s->rings > MAIA_MAX_RINGS) {
        error_setg(errp, "rings must be 1..%d (got %u)",
                   MAIA_MAX_RINGS, s->rings);
        return false;
    }
    return true;
}

static void maia_realize(PCIDevice *pdev, Error **errp)
{
    MaiaState *s = MAIA(pdev);
    unsigned v;

    if (!maia_check_props(s, errp)) {
        return;
    }

    s->serial = s->serial_prop ? s->serial_prop
                               : maia_derive_serial(s, maia_instances);
    s->caps = MAIA_CAP_HBM | MAIA_CAP_ENGINE | MAIA_CAP_MMU | MAIA_CAP_LINK;

    if (pci_is_express(pdev) && pcie_endpoint_cap_init(pdev, 0) < 0) {
        error_setg(errp, "cannot add the PCIe capability");
        return;
    }

    memory_region_init_io(&s->mmio, OBJECT(s), &maia_mmio_ops, s,
                          "maia-regs", MAIA_REGS_SIZE);
    pci_register_bar(pdev, MAIA_BAR_REGS, PCI_BASE_ADDRESS_SPACE_MEMORY,
                     &s->mmio);

    if (!memory_region_init_ram(&s->hbm, OBJECT(s), "maia-hbm", s->hbm_size,
                                errp)) {
        goto err_pcie;
    }
    pci_register_bar(pdev, MAIA_BAR_HBM,
                     PCI_BASE_ADDRESS_SPACE_MEMORY |
                     PCI_BASE_ADDRESS_MEM_TYPE_64 |
                     PCI_BASE_ADDRESS_MEM_PREFETCH,
                     &s->hbm);

    if (msix_init_exclusive_bar(pdev, MAIA_NUM_VECTORS, MAIA_BAR_MSIX,
                                errp) < 0) {
        goto err_pcie;
    }
    for (v = 0; v < MAIA_NUM_VECTORS; v++) {
        msix_vector_use(pdev, v);
    }
    if (!maia_link_realize(s, errp)) {
        msix_uninit_exclusive_bar(pdev);
        goto err_pcie;
    }
    maia_engine_realize(s);

    s->reset_count = 0;
    maia_reset_regs(s);
    maia_instances++;

    trace_maia_realize(s->serial, s->hbm_size, s->ports, s->rings, s->lanes,
                       !!pci_is_express(pdev));
    return;

err_pcie:
    if (pci_is_express(pdev)) {
        pcie_cap_exit(pdev);
    }
}

/*
 * Unrealize. A vCPU may still be on its way into BAR0 (it resolved the
 * region before the PCI core unmapped the BARs and waits for the BQL), and
 * the engine's quiescing may let it in (maia-ring.c): mark the device gone
 * first, so that such accesses do nothing. Then stop the engine, while
 * everything else is intact (its wait may let the main loop run the
 * ports' timers and bottom halves), and take the ports down last (nothing
 * in there drops the BQL).
 */
static void maia_exit(PCIDevice *pdev)
{
    MaiaState *s = MAIA(pdev);

    s->gone = true;
    maia_engine_exit(s);
    maia_link_exit(s);
    msix_uninit_exclusive_bar(pdev);
    if (pci_is_express(pdev)) {
        pcie_cap_exit(pdev);
    }
}

/*
 * Hybrid PCI/PCIe device: the PCI core only marks pure PCIe devices as
 * express, so decide here, before the config space is allocated, from the
 * bus we are plugged into.
 */
static void maia_dc_realize(DeviceState *dev, Error **errp)
{
    MaiaClass *mc = MAIA_GET_CLASS(dev);
    PCIDevice *pdev = PCI_DEVICE(dev);
    BusState *bus = qdev_get_parent_bus(dev);

    if (bus && pci_bus_is_express(PCI_BUS(bus))) {
        pdev->cap_present |= QEMU_PCI_CAP_EXPRESS;
    } else {
        pdev->cap_present &= ~QEMU_PCI_CAP_EXPRESS;
    }
    mc->parent_dc_realize(dev, errp);
}

static const Property maia_properties[] = {
    DEFINE_PROP_SIZE("hbm-size", MaiaState, hbm_size, MAIA_HBM_SIZE_DEFAULT),
    DEFINE_PROP_UINT8("ports", MaiaState, ports, MAIA_PORTS_DEFAULT),
    DEFINE_PROP_UINT8("lanes", MaiaState, lanes, MAIA_LANES_DEFAULT),
    DEFINE_PROP_UINT8("rings", MaiaState, rings, MAIA_RINGS_DEFAULT),
    DEFINE_PROP_UINT64("serial", MaiaState, serial_prop, 0),
    /* optical ports (maia-link.c) */
    DEFINE_PROP_NETDEV("netdev0", MaiaState, link.peers[0]),
    DEFINE_PROP_NETDEV("netdev1", MaiaState, link.peers[1]),
    DEFINE_PROP_NETDEV("netdev2", MaiaState, link.peers[2]),
    DEFINE_PROP_NETDEV("netdev3", MaiaState, link.peers[3]),
    DEFINE_PROP_UINT32("lane-rate", MaiaState, link.lane_rate,
                       MAIA_LANE_RATE_DEFAULT),
};

/* One netdev<p> property per port above */
QEMU_BUILD_BUG_ON(MAIA_MAX_PORTS != 4);

static const VMStateDescription vmstate_maia = {
    .name = TYPE_MAIA,
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_PCI_DEVICE(parent_obj, MaiaState),
        VMSTATE_MSIX(parent_obj, MaiaState),
        VMSTATE_UINT64(serial, MaiaState),
        VMSTATE_UINT32(reset_count, MaiaState),
        VMSTATE_UINT32(regs.scratch, MaiaState),
        VMSTATE_UINT32(regs.status, MaiaState),
        VMSTATE_UINT32(regs.int_cause, MaiaState),
        VMSTATE_UINT32(regs.int_mask, MaiaState),
        VMSTATE_UINT32(regs.int_test_count, MaiaState),
        VMSTATE_END_OF_LIST()
    },
    .subsections = (const VMStateDescription * const []) {
        &vmstate_maia_link,
        &vmstate_maia_engine,
        NULL
    },
};

static void maia_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    ResettableClass *rc = RESETTABLE_CLASS(klass);
    PCIDeviceClass *k = PCI_DEVICE_CLASS(klass);
    MaiaClass *mc = MAIA_CLASS(klass);

    k->realize = maia_realize;
    k->exit = maia_exit;
    k->vendor_id = MAIA_PCI_VENDOR_ID;
    k->device_id = MAIA_PCI_DEVICE_ID;
    k->revision = MAIA_PCI_REVISION;
    k->class_id = MAIA_PCI_CLASS_ACCEL;

    device_class_set_parent_realize(dc, maia_dc_realize,
                                    &mc->parent_dc_realize);
    set_bit(DEVICE_CATEGORY_MISC, dc->categories);
    dc->desc = "Maia accelerator";
    device_class_set_props(dc, maia_properties);
    object_class_property_set_description(klass, "hbm-size",
        "Device memory (BAR2) size, a power of two >= 1M");
    object_class_property_set_description(klass, "ports",
        "Optical ports, 1.." stringify(MAIA_MAX_PORTS));
    object_class_property_set_description(klass, "lanes",
        "Lanes per port, 1.." stringify(MAIA_PORT_LANES_MAX));
    object_class_property_set_description(klass, "rings",
        "Command rings, 1.." stringify(MAIA_MAX_RINGS));
    object_class_property_set_description(klass, "serial",
        "Serial number; 0 derives one from the device's QOM path");
    rc->phases.hold = maia_reset_hold;
    dc->vmsd = &vmstate_maia;
}

static const TypeInfo maia_types[] = {
    {
        .name          = TYPE_MAIA,
        .parent        = TYPE_PCI_DEVICE,
        .instance_size = sizeof(MaiaState),
        .class_size    = sizeof(MaiaClass),
        .class_init    = maia_class_init,
        .interfaces    = (InterfaceInfo[]) {
            { INTERFACE_PCIE_DEVICE },
            { INTERFACE_CONVENTIONAL_PCI_DEVICE },
            { },
        },
    },
};

DEFINE_TYPES(maia_types)
