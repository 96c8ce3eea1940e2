#!/usr/bin/env bash
# Soak test: 1,000 searches from two concurrent processes (500 each) while the 20news
# folder is indexed, then re-indexed (--force) again and again. Every search must answer
# (exit 0 or 1, never 2 or a signal), nothing may panic, and the final count must be
# exact. Prints the figures; exits 1 if any check fails.
#   scripts/soak.sh            # builds the release binary first
set -uo pipefail
cd "$(dirname "$0")/.."
DATA=../shared/data/news/20news
if [ ! -d "$DATA" ]; then
  echo "soak: skipped: $DATA not found"
  exit 0
fi
cargo build --release --locked -q || exit 2
TROVE=$PWD/target/release/trove
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
INDEX=$WORK/index
EXPECTED=$(find "$DATA" -type f | wc -l)

# The first index, so that searches have something to open from the start.
"$TROVE" --index "$INDEX" index --quiet "$DATA" || { echo "soak: first index failed"; exit 1; }

searcher() {  # $1 = name; 500 searches, one line per search: exit code, milliseconds
  local words=(god space windows car gun hockey israel encryption doctor baseball
               "clipper chip" "jesus christ" "nhl playoffs" '"space shuttle"' 'date:1993')
  for i in $(seq 1 500); do
    local q=${words[$((i % ${#words[@]}))]}
    local t0=$(date +%s%N)
    "$TROVE" --index "$INDEX" search --limit 10 "$q" >/dev/null 2>>"$WORK/$1.err"
    local code=$?
    echo "$code $(( ($(date +%s%N) - t0) / 1000000 ))" >> "$WORK/$1.log"
  done
}

start=$(date +%s)
searcher a & A=$!
searcher b & B=$!
rounds=0; index_failures=0
while kill -0 $A 2>/dev/null || kill -0 $B 2>/dev/null; do
  "$TROVE" --index "$INDEX" index --quiet --force --wait 60 "$DATA" 2>>"$WORK/index.err" \
    || index_failures=$((index_failures + 1))
  rounds=$((rounds + 1))
done
wait $A $B
elapsed=$(( $(date +%s) - start ))

total=$(cat "$WORK"/a.log "$WORK"/b.log | wc -l)
answered=$(cat "$WORK"/a.log "$WORK"/b.log | awk '$1 == 0 || $1 == 1' | wc -l)
hits=$(cat "$WORK"/a.log "$WORK"/b.log | awk '$1 == 0' | wc -l)
p50=$(cat "$WORK"/a.log "$WORK"/b.log | awk '{print $2}' | sort -n | awk '{a[NR]=$1} END {print a[int(NR*0.5)]}')
p95=$(cat "$WORK"/a.log "$WORK"/b.log | awk '{print $2}' | sort -n | awk '{a[NR]=$1} END {print a[int(NR*0.95)]}')
max=$(cat "$WORK"/a.log "$WORK"/b.log | awk '{print $2}' | sort -n | tail -1)
panics=$(cat "$WORK"/*.err | grep -c panicked)
final=$("$TROVE" --index "$INDEX" search -c '*')

echo "soak: $total searches in ${elapsed} s from 2 processes, $answered answered (exit 0/1), $hits with hits"
echo "soak: latency per search (whole process) p50 ${p50} ms, p95 ${p95} ms, max ${max} ms"
echo "soak: $rounds full re-index runs (--force) meanwhile, $index_failures failed"
echo "soak: panics: $panics; final count $final, expected $EXPECTED"
ok=1
[ "$total" -eq 1000 ] || ok=0
[ "$answered" -eq 1000 ] || ok=0
[ "$panics" -eq 0 ] || ok=0
[ "$index_failures" -eq 0 ] || ok=0
[ "$final" -eq "$EXPECTED" ] || ok=0
if [ $ok -eq 1 ]; then echo "soak: PASS"; else
  echo "soak: FAIL"; head -5 "$WORK"/*.err; exit 1; fi
