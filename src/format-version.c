/* Format versions: the mark a package's descriptor or a flat file's header carries. */
#include "config.h"

#include <limits.h>
#include <string.h>

#include "format-version.h"

#define ERR PEERREVIEW_SEVERITY_ERROR

int pr_format_number(const char *s, size_t len)
{
    if (!s || !len || s[0] < '1' || s[0] > '9')
        return -1;
    long long n = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        if (n < INT_MAX)
            n = n * 10 + (s[i] - '0');
    }
    return n > INT_MAX ? INT_MAX : (int)n;
}

int pr_report_newer_format(pr_sink *sink, const pr_where *w, const char *version, size_t len)
{
    int r = pr_report(sink, ERR, PEERREVIEW_P_NEWER_FORMAT, w,
                      "format %.*s is newer than this library supports (%d); upgrade "
                      "libpeerreview to read it",
                      (int)len, version, PEERREVIEW_FORMAT_VERSION);
    sink->stop = 1; /* one cause, one problem: nothing else is read */
    return r;
}

int pr_flat_mark(const char *name, size_t len)
{
    size_t klen = sizeof PR_FORMAT_KEY - 1;
    if (len < klen || memcmp(name, PR_FORMAT_KEY, klen) != 0)
        return -2;
    if (len == klen || name[klen] != '=')
        return -1;
    return pr_format_number(name + klen + 1, len - klen - 1);
}
