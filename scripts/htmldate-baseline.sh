#!/usr/bin/env bash
# Baseline: the reference date extractor htmldate (Python, pinned to 1.10.*) on the
# html-dates set in ../shared/data/html-dates, fast and extensive mode, day-exact accuracy
# on the two fixed halves (tune / check) and on all pages. The per-page answers go to
# target/htmldate-baseline.json (or --out PATH).
#   scripts/htmldate-baseline.sh [--out PATH] [--data DIR]
# Needs python3 with venv and pip access to PyPI. The virtual environment lives in
# target/htmldate-venv (never committed: target/ is ignored) and is reused when present.
set -euo pipefail
cd "$(dirname "$0")/.."

DATA=../shared/data/html-dates
case " $* " in
  *" --data"*) ;;  # the Python script checks a folder given on the command line
  *)
    if [ ! -f "$DATA/expected.json" ] || [ ! -d "$DATA/pages" ]; then
      echo "skipped: ../shared/data not found"
      exit 0
    fi
    ;;
esac

VENV=target/htmldate-venv
PY=$VENV/bin/python
if ! { [ -x "$PY" ] && "$PY" -c 'import htmldate, sys; sys.exit(not htmldate.__version__.startswith("1.10."))' 2>/dev/null; }; then
  mkdir -p target
  python3 -m venv "$VENV"
  "$PY" -m pip install --quiet --disable-pip-version-check 'htmldate==1.10.*'
fi

# htmldate's own evaluation pins the time zone (tests/eval_gate.py: TZ=Europe/Berlin).
export TZ=${TZ:-Europe/Berlin}
exec "$PY" scripts/htmldate_baseline.py "$@"
