/* SPDX-License-Identifier: Apache-2.0 */
/* test_httpc.c: the HTTPS client's answer parser, on whole answers and on every split of them
 * (as bytes arrive), and on malformed ones. */
#include "unit.h"
#include "base/buf.h"
#include "net/httpc.h"

#include <string.h>

/* parse text as it arrives: every prefix must be MM_AGAIN until the whole is there */
static enum mm_status parse_split(const char *text, bool eof_at_end, struct httpc_response *r, struct buf *dec,
                                  struct mm_error *err)
{
    size_t n = strlen(text);
    for (size_t k = 0; k < n; k++) {
        r->decoded = dec;
        enum mm_status rc = httpc_parse_response(text, k, false, false, r, err);
        if (rc != MM_AGAIN)
            return rc == MM_OK ? MM_ERR_STATE : rc; /* complete too early */
    }
    r->decoded = dec;
    return httpc_parse_response(text, n, eof_at_end, false, r, err);
}

int main(void)
{
    struct httpc_response r;
    struct buf dec;
    buf_init(&dec, BUF_NO_MAX);
    struct mm_error err = { "" };

    const char *plain = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n{\"created\":1}";
    CHECK(parse_split(plain, false, &r, &dec, &err) == MM_OK);
    CHECK(r.status == 200 && r.body_len == 13 && !memcmp(plain + r.body_off, "{\"created\":1}", 13) && r.keep_alive);
    CHECK(r.consumed == strlen(plain));

    const char *chunked = "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\n"
                          "X-Trailer: 1\r\n\r\n";
    CHECK(parse_split(chunked, false, &r, &dec, &err) == MM_OK);
    CHECK(r.status == 201 && r.chunked && dec.len == 11 && !memcmp(dec.data, "hello world", 11));

    const char *cont = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n";
    memset(&r, 0, sizeof r);
    CHECK(httpc_parse_response(cont, strlen(cont), false, false, &r, &err) == MM_OK);
    CHECK(r.status == 204 && !r.keep_alive && r.body_len == 0);

    const char *old = "HTTP/1.0 200 OK\r\n\r\nuntil the end";
    memset(&r, 0, sizeof r);
    CHECK(httpc_parse_response(old, strlen(old), false, false, &r, &err) == MM_AGAIN);
    CHECK(httpc_parse_response(old, strlen(old), true, false, &r, &err) == MM_OK);
    CHECK(r.body_len == 13 && !r.keep_alive);

    static const struct {
        const char *text, *msg;
    } bad[] = {
        { "HTTP/2 200 OK\r\n\r\n", "not an HTTP/1.x status line" },
        { "HTTP/1.1 2x0 OK\r\n\r\n", "not an HTTP/1.x status line" },
        { "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello", "conflicting Content-Length" },
        { "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "a bad Content-Length" },
        { "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffff\r\n", "larger than" },
        { "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "a bad chunk size" },
        { "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcd\r\n", "without its CRLF" },
        { "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", "unsupported Transfer-Encoding" },
        { "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", "without ':'" },
        { "HTTP/1.1 200 OK\r\nContent-Length: 99999999999\r\n\r\n", "larger than" },
    };
    for (size_t i = 0; i < MM_ARRAY_LEN(bad); i++) {
        err.msg[0] = '\0';
        memset(&r, 0, sizeof r);
        r.decoded = &dec;
        enum mm_status rc = httpc_parse_response(bad[i].text, strlen(bad[i].text), false, false, &r, &err);
        CHECK((rc == MM_ERR_PARSE || rc == MM_ERR_TOO_LARGE) && strstr(err.msg, bad[i].msg));
        if (!strstr(err.msg, bad[i].msg))
            printf("# case %zu: %d '%s'\n", i, rc, err.msg);
    }
    /* a connection that closes half-way is an error, not an answer */
    memset(&r, 0, sizeof r);
    CHECK(httpc_parse_response(plain, strlen(plain) - 3, true, false, &r, &err) == MM_ERR_PARSE);
    /* the client refuses a URL that is not https */
    CHECK(httpc_new("http://127.0.0.1:1", NULL, &err) == NULL && strstr(err.msg, "https://"));
    struct httpc *c = httpc_new("https://127.0.0.1:1", NULL, &err);
    CHECK(c != NULL);
    unsigned status = 0;
    struct buf body;
    buf_init(&body, BUF_NO_MAX);
    httpc_set_timeouts(c, 2000, 2000);
    CHECK(httpc_request(c, "GET", "/x", NULL, NULL, 0, &status, &body, &err) == MM_ERR_IO &&
          strstr(err.msg, "cannot connect to 127.0.0.1:1"));
    httpc_free(c);
    buf_release(&body);
    buf_release(&dec);
    return UNIT_DONE();
}
