/* SPDX-License-Identifier: Apache-2.0 */
/* httpc.c: the HTTPS client (httpc.h). */
#include "base/prelude.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/mtime.h"
#include "base/str.h"
#include "net/httpc.h"
#include "net/tls.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

/* ---- the answer parser ---- */

static const char *find_crlf(const char *p, const char *end)
{
    for (const char *q = p; q + 1 < end; q++)
        if (q[0] == '\r' && q[1] == '\n')
            return q;
    return NULL;
}

static bool header_is(const char *line, size_t n, const char *name, const char **value, size_t *vlen)
{
    size_t nl = strlen(name);
    if (n <= nl || strncasecmp(line, name, nl) || line[nl] != ':')
        return false;
    const char *v = line + nl + 1, *e = line + n;
    while (v < e && (*v == ' ' || *v == '\t'))
        v++;
    while (e > v && (e[-1] == ' ' || e[-1] == '\t'))
        e--;
    *value = v;
    *vlen = (size_t)(e - v);
    return true;
}

static bool token_in(const char *v, size_t n, const char *tok)
{
    size_t tl = strlen(tok);
    for (size_t i = 0; i + tl <= n; i++)
        if (!strncasecmp(v + i, tok, tl) && (i == 0 || v[i - 1] == ',' || v[i - 1] == ' ') &&
            (i + tl == n || v[i + tl] == ',' || v[i + tl] == ' '))
            return true;
    return false;
}

enum mm_status httpc_parse_response(const char *p, size_t len, bool at_eof, bool head, struct httpc_response *out,
                                    struct mm_error *err)
{
    const char *start = p, *end = p + len;
    for (;;) {
        struct buf *decoded = out->decoded;
        memset(out, 0, sizeof *out);
        out->decoded = decoded;
        const char *eol = find_crlf(start, end);
        if (!eol) {
            if ((size_t)(end - start) > HTTPC_MAX_HEADER)
                return mm_error_set(err, MM_ERR_TOO_LARGE, "the answer's header is longer than %d bytes",
                                    HTTPC_MAX_HEADER);
            return at_eof ? mm_error_set(err, MM_ERR_PARSE, "the connection closed before a complete answer")
                          : MM_AGAIN;
        }
        /* status line: HTTP/1.x NNN reason */
        if (eol - start < 12 || strncmp(start, "HTTP/1.", 7) || (start[7] != '0' && start[7] != '1') ||
            start[8] != ' ' || !mm_is_digit(start[9]) || !mm_is_digit(start[10]) || !mm_is_digit(start[11]) ||
            (eol - start > 12 && start[12] != ' '))
            return mm_error_set(err, MM_ERR_PARSE, "not an HTTP/1.x status line: %.*s",
                                (int)MM_MIN(eol - start, (ptrdiff_t)40), start);
        out->status = (unsigned)((start[9] - '0') * 100 + (start[10] - '0') * 10 + (start[11] - '0'));
        if (out->status < 100)
            return mm_error_set(err, MM_ERR_PARSE, "status %03u is not an HTTP status", out->status);
        bool http10 = start[7] == '0';
        out->keep_alive = !http10;
        bool have_length = false, close = false;
        uint64_t length = 0;
        const char *line = eol + 2;
        for (;;) {
            const char *le = find_crlf(line, end);
            if (!le) {
                if ((size_t)(end - start) > HTTPC_MAX_HEADER)
                    return mm_error_set(err, MM_ERR_TOO_LARGE, "the answer's header is longer than %d bytes",
                                        HTTPC_MAX_HEADER);
                return at_eof ? mm_error_set(err, MM_ERR_PARSE, "the connection closed inside the answer's header")
                              : MM_AGAIN;
            }
            if (le == line) {
                line = le + 2;
                break;
            }
            if ((size_t)(le - start) > HTTPC_MAX_HEADER)
                return mm_error_set(err, MM_ERR_TOO_LARGE, "the answer's header is longer than %d bytes",
                                    HTTPC_MAX_HEADER);
            const char *v;
            size_t vl;
            size_t n = (size_t)(le - line);
            if (header_is(line, n, "Content-Length", &v, &vl)) {
                uint64_t x;
                if (mm_parse_u64(v, vl, UINT64_MAX, &x) != MM_OK)
                    return mm_error_set(err, MM_ERR_PARSE, "a bad Content-Length");
                if (have_length && x != length)
                    return mm_error_set(err, MM_ERR_PARSE, "conflicting Content-Length headers");
                have_length = true;
                length = x;
            } else if (header_is(line, n, "Transfer-Encoding", &v, &vl)) {
                if (!token_in(v, vl, "chunked"))
                    return mm_error_set(err, MM_ERR_PARSE, "an unsupported Transfer-Encoding");
                out->chunked = true;
            } else if (header_is(line, n, "Connection", &v, &vl)) {
                if (token_in(v, vl, "close"))
                    close = true;
                else if (token_in(v, vl, "keep-alive") && http10)
                    out->keep_alive = true;
            } else if (!memchr(line, ':', n)) {
                return mm_error_set(err, MM_ERR_PARSE, "a header line without ':'");
            }
            line = le + 2;
        }
        if (close)
            out->keep_alive = false;
        if (out->status >= 100 && out->status < 200) {
            start = line; /* 100 Continue and friends: the real answer follows */
            continue;
        }
        out->body_off = (size_t)(line - p);
        if (head || out->status == 204 || out->status == 304) {
            out->consumed = out->body_off;
            return MM_OK;
        }
        if (out->chunked) {
            /* chunk-size [; ext] CRLF data CRLF ... 0 CRLF [trailers] CRLF */
            const char *q = line;
            if (out->decoded)
                buf_reset(out->decoded);
            size_t total = 0;
            for (;;) {
                const char *le = find_crlf(q, end);
                if (!le)
                    return at_eof ? mm_error_set(err, MM_ERR_PARSE, "the connection closed inside a chunked body")
                                  : MM_AGAIN;
                uint64_t size = 0;
                const char *h = q;
                if (h == le || !isxdigit((unsigned char)*h))
                    return mm_error_set(err, MM_ERR_PARSE, "a bad chunk size");
                for (; h < le && isxdigit((unsigned char)*h); h++) {
                    if (size > (HTTPC_MAX_BODY >> 4))
                        return mm_error_set(err, MM_ERR_TOO_LARGE, "the answer's body is larger than %u bytes",
                                            HTTPC_MAX_BODY);
                    size = size * 16 + (uint64_t)(mm_is_digit(*h) ? *h - '0' : (mm_lower(*h) - 'a' + 10));
                }
                if (h < le && *h != ';' && *h != ' ' && *h != '\t')
                    return mm_error_set(err, MM_ERR_PARSE, "a bad chunk size");
                q = le + 2;
                if (size == 0) {
                    /* trailers up to an empty line */
                    for (;;) {
                        const char *te = find_crlf(q, end);
                        if (!te)
                            return at_eof ? mm_error_set(err, MM_ERR_PARSE, "the connection closed in the trailers")
                                          : MM_AGAIN;
                        bool empty = te == q;
                        q = te + 2;
                        if (empty)
                            break;
                    }
                    out->body_len = total;
                    out->consumed = (size_t)(q - p);
                    return MM_OK;
                }
                if (total + size > HTTPC_MAX_BODY)
                    return mm_error_set(err, MM_ERR_TOO_LARGE, "the answer's body is larger than %u bytes",
                                        HTTPC_MAX_BODY);
                if ((uint64_t)(end - q) < size + 2)
                    return at_eof ? mm_error_set(err, MM_ERR_PARSE, "the connection closed inside a chunk")
                                  : MM_AGAIN;
                if (q[size] != '\r' || q[size + 1] != '\n')
                    return mm_error_set(err, MM_ERR_PARSE, "a chunk without its CRLF");
                if (out->decoded)
                    buf_append(out->decoded, q, (size_t)size);
                total += (size_t)size;
                q += size + 2;
            }
        }
        if (have_length) {
            if (length > HTTPC_MAX_BODY)
                return mm_error_set(err, MM_ERR_TOO_LARGE, "the answer's body is larger than %u bytes", HTTPC_MAX_BODY);
            if ((uint64_t)(end - line) < length)
                return at_eof ? mm_error_set(err, MM_ERR_PARSE, "the connection closed inside the body") : MM_AGAIN;
            out->body_len = (size_t)length;
            out->consumed = out->body_off + (size_t)length;
            return MM_OK;
        }
        /* no length: the body runs to the end of the connection */
        out->keep_alive = false;
        if ((size_t)(end - line) > HTTPC_MAX_BODY)
            return mm_error_set(err, MM_ERR_TOO_LARGE, "the answer's body is larger than %u bytes", HTTPC_MAX_BODY);
        if (!at_eof)
            return MM_AGAIN;
        out->body_len = (size_t)(end - line);
        out->consumed = len;
        return MM_OK;
    }
}

/* ---- the client ---- */

struct httpc {
    char host[256], port[8], prefix[256], hostport[300];
    bool ip_literal;
    SSL_CTX *ctx;
    SSL *ssl;
    int fd;
    int connect_ms, io_ms;
    struct buf in;
};

void httpc_set_timeouts(struct httpc *c, int connect_ms, int io_ms)
{
    c->connect_ms = connect_ms;
    c->io_ms = io_ms;
}

static void disconnect(struct httpc *c)
{
    if (c->ssl) {
        SSL_free(c->ssl);
        c->ssl = NULL;
    }
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
}

struct httpc *httpc_new(const char *url, const char *ca_file, struct mm_error *err)
{
    if (!url || strncmp(url, "https://", 8)) {
        mm_error_set(err, MM_ERR_INVALID, "server '%s': an https:// URL is expected", url ? url : "");
        return NULL;
    }
    struct httpc *c = mm_calloc(1, sizeof *c);
    c->fd = -1;
    c->connect_ms = 10000;
    c->io_ms = 30000;
    buf_init(&c->in, HTTPC_MAX_HEADER + HTTPC_MAX_BODY + 65536);
    const char *h = url + 8, *path = h + strcspn(h, "/");
    const char *hend, *port = NULL;
    if (*h == '[') {
        hend = strchr(h, ']');
        if (!hend || hend > path) {
            mm_error_set(err, MM_ERR_INVALID, "server '%s': a bad IPv6 address", url);
            goto fail;
        }
        snprintf(c->host, sizeof c->host, "%.*s", (int)(hend - h - 1), h + 1);
        port = hend[1] == ':' ? hend + 2 : NULL;
    } else {
        hend = h + strcspn(h, ":/");
        snprintf(c->host, sizeof c->host, "%.*s", (int)(hend - h), h);
        port = *hend == ':' ? hend + 1 : NULL;
    }
    snprintf(c->port, sizeof c->port, "%.*s", port ? (int)(path - port) : 3, port ? port : "443");
    snprintf(c->prefix, sizeof c->prefix, "%s", *path ? path : "");
    size_t pl = strlen(c->prefix);
    if (pl && c->prefix[pl - 1] == '/')
        c->prefix[pl - 1] = '\0';
    long pn;
    if (!c->host[0] || mm_parse_long(c->port, 1, 65535, &pn) != MM_OK) {
        mm_error_set(err, MM_ERR_INVALID, "server '%s': a bad host or port", url);
        goto fail;
    }
    unsigned char tmp[16];
    c->ip_literal = inet_pton(AF_INET, c->host, tmp) == 1 || inet_pton(AF_INET6, c->host, tmp) == 1;
    snprintf(c->hostport, sizeof c->hostport, strchr(c->host, ':') ? "[%s]:%s" : "%s:%s", c->host, c->port);
    c->ctx = SSL_CTX_new(TLS_client_method());
    if (!c->ctx) {
        mm_error_set(err, MM_ERR_TLS, "cannot make a TLS context");
        goto fail;
    }
    SSL_CTX_set_min_proto_version(c->ctx, TLS1_2_VERSION);
    SSL_CTX_set_verify(c->ctx, SSL_VERIFY_PEER, NULL);
    int ok = ca_file ? SSL_CTX_load_verify_locations(c->ctx, ca_file, NULL) : SSL_CTX_set_default_verify_paths(c->ctx);
    if (ok != 1) {
        char e[256];
        tls_error_string(e, sizeof e);
        mm_error_set(err, MM_ERR_TLS, "cannot load the CA certificates%s%s: %s", ca_file ? " from " : "",
                     ca_file ? ca_file : "", e);
        goto fail;
    }
    return c;
fail:
    httpc_free(c);
    return NULL;
}

void httpc_free(struct httpc *c)
{
    if (!c)
        return;
    disconnect(c);
    if (c->ctx)
        SSL_CTX_free(c->ctx);
    buf_release(&c->in);
    mm_free(c);
}

static int wait_fd(int fd, short events, int ms)
{
    struct pollfd p = { fd, events, 0 };
    int r;
    do
        r = poll(&p, 1, ms);
    while (r < 0 && errno == EINTR);
    return r;
}

static enum mm_status tcp_connect(struct httpc *c, struct mm_error *err)
{
    struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV }, *res = NULL;
    int gai = getaddrinfo(c->host, c->port, &hints, &res);
    if (gai)
        return mm_error_set(err, MM_ERR_IO, "cannot resolve %s: %s", c->host, gai_strerror(gai));
    enum mm_status rc = MM_ERR_IO;
    int last = 0;
    for (struct addrinfo *a = res; a && rc != MM_OK; a = a->ai_next) {
        int fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0)
            continue;
        if (connect(fd, a->ai_addr, a->ai_addrlen) == 0 || errno == EINPROGRESS) {
            int r = wait_fd(fd, POLLOUT, c->connect_ms), soerr = 0;
            socklen_t sl = sizeof soerr;
            if (r > 0 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == 0 && soerr == 0) {
                c->fd = fd;
                rc = MM_OK;
                break;
            }
            last = r == 0 ? ETIMEDOUT : soerr ? soerr : errno;
        } else {
            last = errno;
        }
        close(fd);
    }
    freeaddrinfo(res);
    if (rc != MM_OK)
        return mm_error_set(err, MM_ERR_IO, "cannot connect to %s: %s", c->hostport, mm_strerror(last));
    return MM_OK;
}

/* Run an SSL call to completion on the non-blocking socket, within the I/O timeout. */
static int ssl_io(struct httpc *c, int (*op)(SSL *, void *, int), void *p, int n, const char *what,
                  struct mm_error *err)
{
    int64_t deadline = mm_mono_ns() + (int64_t)c->io_ms * 1000000;
    for (;;) {
        ERR_clear_error();
        int r = op(c->ssl, p, n);
        if (r > 0)
            return r;
        int e = SSL_get_error(c->ssl, r);
        if (e == SSL_ERROR_ZERO_RETURN)
            return 0;
        if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
            if (e == SSL_ERROR_SYSCALL && r == 0)
                return 0; /* closed without close_notify */
            char msg[256];
            tls_error_string(msg, sizeof msg);
            mm_error_set(err, MM_ERR_TLS, "%s %s failed: %s", what, c->hostport, msg[0] ? msg : mm_strerror(errno));
            return -1;
        }
        int left = (int)((deadline - mm_mono_ns()) / 1000000);
        if (left <= 0 || wait_fd(c->fd, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, left) <= 0) {
            mm_error_set(err, MM_ERR_IO, "%s %s timed out after %d ms", what, c->hostport, c->io_ms);
            return -1;
        }
    }
}

static int op_handshake(SSL *s, void *p, int n)
{
    (void)p;
    (void)n;
    return SSL_connect(s);
}

static int op_read(SSL *s, void *p, int n)
{
    return SSL_read(s, p, n);
}

static int op_write(SSL *s, void *p, int n)
{
    return SSL_write(s, p, n);
}

static enum mm_status tls_connect(struct httpc *c, struct mm_error *err)
{
    enum mm_status rc = tcp_connect(c, err);
    if (rc != MM_OK)
        return rc;
    c->ssl = SSL_new(c->ctx);
    SSL_set_fd(c->ssl, c->fd);
    if (c->ip_literal) {
        X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(c->ssl), c->host);
    } else {
        SSL_set_tlsext_host_name(c->ssl, c->host);
        SSL_set1_host(c->ssl, c->host);
    }
    int64_t deadline_ms = c->io_ms;
    c->io_ms = c->connect_ms;
    int r = ssl_io(c, op_handshake, NULL, 0, "TLS handshake with", err);
    c->io_ms = (int)deadline_ms;
    if (r <= 0) {
        long v = SSL_get_verify_result(c->ssl);
        if (v != X509_V_OK)
            mm_error_set(err, MM_ERR_TLS, "TLS handshake with %s failed: certificate verify failed (%s)", c->hostport,
                         X509_verify_cert_error_string(v));
        else if (r == 0)
            mm_error_set(err, MM_ERR_TLS, "TLS handshake with %s failed: the connection closed", c->hostport);
        disconnect(c);
        return MM_ERR_TLS;
    }
    return MM_OK;
}

static enum mm_status send_all(struct httpc *c, const char *p, size_t n, struct mm_error *err)
{
    while (n) {
        int w = ssl_io(c, op_write, (void *)(uintptr_t)p, (int)MM_MIN(n, (size_t)1 << 20), "writing to", err);
        if (w <= 0)
            return w == 0 ? mm_error_set(err, MM_ERR_IO, "%s closed the connection", c->hostport) : MM_ERR_IO;
        p += w;
        n -= (size_t)w;
    }
    return MM_OK;
}

/* one attempt on the current connection; *nothing: no byte of an answer came (a stale kept
 * connection, worth one retry) */
static enum mm_status attempt(struct httpc *c, const struct buf *req, bool head, unsigned *status,
                              struct buf *response, bool *nothing, struct mm_error *err)
{
    *nothing = true;
    enum mm_status rc = send_all(c, req->data, req->len, err);
    if (rc != MM_OK)
        return rc;
    buf_reset(&c->in);
    struct buf decoded;
    buf_init(&decoded, HTTPC_MAX_BODY);
    struct httpc_response r = { .decoded = &decoded };
    bool eof = false;
    for (;;) {
        rc = httpc_parse_response(c->in.data, c->in.len, eof, head, &r, err);
        if (rc != MM_AGAIN || eof)
            break;
        if (buf_reserve(&c->in, 65536) != MM_OK) {
            rc = mm_error_set(err, MM_ERR_TOO_LARGE, "the answer of %s is too large", c->hostport);
            break;
        }
        int n = ssl_io(c, op_read, c->in.data + c->in.len, 65536, "reading from", err);
        if (n < 0) {
            rc = MM_ERR_IO;
            break;
        }
        if (n == 0) {
            eof = true;
            if (!c->in.len) {
                rc = mm_error_set(err, MM_ERR_IO, "%s closed the connection without answering", c->hostport);
                break;
            }
            continue;
        }
        *nothing = false;
        c->in.len += (size_t)n;
        c->in.data[c->in.len] = '\0';
    }
    if (rc == MM_OK) {
        *status = r.status;
        buf_reset(response);
        if (r.chunked)
            buf_append(response, decoded.data, decoded.len);
        else
            buf_append(response, c->in.data + r.body_off, r.body_len);
        if (!r.keep_alive || eof)
            disconnect(c);
    }
    buf_release(&decoded);
    return rc;
}

enum mm_status httpc_request(struct httpc *c, const char *method, const char *path, const char *const *headers,
                             const void *body, size_t len, unsigned *status, struct buf *response,
                             struct mm_error *err)
{
    struct buf req;
    buf_init(&req, BUF_NO_MAX);
    buf_printf(&req, "%s %s%s HTTP/1.1\r\nHost: %s\r\nUser-Agent: mamori\r\nConnection: keep-alive\r\n", method,
               c->prefix, path, c->hostport);
    for (size_t i = 0; headers && headers[i]; i++)
        buf_printf(&req, "%s\r\n", headers[i]);
    if (body || strcmp(method, "GET"))
        buf_printf(&req, "Content-Length: %zu\r\n", len);
    buf_append_str(&req, "\r\n");
    if (len)
        buf_append(&req, body, len);
    enum mm_status rc = MM_OK;
    bool reused = c->ssl != NULL, nothing = false;
    for (int round = 0; round < 2; round++) {
        if (!c->ssl && (rc = tls_connect(c, err)) != MM_OK)
            break;
        rc = attempt(c, &req, !strcmp(method, "HEAD"), status, response, &nothing, err);
        if (rc == MM_OK)
            break;
        disconnect(c);
        /* a kept connection the server had closed: once more on a new one */
        if (!(reused && nothing))
            break;
        reused = false;
    }
    buf_release(&req);
    return rc;
}
