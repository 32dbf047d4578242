/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Maia accelerator: the hardware contract.
 *
 * This header is the only definition of the device's registers, register
 * fields, block geometry and in-memory records. The Linux drivers (drivers/)
 * and the device model (qemu-device/, copied into QEMU's tree by
 * scripts/qemu-build.sh) both include it; Documentation/hw-reference.rst is
 * the prose version and names the same things.
 *
 * Conventions (the model of Linux's fbnic_csr.h):
 *  - every register block is a base, a size and, for arrays, a stride and a
 *    count (MAIA_*_BASE / _SIZE / _STRIDE / MAIA_MAX_*);
 *  - registers of the blocks only the core owns (core, MMU, telemetry) are
 *    MAIA_REG_* BAR0 offsets; registers of arrayed blocks (command rings,
 *    ports, queue pairs, FEC lanes) are offsets inside one element of the
 *    array, used with its MAIA_*_REG()/MAIA_P_QP() accessor or with the
 *    register window maia_core hands out; a multi-bit field is a
 *    GENMASK() used with FIELD_GET()/FIELD_PREP() (the kernel's
 *    linux/bitfield.h; maia.h defines the same two for the model);
 *  - every record the device reads or writes in memory is a struct of
 *    little-endian fields with static_asserts on its size and offsets, so a
 *    layout change fails the build on both sides (scripts/contract-check.sh
 *    also compares the layouts the two compilers produce).
 *
 * All registers are 32 bits, little endian, naturally aligned; 64-bit
 * values are LO/HI pairs unless a block says otherwise.
 */
#ifndef MAIA_HW_H
#define MAIA_HW_H

#ifdef __KERNEL__
#include <linux/bits.h>
#include <linux/build_bug.h>
#include <linux/stddef.h>
#include <linux/types.h>

typedef u8 maia_u8;
typedef __le16 maia_le16;
typedef __le32 maia_le32;
typedef __le64 maia_le64;
#else
/* QEMU: qemu/osdep.h (stdint, stddef, assert.h, qemu/bitops.h) comes first. */
typedef uint8_t maia_u8;
typedef uint16_t maia_le16;
typedef uint32_t maia_le32;
typedef uint64_t maia_le64;
#ifndef BIT
#define BIT(n)			(1UL << (n))
#endif
#ifndef BIT_ULL
#define BIT_ULL(n)		(1ULL << (n))
#endif
#ifndef GENMASK
#define GENMASK(h, l)		((~0U >> (31 - (h))) & (~0U << (l)))
#endif
#ifndef GENMASK_ULL
#define GENMASK_ULL(h, l)	((~0ULL >> (63 - (h))) & (~0ULL << (l)))
#endif
#endif

/* ---------------------------------------------------------------------- */
/* PCI function */

/* 1af4:10f0-10ff is reserved for experimental devices */
#define MAIA_PCI_VENDOR_ID		0x1af4
#define MAIA_PCI_DEVICE_ID		0x10f7
#define MAIA_PCI_REVISION		0x01
#define MAIA_PCI_CLASS_ACCEL		0x1200

#define MAIA_BAR_REGS			0
#define MAIA_BAR_HBM			2
#define MAIA_BAR_MSIX			4
#define MAIA_REGS_SIZE			0x10000

/*
 * Limits of the design. A device reports what it has in CONFIG; these bound
 * every array indexed by a ring, port, queue pair, lane or address space.
 */
#define MAIA_MAX_RINGS			16
#define MAIA_MAX_PORTS			4
#define MAIA_PORT_QPAIRS		4
#define MAIA_PORT_LANES_MAX		32
#define MAIA_MAX_ASIDS			16

/* MSI-X vectors: misc, one per command ring, one per port queue pair */
#define MAIA_VEC_MISC			0
#define MAIA_VEC_RING_BASE		1
#define MAIA_VEC_RING(r)		(MAIA_VEC_RING_BASE + (r))
#define MAIA_VEC_PORT_BASE		(MAIA_VEC_RING_BASE + MAIA_MAX_RINGS)
#define MAIA_VEC_PORT(p, q)		(MAIA_VEC_PORT_BASE + \
					 (p) * MAIA_PORT_QPAIRS + (q))
#define MAIA_NUM_VECTORS		MAIA_VEC_PORT(MAIA_MAX_PORTS, 0)

/* ---------------------------------------------------------------------- */
/* Core block: identity, control and interrupts (owned by maia_core) */

#define MAIA_CORE_BASE			0x0000
#define MAIA_CORE_SIZE			0x1000

#define MAIA_REG_ID			0x0000
#define  MAIA_ID_MAGIC			0x4d414941	/* "MAIA" */
#define MAIA_REG_VERSION		0x0004
#define  MAIA_VERSION_MAJOR		GENMASK(31, 16)
#define  MAIA_VERSION_MINOR		GENMASK(15, 0)
#define  MAIA_HW_VERSION_MAJOR		1
#define  MAIA_HW_VERSION_MINOR		0
#define MAIA_REG_CAPS			0x0008
#define  MAIA_CAP_HBM			BIT(0)
#define  MAIA_CAP_ENGINE		BIT(1)
#define  MAIA_CAP_MMU			BIT(2)
#define  MAIA_CAP_LINK			BIT(3)
#define MAIA_REG_CONFIG			0x000c
#define  MAIA_CONFIG_PORTS		GENMASK(7, 0)
#define  MAIA_CONFIG_RINGS		GENMASK(15, 8)
#define  MAIA_CONFIG_LANES		GENMASK(23, 16)
#define  MAIA_CONFIG_VECTORS		GENMASK(31, 24)
#define MAIA_REG_HBM_SIZE_LO		0x0010
#define MAIA_REG_HBM_SIZE_HI		0x0014
#define MAIA_REG_SERIAL_LO		0x0018
#define MAIA_REG_SERIAL_HI		0x001c

#define MAIA_REG_SCRATCH		0x0020
#define MAIA_REG_RESET			0x0024
#define  MAIA_RESET_MAGIC		0x52534554	/* "RSET" */
#define MAIA_REG_STATUS			0x0028
#define  MAIA_STATUS_READY		BIT(0)
#define  MAIA_STATUS_FATAL		BIT(1)
#define MAIA_REG_RESET_COUNT		0x002c

/* Causes report on MSI-X vector MAIA_VEC_MISC */
#define MAIA_REG_INT_CAUSE		0x0030	/* W1C */
#define MAIA_REG_INT_MASK		0x0034	/* 1 = cause enabled */
#define  MAIA_INT_TEST			BIT(0)
#define  MAIA_INT_MMU_FAULT		BIT(1)
#define  MAIA_INT_RING_ERROR		BIT(2)
#define  MAIA_INT_LINK			BIT(3)
#define  MAIA_INT_ALL			GENMASK(3, 0)
#define MAIA_REG_INT_TEST		0x0038	/* WO: a vector number */
#define MAIA_REG_INT_TEST_COUNT		0x003c

/* ---------------------------------------------------------------------- */
/*
 * Command rings (owned by maia_accel). Each ring is a power-of-two array of
 * struct maia_job_desc in memory the device reads by DMA (bus addresses,
 * not translated by the device MMU). A job points at an indirect buffer of
 * engine commands (uapi/drm/maia_cmd.h) in the job's device address space,
 * so one ring carries jobs of several address spaces.
 *
 * On a job error the ring writes the completion record with the failing
 * job's seq and status, enters MAIA_RING_STATE_ERROR with HEAD past the
 * failed job, and raises its vector and INT_CAUSE.RING_ERROR. Writing
 * MAIA_RING_CTRL_ENABLE again resumes from HEAD. MAIA_RING_CTRL_RESET aborts
 * the running job and empties the ring (HEAD = TAIL = 0, disabled).
 */
#define MAIA_RING_BASE			0x1000
#define MAIA_RING_STRIDE		0x40
#define MAIA_RING_SIZE			(MAIA_MAX_RINGS * MAIA_RING_STRIDE)
#define MAIA_RING_REG(n, r)		(MAIA_RING_BASE + \
					 (n) * MAIA_RING_STRIDE + (r))

#define MAIA_RING_ADDR_LO		0x00
#define MAIA_RING_ADDR_HI		0x04
#define MAIA_RING_ORDER			0x08	/* log2 entries */
#define  MAIA_RING_ORDER_MIN		2
#define  MAIA_RING_ORDER_MAX		16
#define MAIA_RING_HEAD			0x0c	/* RO: next entry to fetch */
#define MAIA_RING_TAIL			0x10	/* RO: last doorbell value */
#define MAIA_RING_COMPL_LO		0x14	/* struct maia_ring_compl */
#define  MAIA_RING_COMPL_ALIGN		8	/* low address bits ignored */
#define MAIA_RING_COMPL_HI		0x18
#define MAIA_RING_FAULTS		0x1c	/* RO: jobs that failed */
#define MAIA_RING_PRIORITY		0x20
#define  MAIA_RING_PRIORITY_MAX		3
#define MAIA_RING_VECTOR		0x24
#define MAIA_RING_CTRL			0x28
#define  MAIA_RING_CTRL_ENABLE		BIT(0)
#define  MAIA_RING_CTRL_RESET		BIT(1)	/* self-clearing */
#define MAIA_RING_STATUS		0x2c	/* RO */
#define  MAIA_RING_STATUS_STATE		GENMASK(3, 0)
#define  MAIA_RING_STATUS_ERR		GENMASK(15, 8)	/* MAIA_JOB_* */
#define  MAIA_RING_STATE_DISABLED	0
#define  MAIA_RING_STATE_RUNNING	1
#define  MAIA_RING_STATE_ERROR		2	/* stopped on a job error */
#define  MAIA_RING_STATE_HUNG		3	/* injected hang */
#define MAIA_RING_BUSY_NS_LO		0x30	/* LO latches HI */
#define MAIA_RING_BUSY_NS_HI		0x34
#define MAIA_RING_DBG_HANG		0x38	/* debug: write 1 to hang */
#define MAIA_RING_JOBS_DONE		0x3c	/* RO: jobs retired */

/* Doorbells, one register per command ring: write the new tail index */
#define MAIA_DOORBELL_BASE		0x2000
#define MAIA_DOORBELL_STRIDE		4
#define MAIA_DOORBELL_SIZE		0x1000
#define MAIA_DOORBELL(n)		(MAIA_DOORBELL_BASE + \
					 (n) * MAIA_DOORBELL_STRIDE)

/* Job descriptor: one ring entry */
struct maia_job_desc {
	maia_le64 ib_addr;	/* device VA of the commands, 64-byte aligned */
	maia_le32 ib_count;	/* commands, 1..MAIA_JOB_MAX_IB_COUNT */
	maia_le32 flags;	/* MAIA_JOB_FLAG_* */
	maia_le64 seq;		/* reported in the completion record */
	maia_le32 asid;		/* address space of the commands */
	maia_le32 reserved;	/* must be zero */
};

#define MAIA_JOB_FLAG_IRQ		BIT(0)
#define MAIA_JOB_MAX_IB_COUNT		65536

/* Completion record at RING_COMPL, written before the interrupt */
struct maia_ring_compl {
	maia_le64 seq;		/* last job completed */
	maia_le32 status;	/* MAIA_JOB_* of that job */
	maia_le32 err_index;	/* failing command, or ERR_DESCRIPTOR */
	maia_le64 err_addr;	/* faulting VA, if any */
	maia_le64 timestamp;	/* device ns at completion */
};

#define MAIA_COMPL_ERR_DESCRIPTOR	0xffffffffu	/* the descriptor itself */

/* Job status codes */
#define MAIA_JOB_OK			0
#define MAIA_JOB_BAD_OPCODE		1
#define MAIA_JOB_BAD_ARGS		2	/* size, alignment, dims */
#define MAIA_JOB_MMU_FAULT		3
#define MAIA_JOB_DMA_ERROR		4	/* ring, IB or table DMA failed */
#define MAIA_JOB_ABORTED		5	/* ring reset while running */

/* ---------------------------------------------------------------------- */
/*
 * Device MMU (owned by maia_core): 4-level tables of 512 64-bit entries
 * (48-bit VA, 4 KiB pages, 2 MiB blocks at level 2), read by DMA; one root
 * per address space (ASID).
 */
#define MAIA_MMU_BASE			0x3000
#define MAIA_MMU_SIZE			0x1000

#define MAIA_MMU_ROOT_STRIDE		8
#define MAIA_MMU_ROOT_LO(a)		(MAIA_MMU_BASE + (a) * MAIA_MMU_ROOT_STRIDE)
#define MAIA_MMU_ROOT_HI(a)		(MAIA_MMU_ROOT_LO(a) + 4)
#define  MAIA_MMU_ROOT_VALID		BIT(0)
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
#define  MAIA_FAULT_INFO_ASID		GENMASK(3, 0)
#define  MAIA_FAULT_INFO_RING		GENMASK(7, 4)
#define  MAIA_FAULT_INFO_WRITE		BIT(8)
#define  MAIA_FAULT_INFO_VALID		BIT(9)
#define  MAIA_FAULT_INFO_OVERFLOW	BIT(10)	/* a later fault lost */
#define  MAIA_FAULT_INFO_REASON		GENMASK(15, 12)
#define  MAIA_FAULT_NOT_MAPPED		1
#define  MAIA_FAULT_PERMISSION		2
#define  MAIA_FAULT_TABLE_DMA		3
#define MAIA_REG_MMU_FAULT_CLEAR	0x312c	/* write 1 */
#define MAIA_REG_MMU_FAULT_COUNT	0x3130
#define MAIA_REG_MMU_TLB_HITS		0x3134
#define MAIA_REG_MMU_TLB_MISSES		0x3138

/* Table geometry */
#define MAIA_VA_BITS			48
#define MAIA_PAGE_SHIFT			12
#define MAIA_PT_LEVELS			4
#define MAIA_PT_INDEX_BITS		9
#define MAIA_PT_ENTRIES			BIT(MAIA_PT_INDEX_BITS)
#define MAIA_BLOCK_LEVEL		2	/* leaves allowed here and at 3 */
#define MAIA_BLOCK_SHIFT		(MAIA_PAGE_SHIFT + MAIA_PT_INDEX_BITS)
/* VA bits that index the table at @level (0 = root) */
#define MAIA_PT_SHIFT(level)		(MAIA_PAGE_SHIFT + MAIA_PT_INDEX_BITS * \
					 (MAIA_PT_LEVELS - 1 - (level)))

/* Page-table entry: one of MAIA_PT_ENTRIES in a 4 KiB table */
struct maia_pte {
	maia_le64 val;
};

#define MAIA_PTE_VALID			BIT_ULL(0)
#define MAIA_PTE_READ			BIT_ULL(1)
#define MAIA_PTE_WRITE			BIT_ULL(2)
#define MAIA_PTE_LEAF			BIT_ULL(3)	/* page or block */
#define MAIA_PTE_HBM			BIT_ULL(4)	/* ADDR is an HBM offset */
#define MAIA_PTE_ADDR			GENMASK_ULL(51, 12)

/* ---------------------------------------------------------------------- */
/* Telemetry (owned by maia_core; read-only) */

#define MAIA_TELEMETRY_BASE		0x4000
#define MAIA_TELEMETRY_SIZE		0x1000

#define MAIA_REG_TEMP_MC		0x4000	/* milli-degrees Celsius */
#define MAIA_REG_POWER_MW		0x4004	/* milliwatts */
#define MAIA_REG_UTIL_PCT		0x4008	/* engine busy, last 100 ms */
#define MAIA_REG_BUSY_NS_LO		0x400c	/* LO latches HI */
#define MAIA_REG_BUSY_NS_HI		0x4010
#define MAIA_REG_JOBS_LO		0x4014	/* LO latches HI */
#define MAIA_REG_JOBS_HI		0x4018

/* ---------------------------------------------------------------------- */
/*
 * Optical ports (CAPS.LINK; owned by maia_link): one block per port.
 * Offsets below are relative to the port's block. 64-bit registers
 * (statistics, FEC counters) may be read with one 8-byte access or as LO/HI
 * words (no latching: re-read HI to detect a carry).
 */
#define MAIA_PORT_BASE			0x8000
#define MAIA_PORT_STRIDE		0x1000
#define MAIA_PORT_SIZE			MAIA_PORT_STRIDE
#define MAIA_PORT_REG(p, r)		(MAIA_PORT_BASE + \
					 (p) * MAIA_PORT_STRIDE + (r))
#define MAIA_LANE_RATE_DEFAULT		25000	/* Mb/s */

/* Control and link status */
#define MAIA_P_CTRL			0x000
#define  MAIA_P_CTRL_ENABLE		BIT(0)	/* MAC + transmitters on */
#define  MAIA_P_CTRL_LOOPBACK		BIT(1)	/* TX comes back to RX */
#define  MAIA_P_CTRL_RESET		BIT(2)	/* self-clearing */
#define  MAIA_P_CTRL_RSC		BIT(3)	/* receive coalescing */
#define MAIA_P_STATUS			0x004	/* RO */
#define  MAIA_P_STATUS_UP		BIT(0)
#define  MAIA_P_STATUS_STATE		GENMASK(7, 4)	/* MAIA_LINK_STATE_* */
#define  MAIA_P_STATUS_REASON		GENMASK(15, 8)	/* MAIA_LINK_DOWN_* */
#define  MAIA_P_STATUS_LANES		GENMASK(23, 16)	/* active lanes */
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
#define MAIA_P_LANES_LOCAL		0x010	/* RO: lanes usable here */
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
#define  MAIA_P_INT_LINK		BIT(0)	/* link state/speed change */
#define  MAIA_P_INT_MODULE		BIT(1)	/* module alarm change */
#define MAIA_P_EVT_LO			0x038	/* struct maia_port_event */
#define MAIA_P_EVT_HI			0x03c
#define MAIA_P_PEER_SERIAL_LO		0x040	/* RO: from training frames */
#define MAIA_P_PEER_SERIAL_HI		0x044
#define MAIA_P_PEER_PORT		0x048	/* RO */
#define MAIA_P_QPAIRS			0x04c	/* RO: MAIA_PORT_QPAIRS */
#define MAIA_P_TEMP_MC			0x050	/* RO: module temperature */
#define MAIA_P_TRAININGS		0x054	/* RO: training attempts */

/* Receive-side scaling: Toeplitz hash, indirection table of queue pairs */
#define MAIA_P_RSS_CTRL			0x080
#define  MAIA_RSS_ENABLE		BIT(0)
#define  MAIA_RSS_IPV4			BIT(1)	/* addresses */
#define  MAIA_RSS_TCP4			BIT(2)	/* addresses + ports */
#define  MAIA_RSS_UDP4			BIT(3)
#define  MAIA_RSS_IPV6			BIT(4)
#define  MAIA_RSS_TCP6			BIT(5)
#define  MAIA_RSS_UDP6			BIT(6)
#define  MAIA_RSS_ALL			GENMASK(6, 0)
#define MAIA_P_RSS_KEY_BASE		0x0c0	/* key byte 4i + b in bits 8b+7:8b */
#define MAIA_P_RSS_KEY(i)		(MAIA_P_RSS_KEY_BASE + (i) * 4)
#define  MAIA_RSS_KEY_SIZE		40
#define MAIA_P_RSS_INDIR_BASE		0x100	/* entry 4i + b in bits 8b+7:8b */
#define MAIA_P_RSS_INDIR(i)		(MAIA_P_RSS_INDIR_BASE + (i) * 4)
#define  MAIA_RSS_INDIR_SIZE		128

/* MAC statistics: 64-bit counters, MAIA_P_STAT(MAIA_STAT_*) */
#define MAIA_P_STAT_BASE		0x200
#define MAIA_P_STAT_STRIDE		8
#define MAIA_P_STAT(i)			(MAIA_P_STAT_BASE + \
					 (i) * MAIA_P_STAT_STRIDE)
#define  MAIA_STAT_TX_FRAMES		0
#define  MAIA_STAT_TX_BYTES		1
#define  MAIA_STAT_RX_FRAMES		2
#define  MAIA_STAT_RX_BYTES		3
#define  MAIA_STAT_RX_FCS_ERRORS	4	/* lost to uncorrectable FEC */
#define  MAIA_STAT_RX_OVERSIZE		5	/* longer than P_MAX_FRAME */
#define  MAIA_STAT_RX_UNDERSIZE		6	/* shorter than 14 bytes */
#define  MAIA_STAT_RX_NO_RING		7	/* hashed to a disabled ring */
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
#define  MAIA_STAT_RX_HIST		32	/* MAIA_RMON_BINS bins */
#define  MAIA_STAT_TX_HIST		48	/* MAIA_RMON_BINS bins */
#define  MAIA_STAT_COUNT		64
/*
 * RMON frame-size bins of P_STAT(MAIA_STAT_RX_HIST / TX_HIST + i): the
 * largest frame of each bin, counting the FCS; bin 0 starts at 0, bin i
 * one byte above the top of bin i - 1.
 */
#define MAIA_RMON_BIN_TOPS	{ 64, 127, 255, 511, 1023, 1518, 2047, 4095, 9220 }
#define MAIA_RMON_BINS			9

/*
 * Queue pairs: a TX ring and an RX ring sharing MSI-X vector
 * MAIA_VEC_PORT(p, q). Register r of pair q is MAIA_P_QP(q, r).
 */
#define MAIA_P_QP_BASE			0x400
#define MAIA_P_QP_STRIDE		0x80
#define MAIA_P_QP(q, r)			(MAIA_P_QP_BASE + \
					 (q) * MAIA_P_QP_STRIDE + (r))
#define MAIA_TXR_ADDR_LO		0x00
#define MAIA_TXR_ADDR_HI		0x04
#define MAIA_TXR_SIZE			0x08	/* entries, power of two */
#define MAIA_TXR_HEAD			0x0c	/* RO: next to fetch */
#define MAIA_TXR_TAIL			0x10	/* doorbell: producer index */
#define MAIA_TXR_WB_LO			0x14	/* HEAD write-back address */
#define  MAIA_TXR_WB_ALIGN		4
#define MAIA_TXR_WB_HI			0x18
#define MAIA_TXR_CTRL			0x1c
#define  MAIA_TXR_CTRL_ENABLE		BIT(0)
#define  MAIA_TXR_CTRL_ERROR		BIT(1)	/* RO: stopped on DMA error */
#define MAIA_RXR_ADDR_LO		0x20
#define MAIA_RXR_ADDR_HI		0x24
#define MAIA_RXR_SIZE			0x28	/* entries, power of two */
#define MAIA_RXR_HEAD			0x2c	/* RO */
#define MAIA_RXR_TAIL			0x30	/* doorbell */
#define MAIA_RXR_BUF_LEN		0x34	/* bytes per buffer */
#define MAIA_RXR_CTRL			0x3c
#define  MAIA_RXR_CTRL_ENABLE		BIT(0)
#define  MAIA_RXR_CTRL_ERROR		BIT(1)	/* RO: stopped on DMA error */
#define MAIA_QP_IRQ_ARM			0x40	/* WO: 1 arms the vector */
#define MAIA_QP_RX_USECS		0x44	/* moderation */
#define MAIA_QP_RX_FRAMES		0x48
#define MAIA_QP_TX_USECS		0x4c
#define MAIA_QP_TX_FRAMES		0x50
#define MAIA_QP_IRQS			0x54	/* RO: messages sent */
#define MAIA_PORT_RING_MIN		64	/* TX/RX ring entries */
#define MAIA_PORT_RING_MAX		4096
#define MAIA_RX_BUF_MIN			256
#define MAIA_RX_BUF_MAX			16384
#define MAIA_COALESCE_USECS_MAX		10000
#define MAIA_COALESCE_FRAMES_MAX	1024

/* Per-lane FEC counters: 64-bit, lane l at MAIA_P_FEC_LANE(l, MAIA_FECL_*) */
#define MAIA_P_FEC_LANE_BASE		0x800
#define MAIA_P_FEC_LANE_STRIDE		0x18
#define MAIA_P_FEC_LANE(l, r)		(MAIA_P_FEC_LANE_BASE + \
					 (l) * MAIA_P_FEC_LANE_STRIDE + (r))
#define MAIA_FECL_CORRECTED		0x00
#define MAIA_FECL_UNCORRECTABLE		0x08
#define MAIA_FECL_CORRECTED_BITS	0x10
#define MAIA_FECL_COUNTERS		3

/* Module memory (CMIS layout): select a page, read the 256-byte window */
#define MAIA_P_MOD_PAGE			0xc00
#define  MAIA_MOD_PAGE_PAGE		GENMASK(7, 0)
#define  MAIA_MOD_PAGE_BANK		GENMASK(15, 8)
#define MAIA_P_MOD_DATA			0xd00	/* 0x00-0x7f lower, 0x80- page */
#define MAIA_MOD_WINDOW			256

/* Fault injection (debug): mirrors the port<p>-* QOM properties */
#define MAIA_P_DBG_BASE			0xe00
#define MAIA_P_DBG_SIZE			0x200
#define MAIA_P_DBG_LANE_KILL		0xe00	/* RW: 1 = lane dead */
#define MAIA_P_DBG_FIBER_PULLED		0xe04	/* RW: 1 = fiber out */
#define MAIA_P_DBG_LANE_SEL		0xe08	/* RW: lane for LANE_BER */
#define MAIA_P_DBG_LANE_BER		0xe0c	/* RW: BER in units of 1e-10 */
#define MAIA_P_DBG_TEMP_MC		0xe10	/* RW: module temperature */

/* TX descriptor; the offload fields count in the first one of a packet */
struct maia_txd {
	maia_le64 addr;
	maia_le32 len;		/* 1..MAIA_TXD_LEN_MAX */
	maia_le32 flags;	/* MAIA_TXD_* */
	maia_le16 csum_start;	/* from the frame start */
	maia_le16 csum_offset;	/* from csum_start */
	maia_le16 mss;
	maia_le16 hdr_len;	/* L2 + L3 + TCP */
	maia_le16 l3_offset;
	maia_le16 l4_offset;
	maia_le32 reserved;	/* zero */
};

#define MAIA_TXD_LEN_MAX		65535
#define MAIA_TXD_EOP			BIT(0)	/* last of the packet */
#define MAIA_TXD_CSUM			BIT(1)	/* insert L4 checksum */
#define MAIA_TXD_TSO			BIT(2)	/* segment TCP */
#define MAIA_TX_MAX_PACKET		(65536 + 512)
#define MAIA_TX_MAX_DESCS		64	/* per packet */
/* TSO: smallest MSS and longest header a packet may ask for */
#define MAIA_TSO_MSS_MIN		64
#define MAIA_TSO_HDR_MAX		256

/*
 * RX descriptor: the driver writes .read (addr, rest zero); the device
 * writes back .wb (hash, info, len, then status with MAIA_RXD_DD).
 */
union maia_rxd {
	struct {
		maia_le64 addr;
		maia_le64 reserved;
	} read;
	struct {
		maia_le32 hash;		/* on the EOP buffer */
		maia_le32 info;		/* MAIA_RXD_INFO_* */
		maia_le32 len;		/* bytes in this buffer */
		maia_le32 status;	/* MAIA_RXD_* */
	} wb;
};

#define MAIA_RXD_INFO_HASH_TYPE		GENMASK(3, 0)	/* MAIA_HASH_* */
#define MAIA_RXD_INFO_RSC_SEGS		GENMASK(15, 8)	/* 0: not coalesced */
#define MAIA_HASH_NONE			0
#define MAIA_HASH_IPV4			1
#define MAIA_HASH_TCP4			2
#define MAIA_HASH_UDP4			3
#define MAIA_HASH_IPV6			4
#define MAIA_HASH_TCP6			5
#define MAIA_HASH_UDP6			6
#define MAIA_RXD_DD			BIT(0)	/* written back */
#define MAIA_RXD_EOP			BIT(1)	/* last buffer of the frame */
#define MAIA_RXD_CSUM_OK		BIT(2)	/* L4 checksum good */
#define MAIA_RXD_CSUM_BAD		BIT(3)	/* L4 checksum wrong */
#define MAIA_RXD_STATUS_MSS		GENMASK(31, 16)	/* RSC segment size */
#define MAIA_RSC_MAX_BUFS		16	/* buffers per coalesced frame */

/* Port event record at P_EVT, written on every link event */
struct maia_port_event {
	maia_le32 seq;		/* +1 per event */
	maia_le32 status;	/* P_STATUS */
	maia_le32 speed;	/* P_SPEED */
	maia_le32 lanes;	/* P_LANES_ACTIVE */
};

/*
 * Training frame: what a port sends its peer every 100 ms (never given to
 * the host). Destination MAIA_TRAIN_DST, EtherType MAIA_ETHERTYPE_TRAIN,
 * then this payload.
 */
#define MAIA_ETHERTYPE_TRAIN		0x88b5	/* IEEE local experimental */
#define MAIA_TRAIN_DST			{ 0x03, 0x4d, 0x41, 0x49, 0x41, 0x00 }
#define MAIA_TRAIN_MAGIC		0x52544c4d	/* "MLTR" */
#define MAIA_TRAIN_VERSION		1
#define MAIA_TRAIN_F_HEAR		BIT(0)	/* we hear the peer */
#define MAIA_TRAIN_F_ERRORS		BIT(1)	/* all our lanes lost */
/*
 * Both ends must agree: a port sends one every PERIOD; a peer not heard for
 * PEER_TIMEOUT is gone.
 */
#define MAIA_TRAIN_PERIOD_MS		100
#define MAIA_TRAIN_PEER_TIMEOUT_MS	500

struct maia_train_payload {
	maia_le32 magic;
	maia_u8 version;
	maia_u8 flags;		/* MAIA_TRAIN_F_* */
	maia_u8 port;
	maia_u8 lanes;		/* lanes the port has */
	maia_le64 serial;
	maia_le32 offered;	/* lanes offered */
	maia_le32 lane_rate;	/* Mb/s */
	maia_le32 fec;		/* MAIA_FEC_* */
	maia_le32 seq;
	maia_le16 tx_power[MAIA_PORT_LANES_MAX];	/* 0.1 uW units */
};

/* ---------------------------------------------------------------------- */
/* Layout checks, compiled into the drivers and into QEMU alike */

static_assert(MAIA_RING_BASE + MAIA_RING_SIZE <= MAIA_DOORBELL_BASE,
	      "ring block overlaps doorbells");
static_assert(MAIA_DOORBELL(MAIA_MAX_RINGS) <= MAIA_MMU_BASE,
	      "doorbell block overlaps the MMU");
static_assert(MAIA_MMU_ROOT_LO(MAIA_MAX_ASIDS) <= MAIA_REG_MMU_INV_ASID,
	      "MMU roots overlap the invalidation registers");
static_assert(MAIA_P_QP(MAIA_PORT_QPAIRS, 0) <= MAIA_P_FEC_LANE_BASE,
	      "queue pairs overlap the FEC counters");
static_assert(MAIA_FECL_COUNTERS * 8 == MAIA_P_FEC_LANE_STRIDE,
	      "FEC lane counters are consecutive 64-bit registers");
static_assert(MAIA_P_FEC_LANE(MAIA_PORT_LANES_MAX, 0) <= MAIA_P_MOD_PAGE,
	      "FEC counters overlap module memory");
static_assert(MAIA_P_RSS_KEY(MAIA_RSS_KEY_SIZE / 4) <= MAIA_P_RSS_INDIR_BASE,
	      "RSS key overlaps the indirection table");
static_assert(MAIA_P_RSS_INDIR(MAIA_RSS_INDIR_SIZE / 4) <= MAIA_P_STAT_BASE,
	      "RSS table overlaps the statistics");
static_assert(MAIA_P_STAT(MAIA_STAT_COUNT) <= MAIA_P_QP_BASE,
	      "statistics overlap the queue pairs");
static_assert(MAIA_PORT_REG(MAIA_MAX_PORTS, 0) <= MAIA_REGS_SIZE,
	      "ports outside BAR0");
static_assert(MAIA_NUM_VECTORS <= 256, "CONFIG.VECTORS is 8 bits");
static_assert(MAIA_STAT_RX_HIST + MAIA_RMON_BINS <= MAIA_STAT_TX_HIST &&
	      MAIA_STAT_TX_HIST + MAIA_RMON_BINS <= MAIA_STAT_COUNT,
	      "RMON histograms fit the statistics block");

static_assert(sizeof(struct maia_job_desc) == 32, "job descriptor size");
static_assert(offsetof(struct maia_job_desc, ib_count) == 0x08, "ib_count");
static_assert(offsetof(struct maia_job_desc, flags) == 0x0c, "flags");
static_assert(offsetof(struct maia_job_desc, seq) == 0x10, "seq");
static_assert(offsetof(struct maia_job_desc, asid) == 0x18, "asid");

static_assert(sizeof(struct maia_ring_compl) == 32, "completion size");
static_assert(offsetof(struct maia_ring_compl, status) == 0x08, "status");
static_assert(offsetof(struct maia_ring_compl, err_index) == 0x0c, "err_index");
static_assert(offsetof(struct maia_ring_compl, err_addr) == 0x10, "err_addr");
static_assert(offsetof(struct maia_ring_compl, timestamp) == 0x18, "timestamp");

static_assert(sizeof(struct maia_pte) == 8, "PTE size");
static_assert(MAIA_PT_ENTRIES * sizeof(struct maia_pte) ==
	      (1u << MAIA_PAGE_SHIFT), "a table is one page");
static_assert(MAIA_PT_SHIFT(0) + MAIA_PT_INDEX_BITS == MAIA_VA_BITS,
	      "table geometry covers the VA");

static_assert(sizeof(struct maia_txd) == 32, "TX descriptor size");
static_assert(offsetof(struct maia_txd, len) == 0x08, "txd len");
static_assert(offsetof(struct maia_txd, flags) == 0x0c, "txd flags");
static_assert(offsetof(struct maia_txd, csum_start) == 0x10, "csum_start");
static_assert(offsetof(struct maia_txd, csum_offset) == 0x12, "csum_offset");
static_assert(offsetof(struct maia_txd, mss) == 0x14, "mss");
static_assert(offsetof(struct maia_txd, hdr_len) == 0x16, "hdr_len");
static_assert(offsetof(struct maia_txd, l3_offset) == 0x18, "l3_offset");
static_assert(offsetof(struct maia_txd, l4_offset) == 0x1a, "l4_offset");

static_assert(sizeof(union maia_rxd) == 16, "RX descriptor size");
static_assert(offsetof(union maia_rxd, wb.info) == 0x04, "rxd info");
static_assert(offsetof(union maia_rxd, wb.len) == 0x08, "rxd len");
static_assert(offsetof(union maia_rxd, wb.status) == 0x0c, "rxd status");

static_assert(sizeof(struct maia_port_event) == 16, "event record size");
static_assert(offsetof(struct maia_port_event, lanes) == 0x0c, "evt lanes");

static_assert(sizeof(struct maia_train_payload) == 32 +
	      2 * MAIA_PORT_LANES_MAX, "training payload size");
static_assert(offsetof(struct maia_train_payload, serial) == 0x08,
	      "training serial");
static_assert(offsetof(struct maia_train_payload, tx_power) == 0x20,
	      "training tx_power");

#endif /* MAIA_HW_H */
