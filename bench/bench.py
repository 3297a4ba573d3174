#!/usr/bin/env python3
"""The benchmark: arkiv against Xapian out of the box, from one run, one table.

    bench/bench.py [--slice N] [--runs 3] [--load-seconds 20] [--bin build/bin]
                   [--work build/bench] [--no-quality] [--reuse-indexes]

1. Indexing the scale corpus (../shared/corpus-scale, all of it unless
   --slice N takes the first N documents): documents/s, MB/s of text, peak
   RSS and index size, for arkiv-index --compact and for bench/baseline (TermGenerator
   with the Norwegian Snowball stemmer, defaults).
2. Query latency on those indexes (p50, p95, p99, mean; the median of --runs
   runs) for the short Storting questions, 1-3 word topics
   (bench/queries/topics.tsv) and quoted phrases (bench/queries/phrases.tsv):
   arkiv in-process (arkiv-search --queries --full: snippets and facets),
   arkiv through searchd over HTTP (one keep-alive connection), and the
   baseline (QueryParser defaults) in-process.
3. searchd under load: wrk at 1, 8 and 32 connections over the topic and
   short queries, --load-seconds each.
4. Quality: MRR@10 and nDCG@10 of arkiv and of the baseline on each set of
   ../shared/eval, scored by its trec_eval.py.
5. Shards (--shards 2,4; --shards "" for none): the corpus indexed again into
   N shards, then the short and topic queries in-process over one database,
   over the N shards on disk and over the N shards each served by
   xapian-tcpsrv on 127.0.0.1, and searchd under wrk at 8 connections over each.

The machine is noisy: ratios are taken within this one run, latencies are
medians of runs.  The table goes to stdout and to WORK/result.md.
"""
import argparse
import http.client
import json
import lzma
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.environ.get("ARKIV_SHARED", os.path.join(ROOT, "..", "shared"))
SCALE = os.path.join(SHARED, "corpus-scale")
EVAL = os.path.join(SHARED, "eval")
SHARDS = ["stortinget-%03d.jsonl.xz" % i for i in range(8)] + \
         ["lovdata-%03d.jsonl.xz" % i for i in range(3)]
EVAL_SETS = [("norquad-passages", "docs.jsonl", "queries.tsv"),
             ("norquad", "docs.jsonl", "queries.tsv"),
             ("storting-qa", "docs.jsonl.xz", "queries.tsv"),
             ("storting-qa-short", "docs.jsonl.xz", "queries_short.tsv")]


def log(msg):
    print("bench: " + msg, file=sys.stderr, flush=True)


def corpus(work, limit):
    """The first `limit` documents (all if None) as plain JSON Lines; their MB of text."""
    path = os.path.join(work, "corpus-%s.jsonl" % (limit or "all"))
    meta = path + ".meta"
    if os.path.exists(meta):
        with open(meta) as f:
            return path, json.load(f)
    n, text_bytes = 0, 0
    with open(path + ".tmp", "w", encoding="utf-8") as out:
        for shard in SHARDS:
            with lzma.open(os.path.join(SCALE, shard), "rt", encoding="utf-8") as f:
                for line in f:
                    if limit and n >= limit:
                        break
                    text_bytes += len(json.loads(line).get("text", "").encode("utf-8"))
                    out.write(line)
                    n += 1
            if limit and n >= limit:
                break
    os.rename(path + ".tmp", path)
    info = {"docs": n, "mb": text_bytes / 1e6}
    with open(meta, "w") as f:
        json.dump(info, f)
    return path, info


def timed(cmd, stdin=None, stdout=subprocess.DEVNULL):
    """Runs cmd; (seconds, peak RSS in MB, stderr)."""
    err = tempfile.TemporaryFile()
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdin=stdin, stdout=stdout, stderr=err)
    _, status, usage = os.wait4(p.pid, 0)
    took = time.monotonic() - t0
    err.seek(0)
    text = err.read().decode("utf-8", "replace")
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise RuntimeError("%s failed: %s" % (cmd[0], text[-2000:]))
    return took, usage.ru_maxrss / 1024.0, text


def du_mb(path):
    total = 0
    for d, _, files in os.walk(path):
        for f in files:
            total += os.path.getsize(os.path.join(d, f))
    return total / 1e6


def index_both(args, path, info):
    rows = {}
    for who in ("arkiv", "baseline"):
        db = os.path.join(args.work, who + ".db")
        shutil.rmtree(db, ignore_errors=True)
        log("indexing %d documents with %s" % (info["docs"], who))
        if who == "arkiv":
            # --compact, as a bulk import should be run: the time includes it
            took, rss, _ = timed([os.path.join(args.bin, "arkiv-index"), "--quiet", "--compact",
                                  "--db", db, path])
        else:
            with open(path, "rb") as f:
                took, rss, _ = timed([args.baseline, "index", db], stdin=f)
        rows[who] = {"s": took, "docs_s": info["docs"] / took, "mb_s": info["mb"] / took,
                     "rss": rss, "size": du_mb(db)}
        log("  %.1f s, %.0f docs/s, peak RSS %.0f MB, %.0f MB on disk" %
            (took, rows[who]["docs_s"], rss, rows[who]["size"]))
    return rows


def pct(values, p):
    v = sorted(values)
    if not v:
        return 0.0
    k = int(p / 100.0 * len(v) + 0.999999)
    return v[min(max(k - 1, 0), len(v) - 1)]


def stats(ms):
    return {"p50": pct(ms, 50), "p95": pct(ms, 95), "p99": pct(ms, 99),
            "mean": sum(ms) / len(ms) if ms else 0.0}


def median_stats(runs):
    return {k: statistics.median(r[k] for r in runs) for k in runs[0]}


def arkiv_inprocess(args, db, queries):
    times = os.path.join(args.work, "times.tsv")
    subprocess.run([os.path.join(args.bin, "arkiv-search"), "--db", db, "--queries", queries,
                    "--run", os.devnull, "--full", "--limit", "10", "--times", times],
                   check=True, stderr=subprocess.DEVNULL)
    with open(times) as f:
        return stats([float(line.split("\t")[1]) for line in f])


def baseline_inprocess(args, db, queries):
    r = subprocess.run([args.baseline, "search", db, queries, os.devnull], check=True,
                       stderr=subprocess.PIPE, text=True)
    words = r.stderr.replace(",", "").split()
    val = {k: float(words[words.index(k) + 1]) for k in ("p50", "p95", "p99", "mean")}
    return val


def read_queries(path):
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\n").split("\t", 1)[1] for line in f if "\t" in line]


class Searchd:
    def __init__(self, args, db):
        self.log = open(os.path.join(args.work, "searchd.log"), "w")
        self.p = subprocess.Popen([os.path.join(args.bin, "arkiv-searchd"), "--db", db,
                                   "--listen", "127.0.0.1:0", "--threads", str(args.threads)],
                                  stderr=self.log)
        for _ in range(600):
            with open(self.log.name) as f:
                text = f.read()
            if "serving" in text:
                self.port = int(text.split("http://127.0.0.1:")[1].split("/")[0])
                return
            time.sleep(0.05)
        raise RuntimeError("searchd did not start")

    def url(self, q):
        return "/api/search?" + urllib.parse.urlencode({"q": q})

    def latencies(self, queries):
        conn = http.client.HTTPConnection("127.0.0.1", self.port)
        ms = []
        for q in queries:
            t0 = time.monotonic()
            conn.request("GET", self.url(q))
            r = conn.getresponse()
            r.read()
            ms.append((time.monotonic() - t0) * 1e3)
            if r.status not in (200, 400):
                raise RuntimeError("searchd answered %d" % r.status)
        conn.close()
        return stats(ms)

    def stop(self):
        self.p.terminate()
        self.p.wait()
        self.log.close()


def query_latency(args, sets):
    out = {}
    sd = Searchd(args, os.path.join(args.work, "arkiv.db"))
    try:
        for name, path in sets:
            qs = read_queries(path)
            sd.latencies(qs)  # warm every worker's searcher and the page cache
            rows = {"arkiv": [], "arkiv-http": [], "baseline": []}
            for run in range(args.runs):
                log("queries %s, run %d" % (name, run + 1))
                rows["arkiv"].append(arkiv_inprocess(args, os.path.join(args.work, "arkiv.db"), path))
                rows["arkiv-http"].append(sd.latencies(qs))
                rows["baseline"].append(baseline_inprocess(args, os.path.join(args.work,
                                                                              "baseline.db"), path))
            out[name] = {k: median_stats(v) for k, v in rows.items()}
    finally:
        sd.stop()
    return out


def load(args, sets):
    """wrk at 1, 8 and 32 connections over the queries of sets."""
    if not shutil.which("wrk"):
        log("wrk is not installed: no load test")
        return {}
    qs = [q for _, path in sets for q in read_queries(path)]
    out = {}
    for c in (1, 8, 32):
        log("load: %d connections, %d s" % (c, args.load_seconds))
        out[c] = wrk(args, os.path.join(args.work, "arkiv.db"), qs, c)
    return out


def parse_wrk(text):
    def ms(v):
        return float(v[:-2]) if v.endswith("ms") else float(v[:-2]) / 1e3 if v.endswith("us") \
            else float(v[:-1]) * 1e3
    res = {"errors": 0}
    for line in text.splitlines():
        w = line.split()
        if line.startswith("Requests/sec"):
            res["rps"] = float(w[1])
        elif len(w) == 2 and w[0] in ("50%", "90%", "99%"):
            res[w[0]] = ms(w[1])
        elif "Non-2xx" in line or "Socket errors" in line:
            res["errors"] += sum(int(x.strip(",")) for x in w if x.strip(",").isdigit())
    return res


def index_sharded(args, path, info, n):
    """arkiv-index --shards n --compact into WORK/arkiv-Nshards.db."""
    db = os.path.join(args.work, "arkiv-%dshards.db" % n)
    saved = os.path.join(args.work, "index-%s-%dshards.json" % (args.slice or "all", n))
    if args.reuse_indexes and os.path.exists(saved) and os.path.isdir(db):
        with open(saved) as f:
            return db, json.load(f)
    shutil.rmtree(db, ignore_errors=True)
    log("indexing %d documents into %d shards" % (info["docs"], n))
    took, rss, _ = timed([os.path.join(args.bin, "arkiv-index"), "--quiet", "--compact",
                          "--shards", str(n), "--db", db, path])
    row = {"s": took, "docs_s": info["docs"] / took, "rss": rss, "size": du_mb(db)}
    with open(saved, "w") as f:
        json.dump(row, f)
    return db, row


class TcpShards:
    """xapian-tcpsrv for each shard of a sharded index, and a stub naming them."""

    def __init__(self, args, db, n):
        self.procs = []
        self.stub = os.path.join(args.work, "remote-%d.stub" % n)
        with open(self.stub, "w") as stub:
            for i in range(n):
                port = free_port()
                self.procs.append(subprocess.Popen(
                    ["xapian-tcpsrv", "--quiet", "--interface", "127.0.0.1", "--port", str(port),
                     os.path.join(db, "shard-%d" % i)], stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL, start_new_session=True))
                stub.write("remote 127.0.0.1:%d\n" % port)
        time.sleep(1)

    def stop(self):
        for p in self.procs:  # with the children that serve each connection
            os.killpg(p.pid, 9)
            p.wait()


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wrk(args, db, qs, connections):
    script = os.path.join(args.work, "queries.lua")
    with open(script, "w") as f:
        f.write("paths = {\n%s}\ni = 0\nrequest = function()\n  i = i %% #paths + 1\n"
                "  return wrk.format(\"GET\", paths[i])\nend\n" %
                "".join("  %s,\n" % json.dumps(Searchd.url(None, q)) for q in qs))
    sd = Searchd(args, db)
    try:
        sd.latencies(qs)  # every worker's searcher opened, the page cache warm
        r = subprocess.run(["wrk", "-t", str(min(connections, 2)), "-c", str(connections), "-d",
                            "%ds" % args.load_seconds, "--latency", "-s", script,
                            "http://127.0.0.1:%d" % sd.port], check=True, capture_output=True,
                           text=True)
    finally:
        sd.stop()
    return parse_wrk(r.stdout)


def shards_bench(args, path, info, sets):
    """Latency and throughput over 1 database and N shards, local and remote."""
    if not args.shards or not shutil.which("xapian-tcpsrv"):
        return {}
    configs = [("1 database", os.path.join(args.work, "arkiv.db"), None, None)]
    for n in args.shards:
        db, row = index_sharded(args, path, info, n)
        configs.append(("%d shards, local" % n, db, None, row))
        configs.append(("%d shards, xapian-tcpsrv" % n, None, n, None))
    out = []
    for label, db, remote, row in configs:
        servers = TcpShards(args, os.path.join(args.work, "arkiv-%dshards.db" % remote),
                            remote) if remote else None
        where = servers.stub if servers else db
        try:
            res = {"label": label, "index": row}
            for name, qpath in sets:
                log("shards: %s, %s" % (label, name))
                res[name] = median_stats([arkiv_inprocess(args, where, qpath)
                                          for _ in range(args.runs)])
            if shutil.which("wrk"):
                log("shards: %s, wrk at 8 connections" % label)
                res["load"] = wrk(args, where, [q for _, p in sets for q in read_queries(p)], 8)
            out.append(res)
        finally:
            if servers:
                servers.stop()
    return out


def shards_table(args, ix):
    rows = ix.get("shards") or []
    if not rows:
        return []
    lines = ["", "## Shards (in-process ms, median of %d runs; searchd at 8 connections, %d s)"
             % (args.runs, args.load_seconds), "",
             "| index | short p50 | short p99 | topics p50 | topics p99 | searchd req/s | "
             "searchd p99 ms | indexing s |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        ld = r.get("load", {})
        lines.append("| %s | %.2f | %.2f | %.2f | %.2f | %.0f | %.1f | %s |" %
                     (r["label"], r["short"]["p50"], r["short"]["p99"], r["topics"]["p50"],
                      r["topics"]["p99"], ld.get("rps", 0), ld.get("99%", 0),
                      "%.0f" % r["index"]["s"] if r.get("index") else ""))
    return lines


def quality(args):
    trec = os.path.join(EVAL, "trec_eval.py")
    out = {}
    for name, docs, queries in EVAL_SETS:
        base = name.replace("-short", "")
        d = os.path.join(EVAL, base)
        work = os.path.join(args.work, "eval", base)
        os.makedirs(work, exist_ok=True)
        plain = os.path.join(work, "docs.jsonl")
        if not os.path.exists(plain):
            opener = lzma.open if docs.endswith(".xz") else open
            with opener(os.path.join(d, docs), "rt", encoding="utf-8") as f, \
                    open(plain, "w", encoding="utf-8") as o:
                shutil.copyfileobj(f, o)
        runs = []
        for who in ("arkiv", "baseline"):
            db = os.path.join(work, who + ".db")
            if who == "arkiv" and os.path.exists(db) and subprocess.run(
                    [os.path.join(args.bin, "arkiv-search"), "--db", db, "x"],
                    capture_output=True).returncode == 2:
                shutil.rmtree(db)  # an index of another format (an older arkiv)
            if not os.path.exists(db):
                log("indexing eval set %s with %s" % (base, who))
                if who == "arkiv":
                    subprocess.run([os.path.join(args.bin, "arkiv-index"), "--quiet", "--db", db,
                                    plain], check=True, stdout=subprocess.DEVNULL)
                else:
                    with open(plain, "rb") as f:
                        subprocess.run([args.baseline, "index", db], stdin=f, check=True,
                                       stderr=subprocess.DEVNULL)
            run = os.path.join(work, "%s.%s.run" % (name, who))
            if who == "arkiv":
                subprocess.run([os.path.join(args.bin, "arkiv-search"), "--db", db, "--queries",
                                os.path.join(d, queries), "--run", run, "--tag", who],
                               check=True, stderr=subprocess.DEVNULL)
            else:
                subprocess.run([args.baseline, "search", db, os.path.join(d, queries), run, who],
                               check=True, stderr=subprocess.DEVNULL)
            runs.append(run)
        r = subprocess.run([sys.executable, trec, os.path.join(d, "qrels.txt")] + runs +
                           ["--json"], check=True, capture_output=True, text=True)
        res = json.loads(r.stdout)
        out[name] = {who: res[os.path.splitext(os.path.basename(run))[0]]["summary"]
                     for who, run in zip(("arkiv", "baseline"), runs)}
    return out


def met(ok):
    return "met" if ok else "**not met**"


def table(info, ix, lat, ld, q, args):
    a, b = ix["arkiv"], ix["baseline"]
    lines = ["## Indexing %d documents (%.1f MB of text)" % (info["docs"], info["mb"]), "",
             "| | documents/s | MB/s | peak RSS MB | index MB | time s |", "|---|---:|---:|---:|---:|---:|"]
    for who in ("arkiv", "baseline"):
        r = ix[who]
        lines.append("| %s | %.0f | %.2f | %.0f | %.0f | %.1f |" %
                     (who, r["docs_s"], r["mb_s"], r["rss"], r["size"], r["s"]))
    lines.append("| arkiv/baseline | %.2f× | | | %.2f× | |" % (a["docs_s"] / b["docs_s"],
                                                                 a["size"] / b["size"]))
    lines += ["", "## Query latency, ms (median of %d runs)" % args.runs, "",
              "| queries | engine | p50 | p95 | p99 | mean |", "|---|---|---:|---:|---:|---:|"]
    for name, rows in lat.items():
        for who, label in (("arkiv", "arkiv in-process"), ("arkiv-http", "arkiv via searchd"),
                           ("baseline", "baseline in-process")):
            r = rows[who]
            lines.append("| %s | %s | %.2f | %.2f | %.2f | %.2f |" %
                         (name, label, r["p50"], r["p95"], r["p99"], r["mean"]))
    lines += shards_table(args, ix)
    if ld:
        lines += ["", "## searchd under load (%d s each, topics and short questions)" %
                  args.load_seconds, "",
                  "| connections | requests/s | p50 ms | p90 ms | p99 ms | errors |",
                  "|---:|---:|---:|---:|---:|---:|"]
        for c, r in ld.items():
            lines.append("| %d | %.0f | %.2f | %.2f | %.2f | %d |" %
                         (c, r.get("rps", 0), r.get("50%", 0), r.get("90%", 0), r.get("99%", 0),
                          r["errors"]))
    if q:
        lines += ["", "## Quality", "", "| set | arkiv MRR@10 | baseline MRR@10 | arkiv nDCG@10 | "
                  "baseline nDCG@10 |", "|---|---:|---:|---:|---:|"]
        for name, r in q.items():
            lines.append("| %s | %.3f | %.3f | %.3f | %.3f |" %
                         (name, r["arkiv"]["MRR@10"], r["baseline"]["MRR@10"],
                          r["arkiv"]["nDCG@10"], r["baseline"]["nDCG@10"]))
    lines += ["", "## Targets", ""]
    lines.append("- indexing throughput ≥ 1.0× the baseline's: %.2f× — %s" %
                 (a["docs_s"] / b["docs_s"], met(a["docs_s"] >= b["docs_s"])))
    lines.append("- indexer peak RSS < 512 MB: %.0f MB — %s" % (a["rss"], met(a["rss"] < 512)))
    lines.append("- index size ≤ 1.3× the baseline's: %.2f× — %s" %
                 (a["size"] / b["size"], met(a["size"] <= 1.3 * b["size"])))
    for name in ("short", "topics"):
        if name in lat:
            r = lat[name]["arkiv-http"]
            lines.append("- %s via searchd: p50 %.2f ms < 5, p99 %.2f ms < 50 — %s" %
                         (name, r["p50"], r["p99"], met(r["p50"] < 5 and r["p99"] < 50)))
    if ld and 8 in ld and "short" in lat and "topics" in lat:
        mean = (lat["short"]["arkiv"]["mean"] + lat["topics"]["arkiv"]["mean"]) / 2
        inproc = 1000.0 / mean if mean else 0
        lines.append("- searchd at 8 connections ≥ 70 %% of in-process queries/s: %.0f vs %.0f "
                     "(%.0f %%) — %s" % (ld[8].get("rps", 0), inproc,
                                         100 * ld[8].get("rps", 0) / inproc if inproc else 0,
                                         met(ld[8].get("rps", 0) >= 0.7 * inproc)))
    return "\n".join(lines)


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--slice", type=int, default=None, help="the first N documents only")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--load-seconds", type=int, default=20)
    p.add_argument("--threads", type=int, default=2, help="searchd worker threads")
    p.add_argument("--bin", default=os.path.join(ROOT, "build", "bin"))
    p.add_argument("--baseline", default=os.path.join(ROOT, "build", "bench", "baseline"))
    p.add_argument("--work", default=os.path.join(ROOT, "build", "bench"))
    p.add_argument("--no-quality", action="store_true")
    p.add_argument("--shards", default="2,4",
                   help="shard counts to compare with one database (\"\": none)")
    p.add_argument("--reuse-indexes", action="store_true",
                   help="keep the indexes (and their numbers) of an earlier run of the same slice")
    args = p.parse_args()
    args.shards = [int(n) for n in args.shards.split(",") if n.strip()]
    os.makedirs(args.work, exist_ok=True)
    path, info = corpus(args.work, args.slice)
    saved = os.path.join(args.work, "index-%s.json" % (args.slice or "all"))
    if args.reuse_indexes and os.path.exists(saved):
        with open(saved) as f:
            ix = json.load(f)
        log("indexes kept from an earlier run (%s)" % saved)
    else:
        ix = index_both(args, path, info)
        with open(saved, "w") as f:
            json.dump(ix, f)
    sets = [("short", os.path.join(EVAL, "storting-qa", "queries_short.tsv")),
            ("topics", os.path.join(HERE, "queries", "topics.tsv")),
            ("phrases", os.path.join(HERE, "queries", "phrases.tsv"))]
    lat = query_latency(args, sets)
    ld = load(args, sets[:2])
    ix["shards"] = shards_bench(args, path, info, sets[:2])
    q = None if args.no_quality else quality(args)
    head = "# arkiv benchmark, %s\n\nMachine: %s, %d cores. Command: `%s`\n" % (
        time.strftime("%Y-%m-%d"), os.uname().machine, os.cpu_count(), " ".join(sys.argv))
    text = head + "\n" + table(info, ix, lat, ld, q, args) + "\n"
    with open(os.path.join(args.work, "result.md"), "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
