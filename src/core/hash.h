/*
 * hash.h - SHA-256 (OpenSSL libcrypto, which uses the CPU's SHA
 * instructions where present), hex encoding and random bytes.
 */
#ifndef AIV_HASH_H
#define AIV_HASH_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN 32
#define SHA256_HEX 65 /* 64 hex digits and a NUL */

struct sha256_ctx {
	void *evp; /* EVP_MD_CTX *, owned */
};

void sha256(const void *data, size_t len, uint8_t out[SHA256_LEN]);
void sha256_hex(const void *data, size_t len, char out[SHA256_HEX]);

/* Streaming interface; _final releases the context. */
void sha256_init(struct sha256_ctx *c);
void sha256_update(struct sha256_ctx *c, const void *data, size_t len);
void sha256_final(struct sha256_ctx *c, uint8_t out[SHA256_LEN]);

void hex_encode(const uint8_t *in, size_t len, char *out /* 2*len+1 */);
/* Returns 0, or -1 if `hex` is not exactly 2*len hex digits. */
int hex_decode(const char *hex, uint8_t *out, size_t len);

/* Cryptographically random bytes; returns 0 or -1. */
int random_bytes(uint8_t *out, size_t len);

#endif
