/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_log.c: `mamori log parse` feeds files through the parsers and prints normalised events as
 * JSON lines; `mamori log parsers` lists the parsers. */
#include "base/prelude.h"
#include "base/buf.h"
#include "base/mtime.h"
#include "base/str.h"
#include "event/event.h"
#include "io/charset.h"
#include "io/linereader.h"
#include "parse/parser.h"
#include "commands.h"

#include <fcntl.h>
#include <getopt.h>
#include <unistd.h>

#define LOG_PARSE_DEFAULT_MAX 65536

static void parse_usage(FILE *f)
{
    fputs("usage: mamori log parse [options] [FILE...]\n"
          "Read log lines (from FILEs or standard input) and print one normalised event per line\n"
          "as JSON.\n\n"
          "  --parser NAME        use this parser instead of choosing by program name and content\n"
          "  --no-header          lines have no syslog header (e.g. Squid's access.log)\n"
          "  --tz ZONE            zone for timestamps without one: local (default), UTC, +09:00\n"
          "  --receive-time TIME  pretend the lines were received at TIME (RFC 3339); decides\n"
          "                       the year of year-less timestamps; default: now\n"
          "  --ecs                name fields with their ECS aliases\n"
          "  --raw                include the raw line in each event\n"
          "  --max-size BYTES     truncate longer lines (default 64k)\n"
          "  --charset NAME       lines are in this encoding (shift_jis, euc-jp, ...); converted\n"
          "                       to UTF-8 unless already valid UTF-8\n"
          "  --stats              print counts per parser to standard error at the end\n",
          f);
}

struct parse_stats {
    uint64_t lines, parsed, unparsed, truncated;
    uint64_t per_parser[64];
};

static struct charset_conv *conv;
static struct buf converted;

static int parse_fd(int fd, const char *name, const struct parse_options *opt, int64_t recv_ns,
                    unsigned json_flags, size_t max, struct parse_stats *stats, struct buf *out)
{
    struct linereader lr;
    struct event ev;
    linereader_init(&lr, fd, max);
    event_init(&ev);
    int rc = 0;
    const char *line;
    size_t len;
    bool truncated;
    size_t count;
    const struct parser *const *all = parser_all(&count);
    for (;;) {
        enum mm_status st = linereader_next(&lr, &line, &len, &truncated, true);
        if (st == MM_EOF)
            break;
        if (st != MM_OK) {
            die_msg("cannot read '%s': %s", name, mm_strerror(errno));
            rc = 1;
            break;
        }
        if (len == 0 || (len == 1 && line[0] == '\r'))
            continue;
        event_reset(&ev);
        if (conv && charset_to_utf8(conv, line, len, &converted)) {
            line = converted.data;
            len = converted.len;
        }
        ev.raw = line;
        ev.raw_len = len;
        ev.truncated = truncated;
        ev.receive_ns = recv_ns ? recv_ns : mm_now_ns();
        st = parse_message(&ev, opt);
        stats->lines++;
        stats->truncated += truncated;
        if (st == MM_OK)
            stats->parsed++;
        else
            stats->unparsed++;
        for (size_t i = 0; i < count && i < MM_ARRAY_LEN(stats->per_parser); i++)
            if (all[i]->name == ev.parser)
                stats->per_parser[i]++;
        buf_reset(out);
        if (event_to_json(&ev, out, json_flags) != MM_OK) {
            die_msg("event from '%s' too large to print", name);
            continue;
        }
        buf_append_char(out, '\n');
        if (fwrite(out->data, 1, out->len, stdout) != out->len) {
            die_msg("cannot write output: %s", mm_strerror(errno));
            rc = 1;
            break;
        }
    }
    event_release(&ev);
    linereader_release(&lr);
    return rc;
}

static int log_parse(int argc, char **argv)
{
    static const struct option opts[] = {
        { "parser", required_argument, NULL, 'p' },
        { "no-header", no_argument, NULL, 'n' },
        { "tz", required_argument, NULL, 'z' },
        { "receive-time", required_argument, NULL, 'r' },
        { "ecs", no_argument, NULL, 'e' },
        { "raw", no_argument, NULL, 'R' },
        { "max-size", required_argument, NULL, 'm' },
        { "stats", no_argument, NULL, 's' },
        { "charset", required_argument, NULL, 'c' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct parse_options opt = { .ctx.tz = { .local = true } };
    unsigned json_flags = 0;
    int64_t recv_ns = 0;
    uint64_t max = LOG_PARSE_DEFAULT_MAX;
    bool show_stats = false;
    int c;
    while ((c = getopt_long(argc, argv, "p:", opts, NULL)) != -1) {
        switch (c) {
        case 'p':
            opt.forced = parser_find(optarg);
            if (!opt.forced) {
                die_msg("unknown parser '%s' (see 'mamori log parsers')", optarg);
                return 2;
            }
            break;
        case 'n': opt.no_syslog_header = true; break;
        case 'z':
            if (mm_tz_parse(optarg, &opt.ctx.tz) != MM_OK) {
                die_msg("invalid time zone '%s': use local, UTC or +hh:mm", optarg);
                return 2;
            }
            break;
        case 'r': {
            struct mm_tz utc = { 0 };
            size_t used;
            if (parse_iso_time(optarg, strlen(optarg), &utc, &recv_ns, &used, NULL) != MM_OK ||
                used != strlen(optarg)) {
                die_msg("invalid --receive-time '%s': use RFC 3339, e.g. 2026-11-23T12:00:00Z", optarg);
                return 2;
            }
            break;
        }
        case 'e': json_flags |= EVENT_JSON_ECS; break;
        case 'R': json_flags |= EVENT_JSON_RAW; break;
        case 'm':
            if (mm_parse_size(optarg, &max) != MM_OK || max < 64 || max > (64u << 20)) {
                die_msg("invalid --max-size '%s': between 64 and 64m", optarg);
                return 2;
            }
            break;
        case 's': show_stats = true; break;
        case 'c':
            charset_close(conv);
            conv = charset_open(optarg);
            if (!conv) {
                die_msg("unknown charset '%s'", optarg);
                return 2;
            }
            break;
        case 'h': parse_usage(stdout); return 0;
        default: parse_usage(stderr); return 2;
        }
    }
    struct parse_stats stats = { 0 };
    struct buf out;
    buf_init(&out, BUF_NO_MAX);
    buf_init(&converted, BUF_NO_MAX);
    int rc = 0;
    if (optind >= argc) {
        rc = parse_fd(0, "<stdin>", &opt, recv_ns, json_flags, max, &stats, &out);
    } else {
        for (int i = optind; i < argc && rc == 0; i++) {
            int fd = !strcmp(argv[i], "-") ? 0 : open(argv[i], O_RDONLY | O_CLOEXEC);
            if (fd < 0) {
                die_msg("cannot open '%s': %s", argv[i], mm_strerror(errno));
                rc = 1;
                break;
            }
            rc = parse_fd(fd, argv[i], &opt, recv_ns, json_flags, max, &stats, &out);
            if (fd)
                close(fd);
        }
    }
    buf_release(&out);
    buf_release(&converted);
    charset_close(conv);
    conv = NULL;
    fflush(stdout);
    if (show_stats) {
        fprintf(stderr, "lines %" PRIu64 ", parsed %" PRIu64 ", unparsed %" PRIu64
                        ", truncated %" PRIu64 "\n",
                stats.lines, stats.parsed, stats.unparsed, stats.truncated);
        size_t count;
        const struct parser *const *all = parser_all(&count);
        for (size_t i = 0; i < count && i < MM_ARRAY_LEN(stats.per_parser); i++)
            if (stats.per_parser[i])
                fprintf(stderr, "  %-12s %" PRIu64 "\n", all[i]->name, stats.per_parser[i]);
    }
    return rc;
}

static int log_parsers(void)
{
    size_t count;
    const struct parser *const *all = parser_all(&count);
    for (size_t i = 0; i < count; i++) {
        printf("%-12s %s\n", all[i]->name, all[i]->summary);
        if (all[i]->programs) {
            fputs("             programs:", stdout);
            for (const char *const *p = all[i]->programs; *p; p++)
                printf(" %s", *p);
            putchar('\n');
        }
    }
    return 0;
}

int cmd_log(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        fputs("usage: mamori log parse [options] [FILE...]   print normalised events as JSON lines\n"
              "       mamori log parsers                     list the log formats understood\n"
              "       mamori log verify --store DIR          check the sealed store's chain and signatures\n"
              "       mamori log search --store DIR [PRED]   find stored messages\n"
              "       mamori log export --store DIR --from T --to T   hand a time range over\n"
              "       mamori log import --store DIR FILE...  append log files to a store\n"
              "       mamori log pubkey --store DIR          print the store's public key\n"
              "       mamori log retention --store DIR       apply the retention policy now\n"
              "       mamori log reindex --store DIR         write missing segment index files\n"
              "       mamori log checkpoint --store DIR      print the latest checkpoint, to keep elsewhere\n"
              "Each command takes --help.\n",
              argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (!strcmp(argv[1], "parse"))
        return log_parse(argc - 1, argv + 1);
    if (!strcmp(argv[1], "parsers"))
        return log_parsers();
    static const struct {
        const char *name;
        int (*fn)(int, char **);
    } store_cmds[] = {
        { "verify", cmd_log_verify }, { "search", cmd_log_search }, { "export", cmd_log_export },
        { "import", cmd_log_import }, { "pubkey", cmd_log_pubkey }, { "retention", cmd_log_retention },
        { "reindex", cmd_log_reindex }, { "checkpoint", cmd_log_checkpoint },
    };
    for (size_t i = 0; i < MM_ARRAY_LEN(store_cmds); i++)
        if (!strcmp(argv[1], store_cmds[i].name))
            return store_cmds[i].fn(argc - 1, argv + 1);
    die_msg("unknown 'log' command '%s'", argv[1]);
    return 2;
}
