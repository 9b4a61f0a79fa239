/* SPDX-License-Identifier: Apache-2.0 */
/* sensor.c: the sensor's life: start, the per-message path, the control loop (signals, status
 * socket), reload and graceful shutdown. */
#include "base/prelude.h"
#include "base/alloc.h"
#include "base/log.h"
#include "base/mtime.h"
#include "event/json.h"
#include "io/charset.h"
#include "net/tls.h"
#include "internal.h"
#include "ship.h"

#include <strings.h>

#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

void sensor_block_signals(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
}

void sensor_status_path(const struct sensor_config *cfg, char *out, size_t outlen)
{
    if (cfg->status_socket && cfg->status_socket[0])
        snprintf(out, outlen, "%s", cfg->status_socket);
    else
        snprintf(out, outlen, "%s/sensor.sock", cfg->state_dir);
}

void sensor_flush_batch(struct sensor *s, struct worker *w, bool force)
{
    if (w->batch.len && (force || w->batch.len >= SENSOR_BATCH_BYTES))
        output_submit(s->out, &w->batch);
    if (s->store && w->store_batch.len && (force || w->store_batch.len >= SENSOR_BATCH_BYTES))
        w->store_ticket = storeout_submit(s->store, &w->store_batch);
    if (s->detect && w->detect_batch.len && (force || w->detect_batch.len >= SENSOR_BATCH_BYTES))
        detectout_submit(s->detect, &w->detect_batch);
    if (force && w->det)
        detect_worker_sync(w->det);
}

void sensor_detect_attach(struct sensor *s, struct worker *w)
{
    buf_init(&w->detect_batch, BUF_NO_MAX);
    if (s->detect)
        w->det = detect_worker_new(detectout_engine(s->detect));
}

void sensor_detect_detach(struct sensor *s, struct worker *w)
{
    if (!w->det)
        return;
    if (w->detect_batch.len)
        detectout_submit(s->detect, &w->detect_batch);
    detect_worker_free(w->det);
    w->det = NULL;
}

#define CLOCK_JUMP_LOG_INTERVAL (10 * MM_NS_PER_SEC)

/* A clock finding is also an event in the output, so that detection and the server can act on
 * it like on any log (parser "mamori", log source product mamori, service clockwatch). */
static void emit_clock_event(struct sensor *s, struct worker *w, const struct source_stats *src,
                             const char *action, int64_t thr, int64_t now, const char *text)
{
    if (s->cfg.output_format != OUTPUT_JSON)
        return;
    struct buf *b = &w->batch;
    char t[40];
    mm_time_format(now, MM_TIME_MICRO, t, sizeof t);
    buf_printf(b, "{\"@timestamp\":\"%s\",\"receive_time\":\"%s\",\"parser\":\"mamori\","
                  "\"logsource\":{\"product\":\"mamori\",\"service\":\"clockwatch\"},\"host\":",
               t, t);
    json_write_string(b, src->key, strlen(src->key));
    buf_printf(b, ",\"action\":\"%s\",\"clock_offset_s\":%.3f,\"clock_threshold_s\":%.3f", action,
               (double)src->last_offset_ns / 1e9, (double)thr / 1e9);
    if (!strcmp(action, "clock_jump"))
        buf_printf(b, ",\"clock_jump_s\":%.3f", (double)src->last_jump_ns / 1e9);
    buf_append_str(b, ",\"message\":");
    json_write_string(b, text, strlen(text));
    buf_append_str(b, "}\n");
}

/* The store could not write, or writes again: an event in the output (parser "mamori", log source
 * mamori/store) besides the log line, so detection and the server can alert on it. Called on the
 * store's thread; the output queue is thread-safe. */
static void store_notify(void *ctx, bool blocked, const char *text)
{
    struct sensor *s = ctx;
    if (s->cfg.output_format != OUTPUT_JSON || !s->out)
        return;
    struct buf b;
    buf_init(&b, BUF_NO_MAX);
    char t[40];
    mm_time_format(mm_now_ns(), MM_TIME_MICRO, t, sizeof t);
    buf_printf(&b, "{\"@timestamp\":\"%s\",\"receive_time\":\"%s\",\"parser\":\"mamori\","
                   "\"logsource\":{\"product\":\"mamori\",\"service\":\"store\"},\"action\":\"%s\","
                   "\"store\":", t, t, blocked ? "store_write_failed" : "store_write_resumed");
    json_write_string(&b, s->cfg.store, strlen(s->cfg.store));
    buf_append_str(&b, ",\"message\":");
    json_write_string(&b, text, strlen(text));
    buf_append_str(&b, "}\n");
    output_submit(s->out, &b);
    buf_release(&b);
}

static void log_clock_change(struct sensor *s, struct worker *w, const struct source_stats *src,
                             enum source_change ch, int64_t thr, int64_t now)
{
    char text[300];
    double off = (double)src->last_offset_ns / 1e9;
    pthread_mutex_lock(&s->announce_lock);
    struct source_stats *a = source_table_get(&s->announced, src->key, strlen(src->key), now);
    bool quiet;
    if (ch == SOURCE_JUMPED) {
        quiet = now - a->last_seen_ns < CLOCK_JUMP_LOG_INTERVAL;
        if (!quiet)
            a->last_seen_ns = now;
    } else {
        int state = ch == SOURCE_BECAME_SKEWED ? CLOCK_SKEWED : CLOCK_OK;
        quiet = a->state == state || (a->state == CLOCK_UNKNOWN && state == CLOCK_OK);
        a->state = state;
    }
    pthread_mutex_unlock(&s->announce_lock);
    if (quiet)
        return;
    switch (ch) {
    case SOURCE_BECAME_SKEWED:
        snprintf(text, sizeof text, "clock of source '%s' is off by %+.1f s (threshold %.1f s): "
                 "synchronise it (NTP) so its logs can be correlated", src->key, off, (double)thr / 1e9);
        mm_log_warn("clock", "%s", text);
        emit_clock_event(s, w, src, "clock_skewed", thr, now, text);
        break;
    case SOURCE_BECAME_OK:
        snprintf(text, sizeof text, "clock of source '%s' is back within %.1f s (offset %+.1f s)",
                 src->key, (double)thr / 1e9, off);
        mm_log_info("clock", "%s", text);
        emit_clock_event(s, w, src, "clock_ok", thr, now, text);
        break;
    case SOURCE_JUMPED:
        snprintf(text, sizeof text, "clock of source '%s' jumped by %+.1f s (offset now %+.1f s)",
                 src->key, (double)src->last_jump_ns / 1e9, off);
        mm_log_warn("clock", "%s", text);
        emit_clock_event(s, w, src, "clock_jump", thr, now, text);
        break;
    case SOURCE_NO_CHANGE: break;
    }
}

/* The worker's converter for a listener's charset; NULL for UTF-8. */
static struct charset_conv *worker_charset(struct worker *w, const char *name)
{
    if (!strcasecmp(name, "utf-8") || !strcasecmp(name, "utf8"))
        return NULL;
    size_t i;
    for (i = 0; i < MM_ARRAY_LEN(w->charsets) && w->charsets[i].conv; i++)
        if (!strcmp(w->charsets[i].name, name))
            return w->charsets[i].conv;
    if (i == MM_ARRAY_LEN(w->charsets))
        return NULL;
    w->charsets[i].conv = charset_open(name); /* validated with the configuration */
    snprintf(w->charsets[i].name, sizeof w->charsets[i].name, "%s", name);
    return w->charsets[i].conv;
}

void sensor_handle_message(struct sensor *s, struct worker *w, struct listener_rt *l,
                           const char *peer, const char *peer_host, const char *msg, size_t len,
                           bool truncated, int64_t now_ns)
{
    struct event *ev = &w->ev;
    event_reset(ev);
    const char *received = msg;
    struct charset_conv *conv = l->utf8 ? NULL : worker_charset(w, l->cfg.charset);
    if (conv && charset_to_utf8(conv, msg, len, &w->converted)) {
        msg = w->converted.data; /* parsers and output see UTF-8; the bytes counted stay the received ones */
        ev->raw_len = w->converted.len;
    } else {
        ev->raw_len = len;
    }
    ev->raw = msg;
    ev->truncated = truncated;
    ev->receive_ns = now_ns;
    ev->listener = l->cfg.name;
    ev->peer = peer;
    const struct parse_options *po = atomic_load_explicit(&l->popts, memory_order_acquire);
    enum mm_status st = parse_message(ev, po);
    bool parsed = st == MM_OK;

    CTR_ADD(w->received, 1);
    CTR_ADD(w->bytes, len);
    if (parsed)
        CTR_ADD(w->parsed, 1);
    else
        CTR_ADD(w->unparsed, 1);
    if (truncated)
        CTR_ADD(w->truncated, 1);
    for (size_t i = 0; i < s->nparsers && i < SENSOR_MAX_PARSERS; i++) {
        if (s->parsers[i]->name == ev->parser) {
            CTR_ADD(w->per_parser[i], 1);
            break;
        }
    }

    /* the source is the device that wrote the message: its own name for itself, else the sender */
    struct slice key = ev->host.len ? ev->host : slice_cstr(peer_host ? peer_host : l->cfg.name);
    /* the lock is only for the status reader; the worker never holds it while it may block */
    pthread_mutex_lock(&w->lock);
    struct source_stats *src = source_table_get(&w->sources, key.p, key.len, now_ns);
    src->received++;
    src->bytes += len;
    src->parsed += parsed;
    src->unparsed += !parsed;
    src->truncated += truncated;
    src->last_seen_ns = now_ns;
    if (ev->time_ns) {
        src->year_inferred = !ev->time_has_year;
        enum source_change ch = source_clock_update(src, ev->time_ns, now_ns, s->skew_threshold_ns);
        if (ch != SOURCE_NO_CHANGE)
            log_clock_change(s, w, src, ch, s->skew_threshold_ns, now_ns);
    }
    pthread_mutex_unlock(&w->lock);

    if (s->store) {
        /* the store keeps the bytes as received; the tokens come from the parsed event */
        const char *lkey = (const char *)(po + 1);
        store_tokens_reset(&w->tok);
        store_tokens_from_event(&w->tok, ev, peer_host);
        storeout_add(&w->store_batch, now_ns, peer, lkey, strlen(lkey), ev->parser,
                     truncated ? RECORD_F_TRUNCATED : 0, received, len, &w->tok);
    }
    if (w->det)
        detect_worker_event(w->det, ev, &w->detect_batch);
    switch (s->cfg.output_format) {
    case OUTPUT_JSON:
        if (event_to_json(ev, &w->batch, s->cfg.output_raw ? EVENT_JSON_RAW : 0) == MM_OK)
            buf_append_char(&w->batch, '\n');
        break;
    case OUTPUT_RAW:
        buf_append(&w->batch, received, len); /* the bytes as received, before any conversion */
        buf_append_char(&w->batch, '\n');
        break;
    default: break;
    }
    sensor_flush_batch(s, w, false);
}

/* A listener's parsing options, followed in the same allocation by its store key
 * (store_listener_key: what parsing its stored messages again needs), so both are swapped
 * together on reload. */
static struct parse_options *make_popts(const struct listener_config *lc)
{
    struct buf key;
    buf_init(&key, BUF_NO_MAX);
    store_listener_key(&key, lc->name, lc->charset, lc->timezone, lc->no_header || lc->type == LISTEN_JSON);
    struct parse_options *po = mm_calloc(1, sizeof *po + key.len + 1);
    memcpy(po + 1, key.data, key.len + 1);
    buf_release(&key);
    if (strcmp(lc->parser, "auto") != 0)
        po->forced = parser_find(lc->parser);
    po->no_syslog_header = lc->no_header || lc->type == LISTEN_JSON;
    mm_tz_parse(lc->timezone, &po->ctx.tz); /* validated with the configuration */
    return po;
}

static void copy_listener_config(struct listener_config *dst, const struct listener_config *src)
{
    *dst = *src;
    const struct conf_section *sec = &sensor_conf_sections[1];
    for (size_t i = 0; i < sec->nvars; i++) {
        if (sec->vars[i].type != CONF_STRING)
            continue;
        char **p = (char **)((char *)dst + sec->vars[i].offset);
        if (*p)
            *p = mm_strdup(*p);
    }
    dst->name = mm_strdup(src->name);
}

static SSL_CTX *make_ssl_ctx(const struct listener_config *lc, struct mm_error *err)
{
    return tls_server_context(lc->certificate, lc->key, lc->client_ca,
                              (enum tls_client_auth)lc->client_auth, err);
}

/* A runtime listener from its settings: resolve, check the port is free, load TLS. held: the
 * running sensor already listens on this address (a reload replacing a listener), so the port is
 * ours and the exclusivity check is skipped. */
static struct listener_rt *listener_create(const struct listener_config *lc, bool held,
                                           struct mm_error *err)
{
    struct listener_rt *l = mm_calloc(1, sizeof *l);
    copy_listener_config(&l->cfg, lc);
    if (lc->type != LISTEN_FILE) {
        if (net_addr_parse(lc->address, &l->addr, err) != MM_OK)
            goto fail;
        /* binding without SO_REUSEPORT first tells us whether another program holds the port
         * (workers bind with SO_REUSEPORT, which would otherwise share it silently) */
        if (!held) {
            int fd = net_listen(&l->addr, lc->type == LISTEN_UDP ? SOCK_DGRAM : SOCK_STREAM, false,
                                1, err);
            if (fd < 0)
                goto fail;
            close(fd);
        }
    }
    if (lc->type == LISTEN_TLS) {
        SSL_CTX *ctx = make_ssl_ctx(lc, err);
        if (!ctx)
            goto fail;
        atomic_store(&l->ssl_ctx, ctx);
    }
    atomic_store(&l->popts, make_popts(lc));
    l->utf8 = !strcasecmp(lc->charset, "utf-8") || !strcasecmp(lc->charset, "utf8");
    return l;
fail:
    mm_error_wrap(err, MM_ERR_INVALID, "listener '%s'", lc->name);
    conf_free_strings(&sensor_conf_sections[1], &l->cfg);
    mm_free(l);
    return NULL;
}

static void listener_free(struct listener_rt *l)
{
    SSL_CTX *ctx = atomic_load(&l->ssl_ctx);
    if (ctx)
        SSL_CTX_free(ctx);
    mm_free(atomic_load(&l->popts));
    conf_free_strings(&sensor_conf_sections[1], &l->cfg);
    mm_free(l);
}

static void apply_log_level(const char *level)
{
    enum mm_log_level lv;
    if (mm_log_parse_level(level, &lv) == MM_OK)
        mm_log_set_level(lv);
    else
        mm_log_warn("sensor", "unknown log_level '%s', keeping the current one", level);
}

struct sensor_detect_lists {
    char **rules, **ioc;
    size_t nrules, nioc;
    char spool[4096];
    char host[256];
};

static void split_list(const char *s, char ***out, size_t *n)
{
    *out = NULL;
    *n = 0;
    struct slice it;
    while (mm_list_next(&s, &it)) {
        *out = mm_reallocarray(*out, *n + 1, sizeof **out);
        (*out)[(*n)++] = mm_strndup(it.p, it.len);
    }
}

static void free_list(char **l, size_t n)
{
    for (size_t i = 0; i < n; i++)
        mm_free(l[i]);
    mm_free(l);
}

static void free_detect_lists(struct sensor_detect_lists *dl)
{
    if (!dl)
        return;
    free_list(dl->rules, dl->nrules);
    free_list(dl->ioc, dl->nioc);
    mm_free(dl);
}

/* The engine's options from the configuration (pointing into dl, which holds the path lists). */
static enum mm_status detection_options(const struct sensor_config *c, struct sensor_detect_lists *dl,
                                        struct detect_options *o, struct mm_error *err)
{
    split_list(c->rules, &dl->rules, &dl->nrules);
    split_list(c->ioc, &dl->ioc, &dl->nioc);
    sensor_alert_spool(c, dl->spool, sizeof dl->spool);
    detect_options_default(o);
    o->rules = (const char *const *)dl->rules;
    o->nrules = dl->nrules;
    o->placeholders = c->rules_placeholders && c->rules_placeholders[0] ? c->rules_placeholders : NULL;
    o->ioc = (const char *const *)dl->ioc;
    o->nioc = dl->nioc;
    o->strict = c->rules_strict;
    o->corr_max_bytes = (size_t)c->correlation_memory;
    o->corr_max_events = (size_t)c->correlation_max_events;
    o->detectors = c->detectors;
    if (sensor_detectors_config(c, &o->det, err) != MM_OK)
        return MM_ERR_INVALID;
    gethostname(dl->host, sizeof dl->host - 1);
    o->alerts.dir = dl->spool;
    o->alerts.sensor = dl->host;
    o->alerts.window_ns = c->alert_window;
    o->alerts.max_events = (size_t)c->alert_max_events;
    o->alerts.max_open = (size_t)c->alert_max_open;
    o->alerts.spool_max = c->alert_spool_max;
    return MM_OK;
}

enum mm_status sensor_detection_check(const struct sensor_config *c, struct buf *report, struct mm_error *err)
{
    if (!sensor_detection_on(c)) {
        buf_append_str(report, "detection: off\n");
        return MM_OK;
    }
    struct sensor_detect_lists *dl = mm_calloc(1, sizeof *dl);
    struct detect_options *o = mm_malloc(sizeof *o);
    struct detect_stats st;
    enum mm_status rc = detection_options(c, dl, o, err);
    if (rc == MM_OK)
        rc = detect_check(o, &st, report, err);
    if (rc == MM_OK)
        buf_printf(report, "detection: %zu rules, %zu correlations, %zu filters, %zu documents not accepted%s; "
                   "%zu indicators; detectors %s; alerts to '%s'\n", st.rules, st.correlations, st.filters,
                   st.refused, st.refused ? " (above)" : "", st.ioc_indicators, c->detectors ? "on" : "off",
                   dl->spool);
    mm_free(o);
    free_detect_lists(dl);
    return rc;
}

/* Load rules and IOC files, open the alert spool and start the detection thread. */
static enum mm_status open_detection(struct sensor *s, struct mm_error *err)
{
    const struct sensor_config *c = &s->cfg;
    struct sensor_detect_lists *dl = mm_calloc(1, sizeof *dl);
    s->detect_lists = dl;
    struct detect_options *o = mm_malloc(sizeof *o); /* large (the detectors' lists): not on the stack */
    enum mm_status rc = detection_options(c, dl, o, err);
    struct detect *d = rc == MM_OK ? detect_open(o, err) : NULL;
    mm_free(o);
    if (!d)
        return MM_ERR_INVALID;
    s->detect = detectout_open(d, s->cfg.queue_size, err);
    if (!s->detect)
        return MM_ERR_IO;
    struct detect_stats st;
    detect_stats(d, &st);
    mm_log_info("sensor", "detection: %zu rules, %zu correlations, %zu filters (%zu documents not accepted), "
                "%zu indicators, detectors %s; alerts to '%s'", st.rules, st.correlations, st.filters,
                st.refused, st.ioc_indicators, c->detectors ? "on" : "off", dl->spool);
    s->next_ioc_check = mm_now_ns() + c->ioc_refresh_interval;
    return MM_OK;
}

/* After the threads that feed it stopped: their last records go in, then the thread drains. */
static void close_detection(struct sensor *s)
{
    if (s->detect) {
        for (size_t i = 0; s->workers && i < s->nworkers; i++)
            sensor_detect_detach(s, &s->workers[i]);
        if (s->filein)
            sensor_detect_detach(s, filein_worker(s->filein));
        detectout_close(s->detect);
        s->detect = NULL;
    }
    free_detect_lists(s->detect_lists);
    s->detect_lists = NULL;
}

enum mm_status sensor_start(struct sensor **out, const char *config_path, struct mm_error *err)
{
    struct sensor *s = mm_calloc(1, sizeof *s);
    enum mm_status st;
    s->config_path = mm_strdup(config_path);
    s->wake_fd = -1;
    pthread_mutex_init(&s->lock, NULL);
    pthread_mutex_init(&s->announce_lock, NULL);
    source_table_init(&s->announced, 1 << 20);
    s->started_ns = mm_now_ns();
    s->parsers = parser_all(&s->nparsers);
    if ((st = sensor_config_load(&s->cfg, config_path, err)) != MM_OK)
        goto fail;
    apply_log_level(s->cfg.log_level);
    s->skew_threshold_ns = s->cfg.clock_skew_threshold;
    sensor_status_path(&s->cfg, s->status_path, sizeof s->status_path);
    if (mkdir(s->cfg.state_dir, 0750) < 0 && errno != EEXIST) {
        st = mm_error_set(err, MM_ERR_IO, "cannot create state_dir '%s': %s", s->cfg.state_dir,
                          mm_strerror(errno));
        goto fail;
    }
    for (size_t i = 0; i < s->cfg.nlisteners; i++) {
        struct listener_rt *l = listener_create(&s->cfg.listeners[i], false, err);
        if (!l) {
            st = MM_ERR_INVALID;
            goto fail;
        }
        s->listeners[s->nlisteners++] = l;
    }
    const char *path = s->cfg.output_format == OUTPUT_NONE ? NULL : s->cfg.output;
    s->out = output_open(path, s->cfg.queue_size, err);
    if (!s->out) {
        st = MM_ERR_IO;
        goto fail;
    }
    if (s->cfg.store && s->cfg.store[0]) {
        struct store_options so;
        if ((st = sensor_store_options(&s->cfg, &so, err)) != MM_OK)
            goto fail;
        s->store = storeout_open(&so, s->cfg.queue_size, &s->store_durable, store_notify, s, err);
        if (!s->store) {
            st = MM_ERR_IO;
            goto fail;
        }
        mm_log_info("sensor", "sealing received messages into the store '%s'", s->cfg.store);
    }
    if (sensor_detection_on(&s->cfg) && (st = open_detection(s, err)) != MM_OK)
        goto fail;
    if (s->cfg.server && s->cfg.server[0]) {
        struct shipper_options so;
        char spool[1024], key[1024];
        sensor_ship_options(&s->cfg, &so, spool, sizeof spool, key, sizeof key);
        if (!(s->ship = shipper_start(&so, err))) {
            st = MM_ERR_INVALID;
            goto fail;
        }
        mm_log_info("sensor", "shipping alerts from '%s' to %s", spool, s->cfg.server);
    }
    s->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    s->nworkers = (size_t)s->cfg.workers;
    s->workers = mm_calloc(s->nworkers, sizeof *s->workers);
    for (size_t i = 0; i < s->nworkers; i++) {
        s->workers[i].epfd = s->workers[i].wake_fd = -1;
        if ((st = worker_start(s, &s->workers[i], (int)i, err)) != MM_OK)
            goto fail;
    }
    s->filein = filein_start(s, err);
    if (!s->filein) {
        st = MM_ERR_IO;
        goto fail;
    }
    for (size_t i = 0; i < s->nlisteners; i++) {
        const struct listener_config *lc = &s->listeners[i]->cfg;
        mm_log_info("sensor", "listener '%s': %s %s", lc->name, listener_type_name(lc->type),
                    lc->type == LISTEN_FILE ? lc->path : lc->address);
    }
    *out = s;
    return MM_OK;
fail:
    atomic_store(&s->stopping, true);
    sensor_free(s);
    return st;
}

static void wake_all(struct sensor *s)
{
    for (size_t i = 0; i < s->nworkers; i++)
        worker_wake(&s->workers[i]);
    if (s->filein)
        filein_wake(s->filein);
}

void sensor_request_stop(struct sensor *s)
{
    atomic_store(&s->stopping, true);
    uint64_t one = 1;
    if (s->wake_fd >= 0)
        (void)!write(s->wake_fd, &one, sizeof one);
    wake_all(s);
}

/* Wait until every thread has applied the current generation, then free what was retired. */
static void collect_garbage(struct sensor *s)
{
    unsigned gen = atomic_load(&s->generation);
    int64_t deadline = mm_mono_ns() + 10 * MM_NS_PER_SEC;
    for (;;) {
        bool all = true;
        for (size_t i = 0; i < s->nworkers; i++)
            all &= atomic_load(&s->workers[i].seen_generation) == gen &&
                   atomic_load(&s->workers[i].in_transit) == 0; /* handed-over connections hold listeners */
        if (s->filein)
            all &= filein_seen_generation(s->filein) == gen;
        if (all)
            break;
        if (mm_mono_ns() > deadline) {
            mm_log_warn("sensor", "threads slow to apply the reload; freeing retired listeners later");
            return;
        }
        wake_all(s);
        struct timespec ts = { 0, 10 * 1000000 };
        nanosleep(&ts, NULL);
    }
    pthread_mutex_lock(&s->lock);
    for (size_t i = 0; i < s->ngraveyard; i++)
        listener_free(s->graveyard[i]);
    s->ngraveyard = 0;
    for (size_t i = 0; i < s->nold_popts; i++)
        mm_free(s->old_popts[i]);
    s->nold_popts = 0;
    for (size_t i = 0; i < s->nold_ctx; i++)
        SSL_CTX_free(s->old_ctx[i]);
    s->nold_ctx = 0;
    pthread_mutex_unlock(&s->lock);
}

/* Can a running listener take the new settings in place (keeping its sockets and connections)?
 * Parsing options, TLS material, max_connections and idle_timeout change in place; any other
 * difference replaces the listener. */
static bool same_endpoint(const struct listener_config *a, const struct listener_config *b)
{
    if (a->type != b->type || strcmp(a->name, b->name) != 0 || strcmp(a->charset, b->charset) != 0)
        return false;
    if (a->type == LISTEN_FILE)
        return !strcmp(a->path, b->path) && a->follow == b->follow && a->from_start == b->from_start;
    return !strcmp(a->address, b->address) && a->framing == b->framing;
}

/* Does the running sensor already listen where lc wants to? */
static bool endpoint_held(const struct sensor *s, const struct listener_config *lc)
{
    if (lc->type == LISTEN_FILE)
        return false;
    for (size_t j = 0; j < s->nlisteners; j++) {
        const struct listener_config *r = &s->listeners[j]->cfg;
        if (r->type != LISTEN_FILE && !strcmp(r->address, lc->address) &&
            (r->type == LISTEN_UDP) == (lc->type == LISTEN_UDP))
            return true;
    }
    return false;
}

enum mm_status sensor_reload(struct sensor *s, struct mm_error *err)
{
    /* what earlier reloads retired must be freed first, or the arrays that hold it could fill */
    collect_garbage(s);
    if (s->ngraveyard + SENSOR_MAX_LISTENERS > MM_ARRAY_LEN(s->graveyard) ||
        s->nold_popts + SENSOR_MAX_LISTENERS > MM_ARRAY_LEN(s->old_popts) ||
        s->nold_ctx + SENSOR_MAX_LISTENERS > MM_ARRAY_LEN(s->old_ctx))
        return mm_error_set(err, MM_ERR_STATE,
                            "earlier reloads are still being applied by busy workers; try again");
    struct sensor_config ncfg;
    enum mm_status st = sensor_config_load(&ncfg, s->config_path, err);
    if (st != MM_OK) {
        sensor_config_free(&ncfg);
        return st;
    }
    /* settings that need a restart keep their running values; say so */
    const struct conf_section *top = &sensor_conf_sections[0];
    for (size_t i = 0; i < top->nvars; i++) {
        const struct conf_var *v = &top->vars[i];
        if (!(v->flags & CONF_RESTART))
            continue;
        const void *a = (const char *)&s->cfg + v->offset, *b = (const char *)&ncfg + v->offset;
        bool differ = v->type == CONF_STRING
                          ? strcmp(*(char *const *)a ? *(char *const *)a : "", *(char *const *)b ? *(char *const *)b : "")
                          : memcmp(a, b, v->type == CONF_ENUM   ? sizeof(int)
                                         : v->type == CONF_BOOL ? sizeof(bool)
                                                                : sizeof(int64_t)) != 0;
        if (differ)
            mm_log_warn("sensor", "'%s' changed: it takes effect after a restart", v->name);
    }
    /* build the new listener set before touching the running one */
    struct listener_rt *next[SENSOR_MAX_LISTENERS];
    bool reused[SENSOR_MAX_LISTENERS] = { false };
    size_t nnext = 0;
    struct parse_options *new_popts[SENSOR_MAX_LISTENERS] = { NULL };
    SSL_CTX *new_ctx[SENSOR_MAX_LISTENERS] = { NULL };
    for (size_t i = 0; i < ncfg.nlisteners; i++) {
        const struct listener_config *lc = &ncfg.listeners[i];
        struct listener_rt *match = NULL;
        for (size_t j = 0; j < s->nlisteners; j++)
            if (same_endpoint(&s->listeners[j]->cfg, lc))
                match = s->listeners[j];
        if (match) {
            if (lc->type == LISTEN_TLS) {
                new_ctx[nnext] = make_ssl_ctx(lc, err);
                if (!new_ctx[nnext]) {
                    st = mm_error_wrap(err, MM_ERR_INVALID, "listener '%s'", lc->name);
                    goto undo;
                }
            }
            new_popts[nnext] = make_popts(lc);
            reused[nnext] = true;
            next[nnext++] = match;
        } else {
            struct listener_rt *l = listener_create(lc, endpoint_held(s, lc), err);
            if (!l) {
                st = MM_ERR_INVALID;
                goto undo;
            }
            next[nnext++] = l;
        }
    }
    pthread_mutex_lock(&s->lock);
    for (size_t j = 0; j < s->nlisteners; j++) {
        bool kept = false;
        for (size_t i = 0; i < nnext; i++)
            kept |= next[i] == s->listeners[j];
        if (!kept) {
            s->listeners[j]->retired = true;
            s->graveyard[s->ngraveyard++] = s->listeners[j];
            mm_log_info("sensor", "listener '%s' removed", s->listeners[j]->cfg.name);
        }
    }
    for (size_t i = 0; i < nnext; i++) {
        struct listener_rt *l = next[i];
        if (!reused[i]) {
            mm_log_info("sensor", "listener '%s' added: %s %s", l->cfg.name, listener_type_name(l->cfg.type),
                        l->cfg.type == LISTEN_FILE ? l->cfg.path : l->cfg.address);
            continue;
        }
        /* same endpoint: swap in the new parsing options and TLS material, keep connections */
        s->old_popts[s->nold_popts++] = atomic_exchange(&l->popts, new_popts[i]);
        if (new_ctx[i]) {
            SSL_CTX *old = atomic_exchange(&l->ssl_ctx, new_ctx[i]);
            if (old)
                s->old_ctx[s->nold_ctx++] = old;
        }
        struct listener_config *lc = NULL;
        for (size_t k = 0; k < ncfg.nlisteners; k++)
            if (!strcmp(ncfg.listeners[k].name, l->cfg.name))
                lc = &ncfg.listeners[k];
        if (lc) {
            l->cfg.max_connections = lc->max_connections;
            l->cfg.idle_timeout = lc->idle_timeout;
        }
    }
    memcpy(s->listeners, next, nnext * sizeof next[0]);
    s->nlisteners = nnext;
    /* reloadable top-level settings */
    s->skew_threshold_ns = ncfg.clock_skew_threshold;
    s->cfg.output_raw = ncfg.output_raw;
    apply_log_level(ncfg.log_level);
    mm_free(s->cfg.log_level);
    s->cfg.log_level = mm_strdup(ncfg.log_level);
    atomic_fetch_add(&s->generation, 1);
    pthread_mutex_unlock(&s->lock);
    output_reopen(s->out);
    wake_all(s);
    sensor_config_free(&ncfg);
    collect_garbage(s);
    if (s->detect) {
        struct mm_error derr;
        if (detect_reload(detectout_engine(s->detect), &derr) != MM_OK)
            mm_log_error("sensor", "rules not reloaded, keeping the running ones: %s", derr.msg);
    }
    mm_log_info("sensor", "configuration reloaded from '%s'", s->config_path);
    return MM_OK;
undo:
    for (size_t i = 0; i < nnext; i++) {
        if (!reused[i])
            listener_free(next[i]);
        mm_free(new_popts[i]);
        if (new_ctx[i])
            SSL_CTX_free(new_ctx[i]);
    }
    sensor_config_free(&ncfg);
    return st;
}

static int status_listen(const char *path)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    if (strlen(path) >= sizeof sa.sun_path) {
        mm_log_error("sensor", "status socket path '%s' is too long", path);
        return -1;
    }
    memcpy(sa.sun_path, path, strlen(path) + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    unlink(path);
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 16) < 0) {
        mm_log_error("sensor", "cannot listen on status socket '%s': %s", path, mm_strerror(errno));
        close(fd);
        return -1;
    }
    chmod(path, 0660);
    return fd;
}

static void answer_status(struct sensor *s, int lfd)
{
    for (;;) {
        int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
        if (fd < 0)
            return;
        struct buf b;
        buf_init(&b, BUF_NO_MAX);
        sensor_status_json(s, &b);
        buf_append_char(&b, '\n');
        size_t off = 0;
        while (off < b.len) {
            ssize_t n = write(fd, b.data + off, b.len - off);
            if (n <= 0)
                break;
            off += (size_t)n;
        }
        buf_release(&b);
        close(fd);
    }
}

int sensor_run(struct sensor *s)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    int sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    int ep = epoll_create1(EPOLL_CLOEXEC);
    int stfd = status_listen(s->status_path);
    struct epoll_event ee = { .events = EPOLLIN };
    ee.data.fd = sfd;
    epoll_ctl(ep, EPOLL_CTL_ADD, sfd, &ee);
    ee.data.fd = s->wake_fd;
    epoll_ctl(ep, EPOLL_CTL_ADD, s->wake_fd, &ee);
    if (stfd >= 0) {
        ee.data.fd = stfd;
        epoll_ctl(ep, EPOLL_CTL_ADD, stfd, &ee);
    }
    mm_log_info("sensor", "running with %zu workers; status on '%s'", s->nworkers, s->status_path);
    while (!atomic_load(&s->stopping)) {
        struct epoll_event evs[4];
        int n = epoll_wait(ep, evs, 4, 1000);
        for (int i = 0; i < n; i++) {
            int fd = evs[i].data.fd;
            if (fd == sfd) {
                struct signalfd_siginfo si;
                while (read(sfd, &si, sizeof si) == sizeof si) {
                    if (si.ssi_signo == SIGHUP) {
                        struct mm_error err;
                        if (sensor_reload(s, &err) != MM_OK)
                            mm_log_error("sensor", "reload refused, keeping the running configuration: %s",
                                         err.msg);
                    } else {
                        mm_log_info("sensor", "received %s: shutting down",
                                    si.ssi_signo == SIGINT ? "SIGINT" : "SIGTERM");
                        atomic_store(&s->stopping, true);
                    }
                }
            } else if (fd == s->wake_fd) {
                uint64_t v;
                (void)!read(s->wake_fd, &v, sizeof v);
            } else if (fd == stfd) {
                answer_status(s, stfd);
            }
        }
        if (s->detect && s->cfg.ioc_refresh_interval > 0 && mm_now_ns() >= s->next_ioc_check) {
            detect_ioc_refresh(detectout_engine(s->detect));
            s->next_ioc_check = mm_now_ns() + s->cfg.ioc_refresh_interval;
        }
    }
    /* graceful shutdown: workers drain their sockets, the file reader saves positions, the
     * output writes everything and syncs */
    wake_all(s);
    for (size_t i = 0; i < s->nworkers; i++)
        worker_join(&s->workers[i]);
    filein_stop(s->filein);
    close_detection(s);       /* the workers' last records consumed, alerts written */
    shipper_stop(s->ship);    /* what is written is shipped at the next start if not now */
    s->ship = NULL;
    storeout_close(s->store); /* everything accepted is written, signed and synced */
    s->store = NULL;
    output_close(s->out);     /* after the store, which may still report into it */
    s->out = NULL;
    filein_finish(s->filein); /* file positions, now that what was read is durable */
    s->filein = NULL;
    if (stfd >= 0) {
        close(stfd);
        unlink(s->status_path);
    }
    close(sfd);
    close(ep);
    mm_log_info("sensor", "stopped");
    return 0;
}

void sensor_free(struct sensor *s)
{
    if (!s)
        return;
    atomic_store(&s->stopping, true);
    for (size_t i = 0; s->workers && i < s->nworkers; i++)
        worker_join(&s->workers[i]);
    if (s->filein)
        filein_stop(s->filein);
    close_detection(s);
    shipper_stop(s->ship);
    for (size_t i = 0; s->workers && i < s->nworkers; i++)
        worker_release(&s->workers[i]);
    mm_free(s->workers);
    storeout_close(s->store);
    output_close(s->out);
    if (s->filein)
        filein_finish(s->filein);
    for (size_t i = 0; i < s->nlisteners; i++)
        listener_free(s->listeners[i]);
    for (size_t i = 0; i < s->ngraveyard; i++)
        listener_free(s->graveyard[i]);
    for (size_t i = 0; i < s->nold_popts; i++)
        mm_free(s->old_popts[i]);
    for (size_t i = 0; i < s->nold_ctx; i++)
        SSL_CTX_free(s->old_ctx[i]);
    if (s->wake_fd >= 0)
        close(s->wake_fd);
    sensor_config_free(&s->cfg);
    source_table_release(&s->announced);
    pthread_mutex_destroy(&s->announce_lock);
    pthread_mutex_destroy(&s->lock);
    mm_free(s->config_path);
    mm_free(s);
}

enum mm_status sensor_status_query(const char *socket_path, FILE *f, struct mm_error *err)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    if (strlen(socket_path) >= sizeof sa.sun_path)
        return mm_error_set(err, MM_ERR_INVALID, "status socket path '%s' is too long", socket_path);
    memcpy(sa.sun_path, socket_path, strlen(socket_path) + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
        mm_error_set(err, MM_ERR_IO, "cannot connect to sensor status socket '%s': %s (is the sensor running?)",
                     socket_path, mm_strerror(errno));
        if (fd >= 0)
            close(fd);
        return MM_ERR_IO;
    }
    char buf[65536];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0)
        fwrite(buf, 1, (size_t)n, f);
    close(fd);
    return MM_OK;
}
