/* SPDX-License-Identifier: Apache-2.0 */
/* test_linereader.c: unit tests for bounded line reading from pipes and files: final lines without
 * LF, over-long lines, offsets, and a followed file that grows after end of file. */
#include "base/prelude.h"
#include "base/alloc.h"
#include "io/linereader.h"
#include "unit.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

static const char *line;
static size_t len;
static bool trunc_flag;

static enum mm_status next(struct linereader *lr, bool partial)
{
    line = NULL;
    len = 0;
    trunc_flag = false;
    return linereader_next(lr, &line, &len, &trunc_flag, partial);
}

/* the next call returns exactly this line */
static bool next_is(struct linereader *lr, bool partial, const char *want, bool trunc)
{
    enum mm_status st = next(lr, partial);
    bool ok = st == MM_OK && len == strlen(want) && !memcmp(line, want, len) && trunc_flag == trunc;
    if (!ok)
        printf("# got status %d line \"%.*s\" truncated %d, want \"%s\" %d\n", st,
               st == MM_OK ? (int)len : 0, st == MM_OK ? line : "", trunc_flag, want, trunc);
    return ok;
}

static int pipe_with(const char *data, size_t n)
{
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    if (write(fds[1], data, n) != (ssize_t)n) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    close(fds[1]);
    return fds[0];
}

static char tmpdir[] = "/tmp/mamori-lr-XXXXXX";

static int file_with(const char *name, const char *data, size_t n)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    int wfd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (wfd < 0)
        return -1;
    bool ok = write(wfd, data, n) == (ssize_t)n;
    close(wfd);
    return ok ? open(path, O_RDONLY | O_CLOEXEC) : -1;
}

static bool append(const char *name, const char *data)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    int wfd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
    if (wfd < 0)
        return false;
    size_t n = strlen(data);
    bool ok = write(wfd, data, n) == (ssize_t)n;
    close(wfd);
    return ok;
}

static void remove_file(const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    unlink(path);
}

static void test_pipe(void)
{
    struct linereader lr;
    int fd = pipe_with("one\ntwo\r\n\nthree", 15);
    CHECK(fd >= 0);
    linereader_init(&lr, fd, 100);
    CHECK(lr.offset == 0);
    CHECK(next_is(&lr, true, "one", false));
    CHECK(lr.offset == 4);
    CHECK(next_is(&lr, true, "two\r", false)); /* CR kept: parsers strip it */
    CHECK(lr.offset == 9);
    CHECK(next_is(&lr, true, "", false)); /* an empty line is a line */
    CHECK(lr.offset == 10);
    CHECK(next_is(&lr, true, "three", false)); /* final line without LF, asked for */
    CHECK(lr.offset == 15);
    CHECK(next(&lr, true) == MM_EOF);
    CHECK(next(&lr, true) == MM_EOF);
    CHECK(lr.offset == 15);
    linereader_release(&lr);
    close(fd);

    /* without at_eof_partial the unterminated tail is held back, not returned or counted */
    fd = pipe_with("one\ntwo\r\n\nthree", 15);
    linereader_init(&lr, fd, 100);
    CHECK(next_is(&lr, false, "one", false));
    CHECK(next_is(&lr, false, "two\r", false));
    CHECK(next_is(&lr, false, "", false));
    CHECK(next(&lr, false) == MM_EOF);
    CHECK(lr.offset == 10);
    CHECK(next(&lr, false) == MM_EOF);
    CHECK(lr.offset == 10);
    /* ... and can still be had once the caller decides the input is over */
    CHECK(next_is(&lr, true, "three", false));
    CHECK(lr.offset == 15);
    linereader_release(&lr);
    close(fd);

    /* an empty input */
    fd = pipe_with("", 0);
    linereader_init(&lr, fd, 100);
    CHECK(next(&lr, true) == MM_EOF);
    CHECK(lr.offset == 0);
    linereader_release(&lr);
    close(fd);

    /* a non-blocking pipe with nothing in it yet */
    int fds[2];
    CHECK(pipe(fds) == 0);
    fcntl(fds[0], F_SETFL, O_NONBLOCK);
    linereader_init(&lr, fds[0], 100);
    CHECK(next(&lr, false) == MM_AGAIN);
    CHECK(write(fds[1], "par", 3) == 3);
    CHECK(next(&lr, false) == MM_AGAIN); /* no LF yet */
    CHECK(write(fds[1], "tial\nx", 6) == 6);
    CHECK(next_is(&lr, false, "partial", false));
    CHECK(next(&lr, false) == MM_AGAIN);
    close(fds[1]);
    CHECK(next(&lr, false) == MM_EOF);
    CHECK(next_is(&lr, true, "x", false));
    linereader_release(&lr);
    close(fds[0]);

    /* a descriptor that cannot be read */
    linereader_init(&lr, -1, 100);
    CHECK(next(&lr, true) == MM_ERR_IO);
    linereader_release(&lr);
}

static void test_long_lines(void)
{
    struct linereader lr;
    const char *text = "abcdefgh\nij\nabcd\nabcde\nxyz\n";
    int fd = pipe_with(text, strlen(text));
    linereader_init(&lr, fd, 4);
    CHECK(next_is(&lr, true, "abcd", true));
    CHECK(lr.offset == 4);
    CHECK(next_is(&lr, true, "ij", false)); /* the rest of the long line was skipped */
    CHECK(lr.offset == 12);
    CHECK(next_is(&lr, true, "abcd", false)); /* exactly max is whole */
    CHECK(next_is(&lr, true, "abcd", true));  /* max + 1 is not */
    CHECK(next_is(&lr, true, "xyz", false));
    CHECK(lr.offset == 27);
    CHECK(next(&lr, true) == MM_EOF);
    linereader_release(&lr);
    close(fd);

    /* an over-long last line without LF: truncated, then end of file (not a wait forever) */
    fd = pipe_with("ok\nabcdefgh", 11);
    linereader_init(&lr, fd, 4);
    CHECK(next_is(&lr, false, "ok", false));
    CHECK(next_is(&lr, false, "abcd", true));
    CHECK(next(&lr, false) == MM_EOF);
    CHECK(lr.offset == 11);
    CHECK(next(&lr, true) == MM_EOF);
    linereader_release(&lr);
    close(fd);

    /* lines longer than the read buffer: a max above 64 KiB and a line longer still */
    size_t big = 200000, max = 70000;
    char *data = mm_malloc(big + 64);
    memset(data, 'L', big);
    memcpy(data + big, "\nshort\n", 7);
    fd = file_with("big", data, big + 7);
    CHECK(fd >= 0);
    linereader_init(&lr, fd, max);
    CHECK(next(&lr, true) == MM_OK && len == max && trunc_flag && line[0] == 'L' &&
          line[max - 1] == 'L');
    CHECK(next_is(&lr, true, "short", false));
    CHECK(lr.offset == big + 7);
    linereader_release(&lr);
    close(fd);
    remove_file("big");
    /* a line of 69999 bytes fits a 70000 maximum whole */
    memset(data, 'M', 69999);
    memcpy(data + 69999, "\nend\n", 5);
    fd = file_with("fits", data, 69999 + 5);
    linereader_init(&lr, fd, max);
    CHECK(next(&lr, true) == MM_OK && len == 69999 && !trunc_flag);
    CHECK(next_is(&lr, true, "end", false));
    linereader_release(&lr);
    close(fd);
    remove_file("fits");
    mm_free(data);
}

static void test_many_lines(void)
{
    /* enough lines to refill the buffer many times, with lines across every refill boundary */
    struct buf_like {
        char *p;
        size_t len;
    } in = { mm_malloc(2000000), 0 };
    int nlines = 100000;
    for (int i = 0; i < nlines; i++)
        in.len += (size_t)snprintf(in.p + in.len, 64, "line %d %s\n", i, i % 7 ? "x" : "");
    int fd = file_with("many", in.p, in.len);
    CHECK(fd >= 0);
    struct linereader lr;
    linereader_init(&lr, fd, 1024);
    int got = 0, bad = 0;
    char want[64];
    while (next(&lr, true) == MM_OK) {
        int n = snprintf(want, sizeof want, "line %d %s", got, got % 7 ? "x" : "");
        if ((size_t)n != len || memcmp(line, want, len) || trunc_flag)
            bad++;
        got++;
    }
    CHECK(got == nlines);
    CHECK(bad == 0);
    CHECK(lr.offset == in.len);
    linereader_release(&lr);
    close(fd);
    remove_file("many");
    mm_free(in.p);
}

static void test_follow(void)
{
    /* a followed file: end of file is not the end, the next call reads what was appended */
    int fd = file_with("grow", "a\nb", 3);
    CHECK(fd >= 0);
    struct linereader lr;
    linereader_init(&lr, fd, 100);
    CHECK(next_is(&lr, false, "a", false));
    CHECK(next(&lr, false) == MM_EOF);
    CHECK(lr.offset == 2);
    CHECK(append("grow", "c\nd\n"));
    CHECK(next_is(&lr, false, "bc", false)); /* the held-back tail joins its continuation */
    CHECK(next_is(&lr, false, "d", false));
    CHECK(next(&lr, false) == MM_EOF);
    CHECK(lr.offset == 7);
    CHECK(append("grow", "e\n"));
    CHECK(next_is(&lr, false, "e", false));
    CHECK(lr.offset == 9);
    CHECK(next(&lr, false) == MM_EOF);
    linereader_release(&lr);
    close(fd);
    remove_file("grow");

    /* an over-long line still being written: skipping goes on across end of file */
    fd = file_with("growlong", "abcdefgh", 8);
    linereader_init(&lr, fd, 4);
    CHECK(next_is(&lr, false, "abcd", true));
    CHECK(next(&lr, false) == MM_EOF);
    CHECK(append("growlong", "ijk\nnext\n"));
    CHECK(next_is(&lr, false, "next", false));
    CHECK(lr.offset == 17);
    CHECK(next(&lr, false) == MM_EOF);
    linereader_release(&lr);
    close(fd);
    remove_file("growlong");
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    alarm(60); /* a reader that never returns fails the test instead of hanging it */
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    test_pipe();
    test_long_lines();
    test_many_lines();
    test_follow();
    rmdir(tmpdir);
    return UNIT_DONE();
}
