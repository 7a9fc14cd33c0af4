#include "aiv.h"
/*
 * oidc_lazy.c - libcurl and libcjose, opened the first time single
 * sign-on calls them instead of at every start of the program (lazy.h).
 *
 * They and the twenty libraries they pull in (Kerberos, LDAP, SSH, RTMP,
 * brotli, ...) cost about 11 ms of CPU of the 28 ms an `aivalue
 * --version` took (perf stat; a bare main() linked with and without
 * them): the test suite starts aivalue thousands of times, and only
 * `serve --oidc-issuer ...` and the gateway's HTTP upstreams use them.  oidc.c is unchanged and still
 * includes the libraries' own headers, so the types and constants are
 * theirs.
 *
 * When a library cannot be opened (the package is missing), the loader's
 * message goes to stderr once, and every call fails the way the library
 * itself reports failure: curl_easy_init returns NULL, the cjose
 * functions fill their cjose_err with that message; oidc.c already turns
 * those into errors a person sees.
 */
#define CURL_DISABLE_TYPECHECK 1 /* the macros of typecheck-gcc.h would
				      rename the definitions below */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjose/cjose.h>
#include <curl/curl.h>

#include "core/lazy.h"

#define CURL_SONAME "libcurl.so.4"
#define CJOSE_SONAME "libcjose.so.0"

/* every function forwarded; each pointer has the type of the library's own
   declaration (__typeof__, as the libraries' headers declare them) */
#define LAZY_CURL(X)                                                                   \
	X(curl_global_init) X(curl_easy_init) X(curl_easy_setopt) X(curl_easy_perform) \
	X(curl_easy_cleanup) X(curl_easy_getinfo) X(curl_easy_strerror)               \
	X(curl_easy_escape) X(curl_free) X(curl_easy_reset) X(curl_slist_append)     \
	X(curl_slist_free_all)
#define LAZY_CJOSE(X)                                                              \
	X(cjose_base64url_encode) X(cjose_base64url_decode) X(cjose_header_get)    \
	X(cjose_jwk_get_keysize) X(cjose_jwk_get_kty) X(cjose_jwk_import)          \
	X(cjose_jwk_release) X(cjose_jws_import) X(cjose_jws_verify)               \
	X(cjose_jws_get_plaintext) X(cjose_jws_get_protected) X(cjose_jws_release)  \
	X(cjose_get_dealloc)

#define LAZY_FIELD(name) __typeof__(&name) name;
static struct {
	LAZY_CURL(LAZY_FIELD)
	LAZY_CJOSE(LAZY_FIELD)
	char why[256]; /* empty when both libraries and every symbol loaded */
} lz;
static pthread_once_t lz_once = PTHREAD_ONCE_INIT;
#define LAZY_CURL_SYM(name) LAZY_SYM_OF(lz, name)

/* the two header names oidc.c reads, defined by cjose as these strings
   (cjose/header.h; RFC 7515, 4.1.1 and 4.1.4) */
const char *CJOSE_HDR_ALG = "alg";
const char *CJOSE_HDR_KID = "kid";

static void lazy_load_once(void)
{
	static const struct lazy_sym curl[] = { LAZY_CURL(LAZY_CURL_SYM) };
	static const struct lazy_sym cjose[] = { LAZY_CJOSE(LAZY_CURL_SYM) };

	if (!lazy_open("single sign-on", CURL_SONAME, curl, sizeof(curl) / sizeof(curl[0]),
		       lz.why, sizeof(lz.why)))
		lazy_open("single sign-on", CJOSE_SONAME, cjose, sizeof(cjose) / sizeof(cjose[0]),
			  lz.why, sizeof(lz.why));
}

/* 1 when every function is there; else 0, and lz.why says what is not */
static int loaded(void)
{
	pthread_once(&lz_once, lazy_load_once);
	return !lz.why[0];
}

/* a cjose call that cannot be made: fail as cjose does, with the reason */
static void cjose_unloaded(cjose_err *err)
{
	if (err) {
		err->code = CJOSE_ERR_INVALID_STATE;
		err->message = lz.why;
		err->function = "dlopen";
		err->file = __FILE__;
		err->line = __LINE__;
	}
}

CURLcode curl_global_init(long flags)
{
	return loaded() ? lz.curl_global_init(flags) : CURLE_FAILED_INIT;
}

CURL *curl_easy_init(void)
{
	return loaded() ? lz.curl_easy_init() : NULL;
}

/*
 * The one argument after the option has the type the option's number
 * range says (curl.h, CURLOPTTYPE_*): what curl_easy_setopt itself reads.
 */
CURLcode curl_easy_setopt(CURL *c, CURLoption opt, ...)
{
	va_list ap;
	CURLcode rc;

	if (!loaded())
		return CURLE_FAILED_INIT;
	va_start(ap, opt);
	if (opt < CURLOPTTYPE_OBJECTPOINT) {
		rc = lz.curl_easy_setopt(c, opt, va_arg(ap, long));
	} else if (opt < CURLOPTTYPE_FUNCTIONPOINT) {
		rc = lz.curl_easy_setopt(c, opt, va_arg(ap, void *));
	} else if (opt < CURLOPTTYPE_OFF_T) {
		rc = lz.curl_easy_setopt(c, opt, va_arg(ap, void (*)(void)));
	} else if (opt < CURLOPTTYPE_BLOB) {
		rc = lz.curl_easy_setopt(c, opt, va_arg(ap, curl_off_t));
	} else {
		rc = lz.curl_easy_setopt(c, opt, va_arg(ap, void *));
	}
	va_end(ap);
	return rc;
}

CURLcode curl_easy_perform(CURL *c)
{
	return loaded() ? lz.curl_easy_perform(c) : CURLE_FAILED_INIT;
}

void curl_easy_cleanup(CURL *c)
{
	if (loaded())
		lz.curl_easy_cleanup(c);
}

/* every CURLINFO_* takes a pointer to where the answer goes */
CURLcode curl_easy_getinfo(CURL *c, CURLINFO info, ...)
{
	va_list ap;
	void *out;

	if (!loaded())
		return CURLE_FAILED_INIT;
	va_start(ap, info);
	out = va_arg(ap, void *);
	va_end(ap);
	return lz.curl_easy_getinfo(c, info, out);
}

const char *curl_easy_strerror(CURLcode rc)
{
	return loaded() ? lz.curl_easy_strerror(rc) : lz.why;
}

char *curl_easy_escape(CURL *c, const char *s, int n)
{
	return loaded() ? lz.curl_easy_escape(c, s, n) : NULL;
}

void curl_free(void *p)
{
	if (loaded())
		lz.curl_free(p);
}

void curl_easy_reset(CURL *c)
{
	if (loaded())
		lz.curl_easy_reset(c);
}

struct curl_slist *curl_slist_append(struct curl_slist *l, const char *s)
{
	return loaded() ? lz.curl_slist_append(l, s) : NULL;
}

void curl_slist_free_all(struct curl_slist *l)
{
	if (loaded())
		lz.curl_slist_free_all(l);
}

/* what cjose allocated is freed with its deallocator; nothing was allocated
   by cjose when it could not be loaded, so free() is the right one then */
cjose_dealloc_fn_t cjose_get_dealloc(void)
{
	return loaded() ? lz.cjose_get_dealloc() : free;
}

bool cjose_base64url_encode(const uint8_t *in, const size_t n, char **out, size_t *outlen,
			    cjose_err *err)
{
	if (loaded())
		return lz.cjose_base64url_encode(in, n, out, outlen, err);
	cjose_unloaded(err);
	return false;
}

bool cjose_base64url_decode(const char *in, const size_t n, uint8_t **out, size_t *outlen,
			    cjose_err *err)
{
	if (loaded())
		return lz.cjose_base64url_decode(in, n, out, outlen, err);
	cjose_unloaded(err);
	return false;
}

const char *cjose_header_get(cjose_header_t *h, const char *attr, cjose_err *err)
{
	if (loaded())
		return lz.cjose_header_get(h, attr, err);
	cjose_unloaded(err);
	return NULL;
}

size_t cjose_jwk_get_keysize(const cjose_jwk_t *jwk, cjose_err *err)
{
	if (loaded())
		return lz.cjose_jwk_get_keysize(jwk, err);
	cjose_unloaded(err);
	return 0;
}

cjose_jwk_kty_t cjose_jwk_get_kty(const cjose_jwk_t *jwk, cjose_err *err)
{
	if (loaded())
		return lz.cjose_jwk_get_kty(jwk, err);
	cjose_unloaded(err);
	return (cjose_jwk_kty_t)-1;
}

cjose_jwk_t *cjose_jwk_import(const char *json, size_t n, cjose_err *err)
{
	if (loaded())
		return lz.cjose_jwk_import(json, n, err);
	cjose_unloaded(err);
	return NULL;
}

bool cjose_jwk_release(cjose_jwk_t *jwk)
{
	return loaded() ? lz.cjose_jwk_release(jwk) : false;
}

cjose_jws_t *cjose_jws_import(const char *compact, size_t n, cjose_err *err)
{
	if (loaded())
		return lz.cjose_jws_import(compact, n, err);
	cjose_unloaded(err);
	return NULL;
}

bool cjose_jws_verify(cjose_jws_t *jws, const cjose_jwk_t *jwk, cjose_err *err)
{
	if (loaded())
		return lz.cjose_jws_verify(jws, jwk, err);
	cjose_unloaded(err);
	return false;
}

bool cjose_jws_get_plaintext(const cjose_jws_t *jws, uint8_t **out, size_t *n, cjose_err *err)
{
	if (loaded())
		return lz.cjose_jws_get_plaintext(jws, out, n, err);
	cjose_unloaded(err);
	return false;
}

cjose_header_t *cjose_jws_get_protected(cjose_jws_t *jws)
{
	return loaded() ? lz.cjose_jws_get_protected(jws) : NULL;
}

void cjose_jws_release(cjose_jws_t *jws)
{
	if (loaded())
		lz.cjose_jws_release(jws);
}
