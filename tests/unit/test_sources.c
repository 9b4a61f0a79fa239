/* SPDX-License-Identifier: Apache-2.0 */
/* test_sources.c: unit tests for the per-source table and the clock watch: when a source becomes
 * skewed or ok again, what counts as a jump, growth, the "(other)" overflow entry and merging. */
#include "base/prelude.h"
#include "base/mtime.h"
#include "sensor/sources.h"
#include "unit.h"

#define NS  MM_NS_PER_SEC
#define T0  (1795435200LL * NS)
#define THR (5 * NS) /* threshold */

/* one sample whose device clock is off by off_s seconds */
static enum source_change sample(struct source_stats *s, double off_s)
{
    return source_clock_update(s, T0 + (int64_t)(off_s * NS), T0, THR);
}

static void test_clock_state(void)
{
    /* a first sample within the threshold: ok, nothing to report */
    struct source_stats s = { 0 };
    CHECK(s.state == CLOCK_UNKNOWN);
    CHECK(sample(&s, 1) == SOURCE_NO_CHANGE);
    CHECK(s.state == CLOCK_OK && s.clock_samples == 1 && s.last_offset_ns == 1 * NS);
    /* exactly the threshold is still in range */
    CHECK(sample(&s, 5) == SOURCE_NO_CHANGE && s.state == CLOCK_OK);
    CHECK(sample(&s, -5) == SOURCE_JUMPED &&
          s.state == CLOCK_OK); /* a 10 s change, still in range */

    /* a first sample beyond the threshold: skewed at once */
    s = (struct source_stats){ 0 };
    CHECK(sample(&s, 10) == SOURCE_BECAME_SKEWED);
    CHECK(s.state == CLOCK_SKEWED);
    CHECK(s.max_abs_offset_ns == 10 * NS);
    /* ... and it takes CLOCK_CONFIRM_SAMPLES in-range samples in a row to be ok again */
    CHECK(sample(&s, 0) == SOURCE_JUMPED); /* the step itself is a jump */
    CHECK(s.state == CLOCK_SKEWED && s.streak == 1);
    for (int i = 2; i < CLOCK_CONFIRM_SAMPLES; i++) {
        CHECK(sample(&s, 0) == SOURCE_NO_CHANGE);
        CHECK(s.state == CLOCK_SKEWED);
    }
    CHECK(sample(&s, 0) == SOURCE_BECAME_OK);
    CHECK(s.state == CLOCK_OK && s.streak == 0);
    CHECK(s.clock_samples == 1 + CLOCK_CONFIRM_SAMPLES);
    CHECK(s.max_abs_offset_ns == 10 * NS);
    CHECK(s.jumps == 1 && s.last_jump_ns == -10 * NS);

    /* an interrupted streak starts over */
    s = (struct source_stats){ 0 };
    sample(&s, 0);
    CHECK(sample(&s, 20) == SOURCE_JUMPED && s.streak == 1);
    CHECK(sample(&s, 20) == SOURCE_NO_CHANGE && s.streak == 2);
    CHECK(sample(&s, 0) == SOURCE_JUMPED && s.streak == 0 && s.state == CLOCK_OK);
    CHECK(sample(&s, 20) == SOURCE_JUMPED && s.streak == 1);
    CHECK(sample(&s, 21) == SOURCE_NO_CHANGE && s.streak == 2);
    /* the third beyond in a row (whichever side): skewed; the flip is reported, not the jump */
    CHECK(sample(&s, -22) == SOURCE_BECAME_SKEWED);
    CHECK(s.state == CLOCK_SKEWED && s.streak == 0);
    CHECK(s.jumps == 4 && s.last_jump_ns == -43 * NS);

    /* a single outlier (one late message through a congested relay) does not flip the state */
    s = (struct source_stats){ 0 };
    sample(&s, 0.5);
    CHECK(sample(&s, 60) == SOURCE_JUMPED);
    CHECK(s.state == CLOCK_OK);
    CHECK(sample(&s, 0.5) == SOURCE_JUMPED);
    CHECK(s.state == CLOCK_OK && s.streak == 0);
    CHECK(s.jumps == 2 && s.last_jump_ns == (int64_t)(-59.5 * NS));
    CHECK(s.max_abs_offset_ns == 60 * NS && s.last_offset_ns == NS / 2);
    /* ... nor does a single in-range sample from a skewed source */
    s = (struct source_stats){ 0 };
    sample(&s, -30);
    CHECK(s.state == CLOCK_SKEWED);
    sample(&s, 0);
    CHECK(sample(&s, -30) == SOURCE_JUMPED);
    CHECK(s.state == CLOCK_SKEWED && s.streak == 0);
    /* a skewed source that stays skewed reports nothing more */
    CHECK(sample(&s, -31) == SOURCE_NO_CHANGE);
    CHECK(sample(&s, -29) == SOURCE_NO_CHANGE);
    CHECK(s.state == CLOCK_SKEWED);

    /* a jump: the offset changes by more than the threshold between two samples */
    s = (struct source_stats){ 0 };
    CHECK(sample(&s, 1) == SOURCE_NO_CHANGE);
    CHECK(sample(&s, -4.5) == SOURCE_JUMPED);
    CHECK(s.jumps == 1 && s.last_jump_ns == (int64_t)(-5.5 * NS));
    CHECK(s.state == CLOCK_OK);                 /* both offsets in range: a jump, not a skew */
    CHECK(sample(&s, 0.5) == SOURCE_NO_CHANGE); /* a change of exactly the threshold is not */
    CHECK(s.jumps == 1);
    /* nanosecond precision at the threshold */
    s = (struct source_stats){ 0 };
    CHECK(source_clock_update(&s, T0 + THR, T0, THR) == SOURCE_NO_CHANGE);         /* in range */
    CHECK(source_clock_update(&s, T0 + THR + 1, T0 + 1, THR) == SOURCE_NO_CHANGE); /* same offset */
    CHECK(source_clock_update(&s, T0, T0, THR) == SOURCE_NO_CHANGE); /* a change of exactly THR */
    CHECK(source_clock_update(&s, T0 + THR + 1, T0, THR) == SOURCE_JUMPED); /* THR + 1 */
    CHECK(s.state == CLOCK_OK && s.streak == 1 && s.last_jump_ns == THR + 1);
    s = (struct source_stats){ 0 };
    CHECK(source_clock_update(&s, T0 + THR + 1, T0, THR) == SOURCE_BECAME_SKEWED);

    CHECK(!strcmp(clock_state_name(CLOCK_OK), "ok"));
    CHECK(!strcmp(clock_state_name(CLOCK_SKEWED), "skewed"));
    CHECK(!strcmp(clock_state_name(CLOCK_UNKNOWN), "unknown"));
    CHECK(!strcmp(clock_state_name(42), "unknown"));
}

struct each_state {
    int n;
    uint64_t received;
    bool saw_other;
};

static void count_each(void *arg, const struct source_stats *s)
{
    struct each_state *e = arg;
    e->n++;
    e->received += s->received;
    if (!strcmp(s->key, "(other)"))
        e->saw_other = true;
}

static void test_table(void)
{
    struct source_table t;
    source_table_init(&t, 1000);
    char key[32];

    struct source_stats *a = source_table_get(&t, "web01", 5, 111);
    CHECK(a != NULL && !strcmp(a->key, "web01") && a->first_seen_ns == 111);
    a->received = 7;
    CHECK(source_table_get(&t, "web01", 5, 222) == a);
    CHECK(a->first_seen_ns == 111);                     /* first seen stays */
    CHECK(source_table_get(&t, "web01x", 3, 333) != a); /* only the given bytes count: "web" */
    CHECK(!strcmp(source_table_get(&t, "web01x", 3, 333)->key, "web"));
    CHECK(t.count == 2);
    /* no name: one "(unknown)" entry */
    struct source_stats *u = source_table_get(&t, "", 0, 1);
    CHECK(!strcmp(u->key, "(unknown)"));
    CHECK(source_table_get(&t, NULL, 0, 1) == u);
    /* a key longer than SOURCE_KEY_MAX - 1 is cut */
    char longkey[100];
    memset(longkey, 'k', sizeof longkey);
    struct source_stats *l = source_table_get(&t, longkey, sizeof longkey, 1);
    CHECK(strlen(l->key) == SOURCE_KEY_MAX - 1);
    CHECK(source_table_get(&t, longkey, SOURCE_KEY_MAX - 1, 1) == l);
    CHECK(t.count == 4);

    /* growth past the first 64 slots keeps every entry and its counters */
    for (int i = 0; i < 300; i++) {
        int n = snprintf(key, sizeof key, "host-%d", i);
        struct source_stats *s = source_table_get(&t, key, (size_t)n, 1000 + i);
        s->received += (uint64_t)i + 1;
    }
    CHECK(t.count == 304);
    CHECK(t.cap >= 512 && (t.cap & (t.cap - 1)) == 0);
    int bad = 0;
    for (int i = 0; i < 300; i++) {
        int n = snprintf(key, sizeof key, "host-%d", i);
        struct source_stats *s = source_table_get(&t, key, (size_t)n, 0);
        if (strcmp(s->key, key) || s->received != (uint64_t)i + 1 || s->first_seen_ns != 1000 + i)
            bad++;
    }
    CHECK(bad == 0);
    CHECK(t.count == 304);
    a = source_table_get(&t, "web01", 5, 0);
    CHECK(a->received == 7 && a->first_seen_ns == 111);

    struct each_state e = { 0 };
    source_table_each(&t, count_each, &e);
    CHECK(e.n == 304 && !e.saw_other);
    CHECK(e.received == 7 + 300 * 301 / 2);
    source_table_release(&t);
    CHECK(t.count == 0 && t.slots == NULL);

    /* past max_sources, new sources share "(other)"; known ones keep their own entries */
    source_table_init(&t, 3);
    struct source_stats *s1 = source_table_get(&t, "a", 1, 10);
    source_table_get(&t, "b", 1, 10);
    source_table_get(&t, "c", 1, 10);
    CHECK(t.count == 3);
    struct source_stats *o = source_table_get(&t, "d", 1, 50);
    CHECK(o == &t.other && !strcmp(o->key, "(other)"));
    CHECK(o->first_seen_ns == 50);
    CHECK(source_table_get(&t, "e", 1, 60) == o);
    CHECK(o->first_seen_ns == 50);
    CHECK(source_table_get(&t, "a", 1, 70) == s1);
    CHECK(t.count == 3);
    /* "(other)" is listed once it has counted something */
    e = (struct each_state){ 0 };
    source_table_each(&t, count_each, &e);
    CHECK(e.n == 3 && !e.saw_other);
    o->received = 2;
    e = (struct each_state){ 0 };
    source_table_each(&t, count_each, &e);
    CHECK(e.n == 4 && e.saw_other && e.received == 2);
    source_table_release(&t);

    /* max 0: everything is "(other)" */
    source_table_init(&t, 0);
    CHECK(source_table_get(&t, "x", 1, 1) == &t.other);
    source_table_release(&t);
}

static void test_merge(void)
{
    struct source_stats dst = { 0 }, w1 = { 0 }, w2 = { 0 };
    w1.received = 10;
    w1.bytes = 1000;
    w1.parsed = 8;
    w1.unparsed = 2;
    w1.truncated = 1;
    w1.first_seen_ns = 500;
    w1.last_seen_ns = 900;
    w1.clock_samples = 10;
    w1.last_offset_ns = 30 * NS;
    w1.max_abs_offset_ns = 40 * NS;
    w1.jumps = 1;
    w1.last_jump_ns = 30 * NS;
    w1.state = CLOCK_SKEWED;
    w1.year_inferred = true;

    w2.received = 5;
    w2.bytes = 50;
    w2.parsed = 5;
    w2.first_seen_ns = 300;
    w2.last_seen_ns = 800;
    w2.clock_samples = 5;
    w2.last_offset_ns = NS;
    w2.max_abs_offset_ns = 2 * NS;
    w2.state = CLOCK_OK;

    /* merging into an empty entry copies */
    source_stats_merge(&dst, &w1);
    CHECK(dst.received == 10 && dst.first_seen_ns == 500 && dst.last_seen_ns == 900);
    CHECK(dst.state == CLOCK_SKEWED && dst.last_offset_ns == 30 * NS && dst.year_inferred);

    /* an older view adds its counters, but the most recent clock view stays */
    source_stats_merge(&dst, &w2);
    CHECK(dst.received == 15 && dst.bytes == 1050 && dst.parsed == 13 && dst.unparsed == 2 &&
          dst.truncated == 1);
    CHECK(dst.clock_samples == 15 && dst.jumps == 1);
    CHECK(dst.first_seen_ns == 300); /* earliest */
    CHECK(dst.last_seen_ns == 900);  /* latest */
    CHECK(dst.max_abs_offset_ns == 40 * NS);
    CHECK(dst.state == CLOCK_SKEWED && dst.last_offset_ns == 30 * NS);
    CHECK(dst.last_jump_ns == 30 * NS && dst.year_inferred);

    /* a newer view wins the clock state */
    struct source_stats w3 = { 0 };
    w3.received = 1;
    w3.first_seen_ns = 950;
    w3.last_seen_ns = 1000;
    w3.clock_samples = 1;
    w3.last_offset_ns = -NS;
    w3.max_abs_offset_ns = NS;
    w3.state = CLOCK_OK;
    source_stats_merge(&dst, &w3);
    CHECK(dst.received == 16 && dst.first_seen_ns == 300 && dst.last_seen_ns == 1000);
    CHECK(dst.state == CLOCK_OK && dst.last_offset_ns == -NS && !dst.year_inferred);
    CHECK(dst.max_abs_offset_ns == 40 * NS);
    CHECK(dst.last_jump_ns == 30 * NS); /* w3 had no jump: the last one stays */

    /* a newer view without timestamped messages does not erase the clock view */
    struct source_stats w4 = { 0 };
    w4.received = 3;
    w4.first_seen_ns = 1100;
    w4.last_seen_ns = 1200;
    source_stats_merge(&dst, &w4);
    CHECK(dst.received == 19 && dst.last_seen_ns == 1200 && dst.first_seen_ns == 300);
    CHECK(dst.state == CLOCK_OK && dst.last_offset_ns == -NS && dst.clock_samples == 16);

    /* an entry never seen (first_seen 0) does not pull first_seen to zero */
    struct source_stats w5 = { 0 };
    source_stats_merge(&dst, &w5);
    CHECK(dst.first_seen_ns == 300 && dst.received == 19);
}

int main(void)
{
    test_clock_state();
    test_table();
    test_merge();
    return UNIT_DONE();
}
