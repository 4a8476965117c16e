#!/usr/bin/env python3
"""tests/explain-html-check.py PAGE.html EXPLAIN.json: checks one `oomsim explain --format html` page against the
JSON explanation of the same log (tests/explain-html-tests.sh). Python's html.parser reads the page; what it must
show comes from the JSON, not from the page:
  - nothing is fetched: every href is a fragment of the page and resolves to an id on it; no src attribute, no
    url(...) or @import in the style sheet, no http(s) URL but the XHTML and SVG namespaces;
  - one <section class="report"> per report, in order, with the JSON's verdict;
  - the kernel's victim (the JSON's chosen_pid, or its first Killed pid) is the section's data-victim, and when the
    victim has a row of the table, its bar is the one highlighted bar (g.bar.victim) and its row the highlighted row;
  - every scored table row's terms add up to its points, and its points and rank are the JSON's.
Prints one line per failure; exit status 1 when any."""
import html.parser
import json
import re
import sys

page_path, json_path = sys.argv[1], sys.argv[2]
text = open(page_path, encoding="utf-8").read()
j = json.load(open(json_path, encoding="utf-8"))
fail = []


class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids = set()
        self.hrefs = []
        self.srcs = []
        self.sections = []   # dicts: attrs, bars, victim_bars, rows
        self.row = None      # the <tr> being read: attrs, cells
        self.cell = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if "href" in a:
            self.hrefs.append(a["href"])
        if "src" in a:
            self.srcs.append(a["src"])
        cls = (a.get("class") or "").split()
        if tag == "section" and "report" in cls:
            self.sections.append({"attrs": a, "bars": [], "victim_bars": [], "rows": []})
        if not self.sections:
            return
        sec = self.sections[-1]
        if tag == "g" and "bar" in cls:
            sec["bars"].append(int(a["data-pid"]))
            if "victim" in cls:
                sec["victim_bars"].append(int(a["data-pid"]))
        if tag == "tr" and "data-pid" in a:
            self.row = {"pid": int(a["data-pid"]), "victim": "victim" in cls, "cells": []}
            sec["rows"].append(self.row)
        if tag == "td" and self.row is not None:
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "td" and self.row is not None and self.cell is not None:
            self.row["cells"].append("".join(self.cell).strip())
            self.cell = None
        if tag == "tr":
            self.row = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


p = Page()
p.feed(text)
p.close()

# nothing fetched
for h in p.hrefs:
    if not h.startswith("#"):
        fail.append(f"a link leaves the page: {h}")
    elif h[1:] not in p.ids:
        fail.append(f"a link to nothing on the page: {h}")
if p.srcs:
    fail.append(f"src attributes: {p.srcs[:3]}")
style = re.search(r"<style>(.*?)</style>", text, re.S)
if style and re.search(r"url\(|@import", style.group(1)):
    fail.append("the style sheet loads something")
for url in re.findall(r"https?://[^\s\"'<>]+", text):
    if url not in ("http://www.w3.org/1999/xhtml", "http://www.w3.org/2000/svg"):
        # a URL inside the report's own lines is text, not a fetch: only attributes matter
        if re.search(r'=\s*"' + re.escape(url), text):
            fail.append(f"an attribute holds {url}")

reports = j["reports"]
if len(p.sections) != len(reports):
    fail.append(f"{len(p.sections)} report sections for {len(reports)} reports")
for i, (sec, r) in enumerate(zip(p.sections, reports), 1):
    a = sec["attrs"]
    if a.get("id") != f"report-{i}":
        fail.append(f"report {i}: section id {a.get('id')}")
    if a.get("data-verdict") != r["verdict"]:
        fail.append(f"report {i}: verdict {a.get('data-verdict')}, the JSON says {r['verdict']}")
    victim = 0
    if r["outcome"] in ("killed", "killed-allocating-task"):
        victim = r["chosen_pid"] or (r["killed"][0]["pid"] if r["killed"] else 0)
    if int(a.get("data-victim", -1)) != victim:
        fail.append(f"report {i}: data-victim {a.get('data-victim')}, the kernel's victim is {victim}")
    pids = [t["pid"] for t in r["tasks"]]
    if victim and victim in pids:
        if sec["victim_bars"] != [victim]:
            fail.append(f"report {i}: highlighted bars {sec['victim_bars']}, the kernel's victim is {victim}")
        vrows = [row["pid"] for row in sec["rows"] if row["victim"]]
        if vrows != [victim]:
            fail.append(f"report {i}: highlighted rows {vrows}, the kernel's victim is {victim}")
    elif victim and r["killed"] and r["killed"][0]["pid"] in pids:
        # the chosen pid is a thread's (or the parent of a sacrificed child): the Killed line's process is marked
        if sec["victim_bars"] != [r["killed"][0]["pid"]]:
            fail.append(f"report {i}: highlighted bars {sec['victim_bars']}, killed {r['killed'][0]['pid']}")
    elif sec["victim_bars"]:
        fail.append(f"report {i}: a bar is highlighted ({sec['victim_bars']}) but the victim {victim} has no row")
    if len(r["tasks"]) <= 60 and sec["bars"] != pids:
        fail.append(f"report {i}: bars {sec['bars'][:10]}..., table rows {pids[:10]}...")
    by_pid = {}
    for t in r["tasks"]:
        by_pid.setdefault(t["pid"], t)
    for row in sec["rows"]:
        t = by_pid.get(row["pid"])
        cells = row["cells"]
        if t is None:
            fail.append(f"report {i}: a row for pid {row['pid']}, which the JSON does not have")
            continue
        if t["points"] is None:
            continue
        # line pid uid name rss swapents pgtables adj | terms... | points rank verdict
        try:
            terms = [int(c) for c in cells[8:-3]]
            points, rank = int(cells[-3]), 0 if cells[-2] == "-" else int(cells[-2])
        except ValueError:
            fail.append(f"report {i}: pid {row['pid']} is scored in the JSON but its row is not: {cells}")
            continue
        if sum(terms) != points:
            fail.append(f"report {i}: pid {row['pid']}: the terms {terms} add up to {sum(terms)}, not {points}")
        if points != t["points"] or rank != t["rank"]:
            fail.append(f"report {i}: pid {row['pid']}: {points} points rank {rank}, the JSON says "
                        f"{t['points']} rank {t['rank']}")

for f in fail:
    print(f)
sys.exit(1 if fail else 0)
