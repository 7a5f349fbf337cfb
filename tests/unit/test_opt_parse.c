/* The option parser every command uses (cli/opt_parse.h): table-driven cases of what people type
 * (`--`, `--opt=v`, abbreviations, clusters, missing values) with the options, values and operands
 * each must give, or the one-line error; the edit distance behind "did you mean"; the help within
 * 80 columns; --color. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/opt_parse.h"
#include "tests/harness/check.h"

enum { O_PROFILE, O_PIN, O_PARAM, O_QUIET, O_DRY, O_JSON, O_DURATION, O_WORKERS, O_INJECT };
static const struct sw_opt k_opts[] = {
    {O_PROFILE, "profile", 'p', 0, SW_OPT_VALUE, "NAME", "a profile"},
    {O_PIN, "pin", 0, 0, SW_OPT_VALUE, "POLICY", "a pin policy"},
    {O_PARAM, "param", 0, 0, SW_OPT_VALUE, "K=V", "a parameter"},
    {O_QUIET, "quiet", 'q', 0, SW_OPT_FLAG, NULL, "quiet"},
    {O_DRY, "dry-run", 'n', 0, SW_OPT_FLAG, NULL, "plan only"},
    {O_JSON, "json", 0, 0, SW_OPT_OPTIONAL, "FILE", "JSON to FILE or stdout"},
    {O_DURATION, "duration", 'd', 0, SW_OPT_VALUE, "TIME", "how long"},
    {O_WORKERS, "workers", 'w', 'j', SW_OPT_VALUE, "N", "how many"},
    {O_INJECT, "inject", 0, 0, SW_OPT_VALUE, "LIST", NULL},   /* hidden */
    {0, NULL, 0, 0, SW_OPT_FLAG, NULL, NULL},
};
static const struct sw_opt_cmd k_with_operands = {.name = "analyze", .usage = "usage: x\n", .opts = k_opts,
                                                  .operands = true};
static const struct sw_opt_cmd k_no_operands = {.name = "run", .usage = "usage: x\n", .opts = k_opts};

/* Parses args (NULL-terminated) and writes what came out as "id=value id operand:x ..." or the error. */
static void parse_to_text(const struct sw_opt_cmd *c, const char *const *args, char *out, size_t cap)
{
    char *argv[32] = {(char *)"cmd"};
    int argc = 1;
    for (; *args && argc < 31; args++)
        argv[argc++] = (char *)*args;
    struct sw_opt_state st;
    struct sw_diag d = {0};
    const char *val;
    int id;
    size_t off = 0;
    out[0] = '\0';
    sw_opt_init(&st, argc, argv);
    while ((id = sw_opt_next(&st, c, &val, &d)) != SW_OPT_END && off < cap) {
        if (id == SW_OPT_ERROR) {
            snprintf(out, cap, "ERROR %s", d.msg);
            return;
        }
        if (id == SW_OPT_HELP)
            off += (size_t)snprintf(out + off, cap - off, "%shelp", off ? " " : "");
        else if (id == SW_OPT_OPERAND)
            off += (size_t)snprintf(out + off, cap - off, "%soperand:%s", off ? " " : "", val);
        else
            off += (size_t)snprintf(out + off, cap - off, "%s%d%s%s", off ? " " : "", id, val ? "=" : "", val ? val : "");
    }
}

struct parse_case {
    bool operands;
    const char *args[8];
    const char *want;   /* the text parse_to_text gives; "ERROR ..." cases compare a prefix */
};

static void table(void)
{
    static const struct parse_case cases[] = {
        /* `--` ends the options: what follows is an operand even when it looks like one */
        {true, {"--", "-dash.log", "--json", NULL}, "operand:-dash.log operand:--json"},
        {true, {"--json", "--", "--", NULL}, "5 operand:--"},
        {true, {"-", NULL}, "operand:-"},
        /* --opt=value and --opt value, the last of both kinds */
        {false, {"--profile=compile", "--pin", "spread", NULL}, "0=compile 1=spread"},
        {false, {"--param=a=b", NULL}, "2=a=b"},
        {false, {"--profile=", NULL}, "ERROR option '--profile' needs a value (NAME)"},
        {false, {"--profile", NULL}, "ERROR option '--profile' needs a value (NAME)"},
        {false, {"--quiet=yes", NULL}, "ERROR option '--quiet' takes no value"},
        /* unambiguous abbreviations, exact names over longer ones, ambiguous ones refused */
        {false, {"--prof", "x", "--dur=2m", "--q", NULL}, "0=x 6=2m 3"},
        {false, {"--pin", "none", NULL}, "1=none"},
        {false, {"--p", "x", NULL}, "ERROR option '--p' is ambiguous: it could be --profile, --pin, --param"},
        {false, {"--pa", "k=v", NULL}, "2=k=v"},
        {false, {"--d", "x", NULL}, "ERROR option '--d' is ambiguous: it could be --dry-run, --duration"},
        {false, {"--he", NULL}, "help"},
        /* short options: a value attached or next, clustered flags, a value at a cluster's end, -j = -w */
        {false, {"-p", "compile", "-d10s", NULL}, "0=compile 6=10s"},
        {false, {"-qn", NULL}, "3 4"},
        {false, {"-qnd", "5m", NULL}, "3 4 6=5m"},
        {false, {"-qd5m", NULL}, "3 6=5m"},
        {false, {"-j", "4", "-w8", NULL}, "7=4 7=8"},
        {false, {"-d", NULL}, "ERROR option '-d' (--duration) needs a value (TIME)"},
        {false, {"-x", NULL}, "ERROR unknown option '-x'"},
        {false, {"-qx", NULL}, "ERROR unknown option '-x'"},
        {false, {"-h", NULL}, "help"},
        /* an optional value: only after '=' where operands exist; also the next word where none do */
        {true, {"--json", "k.txt", NULL}, "5 operand:k.txt"},
        {true, {"--json=out.json", "k.txt", NULL}, "5=out.json operand:k.txt"},
        {false, {"--json", "out.json", NULL}, "5=out.json"},
        {false, {"--json", "-", NULL}, "5=-"},
        {false, {"--json", "--quiet", NULL}, "5 3"},
        {false, {"--json", NULL}, "5"},
        {false, {"--json=", NULL}, "ERROR option '--json=' needs a value after '='"},
        /* operands where a command takes none, unknown options with and without a suggestion */
        {false, {"compile", NULL}, "ERROR unexpected argument 'compile' (run takes options only)"},
        {false, {"--duratoin", "5s", NULL}, "ERROR unknown option '--duratoin' (did you mean '--duration'?)"},
        {false, {"--wrokers=2", NULL}, "ERROR unknown option '--wrokers' (did you mean '--workers'?)"},
        {false, {"--frobnicate", NULL}, "ERROR unknown option '--frobnicate': see 'stresswsl run --help'"},
        {false, {"--colour=never", NULL}, "ERROR unknown option '--colour' (did you mean '--color'?)"},
        /* a hidden option: its whole name only, never suggested; an empty name is no abbreviation */
        {false, {"--inject", "segv", NULL}, "8=segv"},
        {false, {"--inj", "segv", NULL}, "ERROR unknown option '--inj': see"},
        {false, {"--injetc", "segv", NULL}, "ERROR unknown option '--injetc': see"},
        {false, {"--=x", NULL}, "ERROR unknown option '--': see"},
        /* the common --color is applied by the parser, not returned */
        {false, {"--color=never", "-q", NULL}, "3"},
        {false, {"--color=sometimes", NULL}, "ERROR --color: give auto, always or never (got 'sometimes')"},
    };
    char got[512];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct parse_case *c = &cases[i];
        parse_to_text(c->operands ? &k_with_operands : &k_no_operands, c->args, got, sizeof got);
        bool ok = !strncmp(c->want, "ERROR", 5) ? !strncmp(got, c->want, strlen(c->want)) : !strcmp(got, c->want);
        CHECK_MSG(ok, "case %zu (%s ...): got '%s', want '%s'", i, c->args[0], got, c->want);
        if (!strncmp(got, "ERROR", 5))
            CHECK_MSG(strstr(got, "--help'") != NULL, "case %zu: the error does not point to --help: %s", i, got);
    }
}

static void edit_distance(void)
{
    CHECK_INT(sw_edit_distance("duration", "duration", 9), 0);
    CHECK_INT(sw_edit_distance("duratoin", "duration", 9), 1);   /* a swap of neighbours is one mistake */
    CHECK_INT(sw_edit_distance("duration", "durtaion", 9), 1);
    CHECK_INT(sw_edit_distance("ab", "ba", 9), 1);
    CHECK_INT(sw_edit_distance("ca", "abc", 9), 3);
    CHECK_INT(sw_edit_distance("", "abc", 9), 3);
    CHECK_INT(sw_edit_distance("kitten", "sitting", 9), 3);
    CHECK_INT(sw_edit_distance("kitten", "sitting", 2), 2);   /* capped */
    static const char *const cmds[] = {"run", "list", "probe", "analyze", "compare", "fleet", "bundle"};
    const char *g = sw_did_you_mean("anlyze", cmds, 7);
    CHECK(g && !strcmp(g, "analyze"));
    g = sw_did_you_mean("lsit", cmds, 7);
    CHECK(g && !strcmp(g, "list"));
    CHECK(sw_did_you_mean("xyz", cmds, 7) == NULL);
    CHECK(sw_did_you_mean("frobnicate", cmds, 7) == NULL);
    g = sw_command_guess("bundel");
    CHECK(g && !strcmp(g, "bundle"));
    CHECK(sw_command_guess("__chlid") == NULL);   /* hidden commands are never suggested */
}

/* Every line of the generated help is within 80 columns, long option names and long words included. */
static void help_width(void)
{
    static const struct sw_opt opts[] = {
        {0, "a-rather-long-option-name", 'a', 'b', SW_OPT_VALUE, "SOMETHING|OTHER",
         "a description long enough to need three lines when it is wrapped at eighty columns, with a "
         "word-that-is-long-but-not-longer-than-a-line in it and some more words after it to wrap"},
        {1, "x", 0, 0, SW_OPT_OPTIONAL, "FILE", "short"},
        {0, NULL, 0, 0, SW_OPT_FLAG, NULL, NULL},
    };
    const struct sw_opt_cmd c = {.name = "t", .usage = "usage: t\n", .opts = opts,
                                 .about = "an about paragraph that is long enough to wrap over more than one line "
                                          "of eighty columns, so that the wrapping is exercised\nwith a forced break"};
    char buf[4096] = "";
    FILE *f = fmemopen(buf, sizeof buf - 1, "w");
    CHECK(f != NULL);
    sw_opt_help(f, &c);
    fclose(f);
    int lines = 0;
    for (char *line = buf, *nl; *line; line = nl + 1) {
        nl = strchr(line, '\n');
        CHECK(nl != NULL);
        CHECK_MSG(nl - line <= 80, "line of %d columns: %.*s", (int)(nl - line), (int)(nl - line), line);
        lines++;
    }
    CHECK(lines >= 10);
    CHECK(strstr(buf, "  -a, -b, --a-rather-long-option-name SOMETHING|OTHER\n") != NULL);
    CHECK(strstr(buf, "      --x[=FILE]") != NULL);
    CHECK(strstr(buf, "--color[=WHEN]") != NULL && strstr(buf, "  -h, --help") != NULL);
    CHECK(strstr(buf, "exercised\nwith a forced break\n") != NULL);
}

static void color_modes(void)
{
    /* stdout of a test is not a terminal: auto is off, always and never are what they say */
    unsetenv("NO_COLOR");
    sw_cli_set_color(SW_COLOR_AUTO);
    CHECK(!sw_cli_use_color());
    sw_cli_set_color(SW_COLOR_ALWAYS);
    setenv("NO_COLOR", "1", 1);
    CHECK(sw_cli_use_color());   /* an explicit --color=always wins over the environment */
    sw_cli_set_color(SW_COLOR_NEVER);
    CHECK(!sw_cli_use_color());
    char *argv[] = {(char *)"cmd", (char *)"--col", NULL};
    struct sw_opt_state st;
    struct sw_diag d = {0};
    const char *val;
    sw_opt_init(&st, 2, argv);
    CHECK_INT(sw_opt_next(&st, &k_no_operands, &val, &d), SW_OPT_END);
    CHECK(sw_cli_use_color());   /* a bare --color (abbreviated here) means always, as in GNU ls */
    sw_cli_set_color(SW_COLOR_AUTO);
    unsetenv("NO_COLOR");
}

int main(int argc, char **argv)
{
    static const struct sw_test_case cases[] = {
        {"table", table}, {"edit_distance", edit_distance}, {"help_width", help_width},
        {"color_modes", color_modes}, {NULL, NULL},
    };
    return sw_test_main(argc, argv, cases);
}
