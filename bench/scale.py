#!/usr/bin/env python3
"""Scaling benchmark: trove (and tantivy-cli) from 47,000 up to 10,000,000 JSON Lines
records, and trove from 47,000 up to 1,000,000 text files, on records made from the
real news sets and SciFact in ../shared/data.

  python3 bench/scale.py gen --docs N --out DIR    # DIR/docs-00000.jsonl, ... (100,000 a file)
  python3 bench/scale.py gen --files N --out DIR   # DIR/00/000/g0.txt, ... (1,000 a folder)
  python3 bench/scale.py run --series docs --sizes 47000,100000,300000,1000000
  python3 bench/scale.py run --series files --sizes 47000,100000 [--trove PATH]
  python3 bench/scale.py queries --index DIR [--trove PATH]   # the queries again, on DIR
  python3 bench/scale.py report                    # tables from bench/scale.json, plot again

The generator cycles through the 47,095 base records (Reuters, BBC, 20 Newsgroups,
SciFact; shuffled once with a fixed seed), each output record with its own id, date and
source URL. Copies of the same texts add no words, so new words are mixed in at the rate
real collections gain them, Heaps' law V = K * N^beta (N tokens so far): whenever
K * N^beta exceeds the base vocabulary plus the synthetic words so far, the next token
becomes a new pronounceable synthetic word. beta = 0.5 (0.49 on Reuters RCV1, Manning,
Raghavan and Schuetze, Introduction to Information Retrieval, 5.1.1); K (64) is set so
that the curve passes through the base records' own vocabulary (206,725 words in 10.4
million tokens) at the end of one pass, so new words come from the second pass on, at
the rate the real text had reached. (A least-squares fit of the base records' own growth
gives beta 0.59, K 15: over 5 million words at 10 million records, against 3 million.)
For each new word, two tokens become earlier synthetic words, drawn with density
~ age rank^(-2/3): about half the synthetic words then occur once, as 47% of the base
vocabulary does. Same arguments, same bytes.

`run` measures one size at a time: generate, index with trove (and tantivy-cli, docs
series only), re-run trove unchanged, time queries, then delete data and indexes before
the next size. Every measurement waits for a quiet machine first and is taken again (up
to 3 times) when other processes used over 0.1 of a core meanwhile. Results are merged
into bench/scale.json (a size measured again replaces its entry), plotted to
bench/scale.png; progress goes to bench/work/scale.log.
"""

import argparse
import array
import contextlib
import datetime
import glob
import itertools
import json
import math
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402  (the harness: machine description, /proc sampling, queries)

BENCH = bench.BENCH
WORK = BENCH / "work"
SCRATCH = WORK / "scale"
RESULTS = BENCH / "scale.json"
DATA = bench.DATA
THREADS = bench.THREADS
SEED = 20240601
PER_FILE = 100_000           # records per JSON Lines file
PER_FOLDER = 1_000           # files per folder
RECUR_PER_NEW = 2            # earlier synthetic words reused per new one
RECUR_SKEW = 3               # draw index = len * u^3: p(rank) ~ rank^(-2/3)
HEAPS_BETA = 0.5             # Heaps' beta: 0.49 on RCV1 (Manning et al., IR book, 5.1.1)
KEEP_FREE = 10e9             # a size that would leave less free disk is refused
MAX_OTHERS = 0.1             # cores others may use during a measurement before it is redone
DISK_FACTOR = 2.5            # data + two indexes, times the raw bytes
QUERIES = {"one term": bench.QUERIES["one term"], "phrase": bench.QUERIES["phrase"]}
TOKEN = re.compile(r"[^\W_]+")  # letters and digits, as tantivy's simple tokenizer splits
SPLIT = re.compile(r"([^\W_]+)")
EPOCH = datetime.date(1985, 1, 1)
DAYS = 40 * 365


def log(msg):
    line = f"{datetime.datetime.now():%Y-%m-%d %H:%M:%S} {msg}"
    print(line, file=sys.stderr, flush=True)
    WORK.mkdir(parents=True, exist_ok=True)
    with open(WORK / "scale.log", "a") as f:
        f.write(line + "\n")


# ---------------------------------------------------------------- generator

def read_text(path):
    raw = Path(path).read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")  # 20 Newsgroups has Latin-1 posts


def base_records():
    """(title, body) of every base record, in a fixed shuffled order."""
    recs = []
    with open(DATA / "news" / "reuters21578.jsonl", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            if r.get("title") or r.get("body"):
                recs.append((r.get("title") or "", r.get("body") or ""))
    for p in sorted(glob.glob(str(DATA / "news" / "bbc" / "*" / "*.txt"))):
        title, _, body = read_text(p).partition("\n")
        recs.append((title.strip(), body.strip()))
    for p in sorted(glob.glob(str(DATA / "news" / "20news" / "*" / "*" / "*"))):
        head, _, body = read_text(p).partition("\n\n")
        subject = next((h[8:].strip() for h in head.splitlines()
                        if h.lower().startswith("subject:")), "")
        recs.append((subject, body))
    with open(DATA / "eval" / "scifact" / "corpus.jsonl", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            recs.append((r.get("title") or "", r.get("text") or ""))
    recs = [(" ".join(t.split()), b) for t, b in recs]  # a title is one line
    random.Random(SEED).shuffle(recs)
    return recs


class Generator:
    def __init__(self, heaps_k=None, heaps_beta=None):
        self.base = []  # (title, body, title tokens, body tokens, where the body's bounds start)
        # The bodies' token bounds, all in one array: for a body of n tokens, 2n + 1 offsets
        # (separator ends, token ends, ...), so a token is replaced without a new scan.
        self.bounds = array.array("I")
        vocab, tokens, points, mark = set(), 0, [], 1e5
        for title, body in base_records():
            tt, parts = TOKEN.findall(title), SPLIT.split(body)
            bt = parts[1::2]
            vocab.update(map(str.lower, tt))
            vocab.update(map(str.lower, bt))
            tokens += len(tt) + len(bt)
            self.base.append((title, body, len(tt), len(bt), len(self.bounds)))
            self.bounds.extend(itertools.accumulate(map(len, parts)))
            if tokens >= mark:
                points.append((tokens, len(vocab)))
                mark *= 1.25
        points.append((tokens, len(vocab)))
        # beta from the literature, K so that the curve passes through the base records'
        # own vocabulary at the end of one pass: new words come from the second pass on.
        self.beta = heaps_beta if heaps_beta is not None else HEAPS_BETA
        self.k = heaps_k if heaps_k is not None else len(vocab) / tokens ** self.beta
        # For the record: the least-squares fit of log V = log K + beta log N on one pass.
        fit = statistics.linear_regression([math.log(n) for n, _ in points],
                                           [math.log(v) for _, v in points])
        self.fitted = [round(math.exp(fit.intercept), 3), round(fit.slope, 3)]
        self.vocab = vocab
        sample = [self.record(n, b[0], b[1]) for n, b in enumerate(self.base[:2000])]
        self.json_bytes = statistics.fmean(len(json_line(r)) for r in sample)
        self.text_bytes = statistics.fmean(len(text_file(r)) for r in sample)

    @staticmethod
    def record(n, title, body):
        day = EPOCH + datetime.timedelta(days=(n * 2654435761) % DAYS)
        return {"id": f"g{n}", "title": title, "body": body, "date": day.isoformat(),
                "source": f"https://news.example.com/scale/g{n}"}

    def records(self, count, stats):
        """The first `count` records, with synthetic words mixed in; fills `stats`."""
        rng = random.Random(SEED)
        words, uses, made = [], [], set()
        tokens = recur_due = 0
        for n in range(count):
            title, body, nt, nb, at = self.base[n % len(self.base)]
            tokens += nt + nb
            # Words owed by Heaps' law; a record too short to hold them passes them on.
            new = max(0, min(int(self.k * tokens ** self.beta) - len(self.vocab) - len(words), nb))
            recur = min(recur_due, nb - new)
            if new or recur:
                picks = []
                for _ in range(new):
                    w = self.new_word(rng, made)
                    words.append(w)
                    uses.append(1)
                    picks.append(w)
                for _ in range(recur):
                    i = int(len(words) * rng.random() ** RECUR_SKEW)
                    uses[i] += 1
                    picks.append(words[i])
                pieces, prev = [], 0
                for pos, w in sorted(zip(rng.sample(range(nb), len(picks)), picks)):
                    pieces += [body[prev:self.bounds[at + 2 * pos]], w]
                    prev = self.bounds[at + 2 * pos + 1]
                body = "".join(pieces) + body[prev:]
                recur_due += RECUR_PER_NEW * new - recur
            yield self.record(n, title, body)
        stats.update({"records": count, "tokens": tokens, "heaps_k": round(self.k, 3),
                      "heaps_beta": round(self.beta, 4),
                      "heaps_fit_on_base": self.fitted, "base_vocabulary": len(self.vocab),
                      "synthetic_words": len(words),
                      "synthetic_hapax_share": round(uses.count(1) / len(uses), 3) if uses else None,
                      "vocabulary": len(self.vocab) + len(words)})

    def new_word(self, rng, made):
        """A pronounceable word of 5-12 letters, in neither the base vocabulary nor `made`."""
        while True:
            size = rng.randint(5, 12)
            w = ""
            while len(w) < size:
                w += rng.choice("bcdfghjklmnprstvwz") + rng.choice("aeiou")
                if rng.random() < 0.2:
                    w += rng.choice("lnrst")
            w = w[:size]
            if w not in made and w not in self.vocab:
                made.add(w)
                return w


def json_line(rec):
    return (json.dumps(rec, ensure_ascii=False) + "\n").encode("utf-8")


def text_file(rec):
    return f"{rec['title']}\n\n{rec['body']}\n".encode("utf-8")


def generate(gen, kind, count, out):
    """Writes `count` records as JSON Lines files or as text files under `out`; returns
    the generator's statistics with the bytes and files written."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    stats, written, files, f = {}, 0, 0, None
    for rec in gen.records(count, stats):
        n = int(rec["id"][1:])
        if kind == "docs":
            if n % PER_FILE == 0:
                if f:
                    f.close()
                f = open(out / f"docs-{n // PER_FILE:05d}.jsonl", "wb", buffering=1 << 20)
                files += 1
            data = json_line(rec)
            f.write(data)
        else:
            folder = out / f"{n // (PER_FOLDER * PER_FOLDER):02d}" / f"{n // PER_FOLDER % PER_FOLDER:03d}"
            if n % PER_FOLDER == 0:
                folder.mkdir(parents=True, exist_ok=True)
            data = text_file(rec)
            (folder / f"g{n}.txt").write_bytes(data)
            files += 1
        written += len(data)
    if f:
        f.close()
    stats.update({"bytes": written, "files": files})
    return stats


# ---------------------------------------------------------------- measuring

def busy_cpu():
    """CPU seconds the whole machine has spent busy since boot (/proc/stat)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def wait_quiet(what, most=0.15, patience=3600):
    """Waits until the rest of the machine uses under `most` of a core (over 5 s), for at
    most `patience` seconds: on 2 cores, anyone else's work skews every number. Returns
    the seconds waited (none when quiet at once)."""
    start = time.perf_counter()
    while True:
        b0 = busy_cpu()
        time.sleep(5)
        used = (busy_cpu() - b0) / 5
        waited = time.perf_counter() - start
        if used < most or waited > patience:
            if waited > 6:
                log(f"   {what}: waited {waited:.0f} s for a quiet machine (others use {used:.2f} cores)")
            return round(waited) if waited > 6 else 0
        if waited < 6:
            log(f"   {what}: the machine is busy (others use {used:.2f} cores): waiting")
        time.sleep(25)


def measured(cmd, stdin_files=(), out=None):
    """Wall, CPU (user + sys) and peak RSS of one command from GNU time, with the peak of
    its anonymous memory sampled from /proc (heap and stacks, without the mapped index
    files the kernel may drop). `stdin_files` are streamed to its standard input; its
    standard output goes to `out`. Returns the numbers and the exit code."""
    stats = WORK / "scale-time.txt"
    full = ["/usr/bin/time", "-f", "%e %U %S %M", "-o", str(stats)] + [str(c) for c in cmd]
    anon = 0
    with open(out or os.devnull, "wb") as sink:
        proc = subprocess.Popen(full, stdin=subprocess.PIPE if stdin_files else subprocess.DEVNULL,
                                stdout=sink, stderr=subprocess.DEVNULL)
        feeder = threading.Thread(target=feed, args=(proc.stdin, stdin_files), daemon=True)
        if stdin_files:
            feeder.start()
        b0 = busy_cpu()
        while proc.poll() is None:
            anon = max(anon, bench.anon_kb_of_tree(proc.pid))
            time.sleep(0.05)
        b1 = busy_cpu()
        if stdin_files:
            feeder.join()
    wall, user, sys_, rss = stats.read_text().split()[-4:]
    cpu = float(user) + float(sys_)
    # CPU the rest of the machine used meanwhile (this script's sampling included), as
    # cores: near 0 when the numbers are clean.
    others = max(0.0, (b1 - b0 - cpu) / max(float(wall), 0.01))
    return {"wall": float(wall), "cpu": round(cpu, 2), "rss_mb": round(int(rss) / 1024, 1),
            "anon_mb": round(anon / 1024, 1), "others_cores": round(others, 2)}, proc.returncode


def feed(pipe, paths):
    """Streams the files at `paths` into `pipe`, then closes it."""
    with contextlib.suppress(BrokenPipeError), pipe:
        for path in paths:
            with open(path, "rb") as f:
                shutil.copyfileobj(f, pipe, 1 << 20)


def latency(cmds, runs=20, warmups=3, budget=10.0):
    """p50 and p95 over all runs of all `cmds` (each a whole process: start, open, search,
    print), timed with perf_counter after `warmups` untimed runs. A command slower than
    budget / runs seconds runs fewer times (at least 3), about `budget` seconds."""
    samples, counts = [], []
    b0, c0, began = busy_cpu(), children_cpu(), time.perf_counter()
    for cmd in cmds:
        for _ in range(warmups):
            t0 = time.perf_counter()
            done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            took = time.perf_counter() - t0
            if done.returncode not in (0, 1):
                raise RuntimeError(f"{cmd} failed (exit {done.returncode})")
        n = max(3, min(runs, int(budget / max(took, 1e-9))))
        for _ in range(n):
            t0 = time.perf_counter()
            subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            samples.append(time.perf_counter() - t0)
        counts.append(n)
    others = (busy_cpu() - b0 - (children_cpu() - c0)) / (time.perf_counter() - began)
    samples.sort()
    return {"p50": round(statistics.median(samples), 5),
            "p95": round(samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))], 5),
            "runs": counts, "others_cores": round(max(0.0, others), 2)}


def children_cpu():
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def tree_bytes(path):
    return int(subprocess.run(["du", "-sb", str(path)], capture_output=True, text=True,
                              check=True).stdout.split()[0])


def doc_count(index):
    """Documents in a tantivy index, from its meta.json."""
    meta = json.loads((Path(index) / "meta.json").read_text())
    return sum(s["max_doc"] - (s.get("deletes") or {}).get("num_deleted_docs", 0)
               for s in meta["segments"])


def tantivy_meta(dest):
    """tantivy-cli's schema, as bench.py gives it: title and body, English stemming,
    positions, stored. Other fields of a record are ignored by tantivy's JSON reader,
    so it reads the very files trove reads."""
    field = {"indexing": {"record": "position", "fieldnorms": True, "tokenizer": "en_stem"},
             "stored": True, "fast": False}
    meta = {"index_settings": {"docstore_compression": "lz4", "docstore_blocksize": 16384},
            "segments": [], "schema": [{"name": "title", "type": "text", "options": field},
                                       {"name": "body", "type": "text", "options": field}],
            "opstamp": 0}
    dest.mkdir(parents=True)
    (dest / "meta.json").write_text(json.dumps(meta))


def derive(r, docs, raw):
    ix = r["index"]
    ix["docs_per_s"] = round(docs / ix["wall"]) if ix["wall"] else None
    r["bytes_per_doc"] = round(r["index_bytes"] / docs, 1)
    r["index_over_raw"] = round(r["index_bytes"] / raw, 3)


def measure(gen, series, size, trove, tantivy):
    for old in (SCRATCH / "data", SCRATCH / "index-trove", SCRATCH / "index-tantivy"):
        shutil.rmtree(old, ignore_errors=True)
    SCRATCH.mkdir(parents=True, exist_ok=True)
    per = gen.json_bytes if series == "docs" else gen.text_bytes + 4096  # a block a file
    need = DISK_FACTOR * per * size
    free = shutil.disk_usage(SCRATCH).free
    if free - need < KEEP_FREE:
        log(f"{series} {size}: refused: needs about {need / 1e9:.1f} GB, "
            f"{free / 1e9:.1f} GB free, {KEEP_FREE / 1e9:.0f} GB must stay free")
        return None
    start, waited = time.perf_counter(), [0]

    def clean(what, step):
        """`step()` on a quiet machine, again (up to 3 times) while someone else's work
        took more than MAX_OTHERS of a core meanwhile."""
        for _ in range(3):
            waited[0] += wait_quiet(f"{series} {size}: {what}")
            result = step()
            m = result[0] if isinstance(result, tuple) else result
            worst = max(q["others_cores"] for q in m.values()) if what.endswith("queries") \
                else m["others_cores"]
            if worst <= MAX_OTHERS:
                break
            log(f"   {series} {size}: {what}: others used {worst:.2f} cores meanwhile: again")
        return result

    data = SCRATCH / "data"
    log(f"{series} {size}: generating (about {per * size / 1e9:.2f} GB)")
    t0 = time.perf_counter()
    g = generate(gen, series, size, data)
    g["wall"] = round(time.perf_counter() - t0, 1)
    log(f"{series} {size}: generated {g['bytes'] / 1e6:.0f} MB in {g['wall']} s: {json.dumps(g)}")
    raw = g["bytes"]
    entry = {"documents": size, "raw_bytes": raw, "input_files": g["files"], "generator": g,
             "measured_at": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}

    # trove: first run, then the same command again (nothing changed).
    dest = SCRATCH / "index-trove"
    cmd = [trove, "index", "--index", dest, data, "--json", "--threads", THREADS]
    r = {}
    for key in ("index", "rerun"):
        out = WORK / f"scale-trove-{key}.json"

        def step():
            if key == "index":
                shutil.rmtree(dest, ignore_errors=True)
            bench.warm(data)
            log(f"{series} {size}: trove index ({'first run' if key == 'index' else 'unchanged re-run'})")
            return measured(cmd, out=out)
        m, code = clean(f"trove {key}", step)
        summary = json.loads(out.read_text() or "{}")
        m.update({k: summary.get(k) for k in ("documents", "unchanged", "files", "failed",
                                               "bad_records", "commits")})
        m["exit"] = code
        r[key] = m
        log(f"{series} {size}: trove {key}: {json.dumps(m)}")
        if code not in (0, 2):
            raise SystemExit(f"trove index failed (exit {code})")
    r["index_bytes"] = tree_bytes(dest)
    r["documents_indexed"] = doc_count(dest)
    derive(r, size, raw)
    bench.warm(dest)
    r["queries"] = clean("trove queries", lambda: {
        kind: latency([[trove, "search", "--index", dest, "--json", "-n", "10", q] for q in qs])
        for kind, qs in QUERIES.items()})
    log(f"{series} {size}: trove queries: {json.dumps(r['queries'])}")
    entry["trove"] = r
    shutil.rmtree(dest)

    if series == "docs" and tantivy:
        dest = SCRATCH / "index-tantivy"
        inputs = sorted(data.glob("docs-*.jsonl"))

        def step():
            shutil.rmtree(dest, ignore_errors=True)
            tantivy_meta(dest)
            bench.warm(data)
            log(f"{series} {size}: tantivy-cli index")
            return measured([tantivy, "index", "-i", dest, "-t", THREADS], stdin_files=inputs)
        m, code = clean("tantivy-cli index", step)
        m["exit"] = code
        t = {"index": m, "index_bytes": tree_bytes(dest), "documents_indexed": doc_count(dest)}
        log(f"{series} {size}: tantivy-cli index: {json.dumps(m)}")
        if code == 0:
            derive(t, size, raw)
            bench.warm(dest)
            # tantivy-cli's `search` prints every match, unranked (no top-k).
            t["queries"] = clean("tantivy-cli queries", lambda: {
                kind: latency([[tantivy, "search", "-i", dest, "-q", q] for q in qs])
                for kind, qs in QUERIES.items()})
            log(f"{series} {size}: tantivy-cli queries: {json.dumps(t['queries'])}")
        entry["tantivy-cli"] = t
        shutil.rmtree(dest)
    shutil.rmtree(data)
    entry["waited_for_quiet"] = waited[0]
    entry["total_wall"] = round(time.perf_counter() - start - waited[0], 1)
    log(f"{series} {size}: done in {entry['total_wall']} s (and {waited[0]} s waiting)")
    return entry


def load_results():
    return json.loads(RESULTS.read_text()) if RESULTS.exists() else {"series": {}}


def cmd_run(args):
    trove = str(Path(args.trove).resolve())
    tantivy = shutil.which("tantivy") or str(BENCH / ".peers" / "bin" / "tantivy")
    if args.series != "docs" or args.no_tantivy or not Path(tantivy).exists():
        if args.series == "docs" and not args.no_tantivy:
            log("note: tantivy-cli is not installed (bench/run.sh installs it); skipped")
        tantivy = None
    log(f"run: {args.series} {args.sizes} with {trove}")
    gen = Generator(args.heaps_k, args.heaps_beta)
    for size in (int(s) for s in args.sizes.split(",")):
        entry = measure(gen, args.series, size, trove, tantivy)
        if entry is None:
            continue
        res = load_results()
        res["machine"] = bench.machine()
        res["threads"] = THREADS
        for name, exe in (("trove", trove), ("tantivy-cli", tantivy)):
            if exe:
                res.setdefault("versions", {})[name] = subprocess.run(
                    [exe, "--version"], capture_output=True, text=True).stdout.strip()
        runs = res["series"].setdefault(args.series, {})
        runs[str(size)] = entry
        res["series"][args.series] = dict(sorted(runs.items(), key=lambda kv: int(kv[0])))
        RESULTS.write_text(json.dumps(res, indent=2) + "\n")
        plot(res)
    return 0


# ---------------------------------------------------------------- report

def ms(q):
    return f"{q['p50'] * 1000:.1f} / {q['p95'] * 1000:.1f} ms" if q else "-"


def report(res):
    lines = []
    m = res.get("machine", {})
    if m:
        lines += [f"Measured on {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB; "
                  f"{res.get('threads')} indexing threads for each tool. "
                  + "; ".join(f"{k}: {v}" for k, v in res.get("versions", {}).items()) + ".", ""]
    for series, runs in res["series"].items():
        what = "JSON Lines records" if series == "docs" else "text files"
        lines += [f"### {series} series: {what}", "",
                  "| documents | raw MB | tool | index wall | CPU | peak RSS | of which heap | docs/s "
                  "| index MB | bytes/doc | index/raw | others' CPU |",
                  "|---|---|---|---|---|---|---|---|---|---|---|---|"]
        for size, e in runs.items():
            for tool in ("trove", "tantivy-cli"):
                r = e.get(tool)
                if not r:
                    continue
                ix = r["index"]
                lines.append(
                    f"| {int(size):,} | {e['raw_bytes'] / 1e6:,.0f} | {tool} | {ix['wall']:.1f} s | "
                    f"{ix['cpu']:.1f} s | {ix['rss_mb']:,.0f} MB | {ix['anon_mb']:,.0f} MB | "
                    f"{ix.get('docs_per_s') or 0:,} | {r['index_bytes'] / 1e6:,.0f} | "
                    f"{r.get('bytes_per_doc', 0):,.0f} | {r.get('index_over_raw', 0):.2f} | "
                    f"{ix.get('others_cores', 0):.2f} |")
        lines += ["", "| documents | trove re-run (unchanged): wall / CPU / peak RSS | trove one term "
                  "p50 / p95 | trove phrase p50 / p95 | tantivy-cli one term | tantivy-cli phrase "
                  "| generate | whole size (no waits) |", "|---|---|---|---|---|---|---|---|"]
        for size, e in runs.items():
            t, c = e["trove"], e.get("tantivy-cli", {})
            rr = t["rerun"]
            lines.append(
                f"| {int(size):,} | {rr['wall']:.2f} s / {rr['cpu']:.2f} s / {rr['rss_mb']:,.0f} MB | "
                f"{ms(t['queries']['one term'])} | {ms(t['queries']['phrase'])} | "
                f"{ms(c.get('queries', {}).get('one term'))} | {ms(c.get('queries', {}).get('phrase'))} | "
                f"{e['generator']['wall']:.0f} s | {e['total_wall']:.0f} s |")
        fits = []
        for tool in ("trove", "tantivy-cli"):
            for key in ("index", "rerun"):
                done = [(int(s), e[tool][key]) for s, e in runs.items() if e.get(tool, {}).get(key)]
                if len(done) > 1:
                    rss, heap = (statistics.linear_regression(
                        [n for n, _ in done], [m[f] * 2 ** 20 for _, m in done]).slope
                        for f in ("rss_mb", "anon_mb"))
                    fits.append(f"{tool} {'first run' if key == 'index' else 're-run'} "
                                f"{rss:,.0f} ({heap:,.0f})")
        if fits:
            lines += ["", "Peak RSS (and heap) against documents, least-squares slope in bytes "
                      "per document: " + "; ".join(fits) + "."]
        lines.append("")
    return "\n".join(lines)


def plot(res):
    try:
        import matplotlib
    except ImportError:
        cache = BENCH / ".cache" / "py"
        if not cache.exists():
            subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--target", str(cache),
                            "matplotlib"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        sys.path.insert(0, str(cache))
        try:
            import matplotlib
        except ImportError:
            log("note: matplotlib could not be installed; no plot")
            return
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, (a, b) = plt.subplots(1, 2, figsize=(11, 4.2))
    for i, (series, tool) in enumerate([("docs", "trove"), ("docs", "tantivy-cli"), ("files", "trove")]):
        runs = res["series"].get(series, {})
        pts = [(int(s), e[tool]["index"]) for s, e in runs.items() if e.get(tool)]
        if not pts:
            continue
        label = f"{tool}, {'JSON Lines' if series == 'docs' else 'files'}"
        xs = [x for x, _ in pts]
        a.plot(xs, [m["wall"] for _, m in pts], "o-", color=f"C{i}", label=label)
        b.plot(xs, [m["rss_mb"] for _, m in pts], "o-", color=f"C{i}", label=label)
        b.plot(xs, [m["anon_mb"] for _, m in pts], "x--", color=f"C{i}", label=f"{label}: heap")
    a.set(title="Indexing wall time", xlabel="documents", ylabel="seconds")
    b.set(title="Peak RSS (heap dashed) while indexing", xlabel="documents", ylabel="MB")
    for ax in (a, b):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize="small")
    fig.tight_layout()
    fig.savefig(BENCH / "scale.png", dpi=110)
    plt.close(fig)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("gen", help="write generated records")
    kind = g.add_mutually_exclusive_group(required=True)
    kind.add_argument("--docs", type=int, help="N records as JSON Lines files")
    kind.add_argument("--files", type=int, help="N text files in nested folders")
    g.add_argument("--out", required=True)
    r = sub.add_parser("run", help="measure sizes, one at a time")
    r.add_argument("--series", choices=("docs", "files"), required=True)
    r.add_argument("--sizes", default="47000,100000,300000,1000000")
    r.add_argument("--trove", default=str(bench.TROVE), help="the trove binary (default: a copy of target/release/trove, as bench.py times it)")
    r.add_argument("--no-tantivy", action="store_true", help="trove only")
    for p in (g, r):
        p.add_argument("--heaps-k", type=float, help="Heaps' K (default: the curve passes "
                       "through the base records' own vocabulary)")
        p.add_argument("--heaps-beta", type=float, help=f"Heaps' beta (default {HEAPS_BETA})")
    sub.add_parser("report", help="Markdown tables from bench/scale.json (and the plot again)")
    q = sub.add_parser("queries", help="time the series' queries again on an index already built")
    q.add_argument("--index", required=True, help="an index the series built (kept with a copy)")
    q.add_argument("--trove", default=str(bench.TROVE), help="the trove binary (default: a copy of target/release/trove, as bench.py times it)")
    args = ap.parse_args()
    if args.cmd == "queries":
        # The same commands and timing as `run`, on a quiet machine (others' CPU said).
        bench.warm(Path(args.index))
        print(json.dumps({kind: latency([[args.trove, "search", "--index", args.index, "--json",
                                          "-n", "10", q] for q in qs])
                          for kind, qs in QUERIES.items()}))
        return 0
    if args.cmd == "report":
        if not RESULTS.exists():
            print("no bench/scale.json yet")
            return 0
        print(report(load_results()))
        plot(load_results())
        return 0
    if not DATA.is_dir():
        print("skipped: ../shared/data not found")
        return 0
    if args.cmd == "gen":
        t0 = time.perf_counter()
        stats = generate(Generator(args.heaps_k, args.heaps_beta),
                         "docs" if args.docs is not None else "files", args.docs or args.files, args.out)
        stats["wall"] = round(time.perf_counter() - t0, 1)
        print(json.dumps(stats))
        return 0
    return cmd_run(args)


if __name__ == "__main__":
    sys.exit(main())
