# Sourced by the integration tests (not a test itself): temporary files under $TMPDIR, and fixtures
# that a CI build requires (STRESSWSL_REQUIRE_FIXTURES=1, set by ctest from the CMake option).

# A fresh private directory under $TMPDIR (or /tmp): sw_tmpdir NAME -> $TMPDIR/sw-NAME-XXXXXX.
sw_tmpdir() { mktemp -d "${TMPDIR:-/tmp}/sw-$1-XXXXXX"; }

# A missing fixture: a skip here, a failure where fixtures are required.
missing_fixture() {
  if [ "${STRESSWSL_REQUIRE_FIXTURES:-0}" = 1 ]; then
    echo "FAIL: fixture missing: $1 (this build requires fixtures: STRESSWSL_REQUIRE_FIXTURES)" >&2
    exit 1
  fi
  echo "SKIP: fixture missing: $1"
}

# need_fixture PATH...: the whole test needs these (exit 77 when one is absent, 1 in CI).
need_fixture() {
  local f
  for f in "$@"; do [ -e "$f" ] || { missing_fixture "$f"; exit 77; }; done
}

# have_fixture PATH: true when present; else false after a SKIP line for that part (fails in CI).
have_fixture() {
  [ -e "$1" ] && return 0
  missing_fixture "$1"
  return 1
}
