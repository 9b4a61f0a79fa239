/* SPDX-License-Identifier: Apache-2.0 */
/* detectors.h: the built-in stateful detectors for the stages of a targeted attack that single
 * events do not show (docs/DETECTORS.md): C&C beaconing, unusual outbound volume per host,
 * directory administration outside business hours, and an antivirus detection followed by
 * outbound connections from the same host.
 *
 * Work is split for the sensor's threads. detect_extract() is cheap and stateless: worker threads
 * call it on each normalised event and get a small fixed-size fact (plain old data: its first
 * detect_fact_size() bytes can be copied byte for byte into a batch). One detection thread owns
 * a struct detectors and feeds it the facts; it alerts through a callback. Nothing here is
 * thread-safe beyond that split: the configuration is read-only once the detectors run.
 * (detectors_extract.c holds the configuration and the extractor, detectors.c the state.) */
#ifndef MM_DETECT_DETECTORS_H
#define MM_DETECT_DETECTORS_H

#include "base/prelude.h"
#include "base/error.h"
#include "event/event.h"
#include "net/addr.h"

/* Sizes of the configuration's lists and of a fact's text members (bytes, NUL included; longer
 * values are cut). */
#define DETECT_MAX_NETWORKS      64
#define DETECT_MAX_HOLIDAYS      512
#define DETECT_MAX_ALLOW         128
#define DETECT_MAX_ADMINS        32
#define DETECT_MAX_HOSTMAP       256
#define DETECT_BEACON_MAX_WINDOW 128
#define DETECT_NAME_MAX          128 /* host names, signatures, user names */
#define DETECT_TARGET_MAX        256 /* DNs and file paths */
#define DETECT_OP_MAX            32

/* An address as bytes: family 0 (none), 4 or 6; IPv4 in the first 4 bytes. */
struct detect_ip {
    uint8_t family;
    uint8_t addr[16];
};

/* A destination pattern of the beaconing allow-list: a network, or a domain that also covers its
 * subdomains ("example.com" covers "cdn.example.com"). */
struct detect_pattern {
    bool is_net;
    struct net_cidr net;
    char domain[DETECT_NAME_MAX];
};

/* A host name the antivirus correlation maps to an address. */
struct detect_host_map {
    char name[DETECT_NAME_MAX]; /* compared case-insensitively, also with the domain cut off */
    struct detect_ip ip;
};

/* Every parameter, with its default in detectors_config_defaults() and its name, type and bounds
 * in detectors_params[]. Plain data: copy it freely. Times are nanoseconds, sizes bytes. */
struct detectors_config {
    bool beaconing, outbound_volume, directory_offhours, av_then_outbound;
    struct net_cidr internal[DETECT_MAX_NETWORKS]; /* internal_networks */
    size_t ninternal;
    struct net_cidr exclude[DETECT_MAX_NETWORKS]; /* detect_exclude_sources: proxies, NAT */
    size_t nexclude;
    uint64_t max_suppress_keys; /* detect_max_keys */

    /* beaconing */
    uint64_t beacon_min_count;
    int64_t beacon_min_span;
    int64_t beacon_min_interval;
    int64_t beacon_max_interval;
    uint64_t beacon_window;
    uint64_t beacon_max_missed;
    double beacon_tolerance;
    double beacon_min_score;
    uint64_t beacon_popular_sources;
    uint64_t beacon_max_pairs;
    uint64_t beacon_max_destinations;
    int64_t beacon_suppress;
    struct detect_pattern beacon_allow[DETECT_MAX_ALLOW];
    size_t nbeacon_allow;

    /* outbound volume */
    int64_t volume_interval;
    uint64_t volume_warmup;
    double volume_alpha;
    double volume_k;
    double volume_min_dev;
    uint64_t volume_floor;
    uint64_t volume_max_idle;
    uint64_t volume_max_hosts;
    int64_t volume_grace;
    int64_t volume_suppress;

    /* directory operations outside business hours */
    int32_t tz_offset;  /* business_timezone, seconds east of UTC */
    int business_start; /* business_hours, minutes after local midnight */
    int business_end;
    unsigned business_days;                /* bit 0 Sunday .. bit 6 Saturday */
    int32_t holidays[DETECT_MAX_HOLIDAYS]; /* days since 1970-01-01, sorted */
    size_t nholidays;
    char directory_admins[DETECT_MAX_ADMINS][DETECT_NAME_MAX]; /* lower case */
    size_t ndirectory_admins;
    bool directory_unknown_actor;
    int64_t directory_suppress;

    /* antivirus detection then outbound */
    int64_t av_window;
    int64_t av_collect;
    uint64_t av_max_connections;
    uint64_t av_max_hosts;
    int64_t av_suppress;
    struct detect_host_map av_hosts[DETECT_MAX_HOSTMAP];
    size_t nav_hosts;
};

/* The defaults (every detector on; docs/DETECTORS.md lists them). */
void detectors_config_defaults(struct detectors_config *cfg);

/* Set one parameter from its configuration-file text, e.g. ("beacon_min_count", "12"),
 * ("business_hours", "08:00-20:00"), ("internal_networks", "10.0.0.0/8,fc00::/7"). Lists are
 * comma-separated and replace the whole list. MM_ERR_NOT_FOUND for an unknown name,
 * MM_ERR_INVALID (with err filled) for a bad value; cfg is unchanged then. */
enum mm_status detectors_config_set(struct detectors_config *cfg, const char *name,
                                    const char *value, struct mm_error *err);

/* The parameter table, for wiring into a configuration file and its documentation. */
enum detect_param_type {
    DETECT_PARAM_BOOL,
    DETECT_PARAM_COUNT,
    DETECT_PARAM_DURATION,
    DETECT_PARAM_SIZE,
    DETECT_PARAM_RATIO,
    DETECT_PARAM_TEXT, /* lists, hours, days, dates, zone */
};
struct detect_param {
    const char *name;
    enum detect_param_type type;
    const char *default_value; /* as text, what detectors_config_set accepts */
    const char *help;
};
extern const struct detect_param detectors_params[];
extern const size_t detectors_nparams;

/* ---- the stateless part (worker threads) ---- */

enum detect_fact_kind {
    DETECT_FACT_NONE = 0,
    DETECT_FACT_CONNECTION, /* a connection or proxied request from src to dst */
    DETECT_FACT_DIRECTORY,  /* a change to a directory: actor, operation, target */
    DETECT_FACT_AV,         /* an antivirus detection on a host */
};

/* Flags of a fact (struct detect_fact.flags). */
enum detect_fact_flag {
    DETECT_FACT_SRC_INTERNAL = 1 << 0, /* src is in internal_networks */
    DETECT_FACT_DST_INTERNAL = 1 << 1, /* dst (address, or a destination name that is one) is */
    DETECT_FACT_HAS_BYTES = 1 << 2,    /* bytes_out was logged */
    DETECT_FACT_BYTES_ONLY = 1 << 3,   /* a connection's end (Cisco teardown): bytes, no contact */
};

/* A destination host name in a connection fact (bytes, NUL included). 128 like every other name:
 * the connection fact then stays under 200 bytes; longer names are cut (and so compared, and
 * reported, by their first 127 bytes). */
#define DETECT_DST_NAME_MAX 128

/* What one event says to the detectors. Plain data: a common header, then the part of its kind.
 * Only the first detect_fact_size() bytes are meaningful, so a fact may travel as just those
 * (the engine copies no more into its batches); the reader zeroes the rest. Text members are
 * NUL-terminated and cut to their size. */
struct detect_fact {
    /* every kind */
    int64_t time_ns;      /* event time, or receive time when the event has none */
    uint64_t bytes_out;   /* connection: bytes sent by the internal host (docs per source) */
    uint8_t kind;         /* enum detect_fact_kind */
    uint8_t flags;        /* enum detect_fact_flag */
    uint16_t dst_port;    /* connection: 0 when unknown */
    struct detect_ip src; /* connection: the client; directory: the client's address if logged;
                           * AV: the host's address when known */
    struct detect_ip dst; /* connection */
    char source[16];      /* parser that produced the event */
    union {
        /* DETECT_FACT_CONNECTION */
        struct detect_fact_connection {
            char dst_name[DETECT_DST_NAME_MAX]; /* destination host name, lower case; else empty */
        } conn;
        /* DETECT_FACT_DIRECTORY and DETECT_FACT_AV */
        struct detect_fact_action {
            char host[DETECT_NAME_MAX];      /* the reporting host (syslog host, Computer) */
            char user[DETECT_NAME_MAX];      /* directory: the actor; AV: the user named, if any */
            char operation[DETECT_OP_MAX];   /* directory: ADD, MOD, group_member_added, ...;
                                              * AV: the action */
            char target[DETECT_TARGET_MAX];  /* directory: the entry changed; AV: the file */
            char signature[DETECT_NAME_MAX]; /* AV only (last: a directory fact ends before it):
                                              * the detection name */
        } act;
    };
};

/* How many leading bytes of f are meaningful for its kind: the header and its kind's part
 * (header only for an unknown kind). At most sizeof *f. */
size_t detect_fact_size(const struct detect_fact *f);

/* Fill f from ev when the event matters to an enabled detector; false otherwise (f is then
 * unspecified). Stateless and thread-safe; cfg is only read. */
bool detect_extract(const struct detectors_config *cfg, const struct event *ev,
                    struct detect_fact *f);

/* ---- the stateful part (one detection thread) ---- */

/* What a detector found. Every pointer is valid for the callback only. */
struct detect_alert {
    const char
        *detector; /* "beaconing", "outbound_volume", "directory_offhours", "av_then_outbound" */
    const char *title;       /* English */
    const char *title_ja;    /* Japanese */
    const char *level;       /* "low", "medium", "high", "critical" */
    const char *const *tags; /* ATT&CK tags, "attack.t1071" ... */
    size_t ntags;
    const char *key;           /* what the alert is about, e.g. "10.1.2.3 -> c2.example" */
    int64_t first_ns, last_ns; /* times of the facts covered */
    uint64_t count;            /* facts the alert stands for */
    const char *details_json;  /* a JSON object */
};
typedef void (*detect_emit_fn)(void *ctx, const struct detect_alert *a);

struct detectors;
/* The detectors with a copy of cfg. Aborts only when out of memory (like mm_calloc). */
struct detectors *detectors_new(const struct detectors_config *cfg);
void detectors_free(struct detectors *d);
/* Take one fact; may alert through emit at once. Facts should come roughly in time order; a
 * fact older than what a detector has seen is counted where it fits (docs/DETECTORS.md). */
void detectors_feed(struct detectors *d, const struct detect_fact *f, detect_emit_fn emit,
                    void *ctx);
/* Let time pass to now_ns (the clock of the facts' times: wall clock in the sensor, event time in
 * replays): closes volume intervals and antivirus collection windows, which may alert. */
void detectors_advance(struct detectors *d, int64_t now_ns, detect_emit_fn emit, void *ctx);

struct detectors_stats {
    uint64_t facts;
    uint64_t alerts[4];  /* beaconing, outbound_volume, directory_offhours, av_then_outbound */
    uint64_t suppressed; /* findings not alerted because their key alerted recently */
    size_t pairs, destinations, volume_hosts, av_hosts, keys; /* tracked now */
    uint64_t evicted_pairs, evicted_destinations, evicted_volume_hosts, evicted_av_hosts,
        evicted_keys;
    uint64_t late_facts;    /* facts older than their host's current interval (counted in it) */
    uint64_t av_unresolved; /* detections whose host has no known address (not correlated) */
};
void detectors_stats(const struct detectors *d, struct detectors_stats *st);

#endif
