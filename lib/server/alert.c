/* SPDX-License-Identifier: Apache-2.0 */
/* alert.c: alerts from the sensors, the centre's triage (true or false positive, merge), and the
 * counts per Japanese fiscal year. Every read and change is confined to the actor's subtree. */
#include "base/prelude.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/mtime.h"
#include "base/str.h"
#include "server/server.h"
#include "server/internal.h"

#include <stdio.h>
#include <string.h>

static const char *const levels[] = { "informational", "low", "medium", "high", "critical" };

int alert_level_rank(const char *level)
{
    for (size_t i = 0; level && i < MM_ARRAY_LEN(levels); i++)
        if (!strcmp(levels[i], level))
            return (int)i;
    return -1;
}

/* "2026-11-23T12:00:00.123456Z" (the sensor's format; any fraction, Z only) to Unix seconds */
static bool parse_utc(const char *s, int64_t *out)
{
    if (!s || strlen(s) < 20)
        return false;
    int64_t v[6];
    static const int at[6] = { 0, 5, 8, 11, 14, 17 }, len[6] = { 4, 2, 2, 2, 2, 2 };
    for (int i = 0; i < 6; i++)
        if (mm_parse_i64(s + at[i], (size_t)len[i], &v[i]) != MM_OK)
            return false;
    if (s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':')
        return false;
    const char *p = s + 19;
    if (*p == '.')
        for (p++; mm_is_digit(*p); p++)
            ;
    if (strcmp(p, "Z") || !mm_date_valid((int)v[0], (int)v[1], (int)v[2]) || v[3] > 23 || v[4] > 59 || v[5] > 60)
        return false;
    *out = mm_utc_seconds((int)v[0], (int)v[1], (int)v[2], (int)v[3], (int)v[4], (int)v[5]);
    return true;
}

int fiscal_year(int64_t t)
{
    int y, mon, d, h, mi, s;
    mm_civil_from_seconds(t + 9 * 3600, &y, &mon, &d, &h, &mi, &s);
    return mon >= 4 ? y : y - 1;
}

/* What an alert adds to the threats recognised: its events, unless judged a false positive. */
static int64_t threat_events(const char *status, int64_t count)
{
    return strcmp(status, "false_positive") ? count : 0;
}

/* Keep alert_counts in step with a change (in the caller's transaction). */
static enum mm_status counts_add(struct db *db, int64_t org, int64_t first_seen, int64_t d_alerts, int64_t d_threats,
                                 struct mm_error *err)
{
    if (!d_alerts && !d_threats)
        return MM_OK;
    struct db_stmt *st = db_prepare(db,
                                    "INSERT INTO alert_counts (org_id, fiscal_year, alerts, threats) VALUES (?, ?, ?, ?) "
                                    "ON CONFLICT (org_id, fiscal_year) DO UPDATE SET alerts = alert_counts.alerts + "
                                    "excluded.alerts, threats = alert_counts.threats + excluded.threats",
                                    err);
    if (!st)
        return MM_ERR_IO;
    db_bind_int64(st, 1, org);
    db_bind_int64(st, 2, fiscal_year(first_seen));
    db_bind_int64(st, 3, d_alerts);
    db_bind_int64(st, 4, d_threats);
    int r = db_step(st, err);
    db_finalize(st);
    return step_status(r);
}

static const char *jstr(json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

enum mm_status alert_ingest(struct db *db, const struct actor *sensor, json_t *al, int *outcome, struct mm_error *err)
{
    *outcome = 0;
    const char *uid = jstr(al, "id"), *source = jstr(al, "source"), *level = jstr(al, "level"),
               *title = jstr(al, "title"), *key = jstr(al, "key");
    json_t *rule = json_object_get(al, "rule"), *ver = json_object_get(al, "version"),
           *count = json_object_get(al, "count");
    int64_t first = 0, last = 0;
    if (!uid || strlen(uid) < 8 || strlen(uid) > 64)
        return mm_error_set(err, MM_ERR_INVALID, "alert without an id");
    if (!json_is_integer(ver) || json_integer_value(ver) < 1)
        return mm_error_set(err, MM_ERR_INVALID, "alert %s: 'version' must be a positive integer", uid);
    if (!source || !title || !json_is_object(rule) || !jstr(rule, "id"))
        return mm_error_set(err, MM_ERR_INVALID, "alert %s: 'source', 'title' and 'rule.id' are required", uid);
    if (alert_level_rank(level) < 0)
        return mm_error_set(err, MM_ERR_INVALID, "alert %s: 'level' must be informational, low, medium, high or "
                                                 "critical", uid);
    if (!parse_utc(jstr(al, "first_seen"), &first) || !parse_utc(jstr(al, "last_seen"), &last))
        return mm_error_set(err, MM_ERR_INVALID, "alert %s: 'first_seen' and 'last_seen' must be UTC times "
                                                 "(2026-11-23T12:00:00Z)", uid);
    if (!json_is_integer(count) || json_integer_value(count) < 1)
        return mm_error_set(err, MM_ERR_INVALID, "alert %s: 'count' must be a positive integer", uid);
    enum mm_status rc;
    if ((rc = server_text_valid("title", title, 1000, true, err)) != MM_OK)
        return rc;
    /* what is stored: nothing (insert), an older version (replace it, keeping the centre's
     * judgement), or this version or a newer one (nothing to do: a repeated delivery) */
    struct db_stmt *st = db_prepare(db, "SELECT id, version, org_id, first_seen, count, status FROM alerts WHERE uid = ?",
                                    err);
    if (!st)
        return MM_ERR_IO;
    db_bind_str(st, 1, uid);
    int r = db_step(st, err);
    int64_t id = 0, have = 0, org = 0, old_first = 0, old_count = 0;
    char old_status[24] = "";
    if (r == DB_ROW) {
        id = db_column_int64(st, 0);
        have = db_column_int64(st, 1);
        org = db_column_int64(st, 2);
        old_first = db_column_int64(st, 3);
        old_count = db_column_int64(st, 4);
        snprintf(old_status, sizeof old_status, "%s", db_column_text(st, 5, NULL));
    }
    db_finalize(st);
    if (r != DB_ROW && r != DB_DONE)
        return (enum mm_status)r;
    if (id && org != sensor->org_id)
        return mm_error_set(err, MM_ERR_EXISTS, "alert %s: the id belongs to another organisation's alert", uid);
    if (id && have >= json_integer_value(ver))
        return MM_OK;
    char *body = json_dumps(al, JSON_COMPACT);
    json_t *tagv = json_object_get(rule, "tags");
    char *tags = json_is_array(tagv) ? json_dumps(tagv, JSON_COMPACT) : NULL;
    st = db_prepare(db,
                    id ? "UPDATE alerts SET version = ?, sensor_id = ?, source = ?, rule_id = ?, title = ?, "
                         "title_ja = ?, level = ?, tags = ?, group_key = ?, first_seen = ?, last_seen = ?, count = ?, "
                         "body = ?, received_at = ? WHERE id = ?"
                       : "INSERT INTO alerts (version, sensor_id, source, rule_id, title, title_ja, level, tags, "
                         "group_key, first_seen, last_seen, count, body, received_at, uid, org_id) VALUES (?, ?, ?, ?, "
                         "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    err);
    if (st) {
        db_bind_int64(st, 1, json_integer_value(ver));
        if (sensor->sensor_id)
            db_bind_int64(st, 2, sensor->sensor_id);
        db_bind_str(st, 3, source);
        db_bind_str(st, 4, jstr(rule, "id"));
        db_bind_str(st, 5, title);
        db_bind_str(st, 6, jstr(al, "title_ja") ? jstr(al, "title_ja") : "");
        db_bind_str(st, 7, level);
        db_bind_str(st, 8, tags ? tags : "[]");
        db_bind_str(st, 9, key ? key : "");
        db_bind_int64(st, 10, first);
        db_bind_int64(st, 11, last);
        db_bind_int64(st, 12, json_integer_value(count));
        db_bind_str(st, 13, body);
        db_bind_int64(st, 14, server_now());
        if (id) {
            db_bind_int64(st, 15, id);
        } else {
            db_bind_str(st, 15, uid);
            db_bind_int64(st, 16, sensor->org_id);
        }
        r = db_step(st, err);
        db_finalize(st);
    }
    free(body);
    free(tags);
    if (!st)
        return MM_ERR_IO;
    if (r != DB_DONE)
        return step_status(r);
    *outcome = id ? 2 : 1;
    int64_t n = json_integer_value(count);
    if (!id)
        return counts_add(db, sensor->org_id, first, 1, n, err);
    /* a new version: the events it adds; a changed first sighting moves the alert between years */
    rc = counts_add(db, org, old_first, -1, -threat_events(old_status, old_count), err);
    if (rc == MM_OK)
        rc = counts_add(db, org, first, 1, threat_events(old_status, n), err);
    return rc;
}

/* ---- reading ---- */

static const char *const alert_cols[] = { "#id",         "uid",          "#version",    "#org_id",   "org_code",
                                          "source",      "rule_id",      "title",       "title_ja",  "level",
                                          "tags",        "group_key",    "#first_seen", "#last_seen", "#count",
                                          "status",      "?merged_into", "?triaged_by", "?triaged_at", "triage_note",
                                          "?notification_id", "#received_at" };
/* alerts first, then each one's organisation (CROSS JOIN keeps that order in SQLite; PostgreSQL plans
 * it as the inner join it is): newest-first lists walk the alerts' index and stop at the page */
#define ALERT_SELECT                                                                                                   \
    "SELECT a.id, a.uid, a.version, a.org_id, o.code, a.source, a.rule_id, a.title, a.title_ja, a.level, a.tags, "    \
    "a.group_key, a.first_seen, a.last_seen, a.count, a.status, a.merged_into, a.triaged_by, a.triaged_at, "          \
    "a.triage_note, a.notification_id, a.received_at FROM alerts a CROSS JOIN orgs o "

static json_t *alert_row(struct db_stmt *st)
{
    json_t *o = db_row_json(st, alert_cols, MM_ARRAY_LEN(alert_cols));
    json_t *tags = json_loads(json_string_value(json_object_get(o, "tags")), 0, NULL);
    json_object_set_new(o, "tags", tags ? tags : json_array());
    return o;
}

/* The path of the organisation a query is about (the actor's home when 0), checked for a
 * permission there. */
static enum mm_status query_path(struct db *db, const struct actor *a, int64_t org, enum perm p, char *path,
                                 size_t n, struct mm_error *err)
{
    snprintf(path, n, "%s", a->path);
    enum mm_status rc = org ? org_path(db, a, org, path, n, err) : MM_OK;
    if (rc == MM_OK && !actor_can(a, p, path))
        rc = mm_error_set(err, MM_ERR_DENIED, "reading alerts and notifications there needs an analyst's, a CSIRT's "
                                              "or a security manager's role");
    return rc;
}

static void like_pattern(struct buf *b, const char *q)
{
    buf_append_char(b, '%');
    for (; *q; q++) {
        if (*q == '%' || *q == '_' || *q == '\\')
            buf_append_char(b, '\\');
        buf_append_char(b, *q);
    }
    buf_append_char(b, '%');
}

json_t *alert_list(struct db *db, const struct actor *a, const struct alert_query *q, enum mm_status *rc,
                   struct mm_error *err)
{
    char path[ORG_PATH_MAX], hi[ORG_PATH_MAX];
    if ((*rc = query_path(db, a, q->org_id, PERM_READ_ALERTS, path, sizeof path, err)) != MM_OK)
        return NULL;
    scope_upper(path, hi, sizeof hi);
    unsigned limit = q->limit ? MM_MIN(q->limit, 1000u) : 50;
    struct buf sql, like;
    buf_init(&sql, BUF_NO_MAX);
    buf_init(&like, 1024);
    buf_append_str(&sql, ALERT_SELECT "WHERE o.id = a.org_id AND o.path >= ? AND o.path < ? AND o.path >= ? AND "
                                      "o.path < ? AND a.id < ?");
    if (q->status)
        buf_append_str(&sql, " AND a.status = ?");
    if (q->level)
        buf_append_str(&sql, " AND a.level = ?");
    if (q->q) {
        buf_append_str(&sql, " AND (a.title LIKE ? ESCAPE '\\' OR a.rule_id LIKE ? ESCAPE '\\')");
        like_pattern(&like, q->q);
    }
    if (q->since)
        buf_append_str(&sql, " AND a.first_seen >= ?");
    if (q->until)
        buf_append_str(&sql, " AND a.first_seen < ?");
    buf_printf(&sql, " ORDER BY a.id DESC LIMIT %u", limit + 1);
    struct db_stmt *st = db_prepare(db, sql.data, err);
    buf_release(&sql);
    json_t *arr = NULL;
    *rc = MM_ERR_IO;
    if (st) {
        unsigned i = 1;
        scope_bind(st, i, a);
        i += 2;
        db_bind_str(st, i++, path);
        db_bind_str(st, i++, hi);
        db_bind_int64(st, i++, q->before_id > 0 ? q->before_id : INT64_MAX);
        if (q->status)
            db_bind_str(st, i++, q->status);
        if (q->level)
            db_bind_str(st, i++, q->level);
        if (q->q) {
            db_bind_text(st, i++, like.data, like.len);
            db_bind_text(st, i++, like.data, like.len);
        }
        if (q->since)
            db_bind_int64(st, i++, q->since);
        if (q->until)
            db_bind_int64(st, i++, q->until);
        arr = json_array();
        int r;
        int64_t last = 0;
        bool more = false;
        while ((r = db_step(st, err)) == DB_ROW) {
            if (json_array_size(arr) == limit) {
                more = true;
                break;
            }
            json_t *o = alert_row(st);
            last = json_integer_value(json_object_get(o, "id"));
            json_array_append_new(arr, o);
        }
        db_finalize(st);
        if (r < 0 || r > DB_ROW) {
            *rc = (enum mm_status)r;
            json_decref(arr);
            arr = NULL;
        } else {
            *rc = MM_OK;
            arr = json_pack("{s:o, s:o}", "alerts", arr, "next_before", more ? json_integer(last) : json_null());
        }
    }
    buf_release(&like);
    return arr;
}

json_t *alert_get(struct db *db, const struct actor *a, int64_t id, enum mm_status *rc, struct mm_error *err)
{
    *rc = MM_ERR_IO;
    struct db_stmt *st = db_prepare(db,
                    "SELECT a.id, a.uid, a.version, a.org_id, o.code, a.source, a.rule_id, a.title, a.title_ja, "
                    "a.level, a.tags, a.group_key, a.first_seen, a.last_seen, a.count, a.status, a.merged_into, "
                    "a.triaged_by, a.triaged_at, a.triage_note, a.notification_id, a.received_at, a.body, o.path "
                    "FROM alerts a JOIN orgs o ON o.id = a.org_id WHERE a.id = ? AND o.path >= ? AND o.path < ?",
                    err);
    if (!st)
        return NULL;
    db_bind_int64(st, 1, id);
    scope_bind(st, 2, a);
    int r = db_step(st, err);
    json_t *o = NULL;
    if (r == DB_ROW) {
        if (!actor_can(a, PERM_READ_ALERTS, db_column_text(st, 23, NULL))) {
            *rc = mm_error_set(err, MM_ERR_DENIED, "reading alerts there needs an analyst's, a CSIRT's or a security "
                                                   "manager's role");
        } else {
            o = alert_row(st);
            json_t *body = json_loads(db_column_text(st, 22, NULL), 0, NULL);
            json_object_set_new(o, "alert", body ? body : json_null());
            *rc = MM_OK;
        }
    } else if (r == DB_DONE) {
        *rc = mm_error_set(err, MM_ERR_NOT_FOUND, "no alert %lld", (long long)id);
    } else {
        *rc = (enum mm_status)r;
    }
    db_finalize(st);
    return o;
}

/* ---- the centre's judgement ---- */

/* The alert's organisation path and status, in scope. */
static enum mm_status alert_where(struct db *db, const struct actor *a, int64_t id, char *path, size_t n,
                                  char *status, size_t sn, int64_t *org, struct mm_error *err)
{
    struct db_stmt *st = db_prepare(db,
                                    "SELECT o.path, a.status, a.org_id FROM alerts a JOIN orgs o ON o.id = a.org_id "
                                    "WHERE a.id = ? AND o.path >= ? AND o.path < ?",
                                    err);
    if (!st)
        return MM_ERR_IO;
    db_bind_int64(st, 1, id);
    scope_bind(st, 2, a);
    int r = db_step(st, err);
    enum mm_status rc = MM_OK;
    if (r == DB_ROW) {
        snprintf(path, n, "%s", db_column_text(st, 0, NULL));
        snprintf(status, sn, "%s", db_column_text(st, 1, NULL));
        if (org)
            *org = db_column_int64(st, 2);
    } else {
        rc = r == DB_DONE ? mm_error_set(err, MM_ERR_NOT_FOUND, "no alert %lld", (long long)id) : step_status(r);
    }
    db_finalize(st);
    return rc;
}

static enum mm_status set_status(struct db *db, const struct actor *a, int64_t id, const char *status,
                                 const char *note, int64_t merged_into, struct mm_error *err)
{
    struct db_stmt *st = db_prepare(db, "SELECT org_id, first_seen, count, status FROM alerts WHERE id = ?", err);
    if (!st)
        return MM_ERR_IO;
    db_bind_int64(st, 1, id);
    int r = db_step(st, err);
    if (r == DB_ROW) {
        int64_t org = db_column_int64(st, 0), first = db_column_int64(st, 1), count = db_column_int64(st, 2);
        int64_t delta = threat_events(status, count) - threat_events(db_column_text(st, 3, NULL), count);
        db_finalize(st);
        enum mm_status rc = counts_add(db, org, first, 0, delta, err);
        if (rc != MM_OK)
            return rc;
    } else {
        db_finalize(st);
        return r == DB_DONE ? mm_error_set(err, MM_ERR_NOT_FOUND, "no alert %lld", (long long)id) : step_status(r);
    }
    st = db_prepare(db,
                                    "UPDATE alerts SET status = ?, triage_note = ?, triaged_by = ?, triaged_at = ?, "
                                    "merged_into = ? WHERE id = ?",
                                    err);
    if (!st)
        return MM_ERR_IO;
    db_bind_str(st, 1, status);
    db_bind_str(st, 2, note ? note : "");
    if (a->person_id)
        db_bind_int64(st, 3, a->person_id);
    db_bind_int64(st, 4, server_now());
    if (merged_into)
        db_bind_int64(st, 5, merged_into);
    db_bind_int64(st, 6, id);
    r = db_step(st, err);
    db_finalize(st);
    return step_status(r);
}

enum mm_status alert_triage(struct db *db, const struct actor *a, int64_t id, const char *status, const char *note,
                            struct mm_error *err)
{
    if (!status || (strcmp(status, "true_positive") && strcmp(status, "false_positive") && strcmp(status, "new")))
        return mm_error_set(err, MM_ERR_INVALID, "status must be true_positive, false_positive or new");
    enum mm_status rc = server_prose_valid("note", note, 4000, false, err);
    if (rc != MM_OK)
        return rc;
    char path[ORG_PATH_MAX], cur[24];
    int64_t org = 0;
    if ((rc = alert_where(db, a, id, path, sizeof path, cur, sizeof cur, &org, err)) != MM_OK)
        return rc;
    if (!actor_can(a, PERM_TRIAGE, path))
        return mm_error_set(err, MM_ERR_DENIED, "judging alerts needs the analyst role");
    if (!strcmp(cur, "merged"))
        return mm_error_set(err, MM_ERR_STATE, "alert %lld was merged into another: judge that one", (long long)id);
    if ((rc = set_status(db, a, id, status, note, 0, err)) != MM_OK)
        return rc;
    char obj[48];
    json_t *d = json_pack("{s:s, s:s, s:s}", "from", cur, "to", status, "note", note ? note : "");
    rc = audit_append(db, a, "alert.triage", audit_object(obj, sizeof obj, "alert", id), org, d, err);
    json_decref(d);
    return rc;
}

enum mm_status alert_merge(struct db *db, const struct actor *a, int64_t id, int64_t into, struct mm_error *err)
{
    if (id == into)
        return mm_error_set(err, MM_ERR_INVALID, "an alert cannot be merged into itself");
    char p1[ORG_PATH_MAX], p2[ORG_PATH_MAX], s1[24], s2[24];
    int64_t org = 0;
    enum mm_status rc;
    if ((rc = alert_where(db, a, id, p1, sizeof p1, s1, sizeof s1, &org, err)) != MM_OK ||
        (rc = alert_where(db, a, into, p2, sizeof p2, s2, sizeof s2, NULL, err)) != MM_OK)
        return rc;
    if (!actor_can(a, PERM_TRIAGE, p1) || !actor_can(a, PERM_TRIAGE, p2))
        return mm_error_set(err, MM_ERR_DENIED, "merging alerts needs the analyst role");
    if (!strcmp(s2, "merged"))
        return mm_error_set(err, MM_ERR_STATE, "alert %lld is itself merged: merge into the one it was merged into",
                            (long long)into);
    if ((rc = set_status(db, a, id, "merged", "", into, err)) != MM_OK)
        return rc;
    /* what was merged into id follows it */
    struct db_stmt *st = db_prepare(db, "UPDATE alerts SET merged_into = ? WHERE merged_into = ?", err);
    if (!st)
        return MM_ERR_IO;
    db_bind_int64(st, 1, into);
    db_bind_int64(st, 2, id);
    int r = db_step(st, err);
    db_finalize(st);
    if (r != DB_DONE)
        return step_status(r);
    char obj[48];
    json_t *d = json_pack("{s:I}", "into", (json_int_t)into);
    rc = audit_append(db, a, "alert.merge", audit_object(obj, sizeof obj, "alert", id), org, d, err);
    json_decref(d);
    return rc;
}

/* ---- counts per fiscal year ---- */

struct fy_row {
    int fy;
    int64_t alerts, threats, notifications;
};

json_t *stats_fiscal_years(struct db *db, const struct actor *a, enum mm_status *rc, struct mm_error *err)
{
    char path[ORG_PATH_MAX];
    if ((*rc = query_path(db, a, 0, PERM_READ_ALERTS, path, sizeof path, err)) != MM_OK)
        return NULL;
    *rc = MM_ERR_IO;
    /* the kept counts of the organisations in scope, by year */
    struct db_stmt *st = db_prepare(db,
                                    "SELECT c.fiscal_year, SUM(c.alerts), SUM(c.threats) FROM alert_counts c JOIN orgs o "
                                    "ON o.id = c.org_id WHERE o.path >= ? AND o.path < ? GROUP BY c.fiscal_year "
                                    "ORDER BY c.fiscal_year",
                                    err);
    if (!st)
        return NULL;
    scope_bind(st, 1, a);
    enum { YEARS = 64 };
    struct fy_row y[YEARS];
    int ny = 0, r;
    while ((r = db_step(st, err)) == DB_ROW && ny < YEARS)
        y[ny++] = (struct fy_row){ (int)db_column_int64(st, 0), db_column_int64(st, 1), db_column_int64(st, 2), 0 };
    db_finalize(st);
    if (r != DB_DONE && r != DB_ROW)
        return NULL;
    /* notifications are few (hundreds a year): their years are counted here */
    st = db_prepare(db,
                    "SELECT n.created_at FROM notifications n JOIN orgs o ON o.id = n.org_id WHERE o.path >= ? AND "
                    "o.path < ?",
                    err);
    if (!st)
        return NULL;
    scope_bind(st, 1, a);
    while ((r = db_step(st, err)) == DB_ROW) {
        int fy = fiscal_year(db_column_int64(st, 0)), k = 0;
        while (k < ny && y[k].fy != fy)
            k++;
        if (k == ny) {
            if (ny == YEARS)
                continue;
            y[ny++] = (struct fy_row){ fy, 0, 0, 0 };
        }
        y[k].notifications++;
    }
    db_finalize(st);
    if (r != DB_DONE)
        return NULL;
    json_t *years = json_array();
    for (int fy = 0; ny && fy < ny; fy++) {
        /* in year order (notifications may have added a year at the end) */
        int best = fy;
        for (int k = fy + 1; k < ny; k++)
            if (y[k].fy < y[best].fy)
                best = k;
        struct fy_row t = y[fy];
        y[fy] = y[best];
        y[best] = t;
        json_array_append_new(years, json_pack("{s:i, s:I, s:I, s:I}", "fiscal_year", y[fy].fy, "alerts",
                                               (json_int_t)y[fy].alerts, "threats", (json_int_t)y[fy].threats,
                                               "notifications", (json_int_t)y[fy].notifications));
    }
    *rc = MM_OK;
    return json_pack("{s:o}", "fiscal_years", years);
}

enum mm_status alert_counts_rebuild(struct db *db, int64_t *alerts, struct mm_error *err)
{
    *alerts = 0;
    enum mm_status rc = db_exec(db, "DELETE FROM alert_counts", err);
    if (rc != MM_OK)
        return rc;
    /* accumulate per organisation and year in memory (thousands of pairs), then write them */
    struct pair {
        int64_t org;
        int fy;
        int64_t alerts, threats;
    } *v = NULL;
    size_t n = 0, cap = 0, last = 0;
    struct db_stmt *st = db_prepare(db, "SELECT org_id, first_seen, count, status FROM alerts ORDER BY org_id", err);
    if (!st)
        return MM_ERR_IO;
    int r;
    while ((r = db_step(st, err)) == DB_ROW) {
        int64_t org = db_column_int64(st, 0);
        int fy = fiscal_year(db_column_int64(st, 1));
        size_t k = last < n && v[last].org == org && v[last].fy == fy ? last : n;
        for (size_t j = n; k == n && j-- > 0 && v[j].org == org;)
            if (v[j].fy == fy)
                k = j;
        if (k == n) {
            if (n == cap) {
                cap = cap ? cap * 2 : 1024;
                v = mm_reallocarray(v, cap, sizeof *v);
            }
            v[n++] = (struct pair){ org, fy, 0, 0 };
        }
        v[k].alerts++;
        v[k].threats += threat_events(db_column_text(st, 3, NULL), db_column_int64(st, 2));
        last = k;
        (*alerts)++;
    }
    db_finalize(st);
    rc = step_status(r);
    for (size_t i = 0; rc == MM_OK && i < n; i++)
        rc = counts_add(db, v[i].org, mm_utc_seconds(v[i].fy, 6, 1, 0, 0, 0), v[i].alerts, v[i].threats, err);
    mm_free(v);
    return rc;
}
