/* SPDX-License-Identifier: Apache-2.0 */
/* test_store.c: unit tests for lib/store: varints and block headers (format.h), the bloom filter,
 * index tokens, and a store written, closed, reopened and read back block by block in a temporary
 * directory (records byte for byte, the hash chain, signed checkpoints, the lock, the key files). */
#include "base/prelude.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/log.h"
#include "base/mtime.h"
#include "event/event.h"
#include "store/bloom.h"
#include "store/seal.h"
#include "store/store.h"
#include "unit.h"

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#define NS MM_NS_PER_SEC
#define T0 (1795435200LL * NS) /* 2026-11-23T12:00:00Z */

/* splitmix64: deterministic, so a failure reproduces */
static uint64_t mix(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static bool has_token(const uint64_t *h, size_t n, uint64_t want)
{
    for (size_t i = 0; i < n; i++)
        if (h[i] == want)
            return true;
    return false;
}

static uint64_t token_text(const char *s)
{
    return bloom_hash(s, strlen(s));
}

/* ---- varints ---- */

static bool varint_round_trip(uint64_t v, size_t want_len)
{
    uint8_t tmp[10];
    size_t n = varint_put(tmp, v);
    /* decode from an exactly-sized heap copy, so a read past the end is caught by ASan */
    uint8_t *p = mm_malloc(n);
    memcpy(p, tmp, n);
    const uint8_t *q = p;
    uint64_t got = ~v;
    bool ok = varint_get(&q, p + n, &got) && got == v && q == p + n && (!want_len || n == want_len);
    /* every proper prefix is truncated */
    for (size_t cut = 0; ok && cut < n; cut++) {
        q = p;
        ok = !varint_get(&q, p + cut, &got);
    }
    mm_free(p);
    if (!ok)
        printf("# varint %" PRIu64 " (%zu bytes) does not round-trip\n", v, n);
    return ok;
}

static bool varint_rejects(const uint8_t *in, size_t n)
{
    uint8_t *p = mm_malloc(n ? n : 1);
    memcpy(p, in, n);
    const uint8_t *q = p;
    uint64_t v;
    bool ok = !varint_get(&q, p + n, &v);
    mm_free(p);
    return ok;
}

static void test_varint(void)
{
    CHECK(varint_round_trip(0, 1));
    CHECK(varint_round_trip(1, 1));
    CHECK(varint_round_trip(127, 1));
    CHECK(varint_round_trip(128, 2));
    CHECK(varint_round_trip(16383, 2));
    CHECK(varint_round_trip(16384, 3));
    CHECK(varint_round_trip(UINT32_MAX, 5));
    CHECK(varint_round_trip((uint64_t)INT64_MAX, 9));
    CHECK(varint_round_trip((uint64_t)INT64_MAX + 1, 10));
    CHECK(varint_round_trip(UINT64_MAX, 10));
    uint64_t s = 1;
    int bad = 0;
    for (int i = 0; i < 2000; i++) {
        uint64_t v = mix(&s) >> (mix(&s) % 64); /* every width */
        bad += !varint_round_trip(v, 0);
    }
    CHECK(bad == 0);

    /* the byte layout (LEB128, least significant group first) */
    uint8_t b[10];
    CHECK(varint_put(b, 300) == 2 && b[0] == 0xac && b[1] == 0x02);

    /* the largest value is 9 bytes of 0xff and a final 0x01; anything more passes 64 bits */
    static const uint8_t max[] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01 };
    static const uint8_t over[] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02 };
    static const uint8_t over2[] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f };
    static const uint8_t eleven[] = { 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00 };
    static const uint8_t cont[] = { 0x80, 0x80, 0x80 }; /* continuation bit to the end */
    const uint8_t *q = max;
    uint64_t v = 0;
    CHECK(varint_get(&q, max + sizeof max, &v) && v == UINT64_MAX && q == max + sizeof max);
    CHECK(varint_rejects(over, sizeof over));
    CHECK(varint_rejects(over2, sizeof over2));
    CHECK(varint_rejects(eleven, sizeof eleven));
    CHECK(varint_rejects(cont, sizeof cont));
    CHECK(varint_rejects(cont, 0));
}

/* ---- block headers ---- */

static struct block_header sample_header(void)
{
    struct block_header h = {
        .type = BLOCK_DATA, .flags = BLOCK_F_ZSTD, .seq = 0x0102030405060708ull,
        .t_min = T0, .t_max = T0 + 5 * NS, .count = 1234, .index_len = 520,
        .payload_len = 40000, .raw_len = 150000,
    };
    for (int i = 0; i < STORE_HASH_SIZE; i++)
        h.prev_hash[i] = (uint8_t)(0xa0 + i);
    return h;
}

static bool header_eq(const struct block_header *a, const struct block_header *b)
{
    return a->type == b->type && a->flags == b->flags && a->seq == b->seq && a->t_min == b->t_min &&
           a->t_max == b->t_max && a->count == b->count && a->index_len == b->index_len &&
           a->payload_len == b->payload_len && a->raw_len == b->raw_len &&
           !memcmp(a->prev_hash, b->prev_hash, STORE_HASH_SIZE);
}

/* encode h and decode it again; why gets the reason on failure */
static bool header_decodes(const struct block_header *h, const char **why)
{
    uint8_t raw[STORE_HDR_SIZE];
    struct block_header back;
    block_header_encode(h, raw);
    *why = "";
    return block_header_decode(raw, &back, why);
}

static void test_header(void)
{
    struct block_header h = sample_header(), back;
    memset(&back, 0, sizeof back);
    uint8_t raw[STORE_HDR_SIZE];
    const char *why = "";
    block_header_encode(&h, raw);
    CHECK(block_header_decode(raw, &back, &why));
    CHECK(header_eq(&h, &back));

    /* the layout format.h documents, which an independent verifier is written from */
    uint8_t d[STORE_HASH_SIZE];
    sha256_once(raw, 80, d);
    CHECK(!memcmp(raw, "MMB1", 4) && raw[4] == BLOCK_DATA && raw[5] == BLOCK_F_ZSTD);
    CHECK(raw[6] == 0 && raw[7] == 0 && get_u64(raw + 8) == h.seq);
    CHECK((int64_t)get_u64(raw + 16) == T0 && (int64_t)get_u64(raw + 24) == T0 + 5 * NS);
    CHECK(get_u32(raw + 32) == 1234 && get_u32(raw + 36) == 520 && get_u32(raw + 40) == 40000 &&
          get_u32(raw + 44) == 150000);
    CHECK(!memcmp(raw + 48, h.prev_hash, STORE_HASH_SIZE));
    CHECK(!memcmp(raw + 80, d, 4));
    CHECK(get_u32(raw + 84) == 0);
    CHECK(block_total_size(&h) == 88 + 520 + 40000 + 36);

    /* negative times survive (the fields are two's complement) */
    struct block_header neg = h;
    neg.t_min = INT64_MIN;
    neg.t_max = -5;
    block_header_encode(&neg, raw);
    CHECK(block_header_decode(raw, &back, &why) && back.t_min == INT64_MIN && back.t_max == -5);
    /* a reversed time range is damage */
    neg.t_min = 5;
    neg.t_max = -5;
    block_header_encode(&neg, raw);
    CHECK(!block_header_decode(raw, &back, &why));

    /* bad magic */
    block_header_encode(&h, raw);
    raw[0] = 'X';
    why = "";
    CHECK(!block_header_decode(raw, &back, &why));
    CHECK(strstr(why, "magic") != NULL);

    /* any flipped bit of bytes 0..83 is caught (magic or header check) */
    int missed = 0;
    for (int i = 0; i < 84; i++) {
        for (int bit = 0; bit < 8; bit++) {
            block_header_encode(&h, raw);
            raw[i] ^= (uint8_t)(1u << bit);
            if (block_header_decode(raw, &back, &why)) {
                printf("# flipping bit %d of byte %d goes unnoticed\n", bit, i);
                missed++;
            }
        }
    }
    CHECK(missed == 0);
    block_header_encode(&h, raw);
    raw[40] ^= 0x10; /* payload_len */
    why = "";
    CHECK(!block_header_decode(raw, &back, &why) && strstr(why, "header check") != NULL);

    /* unknown types, even with a correct header check */
    static const uint8_t bad_types[] = { 0, BLOCK_NOTICE + 1, 0x7f, 0xff };
    for (size_t i = 0; i < MM_ARRAY_LEN(bad_types); i++) {
        struct block_header t = h;
        t.type = bad_types[i];
        CHECK(!header_decodes(&t, &why) && strstr(why, "type") != NULL);
    }
    for (int type = BLOCK_SEGMENT; type <= BLOCK_NOTICE; type++) {
        struct block_header t = h;
        t.type = (uint8_t)type;
        CHECK(header_decodes(&t, &why));
        CHECK(strcmp(block_type_name(type), "unknown") != 0);
    }

    /* lengths: the block may not pass STORE_MAX_BLOCK, also when the sum passes 32 bits */
    struct block_header t = h;
    t.index_len = 0;
    t.payload_len = STORE_MAX_BLOCK;
    t.raw_len = STORE_MAX_BLOCK;
    CHECK(header_decodes(&t, &why));
    t.index_len = 1;
    CHECK(!header_decodes(&t, &why) && strstr(why, "range") != NULL);
    t = h;
    t.index_len = 0x80000000u;
    t.payload_len = 0x80000000u;
    CHECK(!header_decodes(&t, &why));
    t = h;
    t.index_len = UINT32_MAX;
    CHECK(!header_decodes(&t, &why));
    t = h;
    t.raw_len = STORE_MAX_BLOCK + 1;
    CHECK(!header_decodes(&t, &why));
    t = h;
    t.raw_len = UINT32_MAX;
    CHECK(!header_decodes(&t, &why));
    /* an uncompressed block stores exactly its raw bytes */
    t = h;
    t.flags = 0;
    CHECK(!header_decodes(&t, &why));
    t.raw_len = t.payload_len;
    CHECK(header_decodes(&t, &why));
}

/* ---- bloom filter ---- */

static void test_bloom(void)
{
    CHECK(bloom_log2_for(0) == BLOOM_MIN_LOG2);
    CHECK(bloom_log2_for(1) == BLOOM_MIN_LOG2);
    CHECK(bloom_log2_for((size_t)1 << 30) == BLOOM_MAX_LOG2);
    /* at least BLOOM_BITS_PER_KEY bits per key below the maximum, and not twice as many */
    bool sized = true;
    for (size_t n = 1; n < 100000; n = n * 3 + 1) {
        unsigned l = bloom_log2_for(n);
        size_t bits = (size_t)1 << l;
        if (bits < n * BLOOM_BITS_PER_KEY && l < BLOOM_MAX_LOG2)
            sized = false;
        if (l > BLOOM_MIN_LOG2 && bits / 2 >= n * BLOOM_BITS_PER_KEY)
            sized = false;
    }
    CHECK(sized);

    /* 2^17 bits for 13107 keys: exactly 10 bits per key */
    const unsigned log2 = 17;
    const size_t nkeys = ((size_t)1 << log2) / 10;
    uint8_t *bits = mm_calloc(((size_t)1 << log2) / 8, 1);
    char key[64];
    for (size_t i = 0; i < nkeys; i++) {
        int n = snprintf(key, sizeof key, "ip:10.%zu.%zu.%zu", i >> 16, (i >> 8) & 255, i & 255);
        bloom_add(bits, log2, BLOOM_K, bloom_hash(key, (size_t)n));
    }
    size_t missing = 0;
    for (size_t i = 0; i < nkeys; i++) {
        int n = snprintf(key, sizeof key, "ip:10.%zu.%zu.%zu", i >> 16, (i >> 8) & 255, i & 255);
        missing += !bloom_maybe(bits, log2, BLOOM_K, bloom_hash(key, (size_t)n));
    }
    CHECK(missing == 0);
    size_t fp = 0;
    for (size_t i = 0; i < 10000; i++) {
        int n = snprintf(key, sizeof key, "user:absent-%zu", i);
        fp += bloom_maybe(bits, log2, BLOOM_K, bloom_hash(key, (size_t)n));
    }
    printf("# bloom: %zu of 10000 absent keys pass at 10 bits/key\n", fp);
    CHECK(fp < 300);
    CHECK(fp > 0); /* a filter that says "no" to everything is not a filter */
    /* the documented bit layout: the probes of h are (h1 + j*h2) mod 2^log2 */
    memset(bits, 0, ((size_t)1 << log2) / 8);
    uint64_t h = 0x0000000300000005ull; /* h1 = 5, h2 = 3 */
    bloom_add(bits, log2, 2, h);
    CHECK(bits[0] == 0x20 && bits[1] == 0x01); /* bits 5 and 8 */
    mm_free(bits);

    /* the smallest filter still has no false negatives */
    uint8_t small[(1 << BLOOM_MIN_LOG2) / 8] = { 0 };
    uint64_t s = 7;
    uint64_t added[40];
    for (size_t i = 0; i < MM_ARRAY_LEN(added); i++) {
        added[i] = mix(&s);
        bloom_add(small, BLOOM_MIN_LOG2, BLOOM_K, added[i]);
    }
    missing = 0;
    for (size_t i = 0; i < MM_ARRAY_LEN(added); i++)
        missing += !bloom_maybe(small, BLOOM_MIN_LOG2, BLOOM_K, added[i]);
    CHECK(missing == 0);
}

/* ---- index tokens ---- */

/* are all tokens of field = value among t's? */
static bool value_indexed(const struct store_tokens *t, const char *field, const char *value)
{
    uint64_t q[32];
    size_t n = store_tokens_for_value(field, value, strlen(value), q, MM_ARRAY_LEN(q));
    if (n == 0) {
        printf("# %s=%s gives no tokens\n", field, value);
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (!has_token(t->h, t->n, q[i])) {
            printf("# token %zu of %s=%s is not in the event's tokens\n", i, field, value);
            return false;
        }
    }
    return true;
}

static void test_tokens(void)
{
    uint64_t q[32];
    size_t n = store_tokens_for_value("src_ip", "10.1.2.3", 8, q, MM_ARRAY_LEN(q));
    CHECK(n >= 1);
    CHECK(has_token(q, n, token_text("ip:10.1.2.3")));
    CHECK(has_token(q, n, token_text("net4/16:10.1.0.0")));
    CHECK(store_tokens_for_value("src_ip", "", 0, q, MM_ARRAY_LEN(q)) == 0);
    /* a bounded output is never overrun */
    uint64_t one[2] = { 0, 0x5a5a5a5a5a5a5a5aull };
    CHECK(store_tokens_for_value("src_ip", "10.1.2.3", 8, one, 1) == 1);
    CHECK(one[1] == 0x5a5a5a5a5a5a5a5aull);

    struct event ev;
    event_init(&ev);
    static const char raw[] = "<38>Nov 23 12:00:00 web01 sshd[42]: Accepted password for alice from "
                              "10.1.2.3 port 50022; relay 172.16.5.4.";
    ev.raw = raw;
    ev.raw_len = sizeof raw - 1;
    ev.host = slice_cstr("web01");
    event_add(&ev, "src_ip", "10.1.2.3", 8);
    event_add(&ev, "TargetUserName", "Alice", 5);
    event_add(&ev, "from", "Bob@Example.com", 15);
    event_add(&ev, "QueryName", "www.Example.org", 15);
    event_add(&ev, "dst_ip", "2001:db8:1:2::7", 15);
    event_add(&ev, "ClientAddress", "2001:db9:abcd:12::99", 20);
    event_add_int(&ev, "src_port", 50022);
    struct store_tokens t = { 0 };
    store_tokens_from_event(&t, &ev, "192.0.2.7");
    CHECK(t.n > 0);

    CHECK(value_indexed(&t, "src_ip", "10.1.2.3"));
    CHECK(value_indexed(&t, "from", "Bob@Example.com"));
    CHECK(value_indexed(&t, "from", "bob@example.com")); /* values are compared lowercased */
    CHECK(value_indexed(&t, "TargetUserName", "alice"));
    CHECK(value_indexed(&t, "QueryName", "www.example.org"));
    /* IPv6 addresses, long and short (7 to 15 characters, starting with a digit, like a dotted
     * quad) */
    CHECK(value_indexed(&t, "ClientAddress", "2001:db9:abcd:12::99"));
    CHECK(value_indexed(&t, "dst_ip", "2001:db8:1:2::7"));
    CHECK(value_indexed(&t, "host", "WEB01"));
    CHECK(value_indexed(&t, "peer", "192.0.2.7"));
    n = store_tokens_for_value("from", "Bob@Example.com", 15, q, MM_ARRAY_LEN(q));
    CHECK(has_token(q, n, token_text("mail:bob@example.com")));
    CHECK(has_token(q, n, token_text("maildomain:example.com")));
    CHECK(has_token(t.h, t.n, token_text("mail:bob@example.com")));
    CHECK(has_token(t.h, t.n, token_text("maildomain:example.com")));
    /* not a mail address: no mail token */
    n = store_tokens_for_value("from", "bob@localhost", 13, q, MM_ARRAY_LEN(q));
    CHECK(!has_token(q, n, token_text("mail:bob@localhost")));

    /* full-text terms: IPv4 addresses only, and the raw text is indexed for them */
    uint64_t tok = 0;
    CHECK(store_token_for_term("10.1.2.3", 8, &tok));
    CHECK(tok == token_text("ip:10.1.2.3") && has_token(t.h, t.n, tok));
    CHECK(store_token_for_term("172.16.5.4", 10, &tok) && has_token(t.h, t.n, tok));
    CHECK(!store_token_for_term("10.1.2", 6, &tok));
    CHECK(!store_token_for_term("10.1.2.3.4", 10, &tok));
    CHECK(!store_token_for_term("010.1.2.3", 9, &tok));
    CHECK(!store_token_for_term("alice", 5, &tok));

    /* CIDR: the widest indexed prefix inside the range */
    CHECK(store_token_for_cidr("10.1.0.0/16", &tok));
    CHECK(has_token(t.h, t.n, tok));
    CHECK(store_token_for_cidr("10.1.0.0/20", &tok) && has_token(t.h, t.n, tok));
    CHECK(store_token_for_cidr("10.0.0.0/8", &tok) && has_token(t.h, t.n, tok));
    CHECK(store_token_for_cidr("10.1.2.0/24", &tok) && has_token(t.h, t.n, tok));
    CHECK(store_token_for_cidr("10.1.2.3/32", &tok) && has_token(t.h, t.n, tok));
    CHECK(store_token_for_cidr("10.2.0.0/16", &tok) && !has_token(t.h, t.n, tok));
    CHECK(store_token_for_cidr("2001:db9::/32", &tok) && has_token(t.h, t.n, tok));
    CHECK(store_token_for_cidr("2001:db9:abcd:12::/64", &tok) && has_token(t.h, t.n, tok));
    CHECK(store_token_for_cidr("2001:db8::/32", &tok) && has_token(t.h, t.n, tok));
    CHECK(store_token_for_cidr("2001:db8:1::/48", &tok) && has_token(t.h, t.n, tok));
    CHECK(!store_token_for_cidr("10.1.0.0", &tok));
    CHECK(!store_token_for_cidr("10.0.0.0/4", &tok));
    CHECK(!store_token_for_cidr("10.1.0.0/16x", &tok));
    CHECK(!store_token_for_cidr("example.com/16", &tok));

    store_tokens_release(&t);
    event_release(&ev);
}

/* ---- the store on disk ---- */

#define NREC1 10000
#define NREC2 500
#define BIG_RECORD 4321 /* larger than a block on its own */

static char listeners[3][96];
static size_t listener_lens[3];
static const char *const parsers[] = { "", "postfix", "linux_auth", "cisco_asa" };

/* Record i, a pure function of i: varied sizes, bytes (NUL, 8-bit, LF), peers, listeners,
 * parsers and times (not monotonic), a truncated flag on some. */
struct gen_rec {
    int64_t receive_ns;
    char peer[64], ip[48];
    size_t peer_len;
    const char *listener, *parser;
    size_t listener_len;
    uint8_t raw[9000];
    size_t raw_len;
    uint8_t flags;
    uint64_t tokens[8];
    size_t ntokens;
};

static void gen(size_t i, struct gen_rec *g)
{
    uint64_t s = 0x1234567ull * (i + 1);
    uint64_t r = mix(&s);
    g->receive_ns = T0 + (int64_t)i * 1000000 + (int64_t)(r % 5000000) - 2500000;
    if (i == 7777)
        g->receive_ns = T0 - 3600 * NS; /* a late arrival (not a day late: that starts a segment) */
    if (i % 50 == 49) {
        g->ip[0] = '\0'; /* a file listener: no peer */
    } else if (i % 17 == 3) {
        snprintf(g->ip, sizeof g->ip, "2001:db8::%zx", i % 9);
    } else {
        snprintf(g->ip, sizeof g->ip, "10.0.%zu.%zu", i % 5, i % 7);
    }
    if (!g->ip[0])
        g->peer[0] = '\0';
    else if (strchr(g->ip, ':'))
        snprintf(g->peer, sizeof g->peer, "[%s]:6514", g->ip);
    else
        snprintf(g->peer, sizeof g->peer, "%s:%zu", g->ip, 514 + i % 2);
    g->peer_len = strlen(g->peer);
    g->listener = listeners[i % 3];
    g->listener_len = listener_lens[i % 3];
    g->parser = parsers[(i / 3) % 4];
    g->flags = i % 13 == 0 ? RECORD_F_TRUNCATED : 0;

    size_t len = i % 1000 == 999 ? 0 : i == BIG_RECORD ? sizeof g->raw : 10 + mix(&s) % 240;
    int n = snprintf((char *)g->raw, sizeof g->raw, "<%zu>msg %zu from %s:", i % 192, i, g->ip);
    size_t k = MM_MIN((size_t)n, len);
    for (; k < len; k++) {
        uint64_t c = mix(&s);
        g->raw[k] = c % 8 == 0 ? (uint8_t)(c >> 8) : (uint8_t)('a' + (c >> 8) % 26); /* any byte */
    }
    if (i % 7 == 0 && len > 0)
        g->raw[len - 1] = '\0';
    g->raw_len = len;

    /* the address's tokens and one of the record's own */
    g->ntokens = g->ip[0] ? store_tokens_for_value("src_ip", g->ip, strlen(g->ip), g->tokens, 6) : 0;
    char u[32];
    int ul = snprintf(u, sizeof u, "user:u%zu", i);
    g->tokens[g->ntokens++] = bloom_hash(u, (size_t)ul);
}

static enum mm_status append_range(struct store *st, size_t from, size_t to)
{
    static struct gen_rec g;
    for (size_t i = from; i < to; i++) {
        gen(i, &g);
        struct store_record r = {
            .receive_ns = g.receive_ns, .peer = g.peer, .peer_len = g.peer_len,
            .listener = g.listener, .listener_len = g.listener_len, .parser = g.parser,
            .parser_len = strlen(g.parser), .raw = (const char *)g.raw, .raw_len = g.raw_len,
            .flags = g.flags, .tokens = g.tokens, .ntokens = g.ntokens,
        };
        enum mm_status rc = store_append(st, &r);
        if (rc != MM_OK)
            return rc;
    }
    return MM_OK;
}

static char *read_file(const char *path, size_t *len)
{
    struct buf b;
    buf_init(&b, BUF_NO_MAX);
    FILE *f = fopen(path, "rb");
    if (f) {
        char tmp[65536];
        size_t n;
        while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
            buf_append(&b, tmp, n);
        fclose(f);
    }
    return buf_detach(&b, len);
}

static bool slice_is(struct slice s, const void *p, size_t n)
{
    return s.len == n && (n == 0 || !memcmp(s.p, p, n));
}

/* What a walk of the whole store found. */
struct walk_summary {
    char types[1024]; /* one letter per block: S D C R N T(retention) */
    size_t blocks;
    uint64_t records;
    size_t bad_records, bad_blocks, bad_tokens;
    size_t checkpoints_verified;
};

static char type_letter(int type)
{
    switch (type) {
    case BLOCK_SEGMENT: return 'S';
    case BLOCK_DATA: return 'D';
    case BLOCK_CHECKPOINT: return 'C';
    case BLOCK_RECOVERY: return 'R';
    case BLOCK_NOTICE: return 'N';
    case BLOCK_RETENTION: return 'T';
    default: return '?';
    }
}

static void block_problem(struct walk_summary *ws, const struct store_block *b, const char *what)
{
    if (ws->bad_blocks++ < 5)
        printf("# block %" PRIu64 " (%s at %" PRIu64 "): %s\n", b->h.seq, block_type_name(b->h.type),
               b->offset, what);
}

/* Check a DATA block's records against the generator, and its index against their tokens. */
static void check_data_block(struct walk_summary *ws, const struct store_block *b, const struct buf *payload)
{
    static struct gen_rec g;
    struct store_records recs = { 0 };
    struct mm_error err = { "" };
    if (store_decode_records(&b->h, (const uint8_t *)payload->data, payload->len, &recs, &err) != MM_OK) {
        block_problem(ws, b, err.msg);
        return;
    }
    if (recs.n != b->h.count || recs.n == 0)
        block_problem(ws, b, "record count differs from the header");
    const uint8_t *ix = b->index;
    unsigned log2 = ix && b->h.index_len >= INDEX_FIXED_SIZE ? ix[0] : 0;
    if (!ix || log2 < BLOOM_MIN_LOG2 || log2 > BLOOM_MAX_LOG2 || ix[1] != BLOOM_K || ix[2] || ix[3] ||
        b->h.index_len != INDEX_FIXED_SIZE + ((size_t)1 << log2) / 8 || get_u32(ix + 4) == 0) {
        block_problem(ws, b, "index section is not a bloom filter as format.h describes");
        log2 = 0;
    }
    int64_t t_min = INT64_MAX, t_max = INT64_MIN;
    for (size_t j = 0; j < recs.n; j++) {
        const struct store_rec *r = &recs.recs[j];
        gen((size_t)ws->records, &g);
        bool ok = r->receive_ns == g.receive_ns && slice_is(r->peer, g.peer, g.peer_len) &&
                  slice_is(r->listener, g.listener, g.listener_len) &&
                  slice_is(r->parser, g.parser, strlen(g.parser)) && r->flags == g.flags &&
                  slice_is(r->raw, g.raw, g.raw_len);
        if (!ok && ws->bad_records++ < 5)
            printf("# record %" PRIu64 " (block %" PRIu64 ", #%zu) differs: time %" PRId64 "/%" PRId64
                   " peer '%.*s' raw %zu/%zu bytes flags %u/%u\n", ws->records, b->h.seq, j,
                   r->receive_ns, g.receive_ns, (int)r->peer.len, r->peer.p, r->raw.len, g.raw_len,
                   r->flags, g.flags);
        for (size_t k = 0; log2 && k < g.ntokens; k++)
            ws->bad_tokens += !bloom_maybe(ix + INDEX_FIXED_SIZE, log2, ix[1], g.tokens[k]);
        t_min = MM_MIN(t_min, r->receive_ns);
        t_max = MM_MAX(t_max, r->receive_ns);
        ws->records++;
    }
    if (recs.n && (t_min != b->h.t_min || t_max != b->h.t_max))
        block_problem(ws, b, "t_min/t_max are not the records' earliest and latest times");
    store_records_release(&recs);
}

/* Walk the whole store: every block's hash and link against the file's bytes, records against
 * the generator, SEGMENT and CHECKPOINT payloads (the signature with seal.pub). */
static void walk_store(const char *dir, struct walk_summary *ws)
{
    memset(ws, 0, sizeof *ws);
    struct mm_error err = { "" };
    char pub[512];
    snprintf(pub, sizeof pub, "%s/seal.pub", dir);
    struct seal_key *key = seal_pubkey_load(pub, &err);
    uint8_t pub_raw[STORE_PUBKEY_SIZE] = { 0 };
    if (key)
        seal_key_raw_public(key, pub_raw);
    else
        printf("# cannot load %s: %s\n", pub, err.msg);

    struct store_reader r;
    if (store_reader_open(&r, dir, &err) != MM_OK) {
        printf("# store_reader_open: %s\n", err.msg);
        ws->bad_blocks++;
        seal_key_free(key);
        return;
    }
    struct store_walk w;
    store_walk_init(&w, &r, true);
    struct store_block b;
    struct buf payload;
    buf_init(&payload, BUF_NO_MAX);
    char why[400];
    uint8_t prev[STORE_HASH_SIZE] = { 0 }, store_id[STORE_ID_SIZE] = { 0 };
    char *file = NULL;
    size_t file_len = 0, file_seg = SIZE_MAX;
    enum mm_status rc;
    while ((rc = store_walk_next(&w, &b, why, sizeof why)) == MM_OK) {
        if (ws->blocks < sizeof ws->types - 1)
            ws->types[ws->blocks] = type_letter(b.h.type);
        if (b.h.seq != ws->blocks)
            block_problem(ws, &b, "sequence number out of order");
        ws->blocks++;
        if (b.seg != file_seg) {
            mm_free(file);
            file = read_file(r.segs[b.seg].path, &file_len);
            file_seg = b.seg;
        }
        /* the hash chain, recomputed from the file's bytes */
        uint64_t total = block_total_size(&b.h);
        uint8_t h[STORE_HASH_SIZE];
        if (b.offset + total > file_len) {
            block_problem(ws, &b, "extends past the file");
        } else {
            const uint8_t *p = (const uint8_t *)file + b.offset;
            sha256_once(p, total - STORE_TRAILER_SIZE, h);
            if (memcmp(h, p + total - STORE_TRAILER_SIZE, STORE_HASH_SIZE) != 0 ||
                memcmp(b.trailer, h, STORE_HASH_SIZE) != 0 ||
                memcmp(b.trailer + STORE_HASH_SIZE, STORE_TRAILER_MAGIC, 4) != 0)
                block_problem(ws, &b, "trailer does not hold the block's hash");
        }
        if (memcmp(b.h.prev_hash, prev, STORE_HASH_SIZE) != 0)
            block_problem(ws, &b, "prev_hash is not the previous block's hash");
        memcpy(prev, b.trailer, STORE_HASH_SIZE);

        if (store_read_payload(&w, &b, &payload, &err) != MM_OK) {
            block_problem(ws, &b, err.msg);
            continue;
        }
        if (payload.len != b.h.raw_len)
            block_problem(ws, &b, "payload length is not raw_len");
        const uint8_t *p = (const uint8_t *)payload.data;
        switch (b.h.type) {
        case BLOCK_SEGMENT:
            if (payload.len != SEGMENT_PAYLOAD_SIZE || b.h.count || b.h.flags) {
                block_problem(ws, &b, "segment block of the wrong shape");
                break;
            }
            if (b.h.seq == 0)
                memcpy(store_id, p, STORE_ID_SIZE);
            if (memcmp(p, store_id, STORE_ID_SIZE) != 0 || memcmp(p + 16, pub_raw, STORE_PUBKEY_SIZE) != 0 ||
                get_u64(p + 64) != ws->records || get_u32(p + 72) != STORE_FORMAT_VERSION)
                block_problem(ws, &b, "segment payload: wrong id, key, record count or version");
            break;
        case BLOCK_DATA:
            if (!(b.h.flags & BLOCK_F_ZSTD))
                block_problem(ws, &b, "data block not compressed");
            check_data_block(ws, &b, &payload);
            break;
        case BLOCK_CHECKPOINT: {
            if (payload.len != CHECKPOINT_PAYLOAD_SIZE || b.h.count) {
                block_problem(ws, &b, "checkpoint block of the wrong shape");
                break;
            }
            if (memcmp(p, store_id, STORE_ID_SIZE) != 0 || get_u64(p + 16) != b.h.seq ||
                memcmp(p + 24, b.h.prev_hash, STORE_HASH_SIZE) != 0 || get_u64(p + 64) != ws->records)
                block_problem(ws, &b, "checkpoint payload: wrong id, seq, chain hash or record count");
            uint8_t msg[sizeof CHECKPOINT_DOMAIN - 1 + CHECKPOINT_SIGNED_SIZE];
            memcpy(msg, CHECKPOINT_DOMAIN, sizeof CHECKPOINT_DOMAIN - 1);
            memcpy(msg + sizeof CHECKPOINT_DOMAIN - 1, p, CHECKPOINT_SIGNED_SIZE);
            if (key && seal_verify(key, msg, sizeof msg, p + CHECKPOINT_SIGNED_SIZE))
                ws->checkpoints_verified++;
            else
                block_problem(ws, &b, "checkpoint signature does not verify with seal.pub");
            /* the signature covers the chain: a changed byte of the signed part fails it */
            msg[sizeof msg - 1] ^= 1;
            if (key && seal_verify(key, msg, sizeof msg, p + CHECKPOINT_SIGNED_SIZE))
                block_problem(ws, &b, "checkpoint signature verifies a changed message");
            break;
        }
        default:
            break;
        }
    }
    if (rc != MM_EOF) {
        printf("# walk ended with %s: %s\n", mm_status_str(rc), why);
        ws->bad_blocks++;
    }
    mm_free(file);
    buf_release(&payload);
    store_walk_release(&w);
    store_reader_close(&r);
    seal_key_free(key);
}

/* "S", then at least two "D", then "C"; then for each later session, D...C */
static bool types_match(const char *types, int sessions)
{
    const char *p = types;
    if (*p++ != 'S')
        return false;
    for (int s = 0; s < sessions; s++) {
        size_t d = strspn(p, "D");
        if (d < 2 || p[d] != 'C')
            return false;
        p += d + 1;
    }
    return *p == '\0';
}

static bool file_exists(const char *dir, const char *name, mode_t *mode)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    struct stat sb;
    if (stat(path, &sb) < 0)
        return false;
    if (mode)
        *mode = sb.st_mode & 07777;
    return true;
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void test_options(const char *dir)
{
    struct store_options o;
    struct mm_error err = { "" };
    store_options_default(&o);
    o.path = dir;
    CHECK(store_options_check(&o, &err) == MM_OK);
    CHECK(o.retention_ns >= STORE_MIN_RETENTION_DAYS * STORE_DAY_NS);
    o.retention_ns = 364 * STORE_DAY_NS;
    err.msg[0] = '\0';
    CHECK(store_options_check(&o, &err) == MM_ERR_INVALID);
    CHECK(strstr(err.msg, "365") != NULL && strstr(err.msg, "retention_override") != NULL);
    o.retention_ns = STORE_MIN_RETENTION_DAYS * STORE_DAY_NS - 1;
    CHECK(store_options_check(&o, &err) != MM_OK);
    o.retention_ns = STORE_MIN_RETENTION_DAYS * STORE_DAY_NS;
    CHECK(store_options_check(&o, &err) == MM_OK);
    o.retention_ns = 7 * STORE_DAY_NS;
    o.retention_override = true;
    CHECK(store_options_check(&o, &err) == MM_OK);
    o.retention_override = false;
    o.retention_ns = 0; /* keep everything */
    CHECK(store_options_check(&o, &err) == MM_OK);

    /* store_open refuses what store_options_check refuses, before touching the disk */
    char sub[512];
    snprintf(sub, sizeof sub, "%s/refused", dir);
    o.path = sub;
    o.retention_ns = 30 * STORE_DAY_NS;
    CHECK(store_open(&o, &err) == NULL && strstr(err.msg, "retention") != NULL);
    CHECK(!file_exists(dir, "refused", NULL));
    o.path = NULL;
    CHECK(store_options_check(&o, &err) != MM_OK);
    store_options_default(&o);
    o.path = dir;
    o.block_size = 1000;
    CHECK(store_options_check(&o, &err) != MM_OK);
}

static void test_store(const char *tmp)
{
    char dir[512];
    snprintf(dir, sizeof dir, "%s/store", tmp);
    struct buf lk;
    buf_init(&lk, BUF_NO_MAX);
    static const char *const names[3][3] = { { "udp514", "utf-8", "+09:00" },
                                             { "tcp6514", "shift_jis", "Asia/Tokyo" },
                                             { "maillog", "utf-8", "" } };
    for (int i = 0; i < 3; i++) {
        store_listener_key(&lk, names[i][0], names[i][1], names[i][2], i == 2);
        snprintf(listeners[i], sizeof listeners[i], "%s", lk.data);
        listener_lens[i] = lk.len;
    }
    CHECK_STR(listeners[1], listener_lens[1], "tcp6514\tshift_jis\tAsia/Tokyo\theader");
    CHECK_STR(listeners[2], listener_lens[2], "maillog\tutf-8\t\tnoheader");
    buf_release(&lk);

    struct store_options o;
    struct mm_error err = { "" };
    store_options_default(&o);
    o.path = dir;
    o.block_size = 4096;
    struct store *st = store_open(&o, &err);
    CHECK(st != NULL);
    if (!st) {
        printf("# store_open: %s\n", err.msg);
        return;
    }

    /* the key files */
    mode_t mode = 0;
    CHECK(file_exists(dir, "seal.pub", NULL));
    CHECK(file_exists(dir, "keys/seal.key", &mode) && mode == 0600);
    CHECK(file_exists(dir, "keys", &mode) && (mode & 077) == 0);

    /* one writer at a time */
    struct mm_error err2 = { "" };
    struct store *again = store_open(&o, &err2);
    CHECK(again == NULL);
    CHECK(strstr(err2.msg, "in use") != NULL);
    store_close(again);

    int64_t t0 = mm_mono_ns();
    CHECK(append_range(st, 0, NREC1) == MM_OK);
    struct store_stats ss;
    store_get_stats(st, &ss);
    CHECK(ss.blocks > 2 && ss.records < NREC1); /* blocks closed at 4 KiB, the last still open */
    CHECK(!store_blocked(st));
    CHECK(store_close(st) == MM_OK);
    printf("# %d records written in %.3f s\n", NREC1, (double)(mm_mono_ns() - t0) / 1e9);

    struct walk_summary ws;
    walk_store(dir, &ws);
    printf("# first session: %zu blocks: %.4s...%s\n", ws.blocks, ws.types,
           ws.blocks > 8 ? ws.types + ws.blocks - 4 : "");
    CHECK(ws.records == NREC1);
    CHECK(ws.bad_records == 0);
    CHECK(ws.bad_blocks == 0);
    CHECK(ws.bad_tokens == 0);
    CHECK(ws.checkpoints_verified == 1);
    CHECK(types_match(ws.types, 1));
    size_t blocks1 = ws.blocks;

    /* reopen: the chain continues in the same segment */
    st = store_open(&o, &err);
    CHECK(st != NULL);
    if (!st) {
        printf("# store_open again: %s\n", err.msg);
        return;
    }
    store_get_stats(st, &ss);
    CHECK(ss.next_seq == blocks1);
    CHECK(ss.records_total == NREC1);
    CHECK(ss.records == 0);
    CHECK(append_range(st, NREC1, NREC1 + NREC2) == MM_OK);
    CHECK(store_flush(st) == MM_OK);
    store_get_stats(st, &ss);
    CHECK(ss.records == NREC2);
    CHECK(ss.records_total == NREC1 + NREC2);
    CHECK(ss.next_seq > blocks1);
    CHECK(store_close(st) == MM_OK);

    walk_store(dir, &ws);
    CHECK(ws.records == NREC1 + NREC2);
    CHECK(ws.bad_records == 0);
    CHECK(ws.bad_blocks == 0);
    CHECK(ws.bad_tokens == 0);
    CHECK(ws.checkpoints_verified == 2);
    CHECK(types_match(ws.types, 2));
    CHECK(ws.blocks > blocks1);

    /* the store's own verifier agrees */
    struct store_verify_report rep;
    CHECK(store_verify(dir, NULL, &rep, NULL, &err) == MM_OK);
    CHECK(rep.ok);
    if (!rep.ok)
        printf("# store_verify: %s (%s)\n", rep.reason, rep.failure_kind ? rep.failure_kind : "");
    CHECK(rep.records == NREC1 + NREC2 && rep.blocks == ws.blocks && rep.checkpoints == 2);
    CHECK(rep.unsigned_blocks == 0);

    /* a torn tail (a crash mid-write) is cut at open, kept beside the segment and recorded */
    struct store_reader r;
    CHECK(store_reader_open(&r, dir, &err) == MM_OK && r.nsegs == 1);
    char segpath[600] = "", segname[64] = "";
    uint64_t segsize = 0;
    if (r.nsegs == 1) {
        snprintf(segpath, sizeof segpath, "%s", r.segs[0].path);
        snprintf(segname, sizeof segname, "%s", r.segs[0].name);
        segsize = r.segs[0].size;
    }
    store_reader_close(&r);
    CHECK(!strcmp(segname, "0000000000000000.mms"));
    int fd = open(segpath, O_WRONLY | O_APPEND | O_CLOEXEC);
    CHECK(fd >= 0);
    if (fd >= 0) {
        static const char junk[] = "MMB1 half a header, then the power went out";
        CHECK(write(fd, junk, sizeof junk - 1) == (ssize_t)(sizeof junk - 1));
        close(fd);
    }
    mm_log_set_level(MM_LOG_ERROR); /* the recovery's warning is expected */
    st = store_open(&o, &err);
    mm_log_set_level(MM_LOG_WARN);
    CHECK(st != NULL);
    if (st) {
        store_get_stats(st, &ss);
        CHECK(ss.recoveries == 1 && ss.records_total == NREC1 + NREC2);
        CHECK(store_close(st) == MM_OK);
    }
    char torn[128];
    snprintf(torn, sizeof torn, "segments/%s.torn-%" PRIu64, segname, segsize);
    CHECK(file_exists(dir, torn, NULL));
    walk_store(dir, &ws);
    CHECK(ws.records == NREC1 + NREC2 && ws.bad_records == 0 && ws.bad_blocks == 0);
    size_t tl = strlen(ws.types);
    CHECK(tl >= 2 && !strcmp(ws.types + tl - 2, "RC"));

    /* a directory that is not a store */
    CHECK(store_reader_open(&r, tmp, &err) == MM_ERR_NOT_FOUND);
}

int main(void)
{
    mm_log_set_level(MM_LOG_WARN);
    int64_t t0 = mm_mono_ns();
    test_varint();
    test_header();
    test_bloom();
    test_tokens();

    char tmp[] = "/tmp/mamori-test-store-XXXXXX";
    CHECK(mkdtemp(tmp) != NULL);
    test_options(tmp);
    test_store(tmp);
    CHECK(nftw(tmp, rm_entry, 16, FTW_DEPTH | FTW_PHYS) == 0);
    CHECK(access(tmp, F_OK) < 0);
    printf("# %.3f s\n", (double)(mm_mono_ns() - t0) / 1e9);
    return UNIT_DONE();
}
