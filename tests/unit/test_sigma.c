/* SPDX-License-Identifier: Apache-2.0 */
/* test_sigma.c: Sigma rule loading: the condition language (precedence, 1/all of, them), the
 * detection's shapes, modifiers and values, and the reasons a rule is refused. */
#include "unit.h"
#include "sigma/match.h"
#include "sigma/rule.h"
#include "sigma/ruleset.h"
#include "sigma/ytree.h"

#include <unistd.h>

static bool cond_is(const char *text, const char *want)
{
    struct mm_error err;
    struct cond_node *n = sigma_cond_parse(text, &err);
    if (!n) {
        printf("# %s: %s\n", text, err.msg);
        return false;
    }
    char out[512];
    sigma_cond_format(n, out, sizeof out);
    sigma_cond_free(n);
    if (strcmp(out, want) != 0)
        printf("# %s -> %s (want %s)\n", text, out, want);
    return !strcmp(out, want);
}

static bool cond_fails(const char *text, const char *reason)
{
    struct mm_error err = { "" };
    struct cond_node *n = sigma_cond_parse(text, &err);
    if (n) {
        sigma_cond_free(n);
        return false;
    }
    if (!strstr(err.msg, reason))
        printf("# %s: %s\n", text, err.msg);
    return strstr(err.msg, reason) != NULL;
}

static void test_conditions(void)
{
    CHECK(cond_is("selection", "selection"));
    /* or < and < not */
    CHECK(cond_is("a or b and c", "(a or (b and c))"));
    CHECK(cond_is("a and b or c", "((a and b) or c)"));
    CHECK(cond_is("not a and b", "(not a and b)"));
    CHECK(cond_is("not (a and b)", "not (a and b)"));
    CHECK(cond_is("a and not b and not c", "((a and not b) and not c)"));
    CHECK(cond_is("(a or b) and c", "((a or b) and c)"));
    CHECK(cond_is("1 of selection_* and not 1 of filter_*", "(1 of selection_* and not 1 of filter_*)"));
    CHECK(cond_is("all of them", "all of them"));
    CHECK(cond_is("1 of them", "1 of them"));
    CHECK(cond_is("not not a", "not not a"));
    CHECK(cond_is("  a\n and\tb ", "(a and b)"));
    CHECK(cond_fails("a and", "ends too early"));
    CHECK(cond_fails("(a or b", "')' expected"));
    CHECK(cond_fails("a b", "unexpected 'b'"));
    CHECK(cond_fails("2 of sel*", "not in the specification"));
    CHECK(cond_fails("selection | count() > 5", "deprecated"));
    CHECK(cond_fails("sel*", "wildcard"));
    CHECK(cond_fails("1 of", "expected after 'of'"));
    CHECK(cond_fails("", "ends too early"));
}

static struct sigma_rule *compile(const char *yaml, char *why, size_t whylen)
{
    struct ynode **docs;
    size_t nd;
    struct mm_error err = { "" };
    why[0] = '\0';
    if (ytree_load(yaml, strlen(yaml), &docs, &nd, &err) != MM_OK) {
        snprintf(why, whylen, "%s", err.msg);
        return NULL;
    }
    struct sigma_rule *r = nd == 1 ? sigma_rule_compile(docs[0], "test.yml", &err) : NULL;
    if (!r)
        snprintf(why, whylen, "%s", err.msg);
    ytree_free_docs(docs, nd);
    return r;
}

#define RULE_HEAD "title: t\nlogsource:\n  product: windows\n  category: process_creation\n"

static bool refused(const char *detection, const char *reason)
{
    char yaml[2048], why[600];
    snprintf(yaml, sizeof yaml, RULE_HEAD "detection:\n%s", detection);
    struct sigma_rule *r = compile(yaml, why, sizeof why);
    if (r) {
        sigma_rule_free(r);
        printf("# compiled, should not: %s\n", detection);
        return false;
    }
    if (!strstr(why, reason))
        printf("# refused for another reason: %s\n", why);
    return strstr(why, reason) != NULL;
}

static void test_rules(void)
{
    char why[600];
    struct sigma_rule *r = compile(
        "title: Suspicious thing\nid: 0f0e\nstatus: test\nlevel: high\n"
        "tags:\n  - attack.execution\n  - attack.t1059.001\n"
        "falsepositives:\n  - admins\n"
        "logsource:\n  product: windows\n  category: process_creation\n"
        "detection:\n"
        "  selection_img:\n"
        "    - Image|endswith: '\\\\powershell.exe'\n"
        "    - OriginalFileName: PowerShell.EXE\n"
        "  selection_cli:\n"
        "    CommandLine|contains|all:\n      - ' -enc '\n      - 'bypass'\n"
        "    ParentImage|re|i: '.*\\\\(cmd|wscript)\\.exe$'\n"
        "  keywords:\n    - 'mimikatz'\n    - 'sekurlsa'\n"
        "  filter:\n    User|exists: true\n    EventID: 4688\n    Size|gte: 10\n    DestinationIp|cidr: 10.0.0.0/8\n"
        "  condition: all of selection_* and not filter or keywords\n",
        why, sizeof why);
    CHECK(r != NULL);
    if (!r) {
        printf("# %s\n", why);
        return;
    }
    CHECK(!strcmp(r->title, "Suspicious thing") && !strcmp(r->level, "high") && !strcmp(r->status, "test"));
    CHECK(r->ntags == 2 && !strcmp(r->tags[1], "attack.t1059.001"));
    CHECK(r->nfalsepositives == 1);
    CHECK(!strcmp(r->logsource.product, "windows") && !strcmp(r->logsource.category, "process_creation") &&
          !r->logsource.service);
    CHECK(r->nidents == 4);
    CHECK(r->idents[0].nmaps == 2); /* a list of mappings: OR */
    CHECK(r->idents[1].nmaps == 1 && r->idents[1].maps[0].n == 2); /* one mapping: AND */
    const struct sigma_item *cli = &r->idents[1].maps[0].items[0];
    CHECK(!strcmp(cli->field, "CommandLine") && cli->nmods == 2 && cli->mods[0] == SM_CONTAINS &&
          cli->mods[1] == SM_ALL && cli->nvals == 2);
    const struct sigma_item *kw = &r->idents[2].maps[0].items[0];
    CHECK(kw->field == NULL && kw->nvals == 2); /* keywords */
    const struct sigma_item *f = r->idents[3].maps[0].items;
    CHECK(f[0].vals[0].type == SV_BOOL && f[0].vals[0].b);
    CHECK(f[1].vals[0].type == SV_NUM && f[1].vals[0].num == 4688);
    CHECK(f[2].mods[0] == SM_GTE && f[3].mods[0] == SM_CIDR);
    char c[256];
    sigma_cond_format(r->conds[0], c, sizeof c);
    CHECK(!strcmp(c, "((all of selection_* and not filter) or keywords)"));
    sigma_rule_free(r);

    /* quoted numbers stay strings; null is null */
    r = compile(RULE_HEAD "detection:\n  sel:\n    EventID: '4688'\n    CommandLine: null\n  condition: sel\n",
                why, sizeof why);
    CHECK(r && r->idents[0].maps[0].items[0].vals[0].type == SV_STR &&
          r->idents[0].maps[0].items[1].vals[0].type == SV_NULL);
    sigma_rule_free(r);

    /* a condition list: any of them */
    r = compile(RULE_HEAD "detection:\n  a:\n    x: 1\n  b:\n    y: 2\n  condition:\n    - a\n    - b\n",
                why, sizeof why);
    CHECK(r && r->nconds == 2);
    sigma_rule_free(r);

    /* them excludes identifiers starting with an underscore */
    CHECK(refused("  _a:\n    x: 1\n  condition: 1 of them\n", "no search identifier matches 'them'"));

    CHECK(refused("  sel:\n    x|contians: a\n  condition: sel\n", "unknown modifier 'contians'"));
    CHECK(refused("  sel:\n    x|re: '(unclosed'\n  condition: sel\n", "regular expression"));
    CHECK(refused("  sel:\n    x|i: a\n  condition: sel\n", "only follows 're'"));
    CHECK(refused("  sel:\n    x|exists: yes please\n  condition: sel\n", "'exists' takes one boolean"));
    CHECK(refused("  sel:\n    x|gt: many\n  condition: sel\n", "numeric modifier"));
    CHECK(refused("  sel:\n    x|cidr: 10.0.0.0/33\n  condition: sel\n", "not a CIDR"));
    CHECK(refused("  sel:\n    x: 1\n  condition: other\n", "does not define"));
    CHECK(refused("  sel:\n    x: 1\n  condition: 1 of filter*\n", "no search identifier matches 'filter*'"));
    CHECK(refused("  sel:\n    x: 1\n", "no condition"));
    CHECK(refused("  sel:\n    x: 1\n  timeframe: 5m\n  condition: sel\n", "deprecated"));
    CHECK(refused("  sel:\n    x: 1\n  condition: sel | count() > 3\n", "deprecated"));
    CHECK(refused("  sel:\n    x:\n      y: 1\n  condition: sel\n", "cannot be a mapping"));
    CHECK(refused("  sel: 5\n  condition: sel\n", "must be a mapping or a list"));

    /* placeholders under |expand are counted (they need configuration) */
    r = compile(RULE_HEAD "detection:\n  sel:\n    User|expand: '%admins%'\n  condition: sel\n", why, sizeof why);
    CHECK(r && r->placeholders == 1);
    sigma_rule_free(r);
}

static void test_documents(void)
{
    struct ynode **docs;
    size_t nd;
    struct mm_error err;
    const char *multi = "title: base\nlogsource:\n  product: linux\ndetection:\n  s:\n    a: 1\n  condition: s\n"
                        "---\ntitle: many\ncorrelation:\n  type: event_count\n  rules: [base]\n"
                        "---\ntitle: f\nfilter:\n  rules: [base]\n";
    CHECK(ytree_load(multi, strlen(multi), &docs, &nd, &err) == MM_OK && nd == 3);
    CHECK(sigma_doc_kind(docs[0]) == SIGMA_DOC_RULE);
    CHECK(sigma_doc_kind(docs[1]) == SIGMA_DOC_CORRELATION);
    CHECK(sigma_doc_kind(docs[2]) == SIGMA_DOC_FILTER);
    ytree_free_docs(docs, nd);
    /* YAML errors carry the line; aliases are refused */
    const char *bad = "title: x\nlist: [a, b\n";
    CHECK(ytree_load(bad, strlen(bad), &docs, &nd, &err) != MM_OK && strstr(err.msg, "line"));
    const char *alias = "a: &x 1\nb: *x\n";
    CHECK(ytree_load(alias, strlen(alias), &docs, &nd, &err) != MM_OK && strstr(err.msg, "not supported"));
}


/* ---- matching ---- */

static struct event mev;

static void ev_reset(const char *raw)
{
    event_reset(&mev);
    mev.raw = raw;
    mev.raw_len = strlen(raw);
    event_set_logsource(&mev, "windows", "process_creation", "sysmon");
}

/* Does the detection (with the rule head) match the current event? -1: does not compile. */
static int matches(const char *detection)
{
    char yaml[4096], why[600];
    snprintf(yaml, sizeof yaml, RULE_HEAD "detection:\n%s", detection);
    struct sigma_rule *r = compile(yaml, why, sizeof why);
    if (!r) {
        printf("# %s\n", why);
        return -1;
    }
    struct mm_error err;
    struct sigma_compiled *c = sigma_compile_matchers(r, &err);
    if (!c) {
        printf("# %s\n", err.msg);
        sigma_rule_free(r);
        return -1;
    }
    int m = sigma_logsource_matches(r, &mev) && sigma_match(c, &mev, NULL);
    sigma_compiled_free(c);
    sigma_rule_free(r);
    return m;
}

static void test_matching(void)
{
    event_init(&mev);
    ev_reset("raw line with Mimikatz sekurlsa::logonpasswords");
    event_add_cstr(&mev, "Image", "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe");
    event_add_cstr(&mev, "CommandLine", "powershell.exe -NoP -Enc SQBFAFgAIAAoAE4AZQB3AC0A /c whoami");
    event_add_cstr(&mev, "User", "CORP\\alice");
    event_add_cstr(&mev, "ParentUser", "corp\\ALICE");
    event_add_cstr(&mev, "DestinationIp", "10.1.2.3");
    event_add_int(&mev, "Size", 2048);
    event_add_cstr(&mev, "Empty", "");

    /* plain equality ignores case; wildcards; escapes */
    CHECK(matches("  s:\n    User: 'corp\\alice'\n  condition: s\n") == 1);
    CHECK(matches("  s:\n    User: 'corp\\\\alice'\n  condition: s\n") == 1); /* \\ is one backslash */
    CHECK(matches("  s:\n    User|cased: 'corp\\alice'\n  condition: s\n") == 0);
    CHECK(matches("  s:\n    Image: '*\\powershell.exe'\n  condition: s\n") == 1);
    /* a backslash before a wildcard is written \\ (\* is a literal asterisk) */
    CHECK(matches("  s:\n    Image: 'C:\\Windows\\\\*\\powershell.ex?'\n  condition: s\n") == 1);
    CHECK(matches("  s:\n    Image: 'C:\\Windows\\*\\powershell.ex?'\n  condition: s\n") == 0);
    CHECK(matches("  s:\n    Image: 'C:\\Windows\\*\\cmd.exe'\n  condition: s\n") == 0);
    CHECK(matches("  s:\n    CommandLine: 'whoami'\n  condition: s\n") == 0); /* no implicit contains */
    /* contains, startswith, endswith, all */
    CHECK(matches("  s:\n    CommandLine|contains: ' -enc '\n  condition: s\n") == 1);
    CHECK(matches("  s:\n    CommandLine|startswith: 'POWERSHELL'\n  condition: s\n") == 1);
    CHECK(matches("  s:\n    Image|endswith:\n      - '\\cmd.exe'\n      - '\\powershell.exe'\n  condition: s\n") == 1);
    CHECK(matches("  s:\n    CommandLine|contains|all:\n      - '-nop'\n      - 'whoami'\n  condition: s\n") == 1);
    CHECK(matches("  s:\n    CommandLine|contains|all:\n      - '-nop'\n      - 'mimikatz'\n  condition: s\n") == 0);
    /* windash: -enc also matches /enc */
    CHECK(matches("  s:\n    CommandLine|windash|contains: '/c whoami'\n  condition: s\n") == 1);
    CHECK(matches("  s:\n    CommandLine|windash|contains: '-c whoami'\n  condition: s\n") == 1);
    /* re with flags */
    CHECK(matches("  s:\n    CommandLine|re: '-enc [A-Za-z0-9+/=]{20,}'\n  condition: s\n") == 0);
    CHECK(matches("  s:\n    CommandLine|re|i: '-enc [A-Za-z0-9+/=]{20,}'\n  condition: s\n") == 1);
    /* base64offset|contains over utf16le: "IEX (New-" encoded at any alignment */
    CHECK(matches("  s:\n    CommandLine|wide|base64offset|contains: 'IEX (New-'\n  condition: s\n") == 1);
    CHECK(matches("  s:\n    CommandLine|wide|base64offset|contains: 'Invoke-Expression'\n  condition: s\n") == 0);
    /* cidr, numbers */
    CHECK(matches("  s:\n    DestinationIp|cidr: 10.0.0.0/8\n  condition: s\n") == 1);
    CHECK(matches("  s:\n    DestinationIp|cidr: 192.168.0.0/16\n  condition: s\n") == 0);
    CHECK(matches("  s:\n    Size|gte: 2048\n  condition: s\n") == 1);
    CHECK(matches("  s:\n    Size|gt: 2048\n  condition: s\n") == 0);
    CHECK(matches("  s:\n    Size: 2048\n  condition: s\n") == 1);
    /* exists, null, neq, fieldref */
    CHECK(matches("  s:\n    User|exists: true\n  condition: s\n") == 1);
    CHECK(matches("  s:\n    Nope|exists: false\n  condition: s\n") == 1);
    CHECK(matches("  s:\n    Nope: null\n  condition: s\n") == 1);
    CHECK(matches("  s:\n    Empty: null\n  condition: s\n") == 1);
    CHECK(matches("  s:\n    User: null\n  condition: s\n") == 0);
    CHECK(matches("  s:\n    User|neq: 'corp\\bob'\n  condition: s\n") == 1);
    CHECK(matches("  s:\n    User|fieldref: ParentUser\n  condition: s\n") == 1);
    CHECK(matches("  s:\n    User|fieldref|cased: ParentUser\n  condition: s\n") == 0);
    /* keywords: anywhere in the message */
    CHECK(matches("  k:\n    - 'sekurlsa::'\n  condition: k\n") == 1);
    CHECK(matches("  k:\n    - 'lsadump'\n  condition: k\n") == 0);
    /* conditions over identifiers */
    CHECK(matches("  a:\n    User: 'corp\\alice'\n  b:\n    Size: 1\n  condition: a and not b\n") == 1);
    CHECK(matches("  sel_a:\n    User: 'corp\\alice'\n  sel_b:\n    Size: 1\n  condition: all of sel_*\n") == 0);
    CHECK(matches("  sel_a:\n    User: 'corp\\alice'\n  sel_b:\n    Size: 1\n  condition: 1 of sel_*\n") == 1);
    /* a list of mappings is OR; a mapping is AND */
    CHECK(matches("  s:\n    - User: x\n    - Size: 2048\n  condition: s\n") == 1);
    CHECK(matches("  s:\n    User: x\n    Size: 2048\n  condition: s\n") == 0);
    /* log source: the rule's must be the event's */
    event_set_logsource(&mev, "linux", "process_creation", NULL);
    CHECK(matches("  s:\n    Size: 2048\n  condition: s\n") == 0);
    event_set_logsource(&mev, "windows", "registry_set", "sysmon");
    {
        char why[600];
        struct sigma_rule *r = compile("title: t\nlogsource:\n  product: windows\n  category: registry_event\n"
                                       "detection:\n  s:\n    Size: 2048\n  condition: s\n", why, sizeof why);
        CHECK(r && sigma_logsource_matches(r, &mev)); /* registry_event covers registry_set */
        sigma_rule_free(r);
    }
    /* why: which identifier matched which field */
    event_set_logsource(&mev, "windows", "process_creation", "sysmon");
    {
        char why[600];
        struct sigma_rule *r = compile(RULE_HEAD "detection:\n  sel:\n    Image|endswith: '\\powershell.exe'\n"
                                       "  filter:\n    User: nobody\n  condition: sel and not filter\n", why, sizeof why);
        struct mm_error err;
        struct sigma_compiled *c = r ? sigma_compile_matchers(r, &err) : NULL;
        struct buf w;
        buf_init(&w, BUF_NO_MAX);
        CHECK(c && sigma_match(c, &mev, &w) && strstr(w.data, "sel: Image=C:\\Windows") && !strstr(w.data, "filter"));
        buf_release(&w);
        sigma_compiled_free(c);
        sigma_rule_free(r);
    }
    /* placeholders without values are refused by the matcher */
    CHECK(matches("  s:\n    User|expand: '%admins%'\n  condition: s\n") == -1);
    event_release(&mev);
}

static void test_placeholders(void)
{
    char path[] = "/tmp/mamori-ph-XXXXXX";
    int fd = mkstemp(path);
    const char *text = "admins:\n  - 'CORP\\adm1'\n  - 'CORP\\adm2'\nsuffix: .exe\nhosts: [ws1, ws2]\n";
    CHECK(fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text));
    close(fd);
    struct sigma_placeholders ph;
    struct mm_error err;
    CHECK(sigma_placeholders_load(path, &ph, &err) == MM_OK && ph.n == 3 && ph.v[0].nvals == 2);
    unlink(path);
    char why[600];
    struct sigma_rule *r = compile(RULE_HEAD "detection:\n  s:\n    User|expand: '%admins%'\n"
                                   "    Image|expand|endswith: '\\%hosts%-tool%suffix%'\n  condition: s\n", why, sizeof why);
    struct sigma_compiled *c = r ? sigma_compile_matchers_ph(r, &ph, &err) : NULL;
    CHECK(c != NULL);
    struct event ev;
    event_init(&ev);
    ev.raw = "x";
    ev.raw_len = 1;
    event_set_logsource(&ev, "windows", "process_creation", NULL);
    event_add_cstr(&ev, "User", "corp\\ADM2");
    event_add_cstr(&ev, "Image", "C:\\bin\\ws2-tool.exe");
    CHECK(c && sigma_match(c, &ev, NULL)); /* one combination of the two placeholders' values */
    event_reset(&ev);
    ev.raw = "x";
    ev.raw_len = 1;
    event_set_logsource(&ev, "windows", "process_creation", NULL);
    event_add_cstr(&ev, "User", "corp\\adm3");
    event_add_cstr(&ev, "Image", "C:\\bin\\ws2-tool.exe");
    CHECK(c && !sigma_match(c, &ev, NULL));
    event_release(&ev);
    sigma_compiled_free(c);
    /* a placeholder without values is refused, by name */
    struct sigma_rule *r2 = compile(RULE_HEAD "detection:\n  s:\n    User|expand: '%others%'\n  condition: s\n",
                                    why, sizeof why);
    CHECK(r2 && !sigma_compile_matchers_ph(r2, &ph, &err) && strstr(err.msg, "'%others%' is not configured"));
    sigma_rule_free(r2);
    sigma_rule_free(r);
    sigma_placeholders_free(&ph);
}

/* the time modifiers take a part of a date as written (appendix: no zone conversion) */
static void test_time_modifiers(void)
{
    event_init(&mev);
    ev_reset("x");
    event_add_cstr(&mev, "UtcTime", "2026-11-23 02:14:07.512");   /* Sysmon's layout */
    event_add_cstr(&mev, "EventTime", "2027-01-01T23:59:00Z");   /* ISO 8601; a Friday of ISO week 53 */
    event_add_cstr(&mev, "Other", "yesterday at noon");
    CHECK(matches("  s:\n    UtcTime|hour: 2\n  condition: s\n") == 1);
    CHECK(matches("  s:\n    UtcTime|hour: 3\n  condition: s\n") == 0);
    CHECK(matches("  s:\n    UtcTime|minute: 14\n  condition: s\n") == 1);
    CHECK(matches("  s:\n    UtcTime|day: 23\n  condition: s\n") == 1);
    CHECK(matches("  s:\n    UtcTime|month: 11\n  condition: s\n") == 1);
    CHECK(matches("  s:\n    UtcTime|year: 2026\n  condition: s\n") == 1);
    CHECK(matches("  s:\n    UtcTime|week: 48\n  condition: s\n") == 1); /* 2026-11-23 is a Monday of week 48 */
    CHECK(matches("  s:\n    EventTime|week: 53\n  condition: s\n") == 1);
    CHECK(matches("  s:\n    EventTime|hour|gte: 20\n  condition: s\n") == 1); /* out of hours */
    CHECK(matches("  s:\n    UtcTime|hour|gte: 20\n  condition: s\n") == 0);
    CHECK(matches("  s:\n    UtcTime|hour: [1, 2, 3]\n  condition: s\n") == 1);
    CHECK(matches("  s:\n    Other|year: 2026\n  condition: s\n") == 0); /* not a date */
    CHECK(matches("  s:\n    Missing|day: 1\n  condition: s\n") == 0);
    event_release(&mev);
}

/* Rules whose only constraint is a regular expression are prefiltered by vectorscan in prefilter
 * mode (UTF-8, multi-line): they must match exactly what they match without the prefilter, also
 * on text that is not UTF-8 and with characters longer than a byte. */
static size_t count_hits(struct sigma_ruleset *rs, const char *cmdline, const char *user)
{
    struct event ev;
    event_init(&ev);
    ev.raw = "x";
    ev.raw_len = 1;
    event_set_logsource(&ev, "windows", "process_creation", "sysmon");
    event_add_cstr(&ev, "CommandLine", cmdline);
    event_add_cstr(&ev, "User", user);
    struct sigma_scratch *scr = sigma_scratch_new(rs);
    size_t n = sigma_ruleset_match(rs, scr, &ev, NULL, NULL);
    sigma_scratch_free(scr);
    event_release(&ev);
    return n;
}

static struct sigma_ruleset *regex_rules(bool prefilter)
{
    static const char *dets[] = {
        "  s:\n    CommandLine|re: '^cmd\\.exe /c .*whoami'\n  condition: s\n",
        "  s:\n    CommandLine|re: 'x.y{2}z'\n  condition: s\n",          /* '.' is one character */
        "  s:\n    User|re|i: '^ADMIN[0-9]+$'\n  condition: s\n",          /* anchors hold per field */
    };
    struct sigma_ruleset *rs = sigma_ruleset_new();
    for (size_t i = 0; i < MM_ARRAY_LEN(dets); i++) {
        char yaml[512], why[300];
        snprintf(yaml, sizeof yaml, RULE_HEAD "detection:\n%s", dets[i]);
        struct sigma_rule *r = compile(yaml, why, sizeof why);
        struct mm_error err;
        struct sigma_compiled *c = r ? sigma_compile_matchers(r, &err) : NULL;
        CHECK(c != NULL);
        if (c)
            sigma_ruleset_add(rs, r, c);
        else
            sigma_rule_free(r);
    }
    struct mm_error err;
    CHECK(sigma_ruleset_build(rs, prefilter, &err) == MM_OK);
    return rs;
}

static void test_regex_prefilter(void)
{
    struct sigma_ruleset *on = regex_rules(true), *off = regex_rules(false);
    struct sigma_ruleset_stats st;
    sigma_ruleset_stats(on, &st);
    CHECK(st.always == 0 && st.prefiltered == 3); /* every expression went into the prefilter */
    static const struct {
        const char *cmd, *user;
        size_t hits;
    } cases[] = {
        { "cmd.exe /c echo & whoami", "alice", 1 },
        { "powershell cmd.exe /c whoami", "alice", 0 },       /* ^: the field's start */
        { "x\xc3\xa9yyz", "bob", 1 },                         /* xéyyz: é is one character */
        { "xyyz", "bob", 0 },
        { "cmd.exe /c whoami \xff\xfe", "alice", 1 },          /* not UTF-8: still found */
        { "x\xff\xfeyyz", "bob", 0 },                         /* not UTF-8: two bytes, not one character */
        { "notepad", "admin42", 1 },
        { "notepad", "Admin7", 1 },                           /* |i */
        { "notepad", "xadmin7", 0 },
        { "admin7", "alice", 0 },                             /* only in its own field */
    };
    for (size_t i = 0; i < MM_ARRAY_LEN(cases); i++) {
        size_t a = count_hits(on, cases[i].cmd, cases[i].user), b = count_hits(off, cases[i].cmd, cases[i].user);
        CHECK(a == cases[i].hits && b == cases[i].hits);
        if (a != cases[i].hits || b != cases[i].hits)
            printf("# case %zu: %zu with the prefilter, %zu without, expected %zu\n", i, a, b, cases[i].hits);
    }
    sigma_ruleset_free(on);
    sigma_ruleset_free(off);
}

/* Field literals are looked for in their own field only: a literal in another field makes no
 * candidate, a repeated field is searched in every occurrence, and a rule for another service's
 * events is not a candidate either. */
static void test_field_prefilter(void)
{
    static const char *rules[] = {
        RULE_HEAD "detection:\n  s:\n    Image|endswith: '\\mimikatz.exe'\n  condition: s\n",
        "title: t2\nlogsource:\n  product: windows\n  service: security\n"
        "detection:\n  s:\n    CommandLine|contains: 'mimikatz'\n  condition: s\n",
    };
    struct sigma_ruleset *rs = sigma_ruleset_new();
    for (size_t i = 0; i < MM_ARRAY_LEN(rules); i++) {
        char why[300];
        struct mm_error err;
        struct sigma_rule *r = compile(rules[i], why, sizeof why);
        struct sigma_compiled *c = r ? sigma_compile_matchers(r, &err) : NULL;
        CHECK(c != NULL);
        if (c)
            sigma_ruleset_add(rs, r, c);
        else
            sigma_rule_free(r);
    }
    struct mm_error err;
    CHECK(sigma_ruleset_build(rs, true, &err) == MM_OK);
    static const struct {
        const char *f1, *v1, *f2, *v2;
        size_t candidates, hits;
    } cases[] = {
        { "CommandLine", "C:\\t\\mimikatz.exe", "Image", "C:\\w\\cmd.exe", 0, 0 }, /* other field, other service */
        { "Image", "C:\\w\\cmd.exe", "Image", "C:\\t\\mimikatz.exe", 1, 1 },       /* the second Image */
        { "Image", "C:\\t\\mimikatz.exe", "User", "x", 1, 1 },
        { "Image", "C:\\t\\mimikatz.exe.bak", "User", "x", 1, 0 },                  /* verified exactly */
    };
    for (size_t i = 0; i < MM_ARRAY_LEN(cases); i++) {
        struct event ev;
        event_init(&ev);
        ev.raw = "x";
        ev.raw_len = 1;
        event_set_logsource(&ev, "windows", "process_creation", "sysmon");
        event_add_cstr(&ev, cases[i].f1, cases[i].v1);
        event_add_cstr(&ev, cases[i].f2, cases[i].v2);
        struct sigma_ruleset_stats before, after;
        sigma_ruleset_stats(rs, &before);
        struct sigma_scratch *scr = sigma_scratch_new(rs);
        size_t n = sigma_ruleset_match(rs, scr, &ev, NULL, NULL);
        sigma_scratch_free(scr);
        sigma_ruleset_stats(rs, &after);
        CHECK(n == cases[i].hits);
        CHECK(after.candidates - before.candidates == cases[i].candidates);
        event_release(&ev);
    }
    sigma_ruleset_free(rs);
}

int main(void)
{
    test_conditions();
    test_rules();
    test_documents();
    test_matching();
    test_placeholders();
    test_time_modifiers();
    test_regex_prefilter();
    test_field_prefilter();
    return UNIT_DONE();
}
