#!/usr/bin/env python3
"""Relevance evaluation of arkiv on the Norwegian sets in ../shared/eval.

For each set: write its documents as text files (title on the first line),
index them with arkiv-index, run the queries with `arkiv-search --run`, and
score the run with trec_eval.py (MRR@10, nDCG@10, Recall@100, P@1).

    bench/eval.py [--bin build/bin] [--work build/eval] [--sets a,b] [--analysis MODE ...]

Each --analysis MODE (for example `full` and `basic`) builds its own index
with `arkiv-index --analysis MODE`, so the modes are compared side by side
on the same documents and queries.
"""
import argparse
import json
import lzma
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.environ.get("ARKIV_SHARED", os.path.join(ROOT, "..", "shared"))
SETS = {
    "norquad-passages": ("docs.jsonl", "queries.tsv"),
    "norquad": ("docs.jsonl", "queries.tsv"),
    "storting-qa": ("docs.jsonl.xz", "queries.tsv"),
    "storting-qa-short": ("docs.jsonl.xz", "queries_short.tsv"),
}


def set_dir(name):
    return os.path.join(SHARED, "eval", name.replace("-short", ""))


def write_docs(name, work):
    docs_dir = os.path.join(work, name.replace("-short", ""), "docs")
    if os.path.isdir(docs_dir):
        return docs_dir
    os.makedirs(docs_dir)
    path = os.path.join(set_dir(name), SETS[name][0])
    opener = lzma.open if path.endswith(".xz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            with open(os.path.join(docs_dir, d["id"] + ".txt"), "w", encoding="utf-8") as out:
                out.write((d.get("title") or "") + "\n\n" + d["text"])
    return docs_dir


def run_mode(args, name, mode, docs_dir):
    db = os.path.join(args.work, name.replace("-short", ""), "index-" + mode)
    # built afresh: an index of an earlier build would keep that build's terms
    # for every file it skips as unchanged
    shutil.rmtree(db, ignore_errors=True)
    cmd = [os.path.join(args.bin, "arkiv-index"), "--quiet", "--db", db]
    if mode != "default":
        cmd += ["--analysis", mode]
    subprocess.run(cmd + [docs_dir], check=True, stdout=subprocess.DEVNULL)
    run = os.path.join(args.work, "%s.%s.run" % (name, mode))
    queries = os.path.join(set_dir(name), SETS[name][1])
    subprocess.run([os.path.join(args.bin, "arkiv-search"), "--db", db, "--queries", queries,
                    "--run", run, "--limit", "100", "--tag", mode], check=True,
                   stderr=subprocess.DEVNULL)
    return run


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--bin", default=os.path.join(ROOT, "build", "bin"))
    p.add_argument("--work", default=os.path.join(ROOT, "build", "eval"))
    p.add_argument("--sets", default=",".join(SETS))
    p.add_argument("--analysis", action="append", default=None)
    args = p.parse_args()
    modes = args.analysis or ["default"]
    for name in args.sets.split(","):
        docs_dir = write_docs(name, args.work)
        runs = [run_mode(args, name, mode, docs_dir) for mode in modes]
        print("## %s" % name, flush=True)
        subprocess.run([sys.executable, os.path.join(SHARED, "eval", "trec_eval.py"),
                        os.path.join(set_dir(name), "qrels.txt")] + runs, check=True)


if __name__ == "__main__":
    main()
