/* SPDX-License-Identifier: Apache-2.0 */
/* server.c: libmicrohttpd glue: TLS (GnuTLS inside libmicrohttpd, TLS 1.2 and 1.3 only), a pool
 * of threads, bounded bodies, routing, static files, and the security headers on every answer. */
#include "base/prelude.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/log.h"
#include "base/str.h"
#include "net/addr.h"
#include "http/http.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define CSP                                                                                                            \
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "             \
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
#define STATIC_MAX (16u << 20)

struct http_server {
    struct http_server_config cfg;
    struct MHD_Daemon *d;
    char *cert, *key;
    char static_root[PATH_MAX]; /* realpath of static_dir; "" when none */
    bool tls;
};

/* per-connection request state, from the first call of the access handler to completion */
struct pending {
    struct buf body;
    bool too_large;
};

static char *read_all(const char *path, struct mm_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        mm_error_set(err, MM_ERR_IO, "cannot read '%s': %s", path, mm_strerror(errno));
        return NULL;
    }
    struct buf b;
    buf_init(&b, 1 << 20);
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(&b, chunk, n);
    fclose(f);
    return buf_detach(&b, NULL);
}

/* ---- answers ---- */

static void security_headers(struct http_server *s, struct MHD_Response *r, bool json)
{
    MHD_add_response_header(r, "Content-Security-Policy", CSP);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "Cross-Origin-Opener-Policy", "same-origin");
    MHD_add_response_header(r, "Cross-Origin-Resource-Policy", "same-origin");
    MHD_add_response_header(r, "Permissions-Policy", "camera=(), microphone=(), geolocation=()");
    if (s->tls)
        MHD_add_response_header(r, "Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    if (json)
        MHD_add_response_header(r, "Cache-Control", "no-store");
}

static enum MHD_Result send_response(struct http_server *s, struct MHD_Connection *c, struct http_response *res,
                                     bool head)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(head ? 0 : res->body.len, res->body.data,
                                                             MHD_RESPMEM_MUST_COPY);
    if (!r)
        return MHD_NO;
    const char *ct = res->content_type ? res->content_type : "application/json; charset=utf-8";
    MHD_add_response_header(r, "Content-Type", ct);
    security_headers(s, r, !strncmp(ct, "application/json", 16));
    for (unsigned i = 0; i < res->nheaders; i++) {
        char *colon = strchr(res->headers[i], ':');
        if (!colon)
            continue;
        *colon = '\0';
        MHD_add_response_header(r, res->headers[i], colon + 1 + (colon[1] == ' '));
        *colon = ':';
    }
    enum MHD_Result ok = MHD_queue_response(c, res->status ? res->status : 200, r);
    MHD_destroy_response(r);
    return ok;
}

static void response_init(struct http_response *res)
{
    memset(res, 0, sizeof *res);
    res->status = 200;
    buf_init(&res->body, BUF_NO_MAX);
}

static void response_release(struct http_response *res)
{
    buf_release(&res->body);
    for (unsigned i = 0; i < res->nheaders; i++)
        mm_free(res->headers[i]);
}

/* ---- static files ---- */

static const char *mime_of(const char *path)
{
    static const struct {
        const char *ext, *type;
    } types[] = {
        { ".html", "text/html; charset=utf-8" }, { ".js", "text/javascript; charset=utf-8" },
        { ".mjs", "text/javascript; charset=utf-8" }, { ".css", "text/css; charset=utf-8" },
        { ".json", "application/json; charset=utf-8" }, { ".svg", "image/svg+xml" },
        { ".png", "image/png" }, { ".ico", "image/x-icon" }, { ".woff2", "font/woff2" },
        { ".txt", "text/plain; charset=utf-8" },
    };
    const char *dot = strrchr(path, '.');
    for (size_t i = 0; dot && i < MM_ARRAY_LEN(types); i++)
        if (!strcasecmp(dot, types[i].ext))
            return types[i].type;
    return NULL; /* not served */
}

/* A file under the static root, or false (the caller answers 404). Dot-files, symbolic links that
 * leave the root and unknown types are not served. */
static bool serve_static(struct http_server *s, struct MHD_Connection *c, const char *path, bool head,
                         enum MHD_Result *ok)
{
    if (!s->static_root[0] || strstr(path, "/.") || strstr(path, "//"))
        return false;
    char want[PATH_MAX], real[PATH_MAX];
    int n = snprintf(want, sizeof want, "%s%s%s", s->static_root, path, !strcmp(path, "/") ? "index.html" : "");
    if (n < 0 || (size_t)n >= sizeof want || !realpath(want, real))
        return false;
    size_t rl = strlen(s->static_root);
    if (strncmp(real, s->static_root, rl) || real[rl] != '/')
        return false;
    const char *type = mime_of(real);
    struct stat st;
    if (!type || stat(real, &st) || !S_ISREG(st.st_mode) || (uint64_t)st.st_size > STATIC_MAX)
        return false;
    char etag[64];
    snprintf(etag, sizeof etag, "\"%llx-%llx\"", (unsigned long long)st.st_size, (unsigned long long)st.st_mtime);
    const char *inm = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-None-Match");
    struct http_response res;
    response_init(&res);
    res.content_type = type;
    if (inm && !strcmp(inm, etag)) {
        res.status = 304;
    } else {
        char *data = read_all(real, NULL);
        if (!data) {
            response_release(&res);
            return false;
        }
        buf_append(&res.body, data, (size_t)st.st_size);
        mm_free(data);
    }
    http_add_header(&res, "ETag", etag);
    http_add_header(&res, "Cache-Control", "no-cache");
    *ok = send_response(s, c, &res, head);
    response_release(&res);
    return true;
}

/* ---- requests ---- */

struct query_walk {
    struct http_request *req;
    bool bad;
};

static enum MHD_Result on_query(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    struct query_walk *w = cls;
    if (w->req->nquery == HTTP_MAX_QUERY) {
        w->bad = true;
        return MHD_NO;
    }
    char *k = mm_strdup(key), *v = mm_strdup(value ? value : "");
    if (!http_percent_decode(k, true) || !http_percent_decode(v, true) || !mm_utf8_valid(k, strlen(k)) ||
        !mm_utf8_valid(v, strlen(v))) {
        w->bad = true;
        mm_free(k);
        mm_free(v);
        return MHD_NO;
    }
    w->req->query[w->req->nquery].name = k;
    w->req->query[w->req->nquery].value = v;
    w->req->nquery++;
    return MHD_YES;
}

const char *http_header(const struct http_request *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

static bool method_known(const char *m)
{
    static const char *const ms[] = { "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE" };
    for (size_t i = 0; i < MM_ARRAY_LEN(ms); i++)
        if (!strcmp(ms[i], m))
            return true;
    return false;
}

static enum MHD_Result handle(struct http_server *s, struct MHD_Connection *c, const char *url, const char *method,
                              struct pending *p)
{
    struct http_request req;
    struct http_response res;
    memset(&req, 0, sizeof req);
    response_init(&res);
    req.conn = c;
    req.method = method;
    char ip[INET6_ADDRSTRLEN] = "";
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (ci && ci->client_addr) {
        const struct sockaddr *sa = ci->client_addr;
        if (sa->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, ip, sizeof ip);
        else if (sa->sa_family == AF_INET6)
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, ip, sizeof ip);
    }
    req.client_ip = ip;
    char *path = mm_strdup(url), *cookie = NULL;
    struct query_walk qw = { &req, false };
    enum MHD_Result ok = MHD_YES;
    bool head = !strcmp(method, "HEAD");
    if (p->too_large) {
        http_error(&res, 413, "request body too large (limit %zu bytes)", s->cfg.max_body);
        goto answer;
    }
    if (!method_known(method)) {
        http_error(&res, 405, "method %s is not supported", method);
        goto answer;
    }
    if (!http_percent_decode(path, false) || path[0] != '/' || !mm_utf8_valid(path, strlen(path)) ||
        strstr(path, "/../") || (strlen(path) >= 3 && !strcmp(path + strlen(path) - 3, "/..")) ||
        strstr(path, "/./")) {
        http_error(&res, 400, "malformed path");
        goto answer;
    }
    req.path = path;
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, on_query, &qw);
    if (qw.bad) {
        http_error(&res, 400, "malformed query string (at most %d parameters, UTF-8)", HTTP_MAX_QUERY);
        goto answer;
    }
    const char *ch = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Cookie");
    if (ch) {
        cookie = mm_strdup(ch);
        const char *names[HTTP_MAX_COOKIES], *values[HTTP_MAX_COOKIES];
        req.ncookies = http_parse_cookies(cookie, names, values, HTTP_MAX_COOKIES);
        for (unsigned i = 0; i < req.ncookies; i++) {
            req.cookies[i].name = names[i];
            req.cookies[i].value = values[i];
        }
    }
    req.body = p->body.data;
    req.body_len = p->body.len;
    /* the routes: the first whose pattern and method match; a pattern that matches with another
     * method makes the answer 405 */
    char allow[128] = "";
    for (size_t i = 0; i < s->cfg.nroutes; i++) {
        const struct http_route *r = &s->cfg.routes[i];
        char *copy = mm_strdup(path);
        struct http_request tmp = req;
        bool m = http_route_match(r->pattern, copy, &tmp);
        if (m && !strcmp(r->method, head ? "GET" : method)) {
            req = tmp;
            bool go = !s->cfg.before || s->cfg.before(s->cfg.ctx, r, &req, &res);
            if (go)
                r->fn(s->cfg.ctx, r, &req, &res);
            mm_free(copy);
            goto answer;
        }
        if (m && strlen(allow) + strlen(r->method) + 3 < sizeof allow)
            snprintf(allow + strlen(allow), sizeof allow - strlen(allow), "%s%s", *allow ? ", " : "", r->method);
        mm_free(copy);
    }
    if (*allow) {
        http_add_header(&res, "Allow", allow);
        http_error(&res, 405, "method %s is not allowed on %s (allowed: %s)", method, path, allow);
        goto answer;
    }
    if (strncmp(path, "/api/", 5) && (!strcmp(method, "GET") || head) && serve_static(s, c, path, head, &ok))
        goto done;
    http_error(&res, 404, "no such route: %s %s", method, path);
answer:
    ok = send_response(s, c, &res, head);
done:
    for (unsigned i = 0; i < req.nquery; i++) {
        mm_free((void *)(uintptr_t)req.query[i].name);
        mm_free((void *)(uintptr_t)req.query[i].value);
    }
    mm_free(cookie);
    mm_free(path);
    response_release(&res);
    return ok;
}

static enum MHD_Result access_handler(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                      const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
    (void)version;
    struct http_server *s = cls;
    struct pending *p = *con_cls;
    if (!p) {
        p = mm_calloc(1, sizeof *p);
        buf_init(&p->body, s->cfg.max_body);
        *con_cls = p;
        /* a declared length over the limit is refused before the body is read */
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
        uint64_t n = 0;
        if (cl && mm_parse_u64(cl, strlen(cl), UINT64_MAX, &n) == MM_OK && n > s->cfg.max_body) {
            p->too_large = true;
            return handle(s, c, url, method, p);
        }
        return MHD_YES;
    }
    if (*upload_size) {
        if (!p->too_large && buf_append(&p->body, upload, *upload_size) != MM_OK)
            p->too_large = true;
        *upload_size = 0;
        return MHD_YES;
    }
    return handle(s, c, url, method, p);
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)c;
    (void)toe;
    struct pending *p = *con_cls;
    if (p) {
        buf_release(&p->body);
        mm_free(p);
        *con_cls = NULL;
    }
}

/* libmicrohttpd's own messages (TLS alerts from clients, resets) go to the debug log: they are
 * about single connections, not the server */
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    msg[strcspn(msg, "\n")] = '\0';
    mm_log(MM_LOG_DEBUG, "http", "%s", msg);
}

/* the path and query are decoded by the handler itself (a %00 must be refused, not cut at) */
static size_t no_unescape(void *cls, struct MHD_Connection *c, char *s)
{
    (void)cls;
    (void)c;
    return strlen(s);
}

struct http_server *http_server_start(const struct http_server_config *cfg, struct mm_error *err)
{
    struct http_server *s = mm_calloc(1, sizeof *s);
    s->cfg = *cfg;
    if (!s->cfg.threads)
        s->cfg.threads = 4;
    if (!s->cfg.max_body)
        s->cfg.max_body = HTTP_MAX_BODY_DEFAULT;
    if (cfg->static_dir && *cfg->static_dir && !realpath(cfg->static_dir, s->static_root)) {
        mm_error_set(err, MM_ERR_IO, "web root '%s': %s", cfg->static_dir, mm_strerror(errno));
        goto fail;
    }
    struct net_addr na;
    if (net_addr_parse(cfg->listen, &na, err) != MM_OK)
        goto fail;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
    if (na.ss.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    if (cfg->cert_file || cfg->key_file) {
        if (!(s->cert = read_all(cfg->cert_file, err)) || !(s->key = read_all(cfg->key_file, err)))
            goto fail;
        flags |= MHD_USE_TLS;
        s->tls = true;
    }
    s->d = MHD_start_daemon(flags, 0, NULL, NULL, access_handler, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&na.ss,
                            MHD_OPTION_THREAD_POOL_SIZE, (unsigned)s->cfg.threads, MHD_OPTION_CONNECTION_TIMEOUT,
                            (unsigned)30, MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)64,
                            MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(256 * 1024), MHD_OPTION_NOTIFY_COMPLETED,
                            completed, s, MHD_OPTION_UNESCAPE_CALLBACK, no_unescape, s, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, s,
                            s->tls ? MHD_OPTION_HTTPS_MEM_KEY : MHD_OPTION_END, s->key, MHD_OPTION_HTTPS_MEM_CERT,
                            s->cert, MHD_OPTION_HTTPS_PRIORITIES,
                            "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:%SERVER_PRECEDENCE", MHD_OPTION_END);
    if (!s->d) {
        mm_error_set(err, MM_ERR_IO, "cannot listen on %s: %s (is the address in use, the certificate and key valid?)",
                     cfg->listen, mm_strerror(errno));
        goto fail;
    }
    return s;
fail:
    mm_free(s->cert);
    mm_free(s->key);
    mm_free(s);
    return NULL;
}

unsigned http_server_port(const struct http_server *s)
{
    const union MHD_DaemonInfo *i = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
    return i ? i->port : 0;
}

void http_server_stop(struct http_server *s)
{
    if (!s)
        return;
    MHD_stop_daemon(s->d);
    mm_free(s->cert);
    mm_free(s->key);
    mm_free(s);
}
