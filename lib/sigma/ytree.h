/* SPDX-License-Identifier: Apache-2.0 */
/* ytree.h: YAML documents as trees, from libyaml's event stream. Sigma rules are small (a few KB);
 * a tree with line numbers is what a compiler that reports "line N: why" needs. Anchors and
 * aliases are refused (no Sigma rule uses them, and they allow exponential expansion). */
#ifndef MM_SIGMA_YTREE_H
#define MM_SIGMA_YTREE_H

#include "base/prelude.h"
#include "base/error.h"

enum ynode_type { Y_SCALAR, Y_SEQ, Y_MAP };

struct ynode {
    enum ynode_type type;
    int line; /* 1-based */
    /* scalar: the text (NUL-terminated) and whether it was written plain (unquoted: a plain
     * `null`, `true`, `42` is not a string) */
    char *s;
    size_t len;
    bool plain;
    /* sequence: items; mapping: keys and values alternating (items[2k] key, items[2k+1] value) */
    struct ynode **items;
    size_t n;
};

/* All documents of a stream (`---` separated). *ndocs receives the count. */
enum mm_status ytree_load(const char *text, size_t len, struct ynode ***docs, size_t *ndocs,
                         struct mm_error *err);
enum mm_status ytree_load_file(const char *path, struct ynode ***docs, size_t *ndocs, struct mm_error *err);
void ytree_free_docs(struct ynode **docs, size_t ndocs);
void ytree_free(struct ynode *n);

/* Mapping lookup by key (scalar keys); NULL when absent or n is not a mapping. */
const struct ynode *ytree_get(const struct ynode *map, const char *key);
/* The scalar text of a mapping's key, or NULL. */
const char *ytree_get_str(const struct ynode *map, const char *key);
/* Plain null (`null`, `~`, or empty). */
bool ytree_is_null(const struct ynode *n);

#endif
