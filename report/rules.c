#include "report/rules.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/datafile.h"
#include "report/rules_check.h"
#include "report/verdict.h"

static int check_text(struct vctx *v, const json_t *r, const char *key, bool required)
{
    const json_t *x = json_object_get(r, key);
    if (!x)
        return required ? VFAIL(v, "missing \"%s\"", key) : 0;
    if (!json_is_string(x) || !*json_string_value(x))
        return VFAIL(v, "\"%s\" must be a non-empty string", key);
    /* Placeholders must be closed: an unclosed "{" would print raw template text to users. */
    const char *s = json_string_value(x);
    for (const char *p = strchr(s, '{'); p; p = strchr(p + 1, '{'))
        if (!strchr(p, '}'))
            return VFAIL(v, "\"%s\" has an unclosed '{' placeholder", key);
    return 0;
}

static int check_enum(struct vctx *v, const json_t *r, const char *key, const char *const *allowed,
                      bool required)
{
    const json_t *x = json_object_get(r, key);
    if (!x)
        return required ? VFAIL(v, "missing \"%s\"", key) : 0;
    if (!json_is_string(x) || !sw_rules_in_list(json_string_value(x), allowed))
        return VFAIL(v, "\"%s\" must be one of the documented values (got %s)", key,
                     json_is_string(x) ? json_string_value(x) : "a non-string");
    return 0;
}

static int check_rule(struct vctx *v, const json_t *r, const json_t *all_rules)
{
    static const char *const keys[] = {"id", "title", "class", "confidence", "when", "symptoms",
        "summary", "summary_symptoms", "advice", "references", "confidence_with_symptoms",
        "vm_confidence_max", "supersedes", "confounders", "informational", "advisory", "lean", "comment", NULL};
    const char *k;
    const json_t *x;
    json_object_foreach((json_t *)r, k, x) if (!sw_rules_in_list(k, keys))
        return VFAIL(v, "unknown key \"%s\" (see docs/rules.md)", k);
    int rc;
    if ((rc = check_text(v, r, "title", true)) || (rc = check_enum(v, r, "class", sw_rule_classes, true)) ||
        (rc = check_enum(v, r, "confidence", sw_rule_confidences, true)) ||
        (rc = check_text(v, r, "summary", true)) || (rc = check_text(v, r, "advice", true)) ||
        (rc = check_text(v, r, "summary_symptoms", false)) ||
        (rc = check_enum(v, r, "confidence_with_symptoms", sw_rule_confidences, false)) ||
        (rc = check_enum(v, r, "vm_confidence_max", sw_rule_confidences, false)))
        return rc;
    if (!json_object_get(r, "when"))
        return VFAIL(v, "missing \"when\"");
    if ((rc = sw_rules_check_cond(v, json_object_get(r, "when"), 0)))
        return rc;
    if ((x = json_object_get(r, "symptoms")) && (rc = sw_rules_check_cond(v, x, 0)))
        return rc;
    if ((x = json_object_get(r, "informational")) && !json_is_boolean(x))
        return VFAIL(v, "\"informational\" must be true or false");
    if ((x = json_object_get(r, "advisory")) && !json_is_boolean(x))
        return VFAIL(v, "\"advisory\" must be true or false");
    /* The lean comes from the class unless the rule overrides it (a firmware notice that is no crash). */
    if ((x = json_object_get(r, "lean")) && !sw_lean_valid(json_string_value(x)))
        return VFAIL(v, "\"lean\" must be hardware, software, environment, configuration or unknown");
    x = json_object_get(r, "references");
    if (!json_is_array(x))
        return VFAIL(v, "\"references\" must be a list of URLs (may be empty)");
    size_t i;
    const json_t *e;
    json_array_foreach(x, i, e) {
        const char *u = json_string_value(e);
        if (!u || (strncmp(u, "https://", 8) && strncmp(u, "http://", 7)))
            return VFAIL(v, "\"references\" entry %zu is not an http(s) URL", i);
    }
    if ((x = json_object_get(r, "supersedes"))) {
        if (!json_is_array(x))
            return VFAIL(v, "\"supersedes\" must be a list of rule ids");
        json_array_foreach(x, i, e) {
            bool found = false;
            size_t j;
            const json_t *o;
            json_array_foreach(all_rules, j, o) if (json_is_string(e) &&
                json_equal(json_object_get(o, "id"), e)) found = true;
            if (!found)
                return VFAIL(v, "\"supersedes\" names unknown rule '%s'",
                             json_is_string(e) ? json_string_value(e) : "?");
        }
    }
    if ((x = json_object_get(r, "confounders"))) {
        if (!json_is_array(x))
            return VFAIL(v, "\"confounders\" must be a list of {when, text, lower}");
        json_array_foreach(x, i, e) {
            const json_t *t = json_object_get(e, "text"), *l = json_object_get(e, "lower");
            if (!json_is_object(e) || !json_is_string(t) || (l && !json_is_boolean(l)) ||
                json_object_size(e) != 2u + (l != NULL))
                return VFAIL(v, "\"confounders\" entry %zu must be {\"when\": COND, \"text\": \"...\", \"lower\": bool}", i);
            if (!json_object_get(e, "when"))
                return VFAIL(v, "\"confounders\" entry %zu has no \"when\"", i);
            if ((rc = sw_rules_check_cond(v, json_object_get(e, "when"), 0)))
                return rc;
        }
    }
    return 0;
}

int sw_rules_validate(const json_t *db, const char *origin, struct sw_diag *d)
{
    struct vctx v = {origin, NULL, NULL, d};
    if (!json_is_object(db))
        return VFAIL(&v, "the top level must be an object {\"rules_version\": 1, \"rules\": [...]}");
    const json_t *ver = json_object_get(db, "rules_version");
    if (!json_is_integer(ver))
        return VFAIL(&v, "missing \"rules_version\"");
    if (json_integer_value(ver) != SW_RULES_VERSION)
        return VFAIL(&v, "rules_version %lld is not supported (this stresswsl reads version %d): "
                         "use the rules file installed with this version",
                     (long long)json_integer_value(ver), SW_RULES_VERSION);
    const char *k;
    const json_t *x;
    json_object_foreach((json_t *)db, k, x) if (!sw_rules_in_list(k, (const char *const[]){"rules_version", "rules", "conditions", "comment", NULL}))
        return VFAIL(&v, "unknown top-level key \"%s\"", k);
    v.defs = json_object_get(db, "conditions");
    if (v.defs && !json_is_object(v.defs))
        return VFAIL(&v, "\"conditions\" must be an object of named conditions");
    const json_t *rules = json_object_get(db, "rules");
    if (!json_is_array(rules))
        return VFAIL(&v, "\"rules\" must be a list");
    size_t i;
    const json_t *r;
    char label[64];
    json_array_foreach(rules, i, r) {
        const json_t *id = json_object_get(r, "id");
        snprintf(label, sizeof label, "#%zu", i + 1);
        v.rule = label;
        if (!json_is_object(r))
            return VFAIL(&v, "must be an object");
        if (!json_is_string(id) || !*json_string_value(id))
            return VFAIL(&v, "missing \"id\"");
        v.rule = json_string_value(id);
        for (const char *p = v.rule; *p; p++)
            if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
                return VFAIL(&v, "the id must use only a-z, 0-9 and '-'");
        for (size_t j = 0; j < i; j++)
            if (json_equal(json_object_get(json_array_get(rules, j), "id"), id))
                return VFAIL(&v, "the id is used twice");
        int rc = check_rule(&v, r, rules);
        if (rc)
            return rc;
    }
    return 0;
}

json_t *sw_rules_load(const char *path, struct sw_diag *d)
{
    json_error_t je;
    json_t *db = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!db) {
        if (je.line < 0)
            sw_fail(d, -ENOENT, "rules file %s: %s: reinstall stresswsl or point STRESSWSL_RULES at rules.json",
                    path, je.text);
        else
            sw_fail(d, -EINVAL, "rules file %s: line %d column %d: %s", path, je.line, je.column, je.text);
        return NULL;
    }
    if (sw_rules_validate(db, path, d) != 0) {
        json_decref(db);
        return NULL;
    }
    return db;
}

int sw_rules_find(char *path, size_t cap, struct sw_diag *d)
{
    /* The override is the one rules file to use (a directory: its rules.json), never a fallback. */
    const char *env = getenv("STRESSWSL_RULES");
    struct stat st;
    if (env && *env && stat(env, &st) == 0 && S_ISDIR(st.st_mode)) {
        snprintf(path, cap, "%s/rules.json", env);
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
            return 0;
        return sw_fail(d, -ENOENT, "STRESSWSL_RULES=%s is a directory without rules.json", env);
    }
    if (env && *env) {
        snprintf(path, cap, "%s", env);   /* a missing file is reported by the loader, by name */
        return 0;
    }
    char searched[4 * SW_DATA_PATH];
    if (sw_data_find("rules", NULL, "rules.json", path, cap, searched, sizeof searched) == 0)
        return 0;
    return sw_fail(d, -ENOENT, "no rules database found (looked in %s): reinstall stresswsl or set "
                   "STRESSWSL_RULES=/path/rules.json", searched);
}

json_t *sw_rules_load_default(struct sw_diag *d)
{
    char path[PATH_MAX];
    if (sw_rules_find(path, sizeof path, d) != 0)
        return NULL;
    return sw_rules_load(path, d);
}
