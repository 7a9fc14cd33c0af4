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

int baseline_create(struct store *s, const char *actor, const char *name, json_t **out,
		    struct aiv_err *err)
{
	json_t *items = NULL, *payload = NULL;
	char root[SHA256_HEX], *txt = NULL, *subject = NULL;
	struct store_stmt *st;
	int64_t seq = 0, now = time_now_us();
	int ret;

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
	*out = json_pack("{s:s, s:s, s:I, s:I}", "name", name, "root", root, "count",
			 (json_int_t)json_array_size(items), "ledger_seq", (json_int_t)seq);
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

int baseline_diff(struct store *s, const char *a, const char *b, json_t **out,
		  struct aiv_err *err)
{
	json_t *ia = NULL, *ib = NULL, *ma = json_object(), *mb = json_object(), *it, *x;
	json_t *added = json_array(), *removed = json_array(), *changed = json_array();
	json_t *impacted = json_array(), *seen = json_object();
	char ra[SHA256_HEX], rb[SHA256_HEX], explain[256];
	struct graph *g = NULL;
	struct graph_walk w;
	const char *key;
	size_t i;
	int ret;

	graph_walk_init(&w);
	if ((ret = load(s, a, &ia, ra, err)) || (ret = load(s, b, &ib, rb, err)) ||
	    (ret = graph_load(s, &g, err)))
		goto cleanup;
	json_array_foreach(ia, i, it)
		json_object_set(ma, json_str(it, "id"), it);
	json_array_foreach(ib, i, it)
		json_object_set(mb, json_str(it, "id"), it);
	json_object_foreach(mb, key, it) {
		x = json_object_get(ma, key);
		if (!x)
			json_array_append_new(added, json_string(key));
		else if (strcmp(json_str(x, "fingerprint"), json_str(it, "fingerprint")))
			json_array_append_new(changed, json_pack("{s:s, s:O, s:O, s:O, s:O}", "id", key,
				"from_version", json_object_get(x, "version"), "to_version",
				json_object_get(it, "version"), "from_fingerprint",
				json_object_get(x, "fingerprint"), "to_fingerprint",
				json_object_get(it, "fingerprint")));
	}
	json_object_foreach(ma, key, it)
		if (!json_object_get(mb, key))
			json_array_append_new(removed, json_string(key));
	/* impacted: downstream (in today's graph) of what changed, excluding the changed */
	json_array_foreach(changed, i, it)
		json_object_set_new(seen, json_str(it, "id"), json_true());
	json_array_foreach(changed, i, it) {
		uint32_t u = graph_find(g, json_str(it, "id")), k;
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
			json_array_append_new(impacted, json_pack("{s:s, s:s}", "id", id, "path", sb.buf));
			strbuf_release(&sb);
		}
	}
	if (!json_array_size(added) && !json_array_size(removed) && !json_array_size(changed))
		snprintf(explain, sizeof(explain), "no difference: both roots are %.16s...", ra);
	else
		snprintf(explain, sizeof(explain), "%zu changed, %zu added, %zu removed; %zu "
			 "more artefacts downstream of the changes", json_array_size(changed),
			 json_array_size(added), json_array_size(removed), json_array_size(impacted));
	*out = json_pack("{s:s, s:s, s:s, s:s, s:b, s:O, s:O, s:O, s:O, s:s}", "a", a, "b", b,
			 "root_a", ra, "root_b", rb, "same", !strcmp(ra, rb), "added", added,
			 "removed", removed, "changed", changed, "impacted", impacted,
			 "explain", explain);
cleanup:
	graph_walk_release(&w);
	graph_free(g);
	json_decref(ia);
	json_decref(ib);
	json_decref(ma);
	json_decref(mb);
	json_decref(added);
	json_decref(removed);
	json_decref(changed);
	json_decref(impacted);
	json_decref(seen);
	return ret;
}

int baseline_list(struct store *s, json_t **out, struct aiv_err *err)
{
	struct store_stmt *st = store_prepare(s, "SELECT name, root, created_at, items FROM"
					      " baselines ORDER BY created_at, name", err);
	json_t *arr = json_array();
	int rc;

	if (!st) {
		json_decref(arr);
		return err->code;
	}
	while ((rc = store_step(st, err)) == STORE_ROW) {
		char t[TIME_ISO_LEN];
		json_t *items = json_loads(store_col_text(st, 3), 0, NULL);
		time_format_us(store_col_int(st, 2), t);
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:I}", "name",
			store_col_text(st, 0), "root", store_col_text(st, 1), "created_at", t,
			"count", (json_int_t)json_array_size(items)));
		json_decref(items);
	}
	store_reset(st);
	if (rc < 0) {
		json_decref(arr);
		return rc;
	}
	*out = arr;
	return 0;
}
