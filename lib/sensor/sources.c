/* SPDX-License-Identifier: Apache-2.0 */
/* sources.c: per-source counters and clock-offset tracking. */
#include "base/prelude.h"
#include "base/alloc.h"
#include "sources.h"

void source_table_init(struct source_table *t, size_t max_sources)
{
    *t = (struct source_table){ .max = max_sources };
    snprintf(t->other.key, sizeof t->other.key, "(other)");
}

void source_table_release(struct source_table *t)
{
    mm_free(t->slots);
    t->slots = NULL;
    t->cap = t->count = 0;
}

static uint64_t hash_key(const char *p, size_t len)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)p[i];
        h *= 1099511628211ull;
    }
    return h;
}

static void grow(struct source_table *t)
{
    size_t ncap = t->cap ? t->cap * 2 : 64;
    struct source_stats *ns = mm_calloc(ncap, sizeof *ns);
    for (size_t i = 0; i < t->cap; i++) {
        struct source_stats *s = &t->slots[i];
        if (!s->key[0])
            continue;
        size_t j = hash_key(s->key, strlen(s->key)) & (ncap - 1);
        while (ns[j].key[0])
            j = (j + 1) & (ncap - 1);
        ns[j] = *s;
    }
    mm_free(t->slots);
    t->slots = ns;
    t->cap = ncap;
}

struct source_stats *source_table_get(struct source_table *t, const char *key, size_t len, int64_t now)
{
    if (len == 0) {
        key = "(unknown)";
        len = 9;
    }
    if (len >= SOURCE_KEY_MAX)
        len = SOURCE_KEY_MAX - 1;
    if (t->cap) {
        size_t j = hash_key(key, len) & (t->cap - 1);
        while (t->slots[j].key[0]) {
            if (!strncmp(t->slots[j].key, key, len) && t->slots[j].key[len] == '\0')
                return &t->slots[j];
            j = (j + 1) & (t->cap - 1);
        }
    }
    if (t->count >= t->max) {
        if (!t->other.first_seen_ns)
            t->other.first_seen_ns = now;
        return &t->other;
    }
    if ((t->count + 1) * 4 > t->cap * 3)
        grow(t);
    size_t j = hash_key(key, len) & (t->cap - 1);
    while (t->slots[j].key[0])
        j = (j + 1) & (t->cap - 1);
    struct source_stats *s = &t->slots[j];
    memcpy(s->key, key, len);
    s->key[len] = '\0';
    s->first_seen_ns = now;
    t->count++;
    return s;
}

enum source_change source_clock_update(struct source_stats *s, int64_t device_ns, int64_t receive_ns,
                                       int64_t threshold_ns)
{
    int64_t off = device_ns - receive_ns;
    int64_t abs_off = off < 0 ? -off : off;
    enum source_change change = SOURCE_NO_CHANGE;
    if (s->clock_samples > 0) {
        int64_t d = off - s->last_offset_ns;
        if (d > threshold_ns || d < -threshold_ns) {
            s->jumps++;
            s->last_jump_ns = d;
            change = SOURCE_JUMPED;
        }
    }
    s->clock_samples++;
    s->last_offset_ns = off;
    if (abs_off > s->max_abs_offset_ns)
        s->max_abs_offset_ns = abs_off;
    bool beyond = abs_off > threshold_ns;
    if (s->state == CLOCK_UNKNOWN) {
        s->state = beyond ? CLOCK_SKEWED : CLOCK_OK;
        s->streak = 0;
        return beyond ? SOURCE_BECAME_SKEWED : change;
    }
    bool disagree = (s->state == CLOCK_OK) == beyond;
    s->streak = disagree ? s->streak + 1 : 0;
    if (s->streak >= CLOCK_CONFIRM_SAMPLES) {
        s->state = beyond ? CLOCK_SKEWED : CLOCK_OK;
        s->streak = 0;
        return beyond ? SOURCE_BECAME_SKEWED : SOURCE_BECAME_OK;
    }
    return change;
}

void source_table_each(const struct source_table *t, void (*fn)(void *arg, const struct source_stats *s),
                       void *arg)
{
    for (size_t i = 0; i < t->cap; i++)
        if (t->slots[i].key[0])
            fn(arg, &t->slots[i]);
    if (t->other.received)
        fn(arg, &t->other);
}

void source_stats_merge(struct source_stats *dst, const struct source_stats *src)
{
    dst->received += src->received;
    dst->bytes += src->bytes;
    dst->parsed += src->parsed;
    dst->unparsed += src->unparsed;
    dst->truncated += src->truncated;
    dst->jumps += src->jumps;
    if (!dst->first_seen_ns || (src->first_seen_ns && src->first_seen_ns < dst->first_seen_ns))
        dst->first_seen_ns = src->first_seen_ns;
    if (src->max_abs_offset_ns > dst->max_abs_offset_ns)
        dst->max_abs_offset_ns = src->max_abs_offset_ns;
    dst->clock_samples += src->clock_samples;
    if (src->last_seen_ns >= dst->last_seen_ns) {
        dst->last_seen_ns = src->last_seen_ns;
        if (src->clock_samples) {
            dst->last_offset_ns = src->last_offset_ns;
            dst->state = src->state;
            dst->year_inferred = src->year_inferred;
        }
        if (src->jumps)
            dst->last_jump_ns = src->last_jump_ns;
    }
}

const char *clock_state_name(int state)
{
    switch (state) {
    case CLOCK_OK: return "ok";
    case CLOCK_SKEWED: return "skewed";
    default: return "unknown";
    }
}
