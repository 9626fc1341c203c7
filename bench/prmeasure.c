/* prmeasure: run a command and append what it cost to a file, for make
 * bench (bench/README.md).
 *
 *   prmeasure OUT COMMAND [ARG]...
 *
 * Runs COMMAND (standard streams inherited), waits for it and appends one
 * line to OUT:
 *
 *   WALL USER SYS MAXRSS STATUS
 *
 * the wall-clock seconds from fork to exit (CLOCK_MONOTONIC), the user and
 * system CPU seconds and the peak resident set size in KiB of the command
 * and the children it waited for (wait4's rusage), and its exit status
 * (128 + N when killed by signal N). Exits with that status, 127 when the
 * command cannot be run. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double seconds(struct timeval tv)
{
    return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fputs("usage: prmeasure OUT COMMAND [ARG]...\n", stderr);
        return 127;
    }
    FILE *out = fopen(argv[1], "a");
    if (!out) {
        fprintf(stderr, "prmeasure: %s: %s\n", argv[1], strerror(errno));
        return 127;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid = fork();
    if (pid < 0) {
        perror("prmeasure: fork");
        return 127;
    }
    if (pid == 0) {
        fclose(out);
        execvp(argv[2], argv + 2);
        fprintf(stderr, "prmeasure: %s: %s\n", argv[2], strerror(errno));
        _exit(127);
    }
    int st;
    struct rusage ru;
    while (wait4(pid, &st, 0, &ru) < 0) {
        if (errno != EINTR) {
            perror("prmeasure: wait4");
            return 127;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    int status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    double wall = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    fprintf(out, "%.4f %.4f %.4f %ld %d\n", wall, seconds(ru.ru_utime), seconds(ru.ru_stime),
            ru.ru_maxrss, status);
    if (fclose(out) != 0) {
        perror("prmeasure: write");
        return 127;
    }
    return status;
}
