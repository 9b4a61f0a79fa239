/* SPDX-License-Identifier: Apache-2.0 */
/* event.h: the normalised event record every parser fills and every later stage (store, detection,
 * output) reads.
 *
 * An event is reused from message to message: event_reset keeps its allocations. Field names are
 * Sigma taxonomy names (docs/EVENTS.md); most are string literals owned by the parser, names that
 * come from the input (Windows EventData) are copied into the event's arena. Field values are
 * slices: either into the raw message (valid while it is) or into the arena. */
#ifndef MM_EVENT_H
#define MM_EVENT_H

#include "base/prelude.h"
#include "base/arena.h"
#include "base/buf.h"
#include "base/str.h"

#define EVENT_MAX_FIELDS 256

enum field_type {
    FIELD_STR = 0,
    FIELD_INT, /* value is a canonical decimal integer, written unquoted in JSON */
    FIELD_BOOL /* value is "true" or "false", written unquoted */
};

struct event_field {
    const char *name;
    const char *value;
    uint32_t name_len;
    uint32_t len;
    uint8_t type;
};

/* The Sigma log source an event belongs to; any member may be NULL. Static strings. */
struct logsource {
    const char *product;
    const char *category;
    const char *service;
};

enum syslog_format { SYSLOG_NONE = 0, SYSLOG_RFC3164, SYSLOG_RFC5424 };

struct event {
    /* provenance */
    int64_t receive_ns;    /* when the sensor read the message */
    int64_t time_ns;       /* the device's own timestamp, or 0 when the message carries none */
    const char *listener;  /* listener name, static for the listener's life; may be NULL */
    const char *peer;      /* "addr:port" of the sender, NUL-terminated; may be NULL */
    const char *raw;       /* the message as received (after framing) */
    size_t raw_len;
    bool truncated;        /* the message was longer than the maximum and was cut */

    /* syslog header, when there was one */
    enum syslog_format syslog;
    int facility, severity; /* -1 when absent */
    struct slice host, program, pid, msgid;
    struct slice message; /* the free-text part after the header (or the whole raw line) */
    bool time_has_year;   /* false when the year was inferred (RFC 3164) */
    bool time_has_zone;   /* false when the zone was assumed (listener setting) */

    /* normalisation */
    const char *parser; /* name of the parser that produced the fields */
    struct logsource logsource;
    struct event_field fields[EVENT_MAX_FIELDS];
    unsigned nfields;
    unsigned fields_dropped; /* fields beyond EVENT_MAX_FIELDS or the arena's limit */

    struct arena arena;
};

void event_init(struct event *ev);
void event_release(struct event *ev);
/* Clear for the next message, keeping allocations. */
void event_reset(struct event *ev);

/* Add a field with a name of known length that lives as long as the event. */
void event_add_field(struct event *ev, const char *name, size_t name_len, const char *value,
                     size_t len, enum field_type type);
/* Add a field whose value lives at least as long as the event (usually a slice of ev->raw).
 * name must be a static string. Fields beyond EVENT_MAX_FIELDS are counted and dropped.
 * (Inline so that the length of a literal name is computed at compile time.) */
static inline void event_add(struct event *ev, const char *name, const char *value, size_t len)
{
    event_add_field(ev, name, strlen(name), value, len, FIELD_STR);
}
static inline void event_add_slice(struct event *ev, const char *name, struct slice v)
{
    event_add(ev, name, v.p, v.len);
}
/* Add a copy of value (for decoded text that is not in the raw message). */
void event_add_copy(struct event *ev, const char *name, const char *value, size_t len);
void event_add_cstr(struct event *ev, const char *name, const char *value);
void event_add_int(struct event *ev, const char *name, int64_t value);
/* Add as FIELD_INT if value is a canonical decimal integer, else as a string. */
void event_add_num(struct event *ev, const char *name, const char *value, size_t len);
void event_add_bool(struct event *ev, const char *name, bool value);
/* Add with a name that is not static (copied into the arena); value copied too when copy_value. */
void event_add_dynamic(struct event *ev, const char *name, size_t name_len, const char *value,
                       size_t len, enum field_type type, bool copy_value);
/* Is this one of the keys event_to_json writes itself (message, host, ...)? Dynamic names that
 * collide are stored as "field.<name>". */
bool event_name_reserved(const char *name, size_t len);
/* Replace the value of an existing field or add it. */
void event_set(struct event *ev, const char *name, const char *value, size_t len);

/* The first field with this name, or NULL. */
const struct event_field *event_get(const struct event *ev, const char *name);
/* Value of a field as a slice; empty slice when absent. */
struct slice event_get_value(const struct event *ev, const char *name);

static inline void event_set_logsource(struct event *ev, const char *product, const char *category,
                                       const char *service)
{
    ev->logsource = (struct logsource){ product, category, service };
}

/* Copy bytes into the event's arena; NULL when the arena's limit is reached. */
char *event_strdup(struct event *ev, const char *p, size_t n);

/* Options for event_to_json. */
enum {
    EVENT_JSON_ECS = 1 << 0, /* use ECS names for fields that have one */
    EVENT_JSON_RAW = 1 << 1, /* include the raw message */
};

/* Append the event as one line of JSON (no trailing newline). The layout is in docs/EVENTS.md. */
enum mm_status event_to_json(const struct event *ev, struct buf *out, unsigned flags);

/* The ECS name for a Sigma field name, or NULL when there is none. */
const char *event_ecs_name(const char *sigma_name);
/* Is this the ECS name of some Sigma name? */
bool event_is_ecs_name(const char *name);

#endif
