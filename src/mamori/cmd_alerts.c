/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_alerts.c: `mamori alerts [list|show]`: read a sensor's alert spool. A spool holds records of
 * alerts, each alert written first when it opens and again (a higher version) when its
 * aggregation window closes with more events; the commands show the latest version of each. */
#include "base/prelude.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/str.h"
#include "event/json.h"
#include "sensor/config.h"
#include "sensor/ship.h"
#include "commands.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>

#define ALERT_MAX_LINE (64u << 20)
#define ALERT_TOKENS   65536

struct alert_line {
    char *text; /* the record, NUL-terminated, without the newline */
    size_t len;
    char id[40];
    unsigned version;
    char first_seen[40], level[16], source[16];
    char *title, *key;
    uint64_t count;
};

struct alert_list {
    struct alert_line *v;
    size_t n;
    uint64_t records, torn;
};

static const char *const level_names[] = { "informational", "low", "medium", "high", "critical" };

static int level_rank(const char *l)
{
    for (size_t i = 0; i < MM_ARRAY_LEN(level_names); i++)
        if (!strcasecmp(l, level_names[i]))
            return (int)i;
    return -1;
}

/* The value of a top-level member: strings decoded into out, numbers as text. */
static bool member(const char *doc, const struct json_token *t, int ntok, const char *key, struct buf *out)
{
    if (ntok < 1 || t[0].type != JSON_OBJECT)
        return false;
    for (uint32_t i = 1; i < (uint32_t)ntok;) {
        uint32_t v = i + 1;
        if (v >= (uint32_t)ntok)
            break;
        if (json_token_eq(doc, &t[i], key)) {
            buf_reset(out);
            if (t[v].type == JSON_STRING)
                json_unescape(doc + t[v].start, t[v].end - t[v].start, out);
            else
                buf_append(out, doc + t[v].start, t[v].end - t[v].start);
            return true;
        }
        i = t[v].next;
    }
    return false;
}

static void copy_member(const char *doc, const struct json_token *t, int n, const char *key, struct buf *tmp,
                        char *out, size_t outlen)
{
    out[0] = '\0';
    if (member(doc, t, n, key, tmp))
        snprintf(out, outlen, "%s", tmp->data);
}

static char *dup_member(const char *doc, const struct json_token *t, int n, const char *key, struct buf *tmp)
{
    return mm_strdup(member(doc, t, n, key, tmp) ? tmp->data : "");
}

static void add_record(struct alert_list *l, char *text, size_t len, struct json_token *toks)
{
    struct mm_error err;
    int n = json_parse(text, len, toks, ALERT_TOKENS, &err);
    if (n < 1 || toks[0].type != JSON_OBJECT) {
        l->torn++; /* a line cut by a crash, or not a record */
        mm_free(text);
        return;
    }
    struct buf tmp;
    buf_init(&tmp, BUF_NO_MAX);
    struct alert_line a = { .text = text, .len = len };
    copy_member(text, toks, n, "id", &tmp, a.id, sizeof a.id);
    long version = 0;
    if (member(text, toks, n, "version", &tmp))
        mm_parse_long(tmp.data, 0, 1L << 30, &version);
    a.version = (unsigned)version;
    copy_member(text, toks, n, "first_seen", &tmp, a.first_seen, sizeof a.first_seen);
    copy_member(text, toks, n, "level", &tmp, a.level, sizeof a.level);
    copy_member(text, toks, n, "source", &tmp, a.source, sizeof a.source);
    a.title = dup_member(text, toks, n, "title", &tmp);
    a.key = dup_member(text, toks, n, "key", &tmp);
    uint64_t count = 0;
    if (member(text, toks, n, "count", &tmp))
        mm_parse_u64(tmp.data, tmp.len, UINT64_MAX, &count);
    a.count = count;
    buf_release(&tmp);
    l->records++;
    /* the latest version of an id replaces the earlier (files are read in order) */
    for (size_t i = l->n; i-- > 0;) {
        if (!strcmp(l->v[i].id, a.id)) {
            if (a.version >= l->v[i].version) {
                mm_free(l->v[i].text);
                mm_free(l->v[i].title);
                mm_free(l->v[i].key);
                l->v[i] = a;
            } else {
                mm_free(a.text);
                mm_free(a.title);
                mm_free(a.key);
            }
            return;
        }
    }
    l->v = mm_reallocarray(l->v, l->n + 1, sizeof *l->v);
    l->v[l->n++] = a;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool read_spool(const char *dir, struct alert_list *l)
{
    DIR *d = opendir(dir);
    if (!d) {
        die_msg("cannot open alert spool '%s': %s", dir, mm_strerror(errno));
        return false;
    }
    char **names = NULL;
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t len = strlen(de->d_name);
        if (!strncmp(de->d_name, "alerts-", 7) && len > 6 && !strcmp(de->d_name + len - 6, ".jsonl")) {
            names = mm_reallocarray(names, n + 1, sizeof *names);
            names[n++] = mm_strdup(de->d_name);
        }
    }
    closedir(d);
    if (n > 1)
        qsort(names, n, sizeof *names, cmp_name);
    struct json_token *toks = mm_calloc(ALERT_TOKENS, sizeof *toks);
    for (size_t i = 0; i < n; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        FILE *f = fopen(path, "r");
        mm_free(names[i]);
        if (!f)
            continue;
        char *line = NULL;
        size_t cap = 0;
        ssize_t len;
        while ((len = getline(&line, &cap, f)) > 0) {
            if (line[len - 1] != '\n') {
                l->torn++; /* the last line of a file whose writer stopped mid-record */
                break;
            }
            line[--len] = '\0';
            if (!len || (size_t)len > ALERT_MAX_LINE)
                continue;
            add_record(l, mm_strndup(line, (size_t)len), (size_t)len, toks);
        }
        free(line); /* allocated by getline */
        fclose(f);
    }
    mm_free(names);
    mm_free(toks);
    return true;
}

static void free_list(struct alert_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        mm_free(l->v[i].text);
        mm_free(l->v[i].title);
        mm_free(l->v[i].key);
    }
    mm_free(l->v);
}

static int cmp_first_seen(const void *a, const void *b)
{
    const struct alert_line *x = a, *y = b;
    int c = strcmp(x->first_seen, y->first_seen);
    return c ? c : strcmp(x->id, y->id);
}

/* The spool directory: --spool, or the one a sensor configuration names. */
static bool spool_from_config(const char *conf, char *out, size_t outlen)
{
    struct sensor_config cfg;
    struct mm_error err;
    if (sensor_config_load(&cfg, conf, &err) != MM_OK) {
        die_msg("%s", err.msg);
        return false;
    }
    sensor_alert_spool(&cfg, out, outlen);
    sensor_config_free(&cfg);
    return true;
}

static const char *usage_text =
    "usage: mamori alerts [list] (--spool DIR | -c SENSOR.CONF) [--json] [--level LEVEL] [--source SOURCE]\n"
    "                     [--since TIME] [--grep TEXT]\n"
    "       mamori alerts show (--spool DIR | -c SENSOR.CONF) ID\n"
    "Lists the alerts in a sensor's spool (the latest version of each), oldest first. --level shows that\n"
    "level and above (informational, low, medium, high, critical); --source: sigma, correlation, ioc or\n"
    "detector; --since: first seen at or after an RFC 3339 time (compared as text, UTC); --grep: title or\n"
    "key contains TEXT. `show` prints one alert's whole record.\n"
    "       mamori alerts ship -c SENSOR.CONF\n"
    "Ships what the server has not confirmed yet (the sensor's `server` settings; the running sensor does\n"
    "this by itself) and exits: 0 when everything is shipped.\n";

/* `mamori alerts ship -c FILE`: one drain of the spool towards the server */
static int ship(int argc, char **argv)
{
    const char *conf = NULL;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "-c") && i + 1 < argc) {
            conf = argv[++i];
        } else {
            fputs(usage_text, stderr);
            return 2;
        }
    }
    if (!conf) {
        fputs(usage_text, stderr);
        return 2;
    }
    struct sensor_config cfg;
    struct mm_error err = { "" };
    if (sensor_config_load(&cfg, conf, &err) != MM_OK) {
        die_msg("%s", err.msg);
        return 1;
    }
    int rc = 1;
    if (!cfg.server || !cfg.server[0]) {
        die_msg("%s: no server to ship to (the `server` setting)", conf);
    } else {
        struct shipper_options o;
        char spool[1024], key[1024];
        sensor_ship_options(&cfg, &o, spool, sizeof spool, key, sizeof key);
        struct shipper_stats st;
        if (shipper_drain(&o, &st, &err) == MM_OK) {
            printf("shipped %llu alert records in %llu requests; %llu refused by the server, %llu spool files lost\n",
                   (unsigned long long)st.shipped, (unsigned long long)st.batches, (unsigned long long)st.refused,
                   (unsigned long long)st.lost_files);
            rc = 0;
        } else {
            die_msg("ship: %s", err.msg);
        }
    }
    sensor_config_free(&cfg);
    return rc;
}

int cmd_alerts(int argc, char **argv)
{
    const char *spool = NULL, *conf = NULL, *level = NULL, *source = NULL, *since = NULL, *grep = NULL;
    const char *show_id = NULL;
    bool json = false, show = false;
    int i = 1;
    if (i < argc && !strcmp(argv[i], "ship"))
        return ship(argc, argv);
    if (i < argc && (!strcmp(argv[i], "list") || !strcmp(argv[i], "show"))) {
        show = !strcmp(argv[i], "show");
        i++;
    }
    for (; i < argc; i++) {
        const char *a = argv[i];
        bool has = i + 1 < argc;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(usage_text, stdout);
            return 0;
        } else if (!strcmp(a, "--json")) {
            json = true;
        } else if (!strcmp(a, "--spool") && has) {
            spool = argv[++i];
        } else if (!strcmp(a, "-c") && has) {
            conf = argv[++i];
        } else if (!strcmp(a, "--level") && has) {
            level = argv[++i];
        } else if (!strcmp(a, "--source") && has) {
            source = argv[++i];
        } else if (!strcmp(a, "--since") && has) {
            since = argv[++i];
        } else if (!strcmp(a, "--grep") && has) {
            grep = argv[++i];
        } else if (show && !show_id && a[0] != '-') {
            show_id = a;
        } else {
            fputs(usage_text, stderr);
            return 2;
        }
    }
    char dir[4096];
    if (spool) {
        snprintf(dir, sizeof dir, "%s", spool);
    } else if (conf) {
        if (!spool_from_config(conf, dir, sizeof dir))
            return 1;
    } else {
        fputs(usage_text, stderr);
        return 2;
    }
    if ((show && !show_id) || (level && level_rank(level) < 0)) {
        if (level && level_rank(level) < 0)
            die_msg("unknown level '%s'", level);
        fputs(usage_text, stderr);
        return 2;
    }
    struct alert_list l = { 0 };
    if (!read_spool(dir, &l))
        return 1;
    if (l.n > 1)
        qsort(l.v, l.n, sizeof *l.v, cmp_first_seen);
    int rc = 0;
    if (show) {
        rc = 1;
        for (size_t k = 0; k < l.n; k++) {
            if (!strcmp(l.v[k].id, show_id)) {
                fwrite(l.v[k].text, 1, l.v[k].len, stdout);
                fputc('\n', stdout);
                rc = 0;
            }
        }
        if (rc)
            die_msg("no alert '%s' in '%s'", show_id, dir);
        free_list(&l);
        return rc;
    }
    size_t shown = 0;
    if (!json)
        printf("%-24s %-13s %7s %-11s %-36s %s\n", "FIRST SEEN", "LEVEL", "COUNT", "SOURCE", "ID", "TITLE [KEY]");
    for (size_t k = 0; k < l.n; k++) {
        const struct alert_line *a = &l.v[k];
        if (level && level_rank(a->level) < level_rank(level))
            continue;
        if (source && strcmp(a->source, source) != 0)
            continue;
        if (since && strcmp(a->first_seen, since) < 0)
            continue;
        if (grep && !strstr(a->title, grep) && !strstr(a->key, grep))
            continue;
        shown++;
        if (json) {
            fwrite(a->text, 1, a->len, stdout);
            fputc('\n', stdout);
        } else {
            printf("%-24.24s %-13s %7" PRIu64 " %-11s %-36s %s%s%s%s\n", a->first_seen, a->level, a->count,
                   a->source, a->id, a->title, a->key[0] ? " [" : "", a->key, a->key[0] ? "]" : "");
        }
    }
    fprintf(stderr, "%zu alerts shown, %zu in the spool (%" PRIu64 " records%s)\n", shown, l.n, l.records,
            l.torn ? ", a torn last line skipped" : "");
    free_list(&l);
    return rc;
}
