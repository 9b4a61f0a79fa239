/* SPDX-License-Identifier: Apache-2.0 */
/* postgres.c: PostgreSQL server log lines, from the log file (stderr format with a
 * log_line_prefix such as '%m [%p] ' or '%m [%p] %q%u@%d ') or from syslog ("[3-1] " sequence
 * numbers first): connections, authentication failures, statements, durations, errors, pgaudit. */
#include "base/prelude.h"
#include "base/str.h"
#include "parser.h"
#include "cursor.h"

#define PG_MAX_PREFIX_ITEMS 16 /* "k=v" items read from a log_line_prefix */
#define PG_MAX_LEVEL        10 /* longest level word: "STATEMENT" */

static const char *const pg_levels[] = {
    "LOG",    "ERROR",  "FATAL",  "PANIC",  "WARNING", "NOTICE",    "INFO",    "DEBUG1", "DEBUG2",
    "DEBUG3", "DEBUG4", "DEBUG5", "DETAIL", "HINT",    "STATEMENT", "CONTEXT", "QUERY",  "LOCATION",
};

static bool is_level(struct slice w)
{
    for (size_t i = 0; i < MM_ARRAY_LEN(pg_levels); i++)
        if (slice_eq(w, pg_levels[i]))
            return true;
    return false;
}

/* Find "<LEVEL>:  " in s: *prefix gets the text before the level word, *level the word, and
 * *text what follows the two spaces. */
static bool find_level(struct slice s, struct slice *prefix, struct slice *level,
                       struct slice *text)
{
    struct slice rest = s;
    for (unsigned tries = 0; tries < 8; tries++) {
        const char *q = mm_memmem(rest.p, rest.len, ":  ");
        if (!q)
            return false;
        const char *w = q;
        while (w > s.p && w[-1] != ' ' && (size_t)(q - w) <= PG_MAX_LEVEL)
            w--;
        struct slice word = slice_make(w, (size_t)(q - w));
        if (is_level(word)) {
            *prefix = scan_trim(slice_make(s.p, (size_t)(w - s.p)));
            *level = word;
            size_t off = (size_t)(q - s.p) + 3;
            *text = slice_make(s.p + off, s.len - off);
            return true;
        }
        cursor_skip(&rest, (size_t)(q - rest.p) + 1);
    }
    return false;
}

/* A name from the prefix: "[unknown]" (not yet known at connection time) counts as absent. */
static bool known_name(struct slice v)
{
    return v.len && !slice_eq(v, "[unknown]");
}

static void add_db_user(struct event *ev, struct slice user)
{
    event_add_slice(ev, "db_user", user);
    event_add_slice(ev, "username", user);
}

/* %h is an address or "[local]"; %r adds "(port)". */
static void add_client(struct event *ev, struct slice host, bool with_port)
{
    struct slice port = { 0 };
    const char *paren = host.len ? memchr(host.p, '(', host.len) : NULL;
    if (paren) {
        port = slice_make(paren + 1, host.len - (size_t)(paren - host.p) - 1);
        port.len = scan_digits(port);
        host.len = (size_t)(paren - host.p);
    }
    if (parse_is_ip(host))
        event_add_slice(ev, "src_ip", host);
    else if (known_name(host) && !slice_eq(host, "[local]"))
        event_add_slice(ev, "src_host", host);
    if (with_port && port.len)
        event_add_num(ev, "src_port", port.p, port.len);
}

/* The log_line_prefix part between "[pid] " and the level: "app@appdb" (%u@%d) or
 * "user=app,db=appdb,app=psql,client=10.0.0.5" (the pgBadger-recommended form). Other prefixes
 * are left in the message. */
static void parse_prefix(struct event *ev, struct slice s)
{
    for (unsigned n = 0; n < PG_MAX_PREFIX_ITEMS && s.len; n++) {
        struct slice tok = cursor_take_until(&s, ' ');
        if (!mm_memmem(tok.p, tok.len, "=")) {
            const char *at = tok.len ? memchr(tok.p, '@', tok.len) : NULL;
            if (!at)
                continue;
            struct slice user = slice_make(tok.p, (size_t)(at - tok.p));
            struct slice db = slice_make(at + 1, tok.len - user.len - 1);
            if (known_name(user))
                add_db_user(ev, user);
            if (known_name(db))
                event_add_slice(ev, "database", db);
            continue;
        }
        for (unsigned i = 0; i < PG_MAX_PREFIX_ITEMS && tok.len; i++) {
            struct slice item = cursor_take_until(&tok, ',');
            struct slice key = cursor_take_until(&item, '=');
            if (!known_name(item))
                continue;
            if (slice_eq(key, "user"))
                add_db_user(ev, item);
            else if (slice_eq(key, "db"))
                event_add_slice(ev, "database", item);
            else if (slice_eq(key, "app"))
                event_add_slice(ev, "application", item);
            else if (slice_eq(key, "client") || slice_eq(key, "host"))
                add_client(ev, item, true);
        }
    }
}

/* The value of "key=" in "key=v key2=v2 ..."; empty when absent. */
static struct slice word_after(struct slice s, const char *key)
{
    size_t n = strlen(key);
    for (;;) {
        const char *q = mm_memmem(s.p, s.len, key);
        if (!q)
            return slice_make(s.p, 0);
        if (q == s.p || q[-1] == ' ') {
            struct slice v = slice_make(q + n, s.len - (size_t)(q - s.p) - n);
            return cursor_take_until(&v, ' ');
        }
        cursor_skip(&s, (size_t)(q - s.p) + 1);
    }
}

/* The text between the first pair of double quotes after lit, or empty. */
static struct slice quoted_after(struct slice s, const char *lit)
{
    const char *q = mm_memmem(s.p, s.len, lit);
    if (!q)
        return slice_make(s.p, 0);
    cursor_skip(&s, (size_t)(q - s.p) + strlen(lit));
    if (!cursor_eat(&s, "\""))
        return slice_make(s.p, 0);
    return cursor_take_until(&s, '"');
}

/* One CSV field of a pgaudit line; quoted fields have "" for a quote and are copied unescaped. */
static struct slice csv_field(struct event *ev, struct slice *s)
{
    if (!cursor_eat(s, "\""))
        return cursor_take_until(s, ',');
    const char *start = s->p;
    size_t i = 0;
    bool escaped = false;
    while (i < s->len) {
        if (s->p[i] == '"') {
            if (i + 1 < s->len && s->p[i + 1] == '"') {
                escaped = true;
                i += 2;
                continue;
            }
            break;
        }
        i++;
    }
    struct slice v = slice_make(start, i);
    cursor_skip(s, i + 1);
    cursor_eat(s, ",");
    if (escaped) {
        char *out = event_strdup(ev, v.p, v.len);
        if (!out)
            return v;
        size_t o = 0;
        for (size_t k = 0; k < v.len; k++) {
            out[o++] = v.p[k];
            if (v.p[k] == '"' && k + 1 < v.len && v.p[k + 1] == '"')
                k++;
        }
        v = slice_make(out, o);
    }
    return v;
}

/* pgaudit: "AUDIT: SESSION,1,1,READ,SELECT,TABLE,public.t,select * from t,<not logged>" */
static void pgaudit(struct event *ev, struct slice s)
{
    struct slice type = csv_field(ev, &s);
    csv_field(ev, &s); /* statement id */
    csv_field(ev, &s); /* substatement id */
    struct slice class = csv_field(ev, &s), command = csv_field(ev, &s);
    struct slice otype = csv_field(ev, &s), oname = csv_field(ev, &s);
    struct slice stmt = csv_field(ev, &s);
    parse_add_action(ev, "audit", NULL);
    event_add_slice(ev, "audit_type", type);
    if (class.len)
        event_add_slice(ev, "audit_class", class);
    if (command.len)
        event_add_slice(ev, "command", command);
    if (otype.len)
        event_add_slice(ev, "object_type", otype);
    if (oname.len)
        event_add_slice(ev, "object_name", oname);
    if (stmt.len)
        event_add_slice(ev, "statement", stmt);
}

static void pg_text(struct event *ev, struct slice level, struct slice t)
{
    struct slice v;
    if (slice_eq(level, "STATEMENT") || slice_eq(level, "QUERY")) {
        event_add_slice(ev, "statement", t);
        return;
    }
    if (cursor_eat(&t, "connection received: ")) {
        parse_add_action(ev, "connect", NULL);
        if (!event_get(ev, "src_ip"))
            add_client(ev, word_after(t, "host="), false);
        v = word_after(t, "port=");
        if (v.len && !event_get(ev, "src_port"))
            event_add_num(ev, "src_port", v.p, v.len);
    } else if (cursor_eat(&t, "connection authenticated: ")) {
        parse_add_action(ev, "authenticated", "success");
        v = quoted_after(t, "identity=");
        if (v.len)
            event_add_slice(ev, "identity", v);
        v = word_after(t, "method=");
        if (v.len)
            event_add_slice(ev, "auth_method", v);
    } else if (cursor_eat(&t, "connection authorized: ")) {
        parse_add_action(ev, "authorized", "success");
        if (!event_get(ev, "db_user") && (v = word_after(t, "user=")).len)
            add_db_user(ev, v);
        if (!event_get(ev, "database") && (v = word_after(t, "database=")).len)
            event_add_slice(ev, "database", v);
        if (!event_get(ev, "application") && (v = word_after(t, "application_name=")).len)
            event_add_slice(ev, "application", v);
    } else if (cursor_eat(&t, "disconnection: session time: ")) {
        parse_add_action(ev, "disconnect", NULL);
        event_add_slice(ev, "session_time", cursor_take_until(&t, ' '));
        if (!event_get(ev, "db_user") && (v = word_after(t, "user=")).len)
            add_db_user(ev, v);
        if (!event_get(ev, "database") && (v = word_after(t, "database=")).len)
            event_add_slice(ev, "database", v);
        if (!event_get(ev, "src_ip"))
            add_client(ev, word_after(t, "host="), false);
        if (!event_get(ev, "src_port") && (v = word_after(t, "port=")).len)
            event_add_num(ev, "src_port", v.p, v.len);
    } else if (cursor_eat(&t, "duration: ")) {
        struct slice ms = cursor_take_until(&t, ' ');
        parse_add_action(ev, t.len > 4 ? "statement" : "duration", NULL);
        event_add_num(ev, "duration_ms", ms.p, ms.len);
        if (cursor_eat(&t, "ms  ")) {
            /* "statement", "execute <unnamed>", "parse S_1", "bind ..." */
            cursor_take_until(&t, ':');
            cursor_eat(&t, " ");
            event_add_slice(ev, "statement", t);
        }
    } else if (cursor_eat(&t, "statement: ")) {
        parse_add_action(ev, "statement", NULL);
        event_add_slice(ev, "statement", t);
    } else if (cursor_eat(&t, "execute ")) {
        cursor_take_until(&t, ':');
        cursor_eat(&t, " ");
        parse_add_action(ev, "statement", NULL);
        event_add_slice(ev, "statement", t);
    } else if (cursor_eat(&t, "AUDIT: ")) {
        pgaudit(ev, t);
    } else if (mm_memmem(t.p, t.len, " authentication failed for user \"")) {
        /* "password authentication failed for user "app"", also md5, scram, peer, ident, ldap */
        parse_add_action(ev, "auth_failure", "failure");
        event_add_slice(ev, "auth_method", cursor_take_until(&t, ' '));
        v = quoted_after(t, "for user ");
        if (v.len && !event_get(ev, "db_user"))
            add_db_user(ev, v);
    } else if (cursor_eat(&t, "no pg_hba.conf entry for ")) {
        /* "host "10.0.0.5", user "app", database "appdb", SSL off" */
        parse_add_action(ev, "auth_failure", "failure");
        event_add_cstr(ev, "reason", "no pg_hba.conf entry");
        v = quoted_after(t, "host ");
        if (!event_get(ev, "src_ip"))
            add_client(ev, v, false);
        if (!event_get(ev, "db_user") && (v = quoted_after(t, "user ")).len)
            add_db_user(ev, v);
        if (!event_get(ev, "database") && (v = quoted_after(t, "database ")).len)
            event_add_slice(ev, "database", v);
    } else if (slice_eq(level, "FATAL") &&
               (slice_starts(t, "role \"") || slice_starts(t, "database \""))) {
        /* "role "x" does not exist", "database "nodb" does not exist" at connection time */
        bool role = t.p[0] == 'r';
        parse_add_action(ev, role ? "auth_failure" : "connect_failure", "failure");
        v = quoted_after(t, "");
        if (v.len && role && !event_get(ev, "db_user"))
            add_db_user(ev, v);
        if (v.len && !role && !event_get(ev, "database"))
            event_add_slice(ev, "database", v);
    }
}

static bool is_zone_abbr(struct slice w)
{
    if (w.len < 2 || w.len > 6)
        return false;
    for (size_t i = 0; i < w.len; i++)
        if (!((w.p[i] >= 'A' && w.p[i] <= 'Z') || w.p[i] == '+' || w.p[i] == '-' ||
              mm_is_digit(w.p[i])))
            return false;
    return true;
}

static bool parse_stamp(struct event *ev, struct slice *s, const struct parse_context *ctx)
{
    int64_t ns;
    size_t used;
    bool zone;
    /* years past 2262 do not fit int64 nanoseconds: only 1000-2199 are tried */
    if (s->len < 19 || !(s->p[0] == '1' || (s->p[0] == '2' && s->p[1] <= '1')) || s->p[4] != '-' ||
        s->p[10] != ' ')
        return false;
    if (parse_iso_time(s->p, s->len, &ctx->tz, &ns, &used, &zone) != MM_OK)
        return false;
    struct slice rest = slice_make(s->p + used, s->len - used);
    /* %m/%t add the zone abbreviation of log_timezone; only UTC/GMT are unambiguous, other
     * abbreviations ("JST", "CET") leave the listener's zone in force */
    if (!zone && cursor_eat(&rest, " ")) {
        struct slice after = rest, abbr = cursor_take_until(&after, ' ');
        if (is_zone_abbr(abbr)) {
            if (slice_eq(abbr, "UTC") || slice_eq(abbr, "GMT")) {
                struct mm_tz utc = { false, 0 };
                parse_iso_time(s->p, s->len, &utc, &ns, &used, &zone);
                zone = true;
            }
            rest = after;
        }
    }
    rest = scan_trim(rest);
    ev->time_ns = ns;
    ev->time_has_zone = zone;
    ev->time_has_year = true;
    *s = rest;
    return true;
}

static bool pg_program(struct slice prog)
{
    return mm_bytes_eq_nocase(prog.p, prog.len, "postgres") ||
           mm_bytes_eq_nocase(prog.p, prog.len, "postgresql") || slice_starts(prog, "postgresql-");
}

static enum mm_status pg_parse(struct event *ev, const struct parse_context *ctx)
{
    struct slice s = ev->message, prefix, level, text;
    bool continuation = false;
    /* syslog: "[5-1] " (syslog_sequence_numbers, split lines numbered after the dash) */
    if (pg_program(ev->program) && slice_starts(s, "[")) {
        struct slice t = s;
        cursor_skip(&t, 1);
        size_t n = scan_digits(t);
        if (n) {
            cursor_skip(&t, n);
            if (cursor_eat(&t, "-")) {
                size_t m = scan_digits(t);
                continuation = !(m == 1 && t.p[0] == '1');
                cursor_skip(&t, m);
            }
            if (cursor_eat(&t, "] ") || cursor_eat(&t, "]")) {
                s = t;
            }
        }
    }
    parse_stamp(ev, &s, ctx);
    if (slice_starts(s, "[")) { /* %p */
        struct slice t = s;
        cursor_skip(&t, 1);
        size_t n = scan_digits(t);
        if (n && n < t.len && t.p[n] == ']') {
            if (!ev->pid.len)
                ev->pid = slice_make(t.p, n);
            cursor_skip(&t, n + 1);
            cursor_eat(&t, ":");
            s = scan_trim(t);
        }
    }
    if (continuation) {
        event_set_logsource(ev, "postgresql", "database", NULL);
        return MM_OK;
    }
    if (!find_level(s, &prefix, &level, &text))
        return MM_NO_MATCH;
    event_set_logsource(ev, "postgresql", "database", NULL);
    parse_prefix(ev, prefix);
    event_add_slice(ev, "level", level);
    pg_text(ev, level, text);
    return MM_OK;
}

/* Header-less log file lines: "2026-11-23 15:30:00.123 JST [1234] ... LOG:  ..." */
static bool pg_probe(const char *msg, size_t len)
{
    struct slice s = slice_make(msg, len), prefix, level, text;
    if (len < 24 || !mm_is_digit(msg[0]) || msg[4] != '-' || msg[7] != '-' || msg[10] != ' ' ||
        msg[13] != ':')
        return false;
    return find_level(s, &prefix, &level, &text);
}

static const char *const pg_programs[] = { "postgres", "postgresql", "postgresql-*", NULL };

const struct parser parser_postgres = {
    .name = "postgres",
    .summary = "PostgreSQL server log (stderr/log file with log_line_prefix, or syslog)",
    .programs = pg_programs,
    .probe = pg_probe,
    .parse = pg_parse,
    .probe_priority = 400,
};
