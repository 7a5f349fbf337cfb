/* The rules database: the shipped file validates, and every kind of mistake in a rules file is an error
 * that names the file and the rule. */
#include <errno.h>
#include <unistd.h>

#include "report/rules.h"
#include "tests/harness/check.h"

static char g_tmp[64];

static int load_text(const char *text, struct sw_diag *d)
{
    FILE *f = fopen(g_tmp, "w");
    fputs(text, f);
    fclose(f);
    json_t *db = sw_rules_load(g_tmp, d);
    int rc = db ? 0 : -1;
    json_decref(db);
    return rc;
}

#define RULE(id, extra)                                                                             \
    "{\"rules_version\":1,\"rules\":[{\"id\":\"" id "\",\"title\":\"t\",\"class\":\"firmware\","     \
    "\"confidence\":\"high\",\"summary\":\"s\",\"advice\":\"a\",\"references\":[]" extra "}]}"

static void expect_error(const char *text, const char *needle)
{
    struct sw_diag d = {0};
    CHECK_MSG(load_text(text, &d) != 0, "accepted: %s", text);
    CHECK_MSG(strstr(d.msg, g_tmp) != NULL, "no path in: %s", d.msg);
    CHECK_MSG(strstr(d.msg, needle) != NULL, "'%s' not in: %s", needle, d.msg);
}

static void test_shipped_rules_validate(void)
{
    struct sw_diag d = {0};
    char path[4096];
    CHECK_MSG(sw_rules_find(path, sizeof path, &d) == 0, "%s", d.msg);
    json_t *db = sw_rules_load(path, &d);
    CHECK_MSG(db != NULL, "%s", d.msg);
    CHECK(json_array_size(json_object_get(db, "rules")) >= 20);
    json_decref(db);
}

static void test_good_minimal(void)
{
    struct sw_diag d = {0};
    CHECK_MSG(load_text(RULE("ok-rule", ",\"when\":{\"fact\":\"cpu.signature\",\"in\":[\"0xb0671\"]}"), &d) == 0,
              "%s", d.msg);
    CHECK_MSG(load_text(RULE("ok-wl", ",\"when\":{\"workloads_ran\":[\"io_uring\",\"exit\",\"pressure\"]}"), &d) == 0,
              "%s", d.msg);
}

static void test_errors_name_path_and_rule(void)
{
    expect_error("{\"rules_version\":1,\"rules\":[", "line 1");
    expect_error("{\"rules_version\":2,\"rules\":[]}", "rules_version 2");
    expect_error(RULE("r-nowhen", ""), "rule 'r-nowhen': missing \"when\"");
    expect_error(RULE("r-badop", ",\"when\":{\"fact\":\"cpu.signature\",\"within\":[1]}"), "rule 'r-badop': unknown key 'within'");
    expect_error(RULE("r-noop", ",\"when\":{\"fact\":\"cpu.signature\"}"), "rule 'r-noop'");
    expect_error(RULE("r-hex", ",\"when\":{\"microcode\":\"firmware\",\"lt\":\"12b\"}"), "rule 'r-hex': 'lt' must be a hex");
    expect_error(RULE("r-regex", ",\"when\":{\"fact\":\"cpu.brand\",\"regex\":\"(unclosed\"}"), "rule 'r-regex'");
    expect_error(RULE("r-kind", ",\"when\":{\"events\":{\"kind\":\"explosion\"}}"), "rule 'r-kind': 'kind' has unknown event kind 'explosion'");
    expect_error(RULE("r-use", ",\"when\":{\"use\":\"nothing\"}"), "rule 'r-use': 'use': no condition named 'nothing'");
    expect_error(RULE("r-sup", ",\"when\":{\"previous_run\":true},\"supersedes\":[\"ghost\"]"), "rule 'r-sup': \"supersedes\" names unknown rule 'ghost'");
    expect_error(RULE("r-key", ",\"when\":{\"previous_run\":true},\"colour\":\"red\""), "rule 'r-key': unknown key \"colour\"");
    expect_error(RULE("r-tmpl", ",\"when\":{\"previous_run\":true},\"summary_symptoms\":\"{cpu.brand\""), "unclosed");
    expect_error(RULE("r-wl", ",\"when\":{\"workloads_ran\":[\"io_uring\",\"gpu\"]}"),
                 "rule 'r-wl': 'workloads_ran' names unknown workload 'gpu'");
    expect_error(RULE("r-wl2", ",\"when\":{\"workloads_ran\":\"exit\",\"min\":1}"), "'workloads_ran' must be alone");
    expect_error(RULE("Bad_Id", ",\"when\":{\"previous_run\":true}"), "rule 'Bad_Id'");
    expect_error("{\"rules_version\":1,\"rules\":[{\"title\":\"x\"}]}", "rule '#1': missing \"id\"");
    expect_error("{\"rules_version\":1,\"rules\":[" "{\"id\":\"a\",\"title\":\"t\",\"class\":\"firmware\",\"confidence\":\"high\",\"summary\":\"s\",\"advice\":\"a\",\"references\":[],\"when\":{\"previous_run\":true}},"
                 "{\"id\":\"a\",\"title\":\"t\",\"class\":\"firmware\",\"confidence\":\"high\",\"summary\":\"s\",\"advice\":\"a\",\"references\":[],\"when\":{\"previous_run\":true}}]}",
                 "rule 'a': the id is used twice");
    expect_error("{\"rules_version\":1,\"rules\":[{\"id\":\"r-cls\",\"title\":\"t\",\"class\":\"cosmic-ray\",\"confidence\":\"high\",\"summary\":\"s\",\"advice\":\"a\",\"references\":[],\"when\":{\"previous_run\":true}}]}",
                 "rule 'r-cls': \"class\"");
    expect_error("{\"rules_version\":1,\"rules\":[{\"id\":\"r-url\",\"title\":\"t\",\"class\":\"firmware\",\"confidence\":\"high\",\"summary\":\"s\",\"advice\":\"a\",\"references\":[\"ftp://x\"],\"when\":{\"previous_run\":true}}]}",
                 "rule 'r-url': \"references\" entry 0");
}

static void test_missing_file(void)
{
    struct sw_diag d = {0};
    CHECK(sw_rules_load("/nonexistent/rules.json", &d) == NULL);
    CHECK_MSG(strstr(d.msg, "/nonexistent/rules.json") && strstr(d.msg, "STRESSWSL_RULES"), "%s", d.msg);
}

static void test_env_override(void)
{
    struct sw_diag d = {0};
    char path[4096];
    setenv("STRESSWSL_RULES", "/nonexistent/x.json", 1);
    CHECK(sw_rules_find(path, sizeof path, &d) == 0 && !strcmp(path, "/nonexistent/x.json"));
    CHECK(sw_rules_load_default(&d) == NULL && strstr(d.msg, "/nonexistent/x.json"));
    unsetenv("STRESSWSL_RULES");
}

int main(int argc, char **argv)
{
    snprintf(g_tmp, sizeof g_tmp, "%s/sw-rules-test-%d.json", sw_test_tmproot(), (int)getpid());
    static const struct sw_test_case cases[] = {
        {"shipped_rules_validate", test_shipped_rules_validate},
        {"good_minimal", test_good_minimal},
        {"errors_name_path_and_rule", test_errors_name_path_and_rule},
        {"missing_file", test_missing_file},
        {"env_override", test_env_override},
        {NULL, NULL},
    };
    int rc = sw_test_main(argc, argv, cases);
    unlink(g_tmp);
    return rc;
}
