/* SPDX-License-Identifier: Apache-2.0 */
/* detectors.c: the built-in stateful detectors (beaconing, outbound volume, directory operations
 * outside business hours, antivirus detection then outbound): the state the detection thread
 * keeps and what it alerts. Their configuration and the stateless extractor the worker threads
 * run are in detectors_extract.c. The algorithms, parameters and limits are specified in
 * docs/DETECTORS.md. */
#include "base/prelude.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/mtime.h"
#include "base/str.h"
#include "event/json.h"
#include "detectors.h"
#include "detectors_internal.h"

#include <arpa/inet.h>

enum { DET_BEACON, DET_VOLUME, DET_DIRECTORY, DET_AV, DET_COUNT };
static const char *const detector_names[DET_COUNT] = { "beaconing", "outbound_volume",
                                                       "directory_offhours", "av_then_outbound" };

/* ---- small helpers ---- */

static void ip_format(const struct detect_ip *ip, char *out, size_t outlen)
{
    out[0] = '\0';
    if (ip->family == 4)
        inet_ntop(AF_INET, ip->addr, out, (socklen_t)outlen);
    else if (ip->family == 6)
        inet_ntop(AF_INET6, ip->addr, out, (socklen_t)outlen);
}

/* Square root by Newton's method (the project links no libm). */
static double dsqrt(double x)
{
    if (!(x > 0))
        return 0;
    double r = x > 1 ? x : 1;
    for (int i = 0; i < 200; i++) {
        double next = 0.5 * (r + x / r);
        if (next >= r)
            break;
        r = next;
    }
    return r;
}

/* ---- bounded tables: a hash index and a recency list, least recently used evicted ---- */

struct lru_node {
    struct lru_node *hnext; /* bucket chain */
    struct lru_node *newer, *older;
    uint64_t hash;
    const char *key; /* stored right after the entry */
    size_t klen;
};

struct lru_table {
    struct lru_node **buckets;
    size_t mask;
    struct lru_node *newest, *oldest;
    size_t count, max;
    uint64_t evicted;
};

static uint64_t hash_bytes(const void *p, size_t n)
{
    const unsigned char *b = p;
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 1099511628211ull;
    return h ^ (h >> 29);
}

static void lru_init(struct lru_table *t, uint64_t max)
{
    size_t n = 16;
    while (n < max && n < ((size_t)1 << 30))
        n <<= 1;
    memset(t, 0, sizeof *t);
    t->buckets = mm_calloc(n, sizeof *t->buckets);
    t->mask = n - 1;
    t->max = (size_t)max;
}

static void lru_unlink(struct lru_table *t, struct lru_node *n)
{
    if (n->newer)
        n->newer->older = n->older;
    else
        t->newest = n->older;
    if (n->older)
        n->older->newer = n->newer;
    else
        t->oldest = n->newer;
    n->newer = n->older = NULL;
}

static void lru_push(struct lru_table *t, struct lru_node *n)
{
    n->older = t->newest;
    n->newer = NULL;
    if (t->newest)
        t->newest->newer = n;
    t->newest = n;
    if (!t->oldest)
        t->oldest = n;
}

static void *lru_find(struct lru_table *t, const void *key, size_t klen)
{
    uint64_t h = hash_bytes(key, klen);
    for (struct lru_node *n = t->buckets[h & t->mask]; n; n = n->hnext)
        if (n->hash == h && n->klen == klen && !memcmp(n->key, key, klen))
            return n;
    return NULL;
}

static void lru_touch(struct lru_table *t, struct lru_node *n)
{
    if (t->newest != n) {
        lru_unlink(t, n);
        lru_push(t, n);
    }
}

static void lru_remove(struct lru_table *t, struct lru_node *n)
{
    struct lru_node **pp = &t->buckets[n->hash & t->mask];
    while (*pp != n)
        pp = &(*pp)->hnext;
    *pp = n->hnext;
    lru_unlink(t, n);
    t->count--;
    mm_free(n);
}

/* A new zeroed entry of size bytes (a struct starting with its lru_node) for key, which must not
 * be in the table; the least recently used entry goes when the table is full. */
static void *lru_insert(struct lru_table *t, size_t size, const void *key, size_t klen)
{
    if (t->count >= t->max && t->oldest) {
        lru_remove(t, t->oldest);
        t->evicted++;
    }
    struct lru_node *n = mm_calloc(1, mm_size_add(mm_size_add(size, klen), 1));
    char *k = (char *)n + size;
    memcpy(k, key, klen);
    n->key = k;
    n->klen = klen;
    n->hash = hash_bytes(key, klen);
    n->hnext = t->buckets[n->hash & t->mask];
    t->buckets[n->hash & t->mask] = n;
    lru_push(t, n);
    t->count++;
    return n;
}

static void lru_release(struct lru_table *t)
{
    struct lru_node *n = t->newest;
    while (n) {
        struct lru_node *next = n->older;
        mm_free(n);
        n = next;
    }
    mm_free(t->buckets);
    memset(t, 0, sizeof *t);
}

/* ---- state ---- */

struct beacon_pair {
    struct lru_node node; /* key: struct detect_ip, then the destination text */
    int64_t first_ns, last_ns;
    uint64_t count; /* contacts since first_ns */
    uint16_t port;
    uint32_t n, head; /* ring of the last beacon_window contact times */
    int64_t t[];
};

struct beacon_dest {
    struct lru_node node; /* key: the destination text */
    bool popular;
    uint32_t nsources;
    struct detect_ip src[]; /* distinct internal sources, up to beacon_popular_sources */
};

struct volume_host {
    struct lru_node node; /* key: struct detect_ip */
    int64_t bucket;       /* index of the open interval */
    uint64_t bytes, facts;
    int64_t first_ns, last_ns;
    double mean, var;
    uint64_t nbuckets; /* intervals in the baseline */
    uint64_t idle;     /* empty intervals in a row */
};

struct av_conn {
    struct detect_ip ip;
    uint16_t port;
    int64_t time_ns;
    uint64_t count;
    char name[DETECT_DST_NAME_MAX];
};

struct av_host {
    struct lru_node node; /* key: struct detect_ip */
    struct detect_fact detection;
    int64_t until_ns;      /* end of the window */
    int64_t first_conn_ns; /* 0: none yet */
    int64_t last_conn_ns;
    uint64_t nconn;
    uint32_t nkept;
    bool reported;
    struct av_conn conns[];
};

struct suppress_key {
    struct lru_node node; /* key: detector index byte, then the alert key */
    int64_t until_ns;
};

struct detectors {
    struct detectors_config cfg;
    struct lru_table pairs, dests, volume, av, keys;
    int64_t volume_swept; /* the interval index up to which every host was closed */
    size_t av_pending;    /* AV entries collecting connections */
    struct detectors_stats st;
    struct buf json, key;
};

struct detectors *detectors_new(const struct detectors_config *cfg)
{
    struct detectors *d = mm_calloc(1, sizeof *d);
    d->cfg = *cfg;
    lru_init(&d->pairs, cfg->beacon_max_pairs);
    lru_init(&d->dests, cfg->beacon_max_destinations);
    lru_init(&d->volume, cfg->volume_max_hosts);
    lru_init(&d->av, cfg->av_max_hosts);
    lru_init(&d->keys, cfg->max_suppress_keys);
    d->volume_swept = INT64_MIN;
    buf_init(&d->json, 1 << 20);
    buf_init(&d->key, 4096);
    return d;
}

void detectors_free(struct detectors *d)
{
    if (!d)
        return;
    lru_release(&d->pairs);
    lru_release(&d->dests);
    lru_release(&d->volume);
    lru_release(&d->av);
    lru_release(&d->keys);
    buf_release(&d->json);
    buf_release(&d->key);
    mm_free(d);
}

void detectors_stats(const struct detectors *d, struct detectors_stats *st)
{
    *st = d->st;
    st->pairs = d->pairs.count;
    st->destinations = d->dests.count;
    st->volume_hosts = d->volume.count;
    st->av_hosts = d->av.count;
    st->keys = d->keys.count;
    st->evicted_pairs = d->pairs.evicted;
    st->evicted_destinations = d->dests.evicted;
    st->evicted_volume_hosts = d->volume.evicted;
    st->evicted_av_hosts = d->av.evicted;
    st->evicted_keys = d->keys.evicted;
}

/* May detector det alert for key at time now? Records the alert when it may. */
static bool may_alert(struct detectors *d, int det, const char *key, int64_t now, int64_t period)
{
    char k[DETECT_TARGET_MAX * 2];
    size_t klen = strlen(key);
    if (klen > sizeof k - 1)
        klen = sizeof k - 1;
    k[0] = (char)('0' + det);
    memcpy(k + 1, key, klen);
    struct suppress_key *s = lru_find(&d->keys, k, klen + 1);
    if (s && now < s->until_ns) {
        d->st.suppressed++;
        return false;
    }
    if (!s)
        s = lru_insert(&d->keys, sizeof *s, k, klen + 1);
    else
        lru_touch(&d->keys, &s->node);
    s->until_ns = now + period;
    return true;
}

/* ---- JSON details ---- */

static void json_key(struct buf *b, const char *k)
{
    if (b->len && b->data[b->len - 1] != '{' && b->data[b->len - 1] != '[')
        buf_append_char(b, ',');
    json_write_string(b, k, strlen(k));
    buf_append_char(b, ':');
}

static void json_str(struct buf *b, const char *k, const char *v)
{
    json_key(b, k);
    json_write_string(b, v, strlen(v));
}

static void json_u64(struct buf *b, const char *k, uint64_t v)
{
    json_key(b, k);
    buf_printf(b, "%" PRIu64, v);
}

static void json_num(struct buf *b, const char *k, double v)
{
    json_key(b, k);
    buf_printf(b, "%.3f", v);
}

static void json_time(struct buf *b, const char *k, int64_t ns)
{
    char t[40];
    mm_time_format(ns, MM_TIME_SEC, t, sizeof t);
    json_str(b, k, t);
}

static void json_ip(struct buf *b, const char *k, const struct detect_ip *ip)
{
    char t[64];
    ip_format(ip, t, sizeof t);
    if (t[0])
        json_str(b, k, t);
}

static void emit_alert(struct detectors *d, int det, detect_emit_fn emit, void *ctx,
                       const struct detect_alert *tmpl)
{
    struct detect_alert a = *tmpl;
    a.detector = detector_names[det];
    a.details_json = d->json.data;
    d->st.alerts[det]++;
    if (emit)
        emit(ctx, &a);
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* ---- beaconing ---- */

static const char *const beacon_tags[] = { "attack.command_and_control", "attack.t1071",
                                           "attack.t1573" };

struct beacon_score {
    double score, median_s, jitter, regular;
    uint32_t intervals, missed;
};

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* One pass of the scoring against a median interval m: each interval is read as k beacons (k-1
 * missed) when it is within tolerance·m of k·m. Fills s and norm[] (the fitted per-beacon
 * intervals); returns how many fitted. */
static uint32_t beacon_fit(const struct detectors_config *cfg, const double *iv, uint32_t nint,
                           double m, double *norm, struct beacon_score *s)
{
    uint32_t on = 0, single = 0;
    double sq = 0;
    s->missed = 0;
    for (uint32_t i = 0; i < nint; i++) {
        double kf = iv[i] / m + 0.5;
        uint64_t k = kf < 1 ? 1 : (uint64_t)kf;
        if (k > cfg->beacon_max_missed + 1)
            continue;
        double dev = (iv[i] - (double)k * m) / m;
        if (dev > cfg->beacon_tolerance || dev < -cfg->beacon_tolerance)
            continue;
        /* the deviation is not divided by k: a lost beacon must not make its neighbours look
         * more regular than they are */
        sq += dev * dev;
        norm[on++] = iv[i] / (double)k;
        single += k == 1;
        s->missed += (uint32_t)(k - 1);
    }
    s->intervals = nint;
    s->median_s = m;
    s->jitter = on ? dsqrt(sq / on) : 1;
    s->regular = (double)on / nint;
    /* at least half the intervals must be single ones: otherwise many multiples of a short
     * median fit random traffic by chance */
    s->score = 2 * single >= nint && s->jitter < 1 ? s->regular * (1 - s->jitter) : 0;
    return on;
}

static double median(double *v, uint32_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Regularity of a pair's last contacts (docs/DETECTORS.md, "Beaconing"): the intervals are fitted
 * to the median interval, then again to the median of the fitted per-beacon intervals (which the
 * lost beacons no longer pull up); the score is the fraction that fits times (1 - the RMS
 * deviation as a fraction of the interval). */
static bool beacon_score(const struct detectors_config *cfg, const struct beacon_pair *p,
                         struct beacon_score *s)
{
    double iv[DETECT_BEACON_MAX_WINDOW], tmp[DETECT_BEACON_MAX_WINDOW];
    double norm[DETECT_BEACON_MAX_WINDOW];
    uint32_t w = (uint32_t)cfg->beacon_window, n = p->n;
    memset(s, 0, sizeof *s);
    if (n < 3)
        return false;
    uint32_t nint = n - 1;
    for (uint32_t i = 0; i < nint; i++) {
        int64_t a = p->t[(p->head + w - n + i) % w], b = p->t[(p->head + w - n + i + 1) % w];
        iv[i] = tmp[i] = (double)(b - a) / 1e9;
    }
    double m = median(tmp, nint);
    if (m <= 0)
        return false;
    uint32_t on = beacon_fit(cfg, iv, nint, m, norm, s);
    if (on >= 2) {
        double m2 = median(norm, on);
        if (m2 > 0)
            beacon_fit(cfg, iv, nint, m2, norm, s);
    }
    return s->median_s * 1e9 >= (double)cfg->beacon_min_interval &&
           s->median_s * 1e9 <= (double)cfg->beacon_max_interval;
}

static bool beacon_allowed(const struct detectors_config *cfg, const struct detect_fact *f)
{
    size_t nlen = strlen(f->conn.dst_name);
    for (size_t i = 0; i < cfg->nbeacon_allow; i++) {
        const struct detect_pattern *p = &cfg->beacon_allow[i];
        if (p->is_net) {
            if (f->dst.family && detect_cidr_has(&p->net, &f->dst))
                return true;
            continue;
        }
        size_t dlen = strlen(p->domain);
        if (nlen >= dlen && !memcmp(f->conn.dst_name + nlen - dlen, p->domain, dlen) &&
            (nlen == dlen || f->conn.dst_name[nlen - dlen - 1] == '.'))
            return true;
    }
    return false;
}

/* Count distinct internal sources of a destination; true when it is popular. */
static bool beacon_popular(struct detectors *d, const char *dest, const struct detect_ip *src)
{
    const struct detectors_config *c = &d->cfg;
    size_t dlen = strlen(dest);
    struct beacon_dest *e = lru_find(&d->dests, dest, dlen);
    if (!e)
        e = lru_insert(&d->dests, sizeof *e + c->beacon_popular_sources * sizeof e->src[0], dest,
                       dlen);
    else
        lru_touch(&d->dests, &e->node);
    if (e->popular)
        return true;
    for (uint32_t i = 0; i < e->nsources; i++)
        if (!memcmp(&e->src[i], src, sizeof *src))
            return false;
    e->src[e->nsources++] = *src;
    if (e->nsources >= c->beacon_popular_sources)
        e->popular = true;
    return e->popular;
}

static void beacon_feed(struct detectors *d, const struct detect_fact *f, detect_emit_fn emit,
                        void *ctx)
{
    const struct detectors_config *c = &d->cfg;
    char dest[DETECT_DST_NAME_MAX], src[64];
    if (f->conn.dst_name[0])
        detect_copy_text(dest, sizeof dest, f->conn.dst_name, strlen(f->conn.dst_name), false);
    else
        ip_format(&f->dst, dest, sizeof dest);
    if (!dest[0] || beacon_allowed(c, f) || beacon_popular(d, dest, &f->src))
        return;
    char key[sizeof f->src + DETECT_DST_NAME_MAX];
    size_t dlen = strlen(dest);
    memcpy(key, &f->src, sizeof f->src);
    memcpy(key + sizeof f->src, dest, dlen);
    struct beacon_pair *p = lru_find(&d->pairs, key, sizeof f->src + dlen);
    uint32_t w = (uint32_t)c->beacon_window;
    if (!p) {
        p = lru_insert(&d->pairs, sizeof *p + w * sizeof p->t[0], key, sizeof f->src + dlen);
        p->first_ns = f->time_ns;
    } else {
        lru_touch(&d->pairs, &p->node);
        /* a contact right after the last one (several requests of one check-in, or the same
         * connection seen by two devices) counts once; older facts are not re-ordered */
        if (f->time_ns < p->last_ns + c->beacon_min_interval)
            return;
    }
    p->t[p->head] = f->time_ns;
    p->head = (p->head + 1) % w;
    if (p->n < w)
        p->n++;
    p->count++;
    p->last_ns = f->time_ns;
    if (f->dst_port)
        p->port = f->dst_port;
    struct beacon_score s;
    if (p->count < c->beacon_min_count || p->last_ns - p->first_ns < c->beacon_min_span ||
        !beacon_score(c, p, &s) || s.score < c->beacon_min_score)
        return;
    ip_format(&f->src, src, sizeof src);
    buf_reset(&d->key);
    buf_printf(&d->key, "%s -> %s", src, dest);
    if (!may_alert(d, DET_BEACON, d->key.data, f->time_ns, c->beacon_suppress))
        return;
    struct buf *b = &d->json;
    buf_reset(b);
    buf_append_char(b, '{');
    json_str(b, "src_ip", src);
    json_str(b, "destination", dest);
    if (f->conn.dst_name[0])
        json_ip(b, "dst_ip", &f->dst);
    if (p->port)
        json_u64(b, "dst_port", p->port);
    json_num(b, "interval_s", s.median_s);
    json_u64(b, "count", p->count);
    json_num(b, "jitter", s.jitter);
    json_num(b, "score", s.score);
    json_num(b, "regular_fraction", s.regular);
    json_u64(b, "missed", s.missed);
    json_u64(b, "intervals_scored", s.intervals);
    json_num(b, "span_s", (double)(p->last_ns - p->first_ns) / 1e9);
    json_str(b, "source", f->source);
    buf_append_char(b, '}');
    struct detect_alert a = {
        .title = "C&C beaconing: periodic connections from an internal host",
        .title_ja = "C&Cビーコン: 内部端末からの周期的な通信",
        .level = s.score >= 0.9 ? "high" : "medium",
        .tags = beacon_tags,
        .ntags = MM_ARRAY_LEN(beacon_tags),
        .key = d->key.data,
        .first_ns = p->first_ns,
        .last_ns = p->last_ns,
        .count = p->count,
    };
    emit_alert(d, DET_BEACON, emit, ctx, &a);
}

/* ---- outbound volume ---- */

static const char *const volume_tags[] = { "attack.exfiltration", "attack.t1041", "attack.t1048" };

static void volume_update(struct detectors *d, struct volume_host *h, double x)
{
    double a = d->cfg.volume_alpha, first = 1.0 / (double)(h->nbuckets + 1);
    if (first > a) /* the first intervals make a plain average */
        a = first;
    double diff = x - h->mean, incr = a * diff;
    h->mean += incr;
    h->var = (1 - a) * (h->var + diff * incr);
    h->nbuckets++;
}

/* Close the host's open interval (judge it, fold it into the baseline) and the empty ones up to
 * bucket, which becomes the open one. */
static void volume_close(struct detectors *d, struct volume_host *h, int64_t bucket,
                         detect_emit_fn emit, void *ctx)
{
    const struct detectors_config *c = &d->cfg;
    double x = (double)h->bytes;
    if (h->facts == 0) {
        if (h->idle++ < c->volume_max_idle)
            volume_update(d, h, 0);
    } else {
        h->idle = 0;
        double sd = dsqrt(h->var), dev = MM_MAX(sd, c->volume_min_dev * h->mean);
        double threshold = h->mean + c->volume_k * dev;
        if (h->nbuckets >= c->volume_warmup && x > threshold && h->bytes >= c->volume_floor) {
            char src[64];
            ip_format((const struct detect_ip *)(const void *)h->node.key, src, sizeof src);
            int64_t start = h->bucket * c->volume_interval;
            if (may_alert(d, DET_VOLUME, src, start + c->volume_interval, c->volume_suppress)) {
                struct buf *b = &d->json;
                buf_reset(b);
                buf_append_char(b, '{');
                json_str(b, "src_ip", src);
                json_u64(b, "bytes_out", h->bytes);
                json_time(b, "interval_start", start);
                json_num(b, "interval_s", (double)c->volume_interval / 1e9);
                json_num(b, "baseline_mean", h->mean);
                json_num(b, "baseline_dev", sd);
                json_num(b, "threshold", threshold);
                json_num(b, "ratio", h->mean > 0 ? x / h->mean : 0);
                json_u64(b, "baseline_intervals", h->nbuckets);
                json_u64(b, "facts", h->facts);
                buf_append_char(b, '}');
                struct detect_alert a = {
                    .title = "Unusual outbound data volume from an internal host",
                    .title_ja = "内部端末からの通常と異なる大量の外部送信",
                    .level = x > h->mean + 2 * c->volume_k * dev ? "high" : "medium",
                    .tags = volume_tags,
                    .ntags = MM_ARRAY_LEN(volume_tags),
                    .key = src,
                    .first_ns = h->first_ns,
                    .last_ns = h->last_ns,
                    .count = h->facts,
                };
                emit_alert(d, DET_VOLUME, emit, ctx, &a);
            }
            x = threshold; /* an outlier must not become the new normal */
        }
        volume_update(d, h, x);
    }
    int64_t empty = bucket - h->bucket - 1;
    for (int64_t i = 0; i < empty && h->idle < c->volume_max_idle; i++, h->idle++)
        volume_update(d, h, 0);
    h->bucket = bucket;
    h->bytes = h->facts = 0;
    h->first_ns = h->last_ns = 0;
}

static void volume_feed(struct detectors *d, const struct detect_fact *f, detect_emit_fn emit,
                        void *ctx)
{
    int64_t bucket = floor_div(f->time_ns, d->cfg.volume_interval);
    struct volume_host *h = lru_find(&d->volume, &f->src, sizeof f->src);
    if (!h) {
        h = lru_insert(&d->volume, sizeof *h, &f->src, sizeof f->src);
        h->bucket = bucket;
    } else {
        lru_touch(&d->volume, &h->node);
        if (bucket > h->bucket)
            volume_close(d, h, bucket, emit, ctx);
        else if (bucket < h->bucket)
            d->st.late_facts++;
    }
    h->bytes += f->bytes_out;
    h->facts++;
    if (!h->first_ns)
        h->first_ns = f->time_ns;
    if (f->time_ns > h->last_ns)
        h->last_ns = f->time_ns;
}

static void volume_advance(struct detectors *d, int64_t now, detect_emit_fn emit, void *ctx)
{
    int64_t bucket = floor_div(now - d->cfg.volume_grace, d->cfg.volume_interval);
    if (bucket <= d->volume_swept)
        return;
    d->volume_swept = bucket;
    for (struct lru_node *n = d->volume.newest; n; n = n->older) {
        struct volume_host *h = (struct volume_host *)n;
        if (h->bucket < bucket)
            volume_close(d, h, bucket, emit, ctx);
    }
}

/* ---- directory operations outside business hours ---- */

static const char *const directory_tags[] = { "attack.persistence", "attack.privilege_escalation",
                                              "attack.t1098", "attack.t1078" };

/* NULL inside business hours, else why not (and the local time as text). */
static const char *offhours_reason(const struct detectors_config *c, int64_t ns, char *local,
                                   size_t locallen)
{
    int64_t secs = floor_div(ns, MM_NS_PER_SEC) + c->tz_offset;
    int64_t day = floor_div(secs, 86400);
    int minute = (int)((secs - day * 86400) / 60);
    int weekday = (int)(((day % 7) + 7 + 4) % 7); /* 1970-01-01 was a Thursday */
    int y, mon, dd, h, mi, s;
    mm_civil_from_seconds(secs, &y, &mon, &dd, &h, &mi, &s);
    int off = c->tz_offset < 0 ? -c->tz_offset : c->tz_offset;
    snprintf(local, locallen, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", y, mon, dd, h, mi, s,
             c->tz_offset < 0 ? '-' : '+', off / 3600, off % 3600 / 60);
    size_t lo = 0, hi = c->nholidays;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (c->holidays[mid] < day)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < c->nholidays && c->holidays[lo] == day)
        return "holiday";
    if (!(c->business_days & (1u << weekday)))
        return "non-working day";
    bool inside = c->business_start < c->business_end
                      ? minute >= c->business_start && minute < c->business_end
                      : minute >= c->business_start || minute < c->business_end;
    return inside ? NULL : "outside business hours";
}

static void directory_feed(struct detectors *d, const struct detect_fact *f, detect_emit_fn emit,
                           void *ctx)
{
    const struct detectors_config *c = &d->cfg;
    char local[48];
    const char *why = offhours_reason(c, f->time_ns, local, sizeof local);
    if (!why)
        return;
    buf_reset(&d->key);
    buf_printf(&d->key, "%s on %s", f->act.user, f->act.host[0] ? f->act.host : "?");
    if (!may_alert(d, DET_DIRECTORY, d->key.data, f->time_ns, c->directory_suppress))
        return;
    struct buf *b = &d->json;
    buf_reset(b);
    buf_append_char(b, '{');
    json_str(b, "operator", f->act.user);
    json_str(b, "operation", f->act.operation);
    json_str(b, "target", f->act.target);
    json_str(b, "server", f->act.host);
    json_ip(b, "src_ip", &f->src);
    json_str(b, "local_time", local);
    json_str(b, "reason", why);
    json_str(b, "source", f->source);
    buf_append_char(b, '}');
    bool grave = strstr(f->act.operation, "group_member_added") ||
                 strstr(f->act.operation, "created") || strstr(f->act.operation, "password") ||
                 !strcmp(f->act.operation, "ADD");
    struct detect_alert a = {
        .title = "Directory administration outside business hours",
        .title_ja = "業務時間外のディレクトリ管理操作",
        .level = grave ? "high" : "medium",
        .tags = directory_tags,
        .ntags = MM_ARRAY_LEN(directory_tags),
        .key = d->key.data,
        .first_ns = f->time_ns,
        .last_ns = f->time_ns,
        .count = 1,
    };
    emit_alert(d, DET_DIRECTORY, emit, ctx, &a);
}

/* ---- antivirus detection then outbound connections ---- */

static const char *const av_tags[] = { "attack.execution", "attack.command_and_control",
                                       "attack.t1204", "attack.t1071" };

static void av_report(struct detectors *d, struct av_host *h, detect_emit_fn emit, void *ctx)
{
    const struct detectors_config *c = &d->cfg;
    const struct detect_fact *det = &h->detection;
    h->reported = true;
    d->av_pending--;
    char ip[64];
    ip_format(&det->src, ip, sizeof ip);
    buf_reset(&d->key);
    buf_printf(&d->key, "%s%s%s%s", ip, det->act.host[0] ? " (" : "", det->act.host,
               det->act.host[0] ? ")" : "");
    if (!may_alert(d, DET_AV, d->key.data, h->first_conn_ns, c->av_suppress))
        return;
    struct buf *b = &d->json;
    buf_reset(b);
    buf_append_char(b, '{');
    json_str(b, "host", det->act.host);
    json_str(b, "host_ip", ip);
    json_str(b, "signature", det->act.signature);
    json_str(b, "file", det->act.target);
    if (det->act.user[0])
        json_str(b, "user", det->act.user);
    json_str(b, "av_source", det->source);
    json_str(b, "av_action", det->act.operation);
    json_time(b, "detection_time", det->time_ns);
    json_num(b, "window_s", (double)c->av_window / 1e9);
    json_u64(b, "connection_count", h->nconn);
    json_key(b, "connections");
    buf_append_char(b, '[');
    for (uint32_t i = 0; i < h->nkept; i++) {
        const struct av_conn *x = &h->conns[i];
        buf_append_str(b, i ? ",{" : "{");
        json_time(b, "time", x->time_ns);
        json_ip(b, "dst_ip", &x->ip);
        if (x->name[0])
            json_str(b, "dst_host", x->name);
        if (x->port)
            json_u64(b, "dst_port", x->port);
        json_u64(b, "count", x->count);
        buf_append_char(b, '}');
    }
    buf_append_str(b, "]}");
    struct detect_alert a = {
        .title = "Outbound connections after an antivirus detection on the same host",
        .title_ja = "ウイルス検知後の同一端末からの外部通信",
        .level = "high",
        .tags = av_tags,
        .ntags = MM_ARRAY_LEN(av_tags),
        .key = d->key.data,
        .first_ns = det->time_ns,
        .last_ns = h->last_conn_ns,
        .count = h->nconn + 1,
    };
    emit_alert(d, DET_AV, emit, ctx, &a);
}

static void av_drop(struct detectors *d, struct av_host *h)
{
    if (h->first_conn_ns && !h->reported)
        d->av_pending--;
    lru_remove(&d->av, &h->node);
}

static void av_detection(struct detectors *d, const struct detect_fact *f)
{
    const struct detectors_config *c = &d->cfg;
    if (!f->src.family) {
        d->st.av_unresolved++;
        return;
    }
    struct av_host *h = lru_find(&d->av, &f->src, sizeof f->src);
    if (h) {
        /* a second record of the same detection (Defender 1116 then 1117) keeps the window */
        if (!h->reported && f->time_ns >= h->detection.time_ns && f->time_ns <= h->until_ns) {
            lru_touch(&d->av, &h->node);
            return;
        }
        av_drop(d, h);
    }
    if (d->av.count >= d->av.max && d->av.oldest) {
        av_drop(d, (struct av_host *)d->av.oldest);
        d->av.evicted++;
    }
    h = lru_insert(&d->av, sizeof *h + c->av_max_connections * sizeof h->conns[0], &f->src,
                   sizeof f->src);
    memcpy(&h->detection, f, detect_fact_size(f)); /* the rest stays zero */
    h->until_ns = f->time_ns + c->av_window;
}

static void av_connection(struct detectors *d, const struct detect_fact *f, detect_emit_fn emit,
                          void *ctx)
{
    const struct detectors_config *c = &d->cfg;
    struct av_host *h = lru_find(&d->av, &f->src, sizeof f->src);
    if (!h || h->reported || f->time_ns < h->detection.time_ns || f->time_ns > h->until_ns)
        return;
    struct av_conn *x = NULL;
    for (uint32_t i = 0; i < h->nkept && !x; i++)
        if (!memcmp(&h->conns[i].ip, &f->dst, sizeof f->dst) &&
            !strcmp(h->conns[i].name, f->conn.dst_name))
            x = &h->conns[i];
    if (!x && h->nkept < c->av_max_connections) {
        x = &h->conns[h->nkept++];
        x->ip = f->dst;
        x->port = f->dst_port;
        x->time_ns = f->time_ns;
        detect_copy_text(x->name, sizeof x->name, f->conn.dst_name, strlen(f->conn.dst_name),
                         false);
    }
    if (x)
        x->count++;
    h->nconn++;
    if (!h->first_conn_ns) {
        h->first_conn_ns = f->time_ns;
        d->av_pending++;
    }
    if (f->time_ns > h->last_conn_ns)
        h->last_conn_ns = f->time_ns;
    if (h->nkept >= c->av_max_connections || f->time_ns >= h->first_conn_ns + c->av_collect)
        av_report(d, h, emit, ctx);
}

static void av_advance(struct detectors *d, int64_t now, detect_emit_fn emit, void *ctx)
{
    if (!d->av_pending)
        return;
    for (struct lru_node *n = d->av.newest; n && d->av_pending; n = n->older) {
        struct av_host *h = (struct av_host *)n;
        if (h->first_conn_ns && !h->reported && now >= h->first_conn_ns + d->cfg.av_collect)
            av_report(d, h, emit, ctx);
    }
}

/* ---- dispatch ---- */

void detectors_feed(struct detectors *d, const struct detect_fact *f, detect_emit_fn emit,
                    void *ctx)
{
    const struct detectors_config *c = &d->cfg;
    d->st.facts++;
    switch (f->kind) {
    case DETECT_FACT_CONNECTION:
        if (!(f->flags & DETECT_FACT_SRC_INTERNAL) || (f->flags & DETECT_FACT_DST_INTERNAL) ||
            !f->src.family)
            break;
        if (c->outbound_volume && (f->flags & DETECT_FACT_HAS_BYTES))
            volume_feed(d, f, emit, ctx);
        if (f->flags & DETECT_FACT_BYTES_ONLY)
            break;
        if (c->av_then_outbound && d->av.count)
            av_connection(d, f, emit, ctx);
        if (c->beaconing)
            beacon_feed(d, f, emit, ctx);
        break;
    case DETECT_FACT_DIRECTORY:
        if (c->directory_offhours)
            directory_feed(d, f, emit, ctx);
        break;
    case DETECT_FACT_AV:
        if (c->av_then_outbound)
            av_detection(d, f);
        break;
    default:
        break;
    }
}

void detectors_advance(struct detectors *d, int64_t now_ns, detect_emit_fn emit, void *ctx)
{
    if (d->cfg.outbound_volume)
        volume_advance(d, now_ns, emit, ctx);
    if (d->cfg.av_then_outbound)
        av_advance(d, now_ns, emit, ctx);
}
