/* SPDX-License-Identifier: Apache-2.0 */
/* audit.c: the hash-chained audit trail of every change: who, what, when, from where. Each
 * record's hash is SHA-256 over the previous record's hash and its own columns, so changing,
 * inserting or removing a record breaks every hash from there on; `mamori admin audit-verify`
 * walks the chain. */
#include "base/prelude.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "server/server.h"
#include "server/internal.h"

#include <openssl/sha.h>
#include <stdio.h>
#include <string.h>

#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

/* The hash of a record: fields separated by US (0x1f), which no field may hold unescaped (the
 * detail is JSON, which escapes control characters; the others are checked text). */
static void record_hash(const char *prev, int64_t at, const char *actor, const char *ip, int64_t org_id,
                        const char *action, const char *object, const char *detail, char out[65])
{
    struct buf b;
    buf_init(&b, BUF_NO_MAX);
    buf_printf(&b, "%s\x1f%lld\x1f%s\x1f%s\x1f%lld\x1f%s\x1f%s\x1f%s", prev, (long long)at, actor, ip,
               (long long)org_id, action, object, detail);
    unsigned char md[SHA256_DIGEST_LENGTH];
    SHA256((const unsigned char *)b.data, b.len, md);
    buf_release(&b);
    for (size_t i = 0; i < sizeof md; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
}

enum mm_status audit_append(struct db *db, const struct actor *a, const char *action, const char *object,
                            int64_t org_id, json_t *detail, struct mm_error *err)
{
    if (db_dialect(db) == DB_POSTGRES) {
        /* serialise the chain among concurrent transactions (released at commit) */
        struct db_stmt *lk = db_prepare(db, "SELECT pg_advisory_xact_lock(7461757469)", err);
        int r = lk ? db_step(lk, err) : MM_ERR_IO;
        db_finalize(lk);
        if (r != DB_ROW)
            return r == DB_DONE ? MM_ERR_IO : (enum mm_status)r;
    }
    char prev[65] = GENESIS, hash[65];
    struct db_stmt *st = db_prepare(db, "SELECT hash FROM audit ORDER BY id DESC LIMIT 1", err);
    if (!st)
        return MM_ERR_IO;
    int r = db_step(st, err);
    if (r == DB_ROW)
        snprintf(prev, sizeof prev, "%s", db_column_text(st, 0, NULL));
    db_finalize(st);
    if (r != DB_ROW && r != DB_DONE)
        return (enum mm_status)r;
    char *d = detail ? json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII) : NULL;
    const char *dt = d ? d : "{}";
    int64_t at = server_now();
    const char *ip = a->ip;
    record_hash(prev, at, a->label, ip, org_id, action, object ? object : "", dt, hash);
    st = db_prepare(db,
                    "INSERT INTO audit (at, actor, ip, org_id, action, object, detail, prev_hash, hash) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    err);
    enum mm_status rc = MM_ERR_IO;
    if (st) {
        db_bind_int64(st, 1, at);
        db_bind_str(st, 2, a->label);
        db_bind_str(st, 3, ip);
        if (org_id)
            db_bind_int64(st, 4, org_id);
        db_bind_str(st, 5, action);
        db_bind_str(st, 6, object ? object : "");
        db_bind_str(st, 7, dt);
        db_bind_str(st, 8, prev);
        db_bind_str(st, 9, hash);
        r = db_step(st, err);
        rc = r == DB_DONE ? MM_OK : (enum mm_status)r;
        db_finalize(st);
    }
    free(d); /* jansson's allocation */
    return rc;
}

enum mm_status audit_verify(struct db *db, int64_t *count, int64_t *bad_id, struct mm_error *err)
{
    *count = 0;
    *bad_id = 0;
    struct db_stmt *st = db_prepare(db,
                                    "SELECT id, at, actor, ip, org_id, action, object, detail, prev_hash, hash FROM "
                                    "audit ORDER BY id",
                                    err);
    if (!st)
        return MM_ERR_IO;
    char prev[65] = GENESIS, hash[65];
    int r;
    enum mm_status rc = MM_OK;
    while ((r = db_step(st, err)) == DB_ROW) {
        int64_t id = db_column_int64(st, 0);
        record_hash(prev, db_column_int64(st, 1), db_column_text(st, 2, NULL), db_column_text(st, 3, NULL),
                    db_column_null(st, 4) ? 0 : db_column_int64(st, 4), db_column_text(st, 5, NULL),
                    db_column_text(st, 6, NULL), db_column_text(st, 7, NULL), hash);
        if (strcmp(prev, db_column_text(st, 8, NULL)) || strcmp(hash, db_column_text(st, 9, NULL))) {
            *bad_id = id;
            rc = mm_error_set(err, MM_ERR_PARSE, "audit record %lld does not verify: %s", (long long)id,
                              strcmp(prev, db_column_text(st, 8, NULL)) ? "it does not follow the record before it"
                                                                        : "its contents were changed");
            break;
        }
        snprintf(prev, sizeof prev, "%s", hash);
        (*count)++;
    }
    db_finalize(st);
    if (rc == MM_OK && r != DB_DONE)
        rc = (enum mm_status)r;
    return rc;
}

json_t *audit_list(struct db *db, const struct actor *a, int64_t before_id, unsigned limit, struct mm_error *err)
{
    if (!actor_can(a, PERM_READ_AUDIT, a->path)) {
        mm_error_set(err, MM_ERR_DENIED, "reading the audit trail needs the admin, audit_officer or ciso role");
        return NULL;
    }
    limit = limit ? MM_MIN(limit, 1000u) : 100;
    /* records about an organisation in scope; records with no organisation only for the system's
     * own scope (the root) */
    struct db_stmt *st = db_prepare(db,
                                    "SELECT a.id, a.at, a.actor, a.ip, a.org_id, a.action, a.object, a.detail, a.hash "
                                    "FROM audit a LEFT JOIN orgs o ON o.id = a.org_id WHERE a.id < ? AND "
                                    "((o.path >= ? AND o.path < ?) OR (a.org_id IS NULL AND ? = 1)) "
                                    "ORDER BY a.id DESC LIMIT ?",
                                    err);
    if (!st)
        return NULL;
    db_bind_int64(st, 1, before_id > 0 ? before_id : INT64_MAX);
    scope_bind(st, 2, a);
    size_t depth = 0; /* ids in the path: 1 at a root, 0 for the system */
    for (const char *p = a->path; *p; p++)
        depth += *p == '/';
    db_bind_int64(st, 4, depth <= 2);
    db_bind_int64(st, 5, limit);
    static const char *const cols[] = { "#id", "#at", "actor", "ip", "?org_id", "action", "object", "detail", "hash" };
    json_t *arr = json_array();
    int r;
    while ((r = db_step(st, err)) == DB_ROW) {
        json_t *o = db_row_json(st, cols, MM_ARRAY_LEN(cols));
        json_t *d = json_loads(json_string_value(json_object_get(o, "detail")), 0, NULL);
        json_object_set_new(o, "detail", d ? d : json_object());
        json_array_append_new(arr, o);
    }
    db_finalize(st);
    if (r != DB_DONE) {
        json_decref(arr);
        return NULL;
    }
    return json_pack("{s:o}", "records", arr);
}
