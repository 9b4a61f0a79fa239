/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_ioc.c: `mamori ioc check FILE...` loads indicator files and says what each gave and what
 * it refused; `mamori ioc match FILE... --events LOG` runs them over log lines parsed as the
 * sensor parses them (the same options and code path as `mamori rules test`). */
#include "base/prelude.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/mtime.h"
#include "base/str.h"
#include "event/event.h"
#include "event/json.h"
#include "io/linereader.h"
#include "ioc/ioc.h"
#include "parse/parser.h"
#include "commands.h"

#include <fcntl.h>
#include <unistd.h>

static const char usage_text[] =
    "usage: mamori ioc check [OPTIONS] FILE...\n"
    "       mamori ioc match [OPTIONS] FILE... --events LOG [--json] [--no-header] [--tz ZONE] [--parser NAME]\n"
    "Load indicator files (MISP JSON, STIX 2.1, CSV with a header, plain lists; docs/IOC.md).\n"
    "check prints what each file gave and every line it refused, and exits 1 when any was refused;\n"
    "match prints every indicator found in the log's events.\n"
    "options:\n"
    "  --format misp|stix|csv|list   do not detect the format\n"
    "  --now TIME                    the time expiry is judged at (RFC 3339; default now)\n"
    "  --min-confidence N            do not load indicators below N (0-100)\n"
    "  --default-confidence N        confidence of indicators whose file gives none (50)\n"
    "  --misp-lifetime DURATION      MISP attributes expire this long after last_seen (90d; 0: never)\n";

struct ioc_cli {
    struct ioc_load_options opt;
    const char **files;
    size_t nfiles;
    const char *events;
    bool json;
    struct parse_options po;
};

static bool parse_time_arg(const char *s, int64_t *ns)
{
    struct mm_tz utc = { false, 0 };
    size_t used = 0;
    return parse_iso_time(s, strlen(s), &utc, ns, &used, NULL) == MM_OK && used == strlen(s);
}

/* Returns 0 when the arguments are good, else the exit status. */
static int parse_args(int argc, char **argv, struct ioc_cli *c, bool match)
{
    ioc_load_options_init(&c->opt);
    c->po.ctx.tz.local = true;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool has = i + 1 < argc;
        long v;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(usage_text, stdout);
            return -1;
        } else if (!strcmp(a, "--format") && has) {
            const char *f = argv[++i];
            c->opt.format = !strcmp(f, "misp") ? IOC_FORMAT_MISP : !strcmp(f, "stix") ? IOC_FORMAT_STIX
                          : !strcmp(f, "csv") ? IOC_FORMAT_CSV : !strcmp(f, "list") ? IOC_FORMAT_LIST : IOC_FORMAT_AUTO;
            if (c->opt.format == IOC_FORMAT_AUTO && strcmp(f, "auto")) {
                die_msg("unknown format '%s'", f);
                return 2;
            }
        } else if (!strcmp(a, "--now") && has) {
            if (!parse_time_arg(argv[++i], &c->opt.now_ns)) {
                die_msg("invalid --now '%s': use RFC 3339, e.g. 2026-11-23T12:00:00Z", argv[i]);
                return 2;
            }
        } else if ((!strcmp(a, "--min-confidence") || !strcmp(a, "--default-confidence")) && has) {
            if (mm_parse_long(argv[++i], 0, 100, &v) != MM_OK) {
                die_msg("invalid %s '%s': a number from 0 to 100", a, argv[i]);
                return 2;
            }
            if (a[2] == 'm')
                c->opt.min_confidence = (unsigned)v;
            else
                c->opt.default_confidence = (unsigned)v;
        } else if (!strcmp(a, "--misp-lifetime") && has) {
            if (strcmp(argv[++i], "0") && mm_parse_duration(argv[i], &c->opt.misp_lifetime_ns) != MM_OK) {
                die_msg("invalid --misp-lifetime '%s': e.g. 90d, 12h", argv[i]);
                return 2;
            }
            if (!strcmp(argv[i], "0"))
                c->opt.misp_lifetime_ns = 0;
        } else if (match && !strcmp(a, "--events") && has) {
            c->events = argv[++i];
        } else if (match && !strcmp(a, "--json")) {
            c->json = true;
        } else if (match && !strcmp(a, "--no-header")) {
            c->po.no_syslog_header = true;
        } else if (match && !strcmp(a, "--tz") && has) {
            if (mm_tz_parse(argv[++i], &c->po.ctx.tz) != MM_OK) {
                die_msg("invalid time zone '%s'", argv[i]);
                return 2;
            }
        } else if (match && !strcmp(a, "--parser") && has) {
            c->po.forced = parser_find(argv[++i]);
            if (!c->po.forced) {
                die_msg("unknown parser '%s'", argv[i]);
                return 2;
            }
        } else if (a[0] == '-' && a[1] == '-') {
            die_msg("unknown option '%s'", a);
            fputs(usage_text, stderr);
            return 2;
        } else {
            c->files[c->nfiles++] = a;
        }
    }
    if (!c->nfiles || (match && !c->events)) {
        fputs(usage_text, stderr);
        return 2;
    }
    return 0;
}

/* "FILE: misp: 12 loaded (ipv4 3, domain 9), 1 duplicate, ..." and one line per problem. */
static void print_file_stats(FILE *out, const char *path, const struct ioc_file_stats *st)
{
    struct buf b;
    buf_init(&b, BUF_NO_MAX);
    buf_printf(&b, "%s: %s: %" PRIu64 " loaded", path, st->refused ? "refused" : ioc_format_name(st->format),
               ioc_file_stats_loaded(st));
    const char *sep = " (";
    for (int t = 0; t < IOC_TYPE_COUNT; t++)
        if (st->loaded[t]) {
            buf_printf(&b, "%s%s %" PRIu64, sep, ioc_type_name((enum ioc_type)t), st->loaded[t]);
            sep = ", ";
        }
    if (sep[0] == ',')
        buf_append_char(&b, ')');
    const struct {
        const char *what;
        uint64_t n;
    } counts[] = {
        { "duplicates merged", st->duplicates }, { "not to_ids", st->not_ids },
        { "expired", st->expired },              { "revoked", st->revoked },
        { "below min confidence", st->low_confidence }, { "unsupported", st->unsupported },
        { "invalid", st->invalid },              { "other objects ignored", st->ignored },
    };
    for (size_t k = 0; k < MM_ARRAY_LEN(counts); k++)
        if (counts[k].n)
            buf_printf(&b, ", %" PRIu64 " %s", counts[k].n, counts[k].what);
    buf_append_char(&b, '\n');
    for (size_t k = 0; k < st->nproblems; k++) {
        if (st->problems[k].line)
            buf_printf(&b, "%s:%u: %s\n", path, st->problems[k].line, st->problems[k].msg);
        else
            buf_printf(&b, "%s: %s\n", path, st->problems[k].msg);
    }
    if (st->problems_omitted)
        buf_printf(&b, "%s: %" PRIu64 " more problems not shown\n", path, st->problems_omitted);
    fwrite(b.data, 1, b.len, out);
    buf_release(&b);
}

static struct ioc_set *load(const struct ioc_cli *c, FILE *out, size_t *failed)
{
    struct ioc_file_stats *st;
    struct ioc_set *s = ioc_set_load_files(c->files, c->nfiles, &c->opt, &st, failed);
    for (size_t i = 0; i < c->nfiles; i++)
        print_file_stats(out, c->files[i], &st[i]);
    mm_free(st);
    return s;
}

static void print_total(FILE *out, const struct ioc_set *s)
{
    struct ioc_set_info info;
    ioc_set_info(s, &info);
    fprintf(out, "set: %" PRIu64 " indicators", info.total);
    const char *sep = " (";
    for (int t = 0; t < IOC_TYPE_COUNT; t++)
        if (info.count[t]) {
            fprintf(out, "%s%s %" PRIu64, sep, ioc_type_name((enum ioc_type)t), info.count[t]);
            sep = ", ";
        }
    if (info.memory >= 1024 * 1024)
        fprintf(out, "%s, %.1f MiB\n", sep[0] == ',' ? ")" : "", (double)info.memory / (1024.0 * 1024.0));
    else
        fprintf(out, "%s, %zu KiB\n", sep[0] == ',' ? ")" : "", (info.memory + 1023) / 1024);
}

static int ioc_check(int argc, char **argv)
{
    struct ioc_cli c = { 0 };
    c.files = mm_calloc((size_t)argc, sizeof *c.files);
    int rc = parse_args(argc, argv, &c, false);
    if (rc) {
        mm_free(c.files);
        return rc < 0 ? 0 : rc;
    }
    size_t failed;
    struct ioc_set *s = load(&c, stdout, &failed);
    print_total(stdout, s);
    ioc_set_free(s);
    mm_free(c.files);
    return failed ? 1 : 0;
}

struct match_out {
    struct buf *out;
    bool json;
    uint64_t line, matches;
};

static void on_hit(void *ctx, const struct ioc_hit *h)
{
    struct match_out *mo = ctx;
    const struct ioc_indicator *d = h->indicator;
    struct buf *out = mo->out;
    char expiry[40] = "";
    mo->matches++;
    if (d->expiry_ns)
        mm_time_format(d->expiry_ns, MM_TIME_SEC, expiry, sizeof expiry);
    buf_reset(out);
    if (mo->json) {
        buf_printf(out, "{\"line\":%" PRIu64 ",\"field\":", mo->line);
        json_write_string(out, h->field, h->field_len);
        buf_append_str(out, ",\"value\":");
        json_write_string(out, h->value, h->value_len);
        buf_append_str(out, ",\"matched\":");
        json_write_string(out, h->matched, h->matched_len);
        buf_printf(out, ",\"type\":\"%s\",\"indicator\":", ioc_type_name((enum ioc_type)d->type));
        json_write_string(out, d->value, d->len);
        buf_append_str(out, ",\"source\":");
        json_write_string(out, d->source ? d->source : "", d->source ? strlen(d->source) : 0);
        buf_printf(out, ",\"confidence\":%u", d->confidence);
        if (d->expiry_ns)
            buf_printf(out, ",\"expiry\":\"%s\"", expiry);
        if (d->reference) {
            buf_append_str(out, ",\"reference\":");
            json_write_string(out, d->reference, strlen(d->reference));
        }
        if (d->description) {
            buf_append_str(out, ",\"description\":");
            json_write_string(out, d->description, strlen(d->description));
        }
        buf_append_str(out, "}\n");
    } else {
        buf_printf(out, "line %" PRIu64 ": %.*s=%.*s", mo->line, (int)h->field_len, h->field, (int)h->value_len,
                   h->value);
        /* the part that matched, when it is not the whole value (a Hashes item, a URL's host) */
        if (h->matched_len != h->value_len || memcmp(h->matched, h->value, h->value_len) != 0)
            buf_printf(out, " [%.*s]", (int)h->matched_len, h->matched);
        buf_printf(out, ": %s %s (source %s, confidence %u", ioc_type_name((enum ioc_type)d->type), d->value,
                   d->source ? d->source : "-", d->confidence);
        if (d->expiry_ns)
            buf_printf(out, ", expires %s", expiry);
        if (d->reference)
            buf_printf(out, ", %s", d->reference);
        buf_append_char(out, ')');
        if (d->description)
            buf_printf(out, ": %s", d->description);
        buf_append_char(out, '\n');
    }
    fwrite(out->data, 1, out->len, stdout);
}

static int ioc_match(int argc, char **argv)
{
    struct ioc_cli c = { 0 };
    c.files = mm_calloc((size_t)argc, sizeof *c.files);
    int rc = parse_args(argc, argv, &c, true);
    if (rc) {
        mm_free(c.files);
        return rc < 0 ? 0 : rc;
    }
    int fd = strcmp(c.events, "-") ? open(c.events, O_RDONLY | O_CLOEXEC) : 0;
    if (fd < 0) {
        die_msg("cannot open '%s': %s", c.events, mm_strerror(errno));
        mm_free(c.files);
        return 2;
    }
    size_t failed;
    int64_t t0 = mm_mono_ns();
    struct ioc_set *s = load(&c, stderr, &failed);
    int64_t t_load = mm_mono_ns() - t0;
    print_total(stderr, s);
    struct linereader lr;
    linereader_init(&lr, fd, 1 << 20);
    struct event ev;
    event_init(&ev);
    struct buf out;
    buf_init(&out, BUF_NO_MAX);
    struct match_out mo = { &out, c.json, 0, 0 };
    const char *line;
    size_t len;
    bool trunc;
    int64_t t_match = 0;
    while (linereader_next(&lr, &line, &len, &trunc, true) == MM_OK) {
        mo.line++;
        if (!len)
            continue;
        event_reset(&ev);
        ev.raw = line;
        ev.raw_len = len;
        ev.receive_ns = mm_now_ns();
        parse_message(&ev, &c.po);
        int64_t m0 = mm_mono_ns();
        ioc_match_event(s, &ev, c.opt.now_ns, on_hit, &mo);
        t_match += mm_mono_ns() - m0;
    }
    fprintf(stderr, "loading took %.3f s; %" PRIu64 " lines, %" PRIu64 " matches, %" PRIu64
                    " suppressed as expired; matching took %.3f s (%.3f us per event)\n",
            (double)t_load / 1e9, mo.line, mo.matches, ioc_set_expired_hits(s), (double)t_match / 1e9,
            mo.line ? (double)t_match / 1e3 / (double)mo.line : 0.0);
    linereader_release(&lr);
    if (fd > 0)
        close(fd);
    event_release(&ev);
    buf_release(&out);
    ioc_set_free(s);
    mm_free(c.files);
    return failed ? 1 : 0;
}

int cmd_ioc(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        fputs(usage_text, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (!strcmp(argv[1], "check"))
        return ioc_check(argc - 1, argv + 1);
    if (!strcmp(argv[1], "match"))
        return ioc_match(argc - 1, argv + 1);
    die_msg("unknown 'ioc' command '%s'", argv[1]);
    return 2;
}
