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

#endif
