/* SPDX-License-Identifier: Apache-2.0 */
/* suricata.c: Suricata EVE JSON, one object per line (from eve.json or the "syslog" EVE output):
 * alert, dns (v2 and v3 layouts), http, tls, flow, fileinfo, ssh and smtp records, flattened to
 * Sigma-style field names. Objects of other event types keep the common 5-tuple fields. */
#include "base/prelude.h"
#include "base/str.h"
#include "base/mtime.h"
#include "event/json.h"
#include "parser.h"

/* EVE records with full HTTP headers or long DNS answers run to a few hundred tokens; 4096 covers
 * every record type Suricata writes with room to spare. Larger documents are not claimed. */
#define SURICATA_MAX_TOKENS 4096
#define SURICATA_MAX_JOINED 32 /* answers / recipients joined into one field */

struct eve {
    struct event *ev;
    const char *doc;
    const struct json_token *t;
};

/* The JSON object of the message: EVE's optional "@cee: " prefix (eve-log "prefix") skipped. */
static struct slice eve_body(const char *msg, size_t len)
{
    if (mm_bytes_starts(msg, len, "@cee:")) {
        size_t i = 5;
        while (i < len && msg[i] == ' ')
            i++;
        return slice_make(msg + i, len - i);
    }
    return slice_make(msg, len);
}

static bool suricata_probe(const char *msg, size_t len)
{
    struct slice b = eve_body(msg, len);
    return b.len > 2 && b.p[0] == '{' && mm_memmem(b.p, b.len, "\"event_type\"") != NULL;
}

/* Index of the value of key in object obj, or 0 when absent. A value is never token 0 (the root),
 * so 0 also stands for "no object" as the obj argument: lookups chain through missing parents.
 * The root itself is searched with root_get. */
static uint32_t members_get(const struct eve *e, uint32_t obj, const char *key)
{
    uint32_t k = obj + 1;
    for (uint32_t n = 0; n < e->t[obj].children; n++) {
        if (json_token_eq(e->doc, &e->t[k], key))
            return k + 1;
        k = e->t[k + 1].next;
    }
    return 0;
}

static uint32_t obj_get(const struct eve *e, uint32_t obj, const char *key)
{
    return obj && e->t[obj].type == JSON_OBJECT ? members_get(e, obj, key) : 0;
}

static uint32_t root_get(const struct eve *e, const char *key)
{
    return members_get(e, 0, key);
}

static void utf8_put(char *out, size_t *o, uint32_t cp)
{
    if (cp < 0x80) {
        out[(*o)++] = (char)cp;
    } else if (cp < 0x800) {
        out[(*o)++] = (char)(0xc0 | (cp >> 6));
        out[(*o)++] = (char)(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        out[(*o)++] = (char)(0xe0 | (cp >> 12));
        out[(*o)++] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[(*o)++] = (char)(0x80 | (cp & 0x3f));
    } else {
        out[(*o)++] = (char)(0xf0 | (cp >> 18));
        out[(*o)++] = (char)(0x80 | ((cp >> 12) & 0x3f));
        out[(*o)++] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[(*o)++] = (char)(0x80 | (cp & 0x3f));
    }
}

static bool hex4(const char *p, size_t avail, uint32_t *v)
{
    if (avail < 4)
        return false;
    *v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        uint32_t d = mm_is_digit(c)           ? (uint32_t)(c - '0')
                     : (c >= 'a' && c <= 'f') ? (uint32_t)(c - 'a' + 10)
                     : (c >= 'A' && c <= 'F') ? (uint32_t)(c - 'A' + 10)
                                              : 16;
        if (d > 15)
            return false;
        *v = *v << 4 | d;
    }
    return true;
}

/* The decoded string value of token i as a slice: the raw bytes when it has no escapes, else a
 * copy in the event's arena (decoded text is never longer than its escaped form). */
static struct slice str_value(const struct eve *e, uint32_t i)
{
    const struct json_token *t = &e->t[i];
    const char *p = e->doc + t->start;
    size_t len = t->end - t->start;
    if (!t->escaped)
        return slice_make(p, len);
    char *out = event_strdup(e->ev, p, len);
    if (!out)
        return slice_make(NULL, 0);
    size_t o = 0;
    for (size_t k = 0; k < len; k++) {
        if (p[k] != '\\' || k + 1 >= len) {
            out[o++] = p[k];
            continue;
        }
        char c = p[++k];
        uint32_t cp, lo;
        switch (c) {
        case 'b':
            out[o++] = '\b';
            break;
        case 'f':
            out[o++] = '\f';
            break;
        case 'n':
            out[o++] = '\n';
            break;
        case 'r':
            out[o++] = '\r';
            break;
        case 't':
            out[o++] = '\t';
            break;
        case 'u':
            if (!hex4(p + k + 1, len - k - 1, &cp))
                break;
            k += 4;
            if (cp >= 0xd800 && cp < 0xdc00 && k + 6 < len && p[k + 1] == '\\' && p[k + 2] == 'u' &&
                hex4(p + k + 3, len - k - 3, &lo) && lo >= 0xdc00 && lo < 0xe000) {
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                k += 6;
            } else if (cp >= 0xd800 && cp < 0xe000) {
                cp = 0xfffd;
            }
            utf8_put(out, &o, cp);
            break;
        default:
            out[o++] = c;
            break; /* '"', '\\', '/' */
        }
    }
    return slice_make(out, o);
}

/* Add the value at index i (string, number or boolean) under name; null and containers are
 * skipped. */
static void add_value(const struct eve *e, const char *name, uint32_t i)
{
    if (!i)
        return;
    const struct json_token *t = &e->t[i];
    switch (t->type) {
    case JSON_STRING: {
        struct slice v = str_value(e, i);
        if (v.len)
            event_add_slice(e->ev, name, v);
        break;
    }
    case JSON_NUMBER:
        event_add_num(e->ev, name, e->doc + t->start, t->end - t->start);
        break;
    case JSON_TRUE:
    case JSON_FALSE:
        event_add_bool(e->ev, name, t->type == JSON_TRUE);
        break;
    default:
        break;
    }
}

static void add_key(const struct eve *e, uint32_t obj, const char *key, const char *name)
{
    add_value(e, name, obj_get(e, obj, key));
}

/* Join the string values of key in every object of array arr (or every string of arr when key is
 * NULL) with sep into one field. */
static void add_joined(const struct eve *e, uint32_t arr, const char *key, const char *name,
                       char sep)
{
    if (!arr || e->t[arr].type != JSON_ARRAY || !e->t[arr].children)
        return;
    struct slice parts[SURICATA_MAX_JOINED];
    size_t n = 0, total = 0;
    uint32_t k = arr + 1;
    for (uint32_t c = 0; c < e->t[arr].children && n < SURICATA_MAX_JOINED; c++, k = e->t[k].next) {
        uint32_t v = key ? obj_get(e, k, key) : k;
        if (!v || e->t[v].type != JSON_STRING)
            continue;
        parts[n] = str_value(e, v);
        total += parts[n].len + 1;
        n++;
    }
    if (n == 1) {
        event_add_slice(e->ev, name, parts[0]);
        return;
    }
    if (!n)
        return;
    char *out = arena_alloc(&e->ev->arena, total);
    if (!out)
        return;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (i)
            out[o++] = sep;
        memmove(out + o, parts[i].p, parts[i].len);
        o += parts[i].len;
    }
    event_add(e->ev, name, out, o);
}

static void eve_alert(const struct eve *e, uint32_t a)
{
    add_key(e, a, "signature", "rule");
    add_key(e, a, "signature_id", "signature_id");
    add_key(e, a, "gid", "gid");
    add_key(e, a, "rev", "rev");
    add_key(e, a, "category", "alert_category");
    add_key(e, a, "severity", "alert_severity");
    add_key(e, a, "action", "action");
}

static void eve_dns(const struct eve *e, uint32_t d)
{
    add_key(e, d, "type", "dns_type");
    add_key(e, d, "id", "dns_id");
    uint32_t q = obj_get(e, d, "queries"); /* v3 */
    uint32_t first = q && e->t[q].type == JSON_ARRAY && e->t[q].children ? q + 1 : d;
    add_key(e, first, "rrname", "query");
    add_key(e, first, "rrtype", "record_type");
    add_key(e, d, "rcode", "rcode");
    add_joined(e, obj_get(e, d, "answers"), "rdata", "answer", ';');
}

static void eve_http(const struct eve *e, uint32_t h)
{
    add_key(e, h, "hostname", "cs-host");
    uint32_t url = obj_get(e, h, "url");
    if (url && e->t[url].type == JSON_STRING)
        parse_url_fields(e->ev, str_value(e, url));
    add_key(e, h, "http_method", "cs-method");
    add_key(e, h, "protocol", "cs-version");
    add_key(e, h, "status", "sc-status");
    add_key(e, h, "length", "sc-bytes");
    add_key(e, h, "http_user_agent", "c-useragent");
    add_key(e, h, "http_refer", "cs-referrer");
    add_key(e, h, "http_content_type", "content_type");
}

static void eve_tls(const struct eve *e, uint32_t t)
{
    add_key(e, t, "sni", "sni");
    add_key(e, t, "version", "tls_version");
    add_key(e, t, "subject", "tls_subject");
    add_key(e, t, "issuerdn", "tls_issuer");
    add_key(e, t, "fingerprint", "tls_fingerprint");
    add_key(e, obj_get(e, t, "ja3"), "hash", "ja3");
    add_key(e, obj_get(e, t, "ja3s"), "hash", "ja3s");
}

/* the time in string token i, or false */
static bool eve_time(const struct eve *e, uint32_t i, const struct mm_tz *tz, int64_t *ns,
                     bool *zone)
{
    if (!i || e->t[i].type != JSON_STRING)
        return false;
    const char *p = e->doc + e->t[i].start;
    size_t len = e->t[i].end - e->t[i].start, used;
    return parse_iso_time(p, len, tz, ns, &used, zone) == MM_OK;
}

static void eve_flow(const struct eve *e, uint32_t f)
{
    add_key(e, f, "pkts_toserver", "packets_to_server");
    add_key(e, f, "pkts_toclient", "packets_to_client");
    add_key(e, f, "bytes_toserver", "bytes_to_server");
    add_key(e, f, "bytes_toclient", "bytes_to_client");
    add_key(e, f, "start", "flow_start");
    add_key(e, f, "end", "flow_end");
    int64_t ts, te;
    bool zone;
    struct mm_tz utc = { 0 };
    if (eve_time(e, obj_get(e, f, "start"), &utc, &ts, &zone) &&
        eve_time(e, obj_get(e, f, "end"), &utc, &te, &zone) && te >= ts)
        event_add_int(e->ev, "duration_ms", (te - ts) / 1000000);
    add_key(e, f, "state", "state");
    add_key(e, f, "reason", "reason");
    add_key(e, f, "alerted", "alerted");
}

static void eve_fileinfo(const struct eve *e, uint32_t f)
{
    add_key(e, f, "filename", "Filename");
    add_key(e, f, "magic", "file_magic");
    add_key(e, f, "size", "file_size");
    add_key(e, f, "md5", "md5");
    add_key(e, f, "sha1", "sha1");
    add_key(e, f, "sha256", "sha256");
    add_key(e, f, "state", "file_state");
}

static void eve_ssh(const struct eve *e, uint32_t s)
{
    uint32_t c = obj_get(e, s, "client"), sv = obj_get(e, s, "server");
    add_key(e, c, "proto_version", "ssh_client_proto");
    add_key(e, c, "software_version", "ssh_client_software");
    add_key(e, sv, "proto_version", "ssh_server_proto");
    add_key(e, sv, "software_version", "ssh_server_software");
}

static void eve_smtp(const struct eve *e, uint32_t s)
{
    add_key(e, s, "helo", "helo");
    add_key(e, s, "mail_from", "sender");
    add_joined(e, obj_get(e, s, "rcpt_to"), NULL, "recipient", ',');
}

/* Log source per event type; the strings must be static. */
static const struct {
    const char *type, *category;
} eve_types[] = {
    { "alert", "ids" }, { "anomaly", NULL },  { "dcerpc", NULL },
    { "dhcp", NULL },   { "dnp3", NULL },     { "dns", "dns" },
    { "drop", NULL },   { "fileinfo", NULL }, { "flow", "network_connection" },
    { "ftp", NULL },    { "ftp_data", NULL }, { "http", NULL },
    { "http2", NULL },  { "ike", NULL },      { "krb5", NULL },
    { "mqtt", NULL },   { "netflow", NULL },  { "nfs", NULL },
    { "pgsql", NULL },  { "quic", NULL },     { "rdp", NULL },
    { "rfb", NULL },    { "sip", NULL },      { "smb", NULL },
    { "smtp", NULL },   { "snmp", NULL },     { "ssh", NULL },
    { "stats", NULL },  { "tftp", NULL },     { "tls", NULL },
};

static enum mm_status suricata_parse(struct event *ev, const struct parse_context *ctx)
{
    static _Thread_local struct json_token toks[SURICATA_MAX_TOKENS];
    if (!suricata_probe(ev->message.p, ev->message.len))
        return MM_NO_MATCH;
    struct slice body = eve_body(ev->message.p, ev->message.len);
    int n = json_parse(body.p, body.len, toks, SURICATA_MAX_TOKENS, NULL);
    if (n <= 0 || toks[0].type != JSON_OBJECT)
        return MM_NO_MATCH;
    struct eve e = { ev, body.p, toks };
    uint32_t type = root_get(&e, "event_type");
    if (!type || toks[type].type != JSON_STRING)
        return MM_NO_MATCH;

    const char *service = NULL, *category = NULL;
    for (size_t i = 0; i < MM_ARRAY_LEN(eve_types); i++)
        if (json_token_eq(e.doc, &toks[type], eve_types[i].type)) {
            service = eve_types[i].type;
            category = eve_types[i].category;
        }
    event_set_logsource(ev, "suricata", category, service);

    /* the root is token 0; walk its members once */
    uint32_t ts = 0, alert = 0, dns = 0, http = 0, tls = 0, flow = 0, file = 0, ssh = 0, smtp = 0;
    uint32_t k = 1;
    for (uint32_t c = 0; c < toks[0].children; c++, k = toks[k + 1].next) {
        const struct json_token *key = &toks[k];
        uint32_t v = k + 1;
        if (json_token_eq(e.doc, key, "timestamp"))
            ts = v;
        else if (json_token_eq(e.doc, key, "alert"))
            alert = v;
        else if (json_token_eq(e.doc, key, "dns"))
            dns = v;
        else if (json_token_eq(e.doc, key, "http"))
            http = v;
        else if (json_token_eq(e.doc, key, "tls"))
            tls = v;
        else if (json_token_eq(e.doc, key, "flow"))
            flow = v;
        else if (json_token_eq(e.doc, key, "fileinfo"))
            file = v;
        else if (json_token_eq(e.doc, key, "ssh"))
            ssh = v;
        else if (json_token_eq(e.doc, key, "smtp"))
            smtp = v;
    }
    int64_t ns;
    bool zone;
    if (eve_time(&e, ts, &ctx->tz, &ns, &zone)) {
        ev->time_ns = ns;
        ev->time_has_zone = zone;
        ev->time_has_year = true;
    }

    static const struct {
        const char *key, *name;
    } common[] = {
        { "event_type", "event_type" }, { "src_ip", "src_ip" },         { "src_port", "src_port" },
        { "dest_ip", "dst_ip" },        { "dest_port", "dst_port" },    { "proto", "proto" },
        { "app_proto", "app_proto" },   { "in_iface", "in_interface" }, { "flow_id", "flow_id" },
        { "tx_id", "tx_id" },
    };
    for (size_t i = 0; i < MM_ARRAY_LEN(common); i++)
        add_value(&e, common[i].name, root_get(&e, common[i].key));
    if (alert)
        eve_alert(&e, alert);
    if (dns)
        eve_dns(&e, dns);
    if (http)
        eve_http(&e, http);
    if (tls)
        eve_tls(&e, tls);
    if (flow)
        eve_flow(&e, flow);
    if (file)
        eve_fileinfo(&e, file);
    if (ssh)
        eve_ssh(&e, ssh);
    if (smtp)
        eve_smtp(&e, smtp);
    return MM_OK;
}

static const char *const suricata_programs[] = { "suricata", NULL };

const struct parser parser_suricata = {
    .name = "suricata",
    .summary = "Suricata EVE JSON: alert, dns, http, tls, flow, fileinfo, ssh, smtp",
    .programs = suricata_programs,
    .probe = suricata_probe,
    .parse = suricata_parse,
    .probe_priority = 100,
};
