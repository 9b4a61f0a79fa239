/* SPDX-License-Identifier: Apache-2.0 */
/* db.c: opening a connection by URL, and the calls every backend shares. */
#include "base/prelude.h"
#include "db/db.h"

#include <string.h>

struct db *db_open(const char *url, struct mm_error *err)
{
    if (!url || !*url) {
        mm_error_set(err, MM_ERR_INVALID, "no database given");
        return NULL;
    }
    if (!strncmp(url, "sqlite:", 7))
        return db_sqlite_open(url + 7, err);
    if (!strncmp(url, "postgresql://", 13) || !strncmp(url, "postgres://", 11) || strchr(url, '='))
        return db_pg_open(url, err);
    size_t n = strlen(url);
    if ((n > 3 && !strcmp(url + n - 3, ".db")) || (n > 7 && !strcmp(url + n - 7, ".sqlite")))
        return db_sqlite_open(url, err);
    mm_error_set(err, MM_ERR_INVALID,
                 "database '%s': expected sqlite:PATH, postgresql://... or a libpq key=value string", url);
    return NULL;
}

void db_close(struct db *db)
{
    if (db)
        db->ops->close(db);
}

enum db_dialect db_dialect(const struct db *db)
{
    return db->ops->dialect;
}

enum mm_status db_exec(struct db *db, const char *sql, struct mm_error *err)
{
    return db->ops->exec(db, sql, err);
}

enum mm_status db_begin(struct db *db, struct mm_error *err)
{
    return db_exec(db, db->ops->dialect == DB_SQLITE ? "BEGIN IMMEDIATE" : "BEGIN", err);
}

enum mm_status db_commit(struct db *db, struct mm_error *err)
{
    return db_exec(db, "COMMIT", err);
}

void db_rollback(struct db *db)
{
    db_exec(db, "ROLLBACK", NULL);
}

/* a statement remembers its connection's operations in its first member */
struct db_stmt {
    const struct db_ops *ops;
};

struct db_stmt *db_prepare(struct db *db, const char *sql, struct mm_error *err)
{
    return db->ops->prepare(db, sql, err);
}

void db_bind_text(struct db_stmt *st, unsigned i, const char *s, size_t n)
{
    st->ops->bind_text(st, i, s, n);
}

void db_bind_str(struct db_stmt *st, unsigned i, const char *s)
{
    if (s)
        st->ops->bind_text(st, i, s, strlen(s));
    else
        st->ops->bind_null(st, i);
}

void db_bind_int64(struct db_stmt *st, unsigned i, int64_t v)
{
    st->ops->bind_int64(st, i, v);
}

void db_bind_null(struct db_stmt *st, unsigned i)
{
    st->ops->bind_null(st, i);
}

int db_step(struct db_stmt *st, struct mm_error *err)
{
    return st->ops->step(st, err);
}

unsigned db_column_count(struct db_stmt *st)
{
    return st->ops->column_count(st);
}

const char *db_column_text(struct db_stmt *st, unsigned i, size_t *n)
{
    return st->ops->column_text(st, i, n);
}

int64_t db_column_int64(struct db_stmt *st, unsigned i)
{
    return st->ops->column_int64(st, i);
}

bool db_column_null(struct db_stmt *st, unsigned i)
{
    return st->ops->column_null(st, i);
}

int64_t db_changes(struct db_stmt *st)
{
    return st->ops->changes(st);
}

void db_reset(struct db_stmt *st)
{
    st->ops->reset(st);
}

void db_finalize(struct db_stmt *st)
{
    if (st)
        st->ops->finalize(st);
}
