/* SPDX-License-Identifier: GPL-2.0 */
/* maia_core internals shared by its source files; not for auxiliary drivers. */
#ifndef MAIA_CORE_PRIV_H
#define MAIA_CORE_PRIV_H

#include <linux/completion.h>
#include <linux/idr.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>

#include "maia_core.h"

#define MAIA_FAULT_LOG		16

/**
 * struct maia_fault_record - one device MMU fault, as logged
 * @addr: faulting device virtual address
 * @info: MMU_FAULT_INFO register value
 * @time_ns: when it was handled (ktime_get_ns)
 */
struct maia_fault_record {
	u64 addr;
	u32 info;
	u64 time_ns;
};

/**
 * struct maia_aux - an auxiliary device created by the core
 * @adev: the auxiliary device
 * @core: the core that created it
 */
struct maia_aux {
	struct auxiliary_device adev;
	struct maia_core *core;
};

/**
 * struct maia_core - per PCI function state
 * @pdev: the PCI function
 * @regs: BAR0 mapping
 * @info: identity and configuration, constant after probe
 * @id: instance number used to name the auxiliary devices
 * @aux_accel: the accel auxiliary device
 * @aux_link: the link auxiliary device
 * @debugfs: this function's debugfs directory
 * @irq_test_lock: serialises interrupt self-tests
 * @irq_test_done: completed by the misc handler when a test cause arrives
 * @misc_irqs: misc vector interrupts handled (debug statistic)
 * @tlb_lock: serialises the multi-register TLB invalidation sequence
 * @asid_ida: hardware address-space ids in use
 * @fault_lock: protects @faults and @fault_count
 * @faults: the last MAIA_FAULT_LOG MMU faults
 * @fault_count: MMU faults since probe
 *
 * Locking: @info is written once before the auxiliary devices exist and only
 * read afterwards. INT_CAUSE is only cleared from the misc handler; tests are
 * serialised by @irq_test_lock.
 */
struct maia_core {
	struct pci_dev *pdev;
	void __iomem *regs;
	struct maia_core_info info;
	int id;
	struct maia_aux *aux_accel;
	struct maia_aux *aux_link;
	struct dentry *debugfs;
	struct mutex irq_test_lock; /* serialises the misc vector self-test */
	struct completion irq_test_done;
	atomic64_t misc_irqs;
	struct mutex tlb_lock; /* INV_* register sequence */
	struct ida asid_ida;
	spinlock_t fault_lock; /* faults, fault_count */
	struct maia_fault_record faults[MAIA_FAULT_LOG];
	u64 fault_count;
};

/* The core's own registers: identity, control, interrupts, MMU, telemetry */
static inline u32 maia_core_rd(struct maia_core *core, u32 reg)
{
	return readl(core->regs + reg);
}

static inline void maia_core_wr(struct maia_core *core, u32 reg, u32 val)
{
	writel(val, core->regs + reg);
}

void maia_mmu_handle_fault(struct maia_core *core);
int maia_core_hwmon_init(struct maia_core *core);

#endif /* MAIA_CORE_PRIV_H */
