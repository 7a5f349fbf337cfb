#!/usr/bin/env bash
# `stresswsl fleet` over N generated reports shaped like real ones (bench/fleet-gen.py copies a real
# report.json made here, stretches its per-second series to 10 minutes and varies the machines).
#   N=10000 bench/fleet.sh            # generate (once, ~2 min, ~1.3 GB), then time fleet ROUNDS times
# Environment: BIN (default build/cli/stresswsl), DIR (default /var/tmp/stresswsl-fleet-bench), N,
# ROUNDS (3), TEMPLATE (a report.json; default: a 20 s `--profile quick` run made now).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-build/cli/stresswsl}
DIR=${DIR:-/var/tmp/stresswsl-fleet-bench}
N=${N:-10000}
ROUNDS=${ROUNDS:-3}
mkdir -p "$DIR"
if [ -z "${TEMPLATE:-}" ]; then
  TEMPLATE=$DIR/template/report.json
  [ -f "$TEMPLATE" ] || "$BIN" --profile quick --duration 20s --quiet --out "$DIR/template" >/dev/null || [ -f "$TEMPLATE" ]
fi
if [ ! -f "$DIR/fleet-$N.done" ]; then
  rm -rf "$DIR/fleet-$N"
  python3 bench/fleet-gen.py "$TEMPLATE" "$DIR/fleet-$N" -n "$N" --labels before-bios,after-bios
  touch "$DIR/fleet-$N.done"
fi
echo "reports: $(find "$DIR/fleet-$N" -name report.json | wc -l), $(du -sh "$DIR/fleet-$N" | cut -f1) on disk; load: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq 1 "$ROUNDS"); do
  /usr/bin/time -f "round $r: wall %e s, user %U s, sys %S s, max RSS %M KiB" \
    "$BIN" fleet --format json --quiet "$DIR/fleet-$N" >"$DIR/fleet-$N.json" || [ $? -eq 1 ]
done
jq -r .summary "$DIR/fleet-$N.json"
