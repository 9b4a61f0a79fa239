/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_linereader.c: bounded line reading from a descriptor (file listeners, `mamori log parse`).
 * The input arrives through a SOCK_SEQPACKET socket in packets whose sizes come from the input,
 * so every read() returns one chunk and chunk boundaries are fuzzed; the lines must match a model
 * of the format (LF-terminated, longer than the maximum cut and flagged with the rest skipped, a
 * final line without LF returned at end of file) whatever the boundaries, and the reader's offset
 * must end at the input's length.
 *
 * Input: 4 bytes of chunk sizes (cycled), then the file. */
#include "fuzz.h"
#include "io/linereader.h"

#include <sys/socket.h>
#include <unistd.h>

#define HEADER 4

static void check_lines(const char *p, size_t len, size_t max, const uint8_t *sizes, size_t nsizes)
{
    int sv[2];
    FUZZ_CHECK(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == 0, "socketpair: %d", errno);
    int buf = 1 << 20;
    setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &buf, sizeof buf);
    for (size_t i = 0, k = 0; i < len;) {
        size_t n = nsizes ? sizes[k++ % nsizes] : len;
        n = MM_MIN(MM_MAX(n, (size_t)1), len - i);
        FUZZ_CHECK(send(sv[0], p + i, n, 0) == (ssize_t)n, "send: %d", errno);
        i += n;
    }
    close(sv[0]);

    struct linereader lr;
    linereader_init(&lr, sv[1], max);
    size_t at = 0; /* the model's position in p */
    for (;;) {
        const char *line;
        size_t n;
        bool truncated;
        enum mm_status st = linereader_next(&lr, &line, &n, &truncated, true);
        if (st == MM_EOF)
            break;
        FUZZ_CHECK(st == MM_OK, "linereader_next: %s", mm_status_str(st));
        FUZZ_CHECK(at < len, "a line past the end of the input");
        const char *nl = memchr(p + at, '\n', len - at);
        size_t want = nl ? (size_t)(nl - (p + at)) : len - at;
        bool cut = want > max;
        FUZZ_CHECK(truncated == cut && n == MM_MIN(want, max) && !memcmp(line, p + at, n),
                   "max %zu: line at %zu: got %zu bytes%s, want %zu%s", max, at, n,
                   truncated ? " truncated" : "", MM_MIN(want, max), cut ? " truncated" : "");
        at += want + (nl ? 1 : 0);
    }
    FUZZ_CHECK(at >= len, "max %zu: end of file at %zu of %zu bytes", max, at, len);
    FUZZ_CHECK(lr.offset == len, "max %zu: offset %" PRIu64 " after %zu bytes", max, lr.offset, len);
    linereader_release(&lr);
    close(sv[1]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < HEADER)
        return 0;
    static const uint8_t one[] = { 1 };
    const char *p = (const char *)data + HEADER;
    size_t len = size - HEADER;
    static const size_t maxes[] = { 16, 64, 65536 };
    for (size_t m = 0; m < MM_ARRAY_LEN(maxes); m++) {
        check_lines(p, len, maxes[m], NULL, 0);
        check_lines(p, len, maxes[m], data, HEADER);
        if (len <= 512)
            check_lines(p, len, maxes[m], one, 1);
    }
    return 0;
}
