// SPDX-License-Identifier: GPL-2.0
/*
 * maia_core hardware command queues: rings of job descriptors in coherent
 * host memory, a doorbell per queue, a completion record the device writes
 * before it raises the queue's MSI-X vector.
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
 * struct maia_hwq - one hardware command queue
 * @core: owning core
 * @index: queue number
 * @order: log2 of the ring entries
 * @priority: hardware priority
 * @ring: ring memory (CPU view)
 * @ring_dma: ring bus address
 * @compl: completion record (CPU view)
 * @compl_dma: completion record bus address
 * @lock: protects @tail and the queue registers
 * @tail: next ring slot to fill
 * @irq: Linux interrupt of the queue's vector
 * @done: completion callback, hard interrupt context
 * @data: argument of @done
 */
struct maia_hwq {
	struct maia_core *core;
	unsigned int index;
	unsigned int order;
	unsigned int priority;
	u8 *ring;
	dma_addr_t ring_dma;
	u8 *compl;
	dma_addr_t compl_dma;
	spinlock_t lock; /* tail, registers */
	u32 tail;
	int irq;
	void (*done)(void *data);
	void *data;
};

static void maia_hwq_write(struct maia_hwq *q, u32 reg, u32 val)
{
	maia_core_write(q->core, MAIA_QUEUE_REG(q->index, reg), val);
}

static u32 maia_hwq_read(struct maia_hwq *q, u32 reg)
{
	return maia_core_read(q->core, MAIA_QUEUE_REG(q->index, reg));
}

/* Program an empty ring and enable the queue. Caller holds q->lock. */
static void maia_hwq_program(struct maia_hwq *q)
{
	memset(q->compl, 0, MAIA_COMPL_SIZE);
	q->tail = 0;
	maia_hwq_write(q, MAIA_Q_CTRL, MAIA_Q_CTRL_RESET);
	maia_hwq_write(q, MAIA_Q_RING_LO, lower_32_bits(q->ring_dma));
	maia_hwq_write(q, MAIA_Q_RING_HI, upper_32_bits(q->ring_dma));
	maia_hwq_write(q, MAIA_Q_RING_ORDER, q->order);
	maia_hwq_write(q, MAIA_Q_COMPL_LO, lower_32_bits(q->compl_dma));
	maia_hwq_write(q, MAIA_Q_COMPL_HI, upper_32_bits(q->compl_dma));
	maia_hwq_write(q, MAIA_Q_PRIORITY, q->priority);
	maia_hwq_write(q, MAIA_Q_VECTOR, MAIA_VEC_QUEUE_BASE + q->index);
	maia_hwq_write(q, MAIA_Q_CTRL, MAIA_Q_CTRL_ENABLE);
}

static irqreturn_t maia_hwq_irq(int irq, void *arg)
{
	struct maia_hwq *q = arg;

	q->done(q->data);
	return IRQ_HANDLED;
}

/**
 * maia_hwq_create() - set up a hardware queue
 * @core: the core
 * @index: queue number, below maia_core_info()->num_queues
 * @order: log2 of the ring entries
 * @priority: 0..MAIA_Q_PRIORITY_MAX
 * @done: called in hard interrupt context when the queue signals
 * @data: argument of @done
 *
 * Context: process context.
 * Return: the queue or an ERR_PTR().
 */
struct maia_hwq *maia_hwq_create(struct maia_core *core, unsigned int index,
				 unsigned int order, unsigned int priority,
				 void (*done)(void *data), void *data)
{
	struct device *dev = &core->pdev->dev;
	struct maia_hwq *q;
	int ret;

	if (index >= core->info.num_queues || order < MAIA_Q_RING_ORDER_MIN ||
	    order > MAIA_Q_RING_ORDER_MAX || priority > MAIA_Q_PRIORITY_MAX)
		return ERR_PTR(-EINVAL);

	q = kzalloc(sizeof(*q), GFP_KERNEL);
	if (!q)
		return ERR_PTR(-ENOMEM);
	q->core = core;
	q->index = index;
	q->order = order;
	q->priority = priority;
	q->done = done;
	q->data = data;
	spin_lock_init(&q->lock);

	q->ring = dma_alloc_coherent(dev, MAIA_JOB_DESC_SIZE << order,
				     &q->ring_dma, GFP_KERNEL);
	if (!q->ring) {
		ret = -ENOMEM;
		goto err_free;
	}
	q->compl = dma_alloc_coherent(dev, MAIA_COMPL_SIZE, &q->compl_dma,
				      GFP_KERNEL);
	if (!q->compl) {
		ret = -ENOMEM;
		goto err_ring;
	}
	q->irq = pci_irq_vector(core->pdev, MAIA_VEC_QUEUE_BASE + index);
	ret = request_irq(q->irq, maia_hwq_irq, 0, "maia-queue", q);
	if (ret)
		goto err_compl;

	spin_lock_irq(&q->lock);
	maia_hwq_program(q);
	spin_unlock_irq(&q->lock);
	return q;

err_compl:
	dma_free_coherent(dev, MAIA_COMPL_SIZE, q->compl, q->compl_dma);
err_ring:
	dma_free_coherent(dev, MAIA_JOB_DESC_SIZE << order, q->ring, q->ring_dma);
err_free:
	kfree(q);
	return ERR_PTR(ret);
}
EXPORT_SYMBOL_NS_GPL(maia_hwq_create, MAIA_CORE);

/**
 * maia_hwq_destroy() - stop a queue and free it
 * @q: the queue; pending jobs are abandoned
 */
void maia_hwq_destroy(struct maia_hwq *q)
{
	struct device *dev = &q->core->pdev->dev;

	maia_hwq_write(q, MAIA_Q_CTRL, MAIA_Q_CTRL_RESET);
	free_irq(q->irq, q);
	dma_free_coherent(dev, MAIA_COMPL_SIZE, q->compl, q->compl_dma);
	dma_free_coherent(dev, MAIA_JOB_DESC_SIZE << q->order, q->ring,
			  q->ring_dma);
	kfree(q);
}
EXPORT_SYMBOL_NS_GPL(maia_hwq_destroy, MAIA_CORE);

/**
 * maia_hwq_push() - append a job and ring the doorbell
 * @q: the queue
 * @job: what to run
 *
 * The caller guarantees a free slot (at most 2^order - 1 jobs in flight).
 * Context: any; takes a spinlock with interrupts disabled.
 */
void maia_hwq_push(struct maia_hwq *q, const struct maia_hwq_job *job)
{
	unsigned long flags;
	u8 *desc;

	spin_lock_irqsave(&q->lock, flags);
	desc = q->ring + (q->tail & ((1u << q->order) - 1)) * MAIA_JOB_DESC_SIZE;
	*(__le64 *)(desc + MAIA_JOB_IB_ADDR) = cpu_to_le64(job->ib_addr);
	*(__le32 *)(desc + MAIA_JOB_IB_COUNT) = cpu_to_le32(job->ib_count);
	*(__le32 *)(desc + MAIA_JOB_FLAGS) = cpu_to_le32(MAIA_JOB_FLAG_IRQ);
	*(__le64 *)(desc + MAIA_JOB_SEQ) = cpu_to_le64(job->seq);
	*(__le32 *)(desc + MAIA_JOB_ASID) = cpu_to_le32(job->asid);
	*(__le32 *)(desc + MAIA_JOB_RESERVED) = 0;
	q->tail = (q->tail + 1) & ((1u << q->order) - 1);
	/* The descriptor must be visible before the doorbell. */
	dma_wmb();
	maia_core_write(q->core, MAIA_DOORBELL(q->index), q->tail);
	spin_unlock_irqrestore(&q->lock, flags);
}
EXPORT_SYMBOL_NS_GPL(maia_hwq_push, MAIA_CORE);

/**
 * maia_hwq_completion() - read the completion record and queue state
 * @q: the queue
 * @c: filled with the last completion
 */
void maia_hwq_completion(struct maia_hwq *q, struct maia_hwq_completion *c)
{
	/* The record is written before the interrupt; order the reads after it. */
	dma_rmb();
	c->seq = le64_to_cpu(READ_ONCE(*(__le64 *)(q->compl + MAIA_COMPL_SEQ)));
	c->status = le32_to_cpu(READ_ONCE(*(__le32 *)(q->compl + MAIA_COMPL_STATUS)));
	c->err_index = le32_to_cpu(READ_ONCE(*(__le32 *)(q->compl +
							  MAIA_COMPL_ERR_INDEX)));
	c->err_addr = le64_to_cpu(READ_ONCE(*(__le64 *)(q->compl +
							 MAIA_COMPL_ERR_ADDR)));
	c->state = maia_hwq_read(q, MAIA_Q_STATUS);
}
EXPORT_SYMBOL_NS_GPL(maia_hwq_completion, MAIA_CORE);

/**
 * maia_hwq_resume() - continue after a job error
 * @q: a queue in MAIA_Q_STATE_ERROR; runs the jobs after the failed one
 */
void maia_hwq_resume(struct maia_hwq *q)
{
	unsigned long flags;

	spin_lock_irqsave(&q->lock, flags);
	maia_hwq_write(q, MAIA_Q_CTRL, MAIA_Q_CTRL_ENABLE);
	spin_unlock_irqrestore(&q->lock, flags);
}
EXPORT_SYMBOL_NS_GPL(maia_hwq_resume, MAIA_CORE);

/**
 * maia_hwq_reset() - abort everything and restart with an empty ring
 * @q: the queue
 *
 * The caller re-pushes the jobs it still wants run.
 */
void maia_hwq_reset(struct maia_hwq *q)
{
	unsigned long flags;

	spin_lock_irqsave(&q->lock, flags);
	maia_hwq_program(q);
	spin_unlock_irqrestore(&q->lock, flags);
}
EXPORT_SYMBOL_NS_GPL(maia_hwq_reset, MAIA_CORE);

/**
 * maia_hwq_inject_hang() - debug: make the queue stop making progress
 * @q: the queue
 */
void maia_hwq_inject_hang(struct maia_hwq *q)
{
	maia_hwq_write(q, MAIA_Q_HANG, 1);
}
EXPORT_SYMBOL_NS_GPL(maia_hwq_inject_hang, MAIA_CORE);

/**
 * maia_hwq_stats() - counters of a queue
 * @q: the queue
 * @busy_ns: time the engine spent on this queue's jobs
 * @jobs: jobs retired
 * @faults: jobs failed
 */
void maia_hwq_stats(struct maia_hwq *q, u64 *busy_ns, u32 *jobs, u32 *faults)
{
	*busy_ns = maia_hwq_read(q, MAIA_Q_BUSY_NS_LO) |
		   (u64)maia_hwq_read(q, MAIA_Q_BUSY_NS_HI) << 32;
	*jobs = maia_hwq_read(q, MAIA_Q_JOBS_DONE);
	*faults = maia_hwq_read(q, MAIA_Q_FAULTS);
}
EXPORT_SYMBOL_NS_GPL(maia_hwq_stats, MAIA_CORE);

/**
 * maia_hwq_index() - the queue number
 * @q: the queue
 *
 * Return: the index given to maia_hwq_create().
 */
unsigned int maia_hwq_index(struct maia_hwq *q)
{
	return q->index;
}
EXPORT_SYMBOL_NS_GPL(maia_hwq_index, MAIA_CORE);
