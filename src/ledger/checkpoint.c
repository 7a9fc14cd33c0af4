/*
 * checkpoint.c - SEQ:HASH heads and signed C2SP checkpoints; see checkpoint.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "checkpoint.h"
#include "ledger.h"

#define EM_DASH "\xe2\x80\x94"
#define ALG_ED25519 0x01

int ledger_parse_head(const char *s, int64_t *seq, char hash[SHA256_HEX])
{
	char *end;
	long long v;
	const char *colon = strchr(s, ':');

	if (!colon)
		return -1;
	v = strtoll(s, &end, 10);
	if (end != colon || v <= 0)
		return -1;
	if (strlen(colon + 1) != 64 || strspn(colon + 1, "0123456789abcdef") != 64)
		return -1;
	*seq = v;
	memcpy(hash, colon + 1, SHA256_HEX);
	return 0;
}

static int name_ok(const char *n, size_t len)
{
	size_t i;

	if (!len)
		return 0;
	for (i = 0; i < len; i++)
		if (n[i] == '+' || (unsigned char)n[i] <= ' ')
			return 0;
	return 1;
}

/* base64 of n bytes into a new string. */
static char *b64(const unsigned char *p, size_t n)
{
	char *out = xmalloc(4 * ((n + 2) / 3) + 1);

	EVP_EncodeBlock((unsigned char *)out, p, (int)n);
	return out;
}

/* Decode exactly `want` bytes from base64 text s (len chars); 0 or -1. */
static int unb64(const char *s, size_t len, unsigned char *out, size_t want)
{
	unsigned char *tmp;
	int n, pad = 0;

	if (!len || len % 4 || len > 4096)
		return -1;
	if (s[len - 1] == '=')
		pad++;
	if (len > 1 && s[len - 2] == '=')
		pad++;
	tmp = xmalloc(len);
	n = EVP_DecodeBlock(tmp, (const unsigned char *)s, (int)len);
	if (n < 0 || (size_t)(n - pad) != want) {
		free(tmp);
		return -1;
	}
	memcpy(out, tmp, want);
	free(tmp);
	return 0;
}

static void key_id(const char *name, size_t nlen, const unsigned char pub[32],
		   unsigned char id[4])
{
	struct sha256_ctx c;
	uint8_t d[SHA256_LEN];
	unsigned char alg = ALG_ED25519;

	sha256_init(&c);
	sha256_update(&c, name, nlen);
	sha256_update(&c, "\n", 1);
	sha256_update(&c, &alg, 1);
	sha256_update(&c, pub, 32);
	sha256_final(&c, d);
	memcpy(id, d, 4);
}

int ledger_key_generate(const char *name, char **skey, char **vkey, struct aiv_err *err)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, NULL);
	EVP_PKEY *pk = NULL;
	unsigned char seed[33], pub[33], id[4];
	size_t slen = 32, plen = 32;
	char *s64, *p64;
	int ok;

	*skey = *vkey = NULL;
	if (!name_ok(name, strlen(name))) {
		EVP_PKEY_CTX_free(ctx);
		return aiv_fail(err, AIV_EINPUT, "a key name must be non-empty, without spaces or "
				"'+' (e.g. aivalue.example.com/ledger), not '%s'", name);
	}
	ok = ctx && EVP_PKEY_keygen_init(ctx) > 0 && EVP_PKEY_keygen(ctx, &pk) > 0 &&
	     EVP_PKEY_get_raw_private_key(pk, seed + 1, &slen) > 0 &&
	     EVP_PKEY_get_raw_public_key(pk, pub + 1, &plen) > 0 && slen == 32 && plen == 32;
	EVP_PKEY_free(pk);
	EVP_PKEY_CTX_free(ctx);
	if (!ok)
		return aiv_fail(err, AIV_EINTERNAL, "cannot generate an Ed25519 key");
	seed[0] = pub[0] = ALG_ED25519;
	key_id(name, strlen(name), pub + 1, id);
	s64 = b64(seed, 33);
	p64 = b64(pub, 33);
	*skey = xstrfmt("PRIVATE+KEY+%s+%02x%02x%02x%02x+%s", name, id[0], id[1], id[2], id[3],
			s64);
	*vkey = xstrfmt("%s+%02x%02x%02x%02x+%s", name, id[0], id[1], id[2], id[3], p64);
	OPENSSL_cleanse(seed, sizeof(seed));
	OPENSSL_cleanse(s64, strlen(s64));
	free(s64);
	free(p64);
	return 0;
}

/*
 * Split "NAME+HEXID+B64" (text trimmed of trailing whitespace) into its
 * name, id and the 32 key bytes after the algorithm byte.
 */
static int split_key(const char *text, char *name, size_t name_size, unsigned char id[4],
		     unsigned char key[32])
{
	const char *p1, *p2;
	size_t len = strlen(text), nlen;
	unsigned char raw[33];
	unsigned int v[4];

	while (len && (text[len - 1] == '\n' || text[len - 1] == '\r' || text[len - 1] == ' '))
		len--;
	p1 = memchr(text, '+', len);
	if (!p1)
		return -1;
	nlen = (size_t)(p1 - text);
	p2 = memchr(p1 + 1, '+', len - nlen - 1);
	if (!p2 || p2 - p1 != 9 || !name_ok(text, nlen) || nlen >= name_size)
		return -1;
	if (sscanf(p1 + 1, "%2x%2x%2x%2x", &v[0], &v[1], &v[2], &v[3]) != 4)
		return -1;
	if (unb64(p2 + 1, len - (size_t)(p2 + 1 - text), raw, 33) || raw[0] != ALG_ED25519)
		return -1;
	memcpy(name, text, nlen);
	name[nlen] = '\0';
	id[0] = (unsigned char)v[0];
	id[1] = (unsigned char)v[1];
	id[2] = (unsigned char)v[2];
	id[3] = (unsigned char)v[3];
	memcpy(key, raw + 1, 32);
	OPENSSL_cleanse(raw, sizeof(raw));
	return 0;
}

int ledger_checkpoint_sign(const char *skey, int64_t size, const char *hash,
			   char **note, struct aiv_err *err)
{
	char name[256], *root64, *body, *sig64;
	unsigned char id[4], seed[32], pub[32], want[4], root[32], sigbuf[68];
	size_t siglen = 64, plen = 32;
	EVP_PKEY *pk;
	EVP_MD_CTX *md;
	int ok;

	*note = NULL;
	if (strncmp(skey, "PRIVATE+KEY+", 12) ||
	    split_key(skey + 12, name, sizeof(name), id, seed))
		return aiv_fail(err, AIV_EINPUT, "not a private key (PRIVATE+KEY+NAME+ID+KEY, as "
				"'aivalue audit keygen' writes it)");
	if (strlen(hash) != 64 || hex_decode(hash, root, 32))
		return aiv_fail(err, AIV_EINPUT, "head hash '%s' is not 64 hex digits", hash);
	pk = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, 32);
	OPENSSL_cleanse(seed, sizeof(seed));
	if (!pk || EVP_PKEY_get_raw_public_key(pk, pub, &plen) <= 0) {
		EVP_PKEY_free(pk);
		return aiv_fail(err, AIV_EINPUT, "the private key is not a valid Ed25519 key");
	}
	key_id(name, strlen(name), pub, want);
	if (memcmp(want, id, 4)) {
		EVP_PKEY_free(pk);
		return aiv_fail(err, AIV_EINPUT, "the private key's id does not match its key");
	}
	root64 = b64(root, 32);
	body = xstrfmt("%s\n%lld\n%s\n", name, (long long)size, root64);
	free(root64);
	md = EVP_MD_CTX_new();
	ok = md && EVP_DigestSignInit(md, NULL, NULL, NULL, pk) > 0 &&
	     EVP_DigestSign(md, sigbuf + 4, &siglen, (const unsigned char *)body, strlen(body)) > 0 &&
	     siglen == 64;
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(pk);
	if (!ok) {
		free(body);
		return aiv_fail(err, AIV_EINTERNAL, "cannot sign the checkpoint");
	}
	memcpy(sigbuf, id, 4);
	sig64 = b64(sigbuf, 68);
	*note = xstrfmt("%s\n" EM_DASH " %s %s\n", body, name, sig64);
	free(sig64);
	free(body);
	return 0;
}

/* The next line of [p, end): its length without '\n'; *next after it. */
static size_t line_of(const char *p, const char *end, const char **next)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	if (!nl) {
		*next = end;
		return (size_t)(end - p);
	}
	*next = nl + 1;
	return (size_t)(nl - p);
}

int ledger_checkpoint_open(const char *note, size_t len, const char *vkey, const char *file,
			   struct ledger_checkpoint *cp, struct aiv_err *err)
{
	char name[256], num[32];
	unsigned char id[4], pub[32], root[32];
	const char *end = note + len, *p, *next, *sep = NULL, *q;
	size_t n, blen, i;
	int lineno, found = 0, valid = 0;

	memset(cp, 0, sizeof(*cp));
	if (split_key(vkey, name, sizeof(name), id, pub))
		return aiv_fail(err, AIV_EINPUT, "not a public key (NAME+ID+KEY, as 'aivalue audit "
				"keygen' writes it to KEY.pub)");
	/* the body ends at the last blank line (as Go's note.Open splits) */
	for (q = note; q + 1 < end; q++)
		if (q[0] == '\n' && q[1] == '\n')
			sep = q;
	if (len > (1 << 20) || !sep || memchr(note, '\0', len))
		return aiv_fail(err, AIV_EINPUT, "%s: not a signed note (no blank line before the "
				"signatures)", file);
	blen = (size_t)(sep - note) + 1;
	/* body: origin, size, root hash */
	p = note;
	for (lineno = 1; p < note + blen && lineno <= 3; lineno++) {
		n = line_of(p, note + blen, &next);
		if (lineno == 1) {
			if (!n || n >= sizeof(cp->origin))
				return aiv_fail(err, AIV_EINPUT, "%s: line 1: the origin is empty or "
						"too long", file);
			memcpy(cp->origin, p, n);
		} else if (lineno == 2) {
			char *e;
			if (!n || n >= sizeof(num) || strspn(p, "0123456789") != n ||
			    (n > 1 && p[0] == '0'))
				return aiv_fail(err, AIV_EINPUT, "%s: line 2: the tree size is not a "
						"decimal number", file);
			memcpy(num, p, n);
			num[n] = '\0';
			cp->size = strtoll(num, &e, 10);
		} else if (unb64(p, n, root, 32)) {
			return aiv_fail(err, AIV_EINPUT, "%s: line 3: the root hash is not base64 of "
					"32 bytes", file);
		}
		p = next;
	}
	if (lineno <= 3)
		return aiv_fail(err, AIV_EINPUT, "%s: the checkpoint needs origin, size and root "
				"hash lines", file);
	hex_encode(root, 32, cp->hash);
	/* signatures: "— NAME BASE64" each */
	for (p = sep + 2, lineno = 1; p < end; p = next, lineno++) {
		const char *sp;
		unsigned char sig[68];

		n = line_of(p, end, &next);
		if (n < 4 || memcmp(p, EM_DASH " ", 4) || !(sp = memchr(p + 4, ' ', n - 4)))
			return aiv_fail(err, AIV_EINPUT, "%s: signature line %d is not '" EM_DASH
					" NAME SIGNATURE'", file, lineno);
		if ((size_t)(sp - p - 4) != strlen(name) || memcmp(p + 4, name, strlen(name)))
			continue; /* another signer: ignored */
		if (unb64(sp + 1, n - (size_t)(sp + 1 - p), sig, 68))
			return aiv_fail(err, AIV_EINPUT, "%s: signature line %d: not base64 of a key "
					"id and an Ed25519 signature", file, lineno);
		if (memcmp(sig, id, 4))
			continue;
		found = 1;
		{
			EVP_PKEY *pk = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, 32);
			EVP_MD_CTX *md = EVP_MD_CTX_new();
			valid = pk && md && EVP_DigestVerifyInit(md, NULL, NULL, NULL, pk) > 0 &&
				EVP_DigestVerify(md, sig + 4, 64, (const unsigned char *)note,
						 blen) == 1;
			EVP_MD_CTX_free(md);
			EVP_PKEY_free(pk);
		}
		break; /* the first line by this key decides (as Go's note.Open) */
	}
	for (i = 0; i < sizeof(pub); i++)
		pub[i] = 0;
	if (!found)
		return aiv_fail(err, AIV_EPERM, "%s: no signature by key '%s'", file, name);
	if (!valid)
		return aiv_fail(err, AIV_EPERM, "%s: the signature by key '%s' is not valid: the "
				"checkpoint was altered or signed by another key", file, name);
	return 0;
}

int ledger_write_file(const char *path, const char *text, int mode, struct aiv_err *err)
{
	char *tmp = xstrfmt("%s.tmp%ld", path, (long)getpid());
	size_t len = strlen(text);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, mode), ok, e;

	ok = fd >= 0 && write(fd, text, len) == (ssize_t)len;
	e = errno;
	if (fd >= 0 && close(fd) && ok) {
		ok = 0;
		e = errno;
	}
	if (ok && rename(tmp, path)) {
		ok = 0;
		e = errno;
	}
	if (!ok)
		unlink(tmp);
	free(tmp);
	return ok ? 0 : aiv_fail(err, AIV_EIO, "cannot write '%s': %s", path, strerror(e));
}

struct ledger_publisher {
	char *db_path, *skey, *out;
	int64_t every_us, last_seq;
	char last_hash[SHA256_HEX];
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int stop;
};

static void publish_once(struct ledger_publisher *p)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct store *s = NULL;
	char hash[SHA256_HEX], *note = NULL;
	int64_t seq;

	if (store_open(&s, p->db_path, STORE_READONLY, &err) ||
	    ledger_head(s, &seq, hash, &err))
		goto fail;
	if (seq == p->last_seq && !strcmp(hash, p->last_hash))
		goto out;
	if (ledger_checkpoint_sign(p->skey, seq, hash, &note, &err) ||
	    ledger_write_file(p->out, note, 0644, &err))
		goto fail;
	p->last_seq = seq;
	memcpy(p->last_hash, hash, SHA256_HEX);
	goto out;
fail:
	fprintf(stderr, "aivalue: checkpoint not published: %s\n", err.msg);
out:
	free(note);
	if (s)
		store_close(s);
}

static void *publisher_main(void *arg)
{
	struct ledger_publisher *p = arg;
	struct timespec until;

	pthread_mutex_lock(&p->mu);
	while (!p->stop) {
		pthread_mutex_unlock(&p->mu);
		publish_once(p);
		pthread_mutex_lock(&p->mu);
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += (time_t)(p->every_us / 1000000);
		until.tv_nsec += (long)(p->every_us % 1000000) * 1000;
		if (until.tv_nsec >= 1000000000) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000;
		}
		while (!p->stop && pthread_cond_timedwait(&p->cv, &p->mu, &until) == 0)
			;
	}
	pthread_mutex_unlock(&p->mu);
	publish_once(p); /* the head at shutdown */
	return NULL;
}

struct ledger_publisher *ledger_publisher_start(const char *db_path, const char *skey,
						const char *out, int64_t every_us,
						struct aiv_err *err)
{
	struct ledger_publisher *p;
	char *note;

	/* a key that cannot sign is an error now, not a log line every tick */
	if (ledger_checkpoint_sign(skey, 0, LEDGER_GENESIS, &note, err))
		return NULL;
	free(note);
	if (every_us < 1000000) {
		aiv_fail(err, AIV_EINPUT, "the checkpoint interval must be at least 1s");
		return NULL;
	}
	p = xcalloc(1, sizeof(*p));
	p->db_path = xstrdup(db_path);
	p->skey = xstrdup(skey);
	p->out = xstrdup(out);
	p->every_us = every_us;
	p->last_seq = -1;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	if (pthread_create(&p->th, NULL, publisher_main, p)) {
		ledger_publisher_stop(p);
		aiv_fail(err, AIV_EINTERNAL, "cannot start the checkpoint publisher");
		return NULL;
	}
	return p;
}

void ledger_publisher_stop(struct ledger_publisher *p)
{
	if (!p)
		return;
	if (p->every_us) {
		pthread_mutex_lock(&p->mu);
		p->stop = 1;
		pthread_cond_signal(&p->cv);
		pthread_mutex_unlock(&p->mu);
		pthread_join(p->th, NULL);
	}
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
	OPENSSL_cleanse(p->skey, strlen(p->skey));
	free(p->skey);
	free(p->db_path);
	free(p->out);
	free(p);
}
