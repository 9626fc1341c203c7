"""What pandas makes of the files the library writes (issue 9).

    python3 pandas-check.py JOBS

JOBS has one line per CSV file: MODE, CSV, EXPECTED, OUT, STRICT, NAME
(TAB-separated), as for readr.R. MODE is

  defaults  pd.read_csv(path): "", "NA", "N/A", "null", "nan" and more become
            NaN, numbers are guessed (an integer column with a gap becomes
            float64). Compared in the natural way: NaN is the library's empty
            value, a whole float is compared as its digits.
  lossless  pd.read_csv(path, dtype=str, keep_default_na=False): every field
            as the text it holds, "" for an empty one; byte for byte.

then df.to_csv(OUT, index=False, lineterminator="\r\n") writes it back (the
shell checks that the library loads it identically): with pandas' default
"\n" a field holding a lone CR is written unquoted, and every CSV reader then
ends the record there. STRICT 0: differences are notes.
"""
import math
import sys

import pandas as pd


def read_expected(path):
    with open(path, "rb") as f:
        lines = f.read().decode("ascii").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    rows = [[bytes.fromhex(h).decode("utf-8") for h in line.split("\t")] for line in lines]
    return rows[0], rows[1:]


def as_text(v):
    """A value read at pandas' defaults, as the text the library would hold."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, float) and v.is_integer() and abs(v) < 2**53:
        return "%d" % v
    return str(v)


def show(s):
    r = repr(s)
    return r if len(r) <= 80 else r[:77] + "..."


def main():
    failed = 0
    with open(sys.argv[1], encoding="utf-8") as f:
        jobs = [line.rstrip("\n").split("\t") for line in f if line.strip()]
    for mode, csv, expected, out, strict, name in jobs:
        header, rows = read_expected(expected)
        if mode == "defaults":
            df = pd.read_csv(csv)
        else:
            df = pd.read_csv(csv, dtype=str, keep_default_na=False)
        notes = []
        ndiff = 0
        if list(df.columns) != header:
            notes.append("columns %s, the library has %s" % (list(df.columns), header))
            ndiff += 1
        elif len(df) != len(rows):
            notes.append("%d rows read, the library holds %d" % (len(df), len(rows)))
            ndiff += 1
        else:
            for k, col in enumerate(header):
                values = df[col].tolist()
                got = [as_text(v) if mode == "defaults" else v for v in values]
                bad = [i for i in range(len(rows)) if got[i] != rows[i][k]]
                if not bad:
                    continue
                ndiff += len(bad)
                examples = "; ".join(
                    "row %d: read %s, library holds %s" % (i + 2, show(got[i]), show(rows[i][k]))
                    for i in bad[:3]
                )
                notes.append(
                    "%s (read as %s): %d values differ; %s" % (col, df[col].dtype, len(bad), examples)
                )
        df.to_csv(out, index=False, lineterminator="\r\n")
        summary = "pandas %s: %s: %d rows, %d columns, %d values differ" % (
            mode,
            name,
            len(df),
            len(df.columns),
            ndiff,
        )
        if ndiff == 0:
            print("ok - " + summary)
        elif strict != "1":
            print("ok - %s (expected at pandas' defaults on these values)" % summary)
            for n in notes:
                print("# note: " + n)
        else:
            failed += 1
            print("not ok - " + summary)
            for n in notes:
                print("#   " + n)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
