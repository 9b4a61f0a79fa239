/* SPDX-License-Identifier: Apache-2.0 */
/* httpc.h: a small HTTPS client, for a sensor talking to `mamori server`: HTTP/1.1 over TLS 1.2+
 * with the server's certificate verified (against a CA file, or the system's store) and its name or
 * address checked, keep-alive with one transparent reconnection when a kept connection turns out
 * closed, bounded waits and a bounded answer. Not general-purpose: no redirects, no proxies. */
#ifndef MM_HTTPC_H
#define MM_HTTPC_H

#include "base/prelude.h"
#include "base/buf.h"
#include "base/error.h"

#define HTTPC_MAX_HEADER (64 * 1024)
#define HTTPC_MAX_BODY   (16u << 20)

/* A parsed answer (httpc_parse_response). */
struct httpc_response {
    unsigned status;
    size_t body_off, body_len; /* the body in the received bytes (identity encoding) */
    bool chunked;              /* then the body is decoded into decoded */
    struct buf *decoded;       /* caller-provided when chunked bodies are expected; may be NULL */
    size_t consumed;           /* bytes of the input this answer took */
    bool keep_alive;
};

/* Parse an answer from the bytes received so far: MM_AGAIN (more needed), MM_OK (complete), or
 * MM_ERR_PARSE / MM_ERR_TOO_LARGE with err saying what is wrong. at_eof: the peer closed the
 * connection (an answer without a length ends there). 1xx answers are skipped. */
enum mm_status httpc_parse_response(const char *p, size_t len, bool at_eof, bool head, struct httpc_response *out,
                                    struct mm_error *err);

struct httpc;
/* base_url: https://host[:port][/prefix]. ca_file: PEM CAs the server must chain to (NULL: the
 * system's). */
struct httpc *httpc_new(const char *base_url, const char *ca_file, struct mm_error *err);
void httpc_set_timeouts(struct httpc *c, int connect_ms, int io_ms); /* defaults 10 s, 30 s */
/* One request; headers are "Name: value" strings, NULL-terminated (may be NULL). On MM_OK *status
 * and response (the body) are set. An error means no complete answer: the request may or may
 * not have been processed (the caller retries idempotent requests). */
enum mm_status httpc_request(struct httpc *c, const char *method, const char *path, const char *const *headers,
                             const void *body, size_t len, unsigned *status, struct buf *response,
                             struct mm_error *err);
void httpc_free(struct httpc *c);

#endif
