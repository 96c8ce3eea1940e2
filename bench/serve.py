#!/usr/bin/env python3
"""Load test of `trove serve` on loopback: one-term and phrase queries over HTTP at 1 and
32 connections (wrk, 2 threads, bounded in time), against the same queries as whole
`trove search` processes and as one in-process `search --batch`.

  python3 bench/serve.py [--seconds 10] [--trove PATH]

Needs wrk (Debian's package: this script installs it with apt-get when it is missing and
it can) and ../shared/data (the 1x benchmark corpus of bench.py); without either it
prints SKIP and exits 0. The server and wrk share the machine's cores: what is reported
is what one machine does, client included. Results: bench/serve.json and stdout.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402  (the corpus and the queries of the main benchmark)

HERE = Path(__file__).resolve().parent
QUERIES = {"one term": bench.QUERIES["one term"], "phrase": bench.QUERIES["phrase"]}
CONNECTIONS = (1, 32)


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def have_wrk():
    if shutil.which("wrk"):
        return True
    if os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "install", "-y", "wrk"], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
    return shutil.which("wrk") is not None


def rss_kb(pid):
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def parse_wrk(text):
    """p50/p99 (ms), requests/s and errors from `wrk --latency` output."""
    out = {"errors": 0}
    unit = {"us": 0.001, "ms": 1.0, "s": 1000.0}

    def ms(v):
        for u in ("us", "ms", "s"):
            if v.endswith(u):
                return float(v[: -len(u)]) * unit[u]
        return float(v)

    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] in ("50%", "99%"):
            out["p50_ms" if parts[0] == "50%" else "p99_ms"] = ms(parts[1])
        elif line.startswith("Requests/sec:"):
            out["requests_per_s"] = float(parts[1])
        elif "requests in" in line:
            out["requests"] = int(parts[0])
        elif line.strip().startswith("Non-2xx or 3xx responses:"):
            out["errors"] += int(parts[-1])
        elif line.strip().startswith("Socket errors:"):
            # Socket errors: connect 0, read 0, write 0, timeout 0
            out["errors"] += sum(int(p.strip(",")) for p in parts[2:] if p.strip(",").isdigit())
    return out


def documents(trove, index):
    out = subprocess.run([trove, "--index", str(index), "stats", "--json"], capture_output=True,
                         text=True, check=True).stdout
    return json.loads(out)["documents"]


def load(url, pid, work, seconds, into):
    """wrk against `url`: each query kind at 1 and 32 connections, into `into`."""
    for kind, queries in QUERIES.items():
        paths = ["/api/search?" + urllib.parse.urlencode({"q": q}) for q in queries]
        script = work / "paths.lua"
        script.write_text(
            "local paths = {" + ", ".join(json.dumps(p) for p in paths) + "}\n"
            "local i = 0\n"
            "request = function()\n  i = i % #paths + 1\n  return wrk.format('GET', paths[i])\nend\n")
        # Warm the page cache and the server's reader.
        subprocess.run(["wrk", "-t1", "-c1", "-d2s", "-s", str(script), url],
                       stdout=subprocess.DEVNULL, check=True)
        for conns in CONNECTIONS:
            threads = min(2, conns)
            out = subprocess.run(["wrk", f"-t{threads}", f"-c{conns}", f"-d{seconds}s",
                                  "--latency", "--timeout", "10s", "-s", str(script), url],
                                 capture_output=True, text=True, check=True).stdout
            r = parse_wrk(out)
            r["server_rss_mb"] = round(rss_kb(pid) / 1024, 1)
            into[f"{kind}, {conns} connections"] = r
            log(kind, conns, r)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=int, default=10, help="each wrk run's length (default 10)")
    ap.add_argument("--trove", default=str(bench.TROVE))
    args = ap.parse_args()
    if not bench.DATA.exists():
        print(f"SKIP: {bench.DATA} is missing (the benchmark corpus is made from it)")
        return 0
    if not have_wrk():
        print("SKIP: wrk is not installed and could not be (apt-get install wrk)")
        return 0
    trove = args.trove
    corpus = bench.base_corpus()
    work = Path(tempfile.mkdtemp(prefix="trove-serve-bench-"))
    index = work / "index"
    log("indexing", corpus)
    subprocess.run([trove, "--index", str(index), "index", "-q", str(corpus)], check=True)
    before = documents(trove, index)
    results = {"host": os.uname().nodename, "cores": os.cpu_count(), "seconds": args.seconds,
               "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "http": {},
               "http while --watch indexes": {}, "cli": {}}
    server = subprocess.Popen([trove, "--index", str(index), "serve", "--listen", "127.0.0.1:0"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        url = json.loads(server.stdout.readline())["listening"]
        load(url, server.pid, work, args.seconds, results["http"])
    finally:
        server.kill()
        server.wait()
    # Again while the server's --watch indexes a folder being written to: 20 files a
    # second, copies of the corpus's Reuters files under new names.
    incoming = work / "incoming"
    incoming.mkdir()
    sources = sorted((corpus / "reuters").rglob("*.txt"))[:5000]
    server = subprocess.Popen([trove, "--index", str(index), "serve", "--listen", "127.0.0.1:0",
                               "--watch", str(incoming)],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    stop = threading.Event()
    written = [0]

    def writer():
        while not stop.is_set() and written[0] < len(sources):
            src = sources[written[0]]
            (incoming / f"n{written[0]:05d}-{src.name}").write_bytes(src.read_bytes())
            written[0] += 1
            time.sleep(0.05)

    try:
        url = json.loads(server.stdout.readline())["listening"]
        thread = threading.Thread(target=writer, daemon=True)
        thread.start()
        load(url, server.pid, work, args.seconds, results["http while --watch indexes"])
        stop.set()
        thread.join()
        results["files written while loaded"] = written[0]
    finally:
        # SIGTERM: the watch's run in progress commits, then the server ends.
        server.terminate()
        try:
            server.wait(timeout=120)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    results["documents indexed by the watch"] = documents(trove, index) - before
    try:
        # The same queries as whole processes, and in one process.
        for kind, queries in QUERIES.items():
            times = []
            for _ in range(3):
                for q in queries:
                    subprocess.run([trove, "--index", str(index), "search", "--json", q],
                                   stdout=subprocess.DEVNULL, check=False)
            for _ in range(20):
                for q in queries:
                    t = time.perf_counter()
                    subprocess.run([trove, "--index", str(index), "search", "--json", q],
                                   stdout=subprocess.DEVNULL, check=False)
                    times.append(time.perf_counter() - t)
            batch = work / "batch.txt"
            batch.write_text("".join(f"{q}\n" for q in queries * 40))
            t = time.perf_counter()
            subprocess.run([trove, "--index", str(index), "search", "--batch", str(batch), "--json"],
                           stdout=subprocess.DEVNULL, check=False)
            per_query = (time.perf_counter() - t) / (len(queries) * 40)
            results["cli"][kind] = {"process_p50_ms": round(statistics.median(times) * 1000, 2),
                                    "batch_per_query_ms": round(per_query * 1000, 3)}
            log(kind, results["cli"][kind])
        (HERE / "serve.json").write_text(json.dumps(results, indent=1) + "\n")
        print(json.dumps(results, indent=1))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
