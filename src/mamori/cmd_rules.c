/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_rules.c: `mamori rules check PATH...`: load Sigma rules, correlations and filters and say
 * which compile and why the others do not; `mamori rules test`: run rules (and filters) over logs. */
#include "base/prelude.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/mtime.h"
#include "event/event.h"
#include "event/json.h"
#include "io/linereader.h"
#include "parse/parser.h"
#include "sigma/correlation.h"
#include "sigma/filter.h"
#include "sigma/load.h"
#include "sigma/match.h"
#include "sigma/rule.h"
#include "sigma/ruleset.h"
#include "sigma/ytree.h"
#include "commands.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>

/* values for |expand placeholders (--placeholders FILE) */
static struct sigma_placeholders placeholders;

static bool load_placeholders(const char *path)
{
    struct mm_error err;
    sigma_placeholders_free(&placeholders);
    if (sigma_placeholders_load(path, &placeholders, &err) != MM_OK) {
        die_msg("%s", err.msg);
        return false;
    }
    return true;
}

struct check_stats {
    uint64_t files, docs, compiled, refused, correlations, filters, other, placeholders, unreadable;
    bool verbose;
    /* the rules, kept to check the references of filters and correlations once all is loaded */
    struct sigma_rule **rules;
    size_t nrules;
    struct sigma_filter **filt;
    size_t nfilt;
    struct sigma_corr_engine *corr; /* the correlations, to resolve their rule references */
};

static void check_filter(const struct ynode *doc, const char *path, struct check_stats *st)
{
    struct mm_error err;
    struct sigma_filter *f = sigma_filter_compile(doc, path, &placeholders, &err);
    if (!f) {
        printf("%s: filter: %s\n", path, err.msg);
        st->refused++;
        return;
    }
    if (st->verbose) {
        char text[512];
        sigma_cond_format(f->rule->conds[0], text, sizeof text);
        printf("%s: ok: filter '%s' on %s: %s\n", path, f->rule->title, f->any ? "any rule" : "named rules", text);
    }
    st->filt = mm_reallocarray(st->filt, st->nfilt + 1, sizeof *st->filt);
    st->filt[st->nfilt++] = f;
}

/* Every filter's and correlation's references against every rule loaded; then free what was kept. */
static void check_references(struct check_stats *st)
{
    struct mm_error err;
    if (st->correlations &&
        sigma_corr_engine_build(st->corr, (const struct sigma_rule *const *)st->rules, st->nrules, &err) != MM_OK) {
        printf("correlations: %s\n", err.msg);
        st->refused++;
    }
    sigma_corr_engine_free(st->corr);
    struct buf problems;
    buf_init(&problems, BUF_NO_MAX);
    size_t np = sigma_filters_check(st->filt, st->nfilt, st->rules, st->nrules, &problems);
    fwrite(problems.data, 1, problems.len, stdout);
    buf_release(&problems);
    st->filters = st->nfilt;
    st->refused += np;
    for (size_t i = 0; i < st->nfilt; i++)
        sigma_filter_free(st->filt[i]);
    for (size_t i = 0; i < st->nrules; i++)
        sigma_rule_free(st->rules[i]);
    mm_free(st->filt);
    mm_free(st->rules);
}

static void check_file(const char *path, struct check_stats *st)
{
    struct ynode **docs;
    size_t nd;
    struct mm_error err;
    st->files++;
    if (ytree_load_file(path, &docs, &nd, &err) != MM_OK) {
        printf("%s: %s\n", path, err.msg);
        st->unreadable++;
        return;
    }
    for (size_t i = 0; i < nd; i++) {
        st->docs++;
        switch (sigma_doc_kind(docs[i])) {
        case SIGMA_DOC_RULE: {
            struct sigma_rule *r = sigma_rule_compile(docs[i], path, &err);
            struct sigma_compiled *c = r ? sigma_compile_matchers_ph(r, &placeholders, &err) : NULL;
            if (!c) {
                printf("%s: %s\n", path, err.msg);
                if (r && r->placeholders)
                    st->placeholders++;
                else
                    st->refused++;
                sigma_rule_free(r);
                break;
            }
            sigma_compiled_free(c);
            st->compiled++;
            if (st->verbose) {
                char text[512];
                sigma_cond_format(r->conds[0], text, sizeof text);
                printf("%s: ok: %s [%s] %s\n", path, r->level ? r->level : "-", r->title, text);
            }
            st->rules = mm_reallocarray(st->rules, st->nrules + 1, sizeof *st->rules);
            st->rules[st->nrules++] = r;
            break;
        }
        case SIGMA_DOC_CORRELATION: {
            struct sigma_corr *c = sigma_corr_compile(docs[i], path, &err);
            if (!c) {
                printf("%s: correlation: %s\n", path, err.msg);
                st->refused++;
                break;
            }
            st->correlations++;
            if (st->verbose)
                printf("%s: ok: correlation %s '%s'\n", path, sigma_corr_type_name(c->type), c->title);
            if (!st->corr)
                st->corr = sigma_corr_engine_new(NULL);
            sigma_corr_engine_add(st->corr, c);
            break;
        }
        case SIGMA_DOC_FILTER:
            check_filter(docs[i], path, st);
            break;
        case SIGMA_DOC_OTHER:
            st->other++;
            printf("%s: document %zu is not a Sigma rule, correlation or filter\n", path, i + 1);
            break;
        }
    }
    ytree_free_docs(docs, nd);
}

static void check_one(const char *path, const char *problem, void *ctx)
{
    struct check_stats *st = ctx;
    if (problem) {
        printf("%s: %s\n", path, problem);
        st->unreadable++;
        return;
    }
    check_file(path, st);
}

static int rules_check(int argc, char **argv)
{
    struct check_stats st = { 0 };
    int i = 1;
    for (; i < argc; i++) {
        if (!strcmp(argv[i], "-v")) {
            st.verbose = true;
        } else if (!strcmp(argv[i], "--placeholders") && i + 1 < argc) {
            if (!load_placeholders(argv[++i]))
                return 2;
        } else {
            break;
        }
    }
    if (i >= argc) {
        fputs("usage: mamori rules check [-v] [--placeholders FILE] PATH...\n"
              "Load every Sigma rule under PATH (files or directories of .yml) and print, one line each,\n"
              "the documents that are not supported and why; -v also lists the rules that compile.\n",
              stderr);
        return 2;
    }
    for (; i < argc; i++)
        sigma_walk_files(argv[i], check_one, &st);
    check_references(&st);
    printf("%" PRIu64 " files, %" PRIu64 " documents: %" PRIu64 " rules compile, %" PRIu64 " correlation rules and %"
           PRIu64 " filters recognised, %" PRIu64 " refused, %" PRIu64 " need placeholder values (|expand), %" PRIu64
           " other, %" PRIu64 " unreadable\n",
           st.files, st.docs, st.compiled, st.correlations, st.filters, st.refused, st.placeholders, st.other,
           st.unreadable);
    return st.refused || st.placeholders || st.other || st.unreadable ? 1 : 0;
}

/* ---- rules test ---- */

struct hit_ctx {
    struct buf *out;
    bool json, verbose;
    uint64_t line, *matches, *suppressed, *correlations;
    struct sigma_corr_engine *corr;
    const struct event *ev;
    struct buf *evjson;
    int64_t *max_time;
};

/* A correlation that fired: printed after the line whose match completed it. */
static void on_corr(void *ctx, const struct sigma_corr_alert *a)
{
    struct hit_ctx *h = ctx;
    const struct sigma_corr *c = a->corr;
    struct buf *out = h->out;
    (*h->correlations)++;
    buf_reset(out);
    if (h->json) {
        buf_printf(out, "{\"line\":%" PRIu64 ",\"correlation\":", h->line);
        const char *id = c->id ? c->id : c->name ? c->name : "";
        json_write_string(out, id, strlen(id));
        buf_append_str(out, ",\"title\":");
        json_write_string(out, c->title, strlen(c->title));
        buf_append_str(out, ",\"level\":");
        json_write_string(out, c->level ? c->level : "", c->level ? strlen(c->level) : 0);
        buf_printf(out, ",\"type\":\"%s\",\"value\":%.6g,\"group\":{", sigma_corr_type_name(c->type), a->value);
        for (size_t i = 0; i < a->ngroup; i++) {
            if (i)
                buf_append_char(out, ',');
            json_write_string(out, a->group_names[i], strlen(a->group_names[i]));
            buf_append_char(out, ':');
            json_write_string(out, a->group_values[i].p, a->group_values[i].len);
        }
        buf_printf(out, "},\"events\":%zu}\n", a->nevents);
    } else {
        buf_printf(out, "line %" PRIu64 ": correlation: %s [%s] %s\n    %s reached %.6g", h->line, c->title,
                   c->level ? c->level : "-", c->id ? c->id : c->name ? c->name : "", sigma_corr_type_name(c->type),
                   a->value);
        for (size_t i = 0; i < a->ngroup; i++)
            buf_printf(out, "%s%s=%.*s", i ? ", " : " for ", a->group_names[i], (int)a->group_values[i].len,
                       a->group_values[i].p);
        buf_append_char(out, '\n');
    }
    fwrite(out->data, 1, out->len, stdout);
}

/* {"line":N,"rule":ID,"title":T (the start of a match's JSON object) */
static void json_match_head(struct buf *out, uint64_t line, const struct sigma_rule *r)
{
    buf_printf(out, "{\"line\":%" PRIu64 ",\"rule\":", line);
    json_write_string(out, r->id ? r->id : "", r->id ? strlen(r->id) : 0);
    buf_append_str(out, ",\"title\":");
    json_write_string(out, r->title, strlen(r->title));
}

static void on_hit(void *ctx, const struct sigma_rule *r, const char *why)
{
    struct hit_ctx *h = ctx;
    struct buf *out = h->out;
    (*h->matches)++;
    buf_reset(out);
    if (h->json) {
        json_match_head(out, h->line, r);
        buf_append_str(out, ",\"level\":");
        json_write_string(out, r->level ? r->level : "", r->level ? strlen(r->level) : 0);
        buf_append_str(out, ",\"why\":");
        json_write_string(out, why, strlen(why));
        buf_append_str(out, "}\n");
    } else {
        buf_printf(out, "line %" PRIu64 ": %s [%s] %s\n    %s\n", h->line, r->title, r->level ? r->level : "-",
                   r->id ? r->id : "", why);
    }
    fwrite(out->data, 1, out->len, stdout);
    if (h->corr && sigma_corr_rule_referenced(h->corr, r, NULL)) {
        const struct event *ev = h->ev;
        int64_t t = ev->time_ns ? ev->time_ns : ev->receive_ns;
        if (t > *h->max_time)
            *h->max_time = t;
        buf_reset(h->evjson);
        event_to_json(ev, h->evjson, 0);
        sigma_corr_feed(h->corr, r, ev, t, h->evjson->data, h->evjson->len, on_corr, h);
    }
}

/* a match a filter removed: counted, and shown with -v */
static void on_suppressed(void *ctx, const struct sigma_rule *r, const struct sigma_filter *f)
{
    struct hit_ctx *h = ctx;
    struct buf *out = h->out;
    const struct sigma_rule *fr = f->rule;
    (*h->suppressed)++;
    if (!h->verbose)
        return;
    buf_reset(out);
    if (h->json) {
        json_match_head(out, h->line, r);
        buf_append_str(out, ",\"suppressed_by\":");
        json_write_string(out, fr->id ? fr->id : "", fr->id ? strlen(fr->id) : 0);
        buf_append_str(out, ",\"filter\":");
        json_write_string(out, fr->title, strlen(fr->title));
        buf_append_str(out, "}\n");
    } else {
        buf_printf(out, "line %" PRIu64 ": %s [%s] %s\n    suppressed by filter '%s' (%s)\n", h->line, r->title,
                   r->level ? r->level : "-", r->id ? r->id : "", fr->title, fr->path ? fr->path : "-");
    }
    fwrite(out->data, 1, out->len, stdout);
}

static int rules_test(int argc, char **argv)
{
    const char *usage = "usage: mamori rules test [-v] [--json] [--no-prefilter] [--placeholders FILE] [--no-header] [--tz ZONE] "
                        "[--parser NAME] RULES... "
                        "--events FILE\n"
                        "Run Sigma rules over log lines (raw syslog, or JSON events such as exported Windows "
                        "event logs), parsed as the sensor parses them, and print every match with the "
                        "rule and which search identifier matched which field. Sigma filters among RULES "
                        "are applied (-v also prints each match a filter suppressed); correlation rules "
                        "among RULES are fed the matches, in the events' own time, and print when they fire.\n";
    const char *events = NULL;
    bool json = false, prefilter = true, verbose = false;
    struct parse_options po = { .ctx.tz = { .local = true } };
    const char **paths = mm_calloc((size_t)argc, sizeof *paths);
    size_t npaths = 0;
    /* placeholders first: they are needed as the rules load, wherever the option stands */
    for (int i = 1; i + 1 < argc; i++)
        if (!strcmp(argv[i], "--placeholders") && !load_placeholders(argv[i + 1]))
            return 2;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--events") && i + 1 < argc) {
            events = argv[++i];
        } else if (!strcmp(argv[i], "--json")) {
            json = true;
        } else if (!strcmp(argv[i], "-v")) {
            verbose = true;
        } else if (!strcmp(argv[i], "--no-prefilter")) {
            prefilter = false;
        } else if (!strcmp(argv[i], "--placeholders") && i + 1 < argc) {
            i++; /* loaded above */
        } else if (!strcmp(argv[i], "--no-header")) {
            po.no_syslog_header = true;
        } else if (!strcmp(argv[i], "--tz") && i + 1 < argc) {
            if (mm_tz_parse(argv[++i], &po.ctx.tz) != MM_OK) {
                die_msg("invalid time zone '%s'", argv[i]);
                return 2;
            }
        } else if (!strcmp(argv[i], "--parser") && i + 1 < argc) {
            po.forced = parser_find(argv[++i]);
            if (!po.forced) {
                die_msg("unknown parser '%s'", argv[i]);
                return 2;
            }
        } else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(usage, stdout);
            mm_free(paths);
            return 0;
        } else {
            paths[npaths++] = argv[i];
        }
    }
    if (!events || !npaths) {
        fputs(usage, stderr);
        mm_free(paths);
        return 2;
    }
    int fd = strcmp(events, "-") ? open(events, O_RDONLY | O_CLOEXEC) : 0;
    if (fd < 0) {
        die_msg("cannot open '%s': %s", events, mm_strerror(errno));
        mm_free(paths);
        return 2;
    }
    struct sigma_load ld;
    sigma_load_paths(&ld, paths, npaths, &placeholders);
    mm_free(paths);
    fwrite(ld.problems.data, 1, ld.problems.len, stderr);
    uint64_t refused = ld.refused + ld.placeholders + ld.other + ld.unreadable;
    int rc = 2;
    struct mm_error err;
    /* correlations over the rules (which the ruleset will own, at the same addresses) */
    struct sigma_corr_engine *corr = sigma_corr_engine_new(NULL);
    for (size_t k = 0; k < ld.ncorrelations; k++) {
        struct sigma_corr *c = sigma_corr_compile(ld.correlations[k].doc, ld.correlations[k].path, &err);
        if (!c) {
            fprintf(stderr, "%s: correlation: %s\n", ld.correlations[k].path, err.msg);
            refused++;
            continue;
        }
        sigma_corr_engine_add(corr, c);
    }
    struct sigma_ruleset *rs = sigma_ruleset_new();
    if (sigma_corr_engine_build(corr, (const struct sigma_rule *const *)ld.rules, ld.nrules, &err) != MM_OK) {
        die_msg("%s", err.msg);
        goto out;
    }
    for (size_t k = 0; k < ld.nfilters; k++) {
        struct sigma_filter *f = sigma_filter_compile(ld.filters[k].doc, ld.filters[k].path, &placeholders, &err);
        if (!f) {
            fprintf(stderr, "%s: filter: %s\n", ld.filters[k].path, err.msg);
            refused++;
            continue;
        }
        sigma_ruleset_add_filter(rs, f);
    }
    size_t nrules = ld.nrules;
    for (size_t k = 0; k < ld.nrules; k++)
        sigma_ruleset_add(rs, ld.rules[k], ld.comp[k]); /* the set owns them now */
    ld.nrules = 0;
    if (!nrules && !refused) {
        fputs(usage, stderr);
        goto out;
    }
    if (sigma_ruleset_build(rs, prefilter, &err) != MM_OK) {
        die_msg("%s", err.msg);
        goto out;
    }
    struct sigma_scratch *scr = sigma_scratch_new(rs);
    struct linereader lr;
    linereader_init(&lr, fd, 1 << 20);
    int64_t t_match = 0, t_parse = 0, max_time = 0;
    struct event ev;
    event_init(&ev);
    struct buf out, evjson;
    buf_init(&out, BUF_NO_MAX);
    buf_init(&evjson, BUF_NO_MAX);
    const char *line;
    size_t len;
    bool trunc;
    uint64_t lines = 0, matches = 0, suppressed = 0, fired = 0;
    struct hit_ctx hc = { &out, json, verbose, 0, &matches, &suppressed, &fired, corr, &ev, &evjson, &max_time };
    while (linereader_next(&lr, &line, &len, &trunc, true) == MM_OK) {
        hc.line = ++lines;
        if (!len)
            continue;
        int64_t t0 = mm_mono_ns();
        event_reset(&ev);
        ev.raw = line;
        ev.raw_len = len;
        ev.receive_ns = mm_now_ns();
        parse_message(&ev, &po);
        int64_t t1 = mm_mono_ns();
        sigma_ruleset_match_report(rs, scr, &ev, on_hit, on_suppressed, &hc);
        t_match += mm_mono_ns() - t1;
        t_parse += t1 - t0;
    }
    /* windows still open: conditions judged at a window's end (lt, avg, ...) are judged now */
    sigma_corr_advance(corr, max_time + 366 * 86400 * MM_NS_PER_SEC, on_corr, &hc);
    sigma_scratch_free(scr); /* its counts go to the ruleset's */
    struct sigma_ruleset_stats rst;
    sigma_ruleset_stats(rs, &rst);
    struct sigma_corr_stats cst;
    sigma_corr_engine_stats(corr, &cst);
    fprintf(stderr, "%zu rules loaded, %" PRIu64 " refused; %zu filters on %zu rules; %zu correlations; prefilter %s: "
            "%zu rules behind %zu literals in %zu databases, %zu always evaluated; %" PRIu64 " lines, %" PRIu64 " rule evaluations, %"
            PRIu64 " matches, suppressed by filters: %" PRIu64 "; correlations fired: %" PRIu64 "; parsing took %.3f s "
            "(%.2f us per event); matching took %.3f s (%.1f us per event)\n", nrules, refused,
            rst.filters, rst.filtered_rules, ld.ncorrelations, prefilter ? "on" : "off", rst.prefiltered, rst.literals,
            rst.databases, rst.always, lines, rst.evaluated, matches, suppressed, fired, (double)t_parse / 1e9,
            lines ? (double)t_parse / 1e3 / (double)lines : 0.0, (double)t_match / 1e9,
            lines ? (double)t_match / 1e3 / (double)lines : 0.0);
    linereader_release(&lr);
    event_release(&ev);
    buf_release(&out);
    buf_release(&evjson);
    rc = refused ? 1 : 0;
out:
    sigma_corr_engine_free(corr);
    sigma_ruleset_free(rs);
    sigma_load_release(&ld);
    if (fd > 0)
        close(fd);
    return rc;
}

int cmd_rules(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        fputs("usage: mamori rules check [-v] PATH...                 validate Sigma rules\n"
              "       mamori rules test [-v] RULES... --events FILE  run rules (and filters) over log lines\n",
              argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (!strcmp(argv[1], "check"))
        return rules_check(argc - 1, argv + 1);
    if (!strcmp(argv[1], "test"))
        return rules_test(argc - 1, argv + 1);
    die_msg("unknown 'rules' command '%s'", argv[1]);
    return 2;
}
