/* SPDX-License-Identifier: Apache-2.0 */
/* seal.h: the store's cryptography, on OpenSSL: SHA-256 for the hash chain, Ed25519 for the
 * checkpoint signatures. Keys are kept as PEM files (PKCS#8 private, SubjectPublicKeyInfo
 * public), which `openssl pkey` reads too. */
#ifndef MM_STORE_SEAL_H
#define MM_STORE_SEAL_H

#include "base/prelude.h"
#include "base/error.h"
#include "format.h"

struct sha256 {
    void *ctx; /* EVP_MD_CTX */
};
void sha256_init(struct sha256 *h);
void sha256_update(struct sha256 *h, const void *p, size_t n);
void sha256_final(struct sha256 *h, uint8_t out[STORE_HASH_SIZE]); /* also frees */
void sha256_once(const void *p, size_t n, uint8_t out[STORE_HASH_SIZE]);

struct seal_key;
/* Load the private key at path; when it does not exist and create is set, generate one and
 * write it (mode 0600, its directory made 0700). */
struct seal_key *seal_key_load(const char *path, bool create, bool *created, struct mm_error *err);
/* A public key only (for verification): a PEM file. */
struct seal_key *seal_pubkey_load(const char *path, struct mm_error *err);
struct seal_key *seal_pubkey_from_raw(const uint8_t raw[STORE_PUBKEY_SIZE]);
void seal_key_free(struct seal_key *k);
void seal_key_raw_public(const struct seal_key *k, uint8_t out[STORE_PUBKEY_SIZE]);
/* Write the public key as PEM (path "-": standard output); atomically (temp file, rename). */
enum mm_status seal_pubkey_write(const struct seal_key *k, const char *path, struct mm_error *err);
bool seal_sign(const struct seal_key *k, const void *msg, size_t n, uint8_t sig[STORE_SIG_SIZE]);
bool seal_verify(const struct seal_key *k, const void *msg, size_t n, const uint8_t sig[STORE_SIG_SIZE]);
/* Hex of the first 8 bytes of SHA-256 of the raw public key: a short name for a key. */
void seal_key_id(const uint8_t raw[STORE_PUBKEY_SIZE], char out[17]);

#endif
