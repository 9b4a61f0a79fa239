/* SPDX-License-Identifier: Apache-2.0 */
/* tls.h: server-side TLS for syslog over TLS (RFC 5425) with OpenSSL: a context per listener
 * (certificate chain, key, optional client-certificate verification against a CA file) and
 * helpers to describe OpenSSL errors. */
#ifndef MM_TLS_H
#define MM_TLS_H

#include "base/prelude.h"
#include "base/error.h"

#include <openssl/ssl.h>

enum tls_client_auth { TLS_CLIENT_NONE = 0, TLS_CLIENT_OPTIONAL, TLS_CLIENT_REQUIRED };

/* A server context. cert_file holds the certificate chain (PEM), key_file the private key;
 * ca_file (may be NULL) the CAs that client certificates must chain to. TLS 1.2 is the minimum
 * (RFC 5425 asks for at least 1.2 in its 2023 update, RFC 9662). */
SSL_CTX *tls_server_context(const char *cert_file, const char *key_file, const char *ca_file,
                            enum tls_client_auth client_auth, struct mm_error *err);
/* The OpenSSL error queue as one message (and cleared). */
void tls_error_string(char *out, size_t outlen);
/* Subject of the peer's verified certificate, or "" when none. */
void tls_peer_subject(SSL *ssl, char *out, size_t outlen);

#endif
