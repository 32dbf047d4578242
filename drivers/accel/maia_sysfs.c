// SPDX-License-Identifier: GPL-2.0
/*
 * maia_accel sysfs: device usage that tools such as maia-smi read without
 * opening the device (opening it would allocate an address space).
 * Attributes live on the accel auxiliary device, reachable as
 * /sys/class/accel/accelN/device/.
 */

#include <linux/device.h>
#include <linux/sysfs.h>

#include "maia_accel.h"

static struct maia_accel *dev_to_accel(struct device *dev)
{
	return auxiliary_get_drvdata(to_auxiliary_dev(dev));
}

static ssize_t hbm_used_bytes_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	struct maia_accel *accel = dev_to_accel(dev);
	u64 used;

	mutex_lock(&accel->hbm_lock);
	used = accel->hbm_used;
	mutex_unlock(&accel->hbm_lock);
	return sysfs_emit(buf, "%llu\n", used);
}
static DEVICE_ATTR_RO(hbm_used_bytes);

static ssize_t engine_utilization_show(struct device *dev,
				       struct device_attribute *attr, char *buf)
{
	struct maia_core_telemetry t;

	maia_core_read_telemetry(dev_to_accel(dev)->core, &t);
	return sysfs_emit(buf, "%u\n", t.util_pct);
}
static DEVICE_ATTR_RO(engine_utilization);

static ssize_t jobs_completed_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	struct maia_core_telemetry t;

	maia_core_read_telemetry(dev_to_accel(dev)->core, &t);
	return sysfs_emit(buf, "%llu\n", t.jobs);
}
static DEVICE_ATTR_RO(jobs_completed);

static ssize_t jobs_timed_out_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lld\n",
			  (long long)atomic64_read(&dev_to_accel(dev)->jobs_timed_out));
}
static DEVICE_ATTR_RO(jobs_timed_out);

static ssize_t mmu_faults_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	struct maia_core_telemetry t;

	maia_core_read_telemetry(dev_to_accel(dev)->core, &t);
	return sysfs_emit(buf, "%u\n", t.mmu_faults);
}
static DEVICE_ATTR_RO(mmu_faults);

static ssize_t active_rings_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	struct maia_accel *accel = dev_to_accel(dev);
	unsigned int i, busy = 0;

	for (i = 0; i < accel->num_rings; i++) {
		unsigned long flags;

		spin_lock_irqsave(&accel->rings[i].lock, flags);
		busy += !list_empty(&accel->rings[i].pending);
		spin_unlock_irqrestore(&accel->rings[i].lock, flags);
	}
	return sysfs_emit(buf, "%u/%u\n", busy, accel->num_rings);
}
static DEVICE_ATTR_RO(active_rings);

static struct attribute *maia_accel_attrs[] = {
	&dev_attr_hbm_used_bytes.attr,
	&dev_attr_engine_utilization.attr,
	&dev_attr_jobs_completed.attr,
	&dev_attr_jobs_timed_out.attr,
	&dev_attr_mmu_faults.attr,
	&dev_attr_active_rings.attr,
	NULL
};

static const struct attribute_group maia_accel_group = {
	.attrs = maia_accel_attrs,
};

/* The driver core adds them once probe succeeds, before the bind uevent. */
const struct attribute_group *maia_accel_groups[] = {
	&maia_accel_group,
	NULL
};
