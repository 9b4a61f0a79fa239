/* SPDX-License-Identifier: Apache-2.0 */
/* event.c: the normalised event record and its JSON form. */
#include "base/prelude.h"
#include "base/mtime.h"
#include "event.h"
#include "json.h"

/* A message's decoded strings rarely pass a few KiB; the cap keeps one hostile message from
 * growing the arena without bound (the excess fields are counted as dropped). */
#define EVENT_ARENA_CHUNK 8192
#define EVENT_ARENA_MAX   (4u << 20)

void event_init(struct event *ev)
{
    memset(ev, 0, offsetof(struct event, arena));
    arena_init(&ev->arena, EVENT_ARENA_CHUNK, EVENT_ARENA_MAX);
    ev->facility = ev->severity = -1;
}

void event_release(struct event *ev)
{
    arena_release(&ev->arena);
}

void event_reset(struct event *ev)
{
    memset(ev, 0, offsetof(struct event, fields));
    ev->nfields = 0;
    ev->fields_dropped = 0;
    ev->facility = ev->severity = -1;
    arena_reset(&ev->arena);
}

char *event_strdup(struct event *ev, const char *p, size_t n)
{
    return arena_strndup(&ev->arena, p, n);
}

static void add_field(struct event *ev, const char *name, size_t name_len, const char *value,
                      size_t len, enum field_type type)
{
    if (ev->nfields >= EVENT_MAX_FIELDS || len > UINT32_MAX || !value) {
        ev->fields_dropped++;
        return;
    }
    ev->fields[ev->nfields++] = (struct event_field){
        .name = name, .name_len = (uint32_t)name_len, .value = value, .len = (uint32_t)len,
        .type = (uint8_t)type };
}

void event_add_field(struct event *ev, const char *name, size_t name_len, const char *value,
                     size_t len, enum field_type type)
{
    add_field(ev, name, name_len, value, len, type);
}

void event_add_copy(struct event *ev, const char *name, const char *value, size_t len)
{
    add_field(ev, name, strlen(name), event_strdup(ev, value, len), len, FIELD_STR);
}

void event_add_cstr(struct event *ev, const char *name, const char *value)
{
    add_field(ev, name, strlen(name), value, strlen(value), FIELD_STR);
}

void event_add_int(struct event *ev, const char *name, int64_t value)
{
    char tmp[24];
    int n = snprintf(tmp, sizeof tmp, "%" PRId64, value);
    add_field(ev, name, strlen(name), event_strdup(ev, tmp, (size_t)n), (size_t)n, FIELD_INT);
}

static bool canonical_int(const char *p, size_t len)
{
    size_t i = 0;
    if (len && p[0] == '-')
        i = 1;
    if (i >= len || len - i > 18)
        return false;
    if (p[i] == '0' && len - i > 1)
        return false;
    for (; i < len; i++)
        if (!mm_is_digit(p[i]))
            return false;
    return !(len == 2 && p[0] == '-' && p[1] == '0');
}

void event_add_num(struct event *ev, const char *name, const char *value, size_t len)
{
    add_field(ev, name, strlen(name), value, len, canonical_int(value, len) ? FIELD_INT : FIELD_STR);
}

void event_add_bool(struct event *ev, const char *name, bool value)
{
    const char *v = value ? "true" : "false";
    add_field(ev, name, strlen(name), v, strlen(v), FIELD_BOOL);
}

/* Keys event_to_json writes itself; a field from the input with one of these names would make a
 * duplicate key, so it is renamed "field.<name>". */
#define RESERVED(k) { k, sizeof(k) - 1 }
static const struct {
    const char *name;
    size_t len;
} reserved_keys[] = {
    RESERVED("@timestamp"), RESERVED("receive_time"), RESERVED("listener"), RESERVED("peer"),
    RESERVED("truncated"), RESERVED("parser"), RESERVED("logsource"), RESERVED("syslog"),
    RESERVED("facility"), RESERVED("severity"), RESERVED("host"), RESERVED("program"),
    RESERVED("pid"), RESERVED("msgid"), RESERVED("message"), RESERVED("raw"),
    RESERVED("fields_dropped"),
};

bool event_name_reserved(const char *name, size_t len)
{
    /* called for every dynamic field (FortiGate, JSON, Windows): lengths are compared first */
    for (size_t i = 0; i < MM_ARRAY_LEN(reserved_keys); i++)
        if (reserved_keys[i].len == len && !memcmp(reserved_keys[i].name, name, len))
            return true;
    return false;
}

void event_add_dynamic(struct event *ev, const char *name, size_t name_len, const char *value,
                       size_t len, enum field_type type, bool copy_value)
{
    char renamed[80];
    if (event_name_reserved(name, name_len) && name_len < sizeof renamed - 6) {
        memcpy(renamed, "field.", 6);
        memcpy(renamed + 6, name, name_len);
        name = renamed;
        name_len += 6;
    }
    const char *n = event_strdup(ev, name, name_len);
    const char *v = copy_value ? event_strdup(ev, value, len) : value;
    if (!n || !v) {
        ev->fields_dropped++;
        return;
    }
    if (type == FIELD_INT && !canonical_int(v, len))
        type = FIELD_STR;
    add_field(ev, n, name_len, v, len, type);
}

void event_set(struct event *ev, const char *name, const char *value, size_t len)
{
    for (unsigned i = 0; i < ev->nfields; i++) {
        if (!strcmp(ev->fields[i].name, name)) {
            ev->fields[i].value = value;
            ev->fields[i].len = (uint32_t)len;
            ev->fields[i].type = FIELD_STR;
            return;
        }
    }
    event_add(ev, name, value, len);
}

const struct event_field *event_get(const struct event *ev, const char *name)
{
    size_t n = strlen(name);
    for (unsigned i = 0; i < ev->nfields; i++)
        if (ev->fields[i].name_len == n && !memcmp(ev->fields[i].name, name, n))
            return &ev->fields[i];
    return NULL;
}

struct slice event_get_value(const struct event *ev, const char *name)
{
    const struct event_field *f = event_get(ev, name);
    return f ? slice_make(f->value, f->len) : slice_make("", 0);
}

/* Sigma taxonomy name -> ECS name, for the fields mamori's parsers emit. Kept sorted by the Sigma
 * name; docs/EVENTS.md prints the same table. */
static const struct {
    const char *sigma, *ecs;
} ecs_names[] = {
    { "Action", "event.action" },
    { "Channel", "winlog.channel" },
    { "CommandLine", "process.command_line" },
    { "Computer", "host.name" },
    { "EventID", "event.code" },
    { "EventRecordID", "winlog.record_id" },
    { "Filename", "file.path" },
    { "Image", "process.executable" },
    { "ParentCommandLine", "process.parent.command_line" },
    { "ParentImage", "process.parent.executable" },
    { "ProcessId", "process.pid" },
    { "Provider_Name", "event.provider" },
    { "Signature", "threat.indicator.name" },
    { "TargetUserName", "user.target.name" },
    { "User", "user.name" },
    { "action", "event.action" },
    { "alert_category", "rule.category" },
    { "alert_severity", "event.severity" },
    { "answer", "dns.answers.data" },
    { "app_proto", "network.protocol" },
    { "asa_message_id", "event.code" },
    { "bind_dn", "user.name" },
    { "bytes", "network.bytes" },
    { "bytes_to_client", "destination.bytes" },
    { "bytes_to_server", "source.bytes" },
    { "c-ip", "client.ip" },
    { "c-uri", "url.original" },
    { "c-uri-extension", "url.extension" },
    { "c-uri-query", "url.query" },
    { "c-uri-stem", "url.path" },
    { "c-useragent", "user_agent.original" },
    { "code", "error.code" },
    { "command", "process.command_line" },
    { "content_type", "http.response.mime_type" },
    { "cs-bytes", "http.request.bytes" },
    { "cs-host", "url.domain" },
    { "cs-method", "http.request.method" },
    { "cs-referer", "http.request.referrer" },
    { "cs-referrer", "http.request.referrer" },
    { "cs-uri", "url.original" },
    { "cs-uri-query", "url.query" },
    { "cs-uri-stem", "url.path" },
    { "cs-user-agent", "user_agent.original" },
    { "cs-username", "user.name" },
    { "cs-version", "http.version" },
    { "database", "db.name" },
    { "db_user", "user.name" },
    { "direction", "network.direction" },
    { "dns_id", "dns.id" },
    { "dst_host", "destination.domain" },
    { "dst_interface", "observer.egress.interface.name" },
    { "dst_ip", "destination.ip" },
    { "dst_mapped_ip", "destination.nat.ip" },
    { "dst_mapped_port", "destination.nat.port" },
    { "dst_port", "destination.port" },
    { "error_code", "error.code" },
    { "file_size", "file.size" },
    { "flow_end", "event.end" },
    { "flow_start", "event.start" },
    { "group", "group.name" },
    { "in_interface", "observer.ingress.interface.name" },
    { "ja3", "tls.client.ja3" },
    { "ja3s", "tls.server.ja3s" },
    { "level", "log.level" },
    { "log_level", "log.level" },
    { "md5", "file.hash.md5" },
    { "message_id", "email.message_id" },
    { "operation", "event.action" },
    { "out_interface", "observer.egress.interface.name" },
    { "outcome", "event.outcome" },
    { "packets_to_client", "destination.packets" },
    { "packets_to_server", "source.packets" },
    { "path", "file.path" },
    { "proto", "network.transport" },
    { "query", "dns.question.name" },
    { "query_class", "dns.question.class" },
    { "radius_event", "event.action" },
    { "rcode", "dns.response_code" },
    { "reason", "event.reason" },
    { "recipient", "email.to.address" },
    { "record_type", "dns.question.type" },
    { "relay_host", "destination.domain" },
    { "relay_ip", "destination.ip" },
    { "relay_port", "destination.port" },
    { "rule", "rule.name" },
    { "s-ip", "server.ip" },
    { "s-port", "server.port" },
    { "sc-bytes", "http.response.bytes" },
    { "sc-status", "http.response.status_code" },
    { "sender", "email.from.address" },
    { "sha1", "file.hash.sha1" },
    { "sha256", "file.hash.sha256" },
    { "signature_id", "rule.id" },
    { "sni", "tls.client.server_name" },
    { "src_host", "source.domain" },
    { "src_interface", "observer.ingress.interface.name" },
    { "src_ip", "source.ip" },
    { "src_mapped_ip", "source.nat.ip" },
    { "src_mapped_port", "source.nat.port" },
    { "src_port", "source.port" },
    { "statement", "db.statement" },
    { "subject", "email.subject" },
    { "target_user", "user.target.name" },
    { "tls_cipher", "tls.cipher" },
    { "tls_issuer", "tls.server.issuer" },
    { "tls_proto", "tls.version" },
    { "tls_subject", "tls.server.subject" },
    { "tls_version", "tls.version" },
    { "username", "user.name" },
};

bool event_is_ecs_name(const char *name)
{
    for (size_t i = 0; i < MM_ARRAY_LEN(ecs_names); i++)
        if (!strcmp(ecs_names[i].ecs, name))
            return true;
    return false;
}

const char *event_ecs_name(const char *sigma_name)
{
    size_t lo = 0, hi = MM_ARRAY_LEN(ecs_names);
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(sigma_name, ecs_names[mid].sigma);
        if (c == 0)
            return ecs_names[mid].ecs;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

static enum mm_status put_key(struct buf *out, const char *key, size_t len)
{
    /* the usual key is a short plain ASCII name: written in one piece */
    if (len <= 64 && ((!out->max && out->cap && len + 4 < out->cap - out->len) ||
                      buf_reserve(out, len + 4) == MM_OK)) {
        size_t i = 0;
        while (i < len && (unsigned char)key[i] >= 0x20 && (unsigned char)key[i] < 0x80 &&
               key[i] != '"' && key[i] != '\\')
            i++;
        if (i == len) {
            char *d = out->data + out->len;
            d[0] = ',';
            d[1] = '"';
            memcpy(d + 2, key, len);
            d[len + 2] = '"';
            d[len + 3] = ':';
            out->len += len + 4;
            out->data[out->len] = '\0';
            return MM_OK;
        }
    }
    enum mm_status st = buf_append_char(out, ',');
    if (st == MM_OK)
        st = json_write_string(out, key, len);
    if (st == MM_OK)
        st = buf_append_char(out, ':');
    return st;
}

/* ,"key": for a key known to need no escaping (a literal) */
#define PUT_LITERAL_KEY(out, key) buf_append(out, ",\"" key "\":", sizeof(key) + 3)

static enum mm_status put_str(struct buf *out, const char *key, size_t key_len, const char *p, size_t len)
{
    enum mm_status st = put_key(out, key, key_len);
    return st == MM_OK ? json_write_string(out, p, len) : st;
}

static char *put_2(char *d, int v)
{
    d[0] = (char)('0' + v / 10);
    d[1] = (char)('0' + v % 10);
    return d + 2;
}

/* "YYYY-MM-DDTHH:MM:SS.ffffffZ", what mm_time_format(MM_TIME_MICRO) writes, without snprintf
 * (two of them per event were the output's largest cost); other years go through it. */
static size_t time_micro(int64_t ns, char out[40])
{
    int64_t secs = ns / MM_NS_PER_SEC, frac = ns % MM_NS_PER_SEC;
    if (frac < 0) {
        frac += MM_NS_PER_SEC;
        secs--;
    }
    /* consecutive events share their seconds (the receive time, a device's burst): the date and
     * time part of the last two seconds seen is kept */
    static _Thread_local int64_t cached_secs[2] = { INT64_MIN, INT64_MIN };
    static _Thread_local char cached[2][20];
    static _Thread_local unsigned next_slot;
    char *p;
    if (secs == cached_secs[0] || secs == cached_secs[1]) {
        memcpy(out, cached[secs == cached_secs[0] ? 0 : 1], 19);
        p = out + 19;
        goto fraction;
    }
    int y, mo, d, h, mi, s;
    mm_civil_from_seconds(secs, &y, &mo, &d, &h, &mi, &s);
    if (y < 0 || y > 9999)
        return mm_time_format(ns, MM_TIME_MICRO, out, 40);
    p = put_2(out, y / 100);
    p = put_2(p, y % 100);
    *p++ = '-';
    p = put_2(p, mo);
    *p++ = '-';
    p = put_2(p, d);
    *p++ = 'T';
    p = put_2(p, h);
    *p++ = ':';
    p = put_2(p, mi);
    *p++ = ':';
    p = put_2(p, s);
    memcpy(cached[next_slot], out, 19);
    cached_secs[next_slot] = secs;
    next_slot ^= 1;
fraction:
    *p++ = '.';
    int us = (int)(frac / 1000);
    for (int i = 5; i >= 0; i--, us /= 10)
        p[i] = (char)('0' + us % 10);
    p += 6;
    *p++ = 'Z';
    *p = '\0';
    return (size_t)(p - out);
}

static enum mm_status put_int(struct buf *out, int v)
{
    char tmp[16], *e = tmp + sizeof tmp, *p = e;
    unsigned u = v < 0 ? 0u - (unsigned)v : (unsigned)v;
    do
        *--p = (char)('0' + u % 10);
    while (u /= 10);
    if (v < 0)
        *--p = '-';
    return buf_append(out, p, (size_t)(e - p));
}

enum mm_status event_to_json(const struct event *ev, struct buf *out, unsigned flags)
{
    /* most events fit in this; one reservation saves the appends below from growing the buffer */
    enum mm_status st = buf_reserve(out, 1024 + 2 * ev->raw_len);
    if (st == MM_ERR_TOO_LARGE)
        st = MM_OK; /* a limited buffer: the appends check it one by one */
    if (st == MM_OK)
        st = buf_append_char(out, '{');
    if (st != MM_OK)
        return st;
    /* the first key has no leading comma: write it by hand */
    /* the times are plain ASCII: written with their key and quotes, no escaping pass */
    char t[64];
    memcpy(t, "\"@timestamp\":\"", 14);
    size_t tn = time_micro(ev->time_ns ? ev->time_ns : ev->receive_ns, t + 14);
    t[14 + tn] = '"';
    st = buf_append(out, t, 15 + tn);
    if (st == MM_OK && ev->receive_ns) {
        memcpy(t, ",\"receive_time\":\"", 17);
        tn = time_micro(ev->receive_ns, t + 17);
        t[17 + tn] = '"';
        st = buf_append(out, t, 18 + tn);
    }
    if (st == MM_OK && ev->listener)
        st = put_str(out, "listener", 8, ev->listener, strlen(ev->listener));
    if (st == MM_OK && ev->peer)
        st = put_str(out, "peer", 4, ev->peer, strlen(ev->peer));
    if (st == MM_OK && ev->truncated)
        st = buf_append_str(out, ",\"truncated\":true");
    if (st == MM_OK && ev->parser)
        st = put_str(out, "parser", 6, ev->parser, strlen(ev->parser));
    if (st == MM_OK && (ev->logsource.product || ev->logsource.category || ev->logsource.service)) {
        st = buf_append_str(out, ",\"logsource\":{");
        bool first = true;
        static const char *const names[] = { "\"product\":", "\"category\":", "\"service\":" };
        const char *vals[] = { ev->logsource.product, ev->logsource.category, ev->logsource.service };
        for (int i = 0; i < 3 && st == MM_OK; i++) {
            if (!vals[i])
                continue;
            if (!first)
                buf_append_char(out, ',');
            first = false;
            buf_append_str(out, names[i]);
            st = json_write_string(out, vals[i], strlen(vals[i]));
        }
        if (st == MM_OK)
            st = buf_append_char(out, '}');
    }
    if (st == MM_OK && ev->syslog != SYSLOG_NONE)
        st = ev->syslog == SYSLOG_RFC5424 ? buf_append_str(out, ",\"syslog\":\"rfc5424\"")
                                          : buf_append_str(out, ",\"syslog\":\"rfc3164\"");
    if (st == MM_OK && ev->facility >= 0) {
        st = PUT_LITERAL_KEY(out, "facility");
        if (st == MM_OK)
            st = put_int(out, ev->facility);
        if (st == MM_OK)
            st = PUT_LITERAL_KEY(out, "severity");
        if (st == MM_OK)
            st = put_int(out, ev->severity);
    }
    if (st == MM_OK && ev->host.len)
        st = put_str(out, "host", 4, ev->host.p, ev->host.len);
    if (st == MM_OK && ev->program.len)
        st = put_str(out, "program", 7, ev->program.p, ev->program.len);
    if (st == MM_OK && ev->pid.len)
        st = put_str(out, "pid", 3, ev->pid.p, ev->pid.len);
    if (st == MM_OK && ev->msgid.len)
        st = put_str(out, "msgid", 5, ev->msgid.p, ev->msgid.len);
    for (unsigned i = 0; i < ev->nfields && st == MM_OK; i++) {
        const struct event_field *f = &ev->fields[i];
        const char *name = f->name;
        size_t name_len = f->name_len;
        if (flags & EVENT_JSON_ECS) {
            const char *ecs = event_ecs_name(name);
            if (ecs) {
                /* several Sigma names share one ECS name (User and username are user.name):
                 * the first one wins, so the object has no duplicate keys */
                bool seen = false;
                for (unsigned k = 0; k < i && !seen; k++)
                    seen = event_ecs_name(ev->fields[k].name) == ecs;
                if (seen)
                    continue;
                name = ecs;
                name_len = strlen(ecs);
            }
        }
        st = put_key(out, name, name_len);
        if (st != MM_OK)
            break;
        if (f->type == FIELD_STR)
            st = json_write_string(out, f->value, f->len);
        else
            st = buf_append(out, f->value, f->len);
    }
    if (st == MM_OK && ev->fields_dropped)
        st = buf_printf(out, ",\"fields_dropped\":%u", ev->fields_dropped);
    if (st == MM_OK && ev->message.p)
        st = put_str(out, "message", 7, ev->message.p, ev->message.len);
    if (st == MM_OK && (flags & EVENT_JSON_RAW) && ev->raw)
        st = put_str(out, "raw", 3, ev->raw, ev->raw_len);
    if (st == MM_OK)
        st = buf_append_char(out, '}');
    return st;
}
