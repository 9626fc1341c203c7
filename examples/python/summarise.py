#!/usr/bin/env python3
"""A starting point for data teams: load, filter, summarise, save.

Usage: summarise.py [PACKAGE_OR_FLAT_CSV] [OUTPUT_FOLDER]
Loads the dataset (default: the bundled sample), prints counts by review type
and year, lists corporate peer challenges with their councils, summarises the
items with pandas if it is installed, and saves the corporate reviews as a new
package (default: corporate-reviews/).
"""

import collections
import sys

import peerreview


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "data/lga-sample"
    out = sys.argv[2] if len(sys.argv) > 2 else "corporate-reviews"
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

    by_year = collections.Counter((r.onsite_start or r.report_date or "unknown")[:4] for r in ds)
    print("by year:", dict(sorted(by_year.items())))

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
        import pandas
    except ImportError:
        pandas = None
    if pandas is not None:
        items = pandas.DataFrame(ds.table("items"))
        print(items.groupby("kind").size().to_string())

    corporate.save(out)
    print("saved %d corporate reviews to %s" % (len(corporate), out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
