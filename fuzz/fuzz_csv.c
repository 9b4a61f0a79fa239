/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_csv.c: CSV files people upload (organisations and staff lists exported from spreadsheets
 * and HR systems). Whatever the bytes: the reader returns records or refuses with a message that
 * names a line, never reads past the buffer, and every record it returns, written back with
 * RFC 4180 quoting and read again, gives the same fields. */
#include "fuzz.h"
#include "io/csv.h"

static void quote(struct buf *b, const char *s)
{
    buf_append_char(b, '"');
    for (; *s; s++) {
        if (*s == '"')
            buf_append_char(b, '"');
        buf_append_char(b, *s);
    }
    buf_append_char(b, '"');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct csv_reader r;
    csv_reader_init(&r, (const char *)data, size);
    struct mm_error err = { "" };
    enum mm_status rc;
    size_t records = 0;
    while ((rc = csv_next(&r, &err)) == MM_OK) {
        FUZZ_CHECK(r.nfields >= 1 && r.nfields <= CSV_MAX_FIELDS, "%zu fields", r.nfields);
        struct buf line;
        buf_init(&line, BUF_NO_MAX);
        for (size_t i = 0; i < r.nfields; i++) {
            if (i)
                buf_append_char(&line, ',');
            quote(&line, r.fields[i]);
        }
        buf_append_str(&line, "\r\n");
        struct csv_reader again;
        csv_reader_init(&again, line.data, line.len);
        struct mm_error e2 = { "" };
        /* a record of one empty field is a blank line, which the reader skips; quoted it is not */
        FUZZ_CHECK(csv_next(&again, &e2) == MM_OK, "re-reading a written record failed: %s", e2.msg);
        FUZZ_CHECK(again.nfields == r.nfields, "%zu fields, %zu after a round trip", r.nfields, again.nfields);
        for (size_t i = 0; i < r.nfields; i++)
            FUZZ_CHECK(!strcmp(again.fields[i], r.fields[i]), "field %zu changed in a round trip", i);
        csv_reader_release(&again);
        buf_release(&line);
        records++;
    }
    FUZZ_CHECK(rc == MM_EOF || (err.msg[0] && strstr(err.msg, "line ")), "refused without naming a line: %s", err.msg);
    csv_reader_release(&r);
    (void)records;
    return 0;
}
