#!/usr/bin/env bash
# The HTML report in a real headless browser: rendered from the golden results.json by
# `tmfault report`, screenshotted by chromium (the PNG must exist and not be blank) and its DOM
# dumped (the doc-accuracy table and one timeline per run must be there; no script element,
# even from hostile logs). Exit 77 (ctest: skipped) with the reason when chromium is missing.
#
#   tests/html_render_test.sh TMFAULT_BINARY UNIT_TEST_BINARY [SCREENSHOT.png]
set -euo pipefail

TMFAULT="$1"
UNIT_TESTS="$2"
KEEP_PNG="${3:-}"
CHROMIUM=/usr/bin/chromium

if [ ! -x "$CHROMIUM" ]; then
  echo "SKIP: $CHROMIUM not installed (apt-get install chromium; ci/setup does)"
  [ "${TMFAULT_REQUIRE_E2E:-}" = 1 ] && { echo "TMFAULT_REQUIRE_E2E=1 forbids skipping"; exit 1; }
  exit 77
fi
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

browser() {
  timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$TMP/profile" "$@" 2>>"$TMP/chromium.log"
}

# A PNG is blank when its decompressed pixel rows use only a handful of byte values.
png_distinct_bytes() {
  python3 - "$1" <<'PY'
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
i, idat = 8, b""
while i < len(data):
    n = struct.unpack(">I", data[i:i + 4])[0]
    if data[i + 4:i + 8] == b"IDAT":
        idat += data[i + 8:i + 8 + n]
    i += 12 + n
print(len(set(zlib.decompress(idat))))
PY
}

"$TMFAULT" report "$HERE/data/golden/results.json" --format html -o "$TMP/report.html"
cmp "$TMP/report.html" "$HERE/data/golden/report.html" || fail "report --format html differs from the golden page"
if grep -Eo '(src|href)="[a-z]+:' "$TMP/report.html"; then fail "the page refers to an external resource"; fi

browser --screenshot="$TMP/report.png" --window-size=1280,2000 "file://$TMP/report.html" >/dev/null ||
  fail "chromium could not screenshot the page (see below)" "$(cat "$TMP/chromium.log")"
[ -s "$TMP/report.png" ] || fail "no screenshot written"
if command -v python3 >/dev/null; then
  distinct="$(png_distinct_bytes "$TMP/report.png")"
  [ "$distinct" -gt 64 ] || fail "the screenshot looks blank ($distinct distinct byte values)"
else
  [ "$(stat -c %s "$TMP/report.png")" -gt 40000 ] || fail "the screenshot looks blank (tiny PNG)"
fi
[ -z "$KEEP_PNG" ] || cp "$TMP/report.png" "$KEEP_PNG"

browser --dump-dom "file://$TMP/report.html" >"$TMP/dom.html"
grep -q '<table class="doc">' "$TMP/dom.html" || fail "no doc-accuracy table in the DOM"
grep -q 'reproduced (oom-heap)' "$TMP/dom.html" || fail "the doc table lacks 'reproduced (oom-heap)'"
timelines="$(grep -o '<svg class="timeline"' "$TMP/dom.html" | wc -l)"
[ "$timelines" -ge 10 ] || fail "expected a timeline per run that had memory, found $timelines"
if grep -qi '<script' "$TMP/dom.html"; then fail "a <script> element made it into the DOM"; fi

TMFAULT_HOSTILE_OUT="$TMP" "$UNIT_TESTS" "hostile text is inert in JUnit XML and HTML" >/dev/null
browser --dump-dom "file://$TMP/hostile.html" >"$TMP/hostile-dom.html"
grep -q '<table class="doc">' "$TMP/hostile-dom.html" || fail "the hostile page lost its doc table"
if grep -qi '<script' "$TMP/hostile-dom.html"; then fail "hostile text became a <script> element"; fi
grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' "$TMP/hostile-dom.html" || fail "hostile text is not shown as text"

echo "ok: $timelines timelines, screenshot ${distinct:-?} distinct byte values, no script elements"
