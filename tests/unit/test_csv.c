/* SPDX-License-Identifier: Apache-2.0 */
/* test_csv.c: the RFC 4180 reader. */
#include "unit.h"
#include "io/csv.h"

#include <string.h>

static size_t read_all(const char *text, char out[][64], size_t max, enum mm_status *last, struct mm_error *err)
{
    struct csv_reader r;
    csv_reader_init(&r, text, strlen(text));
    size_t n = 0;
    while ((*last = csv_next(&r, err)) == MM_OK) {
        for (size_t i = 0; i < r.nfields && n < max; i++)
            snprintf(out[n++], 64, "%zu:%s", r.record_line, r.fields[i]);
        if (n < max)
            snprintf(out[n++], 64, "|");
    }
    csv_reader_release(&r);
    return n;
}

int main(void)
{
    char f[32][64];
    enum mm_status last;
    struct mm_error err = { "" };
    size_t n = read_all("\xef\xbb\xbf" "a,b,c\r\n1,\"x,y\",\"say \"\"hi\"\"\"\r\n\r\n2,\"two\nlines\",\n", f, 32, &last, &err);
    CHECK(last == MM_EOF);
    CHECK(n == 12);
    CHECK(!strcmp(f[0], "1:a")); /* the byte-order mark is not part of the first name */
    CHECK(!strcmp(f[5], "2:x,y"));
    CHECK(!strcmp(f[6], "2:say \"hi\""));
    CHECK(!strcmp(f[8], "4:2")); /* the blank line is skipped; line numbers stay true */
    CHECK(!strcmp(f[9], "4:two\nlines"));
    CHECK(!strcmp(f[10], "4:")); /* a trailing empty field */
    n = read_all("a,b\nno final newline", f, 32, &last, &err);
    CHECK(last == MM_EOF && n == 5 && !strcmp(f[3], "2:no final newline"));

    static const struct {
        const char *text, *msg;
    } bad[] = {
        { "a,b\n1,\"open\n", "line 2: a quoted field is not closed" },
        { "a,b\n1,\"x\"y\n", "line 2: text after a closing quote" },
        { "a,b\n1,x\"y\n", "line 2: a quote inside an unquoted field" },
    };
    for (size_t i = 0; i < MM_ARRAY_LEN(bad); i++) {
        err.msg[0] = '\0';
        read_all(bad[i].text, f, 32, &last, &err);
        CHECK(last == MM_ERR_PARSE);
        CHECK(!strcmp(err.msg, bad[i].msg));
        if (strcmp(err.msg, bad[i].msg))
            printf("# got '%s'\n", err.msg);
    }
    /* too many fields */
    char wide[300] = "x";
    for (int i = 1; i < CSV_MAX_FIELDS + 1; i++)
        memcpy(wide + 2 * i - 1, ",x", 3);
    read_all(wide, f, 32, &last, &err);
    CHECK(last == MM_ERR_TOO_LARGE && strstr(err.msg, "more than 64 fields"));
    return UNIT_DONE();
}
