#!/usr/bin/env python3
"""Conflation of word forms, measured on gold lemmas (../shared/eval/lemmas).

Two forms conflate when the analyzer gives them a shared lemma term.  Over all
pairs of distinct forms (nouns, verbs, adjectives, adverbs):
  recall    = pairs of the same gold lemma that conflate / pairs of the same lemma
  precision = conflating pairs of the same gold lemma / conflating pairs
for Snowball alone (--basic) and for arkiv's analysis.

    bench/conflation.py [--bin build/bin] [--lang nb|nn]
"""
import argparse
import collections
import itertools
import os
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.environ.get("ARKIV_SHARED", os.path.join(ROOT, "..", "shared"))
POS = {"NOUN", "VERB", "ADJ", "ADV"}


def load(lang):
    forms = {}
    with open(os.path.join(SHARED, "eval", "lemmas", "%s_lemmas.tsv" % lang), encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 3 or parts[2] not in POS:
                continue
            form, lemma = parts[0].lower(), parts[1].lower()
            if form.isalpha():
                forms.setdefault(form, lemma)
    return forms


def terms(binary, words, basic):
    cmd = [os.path.join(binary, "arkiv-analyze"), "--lines"] + (["--basic"] if basic else [])
    out = subprocess.run(cmd, input="\n".join(words) + "\n", capture_output=True, text=True,
                         check=True).stdout.split("\n")
    return {w: set(line.split("\t")) for w, line in zip(words, out)}


def score(forms, term_of):
    by_term = collections.defaultdict(set)
    for w, ts in term_of.items():
        for t in ts:
            by_term[t].add(w)
    conflated = set()
    for ws in by_term.values():
        if len(ws) < 500:  # a term shared by hundreds of forms is noise either way
            conflated.update(itertools.combinations(sorted(ws), 2))
    by_lemma = collections.defaultdict(list)
    for w, l in forms.items():
        by_lemma[l].append(w)
    same = sum(len(ws) * (len(ws) - 1) // 2 for ws in by_lemma.values())
    hits = sum(1 for a, b in conflated if forms[a] == forms[b])
    return hits / same, hits / max(1, len(conflated)), len(conflated)


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--bin", default=os.path.join(ROOT, "build", "bin"))
    p.add_argument("--lang", default="nb")
    a = p.parse_args()
    forms = load(a.lang)
    words = sorted(forms)
    print("| analysis | forms | recall | precision | conflated pairs |")
    print("|---|---:|---:|---:|---:|")
    for name, basic in (("Snowball (plain Xapian)", True), ("arkiv", False)):
        r, prec, n = score(forms, terms(a.bin, words, basic))
        print("| %s | %d | %.3f | %.3f | %d |" % (name, len(words), r, prec, n))


if __name__ == "__main__":
    main()
