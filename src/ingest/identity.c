/*
 * identity.c - the Identity kind and the identity CSV import; see identity.h.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/cjson.h"
#include "core/hash.h"
#include "csvread.h"
#include "identity.h"
#include "ledger/ledger.h"
#include "org/org.h"
#include "readers.h"
#include "usage_seat_spans.h"

static const char *const id_kinds[] = { "github", "upn", "email", "hashed", "id", NULL };

static int valid_kind(const char *k)
{
	const char *const *p;

	for (p = id_kinds; *p; p++)
		if (!strcmp(*p, k))
			return 1;
	return 0;
}

static char *lower_trim(const char *s)
{
	size_t n;
	char *out, *p;

	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	out = xstrndup(s, n);
	for (p = out; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return out;
}

static int identity_parse(const struct ypos *p, struct fy_node *doc,
			  const struct catalog *cat, json_t **out)
{
	static const char *const keys[] = { "kind", "name", "github", "upn", "email",
					    "hashed", "id", NULL };
	json_t *spec = json_object();
	const char *name = NULL;
	const char *const *k;
	char what[200];
	int ret;

	(void)cat;
	if ((ret = yget_str(p, doc, "name", 1, &name, "identity")))
		goto fail;
	if (!org_valid_name(name)) {
		ret = yfail(p, yget(doc, "name"), AIV_EINPUT,
			    "identity: name '%s' must be the name of a person", name);
		goto fail;
	}
	snprintf(what, sizeof(what), "identity '%s'", name);
	if ((ret = ycheck_keys(p, doc, keys, what)))
		goto fail;
	json_object_set_new(spec, "name", json_string(name));
	for (k = id_kinds; *k; k++) {
		struct fy_node *v = yget(doc, *k), *item;
		json_t *arr;
		void *it = NULL;
		if (!v)
			continue;
		arr = json_array();
		if (fy_node_is_scalar(v)) {
			/* a null scalar ("github:" or "github: # note") has no text */
			char *s = lower_trim(ytext(v) ? ytext(v) : "");
			if (!*s) {
				free(s);
				json_decref(arr);
				ret = yfail(p, v, AIV_EINPUT, "%s: '%s' is empty", what, *k);
				goto fail;
			}
			json_array_append_new(arr, json_string(s));
			free(s);
		} else if (fy_node_is_sequence(v)) {
			while ((item = fy_node_sequence_iterate(v, &it)) != NULL) {
				char *s;
				if (!ytext(item) || !*ytext(item)) {
					json_decref(arr);
					ret = yfail(p, item, AIV_EINPUT, "%s: items of '%s' must be "
						    "non-empty strings", what, *k);
					goto fail;
				}
				s = lower_trim(ytext(item));
				json_array_append_new(arr, json_string(s));
				free(s);
			}
		} else {
			json_decref(arr);
			ret = yfail(p, v, AIV_EINPUT, "%s: '%s' must be a string or a list", what, *k);
			goto fail;
		}
		json_object_set_new(spec, *k, arr);
	}
	*out = spec;
	return 0;
fail:
	json_decref(spec);
	return ret;
}

static int step_reset(struct store_stmt *st, struct aiv_err *err)
{
	int rc = store_step(st, err);

	store_reset(st);
	return rc < 0 ? rc : 0;
}

int identity_rejoin(struct store *s, int64_t *n, struct aiv_err *err)
{
	static const char *const sql[] = {
		/* rows of workspaces imported before columnar blocks */
		"UPDATE usage_events SET person = (SELECT i.person FROM identities i"
		" WHERE i.value = usage_events.identity ORDER BY i.kind LIMIT 1)"
		" WHERE person IS NULL AND identity IN (SELECT value FROM identities)",
		/* blocks: the person is the identity's, one row per identity */
		"UPDATE usage_identities SET person = (SELECT i.person FROM identities i"
		" WHERE i.value = usage_identities.identity ORDER BY i.kind LIMIT 1)"
		" WHERE person IS NULL AND identity IN (SELECT value FROM identities)",
		"UPDATE usage_seats SET person = (SELECT i.person FROM identities i"
		" WHERE i.value = usage_seats.identity ORDER BY i.kind LIMIT 1)"
		" WHERE person IS NULL AND identity IN (SELECT value FROM identities)",
		"UPDATE usage_team_members SET person = (SELECT i.person FROM identities i"
		" WHERE i.value = usage_team_members.identity ORDER BY i.kind LIMIT 1)"
		" WHERE person IS NULL AND identity IN (SELECT value FROM identities)",
		"UPDATE usage_workflows SET creator = (SELECT i.person FROM identities i"
		" WHERE i.value = usage_workflows.creator_identity ORDER BY i.kind LIMIT 1)"
		" WHERE creator IS NULL AND creator_identity IN (SELECT value FROM identities)",
	};
	int64_t block_rows = 0;
	size_t i;
	int ret;

	if (n)
		*n = 0;
	/* events in blocks about to be joined: the imports' unmatched counts */
	if (n && (ret = store_query_int(s, "SELECT coalesce(sum(u.rows), 0) FROM usage_unmatched u"
					" JOIN usage_identities d ON d.identity = u.identity"
					" WHERE d.person IS NULL AND d.identity IN"
					" (SELECT value FROM identities) AND u.import_id IN"
					" (SELECT import_id FROM usage_blocks)", &block_rows, err)))
		return ret;
	for (i = 0; i < ARRAY_SIZE(sql); i++) {
		/* the spans read the seat rows still unjoined: before sql[2] */
		if (i == 2 && store_schema_version(s) >= USAGE_SEAT_SPANS_VERSION &&
		    (ret = usage_seat_spans_rejoin(s, err)))
			return ret;
		if ((ret = store_exec(s, sql[i], err)))
			return ret;
		if (n && i == 0)
			*n = store_changes(s) + block_rows;
	}
	return 0;
}

static int identity_put(struct store *s, const json_t *spec, struct aiv_err *err)
{
	const char *name = json_str(spec, "name");
	const char *const *k;
	struct store_stmt *st;
	int ret;

	if (!(st = store_prepare(s, "DELETE FROM identities WHERE person = ? AND source = 'apply'",
				 err)))
		return err->code;
	store_bind_text(st, 1, name);
	if ((ret = step_reset(st, err)))
		return ret;
	for (k = id_kinds; *k; k++) {
		json_t *arr = json_object_get(spec, *k), *v;
		size_t i;
		json_array_foreach(arr, i, v) {
			if (!(st = store_prepare(s, "INSERT INTO identities(kind, value, person, source)"
						 " VALUES (?,?,?,'apply') ON CONFLICT(kind, value) DO"
						 " UPDATE SET person = excluded.person, source = 'apply'",
						 err)))
				return err->code;
			store_bind_text(st, 1, *k);
			store_bind_text(st, 2, json_string_value(v));
			store_bind_text(st, 3, name);
			if ((ret = step_reset(st, err)))
				return ret;
		}
	}
	return identity_rejoin(s, NULL, err);
}

static int identity_del(struct store *s, const char *name, struct aiv_err *err)
{
	struct store_stmt *st = store_prepare(s, "DELETE FROM identities WHERE person = ?"
					      " AND source = 'apply'", err);

	if (!st)
		return err->code;
	store_bind_text(st, 1, name);
	return step_reset(st, err);
}

static const struct kind_ref identity_refs[] = { { "name", "Person" }, { NULL, NULL } };
static const char *const identity_cols[] = { "name", "github", "upn", "email", NULL };

const struct kind_ops identity_kind = {
	"Identity", "identities", "identity", identity_parse, identity_put, identity_del,
	identity_refs, identity_cols,
};

int identity_unmatched(struct store *s, json_t **out, struct aiv_err *err)
{
	/* blocks: each import's unmatched counts, for identities still unmatched */
	struct store_stmt *st = store_prepare(s, "SELECT identity, sum(rows) FROM ("
					      "SELECT identity, count(*) AS rows FROM usage_events"
					      " WHERE person IS NULL GROUP BY identity"
					      " UNION ALL SELECT u.identity, u.rows FROM"
					      " usage_unmatched u JOIN usage_identities d ON"
					      " d.identity = u.identity WHERE d.person IS NULL AND"
					      " u.import_id IN (SELECT import_id FROM usage_blocks)) AS t"
					      " GROUP BY identity ORDER BY sum(rows) DESC, identity",
					      err);
	json_t *arr;
	int rc;

	*out = NULL;
	if (!st)
		return err->code;
	arr = json_array();
	while ((rc = store_step(st, err)) == STORE_ROW)
		json_array_append_new(arr, json_pack("{s:s?, s:I}", "identity",
						     store_col_text(st, 0), "rows",
						     (json_int_t)store_col_int(st, 1)));
	store_reset(st);
	if (rc < 0) {
		json_decref(arr);
		return rc;
	}
	*out = arr;
	return 0;
}

int identity_import_csv(struct store *s, const char *actor, const char *path,
			struct identity_import_result *res, struct aiv_err *err)
{
	static const char *const a_person[] = { "person", NULL };
	static const char *const a_kind[] = { "kind", NULL };
	static const char *const a_value[] = { "value", "identity", NULL };
	struct csv_reader r;
	struct sha256_ctx h;
	struct strbuf row = STRBUF_INIT;
	uint8_t dg[SHA256_LEN];
	char hex[SHA256_HEX];
	int cp, ck, cv, in_tx = 0, ret;
	int64_t changed = 0;
	size_t nhdr;
	FILE *f;

	memset(res, 0, sizeof(*res));
	f = fopen(path, "rb");
	if (!f)
		return aiv_fail(err, AIV_EIO, "cannot open '%s': %s", path, strerror(errno));
	csv_reader_init(&r, f, path);
	sha256_init(&h);
	if ((ret = csv_next(&r, err)) <= 0) {
		if (!ret)
			ret = aiv_fail(err, AIV_EINPUT, "cannot import '%s': the file is empty", path);
		goto cleanup;
	}
	nhdr = r.nfields;
	cp = usage_csv_find(&r, a_person);
	ck = usage_csv_find(&r, a_kind);
	cv = usage_csv_find(&r, a_value);
	if (cp < 0 || ck < 0 || cv < 0) {
		ret = aiv_fail_at(err, AIV_EINPUT, path, 1, 1, "missing column '%s' (an "
				  "identity file has columns person, kind, value)",
				  cp < 0 ? "person" : ck < 0 ? "kind" : "value");
		goto cleanup;
	}
	if ((ret = store_begin(s, err)))
		goto cleanup;
	in_tx = 1;
	while ((ret = csv_next(&r, err)) == 1) {
		const char *person, *kind;
		char *value;
		struct store_stmt *st;
		int known = 0;
		if (r.nfields != nhdr) {
			ret = aiv_fail_at(err, AIV_EINPUT, path, r.rec_line, 0,
					  "record has %zu fields, the header has %zu", r.nfields, nhdr);
			goto cleanup;
		}
		person = csv_str(&r, (size_t)cp);
		kind = csv_str(&r, (size_t)ck);
		if (!valid_kind(kind)) {
			ret = aiv_fail_at(err, AIV_EINPUT, path, r.rec_line, r.fields[ck].col,
					  "unknown identity kind '%s' (kinds: github, upn, email, "
					  "hashed, id)", kind);
			goto cleanup;
		}
		if ((ret = org_person_exists(s, person, &known, err)))
			goto cleanup;
		if (!known) {
			ret = aiv_fail_at(err, AIV_EINPUT, path, r.rec_line, r.fields[cp].col,
					  "unknown person '%s'", person);
			goto cleanup;
		}
		value = lower_trim(csv_str(&r, (size_t)cv));
		if (!*value) {
			free(value);
			ret = aiv_fail_at(err, AIV_EINPUT, path, r.rec_line, r.fields[cv].col,
					  "empty identity value");
			goto cleanup;
		}
		strbuf_reset(&row);
		strbuf_addf(&row, "%s\t%s\t%s\n", kind, value, person);
		sha256_update(&h, row.buf, row.len);
		st = store_prepare(s, "INSERT INTO identities(kind, value, person, source)"
				   " VALUES (?,?,?,'import') ON CONFLICT(kind, value) DO UPDATE"
				   " SET person = excluded.person WHERE identities.person <>"
				   " excluded.person", err);
		if (!st) {
			free(value);
			ret = err->code;
			goto cleanup;
		}
		store_bind_text(st, 1, kind);
		store_bind_text(st, 2, value);
		store_bind_text(st, 3, person);
		free(value);
		if ((ret = step_reset(st, err)))
			goto cleanup;
		changed += store_changes(s);
		res->rows++;
	}
	if (ret < 0)
		goto cleanup;
	if (!res->rows) {
		ret = aiv_fail(err, AIV_EINPUT, "cannot import '%s': no identity rows in it", path);
		goto cleanup;
	}
	sha256_final(&h, dg);
	hex_encode(dg, SHA256_LEN, hex);
	if (!changed) {
		res->unchanged = 1;
		store_rollback(s);
		in_tx = 0;
		ret = 0;
		goto cleanup;
	}
	if ((ret = identity_rejoin(s, &res->rejoined, err)))
		goto cleanup;
	{
		const char *base = strrchr(path, '/');
		json_t *payload = json_pack("{s:s, s:I, s:I, s:I, s:s}", "source",
					    base ? base + 1 : path, "rows", (json_int_t)res->rows,
					    "changed", (json_int_t)changed, "rejoined_usage_rows",
					    (json_int_t)res->rejoined, "content_hash", hex);
		if (!payload) {
			ret = aiv_fail(err, AIV_EINPUT, "file name '%s' is not valid UTF-8", path);
			goto cleanup;
		}
		ret = ledger_append(s, actor, "identities.import", "identities", payload,
				    &res->ledger_seq, err);
		json_decref(payload);
		if (ret)
			goto cleanup;
	}
	if ((ret = store_commit(s, err)))
		goto cleanup;
	in_tx = 0;
cleanup:
	if (in_tx)
		store_rollback(s);
	if (h.evp)
		sha256_final(&h, dg);
	strbuf_release(&row);
	csv_reader_release(&r);
	fclose(f);
	return ret < 0 ? ret : 0;
}

char *identity_normalise(const char *s)
{
	return lower_trim(s);
}

void ingest_register_kinds(void)
{
	apply_register(&identity_kind);
	apply_register(&starter_workflow_kind);
	apply_register(&tool_kind);
	ingest_state_register();
}

int identity_list(struct store *s, json_t **out, struct aiv_err *err)
{
	static const char *const cols[] = { "person", "kind", "value", "source" };
	struct store_stmt *st = store_prepare(s, "SELECT person, kind, value, source FROM identities"
					      " ORDER BY person, kind, value", err);
	json_t *arr;
	int rc, i;

	*out = NULL;
	if (!st)
		return err->code;
	arr = json_array();
	while ((rc = store_step(st, err)) == STORE_ROW) {
		json_t *o = json_object();
		for (i = 0; i < 4; i++)
			json_object_set_new(o, cols[i], store_col_is_null(st, i) ? json_null() :
					    json_string(store_col_text(st, i)));
		json_array_append_new(arr, o);
	}
	store_reset(st);
	if (rc < 0) {
		json_decref(arr);
		return rc;
	}
	*out = arr;
	return 0;
}
