/* SPDX-License-Identifier: Apache-2.0 */
/* person.c: people and their roles, confined to the actor's subtree. */
#include "base/prelude.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/str.h"
#include "server/server.h"
#include "server/internal.h"

#include <stdio.h>
#include <string.h>

static bool status_valid(const char *s)
{
    return !strcmp(s, "active") || !strcmp(s, "leave") || !strcmp(s, "retired");
}

/* A login: what a person types to sign in. Letters, digits and . _ - @, 1-128 bytes. */
static bool login_valid(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (!n || n > 128)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!(mm_is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || strchr("._-@", c)))
            return false;
    }
    return true;
}

static enum mm_status check_input(const struct person_input *in, bool creating, struct mm_error *err)
{
    enum mm_status rc;
    if ((creating || in->login) && !login_valid(in->login))
        return mm_error_set(err, MM_ERR_INVALID, "login must be 1-128 characters of A-Z a-z 0-9 . _ - @");
    if ((rc = server_text_valid("name", in->name, 200, creating, err)) != MM_OK ||
        (rc = server_text_valid("email", in->email, 254, false, err)) != MM_OK ||
        (rc = server_text_valid("staff_no", in->staff_no, 64, false, err)) != MM_OK)
        return rc;
    if (in->email && *in->email && !strchr(in->email, '@'))
        return mm_error_set(err, MM_ERR_INVALID, "email must contain '@'");
    if (in->status && !status_valid(in->status))
        return mm_error_set(err, MM_ERR_INVALID, "status must be active, leave or retired");
    if (in->lang && strcmp(in->lang, "ja") && strcmp(in->lang, "en"))
        return mm_error_set(err, MM_ERR_INVALID, "lang must be ja or en");
    return MM_OK;
}

enum mm_status person_create(struct db *db, const struct actor *a, const struct person_input *in, int64_t *id,
                             struct mm_error *err)
{
    enum mm_status rc = check_input(in, true, err);
    if (rc != MM_OK)
        return rc;
    char path[ORG_PATH_MAX];
    if ((rc = org_path(db, a, in->org_id, path, sizeof path, err)) != MM_OK)
        return rc;
    if (!actor_can(a, PERM_MANAGE_PEOPLE, path))
        return mm_error_set(err, MM_ERR_DENIED, "managing people there needs the admin role");
    int64_t now = server_now();
    struct db_stmt *st = db_prepare(db,
                                    "INSERT INTO people (org_id, login, name, email, staff_no, status, lang, "
                                    "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                                    err);
    if (!st)
        return MM_ERR_IO;
    db_bind_int64(st, 1, in->org_id);
    db_bind_str(st, 2, in->login);
    db_bind_str(st, 3, in->name);
    db_bind_str(st, 4, in->email ? in->email : "");
    db_bind_str(st, 5, in->staff_no ? in->staff_no : "");
    db_bind_str(st, 6, in->status ? in->status : "active");
    db_bind_str(st, 7, in->lang ? in->lang : "ja");
    db_bind_int64(st, 8, now);
    db_bind_int64(st, 9, now);
    int r = db_step(st, err);
    int64_t nid = r == DB_ROW ? db_column_int64(st, 0) : 0;
    if (r == DB_ROW)
        r = db_step(st, err);
    db_finalize(st);
    if (r != DB_DONE) {
        if (r == MM_ERR_EXISTS)
            mm_error_set(err, MM_ERR_EXISTS, "the login '%s' is taken", in->login);
        return (enum mm_status)r;
    }
    char obj[48];
    json_t *d = json_pack("{s:s, s:s, s:I}", "login", in->login, "name", in->name, "org_id", (json_int_t)in->org_id);
    rc = audit_append(db, a, "person.create", audit_object(obj, sizeof obj, "person", nid), in->org_id, d, err);
    json_decref(d);
    if (rc == MM_OK && id)
        *id = nid;
    return rc;
}

static const char *const person_cols[] = { "#id", "#org_id", "login", "name", "email", "staff_no", "status",
                                           "lang", "#created_at", "#updated_at", "#totp", "#password" };
#define PERSON_SELECT                                                                                                  \
    "SELECT p.id, p.org_id, p.login, p.name, p.email, p.staff_no, p.status, p.lang, p.created_at, p.updated_at, "    \
    "CASE WHEN p.totp_secret IS NULL THEN 0 ELSE 1 END, CASE WHEN p.password_hash IS NULL THEN 0 ELSE 1 END "        \
    "FROM people p JOIN orgs o ON o.id = p.org_id "

/* booleans come out of SQL as 0/1 */
static void fix_bools(json_t *o)
{
    json_object_set_new(o, "totp", json_boolean(json_integer_value(json_object_get(o, "totp"))));
    json_object_set_new(o, "password", json_boolean(json_integer_value(json_object_get(o, "password"))));
}

static json_t *roles_of(struct db *db, const struct actor *a, int64_t id, struct mm_error *err)
{
    struct db_stmt *st = db_prepare(db,
                                    "SELECT r.role, r.org_id, o.code FROM roles r JOIN orgs o ON o.id = r.org_id "
                                    "WHERE r.person_id = ? AND o.path >= ? AND o.path < ? ORDER BY o.path, r.role",
                                    err);
    if (!st)
        return NULL;
    db_bind_int64(st, 1, id);
    scope_bind(st, 2, a);
    static const char *const cols[] = { "role", "#org_id", "org_code" };
    json_t *arr = json_array();
    int r;
    while ((r = db_step(st, err)) == DB_ROW)
        json_array_append_new(arr, db_row_json(st, cols, MM_ARRAY_LEN(cols)));
    db_finalize(st);
    if (r != DB_DONE) {
        json_decref(arr);
        return NULL;
    }
    return arr;
}

json_t *person_get(struct db *db, const struct actor *a, int64_t id, enum mm_status *rc, struct mm_error *err)
{
    *rc = MM_ERR_IO;
    struct db_stmt *st = db_prepare(db, PERSON_SELECT "WHERE p.id = ? AND o.path >= ? AND o.path < ?", err);
    if (!st)
        return NULL;
    db_bind_int64(st, 1, id);
    scope_bind(st, 2, a);
    int r = db_step(st, err);
    json_t *o = NULL;
    char path[ORG_PATH_MAX] = "";
    if (r == DB_ROW) {
        o = db_row_json(st, person_cols, MM_ARRAY_LEN(person_cols));
        fix_bools(o);
    }
    db_finalize(st);
    if (r == DB_DONE) {
        *rc = mm_error_set(err, MM_ERR_NOT_FOUND, "no person %lld", (long long)id);
        return NULL;
    }
    if (!o) {
        *rc = (enum mm_status)r;
        return NULL;
    }
    /* a person may always see themselves; others need the directory permission there */
    if (id != a->person_id &&
        (org_path(db, a, json_integer_value(json_object_get(o, "org_id")), path, sizeof path, err) != MM_OK ||
         !actor_can(a, PERM_READ_PEOPLE, path))) {
        json_decref(o);
        *rc = mm_error_set(err, MM_ERR_DENIED, "reading people there needs a manager's role");
        return NULL;
    }
    json_t *roles = roles_of(db, a, id, err);
    if (!roles) {
        json_decref(o);
        return NULL;
    }
    json_object_set_new(o, "roles", roles);
    *rc = MM_OK;
    return o;
}

json_t *person_list(struct db *db, const struct actor *a, const struct person_query *q, enum mm_status *rc,
                    struct mm_error *err)
{
    char path[ORG_PATH_MAX], hi[ORG_PATH_MAX];
    snprintf(path, sizeof path, "%s", a->path);
    *rc = MM_ERR_IO;
    if (q->org_id && (*rc = org_path(db, a, q->org_id, path, sizeof path, err)) != MM_OK)
        return NULL;
    if (!actor_can(a, PERM_READ_PEOPLE, path)) {
        *rc = mm_error_set(err, MM_ERR_DENIED, "reading people there needs a manager's role");
        return NULL;
    }
    scope_upper(path, hi, sizeof hi);
    unsigned limit = q->limit ? MM_MIN(q->limit, 1000u) : 100;
    struct buf sql;
    buf_init(&sql, BUF_NO_MAX);
    /* the actor's scope first, then the organisation asked for inside it */
    buf_append_str(&sql, PERSON_SELECT "WHERE o.path >= ? AND o.path < ? AND o.path >= ? AND o.path < ? AND p.id > ?");
    /* three characters or more: the trigram index (migration 3); fewer (a two-character surname
     * such as 山田) cannot use it: a scan */
    size_t chars = 0;
    for (const char *p = q->q; p && *p; p++)
        chars += ((unsigned char)*p & 0xc0) != 0x80;
    bool indexed = chars >= 3;
    if (q->q && !indexed)
        buf_append_str(&sql, " AND (p.login LIKE ? ESCAPE '\\' OR p.name LIKE ? ESCAPE '\\' OR p.email LIKE ? ESCAPE '\\')");
    else if (indexed && db_dialect(db) == DB_SQLITE)
        buf_append_str(&sql, " AND p.id IN (SELECT rowid FROM people_search WHERE people_search MATCH ?)");
    else if (indexed)
        buf_append_str(&sql, " AND (p.login || ' ' || p.name || ' ' || p.email) ILIKE ? ESCAPE '\\'");
    if (q->status)
        buf_append_str(&sql, " AND p.status = ?");
    if (q->role)
        buf_append_str(&sql, " AND EXISTS (SELECT 1 FROM roles r WHERE r.person_id = p.id AND r.role = ?)");
    buf_printf(&sql, " ORDER BY p.id LIMIT %u", limit + 1);
    struct db_stmt *st = db_prepare(db, sql.data, err);
    buf_release(&sql);
    if (!st)
        return NULL;
    unsigned i = 1;
    scope_bind(st, i, a);
    i += 2;
    db_bind_str(st, i++, path);
    db_bind_str(st, i++, hi);
    db_bind_int64(st, i++, q->after_id);
    if (q->q) {
        struct buf pat;
        buf_init(&pat, 1024);
        if (indexed && db_dialect(db) == DB_SQLITE) {
            /* an FTS5 string: the text in double quotes, each quote doubled; with the trigram
             * tokenizer it matches as a substring, ignoring case */
            buf_append_char(&pat, '"');
            for (const char *p = q->q; *p; p++) {
                if (*p == '"')
                    buf_append_char(&pat, '"');
                buf_append_char(&pat, *p);
            }
            buf_append_char(&pat, '"');
            db_bind_text(st, i++, pat.data, pat.len);
        } else {
            buf_append_char(&pat, '%');
            for (const char *p = q->q; *p; p++) {
                if (*p == '%' || *p == '_' || *p == '\\')
                    buf_append_char(&pat, '\\');
                buf_append_char(&pat, *p);
            }
            buf_append_char(&pat, '%');
            for (int k = 0; k < (indexed ? 1 : 3); k++)
                db_bind_text(st, i++, pat.data, pat.len);
        }
        buf_release(&pat);
    }
    if (q->status)
        db_bind_str(st, i++, q->status);
    if (q->role)
        db_bind_str(st, i++, q->role);
    json_t *arr = json_array();
    int r;
    int64_t last = 0;
    bool more = false;
    while ((r = db_step(st, err)) == DB_ROW) {
        if (json_array_size(arr) == limit) {
            more = true;
            break;
        }
        json_t *o = db_row_json(st, person_cols, MM_ARRAY_LEN(person_cols));
        fix_bools(o);
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
    return json_pack("{s:o, s:o}", "people", arr, "next_after", more ? json_integer(last) : json_null());
}

enum mm_status person_update(struct db *db, const struct actor *a, int64_t id, const struct person_input *in,
                             struct mm_error *err)
{
    enum mm_status rc = check_input(in, false, err);
    if (rc != MM_OK)
        return rc;
    json_t *cur = person_get(db, a, id, &rc, err);
    if (!cur)
        return rc;
    char path[ORG_PATH_MAX];
    int64_t org = json_integer_value(json_object_get(cur, "org_id"));
    json_decref(cur);
    if ((rc = org_path(db, a, org, path, sizeof path, err)) != MM_OK)
        return rc;
    /* people change their own language; everything else is the administrators' */
    bool self_only = id == a->person_id && !in->org_id && !in->login && !in->name && !in->email && !in->staff_no &&
                     !in->status;
    if (!self_only && !actor_can(a, PERM_MANAGE_PEOPLE, path))
        return mm_error_set(err, MM_ERR_DENIED, "managing people there needs the admin role");
    if (in->org_id) {
        char np[ORG_PATH_MAX];
        if ((rc = org_path(db, a, in->org_id, np, sizeof np, err)) != MM_OK)
            return rc;
        if (!actor_can(a, PERM_MANAGE_PEOPLE, np))
            return mm_error_set(err, MM_ERR_DENIED, "managing people there needs the admin role");
    }
    struct db_stmt *st = db_prepare(db,
                                    "UPDATE people SET org_id = COALESCE(?, org_id), login = COALESCE(?, login), "
                                    "name = COALESCE(?, name), email = COALESCE(?, email), staff_no = COALESCE(?, "
                                    "staff_no), status = COALESCE(?, status), lang = COALESCE(?, lang), updated_at = ? "
                                    "WHERE id = ?",
                                    err);
    if (!st)
        return MM_ERR_IO;
    if (in->org_id)
        db_bind_int64(st, 1, in->org_id);
    db_bind_str(st, 2, in->login);
    db_bind_str(st, 3, in->name);
    db_bind_str(st, 4, in->email);
    db_bind_str(st, 5, in->staff_no);
    db_bind_str(st, 6, in->status);
    db_bind_str(st, 7, in->lang);
    db_bind_int64(st, 8, server_now());
    db_bind_int64(st, 9, id);
    int r = db_step(st, err);
    db_finalize(st);
    if (r != DB_DONE) {
        if (r == MM_ERR_EXISTS)
            mm_error_set(err, MM_ERR_EXISTS, "the login '%s' is taken", in->login ? in->login : "");
        return (enum mm_status)r;
    }
    json_t *d = json_object();
    const char *names[] = { "login", "name", "email", "staff_no", "status", "lang" };
    const char *vals[] = { in->login, in->name, in->email, in->staff_no, in->status, in->lang };
    for (size_t k = 0; k < MM_ARRAY_LEN(names); k++)
        if (vals[k])
            json_object_set_new(d, names[k], json_string(vals[k]));
    if (in->org_id)
        json_object_set_new(d, "org_id", json_integer(in->org_id));
    char obj[48];
    rc = audit_append(db, a, "person.update", audit_object(obj, sizeof obj, "person", id), org, d, err);
    json_decref(d);
    return rc;
}

enum mm_status person_role(struct db *db, const struct actor *a, int64_t person_id, int64_t org_id,
                           const char *role, bool give, struct mm_error *err)
{
    if (role_index(role) < 0)
        return mm_error_set(err, MM_ERR_INVALID, "unknown role '%s'", role ? role : "");
    char path[ORG_PATH_MAX], ppath[ORG_PATH_MAX];
    enum mm_status rc;
    if ((rc = org_path(db, a, org_id, path, sizeof path, err)) != MM_OK)
        return rc;
    /* the person must be in scope too, and the role given within their own subtree */
    struct db_stmt *st = db_prepare(db,
                                    "SELECT o.path FROM people p JOIN orgs o ON o.id = p.org_id WHERE p.id = ? AND "
                                    "o.path >= ? AND o.path < ?",
                                    err);
    if (!st)
        return MM_ERR_IO;
    db_bind_int64(st, 1, person_id);
    scope_bind(st, 2, a);
    int r = db_step(st, err);
    if (r == DB_ROW)
        snprintf(ppath, sizeof ppath, "%s", db_column_text(st, 0, NULL));
    db_finalize(st);
    if (r == DB_DONE)
        return mm_error_set(err, MM_ERR_NOT_FOUND, "no person %lld", (long long)person_id);
    if (r != DB_ROW)
        return (enum mm_status)r;
    if (!actor_can(a, PERM_MANAGE_PEOPLE, path) || !actor_can(a, PERM_MANAGE_PEOPLE, ppath))
        return mm_error_set(err, MM_ERR_DENIED, "managing people there needs the admin role");
    if (strncmp(path, ppath, strlen(ppath)))
        return mm_error_set(err, MM_ERR_INVALID, "a role is given at the person's own organisation or below it");
    st = db_prepare(db,
                    give ? "INSERT INTO roles (person_id, org_id, role) VALUES (?, ?, ?) ON CONFLICT DO NOTHING"
                         : "DELETE FROM roles WHERE person_id = ? AND org_id = ? AND role = ?",
                    err);
    if (!st)
        return MM_ERR_IO;
    db_bind_int64(st, 1, person_id);
    db_bind_int64(st, 2, org_id);
    db_bind_str(st, 3, role);
    r = db_step(st, err);
    db_finalize(st);
    if (r != DB_DONE)
        return (enum mm_status)r;
    char obj[48];
    json_t *d = json_pack("{s:s, s:I}", "role", role, "org_id", (json_int_t)org_id);
    rc = audit_append(db, a, give ? "role.give" : "role.take", audit_object(obj, sizeof obj, "person", person_id),
                      org_id, d, err);
    json_decref(d);
    return rc;
}
