/*
 * oidc.c - single sign-on with an OpenID Connect provider: discovery and
 * JWKS over libcurl, JWT verification with libcjose, the role mapping,
 * the sign-in pages.  See oidc.h for what is verified and why.
 *
 * The sign-in keeps nothing in memory between the two requests: GET
 * /login/sso draws state, nonce and PKCE verifier (32 random bytes each),
 * puts them in an HttpOnly cookie scoped to /login/sso and sends the
 * browser to the provider; the callback compares the state it gets back
 * with the cookie's (login CSRF), sends the verifier with the code (PKCE)
 * and requires the cookie's nonce in the ID token (replay).  So any of
 * several server instances can finish a sign-in another one started.
 * The cookie is SameSite=Lax because the callback is a top-level
 * navigation from the provider's site, which Strict would strip.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjose/cjose.h>
#include <curl/curl.h>
#include <openssl/crypto.h>

#include "core/hash.h"
#include "core/timeutil.h"
#include "core/yaml.h"
#include "ledger/ledger.h"
#include "oidc.h"
#include "pages.h"

#define ALG_RS256 1u
#define ALG_PS256 2u
#define ALG_ES256 4u

struct oidc_rule {
	char *claim;  /* "groups", "roles", ... */
	char *value;  /* the group or app role */
	enum role role;
	char *agent;  /* for role agent: the agent id; else NULL */
};

struct oidc_key {
	char kid[129];
	cjose_jwk_t *jwk;
};

static struct {
	int enabled;
	char *issuer, *client_id, *secret, *redirect, *audience, *name;
	struct oidc_rule *rules;
	size_t nrules;
	pthread_mutex_t fetch_mu; /* one fetch from the provider at a time, never under mu */
	pthread_mutex_t mu;     /* guards what follows; held only for memory, never the network */
	int discovered;
	char *authorize_url, *token_url, *jwks_url;
	char *end_session_url;  /* RP-initiated logout, NULL when not offered */
	json_t *id_tokens;      /* session token name -> its ID token (id_token_hint) */
	unsigned algs;          /* ALG_* the provider lists and we accept */
	struct oidc_key keys[OIDC_MAX_KEYS];
	size_t nkeys;
	int64_t jwks_at_us;     /* last JWKS fetch (0: never) */
} oc = { .fetch_mu = PTHREAD_MUTEX_INITIALIZER, .mu = PTHREAD_MUTEX_INITIALIZER };

/* ---- HTTP to the provider ---- */

static size_t collect(char *p, size_t size, size_t n, void *data)
{
	struct strbuf *sb = data;

	if (sb->len + size * n > OIDC_MAX_RESPONSE)
		return 0; /* curl fails the transfer: too big */
	strbuf_add(sb, p, size * n);
	return size * n;
}

/*
 * GET url (post NULL) or POST the form `post` with HTTP basic auth
 * (user, pass) into out; 0, or AIV_EIO naming the URL.
 */
static int fetch(const char *url, const char *post, const char *user, const char *pass,
		 struct strbuf *out, struct aiv_err *err)
{
	CURL *c = curl_easy_init();
	long status = 0;
	CURLcode rc;

	strbuf_reset(out);
	if (!c)
		return aiv_fail(err, AIV_EINTERNAL, "cannot start an HTTP client");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)OIDC_TIMEOUT_S);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 5L);
	curl_easy_setopt(c, CURLOPT_MAXFILESIZE, (long)OIDC_MAX_RESPONSE);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
	if (post) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, post);
		curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(c, CURLOPT_USERNAME, user);
		curl_easy_setopt(c, CURLOPT_PASSWORD, pass);
	}
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(c);
	if (rc != CURLE_OK)
		return aiv_fail(err, AIV_EIO, "identity provider: %s: %s", url,
				rc == CURLE_WRITE_ERROR || rc == CURLE_FILESIZE_EXCEEDED
				? "answer larger than 256 KiB" : curl_easy_strerror(rc));
	if (status != 200)
		return aiv_fail(err, AIV_EIO, "identity provider: %s answered HTTP %ld", url, status);
	return 0;
}

/* GET url as a JSON object (new reference in *out). */
static int fetch_json(const char *url, json_t **out, struct aiv_err *err)
{
	struct strbuf sb = STRBUF_INIT;
	json_error_t je;
	int ret;

	*out = NULL;
	if (!(ret = fetch(url, NULL, NULL, NULL, &sb, err))) {
		*out = json_loadb(sb.buf, sb.len, JSON_REJECT_DUPLICATES, &je);
		if (!json_is_object(*out)) {
			json_decref(*out);
			*out = NULL;
			ret = aiv_fail(err, AIV_EIO, "identity provider: %s is not a JSON object", url);
		}
	}
	strbuf_release(&sb);
	return ret;
}

/* ---- discovery and keys (callers hold oc.mu) ---- */

static void keys_release(struct oidc_key *keys, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		cjose_jwk_release(keys[i].jwk);
}

static void keys_clear(void)
{
	keys_release(oc.keys, oc.nkeys);
	oc.nkeys = 0;
}

/*
 * Fetch and parse the key set at url into keys[0..*n), touching nothing
 * shared: the network is never waited on under oc.mu (a slow provider
 * must not hold up the requests that only need the cached keys).
 */
static int fetch_jwks(const char *url, struct oidc_key *keys, size_t *n,
		      struct aiv_err *err)
{
	json_t *doc, *arr, *k;
	size_t i;
	int ret;

	*n = 0;
	if ((ret = fetch_json(url, &doc, err)))
		return ret;
	arr = json_object_get(doc, "keys");
	if (!json_is_array(arr) || json_array_size(arr) > OIDC_MAX_KEYS) {
		json_decref(doc);
		return aiv_fail(err, AIV_EIO, "identity provider: %s: 'keys' is not a list of at "
				"most %d keys", url, OIDC_MAX_KEYS);
	}
	json_array_foreach(arr, i, k) {
		const char *use = json_string_value(json_object_get(k, "use"));
		const char *kid = json_string_value(json_object_get(k, "kid"));
		char *text;
		cjose_err ce;
		cjose_jwk_t *jwk;

		if (use && strcmp(use, "sig"))
			continue; /* encryption keys never verify */
		text = json_dumps(k, JSON_COMPACT);
		jwk = text ? cjose_jwk_import(text, strlen(text), &ce) : NULL;
		free(text);
		if (!jwk)
			continue;
		if (cjose_jwk_get_kty(jwk, &ce) != CJOSE_JWK_KTY_RSA &&
		    cjose_jwk_get_kty(jwk, &ce) != CJOSE_JWK_KTY_EC) {
			cjose_jwk_release(jwk);
			continue; /* an "oct" key would be a shared secret: never */
		}
		snprintf(keys[*n].kid, sizeof(keys[0].kid), "%s", kid ? kid : "");
		keys[(*n)++].jwk = jwk;
	}
	json_decref(doc);
	return 0;
}

/* Swap a fetched key set in (caller holds oc.mu). */
static void keys_swap(struct oidc_key *keys, size_t n)
{
	keys_clear();
	memcpy(oc.keys, keys, n * sizeof(*keys));
	oc.nkeys = n;
}

static char *dup_url(json_t *doc, const char *key)
{
	const char *v = json_string_value(json_object_get(doc, key));

	return v && (!strncmp(v, "https://", 8) || !strncmp(v, "http://", 7)) ? xstrdup(v) : NULL;
}

/* What discovery finds, fetched and parsed outside oc.mu. */
struct discovery {
	char *authorize_url, *token_url, *jwks_url, *end_session_url;
	unsigned algs;
	struct oidc_key keys[OIDC_MAX_KEYS];
	size_t nkeys;
};

static void discovery_release(struct discovery *d)
{
	free(d->authorize_url);
	free(d->token_url);
	free(d->jwks_url);
	free(d->end_session_url);
	keys_release(d->keys, d->nkeys);
	memset(d, 0, sizeof(*d));
}

static int fetch_discovery(const char *issuer, struct discovery *d, struct aiv_err *err)
{
	struct strbuf url = STRBUF_INIT;
	json_t *doc, *algs, *a;
	const char *iss;
	size_t i;
	int ret;

	memset(d, 0, sizeof(*d));
	strbuf_addstr(&url, issuer);
	while (url.len && url.buf[url.len - 1] == '/')
		url.buf[--url.len] = '\0';
	strbuf_addstr(&url, "/.well-known/openid-configuration");
	ret = fetch_json(url.buf, &doc, err);
	strbuf_release(&url);
	if (ret)
		return ret;
	iss = json_string_value(json_object_get(doc, "issuer"));
	if (!iss || strcmp(iss, issuer)) {
		ret = aiv_fail(err, AIV_EIO, "identity provider: its metadata names issuer '%s', not "
			       "the configured '%s'", iss ? iss : "(none)", issuer);
		goto out;
	}
	d->authorize_url = dup_url(doc, "authorization_endpoint");
	d->token_url = dup_url(doc, "token_endpoint");
	d->jwks_url = dup_url(doc, "jwks_uri");
	d->end_session_url = dup_url(doc, "end_session_endpoint");
	if (!d->authorize_url || !d->token_url || !d->jwks_url) {
		ret = aiv_fail(err, AIV_EIO, "identity provider: its metadata lacks "
			       "authorization_endpoint, token_endpoint or jwks_uri");
		goto out;
	}
	algs = json_object_get(doc, "id_token_signing_alg_values_supported");
	json_array_foreach(algs, i, a) {
		const char *s = json_string_value(a);
		if (!s)
			continue;
		if (!strcmp(s, "RS256"))
			d->algs |= ALG_RS256;
		else if (!strcmp(s, "PS256"))
			d->algs |= ALG_PS256;
		else if (!strcmp(s, "ES256"))
			d->algs |= ALG_ES256;
	}
	if (!d->algs) {
		ret = aiv_fail(err, AIV_EIO, "identity provider: it signs with none of RS256, PS256 "
			       "and ES256");
		goto out;
	}
	ret = fetch_jwks(d->jwks_url, d->keys, &d->nkeys, err);
out:
	json_decref(doc);
	if (ret)
		discovery_release(d);
	return ret;
}

/*
 * Discover the provider once: fetch outside oc.mu (fetch_mu lets one
 * thread fetch at a time), swap the result in under it.  0 when
 * discovered, now or before.
 */
static int ensure_discovered(struct aiv_err *err)
{
	struct discovery d;
	int done, ret = 0;

	pthread_mutex_lock(&oc.mu);
	done = oc.discovered;
	pthread_mutex_unlock(&oc.mu);
	if (done)
		return 0;
	pthread_mutex_lock(&oc.fetch_mu);
	pthread_mutex_lock(&oc.mu);
	done = oc.discovered; /* another thread may have done it meanwhile */
	pthread_mutex_unlock(&oc.mu);
	if (!done && !(ret = fetch_discovery(oc.issuer, &d, err))) {
		pthread_mutex_lock(&oc.mu);
		free(oc.authorize_url);
		free(oc.token_url);
		free(oc.jwks_url);
		free(oc.end_session_url);
		oc.authorize_url = d.authorize_url;
		oc.token_url = d.token_url;
		oc.jwks_url = d.jwks_url;
		oc.end_session_url = d.end_session_url;
		oc.algs = d.algs;
		keys_swap(d.keys, d.nkeys);
		oc.jwks_at_us = time_now_us();
		oc.discovered = 1;
		pthread_mutex_unlock(&oc.mu);
	}
	pthread_mutex_unlock(&oc.fetch_mu);
	return ret;
}

/*
 * Key rotation: the provider may publish a new key.  Refetch the key set,
 * at most every OIDC_JWKS_REFETCH_S, outside oc.mu, and swap it in.
 */
static void refetch_keys(void)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct oidc_key keys[OIDC_MAX_KEYS];
	size_t n = 0;
	char *url = NULL;

	pthread_mutex_lock(&oc.fetch_mu);
	pthread_mutex_lock(&oc.mu);
	if (oc.jwks_url && time_now_us() - oc.jwks_at_us >= OIDC_JWKS_REFETCH_S * 1000000LL) {
		oc.jwks_at_us = time_now_us(); /* one try per interval, even a failed one */
		url = xstrdup(oc.jwks_url);
	}
	pthread_mutex_unlock(&oc.mu);
	if (url && !fetch_jwks(url, keys, &n, &err)) {
		pthread_mutex_lock(&oc.mu);
		keys_swap(keys, n);
		pthread_mutex_unlock(&oc.mu);
	}
	pthread_mutex_unlock(&oc.fetch_mu);
	free(url);
}

/* The key for kid (or the only key, without kid), NULL if none; caller holds oc.mu. */
static cjose_jwk_t *find_key(const char *kid)
{
	size_t i;

	for (i = 0; i < oc.nkeys; i++)
		if (kid ? !strcmp(oc.keys[i].kid, kid) : oc.nkeys == 1)
			return oc.keys[i].jwk;
	return NULL;
}

/* ---- JWT ---- */

int oidc_looks_like_jwt(const char *s)
{
	const char *d1 = strchr(s, '.'), *d2 = d1 ? strchr(d1 + 1, '.') : NULL;

	return d1 && d2 && !strchr(d2 + 1, '.') && strncmp(s, "aiv_", 4);
}

static unsigned alg_bit(const char *alg)
{
	if (!alg)
		return 0;
	if (!strcmp(alg, "RS256"))
		return ALG_RS256;
	if (!strcmp(alg, "PS256"))
		return ALG_PS256;
	if (!strcmp(alg, "ES256"))
		return ALG_ES256;
	return 0;
}

/* 1 if v (a string or an array of strings: aud, groups, roles) holds want. */
static int holds_string(json_t *v, const char *want)
{
	json_t *a;
	size_t i;

	if (json_is_string(v))
		return !strcmp(json_string_value(v), want);
	json_array_foreach(v, i, a)
		if (json_is_string(a) && !strcmp(json_string_value(a), want))
			return 1;
	return 0;
}

/*
 * Verify compact JWT `jwt`: signature, alg, iss, aud (want_aud), exp, nbf
 * and, when want_nonce is not NULL, the nonce.  *claims: new reference.
 */
static int verify_jwt(const char *jwt, const char *want_aud, const char *want_nonce,
		      json_t **claims, struct aiv_err *err)
{
	cjose_jws_t *jws = NULL;
	cjose_header_t *hdr;
	cjose_jwk_t *jwk;
	cjose_jwk_kty_t kty;
	cjose_err ce;
	const char *alg, *kid;
	uint8_t *plain = NULL;
	size_t plain_len = 0, n = strlen(jwt);
	json_t *c = NULL, *v;
	json_error_t je;
	int64_t now = time_now_us() / 1000000;
	unsigned bit;
	int ret;

	*claims = NULL;
	if (n > OIDC_MAX_JWT)
		return aiv_fail(err, AIV_EPERM, "token longer than %d bytes", OIDC_MAX_JWT);
	if ((ret = ensure_discovered(err)))
		return ret;
	pthread_mutex_lock(&oc.mu);
	if (!(jws = cjose_jws_import(jwt, n, &ce))) {
		/* cjose refuses an empty signature, so alg none ends here or below */
		ret = aiv_fail(err, AIV_EPERM, "not a signed JWT (%s)", ce.message);
		goto out;
	}
	hdr = cjose_jws_get_protected(jws);
	alg = cjose_header_get(hdr, CJOSE_HDR_ALG, &ce);
	kid = cjose_header_get(hdr, CJOSE_HDR_KID, &ce);
	bit = alg_bit(alg);
	if (!bit || !(oc.algs & bit)) {
		ret = aiv_fail(err, AIV_EPERM, "signing algorithm '%s' is not accepted (accepted: "
			       "what the provider lists among RS256, PS256 and ES256)",
			       alg ? alg : "(none)");
		goto out;
	}
	if (!(jwk = find_key(kid))) {
		/* an unknown kid: refetch the keys without holding oc.mu, then look again */
		pthread_mutex_unlock(&oc.mu);
		refetch_keys();
		pthread_mutex_lock(&oc.mu);
		jwk = find_key(kid);
	}
	if (!jwk) {
		ret = aiv_fail(err, AIV_EPERM, "no key '%s' in the provider's key set",
			       kid ? kid : "(no kid)");
		goto out;
	}
	kty = cjose_jwk_get_kty(jwk, &ce);
	if ((bit == ALG_ES256) != (kty == CJOSE_JWK_KTY_EC) ||
	    (bit == ALG_ES256 && cjose_jwk_get_keysize(jwk, &ce) != 256)) {
		ret = aiv_fail(err, AIV_EPERM, "algorithm '%s' does not fit key '%s'", alg,
			       kid ? kid : "");
		goto out;
	}
	if (!cjose_jws_verify(jws, jwk, &ce)) {
		ret = aiv_fail(err, AIV_EPERM, "bad signature");
		goto out;
	}
	if (!cjose_jws_get_plaintext(jws, &plain, &plain_len, &ce) ||
	    !(c = json_loadb((const char *)plain, plain_len, JSON_REJECT_DUPLICATES, &je)) ||
	    !json_is_object(c)) {
		ret = aiv_fail(err, AIV_EPERM, "the token's claims are not a JSON object");
		goto out;
	}
	v = json_object_get(c, "iss");
	if (!json_is_string(v) || strcmp(json_string_value(v), oc.issuer)) {
		ret = aiv_fail(err, AIV_EPERM, "issuer '%s' is not the configured '%s'",
			       json_is_string(v) ? json_string_value(v) : "(none)", oc.issuer);
		goto out;
	}
	if (!holds_string(json_object_get(c, "aud"), want_aud)) {
		ret = aiv_fail(err, AIV_EPERM, "audience is not '%s'", want_aud);
		goto out;
	}
	/* OIDC Core 3.1.3.7: an ID token for several audiences names us as azp */
	v = json_object_get(c, "aud");
	if (want_nonce && json_is_array(v) && json_array_size(v) > 1 &&
	    !holds_string(json_object_get(c, "azp"), oc.client_id)) {
		ret = aiv_fail(err, AIV_EPERM, "the ID token has several audiences and its azp is "
			       "not '%s'", oc.client_id);
		goto out;
	}
	v = json_object_get(c, "exp");
	if (!json_is_integer(v) && !json_is_real(v)) {
		ret = aiv_fail(err, AIV_EPERM, "the token has no expiry (exp)");
		goto out;
	}
	if ((int64_t)json_number_value(v) + OIDC_LEEWAY_S <= now) {
		ret = aiv_fail(err, AIV_EPERM, "the token expired %lld s ago",
			       (long long)(now - (int64_t)json_number_value(v)));
		goto out;
	}
	v = json_object_get(c, "nbf");
	if (v && (!json_is_number(v) || (int64_t)json_number_value(v) - OIDC_LEEWAY_S > now)) {
		ret = aiv_fail(err, AIV_EPERM, "the token is not valid yet (nbf)");
		goto out;
	}
	if (want_nonce) {
		v = json_object_get(c, "nonce");
		if (!json_is_string(v) || strlen(json_string_value(v)) != strlen(want_nonce) ||
		    CRYPTO_memcmp(json_string_value(v), want_nonce, strlen(want_nonce))) {
			ret = aiv_fail(err, AIV_EPERM, "the ID token's nonce is not this sign-in's");
			goto out;
		}
	}
	*claims = c;
	c = NULL;
out:
	pthread_mutex_unlock(&oc.mu);
	json_decref(c);
	if (jws)
		cjose_jws_release(jws);
	return ret;
}

/* ---- roles from claims ---- */

/* The first rule the claims match, or NULL: no access. */
static const struct oidc_rule *map_claims(json_t *claims)
{
	size_t i;

	for (i = 0; i < oc.nrules; i++)
		if (holds_string(json_object_get(claims, oc.rules[i].claim), oc.rules[i].value))
			return &oc.rules[i];
	return NULL;
}

/* Who the claims name, for people to read: email, username, name, else the client or sub. */
static const char *claims_label(json_t *claims)
{
	static const char *const keys[] = { "email", "preferred_username", "upn", "name",
					    "client_id", "azp", "sub" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		const char *s = json_string_value(json_object_get(claims, keys[i]));
		if (s && *s)
			return s;
	}
	return "unknown";
}

static void fill_token(json_t *claims, const struct oidc_rule *r, struct token_info *out)
{
	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "sso:%.100s", claims_label(claims));
	out->role = r ? r->role : ROLE_NONE;
	if (r && r->agent)
		snprintf(out->agent, sizeof(out->agent), "%s", r->agent);
	out->expires_us = (int64_t)json_number_value(json_object_get(claims, "exp")) * 1000000;
}

int oidc_check_bearer(const char *jwt, struct token_info *out, struct aiv_err *err)
{
	json_t *claims;
	int ret;

	if (!oc.enabled)
		return aiv_fail(err, AIV_EPERM, "single sign-on is not configured");
	if ((ret = verify_jwt(jwt, oc.audience, NULL, &claims, err)))
		return ret;
	fill_token(claims, map_claims(claims), out);
	json_decref(claims);
	return 0;
}

/* ---- the role mapping file ---- */

static void rules_free(struct oidc_rule *r, size_t n)
{
	size_t i;

	for (i = 0; r && i < n; i++) {
		free(r[i].claim);
		free(r[i].value);
		free(r[i].agent);
	}
	free(r);
}

/*
 * Parse the mapping:
 *   rules:
 *     - {claim: groups, value: aivalue-admins, role: admin}
 *     - {claim: roles, value: Agent.InvoiceBot, role: agent, agent: invoice-bot}
 */
static int load_rules(const char *file, const char *buf, size_t len, struct aiv_err *err)
{
	static const char *const top_keys[] = { "rules", NULL };
	static const char *const rule_keys[] = { "claim", "value", "role", "agent", NULL };
	struct ydocs d = { 0 };
	struct ypos p = { file, err };
	struct fy_node *root, *seq, *item;
	struct oidc_rule *rules = NULL;
	void *it = NULL;
	size_t n = 0;
	int ret;

	if ((ret = ydocs_load(&d, file, buf, len, err)))
		return ret;
	if (d.n != 1 || !fy_node_is_mapping(root = fy_document_root(d.docs[0]))) {
		ret = aiv_fail(err, AIV_EINPUT, "%s: the role mapping is one YAML mapping with "
			       "'rules'", file);
		goto out;
	}
	if ((ret = ycheck_keys(&p, root, top_keys, "the role mapping")) ||
	    (ret = yget_seq(&p, root, "rules", 1, &seq, "the role mapping")))
		goto out;
	if (fy_node_sequence_item_count(seq) > OIDC_MAX_RULES) {
		ret = yfail(&p, seq, AIV_ETOOBIG, "at most %d rules", OIDC_MAX_RULES);
		goto out;
	}
	rules = xcalloc((size_t)fy_node_sequence_item_count(seq) + 1, sizeof(*rules));
	while ((item = fy_node_sequence_iterate(seq, &it))) {
		const char *claim = "groups", *value = NULL, *role = NULL, *agent = NULL;
		struct oidc_rule *r = &rules[n];
		char what[40];

		snprintf(what, sizeof(what), "rule %zu", n + 1);
		if (!fy_node_is_mapping(item)) {
			ret = yfail(&p, item, AIV_EINPUT, "%s: not a mapping", what);
			goto out;
		}
		if ((ret = ycheck_keys(&p, item, rule_keys, what)) ||
		    (ret = yget_str(&p, item, "claim", 0, &claim, what)) ||
		    (ret = yget_str(&p, item, "value", 1, &value, what)) ||
		    (ret = yget_str(&p, item, "role", 1, &role, what)) ||
		    (ret = yget_str(&p, item, "agent", 0, &agent, what)))
			goto out;
		r->role = role_from_name(role);
		if (r->role == ROLE_NONE) {
			ret = yfail(&p, yget(item, "role"), AIV_EINPUT, "%s: field 'role': '%s' is "
				    "not a role (roles: %s)", what, role, role_names_list());
			goto out;
		}
		if ((r->role == ROLE_AGENT) != (agent != NULL)) {
			ret = yfail(&p, item, AIV_EINPUT, "%s: field 'agent': %s", what,
				    agent ? "only a rule with role agent names an agent"
				    : "a rule with role agent names the agent (agent: ID)");
			goto out;
		}
		r->claim = xstrdup(claim);
		r->value = xstrdup(value);
		r->agent = agent ? xstrdup(agent) : NULL;
		n++;
	}
	rules_free(oc.rules, oc.nrules);
	oc.rules = rules;
	oc.nrules = n;
	rules = NULL;
out:
	rules_free(rules, n);
	ydocs_release(&d);
	return ret;
}

struct last_digest {
	char sha256[SHA256_HEX];
};

static int last_mapping(const struct ledger_row *row, void *data)
{
	struct last_digest *l = data;
	json_t *p = json_loadb(row->payload, row->payload_len, 0, NULL);
	const char *h = json_string_value(json_object_get(p, "sha256"));

	snprintf(l->sha256, sizeof(l->sha256), "%s", h ? h : "");
	json_decref(p);
	return 1;
}

/* Record the mapping's digest unless the ledger's last one is the same. */
static int ledger_mapping(struct store *s, const char *actor, const char *file,
			  const char *digest, struct aiv_err *err)
{
	struct last_digest last = { "" };
	json_t *payload, *rules;
	size_t i;
	int ret;

	if ((ret = ledger_walk(s, 0, 0, "SSO/role-mapping", NULL, 1, 1, last_mapping, &last,
			       err)))
		return ret;
	if (!strcmp(last.sha256, digest))
		return 0;
	rules = json_array();
	for (i = 0; i < oc.nrules; i++) {
		json_t *r = json_pack("{s:s, s:s, s:s}", "claim", oc.rules[i].claim, "value",
				      oc.rules[i].value, "role", role_name(oc.rules[i].role));
		if (oc.rules[i].agent)
			json_object_set_new(r, "agent", json_string(oc.rules[i].agent));
		json_array_append_new(rules, r);
	}
	payload = json_pack("{s:s, s:s, s:s, s:o}", "file", file, "sha256", digest,
			    "issuer", oc.issuer, "rules", rules);
	if (!(ret = store_begin(s, err))) {
		ret = ledger_append(s, actor, "sso.role_mapping", "SSO/role-mapping", payload,
				    NULL, err);
		if (ret || (ret = store_commit(s, err)))
			store_rollback(s);
	}
	json_decref(payload);
	return ret;
}

/* 1 if url is https, or http to this machine (a provider for tests). */
static int url_ok(const char *url)
{
	static const char *const local[] = { "http://127.0.0.1:", "http://127.0.0.1/",
					     "http://localhost:", "http://localhost/",
					     "http://[::1]:", "http://[::1]/" };
	size_t i;

	if (!strncmp(url, "https://", 8))
		return 1;
	for (i = 0; i < ARRAY_SIZE(local); i++)
		if (!strncmp(url, local[i], strlen(local[i])))
			return 1;
	return 0;
}

int oidc_configure(const struct oidc_config *cfg, struct store *s, const char *actor,
		   struct aiv_err *err)
{
	struct strbuf secret = STRBUF_INIT, map = STRBUF_INIT;
	struct aiv_err ferr = AIV_ERR_INIT;
	char digest[SHA256_HEX];
	const char *host, *end;
	int ret;

	if (!cfg->issuer || !cfg->client_id || !cfg->client_secret_file || !cfg->redirect ||
	    !cfg->role_map)
		return aiv_fail(err, AIV_EINPUT, "single sign-on needs --oidc-issuer, "
				"--oidc-client-id, --oidc-client-secret-file, --oidc-redirect and "
				"--oidc-role-map");
	if (!url_ok(cfg->issuer) || !url_ok(cfg->redirect))
		return aiv_fail(err, AIV_EINPUT, "--oidc-issuer and --oidc-redirect must be https:// "
				"URLs (http:// only to this machine)");
	if (strbuf_read_file(&secret, cfg->client_secret_file, 4096) < 0) {
		strbuf_release(&secret);
		return aiv_fail(err, AIV_EIO, "cannot read the client secret file '%s'",
				cfg->client_secret_file);
	}
	while (secret.len && (secret.buf[secret.len - 1] == '\n' ||
			      secret.buf[secret.len - 1] == '\r'))
		secret.buf[--secret.len] = '\0';
	if (!secret.len || strchr(secret.buf, '\n')) {
		strbuf_release(&secret);
		return aiv_fail(err, AIV_EINPUT, "%s: the client secret is one non-empty line",
				cfg->client_secret_file);
	}
	if (strbuf_read_file(&map, cfg->role_map, 1 << 20) < 0) {
		strbuf_release(&secret);
		strbuf_release(&map);
		return aiv_fail(err, AIV_EIO, "cannot read the role mapping '%s'", cfg->role_map);
	}
	ret = load_rules(cfg->role_map, map.buf, map.len, err);
	sha256_hex(map.buf, map.len, digest);
	strbuf_release(&map);
	if (ret) {
		strbuf_release(&secret);
		return ret;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	/* a second configuration (tests) replaces the first */
	pthread_mutex_lock(&oc.mu);
	oc.enabled = oc.discovered = 0;
	keys_clear();
	free(oc.issuer);
	free(oc.client_id);
	if (oc.secret)
		OPENSSL_cleanse(oc.secret, strlen(oc.secret));
	free(oc.secret);
	free(oc.redirect);
	free(oc.audience);
	free(oc.name);
	pthread_mutex_unlock(&oc.mu);
	oc.issuer = xstrdup(cfg->issuer);
	oc.client_id = xstrdup(cfg->client_id);
	oc.secret = strbuf_detach(&secret, NULL);
	oc.redirect = xstrdup(cfg->redirect);
	oc.audience = xstrdup(cfg->audience ? cfg->audience : cfg->client_id);
	host = strstr(cfg->issuer, "://") + 3;
	end = host + strcspn(host, "/:");
	oc.name = cfg->name ? xstrdup(cfg->name) : xstrfmt("%.*s", (int)(end - host), host);
	if ((ret = ledger_mapping(s, actor, cfg->role_map, digest, err)))
		return ret;
	if (ensure_discovered(&ferr))
		fprintf(stderr, "warning: %s (retried at the first sign-in)\n", ferr.msg);
	oc.enabled = 1;
	return 0;
}

int oidc_enabled(void)
{
	return oc.enabled;
}

const char *oidc_provider_name(void)
{
	return oc.enabled ? oc.name : NULL;
}

/* ---- sign-in ---- */

#define SSO_COOKIE "aiv_sso"

/* 32 random bytes as base64url into out (caller frees); -1 without randomness. */
static int random_b64(char **out)
{
	uint8_t raw[32];
	size_t n;
	cjose_err ce;

	*out = NULL;
	if (random_bytes(raw, sizeof(raw)) ||
	    !cjose_base64url_encode(raw, sizeof(raw), out, &n, &ce))
		return -1;
	return 0;
}

static void add_param(struct strbuf *sb, CURL *c, const char *name, const char *value)
{
	char *e = curl_easy_escape(c, value, 0);

	strbuf_addf(sb, "%s%s=%s", sb->len && !strchr("?&", sb->buf[sb->len - 1]) ? "&" : "",
		    name, e ? e : "");
	curl_free(e);
}

static void sso_refuse(struct http_request *req, struct http_response *res, int status,
		       const char *msg)
{
	http_page_message(req, res, status, "Sign-in refused", msg);
}

void oidc_h_start(struct http_request *req, struct http_response *res)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct strbuf url = STRBUF_INIT, cookie = STRBUF_INIT;
	char *state = NULL, *nonce = NULL, *verifier = NULL, *challenge = NULL;
	uint8_t digest[SHA256_LEN];
	size_t n;
	cjose_err ce;
	CURL *c = NULL;
	int ret;

	if (!oc.enabled) {
		http_page_message(req, res, 404, "No single sign-on",
				  "this server has no identity provider configured");
		return;
	}
	ret = ensure_discovered(&err);
	pthread_mutex_lock(&oc.mu);
	if (!ret)
		strbuf_addf(&url, "%s%s", oc.authorize_url, strchr(oc.authorize_url, '?') ? "&" : "?");
	pthread_mutex_unlock(&oc.mu);
	if (ret) {
		sso_refuse(req, res, 502, err.msg);
		goto out;
	}
	if (random_b64(&state) || random_b64(&nonce) || random_b64(&verifier) ||
	    !(c = curl_easy_init())) {
		sso_refuse(req, res, 500, "no randomness available for a sign-in");
		goto out;
	}
	sha256(verifier, strlen(verifier), digest);
	if (!cjose_base64url_encode(digest, sizeof(digest), &challenge, &n, &ce)) {
		sso_refuse(req, res, 500, "cannot encode the PKCE challenge");
		goto out;
	}
	add_param(&url, c, "response_type", "code");
	add_param(&url, c, "client_id", oc.client_id);
	add_param(&url, c, "redirect_uri", oc.redirect);
	add_param(&url, c, "scope", "openid profile email");
	add_param(&url, c, "state", state);
	add_param(&url, c, "nonce", nonce);
	add_param(&url, c, "code_challenge", challenge);
	add_param(&url, c, "code_challenge_method", "S256");
	/* base64url: safe in a cookie value as it is */
	strbuf_addf(&cookie, SSO_COOKIE "=%s.%s.%s; Path=/login/sso; Max-Age=600; HttpOnly; "
		    "SameSite=Lax%s", state, nonce, verifier, req->tls ? "; Secure" : "");
	http_header_add(res, "Set-Cookie", cookie.buf);
	http_header_add(res, "Location", url.buf);
	res->status = 303;
	res->content_type = "text/html; charset=utf-8";
	strbuf_addstr(&res->body, "<!doctype html><title>Sign in</title>"
		      "<p>Continue to your identity provider to sign in.</p>\n");
out:
	if (c)
		curl_easy_cleanup(c);
	free(state);
	free(nonce);
	free(verifier);
	free(challenge);
	strbuf_release(&url);
	strbuf_release(&cookie);
}

/* The aiv_sso cookie's three parts (state, nonce, verifier) into parts; -1 if absent. */
static int sso_cookie(const struct http_request *req, char parts[3][64])
{
	const char *h = http_req_header(req, "Cookie"), *p;
	size_t i, n;

	for (p = h; p && (p = strstr(p, SSO_COOKIE "=")); p++)
		if (p == h || p[-1] == ' ' || p[-1] == ';')
			break;
	if (!p)
		return -1;
	p += strlen(SSO_COOKIE "=");
	for (i = 0; i < 3; i++) {
		n = strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");
		if (n < 16 || n >= 64 || (i < 2 && p[n] != '.'))
			return -1;
		memcpy(parts[i], p, n);
		parts[i][n] = '\0';
		p += n + (i < 2);
	}
	return 0;
}

/* Exchange the code for the ID token (new string in *id_token). */
static int redeem(const char *code, const char *verifier, char **id_token, struct aiv_err *err)
{
	struct strbuf form = STRBUF_INIT, body = STRBUF_INIT;
	char *token_url, *user, *pass;
	json_t *doc = NULL;
	const char *t;
	CURL *c = curl_easy_init();
	int ret;

	*id_token = NULL;
	if (!c)
		return aiv_fail(err, AIV_EINTERNAL, "cannot start an HTTP client");
	add_param(&form, c, "grant_type", "authorization_code");
	add_param(&form, c, "code", code);
	add_param(&form, c, "redirect_uri", oc.redirect);
	add_param(&form, c, "code_verifier", verifier);
	/* RFC 6749 2.3.1: client_secret_basic form-encodes id and secret first */
	user = curl_easy_escape(c, oc.client_id, 0);
	pass = curl_easy_escape(c, oc.secret, 0);
	pthread_mutex_lock(&oc.mu);
	token_url = xstrdup(oc.token_url);
	pthread_mutex_unlock(&oc.mu);
	ret = fetch(token_url, form.buf, user, pass, &body, err);
	if (!ret) {
		doc = json_loadb(body.buf, body.len, 0, NULL);
		t = json_string_value(json_object_get(doc, "id_token"));
		if (t)
			*id_token = xstrdup(t);
		else
			ret = aiv_fail(err, AIV_EIO, "identity provider: its token answer has no "
				       "id_token");
	}
	json_decref(doc);
	curl_free(user);
	curl_free(pass);
	curl_easy_cleanup(c);
	free(token_url);
	strbuf_release(&form);
	strbuf_release(&body);
	return ret;
}

struct last_role {
	char role[32];
};

static int last_signin(const struct ledger_row *row, void *data)
{
	struct last_role *l = data;
	json_t *p;
	const char *r;

	if (strcmp(row->action, "sso.signin"))
		return 0;
	p = json_loadb(row->payload, row->payload_len, 0, NULL);
	r = json_string_value(json_object_get(p, "role"));
	snprintf(l->role, sizeof(l->role), "%s", r ? r : "");
	json_decref(p);
	return 1;
}

/* The sso.signin entry (and sso.role_change when the role moved), one transaction. */
static int ledger_signin(struct store *s, json_t *claims, const struct token_info *ti,
			 const struct oidc_rule *r, struct aiv_err *err)
{
	struct last_role last = { "" };
	const char *sub = json_string_value(json_object_get(claims, "sub"));
	const char *name = json_string_value(json_object_get(claims, "name"));
	const char *email = json_string_value(json_object_get(claims, "email"));
	char *subject = xstrfmt("SSO/%s#%s", oc.issuer, sub ? sub : "");
	char actor[160];
	json_t *payload;
	int ret;

	snprintf(actor, sizeof(actor), "token:%s", ti->name);
	if ((ret = ledger_walk(s, 0, 0, subject, "sso.signin", 1, 1, last_signin, &last, err)))
		goto out;
	payload = json_pack("{s:s, s:s, s:s?, s:s?, s:s, s:s, s:s, s:s}", "issuer", oc.issuer,
			    "sub", sub ? sub : "", "name", name, "email", email, "role",
			    role_name(ti->role), "claim", r->claim, "value", r->value, "token",
			    ti->name);
	if (!(ret = store_begin(s, err))) {
		ret = ledger_append(s, actor, "sso.signin", subject, payload, NULL, err);
		if (!ret && last.role[0] && strcmp(last.role, role_name(ti->role))) {
			json_object_set_new(payload, "previous_role", json_string(last.role));
			ret = ledger_append(s, actor, "sso.role_change", subject, payload, NULL, err);
		}
		if (ret || (ret = store_commit(s, err)))
			store_rollback(s);
	}
	json_decref(payload);
out:
	free(subject);
	return ret;
}

/*
 * Keep a session's ID token for the id_token_hint of its sign-out.  In
 * memory only (a restart forgets them: the sign-out then names the client
 * instead), at most OIDC_MAX_HINTS at once.
 */
#define OIDC_MAX_HINTS 4096
static void keep_id_token(const char *name, const char *id_token)
{
	pthread_mutex_lock(&oc.mu);
	if (!oc.id_tokens)
		oc.id_tokens = json_object();
	if (json_object_size(oc.id_tokens) >= OIDC_MAX_HINTS)
		json_object_clear(oc.id_tokens);
	json_object_set_new(oc.id_tokens, name, json_string(id_token));
	pthread_mutex_unlock(&oc.mu);
}

/*
 * The claims of a JWT read without checking anything, or NULL: only to
 * name who a refused token claims to be.  Never trusted, never stored.
 */
static json_t *unverified_claims(const char *jwt)
{
	const char *a = strchr(jwt, '.'), *b = a ? strchr(a + 1, '.') : NULL;
	uint8_t *raw = NULL;
	size_t n = 0;
	cjose_err ce;
	json_t *c;

	if (!b || !cjose_base64url_decode(a + 1, (size_t)(b - a - 1), &raw, &n, &ce))
		return NULL;
	c = json_loadb((const char *)raw, n, 0, NULL);
	cjose_get_dealloc()(raw);
	if (!json_is_object(c)) {
		json_decref(c);
		return NULL;
	}
	return c;
}

/* A claim as a short string for the ledger, or NULL when absent or not a string. */
static char *claim_text(json_t *claims, const char *key)
{
	const char *v = json_string_value(json_object_get(claims, key));

	return v ? xstrfmt("%.200s", v) : NULL;
}

/*
 * sso.refused: a sign-in that reached the callback with an ID token from
 * the provider and was refused (the token failed a check, or its person
 * is in no mapped group).  The reason and who the token claims to be
 * (issuer, sub, email; "verified" says whether its signature and claims
 * were checked), never the token.  The actor is the provider.  Best
 * effort: a failure to record is logged, and the refusal stands.
 */
static void ledger_refused(struct store *s, const char *reason, json_t *claims, int verified)
{
	struct aiv_err err = AIV_ERR_INIT;
	char *sub = claim_text(claims, "sub"), *iss = claim_text(claims, "iss");
	char *email = claim_text(claims, "email");
	char *subject = xstrfmt("SSO/%s#%s", oc.issuer, sub ? sub : "");
	char *actor = xstrfmt("idp:%s", oc.issuer);
	json_t *payload = json_pack("{s:s, s:s, s:s?, s:s?, s:s?, s:b}", "issuer", oc.issuer,
				    "reason", reason, "claimed_issuer", iss, "claimed_sub", sub,
				    "claimed_email", email, "verified", verified);

	if (!store_begin(s, &err)) {
		if (ledger_append(s, actor, "sso.refused", subject, payload, NULL, &err) ||
		    store_commit(s, &err))
			store_rollback(s);
	}
	if (err.code)
		fprintf(stderr, "aivalue: cannot record a refused sign-in: %s\n", err.msg);
	json_decref(payload);
	free(sub);
	free(iss);
	free(email);
	free(subject);
	free(actor);
}

void oidc_h_callback(struct http_request *req, struct http_response *res)
{
	struct aiv_err err = AIV_ERR_INIT;
	const char *state = http_query(req, "state"), *code = http_query(req, "code");
	const char *perr = http_query(req, "error");
	const struct oidc_rule *r;
	struct token_info ti;
	struct strbuf cookie = STRBUF_INIT, msg = STRBUF_INIT;
	char parts[3][64], *id_token = NULL, *secret = NULL, *sid = NULL, name[129];
	uint8_t rnd[4];
	json_t *claims = NULL;
	int64_t expires_us = 0, now_us = time_now_us();

	/* the state cookie is single-use: clear it whatever happens */
	http_header_add(res, "Set-Cookie", SSO_COOKIE "=; Path=/login/sso; Max-Age=0; HttpOnly; "
			"SameSite=Lax");
	if (!oc.enabled) {
		http_page_message(req, res, 404, "No single sign-on",
				  "this server has no identity provider configured");
		return;
	}
	if (perr) {
		strbuf_addf(&msg, "the identity provider refused: %.200s", perr);
		sso_refuse(req, res, 403, msg.buf);
		goto out;
	}
	if (!state || !code || sso_cookie(req, parts) || strlen(state) != strlen(parts[0]) ||
	    CRYPTO_memcmp(state, parts[0], strlen(state))) {
		sso_refuse(req, res, 400, "this sign-in was not started from this browser, or it "
			   "is older than 10 minutes; sign in again");
		goto out;
	}
	if (redeem(code, parts[2], &id_token, &err)) {
		sso_refuse(req, res, 502, err.msg);
		goto out;
	}
	if (verify_jwt(id_token, oc.client_id, parts[1], &claims, &err)) {
		json_t *claimed = unverified_claims(id_token);
		strbuf_addf(&msg, "the ID token was refused: %s", err.msg);
		ledger_refused(req->store, msg.buf, claimed, 0);
		json_decref(claimed);
		sso_refuse(req, res, 401, msg.buf);
		goto out;
	}
	r = map_claims(claims);
	fill_token(claims, r, &ti);
	if (!r || !(ti.role & ROLE_HUMANS)) {
		strbuf_addf(&msg, "your account (%s) is in no group that this server maps to a "
			    "role, so it has no access; ask an administrator to add your group "
			    "to the role mapping", claims_label(claims));
		ledger_refused(req->store, "in no group or app role that the role mapping maps to "
			       "a role of a person", claims, 1);
		http_page_message(req, res, 403, "No access", msg.buf);
		goto out;
	}
	/* a token of this sign-in's own, so that sign-out can end it for good */
	if (random_bytes(rnd, sizeof(rnd))) {
		sso_refuse(req, res, 500, "no randomness available for a session");
		goto out;
	}
	snprintf(name, sizeof(name), "%.110s:%02x%02x%02x%02x", ti.name, rnd[0], rnd[1], rnd[2],
		 rnd[3]);
	snprintf(ti.name, sizeof(ti.name), "%s", name);
	strbuf_addf(&msg, "token:%s", name);
	if (token_create_expiring(req->store, msg.buf, name, ti.role, NULL,
				  now_us + OIDC_SESSION_TTL_S * 1000000LL, &secret, &err) ||
	    token_check(req->store, secret, &ti, &err) ||
	    session_create(req->store, &ti, &sid, &expires_us, &err) ||
	    ledger_signin(req->store, claims, &ti, r, &err)) {
		sso_refuse(req, res, http_status_for(err.code), err.msg);
		goto out;
	}
	keep_id_token(name, id_token);
	strbuf_addf(&cookie, "aiv_session=%s; Path=/; Max-Age=%lld; HttpOnly; SameSite=Strict%s",
		    sid, (long long)((expires_us - now_us) / 1000000), req->tls ? "; Secure" : "");
	http_header_add(res, "Set-Cookie", cookie.buf);
	/*
	 * The provider's page sent the browser here, so a SameSite=Strict
	 * cookie set now is not sent with a redirect followed from it: answer
	 * with a page of ours that moves on to the overview.
	 */
	res->status = 200;
	res->content_type = "text/html; charset=utf-8";
	strbuf_addstr(&res->body, "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
		      "<meta http-equiv=\"refresh\" content=\"0;url=/\"><title>Signed in</title>"
		      "</head><body><p>Signed in; continue to the <a href=\"/\">overview</a>."
		      "</p></body></html>\n");
out:
	if (secret)
		OPENSSL_cleanse(secret, strlen(secret));
	free(secret);
	free(sid);
	free(id_token);
	json_decref(claims);
	strbuf_release(&cookie);
	strbuf_release(&msg);
}

char *oidc_logout_url(const struct token_info *ti)
{
	struct strbuf sb = STRBUF_INIT;
	CURL *c;
	char *hint = NULL, *back;
	const char *cb = "/login/sso/callback";
	size_t n;

	if (!oc.enabled || strncmp(ti->name, "sso:", 4))
		return NULL;
	pthread_mutex_lock(&oc.mu);
	if (oc.end_session_url) {
		json_t *v = json_object_get(oc.id_tokens, ti->name);
		strbuf_addstr(&sb, oc.end_session_url);
		if (v)
			hint = xstrdup(json_string_value(v));
		json_object_del(oc.id_tokens, ti->name);
	}
	pthread_mutex_unlock(&oc.mu);
	if (!sb.len || !(c = curl_easy_init())) {
		free(hint);
		strbuf_release(&sb);
		return NULL;
	}
	/* back to our sign-in page: the callback URL's origin + /login */
	n = strlen(oc.redirect);
	back = n > strlen(cb) && !strcmp(oc.redirect + n - strlen(cb), cb)
	       ? xstrfmt("%.*s/login", (int)(n - strlen(cb)), oc.redirect) : NULL;
	strbuf_addch(&sb, strchr(sb.buf, '?') ? '&' : '?');
	add_param(&sb, c, "client_id", oc.client_id);
	if (hint)
		add_param(&sb, c, "id_token_hint", hint);
	if (back)
		add_param(&sb, c, "post_logout_redirect_uri", back);
	curl_easy_cleanup(c);
	free(hint);
	free(back);
	return strbuf_detach(&sb, NULL);
}

void oidc_signout(struct store *s, const struct token_info *ti)
{
	struct aiv_err err = AIV_ERR_INIT;
	char actor[160];

	if (strncmp(ti->name, "sso:", 4))
		return;
	snprintf(actor, sizeof(actor), "token:%s", ti->name);
	token_revoke(s, actor, ti->name, &err);
}
