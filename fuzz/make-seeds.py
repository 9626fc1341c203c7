#!/usr/bin/env python3
"""Regenerate the fuzz targets' seed corpora (fuzz/corpus/TARGET/) from the
sample package in data/lga-sample.

    fuzz/make-seeds.py [PEERREVIEW]

PEERREVIEW is the built command-line tool (default: tools/peerreview), used to
write the flat form. The seeds are small on purpose (a few reviews each; the
whole sample once): libFuzzer mutates small inputs faster, and the corpus lives
in git. The input layout of each target is described at the top of its
fuzz/fuzz-TARGET.c; the byte values below follow those layouts.
"""
import csv
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
SAMPLE = os.path.join(TOP, "data", "lga-sample")
CORPUS = os.path.join(HERE, "corpus")
PEERREVIEW = sys.argv[1] if len(sys.argv) > 1 else os.path.join(TOP, "tools", "peerreview")

TABLES = ["reviews", "review_councils", "team_members", "items", "considerations", "sources"]
SEP = b"\n%%\n"  # FZ_SEP
MISSING = b"%"  # FZ_MISSING
FOLDER = b"%/"  # FZ_FOLDER

# fuzz.h option bits
SEMICOLON, CP1252, STOP_FIRST, SMALL_FIELD, IGNORE_UNKNOWN, FEW_RECORDS = 1, 2, 4, 8, 16, 32
ISO_8859_7 = CP1252 | FEW_RECORDS  # an encoding with bytes that have no character


def read_table(name):
    with open(os.path.join(SAMPLE, name + ".csv"), newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


SAMPLE_TABLES = {t: read_table(t) for t in TABLES}


def render(header, rows, delim=",", eol="\r\n"):
    out = io.StringIO()
    w = csv.writer(out, delimiter=delim, lineterminator=eol, quoting=csv.QUOTE_MINIMAL)
    w.writerow(header)
    w.writerows(rows)
    return out.getvalue()


def subset(ids):
    """The tables of the sample holding only the reviews ids, as {table: (header, rows)}."""
    ids = set(ids)
    return {t: (h, [r for r in rows if r[0] in ids]) for t, (h, rows) in SAMPLE_TABLES.items()}


def minimal_descriptor(tables=TABLES):
    return json.dumps(
        {
            "profile": "tabular-data-package",
            "name": "fuzz-seed",
            "title": "Seed package",
            "resources": [{"name": t, "path": t + ".csv"} for t in tables],
        },
        indent=1,
    ).encode()


def package(tables, descriptor=None, delim=",", eol="\r\n", encoding="utf-8", bom=False,
            extra=()):
    """FZ_SEP-separated parts: the six tables (None = missing), the descriptor, extra files."""
    parts = []
    for t in TABLES:
        if tables.get(t) is None:
            parts.append(MISSING)
            continue
        text = tables[t] if isinstance(tables[t], str) else render(*tables[t], delim, eol)
        data = text.encode(encoding)
        if bom and t == "reviews":
            data = b"\xef\xbb\xbf" + data
        parts.append(data)
    parts.append(MISSING if descriptor is None else descriptor)
    parts.extend(extra)
    return SEP.join(parts)


def flat(tables):
    """The flat form of tables, as the library writes it."""
    with tempfile.TemporaryDirectory() as tmp:
        pkg = os.path.join(tmp, "pkg")
        os.mkdir(pkg)
        for t, (h, rows) in tables.items():
            with open(os.path.join(pkg, t + ".csv"), "w", newline="", encoding="utf-8") as f:
                f.write(render(h, rows))
        out = os.path.join(tmp, "flat.csv")
        subprocess.run([PEERREVIEW, "convert", "--flat", pkg, out], check=True)
        with open(out, "rb") as f:
            return f.read()


def recode(data, delim=",", encoding="utf-8"):
    """A CSV file (bytes, UTF-8) written again with another delimiter and encoding."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    return render(rows[0], rows[1:], delim).encode(encoding)


def with_notes(tables, review_id, notes):
    h, rows = tables["reviews"]
    col = h.index("notes")
    rows = [r[:col] + [notes] + r[col + 1:] if r[0] == review_id else r for r in rows]
    return dict(tables, reviews=(h, rows))


written = {}


def seed(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)
    written[target] = written.get(target, 0) + len(data)


def main():
    for target in ("package", "flat", "reader", "roundtrip", "values", "descriptor", "stream",
                   "csvdiff"):
        shutil.rmtree(os.path.join(CORPUS, target), ignore_errors=True)

    with open(os.path.join(SAMPLE, "datapackage.json"), "rb") as f:
        sample_descriptor = f.read()
    full = subset(r[0] for r in SAMPLE_TABLES["reviews"][1])
    safeguarding = subset(["e10000034-csg-2015-04"])  # items, considerations, sources
    progress = subset(["e07000237-cpc-2025-04", "e07000237-cpcpr-2026-03"])  # parent + child
    joint = subset(["e07000235-cpc-2018-03"])  # two councils
    undated = subset(["e09000020-cpc-undated"])  # no date at all: a warning
    team = subset(["e10000031-cpc-2014-09"])  # nine team members
    three = subset(["e10000034-cpc-2012", "e07000239-cpc-2017-03", "e07000239-cpcfu-2019"])
    accents = with_notes(joint, "e07000235-cpc-2018-03",
                         "Caf\u00e9 \u2013 \u00a34 million for \u201ccritical friends\u201d")
    desc = minimal_descriptor()

    # Text cells a spreadsheet writes: quotes, commas, line breaks, formula triggers.
    h, rows = safeguarding["items"]
    awkward_items = (h, rows + [
        ["e10000034-csg-2015-04", "other", "1", 'He said "no", then\r\nleft; =SUM(A1)'],
        ["e10000034-csg-2015-04", "other", "2", " padded  "],
    ])
    awkward = dict(safeguarding, items=awkward_items)

    # A package with one problem of each common kind.
    h, rows = three["reviews"]
    bad_reviews = (h, [rows[0][:6] + ["2015-02-29"] + rows[0][7:],  # no such day
                       [rows[1][0], "Corporate"] + rows[1][2:],  # enum case
                       rows[1],
                       rows[1]])  # duplicate review_id
    h, rows = three["items"]
    errors = dict(three, reviews=bad_reviews, items=(h, rows + [
        ["no-such-review", "focus", "1", "orphan"],
        [rows[0][0], "focus", "9", "a seq gap"],
    ] if rows else [["no-such-review", "focus", "1", "orphan"]]))

    # ---- package ----
    P = "package"
    seed(P, "sample-full", bytes([0]) + package(full, sample_descriptor))
    seed(P, "safeguarding", bytes([0]) + package(safeguarding, desc))
    seed(P, "progress", bytes([0]) + package(progress, desc))
    seed(P, "joint", bytes([0]) + package(joint))
    seed(P, "undated", bytes([0]) + package(undated, desc))
    seed(P, "team", bytes([0]) + package(team, desc))
    seed(P, "awkward-text", bytes([0]) + package(awkward, desc))
    seed(P, "semicolon", bytes([SEMICOLON]) + package(progress, desc, delim=";"))
    seed(P, "windows-1252", bytes([CP1252]) + package(accents, desc, encoding="cp1252"))
    seed(P, "bom-lf", bytes([0]) + package(three, desc, eol="\n", bom=True))
    seed(P, "cr", bytes([0]) + package(three, None, eol="\r"))
    seed(P, "reviews-only", bytes([0]) + package({"reviews": three["reviews"]}))
    seed(P, "listed-but-missing",
         bytes([0]) + package({"reviews": three["reviews"]}, desc))
    seed(P, "extra-files", bytes([0]) + package(
        three, desc, extra=[render(*three["items"]).encode(), b"a,b\r\n1,2\r\n", b"x", FOLDER]))
    seed(P, "table-is-folder", bytes([0]) + SEP.join(
        [render(*three["reviews"]).encode(), FOLDER, MISSING, MISSING, MISSING, MISSING,
         MISSING]))
    seed(P, "errors", bytes([0]) + package(errors, desc))
    seed(P, "errors-stop-first", bytes([STOP_FIRST]) + package(errors, desc))
    seed(P, "small-field", bytes([SMALL_FIELD]) + package(three, desc))
    h, rows = three["reviews"]
    seed(P, "unknown-column-ignored", bytes([IGNORE_UNKNOWN]) + package(
        dict(three, reviews=(h + ["comment"], [r + ["x"] for r in rows])), desc))
    seed(P, "few-records", bytes([FEW_RECORDS]) + package(full, None))
    seed(P, "path-descriptor", bytes([0x80]) + package(progress, desc))
    seed(P, "path-reviews-csv", bytes([0xC0]) + package(progress, None))
    seed(P, "path-slash", bytes([0x40]) + package(joint, desc))
    h, rows = three["reviews"]
    stage, parent = h.index("stage"), h.index("parent_review_id")
    chain = [r[:] for r in rows]
    chain[1][stage], chain[1][parent] = "progress", chain[2][0]  # follows a progress review
    seed(P, "parent-is-progress", bytes([0]) + package(dict(three, reviews=(h, chain)), desc))
    seed(P, "iso-8859-7", bytes([ISO_8859_7]) + package(
        with_notes(three, rows[0][0], "\u0391\u0392 \u00a3"), desc, encoding="iso-8859-7")
        .replace("\u00a3".encode("iso-8859-7"), b"\xae"))  # 0xAE: no character

    # ---- flat ----
    F = "flat"
    flat_full = flat(full)
    seed(F, "sample-full", bytes([0]) + flat_full)
    for name, tables in (("safeguarding", safeguarding), ("progress", progress),
                         ("joint", joint), ("team", team)):
        seed(F, name, bytes([0]) + flat(tables))
    seed(F, "semicolon", bytes([SEMICOLON]) + recode(flat(progress), ";"))
    seed(F, "windows-1252", bytes([CP1252]) + recode(flat(accents), encoding="cp1252"))
    seed(F, "bom", bytes([0]) + b"\xef\xbb\xbf" + flat(joint))
    seed(F, "form-flat-txt", bytes([0x40]) + flat(three))
    seed(F, "named-reviews-csv", bytes([0x80]) + flat(undated))
    seed(F, "upper-case-csv", bytes([0xC0]) + flat(joint))
    # invalid data cannot be converted: break valid flat files instead
    bad = flat(progress).replace(b",initial,", b",Initial,", 1).replace(
        b",progress,e07000237-cpc-2025-04,", b",progress,no-such-parent,", 1)
    seed(F, "errors", bytes([0]) + bad)
    bad = flat(three).replace(b"e10000034-cpc-2012,", b"e07000239-cpc-2017-03,", 1)
    seed(F, "errors-stop-first", bytes([STOP_FIRST]) + bad.replace(b",2017-03,", b",2017-02-30,"))

    # ---- reader ----
    R = "reader"
    for i, t in enumerate(TABLES):
        data = render(*safeguarding[t]).encode() if safeguarding[t][1] else render(
            *three[t]).encode()
        seed(R, t, bytes([i | i << 3, 0]) + data)
        seed(R, t + "-by-name", bytes([6 | i << 3, 0]) + data)
    seed(R, "items-awkward", bytes([3 | 3 << 3, 0]) + render(*awkward_items).encode())
    seed(R, "reviews-semicolon", bytes([0, SEMICOLON]) + render(*full["reviews"], ";").encode())
    seed(R, "reviews-windows-1252",
         bytes([0, CP1252]) + render(*accents["reviews"]).encode("cp1252"))
    seed(R, "reviews-errors", bytes([0, 0]) + render(*bad_reviews).encode())
    seed(R, "items-errors-stop-first", bytes([3 | 3 << 3, STOP_FIRST]) + render(
        *errors["items"]).encode())
    seed(R, "team-small-field", bytes([2 | 2 << 3, SMALL_FIELD]) + render(*team["team_members"]).encode())
    seed(R, "sources-few-records", bytes([5 | 5 << 3, FEW_RECORDS]) + render(*full["sources"]).encode())
    seed(R, "items-wrong-table", bytes([3 | 1 << 3, 0]) + render(*awkward_items).encode())
    spectrum = os.path.join(TOP, "tests", "conformance", "csv-spectrum", "csvs")
    for name in ("escaped_quotes.csv", "newlines_crlf.csv", "quotes_and_newlines.csv"):
        path = os.path.join(spectrum, name)
        if os.path.exists(path):
            with open(path, "rb") as f:
                seed(R, "spectrum-" + name[:-4], bytes([3 | 3 << 3, IGNORE_UNKNOWN]) + f.read())

    # ---- stream: memory and callbacks (bits 6-7 of the options: what is read;
    # then the sizes of the callback's reads) ----
    S = "stream"
    FLAT, REVIEWS, ITEMS, TEAM = 0, 0x40, 0x80, 0xC0
    seed(S, "flat-one-byte-reads", bytes([FLAT, 0]) + flat(joint))
    seed(S, "flat-progress", bytes([FLAT, 17]) + flat(progress))
    seed(S, "flat-semicolon", bytes([FLAT | SEMICOLON, 3]) + recode(flat(progress), ";"))
    seed(S, "flat-windows-1252",
         bytes([FLAT | CP1252, 1]) + recode(flat(accents), encoding="cp1252"))
    seed(S, "flat-bom-small-field", bytes([FLAT | SMALL_FIELD, 2]) + b"\xef\xbb\xbf" + flat(three))
    seed(S, "flat-errors", bytes([FLAT, 5]) + bad)
    seed(S, "reviews", bytes([REVIEWS, 0]) + render(*full["reviews"]).encode())
    seed(S, "reviews-errors", bytes([REVIEWS, 9]) + render(*bad_reviews).encode())
    seed(S, "reviews-few-records", bytes([REVIEWS | FEW_RECORDS, 64]) + render(
        *full["reviews"]).encode())
    seed(S, "items-awkward", bytes([ITEMS, 0]) + render(*awkward_items).encode())
    seed(S, "items-errors-stop-first", bytes([ITEMS | STOP_FIRST, 4]) + render(
        *errors["items"]).encode())
    seed(S, "team-small-field", bytes([TEAM | SMALL_FIELD, 0]) + render(
        *team["team_members"]).encode())

    # ---- csvdiff: options (bits 0-1 the delimiter, 4 a small field limit, 8 keep
    # the header's fields), the sizes of the callback's reads, the bytes ----
    C = "csvdiff"
    COMMA, SEMI, TAB, BAR, SMALL, KEEP = 0, 1, 2, 3, 4, 8
    for t in TABLES:
        seed(C, t, bytes([COMMA, 7]) + render(*full[t]).encode())
    seed(C, "items-lf-one-byte-reads", bytes([COMMA, 0]) + render(
        *safeguarding["items"], eol="\n").encode())
    seed(C, "items-semicolon", bytes([SEMI, 3]) + render(*safeguarding["items"], delim=";").encode())
    seed(C, "items-tab", bytes([TAB, 250]) + render(*safeguarding["items"], delim="\t").encode())
    seed(C, "items-bar-cr", bytes([BAR, 1]) + render(*safeguarding["items"], delim="|",
                                                     eol="\r").encode())
    seed(C, "items-small-field", bytes([SMALL, 2]) + render(*safeguarding["items"]).encode())
    seed(C, "items-keep", bytes([KEEP, 5]) + b"review_id,kind\r\n" + render(
        *safeguarding["items"]).encode())
    seed(C, "multiline", bytes([COMMA, 1]) + b'h,i\n"a\r\nb","c\rd"\r\n"e\n\nf",""""\n'
         b'"x\r\r\ny",z\n')
    seed(C, "blank-lines", bytes([COMMA, 2]) + b"h,i\r\n\r\n\na,b\n\r\r\nc,d\r\n\n")
    seed(C, "empty-fields", bytes([COMMA, 3]) + b'h,i,j\n,,\n"",,""\n,\n\n,,,\n')
    seed(C, "no-final-line-end", bytes([COMMA, 4]) + b'h,i\na,"b"')
    seed(C, "bom", bytes([COMMA, 5]) + b"\xef\xbb\xbfh,i\n\xc3\xa9,\xe2\x82\xac\xf0\x9f\x98\x80\n")
    seed(C, "invalid-utf8", bytes([COMMA, 6]) + b'h,i\na\xc3,b\n"\xe2\x82",c\nd,\xff\ne,\xed\xa0\x80\n'
         b'f,\xf4\x90\x80\x80\ng,h\xc3')
    seed(C, "nul", bytes([COMMA, 7]) + b'h,i\na\x00b,c\n"\x00",d\ne,f\n')
    seed(C, "stray-quote", bytes([COMMA, 8]) + b'h,i\na,b\nc,d"e\nf,g\n')
    seed(C, "after-closing-quote", bytes([COMMA, 9]) + b'h,i\na,b\n"c"d,e\n')
    seed(C, "unterminated-quote", bytes([COMMA, 10]) + b'h,i\na,b\nc,"d\ne,f\n')
    seed(C, "closing-quote-at-end", bytes([COMMA, 11]) + b'h,i\na,"b"')
    seed(C, "wrong-delimiter", bytes([COMMA, 12]) + b"h;i\na;b\n")
    seed(C, "many-fields", bytes([COMMA, 200]) + b"h\n" + b"," * 4100 + b"\n")
    seed(C, "small-field-long", bytes([SMALL, 13]) + b'h,i\na,b\n"0123456789abcdef""x",y\n')
    seed(C, "keep-wider", bytes([KEEP, 14]) + b'h,i\na,b,c,"d,e"\nf\n')

    # ---- roundtrip ----
    T = "roundtrip"
    for name, tables in (("safeguarding", safeguarding), ("progress", progress),
                         ("joint", joint), ("awkward-text", awkward)):
        seed(T, name + "-to-package", bytes([0, 0]) + package(tables, desc))
        seed(T, name + "-to-flat", bytes([0, 2]) + package(tables, desc))
    seed(T, "flat-to-package", bytes([0, 1]) + flat(team))
    seed(T, "flat-to-flat", bytes([0, 3]) + flat(three))
    seed(T, "over-old-package", bytes([0, 4]) + package(three, desc))
    seed(T, "over-old-flat", bytes([0, 7]) + flat(undated))
    seed(T, "semicolon", bytes([SEMICOLON, 0]) + package(progress, desc, delim=";"))
    seed(T, "windows-1252", bytes([CP1252, 2]) + package(accents, desc, encoding="cp1252"))
    h, rows = safeguarding["items"]
    gap = dict(safeguarding, items=(h, [r for r in rows if r[2] != "2"]))
    seed(T, "seq-gap-to-flat", bytes([0, 2]) + package(gap, desc))
    h, rows = joint["review_councils"]
    piped = dict(joint, review_councils=(h, [[v.replace(" Council", " | Council") for v in r]
                                             for r in rows]))
    seed(T, "bar-in-council-to-flat", bytes([0, 2]) + package(piped, desc))
    tiny = {"reviews": (["review_id", "review_type", "stage", "onsite_start"],
                        [["r1", "corporate", "initial", "2015"]]),
            "review_councils": (["review_id", "seq", "gss_code", "council_name", "authority_type"],
                                [["r1", "1", "E06000001", "Aa Council", "unitary"],
                                 ["r1", "2", "E06000002", "Bb Council", "unitary"]])}
    seed(T, "small-field-to-package", bytes([SMALL_FIELD, 0]) + package(tiny))

    # ---- values: table, column, value ----
    V = "values"
    cols = {t: SAMPLE_TABLES[t][0] for t in TABLES}

    def value(t, col, v, tag):
        ti = TABLES.index(t)
        seed(V, "%s-%s-%s" % (t, col, tag), bytes([ti, cols[t].index(col)]) + v.encode("utf-8",
                                                                                        "surrogateescape"))

    for tag, v in (("year", "2015"), ("month", "2015-04"), ("day", "2015-06-18"),
                   ("leap", "2016-02-29"), ("not-leap", "2015-02-29"), ("1900", "1900-02-29"),
                   ("2000", "2000-02-29"), ("zero", "0000-01-01"), ("month-13", "2015-13"),
                   ("day-31", "2015-04-31"), ("space", " 2015"), ("slash", "2015/04/01")):
        value("reviews", "onsite_start", v, tag)
    for tag, v in (("zero", "0"), ("one", "1"), ("leading-zero", "007"),
                   ("max", "9223372036854775807"), ("over", "9223372036854775808"),
                   ("sign", "+5"), ("decimal", "1.5")):
        value("reviews", "team_size", v, tag)
        value("items", "seq", v, tag)
    for tag, v in (("ok", "county"), ("case", "County"), ("space", "london borough")):
        value("review_councils", "authority_type", v, tag)
    value("review_councils", "region_name", "Yorkshire and The Humber", "ok")
    value("items", "kind", "area_for_consideration", "ok")
    for tag, v in (("county", "E10000034"), ("wales", "W06000001"), ("region", "E12000005"),
                   ("short", "E1000003"), ("lower", "e10000034")):
        value("review_councils", "gss_code", v, tag)
    value("review_councils", "region_gss", "E12000009", "ok")
    value("review_councils", "region_gss", "E12000000", "zero")
    value("review_councils", "dfe_la_code", "885", "ok")
    for tag, v in (("ok", "e10000034-csg-2015-04"), ("hyphen-first", "-abc"),
                   ("upper", "E10000034"), ("long", "a" * 81)):
        value("reviews", "review_id", v, tag)
    for tag, v in (("https", "https://www.local.gov.uk/peer-challenges"),
                   ("query", "http://example.org/a?b=c#d"), ("upper", "HTTPS://EXAMPLE.ORG/"),
                   ("no-host", "http:///path"), ("space", "http://a b"), ("ftp", "ftp://x"),
                   ("user", "https://user@host:8080/x"), ("utf8", "https://caf\u00e9.example/")):
        value("sources", "url", v, tag)
    value("reviews", "notes", "Caf\u00e9 \u2013 \u201cquoted\u201d, with\r\nlines", "utf8")
    value("reviews", "notes", "=HYPERLINK(\"x\")", "formula")
    value("reviews", "notes", "bad \udcff byte", "invalid-utf8")
    value("items", "text", "text", "ok")
    for tag, tsel, csel, v in (("table-out-of-range", 6, 0, "x"), ("table-negative", 0xFF, 0, "x"),
                               ("column-out-of-range", 0, 200, "2015")):
        seed(V, "selector-" + tag, bytes([tsel, csel]) + v.encode())

    # ---- descriptor: selector, datapackage.json ----
    D = "descriptor"
    seed(D, "sample", bytes([0]) + sample_descriptor)
    seed(D, "minimal", bytes([0]) + desc)
    seed(D, "minimal-children-missing", bytes([0x1F]) + desc)
    seed(D, "reviews-only-children-missing",
         bytes([0x1F]) + minimal_descriptor(["reviews"]))
    seed(D, "path-descriptor", bytes([0x20]) + desc)
    seed(D, "escapes", bytes([0]) + (
        b'{"name": "a\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00", '
        b'"title": "T\\u0000itle", "description": "caf\xc3\xa9 \xe2\x80\x93", '
        b'"resources": [{"path": "reviews.csv"}, {"path": "items.csv", "x": [1, -2.5e3, true, '
        b'false, null, {}]}, 7, "s"], "other": {"nested": [[[]]]}}'))
    # a user's metadata beside ours, which a save keeps (issue 9)
    seed(D, "user-metadata", bytes([0]) + json.dumps({
        "$schema": "https://specs.frictionlessdata.io/schemas/data-package.json",
        "name": "my-reviews", "title": "Ours", "profile": "data-package",
        "licenses": [{"name": "OGL-UK-3.0", "title": "Open Government Licence"}],
        "keywords": ["peer review"], "version": 1.5,
        "resources": [
            {"name": "reviews", "path": "reviews.csv", "title": "Reviews", "bytes": 1,
             "schema": {"uniqueKeys": [["review_id"]],
                        "fields": [{"name": "notes", "title": "Notes"}, {"name": "ghost"}]}},
            {"name": "Items", "path": "items.csv", "description": "Findings"},
            {"name": "photos", "path": "photos.zip"}]}, indent=1).encode())
    seed(D, "not-json", bytes([0]) + b"{\"name\": \"unterminated")
    seed(D, "not-an-object", bytes([0]) + b"[\"resources\"]")
    seed(D, "deep", bytes([0]) + b"{\"x\": " + b"[" * 70 + b"]" * 70 + b"}")
    seed(D, "resources-not-array", bytes([0x40]) + b'{"resources": {"path": "items.csv"}}')
    # an empty datapackage.json: fuzz/regressions/descriptor/open-empty-datapackage-json

    for target in sorted(written):
        print("fuzz/corpus/%s: %d files, %d bytes" % (
            target, len(os.listdir(os.path.join(CORPUS, target))), written[target]))


main()
