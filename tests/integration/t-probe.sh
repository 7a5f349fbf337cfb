#!/bin/bash
# `stresswsl probe` on this machine: valid JSON with cpu.signature and hypervisor.vendor; bad
# options exit 2 with one line; an unreadable CPUID dump names the file and exits 2.
bin=$1 src=$2 fixtures=$3
. "$(dirname "$0")/common.sh"
command -v python3 >/dev/null || { echo "SKIP: python3 needed to check JSON"; exit 77; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$bin" probe --host-timeout 20s --json - >"$tmp/out.json" 2>"$tmp/err" || fail "probe --json - exited $?: $(cat "$tmp/err")"
python3 - "$tmp/out.json" <<'PY' || fail "JSON check"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["schema_version"] == 1
sig = d["cpu"]["signature"]
assert sig["value"].startswith("0x") and sig["source"] == "cpuid", sig
hv = d["hypervisor"]["vendor"]
assert hv.get("value") or hv.get("unavailable"), hv
for sec in ("cpu", "microcode", "firmware", "hypervisor", "kernel", "memory", "wsl", "host"):
    for name, fact in d[sec].items():
        assert "value" in fact, (sec, name)
        assert ("source" in fact) or ("unavailable" in fact) or fact["value"] is None, (sec, name)
print("signature", sig["value"], "hypervisor", hv.get("value"))
PY
# on a hypervisor guest the vendor must be known
if grep -qw hypervisor /proc/cpuinfo; then
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["hypervisor"]["vendor"]["value"]' \
        "$tmp/out.json" || fail "hypervisor.vendor missing on a guest"
fi

# readable output: one line per fact
"$bin" probe --no-host >"$tmp/text" || fail "readable probe exited $?"
grep -q '^  signature: 0x' "$tmp/text" || fail "no signature line"
grep -q '^\[host\]' "$tmp/text" || fail "no host section"
# sizes in human units in the text view (bytes stay in the JSON); never "cores: 0"
grep -Eq '^  total: [0-9.]+ (MiB|GiB|TiB) \(/proc/meminfo\)$' "$tmp/text" || fail "memory total not in human units: $(grep '^  total' "$tmp/text")"
grep -q '^  cores: 0 ' "$tmp/text" && fail "cores: 0 (libcpuid could not count them: say unknown or count the topology)"
grep -q '^  evidence: ' "$tmp/text" || fail "no hypervisor evidence line"

# --json FILE
"$bin" probe --no-host --json "$tmp/f.json" >/dev/null || fail "--json FILE"
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$tmp/f.json" || fail "--json FILE not JSON"

# bad usage: exit 2, one line
"$bin" probe --bogus >/dev/null 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] || fail "--bogus exited $rc"
[ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "--bogus: expected one line, got: $(cat "$tmp/err")"
"$bin" probe --host-timeout >/dev/null 2>&1; [ $? -eq 2 ] || fail "--host-timeout without value"

# a dump libcpuid cannot read: exit 2 naming the file and the accepted formats
echo "not a dump" >"$tmp/bad.test"
"$bin" probe --cpuid-dump "$tmp/bad.test" >/dev/null 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] || fail "bad dump exited $rc"
grep -q "$tmp/bad.test" "$tmp/err" && grep -q AIDA64 "$tmp/err" || fail "bad dump message: $(cat "$tmp/err")"

# replay: a recorded dump gives its signature
d="$fixtures/cpuid/libcpuid-master/intel/x86-64/raptor-cove/intel-core-i9-14900k.test"
if have_fixture "$d"; then
    "$bin" probe --no-host --cpuid-dump "$d" --json - | python3 -c '
import json,sys; d=json.load(sys.stdin); assert d["cpu"]["signature"]["value"]=="0xb0671"; assert d["cpu"]["codename"]["value"]=="Raptor Lake Refresh"' \
        || fail "14900K dump"
fi
echo "ok"
