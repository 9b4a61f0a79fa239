/* SPDX-License-Identifier: Apache-2.0 */
/* api_session.c: signing in (password, then the TOTP second factor, enrolled at the first
 * sign-in), sessions in a __Host- cookie (Secure, HttpOnly, SameSite=Strict) with a CSRF token,
 * throttling per address and per account, password changes and API tokens. */
#include "base/prelude.h"
#include "base/alloc.h"
#include "base/str.h"
#include "auth/auth.h"
#include "server/app.h"
#include "server/internal.h"

#include <stdio.h>
#include <string.h>

void api_health(struct api_call *c)
{
    int v = db_schema_version(c->db, &c->err);
    if (v < 0) {
        api_fail(c, MM_ERR_IO);
        return;
    }
    api_ok(c, 200, json_pack("{s:s, s:i, s:s}", "status", "ok", "schema", v, "database",
                             db_dialect(c->db) == DB_POSTGRES ? "postgresql" : "sqlite"));
}

/* ---- throttling: state in the database, policy in lib/auth ---- */

static void throttle_load_ip(struct api_call *c, struct auth_throttle *t)
{
    memset(t, 0, sizeof *t);
    struct db_stmt *st = db_prepare(c->db, "SELECT failures, first_failure, locked_until FROM login_throttle WHERE ip = ?",
                                    &c->err);
    if (!st)
        return;
    db_bind_str(st, 1, c->actor.ip);
    if (db_step(st, &c->err) == DB_ROW) {
        t->failures = (int)db_column_int64(st, 0);
        t->first_failure = db_column_int64(st, 1);
        t->locked_until = db_column_int64(st, 2);
    }
    db_finalize(st);
}

static void throttle_store_ip(struct api_call *c, const struct auth_throttle *t)
{
    struct db_stmt *st = db_prepare(c->db,
                                    "INSERT INTO login_throttle (ip, failures, first_failure, locked_until) VALUES "
                                    "(?, ?, ?, ?) ON CONFLICT (ip) DO UPDATE SET failures = excluded.failures, "
                                    "first_failure = excluded.first_failure, locked_until = excluded.locked_until",
                                    &c->err);
    if (!st)
        return;
    db_bind_str(st, 1, c->actor.ip);
    db_bind_int64(st, 2, t->failures);
    db_bind_int64(st, 3, t->first_failure);
    db_bind_int64(st, 4, t->locked_until);
    db_step(st, &c->err);
    db_finalize(st);
}

static void throttle_store_person(struct api_call *c, int64_t person, const struct auth_throttle *t)
{
    struct db_stmt *st = db_prepare(c->db,
                                    "UPDATE people SET failures = ?, first_failure = ?, locked_until = ? WHERE id = ?",
                                    &c->err);
    if (!st)
        return;
    db_bind_int64(st, 1, t->failures);
    db_bind_int64(st, 2, t->first_failure);
    db_bind_int64(st, 3, t->locked_until);
    db_bind_int64(st, 4, person);
    db_step(st, &c->err);
    db_finalize(st);
}

static void too_many(struct api_call *c, int64_t delay)
{
    char v[32];
    snprintf(v, sizeof v, "%lld", (long long)delay);
    http_add_header(c->res, "Retry-After", v);
    http_error(c->res, 429, "too many failed sign-ins: try again in %lld s", (long long)delay);
}

/* A failed attempt: counted for the address and, when known, the account; kept in the audit
 * trail (its own transaction: the failure must be recorded even though nothing else changes). */
static void signin_failed(struct api_call *c, int64_t person, struct auth_throttle *pt, const char *login,
                          const char *why)
{
    int64_t now = server_now();
    db_begin(c->db, &c->err);
    struct auth_throttle it;
    throttle_load_ip(c, &it);
    auth_throttle_fail(&it, now);
    throttle_store_ip(c, &it);
    if (person) {
        auth_throttle_fail(pt, now);
        throttle_store_person(c, person, pt);
    }
    struct actor anon;
    actor_system(&anon);
    snprintf(anon.label, sizeof anon.label, "anonymous");
    snprintf(anon.ip, sizeof anon.ip, "%s", c->actor.ip);
    json_t *d = json_pack("{s:s, s:s}", "login", login, "reason", why);
    char obj[48];
    audit_append(c->db, &anon, "signin.fail", person ? audit_object(obj, sizeof obj, "person", person) : "", 0, d,
                 &c->err);
    json_decref(d);
    if (db_commit(c->db, &c->err) != MM_OK)
        db_rollback(c->db);
}

/* ---- sessions ---- */

static void set_cookie(struct api_call *c, const char *token, int64_t max_age)
{
    char v[256];
    snprintf(v, sizeof v, SESSION_COOKIE "=%s; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=%lld", token,
             (long long)max_age);
    http_add_header(c->res, "Set-Cookie", v);
}

/* A new session for person at stage; sets the cookie. pending: a TOTP secret being enrolled. */
static enum mm_status session_new(struct api_call *c, int64_t person, const char *stage, const char *pending)
{
    char token[AUTH_TOKEN_MAX], hash[65], csrf[AUTH_TOKEN_MAX];
    auth_random_token("mms_", token, sizeof token);
    auth_random_token("", csrf, sizeof csrf);
    auth_token_hash(token, hash);
    int64_t now = server_now(), max = c->app->cfg.session_max / 1000000000;
    struct db_stmt *st = db_prepare(c->db,
                                    "INSERT INTO sessions (token_hash, person_id, csrf, stage, pending_totp, ip, "
                                    "created_at, last_seen, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                    &c->err);
    if (!st)
        return MM_ERR_IO;
    db_bind_str(st, 1, hash);
    db_bind_int64(st, 2, person);
    db_bind_str(st, 3, csrf);
    db_bind_str(st, 4, stage);
    db_bind_str(st, 5, pending);
    db_bind_str(st, 6, c->actor.ip);
    db_bind_int64(st, 7, now);
    db_bind_int64(st, 8, now);
    db_bind_int64(st, 9, now + max);
    int r = db_step(st, &c->err);
    db_finalize(st);
    if (r != DB_DONE)
        return step_status(r);
    set_cookie(c, token, max);
    snprintf(c->csrf, sizeof c->csrf, "%s", csrf);
    snprintf(c->session_hash, sizeof c->session_hash, "%s", hash);
    return MM_OK;
}

static void session_drop(struct api_call *c, const char *hash)
{
    struct db_stmt *st = db_prepare(c->db, "DELETE FROM sessions WHERE token_hash = ?", &c->err);
    if (st) {
        db_bind_str(st, 1, hash);
        db_step(st, &c->err);
        db_finalize(st);
    }
}

/* Expired sessions are deleted now and then (one in 64 sign-ins), not by a timer. */
static void sessions_sweep(struct api_call *c)
{
    unsigned char r;
    auth_random_bytes(&r, 1);
    if (r % 64)
        return;
    struct db_stmt *st = db_prepare(c->db, "DELETE FROM sessions WHERE expires_at < ? OR last_seen < ?", &c->err);
    if (st) {
        int64_t now = server_now();
        db_bind_int64(st, 1, now);
        db_bind_int64(st, 2, now - c->app->cfg.session_idle / 1000000000);
        db_step(st, &c->err);
        db_finalize(st);
    }
}

void api_signin(struct api_call *c)
{
    static const struct api_field f[] = { { "login", JSON_STRING, true }, { "password", JSON_STRING, true } };
    json_t *b = api_body(c, f, MM_ARRAY_LEN(f));
    if (!b)
        return;
    const char *login = api_str(b, "login"), *password = api_str(b, "password");
    int64_t now = server_now();
    struct auth_throttle it, pt = { 0 };
    throttle_load_ip(c, &it);
    int64_t delay = auth_throttle_delay(&it, now);
    if (delay > 0) {
        too_many(c, delay);
        goto out;
    }
    struct db_stmt *st = db_prepare(c->db,
                                    "SELECT id, password_hash, totp_secret, failures, first_failure, locked_until, "
                                    "login FROM people WHERE login = ? AND status <> 'retired'",
                                    &c->err);
    if (!st) {
        api_fail(c, MM_ERR_IO);
        goto out;
    }
    db_bind_str(st, 1, login);
    int64_t person = 0;
    char hash[AUTH_PASSWORD_HASH_MAX] = "", secret[128] = "";
    if (db_step(st, &c->err) == DB_ROW) {
        person = db_column_int64(st, 0);
        snprintf(hash, sizeof hash, "%s", db_column_text(st, 1, NULL));
        snprintf(secret, sizeof secret, "%s", db_column_text(st, 2, NULL));
        pt.failures = (int)db_column_int64(st, 3);
        pt.first_failure = db_column_int64(st, 4);
        pt.locked_until = db_column_int64(st, 5);
    }
    db_finalize(st);
    if (person && (delay = auth_throttle_delay(&pt, now)) > 0) {
        too_many(c, delay);
        goto out;
    }
    /* an unknown login costs the same hashing as a known one */
    bool ok = auth_password_verify(password, *hash ? hash : auth_password_dummy_hash());
    if (!person || !*hash || !ok) {
        signin_failed(c, person, &pt, login, !person ? "unknown login" : !*hash ? "no password set" : "wrong password");
        http_error(c->res, 401, "wrong login or password");
        goto out;
    }
    char pending[128] = "";
    if (!*secret)
        auth_totp_secret_new(pending, sizeof pending);
    enum mm_status rc = db_begin(c->db, &c->err);
    if (rc == MM_OK) {
        struct auth_throttle zero = { 0 };
        throttle_store_person(c, person, &zero);
        rc = session_new(c, person, "password", *pending ? pending : NULL);
        if (rc == MM_OK)
            rc = db_commit(c->db, &c->err);
        else
            db_rollback(c->db);
    }
    if (rc != MM_OK) {
        api_fail(c, rc);
        goto out;
    }
    sessions_sweep(c);
    if (*pending) {
        char uri[512];
        auth_totp_uri(c->app->cfg.totp_issuer, login, pending, uri, sizeof uri);
        api_ok(c, 200, json_pack("{s:s, s:s, s:s, s:s}", "stage", "totp_enrol", "secret", pending, "uri", uri, "csrf",
                                 c->csrf));
    } else {
        api_ok(c, 200, json_pack("{s:s, s:s}", "stage", "totp", "csrf", c->csrf));
    }
out:
    json_decref(b);
}

/* the id of the scope's root: the last id in its path */
static int64_t scope_id(const struct actor *a)
{
    size_t n = strlen(a->path);
    if (n < 3)
        return 0;
    const char *p = a->path + n - 2;
    while (p > a->path && *p != '/')
        p--;
    int64_t id = 0;
    return mm_parse_i64(p + 1, (size_t)(a->path + n - 1 - (p + 1)), &id) == MM_OK ? id : 0;
}

static json_t *session_json(struct api_call *c)
{
    enum mm_status rc;
    json_t *me = person_get(c->db, &c->actor, c->actor.person_id, &rc, &c->err);
    json_t *org = org_get(c->db, &c->actor, c->actor.org_id, &rc, &c->err);
    json_t *scope = org_get(c->db, &c->actor, scope_id(&c->actor), &rc, &c->err);
    return json_pack("{s:o, s:o, s:o, s:o, s:s}", "person", me ? me : json_null(), "org", org ? org : json_null(),
                     "scope", scope ? scope : json_null(), "permissions", actor_json(&c->actor), "csrf",
                     c->via_cookie || *c->csrf ? c->csrf : "");
}

void api_signin_totp(struct api_call *c)
{
    static const struct api_field f[] = { { "code", JSON_STRING, true } };
    json_t *b = api_body(c, f, MM_ARRAY_LEN(f));
    if (!b)
        return;
    if (strcmp(c->session_stage, "password")) {
        http_error(c->res, 409, "this session has already passed the second factor");
        json_decref(b);
        return;
    }
    int64_t now = server_now(), person = c->actor.person_id;
    char secret[128] = "", pending[128] = "", login[160] = "";
    int64_t last_step = 0;
    struct auth_throttle pt = { 0 };
    struct db_stmt *st = db_prepare(c->db,
                                    "SELECT p.totp_secret, p.totp_last_step, s.pending_totp, p.failures, "
                                    "p.first_failure, p.locked_until, p.login FROM people p JOIN sessions s ON "
                                    "s.person_id = p.id WHERE s.token_hash = ?",
                                    &c->err);
    if (st) {
        db_bind_str(st, 1, c->session_hash);
        if (db_step(st, &c->err) == DB_ROW) {
            snprintf(secret, sizeof secret, "%s", db_column_text(st, 0, NULL));
            last_step = db_column_int64(st, 1);
            snprintf(pending, sizeof pending, "%s", db_column_text(st, 2, NULL));
            pt.failures = (int)db_column_int64(st, 3);
            pt.first_failure = db_column_int64(st, 4);
            pt.locked_until = db_column_int64(st, 5);
            snprintf(login, sizeof login, "%s", db_column_text(st, 6, NULL));
        }
        db_finalize(st);
    }
    int64_t delay = auth_throttle_delay(&pt, now);
    if (delay > 0) {
        too_many(c, delay);
        json_decref(b);
        return;
    }
    bool enrolling = !*secret;
    int64_t step = auth_totp_verify(enrolling ? pending : secret, api_str(b, "code"), now, enrolling ? 0 : last_step);
    json_decref(b);
    if (step < 0) {
        signin_failed(c, person, &pt, login, "wrong second factor");
        http_error(c->res, 401, "wrong or reused code");
        return;
    }
    /* a new session token once fully signed in (the half-way one is dropped: no fixation) */
    char old[65];
    snprintf(old, sizeof old, "%s", c->session_hash);
    enum mm_status rc = db_begin(c->db, &c->err);
    if (rc == MM_OK) {
        st = db_prepare(c->db,
                        "UPDATE people SET totp_secret = ?, totp_last_step = ?, failures = 0, first_failure = 0, "
                        "locked_until = 0 WHERE id = ?",
                        &c->err);
        rc = st ? MM_OK : MM_ERR_IO;
        if (st) {
            db_bind_str(st, 1, enrolling ? pending : secret);
            db_bind_int64(st, 2, step);
            db_bind_int64(st, 3, person);
            rc = step_status(db_step(st, &c->err));
            db_finalize(st);
        }
        if (rc == MM_OK) {
            session_drop(c, old);
            rc = session_new(c, person, "full", NULL);
        }
        if (rc == MM_OK) {
            char obj[48];
            rc = audit_append(c->db, &c->actor, enrolling ? "signin.enrol_totp" : "signin",
                              audit_object(obj, sizeof obj, "person", person), c->actor.org_id, NULL, &c->err);
        }
        if (rc == MM_OK)
            rc = db_commit(c->db, &c->err);
        else
            db_rollback(c->db);
    }
    if (rc != MM_OK) {
        api_fail(c, rc);
        return;
    }
    c->via_cookie = true;
    api_ok(c, 200, session_json(c));
}

void api_session_get(struct api_call *c)
{
    api_ok(c, 200, session_json(c));
}

void api_signout(struct api_call *c)
{
    if (c->via_cookie)
        session_drop(c, c->session_hash);
    set_cookie(c, "", 0);
    api_ok(c, 200, json_pack("{s:s}", "status", "signed out"));
}

/* ---- passwords ---- */

struct password_change {
    const char *hash;
};

static enum mm_status store_password(struct api_call *c, void *arg)
{
    const struct password_change *p = arg;
    struct db_stmt *st = db_prepare(c->db, "UPDATE people SET password_hash = ?, updated_at = ? WHERE id = ?", &c->err);
    if (!st)
        return MM_ERR_IO;
    db_bind_str(st, 1, p->hash);
    db_bind_int64(st, 2, server_now());
    db_bind_int64(st, 3, c->actor.person_id);
    enum mm_status rc = step_status(db_step(st, &c->err));
    db_finalize(st);
    /* every other session of the person ends */
    if (rc == MM_OK && (st = db_prepare(c->db, "DELETE FROM sessions WHERE person_id = ? AND token_hash <> ?",
                                        &c->err))) {
        db_bind_int64(st, 1, c->actor.person_id);
        db_bind_str(st, 2, c->session_hash);
        rc = step_status(db_step(st, &c->err));
        db_finalize(st);
    }
    char obj[48];
    if (rc == MM_OK)
        rc = audit_append(c->db, &c->actor, "person.password", audit_object(obj, sizeof obj, "person",
                                                                            c->actor.person_id),
                          c->actor.org_id, NULL, &c->err);
    return rc;
}

void api_password(struct api_call *c)
{
    static const struct api_field f[] = { { "current", JSON_STRING, true }, { "new", JSON_STRING, true } };
    json_t *b = api_body(c, f, MM_ARRAY_LEN(f));
    if (!b)
        return;
    char hash[AUTH_PASSWORD_HASH_MAX] = "";
    struct db_stmt *st = db_prepare(c->db, "SELECT password_hash FROM people WHERE id = ?", &c->err);
    if (st) {
        db_bind_int64(st, 1, c->actor.person_id);
        if (db_step(st, &c->err) == DB_ROW)
            snprintf(hash, sizeof hash, "%s", db_column_text(st, 0, NULL));
        db_finalize(st);
    }
    enum mm_status rc;
    if (!auth_password_verify(api_str(b, "current"), *hash ? hash : auth_password_dummy_hash())) {
        http_error(c->res, 403, "the current password is wrong");
    } else if ((rc = auth_password_check(api_str(b, "new"), &c->err)) != MM_OK) {
        api_fail(c, MM_ERR_INVALID);
    } else if ((rc = auth_password_hash(api_str(b, "new"), hash, sizeof hash, &c->err)) != MM_OK) {
        api_fail(c, rc);
    } else {
        struct password_change p = { hash };
        rc = api_tx(c, store_password, &p);
        if (rc == MM_OK)
            api_ok(c, 200, json_pack("{s:s}", "status", "password changed"));
        else
            api_fail(c, rc);
    }
    json_decref(b);
}

/* ---- API tokens: for scripts and other machines, acting as their person ---- */

void api_tokens_list(struct api_call *c)
{
    struct db_stmt *st = db_prepare(c->db,
                                    "SELECT id, name, created_at, expires_at, last_used, revoked_at FROM api_tokens "
                                    "WHERE person_id = ? ORDER BY id",
                                    &c->err);
    if (!st) {
        api_fail(c, MM_ERR_IO);
        return;
    }
    db_bind_int64(st, 1, c->actor.person_id);
    static const char *const cols[] = { "#id", "name", "#created_at", "#expires_at", "?last_used", "?revoked_at" };
    json_t *arr = json_array();
    while (db_step(st, &c->err) == DB_ROW)
        json_array_append_new(arr, db_row_json(st, cols, MM_ARRAY_LEN(cols)));
    db_finalize(st);
    api_ok(c, 200, json_pack("{s:o}", "tokens", arr));
}

struct token_new {
    const char *name;
    int64_t days, id;
    char token[AUTH_TOKEN_MAX];
};

static enum mm_status token_insert(struct api_call *c, void *arg)
{
    struct token_new *t = arg;
    char hash[65];
    auth_random_token("mmt_", t->token, sizeof t->token);
    auth_token_hash(t->token, hash);
    int64_t now = server_now();
    struct db_stmt *st = db_prepare(c->db,
                                    "INSERT INTO api_tokens (token_hash, person_id, name, created_at, expires_at) "
                                    "VALUES (?, ?, ?, ?, ?) RETURNING id",
                                    &c->err);
    if (!st)
        return MM_ERR_IO;
    db_bind_str(st, 1, hash);
    db_bind_int64(st, 2, c->actor.person_id);
    db_bind_str(st, 3, t->name);
    db_bind_int64(st, 4, now);
    db_bind_int64(st, 5, now + t->days * 86400);
    int r = db_step(st, &c->err);
    if (r == DB_ROW) {
        t->id = db_column_int64(st, 0);
        r = db_step(st, &c->err);
    }
    db_finalize(st);
    if (r != DB_DONE)
        return step_status(r);
    char obj[48];
    json_t *d = json_pack("{s:s, s:I}", "name", t->name, "days", (json_int_t)t->days);
    enum mm_status rc = audit_append(c->db, &c->actor, "token.create", audit_object(obj, sizeof obj, "token", t->id),
                                     c->actor.org_id, d, &c->err);
    json_decref(d);
    return rc;
}

void api_tokens_create(struct api_call *c)
{
    static const struct api_field f[] = { { "name", JSON_STRING, true }, { "days", JSON_INTEGER, false } };
    json_t *b = api_body(c, f, MM_ARRAY_LEN(f));
    if (!b)
        return;
    struct token_new t = { api_str(b, "name"), json_object_get(b, "days") ? api_int(b, "days") : 90, 0, "" };
    enum mm_status rc = server_text_valid("name", t.name, 100, true, &c->err);
    if (rc == MM_OK && (t.days < 1 || t.days > 730))
        rc = mm_error_set(&c->err, MM_ERR_INVALID, "days must be between 1 and 730");
    if (rc == MM_OK)
        rc = api_tx(c, token_insert, &t);
    if (rc == MM_OK)
        api_ok(c, 201, json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)t.id, "name", t.name, "token", t.token,
                                 "note", "shown once: store it now"));
    else
        api_fail(c, rc);
    json_decref(b);
}

static enum mm_status token_revoke(struct api_call *c, void *arg)
{
    int64_t id = *(int64_t *)arg;
    struct db_stmt *st = db_prepare(c->db,
                                    "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND person_id = ? AND "
                                    "revoked_at = 0",
                                    &c->err);
    if (!st)
        return MM_ERR_IO;
    db_bind_int64(st, 1, server_now());
    db_bind_int64(st, 2, id);
    db_bind_int64(st, 3, c->actor.person_id);
    enum mm_status rc = step_status(db_step(st, &c->err));
    int64_t n = db_changes(st);
    db_finalize(st);
    if (rc == MM_OK && n == 0)
        return mm_error_set(&c->err, MM_ERR_NOT_FOUND, "no active token %lld of yours", (long long)id);
    char obj[48];
    if (rc == MM_OK)
        rc = audit_append(c->db, &c->actor, "token.revoke", audit_object(obj, sizeof obj, "token", id),
                          c->actor.org_id, NULL, &c->err);
    return rc;
}

void api_tokens_revoke(struct api_call *c)
{
    int64_t id = api_id(c, "id");
    if (!id)
        return;
    enum mm_status rc = api_tx(c, token_revoke, &id);
    if (rc == MM_OK)
        api_ok(c, 200, json_pack("{s:s}", "status", "revoked"));
    else
        api_fail(c, rc);
}
