"""searchd_lib.py — what the searchd end-to-end tests share: TAP output,
building a test archive, starting the real arkiv-searchd on a free port of
127.0.0.1, and HTTP requests against it."""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

BUILD = os.environ.get("BUILD", "build")
BIN = os.path.join(BUILD, "bin")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, name, detail=None):
        self.n += 1
        print(("ok %d - %s" if cond else "not ok %d - %s") % (self.n, name), flush=True)
        if not cond:
            self.failed += 1
            if detail is not None:
                # on stderr too, so that prove shows it for a failing test
                for line in str(detail)[:2000].splitlines():
                    print("#   " + line)
                    print("#   " + line, file=sys.stderr)
        return cond

    def eq(self, got, want, name):
        return self.ok(got == want, name, "got:      %r\nexpected: %r" % (got, want))

    def skip(self, name, reason):
        self.n += 1
        print("ok %d - %s # SKIP %s" % (self.n, name, reason), flush=True)

    def todo(self, cond, name, why, detail=None):
        """A check of a known, not yet fixed fault: reported, never failing
        the run (prove lists it as a TODO, or as passing unexpectedly)."""
        self.n += 1
        print("%s %d - %s # TODO %s" % ("ok" if cond else "not ok", self.n, name, why), flush=True)
        if not cond and detail is not None:
            for line in str(detail)[:2000].splitlines():
                print("#   " + line)
        return cond

    def note(self, text):
        """A comment line in the TAP output (shown by prove -v)."""
        for line in str(text).splitlines():
            print("# " + line, flush=True)

    def done(self):
        print("1..%d" % self.n)
        sys.exit(1 if self.failed else 0)


def free_port():
    """A port of 127.0.0.1 free just now."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def tempdir():
    d = tempfile.mkdtemp(prefix="arkiv-e2e.")
    return d


# Internal material next to the sample archive (tests/data/access, shared
# with formats.t): an agenda item marked internal inside a public seminar,
# and a whole internal document.  Their words (hemmeligord, fortroligsak,
# vitnebeskyttelse) occur nowhere else.
ACCESS = os.path.join(ROOT, "tests", "data", "access")

TOKEN = "staff-token-0123456789abcdef"


def make_archive(tmp):
    """corpus/ plus the internal material, indexed into tmp/db."""
    docs = os.path.join(tmp, "docs")
    shutil.copytree(os.path.join(ROOT, "corpus"), docs)
    for name in ("seminar.xml", "fortrolig.xml"):
        shutil.copy(os.path.join(ACCESS, name), docs)
    index(tmp, docs)
    with open(os.path.join(tmp, "tokens"), "w") as f:
        f.write("# staff tokens\n%s\n" % TOKEN)
    return docs


def index(tmp, docs, db=None):
    subprocess.run([os.path.join(BIN, "arkiv-index"), "--db", db or os.path.join(tmp, "db"), docs],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


class Searchd:
    """The real daemon on 127.0.0.1, on a port it picks itself."""

    def __init__(self, db, log, *flags):
        self.log = log
        self.logf = open(log, "w")
        self.proc = subprocess.Popen(
            [os.path.join(BIN, "arkiv-searchd"), "--db", db, "--listen", "127.0.0.1:0"]
            + list(flags), stdout=subprocess.DEVNULL, stderr=self.logf)
        self.port = None
        deadline = time.time() + 30
        while time.time() < deadline and self.port is None:
            if self.proc.poll() is not None:
                raise RuntimeError("searchd exited: " + open(log).read())
            for line in open(log):
                if "serving" in line and "http://127.0.0.1:" in line:
                    self.port = int(line.rsplit(":", 1)[1].strip().rstrip("/"))
            time.sleep(0.05)
        if self.port is None:
            self.stop()
            raise RuntimeError("searchd did not start: " + open(log).read())
        self.base = "http://127.0.0.1:%d" % self.port

    def get(self, path, token=None, headers=None, timeout=60):
        """(status, headers, body bytes) of a GET."""
        req = urllib.request.Request(self.base + path, headers=headers or {})
        if token is not None:
            req.add_header("Authorization", "Bearer " + token)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read()

    def json(self, path, token=None, **kw):
        status, _, body = self.get(path, token, **kw)
        try:
            return status, json.loads(body)
        except ValueError:
            return status, {"unparsed": body[:200].decode("utf-8", "replace")}

    def search(self, q, token=None, **params):
        params["q"] = q
        return self.json("/api/search?" + urllib.parse.urlencode(params), token)

    def stop(self, sig=signal.SIGTERM):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        self.logf.close()
        return rc


def ids(body):
    return [h["id"] for h in body.get("hits", [])]


def raw_request(port, data, timeout=10, src=None):
    """Sends data as it is on a new connection to 127.0.0.1:port (from the
    local address src, "127.0.0.2" say, when given) and returns all that
    comes back until the server closes; what came before an error or the
    timeout, when neither happens."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    out = b""
    try:
        if src:
            s.bind((src, 0))
        s.connect(("127.0.0.1", port))
        s.sendall(data)
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            out += chunk
    except OSError:
        pass
    finally:
        s.close()
    return out


def http_status(raw):
    """The status code of a raw HTTP answer, or None when there is none."""
    parts = raw.split(b" ", 2)
    if len(parts) >= 2 and parts[0].startswith(b"HTTP/") and parts[1].isdigit():
        return int(parts[1])
    return None
