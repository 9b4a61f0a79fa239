/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_rules.c: `mamori rules check PATH...`: load Sigma rules and say which compile and why the
 * others do not. */
#include "base/prelude.h"
#include "base/alloc.h"
#include "sigma/rule.h"
#include "sigma/ytree.h"
#include "commands.h"

#include <dirent.h>
#include <sys/stat.h>

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
            if (!r) {
                printf("%s: %s\n", path, err.msg);
                st->refused++;
                break;
            }
            st->compiled++;
            if (r->placeholders) {
                st->placeholders++;
                if (st->verbose)
                    printf("%s: needs values for %zu placeholder(s) (|expand)\n", path, r->placeholders);
            }
            if (st->verbose) {
                char c[512];
                sigma_cond_format(r->conds[0], c, sizeof c);
                printf("%s: ok: %s [%s] %s\n", path, r->level ? r->level : "-", r->title, c);
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

static void check_path(const char *path, struct check_stats *st, int depth)
{
    struct stat sb;
    if (stat(path, &sb) < 0) {
        printf("%s: %s\n", path, mm_strerror(errno));
        st->unreadable++;
        return;
    }
    if (!S_ISDIR(sb.st_mode)) {
        check_file(path, st);
        return;
    }
    if (depth > 32)
        return;
    DIR *d = opendir(path);
    if (!d) {
        printf("%s: %s\n", path, mm_strerror(errno));
        st->unreadable++;
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
            check_path(p, st, depth + 1);
        mm_free(p);
        mm_free(names[i]);
    }
    mm_free(names);
}

static int rules_check(int argc, char **argv)
{
    struct check_stats st = { 0 };
    int i = 1;
    if (i < argc && !strcmp(argv[i], "-v")) {
        st.verbose = true;
        i++;
    }
    if (i >= argc) {
        fputs("usage: mamori rules check [-v] PATH...\n"
              "Load every Sigma rule under PATH (files or directories of .yml) and print, one line each,\n"
              "the documents that are not supported and why; -v also lists the rules that compile.\n",
              stderr);
        return 2;
    }
    for (; i < argc; i++)
        check_path(argv[i], &st, 0);
    printf("%" PRIu64 " files, %" PRIu64 " documents: %" PRIu64 " rules compile, %" PRIu64 " refused, %" PRIu64
           " correlation rules and %" PRIu64 " filters not supported yet, %" PRIu64 " other, %" PRIu64
           " unreadable; %" PRIu64 " rules need placeholder values\n",
           st.files, st.docs, st.compiled, st.refused, st.correlations, st.filters, st.other, st.unreadable,
           st.placeholders);
    return st.refused || st.other || st.unreadable ? 1 : 0;
}

int cmd_rules(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        fputs("usage: mamori rules check [-v] PATH...   validate Sigma rules\n", argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (!strcmp(argv[1], "check"))
        return rules_check(argc - 1, argv + 1);
    die_msg("unknown 'rules' command '%s'", argv[1]);
    return 2;
}
