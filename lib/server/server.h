/* SPDX-License-Identifier: Apache-2.0 */
/* server.h: the server's model: organisations, people and their roles, the actor a request acts
 * as, and the rule that a member sees only its own subtree. That rule lives here, in the queries:
 * every function that reads or changes data takes the actor and confines its SQL to the actor's
 * subtree, so no handler can forget it. Something outside the subtree is "not found", never
 * "forbidden", so its existence does not leak. Reads answer JSON (jansson), ready for the API. */
#ifndef MM_SERVER_H
#define MM_SERVER_H

#include "base/prelude.h"
#include "base/error.h"
#include "db/db.h"
#include "db/migrate.h"

#include <jansson.h>

const struct db_migration *server_migrations(size_t *n);

/* ---- roles and permissions ---- */

/* The seeds' roles (INVENTORY.md §1.2) and the platform's own (analyst, admin). */
struct role_info {
    const char *code, *ja, *en;
    bool wide; /* holds over the whole scope (the member, or the centre) wherever it was given */
};
extern const struct role_info server_roles[];
extern const size_t server_nroles;
int role_index(const char *code); /* -1: unknown */

enum perm {
    PERM_READ_PEOPLE,    /* the directory of people and their roles */
    PERM_MANAGE_ORGS,    /* create, rename, move organisations */
    PERM_MANAGE_PEOPLE,  /* create people, set roles, reset credentials */
    PERM_READ_ALERTS,    /* alerts and notifications */
    PERM_TRIAGE,         /* judge alerts, merge them */
    PERM_NOTIFY,         /* issue notifications (通報) */
    PERM_ACK,            /* acknowledge notifications */
    PERM_READ_AUDIT,
    PERM_MANAGE_SENSORS,
    PERM_COUNT
};
const char *perm_name(enum perm p);

#define ACTOR_MAX_GRANTS 32
#define ORG_PATH_MAX     160 /* ids from the root: "/1/4/9/..." */

/* Who a request acts as. A person sees the subtree of the organisation their home belongs to (the
 * nearest centre, member, agency or company at or above it: a bureau's people see their ministry,
 * an agency's its agency, the centre's teams everything); its path is the scope. They may do what
 * their roles grant, each role at the organisation it was given for and below it. A machine (an
 * API token acts as its person; a sensor as itself) is the same shape. */
struct actor {
    int64_t person_id; /* 0 for a sensor or the system */
    int64_t sensor_id;
    int64_t org_id;    /* home organisation */
    char path[ORG_PATH_MAX]; /* the scope's root: the centre, member, agency or company of the home */
    char org_kind[24];       /* its kind */
    char label[48];    /* "person:12", "token:3", "sensor:4", "system": the audit trail's actor */
    char ip[64];
    struct {
        char path[ORG_PATH_MAX];
        uint32_t roles; /* bit i: server_roles[i] */
    } grants[ACTOR_MAX_GRANTS];
    size_t ngrants;
};

/* The actor for a person: home organisation and every role grant. MM_ERR_NOT_FOUND when there
 * is no such person or they are retired. */
enum mm_status actor_load(struct db *db, int64_t person_id, struct actor *a, struct mm_error *err);
/* The system itself (migrations, bootstrap, imports from the command line): sees everything. */
void actor_system(struct actor *a);
/* May a do p at the organisation with this path? (it must be in a's subtree, and some role of a
 * granting p given at that organisation or above it) */
bool actor_can(const struct actor *a, enum perm p, const char *org_path);
/* Does a hold role code anywhere? */
bool actor_has_role(const struct actor *a, const char *code);
/* The actor's permissions as JSON {"perm": true ...} for its home organisation (for the UI). */
json_t *actor_json(const struct actor *a);

/* Bind the actor's scope as two parameters (i, i+1) for "o.path >= ? AND o.path < ?". */
void scope_bind(struct db_stmt *st, unsigned i, const struct actor *a);
/* The upper bound of a path's subtree (its last '/' turned into '0'). */
void scope_upper(const char *path, char *out, size_t outlen);

/* ---- organisations ---- */

struct org_input {
    int64_t parent_id; /* 0: a root (only the system may create one) */
    const char *kind, *code, *name_ja, *name_en;
    int64_t supervisor_id; /* agencies: the supervising member (0: none) */
};
bool org_kind_valid(const char *kind);
enum mm_status org_create(struct db *db, const struct actor *a, const struct org_input *in, int64_t *id,
                          struct mm_error *err);
/* NULL with MM_ERR_NOT_FOUND in err's status when out of scope or absent. */
json_t *org_get(struct db *db, const struct actor *a, int64_t id, enum mm_status *st, struct mm_error *err);
/* Every organisation in scope, in tree order (parents before children). */
json_t *org_list(struct db *db, const struct actor *a, struct mm_error *err);
enum mm_status org_update(struct db *db, const struct actor *a, int64_t id, const char *name_ja,
                          const char *name_en, const char *code, struct mm_error *err);
/* The organisation's path, or MM_ERR_NOT_FOUND when out of a's scope. */
enum mm_status org_path(struct db *db, const struct actor *a, int64_t id, char *path, size_t n, struct mm_error *err);
int64_t org_id_by_code(struct db *db, const struct actor *a, const char *code);

/* ---- people ---- */

struct person_input {
    int64_t org_id;
    const char *login, *name, *email, *staff_no, *status, *lang;
};
enum mm_status person_create(struct db *db, const struct actor *a, const struct person_input *in, int64_t *id,
                             struct mm_error *err);
json_t *person_get(struct db *db, const struct actor *a, int64_t id, enum mm_status *st, struct mm_error *err);
struct person_query {
    int64_t org_id;     /* 0: the whole scope; else that organisation's subtree */
    const char *q;      /* substring of login, name or email (NULL: any) */
    const char *status; /* NULL: any */
    const char *role;   /* NULL: any */
    int64_t after_id;   /* keyset paging: ids greater than this */
    unsigned limit;     /* 1..1000 */
};
/* {"people": [...], "next_after": id or null}; NULL with *rc set on failure */
json_t *person_list(struct db *db, const struct actor *a, const struct person_query *q, enum mm_status *rc,
                    struct mm_error *err);
/* Change the fields given (NULL: unchanged). */
enum mm_status person_update(struct db *db, const struct actor *a, int64_t id, const struct person_input *in,
                             struct mm_error *err);
/* Give or take a role at an organisation (both in scope; the actor needs PERM_MANAGE_PEOPLE there). */
enum mm_status person_role(struct db *db, const struct actor *a, int64_t person_id, int64_t org_id,
                           const char *role, bool give, struct mm_error *err);

/* ---- audit trail ---- */

/* Append a record: who (the actor), what (action, object, detail JSON object or NULL), where
 * (org_id, 0: none), when (now). Runs inside the caller's transaction, so a change and its record
 * commit together; the chain is serialised by the write lock the transaction holds (SQLite) or
 * an advisory lock (PostgreSQL). */
enum mm_status audit_append(struct db *db, const struct actor *a, const char *action, const char *object,
                            int64_t org_id, json_t *detail, struct mm_error *err);
/* Walk the chain. MM_OK and *count when intact; MM_ERR_PARSE with *bad_id the first record whose
 * hash does not verify. */
enum mm_status audit_verify(struct db *db, int64_t *count, int64_t *bad_id, struct mm_error *err);
/* Records in scope, newest first: {"records": [...]} */
json_t *audit_list(struct db *db, const struct actor *a, int64_t before_id, unsigned limit, struct mm_error *err);

/* ---- alerts ---- */

/* Take one alert record from a sensor's spool (the sensor's JSON object, docs/DETECTION.md): stored
 * under the sensor's organisation; a newer version replaces the stored one, an older or equal one
 * changes nothing, so a record delivered twice is stored once. *outcome: 0 unchanged, 1 created,
 * 2 updated. MM_ERR_INVALID names the field that is missing or wrong. */
enum mm_status alert_ingest(struct db *db, const struct actor *sensor, json_t *alert, int *outcome,
                            struct mm_error *err);
struct alert_query {
    int64_t org_id;      /* 0: the whole scope */
    const char *status;  /* new, true_positive, false_positive, merged; NULL: any */
    const char *level;   /* NULL: any */
    const char *q;       /* substring of the title or rule id */
    int64_t since, until; /* first_seen range (Unix seconds; 0: open) */
    int64_t before_id;   /* keyset paging, newest first */
    unsigned limit;
};
/* {"alerts": [...], "next_before": id or null}: the caller needs PERM_READ_ALERTS at the
 * organisation asked for (or its home) */
json_t *alert_list(struct db *db, const struct actor *a, const struct alert_query *q, enum mm_status *rc,
                   struct mm_error *err);
json_t *alert_get(struct db *db, const struct actor *a, int64_t id, enum mm_status *rc, struct mm_error *err);
/* The centre's judgement: true_positive, false_positive, or new again (PERM_TRIAGE). */
enum mm_status alert_triage(struct db *db, const struct actor *a, int64_t id, const char *status, const char *note,
                            struct mm_error *err);
/* Merge alert id into alert into (the same member; id becomes "merged"). */
enum mm_status alert_merge(struct db *db, const struct actor *a, int64_t id, int64_t into, struct mm_error *err);

/* ---- notifications (通報) ---- */

struct notification_input {
    const int64_t *alerts; /* one or more alerts of one member organisation */
    size_t nalerts;
    const char *title, *body;
    const char *level; /* NULL: the highest of the alerts' */
};
/* Notify the member the alerts belong to (PERM_NOTIFY): the alerts are judged true positives and
 * linked to it; the recipient is the member's CSIRT point of contact (role poc, else csirt). */
enum mm_status notification_create(struct db *db, const struct actor *a, const struct notification_input *in,
                                   int64_t *id, struct mm_error *err);
struct notification_query {
    int64_t org_id;
    const char *status;
    int64_t before_id;
    unsigned limit;
};
json_t *notification_list(struct db *db, const struct actor *a, const struct notification_query *q,
                          enum mm_status *rc, struct mm_error *err);
/* With its alerts and its timeline. */
json_t *notification_get(struct db *db, const struct actor *a, int64_t id, enum mm_status *rc,
                         struct mm_error *err);
/* kind: acknowledged (PERM_ACK at the member), comment (either side), closed or reopened (PERM_NOTIFY). */
enum mm_status notification_event(struct db *db, const struct actor *a, int64_t id, const char *kind,
                                  const char *note, struct mm_error *err);
/* Counts per Japanese fiscal year (April to March, JST, by an alert's first sighting) of the scope:
 * alerts, threats recognised (the events of alerts not judged false positives), notifications
 * sent: the seeds' tables 1-2 and 1-3. Read from alert_counts, kept with every change. */
json_t *stats_fiscal_years(struct db *db, const struct actor *a, enum mm_status *rc, struct mm_error *err);
/* Recompute the kept counts per organisation and fiscal year from the alerts themselves (after a
 * restore, or alerts loaded by other means); *alerts: how many were counted. In the caller's
 * transaction. */
enum mm_status alert_counts_rebuild(struct db *db, int64_t *alerts, struct mm_error *err);
/* The Japanese fiscal year of a Unix time (JST): 2026-03-31 is FY2025, 2026-04-01 FY2026. */
int fiscal_year(int64_t t);

/* ---- sensors ---- */

/* Register a sensor of an organisation (PERM_MANAGE_SENSORS); token receives its one-time
 * enrolment token (valid for a day). */
enum mm_status sensor_register(struct db *db, const struct actor *a, int64_t org_id, const char *name,
                               int64_t *id, char *token, size_t token_len, struct mm_error *err);
/* A sensor presents its enrolment token once and receives its key (MM_ERR_DENIED: unknown,
 * used or expired token). */
enum mm_status sensor_enrol(struct db *db, const char *enrol_token, const char *ip, int64_t *id, char *key,
                            size_t key_len, struct mm_error *err);
/* The actor for a sensor's key (MM_ERR_DENIED when unknown). */
enum mm_status sensor_actor(struct db *db, const char *key, struct actor *a, struct mm_error *err);
json_t *sensor_list(struct db *db, const struct actor *a, enum mm_status *rc, struct mm_error *err);

/* ---- bulk import ---- */

/* CSV (RFC 4180, UTF-8, header row naming the columns) of organisations: code, parent_code, kind,
 * name_ja, name_en[, supervisor_code]; and of people: login, org_code, name[, email, staff_no,
 * status, roles] (roles "ciso;security_manager@code": at their own organisation unless "@code").
 * All or nothing: one transaction; the first bad row fails it with its line number. Existing
 * logins / codes are updated (an import can be re-run with a newer file). */
struct import_stats {
    size_t rows, created, updated;
};
enum mm_status import_orgs_csv(struct db *db, const struct actor *a, const char *csv, size_t len,
                               struct import_stats *stats, struct mm_error *err);
enum mm_status import_people_csv(struct db *db, const struct actor *a, const char *csv, size_t len,
                                 struct import_stats *stats, struct mm_error *err);

/* A JSON value of a column: "name" is text, "#name" an integer, "?name" an integer that is NULL or
 * 0 -> null; helper for the model's readers. */
json_t *db_row_json(struct db_stmt *st, const char *const *cols, size_t ncols);
int64_t server_now(void); /* Unix seconds */

#endif
