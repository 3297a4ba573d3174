#!/usr/bin/env python3
"""Hostile input costs no more than ordinary text of the same size.

    bench/hostile.py [--bin build/bin] [--work build/bench/hostile] [--size 4] [--runs 3]

Writes each kind of hostile file of tests/e2e/hostile_files.py at --size MB
(except the ones whose size is fixed: XXE, billion laughs, 100,000-deep XML),
indexes each alone into a fresh index with arkiv-index, and prints the median
wall time of --runs runs next to that of ordinary prose of the same size.
The target (issue 7): no kind costs more than 10x the ordinary file.  The
times include starting arkiv-index (loading the dictionary), which is the
same for every kind; the ordinary file's own row shows it.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
import hostile_files as hf  # noqa: E402

TARGET = 10.0
KINDS = ["ordinary.txt", "single-line.txt", "combining.txt", "combining-mixed.txt",
         "combining-words.txt",
         "long-words.txt", "invalid-utf8.txt", "utf16-no-bom.txt", "nul-bytes.txt",
         "deep.html", "broken.html", "deep-sized.xml", "not-a-pdf.pdf", "garbage.pdf"]


def generate(name, size):
    if name == "deep-sized.xml":
        return hf.deep_xml_sized(size)
    if name == "deep.html":
        return hf.deep_html(size, depth=size // 11)
    return hf.KINDS[name][0](size)


def time_index(bin_dir, work, name, data, runs):
    docs = os.path.join(work, "docs-" + name)
    shutil.rmtree(docs, ignore_errors=True)
    os.makedirs(docs)
    with open(os.path.join(docs, name), "wb") as f:
        f.write(data)
    times, outcome = [], ""
    for _ in range(runs):
        db = os.path.join(work, "db")
        shutil.rmtree(db, ignore_errors=True)
        began = time.perf_counter()
        res = subprocess.run([os.path.join(bin_dir, "arkiv-index"), "--db", db, docs],
                             capture_output=True, text=True)
        times.append(time.perf_counter() - began)
        outcome = "indexed" if res.stdout.startswith("1 added") else \
            res.stderr.strip().split(": ", 2)[-1][:60]
    shutil.rmtree(docs, ignore_errors=True)
    return statistics.median(times), outcome


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, "build", "bin"))
    ap.add_argument("--work", default=os.path.join(ROOT, "build", "bench", "hostile"))
    ap.add_argument("--size", type=float, default=4, help="MB per file")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    size = int(args.size * (1 << 20))
    rows = []
    for name in KINDS:
        data = generate(name, size)
        t, outcome = time_index(args.bin, args.work, name, data, args.runs)
        rows.append((name, len(data), t, outcome))
        print("bench: %s %.2f s" % (name, t), file=sys.stderr, flush=True)
    base = rows[0][2]
    print("| file | MB | seconds (median of %d) | × ordinary | outcome |" % args.runs)
    print("|---|---:|---:|---:|---|")
    for name, n, t, outcome in rows:
        print("| %s | %.1f | %.2f | %.2f | %s |" % (name, n / (1 << 20), t, t / base, outcome))
    worst = max(rows, key=lambda r: r[2])
    print("\nWorst: %s at %.2f× the ordinary file (target ≤ %g×): %s"
          % (worst[0], worst[2] / base, TARGET, "met" if worst[2] / base <= TARGET else "NOT met"))


if __name__ == "__main__":
    main()
