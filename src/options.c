/* Options, version and status strings. */
#include "config.h"

#include "alloc.h"
#include "options.h"

static const peerreview_options defaults = {
    100,                  /* max_problems */
    1024 * 1024,          /* max_field_size */
    10 * 1000 * 1000,     /* max_records */
    0,                    /* ignore_unknown_columns */
    PEERREVIEW_FORM_AUTO, /* form */
    0,                    /* spreadsheet_safe */
    NULL,                 /* progress */
    NULL,                 /* progress_ctx */
};

const peerreview_options *pr_options(const peerreview_options *opts)
{
    return opts ? opts : &defaults;
}

PEERREVIEW_API peerreview_options *peerreview_options_new(void)
{
    peerreview_options *o = pr_malloc(sizeof *o);
    if (o)
        *o = defaults;
    return o;
}

PEERREVIEW_API void peerreview_options_free(peerreview_options *o)
{
    pr_free(o);
}

PEERREVIEW_API peerreview_status peerreview_options_set_max_problems(peerreview_options *o,
                                                                     size_t n)
{
    if (!o)
        return PEERREVIEW_EINVAL;
    o->max_problems = n;
    return PEERREVIEW_OK;
}

PEERREVIEW_API peerreview_status peerreview_options_set_max_field_size(peerreview_options *o,
                                                                       size_t n)
{
    if (!o || n == 0)
        return PEERREVIEW_EINVAL;
    o->max_field_size = n;
    return PEERREVIEW_OK;
}

PEERREVIEW_API peerreview_status peerreview_options_set_max_records(peerreview_options *o, size_t n)
{
    if (!o || n == 0)
        return PEERREVIEW_EINVAL;
    o->max_records = n;
    return PEERREVIEW_OK;
}

PEERREVIEW_API peerreview_status
peerreview_options_set_ignore_unknown_columns(peerreview_options *o, int yes)
{
    if (!o)
        return PEERREVIEW_EINVAL;
    o->ignore_unknown_columns = yes != 0;
    return PEERREVIEW_OK;
}

PEERREVIEW_API peerreview_status peerreview_options_set_form(peerreview_options *o,
                                                             peerreview_form form)
{
    if (!o || form < PEERREVIEW_FORM_AUTO || form > PEERREVIEW_FORM_FLAT)
        return PEERREVIEW_EINVAL;
    o->form = form;
    return PEERREVIEW_OK;
}

PEERREVIEW_API peerreview_status peerreview_options_set_spreadsheet_safe(peerreview_options *o,
                                                                         int yes)
{
    if (!o)
        return PEERREVIEW_EINVAL;
    o->spreadsheet_safe = yes != 0;
    return PEERREVIEW_OK;
}

PEERREVIEW_API peerreview_status peerreview_options_set_progress(peerreview_options *o,
                                                                 peerreview_progress_fn fn,
                                                                 void *ctx)
{
    if (!o)
        return PEERREVIEW_EINVAL;
    o->progress = fn;
    o->progress_ctx = ctx;
    return PEERREVIEW_OK;
}

/* ---- version and status ---- */

PEERREVIEW_API const char *peerreview_version(void)
{
    return PEERREVIEW_VERSION;
}

PEERREVIEW_API unsigned long peerreview_version_number(void)
{
    return PEERREVIEW_VERSION_NUMBER;
}

_Static_assert(PEERREVIEW_STATUS_MIN == PEERREVIEW_EFORMAT,
               "PEERREVIEW_STATUS_MIN must be the last status");

static const struct {
    int status;
    const char *name;
    const char *text;
} statuses[] = {
    {PEERREVIEW_OK, "PEERREVIEW_OK", "success"},
    {PEERREVIEW_EINVAL, "PEERREVIEW_EINVAL", "invalid argument"},
    {PEERREVIEW_ENOMEM, "PEERREVIEW_ENOMEM", "out of memory"},
    {PEERREVIEW_EIO, "PEERREVIEW_EIO", "input/output error"},
    {PEERREVIEW_EDATA, "PEERREVIEW_EDATA", "the data has errors"},
    {PEERREVIEW_ENOTFOUND, "PEERREVIEW_ENOTFOUND", "not found"},
    {PEERREVIEW_EEXIST, "PEERREVIEW_EEXIST", "already exists"},
    {PEERREVIEW_EUNSUPPORTED, "PEERREVIEW_EUNSUPPORTED",
     "the target form cannot represent the data"},
    {PEERREVIEW_EFORMAT, "PEERREVIEW_EFORMAT", "the file cannot be read further"},
};

PEERREVIEW_API const char *peerreview_strerror(int status)
{
    for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
        if (statuses[i].status == status)
            return statuses[i].text;
    return "unknown status";
}

PEERREVIEW_API const char *peerreview_status_name(int status)
{
    for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
        if (statuses[i].status == status)
            return statuses[i].name;
    return "PEERREVIEW_UNKNOWN";
}
