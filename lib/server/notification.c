/* SPDX-License-Identifier: Apache-2.0 */
/* notification.c: notifications (通報) from the centre to a member organisation about alerts its
 * sensors raised, and their timeline: sent, acknowledged by the member's CSIRT, comments, closed. */
#include "base/prelude.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/str.h"
#include "server/server.h"
#include "server/internal.h"

#include <stdio.h>
#include <string.h>

/* The member an organisation belongs to: the second id of its path ("/1/4/9/" -> 4). 0 for the
 * root itself. */
static int64_t member_of(const char *path)
{
    const char *p = strchr(path + 1, '/');
    if (!p || !p[1])
        return 0;
    int64_t id = 0;
    const char *e = strchr(p + 1, '/');
    if (!e || mm_parse_i64(p + 1, (size_t)(e - p - 1), &id) != MM_OK)
        return 0;
    return id;
}

static enum mm_status add_event(struct db *db, const struct actor *a, int64_t id, const char *kind, const char *note,
                                struct mm_error *err)
{
    struct db_stmt *st = db_prepare(db,
                                    "INSERT INTO notification_events (notification_id, at, person_id, kind, note) "
                                    "VALUES (?, ?, ?, ?, ?)",
                                    err);
    if (!st)
        return MM_ERR_IO;
    db_bind_int64(st, 1, id);
    db_bind_int64(st, 2, server_now());
    if (a->person_id)
        db_bind_int64(st, 3, a->person_id);
    db_bind_str(st, 4, kind);
    db_bind_str(st, 5, note ? note : "");
    int r = db_step(st, err);
    db_finalize(st);
    return step_status(r);
}

enum mm_status notification_create(struct db *db, const struct actor *a, const struct notification_input *in,
                                   int64_t *id, struct mm_error *err)
{
    enum mm_status rc;
    if (!in->nalerts || in->nalerts > 1000)
        return mm_error_set(err, MM_ERR_INVALID, "a notification is about 1 to 1000 alerts");
    if ((rc = server_text_valid("title", in->title, 300, true, err)) != MM_OK ||
        (rc = server_prose_valid("body", in->body, 20000, false, err)) != MM_OK)
        return rc;
    if (in->level && alert_level_rank(in->level) < 0)
        return mm_error_set(err, MM_ERR_INVALID, "level must be informational, low, medium, high or critical");
    int64_t member = 0;
    int best = -1;
    char mpath[ORG_PATH_MAX] = "";
    for (size_t i = 0; i < in->nalerts; i++) {
        struct db_stmt *st = db_prepare(db,
                                        "SELECT o.path, a.level, a.status, a.notification_id FROM alerts a JOIN orgs o "
                                        "ON o.id = a.org_id WHERE a.id = ? AND o.path >= ? AND o.path < ?",
                                        err);
        if (!st)
            return MM_ERR_IO;
        db_bind_int64(st, 1, in->alerts[i]);
        scope_bind(st, 2, a);
        int r = db_step(st, err);
        char path[ORG_PATH_MAX] = "", status[24] = "";
        int rank = -1;
        bool notified = false;
        if (r == DB_ROW) {
            snprintf(path, sizeof path, "%s", db_column_text(st, 0, NULL));
            rank = alert_level_rank(db_column_text(st, 1, NULL));
            snprintf(status, sizeof status, "%s", db_column_text(st, 2, NULL));
            notified = !db_column_null(st, 3);
        }
        db_finalize(st);
        if (r == DB_DONE)
            return mm_error_set(err, MM_ERR_NOT_FOUND, "no alert %lld", (long long)in->alerts[i]);
        if (r != DB_ROW)
            return step_status(r);
        if (!actor_can(a, PERM_NOTIFY, path))
            return mm_error_set(err, MM_ERR_DENIED, "notifying needs the analyst role");
        int64_t m = member_of(path);
        if (!m)
            return mm_error_set(err, MM_ERR_INVALID, "alert %lld is the centre's own: there is no member to notify",
                                (long long)in->alerts[i]);
        if (member && m != member)
            return mm_error_set(err, MM_ERR_INVALID, "the alerts belong to different members: one notification each");
        if (!strcmp(status, "false_positive") || !strcmp(status, "merged"))
            return mm_error_set(err, MM_ERR_STATE, "alert %lld is judged %s", (long long)in->alerts[i], status);
        if (notified)
            return mm_error_set(err, MM_ERR_STATE, "alert %lld has been notified already", (long long)in->alerts[i]);
        member = m;
        best = MM_MAX(best, rank);
    }
    if ((rc = org_path(db, a, member, mpath, sizeof mpath, err)) != MM_OK)
        return rc;
    /* the recipient: the member's CSIRT point of contact, else a CSIRT member, at the member itself first */
    int64_t recipient = 0;
    struct db_stmt *st = db_prepare(db,
                                    "SELECT r.person_id FROM roles r JOIN orgs o ON o.id = r.org_id JOIN people p ON "
                                    "p.id = r.person_id WHERE r.role IN ('poc', 'csirt') AND o.path >= ? AND o.path < ? "
                                    "AND p.status = 'active' ORDER BY CASE r.role WHEN 'poc' THEN 0 ELSE 1 END, "
                                    "LENGTH(o.path), r.person_id LIMIT 1",
                                    err);
    if (!st)
        return MM_ERR_IO;
    char hi[ORG_PATH_MAX];
    scope_upper(mpath, hi, sizeof hi);
    db_bind_str(st, 1, mpath);
    db_bind_str(st, 2, hi);
    if (db_step(st, err) == DB_ROW)
        recipient = db_column_int64(st, 0);
    db_finalize(st);
    const char *level = in->level ? in->level : best >= 0 ? (const char *[]){ "informational", "low", "medium", "high",
                                                                               "critical" }[best]
                                                          : "medium";
    int64_t now = server_now(), nid = 0;
    st = db_prepare(db,
                    "INSERT INTO notifications (org_id, title, body, level, status, recipient_id, created_by, "
                    "created_at) VALUES (?, ?, ?, ?, 'sent', ?, ?, ?) RETURNING id",
                    err);
    if (!st)
        return MM_ERR_IO;
    db_bind_int64(st, 1, member);
    db_bind_str(st, 2, in->title);
    db_bind_str(st, 3, in->body ? in->body : "");
    db_bind_str(st, 4, level);
    if (recipient)
        db_bind_int64(st, 5, recipient);
    db_bind_int64(st, 6, a->person_id);
    db_bind_int64(st, 7, now);
    int r = db_step(st, err);
    if (r == DB_ROW) {
        nid = db_column_int64(st, 0);
        r = db_step(st, err);
    }
    db_finalize(st);
    if (r != DB_DONE)
        return step_status(r);
    /* the alerts are true positives now, and point at the notification */
    for (size_t i = 0; i < in->nalerts; i++) {
        st = db_prepare(db,
                        "UPDATE alerts SET status = 'true_positive', notification_id = ?, triaged_by = COALESCE("
                        "triaged_by, ?), triaged_at = CASE WHEN triaged_at = 0 THEN ? ELSE triaged_at END WHERE id = ?",
                        err);
        if (!st)
            return MM_ERR_IO;
        db_bind_int64(st, 1, nid);
        db_bind_int64(st, 2, a->person_id);
        db_bind_int64(st, 3, now);
        db_bind_int64(st, 4, in->alerts[i]);
        r = db_step(st, err);
        db_finalize(st);
        if (r != DB_DONE)
            return step_status(r);
    }
    if ((rc = add_event(db, a, nid, "sent", "", err)) != MM_OK)
        return rc;
    char obj[48];
    json_t *alerts = json_array();
    for (size_t i = 0; i < in->nalerts; i++)
        json_array_append_new(alerts, json_integer(in->alerts[i]));
    json_t *d = json_pack("{s:s, s:o, s:I}", "title", in->title, "alerts", alerts, "recipient", (json_int_t)recipient);
    rc = audit_append(db, a, "notification.create", audit_object(obj, sizeof obj, "notification", nid), member, d, err);
    json_decref(d);
    if (rc == MM_OK && id)
        *id = nid;
    return rc;
}

static const char *const notif_cols[] = { "#id",          "#org_id",       "org_code",      "org_name_ja", "org_name_en",
                                          "title",        "body",          "level",         "status",      "?recipient_id",
                                          "recipient_name", "#created_by", "creator_name",  "#created_at",
                                          "?acknowledged_by", "?acknowledged_at", "?closed_at", "#alerts" };
#define NOTIF_SELECT                                                                                                   \
    "SELECT n.id, n.org_id, o.code, o.name_ja, o.name_en, n.title, n.body, n.level, n.status, n.recipient_id, "       \
    "COALESCE(r.name, ''), n.created_by, COALESCE(c.name, ''), n.created_at, n.acknowledged_by, n.acknowledged_at, "  \
    "n.closed_at, (SELECT COUNT(*) FROM alerts x WHERE x.notification_id = n.id) FROM notifications n JOIN orgs o "  \
    "ON o.id = n.org_id LEFT JOIN people r ON r.id = n.recipient_id LEFT JOIN people c ON c.id = n.created_by "

json_t *notification_list(struct db *db, const struct actor *a, const struct notification_query *q,
                          enum mm_status *rc, struct mm_error *err)
{
    char path[ORG_PATH_MAX] = "", hi[ORG_PATH_MAX];
    snprintf(path, sizeof path, "%s", a->path);
    if (q->org_id && (*rc = org_path(db, a, q->org_id, path, sizeof path, err)) != MM_OK)
        return NULL;
    if (!actor_can(a, PERM_READ_ALERTS, path)) {
        *rc = mm_error_set(err, MM_ERR_DENIED, "reading notifications needs an analyst's, a CSIRT's or a security "
                                               "manager's role");
        return NULL;
    }
    scope_upper(path, hi, sizeof hi);
    unsigned limit = q->limit ? MM_MIN(q->limit, 1000u) : 50;
    struct buf sql;
    buf_init(&sql, BUF_NO_MAX);
    buf_append_str(&sql, NOTIF_SELECT "WHERE o.path >= ? AND o.path < ? AND o.path >= ? AND o.path < ? AND n.id < ?");
    if (q->status)
        buf_append_str(&sql, " AND n.status = ?");
    buf_printf(&sql, " ORDER BY n.id DESC LIMIT %u", limit + 1);
    struct db_stmt *st = db_prepare(db, sql.data, err);
    buf_release(&sql);
    *rc = MM_ERR_IO;
    if (!st)
        return NULL;
    scope_bind(st, 1, a);
    db_bind_str(st, 3, path);
    db_bind_str(st, 4, hi);
    db_bind_int64(st, 5, q->before_id > 0 ? q->before_id : INT64_MAX);
    if (q->status)
        db_bind_str(st, 6, q->status);
    json_t *arr = json_array();
    int r;
    int64_t last = 0;
    bool more = false;
    while ((r = db_step(st, err)) == DB_ROW) {
        if (json_array_size(arr) == limit) {
            more = true;
            break;
        }
        json_t *o = db_row_json(st, notif_cols, MM_ARRAY_LEN(notif_cols));
        last = json_integer_value(json_object_get(o, "id"));
        json_array_append_new(arr, o);
    }
    db_finalize(st);
    if (r < 0 || r > DB_ROW) {
        *rc = (enum mm_status)r;
        json_decref(arr);
        return NULL;
    }
    *rc = MM_OK;
    return json_pack("{s:o, s:o}", "notifications", arr, "next_before", more ? json_integer(last) : json_null());
}

json_t *notification_get(struct db *db, const struct actor *a, int64_t id, enum mm_status *rc, struct mm_error *err)
{
    *rc = MM_ERR_IO;
    struct db_stmt *st = db_prepare(db, NOTIF_SELECT "WHERE n.id = ? AND o.path >= ? AND o.path < ?", err);
    if (!st)
        return NULL;
    db_bind_int64(st, 1, id);
    scope_bind(st, 2, a);
    int r = db_step(st, err);
    json_t *o = r == DB_ROW ? db_row_json(st, notif_cols, MM_ARRAY_LEN(notif_cols)) : NULL;
    db_finalize(st);
    if (!o) {
        *rc = r == DB_DONE ? mm_error_set(err, MM_ERR_NOT_FOUND, "no notification %lld", (long long)id)
                           : step_status(r);
        return NULL;
    }
    char path[ORG_PATH_MAX];
    if ((*rc = org_path(db, a, json_integer_value(json_object_get(o, "org_id")), path, sizeof path, err)) != MM_OK ||
        !actor_can(a, PERM_READ_ALERTS, path)) {
        if (*rc == MM_OK)
            *rc = mm_error_set(err, MM_ERR_DENIED, "reading notifications needs an analyst's, a CSIRT's or a "
                                                   "security manager's role");
        json_decref(o);
        return NULL;
    }
    /* the timeline */
    st = db_prepare(db,
                    "SELECT e.id, e.at, e.person_id, COALESCE(p.name, ''), e.kind, e.note FROM notification_events e "
                    "LEFT JOIN people p ON p.id = e.person_id WHERE e.notification_id = ? ORDER BY e.at, e.id",
                    err);
    json_t *events = json_array();
    if (st) {
        static const char *const cols[] = { "#id", "#at", "?person_id", "person_name", "kind", "note" };
        db_bind_int64(st, 1, id);
        while (db_step(st, err) == DB_ROW)
            json_array_append_new(events, db_row_json(st, cols, MM_ARRAY_LEN(cols)));
        db_finalize(st);
    }
    json_object_set_new(o, "timeline", events);
    /* the alerts (their summaries) */
    st = db_prepare(db,
                    "SELECT a.id, a.title, a.level, a.rule_id, a.first_seen, a.last_seen, a.count FROM alerts a "
                    "WHERE a.notification_id = ? ORDER BY a.id",
                    err);
    json_t *alerts = json_array();
    if (st) {
        static const char *const cols[] = { "#id", "title", "level", "rule_id", "#first_seen", "#last_seen", "#count" };
        db_bind_int64(st, 1, id);
        while (db_step(st, err) == DB_ROW)
            json_array_append_new(alerts, db_row_json(st, cols, MM_ARRAY_LEN(cols)));
        db_finalize(st);
    }
    json_object_set_new(o, "alert_list", alerts);
    *rc = MM_OK;
    return o;
}

enum mm_status notification_event(struct db *db, const struct actor *a, int64_t id, const char *kind,
                                  const char *note, struct mm_error *err)
{
    enum mm_status rc = server_prose_valid("note", note, 4000, false, err);
    if (rc != MM_OK)
        return rc;
    struct db_stmt *st = db_prepare(db,
                                    "SELECT o.path, n.status, n.org_id FROM notifications n JOIN orgs o ON o.id = "
                                    "n.org_id WHERE n.id = ? AND o.path >= ? AND o.path < ?",
                                    err);
    if (!st)
        return MM_ERR_IO;
    db_bind_int64(st, 1, id);
    scope_bind(st, 2, a);
    char path[ORG_PATH_MAX] = "", status[24] = "";
    int64_t org = 0;
    int r = db_step(st, err);
    if (r == DB_ROW) {
        snprintf(path, sizeof path, "%s", db_column_text(st, 0, NULL));
        snprintf(status, sizeof status, "%s", db_column_text(st, 1, NULL));
        org = db_column_int64(st, 2);
    }
    db_finalize(st);
    if (r == DB_DONE)
        return mm_error_set(err, MM_ERR_NOT_FOUND, "no notification %lld", (long long)id);
    if (r != DB_ROW)
        return step_status(r);
    const char *next = NULL;
    if (!strcmp(kind, "acknowledged")) {
        if (!actor_can(a, PERM_ACK, path))
            return mm_error_set(err, MM_ERR_DENIED, "acknowledging needs the member's csirt, poc or incident_manager "
                                                    "role");
        if (strcmp(status, "sent"))
            return mm_error_set(err, MM_ERR_STATE, "notification %lld is %s, not waiting for acknowledgement",
                                (long long)id, status);
        next = "acknowledged";
    } else if (!strcmp(kind, "closed") || !strcmp(kind, "reopened")) {
        if (!actor_can(a, PERM_NOTIFY, path))
            return mm_error_set(err, MM_ERR_DENIED, "closing and reopening needs the analyst role");
        bool closing = !strcmp(kind, "closed");
        if (closing == !strcmp(status, "closed"))
            return mm_error_set(err, MM_ERR_STATE, "notification %lld is %s already", (long long)id,
                                closing ? "closed" : "open");
        next = closing ? "closed" : "acknowledged";
    } else if (!strcmp(kind, "comment")) {
        if (!actor_can(a, PERM_ACK, path) && !actor_can(a, PERM_NOTIFY, path))
            return mm_error_set(err, MM_ERR_DENIED, "commenting needs the analyst role or the member's CSIRT role");
        if (!note || !*note)
            return mm_error_set(err, MM_ERR_INVALID, "a comment needs a note");
    } else {
        return mm_error_set(err, MM_ERR_INVALID, "kind must be acknowledged, comment, closed or reopened");
    }
    if (next) {
        st = db_prepare(db,
                        !strcmp(kind, "acknowledged")
                            ? "UPDATE notifications SET status = ?, acknowledged_by = ?, acknowledged_at = ? WHERE id = ?"
                            : "UPDATE notifications SET status = ?, closed_at = CASE WHEN ? = 0 THEN 0 ELSE ? END "
                              "WHERE id = ?",
                        err);
        if (!st)
            return MM_ERR_IO;
        db_bind_str(st, 1, next);
        if (!strcmp(kind, "acknowledged"))
            db_bind_int64(st, 2, a->person_id);
        else
            db_bind_int64(st, 2, !strcmp(kind, "closed"));
        db_bind_int64(st, 3, server_now());
        db_bind_int64(st, 4, id);
        r = db_step(st, err);
        db_finalize(st);
        if (r != DB_DONE)
            return step_status(r);
    }
    if ((rc = add_event(db, a, id, kind, note, err)) != MM_OK)
        return rc;
    char obj[48], action[48];
    snprintf(action, sizeof action, "notification.%s", kind);
    json_t *d = json_pack("{s:s}", "note", note ? note : "");
    rc = audit_append(db, a, action, audit_object(obj, sizeof obj, "notification", id), org, d, err);
    json_decref(d);
    return rc;
}
