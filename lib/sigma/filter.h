/* SPDX-License-Identifier: Apache-2.0 */
/* filter.h: Sigma filters (specification: sigma-filters-specification.md, v2.1): environment
 * tuning kept out of the rules. A filter names rules (by id or name, or `any`), a log source, and
 * a selection with a condition; a match of a named rule stands only when the filter's condition
 * holds too. As in pySigma (sigma/filters.py, SigmaFilter.apply_on_rule) the rule's condition
 * becomes `(rule) and (filter)`, so a filter that removes matches says so itself:
 * `condition: not selection`. docs/FILTERS.md has the details and the reasons. */
#ifndef MM_SIGMA_FILTER_H
#define MM_SIGMA_FILTER_H

#include "base/prelude.h"
#include "base/buf.h"
#include "base/error.h"
#include "event/event.h"
#include "match.h"
#include "rule.h"
#include "ytree.h"

struct sigma_filter {
    /* the filter as a rule: metadata (title, id, path, logsource) and the selection with the
     * filter's one condition; level and status stay NULL */
    struct sigma_rule *rule;
    struct sigma_compiled *comp;
    char **refs; /* `rules:` as written: ids or names */
    size_t nrefs;
    bool any; /* `rules: any` (or an empty list): every rule whose log source the filter covers */
};

/* Compile one filter document (sigma_doc_kind == SIGMA_DOC_FILTER). ph: values for |expand
 * placeholders (may be NULL). NULL with "line N: reason" in err when it is invalid (no title, no
 * logsource, no rules, no condition or more than one) or uses what the matcher cannot evaluate. */
struct sigma_filter *sigma_filter_compile(const struct ynode *doc, const char *path,
                                          const struct sigma_placeholders *ph,
                                          struct mm_error *err);
void sigma_filter_free(struct sigma_filter *f);

/* Does f's log source cover r's? Each of product, category and service that the filter names
 * must be the rule's (ignoring case); what the filter leaves out is not compared (pySigma's
 * SigmaLogSource containment). */
bool sigma_filter_covers(const struct sigma_filter *f, const struct sigma_rule *r);
/* Does f name r: one of its references is r's id (ignoring case) or r's name? */
bool sigma_filter_names(const struct sigma_filter *f, const struct sigma_rule *r);
/* Is f applied to r: it names r (or says `any`) and covers r's log source? */
bool sigma_filter_applies(const struct sigma_filter *f, const struct sigma_rule *r);

/* Check the filters against the rules they will be applied to: every reference must name one of
 * the rules, and every rule a filter names must have a log source the filter covers. Each problem
 * is appended to problems (may be NULL) as one line,
 * "PATH: filter 'TITLE': unknown rule 'REF'\n" or
 * "PATH: filter 'TITLE': log source (product=...) does not cover rule 'REF' (category=...)\n".
 * Returns the number of problems. */
size_t sigma_filters_check(struct sigma_filter *const *filters, size_t nfilters,
                           struct sigma_rule *const *rules, size_t nrules, struct buf *problems);

/* Does the event keep a match of a rule f applies to (f's condition holds)? false: f suppresses it.
 */
bool sigma_filter_keeps(const struct sigma_filter *f, const struct event *ev);

#endif
