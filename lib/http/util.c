/* SPDX-License-Identifier: Apache-2.0 */
/* util.c: the HTTP front's pure parts: percent-decoding, cookies, route patterns, the strict JSON
 * body check, and answers. No sockets: the fuzz harness and unit tests call these directly. */
#include "base/prelude.h"
#include "base/alloc.h"
#include "base/str.h"
#include "http/http.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool http_percent_decode(char *s, bool query)
{
    char *o = s;
    for (const char *p = s; *p; p++) {
        if (*p == '%') {
            int h = hexval(p[1]), l = h >= 0 ? hexval(p[2]) : -1;
            if (h < 0 || l < 0)
                return false;
            char c = (char)(h * 16 + l);
            if (!c)
                return false;
            *o++ = c;
            p += 2;
        } else if (*p == '+' && query) {
            *o++ = ' ';
        } else {
            *o++ = *p;
        }
    }
    *o = '\0';
    return true;
}

unsigned http_parse_cookies(char *buf, const char **names, const char **values, unsigned max)
{
    unsigned n = 0;
    char *p = buf;
    while (*p && n < max) {
        while (*p == ' ' || *p == '\t' || *p == ';')
            p++;
        if (!*p)
            break;
        char *name = p, *end = p + strcspn(p, ";");
        char next = *end;
        *end = '\0';
        char *eq = strchr(name, '=');
        if (eq && eq > name) {
            char *ne = eq;
            while (ne > name && (ne[-1] == ' ' || ne[-1] == '\t'))
                ne--;
            *ne = '\0';
            char *v = eq + 1;
            while (*v == ' ' || *v == '\t')
                v++;
            size_t vl = strlen(v);
            while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
                v[--vl] = '\0';
            if (vl >= 2 && v[0] == '"' && v[vl - 1] == '"') {
                v[vl - 1] = '\0';
                v++;
            }
            /* RFC 6265 token characters only in the name */
            bool ok = *name != '\0';
            for (const char *c = name; *c && ok; c++)
                ok = (unsigned char)*c > 0x20 && (unsigned char)*c < 0x7f && !strchr("()<>@,;:\\\"/[]?={}", *c);
            if (ok) {
                names[n] = name;
                values[n] = v;
                n++;
            }
        }
        if (!next)
            break;
        p = end + 1;
    }
    return n;
}

#define ROUTE_MAX_SEGMENTS 16

/* pathbuf is cut at its '/'s (each segment NUL-terminated), so params point into it; the pattern
 * is only read. "/a/b/" has an empty last segment and does not match "/a/b". */
bool http_route_match(const char *pattern, char *pathbuf, struct http_request *req)
{
    static _Thread_local char names[HTTP_MAX_PARAMS][32];
    req->nparams = 0;
    if (*pattern != '/' || *pathbuf != '/')
        return false;
    char *seg[ROUTE_MAX_SEGMENTS];
    size_t nseg = 0;
    for (char *p = pathbuf; *p == '/';) {
        if (nseg == ROUTE_MAX_SEGMENTS)
            return false;
        *p++ = '\0';
        seg[nseg++] = p;
        p += strcspn(p, "/");
    }
    const char *pp = pattern + 1;
    for (size_t i = 0; i < nseg; i++) {
        if (i && *pp++ != '/')
            return false; /* the pattern ended first */
        size_t pl = strcspn(pp, "/");
        if (pl >= 2 && pp[0] == '{' && pp[pl - 1] == '}') {
            if (!*seg[i] || req->nparams == HTTP_MAX_PARAMS)
                return false;
            snprintf(names[req->nparams], sizeof names[0], "%.*s", (int)MM_MIN(pl - 2, sizeof names[0] - 1), pp + 1);
            req->params[req->nparams].name = names[req->nparams];
            req->params[req->nparams].value = seg[i];
            req->nparams++;
        } else if (strlen(seg[i]) != pl || strncmp(seg[i], pp, pl)) {
            return false;
        }
        pp += pl;
    }
    return *pp == '\0';
}

const char *http_param(const struct http_request *req, const char *name)
{
    for (unsigned i = 0; i < req->nparams; i++)
        if (!strcmp(req->params[i].name, name))
            return req->params[i].value;
    return NULL;
}

const char *http_query(const struct http_request *req, const char *name)
{
    for (unsigned i = 0; i < req->nquery; i++)
        if (!strcmp(req->query[i].name, name))
            return req->query[i].value;
    return NULL;
}

const char *http_cookie(const struct http_request *req, const char *name)
{
    for (unsigned i = 0; i < req->ncookies; i++)
        if (!strcmp(req->cookies[i].name, name))
            return req->cookies[i].value;
    return NULL;
}

/* ---- JSON bodies ---- */

/* The offset of the first byte that does not begin or continue a valid UTF-8 sequence. */
static size_t utf8_first_invalid(const char *p, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned char c = (unsigned char)p[i];
        size_t n = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
        if (!n || i + n > len || !mm_utf8_valid(p + i, n))
            return i;
        i += n;
    }
    return len;
}

json_t *http_json_check(const char *body, size_t len, const char *content_type, unsigned *status, char *msg,
                        size_t msglen)
{
    *status = 400;
    if (!len) {
        snprintf(msg, msglen, "a JSON object is expected in the body");
        return NULL;
    }
    if (!content_type || strncasecmp(content_type, "application/json", 16) ||
        (content_type[16] && content_type[16] != ';' && content_type[16] != ' ')) {
        *status = 415;
        snprintf(msg, msglen, "send the body as Content-Type: application/json");
        return NULL;
    }
    if (!mm_utf8_valid(body, len)) {
        size_t at = utf8_first_invalid(body, len), line = 1, col = 1;
        for (size_t k = 0; k < at; k++) {
            if (body[k] == '\n') {
                line++;
                col = 1;
            } else if (((unsigned char)body[k] & 0xc0) != 0x80) {
                col++;
            }
        }
        snprintf(msg, msglen, "the body is not valid UTF-8 (line %zu, column %zu)", line, col);
        return NULL;
    }
    if (memchr(body, '\0', len)) {
        snprintf(msg, msglen, "the body contains a NUL byte");
        return NULL;
    }
    json_error_t je;
    json_t *v = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
    if (!v) {
        snprintf(msg, msglen, "malformed JSON at line %d, column %d: %s", je.line, je.column, je.text);
        return NULL;
    }
    if (!json_is_object(v)) {
        json_decref(v);
        snprintf(msg, msglen, "expected a JSON object at the top level");
        return NULL;
    }
    *status = 200;
    return v;
}

json_t *http_json_body(const struct http_request *req, struct http_response *res)
{
    unsigned status;
    char msg[300];
    json_t *v = http_json_check(req->body, req->body_len, http_header(req, "Content-Type"), &status, msg, sizeof msg);
    if (!v)
        http_error(res, status, "%s", msg);
    return v;
}

/* ---- answers ---- */

void http_json(struct http_response *res, unsigned status, json_t *body)
{
    res->status = status;
    res->content_type = "application/json; charset=utf-8";
    buf_reset(&res->body);
    char *s = json_dumps(body, JSON_COMPACT | JSON_ENCODE_ANY);
    if (s) {
        buf_append_str(&res->body, s);
        free(s); /* jansson's */
    }
}

void http_error(struct http_response *res, unsigned status, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    /* a message may quote input: it must still be valid UTF-8 inside the JSON */
    if (!mm_utf8_valid(msg, strlen(msg)))
        for (char *p = msg; *p; p++)
            if ((unsigned char)*p >= 0x80)
                *p = '?';
    json_t *o = json_pack("{s:s}", "error", msg);
    http_json(res, status, o);
    json_decref(o);
}

void http_add_header(struct http_response *res, const char *name, const char *value)
{
    if (res->nheaders == MM_ARRAY_LEN(res->headers))
        return;
    size_t n = strlen(name) + strlen(value) + 3;
    char *h = mm_malloc(n);
    snprintf(h, n, "%s: %s", name, value);
    res->headers[res->nheaders++] = h;
}
