/* SPDX-License-Identifier: Apache-2.0 */
/* clamav.c: ClamAV logs: clamd and clamonacc scan results, database loads and reloads, freshclam
 * updates, clamav-milter verdicts and clamscan/clamdscan output, over syslog or from ClamAV's own
 * log files ("Mon Nov 23 15:30:00 2026 -> message"). Field names: docs/parsers/mail-antivirus.md */
#include "base/prelude.h"
#include "base/mtime.h"
#include "base/str.h"
#include "parser.h"
#include "cursor.h"

#define CLAMAV_CTIME_LEN 28 /* "Mon Nov 23 15:30:00 2026 -> " */

static const char *const clamav_programs[] = {
    "clamd",    "freshclam", "clamav-milter",    "clamonacc",
    "clamscan", "clamdscan", "clamav-freshclam", NULL,
};

/* logg()'s file prefix: asctime with the day padded by a space, then " -> ". */
static bool parse_ctime_arrow(const char *p, size_t len, const struct mm_tz *tz, int64_t *ns)
{
    return len >= CLAMAV_CTIME_LEN && memcmp(p + PARSE_CTIME_LEN, " -> ", 4) == 0 &&
           parse_ctime_time(p, len, tz, ns) == MM_OK;
}

/* "path: Signature FOUND" as clamscan, clamdscan and clamonacc print it */
static bool found_shape(struct slice s)
{
    if (!scan_ends_with(s, " FOUND"))
        return false;
    struct slice head = slice_make(s.p, s.len - 6);
    size_t sp = scan_last_lit(head, " ");
    return sp >= 2 && sp < head.len && head.p[sp - 1] == ':';
}

static bool clamav_probe(const char *msg, size_t len)
{
    struct slice s = slice_make(msg, len);
    if (!cursor_eat(&s, "ERROR: "))
        cursor_eat(&s, "WARNING: ");
    return parse_ctime_arrow(s.p, s.len, NULL, NULL) || found_shape(s) ||
           (mm_memmem(s.p, s.len, " (real path: '") &&
            (scan_ends_with(s, "'): Removed.") || mm_memmem(s.p, s.len, "'): moved to '") ||
             mm_memmem(s.p, s.len, "'): copied to '")));
}

static bool known_program(struct slice prog)
{
    for (const char *const *n = clamav_programs; *n; n++)
        if (slice_eq(prog, *n))
            return true;
    return false;
}

/* the scanned object of a result line: a path, or clamd's "instream(addr@port)" */
static void add_target(struct event *ev, struct slice t)
{
    if (slice_starts(t, "instream(") && scan_ends_with(t, ")")) {
        struct slice in = slice_make(t.p + 9, t.len - 10);
        size_t at = scan_last_lit(in, "@");
        event_add_cstr(ev, "scan_target", "stream");
        if (at < in.len && parse_is_ip(slice_make(in.p, at))) {
            event_add(ev, "src_ip", in.p, at);
            event_add_num(ev, "src_port", in.p + at + 1, in.len - at - 1);
        }
        return;
    }
    if (slice_eq(t, "stream")) {
        event_add_cstr(ev, "scan_target", "stream");
        return;
    }
    if (scan_ends_with(t, " (deleted)")) /* clamd scanning a file the client already unlinked */
        t.len -= 10;
    event_add_cstr(ev, "scan_target", "file");
    event_add_slice(ev, "Filename", t);
}

/* "Name" or "Name(md5:size)" (ExtendedDetectionInfo) */
static void add_signature(struct event *ev, struct slice sig)
{
    size_t open = scan_lit(sig, "(");
    if (open < sig.len && scan_ends_with(sig, ")")) {
        struct slice info = slice_make(sig.p + open + 1, sig.len - open - 2);
        size_t colon = scan_lit(info, ":");
        event_add(ev, "Signature", sig.p, open);
        if (colon < info.len) {
            event_add(ev, "file_hash", info.p, colon);
            event_add_num(ev, "file_size", info.p + colon + 1, info.len - colon - 1);
        }
        return;
    }
    event_add_slice(ev, "Signature", sig);
}

static void detection(struct event *ev, struct slice s)
{
    struct slice head = slice_make(s.p, s.len - 6); /* " FOUND" */
    size_t sp = scan_last_lit(head, " ");
    event_add_cstr(ev, "av_event", "detection");
    add_target(ev, slice_make(head.p, sp >= 1 ? sp - 1 : 0));
    add_signature(ev, scan_after(head, sp + 1));
    event_add_cstr(ev, "Action", "detected");
}

/* clamscan --remove/--move/--copy: "dir/x (real path: '/abs/dir/x'): moved to '/q/x'" */
static bool remediation(struct event *ev, struct slice s)
{
    size_t c;
    const char *action;
    if (scan_ends_with(s, ": Removed.")) {
        c = s.len - 10;
        action = "removed";
    } else if ((c = scan_last_lit(s, ": moved to '")) < s.len) {
        action = "moved";
    } else if ((c = scan_last_lit(s, ": copied to '")) < s.len) {
        action = "copied";
    } else {
        return false;
    }
    struct slice target = slice_make(s.p, c);
    size_t real = scan_lit(target, " (real path: '");
    if (real < target.len && scan_ends_with(target, "')"))
        target = slice_make(target.p + real + 14, target.len - real - 16);
    event_add_cstr(ev, "av_event", "remediation");
    event_add_cstr(ev, "scan_target", "file");
    event_add_slice(ev, "Filename", target);
    event_add_cstr(ev, "Action", action);
    struct slice rest = scan_after(s, c + 2);
    size_t q = scan_lit(rest, "'");
    if (q < rest.len && rest.len >= q + 2 && scan_ends_with(rest, "'"))
        event_add(ev, "quarantine_path", rest.p + q + 1, rest.len - q - 2);
    return true;
}

/* clamav-milter: "Message ID from <a> to <b> with subject 's' message-id '<m>' date 'd'
 * infected by SIG" (LogInfected Full), "Message from <a> to <b> infected by SIG" (Basic), and
 * "Clean message ..." for LogClean. */
static bool milter_line(struct event *ev, struct slice s)
{
    bool clean = cursor_eat(&s, "Clean message ");
    if (!clean && !cursor_eat(&s, "Message "))
        return false;
    size_t from = scan_lit(s, "from <");
    size_t to = scan_lit(s, "> to <");
    if (from == s.len || to == s.len || to < from)
        return false;
    event_add_cstr(ev, "av_event", clean ? "scan_ok" : "detection");
    if (from > 1)
        event_add(ev, "queue_id", s.p, from - 1);
    event_add(ev, "sender", s.p + from + 6, to - from - 6);
    s = scan_after(s, to + 6);
    size_t close = scan_lit(s, ">");
    event_add(ev, "recipient", s.p, close);
    s = scan_after(s, close + 1);
    if (cursor_eat(&s, " with subject '")) {
        size_t end = scan_lit(s, "' message-id '");
        event_add(ev, "subject", s.p, end);
        s = scan_after(s, end + 14);
        end = scan_lit(s, "' date '");
        struct slice mid = slice_make(s.p, end);
        if (mid.len >= 2 && mid.p[0] == '<' && mid.p[mid.len - 1] == '>')
            mid = slice_make(mid.p + 1, mid.len - 2);
        event_add_slice(ev, "message_id", mid);
        s = scan_after(s, end + 8);
        end = scan_lit(s, "'");
        event_add(ev, "message_date", s.p, end);
        s = scan_after(s, end + 1);
    }
    if (cursor_eat(&s, " infected by ")) {
        add_signature(ev, s);
        event_add_cstr(ev, "Action", "detected");
    }
    return true;
}

/* freshclam: "daily.cvd updated (version: 27000, sigs: 2000000, f-level: 90, builder: raynman)"
 * and "daily.cld database is up-to-date (version: ...)" */
static bool database_version(struct event *ev, struct slice s)
{
    size_t at = scan_lit(s, " updated (version: ");
    const char *kind = "db_update";
    size_t skip = 10;
    if (at == s.len) {
        at = scan_lit(s, " database is up-to-date (version: ");
        kind = "db_uptodate";
        skip = 25;
    }
    if (at == s.len) { /* "local.ndb is up-to-date (version: custom database)" */
        at = scan_lit(s, " is up-to-date (version: ");
        skip = 16;
    }
    if (at == s.len || !scan_ends_with(s, ")"))
        return false;
    event_add_cstr(ev, "av_event", kind);
    event_add_cstr(ev, "outcome", "success");
    event_add(ev, "db_file", s.p, at);
    size_t dot = scan_last_lit(slice_make(s.p, at), ".");
    event_add(ev, "db_name", s.p, dot);
    struct slice in = slice_make(s.p + at + skip, s.len - at - skip - 1);
    static const struct {
        const char *key, *field;
    } keys[] = {
        { "version: ", "db_version" },
        { "sigs: ", "signatures" },
        { "f-level: ", "f_level" },
        { "builder: ", "builder" },
    };
    for (size_t i = 0; i < MM_ARRAY_LEN(keys); i++) {
        size_t k = scan_lit(in, keys[i].key);
        if (k == in.len)
            continue;
        struct slice v = scan_after(in, k + strlen(keys[i].key));
        v.len = scan_lit(v, ", ");
        if (i < 3) {
            uint64_t n;
            if (mm_parse_u64(v.p, v.len, UINT64_MAX, &n) == MM_OK) /* not "custom database" */
                event_add_num(ev, keys[i].field, v.p, v.len);
        } else
            event_add_slice(ev, keys[i].field, v);
    }
    return true;
}

/* "(12345 signatures)" or "12345 signatures." -> signatures */
static void add_count(struct event *ev, struct slice s)
{
    size_t n = 0;
    while (n < s.len && mm_is_digit(s.p[n]))
        n++;
    if (n)
        event_add_num(ev, "signatures", s.p, n);
}

static void summary_line(struct event *ev, struct slice s)
{
    static const struct {
        const char *prefix, *field;
    } items[] = {
        { "Infected files: ", "infected_files" },
        { "Scanned files: ", "scanned_files" },
        { "Total errors: ", "scan_errors" },
        { "Known viruses: ", "signatures" },
    };
    event_add_cstr(ev, "av_event", "scan_summary");
    for (size_t i = 0; i < MM_ARRAY_LEN(items); i++)
        if (cursor_eat(&s, items[i].prefix)) {
            event_add_num(ev, items[i].field, s.p, s.len);
            return;
        }
}

static bool is_summary(struct slice s)
{
    static const char *const keys[] = {
        "Known viruses: ", "Engine version: ", "Scanned directories: ",
        "Scanned files: ", "Infected files: ", "Total errors: ",
        "Data scanned: ",  "Data read: ",      "Time: ",
        "Start Date: ",    "End Date: ",       "----------- SCAN SUMMARY -----------",
    };
    for (size_t i = 0; i < MM_ARRAY_LEN(keys); i++)
        if (slice_starts(s, keys[i]))
            return true;
    return false;
}

static enum mm_status clamav_parse(struct event *ev, const struct parse_context *ctx)
{
    struct slice s = ev->message;
    int64_t ns;
    /* freshclam's console puts the level before the time, its log file after it */
    const char *level = NULL;
    if (cursor_eat(&s, "ERROR: "))
        level = "error";
    else if (cursor_eat(&s, "WARNING: "))
        level = "warning";
    bool stamped = parse_ctime_arrow(s.p, s.len, &ctx->tz, &ns);
    if (stamped) {
        ev->time_ns = ns;
        ev->time_has_year = true;
        ev->time_has_zone = false;
        s = scan_after(s, CLAMAV_CTIME_LEN);
        if (!level) /* the same message text as when it comes over syslog */
            ev->message = s;
    }
    event_set_logsource(ev, "linux", "antivirus", "clamav");

    if (!level) {
        if (cursor_eat(&s, "ERROR: ") || cursor_eat(&s, "LibClamAV Error: "))
            level = "error";
        else if (cursor_eat(&s, "WARNING: ") || cursor_eat(&s, "LibClamAV Warning: "))
            level = "warning";
    }
    /* over syslog ClamAV drops the "ERROR: " prefix and says it with the priority instead */
    bool from_priority = false;
    if (!level && ev->syslog != SYSLOG_NONE && ev->severity >= 0 && ev->severity <= 4) {
        level = ev->severity <= 3 ? "error" : "warning";
        from_priority = true;
    }
    /* a scan result keeps its own kind whatever priority it was sent with */
    if (level && from_priority && (found_shape(s) || scan_ends_with(s, " ERROR")))
        level = NULL;
    if (level) {
        event_add_cstr(ev, "av_event", level);
        if (level[0] == 'e')
            event_add_cstr(ev, "outcome", "failure");
        event_add_slice(ev, "reason", s);
        return MM_OK;
    }

    if (found_shape(s)) {
        detection(ev, s);
    } else if (scan_ends_with(s, ": OK")) {
        event_add_cstr(ev, "av_event", "scan_ok");
        add_target(ev, slice_make(s.p, s.len - 4));
    } else if (scan_ends_with(s, " ERROR") && scan_lit(s, ": ") < s.len) {
        /* clamd: "/path: lstat() failed: No such file or directory. ERROR" */
        size_t c = scan_lit(s, ": ");
        event_add_cstr(ev, "av_event", "scan_error");
        event_add_cstr(ev, "outcome", "failure");
        add_target(ev, slice_make(s.p, c));
        event_add(ev, "reason", s.p + c + 2, s.len - c - 8);
    } else if (remediation(ev, s)) {
        /* fields added */
    } else if (milter_line(ev, s)) {
        /* fields added */
    } else if (database_version(ev, s)) {
        /* fields added */
    } else if (slice_eq(s, "SelfCheck: Database status OK.")) {
        event_add_cstr(ev, "av_event", "selfcheck");
        event_add_cstr(ev, "outcome", "success");
    } else if (slice_starts(s, "SelfCheck: Database modification detected")) {
        event_add_cstr(ev, "av_event", "db_changed");
    } else if (cursor_eat(&s, "Database correctly reloaded (")) {
        event_add_cstr(ev, "av_event", "db_reload");
        event_add_cstr(ev, "outcome", "success");
        add_count(ev, s);
    } else if (cursor_eat(&s, "Reading databases from ")) {
        event_add_cstr(ev, "av_event", "db_load");
        event_add_slice(ev, "db_path", s);
    } else if (slice_starts(s, "Loaded ") && scan_ends_with(s, " signatures.")) {
        event_add_cstr(ev, "av_event", "db_load");
        event_add_cstr(ev, "outcome", "success");
        add_count(ev, scan_after(s, 7));
    } else if (slice_eq(s, "Database test passed.")) {
        event_add_cstr(ev, "av_event", "db_test");
        event_add_cstr(ev, "outcome", "success");
    } else if (slice_starts(s, "ClamAV update process started at ")) {
        event_add_cstr(ev, "av_event", "update_start");
    } else if (slice_starts(s, "Clamd successfully notified about the update")) {
        event_add_cstr(ev, "av_event", "db_notify");
        event_add_cstr(ev, "outcome", "success");
    } else if (slice_starts(s, "+++ Started at ")) {
        event_add_cstr(ev, "av_event", "start");
    } else if (slice_starts(s, "--- Stopped at ")) {
        event_add_cstr(ev, "av_event", "stop");
    } else if (is_summary(s)) {
        summary_line(ev, s);
    }
    /* Lines of ClamAV's programs and log files are all kept as ClamAV events; a line without
     * either (a forced parser, or a probe on a "path: X FOUND" shape) must say what it is. */
    if (!stamped && !known_program(ev->program) && !event_get(ev, "av_event"))
        return MM_NO_MATCH;
    return MM_OK;
}

const struct parser parser_clamav = {
    .name = "clamav",
    .summary = "ClamAV: clamd/clamonacc detections, freshclam updates, clamav-milter verdicts",
    .programs = clamav_programs,
    .probe = clamav_probe,
    .parse = clamav_parse,
    .probe_priority = 100,
};
