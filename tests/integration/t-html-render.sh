#!/usr/bin/env bash
# report.html renders in headless Chromium with no network: the page parses, the verdict, the
# environment table and the SVG timeline are in the rendered DOM, and a screenshot is produced.
# $1 = stresswsl binary, $2 = source dir, $3 = fixtures dir. SKIP (77) without chromium.
set -u
bin=$1
chromium=$(command -v chromium || command -v chromium-browser || true)
[ -n "$chromium" ] || { echo "SKIP: chromium not installed (apt-get install chromium)"; exit 77; }
writers="$(dirname "$bin")/../tests/test_writers"
[ -x "$writers" ] || { echo "FAIL: $writers not built"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
SW_TEST_HTML_OUT="$tmp/report.html" "$writers" "$3" html >/dev/null || { echo "FAIL: writing the sample report"; exit 1; }
flags=(--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update
       --disable-sync --no-first-run --user-data-dir="$tmp/profile")
timeout 60 "$chromium" "${flags[@]}" --dump-dom "file://$tmp/report.html" >"$tmp/dom.html" 2>"$tmp/err.txt"
for want in 'Verdict: unstable' '<svg' '<polyline' 'CPU signature' '0xb0671' 'Reproduce'; do
  grep -qF "$want" "$tmp/dom.html" || { echo "FAIL: rendered DOM lacks '$want'"; tail -5 "$tmp/err.txt"; exit 1; }
done
timeout 60 "$chromium" "${flags[@]}" --window-size=1000,1400 --screenshot="$tmp/shot.png" "file://$tmp/report.html" \
  >/dev/null 2>>"$tmp/err.txt"
size=$(stat -c %s "$tmp/shot.png" 2>/dev/null || echo 0)
[ "$size" -gt 10000 ] || { echo "FAIL: screenshot missing or blank ($size bytes)"; tail -5 "$tmp/err.txt"; exit 1; }
[ -n "${SW_KEEP_SCREENSHOT:-}" ] && cp "$tmp/shot.png" "$SW_KEEP_SCREENSHOT"
echo "ok: rendered, screenshot $size bytes"
