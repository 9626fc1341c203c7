/* Paths: joining, the flat form's name, whether a file belongs to a package. */
#ifndef PR_PATH_H
#define PR_PATH_H

char *pr_path_join(const char *dir, const char *file);
/* 1 if path ends in .csv in any case (.CSV, .Csv): the flat form. */
int pr_path_is_csv(const char *path);
/* The last component of path (after the last '/'). */
const char *pr_base_name(const char *path);
/* 1 if file exists (as anything but a folder) in dir; -1 when out of memory. */
int pr_file_beside(const char *dir, const char *file);
/* 1 if a datapackage.json stands beside the file path, 0 if not, -1 when out of memory. */
int pr_in_package(const char *path);

#endif
