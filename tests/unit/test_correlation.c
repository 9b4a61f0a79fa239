/* SPDX-License-Identifier: Apache-2.0 */
/* test_correlation.c: Sigma correlation rules: every example of the specification compiled and run
 * on events matched by real rules, each type at its boundaries, grouping, aliases, chaining,
 * generate, re-arm, late events, the memory cap, and the reasons documents are refused. */
#include "unit.h"
#include "base/alloc.h"
#include "sigma/correlation.h"
#include "sigma/match.h"
#include "sigma/rule.h"
#include "sigma/ytree.h"

#define SEC 1000000000LL
#define END ((const char *)NULL) /* ends ev_make's list */

/* ---- capturing alerts ---- */

struct seen {
    char title[160];
    char level[16];
    double value;
    char groups[256]; /* "name=value,name=value" */
    size_t nevents;
    char events[1024]; /* contributing events joined by '|' */
    int64_t first, last;
};

static struct seen seen[64];
static size_t nseen;

static void on_alert(void *ctx, const struct sigma_corr_alert *a)
{
    (void)ctx;
    if (nseen == MM_ARRAY_LEN(seen))
        return;
    struct seen *s = &seen[nseen++];
    memset(s, 0, sizeof *s);
    snprintf(s->title, sizeof s->title, "%s", a->corr->title);
    snprintf(s->level, sizeof s->level, "%s", a->corr->level ? a->corr->level : "");
    s->value = a->value;
    size_t off = 0;
    for (size_t i = 0; i < a->ngroup && off < sizeof s->groups; i++)
        off += (size_t)snprintf(s->groups + off, sizeof s->groups - off, "%s%s=%.*s", i ? "," : "",
                                a->group_names[i], (int)a->group_values[i].len, a->group_values[i].p);
    s->nevents = a->nevents;
    off = 0;
    for (size_t i = 0; i < a->nevents && off < sizeof s->events; i++)
        off += (size_t)snprintf(s->events + off, sizeof s->events - off, "%s%.*s", i ? "|" : "",
                                (int)a->events[i].len, a->events[i].p);
    s->first = a->first_ns;
    s->last = a->last_ns;
}

/* ---- a rule file loaded like the sensor will: base rules matched, correlations fed ---- */

struct fixture {
    struct sigma_rule *rules[16];
    struct sigma_compiled *compiled[16];
    size_t nrules;
    struct sigma_corr_engine *eng;
    size_t emitted;
    size_t standalone; /* base rule matches that alert on their own (generate) */
};

static bool fx_load(struct fixture *fx, const char *yaml, const struct sigma_corr_options *opt, char *why,
                    size_t whylen)
{
    memset(fx, 0, sizeof *fx);
    why[0] = '\0';
    fx->eng = sigma_corr_engine_new(opt);
    struct ynode **docs;
    size_t nd;
    struct mm_error err = { "" };
    if (ytree_load(yaml, strlen(yaml), &docs, &nd, &err) != MM_OK) {
        snprintf(why, whylen, "%s", err.msg);
        return false;
    }
    bool ok = true;
    for (size_t i = 0; i < nd && ok; i++) {
        enum sigma_doc_kind k = sigma_doc_kind(docs[i]);
        if (k == SIGMA_DOC_CORRELATION) {
            struct sigma_corr *c = sigma_corr_compile(docs[i], "test.yml", &err);
            if (c)
                sigma_corr_engine_add(fx->eng, c);
            ok = c != NULL;
        } else if (k == SIGMA_DOC_RULE && fx->nrules < MM_ARRAY_LEN(fx->rules)) {
            struct sigma_rule *r = sigma_rule_compile(docs[i], "test.yml", &err);
            struct sigma_compiled *c = r ? sigma_compile_matchers(r, &err) : NULL;
            if (c) {
                fx->rules[fx->nrules] = r;
                fx->compiled[fx->nrules++] = c;
            } else {
                sigma_rule_free(r);
            }
            ok = c != NULL;
        }
    }
    ytree_free_docs(docs, nd);
    if (ok)
        ok = sigma_corr_engine_build(fx->eng, (const struct sigma_rule *const *)fx->rules, fx->nrules, &err) ==
             MM_OK;
    if (!ok)
        snprintf(why, whylen, "%s", err.msg);
    return ok;
}

static void fx_free(struct fixture *fx)
{
    sigma_corr_engine_free(fx->eng);
    for (size_t i = 0; i < fx->nrules; i++) {
        sigma_compiled_free(fx->compiled[i]);
        sigma_rule_free(fx->rules[i]);
    }
}

static struct event ev;

/* A new event: log source and fields as "name=value" pairs; NULL ends the list. */
static void ev_make(const char *product, const char *service, ...)
{
    event_reset(&ev);
    event_set_logsource(&ev, product, NULL, service);
    va_list ap;
    va_start(ap, service);
    for (const char *kv; (kv = va_arg(ap, const char *));) {
        const char *eq = strchr(kv, '=');
        event_add_dynamic(&ev, kv, (size_t)(eq - kv), eq + 1, strlen(eq + 1), FIELD_STR, true);
    }
    va_end(ap);
}

/* Match the event against every base rule and feed the matches at time t (seconds). */
static size_t fx_feed(struct fixture *fx, double t, const char *json)
{
    size_t n = 0;
    int64_t ns = (int64_t)(t * (double)SEC);
    for (size_t i = 0; i < fx->nrules; i++) {
        if (!sigma_logsource_matches(fx->rules[i], &ev) || !sigma_match(fx->compiled[i], &ev, NULL))
            continue;
        bool gen;
        if (!sigma_corr_rule_referenced(fx->eng, fx->rules[i], &gen) || gen)
            fx->standalone++;
        n += sigma_corr_feed(fx->eng, fx->rules[i], &ev, ns, json, json ? strlen(json) : 0, on_alert, NULL);
    }
    fx->emitted += n;
    return n;
}

static size_t fx_advance(struct fixture *fx, double t)
{
    size_t n = sigma_corr_advance(fx->eng, (int64_t)(t * (double)SEC), on_alert, NULL);
    fx->emitted += n;
    return n;
}

static struct sigma_corr_stats fx_stats(const struct fixture *fx)
{
    struct sigma_corr_stats st;
    sigma_corr_engine_stats(fx->eng, &st);
    return st;
}

static const struct sigma_rule *fx_rule(const struct fixture *fx, const char *name)
{
    for (size_t i = 0; i < fx->nrules; i++)
        if (fx->rules[i]->name && !strcmp(fx->rules[i]->name, name))
            return fx->rules[i];
    return NULL;
}

/* ---- the specification's examples ---- */

static const char brute_force[] =
    "title: Correlation - Multiple Failed Logins Followed by Successful Login\n"
    "id: b180ead8-d58f-40b2-ae54-c8940995b9b6\n"
    "status: experimental\n"
    "description: Detects multiple failed logins by a single user followed by a successful login of that user\n"
    "references:\n"
    "    - https://reference.com\n"
    "author: Florian Roth (Nextron Systems)\n"
    "date: 2023-06-16\n"
    "correlation:\n"
    "    type: temporal_ordered\n"
    "    rules:\n"
    "        - multiple_failed_login\n"
    "        - successful_login\n"
    "    group-by:\n"
    "        - User\n"
    "    timespan: 10m\n"
    "falsepositives:\n"
    "    - Unlikely\n"
    "level: high\n"
    "---\n"
    "title: Multiple failed logons\n"
    "id: a8418a5a-5fc4-46b5-b23b-6c73beb19d41\n"
    "description: Detects multiple failed logins within a certain amount of time\n"
    "name: multiple_failed_login\n"
    "correlation:\n"
    "    type: event_count\n"
    "    rules:\n"
    "        - failed_login\n"
    "    group-by:\n"
    "        - User\n"
    "    timespan: 10m\n"
    "    condition:\n"
    "        gte: 10\n"
    "---\n"
    "title: Single failed login\n"
    "id: 53ba33fd-3a50-4468-a5ef-c583635cfa92\n"
    "name: failed_login\n"
    "logsource:\n"
    "    product: windows\n"
    "    service: security\n"
    "detection:\n"
    "    selection:\n"
    "        EventID:\n"
    "            - 529\n"
    "            - 4625\n"
    "    condition: selection\n"
    "---\n"
    "title: Successful login\n"
    "id: 4d0a2c83-c62c-4ed4-b475-c7e23a9269b8\n"
    "description: Detects a successful login\n"
    "name: successful_login\n"
    "logsource:\n"
    "    product: windows\n"
    "    service: security\n"
    "detection:\n"
    "    selection:\n"
    "        EventID:\n"
    "            - 528\n"
    "            - 4624\n"
    "    condition: selection\n";

static void login(struct fixture *fx, const char *user, const char *id, double t)
{
    char json[96];
    snprintf(json, sizeof json, "{\"EventID\":%s,\"User\":\"%s\",\"t\":%g}", id, user, t);
    char u[64], e[32];
    snprintf(u, sizeof u, "User=%s", user);
    snprintf(e, sizeof e, "EventID=%s", id);
    ev_make("windows", "security", e, u, END);
    fx_feed(fx, t, json);
}

static void test_spec_brute_force(void)
{
    struct fixture fx;
    char why[512];
    bool ok = fx_load(&fx, brute_force, NULL, why, sizeof why);
    CHECK(ok);
    if (!ok) {
        printf("# %s\n", why);
        fx_free(&fx);
        return;
    }
    const struct sigma_corr *outer = sigma_corr_engine_get(fx.eng, 0);
    CHECK(outer && outer->type == SIGMA_CORR_TEMPORAL_ORDERED && outer->timespan_ns == 600 * SEC);
    if (!outer) {
        fx_free(&fx);
        return;
    }
    CHECK_STR(outer->level, strlen(outer->level), "high");
    CHECK(outer->nfalsepositives == 1 && !strcmp(outer->falsepositives[0], "Unlikely"));
    bool gen = true;
    CHECK(sigma_corr_rule_referenced(fx.eng, fx_rule(&fx, "failed_login"), &gen) && !gen);
    CHECK(sigma_corr_rule_referenced(fx.eng, fx_rule(&fx, "successful_login"), &gen) && !gen);

    /* nine failures then a success: the inner count is not reached */
    nseen = 0;
    for (int i = 0; i < 9; i++)
        login(&fx, "bob", "4625", i);
    login(&fx, "bob", "4624", 20);
    CHECK(nseen == 0);

    /* ten failures (529 and 4625 both count) then a success within ten minutes */
    for (int i = 0; i < 10; i++)
        login(&fx, "alice", i % 2 ? "529" : "4625", 100 + i);
    CHECK(nseen == 0); /* the inner correlation is internal to the chain: no alert of its own */
    CHECK(fx_stats(&fx).suppressed == 1);
    login(&fx, "alice", "4624", 400);
    CHECK(nseen == 1);
    CHECK_STR(seen[0].title, strlen(seen[0].title),
              "Correlation - Multiple Failed Logins Followed by Successful Login");
    CHECK_STR(seen[0].groups, strlen(seen[0].groups), "User=alice");
    CHECK(seen[0].value == 2);
    CHECK(seen[0].first == 109 * SEC && seen[0].last == 400 * SEC);
    /* ten events kept: the last nine failures and the success, oldest first */
    CHECK(seen[0].nevents == 10);
    CHECK(strstr(seen[0].events, "\"t\":101}") == seen[0].events + strlen("{\"EventID\":529,\"User\":\"alice\","));
    CHECK(strstr(seen[0].events, "|{\"EventID\":4624,\"User\":\"alice\",\"t\":400}") != NULL);
    CHECK(fx.standalone == 0); /* generate is false: base matches do not alert alone */

    /* success before the failures: order violated */
    nseen = 0;
    login(&fx, "carol", "4624", 1000);
    for (int i = 0; i < 10; i++)
        login(&fx, "carol", "4625", 1001 + i);
    CHECK(nseen == 0);
    /* success eleven minutes after the tenth failure: outside the timespan */
    for (int i = 0; i < 10; i++)
        login(&fx, "dave", "4625", 2000 + i);
    login(&fx, "dave", "4624", 2009 + 660);
    CHECK(nseen == 0);
    /* exactly ten minutes after: within (windows are inclusive) */
    for (int i = 0; i < 10; i++)
        login(&fx, "erin", "4625", 4000 + i);
    login(&fx, "erin", "4624", 4009 + 600);
    CHECK(nseen == 1 && !strcmp(seen[0].groups, "User=erin"));
    fx_free(&fx);
}

static const char count_rule[] =
    "title: Failed logon\n"
    "id: 5638f7c0-ac70-491d-8465-2a65075e0d86\n"
    "logsource:\n"
    "    product: windows\n"
    "    service: security\n"
    "detection:\n"
    "    selection:\n"
    "        EventID: 4625\n"
    "    condition: selection\n";

static void failed(struct fixture *fx, const char *host, const char *ws, const char *user, double t)
{
    char h[64], w[64], u[64];
    snprintf(h, sizeof h, "ComputerName=%s", host);
    snprintf(w, sizeof w, "WorkstationName=%s", ws);
    snprintf(u, sizeof u, "User=%s", user);
    ev_make("windows", "security", "EventID=4625", h, w, u, END);
    fx_feed(fx, t, "{}");
}

static void test_spec_event_count(void)
{
    static const char yaml[] = "title: Many failed logins\n"
                               "id: 0e95725d-7320-415d-80f7-004da920fc11\n"
                               "correlation:\n"
                               "    type: event_count\n"
                               "    rules:\n"
                               "        - 5638f7c0-ac70-491d-8465-2a65075e0d86\n"
                               "    group-by:\n"
                               "        - ComputerName\n"
                               "    timespan: 1h\n"
                               "    condition:\n"
                               "        gte: 100\n"
                               "---\n";
    char buf[2048], why[512];
    snprintf(buf, sizeof buf, "%s%s", yaml, count_rule);
    struct fixture fx;
    CHECK(fx_load(&fx, buf, NULL, why, sizeof why));
    nseen = 0;
    for (int i = 0; i < 99; i++)
        failed(&fx, "ws1", "x", "u", i);
    CHECK(nseen == 0);
    failed(&fx, "ws2", "x", "u", 99); /* another group does not help */
    CHECK(nseen == 0);
    failed(&fx, "ws1", "x", "u", 100);
    CHECK(nseen == 1 && seen[0].value == 100 && !strcmp(seen[0].groups, "ComputerName=ws1"));
    CHECK(fx.standalone == 0); /* referenced, generate defaults to false: no alerts of its own */
    /* re-arm: the bucket reset, the next alert needs a hundred more */
    failed(&fx, "ws1", "x", "u", 101);
    CHECK(nseen == 1);
    CHECK(fx_stats(&fx).groups == 2);

    /* boundary: the hundredth exactly one hour after the first fires, one nanosecond later not */
    nseen = 0;
    failed(&fx, "b1", "x", "u", 10000);
    for (int i = 0; i < 98; i++)
        failed(&fx, "b1", "x", "u", 10001);
    ev_make("windows", "security", "EventID=4625", "ComputerName=b1", END);
    sigma_corr_feed(fx.eng, fx.rules[0], &ev, 13600 * SEC + 1, "{}", 2, on_alert, NULL);
    CHECK(nseen == 0); /* the first slid out: 99 remain within the hour */
    failed(&fx, "b2", "x", "u", 20000);
    for (int i = 0; i < 98; i++)
        failed(&fx, "b2", "x", "u", 20001);
    failed(&fx, "b2", "x", "u", 23600);
    CHECK(nseen == 1 && !strcmp(seen[0].groups, "ComputerName=b2") && seen[0].first == 20000 * SEC);
    fx_free(&fx);
}

static void test_spec_value_count(void)
{
    static const char yaml[] = "title: Failed login\n"
                               "id: 0e95725d-7320-415d-80f7-004da920fc12\n"
                               "correlation:\n"
                               "    type: value_count\n"
                               "    rules:\n"
                               "        - 5638f7c0-ac70-491d-8465-2a65075e0d86\n"
                               "    group-by:\n"
                               "        - ComputerName\n"
                               "        - WorkstationName\n"
                               "    timespan: 1d\n"
                               "    condition:\n"
                               "        field: User\n"
                               "        gte: 100\n"
                               "---\n";
    char buf[2048], why[512];
    snprintf(buf, sizeof buf, "%s%s", yaml, count_rule);
    struct fixture fx;
    CHECK(fx_load(&fx, buf, NULL, why, sizeof why));
    nseen = 0;
    char user[32];
    for (int i = 0; i < 300; i++) { /* 99 distinct users, many times over */
        snprintf(user, sizeof user, "user%d", i % 99);
        failed(&fx, "dc1", "ws1", user, i);
    }
    CHECK(nseen == 0);
    failed(&fx, "dc1", "ws2", "user99", 300); /* the other workstation is its own group */
    CHECK(nseen == 0);
    failed(&fx, "dc1", "ws1", "user99", 301);
    CHECK(nseen == 1 && seen[0].value == 100);
    CHECK_STR(seen[0].groups, strlen(seen[0].groups), "ComputerName=dc1,WorkstationName=ws1");
    /* an event without the field brings no value */
    ev_make("windows", "security", "EventID=4625", "ComputerName=dc1", END);
    fx_feed(&fx, 302, "{}");
    CHECK(fx_stats(&fx).no_value == 1);
    fx_free(&fx);
}

static const char recon_rules[] =
    "title: a\nname: recon_cmd_a\nlogsource: {product: linux}\n"
    "detection: {sel: {Image: '*/whoami'}, condition: sel}\n"
    "---\n"
    "title: b\nname: recon_cmd_b\nlogsource: {product: linux}\n"
    "detection: {sel: {Image: '*/id'}, condition: sel}\n"
    "---\n"
    "title: c\nname: recon_cmd_c\nlogsource: {product: linux}\n"
    "detection: {sel: {Image: '*/uname'}, condition: sel}\n";

static void cmd(struct fixture *fx, const char *host, const char *user, const char *image, double t)
{
    char h[64], u[64], i[64];
    snprintf(h, sizeof h, "ComputerName=%s", host);
    snprintf(u, sizeof u, "User=%s", user);
    snprintf(i, sizeof i, "Image=/usr/bin/%s", image);
    ev_make("linux", NULL, h, u, i, END);
    fx_feed(fx, t, image);
}

static void test_spec_temporal(void)
{
    static const char yaml[] = "title: Recon\n"
                               "correlation:\n"
                               "    type: temporal\n"
                               "    rules:\n"
                               "        - recon_cmd_a\n"
                               "        - recon_cmd_b\n"
                               "        - recon_cmd_c\n"
                               "    group-by:\n"
                               "        - ComputerName\n"
                               "        - User\n"
                               "    timespan: 5m\n"
                               "---\n";
    char buf[2048], why[512];
    snprintf(buf, sizeof buf, "%s%s", yaml, recon_rules);
    struct fixture fx;
    CHECK(fx_load(&fx, buf, NULL, why, sizeof why));
    nseen = 0;
    cmd(&fx, "h1", "root", "uname", 0);
    cmd(&fx, "h1", "root", "whoami", 10);
    cmd(&fx, "h1", "eve", "id", 20); /* another user */
    cmd(&fx, "h1", "root", "whoami", 30);
    CHECK(nseen == 0);
    cmd(&fx, "h1", "root", "id", 300); /* any order, the first exactly 5m before */
    CHECK(nseen == 1 && seen[0].value == 3 && !strcmp(seen[0].groups, "ComputerName=h1,User=root"));
    CHECK(nseen == 1 && !strcmp(seen[0].events, "uname|whoami|whoami|id"));
    nseen = 0;
    cmd(&fx, "h2", "root", "uname", 0);
    cmd(&fx, "h2", "root", "whoami", 10);
    cmd(&fx, "h2", "root", "id", 301); /* the first slid out */
    CHECK(nseen == 0);
    cmd(&fx, "h2", "root", "uname", 302);
    CHECK(nseen == 1);
    fx_free(&fx);
}

static void test_spec_temporal_ordered(void)
{
    static const char yaml[] = "title: Recon ordered\n"
                               "correlation:\n"
                               "    type: temporal_ordered\n"
                               "    rules:\n"
                               "        - recon_cmd_a\n"
                               "        - recon_cmd_b\n"
                               "        - recon_cmd_c\n"
                               "    group-by:\n"
                               "        - ComputerName\n"
                               "        - User\n"
                               "    timespan: 5m\n"
                               "---\n";
    char buf[2048], why[512];
    snprintf(buf, sizeof buf, "%s%s", yaml, recon_rules);
    struct fixture fx;
    CHECK(fx_load(&fx, buf, NULL, why, sizeof why));
    nseen = 0;
    cmd(&fx, "h1", "root", "uname", 0);
    cmd(&fx, "h1", "root", "id", 1);
    cmd(&fx, "h1", "root", "whoami", 2);
    CHECK(nseen == 0); /* c, b, a */
    cmd(&fx, "h1", "root", "uname", 3);
    CHECK(nseen == 0); /* a after b: still not a, b, c */
    cmd(&fx, "h1", "root", "id", 4);
    CHECK(nseen == 0); /* a (2), b (4): c missing after them */
    cmd(&fx, "h1", "root", "uname", 5);
    CHECK(nseen == 1 && seen[0].value == 3);
    nseen = 0;
    cmd(&fx, "h3", "root", "whoami", 0);
    cmd(&fx, "h3", "root", "uname", 1);
    cmd(&fx, "h3", "root", "id", 2);
    CHECK(nseen == 0); /* a, c, b */
    /* out of order arrival within the window: the event times decide the order */
    cmd(&fx, "h4", "root", "id", 20);
    cmd(&fx, "h4", "root", "whoami", 10);
    cmd(&fx, "h4", "root", "uname", 30);
    CHECK(nseen == 1 && !strcmp(seen[0].events, "whoami|id|uname"));
    fx_free(&fx);
}

static const char web_rule[] = "title: Website access\n"
                               "name: website_access\n"
                               "logsource: {category: proxy}\n"
                               "detection: {sel: {cs-method: POST}, condition: sel}\n";

static void post(struct fixture *fx, const char *ip, const char *bytes, double t)
{
    char i[64], b[64];
    snprintf(i, sizeof i, "SourceIP=%s", ip);
    snprintf(b, sizeof b, "bytes_sent=%s", bytes);
    event_reset(&ev);
    event_set_logsource(&ev, NULL, "proxy", NULL);
    event_add_cstr(&ev, "cs-method", "POST");
    event_add_dynamic(&ev, i, 8, i + 9, strlen(i + 9), FIELD_STR, true);
    event_add_cstr(&ev, "User", "u1");
    event_add_dynamic(&ev, b, 10, b + 11, strlen(b + 11), FIELD_INT, true);
    event_add_dynamic(&ev, "BytesOut", 8, b + 11, strlen(b + 11), FIELD_INT, true);
    fx_feed(fx, t, bytes);
}

static void test_spec_value_sum(void)
{
    static const char yaml[] = "title: Possible Exfiltration to Website\n"
                               "correlation:\n"
                               "    type: value_sum\n"
                               "    rules:\n"
                               "        - website_access\n"
                               "    group-by:\n"
                               "        - SourceIP\n"
                               "        - User\n"
                               "    timespan: 1h\n"
                               "    condition:\n"
                               "        field: bytes_sent\n"
                               "        gt: 1000000\n"
                               "---\n";
    char buf[2048], why[512];
    snprintf(buf, sizeof buf, "%s%s", yaml, web_rule);
    struct fixture fx;
    CHECK(fx_load(&fx, buf, NULL, why, sizeof why));
    nseen = 0;
    post(&fx, "10.0.0.1", "600000", 0);
    post(&fx, "10.0.0.2", "600000", 1);
    post(&fx, "10.0.0.1", "400000", 2);
    CHECK(nseen == 0); /* exactly 1000000 is not greater */
    post(&fx, "10.0.0.1", "many", 3);
    CHECK(fx_stats(&fx).no_value == 1 && nseen == 0);
    post(&fx, "10.0.0.1", "1", 4);
    CHECK(nseen == 1 && seen[0].value == 1000001);
    CHECK_STR(seen[0].groups, strlen(seen[0].groups), "SourceIP=10.0.0.1,User=u1");
    fx_free(&fx);
}

static void test_spec_value_avg(void)
{
    static const char yaml[] = "title: Suspicious average network traffic\n"
                               "correlation:\n"
                               "    type: value_avg\n"
                               "    rules: \n"
                               "        - website_access\n"
                               "    group-by:\n"
                               "        - SourceIP\n"
                               "        - User\n"
                               "    timespan: 24h\n"
                               "    condition:\n"
                               "        field: BytesOut\n"
                               "        gt: 500\n"
                               "---\n";
    char buf[2048], why[512];
    snprintf(buf, sizeof buf, "%s%s", yaml, web_rule);
    struct fixture fx;
    CHECK(fx_load(&fx, buf, NULL, why, sizeof why));
    nseen = 0;
    post(&fx, "10.0.0.1", "700", 0);
    CHECK(nseen == 0); /* an average is judged when its window ends */
    post(&fx, "10.0.0.1", "400", 100);
    post(&fx, "10.0.0.2", "450", 100);
    post(&fx, "10.0.0.2", "450", 200);
    CHECK(fx_advance(&fx, 86400) == 0 && nseen == 0); /* the window [0, 24h] is still open */
    CHECK(fx_advance(&fx, 86400.5) == 1 && nseen == 1);
    CHECK(seen[0].value == 550 && !strcmp(seen[0].groups, "SourceIP=10.0.0.1,User=u1"));
    CHECK(nseen == 1 && seen[0].first == 0 && seen[0].last == 100 * SEC);
    CHECK(fx_advance(&fx, 200000) == 0 && nseen == 1); /* 10.0.0.2 averaged 450 */
    CHECK(fx_stats(&fx).groups == 0 && fx_stats(&fx).hits == 0);
    /* a hit after the window closes its predecessor */
    post(&fx, "10.0.0.3", "900", 300000);
    post(&fx, "10.0.0.3", "100", 300000 + 86401);
    CHECK(nseen == 2 && seen[1].value == 900);
    fx_free(&fx);
}

static void test_spec_value_percentile(void)
{
    /* the specification's example: Image is not a number, so it aggregates nothing */
    static const char spec[] = "title: A computer spawned a processes name in the last 24h than 1% of all the "
                               "processes.\n"
                               "correlation:\n"
                               "    type: value_percentile\n"
                               "    rules: \n"
                               "        - process_creation\n"
                               "    group-by:\n"
                               "        - ComputerName\n"
                               "    timespan: 24h\n"
                               "    condition:\n"
                               "        field: Image\n"
                               "        lte: 1\n"
                               "---\n"
                               "title: process\nname: process_creation\nlogsource: {category: process_creation}\n"
                               "detection: {sel: {Image|endswith: '.exe'}, condition: sel}\n";
    struct fixture fx;
    char why[512];
    CHECK(fx_load(&fx, spec, NULL, why, sizeof why));
    const struct sigma_corr *c = sigma_corr_engine_get(fx.eng, 0);
    CHECK(c && c->type == SIGMA_CORR_VALUE_PERCENTILE && c->percentile == 50 && c->nfields == 1);
    event_reset(&ev);
    event_set_logsource(&ev, NULL, "process_creation", NULL);
    event_add_cstr(&ev, "Image", "C:\\x.exe");
    event_add_cstr(&ev, "ComputerName", "pc1");
    nseen = 0;
    fx_feed(&fx, 1, "{}");
    CHECK(fx_stats(&fx).no_value == 1 && fx_advance(&fx, 100000) == 0);
    fx_free(&fx);

    static const char p90[] = "title: Slow responses\n"
                              "correlation:\n"
                              "    type: value_percentile\n"
                              "    rules: [website_access]\n"
                              "    group-by: [SourceIP]\n"
                              "    timespan: 1m\n"
                              "    condition:\n"
                              "        field: bytes_sent\n"
                              "        percentile: 90\n"
                              "        gte: 200\n"
                              "---\n";
    char buf[2048];
    snprintf(buf, sizeof buf, "%s%s", p90, web_rule);
    CHECK(fx_load(&fx, buf, NULL, why, sizeof why));
    nseen = 0;
    char v[16];
    for (int i = 1; i <= 10; i++) { /* 10..90 and one 200 (a): p90 is 90; nine values up to 90, one 300 (b) */
        snprintf(v, sizeof v, "%d", i == 10 ? 100 : i * 10);
        post(&fx, "10.0.0.1", v, i);
        snprintf(v, sizeof v, "%d", i >= 9 ? 300 : i * 10);
        post(&fx, "10.0.0.2", v, i);
    }
    CHECK(fx_advance(&fx, 100) == 1);
    CHECK(nseen == 1 && seen[0].value == 300 && !strcmp(seen[0].groups, "SourceIP=10.0.0.2"));
    fx_free(&fx);
}

static void test_spec_aliases(void)
{
    static const char yaml[] = "title: internal error then connection\n"
                               "correlation:\n"
                               "    type: temporal\n"
                               "    rules:\n"
                               "        - internal_error\n"
                               "        - new_network_connection\n"
                               "    group-by:\n"
                               "        - internal_ip\n"
                               "        - remote_ip\n"
                               "    timespan: 10s\n"
                               "    aliases:\n"
                               "        internal_ip:\n"
                               "            internal_error: destination.ip\n"
                               "            new_network_connection: source.ip\n"
                               "        remote_ip:\n"
                               "            internal_error: source.ip\n"
                               "            new_network_connection: destination.ip\n"
                               "---\n"
                               "title: e\nname: internal_error\nlogsource: {category: webserver}\n"
                               "detection:\n"
                               "    selection:\n"
                               "        http.response.status_code: 500\n"
                               "    condition: selection\n"
                               "---\n"
                               "title: n\nname: new_network_connection\nlogsource: {category: network_connection}\n"
                               "detection:\n"
                               "    selection:\n"
                               "        event.category: network\n"
                               "        event.type: connection\n"
                               "        event.outcome: success\n"
                               "    condition: selection\n";
    struct fixture fx;
    char why[512];
    bool ok = fx_load(&fx, yaml, NULL, why, sizeof why);
    CHECK(ok);
    if (!ok)
        printf("# %s\n", why);
    nseen = 0;
    ev_make(NULL, NULL, "http.response.status_code=500", "destination.ip=10.0.0.5", "source.ip=203.0.113.9", END);
    ev.logsource.category = "webserver";
    fx_feed(&fx, 0, "err");
    ev_make(NULL, NULL, "event.category=network", "event.type=connection", "event.outcome=success",
            "source.ip=10.0.0.5", "destination.ip=198.51.100.1", END);
    ev.logsource.category = "network_connection";
    fx_feed(&fx, 5, "conn-other");
    CHECK(nseen == 0); /* another remote address */
    ev_make(NULL, NULL, "event.category=network", "event.type=connection", "event.outcome=success",
            "source.ip=10.0.0.5", "destination.ip=203.0.113.9", END);
    ev.logsource.category = "network_connection";
    fx_feed(&fx, 10, "conn");
    CHECK(nseen == 1);
    CHECK(nseen == 1 && !strcmp(seen[0].groups, "internal_ip=10.0.0.5,remote_ip=203.0.113.9"));
    CHECK(nseen == 1 && !strcmp(seen[0].events, "err|conn"));
    fx_free(&fx);
}

/* ---- engine behaviour ---- */

static const char two_rules[] = "title: A\nname: rule_a\nid: 11111111-1111-4111-8111-111111111111\n"
                                "logsource: {product: test}\n"
                                "detection: {sel: {kind: a}, condition: sel}\n"
                                "---\n"
                                "title: B\nname: rule_b\nlogsource: {product: test}\n"
                                "detection: {sel: {kind: b}, condition: sel}\n";

static void hit(struct fixture *fx, const char *kind, const char *user, double t, const char *json)
{
    char k[32], u[64];
    snprintf(k, sizeof k, "kind=%s", kind);
    snprintf(u, sizeof u, "User=%s", user ? user : "");
    if (user)
        ev_make("test", NULL, k, u, END);
    else
        ev_make("test", NULL, k, END);
    fx_feed(fx, t, json);
}

static bool load_with_rules(struct fixture *fx, const char *corr, const struct sigma_corr_options *opt)
{
    char buf[4096], why[512];
    snprintf(buf, sizeof buf, "%s---\n%s", corr, two_rules);
    bool ok = fx_load(fx, buf, opt, why, sizeof why);
    if (!ok)
        printf("# %s\n", why);
    return ok;
}

static void test_rearm_and_events(void)
{
    struct fixture fx;
    struct sigma_corr_options opt = { .max_events = 3 };
    CHECK(load_with_rules(&fx, "title: three\ncorrelation: {type: event_count, rules: [rule_a], group-by: [User], "
                               "timespan: 1m, condition: {gte: 3}}\n", &opt));
    nseen = 0;
    hit(&fx, "a", "u", 1, "e1");
    hit(&fx, "a", "u", 2, "e2");
    hit(&fx, "a", "u", 3, "e3");
    CHECK(nseen == 1 && !strcmp(seen[0].events, "e1|e2|e3"));
    hit(&fx, "a", "u", 4, "e4");
    hit(&fx, "a", "u", 5, "e5");
    CHECK(nseen == 1); /* one alert per burst */
    hit(&fx, "a", "u", 6, "e6");
    CHECK(nseen == 2 && !strcmp(seen[1].events, "e4|e5|e6") && seen[1].first == 4 * SEC);
    /* max_events bounds what is kept and reported: with gte 5, the three newest */
    fx_free(&fx);
    CHECK(load_with_rules(&fx, "title: five\ncorrelation: {type: event_count, rules: [rule_a], group-by: [User], "
                               "timespan: 1m, condition: {gte: 5}}\n", &opt));
    nseen = 0;
    for (int i = 1; i <= 5; i++) {
        char j[8];
        snprintf(j, sizeof j, "e%d", i);
        hit(&fx, "a", "u", i, j);
    }
    CHECK(nseen == 1 && seen[0].nevents == 3 && !strcmp(seen[0].events, "e3|e4|e5") && seen[0].value == 5);
    /* a missing group-by field is the empty value */
    hit(&fx, "a", NULL, 10, "x");
    hit(&fx, "a", "", 10, "x");
    CHECK(fx_stats(&fx).groups == 1);
    fx_free(&fx);
}

/* value_count over a long pseudo-random stream against a direct model of the documented
 * semantics: window = hits within timespan of the newest, fire at >= 8 distinct, then reset */
static void test_value_count_model(void)
{
    struct fixture fx;
    CHECK(load_with_rules(&fx, "title: model\ncorrelation: {type: value_count, rules: [rule_a], group-by: [User], "
                               "timespan: 10s, condition: {field: v, gte: 8}}\n", NULL));
    int64_t wt[64] = { 0 };
    int wv[64] = { 0 };
    size_t wn = 0, want = 0, agree = 0;
    uint32_t rnd = 12345;
    int64_t t = 0;
    nseen = 0;
    for (int i = 0; i < 3000; i++) {
        rnd = rnd * 1103515245u + 12345u;
        t += (rnd >> 16) % 3;
        int v = (int)((rnd >> 8) % 12);
        /* the model */
        size_t keep = 0;
        for (size_t j = 0; j < wn; j++)
            if (wt[j] >= t - 10) {
                wt[keep] = wt[j];
                wv[keep++] = wv[j];
            }
        wn = keep;
        wt[wn] = t;
        wv[wn++] = v;
        bool seen_v[12] = { false };
        size_t distinct = 0;
        for (size_t j = 0; j < wn; j++)
            if (!seen_v[wv[j]]) {
                seen_v[wv[j]] = true;
                distinct++;
            }
        bool fires = distinct >= 8;
        int64_t first = wt[0];
        if (fires) {
            want++;
            wn = 0;
        }
        /* the engine */
        char vb[16];
        snprintf(vb, sizeof vb, "v=%d", v);
        ev_make("test", NULL, "kind=a", "User=m", vb, END);
        size_t before = nseen;
        if (nseen == MM_ARRAY_LEN(seen))
            nseen = before = 0;
        fx_feed(&fx, (double)t, "x");
        bool fired = nseen > before;
        agree += fired == fires &&
                 (!fired || (seen[before].value == (double)distinct && seen[before].first == first * SEC));
    }
    CHECK(agree == 3000);
    CHECK(want > 100); /* the stream did fire often */
    CHECK(fx_stats(&fx).bytes > 0);
    fx_advance(&fx, (double)t + 11);
    CHECK(fx_stats(&fx).groups == 0 && fx_stats(&fx).hits == 0);
    fx_free(&fx);
}

static void test_late_and_expiry(void)
{
    struct fixture fx;
    CHECK(load_with_rules(&fx, "title: late\ncorrelation: {type: event_count, rules: [rule_a], group-by: [User], "
                               "timespan: 10s, condition: {gte: 3}}\n", NULL));
    nseen = 0;
    hit(&fx, "a", "u", 100, "e100");
    hit(&fx, "a", "u", 89, "e89"); /* more than the timespan behind the group's newest */
    CHECK(fx_stats(&fx).late_hits == 1 && fx_stats(&fx).hits == 1);
    hit(&fx, "a", "u", 95, "e95"); /* late but within: taken, in time order */
    hit(&fx, "a", "u", 99, "e99");
    CHECK(nseen == 1 && !strcmp(seen[0].events, "e95|e99|e100") && seen[0].first == 95 * SEC &&
          seen[0].last == 100 * SEC);
    hit(&fx, "a", "v", 200, "x");
    hit(&fx, "a", "w", 205, "x");
    CHECK(fx_stats(&fx).groups == 2);
    size_t before = fx_stats(&fx).bytes;
    CHECK(fx_advance(&fx, 212) == 0);
    CHECK(fx_stats(&fx).groups == 1 && fx_stats(&fx).expired_groups == 1 && fx_stats(&fx).bytes < before);
    fx_advance(&fx, 216);
    CHECK(fx_stats(&fx).groups == 0 && fx_stats(&fx).hits == 0);
    fx_free(&fx);

    /* conditions that fewer events meet are judged when the window ends */
    CHECK(load_with_rules(&fx, "title: few\ncorrelation: {type: event_count, rules: [rule_a], group-by: [User], "
                               "timespan: 10s, condition: {gt: 1, lt: 3}}\n", NULL));
    nseen = 0;
    hit(&fx, "a", "u", 0, "x");
    hit(&fx, "a", "u", 1, "x");
    hit(&fx, "a", "v", 0, "x");
    hit(&fx, "a", "v", 1, "x");
    hit(&fx, "a", "v", 2, "x");
    hit(&fx, "a", "w", 0, "x");
    CHECK(nseen == 0);
    CHECK(fx_advance(&fx, 11) == 1 && nseen == 1 && !strcmp(seen[0].groups, "User=u") && seen[0].value == 2);
    fx_free(&fx);
}

static void test_chain_generate(void)
{
    /* an outer correlation over an inner one, both alerting because the outer says generate */
    struct fixture fx;
    CHECK(load_with_rules(&fx,
                          "title: outer\ngenerate: true\nlevel: critical\n"
                          "correlation: {type: event_count, rules: [inner], group-by: [User], timespan: 1h, "
                          "condition: {gte: 2}}\n"
                          "---\n"
                          "title: inner\nname: inner\nlevel: low\n"
                          "correlation: {type: temporal, rules: [rule_a, rule_b], group-by: [User], timespan: 1m}\n",
                          NULL));
    bool gen = false;
    CHECK(sigma_corr_rule_referenced(fx.eng, fx_rule(&fx, "rule_a"), &gen) && !gen);
    nseen = 0;
    hit(&fx, "a", "u", 0, "a1");
    hit(&fx, "b", "u", 1, "b1");
    CHECK(nseen == 1 && !strcmp(seen[0].title, "inner"));
    hit(&fx, "b", "u", 100, "b2");
    hit(&fx, "a", "u", 101, "a2");
    CHECK(nseen == 3 && !strcmp(seen[1].title, "inner") && !strcmp(seen[2].title, "outer"));
    CHECK(nseen == 3 && !strcmp(seen[2].level, "critical") && seen[2].value == 2 &&
          !strcmp(seen[2].events, "a1|b1|b2|a2") && !strcmp(seen[2].groups, "User=u"));
    CHECK(nseen == 3 && seen[2].first == 1 * SEC && seen[2].last == 101 * SEC);
    fx_free(&fx);

    /* generate on a correlation over base rules: their own matches alert too */
    CHECK(load_with_rules(&fx, "title: g\ngenerate: true\ncorrelation: {type: event_count, rules: [rule_b], "
                               "group-by: [User], timespan: 1m, condition: {gte: 2}}\n", NULL));
    CHECK(sigma_corr_rule_referenced(fx.eng, fx_rule(&fx, "rule_b"), &gen) && gen);
    CHECK(!sigma_corr_rule_referenced(fx.eng, fx_rule(&fx, "rule_a"), &gen) && gen);
    hit(&fx, "b", "u", 0, "x");
    hit(&fx, "a", "u", 0, "x");
    CHECK(fx.standalone == 2);
    fx_free(&fx);

    /* a correlation judged at window end feeds its referrer from sigma_corr_advance: the outer
     * groups by the inner's group value, as no event is at hand */
    CHECK(load_with_rules(&fx, "title: outer\ncorrelation: {type: event_count, rules: [avg], group-by: [User], "
                               "timespan: 1d, condition: {gte: 1}}\n---\n"
                               "title: avg\nname: avg\ncorrelation: {type: value_avg, rules: [rule_a], "
                               "group-by: [User], timespan: 1m, condition: {field: n, gt: 10}}\n",
                          NULL));
    nseen = 0;
    ev_make("test", NULL, "kind=a", "User=zed", "n=30", END);
    fx_feed(&fx, 0, "z1");
    ev_make("test", NULL, "kind=a", "User=zed", "n=0", END);
    fx_feed(&fx, 30, "z2");
    CHECK(nseen == 0 && fx_advance(&fx, 61) == 1);
    CHECK(nseen == 1 && !strcmp(seen[0].title, "outer") && !strcmp(seen[0].groups, "User=zed") &&
          !strcmp(seen[0].events, "z1|z2") && seen[0].value == 1);
    CHECK(fx_stats(&fx).suppressed == 1 && fx_stats(&fx).fired == 2);
    fx_free(&fx);

    /* references by id work too */
    CHECK(load_with_rules(&fx, "title: byid\ncorrelation: {type: event_count, rules: "
                               "[11111111-1111-4111-8111-111111111111], timespan: 1m, condition: {gte: 2}}\n",
                          NULL));
    nseen = 0;
    hit(&fx, "a", "u", 0, "x");
    hit(&fx, "a", "v", 1, "x"); /* no group-by: one group */
    CHECK(nseen == 1 && seen[0].groups[0] == '\0');
    fx_free(&fx);
}

static void test_memory_cap(void)
{
    struct fixture fx;
    struct sigma_corr_options opt = { .max_bytes = 6000 };
    CHECK(load_with_rules(&fx, "title: cap\ncorrelation: {type: event_count, rules: [rule_a], group-by: [User], "
                               "timespan: 1h, condition: {gte: 2}}\n", &opt));
    nseen = 0;
    static const char big[] = "0123456789012345678901234567890123456789012345678901234567890123456789"
                              "0123456789012345678901234567890123456789012345678901234567890123456789";
    hit(&fx, "a", "first", 0, big);
    char user[32];
    for (int i = 0; i < 40; i++) {
        snprintf(user, sizeof user, "user%d", i);
        hit(&fx, "a", user, 1 + i, big);
        if (i == 5)
            hit(&fx, "a", "user0", 7, big); /* user0 fires and re-arms: nothing kept */
    }
    struct sigma_corr_stats st = fx_stats(&fx);
    CHECK(st.evicted_groups > 0);
    CHECK(st.bytes <= 6000 && st.max_bytes == 6000);
    CHECK(st.groups + st.evicted_groups == 40); /* 41 groups, user0's freed by firing */
    CHECK(nseen == 1);
    /* the least recently updated went first: "first" is gone, the newest group is kept */
    hit(&fx, "a", "first", 50, big);
    CHECK(nseen == 1);
    hit(&fx, "a", "user39", 51, big);
    CHECK(nseen == 2 && !strcmp(seen[1].groups, "User=user39"));
    /* an event larger than the cap is refused and counted */
    char *huge = mm_calloc(7000, 1);
    memset(huge, 'x', 6999);
    hit(&fx, "a", "huge", 60, huge);
    mm_free(huge);
    CHECK(fx_stats(&fx).refused_hits == 1 && fx_stats(&fx).bytes <= 6000);
    fx_free(&fx);
}

/* ---- refusals ---- */

static bool refused(const char *yaml, const char *want)
{
    struct ynode **docs;
    size_t nd;
    struct mm_error err = { "" };
    if (ytree_load(yaml, strlen(yaml), &docs, &nd, &err) != MM_OK) {
        printf("# yaml: %s\n", err.msg);
        return false;
    }
    struct sigma_corr *c = nd == 1 ? sigma_corr_compile(docs[0], "t.yml", &err) : NULL;
    ytree_free_docs(docs, nd);
    bool ok = !c && strstr(err.msg, want) && !strncmp(err.msg, "line ", 5);
    if (!ok)
        printf("# got '%s', want '%s'\n", c ? "(compiled)" : err.msg, want);
    sigma_corr_free(c);
    return ok;
}

#define HEAD "title: t\ncorrelation:\n"

static void test_refusals(void)
{
    CHECK(refused("correlation: {type: event_count}\n", "line 1: no title"));
    CHECK(refused(HEAD "  rules: [a]\n"
                  "  timespan: 1m\n"
                  "  condition: {gte: 1}\n",
                  "line 3: the correlation has no 'type'"));
    CHECK(refused(HEAD "  type: event_sum\n", "line 3: unknown correlation type 'event_sum'"));
    CHECK(refused(HEAD "  type: event_count\n"
                  "  rules: [a]\n"
                  "  timespan: 5x\n"
                  "  condition: {gte: 1}\n",
                  "line 5: timespan '5x' has an unknown unit"));
    CHECK(refused(HEAD "  type: event_count\n"
                  "  rules: [a]\n"
                  "  timespan: 0m\n"
                  "  condition: {gte: 1}\n",
                  "timespan '0m' is zero"));
    CHECK(refused(HEAD "  type: event_count\n"
                  "  rules: [a]\n"
                  "  timespan: 1.5h\n"
                  "  condition: {gte: 1}\n",
                  "is not a number and a unit"));
    CHECK(refused(HEAD "  type: event_count\n"
                  "  rules: [a]\n"
                  "  timespan: 99999999999999999999d\n"
                  "  condition: {gte: 1}\n",
                  "not a number and a unit"));
    CHECK(refused(HEAD "  type: event_count\n  rules: [a]\n  timespan: 1m\n", "event_count needs a condition"));
    CHECK(refused(HEAD "  type: event_count\n  rules: [a]\n  condition: {gte: 1}\n", "no 'timespan'"));
    CHECK(refused(HEAD "  type: event_count\n  timespan: 1m\n  condition: {gte: 1}\n", "no 'rules'"));
    CHECK(refused(HEAD "  type: value_count\n"
                  "  rules: [a]\n"
                  "  timespan: 1m\n"
                  "  condition: {gte: 1}\n",
                  "line 6: value_count needs 'field'"));
    CHECK(refused(HEAD "  type: value_sum\n"
                  "  rules: [a]\n"
                  "  timespan: 1m\n"
                  "  condition: {field: [x, y], gt: 1}\n",
                  "aggregates one numeric field"));
    CHECK(refused(HEAD "  type: event_count\n"
                  "  rules: [a]\n"
                  "  timespan: 1m\n"
                  "  condition: {field: x, gte: 1}\n",
                  "takes no field"));
    CHECK(refused(HEAD "  type: temporal\n  rules: [a]\n  timespan: 1m\n", "temporal needs at least two rules"));
    CHECK(refused(HEAD "  type: temporal_ordered\n"
                  "  rules: [a, b]\n"
                  "  timespan: 1m\n"
                  "  condition: {gte: 2}\n",
                  "temporal_ordered takes no condition"));
    CHECK(refused(HEAD "  type: event_count\n"
                  "  rules: [a]\n"
                  "  timespan: 1m\n"
                  "  condition: {gte: 1, most: 2}\n",
                  "line 6: unknown condition 'most'"));
    CHECK(refused(HEAD "  type: event_count\n"
                  "  rules: [a]\n"
                  "  timespan: 1m\n"
                  "  condition: {gte: ten}\n",
                  "condition 'gte' needs a number"));
    CHECK(refused(HEAD "  type: event_count\n"
                  "  rules: [a]\n"
                  "  timespan: 1m\n"
                  "  condition: gte 10\n",
                  "condition must be a mapping"));
    CHECK(refused(HEAD "  type: event_count\n"
                  "  rules: [a, a]\n"
                  "  timespan: 1m\n"
                  "  condition: {gte: 1}\n",
                  "'rules' lists 'a' twice"));
    CHECK(refused(HEAD "  type: event_count\n"
                  "  rules: a\n"
                  "  timespan: 1m\n"
                  "  condition: {gte: 1}\n",
                  "line 4: 'rules' must be a non-empty list"));
    CHECK(refused(HEAD "  type: event_count\n"
                  "  rules: [a]\n"
                  "  timespan: 1m\n"
                  "  condition: {gte: 1}\n"
                  "  window: 5\n",
                  "line 7: unknown correlation attribute 'window'"));
    CHECK(refused(HEAD "  type: value_percentile\n"
                  "  rules: [a]\n"
                  "  timespan: 1m\n"
                  "  condition: {field: x, percentile: 101, gt: 1}\n",
                  "percentile must be in (0, 100]"));
    CHECK(refused(HEAD "  type: value_sum\n"
                  "  rules: [a]\n"
                  "  timespan: 1m\n"
                  "  condition: {field: x, percentile: 50, gt: 1}\n",
                  "only for value_percentile"));
    CHECK(refused(HEAD "  type: temporal\n"
                  "  rules: [a, b]\n"
                  "  group-by: [ip]\n"
                  "  timespan: 1m\n"
                  "  aliases: {other: {a: x}}\n",
                  "alias 'other' is used neither"));
    CHECK(refused(HEAD "  type: temporal\n"
                  "  rules: [a, b]\n"
                  "  timespan: 1m\n"
                  "  aliases: {ip: [x]}\n",
                  "alias must map rule names"));
    CHECK(refused("title: t\n"
                  "generate: yes\n"
                  "correlation: {type: temporal, rules: [a, b], timespan: 1m}\n",
                  "line 2: generate must be true or false"));
    CHECK(refused("title: t\ncorrelation: [1]\n", "line 2: 'correlation' must be a mapping"));
    CHECK(refused("title: t\nlevel: severe\ncorrelation: {type: temporal, rules: [a, b], timespan: 1m}\n",
                  "line 2: unknown level 'severe'"));
    CHECK(refused("title: t\nstatus: beta\ncorrelation: {type: temporal, rules: [a, b], timespan: 1m}\n",
                  "line 2: unknown status 'beta'"));
    CHECK(refused("title: t\ndetection: {s: {a: 1}, condition: s}\n"
                  "correlation: {type: temporal, rules: [a, b], timespan: 1m}\n",
                  "line 1: a document has either 'correlation' or 'detection'"));

    /* references are checked when the engine is built */
    struct fixture fx;
    char why[512];
    CHECK(!fx_load(&fx, "title: outer\ncorrelation: {type: temporal, rules: [rule_a, nosuch], timespan: 1m}\n---\n"
                        "title: A\nname: rule_a\nlogsource: {product: x}\ndetection: {s: {k: a}, condition: s}\n",
                   NULL, why, sizeof why) &&
          !strcmp(why, "correlation 'outer': unknown rule 'nosuch'"));
    fx_free(&fx);
    CHECK(!fx_load(&fx, "title: one\nname: one\ncorrelation: {type: event_count, rules: [two], timespan: 1m, "
                        "condition: {gte: 1}}\n---\n"
                        "title: two\nname: two\ncorrelation: {type: event_count, rules: [one], timespan: 1m, "
                        "condition: {gte: 1}}\n",
                   NULL, why, sizeof why) &&
          strstr(why, "reference cycle"));
    fx_free(&fx);
    CHECK(!fx_load(&fx, "title: c\ncorrelation: {type: event_count, rules: [dup], timespan: 1m, condition: {gte: 1}}\n"
                        "---\ntitle: A\nname: dup\nlogsource: {product: x}\ndetection: {s: {k: a}, condition: s}\n"
                        "---\ntitle: B\nname: dup\nlogsource: {product: x}\ndetection: {s: {k: b}, condition: s}\n",
                   NULL, why, sizeof why) &&
          strstr(why, "'dup' is ambiguous"));
    fx_free(&fx);
    CHECK(!fx_load(&fx, "title: c\ncorrelation: {type: temporal, rules: [rule_a, rule_b], group-by: [ip], "
                        "timespan: 1m, "
                        "aliases: {ip: {rule_x: src}}}\n---\n" "title: A\nname: rule_a\nlogsource: {product: x}\n"
                        "detection: {s: {k: a}, condition: s}\n---\ntitle: B\nname: rule_b\nlogsource: {product: x}\n"
                        "detection: {s: {k: b}, condition: s}\n",
                   NULL, why, sizeof why) &&
          strstr(why, "alias 'ip' names rule 'rule_x', which it does not reference"));
    fx_free(&fx);
}

static void test_condition_ops(void)
{
    struct sigma_corr c = { .nrules = 3 };
    CHECK(sigma_corr_condition_met(&c, 3) && !sigma_corr_condition_met(&c, 2)); /* temporal default: all */
    c.cond_ops = 1u << SIGMA_CORR_GT | 1u << SIGMA_CORR_LTE;
    c.cond_val[SIGMA_CORR_GT] = 100;
    c.cond_val[SIGMA_CORR_LTE] = 200;
    CHECK(!sigma_corr_condition_met(&c, 100) && sigma_corr_condition_met(&c, 101) &&
          sigma_corr_condition_met(&c, 200) && !sigma_corr_condition_met(&c, 201));
    c.cond_ops = 1u << SIGMA_CORR_NEQ;
    c.cond_val[SIGMA_CORR_NEQ] = 5;
    CHECK(!sigma_corr_condition_met(&c, 5) && sigma_corr_condition_met(&c, 4));
    c.cond_ops = 1u << SIGMA_CORR_EQ;
    c.cond_val[SIGMA_CORR_EQ] = 5;
    CHECK(sigma_corr_condition_met(&c, 5) && !sigma_corr_condition_met(&c, 6));
}

int main(void)
{
    event_init(&ev);
    test_spec_brute_force();
    test_spec_event_count();
    test_spec_value_count();
    test_spec_temporal();
    test_spec_temporal_ordered();
    test_spec_value_sum();
    test_spec_value_avg();
    test_spec_value_percentile();
    test_spec_aliases();
    test_rearm_and_events();
    test_late_and_expiry();
    test_value_count_model();
    test_chain_generate();
    test_memory_cap();
    test_refusals();
    test_condition_ops();
    event_release(&ev);
    return UNIT_DONE();
}
