"""Python under load: threads, each case run in its own subprocess by test_peerreview.py.

A case ends normally (exit 0, printing "ok CASE" and what it did) having
checked what it asserts. A crash shows up as a negative exit status in the
parent test, and a deadlock as its timeout: faulthandler then prints every
thread's stack here before the parent kills the process.
Usage: python thread_cases.py CASE SAMPLE_DIR TMP_DIR
"""

import faulthandler
import gc
import glob
import itertools
import os
import re
import shutil
import sys
import threading
import time
import traceback
import weakref

import peerreview

DEADLINE = 40  # seconds; the parent test gives up a little later
LISTS = ("councils", "team", "items", "considerations", "sources")
CSG = "e10000034-csg-2015-04"  # the sample's review with the most child rows


def run_threads(*targets):
    """Run each target in its own thread, all released at once; re-raise any failure."""
    start = threading.Barrier(len(targets))
    failures = []

    def wrap(fn):
        def run():
            try:
                start.wait()
                fn()
            except BaseException:
                failures.append("in thread %s:\n%s" % (fn.__name__, traceback.format_exc()))
        return run

    threads = [threading.Thread(target=wrap(fn), name=fn.__name__, daemon=True)
               for fn in targets]
    for t in threads:
        t.start()
    end = time.monotonic() + DEADLINE
    for t in threads:
        t.join(max(0.0, end - time.monotonic()))
        if t.is_alive():
            faulthandler.dump_traceback()
            raise AssertionError("thread %s still running after %ds: deadlock?"
                                 % (t.name, DEADLINE))
    if failures:
        raise AssertionError("\n".join(failures))


def snapshot(ds):
    """Every table of a dataset, row by row: what a save must write."""
    return {t: ds.table(t) for t in peerreview.TABLES}


def grow(ds, n):
    """Add n generated reviews, each with a few child rows."""
    for i in range(n):
        r = peerreview.Review(review_id="gen-%04d" % i, review_type="corporate",
                              stage="initial", onsite_start="2020-%02d" % (i % 12 + 1),
                              notes=", ".join(["generated review %d" % i] * 5))
        r.councils.append(gss_code="E10000034", authority_type="county",
                          council_name="Council %d" % i)
        for k in range(3):
            r.items.append(kind="recommendation", text="recommendation %d of %d" % (k, i))
        r.sources.append(url="https://example.org/%d" % i)
        ds.add(r)


def leftovers(path):
    """Temporary files a save left beside its target."""
    folder = path if os.path.isdir(path) else os.path.dirname(path)
    return glob.glob(os.path.join(folder, ".*.tmp-*"))


# --------------------------------------------------------------------------
# 1. Saving the same data from several threads at once
# --------------------------------------------------------------------------


def concurrent_saves(sample, tmp):
    """Threads save one dataset, and two equal datasets, to their own and to shared paths.

    Saves of one Dataset object are serialised by its lock; saves of two
    objects to one path really run at once in C (each writes its own
    temporary file and renames it). Every save must succeed or raise a
    peerreview.Error, and every path written must load back equal.
    """
    base = peerreview.load(sample)
    grow(base, 100)
    base.save(os.path.join(tmp, "base"))
    ds = peerreview.load(os.path.join(tmp, "base"))
    twin = peerreview.load(os.path.join(tmp, "base"))  # another object, same data
    want = snapshot(ds)
    rounds = 2
    outcomes = []  # (path, None or the exception)

    def saver(dataset, paths):
        def save():
            for _ in range(rounds):
                for path, form in paths:
                    try:
                        dataset.save(path, form=form)
                        outcomes.append((path, None))
                    except peerreview.Error as e:  # allowed, but must say something
                        assert str(e), "a peerreview.Error without a message"
                        outcomes.append((path, e))
        return save

    def paths(name):
        return [(os.path.join(tmp, name + "-pkg"), "package"),
                (os.path.join(tmp, name + ".csv"), "flat")]

    own_a, own_b, shared, contested = paths("own-a"), paths("own-b"), paths("shared"), \
        paths("contested")
    run_threads(saver(ds, own_a), saver(ds, own_b),            # one object, own paths
                saver(ds, shared), saver(ds, shared),          # one object, one path
                saver(ds, contested), saver(twin, contested))  # two objects, one path
    failed = [(p, e) for p, e in outcomes if e is not None]
    for path, _ in own_a + own_b + shared + contested:
        assert any(p == path and e is None for p, e in outcomes), "never saved to " + path
        assert snapshot(peerreview.load(path)) == want, path + " does not load back equal"
        assert not leftovers(path), "temporary files left: %s" % leftovers(path)
    assert len(outcomes) == 6 * rounds * 2
    print("%d saves of %d reviews, %d raised %s" % (
        len(outcomes), len(ds), len(failed), sorted({type(e).__name__ for _, e in failed})))


def saves_race_edits(sample, tmp):
    """A save racing an edit of the same dataset writes the data before or after the edit."""
    ds = peerreview.load(sample)
    grow(ds, 100)
    review = ds["gen-0007"]
    stop = threading.Event()
    edits = [0]

    def editor():
        i = 0
        while not stop.is_set():
            review.notes = "version %d" % i
            review.items.append(kind="strength", text="strength %d" % i)
            del review.items[-1]  # seq stays 1, 2, 3: the flat form can hold it
            i += 1
        edits[0] = i

    saved = []

    def saver():
        try:
            for k in range(8):
                path = os.path.join(tmp, "race-%d" % k + (".csv" if k % 2 else ""))
                ds.save(path)
                saved.append(path)
        finally:
            stop.set()

    run_threads(editor, saver)
    for path in saved:
        back = peerreview.load(path)["gen-0007"]
        notes = back.notes
        m = re.fullmatch(r"version (\d+)", notes or "")
        assert m or notes.startswith("generated review 7, "), notes
        # one edit is three calls; a save lands between two of them, never inside one
        texts = [item.text for item in back.items]
        added = [t for t in texts if t.startswith("strength ")]
        assert [t for t in texts if t not in added] == \
            ["recommendation %d of 7" % k for k in range(3)], texts
        assert len(added) <= 1 and all(re.fullmatch(r"strength \d+", t) for t in added), texts
    print("%d saves while %d edits" % (len(saved), edits[0]))


# --------------------------------------------------------------------------
# 2. Reading while another thread edits
# --------------------------------------------------------------------------


def edit_while_reading(sample, tmp):
    """One thread edits; others iterate, index, table(), validate(), len() and `in`.

    Every read either completes with consistent data or raises RuntimeError
    (the dataset or list changed during iteration) or ReferenceError (the
    review or row was removed meanwhile). A completed read never shows a row
    of another review, a value nobody wrote, or a row twice.
    """
    sys.setswitchinterval(1e-5)
    ds = peerreview.load(sample)
    originals = [r.review_id for r in ds]
    orig_notes = {r.review_id: r.notes for r in ds}
    orig_rows = {rid: {a: [c.to_dict() for c in getattr(ds[rid], a)] for a in LISTS}
                 for rid in originals}
    orig_texts = {rid: {d["text"] for d in orig_rows[rid]["items"]} for rid in originals}
    busy = [rid for rid in originals if orig_rows[rid]["items"]]
    turn = itertools.count()
    done = threading.Event()
    stats = {}

    def count(what):
        stats[what] = stats.get(what, 0) + 1

    def extra_id_ok(rid):
        return re.fullmatch(r"extra-\d+(-renamed)?", rid) is not None

    def check_review_row(rid, notes):
        if rid in orig_notes:
            assert notes == orig_notes[rid] or re.fullmatch("note %s \\d+" % re.escape(rid),
                                                            notes or ""), (rid, notes)
        else:
            assert extra_id_ok(rid), rid
            assert notes == "note " + rid.replace("-renamed", ""), (rid, notes)

    def check_item(rid, d):
        text = d["text"]
        if rid in orig_texts:
            assert (text in orig_texts[rid]
                    or re.fullmatch("(edited|added) %s \\d+" % re.escape(rid), text)), (rid, d)
        else:
            assert text == "first of " + rid.replace("-renamed", ""), (rid, d)

    def check_child(rid, attr, d):
        if attr == "items":
            check_item(rid, d)
        elif rid in orig_rows:
            assert d in orig_rows[rid][attr], (rid, attr, d)

    def editor():
        try:
            for k in range(100):
                rid = busy[k % len(busy)]
                r = ds[rid]
                r.notes = "note %s %d" % (rid, k)                       # set a value
                r.items[k % len(orig_rows[rid]["items"])].text = "edited %s %d" % (rid, k)
                r.items.append(kind="other", text="added %s %d" % (rid, k))  # a child row
                added = [c for c in r.items if c.text.startswith("added ")]
                if len(added) > 2:
                    r.items.remove(added[0])                           # remove one
                if k % 10 == 0:                                        # reviews come and go
                    new = peerreview.Review(review_id="extra-%d" % k, review_type="other",
                                            stage="initial", notes="note extra-%d" % k)
                    new.items.append(kind="focus", text="first of extra-%d" % k)
                    ds.add(new)
                    if k % 20 == 0:
                        new.review_id = "extra-%d-renamed" % k
                    for old in ("extra-%d" % (k - 30), "extra-%d-renamed" % (k - 30)):
                        if old in ds:
                            ds.remove(old)
        finally:
            done.set()

    def guarded(what, fn):
        try:
            fn()
            count(what + " done")
        except RuntimeError as e:
            assert "changed" in str(e) and "during iteration" in str(e), repr(e)
            count(what + " " + str(e))
        except ReferenceError as e:
            assert "no longer in its" in str(e), repr(e)
            count(what + " ReferenceError")

    def iterate_dataset():
        seen = []
        for r in ds:
            rid = r.review_id
            check_review_row(rid, r.notes)
            seen.append(rid)
        assert len(set(seen)) == len(seen), seen
        assert [rid for rid in seen if rid in orig_notes] == originals, seen

    def iterate_lists():
        rid = busy[next(turn) % len(busy)]
        r = ds[rid]
        for attr in LISTS:
            seen = []
            for c in getattr(r, attr):
                d = c.to_dict()
                check_child(rid, attr, d)
                seen.append(d)
            if attr != "items":
                assert seen == orig_rows[rid][attr], (rid, attr)
            else:  # the original rows (some edited) stay, in order, each once
                kept = [d for d in seen if not d["text"].startswith("added ")]
                assert [(d["kind"], d["seq"]) for d in kept] == \
                    [(d["kind"], d["seq"]) for d in orig_rows[rid]["items"]], (rid, seen)

    def tables():
        for row in ds.table("reviews"):
            check_review_row(row["review_id"], row["notes"])
        ids = [row["review_id"] for row in ds.table("reviews")]
        assert set(originals) <= set(ids) and len(set(ids)) == len(ids), ids
        per_review = {}
        for row in ds.table("items"):
            d = dict(row)
            rid = d.pop("review_id")
            check_item(rid, d)
            per_review.setdefault(rid, []).append(d)
        for rid in originals:
            kept = [d for d in per_review.get(rid, []) if not d["text"].startswith("added ")]
            assert len(kept) == len(orig_texts[rid]), (rid, kept)
        for row in ds.table("sources"):
            d = dict(row)
            rid = d.pop("review_id")
            check_child(rid, "sources", d)

    def small_calls():
        problems = ds.validate()
        assert not [p for p in problems if p.severity == "error"], problems
        n = len(ds)
        assert len(originals) <= n <= len(originals) + 4, n
        assert originals[n % len(originals)] in ds
        assert "extra-never" not in ds
        assert ds[CSG].review_type == "childrens_safeguarding"

    def reader(calls):
        def read():
            while not done.is_set():
                for what, fn in calls:
                    guarded(what, fn)
        read.__name__ = "reader of " + "+".join(w for w, _ in calls)
        return read

    run_threads(editor,
                reader([("dataset iteration", iterate_dataset)]),
                reader([("child lists", iterate_lists)]),
                reader([("table", tables), ("validate/len/in", small_calls)]))
    for what in ("dataset iteration", "child lists", "table", "validate/len/in"):
        assert stats.get(what + " done"), "%s never completed: %s" % (what, stats)
    assert not [p for p in ds.validate() if p.severity == "error"]
    print("; ".join("%s: %d" % kv for kv in sorted(stats.items())))


# --------------------------------------------------------------------------
# 3. A dataset dropped while its objects live on, in other threads too
# --------------------------------------------------------------------------


def dataset_dropped_under_threads(sample, tmp):
    """Review, ChildList and row objects keep their dataset alive, whichever thread holds them.

    The main thread drops its dataset and collects garbage while other
    threads read through the objects; the C dataset is freed (its weakref
    dies) only after the last of them lets go, in whichever thread that is.
    """
    rounds = 5
    readers = 4
    for _ in range(rounds):
        ds = peerreview.load(sample)
        gone = weakref.ref(ds)
        review = ds[CSG]
        want = {a: [c.to_dict() for c in getattr(review, a)] for a in LISTS}
        handed = threading.Barrier(readers + 1)

        def reader(handles=(review, review.items, review.items[3], review.councils[0],
                            review.sources)):
            r, items, item, council, sources = handles
            handed.wait()  # the main thread now drops its references
            for k in range(5):
                assert r.review_type == "childrens_safeguarding"
                assert [c.to_dict() for c in items] == want["items"]
                assert item.seq == 4 and council.gss_code == "E10000034"
                assert len(sources) == len(want["sources"])
                if k == 2:
                    gc.collect()

        threads = [threading.Thread(target=reader) for _ in range(readers)]
        for t in threads:
            t.start()
        del ds, review, reader
        gc.collect()
        handed.wait()
        gc.collect()
        for t in threads:
            t.join(DEADLINE)
            assert not t.is_alive(), "deadlock?"
        del threads
        gc.collect()
        assert gone() is None, "the dataset outlived every object that referred to it"
    print("%d rounds, %d reader threads each" % (rounds, readers))


def review_removed_under_readers(sample, tmp):
    """Objects of a review another thread removes raise ReferenceError, then keep raising it."""
    sys.setswitchinterval(1e-5)
    rounds = 10
    for _ in range(rounds):
        ds = peerreview.load(sample)
        review = ds[CSG]
        items = review.items
        item = items[2]
        outcome = {}

        def reader():
            reads = 0
            try:
                while True:
                    assert review.review_type == "childrens_safeguarding"
                    for c in items:
                        assert c.text
                    assert item.seq == 3 and len(items) == 17
                    reads += 1
            except ReferenceError as e:
                outcome["error"] = str(e)
            except RuntimeError as e:  # the list vanished between two steps
                assert "changed during iteration" in str(e), e
                outcome["error"] = str(e)
            outcome["reads"] = reads
            # from now on every access says the review is gone
            for fn in (lambda: review.notes, lambda: len(items), lambda: item.text,
                       lambda: list(items), lambda: items.append(kind="focus", text="x"),
                       lambda: setattr(item, "text", "x"), review.to_dict):
                try:
                    fn()
                except ReferenceError:
                    continue
                raise AssertionError("a removed review's object still worked")

        def remover():
            time.sleep(0.005)
            ds.remove(CSG)
            gc.collect()

        run_threads(reader, remover)
        assert "no longer in its dataset" in outcome["error"] or "changed" in outcome["error"]
        assert CSG not in ds
    print("%d removals under a reading thread" % rounds)


def standalone_review_two_threads(sample, tmp):
    """A review not yet in a dataset, edited by two threads at once.

    Such a review used to have no lock: a row one thread was filling in
    could be freed by the other (a segfault).
    """
    sys.setswitchinterval(1e-6)
    r = peerreview.Review(review_id="solo", review_type="other", stage="initial")
    done = threading.Event()
    ops = [0, 0]

    def appender():
        try:
            for i in range(1000):
                r.items.append(kind="focus", text="focus %d" % i)
                r.notes = "n%d" % i
                ops[0] += 1
        finally:
            done.set()

    def remover():
        while not done.is_set():
            if len(r.items):  # only this thread removes: the list cannot empty meanwhile
                del r.items[-1]
                ops[1] += 1
            if len(r.items):
                assert r.items[0].text.startswith("focus ")

    run_threads(appender, remover)
    assert len(r.items) == ops[0] - ops[1]
    assert r.notes == "n999"
    print("%d rows appended, %d removed" % tuple(ops))


def review_added_while_edited(sample, tmp):
    """A review moves into a dataset (and out again) while another thread edits it.

    An edit in flight when the review joined the dataset used to go on
    without the dataset's lock, into a review the next remove() freed.
    """
    sys.setswitchinterval(1e-6)
    ds = peerreview.Dataset()
    box = []
    done = threading.Event()
    counts = {"edits": 0, "removed": 0}

    def editor():
        while not done.is_set():
            if not box:
                continue
            r = box[-1]
            try:
                r.items.append(kind="focus", text="edit")
                r.notes = "edited"
                counts["edits"] += 1
            except ReferenceError:  # removed from the dataset meanwhile
                counts["removed"] += 1

    def adder():
        try:
            for i in range(150):
                r = peerreview.Review(review_id="r%d" % i, review_type="other", stage="initial")
                box.append(r)
                time.sleep(0)
                ds.add(r)
                if i % 8 == 0:
                    ds.save(os.path.join(tmp, "added.csv"))  # runs without the GIL
                ds.remove("r%d" % i)
        finally:
            done.set()

    def double_adder():  # two threads add one review: one wins, the other is told why
        for i in range(150):
            r = peerreview.Review(review_id="d%d" % i, review_type="other", stage="initial")
            other = peerreview.Dataset()
            results = []

            def add(target):
                try:
                    target.add(r)
                    results.append("added")
                except ValueError as e:
                    assert "already belongs to a dataset" in str(e), e
                    results.append("refused")
            t = threading.Thread(target=add, args=(other if i % 2 else ds,))
            t.start()
            add(ds)
            t.join()
            assert sorted(results) == ["added", "refused"], results
            if "d%d" % i in ds:
                ds.remove("d%d" % i)

    run_threads(editor, adder, double_adder)
    assert len(ds) == 0
    print("%(edits)d edits, %(removed)d found their review removed" % counts)


def reinit_refused(sample, tmp):
    """Calling __init__ again on a live Dataset or Review is refused.

    It used to replace the C dataset under a thread reading it (a segfault);
    on a Review it freed the C review of an object still in use.
    """
    ds = peerreview.load(sample)
    done = threading.Event()

    def reader():
        try:
            for _ in range(50):
                assert len(ds.table("items")) == 40
        finally:
            done.set()

    def reiniter():
        refused = 0
        while not done.is_set():
            try:
                ds.__init__()
            except RuntimeError as e:
                assert "initialised once" in str(e)
                refused += 1
        assert refused

    run_threads(reader, reiniter)
    r = peerreview.Review(review_id="x", review_type="other", stage="initial")
    item = r.items.append(kind="focus", text="kept")
    for target in (r, ds[CSG]):
        try:
            target.__init__(review_id="y")
        except RuntimeError as e:
            assert "initialised once" in str(e)
        else:
            raise AssertionError("Review.__init__ ran twice")
    assert r.review_id == "x" and item.text == "kept" and len(ds) == 30
    print("refused")


# --------------------------------------------------------------------------
# 4. Many threads loading and validating at once
# --------------------------------------------------------------------------


def parallel_load_validate(sample, tmp):
    """Threads load and validate valid and broken data at once (the GIL is released).

    Every result must equal the single-threaded one: the tables loaded, the
    DataError's problems, validate()'s problems, Dataset.validate()'s.
    """
    big = peerreview.load(sample)
    grow(big, 100)
    paths = [sample, os.path.join(tmp, "big"), os.path.join(tmp, "big.csv")]
    big.save(paths[1])
    big.save(paths[2])
    broken = os.path.join(tmp, "broken")
    shutil.copytree(sample, broken)
    for name, old, new in (("reviews.csv", b",2014-09-09,2014-09-12,", b",2014-09-09,2014-02-30,"),
                           ("items.csv", b"e10000034-csg-2015-04,focus,2,",
                            b"e10000034-csg-2015-04,focus,7,"),
                           ("sources.csv", b",1,http://www.worcestershire", b",1,ftp://x")):
        with open(os.path.join(broken, name), "rb") as f:
            data = f.read()
        assert old in data, (name, old)
        with open(os.path.join(broken, name), "wb") as f:
            f.write(data.replace(old, new, 1))
    broken_flat = os.path.join(tmp, "broken.csv")
    with open(paths[2], "rb") as f:
        data = f.read()
    with open(broken_flat, "wb") as f:
        f.write(data.replace(b",2020-03,", b",2020-13,", 7))
    paths += [broken, broken_flat, os.path.join(tmp, "missing")]

    def result(path):
        problems = peerreview.validate(path)
        try:
            ds = peerreview.load(path)
        except peerreview.Error as e:
            return ("raised", type(e).__name__, e.problems, problems)
        return ("loaded", snapshot(ds), ds.validate(), problems)

    want = {p: result(p) for p in paths}
    assert [want[p][0] for p in paths] == ["loaded"] * 3 + ["raised"] * 3, want
    assert all(want[p][2] for p in paths[3:]), "broken data without problems"
    got = []

    def worker(k):
        def work():
            for i in range(len(paths)):
                p = paths[(k + i) % len(paths)]
                got.append((p, result(p)))
        work.__name__ = "worker-%d" % k
        return work

    shared = peerreview.load(paths[1])
    shared_want = shared.validate()

    def validate_shared():  # one dataset validated by several threads: serialised
        for _ in range(10):
            assert shared.validate() == shared_want

    start = time.monotonic()
    run_threads(*[worker(k) for k in range(8)], validate_shared, validate_shared)
    took = time.monotonic() - start
    assert len(got) == 8 * len(paths)
    for p, r in got:
        assert r == want[p], "%s: a thread's result differs from the single-threaded one" % p
    print("%d loads+validations by 8 threads in %.2fs" % (len(got), took))


CASES = {f.__name__: f for f in [
    concurrent_saves, saves_race_edits, edit_while_reading, dataset_dropped_under_threads,
    review_removed_under_readers, standalone_review_two_threads, review_added_while_edited,
    reinit_refused, parallel_load_validate]}

if __name__ == "__main__":
    faulthandler.enable()
    faulthandler.dump_traceback_later(DEADLINE + 5, exit=True)  # a deadlock shows its stacks
    CASES[sys.argv[1]](sys.argv[2], sys.argv[3])
    print("ok", sys.argv[1])
