/* SPDX-License-Identifier: GPL-2.0 */
/*
 * maia_core: the API that the maia auxiliary drivers (maia_accel, maia_link)
 * use to reach the shared PCI function. Every symbol is exported in the
 * MAIA_CORE namespace.
 */
#ifndef MAIA_CORE_H
#define MAIA_CORE_H

#include <linux/auxiliary_bus.h>
#include <linux/io.h>
#include <linux/pci.h>
#include <linux/types.h>

#include "maia_regs.h"

#define MAIA_AUX_ACCEL	"accel"
#define MAIA_AUX_LINK	"link"

/**
 * struct maia_core_info - identity and configuration read at probe
 * @hw_version: VERSION register (major << 16 | minor)
 * @caps: CAPS register
 * @num_queues: hardware command queues
 * @num_ports: optical ports
 * @num_lanes: optical lanes per port
 * @num_vectors: MSI-X vectors allocated
 * @hbm_size: bytes of HBM behind BAR2
 * @hbm_bus_addr: CPU physical address of BAR2
 * @serial: device serial number
 */
struct maia_core_info {
	u32 hw_version;
	u32 caps;
	u32 num_queues;
	u32 num_ports;
	u32 num_lanes;
	u32 num_vectors;
	u64 hbm_size;
	resource_size_t hbm_bus_addr;
	u64 serial;
};

struct maia_core;

struct maia_core *maia_core_from_adev(struct auxiliary_device *adev);
const struct maia_core_info *maia_core_info(struct maia_core *core);
struct pci_dev *maia_core_pdev(struct maia_core *core);
u32 maia_core_read(struct maia_core *core, u32 offset);
void maia_core_write(struct maia_core *core, u32 offset, u32 value);
int maia_core_irq(struct maia_core *core, unsigned int vector);
int maia_core_irq_test(struct maia_core *core);

#endif /* MAIA_CORE_H */
