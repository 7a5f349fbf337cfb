#!/usr/bin/env bash
# Under a 1 GiB memory cgroup (v1 memory.limit_in_bytes or v2 memory.max) the compile profile runs,
# scaled down: the safety margin follows the cgroup's limit (128 MiB, not 5% of the host), the plan,
# the dry run and a refusal name the cgroup's own file and show the same margin, and no worker is
# killed by the OOM killer. Needs root and a writable cgroup memory controller; skips with the
# reason elsewhere.
. "$(dirname "$0")/runner_lib.sh"
command -v jq >/dev/null || { echo "SKIP: jq not installed"; exit 77; }
[ "$(id -u)" -eq 0 ] || { echo "SKIP: creating a memory cgroup needs root"; exit 77; }

limit=$((1024 * 1024 * 1024))
cg=""
v1_path=$(awk -F: '$2 ~ /(^|,)memory(,|$)/ {print $3}' /proc/self/cgroup)
if [ -n "$v1_path" ] && [ -w "/sys/fs/cgroup/memory${v1_path%/}/" ]; then
  cg=/sys/fs/cgroup/memory${v1_path%/}/sw-test-$$
  file=memory.limit_in_bytes
elif [ -f /sys/fs/cgroup/cgroup.controllers ] && grep -qw memory /sys/fs/cgroup/cgroup.controllers; then
  v2_path=$(awk -F: '$1 == "0" {print $3}' /proc/self/cgroup)
  parent=/sys/fs/cgroup${v2_path%/}
  grep -qw memory "$parent/cgroup.subtree_control" 2>/dev/null || echo +memory >"$parent/cgroup.subtree_control" 2>/dev/null
  grep -qw memory "$parent/cgroup.subtree_control" 2>/dev/null && cg=$parent/sw-test-$$
  file=memory.max
fi
[ -n "$cg" ] || { echo "SKIP: no writable cgroup memory controller here"; exit 77; }
mkdir "$cg" 2>/dev/null || { echo "SKIP: cannot create $cg"; exit 77; }
remove_cg() { rmdir "$cg" 2>/dev/null; rm -rf "$T"; }
trap remove_cg EXIT
echo $limit >"$cg/$file" || fail "cannot set $cg/$file"

# Runs stresswsl inside the cgroup (a subshell moves itself in, then execs).
in_cg() { (echo $BASHPID >"$cg/cgroup.procs" && exec "$BIN" "$@"); }

in_cg --profile compile --duration 30s --dry-run >"$T/plan.out" 2>&1 || fail "dry run refused: $(cat "$T/plan.out")"
grep -qF "cgroup $file 1.0 GiB" "$T/plan.out" || fail "the dry run does not name $file: $(head -4 "$T/plan.out")"
margin=$(grep -o "safety margin of [0-9.]* [KMG]iB" "$T/plan.out" | head -1)
[ "$margin" = "safety margin of 128.0 MiB" ] || fail "dry run margin: '$margin'"

in_cg --profile compile --duration 30s --memory 2G --dry-run >"$T/refused.out" 2>&1
rc=$?
[ $rc -eq 2 ] || fail "--memory 2G under a 1 GiB cgroup: exit $rc: $(cat "$T/refused.out")"
grep -qF "$margin" "$T/refused.out" || fail "the refusal shows another margin than the dry run: $(cat "$T/refused.out")"
grep -qF "cgroup $file 1.0 GiB" "$T/refused.out" || fail "the refusal does not name $file: $(cat "$T/refused.out")"

in_cg --profile compile --duration 30s --quiet --out "$T/run" >"$T/run.out" 2>&1
rc=$?
rep=$T/run/report.json
[ -f "$rep" ] || fail "no report (exit $rc): $(tail -5 "$T/run.out")"
[ "$(json_get "$rep" .plan.budget.cgroup_mem_file)" = "$file" ] || fail "plan.budget.cgroup_mem_file"
[ "$(json_get "$rep" .plan.budget.mem_margin)" = $((128 * 1024 * 1024)) ] || fail "plan margin"
own=$(json_get "$rep" '[.events[] | select(.severity == "error" or .severity == "fatal") | select(.type != "kernel") | .text] | join("; ")')
[ -z "$own" ] || fail "errors of the run itself under the 1 GiB cgroup: $own"
# 30 s is under a minute: inconclusive (6) when clean; 1 when another process's crash reached the log
[ $rc -eq 6 ] || [ $rc -eq 1 ] || fail "exit $rc: $(tail -5 "$T/run.out")"
[ "$(json_get "$rep" .run.status)" = completed ] || fail "status $(json_get "$rep" .run.status)"
for wl in compile execve heap compute; do
  [ "$(json_get "$rep" "[.workloads[] | select(.name == \"$wl\") | .ops] | add > 0")" = true ] || fail "$wl did no work"
done
grep -q . <(json_get "$rep" '.plan.budget.notes[]') || fail "no note says how the plan was scaled"
echo "compile profile under a 1 GiB cgroup ($file): exit $rc, margin 128 MiB, $(json_get "$rep" '.plan.budget.notes | length') budget note(s)"
echo PASS
