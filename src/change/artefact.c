/*
 * artefact.c - the Artefact kind for `aivalue apply`; see artefact.h.
 *
 * A document looks like
 *
 *     kind: Artefact
 *     name: SOP-12
 *     type: sop                 # sop policy contract requirement code form test report
 *     title: Claims intake
 *     owner: claims-team        # a Person or a Team
 *     version: 3                # optional; 1 when created
 *     path: sop-12.md           # relative to this YAML file; or uri: + fingerprint:
 *     depends_on:
 *       - POL-7                 # bare id: type derives-from
 *       - { id: CON-2, type: references }
 *
 * The canonical spec keeps depends_on as the list of ids (so the apply
 * engine checks them like any other reference, with its located "unknown
 * artefact" error and its delete protection) and edge_types as a map id ->
 * type.  The fingerprint is the SHA-256 of the file at `path` when there
 * is one (computed here, so a stale value cannot be declared), else the
 * one given.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "artefact.h"
#include "core/cjson.h"
#include "org/org.h"
#include "org/people.h"

const char *const artefact_types[] = { "sop", "policy", "contract", "requirement",
				       "code", "form", "test", "report", NULL };
const char *const artefact_edge_types[] = { "derives-from", "implements", "references",
					    "verifies", "governed-by", NULL };

static int in_list(const char *const *l, const char *s)
{
	for (; s && *l; l++)
		if (!strcmp(*l, s))
			return 1;
	return 0;
}

int artefact_type_ok(const char *t)
{
	return in_list(artefact_types, t);
}

int artefact_edge_type_ok(const char *t)
{
	return in_list(artefact_edge_types, t);
}

int artefact_edge_forbids_cycle(const char *type)
{
	return strcmp(type, "references") != 0;
}

static int is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_alnum(char c)
{
	return is_alpha(c) || (c >= '0' && c <= '9');
}

int artefact_valid_id(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > 64 || !is_alpha(s[0]))
		return 0;
	for (i = 1; i < n; i++) {
		if (is_alnum(s[i]))
			continue;
		if ((s[i] == '-' || s[i] == '_' || s[i] == '.') && i + 1 < n &&
		    is_alnum(s[i + 1]))
			continue;
		return 0;
	}
	return 1;
}

int artefact_file_fingerprint(const char *path, char out[SHA256_HEX],
			      struct aiv_err *err)
{
	struct sha256_ctx c;
	uint8_t md[SHA256_LEN], buf[65536];
	size_t n, total = 0;
	FILE *f = fopen(path, "rb");

	if (!f)
		return aiv_fail(err, AIV_EIO, "cannot read '%s': %s", path, strerror(errno));
	sha256_init(&c);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		total += n;
		if (total > ARTEFACT_MAX_CONTENT) {
			sha256_final(&c, md);
			fclose(f);
			return aiv_fail(err, AIV_ETOOBIG, "'%s': larger than %u MiB", path,
					ARTEFACT_MAX_CONTENT >> 20);
		}
		sha256_update(&c, buf, n);
	}
	sha256_final(&c, md);
	if (ferror(f)) {
		fclose(f);
		return aiv_fail(err, AIV_EIO, "cannot read '%s'", path);
	}
	fclose(f);
	hex_encode(md, SHA256_LEN, out);
	return 0;
}

int artefact_owner_kind(struct store *s, const char *owner,
			const char **owner_kind, struct aiv_err *err)
{
	int rc;

	if ((rc = org_is_person(s, owner, err)) < 0)
		return rc;
	if (rc) {
		*owner_kind = "Person";
		return 0;
	}
	if ((rc = org_is_team(s, owner, err)) < 0)
		return rc;
	if (rc) {
		*owner_kind = "Team";
		return 0;
	}
	return aiv_fail(err, AIV_EINPUT, "owner '%s' is neither a person nor a team", owner);
}

/* dir of `file` joined with `rel` (rel as is when absolute or no dir); caller frees. */
static char *resolve_path(const char *file, const char *rel)
{
	const char *slash = file ? strrchr(file, '/') : NULL;

	if (rel[0] == '/' || !slash || !strcmp(file, "(stdin)"))
		return xstrdup(rel);
	return xstrfmt("%.*s/%s", (int)(slash - file), file, rel);
}

static int is_hex64(const char *s)
{
	return strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

static int str_field(const struct ypos *p, struct fy_node *doc, const char *key,
		     int required, json_t *spec, const char *what)
{
	const char *v = NULL;
	int ret = yget_str(p, doc, key, required, &v, what);
	json_t *js;

	if (ret || !v)
		return ret;
	if (!*v)
		return yfail(p, yget(doc, key), AIV_EINPUT, "%s: field '%s' is empty", what, key);
	js = json_string(v);
	if (!js)
		return yfail(p, yget(doc, key), AIV_EINPUT,
			     "%s: field '%s' is not valid UTF-8", what, key);
	json_object_set_new(spec, key, js);
	return 0;
}

int artefact_parse_depends(const struct ypos *p, struct fy_node *doc, json_t *spec,
			   const char *what)
{
	static const char *const keys[] = { "id", "type", NULL };
	struct fy_node *seq = NULL, *item;
	json_t *ids, *types;
	void *it = NULL;
	int ret;

	if ((ret = yget_seq(p, doc, "depends_on", 0, &seq, what)) || !seq)
		return ret;
	ids = json_array();
	types = json_object();
	while ((item = fy_node_sequence_iterate(seq, &it)) != NULL) {
		const char *id = NULL, *type = ARTEFACT_DEFAULT_EDGE;
		struct fy_node *at = item;

		if (fy_node_is_scalar(item)) {
			id = ytext(item);
		} else if (fy_node_is_mapping(item)) {
			if ((ret = ycheck_keys(p, item, keys, what)) ||
			    (ret = yget_str(p, item, "id", 1, &id, what)) ||
			    (ret = yget_str(p, item, "type", 0, &type, what)))
				goto fail;
			at = yget(item, "id");
		} else {
			ret = yfail(p, item, AIV_EINPUT,
				    "%s: items of 'depends_on' must be ids or {id, type}", what);
			goto fail;
		}
		if (!id || !artefact_valid_id(id)) {
			ret = yfail(p, at, AIV_EINPUT, "%s: depends_on: '%s' is not an artefact id",
				    what, id ? id : "");
			goto fail;
		}
		if (!artefact_edge_type_ok(type)) {
			ret = yfail(p, yget(item, "type"), AIV_EINPUT,
				    "%s: depends_on '%s': edge type '%s' is not one of "
				    "derives-from, implements, references, verifies, governed-by",
				    what, id, type);
			goto fail;
		}
		if (!strcmp(id, json_str(spec, "name"))) {
			ret = yfail(p, at, AIV_EINPUT, "%s: an artefact cannot depend on itself",
				    what);
			goto fail;
		}
		if (json_object_get(types, id)) {
			ret = yfail(p, at, AIV_EINPUT, "%s: depends_on lists '%s' twice", what, id);
			goto fail;
		}
		json_array_append_new(ids, json_string(id));
		json_object_set_new(types, id, json_string(type));
	}
	if (json_array_size(ids)) {
		json_object_set_new(spec, "depends_on", ids);
		json_object_set_new(spec, "edge_types", types);
	} else {
		json_decref(ids);
		json_decref(types);
	}
	return 0;
fail:
	json_decref(ids);
	json_decref(types);
	return ret;
}

static int artefact_parse(const struct ypos *p, struct fy_node *doc,
			  const struct catalog *cat, json_t **out)
{
	static const char *const keys[] = { "kind", "name", "type", "title", "owner",
					    "version", "path", "uri", "fingerprint",
					    "depends_on", NULL };
	json_t *spec = json_object();
	const char *name = NULL, *fp = NULL;
	long long version = 0;
	char what[200], hex[SHA256_HEX];
	int ret;

	(void)cat;
	snprintf(what, sizeof(what), "artefact");
	if ((ret = ycheck_keys(p, doc, keys, what)) ||
	    (ret = yget_str(p, doc, "name", 1, &name, what)))
		goto fail;
	if (!artefact_valid_id(name)) {
		ret = yfail(p, yget(doc, "name"), AIV_EINPUT,
			    "artefact: id '%s' must be a letter, then letters and digits, "
			    "with single '-', '_' or '.' between them (e.g. POL-7; at most 64)",
			    name);
		goto fail;
	}
	snprintf(what, sizeof(what), "artefact '%s'", name);
	json_object_set_new(spec, "name", json_string(name));
	if ((ret = str_field(p, doc, "type", 1, spec, what)) ||
	    (ret = str_field(p, doc, "title", 1, spec, what)) ||
	    (ret = str_field(p, doc, "owner", 1, spec, what)) ||
	    (ret = str_field(p, doc, "path", 0, spec, what)) ||
	    (ret = str_field(p, doc, "uri", 0, spec, what)) ||
	    (ret = yget_str(p, doc, "fingerprint", 0, &fp, what)) ||
	    (ret = yget_int(p, doc, "version", 0, &version, what)))
		goto fail;
	if (!artefact_type_ok(json_str(spec, "type"))) {
		ret = yfail(p, yget(doc, "type"), AIV_EINPUT,
			    "%s: type '%s' is not one of sop, policy, contract, requirement, "
			    "code, form, test, report", what, json_str(spec, "type"));
		goto fail;
	}
	if (!org_valid_name(json_str(spec, "owner"))) {
		ret = yfail(p, yget(doc, "owner"), AIV_EINPUT,
			    "%s: owner '%s' is not a person or team name", what,
			    json_str(spec, "owner"));
		goto fail;
	}
	if (yget(doc, "version")) {
		if (version < 1 || version > 1000000000) {
			ret = yfail(p, yget(doc, "version"), AIV_EINPUT,
				    "%s: version must be a positive integer, not %lld", what,
				    version);
			goto fail;
		}
		json_object_set_new(spec, "version", json_integer(version));
	}
	if (json_str(spec, "path") && json_str(spec, "uri")) {
		ret = yfail(p, yget(doc, "uri"), AIV_EINPUT,
			    "%s: give either 'path' or 'uri', not both", what);
		goto fail;
	}
	if (fp && !is_hex64(fp)) {
		ret = yfail(p, yget(doc, "fingerprint"), AIV_EINPUT,
			    "%s: fingerprint must be 64 lowercase hex digits (SHA-256)", what);
		goto fail;
	}
	if (json_str(spec, "path")) {
		char *full = resolve_path(p->file, json_str(spec, "path"));
		ret = artefact_file_fingerprint(full, hex, p->err);
		if (ret) {
			char msg[AIV_ERR_MSG];
			snprintf(msg, sizeof(msg), "%s", p->err->msg);
			ret = yfail(p, yget(doc, "path"), ret, "%s: %s", what, msg);
			free(full);
			goto fail;
		}
		json_object_set_new(spec, "path", json_string(full));
		free(full);
		if (fp && strcmp(fp, hex)) {
			ret = yfail(p, yget(doc, "fingerprint"), AIV_EINPUT,
				    "%s: fingerprint does not match the content of '%s' (%s)",
				    what, json_str(spec, "path"), hex);
			goto fail;
		}
		fp = hex;
	}
	if (!fp) {
		ret = yfail(p, doc, AIV_EINPUT,
			    "%s: needs 'path' (a file to fingerprint) or 'fingerprint'", what);
		goto fail;
	}
	json_object_set_new(spec, "fingerprint", json_string(fp));
	if ((ret = artefact_parse_depends(p, doc, spec, what)))
		goto fail;
	*out = spec;
	return 0;
fail:
	json_decref(spec);
	return ret;
}

static int step_done(struct store_stmt *st, struct aiv_err *err)
{
	int rc = store_step(st, err);

	store_reset(st);
	return rc < 0 ? rc : 0;
}

/*
 * One level of a breadth-first walk: every node of *frontier is expanded
 * over cycle-forbidding edges (forward: src -> dst, what it depends on;
 * backward: dst -> src, what depends on it); nodes not yet in `seen` are
 * added to it and form the new *frontier.  *hit is set when a new node is
 * in `other` (the other side's seen set).
 */
static int walk_level(struct store *s, int forward, json_t **frontier, json_t *seen,
		      const json_t *other, int *hit, struct aiv_err *err)
{
	struct store_stmt *st = store_prepare(s, forward
		? "SELECT dst FROM artefact_edges WHERE src = ? AND type <> 'references'"
		: "SELECT src FROM artefact_edges WHERE dst = ? AND type <> 'references'", err);
	json_t *next = json_array(), *v;
	size_t i;
	int rc = 0;

	if (!st) {
		json_decref(next);
		return err->code;
	}
	json_array_foreach(*frontier, i, v) {
		store_bind_text(st, 1, json_string_value(v));
		while ((rc = store_step(st, err)) == STORE_ROW) {
			const char *n = store_col_text(st, 0);
			if (json_object_get(seen, n))
				continue;
			json_object_set_new(seen, n, json_true());
			json_array_append_new(next, json_string(n));
			if (json_object_get(other, n))
				*hit = 1;
		}
		store_reset(st);
		if (rc < 0 || *hit)
			break;
	}
	json_decref(*frontier);
	*frontier = next;
	return rc < 0 ? rc : 0;
}

/*
 * Does `from` reach `to` over cycle-forbidding edges (after this put)?
 *
 * Searched from both ends at once: forward from `from` (what it depends
 * on) and backward from `to` (what depends on it), always expanding the
 * side with the smaller frontier (on a tie, the side that has seen
 * fewer nodes, so both ends advance) until the two meet or one side runs
 * out.  A recursive query from `from` alone walked everything upstream,
 * so registering a 5,000-deep chain in order took O(n^2) steps; here a
 * new artefact that nothing depends on yet stops after one lookup, and
 * joining two long chains costs the shorter one.
 */
static int reaches(struct store *s, const char *from, const char *to, int *yes,
		   struct aiv_err *err)
{
	json_t *fseen = json_object(), *bseen = json_object();
	json_t *ffront = json_array(), *bfront = json_array();
	int ret = 0, hit = 0;

	*yes = !strcmp(from, to);
	json_object_set_new(fseen, from, json_true());
	json_object_set_new(bseen, to, json_true());
	json_array_append_new(ffront, json_string(from));
	json_array_append_new(bfront, json_string(to));
	while (!*yes && !hit && json_array_size(ffront) && json_array_size(bfront)) {
		size_t nf = json_array_size(ffront), nb = json_array_size(bfront);
		/* the smaller frontier; on a tie the side that has seen less */
		int forward = nf != nb ? nf < nb
				       : json_object_size(fseen) <= json_object_size(bseen);
		if (forward)
			ret = walk_level(s, 1, &ffront, fseen, bseen, &hit, err);
		else
			ret = walk_level(s, 0, &bfront, bseen, fseen, &hit, err);
		if (ret)
			break;
	}
	if (hit)
		*yes = 1;
	json_decref(fseen);
	json_decref(bseen);
	json_decref(ffront);
	json_decref(bfront);
	return ret;
}

static int artefact_put(struct store *s, const json_t *spec, struct aiv_err *err)
{
	const char *id = json_str(spec, "name"), *owner_kind = NULL, *key;
	const char *fp = json_str(spec, "fingerprint");
	json_t *types = json_object_get(spec, "edge_types"), *v;
	json_t *jver = json_object_get(spec, "version");
	int64_t version = jver ? json_integer_value(jver) : 1;
	struct store_stmt *st;
	int rc, ret;

	if ((ret = artefact_owner_kind(s, json_str(spec, "owner"), &owner_kind, err))) {
		aiv_err_prefix(err, "artefact '%s'", id);
		return ret;
	}
	st = store_prepare(s, "SELECT version, fingerprint FROM artefacts WHERE id = ?", err);
	if (!st)
		return err->code;
	store_bind_text(st, 1, id);
	rc = store_step(st, err);
	if (rc == STORE_ROW) {
		int64_t cur = store_col_int(st, 0);
		int same_fp = !strcmp(store_col_text(st, 1), fp);
		store_reset(st);
		if (jver && version != cur)
			return aiv_fail(err, AIV_ECONFLICT,
					"artefact '%s': the file says version %lld but the store "
					"has version %lld; content changes go through 'aivalue "
					"change open'", id, (long long)version, (long long)cur);
		if (!same_fp)
			return aiv_fail(err, AIV_ECONFLICT,
					"artefact '%s': content changed (fingerprint %.12s...) "
					"since version %lld; content changes go through 'aivalue "
					"change open'", id, fp, (long long)cur);
		version = cur;
	} else {
		store_reset(st);
		if (rc < 0)
			return rc;
	}
	st = store_prepare(s,
		"INSERT INTO artefacts(id, type, title, owner, owner_kind, version, path, uri,"
		" fingerprint, num) VALUES (?,?,?,?,?,?,?,?,?,"
		" (SELECT coalesce(max(num), 0) + 1 FROM artefacts)) ON CONFLICT(id) DO UPDATE SET"
		" type = excluded.type, title = excluded.title, owner = excluded.owner,"
		" owner_kind = excluded.owner_kind, path = excluded.path, uri = excluded.uri",
		err);
	if (!st)
		return err->code;
	store_bind_text(st, 1, id);
	store_bind_text(st, 2, json_str(spec, "type"));
	store_bind_text(st, 3, json_str(spec, "title"));
	store_bind_text(st, 4, json_str(spec, "owner"));
	store_bind_text(st, 5, owner_kind);
	store_bind_int(st, 6, version);
	store_bind_text(st, 7, json_str(spec, "path"));
	store_bind_text(st, 8, json_str(spec, "uri"));
	store_bind_text(st, 9, fp);
	if ((ret = step_done(st, err)))
		return ret;
	/* edges written before this artefact (same apply) get its number now */
	st = store_prepare(s, "UPDATE artefact_edges SET dst_num = (SELECT num FROM artefacts"
			   " WHERE id = ?) WHERE dst = ? AND dst_num IS NULL", err);
	if (!st)
		return err->code;
	store_bind_text(st, 1, id);
	store_bind_text(st, 2, id);
	if ((ret = step_done(st, err)))
		return ret;
	st = store_prepare(s, "DELETE FROM artefact_edges WHERE src = ?", err);
	if (!st)
		return err->code;
	store_bind_text(st, 1, id);
	if ((ret = step_done(st, err)))
		return ret;
	json_object_foreach(types, key, v) {
		/* the ends' numbers let graph_load skip id lookups (migration 7) */
		st = store_prepare(s, "INSERT INTO artefact_edges(src, dst, type, src_num, dst_num)"
				   " VALUES (?,?,?,(SELECT num FROM artefacts WHERE id = ?),"
				   " (SELECT num FROM artefacts WHERE id = ?))", err);
		if (!st)
			return err->code;
		store_bind_text(st, 1, id);
		store_bind_text(st, 2, key);
		store_bind_text(st, 3, json_string_value(v));
		store_bind_text(st, 4, id);
		store_bind_text(st, 5, key);
		if ((ret = step_done(st, err)))
			return ret;
	}
	/* a cycle through this artefact over cycle-forbidding edges? */
	json_object_foreach(types, key, v) {
		int yes = 0;
		if (!artefact_edge_forbids_cycle(json_string_value(v)))
			continue;
		if ((ret = reaches(s, key, id, &yes, err)))
			return ret;
		if (yes)
			return aiv_fail(err, AIV_EINPUT,
					"artefact '%s': depends_on '%s' (%s) closes a cycle; "
					"only 'references' edges may form cycles "
					"(see 'aivalue graph cycles')", id, key,
					json_string_value(v));
	}
	return 0;
}

static int artefact_del(struct store *s, const char *name, struct aiv_err *err)
{
	static const char *const sql[] = {
		"DELETE FROM artefact_edges WHERE src = ?",
		"UPDATE artefact_edges SET dst_num = NULL WHERE dst = ?",
		"DELETE FROM artefacts WHERE id = ?",
	};
	size_t i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(sql); i++) {
		struct store_stmt *st = store_prepare(s, sql[i], err);
		if (!st)
			return err->code;
		store_bind_text(st, 1, name);
		if ((ret = step_done(st, err)))
			return ret;
	}
	return 0;
}

static const struct kind_ref artefact_refs[] = {
	{ "depends_on", "Artefact" }, { NULL, NULL } };
static const char *const artefact_cols[] = { "name", "type", "version", "owner", "title",
					     NULL };

const struct kind_ops change_artefact_kind = {
	"Artefact", "artefacts", "artefact", artefact_parse, artefact_put, artefact_del,
	artefact_refs, artefact_cols,
};

void change_register_kinds(void)
{
	apply_register(&change_artefact_kind);
	change_state_register();
}
