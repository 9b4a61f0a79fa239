/* SPDX-License-Identifier: Apache-2.0 */
/* app.h: `mamori server` as a whole: its settings, its pool of database connections, and the API
 * handlers' common ground (the call a handler receives, authentication, JSON input checks). */
#ifndef MM_SERVER_APP_H
#define MM_SERVER_APP_H

#include "base/prelude.h"
#include "base/error.h"
#include "conf/conf.h"
#include "http/http.h"
#include "server/server.h"

#include <pthread.h>

struct server_config {
    char *listen;
    char *tls_cert, *tls_key;
    char *database;
    char *web_root;
    int64_t threads;
    uint64_t max_body;
    uint64_t max_import;
    int64_t session_idle; /* ns */
    int64_t session_max;  /* ns */
    char *totp_issuer;
    char *log_level;
};
extern const struct conf_section server_conf_sections[1];
enum mm_status server_config_load(const char *path, struct server_config *cfg, struct mm_error *err);
enum mm_status server_config_parse(const char *text, struct server_config *cfg, struct mm_error *err);
void server_config_release(struct server_config *cfg);

/* Connections for the pool threads: one each, taken for a request and given back. */
struct db_pool {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct db **free;
    size_t nfree, n;
};
enum mm_status db_pool_init(struct db_pool *p, const char *url, size_t n, struct mm_error *err);
struct db *db_pool_get(struct db_pool *p);
void db_pool_put(struct db_pool *p, struct db *db);
void db_pool_release(struct db_pool *p);

struct server_app {
    struct server_config cfg;
    struct db_pool pool;
    struct http_server *http;
    struct http_route *routes;
};

/* ---- the API ---- */

enum api_auth {
    API_PUBLIC,  /* anyone */
    API_SIGNIN,  /* a session half-way through signing in (password given, second factor not yet) */
    API_PERSON,  /* a signed-in session or a person's API token */
    API_SENSOR,  /* a sensor's key */
};

struct api_call {
    struct server_app *app;
    struct db *db;
    const struct http_request *req;
    struct http_response *res;
    struct actor actor;
    /* the session, when the call came with the cookie */
    bool via_cookie;
    char session_hash[65];
    char session_stage[16];
    char csrf[64];
    struct mm_error err;
};

typedef void (*api_fn)(struct api_call *c);
struct api_route {
    const char *method, *pattern;
    api_fn fn;
    enum api_auth auth;
};
extern const struct api_route api_routes[];
extern const size_t api_nroutes;

/* Start and stop the whole server (HTTP on the pool threads). */
enum mm_status server_app_start(struct server_app *app, struct mm_error *err);
void server_app_stop(struct server_app *app);

/* Answer with the status a model error maps to (404, 403, 400, 409, 413, 500) and err's message. */
void api_fail(struct api_call *c, enum mm_status rc);
/* The body, checked against the fields a route accepts: an object with no other keys, each of its
 * type (JSON_STRING, JSON_INTEGER, JSON_TRUE for booleans, JSON_OBJECT, JSON_ARRAY), required ones
 * present. On failure answers 400 naming the field and returns NULL. */
struct api_field {
    const char *name;
    json_type type;
    bool required;
};
json_t *api_body(struct api_call *c, const struct api_field *fields, size_t n);
const char *api_str(json_t *body, const char *name); /* NULL when absent */
int64_t api_int(json_t *body, const char *name);     /* 0 when absent */
/* A path parameter as a positive id; answers 404 and returns 0 when it is not one. */
int64_t api_id(struct api_call *c, const char *name);
/* Run f inside a transaction: commit when it returns MM_OK, roll back otherwise. */
enum mm_status api_tx(struct api_call *c, enum mm_status (*f)(struct api_call *c, void *arg), void *arg);
void api_ok(struct api_call *c, unsigned status, json_t *body); /* steals body */
/* o (stolen) with status, or, when o is NULL, the failure rc with err's message. */
void api_answer(struct api_call *c, unsigned status, json_t *o, enum mm_status rc);
/* Query parameters: an integer within [min, max] / UTF-8 text of at most 200 bytes; absent leaves
 * *out alone (text: NULL). false when it has answered 400. */
bool api_query_i64(struct api_call *c, const char *name, int64_t min, int64_t max, int64_t *out);
bool api_query_text(struct api_call *c, const char *name, const char **out);

#define SESSION_COOKIE "__Host-mamori"
/* Authenticate a call as its route needs; false when it has answered (401, 403, 429). */
bool api_authenticate(struct api_call *c, enum api_auth need);

/* Handlers (api_session.c, api_directory.c). */
void api_health(struct api_call *c);
void api_signin(struct api_call *c);
void api_signin_totp(struct api_call *c);
void api_session_get(struct api_call *c);
void api_signout(struct api_call *c);
void api_password(struct api_call *c);
void api_tokens_list(struct api_call *c);
void api_tokens_create(struct api_call *c);
void api_tokens_revoke(struct api_call *c);
void api_roles(struct api_call *c);
void api_orgs_list(struct api_call *c);
void api_orgs_create(struct api_call *c);
void api_orgs_get(struct api_call *c);
void api_orgs_update(struct api_call *c);
void api_people_list(struct api_call *c);
void api_people_create(struct api_call *c);
void api_people_get(struct api_call *c);
void api_people_update(struct api_call *c);
void api_people_role_give(struct api_call *c);
void api_people_role_take(struct api_call *c);
void api_import_orgs(struct api_call *c);
void api_import_people(struct api_call *c);
void api_audit_list(struct api_call *c);
void api_audit_verify(struct api_call *c);
void api_alerts_list(struct api_call *c);
void api_alerts_get(struct api_call *c);
void api_alerts_triage(struct api_call *c);
void api_notifications_list(struct api_call *c);
void api_notifications_create(struct api_call *c);
void api_notifications_get(struct api_call *c);
void api_notifications_event(struct api_call *c);
void api_stats_fy(struct api_call *c);
void api_sensors_list(struct api_call *c);
void api_sensors_create(struct api_call *c);
void api_sensor_enrol(struct api_call *c);
void api_sensor_alerts(struct api_call *c);

#endif
