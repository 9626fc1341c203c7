"""Tests of the Python bindings (stdlib unittest only: no extra dependency)."""

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from unittest import mock

import peerreview

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.environ.get("top_srcdir") or os.path.abspath(os.path.join(HERE, "..", "..", ".."))
SAMPLE = os.path.join(TOP, "data", "lga-sample")
TABLE_FILES = ["reviews.csv", "review_councils.csv", "team_members.csv", "items.csv",
               "considerations.csv", "sources.csv"]


def read(path):
    with open(path, "rb") as f:
        return f.read()


class TempDirTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="prpy-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def sample_copy(self):
        dst = os.path.join(self.tmp, "pkg")
        shutil.copytree(SAMPLE, dst)
        return dst

    def patch(self, pkg, name, old, new):
        path = os.path.join(pkg, name)
        data = read(path)
        self.assertIn(old, data)
        with open(path, "wb") as f:
            f.write(data.replace(old, new, 1))


class TestModule(unittest.TestCase):
    def test_version_matches_c_library(self):
        self.assertEqual(peerreview.__version__, peerreview.capi.peerreview_version())
        self.assertRegex(peerreview.__version__, r"^\d+\.\d+\.\d+$")

    def import_with_library_version(self, cc, tmp, major, minor, patch):
        """Import the package in a child whose library reports this version (LD_PRELOAD)."""
        text = "%d.%d.%d" % (major, minor, patch)
        src = os.path.join(tmp, "fake-%s.c" % text)
        with open(src, "w") as f:
            f.write("unsigned long peerreview_version_number(void) { return %#xUL; }\n"
                    "const char *peerreview_version(void) { return \"%s\"; }\n"
                    % ((major << 16) | (minor << 8) | patch, text))
        lib = os.path.join(tmp, "libfake-%s.so" % text)
        subprocess.run([cc, "-shared", "-fPIC", "-o", lib, src], check=True)
        env = dict(os.environ, LD_PRELOAD=lib)
        code = "import peerreview; print(peerreview.__version__)"
        proc = subprocess.run([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=60)
        return proc.returncode, proc.stdout.decode("utf-8", "replace"), text

    def test_mismatched_library_is_refused(self):
        """The C wrapper and the package apply one rule: same major, minor at least ours."""
        cc = shutil.which(os.environ.get("CC", "cc").split()[0]) or shutil.which("gcc")
        if not cc:
            self.skipTest("no C compiler to build a fake library")
        built = peerreview.capi.PEERREVIEW_VERSION_NUMBER
        major, minor, patch = built >> 16, (built >> 8) & 0xFF, built & 0xFF
        refused = [(99, 0, 0), (major + 1, minor, patch)]
        if major:
            refused.append((major - 1, minor, patch))
        if minor:
            refused.append((major, minor - 1, 255))
        accepted = [(major, minor + 1, 0), (major, minor, 255), (major, 255, 0)]
        if patch:
            accepted.append((major, minor, patch - 1))  # the patch level does not matter
        tmp = tempfile.mkdtemp(prefix="prpy-")
        try:
            for version in refused:
                rc, out, text = self.import_with_library_version(cc, tmp, *version)
                self.assertNotEqual(rc, 0, out)
                self.assertIn("ImportError", out)
                self.assertIn(text, out)
                self.assertIn("reinstall", out)
            for version in accepted:
                rc, out, text = self.import_with_library_version(cc, tmp, *version)
                self.assertEqual(rc, 0, out)
                self.assertEqual(out.strip(), text)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def test_version_rule(self):
        ok = peerreview.capi._version_compatible

        def v(major, minor, patch):
            return (major << 16) | (minor << 8) | patch

        self.assertTrue(ok(v(1, 2, 3), v(1, 2, 3)))
        self.assertTrue(ok(v(1, 2, 3), v(1, 2, 0)))  # the patch level does not matter
        self.assertTrue(ok(v(1, 2, 3), v(1, 3, 0)))  # a newer minor only adds
        self.assertTrue(ok(v(1, 0, 0), v(1, 255, 255)))
        self.assertFalse(ok(v(1, 2, 3), v(1, 1, 9)))  # an older minor may lack what we use
        self.assertFalse(ok(v(1, 2, 3), v(2, 2, 3)))  # another major is another API
        self.assertFalse(ok(v(1, 2, 3), v(0, 9, 9)))
        self.assertFalse(ok(v(0, 1, 0), v(1, 1, 0)))

    def test_package_applies_the_rule(self):
        """peerreview's own check at import, with the runtime version patched."""
        built = peerreview.capi.PEERREVIEW_VERSION_NUMBER
        major, minor = built >> 16, (built >> 8) & 0xFF
        cases = [(built, True), ((major << 16) | ((minor + 1) << 8), True),
                 ((major << 16) | (minor << 8) | 0xFF, True),
                 (((major + 1) << 16) | (minor << 8), False)]
        if minor:
            cases.append(((major << 16) | ((minor - 1) << 8) | 0xFF, False))
        if major:
            cases.append((((major - 1) << 16) | (minor << 8), False))
        for runtime, good in cases:
            with mock.patch.object(peerreview.capi, "peerreview_version_number",
                                   return_value=runtime):
                if good:
                    peerreview._check_library_version()
                else:
                    with self.assertRaises(ImportError) as cm:
                        peerreview._check_library_version()
                    self.assertIn("reinstall", str(cm.exception))
        peerreview._check_library_version()  # unpatched: the library we run with

    def test_exception_hierarchy_from_c_enum(self):
        self.assertTrue(issubclass(peerreview.DataError, peerreview.Error))
        self.assertTrue(issubclass(peerreview.InvalidValueError, ValueError))
        self.assertTrue(issubclass(peerreview.FileError, OSError))
        self.assertTrue(issubclass(peerreview.NotFoundError, KeyError))
        self.assertTrue(issubclass(peerreview.OutOfMemoryError, MemoryError))
        # one class per status of the C enum
        for status in range(peerreview.capi.peerreview_status_min(), 0):
            cls = peerreview._ERRORS[status]
            self.assertTrue(issubclass(cls, peerreview.Error))
            self.assertEqual(cls.status, peerreview.capi.peerreview_status_name(status))

    def test_exceptions_print_plain_messages(self):
        problem = peerreview.Problem("error", "duplicate-key", field="review_id",
                                     message='review_id "x" is already used by another review')
        for status in range(peerreview.capi.peerreview_status_min(), 0):
            cls = peerreview._ERRORS[status]
            e = cls("already exists")
            # never KeyError's quoted form 'already exists'
            self.assertEqual(str(e), "already exists", cls.__name__)
            self.assertEqual(repr(e), "%s('already exists')" % cls.__name__)
            e.problems = [problem]
            self.assertEqual(str(e), 'already exists: error: review_id: review_id "x" is already '
                                     'used by another review [duplicate-key]', cls.__name__)
            self.assertEqual(repr(e), "%s('already exists')" % cls.__name__)
            self.assertEqual(str(cls()), "", cls.__name__)
        # the Python bases they had are kept
        self.assertTrue(issubclass(peerreview.ExistsError, KeyError))
        self.assertTrue(issubclass(peerreview.NotFoundError, KeyError))
        self.assertTrue(issubclass(peerreview.InvalidArgumentError, ValueError))
        self.assertEqual(str(peerreview.FileError(2, "No such file")), "[Errno 2] No such file")
        e = peerreview.InvalidValueError('team_size: "0" is below the minimum 1')
        e.problems = [problem]  # the message already says it all
        self.assertEqual(str(e), 'team_size: "0" is below the minimum 1')
        self.assertEqual(repr(e), "InvalidValueError('team_size: \"0\" is below the minimum 1')")
        e = peerreview.DataError("the data has errors")
        self.assertEqual(str(e), "the data has errors")
        self.assertEqual(repr(e), "DataError('the data has errors')")

    def test_failing_calls_raise_plain_messages(self):
        ds = peerreview.load(SAMPLE)
        with self.assertRaises(peerreview.ExistsError) as cm:
            ds.add(peerreview.Review(review_id="e10000034-csg-2015-04", review_type="other",
                                     stage="initial"))
        self.assertIsInstance(cm.exception, KeyError)
        self.assertEqual(str(cm.exception), 'review_id "e10000034-csg-2015-04" already exists')
        review = ds["e10000031-cpc-2014-09"]
        with self.assertRaises(peerreview.ExistsError) as cm:
            review.review_id = "e10000034-csg-2015-04"
        self.assertEqual(str(cm.exception), 'review_id "e10000034-csg-2015-04" already exists')
        self.assertEqual(review.review_id, "e10000031-cpc-2014-09")
        with self.assertRaises(peerreview.NotFoundError) as cm:
            ds.remove("nope")
        self.assertIsInstance(cm.exception, KeyError)
        self.assertEqual(str(cm.exception), 'no review with review_id "nope"')
        with self.assertRaises(peerreview.DataError) as cm:
            ds.add(peerreview.Review(review_type="other"))
        self.assertFalse(str(cm.exception).startswith("'"), str(cm.exception))

    def test_dir_lists_the_public_names_only(self):
        import types
        names = dir(peerreview)
        self.assertEqual(names, sorted(names))
        self.assertEqual(set(names), set(peerreview.__all__) | {"__version__"})
        for hidden in ("capi", "_capi", "_c", "os", "threading", "_options", "_call", "_ERRORS"):
            self.assertNotIn(hidden, names)
        # __all__ is complete and correct: every public object defined here, once
        self.assertEqual(len(peerreview.__all__), len(set(peerreview.__all__)))
        public = {n for n, v in vars(peerreview).items()
                  if not n.startswith("_") and not isinstance(v, types.ModuleType)}
        self.assertEqual(set(peerreview.__all__), public)
        for name in ("load", "validate", "Dataset", "Review", "Problem", "columns", "TABLES",
                     "ExistsError", "NotFoundError", "ItemsRow"):
            self.assertIn(name, peerreview.__all__)
        namespace = {}
        exec("from peerreview import *", namespace)
        self.assertEqual(set(namespace) - {"__builtins__"}, set(peerreview.__all__))
        # hidden, not gone
        self.assertTrue(callable(peerreview.capi.peerreview_version))
        import pydoc
        self.assertIn("class Dataset", pydoc.render_doc(peerreview, renderer=pydoc.plaintext))

    def test_help_reads_well(self):
        self.assertIn("load", peerreview.__doc__)
        for name in peerreview.__all__:
            obj = getattr(peerreview, name)
            if callable(obj):
                self.assertTrue(obj.__doc__, name + " has no docstring")
        self.assertIn("YYYY", peerreview.Review.onsite_start.__doc__)
        self.assertIn("required", peerreview.Review.review_id.__doc__)
        self.assertIn("text", peerreview.ItemsRow.__doc__)

    def test_columns(self):
        self.assertEqual(peerreview.columns("items"), ["review_id", "kind", "seq", "text"])
        self.assertEqual(peerreview.TABLES[0], "reviews")
        with self.assertRaises(ValueError):
            peerreview.columns("nope")


class TestLoad(TempDirTest):
    def test_sample(self):
        ds = peerreview.load(SAMPLE)
        self.assertEqual(len(ds), 30)
        ids = [r.review_id for r in ds]
        self.assertEqual(ids[0], "e10000034-csg-2015-04")
        self.assertEqual(len(set(ids)), 30)
        self.assertIn("e10000034-csg-2015-04", ds)
        self.assertNotIn("nope", ds)
        with self.assertRaises(KeyError):
            ds["nope"]
        # C strings end at NUL: such keys and paths must not match a shorter one
        with self.assertRaises(KeyError):
            ds["e10000034-csg-2015-04\x00x"]
        self.assertNotIn("e10000034-csg-2015-04\x00x", ds)
        with self.assertRaises(KeyError):
            ds.remove("e10000034-csg-2015-04\x00x")
        self.assertEqual(len(ds), 30)
        with self.assertRaises(ValueError):
            peerreview.load(SAMPLE + "\x00/elsewhere")
        import pathlib
        self.assertEqual(len(peerreview.load(pathlib.Path(SAMPLE))), 30)
        self.assertEqual(len(peerreview.load(os.fsencode(SAMPLE))), 30)

    def test_attribute_types(self):
        ds = peerreview.load(SAMPLE)
        r = ds["e10000031-cpc-2014-09"]
        self.assertEqual(r.review_type, "corporate")
        self.assertEqual(r.onsite_start, "2014-09-09")
        self.assertEqual(r.report_date, "2014-10")          # precision kept
        self.assertIsInstance(r.team_size, int)
        self.assertEqual(r.team_size, 9)
        self.assertIsNone(r.recommendation_count)            # empty -> None
        self.assertIsNone(r.parent_review_id)
        self.assertEqual(ds["e10000034-cpc-2012"].onsite_start, "2012")
        council = r.councils[0]
        self.assertEqual(council.gss_code, "E10000031")
        self.assertEqual(council.seq, 1)
        self.assertIsInstance(council.seq, int)
        self.assertFalse(hasattr(council, "review_id"))
        self.assertEqual(len(r.team), 9)
        self.assertEqual(r.team[-1].seq, 9)
        self.assertEqual([m.seq for m in r.team[2:4]], [3, 4])

    def test_datapackage_json_and_flat_paths(self):
        ds = peerreview.load(os.path.join(SAMPLE, "datapackage.json"))
        self.assertEqual(len(ds), 30)
        flat = os.path.join(self.tmp, "flat.csv")
        ds.save(flat, form="flat")
        self.assertEqual(len(peerreview.load(flat)), 30)

    def test_data_error_has_positions(self):
        pkg = self.sample_copy()
        self.patch(pkg, "reviews.csv", b",2014-09-09,2014-09-12,", b",2014-09-09,2014-02-30,")
        with self.assertRaises(peerreview.DataError) as cm:
            peerreview.load(pkg)
        probs = cm.exception.problems
        self.assertEqual(len(probs), 1)
        p = probs[0]
        self.assertEqual((p.severity, p.code, p.line, p.column, p.field),
                         ("error", "bad-date", 4, 8, "onsite_end"))
        self.assertTrue(p.path.endswith("reviews.csv"))
        self.assertIsInstance(p.offset, int)
        self.assertIn("2014-02-30", p.message)
        self.assertIn("cell H4", p.message)
        self.assertEqual(str(p), "%s:4:8: error: onsite_end: %s [bad-date]" % (p.path, p.message))

    def test_io_error(self):
        with self.assertRaises(peerreview.FileError) as cm:
            peerreview.load(os.path.join(self.tmp, "missing"))
        self.assertIsInstance(cm.exception, OSError)
        self.assertEqual(cm.exception.problems[0].code, "io-error")

    def test_options(self):
        pkg = self.sample_copy()
        # a bad seq in every review's first focus item: many errors to cap
        path = os.path.join(pkg, "items.csv")
        with open(path, "rb") as f:
            data = f.read()
        with open(path, "wb") as f:
            f.write(data.replace(b",focus,1,", b",focus,one,"))
        with self.assertRaises(peerreview.DataError):
            peerreview.load(pkg)
        probs = peerreview.validate(pkg, max_problems=3)
        self.assertEqual(len(probs), 3)
        probs = peerreview.validate(pkg, max_problems=0)
        self.assertEqual(len(probs), 1)
        with self.assertRaises(TypeError):
            peerreview.load(pkg, bogus=1)

    def test_delimiter_and_encoding_options_are_checked(self):
        # accepted; the sample is ASCII with commas, so these read it as before
        self.assertEqual(len(peerreview.load(SAMPLE, delimiter=",", encoding="utf-8")), 30)
        for encoding in ("windows-1252", "ISO-8859-1", "UTF-8", None):
            self.assertEqual(len(peerreview.load(SAMPLE, encoding=encoding)), 30, encoding)
        for delimiter in (";", "\t", "|"):
            self.assertIsInstance(peerreview.validate(SAMPLE, delimiter=delimiter), list)
        ds = peerreview.load(SAMPLE)
        self.assertEqual(ds.validate(delimiter=";", encoding="windows-1252"), [])
        # refused before any file is read, naming the option
        bad = [("delimiter", "ab"), ("delimiter", '"'), ("delimiter", ""), ("delimiter", "a"),
               ("delimiter", "7"), ("delimiter", " "), ("delimiter", "\n"), ("delimiter", "\x00"),
               ("delimiter", "\u00e9"), ("encoding", "utf-16"), ("encoding", "no-such"),
               ("encoding", ""), ("encoding", "utf-8\x00junk"), ("encoding", "UCS-4"),
               ("encoding", "windows-1252\u00e9")]
        missing = os.path.join(self.tmp, "missing")
        for option, value in bad:
            for fn in (peerreview.load, peerreview.validate, ds.validate):
                args = () if fn == ds.validate else (missing,)
                with self.assertRaises(ValueError, msg="%s=%r" % (option, value)) as cm:
                    fn(*args, **{option: value})
                self.assertIn("option " + option, str(cm.exception))
                self.assertIn(repr(value), str(cm.exception))
        for option, value in (("delimiter", 59), ("delimiter", b";"), ("delimiter", None),
                              ("encoding", b"cp1252"), ("encoding", 1252)):
            with self.assertRaises(TypeError, msg="%s=%r" % (option, value)) as cm:
                peerreview.load(SAMPLE, **{option: value})
            self.assertIn(option, str(cm.exception))
        # values the C library refuses name their option too
        for option in ("max_records", "max_field_size"):
            with self.assertRaises(ValueError) as cm:
                peerreview.load(SAMPLE, **{option: 0})
            self.assertIn("option " + option, str(cm.exception))

    def test_semicolon_separated_flat_file_loads(self):
        import csv
        flat = os.path.join(self.tmp, "flat.csv")
        peerreview.load(SAMPLE).save(flat, form="flat")
        with open(flat, encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        semi = os.path.join(self.tmp, "semicolons.csv")
        with open(semi, "w", encoding="utf-8", newline="") as f:
            csv.writer(f, delimiter=";").writerows(rows)
        self.assertTrue(read(semi).startswith(b"review_id;"))
        ds, expected = peerreview.load(semi, delimiter=";"), peerreview.load(flat)
        for table in peerreview.TABLES:
            self.assertEqual(ds.table(table), expected.table(table), table)

    def test_windows_1252_file_loads(self):
        text = "Caf\u00e9 \u2013 \u201cquoted\u201d \u00a35, na\u00efve"
        ds = peerreview.load(SAMPLE)
        ds["e10000034-csg-2015-04"].notes = text
        utf8 = os.path.join(self.tmp, "utf8.csv")
        ds.save(utf8)
        cp1252 = os.path.join(self.tmp, "cp1252.csv")
        with open(cp1252, "wb") as f:
            f.write(read(utf8).decode("utf-8").encode("cp1252"))
        back = peerreview.load(cp1252, encoding="windows-1252")
        self.assertEqual(back["e10000034-csg-2015-04"].notes, text)
        self.assertEqual(len(back), 30)

    def test_validate_never_raises_for_data(self):
        self.assertEqual(peerreview.validate(SAMPLE), [])
        pkg = self.sample_copy()
        self.patch(pkg, "items.csv", b"e10000034-csg-2015-04,focus,2,", b"e10000034-csg-2015-04,focus,7,")
        warnings = peerreview.validate(pkg)  # warnings only: still reported
        # focus seqs now 1, 7, 3, 4: gaps before 3 (line 4) and before 7 (line 3)
        self.assertEqual([(p.severity, p.code, p.line) for p in warnings],
                         [("warning", "seq-gap", 4), ("warning", "seq-gap", 3)])
        probs = peerreview.validate(os.path.join(self.tmp, "missing"))
        self.assertEqual([p.code for p in probs], ["io-error"])


class TestEdit(TempDirTest):
    def test_set_and_validate_values(self):
        ds = peerreview.load(SAMPLE)
        r = ds["e10000034-csg-2015-04"]
        r.notes = '  "quoted", with\nnewline  '
        self.assertEqual(r.notes, '  "quoted", with\nnewline  ')
        r.team_size = 7
        self.assertEqual(r.team_size, 7)
        r.team_size = "8"
        self.assertEqual(r.team_size, 8)
        r.team_size = None
        self.assertIsNone(r.team_size)
        with self.assertRaises(ValueError) as cm:
            r.onsite_start = "2015-02-30"
        self.assertIn("onsite_start", str(cm.exception))
        self.assertEqual(r.onsite_start, "2015-04")  # unchanged
        with self.assertRaises(ValueError):
            r.review_type = "Corporate"
        with self.assertRaises(ValueError):
            r.team_size = 0
        with self.assertRaises(TypeError):
            r.team_size = 1.5
        with self.assertRaises(ValueError):
            r.notes = "cut\x00here"  # C strings cannot hold NUL: refused, never truncated
        with self.assertRaises(ValueError):
            r.notes = "lone \ud800 surrogate"
        self.assertEqual(r.notes, '  "quoted", with\nnewline  ')
        with self.assertRaises(AttributeError):
            r.no_such_field = 1
        with self.assertRaises(AttributeError):
            r.items = []

    def test_construct_add_remove(self):
        ds = peerreview.load(SAMPLE)
        r = peerreview.Review(review_id="e06000001-cpc-2024", review_type="corporate",
                              stage="initial", onsite_start="2024-03")
        r.councils.append(gss_code="E06000001", council_name="Hartlepool Borough Council",
                          authority_type="unitary")
        r.items.append(kind="strength", text="Clear ambition")
        r.items.append(kind="strength", text="Strong partnerships")
        ds.add(r)
        self.assertEqual(len(ds), 31)
        self.assertEqual(ds["e06000001-cpc-2024"].items[1].seq, 2)
        self.assertEqual(r.councils[0].council_name, "Hartlepool Borough Council")
        with self.assertRaises(KeyError):
            ds.add(peerreview.Review(review_id="e06000001-cpc-2024", review_type="other",
                                     stage="initial"))
        with self.assertRaises(peerreview.DataError):
            ds.add(peerreview.Review(review_type="other"))
        with self.assertRaises(ValueError):
            ds.add(r)  # already in a dataset
        with self.assertRaises(TypeError):
            peerreview.Review(nope=1)
        self.assertEqual(ds.validate(), [])
        ds.remove("e06000001-cpc-2024")
        self.assertEqual(len(ds), 30)
        with self.assertRaises(KeyError):
            ds.remove("e06000001-cpc-2024")

    def test_child_lists(self):
        ds = peerreview.load(SAMPLE)
        r = ds["e10000034-csg-2015-04"]
        n = len(r.items)
        it = r.items.append(kind="recommendation", text="Publish the plan")
        self.assertEqual((it.kind, it.seq, it.text), ("recommendation", 1, "Publish the plan"))
        self.assertEqual(len(r.items), n + 1)
        self.assertEqual(r.items.append(kind="recommendation", text="Two").seq, 2)
        with self.assertRaises(ValueError):
            r.items.append(text="no kind")
        with self.assertRaises(ValueError):
            r.items.append(kind="strength", text="")  # minLength 1? empty means unknown
        self.assertEqual(len(r.items), n + 2)  # failed appends left nothing
        with self.assertRaises(ValueError):
            it.seq = 2  # taken
        it.seq = 5
        self.assertEqual(it.seq, 5)
        probs = ds.validate()
        self.assertIn("seq-gap", [p.code for p in probs])
        r.items.remove(it)
        self.assertEqual(len(r.items), n + 1)
        src = r.sources.append(url="https://example.org/x", description="x")
        self.assertEqual(src.seq, 3)
        with self.assertRaises(ValueError):
            r.sources.append(url="ftp://example.org/x")
        with self.assertRaises(IndexError):
            r.items[1000]

    def test_table_rows(self):
        ds = peerreview.load(SAMPLE)
        reviews = ds.table("reviews")
        self.assertEqual(len(reviews), 30)
        self.assertEqual(list(reviews[0]), peerreview.columns("reviews"))
        items = ds.table("items")
        self.assertEqual(list(items[0]), ["review_id", "kind", "seq", "text"])
        self.assertEqual(len(items), 40)
        self.assertIsInstance(items[0]["seq"], int)
        team = ds.table("team_members")
        self.assertIsNone(team[0]["role_label"])
        # export order = the order of the CSV rows
        with open(os.path.join(SAMPLE, "items.csv"), encoding="utf-8", newline="") as f:
            import csv
            rows = list(csv.DictReader(f))
        self.assertEqual([(x["review_id"], x["kind"], str(x["seq"])) for x in items],
                         [(x["review_id"], x["kind"], x["seq"]) for x in rows])
        try:
            import pandas
        except ImportError:
            return
        self.assertEqual(len(pandas.DataFrame(items)), 40)


class TestAccess(TempDirTest):
    """The checked getters through capi, and what the package asks the library."""

    def test_capi_getters(self):
        c = peerreview.capi
        ds = c.peerreview_load(SAMPLE.encode(), None, None)
        r = c.peerreview_dataset_review_byid(ds, "e10000034-csg-2015-04")
        self.assertEqual(c.peerreview_review_get_byname(r, "review_id"), "e10000034-csg-2015-04")
        self.assertIsNone(c.peerreview_review_get_byname(r, "parent_review_id"))  # empty
        with self.assertRaises(peerreview.InvalidArgumentError):  # noqa: F821
            c.peerreview_review_get_byname(r, "parent_reveiw_id")  # misspelt
        with self.assertRaises(peerreview.InvalidArgumentError):  # noqa: F821
            c.peerreview_review_get_byindex(r, 1000)
        self.assertEqual(c.peerreview_review_get_date_byname(r, "onsite_start"),
                         (2015, 4, 0, c.PEERREVIEW_DATE_MONTH, 16526, 16555))
        self.assertIsNone(c.peerreview_review_get_date_byname(r, "onsite_end"))
        with self.assertRaises(peerreview.InvalidArgumentError):  # noqa: F821
            c.peerreview_review_get_date_byname(r, "notes")
        self.assertIsNone(c.peerreview_review_get_int64_byname(r, "team_size"))
        row = c.peerreview_review_child_byindex(r, c.PEERREVIEW_ITEMS, 1)
        self.assertEqual(c.peerreview_row_get_int64_byname(row, "seq"), 2)
        self.assertEqual(c.peerreview_row_get_byindex(row, 0), "e10000034-csg-2015-04")
        with self.assertRaises(peerreview.InvalidArgumentError):  # noqa: F821
            c.peerreview_row_get_int64_byname(row, "text")
        self.assertEqual(c.peerreview_date_parse("1969-12-31"),
                         (1969, 12, 31, c.PEERREVIEW_DATE_DAY, -1, -1))
        with self.assertRaises(peerreview.InvalidArgumentError):  # noqa: F821
            c.peerreview_date_parse("2015-02-29")
        first = c.peerreview_review_child_byindex(r, c.PEERREVIEW_ITEMS, 0)
        self.assertLess(c.peerreview_row_compare(first, row), 0)
        self.assertEqual(int(c.peerreview_row_owner(row).this), int(r.this))
        self.assertEqual(int(c.peerreview_review_owner(r).this), int(ds.this))
        rd = c.peerreview_reader_open(os.path.join(SAMPLE, "items.csv").encode(), -1, None, None)
        self.assertIsNone(c.peerreview_reader_get_byname(rd, "kind"))  # no row yet
        self.assertEqual(c.peerreview_reader_next(rd, None), 1)
        self.assertEqual(c.peerreview_reader_get_byname(rd, "kind"), "focus")
        with self.assertRaises(peerreview.InvalidArgumentError):  # noqa: F821
            c.peerreview_reader_get_byname(rd, "knd")

    def test_lists_and_keys_from_the_library(self):
        c = peerreview.capi
        lists = {t: getattr(peerreview.Review, (c.peerreview_table_list_name(t)
                                                or c.peerreview_table_name(t)))
                 for t in range(1, c.PEERREVIEW_TABLE_COUNT)}
        self.assertEqual(len(lists), 5)
        r = peerreview.load(SAMPLE)["e10000034-csg-2015-04"]
        self.assertEqual(len(r.councils), 1)
        self.assertEqual(len(r.team), 0)

    def test_table_in_export_order(self):
        ds = peerreview.load(SAMPLE)
        r = next(iter(ds))
        # rows added out of key order: table() sorts them as save() writes them
        r.items.append(kind="recommendation", seq=10, text="ten")
        r.items.append(kind="recommendation", seq=9, text="nine")
        r.items.append(kind="focus", seq=99, text="focus")
        r.sources.append(url="https://example.org/a", seq=50)
        r.sources.append(url="https://example.org/b", seq=7)
        out = os.path.join(self.tmp, "out")
        ds.save(out)
        import csv
        for table in ("items", "sources"):
            with open(os.path.join(out, table + ".csv"), encoding="utf-8", newline="") as f:
                saved = [tuple(row) for row in csv.reader(f)][1:]
            got = [tuple("" if v is None else str(v) for v in row.values())
                   for row in ds.table(table)]
            self.assertEqual(got, saved, table)
        self.assertEqual([x.seq for x in r.items][-3:], [10, 9, 99])  # the list keeps its order

    def test_duplicate_key_message_names_key_columns(self):
        r = peerreview.load(SAMPLE)["e10000034-csg-2015-04"]
        with self.assertRaises(ValueError) as cm:
            r.items.append(kind="focus", seq=1, text="again")
        self.assertIn("kind=focus, seq=1", str(cm.exception))
        with self.assertRaises(ValueError) as cm:
            r.sources.append(url="https://example.org/", seq=1)
        self.assertIn("sources: a row with seq=1 already exists", str(cm.exception))


def integer_columns(table):
    """The integer columns of a table, as the C schema describes them."""
    c = peerreview.capi
    t = c.peerreview_table_lookup(table)
    return {c.peerreview_column_name(t, i) for i in range(c.peerreview_column_count(t))
            if c.peerreview_column_type(t, i) == c.PEERREVIEW_TYPE_INTEGER}


class TestDataFrame(unittest.TestCase):
    def pandas(self):
        try:
            import pandas
        except ImportError:
            self.skipTest("pandas is not installed")
        return pandas

    def test_without_pandas_points_to_table(self):
        ds = peerreview.load(SAMPLE)
        with mock.patch.dict(sys.modules, {"pandas": None}):  # import pandas fails
            with self.assertRaises(ImportError) as cm:
                ds.dataframe("items")
        self.assertIn("pandas", str(cm.exception))
        self.assertIn("Dataset.table()", str(cm.exception))
        with self.assertRaises(ValueError):
            ds.dataframe("nope")

    def test_integer_columns_are_nullable_ints(self):
        pandas = self.pandas()
        ds = peerreview.load(SAMPLE)
        self.assertLessEqual({"team_size", "recommendation_count"}, integer_columns("reviews"))
        for table in peerreview.TABLES:
            df = ds.dataframe(table)
            rows = ds.table(table)
            self.assertIsInstance(df, pandas.DataFrame)
            self.assertEqual(list(df.columns), peerreview.columns(table))
            self.assertEqual(len(df), len(rows))
            ints = integer_columns(table)
            for name in df.columns:
                expected = "Int64" if name in ints else "object"
                self.assertEqual(str(df[name].dtype), expected, "%s.%s" % (table, name))
            for i, row in enumerate(rows):
                for name, value in row.items():
                    got = df[name].iloc[i]
                    if value is None:
                        if name in ints:
                            self.assertIs(got, pandas.NA, "%s.%s" % (table, name))
                        else:
                            self.assertIsNone(got, "%s.%s" % (table, name))
                    else:
                        self.assertEqual(got, value, "%s.%s" % (table, name))
                        if name not in ints:
                            self.assertIsInstance(got, str)
        reviews = ds.dataframe("reviews").set_index("review_id")
        self.assertEqual(reviews.loc["e10000031-cpc-2014-09", "team_size"], 9)
        self.assertIs(reviews.loc["e10000031-cpc-2014-09", "recommendation_count"], pandas.NA)
        self.assertEqual(reviews["team_size"].sum(), sum(r.team_size or 0 for r in ds))
        self.assertEqual(ds.dataframe("items").groupby("kind").size().sum(), 40)

    def test_empty_table_keeps_columns_and_types(self):
        self.pandas()
        for table in peerreview.TABLES:
            df = peerreview.Dataset().dataframe(table)
            self.assertEqual(len(df), 0)
            self.assertEqual(list(df.columns), peerreview.columns(table))
            self.assertEqual({n: str(t) for n, t in df.dtypes.items()},
                             {n: "Int64" if n in integer_columns(table) else "object"
                              for n in peerreview.columns(table)})


class TestEdges(TempDirTest):
    def test_paths_and_keys_c_cannot_hold(self):
        probs = peerreview.validate(b"/tmp/no-such-\xff\xfe")
        self.assertEqual([p.code for p in probs], ["io-error"])
        with self.assertRaises(peerreview.FileError):
            peerreview.load(b"/tmp/no-such-\xff\xfe")
        ds = peerreview.load(SAMPLE)
        self.assertNotIn("\ud800", ds)
        self.assertNotIn(5, ds)
        with self.assertRaises(KeyError):
            ds["\ud800"]
        with self.assertRaises(KeyError) as cm:
            ds.remove("nope")
        self.assertIn("nope", str(cm.exception))

    def test_datasets_and_reviews_are_not_copied(self):
        import copy
        import pickle
        ds = peerreview.load(SAMPLE)
        review = peerreview.Review(review_id="new", review_type="other", stage="initial")
        for obj in (ds, ds["e10000034-cpc-2012"], review):
            for fn in (copy.copy, copy.deepcopy, pickle.dumps):
                with self.assertRaises(TypeError) as cm:
                    fn(obj)
                self.assertIn("cannot be copied or pickled", str(cm.exception))

    def test_options_take_exact_types(self):
        ds = peerreview.load(SAMPLE)
        with self.assertRaises(TypeError):
            ds.save(os.path.join(self.tmp, "f.csv"), form="flat", spreadsheet_safe="no")
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "f.csv")))
        with self.assertRaises(TypeError):
            peerreview.load(SAMPLE, max_problems=True)
        with self.assertRaises(ValueError):
            peerreview.load(SAMPLE, max_records=-1)

    def test_value_over_the_field_limit_is_refused_on_save(self):
        ds = peerreview.load(SAMPLE)
        ds["e10000034-csg-2015-04"].notes = "y" * (2 * 1024 * 1024)
        self.assertIn("field-too-long", [p.code for p in ds.validate()])
        with self.assertRaises(peerreview.DataError):
            ds.save(os.path.join(self.tmp, "pkg"))
        self.assertEqual(ds.validate(max_field_size=4 * 1024 * 1024), [])

    def test_huge_int_names_the_field(self):
        r = peerreview.Review()
        with self.assertRaises(ValueError) as cm:
            r.team_size = 10 ** 5000
        self.assertIn("team_size", str(cm.exception))


class TestSave(TempDirTest):
    def test_package_fixpoint(self):
        out = os.path.join(self.tmp, "out")
        peerreview.load(SAMPLE).save(out)
        for name in TABLE_FILES + ["datapackage.json"]:
            self.assertEqual(read(os.path.join(out, name)), read(os.path.join(SAMPLE, name)), name)

    def test_flat_round_trip(self):
        flat = os.path.join(self.tmp, "flat.csv")
        peerreview.load(SAMPLE).save(flat, form="flat")
        out = os.path.join(self.tmp, "again")
        peerreview.load(flat).save(out, form="package")
        for name in TABLE_FILES:
            self.assertEqual(read(os.path.join(out, name)), read(os.path.join(SAMPLE, name)), name)

    def test_awkward_strings(self):
        ds = peerreview.Dataset()
        awkward = ['a "quoted" word', "comma, here", "line\nbreak", "crlf\r\nend", "cr\ronly",
                   "  spaces  ", "Åström ʤ ✓ 😀", "=SUM(A1)", "x" * 100000]
        for i, text in enumerate(awkward):
            r = peerreview.Review(review_id="r-%d" % i, review_type="other", stage="initial",
                                  onsite_start="2020", notes=text, review_type_label=text)
            r.items.append(kind="other", text=text.replace("\n", " ").replace("\r", " "))
            ds.add(r)
        for form, path in (("package", os.path.join(self.tmp, "p")),
                           ("flat", os.path.join(self.tmp, "f.csv"))):
            if form == "flat":
                # a flat cell never begins or ends with white space (R's readr
                # would trim it): the flat form refuses "  spaces  "
                with self.assertRaises(peerreview.UnsupportedError) as cm:
                    ds.save(path, form=form)
                self.assertEqual(cm.exception.problems[0].code, "unrepresentable")
                self.assertIn("readr", cm.exception.problems[0].message)
                self.assertFalse(os.path.exists(path))
                ds["r-5"].notes = ds["r-5"].review_type_label = "spaces  inside"
                ds["r-5"].items[0].text = "spaces  inside"
                awkward[5] = "spaces  inside"
            ds.save(path, form=form)
            back = peerreview.load(path)
            self.assertEqual(len(back), len(awkward))
            for i, text in enumerate(awkward):
                self.assertEqual(back["r-%d" % i].notes, text)
                self.assertEqual(back["r-%d" % i].items[0].text,
                                 text.replace("\n", " ").replace("\r", " "))

    def test_save_errors(self):
        ds = peerreview.load(SAMPLE)
        ds["e10000034-csg-2015-04"].items.append(kind="other", text="two\nlines")
        with self.assertRaises(peerreview.DataError) as cm:
            ds.save(os.path.join(self.tmp, "f.csv"), form="flat")
        self.assertEqual(cm.exception.problems[0].code, "unrepresentable")
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "f.csv")))
        ds.save(os.path.join(self.tmp, "pkg"))  # the package form holds it
        with self.assertRaises(ValueError):
            ds.save(os.path.join(self.tmp, "x"), form="xml")

    def test_save_without_form_chooses_from_the_path(self):
        ds = peerreview.load(SAMPLE)
        for name in ("out.csv", "OUT.CSV"):
            path = os.path.join(self.tmp, name)
            ds.save(path)
            self.assertTrue(os.path.isfile(path), name + " should be one flat file")
            self.assertTrue(read(path).startswith(b"review_id,"), name)
            self.assertEqual(len(peerreview.load(path)), 30)
        pkg = os.path.join(self.tmp, "pkg")
        ds.save(pkg)
        self.assertTrue(os.path.isfile(os.path.join(pkg, "datapackage.json")))
        # a form given still wins over the path
        forced = os.path.join(self.tmp, "forced.csv")
        ds.save(forced, form="package")
        self.assertTrue(os.path.isfile(os.path.join(forced, "reviews.csv")))
        flat = os.path.join(self.tmp, "flat-without-suffix")
        ds.save(flat, form="flat")
        self.assertTrue(os.path.isfile(flat))
        for bad in ("auto", "csv", ""):
            with self.assertRaises(ValueError) as cm:
                ds.save(os.path.join(self.tmp, "bad"), form=bad)
            self.assertIn("form", str(cm.exception))
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "bad")))

    def test_flat_file_saved_back_to_its_own_path(self):
        flat = os.path.join(self.tmp, "reviews-flat.csv")
        peerreview.load(SAMPLE).save(flat, form="flat")
        ds = peerreview.load(flat)
        ds["e10000034-csg-2015-04"].notes = "edited in Python"
        ds.save(flat)
        self.assertTrue(os.path.isfile(flat))
        self.assertEqual(peerreview.load(flat)["e10000034-csg-2015-04"].notes, "edited in Python")

    def test_existing_file_without_csv_suffix_is_saved_flat(self):
        flat = os.path.join(self.tmp, "reviews.txt")
        peerreview.load(SAMPLE).save(flat, form="flat")
        ds = peerreview.load(flat)  # an existing file that is not a package's is flat
        self.assertEqual(len(ds), 30)
        ds["e10000034-csg-2015-04"].notes = "edited in Python"
        ds.save(flat)
        self.assertTrue(os.path.isfile(flat))
        self.assertEqual(peerreview.load(flat)["e10000034-csg-2015-04"].notes, "edited in Python")

    def test_spreadsheet_safe(self):
        ds = peerreview.load(SAMPLE)
        ds["e10000034-csg-2015-04"].notes = "=cmd()"
        out = os.path.join(self.tmp, "safe")
        ds.save(out, spreadsheet_safe=True)
        data = read(os.path.join(out, "reviews.csv"))
        self.assertTrue(data.startswith(b"\xef\xbb\xbf"))
        self.assertIn(b",'=cmd()\r\n", data)


class TestMemory(TempDirTest):
    """loads() and Dataset.render(): the flat form and the reviews table in memory."""

    def flat_file(self):
        path = os.path.join(self.tmp, "flat.csv")
        peerreview.load(SAMPLE).save(path, form="flat")
        return path

    def test_loads_is_load(self):
        path = self.flat_file()
        data = read(path)
        want = peerreview.load(path).render()
        self.assertEqual(want, data)
        for given in (data, bytearray(data), memoryview(data), data.decode("utf-8")):
            ds = peerreview.loads(given)
            self.assertEqual(len(ds), 30)
            self.assertEqual(ds.render(), want)

    def test_loads_reviews_table(self):
        ds = peerreview.loads(read(os.path.join(SAMPLE, "reviews.csv")), table="reviews")
        self.assertEqual(len(ds), 30)
        self.assertEqual(ds.render(table="reviews"), read(os.path.join(SAMPLE, "reviews.csv")))
        self.assertEqual(sum(len(r.items) for r in ds), 0)
        for table in ("items", "nonsense", 3):
            with self.assertRaises(ValueError):
                peerreview.loads(b"review_id\r\n", table=table)

    def test_loads_problems_name_the_buffer(self):
        data = read(self.flat_file()).replace(b",2015-04,", b",2015-13,", 1)
        with self.assertRaises(peerreview.DataError) as cm:
            peerreview.loads(data)
        p = [q for q in cm.exception.problems if q.code == "bad-date"][0]
        self.assertEqual((p.path, p.line, p.field), ("<buffer>", 2, "onsite_start"))
        # as a file with the same bytes gives them
        path = os.path.join(self.tmp, "bad.csv")
        with open(path, "wb") as f:
            f.write(data)
        from_file = [q for q in peerreview.validate(path) if q.code == "bad-date"][0]
        self.assertEqual((p.line, p.column, p.record, p.offset, p.message),
                         (from_file.line, from_file.column, from_file.record, from_file.offset,
                          from_file.message))

    def test_loads_options(self):
        data = read(self.flat_file())
        semi = data.decode("utf-8").replace(",", ";").encode("windows-1252", "replace")
        with self.assertRaises(peerreview.DataError) as cm:
            peerreview.loads(semi)
        self.assertEqual(cm.exception.problems[0].code, "wrong-delimiter")
        header = semi.split(b"\r\n")[0] + b"\r\n"
        row = b"x-1;corporate;;initial;;;2019;;;;;;;;;;;;caf\xe9"
        row += b";" * (header.count(b";") - row.count(b";")) + b"\r\n"
        ds = peerreview.loads(header + row, delimiter=";", encoding="windows-1252")
        self.assertEqual(ds["x-1"].notes, "caf\u00e9")
        with self.assertRaises(ValueError):
            peerreview.loads("text", encoding="windows-1252")
        with self.assertRaises(TypeError):
            peerreview.loads(data, form="flat")
        with self.assertRaises(TypeError):
            peerreview.loads(12)
        with self.assertRaises(peerreview.DataError) as cm:
            peerreview.loads(b"")
        self.assertEqual(cm.exception.problems[0].code, "empty-file")

    def test_render_is_save(self):
        import io
        ds = peerreview.load(SAMPLE)
        path = self.flat_file()
        self.assertEqual(ds.render(), read(path))
        out = io.BytesIO()
        self.assertIsNone(ds.render(out))
        self.assertEqual(out.getvalue(), read(path))
        for name in TABLE_FILES:
            table = name[:-4]
            self.assertEqual(ds.render(table=table), read(os.path.join(SAMPLE, name)), name)
        safe = os.path.join(self.tmp, "safe.csv")
        ds.save(safe, form="flat", spreadsheet_safe=True)
        self.assertEqual(ds.render(spreadsheet_safe=True), read(safe))
        with self.assertRaises(ValueError):
            ds.render(table="nonsense")

    def test_render_errors(self):
        ds = peerreview.load(SAMPLE)
        ds.add(peerreview.Review(review_id="x-1", review_type="other", stage="initial",
                                 onsite_start="2020", notes="  spaces  "))
        writes = []

        class File:
            def write(self, b):
                writes.append(b)

        with self.assertRaises(peerreview.UnsupportedError) as cm:
            ds.render(File())
        self.assertEqual(cm.exception.problems[0].code, "unrepresentable")
        self.assertEqual(writes, [])  # nothing written of what the flat form cannot hold

        class Full:
            def write(self, b):
                raise OSError(28, "No space left on device")

        with self.assertRaises(OSError) as cm:
            peerreview.load(SAMPLE).render(Full())
        self.assertEqual(cm.exception.errno, 28)

        # a file whose write() removes what is being rendered stops the render
        ds = peerreview.load(SAMPLE)
        ids = [r.review_id for r in ds]

        class Meddler:
            def write(self, b):
                if ids:
                    ds.remove(ids.pop())

        for table in (None, "items"):
            with self.assertRaises(RuntimeError):
                ds.render(Meddler(), table=table)


class TestLifetime(TempDirTest):
    """Each case runs in a subprocess, so that a crash fails the test."""

    def run_case(self, name):
        env = dict(os.environ)
        proc = subprocess.run(
            [sys.executable, os.path.join(HERE, "lifetime_cases.py"), name, SAMPLE, self.tmp],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, timeout=300)
        out = proc.stdout.decode("utf-8", "replace")
        self.assertEqual(proc.returncode, 0, "%s exited %d:\n%s" % (name, proc.returncode, out))
        self.assertIn("ok " + name, out)


def _add_lifetime_tests():
    sys.path.insert(0, HERE)
    import lifetime_cases
    for name in lifetime_cases.CASES:
        setattr(TestLifetime, "test_" + name, lambda self, n=name: self.run_case(n))


_add_lifetime_tests()


class TestThreads(TempDirTest):
    def make_big(self, n):
        ds = peerreview.Dataset()
        for i in range(n):
            r = peerreview.Review(review_id="r-%d" % i, review_type="corporate",
                                  stage="initial", onsite_start="2020-01",
                                  notes="note %d " % i * 20)
            r.items.append(kind="strength", text="strength %d" % i)
            ds.add(r)
        path = os.path.join(self.tmp, "big")
        ds.save(path)
        return path

    def test_load_releases_the_gil(self):
        path = self.make_big(8000)
        stamps = []
        done = threading.Event()

        def count():
            while not done.is_set():
                stamps.append(time.monotonic())
                time.sleep(0)

        t = threading.Thread(target=count)
        t.start()
        try:
            time.sleep(0.05)
            start = time.monotonic()
            peerreview.load(path)
            end = time.monotonic()
        finally:
            done.set()
            t.join()
        if end - start < 0.015:
            self.skipTest("load too fast (%.3fs) to observe" % (end - start))
        # the other thread ran while load was inside C: with the GIL held for
        # the whole call it could only have run before or after it
        inside = [x for x in stamps if start + 0.002 < x < end - 0.002]
        self.assertGreater(len(inside), 5,
                           "%d ticks inside a %.3fs load" % (len(inside), end - start))

    def test_two_threads_load_and_save(self):
        path = self.make_big(500)
        errors = []

        def work(k):
            try:
                ds = peerreview.load(path)
                ds.save(os.path.join(self.tmp, "out-%d" % k))
                self.assertEqual(len(peerreview.load(os.path.join(self.tmp, "out-%d" % k))), 500)
            except Exception as e:  # pragma: no cover - reported below
                errors.append(e)

        threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])

    def test_mutation_during_save_is_serialised(self):
        path = self.make_big(2000)
        ds = peerreview.load(path)
        stop = threading.Event()

        def mutate():
            i = 0
            while not stop.is_set():
                ds.add(peerreview.Review(review_id="m-%d" % i, review_type="other",
                                         stage="initial", onsite_start="2021"))
                ds.remove("m-%d" % i)
                i += 1

        t = threading.Thread(target=mutate)
        t.start()
        try:
            for k in range(5):
                ds.save(os.path.join(self.tmp, "s-%d" % k))
        finally:
            stop.set()
            t.join()
        # every save is a consistent dataset: before or after one add, never half of it
        for k in range(5):
            self.assertIn(len(peerreview.load(os.path.join(self.tmp, "s-%d" % k))), (2000, 2001))


class TestUnderLoad(TempDirTest):
    """Threads saving, editing, reading, dropping and loading at once (thread_cases.py).

    Each case runs in a subprocess: a crash fails only its test, and a
    deadlock is cut short by the timeout (the case prints its threads'
    stacks first).
    """

    def run_case(self, name):
        import thread_cases
        try:
            proc = subprocess.run(
                [sys.executable, os.path.join(HERE, "thread_cases.py"), name, SAMPLE, self.tmp],
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                timeout=thread_cases.DEADLINE + 20)
        except subprocess.TimeoutExpired as e:
            self.fail("%s still running after %ds (deadlock?):\n%s" % (
                name, e.timeout, (e.output or b"").decode("utf-8", "replace")))
        out = proc.stdout.decode("utf-8", "replace")
        self.assertEqual(proc.returncode, 0, "%s exited %d:\n%s" % (name, proc.returncode, out))
        self.assertIn("ok " + name, out)


def _add_load_tests():
    import thread_cases
    for name in thread_cases.CASES:
        setattr(TestUnderLoad, "test_" + name, lambda self, n=name: self.run_case(n))


_add_load_tests()


class TestReadmeExample(TempDirTest):
    def test_readme_python_example_runs(self):
        readme = read(os.path.join(TOP, "README.md")).decode("utf-8")
        start = readme.find("```python\n")
        self.assertGreaterEqual(start, 0, "README has no Python example")
        code = readme[start + len("```python\n"):readme.index("```", start + 9)]
        proc = subprocess.run([sys.executable, "-c", code], cwd=TOP, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=120)
        self.assertEqual(proc.returncode, 0, proc.stdout.decode("utf-8", "replace"))

    def test_example_script_runs(self):
        script = os.path.join(TOP, "examples", "python", "summarise.py")
        out = os.path.join(self.tmp, "corporate")
        proc = subprocess.run([sys.executable, script, SAMPLE, out], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=120)
        text = proc.stdout.decode("utf-8", "replace")
        self.assertEqual(proc.returncode, 0, text)
        self.assertIn("30 reviews", text)
        self.assertTrue(os.path.exists(os.path.join(out, "reviews.csv")))

    def test_example_script_saves_to_a_temporary_folder(self):
        import re
        script = os.path.join(TOP, "examples", "python", "summarise.py")
        # with the sample named, then with no arguments at all (the sample is the default)
        for k, args in enumerate(([SAMPLE], [])):
            cwd = os.path.join(self.tmp, "cwd-%d" % k)
            tmpdir = os.path.join(self.tmp, "tmpdir-%d" % k)
            os.mkdir(cwd)
            os.mkdir(tmpdir)
            proc = subprocess.run([sys.executable, script] + args, cwd=cwd,
                                  env=dict(os.environ, TMPDIR=tmpdir), stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, timeout=120)
            text = proc.stdout.decode("utf-8", "replace")
            self.assertEqual(proc.returncode, 0, text)
            self.assertIn("30 reviews", text)
            self.assertEqual(os.listdir(cwd), [], "the example wrote into the current directory")
            saved = re.search(r"^saved 24 corporate reviews to (.+)$", text, re.M)
            self.assertIsNotNone(saved, text)
            out = saved.group(1)
            self.assertTrue(out.startswith(tmpdir + os.sep), out)
            self.assertEqual(len(peerreview.load(out)), 24)
            # the sample's undated review is counted under a label, not a cut-off word
            self.assertNotIn("unkn", text)
            self.assertRegex(text, r"(?m)^  no date +1$")


if __name__ == "__main__":
    unittest.main()
