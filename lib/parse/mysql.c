/* SPDX-License-Identifier: Apache-2.0 */
/* mysql.c: MySQL and MariaDB server logs: the error log (MariaDB "2026-11-23 15:30:00 5 [Warning]
 * ...", MySQL 8 "2026-11-23T06:30:00.123456Z 8 [Note] [MY-010926] [Server] ...") and the general
 * query log (Connect, Query, Quit, ...), from files or through syslog/journald. */
#include "base/prelude.h"
#include "base/mtime.h"
#include "base/str.h"
#include "parser.h"
#include "cursor.h"

/* A client host: an address is src_ip, a name ("localhost") client_host. */
static void add_host(struct event *ev, struct slice host)
{
    if (!host.len)
        return;
    event_add_slice(ev, parse_is_ip(host) ? "src_ip" : "client_host", host);
}

/* "Access denied for user 'app'@'10.0.0.5' (using password: YES)" and
 * "Access denied for user 'app'@'10.0.0.5' to database 'appdb'" */
static bool access_denied(struct event *ev, struct slice s)
{
    if (!cursor_eat(&s, "Access denied for user "))
        return false;
    struct slice user = cursor_take_quoted(&s, '\'');
    struct slice host = cursor_eat(&s, "@") ? cursor_take_quoted(&s, '\'') : slice_make(s.p, 0);
    bool db = cursor_eat(&s, " to database ");
    parse_add_action(ev, db ? "access_denied" : "auth_failure", "failure");
    if (user.len)
        event_add_slice(ev, "username", user);
    add_host(ev, host);
    if (db)
        event_add_slice(ev, "database", cursor_take_quoted(&s, '\''));
    else if (cursor_eat(&s, " (using password: "))
        event_add_slice(ev, "using_password", cursor_take_until(&s, ')'));
    return true;
}

/* error-log message text */
static void error_text(struct event *ev, struct slice s)
{
    if (access_denied(ev, s))
        return;
    if (cursor_eat(&s, "Aborted connection ")) {
        /* "12 to db: 'appdb' user: 'app' host: '10.0.0.5' (Got an error reading communication
         * packets)" */
        cursor_take_until(&s, ' ');
        parse_add_action(ev, "aborted_connection", "failure");
        if (cursor_eat(&s, "to db: ")) {
            struct slice db = cursor_take_quoted(&s, '\'');
            if (db.len && !slice_eq(db, "unconnected"))
                event_add_slice(ev, "database", db);
            cursor_eat(&s, " ");
        }
        if (cursor_eat(&s, "user: ")) {
            struct slice user = cursor_take_quoted(&s, '\'');
            if (user.len)
                event_add_slice(ev, "username", user);
            cursor_eat(&s, " ");
        }
        if (cursor_eat(&s, "host: ")) {
            add_host(ev, cursor_take_quoted(&s, '\''));
            cursor_eat(&s, " ");
        }
        if (cursor_eat(&s, "(")) {
            struct slice reason = cursor_take_until(&s, ')');
            event_add_slice(ev, "reason", reason);
        }
    }
}

/* General query log after the time: "   10 Connect\tapp@10.0.0.5 on appdb using TCP/IP" */
static bool general_entry(struct event *ev, struct slice s)
{
    cursor_skip_blanks(&s);
    size_t n = scan_digits(s);
    if (!n || n >= s.len || s.p[n] != ' ')
        return false;
    struct slice thread = slice_make(s.p, n);
    cursor_skip(&s, n + 1);
    struct slice command = cursor_take_until(&s, '\t');
    if (!command.len || command.len > 24)
        return false;
    event_add_num(ev, "thread_id", thread.p, thread.len);
    event_add_slice(ev, "command", command);
    if (slice_eq(command, "Connect")) {
        if (access_denied(ev, s))
            return true;
        /* "app@10.0.0.5 on appdb using TCP/IP", written before authentication: no outcome */
        struct slice who = cursor_take_until(&s, ' ');
        const char *at = who.len ? memchr(who.p, '@', who.len) : NULL;
        parse_add_action(ev, "connect", NULL);
        if (at) {
            event_add(ev, "username", who.p, (size_t)(at - who.p));
            add_host(ev, slice_make(at + 1, who.len - (size_t)(at - who.p) - 1));
        }
        if (cursor_eat(&s, "on ")) {
            struct slice db = cursor_take_until(&s, ' ');
            if (db.len)
                event_add_slice(ev, "database", db);
            cursor_skip_blanks(&s);
            if (cursor_eat(&s, "using "))
                event_add_slice(ev, "protocol", s);
        }
    } else if (slice_eq(command, "Query") || slice_eq(command, "Execute") ||
               slice_eq(command, "Prepare")) {
        parse_add_action(ev, "query", NULL);
        event_add_slice(ev, "statement", s);
    } else if (slice_eq(command, "Quit")) {
        parse_add_action(ev, "disconnect", NULL);
    } else if (slice_eq(command, "Init DB")) {
        if (!access_denied(ev, s)) {
            parse_add_action(ev, "use_database", NULL);
            event_add_slice(ev, "database", s);
        }
    }
    return true;
}

/* "261123 15:40:10" (YYMMDD, MariaDB's general log and old error logs) */
static bool short_time(struct slice s, const struct parse_context *ctx, int64_t *ns)
{
    if (s.len < 15 || s.p[6] != ' ' || s.p[9] != ':' || s.p[12] != ':' || scan_digits(s) != 6)
        return false;
    int v[6];
    static const unsigned pos[6] = { 0, 2, 4, 7, 10, 13 };
    for (size_t i = 0; i < 6; i++) {
        char a = s.p[pos[i]], b = s.p[pos[i] + 1];
        if (!mm_is_digit(a) || !mm_is_digit(b))
            return false;
        v[i] = (a - '0') * 10 + (b - '0');
    }
    int y = 2000 + v[0];
    if (!mm_date_valid(y, v[1], v[2]))
        return false;
    int64_t secs = mm_utc_seconds(y, v[1], v[2], v[3], v[4], v[5]);
    secs -= mm_tz_offset_at(&ctx->tz, y, v[1], v[2], v[3], v[4], v[5]);
    *ns = secs * 1000000000;
    return true;
}

struct mysql_stamp {
    int64_t ns;
    bool has_zone, iso_t; /* iso_t: "2026-11-23T..." as MySQL 5.7+ writes */
};

/* The leading time of a line, if any; s moves past it. */
static bool line_time(struct slice *s, const struct parse_context *ctx, struct mysql_stamp *t)
{
    size_t used;
    /* years past 2262 do not fit int64 nanoseconds: only 1000-2199 are tried */
    if (s->len >= 19 && (s->p[0] == '1' || (s->p[0] == '2' && s->p[1] <= '1')) && s->p[4] == '-' &&
        (s->p[10] == 'T' || s->p[10] == ' ')) {
        /* parse_iso_time accepts only ' ' or ':' after the time; the general log has a tab */
        const char *tab = memchr(s->p, '\t', MM_MIN(s->len, 40));
        size_t lim = tab ? (size_t)(tab - s->p) : s->len;
        if (parse_iso_time(s->p, lim, &ctx->tz, &t->ns, &used, &t->has_zone) != MM_OK)
            return false;
        t->iso_t = s->p[10] == 'T';
        cursor_skip(s, used);
        return true;
    }
    if (short_time(*s, ctx, &t->ns)) {
        t->has_zone = false;
        t->iso_t = false;
        cursor_skip(s, 15);
        return true;
    }
    return false;
}

static bool mariadb_program(struct slice prog)
{
    return mm_bytes_eq_nocase(prog.p, prog.len, "mariadbd") ||
           mm_bytes_eq_nocase(prog.p, prog.len, "mariadb");
}

static enum mm_status mysql_parse(struct event *ev, const struct parse_context *ctx)
{
    struct slice s = ev->message;
    struct mysql_stamp t = { 0 };
    bool timed = line_time(&s, ctx, &t);
    bool mariadb = mariadb_program(ev->program);
    bool ok = false;
    if (!timed && !cursor_eat(&s, "\t\t"))
        return MM_NO_MATCH;
    if (slice_starts(s, "\t") || !timed) {
        /* general log; MariaDB leaves the time out ("\t\t    3 Query\t...") within a second */
        if (timed)
            cursor_skip(&s, 1);
        ok = general_entry(ev, s);
        mariadb = mariadb || !t.iso_t;
    } else {
        /* error log: " 5 [Warning] text" or MySQL 8 " 8 [Note] [MY-010926] [Server] text" */
        cursor_skip_blanks(&s);
        size_t n = scan_digits(s);
        struct slice thread = slice_make(s.p, n);
        cursor_skip(&s, n);
        cursor_skip_blanks(&s);
        if (cursor_eat(&s, "[")) {
            struct slice level = cursor_take_until(&s, ']');
            struct slice code = { 0 }, subsystem = { 0 };
            cursor_skip_blanks(&s);
            if (slice_starts(s, "[MY-")) {
                cursor_skip(&s, 1);
                code = cursor_take_until(&s, ']');
                cursor_skip_blanks(&s);
                if (cursor_eat(&s, "["))
                    subsystem = cursor_take_until(&s, ']');
                cursor_skip_blanks(&s);
            } else {
                mariadb = mariadb || !t.iso_t;
            }
            if (thread.len)
                event_add_num(ev, "thread_id", thread.p, thread.len);
            event_add_slice(ev, "level", level);
            if (code.len)
                event_add_slice(ev, "error_code", code);
            if (subsystem.len)
                event_add_slice(ev, "subsystem", subsystem);
            error_text(ev, s);
            ok = level.len > 0;
        }
    }
    if (!ok)
        return MM_NO_MATCH;
    if (timed) {
        ev->time_ns = t.ns;
        ev->time_has_zone = t.has_zone;
        ev->time_has_year = true;
    }
    event_set_logsource(ev, mariadb ? "mariadb" : "mysql", "database", NULL);
    return MM_OK;
}

/* Header-less lines: an error-log line ("<time> <thread> [<Level>]"), or a general-log line
 * ("<time>\t<spaces><thread> <Command>\t" or "\t\t<spaces><thread> <Command>\t"). */
static bool mysql_probe(const char *msg, size_t len)
{
    struct slice s = slice_make(msg, len);
    struct parse_context ctx = { { false, 0 } };
    struct mysql_stamp t;
    bool timed = line_time(&s, &ctx, &t);
    if ((timed && cursor_eat(&s, "\t")) || (!timed && cursor_eat(&s, "\t\t"))) {
        cursor_skip_blanks(&s);
        size_t n = scan_digits(s);
        return n && n < s.len && s.p[n] == ' ' && mm_memmem(s.p, MM_MIN(s.len, 40), "\t");
    }
    if (!timed)
        return false;
    cursor_skip_blanks(&s);
    size_t n = scan_digits(s);
    cursor_skip(&s, n);
    cursor_skip_blanks(&s);
    return slice_starts(s, "[Note]") || slice_starts(s, "[Warning]") ||
           slice_starts(s, "[ERROR]") || slice_starts(s, "[System]");
}

static const char *const mysql_programs[] = { "mysqld", "mariadbd", "mariadb", "mysqld_safe",
                                              NULL };

const struct parser parser_mysql = {
    .name = "mysql",
    .summary = "MySQL/MariaDB error log and general query log",
    .programs = mysql_programs,
    .probe = mysql_probe,
    .parse = mysql_parse,
    .probe_priority = 390,
};
