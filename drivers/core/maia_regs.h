/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Maia accelerator: hardware register map.
 *
 * This header is the contract between the virtual device (qemu-device/, copied
 * into QEMU's tree by scripts/qemu-build.sh) and the Linux drivers. It holds
 * only constants so that both code bases can include it. The prose version
 * is Documentation/hw-reference.rst; keep the two in step.
 *
 * All registers are 32 bits, little endian, naturally aligned.
 */
#ifndef MAIA_REGS_H
#define MAIA_REGS_H

/* PCI identity (1af4:10f0-10ff is reserved for experimental devices) */
#define MAIA_PCI_VENDOR_ID		0x1af4
#define MAIA_PCI_DEVICE_ID		0x10f7
#define MAIA_PCI_REVISION		0x01
#define MAIA_PCI_CLASS_ACCEL		0x1200

#define MAIA_BAR_REGS			0
#define MAIA_BAR_HBM			2
#define MAIA_BAR_MSIX			4
#define MAIA_REGS_SIZE			0x10000

/* Identity block */
#define MAIA_REG_ID			0x0000
#define  MAIA_ID_MAGIC			0x4d414941	/* "MAIA" */
#define MAIA_REG_VERSION		0x0004
#define  MAIA_VERSION_MAJOR_SHIFT	16
#define  MAIA_VERSION_MINOR_MASK	0xffff
#define  MAIA_HW_VERSION_MAJOR		1
#define  MAIA_HW_VERSION_MINOR		0
#define MAIA_REG_CAPS			0x0008
#define  MAIA_CAP_HBM			(1u << 0)
#define  MAIA_CAP_ENGINE		(1u << 1)
#define  MAIA_CAP_MMU			(1u << 2)
#define  MAIA_CAP_LINK			(1u << 3)
#define MAIA_REG_CONFIG			0x000c
#define  MAIA_CONFIG_PORTS_SHIFT	0
#define  MAIA_CONFIG_QUEUES_SHIFT	8
#define  MAIA_CONFIG_LANES_SHIFT	16
#define  MAIA_CONFIG_VECTORS_SHIFT	24
#define  MAIA_CONFIG_FIELD_MASK		0xff
#define MAIA_REG_HBM_SIZE_LO		0x0010
#define MAIA_REG_HBM_SIZE_HI		0x0014
#define MAIA_REG_SERIAL_LO		0x0018
#define MAIA_REG_SERIAL_HI		0x001c

/* Control block */
#define MAIA_REG_SCRATCH		0x0020
#define MAIA_REG_RESET			0x0024
#define  MAIA_RESET_MAGIC		0x52534554	/* "RSET" */
#define MAIA_REG_STATUS			0x0028
#define  MAIA_STATUS_READY		(1u << 0)
#define  MAIA_STATUS_FATAL		(1u << 1)
#define MAIA_REG_RESET_COUNT		0x002c

/* Interrupt block: causes report on MSI-X vector MAIA_VEC_MISC */
#define MAIA_REG_INT_CAUSE		0x0030	/* write 1 to clear */
#define MAIA_REG_INT_MASK		0x0034	/* 1 = cause enabled */
#define  MAIA_INT_TEST			(1u << 0)
#define  MAIA_INT_MMU_FAULT		(1u << 1)
#define  MAIA_INT_QUEUE_ERROR		(1u << 2)
#define  MAIA_INT_LINK			(1u << 3)
#define  MAIA_INT_ALL			0xf
#define MAIA_REG_INT_TEST		0x0038	/* write a vector number */
#define MAIA_REG_INT_TEST_COUNT		0x003c

/* MSI-X vector layout */
#define MAIA_VEC_MISC			0
#define MAIA_VEC_QUEUE_BASE		1
#define MAIA_MAX_QUEUES			16
#define MAIA_VEC_PORT_BASE		(MAIA_VEC_QUEUE_BASE + MAIA_MAX_QUEUES)
#define MAIA_MAX_PORTS			4
#define MAIA_PORT_QPAIRS		4
#define MAIA_NUM_VECTORS		(MAIA_VEC_PORT_BASE + \
					 MAIA_MAX_PORTS * MAIA_PORT_QPAIRS)

/*
 * Command queues. Each queue is a ring of MAIA_JOB_DESC_SIZE job descriptors
 * in memory the device reads by DMA (bus addresses, not translated by the
 * device MMU). A job points at an indirect buffer (IB) of engine commands
 * in the job's device address space (ASID in the descriptor), so one ring
 * can carry jobs of several address spaces.
 *
 * On a job error the queue writes the completion record with the failing
 * job's seq and status, enters MAIA_Q_STATE_ERROR with HEAD past the failed
 * job, and raises its vector and INT_CAUSE.QUEUE_ERROR. Writing
 * MAIA_Q_CTRL_ENABLE again resumes from HEAD. MAIA_Q_CTRL_RESET aborts
 * the running job and empties the ring (HEAD = TAIL = 0, disabled).
 */
#define MAIA_REG_QUEUE_BASE		0x1000
#define MAIA_QUEUE_STRIDE		0x40
#define MAIA_QUEUE_REG(q, r)		(MAIA_REG_QUEUE_BASE + \
					 (q) * MAIA_QUEUE_STRIDE + (r))
#define MAIA_Q_RING_LO			0x00
#define MAIA_Q_RING_HI			0x04
#define MAIA_Q_RING_ORDER		0x08	/* log2 entries, 2..16 */
#define  MAIA_Q_RING_ORDER_MIN		2
#define  MAIA_Q_RING_ORDER_MAX		16
#define MAIA_Q_HEAD			0x0c	/* RO: next entry to fetch */
#define MAIA_Q_TAIL			0x10	/* RO: last doorbell value */
#define MAIA_Q_COMPL_LO			0x14
#define MAIA_Q_COMPL_HI			0x18
#define MAIA_Q_FAULTS			0x1c	/* RO: jobs that failed */
#define MAIA_Q_PRIORITY			0x20	/* 0 (low) .. 3 (high) */
#define  MAIA_Q_PRIORITY_MAX		3
#define MAIA_Q_VECTOR			0x24
#define MAIA_Q_CTRL			0x28
#define  MAIA_Q_CTRL_ENABLE		(1u << 0)
#define  MAIA_Q_CTRL_RESET		(1u << 1)	/* self-clearing */
#define MAIA_Q_STATUS			0x2c	/* RO */
#define  MAIA_Q_STATE_MASK		0xf
#define  MAIA_Q_STATE_DISABLED		0
#define  MAIA_Q_STATE_RUNNING		1
#define  MAIA_Q_STATE_ERROR		2	/* stopped on a job error */
#define  MAIA_Q_STATE_HUNG		3	/* injected hang */
#define  MAIA_Q_STATUS_ERR_SHIFT	8	/* MAIA_JOB_* of the error */
#define MAIA_Q_BUSY_NS_LO		0x30
#define MAIA_Q_BUSY_NS_HI		0x34
#define MAIA_Q_HANG			0x38	/* debug: write 1 to hang */
#define MAIA_Q_JOBS_DONE		0x3c	/* RO: jobs retired */

/* Doorbells, one 32-bit register per queue: write the new tail index. */
#define MAIA_REG_DOORBELL_BASE		0x2000
#define MAIA_DOORBELL(q)		(MAIA_REG_DOORBELL_BASE + (q) * 4)

/* Job descriptor: one ring entry, little endian. */
#define MAIA_JOB_DESC_SIZE		32
#define MAIA_JOB_IB_ADDR		0x00	/* u64 device VA, 64-byte aligned */
#define MAIA_JOB_IB_COUNT		0x08	/* u32 commands in the IB */
#define MAIA_JOB_FLAGS			0x0c	/* u32 */
#define  MAIA_JOB_FLAG_IRQ		(1u << 0)
#define MAIA_JOB_SEQ			0x10	/* u64 written on completion */
#define MAIA_JOB_ASID			0x18	/* u32 address space of the IB */
#define MAIA_JOB_RESERVED		0x1c	/* u32, must be zero */
#define MAIA_JOB_MAX_IB_COUNT		65536

/* Completion record (32 bytes at Q_COMPL), written before the interrupt. */
#define MAIA_COMPL_SEQ			0x00	/* u64 last job completed */
#define MAIA_COMPL_STATUS		0x08	/* u32 MAIA_JOB_* of that job */
#define MAIA_COMPL_ERR_INDEX		0x0c	/* u32 failing command index */
#define MAIA_COMPL_ERR_ADDR		0x10	/* u64 faulting VA, if any */
#define MAIA_COMPL_TIMESTAMP		0x18	/* u64 device ns at completion */
#define MAIA_COMPL_SIZE			32

/* Job status codes */
#define MAIA_JOB_OK			0
#define MAIA_JOB_BAD_OPCODE		1
#define MAIA_JOB_BAD_ARGS		2	/* size, alignment, dims */
#define MAIA_JOB_MMU_FAULT		3
#define MAIA_JOB_DMA_ERROR		4	/* ring, IB or table DMA failed */
#define MAIA_JOB_ABORTED		5	/* queue reset while running */

/* Engine command format: uapi/drm/maia_cmd.h (shared with userspace). */

/*
 * Device MMU: 4-level tables of 512 64-bit entries (48-bit VA, 4 KiB
 * pages, 2 MiB blocks at level 2), read by DMA. One root per address space.
 */
#define MAIA_MAX_ASIDS			16
#define MAIA_VA_BITS			48
#define MAIA_REG_MMU_ROOT_BASE		0x3000	/* lo/hi pair per ASID */
#define MAIA_MMU_ROOT_LO(a)		(MAIA_REG_MMU_ROOT_BASE + (a) * 8)
#define MAIA_MMU_ROOT_HI(a)		(MAIA_REG_MMU_ROOT_BASE + (a) * 8 + 4)
#define  MAIA_MMU_ROOT_VALID		(1u << 0)
#define MAIA_REG_MMU_INV_ASID		0x3100
#define MAIA_REG_MMU_INV_START_LO	0x3104
#define MAIA_REG_MMU_INV_START_HI	0x3108
#define MAIA_REG_MMU_INV_SIZE_LO	0x310c
#define MAIA_REG_MMU_INV_SIZE_HI	0x3110
#define MAIA_REG_MMU_INV_CMD		0x3114	/* synchronous */
#define  MAIA_MMU_INV_RANGE		1
#define  MAIA_MMU_INV_ASID		2
#define  MAIA_MMU_INV_ALL		3
#define MAIA_REG_MMU_FAULT_ADDR_LO	0x3120
#define MAIA_REG_MMU_FAULT_ADDR_HI	0x3124
#define MAIA_REG_MMU_FAULT_INFO		0x3128
#define  MAIA_FAULT_ASID_MASK		0xf
#define  MAIA_FAULT_QUEUE_SHIFT		4
#define  MAIA_FAULT_QUEUE_MASK		0xf
#define  MAIA_FAULT_WRITE		(1u << 8)
#define  MAIA_FAULT_VALID		(1u << 9)
#define  MAIA_FAULT_OVERFLOW		(1u << 10)	/* a later fault lost */
#define  MAIA_FAULT_REASON_SHIFT	12
#define  MAIA_FAULT_REASON_MASK		0xf
#define  MAIA_FAULT_NOT_MAPPED		1
#define  MAIA_FAULT_PERMISSION		2
#define  MAIA_FAULT_TABLE_DMA		3
#define MAIA_REG_MMU_FAULT_CLEAR	0x312c	/* write 1 */
#define MAIA_REG_MMU_FAULT_COUNT	0x3130
#define MAIA_REG_MMU_TLB_HITS		0x3134
#define MAIA_REG_MMU_TLB_MISSES		0x3138

#define MAIA_PTE_VALID			(1ull << 0)
#define MAIA_PTE_READ			(1ull << 1)
#define MAIA_PTE_WRITE			(1ull << 2)
#define MAIA_PTE_LEAF			(1ull << 3)	/* page or block */
#define MAIA_PTE_HBM			(1ull << 4)	/* addr is an HBM offset */
#define MAIA_PTE_ADDR_MASK		0x000ffffffffff000ull
#define MAIA_PT_ENTRIES			512
#define MAIA_PAGE_SHIFT			12
#define MAIA_BLOCK_SHIFT		21

/* Telemetry */
#define MAIA_REG_TEMP_MC		0x4000	/* milli-degrees Celsius */
#define MAIA_REG_POWER_MW		0x4004	/* milliwatts */
#define MAIA_REG_UTIL_PCT		0x4008	/* engine busy, last 100 ms */
#define MAIA_REG_BUSY_NS_LO		0x400c
#define MAIA_REG_BUSY_NS_HI		0x4010
#define MAIA_REG_JOBS_LO		0x4014
#define MAIA_REG_JOBS_HI		0x4018

#endif /* MAIA_REGS_H */
