/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_store.c: the sealed store from the command line: `mamori log verify`, `search`, `export`,
 * `import`, `pubkey` and `retention` (docs/STORE.md). */
#include "base/prelude.h"
#include "base/buf.h"
#include "base/log.h"
#include "base/mtime.h"
#include "base/str.h"
#include "event/event.h"
#include "event/json.h"
#include "io/charset.h"
#include "io/linereader.h"
#include "parse/parser.h"
#include "store/query.h"
#include "store/seal.h"
#include "store/store.h"
#include "commands.h"

#include <fcntl.h>
#include <getopt.h>
#include <sys/file.h>
#include <unistd.h>

static int usage_error(const char *cmd, const char *usage)
{
    fprintf(stderr, "usage: mamori log %s %s\n", cmd, usage);
    return 2;
}

static void fmt_time(int64_t ns, char *out, size_t n)
{
    if (ns == INT64_MIN || ns == INT64_MAX)
        snprintf(out, n, "-");
    else
        mm_time_format(ns, MM_TIME_MILLI, out, n);
}

/* ---- verify ---- */

static const char verify_usage[] = "--store DIR [--pubkey FILE] [--anchor FILE] [--json] [--records]\n"
    "Check every block of the store, the hash chain and the checkpoint signatures; report the\n"
    "first block that fails and why. Exit status 0: intact, 1: a check failed, 2: cannot run.\n"
    "  --pubkey FILE  the public key to trust (a copy kept away from the store); default: the\n"
    "                 store's own seal.pub, which an intruder who rewrote the store could replace\n"
    "  --anchor FILE  checkpoints copied out of the store earlier (`mamori log checkpoint`): the\n"
    "                 store must still hold each; catches blocks removed from the end\n"
    "  --records      also decode every record and list retention/recovery/notice records\n"
    "  --json         print the report as one JSON object\n";

int cmd_log_verify(int argc, char **argv)
{
    static const struct option opts[] = {
        { "store", required_argument, NULL, 's' }, { "pubkey", required_argument, NULL, 'k' },
        { "json", no_argument, NULL, 'j' },        { "records", no_argument, NULL, 'r' },
        { "anchor", required_argument, NULL, 'a' }, { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *store = NULL, *pubkey = NULL, *anchor = NULL;
    bool json = false, records = false;
    int c;
    while ((c = getopt_long(argc, argv, "s:k:", opts, NULL)) != -1) {
        switch (c) {
        case 's': store = optarg; break;
        case 'k': pubkey = optarg; break;
        case 'a': anchor = optarg; break;
        case 'j': json = true; break;
        case 'r': records = true; break;
        case 'h': printf("usage: mamori log verify %s", verify_usage); return 0;
        default: return usage_error("verify", verify_usage);
        }
    }
    if (!store || optind != argc)
        return usage_error("verify", verify_usage);
    struct store_verify_report rep;
    struct mm_error err;
    struct buf events;
    buf_init(&events, BUF_NO_MAX);
    if (store_verify_anchored(store, pubkey, anchor, &rep, records || json ? &events : NULL, &err) != MM_OK) {
        die_msg("%s", err.msg);
        buf_release(&events);
        return 2;
    }
    char t0[40], t1[40], ts[40];
    fmt_time(rep.t_min, t0, sizeof t0);
    fmt_time(rep.t_max, t1, sizeof t1);
    fmt_time(rep.checkpoints ? rep.last_signed_time : INT64_MIN, ts, sizeof ts);
    if (json) {
        struct buf o;
        buf_init(&o, BUF_NO_MAX);
        buf_printf(&o, "{\"ok\":%s,\"segments\":%" PRIu64 ",\"blocks\":%" PRIu64 ",\"first_seq\":%" PRIu64
                   ",\"last_seq\":%" PRIu64 ",\"records\":%" PRIu64 ",\"bytes\":%" PRIu64
                   ",\"first_receive\":\"%s\",\"last_receive\":\"%s\",\"checkpoints\":%" PRIu64
                   ",\"last_signed_seq\":%" PRIu64 ",\"last_signed_time\":\"%s\",\"unsigned_blocks\":%" PRIu64
                   ",\"unsigned_records\":%" PRIu64 ",\"retention_records\":%" PRIu64
                   ",\"deleted_before_seq\":%" PRIu64 ",\"recoveries\":%" PRIu64 ",\"notices\":%" PRIu64
                   ",\"key_id\":\"%s\",\"key_from_store\":%s,\"writer_active\":%s,\"anchors\":%" PRIu64,
                   rep.ok ? "true" : "false", rep.segments, rep.blocks, rep.first_seq, rep.last_seq,
                   rep.records, rep.bytes, t0, t1, rep.checkpoints, rep.last_signed_seq, ts,
                   rep.unsigned_blocks, rep.unsigned_records, rep.retention_records,
                   rep.deleted_before_seq, rep.recoveries, rep.notices, rep.key_id,
                   rep.key_from_store ? "true" : "false", rep.writer_active ? "true" : "false", rep.anchors);
        if (!rep.ok) {
            buf_printf(&o, ",\"failure\":{\"kind\":\"%s\",", rep.failure_kind);
            if (rep.failed_known)
                buf_printf(&o, "\"seq\":%" PRIu64 ",", rep.failed_seq);
            buf_printf(&o, "\"segment\":\"%s\",\"offset\":%" PRIu64 ",\"reason\":", rep.failed_segment,
                       rep.failed_offset);
            json_write_string(&o, rep.reason, strlen(rep.reason));
            buf_append_char(&o, '}');
        }
        buf_append_str(&o, ",\"records_log\":[");
        /* events are JSON lines: make them an array */
        for (char *p = events.data, *nl; *p; p = nl + 1) {
            nl = strchr(p, '\n');
            if (!nl)
                break;
            buf_printf(&o, "%s%.*s", p == events.data ? "" : ",", (int)(nl - p), p);
        }
        buf_append_str(&o, "]}\n");
        fwrite(o.data, 1, o.len, stdout);
        buf_release(&o);
    } else {
        printf("store %s: %" PRIu64 " segment(s), %" PRIu64 " blocks (%" PRIu64 "..%" PRIu64 "), %" PRIu64
               " records received %s .. %s\n", store, rep.segments, rep.blocks, rep.first_seq, rep.last_seq,
               rep.records, t0, t1);
        printf("key %s (%s)\n", rep.key_id, rep.key_from_store ?
               "the store's own seal.pub: pass --pubkey with a copy kept elsewhere to rule out a replaced key" :
               "from --pubkey");
        if (rep.checkpoints)
            printf("%" PRIu64 " checkpoint(s) valid; the last signs blocks up to %" PRIu64 " (%s)\n",
                   rep.checkpoints, rep.last_signed_seq, ts);
        else
            printf("no valid checkpoint yet\n");
        if (rep.writer_active)
            printf("a writer holds the store: checked up to the last complete block\n");
        if (rep.anchors && rep.ok)
            printf("%" PRIu64 " anchor checkpoint(s) found in the store as they were taken\n", rep.anchors);
        if (rep.unsigned_blocks)
            printf("unsigned tail: %" PRIu64 " block(s), %" PRIu64 " record(s) written after the last "
                   "checkpoint (hash-chained, signed at the next checkpoint)\n", rep.unsigned_blocks,
                   rep.unsigned_records);
        if (rep.retention_records)
            printf("retention: %" PRIu64 " deletion record(s); blocks before %" PRIu64 " were deleted by the "
                   "retention policy\n", rep.retention_records, rep.deleted_before_seq);
        if (rep.recoveries)
            printf("recovery: %" PRIu64 " torn tail(s) cut after a crash, recorded in the store\n", rep.recoveries);
        if (records && events.len)
            fwrite(events.data, 1, events.len, stdout);
        if (rep.ok) {
            printf("OK\n");
        } else if (rep.failed_known && rep.failed_segment[0]) {
            printf("FAILED (%s): block %" PRIu64 " in %s at byte %" PRIu64 ": %s\n", rep.failure_kind,
                   rep.failed_seq, rep.failed_segment, rep.failed_offset, rep.reason);
        } else if (rep.failed_known) {
            printf("FAILED (%s): block %" PRIu64 ": %s\n", rep.failure_kind, rep.failed_seq, rep.reason);
        } else {
            printf("FAILED (%s): %s\n", rep.failure_kind, rep.reason);
        }
    }
    buf_release(&events);
    return rep.ok ? 0 : 1;
}

/* ---- search and export ---- */

enum out_format { OUT_JSON, OUT_TABLE, OUT_RAW };

struct search_out {
    FILE *f;
    enum out_format fmt;
    unsigned json_flags;
    struct buf line;
    struct sha256 hash;
    bool hashing;
    uint64_t bytes;
    struct store_reparse rp;
};

static void out_write(struct search_out *o, const char *p, size_t n)
{
    fwrite(p, 1, n, o->f);
    if (o->hashing)
        sha256_update(&o->hash, p, n);
    o->bytes += n;
}

static bool on_match(void *ctx, const struct store_match *m)
{
    struct search_out *o = ctx;
    struct buf *l = &o->line;
    buf_reset(l);
    switch (o->fmt) {
    case OUT_RAW: {
        struct slice t = m->rec->raw;
        buf_append(l, t.p, t.len);
        buf_append_char(l, '\n');
        break;
    }
    case OUT_JSON: {
        struct buf ej;
        buf_init(&ej, BUF_NO_MAX);
        event_to_json(m->ev, &ej, o->json_flags);
        buf_printf(l, "{\"store_ref\":\"%" PRIu64 ":%zu\",", m->block->h.seq, m->index);
        buf_append(l, ej.data + 1, ej.len - 1);
        buf_append_char(l, '\n');
        buf_release(&ej);
        break;
    }
    case OUT_TABLE: {
        char t[40];
        mm_time_format(m->rec->receive_ns, MM_TIME_MILLI, t, sizeof t);
        const struct event *ev = m->ev;
        int hl = (int)MM_MIN(ev->host.len, 20);
        struct slice msg = ev->message;
        size_t ml = MM_MIN(msg.len, 110);
        buf_printf(l, "%-24s %-20.*s %-12s %.*s%s\n", t, hl, ev->host.p ? ev->host.p : "",
                   ev->parser ? ev->parser : "", (int)ml, msg.p ? msg.p : "", msg.len > ml ? "…" : "");
        break;
    }
    }
    out_write(o, l->data, l->len);
    return !ferror(o->f);
}

static const char search_usage[] = "--store DIR [options] [PREDICATE...]\n"
    "Print the stored messages that match every predicate, oldest first.\n"
    "  --from TIME, --to TIME   receive-time range: RFC 3339, a date (UTC), now, or 7d/24h ago\n"
    "  --limit N                stop after N matches\n"
    "  --format json|table|raw  normalised events as JSON lines (default), a table, or the raw\n"
    "                           messages byte for byte\n"
    "  --ecs                    JSON with ECS field names\n"
    "  --text TERM              a full-text term that contains = < > or !\n"
    "  --stats                  print blocks read and skipped to standard error\n"
    "PREDICATE: field=value (value*, *value, *value*, *, or a CIDR), field!=value, field<N,\n"
    "field<=N, field>N, field>=N, or a word to find in the raw message.\n"
    "Example: mamori log search --store /var/lib/mamori/store --from 7d src_ip=203.0.113.5\n";

static const char export_usage[] = "--store DIR --from TIME --to TIME [--format json|raw] [-o FILE]\n"
    "Write every message received in the range, for handing to an investigator, and print its\n"
    "count and SHA-256 to standard error. json: normalised events with the raw message and their\n"
    "store reference (block:index); raw: the messages byte for byte, one per line.\n";

static int search_or_export(int argc, char **argv, bool export)
{
    static const struct option opts[] = {
        { "store", required_argument, NULL, 's' }, { "from", required_argument, NULL, 'f' },
        { "to", required_argument, NULL, 't' },    { "limit", required_argument, NULL, 'l' },
        { "format", required_argument, NULL, 'F' }, { "ecs", no_argument, NULL, 'e' },
        { "text", required_argument, NULL, 'x' },  { "stats", no_argument, NULL, 'S' },
        { "output", required_argument, NULL, 'o' }, { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *cmd = export ? "export" : "search", *usage = export ? export_usage : search_usage;
    const char *store = NULL, *from = NULL, *to = NULL, *output = NULL;
    struct store_query q;
    store_query_init(&q);
    struct search_out o = { .f = stdout, .fmt = OUT_JSON, .json_flags = export ? EVENT_JSON_RAW : 0 };
    bool stats = false;
    struct mm_error err;
    int c, rc = 0;
    int64_t now = mm_now_ns();
    while ((c = getopt_long(argc, argv, "s:o:", opts, NULL)) != -1) {
        switch (c) {
        case 's': store = optarg; break;
        case 'f': from = optarg; break;
        case 't': to = optarg; break;
        case 'o': output = optarg; break;
        case 'l': {
            long v;
            if (export || mm_parse_long(optarg, 1, LONG_MAX, &v) != MM_OK) {
                store_query_release(&q);
                return usage_error(cmd, usage);
            }
            q.limit = (uint64_t)v;
            break;
        }
        case 'F':
            if (!strcmp(optarg, "json")) {
                o.fmt = OUT_JSON;
            } else if (!strcmp(optarg, "raw")) {
                o.fmt = OUT_RAW;
            } else if (!strcmp(optarg, "table") && !export) {
                o.fmt = OUT_TABLE;
            } else {
                die_msg("unknown format '%s'", optarg);
                store_query_release(&q);
                return 2;
            }
            break;
        case 'e': o.json_flags |= EVENT_JSON_ECS; break;
        case 'x':
            if (store_query_add_term(&q, optarg, &err) != MM_OK) {
                die_msg("%s", err.msg);
                store_query_release(&q);
                return 2;
            }
            break;
        case 'S': stats = true; break;
        case 'h': printf("usage: mamori log %s %s", cmd, usage); store_query_release(&q); return 0;
        default: store_query_release(&q); return usage_error(cmd, usage);
        }
    }
    if (!store || (export && (!from || !to || optind != argc)) || (!export && output)) {
        store_query_release(&q);
        return usage_error(cmd, usage);
    }
    if ((from && store_parse_time(from, now, &q.from_ns, &err) != MM_OK) ||
        (to && store_parse_time(to, now, &q.to_ns, &err) != MM_OK)) {
        die_msg("%s", err.msg);
        store_query_release(&q);
        return 2;
    }
    if (q.from_ns > q.to_ns) {
        die_msg("--from is after --to");
        store_query_release(&q);
        return 2;
    }
    for (int i = optind; i < argc; i++) {
        if (store_query_add(&q, argv[i], &err) != MM_OK) {
            die_msg("%s", err.msg);
            store_query_release(&q);
            return 2;
        }
    }
    if (output) {
        o.f = fopen(output, "we");
        if (!o.f) {
            die_msg("cannot create '%s': %s", output, mm_strerror(errno));
            store_query_release(&q);
            return 2;
        }
    }
    if (export) {
        sha256_init(&o.hash);
        o.hashing = true;
    }
    static char obuf[1 << 16];
    setvbuf(o.f, obuf, _IOFBF, sizeof obuf);
    buf_init(&o.line, BUF_NO_MAX);
    struct store_search_stats st;
    int64_t t0 = mm_mono_ns();
    enum mm_status sr = store_search(store, &q, o.fmt != OUT_RAW, on_match, &o, &st, &err);
    double secs = (double)(mm_mono_ns() - t0) / 1e9;
    if (fflush(o.f) != 0 || ferror(o.f)) {
        die_msg("cannot write the output: %s", mm_strerror(errno));
        rc = 2;
    }
    if (sr == MM_ERR_NOT_FOUND || sr == MM_ERR_IO) {
        die_msg("%s", err.msg);
        rc = 2;
    } else if (sr != MM_OK) {
        die_msg("warning: %s", err.msg);
        rc = 1;
    }
    if (stats)
        fprintf(stderr, "blocks: %" PRIu64 " total, %" PRIu64 " skipped by time, %" PRIu64 " skipped by index, %"
                PRIu64 " read (%" PRIu64 " bytes); %" PRIu64 " records scanned, %" PRIu64 " matched in %.3f s; "
                "%" PRIu64 " segment(s) through their index file, %" PRIu64 " skipped by time\n",
                st.blocks_total, st.blocks_time_skipped, st.blocks_index_skipped, st.blocks_read, st.bytes_read,
                st.records_scanned, st.matches, secs, st.segments_indexed, st.segments_time_skipped);
    if (export) {
        uint8_t h[STORE_HASH_SIZE];
        char hx[65];
        sha256_final(&o.hash, h);
        for (int i = 0; i < STORE_HASH_SIZE; i++)
            snprintf(hx + 2 * i, 3, "%02x", h[i]);
        char a[40], b[40];
        fmt_time(q.from_ns, a, sizeof a);
        fmt_time(q.to_ns, b, sizeof b);
        fprintf(stderr, "exported %" PRIu64 " records received %s .. %s (%" PRIu64 " bytes), SHA-256 %s\n",
                st.matches, a, b, o.bytes, hx);
    }
    if (output && fclose(o.f) != 0) {
        die_msg("cannot write '%s': %s", output, mm_strerror(errno));
        rc = 2;
    } else if (!output) {
        setvbuf(stdout, NULL, _IOLBF, 0);
    }
    buf_release(&o.line);
    store_query_release(&q);
    return rc;
}

int cmd_log_search(int argc, char **argv)
{
    return search_or_export(argc, argv, false);
}

int cmd_log_export(int argc, char **argv)
{
    return search_or_export(argc, argv, true);
}

/* ---- import ---- */

static const char import_usage[] = "--store DIR [options] FILE...\n"
    "Append log files to the store as received messages (archives from before the sensor, or\n"
    "logs carried over by hand). Takes the store's lock: not while a sensor writes to it.\n"
    "  --receive-time TIME  record this receive time (RFC 3339) instead of now\n"
    "  --listener NAME      listener name to record (default: import)\n"
    "  --parser NAME, --no-header, --tz ZONE, --charset NAME   as for `mamori log parse`\n"
    "  --retention 400d, --retention-override   as the sensor's store_* settings\n"
    "  --key FILE           the signing key (default <store>/keys/seal.key)\n"
    "  --block-size SIZE    raw bytes per block (default 4m)\n"
    "  --zstd-level N       compression level (default 6)\n"
    "  --unsealed           benchmarks only: no hash chain, no signatures (verify fails)\n";

int cmd_log_import(int argc, char **argv)
{
    static const struct option opts[] = {
        { "store", required_argument, NULL, 's' },        { "receive-time", required_argument, NULL, 'r' },
        { "listener", required_argument, NULL, 'l' },     { "parser", required_argument, NULL, 'p' },
        { "no-header", no_argument, NULL, 'n' },          { "tz", required_argument, NULL, 'z' },
        { "charset", required_argument, NULL, 'c' },      { "retention", required_argument, NULL, 'R' },
        { "retention-override", no_argument, NULL, 'O' }, { "block-size", required_argument, NULL, 'b' },
        { "unsealed", no_argument, NULL, 'U' },           { "key", required_argument, NULL, 'K' },
        { "zstd-level", required_argument, NULL, 'Z' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct store_options so;
    store_options_default(&so);
    const char *listener = "import", *tz = "local", *charset = "";
    struct parse_options po = { .ctx.tz = { .local = true } };
    int64_t recv_ns = 0;
    struct mm_error err;
    int c;
    while ((c = getopt_long(argc, argv, "s:", opts, NULL)) != -1) {
        switch (c) {
        case 's': so.path = optarg; break;
        case 'r':
            if (store_parse_time(optarg, mm_now_ns(), &recv_ns, &err) != MM_OK) {
                die_msg("%s", err.msg);
                return 2;
            }
            break;
        case 'l': listener = optarg; break;
        case 'p':
            po.forced = parser_find(optarg);
            if (!po.forced) {
                die_msg("unknown parser '%s' (see 'mamori log parsers')", optarg);
                return 2;
            }
            break;
        case 'n': po.no_syslog_header = true; break;
        case 'z':
            if (mm_tz_parse(optarg, &po.ctx.tz) != MM_OK) {
                die_msg("invalid time zone '%s': use local, UTC or +hh:mm", optarg);
                return 2;
            }
            tz = optarg;
            break;
        case 'c':
            if (!charset_known(optarg)) {
                die_msg("unknown charset '%s'", optarg);
                return 2;
            }
            charset = optarg;
            break;
        case 'R':
            if (!strcmp(optarg, "0")) {
                so.retention_ns = 0; /* keep forever */
            } else if (!*optarg || mm_is_digit(optarg[strlen(optarg) - 1]) ||
                       mm_parse_duration(optarg, &so.retention_ns) != MM_OK) {
                die_msg("invalid retention '%s': give a unit, e.g. 400d (0: keep forever)", optarg);
                return 2;
            }
            break;
        case 'K': so.key_path = optarg; break;
        case 'O': so.retention_override = true; break;
        case 'b': {
            uint64_t v;
            if (mm_parse_size(optarg, &v) != MM_OK) {
                die_msg("invalid block size '%s'", optarg);
                return 2;
            }
            so.block_size = (size_t)v;
            break;
        }
        case 'U': so.unsealed = true; break;
        case 'Z': {
            long v;
            if (mm_parse_long(optarg, 1, 19, &v) != MM_OK) {
                die_msg("invalid zstd level '%s' (1-19)", optarg);
                return 2;
            }
            so.zstd_level = (int)v;
            break;
        }
        case 'h': printf("usage: mamori log import %s", import_usage); return 0;
        default: return usage_error("import", import_usage);
        }
    }
    if (!so.path || optind >= argc)
        return usage_error("import", import_usage);
    struct store *st = store_open(&so, &err);
    if (!st) {
        die_msg("%s", err.msg);
        return 2;
    }
    struct buf lkey, conv;
    buf_init(&lkey, BUF_NO_MAX);
    buf_init(&conv, BUF_NO_MAX);
    store_listener_key(&lkey, listener, charset, tz, po.no_syslog_header);
    struct charset_conv *cv = charset[0] ? charset_open(charset) : NULL;
    struct event ev;
    event_init(&ev);
    struct store_tokens tok = { 0 };
    int rc = 0;
    uint64_t n = 0;
    for (int i = optind; i < argc && rc == 0; i++) {
        int fd = strcmp(argv[i], "-") ? open(argv[i], O_RDONLY | O_CLOEXEC) : 0;
        if (fd < 0) {
            die_msg("cannot open '%s': %s", argv[i], mm_strerror(errno));
            rc = 2;
            break;
        }
        struct linereader lr;
        linereader_init(&lr, fd, 65536);
        const char *line;
        size_t len;
        bool trunc;
        enum mm_status s;
        while ((s = linereader_next(&lr, &line, &len, &trunc, true)) == MM_OK) {
            if (len == 0)
                continue;
            event_reset(&ev);
            ev.raw = line;
            ev.raw_len = len;
            if (cv && charset_to_utf8(cv, line, len, &conv)) {
                ev.raw = conv.data;
                ev.raw_len = conv.len;
            }
            ev.receive_ns = recv_ns ? recv_ns : mm_now_ns();
            parse_message(&ev, &po);
            store_tokens_reset(&tok);
            store_tokens_from_event(&tok, &ev, NULL);
            struct store_record r = {
                .receive_ns = ev.receive_ns, .peer = "", .listener = lkey.data, .listener_len = lkey.len,
                .parser = ev.parser ? ev.parser : "", .parser_len = ev.parser ? strlen(ev.parser) : 0,
                .raw = line, .raw_len = len, .flags = trunc ? RECORD_F_TRUNCATED : 0,
                .tokens = tok.h, .ntokens = tok.n,
            };
            while (store_append(st, &r) != MM_OK) {
                if (store_blocked(st)) {
                    sleep(1);
                    store_tick(st, mm_now_ns());
                    if (!store_blocked(st))
                        break;
                    continue;
                }
                rc = 2;
                break;
            }
            n++;
        }
        if (s != MM_EOF) {
            die_msg("cannot read '%s': %s", argv[i], mm_strerror(errno));
            rc = 2;
        }
        linereader_release(&lr);
        if (fd > 0)
            close(fd);
    }
    if (store_close(st) != MM_OK) {
        die_msg("cannot finish writing the store");
        rc = 2;
    }
    if (rc == 0)
        fprintf(stderr, "imported %" PRIu64 " messages\n", n);
    if (cv)
        charset_close(cv);
    store_tokens_release(&tok);
    event_release(&ev);
    buf_release(&lkey);
    buf_release(&conv);
    return rc;
}

/* ---- checkpoint (anchors) ---- */

int cmd_log_checkpoint(int argc, char **argv)
{
    const char *usage = "--store DIR\nPrint the store's latest checkpoint as an anchor line: keep it "
                        "away from the log server (append it to a file, mail it, print it) and later run "
                        "`mamori log verify --anchor FILE`, which fails if the store no longer holds it "
                        "(blocks removed from the end, or the store rewritten and signed again).\n";
    if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        printf("usage: mamori log checkpoint %s", usage);
        return 0;
    }
    if (argc != 3 || strcmp(argv[1], "--store") != 0)
        return usage_error("checkpoint", usage);
    struct store_reader r;
    struct mm_error err;
    if (store_reader_open(&r, argv[2], &err) != MM_OK) {
        die_msg("%s", err.msg);
        return 2;
    }
    struct store_walk w;
    store_walk_init(&w, &r, false);
    w.live_tail = store_writer_active(argv[2]);
    struct store_block b, last = { .h.type = 0 };
    bool found = false;
    char why[300];
    /* the latest checkpoint is in the last segment that has one: start from the end */
    for (size_t s = r.nsegs; s-- > 0 && !found;) {
        w.seg = s;
        if (w.fd >= 0)
            close(w.fd);
        w.fd = -1;
        while (store_walk_next(&w, &b, why, sizeof why) == MM_OK && b.seg == s) {
            if (b.h.type == BLOCK_CHECKPOINT) {
                last = b;
                found = true;
            }
        }
    }
    int rc = 2;
    struct buf p;
    buf_init(&p, BUF_NO_MAX);
    if (!found) {
        die_msg("'%s' has no checkpoint yet", argv[2]);
    } else if (store_read_payload(&w, &last, &p, &err) != MM_OK || p.len != CHECKPOINT_PAYLOAD_SIZE) {
        die_msg("cannot read checkpoint %" PRIu64 ": run `mamori log verify`", last.h.seq);
    } else {
        const uint8_t *c = (const uint8_t *)p.data;
        char t[40], hx[2 * CHECKPOINT_PAYLOAD_SIZE + 1];
        mm_time_format((int64_t)get_u64(c + 56), MM_TIME_MILLI, t, sizeof t);
        store_hex(c, CHECKPOINT_PAYLOAD_SIZE, hx);
        printf("# mamori store checkpoint: block %" PRIu64 ", signed %s, %" PRIu64 " records\n%s\n",
               last.h.seq, t, get_u64(c + 64), hx);
        rc = 0;
    }
    buf_release(&p);
    store_walk_release(&w);
    store_reader_close(&r);
    return rc;
}

/* ---- pubkey, retention ---- */

int cmd_log_pubkey(int argc, char **argv)
{
    const char *usage = "--store DIR [-o FILE]\nPrint the public key the store's data is sealed with "
                        "(PEM), read from its segments.\n";
    static const struct option opts[] = {
        { "store", required_argument, NULL, 's' }, { "output", required_argument, NULL, 'o' },
        { "help", no_argument, NULL, 'h' },        { NULL, 0, NULL, 0 },
    };
    const char *store = NULL, *out = "-";
    int c;
    while ((c = getopt_long(argc, argv, "s:o:", opts, NULL)) != -1) {
        switch (c) {
        case 's': store = optarg; break;
        case 'o': out = optarg; break;
        case 'h': printf("usage: mamori log pubkey %s", usage); return 0;
        default: return usage_error("pubkey", usage);
        }
    }
    if (!store || optind != argc)
        return usage_error("pubkey", usage);
    struct store_reader r;
    struct mm_error err;
    if (store_reader_open(&r, store, &err) != MM_OK) {
        die_msg("%s", err.msg);
        return 2;
    }
    struct store_walk w;
    store_walk_init(&w, &r, false);
    struct store_block b;
    char why[300];
    struct buf p;
    buf_init(&p, BUF_NO_MAX);
    int rc = 2;
    if (store_walk_next(&w, &b, why, sizeof why) == MM_OK && b.h.type == BLOCK_SEGMENT &&
        store_read_payload(&w, &b, &p, &err) == MM_OK && p.len == SEGMENT_PAYLOAD_SIZE) {
        struct seal_key *k = seal_pubkey_from_raw((const uint8_t *)p.data + 16);
        if (k && seal_pubkey_write(k, out, &err) == MM_OK)
            rc = 0;
        else
            die_msg("%s", k ? err.msg : "the store's key is not a valid Ed25519 key");
        seal_key_free(k);
    } else {
        die_msg("'%s' has no readable segment", store);
    }
    buf_release(&p);
    store_walk_release(&w);
    store_reader_close(&r);
    return rc;
}

int cmd_log_reindex(int argc, char **argv)
{
    const char *usage = "--store DIR\nWrite again the index file (.mmi) of every closed segment (the writer "
                        "makes them as segments close; this is for stores from before, or after verify "
                        "found one that does not match its segment).\n";
    if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        printf("usage: mamori log reindex %s", usage);
        return 0;
    }
    if (argc != 3 || strcmp(argv[1], "--store") != 0)
        return usage_error("reindex", usage);
    const char *store = argv[2];
    char lp[4200];
    snprintf(lp, sizeof lp, "%s/lock", store);
    int lock = open(lp, O_RDWR | O_CLOEXEC);
    if (lock < 0 || flock(lock, LOCK_EX | LOCK_NB) < 0) {
        die_msg("'%s' is not a store, or a writer holds it (writers index segments as they close)", store);
        if (lock >= 0)
            close(lock);
        return 2;
    }
    struct store_reader r;
    struct mm_error err;
    if (store_reader_open(&r, store, &err) != MM_OK) {
        die_msg("%s", err.msg);
        close(lock);
        return 2;
    }
    struct buf scratch;
    buf_init(&scratch, BUF_NO_MAX);
    int rc = 0;
    unsigned written = 0;
    for (size_t i = 0; i + 1 < r.nsegs; i++) { /* the last segment is the active one */
        int fd = open(r.segs[i].path, O_RDONLY | O_CLOEXEC);
        char dir[4200];
        snprintf(dir, sizeof dir, "%s/segments", store);
        if (fd < 0 || !store_segidx_write(dir, r.segs[i].name, fd, r.segs[i].size) ||
            !store_segidx_load(&r, i, &scratch)) {
            die_msg("cannot index %s: it is damaged (run `mamori log verify`)", r.segs[i].name);
            rc = 1;
        } else {
            written++;
        }
        if (fd >= 0)
            close(fd);
    }
    printf("%u segment index file(s) written\n", written);
    buf_release(&scratch);
    store_reader_close(&r);
    close(lock);
    return rc;
}

int cmd_log_retention(int argc, char **argv)
{
    const char *usage = "--store DIR [--retention 400d] [--retention-override] [--key FILE]\n"
                        "Delete the segments older than the retention period now, with a signed record "
                        "(the sensor does this hourly). Default retention: 400d.\n";
    static const struct option opts[] = {
        { "store", required_argument, NULL, 's' }, { "retention", required_argument, NULL, 'R' },
        { "retention-override", no_argument, NULL, 'O' }, { "key", required_argument, NULL, 'K' },
        { "help", no_argument, NULL, 'h' },               { NULL, 0, NULL, 0 },
    };
    struct store_options so;
    store_options_default(&so);
    int c;
    while ((c = getopt_long(argc, argv, "s:", opts, NULL)) != -1) {
        switch (c) {
        case 's': so.path = optarg; break;
        case 'R':
            if (!strcmp(optarg, "0") || !strcmp(optarg, "0d")) {
                printf("retention 0 keeps everything: nothing to delete\n");
                return 0;
            }
            if (!*optarg || mm_is_digit(optarg[strlen(optarg) - 1]) ||
                mm_parse_duration(optarg, &so.retention_ns) != MM_OK || so.retention_ns <= 0) {
                die_msg("invalid retention '%s': give a unit, e.g. 400d", optarg);
                return 2;
            }
            break;
        case 'K': so.key_path = optarg; break;
        case 'O': so.retention_override = true; break;
        case 'h': printf("usage: mamori log retention %s", usage); return 0;
        default: return usage_error("retention", usage);
        }
    }
    if (!so.path || optind != argc)
        return usage_error("retention", usage);
    struct mm_error err;
    struct store *st = store_open(&so, &err); /* applies retention */
    if (!st) {
        die_msg("%s", err.msg);
        return 2;
    }
    struct store_stats ss;
    store_get_stats(st, &ss);
    int rc = store_close(st) == MM_OK ? 0 : 2;
    printf("%" PRIu64 " segment(s) deleted\n", ss.segments_deleted);
    return rc;
}
