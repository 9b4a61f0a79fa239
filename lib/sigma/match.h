/* SPDX-License-Identifier: Apache-2.0 */
/* match.h: evaluating compiled Sigma rules against normalised events. A rule set is built from
 * loaded rules (rule.h); each rule's values become matchers once (wildcard patterns, PCRE2
 * expressions, networks, numbers, encoded variants), and an event is matched rule by rule whose
 * log source fits. The multi-pattern prefilter of issue 4 comes on top of this exact matcher. */
#ifndef MM_SIGMA_MATCH_H
#define MM_SIGMA_MATCH_H

#include "base/prelude.h"
#include "base/buf.h"
#include "base/error.h"
#include "event/event.h"
#include "rule.h"

struct sigma_compiled;
/* Values for |expand placeholders (%name%): a YAML mapping of names to a value or a list of values,
 * e.g. `Administrators: [CORP\admin1, CORP\admin2]`. Names are case-sensitive. */
struct sigma_placeholders {
    struct sigma_placeholder {
        char *name;
        char **vals;
        size_t nvals;
    } *v;
    size_t n;
};
enum mm_status sigma_placeholders_load(const char *path, struct sigma_placeholders *ph, struct mm_error *err);
void sigma_placeholders_free(struct sigma_placeholders *ph);

/* Build the matchers of a loaded rule. NULL with a reason when a feature it uses cannot be
 * evaluated (e.g. |expand placeholders without values). The rule stays owned by the caller and
 * must outlive the result. */
struct sigma_compiled *sigma_compile_matchers(const struct sigma_rule *r, struct mm_error *err);
/* The same with placeholder values for |expand (ph may be NULL). */
struct sigma_compiled *sigma_compile_matchers_ph(const struct sigma_rule *r, const struct sigma_placeholders *ph,
                                                 struct mm_error *err);
void sigma_compiled_free(struct sigma_compiled *c);
const struct sigma_rule *sigma_compiled_rule(const struct sigma_compiled *c);

/* Does the rule's log source cover the event's? (product, category, service: each the rule names
 * must be the event's, ignoring case; registry_event covers registry_add/delete/set/rename) */
bool sigma_logsource_matches(const struct sigma_rule *r, const struct event *ev);

/* The lowercased text of one event's fields, made once per field and shared by every rule the
 * event is matched against (one per thread; reset for each event). */
struct sigma_evctx {
    const struct event *ev;
    struct buf lower;
    uint32_t off[EVENT_MAX_FIELDS + 1]; /* the last: the raw message */
    uint64_t have[(EVENT_MAX_FIELDS + 1 + 63) / 64];
};
void sigma_evctx_init(struct sigma_evctx *x);
void sigma_evctx_release(struct sigma_evctx *x);
void sigma_evctx_reset(struct sigma_evctx *x, const struct event *ev);
/* sigma_match for the event of x. */
bool sigma_match_ctx(const struct sigma_compiled *c, struct sigma_evctx *x, struct buf *why);

/* Match one event. why (may be NULL) receives, for a match, which search identifiers held and
 * through which field and value ("selection: Image=...\\powershell.exe"). */
bool sigma_match(const struct sigma_compiled *c, const struct event *ev, struct buf *why);

/* A set of literals at least one of which occurs, ignoring ASCII case, in the text of any event
 * the rule matches (a field value, or the raw message for literals marked raw): what a multi-pattern prefilter looks for.
 * false when the rule has no such set (a negation, a regular expression, a number ... decides):
 * then it must be evaluated on every event of its log source. */
struct sigma_literal {
    char *s; /* lowercase unless the value was |cased; may hold NUL bytes (utf16) */
    size_t n;
    bool raw; /* from a keyword (no field): to be found in the raw message, else in a field value */
    /* a regular expression (PCRE syntax, ASCII only) instead of a literal: what a prefilter that
     * can approximate expressions (vectorscan's prefilter mode) may use; others treat the set as
     * unconstrained. re_flags: 'i', 'm', 's' as the rule's modifiers say */
    bool regex;
    bool re_i, re_m, re_s;
    const char *field; /* the field the member is looked for in (owned by the rule); NULL: raw */
};
bool sigma_required_literals(const struct sigma_compiled *c, struct sigma_literal **lits, size_t *n);
void sigma_literals_free(struct sigma_literal *lits, size_t n);

/* Sharper: sets of literals each of which must have a member in the text (a conjunction, e.g.
 * one set per side of an `and`), at most 8, the most selective first. Returns how many (0: none
 * known, evaluate the rule on every event of its log source); *sets is freed with
 * sigma_literal_sets_free. The first set alone is what sigma_required_literals gives. */
struct sigma_literal_set {
    struct sigma_literal *v;
    size_t n;
};
size_t sigma_required_literal_sets(const struct sigma_compiled *c, struct sigma_literal_set **sets);
void sigma_literal_sets_free(struct sigma_literal_set *sets, size_t n);

#endif
