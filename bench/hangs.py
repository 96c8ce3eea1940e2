#!/usr/bin/env python3
"""Scaling checks for the work that once grew faster than its input (issue "nothing
hangs"): indexing one large JSON Lines file, removing one of two copies of a file, and
fuzzy queries. Each trove given is run in turn on the same inputs; wall time and peak
RSS come from /usr/bin/time, no shell in a timed command.

    bench/hangs.py --trove new=target/release/trove [--trove old=/path/to/old/trove]
    bench/hangs.py --only jsonl,copies,fuzzy --sizes 1000000,1200000,2000000

Inputs are generated under bench/work/hangs (deleted after each size); the fuzzy
queries run on bench.py's 1x and 8x corpus (made by bench.py's own code when missing).
"""

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
WORK = BENCH / "work" / "hangs"

WORDS = ("oil government protein election football market minister bank rates "
         "energy health court police school water price company report").split()


def timed(cmd, stdin=None):
    """Runs `cmd` under /usr/bin/time: (wall seconds, peak RSS MB, exit code, stdout)."""
    fmt = "%e %M %U %S"
    full = ["/usr/bin/time", "-f", fmt, "-o", str(WORK / ".time")] + cmd
    t0 = time.monotonic()
    p = subprocess.run(full, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    wall = time.monotonic() - t0
    line = (WORK / ".time").read_text().strip().splitlines()[-1].split()
    timed.cpu = float(line[2]) + float(line[3])
    return wall, int(line[1]) / 1024, p.returncode, p.stdout


def records(path, n, start=0):
    """`n` tiny records with distinct ids, one per line."""
    with open(path, "w", encoding="utf-8") as f:
        for i in range(start, start + n):
            w = WORDS[i % len(WORDS)]
            f.write(json.dumps({"id": f"r{i}", "title": f"{w} record {i}",
                                "body": f"{w} {WORDS[(i * 7) % len(WORDS)]} text number {i}"}))
            f.write("\n")


def fresh(path):
    if path.exists():
        shutil.rmtree(path)
    return path


def jsonl(troves, sizes):
    rows = []
    for n in sizes:
        data = WORK / f"records-{n}.jsonl"
        records(data, n)
        for name, trove in troves:
            index = fresh(WORK / f"index-{name}")
            wall, rss, rc, _ = timed([trove, "--index", str(index), "index", "--quiet", str(data)])
            rows.append((name, n, wall, rss, rc))
            print(f"jsonl {name} {n:,} records: {wall:.2f} s wall, {timed.cpu:.2f} s CPU, {rss:.0f} MB, exit {rc}", flush=True)
            shutil.rmtree(index)
        data.unlink()
    return rows


def copies(troves, sizes):
    rows = []
    for n in sizes:
        folder = fresh(WORK / f"copies-{n}")
        folder.mkdir(parents=True)
        records(folder / "a.jsonl", n)
        shutil.copy(folder / "a.jsonl", folder / "b.jsonl")
        for name, trove in troves:
            index = fresh(WORK / f"index-{name}")
            shutil.copy(folder / "a.jsonl", folder / "b.jsonl")
            timed([trove, "--index", str(index), "index", "--quiet", str(folder)])
            (folder / "b.jsonl").unlink()
            wall, rss, rc, _ = timed([trove, "--index", str(index), "index", "--quiet", str(folder)])
            rows.append((name, n, wall, rss, rc))
            print(f"copies {name} {n:,} records, one copy removed: re-run {wall:.2f} s, exit {rc}", flush=True)
            shutil.rmtree(index)
        shutil.rmtree(folder)
    return rows


def fuzzy(troves, scales, limit):
    sys.path.insert(0, str(BENCH))
    import bench  # noqa: E402  (the benchmark's corpus, made the same way)

    queries = [
        ("one fuzzy word", ["goverment~2"]),
        ("20 fuzzy words", [" ".join(f"{w}x~2" for w in WORDS[:20])]),
        ("200 words, --fuzzy=2", ["--fuzzy=2", " ".join(f"{w}{k}" for k in range(10) for w in WORDS[:20])]),
    ]
    rows = []
    for scale in scales:
        corpus = bench.scaled_corpus(scale)
        for name, trove in troves:
            index = fresh(WORK / f"index-{name}-{scale}x")
            wall, _, rc, _ = timed([trove, "--index", str(index), "index", "--quiet", str(corpus)])
            print(f"fuzzy {name} {scale}x indexed in {wall:.1f} s (exit {rc})", flush=True)
            for label, q in queries:
                cmd = ["timeout", str(limit), trove, "--index", str(index), "search", "--json", "-n", "10"] + q
                best = None
                for _ in range(3):
                    wall, rss, rc, _ = timed(cmd)
                    best = wall if best is None else min(best, wall)
                    if rc == 124:
                        break
                shown = f"over {limit} s (stopped)" if rc == 124 else f"{best:.3f} s"
                rows.append((name, scale, label, best, rc))
                print(f"fuzzy {name} {scale}x {label}: {shown} (best of up to 3; exit {rc})", flush=True)
            shutil.rmtree(index)
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--trove", action="append", default=[], help="NAME=PATH, repeatable")
    ap.add_argument("--only", default="jsonl,copies,fuzzy")
    ap.add_argument("--sizes", default="1000000,1200000,2000000")
    ap.add_argument("--copy-sizes", default="20000,60000,200000")
    ap.add_argument("--scales", default="1,8")
    ap.add_argument("--limit", type=int, default=120, help="seconds before a query is stopped")
    args = ap.parse_args()
    troves = [tuple(t.split("=", 1)) for t in args.trove] or [("trove", str(BENCH.parent / "target/release/trove"))]
    WORK.mkdir(parents=True, exist_ok=True)
    only = args.only.split(",")
    if "jsonl" in only:
        jsonl(troves, [int(s) for s in args.sizes.split(",")])
    if "copies" in only:
        copies(troves, [int(s) for s in args.copy_sizes.split(",")])
    if "fuzzy" in only:
        if not (BENCH.parent.parent / "shared" / "data").is_dir():
            print("fuzzy: skipped, ../shared/data not found")
        else:
            fuzzy(troves, [int(s) for s in args.scales.split(",")], args.limit)


if __name__ == "__main__":
    main()
