/* The bundle's MANIFEST: what is in it, what is missing and why, and exactly what redaction replaced
 * (per kind, with counts), what it looks for and what it keeps on purpose. */
#include <stdio.h>
#include <stdlib.h>

#include "report/bundle_int.h"
#include "report/writers.h"

static void redaction_text(FILE *f, const struct sw_bundle *b, const json_t *summary)
{
    fputs("Redaction: ON. Replaced in every file (each distinct value by one placeholder, the same in all\n"
          "files; the original values are not in this archive):\n", f);
    size_t i;
    const json_t *x;
    json_array_foreach(summary, i, x) {
        fprintf(f, "  %s: %lld value(s), %lld occurrence(s) -> %s\n", json_string_value(json_object_get(x, "what")),
                (long long)json_integer_value(json_object_get(x, "count")),
                (long long)json_integer_value(json_object_get(x, "replaced")),
                json_string_value(json_object_get(x, "placeholder")));
        if (json_object_get(x, "more"))
            fprintf(f, "    (%lld of them after the table of values was full: all shown as one placeholder)\n",
                    (long long)json_integer_value(json_object_get(x, "more")));
    }
    if (!json_array_size(summary))
        fputs("  nothing matched\n", f);
    fputs("\nLooked for: user names (this user's login and full name, /home/NAME, C:\\Users\\NAME,\n"
          "/mnt/c/Users/NAME, \\\\wsl.localhost\\...\\home\\NAME, USER=, user@host); host names (this machine's\n"
          "name wherever it stands as a word, however short; user@host; syslog line prefixes; Computer:,\n"
          "COMPUTERNAME=, hostname:, DESKTOP-/LAPTOP- names); serial numbers (SerialNumber:, serial fields,\n"
          "tokens of 8+ upper-case letters and digits in DMI: and Hardware name: lines before \", BIOS\");\n"
          "UUIDs anywhere (boot_id, product_uuid, virtual machine ids); the 32-hex machine id, MachineGuid and other 32-hex ids;\n"
          "MAC, IPv4 and IPv6 addresses (except 0.0.0.0, 127.x, 255.x, ::1, ff:ff:ff:ff:ff:ff); Windows product\n"
          "IDs and SIDs. A value found once is replaced wherever it stands as a whole word, in every file\n"
          "(a found value of 1 or 2 characters only where it was found).\n"
          "Kept on purpose: CPU model, microcode revision, BIOS vendor, version and date, board vendor and\n"
          "model (unless a model token looks like a serial, as above), kernel version, WSL and Windows\n"
          "versions, error text, call traces and timestamps. Four dotted numbers are kept as a version, not an\n"
          "IPv4 address, when a word follows them (5.15.167.4-microsoft-standard-WSL2) or \"version\", \"ver\",\n"
          "\"kernel\", \"linux\", \"wsl\", \"BIOS\", \"release\" or \"firmware\" comes just before them on\n"
          "their line.\n", f);
    const struct sw_journal_stats *js = &b->js;
    if (js->journals)
        fprintf(f, "\nJournals (%zu, binary): the header and %zu record(s) whose CRC held were decoded; %zu text\n"
                   "field(s) in them were redacted in place (cut to the field, NUL-padded) and those records got a\n"
                   "new CRC, so stresswsl still reads them. Then every byte of each journal (%zu torn or corrupt\n"
                   "record(s)%s, padding, any tail) was scanned as raw bytes: %zu value(s) overwritten in place with\n"
                   "their placeholder, cut or padded with '*'; corrupt records keep their wrong CRC. Each journal\n"
                   "is also decoded into <journal>.json (header and valid records in sequence order).\n",
                js->journals, js->valid, js->fields, js->corrupt,
                js->unreadable_hdr ? ", headers that failed their check" : "", js->raw_hits);
}

char *sw_bundle_manifest(const struct sw_bundle *b, const struct sw_bundle_input *in, const json_t *summary)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return NULL;
    fprintf(f, "stresswsl support bundle\ncreated: %s\ntool: stresswsl %s\n\n", in->created ? in->created : "unknown",
            SW_VERSION);
    if (summary)
        redaction_text(f, b, summary);
    else
        fputs("Redaction: OFF (--no-redact). This archive may contain user names, host names, addresses and\n"
              "serial numbers.\n", f);
    fputs("\nFiles:\n", f);
    fprintf(f, "  %-40s %s\n", "MANIFEST", "this file");
    for (int i = 0; i < b->n; i++)
        fprintf(f, "  %-40s %s\n", b->items[i].name, b->items[i].what);
    fputs("\nMissing or left out:\n", f);
    size_t i;
    const json_t *x;
    json_array_foreach(b->missing, i, x) fprintf(f, "  %s\n", json_string_value(x));
    if (!json_array_size(b->missing))
        fputs("  nothing\n", f);
    fclose(f);
    return buf;
}
