/* SPDX-License-Identifier: Apache-2.0 */
/* postfix.c: Postfix MTA log lines (programs postfix/smtpd, cleanup, qmgr, smtp, lmtp, local, ...):
 * connections, SASL logins, policy rejects, header checks, queueing and delivery results, with
 * the queue id that ties the lines of one message together. Field names:
 * docs/parsers/mail-antivirus.md */
#include "base/prelude.h"
#include "base/str.h"
#include "parser.h"
#include "cursor.h"

#define POSTFIX_MAX_QUEUE_ID 24 /* long queue ids are about 15 characters */
#define POSTFIX_MAX_KV       32 /* "k=v, k=v" pairs looked at on one line */

/* field names for a "host[address]:port" endpoint */
struct endpoint_names {
    const char *host, *ip, *port;
};

static const struct endpoint_names client_names = { "src_host", "src_ip", "src_port" };
static const struct endpoint_names relay_names = { "relay_host", "relay_ip", "relay_port" };
static const struct endpoint_names server_names = { "dst_host", "dst_ip", "dst_port" };
static const struct endpoint_names orig_client_names = { "orig_src_host", "orig_src_ip",
                                                         "orig_src_port" };

/* Short ids are upper-case hex; long ids (enable_long_queue_ids) are base-52 time, 'z', inode. */
static bool is_queue_id(struct slice t)
{
    if (t.len < 5 || t.len > POSTFIX_MAX_QUEUE_ID)
        return false;
    bool hex = true, digit = false, z = false;
    for (size_t i = 0; i < t.len; i++) {
        char c = t.p[i];
        bool alnum = mm_is_digit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
        if (!alnum)
            return false;
        digit |= mm_is_digit(c);
        z |= c == 'z';
        if (!mm_is_digit(c) && !(c >= 'A' && c <= 'F'))
            hex = false;
    }
    return hex || (t.len >= 10 && digit && z);
}

/* "host[addr]" or "host[addr]:port"; "unknown" hosts (no reverse name) are not added. */
static void add_endpoint(struct event *ev, struct slice s, const struct endpoint_names *n)
{
    size_t open = scan_char(s, '[');
    if (open == s.len) /* relay=local, relay=none */
        return;
    struct slice rest = slice_make(s.p + open + 1, s.len - open - 1);
    size_t close = scan_char(rest, ']');
    if (close == rest.len)
        return;
    if (open && !(open == 7 && !memcmp(s.p, "unknown", 7)))
        event_add(ev, n->host, s.p, open);
    struct slice addr = slice_make(rest.p, close);
    if (slice_starts(addr, "IPv6:"))
        cursor_skip(&addr, 5);
    if (parse_is_ip(addr))
        event_add_slice(ev, n->ip, addr);
    else if (addr.len)
        event_add_slice(ev, "relay_socket", addr); /* lmtp over "private/dovecot-lmtp" */
    cursor_skip(&rest, close + 1);
    if (cursor_eat(&rest, ":") && rest.len)
        event_add_num(ev, n->port, rest.p, rest.len);
}

/* "<addr>" -> addr; bare values unchanged */
static struct slice unbracket(struct slice v)
{
    if (v.len >= 2 && v.p[0] == '<' && v.p[v.len - 1] == '>')
        return slice_make(v.p + 1, v.len - 2);
    return v;
}

static void add_username(struct event *ev, struct slice user)
{
    event_add_slice(ev, "sasl_username", user);
    event_add_slice(ev, "username", user);
}

/* "5.7.1 rest" -> dsn and the rest; anything else is all reason */
static void add_dsn_reason(struct event *ev, struct slice s, const char *reason_name)
{
    if (s.len >= 6 && (s.p[0] == '2' || s.p[0] == '4' || s.p[0] == '5') && s.p[1] == '.') {
        size_t sp = scan_char(s, ' ');
        bool ok = true;
        for (size_t i = 2; i < sp; i++)
            ok &= mm_is_digit(s.p[i]) || s.p[i] == '.';
        if (ok) {
            event_add(ev, "dsn", s.p, sp);
            cursor_skip(&s, sp + 1);
        }
    }
    if (s.len)
        event_add_slice(ev, reason_name, s);
}

/* The envelope smtpd and cleanup append to policy log lines:
 * "from=<a> to=<b> proto=ESMTP helo=<h>", then for cleanup an optional ": optional text". */
static void policy_envelope(struct event *ev, struct slice s)
{
    for (int n = 0; n < POSTFIX_MAX_KV && s.len; n++) {
        while (s.len && (s.p[0] == ' ' || s.p[0] == ',')) /* postscreen separates with ", " */
            cursor_skip(&s, 1);
        size_t eq = scan_char(s, '=');
        size_t stop = s.len;
        for (size_t i = 0; i < s.len; i++)
            if (s.p[i] == ' ' || s.p[i] == ':') {
                stop = i;
                break;
            }
        if (eq >= stop)
            break;
        struct slice key = slice_make(s.p, eq);
        cursor_skip(&s, eq + 1);
        struct slice val;
        if (s.len && s.p[0] == '<') {
            size_t close = scan_char(s, '>');
            val = slice_make(s.p + 1, close > 0 ? close - 1 : 0);
            cursor_skip(&s, close + 1);
        } else {
            size_t end = 0;
            while (end < s.len && s.p[end] != ' ' && s.p[end] != ';' && s.p[end] != ',')
                end++;
            val = slice_make(s.p, end);
            cursor_skip(&s, end);
        }
        if (slice_eq(key, "from"))
            event_add_slice(ev, "sender", val);
        else if (slice_eq(key, "to"))
            event_add_slice(ev, "recipient", val);
        else if (slice_eq(key, "proto"))
            event_add_slice(ev, "smtp_proto", val);
        else if (slice_eq(key, "helo"))
            event_add_slice(ev, "helo", val);
        if (s.len && s.p[0] == ':')
            break;
    }
    if (cursor_eat(&s, ": "))
        add_dsn_reason(ev, s, "reason");
}

/* "reject: RCPT from host[ip]: 554 5.7.1 text; from=<a> ..." (smtpd access restrictions and
 * milters) and "reject: header Subject: text from host[ip]; from=<a> ...: 5.7.1 text" (cleanup
 * header/body checks). action is the word before the colon. */
static void policy_line(struct event *ev, struct slice action, struct slice s)
{
    bool milter = slice_starts(action, "milter-");
    struct slice act = action;
    if (milter)
        cursor_skip(&act, 7);
    if (slice_eq(act, "warning"))
        act = SLICE_LIT("warn");
    event_add_cstr(ev, "mail_event", "policy");
    event_add_slice(ev, "action", act);

    size_t env = scan_lit(s, "; from=<");
    if (env == s.len) /* CONNECT/EHLO stage: no envelope yet */
        env = scan_lit(s, "; proto=");
    struct slice head = slice_make(s.p, env);
    struct slice tail = slice_make(s.p + env, s.len - env);
    cursor_eat(&tail, "; ");

    static const struct {
        const char *word, *check;
    } checks[] = {
        { "header ", "header_checks" },
        { "body ", "body_checks" },
        { "mime-header ", "mime_header_checks" },
        { "nested-header ", "nested_header_checks" },
    };
    for (size_t i = 0; i < MM_ARRAY_LEN(checks); i++) {
        if (!cursor_eat(&head, checks[i].word))
            continue;
        event_add_cstr(ev, "check", checks[i].check);
        /* the client is after the last " from " before the envelope */
        size_t from = head.len;
        for (size_t j = head.len; j >= 6; j--)
            if (!memcmp(head.p + j - 6, " from ", 6)) {
                from = j - 6;
                break;
            }
        struct slice what = slice_make(head.p, from);
        if (checks[i].word[0] != 'b') {
            size_t colon = scan_lit(what, ": ");
            struct slice name = slice_make(what.p, colon);
            struct slice value = slice_make(what.p + MM_MIN(colon + 2, what.len),
                                            what.len - MM_MIN(colon + 2, what.len));
            event_add_slice(ev, "header_name", name);
            if (mm_bytes_eq_nocase(name.p, name.len, "subject"))
                event_add_slice(ev, "subject", value);
            event_add_slice(ev, "header_value", value);
        } else {
            event_add_slice(ev, "body_line", what);
        }
        if (from < head.len)
            add_endpoint(ev, slice_make(head.p + from + 6, head.len - from - 6), &client_names);
        policy_envelope(ev, tail);
        return;
    }

    if (milter)
        event_add_cstr(ev, "check", "milter");
    size_t from = scan_lit(head, " from ");
    if (from < head.len) {
        event_add(ev, "smtp_command", head.p, from);
        cursor_skip(&head, from + 6);
    }
    size_t close = scan_char(head, ']');
    size_t colon = close < head.len
                       ? close + scan_lit(slice_make(head.p + close, head.len - close), ": ")
                       : scan_lit(head, ": ");
    add_endpoint(ev, slice_make(head.p, MM_MIN(colon, head.len)), &client_names);
    cursor_skip(&head, colon + 2);
    if (head.len >= 4 && mm_is_digit(head.p[0]) && mm_is_digit(head.p[1]) &&
        mm_is_digit(head.p[2]) && head.p[3] == ' ') {
        event_add_num(ev, "reply_code", head.p, 3);
        cursor_skip(&head, 4);
    }
    add_dsn_reason(ev, head, "reason");
    policy_envelope(ev, tail);
}

/* "ehlo=1 auth=0/2 mail=1 quit=1 commands=2/4": commands attempted and failed */
static void command_stats(struct event *ev, struct slice s)
{
    if (!s.len)
        return;
    event_add_slice(ev, "smtp_commands", s);
    size_t at = scan_lit(s, "commands=");
    if (at == s.len)
        return;
    struct slice v = slice_make(s.p + at + 9, s.len - at - 9);
    v.len = scan_char(v, ' ');
    size_t slash = scan_char(v, '/');
    uint64_t ok = 0, total = 0;
    if (mm_parse_u64(v.p, slash, UINT32_MAX, &ok) != MM_OK)
        return;
    total = ok;
    if (slash < v.len &&
        mm_parse_u64(v.p + slash + 1, v.len - slash - 1, UINT32_MAX, &total) != MM_OK)
        return;
    event_add_int(ev, "commands", (int64_t)total);
    event_add_int(ev, "commands_failed", total >= ok ? (int64_t)(total - ok) : 0);
}

/* "k=v, k=v, ..." as qmgr, smtpd and the delivery agents write it. Values in <> lose them. The
 * delivery "status=sent (text)" comes last and takes the rest of the line. */
static void comma_fields(struct event *ev, struct slice s)
{
    for (int n = 0; n < POSTFIX_MAX_KV && s.len; n++) {
        size_t eq = scan_char(s, '=');
        size_t comma = scan_lit(s, ", ");
        if (eq >= comma) { /* a bare word: "(queue active)", "returned to sender" */
            struct slice word = slice_make(s.p, comma);
            if (slice_eq(word, "returned to sender"))
                event_add_cstr(ev, "action", "returned");
            cursor_skip(&s, comma + 2);
            continue;
        }
        struct slice key = slice_make(s.p, eq);
        cursor_skip(&s, eq + 1);
        if (slice_eq(key, "status")) {
            size_t sp = scan_lit(s, " (");
            size_t cm = scan_lit(s, ", ");
            size_t end = MM_MIN(sp, cm);
            event_add(ev, "status", s.p, end);
            if (sp < cm && s.len && s.p[s.len - 1] == ')')
                event_add(ev, "status_text", s.p + sp + 2, s.len - sp - 3);
            cursor_skip(&s, cm + 2);
            continue;
        }
        struct slice val;
        if (s.len && s.p[0] == '<') {
            size_t close = scan_lit(s, ">, ");
            if (close == s.len && s.p[s.len - 1] == '>')
                close = s.len - 1;
            val = slice_make(s.p + 1, close > 0 ? MM_MIN(close, s.len) - 1 : 0);
            cursor_skip(&s, close + 1);
            cursor_eat(&s, ", ");
        } else {
            size_t end = scan_lit(s, ", ");
            val = slice_make(s.p, end);
            /* nrcpt=1 (queue active) */
            size_t sp = scan_char(val, ' ');
            if (slice_eq(key, "nrcpt"))
                val.len = sp;
            cursor_skip(&s, end + 2);
        }
        if (slice_eq(key, "from"))
            event_add_slice(ev, "sender", val);
        else if (slice_eq(key, "to"))
            event_add_slice(ev, "recipient", val);
        else if (slice_eq(key, "orig_to"))
            event_add_slice(ev, "orig_recipient", val);
        else if (slice_eq(key, "relay")) {
            event_add_slice(ev, "relay", val);
            add_endpoint(ev, val, &relay_names);
        } else if (slice_eq(key, "size"))
            event_add_num(ev, "size", val.p, val.len);
        else if (slice_eq(key, "nrcpt"))
            event_add_num(ev, "nrcpt", val.p, val.len);
        else if (slice_eq(key, "conn_use"))
            event_add_num(ev, "conn_use", val.p, val.len);
        else if (slice_eq(key, "delay"))
            event_add_slice(ev, "delay", val);
        else if (slice_eq(key, "delays"))
            event_add_slice(ev, "delays", val);
        else if (slice_eq(key, "dsn"))
            event_add_slice(ev, "dsn", val);
        else if (slice_eq(key, "sasl_method"))
            event_add_slice(ev, "sasl_method", val);
        else if (slice_eq(key, "sasl_username"))
            add_username(ev, val);
        else if (slice_eq(key, "sasl_sender"))
            event_add_slice(ev, "sasl_sender", val);
        else if (slice_eq(key, "orig_queue_id"))
            event_add_slice(ev, "orig_queue_id", val);
        else if (slice_eq(key, "orig_client"))
            add_endpoint(ev, val, &orig_client_names);
    }
}

/* the "[addr]:port" token that starts at s (postscreen writes no host names) */
static struct slice bracket_token(struct slice s)
{
    size_t end = scan_char(s, ' ');
    if (end && s.p[end - 1] == ':') /* "PREGREET ... from [ip]:port: data" */
        end--;
    return slice_make(s.p, end);
}

/* postscreen: "CONNECT from [a]:p to [b]:p", "PASS NEW [a]:p", "PREGREET 20 after 0 from [a]:p:
 * ...", "HANGUP after 8 from [a]:p in tests ...", "DENYLISTED [a]:p", "DNSBL rank 3 for [a]:p", ...
 */
static bool postscreen_line(struct event *ev, struct slice s)
{
    static const char *const verdicts[] = {
        "PASS NEW",    "PASS OLD",    "PREGREET",     "HANGUP",           "DENYLISTED",
        "BLACKLISTED", "ALLOWLISTED", "WHITELISTED",  "ALLOWLIST VETO",   "WHITELIST VETO",
        "DNSBL",       "COMMAND",     "BARE NEWLINE", "NON-SMTP COMMAND",
    };
    if (cursor_eat(&s, "CONNECT from ")) {
        event_add_cstr(ev, "mail_event", "connect");
        struct slice src = bracket_token(s);
        add_endpoint(ev, src, &client_names);
        struct slice rest = slice_make(s.p + src.len, s.len - src.len);
        if (cursor_eat(&rest, " to "))
            add_endpoint(ev, bracket_token(rest), &server_names);
        return true;
    }
    if (cursor_eat(&s, "DISCONNECT ")) {
        event_add_cstr(ev, "mail_event", "disconnect");
        add_endpoint(ev, bracket_token(s), &client_names);
        return true;
    }
    for (size_t i = 0; i < MM_ARRAY_LEN(verdicts); i++) {
        size_t n = strlen(verdicts[i]);
        if (s.len <= n || memcmp(s.p, verdicts[i], n) != 0 || s.p[n] != ' ')
            continue;
        event_add_cstr(ev, "mail_event", "screen");
        event_add(ev, "screen_verdict", s.p, n);
        size_t open = scan_char(s, '[');
        if (open < s.len)
            add_endpoint(ev, bracket_token(slice_make(s.p + open, s.len - open)), &client_names);
        return true;
    }
    return false;
}

/* "host[ip]: SASL LOGIN authentication failed: reason, sasl_username=x" and other warnings */
static void warning_line(struct event *ev, struct slice s)
{
    size_t sasl = scan_lit(s, ": SASL ");
    if (sasl < s.len) {
        struct slice rest = slice_make(s.p + sasl + 7, s.len - sasl - 7);
        size_t sp = scan_char(rest, ' ');
        struct slice after = slice_make(rest.p + sp, rest.len - sp);
        if (cursor_eat(&after, " authentication failed")) {
            event_add_cstr(ev, "mail_event", "auth_failure");
            event_add_cstr(ev, "outcome", "failure");
            add_endpoint(ev, slice_make(s.p, sasl), &client_names);
            event_add(ev, "sasl_method", rest.p, sp);
            cursor_eat(&after, ": ");
            size_t user = scan_lit(after, ", sasl_username=");
            if (after.len)
                event_add(ev, "reason", after.p, user);
            if (user < after.len)
                add_username(ev, slice_make(after.p + user + 16, after.len - user - 16));
            return;
        }
    }
    event_add_cstr(ev, "mail_event", "warning");
}

static enum mm_status postfix_parse(struct event *ev, const struct parse_context *ctx)
{
    (void)ctx;
    struct slice s = ev->message;
    event_set_logsource(ev, "postfix", "mail", NULL);

    size_t colon = scan_char(slice_make(s.p, MM_MIN(s.len, POSTFIX_MAX_QUEUE_ID + 1)), ':');
    if (colon + 1 < s.len && s.p[colon + 1] == ' ') {
        struct slice id = slice_make(s.p, colon);
        if (slice_eq(id, "NOQUEUE"))
            cursor_skip(&s, colon + 2);
        else if (is_queue_id(id)) {
            event_add_slice(ev, "queue_id", id);
            cursor_skip(&s, colon + 2);
        }
    }

    static const char *const policy_actions[] = {
        "reject",        "reject_warning", "defer",          "defer_if_permit", "hold",
        "discard",       "redirect",       "filter",         "prepend",         "replace",
        "milter-reject", "milter-hold",    "milter-discard",
    };
    colon = scan_lit(s, ": ");
    struct slice word = slice_make(s.p, colon);
    for (size_t i = 0; colon < s.len && i < MM_ARRAY_LEN(policy_actions); i++)
        if (slice_eq(word, policy_actions[i])) {
            policy_line(ev, word, slice_make(s.p + colon + 2, s.len - colon - 2));
            return MM_OK;
        }

    if (postscreen_line(ev, s)) {
        /* fields added */
    } else if (cursor_eat(&s, "connect from ")) {
        event_add_cstr(ev, "mail_event", "connect");
        add_endpoint(ev, s, &client_names);
    } else if (cursor_eat(&s, "disconnect from ")) {
        event_add_cstr(ev, "mail_event", "disconnect");
        size_t sp = scan_char(s, ' ');
        add_endpoint(ev, slice_make(s.p, sp), &client_names);
        cursor_skip(&s, sp + 1);
        command_stats(ev, s);
    } else if (cursor_eat(&s, "client=")) {
        event_add_cstr(ev, "mail_event", "client");
        size_t end = scan_lit(s, ", ");
        add_endpoint(ev, slice_make(s.p, end), &client_names);
        cursor_skip(&s, end + 2);
        comma_fields(ev, s);
    } else if (cursor_eat(&s, "message-id=")) {
        event_add_cstr(ev, "mail_event", "message_id");
        event_add_slice(ev, "message_id", unbracket(s));
    } else if (cursor_eat(&s, "uid=")) {
        event_add_cstr(ev, "mail_event", "pickup");
        size_t sp = scan_char(s, ' ');
        event_add_num(ev, "uid", s.p, sp);
        cursor_skip(&s, sp + 1);
        if (cursor_eat(&s, "from="))
            event_add_slice(ev, "sender", unbracket(s));
    } else if (slice_starts(s, "from=")) {
        /* qmgr: "from=<a>, size=1, nrcpt=1 (queue active)" or "from=<a>, status=expired, ..." */
        if (s.len > 15 && !memcmp(s.p + s.len - 15, " (queue active)", 15))
            event_add_cstr(ev, "mail_event", "queued");
        else if (mm_memmem(s.p, s.len, ", status=expired"))
            event_add_cstr(ev, "mail_event", "expired");
        comma_fields(ev, s);
    } else if (slice_starts(s, "to=")) {
        event_add_cstr(ev, "mail_event", "delivery");
        comma_fields(ev, s);
    } else if (slice_eq(s, "removed")) {
        event_add_cstr(ev, "mail_event", "removed");
    } else if (mm_memmem(s.p, s.len, " notification: ") &&
               (slice_starts(s, "sender ") || slice_starts(s, "postmaster "))) {
        size_t at = scan_lit(s, ": ");
        event_add_cstr(ev, "mail_event", "notification");
        event_add(ev, "notification", s.p, at);
        event_add(ev, "notification_queue_id", s.p + at + 2, s.len - at - 2);
    } else if (cursor_eat(&s, "warning: ")) {
        if (slice_starts(s, "header ") || slice_starts(s, "body ") ||
            slice_starts(s, "mime-header ") || slice_starts(s, "nested-header "))
            policy_line(ev, SLICE_LIT("warning"), s);
        else
            warning_line(ev, s);
    } else if (slice_starts(s, "fatal: ") || slice_starts(s, "panic: ") ||
               slice_starts(s, "error: ")) {
        event_add(ev, "mail_event", s.p, scan_char(s, ':'));
    } else if (slice_starts(s, "lost connection after ") || slice_starts(s, "timeout after ") ||
               slice_starts(s, "improper command pipelining after ")) {
        event_add_cstr(ev, "mail_event",
                       s.p[0] == 'l'   ? "lost_connection"
                       : s.p[0] == 't' ? "timeout"
                                       : "improper_pipelining");
        size_t at = scan_lit(s, " after ") + 7;
        struct slice rest = slice_make(s.p + at, s.len - at);
        size_t from = scan_lit(rest, " from ");
        event_add(ev, "smtp_command", rest.p,
                  MM_MIN(from, scan_char(rest, ' '))); /* "DATA (0 bytes)" */
        if (from < rest.len) {
            struct slice client = slice_make(rest.p + from + 6, rest.len - from - 6);
            size_t close = scan_char(client, ']');
            if (close < client.len) /* pipelining: ": <what the client sent>" follows */
                client.len =
                    close + scan_lit(slice_make(client.p + close, client.len - close), ": ");
            add_endpoint(ev, client, &client_names);
        }
    } else if (cursor_eat(&s, "connect to ")) {
        /* smtp/lmtp: "connect to host[ip]:25: Connection refused" */
        event_add_cstr(ev, "mail_event", "connect_failed");
        size_t close = scan_char(s, ']');
        size_t end =
            close +
            scan_lit(slice_make(s.p + MM_MIN(close, s.len), s.len - MM_MIN(close, s.len)), ": ");
        add_endpoint(ev, slice_make(s.p, MM_MIN(end, s.len)), &relay_names);
        if (end + 2 <= s.len)
            event_add(ev, "reason", s.p + end + 2, s.len - end - 2);
    }
    return MM_OK;
}

static const char *const postfix_programs[] = { "postfix/*", "postfix-*", NULL };

const struct parser parser_postfix = {
    .name = "postfix",
    .summary = "Postfix MTA: connections, SASL logins, rejects, header checks, queue and delivery",
    .programs = postfix_programs,
    .parse = postfix_parse,
};
