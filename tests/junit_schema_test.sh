#!/usr/bin/env bash
# The JUnit XML that `tmfault report --format junit` writes, checked against the Jenkins/Ant
# schema in tests/data/junit/junit.xsd with xmllint: the golden suite (a real run plus a
# hostile record) and a suite whose every text is hostile (invalid UTF-8, control characters,
# `]]>`, `<script>`). Exit 77 (ctest: skipped) with the reason when xmllint is missing.
#
#   tests/junit_schema_test.sh TMFAULT_BINARY UNIT_TEST_BINARY
set -euo pipefail

TMFAULT="$1"
UNIT_TESTS="$2"
if ! command -v xmllint >/dev/null; then
  echo "SKIP: xmllint not installed (apt-get install libxml2-utils; ci/setup does)"
  [ "${TMFAULT_REQUIRE_E2E:-}" = 1 ] && { echo "TMFAULT_REQUIRE_E2E=1 forbids skipping"; exit 1; }
  exit 77
fi
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
XSD="$HERE/data/junit/junit.xsd"

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

"$TMFAULT" report "$HERE/data/golden/results.json" --format junit -o "$TMP/golden.xml"
cmp "$TMP/golden.xml" "$HERE/data/golden/report.junit.xml"
xmllint --noout --schema "$XSD" "$TMP/golden.xml"
"$TMFAULT" report "$HERE/data/golden/results.json" --format json | cmp - "$HERE/data/golden/results.json"

TMFAULT_HOSTILE_OUT="$TMP" "$UNIT_TESTS" "hostile text is inert in JUnit XML and HTML" >/dev/null
xmllint --noout --schema "$XSD" "$TMP/hostile.junit.xml"

# The schema is not vacuous: a testsuite without its required name is rejected.
sed 's/<testsuite name="[^"]*"/<testsuite/' "$TMP/golden.xml" >"$TMP/broken.xml"
if xmllint --noout --schema "$XSD" "$TMP/broken.xml" 2>/dev/null; then
  echo "FAIL: the schema accepted a testsuite without a name" >&2
  exit 1
fi
echo "ok: golden and hostile JUnit XML are valid against $XSD"
