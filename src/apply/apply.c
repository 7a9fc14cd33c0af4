/*
 * apply.c - the declarative apply engine; see apply.h.
 *
 * apply_sources() runs in three steps so that a bad document never
 * half-applies:
 *
 *   1. parse   every source, every document: YAML syntax, kind, keys,
 *              types, catalog ids -> a list of (kind, name, spec, node)
 *   2. check   duplicates within the batch, and that every reference
 *              names an object in the batch or already in the store
 *   3. write   one transaction: for each object whose canonical spec
 *              differs from the stored one, write its rows, its spec and
 *              one ledger entry with the difference; commit
 *
 * Steps 1 and 2 read only; step 3 rolls back on any error.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "apply.h"
#include "core/cjson.h"
#include "core/hash.h"
#include "ledger/bind.h"
#include "ledger/ledger.h"

#define MAX_KINDS 64
#define APPLY_MAX_FILE (64u << 20) /* 64 MiB per source */

static const struct kind_ops *kinds[MAX_KINDS];
static size_t nkinds;

void apply_register(const struct kind_ops *ops)
{
	size_t i;

	for (i = 0; i < nkinds; i++)
		if (kinds[i] == ops)
			return;
	if (nkinds < MAX_KINDS)
		kinds[nkinds++] = ops;
}

const struct kind_ops *apply_kind(const char *name)
{
	size_t i;

	for (i = 0; i < nkinds; i++)
		if (!strcmp(kinds[i]->kind, name) || !strcmp(kinds[i]->plural, name) ||
		    !strcmp(kinds[i]->singular, name))
			return kinds[i];
	return NULL;
}

size_t apply_kinds(const struct kind_ops ***out)
{
	*out = kinds;
	return nkinds;
}

void apply_result_release(struct apply_result *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		free(r->items[i].kind);
		free(r->items[i].name);
		free(r->items[i].op);
	}
	free(r->items);
	memset(r, 0, sizeof(*r));
}

static void result_add(struct apply_result *r, const char *kind, const char *name,
		       const char *op, int64_t seq)
{
	struct apply_item *it;

	ALLOC_GROW(r->items, r->n + 1, r->alloc);
	it = &r->items[r->n++];
	it->kind = xstrdup(kind);
	it->name = xstrdup(name);
	it->op = xstrdup(op);
	it->seq = seq;
}

/* One parsed document. */
struct pdoc {
	const struct kind_ops *k;
	json_t *spec;
	const char *name; /* borrowed from spec */
	struct fy_node *node;
	const char *file; /* borrowed from the ydocs */
};

struct batch {
	struct ydocs *srcs;
	size_t nsrcs, asrcs;
	struct pdoc *docs;
	size_t n, alloc;
};

static void batch_release(struct batch *b)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		json_decref(b->docs[i].spec);
	free(b->docs);
	for (i = 0; i < b->nsrcs; i++)
		ydocs_release(&b->srcs[i]);
	free(b->srcs);
}

static int is_yaml_name(const char *n)
{
	size_t l = strlen(n);

	return (l > 5 && !strcmp(n + l - 5, ".yaml")) ||
	       (l > 4 && !strcmp(n + l - 4, ".yml"));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int load_one(struct batch *b, const char *name, const char *buf, size_t len,
		    struct aiv_err *err)
{
	struct strbuf sb = STRBUF_INIT;
	int ret;

	ALLOC_GROW(b->srcs, b->nsrcs + 1, b->asrcs);
	if (!buf && !strcmp(name, "-")) {
		char tmp[65536];
		size_t n;
		while ((n = fread(tmp, 1, sizeof(tmp), stdin)) > 0) {
			if (sb.len + n > APPLY_MAX_FILE) {
				strbuf_release(&sb);
				return aiv_fail(err, AIV_ETOOBIG,
						"standard input: larger than %u MiB",
						APPLY_MAX_FILE >> 20);
			}
			strbuf_add(&sb, tmp, n);
		}
		buf = sb.buf;
		len = sb.len;
		name = "(stdin)";
	} else if (!buf) {
		struct stat st;
		if (stat(name, &st) == 0 && st.st_size > (off_t)APPLY_MAX_FILE)
			return aiv_fail(err, AIV_ETOOBIG, "'%s': larger than %u MiB",
					name, APPLY_MAX_FILE >> 20);
	}
	ret = ydocs_load(&b->srcs[b->nsrcs], name, buf, len, err);
	strbuf_release(&sb);
	if (ret)
		return ret;
	b->nsrcs++;
	return 0;
}

static int load_path(struct batch *b, const char *path, struct aiv_err *err)
{
	struct stat st;
	DIR *d;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, alloc = 0, i;
	int ret = 0;

	if (strcmp(path, "-") && stat(path, &st) != 0)
		return aiv_fail(err, AIV_EIO, "cannot read '%s': %s", path, strerror(errno));
	if (!strcmp(path, "-") || !S_ISDIR(st.st_mode))
		return load_one(b, path, NULL, 0, err);
	d = opendir(path);
	if (!d)
		return aiv_fail(err, AIV_EIO, "cannot read directory '%s': %s", path,
				strerror(errno));
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || !is_yaml_name(de->d_name))
			continue;
		ALLOC_GROW(names, n + 1, alloc);
		names[n++] = xstrfmt("%s/%s", path, de->d_name);
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof(*names), cmp_str);
	for (i = 0; i < n && !ret; i++)
		ret = load_one(b, names[i], NULL, 0, err);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (!ret && n == 0)
		ret = aiv_fail(err, AIV_EINPUT, "'%s': no .yaml files in this directory", path);
	return ret;
}

static int parse_all(struct batch *b, const struct catalog *cat, struct aiv_err *err)
{
	size_t i, j;
	int ret;

	for (i = 0; i < b->nsrcs; i++) {
		struct ypos p = { b->srcs[i].file, err };
		for (j = 0; j < b->srcs[i].n; j++) {
			struct fy_node *root = fy_document_root(b->srcs[i].docs[j]);
			const char *kind = NULL;
			const struct kind_ops *k;
			struct pdoc *pd;
			json_t *spec = NULL;

			if (!fy_node_is_mapping(root))
				return yfail(&p, root, AIV_EINPUT,
					     "document %zu: expected a mapping with 'kind'", j + 1);
			if ((ret = yget_str(&p, root, "kind", 1, &kind, "document")))
				return ret;
			k = NULL;
			{
				size_t x;
				for (x = 0; x < nkinds; x++)
					if (!strcmp(kinds[x]->kind, kind))
						k = kinds[x];
			}
			if (!k) {
				struct strbuf list = STRBUF_INIT;
				size_t x;
				for (x = 0; x < nkinds; x++)
					strbuf_addf(&list, "%s%s", x ? ", " : "", kinds[x]->kind);
				ret = yfail(&p, yget(root, "kind"), AIV_EINPUT,
					    "unknown kind '%s' (known: %s)", kind, list.buf);
				strbuf_release(&list);
				return ret;
			}
			if ((ret = k->parse(&p, root, cat, &spec)))
				return ret;
			ALLOC_GROW(b->docs, b->n + 1, b->alloc);
			pd = &b->docs[b->n++];
			pd->k = k;
			pd->spec = spec;
			pd->name = json_str(spec, "name");
			pd->node = root;
			pd->file = b->srcs[i].file;
			if (!pd->name)
				return yfail(&p, root, AIV_EINTERNAL, "%s without a name", k->kind);
		}
	}
	return 0;
}

static int object_exists(struct store *s, const char *kind, const char *name,
			 int *exists, struct aiv_err *err)
{
	struct store_stmt *st = store_prepare(s,
		"SELECT 1 FROM objects WHERE kind = ? AND name = ?", err);
	int rc;

	if (!st)
		return err->code;
	store_bind_text(st, 1, kind);
	store_bind_text(st, 2, name);
	rc = store_step(st, err);
	store_reset(st);
	if (rc < 0)
		return rc;
	*exists = rc == STORE_ROW;
	return 0;
}

/*
 * The batch's objects by "KIND\nNAME" -> index of the first document, so
 * that the duplicate and reference checks are one hash lookup each: a
 * scan of the batch per reference made a 10,000-file sync quadratic.
 */
static char *batch_key(const char *kind, const char *name)
{
	return xstrfmt("%s\n%s", kind, name);
}

static int in_batch(const json_t *index, const char *kind, const char *name)
{
	char *key = batch_key(kind, name);
	int found = json_object_get(index, key) != NULL;

	free(key);
	return found;
}

/* Locate the YAML node for a reference value (a scalar, or an item of a list). */
static struct fy_node *ref_node(struct fy_node *doc, const char *field, const char *val)
{
	struct fy_node *v = yget(doc, field), *item;
	void *it = NULL;

	if (v && fy_node_is_sequence(v)) {
		while ((item = fy_node_sequence_iterate(v, &it)) != NULL) {
			const char *t = ytext(item);
			if (t && !strcmp(t, val))
				return item;
		}
	}
	return v ? v : doc;
}

static int check_ref(struct store *s, const json_t *index, const struct pdoc *pd,
		     const struct kind_ref *r, const char *val, struct aiv_err *err)
{
	int exists = 0, ret;
	const struct kind_ops *tk;
	struct ypos p = { pd->file, err };

	if (in_batch(index, r->target, val))
		return 0;
	if ((ret = object_exists(s, r->target, val, &exists, err)))
		return ret;
	if (exists)
		return 0;
	tk = apply_kind(r->target);
	return yfail(&p, ref_node(pd->node, r->field, val), AIV_EINPUT,
		     "%s '%s': field '%s' refers to unknown %s '%s'",
		     pd->k->singular, pd->name, r->field,
		     tk ? tk->singular : r->target, val);
}

static int check_all_in(struct store *s, const struct batch *b, json_t *index,
			struct aiv_err *err)
{
	size_t i;
	int ret;

	for (i = 0; i < b->n; i++) {
		const struct pdoc *pd = &b->docs[i];
		char *key = batch_key(pd->k->kind, pd->name);
		json_t *first = json_object_get(index, key);

		if (first) {
			const struct pdoc *fd = &b->docs[json_integer_value(first)];
			struct ypos p = { pd->file, err };
			long l, c;
			free(key);
			ymark(fd->node, &l, &c);
			return yfail(&p, yget(pd->node, "name"), AIV_EINPUT,
				     "%s '%s' is defined twice (first at %s:%ld)",
				     pd->k->singular, pd->name, fd->file, l);
		}
		json_object_set_new(index, key, json_integer((json_int_t)i));
		free(key);
	}
	for (i = 0; i < b->n; i++) {
		const struct pdoc *pd = &b->docs[i];
		const struct kind_ref *r;

		for (r = pd->k->refs; r && r->field; r++) {
			json_t *v = json_object_get(pd->spec, r->field);
			size_t x;
			json_t *item;

			if (json_is_string(v)) {
				if ((ret = check_ref(s, index, pd, r, json_string_value(v), err)))
					return ret;
			} else if (json_is_array(v)) {
				json_array_foreach(v, x, item)
					if (json_is_string(item) &&
					    (ret = check_ref(s, index, pd, r, json_string_value(item),
							     err)))
						return ret;
			}
		}
	}
	return 0;
}

static int check_all(struct store *s, const struct batch *b, struct aiv_err *err)
{
	json_t *index = json_object();
	int ret = check_all_in(s, b, index, err);

	json_decref(index);
	return ret;
}

/* {"field": {"before": x, "after": y}} for each field that differs. */
static json_t *spec_diff(const json_t *before, const json_t *after)
{
	json_t *d = json_object(), *v;
	const char *key;

	json_object_foreach((json_t *)after, key, v) {
		json_t *old = json_object_get(before, key);
		if (!old || !json_equal(old, v))
			json_object_set_new(d, key, json_pack("{s:O, s:O}", "before",
				old ? old : json_null(), "after", v));
	}
	json_object_foreach((json_t *)before, key, v) {
		if (!json_object_get(after, key))
			json_object_set_new(d, key, json_pack("{s:O, s:n}", "before", v, "after"));
	}
	return d;
}

static int write_one(struct store *s, const char *actor, const struct pdoc *pd,
		     int dry_run, struct apply_result *res, struct aiv_err *err)
{
	char *canon = cjson_dumps(pd->spec);
	char hash[SHA256_HEX];
	struct store_stmt *st;
	json_t *before = NULL, *payload = NULL;
	char *subject = NULL;
	int64_t seq = 0;
	int rc, ret = 0, exists = 0;

	sha256_hex(canon, strlen(canon), hash);
	st = store_prepare(s, "SELECT spec_hash, spec FROM objects WHERE kind = ? AND name = ?",
			   err);
	if (!st) {
		ret = err->code;
		goto cleanup;
	}
	store_bind_text(st, 1, pd->k->kind);
	store_bind_text(st, 2, pd->name);
	rc = store_step(st, err);
	if (rc == STORE_ROW) {
		exists = 1;
		if (!strcmp(store_col_text(st, 0), hash)) {
			store_reset(st);
			result_add(res, pd->k->kind, pd->name, "unchanged", 0);
			res->unchanged++;
			goto cleanup;
		}
		before = json_loads(store_col_text(st, 1), 0, NULL);
	}
	store_reset(st);
	if (rc < 0) {
		ret = rc;
		goto cleanup;
	}
	if (dry_run) {
		result_add(res, pd->k->kind, pd->name, exists ? "updated" : "created", 0);
		exists ? res->updated++ : res->created++;
		goto cleanup;
	}
	if ((ret = pd->k->put(s, pd->spec, err)))
		goto cleanup;
	if (exists) {
		payload = json_pack("{s:s, s:s, s:s, s:o, s:s}", "kind", pd->k->kind,
				    "name", pd->name, "op", "update",
				    "changes", spec_diff(before ? before : json_object(), pd->spec),
				    "spec_hash", hash);
	} else {
		payload = json_pack("{s:s, s:s, s:s, s:O, s:s}", "kind", pd->k->kind,
				    "name", pd->name, "op", "create", "spec", pd->spec,
				    "spec_hash", hash);
	}
	subject = xstrfmt("%s/%s", pd->k->kind, pd->name);
	if ((ret = ledger_append(s, actor, exists ? "apply.update" : "apply.create",
				 subject, payload, &seq, err)))
		goto cleanup;
	st = store_prepare(s, "INSERT INTO objects(kind, name, spec, spec_hash, created_seq,"
			      " updated_seq) VALUES (?, ?, ?, ?, ?, ?)"
			      " ON CONFLICT(kind, name) DO UPDATE SET spec = excluded.spec,"
			      " spec_hash = excluded.spec_hash, updated_seq = excluded.updated_seq",
			   err);
	if (!st) {
		ret = err->code;
		goto cleanup;
	}
	store_bind_text(st, 1, pd->k->kind);
	store_bind_text(st, 2, pd->name);
	store_bind_text(st, 3, canon);
	store_bind_text(st, 4, hash);
	store_bind_int(st, 5, seq);
	store_bind_int(st, 6, seq);
	rc = store_step(st, err);
	store_reset(st);
	if (rc < 0) {
		ret = rc;
		goto cleanup;
	}
	result_add(res, pd->k->kind, pd->name, exists ? "updated" : "created", seq);
	exists ? res->updated++ : res->created++;
cleanup:
	free(canon);
	free(subject);
	json_decref(before);
	json_decref(payload);
	return ret;
}

/*
 * Kinds whose objects others point at are written first, so that typed
 * rows find their targets even where a backend checks immediately.
 */
static int kind_rank(const struct kind_ops *k)
{
	size_t i;

	for (i = 0; i < nkinds; i++)
		if (kinds[i] == k)
			return (int)i;
	return (int)nkinds;
}

static int cmp_pdoc(const void *a, const void *b)
{
	const struct pdoc *x = a, *y = b;
	int rx = kind_rank(x->k), ry = kind_rank(y->k);

	if (rx != ry)
		return rx - ry;
	return strcmp(x->name, y->name);
}

int apply_sources(struct store *s, const struct catalog *cat, const char *actor,
		  const char *const *paths, size_t npaths, const char *buf,
		  size_t len, int dry_run, struct apply_result *res,
		  struct aiv_err *err)
{
	struct batch b;
	size_t i;
	int ret = 0, own_tx = !store_in_tx(s);

	memset(&b, 0, sizeof(b));
	memset(res, 0, sizeof(*res));
	if (npaths == 0)
		return aiv_fail(err, AIV_EINPUT, "nothing to apply: give -f FILE");
	if (buf) {
		ret = load_one(&b, paths[0], buf, len, err);
	} else {
		for (i = 0; i < npaths && !ret; i++)
			ret = load_path(&b, paths[i], err);
	}
	if (ret || (ret = parse_all(&b, cat, err)) || (ret = check_all(s, &b, err)))
		goto cleanup;
	if (b.n == 0) {
		ret = aiv_fail(err, AIV_EINPUT, "nothing to apply: no documents in '%s'",
			       paths[0]);
		goto cleanup;
	}
	qsort(b.docs, b.n, sizeof(*b.docs), cmp_pdoc);
	/* inside a caller's transaction, the caller commits or rolls back */
	if (own_tx && (ret = store_begin(s, err)))
		goto cleanup;
	for (i = 0; i < b.n && !ret; i++)
		ret = write_one(s, actor, &b.docs[i], dry_run, res, err);
	if (!ret && !dry_run && own_tx)
		ret = store_commit(s, err);
	if (ret || dry_run) {
		if (own_tx)
			store_rollback(s);
		if (ret) {
			apply_result_release(res);
			aiv_err_prefix(err, "nothing applied");
		}
	}
cleanup:
	batch_release(&b);
	return ret;
}

/* Does any stored object refer to (kind, name)?  Fills who. */
static int find_referrer(struct store *s, const char *kind, const char *name,
			 char *who, size_t whosz, struct aiv_err *err)
{
	struct store_stmt *st;
	int rc, found = 0;

	st = store_prepare(s, "SELECT kind, name, spec FROM objects ORDER BY kind, name", err);
	if (!st)
		return err->code;
	while (!found && (rc = store_step(st, err)) == STORE_ROW) {
		const struct kind_ops *k = apply_kind(store_col_text(st, 0));
		const struct kind_ref *r;
		json_t *spec;

		if (!k || !k->refs)
			continue;
		spec = json_loads(store_col_text(st, 2), 0, NULL);
		for (r = k->refs; spec && r->field && !found; r++) {
			json_t *v = json_object_get(spec, r->field), *item;
			size_t x;
			if (strcmp(r->target, kind))
				continue;
			if (json_is_string(v) && !strcmp(json_string_value(v), name))
				found = 1;
			json_array_foreach(json_is_array(v) ? v : NULL, x, item)
				if (json_is_string(item) && !strcmp(json_string_value(item), name))
					found = 1;
			if (found)
				snprintf(who, whosz, "%s '%s' (field '%s')", k->singular,
					 store_col_text(st, 1), r->field);
		}
		json_decref(spec);
	}
	store_reset(st);
	if (!found && rc < 0)
		return rc;
	return found;
}

int apply_delete(struct store *s, const char *actor, const char *kind,
		 const char *name, int64_t *seq, struct aiv_err *err)
{
	const struct kind_ops *k = apply_kind(kind);
	struct store_stmt *st;
	json_t *spec = NULL, *payload = NULL;
	char who[256], *subject = NULL;
	int rc, ret;

	if (!k)
		return aiv_fail(err, AIV_EINPUT, "unknown kind '%s'", kind);
	st = store_prepare(s, "SELECT spec FROM objects WHERE kind = ? AND name = ?", err);
	if (!st)
		return err->code;
	store_bind_text(st, 1, k->kind);
	store_bind_text(st, 2, name);
	rc = store_step(st, err);
	if (rc == STORE_ROW)
		spec = json_loads(store_col_text(st, 0), 0, NULL);
	store_reset(st);
	if (rc < 0)
		return rc;
	if (rc != STORE_ROW)
		return aiv_fail(err, AIV_ENOTFOUND, "no %s named '%s'", k->singular, name);
	if ((ret = store_begin(s, err)))
		goto cleanup;
	ret = find_referrer(s, k->kind, name, who, sizeof(who), err);
	if (ret > 0) {
		ret = aiv_fail(err, AIV_ECONFLICT,
			       "cannot delete %s '%s': %s still refers to it",
			       k->singular, name, who);
		goto rollback;
	}
	if (ret < 0 || (ret = k->del(s, name, err)))
		goto rollback;
	st = store_prepare(s, "DELETE FROM objects WHERE kind = ? AND name = ?", err);
	if (!st) {
		ret = err->code;
		goto rollback;
	}
	store_bind_text(st, 1, k->kind);
	store_bind_text(st, 2, name);
	rc = store_step(st, err);
	store_reset(st);
	if (rc < 0) {
		ret = rc;
		goto rollback;
	}
	payload = json_pack("{s:s, s:s, s:s, s:O}", "kind", k->kind, "name", name,
			    "op", "delete", "before", spec);
	subject = xstrfmt("%s/%s", k->kind, name);
	if ((ret = ledger_append(s, actor, "apply.delete", subject, payload, seq, err)))
		goto rollback;
	if ((ret = store_commit(s, err)))
		goto rollback;
	goto cleanup;
rollback:
	store_rollback(s);
cleanup:
	json_decref(spec);
	json_decref(payload);
	free(subject);
	return ret;
}

int apply_get(struct store *s, const struct kind_ops *k, const char *name,
	      json_t **out, struct aiv_err *err)
{
	struct store_stmt *st;
	json_t *arr = json_array();
	int rc;

	st = store_prepare(s, "SELECT spec FROM objects WHERE kind = ? AND (? IS NULL OR name = ?)"
			      " ORDER BY name", err);
	if (!st) {
		json_decref(arr);
		return err->code;
	}
	store_bind_text(st, 1, k->kind);
	store_bind_text(st, 2, name);
	store_bind_text(st, 3, name);
	while ((rc = store_step(st, err)) == STORE_ROW) {
		json_t *spec = json_loads(store_col_text(st, 0), 0, NULL);
		if (spec)
			json_array_append_new(arr, spec);
	}
	store_reset(st);
	if (rc < 0) {
		json_decref(arr);
		return rc;
	}
	if (name && json_array_size(arr) == 0) {
		json_decref(arr);
		return aiv_fail(err, AIV_ENOTFOUND, "no %s named '%s'", k->singular, name);
	}
	*out = arr;
	return 0;
}

static int get_many_row(struct store_stmt *st, void *data)
{
	json_t *spec = json_loads(store_col_text(st, 1), 0, NULL);

	if (spec)
		json_object_set_new(data, store_col_text(st, 0), spec);
	return 0;
}

void apply_get_many_in(const struct kind_ops *k, const char *const *names, size_t n,
		       json_t *by_name, struct store_in *q)
{
	memset(q, 0, sizeof(*q));
	q->head = "SELECT name, spec FROM objects WHERE kind = ? AND name IN ";
	q->arg = k->kind;
	q->tail = "";
	q->keys = names;
	q->n = n;
	q->fn = get_many_row;
	q->data = by_name;
}

int apply_get_many(struct store *s, const struct kind_ops *k, const char *const *names,
		   size_t n, json_t **out, struct aiv_err *err)
{
	json_t *by_name = json_object();
	int ret;

	ret = store_query_in(s, "SELECT name, spec FROM objects WHERE kind = ? AND name IN ",
			     k->kind, "", names, n, get_many_row, by_name, err);
	if (ret) {
		json_decref(by_name);
		return ret;
	}
	*out = by_name;
	return 0;
}

int apply_each_object(struct store *s, const char *kind, apply_object_fn fn, void *data,
	       struct aiv_err *err)
{
	struct store_stmt *st = store_prepare(s, "SELECT name, spec, created_seq, updated_seq"
					      " FROM objects WHERE kind = ? ORDER BY name", err);
	struct apply_object o;
	int rc, stop = 0;

	if (!st)
		return err->code;
	store_bind_text(st, 1, kind);
	while (!stop && (rc = store_step(st, err)) == STORE_ROW) {
		o.name = store_col_text(st, 0);
		o.spec = store_col_text(st, 1);
		o.created_seq = store_col_int(st, 2);
		o.updated_seq = store_col_int(st, 3);
		stop = fn(&o, data);
	}
	store_reset(st);
	return stop ? stop : rc < 0 ? rc : 0;
}

static int add_spec(const struct apply_object *o, void *data)
{
	json_t *spec = json_loads(o->spec, 0, NULL);

	if (spec)
		json_array_append_new(data, spec);
	return 0;
}

int apply_object_specs(struct store *s, const char *kind, json_t **out, struct aiv_err *err)
{
	json_t *arr = json_array();
	int ret = apply_each_object(s, kind, add_spec, arr, err);

	if (ret) {
		json_decref(arr);
		*out = NULL;
		return ret;
	}
	*out = arr;
	return 0;
}

int apply_objects_mark(struct store *s, int64_t *max_seq, int64_t *count,
		       struct aiv_err *err)
{
	/* two subqueries: max() seeks the end of objects_updated, count(*) counts it */
	struct store_stmt *st = store_prepare(s, "SELECT (SELECT coalesce(max(updated_seq), 0)"
					      " FROM objects), (SELECT count(*) FROM objects)", err);
	int rc;

	*max_seq = *count = 0;
	if (!st)
		return err->code;
	if ((rc = store_step(st, err)) == STORE_ROW) {
		*max_seq = store_col_int(st, 0);
		*count = store_col_int(st, 1);
	}
	store_reset(st);
	return rc < 0 ? rc : 0;
}

int apply_bound_spec_load(struct store *s, const char *kind, const char *name,
			  const struct ledger_bound_object *o, json_t **spec,
			  struct aiv_err *err)
{
	struct store_stmt *st = store_prepare(s, "SELECT spec FROM objects WHERE kind = ?"
					      " AND name = ?", err);
	int rc;

	*spec = NULL;
	if (!st)
		return err->code;
	store_bind_text(st, 1, kind);
	store_bind_text(st, 2, name);
	if ((rc = store_step(st, err)) == STORE_ROW &&
	    ledger_bound_spec_ok(o, store_col_text(st, 0), store_col_bytes(st, 0)))
		*spec = json_loadb(store_col_text(st, 0), store_col_bytes(st, 0), 0, NULL);
	store_reset(st);
	return rc < 0 ? rc : 0;
}
