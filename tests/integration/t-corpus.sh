#!/usr/bin/env bash
# Diagnosis corpus: every real kernel log from public bug reports (tests/corpus/kmsg/NAME.log with
# NAME.source) and every shared fixture listed in tests/corpus/shared-expect.tsv goes through
# `stresswsl analyze --json`, and the result is held against what the public thread concluded:
#   - every expected event kind is found (as an event's kind or its "also"),
#   - no kind outside kinds + kinds_optional is reported (no invented events),
#   - verdict.lean equals the expected lean (when the thread concluded one),
#   - and never the opposite lean (hardware for a software conclusion or the reverse).
# One line per file, then a summary (kinds recall, invented kinds, lean agreement, opposite leans).
# FAIL (exit 1): an invented kind, an opposite lean, analyze failing, a corpus error, no lean at all
# (an older binary: a failure, not a crash). MISS: an expected kind not found, or a lean that is not the
# thread's (but not its opposite); every miss is printed, and they count against the targets of issue 8:
# exit 1 when kinds recall < CORPUS_MIN_RECALL (95%) or lean agreement < CORPUS_MIN_LEAN (78%). Issue 8 set
# 80% on the crash corpus of its day (84% reached); 14 storage, filesystem and thermal logs added later
# include five whose conclusion no log line can show (a btrfs scrub bug, a hypervisor's NVMe after live
# migration, ...): the floor guards against regressions on the grown corpus, one file below today's.
# Shared fixtures absent: skipped with a note, unless STRESSWSL_REQUIRE_FIXTURES is set (then fail).
set -u
bin=$1 src=$2 fix=${3:-}
corpus=$src/tests/corpus
command -v jq >/dev/null || { echo "SKIP: jq not installed"; exit 77; }
[ -x "$bin" ] || { echo "FAIL: no stresswsl binary at $bin"; exit 1; }
[ -d "$corpus/kmsg" ] || { echo "FAIL: no corpus at $corpus/kmsg"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Event kinds are a public contract (enum sw_klog_kind, docs/DIAG interface); a name outside this
# list in an expectation is a typo in the corpus, not something the tool could ever match.
known_kinds="panic oops bug null_deref gpf invalid_opcode divide_error slab_corruption bad_page soft_lockup
 hard_lockup rcu_stall hung_task mce user_segfault user_trap oom_kill warning kasan kfence ubsan
 list_corruption refcount lockdep atomic_sleep bad_page_map page_alloc_fail io_error fs_corruption thermal gpu_fault"
known_kinds=$(echo $known_kinds)
known_leans="hardware software environment configuration unknown"

files=0 failed=0 missed=0 exp_total=0 exp_found=0 invented=0 lean_expected=0 lean_agree=0 opposite=0
skipped_shared=0

has_word() { case " $2 " in *" $1 "*) return 0 ;; esac; return 1; }
words() { echo $*; }  # collapse whitespace

# value of "key:" in a .source file, comment after '#' removed
source_field() {
  sed -n "s/^$2:[[:space:]]*//p" "$1" | head -n 1 | sed 's/#.*//'
}

# check LABEL FILE KINDS OPTIONAL LEAN [PROBLEMS] -> one PASS/FAIL line, updates the counters
check() {
  local label=$1 log=$2 kinds=$3 optional=$4 lean=$5 problems=${6:-} k found got rc
  files=$((files + 1))
  for k in $kinds $optional; do
    has_word "$k" "$known_kinds" || problems+="; corpus error: unknown kind '$k'"
  done
  has_word "$lean" "$known_leans" || problems+="; corpus error: unknown lean '$lean'"

  "$bin" analyze --json "$log" >"$tmp/out" 2>"$tmp/err"
  rc=$?
  # 0, 1 and 5 (a configuration limit) are verdicts; 2, 3, 4 or a crash are not.
  if { [ $rc -ne 0 ] && [ $rc -ne 1 ] && [ $rc -ne 5 ]; } || ! jq -e . "$tmp/out" >/dev/null 2>&1; then
    problems+="; analyze exit $rc: $(head -c 200 "$tmp/err" | tr '\n' ' ')"
    found="" got="missing"
  else
    found=$(jq -r '[.files[]?.events[]? | .kernel? // empty | .kind, .also]
                   | map(select(type == "string" and . != "")) | unique | .[]' "$tmp/out" | tr '\n' ' ')
    got=$(jq -r '.verdict.lean // "missing" | tostring' "$tmp/out")
  fi

  local missing="" extra="" misses=""
  for k in $kinds; do
    exp_total=$((exp_total + 1))
    if has_word "$k" "$found"; then exp_found=$((exp_found + 1)); else missing+=" $k"; fi
  done
  for k in $found; do
    has_word "$k" "$kinds $optional" || { extra+=" $k"; invented=$((invented + 1)); }
  done
  [ -n "$missing" ] && misses+="; missing kinds:$missing"
  [ -n "$extra" ] && problems+="; invented kinds:$extra"

  if [ "$lean" != unknown ]; then
    lean_expected=$((lean_expected + 1))
    if [ "$got" = "$lean" ]; then
      lean_agree=$((lean_agree + 1))
    elif { [ "$lean" = hardware ] && [ "$got" = software ]; } ||
         { [ "$lean" = software ] && [ "$got" = hardware ]; }; then
      opposite=$((opposite + 1))
      problems+="; OPPOSITE lean: thread says $lean, tool says $got"
    elif [ "$got" = missing ]; then
      problems+="; lean: thread says $lean, tool says $got"
    else
      misses+="; lean: thread says $lean, tool says $got"
    fi
  fi

  if [ -n "$problems" ]; then
    failed=$((failed + 1))
    echo "FAIL $label${problems/#;/:}$misses (found: $(words $found); lean: $got)"
  elif [ -n "$misses" ]; then
    missed=$((missed + 1))
    echo "MISS $label${misses/#;/:} (found: $(words $found); lean: $got)"
  else
    echo "PASS $label (kinds: $(words $found); lean: $got)"
  fi
}

# Own corpus: every log needs its .source with the machine-readable fields.
for log in "$corpus"/kmsg/*.log; do
  name=$(basename "$log" .log)
  srcf=$corpus/kmsg/$name.source
  if [ ! -f "$srcf" ]; then
    files=$((files + 1)) failed=$((failed + 1))
    echo "FAIL corpus/$name.log: no $name.source next to it"
    continue
  fi
  fields=""
  for field in source conclusion kinds kinds_optional lean; do
    grep -q "^$field:" "$srcf" || fields+="; corpus error: $name.source has no '$field:' line"
  done
  check "corpus/$name.log" "$log" "$(source_field "$srcf" kinds)" \
        "$(source_field "$srcf" kinds_optional)" "$(words $(source_field "$srcf" lean))" "$fields"
done
for srcf in "$corpus"/kmsg/*.source; do
  [ -f "${srcf%.source}.log" ] || { echo "FAIL corpus/$(basename "$srcf"): no .log for it"; files=$((files + 1)) failed=$((failed + 1)); }
done

# Shared fixtures (read-only, free-text .source): expectations in shared-expect.tsv.
expect=$corpus/shared-expect.tsv
if [ ! -d "$fix" ]; then
  if [ -n "${STRESSWSL_REQUIRE_FIXTURES:-}" ]; then
    echo "FAIL shared fixtures: directory '$fix' not found and STRESSWSL_REQUIRE_FIXTURES is set"
    files=$((files + 1)) failed=$((failed + 1))
  else
    echo "NOTE shared fixtures: directory '$fix' not found, the $(grep -cv '^#' "$expect") lines of shared-expect.tsv are skipped"
  fi
else
  # TAB is a whitespace IFS character (runs of it would merge empty columns): split on '|' instead
  while IFS='|' read -r path kinds optional lean; do
    case $path in ''|'#'*) continue ;; esac
    if [ ! -f "$fix/$path" ]; then
      echo "FAIL shared/$path: listed in shared-expect.tsv but not in $fix"
      files=$((files + 1)) failed=$((failed + 1))
      continue
    fi
    check "shared/$path" "$fix/$path" "$kinds" "$optional" "$(words $lean)"
  done < <(tr '\t' '|' <"$expect")
  # every shared log has an expectation, so a new fixture cannot slip by unchecked
  for log in "$fix"/kmsg/*.log "$fix"/kmsg-more/*.log; do
    [ -f "$log" ] || continue
    rel=${log#"$fix"/}
    cut -f1 "$expect" | grep -qxF "$rel" ||
      { echo "FAIL shared/$rel: no line in shared-expect.tsv"; files=$((files + 1)) failed=$((failed + 1)); }
  done
fi

pct() { [ "$2" -gt 0 ] && echo "$((100 * $1 / $2))%" || echo "n/a"; }
echo "SUMMARY files $files, passed $((files - failed - missed)), failed $failed, missed $missed;" \
     "kinds recall $exp_found/$exp_total ($(pct $exp_found $exp_total)); invented kinds $invented;" \
     "lean agreement $lean_agree/$lean_expected ($(pct $lean_agree $lean_expected)); opposite leans $opposite"
min_recall=${CORPUS_MIN_RECALL:-95} min_lean=${CORPUS_MIN_LEAN:-78}
rc=0
[ $failed -eq 0 ] || rc=1
if [ $((100 * exp_found)) -lt $((min_recall * exp_total)) ]; then
  echo "FAIL kinds recall $(pct $exp_found $exp_total) is below the target of $min_recall%"; rc=1
fi
if [ $((100 * lean_agree)) -lt $((min_lean * lean_expected)) ]; then
  echo "FAIL lean agreement $(pct $lean_agree $lean_expected) is below the target of $min_lean%"; rc=1
fi
exit $rc
