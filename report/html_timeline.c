/* report.html's timeline: one SVG for the whole run on one time axis (seconds since the run's start),
 * so every mark sits where it happened: phases as coloured bands (labelled, trials separated by a
 * line), the idle half of duty-cycled phases shaded, one row per workload with its rate per second,
 * one row per CPU, and each error (red) or kernel event (purple) marked across the rows and on its
 * CPU's row. Positions are whole pixels so the marks stay crisp (and a screenshot test can find
 * them by colour). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report/html_text.h"
#include "report/rfacts.h"
#include "report/writers.h"

#define MAX_BANDS 256
#define MAX_CPU_ROWS 64

static const char *const band_fill[] = {"#e0f2fe", "#fef3c7", "#dcfce7", "#fce7f3", "#ede9fe", "#f1f5f9"};

struct band {
    double t0, t1;
    const char *phase;
    int index, trial;   /* index within the trial (0-based), trial 1-based */
};

struct layout {
    double span;   /* seconds shown */
    int L, PW;     /* plot's left edge and width in pixels */
};

static int px(const struct layout *g, double t)
{
    if (t < 0)
        t = 0;
    if (t > g->span)
        t = g->span;
    return g->L + (int)lround((double)g->PW * t / g->span);
}

static const char *str(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

/* The phase bands from the run's phase events, in order; the plan says how many phases a trial has. */
static int bands_of(const json_t *report, double span, struct band *b, int max)
{
    const json_t *plan_phases = json_object_get(json_object_get(report, "plan"), "phases");
    int per_trial = json_array_size(plan_phases) ? (int)json_array_size(plan_phases) : 1;
    int n = 0;
    size_t i;
    const json_t *e;
    json_array_foreach(json_object_get(report, "events"), i, e) {
        if (strcmp(str(e, "type"), "phase") != 0 || n >= max)
            continue;
        double t = sw_report_event_offset(report, e);
        if (t < 0)
            continue;
        b[n] = (struct band){t, span, str(e, "phase"), n % per_trial, n / per_trial + 1};
        if (n)
            b[n - 1].t1 = t;
        n++;
    }
    if (!n && max) {   /* a report without phase events: one band, the whole run */
        const char *first = str(json_array_get(json_object_get(report, "workloads"), 0), "phase");
        b[n++] = (struct band){0, span, *first ? first : "run", 0, 1};
    }
    return n;
}

/* The band a workload result belongs to: its trial and the phase's place in the plan. */
static const struct band *band_for(const struct band *b, int n, const char *phase, long long trial)
{
    for (int k = 0; k < n; k++)
        if (b[k].trial == (trial > 0 ? trial : 1) && !strcmp(b[k].phase, phase))
            return &b[k];
    return n == 1 ? &b[0] : NULL;   /* one band: everything ran in it */
}

static bool is_marked(const json_t *e)
{
    const char *sev = str(e, "severity");
    return !strcmp(str(e, "type"), "kernel") || !strcmp(sev, "error") || !strcmp(sev, "fatal");
}

static int band_index_at(const struct band *b, int n, double t)
{
    for (int k = n - 1; k >= 0; k--)
        if (t >= b[k].t0)
            return k;
    return 0;
}

void sw_html_timeline(FILE *o, const json_t *report)
{
    const json_t *run = json_object_get(report, "run");
    double span = sw_json_number(json_object_get(run, "duration_s"));
    if (span <= 0)
        span = sw_json_number(json_object_get(run, "planned_duration_s"));
    if (span <= 0)
        span = 1;
    static struct band b[MAX_BANDS];
    int nb = bands_of(report, span, b, MAX_BANDS);

    /* rows: each workload name once, then each CPU (all of a small machine, else those with events) */
    const json_t *wls = json_object_get(report, "workloads"), *events = json_object_get(report, "events");
    const char *names[32];
    int nw = 0;
    size_t i;
    const json_t *x;
    json_array_foreach(wls, i, x) {
        int k = 0;
        while (k < nw && strcmp(names[k], str(x, "name")))
            k++;
        if (k == nw && nw < 32)
            names[nw++] = str(x, "name");
    }
    bool cpu_row[MAX_CPU_ROWS] = {false};
    long long pus = json_integer_value(json_object_get(json_object_get(json_object_get(report, "plan"), "topology"), "pus"));
    for (long long c = 0; pus > 0 && pus <= 16 && c < pus; c++)
        cpu_row[c] = true;
    json_array_foreach(events, i, x) {
        long long c = json_integer_value(json_object_get(x, "cpu"));
        if (is_marked(x) && json_is_integer(json_object_get(x, "cpu")) && c >= 0 && c < MAX_CPU_ROWS)
            cpu_row[c] = true;
    }
    int ncpu = 0, cpu_y[MAX_CPU_ROWS];
    const int W = 900, T = 22, WL_H = 44, CPU_H = 14;
    struct layout g = {span, 110, W - 110 - 10};
    int wl_top = T, cpu_top = T + nw * WL_H + 6;
    for (int c = 0; c < MAX_CPU_ROWS; c++)
        cpu_y[c] = cpu_row[c] ? cpu_top + CPU_H * ncpu++ : -1;
    int bottom = cpu_top + ncpu * CPU_H, H = bottom + 22;

    fprintf(o, "<figure class=\"timeline\"><figcaption>The whole run, %.0f s: phases as bands", span);
    fputs(" (trials separated by a black line), idle periods shaded grey, each workload's rate per second "
          "(blue, scaled to its own peak), error events (red) and kernel events (purple) where they happened, "
          "and on their CPU's row.</figcaption>\n", o);
    fprintf(o, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
               "role=\"img\" id=\"run-timeline\">", W, H, W, H);
    /* phase bands, idle shading, trial lines */
    for (int k = 0; k < nb; k++) {
        int x0 = px(&g, b[k].t0), x1 = px(&g, b[k].t1);
        fprintf(o, "<rect class=\"band\" data-phase=\"%d\" data-trial=\"%d\" x=\"%d\" y=\"%d\" width=\"%d\" "
                   "height=\"%d\" fill=\"%s\"><title>trial %d, phase ", k + 1, b[k].trial, x0, T, x1 - x0,
                bottom - T, band_fill[b[k].index % 6], b[k].trial);
        sw_html_text(o, b[k].phase);
        fprintf(o, ": %.1f-%.1f s</title></rect>", b[k].t0, b[k].t1);
        fprintf(o, "<text class=\"ax\" x=\"%d\" y=\"%d\">", x0 + 2, T - 6);
        sw_html_text(o, b[k].phase);
        fputs("</text>", o);
        const json_t *pp = json_array_get(json_object_get(json_object_get(report, "plan"), "phases"), (size_t)b[k].index);
        double on = sw_json_number(json_object_get(json_object_get(pp, "duty"), "on_ms")) / 1000;
        double off = sw_json_number(json_object_get(json_object_get(pp, "duty"), "off_ms")) / 1000;
        /* One rect per idle period while a period spans two pixels or more (at most PW / 2 of them, so
         * a long run or a hostile report cannot make the page huge); finer cycles: one rect shaded by
         * the idle share. */
        double period = on + off;
        if (on > 0 && off > 0 && (b[k].t1 - b[k].t0) / period > g.PW / 2) {
            int i0 = px(&g, b[k].t0), i1 = px(&g, b[k].t1);
            fprintf(o, "<rect class=\"idle\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#9ca3af\" "
                       "fill-opacity=\"%.2f\"><title>idle %.0f%% of the time (duty cycle: %.1f s on, %.1f s off)</title>"
                       "</rect>", i0, T, i1 - i0, bottom - T, 0.35 * off / period, 100 * off / period, on, off);
        } else {
            int drawn = 0;
            for (double t = b[k].t0 + on; on > 0 && off > 0 && t < b[k].t1 && drawn <= g.PW / 2; t += period, drawn++) {
                int i0 = px(&g, t), i1 = px(&g, t + off < b[k].t1 ? t + off : b[k].t1);
                fprintf(o, "<rect class=\"idle\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#9ca3af\" "
                           "fill-opacity=\"0.35\"><title>idle (duty cycle off)</title></rect>", i0, T, i1 - i0,
                        bottom - T);
            }
        }
        if (k && b[k].index == 0)
            fprintf(o, "<line class=\"trial-sep\" x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"#111\" "
                       "stroke-width=\"2\"/><text class=\"ax\" x=\"%d\" y=\"%d\">trial %d</text>",
                    x0, x0, 4, bottom, x0 + 2, H - 8, b[k].trial);
    }
    /* workload rows */
    for (int r = 0; r < nw; r++) {
        int y0 = wl_top + r * WL_H, h = WL_H - 8;
        fprintf(o, "<text class=\"ax\" x=\"%d\" y=\"%d\" text-anchor=\"end\">", g.L - 6, y0 + h / 2 + 4);
        sw_html_text(o, names[r]);
        fputs("</text>", o);
        double max = 0;
        json_array_foreach(wls, i, x) {
            if (strcmp(str(x, "name"), names[r]))
                continue;
            size_t j;
            const json_t *v;
            json_array_foreach(json_object_get(json_object_get(x, "series"), "ops"), j, v)
                if (sw_json_number(v) > max) max = sw_json_number(v);
        }
        json_array_foreach(wls, i, x) {
            const json_t *series = json_object_get(x, "series"), *ops = json_object_get(series, "ops");
            const struct band *bd = band_for(b, nb, str(x, "phase"), json_integer_value(json_object_get(x, "trial")));
            if (strcmp(str(x, "name"), names[r]) || !bd || max <= 0 || !json_array_size(ops))
                continue;
            double step = sw_json_number(json_object_get(series, "interval_s"));
            step = step > 0 ? step : 1;
            fputs("<polyline class=\"rate\" fill=\"none\" stroke=\"#2563eb\" stroke-width=\"1.5\" points=\"", o);
            size_t j;
            const json_t *v;
            json_array_foreach(ops, j, v)   /* sample j covers (j, j+1] intervals after the phase start */
                fprintf(o, "%d,%.1f ", px(&g, bd->t0 + step * ((double)j + 1)), y0 + h - h * sw_json_number(v) / max);
            fputs("\"/>", o);
        }
    }
    /* CPU rows */
    for (int c = 0; c < MAX_CPU_ROWS; c++)
        if (cpu_y[c] >= 0)
            fprintf(o, "<text class=\"ax\" x=\"%d\" y=\"%d\" text-anchor=\"end\">CPU %d</text>"
                       "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"#ccc\"/>",
                    g.L - 6, cpu_y[c] + 10, c, g.L, g.L + g.PW, cpu_y[c] + CPU_H - 1, cpu_y[c] + CPU_H - 1);
    /* the marks: across the workload rows, and a block on the CPU's row */
    int shown = 0;
    json_array_foreach(events, i, x) {
        double t = sw_report_event_offset(report, x);
        if (!is_marked(x) || t < 0 || t > span + 1 || shown >= 2000)
            continue;
        shown++;
        bool kernel = !strcmp(str(x, "type"), "kernel");
        const char *colour = kernel ? "#7c3aed" : "#dc2626";
        int at = px(&g, t);
        fprintf(o, "<g class=\"marker %s\" data-t=\"%.3f\" data-phase=\"%d\" data-x=\"%d\"><title>", kernel ? "kernel" : "error",
                t, nb ? band_index_at(b, nb, t) + 1 : 0, at);
        sw_html_event_text(o, x);
        fprintf(o, "</title><rect x=\"%d\" y=\"%d\" width=\"2\" height=\"%d\" fill=\"%s\"/>", at - 1, wl_top,
                nw * WL_H, colour);
        long long c = json_integer_value(json_object_get(x, "cpu"));
        if (json_is_integer(json_object_get(x, "cpu")) && c >= 0 && c < MAX_CPU_ROWS && cpu_y[c] >= 0)
            fprintf(o, "<rect x=\"%d\" y=\"%d\" width=\"4\" height=\"%d\" fill=\"%s\"/>", at - 2, cpu_y[c] + 1,
                    CPU_H - 3, colour);
        fputs("</g>", o);
    }
    fprintf(o, "<text class=\"ax\" x=\"%d\" y=\"%d\">0 s</text><text class=\"ax\" x=\"%d\" y=\"%d\" "
               "text-anchor=\"end\">%.0f s</text>", g.L, H - 8, g.L + g.PW, H - 8, span);
    fputs("</svg></figure>\n", o);
}
