/* struct sw_event <-> the EVENT object of docs/report-schema.md. Events carry indices (phase,
 * registry workload id); the caller supplies the names those indices mean in its run. */
#ifndef SW_EVENT_JSON_H
#define SW_EVENT_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/event.h"

#define SW_EVN_MAX_PHASES 16
#define SW_EVN_MAX_WL 32

struct sw_ev_names {
    int nphases;
    const char *phase[SW_EVN_MAX_PHASES];   /* by phase index                         */
    int nwl;
    struct {
        int id;                              /* registry index                          */
        const char *name;
    } wl[SW_EVN_MAX_WL];
    bool is_vm;                              /* physical addresses are guest-physical   */
};

/* Adds a (registry id -> name) pair once. */
void sw_ev_names_add_wl(struct sw_ev_names *n, int id, const char *name);
const char *sw_ev_names_wl(const struct sw_ev_names *n, int id);   /* NULL if unknown */

/* "2026-11-23T14:51:02.123456Z" (UTC, microseconds). */
const char *sw_time_iso8601(uint64_t real_ns, char *buf, unsigned len);
/* Same, whole seconds: "2026-11-23T14:51:02Z". */
const char *sw_time_iso8601_s(uint64_t real_ns, char *buf, unsigned len);

/* New reference to an EVENT object (NULL only on allocation failure). names may be NULL. */
json_t *sw_event_to_json(const struct sw_event *ev, const struct sw_ev_names *names);
/* The reverse, for tools that read report.json back (phase/workload resolved through names if
 * given, else -1). Returns 0 or -EINVAL when a required field is missing. */
int sw_event_from_json(const json_t *o, const struct sw_ev_names *names, struct sw_event *ev);

#endif
