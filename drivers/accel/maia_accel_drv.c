// SPDX-License-Identifier: GPL-2.0
/*
 * maia_accel: DRM accel driver for the Maia tensor engine.
 *
 * Binds the "accel" auxiliary device created by maia_core and registers
 * /dev/accel/accelN.
 */

#include <linux/auxiliary_bus.h>
#include <linux/dma-resv.h>
#include <linux/devcoredump.h>
#include <linux/module.h>
#include <linux/nospec.h>
#include <linux/pci.h>

#include <drm/drm_accel.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_managed.h>
#include <drm/drm_print.h>
#include <drm/drm_gem_shmem_helper.h>

#include <drm/maia_accel.h>

#include "maia_accel.h"

#define DRIVER_NAME	"maia_accel"
#define DRIVER_DESC	"Maia tensor engine"
#define DRIVER_DATE	"20261123"
#define DRIVER_MAJOR	1
#define DRIVER_MINOR	0

static int maia_ioctl_get_info(struct drm_device *drm, void *data,
			       struct drm_file *file)
{
	struct maia_accel *accel = to_maia_accel(drm);
	struct drm_maia_get_info *args = data;
	const struct maia_core_info *info;
	struct pci_dev *pdev;
	u64 caps = 0;
	int idx;

	if (args->flags || args->pad ||
	    memchr_inv(args->reserved, 0, sizeof(args->reserved)))
		return -EINVAL;
	/* The core and its registers are gone once the device is unplugged. */
	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;
	info = maia_core_info(accel->core);
	pdev = maia_core_pdev(accel->core);

	if (info->caps & MAIA_CAP_HBM)
		caps |= DRM_MAIA_CAP_HBM;
	if (info->caps & MAIA_CAP_ENGINE)
		caps |= DRM_MAIA_CAP_ENGINE;
	if (info->caps & MAIA_CAP_MMU)
		caps |= DRM_MAIA_CAP_MMU;
	if (info->caps & MAIA_CAP_LINK)
		caps |= DRM_MAIA_CAP_LINK;

	args->hw_id = info->hw_id;
	args->hw_version = info->hw_version;
	args->uapi_version = MAIA_UAPI_VERSION;
	args->num_queues = info->num_rings;
	args->num_ports = info->num_ports;
	args->num_lanes = info->num_lanes;
	args->hbm_size = info->hbm_size;
	args->capabilities = caps;
	args->serial = info->serial;
	args->pci_bus_info = (u64)pci_domain_nr(pdev->bus) << 16 |
			     pdev->bus->number << 8 | pdev->devfn;
	drm_dev_exit(idx);
	return 0;
}

static const struct drm_ioctl_desc maia_ioctls[] = {
	DRM_IOCTL_DEF_DRV(MAIA_GET_INFO, maia_ioctl_get_info, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(MAIA_BO_CREATE, maia_ioctl_bo_create, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(MAIA_BO_INFO, maia_ioctl_bo_info, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(MAIA_VM_BIND, maia_ioctl_vm_bind, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(MAIA_VM_UNBIND, maia_ioctl_vm_unbind, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(MAIA_QUEUE_CREATE, maia_ioctl_queue_create,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(MAIA_QUEUE_DESTROY, maia_ioctl_queue_destroy,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(MAIA_SUBMIT, maia_ioctl_submit, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(MAIA_QUEUE_STATE, maia_ioctl_queue_state,
			  DRM_RENDER_ALLOW),
};

static int maia_open(struct drm_device *drm, struct drm_file *file)
{
	struct maia_accel *accel = to_maia_accel(drm);
	struct maia_file *mfile;
	int idx;

	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;
	mfile = maia_file_create(accel);
	if (!IS_ERR(mfile)) {
		/* Dropped by maia_file_release(), possibly after the close. */
		drm_dev_get(drm);
		mutex_lock(&accel->files_lock);
		list_add_tail(&mfile->link, &accel->files);
		mutex_unlock(&accel->files_lock);
		file->driver_priv = mfile;
	}
	drm_dev_exit(idx);
	return PTR_ERR_OR_ZERO(mfile);
}

/*
 * The file's queues go now: jobs still waiting in them are cancelled
 * (-ECANCELED), jobs already on a ring finish. This may wait for the
 * dependencies of queued jobs; no device-wide lock is held meanwhile.
 * Device removal may be destroying the same queues: queues_lock makes one
 * of the two do it, and removal shuts the rings down only afterwards (the
 * file holds its reference until the put below, so removal sees it).
 */
static void maia_postclose(struct drm_device *drm, struct drm_file *file)
{
	struct maia_file *mfile = file->driver_priv;

	maia_file_destroy_queues(mfile, -ECANCELED);
	maia_file_put(mfile);
}

/* Memory in the standard drm-usage-stats keys, one region per kind. */
static void maia_show_memory_stats(struct drm_printer *p, struct drm_file *file)
{
	struct drm_memory_stats stats[2] = { };	/* system, hbm */
	struct drm_gem_object *obj;
	int id;

	spin_lock(&file->table_lock);
	idr_for_each_entry(&file->object_idr, obj, id) {
		struct drm_memory_stats *s = &stats[maia_bo_is_hbm(obj)];
		bool resident = maia_bo_is_hbm(obj) ||
				to_drm_gem_shmem_obj(obj)->pages;

		if (drm_gem_object_is_shared_for_memory_stats(obj))
			s->shared += obj->size;
		else
			s->private += obj->size;
		if (resident)
			s->resident += obj->size;
		if (!dma_resv_test_signaled(obj->resv, DMA_RESV_USAGE_BOOKKEEP))
			s->active += obj->size;
	}
	spin_unlock(&file->table_lock);
	drm_print_memory_stats(p, &stats[0], DRM_GEM_OBJECT_RESIDENT, "system");
	drm_print_memory_stats(p, &stats[1], DRM_GEM_OBJECT_RESIDENT, "hbm");
}

static void maia_show_fdinfo(struct drm_printer *p, struct drm_file *file)
{
	struct maia_accel *accel = to_maia_accel(file->minor->dev);
	struct maia_file *mfile = file->driver_priv;
	int idx;

	/* The DRM device hangs off an auxiliary device: name the function. */
	if (drm_dev_enter(&accel->drm, &idx)) {
		drm_printf(p, "drm-pdev:\t%s\n",
			   pci_name(maia_core_pdev(accel->core)));
		drm_dev_exit(idx);
	}
	drm_printf(p, "drm-engine-compute:\t%llu ns\n",
		   (unsigned long long)atomic64_read(&mfile->engine_ns));
	maia_show_memory_stats(p, file);
}

/*
 * The DRM core silently truncates or zero-extends an argument whose size
 * differs from the kernel's structure. maia's uAPI promises -EINVAL instead,
 * so driver ioctls are checked for the exact size before the core sees them.
 * Driver ioctls run inside drm_dev_enter(): device removal waits for the
 * ones under way, and later ones fail with -ENODEV. 32-bit callers go
 * through drm_compat_ioctl(), which translates the core ioctls whose layout
 * differs (maia's own structures are the same on both ABIs).
 */
static long maia_accel_do_ioctl(struct file *filp, unsigned int cmd,
				unsigned long arg, bool compat)
{
	struct drm_file *file = filp->private_data;
	unsigned int nr = _IOC_NR(cmd);
	long ret;
	int idx;

	if (nr >= DRM_COMMAND_BASE && nr < DRM_COMMAND_END) {
		unsigned int index = nr - DRM_COMMAND_BASE;

		if (index >= ARRAY_SIZE(maia_ioctls))
			return -ENOTTY;
		index = array_index_nospec(index, ARRAY_SIZE(maia_ioctls));
		if (_IOC_TYPE(cmd) != DRM_IOCTL_BASE ||
		    _IOC_DIR(cmd) != _IOC_DIR(maia_ioctls[index].cmd))
			return -ENOTTY;
		if (_IOC_SIZE(cmd) != _IOC_SIZE(maia_ioctls[index].cmd))
			return -EINVAL;
		if (!drm_dev_enter(file->minor->dev, &idx))
			return -ENODEV;
		ret = drm_ioctl(filp, cmd, arg);
		drm_dev_exit(idx);
		return ret;
	}
	if (compat)
		return drm_compat_ioctl(filp, cmd, arg);
	return drm_ioctl(filp, cmd, arg);
}

static long maia_accel_ioctl(struct file *filp, unsigned int cmd,
			     unsigned long arg)
{
	return maia_accel_do_ioctl(filp, cmd, arg, false);
}

#ifdef CONFIG_COMPAT
static long maia_accel_compat_ioctl(struct file *filp, unsigned int cmd,
				    unsigned long arg)
{
	return maia_accel_do_ioctl(filp, cmd, arg, true);
}
#else
#define maia_accel_compat_ioctl NULL
#endif

static const struct file_operations maia_accel_fops = {
	.owner = THIS_MODULE,
	.open = accel_open,
	.release = drm_release,
	.unlocked_ioctl = maia_accel_ioctl,
	.compat_ioctl = maia_accel_compat_ioctl,
	.poll = drm_poll,
	.read = drm_read,
	.llseek = noop_llseek,
	.fop_flags = FOP_UNSIGNED_OFFSET,
	.mmap = drm_gem_mmap,
	.show_fdinfo = drm_show_fdinfo,
};

static const struct drm_driver maia_drm_driver = {
	.driver_features = DRIVER_COMPUTE_ACCEL | DRIVER_GEM | DRIVER_SYNCOBJ,
	.fops = &maia_accel_fops,
	.open = maia_open,
	.postclose = maia_postclose,
	.show_fdinfo = maia_show_fdinfo,
	.gem_create_object = maia_gem_create_object,
	.gem_prime_import = maia_gem_prime_import,
	.gem_prime_import_sg_table = drm_gem_shmem_prime_import_sg_table,
	.ioctls = maia_ioctls,
	.num_ioctls = ARRAY_SIZE(maia_ioctls),
	.name = DRIVER_NAME,
	.desc = DRIVER_DESC,
	.date = DRIVER_DATE,
	.major = DRIVER_MAJOR,
	.minor = DRIVER_MINOR,
};

static int maia_accel_probe(struct auxiliary_device *adev,
			    const struct auxiliary_device_id *id)
{
	struct maia_accel *accel;
	int ret;

	accel = devm_drm_dev_alloc(&adev->dev, &maia_drm_driver,
				   struct maia_accel, drm);
	if (IS_ERR(accel))
		return PTR_ERR(accel);
	accel->core = maia_core_from_adev(adev);
	auxiliary_set_drvdata(adev, accel);
	INIT_LIST_HEAD(&accel->files);
	INIT_LIST_HEAD(&accel->dma_bos);
	ret = drmm_mutex_init(&accel->drm, &accel->files_lock);
	if (!ret)
		ret = drmm_mutex_init(&accel->drm, &accel->dma_lock);
	if (ret)
		return ret;

	ret = maia_hbm_init(accel);
	if (ret)
		return ret;
	ret = maia_rings_init(accel);
	if (ret)
		return ret;
	ret = drm_dev_register(&accel->drm, 0);
	if (ret)
		goto err_rings;
	maia_debugfs_init(accel);
	return 0;

err_rings:
	maia_rings_fini(accel);
	return ret;
}

/*
 * Files may stay open after the device is gone. Their queues and address
 * spaces use the rings and the core, so tear those down now; what is left
 * of each file is freed when it is closed and its last job is freed.
 *
 * After drm_dev_unplug() no ioctl, open, HBM fault or postclose teardown
 * is under way or can start. Every file not yet released is on
 * accel->files: those with references are taken (and torn down without
 * files_lock, since tearing down waits for jobs whose release takes it);
 * a file whose last reference is already gone has no queue or job left
 * and only its address space to drop, which is done under files_lock so
 * that maia_file_release() never touches the core after this returns.
 */
static void maia_accel_remove(struct auxiliary_device *adev)
{
	struct maia_accel *accel = auxiliary_get_drvdata(adev);
	struct maia_file *mfile, *tmp;
	LIST_HEAD(files);

	/*
	 * Also zaps every CPU mapping of the device's objects: HBM refaults
	 * (maia_hbm_vm_fault) and gets SIGBUS from now on.
	 */
	drm_dev_unplug(&accel->drm);

	mutex_lock(&accel->files_lock);
	list_for_each_entry(mfile, &accel->files, link) {
		if (kref_get_unless_zero(&mfile->refcount))
			list_add_tail(&mfile->remove_link, &files);
		else
			maia_file_teardown_vm(mfile);
	}
	mutex_unlock(&accel->files_lock);

	list_for_each_entry(mfile, &files, remove_link)
		maia_file_destroy_queues(mfile, -ENODEV);
	maia_rings_fini(accel);
	/* Unread ring dumps would keep the device around for minutes. */
	dev_coredump_put(accel->drm.dev);
	list_for_each_entry_safe(mfile, tmp, &files, remove_link) {
		maia_file_teardown_vm(mfile);
		maia_file_put(mfile);
	}
	maia_gem_unmap_all(accel);
}

static const struct auxiliary_device_id maia_accel_ids[] = {
	{ .name = "maia_core." MAIA_AUX_ACCEL },
	{ }
};
MODULE_DEVICE_TABLE(auxiliary, maia_accel_ids);

static struct auxiliary_driver maia_accel_driver = {
	.name = "accel",
	.probe = maia_accel_probe,
	.remove = maia_accel_remove,
	.id_table = maia_accel_ids,
	.driver.dev_groups = maia_accel_groups,
};
module_auxiliary_driver(maia_accel_driver);

MODULE_IMPORT_NS(MAIA_CORE);
MODULE_DESCRIPTION("Maia tensor engine DRM accel driver");
MODULE_LICENSE("GPL");
