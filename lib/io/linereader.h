/* SPDX-License-Identifier: Apache-2.0 */
/* linereader.h: read LF-terminated records from a file descriptor with bounded memory. A line
 * longer than the maximum is returned truncated (flagged) and the rest of it is skipped, so one
 * runaway line costs no more than max bytes. */
#ifndef MM_LINEREADER_H
#define MM_LINEREADER_H

#include "base/prelude.h"

struct linereader {
    int fd;
    char *buf;
    size_t cap, start, end; /* unread bytes are buf[start..end) */
    size_t max;             /* maximum line length returned */
    bool skipping;          /* discarding the tail of an over-long line */
    bool eof;
    uint64_t offset;        /* file offset of the next unread byte */
};

void linereader_init(struct linereader *lr, int fd, size_t max_line);
void linereader_release(struct linereader *lr);
/* Next line without its LF (a CR before it is kept; parsers strip it). *line points into the
 * reader's buffer, valid until the next call. MM_OK, MM_EOF at end of file (a final line without
 * LF is returned first when at_eof_partial is true), MM_ERR_IO on read errors. *truncated is set
 * when the line was longer than max. */
enum mm_status linereader_next(struct linereader *lr, const char **line, size_t *len,
                               bool *truncated, bool at_eof_partial);

#endif
