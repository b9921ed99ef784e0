# Sourced by ci/fuzz and ci/sanitize: which clang++ to build with.
#
# clang_cxx prints the first of $CLANG_CXX, clang++-16, -17, -18, clang++ on PATH whose
# version is >= 16 (harness/scenario.cc captures a structured binding in a lambda, P1091), or
# nothing. Debian 12: apt-get install clang-16 libclang-rt-16-dev (ci/setup --deep installs them).
clang_cxx() {
  local c path major
  for c in ${CLANG_CXX:-} clang++-16 clang++-17 clang++-18 clang++; do
    path="$(command -v "$c" 2>/dev/null)" || continue
    major="$("$path" -dumpversion 2>/dev/null | cut -d. -f1)"
    if [ "${major:-0}" -ge 16 ] 2>/dev/null; then echo "$path"; return; fi
  done
}
