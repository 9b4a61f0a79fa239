/* SPDX-License-Identifier: Apache-2.0 */
/* config.c: the server's settings table, and the pool of database connections. */
#include "base/prelude.h"
#include "base/alloc.h"
#include "server/app.h"

#include <stddef.h>
#include <string.h>

#define S(field) offsetof(struct server_config, field)

static const struct conf_var server_vars[] = {
    { "listen", CONF_STRING, S(listen), "127.0.0.1:8443", 0, 0, CONF_RESTART, NULL,
      "address and port of the HTTPS API and web UI (\"[::]:8443\" for every address)" },
    { "tls_cert", CONF_STRING, S(tls_cert), NULL, 0, 0, CONF_RESTART | CONF_REQUIRED, NULL,
      "the server's certificate chain (PEM)" },
    { "tls_key", CONF_STRING, S(tls_key), NULL, 0, 0, CONF_RESTART | CONF_REQUIRED | CONF_SECRET, NULL,
      "its private key (PEM)" },
    { "database", CONF_STRING, S(database), "sqlite:/var/lib/mamori/server.db", 0, 0, CONF_RESTART | CONF_SECRET,
      NULL, "metadata store: sqlite:PATH, or a PostgreSQL URL (postgresql://user@host/db) or key=value string" },
    { "web_root", CONF_STRING, S(web_root), "web", 0, 0, CONF_RESTART, NULL,
      "directory of the web UI's files" },
    { "threads", CONF_INT, S(threads), "4", 1, 256, CONF_RESTART, NULL,
      "request threads (each holds one database connection)" },
    { "max_body", CONF_SIZE, S(max_body), "1m", 1024, 1ll << 30, CONF_RESTART, NULL,
      "largest request body; larger ones are refused with 413" },
    { "max_import", CONF_SIZE, S(max_import), "64m", 1024, 1ll << 32, CONF_RESTART, NULL,
      "largest CSV import (its own limit: 120,000 people are about 15 MB)" },
    { "session_idle", CONF_DURATION, S(session_idle), "30min", 60ll * 1000000000, 86400ll * 1000000000, 0, NULL,
      "a session ends after this long without a request" },
    { "session_max", CONF_DURATION, S(session_max), "12h", 60ll * 1000000000, 30 * 86400ll * 1000000000, 0, NULL,
      "and this long after signing in, whatever happens" },
    { "totp_issuer", CONF_STRING, S(totp_issuer), "mamori", 0, 0, 0, NULL,
      "the name authenticator apps show beside the account" },
    { "log_level", CONF_STRING, S(log_level), "info", 0, 0, 0, NULL, "error, warn, info or debug" },
};

const struct conf_section server_conf_sections[1] = {
    { "", server_vars, MM_ARRAY_LEN(server_vars), sizeof(struct server_config), 0, NULL, NULL, NULL },
};

enum mm_status server_config_parse(const char *text, struct server_config *cfg, struct mm_error *err)
{
    memset(cfg, 0, sizeof *cfg);
    return conf_parse(text, strlen(text), "<config>", server_conf_sections, 1, cfg, err);
}

enum mm_status server_config_load(const char *path, struct server_config *cfg, struct mm_error *err)
{
    memset(cfg, 0, sizeof *cfg);
    return conf_load_file(path, server_conf_sections, 1, cfg, err);
}

void server_config_release(struct server_config *cfg)
{
    conf_free_strings(&server_conf_sections[0], cfg);
}

enum mm_status db_pool_init(struct db_pool *p, const char *url, size_t n, struct mm_error *err)
{
    memset(p, 0, sizeof *p);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    p->free = mm_calloc(n, sizeof *p->free);
    for (size_t i = 0; i < n; i++) {
        struct db *db = db_open(url, err);
        if (!db) {
            db_pool_release(p);
            return MM_ERR_IO;
        }
        p->free[p->nfree++] = db;
        p->n++;
    }
    return MM_OK;
}

struct db *db_pool_get(struct db_pool *p)
{
    pthread_mutex_lock(&p->mu);
    while (!p->nfree)
        pthread_cond_wait(&p->cv, &p->mu);
    struct db *db = p->free[--p->nfree];
    pthread_mutex_unlock(&p->mu);
    return db;
}

void db_pool_put(struct db_pool *p, struct db *db)
{
    pthread_mutex_lock(&p->mu);
    p->free[p->nfree++] = db;
    pthread_cond_signal(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

void db_pool_release(struct db_pool *p)
{
    for (size_t i = 0; i < p->nfree; i++)
        db_close(p->free[i]);
    mm_free(p->free);
    p->free = NULL;
    p->nfree = p->n = 0;
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv);
}
