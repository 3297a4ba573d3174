#!/usr/bin/env python3
"""The web page in a real browser: Debian's Chromium, headless, driven over
WebDriver (chromedriver) against the real arkiv-searchd on a free port.
Types a query, sees the expected first hit, applies a facet, opens a
document, and saves screenshots under the build directory."""
import base64
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from searchd_lib import BUILD, Searchd, Tap, free_port, make_archive, tempdir  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
DRIVER = "/usr/bin/chromedriver"
SHOTS = os.path.join(BUILD, "screenshots")

t = Tap()
if not (os.path.exists(CHROMIUM) and os.path.exists(DRIVER)):
    t.ok(False, "Chromium and chromedriver are installed (make deps installs them)")
    t.done()

tmp = tempdir()
make_archive(tmp)
sd = Searchd(os.path.join(tmp, "db"), os.path.join(tmp, "searchd.log"))


dport = free_port()
driver = subprocess.Popen([DRIVER, "--port=%d" % dport, "--allowed-ips=127.0.0.1"],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
wd = "http://127.0.0.1:%d" % dport


def call(method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(wd + path, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            return json.loads(r.read())["value"]
    except urllib.error.HTTPError as e:
        raise RuntimeError("%s %s: %s" % (method, path, e.read()[:500]))


for _ in range(200):
    try:
        call("GET", "/status")
        break
    except (OSError, RuntimeError):
        time.sleep(0.05)

session = None
try:
    caps = {"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
        "binary": CHROMIUM,
        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-dev-shm-usage", "--window-size=1200,1000", "--lang=nb"]}}}}
    session = call("POST", "/session", caps)["sessionId"]
    s = "/session/" + session
    ELEMENT = "element-6066-11e4-a021-4f7f1e4e6c6c"

    def find_all(css):
        found = call("POST", s + "/elements", {"using": "css selector", "value": css})
        return [e.get(ELEMENT) or next(iter(e.values())) for e in found]

    def wait_for(css, timeout=20):
        deadline = time.time() + timeout
        while time.time() < deadline:
            found = find_all(css)
            if found:
                return found
            time.sleep(0.1)
        return []

    def text(el):
        return call("GET", s + "/element/%s/text" % el)

    def shot(name):
        os.makedirs(SHOTS, exist_ok=True)
        path = os.path.join(SHOTS, name)
        with open(path, "wb") as f:
            f.write(base64.b64decode(call("GET", s + "/screenshot")))
        return path

    def url():
        return call("GET", s + "/url")

    call("POST", s + "/url", {"url": sd.base + "/"})
    box = wait_for("#q")
    t.ok(box, "the page has the search box")
    call("POST", s + "/element/%s/value" % box[0], {"text": "åpne rusmiljø"})
    listbox = wait_for("#completions [role=option], #completions li", timeout=5)
    t.ok(listbox, "typing offers completions")
    call("POST", s + "/element/%s/value" % box[0], {"text": "\ue007"})  # Enter
    hits = wait_for("#results li.hit a.hit-title")
    t.ok(hits and text(hits[0]) == "Politirådet 21.04.2023 — referat",
         "the expected first hit", hits and text(hits[0]))
    first = wait_for("#results li.hit")
    t.ok(first and "Åpne rusmiljøer i sentrum" in text(first[0]),
         "the hit shows its agenda item", first and text(first[0]))
    marks = find_all("#results li.hit mark")
    t.ok(marks, "the snippets have the matches marked")
    t.ok("q=" in url(), "the query is in the URL", url())
    total = wait_for("#total")
    t.ok(total and "4" in text(total[0]), "the page says how many hits", total and text(total[0]))
    shot("search.png")

    facet = wait_for('[data-facet="kind"][data-value="avtale"]')
    t.ok(facet, "there is a kind facet for avtale")
    if facet:
        call("POST", s + "/element/%s/click" % facet[0], {})
        deadline = time.time() + 20
        while time.time() < deadline and len(find_all("#results li.hit")) != 1:
            time.sleep(0.1)
        hits = find_all("#results li.hit a.hit-title")
        t.ok(len(hits) == 1 and text(hits[0]) == "Politirådsavtale 2023–2025"
             and "kind=avtale" in url(), "applying it leaves the agreement only, in the URL too",
             [text(h) for h in hits] + [url()])
        call("POST", s + "/url", {"url": sd.base + "/?q=%C3%A5pne+rusmilj%C3%B8"})

    # the list is rendered after the page loads: wait for the right first hit
    deadline = time.time() + 20
    hits = []
    while time.time() < deadline:
        hits = find_all("#results li.hit a.hit-title")
        if len(hits) == 4 and text(hits[0]) == "Politirådet 21.04.2023 — referat":
            break
        time.sleep(0.1)
    call("POST", s + "/element/%s/click" % hits[0], {})
    deadline = time.time() + 20
    title = []
    while time.time() < deadline:
        title = find_all("#doc h1#doc-title")
        if title and text(title[0]) == "Politirådet 21.04.2023 — referat":
            break
        time.sleep(0.1)
    t.ok(title and text(title[0]) == "Politirådet 21.04.2023 — referat",
         "opening the hit shows the document", [title and text(title[0]), url()])
    t.ok(find_all("#doc mark"), "with the matches marked")
    t.ok(find_all("#doc section#sak-7"), "and agenda item 7 can be linked to")
    t.ok("doc=" in url(), "the document view is in the URL", url())
    t.ok(os.path.getsize(shot("document.png")) > 10000, "a screenshot is saved")

    call("POST", s + "/url", {"url": sd.base + "/?q=rusmijl%C3%B8"})
    sug = wait_for("#suggestion a")
    t.ok(sug and text(sug[0]) == "rusmiljø", "a misspelling shows 'did you mean'",
         sug and text(sug[0]))
finally:
    if session:
        try:
            call("DELETE", "/session/" + session)
        except (OSError, RuntimeError):
            pass
    driver.terminate()
    driver.wait()
    sd.stop()

shutil.rmtree(tmp)
t.done()
