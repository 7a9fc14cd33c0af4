/*
 * baseline.c - Merkle-rooted snapshots of the artefact set; see baseline.h.
 */
#include <stdlib.h>
#include <string.h>

#include "baseline.h"
#include "core/cjson.h"
#include "core/timeutil.h"
#include "graph.h"
#include "ledger/ledger.h"

void baseline_root(const json_t *items, char root[SHA256_HEX])
{
	size_t n = json_array_size(items), i, level;
	uint8_t (*h)[SHA256_LEN];
	json_t *it;

	if (!n) {
		sha256_hex("", 0, root);
		return;
	}
	h = xmalloc(st_mult(n, SHA256_LEN));
	json_array_foreach(items, i, it) {
		json_t *leaf = json_pack("{s:O, s:O, s:O}", "fingerprint",
					 json_object_get(it, "fingerprint"), "id",
					 json_object_get(it, "id"), "version",
					 json_object_get(it, "version"));
		struct strbuf sb = STRBUF_INIT;
		strbuf_addch(&sb, 0);
		cjson_dump(&sb, leaf);
		sha256(sb.buf, sb.len, h[i]);
		strbuf_release(&sb);
		json_decref(leaf);
	}
	for (level = n; level > 1; level = (level + 1) / 2) {
		for (i = 0; i + 1 < level; i += 2) {
			uint8_t buf[1 + 2 * SHA256_LEN];
			buf[0] = 1;
			memcpy(buf + 1, h[i], SHA256_LEN);
			memcpy(buf + 1 + SHA256_LEN, h[i + 1], SHA256_LEN);
			sha256(buf, sizeof(buf), h[i / 2]);
		}
		if (level % 2)
			memcpy(h[level / 2], h[level - 1], SHA256_LEN);
	}
	hex_encode(h[0], SHA256_LEN, root);
	free(h);
}

static int current_items(struct store *s, json_t **out, struct aiv_err *err)
{
	struct store_stmt *st = store_prepare(s, "SELECT id, version, fingerprint FROM artefacts"
					      " ORDER BY id", err);
	json_t *arr = json_array();
	int rc;

	if (!st) {
		json_decref(arr);
		return err->code;
	}
	while ((rc = store_step(st, err)) == STORE_ROW)
		json_array_append_new(arr, json_pack("{s:s, s:I, s:s}", "id", store_col_text(st, 0),
			"version", (json_int_t)store_col_int(st, 1), "fingerprint",
			store_col_text(st, 2)));
	store_reset(st);
	if (rc < 0) {
		json_decref(arr);
		return rc;
	}
	*out = arr;
	return 0;
}

static int valid_name(const char *s)
{
	size_t i, n = strlen(s);

	if (!n || n > 64 || s[0] == '@')
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || strchr("._-", s[i])))
			return 0;
	return 1;
}

void baseline_info_release(struct baseline_info *b)
{
	free(b->name);
	memset(b, 0, sizeof(*b));
}

int baseline_create(struct store *s, const char *actor, const char *name,
		    struct baseline_info *out, struct aiv_err *err)
{
	json_t *items = NULL, *payload = NULL;
	char root[SHA256_HEX], *txt = NULL, *subject = NULL;
	struct store_stmt *st;
	int64_t seq = 0, now = time_now_us();
	int ret;

	memset(out, 0, sizeof(*out));
	if (!valid_name(name))
		return aiv_fail(err, AIV_EINPUT, "baseline name '%s' must be letters, digits, '.', "
				"'-' or '_' (at most 64)", name);
	if ((ret = store_begin(s, err)))
		return ret;
	st = store_prepare(s, "SELECT 1 FROM baselines WHERE name = ?", err);
	if (!st) {
		ret = err->code;
		goto fail;
	}
	store_bind_text(st, 1, name);
	ret = store_step(st, err);
	store_reset(st);
	if (ret == STORE_ROW)
		ret = aiv_fail(err, AIV_ECONFLICT, "baseline '%s' already exists; baselines are "
			       "never rewritten, pick a new name", name);
	if (ret)
		goto fail;
	if ((ret = current_items(s, &items, err)))
		goto fail;
	baseline_root(items, root);
	txt = cjson_dumps(items);
	payload = json_pack("{s:s, s:s, s:I}", "name", name, "root", root, "count",
			    (json_int_t)json_array_size(items));
	subject = xstrfmt("Baseline/%s", name);
	if ((ret = ledger_append(s, actor, "baseline.create", subject, payload, &seq, err)))
		goto fail;
	st = store_prepare(s, "INSERT INTO baselines(name, root, created_at, items) VALUES (?,?,?,?)",
			   err);
	if (!st) {
		ret = err->code;
		goto fail;
	}
	store_bind_text(st, 1, name);
	store_bind_text(st, 2, root);
	store_bind_int(st, 3, now);
	store_bind_text(st, 4, txt);
	ret = store_step(st, err);
	store_reset(st);
	if (ret < 0 || (ret = store_commit(s, err)))
		goto fail;
	out->name = xstrdup(name);
	memcpy(out->root, root, SHA256_HEX);
	out->count = (int64_t)json_array_size(items);
	out->created_at = now;
	out->ledger_seq = seq;
	ret = 0;
	goto cleanup;
fail:
	store_rollback(s);
cleanup:
	json_decref(items);
	json_decref(payload);
	free(txt);
	free(subject);
	return ret;
}

/* Items and recorded root of a baseline (or the current state for "@now"). */
static int load(struct store *s, const char *name, json_t **items, char root[SHA256_HEX],
		struct aiv_err *err)
{
	struct store_stmt *st;
	char again[SHA256_HEX];
	int rc;

	if (!strcmp(name, "@now")) {
		if ((rc = current_items(s, items, err)))
			return rc;
		baseline_root(*items, root);
		return 0;
	}
	st = store_prepare(s, "SELECT root, items FROM baselines WHERE name = ?", err);
	if (!st)
		return err->code;
	store_bind_text(st, 1, name);
	rc = store_step(st, err);
	*items = NULL;
	if (rc == STORE_ROW) {
		snprintf(root, SHA256_HEX, "%s", store_col_text(st, 0));
		*items = json_loads(store_col_text(st, 1), 0, NULL);
	}
	store_reset(st);
	if (rc < 0)
		return rc;
	if (rc != STORE_ROW)
		return aiv_fail(err, AIV_ENOTFOUND, "unknown baseline '%s' (see 'aivalue baseline "
				"list'; '@now' is the current state)", name);
	if (!*items)
		*items = json_array();
	baseline_root(*items, again);
	if (strcmp(again, root)) {
		json_decref(*items);
		*items = NULL;
		return aiv_fail(err, AIV_ESTATE, "baseline '%s' was tampered with: its items hash "
				"to %.16s..., its recorded root is %.16s...", name, again, root);
	}
	return 0;
}

void baseline_diff_result_release(struct baseline_diff_result *d)
{
	size_t i;

	free(d->a);
	free(d->b);
	for (i = 0; i < d->nadded; i++)
		free(d->added[i]);
	free(d->added);
	for (i = 0; i < d->nremoved; i++)
		free(d->removed[i]);
	free(d->removed);
	for (i = 0; i < d->nchanged; i++) {
		free(d->changed[i].id);
		free(d->changed[i].from_fingerprint);
		free(d->changed[i].to_fingerprint);
	}
	free(d->changed);
	for (i = 0; i < d->nimpacted; i++) {
		free(d->impacted[i].id);
		free(d->impacted[i].path);
	}
	free(d->impacted);
	free(d->explain);
	memset(d, 0, sizeof(*d));
}

static char *str_or_empty(const char *v)
{
	return xstrdup(v ? v : "");
}

int baseline_diff(struct store *s, const char *a, const char *b,
		  struct baseline_diff_result *out, struct aiv_err *err)
{
	json_t *ia = NULL, *ib = NULL, *ma = json_object(), *mb = json_object(), *it, *x;
	json_t *seen = json_object();
	struct graph *g = NULL;
	struct graph_walk w;
	const char *key;
	size_t i, aadd = 0, arem = 0, achg = 0, aimp = 0;
	int ret;

	memset(out, 0, sizeof(*out));
	graph_walk_init(&w);
	if ((ret = load(s, a, &ia, out->root_a, err)) || (ret = load(s, b, &ib, out->root_b, err)) ||
	    (ret = graph_load(s, &g, err)))
		goto cleanup;
	out->a = xstrdup(a);
	out->b = xstrdup(b);
	out->same = !strcmp(out->root_a, out->root_b);
	json_array_foreach(ia, i, it)
		json_object_set(ma, json_str(it, "id"), it);
	json_array_foreach(ib, i, it)
		json_object_set(mb, json_str(it, "id"), it);
	json_object_foreach(mb, key, it) {
		x = json_object_get(ma, key);
		if (!x) {
			ALLOC_GROW(out->added, out->nadded + 1, aadd);
			out->added[out->nadded++] = xstrdup(key);
		} else if (strcmp(json_str(x, "fingerprint"), json_str(it, "fingerprint"))) {
			struct baseline_changed *c;
			ALLOC_GROW(out->changed, out->nchanged + 1, achg);
			c = &out->changed[out->nchanged++];
			c->id = xstrdup(key);
			c->from_version = json_integer_value(json_object_get(x, "version"));
			c->to_version = json_integer_value(json_object_get(it, "version"));
			c->from_fingerprint = str_or_empty(json_str(x, "fingerprint"));
			c->to_fingerprint = str_or_empty(json_str(it, "fingerprint"));
		}
	}
	json_object_foreach(ma, key, it)
		if (!json_object_get(mb, key)) {
			ALLOC_GROW(out->removed, out->nremoved + 1, arem);
			out->removed[out->nremoved++] = xstrdup(key);
		}
	/* impacted: downstream (in today's graph) of what changed, excluding the changed */
	for (i = 0; i < out->nchanged; i++)
		json_object_set_new(seen, out->changed[i].id, json_true());
	for (i = 0; i < out->nchanged; i++) {
		uint32_t u = graph_find(g, out->changed[i].id), k;
		if (u == GRAPH_NONE)
			continue;
		graph_impact(g, u, NULL, &w);
		for (k = 0; k < w.norder; k++) {
			const char *id = graph_id(g, w.order[k]);
			struct strbuf sb = STRBUF_INIT;
			if (json_object_get(seen, id))
				continue;
			json_object_set_new(seen, id, json_true());
			graph_path_text(&sb, g, &w, w.order[k]);
			ALLOC_GROW(out->impacted, out->nimpacted + 1, aimp);
			out->impacted[out->nimpacted].id = xstrdup(id);
			out->impacted[out->nimpacted++].path = strbuf_detach(&sb, NULL);
		}
	}
	if (!out->nadded && !out->nremoved && !out->nchanged)
		out->explain = xstrfmt("no difference: both roots are %.16s...", out->root_a);
	else
		out->explain = xstrfmt("%zu changed, %zu added, %zu removed; %zu more artefacts "
				       "downstream of the changes", out->nchanged, out->nadded,
				       out->nremoved, out->nimpacted);
cleanup:
	if (ret)
		baseline_diff_result_release(out);
	graph_walk_release(&w);
	graph_free(g);
	json_decref(ia);
	json_decref(ib);
	json_decref(ma);
	json_decref(mb);
	json_decref(seen);
	return ret;
}

int baseline_list(struct store *s, struct baseline_list *out, struct aiv_err *err)
{
	struct store_stmt *st = store_prepare(s, "SELECT name, root, created_at, items FROM"
					      " baselines ORDER BY created_at, name", err);
	size_t alloc = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!st)
		return err->code;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		json_t *items = json_loads(store_col_text(st, 3), 0, NULL);
		struct baseline_info *b;
		ALLOC_GROW(out->v, out->n + 1, alloc);
		b = &out->v[out->n++];
		memset(b, 0, sizeof(*b));
		b->name = str_or_empty(store_col_text(st, 0));
		snprintf(b->root, sizeof(b->root), "%s", store_col_text(st, 1) ? store_col_text(st, 1) : "");
		b->created_at = store_col_int(st, 2);
		b->count = (int64_t)json_array_size(items);
		json_decref(items);
	}
	store_reset(st);
	if (rc < 0) {
		baseline_list_release(out);
		return rc;
	}
	return 0;
}

void baseline_list_release(struct baseline_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		baseline_info_release(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* ---- JSON printers -------------------------------------------------- */

json_t *baseline_created_json(const struct baseline_info *b)
{
	return json_pack("{s:s, s:s, s:I, s:I}", "name", b->name, "root", b->root, "count",
			 (json_int_t)b->count, "ledger_seq", (json_int_t)b->ledger_seq);
}

json_t *baseline_list_json(const struct baseline_list *l)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < l->n; i++) {
		char t[TIME_ISO_LEN];
		time_format_us(l->v[i].created_at, t);
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:I}", "name", l->v[i].name,
			"root", l->v[i].root, "created_at", t, "count", (json_int_t)l->v[i].count));
	}
	return arr;
}

json_t *baseline_diff_result_json(const struct baseline_diff_result *d)
{
	json_t *changed = json_array(), *impacted = json_array();
	size_t i;

	for (i = 0; i < d->nchanged; i++) {
		const struct baseline_changed *c = &d->changed[i];
		json_array_append_new(changed, json_pack("{s:s, s:I, s:I, s:s, s:s}", "id", c->id,
			"from_version", (json_int_t)c->from_version, "to_version",
			(json_int_t)c->to_version, "from_fingerprint", c->from_fingerprint,
			"to_fingerprint", c->to_fingerprint));
	}
	for (i = 0; i < d->nimpacted; i++)
		json_array_append_new(impacted, json_pack("{s:s, s:s}", "id", d->impacted[i].id,
			"path", d->impacted[i].path));
	return json_pack("{s:s, s:s, s:s, s:s, s:b, s:o, s:o, s:o, s:o, s:s}", "a", d->a, "b", d->b,
			 "root_a", d->root_a, "root_b", d->root_b, "same", d->same, "added",
			 cjson_str_array(d->added, d->nadded), "removed",
			 cjson_str_array(d->removed, d->nremoved), "changed", changed, "impacted",
			 impacted, "explain", d->explain);
}
