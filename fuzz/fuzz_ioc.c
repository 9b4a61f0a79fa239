/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_ioc.c: indicator feeds (outside input: MISP exports, STIX bundles, CSV and lists downloaded
 * from threat-intelligence sources). The first byte picks the format (auto, MISP, STIX, CSV, list);
 * whatever the rest: the importers load or refuse with a message, never crash, and free
 * everything; every loaded indicator is in its canonical form (loaded again into a new set it is
 * the same value), and matching an event field that carries it finds it. */
#include "fuzz.h"
#include "base/alloc.h"
#include "ioc/ioc.h"

static void count_hit(void *ctx, const struct ioc_hit *hit)
{
    unsigned *n = ctx;
    FUZZ_CHECK(hit->indicator && hit->field, "hit without an indicator or field");
    (*n)++;
}

/* an event field that can carry each type */
static const char *const type_field[IOC_TYPE_COUNT] = { "dst_ip", "SourceIp", "dst_ip", "query", "c-uri",
                                                        "md5",    "sha1",     "sha256", "recipient" };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    struct ioc_load_options opt;
    ioc_load_options_init(&opt);
    opt.now_ns = FUZZ_RECEIVE_NS;
    opt.format = (enum ioc_format)(data[0] % 5);
    struct ioc_builder *b = ioc_builder_new(&opt);
    struct ioc_file_stats st;
    struct mm_error err = { "" };
    enum mm_status rc = ioc_builder_load_buffer(b, "fuzz", NULL, (const char *)data + 1, size - 1, &st, &err);
    if (rc != MM_OK) {
        FUZZ_CHECK(err.msg[0] && st.refused && st.nproblems, "file refused without a message");
        FUZZ_CHECK(ioc_file_stats_loaded(&st) == 0 || st.format != IOC_FORMAT_AUTO, "refused file loaded");
    }
    FUZZ_CHECK(st.nproblems <= IOC_MAX_PROBLEMS, "%zu problems", st.nproblems);
    for (size_t i = 0; i < st.nproblems; i++)
        FUZZ_CHECK(st.problems[i].msg[0], "problem %zu without a message", i);
    struct ioc_set *s = ioc_builder_finish(b);
    struct ioc_set_info info;
    ioc_set_info(s, &info);
    FUZZ_CHECK(info.total == ioc_file_stats_loaded(&st), "set has %" PRIu64 ", stats say %" PRIu64, info.total,
               ioc_file_stats_loaded(&st));

    /* every indicator is in canonical form (adding it again gives the same entry) and an event
     * field carrying it finds it */
    struct ioc_builder *again = ioc_builder_new(&opt);
    for (size_t i = 0; i < info.total; i++) {
        const struct ioc_indicator *d = ioc_set_at(s, i);
        FUZZ_CHECK(d && d->type < IOC_TYPE_COUNT && d->len == strlen(d->value) && d->confidence <= 100,
                   "indicator %zu is malformed", i);
        FUZZ_CHECK(ioc_set_find(s, (enum ioc_type)d->type, d->value, d->len) == d, "'%s' not found", d->value);
        struct ioc_attrs a = { "again", NULL, NULL, 0, 50 };
        bool dup = true;
        struct mm_error e2 = { "" };
        FUZZ_CHECK(ioc_builder_add(again, (enum ioc_type)d->type, d->value, d->len, &a, &dup, &e2) == MM_OK && !dup,
                   "%s '%s' is not canonical: %s", ioc_type_name((enum ioc_type)d->type), d->value, e2.msg);
        const char *field = type_field[d->type];
        size_t vlen = d->len;
        if (d->type == IOC_CIDR) {
            field = strchr(d->value, ':') ? "SourceIp" : "dst_ip";
            vlen = (size_t)(strchr(d->value, '/') - d->value);
        }
        unsigned hits = 0;
        ioc_match_field(s, field, d->value, vlen, opt.now_ns, count_hit, &hits);
        FUZZ_CHECK(hits >= 1, "%s '%s' does not match field %s", ioc_type_name((enum ioc_type)d->type), d->value,
                   field);
    }
    struct ioc_set *s2 = ioc_builder_finish(again);
    for (size_t i = 0; i < info.total; i++) {
        const struct ioc_indicator *d = ioc_set_at(s, i);
        FUZZ_CHECK(ioc_set_find(s2, (enum ioc_type)d->type, d->value, d->len), "%s '%s' changed when loaded again",
                   ioc_type_name((enum ioc_type)d->type), d->value);
    }
    ioc_set_free(s2);

    /* match a small event built from the input's first line */
    struct event ev;
    event_init(&ev);
    size_t l = 0;
    const char *p = (const char *)data + 1;
    while (l < size - 1 && l < 300 && p[l] != '\n')
        l++;
    for (int t = 0; t < IOC_TYPE_COUNT; t++)
        if (t != IOC_CIDR)
            event_add(&ev, type_field[t], p, l);
    event_add(&ev, "Hashes", p, l);
    event_add(&ev, "sender", p, l);
    event_add(&ev, "cs-host", p, l);
    unsigned hits = 0;
    unsigned n = ioc_match_event(s, &ev, FUZZ_RECEIVE_NS, count_hit, &hits);
    FUZZ_CHECK(n == hits, "returned %u, called %u", n, hits);
    event_release(&ev);
    ioc_set_free(s);
    return 0;
}
