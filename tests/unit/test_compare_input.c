/* compare reads reports that anyone may hand it: a FIFO named report.json does not hang it, and a
 * file larger than any report is refused by its size before it is parsed. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/rundir.h"
#include "report/compare.h"
#include "tests/harness/check.h"

static char dir[64];

static void fifo_is_refused(void)
{
    char p[128];
    snprintf(p, sizeof p, "%s/run", dir);
    CHECK_INT(mkdir(p, 0755), 0);
    snprintf(p, sizeof p, "%s/run/report.json", dir);
    CHECK_INT(mkfifo(p, 0644), 0);
    json_t *set = json_array();
    struct sw_diag d = {0};
    snprintf(p, sizeof p, "%s/run", dir);
    CHECK_INT(sw_compare_load_path(p, set, &d), -EINVAL);   /* without the fix: blocks in open() */
    CHECK_MSG(strstr(d.msg, "not a regular file") != NULL, "%s", d.msg);
    json_decref(set);
}

static void oversized_is_refused(void)
{
    char p[128];
    snprintf(p, sizeof p, "%s/big.json", dir);
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    CHECK_INT(ftruncate(fd, (off_t)SW_COMPARE_REPORT_MAX + 1), 0);   /* sparse: no disk used */
    close(fd);
    json_t *set = json_array();
    struct sw_diag d = {0};
    CHECK_INT(sw_compare_load_path(p, set, &d), -EFBIG);
    CHECK_MSG(strstr(d.msg, "larger than any stresswsl report.json") != NULL, "%s", d.msg);
    CHECK_INT(json_array_size(set), 0);
    json_decref(set);
}

static void cleanup(void)
{
    CHECK_INT(sw_rundir_remove_tree(dir), 0);
}

int main(int argc, char **argv)
{
    snprintf(dir, sizeof dir, "/var/tmp/sw-cmpin-XXXXXX");
    if (!mkdtemp(dir))
        SW_SKIP("no temp dir");
    static const struct sw_test_case cases[] = {
        {"fifo_is_refused", fifo_is_refused}, {"oversized_is_refused", oversized_is_refused},
        {"cleanup", cleanup}, {NULL, NULL}};
    return sw_test_main(argc, argv, cases);
}
