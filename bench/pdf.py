#!/usr/bin/env python3
"""trove's PDF reading on real PDFs, against poppler's pdftotext.

Sets: the PDFs of tests/fixtures/documents (pandoc + pdfTeX/XeTeX, LibreOffice, qpdf),
the resources/ folder of pypdf's source distribution (`pip download --no-deps
--no-binary :all: pypdf`, cached under bench/.cache), and the PDFs Debian packages
install under /usr/share/doc (`.pdf.gz` unpacked to a temp folder).

Per file, one process at a time, no shell: `trove parse --json FILE` and `pdftotext FILE -`
(each with a time limit: a hang is counted, never waited out), `pdfinfo` for the page
count. Words: lowercase alphanumeric runs; recall is the share of pdftotext's words (as
a multiset) that trove's title and body have, F1 the harmonic mean with precision. The
pages/s are whole processes per file, both tools alike (start-up included).

    bench/pdf.py [--trove target/release/trove] [--limit-s 120] [--json out.json]

Prints a Markdown table; needs pdftotext and pdfinfo (poppler-utils).
"""

import argparse
import collections
import glob
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
WORD = re.compile(r"[^\W_]+")


def words(text):
    return collections.Counter(w.lower() for w in WORD.findall(text))


def pypdf_resources():
    cache = os.path.join(HERE, ".cache", "pypdf")
    found = glob.glob(os.path.join(cache, "pypdf-*", "resources"))
    if not found:
        os.makedirs(cache, exist_ok=True)
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary",
                        ":all:", "--dest", cache, "pypdf"], check=True,
                       stdout=subprocess.DEVNULL)
        for sdist in glob.glob(os.path.join(cache, "pypdf-*.tar.gz")):
            with tarfile.open(sdist) as t:
                t.extractall(cache, filter="data")
        found = glob.glob(os.path.join(cache, "pypdf-*", "resources"))
    return sorted(glob.glob(os.path.join(found[0], "**", "*.pdf"), recursive=True)) if found else []


def usr_share_doc(tmp):
    files = sorted(glob.glob("/usr/share/doc/**/*.pdf", recursive=True))
    for gz in sorted(glob.glob("/usr/share/doc/**/*.pdf.gz", recursive=True)):
        out = os.path.join(tmp, gz.strip("/").replace("/", "_")[:-3])
        with gzip.open(gz) as src, open(out, "wb") as dst:
            shutil.copyfileobj(src, dst)
        files.append(out)
    return [f for f in files if os.path.isfile(f) and not os.path.islink(f)]


def run(cmd, limit):
    start = time.perf_counter()
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=limit)
    except subprocess.TimeoutExpired:
        return None, "", time.perf_counter() - start
    return p, p.stderr.decode("utf-8", "replace"), time.perf_counter() - start


def pages_of(path):
    p = subprocess.run(["pdfinfo", path], capture_output=True, text=True, errors="replace")
    m = re.search(r"^Pages:\s+(\d+)", p.stdout, re.M)
    return int(m.group(1)) if m else 0


def reason_of(stderr):
    line = stderr.strip().splitlines()[-1] if stderr.strip() else "no message"
    # "trove: FILE: bad record: why" / "trove: skipped FILE: why": the why, without names.
    return re.sub(r"^trove: (skipped )?.*?\.pdf: (bad record: )?", "", line)[:90]


def measure(name, files, trove, limit):
    row = collections.Counter()
    reasons = collections.Counter()
    recalls, f1s = [], []
    t_trove = t_ref = 0.0
    pages_timed = 0
    for path in files:
        row["files"] += 1
        pages = pages_of(path)
        row["pages"] += pages
        p, err, dt = run([trove, "parse", "--json", path], limit)
        r, _, dr = run(["pdftotext", "-q", path, "-"], limit)
        if p is None:
            row["timeouts"] += 1
            reasons["time limit"] += 1
            continue
        if p.returncode == 101 or "panicked" in err:
            row["panics"] += 1
        docs = [json.loads(l) for l in p.stdout.decode("utf-8", "replace").splitlines() if l.startswith("{")]
        ref = words(r.stdout.decode("utf-8", "replace")) if r is not None and r.returncode == 0 else None
        if docs:
            row["read"] += 1
            t_trove += dt
            t_ref += dr
            pages_timed += pages
            if ref:
                got = words(docs[0].get("title", "") + " " + docs[0].get("body", ""))
                common = sum((got & ref).values())
                recall = common / sum(ref.values())
                precision = common / max(1, sum(got.values()))
                recalls.append(recall)
                f1s.append(0 if common == 0 else 2 * recall * precision / (recall + precision))
        else:
            kind = "skipped" if re.search(r"^trove: skipped ", err, re.M) else "failed"
            row[kind] += 1
            reasons[f"{kind}: {reason_of(err)}"] += 1
            if ref and sum(ref.values()) > 0:
                row["pdftotext_only"] += 1
    mean = lambda xs: sum(xs) / len(xs) if xs else float("nan")
    for key in ("files", "pages", "read", "skipped", "failed", "panics", "timeouts", "pdftotext_only"):
        row.setdefault(key, 0)
    return {
        "set": name,
        **row,
        "recall": mean(recalls),
        "f1": mean(f1s),
        "median_f1": sorted(f1s)[len(f1s) // 2] if f1s else float("nan"),
        "trove_pages_s": pages_timed / t_trove if t_trove else 0,
        "pdftotext_pages_s": pages_timed / t_ref if t_ref else 0,
        "reasons": dict(reasons.most_common()),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--trove", default=os.path.join(REPO, "target", "release", "trove"))
    ap.add_argument("--limit-s", type=float, default=120)
    ap.add_argument("--json")
    args = ap.parse_args()
    for tool in ("pdftotext", "pdfinfo"):
        if not shutil.which(tool):
            sys.exit(f"SKIP: {tool} is not installed (apt-get install poppler-utils)")
    with tempfile.TemporaryDirectory() as tmp:
        sets = [
            ("fixtures", sorted(glob.glob(os.path.join(REPO, "tests/fixtures/documents/**/*.pdf"), recursive=True))),
            ("pypdf resources", pypdf_resources()),
            ("/usr/share/doc", usr_share_doc(tmp)),
        ]
        rows = [measure(name, files, args.trove, args.limit_s) for name, files in sets if files]
    print("| set | files | pages | read | skipped | failed | panics | hangs | read by pdftotext only "
          "| word recall | mean F1 | median F1 | trove pages/s | pdftotext pages/s |")
    print("|---|" + "---|" * 13)
    for r in rows:
        print(f"| {r['set']} | {r['files']} | {r['pages']} | {r['read']} | {r['skipped']} | "
              f"{r['failed']} | {r['panics']} | {r['timeouts']} | {r['pdftotext_only']} | "
              f"{r['recall']:.3f} | {r['f1']:.3f} | {r['median_f1']:.3f} | "
              f"{r['trove_pages_s']:.0f} | {r['pdftotext_pages_s']:.0f} |")
    print()
    for r in rows:
        for reason, n in r["reasons"].items():
            print(f"- {r['set']}: {n} x {reason}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
