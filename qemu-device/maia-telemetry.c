/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Maia accelerator: engine telemetry.
 *
 * One job: the thermal, power and utilization model of the engine and
 * what shows it, the read-only telemetry block (MAIA_TELEMETRY_BASE) and
 * the QOM properties temperature-mc, power-mw, utilization, busy-ns and
 * jobs.
 *
 * Temperature and power follow the load (busy execution units / all
 * units) with first-order lags; utilization is the busy share of the last
 * MAIA_UTIL_WINDOW_NS in MAIA_UTIL_BUCKETS buckets. The model advances
 * lazily: whenever the load changes (a unit is taken or released) and
 * whenever it is read. The model state is under the engine lock.
 */

#include "qemu/osdep.h"
#include <math.h>
#include "qapi/visitor.h"
#include "maia-engine.h"

static void maia_tele_reset_window(MaiaTelemetry *t, int64_t now)
{
    const int64_t w = MAIA_UTIL_WINDOW_NS / MAIA_UTIL_BUCKETS;

    memset(t->bucket, 0, sizeof(t->bucket));
    t->bucket_cur = 0;
    t->bucket_start = now - now % w;
    t->last_ns = now;
}

/*
 * Bring the model up to @now. The load over [last_ns, now) is what the
 * units were doing since the last change, which is when this runs.
 */
void maia_tele_advance_locked(MaiaEngine *e, int64_t now)
{
    MaiaTelemetry *t = &e->tele;
    const int64_t w = MAIA_UTIL_WINDOW_NS / MAIA_UTIL_BUCKETS;
    unsigned busy_units = MAIA_ENGINE_UNITS - e->units_free;
    double load = (double)busy_units / MAIA_ENGINE_UNITS;
    int64_t dt = now - t->last_ns, pos;
    double target;

    if (dt <= 0) {
        if (dt < 0) {
            maia_tele_reset_window(t, now);     /* clock moved back */
        }
        return;
    }
    target = MAIA_TEMP_IDLE_MC + MAIA_TEMP_LOAD_MC * load;
    t->temp_mc = target + (t->temp_mc - target) *
                          exp(-(double)dt / MAIA_TEMP_TAU_NS);
    target = MAIA_POWER_IDLE_MW + MAIA_POWER_LOAD_MW * load;
    t->power_mw = target + (t->power_mw - target) *
                           exp(-(double)dt / MAIA_POWER_TAU_NS);
    if (busy_units) {
        t->busy_ns += dt;
    }

    if (now - t->bucket_start >= MAIA_UTIL_WINDOW_NS + w) {
        /* The whole window passed in one state. */
        unsigned i;

        for (i = 0; i < MAIA_UTIL_BUCKETS; i++) {
            t->bucket[i] = busy_units ? w : 0;
        }
        t->bucket_cur = 0;
        t->bucket_start = now - now % w;
        t->bucket[0] = busy_units ? now - t->bucket_start : 0;
        t->last_ns = now;
        return;
    }
    pos = t->last_ns;
    while (pos < now) {
        int64_t end = t->bucket_start + w, seg;

        if (pos >= end) {
            t->bucket_cur = (t->bucket_cur + 1) % MAIA_UTIL_BUCKETS;
            t->bucket[t->bucket_cur] = 0;
            t->bucket_start = end;
            continue;
        }
        seg = MIN(now, end) - pos;
        if (busy_units) {
            t->bucket[t->bucket_cur] += seg;
        }
        pos += seg;
    }
    t->last_ns = now;
}

static uint32_t maia_tele_util_locked(MaiaEngine *e)
{
    MaiaTelemetry *t = &e->tele;
    const int64_t w = MAIA_UTIL_WINDOW_NS / MAIA_UTIL_BUCKETS;
    uint64_t busy = 0, span;
    unsigned i;

    for (i = 0; i < MAIA_UTIL_BUCKETS; i++) {
        busy += t->bucket[i];
    }
    span = (MAIA_UTIL_BUCKETS - 1) * w + (t->last_ns - t->bucket_start);
    return span ? MIN(100, (busy * 100 + span / 2) / span) : 0;
}

enum {
    MAIA_TELE_TEMP,
    MAIA_TELE_POWER,
    MAIA_TELE_UTIL,
    MAIA_TELE_BUSY,
    MAIA_TELE_JOBS,
};

static uint64_t maia_tele_value(MaiaEngine *e, unsigned what)
{
    uint64_t val = 0;

    qemu_mutex_lock(&e->lock);
    maia_tele_advance_locked(e, maia_now());
    switch (what) {
    case MAIA_TELE_TEMP:
        val = llround(e->tele.temp_mc);
        break;
    case MAIA_TELE_POWER:
        val = llround(e->tele.power_mw);
        break;
    case MAIA_TELE_UTIL:
        val = maia_tele_util_locked(e);
        break;
    case MAIA_TELE_BUSY:
        val = e->tele.busy_ns;
        break;
    case MAIA_TELE_JOBS:
        val = e->tele.jobs;
        break;
    }
    qemu_mutex_unlock(&e->lock);
    return val;
}

/* A register of the telemetry block (MAIA_TELEMETRY_BASE); 0 if none. */
uint32_t maia_tele_read(MaiaEngine *e, hwaddr addr)
{
    uint64_t v;
    uint32_t val = 0;

    qemu_mutex_lock(&e->lock);
    maia_tele_advance_locked(e, maia_now());
    switch (addr) {
    case MAIA_REG_TEMP_MC:
        val = llround(e->tele.temp_mc);
        break;
    case MAIA_REG_POWER_MW:
        val = llround(e->tele.power_mw);
        break;
    case MAIA_REG_UTIL_PCT:
        val = maia_tele_util_locked(e);
        break;
    case MAIA_REG_BUSY_NS_LO:
        v = e->tele.busy_ns;
        e->tele.busy_hi_latch = v >> 32;
        val = v;
        break;
    case MAIA_REG_BUSY_NS_HI:
        val = e->tele.busy_hi_latch;
        break;
    case MAIA_REG_JOBS_LO:
        v = e->tele.jobs;
        e->tele.jobs_hi_latch = v >> 32;
        val = v;
        break;
    case MAIA_REG_JOBS_HI:
        val = e->tele.jobs_hi_latch;
        break;
    }
    qemu_mutex_unlock(&e->lock);
    return val;
}

static const struct {
    const char *name;
    unsigned what;
    const char *desc;
} maia_tele_props[] = {
    { "temperature-mc", MAIA_TELE_TEMP, "Die temperature (milli-Celsius)" },
    { "power-mw", MAIA_TELE_POWER, "Board power (milliwatts)" },
    { "utilization", MAIA_TELE_UTIL, "Engine busy over the last 100 ms (%)" },
    { "busy-ns", MAIA_TELE_BUSY, "Total engine busy time (ns)" },
    { "jobs", MAIA_TELE_JOBS, "Total jobs retired" },
};

static void maia_prop_get_tele(Object *obj, Visitor *v, const char *name,
                               void *opaque, Error **errp)
{
    MaiaState *s = MAIA(obj);
    uint64_t val = s->engine ? maia_tele_value(s->engine,
                                               (uintptr_t)opaque) : 0;

    visit_type_uint64(v, name, &val, errp);
}

void maia_tele_add_props(MaiaState *s)
{
    Object *obj = OBJECT(s);
    unsigned i;

    for (i = 0; i < ARRAY_SIZE(maia_tele_props); i++) {
        object_property_add(obj, maia_tele_props[i].name, "uint64",
                            maia_prop_get_tele, NULL, NULL,
                            (void *)(uintptr_t)maia_tele_props[i].what);
        object_property_set_description(obj, maia_tele_props[i].name,
                                        maia_tele_props[i].desc);
    }
}

void maia_tele_del_props(MaiaState *s)
{
    Object *obj = OBJECT(s);
    unsigned i;

    for (i = 0; i < ARRAY_SIZE(maia_tele_props); i++) {
        object_property_del(obj, maia_tele_props[i].name);
    }
}

/* Lifecycle: realize, device reset, migration (engine lock where _locked) */

void maia_tele_init(MaiaEngine *e)
{
    e->tele.temp_mc = MAIA_TEMP_IDLE_MC;
    e->tele.power_mw = MAIA_POWER_IDLE_MW;
    maia_tele_reset_window(&e->tele, maia_now());
}

/* The counters restart; temperature and power carry on (physics). */
void maia_tele_reset_locked(MaiaEngine *e)
{
    maia_tele_advance_locked(e, maia_now());
    e->tele.busy_ns = 0;
    e->tele.jobs = 0;
}

void maia_tele_pre_save_locked(MaiaEngine *e)
{
    maia_tele_advance_locked(e, maia_now());
    e->tele.mig_temp_umc = llround(e->tele.temp_mc * 1000);
    e->tele.mig_power_umw = llround(e->tele.power_mw * 1000);
}

void maia_tele_post_load_locked(MaiaEngine *e)
{
    e->tele.temp_mc = e->tele.mig_temp_umc / 1000.0;
    e->tele.power_mw = e->tele.mig_power_umw / 1000.0;
    maia_tele_reset_window(&e->tele, maia_now());
}
