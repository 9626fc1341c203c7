"""The Python side of make bench (bench/README.md).

    python pybench.py load DIR [MAX_RECORDS]   peerreview.load + touch every review
    python pybench.py dictreader DIR           csv.DictReader over the six tables
    python pybench.py pandas DIR               pandas.read_csv of the six tables
    python pybench.py can-import MODULE        exit 0 if MODULE imports

Each reads every table of the package DIR and prints what it saw. "Touching"
a review reads its review_id through the Review object, so that each review
crosses into Python once; pandas and csv.DictReader make every cell a Python
string. Exits 1 when the counts are not those of a package (e.g. no
reviews), 2 when the module is missing.
"""
import sys

TABLES = ("reviews", "review_councils", "team_members", "items", "considerations", "sources")


def load(path, max_records=None):
    import peerreview
    options = {"max_records": int(max_records)} if max_records else {}
    ds = peerreview.load(path, **options)
    n = 0
    for review in ds:
        if review.review_id:
            n += 1
    print("pybench load: %d reviews touched (peerreview %s)" % (n, peerreview.__version__))
    return n


def dictreader(path):
    import csv
    rows = 0
    for t in TABLES:
        with open("%s/%s.csv" % (path, t), newline="", encoding="utf-8") as f:
            for _ in csv.DictReader(f, strict=True):
                rows += 1
    print("pybench dictreader: %d rows" % rows)
    return rows


def pandas_read(path):
    import pandas
    rows = 0
    for t in TABLES:
        frame = pandas.read_csv("%s/%s.csv" % (path, t), dtype=str, keep_default_na=False)
        rows += len(frame)
    print("pybench pandas: %d rows (pandas %s)" % (rows, pandas.__version__))
    return rows


def main(argv):
    if len(argv) >= 3 and argv[1] == "can-import":
        try:
            __import__(argv[2])
        except ImportError as e:
            print("pybench: cannot import %s: %s" % (argv[2], e))
            return 2
        return 0
    if len(argv) < 3 or argv[1] not in ("load", "dictreader", "pandas"):
        sys.stderr.write(__doc__)
        return 2
    if argv[1] == "load":
        n = load(argv[2], argv[3] if len(argv) > 3 else None)
    elif argv[1] == "dictreader":
        n = dictreader(argv[2])
    else:
        n = pandas_read(argv[2])
    return 0 if n > 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
