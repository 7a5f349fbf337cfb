#!/usr/bin/env bash
# The corpus checker (t-corpus.sh) itself, driven with a stand-in for `stresswsl analyze --json` so each
# verdict it must catch is produced on purpose: a pass, an opposite lean, an invented kind, a missing
# kind, an analyzer that fails, an older analyzer without a lean, a corpus entry with a typo, a shared
# fixture without an expectation, and a missing fixtures directory (skipped, or failed on request).
set -u
src=$2
checker=$src/tests/integration/t-corpus.sh
command -v jq >/dev/null || { echo "SKIP: jq not installed"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# Stand-in analyzer: the answer for FILE is the file's first line, "KINDS|LEAN" (LEAN "-" = no lean,
# like an older binary), or "exit N" to fail like a crash.
cat >"$tmp/fake" <<'EOF'
#!/usr/bin/env bash
file=${!#}
IFS='|' read -r kinds lean <"$file"
case $kinds in exit*) echo "boom" >&2; exit "${kinds#exit }" ;; esac
events=""
for k in $kinds; do
  kind=${k%%+*} also=${k#*+}; [ "$also" = "$k" ] && also=""
  events+="${events:+,}{\"type\":\"kernel\",\"kernel\":{\"kind\":\"$kind\",\"also\":\"$also\"}}"
done
verdict='{"status":"unstable"}'
[ "$lean" != "-" ] && verdict="{\"status\":\"unstable\",\"lean\":\"$lean\"}"
printf '{"files":[{"events":[%s]}],"verdict":%s}\n' "$events" "$verdict"
exit 1
EOF
chmod +x "$tmp/fake"

# add NAME 'FAKE ANSWER' KINDS OPTIONAL LEAN -> one corpus log with its .source
add() {
  mkdir -p "$tmp/src/tests/corpus/kmsg"
  printf '%s\n' "$2" >"$tmp/src/tests/corpus/kmsg/$1.log"
  printf 'source: https://example.invalid/%s (test)\nconclusion: test\nkinds: %s\nkinds_optional: %s\nlean: %s\n' \
    "$1" "$3" "$4" "$5" >"$tmp/src/tests/corpus/kmsg/$1.source"
}
run() { bash "$checker" "$tmp/fake" "$tmp/src" "$tmp/fix" >"$tmp/out" 2>&1; echo $?; }
expect_line() { grep -qF -- "$1" "$tmp/out" || fail "expected '$1' in:
$(cat "$tmp/out")"; }

# All agree: exit 0 and a full summary.
mkdir -p "$tmp/fix/kmsg" "$tmp/src/tests/corpus"
add good 'oops+null_deref warning|software' 'oops null_deref' 'warning' 'software'
add nolean 'mce|hardware' 'mce' '' 'unknown'
printf 'kmsg/shared.log\tpanic\t\tconfiguration\n' >"$tmp/src/tests/corpus/shared-expect.tsv"
printf 'panic|configuration\n' >"$tmp/fix/kmsg/shared.log"
rc=$(run)
[ "$rc" = 0 ] || fail "all-agree corpus: exit $rc: $(cat "$tmp/out")"
expect_line "PASS corpus/good.log"
expect_line "PASS shared/kmsg/shared.log"
expect_line "SUMMARY files 3, passed 3, failed 0, missed 0; kinds recall 4/4 (100%); invented kinds 0; lean agreement 2/2 (100%); opposite leans 0"

# A lean that is not the thread's but not its opposite is a MISS: printed, counted against the lean
# target (2 of 3 = 66%: below the default 78%, above a 60% target).
add unsure 'mce|unknown' 'mce' '' 'hardware'
rc=$(run)
[ "$rc" = 1 ] || fail "lean agreement 66% must miss the 78% target: exit $rc"
expect_line "MISS corpus/unsure.log: lean: thread says hardware, tool says unknown"
expect_line "FAIL lean agreement 66% is below the target of 78%"
rc=$(CORPUS_MIN_LEAN=60 run)
[ "$rc" = 0 ] || fail "lean agreement 66% meets a 60% target: exit $rc: $(cat "$tmp/out")"
rm -f "$tmp/src/tests/corpus/kmsg/unsure."*

# Each kind of disagreement is named on its file's line and counted.
add opposite 'mce|software' 'mce' '' 'hardware'
add invented 'oops+gpf|software' 'oops' '' 'software'
add missing 'warning|software' 'refcount warning' '' 'software'
add crash 'exit 3' 'bug' '' 'software'
add oldbin 'oom_kill|-' 'oom_kill' '' 'configuration'
add typo 'oops|software' 'oopz' '' 'sofware'
rc=$(run)
[ "$rc" = 1 ] || fail "failing corpus: exit $rc"
expect_line "FAIL corpus/opposite.log: OPPOSITE lean: thread says hardware, tool says software"
expect_line "FAIL corpus/invented.log: invented kinds: gpf"
expect_line "MISS corpus/missing.log: missing kinds: refcount"
expect_line "FAIL kinds recall"
expect_line "FAIL corpus/crash.log: analyze exit 3: boom"
expect_line "FAIL corpus/oldbin.log: lean: thread says configuration, tool says missing"
expect_line "corpus error: unknown kind 'oopz'"
expect_line "corpus error: unknown lean 'sofware'"
expect_line "opposite leans 1"

# A .source without its machine-readable fields, and a shared fixture with no expectation line.
rm "$tmp/src/tests/corpus/kmsg/"{opposite,invented,missing,crash,oldbin,typo}.*
printf 'source: x\nlean: unknown\n' >"$tmp/src/tests/corpus/kmsg/good.source"
printf 'mce|hardware\n' >"$tmp/fix/kmsg/unlisted.log"
rc=$(run)
[ "$rc" = 1 ] || fail "incomplete corpus: exit $rc"
expect_line "good.source has no 'kinds:' line"
expect_line "FAIL shared/kmsg/unlisted.log: no line in shared-expect.tsv"

# No fixtures directory: the shared lines are skipped with a note, or fail when fixtures are required.
add good 'oops+null_deref|software' 'oops null_deref' '' 'software'
rm -rf "$tmp/fix"
rc=$(unset STRESSWSL_REQUIRE_FIXTURES; run)
[ "$rc" = 0 ] || fail "missing fixtures without requirement: exit $rc: $(cat "$tmp/out")"
expect_line "NOTE shared fixtures: directory '$tmp/fix' not found, the 1 lines of shared-expect.tsv are skipped"
rc=$(STRESSWSL_REQUIRE_FIXTURES=1 run)
[ "$rc" = 1 ] || fail "missing fixtures with STRESSWSL_REQUIRE_FIXTURES: exit $rc"
expect_line "FAIL shared fixtures: directory '$tmp/fix' not found and STRESSWSL_REQUIRE_FIXTURES is set"
echo PASS
