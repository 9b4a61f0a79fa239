/* SPDX-License-Identifier: Apache-2.0 */
/* ship.c: the alert shipper (ship.h). */
#include "base/prelude.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/log.h"
#include "base/mtime.h"
#include "base/str.h"
#include "net/httpc.h"
#include "ship.h"

#include <jansson.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SHIP_BACKOFF_MIN_NS (1000000000ll)
#define SHIP_BACKOFF_MAX_NS (60ll * 1000000000)
#define SHIP_NAME_MAX 128

struct cursor {
    char file[SHIP_NAME_MAX]; /* "" : before the first file */
    uint64_t offset;
};

struct shipper {
    struct shipper_options o;
    char *server, *ca_file, *key_file, *enrol_token, *spool_dir, *state_dir;
    struct httpc *http;
    char key[256];
    struct cursor cur;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    atomic_bool stopping;
    struct shipper_stats st;
};

/* ---- the cursor ---- */

static void cursor_path(const struct shipper *s, char *out, size_t n)
{
    snprintf(out, n, "%s/ship.cursor", s->state_dir);
}

static void cursor_load(struct shipper *s)
{
    char path[1024], line[SHIP_NAME_MAX + 32];
    cursor_path(s, path, sizeof path);
    memset(&s->cur, 0, sizeof s->cur);
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    if (fgets(line, sizeof line, f)) {
        char *sp = strchr(line, ' ');
        uint64_t off = 0;
        if (sp && (size_t)(sp - line) < sizeof s->cur.file &&
            mm_parse_u64(sp + 1, strcspn(sp + 1, "\n"), UINT64_MAX, &off) == MM_OK) {
            memcpy(s->cur.file, line, (size_t)(sp - line));
            s->cur.file[sp - line] = '\0';
            s->cur.offset = off;
        }
    }
    fclose(f);
}

/* write, fsync, rename: a crash leaves the old cursor or the new one, never half of one */
static enum mm_status cursor_store(struct shipper *s, struct mm_error *err)
{
    char path[1024], tmp[1100];
    cursor_path(s, path, sizeof path);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return mm_error_set(err, MM_ERR_IO, "cannot write '%s': %s", tmp, mm_strerror(errno));
    char line[SHIP_NAME_MAX + 32];
    int n = snprintf(line, sizeof line, "%s %llu\n", s->cur.file, (unsigned long long)s->cur.offset);
    bool ok = write(fd, line, (size_t)n) == n && fsync(fd) == 0;
    close(fd);
    if (!ok || rename(tmp, path) != 0)
        return mm_error_set(err, MM_ERR_IO, "cannot replace '%s': %s", path, mm_strerror(errno));
    return MM_OK;
}

/* ---- the spool ---- */

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The spool's files, sorted (their names carry the UTC time they were opened). */
static size_t spool_files(const char *dir, char ***out)
{
    *out = NULL;
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    size_t n = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t len = strlen(de->d_name);
        if (len < 13 || len >= SHIP_NAME_MAX || strncmp(de->d_name, "alerts-", 7) ||
            strcmp(de->d_name + len - 6, ".jsonl"))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            *out = mm_reallocarray(*out, cap, sizeof **out);
        }
        (*out)[n++] = mm_strdup(de->d_name);
    }
    closedir(d);
    if (n)
        qsort(*out, n, sizeof **out, cmp_names);
    return n;
}

static void free_names(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        mm_free(v[i]);
    mm_free(v);
}

/* The next batch of whole lines from the cursor on: records [from the cursor's file and offset],
 * at most max bytes (at least one line). Moves the cursor to the next file when its file is
 * finished and a newer one exists. *end: the offset after the batch. */
static size_t next_batch(struct shipper *s, size_t max, struct buf *lines, uint64_t *end)
{
    buf_reset(lines);
    char **names;
    size_t n = spool_files(s->spool_dir, &names), got = 0;
    for (;;) {
        size_t i = 0;
        while (i < n && strcmp(names[i], s->cur.file) < 0)
            i++;
        if (i == n)
            break; /* nothing at or after the cursor */
        if (strcmp(names[i], s->cur.file)) {
            if (s->cur.file[0] && s->cur.offset) {
                /* the cursor's file is gone before it was finished: alert_spool_max deleted it */
                s->st.lost_files++;
                mm_log(MM_LOG_WARN, "ship", "spool file '%s' was deleted before it was shipped: its remaining alerts are "
                       "lost", s->cur.file);
            }
            snprintf(s->cur.file, sizeof s->cur.file, "%s", names[i]);
            s->cur.offset = 0;
        }
        char path[1200];
        snprintf(path, sizeof path, "%s/%s", s->spool_dir, s->cur.file);
        FILE *f = fopen(path, "rb");
        if (f && fseeko(f, (off_t)s->cur.offset, SEEK_SET) == 0) {
            char *line = NULL;
            size_t cap = 0;
            ssize_t len;
            uint64_t off = s->cur.offset;
            while (lines->len < max && (len = getline(&line, &cap, f)) > 0) {
                if (line[len - 1] != '\n')
                    break; /* a record still being written */
                if (len > 1) {
                    if (got)
                        buf_append_char(lines, ',');
                    buf_append(lines, line, (size_t)len - 1);
                    got++;
                }
                off += (uint64_t)len;
            }
            free(line); /* getline's */
            *end = off;
        } else {
            *end = s->cur.offset;
        }
        if (f)
            fclose(f);
        if (got || i + 1 == n)
            break;
        /* this file is done and a newer one exists: go on with it */
        snprintf(s->cur.file, sizeof s->cur.file, "%s", names[i + 1]);
        s->cur.offset = 0;
    }
    free_names(names, n);
    return got;
}

/* ---- talking to the server ---- */

static bool load_key(struct shipper *s)
{
    FILE *f = fopen(s->key_file, "r");
    if (!f)
        return false;
    bool ok = fgets(s->key, sizeof s->key, f) != NULL;
    fclose(f);
    s->key[strcspn(s->key, "\r\n")] = '\0';
    return ok && !strncmp(s->key, "mmk_", 4);
}

static enum mm_status enrol(struct shipper *s, struct mm_error *err)
{
    if (!s->enrol_token || !*s->enrol_token)
        return mm_error_set(err, MM_ERR_STATE, "no sensor key in '%s' and no server_enrol_token to get one",
                            s->key_file);
    json_t *req = json_pack("{s:s}", "token", s->enrol_token);
    char *body = json_dumps(req, JSON_COMPACT);
    json_decref(req);
    static const char *const headers[] = { "Content-Type: application/json", NULL };
    unsigned status = 0;
    struct buf resp;
    buf_init(&resp, BUF_NO_MAX);
    enum mm_status rc = httpc_request(s->http, "POST", "/api/v1/sensor/enrol", headers, body, strlen(body), &status,
                                      &resp, err);
    free(body);
    if (rc == MM_OK && status != 200)
        rc = mm_error_set(err, MM_ERR_DENIED, "enrolment refused by the server (%u): %.200s", status, resp.data);
    json_t *ans = rc == MM_OK ? json_loads(resp.data, 0, NULL) : NULL;
    const char *key = json_string_value(json_object_get(ans, "key"));
    if (rc == MM_OK && !key)
        rc = mm_error_set(err, MM_ERR_PARSE, "the server's enrolment answer has no key");
    if (rc == MM_OK) {
        char tmp[1100];
        snprintf(tmp, sizeof tmp, "%s.tmp", s->key_file);
        int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        size_t kl = strlen(key);
        if (fd < 0 || write(fd, key, kl) != (ssize_t)kl || write(fd, "\n", 1) != 1 || fsync(fd) != 0 ||
            rename(tmp, s->key_file) != 0)
            rc = mm_error_set(err, MM_ERR_IO, "cannot write the sensor key to '%s': %s", s->key_file,
                              mm_strerror(errno));
        if (fd >= 0)
            close(fd);
        snprintf(s->key, sizeof s->key, "%s", key);
        if (rc == MM_OK)
            mm_log(MM_LOG_INFO, "ship", "enrolled with %s as sensor %lld; key kept in '%s'", s->server,
                   (long long)json_integer_value(json_object_get(ans, "sensor_id")), s->key_file);
    }
    json_decref(ans);
    buf_release(&resp);
    return rc;
}

/* POST a batch ("rec,rec,..."). *status: the HTTP status (0: no answer). */
static enum mm_status post(struct shipper *s, const char *recs, size_t len, unsigned *status, struct buf *resp,
                           struct mm_error *err)
{
    struct buf body;
    buf_init(&body, BUF_NO_MAX);
    buf_append_str(&body, "{\"alerts\":[");
    buf_append(&body, recs, len);
    buf_append_str(&body, "]}");
    char authz[300];
    snprintf(authz, sizeof authz, "Authorization: Bearer %s", s->key);
    const char *headers[] = { "Content-Type: application/json", authz, NULL };
    *status = 0;
    buf_reset(resp);
    enum mm_status rc = httpc_request(s->http, "POST", "/api/v1/sensor/alerts", headers, body.data, body.len, status,
                                      resp, err);
    buf_release(&body);
    return rc;
}

/* The batch was refused as malformed: send its records one by one, skip (and log) the ones the
 * server refuses. MM_OK when every record was either accepted or skipped. */
static enum mm_status isolate(struct shipper *s, const char *recs, size_t len, struct buf *resp, struct mm_error *err)
{
    /* records are separated by ',' between '}' and '{' at the top level: split by scanning depth */
    size_t start = 0;
    int depth = 0;
    bool str = false, esc = false;
    for (size_t i = 0; i <= len; i++) {
        char ch = i < len ? recs[i] : ',';
        if (str) {
            if (esc)
                esc = false;
            else if (ch == '\\')
                esc = true;
            else if (ch == '"')
                str = false;
            continue;
        }
        if (ch == '"')
            str = true;
        else if (ch == '{' || ch == '[')
            depth++;
        else if (ch == '}' || ch == ']')
            depth--;
        else if (ch == ',' && depth <= 0) {
            unsigned status = 0;
            enum mm_status rc = post(s, recs + start, i - start, &status, resp, err);
            if (rc != MM_OK)
                return rc;
            if (status == 400 || status == 413) {
                s->st.refused++;
                mm_log(MM_LOG_ERROR, "ship", "the server refused an alert record (%u: %.200s): skipped: %.200s", status,
                       resp->data, recs + start);
            } else if (status != 200) {
                return mm_error_set(err, MM_ERR_IO, "the server answered %u: %.200s", status, resp->data);
            } else {
                s->st.shipped++;
            }
            start = i + 1;
            depth = 0;
        }
    }
    return MM_OK;
}

/* One round: enrol if needed, send one batch. MM_OK: progress or nothing to do (*idle), else
 * an error to back off from. */
static enum mm_status round_once(struct shipper *s, struct buf *lines, struct buf *resp, bool *idle,
                                 struct mm_error *err)
{
    *idle = false;
    enum mm_status rc;
    if (!s->key[0] && !load_key(s)) {
        if ((rc = enrol(s, err)) != MM_OK)
            return rc;
    }
    s->st.enrolled = true;
    uint64_t end = 0;
    struct cursor before = s->cur;
    size_t n = next_batch(s, s->o.batch_bytes, lines, &end);
    if (!n) {
        *idle = true;
        if (strcmp(before.file, s->cur.file) || before.offset != s->cur.offset)
            cursor_store(s, err);
        return MM_OK;
    }
    unsigned status = 0;
    if ((rc = post(s, lines->data, lines->len, &status, resp, err)) != MM_OK) {
        s->cur = before;
        return rc;
    }
    if (status == 401 || status == 403) {
        s->cur = before;
        return mm_error_set(err, MM_ERR_DENIED, "the server refused the sensor key (%u): %.200s", status, resp->data);
    }
    if (status == 400 || status == 413) {
        if ((rc = isolate(s, lines->data, lines->len, resp, err)) != MM_OK) {
            s->cur = before;
            return rc;
        }
    } else if (status != 200) {
        s->cur = before;
        return mm_error_set(err, MM_ERR_IO, "the server answered %u: %.200s", status, resp->data);
    } else {
        s->st.shipped += n;
    }
    s->st.batches++;
    s->cur.offset = end;
    return cursor_store(s, err);
}

static enum mm_status shipper_init(struct shipper *s, const struct shipper_options *o, struct mm_error *err)
{
    s->o = *o;
    s->server = mm_strdup(o->server);
    s->ca_file = o->ca_file && *o->ca_file ? mm_strdup(o->ca_file) : NULL;
    s->key_file = mm_strdup(o->key_file);
    s->enrol_token = o->enrol_token ? mm_strdup(o->enrol_token) : NULL;
    s->spool_dir = mm_strdup(o->spool_dir);
    s->state_dir = mm_strdup(o->state_dir);
    if (!s->o.batch_bytes)
        s->o.batch_bytes = 256 * 1024;
    if (!s->o.interval_ns)
        s->o.interval_ns = 2000000000ll;
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    cursor_load(s);
    s->http = httpc_new(s->server, s->ca_file, err);
    return s->http ? MM_OK : MM_ERR_INVALID;
}

static void shipper_release(struct shipper *s)
{
    httpc_free(s->http);
    mm_free(s->server);
    mm_free(s->ca_file);
    mm_free(s->key_file);
    mm_free(s->enrol_token);
    mm_free(s->spool_dir);
    mm_free(s->state_dir);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cv);
}

/* sleep up to ns, or until stopped */
static void pause_for(struct shipper *s, int64_t ns)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int64_t t = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec + ns;
    ts.tv_sec = t / 1000000000;
    ts.tv_nsec = t % 1000000000;
    pthread_mutex_lock(&s->mu);
    while (!atomic_load(&s->stopping))
        if (pthread_cond_timedwait(&s->cv, &s->mu, &ts) != 0)
            break;
    pthread_mutex_unlock(&s->mu);
}

static void *ship_main(void *arg)
{
    struct shipper *s = arg;
    struct buf lines, resp;
    buf_init(&lines, BUF_NO_MAX);
    buf_init(&resp, BUF_NO_MAX);
    int64_t backoff = 0;
    while (!atomic_load(&s->stopping)) {
        struct mm_error err = { "" };
        bool idle = false;
        pthread_mutex_lock(&s->mu);
        enum mm_status rc = round_once(s, &lines, &resp, &idle, &err);
        if (rc != MM_OK) {
            s->st.failures++;
            snprintf(s->st.last_error, sizeof s->st.last_error, "%s", err.msg);
        }
        pthread_mutex_unlock(&s->mu);
        if (rc != MM_OK) {
            backoff = backoff ? MM_MIN(backoff * 2, SHIP_BACKOFF_MAX_NS) : SHIP_BACKOFF_MIN_NS;
            mm_log(MM_LOG_WARN, "ship", "cannot ship alerts to %s: %s (retrying in %lld s)", s->server, err.msg,
                   (long long)(backoff / 1000000000));
            pause_for(s, backoff);
        } else {
            backoff = 0;
            if (idle)
                pause_for(s, s->o.interval_ns);
        }
    }
    buf_release(&lines);
    buf_release(&resp);
    return NULL;
}

struct shipper *shipper_start(const struct shipper_options *o, struct mm_error *err)
{
    struct shipper *s = mm_calloc(1, sizeof *s);
    if (shipper_init(s, o, err) != MM_OK) {
        shipper_release(s);
        mm_free(s);
        return NULL;
    }
    if (pthread_create(&s->thread, NULL, ship_main, s) != 0) {
        mm_error_set(err, MM_ERR_IO, "cannot start the shipping thread");
        shipper_release(s);
        mm_free(s);
        return NULL;
    }
    return s;
}

void shipper_stop(struct shipper *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->mu);
    atomic_store(&s->stopping, true);
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
    pthread_join(s->thread, NULL);
    shipper_release(s);
    mm_free(s);
}

void shipper_get_stats(struct shipper *s, struct shipper_stats *st)
{
    pthread_mutex_lock(&s->mu);
    *st = s->st;
    pthread_mutex_unlock(&s->mu);
}

enum mm_status shipper_drain(const struct shipper_options *o, struct shipper_stats *st, struct mm_error *err)
{
    struct shipper *s = mm_calloc(1, sizeof *s);
    enum mm_status rc = shipper_init(s, o, err);
    struct buf lines, resp;
    buf_init(&lines, BUF_NO_MAX);
    buf_init(&resp, BUF_NO_MAX);
    bool idle = false;
    while (rc == MM_OK && !idle)
        rc = round_once(s, &lines, &resp, &idle, err);
    buf_release(&lines);
    buf_release(&resp);
    *st = s->st;
    shipper_release(s);
    mm_free(s);
    return rc;
}
