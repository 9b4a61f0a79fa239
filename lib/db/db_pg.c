/* SPDX-License-Identifier: Apache-2.0 */
/* db_pg.c: the PostgreSQL backend over libpq. Statements are prepared on the server under a
 * per-connection name, with the `?` placeholders numbered ($1, $2, ...) outside string literals,
 * quoted identifiers and comments; parameters travel as text. A step runs the statement the first
 * time and then walks its result. */
#include "base/prelude.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/str.h"
#include "db/db.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <string.h>

#define PG_MAX_PARAMS 32767 /* as SQLite's limit: multi-row statements stay portable */

/* Statements prepared on the server are kept by their SQL text (the same handful of statements
 * run for every request), so a prepare costs a round trip only the first time on a connection. */
#define PG_CACHE 128
struct pg_cached {
    char *sql; /* NULL: empty slot */
    char name[32];
    int nparams;
    bool in_use; /* a statement holds it now (a second user of the same SQL prepares its own) */
    uint64_t used; /* for eviction: least recently used goes */
};

struct pg_db {
    struct db base;
    PGconn *c;
    uint64_t next_name, tick;
    struct pg_cached cache[PG_CACHE];
};

struct pg_stmt {
    const struct db_ops *ops; /* first, as db.c expects */
    struct pg_db *db;
    char name[32];
    int nparams;
    char **values; /* nparams of them */
    int *lengths;
    PGresult *res;
    int row, nrows;
    int64_t changes;
    struct pg_cached *cached; /* the cache slot it uses, or NULL: deallocated when finalized */
};

static const struct db_ops pg_ops;

static enum mm_status result_error(PGresult *r, PGconn *c, struct mm_error *err)
{
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    char msg[400];
    snprintf(msg, sizeof msg, "%s", r ? PQresultErrorMessage(r) : PQerrorMessage(c));
    msg[strcspn(msg, "\n")] = '\0';
    if (state && !strcmp(state, "23505"))
        return mm_error_set(err, MM_ERR_EXISTS, "postgresql: %s", msg);
    if (state && !strncmp(state, "23", 2))
        return mm_error_set(err, MM_ERR_INVALID, "postgresql: %s", msg);
    if (state && (!strcmp(state, "40001") || !strcmp(state, "40P01")))
        return mm_error_set(err, MM_AGAIN, "postgresql: %s", msg);
    return mm_error_set(err, MM_ERR_IO, "postgresql: %s", msg);
}

static void p_close(struct db *db)
{
    struct pg_db *d = (struct pg_db *)db;
    for (size_t i = 0; i < PG_CACHE; i++)
        mm_free(d->cache[i].sql);
    PQfinish(d->c);
    mm_free(d);
}

static enum mm_status p_exec(struct db *db, const char *sql, struct mm_error *err)
{
    struct pg_db *d = (struct pg_db *)db;
    PGresult *r = PQexec(d->c, sql);
    ExecStatusType st = PQresultStatus(r);
    enum mm_status rc = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY ? MM_OK
                                                                                               : result_error(r, d->c, err);
    PQclear(r);
    return rc;
}

/* `?` to `$n`, outside '...', "..." and -- comments */
static int number_params(const char *sql, struct buf *out)
{
    int n = 0;
    for (const char *p = sql; *p; p++) {
        if (*p == '\'' || *p == '"') {
            char q = *p;
            buf_append_char(out, *p);
            for (p++; *p; p++) {
                buf_append_char(out, *p);
                if (*p == q) {
                    if (p[1] == q) { /* a doubled quote stays inside */
                        buf_append_char(out, *++p);
                        continue;
                    }
                    break;
                }
            }
            if (!*p)
                break;
        } else if (p[0] == '-' && p[1] == '-') {
            while (*p && *p != '\n')
                buf_append_char(out, *p++);
            if (!*p)
                break;
            buf_append_char(out, *p);
        } else if (*p == '?') {
            buf_printf(out, "$%d", ++n);
        } else {
            buf_append_char(out, *p);
        }
    }
    return n;
}

static struct db_stmt *p_prepare(struct db *db, const char *sql, struct mm_error *err)
{
    struct pg_db *d = (struct pg_db *)db;
    struct pg_stmt *s = mm_calloc(1, sizeof *s);
    s->ops = &pg_ops;
    s->db = d;
    s->row = -1;
    /* a statement prepared before on this connection, not in use now */
    struct pg_cached *free_slot = NULL, *old = NULL;
    for (size_t i = 0; i < PG_CACHE; i++) {
        struct pg_cached *c = &d->cache[i];
        if (c->sql && !c->in_use && !strcmp(c->sql, sql)) {
            c->in_use = true;
            c->used = ++d->tick;
            s->cached = c;
            s->nparams = c->nparams;
            snprintf(s->name, sizeof s->name, "%s", c->name);
            break;
        }
        if (!c->sql && !free_slot)
            free_slot = c;
        if (c->sql && !c->in_use && (!old || c->used < old->used))
            old = c;
    }
    if (!s->cached) {
        struct buf q;
        buf_init(&q, BUF_NO_MAX);
        int n = number_params(sql, &q);
        if (n > PG_MAX_PARAMS) {
            buf_release(&q);
            mm_error_set(err, MM_ERR_INVALID, "postgresql: more than %d parameters", PG_MAX_PARAMS);
            mm_free(s);
            return NULL;
        }
        s->nparams = n;
        snprintf(s->name, sizeof s->name, "mm%llu", (unsigned long long)++d->next_name);
        PGresult *r = PQprepare(d->c, s->name, q.data, n, NULL);
        buf_release(&q);
        if (PQresultStatus(r) != PGRES_COMMAND_OK) {
            result_error(r, d->c, err);
            PQclear(r);
            mm_free(s);
            return NULL;
        }
        PQclear(r);
        /* keep it: in a free slot, or in place of the least recently used one */
        struct pg_cached *slot = free_slot ? free_slot : old;
        if (slot && n <= 256) { /* the big multi-row statements of imports are not worth keeping */
            if (slot->sql) {
                char dealloc[64];
                snprintf(dealloc, sizeof dealloc, "DEALLOCATE %s", slot->name);
                PQclear(PQexec(d->c, dealloc));
                mm_free(slot->sql);
            }
            slot->sql = mm_strdup(sql);
            snprintf(slot->name, sizeof slot->name, "%s", s->name);
            slot->nparams = n;
            slot->in_use = true;
            slot->used = ++d->tick;
            s->cached = slot;
        }
    }
    s->values = mm_calloc(s->nparams ? (size_t)s->nparams : 1, sizeof *s->values);
    s->lengths = mm_calloc(s->nparams ? (size_t)s->nparams : 1, sizeof *s->lengths);
    return (struct db_stmt *)s;
}

static void set_param(struct pg_stmt *s, unsigned i, char *v, int len)
{
    if (i < 1 || (int)i > s->nparams) {
        mm_free(v);
        return;
    }
    mm_free(s->values[i - 1]);
    s->values[i - 1] = v;
    s->lengths[i - 1] = len;
}

static void p_bind_text(struct db_stmt *st, unsigned i, const char *p, size_t n)
{
    char *v = mm_malloc(n + 1);
    memcpy(v, p, n);
    v[n] = '\0';
    set_param((struct pg_stmt *)st, i, v, (int)n);
}

static void p_bind_int64(struct db_stmt *st, unsigned i, int64_t x)
{
    char *v = mm_malloc(24);
    int n = snprintf(v, 24, "%lld", (long long)x);
    set_param((struct pg_stmt *)st, i, v, n);
}

static void p_bind_null(struct db_stmt *st, unsigned i)
{
    set_param((struct pg_stmt *)st, i, NULL, 0);
}

static int p_step(struct db_stmt *st, struct mm_error *err)
{
    struct pg_stmt *s = (struct pg_stmt *)st;
    if (!s->res) {
        s->res = PQexecPrepared(s->db->c, s->name, s->nparams, (const char *const *)s->values, s->lengths, NULL, 0);
        ExecStatusType es = PQresultStatus(s->res);
        if (es != PGRES_COMMAND_OK && es != PGRES_TUPLES_OK) {
            enum mm_status rc = result_error(s->res, s->db->c, err);
            PQclear(s->res);
            s->res = NULL;
            return (int)rc;
        }
        s->nrows = PQntuples(s->res);
        s->row = -1;
        const char *t = PQcmdTuples(s->res);
        int64_t ch = 0;
        s->changes = t && *t && mm_parse_i64(t, strlen(t), &ch) == MM_OK ? ch : 0;
    }
    if (s->row + 1 < s->nrows) {
        s->row++;
        return DB_ROW;
    }
    s->row = s->nrows;
    return DB_DONE;
}

static unsigned p_column_count(struct db_stmt *st)
{
    struct pg_stmt *s = (struct pg_stmt *)st;
    return s->res ? (unsigned)PQnfields(s->res) : 0;
}

static bool in_row(struct pg_stmt *s, unsigned i)
{
    return s->res && s->row >= 0 && s->row < s->nrows && (int)i < PQnfields(s->res);
}

static const char *p_column_text(struct db_stmt *st, unsigned i, size_t *n)
{
    struct pg_stmt *s = (struct pg_stmt *)st;
    if (!in_row(s, i) || PQgetisnull(s->res, s->row, (int)i)) {
        if (n)
            *n = 0;
        return "";
    }
    if (n)
        *n = (size_t)PQgetlength(s->res, s->row, (int)i);
    return PQgetvalue(s->res, s->row, (int)i);
}

static int64_t p_column_int64(struct db_stmt *st, unsigned i)
{
    size_t n;
    const char *t = p_column_text(st, i, &n);
    int64_t v = 0;
    if (n && mm_parse_i64(t, n, &v) != MM_OK) {
        /* booleans and numerics PostgreSQL writes as text of their own */
        v = !strcmp(t, "t") ? 1 : 0;
    }
    return v;
}

static bool p_column_null(struct db_stmt *st, unsigned i)
{
    struct pg_stmt *s = (struct pg_stmt *)st;
    return !in_row(s, i) || PQgetisnull(s->res, s->row, (int)i);
}

static int64_t p_changes(struct db_stmt *st)
{
    return ((struct pg_stmt *)st)->changes;
}

static void p_reset(struct db_stmt *st)
{
    struct pg_stmt *s = (struct pg_stmt *)st;
    PQclear(s->res);
    s->res = NULL;
    s->row = -1;
    s->nrows = 0;
    for (int i = 0; i < s->nparams; i++) {
        mm_free(s->values[i]);
        s->values[i] = NULL;
    }
}

static void p_finalize(struct db_stmt *st)
{
    struct pg_stmt *s = (struct pg_stmt *)st;
    p_reset(st);
    if (s->cached) {
        s->cached->in_use = false; /* stays prepared for the next user */
    } else {
        char sql[64];
        snprintf(sql, sizeof sql, "DEALLOCATE %s", s->name);
        PQclear(PQexec(s->db->c, sql));
    }
    mm_free(s->values);
    mm_free(s->lengths);
    mm_free(s);
}

static const struct db_ops pg_ops = {
    "postgresql",  DB_POSTGRES,  p_close,        p_exec,         p_prepare,     p_bind_text,
    p_bind_int64,  p_bind_null,  p_step,         p_column_count, p_column_text, p_column_int64,
    p_column_null, p_changes,    p_reset,        p_finalize,
};

static void quiet(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

struct db *db_pg_open(const char *conninfo, struct mm_error *err)
{
    PGconn *c = PQconnectdb(conninfo);
    if (PQstatus(c) != CONNECTION_OK) {
        char msg[300];
        snprintf(msg, sizeof msg, "%s", PQerrorMessage(c));
        msg[strcspn(msg, "\n")] = '\0';
        mm_error_set(err, MM_ERR_IO, "cannot connect to PostgreSQL: %s", msg);
        PQfinish(c);
        return NULL;
    }
    struct pg_db *d = mm_calloc(1, sizeof *d);
    d->base.ops = &pg_ops;
    d->c = c;
    /* NOTICE messages (e.g. "relation already exists, skipping") are not errors: keep them off stderr */
    PQsetNoticeProcessor(c, quiet, NULL);
    if (p_exec(&d->base, "SET client_encoding = 'UTF8'; SET TIME ZONE 'UTC'; SET client_min_messages = warning",
               err) != MM_OK) {
        p_close(&d->base);
        return NULL;
    }
    return &d->base;
}
