/* SPDX-License-Identifier: Apache-2.0 */
/* csv.c: RFC 4180 records from a buffer in memory. */
#include "base/prelude.h"
#include "csv.h"

#include <string.h>

void csv_reader_init(struct csv_reader *r, const char *data, size_t len)
{
    memset(r, 0, sizeof *r);
    r->p = data;
    r->end = data + len;
    r->line = 1;
    if (len >= 3 && !memcmp(data, "\xef\xbb\xbf", 3))
        r->p += 3;
    buf_init(&r->cells, CSV_MAX_RECORD + CSV_MAX_FIELDS);
}

void csv_reader_release(struct csv_reader *r)
{
    buf_release(&r->cells);
}

static enum mm_status end_field(struct csv_reader *r, size_t *start, struct mm_error *err)
{
    if (r->nfields == CSV_MAX_FIELDS)
        return mm_error_set(err, MM_ERR_TOO_LARGE, "line %zu: more than %d fields", r->record_line, CSV_MAX_FIELDS);
    if (buf_append_char(&r->cells, '\0') != MM_OK)
        return mm_error_set(err, MM_ERR_TOO_LARGE, "line %zu: record longer than %d bytes", r->record_line,
                            CSV_MAX_RECORD);
    r->fields[r->nfields++] = (const char *)(uintptr_t)*start; /* an offset until the record is whole */
    *start = r->cells.len;
    return MM_OK;
}

enum mm_status csv_next(struct csv_reader *r, struct mm_error *err)
{
    /* blank lines between records are skipped */
    while (r->p < r->end && (*r->p == '\n' || *r->p == '\r')) {
        if (*r->p == '\n')
            r->line++;
        r->p++;
    }
    if (r->p >= r->end)
        return MM_EOF;
    buf_reset(&r->cells);
    r->nfields = 0;
    r->record_line = r->line;
    size_t start = 0;
    enum mm_status rc;
    for (;;) {
        /* one field */
        if (r->p < r->end && *r->p == '"') {
            r->p++;
            for (;;) {
                if (r->p >= r->end)
                    return mm_error_set(err, MM_ERR_PARSE, "line %zu: a quoted field is not closed", r->record_line);
                char c = *r->p++;
                if (c == '"') {
                    if (r->p < r->end && *r->p == '"') {
                        r->p++;
                    } else {
                        break;
                    }
                } else if (c == '\0') {
                    return mm_error_set(err, MM_ERR_PARSE, "line %zu: a NUL byte", r->line);
                } else if (c == '\n') {
                    r->line++;
                }
                if (buf_append_char(&r->cells, c) != MM_OK)
                    return mm_error_set(err, MM_ERR_TOO_LARGE, "line %zu: record longer than %d bytes",
                                        r->record_line, CSV_MAX_RECORD);
            }
            if (r->p < r->end && *r->p != ',' && *r->p != '\n' && *r->p != '\r')
                return mm_error_set(err, MM_ERR_PARSE, "line %zu: text after a closing quote", r->line);
        } else {
            while (r->p < r->end && *r->p != ',' && *r->p != '\n' && *r->p != '\r') {
                char c = *r->p++;
                if (c == '"')
                    return mm_error_set(err, MM_ERR_PARSE, "line %zu: a quote inside an unquoted field", r->line);
                if (c == '\0')
                    return mm_error_set(err, MM_ERR_PARSE, "line %zu: a NUL byte", r->line);
                if (buf_append_char(&r->cells, c) != MM_OK)
                    return mm_error_set(err, MM_ERR_TOO_LARGE, "line %zu: record longer than %d bytes",
                                        r->record_line, CSV_MAX_RECORD);
            }
        }
        if ((rc = end_field(r, &start, err)) != MM_OK)
            return rc;
        if (r->p < r->end && *r->p == ',') {
            r->p++;
            continue;
        }
        /* the end of the record: CRLF, LF, a lone CR, or the end of the buffer */
        if (r->p < r->end && *r->p == '\r')
            r->p++;
        if (r->p < r->end && *r->p == '\n')
            r->p++;
        r->line++;
        break;
    }
    for (size_t i = 0; i < r->nfields; i++)
        r->fields[i] = r->cells.data + (size_t)(uintptr_t)r->fields[i];
    return MM_OK;
}

int csv_column(const struct csv_reader *r, const char *name)
{
    for (size_t i = 0; i < r->nfields; i++)
        if (!strcmp(r->fields[i], name))
            return (int)i;
    return -1;
}
