/* SPDX-License-Identifier: Apache-2.0 */
/* alert.c: aggregating reports into alerts and writing them to the spool.
 *
 * Open alerts live in a hash table (by source, rule and key) and in a list in the order they were
 * opened, which is also the order their windows end: closing ended windows and evicting the oldest
 * both take from the head. Spool files are appended with one write per record and synced at each
 * tick that wrote something; a record is a whole line, so a reader skips a torn last line. */
#include "base/prelude.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/log.h"
#include "base/mtime.h"
#include "event/json.h"
#include "alert.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

struct open_alert {
    struct open_alert *hnext;        /* hash chain */
    struct open_alert *prev, *next;  /* opening order */
    char *hkey;                      /* source \x1f rule \x1f key */
    uint64_t hash;
    char id[37];
    unsigned version;
    int64_t window_end;
    bool dirty; /* reports since the last written version */
    /* the record's fixed part, copied from the first report */
    char *source, *rule_id, *title, *title_ja, *level, *status, *path, *key, *group, *why, *details;
    char **tags;
    size_t ntags;
    int64_t first_ns, last_ns;
    uint64_t count;
    struct buf events; /* JSON objects joined by ',' */
    size_t nevents;
    uint64_t omitted;
};

struct alert_sink {
    struct alert_sink_options o;
    char *dir, *sensor;
    struct open_alert **table;
    size_t nbuckets, nopen;
    struct open_alert *head, *tail;
    int fd;
    uint64_t file_bytes;
    int64_t file_opened;
    bool unsynced;
    struct buf line;
    struct alert_sink_stats st;
};

void alert_sink_options_default(struct alert_sink_options *o)
{
    *o = (struct alert_sink_options){
        .dir = NULL,
        .sensor = "",
        .window_ns = 600 * MM_NS_PER_SEC,
        .max_events = 10,
        .max_open = 100000,
        .file_size = 16u << 20,
        .spool_max = 1ull << 30,
    };
}

void alert_uuid(char out[37])
{
    uint8_t b[16];
    if (getrandom(b, sizeof b, 0) != (ssize_t)sizeof b) {
        /* no entropy source: time and a counter still give an id unique on this sensor */
        static _Atomic uint64_t ctr;
        uint64_t t = (uint64_t)mm_now_ns(), c = ++ctr;
        memcpy(b, &t, 8);
        memcpy(b + 8, &c, 8);
    }
    b[6] = (uint8_t)((b[6] & 0x0f) | 0x40);
    b[8] = (uint8_t)((b[8] & 0x3f) | 0x80);
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    for (size_t i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        out[o++] = hex[b[i] >> 4];
        out[o++] = hex[b[i] & 15];
    }
    out[o] = '\0';
}

static uint64_t hash_bytes(const char *p, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (uint8_t)p[i]) * 1099511628211ull;
    return h;
}

static char *dup_opt(const char *s)
{
    return s ? mm_strdup(s) : NULL;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Keep the spool within spool_max: delete the oldest files (their names sort by time), never the
 * one being written. */
static void trim_spool(struct alert_sink *s, const char *current)
{
    if (!s->o.spool_max)
        return;
    DIR *d = opendir(s->dir);
    if (!d)
        return;
    char **names = NULL;
    uint64_t total = 0;
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t len = strlen(de->d_name);
        if (strncmp(de->d_name, "alerts-", 7) != 0 || len < 7 || strcmp(de->d_name + len - 6, ".jsonl") != 0)
            continue;
        struct stat st;
        if (fstatat(dirfd(d), de->d_name, &st, 0) != 0)
            continue;
        names = mm_reallocarray(names, n + 1, sizeof *names);
        names[n++] = mm_strdup(de->d_name);
        total += (uint64_t)st.st_size;
    }
    closedir(d);
    if (n > 1)
        qsort(names, n, sizeof *names, cmp_name);
    for (size_t i = 0; i < n && total > s->o.spool_max; i++) {
        if (!strcmp(names[i], current))
            break;
        char path[4096];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", s->dir, names[i]);
        if (stat(path, &st) == 0 && unlink(path) == 0) {
            total -= (uint64_t)st.st_size;
            s->st.files_deleted++;
            mm_log_warn("alert", "alert spool '%s' over %llu bytes: deleted its oldest file '%s' (nothing "
                        "collected it)", s->dir, (unsigned long long)s->o.spool_max, names[i]);
        }
    }
    for (size_t i = 0; i < n; i++)
        mm_free(names[i]);
    mm_free(names);
}

static void open_file(struct alert_sink *s, int64_t now)
{
    if (s->fd >= 0) {
        if (fdatasync(s->fd) != 0)
            s->st.write_errors++;
        close(s->fd);
        s->fd = -1;
    }
    char path[4096];
    char ts[40];
    int y, mo, d, h, mi, sec;
    mm_civil_from_seconds(now / MM_NS_PER_SEC, &y, &mo, &d, &h, &mi, &sec);
    snprintf(ts, sizeof ts, "%04d%02d%02dT%02d%02d%02d.%09lldZ", y, mo, d, h, mi, sec,
             (long long)(now % MM_NS_PER_SEC));
    snprintf(path, sizeof path, "%s/alerts-%s.jsonl", s->dir, ts);
    s->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (s->fd < 0) {
        mm_log_error("alert", "cannot open alert spool file '%s': %s", path, mm_strerror(errno));
        s->st.write_errors++;
        return;
    }
    s->file_bytes = 0;
    s->file_opened = now;
    trim_spool(s, strrchr(path, '/') + 1);
}

static void write_record(struct alert_sink *s, struct open_alert *a, int64_t now)
{
    struct buf *l = &s->line;
    char t[40];
    buf_reset(l);
    buf_printf(l, "{\"id\":\"%s\",\"version\":%u,\"sensor\":", a->id, a->version);
    json_write_string(l, s->sensor, strlen(s->sensor));
    mm_time_format(now, MM_TIME_MILLI, t, sizeof t);
    buf_printf(l, ",\"written\":\"%s\",\"source\":", t);
    json_write_string(l, a->source, strlen(a->source));
    buf_append_str(l, ",\"rule\":{\"id\":");
    json_write_string(l, a->rule_id, strlen(a->rule_id));
    const char *names[] = { "title", "status", "path" };
    const char *vals[] = { a->title, a->status, a->path };
    for (size_t i = 0; i < MM_ARRAY_LEN(names); i++) {
        if (!vals[i])
            continue;
        buf_printf(l, ",\"%s\":", names[i]);
        json_write_string(l, vals[i], strlen(vals[i]));
    }
    buf_append_str(l, ",\"tags\":[");
    for (size_t i = 0; i < a->ntags; i++) {
        if (i)
            buf_append_char(l, ',');
        json_write_string(l, a->tags[i], strlen(a->tags[i]));
    }
    buf_append_str(l, "]},\"level\":");
    json_write_string(l, a->level, strlen(a->level));
    buf_append_str(l, ",\"title\":");
    json_write_string(l, a->title ? a->title : a->rule_id, strlen(a->title ? a->title : a->rule_id));
    if (a->title_ja) {
        buf_append_str(l, ",\"title_ja\":");
        json_write_string(l, a->title_ja, strlen(a->title_ja));
    }
    buf_append_str(l, ",\"key\":");
    json_write_string(l, a->key, strlen(a->key));
    if (a->group)
        buf_printf(l, ",\"group\":%s", a->group);
    mm_time_format(a->first_ns, MM_TIME_MICRO, t, sizeof t);
    buf_printf(l, ",\"first_seen\":\"%s\"", t);
    mm_time_format(a->last_ns, MM_TIME_MICRO, t, sizeof t);
    buf_printf(l, ",\"last_seen\":\"%s\",\"count\":%llu", t, (unsigned long long)a->count);
    if (a->why) {
        buf_append_str(l, ",\"why\":");
        json_write_string(l, a->why, strlen(a->why));
    }
    if (a->details)
        buf_printf(l, ",\"details\":%s", a->details);
    buf_append_str(l, ",\"events\":[");
    buf_append(l, a->events.data, a->events.len);
    buf_printf(l, "],\"events_omitted\":%llu}\n", (unsigned long long)a->omitted);

    if (s->fd < 0 || s->file_bytes >= s->o.file_size)
        open_file(s, now);
    if (s->fd < 0)
        return;
    /* one write per record: the file holds whole lines except, after a crash, the last */
    const char *p = l->data;
    size_t left = l->len;
    while (left) {
        ssize_t w = write(s->fd, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            if (s->st.write_errors++ == 0 || s->st.write_errors % 1000 == 0)
                mm_log_error("alert", "cannot write to the alert spool in '%s': %s", s->dir,
                             mm_strerror(errno));
            /* a partial line would merge with the next record: end it so readers skip it */
            if (left != l->len && write(s->fd, "\n", 1) < 0)
                s->st.write_errors++;
            return;
        }
        p += w;
        left -= (size_t)w;
    }
    s->file_bytes += l->len;
    s->unsynced = true;
    s->st.records++;
    a->dirty = false;
}

struct alert_sink *alert_sink_open(const struct alert_sink_options *o, struct mm_error *err)
{
    if (!o->dir || !*o->dir) {
        mm_error_set(err, MM_ERR_INVALID, "no alert spool directory");
        return NULL;
    }
    if (mkdir(o->dir, 0750) != 0 && errno != EEXIST) {
        mm_error_set(err, MM_ERR_IO, "cannot create alert spool '%s': %s", o->dir, mm_strerror(errno));
        return NULL;
    }
    struct stat stt;
    if (stat(o->dir, &stt) != 0 || !S_ISDIR(stt.st_mode) || access(o->dir, W_OK) != 0) {
        mm_error_set(err, MM_ERR_IO, "alert spool '%s' is not a writable directory", o->dir);
        return NULL;
    }
    struct alert_sink *s = mm_calloc(1, sizeof *s);
    s->o = *o;
    s->dir = mm_strdup(o->dir);
    s->sensor = mm_strdup(o->sensor ? o->sensor : "");
    s->o.max_events = o->max_events;
    if (!s->o.max_open)
        s->o.max_open = 1;
    s->nbuckets = 1024;
    s->table = mm_calloc(s->nbuckets, sizeof *s->table);
    s->fd = -1;
    buf_init(&s->line, BUF_NO_MAX);
    return s;
}

static void alert_free(struct open_alert *a)
{
    char *strs[] = { a->hkey, a->source, a->rule_id, a->title, a->title_ja, a->level, a->status,
                     a->path, a->key, a->group, a->why, a->details };
    for (size_t i = 0; i < MM_ARRAY_LEN(strs); i++)
        mm_free(strs[i]);
    for (size_t i = 0; i < a->ntags; i++)
        mm_free(a->tags[i]);
    mm_free(a->tags);
    buf_release(&a->events);
    mm_free(a);
}

static void unlink_alert(struct alert_sink *s, struct open_alert *a)
{
    struct open_alert **pp = &s->table[a->hash & (s->nbuckets - 1)];
    while (*pp != a)
        pp = &(*pp)->hnext;
    *pp = a->hnext;
    if (a->prev)
        a->prev->next = a->next;
    else
        s->head = a->next;
    if (a->next)
        a->next->prev = a->prev;
    else
        s->tail = a->prev;
    s->nopen--;
}

/* Write the alert's last update (when something was added since) and forget it. */
static void close_alert(struct alert_sink *s, struct open_alert *a, int64_t now)
{
    if (a->dirty) {
        a->version++;
        write_record(s, a, now);
    }
    unlink_alert(s, a);
    alert_free(a);
}

static void grow(struct alert_sink *s)
{
    size_t nb = s->nbuckets * 2;
    struct open_alert **t = mm_calloc(nb, sizeof *t);
    for (size_t i = 0; i < s->nbuckets; i++) {
        for (struct open_alert *a = s->table[i], *n; a; a = n) {
            n = a->hnext;
            a->hnext = t[a->hash & (nb - 1)];
            t[a->hash & (nb - 1)] = a;
        }
    }
    mm_free(s->table);
    s->table = t;
    s->nbuckets = nb;
}

/* Keep the report's events up to max_events; the rest of the events it stands for are counted. */
static void add_events(struct alert_sink *s, struct open_alert *a, const struct alert_report *r, uint64_t count)
{
    for (size_t i = 0; i < r->nevents; i++) {
        if (a->nevents >= s->o.max_events) {
            a->omitted++;
            continue;
        }
        if (a->nevents)
            buf_append_char(&a->events, ',');
        buf_append(&a->events, r->events[i], r->event_lens[i]);
        a->nevents++;
    }
    if (count > r->nevents)
        a->omitted += count - r->nevents;
}

void alert_sink_report(struct alert_sink *s, const struct alert_report *r, int64_t now)
{
    s->st.reports++;
    const char *key = r->key ? r->key : "";
    struct buf hk;
    buf_init(&hk, BUF_NO_MAX);
    buf_printf(&hk, "%s\x1f%s\x1f%s", r->source, r->rule_id, key);
    uint64_t h = hash_bytes(hk.data, hk.len);
    struct open_alert *a = s->table[h & (s->nbuckets - 1)];
    while (a && (a->hash != h || strcmp(a->hkey, hk.data) != 0))
        a = a->hnext;
    uint64_t c = r->count ? r->count : 1;
    if (a && now < a->window_end) {
        buf_release(&hk);
        s->st.aggregated++;
        a->count += c;
        if (r->first_ns && r->first_ns < a->first_ns)
            a->first_ns = r->first_ns;
        if (r->last_ns > a->last_ns)
            a->last_ns = r->last_ns;
        if (r->details_json) {
            mm_free(a->details);
            a->details = mm_strdup(r->details_json);
        }
        add_events(s, a, r, c);
        a->dirty = true;
        return;
    }
    if (a) /* its window has ended: this report opens the next alert of the key */
        close_alert(s, a, now);
    while (s->nopen >= s->o.max_open && s->head) {
        s->st.evicted++;
        close_alert(s, s->head, now);
    }
    a = mm_calloc(1, sizeof *a);
    a->hkey = buf_detach(&hk, NULL);
    a->hash = h;
    alert_uuid(a->id);
    a->version = 1;
    a->window_end = now + s->o.window_ns;
    a->source = mm_strdup(r->source);
    a->rule_id = mm_strdup(r->rule_id);
    a->title = dup_opt(r->title);
    a->title_ja = dup_opt(r->title_ja);
    a->level = mm_strdup(r->level ? r->level : "medium");
    a->status = dup_opt(r->status);
    a->path = dup_opt(r->path);
    a->key = mm_strdup(key);
    a->group = dup_opt(r->group_json);
    a->why = dup_opt(r->why);
    a->details = dup_opt(r->details_json);
    if (r->ntags) {
        a->tags = mm_calloc(r->ntags, sizeof *a->tags);
        for (size_t i = 0; i < r->ntags; i++)
            a->tags[a->ntags++] = mm_strdup(r->tags[i]);
    }
    a->first_ns = r->first_ns ? r->first_ns : r->last_ns;
    a->last_ns = r->last_ns ? r->last_ns : a->first_ns;
    a->count = c;
    buf_init(&a->events, BUF_NO_MAX);
    add_events(s, a, r, c);
    if (s->nopen + 1 > s->nbuckets)
        grow(s);
    a->hnext = s->table[h & (s->nbuckets - 1)];
    s->table[h & (s->nbuckets - 1)] = a;
    a->prev = s->tail;
    if (s->tail)
        s->tail->next = a;
    else
        s->head = a;
    s->tail = a;
    s->nopen++;
    s->st.alerts++;
    write_record(s, a, now);
}

void alert_sink_tick(struct alert_sink *s, int64_t now)
{
    while (s->head && s->head->window_end <= now)
        close_alert(s, s->head, now);
    if (s->fd >= 0 && s->unsynced) {
        if (fdatasync(s->fd) != 0)
            s->st.write_errors++;
        s->unsynced = false;
    }
    /* a quiet spool file is closed after an hour so that collectors can take it */
    if (s->fd >= 0 && now - s->file_opened > 3600 * MM_NS_PER_SEC) {
        close(s->fd);
        s->fd = -1;
    }
}

void alert_sink_close(struct alert_sink *s)
{
    if (!s)
        return;
    int64_t now = mm_now_ns();
    while (s->head)
        close_alert(s, s->head, now);
    if (s->fd >= 0) {
        if (fdatasync(s->fd) != 0)
            s->st.write_errors++;
        close(s->fd);
    }
    mm_free(s->table);
    mm_free(s->dir);
    mm_free(s->sensor);
    buf_release(&s->line);
    mm_free(s);
}

void alert_sink_stats(const struct alert_sink *s, struct alert_sink_stats *st)
{
    *st = s->st;
    st->open = s->nopen;
}
