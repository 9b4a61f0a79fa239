/* SPDX-License-Identifier: Apache-2.0 */
/* tls.c: OpenSSL server contexts for the TLS listeners. */
#include "base/prelude.h"
#include "tls.h"

#include <openssl/err.h>
#include <openssl/x509v3.h>

void tls_error_string(char *out, size_t outlen)
{
    size_t n = 0;
    out[0] = '\0';
    unsigned long e;
    while ((e = ERR_get_error()) != 0) {
        char one[256];
        ERR_error_string_n(e, one, sizeof one);
        if (n < outlen) {
            int k = snprintf(out + n, outlen - n, "%s%s", n ? "; " : "", one);
            if (k > 0)
                n += (size_t)k;
        }
    }
    if (!out[0])
        snprintf(out, outlen, "unknown TLS error");
}

SSL_CTX *tls_server_context(const char *cert_file, const char *key_file, const char *ca_file,
                            enum tls_client_auth client_auth, struct mm_error *err)
{
    char msg[400];
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (!ctx) {
        tls_error_string(msg, sizeof msg);
        mm_error_set(err, MM_ERR_TLS, "cannot create TLS context: %s", msg);
        return NULL;
    }
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                             SSL_OP_CIPHER_SERVER_PREFERENCE);
    /* idle connections give their read/write buffers back (many quiet senders) */
    SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ENABLE_PARTIAL_WRITE);
    if (SSL_CTX_use_certificate_chain_file(ctx, cert_file) != 1) {
        tls_error_string(msg, sizeof msg);
        mm_error_set(err, MM_ERR_TLS, "cannot load certificate '%s': %s", cert_file, msg);
        goto fail;
    }
    if (SSL_CTX_use_PrivateKey_file(ctx, key_file, SSL_FILETYPE_PEM) != 1) {
        tls_error_string(msg, sizeof msg);
        mm_error_set(err, MM_ERR_TLS, "cannot load private key '%s': %s", key_file, msg);
        goto fail;
    }
    if (SSL_CTX_check_private_key(ctx) != 1) {
        mm_error_set(err, MM_ERR_TLS, "private key '%s' does not match certificate '%s'", key_file,
                     cert_file);
        goto fail;
    }
    if (client_auth != TLS_CLIENT_NONE) {
        if (!ca_file) {
            mm_error_set(err, MM_ERR_INVALID, "client certificate verification needs a CA file");
            goto fail;
        }
        if (SSL_CTX_load_verify_locations(ctx, ca_file, NULL) != 1) {
            tls_error_string(msg, sizeof msg);
            mm_error_set(err, MM_ERR_TLS, "cannot load CA file '%s': %s", ca_file, msg);
            goto fail;
        }
        STACK_OF(X509_NAME) *names = SSL_load_client_CA_file(ca_file);
        if (names)
            SSL_CTX_set_client_CA_list(ctx, names);
        int mode = SSL_VERIFY_PEER;
        if (client_auth == TLS_CLIENT_REQUIRED)
            mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
        SSL_CTX_set_verify(ctx, mode, NULL);
        SSL_CTX_set_verify_depth(ctx, 8);
        static const unsigned char sid[] = "mamori-sensor";
        SSL_CTX_set_session_id_context(ctx, sid, sizeof sid - 1);
    }
    return ctx;
fail:
    SSL_CTX_free(ctx);
    return NULL;
}

void tls_peer_subject(SSL *ssl, char *out, size_t outlen)
{
    out[0] = '\0';
    X509 *cert = SSL_get1_peer_certificate(ssl);
    if (!cert)
        return;
    if (SSL_get_verify_result(ssl) == X509_V_OK)
        X509_NAME_oneline(X509_get_subject_name(cert), out, (int)outlen);
    X509_free(cert);
}
