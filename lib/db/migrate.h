/* SPDX-License-Identifier: Apache-2.0 */
/* migrate.h: versioned schema migrations, the same list for every backend. A migration's SQL is
 * written once; a few words differ between SQLite and PostgreSQL and are written as macros the
 * runner expands:
 *   {id}    an auto-numbered primary key  (INTEGER PRIMARY KEY / BIGINT GENERATED ... IDENTITY PRIMARY KEY)
 *   {bytes} a column compared byte by byte (TEXT / TEXT COLLATE "C"): organisation paths, hashes
 * Each migration runs in its own transaction with its row in schema_migrations, so a failed one
 * leaves the schema at the previous version. A database newer than the binary is refused. */
#ifndef MM_MIGRATE_H
#define MM_MIGRATE_H

#include "db/db.h"

struct db_migration {
    int version; /* 1, 2, 3 ... in order, never reused */
    const char *name;
    const char *sql;
    /* statements for one engine only (after sql; NULL: none): what the two do differently, such
     * as their text-search indexes */
    const char *sqlite_sql, *postgres_sql;
};

/* Apply the migrations the database has not had yet. *applied (may be NULL) receives how many
 * ran. MM_ERR_STATE when the database records a version this list does not have. */
enum mm_status db_migrate(struct db *db, const struct db_migration *list, size_t n, int *applied,
                          struct mm_error *err);
/* The schema version the database is at (0: none). */
int db_schema_version(struct db *db, struct mm_error *err);
/* The SQL of a migration as the connection's backend runs it (macros expanded); caller frees. */
char *db_migration_sql(const struct db *db, const char *sql);

#endif
