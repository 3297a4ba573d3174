#!/usr/bin/env python3
"""Totals and facets over more matches than are counted exactly (1,000):
through the real arkiv-searchd, over 3,000 records imported in date order
(as an archive grows), the estimates must cover every year, not only the
first ones the matcher looked at, and say that they are estimates."""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from searchd_lib import BIN, Searchd, Tap, tempdir  # noqa: E402

RECORDS = 3000
YEARS = list(range(2001, 2011))  # 300 records a year, oldest first


def kind(i):
    """A pattern with a period of 7 (and 2): a sample of every 7th record
    would see one kind only."""
    return "avtale" if i % 7 == 0 else "referat" if i % 2 else "seminar"


KINDS = {k: sum(1 for i in range(RECORDS) if kind(i) == k) for k in ("avtale", "referat", "seminar")}

t = Tap()
tmp = tempdir()
src = os.path.join(tmp, "records.jsonl")
with open(src, "w") as f:
    for i in range(RECORDS):
        year = YEARS[i * len(YEARS) // RECORDS]
        words = ["kommunebudsjett", "drøftet", "i", "møtet", "nummer", str(i)]
        if i % 2 == 0:
            words.append("sykkelvei")
        if i % 100 == 0:
            words.append("snøbrøyting")
        f.write(json.dumps({"id": "r%04d" % i, "title": "Møte %d" % i, "text": " ".join(words),
                            "date": "%d-03-01" % year, "kind": kind(i)},
                           ensure_ascii=False) + "\n")
db = os.path.join(tmp, "db")
subprocess.run([os.path.join(BIN, "arkiv-index"), "--quiet", "--db", db, src], check=True,
               capture_output=True)
sd = Searchd(db, os.path.join(tmp, "searchd.log"))


def near(got, want, share):
    return got is not None and abs(got - want) <= share * want


st, body = sd.search("kommunebudsjett")
t.eq(st, 200, "a word in every record answers 200")
t.eq((body["total"]["value"], body["total"]["exact"]), (RECORDS, True),
     "a single word's total is exact: Xapian knows how many documents hold it")
t.eq(body["facets_exact"], False, "its facets say they are estimates")
years = body["facets"]["year"]
t.eq(sorted(years), [str(y) for y in YEARS],
     "the year facet estimates every year, the newest too, not only those indexed first")
t.ok(all(near(years.get(str(y)), RECORDS // len(YEARS), 0.3) for y in YEARS),
     "each year's estimate is within 30 % of its 300 records", years)
kinds = body["facets"]["kind"]
t.ok(sorted(kinds) == sorted(KINDS) and all(near(kinds[k], n, 0.3) for k, n in KINDS.items()),
     "each kind's estimate is within 30 %% of its records, though they come in a pattern %s" %
     KINDS, kinds)

st, body = sd.search("sykkelvei OR snøbrøyting")
t.ok(st == 200 and near(body["total"]["value"], RECORDS // 2, 0.1),
     "an estimated total of two words is within 10 % of the 1,500 records", body.get("total"))

st, body = sd.search("snøbrøyting")
t.eq((body["total"]["value"], body["total"]["exact"], body["facets_exact"]), (30, True, True),
     "under 1,000 matches, the total and the facets are exact")
t.eq(body["facets"]["year"], {str(y): 3 for y in YEARS}, "and the facets count every match")

out = subprocess.run([os.path.join(BIN, "arkiv-search"), "--db", db, "--facets",
                      "sykkelvei OR snøbrøyting"], capture_output=True, text=True).stdout
t.ok("About " in out and "(~" in out, "arkiv-search marks an estimated total and facets",
     out[:300])

sd.stop()
t.done()
