/* SPDX-License-Identifier: Apache-2.0 */
/* rule.h: Sigma rules (../shared/sigma/specification) loaded into a checked form: metadata, log
 * source, the detection's search identifiers with their field/modifier/value items, and the
 * condition as a tree. A rule that cannot be supported is refused with a reason; nothing is
 * dropped silently. (Matching events against rules is the next step of the detection engine.) */
#ifndef MM_SIGMA_RULE_H
#define MM_SIGMA_RULE_H

#include "base/prelude.h"
#include "base/error.h"
#include "ytree.h"

/* value modifiers of the specification's appendix (v2.1) */
enum sigma_mod {
    SM_CONTAINS = 1, SM_STARTSWITH, SM_ENDSWITH, SM_ALL, SM_EXISTS, SM_CASED, SM_NEQ, SM_WINDASH,
    SM_RE, SM_RE_I, SM_RE_M, SM_RE_S, SM_BASE64, SM_BASE64OFFSET, SM_UTF16LE, SM_UTF16BE, SM_UTF16,
    SM_WIDE, SM_LT, SM_LTE, SM_GT, SM_GTE, SM_MINUTE, SM_HOUR, SM_DAY, SM_WEEK, SM_MONTH, SM_YEAR,
    SM_CIDR, SM_EXPAND, SM_FIELDREF,
};
const char *sigma_mod_name(int mod);

enum sigma_vtype { SV_STR, SV_NUM, SV_BOOL, SV_NULL };
struct sigma_value {
    enum sigma_vtype type;
    char *s; /* the text as written (numbers and booleans too) */
    size_t len;
    double num;
    bool b;
};

#define SIGMA_MAX_MODS 8
/* one "field|mod|mod: value(s)" (field NULL: keywords, matched against the whole message) */
struct sigma_item {
    char *field;
    uint8_t mods[SIGMA_MAX_MODS];
    size_t nmods;
    struct sigma_value *vals;
    size_t nvals;
    int line;
};

/* a mapping: every item holds (AND) */
struct sigma_map {
    struct sigma_item *items;
    size_t n;
};

/* a search identifier: any of its mappings holds (OR) */
struct sigma_ident {
    char *name;
    struct sigma_map *maps;
    size_t nmaps;
    int line;
};

enum cond_op { C_AND, C_OR, C_NOT, C_ID, C_ONE_OF, C_ALL_OF };
struct cond_node {
    enum cond_op op;
    struct cond_node *a, *b; /* AND, OR: a b; NOT: a */
    char *name;              /* ID: identifier; ONE_OF/ALL_OF: pattern with *, NULL for "them" */
};

struct sigma_rule {
    char *path;
    char *title, *id, *name, *status, *level, *description, *author, *date, *modified;
    char **tags;
    size_t ntags;
    char **falsepositives;
    size_t nfalsepositives;
    struct {
        char *product, *category, *service;
    } logsource;
    struct sigma_ident *idents;
    size_t nidents;
    struct cond_node **conds; /* a rule may list several conditions: any of them */
    size_t nconds;
    size_t placeholders; /* values with %placeholder% under |expand (need configuration) */
};

/* What kind of document a Sigma YAML document is. */
enum sigma_doc_kind { SIGMA_DOC_RULE, SIGMA_DOC_CORRELATION, SIGMA_DOC_FILTER, SIGMA_DOC_OTHER };
enum sigma_doc_kind sigma_doc_kind(const struct ynode *doc);

/* Compile one rule document. err: "line N: reason". */
struct sigma_rule *sigma_rule_compile(const struct ynode *doc, const char *path, struct mm_error *err);
void sigma_rule_free(struct sigma_rule *r);

/* The condition language alone (for tests). */
struct cond_node *sigma_cond_parse(const char *text, struct mm_error *err);
void sigma_cond_free(struct cond_node *n);
/* Back to text, fully parenthesised (tests, `rules check -v`). */
void sigma_cond_format(const struct cond_node *n, char *out, size_t outlen);

#endif
