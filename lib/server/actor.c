/* SPDX-License-Identifier: Apache-2.0 */
/* actor.c: roles, permissions and scope: who a request acts as and what it may see and do. */
#include "base/prelude.h"
#include "base/alloc.h"
#include "base/mtime.h"
#include "server/server.h"
#include "server/internal.h"
#include "base/str.h"

#include <stdio.h>
#include <string.h>

const struct role_info server_roles[] = {
    { "ciso", "最高情報セキュリティ責任者", "Chief Information Security Officer", true },
    { "general_security_manager", "統括情報セキュリティ責任者", "General information-security manager", true },
    { "security_manager", "情報セキュリティ責任者", "Information-security manager", false },
    { "division_security_manager", "課室情報セキュリティ責任者", "Division information-security manager", false },
    { "area_security_manager", "区域情報セキュリティ責任者", "Area information-security manager", false },
    { "incident_manager", "障害・事故等に対応する責任者", "Incident-response manager", true },
    { "system_security_officer", "情報システムセキュリティ責任者", "System security officer", false },
    { "audit_officer", "情報セキュリティ監査責任者", "Audit officer", true },
    { "csirt", "CSIRT要員", "CSIRT member", true },
    { "poc", "CSIRT窓口", "CSIRT point of contact", true },
    { "analyst", "監視・分析担当", "Monitoring analyst", true },
    { "admin", "システム管理者", "Platform administrator", false },
    { "staff", "行政事務従事者", "Staff", false },
};
const size_t server_nroles = MM_ARRAY_LEN(server_roles);

int role_index(const char *code)
{
    for (size_t i = 0; code && i < server_nroles; i++)
        if (!strcmp(server_roles[i].code, code))
            return (int)i;
    return -1;
}

#define R(code) (1u << role_bit_##code)
enum {
    role_bit_ciso,
    role_bit_general_security_manager,
    role_bit_security_manager,
    role_bit_division_security_manager,
    role_bit_area_security_manager,
    role_bit_incident_manager,
    role_bit_system_security_officer,
    role_bit_audit_officer,
    role_bit_csirt,
    role_bit_poc,
    role_bit_analyst,
    role_bit_admin,
    role_bit_staff,
};

/* Which roles grant each permission. Managers read the directory of their organisations; only
 * the platform's administrators change it; the centre's analysts judge alerts and notify; the
 * member's CSIRT and its point of contact acknowledge. */
static const struct {
    const char *name;
    uint32_t roles;
} perms[PERM_COUNT] = {
    [PERM_READ_PEOPLE] = { "read_people", R(ciso) | R(general_security_manager) | R(security_manager) |
                                              R(division_security_manager) | R(audit_officer) | R(admin) |
                                              R(analyst) | R(csirt) | R(poc) },
    [PERM_MANAGE_ORGS] = { "manage_orgs", R(admin) },
    [PERM_MANAGE_PEOPLE] = { "manage_people", R(admin) },
    [PERM_READ_ALERTS] = { "read_alerts", R(analyst) | R(csirt) | R(poc) | R(ciso) | R(general_security_manager) |
                                              R(security_manager) | R(incident_manager) | R(audit_officer) },
    [PERM_TRIAGE] = { "triage", R(analyst) },
    [PERM_NOTIFY] = { "notify", R(analyst) },
    [PERM_ACK] = { "acknowledge", R(csirt) | R(poc) | R(incident_manager) },
    [PERM_READ_AUDIT] = { "read_audit", R(admin) | R(audit_officer) | R(ciso) },
    [PERM_MANAGE_SENSORS] = { "manage_sensors", R(admin) },
};

const char *perm_name(enum perm p)
{
    return p < PERM_COUNT ? perms[p].name : "?";
}

static bool path_within(const char *path, const char *root)
{
    return !strncmp(path, root, strlen(root));
}

bool actor_can(const struct actor *a, enum perm p, const char *org_path)
{
    if (p >= PERM_COUNT || !org_path || !path_within(org_path, a->path))
        return false;
    if (!a->person_id && !a->sensor_id)
        return true; /* the system */
    for (size_t i = 0; i < a->ngrants; i++)
        if ((a->grants[i].roles & perms[p].roles) && path_within(org_path, a->grants[i].path))
            return true;
    return false;
}

bool actor_has_role(const struct actor *a, const char *code)
{
    int r = role_index(code);
    for (size_t i = 0; r >= 0 && i < a->ngrants; i++)
        if (a->grants[i].roles & (1u << r))
            return true;
    return false;
}

json_t *actor_json(const struct actor *a)
{
    json_t *o = json_object();
    for (int p = 0; p < PERM_COUNT; p++)
        json_object_set_new(o, perms[p].name, json_boolean(actor_can(a, (enum perm)p, a->path)));
    return o;
}

void actor_system(struct actor *a)
{
    memset(a, 0, sizeof *a);
    snprintf(a->path, sizeof a->path, "/");
    snprintf(a->label, sizeof a->label, "system");
    snprintf(a->org_kind, sizeof a->org_kind, "centre");
}

static void copy_text(char *dst, size_t n, struct db_stmt *st, unsigned col)
{
    size_t len;
    const char *s = db_column_text(st, col, &len);
    snprintf(dst, n, "%.*s", (int)MM_MIN(len, n - 1), s);
}

enum mm_status actor_load(struct db *db, int64_t person_id, struct actor *a, struct mm_error *err)
{
    memset(a, 0, sizeof *a);
    enum mm_status rc = MM_ERR_NOT_FOUND;
    struct db_stmt *st = db_prepare(db,
                                    "SELECT p.org_id, o.path, o.kind FROM people p JOIN orgs o ON o.id = p.org_id "
                                    "WHERE p.id = ? AND p.status <> 'retired'",
                                    err);
    if (!st)
        return MM_ERR_IO;
    db_bind_int64(st, 1, person_id);
    int r = db_step(st, err);
    if (r == DB_ROW) {
        a->person_id = person_id;
        a->org_id = db_column_int64(st, 0);
        copy_text(a->path, sizeof a->path, st, 1);
        copy_text(a->org_kind, sizeof a->org_kind, st, 2);
        snprintf(a->label, sizeof a->label, "person:%lld", (long long)person_id);
        rc = MM_OK;
    } else if (r < 0 || r > DB_ROW) {
        rc = (enum mm_status)r;
    } else {
        mm_error_set(err, MM_ERR_NOT_FOUND, "no active person %lld", (long long)person_id);
    }
    db_finalize(st);
    if (rc != MM_OK)
        return rc;
    /* the scope: the organisation the person's home belongs to (the nearest centre, member, agency
     * or company at or above it), so a bureau's people see their ministry and GSOC's the centre */
    st = db_prepare(db,
                    "SELECT path, kind FROM orgs WHERE kind IN ('centre', 'member', 'agency', 'company') AND "
                    "path <= ? AND substr(?, 1, length(path)) = path ORDER BY length(path) DESC LIMIT 1",
                    err);
    if (!st)
        return MM_ERR_IO;
    db_bind_str(st, 1, a->path);
    db_bind_str(st, 2, a->path);
    if ((r = db_step(st, err)) == DB_ROW) {
        copy_text(a->path, sizeof a->path, st, 0);
        copy_text(a->org_kind, sizeof a->org_kind, st, 1);
    }
    db_finalize(st);
    if (r != DB_ROW && r != DB_DONE)
        return (enum mm_status)r;
    /* grants: only those inside the home subtree count (a role given elsewhere is inert) */
    st = db_prepare(db, "SELECT o.path, r.role FROM roles r JOIN orgs o ON o.id = r.org_id WHERE r.person_id = ? "
                        "ORDER BY o.path",
                    err);
    if (!st)
        return MM_ERR_IO;
    db_bind_int64(st, 1, person_id);
    while ((r = db_step(st, err)) == DB_ROW) {
        char path[ORG_PATH_MAX];
        copy_text(path, sizeof path, st, 0);
        int ri = role_index(db_column_text(st, 1, NULL));
        if (ri < 0 || !path_within(path, a->path))
            continue;
        /* an organisation-wide role holds over the whole scope wherever it was given (GSOC's
         * analysts watch every member; a ministry's CSIRT answers for the ministry) */
        if (server_roles[ri].wide)
            snprintf(path, sizeof path, "%s", a->path);
        size_t g = 0;
        while (g < a->ngrants && strcmp(a->grants[g].path, path))
            g++;
        if (g == a->ngrants) {
            if (a->ngrants == ACTOR_MAX_GRANTS)
                continue;
            snprintf(a->grants[g].path, sizeof a->grants[g].path, "%s", path);
            a->ngrants++;
        }
        a->grants[g].roles |= 1u << ri;
    }
    db_finalize(st);
    return r == DB_DONE ? MM_OK : (enum mm_status)r;
}

void scope_upper(const char *path, char *out, size_t outlen)
{
    snprintf(out, outlen, "%s", path);
    size_t n = strlen(out);
    if (n && out[n - 1] == '/')
        out[n - 1] = '0';
}

void scope_bind(struct db_stmt *st, unsigned i, const struct actor *a)
{
    char hi[ORG_PATH_MAX];
    scope_upper(a->path, hi, sizeof hi);
    db_bind_str(st, i, a->path);
    db_bind_str(st, i + 1, hi);
}

int64_t server_now(void)
{
    return mm_now_ns() / 1000000000;
}

json_t *db_row_json(struct db_stmt *st, const char *const *cols, size_t ncols)
{
    json_t *o = json_object();
    for (size_t i = 0; i < ncols; i++) {
        const char *c = cols[i];
        if (*c == '#' || *c == '?') {
            int64_t v = db_column_int64(st, (unsigned)i);
            bool null = db_column_null(st, (unsigned)i) || (*c == '?' && v == 0);
            json_object_set_new(o, c + 1, null ? json_null() : json_integer(v));
        } else {
            size_t n;
            const char *s = db_column_text(st, (unsigned)i, &n);
            json_object_set_new(o, c, db_column_null(st, (unsigned)i) ? json_null() : json_stringn(s, n));
        }
    }
    return o;
}

static enum mm_status text_check(const char *what, const char *s, size_t max, bool required, bool prose,
                                 struct mm_error *err)
{
    if (!s || !*s)
        return required ? mm_error_set(err, MM_ERR_INVALID, "%s is required", what) : MM_OK;
    size_t n = strlen(s);
    if (n > max)
        return mm_error_set(err, MM_ERR_INVALID, "%s is longer than %zu bytes", what, max);
    if (!mm_utf8_valid(s, n))
        return mm_error_set(err, MM_ERR_INVALID, "%s is not valid UTF-8", what);
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] < 0x20 && !(prose && (s[i] == '\n' || s[i] == '\r' || s[i] == '\t'))) ||
            s[i] == 0x7f)
            return mm_error_set(err, MM_ERR_INVALID, "%s contains a control character", what);
    return MM_OK;
}

enum mm_status server_text_valid(const char *what, const char *s, size_t max, bool required, struct mm_error *err)
{
    return text_check(what, s, max, required, false, err);
}

enum mm_status server_prose_valid(const char *what, const char *s, size_t max, bool required, struct mm_error *err)
{
    return text_check(what, s, max, required, true, err);
}

const char *audit_object(char *buf, size_t n, const char *kind, int64_t id)
{
    snprintf(buf, n, "%s:%lld", kind, (long long)id);
    return buf;
}
