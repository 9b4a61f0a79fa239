/* SPDX-License-Identifier: Apache-2.0 */
/* db.h: the metadata store's connection interface, one table of operations per backend (SQLite,
 * PostgreSQL). Everything above it (migrations, the server's model) writes SQL once, in the
 * dialect both engines accept, with `?` placeholders; the PostgreSQL backend numbers them ($1, $2,
 * ...). A connection is used by one thread at a time; a server keeps a pool of them. */
#ifndef MM_DB_H
#define MM_DB_H

#include "base/prelude.h"
#include "base/error.h"

enum db_dialect { DB_SQLITE, DB_POSTGRES };

/* db_step's answers besides errors (which are MM_ERR_* with err filled). */
enum { DB_ROW = 1, DB_DONE = 0 };

struct db;
struct db_stmt;

struct db_ops {
    const char *name; /* "sqlite", "postgresql" */
    enum db_dialect dialect;
    void (*close)(struct db *db);
    enum mm_status (*exec)(struct db *db, const char *sql, struct mm_error *err);
    struct db_stmt *(*prepare)(struct db *db, const char *sql, struct mm_error *err);
    void (*bind_text)(struct db_stmt *st, unsigned i, const char *s, size_t n);
    void (*bind_int64)(struct db_stmt *st, unsigned i, int64_t v);
    void (*bind_null)(struct db_stmt *st, unsigned i);
    int (*step)(struct db_stmt *st, struct mm_error *err);
    unsigned (*column_count)(struct db_stmt *st);
    const char *(*column_text)(struct db_stmt *st, unsigned i, size_t *n);
    int64_t (*column_int64)(struct db_stmt *st, unsigned i);
    bool (*column_null)(struct db_stmt *st, unsigned i);
    int64_t (*changes)(struct db_stmt *st);
    void (*reset)(struct db_stmt *st);
    void (*finalize)(struct db_stmt *st);
};

/* Every backend's connection starts with this. */
struct db {
    const struct db_ops *ops;
};

/* Open a connection. url: "sqlite:PATH" (or a path ending in .db/.sqlite) or
 * "postgresql://..." / "postgres://..." / "host=... dbname=..." (a libpq connection string).
 * SQLite is opened in WAL mode with foreign keys on and a busy timeout; PostgreSQL with UTC
 * time zone and UTF-8 client encoding. NULL on failure, with err saying why. */
struct db *db_open(const char *url, struct mm_error *err);
void db_close(struct db *db);
enum db_dialect db_dialect(const struct db *db);

/* Run one or more statements without parameters or results (DDL, BEGIN/COMMIT). */
enum mm_status db_exec(struct db *db, const char *sql, struct mm_error *err);
enum mm_status db_begin(struct db *db, struct mm_error *err);   /* BEGIN (IMMEDIATE on SQLite) */
enum mm_status db_commit(struct db *db, struct mm_error *err);
void db_rollback(struct db *db);                                 /* never fails loudly */

/* A prepared statement: bind parameters (1-based, like SQLite), step through rows, read
 * columns (0-based). Text is UTF-8 and may hold any byte but NUL; column_text's pointer is valid
 * until the next step, reset or finalize, and is "" (never NULL) for NULL. Parameters not bound
 * are NULL. db_step returns DB_ROW, DB_DONE or an error status (err filled; a unique-constraint
 * violation is MM_ERR_EXISTS). After DB_DONE, db_changes says how many rows a write touched. */
struct db_stmt *db_prepare(struct db *db, const char *sql, struct mm_error *err);
void db_bind_text(struct db_stmt *st, unsigned i, const char *s, size_t n);
void db_bind_str(struct db_stmt *st, unsigned i, const char *s); /* NULL binds NULL */
void db_bind_int64(struct db_stmt *st, unsigned i, int64_t v);
void db_bind_null(struct db_stmt *st, unsigned i);
int db_step(struct db_stmt *st, struct mm_error *err);
unsigned db_column_count(struct db_stmt *st);
const char *db_column_text(struct db_stmt *st, unsigned i, size_t *n);
int64_t db_column_int64(struct db_stmt *st, unsigned i);
bool db_column_null(struct db_stmt *st, unsigned i);
int64_t db_changes(struct db_stmt *st);
void db_reset(struct db_stmt *st); /* to run again: clears the bindings too */
void db_finalize(struct db_stmt *st);

/* Backends (db_sqlite.c, db_pg.c). */
struct db *db_sqlite_open(const char *path, struct mm_error *err);
struct db *db_pg_open(const char *conninfo, struct mm_error *err);

#endif
