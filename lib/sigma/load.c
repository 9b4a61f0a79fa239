/* SPDX-License-Identifier: Apache-2.0 */
/* load.c: walking rule directories and sorting their YAML documents. */
#include "base/prelude.h"
#include "base/alloc.h"
#include "load.h"

#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>

static bool yaml_name(const char *n)
{
    size_t l = strlen(n);
    return (l > 4 && !strcmp(n + l - 4, ".yml")) || (l > 5 && !strcmp(n + l - 5, ".yaml"));
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void walk(const char *path, sigma_file_fn fn, void *ctx, int depth)
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
    if (depth > 32) {
        fn(path, "directories nested too deep (more than 32)", ctx);
        return;
    }
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
            walk(p, fn, ctx, depth + 1);
        mm_free(p);
        mm_free(names[i]);
    }
    mm_free(names);
}

void sigma_walk_files(const char *path, sigma_file_fn fn, void *ctx)
{
    walk(path, fn, ctx, 0);
}

struct load_ctx {
    struct sigma_load *ld;
    const struct sigma_placeholders *ph;
};

static void keep_doc(struct sigma_doc **arr, size_t *n, struct ynode *doc, const char *path)
{
    *arr = mm_reallocarray(*arr, *n + 1, sizeof **arr);
    (*arr)[*n].doc = doc;
    (*arr)[*n].path = mm_strdup(path);
    (*n)++;
}

static void load_file(const char *path, const char *problem, void *vctx)
{
    struct load_ctx *c = vctx;
    struct sigma_load *ld = c->ld;
    if (problem) {
        buf_printf(&ld->problems, "%s: %s\n", path, problem);
        ld->unreadable++;
        return;
    }
    ld->files++;
    struct ynode **docs;
    size_t nd;
    struct mm_error err;
    if (ytree_load_file(path, &docs, &nd, &err) != MM_OK) {
        buf_printf(&ld->problems, "%s: %s\n", path, err.msg);
        ld->unreadable++;
        return;
    }
    for (size_t i = 0; i < nd; i++) {
        ld->docs++;
        switch (sigma_doc_kind(docs[i])) {
        case SIGMA_DOC_RULE: {
            struct sigma_rule *r = sigma_rule_compile(docs[i], path, &err);
            struct sigma_compiled *comp = r ? sigma_compile_matchers_ph(r, c->ph, &err) : NULL;
            if (!comp) {
                buf_printf(&ld->problems, "%s: %s\n", path, err.msg);
                if (r && r->placeholders)
                    ld->placeholders++;
                else
                    ld->refused++;
                sigma_rule_free(r);
                break;
            }
            ld->rules = mm_reallocarray(ld->rules, ld->nrules + 1, sizeof *ld->rules);
            ld->comp = mm_reallocarray(ld->comp, ld->nrules + 1, sizeof *ld->comp);
            ld->rules[ld->nrules] = r;
            ld->comp[ld->nrules++] = comp;
            break;
        }
        case SIGMA_DOC_CORRELATION:
            keep_doc(&ld->correlations, &ld->ncorrelations, docs[i], path);
            docs[i] = NULL;
            break;
        case SIGMA_DOC_FILTER:
            keep_doc(&ld->filters, &ld->nfilters, docs[i], path);
            docs[i] = NULL;
            break;
        case SIGMA_DOC_OTHER:
            ld->other++;
            buf_printf(&ld->problems, "%s: document %zu is not a Sigma rule, correlation or filter\n",
                       path, i + 1);
            break;
        }
    }
    ytree_free_docs(docs, nd);
}

void sigma_load_paths(struct sigma_load *ld, const char *const *paths, size_t npaths,
                      const struct sigma_placeholders *ph)
{
    memset(ld, 0, sizeof *ld);
    buf_init(&ld->problems, BUF_NO_MAX);
    struct load_ctx c = { ld, ph };
    for (size_t i = 0; i < npaths; i++)
        sigma_walk_files(paths[i], load_file, &c);
}

void sigma_load_release(struct sigma_load *ld)
{
    for (size_t i = 0; i < ld->nrules; i++) {
        sigma_compiled_free(ld->comp[i]);
        sigma_rule_free(ld->rules[i]);
    }
    mm_free(ld->rules);
    mm_free(ld->comp);
    for (size_t i = 0; i < ld->ncorrelations; i++) {
        ytree_free(ld->correlations[i].doc);
        mm_free(ld->correlations[i].path);
    }
    mm_free(ld->correlations);
    for (size_t i = 0; i < ld->nfilters; i++) {
        ytree_free(ld->filters[i].doc);
        mm_free(ld->filters[i].path);
    }
    mm_free(ld->filters);
    buf_release(&ld->problems);
    memset(ld, 0, sizeof *ld);
}
