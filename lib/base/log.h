/* SPDX-License-Identifier: Apache-2.0 */
/* log.h: the daemon's own diagnostic log (not the logs it collects). Lines go to stderr or a file
 * as "2026-11-23T15:30:00.123Z warn sensor: message"; thread-safe; one write(2) per line. */
#ifndef MM_LOG_H
#define MM_LOG_H

#include "prelude.h"

enum mm_log_level { MM_LOG_ERROR, MM_LOG_WARN, MM_LOG_INFO, MM_LOG_DEBUG };

void mm_log_set_level(enum mm_log_level level);
enum mm_status mm_log_parse_level(const char *s, enum mm_log_level *out);
/* Send lines to fd (default 2). The fd is not closed by the log. */
void mm_log_set_fd(int fd);
void mm_log(enum mm_log_level level, const char *subsystem, const char *fmt, ...) MM_PRINTF(3, 4);

#define mm_log_error(sub, ...) mm_log(MM_LOG_ERROR, sub, __VA_ARGS__)
#define mm_log_warn(sub, ...)  mm_log(MM_LOG_WARN, sub, __VA_ARGS__)
#define mm_log_info(sub, ...)  mm_log(MM_LOG_INFO, sub, __VA_ARGS__)
#define mm_log_debug(sub, ...) mm_log(MM_LOG_DEBUG, sub, __VA_ARGS__)

#endif
