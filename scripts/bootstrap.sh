#!/usr/bin/env bash
# One command for a fresh Debian 12 / Ubuntu 22.04+ (WSL2 included): installs what is missing,
# builds, and then either runs the main job or the whole test suite.
#   scripts/bootstrap.sh run [stresswsl options...]   build, then `stresswsl --profile compile` (2 minutes)
#   scripts/bootstrap.sh test                           build (warnings are errors) + ctest, then an
#                                                       ASan/UBSan build + ctest of the unit tests, then a
#                                                       clang libFuzzer build + a short run of each target
#   scripts/bootstrap.sh bench                          optimised build, then bench/peers.sh beside its
#                                                       peers (stress-ng, memtester, stressapptest)
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-run}
[ $# -gt 0 ] && shift

packages=(build-essential cmake pkg-config libhwloc-dev libnuma-dev libcpuid-dev libjansson-dev libarchive-dev liburing-dev)
# Tests: the HTML report renders in headless Chromium; the integration scripts read JSON with jq;
# the fuzz targets need clang (libFuzzer); the shell completions are exercised in fish and zsh; the
# live view is captured in tmux; the .deb is built with dpkg-dev (dpkg-shlibdeps); python3 reads the
# timeline screenshot; the --metrics file is checked with Prometheus' Python parser; contrib/ansible
# runs against localhost.
[ "$mode" = test ] && packages+=(chromium jq clang fish zsh tmux dpkg-dev python3 python3-prometheus-client ansible-core)
# The performance comparison: the peers it measures against, and python3 to read the reports.
[ "$mode" = bench ] && packages+=(stress-ng memtester stressapptest python3 util-linux)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "bootstrap: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# libFuzzer's runtime is only a recommended package of clang on Debian 12 (libclang-rt-dev); on
# Ubuntu 22.04 it comes with clang itself. Install it when a fuzzer link fails.
if [ "$mode" = test ] &&
   ! echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return d && n; }' |
     clang -fsanitize=fuzzer -x c - -o /dev/null 2>/dev/null; then
  echo "bootstrap: installing libclang-rt-dev (libFuzzer runtime)"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends libclang-rt-dev >/dev/null
fi

jobs=$(nproc)
case "$mode" in
run)
  cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build build -j "$jobs" >/dev/null
  exec ./build/cli/stresswsl --profile compile --duration 2m "$@"
  ;;
test)
  # CI: a missing fixture is a failure, never a skip.
  cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSTRESSWSL_WERROR=ON -DSTRESSWSL_REQUIRE_FIXTURES=ON >/dev/null
  cmake --build build -j "$jobs"
  (cd build && ctest --output-on-failure -j "$jobs")
  # Sanitizer build: every unit test under ASan+UBSan (the integration tests run the release binary).
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DSTRESSWSL_WERROR=ON -DSTRESSWSL_REQUIRE_FIXTURES=ON \
        -DSTRESSWSL_SANITIZE=address,undefined >/dev/null
  cmake --build build-asan -j "$jobs"
  (cd build-asan && ASAN_OPTIONS=abort_on_error=1:detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
     ctest --output-on-failure -j "$jobs" -L unit)
  # Fuzzing: every parser of outside data under libFuzzer + ASan/UBSan, a few seconds each from the
  # fixtures (docs/fuzzing.md has the long run). Only the libraries and the fuzz targets are built.
  CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSTRESSWSL_FUZZ=ON \
        -DBUILD_TESTING=OFF >/dev/null
  cmake --build build-fuzz -j "$jobs"
  (cd build-fuzz && ctest --output-on-failure -j "$jobs" -L fuzz)
  ;;
bench)
  cmake -S . -B build-rel -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build-rel -j "$jobs" >/dev/null
  exec env STRESSWSL=build-rel/cli/stresswsl bench/peers.sh "$@"
  ;;
*)
  echo "usage: scripts/bootstrap.sh run|test|bench" >&2
  exit 2
  ;;
esac
