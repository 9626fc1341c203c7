"""Lifetime cases, each run in its own subprocess by test_peerreview.py.

Each case must end normally (exit 0) having seen what it asserts; a crash
(segfault, abort) shows up as a negative exit status in the parent test.
Usage: python lifetime_cases.py CASE SAMPLE_DIR TMP_DIR
"""

import gc
import sys

import peerreview


def expect(exc, fn):
    try:
        fn()
    except exc:
        return
    raise AssertionError("expected %s" % exc.__name__)


def review_outlives_dataset(sample, tmp):
    review = peerreview.load(sample)["e10000034-csg-2015-04"]
    items = review.items
    gc.collect()
    # the review keeps its dataset alive: it keeps working
    assert review.review_type == "childrens_safeguarding"
    assert len(items) == 17
    assert items[0].kind == "focus"


def child_outlives_everything(sample, tmp):
    item = peerreview.load(sample)["e10000034-csg-2015-04"].items[3]
    gc.collect()
    assert item.seq == 4


def review_removed(sample, tmp):
    ds = peerreview.load(sample)
    review = ds["e10000034-csg-2015-04"]
    item = review.items[0]
    council = review.councils[0]
    ds.remove("e10000034-csg-2015-04")
    expect(ReferenceError, lambda: review.review_type)
    expect(ReferenceError, lambda: item.text)
    expect(ReferenceError, lambda: council.council_name)
    expect(ReferenceError, lambda: setattr(review, "notes", "x"))
    expect(ReferenceError, lambda: len(review.items))
    expect(ReferenceError, lambda: review.items.append(kind="focus", text="x"))


def child_removed(sample, tmp):
    ds = peerreview.load(sample)
    review = ds["e10000034-csg-2015-04"]
    first, second = review.items[0], review.items[1]
    del review.items[0]
    expect(ReferenceError, lambda: first.text)
    assert second.seq == 2 and second.kind == "focus"


def thousands_added(sample, tmp):
    ds = peerreview.load(sample)
    review = ds["e10000034-csg-2015-04"]
    item = review.items[5]
    text = item.text
    for i in range(5000):
        ds.add(peerreview.Review(review_id="bulk-%d" % i, review_type="other", stage="initial"))
    for i in range(300):
        review.items.append(kind="other", text="t%d" % i)
    assert review.review_type == "childrens_safeguarding"
    assert item.text == text
    assert len(ds) == 5030
    assert ds["bulk-4999"].stage == "initial"


def saved_and_reloaded(sample, tmp):
    ds = peerreview.load(sample)
    review = ds["e10000031-cpc-2014-09"]
    member = review.team[0]
    ds.save(tmp + "/saved")
    ds = peerreview.load(tmp + "/saved")  # the old dataset may now be freed
    gc.collect()
    assert review.team_size == 9
    assert member.name == "Tony McArdle"
    assert ds["e10000031-cpc-2014-09"].team_size == 9


def mutate_while_iterating(sample, tmp):
    ds = peerreview.load(sample)

    def loop_remove():
        for r in ds:
            ds.remove(r.review_id)

    expect(RuntimeError, loop_remove)

    def loop_add():
        for i, r in enumerate(ds):
            ds.add(peerreview.Review(review_id="new-%d" % i, review_type="other", stage="initial"))

    expect(RuntimeError, loop_add)
    review = ds[next(iter(ds)).review_id]

    def loop_items():
        for item in review.items:
            review.items.append(kind="other", text="x")

    if len(review.items):
        expect(RuntimeError, loop_items)


def renamed_review(sample, tmp):
    ds = peerreview.load(sample)
    review = ds["e10000034-cpc-2012"]
    other = ds["e10000034-cpc-2012"]
    review.review_id = "renamed-2012"
    assert review.review_id == "renamed-2012"
    assert "renamed-2012" in ds and "e10000034-cpc-2012" not in ds
    # the other handle follows its review under the new id ...
    assert other.review_id == "renamed-2012" and other.stage == "initial"
    # ... and a review that takes the old id is a different review
    ds.add(peerreview.Review(review_id="e10000034-cpc-2012", review_type="other",
                             stage="initial"))
    assert other.review_type == "corporate"
    stale = ds["e10000034-cpc-2012"]
    ds.remove("e10000034-cpc-2012")
    expect(ReferenceError, lambda: stale.stage)
    ds.add(peerreview.Review(review_id="e10000034-cpc-2012", review_type="other",
                             stage="initial"))
    expect(ReferenceError, lambda: stale.stage)  # a new review under its id is not it


def standalone_review_dropped(sample, tmp):
    r = peerreview.Review(review_id="solo", review_type="other", stage="initial")
    r.items.append(kind="focus", text="a")
    items = r.items
    del r
    gc.collect()
    assert items[0].text == "a"  # the list keeps its review alive


def dataset_freed_after_add(sample, tmp):
    ds = peerreview.Dataset()
    r = peerreview.Review(review_id="solo", review_type="other", stage="initial")
    ds.add(r)
    del ds
    gc.collect()
    assert r.stage == "initial"  # the review keeps its dataset alive


CASES = {f.__name__: f for f in [
    review_outlives_dataset, child_outlives_everything, review_removed, child_removed,
    thousands_added, saved_and_reloaded, mutate_while_iterating, renamed_review,
    standalone_review_dropped, dataset_freed_after_add]}

def reentrant_conversion(sample, tmp):
    """Converting a value runs the caller's code, which removes the review."""
    ds = peerreview.load(sample)
    review = ds["e10000034-csg-2015-04"]
    item = review.items[0]

    class Text(str):
        def encode(self, *a, **k):
            if "e10000034-csg-2015-04" in ds:
                ds.remove("e10000034-csg-2015-04")
            return str.encode(self, *a, **k)

        def __str__(self):
            return self.encode().decode()

    class Number(int):
        def __repr__(self):
            if "e10000031-cpc-2014-09" in ds:
                ds.remove("e10000031-cpc-2014-09")
            return "5"

        __str__ = __repr__

    # values are converted as plain str/int, so the overrides never run (and if
    # they did, the review would be looked up only afterwards)
    review.notes = Text("hello")
    item.text = Text("x")
    assert "e10000034-csg-2015-04" in ds
    assert review.notes == "hello" and type(review.notes) is str and item.text == "x"
    other = ds["e10000031-cpc-2014-09"]
    other.team_size = Number(7)  # converted as the int 7: the override never runs
    assert other.team_size == 7
    ds2 = peerreview.load(sample)
    r2 = ds2["e07000237-cpc-2025-04"]

    class Sneaky(str):
        def encode(self, *a, **k):
            for _ in range(3):
                r2.items.append(kind="other", text="added meanwhile")
            return str.encode(self, *a, **k)

    n = len(r2.items)
    expect(ValueError, lambda: r2.items.append(kind="strength", text=Sneaky("ok"), seq=0))
    assert len(r2.items) == n  # the failed append removed its own row, not another


def threads_read_while_writing(sample, tmp):
    """One thread reads a review's rows while another replaces that review."""
    import threading
    import time
    sys.setswitchinterval(1e-6)
    ds = peerreview.load(sample)
    rid = "e10000034-csg-2015-04"
    snap = [c.to_dict() for c in ds[rid].items]
    fields = ds[rid].to_dict()
    stop = []
    bad = []

    def reader():
        while not stop:
            try:
                for c in ds[rid].items:
                    if c.text is None:
                        bad.append("None text")
            except (ReferenceError, RuntimeError, KeyError, IndexError):
                pass

    def writer():
        while not stop:
            r = peerreview.Review(**fields)
            for d in snap:
                r.items.append(**d)
            ds.remove(rid)
            ds.add(r)

    ts = [threading.Thread(target=reader), threading.Thread(target=writer)]
    for t in ts:
        t.start()
    time.sleep(2)
    stop.append(1)
    for t in ts:
        t.join()
    assert not bad, bad[:3]


def edit_children_while_iterating_reviews(sample, tmp):
    ds = peerreview.load(sample)
    for review in ds:  # editing child lists does not change the set of reviews
        review.sources.append(url="https://example.org/%s" % review.review_id)
        review.notes = "seen"
    assert len(ds.table("sources")) == 34 + 30
    review = ds["e10000034-csg-2015-04"]
    for item in review.items:  # another list may change
        review.sources.append(url="https://example.org/x%d" % item.seq)


def stale_child_alias(sample, tmp):
    ds = peerreview.load(sample)
    r = ds["e10000034-csg-2015-04"]
    item = r.items[0]
    del r.items[0]
    r.items.append(kind="focus", text="someone else's row", seq=1)
    expect(ReferenceError, lambda: setattr(item, "text", "edit through a stale handle"))
    assert r.items[-1].text == "someone else's row"
    assert "removed" in repr(item)
    other = r.items[1]
    other.seq = 40  # renumbered through one handle ...
    assert r.items[1].seq == 40 and other.text == r.items[1].text  # ... still found by others


def int_review_id(sample, tmp):
    ds = peerreview.load(sample)
    r = ds["e10000034-csg-2015-04"]
    r.review_id = 2015
    assert r.review_id == "2015" and r.stage == "initial"
    assert ds["2015"] == r


def values_are_copies(sample, tmp):
    """The C library frees a value when it is set again or its review removed;
    what Python read before is a copy and stays as it was."""
    ds = peerreview.load(sample)
    review = ds["e10000034-csg-2015-04"]
    notes, text, rid = review.notes, review.items[0].text, review.review_id
    review.notes = "edited"
    saved = review.notes
    for i in range(20000):
        review.notes = "edit %d %s" % (i, "x" * (i % 50))
        review.items[0].text = "text %d" % i
    review.review_id = "renamed"
    assert review.notes.startswith("edit 19999 ")
    ds.remove("renamed")
    gc.collect()
    assert notes.startswith("Review facilitated by the LGA")
    assert text and not text.startswith("text ")
    assert (saved, rid) == ("edited", "e10000034-csg-2015-04")


CASES.update({f.__name__: f for f in [
    reentrant_conversion, threads_read_while_writing, edit_children_while_iterating_reviews,
    stale_child_alias, int_review_id, values_are_copies]})


if __name__ == "__main__":
    CASES[sys.argv[1]](sys.argv[2], sys.argv[3])
    print("ok", sys.argv[1])
