#!/usr/bin/env bash
# Runs trove's fuzz targets (fuzz/README.md).
#   scripts/fuzz.sh                 # every target, 120 s each
#   scripts/fuzz.sh TARGET [SECS]   # one target
set -euo pipefail
cd "$(dirname "$0")/.."
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  TOOLCHAIN=(+nightly)
else
  TOOLCHAIN=()
  export RUSTC_BOOTSTRAP=1
fi
targets=(text html markdown json email date query)
secs=${2:-120}
[ $# -ge 1 ] && targets=("$1")
for t in "${targets[@]}"; do
  mkdir -p "fuzz/corpus/$t"
  # Seeds: the project's own fixtures of that kind.
  case $t in
    text) cp corpus/*.txt tests/fixtures/text/* "fuzz/corpus/$t/" ;;
    html) cp tests/fixtures/html/* "fuzz/corpus/$t/" ;;
    markdown) cp tests/fixtures/markdown/* "fuzz/corpus/$t/" ;;
    json) for f in tests/fixtures/json/*; do { printf '\0'; cat "$f"; } > "fuzz/corpus/$t/$(basename "$f")"; done ;;
    email) for f in tests/fixtures/email/*; do { printf '\0'; cat "$f"; } > "fuzz/corpus/$t/$(basename "$f")"; done ;;
    date) printf '2017-11-11' > "fuzz/corpus/$t/iso"; printf 'Sat, 11 Nov 2017 10:00:00 ET' > "fuzz/corpus/$t/rfc" ;;
    query) printf 'wikileaks AND (clinton OR "data firm") -oil date:>2016 title:ceo~1 wiki*' > "fuzz/corpus/$t/q" ;;
  esac
  echo "== fuzzing $t for ${secs}s"
  cargo "${TOOLCHAIN[@]}" fuzz run --fuzz-dir fuzz "$t" "fuzz/corpus/$t" -- \
    -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
done
