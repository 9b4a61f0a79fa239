/* SPDX-License-Identifier: Apache-2.0 */
/* import.c: bulk import of organisations and people from CSV, all or nothing, in one transaction
 * with statements prepared once (120,000 people in seconds). One audit record per import names the
 * file's SHA-256 and the counts. */
#include "base/prelude.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/str.h"
#include "io/csv.h"
#include "server/server.h"
#include "server/internal.h"

#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the organisations in the actor's scope, by code */
struct org_ref {
    char *code;
    int64_t id;
    char path[ORG_PATH_MAX];
};
struct org_index {
    struct org_ref *v;
    size_t n, cap;
};

static int cmp_ref(const void *a, const void *b)
{
    return strcmp(((const struct org_ref *)a)->code, ((const struct org_ref *)b)->code);
}

static void index_release(struct org_index *x)
{
    for (size_t i = 0; i < x->n; i++)
        mm_free(x->v[i].code);
    mm_free(x->v);
}

static void index_add(struct org_index *x, const char *code, int64_t id, const char *path)
{
    if (x->n == x->cap) {
        x->cap = x->cap ? x->cap * 2 : 256;
        x->v = mm_reallocarray(x->v, x->cap, sizeof *x->v);
    }
    struct org_ref *r = &x->v[x->n++];
    r->code = mm_strdup(code);
    r->id = id;
    snprintf(r->path, sizeof r->path, "%s", path);
}

static enum mm_status index_load(struct db *db, const struct actor *a, struct org_index *x, struct mm_error *err)
{
    struct db_stmt *st = db_prepare(db, "SELECT code, id, path FROM orgs o WHERE o.path >= ? AND o.path < ?", err);
    if (!st)
        return MM_ERR_IO;
    scope_bind(st, 1, a);
    int r;
    while ((r = db_step(st, err)) == DB_ROW)
        index_add(x, db_column_text(st, 0, NULL), db_column_int64(st, 1), db_column_text(st, 2, NULL));
    db_finalize(st);
    qsort(x->v, x->n, sizeof *x->v, cmp_ref);
    return step_status(r);
}

static const struct org_ref *index_find(const struct org_index *x, const char *code)
{
    struct org_ref key = { .code = (char *)(uintptr_t)code };
    return bsearch(&key, x->v, x->n, sizeof *x->v, cmp_ref);
}

static void file_digest(const char *csv, size_t len, char out[65])
{
    unsigned char md[SHA256_DIGEST_LENGTH];
    SHA256((const unsigned char *)csv, len, md);
    for (size_t i = 0; i < sizeof md; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static const char *cell(const struct csv_reader *r, int col)
{
    return col >= 0 && (size_t)col < r->nfields ? r->fields[col] : "";
}

static enum mm_status finish(struct db *db, const struct actor *a, const char *action, const char *csv, size_t len,
                             const struct import_stats *stats, enum mm_status rc, struct mm_error *err)
{
    if (rc == MM_OK) {
        char digest[65];
        file_digest(csv, len, digest);
        json_t *d = json_pack("{s:s, s:I, s:I, s:I}", "sha256", digest, "rows", (json_int_t)stats->rows, "created",
                              (json_int_t)stats->created, "updated", (json_int_t)stats->updated);
        rc = audit_append(db, a, action, "", a->org_id, d, err);
        json_decref(d);
    }
    if (rc == MM_OK)
        rc = db_commit(db, err);
    if (rc != MM_OK)
        db_rollback(db);
    return rc;
}

enum mm_status import_orgs_csv(struct db *db, const struct actor *a, const char *csv, size_t len,
                               struct import_stats *stats, struct mm_error *err)
{
    memset(stats, 0, sizeof *stats);
    struct csv_reader r;
    csv_reader_init(&r, csv, len);
    struct org_index x = { 0 };
    enum mm_status rc = db_begin(db, err);
    if (rc != MM_OK)
        goto out;
    if ((rc = csv_next(&r, err)) != MM_OK) {
        if (rc == MM_EOF)
            rc = mm_error_set(err, MM_ERR_PARSE, "the file is empty: a header row is needed");
        goto fail;
    }
    int c_code = csv_column(&r, "code"), c_parent = csv_column(&r, "parent_code"), c_kind = csv_column(&r, "kind"),
        c_ja = csv_column(&r, "name_ja"), c_en = csv_column(&r, "name_en"), c_sup = csv_column(&r, "supervisor_code");
    if (c_code < 0 || c_parent < 0 || c_kind < 0 || c_ja < 0) {
        rc = mm_error_set(err, MM_ERR_PARSE, "the header must name code, parent_code, kind and name_ja (and may name "
                                             "name_en, supervisor_code)");
        goto fail;
    }
    if ((rc = index_load(db, a, &x, err)) != MM_OK)
        goto fail;
    /* rows may name parents defined further down: take the rows in passes until none is left
     * or a pass makes no progress */
    struct row {
        char *code, *parent, *kind, *ja, *en, *sup;
        size_t line;
    } *rows = NULL;
    size_t nrows = 0, cap = 0;
    while ((rc = csv_next(&r, err)) == MM_OK) {
        if (nrows == cap) {
            cap = cap ? cap * 2 : 64;
            rows = mm_reallocarray(rows, cap, sizeof *rows);
        }
        rows[nrows++] = (struct row){ mm_strdup(cell(&r, c_code)), mm_strdup(cell(&r, c_parent)),
                                      mm_strdup(cell(&r, c_kind)), mm_strdup(cell(&r, c_ja)),
                                      mm_strdup(cell(&r, c_en)),   mm_strdup(cell(&r, c_sup)), r.record_line };
    }
    if (rc == MM_EOF)
        rc = MM_OK;
    stats->rows = nrows;
    bool *done = mm_calloc(nrows ? nrows : 1, sizeof *done);
    for (size_t left = nrows, progress = 1; rc == MM_OK && left && progress;) {
        progress = 0;
        for (size_t i = 0; i < nrows && rc == MM_OK; i++) {
            struct row *w = &rows[i];
            if (done[i])
                continue;
            const struct org_ref *parent = *w->parent ? index_find(&x, w->parent) : NULL;
            if (*w->parent && !parent)
                continue; /* perhaps a later pass */
            const struct org_ref *sup = *w->sup ? index_find(&x, w->sup) : NULL;
            if (*w->sup && !sup)
                continue;
            const struct org_ref *have = index_find(&x, w->code);
            if (have) {
                rc = org_update(db, a, have->id, w->ja, *w->en ? w->en : NULL, NULL, err);
                stats->updated++;
            } else {
                struct org_input in = { parent ? parent->id : 0, w->kind, w->code, w->ja, w->en, sup ? sup->id : 0 };
                int64_t id = 0;
                rc = org_create(db, a, &in, &id, err);
                if (rc == MM_OK) {
                    char path[ORG_PATH_MAX];
                    rc = org_path(db, a, id, path, sizeof path, err);
                    index_add(&x, w->code, id, path);
                    qsort(x.v, x.n, sizeof *x.v, cmp_ref);
                }
                stats->created++;
            }
            if (rc != MM_OK)
                mm_error_wrap(err, rc, "line %zu", w->line);
            done[i] = true;
            left--;
            progress++;
        }
        if (rc == MM_OK && left && !progress) {
            for (size_t i = 0; i < nrows; i++) {
                if (!done[i]) {
                    rc = mm_error_set(err, MM_ERR_NOT_FOUND, "line %zu: no organisation with code '%s'", rows[i].line,
                                      *rows[i].parent && !index_find(&x, rows[i].parent) ? rows[i].parent
                                                                                        : rows[i].sup);
                    break;
                }
            }
        }
    }
    for (size_t i = 0; i < nrows; i++) {
        mm_free(rows[i].code);
        mm_free(rows[i].parent);
        mm_free(rows[i].kind);
        mm_free(rows[i].ja);
        mm_free(rows[i].en);
        mm_free(rows[i].sup);
    }
    mm_free(rows);
    mm_free(done);
fail:
    rc = finish(db, a, "import.orgs", csv, len, stats, rc, err);
out:
    index_release(&x);
    csv_reader_release(&r);
    return rc;
}

/* roles cell: "ciso;security_manager@mof-kanbo" */
static enum mm_status set_roles(const struct actor *a, const struct org_index *x,
                                struct db_stmt *del, struct db_stmt *ins, int64_t person, const char *home_path,
                                int64_t home_id, const char *spec, struct mm_error *err)
{
    db_reset(del);
    db_bind_int64(del, 1, person);
    scope_bind(del, 2, a);
    int r = db_step(del, err);
    if (r != DB_DONE)
        return step_status(r);
    /* items separated by ';' (or ','), spaces around them ignored */
    for (const char *s = spec; *s;) {
        while (*s == ' ' || *s == ';' || *s == ',')
            s++;
        if (!*s)
            break;
        size_t len = strcspn(s, ";,");
        struct slice item = { s, len };
        s += len;
        while (item.len && item.p[item.len - 1] == ' ')
            item.len--;
        char role[64], code[80] = "";
        const char *at = memchr(item.p, '@', item.len);
        size_t rl = at ? (size_t)(at - item.p) : item.len;
        snprintf(role, sizeof role, "%.*s", (int)MM_MIN(rl, sizeof role - 1), item.p);
        if (at)
            snprintf(code, sizeof code, "%.*s", (int)(item.len - rl - 1), at + 1);
        if (role_index(role) < 0)
            return mm_error_set(err, MM_ERR_INVALID, "unknown role '%s'", role);
        int64_t org = home_id;
        if (*code) {
            const struct org_ref *o = index_find(x, code);
            if (!o)
                return mm_error_set(err, MM_ERR_NOT_FOUND, "no organisation with code '%s'", code);
            if (strncmp(o->path, home_path, strlen(home_path)))
                return mm_error_set(err, MM_ERR_INVALID, "role %s@%s: outside the person's own organisation", role,
                                    code);
            org = o->id;
        }
        db_reset(ins);
        db_bind_int64(ins, 1, person);
        db_bind_int64(ins, 2, org);
        db_bind_str(ins, 3, role);
        if ((r = db_step(ins, err)) != DB_DONE)
            return step_status(r);
    }
    return MM_OK;
}

enum mm_status import_people_csv(struct db *db, const struct actor *a, const char *csv, size_t len,
                                 struct import_stats *stats, struct mm_error *err)
{
    memset(stats, 0, sizeof *stats);
    struct csv_reader r;
    csv_reader_init(&r, csv, len);
    struct org_index x = { 0 };
    struct db_stmt *find = NULL, *ins = NULL, *upd = NULL, *rdel = NULL, *rins = NULL;
    enum mm_status rc = db_begin(db, err);
    if (rc != MM_OK)
        goto out;
    if ((rc = csv_next(&r, err)) != MM_OK) {
        if (rc == MM_EOF)
            rc = mm_error_set(err, MM_ERR_PARSE, "the file is empty: a header row is needed");
        goto fail;
    }
    int c_login = csv_column(&r, "login"), c_org = csv_column(&r, "org_code"), c_name = csv_column(&r, "name"),
        c_email = csv_column(&r, "email"), c_staff = csv_column(&r, "staff_no"), c_status = csv_column(&r, "status"),
        c_roles = csv_column(&r, "roles");
    if (c_login < 0 || c_org < 0 || c_name < 0) {
        rc = mm_error_set(err, MM_ERR_PARSE, "the header must name login, org_code and name (and may name email, "
                                             "staff_no, status, roles)");
        goto fail;
    }
    if ((rc = index_load(db, a, &x, err)) != MM_OK)
        goto fail;
    find = db_prepare(db,
                      "SELECT p.id, o.path FROM people p JOIN orgs o ON o.id = p.org_id WHERE p.login = ?", err);
    ins = db_prepare(db,
                     "INSERT INTO people (org_id, login, name, email, staff_no, status, created_at, updated_at) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                     err);
    upd = db_prepare(db,
                     "UPDATE people SET org_id = ?, name = ?, email = ?, staff_no = ?, status = ?, updated_at = ? "
                     "WHERE id = ?",
                     err);
    rdel = db_prepare(db,
                      "DELETE FROM roles WHERE person_id = ? AND org_id IN (SELECT o.id FROM orgs o WHERE o.path >= ? "
                      "AND o.path < ?)",
                      err);
    rins = db_prepare(db, "INSERT INTO roles (person_id, org_id, role) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", err);
    if (!find || !ins || !upd || !rdel || !rins) {
        rc = MM_ERR_IO;
        goto fail;
    }
    int64_t now = server_now();
    while ((rc = csv_next(&r, err)) == MM_OK) {
        stats->rows++;
        struct person_input in = { 0, cell(&r, c_login), cell(&r, c_name), cell(&r, c_email), cell(&r, c_staff),
                                   *cell(&r, c_status) ? cell(&r, c_status) : "active", NULL };
        const struct org_ref *o = index_find(&x, cell(&r, c_org));
        if (!o) {
            rc = mm_error_set(err, MM_ERR_NOT_FOUND, "line %zu: no organisation with code '%s'", r.record_line,
                              cell(&r, c_org));
            break;
        }
        if (!actor_can(a, PERM_MANAGE_PEOPLE, o->path)) {
            rc = mm_error_set(err, MM_ERR_DENIED, "line %zu: managing people in '%s' needs the admin role",
                              r.record_line, o->code);
            break;
        }
        /* the same checks as one person at a time */
        if ((rc = server_text_valid("name", in.name, 200, true, err)) != MM_OK ||
            (rc = server_text_valid("email", in.email, 254, false, err)) != MM_OK ||
            (rc = server_text_valid("staff_no", in.staff_no, 64, false, err)) != MM_OK) {
            mm_error_wrap(err, rc, "line %zu", r.record_line);
            break;
        }
        if (strcmp(in.status, "active") && strcmp(in.status, "leave") && strcmp(in.status, "retired")) {
            rc = mm_error_set(err, MM_ERR_INVALID, "line %zu: status must be active, leave or retired", r.record_line);
            break;
        }
        db_reset(find);
        db_bind_str(find, 1, in.login);
        int s = db_step(find, err);
        int64_t id = 0;
        if (s == DB_ROW) {
            id = db_column_int64(find, 0);
            if (!actor_can(a, PERM_MANAGE_PEOPLE, db_column_text(find, 1, NULL))) {
                rc = mm_error_set(err, MM_ERR_EXISTS, "line %zu: the login '%s' is taken", r.record_line, in.login);
                break;
            }
            db_reset(upd);
            db_bind_int64(upd, 1, o->id);
            db_bind_str(upd, 2, in.name);
            db_bind_str(upd, 3, in.email);
            db_bind_str(upd, 4, in.staff_no);
            db_bind_str(upd, 5, in.status);
            db_bind_int64(upd, 6, now);
            db_bind_int64(upd, 7, id);
            s = db_step(upd, err);
            stats->updated++;
        } else if (s == DB_DONE) {
            if (!*in.login || strspn(in.login, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-@") !=
                                  strlen(in.login) || strlen(in.login) > 128) {
                rc = mm_error_set(err, MM_ERR_INVALID, "line %zu: login must be 1-128 characters of A-Z a-z 0-9 . _ - @",
                                  r.record_line);
                break;
            }
            db_reset(ins);
            db_bind_int64(ins, 1, o->id);
            db_bind_str(ins, 2, in.login);
            db_bind_str(ins, 3, in.name);
            db_bind_str(ins, 4, in.email);
            db_bind_str(ins, 5, in.staff_no);
            db_bind_str(ins, 6, in.status);
            db_bind_int64(ins, 7, now);
            db_bind_int64(ins, 8, now);
            s = db_step(ins, err);
            if (s == DB_ROW)
                id = db_column_int64(ins, 0), s = db_step(ins, err);
            stats->created++;
        }
        if (s != DB_DONE) {
            rc = mm_error_wrap(err, step_status(s), "line %zu", r.record_line);
            break;
        }
        if (c_roles >= 0 &&
            (rc = set_roles(a, &x, rdel, rins, id, o->path, o->id, cell(&r, c_roles), err)) != MM_OK) {
            mm_error_wrap(err, rc, "line %zu", r.record_line);
            break;
        }
    }
    if (rc == MM_EOF)
        rc = MM_OK;
fail:
    db_finalize(find);
    db_finalize(ins);
    db_finalize(upd);
    db_finalize(rdel);
    db_finalize(rins);
    rc = finish(db, a, "import.people", csv, len, stats, rc, err);
out:
    index_release(&x);
    csv_reader_release(&r);
    return rc;
}
