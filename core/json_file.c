/* Bounded JSON file reading (core/json_file.h). */
#include "core/json_file.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

struct bounded_read {
    FILE *f;
    size_t left;
    bool over;
};

static size_t read_bounded(void *buf, size_t len, void *arg)
{
    struct bounded_read *b = arg;
    if (b->left == 0) {   /* one byte past the limit: too big, stop before reading the rest */
        char c;
        b->over = fread(&c, 1, 1, b->f) == 1;
        return b->over ? (size_t)-1 : 0;
    }
    size_t n = fread(buf, 1, len < b->left ? len : b->left, b->f);
    b->left -= n;
    return n;
}

json_t *sw_json_load_bounded(const char *path, size_t max, size_t flags, json_error_t *je, bool *too_big)
{
    *too_big = false;
    FILE *f = fopen(path, "re");
    if (!f) {
        memset(je, 0, sizeof *je);
        snprintf(je->text, sizeof je->text, "%s", strerror(errno));
        return NULL;
    }
    struct bounded_read b = {f, max, false};
    json_t *root = json_load_callback(read_bounded, &b, flags, je);
    fclose(f);
    *too_big = b.over;
    if (b.over) {
        json_decref(root);
        return NULL;
    }
    return root;
}
