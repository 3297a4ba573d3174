/* faulty_io.so — makes writes into one directory fail, for the fault tests.
 *
 *   LD_PRELOAD=faulty_io.so FAULTY_IO_DIR=/path/to/db FAULTY_IO_AFTER=BYTES \
 *   FAULTY_IO_ERRNO=ENOSPC|EIO arkiv-index ...
 *
 * Once BYTES have been written to files under FAULTY_IO_DIR, every further
 * write(), pwrite() and fsync() of such a file fails with the errno: a disk
 * that fills up, or starts failing, in the middle of a run.  Where the test
 * can mount a small tmpfs it fills a real file system as well; this one
 * works anywhere, and also gives I/O errors, which a tmpfs cannot.
 *
 *   FAULTY_IO_VANISH=NAME
 *
 * deletes a file whose path contains NAME just before it is opened: a file
 * that vanishes after the walk saw it, every time rather than by chance.
 *
 *   FAULTY_IO_SLOW_EXCHANGE=MS
 *
 * sleeps MS milliseconds after the first exchange of an index's directory
 * (renameat2 with RENAME_EXCHANGE onto a directory holding iamglass): the
 * moment between a merge's exchange and the writer's reopening, which a
 * second writer could otherwise hit only by chance. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

static long long written; /* bytes written under the directory so far */
static int tripped;       /* a write has failed: from then on all do */

/* Whether fd is a file under FAULTY_IO_DIR. */
static int watched(int fd)
{
    const char *dir = getenv("FAULTY_IO_DIR");
    if (!dir || !*dir)
        return 0;
    char link[64], path[PATH_MAX];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, sizeof path - 1);
    if (n <= 0)
        return 0;
    path[n] = '\0';
    size_t len = strlen(dir);
    return strncmp(path, dir, len) == 0 && (path[len] == '/' || path[len] == '\0');
}

/* Whether this write of n bytes to fd must fail; sets errno when it must. */
static int fail(int fd, size_t n)
{
    if (!watched(fd))
        return 0;
    const char *after = getenv("FAULTY_IO_AFTER");
    long long limit = after ? atoll(after) : 0;
    if (!tripped && written + (long long)n <= limit) {
        written += (long long)n;
        return 0;
    }
    tripped = 1;
    const char *e = getenv("FAULTY_IO_ERRNO");
    errno = e && strcmp(e, "EIO") == 0 ? EIO : ENOSPC;
    return 1;
}

ssize_t write(int fd, const void *buf, size_t n)
{
    static ssize_t (*real)(int, const void *, size_t);
    if (!real)
        real = (ssize_t(*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
    return fail(fd, n) ? -1 : real(fd, buf, n);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
    static ssize_t (*real)(int, const void *, size_t, off_t);
    if (!real)
        real = (ssize_t(*)(int, const void *, size_t, off_t))dlsym(RTLD_NEXT, "pwrite");
    return fail(fd, n) ? -1 : real(fd, buf, n, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off)
{
    static ssize_t (*real)(int, const void *, size_t, off_t);
    if (!real)
        real = (ssize_t(*)(int, const void *, size_t, off_t))dlsym(RTLD_NEXT, "pwrite64");
    return fail(fd, n) ? -1 : real(fd, buf, n, off);
}

int fsync(int fd)
{
    static int (*real)(int);
    if (!real)
        real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
    return tripped && fail(fd, 0) ? -1 : real(fd);
}

int fdatasync(int fd)
{
    static int (*real)(int);
    if (!real)
        real = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
    return tripped && fail(fd, 0) ? -1 : real(fd);
}

/* Deletes path first when it is the one FAULTY_IO_VANISH names. */
static void vanish(const char *path)
{
    const char *name = getenv("FAULTY_IO_VANISH");
    if (name && *name && strstr(path, name))
        unlink(path);
}

/* open() and open64() alike: the real one, after vanish(). */
static int open_via(const char *symbol, const char *path, int flags, mode_t mode)
{
    int (*real)(const char *, int, ...) = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, symbol);
    vanish(path);
    return real(path, flags, mode);
}

int open(const char *path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    mode_t mode = (flags & O_CREAT) ? (mode_t)va_arg(ap, int) : 0;
    va_end(ap);
    return open_via("open", path, flags, mode);
}

int open64(const char *path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    mode_t mode = (flags & O_CREAT) ? (mode_t)va_arg(ap, int) : 0;
    va_end(ap);
    return open_via("open64", path, flags, mode);
}

int renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath,
              unsigned int flags)
{
    static int (*real)(int, const char *, int, const char *, unsigned int);
    static int slowed;
    if (!real)
        real = (int (*)(int, const char *, int, const char *, unsigned int))dlsym(RTLD_NEXT,
                                                                                  "renameat2");
    int r = real(olddirfd, oldpath, newdirfd, newpath, flags);
    const char *ms = getenv("FAULTY_IO_SLOW_EXCHANGE");
    char iam[PATH_MAX];
    struct stat st;
    snprintf(iam, sizeof iam, "%s/iamglass", newpath);
    if (r == 0 && (flags & RENAME_EXCHANGE) && ms && !slowed && stat(iam, &st) == 0) {
        slowed = 1;
        long n = atol(ms);
        struct timespec ts = {n / 1000, (n % 1000) * 1000000L};
        nanosleep(&ts, NULL);
    }
    return r;
}
