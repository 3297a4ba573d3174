#!/usr/bin/env python3
"""arkiv-index when the disk fills up or fails, when a second indexer comes
along, and arkiv-searchd serving while the index changes under it.

- A full disk (a small tmpfs where the machine lets us mount one, and an
  injected ENOSPC everywhere) and an I/O error (injected) stop the run with a
  clear message; the index passes xapian-check and holds the batches
  committed before the error; with room again, a re-run finishes the job.
  A first import (segments, merged) that hits a full disk leaves the index
  as of its last merge, and nothing beside it.
- A second arkiv-index on the same index is refused with a clear message
  while the first one finishes unharmed.
- arkiv-searchd answers a steady stream of searches while an import adds
  records in batches, one is changed, a file deleted and the index compacted:
  no request fails, every total it reports is a committed state, and each
  change is visible at once."""
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from searchd_lib import BIN, BUILD, ROOT, Searchd, Tap, tempdir  # noqa: E402

FAULTY_IO = os.path.abspath(os.path.join(BUILD, "tests", "faulty_io.so"))
BATCH = 20
RECORDS = 200
SANITIZED = "asan" in BUILD
# a few seconds of importing, for searches to watch
LIVE_RECORDS = 400 if SANITIZED else 1000
LIVE_BATCH = 20 if SANITIZED else 50
WORD = "kommunestyrerepresentant"  # in every generated record, and nowhere else
DELETED = "000_8789f4b9d8cde277.txt"  # a minutes file that says "politiet"


def make_records(path, n, extra=""):
    """n JSON Lines records of a few KB each, every one with WORD."""
    body = " ".join("Bystyret behandlet sak %d om skoler, barnehager og veier." % i
                    for i in range(40))
    with open(path, "w") as f:
        for i in range(n):
            f.write(json.dumps({"id": "rec-%04d" % i, "title": "Sak %d" % i, "date": "2020-01-01",
                                "text": "%s %s nummer %d. %s %s" % (WORD, body, i, body, extra)})
                    + "\n")


def arkiv_index(db, src, env=None, batch=BATCH):
    return subprocess.run([os.path.join(BIN, "arkiv-index"), "--db", db, "--batch", str(batch),
                           src], capture_output=True, text=True, env=env)


def doc_count(db):
    out = subprocess.run(["xapian-delve", db], capture_output=True, text=True).stdout
    m = re.search(r"number of documents = (\d+)", out)
    return int(m.group(1)) if m else -1


def seed(db, src):
    """Indexes the first batch of src into the new index db: the runs after
    it write in place, committing batch by batch (a first import would write
    segments and merge them, lib/segments.h)."""
    first = os.path.join(os.path.dirname(db), os.path.basename(db) + "-seed.jsonl")
    with open(src) as f, open(first, "w") as out:
        out.writelines(f.readlines()[:BATCH])
    subprocess.run([os.path.join(BIN, "arkiv-index"), "--db", db, first], check=True,
                   capture_output=True)


def check_stopped_at_commit(t, what, res, db, message, least=1):
    t.eq(res.returncode, 2, "%s: arkiv-index stops with exit status 2" % what)
    t.ok(re.search(message, res.stderr) and "keeps what was committed" in res.stderr,
         "%s: and says why, and that the index keeps its last commit" % what, res.stderr)
    check = subprocess.run(["xapian-check", db], capture_output=True, text=True)
    t.eq(check.returncode, 0, "%s: the index passes xapian-check" % what)
    n = doc_count(db)
    t.ok(least <= n < RECORDS and n % BATCH == 0,
         "%s: it holds whole committed batches (%d documents)" % (what, n), n)
    s = subprocess.run([os.path.join(BIN, "arkiv-search"), "--db", db, "--limit", "1", WORD],
                       capture_output=True, text=True)
    t.ok(s.returncode == 0 and s.stdout.startswith("%d documents match" % n if n
                                                   else "No documents match"),
         "%s: and answers searches over them, finding every committed record" % what,
         s.stdout + s.stderr)
    return n


def disk_full_tmpfs(t, tmp, src):
    mnt = os.path.join(tmp, "small")
    os.mkdir(mnt)
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mnt],
                      capture_output=True).returncode != 0:
        print("# cannot mount a tmpfs here (not root?): the injected ENOSPC below stands in")
        return
    try:
        db = os.path.join(mnt, "db")
        seed(db, src)
        res = arkiv_index(db, src)
        n = check_stopped_at_commit(t, "a full tmpfs", res, db, "No space left on device")
        subprocess.run(["mount", "-o", "remount,size=64m", mnt], check=True)
        res = arkiv_index(db, src)
        t.ok(res.returncode == 0 and res.stdout.startswith(
            "%d added, 0 updated, 0 deleted, %d skipped" % (RECORDS - n, n)),
            "with room again a re-run adds the rest", res.stdout + res.stderr)
        t.eq(doc_count(db), RECORDS, "and the index holds every record")
    finally:
        subprocess.run(["umount", "-l", mnt])


def injected(t, tmp, src, errno_name, message):
    db = os.path.join(tmp, "db-" + errno_name)
    env = dict(os.environ, LD_PRELOAD=FAULTY_IO, FAULTY_IO_DIR=db, FAULTY_IO_AFTER="400000",
               FAULTY_IO_ERRNO=errno_name)
    # the sanitizers' runtime wants to come first in the preload list
    env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "") + ":verify_asan_link_order=0"
    seed(db, src)
    res = arkiv_index(db, src, env)
    n = check_stopped_at_commit(t, "injected %s" % errno_name, res, db, message, BATCH)
    res = arkiv_index(db, src)
    t.ok(res.returncode == 0 and res.stdout.startswith("%d added" % (RECORDS - n)),
         "injected %s: once the disk works a re-run finishes the job" % errno_name,
         res.stdout + res.stderr)


def first_import_fails(t, tmp, src):
    """A disk that fails during a first import, under its segments and its
    merges too: the index is left as of its last merge, whole.  The first
    merge (8 batches) fits in the bytes allowed, the rest does not."""
    where = os.path.join(tmp, "first")
    os.mkdir(where)
    db = os.path.join(where, "db")
    env = dict(os.environ, LD_PRELOAD=FAULTY_IO, FAULTY_IO_DIR=where, FAULTY_IO_AFTER="4000000",
               FAULTY_IO_ERRNO="ENOSPC")
    # full stacks, for the suppression of Xapian's leak when a compaction fails
    env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "") + \
        ":verify_asan_link_order=0:fast_unwind_on_malloc=0"
    res = arkiv_index(db, src, env)
    n = check_stopped_at_commit(t, "first import, injected ENOSPC", res, db,
                                "No space left on device", 0)
    t.ok(not os.path.exists(db + ".bulk") and not os.path.exists(db + ".compacting"),
         "first import: no segments nor half-merged copy are left beside the index",
         os.listdir(where))
    res = arkiv_index(db, src)
    t.ok(res.returncode == 0 and res.stdout.startswith("%d added" % (RECORDS - n)),
         "first import: once the disk works a re-run finishes the job", res.stdout + res.stderr)
    t.eq(doc_count(db), RECORDS, "first import: and the index holds every record")


def second_indexer(t, tmp, src):
    """A second arkiv-index while a first import runs is refused, also when
    it comes while a merge puts its copy in place (the first one it can see
    is just after one) and Xapian's lock in the new directory is not yet
    taken again."""
    db = os.path.join(tmp, "db-lock")
    # the first merge's exchange lasts 3 s: the first second comes during it
    env = dict(os.environ, LD_PRELOAD=FAULTY_IO, FAULTY_IO_SLOW_EXCHANGE="3000")
    env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "") + ":verify_asan_link_order=0"
    first = subprocess.Popen([os.path.join(BIN, "arkiv-index"), "--db", db, "--batch", "5", src],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    deadline = time.time() + 60
    while time.time() < deadline and doc_count(db) <= 0:  # the first has merged
        time.sleep(0.02)
    seconds = []  # those that began and ended while the first ran
    while first.poll() is None and len(seconds) < 20:
        second = arkiv_index(db, src)
        if first.poll() is None:
            seconds.append(second)
    still = len(seconds) > 0
    out, err = first.communicate()
    t.ok(still, "the first indexer was still running when the second started")
    t.ok(all(s.returncode == 2 for s in seconds),
         "a second arkiv-index on the same index is refused (%d tries)" % len(seconds),
         [(s.returncode, s.stdout, s.stderr) for s in seconds if s.returncode != 2])
    t.ok(all("another process is writing this index" in s.stderr for s in seconds),
         "with a clear message", seconds[0].stderr if seconds else "")
    t.ok(first.returncode == 0 and out.startswith("%d added" % RECORDS),
         "the first one finishes unharmed", out + err)
    t.eq(subprocess.run(["xapian-check", db], capture_output=True).returncode, 0,
         "and its index passes xapian-check")
    t.eq(sorted(os.listdir(tmp)).count("db-lock.lock"), 0, "and its lock file is gone")


def live_changes(t, tmp):
    """searchd under a steady stream of searches while the index changes."""
    src = os.path.join(tmp, "live.jsonl")
    make_records(src, LIVE_RECORDS)
    db = os.path.join(tmp, "db-live")
    docs = os.path.join(tmp, "docs")
    shutil.copytree(os.path.join(ROOT, "corpus"), docs)
    subprocess.run([os.path.join(BIN, "arkiv-index"), "--db", db, docs], check=True,
                   capture_output=True)
    sd = Searchd(db, os.path.join(tmp, "searchd.log"), "--threads", "2")
    stop = threading.Event()
    failures, totals = [], []

    importing = threading.Event()

    def watch(q, record):
        while not stop.is_set():
            during = importing.is_set()
            st, body = sd.json("/api/search?" + urllib.parse.urlencode({"q": q}))
            if st != 200:
                failures.append((st, body))
            elif record and during and importing.is_set():
                totals.append(body["total"]["value"])

    threads = [threading.Thread(target=watch, args=(WORD, True)),
               threading.Thread(target=watch, args=("politiet", False))]
    for th in threads:
        th.start()
    try:
        for _ in range(4):  # each worker thread loads its dictionary first
            sd.search("politiet")
        importing.set()
        res = arkiv_index(db, src, batch=LIVE_BATCH)
        importing.clear()
        _, body = sd.search(WORD, size=1)
        t.ok(res.returncode == 0 and body["total"]["value"] == LIVE_RECORDS,
             "an import of %d records in batches of %d is all visible once it ends"
             % (LIVE_RECORDS, LIVE_BATCH), (res.stderr, body.get("total")))
        changed = os.path.join(tmp, "changed.jsonl")
        with open(src) as f, open(changed, "w") as out:
            rec = json.loads(f.readline())
            rec["text"] = rec["text"].replace(WORD, "sparkesykkelforbud")
            out.write(json.dumps(rec) + "\n")
        res = arkiv_index(db, changed)
        _, new = sd.search("sparkesykkelforbud")
        _, old = sd.search(WORD, size=1)
        t.ok(res.stdout.startswith("0 added, 1 updated") and [h["id"] for h in new["hits"]]
             == ["rec-0000"] and old["total"]["value"] == LIVE_RECORDS - 1,
             "a changed record is found by its new words at once, not its old ones",
             (res.stdout, new.get("total"), old.get("total")))
        os.remove(os.path.join(docs, DELETED))
        before = sd.search("politiet", size=1)[1]["total"]["value"]
        res = arkiv_index(db, docs)
        after = sd.search("politiet", size=1)[1]["total"]["value"]
        t.ok("1 deleted" in res.stdout and after < before,
             "a deleted file is gone at once", (res.stdout, before, after))
        size = sum(os.path.getsize(os.path.join(db, f)) for f in os.listdir(db)
                   if f.endswith(".glass"))
        res = subprocess.run([os.path.join(BIN, "arkiv-index"), "--db", db, "--compact", docs],
                             capture_output=True, text=True)
        compacted = sum(os.path.getsize(os.path.join(db, f)) for f in os.listdir(db)
                        if f.endswith(".glass"))
        _, body = sd.search(WORD, size=1)
        t.ok(res.returncode == 0 and compacted < size * 0.8
             and body["total"]["value"] == LIVE_RECORDS - 1,
             "--compact rewrites the index smaller (%d → %d KB) while searchd serves it, "
             "which finds the same" % (size >> 10, compacted >> 10), (res.stderr, body.get("total")))
        t.eq(subprocess.run(["xapian-check", db], capture_output=True).returncode, 0,
             "the compacted index passes xapian-check")
    finally:
        stop.set()
        for th in threads:
            th.join()
        rc = sd.stop()
    t.ok(not failures, "no search failed while the index changed",
         failures[:3])
    t.ok(totals and all(v % LIVE_BATCH == 0 for v in totals) and totals == sorted(totals),
         "every total a search saw during the import was a committed batch, never going back",
         sorted(set(totals)))
    t.ok(len(set(totals)) > 2, "searches saw the import progress commit by commit",
         sorted(set(totals)))
    t.eq(rc, 0, "searchd stops cleanly")


def main():
    t = Tap()
    tmp = tempdir()
    try:
        src = os.path.join(tmp, "records.jsonl")
        make_records(src, RECORDS)
        disk_full_tmpfs(t, tmp, src)
        injected(t, tmp, src, "ENOSPC", "No space left on device")
        injected(t, tmp, src, "EIO", "Input/output error")
        first_import_fails(t, tmp, src)
        second_indexer(t, tmp, src)
        live_changes(t, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    t.done()


if __name__ == "__main__":
    main()
