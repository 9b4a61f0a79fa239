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
/* roles of new people, written IMPORT_ROLES at a time in one statement */
#define IMPORT_ROLES 500
struct role_batch {
    int64_t person[IMPORT_ROLES], org[IMPORT_ROLES];
    int role[IMPORT_ROLES];
    size_t n;
    struct db_stmt *full; /* the statement for a whole batch, prepared once */
};

static enum mm_status roles_flush(struct db *db, struct role_batch *b, struct mm_error *err)
{
    if (!b->n)
        return MM_OK;
    struct db_stmt *st = b->n == IMPORT_ROLES ? b->full : NULL;
    if (!st) {
        struct buf sql;
        buf_init(&sql, BUF_NO_MAX);
        buf_append_str(&sql, "INSERT INTO roles (person_id, org_id, role) VALUES ");
        for (size_t i = 0; i < b->n; i++)
            buf_append_str(&sql, i ? ", (?, ?, ?)" : "(?, ?, ?)");
        buf_append_str(&sql, " ON CONFLICT DO NOTHING");
        st = db_prepare(db, sql.data, err);
        buf_release(&sql);
        if (!st)
            return MM_ERR_IO;
        if (b->n == IMPORT_ROLES)
            b->full = st;
    } else {
        db_reset(st);
    }
    for (size_t i = 0; i < b->n; i++) {
        db_bind_int64(st, (unsigned)(3 * i + 1), b->person[i]);
        db_bind_int64(st, (unsigned)(3 * i + 2), b->org[i]);
        db_bind_str(st, (unsigned)(3 * i + 3), server_roles[b->role[i]].code);
    }
    int r = db_step(st, err);
    if (st != b->full)
        db_finalize(st);
    b->n = 0;
    return step_status(r);
}

/* Set a person's roles from the cell: an existing person's roles in the importer's scope are
 * replaced one statement at a time; a new person's go into the batch. */
static enum mm_status set_roles(const struct actor *a, const struct org_index *x, struct db *db,
                                struct db_stmt *del, struct db_stmt *ins, struct role_batch *batch, int64_t person,
                                bool existing, const char *home_path, int64_t home_id, const char *spec,
                                struct mm_error *err)
{
    int r;
    if (existing) { /* a new person has no roles to replace */
        db_reset(del);
        db_bind_int64(del, 1, person);
        scope_bind(del, 2, a);
        if ((r = db_step(del, err)) != DB_DONE)
            return step_status(r);
    }
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
        int ri = role_index(role);
        if (ri < 0)
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
        if (!existing) {
            batch->person[batch->n] = person;
            batch->org[batch->n] = org;
            batch->role[batch->n] = ri;
            if (++batch->n == IMPORT_ROLES && (r = roles_flush(db, batch, err)) != MM_OK)
                return (enum mm_status)r;
            continue;
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

/* ---- people ---- */

/* logins already in the database: login -> id and home path (open addressing, a power of two) */
struct login_map {
    struct login_entry {
        char *login;
        int64_t id;
        char *path;
    } *v;
    size_t cap, n;
};

static uint64_t str_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (uint8_t)*s) * 1099511628211ull;
    return h;
}

static struct login_entry *map_slot(struct login_map *m, const char *login)
{
    for (size_t i = str_hash(login) & (m->cap - 1);; i = (i + 1) & (m->cap - 1))
        if (!m->v[i].login || !strcmp(m->v[i].login, login))
            return &m->v[i];
}

static void map_put(struct login_map *m, const char *login, int64_t id, const char *path)
{
    if ((m->n + 1) * 2 > m->cap) {
        struct login_map bigger = { mm_calloc(m->cap ? m->cap * 2 : 1024, sizeof *m->v), m->cap ? m->cap * 2 : 1024, 0 };
        for (size_t i = 0; i < m->cap; i++)
            if (m->v[i].login)
                *map_slot(&bigger, m->v[i].login) = m->v[i], bigger.n++;
        mm_free(m->v);
        *m = bigger;
    }
    struct login_entry *e = map_slot(m, login);
    if (!e->login) {
        *e = (struct login_entry){ mm_strdup(login), id, mm_strdup(path) };
        m->n++;
    }
}

static void map_release(struct login_map *m)
{
    for (size_t i = 0; i < m->cap; i++) {
        mm_free(m->v[i].login);
        mm_free(m->v[i].path);
    }
    mm_free(m->v);
}

/* one row of the file, checked */
struct person_row {
    char *login, *name, *email, *staff_no, *status, *roles;
    const struct org_ref *org;
    size_t line;
    int64_t id;    /* once known */
    bool inserted; /* this row made the person (else it updates one) */
};

static void rows_free(struct person_row *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        mm_free(v[i].login);
        mm_free(v[i].name);
        mm_free(v[i].email);
        mm_free(v[i].staff_no);
        mm_free(v[i].status);
        mm_free(v[i].roles);
    }
    mm_free(v);
}

static bool login_ok(const char *s)
{
    size_t n = strlen(s);
    return n && n <= 128 && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-@") == n;
}

#define IMPORT_BATCH 250 /* rows per multi-row INSERT (8 parameters each) */

/* New people, IMPORT_BATCH at a time: one statement and one round trip per batch. */
static enum mm_status insert_new(struct db *db, struct person_row **batch, size_t n, int64_t now, struct login_map *m,
                                 struct db_stmt **full, struct mm_error *err)
{
    struct db_stmt *st = n == IMPORT_BATCH ? *full : NULL;
    if (st) {
        db_reset(st);
    } else {
        struct buf sql;
        buf_init(&sql, BUF_NO_MAX);
        buf_append_str(&sql,
                       "INSERT INTO people (org_id, login, name, email, staff_no, status, created_at, updated_at) VALUES ");
        for (size_t i = 0; i < n; i++)
            buf_append_str(&sql, i ? ", (?, ?, ?, ?, ?, ?, ?, ?)" : "(?, ?, ?, ?, ?, ?, ?, ?)");
        buf_append_str(&sql, " RETURNING id, login");
        st = db_prepare(db, sql.data, err);
        buf_release(&sql);
        if (!st)
            return MM_ERR_IO;
        if (n == IMPORT_BATCH)
            *full = st;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned k = (unsigned)(i * 8);
        db_bind_int64(st, k + 1, batch[i]->org->id);
        db_bind_str(st, k + 2, batch[i]->login);
        db_bind_str(st, k + 3, batch[i]->name);
        db_bind_str(st, k + 4, batch[i]->email);
        db_bind_str(st, k + 5, batch[i]->staff_no);
        db_bind_str(st, k + 6, batch[i]->status);
        db_bind_int64(st, k + 7, now);
        db_bind_int64(st, k + 8, now);
    }
    int r;
    while ((r = db_step(st, err)) == DB_ROW) {
        const char *login = db_column_text(st, 1, NULL);
        map_put(m, login, 0, "");
        map_slot(m, login)->id = db_column_int64(st, 0);
    }
    if (st != *full)
        db_finalize(st);
    if (r != DB_DONE)
        return step_status(r);
    for (size_t i = 0; i < n; i++)
        batch[i]->id = map_slot(m, batch[i]->login)->id;
    return MM_OK;
}

enum mm_status import_people_csv(struct db *db, const struct actor *a, const char *csv, size_t len,
                                 struct import_stats *stats, struct mm_error *err)
{
    memset(stats, 0, sizeof *stats);
    struct csv_reader r;
    csv_reader_init(&r, csv, len);
    struct org_index x = { 0 };
    struct login_map m = { 0 };
    struct person_row *rows = NULL;
    size_t nrows = 0, cap = 0;
    struct db_stmt *st = NULL, *upd = NULL, *rdel = NULL, *rins = NULL, *full = NULL;
    struct role_batch *pending = mm_calloc(1, sizeof *pending);
    enum mm_status rc = db_begin(db, err);
    if (rc != MM_OK)
        goto fail;
    /* PostgreSQL plans by its statistics: after a large import they are stale (a table it believes
     * empty is scanned instead of searched), so they are brought up to date first */
    if (db_dialect(db) == DB_POSTGRES && (rc = db_exec(db, "ANALYZE people; ANALYZE roles", err)) != MM_OK)
        goto fail;
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
    /* every login there is (they are unique across organisations) */
    if (!(st = db_prepare(db, "SELECT p.login, p.id, o.path FROM people p JOIN orgs o ON o.id = p.org_id", err))) {
        rc = MM_ERR_IO;
        goto fail;
    }
    int s;
    while ((s = db_step(st, err)) == DB_ROW)
        map_put(&m, db_column_text(st, 0, NULL), db_column_int64(st, 1), db_column_text(st, 2, NULL));
    db_finalize(st);
    st = NULL;
    if ((rc = step_status(s)) != MM_OK)
        goto fail;
    /* read and check every row before changing anything */
    while ((rc = csv_next(&r, err)) == MM_OK) {
        const char *login = cell(&r, c_login), *status = *cell(&r, c_status) ? cell(&r, c_status) : "active";
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
        if (!login_ok(login)) {
            rc = mm_error_set(err, MM_ERR_INVALID, "line %zu: login must be 1-128 characters of A-Z a-z 0-9 . _ - @",
                              r.record_line);
            break;
        }
        if ((rc = server_text_valid("name", cell(&r, c_name), 200, true, err)) != MM_OK ||
            (rc = server_text_valid("email", cell(&r, c_email), 254, false, err)) != MM_OK ||
            (rc = server_text_valid("staff_no", cell(&r, c_staff), 64, false, err)) != MM_OK) {
            mm_error_wrap(err, rc, "line %zu", r.record_line);
            break;
        }
        if (strcmp(status, "active") && strcmp(status, "leave") && strcmp(status, "retired")) {
            rc = mm_error_set(err, MM_ERR_INVALID, "line %zu: status must be active, leave or retired", r.record_line);
            break;
        }
        struct login_entry *e = map_slot(&m, login);
        if (e->login && e->id && !actor_can(a, PERM_MANAGE_PEOPLE, e->path)) {
            rc = mm_error_set(err, MM_ERR_EXISTS, "line %zu: the login '%s' is taken", r.record_line, login);
            break;
        }
        if (nrows == cap) {
            cap = cap ? cap * 2 : 1024;
            rows = mm_reallocarray(rows, cap, sizeof *rows);
        }
        rows[nrows++] = (struct person_row){ mm_strdup(login), mm_strdup(cell(&r, c_name)), mm_strdup(cell(&r, c_email)),
                                             mm_strdup(cell(&r, c_staff)), mm_strdup(status),
                                             c_roles >= 0 ? mm_strdup(cell(&r, c_roles)) : NULL, o, r.record_line,
                                             e->login ? e->id : 0, false };
        if (!e->login)
            map_put(&m, login, 0, ""); /* a login twice in the file: the second row updates the first */
    }
    if (rc != MM_EOF)
        goto fail;
    rc = MM_OK;
    stats->rows = nrows;
    int64_t now = server_now();
    /* new people in batches, in file order */
    struct person_row *batch[IMPORT_BATCH];
    size_t nb = 0;
    for (size_t i = 0; i <= nrows && rc == MM_OK; i++) {
        bool fresh = i < nrows && !rows[i].id && map_slot(&m, rows[i].login)->id == 0;
        if (fresh) {
            /* the first occurrence of a new login goes into the batch */
            bool dup = false;
            for (size_t k = 0; k < nb && !dup; k++)
                dup = !strcmp(batch[k]->login, rows[i].login);
            if (!dup) {
                rows[i].inserted = true;
                batch[nb++] = &rows[i];
                stats->created++;
            }
        }
        if (nb && (nb == IMPORT_BATCH || i == nrows)) {
            rc = insert_new(db, batch, nb, now, &m, &full, err);
            nb = 0;
        }
    }
    if (rc != MM_OK)
        goto fail;
    /* then what was there already (or came twice): one update each */
    upd = db_prepare(db,
                     "UPDATE people SET org_id = ?, name = ?, email = ?, staff_no = ?, status = ?, updated_at = ? "
                     "WHERE id = ?",
                     err);
    rdel = db_prepare(db,
                      "DELETE FROM roles WHERE person_id = ? AND EXISTS (SELECT 1 FROM orgs o WHERE o.id = "
                      "roles.org_id AND o.path >= ? AND o.path < ?)",
                      err);
    rins = db_prepare(db, "INSERT INTO roles (person_id, org_id, role) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", err);
    if (!upd || !rdel || !rins) {
        rc = MM_ERR_IO;
        goto fail;
    }
    /* the new people's roles (batched), then the rows that change a person, in file order */
    for (size_t i = 0; i < nrows && rc == MM_OK; i++) {
        struct person_row *p = &rows[i];
        p->id = map_slot(&m, p->login)->id;
        if (p->inserted && p->roles &&
            (rc = set_roles(a, &x, db, rdel, rins, pending, p->id, false, p->org->path, p->org->id, p->roles, err)) !=
                MM_OK)
            mm_error_wrap(err, rc, "line %zu", p->line);
    }
    if (rc == MM_OK)
        rc = roles_flush(db, pending, err);
    for (size_t i = 0; i < nrows && rc == MM_OK; i++) {
        struct person_row *p = &rows[i];
        if (p->inserted)
            continue; /* there before, or a login's later row in the file */
        db_reset(upd);
        db_bind_int64(upd, 1, p->org->id);
        db_bind_str(upd, 2, p->name);
        db_bind_str(upd, 3, p->email);
        db_bind_str(upd, 4, p->staff_no);
        db_bind_str(upd, 5, p->status);
        db_bind_int64(upd, 6, now);
        db_bind_int64(upd, 7, p->id);
        if ((rc = step_status(db_step(upd, err))) != MM_OK) {
            mm_error_wrap(err, rc, "line %zu", p->line);
            break;
        }
        stats->updated++;
        if (p->roles &&
            (rc = set_roles(a, &x, db, rdel, rins, pending, p->id, true, p->org->path, p->org->id, p->roles, err)) !=
                MM_OK)
            mm_error_wrap(err, rc, "line %zu", p->line);
    }
    if (rc == MM_OK && db_dialect(db) == DB_POSTGRES)
        rc = db_exec(db, "ANALYZE people; ANALYZE roles", err);
fail:
    db_finalize(full);
    db_finalize(pending->full);
    mm_free(pending);
    db_finalize(upd);
    db_finalize(rdel);
    db_finalize(rins);
    rc = finish(db, a, "import.people", csv, len, stats, rc, err);
    rows_free(rows, nrows);
    map_release(&m);
    index_release(&x);
    csv_reader_release(&r);
    return rc;
}
