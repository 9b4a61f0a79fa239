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

void event_add(struct event *ev, const char *name, const char *value, size_t len)
{
    add_field(ev, name, strlen(name), value, len, FIELD_STR);
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
static const char *const reserved_keys[] = {
    "@timestamp", "receive_time", "listener", "peer", "truncated", "parser", "logsource", "syslog",
    "facility", "severity", "host", "program", "pid", "msgid", "message", "raw", "fields_dropped",
};

bool event_name_reserved(const char *name, size_t len)
{
    for (size_t i = 0; i < MM_ARRAY_LEN(reserved_keys); i++)
        if (strlen(reserved_keys[i]) == len && !memcmp(reserved_keys[i], name, len))
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

static enum mm_status put_key(struct buf *out, const char *key)
{
    enum mm_status st = buf_append_char(out, ',');
    if (st == MM_OK)
        st = json_write_string(out, key, strlen(key));
    if (st == MM_OK)
        st = buf_append_char(out, ':');
    return st;
}

static enum mm_status put_str(struct buf *out, const char *key, const char *p, size_t len)
{
    enum mm_status st = put_key(out, key);
    return st == MM_OK ? json_write_string(out, p, len) : st;
}

static enum mm_status put_time(struct buf *out, const char *key, int64_t ns)
{
    char t[40];
    size_t n = mm_time_format(ns, MM_TIME_MICRO, t, sizeof t);
    return put_str(out, key, t, n);
}

enum mm_status event_to_json(const struct event *ev, struct buf *out, unsigned flags)
{
    enum mm_status st = buf_append_char(out, '{');
    if (st != MM_OK)
        return st;
    /* the first key has no leading comma: write it by hand */
    char t[40];
    size_t tn = mm_time_format(ev->time_ns ? ev->time_ns : ev->receive_ns, MM_TIME_MICRO, t, sizeof t);
    buf_append_str(out, "\"@timestamp\":");
    st = json_write_string(out, t, tn);
    if (st == MM_OK && ev->receive_ns)
        st = put_time(out, "receive_time", ev->receive_ns);
    if (st == MM_OK && ev->listener)
        st = put_str(out, "listener", ev->listener, strlen(ev->listener));
    if (st == MM_OK && ev->peer)
        st = put_str(out, "peer", ev->peer, strlen(ev->peer));
    if (st == MM_OK && ev->truncated)
        st = buf_append_str(out, ",\"truncated\":true");
    if (st == MM_OK && ev->parser)
        st = put_str(out, "parser", ev->parser, strlen(ev->parser));
    if (st == MM_OK && (ev->logsource.product || ev->logsource.category || ev->logsource.service)) {
        st = buf_append_str(out, ",\"logsource\":{");
        bool first = true;
        const char *names[] = { "product", "category", "service" };
        const char *vals[] = { ev->logsource.product, ev->logsource.category, ev->logsource.service };
        for (int i = 0; i < 3 && st == MM_OK; i++) {
            if (!vals[i])
                continue;
            if (!first)
                buf_append_char(out, ',');
            first = false;
            buf_printf(out, "\"%s\":", names[i]);
            st = json_write_string(out, vals[i], strlen(vals[i]));
        }
        if (st == MM_OK)
            st = buf_append_char(out, '}');
    }
    if (st == MM_OK && ev->syslog != SYSLOG_NONE)
        st = buf_printf(out, ",\"syslog\":\"%s\"", ev->syslog == SYSLOG_RFC5424 ? "rfc5424" : "rfc3164");
    if (st == MM_OK && ev->facility >= 0)
        st = buf_printf(out, ",\"facility\":%d,\"severity\":%d", ev->facility, ev->severity);
    if (st == MM_OK && ev->host.len)
        st = put_str(out, "host", ev->host.p, ev->host.len);
    if (st == MM_OK && ev->program.len)
        st = put_str(out, "program", ev->program.p, ev->program.len);
    if (st == MM_OK && ev->pid.len)
        st = put_str(out, "pid", ev->pid.p, ev->pid.len);
    if (st == MM_OK && ev->msgid.len)
        st = put_str(out, "msgid", ev->msgid.p, ev->msgid.len);
    for (unsigned i = 0; i < ev->nfields && st == MM_OK; i++) {
        const struct event_field *f = &ev->fields[i];
        const char *name = f->name;
        if (flags & EVENT_JSON_ECS) {
            const char *ecs = event_ecs_name(name);
            if (ecs)
                name = ecs;
        }
        st = put_key(out, name);
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
        st = put_str(out, "message", ev->message.p, ev->message.len);
    if (st == MM_OK && (flags & EVENT_JSON_RAW) && ev->raw)
        st = put_str(out, "raw", ev->raw, ev->raw_len);
    if (st == MM_OK)
        st = buf_append_char(out, '}');
    return st;
}
