/* One search order for data files: the environment's directory, next to the program, the source
 * tree, the install prefix; profiles and rules found the same way. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/datafile.h"
#include "core/profile.h"
#include "report/rules.h"
#include "tests/harness/check.h"

static void candidates_in_order(void)
{
    char dirs[SW_DATA_MAX_DIRS][SW_DATA_PATH];
    int n = sw_data_candidates("rules", "/env/dir", dirs, SW_DATA_MAX_DIRS);
    CHECK_INT(n, 4);
    CHECK_STR(dirs[0], "/env/dir");
    CHECK_MSG(strstr(dirs[1], "/../share/stresswsl/rules") != NULL, "%s", dirs[1]);
    CHECK_STR(dirs[2], SW_SOURCE_DIR "/rules");
    CHECK_STR(dirs[3], SW_DATADIR "/rules");
    /* No override: the same order without it. */
    CHECK_INT(sw_data_candidates("profiles", NULL, dirs, SW_DATA_MAX_DIRS), 3);
    CHECK_STR(dirs[1], SW_SOURCE_DIR "/profiles");
    CHECK_INT(sw_data_candidates("profiles", "", dirs, 1), 1);   /* bounded by max */
}

/* From the build tree, both kinds come from the source tree, and the override wins when it has the file. */
static void override_first_then_source_tree(void)
{
    char tmp[512], path[PATH_MAX], searched[2048];
    sw_test_tmpdir(tmp, sizeof tmp, "sw-datafile");
    CHECK_INT(sw_data_find("rules", NULL, "rules.json", path, sizeof path, NULL, 0), 0);
    CHECK_STR(path, SW_SOURCE_DIR "/rules/rules.json");
    /* An override without the file falls through to the next place... */
    CHECK_INT(sw_data_find("rules", tmp, "rules.json", path, sizeof path, NULL, 0), 0);
    CHECK_STR(path, SW_SOURCE_DIR "/rules/rules.json");
    /* ... and with it, is used first. */
    char mine[700];
    snprintf(mine, sizeof mine, "%s/rules.json", tmp);
    FILE *f = fopen(mine, "w");
    CHECK(f != NULL);
    if (f)
        fclose(f);
    char real[PATH_MAX];
    CHECK(realpath(mine, real) != NULL);
    CHECK_INT(sw_data_find("rules", tmp, "rules.json", path, sizeof path, NULL, 0), 0);
    CHECK_STR(path, real);
    /* A name found nowhere: -ENOENT, naming every place looked at. */
    CHECK_INT(sw_data_find("rules", tmp, "no-such.json", path, sizeof path, searched, sizeof searched), -ENOENT);
    CHECK_MSG(strstr(searched, tmp) && strstr(searched, SW_SOURCE_DIR "/rules") && strstr(searched, SW_DATADIR),
              "%s", searched);
    unlink(mine);
    rmdir(tmp);
}

/* Profiles and rules agree: with no overrides both come from this source tree. */
static void profiles_and_rules_agree(void)
{
    unsetenv("STRESSWSL_PROFILE_DIR");
    unsetenv("STRESSWSL_RULES");
    char dirs[SW_PROFILE_MAX_DIRS][SW_DATA_PATH], path[PATH_MAX];
    struct sw_diag d = {0};
    int n = sw_profile_dirs(dirs, SW_PROFILE_MAX_DIRS);
    CHECK(n >= 1);
    CHECK_INT(sw_rules_find(path, sizeof path, &d), 0);
    char src[PATH_MAX];
    CHECK(realpath(SW_SOURCE_DIR, src) != NULL);
    CHECK_MSG(n >= 1 && strncmp(dirs[0], src, strlen(src)) == 0, "%s", dirs[0]);
    CHECK_MSG(strncmp(path, src, strlen(src)) == 0, "%s", path);
    /* STRESSWSL_RULES naming a directory without rules.json: one line naming it. */
    setenv("STRESSWSL_RULES", "/", 1);
    CHECK_INT(sw_rules_find(path, sizeof path, &d), -ENOENT);
    CHECK_STR(d.msg, "STRESSWSL_RULES=/ is a directory without rules.json");
    unsetenv("STRESSWSL_RULES");
}

int main(int argc, char **argv)
{
    static const struct sw_test_case cases[] = {
        {"candidates_in_order", candidates_in_order},
        {"override_first_then_source_tree", override_first_then_source_tree},
        {"profiles_and_rules_agree", profiles_and_rules_agree},
        {NULL, NULL}};
    return sw_test_main(argc, argv, cases);
}
