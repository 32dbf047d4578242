/* SPDX-License-Identifier: MIT */
/*
 * Maia tensor engine command format.
 *
 * Userspace writes these 64-byte commands into a buffer object, binds it in
 * its device address space and submits it with DRM_IOCTL_MAIA_SUBMIT; the
 * engine reads them directly. The virtual device (qemu-device/) includes
 * this header too, so it is the single definition of the format. Prose and
 * error rules: Documentation/hw-reference.rst, "Engine commands".
 */
#ifndef _UAPI_DRM_MAIA_CMD_H_
#define _UAPI_DRM_MAIA_CMD_H_

/*
 * Engine commands: 64 bytes each in an IB. Word 0 is the header; words
 * 1..7 are 64-bit arguments (byte offsets 8..63). All addresses are device
 * virtual addresses translated through the job's address space.
 *
 * Alignment: FILL destination and size 4 bytes; GEMM and ELTWISE operands
 * their element size; FENCE, WAIT and TIMESTAMP addresses 8 bytes; COPY
 * none. Reserved header bits and unused arguments must be zero. A command
 * that breaks a rule fails the job with MAIA_JOB_BAD_ARGS (bad opcode:
 * MAIA_JOB_BAD_OPCODE) and nothing after it runs.
 */
#define MAIA_CMD_SIZE			64
#define MAIA_CMD_OPCODE(h)		((h) & 0xff)
#define MAIA_CMD_DTYPE(h)		(((h) >> 8) & 0xff)
#define MAIA_CMD_FLAGS(h)		(((h) >> 16) & 0xff)
#define MAIA_CMD_SUBOP(h)		(((h) >> 24) & 0xff)
#define MAIA_CMD_HEADER(op, dt, fl, sub) \
	((op) | ((dt) << 8) | ((fl) << 16) | ((sub) << 24))
#define MAIA_CMD_ARG(n)			(8 + (n) * 8)

#define MAIA_OP_NOP			0x00
#define MAIA_OP_COPY			0x01	/* a0 src, a1 dst, a2 bytes */
#define MAIA_OP_FILL			0x02	/* a0 dst, a1 bytes, a2 u32 */
#define MAIA_OP_GEMM			0x03	/* see below */
#define MAIA_OP_ELTWISE			0x04	/* see below */
#define MAIA_OP_FENCE			0x05	/* a0 addr, a1 u64 value */
#define MAIA_OP_WAIT			0x06	/* until *a0 >= a1 (u64) */
#define MAIA_OP_TIMESTAMP		0x07	/* a0 addr <- u64 device ns */

#define MAIA_CMD_FLAG_IRQ		(1u << 0)	/* FENCE: interrupt */

/*
 * GEMM: C = alpha * A x B + beta * C, row major.
 * a0 A, a1 B, a2 C, a3 M | N << 32, a4 K | lda << 32, a5 ldb | ldc << 32
 * (leading dimensions in elements), a6 alpha | beta << 32 (fp32 bits).
 * dtype FP32: all fp32. BF16: A and B bf16, C fp32. INT8: A and B int8,
 * C int32, alpha and beta must be 1.0 and 0.0 or 1.0.
 */
#define MAIA_DTYPE_FP32			0
#define MAIA_DTYPE_BF16			1
#define MAIA_DTYPE_INT8			2
#define MAIA_GEMM_MAX_DIM		16384

/*
 * ELTWISE: a0 src0, a1 src1 (ADD, MUL), a2 dst, a3 element count,
 * a4 scale (fp32 bits, SCALE). dtype FP32 or BF16 for all operands.
 */
#define MAIA_ELT_ADD			0
#define MAIA_ELT_MUL			1
#define MAIA_ELT_SCALE			2
#define MAIA_ELT_RELU			3
#define MAIA_ELT_GELU			4

#define MAIA_MAX_TRANSFER		(1ull << 32)	/* COPY/FILL bytes */

#endif /* _UAPI_DRM_MAIA_CMD_H_ */
