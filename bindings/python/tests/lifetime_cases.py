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
    expect(ReferenceError, lambda: other.stage)  # it named the old id


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

if __name__ == "__main__":
    CASES[sys.argv[1]](sys.argv[2], sys.argv[3])
    print("ok", sys.argv[1])
