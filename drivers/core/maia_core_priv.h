/* SPDX-License-Identifier: GPL-2.0 */
/* maia_core internals shared by its source files; not for auxiliary drivers. */
#ifndef MAIA_CORE_PRIV_H
#define MAIA_CORE_PRIV_H

#include <linux/completion.h>
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
 * struct maia_asid_slot - one hardware address-space id
 * @owner: address space whose root is programmed in the slot, or NULL
 * @pins: jobs of @owner the device may be running (maia_as_pin())
 * @last_used: value of maia_core.asid_clock when last pinned or unpinned
 */
struct maia_asid_slot {
	struct maia_as *owner;
	unsigned int pins;
	u64 last_used;
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
 * @asid_lock: protects @asid_slots, @asid_clock, @asid_steals, the
 *	hw_asid of every address space, the MMU root registers and the
 *	multi-register TLB invalidation sequence
 * @asid_slots: the hardware address-space ids and who holds them
 * @asid_clock: LRU clock of @asid_slots
 * @asid_steals: slots taken from an idle address space for another
 * @pt_count: page tables allocated in all address spaces (debugfs "mmu")
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
	spinlock_t asid_lock; /* asid_*, hw_asid, roots, INV_* sequence */
	struct maia_asid_slot asid_slots[MAIA_MAX_ASIDS];
	u64 asid_clock;
	u64 asid_steals;
	atomic_t pt_count;
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
int maia_mmu_show(struct maia_core *core, char *buf, size_t len);
int maia_core_hwmon_init(struct maia_core *core);

#endif /* MAIA_CORE_PRIV_H */
