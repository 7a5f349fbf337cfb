/* The CPU at its temperature limit (kind `thermal`, docs/report-schema.md):
 *   throttling  "CPU3: Core temperature above threshold, cpu clock throttled (total events = 57536)",
 *               "Package temperature above threshold" (Intel's thermal interrupt; "mce: " before it on
 *               some kernels, "is above threshold ... is throttled" on others), mcelog's THERMAL EVENT /
 *               bank 128 records. Severity warn: throttling protects the CPU, it is not a crash.
 *   shutdown    "thermal thermal_zone0: critical temperature reached (105 C), shutting down",
 *               "reboot: HARDWARE PROTECTION shutdown (Temperature too high)". Severity fatal; `what` is
 *               "implausible reading" when the value is one no running chip reaches (a sensor fault).
 * Intel kernels also log each throttle as a machine-check record ("mce: [Hardware Error]: Machine check
 * events logged"): such a line inside a burst of throttle lines belongs to it and is not a hardware
 * error (kmsg_mce.c asks kc_thermal_open). Every CPU's lines of one burst make one event. */
#include "probes/kmsg_cls_int.h"

#include "core/fmt.h"

static struct sw_kmsg_block *thermal_event(struct sw_kmsg_cls *c, const struct sw_kmsg_line *l, const char *m, int sev)
{
    struct sw_kmsg_block *b = &c->b;
    if (!kc_block_is(c, SW_KLOG_THERMAL)) {
        kc_start(c, l, m, SW_KLOG_THERMAL, KB_DETECTOR);
        b->accept_trace = false;
        b->sev_hint = sev;
        sw_strlcpy(b->what, "throttled", sizeof b->what);
    }
    if (sev > b->sev_hint) {   /* a shutdown is the headline of its burst */
        b->sev_hint = sev;
        sw_strlcpy(b->headline, m, sizeof b->headline);
    }
    return b;
}

bool kc_thermal_open(const struct sw_kmsg_cls *c)
{
    return kc_block_is(c, SW_KLOG_THERMAL);
}

void kc_thermal_from_mcelog(struct sw_kmsg_block *b, const char *m)
{
    sw_strlcpy(b->headline, m, sizeof b->headline);   /* the record's thermal line, not "Hardware event." */
    b->kind = SW_KLOG_THERMAL;
    b->flags = (b->flags & ~KB_MCE) | KB_DETECTOR;
    b->sev_hint = SW_SEV_WARN;
    sw_strlcpy(b->what, "throttled", sizeof b->what);
}

bool kc_thermal_line(struct sw_kmsg_cls *c, const struct sw_kmsg_line *l, const char *m)
{
    const char *p;
    if ((p = kc_hl(c, l, m, "temperature")) != NULL) {
        if (strstr(p, "above threshold")) {
            struct sw_kmsg_block *b = thermal_event(c, l, m, SW_SEV_WARN);
            const char *cpu = strstr(m, "CPU");
            if (cpu && dig(cpu[3]) && b->cpu < 0)
                b->cpu = (int)dec(cpu + 3, NULL);
            return true;
        }
        const char *crit = strstr(m, "ritical temperature reached");
        if (crit) {
            struct sw_kmsg_block *b = thermal_event(c, l, m, SW_SEV_FATAL);
            /* "(228 C)": no running chip gets that hot (silicon is rated to about 105-125 C and is damaged
             * well before 150 C), so such a value is a misread sensor, not heat */
            const char *v = strchr(crit, '(');
            long deg = v ? dec(v + 1 + (v[1] == '-'), NULL) : -1;
            bool absurd = v && deg >= 0 && (v[1] == '-' || deg >= 150) && strstr(v, " C)");
            sw_strlcpy(b->what, absurd ? "implausible reading" : "critical: shut down", sizeof b->what);
            return true;
        }
        if (strstr(p, "temperature/speed normal")) {   /* the end of a throttle: a burst seen from its end */
            thermal_event(c, l, m, SW_SEV_WARN);
            return true;
        }
        return false;
    }
    if (kc_hl(c, l, m, "HARDWARE PROTECTION") && strstr(m, "Temperature")) {
        struct sw_kmsg_block *b = thermal_event(c, l, m, SW_SEV_FATAL);
        sw_strlcpy(b->what, "critical: shut down", sizeof b->what);
        return true;
    }
    /* the power-limit notices older kernels print beside the throttle lines */
    if (kc_thermal_open(c) && strstr(m, "power limit notification"))
        return true;
    return false;
}
