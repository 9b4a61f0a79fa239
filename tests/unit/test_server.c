/* SPDX-License-Identifier: Apache-2.0 */
/* test_server.c: the server's model on a real database: migrations, the organisation tree,
 * people and roles, the subtree rule (a member never sees or changes another member's data),
 * permissions, the hash-chained audit trail and the CSV imports. Runs on SQLite always and on
 * PostgreSQL too when MAMORI_TEST_PG names a database (tests/db/backends.sh starts one). */
#include "unit.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "server/server.h"
#include "programme/selfcheck.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int64_t mk_org(struct db *db, const struct actor *a, int64_t parent, const char *kind, const char *code,
                      const char *ja)
{
    struct org_input in = { parent, kind, code, ja, "", 0 };
    int64_t id = 0;
    struct mm_error err = { "" };
    if (db_begin(db, &err) != MM_OK)
        return 0;
    enum mm_status rc = org_create(db, a, &in, &id, &err);
    if (rc == MM_OK)
        rc = db_commit(db, &err);
    else
        db_rollback(db);
    if (rc != MM_OK)
        printf("# org_create %s: %s\n", code, err.msg);
    return rc == MM_OK ? id : 0;
}

static int64_t mk_person(struct db *db, const struct actor *a, int64_t org, const char *login, const char *role)
{
    struct person_input in = { org, login, login, "", "", NULL, NULL };
    int64_t id = 0;
    struct mm_error err = { "" };
    db_begin(db, &err);
    enum mm_status rc = person_create(db, a, &in, &id, &err);
    if (rc == MM_OK && role)
        rc = person_role(db, a, id, org, role, true, &err);
    if (rc == MM_OK)
        rc = db_commit(db, &err);
    else
        db_rollback(db);
    if (rc != MM_OK)
        printf("# person %s: %s\n", login, err.msg);
    return rc == MM_OK ? id : 0;
}

static size_t count_rows(struct db *db, const char *sql)
{
    struct db_stmt *st = db_prepare(db, sql, NULL);
    size_t n = st && db_step(st, NULL) == DB_ROW ? (size_t)db_column_int64(st, 0) : (size_t)-1;
    db_finalize(st);
    return n;
}

static bool has_org_code(json_t *list, const char *code)
{
    size_t i;
    json_t *o;
    json_array_foreach(list, i, o)
    {
        if (!strcmp(json_string_value(json_object_get(o, "code")), code))
            return true;
    }
    return false;
}

static void suite(const char *url)
{
    printf("# backend: %s\n", url);
    struct mm_error err = { "" };
    struct db *db = db_open(url, &err);
    CHECK(db != NULL);
    if (!db) {
        printf("# %s\n", err.msg);
        return;
    }
    size_t nm;
    const struct db_migration *m = server_migrations(&nm);
    int applied = -1;
    CHECK(db_migrate(db, m, nm, &applied, &err) == MM_OK);
    CHECK(applied == (int)nm);
    CHECK(db_migrate(db, m, nm, &applied, &err) == MM_OK && applied == 0); /* idempotent */
    CHECK(db_schema_version(db, &err) == m[nm - 1].version);
    /* a database from a newer program is refused, not "migrated" */
    db_exec(db, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 0)", &err);
    CHECK(db_migrate(db, m, nm, &applied, &err) == MM_ERR_STATE && strstr(err.msg, "newer"));
    db_exec(db, "DELETE FROM schema_migrations WHERE version = 999", &err);

    struct actor sys;
    actor_system(&sys);
    int64_t nisc = mk_org(db, &sys, 0, "centre", "nisc", "内閣サイバーセキュリティセンター");
    int64_t mof = mk_org(db, &sys, nisc, "member", "mof", "財務省");
    int64_t mof_b = mk_org(db, &sys, mof, "bureau", "mof-kanbo", "大臣官房");
    int64_t mext = mk_org(db, &sys, nisc, "member", "mext", "文部科学省");
    int64_t mext_b = mk_org(db, &sys, mext, "bureau", "mext-kanbo", "大臣官房");
    CHECK(nisc && mof && mof_b && mext && mext_b);
    CHECK(mk_org(db, &sys, nisc, "member", "mof", "dup") == 0); /* codes are unique */

    int64_t centre_admin = mk_person(db, &sys, nisc, "admin", "admin");
    int64_t mof_admin = mk_person(db, &sys, mof, "mof-admin", "admin");
    int64_t mof_staff = mk_person(db, &sys, mof_b, "mof-staff", "staff");
    int64_t mof_b2 = mk_person(db, &sys, mof_b, "mof-b2", "staff");
    int64_t mext_admin = mk_person(db, &sys, mext, "mext-admin", "admin");
    int64_t mext_staff = mk_person(db, &sys, mext_b, "mext-staff", NULL);
    CHECK(centre_admin && mof_admin && mof_staff && mof_b2 && mext_admin && mext_staff);

    struct actor ca, ma, ms;
    CHECK(actor_load(db, centre_admin, &ca, &err) == MM_OK);
    CHECK(actor_load(db, mof_admin, &ma, &err) == MM_OK);
    CHECK(actor_load(db, mof_staff, &ms, &err) == MM_OK);

    /* the centre sees every organisation, a member only its subtree */
    json_t *l = org_list(db, &ca, &err);
    CHECK(l && json_array_size(l) == 5);
    json_decref(l);
    l = org_list(db, &ma, &err);
    CHECK(l && json_array_size(l) == 2 && has_org_code(l, "mof") && has_org_code(l, "mof-kanbo") &&
          !has_org_code(l, "mext"));
    json_decref(l);
    enum mm_status rc;
    json_t *o = org_get(db, &ma, mext, &rc, &err);
    CHECK(!o && rc == MM_ERR_NOT_FOUND); /* not "forbidden": its existence does not leak */
    o = org_get(db, &ma, mof_b, &rc, &err);
    CHECK(o && rc == MM_OK);
    json_decref(o);
    CHECK(org_id_by_code(db, &ma, "mext") == 0 && org_id_by_code(db, &ma, "mof-kanbo") == mof_b);

    /* a member's administrator cannot create, read or change anything of another member */
    CHECK(mk_person(db, &ma, mext, "intruder", NULL) == 0);
    o = person_get(db, &ma, mext_staff, &rc, &err);
    CHECK(!o && rc == MM_ERR_NOT_FOUND);
    CHECK(person_role(db, &ma, mext_staff, mext, "admin", true, &err) == MM_ERR_NOT_FOUND);
    CHECK(person_role(db, &ma, mof_staff, mext, "admin", true, &err) == MM_ERR_NOT_FOUND);
    struct person_input up = { 0, NULL, "renamed", NULL, NULL, NULL, NULL };
    CHECK(person_update(db, &ma, mext_staff, &up, &err) == MM_ERR_NOT_FOUND);
    CHECK(org_update(db, &ma, mext, "x", NULL, NULL, &err) == MM_ERR_NOT_FOUND);
    struct org_input oin = { mext, "bureau", "evil", "x", "", 0 };
    CHECK(org_create(db, &ma, &oin, NULL, &err) == MM_ERR_NOT_FOUND);
    struct person_query pq = { .limit = 100 };
    json_t *pl = person_list(db, &ma, &pq, &rc, &err);
    CHECK(pl && json_array_size(json_object_get(pl, "people")) == 3); /* mof-admin, mof-staff, mof-b2 */
    json_decref(pl);
    pq.org_id = mext;
    pl = person_list(db, &ma, &pq, &rc, &err);
    CHECK(!pl); /* the other member's subtree is not found */
    pq.org_id = 0;
    pl = person_list(db, &ca, &pq, &rc, &err);
    CHECK(pl && json_array_size(json_object_get(pl, "people")) == 6);
    json_decref(pl);

    /* staff: see themselves, not the directory, change nothing but their language */
    o = person_get(db, &ms, mof_staff, &rc, &err);
    CHECK(o && rc == MM_OK && json_array_size(json_object_get(o, "roles")) == 1);
    json_decref(o);
    o = person_get(db, &ms, mof_b2, &rc, &err); /* a colleague of the same bureau */
    CHECK(!o && rc == MM_ERR_DENIED);
    o = person_get(db, &ms, mof_admin, &rc, &err); /* the same member: in scope, not permitted */
    CHECK(!o && rc == MM_ERR_DENIED);
    o = person_get(db, &ms, mext_staff, &rc, &err); /* another member: not found */
    CHECK(!o && rc == MM_ERR_NOT_FOUND);
    CHECK(person_list(db, &ms, &pq, &rc, &err) == NULL);
    struct person_input lang = { 0, NULL, NULL, NULL, NULL, NULL, "en" };
    CHECK(person_update(db, &ms, mof_staff, &lang, &err) == MM_OK);
    CHECK(person_update(db, &ms, mof_staff, &up, &err) == MM_ERR_DENIED);
    CHECK(!actor_can(&ms, PERM_MANAGE_PEOPLE, ms.path) && actor_can(&ma, PERM_MANAGE_PEOPLE, ms.path));
    CHECK(!actor_can(&ma, PERM_MANAGE_PEOPLE, "/1/999/"));

    /* text is stored as given: an SQL injection attempt is just a name */
    const char *evil = "Robert'); DROP TABLE people;-- <script>alert(1)</script>";
    struct person_input ev = { 0, NULL, evil, NULL, NULL, NULL, NULL };
    CHECK(person_update(db, &ma, mof_staff, &ev, &err) == MM_OK);
    o = person_get(db, &ma, mof_staff, &rc, &err);
    CHECK(o && !strcmp(json_string_value(json_object_get(o, "name")), evil));
    json_decref(o);
    CHECK(count_rows(db, "SELECT COUNT(*) FROM people") == 6);
    /* search: % and _ are literal */
    pq = (struct person_query){ .q = "DROP TABLE", .limit = 10 };
    pl = person_list(db, &ma, &pq, &rc, &err);
    CHECK(pl && json_array_size(json_object_get(pl, "people")) == 1);
    json_decref(pl);
    struct person_input jname = { 0, NULL, "山田 花子", NULL, NULL, NULL, NULL };
    CHECK(person_update(db, &ma, mof_b2, &jname, &err) == MM_OK);
    static const char *const finds[] = { "山田", "山田 花", "田 花子", "mof-b", "MOF-B2" }; /* short, long, any case */
    for (size_t k = 0; k < MM_ARRAY_LEN(finds); k++) {
        pq.q = finds[k];
        pl = person_list(db, &ma, &pq, &rc, &err);
        CHECK(pl && json_array_size(json_object_get(pl, "people")) == 1);
        json_decref(pl);
    }
    pq.q = "%";
    pl = person_list(db, &ma, &pq, &rc, &err);
    CHECK(pl && json_array_size(json_object_get(pl, "people")) == 0);
    json_decref(pl);
    struct person_input badname = { 0, NULL, "a\x01b", NULL, NULL, NULL, NULL };
    CHECK(person_update(db, &ma, mof_staff, &badname, &err) == MM_ERR_INVALID && strstr(err.msg, "name"));

    /* imports: organisations (a parent defined further down), then people with roles */
    const char *orgs_csv = "code,parent_code,kind,name_ja,name_en\n"
                           "mof-kanbo-div1,mof-kanbo2,division,文書課,Documents Division\n"
                           "mof-kanbo2,mof,bureau,主計局,Budget Bureau\n";
    struct import_stats is;
    CHECK(import_orgs_csv(db, &ma, orgs_csv, strlen(orgs_csv), &is, &err) == MM_OK);
    CHECK(is.rows == 2 && is.created == 2);
    const char *bad_orgs = "code,parent_code,kind,name_ja\nx1,mext,bureau,外\n";
    CHECK(import_orgs_csv(db, &ma, bad_orgs, strlen(bad_orgs), &is, &err) == MM_ERR_NOT_FOUND &&
          strstr(err.msg, "line 2"));
    struct buf csv;
    buf_init(&csv, BUF_NO_MAX);
    buf_append_str(&csv, "login,org_code,name,email,staff_no,status,roles\n");
    for (int i = 0; i < 2000; i++)
        buf_printf(&csv, "u%04d,%s,\"職員 %d, 財務\",u%04d@mof.example,%d,%s,%s\n", i,
                   i % 2 ? "mof-kanbo-div1" : "mof-kanbo", i, i, i, i % 50 ? "active" : "leave",
                   i == 7 ? "staff;security_manager@mof-kanbo-div1" : "staff");
    CHECK(import_people_csv(db, &ma, csv.data, csv.len, &is, &err) == MM_OK);
    if (err.msg[0])
        printf("# import: %s\n", err.msg);
    CHECK(is.rows == 2000 && is.created == 2000 && is.updated == 0);
    CHECK(count_rows(db, "SELECT COUNT(*) FROM people") == 2006);
    CHECK(count_rows(db, "SELECT COUNT(*) FROM people WHERE status = 'leave'") == 40);
    CHECK(count_rows(db, "SELECT COUNT(*) FROM roles WHERE role = 'security_manager'") == 1);
    CHECK(import_people_csv(db, &ma, csv.data, csv.len, &is, &err) == MM_OK && is.updated == 2000 && !is.created);
    /* one bad row (an organisation of another member) and nothing of the file is kept */
    buf_printf(&csv, "late,mext-kanbo,x,,,active,staff\n");
    buf_printf(&csv, "later,mof-kanbo,y,,,active,staff\n");
    CHECK(import_people_csv(db, &ma, csv.data, csv.len, &is, &err) == MM_ERR_NOT_FOUND);
    CHECK(strstr(err.msg, "line 2002") != NULL);
    CHECK(count_rows(db, "SELECT COUNT(*) FROM people WHERE login IN ('late', 'later')") == 0);
    buf_release(&csv);
    /* a login twice in one file: made by its first row, changed by its second */
    const char *twice = "login,org_code,name,roles\ndup1,mof-kanbo,First,staff\ndup1,mof-kanbo,Second,csirt\n";
    CHECK(import_people_csv(db, &ma, twice, strlen(twice), &is, &err) == MM_OK && is.created == 1 && is.updated == 1);
    CHECK(count_rows(db, "SELECT COUNT(*) FROM people WHERE login = 'dup1' AND name = 'Second'") == 1);
    CHECK(count_rows(db, "SELECT COUNT(*) FROM roles r JOIN people p ON p.id = r.person_id WHERE p.login = 'dup1'") == 1);
    db_exec(db, "DELETE FROM roles WHERE person_id = (SELECT id FROM people WHERE login = 'dup1'); DELETE FROM people WHERE login = 'dup1'", &err);
    /* keyset paging through the directory */
    pq = (struct person_query){ .limit = 500 };
    size_t seen = 0, pages = 0;
    for (;;) {
        pl = person_list(db, &ma, &pq, &rc, &err);
        if (!pl)
            break;
        seen += json_array_size(json_object_get(pl, "people"));
        pages++;
        json_t *next = json_object_get(pl, "next_after");
        bool more = json_is_integer(next);
        pq.after_id = more ? json_integer_value(next) : 0;
        json_decref(pl);
        if (!more)
            break;
    }
    CHECK(seen == 2003 && pages == 5);

    /* alerts: the kept counts per fiscal year follow every change, and agree with a recount */
    struct actor sensor;
    memset(&sensor, 0, sizeof sensor);
    sensor.org_id = mof_b;
    snprintf(sensor.path, sizeof sensor.path, "/1/%lld/", (long long)mof);
    snprintf(sensor.label, sizeof sensor.label, "sensor:0");
    static const struct {
        const char *uid, *first;
        int version, count;
    } ins[] = {
        { "aaaaaaaa-0000-4000-8000-000000000001", "2026-03-31T14:59:59Z", 1, 3 }, /* 23:59:59 JST: FY2025 */
        { "aaaaaaaa-0000-4000-8000-000000000002", "2026-03-31T15:00:00Z", 1, 5 }, /* 00:00 JST 1 April: FY2026 */
        { "aaaaaaaa-0000-4000-8000-000000000002", "2026-03-31T15:00:00Z", 2, 8 }, /* a newer version */
        { "aaaaaaaa-0000-4000-8000-000000000002", "2026-03-31T15:00:00Z", 1, 5 }, /* an older one: ignored */
        { "aaaaaaaa-0000-4000-8000-000000000003", "2026-11-20T00:00:00Z", 1, 2 },
    };
    for (size_t i = 0; i < MM_ARRAY_LEN(ins); i++) {
        json_t *al = json_pack("{s:s, s:i, s:s, s:{s:s, s:s}, s:s, s:s, s:s, s:s, s:i}", "id", ins[i].uid, "version",
                               ins[i].version, "source", "sigma", "rule", "id", "r1", "title", "Rule one", "level",
                               "high", "title", "Rule one", "first_seen", ins[i].first, "last_seen", ins[i].first,
                               "count", ins[i].count);
        int outcome = -1;
        db_begin(db, &err);
        CHECK(alert_ingest(db, &sensor, al, &outcome, &err) == MM_OK);
        CHECK(outcome == (i == 2 ? 2 : i == 3 ? 0 : 1));
        db_commit(db, &err);
        json_decref(al);
    }
    struct actor an;
    CHECK(actor_load(db, mk_person(db, &sys, nisc, "analyst-1", "analyst"), &an, &err) == MM_OK);
    struct alert_query aq = { .limit = 10 };
    CHECK(alert_list(db, &ca, &aq, &rc, &err) == NULL && rc == MM_ERR_DENIED); /* the administrator does not read alerts */
    json_t *alist = alert_list(db, &an, &aq, &rc, &err);
    int64_t fp_id = 0, tp_id = 0;
    if (alist) {
        fp_id = json_integer_value(json_object_get(json_array_get(json_object_get(alist, "alerts"), 0), "id"));
        tp_id = json_integer_value(json_object_get(json_array_get(json_object_get(alist, "alerts"), 1), "id"));
    }
    json_decref(alist);
    db_begin(db, &err);
    CHECK(alert_triage(db, &an, fp_id, "false_positive", "backup traffic", &err) == MM_OK); /* the FY2026 2-event one */
    CHECK(alert_merge(db, &an, tp_id, fp_id + 99999, &err) == MM_ERR_NOT_FOUND);
    db_commit(db, &err);
    json_t *fy = stats_fiscal_years(db, &an, &rc, &err);
    char *before = fy ? json_dumps(fy, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    CHECK(before && !strcmp(before, "{\"fiscal_years\":[{\"alerts\":1,\"fiscal_year\":2025,\"notifications\":0,"
                                    "\"threats\":3},{\"alerts\":2,\"fiscal_year\":2026,\"notifications\":0,"
                                    "\"threats\":8}]}"));
    if (before && !strstr(before, "\"threats\":8"))
        printf("# %s\n", before);
    json_decref(fy);
    int64_t counted = 0;
    db_begin(db, &err);
    CHECK(alert_counts_rebuild(db, &counted, &err) == MM_OK && counted == 3);
    db_commit(db, &err);
    fy = stats_fiscal_years(db, &an, &rc, &err);
    char *after = fy ? json_dumps(fy, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    CHECK(before && after && !strcmp(before, after)); /* kept counts = recounted counts */
    free(before);
    free(after);
    json_decref(fy);
    struct actor mx;
    CHECK(actor_load(db, mext_admin, &mx, &err) == MM_OK);
    CHECK(stats_fiscal_years(db, &mx, &rc, &err) == NULL && rc == MM_ERR_DENIED);

    /* self-inspection: a checklist, a campaign in a bureau, answers, the rates */
    int64_t test_org = mk_org(db, &sys, mof, "bureau", "mof-test", "試験局");
    int64_t p_off = mk_person(db, &sys, test_org, "t-officer", "security_manager");
    int64_t p_staff = mk_person(db, &sys, test_org, "t-staff", "staff");
    int64_t p_leave = mk_person(db, &sys, test_org, "t-leave", "staff");
    struct person_input leave = { 0, NULL, NULL, NULL, NULL, "leave", NULL };
    CHECK(person_update(db, &ma, p_leave, &leave, &err) == MM_OK);
    int64_t cl = 0, o1 = 0, o2 = 0, o3 = 0, camp = 0;
    size_t ntargets = 0;
    db_begin(db, &err);
    CHECK(checklist_create(db, &ca, 2026, "nisc-2026", "令和8年度 自己点検票", "FY2026 self-inspection", &cl, &err) == MM_OK);
    CHECK(obligation_add(db, &ca, cl, "officer", "情報の作成と入手", "第3条", "格付を表示している", "", &o1, &err) == MM_OK);
    CHECK(obligation_add(db, &ca, cl, "officer", "情報の利用", "第4条", "取扱制限を守っている", "", &o2, &err) == MM_OK);
    CHECK(obligation_add(db, &ca, cl, "staff", "主体認証情報管理", "第15条", "パスワードを他人に教えていない", "", &o3,
                         &err) == MM_OK);
    CHECK(obligation_add(db, &ms, cl, "staff", "x", "", "x", "", NULL, &err) == MM_ERR_DENIED);
    int64_t now = server_now();
    CHECK(campaign_open(db, &ma, test_org, cl, now - 10, now + 86400, &camp, &ntargets, &err) == MM_OK);
    CHECK(campaign_open(db, &ma, mext, cl, now - 10, now + 86400, NULL, NULL, &err) == MM_ERR_NOT_FOUND);
    db_commit(db, &err);
    CHECK(ntargets == 3);
    struct actor aoff, astaff, aleave;
    CHECK(actor_load(db, p_off, &aoff, &err) == MM_OK && actor_load(db, p_staff, &astaff, &err) == MM_OK &&
          actor_load(db, p_leave, &aleave, &err) == MM_OK);
    CHECK(!strcmp(selfcheck_subject(&aoff), "officer") && !strcmp(selfcheck_subject(&astaff), "staff"));
    CHECK(answer_put(db, &aoff, camp, o1, "implemented", NULL, now, &err) == MM_OK);
    CHECK(answer_put(db, &aoff, camp, o2, "not_applicable", "該当なし", now, &err) == MM_OK);
    CHECK(answer_put(db, &aoff, camp, o2, "implemented", NULL, now, &err) == MM_OK); /* changed: the last counts */
    CHECK(answer_put(db, &astaff, camp, o3, "not_implemented", "付箋に書いていた", now, &err) == MM_OK);
    CHECK(answer_put(db, &astaff, camp, o1, "implemented", NULL, now, &err) == MM_ERR_NOT_FOUND); /* not a staff duty */
    CHECK(answer_put(db, &aleave, camp, o3, "implemented", NULL, now, &err) == MM_ERR_STATE);    /* excluded */
    CHECK(answer_put(db, &astaff, camp, o3, "implemented", NULL, now + 90000, &err) == MM_ERR_STATE); /* closed */
    CHECK(answer_put(db, &astaff, camp, o3, "maybe", NULL, now, &err) == MM_ERR_INVALID);
    json_t *rates = campaign_rates(db, &ma, camp, &rc, &err);
    char *rj = rates ? json_dumps(rates, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    CHECK(rates && json_integer_value(json_object_get(json_object_get(rates, "coverage"), "num")) == 2 &&
          json_integer_value(json_object_get(json_object_get(rates, "coverage"), "den")) == 2); /* t-leave excluded */
    CHECK(rates && !strcmp(json_string_value(json_object_get(json_object_get(rates, "implementation"), "percent")), "66.7"));
    CHECK(rates && !strcmp(json_string_value(json_object_get(rates, "grade_implementation")), "C"));
    json_t *officer = rates ? json_object_get(json_object_get(rates, "subjects"), "officer") : NULL;
    CHECK(officer && !strcmp(json_string_value(json_object_get(officer, "grade_implementation")), "A"));
    CHECK(officer && !strcmp(json_string_value(json_object_get(json_object_get(json_object_get(officer, "attainment"),
                                                                              "100"), "percent")), "100.0"));
    json_t *st_ = rates ? json_object_get(json_object_get(rates, "subjects"), "staff") : NULL;
    CHECK(st_ && !strcmp(json_string_value(json_object_get(st_, "grade_implementation")), "D") &&
          !strcmp(json_string_value(json_object_get(json_object_get(st_, "all_measures"), "percent")), "0.0"));
    if (!rates || !officer)
        printf("# rates: %s %s\n", err.msg, rj ? rj : "");
    free(rj);
    json_decref(rates);
    struct actor mxa;
    CHECK(actor_load(db, mext_admin, &mxa, &err) == MM_OK);
    CHECK(campaign_rates(db, &mxa, camp, &rc, &err) == NULL && rc == MM_ERR_NOT_FOUND);
    CHECK(campaign_rates(db, &astaff, camp, &rc, &err) == NULL && rc == MM_ERR_DENIED);

    /* the audit trail: intact, then broken where a record was changed */
    int64_t count = 0, bad = 0;
    CHECK(audit_verify(db, &count, &bad, &err) == MM_OK && count >= 15);
    json_t *al = audit_list(db, &ma, 0, 1000, &err); /* a member's records only */
    CHECK(al && json_array_size(json_object_get(al, "records")) > 0);
    size_t ai;
    json_t *rec;
    bool foreign = false;
    json_array_foreach(json_object_get(al, "records"), ai, rec)
    {
        int64_t org = json_integer_value(json_object_get(rec, "org_id"));
        foreign |= org == mext || org == mext_b || org == nisc || org == 0;
    }
    CHECK(!foreign);
    json_decref(al);
    CHECK(audit_list(db, &ms, 0, 10, &err) == NULL); /* staff: not at all */
    al = audit_list(db, &ca, 0, 1000, &err);
    CHECK(al && json_array_size(json_object_get(al, "records")) == (size_t)count);
    json_decref(al);
    db_exec(db, "UPDATE audit SET actor = 'person:999' WHERE id = 3", &err);
    CHECK(audit_verify(db, &count, &bad, &err) == MM_ERR_PARSE && bad == 3 && count == 2);
    db_close(db);
}

int main(void)
{
    char path[] = "/tmp/mamori-test-server-XXXXXX";
    int fd = mkstemp(path);
    if (fd >= 0)
        close(fd);
    unlink(path);
    char url[256];
    snprintf(url, sizeof url, "sqlite:%s", path);
    suite(url);
    unlink(path);
    char side[300];
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    const char *pg = getenv("MAMORI_TEST_PG");
    if (pg && *pg)
        suite(pg);
    return UNIT_DONE();
}
