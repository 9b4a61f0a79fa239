/* SPDX-License-Identifier: Apache-2.0 */
/* syslog.c: the syslog header, RFC 5424 and RFC 3164 as devices really send it: with or without
 * PRI, hostname or year; ISO timestamps in the 3164 position (rsyslog's forwarding format); Cisco
 * IOS sequence numbers and unsynchronised-clock marks; Cisco ASA "%ASA-" and FortiGate "date="
 * bodies straight after PRI. */
#include "base/prelude.h"
#include "base/str.h"
#include "parser.h"

#define SYSLOG_MAX_TAG 64 /* RFC 3164 says 32; real programs ("postfix/submission/smtpd") need more */

struct cursor {
    const char *p;
    size_t len, pos;
};

static inline bool at_end(const struct cursor *c)
{
    return c->pos >= c->len;
}

static inline char peek(const struct cursor *c, size_t off)
{
    return c->pos + off < c->len ? c->p[c->pos + off] : '\0';
}

static void skip_spaces(struct cursor *c)
{
    while (c->pos < c->len && c->p[c->pos] == ' ')
        c->pos++;
}

/* month from the three letters at the cursor + off, or 0 (also when fewer than 3 bytes remain) */
static int month_at(const struct cursor *c, size_t off)
{
    if (c->pos + off > c->len || c->len - (c->pos + off) < 3)
        return 0;
    return mm_month_from_abbr(c->p + c->pos + off);
}

/* n digits at the cursor as a number, or -1 */
static int digits(const struct cursor *c, size_t off, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        char ch = peek(c, off + i);
        if (!mm_is_digit(ch))
            return -1;
        v = v * 10 + (ch - '0');
    }
    return v;
}

static bool parse_pri(struct cursor *c, struct event *ev)
{
    if (peek(c, 0) != '<')
        return false;
    int v = 0;
    size_t i = 1;
    for (; i <= 4 && mm_is_digit(peek(c, i)); i++)
        v = v * 10 + (peek(c, i) - '0');
    if (i == 1 || i > 4 || peek(c, i) != '>' || v > 191 || (i > 2 && peek(c, 1) == '0'))
        return false;
    ev->facility = v / 8;
    ev->severity = v % 8;
    c->pos += i + 1;
    return true;
}

/* fraction digits after '.', as nanoseconds; advances past them */
static int64_t parse_fraction(struct cursor *c)
{
    int64_t ns = 0, scale = 100000000;
    if (peek(c, 0) != '.' && peek(c, 0) != ',')
        return 0;
    if (!mm_is_digit(peek(c, 1)))
        return 0;
    c->pos++;
    while (mm_is_digit(peek(c, 0))) {
        ns += (peek(c, 0) - '0') * scale;
        scale /= 10;
        c->pos++;
    }
    return ns;
}

/* civil time minus a zone offset, plus a fraction, as nanoseconds since the epoch; false when that
 * does not fit int64 nanoseconds (years before 1678 or after 2261: "Nov 23 9999 ...") */
static bool civil_to_ns(int y, int mo, int d, int h, int mi, int s, int32_t off, int64_t frac,
                        int64_t *ns)
{
    int64_t t;
    return !__builtin_mul_overflow(mm_utc_seconds(y, mo, d, h, mi, s) - off, MM_NS_PER_SEC, &t) &&
           !__builtin_add_overflow(t, frac, ns);
}

/* "Z", "+09:00", "+0900"; returns true and the offset when present */
static bool parse_zone(struct cursor *c, int32_t *off)
{
    char s = peek(c, 0);
    if (s == 'Z' || s == 'z') {
        c->pos++;
        *off = 0;
        return true;
    }
    if (s != '+' && s != '-')
        return false;
    int hh = digits(c, 1, 2), mm;
    if (hh < 0 || hh > 23)
        return false;
    size_t used;
    if (peek(c, 3) == ':') {
        mm = digits(c, 4, 2);
        used = 6;
    } else {
        mm = digits(c, 3, 2);
        used = 5;
    }
    if (mm < 0 || mm > 59)
        return false;
    *off = (hh * 3600 + mm * 60) * (s == '-' ? -1 : 1);
    c->pos += used;
    return true;
}

/* ISO 8601 at the cursor: yyyy-mm-ddThh:mm:ss[.frac][zone]. sep_space allows ' ' for 'T'. */
static bool parse_iso(struct cursor *c, const struct mm_tz *tz, bool sep_space, int64_t *ns,
                      bool *has_zone)
{
    int y = digits(c, 0, 4), mo = digits(c, 5, 2), d = digits(c, 8, 2);
    char t = peek(c, 10);
    if (y < 0 || mo < 0 || d < 0 || peek(c, 4) != '-' || peek(c, 7) != '-' ||
        !(t == 'T' || t == 't' || (sep_space && t == ' ')))
        return false;
    int h = digits(c, 11, 2), mi = digits(c, 14, 2), s = digits(c, 17, 2);
    if (h < 0 || mi < 0 || s < 0 || peek(c, 13) != ':' || peek(c, 16) != ':')
        return false;
    if (!mm_date_valid(y, mo, d) || h > 23 || mi > 59 || s > 60)
        return false;
    struct cursor save = *c;
    c->pos += 19;
    int64_t frac = parse_fraction(c);
    int32_t off;
    *has_zone = parse_zone(c, &off);
    if (!*has_zone)
        off = mm_tz_offset_at(tz, y, mo, d, h, mi, s);
    if ((c->pos < c->len && c->p[c->pos] != ' ' && c->p[c->pos] != ':') ||
        !civil_to_ns(y, mo, d, h, mi, s, off, frac, ns)) {
        *c = save;
        return false;
    }
    return true;
}

enum mm_status parse_iso_time(const char *p, size_t len, const struct mm_tz *tz, int64_t *ns,
                              size_t *used, bool *has_zone)
{
    struct cursor c = { p, len, 0 };
    bool hz;
    if (!parse_iso(&c, tz, true, ns, &hz))
        return MM_ERR_PARSE;
    if (used)
        *used = c.pos;
    if (has_zone)
        *has_zone = hz;
    return MM_OK;
}

/* Choose the year for a year-less timestamp. Devices run behind far more often than ahead, so
 * the receive year is used unless that puts the message more than a week in the future (a
 * December message read in January: last year); a message from early January read in the last
 * days of December, with the device's clock slightly ahead, belongs to next year. */
#define YEAR_FUTURE_SLACK (7 * 86400)

static int infer_year(int64_t receive_ns, int mo, int d, int h, int mi, int s, int32_t off)
{
    int ry, rmo, rd, rh, rmi, rs;
    mm_civil_from_seconds(receive_ns / MM_NS_PER_SEC + off, &ry, &rmo, &rd, &rh, &rmi, &rs);
    int64_t recv = mm_utc_seconds(ry, rmo, rd, rh, rmi, rs);
    if (mm_date_valid(ry + 1, mo, d) && mm_utc_seconds(ry + 1, mo, d, h, mi, s) <= recv + YEAR_FUTURE_SLACK)
        return ry + 1;
    if (!mm_date_valid(ry, mo, d) || mm_utc_seconds(ry, mo, d, h, mi, s) > recv + YEAR_FUTURE_SLACK)
        return ry - 1;
    return ry;
}

/* RFC 3164 "Mmm dd hh:mm:ss" with Cisco's variants: optional year before or after the time,
 * fraction, and a zone name ("UTC", "JST") after it. */
static bool parse_bsd_time(struct cursor *c, struct event *ev, const struct mm_tz *tz)
{
    if (c->len - c->pos < 15)
        return false;
    int mo = mm_month_from_abbr(c->p + c->pos);
    if (!mo || peek(c, 3) != ' ')
        return false;
    struct cursor k = *c;
    k.pos += 4;
    if (peek(&k, 0) == ' ')
        k.pos++;
    int d = digits(&k, 0, 2);
    if (d < 0) {
        d = digits(&k, 0, 1);
        k.pos += 1;
    } else {
        k.pos += 2;
    }
    if (d < 1 || d > 31 || peek(&k, 0) != ' ')
        return false;
    k.pos++;
    int y = -1;
    if (digits(&k, 0, 4) >= 0 && peek(&k, 4) == ' ') { /* "Nov 23 2026 15:30:00" (Cisco ASA) */
        y = digits(&k, 0, 4);
        k.pos += 5;
    }
    int h = digits(&k, 0, 2), mi = digits(&k, 3, 2), s = digits(&k, 6, 2);
    if (h < 0 || mi < 0 || s < 0 || peek(&k, 2) != ':' || peek(&k, 5) != ':' || h > 23 ||
        mi > 59 || s > 60)
        return false;
    k.pos += 8;
    int64_t frac = parse_fraction(&k);
    if (y < 0 && peek(&k, 0) == ' ' && digits(&k, 1, 4) >= 0 &&
        (peek(&k, 5) == ' ' || peek(&k, 5) == ':')) { /* "Nov 23 15:30:00 2026" */
        y = digits(&k, 1, 4);
        k.pos += 5;
    }
    /* a zone name such as "UTC" or "JST" (Cisco "service timestamps ... show-timezone") */
    bool utc_named = false;
    if (peek(&k, 0) == ' ' && peek(&k, 1) >= 'A' && peek(&k, 1) <= 'Z' && peek(&k, 2) >= 'A' &&
        peek(&k, 2) <= 'Z' && peek(&k, 3) >= 'A' && peek(&k, 3) <= 'Z' &&
        (peek(&k, 4) == ':' || (peek(&k, 4) == ' ' && peek(&k, 5) == '%'))) {
        utc_named = !memcmp(k.p + k.pos + 1, "UTC", 3) || !memcmp(k.p + k.pos + 1, "GMT", 3);
        k.pos += 4;
    }
    if (peek(&k, 0) == ':') /* Cisco terminates the timestamp with a colon */
        k.pos++;
    if (!at_end(&k) && peek(&k, 0) != ' ')
        return false;
    ev->time_has_year = y > 0;
    ev->time_has_zone = utc_named;
    if (y < 0) {
        /* the year is inferred from the receive time seen in local civil time; the offset for
         * that is looked up in the receive year, which is nearly always the inferred year, so
         * the lookup below hits mm_tz_offset_at's per-hour cache instead of calling mktime
         * (under glibc's zone lock) twice per message */
        int64_t recv_ns = ev->receive_ns ? ev->receive_ns : mm_now_ns();
        int ry, rmo, rd, rh, rmi, rs;
        mm_civil_from_seconds(recv_ns / MM_NS_PER_SEC, &ry, &rmo, &rd, &rh, &rmi, &rs);
        int32_t approx = utc_named ? 0 : mm_tz_offset_at(tz, ry, mo, d, h, mi, s);
        y = infer_year(recv_ns, mo, d, h, mi, s, approx);
    }
    if (!mm_date_valid(y, mo, d))
        return false;
    int32_t off = utc_named ? 0 : mm_tz_offset_at(tz, y, mo, d, h, mi, s);
    int64_t ns;
    if (!civil_to_ns(y, mo, d, h, mi, s, off, frac, &ns))
        return false;
    ev->time_ns = ns;
    *c = k;
    return true;
}

/* TAG[PID]: or TAG: at the cursor. Returns false (cursor unchanged) when the token is not a tag. */
static bool parse_tag(struct cursor *c, struct event *ev)
{
    size_t start = c->pos, i = c->pos;
    while (i < c->len && i - start <= SYSLOG_MAX_TAG) {
        char ch = c->p[i];
        if (ch == '[' || ch == ':' || ch == ' ')
            break;
        i++;
    }
    if (i == start || i >= c->len || i - start > SYSLOG_MAX_TAG)
        return false;
    size_t tag_end = i;
    struct slice pid = { NULL, 0 };
    if (c->p[i] == '[') {
        size_t ps = ++i;
        while (i < c->len && c->p[i] != ']' && c->p[i] != ' ' && i - ps < 32)
            i++;
        if (i >= c->len || c->p[i] != ']')
            return false;
        pid = slice_make(c->p + ps, i - ps);
        i++;
        if (i < c->len && c->p[i] == ':')
            i++;
        else if (i < c->len && c->p[i] != ' ')
            return false;
    } else if (c->p[i] == ':') {
        i++;
    } else {
        return false; /* a word followed by a space: not a tag */
    }
    if (i < c->len && c->p[i] != ' ')
        return false; /* "http://..." or "12:34" are not tags */
    ev->program = slice_make(c->p + start, tag_end - start);
    ev->pid = pid;
    c->pos = i;
    skip_spaces(c);
    return true;
}

static void parse_3164(struct cursor *c, struct event *ev, const struct mm_tz *tz)
{
    ev->syslog = SYSLOG_RFC3164;
    /* Cisco IOS: "<189>123: *Mar  1 18:46:11.123: %SYS-5-CONFIG_I: ..." (sequence number, then
     * '*' or '.' when the clock is not synchronised) */
    if (mm_is_digit(peek(c, 0))) {
        size_t i = 0;
        while (mm_is_digit(peek(c, i)))
            i++;
        if (peek(c, i) == ':' && peek(c, i + 1) == ' ' && i <= 10 &&
            (peek(c, i + 2) == '*' || peek(c, i + 2) == '.' || month_at(c, i + 2))) {
            c->pos += i + 2;
        }
    }
    if (peek(c, 0) == '*' || (peek(c, 0) == '.' && month_at(c, 1)))
        c->pos++;
    bool has_time = false;
    bool zone = false;
    int64_t ns;
    if (c->len - c->pos >= 19 && mm_is_digit(peek(c, 0)) && parse_iso(c, tz, false, &ns, &zone)) {
        ev->time_ns = ns;
        ev->time_has_year = true;
        ev->time_has_zone = zone;
        has_time = true;
    } else if (c->len - c->pos >= 3 && mm_month_from_abbr(c->p + c->pos)) {
        has_time = parse_bsd_time(c, ev, tz);
    }
    skip_spaces(c);
    if (has_time && !at_end(c) && peek(c, 0) != '%') {
        /* hostname, unless the next token is already the tag ("Nov 23 10:00:00 sshd[1]: ...") */
        size_t tok_end = c->pos;
        while (tok_end < c->len && c->p[tok_end] != ' ')
            tok_end++;
        bool looks_like_tag = tok_end > c->pos && (c->p[tok_end - 1] == ':' ||
                              memchr(c->p + c->pos, '[', tok_end - c->pos) != NULL);
        if (!looks_like_tag) {
            ev->host = slice_make(c->p + c->pos, tok_end - c->pos);
            c->pos = tok_end;
            skip_spaces(c);
            /* Cisco ASA with "logging device-id": "asa01 : %ASA-6-..." */
            if (peek(c, 0) == ':' && peek(c, 1) == ' ') {
                c->pos += 2;
                skip_spaces(c);
            }
        }
    }
    if (!at_end(c) && peek(c, 0) != '%')
        parse_tag(c, ev);
    ev->message = slice_make(c->p + c->pos, c->len - c->pos);
}

/* RFC 5424 header field: '-' is nil */
static bool field_5424(struct cursor *c, size_t max, struct slice *out)
{
    size_t start = c->pos;
    while (c->pos < c->len && c->p[c->pos] != ' ')
        c->pos++;
    size_t n = c->pos - start;
    if (n == 0 || n > max || at_end(c))
        return false;
    *out = (n == 1 && c->p[start] == '-') ? slice_make(NULL, 0) : slice_make(c->p + start, n);
    c->pos++; /* the space */
    return true;
}

static void add_sd_param(struct event *ev, struct slice id, struct slice name, const char *v,
                         size_t vlen, bool escaped)
{
    char key[160];
    int n = snprintf(key, sizeof key, "sd.%.*s.%.*s", (int)MM_MIN(id.len, 64), id.p,
                     (int)MM_MIN(name.len, 64), name.p);
    if (n <= 0)
        return;
    if (!escaped) {
        event_add_dynamic(ev, key, (size_t)n, v, vlen, FIELD_STR, false);
        return;
    }
    /* RFC 5424 6.3.3: only \" \\ \] are escapes; any other backslash stays */
    char *d = event_strdup(ev, v, vlen);
    if (!d) {
        ev->fields_dropped++;
        return;
    }
    size_t o = 0;
    for (size_t i = 0; i < vlen; i++) {
        if (v[i] == '\\' && i + 1 < vlen && (v[i + 1] == '"' || v[i + 1] == '\\' || v[i + 1] == ']'))
            i++;
        d[o++] = v[i];
    }
    event_add_dynamic(ev, key, (size_t)n, d, o, FIELD_STR, false);
}

/* SD-ELEMENTs; returns false when malformed (cursor then points at the bad byte) */
static bool parse_sd(struct cursor *c, struct event *ev)
{
    if (peek(c, 0) == '-') {
        c->pos++;
        return true;
    }
    if (peek(c, 0) != '[')
        return false;
    while (peek(c, 0) == '[') {
        c->pos++;
        size_t s = c->pos;
        while (!at_end(c) && peek(c, 0) != ' ' && peek(c, 0) != ']' && peek(c, 0) != '=' && peek(c, 0) != '"')
            c->pos++;
        struct slice id = slice_make(c->p + s, c->pos - s);
        if (id.len == 0 || id.len > 32)
            return false;
        while (peek(c, 0) == ' ') {
            c->pos++;
            s = c->pos;
            while (!at_end(c) && peek(c, 0) != '=' && peek(c, 0) != ' ' && peek(c, 0) != ']' && peek(c, 0) != '"')
                c->pos++;
            struct slice name = slice_make(c->p + s, c->pos - s);
            if (name.len == 0 || name.len > 32 || peek(c, 0) != '=' || peek(c, 1) != '"')
                return false;
            c->pos += 2;
            s = c->pos;
            bool escaped = false;
            while (!at_end(c) && peek(c, 0) != '"') {
                if (peek(c, 0) == '\\' && c->pos + 1 < c->len) {
                    escaped = true;
                    c->pos++;
                }
                c->pos++;
            }
            if (at_end(c))
                return false;
            add_sd_param(ev, id, name, c->p + s, c->pos - s, escaped);
            c->pos++; /* closing quote */
        }
        if (peek(c, 0) != ']')
            return false;
        c->pos++;
    }
    return true;
}

static enum mm_status parse_5424(struct cursor *c, struct event *ev)
{
    ev->syslog = SYSLOG_RFC5424;
    c->pos += 2; /* version and space */
    if (peek(c, 0) == '-' && peek(c, 1) == ' ') {
        c->pos += 2;
    } else {
        int64_t ns;
        bool zone;
        struct mm_tz utc = { .local = false, .offset_sec = 0 };
        if (!parse_iso(c, &utc, false, &ns, &zone) || peek(c, 0) != ' ')
            goto malformed;
        ev->time_ns = ns;
        ev->time_has_year = true;
        ev->time_has_zone = zone;
        c->pos++;
    }
    if (!field_5424(c, 255, &ev->host) || !field_5424(c, 48, &ev->program) ||
        !field_5424(c, 128, &ev->pid) || !field_5424(c, 32, &ev->msgid))
        goto malformed;
    if (!parse_sd(c, ev))
        goto malformed;
    if (peek(c, 0) == ' ')
        c->pos++;
    if (c->len - c->pos >= 3 && !memcmp(c->p + c->pos, "\xEF\xBB\xBF", 3))
        c->pos += 3;
    ev->message = slice_make(c->p + c->pos, c->len - c->pos);
    return MM_OK;
malformed:
    /* keep whatever was understood; the rest is the message so nothing is lost */
    ev->message = slice_make(c->p + c->pos, c->len - c->pos);
    return MM_ERR_PARSE;
}

enum mm_status syslog_parse_header(struct event *ev, const char *p, size_t len,
                                   const struct mm_tz *tz)
{
    struct cursor c = { p, len, 0 };
    /* trailing newline or NUL from senders that include them in the frame */
    while (c.len && (p[c.len - 1] == '\n' || p[c.len - 1] == '\r' || p[c.len - 1] == '\0'))
        c.len--;
    bool pri = parse_pri(&c, ev);
    if (pri && mm_is_digit(peek(&c, 0)) && peek(&c, 0) != '0' && peek(&c, 1) == ' ')
        return parse_5424(&c, ev);
    if (!pri) {
        /* without PRI, a header is only recognised by its timestamp */
        bool iso = c.len >= 19 && mm_is_digit(p[0]) && p[4] == '-' && (p[10] == 'T');
        bool bsd = c.len >= 15 && mm_month_from_abbr(p) && p[3] == ' ';
        if (!iso && !bsd) {
            ev->message = slice_make(p, c.len);
            return MM_NO_MATCH;
        }
        parse_3164(&c, ev, tz);
        if (ev->time_ns == 0) {
            /* the timestamp did not parse after all: not a syslog line */
            ev->syslog = SYSLOG_NONE;
            ev->host = ev->program = ev->pid = slice_make(NULL, 0);
            ev->message = slice_make(p, c.len);
            return MM_NO_MATCH;
        }
        return MM_OK;
    }
    parse_3164(&c, ev, tz);
    return MM_OK;
}
