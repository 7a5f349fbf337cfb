#!/usr/bin/env bash
# contrib/ansible on localhost (ansible-playbook -i localhost, -c local, Debian's ansible-core): installs
# this build (as an installed-prefix tarball), runs a short profile with a label, fetches the run
# directory to the controller and runs `stresswsl fleet` there. A second round with an injected fault
# exits 1 on the host, which the play treats as a result: both plays succeed and the fleet report
# shows the two labels with the faulty run first.
. "$(dirname "$0")/runner_lib.sh"
command -v ansible-playbook >/dev/null || { echo "SKIP: ansible-core not installed"; exit 77; }
command -v jq >/dev/null || { echo "SKIP: jq not installed"; exit 77; }
build=$(dirname "$BIN")
while [ "$build" != / ] && [ ! -f "$build/CMakeCache.txt" ]; do build=$(dirname "$build"); done
[ -f "$build/CMakeCache.txt" ] || { echo "SKIP: no CMake build directory above $BIN"; exit 77; }

cmake --install "$build" --prefix "$T/stage" >"$T/install.log" 2>&1 || fail "cmake --install: $(cat "$T/install.log")"
tar -C "$T/stage" -czf "$T/stresswsl-bin.tar.gz" . || fail "tar"
export ANSIBLE_HOME=$T/ansible ANSIBLE_LOCAL_TEMP=$T/ansible/tmp ANSIBLE_REMOTE_TEMP=$T/ansible/rtmp
export ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=0 ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3
export ANSIBLE_DEPRECATION_WARNINGS=0 ANSIBLE_LOCALHOST_WARNING=0

play() {   # label, extra args as a JSON list
  ansible-playbook -i localhost, -c local "$SRC/contrib/ansible/site.yml" \
    -e "{\"stresswsl_install\": \"binary\", \"stresswsl_binary_tarball\": \"$T/stresswsl-bin.tar.gz\",
         \"stresswsl_prefix\": \"$T/prefix\", \"stresswsl_install_deps\": false,
         \"stresswsl_profile\": \"quick\", \"stresswsl_duration\": \"3s\", \"stresswsl_poll\": 1,
         \"stresswsl_label\": \"$1\", \"stresswsl_extra_args\": $2,
         \"stresswsl_run_root\": \"$T/runs\", \"stresswsl_state_dir\": \"$T/state\",
         \"fleet_dir\": \"$T/fleet\", \"fleet_report_dir\": \"$T/report\",
         \"stresswsl_controller_bin\": \"$T/prefix/bin/stresswsl\"}" >"$T/play-$1.log" 2>&1
}
play before '[]' || fail "first play failed: $(tail -40 "$T/play-before.log")"
r=$(ls "$T"/fleet/localhost/before-*/report.json 2>/dev/null | head -1)
[ -n "$r" ] || fail "no run fetched to the controller: $(ls -R "$T/fleet" 2>&1 | head)"
[ "$(json_get "$r" .run.label)" = before ] || fail "label"
[ ! -e "$(dirname "$r")/journal" ] || fail "the journal was fetched (fleet_fetch_journal is false)"
[ "$(json_get "$T/report/fleet.json" .fleet.reports)" = 1 ] || fail "fleet report after one play"
[ -s "$T/report/fleet.md" ] && [ -s "$T/report/fleet.csv" ] || fail "fleet.md / fleet.csv"

play after-fault '["--inject", "wrong"]' || fail "an unstable run must not fail the play: $(tail -40 "$T/play-after-fault.log")"
grep -q "exit 1 (instability detected)" "$T/play-after-fault.log" || fail "the play did not report exit 1"
J=$T/report/fleet.json
[ "$(json_get $J .fleet.reports)" = 2 ] || fail "reports: $(jq -c .fleet $J)"
[ "$(jq -c .labels $J)" = '["before","after-fault"]' ] || fail "labels: $(jq -c .labels $J)"
[ "$(json_get $J '.failed_runs[0].label')" = after-fault ] || fail "faulty run not first: $(jq -c .failed_runs $J)"
[ "$(jq '[.before_after[] | select(.cohort == "all machines")] | length' $J)" = 2 ] || fail "before/after rows"
echo ok
