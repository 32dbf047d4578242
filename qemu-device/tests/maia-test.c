/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qtest for the maia device: the guest must not be able to crash, hang or
 * wedge QEMU through registers, rings, descriptors or command buffers.
 *
 * Every case boots its own QEMU (-accel qtest, q35, one maia at 00:04.0),
 * drives BAR0 and guest RAM with hostile values, then checks that QEMU is
 * alive (a register read answers) and that the device reports the error
 * Documentation/hw-reference.rst documents (status bits, counters,
 * read-back values). The last group is a seeded register/descriptor
 * fuzzer bounded by an iteration count; MAIA_FUZZ_SEED=<n> replays one
 * seed (MAIA_FUZZ_ITERS=<n> changes the count).
 *
 * scripts/qemu-build.sh copies this file to tests/qtest/ and builds it;
 * scripts/qtest-check.sh runs every case in its own process.
 */

#include "qemu/osdep.h"
#include <sys/socket.h>
#include <sys/un.h>
#include "qemu/bitops.h"
#include "hw/pci/pci_regs.h"
#include "libqtest.h"
#include "libqos/pci.h"
#include "libqos/pci-pc.h"
#include "../../hw/misc/maia_hw.h"
#include "../../hw/misc/maia_cmd.h"

/* Guest physical layout used by the tests (256 MiB of RAM) */
#define GPA_PT          0x01000000ull   /* L0, L1, L2 tables */
#define GPA_RING(r)     (0x01010000ull + (r) * 0x1000ull)
#define GPA_COMPL(r)    (0x01030000ull + (r) * 0x40ull)
#define GPA_WORD        0x01038000ull   /* WAIT/FENCE word */
#define GPA_IB(r)       (0x01040000ull + (r) * 0x10000ull)
#define GPA_TXR         0x02000000ull
#define GPA_TXWB        0x020f0000ull
#define GPA_EVT         0x020f1000ull
#define GPA_RXR         0x02100000ull
#define GPA_TXB         0x02200000ull   /* MAIA_TX_MAX_PACKET of TX data */
#define GPA_RXB         0x02400000ull   /* RX buffers, RX_BUF each */
#define GPA_BAD         0xfff00000000ull /* nothing there */

/* Device VA: 0..HBM_SIZE is HBM, VA_BUS maps the 2 MiB at GPA_PT */
#define HBM_SIZE        (64ull << 20)
#define VA_BUS          0x20000000ull   /* L2 index 256 */
#define BUS_VA(gpa)     (VA_BUS + (gpa) - GPA_PT)

#define RX_BUF          2048
#define RING_ENTRIES    64

#define PORT(r)         MAIA_PORT_REG(0, (r))
#define QP(q, r)        MAIA_PORT_REG(0, MAIA_P_QP((q), (r)))
#define RING(n, r)      MAIA_RING_REG((n), (r))

typedef struct Maia {
    QTestState *qts;
    QPCIBus *bus;
    QPCIDevice *dev;
    uint64_t bar0;
} Maia;

static void maia_start_on(Maia *m, const char *machine)
{
    QPCIBar bar;

    m->qts = qtest_initf("-machine %s -m 256M -nodefaults "
                         "-device maia,id=maia0,addr=04.0,hbm-size=%llu,"
                         "ports=1,lanes=4,rings=8", machine,
                         (unsigned long long)HBM_SIZE);
    m->bus = qpci_new_pc(m->qts, NULL);
    m->dev = qpci_device_find(m->bus, QPCI_DEVFN(4, 0));
    g_assert(m->dev);
    qpci_device_enable(m->dev);
    bar = qpci_iomap(m->dev, MAIA_BAR_REGS, NULL);
    m->bar0 = bar.addr;
}

static void maia_start(Maia *m)
{
    maia_start_on(m, "q35");
}

static void maia_stop(Maia *m)
{
    g_free(m->dev);
    qpci_free_pc(m->bus);
    qtest_quit(m->qts);
}

static uint32_t rd(Maia *m, uint32_t off)
{
    return qtest_readl(m->qts, m->bar0 + off);
}

static void wr(Maia *m, uint32_t off, uint32_t val)
{
    qtest_writel(m->qts, m->bar0 + off, val);
}

static uint64_t port_stat(Maia *m, unsigned i)
{
    return qtest_readq(m->qts, m->bar0 + PORT(MAIA_P_STAT(i)));
}

/* QEMU is alive and its main loop answers. */
static void assert_alive(Maia *m)
{
    g_assert_cmphex(rd(m, MAIA_REG_ID), ==, MAIA_ID_MAGIC);
}

/*
 * Poll until @cond holds. The bound only turns "never" into a failure
 * instead of a hung test; no result depends on how long it took.
 */
#define POLL_UNTIL(cond) ({                                 \
    bool ok_ = false;                                       \
    for (int i_ = 0; i_ < 20000; i_++) {                    \
        if (cond) {                                         \
            ok_ = true;                                     \
            break;                                          \
        }                                                   \
        g_usleep(1000);                                     \
    }                                                       \
    ok_;                                                    \
})

/* Engine ---------------------------------------------------------------- */

static void mmu_setup(Maia *m)
{
    uint64_t l2 = GPA_PT + 0x2000;
    unsigned i;

    qtest_memset(m->qts, GPA_PT, 0, 0x3000);
    qtest_writeq(m->qts, GPA_PT, (GPA_PT + 0x1000) | MAIA_PTE_VALID);
    qtest_writeq(m->qts, GPA_PT + 0x1000, l2 | MAIA_PTE_VALID);
    for (i = 0; i < HBM_SIZE >> MAIA_BLOCK_SHIFT; i++) {
        qtest_writeq(m->qts, l2 + i * 8,
                     ((uint64_t)i << MAIA_BLOCK_SHIFT) | MAIA_PTE_VALID |
                     MAIA_PTE_READ | MAIA_PTE_WRITE | MAIA_PTE_LEAF |
                     MAIA_PTE_HBM);
    }
    qtest_writeq(m->qts, l2 + (VA_BUS >> MAIA_BLOCK_SHIFT) * 8,
                 GPA_PT | MAIA_PTE_VALID | MAIA_PTE_READ | MAIA_PTE_WRITE |
                 MAIA_PTE_LEAF);
    wr(m, MAIA_MMU_ROOT_HI(0), 0);
    wr(m, MAIA_MMU_ROOT_LO(0), GPA_PT | MAIA_MMU_ROOT_VALID);
}

static void ring_setup(Maia *m, unsigned r, unsigned order)
{
    wr(m, RING(r, MAIA_RING_CTRL), MAIA_RING_CTRL_RESET);
    qtest_memset(m->qts, GPA_RING(r), 0, 0x1000);
    qtest_memset(m->qts, GPA_COMPL(r), 0, 0x40);
    wr(m, RING(r, MAIA_RING_ADDR_LO), GPA_RING(r));
    wr(m, RING(r, MAIA_RING_ADDR_HI), 0);
    wr(m, RING(r, MAIA_RING_ORDER), order);
    wr(m, RING(r, MAIA_RING_COMPL_LO), GPA_COMPL(r));
    wr(m, RING(r, MAIA_RING_COMPL_HI), 0);
    wr(m, RING(r, MAIA_RING_CTRL), MAIA_RING_CTRL_ENABLE);
}

static void cmd_write(Maia *m, uint64_t gpa, uint32_t hdr, const uint64_t *a)
{
    uint8_t c[MAIA_CMD_SIZE] = { 0 };
    unsigned i;

    stq_le_p(c, hdr);
    for (i = 0; a && i < 7; i++) {
        stq_le_p(c + MAIA_CMD_ARG(i), a[i]);
    }
    qtest_memwrite(m->qts, gpa, c, sizeof(c));
}

/* Job descriptor at @idx of ring @r: @count commands at @ib (device VA). */
static void job_write(Maia *m, unsigned r, unsigned idx, uint64_t ib,
                      uint32_t count, uint64_t seq, uint32_t asid)
{
    struct maia_job_desc d = {
        .ib_addr = cpu_to_le64(ib),
        .ib_count = cpu_to_le32(count),
        .seq = cpu_to_le64(seq),
        .asid = cpu_to_le32(asid),
    };

    qtest_memwrite(m->qts, GPA_RING(r) + idx * sizeof(d), &d, sizeof(d));
}

static uint32_t ring_state(Maia *m, unsigned r)
{
    return rd(m, RING(r, MAIA_RING_STATUS)) & MAIA_RING_STATUS_STATE;
}

static uint32_t ring_err(Maia *m, unsigned r)
{
    return (rd(m, RING(r, MAIA_RING_STATUS)) & MAIA_RING_STATUS_ERR) >> 8;
}

static void engine_reset(Maia *m)
{
    wr(m, MAIA_REG_RESET, MAIA_RESET_MAGIC);
}

/* An IB of @n FILLs of all of HBM: keeps a ring busy for a while. */
static void ib_fills(Maia *m, unsigned r, unsigned n)
{
    uint64_t a[7] = { 0, HBM_SIZE, 0x5a5a5a5a };
    unsigned i;

    for (i = 0; i < n; i++) {
        cmd_write(m, GPA_IB(r) + i * MAIA_CMD_SIZE,
                  MAIA_CMD_HEADER(MAIA_OP_FILL, 0, 0, 0), a);
    }
}

static uint64_t compl_seq(Maia *m, unsigned r)
{
    return qtest_readq(m->qts, GPA_COMPL(r));
}

/*
 * Doorbells and ring registers beyond their ranges are ignored; a ring
 * in memory that is not there stops the ring with DMA_ERROR.
 */
static void test_ring_regs(void)
{
    Maia m;

    maia_start(&m);
    mmu_setup(&m);
    ring_setup(&m, 0, 4);
    /* doorbells at and beyond the ring size */
    wr(&m, MAIA_DOORBELL(0), 16);
    wr(&m, MAIA_DOORBELL(0), 0xffffffff);
    g_assert_cmpuint(rd(&m, RING(0, MAIA_RING_TAIL)), ==, 0);
    /* doorbells of absent rings and beyond the doorbell block */
    wr(&m, MAIA_DOORBELL(8), 1);
    wr(&m, MAIA_DOORBELL(MAIA_MAX_RINGS), 1);
    wr(&m, MAIA_DOORBELL_BASE + MAIA_DOORBELL_SIZE - 4, 0xffffffff);
    /* ORDER, PRIORITY, VECTOR out of range: ignored */
    wr(&m, RING(1, MAIA_RING_ORDER), 0);
    wr(&m, RING(1, MAIA_RING_ORDER), 17);
    wr(&m, RING(1, MAIA_RING_ORDER), 0xffffffff);
    g_assert_cmpuint(rd(&m, RING(1, MAIA_RING_ORDER)), ==,
                     MAIA_RING_ORDER_MIN);
    wr(&m, RING(1, MAIA_RING_PRIORITY), 0xffffffff);
    g_assert_cmpuint(rd(&m, RING(1, MAIA_RING_PRIORITY)), ==, 0);
    wr(&m, RING(1, MAIA_RING_VECTOR), MAIA_NUM_VECTORS);
    g_assert_cmpuint(rd(&m, RING(1, MAIA_RING_VECTOR)), ==,
                     MAIA_VEC_RING(1));
    wr(&m, MAIA_REG_INT_TEST, 0xffffffff);
    g_assert_cmpuint(rd(&m, MAIA_REG_INT_TEST_COUNT), ==, 0);
    /* geometry of a running ring is read-only */
    wr(&m, RING(0, MAIA_RING_ORDER), 8);
    g_assert_cmpuint(rd(&m, RING(0, MAIA_RING_ORDER)), ==, 4);

    /* a ring in memory that does not exist */
    wr(&m, RING(2, MAIA_RING_ADDR_LO), (uint32_t)GPA_BAD);
    wr(&m, RING(2, MAIA_RING_ADDR_HI), GPA_BAD >> 32);
    wr(&m, RING(2, MAIA_RING_ORDER), 4);
    wr(&m, RING(2, MAIA_RING_COMPL_LO), GPA_COMPL(2));
    wr(&m, RING(2, MAIA_RING_CTRL), MAIA_RING_CTRL_ENABLE);
    wr(&m, MAIA_DOORBELL(2), 15);
    g_assert(POLL_UNTIL(ring_state(&m, 2) == MAIA_RING_STATE_ERROR));
    g_assert_cmpuint(ring_err(&m, 2), ==, MAIA_JOB_DMA_ERROR);
    g_assert_cmpuint(rd(&m, RING(2, MAIA_RING_HEAD)), ==, 0);

    /* a completion record that cannot be written */
    ring_setup(&m, 3, 4);
    wr(&m, RING(3, MAIA_RING_CTRL), 0);
    wr(&m, RING(3, MAIA_RING_COMPL_LO), (uint32_t)GPA_BAD);
    wr(&m, RING(3, MAIA_RING_COMPL_HI), GPA_BAD >> 32);
    wr(&m, RING(3, MAIA_RING_CTRL), MAIA_RING_CTRL_ENABLE);
    cmd_write(&m, GPA_IB(3), MAIA_CMD_HEADER(MAIA_OP_NOP, 0, 0, 0), NULL);
    job_write(&m, 3, 0, BUS_VA(GPA_IB(3)), 1, 7, 0);
    wr(&m, MAIA_DOORBELL(3), 1);
    g_assert(POLL_UNTIL(ring_state(&m, 3) == MAIA_RING_STATE_ERROR));
    g_assert_cmpuint(ring_err(&m, 3), ==, MAIA_JOB_DMA_ERROR);
    assert_alive(&m);
    maia_stop(&m);
}

/* Hostile job descriptors and commands fail the job, nothing else. */
static void test_bad_jobs(void)
{
    static const struct {
        uint64_t ib;
        uint32_t count, asid, want;
    } jobs[] = {
        { BUS_VA(GPA_IB(0)), 0, 0, MAIA_JOB_BAD_ARGS },
        { BUS_VA(GPA_IB(0)), 0xffffffff, 0, MAIA_JOB_BAD_ARGS },
        { BUS_VA(GPA_IB(0)), 1, 99, MAIA_JOB_BAD_ARGS },
        { BUS_VA(GPA_IB(0)), 1, 5, MAIA_JOB_BAD_ARGS },  /* no root */
        { BUS_VA(GPA_IB(0)) + 8, 1, 0, MAIA_JOB_BAD_ARGS },
        { ~0ull << 6, 1, 0, MAIA_JOB_BAD_ARGS },
        { 0x7fff00000000ull, 1, 0, MAIA_JOB_MMU_FAULT },
    };
    /* GEMM: dims 0, above the maximum, lda < k, operands past the VA */
    static const uint64_t gemm[][7] = {
        { 0, 0, 0, 0, 0, 0, 0x3f800000 },
        { 0, 0, 0, 16385ull | 16ull << 32, 16 | 16ull << 32,
          16 | 16ull << 32, 0x3f800000 },
        { 0, 0, 0, 16 | 16ull << 32, 16 | 15ull << 32,
          16 | 16ull << 32, 0x3f800000 },
        { 0, 0, 0, 0xffffffffull | 0xffffffffull << 32, ~0ull, ~0ull,
          0x3f800000 },
        { 0xfffffffffff0ull, 0, 0, 16 | 16ull << 32, 16 | 0xffffffffull << 32,
          16 | 16ull << 32, 0x3f800000 },
    };
    Maia m;
    unsigned i, idx = 0;

    maia_start(&m);
    mmu_setup(&m);
    ring_setup(&m, 0, 6);
    cmd_write(&m, GPA_IB(0), MAIA_CMD_HEADER(MAIA_OP_NOP, 0, 0, 0), NULL);
    for (i = 0; i < ARRAY_SIZE(jobs); i++, idx++) {
        job_write(&m, 0, idx, jobs[i].ib, jobs[i].count, 100 + i,
                  jobs[i].asid);
        wr(&m, MAIA_DOORBELL(0), idx + 1);
        g_assert(POLL_UNTIL(ring_state(&m, 0) == MAIA_RING_STATE_ERROR));
        g_assert_cmpuint(ring_err(&m, 0), ==, jobs[i].want);
        g_assert_cmpuint(compl_seq(&m, 0), ==, 100 + i);
        wr(&m, RING(0, MAIA_RING_CTRL), MAIA_RING_CTRL_ENABLE);
    }
    for (i = 0; i < ARRAY_SIZE(gemm); i++, idx++) {
        cmd_write(&m, GPA_IB(0) + 64 * (i + 1),
                  MAIA_CMD_HEADER(MAIA_OP_GEMM, MAIA_DTYPE_FP32, 0, 0),
                  gemm[i]);
        job_write(&m, 0, idx, BUS_VA(GPA_IB(0)) + 64 * (i + 1), 1, 200 + i,
                  0);
        wr(&m, MAIA_DOORBELL(0), idx + 1);
        g_assert(POLL_UNTIL(ring_state(&m, 0) == MAIA_RING_STATE_ERROR));
        g_assert_cmpuint(ring_err(&m, 0), ==, MAIA_JOB_BAD_ARGS);
        wr(&m, RING(0, MAIA_RING_CTRL), MAIA_RING_CTRL_ENABLE);
    }
    g_assert_cmpuint(rd(&m, RING(0, MAIA_RING_FAULTS)), ==, idx);
    assert_alive(&m);
    maia_stop(&m);
}

/*
 * F5: a doorbell immediately followed by RESET. The reset must stop every
 * ring, including one whose worker had not fetched its job yet, so the
 * RESET returns although the job is a WAIT that never ends.
 *
 * The two writes go out in one socket write (libqtest waits for each
 * answer), so QEMU runs the RESET within microseconds of the doorbell.
 */
static int qtest_socket(void)
{
    int fd;

    for (fd = 3; fd < 1024; fd++) {
        struct sockaddr_un sa;
        socklen_t len = sizeof(sa);
        int listening = 0;
        socklen_t ll = sizeof(listening);

        if (getsockname(fd, (struct sockaddr *)&sa, &len) < 0 ||
            sa.sun_family != AF_UNIX ||
            getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &ll) < 0 ||
            listening) {
            continue;
        }
        if (g_str_has_suffix(sa.sun_path, ".sock")) {
            return fd;
        }
    }
    return -1;
}

static void pipelined(int fd, const char *cmds, unsigned answers)
{
    size_t len = strlen(cmds), off = 0;
    char c;

    while (off < len) {
        ssize_t n = write(fd, cmds + off, len - off);

        g_assert(n > 0);
        off += n;
    }
    while (answers) {
        g_assert(read(fd, &c, 1) == 1);
        if (c == '\n') {
            answers--;
        }
    }
}

static void test_reset_races_doorbell(void)
{
    Maia m;
    int fd, attempt;

    maia_start(&m);
    fd = qtest_socket();
    g_assert(fd >= 0);
    for (attempt = 0; attempt < 4; attempt++) {
        g_autofree char *cmds = NULL;
        uint64_t wait[7] = { BUS_VA(GPA_WORD), 1 };

        mmu_setup(&m);
        qtest_writeq(m.qts, GPA_WORD, 0);
        /* ring 1 busy, so that the reset has to wait */
        ring_setup(&m, 1, 4);
        ib_fills(&m, 1, 512);
        job_write(&m, 1, 0, BUS_VA(GPA_IB(1)), 512, 1, 0);
        wr(&m, MAIA_DOORBELL(1), 1);
        /* ring 0: a WAIT for a value nobody writes */
        ring_setup(&m, 0, 4);
        cmd_write(&m, GPA_IB(0), MAIA_CMD_HEADER(MAIA_OP_WAIT, 0, 0, 0),
                  wait);
        job_write(&m, 0, 0, BUS_VA(GPA_IB(0)), 1, 77, 0);
        g_usleep(2000);

        cmds = g_strdup_printf("writel 0x%" PRIx64 " 0x1\n"
                               "writel 0x%" PRIx64 " 0x%x\n",
                               m.bar0 + MAIA_DOORBELL(0),
                               m.bar0 + MAIA_REG_RESET, MAIA_RESET_MAGIC);
        pipelined(fd, cmds, 2);

        assert_alive(&m);
        g_assert_cmpuint(rd(&m, MAIA_REG_RESET_COUNT), ==, attempt + 1);
        g_assert_cmpuint(ring_state(&m, 0), ==, MAIA_RING_STATE_DISABLED);
        g_assert_cmpuint(rd(&m, RING(0, MAIA_RING_HEAD)), ==, 0);
        g_assert_cmpuint(rd(&m, RING(1, MAIA_RING_HEAD)), ==, 0);
        /* nothing of the dropped WAIT job runs on */
        qtest_writeq(m.qts, GPA_WORD, 1);
        g_usleep(20000);
        g_assert_cmpuint(compl_seq(&m, 0), ==, 0);
        g_assert_cmpuint(rd(&m, RING(0, MAIA_RING_JOBS_DONE)), ==, 0);
    }
    maia_stop(&m);
}

/* Link helpers ----------------------------------------------------------- */

static void txd_write(Maia *m, unsigned idx, uint64_t addr, uint32_t len,
                      uint32_t flags, uint16_t mss, uint16_t hdr)
{
    struct maia_txd d = {
        .addr = cpu_to_le64(addr),
        .len = cpu_to_le32(len),
        .flags = cpu_to_le32(flags),
        .mss = cpu_to_le16(mss),
        .hdr_len = cpu_to_le16(hdr),
        .l3_offset = cpu_to_le16(14),
        .l4_offset = cpu_to_le16(34),
    };

    qtest_memwrite(m->qts, GPA_TXR + idx * sizeof(d), &d, sizeof(d));
}

static void rxd_write(Maia *m, unsigned idx, uint64_t addr)
{
    union maia_rxd d = { .read.addr = cpu_to_le64(addr) };

    qtest_memwrite(m->qts, GPA_RXR + idx * sizeof(d), &d, sizeof(d));
}

static uint32_t rxd_status(Maia *m, unsigned idx)
{
    return qtest_readl(m->qts, GPA_RXR + idx * sizeof(union maia_rxd) + 12);
}

/* An Ethernet/IPv4/TCP frame of @len bytes at GPA_TXB (headers: 54). */
static void frame_write(Maia *m, size_t len)
{
    uint8_t h[54] = {
        0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2, 0x08, 0x00,
        0x45, 0, 0, 0, 0, 1, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 1,
        10, 0, 0, 2,
        0x03, 0xe8, 0x07, 0xd0, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x18,
        0xff, 0xff, 0, 0, 0, 0,
    };

    stw_be_p(h + 16, MIN(len - 14, 0xffff));
    qtest_memset(m->qts, GPA_TXB, 0x61, len);
    qtest_memwrite(m->qts, GPA_TXB, h, sizeof(h));
}

/* Port 0 enabled in loopback, queue pair 0 with RING_ENTRIES-entry rings */
static void port_setup(Maia *m)
{
    unsigned i;

    wr(m, PORT(MAIA_P_CTRL), MAIA_P_CTRL_ENABLE | MAIA_P_CTRL_LOOPBACK);
    wr(m, QP(0, MAIA_TXR_CTRL), 0);
    wr(m, QP(0, MAIA_RXR_CTRL), 0);
    wr(m, PORT(MAIA_P_MAX_FRAME), MAIA_MAX_FRAME_MAX);
    qtest_memset(m->qts, GPA_TXR, 0, RING_ENTRIES * sizeof(struct maia_txd));
    qtest_writel(m->qts, GPA_TXWB, 0xdeadbeef);
    wr(m, QP(0, MAIA_TXR_ADDR_LO), GPA_TXR);
    wr(m, QP(0, MAIA_TXR_ADDR_HI), 0);
    wr(m, QP(0, MAIA_TXR_SIZE), RING_ENTRIES);
    wr(m, QP(0, MAIA_TXR_WB_LO), GPA_TXWB);
    wr(m, QP(0, MAIA_TXR_WB_HI), 0);
    wr(m, QP(0, MAIA_TXR_CTRL), MAIA_TXR_CTRL_ENABLE);
    for (i = 0; i < RING_ENTRIES; i++) {
        rxd_write(m, i, GPA_RXB + i * RX_BUF);
    }
    wr(m, QP(0, MAIA_RXR_ADDR_LO), GPA_RXR);
    wr(m, QP(0, MAIA_RXR_ADDR_HI), 0);
    wr(m, QP(0, MAIA_RXR_SIZE), RING_ENTRIES);
    wr(m, QP(0, MAIA_RXR_BUF_LEN), RX_BUF);
    wr(m, QP(0, MAIA_RXR_CTRL), MAIA_RXR_CTRL_ENABLE);
    wr(m, QP(0, MAIA_RXR_TAIL), RING_ENTRIES - 1);
    g_assert_cmphex(rd(m, QP(0, MAIA_TXR_CTRL)), ==, MAIA_TXR_CTRL_ENABLE);
    g_assert_cmphex(rd(m, QP(0, MAIA_RXR_CTRL)), ==, MAIA_RXR_CTRL_ENABLE);
}

static uint32_t tx_head(Maia *m)
{
    return rd(m, QP(0, MAIA_TXR_HEAD));
}

static bool tx_error(Maia *m)
{
    return rd(m, QP(0, MAIA_TXR_CTRL)) & MAIA_TXR_CTRL_ERROR;
}

/*
 * F1/F11: ring geometry is checked when written and read-only while the
 * ring is enabled; RXR_BUF_LEN = 0 with looped-back traffic used to divide
 * by zero.
 */
static void test_rx_buf_len(void)
{
    static const uint32_t bad_len[] = { 0, 1, 255, 16385, 0x80000000,
                                        0xffffffff };
    static const uint32_t bad_size[] = { 0, 1, 32, 63, 65, 100, 8192,
                                         0x80000000, 0xffffffff };
    Maia m;
    unsigned i;

    maia_start(&m);
    port_setup(&m);
    /* while the ring runs: ignored */
    wr(&m, QP(0, MAIA_RXR_BUF_LEN), 0);
    frame_write(&m, 60);
    txd_write(&m, 0, GPA_TXB, 60, MAIA_TXD_EOP, 0, 0);
    wr(&m, QP(0, MAIA_TXR_TAIL), 1);
    g_assert(POLL_UNTIL(tx_head(&m) == 1));
    assert_alive(&m);
    g_assert_cmpuint(rd(&m, QP(0, MAIA_RXR_BUF_LEN)), ==, RX_BUF);
    g_assert_cmphex(rxd_status(&m, 0) & (MAIA_RXD_DD | MAIA_RXD_EOP), ==,
                    MAIA_RXD_DD | MAIA_RXD_EOP);
    g_assert_cmpuint(port_stat(&m, MAIA_STAT_RX_FRAMES), ==, 1);
    for (i = 0; i < ARRAY_SIZE(bad_size); i++) {
        wr(&m, QP(0, MAIA_RXR_SIZE), bad_size[i]);
        wr(&m, QP(0, MAIA_TXR_SIZE), bad_size[i]);
    }
    wr(&m, QP(0, MAIA_RXR_SIZE), 128);
    wr(&m, QP(0, MAIA_TXR_SIZE), 128);
    wr(&m, QP(0, MAIA_RXR_BUF_LEN), 4096);
    g_assert_cmpuint(rd(&m, QP(0, MAIA_RXR_SIZE)), ==, RING_ENTRIES);
    g_assert_cmpuint(rd(&m, QP(0, MAIA_TXR_SIZE)), ==, RING_ENTRIES);
    g_assert_cmpuint(rd(&m, QP(0, MAIA_RXR_BUF_LEN)), ==, RX_BUF);

    /* while it is disabled: out-of-range values are ignored too */
    wr(&m, QP(0, MAIA_RXR_CTRL), 0);
    wr(&m, QP(0, MAIA_TXR_CTRL), 0);
    for (i = 0; i < ARRAY_SIZE(bad_len); i++) {
        wr(&m, QP(0, MAIA_RXR_BUF_LEN), bad_len[i]);
        g_assert_cmpuint(rd(&m, QP(0, MAIA_RXR_BUF_LEN)), ==, RX_BUF);
    }
    for (i = 0; i < ARRAY_SIZE(bad_size); i++) {
        wr(&m, QP(0, MAIA_RXR_SIZE), bad_size[i]);
        wr(&m, QP(0, MAIA_TXR_SIZE), bad_size[i]);
        g_assert_cmpuint(rd(&m, QP(0, MAIA_RXR_SIZE)), ==, RING_ENTRIES);
        g_assert_cmpuint(rd(&m, QP(0, MAIA_TXR_SIZE)), ==, RING_ENTRIES);
    }
    /* and the ring still works with what it had */
    wr(&m, QP(0, MAIA_TXR_CTRL), MAIA_TXR_CTRL_ENABLE);
    wr(&m, QP(0, MAIA_RXR_CTRL), MAIA_RXR_CTRL_ENABLE);
    wr(&m, QP(0, MAIA_RXR_TAIL), RING_ENTRIES - 1);
    qtest_memset(m.qts, GPA_RXR, 0, RING_ENTRIES * 16);
    for (i = 0; i < RING_ENTRIES; i++) {
        rxd_write(&m, i, GPA_RXB + i * RX_BUF);
    }
    txd_write(&m, 0, GPA_TXB, 60, MAIA_TXD_EOP, 0, 0);
    wr(&m, QP(0, MAIA_TXR_TAIL), 1);
    g_assert(POLL_UNTIL(tx_head(&m) == 1));
    g_assert_cmphex(rxd_status(&m, 0) & (MAIA_RXD_DD | MAIA_RXD_EOP), ==,
                    MAIA_RXD_DD | MAIA_RXD_EOP);
    assert_alive(&m);
    maia_stop(&m);
}

/* Descriptors with bad lengths or addresses stop the ring with ERROR. */
static void test_tx_bad_desc(void)
{
    static const struct {
        uint64_t addr;
        uint32_t len;
        unsigned stat;
    } bad[] = {
        { GPA_TXB, 0, MAIA_STAT_TX_BAD_DESC },
        { GPA_TXB, 0xffffffff, MAIA_STAT_TX_BAD_DESC },
        { GPA_TXB, MAIA_TXD_LEN_MAX + 1, MAIA_STAT_TX_BAD_DESC },
        { GPA_BAD, 60, MAIA_STAT_TX_DMA_ERRORS },
        { ~0ull - 30, 60, MAIA_STAT_TX_DMA_ERRORS },
    };
    Maia m;
    unsigned i;

    maia_start(&m);
    frame_write(&m, 60);
    for (i = 0; i < ARRAY_SIZE(bad); i++) {
        uint64_t before;

        port_setup(&m);
        before = port_stat(&m, bad[i].stat);
        txd_write(&m, 0, bad[i].addr, bad[i].len, MAIA_TXD_EOP, 0, 0);
        wr(&m, QP(0, MAIA_TXR_TAIL), 1);
        g_assert(POLL_UNTIL(tx_error(&m)));
        g_assert_cmpuint(port_stat(&m, bad[i].stat), ==, before + 1);
        g_assert_cmpuint(tx_head(&m), ==, 0);
    }
    /* TAIL beyond the ring: ignored */
    port_setup(&m);
    wr(&m, QP(0, MAIA_TXR_TAIL), RING_ENTRIES);
    wr(&m, QP(0, MAIA_TXR_TAIL), 0xffffffff);
    wr(&m, QP(0, MAIA_RXR_TAIL), 0xffffffff);
    g_assert_cmpuint(rd(&m, QP(0, MAIA_TXR_TAIL)), ==, 0);
    g_assert_cmpuint(rd(&m, QP(0, MAIA_RXR_TAIL)), ==, RING_ENTRIES - 1);
    /* a TX ring that is not in memory */
    wr(&m, QP(0, MAIA_TXR_CTRL), 0);
    wr(&m, QP(0, MAIA_TXR_ADDR_LO), (uint32_t)GPA_BAD);
    wr(&m, QP(0, MAIA_TXR_ADDR_HI), GPA_BAD >> 32);
    wr(&m, QP(0, MAIA_TXR_CTRL), MAIA_TXR_CTRL_ENABLE);
    wr(&m, QP(0, MAIA_TXR_TAIL), 5);
    g_assert(POLL_UNTIL(tx_error(&m)));
    /* an RX buffer that is not in memory */
    port_setup(&m);
    rxd_write(&m, 0, GPA_BAD);
    txd_write(&m, 0, GPA_TXB, 60, MAIA_TXD_EOP, 0, 0);
    wr(&m, QP(0, MAIA_TXR_TAIL), 1);
    g_assert(POLL_UNTIL(rd(&m, QP(0, MAIA_RXR_CTRL)) &
                        MAIA_RXR_CTRL_ERROR));
    g_assert_cmpuint(port_stat(&m, MAIA_STAT_RX_DMA_ERRORS), ==, 1);
    assert_alive(&m);
    maia_stop(&m);
}

/*
 * F3: TSO fields outside the documented limits (MSS below
 * MAIA_TSO_MSS_MIN, HDR_LEN above MAIA_TSO_HDR_MAX) stop the ring before
 * any segment is made.
 */
static void test_tso_limits(void)
{
    static const struct {
        uint16_t mss, hdr;
    } bad[] = {
        { 0, 54 }, { 1, 9215 }, { 1, 54 }, { 63, 54 }, { 1000, 257 },
        { 64, 9152 },
    };
    const uint32_t half = MAIA_TX_MAX_PACKET / 2;
    Maia m;
    unsigned i;

    maia_start(&m);
    for (i = 0; i < ARRAY_SIZE(bad); i++) {
        uint64_t bad_desc;

        port_setup(&m);
        frame_write(&m, MAIA_TX_MAX_PACKET);
        bad_desc = port_stat(&m, MAIA_STAT_TX_BAD_DESC);
        /* four maximal packets of two descriptors each */
        for (unsigned p = 0; p < 4; p++) {
            txd_write(&m, 2 * p, GPA_TXB, half, MAIA_TXD_TSO, bad[i].mss,
                      bad[i].hdr);
            txd_write(&m, 2 * p + 1, GPA_TXB + half, half, MAIA_TXD_EOP, 0,
                      0);
        }
        wr(&m, QP(0, MAIA_TXR_TAIL), 8);
        g_assert(POLL_UNTIL(tx_error(&m) || tx_head(&m) == 8));
        assert_alive(&m);
        g_test_message("mss %u hdr %u: TX_TSO_SEGS %" PRIu64, bad[i].mss,
                       bad[i].hdr, port_stat(&m, MAIA_STAT_TX_TSO_SEGS));
        g_assert_true(tx_error(&m));
        g_assert_cmpuint(port_stat(&m, MAIA_STAT_TX_BAD_DESC), ==,
                         bad_desc + 1);
        g_assert_cmpuint(port_stat(&m, MAIA_STAT_TX_TSO_SEGS), ==, 0);
        wr(&m, PORT(MAIA_P_CTRL), MAIA_P_CTRL_RESET);
    }
    /* the limits themselves are fine: MSS 64, one segment per 64 bytes */
    port_setup(&m);
    frame_write(&m, MAIA_TX_MAX_PACKET);
    txd_write(&m, 0, GPA_TXB, half, MAIA_TXD_TSO, MAIA_TSO_MSS_MIN, 54);
    txd_write(&m, 1, GPA_TXB + half, half, MAIA_TXD_EOP, 0, 0);
    wr(&m, QP(0, MAIA_TXR_TAIL), 2);
    g_assert(POLL_UNTIL(tx_head(&m) == 2 || tx_error(&m)));
    g_assert_false(tx_error(&m));
    g_assert_cmpuint(port_stat(&m, MAIA_STAT_TX_TSO_SEGS), ==,
                     DIV_ROUND_UP(MAIA_TX_MAX_PACKET - 54, MAIA_TSO_MSS_MIN));
    assert_alive(&m);
    maia_stop(&m);
}

/* CPU time (clock ticks) QEMU has used so far. */
static uint64_t qemu_cpu_ticks(Maia *m)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/stat",
                                            (int)qtest_pid(m->qts));
    g_autofree char *text = NULL;
    g_auto(GStrv) f = NULL;
    char *p;

    g_assert(g_file_get_contents(path, &text, NULL, NULL));
    p = strrchr(text, ')');
    g_assert(p);
    f = g_strsplit(p + 2, " ", 0);
    /* fields 14 and 15 of stat(5); f[0] is field 3 */
    return g_ascii_strtoull(f[11], NULL, 10) +
           g_ascii_strtoull(f[12], NULL, 10);
}

/*
 * F4: a doorbell over a packet without EOP must leave the device idle
 * until the rest of the packet is posted (it used to spin on the ring).
 * Idle means: over two seconds QEMU uses less than a tenth of a CPU (a
 * spinning engine gets far more even on a loaded host; an idle QEMU under
 * qtest uses next to nothing).
 * The packet then completes normally; a chain longer than
 * MAIA_TX_MAX_DESCS without EOP stops the ring.
 */
static void test_tx_no_eop(void)
{
    const long hz = sysconf(_SC_CLK_TCK);
    uint64_t t0, used;
    Maia m;
    unsigned i;

    maia_start(&m);
    port_setup(&m);
    frame_write(&m, 120);
    txd_write(&m, 0, GPA_TXB, 60, 0, 0, 0);
    wr(&m, QP(0, MAIA_TXR_TAIL), 1);
    assert_alive(&m);
    t0 = qemu_cpu_ticks(&m);
    g_usleep(2 * G_USEC_PER_SEC);
    used = qemu_cpu_ticks(&m) - t0;
    g_test_message("QEMU used %" PRIu64 " of %ld ticks while idle", used,
                   2 * hz);
    g_assert_cmpuint(used, <, 2 * hz / 10);
    g_assert_cmpuint(tx_head(&m), ==, 0);
    g_assert_false(tx_error(&m));
    /* the rest of the packet */
    txd_write(&m, 1, GPA_TXB + 60, 60, MAIA_TXD_EOP, 0, 0);
    wr(&m, QP(0, MAIA_TXR_TAIL), 2);
    g_assert(POLL_UNTIL(tx_head(&m) == 2));
    g_assert_cmpuint(port_stat(&m, MAIA_STAT_TX_FRAMES), ==, 1);
    g_assert_cmpuint(qtest_readl(m.qts, GPA_TXWB), ==, 2);

    /* MAIA_TX_MAX_DESCS + 1 descriptors and no EOP (a larger ring) */
    port_setup(&m);
    wr(&m, QP(0, MAIA_TXR_CTRL), 0);
    wr(&m, QP(0, MAIA_TXR_SIZE), 2 * RING_ENTRIES);
    wr(&m, QP(0, MAIA_TXR_CTRL), MAIA_TXR_CTRL_ENABLE);
    for (i = 0; i <= MAIA_TX_MAX_DESCS; i++) {
        txd_write(&m, i, GPA_TXB, 60, 0, 0, 0);
    }
    wr(&m, QP(0, MAIA_TXR_TAIL), MAIA_TX_MAX_DESCS + 1);
    g_assert(POLL_UNTIL(tx_error(&m)));
    g_assert_cmpuint(tx_head(&m), ==, 0);
    assert_alive(&m);
    maia_stop(&m);
}

/*
 * F6: while the VM is stopped the port does nothing: a TX doorbell is
 * taken, but the packet goes out (and HEAD is written back) only after
 * the VM runs again.
 */
static void test_tx_while_stopped(void)
{
    Maia m;

    maia_start(&m);
    port_setup(&m);
    frame_write(&m, 60);
    qtest_qmp_assert_success(m.qts, "{ 'execute': 'stop' }");
    txd_write(&m, 0, GPA_TXB, 60, MAIA_TXD_EOP, 0, 0);
    wr(&m, QP(0, MAIA_TXR_TAIL), 1);
    g_usleep(100000);
    g_assert_cmpuint(tx_head(&m), ==, 0);
    g_assert_cmphex(qtest_readl(m.qts, GPA_TXWB), ==, 0xdeadbeef);
    g_assert_cmphex(rxd_status(&m, 0), ==, 0);
    g_assert_cmpuint(port_stat(&m, MAIA_STAT_TX_FRAMES), ==, 0);
    qtest_qmp_assert_success(m.qts, "{ 'execute': 'cont' }");
    g_assert(POLL_UNTIL(tx_head(&m) == 1));
    g_assert_cmpuint(qtest_readl(m.qts, GPA_TXWB), ==, 1);
    g_assert_cmphex(rxd_status(&m, 0) & MAIA_RXD_DD, ==, MAIA_RXD_DD);
    maia_stop(&m);
}

/*
 * F7: an MSI-X message of queue pair 0, aimed at the device's own RESET
 * register with the magic as data, sent by the interrupt moderation
 * timer: the reentrancy guard refuses it, so no reset happens.
 */
static void test_msix_at_own_bar(void)
{
    const unsigned vec = MAIA_VEC_PORT(0, 0);
    uint64_t entry;
    Maia m;

    maia_start(&m);
    qpci_msix_enable(m.dev);
    entry = m.dev->msix_table_off + vec * PCI_MSIX_ENTRY_SIZE;
    qpci_io_writel(m.dev, m.dev->msix_table_bar,
                   entry + PCI_MSIX_ENTRY_LOWER_ADDR,
                   (uint32_t)(m.bar0 + MAIA_REG_RESET));
    qpci_io_writel(m.dev, m.dev->msix_table_bar,
                   entry + PCI_MSIX_ENTRY_UPPER_ADDR, m.bar0 >> 32);
    qpci_io_writel(m.dev, m.dev->msix_table_bar,
                   entry + PCI_MSIX_ENTRY_DATA, MAIA_RESET_MAGIC);
    qpci_io_writel(m.dev, m.dev->msix_table_bar,
                   entry + PCI_MSIX_ENTRY_VECTOR_CTRL, 0);
    port_setup(&m);
    frame_write(&m, 60);
    wr(&m, QP(0, MAIA_QP_RX_USECS), 100);       /* fire from the timer */
    wr(&m, QP(0, MAIA_QP_TX_USECS), 100);
    wr(&m, QP(0, MAIA_QP_IRQ_ARM), 1);
    txd_write(&m, 0, GPA_TXB, 60, MAIA_TXD_EOP, 0, 0);
    wr(&m, QP(0, MAIA_TXR_TAIL), 1);
    g_assert(POLL_UNTIL(tx_head(&m) == 1));
    g_assert_cmpuint(rd(&m, QP(0, MAIA_QP_IRQS)), ==, 0);
    qtest_clock_step(m.qts, 1000000);
    assert_alive(&m);
    g_assert_cmpuint(rd(&m, MAIA_REG_RESET_COUNT), ==, 0);
    g_assert_cmpuint(rd(&m, QP(0, MAIA_QP_IRQS)), ==, 1);
    g_assert_cmphex(rd(&m, QP(0, MAIA_TXR_CTRL)), ==, MAIA_TXR_CTRL_ENABLE);
    maia_stop(&m);
}

/*
 * Reset while the engine runs GEMMs and the port a long TX batch: the
 * RESET write returns, and afterwards nothing runs on.
 */
static void test_reset_busy(void)
{
    uint64_t gemm[7] = {
        0, 4 << 20, 8 << 20, 1024 | 1024ull << 32, 1024 | 1024ull << 32,
        1024 | 1024ull << 32, 0x3f800000,
    };
    const uint32_t half = MAIA_TX_MAX_PACKET / 2;
    Maia m;
    unsigned i;

    maia_start(&m);
    mmu_setup(&m);
    ring_setup(&m, 0, 4);
    for (i = 0; i < 16; i++) {
        cmd_write(&m, GPA_IB(0) + i * 64,
                  MAIA_CMD_HEADER(MAIA_OP_GEMM, MAIA_DTYPE_FP32, 0, 0), gemm);
    }
    job_write(&m, 0, 0, BUS_VA(GPA_IB(0)), 16, 5, 0);
    wr(&m, MAIA_DOORBELL(0), 1);

    port_setup(&m);
    frame_write(&m, MAIA_TX_MAX_PACKET);
    for (i = 0; i < RING_ENTRIES / 2 - 1; i++) {
        txd_write(&m, 2 * i, GPA_TXB, half, MAIA_TXD_TSO, 1460, 54);
        txd_write(&m, 2 * i + 1, GPA_TXB + half, half, MAIA_TXD_EOP, 0, 0);
    }
    wr(&m, QP(0, MAIA_TXR_TAIL), RING_ENTRIES - 2);
    g_usleep(50000);
    g_assert_cmpuint(rd(&m, RING(0, MAIA_RING_JOBS_DONE)), ==, 0);

    engine_reset(&m);
    assert_alive(&m);
    g_assert_cmpuint(rd(&m, MAIA_REG_RESET_COUNT), ==, 1);
    g_assert_cmpuint(ring_state(&m, 0), ==, MAIA_RING_STATE_DISABLED);
    g_assert_cmpuint(tx_head(&m), ==, 0);
    g_assert_cmphex(rd(&m, QP(0, MAIA_TXR_CTRL)), ==, 0);
    /* the aborted job writes no record, now or later */
    g_usleep(100000);
    g_assert_cmpuint(compl_seq(&m, 0), ==, 0);
    g_assert_cmpuint(rd(&m, RING(0, MAIA_RING_JOBS_DONE)), ==, 0);
    /* and the device works again */
    mmu_setup(&m);
    ring_setup(&m, 0, 4);
    cmd_write(&m, GPA_IB(0), MAIA_CMD_HEADER(MAIA_OP_NOP, 0, 0, 0), NULL);
    job_write(&m, 0, 0, BUS_VA(GPA_IB(0)), 1, 6, 0);
    wr(&m, MAIA_DOORBELL(0), 1);
    g_assert(POLL_UNTIL(rd(&m, RING(0, MAIA_RING_JOBS_DONE)) == 1));
    g_assert_cmpuint(compl_seq(&m, 0), ==, 6);
    maia_stop(&m);
}

/*
 * Unplug (a guest-initiated ACPI eject, i440fx) while GEMMs, a WAIT that
 * never ends and a TX batch are in flight: unrealize stops everything and
 * QEMU goes on. (The race with a vCPU already inside BAR0, F2, needs real
 * vCPUs; the device then ignores the access, see maia.c.)
 */
static void test_unplug_busy(void)
{
    uint64_t gemm[7] = {
        0, 4 << 20, 8 << 20, 1024 | 1024ull << 32, 1024 | 1024ull << 32,
        1024 | 1024ull << 32, 0x3f800000,
    };
    uint64_t wait[7] = { BUS_VA(GPA_WORD), 1 };
    const uint32_t half = MAIA_TX_MAX_PACKET / 2;
    Maia m;
    unsigned i;

    maia_start_on(&m, "pc");
    mmu_setup(&m);
    qtest_writeq(m.qts, GPA_WORD, 0);
    ring_setup(&m, 0, 4);
    for (i = 0; i < 16; i++) {
        cmd_write(&m, GPA_IB(0) + i * 64,
                  MAIA_CMD_HEADER(MAIA_OP_GEMM, MAIA_DTYPE_FP32, 0, 0), gemm);
    }
    job_write(&m, 0, 0, BUS_VA(GPA_IB(0)), 16, 5, 0);
    wr(&m, MAIA_DOORBELL(0), 1);
    ring_setup(&m, 1, 4);
    cmd_write(&m, GPA_IB(1), MAIA_CMD_HEADER(MAIA_OP_WAIT, 0, 0, 0), wait);
    job_write(&m, 1, 0, BUS_VA(GPA_IB(1)), 1, 6, 0);
    wr(&m, MAIA_DOORBELL(1), 1);
    port_setup(&m);
    frame_write(&m, MAIA_TX_MAX_PACKET);
    for (i = 0; i < RING_ENTRIES / 2 - 1; i++) {
        txd_write(&m, 2 * i, GPA_TXB, half, MAIA_TXD_TSO, 1460, 54);
        txd_write(&m, 2 * i + 1, GPA_TXB + half, half, MAIA_TXD_EOP, 0, 0);
    }
    wr(&m, QP(0, MAIA_TXR_TAIL), RING_ENTRIES - 2);
    g_usleep(20000);

    qpci_unplug_acpi_device_test(m.qts, "maia0", 4);
    qtest_qmp_assert_success(m.qts, "{ 'execute': 'query-status' }");
    g_assert_cmphex(qpci_config_readw(m.dev, PCI_VENDOR_ID), ==, 0xffff);
    /* nothing of the device writes guest memory any more */
    qtest_writeq(m.qts, GPA_WORD, 1);
    g_usleep(20000);
    g_assert_cmpuint(compl_seq(&m, 1), ==, 0);
    maia_stop(&m);
}

/* Fuzzer ------------------------------------------------------------------ */

typedef struct Rng {
    uint64_t s;
} Rng;

static uint64_t rng_next(Rng *r)
{
    /* xorshift64* */
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return r->s * 0x2545f4914f6cdd1dull;
}

static uint32_t rng_below(Rng *r, uint32_t n)
{
    return rng_next(r) % n;
}

static uint64_t fuzz_value(Rng *r)
{
    static const uint64_t pool[] = {
        0, 1, 2, 3, 4, 63, 64, 65, 255, 256, 1024, 2048, 4096, 16384, 16385,
        0x7fffffff, 0x80000000, 0xffffffff, MAIA_RESET_MAGIC,
        GPA_TXR, GPA_RXR, GPA_TXB, GPA_RING(0), GPA_COMPL(0), GPA_PT | 1,
        GPA_BAD, ~0ull, VA_BUS, BUS_VA(GPA_IB(0)), BUS_VA(GPA_WORD),
    };

    switch (rng_below(r, 4)) {
    case 0:
        return pool[rng_below(r, ARRAY_SIZE(pool))];
    case 1:
        return 1ull << rng_below(r, 64);
    case 2:
        return rng_below(r, 128);
    default:
        return rng_next(r);
    }
}

/* Registers worth hitting (BAR0 offsets) */
static uint32_t fuzz_reg(Rng *r)
{
    static const uint32_t core[] = {
        MAIA_REG_SCRATCH, MAIA_REG_RESET, MAIA_REG_INT_CAUSE,
        MAIA_REG_INT_MASK, MAIA_REG_INT_TEST, MAIA_REG_ID,
        MAIA_REG_MMU_INV_ASID, MAIA_REG_MMU_INV_START_LO,
        MAIA_REG_MMU_INV_SIZE_LO, MAIA_REG_MMU_INV_CMD,
        MAIA_REG_MMU_FAULT_CLEAR, MAIA_REG_TEMP_MC, MAIA_REG_BUSY_NS_LO,
    };
    static const uint32_t port[] = {
        MAIA_P_CTRL, MAIA_P_LANE_LIMIT, MAIA_P_FEC, MAIA_P_MAX_FRAME,
        MAIA_P_INT_CAUSE, MAIA_P_INT_MASK, MAIA_P_EVT_LO, MAIA_P_EVT_HI,
        MAIA_P_RSS_CTRL, MAIA_P_RSS_INDIR_BASE, MAIA_P_RSS_KEY_BASE,
        MAIA_P_MOD_PAGE, MAIA_P_MOD_DATA + 0xfc, MAIA_P_DBG_LANE_KILL,
        MAIA_P_DBG_FIBER_PULLED, MAIA_P_DBG_LANE_SEL, MAIA_P_DBG_LANE_BER,
        MAIA_P_DBG_TEMP_MC, MAIA_P_STAT_BASE,
    };

    switch (rng_below(r, 8)) {
    case 0:
        return core[rng_below(r, ARRAY_SIZE(core))];
    case 1:
        return RING(rng_below(r, MAIA_MAX_RINGS),
                    rng_below(r, MAIA_RING_STRIDE / 4) * 4);
    case 2:
        return MAIA_DOORBELL(rng_below(r, 10));
    case 3:
        return MAIA_MMU_ROOT_LO(rng_below(r, MAIA_MAX_ASIDS)) +
               rng_below(r, 2) * 4;
    case 4:
        return MAIA_PORT_REG(rng_below(r, 2),
                             port[rng_below(r, ARRAY_SIZE(port))]);
    case 5:
    case 6:
        return QP(rng_below(r, MAIA_PORT_QPAIRS),
                  rng_below(r, MAIA_P_QP_STRIDE / 4) * 4);
    default:
        return rng_below(r, MAIA_REGS_SIZE / 4) * 4;
    }
}

/* Memory the device reads: rings, descriptors, command buffers, tables */
static uint64_t fuzz_mem(Rng *r)
{
    static const uint64_t area[][2] = {
        { GPA_RING(0), 0x100 }, { GPA_RING(1), 0x100 },
        { GPA_IB(0), 0x400 }, { GPA_TXR, 0x800 }, { GPA_RXR, 0x400 },
        { GPA_PT, 0x3000 }, { GPA_TXB, 0x100 }, { GPA_WORD, 8 },
    };
    unsigned a = rng_below(r, ARRAY_SIZE(area));

    return area[a][0] + (rng_below(r, area[a][1]) & ~7u);
}

/* Something the device can work on, so that the fuzzing gets past it. */
static void fuzz_baseline(Maia *m, Rng *r)
{
    static const uint32_t ops[] = {
        MAIA_OP_NOP, MAIA_OP_FILL, MAIA_OP_COPY, MAIA_OP_FENCE,
        MAIA_OP_WAIT, MAIA_OP_TIMESTAMP, MAIA_OP_GEMM, MAIA_OP_ELTWISE,
    };
    unsigned i, n;

    switch (rng_below(r, 3)) {
    case 0:
        mmu_setup(m);
        ring_setup(m, rng_below(r, 2), 4 + rng_below(r, 3));
        break;
    case 1:
        port_setup(m);
        frame_write(m, 64 + rng_below(r, 1400));
        break;
    default:
        n = 1 + rng_below(r, 8);
        for (i = 0; i < n; i++) {
            uint64_t a[7] = {
                BUS_VA(GPA_WORD), rng_below(r, 2) ? 64 : fuzz_value(r),
                rng_below(r, 4), 16 | 16ull << 32, 16 | 16ull << 32,
                16 | 16ull << 32, 0x3f800000,
            };
            uint32_t op = ops[rng_below(r, ARRAY_SIZE(ops))];

            a[rng_below(r, 7)] = fuzz_value(r);
            cmd_write(m, GPA_IB(0) + i * 64,
                      MAIA_CMD_HEADER(op, rng_below(r, 8) ? 0 :
                                      rng_below(r, 4), 0, 0), a);
        }
        job_write(m, rng_below(r, 2), rng_below(r, 4), BUS_VA(GPA_IB(0)),
                  n, rng_next(r), rng_below(r, 8) ? 0 : fuzz_value(r));
        break;
    }
}

static void fuzz_run(uint64_t seed, unsigned iters)
{
    Rng r = { .s = seed * 0x9e3779b97f4a7c15ull + 1 };
    Maia m;
    unsigned i;

    g_test_message("fuzz seed %" PRIu64 " iterations %u (replay: "
                   "MAIA_FUZZ_SEED=%" PRIu64 ")", seed, iters, seed);
    maia_start(&m);
    for (i = 0; i < iters; i++) {
        unsigned what = rng_below(&r, 100);

        if (what < 40) {
            wr(&m, fuzz_reg(&r), fuzz_value(&r));
        } else if (what < 55) {
            rd(&m, fuzz_reg(&r));
        } else if (what < 75) {
            qtest_writeq(m.qts, fuzz_mem(&r), fuzz_value(&r));
        } else if (what < 85) {
            if (rng_below(&r, 2)) {
                wr(&m, MAIA_DOORBELL(rng_below(&r, 2)), rng_below(&r, 70));
            } else {
                wr(&m, QP(rng_below(&r, 2), rng_below(&r, 2) ?
                          MAIA_TXR_TAIL : MAIA_RXR_TAIL),
                   rng_below(&r, 4) ? rng_below(&r, RING_ENTRIES) :
                   (uint32_t)fuzz_value(&r));
            }
        } else if (what < 90) {
            qtest_clock_step(m.qts, (1 + rng_below(&r, 200)) * 1000000ll);
        } else {
            fuzz_baseline(&m, &r);
        }
        if (i % 64 == 63) {
            assert_alive(&m);
        }
    }
    /* still a device: a reset returns and the registers answer */
    engine_reset(&m);
    assert_alive(&m);
    g_assert_cmphex(rd(&m, MAIA_REG_STATUS) & MAIA_STATUS_READY, ==,
                    MAIA_STATUS_READY);
    maia_stop(&m);
}

static unsigned fuzz_iters(void)
{
    const char *s = g_getenv("MAIA_FUZZ_ITERS");

    return s ? g_ascii_strtoull(s, NULL, 0) : 1500;
}

static void test_fuzz(gconstpointer data)
{
    fuzz_run((uintptr_t)data, fuzz_iters());
}

int main(int argc, char **argv)
{
    const char *replay = g_getenv("MAIA_FUZZ_SEED");
    unsigned i;

    g_test_init(&argc, &argv, NULL);
    if (replay) {
        qtest_add_data_func("maia/fuzz/replay",
                             (gconstpointer)(uintptr_t)
                             g_ascii_strtoull(replay, NULL, 0), test_fuzz);
        return g_test_run();
    }
    qtest_add_func("maia/engine/ring-registers", test_ring_regs);
    qtest_add_func("maia/engine/bad-jobs", test_bad_jobs);
    qtest_add_func("maia/engine/reset-races-doorbell",
                   test_reset_races_doorbell);
    qtest_add_func("maia/link/rx-buf-len", test_rx_buf_len);
    qtest_add_func("maia/link/tx-bad-descriptors", test_tx_bad_desc);
    qtest_add_func("maia/link/tso-limits", test_tso_limits);
    qtest_add_func("maia/link/tx-no-eop", test_tx_no_eop);
    qtest_add_func("maia/link/tx-while-stopped", test_tx_while_stopped);
    qtest_add_func("maia/link/msix-at-own-bar", test_msix_at_own_bar);
    qtest_add_func("maia/reset-while-busy", test_reset_busy);
    qtest_add_func("maia/unplug-while-busy", test_unplug_busy);
    for (i = 1; i <= 8; i++) {
        g_autofree char *name = g_strdup_printf("maia/fuzz/seed-%u", i);

        qtest_add_data_func(name, (gconstpointer)(uintptr_t)i, test_fuzz);
    }
    return g_test_run();
}
