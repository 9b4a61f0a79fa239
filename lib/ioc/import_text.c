/* SPDX-License-Identifier: Apache-2.0 */
/* import_text.c: line-oriented indicator files: CSV with a header row and plain lists of values
 * (one per line, type guessed). A bad line is reported with its number and skipped; the other
 * lines still load. */
#include "base/prelude.h"
#include "base/alloc.h"
#include "base/str.h"
#include "ioc/ioc_internal.h"

#define CSV_MAX_COLUMNS 32

enum csv_col { COL_TYPE, COL_VALUE, COL_CONFIDENCE, COL_EXPIRY, COL_SOURCE, COL_DESCRIPTION, COL_REFERENCE, COL_N };
static const char *const col_names[COL_N] = { "type",   "value",       "confidence", "expiry",
                                              "source", "description", "reference" };

struct line_iter {
    const char *p;
    size_t len, pos;
    uint32_t no;
};

/* The next line without its CR LF; false at the end. */
static bool next_line(struct line_iter *it, struct slice *line)
{
    if (it->pos >= it->len)
        return false;
    const char *s = it->p + it->pos;
    const char *nl = memchr(s, '\n', it->len - it->pos);
    size_t l = nl ? (size_t)(nl - s) : it->len - it->pos;
    it->pos += l + 1;
    it->no++;
    if (l && s[l - 1] == '\r')
        l--;
    if (it->no == 1 && l >= 3 && !memcmp(s, "\xef\xbb\xbf", 3)) {
        s += 3;
        l -= 3;
    }
    *line = slice_make(s, l);
    return true;
}

static struct slice trim(struct slice s)
{
    while (s.len && mm_is_space(*s.p)) {
        s.p++;
        s.len--;
    }
    while (s.len && mm_is_space(s.p[s.len - 1]))
        s.len--;
    return s;
}

/* Split one CSV line (RFC 4180 quoting, no line breaks inside quotes) into cells; a quoted cell
 * with "" is unescaped into the scratch buffer. Returns the number of cells or -1 on a bad quote. */
static int csv_split(struct slice line, struct slice *cells, int max, char *scratch, size_t scratch_len)
{
    int n = 0;
    size_t i = 0, used = 0;
    for (;;) {
        if (n == max)
            return n;
        while (i < line.len && mm_is_space(line.p[i]))
            i++;
        if (i < line.len && line.p[i] == '"') {
            char *out = scratch + used;
            size_t o = 0;
            i++;
            for (;;) {
                if (i >= line.len)
                    return -1;
                if (line.p[i] == '"') {
                    if (i + 1 < line.len && line.p[i + 1] == '"') {
                        i++;
                    } else {
                        i++;
                        break;
                    }
                }
                if (used + o + 1 >= scratch_len)
                    return -1;
                out[o++] = line.p[i++];
            }
            cells[n++] = slice_make(out, o);
            used += o;
            while (i < line.len && mm_is_space(line.p[i]))
                i++;
            if (i < line.len && line.p[i] != ',')
                return -1;
        } else {
            size_t s = i;
            while (i < line.len && line.p[i] != ',')
                i++;
            cells[n++] = trim(slice_make(line.p + s, i - s));
        }
        if (i >= line.len)
            return n;
        i++; /* the comma */
    }
}

void ioc_import_csv(struct ioc_import *im)
{
    struct line_iter it = { im->data, im->len, 0, 0 };
    struct slice line, cells[CSV_MAX_COLUMNS];
    int col[COL_N];
    bool header = false;
    size_t scratch_len = IOC_MAX_VALUE * 4;
    char *scratch = mm_malloc(scratch_len);
    for (int c = 0; c < COL_N; c++)
        col[c] = -1;
    while (next_line(&it, &line)) {
        struct slice t = trim(line);
        if (!t.len || t.p[0] == '#')
            continue;
        int n = csv_split(t, cells, CSV_MAX_COLUMNS, scratch, scratch_len);
        if (n < 0) {
            im->st->invalid++;
            ioc_import_problem(im, it.no, "malformed CSV quoting");
            continue;
        }
        if (!header) {
            header = true;
            for (int k = 0; k < n; k++)
                for (int c = 0; c < COL_N; c++)
                    if (mm_bytes_eq_nocase(cells[k].p, cells[k].len, col_names[c]))
                        col[c] = k;
            if (col[COL_VALUE] < 0) {
                im->st->invalid++;
                ioc_import_problem(im, it.no, "CSV header has no 'value' column: nothing loaded");
                goto out;
            }
            continue;
        }
        struct slice v[COL_N];
        for (int c = 0; c < COL_N; c++)
            v[c] = col[c] >= 0 && col[c] < n ? cells[col[c]] : slice_make("", 0);
        if (!v[COL_VALUE].len) {
            im->st->invalid++;
            ioc_import_problem(im, it.no, "empty value");
            continue;
        }
        int type, second = IOC_PART_NONE;
        if (!v[COL_TYPE].len || mm_bytes_eq_nocase(v[COL_TYPE].p, v[COL_TYPE].len, "auto")) {
            type = ioc_guess_type(v[COL_VALUE].p, v[COL_VALUE].len);
            if (type < 0) {
                im->st->invalid++;
                ioc_import_problem(im, it.no, "cannot tell the type of '%.*s'", (int)MM_MIN(v[COL_VALUE].len, 80),
                                   v[COL_VALUE].p);
                continue;
            }
        } else if (!ioc_type_from_name(v[COL_TYPE].p, v[COL_TYPE].len, &type, &second) ||
                   second != IOC_PART_NONE) {
            im->st->unsupported++;
            ioc_import_problem(im, it.no, "indicator type '%.*s' is not supported",
                               (int)MM_MIN(v[COL_TYPE].len, 40), v[COL_TYPE].p);
            continue;
        }
        struct ioc_attrs at = { .confidence = im->b->opt.default_confidence };
        uint64_t conf;
        if (v[COL_CONFIDENCE].len) {
            if (mm_parse_u64(v[COL_CONFIDENCE].p, v[COL_CONFIDENCE].len, 100, &conf) != MM_OK) {
                im->st->invalid++;
                ioc_import_problem(im, it.no, "confidence '%.*s' is not a number from 0 to 100",
                                   (int)MM_MIN(v[COL_CONFIDENCE].len, 40), v[COL_CONFIDENCE].p);
                continue;
            }
            at.confidence = (unsigned)conf;
        }
        if (v[COL_EXPIRY].len) {
            if (!ioc_parse_time(v[COL_EXPIRY].p, v[COL_EXPIRY].len, &at.expiry_ns)) {
                im->st->invalid++;
                ioc_import_problem(im, it.no, "expiry '%.*s' is not an RFC 3339 time, a date or Unix seconds",
                                   (int)MM_MIN(v[COL_EXPIRY].len, 40), v[COL_EXPIRY].p);
                continue;
            }
            if (!at.expiry_ns)
                at.expiry_ns = 1;
        }
        /* the attribute strings must be NUL-terminated: copy them next to each other */
        char strs[3][512];
        const char **dst[3] = { &at.source, &at.description, &at.reference };
        int which[3] = { COL_SOURCE, COL_DESCRIPTION, COL_REFERENCE };
        for (int k = 0; k < 3; k++) {
            struct slice s = v[which[k]];
            if (!s.len)
                continue;
            snprintf(strs[k], sizeof strs[k], "%.*s", (int)MM_MIN(s.len, sizeof strs[k] - 1), s.p);
            *dst[k] = strs[k];
        }
        ioc_import_add(im, (enum ioc_type)type, v[COL_VALUE].p, v[COL_VALUE].len, &at, it.no);
    }
    if (!header) {
        im->st->invalid++;
        ioc_import_problem(im, 0, "CSV file without a header");
    }
out:
    mm_free(scratch);
}

void ioc_import_list(struct ioc_import *im)
{
    struct line_iter it = { im->data, im->len, 0, 0 };
    struct slice line;
    while (next_line(&it, &line)) {
        struct slice t = trim(line);
        if (!t.len || t.p[0] == '#')
            continue;
        /* a comment after the value: white space then '#' (a URL's fragment has no space before) */
        for (size_t i = 1; i < t.len; i++)
            if (t.p[i] == '#' && mm_is_space(t.p[i - 1])) {
                t = trim(slice_make(t.p, i));
                break;
            }
        int type = ioc_guess_type(t.p, t.len);
        if (type < 0) {
            im->st->invalid++;
            ioc_import_problem(im, it.no, "cannot tell the type of '%.*s'", (int)MM_MIN(t.len, 80), t.p);
            continue;
        }
        struct ioc_attrs at = { .confidence = im->b->opt.default_confidence };
        ioc_import_add(im, (enum ioc_type)type, t.p, t.len, &at, it.no);
    }
}
