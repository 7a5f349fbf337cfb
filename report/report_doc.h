/* The structure report.md and report.html share, written once: the findings with their evidence,
 * what was ruled out, the environment, what ran, the errors, the previous run, how to reproduce and
 * what was redacted. Each format (report/markdown.c, report/html.c) supplies only its markup and the
 * parts that are its own (the title block; HTML's page head and timeline). */
#ifndef SW_REPORT_DOC_H
#define SW_REPORT_DOC_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "core/diag.h"

struct sw_doc_pair {
    const char *open, *close;
};

struct sw_doc_fmt {
    const char *file;                                 /* "report.md": names a write error    */
    void (*text)(FILE *o, const char *s);             /* inline text, escaped for the format */
    void (*code)(FILE *o, const char *s);             /* inline code                         */
    void (*pre)(FILE *o, const char *s);              /* a block of shell commands           */
    void (*ref)(FILE *o, const char *s);              /* a reference (a URL, never a link)   */
    void (*begin)(FILE *o, const json_t *report);     /* the document up to the verdict      */
    void (*finding_open)(FILE *o, const json_t *finding, int n);
    void (*kv_row)(FILE *o, const char *label, const char *value);
    void (*grid_head)(FILE *o, const char *const *heads, int n, int first_numeric);
    void (*after_what_ran)(FILE *o, const json_t *report);   /* NULL: nothing                */
    struct sw_doc_pair h2, p, b, ul, li;
    struct sw_doc_pair meta;                          /* a finding's "points to" line        */
    struct sw_doc_pair kv;                            /* the environment's label/value table */
    struct sw_doc_pair row, cell;                     /* a row of a grid and its text cells  */
    const char *num_open;                             /* a numeric cell (closed as a cell)   */
    const char *grid_close;
    const char *refs_open;                            /* the references paragraph            */
    const char *finding_close;
    const char *lt;                                   /* " < " between stack symbols         */
    const char *end;
};

/* The whole document; 0 or -EIO with d naming fmt->file. */
int sw_report_doc_write(const json_t *report, FILE *o, const struct sw_doc_fmt *fmt, struct sw_diag *d);
/* One event in a line: seq, time, type, kernel kind, workload, CPU, phase, text, stack symbols. */
void sw_report_doc_event(FILE *o, const struct sw_doc_fmt *fmt, const json_t *event);
/* json string field or "". */
const char *sw_doc_str(const json_t *o, const char *key);

#endif
