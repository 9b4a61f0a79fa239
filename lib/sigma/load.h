/* SPDX-License-Identifier: Apache-2.0 */
/* load.h: loading Sigma documents from files and directories, for the sensor's detection engine
 * and the `mamori rules` commands alike: every .yml/.yaml file under each path (in name order),
 * every YAML document in each file, sorted into rules (compiled to matchers), correlation rules
 * and filters. Whatever is not accepted is reported with its file and reason, never dropped
 * silently. */
#ifndef MM_SIGMA_LOAD_H
#define MM_SIGMA_LOAD_H

#include "base/prelude.h"
#include "base/buf.h"
#include "match.h"
#include "rule.h"
#include "ytree.h"

/* Call fn for path if it is a file, or for every .yml/.yaml file under it (in name order) if it
 * is a directory. A path that cannot be read is passed with the reason in problem. */
typedef void (*sigma_file_fn)(const char *path, const char *problem, void *ctx);
void sigma_walk_files(const char *path, sigma_file_fn fn, void *ctx);

/* A loaded document that is not a plain rule, kept as its tree for a later compile step. */
struct sigma_doc {
    struct ynode *doc;
    char *path;
};

struct sigma_load {
    struct sigma_rule **rules; /* compiled rules ... */
    struct sigma_compiled **comp; /* ... and their matchers (same index) */
    size_t nrules;
    struct sigma_doc *correlations, *filters;
    size_t ncorrelations, nfilters;
    /* counts */
    size_t files, docs, refused, placeholders, other, unreadable;
    struct buf problems; /* one line per document not accepted: "path: reason\n" */
};

/* Load every path into ld (initialised by the call). ph: placeholder values for |expand (may be
 * NULL). Always succeeds; see ld->problems and the counts. */
void sigma_load_paths(struct sigma_load *ld, const char *const *paths, size_t npaths,
                      const struct sigma_placeholders *ph);
/* Free what the load still owns (rules moved elsewhere must be set to NULL first). */
void sigma_load_release(struct sigma_load *ld);

#endif
