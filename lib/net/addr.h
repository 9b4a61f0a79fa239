/* SPDX-License-Identifier: Apache-2.0 */
/* addr.h: socket addresses as users write them ("0.0.0.0:514", "[::1]:6514", "localhost:514",
 * ":514") and as logs print them ("10.0.0.1:51234", "[::1]:51234"). */
#ifndef MM_ADDR_H
#define MM_ADDR_H

#include "base/prelude.h"
#include "base/error.h"

#include <sys/socket.h>

struct net_addr {
    struct sockaddr_storage ss;
    socklen_t len;
};

/* Resolve host:port (numeric hosts, or names through getaddrinfo; first result). */
enum mm_status net_addr_parse(const char *text, struct net_addr *out, struct mm_error *err);
/* "addr:port" into out (at least 64 bytes); returns the length. */
size_t net_addr_format(const struct sockaddr *sa, char *out, size_t outlen);
/* The address alone, without the port. */
size_t net_addr_format_host(const struct sockaddr *sa, char *out, size_t outlen);
/* A bound, non-blocking socket of the given type with SO_REUSEADDR (and SO_REUSEPORT when
 * reuseport), listening when type is SOCK_STREAM. Returns the fd or -1 with err filled. */
int net_listen(const struct net_addr *addr, int type, bool reuseport, int backlog,
               struct mm_error *err);
enum mm_status net_set_nonblock(int fd);

/* A network as users write it: "10.0.0.0/8", "2001:db8::/32". */
struct net_cidr {
    int family; /* 4 or 6 */
    int bits;
    uint8_t net[16];
};
/* false when s is not an IPv4 or IPv6 address, '/', and a prefix length that fits it. */
bool net_cidr_parse(const char *s, struct net_cidr *out);
/* Is the address text (not NUL-terminated) in the network? An IPv4-mapped IPv6 address
 * (::ffff:10.1.2.3) counts as its IPv4 address. */
bool net_cidr_contains(const struct net_cidr *c, const char *addr, size_t n);

#endif
