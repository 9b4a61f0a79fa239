/* SPDX-License-Identifier: Apache-2.0 */
/* csv.h: an RFC 4180 reader over a buffer in memory: quoted fields (with "" for a quote, and line
 * breaks inside quotes), CRLF or LF records, a UTF-8 byte-order mark skipped, blank lines skipped.
 * Spreadsheet exports are the usual source, so it is strict about quotes and says where it broke. */
#ifndef MM_CSV_H
#define MM_CSV_H

#include "base/prelude.h"
#include "base/buf.h"
#include "base/error.h"

#define CSV_MAX_FIELDS 64
#define CSV_MAX_RECORD (64 * 1024) /* bytes in one record */

struct csv_reader {
    const char *p, *end;
    size_t line;        /* the line the next record starts on (1-based) */
    size_t record_line; /* the line the last record returned started on */
    struct buf cells;   /* the last record's fields, each NUL-terminated */
    const char *fields[CSV_MAX_FIELDS];
    size_t nfields;
};

void csv_reader_init(struct csv_reader *r, const char *data, size_t len);
void csv_reader_release(struct csv_reader *r);
/* The next record into r->fields[0 .. r->nfields). MM_OK, MM_EOF at the end, or MM_ERR_PARSE /
 * MM_ERR_TOO_LARGE with err naming the line (a quote inside an unquoted field, text after a
 * closing quote, an unterminated quote, too many fields, a record too long, a NUL byte). */
enum mm_status csv_next(struct csv_reader *r, struct mm_error *err);
/* The index of a header name among the last record's fields (exact, case-sensitive), or -1. */
int csv_column(const struct csv_reader *r, const char *name);

#endif
