/* SPDX-License-Identifier: Apache-2.0 */
/* suricata.c: Suricata EVE JSON, one object per line (from eve.json or the "syslog" EVE output):
 * alert, dns (v2 and v3 layouts), http, tls, flow, fileinfo, ssh and smtp records, flattened to
 * Sigma-style field names. Objects of other event types keep the common 5-tuple fields. */
#include "base/prelude.h"
#include "base/str.h"
#include "base/mtime.h"
#include "event/json.h"
#include "parser.h"
#include "json_util.h"

/* EVE records with full HTTP headers or long DNS answers run to a few hundred tokens; 4096 covers
 * every record type Suricata writes with room to spare. Larger documents are not claimed. */
#define SURICATA_MAX_TOKENS 4096
#define SURICATA_MAX_JOINED 32 /* answers / recipients joined into one field */

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

/* Add the value at index i (string, number or boolean) under name; null and containers are
 * skipped. */
static void add_value(const struct json_doc *e, const char *name, uint32_t i)
{
    if (!i)
        return;
    const struct json_token *t = &e->t[i];
    switch (t->type) {
    case JSON_STRING: {
        struct slice v = json_doc_string(e, i);
        if (v.len)
            event_add_slice(e->ev, name, v);
        break;
    }
    case JSON_NUMBER:
        event_add_num(e->ev, name, e->text + t->start, t->end - t->start);
        break;
    case JSON_TRUE:
    case JSON_FALSE:
        event_add_bool(e->ev, name, t->type == JSON_TRUE);
        break;
    default:
        break;
    }
}

static void add_key(const struct json_doc *e, uint32_t obj, const char *key, const char *name)
{
    add_value(e, name, json_doc_get(e, obj, key));
}

/* Join the string values of key in every object of array arr (or every string of arr when key is
 * NULL) with sep into one field. */
static void add_joined(const struct json_doc *e, uint32_t arr, const char *key, const char *name,
                       char sep)
{
    if (!arr || e->t[arr].type != JSON_ARRAY || !e->t[arr].children)
        return;
    struct slice parts[SURICATA_MAX_JOINED];
    size_t n = 0, total = 0;
    uint32_t k = arr + 1;
    for (uint32_t c = 0; c < e->t[arr].children && n < SURICATA_MAX_JOINED; c++, k = e->t[k].next) {
        uint32_t v = key ? json_doc_get(e, k, key) : k;
        if (!v || e->t[v].type != JSON_STRING)
            continue;
        parts[n] = json_doc_string(e, v);
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

static void eve_alert(const struct json_doc *e, uint32_t a)
{
    add_key(e, a, "signature", "rule");
    add_key(e, a, "signature_id", "signature_id");
    add_key(e, a, "gid", "gid");
    add_key(e, a, "rev", "rev");
    add_key(e, a, "category", "alert_category");
    add_key(e, a, "severity", "alert_severity");
    add_key(e, a, "action", "action");
}

static void eve_dns(const struct json_doc *e, uint32_t d)
{
    add_key(e, d, "type", "dns_type");
    add_key(e, d, "id", "dns_id");
    uint32_t q = json_doc_get(e, d, "queries"); /* v3 */
    uint32_t first = q && e->t[q].type == JSON_ARRAY && e->t[q].children ? q + 1 : d;
    add_key(e, first, "rrname", "query");
    add_key(e, first, "rrtype", "record_type");
    add_key(e, d, "rcode", "rcode");
    add_joined(e, json_doc_get(e, d, "answers"), "rdata", "answer", ';');
}

static void eve_http(const struct json_doc *e, uint32_t h)
{
    add_key(e, h, "hostname", "cs-host");
    uint32_t url = json_doc_get(e, h, "url");
    if (url && e->t[url].type == JSON_STRING)
        parse_url_fields(e->ev, json_doc_string(e, url));
    add_key(e, h, "http_method", "cs-method");
    add_key(e, h, "protocol", "cs-version");
    add_key(e, h, "status", "sc-status");
    add_key(e, h, "length", "sc-bytes");
    add_key(e, h, "http_user_agent", "c-useragent");
    add_key(e, h, "http_refer", "cs-referrer");
    add_key(e, h, "http_content_type", "content_type");
}

static void eve_tls(const struct json_doc *e, uint32_t t)
{
    add_key(e, t, "sni", "sni");
    add_key(e, t, "version", "tls_version");
    add_key(e, t, "subject", "tls_subject");
    add_key(e, t, "issuerdn", "tls_issuer");
    add_key(e, t, "fingerprint", "tls_fingerprint");
    add_key(e, json_doc_get(e, t, "ja3"), "hash", "ja3");
    add_key(e, json_doc_get(e, t, "ja3s"), "hash", "ja3s");
}

/* the time in string token i, or false */
static bool eve_time(const struct json_doc *e, uint32_t i, const struct mm_tz *tz, int64_t *ns,
                     bool *zone)
{
    if (!i || e->t[i].type != JSON_STRING)
        return false;
    const char *p = e->text + e->t[i].start;
    size_t len = e->t[i].end - e->t[i].start, used;
    return parse_iso_time(p, len, tz, ns, &used, zone) == MM_OK;
}

static void eve_flow(const struct json_doc *e, uint32_t f)
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
    if (eve_time(e, json_doc_get(e, f, "start"), &utc, &ts, &zone) &&
        eve_time(e, json_doc_get(e, f, "end"), &utc, &te, &zone) && te >= ts)
        event_add_int(e->ev, "duration_ms", (te - ts) / 1000000);
    add_key(e, f, "state", "state");
    add_key(e, f, "reason", "reason");
    add_key(e, f, "alerted", "alerted");
}

static void eve_fileinfo(const struct json_doc *e, uint32_t f)
{
    add_key(e, f, "filename", "Filename");
    add_key(e, f, "magic", "file_magic");
    add_key(e, f, "size", "file_size");
    add_key(e, f, "md5", "md5");
    add_key(e, f, "sha1", "sha1");
    add_key(e, f, "sha256", "sha256");
    add_key(e, f, "state", "file_state");
}

static void eve_ssh(const struct json_doc *e, uint32_t s)
{
    uint32_t c = json_doc_get(e, s, "client"), sv = json_doc_get(e, s, "server");
    add_key(e, c, "proto_version", "ssh_client_proto");
    add_key(e, c, "software_version", "ssh_client_software");
    add_key(e, sv, "proto_version", "ssh_server_proto");
    add_key(e, sv, "software_version", "ssh_server_software");
}

static void eve_smtp(const struct json_doc *e, uint32_t s)
{
    add_key(e, s, "helo", "helo");
    add_key(e, s, "mail_from", "sender");
    add_joined(e, json_doc_get(e, s, "rcpt_to"), NULL, "recipient", ',');
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
    struct json_doc e = { ev, body.p, toks };
    uint32_t type = json_doc_root_get(&e, "event_type");
    if (!type || toks[type].type != JSON_STRING)
        return MM_NO_MATCH;

    const char *service = NULL, *category = NULL;
    for (size_t i = 0; i < MM_ARRAY_LEN(eve_types); i++)
        if (json_token_eq(e.text, &toks[type], eve_types[i].type)) {
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
        if (json_token_eq(e.text, key, "timestamp"))
            ts = v;
        else if (json_token_eq(e.text, key, "alert"))
            alert = v;
        else if (json_token_eq(e.text, key, "dns"))
            dns = v;
        else if (json_token_eq(e.text, key, "http"))
            http = v;
        else if (json_token_eq(e.text, key, "tls"))
            tls = v;
        else if (json_token_eq(e.text, key, "flow"))
            flow = v;
        else if (json_token_eq(e.text, key, "fileinfo"))
            file = v;
        else if (json_token_eq(e.text, key, "ssh"))
            ssh = v;
        else if (json_token_eq(e.text, key, "smtp"))
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
        add_value(&e, common[i].name, json_doc_root_get(&e, common[i].key));
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
