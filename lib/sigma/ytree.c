/* SPDX-License-Identifier: Apache-2.0 */
/* ytree.c: libyaml events into trees (names ytree_*: libyaml exports yaml_free and friends). */
#include "base/prelude.h"
#include "base/alloc.h"
#include "ytree.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#define YAML_MAX_DEPTH 64
#define YAML_MAX_NODES 200000

static struct ynode *new_node(enum ynode_type t, int line)
{
    struct ynode *n = mm_calloc(1, sizeof *n);
    n->type = t;
    n->line = line;
    return n;
}

static void add_item(struct ynode *parent, struct ynode *child)
{
    parent->items = mm_reallocarray(parent->items, parent->n + 1, sizeof *parent->items);
    parent->items[parent->n++] = child;
}

void ytree_free(struct ynode *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->n; i++)
        ytree_free(n->items[i]);
    mm_free(n->items);
    mm_free(n->s);
    mm_free(n);
}

void ytree_free_docs(struct ynode **docs, size_t ndocs)
{
    for (size_t i = 0; i < ndocs; i++)
        ytree_free(docs[i]);
    mm_free(docs);
}

enum mm_status ytree_load(const char *text, size_t len, struct ynode ***docs_out, size_t *ndocs,
                         struct mm_error *err)
{
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p))
        return mm_error_set(err, MM_ERR_NOMEM, "yaml: cannot initialise the parser");
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    struct ynode *stack[YAML_MAX_DEPTH];
    int depth = 0;
    struct ynode **docs = NULL;
    size_t nd = 0, nodes = 0;
    enum mm_status st = MM_OK;
    for (bool done = false; !done;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&p, &ev)) {
            st = mm_error_set(err, MM_ERR_PARSE, "line %zu: %s%s%s", p.problem_mark.line + 1,
                              p.problem ? p.problem : "YAML syntax error", p.context ? " " : "",
                              p.context ? p.context : "");
            break;
        }
        int line = (int)ev.start_mark.line + 1;
        struct ynode *node = NULL;
        switch (ev.type) {
        case YAML_STREAM_END_EVENT:
            done = true;
            break;
        case YAML_ALIAS_EVENT:
            st = mm_error_set(err, MM_ERR_PARSE, "line %d: YAML aliases are not supported", line);
            break;
        case YAML_SCALAR_EVENT:
            node = new_node(Y_SCALAR, line);
            node->s = mm_strndup((const char *)ev.data.scalar.value, ev.data.scalar.length);
            node->len = ev.data.scalar.length;
            node->plain = ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
            if (ev.data.scalar.anchor)
                st = mm_error_set(err, MM_ERR_PARSE, "line %d: YAML anchors are not supported", line);
            break;
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT:
            node = new_node(ev.type == YAML_SEQUENCE_START_EVENT ? Y_SEQ : Y_MAP, line);
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            depth--;
            break;
        default: /* stream/document start and document end */
            break;
        }
        yaml_event_delete(&ev);
        if (st != MM_OK) {
            ytree_free(node);
            break;
        }
        if (!node)
            continue;
        if (++nodes > YAML_MAX_NODES) {
            ytree_free(node);
            st = mm_error_set(err, MM_ERR_TOO_LARGE, "line %d: more than %d YAML nodes", line, YAML_MAX_NODES);
            break;
        }
        if (depth == 0) {
            docs = mm_reallocarray(docs, nd + 1, sizeof *docs);
            docs[nd++] = node;
        } else {
            add_item(stack[depth - 1], node);
        }
        if (node->type != Y_SCALAR) {
            if (depth == YAML_MAX_DEPTH) {
                st = mm_error_set(err, MM_ERR_TOO_LARGE, "line %d: nested deeper than %d", line, YAML_MAX_DEPTH);
                break;
            }
            stack[depth++] = node;
        }
    }
    yaml_parser_delete(&p);
    if (st != MM_OK) {
        ytree_free_docs(docs, nd);
        return st;
    }
    *docs_out = docs;
    *ndocs = nd;
    return MM_OK;
}

enum mm_status ytree_load_file(const char *path, struct ynode ***docs, size_t *ndocs, struct mm_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return mm_error_set(err, MM_ERR_IO, "cannot open '%s': %s", path, mm_strerror(errno));
    struct stat st;
    if (fstat(fd, &st) < 0 || st.st_size > 4 * 1024 * 1024) {
        close(fd);
        return mm_error_set(err, MM_ERR_TOO_LARGE, "'%s': not a regular file of at most 4 MiB", path);
    }
    char *buf = mm_malloc((size_t)st.st_size + 1);
    ssize_t got = 0;
    while (got < st.st_size) {
        ssize_t r = read(fd, buf + got, (size_t)(st.st_size - got));
        if (r <= 0)
            break;
        got += r;
    }
    close(fd);
    enum mm_status rc = ytree_load(buf, (size_t)got, docs, ndocs, err);
    mm_free(buf);
    return rc;
}

const struct ynode *ytree_get(const struct ynode *map, const char *key)
{
    if (!map || map->type != Y_MAP)
        return NULL;
    for (size_t i = 0; i + 1 < map->n; i += 2)
        if (map->items[i]->type == Y_SCALAR && !strcmp(map->items[i]->s, key))
            return map->items[i + 1];
    return NULL;
}

const char *ytree_get_str(const struct ynode *map, const char *key)
{
    const struct ynode *v = ytree_get(map, key);
    return v && v->type == Y_SCALAR ? v->s : NULL;
}

bool ytree_is_null(const struct ynode *n)
{
    return n && n->type == Y_SCALAR && n->plain &&
           (n->len == 0 || !strcmp(n->s, "null") || !strcmp(n->s, "~") || !strcmp(n->s, "Null") ||
            !strcmp(n->s, "NULL"));
}
