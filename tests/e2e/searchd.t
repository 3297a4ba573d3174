#!/usr/bin/env python3
"""The real arkiv-searchd on 127.0.0.1 over the sample archive and some
internal material: every endpoint, every error, the seed ranking cases
through HTTP, access control, concurrency, reopening after a re-index,
malformed requests and a graceful stop."""
import os
import shutil
import signal
import socket
import sys
import threading
import urllib.parse
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from searchd_lib import ROOT, TOKEN, Searchd, Tap, ids, index, make_archive, tempdir  # noqa: E402

t = Tap()
tmp = tempdir()
docs = make_archive(tmp)
db = os.path.join(tmp, "db")
sd = Searchd(db, os.path.join(tmp, "searchd.log"), "--threads", "4",
             "--token-file", os.path.join(tmp, "tokens"))
q = urllib.parse.quote

# --- search -------------------------------------------------------------------

st, body = sd.search("åpne rusmiljø")
t.eq(st, 200, "a search answers 200")
t.eq(ids(body)[:1], ["000_8789f4b9d8cde277.txt"], "the April 2023 minutes rank first for åpne rusmiljø")
hit = body["hits"][0]
t.eq((hit["section"] or {}).get("number"), 7, "the hit names agenda item 7")
t.eq(hit["section"]["heading"], "Åpne rusmiljøer i sentrum", "with its heading")
t.eq((hit["date"], hit["kind"]), ("2023-04-21", "referat"), "the hit has its date and kind")
t.ok(any("<mark>rusmiljøene</mark>" in s for s in hit["snippets"]),
     "the snippet marks the inflected form", hit["snippets"])
t.ok(hit["url"].startswith("/api/doc/000_8789f4b9d8cde277.txt?q="), "the hit links to its document")
t.ok(body["total"]["exact"] and body["total"]["value"] == len(body["hits"]),
     "the total is exact and equals the hits on a small archive", body["total"])
t.ok(body["facets"]["kind"].get("referat", 0) >= 1 and "2023" in body["facets"]["year"],
     "facets count kinds and years", body["facets"])
t.ok(isinstance(body["took_ms"], float) and body["suggestion"] is None,
     "the answer says how long it took, and suggests nothing for a query that finds")

# the seed ranking cases, through HTTP
cases = [line.rstrip("\n").split("\t")
         for line in open(os.path.join(ROOT, "tests", "ranking", "seed-queries.tsv"))
         if line.strip() and not line.startswith("#")]
for c in cases:
    query, top = c[0], c[1]
    also = [a for a in (c[2].split(",") if len(c) > 2 else []) if a]
    st, body = sd.search(query, size=20)
    got = [i.rsplit(".", 1)[0] for i in ids(body)]
    t.ok(st == 200 and got[:1] and got[0] in top.split("|") and all(a in got for a in also),
         "seed case through HTTP: %s" % query, got)

st, body = sd.search("", kind="avtale")
t.ok(st == 200 and body["hits"] and all(h["kind"] == "avtale" for h in body["hits"]),
     "kind= filters, and filters alone list documents", body)
st, body = sd.search("politiet", **{"from": "2025"})
t.ok(st == 200 and body["hits"] and all(h["date"] >= "2025" for h in body["hits"]),
     "from= keeps documents dated from then", [h["date"] for h in body.get("hits", [])])
st, body = sd.search("politiet", to="2023-12")
t.ok(st == 200 and body["hits"] and all(h["date"][:4] <= "2023" for h in body["hits"]),
     "to= keeps documents dated up to then", [h["date"] for h in body.get("hits", [])])
st, body = sd.search("politiet", sort="newest")
dates = [h["date"] for h in body["hits"] if h["date"]]
t.ok(dates == sorted(dates, reverse=True) and len(dates) > 2, "sort=newest orders by date", dates)
st, body = sd.search("politiet", sort="oldest")
dates = [h["date"] for h in body["hits"] if h["date"]]
t.ok(dates == sorted(dates), "sort=oldest the other way", dates)
_, two = sd.search("politiet", size=2)
_, second = sd.search("politiet", size=1, page=2)
t.eq(ids(second), ids(two)[1:2], "page=2&size=1 is the second hit")

# --- wildcards ---------------------------------------------------------------------

st, body = sd.search("rusmilj*")
t.ok(st == 200 and ids(body)[:1] == ["000_8789f4b9d8cde277.txt"] and
     "<mark>rusmiljøene</mark>" in body["hits"][0]["snippets"][0],
     "rusmilj* finds and marks the words it begins", body)
st, body = sd.search("apne rusmilj*")
t.ok(st == 200 and ids(body)[:1] == ["000_8789f4b9d8cde277.txt"], "a wildcard mixes with words")
st, body = sd.search("zzzq*")
t.ok(st == 200 and body["total"]["value"] == 0, "a wildcard that begins no word finds nothing")

# --- did you mean, completions --------------------------------------------------

_, body = sd.search("rusmijlø")
t.eq(body.get("suggestion"), "rusmiljø", "rusmijlø suggests rusmiljø")
_, body = sd.search("Stromen")
t.eq(body.get("suggestion"), "Strømmen", "Stromen suggests Strømmen, capital kept")
_, body = sd.search("åpne rusmijlø")
t.eq(body.get("suggestion"), "åpne rusmiljø", "only the misspelt word of a query is changed")
st, body = sd.json("/api/suggest?q=" + q("åpne rusm"))
comp = body.get("completions", [])
t.ok(st == 200 and "åpne rusmiljø" in comp and all(c.startswith("åpne rusm") for c in comp),
     "/api/suggest completes the last word", body)
_, body = sd.json("/api/suggest?q=" + q("åpne "))
t.eq(body.get("completions"), [], "no completions after a space")

# --- documents -------------------------------------------------------------------

st, body = sd.json("/api/doc/000_8789f4b9d8cde277.txt?q=" + q("rusmiljø"))
t.eq(st, 200, "/api/doc answers for a hit's id")
item7 = [b for b in body.get("blocks", []) if (b["section"] or {}).get("number") == 7]
t.ok(item7 and "<mark>" in item7[0]["marked"] and "<mark>" not in item7[0]["text"],
     "the document comes in blocks, agenda item 7 with the matches marked", item7)
t.eq(body.get("title"), "Politirådet 21.04.2023 — referat", "and with its title")
text = "".join(b["text"] for b in body.get("blocks", []))
t.ok("Ida Melbo Øystese" in text, "the blocks carry the document's text")
st, body = sd.json("/api/doc/finnes-ikke.txt")
t.eq((st, body.get("error", {}).get("code")), (404, "not_found"), "an unknown id is 404 not_found")

# --- feed, health, metrics --------------------------------------------------------

st, hdr, raw = sd.get("/feed?q=Pride")
feed = ET.fromstring(raw)
A = "{http://www.w3.org/2005/Atom}"
entries = feed.findall(A + "entry")
t.ok(st == 200 and hdr["Content-Type"].startswith("application/atom+xml") and len(entries) == 2,
     "/feed is an Atom feed with an entry per matching document", raw[:300])
upd = [e.find(A + "updated").text for e in entries]
t.ok(upd == sorted(upd, reverse=True) and entries[0].find(A + "link").get("href").startswith(
    sd.base + "/?doc="), "newest first, each linking to the web page's document view", upd)
st, body = sd.json("/healthz")
t.ok(st == 200 and body.get("status") == "ok" and body.get("revision", 0) >= 1,
     "/healthz says ok with the index revision", body)
t.eq(body.get("documents"), 6, "and counts only what the public sees (5 + the seminar)")
st, _, raw = sd.get("/metrics")
m = raw.decode()
t.ok(st == 200 and 'arkiv_requests_total{endpoint="search",status="2xx"}' in m and
     "arkiv_request_duration_seconds_bucket" in m and "arkiv_index_revision" in m and
     "arkiv_index_documents 6" in m, "/metrics has requests, a latency histogram, revision, count", m)

# --- errors ----------------------------------------------------------------------


def error(path, status, code, name, **kw):
    st, body = sd.json(path, **kw)
    t.ok(st == status and body.get("error", {}).get("code") == code and
         body["error"].get("message"), name, (st, body))


error("/api/search?q=x&szie=3", 400, "unknown_parameter", "an unknown parameter is 400")
error("/api/search?q=%zz", 400, "bad_encoding", "bad percent-encoding is 400")
error("/api/search?q=%C3%28", 400, "bad_encoding", "invalid UTF-8 is 400")
error("/api/search?q=a%00b", 400, "bad_encoding", "a NUL byte is 400")
error("/api/search?q=" + "ord+" * 1200, 400, "query_too_long", "a huge query is 400")
error("/api/search?q=" + "+".join(["ord"] * 150), 400, "bad_query",
      "a query of too many words is 400")
st, body = sd.search(" ".join(["ord"] * 100))
t.eq(st, 200, "a question of 100 words is served")
error("/api/search?q=x&size=1000", 400, "bad_parameter", "a page too large is 400")
error("/api/search?q=x&page=abc", 400, "bad_parameter", "a page that is no number is 400")
error("/api/search?q=x&page=100000", 400, "too_deep", "paging too deep is 400")
error("/api/search?q=x&sort=random", 400, "bad_parameter", "an unknown sort is 400")
error("/api/search?q=x&from=i+fjor", 400, "bad_query", "a date that is no date is 400")
error("/api/search?q=", 400, "empty_query", "an empty query is 400")
error("/api/search?q=...", 400, "empty_query", "a query of punctuation is 400")
error("/finnes/ikke", 404, "not_found", "an unknown path is 404")
error("/api/doc/..%2F..%2Fetc%2Fpasswd", 404, "not_found", "'..' in an id is just an unknown id")
st, hdr, body = sd.get("/", headers={})
t.ok(st == 200 and b"<html" in body and "text/html" in hdr["Content-Type"],
     "/ serves the web page")
st, hdr, body = sd.get("/app.js")
t.ok(st == 200 and "javascript" in hdr["Content-Type"], "/app.js serves the script")


def raw_request(data, timeout=10):
    s = socket.create_connection(("127.0.0.1", sd.port), timeout=timeout)
    try:
        s.sendall(data)
        out = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            out += chunk
        return out
    except OSError as e:
        return str(e).encode()
    finally:
        s.close()


out = raw_request(b"DELETE /api/search?q=x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
t.ok(out.startswith(b"HTTP/1.1 405") and b"method_not_allowed" in out, "DELETE is 405", out[:200])
out = raw_request(b"GET /api/search?q=" + b"a" * (1 << 20) + b" HTTP/1.1\r\nHost: x\r\n\r\n")
t.ok(out[:12] in (b"HTTP/1.1 414", b"HTTP/1.1 431", b"HTTP/1.1 413") or out == b"",
     "a 1 MB URL is refused", out[:200])
out = raw_request(b"GARBAGE\r\n\r\n")
t.ok(out.startswith(b"HTTP/1.1 400") or out == b"", "garbage instead of HTTP is closed", out[:200])
out = raw_request(b"GET /\r\n\r\n")
t.ok(out.startswith(b"HTTP/1.1 400"), "a request line without a version is 400", out[:200])
# NUL bytes in the request line: the connection is left to time out, and
# nobody else waits for it
held = socket.create_connection(("127.0.0.1", sd.port), timeout=10)
held.sendall(b"\x00\x01GARBAGE\r\n\r\n")
st, body = sd.search("Pride")
t.eq(st, 200, "a client sending NUL bytes holds up no one")
held.close()
out = raw_request(b"GET /api/search?q=\xff\xfe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
t.ok(out.startswith(b"HTTP/1.1 400"), "raw invalid UTF-8 in the URL is 400", out[:200])
st, body = sd.search("Pride")
t.eq(st, 200, "the daemon still serves after all of that")

# --- access control ---------------------------------------------------------------

secret_queries = ["hemmeligord", "fortroligsak", "vitnebeskyttelse", "Fortrolig notat"]
for sq in secret_queries:
    st, body = sd.search(sq)
    t.ok(st == 200 and body["total"]["value"] == 0 and not body["hits"] and
         not any(body["facets"]["kind"].values()) and not body["facets"]["year"],
         "anonymous: no hit, total or facet count for internal words (%s)" % sq, body)
    st, body = sd.search(sq, token=TOKEN)
    t.ok(st == 200 and body["total"]["value"] >= 1, "staff find them (%s)" % sq)
_, anon = sd.search("klassetrinnene")
_, staff = sd.search("klassetrinnene", token=TOKEN)
t.ok(anon["total"]["value"] == 1 and staff["total"]["value"] == 2,
     "a word in public and internal text: the public count leaves the internal document out",
     (anon["total"], staff["total"]))
t.ok("hemmeligord" not in str(anon) and "Fortrolig" not in str(anon),
     "and no internal word shows in the public answer", anon)
t.ok(anon["facets"]["kind"] == {"seminar": 1} and staff["facets"]["kind"].get("annet") == 1,
     "facet counts follow the reader", (anon["facets"], staff["facets"]))
_, body = sd.search("", kind="annet")
t.eq(ids(body), [], "filters alone list no internal document")
_, body = sd.search("hemmeligor")
t.eq(body.get("suggestion"), None, "did-you-mean never offers an internal word")
_, body = sd.search("hemmeligor", token=TOKEN)
t.eq(body.get("suggestion"), "hemmeligord", "but does to staff")
_, body = sd.json("/api/suggest?q=hemmel")
t.eq(body.get("completions"), [], "completions never offer an internal word")
_, body = sd.json("/api/suggest?q=fortroligs")
t.eq(body.get("completions"), [], "nor a word of an internal document")
_, body = sd.json("/api/suggest?q=hemmel", token=TOKEN)
t.eq(body.get("completions"), ["hemmeligord"], "staff get it completed")
st, _, raw = sd.get("/feed?q=hemmeligord")
t.ok(st == 200 and b"<entry>" not in raw and b"hemmeligord</title>" in raw and
     raw.count(b"hemmeligord") == 3, "the feed of an internal word has no entries", raw)
st, _, raw = sd.get("/feed?q=klassetrinnene")
t.ok(b"hemmeligord" not in raw and b"Fortrolig" not in raw, "nor does any feed show internal text")
st, body = sd.json("/api/doc/fortrolig.xml")
t.eq((st, body.get("error", {}).get("code")), (404, "not_found"),
     "an internal document is 404 to the public, exactly like a missing one")
st, body = sd.json("/api/doc/fortrolig.xml", token=TOKEN)
t.ok(st == 200 and "fortroligsak" in str(body), "staff can read it")
st, body = sd.json("/api/doc/seminar.xml?q=klassetrinnene")
t.ok(st == 200 and "hemmeligord" not in str(body) and
     [b["section"]["number"] for b in body["blocks"] if b["section"]] == [1],
     "the public view of a document leaves out its internal agenda item", body)
st, body = sd.json("/api/doc/seminar.xml", token=TOKEN)
t.ok("hemmeligord" in str(body) and any((b["section"] or {}).get("access") == "internal"
                                        for b in body["blocks"]),
     "staff see the internal item, marked internal")
for bad in ["wrong-token-0123456789abcdef", "", TOKEN[:-1], TOKEN + "x"]:
    st, body = sd.search("hemmeligord", token=bad)
    t.ok(st == 401 and body["error"]["code"] == "unauthorized" and "hits" not in body,
         "a wrong, empty or truncated token is refused (%r)" % bad[:8], (st, body))
st, body = sd.json("/api/search?q=hemmeligord", headers={"Authorization": "Basic " + TOKEN})
t.eq(st, 401, "another scheme than Bearer is refused")

# --- concurrency and reopening ------------------------------------------------------

results, errors = [], []


def worker(n):
    for _ in range(n):
        st, body = sd.search("åpne rusmiljø")
        if st != 200:
            errors.append(st)
        else:
            results.append(tuple(ids(body)))


threads = [threading.Thread(target=worker, args=(15,)) for _ in range(8)]
for th in threads:
    th.start()
for th in threads:
    th.join()
t.ok(not errors and len(results) == 120 and len(set(results)) == 1,
     "120 concurrent searches on 8 connections all answer the same", (errors, len(set(results))))

stop = threading.Event()
failures = []


def hammer():
    while not stop.is_set():
        st, body = sd.search("politiet")
        if st != 200:
            failures.append((st, body))


hammers = [threading.Thread(target=hammer) for _ in range(3)]
for th in hammers:
    th.start()
with open(os.path.join(docs, "nytt.txt"), "w") as f:
    f.write("Referat fra Politirådet 02.02.2026\n\nPolitiet orienterte om nyordet sparkesykkelparkering.\n")
index(tmp, docs)
st, body = sd.search("sparkesykkelparkering")
t.ok(st == 200 and ids(body) == ["nytt.txt"], "a document indexed while serving is found at once",
     body)
os.remove(os.path.join(docs, "nytt.txt"))
index(tmp, docs)
stop.set()
for th in hammers:
    th.join()
t.ok(not failures, "searches while the indexer commits never fail", failures[:3])
_, body = sd.search("sparkesykkelparkering")
t.eq(body["total"]["value"], 0, "a deleted document is gone at once")

# --- no index yet: 503, then serving once it exists ------------------------------------

late = os.path.join(tmp, "late-db")
sd2 = Searchd(late, os.path.join(tmp, "searchd2.log"), "--max-expansion", "20")
st, body = sd2.search("Pride")
t.eq((st, body.get("error", {}).get("code")), (503, "unavailable"),
     "without an index a search is 503 unavailable")
t.ok(tmp not in str(body), "and the error names no path", body)
st, _ = sd2.json("/healthz")
t.eq(st, 503, "and /healthz says 503")
index(tmp, os.path.join(ROOT, "corpus"), db=late)
st, body = sd2.search("Pride")
t.ok(st == 200 and body["total"]["value"] == 2, "once the index is built it serves", body)
st, body = sd2.search("s*")
t.ok(st == 400 and body["error"]["code"] == "bad_query" and "type more" in body["error"]["message"],
     "a wildcard standing for more words than --max-expansion is refused", body)
st, body = sd2.search("rusmilj*")
t.eq(st, 200, "a narrower one is served")
t.eq(sd2.stop(signal.SIGINT), 0, "SIGINT stops it with exit status 0")

# --- logging and stopping --------------------------------------------------------------

rc = sd.stop()
t.eq(rc, 0, "SIGTERM stops the daemon with exit status 0")
log = open(os.path.join(tmp, "searchd.log")).read()
t.ok("GET /api/search 200 " in log and "hits=" in log, "each request is logged with status and hits")
t.ok("rusmijl" not in log and "hemmeligord" not in log and "Stromen" not in log,
     "the log never holds query text")
t.ok("arkiv-searchd: stopped" in log, "the daemon says it stopped")

shutil.rmtree(tmp)
t.done()
