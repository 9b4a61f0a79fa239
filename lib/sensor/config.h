/* SPDX-License-Identifier: Apache-2.0 */
/* config.h: the sensor's configuration, described once as a table (config.c) that drives the
 * file parser, validation, `mamori sensor --dump-config` and `-t`. docs/CONFIG.md lists every
 * setting. */
#ifndef MM_SENSOR_CONFIG_H
#define MM_SENSOR_CONFIG_H

#include "base/prelude.h"
#include "base/error.h"
#include "conf/conf.h"

#define SENSOR_MAX_LISTENERS 64

enum listener_type { LISTEN_UDP = 0, LISTEN_TCP, LISTEN_TLS, LISTEN_JSON, LISTEN_FILE };
enum output_format { OUTPUT_JSON = 0, OUTPUT_RAW, OUTPUT_NONE };

struct listener_config {
    char *name;
    int type;        /* enum listener_type */
    char *address;   /* host:port for network listeners */
    int framing;     /* enum framing_mode */
    char *parser;    /* "auto" or a parser name */
    bool no_header;  /* input has no syslog header */
    char *timezone;  /* zone for timestamps that carry none */
    char *charset;   /* encoding senders use; converted to UTF-8 before parsing */
    int64_t max_connections;
    int64_t idle_timeout;    /* ns; 0: never */
    char *certificate, *key, *client_ca;
    int client_auth; /* enum tls_client_auth */
    char *path;      /* file listeners */
    bool follow;     /* keep reading as the file grows (and across rotation) */
    bool from_start; /* first time a followed file is seen: read it from the start */
};

struct sensor_config {
    int64_t workers;
    uint64_t max_message_size;
    char *output;      /* file path, "-" for stdout */
    int output_format; /* enum output_format */
    bool output_raw;   /* JSON output includes the raw message */
    uint64_t queue_size;
    char *state_dir;
    char *status_socket;
    int64_t clock_skew_threshold; /* ns */
    uint64_t max_sources;
    uint64_t udp_receive_buffer;
    char *log_level;
    /* the sealed store (docs/STORE.md); store empty: none */
    char *store;
    char *store_key;
    uint64_t store_block_size;
    int64_t store_block_interval;
    char *store_sync; /* "block" or a duration */
    int64_t store_checkpoint_interval;
    uint64_t store_segment_size;
    int64_t store_segment_interval;
    int64_t store_retention;
    bool store_retention_override;
    int64_t store_zstd_level;
    /* detection (docs/DETECTION.md): on when rules, ioc or detectors are set */
    char *rules;             /* comma-separated rule files and directories */
    char *rules_placeholders;
    bool rules_strict;
    char *ioc;               /* comma-separated IOC files */
    int64_t ioc_refresh_interval;
    bool detectors;
    /* the stateful detectors' parameters set in the file (detectors_params names), in order */
    char **detector_keys, **detector_values;
    size_t ndetector;
    char *alert_spool;
    int64_t alert_window;
    int64_t alert_max_events;
    uint64_t alert_max_open;
    uint64_t alert_spool_max;
    /* shipping the alert spool to the server (ship.h): on when server is set */
    char *server;
    char *server_ca;
    char *server_key_file;
    char *server_enrol_token;
    int64_t ship_interval;
    uint64_t ship_batch;
    uint64_t correlation_memory;
    int64_t correlation_max_events;
    struct listener_config listeners[SENSOR_MAX_LISTENERS];
    size_t nlisteners;
};

extern const struct conf_section sensor_conf_sections[2];

/* Load and validate a configuration file into cfg (which the call initialises). */
enum mm_status sensor_config_load(struct sensor_config *cfg, const char *path, struct mm_error *err);
/* Parse configuration text (for tests). */
enum mm_status sensor_config_parse(struct sensor_config *cfg, const char *text, struct mm_error *err);
void sensor_config_free(struct sensor_config *cfg);
void sensor_config_dump(FILE *f, const struct sensor_config *cfg);

const char *listener_type_name(int type);

struct detectors_config;
/* The detectors' configuration: their defaults with the file's detector settings applied. */
enum mm_status sensor_detectors_config(const struct sensor_config *cfg, struct detectors_config *dc,
                                       struct mm_error *err);

/* The alert spool directory: alert_spool, else <state_dir>/alerts. */
void sensor_alert_spool(const struct sensor_config *cfg, char *out, size_t outlen);

/* The shipper's options for cfg (strings point into cfg and into key_file, spool, which the
 * caller provides). */
struct shipper_options;
void sensor_ship_options(const struct sensor_config *cfg, struct shipper_options *o, char *spool, size_t spool_len,
                         char *key_file, size_t key_len);

/* Is detection configured (rules, IOC files or the stateful detectors)? */
bool sensor_detection_on(const struct sensor_config *cfg);

struct store_options;
/* The store's options from the configuration (pointers into cfg). */
enum mm_status sensor_store_options(const struct sensor_config *cfg, struct store_options *so,
                                    struct mm_error *err);

#endif
