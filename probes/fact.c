/* Fact objects: {"value": V, "source": S} or {"value": null, "unavailable": why}. One place builds
 * them so every section has the same shape (docs/report-schema.md FACTS). */
#include <stdio.h>
#include <string.h>

#include "probes/probe_int.h"

json_t *sw_fact(json_t *value, const char *source)
{
    json_t *f = json_object();
    json_object_set_new(f, "value", value ? value : json_null());
    if (source)
        json_object_set_new(f, "source", json_string(source));
    return f;
}

json_t *sw_fact_str(const char *s, const char *source)
{
    json_t *v = json_string(s);
    if (!v)   /* not valid UTF-8: keep it readable rather than drop the fact */
        v = json_stringn_nocheck(s, strlen(s));
    return sw_fact(v, source);
}

json_t *sw_fact_int(long long v, const char *source)
{
    return sw_fact(json_integer(v), source);
}

json_t *sw_fact_bool(bool v, const char *source)
{
    return sw_fact(json_boolean(v), source);
}

json_t *sw_fact_hex(unsigned long long v, const char *source)
{
    char b[24];
    snprintf(b, sizeof b, "0x%llx", v);
    return sw_fact(json_string(b), source);
}

json_t *sw_fact_unavail(const char *fmt, ...)
{
    char why[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    json_t *f = json_object();
    json_object_set_new(f, "value", json_null());
    json_object_set_new(f, "unavailable", json_string(why));
    return f;
}

void sw_fact_note(json_t *fact, const char *note)
{
    if (fact && note)
        json_object_set_new(fact, "note", json_string(note));
}

void sw_fact_raw(json_t *fact, const char *raw)
{
    if (fact && raw) {
        json_t *v = json_string(raw);
        json_object_set_new(fact, "raw", v ? v : json_stringn_nocheck(raw, strlen(raw)));
    }
}

void sw_fact_set(json_t *section, const char *name, json_t *fact)
{
    json_object_set_new(section, name, fact ? fact : sw_fact_unavail("internal: no memory"));
}

bool sw_fact_known(const json_t *fact)
{
    return fact && !json_is_null(json_object_get(fact, "value"));
}

const char *sw_fact_strval(const json_t *section, const char *name)
{
    return json_string_value(json_object_get(json_object_get(section, name), "value"));
}
