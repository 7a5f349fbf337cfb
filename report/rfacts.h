/* Read-only helpers over a report.json object (docs/report-schema.md) shared by the correlator and the
 * writers: where the facts live, a fact's value by path, hex and version parsing, and how loaded the
 * machine was when an event happened. Pure: no I/O. */
#ifndef SW_RFACTS_H
#define SW_RFACTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The facts snapshot to judge: facts.before, else facts.after, else facts itself if it has sections.
 * NULL when the report has no facts. */
const json_t *sw_rfacts_snapshot(const json_t *report);
/* The value of fact "section.name[.key...]" (keys index into an object value), or NULL when the fact is
 * missing or unknown (value null). */
const json_t *sw_rfacts_value(const json_t *snapshot, const char *path);
/* The whole FACT object ({"value":..., "source":...}) of "section.name", or NULL. */
const json_t *sw_rfacts_fact(const json_t *snapshot, const char *path);
/* Parses "0x12b" (or a JSON integer) into *out; -1 if absent or not hex. */
int sw_rfacts_hex(const json_t *v, uint64_t *out);
/* A microcode revision: like sw_rfacts_hex, but 0xffffffff (a hypervisor's "hidden") is unknown (-1). */
int sw_rfacts_ucode(const json_t *v, uint64_t *out);
/* Prints a fact value as text ("unknown" when NULL). Numbers print plainly, arrays comma-joined. */
const char *sw_rfacts_text(const json_t *v, char *buf, size_t cap);
/* Compares dotted versions numerically ("5.15.153.1-microsoft" < "6.9"): <0, 0, >0. */
int sw_version_cmp(const char *a, const char *b);
/* Number value of a JSON integer or real (0 otherwise). */
double sw_json_number(const json_t *v);
/* "light", "full" or "unknown": the load of the phase the event happened in (duty-cycled, cycling one
 * CPU at a time, or fewer workers than CPUs is light). */
const char *sw_rfacts_event_load(const json_t *report, const json_t *event);
/* True when the facts say this runs inside a VM (hypervisor.present or environment != bare-metal). */
bool sw_rfacts_in_vm(const json_t *snapshot);
/* The event with this seq in an events array, or NULL. */
const json_t *sw_report_event_by_seq(const json_t *events, json_int_t seq);

/* A finding's evidence events, as the writers list them: the events of this run, then those of the
 * previous (crashed) run, each list with its heading and capped at SW_EVIDENCE_SHOWN entries. */
#define SW_EVIDENCE_SHOWN 10
struct sw_evidence_list {
    const char *heading;     /* "events" / "events of the previous, crashed run" */
    const json_t *seqs;      /* the finding's seq numbers                         */
    const json_t *pool;      /* where those seqs are looked up                    */
};
/* Fills out[] with the non-empty lists (0, 1 or 2) and returns how many. */
int sw_report_evidence_lists(const json_t *report, const json_t *finding, struct sw_evidence_list out[2]);

/* A user-space crash's place as "object+0xOFFSET" (the instruction pointer minus the mapped object's
 * base, from "segfault at .. ip .. in obj[base+size]" or "traps: .. ip:.. in obj[..]"); the same
 * program crashing at the same offset is a deterministic bug. False when the text has no ip. */
bool sw_user_crash_offset(const json_t *ev, char *buf, size_t cap);

/* For "general protection fault, probably for non-canonical address 0x...": the bit (47..63) that,
 * flipped back, makes the address canonical (a single-bit memory or CPU error), or -1 when the text
 * has no such address or it is more than one bit away (poison values like 0xdead... are software). */
int sw_bitflip_address_bit(const char *text);

/* Seconds as "45 s", "12 min", "2 h 5 min". */
const char *sw_fmt_duration(double s, char *buf, size_t cap);
/* Bytes as "16.0 GiB". */
const char *sw_fmt_size(double bytes, char *buf, size_t cap);

#endif
