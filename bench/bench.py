#!/usr/bin/env python3
"""trove's benchmark harness: trove against tantivy-cli, Xapian (omindex + quest),
Lucene 8 (demo IndexFiles / SearchFiles) and ripgrep, on the same documents in the
same run.

Run it through bench/run.sh, which installs the peers first. Everything it makes goes to
bench/work/ (ignored by git); it writes bench/RESULTS.md, bench/results.json and
bench/scaling.png.
"""

import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
WORK = BENCH / "work"
DATA = ROOT.parent / "shared" / "data"
RELEASE = ROOT / "target" / "release" / "trove"


def installed_copy(built, copy):
    """`copy` of the trove at `built`, made again when the build is newer: trove is timed
    as `cargo install` leaves it, a copy. The linker writes its output through a map,
    and until those pages leave the page cache a process started from that file faults
    them in 4 KiB at a time: 30-40% slower as a whole process than a copy, which the
    cache holds in large pieces (bench/RESULTS.md, "Start-up")."""
    if built.exists() and (not copy.exists() or copy.stat().st_mtime < built.stat().st_mtime):
        copy.parent.mkdir(parents=True, exist_ok=True)
        tmp = copy.with_suffix(".tmp")
        shutil.copy2(built, tmp)
        os.replace(tmp, copy)
    return copy if copy.exists() else built


TROVE = installed_copy(RELEASE, WORK / "bin" / "trove")
LUCENE_JARS = [
    "/usr/share/java/lucene-core-8.7.0.jar",
    "/usr/share/java/lucene-demo-8.7.0.jar",
    "/usr/share/java/lucene-analyzers-common-8.7.0.jar",
    "/usr/share/java/lucene-queryparser-8.7.0.jar",
]
THREADS = 2

# A fixed set of real queries, by kind. The words occur in the news sets and SciFact.
QUERIES = {
    "one term": ["oil", "government", "protein", "election", "football"],
    "two terms": ["oil prices", "interest rates", "gene expression", "prime minister", "stock market"],
    "phrase": ['"interest rates"', '"prime minister"', '"stem cells"', '"oil prices"', '"central bank"'],
}
DATED_QUERY = ("oil", "1987-03", "1987-04")  # trove only: --since/--until


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def measured(cmd, stdin=None, cwd=None):
    """Wall, CPU and peak RSS of one command (GNU time), and the peak of its anonymous
    memory (heap and stacks, sampled from /proc every 20 ms) apart from file-backed
    pages (mapped index files, which the kernel can drop at any time)."""
    stats = WORK / "time.txt"
    full = ["/usr/bin/time", "-f", "%e %U %S %M", "-o", str(stats)] + cmd
    anon = 0
    with open(stdin, "rb") if stdin else open(os.devnull, "rb") as inp:
        proc = subprocess.Popen(full, stdin=inp, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, cwd=cwd)
        while proc.poll() is None:
            anon = max(anon, anon_kb_of_tree(proc.pid))
            time.sleep(0.02)
        if proc.returncode != 0:
            raise subprocess.CalledProcessError(proc.returncode, full)
    wall, user, sys_, rss = stats.read_text().split()[-4:]
    return {"wall": float(wall), "cpu": float(user) + float(sys_), "rss_mb": int(rss) / 1024,
            "anon_mb": anon / 1024}


def anon_kb_of_tree(pid):
    """RssAnon of `pid`'s children (GNU time's child is the measured program), in KiB."""
    total = 0
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return 0
    for child in children:
        try:
            for line in Path(f"/proc/{child}/status").read_text().splitlines():
                if line.startswith("RssAnon:"):
                    total += int(line.split()[1])
        except OSError:
            pass
        total += anon_kb_of_tree(int(child))
    return total


def warm(*paths):
    """Reads `paths` (files or folders) once, untimed, so that every tool starts with its
    input in the page cache: this machine's DAMON pages out file pages untouched for a
    minute, and a corpus read cold from disk measures the disk, not the tool."""
    for p in paths:
        if p.is_dir():
            subprocess.run(f"find '{p}' -type f -print0 | xargs -0 cat > /dev/null", shell=True,
                           check=False)
        elif p.exists():
            subprocess.run(["cat", str(p)], stdout=subprocess.DEVNULL, check=False)


def dir_bytes(path):
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file())


# ---------------------------------------------------------------- corpora

# Written into each corpus folder's .done: a corpus made by an older harness (another
# layout) is made again, and so are the corpora, JSON lines and indexes made from it.
CORPUS_VERSION = "2: Reuters files carry their date line\n"


def corpus_current(path):
    done = path / ".done"
    return done.exists() and done.read_text() == CORPUS_VERSION


def base_corpus():
    """The news folders, plus Reuters and SciFact records as one text file each
    (title line, blank line, for Reuters its date line and a blank line, body), so
    every tool reads the same files. The date line is text to every tool; trove reads
    it as the document's date, which the dated query filters on."""
    base = WORK / "corpus-1x"
    if corpus_current(base):
        return base
    # Everything made from an older base goes with it.
    for old in WORK.glob("corpus-*"):
        if old.is_dir():
            shutil.rmtree(old)
        else:
            old.unlink()
    for old in WORK.glob("index-*"):
        shutil.rmtree(old)
    base.mkdir(parents=True)
    news = DATA / "news"
    shutil.copytree(news / "bbc", base / "bbc")
    shutil.copytree(news / "20news", base / "20news")
    for name, path, title_key, body_key, id_key, date_key in [
        ("reuters", news / "reuters21578.jsonl", "title", "body", "id", "date"),
        ("scifact", DATA / "eval" / "scifact" / "corpus.jsonl", "title", "text", "_id", None),
    ]:
        out = base / name
        out.mkdir()
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f):
                rec = json.loads(line)
                if not (rec.get(title_key) or rec.get(body_key)):
                    continue  # nothing to search (737 Reuters records)
                sub = out / f"{n // 1000:03d}"
                sub.mkdir(exist_ok=True)
                date = (rec.get(date_key) or "").strip() if date_key else ""
                dateline = f"{date}\n\n" if date else ""
                text = f"{rec.get(title_key) or ''}\n\n{dateline}{rec.get(body_key) or ''}\n"
                (sub / f"{rec[id_key]}.txt").write_text(text, encoding="utf-8")
    (base / ".done").write_text(CORPUS_VERSION)
    return base


def scaled_corpus(scale):
    """`scale` copies of the base corpus side by side (distinct paths, so distinct
    documents for every tool)."""
    base = base_corpus()
    if scale == 1:
        return base
    path = WORK / f"corpus-{scale}x"
    if corpus_current(path):
        return path
    if path.exists():
        shutil.rmtree(path)
    path.mkdir()
    for k in range(scale):
        shutil.copytree(base, path / f"copy{k + 1}", ignore=shutil.ignore_patterns(".done"))
    (path / ".done").write_text(CORPUS_VERSION)
    return path


def corpus_jsonl(corpus):
    """The same documents as JSON lines for tantivy-cli (title, body), made by
    `trove parse` so both get the same text. Not counted against anyone."""
    out = corpus.with_suffix(".jsonl")
    if out.exists():
        return out
    tmp = out.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        proc = subprocess.Popen([str(TROVE), "parse", "--json", str(corpus)], stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, text=True)
        for line in proc.stdout:
            doc = json.loads(line)
            f.write(json.dumps({"title": doc["title"], "body": doc["body"]}) + "\n")
        code = proc.wait()
    if code not in (0, 1, 2):
        # A crashed conversion (killed, panicked) must not be kept as the peer's input;
        # exit 2 is files trove could not read, which trove's own index lacks too.
        tmp.unlink()
        raise SystemExit(f"trove parse {corpus} failed (exit {code})")
    if code == 2:
        log(f"   trove parse: some files of {corpus} could not be read (tantivy-cli gets the rest, as trove indexes the rest)")
    tmp.rename(out)
    return out


# ---------------------------------------------------------------- tools

class Tool:
    name = ""
    supports = ("one term", "two terms", "phrase")
    index_runs = 1
    # Another tool whose index this one searches (it builds none itself).
    index_of = None

    def available(self):
        return True

    def index(self, corpus, dest):
        raise NotImplementedError

    def search_cmd(self, dest, corpus, query):
        raise NotImplementedError

    def batch(self, dest, queries):
        """Mean seconds per query inside one process, or None."""
        return None


class Trove(Tool):
    name = "trove"
    index_runs = 3
    supports = ("one term", "two terms", "phrase", "dated")
    bin = TROVE

    def index(self, corpus, dest):
        return measured([str(self.bin), "--index", str(dest), "index", "--quiet",
                         "--threads", str(THREADS), str(corpus)])

    def search_cmd(self, dest, corpus, query):
        if isinstance(query, tuple):
            word, since, until = query
            return [str(self.bin), "--index", str(dest), "search", "--color", "never",
                    "--since", since, "--until", until, word]
        return [str(self.bin), "--index", str(dest), "search", "--color", "never", query]

    def batch(self, dest, queries):
        qfile = WORK / "queries.txt"
        reps = 20
        qfile.write_text("\n".join(q for q in queries for _ in range(reps)) + "\n")
        start = time.perf_counter()
        run([str(self.bin), "--index", str(dest), "search", "--batch", str(qfile), "--fields",
             "query_id,rank,id,title,snippet"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return (time.perf_counter() - start) / (len(queries) * reps)


class TroveJsonl(Trove):
    """trove reading the very JSON lines tantivy-cli gets: the engines side by side on
    the same input, apart from trove's reading of the files themselves."""
    name = "trove-jsonl"
    supports = ()

    def index(self, corpus, dest):
        return super().index(corpus_jsonl(corpus), dest)

    def batch(self, dest, queries):
        return None


class TantivyCli(Tool):
    name = "tantivy-cli"
    index_runs = 3

    def __init__(self):
        self.bin = shutil.which("tantivy") or str(BENCH / ".peers" / "bin" / "tantivy")

    def available(self):
        return Path(self.bin).exists()

    def index(self, corpus, dest):
        jsonl = corpus_jsonl(corpus)
        dest.mkdir(parents=True)
        # Title and body: English stemming, positions, stored, as trove has them.
        field = {"indexing": {"record": "position", "fieldnorms": True, "tokenizer": "en_stem"},
                 "stored": True, "fast": False}
        meta = {"index_settings": {"docstore_compression": "lz4", "docstore_blocksize": 16384},
                "segments": [], "schema": [
                    {"name": "title", "type": "text", "options": field},
                    {"name": "body", "type": "text", "options": field}],
                "opstamp": 0}
        (dest / "meta.json").write_text(json.dumps(meta))
        return measured([self.bin, "index", "-i", str(dest), "-t", str(THREADS)], stdin=jsonl)

    def search_cmd(self, dest, corpus, query):
        # No shell: the command itself. tantivy-cli's `search` has no top-k: it prints every
        # match, unranked, so its column is not a ranked top-10 and no ratio is taken to it.
        return [self.bin, "search", "-i", str(dest), "-q", query]


class Xapian(Tool):
    name = "xapian"

    def available(self):
        return bool(shutil.which("omindex") and shutil.which("quest"))

    def index(self, corpus, dest):
        # The 20news messages have bare numbers for names; by default omindex asks
        # libmagic, finds message/rfc822 and runs a Perl filter process per message
        # (1,410 s at 1x when tried). Read them as plain text, as the brief's 19 s
        # figure did: less work for Xapian than trove's e-mail parsing.
        return measured(["omindex", "--db", str(dest), "--url", "/",
                         "-G", "[0-9]*:text/plain", str(corpus)])

    def search_cmd(self, dest, corpus, query):
        return ["quest", "-d", str(dest), "-m", "10", query]


class Lucene(Tool):
    name = "lucene8"

    def available(self):
        return bool(shutil.which("java")) and all(Path(j).exists() for j in LUCENE_JARS)

    def cp(self):
        return ":".join(LUCENE_JARS)

    def index(self, corpus, dest):
        return measured(["java", "-cp", self.cp(), "org.apache.lucene.demo.IndexFiles",
                         "-index", str(dest), "-docs", str(corpus)])

    def search_cmd(self, dest, corpus, query):
        return ["java", "-cp", self.cp(), "org.apache.lucene.demo.SearchFiles", "-index",
                str(dest), "-query", query]

    def batch(self, dest, queries):
        qfile = WORK / "lucene-queries.txt"
        qfile.write_text("\n".join(queries) + "\n")
        reps = 20
        out = subprocess.run(["java", "-cp", self.cp(), "org.apache.lucene.demo.SearchFiles",
                              "-index", str(dest), "-queries", str(qfile), "-repeat", str(reps)],
                             check=True, capture_output=True, text=True).stdout
        times = [int(l.split()[1].rstrip("ms")) for l in out.splitlines() if l.startswith("Time:")]
        return sum(times) / 1000 / (len(times) * reps) if times else None


class Ripgrep(Tool):
    name = "ripgrep"

    def available(self):
        return bool(shutil.which("rg"))

    def index(self, corpus, dest):
        return None  # no index

    def search_cmd(self, dest, corpus, query):
        pattern = query.strip('"')
        return ["rg", "-i", "-l", "-F", pattern, str(corpus)]


def shlex_quote(s):
    import shlex
    return shlex.quote(s)


# ---------------------------------------------------------------- measuring

def latency(cmd, runs):
    """p50 and p95 of the whole command, in seconds, from hyperfine: at least `runs` runs
    and 3 seconds (a few-millisecond command runs about a thousand times: twenty runs
    left its p50 10-20% apart from one run of the harness to the next), started without a
    shell (-N: hyperfine's correction for the shell's start is coarser than the
    differences measured here)."""
    out = WORK / "hyperfine.json"
    run(["hyperfine", "-N", "--warmup", "5", "--min-runs", str(runs), "--ignore-failure", "--style", "none",
         "--export-json", str(out), "--", " ".join(shlex_quote(c) for c in cmd)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    times = sorted(json.loads(out.read_text())["results"][0]["times"])
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    return statistics.median(times), p95


def machine():
    cpu = "unknown"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = 0
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal"):
                mem = int(line.split()[1]) // 1024 // 1024
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": mem, "kernel": platform.release(),
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}


def versions(tools):
    v = {}
    def first_line(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True).stdout.splitlines()[0]
        except Exception:
            return "?"
    v["trove"] = first_line([str(TROVE), "--version"])
    v["xapian"] = first_line(["omindex", "--version"]) if shutil.which("omindex") else "-"
    v["ripgrep"] = first_line(["rg", "--version"]) if shutil.which("rg") else "-"
    v["lucene"] = "8.7.0 (Debian liblucene8-java, demo IndexFiles/SearchFiles)"
    t = TantivyCli()
    v["tantivy-cli"] = first_line([t.bin, "--version"]) if t.available() else "-"
    return v


def index_all(to_index, corpus, files, raw, runs):
    """Indexes with each tool of `to_index` ((tool, dest, result) triples), filling in each
    result's "index" (its best run) and "index_bytes". The tools indexed once go first;
    the quick ones then run `runs` times in rounds, each tool in turn, and keep their best
    run: one run on a shared 2-core machine is at the mercy of its neighbours, and
    rounds compare the tools under the same conditions, not minutes apart."""
    order = sorted(to_index, key=lambda t: t[0].index_runs > 1)
    best, walls, failed = {}, {}, set()
    for attempt in range(max(runs, 1)):
        for tool, dest, r in order:
            n = runs if tool.index_runs > 1 else 1
            if attempt >= n or tool.name in failed:
                continue
            log(f"   {tool.name}: indexing" + (f", run {attempt + 1} of {n}" if n > 1 else ""))
            if dest.exists():
                shutil.rmtree(dest)
            warm(corpus, corpus.with_suffix(".jsonl"))
            one = tool.index(corpus, dest)
            if one is None:
                failed.add(tool.name)
                continue
            walls.setdefault(tool.name, []).append(one["wall"])
            if tool.name not in best or one["wall"] < best[tool.name]["wall"]:
                best[tool.name] = one
    for tool, dest, r in order:
        m = best.get(tool.name)
        if m is None:
            continue
        m["walls"] = walls[tool.name]
        m["docs_per_s"] = files / m["wall"] if m["wall"] else None
        m["mb_per_s"] = raw / 1e6 / m["wall"] if m["wall"] else None
        r["index"] = m
        r["index_bytes"] = dir_bytes(dest)


# Rows no longer measured, dropped from earlier results: "trove-static" was the static
# build beside the default one, until the default build became static (build.rs).
RETIRED = {"trove-static"}


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--scales", default="1,2,4,8", help="corpus copies to measure (default 1,2,4,8)")
    ap.add_argument("--runs", type=int, default=20,
                    help="hyperfine runs per query, at least (and at least 3 seconds of them)")
    ap.add_argument("--tools", default="trove,trove-jsonl,tantivy-cli,xapian,lucene8,ripgrep")
    ap.add_argument("--merge", action="store_true",
                    help="keep the other tools' numbers from results.json (each tool's "
                         "entry says when it was measured)")
    ap.add_argument("--queries-only", default="",
                    help="tools (comma-separated) whose indexes from the last run are kept: "
                         "only their queries are timed again, beside the others (with --merge)")
    ap.add_argument("--index-runs", type=int, default=3,
                    help="best of N indexing runs for trove and tantivy-cli (default 3)")
    args = ap.parse_args()
    if not DATA.is_dir():
        log("skipped: ../shared/data not found")
        return 0
    WORK.mkdir(parents=True, exist_ok=True)
    scales = [int(s) for s in args.scales.split(",")]
    all_tools = [Trove(), TroveJsonl(), TantivyCli(), Xapian(), Lucene(), Ripgrep()]
    wanted = set(args.tools.split(","))
    tools = []
    for t in all_tools:
        if t.name not in wanted:
            continue
        if t.available():
            tools.append(t)
        else:
            log(f"note: {t.name} is not installed; skipped")
    results = {"machine": machine(), "versions": versions(tools), "threads": THREADS, "scales": {}}
    version = CORPUS_VERSION.strip()
    previous = {}
    if args.merge and (BENCH / "results.json").exists():
        previous = json.loads((BENCH / "results.json").read_text())
        results["versions"] = {**previous.get("versions", {}), **results["versions"]}
    queries_only = set(filter(None, args.queries_only.split(",")))
    for scale in scales:
        corpus = scaled_corpus(scale)
        files = sum(1 for f in corpus.rglob("*") if f.is_file() and f.name != ".done")
        raw = dir_bytes(corpus)
        log(f"== {scale}x: {files} files, {raw / 1e6:.1f} MB")
        entry = {"files": files, "bytes": raw, "corpus": version, "tools": {}}
        before = previous.get("scales", {}).get(str(scale), {})
        # Numbers kept from an earlier run count only if they were measured on this very
        # corpus (same harness corpus version, same files and bytes).
        same_corpus = (before.get("corpus") == version and before.get("files") == files
                       and before.get("bytes") == raw)
        if before and not same_corpus:
            log(f"   earlier results for {scale}x were measured on another corpus: not kept")
            before = {}
        for name, r in before.get("tools", {}).items():
            if name not in wanted and name not in RETIRED:
                r.setdefault("measured_at", previous["machine"]["date"])
                entry["tools"][name] = r
        # Every tool indexes first; then the queries are timed query by query, each tool in
        # turn, so that the tools' latencies for one query are measured seconds apart, not
        # minutes (this machine's speed drifts by 10% or more over minutes).
        timed, to_index = [], []
        for tool in tools:
            if tool.index_of:
                dest = WORK / f"index-{tool.index_of}-{scale}x"
                r = {"index_of": tool.index_of, "queries": {},
                     "measured_at": results["machine"]["date"]}
                entry["tools"][tool.name] = r
                timed.append((tool, dest, r))
                continue
            dest = WORK / f"index-{tool.name}-{scale}x"
            old = before.get("tools", {}).get(tool.name, {})
            reuse = tool.name in queries_only and dest.exists() and old.get("index")
            if dest.exists() and not reuse:
                shutil.rmtree(dest)
            r = {}
            if reuse:
                # Its index as the last run built it; its indexing numbers are that run's.
                r["index"], r["index_bytes"] = old["index"], old.get("index_bytes")
                r["indexed_at"] = old.get("indexed_at", old.get("measured_at"))
            if tool.name in ("tantivy-cli", "trove-jsonl"):
                corpus_jsonl(corpus)  # converted before the clock starts
            if reuse:
                log(f"   {tool.name}: kept index")
            else:
                to_index.append((tool, dest, r))
            r["queries"] = {}
            r["measured_at"] = results["machine"]["date"]
            entry["tools"][tool.name] = r
            timed.append((tool, dest, r))
        index_all(to_index, corpus, files, raw, args.index_runs)
        # A tool that searches another's index is timed only beside that tool, on the
        # index it has (or kept) in this run.
        present = {tool.name for tool, _, _ in timed}
        for tool, dest, r in list(timed):
            if tool.index_of and (tool.index_of not in present or not dest.exists()):
                log(f"   {tool.name}: {tool.index_of} is not in this run; skipped")
                timed.remove((tool, dest, r))
                del entry["tools"][tool.name]
        # Every command is run once before it is timed: hyperfine ignores failures (rg
        # exits 1 on no match), and a command that fails would be timed as a fast one.
        for tool, dest, r in list(timed):
            q = QUERIES["one term"][0]
            done = subprocess.run(tool.search_cmd(dest, corpus, q), stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
            if done.returncode not in (0, 1):
                log(f"   {tool.name}: its search failed (exit {done.returncode}); queries skipped")
                timed.remove((tool, dest, r))
        log("   queries, each tool in turn")
        warm(corpus, *(dest for _, dest, _ in timed))
        for kind, queries in list(QUERIES.items()) + [("dated", [None])]:
            samples = {tool.name: ([], []) for tool, _, _ in timed}
            for q in queries:
                for tool, dest, r in timed:
                    if kind not in tool.supports:
                        continue
                    cmd = (tool.search_cmd(dest, corpus, DATED_QUERY) if kind == "dated"
                           else tool.search_cmd(dest, corpus, q))
                    p50, p95 = latency(cmd, args.runs)
                    samples[tool.name][0].append(p50)
                    samples[tool.name][1].append(p95)
            for tool, dest, r in timed:
                p50s, p95s = samples[tool.name]
                if p50s:
                    r["queries"][kind] = {"p50": statistics.median(p50s), "p95": max(p95s)}
        all_queries = [q for qs in QUERIES.values() for q in qs]
        for tool, dest, r in timed:
            b = tool.batch(dest, all_queries)
            if b is not None:
                r["batch_per_query"] = b
            log(f"   {tool.name}: {json.dumps(r)}")
        results["scales"][str(scale)] = entry
        (BENCH / "results.json").write_text(json.dumps(results, indent=2))
    # With --merge, the sizes this run did not measure keep their earlier numbers.
    for scale, entry in previous.get("scales", {}).items():
        if scale not in results["scales"]:
            for r in entry.get("tools", {}).values():
                r.setdefault("measured_at", previous["machine"]["date"])
            results["scales"][scale] = entry
    results["scales"] = dict(sorted(results["scales"].items(), key=lambda kv: int(kv[0])))
    (BENCH / "results.json").write_text(json.dumps(results, indent=2))
    write_report(results)
    plot(results)
    return 0


# ---------------------------------------------------------------- report

def fmt_ms(s):
    return "-" if s is None else (f"{s * 1000:.1f} ms" if s < 10 else f"{s:.1f} s")


def ratio(a, b):
    if a is None or b is None or b == 0:
        return "-"
    return f"{a / b:.2f}"


def peer_note(name, res):
    """What differs in a comparison with a peer, said beside each ratio: its engine and
    version, and its threads against trove's."""
    v = res.get("versions", {})
    t = res.get("threads")
    notes = {
        "tantivy-cli": f"{v.get('tantivy-cli', 'tantivy-cli ?')}, whose minor version is its "
                       f"tantivy's; trove on tantivy 0.27; {t} threads each",
        "trove-jsonl": f"the same trove on JSON lines; {t} threads",
        "xapian": f"Xapian {v.get('xapian', '?')}, 1 thread against trove's {t}",
        "lucene8": f"Lucene 8 demo, 1 thread against trove's {t}",
        "ripgrep": "ripgrep, no index: reads every file per query",
    }
    return notes.get(name, name)


# Peers whose search command is not a ranked top 10: timed, shown, never in a ratio.
UNRANKED = {"tantivy-cli": "its `search` prints every match, unranked: it has no top-k command",
            "ripgrep": "grep prints every matching line: no ranking"}


# The order of the tools in the report's tables.
ORDER = ["trove", "trove-jsonl", "tantivy-cli", "xapian", "lucene8", "ripgrep"]


def write_report(res):
    m = res["machine"]
    for e in res["scales"].values():
        e["tools"] = dict(sorted(e["tools"].items(),
                                 key=lambda kv: ORDER.index(kv[0]) if kv[0] in ORDER else len(ORDER)))
    lines = ["# trove benchmark results", "",
             f"Measured {m['date']} on {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB, "
             f"Linux {m['kernel']}. Made by `bench/run.sh`; raw numbers in `results.json`.", "",
             "Versions: " + "; ".join(f"{k}: {v}" for k, v in res["versions"].items()), "",
             f"Indexing threads: {res['threads']} for trove and tantivy-cli (Xapian and the "
             "Lucene demo index on one thread; ripgrep has no index).", ""]
    for scale, e in res["scales"].items():
        lines += [f"## {scale}x: {e['files']:,} files, {e['bytes'] / 1e6:.1f} MB", "",
                  "| tool | index wall | CPU | peak RSS | of which heap | docs/s | MB/s | index size | size / corpus |",
                  "|---|---|---|---|---|---|---|---|---|"]
        trove = e["tools"].get("trove", {})
        for name, r in e["tools"].items():
            ix = r.get("index")
            if ix:
                size = r.get("index_bytes", 0)
                heap = f"{ix['anon_mb']:.0f} MB" if ix.get("anon_mb") else "-"
                lines.append(f"| {name} | {ix['wall']:.2f} s | {ix['cpu']:.2f} s | {ix['rss_mb']:.0f} MB | {heap} | "
                             f"{ix['docs_per_s']:,.0f} | {ix['mb_per_s']:.1f} | {size / 1e6:.1f} MB | "
                             f"{size / e['bytes']:.2f} |")
            elif r.get("index_of"):
                lines.append(f"| {name} | (searches {r['index_of']}'s index) | | | | | | | |")
            else:
                lines.append(f"| {name} | (no index) | | | | | | | |")
        earlier = [f"{n} at {r['measured_at']}" for n, r in e["tools"].items()
                   if r.get("measured_at") and r["measured_at"] != m["date"]]
        if earlier:
            lines += ["", "Measured in an earlier run of the harness on this machine: "
                      + "; ".join(earlier) + "."]
        reindexed = [f"{n} at {r['indexed_at']}" for n, r in e["tools"].items()
                     if r.get("indexed_at") and r["indexed_at"] != m["date"]]
        if reindexed:
            lines += ["", "Indexed (and its indexing measured) in an earlier run, its queries "
                      "timed in this one: " + "; ".join(reindexed) + "."]
        spreads = [f"{n} {', '.join(f'{w:.2f}' for w in r['index']['walls'])} s"
                   for n, r in e["tools"].items()
                   if r.get("index") and len(r["index"].get("walls", [])) > 1]
        if spreads:
            lines += ["", "Best of several indexing runs (all runs: " + "; ".join(spreads) + ")."]
        lines += ["", "Indexing time, trove / peer: " + "; ".join(
            f"{n} {ratio(trove.get('index', {}).get('wall'), r['index']['wall'])} ({peer_note(n, res)})"
            for n, r in e["tools"].items() if n != "trove" and r.get("index")), ""]
        jsonl, tcli = e["tools"].get("trove-jsonl", {}), e["tools"].get("tantivy-cli", {})
        if jsonl.get("index") and tcli.get("index"):
            lines += ["Same JSON lines in, trove-jsonl / tantivy-cli: "
                      f"{ratio(jsonl['index']['wall'], tcli['index']['wall'])} wall, "
                      f"{ratio(jsonl['index']['cpu'], tcli['index']['cpu'])} CPU "
                      f"({peer_note('tantivy-cli', res)}).", ""]
        kinds = ["one term", "two terms", "phrase", "dated"]
        lines += ["Query latency as a whole process (start, open, search, print 10 hits; p50 / p95 "
                  f"over the queries of each kind, hyperfine; the tools timed in turn, query by query):", "",
                  "| tool | " + " | ".join(kinds) + " | in-process per query |",
                  "|---|" + "---|" * (len(kinds) + 1)]
        for name, r in e["tools"].items():
            if not r.get("queries"):
                continue
            cells = []
            for k in kinds:
                q = r["queries"].get(k)
                cells.append(f"{fmt_ms(q['p50'])} / {fmt_ms(q['p95'])}" if q else "n/a")
            shown = f"{name} (not ranked)" if name in UNRANKED else name
            lines.append(f"| {shown} | " + " | ".join(cells) + f" | {fmt_ms(r.get('batch_per_query'))} |")
        unranked = [f"{n}: {why}" for n, why in UNRANKED.items() if e["tools"].get(n, {}).get("queries")]
        if unranked:
            lines += ["", "Not a ranked top 10, so in no ratio: " + "; ".join(unranked) + "."]
        for own in ("trove",):
            t1 = e["tools"].get(own, {}).get("queries", {}).get("one term", {}).get("p50")
            if t1 is None:
                continue
            lines += ["", f"One-term query p50, {own} / peer: " + "; ".join(
                f"{n} {ratio(t1, r['queries'].get('one term', {}).get('p50'))} ({peer_note(n, res)})"
                for n, r in e["tools"].items()
                if not n.startswith("trove") and n not in UNRANKED and r.get("queries"))]
        lines += [""]
    # Sections written by hand (measurements of other scripts) stay below the marker.
    kept = ""
    report = BENCH / "RESULTS.md"
    if report.exists():
        old = report.read_text()
        at = old.find(HAND_MARKER)
        if at >= 0:
            kept = old[at:]
    report.write_text("\n".join(lines) + "\n" + kept)


HAND_MARKER = "<!-- Below: sections not written by bench/bench.py (it keeps them as they are). -->"


def plot(res):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        log("note: matplotlib not installed; no plot")
        return
    scales = sorted(res["scales"], key=int)
    names = sorted({n for s in scales for n in res["scales"][s]["tools"]})
    fig, (a, b) = plt.subplots(1, 2, figsize=(11, 4.2))
    # One colour per tool in both panels.
    colour = {n: f"C{i}" for i, n in enumerate(names)}
    for n in names:
        xs, ix, q = [], [], []
        for s in scales:
            r = res["scales"][s]["tools"].get(n)
            if not r:
                continue
            xs.append(res["scales"][s]["bytes"] / 1e6)
            ix.append(r["index"]["wall"] if r.get("index") else None)
            q.append(r["queries"].get("one term", {}).get("p50"))
        if any(v is not None for v in ix):
            a.plot([x for x, v in zip(xs, ix) if v is not None], [v for v in ix if v is not None], "o-",
                   label=n, color=colour[n])
        if any(v is not None for v in q):
            b.plot([x for x, v in zip(xs, q) if v is not None], [v * 1000 for v in q if v is not None], "o-",
                   label=n, color=colour[n])
    a.set(title="Indexing time", xlabel="corpus (MB)", ylabel="seconds", yscale="log")
    b.set(title="One-term query, whole process (p50)", xlabel="corpus (MB)", ylabel="ms", yscale="log")
    for ax in (a, b):
        ax.grid(True, alpha=0.3)
        ax.legend()
    fig.tight_layout()
    fig.savefig(BENCH / "scaling.png", dpi=110)


if __name__ == "__main__":
    sys.exit(main())
