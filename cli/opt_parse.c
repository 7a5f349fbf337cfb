/* The option parser of every command (cli/opt_parse.h). Errors are one line that names the option and
 * says what to type instead; the caller exits 2 with it. */
#include <errno.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/opt_parse.h"

#define HELP_COLUMN 27   /* where the option descriptions start */
#define MAX_NAMES 64     /* long names of one command, the common ones included */

/* The options every command takes; sw_opt_next handles them itself. */
enum { G_HELP = -100, G_COLOR = -101 };
#define APPLIED (-50)   /* a common option was applied: go on to the next argument */
static const struct sw_opt k_common[] = {
    {G_COLOR, "color", 0, 0, SW_OPT_OPTIONAL, "WHEN",
     "colour the output: auto (a terminal, unless NO_COLOR is set or TERM=dumb), always, never"},
    {G_HELP, "help", 'h', 0, SW_OPT_FLAG, NULL, "this help"},
    {0, NULL, 0, 0, SW_OPT_FLAG, NULL, NULL},
};

void sw_opt_init(struct sw_opt_state *s, int argc, char **argv)
{
    memset(s, 0, sizeof *s);
    s->argc = argc;
    s->argv = argv;
    s->i = 1;
}

int sw_edit_distance(const char *a, const char *b, int cap)
{
    /* Optimal string alignment: insertions, deletions, substitutions and swaps of two neighbours
     * ("lsit" for "list") cost 1 each, the typing mistakes a suggestion should forgive. */
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return cap;
    int rows[3][65], *prev2 = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        int best = cur[0] = (int)i;
        for (size_t j = 1; j <= lb; j++) {
            int v = prev[j - 1] + (a[i - 1] != b[j - 1]);
            if (prev[j] + 1 < v)
                v = prev[j] + 1;
            if (cur[j - 1] + 1 < v)
                v = cur[j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && prev2[j - 2] + 1 < v)
                v = prev2[j - 2] + 1;
            cur[j] = v;
            if (v < best)
                best = v;
        }
        if (best >= cap)
            return cap;
        int *t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
    }
    return prev[lb] < cap ? prev[lb] : cap;
}

const char *sw_did_you_mean(const char *word, const char *const *cands, size_t n)
{
    /* A third of the word may be wrong (at least one letter, at most three): "--duratoin", "--wrokers". */
    int limit = (int)strlen(word) / 3;
    limit = limit < 1 ? 1 : limit > 3 ? 3 : limit;
    const char *best = NULL;
    int best_d = limit + 1;
    for (size_t i = 0; i < n; i++) {
        int dist = sw_edit_distance(word, cands[i], best_d);
        if (dist < best_d) {
            best_d = dist;
            best = cands[i];
        }
    }
    return best;
}

/* The long names of a command and the common options, for abbreviations and suggestions. */
static size_t long_names(const struct sw_opt_cmd *c, const struct sw_opt **out)
{
    size_t n = 0;
    for (const struct sw_opt *o = c->opts; o && o->name && n < MAX_NAMES; o++)
        out[n++] = o;
    for (const struct sw_opt *o = k_common; o->name && n < MAX_NAMES; o++)
        out[n++] = o;
    return n;
}

static int fail_see(struct sw_diag *d, const struct sw_opt_cmd *c, const char *what)
{
    return sw_fail(d, -EINVAL, "%s: see 'stresswsl %s --help'", what, c->name);
}

static const struct sw_opt *find_long(const struct sw_opt_cmd *c, const char *name, size_t len, struct sw_diag *d)
{
    const struct sw_opt *all[MAX_NAMES], *hit = NULL;
    size_t n = long_names(c, all), nprefix = 0;
    for (size_t i = 0; i < n && len > 0; i++) {
        if (strncmp(all[i]->name, name, len) != 0)
            continue;
        if (all[i]->name[len] == '\0')
            return all[i];   /* an exact name wins over longer ones it abbreviates */
        if (!all[i]->help)
            continue;        /* a hidden option is only taken by its whole name */
        hit = all[i];
        nprefix++;
    }
    char msg[400];
    if (nprefix == 1)
        return hit;
    if (nprefix > 1) {
        size_t off = (size_t)snprintf(msg, sizeof msg, "option '--%.*s' is ambiguous: it could be", (int)len, name);
        const char *sep = " ";
        for (size_t i = 0; i < n && off < sizeof msg; i++)
            if (all[i]->help && strncmp(all[i]->name, name, len) == 0) {
                off += (size_t)snprintf(msg + off, sizeof msg - off, "%s--%s", sep, all[i]->name);
                sep = ", ";
            }
        fail_see(d, c, msg);
        return NULL;
    }
    char word[80];
    snprintf(word, sizeof word, "%.*s", (int)(len < sizeof word ? len : sizeof word - 1), name);
    const char *names[MAX_NAMES];
    size_t nn = 0;
    for (size_t i = 0; i < n; i++)
        if (all[i]->help)   /* hidden options are never suggested */
            names[nn++] = all[i]->name;
    const char *guess = sw_did_you_mean(word, names, nn);
    if (guess)
        snprintf(msg, sizeof msg, "unknown option '--%s' (did you mean '--%s'?)", word, guess);
    else
        snprintf(msg, sizeof msg, "unknown option '--%s'", word);
    fail_see(d, c, msg);
    return NULL;
}

static const struct sw_opt *find_short(const struct sw_opt_cmd *c, char ch)
{
    for (const struct sw_opt *o = c->opts; o && o->name; o++)
        if (o->short_name == ch || (o->short_alt && o->short_alt == ch))
            return o;
    for (const struct sw_opt *o = k_common; o->name; o++)
        if (o->short_name == ch)
            return o;
    return NULL;
}

/* The common options' effect; returns APPLIED, or SW_OPT_HELP / SW_OPT_ERROR for the caller. */
static int common_option(const struct sw_opt *o, const char *val, const struct sw_opt_cmd *c, struct sw_diag *d)
{
    if (o->id == G_HELP)
        return SW_OPT_HELP;
    static const char *const modes[] = {"auto", "always", "never"};
    if (!val) {
        sw_cli_set_color(SW_COLOR_ALWAYS);   /* GNU ls: a bare --color means always */
        return APPLIED;
    }
    for (int m = 0; m < 3; m++)
        if (!strcmp(val, modes[m])) {
            sw_cli_set_color((enum sw_color)m);
            return APPLIED;
        }
    char msg[200];
    snprintf(msg, sizeof msg, "--color: give auto, always or never (got '%.60s')", val);
    return fail_see(d, c, msg), SW_OPT_ERROR;
}

static int found(const struct sw_opt *o, const char *val, const char **out, const struct sw_opt_cmd *c,
                 struct sw_diag *d)
{
    if (o->id < 0)
        return common_option(o, val, c, d);
    *out = val;
    return o->id;
}

struct sw_opt_state sw_opt_start(const struct sw_opt_cmd *c, int argc, char **argv)
{
    struct sw_opt_state s;
    sw_opt_init(&s, argc, argv);
    s.cmd = c;
    return s;
}

int sw_opt_get(struct sw_opt_state *s, const char **val)
{
    struct sw_diag d = {0};
    int id = sw_opt_next(s, s->cmd, val, &d);
    if (id == SW_OPT_HELP) {
        sw_opt_help(stdout, s->cmd);
        s->exit_code = SW_EXIT_OK;
        return SW_OPT_EXIT;
    }
    if (id == SW_OPT_ERROR) {
        s->exit_code = sw_cli_diag(SW_EXIT_USAGE, &d);
        return SW_OPT_EXIT;
    }
    return id;
}

static int next_short(struct sw_opt_state *s, const struct sw_opt_cmd *c, const char **val, struct sw_diag *d)
{
    char ch = *s->cluster++;
    const struct sw_opt *o = find_short(c, ch);
    char msg[200];
    if (!o) {
        snprintf(msg, sizeof msg, "unknown option '-%c'", ch);
        s->cluster = NULL;
        return fail_see(d, c, msg), SW_OPT_ERROR;
    }
    if (o->kind == SW_OPT_FLAG || o->kind == SW_OPT_OPTIONAL) {
        if (!*s->cluster)
            s->cluster = NULL;
        return found(o, NULL, val, c, d);
    }
    const char *v = *s->cluster ? s->cluster : s->i < s->argc ? s->argv[s->i++] : NULL;
    s->cluster = NULL;
    if (!v || !*v) {
        snprintf(msg, sizeof msg, "option '-%c' (--%s) needs a value (%s)", ch, o->name, o->arg);
        return fail_see(d, c, msg), SW_OPT_ERROR;
    }
    return found(o, v, val, c, d);
}

static int next_long(struct sw_opt_state *s, const struct sw_opt_cmd *c, const char *a, const char **val,
                     struct sw_diag *d)
{
    const char *name = a + 2, *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
    const struct sw_opt *o = find_long(c, name, len, d);
    char msg[200];
    if (!o)
        return SW_OPT_ERROR;
    if (o->kind == SW_OPT_FLAG) {
        if (eq) {
            snprintf(msg, sizeof msg, "option '--%s' takes no value", o->name);
            return fail_see(d, c, msg), SW_OPT_ERROR;
        }
        return found(o, NULL, val, c, d);
    }
    const char *v = eq ? eq + 1 : NULL;
    if (!eq && s->i < s->argc) {
        const char *next = s->argv[s->i];
        bool takes_next = o->kind == SW_OPT_VALUE ||
                          (!c->operands && o->id >= 0 && (next[0] != '-' || !strcmp(next, "-")));
        if (takes_next) {
            v = next;
            s->i++;
        }
    }
    if (o->kind == SW_OPT_VALUE && (!v || !*v)) {
        snprintf(msg, sizeof msg, "option '--%s' needs a value (%s)", o->name, o->arg);
        return fail_see(d, c, msg), SW_OPT_ERROR;
    }
    if (o->kind == SW_OPT_OPTIONAL && v && !*v) {
        snprintf(msg, sizeof msg, "option '--%s=' needs a value after '=' (%s)", o->name, o->arg);
        return fail_see(d, c, msg), SW_OPT_ERROR;
    }
    return found(o, v, val, c, d);
}

int sw_opt_next(struct sw_opt_state *s, const struct sw_opt_cmd *c, const char **val, struct sw_diag *d)
{
    for (;;) {
        int rc;
        *val = NULL;
        if (s->cluster)
            rc = next_short(s, c, val, d);
        else if (s->i >= s->argc)
            return SW_OPT_END;
        else {
            const char *a = s->argv[s->i++];
            if (s->ended || a[0] != '-' || !a[1]) {   /* "-" is an operand: standard input */
                if (!c->operands) {
                    char msg[200];
                    snprintf(msg, sizeof msg, "unexpected argument '%.80s' (%s takes options only)", a, c->name);
                    return fail_see(d, c, msg), SW_OPT_ERROR;
                }
                *val = a;
                return SW_OPT_OPERAND;
            }
            if (!strcmp(a, "--")) {
                s->ended = true;
                continue;
            }
            if (a[1] == '-') {
                rc = next_long(s, c, a, val, d);
            } else {
                s->cluster = a + 1;
                rc = next_short(s, c, val, d);
            }
        }
        if (rc != APPLIED)
            return rc;
    }
}

void sw_opt_wrap(FILE *out, const char *text, int first, int indent, int width)
{
    int col = first;
    bool line_empty = true;
    for (const char *p = text; *p;) {
        if (*p == ' ') {
            p++;
            continue;
        }
        if (*p == '\n') {   /* a break the text asks for */
            fprintf(out, "\n%*s", indent, "");
            col = indent;
            line_empty = true;
            p++;
            continue;
        }
        int len = (int)strcspn(p, " \n");
        if (!line_empty && col + 1 + len > width) {
            fprintf(out, "\n%*s", indent, "");
            col = indent;
            line_empty = true;
        }
        if (!line_empty) {
            fputc(' ', out);
            col++;
        }
        fwrite(p, 1, (size_t)len, out);
        col += len;
        line_empty = false;
        p += len;
    }
    fputc('\n', out);
}

static void help_line(FILE *out, const struct sw_opt *o)
{
    char left[96];
    int n = o->short_name ? snprintf(left, sizeof left, "  -%c, ", o->short_name) : snprintf(left, sizeof left, "      ");
    if (o->short_alt)
        n += snprintf(left + n, sizeof left - (size_t)n, "-%c, ", o->short_alt);
    n += snprintf(left + n, sizeof left - (size_t)n, "--%s", o->name);
    if (o->kind == SW_OPT_VALUE)
        n += snprintf(left + n, sizeof left - (size_t)n, " %s", o->arg);
    else if (o->kind == SW_OPT_OPTIONAL)
        n += snprintf(left + n, sizeof left - (size_t)n, "[=%s]", o->arg);
    fputs(left, out);
    if (n + 2 > HELP_COLUMN) {   /* a long option and value: the description goes on the next line */
        fprintf(out, "\n%*s", HELP_COLUMN, "");
    } else {
        fprintf(out, "%*s", HELP_COLUMN - n, "");
    }
    sw_opt_wrap(out, o->help, HELP_COLUMN, HELP_COLUMN, SW_HELP_WIDTH);
}

void sw_opt_help(FILE *out, const struct sw_opt_cmd *c)
{
    fputs(c->usage, out);
    if (c->about) {
        fputc('\n', out);
        sw_opt_wrap(out, c->about, 0, 0, SW_HELP_WIDTH);
    }
    fputs("\noptions:\n", out);
    for (const struct sw_opt *o = c->opts; o && o->name; o++)
        if (o->help)
            help_line(out, o);
    for (const struct sw_opt *o = k_common; o->name; o++)
        help_line(out, o);
    if (c->epilog) {
        fputc('\n', out);
        fputs(c->epilog, out);
    }
}
