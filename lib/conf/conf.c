/* SPDX-License-Identifier: Apache-2.0 */
/* conf.c: table-driven configuration parsing. */
#include "base/prelude.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/mtime.h"
#include "base/str.h"
#include "conf.h"

#include <fcntl.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define CONF_MAX_FILE (4u << 20)
#define CONF_MAX_LINE 4096

static void *field(void *instance, const struct conf_var *v)
{
    return (char *)instance + v->offset;
}

enum mm_status conf_set(const struct conf_var *v, void *instance, const char *value,
                        struct mm_error *err)
{
    void *dst = field(instance, v);
    switch (v->type) {
    case CONF_STRING: {
        char **s = dst;
        mm_free(*s);
        *s = mm_strdup(value);
        return MM_OK;
    }
    case CONF_BOOL: {
        bool *b = dst;
        if (!strcasecmp(value, "yes") || !strcasecmp(value, "true") || !strcasecmp(value, "on") ||
            !strcmp(value, "1"))
            *b = true;
        else if (!strcasecmp(value, "no") || !strcasecmp(value, "false") ||
                 !strcasecmp(value, "off") || !strcmp(value, "0"))
            *b = false;
        else
            return mm_error_set(err, MM_ERR_INVALID, "'%s' wants yes or no, not '%s'", v->name, value);
        return MM_OK;
    }
    case CONF_INT: {
        int64_t n;
        if (mm_parse_i64(value, strlen(value), &n) != MM_OK)
            return mm_error_set(err, MM_ERR_INVALID, "'%s' wants an integer, not '%s'", v->name, value);
        if ((v->min || v->max) && (n < v->min || n > v->max))
            return mm_error_set(err, MM_ERR_INVALID, "'%s' must be between %" PRId64 " and %" PRId64
                                ", not %" PRId64, v->name, v->min, v->max, n);
        *(int64_t *)dst = n;
        return MM_OK;
    }
    case CONF_SIZE: {
        uint64_t n;
        if (mm_parse_size(value, &n) != MM_OK)
            return mm_error_set(err, MM_ERR_INVALID, "'%s' wants a size such as 64k or 8m, not '%s'",
                                v->name, value);
        if ((v->min || v->max) && (n < (uint64_t)v->min || n > (uint64_t)v->max))
            return mm_error_set(err, MM_ERR_INVALID, "'%s' must be between %" PRId64 " and %" PRId64
                                " bytes, not %" PRIu64, v->name, v->min, v->max, n);
        *(uint64_t *)dst = n;
        return MM_OK;
    }
    case CONF_DURATION: {
        int64_t ns;
        if (mm_parse_duration(value, &ns) != MM_OK)
            return mm_error_set(err, MM_ERR_INVALID,
                                "'%s' wants a duration such as 5s, 200ms or 2h, not '%s'", v->name, value);
        if ((v->min || v->max) && (ns < v->min || ns > v->max))
            return mm_error_set(err, MM_ERR_INVALID, "'%s' is out of range: '%s'", v->name, value);
        *(int64_t *)dst = ns;
        return MM_OK;
    }
    case CONF_ENUM:
        for (int i = 0; v->choices[i]; i++) {
            if (!strcmp(value, v->choices[i])) {
                *(int *)dst = i;
                return MM_OK;
            }
        }
        {
            char list[256] = "";
            size_t n = 0;
            for (int i = 0; v->choices[i]; i++)
                n += (size_t)snprintf(list + n, sizeof list - MM_MIN(n, sizeof list), "%s%s",
                                      i ? ", " : "", v->choices[i]);
            return mm_error_set(err, MM_ERR_INVALID, "'%s' must be one of %s, not '%s'", v->name,
                                list, value);
        }
    }
    return MM_ERR_INVALID;
}

enum mm_status conf_defaults(const struct conf_section *sec, void *instance, struct mm_error *err)
{
    for (size_t i = 0; i < sec->nvars; i++) {
        const struct conf_var *v = &sec->vars[i];
        if (!v->def)
            continue;
        enum mm_status st = conf_set(v, instance, v->def, err);
        if (st != MM_OK)
            return mm_error_wrap(err, st, "default of '%s'", v->name);
    }
    return MM_OK;
}

static const struct conf_var *find_var(const struct conf_section *sec, const char *name)
{
    for (size_t i = 0; i < sec->nvars; i++)
        if (!strcmp(sec->vars[i].name, name))
            return &sec->vars[i];
    return NULL;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

/* value text: strip an inline comment (outside quotes) and surrounding quotes */
static enum mm_status unquote(char *v, struct mm_error *err, const char *file, int line)
{
    char *t = trim(v); /* "key = "value"": the quote follows the blank after '=' */
    if (*t == '"') {
        char *end = strrchr(t + 1, '"');
        if (!end)
            return mm_error_set(err, MM_ERR_PARSE, "%s:%d: unterminated quoted value", file, line);
        char *rest = trim(end + 1);
        if (*rest && *rest != '#')
            return mm_error_set(err, MM_ERR_PARSE, "%s:%d: text after quoted value", file, line);
        *end = '\0';
        memmove(v, t + 1, strlen(t + 1) + 1);
        return MM_OK;
    }
    char *hash = strstr(t, " #");
    if (hash)
        *hash = '\0';
    t = trim(t);
    memmove(v, t, strlen(t) + 1);
    return MM_OK;
}

struct section_state {
    const struct conf_section *sec;
    void *instance;
    uint64_t seen[4]; /* bitmap of vars set, to report duplicates and missing required ones */
    int line;         /* of the section header (0: the top level), for messages */
};

static enum mm_status finish_section(struct section_state *ss, const char *file,
                                     struct mm_error *err)
{
    if (!ss->sec)
        return MM_OK;
    char where[512];
    if (ss->line)
        snprintf(where, sizeof where, "%s:%d", file, ss->line);
    else
        snprintf(where, sizeof where, "%s", file);
    for (size_t i = 0; i < ss->sec->nvars && i < 256; i++) {
        const struct conf_var *v = &ss->sec->vars[i];
        if ((v->flags & CONF_REQUIRED) && !(ss->seen[i / 64] >> (i % 64) & 1))
            return mm_error_set(err, MM_ERR_INVALID, "%s: section [%s%s%s] needs '%s'", where,
                                ss->sec->name,
                                ss->sec->add ? " " : "",
                                ss->sec->add ? *(char **)((char *)ss->instance + ss->sec->name_offset) : "",
                                v->name);
    }
    if (ss->sec->validate) {
        enum mm_status st = ss->sec->validate(ss->instance, err);
        if (st != MM_OK)
            return mm_error_wrap(err, st, "%s", where);
    }
    return MM_OK;
}

enum mm_status conf_parse(const char *text, size_t len, const char *file,
                          const struct conf_section *sections, size_t nsections, void *owner,
                          struct mm_error *err)
{
    enum mm_status st = conf_defaults(&sections[0], owner, err);
    if (st != MM_OK)
        return st;
    struct section_state ss = { .sec = &sections[0], .instance = owner };
    size_t pos = 0;
    int lineno = 0;
    char line[CONF_MAX_LINE];
    while (pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
        lineno++;
        if (n >= sizeof line)
            return mm_error_set(err, MM_ERR_TOO_LARGE, "%s:%d: line longer than %d bytes", file,
                                lineno, CONF_MAX_LINE - 1);
        if (memchr(text + pos, '\0', n))
            return mm_error_set(err, MM_ERR_PARSE, "%s:%d: NUL byte in configuration", file, lineno);
        memcpy(line, text + pos, n);
        line[n] = '\0';
        pos += n + (nl ? 1 : 0);
        char *s = trim(line);
        if (!*s || *s == '#' || *s == ';')
            continue;
        if (*s == '[') {
            char *end = strchr(s, ']');
            if (!end || *trim(end + 1))
                return mm_error_set(err, MM_ERR_PARSE, "%s:%d: malformed section header", file, lineno);
            *end = '\0';
            char *kind = trim(s + 1), *name = kind;
            while (*name && *name != ' ' && *name != '\t')
                name++;
            if (*name)
                *name++ = '\0';
            name = trim(name);
            if ((st = finish_section(&ss, file, err)) != MM_OK)
                return st;
            const struct conf_section *sec = NULL;
            for (size_t i = 1; i < nsections; i++)
                if (!strcmp(sections[i].name, kind))
                    sec = &sections[i];
            if (!sec)
                return mm_error_set(err, MM_ERR_PARSE, "%s:%d: unknown section [%s]", file, lineno, kind);
            if (!*name)
                return mm_error_set(err, MM_ERR_PARSE, "%s:%d: section [%s] needs a name, e.g. [%s main]",
                                    file, lineno, kind, kind);
            void *inst = sec->add(owner);
            if (!inst)
                return mm_error_set(err, MM_ERR_PARSE, "%s:%d: duplicate or too many [%s] sections", file, lineno, kind);
            *(char **)((char *)inst + sec->name_offset) = mm_strdup(name);
            if ((st = conf_defaults(sec, inst, err)) != MM_OK)
                return st;
            ss = (struct section_state){ .sec = sec, .instance = inst, .line = lineno };
            continue;
        }
        char *eq = strchr(s, '=');
        if (!eq)
            return mm_error_set(err, MM_ERR_PARSE, "%s:%d: expected 'key = value'", file, lineno);
        *eq = '\0';
        char *key = trim(s), *value = eq + 1;
        if ((st = unquote(value, err, file, lineno)) != MM_OK)
            return st;
        const struct conf_var *v = find_var(ss.sec, key);
        if (!v && ss.sec->extra) {
            st = ss.sec->extra(ss.instance, key, value, err);
            if (st == MM_OK)
                continue;
            if (st != MM_ERR_NOT_FOUND)
                return mm_error_wrap(err, st, "%s:%d", file, lineno);
        }
        if (!v)
            return mm_error_set(err, MM_ERR_PARSE, "%s:%d: unknown setting '%s'%s%s%s", file, lineno,
                                key, *ss.sec->name ? " in [" : "", ss.sec->name,
                                *ss.sec->name ? "]" : "");
        size_t idx = (size_t)(v - ss.sec->vars);
        if (idx < 256 && (ss.seen[idx / 64] >> (idx % 64) & 1))
            return mm_error_set(err, MM_ERR_PARSE, "%s:%d: '%s' set twice", file, lineno, key);
        if (idx < 256)
            ss.seen[idx / 64] |= 1ull << (idx % 64);
        if ((st = conf_set(v, ss.instance, value, err)) != MM_OK)
            return mm_error_wrap(err, st, "%s:%d", file, lineno);
    }
    return finish_section(&ss, file, err);
}

enum mm_status conf_load_file(const char *path, const struct conf_section *sections,
                              size_t nsections, void *owner, struct mm_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return mm_error_set(err, MM_ERR_IO, "cannot open '%s': %s", path, mm_strerror(errno));
    struct buf b;
    buf_init(&b, CONF_MAX_FILE);
    enum mm_status st = MM_OK;
    for (;;) {
        if ((st = buf_reserve(&b, 8192)) != MM_OK) {
            mm_error_set(err, st, "'%s' is larger than %u bytes", path, CONF_MAX_FILE);
            break;
        }
        ssize_t n = read(fd, b.data + b.len, 8192);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            st = mm_error_set(err, MM_ERR_IO, "cannot read '%s': %s", path, mm_strerror(errno));
            break;
        }
        if (n == 0)
            break;
        b.len += (size_t)n;
    }
    close(fd);
    if (st == MM_OK)
        st = conf_parse(b.data, b.len, path, sections, nsections, owner, err);
    buf_release(&b);
    return st;
}

static void dump_value(FILE *f, const struct conf_var *v, const void *instance)
{
    const void *src = (const char *)instance + v->offset;
    if (v->flags & CONF_SECRET) {
        fputs("<secret>", f);
        return;
    }
    switch (v->type) {
    case CONF_STRING: {
        const char *s = *(char *const *)src;
        fprintf(f, "\"%s\"", s ? s : "");
        break;
    }
    case CONF_BOOL: fputs(*(const bool *)src ? "yes" : "no", f); break;
    case CONF_INT: fprintf(f, "%" PRId64, *(const int64_t *)src); break;
    case CONF_SIZE: fprintf(f, "%" PRIu64, *(const uint64_t *)src); break;
    case CONF_DURATION: {
        /* exact, so the dump loads back to the same value (200us is not "0ms": 0 means never) */
        int64_t ns = *(const int64_t *)src;
        if (ns % MM_NS_PER_SEC == 0)
            fprintf(f, "%" PRId64 "s", ns / MM_NS_PER_SEC);
        else if (ns % 1000000 == 0)
            fprintf(f, "%" PRId64 "ms", ns / 1000000);
        else
            fprintf(f, "%" PRId64 "us", ns / 1000);
        break;
    }
    case CONF_ENUM: fputs(v->choices[*(const int *)src], f); break;
    }
}

void conf_dump(FILE *f, const struct conf_section *sec, const void *instance)
{
    if (sec->add) /* a repeated section (its name may well be at offset 0) */
        fprintf(f, "\n[%s %s]\n", sec->name, *(char *const *)((const char *)instance + sec->name_offset));
    for (size_t i = 0; i < sec->nvars; i++) {
        const struct conf_var *v = &sec->vars[i];
        fprintf(f, "# %s\n%s = ", v->help, v->name);
        dump_value(f, v, instance);
        fputc('\n', f);
    }
}

void conf_free_strings(const struct conf_section *sec, void *instance)
{
    for (size_t i = 0; i < sec->nvars; i++) {
        if (sec->vars[i].type == CONF_STRING) {
            char **s = field(instance, &sec->vars[i]);
            mm_free(*s);
            *s = NULL;
        }
    }
    if (sec->add) {
        char **s = (char **)((char *)instance + sec->name_offset);
        mm_free(*s);
        *s = NULL;
    }
}
