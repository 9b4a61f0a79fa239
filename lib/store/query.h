/* SPDX-License-Identifier: Apache-2.0 */
/* query.h: searching a store. A query is a receive-time range and predicates, all of which must
 * hold:
 *   field=value     equal, ignoring ASCII case; value "a*" prefix, "*a" suffix, "*a*" substring,
 *                   "*" the field exists; an address/prefix (10.0.0.0/8, 2001:db8::/32) is a CIDR
 *                   match on addresses
 *   field!=value    the negation of any of the above (true when the field is absent)
 *   field<N field<=N field>N field>=N   numeric comparison (the field's value as a number)
 *   word            a full-text term: the raw message contains it as a word (ASCII case ignored;
 *                   the character before it is not a letter, digit or dot, and the one after it
 *                   is not a letter or digit, nor a dot followed by a letter, digit or dot);
 *                   "*word*" is a plain substring
 * Fields are the normalised names `mamori log parse` prints (Sigma taxonomy), their ECS aliases,
 * and host, program, message, peer (the sender's address, no port), listener, parser.
 *
 * Blocks whose time range misses the query's are not read; equality, CIDR and IPv4 full-text
 * predicates also skip blocks whose bloom filter lacks their value (tokens.c). */
#ifndef MM_STORE_QUERY_H
#define MM_STORE_QUERY_H

#include "base/prelude.h"
#include "base/buf.h"
#include "base/error.h"
#include "event/event.h"
#include "net/addr.h"
#include "store.h"

enum pred_op { P_EQ, P_PREFIX, P_SUFFIX, P_CONTAINS, P_EXISTS, P_CIDR, P_LT, P_LE, P_GT, P_GE, P_TERM };

#define PRED_MAX_TOKENS 16

struct pred {
    enum pred_op op;
    bool negate;
    char *field; /* NULL for P_TERM */
    char *value;
    size_t len;
    double num;
    struct net_cidr cidr; /* P_CIDR */
    bool ecs;         /* field is an ECS name: also match the Sigma fields it stands for */
    uint64_t tokens[PRED_MAX_TOKENS]; /* all must be in a block that can match */
    size_t ntokens;
};

struct store_query {
    int64_t from_ns, to_ns; /* inclusive range of receive times; INT64_MIN/MAX: open */
    struct pred *preds;
    size_t npreds;
    uint64_t limit; /* 0: none */
    bool need_event; /* parse every candidate (field predicates or output) */
};

struct store_search_stats {
    uint64_t blocks_total, blocks_time_skipped, blocks_index_skipped, blocks_read;
    uint64_t records_scanned, matches;
    uint64_t bytes_read; /* compressed payload bytes read */
    uint64_t segments_indexed; /* segments whose blocks came from their .mmi file */
    uint64_t segments_time_skipped; /* segments outside the time range, by their .mmi header */
};

void store_query_init(struct store_query *q);
void store_query_release(struct store_query *q);
/* Add a predicate from its text (the syntax above). */
enum mm_status store_query_add(struct store_query *q, const char *text, struct mm_error *err);
/* Add a full-text term as it is (for terms that contain '=' or '<'). */
enum mm_status store_query_add_term(struct store_query *q, const char *term, struct mm_error *err);
/* "2026-11-23T00:00:00Z", "2026-11-23" (UTC midnight), "now", "-7d"/"7d" (that long ago). */
enum mm_status store_parse_time(const char *s, int64_t now, int64_t *out, struct mm_error *err);

/* A match: the record, its block, its index in the block, and (when the query or the caller
 * asked) the parsed event. Return false to stop the search. */
struct store_match {
    const struct store_block *block;
    const char *segment;
    size_t index;
    const struct store_rec *rec;
    struct event *ev; /* NULL unless parsed */
};
typedef bool (*store_match_fn)(void *ctx, const struct store_match *m);

/* Run the query over the store at path. parse: always parse matches (for JSON output). */
enum mm_status store_search(const char *path, const struct store_query *q, bool parse, store_match_fn fn,
                            void *ctx, struct store_search_stats *stats, struct mm_error *err);

/* Parsing stored records again as the sensor did: the listener's charset, zone and header setting,
 * and the parser that matched then. Caches options and converters per listener. */
struct parser;
struct store_reparse {
    struct reparse_entry *e;
    size_t n;
    struct buf conv, peer;
    struct {
        char name[64];
        size_t len;
        const struct parser *parser;
    } parsers[32];
    size_t nparsers;
};
void store_reparse_init(struct store_reparse *rp);
void store_reparse_release(struct store_reparse *rp);
/* ev is reset first; its raw points into rec (or rp's conversion buffer). */
void store_parse_record(struct store_reparse *rp, const struct store_rec *rec, struct event *ev);
/* The message as text (converted to UTF-8 from the listener's charset when needed). */
struct slice store_record_text(struct store_reparse *rp, const struct store_rec *rec);

#endif
