/* SPDX-License-Identifier: Apache-2.0 */
/* ruleset.h: many Sigma rules evaluated together. The literals each rule needs (match.h) go into
 * one vectorscan database; an event's text (raw message and field values) is scanned once, and
 * only the rules whose literals occurred, plus those that need no literal, are matched exactly.
 * Loading every SigmaHQ rule thus costs little more per event than loading a few. */
#ifndef MM_SIGMA_RULESET_H
#define MM_SIGMA_RULESET_H

#include "base/prelude.h"
#include "base/buf.h"
#include "base/error.h"
#include "event/event.h"
#include "filter.h"
#include "match.h"

struct sigma_ruleset;
struct sigma_ruleset *sigma_ruleset_new(void);
/* Takes ownership of both. */
void sigma_ruleset_add(struct sigma_ruleset *rs, struct sigma_rule *r, struct sigma_compiled *c);
/* Takes ownership of f. A match of a rule the filter applies to (sigma_filter_applies) stands only
 * when the filter's condition holds too; several filters of one rule must all hold. */
void sigma_ruleset_add_filter(struct sigma_ruleset *rs, struct sigma_filter *f);
/* Attach the filters to their rules and build the prefilter (after the last add). prefilter
 * false: evaluate every rule (for comparison). Fails when a filter names a rule the set does not
 * hold or one whose log source it does not cover (sigma_filters_check: err has the first problem
 * and how many more; check beforehand to drop such filters instead). Filters only remove matches,
 * so the prefilter stays as the rules alone need it. */
enum mm_status sigma_ruleset_build(struct sigma_ruleset *rs, bool prefilter, struct mm_error *err);
void sigma_ruleset_free(struct sigma_ruleset *rs);

struct sigma_ruleset_stats {
    size_t rules, prefiltered, always, literals;
    size_t databases; /* vectorscan databases the literals were compiled into */
    size_t filters, filtered_rules; /* filters added; rules with at least one filter */
    uint64_t events, candidates, evaluated, matches;
    uint64_t suppressed; /* rule matches a filter removed (not in matches) */
};
void sigma_ruleset_stats(const struct sigma_ruleset *rs, struct sigma_ruleset_stats *st);

/* Per-thread working state. Its match counters are added to the ruleset's every 256 events and when
 * it is freed (sigma_ruleset_stats may lag by that much while threads match). */
struct sigma_scratch;
struct sigma_scratch *sigma_scratch_new(const struct sigma_ruleset *rs);
void sigma_scratch_free(struct sigma_scratch *s);

typedef void (*sigma_hit_fn)(void *ctx, const struct sigma_rule *r, const char *why);
/* Match one event; fn is called for each rule that fires. Returns the number that fired. */
size_t sigma_ruleset_match(struct sigma_ruleset *rs, struct sigma_scratch *s, const struct event *ev,
                           sigma_hit_fn fn, void *ctx);
/* The same; suppressed (may be NULL) is also called for each rule that matched but was removed by
 * a filter, with the first filter whose condition did not hold. */
typedef void (*sigma_suppressed_fn)(void *ctx, const struct sigma_rule *r, const struct sigma_filter *f);
size_t sigma_ruleset_match_report(struct sigma_ruleset *rs, struct sigma_scratch *s, const struct event *ev,
                                  sigma_hit_fn fn, sigma_suppressed_fn suppressed, void *ctx);

#endif
