/* SPDX-License-Identifier: Apache-2.0 */
/* org.c: the organisation tree, confined to the actor's subtree. */
#include "base/prelude.h"
#include "base/alloc.h"
#include "base/str.h"
#include "server/server.h"
#include "server/internal.h"

#include <stdio.h>
#include <string.h>

static const char *const kinds[] = { "centre", "member", "bureau", "division", "regional_office",
                                     "facility", "overseas_mission", "agency", "company" };

bool org_kind_valid(const char *kind)
{
    for (size_t i = 0; kind && i < MM_ARRAY_LEN(kinds); i++)
        if (!strcmp(kinds[i], kind))
            return true;
    return false;
}

/* A code names an organisation in CSV files, sensor configuration and URLs: short, ASCII. */
static bool code_valid(const char *code)
{
    size_t n = code ? strlen(code) : 0;
    if (n == 0 || n > 64)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = code[i];
        if (!(mm_is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '_' || c == '.'))
            return false;
    }
    return true;
}

enum mm_status org_path(struct db *db, const struct actor *a, int64_t id, char *path, size_t n, struct mm_error *err)
{
    struct db_stmt *st = db_prepare(db, "SELECT path FROM orgs o WHERE id = ? AND o.path >= ? AND o.path < ?", err);
    if (!st)
        return MM_ERR_IO;
    db_bind_int64(st, 1, id);
    scope_bind(st, 2, a);
    int r = db_step(st, err);
    enum mm_status rc = MM_OK;
    if (r == DB_ROW)
        snprintf(path, n, "%s", db_column_text(st, 0, NULL));
    else if (r == DB_DONE)
        rc = mm_error_set(err, MM_ERR_NOT_FOUND, "no organisation %lld", (long long)id);
    else
        rc = (enum mm_status)r;
    db_finalize(st);
    return rc;
}

int64_t org_id_by_code(struct db *db, const struct actor *a, const char *code)
{
    struct db_stmt *st = db_prepare(db, "SELECT id FROM orgs o WHERE code = ? AND o.path >= ? AND o.path < ?", NULL);
    if (!st)
        return 0;
    db_bind_str(st, 1, code);
    scope_bind(st, 2, a);
    int64_t id = db_step(st, NULL) == DB_ROW ? db_column_int64(st, 0) : 0;
    db_finalize(st);
    return id;
}

enum mm_status org_create(struct db *db, const struct actor *a, const struct org_input *in, int64_t *id,
                          struct mm_error *err)
{
    enum mm_status rc;
    if (!org_kind_valid(in->kind))
        return mm_error_set(err, MM_ERR_INVALID,
                            "kind must be one of centre, member, bureau, division, regional_office, facility, "
                            "overseas_mission, agency, company");
    if (!code_valid(in->code))
        return mm_error_set(err, MM_ERR_INVALID, "code must be 1-64 characters of A-Z a-z 0-9 - _ .");
    if ((rc = server_text_valid("name_ja", in->name_ja, 200, true, err)) != MM_OK ||
        (rc = server_text_valid("name_en", in->name_en, 200, false, err)) != MM_OK)
        return rc;
    char parent[ORG_PATH_MAX] = "/";
    if (in->parent_id) {
        if ((rc = org_path(db, a, in->parent_id, parent, sizeof parent, err)) != MM_OK)
            return rc;
    } else if (a->person_id || a->sensor_id) {
        return mm_error_set(err, MM_ERR_DENIED, "only the system creates a root organisation");
    }
    if (!actor_can(a, PERM_MANAGE_ORGS, parent))
        return mm_error_set(err, MM_ERR_DENIED, "managing organisations there needs the admin role");
    if (in->supervisor_id) {
        char sp[ORG_PATH_MAX];
        if ((rc = org_path(db, a, in->supervisor_id, sp, sizeof sp, err)) != MM_OK)
            return mm_error_wrap(err, rc, "supervisor");
    }
    /* the path holds the new id: insert with a placeholder path, then set it */
    int64_t now = server_now();
    struct db_stmt *st = db_prepare(db,
                                    "INSERT INTO orgs (parent_id, path, kind, code, name_ja, name_en, supervisor_id, "
                                    "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                                    err);
    if (!st)
        return MM_ERR_IO;
    char tmp[64];
    snprintf(tmp, sizeof tmp, "?new-%s", in->code);
    if (in->parent_id)
        db_bind_int64(st, 1, in->parent_id);
    db_bind_str(st, 2, tmp);
    db_bind_str(st, 3, in->kind);
    db_bind_str(st, 4, in->code);
    db_bind_str(st, 5, in->name_ja);
    db_bind_str(st, 6, in->name_en ? in->name_en : "");
    if (in->supervisor_id)
        db_bind_int64(st, 7, in->supervisor_id);
    db_bind_int64(st, 8, now);
    db_bind_int64(st, 9, now);
    int r = db_step(st, err);
    int64_t nid = r == DB_ROW ? db_column_int64(st, 0) : 0;
    if (r == DB_ROW)
        r = db_step(st, err);
    db_finalize(st);
    if (r != DB_DONE) {
        if (r == MM_ERR_EXISTS)
            mm_error_set(err, MM_ERR_EXISTS, "an organisation with code '%s' exists", in->code);
        return (enum mm_status)r;
    }
    char path[ORG_PATH_MAX];
    int n = snprintf(path, sizeof path, "%s%lld/", parent, (long long)nid);
    if (n < 0 || (size_t)n >= sizeof path)
        return mm_error_set(err, MM_ERR_TOO_LARGE, "the organisation tree is too deep");
    st = db_prepare(db, "UPDATE orgs SET path = ? WHERE id = ?", err);
    if (!st)
        return MM_ERR_IO;
    db_bind_str(st, 1, path);
    db_bind_int64(st, 2, nid);
    r = db_step(st, err);
    db_finalize(st);
    if (r != DB_DONE)
        return (enum mm_status)r;
    char obj[48];
    json_t *d = json_pack("{s:s, s:s, s:s}", "code", in->code, "kind", in->kind, "name_ja", in->name_ja);
    rc = audit_append(db, a, "org.create", audit_object(obj, sizeof obj, "org", nid), nid, d, err);
    json_decref(d);
    if (rc == MM_OK && id)
        *id = nid;
    return rc;
}

static const char *const org_cols[] = { "#id", "?parent_id", "path", "kind", "code", "name_ja", "name_en",
                                        "?supervisor_id", "#created_at", "#updated_at" };
#define ORG_COLUMNS                                                                                                    \
    "SELECT o.id, o.parent_id, o.path, o.kind, o.code, o.name_ja, o.name_en, o.supervisor_id, o.created_at, "         \
    "o.updated_at"
#define ORG_SELECT ORG_COLUMNS " FROM orgs o "

json_t *org_get(struct db *db, const struct actor *a, int64_t id, enum mm_status *rc, struct mm_error *err)
{
    *rc = MM_ERR_IO;
    struct db_stmt *st = db_prepare(db, ORG_SELECT "WHERE o.id = ? AND o.path >= ? AND o.path < ?", err);
    if (!st)
        return NULL;
    db_bind_int64(st, 1, id);
    scope_bind(st, 2, a);
    json_t *o = NULL;
    int r = db_step(st, err);
    if (r == DB_ROW) {
        o = db_row_json(st, org_cols, MM_ARRAY_LEN(org_cols));
        *rc = MM_OK;
    } else if (r == DB_DONE) {
        *rc = mm_error_set(err, MM_ERR_NOT_FOUND, "no organisation %lld", (long long)id);
    } else {
        *rc = (enum mm_status)r;
    }
    db_finalize(st);
    return o;
}

json_t *org_list(struct db *db, const struct actor *a, struct mm_error *err)
{
    struct db_stmt *st = db_prepare(db,
                                    ORG_COLUMNS ", (SELECT COUNT(*) FROM people p WHERE p.org_id = o.id) FROM orgs o "
                                                "WHERE o.path >= ? AND o.path < ? ORDER BY o.path",
                                    err);
    /* by path: a parent (a prefix) always comes before its children */
    if (!st)
        return NULL;
    scope_bind(st, 1, a);
    json_t *arr = json_array();
    int r;
    while ((r = db_step(st, err)) == DB_ROW) {
        json_t *o = db_row_json(st, org_cols, MM_ARRAY_LEN(org_cols));
        json_object_set_new(o, "people", json_integer(db_column_int64(st, MM_ARRAY_LEN(org_cols))));
        json_array_append_new(arr, o);
    }
    db_finalize(st);
    if (r != DB_DONE) {
        json_decref(arr);
        return NULL;
    }
    return arr;
}

enum mm_status org_update(struct db *db, const struct actor *a, int64_t id, const char *name_ja,
                          const char *name_en, const char *code, struct mm_error *err)
{
    char path[ORG_PATH_MAX];
    enum mm_status rc = org_path(db, a, id, path, sizeof path, err);
    if (rc != MM_OK)
        return rc;
    if (!actor_can(a, PERM_MANAGE_ORGS, path))
        return mm_error_set(err, MM_ERR_DENIED, "managing organisations there needs the admin role");
    if (code && !code_valid(code))
        return mm_error_set(err, MM_ERR_INVALID, "code must be 1-64 characters of A-Z a-z 0-9 - _ .");
    if ((name_ja && (rc = server_text_valid("name_ja", name_ja, 200, true, err)) != MM_OK) ||
        (name_en && (rc = server_text_valid("name_en", name_en, 200, false, err)) != MM_OK))
        return rc;
    struct db_stmt *st = db_prepare(db,
                                    "UPDATE orgs SET name_ja = COALESCE(?, name_ja), name_en = COALESCE(?, name_en), "
                                    "code = COALESCE(?, code), updated_at = ? WHERE id = ?",
                                    err);
    if (!st)
        return MM_ERR_IO;
    db_bind_str(st, 1, name_ja);
    db_bind_str(st, 2, name_en);
    db_bind_str(st, 3, code);
    db_bind_int64(st, 4, server_now());
    db_bind_int64(st, 5, id);
    int r = db_step(st, err);
    db_finalize(st);
    if (r != DB_DONE) {
        if (r == MM_ERR_EXISTS)
            mm_error_set(err, MM_ERR_EXISTS, "an organisation with code '%s' exists", code ? code : "");
        return (enum mm_status)r;
    }
    char obj[48];
    json_t *d = json_object();
    if (name_ja)
        json_object_set_new(d, "name_ja", json_string(name_ja));
    if (name_en)
        json_object_set_new(d, "name_en", json_string(name_en));
    if (code)
        json_object_set_new(d, "code", json_string(code));
    rc = audit_append(db, a, "org.update", audit_object(obj, sizeof obj, "org", id), id, d, err);
    json_decref(d);
    return rc;
}
