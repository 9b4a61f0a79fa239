/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_rules.c: `mamori rules check PATH...`: load Sigma rules and say which compile and why the
 * others do not. */
#include "base/prelude.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/mtime.h"
#include "event/event.h"
#include "event/json.h"
#include "io/linereader.h"
#include "parse/parser.h"
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
};

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
            sigma_rule_free(r);
            break;
        }
        case SIGMA_DOC_CORRELATION:
            st->correlations++;
            printf("%s: correlation rule: not supported yet (the correlation engine is the next step)\n", path);
            break;
        case SIGMA_DOC_FILTER:
            st->filters++;
            printf("%s: filter: not supported yet (filters are applied by the detection engine, next step)\n", path);
            break;
        case SIGMA_DOC_OTHER:
            st->other++;
            printf("%s: document %zu is not a Sigma rule, correlation or filter\n", path, i + 1);
            break;
        }
    }
    ytree_free_docs(docs, nd);
}

static bool yaml_name(const char *n)
{
    size_t l = strlen(n);
    return (l > 4 && !strcmp(n + l - 4, ".yml")) || (l > 5 && !strcmp(n + l - 5, ".yaml"));
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Call fn for path if it is a file, or for every .yml/.yaml file under it (in name order) if it
 * is a directory. A path that cannot be read is reported through fn with NULL. */
typedef void (*rule_file_fn)(const char *path, const char *problem, void *ctx);

static void walk_rule_files(const char *path, rule_file_fn fn, void *ctx, int depth)
{
    struct stat sb;
    if (stat(path, &sb) < 0) {
        fn(path, mm_strerror(errno), ctx);
        return;
    }
    if (!S_ISDIR(sb.st_mode)) {
        fn(path, NULL, ctx);
        return;
    }
    if (depth > 32)
        return;
    DIR *d = opendir(path);
    if (!d) {
        fn(path, mm_strerror(errno), ctx);
        return;
    }
    char **names = NULL;
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        names = mm_reallocarray(names, n + 1, sizeof *names);
        names[n++] = mm_strdup(de->d_name);
    }
    closedir(d);
    if (n > 1)
        qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(path) + strlen(names[i]) + 2;
        char *p = mm_malloc(l);
        snprintf(p, l, "%s/%s", path, names[i]);
        struct stat cs;
        if (stat(p, &cs) == 0 && (S_ISDIR(cs.st_mode) || yaml_name(names[i])))
            walk_rule_files(p, fn, ctx, depth + 1);
        mm_free(p);
        mm_free(names[i]);
    }
    mm_free(names);
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
        walk_rule_files(argv[i], check_one, &st, 0);
    printf("%" PRIu64 " files, %" PRIu64 " documents: %" PRIu64 " rules compile, %" PRIu64 " refused, %" PRIu64
           " need placeholder values (|expand), %" PRIu64 " correlation rules and %" PRIu64
           " filters not supported yet, %" PRIu64 " other, %" PRIu64 " unreadable\n",
           st.files, st.docs, st.compiled, st.refused, st.placeholders, st.correlations, st.filters, st.other,
           st.unreadable);
    return st.refused || st.placeholders || st.correlations || st.filters || st.other || st.unreadable ? 1 : 0;
}

/* ---- rules test ---- */

struct loaded {
    struct sigma_rule **rules;
    struct sigma_compiled **comp;
    size_t n;
    uint64_t refused;
};

static void load_for_test(const char *path, const char *problem, void *ctx)
{
    struct loaded *L = ctx;
    if (problem) {
        fprintf(stderr, "%s: %s\n", path, problem);
        L->refused++;
        return;
    }
    struct ynode **docs;
    size_t nd;
    struct mm_error err;
    if (ytree_load_file(path, &docs, &nd, &err) != MM_OK) {
        fprintf(stderr, "%s: %s\n", path, err.msg);
        L->refused++;
        return;
    }
    for (size_t i = 0; i < nd; i++) {
        if (sigma_doc_kind(docs[i]) != SIGMA_DOC_RULE) {
            fprintf(stderr, "%s: document %zu: only detection rules are evaluated yet\n", path, i + 1);
            L->refused++;
            continue;
        }
        struct sigma_rule *r = sigma_rule_compile(docs[i], path, &err);
        struct sigma_compiled *c = r ? sigma_compile_matchers_ph(r, &placeholders, &err) : NULL;
        if (!c) {
            fprintf(stderr, "%s: %s\n", path, err.msg);
            sigma_rule_free(r);
            L->refused++;
            continue;
        }
        L->rules = mm_reallocarray(L->rules, L->n + 1, sizeof *L->rules);
        L->comp = mm_reallocarray(L->comp, L->n + 1, sizeof *L->comp);
        L->rules[L->n] = r;
        L->comp[L->n] = c;
        L->n++;
    }
    ytree_free_docs(docs, nd);
}

struct hit_ctx {
    struct buf *out;
    bool json;
    uint64_t line, *matches;
};

static void on_hit(void *ctx, const struct sigma_rule *r, const char *why)
{
    struct hit_ctx *h = ctx;
    struct buf *out = h->out;
    (*h->matches)++;
    buf_reset(out);
    if (h->json) {
        buf_printf(out, "{\"line\":%" PRIu64 ",\"rule\":", h->line);
        json_write_string(out, r->id ? r->id : "", r->id ? strlen(r->id) : 0);
        buf_append_str(out, ",\"title\":");
        json_write_string(out, r->title, strlen(r->title));
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
}

static int rules_test(int argc, char **argv)
{
    const char *usage = "usage: mamori rules test [--json] [--no-prefilter] [--placeholders FILE] [--no-header] [--tz ZONE] "
                        "[--parser NAME] RULES... "
                        "--events FILE\n"
                        "Run Sigma rules over log lines (raw syslog, or JSON events such as exported Windows "
                        "event logs), parsed as the sensor parses them, and print every match with the "
                        "rule and which search identifier matched which field.\n";
    struct loaded L = { 0 };
    const char *events = NULL;
    bool json = false, prefilter = true;
    struct parse_options po = { .ctx.tz = { .local = true } };
    /* placeholders first: they are needed as the rules load, wherever the option stands */
    for (int i = 1; i + 1 < argc; i++)
        if (!strcmp(argv[i], "--placeholders") && !load_placeholders(argv[i + 1]))
            return 2;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--events") && i + 1 < argc) {
            events = argv[++i];
        } else if (!strcmp(argv[i], "--json")) {
            json = true;
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
            return 0;
        } else {
            walk_rule_files(argv[i], load_for_test, &L, 0);
        }
    }
    if (!events || (!L.n && !L.refused)) {
        fputs(usage, stderr);
        return 2;
    }
    int fd = strcmp(events, "-") ? open(events, O_RDONLY | O_CLOEXEC) : 0;
    if (fd < 0) {
        die_msg("cannot open '%s': %s", events, mm_strerror(errno));
        return 2;
    }
    struct sigma_ruleset *rs = sigma_ruleset_new();
    for (size_t k = 0; k < L.n; k++)
        sigma_ruleset_add(rs, L.rules[k], L.comp[k]); /* the set owns them now */
    size_t nrules = L.n;
    L.n = 0;
    struct mm_error berr;
    if (sigma_ruleset_build(rs, prefilter, &berr) != MM_OK) {
        die_msg("%s", berr.msg);
        sigma_ruleset_free(rs);
        if (fd > 0)
            close(fd);
        return 2;
    }
    struct sigma_scratch *scr = sigma_scratch_new(rs);
    struct linereader lr;
    linereader_init(&lr, fd, 1 << 20);
    int64_t t_match = 0;
    struct event ev;
    event_init(&ev);
    struct buf why, out;
    buf_init(&why, BUF_NO_MAX);
    buf_init(&out, BUF_NO_MAX);
    const char *line;
    size_t len;
    bool trunc;
    uint64_t lines = 0, matches = 0;
    while (linereader_next(&lr, &line, &len, &trunc, true) == MM_OK) {
        lines++;
        if (!len)
            continue;
        event_reset(&ev);
        ev.raw = line;
        ev.raw_len = len;
        ev.receive_ns = mm_now_ns();
        parse_message(&ev, &po);
        struct hit_ctx hc = { &out, json, lines, &matches };
        int64_t t0 = mm_mono_ns();
        sigma_ruleset_match(rs, scr, &ev, on_hit, &hc);
        t_match += mm_mono_ns() - t0;
    }
    struct sigma_ruleset_stats rst;
    sigma_ruleset_stats(rs, &rst);
    fprintf(stderr, "%zu rules loaded, %" PRIu64 " refused; prefilter %s: %zu rules behind %zu literals, %zu always "
            "evaluated; %" PRIu64 " lines, %" PRIu64 " rule evaluations, %" PRIu64 " matches; matching took %.3f s "
            "(%.1f us per event)\n", nrules, L.refused, prefilter ? "on" : "off", rst.prefiltered, rst.literals,
            rst.always, lines, rst.evaluated, matches, (double)t_match / 1e9,
            lines ? (double)t_match / 1e3 / (double)lines : 0.0);
    sigma_scratch_free(scr);
    sigma_ruleset_free(rs);
    linereader_release(&lr);
    if (fd > 0)
        close(fd);
    event_release(&ev);
    buf_release(&why);
    buf_release(&out);
    for (size_t k = 0; k < L.n; k++) {
        sigma_compiled_free(L.comp[k]);
        sigma_rule_free(L.rules[k]);
    }
    mm_free(L.comp);
    mm_free(L.rules);
    return L.refused ? 1 : 0;
}

int cmd_rules(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        fputs("usage: mamori rules check [-v] PATH...                 validate Sigma rules\n"
              "       mamori rules test RULES... --events FILE     run rules over log lines\n",
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
