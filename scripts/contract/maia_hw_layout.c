// SPDX-License-Identifier: GPL-2.0
/*
 * The layout of the hardware contract (include/hw/maia_hw.h) as one table
 * of numbers in section .maia_layout. scripts/contract-check.sh compiles
 * this file once with the kernel's flags (Kbuild, __KERNEL__ branch of the
 * header) and once with QEMU's flags for hw/misc (the model's branch) and
 * compares the two tables byte for byte: a record, a field mask or a block
 * bound that the two environments see differently fails `make check`.
 */
#ifndef __KERNEL__
#include "qemu/osdep.h"
#endif
#include "maia_hw.h"

#define SIZE(t)		sizeof(t)
#define OFF(t, f)	offsetof(t, f)
#define FSIZE(t, f)	sizeof(((t *)0)->f)

__attribute__((section(".maia_layout"), used, aligned(8)))
const unsigned long long maia_hw_layout[] = {
	/* records: size, then offset and size of every field */
	SIZE(struct maia_job_desc),
	OFF(struct maia_job_desc, ib_addr), FSIZE(struct maia_job_desc, ib_addr),
	OFF(struct maia_job_desc, ib_count), FSIZE(struct maia_job_desc, ib_count),
	OFF(struct maia_job_desc, flags), FSIZE(struct maia_job_desc, flags),
	OFF(struct maia_job_desc, seq), FSIZE(struct maia_job_desc, seq),
	OFF(struct maia_job_desc, asid), FSIZE(struct maia_job_desc, asid),
	OFF(struct maia_job_desc, reserved), FSIZE(struct maia_job_desc, reserved),

	SIZE(struct maia_ring_compl),
	OFF(struct maia_ring_compl, seq), FSIZE(struct maia_ring_compl, seq),
	OFF(struct maia_ring_compl, status), FSIZE(struct maia_ring_compl, status),
	OFF(struct maia_ring_compl, err_index),
	FSIZE(struct maia_ring_compl, err_index),
	OFF(struct maia_ring_compl, err_addr),
	FSIZE(struct maia_ring_compl, err_addr),
	OFF(struct maia_ring_compl, timestamp),
	FSIZE(struct maia_ring_compl, timestamp),

	SIZE(struct maia_pte), FSIZE(struct maia_pte, val),

	SIZE(struct maia_txd),
	OFF(struct maia_txd, addr), FSIZE(struct maia_txd, addr),
	OFF(struct maia_txd, len), FSIZE(struct maia_txd, len),
	OFF(struct maia_txd, flags), FSIZE(struct maia_txd, flags),
	OFF(struct maia_txd, csum_start), FSIZE(struct maia_txd, csum_start),
	OFF(struct maia_txd, csum_offset), FSIZE(struct maia_txd, csum_offset),
	OFF(struct maia_txd, mss), FSIZE(struct maia_txd, mss),
	OFF(struct maia_txd, hdr_len), FSIZE(struct maia_txd, hdr_len),
	OFF(struct maia_txd, l3_offset), FSIZE(struct maia_txd, l3_offset),
	OFF(struct maia_txd, l4_offset), FSIZE(struct maia_txd, l4_offset),
	OFF(struct maia_txd, reserved), FSIZE(struct maia_txd, reserved),

	SIZE(union maia_rxd),
	OFF(union maia_rxd, read.addr), FSIZE(union maia_rxd, read.addr),
	OFF(union maia_rxd, read.reserved), FSIZE(union maia_rxd, read.reserved),
	OFF(union maia_rxd, wb.hash), FSIZE(union maia_rxd, wb.hash),
	OFF(union maia_rxd, wb.info), FSIZE(union maia_rxd, wb.info),
	OFF(union maia_rxd, wb.len), FSIZE(union maia_rxd, wb.len),
	OFF(union maia_rxd, wb.status), FSIZE(union maia_rxd, wb.status),

	SIZE(struct maia_port_event),
	OFF(struct maia_port_event, seq), OFF(struct maia_port_event, status),
	OFF(struct maia_port_event, speed), OFF(struct maia_port_event, lanes),

	SIZE(struct maia_train_payload),
	OFF(struct maia_train_payload, magic),
	OFF(struct maia_train_payload, version),
	OFF(struct maia_train_payload, flags),
	OFF(struct maia_train_payload, port),
	OFF(struct maia_train_payload, lanes),
	OFF(struct maia_train_payload, serial),
	OFF(struct maia_train_payload, offered),
	OFF(struct maia_train_payload, lane_rate),
	OFF(struct maia_train_payload, fec),
	OFF(struct maia_train_payload, seq),
	OFF(struct maia_train_payload, tx_power),

	/* field masks (GENMASK is defined per environment) */
	MAIA_VERSION_MAJOR, MAIA_VERSION_MINOR,
	MAIA_CONFIG_PORTS, MAIA_CONFIG_RINGS, MAIA_CONFIG_LANES,
	MAIA_CONFIG_VECTORS, MAIA_INT_ALL,
	MAIA_RING_STATUS_STATE, MAIA_RING_STATUS_ERR,
	MAIA_FAULT_INFO_ASID, MAIA_FAULT_INFO_RING, MAIA_FAULT_INFO_REASON,
	MAIA_FAULT_INFO_WRITE, MAIA_FAULT_INFO_VALID, MAIA_FAULT_INFO_OVERFLOW,
	MAIA_PTE_ADDR, MAIA_PTE_VALID, MAIA_PTE_READ, MAIA_PTE_WRITE,
	MAIA_PTE_LEAF, MAIA_PTE_HBM,
	MAIA_P_STATUS_STATE, MAIA_P_STATUS_REASON, MAIA_P_STATUS_LANES,
	MAIA_RSS_ALL, MAIA_RXD_INFO_HASH_TYPE, MAIA_RXD_INFO_RSC_SEGS,
	MAIA_RXD_STATUS_MSS, MAIA_MOD_PAGE_PAGE, MAIA_MOD_PAGE_BANK,

	/* blocks and geometry */
	MAIA_REGS_SIZE, MAIA_CORE_BASE, MAIA_CORE_SIZE,
	MAIA_RING_BASE, MAIA_RING_STRIDE, MAIA_RING_SIZE, MAIA_MAX_RINGS,
	MAIA_DOORBELL_BASE, MAIA_DOORBELL_STRIDE, MAIA_DOORBELL_SIZE,
	MAIA_MMU_BASE, MAIA_MMU_SIZE, MAIA_MMU_ROOT_STRIDE, MAIA_MAX_ASIDS,
	MAIA_TELEMETRY_BASE, MAIA_TELEMETRY_SIZE,
	MAIA_PORT_BASE, MAIA_PORT_STRIDE, MAIA_PORT_SIZE, MAIA_MAX_PORTS,
	MAIA_P_QP_BASE, MAIA_P_QP_STRIDE, MAIA_PORT_QPAIRS,
	MAIA_P_STAT_BASE, MAIA_P_STAT_STRIDE, MAIA_STAT_COUNT,
	MAIA_P_FEC_LANE_BASE, MAIA_P_FEC_LANE_STRIDE, MAIA_PORT_LANES_MAX,
	MAIA_P_DBG_BASE, MAIA_P_DBG_SIZE,
	MAIA_NUM_VECTORS, MAIA_VA_BITS, MAIA_PAGE_SHIFT, MAIA_PT_LEVELS,
	MAIA_PT_ENTRIES, MAIA_BLOCK_SHIFT, MAIA_PT_SHIFT(0), MAIA_PT_SHIFT(3),
};
