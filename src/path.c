/* Paths: joining, the flat form's name, whether a file belongs to a package. */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "alloc.h"
#include "buf.h"
#include "io.h"
#include "path.h"

char *pr_path_join(const char *dir, const char *file)
{
    size_t dl = strlen(dir);
    while (dl > 1 && dir[dl - 1] == '/')
        dl--;
    pr_buf b = PR_BUF_INIT;
    if (pr_buf_add(&b, dir, dl) || (dl && dir[dl - 1] != '/' && pr_buf_addc(&b, '/')) ||
        pr_buf_adds(&b, file)) {
        pr_buf_free(&b);
        return NULL;
    }
    return b.data;
}

const char *pr_base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

int pr_path_is_csv(const char *path)
{
    size_t n = strlen(path);
    return n >= 4 && strcasecmp(path + n - 4, ".csv") == 0;
}

int pr_file_beside(const char *dir, const char *file)
{
    char *p = pr_path_join(dir, file);
    if (!p)
        return -1;
    int found = pr_io_is_dir(p) == 0;
    pr_free(p);
    return found;
}

int pr_in_package(const char *path)
{
    const char *base = pr_base_name(path);
    char *dir = base > path ? pr_strndup(path, (size_t)(base - path)) : pr_strdup(".");
    int found = dir ? pr_file_beside(dir, "datapackage.json") : -1;
    pr_free(dir);
    return found;
}
