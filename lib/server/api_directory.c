/* SPDX-License-Identifier: Apache-2.0 */
/* api_directory.c: the directory's routes: roles, organisations, people and their roles, CSV
 * imports and the audit trail. Each handler checks the input's shape and hands the rest to the
 * model (server.h), which applies the subtree rule and the permissions. */
#include "base/prelude.h"
#include "base/alloc.h"
#include "base/str.h"
#include "server/app.h"
#include "server/internal.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

void api_roles(struct api_call *c)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < server_nroles; i++)
        json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:b}", "code", server_roles[i].code, "ja",
                                             server_roles[i].ja, "en", server_roles[i].en, "organisation_wide",
                                             server_roles[i].wide));
    api_ok(c, 200, json_pack("{s:o}", "roles", arr));
}

/* ---- organisations ---- */

void api_orgs_list(struct api_call *c)
{
    json_t *l = org_list(c->db, &c->actor, &c->err);
    if (l)
        api_ok(c, 200, json_pack("{s:o}", "orgs", l));
    else
        api_fail(c, MM_ERR_IO);
}

static enum mm_status orgs_create_tx(struct api_call *c, void *arg)
{
    json_t *b = arg;
    struct org_input in = { api_int(b, "parent_id"), api_str(b, "kind"), api_str(b, "code"), api_str(b, "name_ja"),
                            api_str(b, "name_en"), api_int(b, "supervisor_id") };
    int64_t id = 0;
    enum mm_status rc = org_create(c->db, &c->actor, &in, &id, &c->err);
    if (rc == MM_OK)
        json_object_set_new(b, "id", json_integer(id));
    return rc;
}

void api_orgs_create(struct api_call *c)
{
    static const struct api_field f[] = { { "parent_id", JSON_INTEGER, true }, { "kind", JSON_STRING, true },
                                          { "code", JSON_STRING, true },      { "name_ja", JSON_STRING, true },
                                          { "name_en", JSON_STRING, false },  { "supervisor_id", JSON_INTEGER, false } };
    json_t *b = api_body(c, f, MM_ARRAY_LEN(f));
    if (!b)
        return;
    if (api_int(b, "parent_id") <= 0) {
        http_error(c->res, 400, "field 'parent_id' must be a positive integer");
    } else {
        enum mm_status rc = api_tx(c, orgs_create_tx, b);
        if (rc == MM_OK) {
            json_t *o = org_get(c->db, &c->actor, api_int(b, "id"), &rc, &c->err);
            if (o)
                api_ok(c, 201, o);
            else
                api_fail(c, rc);
        } else {
            api_fail(c, rc);
        }
    }
    json_decref(b);
}

void api_orgs_get(struct api_call *c)
{
    int64_t id = api_id(c, "id");
    if (!id)
        return;
    enum mm_status rc;
    json_t *o = org_get(c->db, &c->actor, id, &rc, &c->err);
    api_answer(c, 200, o, rc);
}

struct patch {
    int64_t id;
    json_t *body;
};

static enum mm_status orgs_update_tx(struct api_call *c, void *arg)
{
    struct patch *p = arg;
    return org_update(c->db, &c->actor, p->id, api_str(p->body, "name_ja"), api_str(p->body, "name_en"),
                      api_str(p->body, "code"), &c->err);
}

void api_orgs_update(struct api_call *c)
{
    static const struct api_field f[] = { { "name_ja", JSON_STRING, false },
                                          { "name_en", JSON_STRING, false },
                                          { "code", JSON_STRING, false } };
    int64_t id = api_id(c, "id");
    if (!id)
        return;
    json_t *b = api_body(c, f, MM_ARRAY_LEN(f));
    if (!b)
        return;
    struct patch p = { id, b };
    enum mm_status rc = api_tx(c, orgs_update_tx, &p);
    json_t *o = rc == MM_OK ? org_get(c->db, &c->actor, id, &rc, &c->err) : NULL;
    api_answer(c, 200, o, rc);
    json_decref(b);
}

/* ---- people ---- */

void api_people_list(struct api_call *c)
{
    int64_t org = 0, after = 0, limit = 100;
    if (!api_query_i64(c, "org_id", 1, INT64_MAX, &org) || !api_query_i64(c, "after", 0, INT64_MAX, &after) ||
        !api_query_i64(c, "limit", 1, 1000, &limit))
        return;
    struct person_query q = { org, http_query(c->req, "q"), http_query(c->req, "status"), http_query(c->req, "role"),
                              after, (unsigned)limit };
    if (q.q && (strlen(q.q) > 200 || !mm_utf8_valid(q.q, strlen(q.q)))) {
        http_error(c->res, 400, "query parameter 'q' must be UTF-8 of at most 200 bytes");
        return;
    }
    enum mm_status rc;
    json_t *l = person_list(c->db, &c->actor, &q, &rc, &c->err);
    api_answer(c, 200, l, rc);
}

static const struct api_field person_fields[] = {
    { "org_id", JSON_INTEGER, false }, { "login", JSON_STRING, false },    { "name", JSON_STRING, false },
    { "email", JSON_STRING, false },   { "staff_no", JSON_STRING, false }, { "status", JSON_STRING, false },
    { "lang", JSON_STRING, false },
};

static struct person_input person_from(json_t *b)
{
    return (struct person_input){ api_int(b, "org_id"), api_str(b, "login"),    api_str(b, "name"),
                                  api_str(b, "email"),  api_str(b, "staff_no"), api_str(b, "status"),
                                  api_str(b, "lang") };
}

static enum mm_status people_create_tx(struct api_call *c, void *arg)
{
    json_t *b = arg;
    struct person_input in = person_from(b);
    int64_t id = 0;
    enum mm_status rc = person_create(c->db, &c->actor, &in, &id, &c->err);
    if (rc == MM_OK)
        json_object_set_new(b, "id", json_integer(id));
    return rc;
}

void api_people_create(struct api_call *c)
{
    json_t *b = api_body(c, person_fields, MM_ARRAY_LEN(person_fields));
    if (!b)
        return;
    enum mm_status rc;
    if (api_int(b, "org_id") <= 0 || !api_str(b, "login") || !api_str(b, "name")) {
        http_error(c->res, 400, "fields 'org_id', 'login' and 'name' are required");
    } else if ((rc = api_tx(c, people_create_tx, b)) == MM_OK) {
        json_t *o = person_get(c->db, &c->actor, api_int(b, "id"), &rc, &c->err);
        if (o)
            api_ok(c, 201, o);
        else
            api_fail(c, rc);
    } else {
        api_fail(c, rc);
    }
    json_decref(b);
}

void api_people_get(struct api_call *c)
{
    int64_t id = api_id(c, "id");
    if (!id)
        return;
    enum mm_status rc;
    json_t *o = person_get(c->db, &c->actor, id, &rc, &c->err);
    api_answer(c, 200, o, rc);
}

static enum mm_status people_update_tx(struct api_call *c, void *arg)
{
    struct patch *p = arg;
    struct person_input in = person_from(p->body);
    return person_update(c->db, &c->actor, p->id, &in, &c->err);
}

void api_people_update(struct api_call *c)
{
    int64_t id = api_id(c, "id");
    if (!id)
        return;
    json_t *b = api_body(c, person_fields, MM_ARRAY_LEN(person_fields));
    if (!b)
        return;
    struct patch p = { id, b };
    enum mm_status rc = api_tx(c, people_update_tx, &p);
    json_t *o = rc == MM_OK ? person_get(c->db, &c->actor, id, &rc, &c->err) : NULL;
    api_answer(c, 200, o, rc);
    json_decref(b);
}

struct role_change {
    int64_t person;
    json_t *body;
    bool give;
};

static enum mm_status role_tx(struct api_call *c, void *arg)
{
    struct role_change *r = arg;
    return person_role(c->db, &c->actor, r->person, api_int(r->body, "org_id"), api_str(r->body, "role"), r->give,
                       &c->err);
}

static void role_change(struct api_call *c, bool give)
{
    static const struct api_field f[] = { { "org_id", JSON_INTEGER, true }, { "role", JSON_STRING, true } };
    int64_t id = api_id(c, "id");
    if (!id)
        return;
    json_t *b = api_body(c, f, MM_ARRAY_LEN(f));
    if (!b)
        return;
    struct role_change r = { id, b, give };
    enum mm_status rc = api_tx(c, role_tx, &r);
    json_t *o = rc == MM_OK ? person_get(c->db, &c->actor, id, &rc, &c->err) : NULL;
    api_answer(c, 200, o, rc);
    json_decref(b);
}

void api_people_role_give(struct api_call *c)
{
    role_change(c, true);
}

void api_people_role_take(struct api_call *c)
{
    role_change(c, false);
}

/* ---- CSV imports ---- */

static void import(struct api_call *c, bool people)
{
    const char *ct = http_header(c->req, "Content-Type");
    if (!ct || strncasecmp(ct, "text/csv", 8)) {
        http_error(c->res, 415, "send the file as Content-Type: text/csv");
        return;
    }
    if (!mm_utf8_valid(c->req->body, c->req->body_len)) {
        http_error(c->res, 400, "the file is not valid UTF-8 (save it as CSV UTF-8)");
        return;
    }
    struct import_stats st;
    enum mm_status rc = people ? import_people_csv(c->db, &c->actor, c->req->body, c->req->body_len, &st, &c->err)
                               : import_orgs_csv(c->db, &c->actor, c->req->body, c->req->body_len, &st, &c->err);
    if (rc == MM_OK)
        api_ok(c, 200, json_pack("{s:I, s:I, s:I}", "rows", (json_int_t)st.rows, "created", (json_int_t)st.created,
                                 "updated", (json_int_t)st.updated));
    else
        api_fail(c, rc == MM_ERR_TOO_LARGE ? MM_ERR_INVALID : rc);
}

void api_import_orgs(struct api_call *c)
{
    import(c, false);
}

void api_import_people(struct api_call *c)
{
    import(c, true);
}

/* ---- the audit trail ---- */

void api_audit_list(struct api_call *c)
{
    int64_t before = 0, limit = 100;
    if (!api_query_i64(c, "before", 1, INT64_MAX, &before) || !api_query_i64(c, "limit", 1, 1000, &limit))
        return;
    json_t *l = audit_list(c->db, &c->actor, before, (unsigned)limit, &c->err);
    if (l)
        api_ok(c, 200, l);
    else
        api_fail(c, actor_can(&c->actor, PERM_READ_AUDIT, c->actor.path) ? MM_ERR_IO : MM_ERR_DENIED);
}

void api_audit_verify(struct api_call *c)
{
    if (!actor_can(&c->actor, PERM_READ_AUDIT, c->actor.path) || strcmp(c->actor.org_kind, "centre")) {
        /* the chain is one for the whole server: its check belongs to the centre */
        http_error(c->res, 403, "verifying the audit trail needs the admin, audit_officer or ciso role at the centre");
        return;
    }
    int64_t count = 0, bad = 0;
    enum mm_status rc = audit_verify(c->db, &count, &bad, &c->err);
    if (rc == MM_OK)
        api_ok(c, 200, json_pack("{s:b, s:I}", "intact", 1, "records", (json_int_t)count));
    else if (rc == MM_ERR_PARSE)
        api_ok(c, 200, json_pack("{s:b, s:I, s:I, s:s}", "intact", 0, "records", (json_int_t)count, "first_bad",
                                 (json_int_t)bad, "error", c->err.msg));
    else
        api_fail(c, rc);
}
