"""Records of LGA peer reviews of English councils: load, validate, edit, save.

A dataset is a set of reviews; each review has the fields of ``reviews.csv``
as attributes and five ordered child lists (``councils``, ``team``,
``items``, ``considerations``, ``sources``)::

    import peerreview

    ds = peerreview.load("data/lga-sample")          # package folder or flat .csv
    review = ds["e10000034-csg-2015-04"]
    print(review.review_type, review.published_date)  # str, dates keep precision
    for item in review.items:
        print(item.kind, item.seq, item.text)
    review.items.append(kind="recommendation", text="Publish the action plan")
    ds.save("out-package")            # a folder; "out.csv" would be one flat file

Errors are exceptions: :class:`DataError` (with ``.problems``, each a
:class:`Problem` with file, line, column and field) when the data breaks a rule,
``ValueError`` when an attribute is set to a bad value. Nothing is ever
half-loaded, and objects never outlive their data unsafely: a review that was
removed raises ``ReferenceError`` instead of crashing.
"""

import collections
import os
import threading

from . import capi as _c

__all__ = [
    "load",
    "loads",
    "validate",
    "Dataset",
    "Review",
    "Child",
    "ChildList",
    "Problem",
    "Error",
    "DataError",
    "InvalidValueError",
    "TABLES",
    "columns",
]  # the generated exception and row classes are appended below


def __dir__():
    """Only the public names, so that dir() and tab completion show the API.

    The helpers, the ``capi`` wrapper and the modules imported here stay
    reachable as attributes; they are just not advertised.
    """
    return sorted(__all__ + ["__version__"])


__version__ = _c.peerreview_version()


def _check_library_version():
    """Refuse a C library this package cannot use.

    The rule of ``include/peerreview.h``, the same as the C wrapper applies
    when it is imported: the library loaded at run time must have the major
    version of the one the package was built against, and a minor version at
    least as high (the patch level does not matter). A newer minor only adds
    to the API, so the package keeps working with it.
    """
    built = _c.PEERREVIEW_VERSION_NUMBER
    runtime = _c.peerreview_version_number()
    if not _c._version_compatible(built, runtime):
        raise ImportError(
            "peerreview was built for libpeerreview %s (it needs %d.x with x >= %d) but the "
            "loaded library is %s; reinstall one of them so that they match"
            % (_c.PEERREVIEW_VERSION, built >> 16, (built >> 8) & 0xFF, _c.peerreview_version())
        )


_check_library_version()

# --------------------------------------------------------------------------
# Exceptions: one class per C status, generated from the C enum.
# --------------------------------------------------------------------------


class Error(Exception):
    """Base class of every error raised by peerreview.

    ``status`` is the C status name (e.g. ``"PEERREVIEW_EIO"``) and ``problems``
    the list of :class:`Problem` the failing call reported (may be empty).
    """

    status = None

    def __init__(self, *args):
        super().__init__(*args)
        self.problems = []

    def __str__(self):
        # KeyError.__str__ quotes its argument like a dict key ('already
        # exists'); these messages are sentences, so print them plainly.
        # Other bases keep their own form (OSError's "[Errno 2] ...").
        text = Exception.__str__(self) if isinstance(self, KeyError) else super().__str__()
        errors = [p for p in self.problems if p.severity == "error"]
        if errors:
            text += ": " + str(errors[0])
            if len(errors) > 1:
                text += " (and %d more)" % (len(errors) - 1)
        return text


class DataError(Error):
    """The data breaks the format's rules; ``problems`` says where and why."""


class InvalidValueError(DataError, ValueError):
    """A value given to a field is not valid for it (also a ``ValueError``)."""

    def __str__(self):
        return Exception.__str__(self)


# Python base classes and names for the statuses we know; any status the C
# library adds later still gets its own subclass of Error.
_STATUS_CLASSES = {
    "PEERREVIEW_EDATA": ("DataError", None),
    "PEERREVIEW_EINVAL": ("InvalidArgumentError", ValueError),
    "PEERREVIEW_ENOMEM": ("OutOfMemoryError", MemoryError),
    "PEERREVIEW_EIO": ("FileError", OSError),
    "PEERREVIEW_ENOTFOUND": ("NotFoundError", KeyError),
    "PEERREVIEW_EEXIST": ("ExistsError", KeyError),
    "PEERREVIEW_EUNSUPPORTED": ("UnsupportedError", DataError),
    "PEERREVIEW_EFORMAT": ("FormatError", DataError),
    "PEERREVIEW_ECANCELED": ("CanceledError", None),
}


def _build_error_classes():
    by_status = {}
    for status in range(_c.peerreview_status_min(), 0):
        cname = _c.peerreview_status_name(status)
        name, base = _STATUS_CLASSES.get(cname, (None, None))
        if name == "DataError":
            cls = DataError
        else:
            if name is None:
                name = cname.replace("PEERREVIEW_", "").title() + "Error"
            bases = (Error,) if base is None else (base,) if issubclass(base, Error) else (Error, base)
            doc = "Raised when the C library reports %s (%s)." % (cname, _c.peerreview_strerror(status))
            cls = type(name, bases, {"__doc__": doc, "__module__": __name__})
        cls.status = cname
        by_status[status] = cls
        globals()[cls.__name__] = cls
        if cls.__name__ not in __all__:
            __all__.append(cls.__name__)
    _c._set_error_classes(by_status)
    return by_status


_ERRORS = _build_error_classes()

# --------------------------------------------------------------------------
# Problems
# --------------------------------------------------------------------------


class Problem:
    """One problem found in data: an error or a warning.

    Attributes: ``severity`` ("error" or "warning"), ``code`` (stable
    kebab-case, e.g. "bad-date"), ``path`` (file, or None), ``line`` (physical
    line, 1-based), ``column`` (1-based field index in the file), ``record``
    (record number with the header as 1, i.e. the spreadsheet row), ``field``
    (column name), ``offset`` (byte offset), ``message``. Positions that do not
    apply are None.
    """

    __slots__ = ("severity", "code", "path", "line", "column", "record", "field", "offset",
                 "message")

    def __init__(self, severity, code, path=None, line=None, column=None, record=None,
                 field=None, offset=None, message=""):
        self.severity = severity
        self.code = code
        self.path = path
        self.line = line
        self.column = column
        self.record = record
        self.field = field
        self.offset = offset
        self.message = message

    @classmethod
    def _from_c(cls, p):
        def pos(v):
            return v if v and v > 0 else None

        offset = _c.peerreview_problem_offset(p)
        return cls(
            "error" if _c.peerreview_problem_severity(p) == _c.PEERREVIEW_SEVERITY_ERROR
            else "warning",
            _c.peerreview_code_name(_c.peerreview_problem_code(p)),
            _c.peerreview_problem_file(p) or None,
            pos(_c.peerreview_problem_line(p)),
            pos(_c.peerreview_problem_column(p)),
            pos(_c.peerreview_problem_record(p)),
            _c.peerreview_problem_field(p),
            offset if offset >= 0 else None,
            _c.peerreview_problem_message(p),
        )

    def __str__(self):
        where = ""
        if self.path:
            where = self.path
            if self.line:
                where += ":%d" % self.line
                if self.column:
                    where += ":%d" % self.column
            where += ": "
        field = self.field + ": " if self.field else ""
        return "%s%s: %s%s [%s]" % (where, self.severity, field, self.message, self.code)

    def __repr__(self):
        return "Problem(%r, %r, path=%r, line=%r, column=%r, field=%r, message=%r)" % (
            self.severity, self.code, self.path, self.line, self.column, self.field,
            self.message)

    def __eq__(self, other):
        if not isinstance(other, Problem):
            return NotImplemented
        return all(getattr(self, a) == getattr(other, a) for a in self.__slots__)

    __hash__ = None


def _problems(diag):
    return [Problem._from_c(_c.peerreview_diag_get(diag, i))
            for i in range(_c.peerreview_diag_count(diag))]


def _call(fn, *args):
    """Call a C function that takes a trailing diag; attach its problems to errors."""
    return _call_problems(fn, *args)[0]


def _call_problems(fn, *args):
    """As _call, returning (result, problems) so that warnings are not lost."""
    diag = _c.peerreview_diag_new()
    if diag is None:
        raise MemoryError("out of memory")
    try:
        result = fn(*args, diag)
    except Error as e:
        e.problems = _problems(diag)
        raise
    return result, _problems(diag)


# --------------------------------------------------------------------------
# The schema, as the C library describes it
# --------------------------------------------------------------------------

#: Table names in package order: reviews first, then the five child tables.
TABLES = tuple(_c.peerreview_table_name(t) for t in range(_c.peerreview_table_count()))

_COLUMNS = tuple(
    tuple(_c.peerreview_column_name(t, i) for i in range(_c.peerreview_column_count(t)))
    for t in range(_c.peerreview_table_count())
)
_INTEGER = tuple(
    frozenset(_c.peerreview_column_name(t, i) for i in range(_c.peerreview_column_count(t))
              if _c.peerreview_column_type(t, i) == _c.PEERREVIEW_TYPE_INTEGER)
    for t in range(_c.peerreview_table_count())
)
_IS_INTEGER = tuple(
    tuple(_c.peerreview_column_type(t, i) == _c.PEERREVIEW_TYPE_INTEGER
          for i in range(_c.peerreview_column_count(t)))
    for t in range(_c.peerreview_table_count())
)
_INDEX = tuple({name: i for i, name in enumerate(cols)} for cols in _COLUMNS)
# Primary keys, from the library: reviews (review_id,); a child table starts
# with the column naming its review, ends with its seq (which
# peerreview_review_add_child numbers), and items have kind in between.
_KEYS = tuple(
    tuple(_c.peerreview_column_name(t, _c.peerreview_table_key_column(t, i))
          for i in range(_c.peerreview_table_key_count(t)))
    for t in range(_c.peerreview_table_count())
)
_ID = _KEYS[_c.PEERREVIEW_REVIEWS][0]  # a review's id column
_ID_INDEX = _INDEX[_c.PEERREVIEW_REVIEWS][_ID]
_PARENT = (None,) + tuple(k[0] for k in _KEYS[1:])  # a child row's review (set by C)
_ROW_KEY = (None,) + tuple(k[1:] for k in _KEYS[1:])  # a row's key within its review
_SEQ = (None,) + tuple(k[-1] for k in _KEYS[1:])
_GROUP = (None,) + tuple(k[1:-1] for k in _KEYS[1:])  # columns that split seq numbering
# required columns a new child row must be given (its review and seq are implied)
_REQUIRED = (None,) + tuple(
    tuple(_c.peerreview_column_name(t, i) for i in range(_c.peerreview_column_count(t))
          if _c.peerreview_column_required(t, i)
          and _c.peerreview_column_name(t, i) not in (_PARENT[t], _SEQ[t]))
    for t in range(1, _c.peerreview_table_count())
)
# attribute name of each child list on a Review: the library's list name, or
# for items (whose flat-form lists are one per kind) the table name
_LISTS = {
    _c.peerreview_table_list_name(t) or TABLES[t]: t
    for t in range(1, _c.peerreview_table_count())
}


def columns(table):
    """Column names of a table (e.g. ``columns("items")``), in CSV order."""
    t = _c.peerreview_table_lookup(table)
    if t < 0:
        raise ValueError("unknown table %r; tables are %s" % (table, ", ".join(TABLES)))
    return list(_COLUMNS[t])


def _review_value(ptr, i):
    """Value of reviews column i: int for an integer column, else str; None when empty."""
    if _IS_INTEGER[0][i]:
        return _c.peerreview_review_get_int64_byindex(ptr, i)
    return _c.peerreview_review_get_byindex(ptr, i)


def _row_value(row, table, i):
    """Value of column i of a row of table, as _review_value."""
    if _IS_INTEGER[table][i]:
        return _c.peerreview_row_get_int64_byindex(row, i)
    return _c.peerreview_row_get_byindex(row, i)


def _path(path):
    """A path for the C library: str, bytes or os.PathLike, without NUL."""
    path = os.fsencode(os.fspath(path))  # bytes reach C unchanged, whatever their encoding
    if b"\x00" in path:
        raise ValueError("embedded null character in path")
    return path


def _key(review_id):
    """A review_id to look up, as C will see it; KeyError if no review could have it."""
    if not isinstance(review_id, str):
        raise TypeError("reviews are looked up by review_id (str), not %s"
                        % type(review_id).__name__)
    plain = str.__str__(review_id)
    if "\x00" in plain:
        raise KeyError(review_id)  # C would cut it short and find another review
    try:
        plain.encode("utf-8")
    except UnicodeEncodeError:
        raise KeyError(review_id) from None
    return plain


def _to_c(name, value):
    """The exact text C will store for value (None = unknown), checked.

    Runs before any C pointer is looked up: converting a str or int subclass
    may run the caller's code, which could change the dataset.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise TypeError("%s: expected str or int, not bool" % name)
    if isinstance(value, int):
        try:
            return int.__repr__(value)
        except ValueError:
            raise InvalidValueError("%s: the number is too large" % name) from None
    if isinstance(value, str):
        plain = str.__str__(value)  # a plain str, whatever the subclass overrides
        if "\x00" in plain:
            raise InvalidValueError("%s: the value contains a NUL character, which the "
                                    "format cannot hold" % name)
        try:
            plain.encode("utf-8")
        except UnicodeEncodeError as e:
            raise InvalidValueError("%s: the value is not valid Unicode text (%s)"
                                    % (name, e.reason)) from None
        return plain or None  # an empty cell means unknown
    raise TypeError("%s: expected str, int or None, not %s" % (name, type(value).__name__))


def _set_checked(setter, ptr, name, cvalue):
    """Set an already converted value (see _to_c); a rule it breaks is a ValueError."""
    try:
        _call(setter, ptr, name, cvalue)
    except ExistsError:  # noqa: F821 - generated above; only review_id is unique
        raise ExistsError('%s "%s" already exists' % (name, cvalue)) from None  # noqa: F821
    except DataError as e:
        msgs = "; ".join(p.message for p in e.problems) or str(e)
        err = InvalidValueError("%s: %s" % (name, msgs))
        err.problems = e.problems
        raise err from None


# What the C library accepts, said when it refuses an option's value.
_OPTION_RULES = {
    "max_field_size": "it takes a number of bytes, at least 1",
    "max_records": "it takes a number of records, at least 1",
    "delimiter": "it takes one character: a tab or ASCII punctuation other than '\"', "
                 "such as ';'",
    "encoding": "it takes 'utf-8' (the default) or an ASCII-compatible single-byte encoding "
                "that this system's iconv knows, such as 'windows-1252' or 'iso-8859-1'",
}


def _set_delimiter(opts, value):
    if len(value) != 1 or not value.isascii():  # C takes one byte
        raise InvalidArgumentError()  # noqa: F821 - generated above
    _c.peerreview_options_set_delimiter(opts, value)


def _set_encoding(opts, value):
    # C takes a NUL-terminated ASCII name, and "" would mean the locale's
    if not value or not value.isascii() or "\x00" in value:
        raise InvalidArgumentError()  # noqa: F821 - generated above
    _c.peerreview_options_set_encoding(opts, value)


def _options(options, **fixed):
    opts = _c.peerreview_options_new()
    if opts is None:
        raise MemoryError("out of memory")
    merged = dict(options)
    merged.update(fixed)
    setters = {
        "max_problems": (int, _c.peerreview_options_set_max_problems),
        "max_field_size": (int, _c.peerreview_options_set_max_field_size),
        "max_records": (int, _c.peerreview_options_set_max_records),
        "ignore_unknown_columns": (bool, _c.peerreview_options_set_ignore_unknown_columns),
        "spreadsheet_safe": (bool, _c.peerreview_options_set_spreadsheet_safe),
        "delimiter": (str, _set_delimiter),
        "encoding": (str, _set_encoding),
    }
    forms = {"auto": _c.PEERREVIEW_FORM_AUTO, "package": _c.PEERREVIEW_FORM_PACKAGE,
             "flat": _c.PEERREVIEW_FORM_FLAT}
    for key, value in merged.items():
        if key == "form":
            if value not in forms:
                raise ValueError("form must be 'package', 'flat' or 'auto', not %r" % (value,))
            _c.peerreview_options_set_form(opts, forms[value])
            continue
        if key not in setters:
            raise TypeError("unknown option %r (options: %s, form)" % (key, ", ".join(setters)))
        kind, setter = setters[key]
        if key == "encoding" and value is None:
            value = "utf-8"  # None is the default, as for open()
        # exact types: "no" must not turn an option on, nor True mean a limit of 1
        if type(value) is not kind:
            raise TypeError("option %s takes %s, not %s" % (key, kind.__name__,
                                                            type(value).__name__))
        if kind is int and value < 0:
            raise ValueError("option %s cannot be negative" % key)
        try:
            setter(opts, value)
        except InvalidArgumentError:  # noqa: F821 - generated above
            raise InvalidArgumentError("option %s cannot be %r; %s" % (  # noqa: F821
                key, value, _OPTION_RULES.get(key, "the C library refuses it"))) from None
    return opts


# --------------------------------------------------------------------------
# Loading and validating
# --------------------------------------------------------------------------


def load(path, **options):
    """Load a dataset from a package folder, its ``datapackage.json`` or a flat ``.csv``.

    Options: ``max_problems`` (default 100; 0 stops at the first error),
    ``max_field_size`` (bytes, default 1 MiB), ``max_records`` (default 1
    million, the records of all the tables of a package together),
    ``ignore_unknown_columns`` (default False), ``form`` ("auto", "package" or
    "flat"), ``delimiter`` (one character, default ``","``; ``";"`` or
    ``"\\t"`` read the files Excel and LibreOffice write in many European
    locales), ``encoding`` (default ``"utf-8"``; an ASCII-compatible
    single-byte encoding such as ``"windows-1252"``, what Excel calls plain
    "CSV" in Western Europe); saving always writes commas and UTF-8. A bad
    option value raises ``ValueError`` naming the option.

    Raises :class:`DataError` listing every problem when the data has errors
    (warnings do not stop a load), ``FileError`` (an ``OSError``) when a file
    cannot be read. Runs without holding the GIL.
    """
    opts = _options(options)
    return Dataset._adopt(_call(_c.peerreview_load, _path(path), opts))


def _table_number(table, what, allowed=None):
    """The C table number of a table name (None: -1, the flat form)."""
    if table is None:
        return -1
    t = _c.peerreview_table_lookup(table) if isinstance(table, str) else -1
    if t < 0 or (allowed is not None and t not in allowed):
        names = TABLES if allowed is None else [TABLES[k] for k in allowed]
        raise ValueError("%s: table must be None (the flat form) or %s, not %r"
                         % (what, " or ".join(repr(n) for n in names), table))
    return t


def loads(data, table=None, **options):
    """Load a dataset from memory: the flat form, or with ``table="reviews"``
    the reviews table alone (a dataset without child rows).

    ``data`` is ``bytes`` (any bytes-like object is copied first) or ``str``
    (read as UTF-8, so the ``encoding`` option does not apply to it). Takes
    the options of :func:`load` but ``form``; problems name the input
    ``<buffer>`` and give the lines, columns and byte offsets a file with
    these bytes would give. Raises as :func:`load`; a child table alone has
    no reviews to belong to (``ValueError``). Runs without holding the GIL.
    """
    t = _table_number(table, "loads()", (_c.PEERREVIEW_REVIEWS,))
    if isinstance(data, str):
        if options.get("encoding") not in (None, "utf-8", "utf8", "UTF-8"):
            raise ValueError("loads() reads a str as UTF-8; give bytes to read another encoding")
        data = data.encode("utf-8")
    elif not isinstance(data, bytes):
        try:
            data = bytes(memoryview(data))
        except TypeError:
            raise TypeError("loads() takes bytes or str, not %s" % type(data).__name__) from None
    if "form" in options:
        raise TypeError("loads() has no form option: it reads the flat form, or the table given")
    opts = _options(options)
    return Dataset._adopt(_call(_c.peerreview_load_buffer, data, t, None, opts))


def validate(path, **options):
    """Check the dataset at path; return its problems (errors and warnings).

    Never raises for bad data or unreadable files: those are problems in the
    list (codes such as ``bad-date`` or ``io-error``). Takes the options of
    :func:`load`.
    """
    opts = _options(options)
    try:
        return _call_problems(_c.peerreview_validate_path, _path(path), opts)[1]
    except (DataError, FileError) as e:  # noqa: F821 - generated above
        return e.problems


# --------------------------------------------------------------------------
# Dataset
# --------------------------------------------------------------------------


class Dataset:
    """An ordered set of reviews indexed by ``review_id``.

    ``len(ds)``, ``for review in ds``, ``ds[review_id]``, ``review_id in ds``,
    :meth:`add`, :meth:`remove`, :meth:`save`, :meth:`validate`, :meth:`table`,
    :meth:`dataframe` (with pandas).
    Changing the dataset while iterating over it raises ``RuntimeError``.
    A dataset may be used from several threads: calls on it are serialised
    (each sees the dataset before or after another's, never half-way), but a
    sequence of calls is not atomic: hold a lock of your own around one that
    must be.
    """

    # _changes counts changes to the set of reviews (add, remove, rename), the
    # way a dict's iteration notices changes to its keys; edits of a review's
    # fields or child lists do not count.
    # _view is a _View of the reviews while it is valid, else None; _lists
    # holds the valid _ListView of recently iterated child lists.
    __slots__ = ("_ptr", "_lock", "_changes", "_view", "_lists", "__weakref__")

    def __init__(self):
        try:
            self._ptr
        except AttributeError:
            pass
        else:  # a second __init__ would free the C dataset under other threads' feet
            raise RuntimeError("a Dataset is initialised once; make a new Dataset()")
        ptr = _c.peerreview_dataset_new()
        if ptr is None:
            raise MemoryError("out of memory")
        self._init(ptr)

    def _init(self, ptr):
        self._ptr = ptr
        self._lock = threading.RLock()
        self._changes = 0
        self._view = None
        self._lists = collections.OrderedDict()  # popitem(last=False) is O(1)

    @classmethod
    def _adopt(cls, ptr):
        self = cls.__new__(cls)
        self._init(ptr)
        return self

    def _find_serial(self, serial):
        """The C review with this serial number, or None (caller holds the lock)."""
        for i in range(_c.peerreview_dataset_count(self._ptr)):
            r = _c.peerreview_dataset_review_byindex_mut(self._ptr, i)
            if _c.peerreview_review_serial(r) == serial:
                return r
        return None

    def _edited(self, review, ptr, i):
        """Column i of review (C review ptr) was set: make the view show it (caller holds the lock)."""
        view = self._view
        if view is None:
            return
        if i == _ID_INDEX:  # renamed: the view's ids (and child rows' review_id) changed
            self._view = None
            self._lists_dropped()
            return
        col = view.columns[i]
        if col is not None:
            pos = review._pos if review._view is view else view.place(review._serial)
            col[pos] = _review_value(ptr, i)

    def _list_view(self, serial, rp, table, make):
        """The valid _ListView of list table of the review with this serial number
        (C review rp), else a new one if make, else None (caller holds the lock)."""
        key = (serial, table)
        lv = self._lists.get(key)
        if lv is None and make:
            lv = _ListView(*_c._child_rows(rp, table))
            if len(self._lists) >= _ListView.KEPT:  # the oldest goes; its rows read from C
                self._lists.popitem(last=False)[1].valid = False
            self._lists[key] = lv
        return lv

    def _list_changed(self, serial, table):
        """List table of the review with this serial number changed (caller holds the lock)."""
        lv = self._lists.pop((serial, table), None)
        if lv is not None:
            lv.valid = False

    def _lists_dropped(self):
        """Reviews were removed or renamed: no list view is valid (caller holds the lock)."""
        for lv in self._lists.values():
            lv.valid = False
        self._lists.clear()

    def __len__(self):
        with self._lock:
            return _c.peerreview_dataset_count(self._ptr)

    def __iter__(self):
        # The first reviews come one by one from C; then the reviews come from
        # the dataset's _View (made here if there is none), which reads the
        # values of many reviews in one call. Making the view costs about as
        # much as the steps taken before it.
        with self._lock:
            changes = self._changes
            view = self._view
            threshold = _View.threshold(_c.peerreview_dataset_count(self._ptr))
        i = 0
        while view is None:
            with self._lock:
                if self._changes != changes:
                    raise RuntimeError("dataset changed size during iteration")
                view = self._view
                if view is None and i >= threshold:
                    view = self._view = _View(self)
                if view is None:
                    r = _c.peerreview_dataset_review_byindex(self._ptr, i)
                    if r is None:
                        return
                    review = Review._bound(self, r)
            if view is None:
                yield review
                i += 1
        # From here on nothing is read from C, so no lock is needed: the view
        # stays right for as long as _changes does not change.
        ids, serials, make = view.ids, view.serials, _new_review
        n = len(serials)
        while True:
            if self._changes != changes:
                raise RuntimeError("dataset changed size during iteration")
            if i >= n:
                return
            yield make(self, ids[i], serials[i], view, i)
            i += 1

    def __getitem__(self, review_id):
        review_id = _key(review_id)
        with self._lock:
            r = _c.peerreview_dataset_review_byid(self._ptr, review_id)
            if r is None:
                raise KeyError(review_id)
            return Review._bound(self, r)

    def __contains__(self, review_id):
        try:
            review_id = _key(review_id)
        except (KeyError, TypeError):
            return False
        with self._lock:
            return _c.peerreview_dataset_review_byid(self._ptr, review_id) is not None

    def __repr__(self):
        return "<peerreview.Dataset with %d reviews>" % len(self)

    def __reduce_ex__(self, protocol):
        # copy.copy would make a second Dataset over the same C dataset, whose
        # changes the first one's iterations would not notice (skipped rows)
        raise TypeError("a peerreview.Dataset cannot be copied or pickled; save() it "
                        "and load() the copy")

    def add(self, review):
        """Add a new :class:`Review` (one not yet in a dataset) at the end.

        Raises ``ExistsError`` (a ``KeyError``) if its review_id is taken and
        :class:`DataError` if it has none. The review object stays usable and
        now refers to the review in this dataset.
        """
        if not isinstance(review, Review):
            raise TypeError("add() takes a peerreview.Review")
        own_lock = review._own_lock  # None for a review that came from a dataset
        if review._ds is not None or own_lock is None:
            raise ValueError("review %r already belongs to a dataset" % review._id)
        # the review's own lock, then the dataset's: no thread takes them the
        # other way round, and a thread editing the review meanwhile finishes first
        with own_lock, self._lock:
            if review._ds is not None:  # added by another thread meanwhile
                raise ValueError("review %r already belongs to a dataset" % review._id)
            try:
                _call(_c.peerreview_dataset_add, self._ptr, review._own)
            except ExistsError:  # noqa: F821 - generated above
                raise ExistsError('review_id "%s" already exists'  # noqa: F821
                                  % _c.peerreview_review_get_byindex(review._own, _ID_INDEX)
                                  ) from None
            finally:
                self._view = None
                self._lists_dropped()
            review._own.thisown = False  # the dataset owns it now
            review._attach(self)
            self._changes += 1
        return review

    def remove(self, review_id):
        """Remove the review with this review_id (``NotFoundError``, a ``KeyError``, if absent).

        Review and child objects that referred to it raise ``ReferenceError`` afterwards.
        """
        review_id = _key(review_id)
        with self._lock:
            try:
                _c.peerreview_dataset_remove(self._ptr, review_id)
            except NotFoundError:  # noqa: F821 - generated above
                raise NotFoundError('no review with review_id "%s"'  # noqa: F821
                                    % review_id) from None
            finally:
                self._view = None
                self._lists_dropped()
            self._changes += 1

    def save(self, path, form=None, spreadsheet_safe=False):
        """Save as a package folder or as one flat CSV file.

        With no ``form`` the path chooses, exactly as the C library and the
        ``peerreview`` command do: a path ending in ``.csv``, or an existing
        regular file, gets the flat form (so a dataset loaded from a flat
        file saves back to it); anything else is a package folder, created
        if absent. ``form="package"`` or ``form="flat"`` forces a form.

        Files are replaced atomically: on failure nothing changes. Raises
        :class:`DataError` if the dataset has errors, ``UnsupportedError`` (a
        DataError) if the flat form cannot hold a value, ``FileError`` on I/O
        failure. ``spreadsheet_safe=True`` neutralises formula-like text and
        writes a BOM for Excel (lossy). Runs without holding the GIL.
        """
        if form is not None and form not in ("package", "flat"):
            raise ValueError("form must be None (chosen from the path), 'package' or 'flat', "
                             "not %r" % (form,))
        opts = _options({}, form="auto" if form is None else form,
                        spreadsheet_safe=spreadsheet_safe)
        with self._lock:
            _call(_c.peerreview_save, self._ptr, _path(path), opts)

    def render(self, file=None, table=None, spreadsheet_safe=False):
        """What :meth:`save` writes, as bytes, or written to a binary file object.

        ``table=None`` gives the flat form; a table name (``"items"``) that
        table's canonical CSV. Unlike :meth:`save` it does not check the
        rules first. With ``file`` (anything with a ``write(bytes)`` method,
        such as ``sys.stdout.buffer``) the bytes go to ``file.write`` in
        pieces of about 64 KiB as they are made and None is returned;
        without, they are returned. Raises ``UnsupportedError`` when the flat
        form cannot hold a value (nothing is written then), and whatever
        ``file.write`` raises (what was written is then incomplete).
        """
        import io

        t = _table_number(table, "render()")
        opts = _options({}, spreadsheet_safe=spreadsheet_safe)
        out = io.BytesIO() if file is None else file
        ds = self

        class Guard:
            """file.write, refusing to go on over reviews or rows it removed or added."""

            def write(self, data):
                out.write(data)
                if _c.peerreview_dataset_generation(ds._ptr) != generation:
                    raise RuntimeError("the dataset changed while it was being rendered")

        with self._lock:
            generation = _c.peerreview_dataset_generation(self._ptr)
            _call(_c._render_to, self._ptr, t, opts, Guard())
        return out.getvalue() if file is None else None

    def validate(self, **options):
        """Check every rule; return the list of problems (empty when all is well)."""
        opts = _options(options)
        with self._lock:
            try:
                return _call_problems(_c.peerreview_dataset_validate, self._ptr, opts)[1]
            except DataError as e:
                return e.problems

    def table(self, name):
        """Rows of one table in export order, as dicts of all its columns.

        Child tables include ``review_id``. Empty cells are None, integers are
        int. :meth:`dataframe` gives the same rows as a ``pandas.DataFrame``
        with integer columns typed ``Int64``.
        """
        t = _c.peerreview_table_lookup(name)
        if t < 0:
            raise ValueError("unknown table %r; tables are %s" % (name, ", ".join(TABLES)))
        with self._lock:  # all the rows in one call
            return _c._table_rows(self._ptr, t, _COLUMNS[t])

    def dataframe(self, name):
        """The rows of :meth:`table` as a ``pandas.DataFrame``.

        Columns come in schema order (an empty table too). Integer columns
        have pandas' nullable ``Int64`` dtype (``pandas.NA`` when empty); the
        others hold str, or None when empty (``object`` dtype; dates stay
        text, keeping their precision). pandas is imported only here and is
        never required: without it this raises ``ImportError``, and
        ``table(name)`` gives the same rows as dicts.
        """
        t = _c.peerreview_table_lookup(name)
        if t < 0:
            raise ValueError("unknown table %r; tables are %s" % (name, ", ".join(TABLES)))
        try:
            import pandas
        except ImportError as e:
            raise ImportError("Dataset.dataframe() needs pandas, which cannot be imported (%s); "
                              "Dataset.table() gives the same rows as dicts without pandas"
                              % e, name="pandas") from None
        with self._lock:  # the rows of table(name), a column at a time, in one call
            values = _c._table_columns(self._ptr, t)
        return pandas.DataFrame(
            {c: pandas.Series(values[k], dtype="Int64" if c in _INTEGER[t] else object)
             for k, c in enumerate(_COLUMNS[t])},
            columns=list(_COLUMNS[t]))


class _View:
    """The reviews of a dataset in order, and columns of their values read in bulk.

    Dataset iteration makes one (Dataset._view) and hands out reviews that
    know their place in it (Review._view, _pos): they read a value from its
    column, a list of that column's values of every review, which one C call
    fills (capi._review_column) instead of one call per value. A column is
    filled once its reviews have asked for it ``limit`` times (threshold()),
    so that filling it costs about as much as the values read one by one
    before; iteration makes the view itself after as many steps.

    A view is valid while it is its dataset's ``_view``. Whatever changes the
    dataset's reviews does it holding the dataset's lock and, before letting
    go, drops the view (reviews added, removed or renamed) or puts the new
    value in its column (Dataset._edited); so a view never shows a value that
    is not, or no longer, in C. Reads of a valid view's filled columns need no
    lock: lists are filled before they are stored, and a value is replaced
    whole.
    """

    __slots__ = ("ids", "serials", "columns", "misses", "limit", "_places")

    @staticmethod
    def threshold(count):
        """Values read one by one before a bulk read: at least 8, and 1/64 of the reviews."""
        return max(8, count >> 6)

    def __init__(self, ds):
        self.ids, self.serials = _c._review_keys(ds._ptr)  # caller holds the lock
        self.columns = [None] * len(_COLUMNS[0])
        self.columns[_ID_INDEX] = self.ids  # a rename drops the view: ids never change
        self.misses = [0] * len(_COLUMNS[0])
        self.limit = self.threshold(len(self.serials))
        self._places = None

    def column(self, ds, i):
        """Column i, read now if it has been asked for often enough; or None."""
        col = self.columns[i]
        if col is None:
            self.misses[i] += 1
            if self.misses[i] >= self.limit:
                col = self.columns[i] = _c._review_column(ds._ptr, i)
        return col

    def place(self, serial):
        """Index of the review with this serial number."""
        if self._places is None:
            self._places = {s: k for k, s in enumerate(self.serials)}
        return self._places[serial]


class _ListView:
    """The rows of one child list, read in one call: their serial numbers and cells.

    Iterating a ChildList of a review in a dataset makes one, and the rows it
    gives out read their values there while it is ``valid``. The dataset
    keeps the latest views (Dataset._lists, by review serial number and
    table; at most KEPT). Whatever changes a list (a row added, removed or
    set), or removes or renames reviews, does it holding the dataset's lock
    and marks the views concerned invalid before letting go; a view that
    the dataset stops keeping is marked invalid too, as nothing would tell it
    of changes any more.
    """

    __slots__ = ("serials", "rows", "valid")
    KEPT = 64

    def __init__(self, serials, rows):
        self.serials = serials
        self.rows = rows
        self.valid = True


# --------------------------------------------------------------------------
# Reviews
# --------------------------------------------------------------------------


class Review:
    """One review. Attributes are the columns of reviews.csv (None when empty).

    ``Review(review_id="...", review_type="corporate", stage="initial", ...)``
    makes a new review to :meth:`Dataset.add`. Setting an attribute checks the
    value (``ValueError`` naming the field if it is invalid). The child lists
    ``councils``, ``team``, ``items``, ``considerations`` and ``sources``
    support ``len``, iteration, indexing, ``append(**fields)`` and ``del``.
    A review object keeps working while its review is in the dataset (even
    renamed); once the review is removed it raises ``ReferenceError``.
    Like a dataset, a review may be used from several threads, before and
    after it is added: calls on it are serialised.
    """

    # A review in a dataset is found by review_id and checked by serial number
    # on every access, so a handle never reads freed memory, nor a new review
    # that took the id of a removed one. A review not yet in a dataset (_own
    # is its C review) has a lock of its own, _own_lock; Dataset.add holds it
    # while the review moves into the dataset, whose lock guards it from then
    # on (see _ReviewLock). A review that dataset iteration gave out also
    # knows its place (_pos) in the dataset's _View of that time (_view): it
    # reads its values there while that view is valid.
    __slots__ = ("_ds", "_id", "_serial", "_own", "_own_lock", "_view", "_pos")

    def __init__(self, **fields):
        try:
            self._serial
        except AttributeError:
            pass
        else:  # a second __init__ would free the C review under other threads' feet
            raise RuntimeError("a Review is initialised once; make a new Review()")
        for name in fields:
            if name not in _COLUMNS[0]:
                raise TypeError("Review() got an unknown field %r" % name)
        own = _c.peerreview_review_new()
        if own is None:
            raise MemoryError("out of memory")
        object.__setattr__(self, "_ds", None)
        object.__setattr__(self, "_id", None)
        object.__setattr__(self, "_serial", _c.peerreview_review_serial(own))
        object.__setattr__(self, "_own", own)
        object.__setattr__(self, "_own_lock", threading.RLock())
        object.__setattr__(self, "_view", None)
        object.__setattr__(self, "_pos", -1)
        for name, value in fields.items():
            setattr(self, name, value)

    @staticmethod
    def _bound(ds, ptr):
        """The review of C review ptr of ds (caller holds the lock)."""
        return _new_review(ds, _c.peerreview_review_get_byindex(ptr, _ID_INDEX),
                           _c.peerreview_review_serial(ptr), None, -1)

    def _attach(self, ds):
        object.__setattr__(self, "_id", _c.peerreview_review_get_byindex(self._own, _ID_INDEX))
        object.__setattr__(self, "_ds", ds)
        object.__setattr__(self, "_own", None)

    def _lock(self):
        ds = self._ds  # once set, never changes
        return ds._lock if ds is not None else _ReviewLock(self)

    def _ptr(self):
        """The C review, looked up afresh each time (caller holds the lock)."""
        if self._ds is None:
            return self._own
        p = _c.peerreview_dataset_review_byid_mut(self._ds._ptr, self._id)
        if p is None or _c.peerreview_review_serial(p) != self._serial:
            p = self._ds._find_serial(self._serial)  # renamed through another handle?
            if p is None:
                raise ReferenceError("review %r is no longer in its dataset" % self._id)
            object.__setattr__(self, "_id", _c.peerreview_review_get_byindex(p, _ID_INDEX))
        return p

    def _get(self, name):
        """Value of a column (the column properties read a filled view column themselves)."""
        i = _INDEX[0][name]
        with self._lock():
            view = self._view
            if view is not None and view is self._ds._view:
                col = view.column(self._ds, i)
                if col is not None:
                    return col[self._pos]
            return _review_value(self._ptr(), i)

    def _set(self, name, value):
        cvalue = _to_c(name, value)  # before any pointer: it may run the caller's code
        with self._lock():
            p = self._ptr()
            ds = self._ds
            try:
                _set_checked(_c.peerreview_review_set_byname, p, name, cvalue)
                if name == _ID and ds is not None:
                    object.__setattr__(self, "_id",
                                       _c.peerreview_review_get_byindex(p, _ID_INDEX))
                    ds._changes += 1
            finally:  # whether it was set or not, the view shows what C holds
                if ds is not None:
                    ds._edited(self, p, _INDEX[0][name])

    def __setattr__(self, name, value):
        if name in _LISTS:
            raise AttributeError("%s is a list: use review.%s.append(...)" % (name, name))
        if name not in _COLUMNS[0]:
            raise AttributeError("Review has no field %r" % name)
        object.__setattr__(self, name, value)  # goes to the property

    def to_dict(self):
        """The review's fields as a dict (child lists not included)."""
        with self._lock():
            return dict(zip(_COLUMNS[0], _c._review_values(self._ptr())))

    def __eq__(self, other):
        if not isinstance(other, Review):
            return NotImplemented
        return self._serial == other._serial

    __hash__ = None

    def __reduce_ex__(self, protocol):
        raise TypeError("a peerreview.Review cannot be copied or pickled; "
                        "Review(**review.to_dict()) copies its fields")

    def __repr__(self):
        try:
            return "<peerreview.Review %s>" % (self._get(_ID),)
        except ReferenceError:
            return "<peerreview.Review %s (removed)>" % (self._id,)


def _review_maker():
    # Review.__setattr__ guards the column names; the slots are set through
    # their descriptors, which is quicker than object.__setattr__ (this runs
    # once for every review an iteration gives out).
    new = Review.__new__
    ds, rid, serial, own, own_lock, view, pos = (Review.__dict__[n].__set__ for n in (
        "_ds", "_id", "_serial", "_own", "_own_lock", "_view", "_pos"))

    def make(d, i, s, v, p):
        self = new(Review)
        ds(self, d)
        rid(self, i)
        serial(self, s)
        own(self, None)
        own_lock(self, None)
        view(self, v)
        pos(self, p)
        return self

    return make


_new_review = _review_maker()


class _ReviewLock:
    """``with review._lock():`` holds the lock that guards the review's C data.

    That is its dataset's lock, or its own while it is in none. A review
    moves into a dataset once (Dataset.add, holding the review's own lock):
    a thread that waited on the own lock meanwhile finds the dataset's lock
    in charge when it gets it, and takes that one instead.
    """

    __slots__ = ("_review", "_held")

    def __init__(self, review):
        self._review = review

    def __enter__(self):
        review = self._review
        while True:
            ds = review._ds
            lock = review._own_lock if ds is None else ds._lock
            lock.acquire()
            if review._ds is ds:
                self._held = lock
                return self
            lock.release()

    def __exit__(self, *exc):
        self._held.release()
        return False


def _column_property(name, getter, setter, table):
    t = _c.peerreview_table_lookup(table)
    i = _c.peerreview_column_index(t, name)
    kind = {
        _c.PEERREVIEW_TYPE_TEXT: "text",
        _c.PEERREVIEW_TYPE_DATE: "date (YYYY, YYYY-MM or YYYY-MM-DD, as str)",
        _c.PEERREVIEW_TYPE_INTEGER: "integer (int)",
        _c.PEERREVIEW_TYPE_ENUM: "one of: " + ", ".join(
            _c.peerreview_column_enum_value(t, i, k)
            for k in range(_c.peerreview_column_enum_count(t, i))),
        _c.PEERREVIEW_TYPE_CODE: "code (pattern)",
        _c.PEERREVIEW_TYPE_URL: "http(s) URL",
    }[_c.peerreview_column_type(t, i)]
    desc = _c.peerreview_column_description(t, i)
    doc = "%s.%s: %s%s%s; None when unknown." % (
        table, name, kind, " (required)" if _c.peerreview_column_required(t, i) else "",
        " -- " + desc if desc else "")
    return property(lambda self: getter(self, name), lambda self, v: setter(self, name, v),
                    doc=doc)


def _review_property(name):
    """A reviews column as a property of Review: _column_property, with a fast way to read.

    A review from dataset iteration whose view is still valid, and has the
    column filled, reads the value there without a call into C or a lock
    (see _View); any other read goes through Review._get.
    """
    slow = _column_property(name, Review._get, Review._set, "reviews")
    i = _INDEX[0][name]
    get = Review._get

    def fget(self):
        view = self._view
        if view is not None and view is self._ds._view:
            col = view.columns[i]
            if col is not None:
                return col[self._pos]
        return get(self, name)

    return property(fget, slow.fset, doc=slow.__doc__)


for _name in _COLUMNS[0]:
    setattr(Review, _name, _review_property(_name))


def _list_property(attr, table):
    return property(lambda self: ChildList(self, table),
                    doc="The review's %s rows (a ChildList)." % TABLES[table])


for _attr, _table in _LISTS.items():
    setattr(Review, _attr, _list_property(_attr, _table))


# --------------------------------------------------------------------------
# Child rows
# --------------------------------------------------------------------------


class ChildList:
    """The rows of one child table of a review, in their list order.

    ``len``, iteration, ``lst[i]`` (negative indexes and slices too),
    ``append(**fields)`` and ``del lst[i]`` / ``lst.remove(child)``. Changing
    this list while iterating over it raises ``RuntimeError``.
    """

    __slots__ = ("_review", "_table")

    def __init__(self, review, table):
        self._review = review
        self._table = table

    def _serials(self, rp):
        return _c._child_serials(rp, self._table)  # a tuple, in one call

    def __len__(self):
        with self._review._lock():
            return _c.peerreview_review_child_count(self._review._ptr(), self._table)

    def _child(self, rp, i):
        """Row i (caller holds the lock); it reads from the list's view if there is one."""
        review, t = self._review, self._table
        lv = None if review._ds is None else review._ds._list_view(review._serial, rp, t, False)
        if lv is not None:
            return _CHILD_CLASSES[t](review, t, lv.serials[i], lv, i)
        row = _c.peerreview_review_child_byindex(rp, t, i)
        return _CHILD_CLASSES[t](review, t, _c.peerreview_row_serial(row))

    def _changed(self):
        """This list changed (caller holds the lock): its view, if any, is no longer valid."""
        ds = self._review._ds
        if ds is not None:
            ds._list_changed(self._review._serial, self._table)

    def __getitem__(self, index):
        if not isinstance(index, (int, slice)) or isinstance(index, bool):
            raise TypeError("child lists are indexed by int")
        with self._review._lock():
            rp = self._review._ptr()
            n = _c.peerreview_review_child_count(rp, self._table)
            if isinstance(index, slice):
                return [self._child(rp, i) for i in range(*index.indices(n))]
            if index < 0:
                index += n
            if not 0 <= index < n:
                raise IndexError("%s index out of range" % TABLES[self._table])
            return self._child(rp, index)

    def __iter__(self):
        review, t = self._review, self._table
        cls = _CHILD_CLASSES[t]
        with review._lock():
            rp = review._ptr()
            ds = review._ds
            lv = None if ds is None else ds._list_view(review._serial, rp, t, True)
            snapshot = self._serials(rp) if lv is None else lv.serials
        for i, serial in enumerate(snapshot):
            # while the view is valid, the list is as it was (and its review still there)
            if lv is None or not lv.valid:
                lv = None
                with review._lock():
                    if self._serials(review._ptr()) != snapshot:
                        raise RuntimeError("list changed during iteration")
            yield cls(review, t, serial, lv, i)

    def __repr__(self):
        try:
            return "<peerreview.ChildList %s of %d rows>" % (TABLES[self._table], len(self))
        except ReferenceError:
            return "<peerreview.ChildList %s (review removed)>" % TABLES[self._table]

    def append(self, **fields):
        """Add a row with these fields; ``seq`` defaults to the next free number.

        The table's required fields must be given (e.g. ``kind`` and ``text``
        for items). Returns the new :class:`Child`.
        Raises ``ValueError`` (nothing added) when a value is invalid.
        """
        t = self._table
        for name in fields:
            if name not in _COLUMNS[t] or name == _PARENT[t]:
                raise TypeError("%s rows have no field %r" % (TABLES[t], name))
        # convert every value before touching C: conversion may run the caller's code
        cvalues = {name: _to_c(name, value) for name, value in fields.items()}
        missing = [c for c in _REQUIRED[t] if cvalues.get(c) is None]
        if missing:
            raise InvalidValueError("%s rows need %s" % (TABLES[t], ", ".join(missing)))
        with self._review._lock():
            rp = self._review._ptr()
            row = _c.peerreview_review_add_child(rp, t)
            serial = _c.peerreview_row_serial(row)
            try:
                seq = _SEQ[t]
                # the group (items' kind) first: it decides the seq the library chooses
                order = [n for n in _GROUP[t] if n in cvalues]
                order += [n for n in cvalues if n not in _GROUP[t] and n != seq]
                for name in order:
                    _set_checked(_c.peerreview_row_set_byname, row, name, cvalues[name])
                if _GROUP[t]:
                    _c.peerreview_row_set_byname(row, seq, None, None)  # next seq of the group
                if seq in cvalues:
                    if cvalues[seq] is None:
                        raise InvalidValueError("%s: a row needs a %s" % (seq, seq))
                    _check_unique(rp, t, serial, _key_with(t, row, seq, cvalues[seq]))
                    _set_checked(_c.peerreview_row_set_byname, row, seq, cvalues[seq])
                else:
                    _check_unique(rp, t, serial, _key_of(t, row))
            except BaseException:
                i = _find_serial(rp, t, serial)
                if i is not None:
                    _c.peerreview_review_remove_child(rp, t, i)
                raise
            finally:
                self._changed()
            return _CHILD_CLASSES[t](self._review, t, serial)

    def __delitem__(self, index):
        child = self[index]
        for c in child if isinstance(child, list) else [child]:
            self.remove(c)

    def remove(self, child):
        """Remove a row (a :class:`Child` of this list)."""
        if not isinstance(child, Child) or child._table != self._table:
            raise TypeError("remove() takes a row of this list")
        with self._review._lock():
            rp = self._review._ptr()
            i = _find_serial(rp, self._table, child._serial)
            if i is None:
                raise ValueError("that row is not in the list")
            try:
                _c.peerreview_review_remove_child(rp, self._table, i)
            finally:
                self._changed()


def _key_of(table, row):
    """The row's key within its review (as text): (seq,), or (kind, seq) for items."""
    return tuple(_c.peerreview_row_get_byname(row, name) for name in _ROW_KEY[table])


def _key_with(table, row, name, cvalue):
    """The row's key if field name were set to the converted value cvalue."""
    return tuple(cvalue if k == name else v for k, v in zip(_ROW_KEY[table], _key_of(table, row)))


def _find_serial(review_ptr, table, serial):
    """Index of the row with this serial number in a review's list, or None."""
    i = _c._child_index(review_ptr, table, serial)
    return i if i >= 0 else None


def _check_unique(review_ptr, table, serial, key):
    for i in range(_c.peerreview_review_child_count(review_ptr, table)):
        other = _c.peerreview_review_child_byindex(review_ptr, table, i)
        if _c.peerreview_row_serial(other) != serial and _key_of(table, other) == key:
            raise InvalidValueError("%s: a row with %s already exists in this list" % (
                TABLES[table], ", ".join("%s=%s" % kv for kv in zip(_ROW_KEY[table], key))))


class Child:
    """One row of a child list; attributes are its table's columns except review_id.

    The object finds its row by serial number each time, so it stays correct
    when other rows are added, removed or renumbered, and raises
    ``ReferenceError`` once its row (or review) is gone.
    """

    # A row that list iteration gave out also knows its place (_pos) in the
    # list's _ListView (_lv): it reads its values there while that is valid.
    __slots__ = ("_review", "_table", "_serial", "_lv", "_pos")

    def __init__(self, review, table, serial, lv=None, pos=-1):
        self._review = review
        self._table = table
        self._serial = serial
        self._lv = lv
        self._pos = pos

    def _row(self):
        """(review, row) in C, found afresh (caller holds the lock)."""
        rp = self._review._ptr()
        i = _find_serial(rp, self._table, self._serial)
        if i is None:
            raise ReferenceError("this %s row is no longer in its review" % TABLES[self._table])
        return rp, _c.peerreview_review_child_byindex_mut(rp, self._table, i)

    @property
    def table(self):
        """Name of the table this row belongs to."""
        return TABLES[self._table]

    def _get(self, name):
        with self._review._lock():
            return _row_value(self._row()[1], self._table, _INDEX[self._table][name])

    def _set(self, name, value):
        cvalue = _to_c(name, value)  # before any pointer: it may run the caller's code
        with self._review._lock():
            rp, row = self._row()
            if name == _SEQ[self._table] and cvalue is None:
                raise InvalidValueError("%s: a row needs a %s" % (name, name))
            newkey = _key_with(self._table, row, name, cvalue)
            if newkey != _key_of(self._table, row):
                _check_unique(rp, self._table, self._serial, newkey)
            try:
                _set_checked(_c.peerreview_row_set_byname, row, name, cvalue)
            finally:
                ds = self._review._ds
                if ds is not None:
                    ds._list_changed(self._review._serial, self._table)

    def to_dict(self):
        """The row's fields (without review_id) as a dict."""
        lv = self._lv
        values = lv.rows[self._pos] if lv is not None and lv.valid else None
        if values is None:
            with self._review._lock():
                values = _c._row_values(self._row()[1])
        parent = _PARENT[self._table]
        return {c: v for c, v in zip(_COLUMNS[self._table], values) if c != parent}

    def __eq__(self, other):
        if not isinstance(other, Child):
            return NotImplemented
        return self._serial == other._serial

    __hash__ = None

    def __repr__(self):
        try:
            return "<peerreview.%s %s>" % (type(self).__name__, self.to_dict())
        except ReferenceError:
            return "<peerreview.%s (removed)>" % type(self).__name__


def _child_property(name, table):
    """A column as a property of a Child: _column_property, with a fast way to read.

    A row from list iteration whose _ListView is still valid reads the value
    there without a call into C or a lock; any other read goes through
    Child._get.
    """
    slow = _column_property(name, Child._get, Child._set, TABLES[table])
    i = _INDEX[table][name]
    get = Child._get

    def fget(self):
        lv = self._lv
        if lv is not None and lv.valid:
            return lv.rows[self._pos][i]
        return get(self, name)

    return property(fget, slow.fset, doc=slow.__doc__)


# One Child subclass per child table, its attributes generated from the schema.
_CHILD_CLASSES = {}
for _t in range(1, len(TABLES)):
    _props = {"__slots__": (), "__module__": __name__,
              "__doc__": "A row of %s; attributes: %s." % (
                  TABLES[_t], ", ".join(c for c in _COLUMNS[_t] if c != _PARENT[_t]))}
    for _name in _COLUMNS[_t]:
        if _name != _PARENT[_t]:
            _props[_name] = _child_property(_name, _t)
    _cls = type("".join(w.title() for w in TABLES[_t].split("_")) + "Row", (Child,), _props)
    _CHILD_CLASSES[_t] = _cls
    globals()[_cls.__name__] = _cls
    __all__.append(_cls.__name__)

del _name, _attr, _table, _t, _props, _cls
