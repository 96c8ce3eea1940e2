#!/usr/bin/env python3
"""Baseline: the reference extractor htmldate on the html-dates set.

Runs htmldate's find_date() on every page of ../shared/data/html-dates (no URL given),
once in fast mode (extensive_search=False) and once in extensive mode
(extensive_search=True), both with original_date=True: the same calls that htmldate's own
evaluation (tests/evaluation.py: run_htmldate_fast / run_htmldate_extensive) makes for its
published numbers. Pages are read as bytes and decoded with htmldate.utils.decode_file, as
that evaluation's load_document does.

Scoring is day-exact, as in htmldate's evaluation: the answer (YYYY-MM-DD) must equal the
expected date. A page whose expected date is null is correct when the extractor returns
nothing and wrong otherwise: htmldate's comparison.py counted that case as a true negative,
with accuracy = (tp + tn) / all. expected.json spells three such labels NaN (as htmldate's
eval_mediacloud_2020.json does); they are read as null here. htmldate's own evaluation keeps
them as the float NaN, which never equals an answer nor None, so there those pages are
always wrong; the script prints that variant too, for comparison with published figures.

The set is split into two fixed halves by FNV-1a 64-bit over the UTF-8 bytes of the file
name: "tune" when the hash is even, "check" when it is odd.

Normally started by scripts/htmldate-baseline.sh, which sets up the virtual environment.
"""

import argparse
import json
import logging
import os
import sys
import time
import warnings

FNV_OFFSET = 0xCBF29CE484222325
FNV_PRIME = 0x100000001B3
MASK64 = 0xFFFFFFFFFFFFFFFF


def fnv1a64(data: bytes) -> int:
    """FNV-1a, 64-bit, wrapping multiply."""
    h = FNV_OFFSET
    for byte in data:
        h ^= byte
        h = (h * FNV_PRIME) & MASK64
    return h


def half_of(file_name: str) -> str:
    return "tune" if fnv1a64(file_name.encode("utf-8")) % 2 == 0 else "check"


def correct(answer, expected) -> bool:
    if expected is None:
        return answer is None
    return answer == expected


def main() -> int:
    repo = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--data",
        default=os.path.join(repo, "..", "shared", "data", "html-dates"),
        help="folder with pages/ and expected.json (default: ../shared/data/html-dates)",
    )
    parser.add_argument(
        "--out",
        default=os.path.join(repo, "target", "htmldate-baseline.json"),
        help="where to write the per-page answers (default: target/htmldate-baseline.json)",
    )
    args = parser.parse_args()

    data = os.path.normpath(args.data)
    expected_path = os.path.join(data, "expected.json")
    pages_dir = os.path.join(data, "pages")
    if not os.path.isfile(expected_path) or not os.path.isdir(pages_dir):
        print(f"skipped: {data} not found")
        return 0

    # htmldate and dateparser log and warn on odd pages; keep the table readable.
    logging.disable(logging.CRITICAL)
    warnings.filterwarnings("ignore")

    import htmldate
    from htmldate import find_date
    from htmldate.utils import decode_file

    # NaN (and Infinity) labels mean "no date": read them as null.
    with open(expected_path, encoding="utf-8") as f:
        expected = json.load(f, parse_constant=lambda _: None)

    names = sorted(expected)
    missing = [n for n in names if not os.path.isfile(os.path.join(pages_dir, n))]
    if missing:
        print(f"error: {len(missing)} pages listed in expected.json are missing, e.g. {missing[0]}",
              file=sys.stderr)
        return 2

    results = {}
    seconds = {"fast": 0.0, "extensive": 0.0}
    errors = {"fast": 0, "extensive": 0}
    modes = (("fast", False), ("extensive", True))
    started = time.perf_counter()
    for name in names:
        with open(os.path.join(pages_dir, name), "rb") as f:
            html = decode_file(f.read())
        entry = {"expected": expected[name]["date"]}
        for mode, extensive in modes:
            t0 = time.perf_counter()
            try:
                answer = find_date(html, original_date=True, extensive_search=extensive)
            except Exception:  # a crash counts as "no answer"
                answer = None
                errors[mode] += 1
            seconds[mode] += time.perf_counter() - t0
            entry[mode] = answer
        entry["half"] = half_of(name)
        results[name] = entry
    total = time.perf_counter() - started

    out = os.path.abspath(args.out)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w", encoding="utf-8") as f:
        json.dump(results, f, indent=1, sort_keys=True)
        f.write("\n")

    version = getattr(htmldate, "__version__", "?")
    nulls = sum(1 for e in results.values() if e["expected"] is None)
    print(f"htmldate {version}, find_date(original_date=True, no URL), day exact; "
          f"{len(results)} pages ({nulls} with a null/NaN date, correct when no answer)")
    print(f"{'half':<6} {'pages':>5} {'fast':>7} {'extensive':>10}")
    for half in ("tune", "check", "all"):
        rows = [e for e in results.values() if half == "all" or e["half"] == half]
        n = len(rows)
        fast = sum(correct(e["fast"], e["expected"]) for e in rows)
        ext = sum(correct(e["extensive"], e["expected"]) for e in rows)
        print(f"{half:<6} {n:>5} {fast / n if n else 0:>7.3f} {ext / n if n else 0:>10.3f}")
    print(f"time: fast {seconds['fast']:.1f} s, extensive {seconds['extensive']:.1f} s, "
          f"total {total:.1f} s (including decoding)")
    if nulls:
        fast = sum(e["fast"] == e["expected"] and e["expected"] is not None for e in results.values())
        ext = sum(e["extensive"] == e["expected"] and e["expected"] is not None
                  for e in results.values())
        n = len(results)
        print(f"as htmldate's own evaluation scores them (its NaN labels never match): "
              f"all fast {fast / n:.3f}, extensive {ext / n:.3f}")
    if errors["fast"] or errors["extensive"]:
        print(f"exceptions (counted as no answer): fast {errors['fast']}, "
              f"extensive {errors['extensive']}")
    print(f"per-page answers: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
