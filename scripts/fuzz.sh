#!/usr/bin/env bash
# Runs trove's fuzz targets (fuzz/README.md), seeded with real files.
#   scripts/fuzz.sh                 # every target, 120 s each
#   scripts/fuzz.sh TARGET [SECS]   # one target
#   scripts/fuzz.sh all SECS        # every target, SECS each (a nightly run: 3600)
# Seeds: the project's fixtures, and real files from ../shared/data when it is there
# (web pages, news stories, Usenet posts, newswire records).
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
if [ $# -ge 1 ] && [ "$1" != all ]; then targets=("$1"); fi
data=../shared/data
# Copies at most N files of a list (one path per line on stdin) into a seed folder.
seed() { local dir=$1 n=$2 i=0; while IFS= read -r f && [ $i -lt "$n" ]; do cp "$f" "$dir/seed-$i-$(basename "$f")"; i=$((i+1)); done; cat >/dev/null; }
# The same, each file behind a first byte that picks the target's mode.
seed_prefixed() { local dir=$1 n=$2 i=0; while IFS= read -r f && [ $i -lt "$n" ]; do { printf "$3"; cat "$f"; } > "$dir/seed-$i"; i=$((i+1)); done; cat >/dev/null; }
for t in "${targets[@]}"; do
  dir="fuzz/corpus/$t"
  mkdir -p "$dir"
  case $t in
    text)
      cp corpus/*.txt tests/fixtures/text/* tests/fixtures/syndicated/*.txt "$dir/"
      [ -d "$data/news/bbc" ] && find "$data/news/bbc" -type f | sort | awk 'NR % 11 == 0' | seed "$dir" 200 ;;
    html)
      cp tests/fixtures/html/* tests/fixtures/syndicated/story.html "$dir/"
      [ -d "$data/html-dates/pages" ] && find "$data/html-dates/pages" -name '*.html' | sort | awk 'NR % 3 == 0' | seed "$dir" 200
      [ -d "$data/html-metadata" ] && find "$data/html-metadata" -name source.html | sort | seed "$dir" 50 ;;
    markdown) cp tests/fixtures/markdown/* tests/fixtures/syndicated/story.md "$dir/" ;;
    json)
      for f in tests/fixtures/json/*; do { printf '\0'; cat "$f"; } > "$dir/$(basename "$f")"; done
      if [ -f "$data/news/reuters21578.jsonl" ]; then
        awk 'NR % 97 == 0 && ++n <= 200' "$data/news/reuters21578.jsonl" > "$dir/reuters-sample.jsonl.tmp"
        { printf '\0'; cat "$dir/reuters-sample.jsonl.tmp"; } > "$dir/reuters-sample"; rm "$dir/reuters-sample.jsonl.tmp"
      fi ;;
    email)
      for f in tests/fixtures/email/*; do { printf '\0'; cat "$f"; } > "$dir/$(basename "$f")"; done
      [ -d "$data/news/20news" ] && find "$data/news/20news" -type f | sort | awk 'NR % 97 == 0' | seed_prefixed "$dir" 200 '\0' ;;
    date) printf '2017-11-11' > "$dir/iso"; printf 'Sat, 11 Nov 2017 10:00:00 ET' > "$dir/rfc"; printf '2019-10-19T00:04:00+02:00' > "$dir/offset"; printf 'İstanbul, 3 March 2019' > "$dir/place" ;;
    query) printf 'wikileaks AND (clinton OR "data firm") -oil date:>2016 title:ceo~1 wiki*' > "$dir/q" ;;
  esac
  echo "== fuzzing $t for ${secs}s"
  cargo "${TOOLCHAIN[@]}" fuzz run --fuzz-dir fuzz "$t" "$dir" -- \
    -max_total_time="$secs" -max_len=262144 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
done
