/* The one option parser of every command, with the conventions people type without thinking:
 * `--` ends the options, `--opt=value` and `--opt value`, unambiguous abbreviations of long names,
 * short options (`-q`, `-d 10s`, `-d10s`, clustered flags `-qn`), "did you mean" for a misspelt
 * option, and the help text generated from the same table, wrapped to 80 columns.
 * Every command also takes -h/--help and --color=WHEN, handled here. */
#ifndef SW_OPT_PARSE_H
#define SW_OPT_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/diag.h"

#define SW_HELP_WIDTH 80

enum sw_opt_kind {
    SW_OPT_FLAG,      /* no value                                                            */
    SW_OPT_VALUE,     /* a value: --opt=V, --opt V, -o V, -oV                                 */
    SW_OPT_OPTIONAL,  /* a value only as --opt=V; for a command without operands also --opt V
                       * when V does not start with '-' (or is "-"); absent: the value is NULL */
};

struct sw_opt {
    int id;                /* the command's own code, 0 or more                          */
    const char *name;      /* long name without "--"; NULL ends a table                  */
    char short_name;       /* a letter, or 0                                             */
    char short_alt;        /* a second letter for the same option (-j beside -w), or 0    */
    enum sw_opt_kind kind;
    const char *arg;       /* the value's name in help and messages, e.g. "TIME"          */
    const char *help;      /* one paragraph, wrapped by sw_opt_help; NULL: not listed    */
};

struct sw_opt_cmd {
    const char *name;      /* the command, for "see 'stresswsl NAME --help'"            */
    const char *usage;     /* the "usage: ..." lines, each ending in \n                  */
    const char *about;     /* what the command does: one paragraph, wrapped              */
    const struct sw_opt *opts;
    bool operands;         /* takes operands (files, paths); else any is an error         */
    const char *epilog;    /* printed as is after the options (examples, exit codes)     */
};

struct sw_opt_state {
    const struct sw_opt_cmd *cmd;   /* sw_opt_start's command                                */
    int exit_code;         /* after SW_OPT_EXIT: 0 (help shown) or 2 (error printed)      */
    int argc;
    char **argv;
    int i;                 /* the next argv index                                         */
    const char *cluster;   /* the rest of a cluster of short options, or NULL             */
    bool ended;            /* "--" was seen: the rest are operands                        */
};

enum {
    SW_OPT_END = -1,       /* no more arguments                                           */
    SW_OPT_OPERAND = -2,   /* *val is an operand                                          */
    SW_OPT_ERROR = -3,     /* d says what is wrong and what to type instead (exit 2)       */
    SW_OPT_HELP = -4,      /* -h or --help: print sw_opt_help and exit 0                   */
    SW_OPT_EXIT = -5,      /* sw_opt_get: help or the error was printed; exit with exit_code */
};

/* Parses argv[1..argc-1]. */
void sw_opt_init(struct sw_opt_state *s, int argc, char **argv);
/* The next option (its id, *val its value or NULL) or one of SW_OPT_*. --color is applied here. */
int sw_opt_next(struct sw_opt_state *s, const struct sw_opt_cmd *c, const char **val, struct sw_diag *d);
/* For a command's own loop: sw_opt_start, then sw_opt_get until SW_OPT_END. sw_opt_get prints the
 * help or the error line itself and returns SW_OPT_EXIT (the command returns st.exit_code). */
struct sw_opt_state sw_opt_start(const struct sw_opt_cmd *c, int argc, char **argv);
int sw_opt_get(struct sw_opt_state *s, const char **val);
/* The help text: usage, about, options (with the common ones), epilog; every line within 80 columns. */
void sw_opt_help(FILE *out, const struct sw_opt_cmd *c);
/* Writes text to out wrapped at width, each line after the first indented by indent columns (the
 * first line starts at column first). Words longer than a line are not cut. */
void sw_opt_wrap(FILE *out, const char *text, int first, int indent, int width);

/* Levenshtein distance of a and b, stopping at cap (returns cap when it is at least that far). */
int sw_edit_distance(const char *a, const char *b, int cap);
/* The candidate closest to word when it is close enough to be a likely typo, else NULL. */
const char *sw_did_you_mean(const char *word, const char *const *cands, size_t n);

#endif
