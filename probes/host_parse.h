/* Parsers for Windows tool output (pure functions over decoded UTF-8 text; tested on recordings). */
#ifndef SW_HOST_PARSE_H
#define SW_HOST_PARSE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* "Microsoft Windows [Version 10.0.26100.3476]" (any language) -> "10.0.26100.3476". */
bool sw_host_parse_ver(const char *text, char *out, size_t n);
/* `wsl --version` (any language, multi-line or flattened) -> {"wsl","kernel","wslg","msrdc",
 * "direct3d","dxcore","windows"}; NULL if nothing recognised. */
json_t *sw_host_parse_wsl_version(const char *text);
/* reg.exe query output: the data of value `name` (REG_BINARY hex or REG_SZ text). */
bool sw_host_parse_reg(const char *text, const char *name, char *type, size_t tn, char *data, size_t dn);
/* Win32_BIOS/BaseBoard/ComputerSystemProduct "Key : Value" listing -> facts object keyed like
 * the firmware section (bios_vendor, bios_version, bios_date, board_vendor, ...). */
json_t *sw_host_parse_firmware(const char *text);
/* Event records (wevtutil /f:text, Event Viewer "copy as text", or a bare message) -> array.
 * kind 18590: {"time","id","vm_id","error_codes","message"}; WHEA: {"time","id","source","text"}.
 * Only ids in `ids` (0-terminated) are kept; [from,to] ns filters when both are non-zero and the
 * time could be parsed. */
json_t *sw_host_parse_events(const char *text, const int *ids, bool guest_crash, uint64_t from_ns, uint64_t to_ns);
/* "name<TAB>2026-01-02T03:04:05Z<TAB>size" lines -> [{"name","time","size"}]. */
json_t *sw_host_parse_crash_list(const char *text, uint64_t from_ns, uint64_t to_ns);
/* .wslconfig INI -> {"memory": "8GB", "processors": 8, "experimental.sparseVhd": "true", ...} */
json_t *sw_host_parse_wslconfig(const char *text);

#endif
