/* SPDX-License-Identifier: Apache-2.0 */
/* test_filter.c: Sigma filters: the specification's example with pySigma's semantics
 * (`(rule) and (filter condition)`), several filters on one rule, references by id and by name,
 * `rules: any`, log-source coverage, modifiers in filters, the reasons a filter is refused, and
 * that a filter only ever removes matches, with or without the prefilter. */
#include "unit.h"
#include "sigma/filter.h"
#include "sigma/ruleset.h"

/* two rules with the ids of the specification's example */
static const char rules_yaml[] = "title: Data Compressed - rar.exe\n"
                                 "id: 6f3e2987-db24-4c78-a860-b4f4095a7095\n"
                                 "name: rar_compress\n"
                                 "logsource: {category: process_creation, product: windows}\n"
                                 "detection:\n"
                                 "  selection:\n"
                                 "    Image|endswith: '\\rar.exe'\n"
                                 "  condition: selection\n"
                                 "---\n"
                                 "title: Login on jump host\n"
                                 "id: df0841c0-9846-4e9f-ad8a-7df91571771b\n"
                                 "logsource: {category: process_creation, product: windows}\n"
                                 "detection:\n"
                                 "  selection:\n"
                                 "    CommandLine|contains: 'mstsc'\n"
                                 "  condition: selection\n"
                                 "---\n"
                                 "title: Failed logon\n"
                                 "id: 0e95725d-7320-415d-80f7-004da920fc11\n"
                                 "logsource: {product: windows, service: security}\n"
                                 "detection:\n"
                                 "  selection:\n"
                                 "    EventID: 4625\n"
                                 "  condition: selection\n";

/* the specification's example filter, with the condition as pySigma's own tests write it */
static const char spec_filter[] =
    "title: Filter Administrator account\n"
    "description: The valid administrator account start with adm_\n"
    "logsource:\n"
    "    category: process_creation\n"
    "    product: windows\n"
    "filter:\n"
    "    rules:\n"
    "        - 6f3e2987-db24-4c78-a860-b4f4095a7095 # Data Compressed - rar.exe\n"
    "        - df0841c0-9846-4e9f-ad8a-7df91571771b # Login on jump host\n"
    "    selection:\n"
    "        User|startswith: 'adm_'\n"
    "    condition: not selection\n";

struct fired {
    char titles[1024];
    char suppressed[1024];
};

static void on_hit(void *ctx, const struct sigma_rule *r, const char *why)
{
    (void)why;
    struct fired *f = ctx;
    size_t n = strlen(f->titles);
    snprintf(f->titles + n, sizeof f->titles - n, "%s%s", n ? "|" : "", r->title);
}

static void on_suppressed(void *ctx, const struct sigma_rule *r, const struct sigma_filter *flt)
{
    struct fired *f = ctx;
    size_t n = strlen(f->suppressed);
    snprintf(f->suppressed + n, sizeof f->suppressed - n, "%s%s<%s", n ? "|" : "", r->title,
             flt->rule->title);
}

static struct event ev;

static void ev_proc(const char *image, const char *cmdline, const char *user)
{
    event_reset(&ev);
    ev.raw = "";
    ev.raw_len = 0;
    event_set_logsource(&ev, "windows", "process_creation", "sysmon");
    event_add(&ev, "Image", image, strlen(image));
    event_add(&ev, "CommandLine", cmdline, strlen(cmdline));
    event_add(&ev, "User", user, strlen(user));
}

/* Load every document of yaml (rules and filters) into rs. Returns the number refused. */
static size_t load(struct sigma_ruleset *rs, const char *yaml, const char *path, char *why,
                   size_t whylen)
{
    struct ynode **docs;
    size_t nd, refused = 0;
    struct mm_error err = { "" };
    if (ytree_load(yaml, strlen(yaml), &docs, &nd, &err) != MM_OK) {
        snprintf(why, whylen, "%s", err.msg);
        return 1;
    }
    for (size_t i = 0; i < nd; i++) {
        if (sigma_doc_kind(docs[i]) == SIGMA_DOC_FILTER) {
            struct sigma_filter *f = sigma_filter_compile(docs[i], path, NULL, &err);
            if (f) {
                sigma_ruleset_add_filter(rs, f);
            } else {
                refused++;
                snprintf(why, whylen, "%s", err.msg);
            }
            continue;
        }
        struct sigma_rule *r = sigma_rule_compile(docs[i], path, &err);
        struct sigma_compiled *c = r ? sigma_compile_matchers(r, &err) : NULL;
        if (c) {
            sigma_ruleset_add(rs, r, c);
        } else {
            sigma_rule_free(r);
            refused++;
            snprintf(why, whylen, "%s", err.msg);
        }
    }
    ytree_free_docs(docs, nd);
    return refused;
}

/* A ruleset of the rules above plus filters_yaml; NULL when something is refused or the build fails
 * (the reason in why). */
static struct sigma_ruleset *ruleset(const char *filters_yaml, bool prefilter, char *why,
                                     size_t whylen)
{
    struct sigma_ruleset *rs = sigma_ruleset_new();
    why[0] = '\0';
    struct mm_error err = { "" };
    if (load(rs, rules_yaml, "rules.yml", why, whylen) ||
        load(rs, filters_yaml, "mf_test.yml", why, whylen) ||
        sigma_ruleset_build(rs, prefilter, &err) != MM_OK) {
        if (!why[0])
            snprintf(why, whylen, "%s", err.msg);
        sigma_ruleset_free(rs);
        return NULL;
    }
    return rs;
}

/* Match the current event; what fired and what was suppressed go to out. */
static size_t run(struct sigma_ruleset *rs, struct fired *out)
{
    memset(out, 0, sizeof *out);
    struct sigma_scratch *s = sigma_scratch_new(rs);
    size_t n = sigma_ruleset_match_report(rs, s, &ev, on_hit, on_suppressed, out);
    sigma_scratch_free(s);
    return n;
}

static void test_spec_example(void)
{
    char why[600];
    struct fired f;
    for (int pf = 0; pf < 2; pf++) {
        struct sigma_ruleset *rs = ruleset(spec_filter, pf, why, sizeof why);
        CHECK(rs != NULL);
        if (!rs) {
            printf("# %s\n", why);
            continue;
        }
        /* an ordinary user: both rules fire */
        ev_proc("C:\\Program Files\\WinRAR\\rar.exe", "rar a x.rar docs mstsc", "CORP\\bob");
        ev.raw = "rar.exe mstsc";
        ev.raw_len = strlen(ev.raw);
        CHECK(run(rs, &f) == 2);
        CHECK(strstr(f.titles, "Data Compressed - rar.exe") &&
              strstr(f.titles, "Login on jump host"));
        CHECK(f.suppressed[0] == '\0');
        /* an administrator: the filter removes both matches */
        ev_proc("C:\\Program Files\\WinRAR\\rar.exe", "rar a x.rar docs mstsc", "adm_tanaka");
        CHECK(run(rs, &f) == 0);
        CHECK(strstr(f.suppressed, "Data Compressed - rar.exe<Filter Administrator account") &&
              strstr(f.suppressed, "Login on jump host<Filter Administrator account") &&
              !f.titles[0]);
        /* the modifier is the rule's own: startswith, so "xadm_" is not an administrator */
        ev_proc("C:\\Program Files\\WinRAR\\rar.exe", "rar a x.rar", "xadm_eve");
        CHECK(run(rs, &f) == 1);
        struct sigma_ruleset_stats st;
        sigma_ruleset_stats(rs, &st);
        CHECK(st.filters == 1 && st.filtered_rules == 2);
        CHECK(st.suppressed == 2 && st.matches == 3);
        sigma_ruleset_free(rs);
    }
    /* the specification's example as printed (`condition: selection`): pySigma ANDs it with the
     * rule, so only administrators' matches stay. We do the same and document it. */
    char literal[sizeof spec_filter];
    snprintf(literal, sizeof literal, "%s", spec_filter);
    char *c = strstr(literal, "condition: not selection");
    memmove(c + strlen("condition: "), c + strlen("condition: not "),
            strlen(c + strlen("condition: not ")) + 1);
    struct sigma_ruleset *rs = ruleset(literal, true, why, sizeof why);
    CHECK(rs != NULL);
    if (rs) {
        ev_proc("C:\\rar.exe", "rar a", "adm_tanaka");
        CHECK(run(rs, &f) == 1);
        ev_proc("C:\\rar.exe", "rar a", "bob");
        CHECK(run(rs, &f) == 0);
        CHECK_STR(f.suppressed, strlen(f.suppressed),
                  "Data Compressed - rar.exe<Filter Administrator account");
        sigma_ruleset_free(rs);
    }
}

static void test_several_filters(void)
{
    char why[600];
    struct fired f;
    /* two filters on the rar rule (one by name), one of them also on the jump-host rule */
    struct sigma_ruleset *rs =
        ruleset("title: backup job\n"
                "logsource: {product: windows}\n"
                "filter:\n"
                "  rules: rar_compress\n"
                "  backup:\n"
                "    CommandLine|contains|all: [' a ', '\\\\backup\\\\']\n"
                "  condition: not backup\n"
                "---\n"
                "title: service account\n"
                "logsource: {category: process_creation}\n"
                "filter:\n"
                "  rules: [rar_compress, df0841c0-9846-4e9f-ad8a-7df91571771b]\n"
                "  svc:\n"
                "    User|re: '^CORP\\\\svc_[a-z]+$'\n"
                "  condition: not svc\n",
                true, why, sizeof why);
    CHECK(rs != NULL);
    if (!rs) {
        printf("# %s\n", why);
        return;
    }
    ev_proc("C:\\rar.exe", "rar a D:\\backup\\x.rar", "CORP\\bob");
    CHECK(run(rs, &f) == 0);
    CHECK_STR(f.suppressed, strlen(f.suppressed), "Data Compressed - rar.exe<backup job");
    ev_proc("C:\\rar.exe", "rar a D:\\share\\x.rar", "CORP\\svc_sync");
    CHECK(run(rs, &f) == 0);
    CHECK_STR(f.suppressed, strlen(f.suppressed), "Data Compressed - rar.exe<service account");
    /* both filters hold: the match stands */
    ev_proc("C:\\rar.exe", "rar a D:\\share\\x.rar", "CORP\\svc_Sync2");
    CHECK(run(rs, &f) == 1);
    CHECK_STR(f.titles, strlen(f.titles), "Data Compressed - rar.exe");
    /* the jump-host rule has only the service-account filter */
    ev_proc("C:\\Windows\\mstsc.exe", "mstsc /v:jump \\backup\\ a ", "CORP\\bob");
    CHECK(run(rs, &f) == 1);
    CHECK_STR(f.titles, strlen(f.titles), "Login on jump host");
    /* a filter never adds a match: an event no rule matches stays without matches */
    ev_proc("C:\\Windows\\notepad.exe", "notepad", "CORP\\svc_sync");
    CHECK(run(rs, &f) == 0 && !f.suppressed[0]);
    sigma_ruleset_free(rs);
}

static void test_any_and_cidr(void)
{
    char why[600];
    struct fired f;
    struct sigma_ruleset *rs = ruleset("title: scanner subnet\n"
                                       "logsource: {product: windows, service: security}\n"
                                       "filter:\n"
                                       "  rules: any\n"
                                       "  scanner:\n"
                                       "    IpAddress|cidr: 10.9.0.0/16\n"
                                       "  condition: not scanner\n",
                                       true, why, sizeof why);
    CHECK(rs != NULL);
    if (!rs) {
        printf("# %s\n", why);
        return;
    }
    struct sigma_ruleset_stats st;
    sigma_ruleset_stats(rs, &st);
    CHECK(st.filtered_rules == 1); /* only the rule of the security log source */
    event_reset(&ev);
    ev.raw = "";
    event_set_logsource(&ev, "windows", NULL, "security");
    event_add_int(&ev, "EventID", 4625);
    event_add_cstr(&ev, "IpAddress", "10.9.3.4");
    CHECK(run(rs, &f) == 0);
    CHECK_STR(f.suppressed, strlen(f.suppressed), "Failed logon<scanner subnet");
    event_set(&ev, "IpAddress", "10.10.3.4", 9);
    CHECK(run(rs, &f) == 1);
    sigma_ruleset_free(rs);
}

static bool build_fails(const char *filter, const char *want)
{
    char why[600];
    struct sigma_ruleset *rs = ruleset(filter, true, why, sizeof why);
    if (rs) {
        sigma_ruleset_free(rs);
        printf("# built, should not\n");
        return false;
    }
    if (!strstr(why, want))
        printf("# %s\n", why);
    return strstr(why, want) != NULL;
}

static void test_problems(void)
{
    /* an unknown reference: the filter's path, title and the reference */
    CHECK(build_fails(
        "title: typo\nlogsource: {product: windows}\n"
        "filter:\n  rules: [rar_compress, 6f3e2987-0000-0000-0000-000000000000]\n"
        "  sel: {User: x}\n  condition: not sel\n",
        "mf_test.yml: filter 'typo': unknown rule '6f3e2987-0000-0000-0000-000000000000'"));
    CHECK(build_fails("title: two\nlogsource: {product: windows}\n"
                      "filter:\n  rules: [nope1, nope2]\n  sel: {User: x}\n  condition: not sel\n",
                      "unknown rule 'nope1' (and 1 more problems with filters)"));
    /* a rule whose log source the filter does not cover */
    CHECK(build_fails(
        "title: wrong source\nlogsource: {product: linux}\n"
        "filter:\n  rules: rar_compress\n  sel: {User: x}\n  condition: not sel\n",
        "filter 'wrong source': log source (product=linux) does not cover rule 'rar_compress' "
        "(product=windows category=process_creation)"));
    CHECK(build_fails("title: narrower\nlogsource: {product: windows, category: process_creation, "
                      "service: sysmon}\n"
                      "filter:\n  rules: rar_compress\n  sel: {User: x}\n  condition: not sel\n",
                      "does not cover rule 'rar_compress'"));

    /* sigma_filters_check lists every problem */
    struct ynode **docs;
    size_t nd;
    struct mm_error err;
    const char *y = "title: many\nlogsource: {service: security}\n"
                    "filter:\n  rules: [a, 6f3e2987-DB24-4c78-a860-b4f4095a7095, "
                    "0e95725d-7320-415d-80f7-004da920fc11]\n"
                    "  sel: {User: x}\n  condition: not sel\n";
    CHECK(ytree_load(y, strlen(y), &docs, &nd, &err) == MM_OK && nd == 1);
    struct sigma_filter *f = sigma_filter_compile(docs[0], "p.yml", NULL, &err);
    ytree_free_docs(docs, nd);
    CHECK(f != NULL);
    if (!f)
        return;
    CHECK(ytree_load(rules_yaml, strlen(rules_yaml), &docs, &nd, &err) == MM_OK && nd == 3);
    struct sigma_rule *rules[3];
    for (size_t i = 0; i < 3; i++)
        rules[i] = sigma_rule_compile(docs[i], "rules.yml", &err);
    ytree_free_docs(docs, nd);
    struct buf problems;
    buf_init(&problems, BUF_NO_MAX);
    CHECK(sigma_filters_check(&f, 1, rules, 3, &problems) == 2);
    CHECK_STR(
        problems.data, problems.len,
        "p.yml: filter 'many': unknown rule 'a'\n"
        "p.yml: filter 'many': log source (service=security) does not cover rule "
        "'6f3e2987-DB24-4c78-a860-b4f4095a7095' (product=windows category=process_creation)\n");
    /* ids compare ignoring case, names exactly */
    CHECK(sigma_filter_names(f, rules[0]) && sigma_filter_names(f, rules[2]) &&
          !sigma_filter_names(f, rules[1]));
    CHECK(sigma_filter_applies(f, rules[2]) && !sigma_filter_applies(f, rules[0]));
    buf_release(&problems);
    for (size_t i = 0; i < 3; i++)
        sigma_rule_free(rules[i]);
    sigma_filter_free(f);
}

static bool refused(const char *yaml, const char *want)
{
    struct ynode **docs;
    size_t nd;
    struct mm_error err = { "" };
    if (ytree_load(yaml, strlen(yaml), &docs, &nd, &err) != MM_OK || nd != 1) {
        printf("# yaml: %s\n", err.msg);
        return false;
    }
    CHECK(sigma_doc_kind(docs[0]) == SIGMA_DOC_FILTER);
    struct sigma_filter *f = sigma_filter_compile(docs[0], "x.yml", NULL, &err);
    ytree_free_docs(docs, nd);
    if (f) {
        sigma_filter_free(f);
        printf("# compiled, should not: %s\n", yaml);
        return false;
    }
    if (!strstr(err.msg, want))
        printf("# %s\n", err.msg);
    return strstr(err.msg, want) != NULL;
}

static void test_refused(void)
{
    CHECK(refused("title: t\nfilter:\n  rules: any\n  s: {a: 1}\n  condition: not s\n",
                  "line 1: the filter has no logsource"));
    CHECK(refused(
        "title: t\nlogsource: {product: windows}\nfilter:\n  s: {a: 1}\n  condition: not s\n",
        "line 4: the filter has no 'rules'"));
    CHECK(refused("title: t\nlogsource: {product: windows}\nfilter:\n  rules:\n  s: {a: 1}\n  "
                  "condition: not s\n",
                  "line 4: 'rules' is empty"));
    CHECK(refused("title: t\nlogsource: {product: windows}\nfilter:\n  rules: {a: b}\n  s: {a: 1}\n"
                  "  condition: not s\n",
                  "line 4: 'rules' must be 'any', a rule id or name, or a list"));
    CHECK(refused("title: t\nlogsource: {product: windows}\nfilter:\n  rules: any\n  s: {a: 1}\n"
                  "  condition: [not s, s]\n",
                  "line 6: a filter has exactly one condition"));
    CHECK(refused("title: t\nlogsource: {product: windows}\nfilter:\n  rules: any\n  s: {a: 1}\n",
                  "a filter has exactly one condition"));
    CHECK(refused(
        "title: t\nlogsource: {product: windows}\nfilter:\n  rules: any\n  s: {a|nosuch: 1}\n"
        "  condition: not s\n",
        "line 5: unknown modifier 'nosuch'"));
    CHECK(refused("title: t\nlogsource: {product: windows}\nfilter:\n  rules: any\n  s: {a: 1}\n"
                  "  condition: not t\n",
                  "condition names 't', which the detection does not define"));
    CHECK(refused(
        "logsource: {product: windows}\nfilter:\n  rules: any\n  s: {a: 1}\n  condition: not s\n",
        "no title"));
    CHECK(refused("title: t\nlogsource: {definition: x}\nfilter:\n  rules: any\n  s: {a: 1}\n"
                  "  condition: not s\n",
                  "names no product, category or service"));
    /* a detection next to the filter would be ambiguous */
    CHECK(
        refused("title: t\nlogsource: {product: windows}\ndetection:\n  s: {a: 1}\n  condition: s\n"
                "filter:\n  rules: any\n  s: {a: 2}\n  condition: not s\n",
                "line 3: a filter has no 'detection'"));
    /* a filter's `rules` is not a search identifier: a condition cannot name it */
    CHECK(refused("title: t\nlogsource: {product: windows}\nfilter:\n  rules: any\n  s: {a: 1}\n"
                  "  condition: not rules\n",
                  "condition names 'rules'"));
}

int main(void)
{
    event_init(&ev);
    test_spec_example();
    test_several_filters();
    test_any_and_cidr();
    test_problems();
    test_refused();
    event_release(&ev);
    return UNIT_DONE();
}
