/*
 * api_change.c - change control over HTTP: artefacts, graph queries,
 * change requests, signatures, merges, reviews, stale marks and metrics.
 *
 * Every handler is one call into the same library functions the CLI
 * commands call (change/change.h, change/query.h, apply_get for the
 * Artefact kind), so `aivalue --json change show CR-1` and
 * GET /api/v1/changes/CR-1 print the same computed object.  Refusals of
 * the library come back with its message: separation of duties as 403
 * (AIV_EPERM), a wrong state or a double signature as 409, bad input as
 * 400, unknown ids as 404; a refused call changes nothing because the
 * library runs every change in one store transaction.
 *
 * Who acts.  A token has a name and a role, not a person.  The person who
 * opens, signs or reviews is the token's name (create a person's token
 * with `aivalue token create --name kerem.sahin --role approver`).  A body
 * may carry "as": it must equal the token's name, except for admin
 * tokens, which may act for a named person (the ledger still records the
 * actor as token:NAME).  Anything else is 403, so an approver token cannot
 * sign in somebody else's name.
 *
 * Bodies are JSON objects; unknown fields and fields of the wrong type
 * are 400, so a typo ("reson") never silently drops the reason.  The one
 * exception is evidence: its body is the file itself (any bytes), named
 * by ?name=.
 *
 * Registering artefacts goes through the apply engine (apply_sources),
 * the code path of `aivalue apply -f`; sync and Doorstop import read a
 * folder on the server, below the directory it runs in (where merges
 * write artefact files back), never outside it.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apply/apply.h"
#include "change/baseline.h"
#include "change/change.h"
#include "change/sync.h"
#include "core/hash.h"
#include "change/query.h"
#include "change/rules.h"
#include "change/writeback.h"
#include "routes.h"

#define DEPTH_MAX 1000000

/* Fill env for this request; 0, or an error response has been sent. */
static int env_open(struct http_request *req, struct http_response *res,
		    struct change_env *env, struct change_rules **rules, char *actor,
		    size_t actor_len)
{
	struct aiv_err err = AIV_ERR_INIT;
	const char *path = getenv("AIVALUE_CHANGE_RULES");

	*rules = NULL;
	if (change_rules_load(rules, path && *path ? path : NULL, req->cat, &err)) {
		http_error(res, 500, "change rules: %s", err.msg);
		return -1;
	}
	snprintf(actor, actor_len, "token:%s", req->token.name);
	env->s = req->store;
	env->cat = req->cat;
	env->rules = *rules;
	env->actor = actor;
	return 0;
}

/* Send the library's answer (steals res_json) or its error. */
static void send_result(struct http_response *res, int ret, json_t *out,
			const struct aiv_err *err)
{
	if (ret) {
		json_decref(out);
		http_error_from(res, err);
		return;
	}
	http_json(res, 200, out);
}

/* Wrap a library array as {"count", "items"} (steals arr). */
static json_t *list_of(json_t *arr)
{
	return json_pack("{s:I, s:o}", "count", (json_int_t)json_array_size(arr), "items", arr);
}

/*
 * Parse the body as a JSON object whose keys are all in `allowed` (NULL
 * terminated) and whose values are strings, except the keys listed in
 * `bools` / `ints`.  New reference, or NULL with a 400 sent.
 */
static json_t *body_object(struct http_request *req, struct http_response *res,
			   const char *const *allowed, const char *const *bools,
			   const char *const *ints, const char *shape)
{
	json_error_t je;
	json_t *o, *v;
	const char *k;
	size_t i;

	if (req->body_len == 0) {
		http_error(res, 400, "empty body: send a JSON object %s", shape);
		return NULL;
	}
	o = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &je);
	if (!o) {
		http_error(res, 400, "request-body:%d:%d: invalid JSON: %s", je.line, je.column,
			   je.text);
		return NULL;
	}
	if (!json_is_object(o)) {
		json_decref(o);
		http_error(res, 400, "request body: expected a JSON object %s", shape);
		return NULL;
	}
	json_object_foreach(o, k, v) {
		int known = 0, is_bool = 0, is_int = 0;
		for (i = 0; allowed[i]; i++)
			known |= !strcmp(allowed[i], k);
		for (i = 0; bools && bools[i]; i++)
			is_bool |= !strcmp(bools[i], k);
		for (i = 0; ints && ints[i]; i++)
			is_int |= !strcmp(ints[i], k);
		if (!known) {
			http_error(res, 400, "request body: unknown field '%s' (expected %s)", k,
				   shape);
			json_decref(o);
			return NULL;
		}
		if (json_is_null(v))
			continue;
		if ((is_bool && !json_is_boolean(v)) || (is_int && !json_is_integer(v)) ||
		    (!is_bool && !is_int && !json_is_string(v))) {
			http_error(res, 400, "request body: field '%s' must be %s", k,
				   is_bool ? "true or false" : is_int ? "a whole number" : "a string");
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

static const char *field(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/*
 * The person acting: the body's "as" if allowed, else the token's name.
 * NULL with a 403 sent when a non-admin token names someone else.
 */
static const char *acting_person(struct http_request *req, struct http_response *res,
				 json_t *body)
{
	const char *as = field(body, "as");

	if (!as || !*as)
		return req->token.name;
	if (strcmp(as, req->token.name) && req->token.role != ROLE_ADMIN) {
		http_error(res, 403, "token '%s' acts as the person '%s'; \"as\": \"%s\" is "
			   "allowed only with an admin token (create a token named after the "
			   "person: aivalue token create --name %s --role %s)", req->token.name,
			   req->token.name, as, as, role_name(req->token.role));
		return NULL;
	}
	return as;
}

/* ---- artefacts ---- */

static void h_artefacts(struct http_request *req, struct http_response *res)
{
	struct aiv_err err = AIV_ERR_INIT;
	const struct kind_ops *k = apply_kind("Artefact");
	const char *id = http_param(req, "id");
	json_t *arr;

	if (!k) {
		http_error(res, 500, "kind 'Artefact' is not registered");
		return;
	}
	if (apply_get(req->store, k, id, &arr, &err)) {
		http_error_from(res, &err);
		return;
	}
	if (id) {
		json_t *one = json_incref(json_array_get(arr, 0));
		json_decref(arr);
		if (!one) {
			http_error(res, 404, "unknown artefact '%s'", id);
			return;
		}
		http_json(res, 200, one);
		return;
	}
	http_json(res, 200, list_of(arr));
}

/* ---- graph ---- */

static void closure(struct http_request *req, struct http_response *res, int upstream)
{
	struct aiv_err err = AIV_ERR_INIT;
	const char *ds = http_query(req, "depth"), *kind = http_query(req, "kind");
	long long depth = 0;
	struct graph *g = NULL;
	struct query_closure_result r;
	json_t *out = NULL;
	int ret;

	if (ds) {
		char *end;
		depth = strtoll(ds, &end, 10);
		if (!*ds || *end || depth < 0 || depth > DEPTH_MAX) {
			http_error(res, 400, "depth must be a whole number from 0 (no limit) to %d, "
				   "not '%s'", DEPTH_MAX, ds);
			return;
		}
	}
	if (graph_load(req->store, &g, &err)) {
		http_error_from(res, &err);
		return;
	}
	ret = query_closure(g, http_param(req, "id"), upstream, (int)depth,
			    kind && *kind ? kind : NULL, &r, &err);
	graph_free(g);
	if (!ret) {
		out = query_closure_result_json(&r);
		query_closure_result_release(&r);
	}
	send_result(res, ret, out, &err);
}

static void h_impact(struct http_request *req, struct http_response *res)
{
	closure(req, res, 0);
}

static void h_deps(struct http_request *req, struct http_response *res)
{
	closure(req, res, 1);
}

/* ---- change requests: reads ---- */

enum read_op { R_LIST, R_SHOW, R_VERIFY, R_STALE, R_METRICS, R_CONFLICTS };

static void change_read(struct http_request *req, struct http_response *res, enum read_op op)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct change_rules *rules;
	struct change_env env;
	char actor[160];
	json_t *out = NULL;
	int ret = 0;

	if (env_open(req, res, &env, &rules, actor, sizeof(actor)))
		return;
	switch (op) {
	case R_LIST: {
		struct change_cr_list l;
		if (!(ret = change_list(&env, &l, &err))) {
			out = change_cr_list_json(&l);
			change_cr_list_release(&l);
		}
		break;
	}
	case R_SHOW: {
		struct change_cr_view v;
		if (!(ret = change_show(&env, http_param(req, "id"), &v, &err))) {
			out = change_cr_view_json(&v);
			change_cr_view_release(&v);
		}
		break;
	}
	case R_VERIFY: {
		struct change_verdict v;
		if (!(ret = change_verify(&env, http_param(req, "id"), &v, &err))) {
			out = change_verdict_json(&v);
			change_verdict_release(&v);
		}
		break;
	}
	case R_STALE: {
		struct change_stale_list l;
		if (!(ret = change_stale(&env, &l, &err))) {
			out = change_stale_list_json(&l);
			change_stale_list_release(&l);
		}
		break;
	}
	case R_METRICS: {
		struct change_gov_metrics m;
		if (!(ret = change_metrics_read(&env, &m, &err))) {
			out = change_gov_metrics_json(&m);
			change_gov_metrics_release(&m);
		}
		break;
	}
	case R_CONFLICTS: {
		struct change_conflict_list l;
		if (!(ret = change_conflicts(&env, &l, &err))) {
			out = change_conflict_list_json(&l);
			change_conflict_list_release(&l);
		}
		break;
	}
	}
	change_rules_free(rules);
	if (!ret && (op == R_LIST || op == R_STALE || op == R_CONFLICTS))
		out = list_of(out);
	send_result(res, ret, out, &err);
}

static void h_changes(struct http_request *req, struct http_response *res)
{
	change_read(req, res, R_LIST);
}

static void h_change(struct http_request *req, struct http_response *res)
{
	change_read(req, res, R_SHOW);
}

static void h_verify(struct http_request *req, struct http_response *res)
{
	change_read(req, res, R_VERIFY);
}

static void h_stale(struct http_request *req, struct http_response *res)
{
	change_read(req, res, R_STALE);
}

static void h_metrics(struct http_request *req, struct http_response *res)
{
	change_read(req, res, R_METRICS);
}

static void h_conflicts(struct http_request *req, struct http_response *res)
{
	change_read(req, res, R_CONFLICTS);
}

/* ---- change requests: writes ---- */

static void h_open(struct http_request *req, struct http_response *res)
{
	static const char *const keys[] = { "artefact", "content", "reason", "risk",
					    "generated_by", "model", "as", "base_version", NULL };
	static const char *const ints[] = { "base_version", NULL };
	struct aiv_err err = AIV_ERR_INIT;
	struct change_rules *rules = NULL;
	struct change_open_args a;
	struct change_cr_view v;
	struct change_env env;
	char actor[160];
	json_t *body, *out = NULL;
	const char *who;
	int ret;

	body = body_object(req, res, keys, NULL, ints,
			   "{artefact, content, reason, risk, generated_by, model, base_version}");
	if (!body)
		return;
	if (!(who = acting_person(req, res, body)))
		goto cleanup;
	if (!field(body, "artefact") || !field(body, "content")) {
		http_error(res, 400, "request body: 'artefact' (an id) and 'content' (the proposed "
			   "new text) are required");
		goto cleanup;
	}
	if (env_open(req, res, &env, &rules, actor, sizeof(actor)))
		goto cleanup;
	memset(&a, 0, sizeof(a));
	a.artefact = field(body, "artefact");
	a.content = field(body, "content");
	a.content_len = json_string_length(json_object_get(body, "content"));
	a.reason = field(body, "reason");
	a.risk = field(body, "risk");
	a.author = who;
	a.generated_by = field(body, "generated_by");
	a.model = field(body, "model");
	a.base_version = (int64_t)json_integer_value(json_object_get(body, "base_version"));
	if (!(ret = change_open(&env, &a, &v, &err))) {
		out = change_cr_view_json(&v);
		change_cr_view_release(&v);
	}
	send_result(res, ret, out, &err);
cleanup:
	change_rules_free(rules);
	json_decref(body);
}

static void sign(struct http_request *req, struct http_response *res, const char *decision)
{
	static const char *const keys[] = { "as", "meaning", "reason", NULL };
	struct aiv_err err = AIV_ERR_INIT;
	struct change_rules *rules = NULL;
	struct change_sign_result r;
	struct change_env env;
	char actor[160];
	json_t *body, *out = NULL;
	const char *who;
	int ret;

	body = body_object(req, res, keys, NULL, NULL, "{as, meaning, reason}");
	if (!body)
		return;
	if (!(who = acting_person(req, res, body)))
		goto cleanup;
	if (env_open(req, res, &env, &rules, actor, sizeof(actor)))
		goto cleanup;
	ret = change_sign(&env, http_param(req, "id"), decision, who, field(body, "meaning"),
			  field(body, "reason"), &r, &err);
	if (!ret) {
		out = change_sign_result_json(&r);
		change_sign_result_release(&r);
	}
	send_result(res, ret, out, &err);
cleanup:
	change_rules_free(rules);
	json_decref(body);
}

static void h_approve(struct http_request *req, struct http_response *res)
{
	sign(req, res, "approve");
}

static void h_reject(struct http_request *req, struct http_response *res)
{
	sign(req, res, "reject");
}

static void h_merge(struct http_request *req, struct http_response *res)
{
	struct aiv_err err = AIV_ERR_INIT, werr = AIV_ERR_INIT;
	struct change_rules *rules = NULL;
	struct change_env env;
	const char *cr = http_param(req, "id");
	struct change_merge_result r;
	char actor[160];
	json_t *out = NULL;
	int ret;

	if (req->body_len) {
		http_error(res, 400, "merge takes no body");
		return;
	}
	if (env_open(req, res, &env, &rules, actor, sizeof(actor)))
		return;
	ret = change_merge(&env, cr, &r, &err);
	change_rules_free(rules);
	if (!ret) {
		/* as `aivalue change merge`: the working file follows the merge */
		if (change_write_back(req->store, cr, &r.written, &werr))
			r.warning = xstrdup(werr.msg);
		out = change_merge_result_json(&r);
		change_merge_result_release(&r);
	}
	send_result(res, ret, out, &err);
}

static void h_review(struct http_request *req, struct http_response *res)
{
	static const char *const keys[] = { "as", "meaning", "reason", "no_impact", NULL };
	static const char *const bools[] = { "no_impact", NULL };
	struct change_review_result r;
	struct aiv_err err = AIV_ERR_INIT;
	struct change_rules *rules = NULL;
	struct change_env env;
	char actor[160];
	json_t *body, *out = NULL;
	const char *who;
	int ret;

	body = body_object(req, res, keys, bools, NULL, "{as, meaning, reason, no_impact}");
	if (!body)
		return;
	if (!(who = acting_person(req, res, body)))
		goto cleanup;
	if (env_open(req, res, &env, &rules, actor, sizeof(actor)))
		goto cleanup;
	ret = change_review(&env, http_param(req, "id"), who, field(body, "meaning"),
			    field(body, "reason"), json_is_true(json_object_get(body, "no_impact")),
			    &r, &err);
	if (!ret) {
		out = change_review_result_json(&r);
		change_review_result_release(&r);
	}
	send_result(res, ret, out, &err);
cleanup:
	change_rules_free(rules);
	json_decref(body);
}

/* ---- registering artefacts ---- */

/* ?dry_run=1|0; -1 with a 400 sent when it is something else. */
static int dry_run_param(struct http_request *req, struct http_response *res)
{
	const char *d = http_query(req, "dry_run");

	if (!d || !strcmp(d, "0") || !strcmp(d, "false"))
		return 0;
	if (!strcmp(d, "1") || !strcmp(d, "true"))
		return 1;
	http_error(res, 400, "dry_run must be 1 or 0, not '%s'", d);
	return -1;
}

/*
 * One artefact object of a registration body as an apply document (new),
 * or NULL with a 400 sent naming item i and the field.  "content" is
 * hashed here into the fingerprint; "path" is refused (a server-side file
 * is what sync is for).
 */
static json_t *artefact_doc(struct http_response *res, json_t *it, size_t i)
{
	static const char *const keys[] = { "kind", "name", "type", "title", "owner", "version",
					    "uri", "fingerprint", "content", "depends_on", NULL };
	json_t *doc, *v;
	const char *k;
	size_t j;

	if (!json_is_object(it)) {
		http_error(res, 400, "request body: item %zu must be an artefact object "
			   "{name, type, title, owner, ...}", i);
		return NULL;
	}
	json_object_foreach(it, k, v) {
		int known = 0;
		for (j = 0; keys[j]; j++)
			known |= !strcmp(keys[j], k);
		if (!strcmp(k, "path")) {
			http_error(res, 400, "request body: item %zu: field 'path' names a file on "
				   "the server; send 'content' (hashed here) or 'uri' and "
				   "'fingerprint' (or use POST /api/v1/artefacts/sync)", i);
			return NULL;
		}
		if (!known) {
			http_error(res, 400, "request body: item %zu: unknown field '%s' (expected "
				   "name, type, title, owner, version, uri, fingerprint, content, "
				   "depends_on)", i, k);
			return NULL;
		}
	}
	v = json_object_get(it, "kind");
	if (v && (!json_is_string(v) || strcmp(json_string_value(v), "Artefact"))) {
		http_error(res, 400, "request body: item %zu: field 'kind' must be \"Artefact\" "
			   "(other kinds go through POST /api/v1/apply)", i);
		return NULL;
	}
	v = json_object_get(it, "content");
	if (v && !json_is_string(v)) {
		http_error(res, 400, "request body: item %zu: field 'content' must be a string", i);
		return NULL;
	}
	doc = json_deep_copy(it);
	json_object_set_new(doc, "kind", json_string("Artefact"));
	if (v) {
		char fp[SHA256_HEX];
		const char *given = field(it, "fingerprint");
		sha256_hex(json_string_value(v), json_string_length(v), fp);
		if (given && strcmp(given, fp)) {
			http_error(res, 400, "request body: item %zu: field 'fingerprint' (%.12s...) "
				   "does not match the SHA-256 of 'content' (%.12s...)", i, given, fp);
			json_decref(doc);
			return NULL;
		}
		json_object_del(doc, "content");
		json_object_set_new(doc, "fingerprint", json_string(fp));
	}
	return doc;
}

static void h_register(struct http_request *req, struct http_response *res)
{
	static const char *const source[] = { "request-body" };
	struct aiv_err err = AIV_ERR_INIT;
	struct apply_result r;
	struct strbuf sb = STRBUF_INIT;
	json_error_t je;
	json_t *body, *items, *it, *out;
	char actor[160];
	size_t i;
	int dry_run = dry_run_param(req, res);

	if (dry_run < 0)
		return;
	if (!req->body_len) {
		http_error(res, 400, "empty body: send an artefact object or an array of them");
		return;
	}
	body = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &je);
	if (!body) {
		http_error(res, 400, "request-body:%d:%d: invalid JSON: %s", je.line, je.column,
			   je.text);
		return;
	}
	if (json_is_object(body)) {
		items = json_array();
		json_array_append(items, body);
	} else if (json_is_array(body) && json_array_size(body)) {
		items = json_incref(body);
	} else {
		http_error(res, 400, "request body: expected an artefact object or a non-empty "
			   "array of them");
		json_decref(body);
		return;
	}
	json_array_foreach(items, i, it) {
		json_t *doc = artefact_doc(res, it, i);
		char *txt;
		if (!doc)
			goto cleanup;
		txt = json_dumps(doc, JSON_COMPACT);
		strbuf_addf(&sb, "--- %s\n", txt);
		free(txt);
		json_decref(doc);
	}
	snprintf(actor, sizeof(actor), "token:%s", req->token.name);
	if (apply_sources(req->store, req->cat, actor, source, 1, sb.buf, sb.len, dry_run, &r,
			  &err)) {
		http_error_from(res, &err);
		goto cleanup;
	}
	out = json_array();
	for (i = 0; i < r.n; i++) {
		json_t *o = json_pack("{s:s, s:s}", "name", r.items[i].name, "op", r.items[i].op);
		if (r.items[i].seq)
			json_object_set_new(o, "ledger_seq", json_integer(r.items[i].seq));
		json_array_append_new(out, o);
	}
	http_json(res, 200, json_pack("{s:b, s:i, s:i, s:i, s:o}", "dry_run", dry_run,
				      "created", (int)r.created, "updated", (int)r.updated,
				      "unchanged", (int)r.unchanged, "items", out));
	apply_result_release(&r);
cleanup:
	strbuf_release(&sb);
	json_decref(items);
	json_decref(body);
}

/*
 * A folder named in a body: relative, below the server's working
 * directory once symbolic links are resolved.  0, or -1 with a 400 sent.
 */
static int server_dir(struct http_response *res, const char *dir)
{
	char cwd[PATH_MAX], real[PATH_MAX];
	size_t n;

	if (!dir || !*dir) {
		http_error(res, 400, "request body: field 'dir' is required (a folder below the "
			   "server's working directory)");
		return -1;
	}
	if (dir[0] == '/' || !strcmp(dir, "..") || !strncmp(dir, "../", 3) ||
	    strstr(dir, "/../") || (strlen(dir) >= 3 && !strcmp(dir + strlen(dir) - 3, "/.."))) {
		http_error(res, 400, "request body: field 'dir' must be a relative path without "
			   "'..', not '%s'", dir);
		return -1;
	}
	if (!getcwd(cwd, sizeof(cwd)) || !realpath(dir, real)) {
		http_error(res, 400, "request body: field 'dir': cannot open '%s': %s", dir,
			   strerror(errno));
		return -1;
	}
	n = strlen(cwd);
	if (strncmp(real, cwd, n) || (real[n] && real[n] != '/' && strcmp(cwd, "/"))) {
		http_error(res, 400, "request body: field 'dir': '%s' leads outside the server's "
			   "working directory", dir);
		return -1;
	}
	return 0;
}

static void h_sync(struct http_request *req, struct http_response *res)
{
	static const char *const keys[] = { "dir", "as", "reason", "risk", "dry_run", NULL };
	static const char *const bools[] = { "dry_run", NULL };
	struct aiv_err err = AIV_ERR_INIT;
	struct change_rules *rules = NULL;
	struct change_env env;
	struct sync_args a;
	char actor[160];
	json_t *body, *out = NULL;
	const char *who;
	int ret;

	body = body_object(req, res, keys, bools, NULL, "{dir, as, reason, risk, dry_run}");
	if (!body)
		return;
	if (!(who = acting_person(req, res, body)) || server_dir(res, field(body, "dir")) ||
	    env_open(req, res, &env, &rules, actor, sizeof(actor)))
		goto cleanup;
	memset(&a, 0, sizeof(a));
	a.dir = field(body, "dir");
	a.as = who;
	a.reason = field(body, "reason");
	a.risk = field(body, "risk");
	a.dry_run = json_is_true(json_object_get(body, "dry_run"));
	ret = sync_dir(&env, &a, &out, &err);
	send_result(res, ret, out, &err);
cleanup:
	change_rules_free(rules);
	json_decref(body);
}

static void h_doorstop(struct http_request *req, struct http_response *res)
{
	static const char *const keys[] = { "dir", "owner", "type", "dry_run", NULL };
	static const char *const bools[] = { "dry_run", NULL };
	struct aiv_err err = AIV_ERR_INIT;
	struct change_rules *rules = NULL;
	struct change_env env;
	char actor[160];
	json_t *body, *out = NULL;
	const char *type;
	int ret;

	body = body_object(req, res, keys, bools, NULL, "{dir, owner, type, dry_run}");
	if (!body)
		return;
	if (server_dir(res, field(body, "dir")))
		goto cleanup;
	if (!field(body, "owner") || !*field(body, "owner")) {
		http_error(res, 400, "request body: field 'owner' is required (the person or team "
			   "owning every imported item)");
		goto cleanup;
	}
	type = field(body, "type") && *field(body, "type") ? field(body, "type") : "requirement";
	if (env_open(req, res, &env, &rules, actor, sizeof(actor)))
		goto cleanup;
	ret = sync_doorstop(&env, field(body, "dir"), field(body, "owner"), type,
			    json_is_true(json_object_get(body, "dry_run")), &out, &err);
	send_result(res, ret, out, &err);
cleanup:
	change_rules_free(rules);
	json_decref(body);
}

/* ---- evidence ---- */

static void h_evidence(struct http_request *req, struct http_response *res)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct change_rules *rules = NULL;
	struct change_evidence ev;
	struct change_attach_result r;
	struct change_env env;
	const char *name = http_query(req, "name");
	char actor[160];
	json_t *out = NULL;
	int ret;

	if (!name || !*name) {
		http_error(res, 400, "query parameter 'name' is required: the evidence file's name "
			   "(the body is the file itself)");
		return;
	}
	if (!req->body_len) {
		http_error(res, 400, "empty body: send the evidence file's bytes");
		return;
	}
	if (env_open(req, res, &env, &rules, actor, sizeof(actor)))
		return;
	ev.name = name;
	ev.data = req->body;
	ev.len = req->body_len;
	ret = change_attach(&env, http_param(req, "id"), req->token.name, &ev, 1, &r, &err);
	change_rules_free(rules);
	if (!ret) {
		out = change_attach_result_json(&r);
		change_attach_result_release(&r);
	}
	send_result(res, ret, out, &err);
}

/* ---- baselines ---- */

static void h_baselines(struct http_request *req, struct http_response *res)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct baseline_list l;
	json_t *out = NULL;
	int ret = baseline_list(req->store, &l, &err);

	if (!ret) {
		out = list_of(baseline_list_json(&l));
		baseline_list_release(&l);
	}
	send_result(res, ret, out, &err);
}

static void h_baseline_create(struct http_request *req, struct http_response *res)
{
	static const char *const keys[] = { "name", NULL };
	struct aiv_err err = AIV_ERR_INIT;
	struct baseline_info b;
	char actor[160];
	json_t *body, *out = NULL;
	int ret;

	body = body_object(req, res, keys, NULL, NULL, "{name}");
	if (!body)
		return;
	if (!field(body, "name")) {
		http_error(res, 400, "request body: field 'name' is required");
		json_decref(body);
		return;
	}
	snprintf(actor, sizeof(actor), "token:%s", req->token.name);
	ret = baseline_create(req->store, actor, field(body, "name"), &b, &err);
	if (!ret) {
		out = baseline_created_json(&b);
		baseline_info_release(&b);
	}
	send_result(res, ret, out, &err);
	json_decref(body);
}

static void h_baseline_diff(struct http_request *req, struct http_response *res)
{
	struct aiv_err err = AIV_ERR_INIT;
	const char *a = http_query(req, "from"), *b = http_query(req, "to");
	struct baseline_diff_result d;
	json_t *out = NULL;
	int ret;

	if (!a || !*a) {
		http_error(res, 400, "query parameter 'from' is required: a baseline name (or @now)");
		return;
	}
	ret = baseline_diff(req->store, a, b && *b ? b : "@now", &d, &err);
	if (!ret) {
		out = baseline_diff_result_json(&d);
		baseline_diff_result_release(&d);
	}
	send_result(res, ret, out, &err);
}

/* ---- graph: path and cycles ---- */

static void h_path(struct http_request *req, struct http_response *res)
{
	struct aiv_err err = AIV_ERR_INIT;
	const char *a = http_query(req, "from"), *b = http_query(req, "to");
	struct graph *g = NULL;
	struct query_path_result r;
	json_t *out = NULL;
	int ret;

	if (!a || !*a || !b || !*b) {
		http_error(res, 400, "query parameter '%s' is required: an artefact id",
			   !a || !*a ? "from" : "to");
		return;
	}
	if (graph_load(req->store, &g, &err)) {
		http_error_from(res, &err);
		return;
	}
	ret = query_path(g, a, b, &r, &err);
	graph_free(g);
	if (!ret) {
		out = query_path_result_json(&r);
		query_path_result_release(&r);
	}
	send_result(res, ret, out, &err);
}

static void h_cycles(struct http_request *req, struct http_response *res)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct graph *g = NULL;
	struct query_cycles_result r;
	json_t *out = NULL;
	int ret;

	if (graph_load(req->store, &g, &err)) {
		http_error_from(res, &err);
		return;
	}
	ret = query_cycles(g, &r, &err);
	graph_free(g);
	if (!ret) {
		out = query_cycles_result_json(&r);
		query_cycles_result_release(&r);
	}
	send_result(res, ret, out, &err);
}

/* ---- the table ---- */

#define HUMANS ROLE_HUMANS
#define OPENERS (ROLE_ADMIN | ROLE_LEAD)
#define ATTACHERS (ROLE_ADMIN | ROLE_LEAD | ROLE_APPROVER)

static const struct http_qparam q_closure[] = {
	{ "depth", "integer", "at most N hops (0 or absent: no limit)" },
	{ "kind", "string", "only report artefacts of this type (sop, policy, form, ...)" },
	{ NULL, NULL, NULL },
};

static const struct http_qparam q_dry_run[] = {
	{ "dry_run", "boolean", "1: check and report, change nothing" },
	{ NULL, NULL, NULL },
};

static const struct http_qparam q_evidence[] = {
	{ "name", "string", "the evidence file's name (required); the body is its bytes" },
	{ NULL, NULL, NULL },
};

static const struct http_qparam q_from_to[] = {
	{ "from", "string", "an artefact id (path) or a baseline name (diff)" },
	{ "to", "string", "an artefact id (path) or a baseline name, default @now (diff)" },
	{ NULL, NULL, NULL },
};

const struct http_route http_change_routes[] = {
	{ "GET", "/api/v1/artefacts", HUMANS, R_DOC, h_artefacts,
	  "artefacts under change control (as 'aivalue get artefacts')", "change", NULL, NULL },
	{ "POST", "/api/v1/artefacts", OPENERS, R_DOC | R_BODY, h_register,
	  "register or update artefacts and their depends_on edges (the apply engine): JSON "
	  "object or array of {name, type, title, owner, version, uri, fingerprint or content, "
	  "depends_on}", "change", q_dry_run, NULL },
	{ "POST", "/api/v1/artefacts/sync", OPENERS, R_DOC | R_BODY, h_sync,
	  "sync a folder below the server's directory (as 'aivalue artefacts sync'): JSON "
	  "{dir, reason, risk, dry_run}", "change", NULL, NULL },
	{ "POST", "/api/v1/artefacts/import-doorstop", OPENERS, R_DOC | R_BODY, h_doorstop,
	  "import a Doorstop tree below the server's directory: JSON {dir, owner, type, dry_run}",
	  "change", NULL, NULL },
	{ "GET", "/api/v1/artefacts/{id}", HUMANS, R_DOC, h_artefacts,
	  "one artefact", "change", NULL, NULL },
	{ "POST", "/api/v1/artefacts/{id}/review", ROLE_APPROVER, R_DOC | R_BODY, h_review,
	  "the owner's signed review of a stale artefact: JSON {meaning, reason, no_impact}",
	  "change", NULL, NULL },
	{ "GET", "/api/v1/graph/impact/{id}", HUMANS, R_DOC, h_impact,
	  "downstream closure, each item with its path (as 'aivalue graph impact')", "change",
	  q_closure, NULL },
	{ "GET", "/api/v1/graph/deps/{id}", HUMANS, R_DOC, h_deps,
	  "upstream closure: what the artefact rests on (as 'aivalue graph deps')", "change",
	  q_closure, NULL },
	{ "GET", "/api/v1/graph/path", HUMANS, R_DOC, h_path,
	  "the shortest dependency path from one artefact to another (as 'aivalue graph path')",
	  "change", q_from_to, NULL },
	{ "GET", "/api/v1/graph/cycles", HUMANS, R_DOC, h_cycles,
	  "dependency cycles, and whether their edge types allow them (as 'aivalue graph "
	  "cycles')", "change", NULL, NULL },
	{ "GET", "/api/v1/baselines", HUMANS, R_DOC, h_baselines,
	  "baselines with their Merkle roots (as 'aivalue baseline list')", "change", NULL, NULL },
	{ "POST", "/api/v1/baselines", OPENERS, R_DOC | R_BODY, h_baseline_create,
	  "record a baseline of every artefact fingerprint: JSON {name}", "change", NULL, NULL },
	{ "GET", "/api/v1/baselines/diff", HUMANS, R_DOC, h_baseline_diff,
	  "what changed between two baselines and what it impacts (as 'aivalue baseline diff')",
	  "change", q_from_to, NULL },
	{ "GET", "/api/v1/changes", HUMANS, R_DOC, h_changes,
	  "change requests, newest first (as 'aivalue change list')", "change", NULL, NULL },
	{ "POST", "/api/v1/changes", OPENERS, R_DOC | R_BODY, h_open,
	  "open a change request: JSON {artefact, content, reason, risk, generated_by, model}",
	  "change", NULL, NULL },
	{ "GET", "/api/v1/changes/metrics", HUMANS, R_DOC, h_metrics,
	  "governance metrics (as 'aivalue change metrics')", "change", NULL, NULL },
	{ "GET", "/api/v1/changes/conflicts", HUMANS, R_DOC, h_conflicts,
	  "conflicts between change requests, with their overlap (as 'aivalue change "
	  "conflicts')", "change", NULL, NULL },
	{ "GET", "/api/v1/changes/{id}", HUMANS, R_DOC, h_change,
	  "one change request: impact, approval path, signatures, stale marks, conflicts",
	  "change", NULL, NULL },
	{ "GET", "/api/v1/changes/{id}/verify", HUMANS, R_DOC, h_verify,
	  "check every signature of a change request (as 'aivalue change verify')", "change",
	  NULL, NULL },
	{ "POST", "/api/v1/changes/{id}/approve", ROLE_APPROVER, R_DOC | R_BODY, h_approve,
	  "approve as the token's person: JSON {meaning, reason}", "change", NULL, NULL },
	{ "POST", "/api/v1/changes/{id}/reject", ROLE_APPROVER, R_DOC | R_BODY, h_reject,
	  "reject as the token's person: JSON {meaning, reason}", "change", NULL, NULL },
	{ "POST", "/api/v1/changes/{id}/evidence", ATTACHERS, R_DOC | R_BODY, h_evidence,
	  "attach an evidence file (the body, any bytes; hashed, stored content-addressed)",
	  "change", q_evidence, NULL },
	{ "POST", "/api/v1/changes/{id}/merge", OPENERS, R_DOC, h_merge,
	  "merge an approved change request; downstream goes stale", "change", NULL, NULL },
	{ "GET", "/api/v1/stale", HUMANS, R_DOC, h_stale,
	  "open stale marks with their causes (as 'aivalue change stale')", "change", NULL, NULL },
	HTTP_ROUTES_END,
};
