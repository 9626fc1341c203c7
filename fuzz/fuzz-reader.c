/*
 * Fuzz target: the streaming reader (peerreview_reader_open/next) over one
 * table file.
 *
 * Input: a table byte (bits 0-2: the table passed to peerreview_reader_open,
 * 6 and 7 meaning -1, "from the file name"; bits 3-5: which table's file name
 * the file gets, modulo 6), one options byte (fuzz.h), then the file's bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

/* A row the reader yields: required values there, every value valid. */
static void check_row(const peerreview_reader *rd, int table)
{
    size_t ncols = peerreview_column_count(table);
    for (size_t c = 0; c < ncols; c++) {
        const char *v = fz_reader_str_at(rd, c);
        if (!v) {
            FZ_CHECK(!peerreview_column_required(table, c));
            continue;
        }
        FZ_CHECK(*v != '\0');
        if (peerreview_check_value(table, c, v, NULL) != PEERREVIEW_OK)
            fz_fail(__FILE__, __LINE__, "the reader yields %s.%s = \"%s\", which it rejects",
                    peerreview_table_name(table), peerreview_column_name(table, c), v);
    }
    const char *none = "unset";
    FZ_CHECK(peerreview_reader_get_byindex(rd, ncols, &none) == PEERREVIEW_EINVAL && none == NULL);
    /* the header is line 1 at least, so a row starts on line 2 or later */
    FZ_CHECK(peerreview_reader_line(rd) >= 2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_input in = {data, size};
    uint8_t tb = fz_byte(&in);
    uint8_t bits = fz_byte(&in);
    int named = (tb >> 3 & 7) % (int)peerreview_table_count();
    int table = (tb & 7) < (int)peerreview_table_count() ? tb & 7 : -1;
    size_t cap = fz_max_problems(bits);

    char *dir = fz_tmpdir();
    char *path = fz_join(dir, peerreview_table_file(named));
    fz_write(path, in.p, in.n);
    peerreview_options *o = fz_options(bits);
    peerreview_diag *d = peerreview_diag_new();
    FZ_CHECK(d != NULL);

    peerreview_reader *rd = (peerreview_reader *)1;
    int rc = peerreview_reader_open(path, table, o, d, &rd);
    fz_check_diag(d, cap);
    if (rc != PEERREVIEW_OK) {
        FZ_CHECK(rd == NULL);
        FZ_CHECK(rc == PEERREVIEW_EDATA || rc == PEERREVIEW_EIO || rc == PEERREVIEW_EFORMAT);
        FZ_CHECK(peerreview_diag_errors(d) >= 1);
    } else {
        FZ_CHECK(rd != NULL);
        int t = peerreview_reader_table(rd);
        FZ_CHECK(t == (table < 0 ? named : table));
        /* every call takes at least one record, and a record at least one byte */
        size_t calls = 0, limit = in.n + 2;
        for (;;) {
            peerreview_diag_clear(d);
            int r = peerreview_reader_next(rd, d);
            fz_check_diag(d, cap);
            FZ_CHECK(++calls <= limit);
            if (r == 1) {
                FZ_CHECK(peerreview_diag_errors(d) == 0);
                check_row(rd, t);
                continue;
            }
            if (r == PEERREVIEW_EDATA) {
                /* this row broke a rule; the next may be fine */
                FZ_CHECK(peerreview_diag_errors(d) >= 1);
                continue;
            }
            if (r != 0) {
                FZ_CHECK(r == PEERREVIEW_EFORMAT || r == PEERREVIEW_EIO);
                FZ_CHECK(peerreview_diag_errors(d) >= 1);
            } else {
                FZ_CHECK(peerreview_diag_errors(d) == 0);
            }
            break;
        }
        /* at the end it stays at the end */
        FZ_CHECK(peerreview_reader_next(rd, NULL) == 0);
        const char *none = "unset";
        FZ_CHECK(peerreview_reader_get_byindex(rd, 0, &none) == PEERREVIEW_ENOTFOUND && !none);
    }
    peerreview_reader_free(rd);

    peerreview_diag_free(d);
    peerreview_options_free(o);
    free(path);
    fz_rmrf(dir);
    free(dir);
    return 0;
}
