/* SPDX-License-Identifier: Apache-2.0 */
/* log.c: diagnostic log lines with a UTC timestamp and level. */
#include "prelude.h"
#include "log.h"
#include "mtime.h"

#include <unistd.h>

static enum mm_log_level log_level = MM_LOG_INFO;
static int log_fd = 2;

static const char *const level_names[] = { "error", "warn", "info", "debug" };

void mm_log_set_level(enum mm_log_level level)
{
    log_level = level;
}

void mm_log_set_fd(int fd)
{
    log_fd = fd;
}

enum mm_status mm_log_parse_level(const char *s, enum mm_log_level *out)
{
    for (size_t i = 0; i < MM_ARRAY_LEN(level_names); i++) {
        if (!strcmp(s, level_names[i])) {
            *out = (enum mm_log_level)i;
            return MM_OK;
        }
    }
    return MM_ERR_INVALID;
}

void mm_log(enum mm_log_level level, const char *subsystem, const char *fmt, ...)
{
    if (level > log_level)
        return;
    char line[2048];
    size_t n = mm_time_format(mm_now_ns(), MM_TIME_MILLI, line, sizeof line);
    int k = snprintf(line + n, sizeof line - n, " %s %s: ", level_names[level], subsystem);
    if (k > 0)
        n = MM_MIN(n + (size_t)k, sizeof line - 1);
    va_list ap;
    va_start(ap, fmt);
    k = vsnprintf(line + n, sizeof line - n, fmt, ap);
    va_end(ap);
    if (k > 0)
        n = MM_MIN(n + (size_t)k, sizeof line - 2);
    line[n++] = '\n';
    (void)!write(log_fd, line, n);
}
