#!/usr/bin/env python3
"""Checks of a page written by `peerreview report` (tests/cli/test-cli-report.sh).

Standard library only. Each check prints what differs and exits 1, or exits 0:

  report-check.py structure PAGE CSV...   the markup contract; no request out of
                                          the page (every link: #id or a URL of CSV...)
  report-check.py figures PAGE STATS      the figures equal `stats --format json`
  report-check.py reviews PAGE REVIEWS [MISSING...]
                                          a table row and a section for every review
                                          of REVIEWS (reviews.csv) but MISSING
  report-check.py problems-first PAGE     errors listed, before the figures and reviews
"""
import csv
import json
import sys
from collections import Counter, defaultdict
from html.parser import HTMLParser

CSP = ("default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
       "img-src data:")
CHARTS = ["years", "regions", "authority-types", "item-kinds", "repeat-councils"]
VOID = {"meta", "br", "img", "input", "link", "hr", "wbr", "source", "col", "area", "base"}


class Node:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent = tag, dict(attrs), parent
        self.children, self.text = [], []

    def walk(self):
        yield self
        for c in self.children:
            yield from c.walk()

    def find_all(self, tag=None, **attrs):
        return [n for n in self.walk() if (tag is None or n.tag == tag)
                and all(n.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())]

    def all_text(self):
        return "".join(self.text) + "".join(c.all_text() for c in self.children)


class Tree(HTMLParser):
    """A tree of the page; SVG elements written <x/> are closed at once."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", [], None)
        self.cur = self.root
        self.order = []  # (tag, id) of every element, in document order
        self.decl = None

    def handle_decl(self, decl):
        if self.decl is None:
            self.decl = decl

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.cur)
        self.cur.children.append(node)
        self.order.append(node)
        if tag not in VOID:
            self.cur = node

    def handle_startendtag(self, tag, attrs):
        node = Node(tag, attrs, self.cur)
        self.cur.children.append(node)
        self.order.append(node)

    def handle_endtag(self, tag):
        n = self.cur
        while n is not self.root and n.tag != tag:
            n = n.parent
        if n is not self.root:
            self.cur = n.parent

    def handle_data(self, data):
        self.cur.text.append(data)


def parse(path):
    with open(path, encoding="utf-8") as f:  # fails on invalid UTF-8
        text = f.read()
    t = Tree()
    t.feed(text)
    t.close()
    return text, t


failures = []


def expect(cond, what):
    if not cond:
        failures.append(what)


def structure(page, csvs):
    text, t = parse(page)
    expect(text.startswith("<!DOCTYPE html>\n"), "the page starts with <!DOCTYPE html>")
    html = t.root.find_all("html")
    expect(len(html) == 1 and html[0].attrs.get("lang") == "en", '<html lang="en">')
    metas = t.root.find_all("meta")
    expect(any(m.attrs.get("charset") == "utf-8" for m in metas), '<meta charset="utf-8">')
    expect(any(m.attrs.get("name") == "viewport" and m.attrs.get("content") ==
               "width=device-width, initial-scale=1" for m in metas), "the viewport meta")
    expect(any(m.attrs.get("http-equiv") == "Content-Security-Policy" and
               m.attrs.get("content") == CSP for m in metas), "the Content-Security-Policy meta")
    for name in CHARTS:
        figs = t.root.find_all("figure", id="chart-" + name)
        if len(figs) != 1 or figs[0].attrs.get("class") != "chart":
            failures.append("one <figure class=\"chart\" id=\"chart-%s\">" % name)
            continue
        svgs = figs[0].find_all("svg")
        expect(len(svgs) == 1 and svgs[0].attrs.get("role") == "img",
               "chart-%s: one <svg role=\"img\">" % name)
        expect(svgs and svgs[0].children and svgs[0].children[0].tag == "title"
               and svgs[0].children[0].all_text().strip(),
               "chart-%s: the SVG's first child is a <title> with text" % name)
        expect(svgs and "viewBox" in svgs[0].attrs or "viewbox" in svgs[0].attrs,
               "chart-%s: the SVG has a viewBox" % name)
        expect(len(figs[0].find_all("table")) == 1, "chart-%s: a <table> of its values" % name)
    expect(len(t.root.find_all("section", id="problems")) == 1, '<section id="problems">')
    # nothing is loaded: no src, no <link>, no url() or @import in the styles
    for n in t.root.walk():
        expect("src" not in n.attrs, "no src attribute (<%s>)" % n.tag)
        expect(n.tag not in ("link", "iframe", "object", "embed", "img", "base"),
               "no <%s>" % n.tag)
    for n in t.root.find_all("style"):
        expect("url(" not in n.all_text() and "@import" not in n.all_text(),
               "no url() or @import in the style sheet")
    scripts = t.root.find_all("script")
    expect(len(scripts) == 1 and not scripts[0].attrs, "one inline script")
    # every link: to an element of the page, or an address of the data
    urls = set()
    for path in csvs:
        with open(path, encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                for col in ("url", "report_url"):
                    if row.get(col):
                        urls.add(row[col])
    ids = {n.attrs["id"] for n in t.root.walk() if "id" in n.attrs}
    for a in t.root.find_all("a"):
        href = a.attrs.get("href", "")
        if href.startswith("#"):
            expect(href[1:] in ids, "the link %s goes to an element of the page" % href)
        else:
            expect(href in urls, "the link %s is an address of the data" % href)


def figures(page, stats_path):
    with open(stats_path, encoding="utf-8") as f:
        stats = json.load(f)
    _, t = parse(page)
    # totals of the header
    for key in ("reviews", "councils", "council_reviews", "items"):
        dd = t.root.find_all("dd", data_total=key)
        expect(len(dd) == 1 and dd[0].all_text().strip() == str(stats[key]),
               "the header's %s is %s" % (key, stats[key]))
    # reviews per year and type: each cell of the table; sums per year and per type
    fig = t.root.find_all("figure", id="chart-years")[0]
    per_year, per_type = Counter(), Counter()
    cells = [n for n in fig.find_all("td") if "data-count" in n.attrs]
    for n in cells:
        count = int(n.attrs["data-count"])
        expect(n.all_text().strip() == str(count), "a cell shows its data-count")
        per_year[n.attrs["data-year"]] += count
        per_type[n.attrs["data-type"]] += count
    want_year = {k: v for k, v in stats["year"].items() if v}
    want_type = {k: v for k, v in stats["review_type"].items() if v}
    expect({k: v for k, v in per_year.items() if v} == want_year,
           "reviews per year %s, stats says %s" % (dict(per_year), want_year))
    expect(dict(per_type) == want_type,
           "reviews per type %s, stats says %s" % (dict(per_type), want_type))
    rows = [n.attrs["data-year"] for n in fig.find_all("tr") if "data-year" in n.attrs]
    expect(rows == list(stats["year"]), "a row per year of stats, in its order: %s" % rows)
    # regions, authority types, item kinds: every value of stats, in its order
    for name, key in (("regions", "region"), ("authority-types", "authority_type"),
                      ("item-kinds", "item_kind")):
        fig = t.root.find_all("figure", id="chart-" + name)[0]
        got = [(n.attrs["data-key"], int(n.attrs["data-count"]))
               for n in fig.find_all("tr", data_category=key)]
        want = list(stats[key].items())
        expect(got == want, "chart-%s: %s, stats says %s" % (name, got, want))
        svg_values = [n.all_text() for n in fig.find_all("text") if n.attrs.get("class") == "value"]
        expect(svg_values == [str(c) for _, c in want],
               "chart-%s: the SVG writes each count as text: %s" % (name, svg_values))
    # councils reviewed more than once: the same councils and reviews
    fig = t.root.find_all("figure", id="chart-repeat-councils")[0]
    got = defaultdict(set)
    for n in fig.find_all("tr"):
        if "data-council" in n.attrs:
            got[n.attrs["data-council"]].add(n.attrs["data-review"])
    want = {c["gss_code"] or c["council_name"]: set(c["review_ids"])
            for c in stats["councils_reviewed_more_than_once"]}
    expect(dict(got) == want, "chart-repeat-councils: %s, stats says %s" % (dict(got), want))


def reviews(page, reviews_csv, missing):
    _, t = parse(page)
    with open(reviews_csv, encoding="utf-8", newline="") as f:
        ids = [row["review_id"] for row in csv.DictReader(f)]
    want = [i for i in ids if i not in missing]
    table = t.root.find_all("table", id="reviews")
    expect(len(table) == 1, 'one <table id="reviews">')
    if table:
        body = table[0].find_all("tbody")
        rows = body[0].find_all("tr") if body else []
        links = []
        for r in rows:
            a = [x.attrs.get("href") for x in r.find_all("a")]
            links.append(a[0] if a else None)
        expect(links == ["#review-" + i for i in want],
               "a row linking to each review, in order: %s" % links)
    sections = [n.attrs.get("id") for n in t.root.find_all("section")
                if n.attrs.get("class") == "review"]
    expect(sections == ["review-" + i for i in want],
           "a section per review, in order: %s" % sections)


def problems_first(page):
    _, t = parse(page)
    order = [n.attrs.get("id") for n in t.order if n.attrs.get("id")]
    first_review = next((i for i in order if i.startswith("review-")), None)
    expect("problems" in order and "figures" in order and
           order.index("problems") < order.index("figures") and
           (first_review is None or order.index("problems") < order.index(first_review)),
           "the problems come before the figures and the reviews")
    sec = t.root.find_all("section", id="problems")
    errors = [n for n in sec[0].find_all("li") if "error-row" in n.attrs.get("class", "")] \
        if sec else []
    expect(errors, "the problems list errors")


def main(argv):
    what = argv[1]
    if what == "structure":
        structure(argv[2], argv[3:])
    elif what == "figures":
        figures(argv[2], argv[3])
    elif what == "reviews":
        reviews(argv[2], argv[3], set(argv[4:]))
    elif what == "problems-first":
        problems_first(argv[2])
    else:
        print("report-check.py: unknown check %r" % what, file=sys.stderr)
        return 2
    for f in failures:
        print("#   " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
