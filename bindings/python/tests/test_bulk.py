"""Bulk reads (capi._review_column, _table_rows, ... and the views built on them).

Iterating a dataset, reading reviews and rows, table() and dataframe() read
values in bulk, from views that edits keep right. Here every way of reading
is compared with the plain one: the C getters called once per value, rows
sorted with peerreview_row_compare. On the sample, on random datasets (in
memory and loaded back from disk) and after random edits through every kind
of handle, they must give the same values.
"""

import functools
import os
import random
import shutil
import tempfile
import unittest
from unittest import mock

import peerreview

c = peerreview.capi
HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.environ.get("top_srcdir") or os.path.abspath(os.path.join(HERE, "..", "..", ".."))
SAMPLE = os.path.join(TOP, "data", "lga-sample")
TABLES = peerreview.TABLES
COLUMNS = {t: peerreview.columns(t) for t in TABLES}
LISTS = {"review_councils": "councils", "team_members": "team", "items": "items",
         "considerations": "considerations", "sources": "sources"}


def integer(t, i):
    return c.peerreview_column_type(t, i) == c.PEERREVIEW_TYPE_INTEGER


def plain_cell(obj, t, i):
    """A value read by itself, as the package read every value before bulk reads."""
    if t == 0:
        get = c.peerreview_review_get_int64_byindex if integer(t, i) \
            else c.peerreview_review_get_byindex
    else:
        get = c.peerreview_row_get_int64_byindex if integer(t, i) \
            else c.peerreview_row_get_byindex
    return get(obj, i)


def plain_row(obj, t):
    return {name: plain_cell(obj, t, i) for i, name in enumerate(COLUMNS[TABLES[t]])}


def plain_reviews(ds):
    """[(review fields, {list: [row fields in list order]})] in dataset order."""
    out = []
    for k in range(c.peerreview_dataset_count(ds._ptr)):
        r = c.peerreview_dataset_review_byindex(ds._ptr, k)
        lists = {}
        for t in range(1, len(TABLES)):
            lists[TABLES[t]] = [plain_row(c.peerreview_review_child_byindex(r, t, j), t)
                                for j in range(c.peerreview_review_child_count(r, t))]
        out.append((plain_row(r, 0), lists))
    return out


def plain_table(ds, name):
    """table(name) as the package made it before: a cell at a time, sorted in Python."""
    t = TABLES.index(name)
    rows = []
    for k in range(c.peerreview_dataset_count(ds._ptr)):
        r = c.peerreview_dataset_review_byindex(ds._ptr, k)
        if t == 0:
            rows.append(plain_row(r, 0))
            continue
        children = [c.peerreview_review_child_byindex(r, t, j)
                    for j in range(c.peerreview_review_child_count(r, t))]
        children.sort(key=functools.cmp_to_key(c.peerreview_row_compare))
        rows.extend(plain_row(row, t) for row in children)
    return rows


def without_parent(name, row):
    return {k: v for k, v in row.items() if k != COLUMNS[name][0]}


class Checker:
    """Reads a dataset every way the package offers and compares with plain_*."""

    def __init__(self, test):
        self.test = test

    def check(self, ds, msg=""):
        want = plain_reviews(ds)
        t = self.test
        # iteration, twice: the second time every column read is a filled view column
        for rounds in range(2):
            seen = list(ds)
            t.assertEqual(len(seen), len(want), msg)
            for review, (fields, lists) in zip(seen, want):
                got = {name: getattr(review, name) for name in COLUMNS["reviews"]}
                t.assertEqual(got, fields, msg)
                t.assertEqual(review.to_dict(), fields, msg)
                for name, rows in lists.items():
                    lst = getattr(review, LISTS[name])
                    t.assertEqual(len(lst), len(rows), msg)
                    for rounds2 in range(2):
                        children = list(lst)
                        t.assertEqual([ch.to_dict() for ch in children],
                                      [without_parent(name, r) for r in rows], msg)
                        t.assertEqual([{col: getattr(ch, col) for col in COLUMNS[name][1:]}
                                       for ch in children],
                                      [without_parent(name, r) for r in rows], msg)
                    t.assertEqual([lst[j].to_dict() for j in range(len(rows))],
                                  [without_parent(name, r) for r in rows], msg)
        # by id: not from a view
        for fields, _ in want:
            review = ds[fields["review_id"]]
            t.assertEqual({name: getattr(review, name) for name in COLUMNS["reviews"]},
                          fields, msg)
        for name in TABLES:
            plain = plain_table(ds, name)
            rows = ds.table(name)
            t.assertEqual(rows, plain, "%s %s" % (msg, name))
            t.assertEqual([list(r) for r in rows], [COLUMNS[name]] * len(rows))
            for row in rows:  # types as the plain getters give them
                for k, v in row.items():
                    t.assertIn(type(v), (int, str, type(None)))
        return want


def random_text(rnd, allow_empty=True):
    if allow_empty and rnd.random() < 0.3:
        return None
    alphabet = "abc XYZ 019,\"'\n;|éß中\U0001f600"
    text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 30)))
    return text if text.strip() else "x"


def random_dataset(rnd, n):
    """A valid dataset of n reviews with random values, lists in random key order."""
    ds = peerreview.Dataset()
    types = [c.peerreview_column_enum_value(0, 1, k) for k in range(c.peerreview_column_enum_count(0, 1))]
    kinds = [c.peerreview_column_enum_value(3, 1, k) for k in range(c.peerreview_column_enum_count(3, 1))]
    for k in range(n):
        r = peerreview.Review(review_id="r%05d-%d" % (k, rnd.randint(0, 99)),
                              review_type=rnd.choice(types), stage="initial",
                              review_type_label=random_text(rnd), notes=random_text(rnd),
                              provider=random_text(rnd),
                              onsite_start=rnd.choice([None, "2015", "2016-02", "2017-03-04"]),
                              team_size=rnd.choice([None, 1, 7, 2 ** 62]),
                              people_engaged=rnd.choice([None, 0, 12]),
                              published_date="2019-05-06",
                              report_url=rnd.choice([None, "https://example.org/%d" % k]))
        for j in rnd.sample(range(1, 9), rnd.randint(0, 4)):  # seqs out of order
            r.items.append(kind=rnd.choice(kinds), seq=j, text=random_text(rnd, False))
        for j in rnd.sample(range(1, 5), rnd.randint(0, 3)):
            r.sources.append(url="https://example.org/%d/%d" % (k, j), seq=j,
                             description=random_text(rnd))
        for j in range(rnd.randint(0, 3)):
            r.team.append(name=random_text(rnd), role=rnd.choice([None, "lead_peer", "other"]))
        if rnd.random() < 0.5:
            r.councils.append(council_name=random_text(rnd, False), authority_type="county",
                              gss_code="E10%06d" % k)
        if rnd.random() < 0.3:
            r.considerations.append(date="2020-01", body=random_text(rnd),
                                    outcome=random_text(rnd))
        ds.add(r)
    return ds


class TestSameValues(unittest.TestCase):
    """Bulk reads give exactly the values of the plain getters."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="prpy-bulk-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_sample(self):
        want = Checker(self).check(peerreview.load(SAMPLE), "sample")
        self.assertEqual(len(want), 30)

    def test_random_datasets(self):
        for seed in range(6):
            rnd = random.Random(seed)
            n = rnd.choice([0, 1, 7, 9, 64, 600])  # around the view's thresholds
            ds = random_dataset(rnd, n)
            checker = Checker(self)
            checker.check(ds, "seed %d (in memory)" % seed)
            tables = {name: ds.table(name) for name in TABLES}
            path = os.path.join(self.tmp, "r%d" % seed)  # seq gaps: no flat form
            ds.save(path)
            loaded = peerreview.load(path)  # lists come back ordered by seq
            checker.check(loaded, "seed %d (loaded)" % seed)
            self.assertEqual({name: loaded.table(name) for name in TABLES}, tables)

    def test_dataframe_is_table(self):
        try:
            import pandas
        except ImportError:
            self.skipTest("pandas is not installed")
        ds = random_dataset(random.Random(99), 150)
        for name in TABLES:
            rows = plain_table(ds, name)
            df = ds.dataframe(name)
            self.assertEqual(list(df.columns), COLUMNS[name])
            for col in COLUMNS[name]:
                got = [None if v is pandas.NA else v for v in df[col].tolist()]
                self.assertEqual(got, [r[col] for r in rows], "%s.%s" % (name, col))

    def test_bad_arguments_raise(self):
        ds = peerreview.load(SAMPLE)
        with self.assertRaises(peerreview.InvalidArgumentError):  # noqa: F821
            c._review_column(ds._ptr, len(COLUMNS["reviews"]))
        for t in (-1, len(TABLES)):
            with self.assertRaises(peerreview.InvalidArgumentError):  # noqa: F821
                c._table_columns(ds._ptr, t)
            with self.assertRaises(peerreview.InvalidArgumentError):  # noqa: F821
                c._table_rows(ds._ptr, t, ())
        with self.assertRaises(TypeError):
            c._table_rows(ds._ptr, 3, ("review_id",))  # not the table's columns
        self.assertEqual(c._child_index(c.peerreview_dataset_review_byindex(ds._ptr, 0), 3, 0),
                         -1)

    def test_empty_dataset(self):
        ds = peerreview.Dataset()
        self.assertEqual(list(ds), [])
        self.assertEqual(c._review_keys(ds._ptr), ([], []))
        for t, name in enumerate(TABLES):
            self.assertEqual(ds.table(name), [])
            self.assertEqual(c._table_columns(ds._ptr, t), tuple([] for _ in COLUMNS[name]))


class TestEditsKeepViewsRight(unittest.TestCase):
    """Random edits through every kind of handle; after each, every read is still plain."""

    def test_random_edits(self):
        for seed in range(3):
            self.run_edits(seed, 30)

    def run_edits(self, seed, steps):
        rnd = random.Random(1000 + seed)
        ds = random_dataset(rnd, 40)  # views start after 8 reviews read one by one
        checker = Checker(self)
        kinds = ["focus", "strength", "recommendation"]
        kept = list(ds)  # handles from a view, kept across edits
        for step in range(steps):
            ids = [r.review_id for r in ds]
            pick = rnd.choice(ids)
            op = rnd.randrange(9)
            handle = rnd.choice([ds[pick], next(r for r in ds if r.review_id == pick)])
            for name in LISTS.values():  # the lists of the review edited have views
                list(getattr(handle, name))
            if op == 0:
                handle.notes = random_text(rnd)
            elif op == 1:
                handle.team_size = rnd.choice([None, 3, 40])
            elif op == 2:
                handle.review_id = "renamed-%d-%d" % (seed, step)
            elif op == 3:
                ds.remove(pick)
            elif op == 4:
                ds.add(peerreview.Review(review_id="added-%d-%d" % (seed, step),
                                         review_type="other", stage="initial",
                                         notes=random_text(rnd)))
            elif op == 5:
                handle.items.append(kind=rnd.choice(kinds), text=random_text(rnd, False))
            elif op == 6 and len(handle.items):
                del handle.items[rnd.randrange(len(handle.items))]
            elif op == 7 and len(handle.items):
                item = rnd.choice(list(handle.items))
                if rnd.random() < 0.5:
                    item.text = random_text(rnd, False)
                else:
                    item.kind = rnd.choice(kinds)  # may renumber seq
            elif op == 8:
                with self.assertRaises(ValueError):  # refused: nothing changes
                    handle.stage = "nope"
            want = checker.check(ds, "seed %d step %d op %d" % (seed, step, op))
            # handles given out before the edits read what C holds, or know it is gone
            by_serial = {c.peerreview_review_serial(
                c.peerreview_dataset_review_byindex(ds._ptr, k)): k for k in range(len(want))}
            for old in kept:
                k = by_serial.get(old._serial)
                if k is None:
                    with self.assertRaises(ReferenceError):
                        old.notes
                else:
                    self.assertEqual(old.to_dict(), want[k][0])
                    self.assertEqual(old.notes, want[k][0]["notes"])

    def test_edit_while_iterating(self):
        ds = random_dataset(random.Random(5), 200)
        for r in ds:  # a value set through the view's own reviews
            r.notes = "seen %s" % r.review_id
            self.assertEqual(r.notes, "seen %s" % r.review_id)
        for r in ds:  # ... and through other handles
            ds[r.review_id].provider = "p-" + r.review_id
            self.assertEqual(r.provider, "p-" + r.review_id)
        Checker(self).check(ds)
        with self.assertRaises(RuntimeError):
            for r in ds:
                r.review_id = r.review_id + "-x"
        with self.assertRaises(RuntimeError):
            for r in ds:
                for item in r.items:
                    r.items.append(kind="other", text="more")


class TestThreads(unittest.TestCase):
    """Views under threads: a read that starts after a set returned sees the new value."""

    def test_no_stale_read_after_a_set(self):
        import sys
        import threading
        import time
        ds = random_dataset(random.Random(11), 300)
        target = ds[ds.table("reviews")[150]["review_id"]]
        target.items.append(kind="focus", text="t0", seq=50)
        tid = target.review_id
        published = [0]
        stop = threading.Event()
        failures = []
        reads = [0, 0]
        old_interval = sys.getswitchinterval()
        sys.setswitchinterval(1e-5)

        def writer():
            try:
                item = next(i for i in target.items if i.seq == 50)
                for k in range(1, 400):
                    target.notes = "v%d" % k
                    item.text = "t%d" % k
                    published[0] = k
                    # let the readers read: 3 more reads, so that one began after this
                    mark = reads[0]
                    end = time.monotonic() + 5
                    while reads[0] < mark + 3 and time.monotonic() < end and not failures:
                        time.sleep(0.0001)
                    if k % 40 == 0:  # views dropped and made again
                        ds.add(peerreview.Review(review_id="churn-%d" % k,
                                                 review_type="other", stage="initial"))
                        ds.remove("churn-%d" % k)
            except BaseException as e:  # pragma: no cover - reported below
                failures.append(repr(e))
            finally:
                stop.set()

        def reader():
            try:
                while not stop.is_set():
                    try:
                        for r in ds:
                            if r.review_id != tid:
                                continue
                            seen = published[0]
                            notes = r.notes
                            if seen and int(notes[1:]) < seen:
                                failures.append("notes %s after %d was set" % (notes, seen))
                            seen = published[0]
                            texts = [i.text for i in r.items if i.seq == 50]
                            if seen and int(texts[0][1:]) < seen:
                                failures.append("text %s after %d was set" % (texts, seen))
                            reads[0] += 1
                    except RuntimeError as e:  # reviews added or removed meanwhile
                        self.assertIn("changed size during iteration", str(e))
                        reads[1] += 1
            except BaseException as e:  # pragma: no cover - reported below
                failures.append(repr(e))

        threads = [threading.Thread(target=f, daemon=True) for f in (writer, reader, reader)]
        try:
            for t in threads:
                t.start()
            end = time.monotonic() + 120
            for t in threads:
                t.join(max(0.0, end - time.monotonic()))
                self.assertFalse(t.is_alive(), "deadlock?")
        finally:
            stop.set()
            sys.setswitchinterval(old_interval)
        self.assertEqual(failures, [])
        self.assertGreater(reads[0], 0)
        self.assertEqual(target.notes, "v399")


class CallCounter:
    """Counts the calls into capi made while it is active."""

    def __init__(self):
        self.calls = 0
        self.patches = []

    def __enter__(self):
        for name in dir(c):
            fn = getattr(c, name)
            if callable(fn) and (name.startswith("peerreview_") or name.startswith("_")) \
                    and not isinstance(fn, type) and not name.startswith("__"):
                self.patches.append(mock.patch.object(c, name, self.counted(fn)))
        for p in self.patches:
            p.start()
        return self

    def counted(self, fn):
        def call(*args):
            self.calls += 1
            return fn(*args)
        return call

    def __exit__(self, *exc):
        for p in self.patches:
            p.stop()
        return False


class TestBulk(unittest.TestCase):
    """Reading many values does not call into C once per value."""

    def test_iteration_calls_c_a_few_times(self):
        n = 2000
        ds = random_dataset(random.Random(7), n)
        with CallCounter() as first:
            types = [(r.review_id, r.review_type, r.team_size) for r in ds]
        with CallCounter() as again:
            self.assertEqual([(r.review_id, r.review_type, r.team_size) for r in ds], types)
        # one by one, it was 12 calls for every review (24000); now the first
        # 1/64 of the reviews and of the reads of each column go one by one
        self.assertLess(first.calls, n // 2, "calls into C for %d reviews" % n)
        self.assertLess(again.calls, 10)
        self.assertEqual(types, [(v["review_id"], v["review_type"], v["team_size"])
                                 for v, _ in plain_reviews(ds)])

    def test_child_rows_read_once_per_list(self):
        ds = random_dataset(random.Random(8), 300)
        want = [[without_parent("items", row) for row in lists["items"]]
                for _, lists in plain_reviews(ds)]
        reviews = list(ds)
        with CallCounter() as count:
            got = [[{"kind": i.kind, "seq": i.seq, "text": i.text} for i in r.items]
                   for r in reviews]
        self.assertEqual(got, want)
        rows = sum(len(x) for x in want)
        self.assertGreater(rows, 300)
        self.assertLess(count.calls, 6 * len(reviews), "calls for %d rows" % rows)

    def test_table_is_one_call(self):
        ds = random_dataset(random.Random(9), 300)
        for name in TABLES:
            with CallCounter() as count:
                rows = ds.table(name)
            self.assertEqual(rows, plain_table(ds, name))
            self.assertLessEqual(count.calls, 2, name)


if __name__ == "__main__":
    unittest.main()
