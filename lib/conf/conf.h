/* SPDX-License-Identifier: Apache-2.0 */
/* conf.h: declarative configuration. A program describes its settings once, as a table of
 * struct conf_var (name, type, bounds, default, flags, help); the same table drives parsing of
 * the file, validation, defaults, `--dump-config` and the `-t` test mode.
 *
 * File syntax (INI-like): `key = value` lines; `[section name]` starts a named instance of a
 * repeated section (e.g. `[listener syslog-udp]`); `#` starts a comment; values may be quoted
 * with double quotes. Unknown keys, bad values and duplicates are errors with file:line. */
#ifndef MM_CONF_H
#define MM_CONF_H

#include "base/prelude.h"
#include "base/error.h"

enum conf_type {
    CONF_STRING, /* char * (allocated, freed by conf_free_struct) */
    CONF_BOOL,   /* bool: yes/no/true/false/on/off */
    CONF_INT,    /* int64_t within [min, max] */
    CONF_SIZE,   /* uint64_t bytes: 64k, 1m */
    CONF_DURATION, /* int64_t nanoseconds: 5s, 200ms */
    CONF_ENUM,   /* int: index into choices */
};

enum {
    CONF_SECRET = 1 << 0,   /* never printed (dump shows "<secret>") */
    CONF_REQUIRED = 1 << 1, /* must be given */
    CONF_RESTART = 1 << 2,  /* a change takes effect only after a restart, not on reload */
};

struct conf_var {
    const char *name;
    enum conf_type type;
    size_t offset; /* into the section's struct */
    const char *def; /* default as text, parsed like a file value; NULL: empty/zero */
    int64_t min, max; /* CONF_INT/SIZE/DURATION bounds (inclusive); both 0: unbounded */
    unsigned flags;
    const char *const *choices; /* CONF_ENUM: NULL-terminated */
    const char *help;
};

struct conf_section {
    const char *name;            /* "" for the top-level settings, else e.g. "listener" */
    const struct conf_var *vars;
    size_t nvars;
    size_t struct_size;          /* size of one instance */
    size_t name_offset;          /* repeated sections: offset of a char * for the instance name */
    /* repeated sections: append a new zeroed instance and return it (owned by the caller's
     * structure) */
    void *(*add)(void *owner);
    /* cross-field checks after a section is complete; NULL when none */
    enum mm_status (*validate)(void *instance, struct mm_error *err);
    /* settings the table does not list (another module's parameters); NULL when none. Returns
     * MM_ERR_NOT_FOUND for a key it does not know either. */
    enum mm_status (*extra)(void *instance, const char *key, const char *value, struct mm_error *err);
};

/* Parse text (file name for messages) into owner (the top-level struct, which is the top-level
 * section's instance). Defaults are applied first. */
enum mm_status conf_parse(const char *text, size_t len, const char *file,
                          const struct conf_section *sections, size_t nsections, void *owner,
                          struct mm_error *err);
enum mm_status conf_load_file(const char *path, const struct conf_section *sections,
                              size_t nsections, void *owner, struct mm_error *err);
/* Apply defaults to one instance. */
enum mm_status conf_defaults(const struct conf_section *sec, void *instance, struct mm_error *err);
/* Set one variable from text. */
enum mm_status conf_set(const struct conf_var *v, void *instance, const char *value,
                        struct mm_error *err);
/* Write an instance's settings as file text (secrets masked). */
void conf_dump(FILE *f, const struct conf_section *sec, const void *instance);
/* Free the strings of one instance. */
void conf_free_strings(const struct conf_section *sec, void *instance);

#endif
