/* SPDX-License-Identifier: Apache-2.0 */
/* charset.c: legacy encodings to UTF-8 with iconv. */
#include "base/prelude.h"
#include "base/alloc.h"
#include "base/str.h"
#include "charset.h"

#include <iconv.h>
#include <strings.h>

struct charset_conv {
    iconv_t cd; /* (iconv_t)-1 for UTF-8 */
};

static const char *iconv_name(const char *name)
{
    if (!strcasecmp(name, "shift_jis") || !strcasecmp(name, "sjis") || !strcasecmp(name, "cp932") ||
        !strcasecmp(name, "windows-31j"))
        return "CP932";
    if (!strcasecmp(name, "euc-jp") || !strcasecmp(name, "eucjp"))
        return "EUC-JP";
    if (!strcasecmp(name, "iso-2022-jp") || !strcasecmp(name, "jis"))
        return "ISO-2022-JP";
    if (!strcasecmp(name, "latin1") || !strcasecmp(name, "iso-8859-1"))
        return "ISO-8859-1";
    return name;
}

static bool is_utf8_name(const char *name)
{
    return !strcasecmp(name, "utf-8") || !strcasecmp(name, "utf8");
}

struct charset_conv *charset_open(const char *name)
{
    struct charset_conv *c = mm_calloc(1, sizeof *c);
    c->cd = (iconv_t)-1;
    if (is_utf8_name(name))
        return c;
    c->cd = iconv_open("UTF-8", iconv_name(name));
    if (c->cd == (iconv_t)-1) {
        mm_free(c);
        return NULL;
    }
    return c;
}

bool charset_known(const char *name)
{
    struct charset_conv *c = charset_open(name);
    charset_close(c);
    return c != NULL;
}

void charset_close(struct charset_conv *c)
{
    if (!c)
        return;
    if (c->cd != (iconv_t)-1)
        iconv_close(c->cd);
    mm_free(c);
}

bool charset_to_utf8(struct charset_conv *c, const char *p, size_t len, struct buf *out)
{
    if (c->cd == (iconv_t)-1 || mm_utf8_valid(p, len))
        return false;
    buf_reset(out);
    iconv(c->cd, NULL, NULL, NULL, NULL); /* reset shift state (ISO-2022-JP) */
    char *in = (char *)(uintptr_t)p; /* iconv's prototype is not const-correct */
    size_t inleft = len;
    while (inleft) {
        /* CP932 needs at most 3 UTF-8 bytes per input byte */
        if (buf_reserve(out, inleft * 3 + 16) != MM_OK)
            break;
        char *o = out->data + out->len;
        size_t oleft = out->cap - out->len - 1;
        size_t r = iconv(c->cd, &in, &inleft, &o, &oleft);
        out->len = (size_t)(o - out->data);
        out->data[out->len] = '\0';
        if (r != (size_t)-1)
            break;
        if (errno == E2BIG)
            continue;
        /* EILSEQ or EINVAL (truncated sequence at the end): one replacement character per bad
         * byte, then carry on */
        if (buf_append(out, "\xEF\xBF\xBD", 3) != MM_OK)
            break;
        in++;
        inleft--;
    }
    return true;
}
