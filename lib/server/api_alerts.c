/* SPDX-License-Identifier: Apache-2.0 */
/* api_alerts.c: routes for alerts (from the sensors, and the centre's triage), notifications (通報)
 * with their timeline, the counts per fiscal year, and the sensors themselves (registration,
 * enrolment, the alert intake). */
#include "base/prelude.h"
#include "base/alloc.h"
#include "base/str.h"
#include "auth/auth.h"
#include "server/app.h"
#include "server/internal.h"

#include <stdio.h>
#include <string.h>

/* ---- alerts ---- */

void api_alerts_list(struct api_call *c)
{
    struct alert_query q = { 0 };
    int64_t limit = 50;
    if (!api_query_i64(c, "org_id", 1, INT64_MAX, &q.org_id) || !api_query_i64(c, "before", 1, INT64_MAX, &q.before_id) ||
        !api_query_i64(c, "limit", 1, 1000, &limit) || !api_query_i64(c, "since", 0, INT64_MAX, &q.since) ||
        !api_query_i64(c, "until", 0, INT64_MAX, &q.until) || !api_query_text(c, "status", &q.status) ||
        !api_query_text(c, "level", &q.level) || !api_query_text(c, "q", &q.q))
        return;
    q.limit = (unsigned)limit;
    enum mm_status rc;
    json_t *l = alert_list(c->db, &c->actor, &q, &rc, &c->err);
    api_answer(c, 200, l, rc);
}

void api_alerts_get(struct api_call *c)
{
    int64_t id = api_id(c, "id");
    if (!id)
        return;
    enum mm_status rc;
    json_t *o = alert_get(c->db, &c->actor, id, &rc, &c->err);
    api_answer(c, 200, o, rc);
}

struct triage {
    int64_t id;
    json_t *body;
};

static enum mm_status triage_tx(struct api_call *c, void *arg)
{
    struct triage *t = arg;
    if (json_object_get(t->body, "merge_into"))
        return alert_merge(c->db, &c->actor, t->id, api_int(t->body, "merge_into"), &c->err);
    return alert_triage(c->db, &c->actor, t->id, api_str(t->body, "status"), api_str(t->body, "note"), &c->err);
}

void api_alerts_triage(struct api_call *c)
{
    static const struct api_field f[] = { { "status", JSON_STRING, false },
                                          { "note", JSON_STRING, false },
                                          { "merge_into", JSON_INTEGER, false } };
    int64_t id = api_id(c, "id");
    if (!id)
        return;
    json_t *b = api_body(c, f, MM_ARRAY_LEN(f));
    if (!b)
        return;
    if (!json_object_get(b, "status") == !json_object_get(b, "merge_into")) {
        http_error(c->res, 400, "give either 'status' (true_positive, false_positive, new) or 'merge_into'");
        json_decref(b);
        return;
    }
    struct triage t = { id, b };
    enum mm_status rc = api_tx(c, triage_tx, &t);
    json_t *o = rc == MM_OK ? alert_get(c->db, &c->actor, id, &rc, &c->err) : NULL;
    api_answer(c, 200, o, rc);
    json_decref(b);
}

/* ---- notifications ---- */

void api_notifications_list(struct api_call *c)
{
    struct notification_query q = { 0 };
    int64_t limit = 50;
    if (!api_query_i64(c, "org_id", 1, INT64_MAX, &q.org_id) || !api_query_i64(c, "before", 1, INT64_MAX, &q.before_id) ||
        !api_query_i64(c, "limit", 1, 1000, &limit) || !api_query_text(c, "status", &q.status))
        return;
    q.limit = (unsigned)limit;
    enum mm_status rc;
    json_t *l = notification_list(c->db, &c->actor, &q, &rc, &c->err);
    api_answer(c, 200, l, rc);
}

struct notify {
    json_t *body;
    int64_t id;
};

static enum mm_status notify_tx(struct api_call *c, void *arg)
{
    struct notify *n = arg;
    json_t *alerts = json_object_get(n->body, "alerts");
    size_t k = json_array_size(alerts);
    int64_t *ids = mm_calloc(k ? k : 1, sizeof *ids);
    enum mm_status rc = MM_OK;
    for (size_t i = 0; i < k; i++) {
        json_t *v = json_array_get(alerts, i);
        if (!json_is_integer(v) || json_integer_value(v) <= 0) {
            rc = mm_error_set(&c->err, MM_ERR_INVALID, "field 'alerts' must be an array of alert ids");
            break;
        }
        ids[i] = json_integer_value(v);
    }
    struct notification_input in = { ids, k, api_str(n->body, "title"), api_str(n->body, "body"),
                                     api_str(n->body, "level") };
    if (rc == MM_OK)
        rc = notification_create(c->db, &c->actor, &in, &n->id, &c->err);
    mm_free(ids);
    return rc;
}

void api_notifications_create(struct api_call *c)
{
    static const struct api_field f[] = { { "alerts", JSON_ARRAY, true },
                                          { "title", JSON_STRING, true },
                                          { "body", JSON_STRING, false },
                                          { "level", JSON_STRING, false } };
    json_t *b = api_body(c, f, MM_ARRAY_LEN(f));
    if (!b)
        return;
    struct notify n = { b, 0 };
    enum mm_status rc = api_tx(c, notify_tx, &n);
    json_t *o = rc == MM_OK ? notification_get(c->db, &c->actor, n.id, &rc, &c->err) : NULL;
    api_answer(c, 201, o, rc);
    json_decref(b);
}

void api_notifications_get(struct api_call *c)
{
    int64_t id = api_id(c, "id");
    if (!id)
        return;
    enum mm_status rc;
    json_t *o = notification_get(c->db, &c->actor, id, &rc, &c->err);
    api_answer(c, 200, o, rc);
}

static enum mm_status event_tx(struct api_call *c, void *arg)
{
    struct triage *t = arg;
    return notification_event(c->db, &c->actor, t->id, api_str(t->body, "kind"), api_str(t->body, "note"), &c->err);
}

void api_notifications_event(struct api_call *c)
{
    static const struct api_field f[] = { { "kind", JSON_STRING, true }, { "note", JSON_STRING, false } };
    int64_t id = api_id(c, "id");
    if (!id)
        return;
    json_t *b = api_body(c, f, MM_ARRAY_LEN(f));
    if (!b)
        return;
    struct triage t = { id, b };
    enum mm_status rc = api_tx(c, event_tx, &t);
    json_t *o = rc == MM_OK ? notification_get(c->db, &c->actor, id, &rc, &c->err) : NULL;
    api_answer(c, 200, o, rc);
    json_decref(b);
}

void api_stats_fy(struct api_call *c)
{
    enum mm_status rc;
    json_t *o = stats_fiscal_years(c->db, &c->actor, &rc, &c->err);
    api_answer(c, 200, o, rc);
}

/* ---- sensors ---- */

void api_sensors_list(struct api_call *c)
{
    enum mm_status rc;
    json_t *o = sensor_list(c->db, &c->actor, &rc, &c->err);
    api_answer(c, 200, o, rc);
}

struct sensor_new {
    json_t *body;
    int64_t id;
    char token[AUTH_TOKEN_MAX];
};

static enum mm_status sensor_new_tx(struct api_call *c, void *arg)
{
    struct sensor_new *s = arg;
    return sensor_register(c->db, &c->actor, api_int(s->body, "org_id"), api_str(s->body, "name"), &s->id, s->token,
                           sizeof s->token, &c->err);
}

void api_sensors_create(struct api_call *c)
{
    static const struct api_field f[] = { { "org_id", JSON_INTEGER, true }, { "name", JSON_STRING, true } };
    json_t *b = api_body(c, f, MM_ARRAY_LEN(f));
    if (!b)
        return;
    struct sensor_new s = { b, 0, "" };
    enum mm_status rc = api_tx(c, sensor_new_tx, &s);
    if (rc == MM_OK)
        api_ok(c, 201, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)s.id, "enrol_token", s.token, "note",
                                 "valid for 24 hours, once: give it to the sensor (server_enrol_token)"));
    else
        api_fail(c, rc);
    json_decref(b);
}

struct enrol {
    const char *token;
    int64_t id;
    char key[AUTH_TOKEN_MAX];
};

static enum mm_status enrol_tx(struct api_call *c, void *arg)
{
    struct enrol *e = arg;
    return sensor_enrol(c->db, e->token, c->actor.ip, &e->id, e->key, sizeof e->key, &c->err);
}

void api_sensor_enrol(struct api_call *c)
{
    static const struct api_field f[] = { { "token", JSON_STRING, true } };
    json_t *b = api_body(c, f, MM_ARRAY_LEN(f));
    if (!b)
        return;
    struct enrol e = { api_str(b, "token"), 0, "" };
    enum mm_status rc = api_tx(c, enrol_tx, &e);
    if (rc == MM_OK)
        api_ok(c, 200, json_pack("{s:I, s:s}", "sensor_id", (json_int_t)e.id, "key", e.key));
    else
        api_fail(c, rc);
    json_decref(b);
}

struct intake {
    json_t *alerts;
    size_t created, updated, unchanged;
};

static enum mm_status intake_tx(struct api_call *c, void *arg)
{
    struct intake *in = arg;
    size_t i;
    json_t *al;
    in->created = in->updated = in->unchanged = 0;
    json_array_foreach(in->alerts, i, al)
    {
        if (!json_is_object(al))
            return mm_error_set(&c->err, MM_ERR_INVALID, "alerts[%zu] is not an object", i);
        int outcome = 0;
        enum mm_status rc = alert_ingest(c->db, &c->actor, al, &outcome, &c->err);
        if (rc != MM_OK)
            return mm_error_wrap(&c->err, rc, "alerts[%zu]", i);
        if (outcome == 1)
            in->created++;
        else if (outcome == 2)
            in->updated++;
        else
            in->unchanged++;
    }
    return MM_OK;
}

/* A batch of alert records from a sensor's spool: all stored or none (the sensor sends the batch
 * again; what was stored already is recognised by id and version). */
void api_sensor_alerts(struct api_call *c)
{
    static const struct api_field f[] = { { "alerts", JSON_ARRAY, true } };
    json_t *b = api_body(c, f, MM_ARRAY_LEN(f));
    if (!b)
        return;
    struct intake in = { json_object_get(b, "alerts"), 0, 0, 0 };
    if (json_array_size(in.alerts) > 10000) {
        http_error(c->res, 413, "at most 10000 alerts per request");
    } else {
        enum mm_status rc = api_tx(c, intake_tx, &in);
        if (rc == MM_OK)
            api_ok(c, 200, json_pack("{s:I, s:I, s:I}", "created", (json_int_t)in.created, "updated",
                                     (json_int_t)in.updated, "unchanged", (json_int_t)in.unchanged));
        else
            api_fail(c, rc);
    }
    json_decref(b);
}
