/* SPDX-License-Identifier: Apache-2.0 */
/* ioc.h: indicator-of-compromise sets (addresses, networks, domains, URLs, file hashes, e-mail
 * addresses) loaded from MISP JSON, STIX 2.1 bundles, CSV and plain lists, and matched against
 * normalised events. docs/IOC.md describes the formats and the matching rules.
 *
 * A set is built once by a builder and is immutable afterwards: any number of threads may match
 * against it at the same time. Reloading means building a new set and swapping a pointer; the old
 * set is freed when no thread uses it any more. */
#ifndef MM_IOC_H
#define MM_IOC_H

#include "base/prelude.h"
#include "base/error.h"
#include "event/event.h"

enum ioc_type {
    IOC_IPV4 = 0, /* one address; IPv4-mapped IPv6 addresses are IPv4 */
    IOC_IPV6,
    IOC_CIDR,     /* a network, IPv4 or IPv6, shorter than a full address */
    IOC_DOMAIN,   /* also matches every name below it */
    IOC_URL,
    IOC_MD5,
    IOC_SHA1,
    IOC_SHA256,
    IOC_EMAIL,
    IOC_TYPE_COUNT
};

enum ioc_format {
    IOC_FORMAT_AUTO = 0, /* from the content: JSON (MISP or STIX), CSV with a header, plain list */
    IOC_FORMAT_MISP,
    IOC_FORMAT_STIX,
    IOC_FORMAT_CSV,
    IOC_FORMAT_LIST,
};

/* Limits on outside input. */
#define IOC_MAX_VALUE     2048          /* bytes of one indicator value (URLs are the long ones) */
#define IOC_MAX_FILE      (256u << 20)  /* bytes of one indicator file */
#define IOC_MAX_JSON_TOKENS (16u << 20) /* JSON tokens of one file (20 bytes each) */
#define IOC_MAX_INDICATORS 50000000u    /* indicators in one set */
#define IOC_MAX_PROBLEMS  20            /* problem messages kept per file; the rest are counted */

/* One indicator of a set. Strings are NUL-terminated and live as long as the set. */
struct ioc_indicator {
    const char *value;       /* normalised: lower-case hex hashes, lower-case domains, ... */
    const char *source;      /* feed or file name; "a,b" when several sources gave it */
    const char *description; /* free text (MISP event info, STIX name); NULL when none */
    const char *reference;   /* "MISP event 1234", a STIX id, ...; NULL when none */
    int64_t expiry_ns;       /* never matches from this time on; 0: does not expire */
    uint32_t len;            /* strlen(value) */
    uint8_t type;            /* enum ioc_type */
    uint8_t confidence;      /* 0..100 */
};

struct ioc_load_options {
    int64_t now_ns;            /* indicators expired at this time are not loaded */
    int64_t misp_lifetime_ns;  /* a MISP attribute with last_seen/first_seen expires this long
                                * after it (the later one); 0: those never set an expiry */
    unsigned default_confidence; /* for indicators whose input gives none */
    unsigned min_confidence;     /* indicators below it are not loaded (counted) */
    enum ioc_format format;
};

/* Defaults: now, 90 days, confidence 50, no minimum, automatic format. */
void ioc_load_options_init(struct ioc_load_options *o);

struct ioc_problem {
    uint32_t line; /* 1-based line in the file; 0 when not known */
    char msg[200];
};

/* What one file gave. loaded, duplicates, expired, low_confidence and invalid count values (a MISP
 * domain|ip attribute is two); not_ids, revoked, unsupported and ignored count attributes,
 * patterns, comparisons and objects. */
struct ioc_file_stats {
    enum ioc_format format;           /* the format read (after detection) */
    uint64_t loaded[IOC_TYPE_COUNT];  /* new indicators, per type */
    uint64_t duplicates;      /* already in the set: merged (docs/IOC.md) */
    uint64_t not_ids;         /* MISP attributes with to_ids false */
    uint64_t expired;         /* already expired at load time (or MISP decayed) */
    uint64_t revoked;         /* STIX indicators with revoked true */
    uint64_t low_confidence;  /* below min_confidence */
    uint64_t unsupported;     /* types or patterns a set cannot hold (with a problem message) */
    uint64_t invalid;         /* malformed lines or values (with a problem message) */
    uint64_t ignored;         /* STIX objects that are not indicators, MISP objects without attributes */
    bool refused;             /* nothing was loaded: unreadable, malformed JSON, unknown format */
    size_t nproblems;
    uint64_t problems_omitted; /* problems past IOC_MAX_PROBLEMS */
    struct ioc_problem problems[IOC_MAX_PROBLEMS];
};

/* Total of the loaded counts. */
uint64_t ioc_file_stats_loaded(const struct ioc_file_stats *st);

struct ioc_builder;
struct ioc_set;

struct ioc_builder *ioc_builder_new(const struct ioc_load_options *opt);
/* Free a builder that was not finished. NULL is fine. */
void ioc_builder_free(struct ioc_builder *b);

/* Load one file into the builder; st (required) is filled. source names the feed (NULL: the file's
 * base name); CSV rows may name their own. Returns MM_OK when the file was read, even if some lines
 * were bad (they are counted and described in st->problems); an error (with err filled and
 * st->refused set) when nothing could be loaded: unreadable, over IOC_MAX_FILE, malformed JSON,
 * JSON that is neither MISP nor STIX. */
enum mm_status ioc_builder_load_file(struct ioc_builder *b, const char *path, const char *source,
                                     struct ioc_file_stats *st, struct mm_error *err);
/* The same for a buffer; name is used in messages (and as the source when source is NULL). */
enum mm_status ioc_builder_load_buffer(struct ioc_builder *b, const char *name, const char *source,
                                       const char *data, size_t len, struct ioc_file_stats *st,
                                       struct mm_error *err);

/* Add one indicator. value is normalised for the type (IOC_IPV4/IOC_IPV6/IOC_CIDR accept any
 * address or network and file it under the right one). Returns MM_OK (also for a duplicate, which
 * is merged), MM_ERR_PARSE when value is not valid for the type (err says why), MM_ERR_TOO_LARGE
 * past IOC_MAX_INDICATORS. description and reference may be NULL; strings are copied. */
struct ioc_attrs {
    const char *source;
    const char *description;
    const char *reference;
    int64_t expiry_ns;
    unsigned confidence;
};
enum mm_status ioc_builder_add(struct ioc_builder *b, enum ioc_type type, const char *value, size_t len,
                               const struct ioc_attrs *attrs, bool *duplicate, struct mm_error *err);

/* Turn the builder into an immutable set (the builder is consumed). Never NULL. */
struct ioc_set *ioc_builder_finish(struct ioc_builder *b);

/* Build a set from files: stats receives one entry per path (caller frees with mm_free). Returns
 * the set (possibly empty) and sets *failed to the number of files refused or with problems. */
struct ioc_set *ioc_set_load_files(const char *const *paths, size_t npaths, const struct ioc_load_options *opt,
                                   struct ioc_file_stats **stats, size_t *failed);

void ioc_set_free(struct ioc_set *s);

struct ioc_set_info {
    uint64_t count[IOC_TYPE_COUNT];
    uint64_t total;
    size_t memory; /* bytes held by the set's tables and strings */
};
void ioc_set_info(const struct ioc_set *s, struct ioc_set_info *out);
/* Matches suppressed because the indicator had expired by the time of the event, since the set was
 * built (all threads together). */
uint64_t ioc_set_expired_hits(const struct ioc_set *s);

/* The i-th indicator (0 <= i < total), in load order; NULL past the end. */
const struct ioc_indicator *ioc_set_at(const struct ioc_set *s, size_t i);

/* Look up an exact indicator (value normalised as ioc_builder_add does); NULL when absent. Expiry
 * is not considered. */
const struct ioc_indicator *ioc_set_find(const struct ioc_set *s, enum ioc_type type, const char *value,
                                         size_t len);

/* One match: the indicator, the event field, the field's whole value and the part of it that
 * matched (the host of a URL, one hash of a Sysmon Hashes list, the domain of a sender). */
struct ioc_hit {
    const struct ioc_indicator *indicator;
    const char *field;
    size_t field_len;
    const char *value;
    size_t value_len;
    const char *matched;
    size_t matched_len;
};
typedef void (*ioc_match_fn)(void *ctx, const struct ioc_hit *hit);

/* Check the fields of ev that can hold indicators (the table in match.c, docs/IOC.md) and call fn
 * for every indicator that matches and has not expired at now_ns. A network reports every
 * containing indicator, most specific first; a domain every indicator from the name up to its
 * top label. Returns the number of calls. */
unsigned ioc_match_event(const struct ioc_set *s, const struct event *ev, int64_t now_ns, ioc_match_fn fn,
                         void *ctx);

/* Check one value as if it were the named event field (a name from the field table; NULL when
 * unknown, then nothing is checked). Returns the number of calls. */
unsigned ioc_match_field(const struct ioc_set *s, const char *field, const char *value, size_t len, int64_t now_ns,
                         ioc_match_fn fn, void *ctx);

const char *ioc_type_name(enum ioc_type t);
const char *ioc_format_name(enum ioc_format f);

#endif
