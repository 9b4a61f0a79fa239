/* SPDX-License-Identifier: Apache-2.0 */
/* json_util.c: member lookup and string decoding over json_parse's tokens, shared by the JSON
 * log parsers. */
#include "base/prelude.h"
#include "base/str.h"
#include "json_util.h"

/* members of obj without checking its type; obj 0 is the root */
static uint32_t members_get(const struct json_doc *d, uint32_t obj, const char *key)
{
    uint32_t k = obj + 1;
    for (uint32_t n = 0; n < d->t[obj].children; n++) {
        if (json_token_eq(d->text, &d->t[k], key))
            return k + 1;
        k = d->t[k + 1].next;
    }
    return 0;
}

uint32_t json_doc_get(const struct json_doc *d, uint32_t obj, const char *key)
{
    return obj && d->t[obj].type == JSON_OBJECT ? members_get(d, obj, key) : 0;
}

uint32_t json_doc_root_get(const struct json_doc *d, const char *key)
{
    return members_get(d, 0, key);
}

static void utf8_put(char *out, size_t *o, uint32_t cp)
{
    if (cp < 0x80) {
        out[(*o)++] = (char)cp;
    } else if (cp < 0x800) {
        out[(*o)++] = (char)(0xc0 | (cp >> 6));
        out[(*o)++] = (char)(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        out[(*o)++] = (char)(0xe0 | (cp >> 12));
        out[(*o)++] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[(*o)++] = (char)(0x80 | (cp & 0x3f));
    } else {
        out[(*o)++] = (char)(0xf0 | (cp >> 18));
        out[(*o)++] = (char)(0x80 | ((cp >> 12) & 0x3f));
        out[(*o)++] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[(*o)++] = (char)(0x80 | (cp & 0x3f));
    }
}

static bool hex4(const char *p, size_t avail, uint32_t *v)
{
    if (avail < 4)
        return false;
    *v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        uint32_t d = mm_is_digit(c)           ? (uint32_t)(c - '0')
                     : (c >= 'a' && c <= 'f') ? (uint32_t)(c - 'a' + 10)
                     : (c >= 'A' && c <= 'F') ? (uint32_t)(c - 'A' + 10)
                                              : 16;
        if (d > 15)
            return false;
        *v = *v << 4 | d;
    }
    return true;
}

/* Decoding happens in place in an arena copy of the escaped text: decoded text is never longer
 * than its escaped form (\uXXXX, six bytes, becomes at most three; a surrogate pair, twelve,
 * becomes four). */
struct slice json_doc_string(const struct json_doc *d, uint32_t i)
{
    const struct json_token *t = &d->t[i];
    const char *p = d->text + t->start;
    size_t len = t->end - t->start;
    if (!t->escaped)
        return slice_make(p, len);
    char *out = event_strdup(d->ev, p, len);
    if (!out)
        return slice_make(NULL, 0);
    size_t o = 0;
    for (size_t k = 0; k < len; k++) {
        if (p[k] != '\\' || k + 1 >= len) {
            out[o++] = p[k];
            continue;
        }
        char c = p[++k];
        uint32_t cp, lo;
        switch (c) {
        case 'b':
            out[o++] = '\b';
            break;
        case 'f':
            out[o++] = '\f';
            break;
        case 'n':
            out[o++] = '\n';
            break;
        case 'r':
            out[o++] = '\r';
            break;
        case 't':
            out[o++] = '\t';
            break;
        case 'u':
            if (!hex4(p + k + 1, len - k - 1, &cp))
                break;
            k += 4;
            if (cp >= 0xd800 && cp < 0xdc00 && k + 6 < len && p[k + 1] == '\\' && p[k + 2] == 'u' &&
                hex4(p + k + 3, len - k - 3, &lo) && lo >= 0xdc00 && lo < 0xe000) {
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                k += 6;
            } else if (cp >= 0xd800 && cp < 0xe000) {
                cp = 0xfffd;
            }
            utf8_put(out, &o, cp);
            break;
        default:
            out[o++] = c;
            break; /* '"', '\\', '/' */
        }
    }
    return slice_make(out, o);
}
