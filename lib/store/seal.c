/* SPDX-License-Identifier: Apache-2.0 */
/* seal.c: SHA-256 and Ed25519 keys on OpenSSL 3. */
#include "base/prelude.h"
#include "base/alloc.h"
#include "base/log.h"
#include "seal.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sys/stat.h>
#include <unistd.h>

struct seal_key {
    EVP_PKEY *pkey;
    bool has_private;
};

void sha256_init(struct sha256 *h)
{
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    if (!c || EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1)
        abort(); /* OpenSSL without SHA-256: nothing sensible to do */
    h->ctx = c;
}

void sha256_update(struct sha256 *h, const void *p, size_t n)
{
    if (n)
        EVP_DigestUpdate(h->ctx, p, n);
}

void sha256_final(struct sha256 *h, uint8_t out[STORE_HASH_SIZE])
{
    unsigned len = 0;
    EVP_DigestFinal_ex(h->ctx, out, &len);
    EVP_MD_CTX_free(h->ctx);
    h->ctx = NULL;
}

void sha256_once(const void *p, size_t n, uint8_t out[STORE_HASH_SIZE])
{
    unsigned len = 0;
    EVP_Digest(p, n, out, &len, EVP_sha256(), NULL);
}

static enum mm_status mkdir_for(const char *path, struct mm_error *err)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir)
        return MM_OK;
    *slash = '\0';
    if (mkdir(dir, 0700) < 0 && errno != EEXIST)
        return mm_error_set(err, MM_ERR_IO, "cannot create '%s': %s", dir, mm_strerror(errno));
    return MM_OK;
}

static struct seal_key *generate(const char *path, struct mm_error *err)
{
    EVP_PKEY *pkey = NULL;
    EVP_PKEY_CTX *pc = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, NULL);
    if (!pc || EVP_PKEY_keygen_init(pc) != 1 || EVP_PKEY_keygen(pc, &pkey) != 1) {
        EVP_PKEY_CTX_free(pc);
        mm_error_set(err, MM_ERR_IO, "cannot generate an Ed25519 key");
        return NULL;
    }
    EVP_PKEY_CTX_free(pc);
    if (mkdir_for(path, err) != MM_OK)
        goto fail;
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        mm_error_set(err, MM_ERR_IO, "cannot create '%s': %s", tmp, mm_strerror(errno));
        goto fail;
    }
    FILE *f = fdopen(fd, "w");
    bool ok = f && PEM_write_PrivateKey(f, pkey, NULL, NULL, 0, NULL, NULL) == 1;
    ok = ok && fflush(f) == 0 && fsync(fd) == 0;
    if (f)
        fclose(f);
    else
        close(fd);
    if (!ok || rename(tmp, path) < 0) {
        mm_error_set(err, MM_ERR_IO, "cannot write the key '%s': %s", path, mm_strerror(errno));
        unlink(tmp);
        goto fail;
    }
    /* the rename is durable before any block carries the public key */
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    int dfd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    struct seal_key *k = mm_calloc(1, sizeof *k);
    k->pkey = pkey;
    k->has_private = true;
    return k;
fail:
    EVP_PKEY_free(pkey);
    return NULL;
}

struct seal_key *seal_key_load(const char *path, bool create, bool *created, struct mm_error *err)
{
    if (created)
        *created = false;
    FILE *f = fopen(path, "re");
    if (!f) {
        if (errno == ENOENT && create) {
            struct seal_key *k = generate(path, err);
            if (k && created)
                *created = true;
            return k;
        }
        mm_error_set(err, MM_ERR_IO, "cannot open the signing key '%s': %s", path, mm_strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && (st.st_mode & 0077))
        mm_log_warn("store", "the signing key '%s' can be read by others (mode %03o): chmod 600 it",
                    path, (unsigned)(st.st_mode & 0777));
    EVP_PKEY *pkey = PEM_read_PrivateKey(f, NULL, NULL, NULL);
    fclose(f);
    if (!pkey || EVP_PKEY_id(pkey) != EVP_PKEY_ED25519) {
        EVP_PKEY_free(pkey);
        mm_error_set(err, MM_ERR_PARSE, "'%s' is not an Ed25519 private key in PEM", path);
        return NULL;
    }
    struct seal_key *k = mm_calloc(1, sizeof *k);
    k->pkey = pkey;
    k->has_private = true;
    return k;
}

struct seal_key *seal_pubkey_load(const char *path, struct mm_error *err)
{
    FILE *f = fopen(path, "re");
    if (!f) {
        mm_error_set(err, MM_ERR_IO, "cannot open the public key '%s': %s", path, mm_strerror(errno));
        return NULL;
    }
    EVP_PKEY *pkey = PEM_read_PUBKEY(f, NULL, NULL, NULL);
    fclose(f);
    if (!pkey || EVP_PKEY_id(pkey) != EVP_PKEY_ED25519) {
        EVP_PKEY_free(pkey);
        mm_error_set(err, MM_ERR_PARSE, "'%s' is not an Ed25519 public key in PEM", path);
        return NULL;
    }
    struct seal_key *k = mm_calloc(1, sizeof *k);
    k->pkey = pkey;
    return k;
}

struct seal_key *seal_pubkey_from_raw(const uint8_t raw[STORE_PUBKEY_SIZE])
{
    EVP_PKEY *pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, raw, STORE_PUBKEY_SIZE);
    if (!pkey)
        return NULL;
    struct seal_key *k = mm_calloc(1, sizeof *k);
    k->pkey = pkey;
    return k;
}

void seal_key_free(struct seal_key *k)
{
    if (!k)
        return;
    EVP_PKEY_free(k->pkey);
    mm_free(k);
}

void seal_key_raw_public(const struct seal_key *k, uint8_t out[STORE_PUBKEY_SIZE])
{
    size_t len = STORE_PUBKEY_SIZE;
    if (EVP_PKEY_get_raw_public_key(k->pkey, out, &len) != 1 || len != STORE_PUBKEY_SIZE)
        memset(out, 0, STORE_PUBKEY_SIZE);
}

enum mm_status seal_pubkey_write(const struct seal_key *k, const char *path, struct mm_error *err)
{
    if (!strcmp(path, "-")) {
        PEM_write_PUBKEY(stdout, k->pkey);
        fflush(stdout);
        return MM_OK;
    }
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "we");
    if (!f)
        return mm_error_set(err, MM_ERR_IO, "cannot create '%s': %s", tmp, mm_strerror(errno));
    bool ok = PEM_write_PUBKEY(f, k->pkey) == 1;
    ok = fclose(f) == 0 && ok;
    if (!ok || rename(tmp, path) < 0) {
        unlink(tmp);
        return mm_error_set(err, MM_ERR_IO, "cannot write '%s': %s", path, mm_strerror(errno));
    }
    return MM_OK;
}

bool seal_sign(const struct seal_key *k, const void *msg, size_t n, uint8_t sig[STORE_SIG_SIZE])
{
    if (!k->has_private)
        return false;
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    size_t len = STORE_SIG_SIZE;
    bool ok = c && EVP_DigestSignInit(c, NULL, NULL, NULL, k->pkey) == 1 &&
              EVP_DigestSign(c, sig, &len, msg, n) == 1 && len == STORE_SIG_SIZE;
    EVP_MD_CTX_free(c);
    return ok;
}

bool seal_verify(const struct seal_key *k, const void *msg, size_t n, const uint8_t sig[STORE_SIG_SIZE])
{
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    bool ok = c && EVP_DigestVerifyInit(c, NULL, NULL, NULL, k->pkey) == 1 &&
              EVP_DigestVerify(c, sig, STORE_SIG_SIZE, msg, n) == 1;
    EVP_MD_CTX_free(c);
    return ok;
}

void seal_key_id(const uint8_t raw[STORE_PUBKEY_SIZE], char out[17])
{
    uint8_t h[STORE_HASH_SIZE];
    sha256_once(raw, STORE_PUBKEY_SIZE, h);
    for (int i = 0; i < 8; i++)
        snprintf(out + 2 * i, 3, "%02x", h[i]);
}
