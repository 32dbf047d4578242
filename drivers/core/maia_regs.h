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
#define  MAIA_COMPL_ERR_DESCRIPTOR	0xffffffffu	/* the descriptor itself */
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

/*
 * Optical ports (CAPS.LINK): one 4 KiB block per port at MAIA_PORT_REG(p, 0),
 * 0x8000 + p * 0x1000. Offsets below are relative to the block. 64-bit
 * registers (statistics, FEC counters) may be read with one 8-byte access
 * or as LO/HI words (no latching: re-read HI to detect a carry).
 * Documentation/hw-reference.rst "Optical ports" is the prose version.
 */
#define MAIA_REG_PORT_BASE		0x8000
#define MAIA_PORT_STRIDE		0x1000
#define MAIA_PORT_REG(p, r)		(MAIA_REG_PORT_BASE + \
					 (p) * MAIA_PORT_STRIDE + (r))
#define MAIA_VEC_PORT(p, q)		(MAIA_VEC_PORT_BASE + \
					 (p) * MAIA_PORT_QPAIRS + (q))
#define MAIA_PORT_LANES_MAX		32
#define MAIA_LANE_RATE_DEFAULT		25000	/* Mb/s */

/* Port control and link status */
#define MAIA_P_CTRL			0x000
#define  MAIA_P_CTRL_ENABLE		(1u << 0)	/* MAC + transmitters on */
#define  MAIA_P_CTRL_LOOPBACK		(1u << 1)	/* TX comes back to RX */
#define  MAIA_P_CTRL_RESET		(1u << 2)	/* self-clearing */
#define  MAIA_P_CTRL_RSC		(1u << 3)	/* receive coalescing */
#define MAIA_P_STATUS			0x004	/* RO */
#define  MAIA_P_STATUS_UP		(1u << 0)
#define  MAIA_P_STATUS_STATE_SHIFT	4
#define  MAIA_P_STATUS_STATE_MASK	0xf
#define  MAIA_P_STATUS_REASON_SHIFT	8
#define  MAIA_P_STATUS_REASON_MASK	0xff
#define  MAIA_P_STATUS_LANES_SHIFT	16	/* active lanes */
#define  MAIA_P_STATUS_LANES_MASK	0xff
#define  MAIA_LINK_STATE_DOWN		0
#define  MAIA_LINK_STATE_TRAINING	1
#define  MAIA_LINK_STATE_UP		2
#define  MAIA_LINK_DOWN_NONE		0	/* link is up */
#define  MAIA_LINK_DOWN_DISABLED	1	/* P_CTRL.ENABLE clear */
#define  MAIA_LINK_DOWN_NO_PEER		2	/* nothing attached, fiber out */
#define  MAIA_LINK_DOWN_NO_SIGNAL	3	/* no light from the far end */
#define  MAIA_LINK_DOWN_TRAINING	4	/* training failed */
#define  MAIA_LINK_DOWN_ERRORS		5	/* too many errors on all lanes */
#define  MAIA_LINK_DOWN_OVERTEMP	6	/* transmitters shut down */
#define MAIA_P_SPEED			0x008	/* RO: Mb/s, 0 when down */
#define MAIA_P_LANES_ACTIVE		0x00c	/* RO: lanes carrying data */
#define MAIA_P_LANES_LOCAL		0x010	/* RO: lanes usable at this end */
#define MAIA_P_LANES_PEER		0x014	/* RO: lanes the peer offers */
#define MAIA_P_LANE_RATE		0x018	/* RO: Mb/s per lane */
#define MAIA_P_LANE_LIMIT		0x01c	/* RW: max lanes, 0 = all */
#define MAIA_P_FEC			0x020	/* RW */
#define  MAIA_FEC_OFF			0
#define  MAIA_FEC_RS			1	/* RS(544,514), the default */
#define MAIA_P_MAX_FRAME		0x024	/* RW: bytes without FCS */
#define  MAIA_MAX_FRAME_MIN		64
#define  MAIA_MAX_FRAME_MAX		9216
#define  MAIA_MAX_FRAME_DEFAULT		1518
#define MAIA_P_LINK_UPS			0x028	/* RO */
#define MAIA_P_LINK_DOWNS		0x02c	/* RO */
#define MAIA_P_INT_CAUSE		0x030	/* W1C */
#define MAIA_P_INT_MASK			0x034	/* 1 = signal on queue pair 0 */
#define  MAIA_P_INT_LINK		(1u << 0)	/* link state/speed change */
#define  MAIA_P_INT_MODULE		(1u << 1)	/* module alarm change */
#define MAIA_P_EVT_LO			0x038	/* event record address */
#define MAIA_P_EVT_HI			0x03c
#define MAIA_P_PEER_SERIAL_LO		0x040	/* RO: from training frames */
#define MAIA_P_PEER_SERIAL_HI		0x044
#define MAIA_P_PEER_PORT		0x048	/* RO */
#define MAIA_P_QPAIRS			0x04c	/* RO: MAIA_PORT_QPAIRS */
#define MAIA_P_TEMP_MC			0x050	/* RO: module temperature */
#define MAIA_P_TRAININGS		0x054	/* RO: training attempts */

/* Event record (MAIA_EVT_SIZE bytes at P_EVT), written on every link event */
#define MAIA_EVT_SEQ			0x00	/* u32, +1 per event */
#define MAIA_EVT_STATUS			0x04	/* u32, P_STATUS */
#define MAIA_EVT_SPEED			0x08	/* u32, P_SPEED */
#define MAIA_EVT_LANES			0x0c	/* u32, P_LANES_ACTIVE */
#define MAIA_EVT_SIZE			16

/* Receive-side scaling: Toeplitz hash, indirection table of queue pairs */
#define MAIA_P_RSS_CTRL			0x080
#define  MAIA_RSS_ENABLE		(1u << 0)
#define  MAIA_RSS_IPV4			(1u << 1)	/* addresses */
#define  MAIA_RSS_TCP4			(1u << 2)	/* addresses + ports */
#define  MAIA_RSS_UDP4			(1u << 3)
#define  MAIA_RSS_IPV6			(1u << 4)
#define  MAIA_RSS_TCP6			(1u << 5)
#define  MAIA_RSS_UDP6			(1u << 6)
#define  MAIA_RSS_ALL			0x7f
#define MAIA_P_RSS_KEY(i)		(0x0c0 + (i) * 4)	/* byte 4i in 7:0 */
#define  MAIA_RSS_KEY_SIZE		40
#define MAIA_P_RSS_INDIR(i)		(0x100 + (i) * 4)	/* entry 4i in 7:0 */
#define  MAIA_RSS_INDIR_SIZE		128

/* MAC statistics: 64-bit counters, MAIA_P_STAT(MAIA_STAT_*) */
#define MAIA_P_STAT(i)			(0x200 + (i) * 8)
#define  MAIA_STAT_TX_FRAMES		0
#define  MAIA_STAT_TX_BYTES		1
#define  MAIA_STAT_RX_FRAMES		2
#define  MAIA_STAT_RX_BYTES		3
#define  MAIA_STAT_RX_FCS_ERRORS	4	/* lost to uncorrectable FEC */
#define  MAIA_STAT_RX_OVERSIZE		5	/* longer than P_MAX_FRAME */
#define  MAIA_STAT_RX_UNDERSIZE		6	/* shorter than 14 bytes */
#define  MAIA_STAT_RX_NO_QUEUE		7	/* hashed to a disabled queue */
#define  MAIA_STAT_RX_LINK_DOWN		8
#define  MAIA_STAT_TX_LINK_DOWN		9
#define  MAIA_STAT_TX_BAD_DESC		10
#define  MAIA_STAT_RX_DMA_ERRORS	11
#define  MAIA_STAT_TX_DMA_ERRORS	12
#define  MAIA_STAT_RX_MCAST		13
#define  MAIA_STAT_RX_BCAST		14
#define  MAIA_STAT_TX_MCAST		15
#define  MAIA_STAT_TX_BCAST		16
#define  MAIA_STAT_TX_TSO		17	/* TSO packets segmented */
#define  MAIA_STAT_TX_TSO_SEGS		18
#define  MAIA_STAT_TX_CSUM		19	/* checksums inserted */
#define  MAIA_STAT_RX_CSUM_OK		20
#define  MAIA_STAT_RX_CSUM_BAD		21
#define  MAIA_STAT_FEC_CORRECTED	22	/* codewords, all lanes */
#define  MAIA_STAT_FEC_UNCORRECTABLE	23
#define  MAIA_STAT_FEC_CORRECTED_BITS	24
#define  MAIA_STAT_TX_TRAINING		25	/* training frames */
#define  MAIA_STAT_RX_TRAINING		26
#define  MAIA_STAT_RX_BACKPRESSURE	27	/* frames held: no buffers */
#define  MAIA_STAT_TX_OVERSIZE		28
#define  MAIA_STAT_RX_RSC		29	/* coalesced frames given */
#define  MAIA_STAT_RX_RSC_SEGS		30	/* segments in them */
#define  MAIA_STAT_RX_HIST		32	/* 9 bins, MAIA_RMON_* */
#define  MAIA_STAT_TX_HIST		48	/* 9 bins */
#define  MAIA_STAT_COUNT		64
/*
 * RMON frame-size bins, sizes counting the FCS: 64, 65-127, 128-255,
 * 256-511, 512-1023, 1024-1518, 1519-2047, 2048-4095, 4096-9220.
 */
#define MAIA_RMON_BINS			9

/* Queue pairs: MAIA_P_QP(q, MAIA_TXQ_* / MAIA_RXQ_* / MAIA_QP_*) */
#define MAIA_P_QP(q, r)			(0x400 + (q) * 0x80 + (r))
#define MAIA_TXQ_RING_LO		0x00
#define MAIA_TXQ_RING_HI		0x04
#define MAIA_TXQ_SIZE			0x08	/* entries, power of two */
#define MAIA_TXQ_HEAD			0x0c	/* RO: next to fetch */
#define MAIA_TXQ_TAIL			0x10	/* doorbell: producer index */
#define MAIA_TXQ_WB_LO			0x14	/* HEAD write-back address */
#define MAIA_TXQ_WB_HI			0x18
#define MAIA_TXQ_CTRL			0x1c
#define MAIA_RXQ_RING_LO		0x20
#define MAIA_RXQ_RING_HI		0x24
#define MAIA_RXQ_SIZE			0x28
#define MAIA_RXQ_HEAD			0x2c	/* RO */
#define MAIA_RXQ_TAIL			0x30	/* doorbell */
#define MAIA_RXQ_BUF_LEN		0x34	/* bytes per buffer */
#define MAIA_RXQ_CTRL			0x3c
#define  MAIA_Q_ENABLE			(1u << 0)
#define  MAIA_Q_ERROR			(1u << 1)	/* RO: stopped on DMA error */
#define MAIA_QP_IRQ_ARM			0x40	/* WO: 1 arms the vector */
#define MAIA_QP_RX_USECS		0x44	/* moderation */
#define MAIA_QP_RX_FRAMES		0x48
#define MAIA_QP_TX_USECS		0x4c
#define MAIA_QP_TX_FRAMES		0x50
#define MAIA_QP_IRQS			0x54	/* RO: messages sent */
#define MAIA_RING_MIN			64
#define MAIA_RING_MAX			4096
#define MAIA_RX_BUF_MIN			256
#define MAIA_RX_BUF_MAX			16384
#define MAIA_COALESCE_USECS_MAX		10000
#define MAIA_COALESCE_FRAMES_MAX	1024

/* TX descriptor (little endian); offload fields count in the first one */
#define MAIA_TXD_SIZE			32
#define MAIA_TXD_ADDR			0x00	/* u64 */
#define MAIA_TXD_LEN			0x08	/* u32, 1..65535 */
#define MAIA_TXD_FLAGS			0x0c	/* u32 */
#define  MAIA_TXD_EOP			(1u << 0)	/* last of the packet */
#define  MAIA_TXD_CSUM			(1u << 1)	/* insert L4 checksum */
#define  MAIA_TXD_TSO			(1u << 2)	/* segment TCP */
#define MAIA_TXD_CSUM_START		0x10	/* u16, from frame start */
#define MAIA_TXD_CSUM_OFFSET		0x12	/* u16, from CSUM_START */
#define MAIA_TXD_MSS			0x14	/* u16 */
#define MAIA_TXD_HDR_LEN		0x16	/* u16, L2 + L3 + TCP */
#define MAIA_TXD_L3_OFFSET		0x18	/* u16 */
#define MAIA_TXD_L4_OFFSET		0x1a	/* u16 */
#define MAIA_TXD_RSVD			0x1c	/* u32, zero */
#define MAIA_TX_MAX_PACKET		(65536 + 512)
#define MAIA_TX_MAX_DESCS		64	/* per packet */

/* RX descriptor: the driver writes ADDR and zeroes the rest ... */
#define MAIA_RXD_SIZE			16
#define MAIA_RXD_ADDR			0x00	/* u64 */
/* ... the device writes back HASH, INFO, LEN, then STATUS */
#define MAIA_RXD_HASH			0x00	/* u32, on the EOP buffer */
#define MAIA_RXD_INFO			0x04	/* u32 */
#define  MAIA_RXD_INFO_HASH_MASK	0xf
#define  MAIA_HASH_NONE			0
#define  MAIA_HASH_IPV4			1
#define  MAIA_HASH_TCP4			2
#define  MAIA_HASH_UDP4			3
#define  MAIA_HASH_IPV6			4
#define  MAIA_HASH_TCP6			5
#define  MAIA_HASH_UDP6			6
#define  MAIA_RXD_INFO_SEGS_SHIFT	8	/* RSC: TCP segments merged */
#define  MAIA_RXD_INFO_SEGS_MASK	0xff	/* 0: not coalesced */
#define MAIA_RXD_LEN			0x08	/* u32, bytes in this buffer */
#define MAIA_RXD_STATUS			0x0c	/* u32 */
#define  MAIA_RXD_DD			(1u << 0)	/* written back */
#define  MAIA_RXD_EOP			(1u << 1)	/* last buffer of frame */
#define  MAIA_RXD_CSUM_OK		(1u << 2)	/* L4 checksum good */
#define  MAIA_RXD_CSUM_BAD		(1u << 3)	/* L4 checksum wrong */
#define  MAIA_RXD_MSS_SHIFT		16	/* RSC: segment size */
#define MAIA_RSC_MAX_BUFS		16	/* buffers per coalesced frame */

/* Per-lane FEC counters: 64-bit, lane l at MAIA_P_FEC_LANE(l, MAIA_FECL_*) */
#define MAIA_P_FEC_LANE(l, r)		(0x800 + (l) * 0x18 + (r))
#define MAIA_FECL_CORRECTED		0x00
#define MAIA_FECL_UNCORRECTABLE		0x08
#define MAIA_FECL_CORRECTED_BITS	0x10

/* Module memory (CMIS layout): select a page, read the 256-byte window */
#define MAIA_P_MOD_PAGE			0xc00	/* bank << 8 | page */
#define MAIA_P_MOD_DATA			0xd00	/* 0x00-0x7f lower, 0x80-0xff page */
#define MAIA_MOD_WINDOW			256

/* Fault injection (debug): mirrors the port<p>-* QOM properties */
#define MAIA_P_DBG_LANE_KILL		0xe00	/* RW: 1 = lane dead */
#define MAIA_P_DBG_FIBER_PULLED		0xe04	/* RW: 1 = fiber out */
#define MAIA_P_DBG_LANE_SEL		0xe08	/* RW: lane for LANE_BER */
#define MAIA_P_DBG_LANE_BER		0xe0c	/* RW: BER in units of 1e-10 */
#define MAIA_P_DBG_TEMP_MC		0xe10	/* RW: module temperature */

#endif /* MAIA_REGS_H */
