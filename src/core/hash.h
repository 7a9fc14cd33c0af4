/*
 * hash.h - SHA-256 (OpenSSL libcrypto, which uses the CPU's SHA
 * instructions where present), hex encoding, random bytes, and FNV-1a,
 * the one non-cryptographic hash.
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
/* dst (not initialised) continues from where src stands; both stay live. */
void sha256_copy(struct sha256_ctx *dst, const struct sha256_ctx *src);

void hex_encode(const uint8_t *in, size_t len, char *out /* 2*len+1 */);
/* Returns 0, or -1 if `hex` is not exactly 2*len hex digits. */
int hex_decode(const char *hex, uint8_t *out, size_t len);

/* Cryptographically random bytes; returns 0 or -1. */
int random_bytes(uint8_t *out, size_t len);

/*
 * FNV-1a (Fowler, Noll, Vo), 64-bit: the hash of every in-memory hash
 * table, duplicate key and named seed.  Not for anything an adversary may
 * choose the input of to cause harm by a collision: that is SHA-256's job.
 *
 * fnv1a64(h, data, len) continues from h, so several fields hash as one
 * key: start with FNV1A64_INIT (the published offset basis).  Some of
 * these values are stored (import duplicate keys) or decide figures (the
 * seed of a named bootstrap), so the function never changes.
 *
 * fnv1a64_word() mixes one integer in a single step (h ^ w, then the
 * multiply), for keys that are sequences of interned ids.
 * hash_fold32() folds 64 bits to 32 for tables that keep 32-bit hashes.
 */
#define FNV1A64_INIT 14695981039346656037ULL
#define FNV1A64_PRIME 1099511628211ULL

static inline uint64_t fnv1a64(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ p[i]) * FNV1A64_PRIME;
	return h;
}

/* fnv1a64 of the bytes of the C string s, without its NUL. */
static inline uint64_t fnv1a64_str(uint64_t h, const char *s)
{
	while (*s)
		h = (h ^ (unsigned char)*s++) * FNV1A64_PRIME;
	return h;
}

static inline uint64_t fnv1a64_word(uint64_t h, uint64_t w)
{
	return (h ^ w) * FNV1A64_PRIME;
}

static inline uint32_t hash_fold32(uint64_t h)
{
	return (uint32_t)(h ^ (h >> 32));
}

#endif
