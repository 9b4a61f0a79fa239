/* SPDX-License-Identifier: Apache-2.0 */
/* status.c: the sensor's counters as one JSON document (docs/SENSOR.md describes it). */
#include "base/prelude.h"
#include "base/alloc.h"
#include "base/mtime.h"
#include "event/json.h"
#include "internal.h"
#include "ship.h"


static void put_time(struct buf *b, const char *key, int64_t ns)
{
    char t[40];
    mm_time_format(ns, MM_TIME_MILLI, t, sizeof t);
    buf_printf(b, ",\"%s\":\"%s\"", key, t);
}

static void merge_one(void *arg, const struct source_stats *s)
{
    struct source_table *all = arg;
    struct source_stats *d = source_table_get(all, s->key, strlen(s->key), s->first_seen_ns);
    source_stats_merge(d, s);
}

static void put_source(void *arg, const struct source_stats *s)
{
    struct buf *b = arg;
    if (b->data[b->len - 1] != '[')
        buf_append_char(b, ',');
    buf_append_str(b, "{\"source\":");
    json_write_string(b, s->key, strlen(s->key));
    buf_printf(b, ",\"received\":%" PRIu64 ",\"bytes\":%" PRIu64 ",\"parsed\":%" PRIu64
                  ",\"unparsed\":%" PRIu64 ",\"truncated\":%" PRIu64,
               s->received, s->bytes, s->parsed, s->unparsed, s->truncated);
    put_time(b, "first_seen", s->first_seen_ns);
    put_time(b, "last_seen", s->last_seen_ns);
    if (s->clock_samples) {
        buf_printf(b, ",\"clock\":{\"state\":\"%s\",\"offset_s\":%.3f,\"max_abs_offset_s\":%.3f"
                      ",\"jumps\":%" PRIu64 ",\"samples\":%" PRIu64 ",\"year_inferred\":%s",
                   clock_state_name(s->state), (double)s->last_offset_ns / 1e9,
                   (double)s->max_abs_offset_ns / 1e9, s->jumps, s->clock_samples,
                   s->year_inferred ? "true" : "false");
        if (s->jumps)
            buf_printf(b, ",\"last_jump_s\":%.3f", (double)s->last_jump_ns / 1e9);
        buf_append_char(b, '}');
    }
    buf_append_char(b, '}');
}

void sensor_status_json(struct sensor *s, struct buf *b)
{
    uint64_t received = 0, bytes = 0, parsed = 0, unparsed = 0, truncated = 0;
    uint64_t per_parser[SENSOR_MAX_PARSERS] = { 0 };
    struct source_table all;
    source_table_init(&all, SIZE_MAX);
    struct worker *fw = s->filein ? filein_worker(s->filein) : NULL;
    for (size_t i = 0; i <= s->nworkers; i++) {
        struct worker *w = i < s->nworkers ? &s->workers[i] : fw;
        if (!w)
            continue;
        received += CTR_GET(w->received);
        bytes += CTR_GET(w->bytes);
        parsed += CTR_GET(w->parsed);
        unparsed += CTR_GET(w->unparsed);
        truncated += CTR_GET(w->truncated);
        for (size_t k = 0; k < s->nparsers && k < SENSOR_MAX_PARSERS; k++)
            per_parser[k] += CTR_GET(w->per_parser[k]);
        pthread_mutex_lock(&w->lock);
        source_table_each(&w->sources, merge_one, &all);
        pthread_mutex_unlock(&w->lock);
    }
    int64_t now = mm_now_ns();
    buf_append_str(b, "{\"version\":\"0.1.0\"");
    put_time(b, "now", now);
    put_time(b, "started", s->started_ns);
    buf_printf(b, ",\"uptime_s\":%.1f,\"workers\":%zu", (double)(now - s->started_ns) / 1e9, s->nworkers);
    buf_printf(b, ",\"received\":%" PRIu64 ",\"bytes\":%" PRIu64 ",\"parsed\":%" PRIu64
                  ",\"unparsed\":%" PRIu64 ",\"truncated\":%" PRIu64,
               received, bytes, parsed, unparsed, truncated);
    uint64_t udp_drops = 0;
    pthread_mutex_lock(&s->lock);
    for (size_t i = 0; i < s->nlisteners; i++)
        udp_drops += CTR_GET(s->listeners[i]->udp_drops);
    buf_printf(b, ",\"dropped\":%" PRIu64, udp_drops);
    buf_append_str(b, ",\"parsers\":{");
    bool first = true;
    for (size_t k = 0; k < s->nparsers && k < SENSOR_MAX_PARSERS; k++) {
        if (!per_parser[k])
            continue;
        buf_printf(b, "%s\"%s\":%" PRIu64, first ? "" : ",", s->parsers[k]->name, per_parser[k]);
        first = false;
    }
    buf_append_str(b, "},\"listeners\":[");
    for (size_t i = 0; i < s->nlisteners; i++) {
        struct listener_rt *l = s->listeners[i];
        buf_printf(b, "%s{\"name\":", i ? "," : "");
        json_write_string(b, l->cfg.name, strlen(l->cfg.name));
        buf_printf(b, ",\"type\":\"%s\",\"endpoint\":", listener_type_name(l->cfg.type));
        const char *ep = l->cfg.type == LISTEN_FILE ? l->cfg.path : l->cfg.address;
        json_write_string(b, ep, strlen(ep));
        buf_printf(b, ",\"received\":%" PRIu64 ",\"bytes\":%" PRIu64 ",\"parsed\":%" PRIu64
                      ",\"truncated\":%" PRIu64,
                   CTR_GET(l->received), CTR_GET(l->bytes), CTR_GET(l->parsed), CTR_GET(l->truncated));
        if (l->cfg.type == LISTEN_UDP)
            buf_printf(b, ",\"dropped\":%" PRIu64, CTR_GET(l->udp_drops));
        if (l->cfg.type == LISTEN_TCP || l->cfg.type == LISTEN_TLS || l->cfg.type == LISTEN_JSON)
            buf_printf(b, ",\"connections\":{\"open\":%" PRIu64 ",\"accepted\":%" PRIu64
                          ",\"refused\":%" PRIu64 "}",
                       CTR_GET(l->conns_open), CTR_GET(l->conns_accepted), CTR_GET(l->conns_refused));
        if (l->cfg.type == LISTEN_TLS)
            buf_printf(b, ",\"tls_failures\":%" PRIu64, CTR_GET(l->tls_failures));
        if (l->cfg.type == LISTEN_TCP || l->cfg.type == LISTEN_TLS)
            buf_printf(b, ",\"framing_errors\":%" PRIu64, CTR_GET(l->framing_errors));
        buf_append_char(b, '}');
    }
    pthread_mutex_unlock(&s->lock);
    if (s->out) {
        struct output_stats os;
        output_get_stats(s->out, &os);
        buf_printf(b, "],\"output\":{\"written_bytes\":%" PRIu64 ",\"queued_bytes\":%" PRIu64
                      ",\"backpressure_ms\":%" PRIu64 ",\"write_errors\":%" PRIu64 "}",
                   os.bytes_written, os.queued_bytes, os.blocked_ns / 1000000, os.write_errors);
    } else {
        buf_append_char(b, ']');
    }
    if (s->store) {
        struct store_stats ss;
        uint64_t queued, bp;
        storeout_stats(s->store, &ss, &queued, &bp);
        buf_printf(b, ",\"store\":{\"path\":");
        json_write_string(b, s->cfg.store, strlen(s->cfg.store));
        buf_printf(b, ",\"records\":%" PRIu64 ",\"durable_records\":%" PRIu64 ",\"blocks\":%" PRIu64
                      ",\"bytes_raw\":%" PRIu64 ",\"bytes_stored\":%" PRIu64 ",\"next_seq\":%" PRIu64
                      ",\"checkpoints\":%" PRIu64 ",\"syncs\":%" PRIu64 ",\"segments_deleted\":%" PRIu64
                      ",\"recoveries\":%" PRIu64 ",\"write_errors\":%" PRIu64 ",\"blocked\":%s"
                      ",\"queued_bytes\":%" PRIu64 ",\"backpressure_ms\":%" PRIu64 "}",
                   ss.records_total, ss.durable_records, ss.blocks, ss.bytes_raw, ss.bytes_stored,
                   ss.next_seq, ss.checkpoints, ss.syncs, ss.segments_deleted, ss.recoveries,
                   ss.write_errors, ss.blocked ? "true" : "false", queued, bp / 1000000);
    }
    if (s->ship) {
        struct shipper_stats sh;
        shipper_get_stats(s->ship, &sh);
        buf_printf(b, ",\"shipping\":{\"enrolled\":%s,\"shipped\":%" PRIu64 ",\"batches\":%" PRIu64
                      ",\"failures\":%" PRIu64 ",\"refused\":%" PRIu64 ",\"lost_files\":%" PRIu64 ",\"last_error\":",
                   sh.enrolled ? "true" : "false", sh.shipped, sh.batches, sh.failures, sh.refused, sh.lost_files);
        json_write_string(b, sh.last_error, strlen(sh.last_error));
        buf_append_char(b, '}');
    }
    if (s->detect) {
        struct detect_stats ds;
        detect_stats(detectout_engine(s->detect), &ds);
        const struct alert_sink_stats *a = &ds.alerts;
        buf_printf(b, ",\"detection\":{\"rules_generation\":%" PRIu64 ",\"rules\":%zu,\"correlations\":%zu"
                      ",\"filters\":%zu,\"not_accepted\":%zu,\"indicators\":%zu,\"ioc_generation\":%" PRIu64
                      ",\"events\":%" PRIu64 ",\"sigma_matches\":%" PRIu64 ",\"ioc_matches\":%" PRIu64
                      ",\"detector_facts\":%" PRIu64 ",\"suppressed\":%" PRIu64
                      ",\"correlation\":{\"bytes\":%zu,\"groups\":%zu,\"fired\":%" PRIu64
                      ",\"evicted_groups\":%" PRIu64 ",\"refused_hits\":%" PRIu64 "}"
                      ",\"alerts\":{\"reports\":%" PRIu64 ",\"alerts\":%" PRIu64 ",\"records\":%" PRIu64
                      ",\"aggregated\":%" PRIu64 ",\"open\":%" PRIu64 ",\"evicted\":%" PRIu64
                      ",\"write_errors\":%" PRIu64 ",\"files_deleted\":%" PRIu64 "},\"queued_bytes\":%" PRIu64 "}",
                   ds.generation, ds.rules, ds.correlations, ds.filters, ds.refused, ds.ioc_indicators,
                   ds.ioc_generation, ds.events, ds.sigma_hits, ds.ioc_hits, ds.facts, ds.suppressed,
                   ds.corr.bytes, ds.corr.groups, ds.corr.fired, ds.corr.evicted_groups, ds.corr.refused_hits,
                   a->reports, a->alerts, a->records, a->aggregated, a->open, a->evicted, a->write_errors, a->files_deleted,
                   detectout_queued(s->detect));
    }
    uint64_t skewed = 0;
    for (size_t i = 0; i < all.cap; i++)
        skewed += all.slots[i].key[0] && all.slots[i].state == CLOCK_SKEWED;
    buf_printf(b, ",\"clock\":{\"threshold_s\":%.3f,\"skewed_sources\":%" PRIu64 "}",
               (double)s->skew_threshold_ns / 1e9, skewed);
    buf_append_str(b, ",\"sources\":[");
    source_table_each(&all, put_source, b);
    buf_append_str(b, "]}");
    source_table_release(&all);
}
