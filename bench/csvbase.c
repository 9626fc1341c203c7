/* csvbase: the baseline of make bench (bench/README.md): raw libcsv over the
 * same files, read in 1 MiB blocks, with the options the library gives it
 * (CSV_STRICT | CSV_STRICT_FINI, white space kept as part of the field).
 *
 *   csvbase parse FILE...        parse with no-op callbacks
 *   csvbase copy DIR FILE...     parse, and write every record again to
 *                                DIR/<name of FILE> with csv_fwrite (each
 *                                field quoted, commas, CRLF)
 *
 * Prints the bytes, records and fields read. Exits 1 when libcsv reports a
 * parse error (the files are not what make bench generated), 2 on I/O
 * trouble. The time is measured by whoever runs it (bench/prmeasure). */
#define _POSIX_C_SOURCE 200809L
#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK (1u << 20)

struct counts {
    unsigned long long bytes, records, fields;
    FILE *out; /* copy: where records go; NULL: parse only */
    int first; /* no field written yet in this record */
};

/* Spaces are data (doc/format.md §5.2): nothing is trimmed. */
static int no_space(unsigned char c)
{
    (void)c;
    return 0;
}

static void on_field(void *s, size_t len, void *ctx)
{
    struct counts *c = ctx;
    c->fields++;
    if (c->out) {
        if (!c->first)
            putc(',', c->out);
        c->first = 0;
        csv_fwrite(c->out, s, len);
    }
}

static void on_record(int ch, void *ctx)
{
    struct counts *c = ctx;
    (void)ch;
    c->records++;
    if (c->out) {
        fputs("\r\n", c->out);
        c->first = 1;
    }
}

static int run(const char *path, const char *outdir, struct counts *c, char *buf)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "csvbase: %s: %s\n", path, strerror(errno));
        return 2;
    }
    c->out = NULL;
    if (outdir) {
        const char *base = strrchr(path, '/');
        base = base ? base + 1 : path;
        size_t n = strlen(outdir) + strlen(base) + 2;
        char *out = malloc(n);
        if (!out)
            return 2;
        snprintf(out, n, "%s/%s", outdir, base);
        c->out = fopen(out, "wb");
        if (!c->out) {
            fprintf(stderr, "csvbase: %s: %s\n", out, strerror(errno));
            free(out);
            fclose(f);
            return 2;
        }
        setvbuf(c->out, NULL, _IOFBF, 1 << 18);
        free(out);
        c->first = 1;
    }
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0)
        return 2;
    csv_set_space_func(&p, no_space);
    int rc = 0;
    size_t got;
    while ((got = fread(buf, 1, BLOCK, f)) > 0) {
        c->bytes += got;
        if (csv_parse(&p, buf, got, on_field, on_record, c) != got) {
            fprintf(stderr, "csvbase: %s: %s\n", path, csv_strerror(csv_error(&p)));
            rc = 1;
            break;
        }
    }
    if (ferror(f)) {
        fprintf(stderr, "csvbase: %s: read error\n", path);
        rc = 2;
    }
    if (rc == 0 && csv_fini(&p, on_field, on_record, c) != 0) {
        fprintf(stderr, "csvbase: %s: %s\n", path, csv_strerror(csv_error(&p)));
        rc = 1;
    }
    csv_free(&p);
    fclose(f);
    if (c->out && (ferror(c->out) | fclose(c->out)) != 0) {
        fprintf(stderr, "csvbase: write error\n");
        rc = 2;
    }
    return rc;
}

int main(int argc, char **argv)
{
    const char *outdir = NULL;
    int first = 2;
    if (argc >= 3 && strcmp(argv[1], "parse") == 0) {
        first = 2;
    } else if (argc >= 4 && strcmp(argv[1], "copy") == 0) {
        outdir = argv[2];
        first = 3;
    } else {
        fputs("usage: csvbase parse FILE...\n       csvbase copy DIR FILE...\n", stderr);
        return 2;
    }
    char *buf = malloc(BLOCK);
    if (!buf)
        return 2;
    struct counts c = {0};
    int rc = 0;
    for (int i = first; i < argc && rc == 0; i++)
        rc = run(argv[i], outdir, &c, buf);
    free(buf);
    printf("csvbase %s: %llu bytes, %llu records, %llu fields\n", argv[1], c.bytes, c.records,
           c.fields);
    return rc;
}
