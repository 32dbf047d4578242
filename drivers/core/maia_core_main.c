// SPDX-License-Identifier: GPL-2.0
/*
 * maia_core: PCI driver for the Maia accelerator.
 *
 * Owns the PCI function (BARs, MSI-X, reset) and spawns one auxiliary device
 * per personality: "accel" for the tensor engine and "link" for the optical
 * ports. The auxiliary drivers reach the hardware only through the API in
 * maia_core.h.
 */

#include <linux/bitfield.h>
#include <linux/completion.h>
#include <linux/debugfs.h>
#include <linux/idr.h>
#include <linux/interrupt.h>
#include <linux/iopoll.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "maia_core_priv.h"

#define MAIA_RESET_TIMEOUT_US	100000
#define MAIA_IRQ_TEST_TIMEOUT	msecs_to_jiffies(2000)

static DEFINE_IDA(maia_core_ida);
static struct dentry *maia_debugfs_root;

/**
 * maia_core_from_adev() - find the core behind an auxiliary device
 * @adev: an auxiliary device created by maia_core
 *
 * Return: the core; valid while @adev is bound.
 */
struct maia_core *maia_core_from_adev(struct auxiliary_device *adev)
{
	return container_of(adev, struct maia_aux, adev)->core;
}
EXPORT_SYMBOL_NS_GPL(maia_core_from_adev, MAIA_CORE);

/**
 * maia_core_info() - identity and configuration of the device
 * @core: the core
 *
 * Return: a pointer to data that stays constant while the core is bound.
 */
const struct maia_core_info *maia_core_info(struct maia_core *core)
{
	return &core->info;
}
EXPORT_SYMBOL_NS_GPL(maia_core_info, MAIA_CORE);

/**
 * maia_core_pdev() - the PCI function, for DMA mapping and naming
 * @core: the core
 *
 * Return: the PCI device.
 */
struct pci_dev *maia_core_pdev(struct maia_core *core)
{
	return core->pdev;
}
EXPORT_SYMBOL_NS_GPL(maia_core_pdev, MAIA_CORE);

/**
 * maia_core_port_regs() - the register block of one optical port
 * @core: the core
 * @port: port number, below maia_core_info()->num_ports
 *
 * The link personality reaches its port only through this window
 * (MAIA_PORT_SIZE bytes, offsets MAIA_P_*); it never sees the core's own
 * blocks or the command rings.
 *
 * Return: the mapped block, or NULL for a port the device does not have.
 */
void __iomem *maia_core_port_regs(struct maia_core *core, unsigned int port)
{
	if (port >= core->info.num_ports)
		return NULL;
	return core->regs + MAIA_PORT_REG(port, 0);
}
EXPORT_SYMBOL_NS_GPL(maia_core_port_regs, MAIA_CORE);

/**
 * maia_core_read_telemetry() - the device's telemetry block
 * @core: the core
 * @t: filled with the current values
 */
void maia_core_read_telemetry(struct maia_core *core,
			      struct maia_core_telemetry *t)
{
	u32 lo;

	t->temp_mc = (s32)maia_core_rd(core, MAIA_REG_TEMP_MC);
	t->power_mw = maia_core_rd(core, MAIA_REG_POWER_MW);
	t->util_pct = maia_core_rd(core, MAIA_REG_UTIL_PCT);
	/* Reading LO latches HI (hw reference, telemetry) */
	lo = maia_core_rd(core, MAIA_REG_BUSY_NS_LO);
	t->busy_ns = (u64)maia_core_rd(core, MAIA_REG_BUSY_NS_HI) << 32 | lo;
	lo = maia_core_rd(core, MAIA_REG_JOBS_LO);
	t->jobs = (u64)maia_core_rd(core, MAIA_REG_JOBS_HI) << 32 | lo;
	t->mmu_faults = maia_core_rd(core, MAIA_REG_MMU_FAULT_COUNT);
}
EXPORT_SYMBOL_NS_GPL(maia_core_read_telemetry, MAIA_CORE);

/**
 * maia_core_irq() - Linux interrupt number of an MSI-X vector
 * @core: the core
 * @vector: MSI-X vector (MAIA_VEC_*); the misc vector belongs to the core
 *
 * Return: the interrupt number, or -EINVAL for a vector that does not exist
 * or is owned by the core.
 */
int maia_core_irq(struct maia_core *core, unsigned int vector)
{
	if (vector == MAIA_VEC_MISC || vector >= core->info.num_vectors)
		return -EINVAL;
	return pci_irq_vector(core->pdev, vector);
}
EXPORT_SYMBOL_NS_GPL(maia_core_irq, MAIA_CORE);

/*
 * Prove an MSI-X round trip on the misc vector: ask the device for the test
 * cause and wait for the interrupt. Returns 0, -ETIMEDOUT or -EINTR.
 */
static int maia_core_misc_irq_test(struct maia_core *core)
{
	long left;
	int ret = 0;

	if (mutex_lock_interruptible(&core->irq_test_lock))
		return -EINTR;
	reinit_completion(&core->irq_test_done);
	maia_core_wr(core, MAIA_REG_INT_TEST, MAIA_VEC_MISC);
	left = wait_for_completion_timeout(&core->irq_test_done,
					   MAIA_IRQ_TEST_TIMEOUT);
	if (!left)
		ret = -ETIMEDOUT;
	mutex_unlock(&core->irq_test_lock);
	return ret;
}

/**
 * maia_core_test_vector() - make the device send one MSI-X message
 * @core: the core
 * @vector: a vector of an auxiliary device (not MAIA_VEC_MISC)
 *
 * For interrupt self-tests of the personalities: the device signals
 * @vector once through INT_TEST, which only the core writes.
 *
 * Return: 0, or -EINVAL for a vector that does not exist or is the core's.
 */
int maia_core_test_vector(struct maia_core *core, unsigned int vector)
{
	if (vector == MAIA_VEC_MISC || vector >= core->info.num_vectors)
		return -EINVAL;
	maia_core_wr(core, MAIA_REG_INT_TEST, vector);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(maia_core_test_vector, MAIA_CORE);

static irqreturn_t maia_core_misc_irq(int irq, void *data)
{
	struct maia_core *core = data;
	u32 cause;

	cause = maia_core_rd(core, MAIA_REG_INT_CAUSE) &
		maia_core_rd(core, MAIA_REG_INT_MASK);
	if (!cause)
		return IRQ_NONE;
	maia_core_wr(core, MAIA_REG_INT_CAUSE, cause);
	atomic64_inc(&core->misc_irqs);
	if (cause & MAIA_INT_MMU_FAULT)
		maia_mmu_handle_fault(core);
	if (cause & MAIA_INT_TEST)
		complete(&core->irq_test_done);
	return IRQ_HANDLED;
}

static int maia_core_reset(struct maia_core *core)
{
	u32 status;
	int ret;

	maia_core_wr(core, MAIA_REG_RESET, MAIA_RESET_MAGIC);
	ret = readl_poll_timeout(core->regs + MAIA_REG_STATUS, status,
				 status & MAIA_STATUS_READY, 10,
				 MAIA_RESET_TIMEOUT_US);
	if (ret)
		dev_err(&core->pdev->dev, "device did not come out of reset\n");
	return ret;
}

static int maia_core_read_identity(struct maia_core *core)
{
	struct maia_core_info *info = &core->info;
	struct device *dev = &core->pdev->dev;
	u32 id, config, major;

	id = maia_core_rd(core, MAIA_REG_ID);
	if (id != MAIA_ID_MAGIC) {
		dev_err(dev, "unexpected identity 0x%08x\n", id);
		return -ENODEV;
	}
	info->hw_id = id;
	info->hw_version = maia_core_rd(core, MAIA_REG_VERSION);
	major = FIELD_GET(MAIA_VERSION_MAJOR, info->hw_version);
	if (major != MAIA_HW_VERSION_MAJOR) {
		dev_err(dev, "unsupported hardware version %u.%lu\n", major,
			FIELD_GET(MAIA_VERSION_MINOR, info->hw_version));
		return -ENODEV;
	}
	info->caps = maia_core_rd(core, MAIA_REG_CAPS);
	config = maia_core_rd(core, MAIA_REG_CONFIG);
	info->num_ports = FIELD_GET(MAIA_CONFIG_PORTS, config);
	info->num_rings = FIELD_GET(MAIA_CONFIG_RINGS, config);
	info->num_lanes = FIELD_GET(MAIA_CONFIG_LANES, config);
	info->num_vectors = FIELD_GET(MAIA_CONFIG_VECTORS, config);
	info->hbm_size = maia_core_rd(core, MAIA_REG_HBM_SIZE_LO) |
			 (u64)maia_core_rd(core, MAIA_REG_HBM_SIZE_HI) << 32;
	info->serial = maia_core_rd(core, MAIA_REG_SERIAL_LO) |
		       (u64)maia_core_rd(core, MAIA_REG_SERIAL_HI) << 32;

	if (info->num_ports > MAIA_MAX_PORTS ||
	    info->num_rings > MAIA_MAX_RINGS || !info->num_vectors ||
	    info->num_vectors > MAIA_NUM_VECTORS) {
		dev_err(dev, "inconsistent configuration 0x%08x\n", config);
		return -ENODEV;
	}
	if ((info->caps & MAIA_CAP_HBM) &&
	    info->hbm_size > pci_resource_len(core->pdev, MAIA_BAR_HBM)) {
		dev_err(dev, "HBM size %llu exceeds BAR2\n", info->hbm_size);
		return -ENODEV;
	}
	info->hbm_bus_addr = pci_resource_start(core->pdev, MAIA_BAR_HBM);
	return 0;
}

static void maia_aux_release(struct device *dev)
{
	struct maia_aux *aux = container_of(dev, struct maia_aux, adev.dev);

	kfree(aux);
}

static void maia_aux_destroy(void *data)
{
	struct maia_aux *aux = data;

	auxiliary_device_delete(&aux->adev);
	auxiliary_device_uninit(&aux->adev);
}

static struct maia_aux *maia_aux_create(struct maia_core *core,
					const char *name)
{
	struct device *dev = &core->pdev->dev;
	struct maia_aux *aux;
	int ret;

	aux = kzalloc(sizeof(*aux), GFP_KERNEL);
	if (!aux)
		return ERR_PTR(-ENOMEM);
	aux->core = core;
	aux->adev.name = name;
	aux->adev.id = core->id;
	aux->adev.dev.parent = dev;
	aux->adev.dev.release = maia_aux_release;

	ret = auxiliary_device_init(&aux->adev);
	if (ret) {
		kfree(aux);
		return ERR_PTR(ret);
	}
	ret = auxiliary_device_add(&aux->adev);
	if (ret) {
		auxiliary_device_uninit(&aux->adev);
		return ERR_PTR(ret);
	}
	ret = devm_add_action_or_reset(dev, maia_aux_destroy, aux);
	if (ret)
		return ERR_PTR(ret);
	return aux;
}

static ssize_t maia_irq_test_write(struct file *file, const char __user *buf,
				   size_t count, loff_t *ppos)
{
	struct maia_core *core = file->private_data;
	int ret;

	ret = maia_core_misc_irq_test(core);
	return ret ? ret : count;
}

static ssize_t maia_irq_test_read(struct file *file, char __user *buf,
				  size_t count, loff_t *ppos)
{
	struct maia_core *core = file->private_data;
	char text[64];
	int len;

	len = scnprintf(text, sizeof(text), "%lld %u\n",
			(long long)atomic64_read(&core->misc_irqs),
			maia_core_rd(core, MAIA_REG_INT_TEST_COUNT));
	return simple_read_from_buffer(buf, count, ppos, text, len);
}

static const struct file_operations maia_irq_test_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = maia_irq_test_read,
	.write = maia_irq_test_write,
	.llseek = default_llseek,
};

static int maia_mmu_faults_show(struct seq_file *m, void *unused)
{
	struct maia_core *core = m->private;
	char *buf;

	buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	maia_core_fault_log(core, buf, PAGE_SIZE);
	seq_puts(m, buf);
	kfree(buf);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(maia_mmu_faults);

static const struct debugfs_reg32 maia_core_regs[] = {
	{ "id", MAIA_REG_ID },
	{ "version", MAIA_REG_VERSION },
	{ "caps", MAIA_REG_CAPS },
	{ "config", MAIA_REG_CONFIG },
	{ "hbm_size_lo", MAIA_REG_HBM_SIZE_LO },
	{ "hbm_size_hi", MAIA_REG_HBM_SIZE_HI },
	{ "serial_lo", MAIA_REG_SERIAL_LO },
	{ "serial_hi", MAIA_REG_SERIAL_HI },
	{ "scratch", MAIA_REG_SCRATCH },
	{ "status", MAIA_REG_STATUS },
	{ "reset_count", MAIA_REG_RESET_COUNT },
	{ "int_cause", MAIA_REG_INT_CAUSE },
	{ "int_mask", MAIA_REG_INT_MASK },
	{ "int_test_count", MAIA_REG_INT_TEST_COUNT },
};

static int maia_mmu_show_show(struct seq_file *m, void *unused)
{
	struct maia_core *core = m->private;
	char *buf;

	buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	maia_mmu_show(core, buf, PAGE_SIZE);
	seq_puts(m, buf);
	kfree(buf);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(maia_mmu_show);

static void maia_core_debugfs_remove(void *data)
{
	struct maia_core *core = data;

	debugfs_remove_recursive(core->debugfs);
}

static int maia_core_debugfs_init(struct maia_core *core)
{
	struct debugfs_regset32 *regset;
	struct device *dev = &core->pdev->dev;

	regset = devm_kzalloc(dev, sizeof(*regset), GFP_KERNEL);
	if (!regset)
		return -ENOMEM;
	regset->regs = maia_core_regs;
	regset->nregs = ARRAY_SIZE(maia_core_regs);
	regset->base = core->regs;

	core->debugfs = debugfs_create_dir(pci_name(core->pdev),
					   maia_debugfs_root);
	debugfs_create_regset32("regs", 0400, core->debugfs, regset);
	debugfs_create_file("irq_test", 0600, core->debugfs, core,
			    &maia_irq_test_fops);
	debugfs_create_file("mmu_faults", 0400, core->debugfs, core,
			    &maia_mmu_faults_fops);
	debugfs_create_file("mmu", 0400, core->debugfs, core,
			    &maia_mmu_show_fops);
	return devm_add_action_or_reset(dev, maia_core_debugfs_remove, core);
}

static void maia_core_quiesce(void *data)
{
	struct maia_core *core = data;

	maia_core_wr(core, MAIA_REG_INT_MASK, 0);
	maia_core_reset(core);
}

static void maia_core_ida_free(void *data)
{
	struct maia_core *core = data;

	ida_free(&maia_core_ida, core->id);
}

static int maia_core_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct device *dev = &pdev->dev;
	struct maia_core *core;
	int nvec, ret;

	core = devm_kzalloc(dev, sizeof(*core), GFP_KERNEL);
	if (!core)
		return -ENOMEM;
	core->pdev = pdev;
	mutex_init(&core->irq_test_lock);
	spin_lock_init(&core->asid_lock);
	spin_lock_init(&core->fault_lock);
	init_completion(&core->irq_test_done);
	pci_set_drvdata(pdev, core);

	ret = pcim_enable_device(pdev);
	if (ret)
		return dev_err_probe(dev, ret, "cannot enable device\n");
	ret = pcim_iomap_regions(pdev, BIT(MAIA_BAR_REGS), KBUILD_MODNAME);
	if (ret)
		return dev_err_probe(dev, ret, "cannot map BAR0\n");
	core->regs = pcim_iomap_table(pdev)[MAIA_BAR_REGS];
	/*
	 * Page-table entries and MMU roots hold bus addresses in the
	 * MAIA_PTE_ADDR bits: the device reaches no higher address, so the
	 * mask is that field down to bit 0.
	 */
	ret = dma_set_mask_and_coherent(dev, MAIA_PTE_ADDR |
					(BIT_ULL(MAIA_PAGE_SHIFT) - 1));
	if (ret)
		return dev_err_probe(dev, ret, "no usable DMA mask\n");
	/*
	 * The device MMU maps any run of pages, so a scatterlist segment may
	 * be as long as the DMA layer makes it (the PCI default is 64 KiB).
	 */
	dma_set_max_seg_size(dev, UINT_MAX);
	pci_set_master(pdev);

	ret = maia_core_read_identity(core);
	if (ret)
		return ret;
	ret = maia_core_reset(core);
	if (ret)
		return ret;
	nvec = pci_alloc_irq_vectors(pdev, core->info.num_vectors,
				     core->info.num_vectors, PCI_IRQ_MSIX);
	if (nvec < 0)
		return dev_err_probe(dev, nvec, "cannot allocate %u MSI-X vectors\n",
				     core->info.num_vectors);
	ret = devm_request_irq(dev, pci_irq_vector(pdev, MAIA_VEC_MISC),
			       maia_core_misc_irq, 0, "maia-misc", core);
	if (ret)
		return dev_err_probe(dev, ret, "cannot request misc irq\n");
	/*
	 * devres runs in reverse: the device is masked and reset before its
	 * misc handler is freed and its MSI-X vectors are released.
	 */
	ret = devm_add_action_or_reset(dev, maia_core_quiesce, core);
	if (ret)
		return ret;
	maia_core_wr(core, MAIA_REG_INT_MASK, MAIA_INT_ALL);

	ret = maia_core_misc_irq_test(core);
	if (ret)
		return dev_err_probe(dev, ret, "MSI-X round trip failed\n");

	ret = maia_core_debugfs_init(core);
	if (ret)
		return ret;
	ret = maia_core_hwmon_init(core);
	if (ret)
		return dev_err_probe(dev, ret, "cannot register hwmon\n");

	core->id = ida_alloc(&maia_core_ida, GFP_KERNEL);
	if (core->id < 0)
		return core->id;
	ret = devm_add_action_or_reset(dev, maia_core_ida_free, core);
	if (ret)
		return ret;

	core->aux_accel = maia_aux_create(core, MAIA_AUX_ACCEL);
	if (IS_ERR(core->aux_accel))
		return dev_err_probe(dev, PTR_ERR(core->aux_accel),
				     "cannot create accel device\n");
	if (core->info.num_ports) {
		core->aux_link = maia_aux_create(core, MAIA_AUX_LINK);
		if (IS_ERR(core->aux_link))
			return dev_err_probe(dev, PTR_ERR(core->aux_link),
					     "cannot create link device\n");
	}

	dev_info(dev, "maia hw %lu.%lu serial %016llx: %llu MiB HBM, %u rings, %u ports x %u lanes\n",
		 FIELD_GET(MAIA_VERSION_MAJOR, core->info.hw_version),
		 FIELD_GET(MAIA_VERSION_MINOR, core->info.hw_version),
		 core->info.serial, core->info.hbm_size >> 20,
		 core->info.num_rings, core->info.num_ports,
		 core->info.num_lanes);
	return 0;
}

static const struct pci_device_id maia_core_ids[] = {
	{ PCI_DEVICE(MAIA_PCI_VENDOR_ID, MAIA_PCI_DEVICE_ID) },
	{ }
};
MODULE_DEVICE_TABLE(pci, maia_core_ids);

static struct pci_driver maia_core_driver = {
	.name = KBUILD_MODNAME,
	.id_table = maia_core_ids,
	/* No .remove: everything is device-managed, auxiliary devices first. */
	.probe = maia_core_probe,
};

static int __init maia_core_init(void)
{
	int ret;

	maia_debugfs_root = debugfs_create_dir("maia", NULL);
	ret = pci_register_driver(&maia_core_driver);
	if (ret)
		debugfs_remove_recursive(maia_debugfs_root);
	return ret;
}

static void __exit maia_core_exit(void)
{
	pci_unregister_driver(&maia_core_driver);
	debugfs_remove_recursive(maia_debugfs_root);
	ida_destroy(&maia_core_ida);
}

module_init(maia_core_init);
module_exit(maia_core_exit);

MODULE_DESCRIPTION("Maia accelerator PCI core");
MODULE_LICENSE("GPL");
