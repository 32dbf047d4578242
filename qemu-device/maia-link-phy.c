/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Maia accelerator: optical ports, physical layer.
 *
 * One job: the physical side of a port, everything below the MAC: lanes,
 * link training and the link state machine, the FEC/BER model, the
 * module's CMIS memory, the port's temperature, and fault injection (the
 * P_DBG registers and the port<p>-* QOM properties).
 *
 * Lanes: a port has CONFIG.LANES MicroLED lanes of "lane-rate" Mb/s. A lane
 * can be dead (fault injection) or lost to errors (its pre-FEC BER makes
 * more than half of the RS(544,514) codewords uncorrectable). The link
 * runs on the lanes usable at both ends (optionally limited by
 * P_LANE_LIMIT); speed = active lanes x lane rate.
 *
 * Training: every 100 ms (virtual clock) a port whose transmitters are on
 * sends a training frame (MAIA_ETHERTYPE_TRAIN, struct
 * maia_train_payload; never given to the guest) with
 * its identity, the lanes it offers, its lane rate, FEC mode, per-lane
 * transmit power and whether it hears the peer. The link is up when the
 * peer was heard in the last 500 ms, the peer hears us, rate and FEC
 * agree and at least one lane is common. A pulled fiber, a port disabled
 * by its driver, all lanes dead or an over-temperature shutdown stop the
 * frames, so the far end sees the loss too (QEMU's set_link does not reach
 * the far end of a hub or socket).
 *
 * FEC model: symbol errors per codeword ~ Poisson(5440 * BER); t = 15.
 * While the link is up the counters advance at line rate (idle codewords
 * count as on real links); a data frame is dropped (RX FCS error) with the
 * probability that one of its codewords is uncorrectable. With FEC off a
 * frame is dropped if any of its bits is wrong.
 *
 * Module memory: a CMIS 5.0 paged memory map (OSFP identifier) built on
 * each read from the live state: lower page with temperature and Vcc,
 * pages 00h (identity), 01h (advertising), 02h (thresholds), 10h (lane
 * controls) and banked 11h (per-lane TX power, bias, RX power and flags).
 */

#include "qemu/osdep.h"
#include <math.h>
#include "qemu/log.h"
#include "qemu/cutils.h"
#include "qemu/bswap.h"
#include "qapi/error.h"
#include "qapi/visitor.h"
#include "qom/object.h"
#include "hw/pci/pci_device.h"
#include "net/net.h"
#include "net/eth.h"
#include "trace.h"
#include "maia.h"

#define TEMP_ALARM_HI_MC    75000
#define TEMP_WARN_HI_MC     70000
#define TX_PWR_NOMINAL      7080            /* 0.1 uW units: -1.5 dBm */
#define BIAS_NOMINAL        3000            /* 2 uA units: 6 mA */
#define LINK_LOSS           0.63            /* -2 dB fiber + connectors */
#define BER_UNIT            (1.0 / 1e10)    /* ber[] counts 1e-10 steps */
#define BER_NO_FEC_LOSS     (1.0 / 1e4)     /* FEC off: lane lost from here */

static const char *const reason_names[] = {
    [MAIA_LINK_DOWN_NONE] = "none",
    [MAIA_LINK_DOWN_DISABLED] = "disabled",
    [MAIA_LINK_DOWN_NO_PEER] = "no-peer",
    [MAIA_LINK_DOWN_NO_SIGNAL] = "no-signal",
    [MAIA_LINK_DOWN_TRAINING] = "training-failed",
    [MAIA_LINK_DOWN_ERRORS] = "too-many-errors",
    [MAIA_LINK_DOWN_OVERTEMP] = "over-temperature",
};

static uint32_t lanes_mask(MaiaPort *p)
{
    uint32_t n = maia_port_lanes(p);

    return n >= 32 ? UINT32_MAX : (1u << n) - 1;
}

static uint32_t lanes_alive(MaiaPort *p)
{
    return lanes_mask(p) & ~p->lane_kill;
}

/* The lowest @n set bits of @mask. */
static uint32_t lowest_bits(uint32_t mask, unsigned n)
{
    uint32_t out = 0;

    while (mask && n--) {
        out |= mask & -mask;
        mask &= mask - 1;
    }
    return out;
}

static uint32_t lanes_offered(MaiaPort *p)
{
    uint32_t m = lanes_alive(p) & ~p->err_lanes;

    return p->lane_limit ? lowest_bits(m, p->lane_limit) : m;
}

static bool peer_fresh(MaiaPort *p, int64_t now)
{
    /* while we hold frames back (no RX buffers) the peer is not timed out */
    return p->peer_seen &&
           (now - p->peer_last <= MAIA_PEER_TIMEOUT_NS || p->rx_stalled);
}

bool maia_phy_can_transmit(MaiaPort *p)
{
    return p->nic && (p->ctrl & MAIA_P_CTRL_ENABLE) && !p->fiber_pulled &&
           !p->overtemp && lanes_alive(p);
}

/* xorshift64*: deterministic per port, so runs are repeatable */
static double prng_double(MaiaPort *p)
{
    uint64_t x = p->prng;

    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    p->prng = x;
    return (double)((x * 0x2545f4914f6cdd1dULL) >> 11) / (double)(1ULL << 53);
}

/* BER model ---------------------------------------------------------------- */

static void update_survival(MaiaPort *p)
{
    double sum = 0, x;
    unsigned l, n = ctpop32(p->lanes_active);

    p->ber_any = false;
    for (l = 0; l < MAIA_PORT_LANES_MAX; l++) {
        if (!(p->lanes_active & (1u << l)) || !p->ber[l]) {
            continue;
        }
        p->ber_any = true;
        if (p->fec == MAIA_FEC_RS) {
            x = p->p_unc[l] / MAIA_FEC_CW_BITS;
        } else {
            x = p->ber[l] * BER_UNIT;
        }
        sum += log1p(-MIN(x, 0.999999));
    }
    p->ln_survive_bit = n ? sum / n : 0;
}

void maia_phy_update_ber(MaiaPort *p)
{
    unsigned l, k;
    double ber, lam, pmf, cum;

    p->err_lanes = 0;
    for (l = 0; l < MAIA_PORT_LANES_MAX; l++) {
        ber = p->ber[l] * BER_UNIT;
        p->p_unc[l] = p->p_corr[l] = p->e_bits[l] = 0;
        if (!p->ber[l]) {
            continue;
        }
        lam = 544.0 * -expm1(10.0 * log1p(-MIN(ber, 0.5)));
        pmf = exp(-lam);
        cum = pmf;
        for (k = 1; k <= MAIA_FEC_T; k++) {
            pmf *= lam / k;
            cum += pmf;
            p->p_corr[l] += pmf;
            p->e_bits[l] += k * pmf;
        }
        p->p_unc[l] = MAX(0.0, 1.0 - cum);
        if (p->fec == MAIA_FEC_RS ? p->p_unc[l] > 0.5
                                  : ber >= BER_NO_FEC_LOSS) {
            p->err_lanes |= 1u << l;
        }
    }
    update_survival(p);
}

bool maia_phy_rx_corrupt(MaiaPort *p, size_t size)
{
    double bits, p_drop;

    if (!p->ber_any) {
        return false;
    }
    bits = (size + 4) * 8.0;
    p_drop = -expm1(bits * p->ln_survive_bit);
    return prng_double(p) < p_drop;
}

/* fec_lane[l][i] and fec_frac[l][i] are kept in the register order */
QEMU_BUILD_BUG_ON(MAIA_FECL_CORRECTED != 0 * sizeof(uint64_t) ||
                  MAIA_FECL_UNCORRECTABLE != 1 * sizeof(uint64_t) ||
                  MAIA_FECL_CORRECTED_BITS != 2 * sizeof(uint64_t));
QEMU_BUILD_BUG_ON(MAIA_STAT_FEC_UNCORRECTABLE != MAIA_STAT_FEC_CORRECTED + 1 ||
                  MAIA_STAT_FEC_CORRECTED_BITS != MAIA_STAT_FEC_CORRECTED + 2);

static void fec_tick(MaiaPort *p, int64_t dt_ns)
{
    double cw = maia_port_lane_rate(p) * 1e6 * (dt_ns / 1e9) /
                MAIA_FEC_CW_BITS;
    double add[MAIA_FECL_COUNTERS];
    uint64_t whole;
    unsigned l, i;

    if (p->state != MAIA_LINK_STATE_UP || p->fec != MAIA_FEC_RS ||
        !p->ber_any) {
        return;
    }
    for (l = 0; l < MAIA_PORT_LANES_MAX; l++) {
        if (!(p->lanes_active & (1u << l)) || !p->ber[l]) {
            continue;
        }
        /* in the order of the MAIA_FECL_* and MAIA_STAT_FEC_* counters */
        add[0] = cw * p->p_corr[l];
        add[1] = cw * p->p_unc[l];
        add[2] = cw * p->e_bits[l];
        for (i = 0; i < MAIA_FECL_COUNTERS; i++) {
            p->fec_frac[l][i] += add[i];
            whole = (uint64_t)p->fec_frac[l][i];
            p->fec_frac[l][i] -= whole;
            p->fec_lane[l][i] += whole;
            p->stats[MAIA_STAT_FEC_CORRECTED + i] += whole;
        }
    }
}

/* Link state machine ------------------------------------------------------- */

static void set_link(MaiaPort *p, uint32_t state, uint32_t reason,
                     uint32_t lanes)
{
    uint32_t old = p->state;

    if (state == p->state && reason == p->reason && lanes == p->lanes_active) {
        return;
    }
    if (old == MAIA_LINK_STATE_UP && state != MAIA_LINK_STATE_UP) {
        p->link_downs++;
    } else if (old != MAIA_LINK_STATE_UP && state == MAIA_LINK_STATE_UP) {
        p->link_ups++;
    }
    if (state == MAIA_LINK_STATE_TRAINING && old != state) {
        p->trainings++;
        p->train_ticks = 0;
    }
    p->state = state;
    p->reason = reason;
    p->lanes_active = state == MAIA_LINK_STATE_UP ? lanes : 0;
    p->speed = ctpop32(p->lanes_active) * maia_port_lane_rate(p);
    update_survival(p);
    trace_maia_link_state(p->index, state, reason_names[reason],
                          ctpop32(p->lanes_active), p->speed);
    maia_port_link_event(p);
}

void maia_phy_evaluate(MaiaPort *p)
{
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    uint32_t offered = lanes_offered(p), common;
    uint32_t state = MAIA_LINK_STATE_DOWN, reason, lanes = 0;

    if (offered != p->adv_lanes) {
        p->adv_lanes = offered;
    }
    if (!(p->ctrl & MAIA_P_CTRL_ENABLE)) {
        reason = MAIA_LINK_DOWN_DISABLED;
    } else if (!p->nic || p->fiber_pulled) {
        reason = MAIA_LINK_DOWN_NO_PEER;
    } else if (p->overtemp) {
        reason = MAIA_LINK_DOWN_OVERTEMP;
    } else if (!lanes_alive(p) || !peer_fresh(p, now)) {
        reason = MAIA_LINK_DOWN_NO_SIGNAL;
    } else if (p->peer_rate != maia_port_lane_rate(p) ||
               p->peer_fec != p->fec) {
        reason = MAIA_LINK_DOWN_TRAINING;
    } else if (!(lanes_alive(p) & ~p->err_lanes) ||
               (p->peer_flags & MAIA_TRAIN_F_ERRORS)) {
        reason = MAIA_LINK_DOWN_ERRORS;
    } else {
        common = offered & p->peer_lanes;
        if (!common) {
            reason = MAIA_LINK_DOWN_TRAINING;
        } else if (!(p->peer_flags & MAIA_TRAIN_F_HEAR)) {
            state = MAIA_LINK_STATE_TRAINING;
            reason = p->train_ticks > MAIA_TRAIN_FAIL_TICKS ?
                     MAIA_LINK_DOWN_TRAINING : MAIA_LINK_DOWN_NONE;
        } else {
            state = MAIA_LINK_STATE_UP;
            reason = MAIA_LINK_DOWN_NONE;
            lanes = common;
        }
    }
    set_link(p, state, reason, lanes);
}

/* Training frames ---------------------------------------------------------- */

static uint16_t tx_power(MaiaPort *p, unsigned lane)
{
    double f;

    if (!(p->ctrl & MAIA_P_CTRL_ENABLE) || p->overtemp ||
        !(lanes_alive(p) & (1u << lane))) {
        return 0;
    }
    /* a fixed spread per lane, and LEDs lose efficiency when warm */
    f = 0.95 + ((maia_port_serial(p) >> (lane % 48)) ^ (lane * 7)) % 11 *
               0.01;
    f *= 1.0 - 0.004 * MAX(0, p->temp_mc - 40000) / 1000.0;
    return TX_PWR_NOMINAL * f;
}

static uint16_t bias(MaiaPort *p, unsigned lane)
{
    if (!tx_power(p, lane)) {
        return 0;
    }
    return BIAS_NOMINAL + MAX(0, p->temp_mc - 40000) / 100;
}

static uint16_t rx_power(MaiaPort *p, unsigned lane)
{
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);

    if (p->fiber_pulled || !(lanes_alive(p) & (1u << lane)) ||
        !peer_fresh(p, now) || lane >= MAIA_PORT_LANES_MAX) {
        return 0;
    }
    return p->peer_txpwr[lane] * LINK_LOSS;
}

void maia_phy_send_training(MaiaPort *p)
{
    static const uint8_t dst[ETH_ALEN] = MAIA_TRAIN_DST;
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    uint8_t f[ETH_HLEN + sizeof(struct maia_train_payload)];
    struct maia_train_payload t = {
        .magic = cpu_to_le32(MAIA_TRAIN_MAGIC),
        .version = MAIA_TRAIN_VERSION,
    };
    unsigned l;

    if (!maia_phy_can_transmit(p)) {
        return;
    }
    memcpy(f, dst, ETH_ALEN);
    memcpy(f + ETH_ALEN, p->conf.macaddr.a, ETH_ALEN);
    stw_be_p(f + 2 * ETH_ALEN, MAIA_ETHERTYPE_TRAIN);
    if (peer_fresh(p, now)) {
        t.flags |= MAIA_TRAIN_F_HEAR;
    }
    if (lanes_alive(p) && !(lanes_alive(p) & ~p->err_lanes)) {
        t.flags |= MAIA_TRAIN_F_ERRORS;
    }
    t.port = p->index;
    t.lanes = maia_port_lanes(p);
    t.serial = cpu_to_le64(maia_port_serial(p));
    t.offered = cpu_to_le32(p->adv_lanes);
    t.lane_rate = cpu_to_le32(maia_port_lane_rate(p));
    t.fec = cpu_to_le32(p->fec);
    t.seq = cpu_to_le32(++p->train_seq);
    for (l = 0; l < MAIA_PORT_LANES_MAX; l++) {
        t.tx_power[l] = cpu_to_le16(l < maia_port_lanes(p) ?
                                    tx_power(p, l) : 0);
    }
    memcpy(f + ETH_HLEN, &t, sizeof(t));
    p->stats[MAIA_STAT_TX_TRAINING]++;
    qemu_send_packet(qemu_get_queue(p->nic), f, sizeof(f));
}

bool maia_phy_rx_training(MaiaPort *p, const uint8_t *buf, size_t size)
{
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    struct maia_train_payload t;
    bool was_fresh, changed;
    uint64_t serial;
    unsigned l;

    if (size < ETH_HLEN + sizeof(t)) {
        return false;
    }
    memcpy(&t, buf + ETH_HLEN, sizeof(t));
    if (le32_to_cpu(t.magic) != MAIA_TRAIN_MAGIC ||
        t.version != MAIA_TRAIN_VERSION) {
        return false;
    }
    serial = le64_to_cpu(t.serial);
    if (serial == maia_port_serial(p) && t.port == p->index) {
        return false;           /* our own frame reflected back */
    }
    if (!(p->ctrl & MAIA_P_CTRL_ENABLE) || p->fiber_pulled ||
        !lanes_alive(p)) {
        return false;           /* receivers dark */
    }
    p->stats[MAIA_STAT_RX_TRAINING]++;
    was_fresh = peer_fresh(p, now);
    changed = !p->peer_seen || p->peer_serial != serial ||
              p->peer_port != t.port;
    p->peer_seen = true;
    p->peer_last = now;
    p->peer_serial = serial;
    p->peer_port = t.port;
    p->peer_flags = t.flags;
    p->peer_nlanes = t.lanes;
    p->peer_lanes = le32_to_cpu(t.offered);
    p->peer_rate = le32_to_cpu(t.lane_rate);
    p->peer_fec = le32_to_cpu(t.fec);
    for (l = 0; l < MAIA_PORT_LANES_MAX; l++) {
        p->peer_txpwr[l] = le16_to_cpu(t.tx_power[l]);
    }
    trace_maia_link_training_rx(p->index, serial, t.port, t.flags,
                                p->peer_lanes);
    if (!was_fresh || changed) {
        maia_phy_send_training(p);     /* tell the peer we hear it now */
    }
    maia_phy_evaluate(p);
    return true;
}

/* Telemetry ---------------------------------------------------------------- */

static void update_temperature(MaiaPort *p, int64_t dt_ns)
{
    double gbps = dt_ns ? p->tick_bytes * 8.0 / dt_ns : 0;
    bool was = p->overtemp;

    p->temp_mc = p->temp_base_mc;
    if (p->ctrl & MAIA_P_CTRL_ENABLE && !p->overtemp) {
        p->temp_mc += 150 * ctpop32(lanes_alive(p));
        p->temp_mc += MIN(3000, (int32_t)(gbps * 1000));
    }
    if (!p->overtemp && p->temp_mc >= TEMP_ALARM_HI_MC) {
        p->overtemp = true;
    } else if (p->overtemp && p->temp_mc < TEMP_WARN_HI_MC) {
        p->overtemp = false;
    }
    if (was != p->overtemp) {
        trace_maia_link_fault(p->index, "overtemp", p->overtemp);
        p->int_cause |= MAIA_P_INT_MODULE;
    }
}

void maia_phy_tick(MaiaPort *p, int64_t now, int64_t dt_ns)
{
    update_temperature(p, dt_ns);
    p->tick_bytes = 0;
    fec_tick(p, dt_ns);
    if (p->state == MAIA_LINK_STATE_TRAINING) {
        p->train_ticks++;
    }
    maia_phy_send_training(p);
    maia_phy_evaluate(p);
}

void maia_phy_init(MaiaPort *p)
{
    p->temp_base_mc = 40000;
    p->temp_mc = p->temp_base_mc;
    p->prng = 0x9e3779b97f4a7c15ULL ^ maia_port_serial(p) ^
              ((uint64_t)p->index << 56);
    p->lane_kill = 0;
    p->fiber_pulled = false;
    memset(p->ber, 0, sizeof(p->ber));
    maia_phy_update_ber(p);
}

void maia_phy_reset(MaiaPort *p)
{
    p->train_ticks = 0;
    p->state = MAIA_LINK_STATE_DOWN;
    p->reason = MAIA_LINK_DOWN_DISABLED;
    p->lanes_active = 0;
    p->speed = 0;
    maia_phy_update_ber(p);
    p->adv_lanes = lanes_offered(p);
}

void maia_phy_post_load(MaiaPort *p)
{
    maia_phy_update_ber(p);
    /* the peer gets a fresh grace period after an incoming migration */
    p->peer_last = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    update_survival(p);
}

/* Faults ------------------------------------------------------------------- */

static void fault_changed(MaiaPort *p, const char *what, uint64_t val)
{
    trace_maia_link_fault(p->index, what, val);
    update_temperature(p, 0);
    maia_phy_update_ber(p);
    maia_phy_evaluate(p);
    maia_phy_send_training(p);
}

static void set_lane_kill(MaiaPort *p, uint32_t mask)
{
    p->lane_kill = mask & lanes_mask(p);
    fault_changed(p, "lane-kill", p->lane_kill);
}

static void set_fiber(MaiaPort *p, bool pulled)
{
    p->fiber_pulled = pulled;
    if (pulled) {
        p->peer_seen = false;   /* nothing reaches us any more */
    }
    fault_changed(p, "fiber-pulled", pulled);
}

static void set_temp(MaiaPort *p, int32_t mc)
{
    p->temp_base_mc = MAX(-40000, MIN(150000, mc));
    fault_changed(p, "temperature", p->temp_base_mc);
}

uint64_t maia_phy_dbg_read(MaiaPort *p, hwaddr reg)
{
    switch (reg) {
    case MAIA_P_DBG_LANE_KILL:
        return p->lane_kill;
    case MAIA_P_DBG_FIBER_PULLED:
        return p->fiber_pulled;
    case MAIA_P_DBG_LANE_SEL:
        return p->dbg_lane_sel;
    case MAIA_P_DBG_LANE_BER:
        return p->ber[p->dbg_lane_sel];
    case MAIA_P_DBG_TEMP_MC:
        return (uint32_t)p->temp_base_mc;
    default:
        return 0;
    }
}

void maia_phy_dbg_write(MaiaPort *p, hwaddr reg, uint32_t val)
{
    switch (reg) {
    case MAIA_P_DBG_LANE_KILL:
        set_lane_kill(p, val);
        break;
    case MAIA_P_DBG_FIBER_PULLED:
        set_fiber(p, val & 1);
        break;
    case MAIA_P_DBG_LANE_SEL:
        if (val >= maia_port_lanes(p)) {
            qemu_log_mask(LOG_GUEST_ERROR, "maia: port %u: no lane %u\n",
                          p->index, val);
            break;
        }
        p->dbg_lane_sel = val;
        break;
    case MAIA_P_DBG_LANE_BER:
        p->ber[p->dbg_lane_sel] = val;
        fault_changed(p, "ber", val);
        break;
    case MAIA_P_DBG_TEMP_MC:
        set_temp(p, (int32_t)val);
        break;
    default:
        qemu_log_mask(LOG_GUEST_ERROR, "maia: port %u: write 0x%x to "
                      "unknown register 0x%03" HWADDR_PRIx "\n", p->index,
                      val, reg);
        break;
    }
}

/*
 * QOM properties: port<p>-lane-kill, -fiber-pulled, -ber, -temperature (rw);
 * port<p>-link, -fec-corrected, -fec-uncorrectable, -rx-fcs-errors (ro).
 */

static void prop_get_lane_kill(Object *obj, Visitor *v, const char *name,
                               void *opaque, Error **errp)
{
    MaiaPort *p = opaque;

    visit_type_uint32(v, name, &p->lane_kill, errp);
}

static void prop_set_lane_kill(Object *obj, Visitor *v, const char *name,
                               void *opaque, Error **errp)
{
    uint32_t val;

    if (visit_type_uint32(v, name, &val, errp)) {
        set_lane_kill(opaque, val);
    }
}

static void prop_get_fiber(Object *obj, Visitor *v, const char *name,
                           void *opaque, Error **errp)
{
    MaiaPort *p = opaque;

    visit_type_bool(v, name, &p->fiber_pulled, errp);
}

static void prop_set_fiber(Object *obj, Visitor *v, const char *name,
                           void *opaque, Error **errp)
{
    bool val;

    if (visit_type_bool(v, name, &val, errp)) {
        set_fiber(opaque, val);
    }
}

static void prop_get_temp(Object *obj, Visitor *v, const char *name,
                          void *opaque, Error **errp)
{
    MaiaPort *p = opaque;

    visit_type_int32(v, name, &p->temp_base_mc, errp);
}

static void prop_set_temp(Object *obj, Visitor *v, const char *name,
                          void *opaque, Error **errp)
{
    int32_t val;

    if (visit_type_int32(v, name, &val, errp)) {
        set_temp(opaque, val);
    }
}

static uint32_t ber_units(double ber)
{
    ber = ber * 1e10 + 0.5;
    return ber >= UINT32_MAX ? UINT32_MAX : (uint32_t)ber;
}

static void prop_get_ber(Object *obj, Visitor *v, const char *name,
                         void *opaque, Error **errp)
{
    MaiaPort *p = opaque;
    g_autoptr(GString) out = g_string_new("");
    g_autofree char *str = NULL;
    unsigned l;

    for (l = 0; l < maia_port_lanes(p); l++) {
        if (p->ber[l]) {
            g_string_append_printf(out, "%s%u:%g", out->len ? "," : "", l,
                                   p->ber[l] * BER_UNIT);
        }
    }
    str = g_string_free(g_steal_pointer(&out), false);
    visit_type_str(v, name, &str, errp);
}

/* "1e-6" sets every lane, "3:1e-4,5:0" the lanes named; "0" clears all. */
static void prop_set_ber(Object *obj, Visitor *v, const char *name,
                         void *opaque, Error **errp)
{
    MaiaPort *p = opaque;
    g_autofree char *str = NULL;
    g_auto(GStrv) items = NULL;
    uint32_t ber[MAIA_PORT_LANES_MAX];
    char *end, *colon;
    unsigned l, i;
    double val;

    if (!visit_type_str(v, name, &str, errp)) {
        return;
    }
    memcpy(ber, p->ber, sizeof(ber));
    items = g_strsplit(str, ",", -1);
    for (i = 0; items[i]; i++) {
        colon = strchr(items[i], ':');
        if (colon) {
            const char *lend;

            if (qemu_strtoui(items[i], &lend, 10, &l) || lend != colon ||
                l >= maia_port_lanes(p)) {
                error_setg(errp, "%s: bad lane in '%s'", name, items[i]);
                return;
            }
        }
        val = g_ascii_strtod(colon ? colon + 1 : items[i], &end);
        if (*end || val < 0 || val > 0.4) {
            error_setg(errp, "%s: bad BER in '%s' (0 .. 0.4)", name,
                       items[i]);
            return;
        }
        if (colon) {
            ber[l] = ber_units(val);
        } else {
            for (l = 0; l < MAIA_PORT_LANES_MAX; l++) {
                ber[l] = ber_units(val);
            }
        }
    }
    memcpy(p->ber, ber, sizeof(ber));
    fault_changed(p, "ber", 0);
}

static void prop_get_link(Object *obj, Visitor *v, const char *name,
                          void *opaque, Error **errp)
{
    MaiaPort *p = opaque;
    g_autofree char *str = NULL;

    if (p->state == MAIA_LINK_STATE_UP) {
        str = g_strdup_printf("up %u %u", ctpop32(p->lanes_active), p->speed);
    } else {
        str = g_strdup_printf("%s %s", p->state == MAIA_LINK_STATE_TRAINING ?
                              "training" : "down", reason_names[p->reason]);
    }
    visit_type_str(v, name, &str, errp);
}

static void prop_get_stat(Object *obj, Visitor *v, const char *name,
                          void *opaque, Error **errp)
{
    uint64_t val = *(uint64_t *)opaque;

    visit_type_uint64(v, name, &val, errp);
}

void maia_phy_realize(MaiaState *s)
{
    Object *obj = OBJECT(s);
    unsigned i;

    for (i = 0; i < s->link.nports; i++) {
        MaiaPort *p = &s->link.port[i];
        g_autofree char *kill = g_strdup_printf("port%u-lane-kill", i);
        g_autofree char *fiber = g_strdup_printf("port%u-fiber-pulled", i);
        g_autofree char *ber = g_strdup_printf("port%u-ber", i);
        g_autofree char *temp = g_strdup_printf("port%u-temperature", i);
        g_autofree char *link = g_strdup_printf("port%u-link", i);
        g_autofree char *fc = g_strdup_printf("port%u-fec-corrected", i);
        g_autofree char *fu = g_strdup_printf("port%u-fec-uncorrectable", i);
        g_autofree char *fcs = g_strdup_printf("port%u-rx-fcs-errors", i);

        object_property_add(obj, kill, "uint32", prop_get_lane_kill,
                            prop_set_lane_kill, NULL, p);
        object_property_set_description(obj, kill,
            "Mask of dead lanes (1 = LED and detector of the lane failed)");
        object_property_add(obj, fiber, "bool", prop_get_fiber,
                            prop_set_fiber, NULL, p);
        object_property_set_description(obj, fiber,
            "Fiber pulled at this port (both ends lose the link)");
        object_property_add(obj, ber, "str", prop_get_ber, prop_set_ber,
                            NULL, p);
        object_property_set_description(obj, ber,
            "Pre-FEC bit error rate: '1e-6' for every lane, "
            "'LANE:BER,...' per lane, '0' clears");
        object_property_add(obj, temp, "int32", prop_get_temp,
                            prop_set_temp, NULL, p);
        object_property_set_description(obj, temp,
            "Module base temperature, milli-degrees C "
            "(transmitters shut down at 75 C)");
        object_property_add(obj, link, "str", prop_get_link, NULL, NULL, p);
        object_property_add(obj, fc, "uint64", prop_get_stat, NULL, NULL,
                            &p->stats[MAIA_STAT_FEC_CORRECTED]);
        object_property_add(obj, fu, "uint64", prop_get_stat, NULL, NULL,
                            &p->stats[MAIA_STAT_FEC_UNCORRECTABLE]);
        object_property_add(obj, fcs, "uint64", prop_get_stat, NULL, NULL,
                            &p->stats[MAIA_STAT_RX_FCS_ERRORS]);
    }
}

/* CMIS module memory ------------------------------------------------------- */

static void put_str(uint8_t *m, unsigned off, unsigned len, const char *s)
{
    size_t n = strlen(s);

    memset(m + off, ' ', len);
    memcpy(m + off, s, MIN(n, len));
}

static void mod_lower(MaiaPort *p, uint8_t *m)
{
    int32_t t = p->temp_mc;
    uint8_t flags = 0;

    m[0] = 0x19;                        /* OSFP 8X */
    m[1] = 0x50;                        /* CMIS 5.0 */
    m[2] = 0x00;                        /* paged memory */
    m[3] = 0x03 << 1;                   /* ModuleReady */
    if (t >= TEMP_ALARM_HI_MC) {
        flags |= 0x01;
    }
    if (t >= TEMP_WARN_HI_MC) {
        flags |= 0x04;
    }
    m[9] = flags;
    stw_be_p(m + 14, (int16_t)((int64_t)t * 256 / 1000));
    stw_be_p(m + 16, 33000);            /* 3.3 V in 100 uV */
    m[85] = 0x01;                       /* multimode fiber media */
}

static void mod_page00(MaiaPort *p, uint8_t *m)
{
    char buf[32];

    m[128] = 0x19;
    put_str(m, 129, 16, "MAIA OPTICS");
    snprintf(buf, sizeof(buf), "MLED-OSFP-%uX%uG", maia_port_lanes(p),
             maia_port_lane_rate(p) / 1000);
    put_str(m, 148, 16, buf);
    put_str(m, 164, 2, "A0");
    snprintf(buf, sizeof(buf), "ML%012" PRIX64 "P%u",
             (uint64_t)(maia_port_serial(p) & 0xffffffffffffULL), p->index);
    put_str(m, 166, 16, buf);
    put_str(m, 182, 8, "261122");
    put_str(m, 190, 10, "");
    m[200] = 2 << 5;                    /* power class 3 */
    m[201] = 14;                        /* 3.5 W */
    m[202] = 0;                         /* separable module */
    m[203] = 0x0d;                      /* MPO 2x16 */
    m[212] = 0x08;                      /* others: MicroLED */
}

static void mod_page01(MaiaPort *p, uint8_t *m)
{
    unsigned lanes = maia_port_lanes(p);

    m[128] = 1;                         /* firmware 1.0 */
    m[129] = 0;
    m[135] = 5;                         /* OM3: 10 m */
    stw_be_p(m + 138, 450 * 20);        /* 450 nm in 0.05 nm */
    stw_be_p(m + 140, 20 * 200);        /* +-20 nm in 0.005 nm */
    m[142] = lanes > 16 ? 2 : lanes > 8 ? 1 : 0;      /* banks */
    m[151] = 0x10;                      /* RX power is average power */
    m[159] = 0x03;                      /* temperature, Vcc monitors */
    m[160] = 0x07;                      /* bias, TX power, RX power */
}

static void mod_page02(MaiaPort *p, uint8_t *m)
{
    static const uint16_t thr[] = {
        /* 128: temperature (1/256 C), Vcc (100 uV) */
        75 * 256, (uint16_t)(-5 * 256), 70 * 256, 0,
        36300, 29700, 34650, 31350,
    };
    static const uint16_t lane_thr[] = {
        /* 176: TX power, bias, RX power: high/low alarm, high/low warn */
        25119, 1585, 19953, 1995,
        6000, 500, 5000, 1000,
        25119, 631, 19953, 1000,
    };
    unsigned i;

    for (i = 0; i < ARRAY_SIZE(thr); i++) {
        stw_be_p(m + 128 + 2 * i, thr[i]);
    }
    for (i = 0; i < ARRAY_SIZE(lane_thr); i++) {
        stw_be_p(m + 176 + 2 * i, lane_thr[i]);
    }
}

static void mod_page10(MaiaPort *p, uint8_t *m, unsigned bank)
{
    unsigned i, lane;

    for (i = 0; i < 8; i++) {
        lane = bank * 8 + i;
        if (lane < maia_port_lanes(p) && (p->lane_kill & (1u << lane))) {
            m[130] |= 1u << i;          /* TX disabled */
        }
    }
}

static void mod_page11(MaiaPort *p, uint8_t *m, unsigned bank)
{
    unsigned i, lane;
    uint16_t tx, b, rx;

    for (i = 0; i < 8; i++) {
        lane = bank * 8 + i;
        if (lane >= maia_port_lanes(p)) {
            break;
        }
        tx = tx_power(p, lane);
        b = bias(p, lane);
        rx = rx_power(p, lane);
        /* data path state: 4 = activated, 1 = deactivated */
        m[128 + i / 2] |= (p->lanes_active & (1u << lane) ? 4 : 1) <<
                          (4 * (i % 2));
        if (tx > 25119) {
            m[139] |= 1u << i;
        }
        if (tx < 1585) {
            m[140] |= 1u << i;
        }
        if (tx > 19953) {
            m[141] |= 1u << i;
        }
        if (tx < 1995) {
            m[142] |= 1u << i;
        }
        if (b > 6000) {
            m[143] |= 1u << i;
        }
        if (b < 500) {
            m[144] |= 1u << i;
        }
        if (b > 5000) {
            m[145] |= 1u << i;
        }
        if (b < 1000) {
            m[146] |= 1u << i;
        }
        if (!rx) {
            m[147] |= 1u << i;          /* RX LOS */
        }
        if (rx > 25119) {
            m[149] |= 1u << i;
        }
        if (rx < 631) {
            m[150] |= 1u << i;
        }
        if (rx > 19953) {
            m[151] |= 1u << i;
        }
        if (rx < 1000) {
            m[152] |= 1u << i;
        }
        stw_be_p(m + 154 + 2 * i, tx);
        stw_be_p(m + 170 + 2 * i, b);
        stw_be_p(m + 186 + 2 * i, rx);
    }
}

uint32_t maia_phy_mod_read(MaiaPort *p, unsigned offset)
{
    uint8_t m[MAIA_MOD_WINDOW] = { 0 };
    unsigned page = MAIA_FIELD_GET(MAIA_MOD_PAGE_PAGE, p->mod_page);
    unsigned bank = MAIA_FIELD_GET(MAIA_MOD_PAGE_BANK, p->mod_page);
    unsigned banks = DIV_ROUND_UP(maia_port_lanes(p), 8);

    mod_lower(p, m);
    switch (page) {
    case 0x00:
        mod_page00(p, m);
        break;
    case 0x01:
        mod_page01(p, m);
        break;
    case 0x02:
        mod_page02(p, m);
        break;
    case 0x10:
        if (bank < banks) {
            mod_page10(p, m, bank);
        }
        break;
    case 0x11:
        if (bank < banks) {
            mod_page11(p, m, bank);
        }
        break;
    default:
        break;
    }
    return ldl_le_p(m + (offset & ~3u));
}
