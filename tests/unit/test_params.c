#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/params.h"
#include "stress/registry.h"
#include "tests/harness/check.h"

static int words(const char *choices)
{
    int n = 0;
    for (const char *c = choices; c && *c; c++)
        n += c == choices || c[-1] == '|';
    return n;
}

/* The real tables: each passes the check, every default lies in [min, max], and each choice word
 * resolves to its own position (the enum constant the X-macro gave it). */
static void every_workload_table_is_sound(void)
{
    for (int w = 0; w < sw_workload_count; w++) {
        const struct sw_workload *wl = sw_workloads[w];
        struct sw_diag d = {0};
        CHECK_MSG(sw_param_defs_check(wl->params, wl->name, &d) == 0, "%s", d.msg);
        struct sw_params p;
        CHECK_MSG(sw_params_defaults(&p, wl->params, &d) == 0, "%s", d.msg);
        for (int i = 0; i < p.n; i++) {
            const struct sw_param_def *def = &wl->params[i];
            CHECK(p.v[i].def == def);
            if (def->type == SW_P_INT || def->type == SW_P_SIZE)
                CHECK_MSG(def->min <= p.v[i].i && p.v[i].i <= def->max, "%s.%s", wl->name, def->name);
            if (def->type != SW_P_CHOICE)
                continue;
            CHECK_INT(words(def->choices), def->n_choices);
            char buf[SW_PARAM_STR];
            const char *c = def->choices;
            for (unsigned k = 0; k < def->n_choices; k++) {
                size_t n = strcspn(c, "|");
                snprintf(buf, sizeof buf, "%.*s", (int)n, c);
                CHECK_MSG(sw_params_set(&p, wl->params, wl->name, def->name, buf, &d) == 0, "%s", d.msg);
                CHECK_INT(sw_param_int(&p, (unsigned)i), k);
                c += n + (c[n] == '|');
            }
        }
    }
}

enum { T_COUNT, T_SIZE, T_MODE, T_NAME, T_N };
#define T_MODES(X) X(T_SLOW, "slow") X(T_FAST, "fast") X(T_WILD, "wild")
enum t_mode { T_MODES(SW_CHOICE_ENUM) };
SW_PARAM_TABLE(good, T_N) = {
    [T_COUNT] = {.name = "count", .type = SW_P_INT, .def = "3", .min = 1, .max = 9, .help = "h"},
    [T_SIZE] = {.name = "size", .type = SW_P_SIZE, .def = "4K", .min = 1024, .max = 1 << 20, .help = "h"},
    [T_MODE] = {.name = "mode", .type = SW_P_CHOICE, .def = "fast", SW_CHOICES(T_MODES), .help = "h"},
    [T_NAME] = {.name = "name", .type = SW_P_STR, .def = "x", .help = "h"},
};

static void values_by_id(void)
{
    struct sw_params p;
    struct sw_diag d = {0};
    CHECK_INT(sw_params_defaults(&p, good, &d), 0);
    CHECK_INT(p.n, T_N);
    CHECK_INT(sw_param_int(&p, T_COUNT), 3);
    CHECK_INT(sw_param_int(&p, T_SIZE), 4096);
    CHECK_INT(sw_param_int(&p, T_MODE), T_FAST);
    CHECK_STR(sw_param_str(&p, T_NAME), "x");
    CHECK_INT(sw_params_set(&p, good, "t", "mode", "wild", &d), 0);
    CHECK_INT(sw_param_int(&p, T_MODE), T_WILD);
    CHECK_INT(T_MODES(SW_CHOICE_ONE), 3);
}

/* A misspelt name from a profile or --param: one line naming the known ones. */
static void unknown_name_lists_the_known_ones(void)
{
    struct sw_params p;
    struct sw_diag d = {0};
    CHECK_INT(sw_params_defaults(&p, good, &d), 0);
    CHECK_INT(sw_params_set(&p, good, "t", "cuont", "2", &d), -EINVAL);
    CHECK_STR(d.msg, "t has no parameter 'cuont' (it has: count, size, mode, name)");
    CHECK_INT(sw_params_set(&p, good, "t", "mode", "medium", &d), -EINVAL);
    CHECK_MSG(strstr(d.msg, "slow|fast|wild") != NULL, "%s", d.msg);
}

/* A read past the table is a workload bug: the process aborts instead of using 0 ("auto"). */
static void id_past_the_table_aborts(void)
{
    struct sw_params p;
    struct sw_diag d;
    CHECK_INT(sw_params_defaults(&p, good, &d), 0);
    pid_t pid = fork();
    if (pid == 0) {
        signal(SIGABRT, SIG_DFL);
        (void)sw_param_int(&p, T_N);
        _exit(0);
    }
    int st = 0;
    CHECK(pid > 0 && waitpid(pid, &st, 0) == pid);
    CHECK_MSG(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT, "status %#x", st);
}

struct bad_case {
    struct sw_param_def defs[3];
    const char *says;
};

static void broken_tables_are_refused(void)
{
    static const struct bad_case cases[] = {
        {{{.name = "n", .type = SW_P_INT, .def = "5", .min = 9, .max = 1}}, "min 9 > max 1"},
        {{{.name = "n", .type = SW_P_INT, .def = "50", .min = 1, .max = 9}}, "bad default"},
        {{{.name = "n", .type = SW_P_SIZE, .def = "1G", .min = 1, .max = 1 << 20}}, "bad default"},
        {{{.name = "n", .type = SW_P_INT, .min = 1, .max = 9}}, "bad default"},
        {{{.name = "b", .type = SW_P_BOOL, .def = "perhaps"}}, "bad default"},
        {{{.name = "m", .type = SW_P_CHOICE, .def = "a", .choices = "a|b|c", .n_choices = 2}}, "3 choices for an enum of 2"},
        {{{.name = "m", .type = SW_P_CHOICE, .def = "z", SW_CHOICES(T_MODES)}}, "bad default"},
        {{{.name = "m", .type = SW_P_CHOICE, .def = "a"}}, "0 choices"},
        {{{.name = "s", .type = SW_P_STR, .def = "a", .choices = "a|b", .n_choices = 2}}, "not a choice"},
        {{{.name = "x", .type = SW_P_STR, .def = ""}, {.name = "x", .type = SW_P_STR, .def = ""}}, "defined twice"},
        {{{.name = "", .type = SW_P_STR, .def = ""}}, "empty name"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct sw_diag d = {0};
        CHECK_MSG(sw_param_defs_check(cases[i].defs, "t", &d) == -EINVAL, "case %zu", i);
        CHECK_MSG(strstr(d.msg, cases[i].says) != NULL, "case %zu: '%s'", i, d.msg);
        struct sw_params p;
        CHECK_MSG(sw_params_defaults(&p, cases[i].defs, &d) < 0, "case %zu", i);
    }
    struct sw_diag d = {0};
    CHECK_INT(sw_param_defs_check(good, "t", &d), 0);
}

int main(int argc, char **argv)
{
    static const struct sw_test_case cases[] = {
        {"every_workload_table_is_sound", every_workload_table_is_sound},
        {"values_by_id", values_by_id},
        {"unknown_name_lists_the_known_ones", unknown_name_lists_the_known_ones},
        {"id_past_the_table_aborts", id_past_the_table_aborts},
        {"broken_tables_are_refused", broken_tables_are_refused},
        {NULL, NULL}};
    return sw_test_main(argc, argv, cases);
}
