/* SPDX-License-Identifier: Apache-2.0 */
/* db_sqlite.c: the SQLite backend: one connection per thread (no mutexes inside SQLite), WAL so
 * readers do not wait for the writer, a busy timeout for writers that meet each other. */
#include "base/prelude.h"
#include "base/alloc.h"
#include "db/db.h"

#include <sqlite3.h>
#include <string.h>

struct sqlite_db {
    struct db base;
    sqlite3 *h;
};

struct sqlite_stmt {
    const struct db_ops *ops; /* first, as db.c expects */
    struct sqlite_db *db;
    sqlite3_stmt *st;
    int64_t changes;
};

static enum mm_status error_of(sqlite3 *h, int rc, const char *what, struct mm_error *err)
{
    int ext = sqlite3_extended_errcode(h);
    if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY)
        return mm_error_set(err, MM_ERR_EXISTS, "%s: %s", what, sqlite3_errmsg(h));
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
        return mm_error_set(err, MM_AGAIN, "%s: the database is busy (%s)", what, sqlite3_errmsg(h));
    if ((rc & 0xff) == SQLITE_CONSTRAINT)
        return mm_error_set(err, MM_ERR_INVALID, "%s: %s", what, sqlite3_errmsg(h));
    return mm_error_set(err, MM_ERR_IO, "%s: %s", what, sqlite3_errmsg(h));
}

static void s_close(struct db *db)
{
    struct sqlite_db *d = (struct sqlite_db *)db;
    sqlite3_close_v2(d->h);
    mm_free(d);
}

static enum mm_status s_exec(struct db *db, const char *sql, struct mm_error *err)
{
    struct sqlite_db *d = (struct sqlite_db *)db;
    int rc = sqlite3_exec(d->h, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? MM_OK : error_of(d->h, rc, "sqlite", err);
}

static const struct db_ops sqlite_ops;

static struct db_stmt *s_prepare(struct db *db, const char *sql, struct mm_error *err)
{
    struct sqlite_db *d = (struct sqlite_db *)db;
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(d->h, sql, -1, &st, NULL);
    if (rc != SQLITE_OK) {
        error_of(d->h, rc, "sqlite", err);
        return NULL;
    }
    struct sqlite_stmt *s = mm_calloc(1, sizeof *s);
    s->ops = &sqlite_ops;
    s->db = d;
    s->st = st;
    return (struct db_stmt *)s;
}

static void s_bind_text(struct db_stmt *st, unsigned i, const char *p, size_t n)
{
    struct sqlite_stmt *s = (struct sqlite_stmt *)st;
    sqlite3_bind_text64(s->st, (int)i, p, n, SQLITE_TRANSIENT, SQLITE_UTF8);
}

static void s_bind_int64(struct db_stmt *st, unsigned i, int64_t v)
{
    sqlite3_bind_int64(((struct sqlite_stmt *)st)->st, (int)i, v);
}

static void s_bind_null(struct db_stmt *st, unsigned i)
{
    sqlite3_bind_null(((struct sqlite_stmt *)st)->st, (int)i);
}

static int s_step(struct db_stmt *st, struct mm_error *err)
{
    struct sqlite_stmt *s = (struct sqlite_stmt *)st;
    int rc = sqlite3_step(s->st);
    if (rc == SQLITE_ROW)
        return DB_ROW;
    if (rc == SQLITE_DONE) {
        s->changes = sqlite3_changes64(s->db->h);
        return DB_DONE;
    }
    return (int)error_of(s->db->h, rc, "sqlite", err);
}

static unsigned s_column_count(struct db_stmt *st)
{
    return (unsigned)sqlite3_column_count(((struct sqlite_stmt *)st)->st);
}

static const char *s_column_text(struct db_stmt *st, unsigned i, size_t *n)
{
    struct sqlite_stmt *s = (struct sqlite_stmt *)st;
    const char *p = (const char *)sqlite3_column_text(s->st, (int)i);
    if (n)
        *n = p ? (size_t)sqlite3_column_bytes(s->st, (int)i) : 0;
    return p ? p : "";
}

static int64_t s_column_int64(struct db_stmt *st, unsigned i)
{
    return sqlite3_column_int64(((struct sqlite_stmt *)st)->st, (int)i);
}

static bool s_column_null(struct db_stmt *st, unsigned i)
{
    return sqlite3_column_type(((struct sqlite_stmt *)st)->st, (int)i) == SQLITE_NULL;
}

static int64_t s_changes(struct db_stmt *st)
{
    return ((struct sqlite_stmt *)st)->changes;
}

static void s_reset(struct db_stmt *st)
{
    struct sqlite_stmt *s = (struct sqlite_stmt *)st;
    sqlite3_reset(s->st);
    sqlite3_clear_bindings(s->st);
}

static void s_finalize(struct db_stmt *st)
{
    struct sqlite_stmt *s = (struct sqlite_stmt *)st;
    sqlite3_finalize(s->st);
    mm_free(s);
}

static const struct db_ops sqlite_ops = {
    "sqlite",     DB_SQLITE,      s_close,        s_exec,         s_prepare,     s_bind_text,
    s_bind_int64, s_bind_null,    s_step,         s_column_count, s_column_text, s_column_int64,
    s_column_null, s_changes,     s_reset,        s_finalize,
};

struct db *db_sqlite_open(const char *path, struct mm_error *err)
{
    sqlite3 *h = NULL;
    int rc = sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        mm_error_set(err, MM_ERR_IO, "cannot open SQLite database '%s': %s", path,
                     h ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
        sqlite3_close_v2(h);
        return NULL;
    }
    sqlite3_busy_timeout(h, 5000);
    struct sqlite_db *d = mm_calloc(1, sizeof *d);
    d->base.ops = &sqlite_ops;
    d->h = h;
    /* WAL: readers never wait for the writer; NORMAL sync is durable at each checkpoint and
     * safe against corruption (a power cut may lose the last transactions, never mix them) */
    if (s_exec(&d->base, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;", err) !=
        MM_OK) {
        mm_error_wrap(err, MM_ERR_IO, "SQLite database '%s'", path);
        s_close(&d->base);
        return NULL;
    }
    return &d->base;
}
