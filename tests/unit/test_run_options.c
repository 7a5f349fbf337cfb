/* `stresswsl run` option parsing: profiles by name, --workload jobs, overrides of every kind, and the
 * one-line errors for bad usage. Uses a fake workload table with the real names. */
#include <stdlib.h>
#include <unistd.h>

#include "cli/run_options.h"
#include "core/profile.h"
#include "tests/harness/check.h"

SW_PARAM_TABLE(compile_params, 1) = {{.name = "jobs", .type = SW_P_INT, .def = "2", .min = 1, .max = 64,
                                       .help = "parallel compilers"}};
enum { P_MODE, P_BURST_MS, P_N };
#define MODES(X) X(MODE_STEADY, "steady") X(MODE_BURSTY, "bursty")
enum { MODES(SW_CHOICE_ENUM) };
SW_PARAM_TABLE(compute_params, P_N) = {
    [P_MODE] = {.name = "mode", .type = SW_P_CHOICE, .def = "steady", SW_CHOICES(MODES), .help = "load shape"},
    [P_BURST_MS] = {.name = "burst_ms", .type = SW_P_INT, .def = "200", .min = 1, .max = 60000, .help = "burst length"},
};
SW_PARAM_TABLE(memory_params, 1) = {{.name = "block", .type = SW_P_SIZE, .def = "1M", .min = 4096, .max = 1ll << 30,
                                     .help = "block"}};
SW_PARAM_TABLE(no_params, 0) = {{.name = NULL}};
static const struct sw_workload w_execve = {.name = "execve", .summary = "s", .unit = "execs", .params = no_params};
static const struct sw_workload w_heap = {.name = "heap", .summary = "s", .unit = "allocs", .params = no_params};
static const struct sw_workload w_compile = {.name = "compile", .summary = "s", .unit = "builds",
                                             .params = compile_params};
static const struct sw_workload w_memory = {.name = "memory", .summary = "s", .unit = "bytes",
                                            .params = memory_params};
static const struct sw_workload w_compute = {.name = "compute", .summary = "s", .unit = "ops",
                                             .params = compute_params};
static const struct sw_workload *const table[] = {&w_execve, &w_heap, &w_compile, &w_memory, &w_compute};

static struct sw_job job;
static struct sw_run_cli cli;
static struct sw_diag d;

/* Parses a NULL-terminated argument array (argv[0] = "run"). */
static int parse_arr(const char *const *args)
{
    char *argv[64];
    int argc = 0;
    argv[argc++] = (char *)"run";
    for (; *args && argc < 63; args++)
        argv[argc++] = (char *)*args;
    argv[argc] = NULL;
    memset(&d, 0, sizeof d);
    return sw_run_parse_table(argc, argv, table, 5, &job, &cli, &d);
}

#define parse(...) parse_arr((const char *const[]){__VA_ARGS__})

static void profile_by_name(void)
{
    CHECK_MSG(parse("--profile", "compile", NULL) == 0, "%s", d.msg);
    CHECK_STR(job.profile, "compile");
    CHECK(strstr(job.profile_source, "profiles/compile.json") != NULL);
    CHECK_INT(job.duration_ms, 600000);
    CHECK_INT(job.trials, 3);
    CHECK(!cli.opts.dry_run && cli.opts.progress == SW_PROGRESS_AUTO && !cli.json_path && !cli.help_shown);
    CHECK_STR(cli.opts.command_line, "stresswsl run --profile compile");
    /* --opt=value works too */
    CHECK(parse("--profile=quick", "--dry-run", "--quiet", NULL) == 0);
    CHECK_STR(job.profile, "quick");
    CHECK(cli.opts.dry_run && cli.opts.progress == SW_PROGRESS_QUIET);
}

static void overrides(void)
{
    int rc = parse("--profile", "compile", "--duration", "2m", "--workers", "4", "--memory", "25%", "--seed", "7",
                   "--out", "/tmp/o", "--json", "-", "--mirror", "/mnt/c/x", "--state-dir", "/tmp/s", "--param",
                   "compile.jobs=8", "--param", "mode=bursty", NULL);
    CHECK_MSG(rc == 0, "%s", d.msg);
    CHECK_INT(job.duration_ms, 120000);
    /* 2 minutes over 3 trials, weights 1/4/2/3 */
    CHECK_INT(job.phases[0].duration_ms, 4000);
    CHECK_INT(job.phases[1].duration_ms, 16000);
    CHECK_INT(job.mem_percent, 25);
    CHECK_INT(job.seed, 7);
    CHECK_STR(cli.opts.out_dir, "/tmp/o");
    CHECK_STR(cli.json_path, "-");
    CHECK_STR(cli.opts.mirror_dir, "/mnt/c/x");
    CHECK_STR(cli.opts.state_dir, "/tmp/s");
    for (int p = 0; p < job.nphases; p++)
        for (int i = 0; i < job.phases[p].n; i++) {
            const struct sw_job_workload *w = &job.phases[p].wl[i];
            if (w->pin == SW_PIN_CYCLE)   /* the light phase keeps its single cycling worker */
                CHECK(w->count_kind == SW_COUNT_EXACT && w->count == 1);
            else
                CHECK(w->count_kind == SW_COUNT_EXACT && w->count == 4);
            if (w->wl == &w_compile)
                CHECK_INT(sw_param_int(&w->params, 0), 8);
            if (w->wl == &w_compute)
                CHECK_STR(sw_param_str(&w->params, P_MODE), "bursty");
        }
    /* --pin overrides every entry; cycle makes each entry one worker */
    CHECK(parse("--profile", "compile", "--pin", "compact", "--workers", "50%", NULL) == 0);
    CHECK(job.phases[1].wl[0].pin == SW_PIN_COMPACT && job.phases[1].wl[0].count_kind == SW_COUNT_SHARE);
    CHECK(job.phases[2].wl[0].pin == SW_PIN_COMPACT);
    CHECK(parse("--profile", "cpu", "--pin", "cycle", NULL) == 0);
    CHECK(job.phases[0].wl[0].pin == SW_PIN_CYCLE && job.phases[0].wl[0].count == 1);
    CHECK(parse("--profile", "cpu", "--pin", "cycle", "--workers", "3", NULL) < 0);
    CHECK(strstr(d.msg, "cycle") && strstr(d.msg, "exactly 1 worker"));
    /* memory as a size */
    CHECK(parse("--profile", "memory", "--memory", "4G", NULL) == 0);
    CHECK(job.mem_limit == 4ull << 30 && job.mem_percent == 0);
}

/* --trials, short options and --stop-on-error (GNU conventions: cli/opt_parse.h) */
static void trials_and_short_options(void)
{
    CHECK_MSG(parse("-p", "compile", "-d", "10s", "--trials", "1", NULL) == 0, "%s", d.msg);
    CHECK_INT(job.trials, 1);
    CHECK_INT(job.duration_ms, 10000);
    CHECK_MSG(parse("--profile", "compile", "--trials", "2", NULL) == 0, "%s", d.msg);
    CHECK_INT(job.trials, 2);
    CHECK_INT(job.duration_ms, 600000);   /* the profile's duration, now over two trials */
    CHECK_MSG(parse("--prof=quick", "-qn", "-j3", "--stop-on-error", "--json", NULL) == 0, "%s", d.msg);
    CHECK(cli.quiet && cli.opts.dry_run && cli.opts.stop_on_error && cli.opts.progress == SW_PROGRESS_QUIET);
    CHECK(job.phases[0].wl[0].count_kind == SW_COUNT_EXACT && job.phases[0].wl[0].count == 3);
    CHECK_STR(cli.json_path, "-");   /* a bare --json is stdout */
    CHECK_MSG(parse("-p", "quick", "--workers", "100%", "-o", "/tmp/x", "--json", "r.json", NULL) == 0, "%s", d.msg);
    CHECK(job.phases[0].wl[0].count_kind == SW_COUNT_SHARE && job.phases[0].wl[0].share == 1.0);
    CHECK_STR(cli.opts.out_dir, "/tmp/x");
    CHECK_STR(cli.json_path, "r.json");
    CHECK(!cli.opts.stop_on_error && !cli.quiet);
}

static void workload_list(void)
{
    CHECK_MSG(parse("--workload", "compute,memory", "--param", "block=64K", NULL) == 0, "%s", d.msg);
    CHECK_INT(job.nphases, 1);
    CHECK_INT(job.phases[0].n, 2);
    CHECK(job.phases[0].wl[0].wl == &w_compute && job.phases[0].wl[1].wl == &w_memory);
    CHECK(job.phases[0].wl[0].count_kind == SW_COUNT_AUTO && job.phases[0].wl[0].pin == SW_PIN_NONE);
    CHECK_INT(job.duration_ms, 600000);
    CHECK_INT(job.phases[0].duration_ms, 600000);
    CHECK_INT(sw_param_int(&job.phases[0].wl[1].params, 0), 65536);
    CHECK_STR(sw_param_str(&job.phases[0].wl[0].params, P_MODE), "steady");
    CHECK(parse("--workload", "heap", "--duration", "90s", "--workers", "2", "--pin", "spread", NULL) == 0);
    CHECK(job.duration_ms == 90000 && job.phases[0].wl[0].count == 2 && job.phases[0].wl[0].pin == SW_PIN_SPREAD);
    CHECK(parse("--workload", "compute", "--inject", "bitflip,segv", NULL) == 0);
    CHECK_INT(job.inject, SW_INJ_BITFLIP | SW_INJ_SEGV);
}

struct bad {
    const char *args[8];
    const char *want[4];
};

static const struct bad bads[] = {
    {{"--profile", "compile", "--frobnicate", NULL}, {"unknown option '--frobnicate'", "stresswsl run --help"}},
    {{"--profile", "compile", "-x", NULL}, {"unknown option '-x'", "stresswsl run --help"}},
    {{"--profile", "compile", "extra", NULL}, {"unexpected argument 'extra'"}},
    {{"--profile", NULL}, {"'--profile' needs a value", "NAME|FILE"}},
    {{"--profile", "compile", "--quiet=yes", NULL}, {"'--quiet' takes no value"}},
    {{NULL}, {"nothing to run", "--profile", "--workload"}},
    {{"--profile", "nosuch", NULL}, {"no profile named 'nosuch'", "stresswsl list"}},
    {{"--profile", "/nonexistent/x.json", NULL}, {"/nonexistent/x.json"}},
    {{"--profile", "compile", "--workload", "heap", NULL}, {"either --profile or --workload"}},
    {{"--profile", "compile", "--duration", "soon", NULL}, {"--duration", "soon"}},
    {{"--profile", "compile", "--duration", "3s", NULL}, {"--duration", "too short", "30s"}},
    {{"--profile", "compile", "--workers", "many", NULL}, {"--workers", "many", "auto"}},
    {{"--profile", "compile", "--workers", "0", NULL}, {"--workers", "got '0'"}},
    {{"--profile", "compile", "--pin", "fast", NULL}, {"--pin", "'fast'", "spread, compact"}},
    {{"--profile", "compile", "--memory", "lots", NULL}, {"--memory", "lots"}},
    {{"--profile", "compile", "--memory", "101%", NULL}, {"--memory"}},
    {{"--profile", "compile", "--seed", "-3", NULL}, {"--seed", "-3"}},
    {{"--profile", "compile", "--seed", "0", NULL}, {"--seed", "1 or more"}},
    {{"--profile", "compile", "--param", "jobs", NULL}, {"--param", "KEY=VALUE"}},
    {{"--profile", "compile", "--param", "colour=red", NULL}, {"--param colour=red", "no workload", "compile: jobs"}},
    {{"--profile", "compile", "--param", "compile.jobs=999", NULL}, {"--param compile.jobs=999", "1 to 64"}},
    {{"--profile", "compile", "--param", "memory.block=1M", NULL}, {"'memory' is not part of this run"}},
    {{"--workload", "compute,nosuch", NULL}, {"unknown workload 'nosuch'", "known: execve, heap, compile"}},
    {{"--workload", "compute,compute", NULL}, {"listed twice"}},
    {{"--workload", "compute,", NULL}, {"--workload"}},
    {{"--workload", "compute", "--inject", "melt", NULL}, {"--inject", "'melt'", "bitflip, corrupt, segv, wrong"}},
    {{"--profile", "compile", "--topology", "x.xml", NULL}, {"--topology", "--dry-run"}},
    /* too short for the trials: the refusal names the ways out */
    {{"--profile", "compile", "--duration", "10s", NULL},
     {"duration 10s is too short for profile 'compile': 3 trials", "--trials 1", "'quick' profile"}},
    {{"--profile", "compile", "--trials", "0", NULL}, {"--trials", "1 to 100", "'0'"}},
    {{"--profile", "compile", "--trials", "2x", NULL}, {"--trials", "'2x'"}},
    {{"--profile", "compile", "--trials", "101", NULL}, {"--trials", "'101'"}},
    {{"--profile", "quick", "--duration", "1s", NULL}, {"too short", "longer --duration"}},
    /* a share of the CPUs is at most all of them */
    {{"--profile", "compile", "--workers", "150%", NULL}, {"--workers", "100%", "got '150%'", "give a count"}},
    {{"--profile", "compile", "--durtaion", "2m", NULL}, {"unknown option '--durtaion'", "did you mean '--duration'"}},
    {{"--profile", "compile", "--p", "x", NULL}, {"'--p' is ambiguous", "--profile", "--pin"}},
};

static void bad_usage(void)
{
    for (unsigned i = 0; i < sizeof bads / sizeof bads[0]; i++) {
        int rc = parse_arr(bads[i].args);
        CHECK_MSG(rc < 0, "bad case %u accepted", i);
        CHECK_MSG(strchr(d.msg, '\n') == NULL && d.msg[0], "case %u: not one line: %s", i, d.msg);
        for (int k = 0; k < 4 && bads[i].want[k]; k++)
            CHECK_MSG(strstr(d.msg, bads[i].want[k]) != NULL, "case %u: '%s' missing from: %s", i, bads[i].want[k],
                      d.msg);
    }
}

static void help_and_command_line(void)
{
    fflush(stdout);
    FILE *saved = stdout;
    char path[512];
    int fd = sw_test_tmpfile(path, sizeof path, "sw-test-help");
    CHECK(fd >= 0);
    FILE *f = fdopen(fd, "w+");
    stdout = f;
    int rc = parse("--profile", "compile", "--help", NULL);
    CHECK_INT(job.nphases, 0);   /* help runs nothing and loads nothing */
    fflush(f);
    stdout = saved;
    CHECK(rc == 0 && cli.help_shown);
    char buf[8192] = {0};
    rewind(f);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    unlink(path);
    CHECK(strstr(buf, "usage: stresswsl [run] --profile") != NULL);
    CHECK(strstr(buf, "examples:") && strstr(buf, "--duration 2m"));
    CHECK(strstr(buf, "130") && strstr(buf, "instability"));
    CHECK(strstr(buf, "--inject") == NULL);   /* hidden: selftest only */
    /* quoting so "reproduce with" can be pasted into a shell */
    CHECK(parse("--workload", "heap", "--out", "/tmp/it's", NULL) == 0);
    CHECK_STR(cli.command_line, "stresswsl run --workload heap --out '/tmp/it'\\''s'");
    CHECK(parse("--workload", "heap", "--out", "/tmp/my dir", NULL) == 0);
    CHECK_STR(cli.command_line, "stresswsl run --workload heap --out '/tmp/my dir'");
}

int main(int argc, char **argv)
{
    unsetenv("STRESSWSL_PROFILE_DIR");
    static const struct sw_test_case cases[] = {
        {"profile_by_name", profile_by_name}, {"overrides", overrides},
        {"workload_list", workload_list},     {"bad_usage", bad_usage},
        {"trials_and_short_options", trials_and_short_options},
        {"help_and_command_line", help_and_command_line}, {NULL, NULL},
    };
    return sw_test_main(argc, argv, cases);
}
