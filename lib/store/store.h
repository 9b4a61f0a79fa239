/* SPDX-License-Identifier: Apache-2.0 */
/* store.h: the sealed event store. One writer (the sensor's store thread, or `mamori log import`)
 * appends received messages byte for byte into zstd-compressed, hash-chained blocks and signs
 * checkpoints; any number of readers verify and search. format.h and docs/STORE.md give the
 * on-disk format; this is the API.
 *
 * The writer is not thread-safe: one thread calls everything on a struct store. */
#ifndef MM_STORE_STORE_H
#define MM_STORE_STORE_H

#include "base/prelude.h"
#include "base/buf.h"
#include "base/error.h"
#include "base/str.h"
#include "format.h"

#define STORE_DAY_NS (86400 * (int64_t)1000000000)
#define STORE_MIN_RETENTION_DAYS 365

struct store_options {
    const char *path;
    const char *key_path;            /* NULL: <path>/keys/seal.key, created when missing */
    size_t block_size;               /* close a DATA block at this many raw bytes (4 MiB) */
    int64_t block_interval_ns;       /* ... or this long after its first record (1 s) */
    int64_t sync_interval_ns;        /* 0: fdatasync every block; else at most this often (1 s) */
    int64_t checkpoint_interval_ns;  /* sign the chain this often when it grew (60 s) */
    uint64_t segment_size;           /* start a new segment file past this size (1 GiB) */
    int64_t segment_interval_ns;     /* ... or when the segment is this old (1 day) */
    int64_t retention_ns;            /* delete segments older than this (400 days); 0: keep all */
    bool retention_override;         /* allow retention below 365 days */
    int zstd_level;                  /* 6 */
    bool unsealed;                   /* benchmarks only: no hashes, no signatures */
};
void store_options_default(struct store_options *o);
/* Check the options (retention floor, sizes); the retention override is logged here. */
enum mm_status store_options_check(const struct store_options *o, struct mm_error *err);

/* One received message as the writer takes it. tokens: bloom hashes of the index tokens
 * (store_tokens_*), duplicates allowed. */
struct store_record {
    int64_t receive_ns;
    const char *peer;
    size_t peer_len;
    const char *listener; /* store_listener_key */
    size_t listener_len;
    const char *parser; /* "" when none matched */
    size_t parser_len;
    const char *raw;
    size_t raw_len;
    uint8_t flags; /* RECORD_F_* */
    const uint64_t *tokens;
    size_t ntokens;
};

struct store_stats {
    uint64_t records, blocks, bytes_raw, bytes_stored;
    uint64_t records_total;  /* in the store since block 0, including this session */
    uint64_t durable_records; /* records_total known to be on stable storage */
    uint64_t next_seq, checkpoints, segments_deleted, recoveries, write_errors, syncs;
    int64_t last_checkpoint_ns;
    bool blocked; /* the last write failed (disk full): appends wait */
};

struct store;
/* Open (creating when absent) for writing: take the lock, load or create the key, recover a
 * torn tail, apply retention. */
struct store *store_open(const struct store_options *o, struct mm_error *err);
/* Append one record. MM_OK: the record is taken (even when the block it completed could not be
 * written yet: then store_blocked is true and the block is retried by store_tick). MM_ERR_IO: not
 * taken, because an earlier block still cannot be written (disk full): wait, store_tick, retry. */
enum mm_status store_append(struct store *st, const struct store_record *r);
/* Time-driven work: close a block by age, retry a failed write, sync, checkpoint, roll the segment,
 * retention (hourly). now: wall clock ns. */
enum mm_status store_tick(struct store *st, int64_t now);
bool store_blocked(const struct store *st);
/* Records taken since block 0, written or not (compare with store_stats.durable_records). */
uint64_t store_records_appended(const struct store *st);
/* Close the open block and write it now (used before a checkpoint, and by import). */
enum mm_status store_flush(struct store *st);
/* Flush, fdatasync, and write a checkpoint if anything changed since the last one. */
enum mm_status store_checkpoint(struct store *st);
/* Delete expired segments (with a signed record). */
enum mm_status store_apply_retention(struct store *st, int64_t now);
/* Append a NOTICE block (JSON object text) and flush. */
enum mm_status store_notice(struct store *st, const char *json);
void store_get_stats(const struct store *st, struct store_stats *out);
/* Flush, checkpoint, sync, unlock, free. MM_OK when everything was written. */
enum mm_status store_close(struct store *st);

/* "name\tcharset\ttimezone\theader|noheader" for a listener: what re-parsing a record needs */
void store_listener_key(struct buf *out, const char *name, const char *charset, const char *tz,
                        bool no_header);

/* ---- index tokens (tokens.c) ---- */
struct event;
struct store_tokens {
    uint64_t *h;
    size_t n, cap;
};
void store_tokens_reset(struct store_tokens *t);
void store_tokens_release(struct store_tokens *t);
/* The tokens of a parsed event: its host, the peer address, and the values of its fields that
 * fall in an indexed class; plus every IPv4 address in the raw text. */
void store_tokens_from_event(struct store_tokens *t, const struct event *ev, const char *peer_host);
/* The tokens a field = value equality implies (the same rule as indexing); 0 when the predicate
 * cannot use the index. */
size_t store_tokens_for_value(const char *field, const char *value, size_t len, uint64_t *out, size_t max);
/* The token for an IPv4/IPv6 CIDR (the widest indexed prefix that fits in it); false when none. */
bool store_token_for_cidr(const char *cidr, uint64_t *out);
/* For a full-text term: its token when it is an IPv4 address (raw text is indexed for those). */
bool store_token_for_term(const char *term, size_t len, uint64_t *out);
/* All the tokens such a term implies (its address and networks): all are in a block holding it. */
size_t store_tokens_for_term(const char *term, size_t len, uint64_t *out, size_t max);

/* ---- reading (reader.c) ---- */
struct store_segment {
    char *path;
    char name[64];
    uint64_t first_seq;
    uint64_t size;
};

struct store_reader {
    char *dir;
    struct store_segment *segs;
    size_t nsegs;
    int fd; /* of the current segment */
    size_t cur;
};
enum mm_status store_reader_open(struct store_reader *r, const char *path, struct mm_error *err);
void store_reader_close(struct store_reader *r);

/* A block as a reader walks it. */
struct store_block {
    struct block_header h;
    size_t seg;      /* index in r->segs */
    uint64_t offset; /* of the header in the segment file */
    uint8_t *index;  /* index section (index_len bytes), owned by the walk */
    uint8_t trailer[STORE_TRAILER_SIZE];
};

/* Read block headers in order across segments. want_index: also read the index section. Returns
 * MM_OK with *b filled, MM_EOF at the end, MM_ERR_PARSE for damage (why says what; the walk
 * skips to the next segment). */
struct store_walk {
    struct store_reader *r;
    size_t seg;
    uint64_t off;
    struct buf index; /* header and index of the current block */
    int fd;
    bool want_index;
    bool no_trailer; /* searches: skip reading the trailer (b->trailer is zero) */
    size_t index_guess; /* bytes of index to read with the header (the last block's) */
    bool live_tail;  /* a writer holds the store: a short block at the very end is being
                        written, not torn; the walk ends before it (live_tail_seen) */
    bool live_tail_seen;
    bool use_segidx;  /* searches: read a closed segment's .mmi instead of seeking block to block */
    struct buf side;  /* the current segment's .mmi, when used */
    size_t side_pos;
    bool side_active;
    uint64_t segidx_used; /* segments read through their .mmi */
    int64_t from_ns, to_ns; /* searches: segments whose .mmi says they are outside are skipped */
    uint64_t segs_time_skipped;
};
/* pread all n bytes (retrying short reads and EINTR); false on error or end of file. */
bool store_pread_full(int fd, void *p, size_t n, uint64_t off);
/* Lowercase hex of n bytes into out (2n + 1 bytes). */
void store_hex(const uint8_t *p, size_t n, char *out);
/* Load and check segments/<name>.mmi for segment seg (format.h): true when it exists, is intact
 * and describes the segment as it is now. out receives the file. */
bool store_segidx_load(const struct store_reader *r, size_t seg, struct buf *out);
/* Write <segdir>/<name without .mms>.mmi for the segment open as fd, whose blocks end at end. */
bool store_segidx_write(const char *segdir, const char *name, int fd, uint64_t end);
/* Does a writer (sensor, import) hold the store's lock now? */
bool store_writer_active(const char *path);
void store_walk_init(struct store_walk *w, struct store_reader *r, bool want_index);
enum mm_status store_walk_next(struct store_walk *w, struct store_block *b, char *why, size_t whylen);
void store_walk_release(struct store_walk *w);
/* Read a block's payload (decompressed) into out. */
enum mm_status store_read_payload(struct store_walk *w, const struct store_block *b, struct buf *out,
                                  struct mm_error *err);

/* The decoded records of a DATA block. Pointers point into the payload buffer. */
struct store_rec {
    int64_t receive_ns;
    struct slice peer, listener, parser, raw;
    uint8_t flags;
};
struct store_records {
    struct store_rec *recs;
    size_t n, cap;
    struct slice *strs;
    size_t nstrs, strcap;
};
enum mm_status store_decode_records(const struct block_header *h, const uint8_t *payload, size_t len,
                                    struct store_records *out, struct mm_error *err);
void store_records_release(struct store_records *r);

/* ---- verification (verify.c) ---- */
struct store_verify_report {
    bool ok;
    bool failed_known; /* failed_seq is meaningful */
    uint64_t failed_seq;
    char failed_segment[64];
    uint64_t failed_offset;
    char reason[400];
    const char *failure_kind; /* "changed", "missing", "reordered", "truncated", "forged", ... */
    uint64_t segments, blocks, records, checkpoints, bytes;
    uint64_t first_seq, last_seq;
    int64_t t_min, t_max;
    uint64_t last_signed_seq; /* blocks up to and including it are covered by a signature */
    int64_t last_signed_time;
    uint64_t unsigned_blocks, unsigned_records; /* after the last checkpoint */
    uint64_t retention_records, deleted_before_seq, recoveries, notices;
    char key_id[17];
    bool key_from_store; /* verified against the key stored beside the data, not --pubkey */
    bool writer_active;  /* a sensor or import was writing: the last block may not be counted */
    uint64_t anchors;    /* checkpoints from an anchor file checked */
};
/* Verify the whole store; pubkey_path NULL: the store's own seal.pub. MM_OK when it ran (see
 * rep->ok); an error only when it could not run at all. events: each retention, recovery and
 * notice record's JSON, one per line (may be NULL). */
enum mm_status store_verify(const char *path, const char *pubkey_path, struct store_verify_report *rep,
                            struct buf *events, struct mm_error *err);
/* The same, also checking the store against anchors: checkpoints copied out of it earlier
 * (`mamori log checkpoint`). A store cut short after an anchor was taken, or rewritten and signed
 * again, fails. anchor_path may be NULL. */
enum mm_status store_verify_anchored(const char *path, const char *pubkey_path, const char *anchor_path,
                                     struct store_verify_report *rep, struct buf *events, struct mm_error *err);

#endif
