/* SPDX-License-Identifier: Apache-2.0 */
/* selfcheck.c: checklists, campaigns, answers and their rates (selfcheck.h). */
#include "base/prelude.h"
#include "base/alloc.h"
#include "base/str.h"
#include "programme/rates.h"
#include "programme/selfcheck.h"
#include "server/internal.h"

#include <stdio.h>
#include <string.h>

static const char *const subjects[] = { "officer", "system", "staff" };

static int subject_index(const char *s)
{
    for (int i = 0; s && i < 3; i++)
        if (!strcmp(subjects[i], s))
            return i;
    return -1;
}

/* the subject of a role set: officer roles first, then system, else staff */
static const char *subject_of_roles(uint32_t roles)
{
    static const char *const officer[] = { "ciso", "general_security_manager", "security_manager",
                                           "division_security_manager", "area_security_manager", "incident_manager",
                                           "audit_officer" };
    for (size_t i = 0; i < MM_ARRAY_LEN(officer); i++)
        if (roles & (1u << role_index(officer[i])))
            return "officer";
    if (roles & (1u << role_index("system_security_officer")))
        return "system";
    return "staff";
}

const char *selfcheck_subject(const struct actor *p)
{
    uint32_t roles = 0;
    for (size_t i = 0; i < p->ngrants; i++)
        roles |= p->grants[i].roles;
    return subject_of_roles(roles);
}

enum mm_status checklist_create(struct db *db, const struct actor *a, int fiscal_year, const char *code,
                                const char *title_ja, const char *title_en, int64_t *id, struct mm_error *err)
{
    if (!actor_can(a, PERM_MANAGE_ORGS, a->path))
        return mm_error_set(err, MM_ERR_DENIED, "checklists are made by administrators");
    enum mm_status rc;
    if (fiscal_year < 2000 || fiscal_year > 2200)
        return mm_error_set(err, MM_ERR_INVALID, "fiscal_year must be a year such as 2026");
    if ((rc = server_text_valid("code", code, 64, true, err)) != MM_OK ||
        (rc = server_text_valid("title_ja", title_ja, 300, true, err)) != MM_OK ||
        (rc = server_text_valid("title_en", title_en, 300, false, err)) != MM_OK)
        return rc;
    struct db_stmt *st = db_prepare(db,
                                    "INSERT INTO checklists (fiscal_year, code, title_ja, title_en, created_at) VALUES "
                                    "(?, ?, ?, ?, ?) RETURNING id",
                                    err);
    if (!st)
        return MM_ERR_IO;
    db_bind_int64(st, 1, fiscal_year);
    db_bind_str(st, 2, code);
    db_bind_str(st, 3, title_ja);
    db_bind_str(st, 4, title_en ? title_en : "");
    db_bind_int64(st, 5, server_now());
    int r = db_step(st, err);
    int64_t nid = r == DB_ROW ? db_column_int64(st, 0) : 0;
    if (r == DB_ROW)
        r = db_step(st, err);
    db_finalize(st);
    if (r != DB_DONE) {
        if (r == MM_ERR_EXISTS)
            mm_error_set(err, MM_ERR_EXISTS, "FY%d has a checklist '%s'", fiscal_year, code);
        return step_status(r);
    }
    char obj[48];
    json_t *d = json_pack("{s:i, s:s}", "fiscal_year", fiscal_year, "code", code);
    rc = audit_append(db, a, "checklist.create", audit_object(obj, sizeof obj, "checklist", nid), a->org_id, d, err);
    json_decref(d);
    if (rc == MM_OK && id)
        *id = nid;
    return rc;
}

enum mm_status obligation_add(struct db *db, const struct actor *a, int64_t checklist_id, const char *subject,
                              const char *item_group, const char *clause, const char *text_ja, const char *text_en,
                              int64_t *id, struct mm_error *err)
{
    if (!actor_can(a, PERM_MANAGE_ORGS, a->path))
        return mm_error_set(err, MM_ERR_DENIED, "checklists are made by administrators");
    if (subject_index(subject) < 0)
        return mm_error_set(err, MM_ERR_INVALID, "subject must be officer, system or staff");
    enum mm_status rc;
    if ((rc = server_text_valid("item_group", item_group, 200, true, err)) != MM_OK ||
        (rc = server_text_valid("clause", clause, 200, false, err)) != MM_OK ||
        (rc = server_prose_valid("text_ja", text_ja, 4000, true, err)) != MM_OK ||
        (rc = server_prose_valid("text_en", text_en, 4000, false, err)) != MM_OK)
        return rc;
    struct db_stmt *st = db_prepare(db,
                                    "INSERT INTO obligations (checklist_id, position, subject, item_group, clause, "
                                    "text_ja, text_en) VALUES (?, (SELECT COALESCE(MAX(position), 0) + 1 FROM "
                                    "obligations WHERE checklist_id = ?), ?, ?, ?, ?, ?) RETURNING id",
                                    err);
    if (!st)
        return MM_ERR_IO;
    db_bind_int64(st, 1, checklist_id);
    db_bind_int64(st, 2, checklist_id);
    db_bind_str(st, 3, subject);
    db_bind_str(st, 4, item_group);
    db_bind_str(st, 5, clause ? clause : "");
    db_bind_str(st, 6, text_ja);
    db_bind_str(st, 7, text_en ? text_en : "");
    int r = db_step(st, err);
    int64_t nid = r == DB_ROW ? db_column_int64(st, 0) : 0;
    if (r == DB_ROW)
        r = db_step(st, err);
    db_finalize(st);
    if (r != DB_DONE)
        return step_status(r);
    if (id)
        *id = nid;
    return MM_OK;
}

enum mm_status campaign_open(struct db *db, const struct actor *a, int64_t org_id, int64_t checklist_id,
                             int64_t opens_at, int64_t closes_at, int64_t *id, size_t *targets, struct mm_error *err)
{
    char path[ORG_PATH_MAX], hi[ORG_PATH_MAX];
    enum mm_status rc = org_path(db, a, org_id, path, sizeof path, err);
    if (rc != MM_OK)
        return rc;
    if (!actor_can(a, PERM_MANAGE_PEOPLE, path))
        return mm_error_set(err, MM_ERR_DENIED, "opening a self-inspection there needs the admin role");
    if (closes_at <= opens_at)
        return mm_error_set(err, MM_ERR_INVALID, "the campaign must close after it opens");
    struct db_stmt *st = db_prepare(db,
                                    "INSERT INTO campaigns (org_id, checklist_id, opens_at, closes_at, created_by, "
                                    "created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                                    err);
    if (!st)
        return MM_ERR_IO;
    db_bind_int64(st, 1, org_id);
    db_bind_int64(st, 2, checklist_id);
    db_bind_int64(st, 3, opens_at);
    db_bind_int64(st, 4, closes_at);
    if (a->person_id)
        db_bind_int64(st, 5, a->person_id);
    db_bind_int64(st, 6, server_now());
    int r = db_step(st, err);
    int64_t cid = r == DB_ROW ? db_column_int64(st, 0) : 0;
    if (r == DB_ROW)
        r = db_step(st, err);
    db_finalize(st);
    if (r != DB_DONE)
        return step_status(r);
    /* the targets: every active or on-leave person of the subtree, with their roles' subject */
    scope_upper(path, hi, sizeof hi);
    st = db_prepare(db,
                    db_dialect(db) == DB_POSTGRES
                        ? "SELECT p.id, p.org_id, p.status, COALESCE((SELECT string_agg(r.role, ',') FROM roles r "
                          "WHERE r.person_id = p.id), '') FROM people p JOIN orgs o ON o.id = p.org_id WHERE o.path "
                          ">= ? AND o.path < ? AND p.status <> 'retired' ORDER BY p.id"
                        : "SELECT p.id, p.org_id, p.status, COALESCE((SELECT group_concat(r.role, ',') FROM roles r "
                          "WHERE r.person_id = p.id), '') FROM people p JOIN orgs o ON o.id = p.org_id WHERE o.path "
                          ">= ? AND o.path < ? AND p.status <> 'retired' ORDER BY p.id",
                    err);
    if (!st)
        return MM_ERR_IO;
    db_bind_str(st, 1, path);
    db_bind_str(st, 2, hi);
    struct db_stmt *ins = db_prepare(db,
                                     "INSERT INTO campaign_targets (campaign_id, person_id, org_id, subject, excluded) "
                                     "VALUES (?, ?, ?, ?, ?)",
                                     err);
    size_t n = 0;
    while (ins && (r = db_step(st, err)) == DB_ROW) {
        uint32_t roles = 0;
        const char *list = db_column_text(st, 3, NULL);
        struct slice item;
        while (mm_list_next(&list, &item)) {
            char code[64];
            snprintf(code, sizeof code, "%.*s", (int)MM_MIN(item.len, sizeof code - 1), item.p);
            int ri = role_index(code);
            if (ri >= 0)
                roles |= 1u << ri;
        }
        db_reset(ins);
        db_bind_int64(ins, 1, cid);
        db_bind_int64(ins, 2, db_column_int64(st, 0));
        db_bind_int64(ins, 3, db_column_int64(st, 1));
        db_bind_str(ins, 4, subject_of_roles(roles));
        db_bind_int64(ins, 5, !strcmp(db_column_text(st, 2, NULL), "leave"));
        int w = db_step(ins, err);
        if (w != DB_DONE) {
            r = w;
            break;
        }
        n++;
    }
    db_finalize(st);
    db_finalize(ins);
    if (!ins)
        return MM_ERR_IO;
    if (r != DB_DONE)
        return step_status(r);
    char obj[48];
    json_t *d = json_pack("{s:I, s:I}", "checklist_id", (json_int_t)checklist_id, "targets", (json_int_t)n);
    rc = audit_append(db, a, "campaign.open", audit_object(obj, sizeof obj, "campaign", cid), org_id, d, err);
    json_decref(d);
    if (rc == MM_OK) {
        if (id)
            *id = cid;
        if (targets)
            *targets = n;
    }
    return rc;
}

enum mm_status answer_put(struct db *db, const struct actor *a, int64_t campaign_id, int64_t obligation_id,
                          const char *answer, const char *reason, int64_t now, struct mm_error *err)
{
    if (!answer || (strcmp(answer, "implemented") && strcmp(answer, "not_implemented") &&
                    strcmp(answer, "not_applicable")))
        return mm_error_set(err, MM_ERR_INVALID, "answer must be implemented, not_implemented or not_applicable");
    enum mm_status rc = server_prose_valid("reason", reason, 2000, false, err);
    if (rc != MM_OK)
        return rc;
    /* the person is a target of this campaign, not excluded; the obligation is of its checklist
     * and their subject; the campaign is open */
    struct db_stmt *st = db_prepare(db,
                                    "SELECT t.excluded, c.opens_at, c.closes_at, (SELECT COUNT(*) FROM obligations b "
                                    "WHERE b.id = ? AND b.checklist_id = c.checklist_id AND b.subject = t.subject) FROM "
                                    "campaign_targets t JOIN campaigns c ON c.id = t.campaign_id WHERE "
                                    "t.campaign_id = ? AND t.person_id = ?",
                                    err);
    if (!st)
        return MM_ERR_IO;
    db_bind_int64(st, 1, obligation_id);
    db_bind_int64(st, 2, campaign_id);
    db_bind_int64(st, 3, a->person_id);
    int r = db_step(st, err);
    int64_t excluded = 0, opens = 0, closes = 0, fits = 0;
    if (r == DB_ROW) {
        excluded = db_column_int64(st, 0);
        opens = db_column_int64(st, 1);
        closes = db_column_int64(st, 2);
        fits = db_column_int64(st, 3);
    }
    db_finalize(st);
    if (r == DB_DONE)
        return mm_error_set(err, MM_ERR_NOT_FOUND, "no self-inspection %lld for you", (long long)campaign_id);
    if (r != DB_ROW)
        return step_status(r);
    if (excluded)
        return mm_error_set(err, MM_ERR_STATE, "you have no duties in this period (excluded)");
    if (now < opens || now >= closes)
        return mm_error_set(err, MM_ERR_STATE, "the self-inspection is not open");
    if (!fits)
        return mm_error_set(err, MM_ERR_NOT_FOUND, "obligation %lld is not one of yours in this checklist",
                            (long long)obligation_id);
    st = db_prepare(db,
                    "INSERT INTO answers (campaign_id, person_id, obligation_id, answer, reason, answered_at) VALUES "
                    "(?, ?, ?, ?, ?, ?) ON CONFLICT (campaign_id, person_id, obligation_id) DO UPDATE SET answer = "
                    "excluded.answer, reason = excluded.reason, answered_at = excluded.answered_at",
                    err);
    if (!st)
        return MM_ERR_IO;
    db_bind_int64(st, 1, campaign_id);
    db_bind_int64(st, 2, a->person_id);
    db_bind_int64(st, 3, obligation_id);
    db_bind_str(st, 4, answer);
    db_bind_str(st, 5, reason ? reason : "");
    db_bind_int64(st, 6, now);
    r = db_step(st, err);
    db_finalize(st);
    return step_status(r);
}

static json_t *rate_json(struct rate r)
{
    char s[16];
    rate_format(r, s, sizeof s);
    return json_pack("{s:I, s:I, s:s}", "num", (json_int_t)r.num, "den", (json_int_t)r.den, "percent", s);
}

json_t *campaign_rates(struct db *db, const struct actor *a, int64_t campaign_id, enum mm_status *rc,
                       struct mm_error *err)
{
    *rc = MM_ERR_IO;
    int64_t org = 0, checklist = 0;
    struct db_stmt *st = db_prepare(db, "SELECT org_id, checklist_id FROM campaigns WHERE id = ?", err);
    if (!st)
        return NULL;
    db_bind_int64(st, 1, campaign_id);
    if (db_step(st, err) == DB_ROW) {
        org = db_column_int64(st, 0);
        checklist = db_column_int64(st, 1);
    }
    db_finalize(st);
    char path[ORG_PATH_MAX];
    if (!org || (*rc = org_path(db, a, org, path, sizeof path, err)) != MM_OK) {
        *rc = mm_error_set(err, MM_ERR_NOT_FOUND, "no self-inspection %lld", (long long)campaign_id);
        return NULL;
    }
    if (!actor_can(a, PERM_READ_PEOPLE, path)) {
        *rc = mm_error_set(err, MM_ERR_DENIED, "the rates need a manager's role there");
        return NULL;
    }
    /* the obligations */
    struct ob {
        int64_t id;
        int subject;
        char group[200];
        struct obligation_count c;
    } *obs = NULL;
    size_t nobs = 0;
    st = db_prepare(db, "SELECT id, subject, item_group FROM obligations WHERE checklist_id = ? ORDER BY position", err);
    if (!st)
        return NULL;
    db_bind_int64(st, 1, checklist);
    int r;
    while ((r = db_step(st, err)) == DB_ROW) {
        obs = mm_reallocarray(obs, nobs + 1, sizeof *obs);
        obs[nobs] = (struct ob){ db_column_int64(st, 0), subject_index(db_column_text(st, 1, NULL)), "", { 0, 0, 0 } };
        snprintf(obs[nobs].group, sizeof obs[nobs].group, "%s", db_column_text(st, 2, NULL));
        nobs++;
    }
    db_finalize(st);
    size_t per_subject[3] = { 0 };
    for (size_t i = 0; i < nobs; i++)
        if (obs[i].subject >= 0)
            per_subject[obs[i].subject]++;
    /* each target: answered every obligation of their subject (a reporter)? carried out all? */
    uint64_t targets[3] = { 0 }, reporters[3] = { 0 }, all_done[3] = { 0 };
    st = db_prepare(db,
                    "SELECT t.subject, COUNT(a.obligation_id), SUM(CASE WHEN a.answer = 'not_implemented' THEN 1 ELSE 0 "
                    "END) FROM campaign_targets t LEFT JOIN answers a ON a.campaign_id = t.campaign_id AND "
                    "a.person_id = t.person_id WHERE t.campaign_id = ? AND t.excluded = 0 GROUP BY t.person_id, "
                    "t.subject",
                    err);
    if (!st) {
        mm_free(obs);
        return NULL;
    }
    db_bind_int64(st, 1, campaign_id);
    while ((r = db_step(st, err)) == DB_ROW) {
        int s = subject_index(db_column_text(st, 0, NULL));
        if (s < 0)
            continue;
        targets[s]++;
        if ((size_t)db_column_int64(st, 1) >= per_subject[s] && per_subject[s]) {
            reporters[s]++;
            all_done[s] += db_column_int64(st, 2) == 0;
        }
    }
    db_finalize(st);
    /* the answers of reporters only, per obligation */
    st = db_prepare(db,
                    "SELECT a.obligation_id, a.answer, COUNT(*) FROM answers a JOIN campaign_targets t ON "
                    "t.campaign_id = a.campaign_id AND t.person_id = a.person_id WHERE a.campaign_id = ? AND "
                    "t.excluded = 0 AND (SELECT COUNT(*) FROM answers x WHERE x.campaign_id = a.campaign_id AND "
                    "x.person_id = a.person_id) >= (SELECT COUNT(*) FROM obligations b WHERE b.checklist_id = ? AND "
                    "b.subject = t.subject) GROUP BY a.obligation_id, a.answer",
                    err);
    if (!st) {
        mm_free(obs);
        return NULL;
    }
    db_bind_int64(st, 1, campaign_id);
    db_bind_int64(st, 2, checklist);
    while ((r = db_step(st, err)) == DB_ROW) {
        int64_t oid = db_column_int64(st, 0);
        const char *ans = db_column_text(st, 1, NULL);
        uint64_t n = (uint64_t)db_column_int64(st, 2);
        for (size_t i = 0; i < nobs; i++) {
            if (obs[i].id != oid)
                continue;
            if (!strcmp(ans, "implemented"))
                obs[i].c.implemented += n;
            else if (!strcmp(ans, "not_implemented"))
                obs[i].c.not_implemented += n;
            else
                obs[i].c.not_applicable += n;
        }
    }
    db_finalize(st);
    if (r != DB_DONE) {
        mm_free(obs);
        return NULL;
    }
    json_t *by_subject = json_object(), *by_obligation = json_array(), *by_group = json_object();
    struct obligation_count *cs = mm_calloc(nobs ? nobs : 1, sizeof *cs);
    uint64_t t_all = 0, r_all = 0, d_all = 0;
    for (int s = 0; s < 3; s++) {
        size_t k = 0;
        for (size_t i = 0; i < nobs; i++)
            if (obs[i].subject == s)
                cs[k++] = obs[i].c;
        struct rate cov = rate_coverage(reporters[s], targets[s]), imp = rate_implementation_pooled(cs, k);
        json_object_set_new(by_subject, subjects[s],
                            json_pack("{s:I, s:o, s:o, s:o, s:{s:o, s:o, s:o}, s:s#, s:s#}", "obligations",
                                      (json_int_t)k, "coverage", rate_json(cov), "implementation", rate_json(imp),
                                      "all_measures", rate_json(rate_all_measures(all_done[s], reporters[s])),
                                      "attainment", "100", rate_json(rate_attainment(cs, k, 1000)), "95",
                                      rate_json(rate_attainment(cs, k, 950)), "90",
                                      rate_json(rate_attainment(cs, k, 900)), "grade_coverage",
                                      (char[]){ grade_of(cov), 0 }, (size_t)1, "grade_implementation",
                                      (char[]){ grade_of(imp), 0 }, (size_t)1));
        t_all += targets[s];
        r_all += reporters[s];
        d_all += all_done[s];
    }
    for (size_t i = 0; i < nobs; i++) {
        cs[i] = obs[i].c;
        json_array_append_new(by_obligation, json_pack("{s:I, s:s, s:s, s:o}", "id", (json_int_t)obs[i].id, "subject",
                                                       obs[i].subject >= 0 ? subjects[obs[i].subject] : "?",
                                                       "item_group", obs[i].group, "implementation",
                                                       rate_json(rate_obligation(&obs[i].c))));
        json_t *g = json_object_get(by_group, obs[i].group);
        struct obligation_count sum = { 0, 0, 0 };
        if (g) {
            sum.implemented = (uint64_t)json_integer_value(json_object_get(json_object_get(g, "implementation"), "num"));
            uint64_t den = (uint64_t)json_integer_value(json_object_get(json_object_get(g, "implementation"), "den"));
            sum.not_implemented = den - sum.implemented;
        }
        sum.implemented += obs[i].c.implemented;
        sum.not_implemented += obs[i].c.not_implemented;
        json_object_set_new(by_group, obs[i].group, json_pack("{s:o}", "implementation", rate_json(rate_obligation(&sum))));
    }
    struct rate cov = rate_coverage(r_all, t_all), imp = rate_implementation_pooled(cs, nobs);
    json_t *out = json_pack("{s:I, s:o, s:o, s:o, s:o, s:s#, s:s#, s:o, s:o, s:o}", "campaign_id",
                            (json_int_t)campaign_id, "coverage", rate_json(cov), "implementation", rate_json(imp),
                            "all_measures", rate_json(rate_all_measures(d_all, r_all)), "attainment_100",
                            rate_json(rate_attainment(cs, nobs, 1000)), "grade_coverage", (char[]){ grade_of(cov), 0 },
                            (size_t)1, "grade_implementation", (char[]){ grade_of(imp), 0 }, (size_t)1, "subjects",
                            by_subject, "item_groups", by_group, "obligations", by_obligation);
    mm_free(cs);
    mm_free(obs);
    *rc = MM_OK;
    return out;
}
