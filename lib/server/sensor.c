/* SPDX-License-Identifier: Apache-2.0 */
/* sensor.c: sensors of the organisations: registered by an administrator, enrolled once with a
 * one-time token, then identified by their own key (stored only as its hash). */
#include "base/prelude.h"
#include "base/alloc.h"
#include "auth/auth.h"
#include "server/server.h"
#include "server/internal.h"

#include <stdio.h>
#include <string.h>

#define ENROL_VALID (24 * 3600)

enum mm_status sensor_register(struct db *db, const struct actor *a, int64_t org_id, const char *name, int64_t *id,
                               char *token, size_t token_len, struct mm_error *err)
{
    enum mm_status rc = server_text_valid("name", name, 100, true, err);
    if (rc != MM_OK)
        return rc;
    char path[ORG_PATH_MAX], hash[65];
    if ((rc = org_path(db, a, org_id, path, sizeof path, err)) != MM_OK)
        return rc;
    if (!actor_can(a, PERM_MANAGE_SENSORS, path))
        return mm_error_set(err, MM_ERR_DENIED, "registering sensors needs the admin role");
    auth_random_token("mme_", token, token_len);
    auth_token_hash(token, hash);
    int64_t now = server_now();
    struct db_stmt *st = db_prepare(db,
                                    "INSERT INTO sensors (org_id, name, enrol_hash, enrol_expires, created_at) VALUES "
                                    "(?, ?, ?, ?, ?) RETURNING id",
                                    err);
    if (!st)
        return MM_ERR_IO;
    db_bind_int64(st, 1, org_id);
    db_bind_str(st, 2, name);
    db_bind_str(st, 3, hash);
    db_bind_int64(st, 4, now + ENROL_VALID);
    db_bind_int64(st, 5, now);
    int r = db_step(st, err);
    int64_t sid = r == DB_ROW ? db_column_int64(st, 0) : 0;
    if (r == DB_ROW)
        r = db_step(st, err);
    db_finalize(st);
    if (r != DB_DONE) {
        if (r == MM_ERR_EXISTS)
            mm_error_set(err, MM_ERR_EXISTS, "the organisation has a sensor named '%s'", name);
        return step_status(r);
    }
    char obj[48];
    json_t *d = json_pack("{s:s}", "name", name);
    rc = audit_append(db, a, "sensor.register", audit_object(obj, sizeof obj, "sensor", sid), org_id, d, err);
    json_decref(d);
    if (rc == MM_OK && id)
        *id = sid;
    return rc;
}

enum mm_status sensor_enrol(struct db *db, const char *enrol_token, const char *ip, int64_t *id, char *key,
                            size_t key_len, struct mm_error *err)
{
    char hash[65], khash[65];
    auth_token_hash(enrol_token ? enrol_token : "", hash);
    struct db_stmt *st = db_prepare(db, "SELECT id, org_id, enrol_expires FROM sensors WHERE enrol_hash = ?", err);
    if (!st)
        return MM_ERR_IO;
    db_bind_str(st, 1, hash);
    int64_t sid = 0, org = 0, expires = 0;
    int r = db_step(st, err);
    if (r == DB_ROW) {
        sid = db_column_int64(st, 0);
        org = db_column_int64(st, 1);
        expires = db_column_int64(st, 2);
    }
    db_finalize(st);
    if (r != DB_ROW && r != DB_DONE)
        return step_status(r);
    int64_t now = server_now();
    if (!sid || expires < now)
        return mm_error_set(err, MM_ERR_DENIED, "the enrolment token is unknown, used or expired");
    auth_random_token("mmk_", key, key_len);
    auth_token_hash(key, khash);
    /* the token works once: it is replaced by the key's hash in the same statement */
    st = db_prepare(db,
                    "UPDATE sensors SET enrol_hash = NULL, enrol_expires = 0, key_hash = ?, enrolled_at = ? WHERE id = "
                    "? AND enrol_hash = ?",
                    err);
    if (!st)
        return MM_ERR_IO;
    db_bind_str(st, 1, khash);
    db_bind_int64(st, 2, now);
    db_bind_int64(st, 3, sid);
    db_bind_str(st, 4, hash);
    r = db_step(st, err);
    int64_t n = db_changes(st);
    db_finalize(st);
    if (r != DB_DONE)
        return step_status(r);
    if (n != 1)
        return mm_error_set(err, MM_ERR_DENIED, "the enrolment token is unknown, used or expired");
    struct actor sys;
    actor_system(&sys);
    snprintf(sys.label, sizeof sys.label, "sensor:%lld", (long long)sid);
    snprintf(sys.ip, sizeof sys.ip, "%s", ip ? ip : "");
    char obj[48];
    enum mm_status rc = audit_append(db, &sys, "sensor.enrol", audit_object(obj, sizeof obj, "sensor", sid), org, NULL,
                                     err);
    if (rc == MM_OK && id)
        *id = sid;
    return rc;
}

enum mm_status sensor_actor(struct db *db, const char *key, struct actor *a, struct mm_error *err)
{
    memset(a, 0, sizeof *a);
    char hash[65];
    auth_token_hash(key, hash);
    struct db_stmt *st = db_prepare(db,
                                    "SELECT s.id, s.org_id, o.path, o.kind FROM sensors s JOIN orgs o ON o.id = "
                                    "s.org_id WHERE s.key_hash = ?",
                                    err);
    if (!st)
        return MM_ERR_IO;
    db_bind_str(st, 1, hash);
    int r = db_step(st, err);
    if (r == DB_ROW) {
        a->sensor_id = db_column_int64(st, 0);
        a->org_id = db_column_int64(st, 1);
        snprintf(a->path, sizeof a->path, "%s", db_column_text(st, 2, NULL));
        snprintf(a->org_kind, sizeof a->org_kind, "%s", db_column_text(st, 3, NULL));
        snprintf(a->label, sizeof a->label, "sensor:%lld", (long long)a->sensor_id);
    }
    db_finalize(st);
    if (r == DB_DONE)
        return mm_error_set(err, MM_ERR_DENIED, "unknown sensor key");
    if (r != DB_ROW)
        return step_status(r);
    st = db_prepare(db, "UPDATE sensors SET last_seen = ? WHERE id = ? AND last_seen < ?", err);
    if (st) {
        int64_t now = server_now();
        db_bind_int64(st, 1, now);
        db_bind_int64(st, 2, a->sensor_id);
        db_bind_int64(st, 3, now - 10);
        db_step(st, err);
        db_finalize(st);
    }
    return MM_OK;
}

json_t *sensor_list(struct db *db, const struct actor *a, enum mm_status *rc, struct mm_error *err)
{
    if (!actor_can(a, PERM_MANAGE_SENSORS, a->path) && !actor_can(a, PERM_READ_ALERTS, a->path)) {
        *rc = mm_error_set(err, MM_ERR_DENIED, "the sensor list needs the admin or an analyst's role");
        return NULL;
    }
    struct db_stmt *st = db_prepare(db,
                                    "SELECT s.id, s.org_id, o.code, s.name, s.enrolled_at, s.last_seen, s.created_at, "
                                    "(SELECT COUNT(*) FROM alerts x WHERE x.sensor_id = s.id) FROM sensors s JOIN orgs o "
                                    "ON o.id = s.org_id WHERE o.path >= ? AND o.path < ? ORDER BY s.id",
                                    err);
    *rc = MM_ERR_IO;
    if (!st)
        return NULL;
    scope_bind(st, 1, a);
    static const char *const cols[] = { "#id",        "#org_id",     "org_code", "name", "?enrolled_at",
                                        "?last_seen", "#created_at", "#alerts" };
    json_t *arr = json_array();
    int r;
    while ((r = db_step(st, err)) == DB_ROW)
        json_array_append_new(arr, db_row_json(st, cols, MM_ARRAY_LEN(cols)));
    db_finalize(st);
    if (r != DB_DONE) {
        *rc = step_status(r);
        json_decref(arr);
        return NULL;
    }
    *rc = MM_OK;
    return json_pack("{s:o}", "sensors", arr);
}
