#!/usr/bin/env python3
"""A starting point for data teams: load, filter, summarise, save.

Usage: summarise.py [PACKAGE_OR_FLAT_CSV] [OUTPUT]
Loads the dataset (default: the sample in data/lga-sample), prints counts by
review type and by year (of the visit, else of the report; reviews with
neither date are counted under "no date"), lists corporate peer challenges
with their councils, summarises the items with pandas if it is installed, and
saves the corporate reviews to OUTPUT: a package folder, or one flat file if
OUTPUT ends in .csv. Without OUTPUT they go to a new temporary folder, never
the current directory, and the script says where.
"""

import collections
import os
import sys
import tempfile

import peerreview

SAMPLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "data",
                      "lga-sample")


def year(review):
    """Year of the visit, else of the report; None when the review has neither."""
    date = review.onsite_start or review.report_date
    return date[:4] if date else None


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else SAMPLE
    try:
        ds = peerreview.load(path)
    except peerreview.DataError as e:
        for problem in e.problems:  # file:line:column: severity: field: message [code]
            print(problem, file=sys.stderr)
        return 1
    print("%d reviews" % len(ds))

    by_type = collections.Counter(r.review_type for r in ds)
    for review_type, n in by_type.most_common():
        print("  %-24s %d" % (review_type, n))

    by_year = collections.Counter(year(r) for r in ds)
    undated = by_year.pop(None, 0)
    print("by year:")
    for y, n in sorted(by_year.items()):
        print("  %-24s %d" % (y, n))
    if undated:
        print("  %-24s %d" % ("no date", undated))

    print("corporate peer challenges:")
    corporate = peerreview.Dataset()
    for r in ds:
        if r.review_type != "corporate":
            continue
        councils = ", ".join(c.council_name for c in r.councils)
        print("  %-28s %-10s %s" % (r.review_id, r.onsite_start or "?", councils))
        copy = peerreview.Review(**r.to_dict())
        copy.parent_review_id = None  # the parent may not be copied
        for table in ("councils", "team", "items", "considerations", "sources"):
            for child in getattr(r, table):
                getattr(copy, table).append(**child.to_dict())
        corporate.add(copy)

    try:
        items = ds.dataframe("items")  # needs pandas; ds.table("items") does not
    except ImportError:
        print("items by kind: install pandas for this table")
    else:
        print(items.groupby("kind").size().to_string())

    if len(sys.argv) > 2:
        out = sys.argv[2]
    else:
        out = os.path.join(tempfile.mkdtemp(prefix="peerreview-summarise-"), "corporate-reviews")
    corporate.save(out)  # a folder, or one flat file if out ends in .csv
    print("saved %d corporate reviews to %s" % (len(corporate), out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
