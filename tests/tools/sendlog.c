/* SPDX-License-Identifier: Apache-2.0 */
/* sendlog.c: a log sender for tests and benchmarks: replays the lines of a file over UDP, TCP
 * (LF or octet-counted framing) or TLS, on several connections in parallel, as fast as possible
 * or at a set rate; or holds many idle connections open. Prints what it sent. */
#include "base/prelude.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/mtime.h"
#include "base/str.h"
#include "net/addr.h"

#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

enum proto { P_TCP, P_UDP, P_TLS };

static struct {
    enum proto proto;
    struct net_addr addr;
    bool octet;
    int connections;
    uint64_t repeat;
    uint64_t rate; /* messages per second per connection; 0 = unlimited */
    const char *ca, *cert, *key;
    int idle;
    bool quiet;
} opt = { .proto = P_TCP, .connections = 1, .repeat = 1 };

static char **lines;
static size_t *line_len;
static size_t nlines;
static struct buf framed; /* all lines, framed, once */

struct sender {
    pthread_t t;
    int id;
    uint64_t sent, bytes;
    int rc;
};

static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("sendlog: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static void load_lines(const char *path)
{
    int fd = strcmp(path, "-") ? open(path, O_RDONLY) : 0;
    if (fd < 0)
        die("cannot open %s: %s", path, mm_strerror(errno));
    struct buf all;
    buf_init(&all, BUF_NO_MAX);
    char tmp[65536];
    ssize_t n;
    while ((n = read(fd, tmp, sizeof tmp)) > 0)
        buf_append(&all, tmp, (size_t)n);
    if (fd)
        close(fd);
    size_t cap = 1024;
    lines = mm_malloc(cap * sizeof *lines);
    line_len = mm_malloc(cap * sizeof *line_len);
    char *p = all.data, *end = all.data + all.len;
    while (p < end) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (len) {
            if (nlines == cap) {
                cap *= 2;
                lines = mm_reallocarray(lines, cap, sizeof *lines);
                line_len = mm_reallocarray(line_len, cap, sizeof *line_len);
            }
            lines[nlines] = p;
            line_len[nlines++] = len;
        }
        p += len + 1;
    }
    if (!nlines)
        die("%s has no lines", path);
    buf_init(&framed, BUF_NO_MAX);
    for (size_t i = 0; i < nlines; i++) {
        if (opt.octet)
            buf_printf(&framed, "%zu ", line_len[i]);
        buf_append(&framed, lines[i], line_len[i]);
        if (!opt.octet)
            buf_append_char(&framed, '\n');
    }
    /* all.data stays allocated: lines point into it */
}

static SSL_CTX *client_ctx(void)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (opt.ca) {
        if (SSL_CTX_load_verify_locations(ctx, opt.ca, NULL) != 1)
            die("cannot load CA %s", opt.ca);
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    }
    if (opt.cert && (SSL_CTX_use_certificate_chain_file(ctx, opt.cert) != 1 ||
                     SSL_CTX_use_PrivateKey_file(ctx, opt.key, SSL_FILETYPE_PEM) != 1))
        die("cannot load client certificate %s / %s", opt.cert, opt.key);
    return ctx;
}

static int connect_to(void)
{
    int fd = socket(opt.addr.ss.ss_family, opt.proto == P_UDP ? SOCK_DGRAM : SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&opt.addr.ss, opt.addr.len) < 0)
        return -1;
    return fd;
}

static int write_all_fd(int fd, SSL *ssl, const char *p, size_t len)
{
    while (len) {
        ssize_t n = ssl ? SSL_write(ssl, p, (int)MM_MIN(len, (size_t)1 << 20)) : write(fd, p, len);
        if (n <= 0) {
            if (!ssl && n < 0 && errno == EINTR)
                continue;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static void *send_main(void *arg)
{
    struct sender *s = arg;
    int fd = connect_to();
    if (fd < 0) {
        fprintf(stderr, "sendlog: cannot connect: %s\n", mm_strerror(errno));
        s->rc = 1;
        return NULL;
    }
    SSL_CTX *ctx = NULL;
    SSL *ssl = NULL;
    if (opt.proto == P_TLS) {
        ctx = client_ctx();
        ssl = SSL_new(ctx);
        SSL_set_fd(ssl, fd);
        SSL_set_tlsext_host_name(ssl, "localhost");
        if (SSL_connect(ssl) != 1) {
            char e[256];
            ERR_error_string_n(ERR_get_error(), e, sizeof e);
            fprintf(stderr, "sendlog: TLS handshake failed: %s\n", e);
            s->rc = 1;
            goto out;
        }
    }
    int64_t start = mm_mono_ns();
    for (uint64_t r = 0; r < opt.repeat; r++) {
        if (opt.proto == P_UDP || opt.rate) {
            for (size_t i = 0; i < nlines; i++) {
                if (opt.proto == P_UDP) {
                    if (send(fd, lines[i], line_len[i], 0) < 0 && errno != ECONNREFUSED) {
                        s->rc = 1;
                        goto out;
                    }
                } else {
                    char hdr[24] = "";
                    int hn = opt.octet ? snprintf(hdr, sizeof hdr, "%zu ", line_len[i]) : 0;
                    if ((hn && write_all_fd(fd, ssl, hdr, (size_t)hn)) ||
                        write_all_fd(fd, ssl, lines[i], line_len[i]) ||
                        (!opt.octet && write_all_fd(fd, ssl, "\n", 1))) {
                        s->rc = 1;
                        goto out;
                    }
                }
                s->sent++;
                s->bytes += line_len[i];
                if (opt.rate) {
                    int64_t due = start + (int64_t)(s->sent * MM_NS_PER_SEC / opt.rate);
                    int64_t now = mm_mono_ns();
                    if (due > now) {
                        struct timespec ts = { (due - now) / MM_NS_PER_SEC, (due - now) % MM_NS_PER_SEC };
                        nanosleep(&ts, NULL);
                    }
                }
            }
        } else {
            if (write_all_fd(fd, ssl, framed.data, framed.len)) {
                fprintf(stderr, "sendlog: write failed: %s\n", mm_strerror(errno));
                s->rc = 1;
                goto out;
            }
            s->sent += nlines;
            for (size_t i = 0; i < nlines; i++)
                s->bytes += line_len[i];
        }
    }
out:
    if (ssl) {
        SSL_shutdown(ssl);
        SSL_free(ssl);
    }
    if (ctx)
        SSL_CTX_free(ctx);
    if (opt.proto != P_UDP)
        shutdown(fd, SHUT_WR);
    /* wait for the receiver to close or a short grace period, so nothing is cut by RST */
    if (opt.proto != P_UDP) {
        struct timeval tv = { 2, 0 };
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        char tmp[256];
        while (read(fd, tmp, sizeof tmp) > 0)
            ;
    }
    close(fd);
    return NULL;
}

static int hold_idle(void)
{
    int *fds = mm_calloc((size_t)opt.idle, sizeof *fds);
    SSL_CTX *ctx = opt.proto == P_TLS ? client_ctx() : NULL;
    int opened = 0;
    for (int i = 0; i < opt.idle; i++) {
        fds[i] = connect_to();
        if (fds[i] < 0) {
            fprintf(stderr, "sendlog: connection %d failed: %s\n", i, mm_strerror(errno));
            break;
        }
        if (ctx) {
            SSL *ssl = SSL_new(ctx);
            SSL_set_fd(ssl, fds[i]);
            if (SSL_connect(ssl) != 1)
                fprintf(stderr, "sendlog: TLS handshake %d failed\n", i);
            /* keep the session: leak on purpose until exit */
        }
        opened++;
    }
    printf("holding %d idle connections; close stdin to stop\n", opened);
    fflush(stdout);
    char tmp[64];
    while (read(0, tmp, sizeof tmp) > 0)
        ;
    for (int i = 0; i < opened; i++)
        close(fds[i]);
    mm_free(fds);
    return opened == opt.idle ? 0 : 1;
}

static void usage(void)
{
    fputs("usage: sendlog [--udp|--tcp|--tls] --to HOST:PORT [--octet] [--connections N]\n"
          "               [--repeat N] [--rate MSG_PER_S] [--ca F] [--cert F --key F] [-q] FILE\n"
          "       sendlog [--tcp|--tls] --to HOST:PORT --idle N\n", stderr);
    exit(2);
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "udp", no_argument, NULL, 'u' }, { "tcp", no_argument, NULL, 't' },
        { "tls", no_argument, NULL, 's' }, { "to", required_argument, NULL, 'a' },
        { "octet", no_argument, NULL, 'o' }, { "connections", required_argument, NULL, 'c' },
        { "repeat", required_argument, NULL, 'r' }, { "rate", required_argument, NULL, 'R' },
        { "ca", required_argument, NULL, 'C' }, { "cert", required_argument, NULL, 'E' },
        { "key", required_argument, NULL, 'K' }, { "idle", required_argument, NULL, 'i' },
        { NULL, 0, NULL, 0 },
    };
    signal(SIGPIPE, SIG_IGN);
    const char *to = NULL;
    int c;
    long v;
    while ((c = getopt_long(argc, argv, "q", opts, NULL)) != -1) {
        switch (c) {
        case 'u': opt.proto = P_UDP; break;
        case 't': opt.proto = P_TCP; break;
        case 's': opt.proto = P_TLS; break;
        case 'a': to = optarg; break;
        case 'o': opt.octet = true; break;
        case 'c':
            if (mm_parse_long(optarg, 1, 4096, &v)) usage();
            opt.connections = (int)v;
            break;
        case 'r':
            if (mm_parse_long(optarg, 1, LONG_MAX, &v)) usage();
            opt.repeat = (uint64_t)v;
            break;
        case 'R':
            if (mm_parse_long(optarg, 1, LONG_MAX, &v)) usage();
            opt.rate = (uint64_t)v;
            break;
        case 'C': opt.ca = optarg; break;
        case 'E': opt.cert = optarg; break;
        case 'K': opt.key = optarg; break;
        case 'i':
            if (mm_parse_long(optarg, 1, 100000, &v)) usage();
            opt.idle = (int)v;
            break;
        case 'q': opt.quiet = true; break;
        default: usage();
        }
    }
    struct mm_error err;
    if (!to || net_addr_parse(to, &opt.addr, &err) != MM_OK)
        usage();
    if (opt.idle)
        return hold_idle();
    if (optind != argc - 1)
        usage();
    load_lines(argv[optind]);
    struct sender *s = mm_calloc((size_t)opt.connections, sizeof *s);
    int64_t t0 = mm_mono_ns();
    for (int i = 0; i < opt.connections; i++) {
        s[i].id = i;
        pthread_create(&s[i].t, NULL, send_main, &s[i]);
    }
    uint64_t sent = 0, bytes = 0;
    int rc = 0;
    for (int i = 0; i < opt.connections; i++) {
        pthread_join(s[i].t, NULL);
        sent += s[i].sent;
        bytes += s[i].bytes;
        rc |= s[i].rc;
    }
    double secs = (double)(mm_mono_ns() - t0) / 1e9;
    if (!opt.quiet)
        printf("sent %" PRIu64 " messages (%" PRIu64 " bytes) in %.3f s: %.0f msg/s, %.1f MB/s\n",
               sent, bytes, secs, (double)sent / secs, (double)bytes / secs / 1e6);
    mm_free(s);
    return rc;
}
