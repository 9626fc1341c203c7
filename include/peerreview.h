/*
 * libpeerreview — records of LGA peer reviews of English councils.
 *
 * One public header. Every public symbol starts with `peerreview_` and every
 * macro with `PEERREVIEW_`.
 *
 * Conventions (apply to every function below unless its comment says otherwise):
 *
 *  - Functions that can fail return 0 (PEERREVIEW_OK) or a negative
 *    peerreview_status. On failure every out-pointer is set to NULL.
 *  - A `peerreview_diag *` argument may be NULL; when given, positioned
 *    problems (errors and warnings) are appended to it.
 *  - Objects returned by `*_new` and out-pointers named "owned" belong to the
 *    caller, who releases them with the matching `*_free`. Every `*_free`
 *    accepts NULL.
 *  - Pointers called "borrowed" belong to their parent object. A string
 *    returned by a value getter stays valid until that value is set again,
 *    its row or review is removed, or the dataset (or the review not in a
 *    dataset) that holds it is freed; editing other values, rows or reviews
 *    leaves it alone, and adding its review to a dataset keeps it valid.
 *    Copy a value to keep it longer. Row and review handles stay valid
 *    until that row or review is removed or its owner freed.
 *  - Thread safety: distinct objects may be used from distinct threads at the
 *    same time. A function that takes an object as `const` only reads it, so
 *    any number of threads may call such functions on one object at once
 *    (read a dataset, its reviews and rows, validate, render or save it, read
 *    a diag, share one options object), as long as no thread changes that
 *    object, or the dataset it belongs to, meanwhile. A call that changes an
 *    object (takes it non-const, including the diag a call reports into)
 *    needs the caller's locking against every other call on it. Static data
 *    (schema, names, version) may be read from any thread at any time.
 *    peerreview_set_allocator() is process-global: see its comment.
 */
#ifndef PEERREVIEW_H
#define PEERREVIEW_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Compile-time version of this header: major version (incompatible changes). */
#define PEERREVIEW_VERSION_MAJOR 1
/** Compile-time minor version of this header (functions and values added). */
#define PEERREVIEW_VERSION_MINOR 0
/** Compile-time patch level of this header (fixes only). */
#define PEERREVIEW_VERSION_PATCH 0
/** Compile-time version of this header as text, "MAJOR.MINOR.PATCH". */
#define PEERREVIEW_VERSION "1.0.0"
/** (major << 16) | (minor << 8) | patch, comparable with integer operators. */
#define PEERREVIEW_VERSION_NUMBER                                                                  \
    ((PEERREVIEW_VERSION_MAJOR << 16) | (PEERREVIEW_VERSION_MINOR << 8) | PEERREVIEW_VERSION_PATCH)
/** Version of the data format (doc/format.md §9) this library reads and writes. */
#define PEERREVIEW_FORMAT_VERSION 1

#if defined(PEERREVIEW_BUILDING) && defined(__GNUC__)
/** Marks the functions the library exports (empty for callers). */
#define PEERREVIEW_API __attribute__((visibility("default")))
#else
/** Marks the functions the library exports (empty for callers). */
#define PEERREVIEW_API
#endif

/*
 * Marks the names kept from 0.x for source compatibility: each still works
 * and stays exported for the whole 1.x series, but a compiler that knows the
 * attribute warns at every use and names the 1.0 replacement. Define
 * PEERREVIEW_ALLOW_DEPRECATED before including this header to silence it.
 */
#if defined(__GNUC__) && !defined(PEERREVIEW_ALLOW_DEPRECATED)
/** Marks a 0.x name; the argument is its replacement (see above). */
#define PEERREVIEW_DEPRECATED(replacement) __attribute__((deprecated("use " replacement)))
#else
/** Marks a 0.x name; the argument is its replacement (see above). */
#define PEERREVIEW_DEPRECATED(replacement)
#endif

/* ------------------------------------------------------------------------ */
/* Version, status codes, allocator                                          */
/* ------------------------------------------------------------------------ */

/** Runtime version string of the loaded library, e.g. "0.1.0". Static. */
PEERREVIEW_API const char *peerreview_version(void);

/** Runtime version as PEERREVIEW_VERSION_NUMBER would encode it. */
PEERREVIEW_API unsigned long peerreview_version_number(void);

/*
 * Compatibility rule (the Python bindings apply it at import, and so should
 * every program or binding that checks): code built against this header runs
 * with a library of the same major version and a minor version at least this
 * header's, whatever the patch level, i.e.
 *
 *     (peerreview_version_number() >> 16) == PEERREVIEW_VERSION_MAJOR &&
 *     ((peerreview_version_number() >> 8) & 0xFF) >= PEERREVIEW_VERSION_MINOR
 *
 * Within a major version functions, types and enum values are only added,
 * never changed or removed, so a newer minor keeps working with old callers.
 */

/**
 * Return status of every function that can fail. Values are only ever
 * appended (a new status takes the next negative number); none is renumbered
 * or removed. A newer library may return a status this header does not name:
 * treat any negative value as a failure (peerreview_strerror describes it).
 */
typedef enum peerreview_status {
    PEERREVIEW_OK = 0,            /**< success */
    PEERREVIEW_EINVAL = -1,       /**< invalid argument (NULL, bad name, index) */
    PEERREVIEW_ENOMEM = -2,       /**< out of memory; nothing was changed */
    PEERREVIEW_EIO = -3,          /**< file system error; see the diag */
    PEERREVIEW_EDATA = -4,        /**< the data has errors; see the diag */
    PEERREVIEW_ENOTFOUND = -5,    /**< no such review, row or value */
    PEERREVIEW_EEXIST = -6,       /**< a review with that review_id exists */
    PEERREVIEW_EUNSUPPORTED = -7, /**< the target form cannot hold the data */
    PEERREVIEW_EFORMAT = -8,      /**< the file cannot be read on (CSV syntax, a limit) */
    PEERREVIEW_ECANCELED = -9     /**< the progress callback stopped it; nothing was kept */
} peerreview_status;

/**
 * Smallest (most negative) status value of this header only: a newer library
 * may have more. Use peerreview_status_min() at run time.
 */
#define PEERREVIEW_STATUS_MIN (-9) /* = PEERREVIEW_ECANCELED */

/**
 * Smallest (most negative) status value the running library can return
 * (PEERREVIEW_STATUS_MIN of the header it was built with); every value from
 * it to PEERREVIEW_OK is a status. For bindings that map statuses.
 */
PEERREVIEW_API int peerreview_status_min(void);

/** Static English text for a status ("out of memory"); never NULL. */
PEERREVIEW_API const char *peerreview_strerror(int status);

/** Static symbolic name of a status ("PEERREVIEW_ENOMEM"); never NULL. */
PEERREVIEW_API const char *peerreview_status_name(int status);

/**
 * Replace the allocator used for every allocation the library makes
 * (its CSV parser's included). Any argument NULL restores the C library's
 * malloc/realloc/free. realloc_fn(NULL, n) must behave as malloc(n).
 *
 * Process-global, and allowed only while the library holds no memory: before
 * any other call, or once every object the library returned (datasets,
 * reviews, diags, options, readers, strings from peerreview_render) has been
 * freed, and while no other thread is calling the library. The library
 * counts the blocks it holds; a call made while it holds any is ignored (the
 * allocator stays as it was), so that no block is ever freed by an allocator
 * that did not allocate it. Once set, the allocator is read (never written)
 * by every call, safely from any number of threads.
 */
PEERREVIEW_API void peerreview_set_allocator(void *(*malloc_fn)(size_t),
                                             void *(*realloc_fn)(void *, size_t),
                                             void (*free_fn)(void *));

/** A collection of problems (see "Diagnostics" below). Opaque. */
typedef struct peerreview_diag peerreview_diag;

/* ------------------------------------------------------------------------ */
/* The schema (read-only data describing every table and column)             */
/* ------------------------------------------------------------------------ */

/**
 * The six tables of format version 1, in package order. Values are only ever
 * appended (a later format may add tables after these); none is renumbered
 * or removed.
 */
typedef enum peerreview_table {
    PEERREVIEW_REVIEWS = 0,         /**< reviews.csv: one row per review */
    PEERREVIEW_REVIEW_COUNCILS = 1, /**< review_councils.csv: the councils reviewed */
    PEERREVIEW_TEAM_MEMBERS = 2,    /**< team_members.csv: the peer team */
    PEERREVIEW_ITEMS = 3,           /**< items.csv: focus, strengths, recommendations, ... */
    PEERREVIEW_CONSIDERATIONS = 4,  /**< considerations.csv: follow-up considerations */
    PEERREVIEW_SOURCES = 5          /**< sources.csv: where the record comes from */
} peerreview_table;

/**
 * Number of tables of this header only (one more than the last
 * peerreview_table): a newer library may have more. Use
 * peerreview_table_count() at run time.
 */
#define PEERREVIEW_TABLE_COUNT 6

/** Value types (doc/format.md §3). Values are only ever appended. */
typedef enum peerreview_type {
    PEERREVIEW_TYPE_TEXT = 0,    /**< any UTF-8 without NUL, byte-exact */
    PEERREVIEW_TYPE_DATE = 1,    /**< YYYY, YYYY-MM or YYYY-MM-DD */
    PEERREVIEW_TYPE_INTEGER = 2, /**< 0 or [1-9][0-9]*, bounded */
    PEERREVIEW_TYPE_ENUM = 3,    /**< one of a list of tokens */
    PEERREVIEW_TYPE_CODE = 4,    /**< matches a pattern */
    PEERREVIEW_TYPE_URL = 5      /**< absolute http or https URL */
} peerreview_type;

/*
 * Every function below without a schema argument describes the format this
 * library writes, PEERREVIEW_FORMAT_VERSION: it is the peerreview_schema_*
 * function of the same name applied to
 * peerreview_schema_for_format(PEERREVIEW_FORMAT_VERSION).
 *
 * Stability of the schema: a later format version only appends; tables are
 * only ever appended to the list of tables, and columns only ever appended to
 * a table, so the table numbers and column indexes of a format version never
 * change, in any release. Names, types and allowed values of a format
 * version's columns never change either.
 */

/** Number of tables of the format this library writes (6 for format 1). */
PEERREVIEW_API size_t peerreview_table_count(void);

/** Static name of a table ("review_councils"), or NULL if out of range. */
PEERREVIEW_API const char *peerreview_table_name(int table);

/** Static file name of a table in a package ("items.csv"), or NULL. */
PEERREVIEW_API const char *peerreview_table_file(int table);

/** Table number for a table name or file name, or -1 if unknown. */
PEERREVIEW_API int peerreview_table_lookup(const char *name);

/**
 * Number of columns of a table's primary key (0 if the table is out of
 * range): 1 for reviews (review_id), 3 for items (review_id, kind, seq),
 * 2 for the other child tables (review_id, seq).
 */
PEERREVIEW_API size_t peerreview_table_key_count(int table);

/**
 * Column index of the i-th column of a table's primary key, in key order
 * (review_id first), or -1 if the table or i is out of range.
 */
PEERREVIEW_API int peerreview_table_key_column(int table, size_t i);

/**
 * Static name of a child table's list: its column in the flat form, and the
 * name bindings give the list of a review ("councils" for review_councils,
 * "team", "considerations", "sources"). NULL for reviews (no list) and for
 * items, whose flat-form columns are one per kind (named by the kind's
 * value; see peerreview_column_enum_value); a binding that needs one name
 * for the items list uses the table name, "items". NULL if out of range.
 */
PEERREVIEW_API const char *peerreview_table_list_name(int table);

/** Number of columns of a table (0 if out of range). */
PEERREVIEW_API size_t peerreview_column_count(int table);

/** Static column name, or NULL if out of range. Columns are in CSV order. */
PEERREVIEW_API const char *peerreview_column_name(int table, size_t column);

/** Index of a column by exact name, or -1 if the table has no such column. */
PEERREVIEW_API int peerreview_column_index(int table, const char *name);

/** Value type of a column (PEERREVIEW_TYPE_TEXT if out of range). */
PEERREVIEW_API peerreview_type peerreview_column_type(int table, size_t column);

/** 1 if the column must not be empty, else 0. */
PEERREVIEW_API int peerreview_column_required(int table, size_t column);

/** Static one-line description of a column, or NULL. */
PEERREVIEW_API const char *peerreview_column_description(int table, size_t column);

/** Number of allowed values of an enum column (0 for other types). */
PEERREVIEW_API size_t peerreview_column_enum_count(int table, size_t column);

/** Static allowed value number i of an enum column, or NULL. */
PEERREVIEW_API const char *peerreview_column_enum_value(int table, size_t column, size_t i);

/**
 * The schema of one format version: its tables and their columns. Opaque and
 * static (never freed); a pointer stays valid for the life of the process and
 * may be shared between threads. The functions below take it first; given
 * NULL they return what they return for an out-of-range table.
 */
typedef struct peerreview_schema peerreview_schema;

/**
 * Schema of format version format (static), or NULL when this library does
 * not know that version (today it knows 1 = PEERREVIEW_FORMAT_VERSION).
 */
PEERREVIEW_API const peerreview_schema *peerreview_schema_for_format(int format);

/** Format version a schema describes, or 0 for NULL. */
PEERREVIEW_API int peerreview_schema_format(const peerreview_schema *schema);

/** Number of tables of a schema (0 for NULL). Tables are numbered 0 .. count - 1. */
PEERREVIEW_API size_t peerreview_schema_table_count(const peerreview_schema *schema);

/** Static name of a table of a schema, or NULL if out of range. */
PEERREVIEW_API const char *peerreview_schema_table_name(const peerreview_schema *schema, int table);

/** Static file name of a table of a schema in a package ("items.csv"), or NULL. */
PEERREVIEW_API const char *peerreview_schema_table_file(const peerreview_schema *schema, int table);

/** Table number for a table name or file name in a schema, or -1 if unknown. */
PEERREVIEW_API int peerreview_schema_table_lookup(const peerreview_schema *schema,
                                                  const char *name);

/** Number of columns of a table's primary key in a schema (0 if out of range). */
PEERREVIEW_API size_t peerreview_schema_table_key_count(const peerreview_schema *schema, int table);

/** Column index of the i-th column of a table's primary key in a schema, or -1. */
PEERREVIEW_API int peerreview_schema_table_key_column(const peerreview_schema *schema, int table,
                                                      size_t i);

/** Static list name of a child table in a schema (see peerreview_table_list_name), or NULL. */
PEERREVIEW_API const char *peerreview_schema_table_list_name(const peerreview_schema *schema,
                                                             int table);

/** Number of columns of a table of a schema (0 if out of range). */
PEERREVIEW_API size_t peerreview_schema_column_count(const peerreview_schema *schema, int table);

/** Static column name, or NULL if out of range. Columns are in CSV order. */
PEERREVIEW_API const char *peerreview_schema_column_name(const peerreview_schema *schema, int table,
                                                         size_t column);

/** Index of a column by exact name, or -1 if the table has no such column. */
PEERREVIEW_API int peerreview_schema_column_index(const peerreview_schema *schema, int table,
                                                  const char *name);

/** Value type of a column (PEERREVIEW_TYPE_TEXT if out of range). */
PEERREVIEW_API peerreview_type peerreview_schema_column_type(const peerreview_schema *schema,
                                                             int table, size_t column);

/** 1 if the column must not be empty, else 0 (also when out of range). */
PEERREVIEW_API int peerreview_schema_column_required(const peerreview_schema *schema, int table,
                                                     size_t column);

/** Static one-line description of a column, or NULL. */
PEERREVIEW_API const char *peerreview_schema_column_description(const peerreview_schema *schema,
                                                                int table, size_t column);

/** Number of allowed values of an enum column (0 for other types or out of range). */
PEERREVIEW_API size_t peerreview_schema_column_enum_count(const peerreview_schema *schema,
                                                          int table, size_t column);

/** Static allowed value number i of an enum column, or NULL. */
PEERREVIEW_API const char *peerreview_schema_column_enum_value(const peerreview_schema *schema,
                                                               int table, size_t column, size_t i);

/**
 * Check one value against a column's value rules (type, bounds, enum,
 * pattern; not "required" and not the cross-field rules). NULL or "" is
 * always valid (unknown). Returns PEERREVIEW_OK or PEERREVIEW_EDATA (with a
 * problem naming the field added to diag) or PEERREVIEW_EINVAL.
 */
PEERREVIEW_API peerreview_status peerreview_check_value(int table, size_t column, const char *value,
                                                        peerreview_diag *diag);

/**
 * Parse a reduced-precision ISO 8601 date strictly (real calendar).
 * On success returns its precision (1 = YYYY, 2 = YYYY-MM, 3 = YYYY-MM-DD)
 * and fills year, month and day (0 where not given); out-pointers may be
 * NULL. Returns PEERREVIEW_EINVAL for anything else, e.g. "2015-02-30".
 * @deprecated Use peerreview_date_parse.
 */
PEERREVIEW_API PEERREVIEW_DEPRECATED("peerreview_date_parse") int peerreview_parse_date(
    const char *text, int *year, int *month, int *day);

/* ------------------------------------------------------------------------ */
/* Diagnostics                                                               */
/* ------------------------------------------------------------------------ */

/** Severity of a problem. Values are only ever appended. */
typedef enum peerreview_severity {
    PEERREVIEW_SEVERITY_WARNING = 1, /**< worth knowing; does not stop a load or save */
    PEERREVIEW_SEVERITY_ERROR = 2    /**< the data breaks a rule; the operation fails */
} peerreview_severity;

/**
 * Stable problem codes (doc/format.md §10.3); see peerreview_code_name for the text.
 * Values are only ever appended (a new code takes the next number); none is
 * renumbered or removed. A newer library may report a code this header does
 * not name: peerreview_code_name still names it.
 */
typedef enum peerreview_code {
    PEERREVIEW_P_IO_ERROR = 0,       /**< a file or folder cannot be opened, read or written */
    PEERREVIEW_P_EMPTY_FILE,         /**< a CSV file has no header row */
    PEERREVIEW_P_INVALID_UTF8,       /**< bytes that are not valid UTF-8 */
    PEERREVIEW_P_UTF16_FILE,         /**< the file is UTF-16, not UTF-8 */
    PEERREVIEW_P_NUL_BYTE,           /**< a NUL byte inside the file */
    PEERREVIEW_P_UNTERMINATED_QUOTE, /**< a quoted field is never closed */
    PEERREVIEW_P_STRAY_QUOTE,        /**< a quote inside an unquoted field or after a closing one */
    PEERREVIEW_P_TOO_MANY_FIELDS,    /**< a record has more fields than the header */
    PEERREVIEW_P_MISSING_FIELDS,     /**< a record has fewer fields than the header */
    PEERREVIEW_P_FIELD_TOO_LONG,     /**< a field longer than the limit */
    PEERREVIEW_P_DUPLICATE_COLUMN,   /**< a column name appears twice in the header */
    PEERREVIEW_P_MISSING_COLUMN,     /**< a column is not in the header */
    PEERREVIEW_P_UNKNOWN_COLUMN,     /**< a column the format does not know */
    PEERREVIEW_P_MISSING_VALUE,      /**< a required value is empty */
    PEERREVIEW_P_BAD_DATE,           /**< not a date YYYY, YYYY-MM or YYYY-MM-DD that exists */
    PEERREVIEW_P_BAD_INTEGER,        /**< not an integer in the column's bounds */
    PEERREVIEW_P_BAD_ENUM,           /**< not one of the column's allowed values */
    PEERREVIEW_P_BAD_PATTERN,        /**< a code (GSS code, review_id, ...) of the wrong shape */
    PEERREVIEW_P_BAD_URL,            /**< not an absolute http or https URL */
    PEERREVIEW_P_WHITESPACE,         /**< white space around a value that is not text */
    PEERREVIEW_P_DUPLICATE_KEY,      /**< two rows with the same key */
    PEERREVIEW_P_FOREIGN_KEY,        /**< a row names a review that does not exist */
    PEERREVIEW_P_INCONSISTENT,       /**< fields that contradict each other */
    PEERREVIEW_P_SEQ_GAP,            /**< warning: the seq values of a list are not 1, 2, 3, ... */
    PEERREVIEW_P_COUNT_MISMATCH,     /**< warning: a stated count is below the rows listed */
    PEERREVIEW_P_NO_DATE,            /**< warning: a review without any date */
    PEERREVIEW_P_FORMULA_PREFIX,     /**< warning: text a spreadsheet may run as a formula */
    PEERREVIEW_P_OUT_OF_MEMORY,      /**< memory ran out */
    PEERREVIEW_P_TOO_MANY_RECORDS,   /**< more records than the limit; the load stopped */
    PEERREVIEW_P_UNREPRESENTABLE,    /**< a value the flat form cannot hold */
    PEERREVIEW_P_BAD_DESCRIPTOR,     /**< datapackage.json (or a flat format mark) is malformed */
    PEERREVIEW_P_MISSING_TABLE,      /**< a table file of the package is missing */
    PEERREVIEW_P_UNKNOWN_FILE,       /**< a .csv in the package folder is not one of its tables */
    PEERREVIEW_P_EMPTY_COLUMN,       /**< a column with no name and no values (skipped) */
    PEERREVIEW_P_EMPTY_ROW,          /**< a row of nothing but separators (skipped) */
    PEERREVIEW_P_WRONG_DELIMITER,    /**< the file separates values with another character */
    PEERREVIEW_P_NEWER_FORMAT        /**< written in a format version newer than this library's */
} peerreview_code;

/**
 * Number of problem codes of this header only: a newer library may have
 * more, so do not size arrays indexed by codes a library returns with it. Use
 * peerreview_code_count() at run time.
 */
#define PEERREVIEW_CODE_COUNT 37

/** Number of problem codes the running library has; codes are 0 .. count - 1. */
PEERREVIEW_API size_t peerreview_code_count(void);

/** Static kebab-case name of a code ("bad-date"), or NULL if out of range. */
PEERREVIEW_API const char *peerreview_code_name(int code);

/** Code for a kebab-case name, or -1. */
PEERREVIEW_API int peerreview_code_lookup(const char *name);

/** One problem inside a peerreview_diag. Opaque, borrowed from the diag. */
typedef struct peerreview_problem peerreview_problem;

/** New empty diagnostics object (owned), or NULL when out of memory. */
PEERREVIEW_API peerreview_diag *peerreview_diag_new(void);

/** Free a diagnostics object and its problems. NULL is a no-op. */
PEERREVIEW_API void peerreview_diag_free(peerreview_diag *diag);

/** Remove every problem; the diag can be reused. */
PEERREVIEW_API void peerreview_diag_clear(peerreview_diag *diag);

/** Number of problems stored (at most the cap the operation used). */
PEERREVIEW_API size_t peerreview_diag_count(const peerreview_diag *diag);

/**
 * Number of errors found, including those not stored because of the cap
 * (with a cap of 0 the operation stops at the first error, so this is 1).
 */
PEERREVIEW_API size_t peerreview_diag_errors(const peerreview_diag *diag);

/** Number of warnings found, including those not stored. */
PEERREVIEW_API size_t peerreview_diag_warnings(const peerreview_diag *diag);

/** Problem number i (borrowed; valid until the diag is cleared or freed). */
PEERREVIEW_API const peerreview_problem *peerreview_diag_get(const peerreview_diag *diag, size_t i);

/** Severity of a problem. */
PEERREVIEW_API peerreview_severity peerreview_problem_severity(const peerreview_problem *p);
/** Code of a problem. */
PEERREVIEW_API peerreview_code peerreview_problem_code(const peerreview_problem *p);
/** File the problem is in (borrowed), or NULL when not about a file. */
PEERREVIEW_API const char *peerreview_problem_file(const peerreview_problem *p);
/** Physical line, 1-based, where the record starts or the fault is; 0 = none. */
PEERREVIEW_API unsigned long peerreview_problem_line(const peerreview_problem *p);
/** Column (1-based field index in the file's record); 0 = none. */
PEERREVIEW_API unsigned long peerreview_problem_column(const peerreview_problem *p);
/**
 * Spreadsheet row, 1-based: records and blank lines before this record count,
 * the header is row 1 (as Excel or LibreOffice number rows); 0 = none.
 */
PEERREVIEW_API unsigned long peerreview_problem_record(const peerreview_problem *p);
/**
 * Byte offset from the start of the file (a BOM counts) where the field starts,
 * or for a rule about a whole row, where its record starts; -1 = none.
 */
PEERREVIEW_API long long peerreview_problem_offset(const peerreview_problem *p);
/** Field (column) name (borrowed), or NULL when not about one field. */
PEERREVIEW_API const char *peerreview_problem_field(const peerreview_problem *p);
/** One-line English message quoting the bad value (borrowed); never NULL. */
PEERREVIEW_API const char *peerreview_problem_message(const peerreview_problem *p);

/**
 * Write "FILE:LINE:COLUMN: SEVERITY: FIELD: MESSAGE [CODE]" (parts that do
 * not apply are left out) into buf, NUL-terminated and truncated to size.
 * Returns the length the full text needs, excluding the NUL, like snprintf.
 */
PEERREVIEW_API size_t peerreview_problem_format(const peerreview_problem *p, char *buf,
                                                size_t size);

/* ------------------------------------------------------------------------ */
/* Options                                                                   */
/* ------------------------------------------------------------------------ */

/**
 * Form of a dataset on disk. PEERREVIEW_FORM_AUTO chooses from the path.
 * Loading: a folder, a datapackage.json, or a table file of a package (one
 * beside a datapackage.json, or a child table beside reviews.csv, e.g.
 * x/items.csv) is the package; a child table file with neither beside it is
 * refused (io-error: give the package folder); any other file is flat.
 * Saving: a path ending in .csv (in any case) or naming an existing file is
 * flat, anything else a package folder; a table file of a package (beside
 * its datapackage.json) is refused rather than overwritten with the flat form.
 * Values are only ever appended.
 */
typedef enum peerreview_form {
    PEERREVIEW_FORM_AUTO = 0,    /**< choose from the path, as above */
    PEERREVIEW_FORM_PACKAGE = 1, /**< folder with six CSV files + datapackage.json */
    PEERREVIEW_FORM_FLAT = 2     /**< one CSV file, one row per review */
} peerreview_form;

/** Options for loading, validating and saving. Opaque. */
typedef struct peerreview_options peerreview_options;

/**
 * New options with the defaults (owned): max_problems 100, max_field_size
 * 1 MiB, max_records 1 million (all tables of a package together), unknown
 * columns are errors, form
 * AUTO, spreadsheet_safe off. NULL when out of memory. Every function taking
 * options accepts NULL for the defaults.
 */
PEERREVIEW_API peerreview_options *peerreview_options_new(void);
/** Free options. NULL is a no-op. */
PEERREVIEW_API void peerreview_options_free(peerreview_options *opts);
/** Store at most n problems; 0 = stop at the first error. */
PEERREVIEW_API peerreview_status peerreview_options_set_max_problems(peerreview_options *opts,
                                                                     size_t n);
/** Reject any field longer than bytes (at least 1) without reading it whole. */
PEERREVIEW_API peerreview_status peerreview_options_set_max_field_size(peerreview_options *opts,
                                                                       size_t bytes);
/**
 * Stop a load at more than n data records (at least 1): the records of all
 * the tables of a package count together, a flat file's or a streaming
 * reader's file on its own. The limit bounds the memory a load takes (about
 * 150 bytes per record beside its text, so the default of 1 million is about
 * 150 MB at worst); a too-many-records error says so.
 */
PEERREVIEW_API peerreview_status peerreview_options_set_max_records(peerreview_options *opts,
                                                                    size_t n);
/** Non-zero: skip columns the schema does not know instead of failing. */
PEERREVIEW_API peerreview_status
peerreview_options_set_ignore_unknown_columns(peerreview_options *opts, int yes);
/** Form used by peerreview_load and peerreview_save. */
PEERREVIEW_API peerreview_status peerreview_options_set_form(peerreview_options *opts,
                                                             peerreview_form form);
/**
 * Non-zero: saved text cells starting with = + - @ TAB or CR get a leading
 * apostrophe and files start with a UTF-8 BOM (for Excel). Lossy by design.
 */
PEERREVIEW_API peerreview_status peerreview_options_set_spreadsheet_safe(peerreview_options *opts,
                                                                         int yes);

/**
 * Character that separates values in files read (default ','): ';' or TAB
 * ('\\t') read the files European Excel and LibreOffice write in many locales. Any
 * ASCII punctuation character or TAB except '"'; PEERREVIEW_EINVAL otherwise.
 * Saving always writes commas. A file whose header holds no delimiter but
 * ';' or TAB gets one wrong-delimiter error saying which option reads it.
 */
PEERREVIEW_API peerreview_status peerreview_options_set_delimiter(peerreview_options *opts,
                                                                  char delimiter);

/**
 * Character encoding of files read (default UTF-8). NULL, "utf-8" or
 * "utf8" in any case is the default; otherwise an ASCII-compatible single-byte
 * encoding that iconv knows, such as "windows-1252" (what Excel calls plain
 * "CSV" in Western Europe) or "iso-8859-1". Values are converted to UTF-8
 * as they are read; lines, columns and byte offsets in problems still count
 * the file's own bytes. PEERREVIEW_EINVAL for "", an unknown, multi-byte or
 * non-ASCII-compatible encoding (the options are then unchanged),
 * PEERREVIEW_ENOMEM when out of memory. Saving always writes UTF-8.
 */
PEERREVIEW_API peerreview_status peerreview_options_set_encoding(peerreview_options *opts,
                                                                 const char *encoding);

/**
 * Called while loading with the bytes read so far and the total to read
 * (the sizes of the files, as they were when the load began). Return 0 to go
 * on, non-zero to cancel the load.
 */
typedef int (*peerreview_progress_cb)(unsigned long long done, unsigned long long total, void *ctx);

/**
 * Call cb (NULL: nobody) about every 64 KiB read by peerreview_load and
 * peerreview_validate_path, on the calling thread; ctx is passed through.
 * When cb returns non-zero the operation stops reading at once and fails
 * with PEERREVIEW_ECANCELED: nothing was loaded (*out is NULL, everything
 * read so far is freed) and no problem is added for the cancel itself; the
 * diag holds only what was found before it. Replaces a callback set with
 * peerreview_options_set_progress. PEERREVIEW_EINVAL if opts is NULL.
 */
PEERREVIEW_API peerreview_status peerreview_options_set_progress_cb(peerreview_options *opts,
                                                                    peerreview_progress_cb cb,
                                                                    void *ctx);

/** The callback of peerreview_options_set_progress: cannot cancel. */
typedef void (*peerreview_progress_fn)(unsigned long long done, unsigned long long total,
                                       void *ctx);

/**
 * As peerreview_options_set_progress_cb with a callback that never cancels.
 * @deprecated Use peerreview_options_set_progress_cb.
 */
PEERREVIEW_API PEERREVIEW_DEPRECATED("peerreview_options_set_progress_cb") peerreview_status
    peerreview_options_set_progress(peerreview_options *opts, peerreview_progress_fn fn, void *ctx);

/* ------------------------------------------------------------------------ */
/* Datasets, reviews and child rows                                          */
/* ------------------------------------------------------------------------ */

/** A set of reviews in order, indexed by review_id. Opaque. */
typedef struct peerreview_dataset peerreview_dataset;
/** One review: scalar fields plus five ordered child lists. Opaque. */
typedef struct peerreview_review peerreview_review;
/** One row of a child table (council, team member, item, ...). Opaque. */
typedef struct peerreview_row peerreview_row;

/** New empty dataset (owned), or NULL when out of memory. */
PEERREVIEW_API peerreview_dataset *peerreview_dataset_new(void);

/** Free a dataset, its reviews and every string they hold. NULL ok. */
PEERREVIEW_API void peerreview_dataset_free(peerreview_dataset *ds);

/**
 * Load a dataset from path: a package folder, its datapackage.json, or a
 * flat .csv file (see peerreview_form). In a package, reviews.csv is
 * required; a child table datapackage.json lists but whose file is missing
 * is a missing-table error; with no datapackage.json a missing child table
 * is a missing-table warning and has no rows; any other .csv in the folder
 * is an unknown-file warning. All or nothing: on any
 * error *out is NULL, the problems are in diag and the return value is
 * PEERREVIEW_EDATA (bad data), PEERREVIEW_EIO or PEERREVIEW_ENOMEM.
 * Warnings do not stop a load. On success *out is owned by the caller.
 */
PEERREVIEW_API peerreview_status peerreview_load(const char *path, const peerreview_options *opts,
                                                 peerreview_diag *diag, peerreview_dataset **out);

/**
 * Source of bytes for the loaders below, called with the ctx given to them:
 * read up to size bytes into buf and return the number read (1 to size; it
 * may be less than size at any time), 0 at the end of the input, or -1 on an
 * error with errno set. After it returns 0 or -1 it is not called again. It
 * may block (reading a pipe or a socket is the caller's choice).
 */
typedef ptrdiff_t (*peerreview_read_fn)(void *ctx, void *buf, size_t size);

/**
 * Sink of bytes for peerreview_render_callback, called with the ctx given to
 * it: write all size bytes of buf (size is never 0) and return 0, or return
 * non-zero with errno set to stop (the render fails with PEERREVIEW_EIO).
 */
typedef int (*peerreview_write_fn)(void *ctx, const void *buf, size_t size);

/**
 * Load a dataset from len bytes of memory at data (borrowed: read in place,
 * not copied, not kept; NULL is allowed when len is 0): the flat form
 * (table = -1) or the reviews table alone (table = PEERREVIEW_REVIEWS; the
 * dataset has no child rows). Any other table is PEERREVIEW_EINVAL: a child
 * table alone has no reviews to belong to (read it with
 * peerreview_reader_open_buffer). name (borrowed, copied; NULL: "<buffer>")
 * is the file problems name. What peerreview_load guarantees for a flat file
 * or a package's reviews.csv holds: the same problems at the same lines,
 * columns, records and offsets, the options (delimiter, encoding, limits,
 * max_records counting this table alone; the form is not used; progress
 * with len as the total), all or nothing. Returns PEERREVIEW_OK with *out
 * owned by the caller, PEERREVIEW_EDATA (problems in diag), PEERREVIEW_ENOMEM,
 * or PEERREVIEW_EINVAL (out NULL, data NULL with len > 0, or the table); on
 * failure *out is NULL.
 */
PEERREVIEW_API peerreview_status peerreview_load_buffer(const void *data, size_t len, int table,
                                                        const char *name,
                                                        const peerreview_options *opts,
                                                        peerreview_diag *diag,
                                                        peerreview_dataset **out);

/**
 * peerreview_load_buffer with the bytes read gives (see peerreview_read_fn;
 * called with ctx on the calling thread, until it returns 0 or fails, or
 * the load stops early, e.g. at max_problems 0; name NULL: "<stream>"). The
 * input is held 64 KiB at a time, never whole (the dataset is); what is
 * reported does not depend on how many bytes each call gives. Progress
 * reports the bytes read, about every 64 KiB, with a total of 0 (unknown).
 * A read error (-1), or a return larger than size, is PEERREVIEW_EIO with an
 * io-error problem quoting errno, and nothing is loaded. Returns as
 * peerreview_load_buffer, plus PEERREVIEW_EIO; PEERREVIEW_EINVAL also when
 * read is NULL.
 */
PEERREVIEW_API peerreview_status peerreview_load_callback(peerreview_read_fn read, void *ctx,
                                                          int table, const char *name,
                                                          const peerreview_options *opts,
                                                          peerreview_diag *diag,
                                                          peerreview_dataset **out);

/**
 * Check the dataset at path without keeping it: PEERREVIEW_OK when it has
 * no errors (warnings allowed), else as peerreview_load.
 */
PEERREVIEW_API peerreview_status peerreview_validate_path(const char *path,
                                                          const peerreview_options *opts,
                                                          peerreview_diag *diag);

/**
 * Check a dataset in memory against every rule of doc/format.md §3 and §4
 * (value, row, cross-field and cross-table). PEERREVIEW_OK or PEERREVIEW_EDATA.
 */
PEERREVIEW_API peerreview_status peerreview_dataset_validate(const peerreview_dataset *ds,
                                                             const peerreview_options *opts,
                                                             peerreview_diag *diag);

/**
 * Save a valid dataset as a package folder (created if absent) or a flat
 * file. A package is replaced as a whole: every file is first written in
 * full under a temporary name beside its target (".items.csv.tmp-PID-N";
 * each write, fsync and close checked), then a commit record
 * ".peerreview-commit" listing them is made durable, then the files are
 * renamed over their targets and the record removed. After a failure or a
 * kill at any moment, loading the target gives exactly the old dataset or
 * exactly the new one: the next load or save of the folder completes a
 * committed save and removes the temporary files of one that was not (both
 * recognised by those names). Nothing else in the folder is touched. The
 * folder is locked (flock) while saving; loads wait for it. A failure before
 * the commit point changes nothing and leaves nothing (not even a folder the
 * save created). A flat file is written to a temporary file beside it and
 * renamed. A table file that is a symbolic link is followed (the link stays,
 * its file gets the content); two targets that are one file are refused.
 * Refuses a dataset with errors (PEERREVIEW_EDATA) and, for the flat form,
 * values it cannot hold (PEERREVIEW_EUNSUPPORTED, naming review and field).
 * The form comes from the options, or from the path (see peerreview_form);
 * with no form, a table file of a package is refused (PEERREVIEW_EINVAL,
 * with the problem in diag). An I/O failure (PEERREVIEW_EIO) is one io-error
 * problem whose message says what the error means for this path, how to fix
 * it, and whether anything changed. See doc/reliability.md.
 */
PEERREVIEW_API peerreview_status peerreview_save(const peerreview_dataset *ds, const char *path,
                                                 const peerreview_options *opts,
                                                 peerreview_diag *diag);

/**
 * Render in memory what peerreview_save would write: one table's canonical
 * CSV (table = PEERREVIEW_REVIEWS..PEERREVIEW_SOURCES) or the whole dataset
 * in the flat form (table = -1), honouring spreadsheet_safe. Unlike
 * peerreview_save it does not check the dataset's rules first, so a selection
 * of reviews may name parent reviews it does not hold (check with
 * peerreview_dataset_validate when that matters); values the flat form cannot
 * hold still fail with PEERREVIEW_EUNSUPPORTED. On success *out (owned; free
 * it with peerreview_free) holds *len bytes plus a terminating NUL.
 */
PEERREVIEW_API peerreview_status peerreview_render(const peerreview_dataset *ds, int table,
                                                   const peerreview_options *opts,
                                                   peerreview_diag *diag, char **out, size_t *len);

/**
 * The bytes peerreview_render makes (table -1 for the flat form; no rule
 * check first), passed to write with ctx in order, in pieces of about
 * 64 KiB as they are made: memory holds a piece and one row, never the
 * whole output. The flat form is rendered a first time without writing, so
 * that a dataset it cannot hold (PEERREVIEW_EUNSUPPORTED, problems in diag)
 * writes nothing. A write that fails (non-zero) stops the render with
 * PEERREVIEW_EIO and an io-error problem quoting errno; write is not called
 * again, and what it was given is a truncated file. Returns PEERREVIEW_OK,
 * PEERREVIEW_EINVAL (ds or write NULL, table out of range),
 * PEERREVIEW_EUNSUPPORTED, PEERREVIEW_EIO, or PEERREVIEW_ENOMEM (the output
 * is then truncated too).
 */
PEERREVIEW_API peerreview_status peerreview_render_callback(const peerreview_dataset *ds, int table,
                                                            const peerreview_options *opts,
                                                            peerreview_diag *diag,
                                                            peerreview_write_fn write, void *ctx);

/**
 * Write one CSV record as peerreview_render writes its rows: the n fields
 * (borrowed; NULL or "" is an empty field) separated by commas, a field
 * quoted only when it holds a comma, a double quote (doubled inside), CR or
 * LF, and CRLF at the end; no byte order mark, no spreadsheet-safe changes.
 * For CSV files of one's own (a report, an export of counts) that read back
 * as the library's files do. The record is passed to write with ctx in one
 * call. Note that a record of one empty field is an empty line. Returns
 * PEERREVIEW_OK, PEERREVIEW_EINVAL (fields or write NULL, or n 0),
 * PEERREVIEW_ENOMEM (nothing written) or PEERREVIEW_EIO (write failed; errno
 * as it left it).
 */
PEERREVIEW_API peerreview_status peerreview_render_csv_record(const char *const *fields, size_t n,
                                                              peerreview_write_fn write, void *ctx);

/** Free memory the library returned as owned (peerreview_render). NULL ok. */
PEERREVIEW_API void peerreview_free(void *p);

/** Number of reviews. */
PEERREVIEW_API size_t peerreview_dataset_count(const peerreview_dataset *ds);

/**
 * Review number i in dataset order (borrowed, read-only), or NULL if ds is
 * NULL or i is out of range. peerreview_dataset_review_byindex_mut gives a
 * handle that can be edited.
 */
PEERREVIEW_API const peerreview_review *
peerreview_dataset_review_byindex(const peerreview_dataset *ds, size_t i);

/** As peerreview_dataset_review_byindex, from a mutable dataset: an editable handle (borrowed). */
PEERREVIEW_API peerreview_review *peerreview_dataset_review_byindex_mut(peerreview_dataset *ds,
                                                                        size_t i);

/** Review by review_id in O(1) (borrowed, read-only), or NULL if absent or an argument is NULL. */
PEERREVIEW_API const peerreview_review *peerreview_dataset_review_byid(const peerreview_dataset *ds,
                                                                       const char *review_id);

/** As peerreview_dataset_review_byid, from a mutable dataset: an editable handle (borrowed). */
PEERREVIEW_API peerreview_review *peerreview_dataset_review_byid_mut(peerreview_dataset *ds,
                                                                     const char *review_id);

/**
 * Review number i in dataset order (borrowed), or NULL if out of range.
 * @deprecated Use peerreview_dataset_review_byindex (or _mut to edit).
 */
PEERREVIEW_API PEERREVIEW_DEPRECATED("peerreview_dataset_review_byindex")
    peerreview_review *peerreview_dataset_review(const peerreview_dataset *ds, size_t i);

/**
 * Review by review_id in O(1) (borrowed), or NULL.
 * @deprecated Use peerreview_dataset_review_byid (or _mut to edit).
 */
PEERREVIEW_API PEERREVIEW_DEPRECATED("peerreview_dataset_review_byid")
    peerreview_review *peerreview_dataset_find(const peerreview_dataset *ds, const char *review_id);

/**
 * Append a review created by peerreview_review_new. On success the dataset
 * owns it (do not free it; handles and strings it returned stay valid). Fails with
 * PEERREVIEW_EDATA if it has no review_id, PEERREVIEW_EEXIST if the id is
 * taken, PEERREVIEW_EINVAL if it already belongs to a dataset; on failure the
 * caller still owns it.
 */
PEERREVIEW_API peerreview_status peerreview_dataset_add(peerreview_dataset *ds,
                                                        peerreview_review *review,
                                                        peerreview_diag *diag);

/**
 * Remove a review and free it: handles to it and its rows, and every string
 * they returned, become invalid (review_id may be the review's own string).
 * PEERREVIEW_ENOTFOUND if absent.
 */
PEERREVIEW_API peerreview_status peerreview_dataset_remove(peerreview_dataset *ds,
                                                           const char *review_id);

/**
 * Counter that changes whenever reviews or rows are added or removed, or a
 * review_id changes; lets bindings detect stale handles and iterators.
 */
PEERREVIEW_API uint64_t peerreview_dataset_generation(const peerreview_dataset *ds);

/**
 * Format version the dataset was loaded from (a package's
 * "peerreview:format", a flat file's format mark; 1 when the file has none);
 * PEERREVIEW_FORMAT_VERSION for a dataset made with peerreview_dataset_new;
 * 0 for NULL. peerreview_schema_for_format gives its schema. A save always
 * writes PEERREVIEW_FORMAT_VERSION.
 */
PEERREVIEW_API int peerreview_dataset_format(const peerreview_dataset *ds);

/**
 * A number that identifies this review object among every review and row the
 * process has created (never 0, never reused), so that bindings can tell a
 * handle to a removed review from one to a new review with the same id.
 */
PEERREVIEW_API uint64_t peerreview_review_serial(const peerreview_review *review);

/** As peerreview_review_serial, for a child row. */
PEERREVIEW_API uint64_t peerreview_row_serial(const peerreview_row *row);

/** New empty review not in any dataset (owned), or NULL when out of memory. */
PEERREVIEW_API peerreview_review *peerreview_review_new(void);

/**
 * Free a review the caller owns, with its rows and every string they
 * returned. A review that belongs to a dataset is left alone (use
 * peerreview_dataset_remove). NULL is a no-op.
 */
PEERREVIEW_API void peerreview_review_free(peerreview_review *review);

/**
 * A copy of review in *out (owned, in no dataset): every value and every
 * child row, in list order, as values of its own, so that freeing or
 * editing the original leaves the copy alone (and the other way round).
 * Copy reviews to add them to another dataset with peerreview_dataset_add,
 * e.g. a selection to save or render on its own; edit a copy to try a
 * change. Values are copied as they are, without checking them again; rows
 * whose seq the library chose keep following their kind, as in the original
 * (see peerreview_review_add_child). The copy has no file positions: problems
 * about it name no line. review is only read (see Thread safety). Returns
 * PEERREVIEW_OK, PEERREVIEW_EINVAL (review or out NULL) or PEERREVIEW_ENOMEM;
 * on failure *out is NULL and nothing was kept.
 */
PEERREVIEW_API peerreview_status peerreview_review_copy(const peerreview_review *review,
                                                        peerreview_review **out);

/** Dataset the review belongs to (borrowed, read-only), or NULL if none or review is NULL. */
PEERREVIEW_API const peerreview_dataset *peerreview_review_owner(const peerreview_review *review);

/**
 * Dataset the review belongs to (borrowed), or NULL.
 * @deprecated Use peerreview_review_owner.
 */
PEERREVIEW_API PEERREVIEW_DEPRECATED("peerreview_review_owner")
    peerreview_dataset *peerreview_review_dataset(const peerreview_review *review);

/*
 * Reading values. Every getter below sets its out-parameter and returns:
 *  - PEERREVIEW_OK with the value;
 *  - PEERREVIEW_ENOTFOUND when the cell is empty (the value is unknown), with
 *    *value NULL (string getters) or the out-parameter zeroed;
 *  - PEERREVIEW_EINVAL when an argument is NULL or the column does not
 *    exist in that table (a misspelt name, an index out of range), or, for
 *    the typed getters, the column is not of that type; the out-parameter
 *    is then NULL or zeroed as well.
 * Strings are borrowed: see "Conventions" at the top for how long they live.
 */

/**
 * A date of a date column (doc/format.md §3.3: YYYY, YYYY-MM or YYYY-MM-DD, a real
 * proleptic Gregorian calendar date). This struct never changes: anything a
 * later release can say about dates will come through new functions.
 */
typedef enum peerreview_date_precision {
    PEERREVIEW_DATE_YEAR = 1,  /**< YYYY */
    PEERREVIEW_DATE_MONTH = 2, /**< YYYY-MM */
    PEERREVIEW_DATE_DAY = 3    /**< YYYY-MM-DD */
} peerreview_date_precision;

/** A parsed date; see peerreview_date_precision. Never changes (see above). */
typedef struct peerreview_date {
    int year;                            /**< the year, e.g. 2015 */
    int month;                           /**< 1-12, or 0 when not given */
    int day;                             /**< 1-31, or 0 when not given */
    peerreview_date_precision precision; /**< how much of the date is given */
    /**
     * The interval the date covers, as days since 1970-01-01 (proleptic
     * Gregorian; earlier days are negative), inclusive: "2015" covers
     * 2015-01-01 to 2015-12-31, "2016-02" 2016-02-01 to 2016-02-29, a day
     * itself alone (first_day == last_day).
     */
    int64_t first_day;
    int64_t last_day; /**< the last day of the interval (see first_day) */
} peerreview_date;

/**
 * Parse a date as a date column holds it (strictly: a real calendar date,
 * no spaces) into *out. PEERREVIEW_OK, or PEERREVIEW_EINVAL (with *out all
 * zero) when text or out is NULL or text is not such a date, e.g. "2015-02-30".
 */
PEERREVIEW_API peerreview_status peerreview_date_parse(const char *text, peerreview_date *out);

/** Value of a reviews column by index (borrowed): OK, ENOTFOUND (empty) or EINVAL (see above). */
PEERREVIEW_API peerreview_status peerreview_review_get_byindex(const peerreview_review *review,
                                                               size_t column, const char **value);

/** Value of a reviews column by exact name (borrowed): OK, ENOTFOUND (empty) or EINVAL. */
PEERREVIEW_API peerreview_status peerreview_review_get_byname(const peerreview_review *review,
                                                              const char *column,
                                                              const char **value);

/**
 * Value of an integer column of reviews (e.g. team_size) by index into *out
 * (0 unless OK): OK, ENOTFOUND (empty), or EINVAL (NULL argument, no such
 * column, or not a PEERREVIEW_TYPE_INTEGER column). Values a review holds
 * were checked when stored and always fit; should one not parse, the result
 * is PEERREVIEW_EDATA.
 */
PEERREVIEW_API peerreview_status
peerreview_review_get_int64_byindex(const peerreview_review *review, size_t column, int64_t *out);

/** peerreview_review_get_int64_byindex by exact column name. */
PEERREVIEW_API peerreview_status peerreview_review_get_int64_byname(const peerreview_review *review,
                                                                    const char *column,
                                                                    int64_t *out);

/**
 * Value of a date column of reviews (e.g. onsite_start) by index, parsed
 * into *out (all zero unless OK): OK, ENOTFOUND (empty), or EINVAL (NULL
 * argument, no such column, or not a PEERREVIEW_TYPE_DATE column);
 * PEERREVIEW_EDATA should a stored value not parse (it cannot: values are
 * checked when stored).
 */
PEERREVIEW_API peerreview_status peerreview_review_get_date_byindex(const peerreview_review *review,
                                                                    size_t column,
                                                                    peerreview_date *out);

/** peerreview_review_get_date_byindex by exact column name. */
PEERREVIEW_API peerreview_status peerreview_review_get_date_byname(const peerreview_review *review,
                                                                   const char *column,
                                                                   peerreview_date *out);

/**
 * Value of a reviews column by index (borrowed), NULL when unknown/empty.
 * @deprecated Use peerreview_review_get_byindex.
 */
PEERREVIEW_API PEERREVIEW_DEPRECATED("peerreview_review_get_byindex") const
    char *peerreview_review_value(const peerreview_review *review, size_t column);

/**
 * Value of a reviews column by name (borrowed), NULL when unknown or no such column.
 * @deprecated Use peerreview_review_get_byname, which tells the two apart.
 */
PEERREVIEW_API PEERREVIEW_DEPRECATED("peerreview_review_get_byname") const
    char *peerreview_review_get(const peerreview_review *review, const char *column);

/**
 * Set a reviews column (by index); value is copied (it may be a string the
 * review returned, even of this column). NULL or "" makes it unknown. The
 * string the getters returned for the old value becomes invalid: it is freed,
 * so setting values again and again does not make a dataset grow. Other values
 * are not touched. The value is checked with peerreview_check_value first
 * (PEERREVIEW_EDATA with the problem in diag). Changing review_id of a
 * review in a dataset keeps the index right (PEERREVIEW_EEXIST if taken).
 * PEERREVIEW_EINVAL if review is NULL or the column is out of range;
 * PEERREVIEW_ENOMEM when out of memory. On any failure the old value stays,
 * valid.
 */
PEERREVIEW_API peerreview_status peerreview_review_set_byindex(peerreview_review *review,
                                                               size_t column, const char *value,
                                                               peerreview_diag *diag);

/** peerreview_review_set_byindex by exact column name (PEERREVIEW_EINVAL if unknown). */
PEERREVIEW_API peerreview_status peerreview_review_set_byname(peerreview_review *review,
                                                              const char *column, const char *value,
                                                              peerreview_diag *diag);

/** As peerreview_review_set_byindex. @deprecated Use peerreview_review_set_byindex. */
PEERREVIEW_API PEERREVIEW_DEPRECATED("peerreview_review_set_byindex") peerreview_status
    peerreview_review_set_value(peerreview_review *review, size_t column, const char *value,
                                peerreview_diag *diag);

/** As peerreview_review_set_byname. @deprecated Use peerreview_review_set_byname. */
PEERREVIEW_API PEERREVIEW_DEPRECATED("peerreview_review_set_byname") peerreview_status
    peerreview_review_set(peerreview_review *review, const char *column, const char *value,
                          peerreview_diag *diag);

/** Number of rows of a child table (PEERREVIEW_REVIEW_COUNCILS..SOURCES). */
PEERREVIEW_API size_t peerreview_review_child_count(const peerreview_review *review, int table);

/**
 * Child row number i of a child table, in list order (borrowed,
 * read-only), or NULL if review is NULL or table or i is out of range.
 */
PEERREVIEW_API const peerreview_row *
peerreview_review_child_byindex(const peerreview_review *review, int table, size_t i);

/** As peerreview_review_child_byindex, from a mutable review: an editable row (borrowed). */
PEERREVIEW_API peerreview_row *peerreview_review_child_byindex_mut(peerreview_review *review,
                                                                   int table, size_t i);

/**
 * Child row number i (borrowed), or NULL if out of range.
 * @deprecated Use peerreview_review_child_byindex (or _mut to edit).
 */
PEERREVIEW_API PEERREVIEW_DEPRECATED("peerreview_review_child_byindex")
    peerreview_row *peerreview_review_child(const peerreview_review *review, int table, size_t i);

/**
 * Append an empty row to a child list and return it in *out (borrowed).
 * Its seq is chosen by the library: one more than the largest seq of its
 * group (for items, of the items with the same kind; a new item has no kind
 * yet, so it starts among the items without one). As long as the caller has
 * not set seq itself, setting the row's kind moves it to the next seq of that
 * kind, so items appended and then given a kind are numbered 1, 2, 3, ...
 * per kind. Setting seq to a value keeps that value from then on (changing
 * kind later does not renumber it); setting seq to NULL lets the library
 * choose again.
 */
PEERREVIEW_API peerreview_status peerreview_review_add_child(peerreview_review *review, int table,
                                                             peerreview_row **out);

/**
 * Remove and free child row number i; its handle and the strings it returned
 * become invalid. PEERREVIEW_ENOTFOUND if out of range.
 */
PEERREVIEW_API peerreview_status peerreview_review_remove_child(peerreview_review *review,
                                                                int table, size_t i);

/** Table of a row. */
PEERREVIEW_API int peerreview_row_table(const peerreview_row *row);

/** Review a row belongs to (borrowed, read-only), or NULL if row is NULL. */
PEERREVIEW_API const peerreview_review *peerreview_row_owner(const peerreview_row *row);

/**
 * Review a row belongs to (borrowed).
 * @deprecated Use peerreview_row_owner.
 */
PEERREVIEW_API PEERREVIEW_DEPRECATED("peerreview_row_owner")
    peerreview_review *peerreview_row_review(const peerreview_row *row);

/**
 * Order of two rows in the canonical export (what peerreview_render and
 * peerreview_save write): negative if a comes first, positive if b does, 0
 * only for the same row. Rows of one table come by review (in dataset
 * order), then by primary key (items by kind in the order of the kind
 * column's allowed values, then every table by seq as a number; an empty
 * kind or seq last), then, for equal keys (data with a duplicate-key
 * error), in list order. Rows of reviews that are not in one dataset go by
 * their reviews' peerreview_review_serial; rows of different tables by
 * table number; NULL before any row.
 */
PEERREVIEW_API int peerreview_row_compare(const peerreview_row *a, const peerreview_row *b);

/**
 * Order of two rows by their key within their review, wherever the rows
 * are: the key columns after review_id (items: kind, in the order of the
 * kind column's allowed values, then seq; other tables: seq, as a number; an
 * empty kind or seq last). 0 when the keys are equal, so that the rows stand
 * for the same entry, e.g. the same team member in two versions of a review
 * (a diff matches rows this way), or two rows that break the duplicate-key
 * rule in one review. Unlike peerreview_row_compare, the review a row
 * belongs to and its place in the list do not count. Rows of different
 * tables go by table number; NULL comes before any row, two NULLs are equal.
 */
PEERREVIEW_API int peerreview_row_key_compare(const peerreview_row *a, const peerreview_row *b);

/**
 * Value of a row's column by index (borrowed), as the reviews getters:
 * OK, ENOTFOUND (empty) or EINVAL (NULL argument, no such column). Column 0
 * (review_id) gives the parent review's id.
 */
PEERREVIEW_API peerreview_status peerreview_row_get_byindex(const peerreview_row *row,
                                                            size_t column, const char **value);

/** Value of a row's column by exact name (borrowed): OK, ENOTFOUND (empty) or EINVAL. */
PEERREVIEW_API peerreview_status peerreview_row_get_byname(const peerreview_row *row,
                                                           const char *column, const char **value);

/** As peerreview_review_get_int64_byindex, for an integer column of a row's table (seq). */
PEERREVIEW_API peerreview_status peerreview_row_get_int64_byindex(const peerreview_row *row,
                                                                  size_t column, int64_t *out);

/** peerreview_row_get_int64_byindex by exact column name. */
PEERREVIEW_API peerreview_status peerreview_row_get_int64_byname(const peerreview_row *row,
                                                                 const char *column, int64_t *out);

/** As peerreview_review_get_date_byindex, for a date column of a row's table. */
PEERREVIEW_API peerreview_status peerreview_row_get_date_byindex(const peerreview_row *row,
                                                                 size_t column,
                                                                 peerreview_date *out);

/** peerreview_row_get_date_byindex by exact column name. */
PEERREVIEW_API peerreview_status peerreview_row_get_date_byname(const peerreview_row *row,
                                                                const char *column,
                                                                peerreview_date *out);

/**
 * Value of a row's column by index (borrowed), NULL when unknown. Column 0
 * (review_id) returns the parent review's id.
 * @deprecated Use peerreview_row_get_byindex.
 */
PEERREVIEW_API PEERREVIEW_DEPRECATED("peerreview_row_get_byindex") const
    char *peerreview_row_value(const peerreview_row *row, size_t column);

/**
 * Value of a row's column by name (borrowed), NULL when unknown or no such column.
 * @deprecated Use peerreview_row_get_byname, which tells the two apart.
 */
PEERREVIEW_API PEERREVIEW_DEPRECATED("peerreview_row_get_byname") const
    char *peerreview_row_get(const peerreview_row *row, const char *column);

/**
 * Set a row's column by index, checked, copied and freeing the old value as
 * peerreview_review_set_byindex. review_id cannot be set (PEERREVIEW_EINVAL):
 * it is the parent's. Setting seq to NULL assigns the next free seq of the
 * row's group; setting an item's kind also does, while its seq is one the
 * library chose (see peerreview_review_add_child): then the old seq string
 * becomes invalid too. PEERREVIEW_EINVAL if row is NULL or the column is out
 * of range; PEERREVIEW_EDATA (problem in diag) for a value that breaks the
 * column's rules; PEERREVIEW_ENOMEM when out of memory (the old value stays).
 */
PEERREVIEW_API peerreview_status peerreview_row_set_byindex(peerreview_row *row, size_t column,
                                                            const char *value,
                                                            peerreview_diag *diag);

/** peerreview_row_set_byindex by exact column name (PEERREVIEW_EINVAL if unknown). */
PEERREVIEW_API peerreview_status peerreview_row_set_byname(peerreview_row *row, const char *column,
                                                           const char *value,
                                                           peerreview_diag *diag);

/** As peerreview_row_set_byindex. @deprecated Use peerreview_row_set_byindex. */
PEERREVIEW_API PEERREVIEW_DEPRECATED("peerreview_row_set_byindex") peerreview_status
    peerreview_row_set_value(peerreview_row *row, size_t column, const char *value,
                             peerreview_diag *diag);

/** As peerreview_row_set_byname. @deprecated Use peerreview_row_set_byname. */
PEERREVIEW_API PEERREVIEW_DEPRECATED("peerreview_row_set_byname") peerreview_status
    peerreview_row_set(peerreview_row *row, const char *column, const char *value,
                       peerreview_diag *diag);

/* ------------------------------------------------------------------------ */
/* Streaming reader: one validated row of one table at a time                */
/* ------------------------------------------------------------------------ */

/** Pull-style reader over one table file. Opaque. */
typedef struct peerreview_reader peerreview_reader;

/**
 * Open one table's CSV file (e.g. items.csv) for reading in constant memory.
 * table is a peerreview_table, or -1 to take it from the file name. The
 * header is read and checked here. On success *out is owned by the caller.
 */
PEERREVIEW_API peerreview_status peerreview_reader_open(const char *path, int table,
                                                        const peerreview_options *opts,
                                                        peerreview_diag *diag,
                                                        peerreview_reader **out);

/**
 * peerreview_reader_open over len bytes of memory at data (borrowed, read in
 * place: they must stay unchanged until the reader is freed; NULL is allowed
 * when len is 0), with the same rows and problems as from a file. table must
 * be a peerreview_table (there is no file name to take it from); name
 * (borrowed, copied; NULL: "<buffer>") is the file problems name. Returns
 * PEERREVIEW_OK with *out owned by the caller, PEERREVIEW_EDATA (empty
 * input, or a header that is unreadable or lacks required columns; problems
 * in diag), PEERREVIEW_ENOMEM, or PEERREVIEW_EINVAL (out NULL, data NULL
 * with len > 0, a bad table); on failure *out is NULL.
 */
PEERREVIEW_API peerreview_status peerreview_reader_open_buffer(const void *data, size_t len,
                                                               int table, const char *name,
                                                               const peerreview_options *opts,
                                                               peerreview_diag *diag,
                                                               peerreview_reader **out);

/**
 * peerreview_reader_open_buffer over the bytes read gives (see
 * peerreview_read_fn; called with ctx on the thread calling the reader; name
 * NULL: "<stream>"), in constant memory: the reader holds a 64 KiB buffer
 * (256 KiB with an encoding) and the current record, never the input. read
 * is called only when the header or the next row needs more bytes, so that
 * rows come as the input arrives, and never after the reader is freed. A
 * read error is an io-error: PEERREVIEW_EIO from this call or from the
 * peerreview_reader_next that met it. Returns as
 * peerreview_reader_open_buffer, plus PEERREVIEW_EIO; PEERREVIEW_EINVAL also
 * when read is NULL.
 */
PEERREVIEW_API peerreview_status peerreview_reader_open_callback(peerreview_read_fn read, void *ctx,
                                                                 int table, const char *name,
                                                                 const peerreview_options *opts,
                                                                 peerreview_diag *diag,
                                                                 peerreview_reader **out);

/**
 * Advance to the next data row. Returns 1 when a row is available, 0 at the
 * end, PEERREVIEW_EDATA when this row broke a value or row rule (its problems
 * are in diag; call again to go on), or another negative status when the
 * file cannot be read further: PEERREVIEW_EFORMAT (CSV syntax such as an
 * unclosed quote, a field or record limit), PEERREVIEW_EIO or
 * PEERREVIEW_ENOMEM, with the problem in diag. After that the reader is at
 * its end (0), and the rows read were not the whole file.
 */
PEERREVIEW_API int peerreview_reader_next(peerreview_reader *reader, peerreview_diag *diag);

/** Table the reader reads. */
PEERREVIEW_API int peerreview_reader_table(const peerreview_reader *reader);

/**
 * Value of the current row's column by index, in schema column order
 * (borrowed, valid until the next call to peerreview_reader_next or
 * peerreview_reader_free): PEERREVIEW_OK; PEERREVIEW_ENOTFOUND with *value
 * NULL when the cell is empty, or when there is no current row (before the
 * first peerreview_reader_next, or after it returned 0 or a status other
 * than PEERREVIEW_EDATA); PEERREVIEW_EINVAL with *value NULL when an
 * argument is NULL or the table has no such column.
 */
PEERREVIEW_API peerreview_status peerreview_reader_get_byindex(const peerreview_reader *reader,
                                                               size_t column, const char **value);

/** peerreview_reader_get_byindex by exact column name (PEERREVIEW_EINVAL if the table has none). */
PEERREVIEW_API peerreview_status peerreview_reader_get_byname(const peerreview_reader *reader,
                                                              const char *column,
                                                              const char **value);

/**
 * Value of the current row's column, in schema column order (borrowed,
 * valid until the next call to peerreview_reader_next), NULL when empty.
 * @deprecated Use peerreview_reader_get_byindex.
 */
PEERREVIEW_API PEERREVIEW_DEPRECATED("peerreview_reader_get_byindex") const
    char *peerreview_reader_value(const peerreview_reader *reader, size_t column);

/** Physical line where the current row starts (1-based). */
PEERREVIEW_API unsigned long peerreview_reader_line(const peerreview_reader *reader);

/** Free a reader and close its file. NULL is a no-op. */
PEERREVIEW_API void peerreview_reader_free(peerreview_reader *reader);

#ifdef __cplusplus
}
#endif

#endif /* PEERREVIEW_H */
