/* SPDX-License-Identifier: GPL-2.0 */
/*
 * maia_core: the API that the maia auxiliary drivers (maia_accel, maia_link)
 * use to reach the shared PCI function. Every symbol is exported in the
 * MAIA_CORE namespace.
 *
 * No personality maps BAR0 or gets the core's register base: the link gets
 * the blocks of its ports (maia_core_port_regs()), the accel gets command
 * rings (maia_hw_ring_*), address spaces (maia_as_*) and read-only
 * telemetry. Interrupt self-tests go through maia_core_test_vector().
 */
#ifndef MAIA_CORE_H
#define MAIA_CORE_H

#include <linux/auxiliary_bus.h>
#include <linux/io.h>
#include <linux/pci.h>
#include <linux/types.h>

#include "maia_hw.h"

#define MAIA_AUX_ACCEL	"accel"
#define MAIA_AUX_LINK	"link"

/**
 * struct maia_core_info - identity and configuration read at probe
 * @hw_id: ID register (MAIA_ID_MAGIC)
 * @hw_version: VERSION register (MAIA_VERSION_MAJOR, MAIA_VERSION_MINOR)
 * @caps: CAPS register
 * @num_rings: command rings
 * @num_ports: optical ports
 * @num_lanes: optical lanes per port
 * @num_vectors: MSI-X vectors allocated
 * @hbm_size: bytes of HBM behind BAR2
 * @hbm_bus_addr: CPU physical address of BAR2
 * @serial: device serial number
 */
struct maia_core_info {
	u32 hw_id;
	u32 hw_version;
	u32 caps;
	u32 num_rings;
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
int maia_core_irq(struct maia_core *core, unsigned int vector);
int maia_core_test_vector(struct maia_core *core, unsigned int vector);
void __iomem *maia_core_port_regs(struct maia_core *core, unsigned int port);

/**
 * struct maia_core_telemetry - the telemetry block, read at one moment
 * @temp_mc: die temperature, milli-degrees Celsius
 * @power_mw: board power, milliwatts
 * @util_pct: engine busy over the last 100 ms, percent
 * @busy_ns: engine busy time since reset
 * @jobs: jobs retired on all rings since reset
 * @mmu_faults: device MMU faults since reset (MMU_FAULT_COUNT)
 */
struct maia_core_telemetry {
	s32 temp_mc;
	u32 power_mw;
	u32 util_pct;
	u64 busy_ns;
	u64 jobs;
	u32 mmu_faults;
};

void maia_core_read_telemetry(struct maia_core *core,
			      struct maia_core_telemetry *t);

/* Device address spaces (device MMU), see maia_core_mmu.c */
#define MAIA_PROT_READ		BIT(0)
#define MAIA_PROT_WRITE		BIT(1)
#define MAIA_PROT_HBM		BIT(2)	/* internal: target is HBM */

struct maia_as;
struct sg_table;

struct maia_as *maia_as_create(struct maia_core *core);
void maia_as_destroy(struct maia_as *as);
int maia_as_pin(struct maia_as *as);
bool maia_as_unpin(struct maia_as *as);
int maia_as_map_sgt(struct maia_as *as, u64 va, struct sg_table *sgt,
		    u64 offset, u64 size, u32 prot, struct list_head *freed);
int maia_as_map_hbm(struct maia_as *as, u64 va, u64 hbm_offset, u64 size,
		    u32 prot, struct list_head *freed);
void maia_as_unmap(struct maia_as *as, u64 va, u64 size,
		   struct list_head *freed);
void maia_as_free_tables(struct maia_core *core, struct list_head *freed);
int maia_core_fault_log(struct maia_core *core, char *buf, size_t len);

/* Command rings, see maia_core_ring.c */
struct maia_hw_ring;

/**
 * struct maia_hw_ring_job - what maia_hw_ring_push() puts in a ring slot
 * @ib_addr: device VA of the first command
 * @ib_count: commands
 * @asid: address space the commands run in
 * @seq: reported back in the completion record
 */
struct maia_hw_ring_job {
	u64 ib_addr;
	u32 ib_count;
	u32 asid;
	u64 seq;
};

/**
 * struct maia_hw_ring_completion - last completion of a ring
 * @seq: seq of the last job completed (successfully or not)
 * @status: MAIA_JOB_* of that job
 * @err_index: failing command index when @status is not MAIA_JOB_OK, or
 *	MAIA_COMPL_ERR_DESCRIPTOR
 * @err_addr: faulting device VA for MAIA_JOB_MMU_FAULT
 * @status_reg: RING_STATUS register (MAIA_RING_STATUS_*)
 */
struct maia_hw_ring_completion {
	u64 seq;
	u32 status;
	u32 err_index;
	u64 err_addr;
	u32 status_reg;
};

struct maia_hw_ring *maia_hw_ring_create(struct maia_core *core,
					 unsigned int index,
					 unsigned int order,
					 unsigned int priority,
					 void (*done)(void *data), void *data);
void maia_hw_ring_destroy(struct maia_hw_ring *ring);
void maia_hw_ring_push(struct maia_hw_ring *ring,
		       const struct maia_hw_ring_job *job);
void maia_hw_ring_completion(struct maia_hw_ring *ring,
			     struct maia_hw_ring_completion *c);
void maia_hw_ring_resume(struct maia_hw_ring *ring);
void maia_hw_ring_reset(struct maia_hw_ring *ring);
void maia_hw_ring_inject_hang(struct maia_hw_ring *ring);
void maia_hw_ring_stats(struct maia_hw_ring *ring, u64 *busy_ns, u32 *jobs,
			u32 *faults);
unsigned int maia_hw_ring_index(struct maia_hw_ring *ring);

#endif /* MAIA_CORE_H */
