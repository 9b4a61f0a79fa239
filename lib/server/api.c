/* SPDX-License-Identifier: Apache-2.0 */
/* api.c: the route table, the call each handler receives (a database connection from the pool,
 * the authenticated actor), authentication by session cookie, API token or sensor key, the CSRF
 * check, and the helpers that turn model results and bad input into answers. */
#include "base/prelude.h"
#include "base/alloc.h"
#include "base/log.h"
#include "base/str.h"
#include "auth/auth.h"
#include "server/app.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

const struct api_route api_routes[] = {
    { "GET", "/api/v1/health", api_health, API_PUBLIC },
    { "POST", "/api/v1/session", api_signin, API_PUBLIC },
    { "POST", "/api/v1/session/totp", api_signin_totp, API_SIGNIN },
    { "GET", "/api/v1/session", api_session_get, API_PERSON },
    { "DELETE", "/api/v1/session", api_signout, API_SIGNIN },
    { "POST", "/api/v1/me/password", api_password, API_PERSON },
    { "GET", "/api/v1/tokens", api_tokens_list, API_PERSON },
    { "POST", "/api/v1/tokens", api_tokens_create, API_PERSON },
    { "DELETE", "/api/v1/tokens/{id}", api_tokens_revoke, API_PERSON },
    { "GET", "/api/v1/roles", api_roles, API_PERSON },
    { "GET", "/api/v1/orgs", api_orgs_list, API_PERSON },
    { "POST", "/api/v1/orgs", api_orgs_create, API_PERSON },
    { "GET", "/api/v1/orgs/{id}", api_orgs_get, API_PERSON },
    { "PATCH", "/api/v1/orgs/{id}", api_orgs_update, API_PERSON },
    { "GET", "/api/v1/people", api_people_list, API_PERSON },
    { "POST", "/api/v1/people", api_people_create, API_PERSON },
    { "GET", "/api/v1/people/{id}", api_people_get, API_PERSON },
    { "PATCH", "/api/v1/people/{id}", api_people_update, API_PERSON },
    { "POST", "/api/v1/people/{id}/roles", api_people_role_give, API_PERSON },
    { "DELETE", "/api/v1/people/{id}/roles", api_people_role_take, API_PERSON },
    { "POST", "/api/v1/import/orgs", api_import_orgs, API_PERSON },
    { "POST", "/api/v1/import/people", api_import_people, API_PERSON },
    { "GET", "/api/v1/audit", api_audit_list, API_PERSON },
    { "GET", "/api/v1/audit/verify", api_audit_verify, API_PERSON },
    { "GET", "/api/v1/alerts", api_alerts_list, API_PERSON },
    { "GET", "/api/v1/alerts/{id}", api_alerts_get, API_PERSON },
    { "POST", "/api/v1/alerts/{id}/triage", api_alerts_triage, API_PERSON },
    { "GET", "/api/v1/notifications", api_notifications_list, API_PERSON },
    { "POST", "/api/v1/notifications", api_notifications_create, API_PERSON },
    { "GET", "/api/v1/notifications/{id}", api_notifications_get, API_PERSON },
    { "POST", "/api/v1/notifications/{id}/events", api_notifications_event, API_PERSON },
    { "GET", "/api/v1/stats/fiscal-years", api_stats_fy, API_PERSON },
    { "GET", "/api/v1/sensors", api_sensors_list, API_PERSON },
    { "POST", "/api/v1/sensors", api_sensors_create, API_PERSON },
    { "POST", "/api/v1/sensor/enrol", api_sensor_enrol, API_PUBLIC },
    { "POST", "/api/v1/sensor/alerts", api_sensor_alerts, API_SENSOR },
};
const size_t api_nroutes = MM_ARRAY_LEN(api_routes);

/* ---- helpers for handlers ---- */

void api_ok(struct api_call *c, unsigned status, json_t *body)
{
    http_json(c->res, status, body);
    json_decref(body);
}

void api_fail(struct api_call *c, enum mm_status rc)
{
    const char *msg = c->err.msg[0] ? c->err.msg : mm_status_str(rc);
    switch (rc) {
    case MM_ERR_NOT_FOUND: http_error(c->res, 404, "%s", msg); break;
    case MM_ERR_DENIED: http_error(c->res, 403, "%s", msg); break;
    case MM_ERR_INVALID:
    case MM_ERR_PARSE: http_error(c->res, 400, "%s", msg); break;
    case MM_ERR_EXISTS:
    case MM_ERR_STATE: http_error(c->res, 409, "%s", msg); break;
    case MM_ERR_TOO_LARGE: http_error(c->res, 413, "%s", msg); break;
    case MM_AGAIN: http_error(c->res, 503, "the database is busy: try again"); break;
    default:
        mm_log_error("server", "request %s %s failed: %s", c->req->method, c->req->path, msg);
        http_error(c->res, 500, "internal error (logged on the server)");
        break;
    }
}

static const char *type_name(json_type t)
{
    switch (t) {
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_TRUE:
    case JSON_FALSE: return "true or false";
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    default: return "a value";
    }
}

json_t *api_body(struct api_call *c, const struct api_field *fields, size_t n)
{
    json_t *body = http_json_body(c->req, c->res);
    if (!body)
        return NULL;
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v)
    {
        size_t i = 0;
        while (i < n && strcmp(fields[i].name, key))
            i++;
        if (i == n) {
            http_error(c->res, 400, "unknown field '%s'", key);
            json_decref(body);
            return NULL;
        }
        json_type want = fields[i].type, got = json_typeof(v);
        bool ok = want == JSON_TRUE ? json_is_boolean(v) : got == want;
        if (!ok) {
            http_error(c->res, 400, "field '%s' must be %s", key, type_name(want));
            json_decref(body);
            return NULL;
        }
        if (got == JSON_STRING && strlen(json_string_value(v)) != json_string_length(v)) {
            http_error(c->res, 400, "field '%s' contains a NUL character", key);
            json_decref(body);
            return NULL;
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (fields[i].required && !json_object_get(body, fields[i].name)) {
            http_error(c->res, 400, "field '%s' is required", fields[i].name);
            json_decref(body);
            return NULL;
        }
    }
    return body;
}

const char *api_str(json_t *body, const char *name)
{
    return json_string_value(json_object_get(body, name));
}

int64_t api_int(json_t *body, const char *name)
{
    return json_integer_value(json_object_get(body, name));
}

int64_t api_id(struct api_call *c, const char *name)
{
    const char *s = http_param(c->req, name);
    int64_t id = 0;
    if (!s || mm_parse_i64(s, strlen(s), &id) != MM_OK || id <= 0) {
        http_error(c->res, 404, "no such %s: '%s'", name, s ? s : "");
        return 0;
    }
    return id;
}

bool api_query_i64(struct api_call *c, const char *name, int64_t min, int64_t max, int64_t *out)
{
    const char *s = http_query(c->req, name);
    if (!s)
        return true;
    if (mm_parse_i64(s, strlen(s), out) != MM_OK || *out < min || *out > max) {
        http_error(c->res, 400, "query parameter '%s' must be an integer from %lld to %lld", name, (long long)min,
                   (long long)max);
        return false;
    }
    return true;
}

bool api_query_text(struct api_call *c, const char *name, const char **out)
{
    const char *s = http_query(c->req, name);
    if (s && (strlen(s) > 200 || !mm_utf8_valid(s, strlen(s)))) {
        http_error(c->res, 400, "query parameter '%s' must be UTF-8 of at most 200 bytes", name);
        return false;
    }
    *out = s;
    return true;
}

void api_answer(struct api_call *c, unsigned status, json_t *o, enum mm_status rc)
{
    if (o)
        api_ok(c, status, o);
    else
        api_fail(c, rc);
}

enum mm_status api_tx(struct api_call *c, enum mm_status (*f)(struct api_call *c, void *arg), void *arg)
{
    enum mm_status rc = db_begin(c->db, &c->err);
    if (rc != MM_OK)
        return rc;
    rc = f(c, arg);
    if (rc == MM_OK)
        rc = db_commit(c->db, &c->err);
    if (rc != MM_OK)
        db_rollback(c->db);
    return rc;
}

/* ---- authentication ---- */

static bool unsafe_method(const char *m)
{
    return strcmp(m, "GET") && strcmp(m, "HEAD") && strcmp(m, "OPTIONS");
}

/* The session behind the cookie: valid, not idle too long, not past its maximum age. */
static bool session_load(struct api_call *c, const char *token)
{
    auth_token_hash(token, c->session_hash);
    struct db_stmt *st = db_prepare(c->db,
                                    "SELECT person_id, csrf, stage, last_seen, expires_at FROM sessions WHERE "
                                    "token_hash = ?",
                                    &c->err);
    if (!st)
        return false;
    db_bind_str(st, 1, c->session_hash);
    bool ok = false;
    int64_t person = 0, now = server_now();
    if (db_step(st, &c->err) == DB_ROW) {
        int64_t last = db_column_int64(st, 3), expires = db_column_int64(st, 4);
        if (now < expires && now - last < c->app->cfg.session_idle / 1000000000) {
            person = db_column_int64(st, 0);
            snprintf(c->csrf, sizeof c->csrf, "%s", db_column_text(st, 1, NULL));
            snprintf(c->session_stage, sizeof c->session_stage, "%s", db_column_text(st, 2, NULL));
            ok = true;
        }
    }
    db_finalize(st);
    if (!ok)
        return false;
    if (actor_load(c->db, person, &c->actor, &c->err) != MM_OK)
        return false;
    c->via_cookie = true;
    /* the idle clock restarts, at most once a minute per session (fewer writes) */
    st = db_prepare(c->db, "UPDATE sessions SET last_seen = ? WHERE token_hash = ? AND last_seen < ?", &c->err);
    if (st) {
        db_bind_int64(st, 1, now);
        db_bind_str(st, 2, c->session_hash);
        db_bind_int64(st, 3, now - 60);
        db_step(st, &c->err);
        db_finalize(st);
    }
    return true;
}

static bool token_load(struct api_call *c, const char *token)
{
    char hash[65];
    auth_token_hash(token, hash);
    struct db_stmt *st = db_prepare(c->db,
                                    "SELECT id, person_id FROM api_tokens WHERE token_hash = ? AND revoked_at = 0 AND "
                                    "expires_at > ?",
                                    &c->err);
    if (!st)
        return false;
    db_bind_str(st, 1, hash);
    db_bind_int64(st, 2, server_now());
    int64_t id = 0, person = 0;
    if (db_step(st, &c->err) == DB_ROW) {
        id = db_column_int64(st, 0);
        person = db_column_int64(st, 1);
    }
    db_finalize(st);
    if (!id || actor_load(c->db, person, &c->actor, &c->err) != MM_OK)
        return false;
    snprintf(c->actor.label, sizeof c->actor.label, "token:%lld", (long long)id);
    st = db_prepare(c->db, "UPDATE api_tokens SET last_used = ? WHERE id = ?", &c->err);
    if (st) {
        db_bind_int64(st, 1, server_now());
        db_bind_int64(st, 2, id);
        db_step(st, &c->err);
        db_finalize(st);
    }
    return true;
}

bool api_authenticate(struct api_call *c, enum api_auth need)
{
    snprintf(c->actor.ip, sizeof c->actor.ip, "%s", c->req->client_ip ? c->req->client_ip : "");
    if (need == API_PUBLIC)
        return true;
    const char *authz = http_header(c->req, "Authorization");
    const char *cookie = http_cookie(c->req, SESSION_COOKIE);
    char ip[64];
    snprintf(ip, sizeof ip, "%s", c->actor.ip);
    bool ok = false;
    if (authz && !strncasecmp(authz, "Bearer ", 7)) {
        const char *t = authz + 7;
        if (need == API_SENSOR)
            ok = !strncmp(t, "mmk_", 4) && sensor_actor(c->db, t, &c->actor, &c->err) == MM_OK;
        else
            ok = need == API_PERSON && !strncmp(t, "mmt_", 4) && token_load(c, t);
    } else if (cookie && need != API_SENSOR) {
        ok = session_load(c, cookie);
        if (ok && need == API_PERSON && strcmp(c->session_stage, "full")) {
            http_error(c->res, 401, "the second factor is needed: POST /api/v1/session/totp");
            return false;
        }
    }
    snprintf(c->actor.ip, sizeof c->actor.ip, "%s", ip);
    if (!ok) {
        http_error(c->res, 401, "sign in first (session cookie or Authorization: Bearer token)");
        return false;
    }
    /* cookies ride along with cross-site requests; a token in a header does not */
    if (c->via_cookie && unsafe_method(c->req->method)) {
        const char *t = http_header(c->req, "X-CSRF-Token");
        if (!t || !auth_equal(t, c->csrf)) {
            http_error(c->res, 403, "missing or wrong X-CSRF-Token header");
            return false;
        }
    }
    return true;
}

/* ---- dispatch ---- */

static void api_run(struct server_app *app, const struct http_request *req, struct http_response *res,
                    const struct api_route *route)
{
    struct api_call *c = mm_calloc(1, sizeof *c);
    c->app = app;
    c->req = req;
    c->res = res;
    c->db = db_pool_get(&app->pool);
    /* CSV imports have their own, larger limit (the HTTP layer enforces the larger of the two) */
    bool import = !strncmp(route->pattern, "/api/v1/import/", 15);
    if (!import && req->body_len > app->cfg.max_body)
        http_error(res, 413, "request body too large (limit %llu bytes)", (unsigned long long)app->cfg.max_body);
    else if (api_authenticate(c, route->auth))
        route->fn(c);
    db_pool_put(&app->pool, c->db);
    mm_free(c);
}

static void api_dispatch(void *ctx, const struct http_route *route, const struct http_request *req,
                         struct http_response *res)
{
    api_run(ctx, req, res, route->data);
}

enum mm_status server_app_start(struct server_app *app, struct mm_error *err)
{
    size_t nm;
    const struct db_migration *m = server_migrations(&nm);
    struct db *db = db_open(app->cfg.database, err);
    if (!db)
        return MM_ERR_IO;
    int applied = 0;
    enum mm_status rc = db_migrate(db, m, nm, &applied, err);
    db_close(db);
    if (rc != MM_OK)
        return rc;
    if (applied)
        mm_log(MM_LOG_INFO, "server", "database schema migrated to version %d (%d migrations)", m[nm - 1].version, applied);
    if ((rc = db_pool_init(&app->pool, app->cfg.database, (size_t)app->cfg.threads, err)) != MM_OK)
        return rc;
    app->routes = mm_calloc(api_nroutes, sizeof *app->routes);
    for (size_t i = 0; i < api_nroutes; i++)
        app->routes[i] = (struct http_route){ api_routes[i].method, api_routes[i].pattern, api_dispatch, &api_routes[i] };
    struct http_server_config hc = {
        .listen = app->cfg.listen,
        .cert_file = app->cfg.tls_cert,
        .key_file = app->cfg.tls_key,
        .threads = (unsigned)app->cfg.threads,
        .max_body = MM_MAX(app->cfg.max_body, app->cfg.max_import),
        .static_dir = app->cfg.web_root,
        .routes = app->routes,
        .nroutes = api_nroutes,
        .ctx = app,
    };
    app->http = http_server_start(&hc, err);
    if (!app->http) {
        db_pool_release(&app->pool);
        mm_free(app->routes);
        return MM_ERR_IO;
    }
    return MM_OK;
}

void server_app_stop(struct server_app *app)
{
    http_server_stop(app->http);
    app->http = NULL;
    db_pool_release(&app->pool);
    mm_free(app->routes);
    app->routes = NULL;
}
