/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_admin.c: `mamori admin`: the server's administration from the machine it runs on, acting
 * as the system (bootstrap, imports, credentials, the audit trail's check). Every change is in
 * the audit trail as "system". */
#include "base/prelude.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/str.h"
#include "auth/auth.h"
#include "server/app.h"
#include "commands.h"

#include <stdio.h>
#include <string.h>

static void usage(FILE *f)
{
    fputs("usage: mamori admin COMMAND -c FILE [options]\n\n"
          "  migrate                         bring the database's schema up to date\n"
          "  init --org-code C --org-name N [--org-name-en E] [--kind centre|company]\n"
          "       --login L --name N         create the root organisation and its first administrator\n"
          "                                  (roles admin and analyst); the password is read from stdin\n"
          "  password LOGIN                  set a person's password (read from stdin)\n"
          "  totp-reset LOGIN                forget a person's second factor: enrolled again at sign-in\n"
          "  role LOGIN ROLE [--org CODE] [--take]   give (or take) a role\n"
          "  import-orgs FILE | import-people FILE   CSV import (docs/SERVER.md describes the columns)\n"
          "  sensor-register ORG-CODE NAME   register a sensor; prints its one-time enrolment token\n"
          "  token LOGIN NAME [--days N]     make an API token acting as LOGIN (default 90 days); prints it\n"
          "  audit-verify                    check the audit trail's hash chain\n"
          "  recount                         recompute the alert counts per organisation and fiscal year\n",
          f);
}

static char *read_stdin_line(void)
{
    struct buf b;
    buf_init(&b, 4096);
    int ch;
    while ((ch = getchar()) != EOF && ch != '\n')
        if (buf_append_char(&b, (char)ch) != MM_OK)
            break;
    if (b.len && b.data[b.len - 1] == '\r')
        b.data[--b.len] = '\0';
    return buf_detach(&b, NULL);
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct buf b;
    buf_init(&b, BUF_NO_MAX);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(&b, chunk, n);
    fclose(f);
    return buf_detach(&b, len);
}

static int64_t person_by_login(struct db *db, const char *login)
{
    struct db_stmt *st = db_prepare(db, "SELECT id FROM people WHERE login = ?", NULL);
    if (!st)
        return 0;
    db_bind_str(st, 1, login);
    int64_t id = db_step(st, NULL) == DB_ROW ? db_column_int64(st, 0) : 0;
    db_finalize(st);
    return id;
}

static enum mm_status set_password(struct db *db, const struct actor *sys, int64_t person, const char *pw,
                                   struct mm_error *err)
{
    char hash[AUTH_PASSWORD_HASH_MAX];
    enum mm_status rc = auth_password_check(pw, err);
    if (rc == MM_OK)
        rc = auth_password_hash(pw, hash, sizeof hash, err);
    if (rc != MM_OK)
        return rc;
    struct db_stmt *st = db_prepare(db, "UPDATE people SET password_hash = ?, failures = 0, locked_until = 0 WHERE id = ?",
                                    err);
    if (!st)
        return MM_ERR_IO;
    db_bind_str(st, 1, hash);
    db_bind_int64(st, 2, person);
    int r = db_step(st, err);
    db_finalize(st);
    if (r != DB_DONE)
        return (enum mm_status)r;
    char obj[48];
    snprintf(obj, sizeof obj, "person:%lld", (long long)person);
    return audit_append(db, sys, "person.password", obj, 0, NULL, err);
}

static const char *opt(int argc, char **argv, const char *name)
{
    for (int i = 2; i + 1 < argc; i++)
        if (!strcmp(argv[i], name))
            return argv[i + 1];
    return NULL;
}

static bool flag(int argc, char **argv, const char *name)
{
    for (int i = 2; i < argc; i++)
        if (!strcmp(argv[i], name))
            return true;
    return false;
}

/* the first argument after the command that is not an option or an option's value */
static const char *positional(int argc, char **argv, int which)
{
    static const char *const with_value[] = { "-c", "--org-code", "--org-name", "--org-name-en", "--kind",
                                              "--login", "--name", "--org", "--days" };
    int seen = 0;
    for (int i = 2; i < argc; i++) {
        bool valued = false;
        for (size_t k = 0; k < MM_ARRAY_LEN(with_value); k++)
            valued |= !strcmp(argv[i], with_value[k]);
        if (valued) {
            i++;
            continue;
        }
        if (argv[i][0] == '-')
            continue;
        if (seen++ == which)
            return argv[i];
    }
    return NULL;
}

static int run(const char *cmd, int argc, char **argv, struct db *db, struct mm_error *err)
{
    struct actor sys;
    actor_system(&sys);
    enum mm_status rc = MM_OK;
    if (!strcmp(cmd, "migrate")) {
        size_t nm;
        const struct db_migration *m = server_migrations(&nm);
        int applied = 0;
        if ((rc = db_migrate(db, m, nm, &applied, err)) == MM_OK)
            printf("schema at version %d (%d migrations applied now)\n", m[nm - 1].version, applied);
        return rc == MM_OK ? 0 : 1;
    }
    size_t nm;
    const struct db_migration *m = server_migrations(&nm);
    if ((rc = db_migrate(db, m, nm, NULL, err)) != MM_OK)
        return 1;
    if (!strcmp(cmd, "audit-verify")) {
        int64_t count = 0, bad = 0;
        rc = audit_verify(db, &count, &bad, err);
        if (rc == MM_OK)
            printf("the audit trail is intact: %lld records\n", (long long)count);
        return rc == MM_OK ? 0 : 1;
    }
    if (!strcmp(cmd, "import-orgs") || !strcmp(cmd, "import-people")) {
        const char *file = positional(argc, argv, 0);
        size_t len = 0;
        char *csv = file ? read_file(file, &len) : NULL;
        if (!csv) {
            mm_error_set(err, MM_ERR_IO, "cannot read '%s'", file ? file : "(no file given)");
            return 1;
        }
        struct import_stats st;
        rc = !strcmp(cmd, "import-orgs") ? import_orgs_csv(db, &sys, csv, len, &st, err)
                                         : import_people_csv(db, &sys, csv, len, &st, err);
        mm_free(csv);
        if (rc == MM_OK)
            printf("%zu rows: %zu created, %zu updated\n", st.rows, st.created, st.updated);
        return rc == MM_OK ? 0 : 1;
    }
    if ((rc = db_begin(db, err)) != MM_OK)
        return 1;
    if (!strcmp(cmd, "init")) {
        const char *code = opt(argc, argv, "--org-code"), *name = opt(argc, argv, "--org-name"),
                   *login = opt(argc, argv, "--login"), *pname = opt(argc, argv, "--name");
        if (!code || !name || !login || !pname) {
            rc = mm_error_set(err, MM_ERR_INVALID, "init needs --org-code, --org-name, --login and --name");
        } else {
            struct org_input oi = { 0, opt(argc, argv, "--kind") ? opt(argc, argv, "--kind") : "centre", code, name,
                                    opt(argc, argv, "--org-name-en"), 0 };
            int64_t org = 0, person = 0;
            rc = org_create(db, &sys, &oi, &org, err);
            struct person_input pi = { org, login, pname, NULL, NULL, NULL, NULL };
            if (rc == MM_OK)
                rc = person_create(db, &sys, &pi, &person, err);
            if (rc == MM_OK)
                rc = person_role(db, &sys, person, org, "admin", true, err);
            if (rc == MM_OK)
                rc = person_role(db, &sys, person, org, "analyst", true, err);
            char *pw = rc == MM_OK ? read_stdin_line() : NULL;
            if (rc == MM_OK)
                rc = set_password(db, &sys, person, pw, err);
            mm_free(pw);
            if (rc == MM_OK)
                printf("created organisation '%s' (id %lld) and administrator '%s' (id %lld)\n", code, (long long)org,
                       login, (long long)person);
        }
    } else if (!strcmp(cmd, "recount")) {
        int64_t n = 0;
        rc = alert_counts_rebuild(db, &n, err);
        if (rc == MM_OK)
            printf("counted %lld alerts\n", (long long)n);
    } else if (!strcmp(cmd, "token")) {
        const char *login = positional(argc, argv, 0), *name = positional(argc, argv, 1),
                   *days_s = opt(argc, argv, "--days");
        int64_t person = login ? person_by_login(db, login) : 0, days = 90;
        char token[AUTH_TOKEN_MAX], hash[65];
        if (days_s && (mm_parse_i64(days_s, strlen(days_s), &days) != MM_OK || days < 1 || days > 730)) {
            rc = mm_error_set(err, MM_ERR_INVALID, "--days must be 1 to 730");
        } else if (!person || !name) {
            rc = mm_error_set(err, MM_ERR_NOT_FOUND, "usage: token LOGIN NAME (no person '%s')", login ? login : "");
        } else {
            auth_random_token("mmt_", token, sizeof token);
            auth_token_hash(token, hash);
            struct db_stmt *st = db_prepare(db,
                                            "INSERT INTO api_tokens (token_hash, person_id, name, created_at, "
                                            "expires_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
                                            err);
            rc = st ? MM_OK : MM_ERR_IO;
            int64_t id = 0;
            if (st) {
                int64_t now = server_now();
                db_bind_str(st, 1, hash);
                db_bind_int64(st, 2, person);
                db_bind_str(st, 3, name);
                db_bind_int64(st, 4, now);
                db_bind_int64(st, 5, now + days * 86400);
                int r = db_step(st, err);
                if (r == DB_ROW) {
                    id = db_column_int64(st, 0);
                    r = db_step(st, err);
                }
                rc = r == DB_DONE ? MM_OK : (enum mm_status)r;
                db_finalize(st);
            }
            char obj[48];
            snprintf(obj, sizeof obj, "token:%lld", (long long)id);
            if (rc == MM_OK)
                rc = audit_append(db, &sys, "token.create", obj, 0, NULL, err);
            if (rc == MM_OK)
                printf("%s\n", token);
        }
    } else if (!strcmp(cmd, "sensor-register")) {
        const char *code = positional(argc, argv, 0), *name = positional(argc, argv, 1);
        int64_t org = code ? org_id_by_code(db, &sys, code) : 0, id = 0;
        char token[AUTH_TOKEN_MAX];
        rc = !org || !name ? mm_error_set(err, MM_ERR_NOT_FOUND, "usage: sensor-register ORG-CODE NAME (no organisation '%s')",
                                          code ? code : "")
                           : sensor_register(db, &sys, org, name, &id, token, sizeof token, err);
        if (rc == MM_OK)
            printf("%s\n", token);
    } else if (!strcmp(cmd, "password") || !strcmp(cmd, "totp-reset") || !strcmp(cmd, "role")) {
        const char *login = positional(argc, argv, 0);
        int64_t person = login ? person_by_login(db, login) : 0;
        if (!person) {
            rc = mm_error_set(err, MM_ERR_NOT_FOUND, "no person with login '%s'", login ? login : "");
        } else if (!strcmp(cmd, "password")) {
            char *pw = read_stdin_line();
            rc = set_password(db, &sys, person, pw, err);
            mm_free(pw);
        } else if (!strcmp(cmd, "totp-reset")) {
            struct db_stmt *st = db_prepare(db, "UPDATE people SET totp_secret = NULL, totp_last_step = 0 WHERE id = ?",
                                            err);
            rc = st ? MM_OK : MM_ERR_IO;
            if (st) {
                db_bind_int64(st, 1, person);
                int r = db_step(st, err);
                rc = r == DB_DONE ? MM_OK : (enum mm_status)r;
                db_finalize(st);
            }
            char obj[48];
            snprintf(obj, sizeof obj, "person:%lld", (long long)person);
            if (rc == MM_OK)
                rc = audit_append(db, &sys, "person.totp_reset", obj, 0, NULL, err);
        } else {
            const char *role = positional(argc, argv, 1), *code = opt(argc, argv, "--org");
            int64_t org = 0;
            if (code) {
                org = org_id_by_code(db, &sys, code);
            } else {
                struct db_stmt *st = db_prepare(db, "SELECT org_id FROM people WHERE id = ?", err);
                if (st) {
                    db_bind_int64(st, 1, person);
                    if (db_step(st, err) == DB_ROW)
                        org = db_column_int64(st, 0);
                    db_finalize(st);
                }
            }
            rc = !org ? mm_error_set(err, MM_ERR_NOT_FOUND, "no organisation '%s'", code ? code : "")
                      : person_role(db, &sys, person, org, role, !flag(argc, argv, "--take"), err);
        }
    } else {
        db_rollback(db);
        usage(stderr);
        return 2;
    }
    if (rc == MM_OK)
        rc = db_commit(db, err);
    if (rc != MM_OK) {
        db_rollback(db);
        return 1;
    }
    return 0;
}

int cmd_admin(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    const char *config = opt(argc, argv, "-c");
    if (!config) {
        usage(stderr);
        return 2;
    }
    struct server_config cfg;
    struct mm_error err = { "" };
    if (server_config_load(config, &cfg, &err) != MM_OK) {
        die_msg("%s", err.msg);
        return 1;
    }
    struct db *db = db_open(cfg.database, &err);
    int rc = db ? run(argv[1], argc, argv, db, &err) : 1;
    if (rc == 1)
        die_msg("admin %s: %s", argv[1], err.msg);
    db_close(db);
    server_config_release(&cfg);
    return rc;
}
