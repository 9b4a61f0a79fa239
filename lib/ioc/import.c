/* SPDX-License-Identifier: Apache-2.0 */
/* import.c: reading an indicator file: format detection, the per-file statistics and problem
 * messages, and the policy every importer applies to a value (expiry, confidence, duplicates). */
#include "base/prelude.h"
#include "base/alloc.h"
#include "ioc/ioc_internal.h"

#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>

void ioc_import_problem(struct ioc_import *im, uint32_t line, const char *fmt, ...)
{
    struct ioc_file_stats *st = im->st;
    if (st->nproblems >= IOC_MAX_PROBLEMS) {
        st->problems_omitted++;
        return;
    }
    struct ioc_problem *p = &st->problems[st->nproblems++];
    p->line = line;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->msg, sizeof p->msg, fmt, ap);
    va_end(ap);
}

uint32_t ioc_import_line(struct ioc_import *im, size_t offset)
{
    /* importers ask in document order: count on from the last answer */
    if (offset < im->line_off) {
        im->line_off = 0;
        im->line_no = 1;
    }
    for (size_t i = im->line_off; i < offset && i < im->len; i++)
        im->line_no += im->data[i] == '\n';
    im->line_off = MM_MIN(offset, im->len);
    return im->line_no;
}

void ioc_import_add(struct ioc_import *im, enum ioc_type type, const char *value, size_t len,
                    const struct ioc_attrs *a, uint32_t line)
{
    const struct ioc_load_options *opt = &im->b->opt;
    struct ioc_file_stats *st = im->st;
    if (a->expiry_ns && a->expiry_ns <= opt->now_ns) {
        st->expired++;
        return;
    }
    if (a->confidence < opt->min_confidence) {
        st->low_confidence++;
        return;
    }
    struct ioc_attrs attrs = *a;
    if (!attrs.source)
        attrs.source = im->source;
    struct mm_error err;
    enum ioc_type stored;
    bool dup;
    enum mm_status rc = ioc_builder_add_typed(im->b, type, value, len, &attrs, &stored, &dup, &err);
    if (rc != MM_OK) {
        st->invalid++;
        ioc_import_problem(im, line, "%s", err.msg);
    } else if (dup) {
        st->duplicates++;
    } else {
        st->loaded[stored]++;
    }
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* JSON documents need a token array; its size bounds memory for a hostile file. Two bytes per
 * token is the densest a document can be, real exports use far fewer, so growing guesses are
 * tried, each capped at IOC_MAX_JSON_TOKENS. */
static enum mm_status load_json(struct ioc_import *im, enum ioc_format want, struct mm_error *err)
{
    size_t guesses[3] = { im->len / 16 + 64, im->len / 4 + 64, im->len / 2 + 2 };
    enum mm_status rc = MM_ERR_PARSE;
    for (int g = 0; g < 3; g++) {
        size_t ntok = MM_MIN(guesses[g], (size_t)IOC_MAX_JSON_TOKENS);
        bool last = g == 2 || ntok == IOC_MAX_JSON_TOKENS;
        struct json_token *t = mm_calloc(ntok, sizeof *t);
        struct mm_error jerr;
        int n = json_parse(im->data, im->len, t, ntok, &jerr);
        if (n == -(int)MM_ERR_TOO_LARGE && !last) {
            mm_free(t);
            continue;
        }
        if (n < 0) {
            /* the tokenizer says "... at byte N": give the line too */
            const char *at = strstr(jerr.msg, "at byte ");
            size_t off = 0;
            if (at)
                for (const char *q = at + 8; mm_is_digit(*q); q++)
                    off = off * 10 + (size_t)(*q - '0');
            uint32_t line = ioc_import_line(im, off);
            ioc_import_problem(im, line, "malformed JSON: %s", jerr.msg);
            rc = mm_error_set(err, -n == MM_ERR_TOO_LARGE ? MM_ERR_TOO_LARGE : MM_ERR_PARSE,
                              "%s:%u: malformed JSON: %s", im->name, line, jerr.msg);
        } else {
            rc = ioc_import_json(im, t, n, want, err);
        }
        mm_free(t);
        break;
    }
    return rc;
}

/* A CSV file starts (after comments and blank lines) with a header naming a "type" or "value"
 * column. */
static bool looks_like_csv(const char *p, size_t len)
{
    size_t i = 0;
    while (i < len) {
        size_t e = i;
        while (e < len && p[e] != '\n')
            e++;
        size_t s = i;
        while (s < e && (mm_is_space(p[s]) || p[s] == '\r'))
            s++;
        if (s < e && p[s] != '#') {
            size_t l = e - s;
            return (l >= 5 && (mm_bytes_starts(p + s, l, "type,") || mm_bytes_starts(p + s, l, "value,") ||
                               mm_bytes_starts(p + s, l, "\"type\",") || mm_bytes_starts(p + s, l, "\"value\",")));
        }
        i = e + 1;
    }
    return false;
}

enum mm_status ioc_builder_load_buffer(struct ioc_builder *b, const char *name, const char *source,
                                       const char *data, size_t len, struct ioc_file_stats *st,
                                       struct mm_error *err)
{
    memset(st, 0, sizeof *st);
    struct ioc_import im = { b, st, name, source ? source : base_name(name), data, len, 0, 1 };
    enum ioc_format f = b->opt.format;
    enum mm_status rc = MM_OK;
    if (len > IOC_MAX_FILE) {
        ioc_import_problem(&im, 0, "larger than %u bytes", IOC_MAX_FILE);
        rc = mm_error_set(err, MM_ERR_TOO_LARGE, "%s: larger than %u bytes", name, IOC_MAX_FILE);
        goto out;
    }
    if (f == IOC_FORMAT_AUTO) {
        size_t i = 0;
        if (len >= 3 && !memcmp(data, "\xef\xbb\xbf", 3))
            i = 3;
        while (i < len && (mm_is_space(data[i]) || data[i] == '\r' || data[i] == '\n'))
            i++;
        if (i < len && (data[i] == '{' || data[i] == '['))
            f = IOC_FORMAT_AUTO; /* JSON: MISP or STIX, decided from the document */
        else
            f = looks_like_csv(data + i, len - i) ? IOC_FORMAT_CSV : IOC_FORMAT_LIST;
        if (f == IOC_FORMAT_AUTO) {
            rc = load_json(&im, IOC_FORMAT_AUTO, err);
            goto out;
        }
    }
    st->format = f;
    switch (f) {
    case IOC_FORMAT_MISP:
    case IOC_FORMAT_STIX:
        rc = load_json(&im, f, err);
        break;
    case IOC_FORMAT_CSV:
        ioc_import_csv(&im);
        break;
    case IOC_FORMAT_LIST:
    case IOC_FORMAT_AUTO:
        ioc_import_list(&im);
        break;
    }
out:
    if (rc != MM_OK) {
        /* the importers record their reason; a file refused before them gets err's */
        st->refused = true;
        if (!st->nproblems)
            ioc_import_problem(&im, 0, "%s", err ? err->msg : mm_status_str(rc));
    }
    return rc;
}

enum mm_status ioc_builder_load_file(struct ioc_builder *b, const char *path, const char *source,
                                     struct ioc_file_stats *st, struct mm_error *err)
{
    struct mm_error local;
    if (!err)
        err = &local;
    enum mm_status rc = MM_OK;
    char *data = NULL;
    size_t len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) < 0) {
        rc = mm_error_set(err, MM_ERR_IO, "cannot open '%s': %s", path, mm_strerror(errno));
        goto fail;
    }
    if (!S_ISREG(sb.st_mode) || (uint64_t)sb.st_size > IOC_MAX_FILE) {
        rc = mm_error_set(err, MM_ERR_TOO_LARGE, "'%s': not a regular file of at most %u bytes", path,
                          IOC_MAX_FILE);
        goto fail;
    }
    data = mm_malloc((size_t)sb.st_size + 1);
    while (len < (size_t)sb.st_size) {
        ssize_t n = read(fd, data + len, (size_t)sb.st_size - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = mm_error_set(err, MM_ERR_IO, "cannot read '%s': %s", path, mm_strerror(errno));
            goto fail;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    data[len] = '\0';
    rc = ioc_builder_load_buffer(b, path, source, data, len, st, err);
    goto out;
fail:
    memset(st, 0, sizeof *st);
    st->refused = true;
    st->nproblems = 1;
    snprintf(st->problems[0].msg, sizeof st->problems[0].msg, "%s", err->msg);
out:
    if (fd >= 0)
        close(fd);
    mm_free(data);
    return rc;
}
