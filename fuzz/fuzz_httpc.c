/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_httpc.c: answers from a server the sensor talks to (outside input: a compromised or broken
 * server, or anything on the path after a TLS terminator). Whatever the bytes: the parser answers
 * complete, need-more or refused with a message; a complete answer lies inside the input; and
 * parsing the bytes in two pieces (the first as they arrive) agrees with parsing them whole. */
#include "fuzz.h"
#include "net/httpc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    bool eof = data[0] & 1, head = data[0] & 2;
    size_t split = data[1] % (size - 1);
    const char *p = (const char *)data + 2;
    size_t n = size - 2;
    struct buf dec;
    buf_init(&dec, BUF_NO_MAX);
    struct httpc_response whole = { .decoded = &dec };
    struct mm_error err = { "" };
    enum mm_status rc = httpc_parse_response(p, n, eof, head, &whole, &err);
    FUZZ_CHECK(rc == MM_OK || rc == MM_AGAIN || rc == MM_ERR_PARSE || rc == MM_ERR_TOO_LARGE, "status %d", rc);
    if (rc == MM_OK) {
        FUZZ_CHECK(whole.consumed <= n && whole.body_off <= whole.consumed, "answer outside the input");
        FUZZ_CHECK(whole.chunked || whole.body_off + whole.body_len <= n, "body outside the input");
        FUZZ_CHECK(whole.status >= 100 && whole.status <= 999, "status %u", whole.status);
    } else if (rc != MM_AGAIN) {
        FUZZ_CHECK(err.msg[0], "refused without a message");
    }
    /* a prefix of a complete answer is never complete with a different result */
    if (split < n) {
        struct buf d2;
        buf_init(&d2, BUF_NO_MAX);
        struct httpc_response part = { .decoded = &d2 };
        struct mm_error e2 = { "" };
        enum mm_status r2 = httpc_parse_response(p, split, false, head, &part, &e2);
        if (r2 == MM_OK && rc == MM_OK && !whole.chunked)
            FUZZ_CHECK(part.status == whole.status && part.consumed == whole.consumed, "split and whole disagree");
        buf_release(&d2);
    }
    buf_release(&dec);
    return 0;
}
