/* SPDX-License-Identifier: Apache-2.0 */
/* config.c: the sensor's settings table and cross-field checks. */
#include "base/prelude.h"
#include "base/alloc.h"
#include "base/log.h"
#include "base/mtime.h"
#include "io/charset.h"
#include "net/framing.h"
#include "net/tls.h"
#include "base/str.h"
#include "parse/parser.h"
#include "store/store.h"
#include "detect/detectors.h"
#include "config.h"
#include "ship.h"

#define S(field) offsetof(struct sensor_config, field)
#define L(field) offsetof(struct listener_config, field)

static const char *const output_formats[] = { "json", "raw", "none", NULL };
static const char *const listener_types[] = { "udp", "tcp", "tls", "json", "file", NULL };
static const char *const framings[] = { "auto", "lf", "octet", NULL };
static const char *const client_auths[] = { "none", "optional", "required", NULL };

static const struct conf_var sensor_vars[] = {
    { "workers", CONF_INT, S(workers), "2", 1, 64, CONF_RESTART, NULL,
      "threads that receive, parse and normalise (one per core is right)" },
    { "max_message_size", CONF_SIZE, S(max_message_size), "64k", 480, 16 << 20, CONF_RESTART, NULL,
      "longest message kept whole; longer ones are truncated and counted" },
    { "output", CONF_STRING, S(output), "-", 0, 0, CONF_RESTART, NULL,
      "where normalised events go: a file path (reopened on SIGHUP) or - for standard output" },
    { "output_format", CONF_ENUM, S(output_format), "json", 0, 0, CONF_RESTART, output_formats,
      "json: one normalised event per line; raw: the received messages; none: count only" },
    { "output_raw", CONF_BOOL, S(output_raw), "no", 0, 0, 0, NULL,
      "include the raw message in each JSON event" },
    { "queue_size", CONF_SIZE, S(queue_size), "64m", 1 << 20, 4ll << 30, CONF_RESTART, NULL,
      "output waiting to be written; when full, TCP senders are slowed (back-pressure)" },
    { "state_dir", CONF_STRING, S(state_dir), "/var/lib/mamori", 0, 0, CONF_RESTART, NULL,
      "directory for state kept across restarts (file positions)" },
    { "status_socket", CONF_STRING, S(status_socket), "", 0, 0, CONF_RESTART, NULL,
      "Unix socket answering with the counters as JSON; empty: <state_dir>/sensor.sock" },
    { "clock_skew_threshold", CONF_DURATION, S(clock_skew_threshold), "5s", 1000000,
      86400ll * 1000000000, 0, NULL,
      "report sources whose clock is off by more than this, or jumps by more than this" },
    { "max_sources", CONF_SIZE, S(max_sources), "65536", 16, 1 << 24, CONF_RESTART, NULL,
      "distinct sources tracked per worker; beyond it they are counted under \"(other)\"" },
    { "udp_receive_buffer", CONF_SIZE, S(udp_receive_buffer), "8m", 0, 1ll << 30, CONF_RESTART, NULL,
      "kernel receive buffer asked for UDP sockets (absorbs bursts)" },
    { "log_level", CONF_STRING, S(log_level), "info", 0, 0, 0, NULL,
      "error, warn, info or debug" },
    { "store", CONF_STRING, S(store), "", 0, 0, CONF_RESTART, NULL,
      "directory of the sealed store keeping every received message; empty: no store" },
    { "store_key", CONF_STRING, S(store_key), "", 0, 0, CONF_RESTART | CONF_SECRET, NULL,
      "the store's Ed25519 signing key (PEM); empty: <store>/keys/seal.key, made when missing" },
    { "store_block_size", CONF_SIZE, S(store_block_size), "4m", 4096, 64 << 20, CONF_RESTART, NULL,
      "a block is sealed when its messages reach this size ..." },
    { "store_block_interval", CONF_DURATION, S(store_block_interval), "1s", 1000000,
      3600ll * 1000000000, CONF_RESTART, NULL, "... or this long after its first message" },
    { "store_sync", CONF_STRING, S(store_sync), "1s", 0, 0, CONF_RESTART, NULL,
      "block: fdatasync every block; a duration: at most this often (the loss window on power "
      "failure is this plus store_block_interval)" },
    { "store_checkpoint_interval", CONF_DURATION, S(store_checkpoint_interval), "60s", 1000000000,
      86400ll * 1000000000, CONF_RESTART, NULL, "sign the chain this often (and at shutdown)" },
    { "store_segment_size", CONF_SIZE, S(store_segment_size), "1g", 1 << 20, 1ll << 40, CONF_RESTART,
      NULL, "start a new segment file past this size ..." },
    { "store_segment_interval", CONF_DURATION, S(store_segment_interval), "1d", 60ll * 1000000000,
      366ll * 86400 * 1000000000, CONF_RESTART, NULL, "... or this much time (retention deletes whole segments)" },
    { "store_retention", CONF_DURATION, S(store_retention), "400d", 0, 36500ll * 86400 * 1000000000,
      CONF_RESTART, NULL, "delete segments older than this, with a signed record; 0: keep forever" },
    { "store_retention_override", CONF_BOOL, S(store_retention_override), "no", 0, 0, CONF_RESTART, NULL,
      "allow store_retention below 365 days (the minimum logs must be kept)" },
    { "store_zstd_level", CONF_INT, S(store_zstd_level), "6", 1, 19, CONF_RESTART, NULL,
      "zstd compression level of the store's blocks" },
    { "rules", CONF_STRING, S(rules), "", 0, 0, CONF_RESTART, NULL,
      "Sigma rules, correlations and filters to run: files and directories, comma-separated "
      "(read again on SIGHUP)" },
    { "rules_placeholders", CONF_STRING, S(rules_placeholders), "", 0, 0, CONF_RESTART, NULL,
      "YAML file of values for |expand placeholders in rules" },
    { "rules_strict", CONF_BOOL, S(rules_strict), "no", 0, 0, CONF_RESTART, NULL,
      "refuse to start (or reload) when a rule or IOC file is not accepted; no: log it and go on" },
    { "ioc", CONF_STRING, S(ioc), "", 0, 0, CONF_RESTART, NULL,
      "IOC files (MISP JSON, STIX 2.1, CSV, plain lists), comma-separated" },
    { "ioc_refresh_interval", CONF_DURATION, S(ioc_refresh_interval), "60s", 0,
      86400ll * 1000000000, CONF_RESTART, NULL,
      "check the IOC files this often and reload them when one changed (0: only on SIGHUP)" },
    { "detectors", CONF_BOOL, S(detectors), "no", 0, 0, CONF_RESTART, NULL,
      "run the built-in stateful detectors (beaconing, outbound volume, directory operations "
      "off hours, antivirus detection then outbound)" },
    { "alert_spool", CONF_STRING, S(alert_spool), "", 0, 0, CONF_RESTART, NULL,
      "directory the alerts are written to (for the server); empty: <state_dir>/alerts" },
    { "alert_window", CONF_DURATION, S(alert_window), "10m", 1000000000, 86400ll * 1000000000,
      CONF_RESTART, NULL, "repeats of an alert (same rule and key) within this window are aggregated" },
    { "alert_max_events", CONF_INT, S(alert_max_events), "10", 0, 1000, CONF_RESTART, NULL,
      "triggering events kept in an alert; more are counted" },
    { "alert_spool_max", CONF_SIZE, S(alert_spool_max), "1g", 0, 1ll << 50, CONF_RESTART, NULL,
      "when the spool's files pass this total, the oldest are deleted (logged, counted); 0: no limit" },
    { "server", CONF_STRING, S(server), "", 0, 0, CONF_RESTART, NULL,
      "the mamori server the alert spool is shipped to (https://host:port); empty: not shipped" },
    { "server_ca", CONF_STRING, S(server_ca), "", 0, 0, CONF_RESTART, NULL,
      "CA certificates (PEM) the server's certificate must chain to; empty: the system's" },
    { "server_key_file", CONF_STRING, S(server_key_file), "", 0, 0, CONF_RESTART, NULL,
      "where the sensor's key is kept once enrolled; empty: <state_dir>/server.key" },
    { "server_enrol_token", CONF_STRING, S(server_enrol_token), "", 0, 0, CONF_RESTART | CONF_SECRET, NULL,
      "the one-time enrolment token from the server (POST /api/v1/sensors); used while there is no key" },
    { "ship_interval", CONF_DURATION, S(ship_interval), "2s", 100000000, 3600ll * 1000000000, CONF_RESTART, NULL,
      "how often the spool is looked at for new alerts when everything is shipped" },
    { "ship_batch", CONF_SIZE, S(ship_batch), "256k", 4096, 1 << 20, CONF_RESTART, NULL,
      "alert records per request, by size (the server's max_body bounds it)" },
    { "alert_max_open", CONF_SIZE, S(alert_max_open), "100000", 1, 10000000, CONF_RESTART, NULL,
      "alerts aggregating at once; past it the oldest is closed early (counted)" },
    { "correlation_memory", CONF_SIZE, S(correlation_memory), "64m", 1 << 20, 64ll << 30, CONF_RESTART,
      NULL, "cap on correlation state; past it the least recently updated groups are evicted (counted)" },
    { "correlation_max_events", CONF_INT, S(correlation_max_events), "10", 1, 1000, CONF_RESTART, NULL,
      "contributing events kept per correlation group and shown in its alert" },
};

static const struct conf_var listener_vars[] = {
    { "type", CONF_ENUM, L(type), NULL, 0, 0, CONF_REQUIRED, listener_types,
      "udp, tcp, tls (syslog), json (JSON lines over TCP) or file" },
    { "address", CONF_STRING, L(address), NULL, 0, 0, 0, NULL,
      "host:port to listen on, e.g. 0.0.0.0:514 or [::]:6514" },
    { "framing", CONF_ENUM, L(framing), "auto", 0, 0, 0, framings,
      "TCP framing (RFC 6587): auto detects octet-counting per frame, lf or octet force one" },
    { "parser", CONF_STRING, L(parser), "auto", 0, 0, 0, NULL,
      "auto (by program name and content) or the name of one parser (mamori log parsers)" },
    { "no_header", CONF_BOOL, L(no_header), "no", 0, 0, 0, NULL,
      "messages carry no syslog header (e.g. a Squid access.log file)" },
    { "timezone", CONF_STRING, L(timezone), "local", 0, 0, 0, NULL,
      "zone of timestamps that carry none (RFC 3164): local, UTC or +09:00" },
    { "charset", CONF_STRING, L(charset), "utf-8", 0, 0, 0, NULL,
      "encoding of the messages: utf-8, shift_jis (CP932), euc-jp, iso-2022-jp, latin1; "
      "messages already valid UTF-8 are never converted" },
    { "max_connections", CONF_INT, L(max_connections), "10000", 1, 1000000, 0, NULL,
      "concurrent connections; more are refused and counted" },
    { "idle_timeout", CONF_DURATION, L(idle_timeout), "0", 0, 0, 0, NULL,
      "close connections silent for this long (0: never)" },
    { "certificate", CONF_STRING, L(certificate), NULL, 0, 0, 0, NULL,
      "TLS: server certificate chain (PEM)" },
    { "key", CONF_STRING, L(key), NULL, 0, 0, CONF_SECRET, NULL, "TLS: private key (PEM)" },
    { "client_ca", CONF_STRING, L(client_ca), NULL, 0, 0, 0, NULL,
      "TLS: CA certificates that client certificates must chain to" },
    { "client_auth", CONF_ENUM, L(client_auth), "none", 0, 0, 0, client_auths,
      "TLS: none, optional (verify when offered) or required" },
    { "path", CONF_STRING, L(path), NULL, 0, 0, 0, NULL, "file: the file to read" },
    { "follow", CONF_BOOL, L(follow), "yes", 0, 0, 0, NULL,
      "file: keep reading as it grows and across rotation; no: import once" },
    { "from_start", CONF_BOOL, L(from_start), "yes", 0, 0, 0, NULL,
      "file: the first time a file is seen, read it from the start (no: from its end)" },
};

static enum mm_status validate_top(void *instance, struct mm_error *err)
{
    struct sensor_config *cfg = instance;
    enum mm_log_level lv;
    if (mm_log_parse_level(cfg->log_level, &lv) != MM_OK)
        return mm_error_set(err, MM_ERR_INVALID,
                            "log_level must be error, warn, info or debug, not '%s'", cfg->log_level);
    if (cfg->store && cfg->store[0]) {
        struct store_options so;
        if (sensor_store_options(cfg, &so, err) != MM_OK)
            return MM_ERR_INVALID;
        if (store_options_check(&so, err) != MM_OK)
            return MM_ERR_INVALID;
    }
    return MM_OK;
}

void sensor_alert_spool(const struct sensor_config *cfg, char *out, size_t outlen)
{
    if (cfg->alert_spool && cfg->alert_spool[0])
        snprintf(out, outlen, "%s", cfg->alert_spool);
    else
        snprintf(out, outlen, "%s/alerts", cfg->state_dir);
}

bool sensor_detection_on(const struct sensor_config *cfg)
{
    return (cfg->rules && cfg->rules[0]) || (cfg->ioc && cfg->ioc[0]) || cfg->detectors;
}

enum mm_status sensor_store_options(const struct sensor_config *cfg, struct store_options *so,
                                    struct mm_error *err)
{
    store_options_default(so);
    so->path = cfg->store;
    so->key_path = cfg->store_key && cfg->store_key[0] ? cfg->store_key : NULL;
    so->block_size = (size_t)cfg->store_block_size;
    so->block_interval_ns = cfg->store_block_interval;
    if (!strcmp(cfg->store_sync, "block"))
        so->sync_interval_ns = 0;
    else if (mm_parse_duration(cfg->store_sync, &so->sync_interval_ns) != MM_OK || so->sync_interval_ns <= 0)
        return mm_error_set(err, MM_ERR_INVALID, "store_sync must be 'block' or a duration, not '%s'",
                            cfg->store_sync);
    so->checkpoint_interval_ns = cfg->store_checkpoint_interval;
    so->segment_size = cfg->store_segment_size;
    so->segment_interval_ns = cfg->store_segment_interval;
    so->retention_ns = cfg->store_retention;
    so->retention_override = cfg->store_retention_override;
    so->zstd_level = (int)cfg->store_zstd_level;
    return MM_OK;
}

static void *add_listener(void *owner)
{
    struct sensor_config *cfg = owner;
    if (cfg->nlisteners >= SENSOR_MAX_LISTENERS)
        return NULL;
    struct listener_config *l = &cfg->listeners[cfg->nlisteners++];
    memset(l, 0, sizeof *l);
    return l;
}

static enum mm_status validate_listener(void *instance, struct mm_error *err)
{
    struct listener_config *l = instance;
    if (l->type == LISTEN_FILE) {
        if (!l->path)
            return mm_error_set(err, MM_ERR_INVALID, "listener '%s': type file needs 'path'", l->name);
    } else if (!l->address) {
        return mm_error_set(err, MM_ERR_INVALID, "listener '%s': needs 'address'", l->name);
    }
    if (l->type == LISTEN_TLS && (!l->certificate || !l->key))
        return mm_error_set(err, MM_ERR_INVALID, "listener '%s': tls needs 'certificate' and 'key'",
                            l->name);
    if (l->client_auth != TLS_CLIENT_NONE && !l->client_ca)
        return mm_error_set(err, MM_ERR_INVALID, "listener '%s': client_auth needs 'client_ca'", l->name);
    if (strcmp(l->parser, "auto") != 0 && !parser_find(l->parser))
        return mm_error_set(err, MM_ERR_INVALID,
                            "listener '%s': unknown parser '%s' (see 'mamori log parsers')", l->name,
                            l->parser);
    struct mm_tz tz;
    if (mm_tz_parse(l->timezone, &tz) != MM_OK)
        return mm_error_set(err, MM_ERR_INVALID,
                            "listener '%s': invalid timezone '%s' (local, UTC or +hh:mm)", l->name,
                            l->timezone);
    if (!charset_known(l->charset))
        return mm_error_set(err, MM_ERR_INVALID, "listener '%s': unknown charset '%s'", l->name,
                            l->charset);
    if (l->type == LISTEN_JSON && l->framing == FRAMING_OCTET)
        return mm_error_set(err, MM_ERR_INVALID, "listener '%s': JSON lines are LF-framed", l->name);
    return MM_OK;
}

/* A detector parameter (docs/DETECTORS.md): checked on a scratch configuration, kept as text. */
static enum mm_status detector_setting(void *instance, const char *key, const char *value, struct mm_error *err)
{
    struct sensor_config *cfg = instance;
    bool known = false;
    for (size_t i = 0; i < detectors_nparams && !known; i++)
        known = !strcmp(detectors_params[i].name, key);
    if (!known)
        return MM_ERR_NOT_FOUND;
    for (size_t i = 0; i < cfg->ndetector; i++)
        if (!strcmp(cfg->detector_keys[i], key))
            return mm_error_set(err, MM_ERR_INVALID, "'%s' set twice", key);
    struct detectors_config *dc = mm_malloc(sizeof *dc);
    detectors_config_defaults(dc);
    enum mm_status st = detectors_config_set(dc, key, value, err);
    mm_free(dc);
    if (st != MM_OK)
        return st;
    cfg->detector_keys = mm_reallocarray(cfg->detector_keys, cfg->ndetector + 1, sizeof(char *));
    cfg->detector_values = mm_reallocarray(cfg->detector_values, cfg->ndetector + 1, sizeof(char *));
    cfg->detector_keys[cfg->ndetector] = mm_strdup(key);
    cfg->detector_values[cfg->ndetector++] = mm_strdup(value);
    return MM_OK;
}

enum mm_status sensor_detectors_config(const struct sensor_config *cfg, struct detectors_config *dc,
                                       struct mm_error *err)
{
    detectors_config_defaults(dc);
    for (size_t i = 0; i < cfg->ndetector; i++) {
        enum mm_status st = detectors_config_set(dc, cfg->detector_keys[i], cfg->detector_values[i], err);
        if (st != MM_OK)
            return mm_error_wrap(err, st, "%s", cfg->detector_keys[i]);
    }
    return MM_OK;
}

const struct conf_section sensor_conf_sections[2] = {
    { "", sensor_vars, MM_ARRAY_LEN(sensor_vars), sizeof(struct sensor_config), 0, NULL, validate_top,
      detector_setting },
    { "listener", listener_vars, MM_ARRAY_LEN(listener_vars), sizeof(struct listener_config),
      L(name), add_listener, validate_listener, NULL },
};

static enum mm_status check_names(struct sensor_config *cfg, struct mm_error *err)
{
    for (size_t i = 0; i < cfg->nlisteners; i++)
        for (size_t j = i + 1; j < cfg->nlisteners; j++)
            if (!strcmp(cfg->listeners[i].name, cfg->listeners[j].name))
                return mm_error_set(err, MM_ERR_INVALID, "two listeners are named '%s'",
                                    cfg->listeners[i].name);
    return MM_OK;
}

enum mm_status sensor_config_parse(struct sensor_config *cfg, const char *text, struct mm_error *err)
{
    memset(cfg, 0, sizeof *cfg);
    enum mm_status st = conf_parse(text, strlen(text), "<config>", sensor_conf_sections, 2, cfg, err);
    return st == MM_OK ? check_names(cfg, err) : st;
}

enum mm_status sensor_config_load(struct sensor_config *cfg, const char *path, struct mm_error *err)
{
    memset(cfg, 0, sizeof *cfg);
    enum mm_status st = conf_load_file(path, sensor_conf_sections, 2, cfg, err);
    return st == MM_OK ? check_names(cfg, err) : st;
}

void sensor_config_free(struct sensor_config *cfg)
{
    for (size_t i = 0; i < cfg->nlisteners; i++)
        conf_free_strings(&sensor_conf_sections[1], &cfg->listeners[i]);
    conf_free_strings(&sensor_conf_sections[0], cfg);
    cfg->nlisteners = 0;
    for (size_t i = 0; i < cfg->ndetector; i++) {
        mm_free(cfg->detector_keys[i]);
        mm_free(cfg->detector_values[i]);
    }
    mm_free(cfg->detector_keys);
    mm_free(cfg->detector_values);
    cfg->detector_keys = cfg->detector_values = NULL;
    cfg->ndetector = 0;
}

void sensor_config_dump(FILE *f, const struct sensor_config *cfg)
{
    conf_dump(f, &sensor_conf_sections[0], cfg);
    if (cfg->ndetector)
        fputs("# detector parameters set (docs/DETECTORS.md; the others have their defaults)\n", f);
    for (size_t i = 0; i < cfg->ndetector; i++)
        fprintf(f, "%s = \"%s\"\n", cfg->detector_keys[i], cfg->detector_values[i]);
    for (size_t i = 0; i < cfg->nlisteners; i++)
        conf_dump(f, &sensor_conf_sections[1], &cfg->listeners[i]);
}

const char *listener_type_name(int type)
{
    return type >= 0 && type < (int)MM_ARRAY_LEN(listener_types) - 1 ? listener_types[type] : "?";
}

void sensor_ship_options(const struct sensor_config *cfg, struct shipper_options *o, char *spool, size_t spool_len,
                         char *key_file, size_t key_len)
{
    sensor_alert_spool(cfg, spool, spool_len);
    if (cfg->server_key_file && cfg->server_key_file[0])
        snprintf(key_file, key_len, "%s", cfg->server_key_file);
    else
        snprintf(key_file, key_len, "%s/server.key", cfg->state_dir);
    *o = (struct shipper_options){
        .server = cfg->server,
        .ca_file = cfg->server_ca && cfg->server_ca[0] ? cfg->server_ca : NULL,
        .key_file = key_file,
        .enrol_token = cfg->server_enrol_token,
        .spool_dir = spool,
        .state_dir = cfg->state_dir,
        .interval_ns = cfg->ship_interval,
        .batch_bytes = (size_t)cfg->ship_batch,
    };
}
