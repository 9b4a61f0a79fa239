/* SPDX-License-Identifier: Apache-2.0 */
/* test_alert.c: the alert sink: aggregation windows, versions, the event cap, eviction, and the
 * spool's records. */
#include "base/prelude.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/mtime.h"
#include "detect/alert.h"
#include "event/json.h"
#include "unit.h"

#include <dirent.h>
#include <unistd.h>

static char dir[64];

/* All records in the spool, concatenated in file order. */
static void read_all(struct buf *out, size_t *nfiles)
{
    buf_reset(out);
    *nfiles = 0;
    DIR *d = opendir(dir);
    struct dirent *de;
    char *names[64];
    size_t n = 0;
    while ((de = readdir(d)) && n < 64)
        if (de->d_name[0] != '.')
            names[n++] = mm_strdup(de->d_name);
    closedir(d);
    for (size_t i = 0; i + 1 < n; i++)
        for (size_t j = i + 1; j < n; j++)
            if (strcmp(names[i], names[j]) > 0) {
                char *t = names[i];
                names[i] = names[j];
                names[j] = t;
            }
    for (size_t i = 0; i < n; i++) {
        char p[256];
        snprintf(p, sizeof p, "%s/%s", dir, names[i]);
        FILE *f = fopen(p, "r");
        char chunk[4096];
        size_t r;
        while ((r = fread(chunk, 1, sizeof chunk, f)) > 0)
            buf_append(out, chunk, r);
        fclose(f);
        mm_free(names[i]);
        (*nfiles)++;
    }
}

static size_t count_lines(const struct buf *b)
{
    size_t n = 0;
    for (size_t i = 0; i < b->len; i++)
        n += b->data[i] == '\n';
    return n;
}

/* Each line is valid JSON. */
static bool all_json(const struct buf *b)
{
    struct json_token toks[4096];
    const char *p = b->data, *end = b->data + b->len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            return false;
        struct mm_error err;
        if (json_parse(p, (size_t)(nl - p), toks, 4096, &err) < 1) {
            printf("# bad record: %.*s (%s)\n", (int)(nl - p), p, err.msg);
            return false;
        }
        p = nl + 1;
    }
    return true;
}

static struct alert_report report(const char *rule, const char *key, int64_t t, const char **ev, size_t *len)
{
    static const char *tags[] = { "attack.t1071", "attack.command_and_control" };
    return (struct alert_report){
        .source = "sigma", .rule_id = rule, .title = "Test rule", .level = "high", .tags = tags, .ntags = 2,
        .key = key, .group_json = "{\"host\":\"pc1\"}", .why = "selection: c-uri=\"x\"", .first_ns = t, .last_ns = t,
        .count = 1, .events = ev, .event_lens = len, .nevents = 1,
    };
}

static void test_window(void)
{
    struct alert_sink_options o;
    alert_sink_options_default(&o);
    o.dir = dir;
    o.sensor = "sensor-1";
    o.window_ns = 60 * MM_NS_PER_SEC;
    o.max_events = 3;
    struct mm_error err;
    struct alert_sink *s = alert_sink_open(&o, &err);
    CHECK(s != NULL);
    const char *ev = "{\"message\":\"one\"}";
    size_t len = strlen(ev);
    int64_t t0 = 1700000000 * MM_NS_PER_SEC;
    struct alert_report r = report("rule-1", "pc1", t0, &ev, &len);
    alert_sink_report(s, &r, t0);
    struct buf b;
    buf_init(&b, BUF_NO_MAX);
    size_t nf;
    read_all(&b, &nf);
    CHECK(count_lines(&b) == 1); /* the first report is written at once */
    CHECK(strstr(b.data, "\"version\":1") != NULL);
    CHECK(strstr(b.data, "\"count\":1") != NULL);
    CHECK(strstr(b.data, "\"sensor\":\"sensor-1\"") != NULL);
    CHECK(strstr(b.data, "\"tags\":[\"attack.t1071\",\"attack.command_and_control\"]") != NULL);
    /* five more within the window: aggregated, nothing written yet */
    for (int i = 1; i <= 5; i++) {
        r = report("rule-1", "pc1", t0 + i * MM_NS_PER_SEC, &ev, &len);
        alert_sink_report(s, &r, t0 + i * MM_NS_PER_SEC);
    }
    /* another key of the same rule is another alert */
    r = report("rule-1", "pc2", t0, &ev, &len);
    alert_sink_report(s, &r, t0 + 6 * MM_NS_PER_SEC);
    alert_sink_tick(s, t0 + 30 * MM_NS_PER_SEC);
    read_all(&b, &nf);
    CHECK(count_lines(&b) == 2);
    struct alert_sink_stats st;
    alert_sink_stats(s, &st);
    CHECK(st.reports == 7);
    CHECK(st.alerts == 2);
    CHECK(st.aggregated == 5);
    CHECK(st.open == 2);
    /* the window of pc1 ends at t0+60 s: version 2 with all six, three events kept */
    alert_sink_tick(s, t0 + 61 * MM_NS_PER_SEC);
    read_all(&b, &nf);
    CHECK(count_lines(&b) == 3);
    CHECK(strstr(b.data, "\"version\":2") != NULL);
    CHECK(strstr(b.data, "\"count\":6") != NULL);
    CHECK(strstr(b.data, "\"events_omitted\":3") != NULL);
    alert_sink_stats(s, &st);
    CHECK(st.open == 1);
    /* pc2 had nothing added: its window closes without a second record */
    alert_sink_tick(s, t0 + 70 * MM_NS_PER_SEC);
    read_all(&b, &nf);
    CHECK(count_lines(&b) == 3);
    alert_sink_stats(s, &st);
    CHECK(st.open == 0);
    /* after the window, the same key opens a new alert (a new id) */
    r = report("rule-1", "pc1", t0 + 100 * MM_NS_PER_SEC, &ev, &len);
    alert_sink_report(s, &r, t0 + 100 * MM_NS_PER_SEC);
    alert_sink_close(s);
    read_all(&b, &nf);
    CHECK(count_lines(&b) == 4);
    CHECK(all_json(&b));
    /* ids: three distinct across four records */
    char ids[4][40];
    size_t k = 0;
    for (const char *p = b.data; p && *p && k < 4; k++) { /* each line starts {"id":"<uuid>" */
        snprintf(ids[k], sizeof ids[k], "%.36s", p + 7);
        p = strchr(p, '\n');
        p = p ? p + 1 : NULL;
    }
    CHECK(k == 4);
    CHECK(strcmp(ids[0], ids[2]) == 0); /* pc1's version 2 */
    CHECK(strcmp(ids[0], ids[1]) != 0);
    CHECK(strcmp(ids[0], ids[3]) != 0);
    buf_release(&b);
}

static void test_evict(void)
{
    struct alert_sink_options o;
    alert_sink_options_default(&o);
    o.dir = dir;
    o.max_open = 2;
    struct mm_error err;
    struct alert_sink *s = alert_sink_open(&o, &err);
    const char *ev = "{}";
    size_t len = 2;
    int64_t t0 = 1800000000 * MM_NS_PER_SEC;
    struct alert_report r = report("rule-a", "h1", t0, &ev, &len);
    alert_sink_report(s, &r, t0);
    alert_sink_report(s, &r, t0 + 1); /* aggregated: h1 is dirty */
    r = report("rule-a", "h2", t0, &ev, &len);
    alert_sink_report(s, &r, t0 + 2);
    r = report("rule-a", "h3", t0, &ev, &len);
    alert_sink_report(s, &r, t0 + 3); /* evicts h1, writing its update */
    struct alert_sink_stats st;
    alert_sink_stats(s, &st);
    CHECK(st.evicted == 1);
    CHECK(st.open == 2);
    CHECK(st.records == 4);
    alert_sink_close(s);
}

/* Past spool_max, the oldest files go; the one being written stays. */
static void test_spool_max(void)
{
    struct alert_sink_options o;
    alert_sink_options_default(&o);
    o.dir = dir;
    o.file_size = 1000;  /* a new file every few records */
    o.spool_max = 3000;
    struct mm_error err;
    struct alert_sink *s = alert_sink_open(&o, &err);
    CHECK(s != NULL);
    const char *ev = "{\"message\":\"a line long enough to fill the small spool files quickly, padding padding\"}";
    size_t len = strlen(ev);
    int64_t t0 = 1900000000 * MM_NS_PER_SEC;
    for (int i = 0; i < 60; i++) {
        char key[16];
        snprintf(key, sizeof key, "h%d", i);
        struct alert_report r = report("rule-s", key, t0, &ev, &len);
        alert_sink_report(s, &r, t0 + i * 1000); /* distinct names: files are named by their time */
    }
    struct alert_sink_stats st;
    alert_sink_stats(s, &st);
    CHECK(st.records == 60);
    CHECK(st.files_deleted > 0);
    alert_sink_close(s);
    struct buf b;
    buf_init(&b, BUF_NO_MAX);
    size_t nf;
    read_all(&b, &nf);
    CHECK(b.len <= 3000 + 1500); /* within the cap, give or take the file being written */
    CHECK(all_json(&b));
    CHECK(strstr(b.data, "\"key\":\"h59\"") != NULL); /* the newest kept */
    CHECK(strstr(b.data, "\"key\":\"h0\"") == NULL);  /* the oldest deleted */
    buf_release(&b);
}

static void test_uuid(void)
{
    char a[37], b[37];
    alert_uuid(a);
    alert_uuid(b);
    CHECK(strlen(a) == 36);
    CHECK(a[14] == '4');
    CHECK(a[8] == '-' && a[13] == '-' && a[18] == '-' && a[23] == '-');
    CHECK(strcmp(a, b) != 0);
}

static void test_bad_dir(void)
{
    struct alert_sink_options o;
    alert_sink_options_default(&o);
    o.dir = "/proc/mamori-no-such/alerts";
    struct mm_error err;
    CHECK(alert_sink_open(&o, &err) == NULL);
    CHECK(strstr(err.msg, "alert spool") != NULL);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/mamori-alert-%d", (int)getpid());
    test_window();
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        return 1;
    test_evict();
    if (system(cmd) != 0)
        return 1;
    test_spool_max();
    test_uuid();
    test_bad_dir();
    if (system(cmd) != 0)
        return 1;
    return UNIT_DONE();
}
