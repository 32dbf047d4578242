// SPDX-License-Identifier: GPL-2.0
/*
 * maia_accel debugfs: ring state, address spaces and MMU faults, and the
 * fault-injection knobs the selftests use.
 */

#include <linux/bitfield.h>
#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include <drm/drm_debugfs.h>
#include <drm/drm_file.h>
#include <drm/drm_print.h>

#include "maia_accel.h"

static int maia_rings_show(struct seq_file *m, void *unused)
{
	struct drm_debugfs_entry *entry = m->private;
	struct maia_accel *accel = to_maia_accel(entry->dev);
	unsigned int i;

	seq_printf(m, "hbm_used %llu\njobs_timed_out %lld\n", accel->hbm_used,
		   (long long)atomic64_read(&accel->jobs_timed_out));
	for (i = 0; i < accel->num_rings; i++) {
		struct maia_ring *ring = &accel->rings[i];
		struct maia_hw_ring_completion c;
		u32 jobs, faults, in_flight = 0;
		struct maia_job *job;
		unsigned long flags;
		u64 busy;

		spin_lock_irqsave(&ring->lock, flags);
		list_for_each_entry(job, &ring->pending, ring_link)
			in_flight++;
		spin_unlock_irqrestore(&ring->lock, flags);
		maia_hw_ring_completion(ring->hw, &c);
		maia_hw_ring_stats(ring->hw, &busy, &jobs, &faults);
		seq_printf(m, "%s: state %lu pushed %llu completed %llu in_flight %u jobs %u faults %u busy_ns %llu\n",
			   ring->name, FIELD_GET(MAIA_RING_STATUS_STATE, c.status_reg),
			   ring->next_seq, c.seq, in_flight, jobs, faults, busy);
	}
	return 0;
}

static int maia_faults_show(struct seq_file *m, void *unused)
{
	struct drm_debugfs_entry *entry = m->private;
	struct maia_accel *accel = to_maia_accel(entry->dev);
	char *buf;

	buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	maia_core_fault_log(accel->core, buf, PAGE_SIZE);
	seq_puts(m, buf);
	kfree(buf);
	return 0;
}

static const struct drm_debugfs_info maia_debugfs_list[] = {
	{ "rings", maia_rings_show, 0 },
	{ "mmu_faults", maia_faults_show, 0 },
};

/*
 * Accel devices get /sys/kernel/debug/accel/<device>/ from the DRM core but
 * no debugfs_init callback: fill it after registration.
 */
void maia_debugfs_init(struct maia_accel *accel)
{
	drm_debugfs_add_files(&accel->drm, maia_debugfs_list,
			      ARRAY_SIZE(maia_debugfs_list));
	/*
	 * Write a process id: the next job that process submits hangs its
	 * ring (the device stops the ring until it is reset), exercising the
	 * timeout, devcoredump and ring-reset path.
	 */
	debugfs_create_atomic_t("inject_hang_pid", 0600, accel->drm.debugfs_root,
				&accel->inject_hang_pid);
}
