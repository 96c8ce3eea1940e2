#!/usr/bin/env bash
# Benchmarks trove against tantivy-cli, Xapian, Lucene 8 and ripgrep on the same
# documents in the same run, and writes bench/RESULTS.md and bench/scaling.png.
#   bench/run.sh                  # corpus at 1x, 2x, 4x and 8x (about an hour)
#   bench/run.sh --scales 1,2     # a quicker run
# Peers are installed here (apt-get, cargo install); one that fails is skipped with a note.
set -uo pipefail
cd "$(dirname "$0")/.."

note() { printf 'bench: %s\n' "$*" >&2; }

if [ ! -d ../shared/data ]; then
  note "skipped: ../shared/data not found"
  exit 0
fi

# Peers from Debian's packages.
need=()
command -v omindex >/dev/null || need+=(xapian-tools xapian-omega libmime-tools-perl libhtml-parser-perl)
command -v rg >/dev/null || need+=(ripgrep)
command -v hyperfine >/dev/null || need+=(hyperfine)
[ -f /usr/share/java/lucene-demo-8.7.0.jar ] || need+=(liblucene8-java)
command -v java >/dev/null || need+=(default-jre-headless)
if [ ${#need[@]} -gt 0 ]; then
  note "installing ${need[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}" >/dev/null 2>&1 \
    || note "apt-get install failed for some of: ${need[*]} (those peers are skipped)"
fi
# omindex reads mail through these Perl modules.
perl -MMIME::Parser -MHTML::Entities -e1 2>/dev/null || note "omindex will skip e-mail files (libmime-tools-perl missing)"

# tantivy-cli from crates.io (its lock file pins a crate that no longer builds: unlocked).
if ! command -v tantivy >/dev/null && [ ! -x bench/.peers/bin/tantivy ]; then
  note "installing tantivy-cli (cargo install, a few minutes)"
  cargo install tantivy-cli --root bench/.peers >/dev/null 2>&1 || note "cargo install tantivy-cli failed (skipped)"
fi

# The plot.
python3 -c 'import matplotlib' 2>/dev/null || pip install -q matplotlib >/dev/null 2>&1 || note "no matplotlib: no plot"

note "building trove (release)"
cargo build --release --locked -q || exit 2
# bench.py times a copy of it, as `cargo install` leaves it (see installed_copy there).
exec python3 bench/bench.py "$@"
