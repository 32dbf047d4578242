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

#endif /* MAIA_REGS_H */
