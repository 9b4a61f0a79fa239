/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_server.c: `mamori server`: the HTTPS API and web UI over the metadata store. */
#include "base/prelude.h"
#include "base/log.h"
#include "server/app.h"
#include "commands.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

static void usage(FILE *f)
{
    fputs("usage: mamori server -c FILE [-t] [--dump-config] [--routes]\n\n"
          "Runs the server: the JSON API under /api/v1/ and the web UI, over HTTPS, with its metadata\n"
          "in SQLite or PostgreSQL (the 'database' setting; the schema is migrated at start).\n\n"
          "  -c FILE         the configuration file (docs/CONFIG.md, server section)\n"
          "  -t              check the configuration and the database, then exit\n"
          "  --dump-config   print every setting with its value\n"
          "  --routes        print the API's routes (METHOD PATH), one per line\n\n"
          "Signals: SIGTERM and SIGINT stop it (requests in progress finish).\n",
          f);
}

int cmd_server(int argc, char **argv)
{
    const char *config = NULL;
    bool test = false, dump = false, routes = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-c") && i + 1 < argc) {
            config = argv[++i];
        } else if (!strcmp(argv[i], "-t")) {
            test = true;
        } else if (!strcmp(argv[i], "--dump-config")) {
            dump = true;
        } else if (!strcmp(argv[i], "--routes")) {
            routes = true;
        } else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage(stdout);
            return 0;
        } else {
            usage(stderr);
            return 2;
        }
    }
    if (routes) {
        for (size_t i = 0; i < api_nroutes; i++)
            printf("%s %s\n", api_routes[i].method, api_routes[i].pattern);
        return 0;
    }
    if (!config) {
        usage(stderr);
        return 2;
    }
    struct server_app app;
    memset(&app, 0, sizeof app);
    struct mm_error err = { "" };
    if (server_config_load(config, &app.cfg, &err) != MM_OK) {
        die_msg("%s", err.msg);
        return 1;
    }
    enum mm_log_level level;
    if (mm_log_parse_level(app.cfg.log_level, &level) != MM_OK) {
        die_msg("%s: log_level must be error, warn, info or debug", config);
        server_config_release(&app.cfg);
        return 1;
    }
    mm_log_set_level(level);
    if (dump) {
        conf_dump(stdout, &server_conf_sections[0], &app.cfg);
        server_config_release(&app.cfg);
        return 0;
    }
    if (test) {
        struct db *db = db_open(app.cfg.database, &err);
        int v = db ? db_schema_version(db, &err) : -1;
        db_close(db);
        if (v < 0) {
            die_msg("database: %s", err.msg);
            server_config_release(&app.cfg);
            return 1;
        }
        printf("configuration '%s' is valid; the database is at schema version %d\n", config, v);
        server_config_release(&app.cfg);
        return 0;
    }
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    if (server_app_start(&app, &err) != MM_OK) {
        die_msg("server: %s", err.msg);
        server_config_release(&app.cfg);
        return 1;
    }
    mm_log(MM_LOG_INFO, "server", "listening on https://%s (port %u), database %s", app.cfg.listen,
           http_server_port(app.http), db_dialect(app.pool.free[0]) == DB_POSTGRES ? "postgresql" : "sqlite");
    for (;;) {
        int sig = 0;
        if (sigwait(&set, &sig) != 0 || sig == SIGTERM || sig == SIGINT)
            break;
    }
    mm_log(MM_LOG_INFO, "server", "stopping");
    server_app_stop(&app);
    server_config_release(&app.cfg);
    return 0;
}
