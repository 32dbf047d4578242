// SPDX-License-Identifier: GPL-2.0
/*
 * maia_core command rings: arrays of job descriptors in coherent host
 * memory, a doorbell per ring, a completion record the device writes before
 * it raises the ring's MSI-X vector.
 *
 * Which jobs go into which ring, and what a completion means for them, is
 * the caller's business (maia_accel drives them from drm_sched); this file
 * only owns the ring memory and the registers.
 */

#include <linux/dma-mapping.h>
#include <linux/interrupt.h>
#include <linux/slab.h>

#include "maia_core_priv.h"

/**
 * struct maia_hw_ring - one command ring
 * @core: owning core
 * @regs: the ring's register block (MAIA_RING_REG(index, 0))
 * @doorbell: the ring's doorbell register
 * @index: ring number
 * @order: log2 of the ring entries
 * @priority: hardware priority
 * @desc: descriptors (CPU view)
 * @desc_dma: descriptors' bus address
 * @compl: completion record (CPU view)
 * @compl_dma: completion record bus address
 * @lock: protects @tail and the ring registers
 * @tail: next slot to fill
 * @irq: Linux interrupt of the ring's vector
 * @done: completion callback, hard interrupt context
 * @data: argument of @done
 */
struct maia_hw_ring {
	struct maia_core *core;
	void __iomem *regs;
	void __iomem *doorbell;
	unsigned int index;
	unsigned int order;
	unsigned int priority;
	struct maia_job_desc *desc;
	dma_addr_t desc_dma;
	struct maia_ring_compl *compl;
	dma_addr_t compl_dma;
	spinlock_t lock; /* tail, registers */
	u32 tail;
	int irq;
	void (*done)(void *data);
	void *data;
};

static void maia_hw_ring_wr(struct maia_hw_ring *ring, u32 reg, u32 val)
{
	writel(val, ring->regs + reg);
}

static u32 maia_hw_ring_rd(struct maia_hw_ring *ring, u32 reg)
{
	return readl(ring->regs + reg);
}

/*
 * Abort the running job and empty the ring. MMIO writes are posted: read
 * back so that the reset has reached the device before the caller fails
 * jobs or frees memory they used.
 */
static void maia_hw_ring_stop(struct maia_hw_ring *ring)
{
	maia_hw_ring_wr(ring, MAIA_RING_CTRL, MAIA_RING_CTRL_RESET);
	maia_hw_ring_rd(ring, MAIA_RING_STATUS);
}

/* Program an empty ring and enable the ring. Caller holds ring->lock. */
static void maia_hw_ring_program(struct maia_hw_ring *ring)
{
	maia_hw_ring_stop(ring);
	memset(ring->compl, 0, sizeof(*ring->compl));
	ring->tail = 0;
	maia_hw_ring_wr(ring, MAIA_RING_ADDR_LO, lower_32_bits(ring->desc_dma));
	maia_hw_ring_wr(ring, MAIA_RING_ADDR_HI, upper_32_bits(ring->desc_dma));
	maia_hw_ring_wr(ring, MAIA_RING_ORDER, ring->order);
	maia_hw_ring_wr(ring, MAIA_RING_COMPL_LO, lower_32_bits(ring->compl_dma));
	maia_hw_ring_wr(ring, MAIA_RING_COMPL_HI, upper_32_bits(ring->compl_dma));
	maia_hw_ring_wr(ring, MAIA_RING_PRIORITY, ring->priority);
	maia_hw_ring_wr(ring, MAIA_RING_VECTOR, MAIA_VEC_RING(ring->index));
	maia_hw_ring_wr(ring, MAIA_RING_CTRL, MAIA_RING_CTRL_ENABLE);
}

static irqreturn_t maia_hw_ring_irq(int irq, void *arg)
{
	struct maia_hw_ring *ring = arg;

	ring->done(ring->data);
	return IRQ_HANDLED;
}

/**
 * maia_hw_ring_create() - set up a command ring
 * @core: the core
 * @index: ring number, below maia_core_info()->num_rings
 * @order: log2 of the ring entries
 * @priority: 0..MAIA_RING_PRIORITY_MAX
 * @done: called in hard interrupt context when the ring signals
 * @data: argument of @done
 *
 * Context: process context.
 * Return: the ring or an ERR_PTR().
 */
struct maia_hw_ring *maia_hw_ring_create(struct maia_core *core,
					 unsigned int index,
					 unsigned int order,
					 unsigned int priority,
					 void (*done)(void *data), void *data)
{
	struct device *dev = &core->pdev->dev;
	struct maia_hw_ring *ring;
	int ret;

	if (index >= core->info.num_rings || order < MAIA_RING_ORDER_MIN ||
	    order > MAIA_RING_ORDER_MAX || priority > MAIA_RING_PRIORITY_MAX)
		return ERR_PTR(-EINVAL);

	ring = kzalloc(sizeof(*ring), GFP_KERNEL);
	if (!ring)
		return ERR_PTR(-ENOMEM);
	ring->core = core;
	ring->index = index;
	ring->order = order;
	ring->priority = priority;
	ring->done = done;
	ring->data = data;
	spin_lock_init(&ring->lock);

	ring->desc = dma_alloc_coherent(dev, sizeof(*ring->desc) << order,
					&ring->desc_dma, GFP_KERNEL);
	if (!ring->desc) {
		ret = -ENOMEM;
		goto err_free;
	}
	ring->compl = dma_alloc_coherent(dev, sizeof(*ring->compl),
					 &ring->compl_dma, GFP_KERNEL);
	if (!ring->compl) {
		ret = -ENOMEM;
		goto err_ring;
	}
	ring->regs = core->regs + MAIA_RING_REG(index, 0);
	ring->doorbell = core->regs + MAIA_DOORBELL(index);
	ring->irq = pci_irq_vector(core->pdev, MAIA_VEC_RING(index));
	ret = request_irq(ring->irq, maia_hw_ring_irq, 0, "maia-ring", ring);
	if (ret)
		goto err_compl;

	spin_lock_irq(&ring->lock);
	maia_hw_ring_program(ring);
	spin_unlock_irq(&ring->lock);
	return ring;

err_compl:
	dma_free_coherent(dev, sizeof(*ring->compl), ring->compl, ring->compl_dma);
err_ring:
	dma_free_coherent(dev, sizeof(*ring->desc) << order, ring->desc, ring->desc_dma);
err_free:
	kfree(ring);
	return ERR_PTR(ret);
}
EXPORT_SYMBOL_NS_GPL(maia_hw_ring_create, MAIA_CORE);

/**
 * maia_hw_ring_destroy() - stop a ring and free it
 * @ring: the ring; pending jobs are abandoned
 */
void maia_hw_ring_destroy(struct maia_hw_ring *ring)
{
	struct device *dev = &ring->core->pdev->dev;

	maia_hw_ring_stop(ring);
	free_irq(ring->irq, ring);
	dma_free_coherent(dev, sizeof(*ring->compl), ring->compl, ring->compl_dma);
	dma_free_coherent(dev, sizeof(*ring->desc) << ring->order, ring->desc,
			  ring->desc_dma);
	kfree(ring);
}
EXPORT_SYMBOL_NS_GPL(maia_hw_ring_destroy, MAIA_CORE);

/**
 * maia_hw_ring_push() - append a job and ring the doorbell
 * @ring: the ring
 * @job: what to run
 *
 * The caller guarantees a free slot (at most 2^order - 1 jobs in flight).
 * Context: any; takes a spinlock with interrupts disabled.
 */
void maia_hw_ring_push(struct maia_hw_ring *ring, const struct maia_hw_ring_job *job)
{
	struct maia_job_desc *desc;
	unsigned long flags;

	spin_lock_irqsave(&ring->lock, flags);
	desc = &ring->desc[ring->tail & ((1u << ring->order) - 1)];
	desc->ib_addr = cpu_to_le64(job->ib_addr);
	desc->ib_count = cpu_to_le32(job->ib_count);
	desc->flags = cpu_to_le32(MAIA_JOB_FLAG_IRQ);
	desc->seq = cpu_to_le64(job->seq);
	desc->asid = cpu_to_le32(job->asid);
	desc->reserved = 0;
	ring->tail = (ring->tail + 1) & ((1u << ring->order) - 1);
	/* writel orders the descriptor stores before the doorbell */
	writel(ring->tail, ring->doorbell);
	spin_unlock_irqrestore(&ring->lock, flags);
}
EXPORT_SYMBOL_NS_GPL(maia_hw_ring_push, MAIA_CORE);

/**
 * maia_hw_ring_completion() - read the completion record and ring state
 * @ring: the ring
 * @c: filled with the last completion
 */
void maia_hw_ring_completion(struct maia_hw_ring *ring, struct maia_hw_ring_completion *c)
{
	/* The record is written before the interrupt; order the reads after it. */
	dma_rmb();
	c->seq = le64_to_cpu(READ_ONCE(ring->compl->seq));
	c->status = le32_to_cpu(READ_ONCE(ring->compl->status));
	c->err_index = le32_to_cpu(READ_ONCE(ring->compl->err_index));
	c->err_addr = le64_to_cpu(READ_ONCE(ring->compl->err_addr));
	c->status_reg = maia_hw_ring_rd(ring, MAIA_RING_STATUS);
}
EXPORT_SYMBOL_NS_GPL(maia_hw_ring_completion, MAIA_CORE);

/**
 * maia_hw_ring_resume() - continue after a job error
 * @ring: a ring in MAIA_RING_STATE_ERROR; runs the jobs after the failed one
 */
void maia_hw_ring_resume(struct maia_hw_ring *ring)
{
	unsigned long flags;

	spin_lock_irqsave(&ring->lock, flags);
	maia_hw_ring_wr(ring, MAIA_RING_CTRL, MAIA_RING_CTRL_ENABLE);
	spin_unlock_irqrestore(&ring->lock, flags);
}
EXPORT_SYMBOL_NS_GPL(maia_hw_ring_resume, MAIA_CORE);

/**
 * maia_hw_ring_reset() - abort everything and restart with an empty ring
 * @ring: the ring
 *
 * The caller re-pushes the jobs it still wants run.
 */
void maia_hw_ring_reset(struct maia_hw_ring *ring)
{
	unsigned long flags;

	spin_lock_irqsave(&ring->lock, flags);
	maia_hw_ring_program(ring);
	spin_unlock_irqrestore(&ring->lock, flags);
}
EXPORT_SYMBOL_NS_GPL(maia_hw_ring_reset, MAIA_CORE);

/**
 * maia_hw_ring_inject_hang() - debug: make the ring stop making progress
 * @ring: the ring
 */
void maia_hw_ring_inject_hang(struct maia_hw_ring *ring)
{
	maia_hw_ring_wr(ring, MAIA_RING_DBG_HANG, 1);
}
EXPORT_SYMBOL_NS_GPL(maia_hw_ring_inject_hang, MAIA_CORE);

/**
 * maia_hw_ring_stats() - counters of a ring
 * @ring: the ring
 * @busy_ns: time the engine spent on this ring's jobs
 * @jobs: jobs retired
 * @faults: jobs failed
 */
void maia_hw_ring_stats(struct maia_hw_ring *ring, u64 *busy_ns, u32 *jobs, u32 *faults)
{
	*busy_ns = maia_hw_ring_rd(ring, MAIA_RING_BUSY_NS_LO) |
		   (u64)maia_hw_ring_rd(ring, MAIA_RING_BUSY_NS_HI) << 32;
	*jobs = maia_hw_ring_rd(ring, MAIA_RING_JOBS_DONE);
	*faults = maia_hw_ring_rd(ring, MAIA_RING_FAULTS);
}
EXPORT_SYMBOL_NS_GPL(maia_hw_ring_stats, MAIA_CORE);

/**
 * maia_hw_ring_index() - the ring number
 * @ring: the ring
 *
 * Return: the index given to maia_hw_ring_create().
 */
unsigned int maia_hw_ring_index(struct maia_hw_ring *ring)
{
	return ring->index;
}
EXPORT_SYMBOL_NS_GPL(maia_hw_ring_index, MAIA_CORE);
