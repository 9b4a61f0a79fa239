/* SPDX-License-Identifier: Apache-2.0 */
/* addr.c: parsing and printing socket addresses; listening sockets. */
#include "base/prelude.h"
#include "base/str.h"
#include "addr.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <unistd.h>

enum mm_status net_addr_parse(const char *text, struct net_addr *out, struct mm_error *err)
{
    char host[256];
    const char *port;
    if (text[0] == '[') {
        const char *rb = strchr(text, ']');
        if (!rb || rb[1] != ':' || (size_t)(rb - text - 1) >= sizeof host)
            return mm_error_set(err, MM_ERR_INVALID, "malformed address '%s': use [v6addr]:port", text);
        memcpy(host, text + 1, (size_t)(rb - text - 1));
        host[rb - text - 1] = '\0';
        port = rb + 2;
    } else {
        const char *colon = strrchr(text, ':');
        if (!colon || (size_t)(colon - text) >= sizeof host)
            return mm_error_set(err, MM_ERR_INVALID, "malformed address '%s': use host:port", text);
        memcpy(host, text, (size_t)(colon - text));
        host[colon - text] = '\0';
        port = colon + 1;
    }
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_flags = AI_PASSIVE | AI_NUMERICSERV };
    struct addrinfo *res = NULL;
    int rc = getaddrinfo(host[0] ? host : NULL, port, &hints, &res);
    if (rc != 0 || !res)
        return mm_error_set(err, MM_ERR_INVALID, "cannot resolve address '%s': %s", text,
                            rc ? gai_strerror(rc) : "no result");
    memcpy(&out->ss, res->ai_addr, res->ai_addrlen);
    out->len = res->ai_addrlen;
    freeaddrinfo(res);
    return MM_OK;
}

size_t net_addr_format_host(const struct sockaddr *sa, char *out, size_t outlen)
{
    out[0] = '\0';
    if (sa->sa_family == AF_INET) {
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out, (socklen_t)outlen);
    } else if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)(const void *)sa;
        /* show v4-mapped peers of a dual-stack socket as plain IPv4 */
        if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr))
            inet_ntop(AF_INET, &s6->sin6_addr.s6_addr[12], out, (socklen_t)outlen);
        else
            inet_ntop(AF_INET6, &s6->sin6_addr, out, (socklen_t)outlen);
    } else if (sa->sa_family == AF_UNIX) {
        snprintf(out, outlen, "unix");
    }
    return strlen(out);
}

size_t net_addr_format(const struct sockaddr *sa, char *out, size_t outlen)
{
    char host[INET6_ADDRSTRLEN];
    net_addr_format_host(sa, host, sizeof host);
    int port = 0;
    bool v6 = false;
    if (sa->sa_family == AF_INET) {
        port = ntohs(((const struct sockaddr_in *)(const void *)sa)->sin_port);
    } else if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)(const void *)sa;
        port = ntohs(s6->sin6_port);
        v6 = !IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr);
    }
    int n = snprintf(out, outlen, v6 ? "[%s]:%d" : "%s:%d", host, port);
    return n < 0 ? 0 : MM_MIN((size_t)n, outlen - 1);
}

enum mm_status net_set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
        return MM_ERR_IO;
    return MM_OK;
}

int net_listen(const struct net_addr *addr, int type, bool reuseport, int backlog,
               struct mm_error *err)
{
    char name[96];
    net_addr_format((const struct sockaddr *)&addr->ss, name, sizeof name);
    int fd = socket(addr->ss.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        mm_error_set(err, MM_ERR_IO, "cannot create socket for %s: %s", name, mm_strerror(errno));
        return -1;
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (reuseport)
        setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    if (addr->ss.ss_family == AF_INET6) {
        /* "[::]:514" means every address, IPv4 included */
        int zero = 0;
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
    }
    if (bind(fd, (const struct sockaddr *)&addr->ss, addr->len) < 0) {
        mm_error_set(err, MM_ERR_IO, "cannot bind %s: %s", name, mm_strerror(errno));
        close(fd);
        return -1;
    }
    if (type == SOCK_STREAM && listen(fd, backlog) < 0) {
        mm_error_set(err, MM_ERR_IO, "cannot listen on %s: %s", name, mm_strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

bool net_cidr_parse(const char *s, struct net_cidr *out)
{
    const char *slash = strchr(s, '/');
    char addr[64];
    if (!slash || (size_t)(slash - s) >= sizeof addr)
        return false;
    memcpy(addr, s, (size_t)(slash - s));
    addr[slash - s] = '\0';
    long bits;
    if (mm_parse_long(slash + 1, 0, 128, &bits) != MM_OK)
        return false;
    memset(out, 0, sizeof *out);
    if (inet_pton(AF_INET, addr, out->net) == 1 && bits <= 32)
        out->family = 4;
    else if (inet_pton(AF_INET6, addr, out->net) == 1)
        out->family = 6;
    else
        return false;
    out->bits = (int)bits;
    return true;
}

bool net_cidr_contains(const struct net_cidr *c, const char *addr, size_t n)
{
    char tmp[64];
    uint8_t a[16];
    if (n == 0 || n >= sizeof tmp)
        return false;
    memcpy(tmp, addr, n);
    tmp[n] = '\0';
    if (c->family == 4) {
        if (inet_pton(AF_INET, tmp, a) != 1) {
            static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
            uint8_t b[16];
            if (inet_pton(AF_INET6, tmp, b) != 1 || memcmp(b, mapped, 12) != 0)
                return false;
            memcpy(a, b + 12, 4);
        }
    } else if (inet_pton(AF_INET6, tmp, a) != 1) {
        return false;
    }
    int bits = c->bits;
    for (int i = 0; bits > 0; i++, bits -= 8) {
        uint8_t mask = bits >= 8 ? 0xff : (uint8_t)(0xff << (8 - bits));
        if ((a[i] & mask) != (c->net[i] & mask))
            return false;
    }
    return true;
}
