#!/usr/bin/env python3
"""One folder of files that have hurt other engines, indexed in one run.

The run must finish, index what can be read (and find it), skip the rest
with a clear reason each, never read /etc/passwd through an XML entity, and
leave an index that passes xapian-check.  Run as root, the indexer drops to
the user nobody so that an unreadable file really is unreadable."""
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from searchd_lib import BIN, BUILD, Tap, tempdir  # noqa: E402
import hostile_files as hf  # noqa: E402

FAULTY_IO = os.path.abspath(os.path.join(BUILD, "tests", "faulty_io.so"))
MAKE_PDF = os.path.abspath(os.path.join(BUILD, "tests", "make_pdf"))
HUGE = 200 << 20


def build_folder(docs):
    os.makedirs(docs)
    for name, (gen, size) in hf.KINDS.items():
        with open(os.path.join(docs, name), "wb") as f:
            f.write(gen(size))
    open(os.path.join(docs, "empty.txt"), "w").close()
    with open(os.path.join(docs, "huge-line.txt"), "wb") as f:  # 200 MB, one line
        chunk = hf.single_line(1 << 20)
        for _ in range(HUGE >> 20):
            f.write(chunk)
    with open(os.path.join(docs, "binary.dat"), "wb") as f:
        f.write(bytes((i * 7919 + 13) % 256 for i in range(50000)))
    pdf = os.path.join(docs, "truncated.pdf")
    subprocess.run([MAKE_PDF, pdf, "Side en om tollvesenet.", "Side to om tollvesenet."],
                   check=True)
    data = open(pdf, "rb").read()
    open(pdf, "wb").write(data[:len(data) // 2])
    os.symlink("loop-b.txt", os.path.join(docs, "loop-a.txt"))
    os.symlink("loop-a.txt", os.path.join(docs, "loop-b.txt"))
    os.symlink("nowhere.txt", os.path.join(docs, "dangling.txt"))
    os.symlink("/etc/passwd", os.path.join(docs, "passwd.txt"))  # out of the folder
    os.symlink("ordinary.txt", os.path.join(docs, "alias.txt"))  # inside it: followed
    os.makedirs(os.path.join(docs, "sub"))
    with open(os.path.join(docs, "sub", "inner.txt"), "w") as f:
        f.write("Notat om gatebelysningen.\n")
    os.symlink("..", os.path.join(docs, "sub", "up"))  # a directory loop
    os.mkfifo(os.path.join(docs, "pipe.txt"))  # would block a reader forever
    with open(os.path.join(docs, "unreadable.txt"), "w") as f:
        f.write("Hemmelig notat om snøbrøyting.\n")
    os.chmod(os.path.join(docs, "unreadable.txt"), 0)
    with open(os.path.join(docs, "vanish.txt"), "w") as f:
        f.write("Et notat som forsvinner om strøing.\n")


def run_index(docs, db):
    """arkiv-index over docs, as nobody when we are root; vanish.txt is
    deleted between the walk and its reading (faulty_io.so)."""
    env = dict(os.environ, LD_PRELOAD=FAULTY_IO, FAULTY_IO_VANISH="vanish.txt")
    env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "") + ":verify_asan_link_order=0"
    cmd = [os.path.abspath(os.path.join(BIN, "arkiv-index")), "--db", db, docs]
    if os.geteuid() == 0:
        cmd = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"] + cmd
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600)


def search(db, *words):
    out = subprocess.run([os.path.join(BIN, "arkiv-search"), "--db", db, "--limit", "20"]
                         + list(words), capture_output=True, text=True)
    return out.stdout + out.stderr


def hits(db, *words):
    return re.findall(r"^\d+\. (\S+) ", search(db, *words), re.M)


def main():
    t = Tap()
    tmp = tempdir()
    try:
        run(t, tmp)
    finally:
        subprocess.run(["chmod", "-R", "u+rwX", tmp])
        shutil.rmtree(tmp, ignore_errors=True)
    t.done()


def run(t, tmp):
    os.chmod(tmp, 0o755)
    docs = os.path.join(tmp, "docs")
    build_folder(docs)
    os.chmod(docs, 0o777)  # so that vanish.txt can vanish when we run as nobody
    out_dir = os.path.join(tmp, "out")
    os.mkdir(out_dir)
    os.chmod(out_dir, 0o777)
    db = os.path.join(out_dir, "db")

    res = run_index(docs, db)
    err = res.stderr
    print("# " + res.stdout.strip())

    def says(name, pattern, what):
        t.ok(re.search(r"%s: .*%s" % (re.escape(os.path.join(docs, name)), pattern), err),
             "%s: %s" % (name, what), err)

    t.eq(res.returncode, 1, "the run finishes, and its exit status says some files failed")
    t.ok(re.match(r"^16 added, 0 updated, 0 deleted, 0 skipped, 12 failed", res.stdout),
         "16 files are indexed and 12 fail, each counted", res.stdout)

    # read, with a warning where something was repaired
    says("invalid-utf8.txt", r"warning: \d+ bytes of invalid UTF-8 replaced",
         "invalid UTF-8 is replaced and counted")
    says("nul-bytes.txt", r"warning: \d+ NUL bytes dropped", "stray NUL bytes are dropped")
    t.ok("utf16-no-bom" in " ".join(hits(db, "kriminalitetsforebyggende")),
         "UTF-16 without a byte-order mark is read as UTF-16")
    t.ok(set(hits(db, "rusmiljø")) >= {"ordinary", "single-line", "invalid-utf8", "nul-bytes"},
         "ordinary, single-line, repaired and NUL-laden prose is all found",
         search(db, "rusmiljø"))
    t.ok(set(hits(db, "sluttord")) == {"long-words", "combining-words"},
         "the word after 50,000-letter words and after stacked accents is found",
         search(db, "sluttord"))
    delve = subprocess.run(["xapian-delve", "-t", "Qcombining.txt", db], capture_output=True,
                           text=True)
    t.ok(delve.returncode == 0 and "combining.txt" not in err,
         "a megabyte of combining accents is indexed without complaint (a word that long "
         "is not a search term)", delve.stdout + delve.stderr)
    t.eq(hits(db, "kvartalsslutt"), ["combining-mixed"], "a megabyte of accents of two classes "
         "(quadratic to put in order) is indexed, and the word after it found")
    t.eq(hits(db, "dyptekst"), ["deep"], "text 100,000 <div>s deep is found")
    t.eq(hits(db, "slutttekst"), ["deep"], "and so is the text after them")
    t.eq(hits(db, "brannvesenet"), ["broken"], "broken HTML is read")
    t.eq(hits(db, "skript"), [], "without its script")
    t.eq(hits(db, "fergeleiet"), ["not-a-pdf"], "a .pdf that is text is read as text")
    t.eq(hits(db, "gatebelysningen"), ["sub/inner"], "a folder with a symlink loop is walked once")
    t.eq(hits(db, "havnevesenet"), ["xxe"], "the XXE file's own text is indexed")
    passwd = open("/etc/passwd").read().split("\n")[0].split(":")[0]  # "root"
    t.ok(not hits(db, passwd) and not hits(db, "nologin")
         and "nologin" not in search(db, "--full", "havnevesenet"),
         "nothing of /etc/passwd is in the index", search(db, passwd))

    # skipped, each with its reason
    says("huge-line.txt", r"file is too large: larger than 64 MiB",
         "a 200 MB file is refused by its size")
    says("laughs.xml", r"entity expansion refused", "billion laughs are refused")
    says("deep.xml", r"nested too deeply", "XML 100,000 levels deep is refused")
    says("garbage.pdf", r"broken PDF", "a PDF of random bytes fails with a reason")
    says("truncated.pdf", r"broken PDF", "a truncated PDF fails with a reason")
    says("binary.dat", r"binary file", "a binary file is named as one")
    says("loop-a.txt", r"Too many levels of symbolic links", "a symlink loop is reported")
    says("dangling.txt", r"No such file or directory", "a dangling symlink is reported")
    says("passwd.txt", r"symbolic link to a file outside the folder: not followed",
         "a symlink to /etc/passwd is not followed")
    t.ok("alias" in hits(db, "rusmiljø"), "a symlink to a file inside the folder is followed")
    says("vanish.txt", r"vanished before it could be read", "a file that vanished is reported")
    if os.geteuid() == 0 or os.access(os.path.join(docs, "unreadable.txt"), os.R_OK) is False:
        says("unreadable.txt", r"Permission denied", "an unreadable file is reported")
    t.ok(not re.search(r"pipe\.txt|sub/up", err), "a FIFO and a directory symlink are "
         "passed over in silence (the walk never blocks or loops)", err)
    t.eq(hits(db, "snøbrøyting"), [], "the unreadable file's text is not in the index")

    check = subprocess.run(["xapian-check", db], capture_output=True, text=True)
    t.eq(check.returncode, 0, "the index passes xapian-check")
    again = run_index(docs, db)
    t.ok(again.returncode == 1 and re.match(r"^0 added, 0 updated, 0 deleted, 16 skipped, 11 failed",
                                             again.stdout),
         "a second run skips what it indexed and fails the same files (vanish.txt is gone)",
         again.stdout + again.stderr)


if __name__ == "__main__":
    main()
