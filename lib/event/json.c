/* SPDX-License-Identifier: Apache-2.0 */
/* json.c: JSON tokenizer and string escaping. */
#include "base/prelude.h"
#include "base/str.h"
#include "base/alloc.h"
#include "json.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

struct json_parser {
    const char *p;
    size_t len, pos;
    struct json_token *toks;
    size_t max, n;
    struct mm_error *err;
};

static void skip_ws(struct json_parser *jp)
{
    while (jp->pos < jp->len) {
        char c = jp->p[jp->pos];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            break;
        jp->pos++;
    }
}

static int fail(struct json_parser *jp, enum mm_status st, const char *what)
{
    mm_error_set(jp->err, st, "%s at byte %zu", what, jp->pos);
    return -(int)st;
}

static int new_token(struct json_parser *jp, enum json_type type, uint32_t *idx)
{
    if (jp->n >= jp->max)
        return fail(jp, MM_ERR_TOO_LARGE, "too many JSON tokens");
    struct json_token *t = &jp->toks[jp->n];
    *t = (struct json_token){ .type = (uint8_t)type, .start = (uint32_t)jp->pos };
    *idx = (uint32_t)jp->n++;
    return 0;
}

static bool is_hex(char c)
{
    return mm_is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int parse_string(struct json_parser *jp)
{
    uint32_t idx;
    int r = new_token(jp, JSON_STRING, &idx);
    if (r)
        return r;
    jp->pos++; /* opening quote */
    jp->toks[idx].start = (uint32_t)jp->pos;
    while (jp->pos < jp->len) {
        unsigned char c = (unsigned char)jp->p[jp->pos];
        if (c == '"') {
            jp->toks[idx].end = (uint32_t)jp->pos;
            jp->pos++;
            jp->toks[idx].next = (uint32_t)jp->n;
            return 0;
        }
        if (c < 0x20)
            return fail(jp, MM_ERR_PARSE, "control character in JSON string");
        if (c == '\\') {
            jp->toks[idx].escaped = 1;
            if (jp->pos + 1 >= jp->len)
                break;
            char e = jp->p[jp->pos + 1];
            if (e == 'u') {
                if (jp->pos + 5 >= jp->len)
                    break;
                for (int i = 2; i < 6; i++)
                    if (!is_hex(jp->p[jp->pos + (size_t)i]))
                        return fail(jp, MM_ERR_PARSE, "bad \\u escape in JSON string");
                jp->pos += 6;
                continue;
            }
            if (!strchr("\"\\/bfnrt", e) || e == '\0')
                return fail(jp, MM_ERR_PARSE, "bad escape in JSON string");
            jp->pos += 2;
            continue;
        }
        jp->pos++;
    }
    return fail(jp, MM_ERR_PARSE, "unterminated JSON string");
}

static int parse_value(struct json_parser *jp, int depth);

static int parse_container(struct json_parser *jp, int depth, bool object)
{
    if (depth >= JSON_MAX_DEPTH)
        return fail(jp, MM_ERR_TOO_LARGE, "JSON nested too deeply");
    uint32_t idx;
    int r = new_token(jp, object ? JSON_OBJECT : JSON_ARRAY, &idx);
    if (r)
        return r;
    char close = object ? '}' : ']';
    jp->pos++;
    skip_ws(jp);
    uint32_t count = 0;
    if (jp->pos < jp->len && jp->p[jp->pos] == close) {
        jp->pos++;
        goto done;
    }
    for (;;) {
        skip_ws(jp);
        if (object) {
            if (jp->pos >= jp->len || jp->p[jp->pos] != '"')
                return fail(jp, MM_ERR_PARSE, "expected a string key in JSON object");
            if ((r = parse_string(jp)))
                return r;
            skip_ws(jp);
            if (jp->pos >= jp->len || jp->p[jp->pos] != ':')
                return fail(jp, MM_ERR_PARSE, "expected ':' in JSON object");
            jp->pos++;
        }
        if ((r = parse_value(jp, depth + 1)))
            return r;
        count++;
        skip_ws(jp);
        if (jp->pos >= jp->len)
            return fail(jp, MM_ERR_PARSE, "unterminated JSON container");
        char c = jp->p[jp->pos++];
        if (c == close)
            break;
        if (c != ',')
            return fail(jp, MM_ERR_PARSE, "expected ',' in JSON container");
    }
done:
    jp->toks[idx].end = (uint32_t)jp->pos;
    jp->toks[idx].children = count;
    jp->toks[idx].next = (uint32_t)jp->n;
    return 0;
}

static int parse_literal(struct json_parser *jp, const char *lit, enum json_type type)
{
    size_t n = strlen(lit);
    if (jp->len - jp->pos < n || memcmp(jp->p + jp->pos, lit, n) != 0)
        return fail(jp, MM_ERR_PARSE, "invalid JSON literal");
    uint32_t idx;
    int r = new_token(jp, type, &idx);
    if (r)
        return r;
    jp->pos += n;
    jp->toks[idx].end = (uint32_t)jp->pos;
    jp->toks[idx].next = (uint32_t)jp->n;
    return 0;
}

static int parse_number(struct json_parser *jp)
{
    uint32_t idx;
    int r = new_token(jp, JSON_NUMBER, &idx);
    if (r)
        return r;
    size_t i = jp->pos;
    const char *p = jp->p;
    if (i < jp->len && p[i] == '-')
        i++;
    if (i >= jp->len || !mm_is_digit(p[i]))
        return fail(jp, MM_ERR_PARSE, "invalid JSON number");
    if (p[i] == '0')
        i++;
    else
        while (i < jp->len && mm_is_digit(p[i]))
            i++;
    if (i < jp->len && p[i] == '.') {
        i++;
        if (i >= jp->len || !mm_is_digit(p[i]))
            return fail(jp, MM_ERR_PARSE, "invalid JSON number");
        while (i < jp->len && mm_is_digit(p[i]))
            i++;
    }
    if (i < jp->len && (p[i] == 'e' || p[i] == 'E')) {
        i++;
        if (i < jp->len && (p[i] == '+' || p[i] == '-'))
            i++;
        if (i >= jp->len || !mm_is_digit(p[i]))
            return fail(jp, MM_ERR_PARSE, "invalid JSON number");
        while (i < jp->len && mm_is_digit(p[i]))
            i++;
    }
    jp->pos = i;
    jp->toks[idx].end = (uint32_t)i;
    jp->toks[idx].next = (uint32_t)jp->n;
    return 0;
}

static int parse_value(struct json_parser *jp, int depth)
{
    skip_ws(jp);
    if (jp->pos >= jp->len)
        return fail(jp, MM_ERR_PARSE, "unexpected end of JSON");
    switch (jp->p[jp->pos]) {
    case '{': return parse_container(jp, depth, true);
    case '[': return parse_container(jp, depth, false);
    case '"': return parse_string(jp);
    case 't': return parse_literal(jp, "true", JSON_TRUE);
    case 'f': return parse_literal(jp, "false", JSON_FALSE);
    case 'n': return parse_literal(jp, "null", JSON_NULL);
    default: return parse_number(jp);
    }
}

int json_parse(const char *p, size_t len, struct json_token *toks, size_t max_tokens,
               struct mm_error *err)
{
    if (len > UINT32_MAX - 1)
        return -(int)mm_error_set(err, MM_ERR_TOO_LARGE, "JSON document too large");
    struct json_parser jp = { .p = p, .len = len, .toks = toks, .max = max_tokens, .err = err };
    int r = parse_value(&jp, 0);
    if (r)
        return r;
    skip_ws(&jp);
    if (jp.pos != len)
        return fail(&jp, MM_ERR_PARSE, "trailing bytes after JSON value");
    return (int)jp.n;
}

static unsigned hexval(char c)
{
    if (c <= '9')
        return (unsigned)(c - '0');
    return (unsigned)(mm_lower(c) - 'a' + 10);
}

static unsigned read_u4(const char *p)
{
    return hexval(p[0]) << 12 | hexval(p[1]) << 8 | hexval(p[2]) << 4 | hexval(p[3]);
}

static enum mm_status put_utf8(struct buf *out, uint32_t cp)
{
    char b[4];
    size_t n;
    if (cp < 0x80) {
        b[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        b[0] = (char)(0xC0 | cp >> 6);
        b[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        b[0] = (char)(0xE0 | cp >> 12);
        b[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        b[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        b[0] = (char)(0xF0 | cp >> 18);
        b[1] = (char)(0x80 | (cp >> 12 & 0x3F));
        b[2] = (char)(0x80 | (cp >> 6 & 0x3F));
        b[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    return buf_append(out, b, n);
}

enum mm_status json_unescape(const char *p, size_t len, struct buf *out)
{
    size_t i = 0;
    enum mm_status st = MM_OK;
    while (i < len && st == MM_OK) {
        const char *bs = memchr(p + i, '\\', len - i);
        size_t run = bs ? (size_t)(bs - (p + i)) : len - i;
        if (run) {
            st = buf_append(out, p + i, run);
            i += run;
            continue;
        }
        if (i + 1 >= len)
            return MM_ERR_PARSE;
        char e = p[i + 1];
        i += 2;
        switch (e) {
        case 'b': st = buf_append_char(out, '\b'); break;
        case 'f': st = buf_append_char(out, '\f'); break;
        case 'n': st = buf_append_char(out, '\n'); break;
        case 'r': st = buf_append_char(out, '\r'); break;
        case 't': st = buf_append_char(out, '\t'); break;
        case 'u': {
            if (i + 4 > len)
                return MM_ERR_PARSE;
            uint32_t cp = read_u4(p + i);
            i += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF && i + 6 <= len && p[i] == '\\' && p[i + 1] == 'u') {
                uint32_t lo = read_u4(p + i + 2);
                if (lo >= 0xDC00 && lo <= 0xDFFF) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    i += 6;
                }
            }
            if (cp >= 0xD800 && cp <= 0xDFFF)
                cp = 0xFFFD; /* lone surrogate */
            st = put_utf8(out, cp);
            break;
        }
        default: st = buf_append_char(out, e); break;
        }
    }
    return st;
}

bool json_token_eq(const char *doc, const struct json_token *t, const char *s)
{
    size_t n = strlen(s);
    return t->type == JSON_STRING && !t->escaped && t->end - t->start == n &&
           memcmp(doc + t->start, s, n) == 0;
}

/* bytes that need attention: quote, backslash, controls, and anything non-ASCII (UTF-8 check) */
static inline bool plain_byte(unsigned char c)
{
    return c >= 0x20 && c != '"' && c != '\\' && c < 0x80;
}

/* The general path: append piece by piece, each append checking the buffer's limit. */
static enum mm_status write_string_checked(struct buf *out, const char *p, size_t len)
{
    enum mm_status st = buf_reserve(out, mm_size_add(len, 2));
    if (st != MM_OK)
        return st;
    buf_append_char(out, '"');
    size_t i = 0;
    while (i < len && st == MM_OK) {
        size_t j = i;
        while (j < len && plain_byte((unsigned char)p[j]))
            j++;
        if (j > i) {
            st = buf_append(out, p + i, j - i);
            i = j;
            continue;
        }
        unsigned char c = (unsigned char)p[i];
        if (c >= 0x80) {
            /* length of a valid UTF-8 sequence starting here, or 0 */
            size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
            if (n && i + n <= len && mm_utf8_valid(p + i, n)) {
                st = buf_append(out, p + i, n);
                i += n;
            } else {
                st = buf_append(out, "\xEF\xBF\xBD", 3);
                i++;
            }
            continue;
        }
        switch (c) {
        case '"': st = buf_append(out, "\\\"", 2); break;
        case '\\': st = buf_append(out, "\\\\", 2); break;
        case '\n': st = buf_append(out, "\\n", 2); break;
        case '\r': st = buf_append(out, "\\r", 2); break;
        case '\t': st = buf_append(out, "\\t", 2); break;
        default: st = buf_printf(out, "\\u%04x", c); break;
        }
        i++;
    }
    if (st == MM_OK)
        st = buf_append_char(out, '"');
    return st;
}

/* The usual path, the output stage's hottest loop: room for the worst case (every byte written
 * as \u00XX) is reserved once, then bytes are written straight into the buffer. The result is
 * byte for byte what write_string_checked produces; a buffer whose limit does not leave room for
 * the worst case takes that path instead. */
enum mm_status json_write_string(struct buf *out, const char *p, size_t len)
{
    if (len > (SIZE_MAX - 8) / 6)
        return write_string_checked(out, p, len);
    /* room already there (the usual case: the batch buffer is reused): no call */
    bool room = !out->max && out->cap && len * 6 + 2 < out->cap - out->len;
    if (!room && buf_reserve(out, len * 6 + 2) != MM_OK)
        return write_string_checked(out, p, len);
    static const char hex[] = "0123456789abcdef";
    char *d = out->data + out->len;
    const unsigned char *q = (const unsigned char *)p, *end = q + len;
    *d++ = '"';
    while (q < end) {
#ifdef __SSE2__
        /* sixteen at a time: a signed compare below 0x20 also catches every byte >= 0x80 */
        while (end - q >= 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)q);
            __m128i bad = _mm_or_si128(_mm_cmplt_epi8(v, _mm_set1_epi8(0x20)),
                                       _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
                                                    _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))));
            if (_mm_movemask_epi8(bad))
                break;
            _mm_storeu_si128((__m128i *)(void *)d, v);
            d += 16;
            q += 16;
        }
#endif
        /* eight plain ASCII bytes at a time: no byte >= 0x80, < 0x20, '"' or '\\' */
        while (end - q >= 8) {
            uint64_t v;
            memcpy(&v, q, 8);
            const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
            uint64_t quote = v ^ (ones * '"'), bslash = v ^ (ones * '\\');
            /* classic "has a byte below n" / "has a zero byte" tests; a false alarm only sends a
             * byte through the exact path below */
            uint64_t special = (((v - ones * 0x20) & ~v) | ((quote - ones) & ~quote) |
                                ((bslash - ones) & ~bslash) | v) & high;
            if (special)
                break;
            memcpy(d, q, 8);
            d += 8;
            q += 8;
        }
        if (q >= end)
            break;
        unsigned char c = *q;
        if (plain_byte(c)) {
            *d++ = (char)c;
            q++;
            continue;
        }
        if (c >= 0x80) {
            size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
            if (n && (size_t)(end - q) >= n && mm_utf8_valid((const char *)q, n)) {
                memcpy(d, q, n);
                d += n;
                q += n;
            } else {
                memcpy(d, "\xEF\xBF\xBD", 3);
                d += 3;
                q++;
            }
            continue;
        }
        *d++ = '\\';
        switch (c) {
        case '"': *d++ = '"'; break;
        case '\\': *d++ = '\\'; break;
        case '\n': *d++ = 'n'; break;
        case '\r': *d++ = 'r'; break;
        case '\t': *d++ = 't'; break;
        default:
            memcpy(d, "u00", 3);
            d[3] = hex[c >> 4];
            d[4] = hex[c & 15];
            d += 5;
            break;
        }
        q++;
    }
    *d++ = '"';
    out->len = (size_t)(d - out->data);
    out->data[out->len] = '\0';
    return MM_OK;
}
