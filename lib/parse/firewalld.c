/* SPDX-License-Identifier: Apache-2.0 */
/* firewalld.c: the firewalld daemon's own messages ("WARNING: ALREADY_ENABLED: 'ssh' already in
 * 'public'"), from syslog/journald and from its log file (/var/log/firewalld, each line led by
 * "YYYY-MM-DD HH:MM:SS "). Its packet logs are kernel lines: see iptables.c. */
#include "base/prelude.h"
#include "base/str.h"
#include "parser.h"

static const char *const firewalld_programs[] = { "firewalld", NULL };

/* The labels firewalld's logger puts before a message; info messages have none. */
static const char *const firewalld_levels[] = { "FATAL ERROR", "ERROR", "WARNING", "DEBUG" };

/* Length of a level label at p ("WARNING", "DEBUG1") followed by ':', or 0. */
static size_t level_len(const char *p, size_t len)
{
    for (size_t i = 0; i < MM_ARRAY_LEN(firewalld_levels); i++) {
        size_t n = strlen(firewalld_levels[i]);
        if (len < n || memcmp(p, firewalld_levels[i], n))
            continue;
        while (n < len && mm_is_digit(p[n]))
            n++;
        if (n < len && p[n] == ':')
            return n;
        return 0;
    }
    return 0;
}

/* "2026-11-23 15:30:00 " at the start of a log-file line: its length, or 0. */
static size_t file_stamp_len(const char *p, size_t len)
{
    static const char shape[] = "dddd-dd-dd dd:dd:dd ";
    size_t n = sizeof shape - 1;
    if (len < n)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (shape[i] == 'd' ? !mm_is_digit(p[i]) : p[i] != shape[i])
            return 0;
    }
    return n;
}

static bool firewalld_probe(const char *msg, size_t len)
{
    size_t s = file_stamp_len(msg, len);
    return s && level_len(msg + s, len - s);
}

static enum mm_status firewalld_parse(struct event *ev, const struct parse_context *ctx)
{
    const char *p = ev->message.p;
    size_t len = ev->message.len;
    size_t stamp = file_stamp_len(p, len);
    size_t lv = level_len(p + stamp, len - stamp);
    if (stamp == len)
        return MM_NO_MATCH;
    if (stamp) {
        int64_t ns;
        size_t used;
        bool has_zone;
        if (parse_iso_time(p, stamp - 1, &ctx->tz, &ns, &used, &has_zone) == MM_OK) {
            ev->time_ns = ns;
            ev->time_has_year = true;
            ev->time_has_zone = has_zone;
        }
    }
    size_t i = stamp;
    if (lv) {
        event_add(ev, "level", p + stamp, lv);
        i += lv + 1; /* past ':' */
    }
    while (i < len && p[i] == ' ')
        i++;
    /* an error code (firewall/errors.py): upper-case letters, digits and '_', then ':' or the end;
     * only after a WARNING or ERROR label, so an info message's first word is not taken */
    size_t c = i;
    while (lv && c < len && ((p[c] >= 'A' && p[c] <= 'Z') || p[c] == '_' || mm_is_digit(p[c])))
        c++;
    if (c - i >= 2 && (c == len || p[c] == ':') && p[i] >= 'A' && p[i] <= 'Z') {
        event_add(ev, "code", p + i, c - i);
        i = c < len ? c + 1 : c;
        while (i < len && p[i] == ' ')
            i++;
    }
    if (i < len)
        event_add(ev, "detail", p + i, len - i);
    event_set_logsource(ev, "linux", NULL, "firewalld");
    return MM_OK;
}

const struct parser parser_firewalld = {
    .name = "firewalld",
    .summary = "firewalld daemon messages (level, error code, detail); packet logs go to iptables",
    .programs = firewalld_programs,
    .probe = firewalld_probe,
    .parse = firewalld_parse,
    .probe_priority = 400,
};
