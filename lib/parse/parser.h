/* SPDX-License-Identifier: Apache-2.0 */
/* parser.h: the interface every log-format parser implements, and the dispatcher that picks one.
 *
 * A parser is a table entry (struct parser) defined in its own file under lib/parse/ as
 *     const struct parser parser_<name> = { ... };
 * The build collects every such definition into the registry (build/gen/parsers.inc), so adding a
 * parser means adding one file. Parsers run on the message body after the syslog header has been
 * taken off (ev->message); for header-less input (files, JSON lines) the body is the whole line.
 * Parsers never allocate outside the event's arena and never keep pointers past the call. */
#ifndef MM_PARSER_H
#define MM_PARSER_H

#include "base/prelude.h"
#include "base/mtime.h"
#include "event/event.h"

/* What a parser may need to know beyond the event itself. */
struct parse_context {
    struct mm_tz tz; /* zone to assume for timestamps that carry none */
};

struct parser {
    const char *name;    /* short id: "postfix", "squid"; used in config and output */
    const char *summary; /* one line for `mamori log parsers` */
    /* Program names (syslog TAG / APP-NAME) that select this parser; an entry ending in '*' is a
     * prefix (e.g. "postfix/" followed by a star). NULL-terminated; may be NULL. */
    const char *const *programs;
    /* Cheap content test on the message body, used when no program name selected a parser (or
     * for header-less lines). May be NULL. Must not read past len. */
    bool (*probe)(const char *msg, size_t len);
    /* Fill ev's fields and log source from ev->message. Return MM_OK when the message was
     * understood, MM_NO_MATCH when it is not in this format (the dispatcher then falls back to the
     * generic event and counts it as unparsed). May set ev->time_ns when the body carries a
     * better timestamp than the header. */
    enum mm_status (*parse)(struct event *ev, const struct parse_context *ctx);
    /* Probe order: lower runs first. Specific signatures (JSON shapes, vendor prefixes) before
     * loose ones (access-log shapes). */
    int probe_priority;
};

/* All registered parsers, sorted by name; *count receives their number. */
const struct parser *const *parser_all(size_t *count);
/* A parser by name, or NULL. "generic" names the fallback. */
const struct parser *parser_find(const char *name);
extern const struct parser parser_generic;

/* How a listener wants its input treated. */
struct parse_options {
    const struct parser *forced; /* NULL: choose automatically */
    bool no_syslog_header;       /* the input never has a syslog header (e.g. Squid's access.log) */
    struct parse_context ctx;
};

/* Parse one framed message into ev: the syslog header (unless options say there is none), then
 * the body with the forced parser or the automatically chosen one. ev->raw/raw_len/receive_ns
 * must be set by the caller; everything else is filled here. Returns MM_OK when a format parser
 * understood the body, MM_NO_MATCH when only the generic event could be made (which is still a
 * complete event: nothing is dropped). */
enum mm_status parse_message(struct event *ev, const struct parse_options *opt);

/* The syslog header parser (RFC 5424 and RFC 3164 with real-world variants), exposed for tests
 * and fuzzing. Sets ev->syslog, facility, severity, time_ns, host, program, pid, msgid and
 * ev->message; structured data becomes fields named "sd.<id>.<param>". Returns MM_NO_MATCH (and
 * ev->message = the whole input) when there is no header. */
enum mm_status syslog_parse_header(struct event *ev, const char *p, size_t len,
                                   const struct mm_tz *tz);

/* Helpers shared by parsers (parse_util.c). */

/* Split "k=v k2="quoted v" ..." pairs. Calls fn for each pair with the value unquoted (a slice of
 * the input; quotes and backslash-escapes are left for the caller to copy if needed).
 * Returns the number of pairs. */
typedef void (*kv_fn)(void *arg, struct slice key, struct slice value, bool quoted);
size_t kv_split(const char *p, size_t len, char sep, kv_fn fn, void *arg);

/* Next space-separated token from *p (advancing it past the token and following spaces). */
struct slice token_next(const char **p, const char *end);

/* Split an URL into the proxy/webserver fields c-uri, cs-host, c-uri-stem, c-uri-query,
 * c-uri-extension as the Sigma taxonomy names them. */
void parse_url_fields(struct event *ev, struct slice url);

/* Is s an IPv4 or IPv6 address literal? */
bool parse_is_ip(struct slice s);

/* Parse "[23/Nov/2026:15:30:00 +0900]"-style (CLF) times; returns MM_OK and sets *ns. */
enum mm_status parse_clf_time(const char *p, size_t len, int64_t *ns);

/* Parse a ctime/asctime time "Mon Nov 23 15:30:00 2026" (a day below 10 padded with a space,
 * the weekday not checked) in the first PARSE_CTIME_LEN bytes of p, in zone tz; years 1970-2200.
 * Returns MM_OK and sets *ns (ns may be NULL to only check the shape), or MM_ERR_PARSE. */
#define PARSE_CTIME_LEN 24
enum mm_status parse_ctime_time(const char *p, size_t len, const struct mm_tz *tz, int64_t *ns);

/* The fields of a Common Log Format line ("common", "combined" and their variants):
 *     [vhost:port ]client ident user [time] "request" status bytes[ "referer" "agent"]...
 * Slices point into the line. */
#define PARSE_CLF_MIN_TOKENS 3 /* client ident user */
struct clf_fields {
    struct slice vhost; /* a token before the client (Apache's vhost_combined), else empty */
    struct slice client, ident, user;
    int64_t time_ns;
    struct slice request; /* between the quotes, backslash escapes left as they are */
    struct slice status, bytes;
    struct slice referer, agent; /* empty when the line has none ("common") */
    size_t used;                 /* bytes read: what follows the agent starts here */
};

/* Does p start with the prefix of a CLF line: PARSE_CLF_MIN_TOKENS to max_tokens space-separated
 * tokens, then '['? *bracket receives the position of the '[', *ntok the number of tokens (either
 * may be NULL). */
bool parse_clf_prefix(const char *p, size_t len, size_t max_tokens, size_t *bracket, size_t *ntok);

/* Split a CLF line whose prefix has at most max_tokens tokens (a fourth is the vhost) into *f.
 * Requires a valid time, a quoted request and a numeric status (up to 999); referer and agent
 * are optional. Returns MM_OK, or MM_NO_MATCH when the line is not in that shape. */
enum mm_status parse_clf_line(const char *p, size_t len, size_t max_tokens, struct clf_fields *f);

/* Add "action" and, unless outcome is NULL, "outcome" (both static strings). */
void parse_add_action(struct event *ev, const char *action, const char *outcome);

/* Add v under name unless it is empty or "-" (access logs write "-" for "no value"). */
void parse_add_unless_dash(struct event *ev, const char *name, struct slice v);

/* Add a lower-cased copy of v (in the event's arena) under name; counted as dropped when the
 * arena's limit is reached. */
void parse_add_lower(struct event *ev, const char *name, struct slice v);

/* Parse an ISO 8601 / RFC 3339 time "2026-11-23T15:30:00.123+09:00" (a space instead of 'T' is
 * accepted; no zone means tz). *used receives the bytes consumed. */
enum mm_status parse_iso_time(const char *p, size_t len, const struct mm_tz *tz, int64_t *ns,
                              size_t *used, bool *has_zone);

#endif
