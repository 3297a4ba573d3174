#!/usr/bin/env python3
"""arkiv-index killed with SIGKILL at many points (early, mid-batch, during a
commit) over a slice of the scale corpus, in a first import (into an empty
index: segments merged into it) and in runs in place.  After each kill the
index opens, passes xapian-check and holds exactly the records of the batches
committed (in place) or merged (first import) so far: a prefix of the input,
a whole number of batches; a re-run goes on from there, and the last one ends
with every record once.  Kills during --compact leave the old index or the
new one."""
import lzma
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from searchd_lib import BIN, BUILD, ROOT, Tap, tempdir  # noqa: E402

SHARED = os.environ.get("ARKIV_SHARED", os.path.join(ROOT, "..", "shared"))
SOURCES = [os.path.join(SHARED, "corpus-scale", "stortinget-%03d.jsonl.xz" % i) for i in range(8)]
SANITIZED = "asan" in BUILD
RECORDS = 600 if SANITIZED else 2000
BATCH = 25 if SANITIZED else 50
MAX_TEXT = 3000  # short speeches: a few thousand documents in seconds
KILLS = 9 if SANITIZED else 18


def slice_corpus(path):
    """The first RECORDS short records of SOURCES; returns their ids in order."""
    ids = []
    with open(path, "w") as out:
        for source in SOURCES:
            with lzma.open(source, "rt", encoding="utf-8") as src:
                for line in src:
                    rec = json.loads(line)
                    if len(rec.get("text", "")) > MAX_TEXT:
                        continue
                    out.write(line)
                    ids.append(rec["id"])
                    if len(ids) == RECORDS:
                        return ids
    return ids


def glass_sizes(db):
    """Sizes of the Xapian table files: they grow only when a commit writes."""
    try:
        return {n: os.path.getsize(os.path.join(db, n)) for n in os.listdir(db)
                if n.endswith(".glass")}
    except OSError:
        return {}


def indexed(db):
    """(number of documents, {id: how many documents have it})."""
    out = subprocess.run(["xapian-delve", "-A", "Q", "-1", "-v", db], capture_output=True,
                         text=True)
    if out.returncode != 0:
        return None, out.stderr
    ids = {}
    for line in out.stdout.splitlines():
        m = re.match(r"^Q(.*) (\d+)$", line)
        if m:
            ids[m.group(1)] = int(m.group(2))
    stats = subprocess.run(["xapian-delve", db], capture_output=True, text=True).stdout
    m = re.search(r"number of documents = (\d+)", stats)
    return (int(m.group(1)) if m else -1), ids


def start(db, jsonl):
    return subprocess.Popen([os.path.join(BIN, "arkiv-index"), "--db", db, "--batch",
                             str(BATCH), jsonl], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def next_write(proc, db):
    """Waits until a table file changes: a commit is writing."""
    before = glass_sizes(db)
    while proc.poll() is None and glass_sizes(db) == before:
        time.sleep(0.0005)


def kill_when(proc, mode, db, rng, seconds_left, batch_seconds=None):
    """Kills proc at a point chosen by mode; False when it finished first.
    With batch_seconds (runs in place, where each batch is a commit to db),
    a mid-batch kill comes after one or two commits, within the next batch:
    a time drawn from the whole run's could outlast a run that went faster
    than the one timed, and end the loop after one kill (it did, under
    ASan, with two tests running at once)."""
    if mode == "early":
        time.sleep(rng.uniform(0, 0.3))
    elif mode == "mid-batch" and batch_seconds:
        for _ in range(rng.randrange(1, 3)):
            next_write(proc, db)
            sizes = None
            while proc.poll() is None and sizes != glass_sizes(db):  # that commit ends
                sizes = glass_sizes(db)
                time.sleep(0.005)
        time.sleep(rng.uniform(0, batch_seconds))
    elif mode == "mid-batch":
        time.sleep(rng.uniform(0.1, max(0.2, seconds_left)))
    else:  # during a commit: as soon as one, after letting 0-2 others pass
        for _ in range(rng.randrange(3)):
            next_write(proc, db)
            sizes = None
            while proc.poll() is None and sizes != glass_sizes(db):  # that commit ends
                sizes = glass_sizes(db)
                time.sleep(0.005)
        next_write(proc, db)
    if proc.poll() is not None:
        return False
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    return True


def main():
    t = Tap()
    if not all(os.path.exists(s) for s in SOURCES):
        print("1..0 # SKIP no scale corpus at %s (set ARKIV_SHARED)" % SHARED)
        return
    tmp = tempdir()
    try:
        run(t, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    t.done()


def kill_loop(t, db, jsonl, ids, expected, rng, seeded, what):
    """Kills runs over jsonl into db until one finishes (or KILLS were made),
    checking the index after each kill; then a last run finishes it.  After
    `seeded` records already in db, the runs write in place, each commit a
    batch; into an empty db they are a first import, whose segments are
    merged in whole batches too (lib/segments.h)."""
    modes = ["early", "mid-batch", "during commit"]
    kills, counts, bad, finished, mid_commit = 0, [], [], False, 0
    for attempt in range(KILLS):
        mode = modes[attempt % len(modes)]
        proc = start(db, jsonl)
        left = expected * (RECORDS - (counts[-1] if counts else seeded)) / RECORDS
        batch_seconds = expected * BATCH / RECORDS if seeded else None
        if not kill_when(proc, mode, db, rng, left, batch_seconds):
            finished = True
            break
        kills += 1
        if not os.path.exists(os.path.join(db, "iamglass")):
            counts.append(0)  # killed before the first commit: no index yet
            continue
        check = subprocess.run(["xapian-check", db], capture_output=True, text=True)
        if check.returncode != 0:
            bad.append("%s kill %d: xapian-check failed:\n%s" % (mode, kills, check.stdout[-800:]))
            break
        ndocs, got = indexed(db)
        n = len(got) if ndocs is not None else -1
        if mode == "during commit" and counts and n == counts[-1]:
            mid_commit += 1  # a commit was writing, and did not count
        counts.append(n)
        if ndocs is None:
            bad.append("%s kill %d: the index does not open: %s" % (mode, kills, got))
        elif set(got) != set(ids[:n]) or n % BATCH != 0 or ndocs != n \
                or any(v != 1 for v in got.values()):
            bad.append("%s kill %d: %d documents, %d ids, not the first whole batches"
                       % (mode, kills, ndocs, n))
    print("# %s: documents after each kill: %s" % (what, counts))
    t.ok(kills >= KILLS // 2, "%s: the indexer was killed %d times before it could finish"
         % (what, kills))
    t.ok(not bad, "%s: after every kill the index opens, passes xapian-check and holds exactly "
         "the committed batches" % what, "\n".join(bad))
    if seeded:
        t.ok(any(seeded < c < RECORDS for c in counts) and len(set(counts)) > 2,
             "%s: the kills landed at different points of the run" % what, counts)
    else:
        # a first import changes the index only at its few merges, and once
        # it holds documents the runs after it write in place
        t.ok(len(set(counts)) > 1, "%s: the kills landed at different points of the run"
             % what, counts)
    if seeded:
        t.ok(mid_commit > 0, "%d kills landed while a commit was writing its tables" % mid_commit)

    final = start(db, jsonl)
    out, err = final.communicate()
    t.eq(final.returncode, 0, "%s: a re-run after the last kill succeeds" % what)
    done_before = RECORDS if finished else counts[-1] if counts else seeded
    t.ok(re.match(r"^%d added, 0 updated, 0 deleted, %d skipped, 0 failed"
                  % (RECORDS - done_before, done_before), out),
         "%s: it adds only what the kills lost and skips what was committed" % what, out + err)
    check = subprocess.run(["xapian-check", db], capture_output=True, text=True)
    t.eq(check.returncode, 0, "%s: the finished index passes xapian-check" % what)
    ndocs, got = indexed(db)
    t.eq((ndocs, sorted(got)), (RECORDS, sorted(ids)), "%s: it holds every record" % what)
    t.ok(all(v == 1 for v in got.values()), "%s: each record once: no duplicates" % what)
    t.ok(not os.path.exists(db + ".bulk"), "%s: no segments are left beside the index" % what)


def run(t, tmp):
    jsonl = os.path.join(tmp, "slice.jsonl")
    ids = slice_corpus(jsonl)
    t.eq(len(ids), RECORDS, "the slice has %d records" % RECORDS)

    # One uninterrupted run into another index says how long a run takes.
    began = time.time()
    ref = start(os.path.join(tmp, "ref"), jsonl)
    ref.communicate()
    expected = max(0.5, time.time() - began)
    print("# an uninterrupted run takes %.1f s" % expected)

    rng = random.Random(20261122)
    # a first import, into an empty index
    kill_loop(t, os.path.join(tmp, "first"), jsonl, ids, expected, rng, 0, "first import")
    # runs in place: the index holds the first batch already; they take
    # another time than a first import (no merges), measured the same way
    seed = os.path.join(tmp, "seed.jsonl")
    with open(jsonl) as src, open(seed, "w") as out:
        out.writelines(src.readlines()[:BATCH])
    for name in ("ref-in-place", "db"):
        subprocess.run([os.path.join(BIN, "arkiv-index"), "--db", os.path.join(tmp, name), seed],
                       capture_output=True, check=True)
    began = time.time()
    start(os.path.join(tmp, "ref-in-place"), jsonl).communicate()
    expected = max(0.5, time.time() - began)
    print("# an uninterrupted run in place takes %.1f s" % expected)
    db = os.path.join(tmp, "db")
    kill_loop(t, db, jsonl, ids, expected, rng, BATCH, "in place")

    # --compact rewrites the index beside it and exchanges the two directories: a kill
    # at any moment of it leaves the old index or the new one
    compact = [os.path.join(BIN, "arkiv-index"), "--db", db, "--compact", jsonl]
    began = time.time()
    subprocess.run(compact, capture_output=True)
    took = time.time() - began
    torn = []
    for k in range(6):
        proc = subprocess.Popen(compact, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0, took))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        ok_check = subprocess.run(["xapian-check", db], capture_output=True).returncode == 0
        ndocs, got = indexed(db)
        if not ok_check or ndocs != RECORDS or sorted(got) != sorted(ids):
            torn.append((k, ok_check, ndocs))
    t.ok(not torn, "kills during --compact (a run takes %.1f s) leave a whole index each time"
         % took, torn)
    _, ref_ids = indexed(os.path.join(tmp, "ref"))
    search = [os.path.join(BIN, "arkiv-search"), "--limit", "5"]
    a = subprocess.run(search + ["--db", db, "strøm kraftverk"], capture_output=True, text=True)
    b = subprocess.run(search + ["--db", os.path.join(tmp, "ref"), "strøm kraftverk"],
                       capture_output=True, text=True)
    t.ok(a.stdout and re.sub(r"\(score [\d.]+\)", "", a.stdout)
         == re.sub(r"\(score [\d.]+\)", "", b.stdout),
         "it answers a search with the same hits as an index built without kills",
         a.stdout + "\n---\n" + b.stdout)


if __name__ == "__main__":
    main()
