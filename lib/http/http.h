/* SPDX-License-Identifier: Apache-2.0 */
/* http.h: the server's HTTPS front: libmicrohttpd with TLS, a route table, bounded request
 * bodies, JSON bodies checked strictly (jansson), cookies, static files, and the security headers
 * every answer carries. Handlers run on the server's pool threads (they are the workers: a
 * handler may query the database); a handler fills the response and returns. */
#ifndef MM_HTTP_H
#define MM_HTTP_H

#include "base/prelude.h"
#include "base/buf.h"
#include "base/error.h"

#include <jansson.h>

#define HTTP_MAX_PARAMS  8    /* {name} segments in one route pattern */
#define HTTP_MAX_COOKIES 16
#define HTTP_MAX_QUERY   32   /* query parameters kept; more is a 400 */
#define HTTP_MAX_BODY_DEFAULT (1u << 20)

struct http_request {
    const char *method;   /* "GET", "POST", ... */
    const char *path;     /* percent-decoded, without the query; never contains NUL */
    const char *client_ip; /* textual peer address ("127.0.0.1", "::1") */
    /* path parameters of the matched route, in pattern order */
    struct { const char *name, *value; } params[HTTP_MAX_PARAMS];
    unsigned nparams;
    struct { const char *name, *value; } query[HTTP_MAX_QUERY];
    unsigned nquery;
    struct { const char *name, *value; } cookies[HTTP_MAX_COOKIES];
    unsigned ncookies;
    const char *body; /* NUL-terminated copy; body_len excludes the NUL */
    size_t body_len;
    void *conn;       /* the libmicrohttpd connection (for http_header) */
};

struct http_response {
    unsigned status;     /* default 200 */
    struct buf body;
    const char *content_type; /* static string; default "application/json; charset=utf-8" */
    /* extra headers (Set-Cookie, Location, Cache-Control ...): "Name: value" lines, owned */
    char *headers[8];
    unsigned nheaders;
};

struct http_route;
typedef void (*http_handler_fn)(void *ctx, const struct http_route *route, const struct http_request *req,
                                struct http_response *res);

struct http_route {
    const char *method;  /* "GET", "POST", "PUT", "PATCH", "DELETE" (a GET route answers HEAD too) */
    const char *pattern; /* "/api/v1/orgs/{id}/people": literal segments and {name} segments */
    http_handler_fn fn;
    const void *data;    /* the caller's own, passed through (e.g. its description of the route) */
};

struct http_server_config {
    const char *listen;    /* "127.0.0.1:8443", "[::1]:8443", ":8443" (all addresses) */
    const char *cert_file; /* PEM; both NULL: plain HTTP (tests of the handler layer only) */
    const char *key_file;
    unsigned threads;      /* pool size, default 4 */
    size_t max_body;       /* default HTTP_MAX_BODY_DEFAULT; larger bodies get 413 */
    const char *static_dir; /* files served for GET paths no route takes ("/" -> index.html); NULL: none */
    const struct http_route *routes;
    size_t nroutes;
    void *ctx;             /* passed to every handler */
    /* called before a route's handler; may answer instead (e.g. 401) by returning false */
    bool (*before)(void *ctx, const struct http_route *route, const struct http_request *req,
                   struct http_response *res);
};

struct http_server;
struct http_server *http_server_start(const struct http_server_config *cfg, struct mm_error *err);
unsigned http_server_port(const struct http_server *s); /* the bound port (listen ":0" picks one) */
void http_server_stop(struct http_server *s);

/* A request header's value, or NULL. */
const char *http_header(const struct http_request *req, const char *name);
const char *http_param(const struct http_request *req, const char *name);
const char *http_query(const struct http_request *req, const char *name);
const char *http_cookie(const struct http_request *req, const char *name);

/* The body as a JSON object, checked: well-formed, valid UTF-8, no duplicate keys, an object at the
 * top. On failure answers 400 with {"error": "..."} naming the problem (line and column) and
 * returns NULL. The caller owns the result (json_decref). */
json_t *http_json_body(const struct http_request *req, struct http_response *res);

/* Answers. http_json takes a reference (the caller keeps its own). http_error writes
 * {"error": message} with the status. http_add_header copies "Name: value". */
void http_json(struct http_response *res, unsigned status, json_t *body);
void http_error(struct http_response *res, unsigned status, const char *fmt, ...) MM_PRINTF(3, 4);
void http_add_header(struct http_response *res, const char *name, const char *value);

/* Pure helpers, exposed for tests and the fuzz harness. */
/* Split a Cookie header into name/value pairs (pointers into buf, which is modified). Returns
 * how many (at most max); malformed pairs are skipped. */
unsigned http_parse_cookies(char *buf, const char **names, const char **values, unsigned max);
/* Percent-decode in place ('+' stays '+' in paths, is a space in queries). false: a bad escape or
 * a decoded NUL. */
bool http_percent_decode(char *s, bool query);
/* The strict check behind http_json_body, without a request: NULL with *status (400, 415) and
 * msg saying why. */
json_t *http_json_check(const char *body, size_t len, const char *content_type, unsigned *status, char *msg,
                        size_t msglen);
/* Does pattern match path? fills params (pointers into pathbuf, which is modified). */
bool http_route_match(const char *pattern, char *pathbuf, struct http_request *req);

#endif
