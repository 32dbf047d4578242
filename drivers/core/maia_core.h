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

/* Device address spaces (device MMU), see maia_core_mmu.c */
#define MAIA_PROT_READ		BIT(0)
#define MAIA_PROT_WRITE		BIT(1)
#define MAIA_PROT_HBM		BIT(2)	/* internal: target is HBM */

struct maia_as;
struct sg_table;

struct maia_as *maia_as_create(struct maia_core *core);
void maia_as_destroy(struct maia_as *as);
u32 maia_as_id(struct maia_as *as);
u64 maia_as_mapped_bytes(struct maia_as *as);
int maia_as_map_sgt(struct maia_as *as, u64 va, struct sg_table *sgt,
		    u64 offset, u64 size, u32 prot);
int maia_as_map_hbm(struct maia_as *as, u64 va, u64 hbm_offset, u64 size,
		    u32 prot);
void maia_as_unmap(struct maia_as *as, u64 va, u64 size);
int maia_core_fault_log(struct maia_core *core, char *buf, size_t len);

/* Hardware command queues, see maia_core_queue.c */
struct maia_hwq;

/**
 * struct maia_hwq_job - what maia_hwq_push() puts in a ring slot
 * @ib_addr: device VA of the first command
 * @ib_count: commands
 * @asid: address space the commands run in
 * @seq: reported back in the completion record
 */
struct maia_hwq_job {
	u64 ib_addr;
	u32 ib_count;
	u32 asid;
	u64 seq;
};

/**
 * struct maia_hwq_completion - last completion of a queue
 * @seq: seq of the last job completed (successfully or not)
 * @status: MAIA_JOB_* of that job
 * @err_index: failing command index when @status is not MAIA_JOB_OK
 * @err_addr: faulting device VA for MAIA_JOB_MMU_FAULT
 * @state: Q_STATUS register
 */
struct maia_hwq_completion {
	u64 seq;
	u32 status;
	u32 err_index;
	u64 err_addr;
	u32 state;
};

struct maia_hwq *maia_hwq_create(struct maia_core *core, unsigned int index,
				 unsigned int order, unsigned int priority,
				 void (*done)(void *data), void *data);
void maia_hwq_destroy(struct maia_hwq *q);
void maia_hwq_push(struct maia_hwq *q, const struct maia_hwq_job *job);
void maia_hwq_completion(struct maia_hwq *q, struct maia_hwq_completion *c);
void maia_hwq_resume(struct maia_hwq *q);
void maia_hwq_reset(struct maia_hwq *q);
void maia_hwq_inject_hang(struct maia_hwq *q);
void maia_hwq_stats(struct maia_hwq *q, u64 *busy_ns, u32 *jobs, u32 *faults);
unsigned int maia_hwq_index(struct maia_hwq *q);

#endif /* MAIA_CORE_H */
