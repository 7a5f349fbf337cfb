#!/usr/bin/env bash
# --dry-run resolves budget and placement and prints the plan per phase, workload and worker (CPUs,
# node, kind) with the budget, starts nothing and writes nothing; --topology plans for another machine.
. "$(dirname "$0")/runner_lib.sh"
command -v jq >/dev/null || { echo "SKIP: jq not installed"; exit 77; }

"$BIN" --workload compute --workers 2 --pin spread --duration 10s --dry-run >"$T/plan.out" 2>&1
rc=$?
[ $rc -eq 0 ] || fail "dry run exit $rc: $(cat "$T/plan.out")"
for want in "phase workloads: 10 s" "compute x2, pin spread" "worker 0: CPUs" "worker 1: CPUs" "budget: memory" \
            "processes" "dry run: nothing was started"; do
  grep -qF "$want" "$T/plan.out" || fail "plan output lacks '$want': $(cat "$T/plan.out")"
done
if grep -qw hypervisor /proc/cpuinfo; then
  grep -q "pinning binds virtual CPUs" "$T/plan.out" || fail "no VM note on a VM"
fi
[ ! -e "$XDG_STATE_HOME/stresswsl" ] || fail "a dry run created the state dir"

"$BIN" --workload compute --workers 3 --pin spread --dry-run --json - >"$T/plan.json" 2>/dev/null || fail "json dry run"
[ "$(json_get "$T/plan.json" .run.status)" = dry_run ] || fail "status"
[ "$(json_get "$T/plan.json" '.plan.phases[0].workloads[0].placement | length')" = 3 ] || fail "placement entries"
[ "$(json_get "$T/plan.json" '.plan.budget.mem_budget > 0')" = true ] || fail "budget in plan"

xml="$FIX/topology/generated-hwloc-2.9/Intel-RaptorLake-Corei7-1370P.hwloc29.xml"
if have_fixture "$xml"; then
  "$BIN" --workload compute --pin pcores --dry-run --topology "$xml" >"$T/rpl.out" 2>&1 || fail "topology dry run: $(cat "$T/rpl.out")"
  grep -q "20 CPUs, 14 cores" "$T/rpl.out" || fail "topology summary: $(head -3 "$T/rpl.out")"
  grep -q "compute x12, pin pcores" "$T/rpl.out" || fail "auto on pcores should be the 12 P-core CPUs"
  grep -q "kind IntelCore" "$T/rpl.out" || fail "kind not shown"
  "$BIN" --workload compute --topology "$xml" --duration 2s >/dev/null 2>&1
  [ $? -eq 2 ] || fail "--topology without --dry-run must be refused"
else
  echo "note: topology fixtures absent, --topology not exercised"
fi
# Every shipped profile plans cleanly here, and on the 24-thread hybrid laptop and the 8-node server.
for f in "$SRC"/profiles/*.json; do
  name=$(basename "$f" .json)
  "$BIN" --profile "$name" --dry-run >"$T/p.out" 2>&1 || fail "profile $name: dry run failed: $(cat "$T/p.out")"
  grep -q "plan for profile '$name'" "$T/p.out" || fail "profile $name: no plan header"
  grep -q "^dry run: nothing was started" "$T/p.out" || fail "profile $name: no dry-run line"
  for topo in "$FIX/topology/generated-hwloc-2.9/Intel-RaptorLake-Corei7-1370P.hwloc29.xml" \
              "$FIX/topology/hwloc-2.14.0/x86+linux/64amd64-4p2n4ca2co.output"; do
    have_fixture "$topo" || continue
    "$BIN" --profile "$name" --dry-run --topology "$topo" >"$T/p.out" 2>&1 ||
      fail "profile $name on $(basename "$topo"): $(cat "$T/p.out")"
  done
done
echo PASS
