/* The few lines printed at the end of a run: the verdict and the top findings. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/atomic_write.h"
#include "report/writers.h"

static const char *str(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

int sw_report_write_console(const json_t *report, FILE *o, bool color, struct sw_diag *d)
{
    const json_t *v = json_object_get(report, "verdict");
    const char *st = *str(v, "status") ? str(v, "status") : "not judged";
    const char *c = !color ? "" : !strcmp(st, "stable") ? "\033[1;32m" : !strcmp(st, "unstable") ? "\033[1;31m" : "\033[1;33m";
    const char *r = color ? "\033[0m" : "";
    char up[32];
    snprintf(up, sizeof up, "%s", st);
    for (char *p = up; *p; p++)
        *p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
    /* The summary starts with the status word ("Unstable: ..."): colour it rather than repeat it. */
    const char *sum = str(v, "summary");
    size_t sl = strlen(st);
    if (!strncasecmp(sum, st, sl) && sum[sl] == ':')
        sum += sl + 1 + (sum[sl + 1] == ' ');
    fprintf(o, "%s%s%s: %s\n", c, up, r, sum);
    if (sw_report_is_synthetic(report))
        fputs("  SYNTHETIC: faults were injected on purpose (--inject): this says nothing about this machine.\n", o);
    size_t i;
    const json_t *f;
    int shown = 0;
    json_array_foreach(json_object_get(report, "findings"), i, f) {
        if (json_is_true(json_object_get(f, "informational")))
            continue;
        if (shown == 3) {
            fprintf(o, "  (more findings in report.md)\n");
            break;
        }
        fprintf(o, "  %d. [%s] %s\n     %s\n", ++shown, str(f, "confidence"), str(f, "title"), str(f, "summary"));
        if (shown == 1)
            fprintf(o, "     What to do: %s\n", str(f, "advice"));
    }
    const char *dir = str(json_object_get(report, "run"), "run_dir");
    if (*dir)
        fprintf(o, "  Report: %s/report.md (and report.html, report.json)\n", dir);
    if (fflush(o) != 0 || ferror(o))
        return sw_fail(d, -EIO, "could not write the summary: %s", strerror(errno));
    return 0;
}

static int write_one(const json_t *report, const char *dir, const char *name,
                     int (*fn)(const json_t *, FILE *, struct sw_diag *), struct sw_diag *d)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return sw_atomic_write_doc(path, report, fn, d);
}

int sw_report_write_files(const json_t *report, const char *dir, struct sw_diag *d)
{
    int rc = write_one(report, dir, "report.md", sw_report_write_markdown, d);
    return rc ? rc : write_one(report, dir, "report.html", sw_report_write_html, d);
}
