/*
 * org_read.c - directory exports into struct org_directory (org_import.h).
 *
 * Four readers, one record shape:
 *
 *   entra-users  Microsoft Graph GET /users: {"value": [user...]} per page,
 *                or a saved array of pages or of users.  A page whose
 *                "@odata.nextLink" is not followed by another file means
 *                the export is incomplete: an error, since absence would
 *                then mark people as leavers.  manager is read when the
 *                export used $expand=manager ({"id": ...} or null).
 *   okta-users   GET /api/v1/users: [user...], profile.* fields; status
 *                SUSPENDED or DEPROVISIONED is inactive.
 *   scim         RFC 7644 ListResponse pages: Resources[] of Users (RFC 7643
 *                core and enterprise extension) and Groups (members[]);
 *                totalResults larger than what the files hold is an error,
 *                for the same reason as a dangling nextLink.
 *   csv          one row per user through the project's CSV reader, with
 *                columns named by the mapping file's `columns`.
 *
 * A field of the wrong JSON type is bad input (an error naming the file,
 * the record and the field); a user that cannot be named (no login and
 * no email) is skipped with its reason, as every importer's tally does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/banned.h"
#include "core/hash.h"
#include "ingest/csvread.h"
#include "ingest/org_import.h"

#define SCIM_ENTERPRISE "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

struct rctx {
	struct org_directory *dir;
	struct sha256_ctx h;
	const char *file;
	long record;
	struct aiv_err *err;
};

static void user_release(struct org_user *u)
{
	free(u->id);
	free(u->login);
	free(u->email);
	free(u->display);
	free(u->title);
	free(u->department);
	free(u->office);
	free(u->manager);
	free(u->group);
}

void org_directory_release(struct org_directory *dir)
{
	size_t i;

	for (i = 0; i < dir->n; i++)
		user_release(&dir->users[i]);
	free(dir->users);
	tally_release(&dir->tally);
	memset(dir, 0, sizeof(*dir));
}

static int bad(struct rctx *c, const char *field, const char *what)
{
	return aiv_fail(c->err, AIV_EINPUT, "cannot import '%s': record %ld, field '%s': %s",
			c->file, c->record, field, what);
}

/*
 * *out = a copy of o's string field `key` (dotted path "a.b" allowed), or
 * NULL when absent, null or empty.  Any other type is bad input.
 */
static int get_str(struct rctx *c, const json_t *o, const char *key, char **out)
{
	const char *dot = strchr(key, '.');
	json_t *v;

	*out = NULL;
	if (dot) {
		char head[64];
		snprintf(head, sizeof(head), "%.*s", (int)(dot - key), key);
		v = json_object_get(o, head);
		if (!v || json_is_null(v))
			return 0;
		if (!json_is_object(v))
			return bad(c, head, "not an object");
		return get_str(c, v, dot + 1, out);
	}
	v = json_object_get(o, key);
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return bad(c, key, "not a string");
	if (json_string_length(v))
		*out = xstrdup(json_string_value(v));
	return 0;
}

/* *out = o's boolean `key`; absent or null leaves *out and sets *missing. */
static int get_bool(struct rctx *c, const json_t *o, const char *key, int *out, int *missing)
{
	json_t *v = json_object_get(o, key);

	*missing = !v || json_is_null(v);
	if (*missing)
		return 0;
	if (!json_is_boolean(v))
		return bad(c, key, "not true or false");
	*out = json_is_true(v);
	return 0;
}

static struct org_user *new_user(struct rctx *c)
{
	struct org_directory *d = c->dir;
	struct org_user *u;

	ALLOC_GROW(d->users, d->n + 1, d->alloc);
	u = &d->users[d->n++];
	memset(u, 0, sizeof(*u));
	u->file = c->file;
	u->record = c->record;
	u->active = 1;
	return u;
}

/* Keep u, or skip it when it cannot be named; 0 or an error (strict tallies). */
static int keep_or_skip(struct rctx *c, struct org_user *u)
{
	char where[300];

	if (u->login || u->email) {
		c->dir->tally.used++;
		return 0;
	}
	snprintf(where, sizeof(where), "%s record %ld", c->file, c->record);
	user_release(u);
	c->dir->n--;
	return tally_skip(&c->dir->tally, "no login and no email", where, c->err);
}

static char *join_name(const char *a, const char *b)
{
	if (a && b)
		return xstrfmt("%s %s", a, b);
	return a ? xstrdup(a) : b ? xstrdup(b) : NULL;
}

/* ---- Microsoft Graph /users ---------------------------------------- */

static int graph_user(struct rctx *c, const json_t *o)
{
	struct org_user *u;
	int missing = 0, ret;
	json_t *mgr;

	c->dir->tally.read++;
	if (!json_is_object(o))
		return bad(c, "value", "a user is not an object");
	u = new_user(c);
	if ((ret = get_str(c, o, "id", &u->id)) ||
	    (ret = get_str(c, o, "userPrincipalName", &u->login)) ||
	    (ret = get_str(c, o, "mail", &u->email)) ||
	    (ret = get_str(c, o, "displayName", &u->display)) ||
	    (ret = get_str(c, o, "jobTitle", &u->title)) ||
	    (ret = get_str(c, o, "department", &u->department)) ||
	    (ret = get_str(c, o, "officeLocation", &u->office)) ||
	    (ret = get_bool(c, o, "accountEnabled", &u->active, &missing)))
		return ret;
	if (!u->id)
		return bad(c, "id", "missing: every Graph user has an id");
	if (missing) {
		char where[300];
		snprintf(where, sizeof(where), "%s record %ld", c->file, c->record);
		tally_assume(&c->dir->tally, "accountEnabled not selected: the account is enabled",
			     where);
	}
	mgr = json_object_get(o, "manager");
	if (mgr && !json_is_null(mgr)) {
		if (!json_is_object(mgr))
			return bad(c, "manager", "not an object (export with $expand=manager)");
		if ((ret = get_str(c, mgr, "id", &u->manager)))
			return ret;
	}
	return keep_or_skip(c, u);
}

/* One page object {"value": [...], "@odata.nextLink"?}; *next = it has one. */
static int graph_page(struct rctx *c, const json_t *page, int *next)
{
	json_t *value = json_object_get(page, "value"), *u;
	size_t i;
	int ret;

	if (!json_is_array(value))
		return aiv_fail(c->err, AIV_EINPUT, "cannot import '%s': field 'value': not an "
				"array of users (a Graph /users response is {\"value\": [...]})",
				c->file);
	*next = json_is_string(json_object_get(page, "@odata.nextLink"));
	json_array_foreach(value, i, u) {
		c->record++;
		if ((ret = graph_user(c, u)))
			return ret;
	}
	return 0;
}

static int read_graph(struct rctx *c, const json_t *doc, int last)
{
	int next = 0, ret;
	size_t i;
	json_t *e;

	if (json_is_object(doc)) {
		if ((ret = graph_page(c, doc, &next)))
			return ret;
	} else if (json_is_array(doc)) {
		/* pages saved as one array, or the users themselves */
		json_array_foreach(doc, i, e) {
			if (json_is_object(e) && json_object_get(e, "value")) {
				if ((ret = graph_page(c, e, &next)))
					return ret;
			} else {
				next = 0;
				c->record++;
				if ((ret = graph_user(c, e)))
					return ret;
			}
		}
	} else {
		return aiv_fail(c->err, AIV_EINPUT, "cannot import '%s': not a Graph /users "
				"response (an object with 'value')", c->file);
	}
	if (next && last)
		return aiv_fail(c->err, AIV_EINPUT, "cannot import '%s': field '@odata.nextLink': "
				"the export goes on in a page that was not given; save every page "
				"(an incomplete export would mark the missing people as leavers)",
				c->file);
	return 0;
}

/* ---- Okta /api/v1/users ---------------------------------------------- */

static int okta_user(struct rctx *c, const json_t *o)
{
	struct org_user *u;
	char *status = NULL, *first = NULL, *last = NULL;
	int ret;

	c->dir->tally.read++;
	if (!json_is_object(o))
		return bad(c, "user", "not an object");
	if (json_object_get(o, "profile") && !json_is_object(json_object_get(o, "profile")))
		return bad(c, "profile", "not an object");
	u = new_user(c);
	if ((ret = get_str(c, o, "id", &u->id)) ||
	    (ret = get_str(c, o, "status", &status)) ||
	    (ret = get_str(c, o, "profile.login", &u->login)) ||
	    (ret = get_str(c, o, "profile.email", &u->email)) ||
	    (ret = get_str(c, o, "profile.displayName", &u->display)) ||
	    (ret = get_str(c, o, "profile.firstName", &first)) ||
	    (ret = get_str(c, o, "profile.lastName", &last)) ||
	    (ret = get_str(c, o, "profile.title", &u->title)) ||
	    (ret = get_str(c, o, "profile.department", &u->department)) ||
	    (ret = get_str(c, o, "profile.managerId", &u->manager)))
		goto out;
	if (!u->id) {
		ret = bad(c, "id", "missing: every Okta user has an id");
		goto out;
	}
	if (!u->display)
		u->display = join_name(first, last);
	/* SUSPENDED and DEPROVISIONED users cannot sign in: they have left */
	u->active = !status || (strcmp(status, "SUSPENDED") && strcmp(status, "DEPROVISIONED"));
	ret = keep_or_skip(c, u);
out:
	free(status);
	free(first);
	free(last);
	return ret;
}

static int read_okta(struct rctx *c, const json_t *doc)
{
	json_t *u;
	size_t i;
	int ret;

	if (!json_is_array(doc))
		return aiv_fail(c->err, AIV_EINPUT, "cannot import '%s': not an Okta users list "
				"(a JSON array of users)", c->file);
	json_array_foreach(doc, i, u) {
		c->record++;
		if ((ret = okta_user(c, u)))
			return ret;
	}
	return 0;
}

/* ---- SCIM 2.0 ListResponse ------------------------------------------- */

static int has_schema(const json_t *o, const char *suffix)
{
	json_t *sch = json_object_get(o, "schemas"), *v;
	size_t i, n = strlen(suffix);

	json_array_foreach(sch, i, v) {
		const char *s = json_string_value(v);
		size_t l = s ? strlen(s) : 0;
		if (l >= n && !strcmp(s + l - n, suffix))
			return 1;
	}
	return 0;
}

static int scim_user(struct rctx *c, const json_t *o)
{
	struct org_user *u = new_user(c);
	json_t *emails, *e, *ent;
	int missing, ret;
	size_t i;

	if ((ret = get_str(c, o, "id", &u->id)) ||
	    (ret = get_str(c, o, "userName", &u->login)) ||
	    (ret = get_str(c, o, "displayName", &u->display)) ||
	    (ret = get_str(c, o, "title", &u->title)) ||
	    (ret = get_bool(c, o, "active", &u->active, &missing)))
		return ret;
	if (!u->id)
		return bad(c, "id", "missing: a SCIM resource has an id (RFC 7643 3.1)");
	if (!u->display && (ret = get_str(c, o, "name.formatted", &u->display)))
		return ret;
	if (!u->display) {
		char *g = NULL, *f = NULL;
		if (!(ret = get_str(c, o, "name.givenName", &g)))
			ret = get_str(c, o, "name.familyName", &f);
		u->display = join_name(g, f);
		free(g);
		free(f);
		if (ret)
			return ret;
	}
	emails = json_object_get(o, "emails");
	if (emails && !json_is_array(emails))
		return bad(c, "emails", "not an array");
	/* the primary address, else the first (RFC 7643 2.4: at most one primary) */
	json_array_foreach(emails, i, e) {
		char *v = NULL;
		if (!json_is_object(e))
			return bad(c, "emails", "an item is not an object");
		if ((ret = get_str(c, e, "value", &v)))
			return ret;
		if (v && (!u->email || json_is_true(json_object_get(e, "primary")))) {
			free(u->email);
			u->email = v;
		} else {
			free(v);
		}
	}
	ent = json_object_get(o, SCIM_ENTERPRISE);
	if (ent && !json_is_null(ent)) {
		json_t *m;
		if (!json_is_object(ent))
			return bad(c, SCIM_ENTERPRISE, "not an object");
		if ((ret = get_str(c, ent, "department", &u->department)))
			return ret;
		m = json_object_get(ent, "manager");
		if (m && !json_is_null(m)) {
			if (!json_is_object(m))
				return bad(c, SCIM_ENTERPRISE ".manager", "not an object");
			if ((ret = get_str(c, m, "value", &u->manager)))
				return ret;
		}
	}
	return keep_or_skip(c, u);
}

/* Groups come after users are read: give each member its first group. */
static int scim_groups(struct rctx *c, json_t *groups)
{
	json_t *g, *m, *members, *by_id = json_object();
	size_t i, j;
	int ret = 0;

	for (i = 0; i < c->dir->n; i++)
		json_object_set_new(by_id, c->dir->users[i].id, json_integer((json_int_t)i));
	json_array_foreach(groups, i, g) {
		char *name = NULL;
		c->file = json_string_value(json_object_get(g, "_file"));
		c->record = (long)json_integer_value(json_object_get(g, "_record"));
		if ((ret = get_str(c, g, "displayName", &name)))
			break;
		if (!name) {
			ret = bad(c, "displayName", "missing: a Group needs one (RFC 7643 4.2)");
			break;
		}
		members = json_object_get(g, "members");
		if (members && !json_is_array(members)) {
			free(name);
			ret = bad(c, "members", "not an array");
			break;
		}
		json_array_foreach(members, j, m) {
			const char *v = json_string_value(json_object_get(m, "value"));
			json_t *k = v ? json_object_get(by_id, v) : NULL;
			struct org_user *u = k ? &c->dir->users[json_integer_value(k)] : NULL;
			if (u && !u->group)
				u->group = xstrdup(name);
		}
		free(name);
	}
	json_decref(by_id);
	return ret;
}

static int read_scim(struct rctx *c, const json_t *doc, json_t *groups, long *total)
{
	json_t *res = json_object_get(doc, "Resources"), *r, *tr;
	size_t i;
	int ret;

	if (!json_is_object(doc) || !has_schema(doc, ":ListResponse"))
		return aiv_fail(c->err, AIV_EINPUT, "cannot import '%s': field 'schemas': not a "
				"SCIM ListResponse (urn:ietf:params:scim:api:messages:2.0:ListResponse)",
				c->file);
	tr = json_object_get(doc, "totalResults");
	if (tr && !json_is_integer(tr))
		return aiv_fail(c->err, AIV_EINPUT, "cannot import '%s': field 'totalResults': "
				"not an integer", c->file);
	if (tr && json_integer_value(tr) > *total)
		*total = (long)json_integer_value(tr);
	if (res && !json_is_array(res))
		return aiv_fail(c->err, AIV_EINPUT, "cannot import '%s': field 'Resources': not "
				"an array", c->file);
	json_array_foreach(res, i, r) {
		c->record++;
		if (!json_is_object(r))
			return bad(c, "Resources", "a resource is not an object");
		if (has_schema(r, ":core:2.0:Group")) {
			json_t *g = json_deep_copy(r);
			json_object_set_new(g, "_file", json_string(c->file));
			json_object_set_new(g, "_record", json_integer(c->record));
			json_array_append_new(groups, g);
			continue;
		}
		c->dir->tally.read++;
		if (!has_schema(r, ":core:2.0:User")) {
			char where[300];
			snprintf(where, sizeof(where), "%s record %ld", c->file, c->record);
			if ((ret = tally_skip(&c->dir->tally, "resource is neither a User nor a Group",
					      where, c->err)))
				return ret;
			continue;
		}
		if ((ret = scim_user(c, r)))
			return ret;
	}
	return 0;
}

/* ---- HR CSV ---------------------------------------------------------- */

static const char *const csv_fields[] = { "id", "login", "email", "display_name", "title",
					  "department", "office", "manager", "active", NULL };

static int read_csv(struct rctx *c, FILE *f, const json_t *columns)
{
	struct csv_reader r;
	int col[9], ret, i;
	size_t j, nhdr;

	csv_reader_init(&r, f, c->file);
	if ((ret = csv_next(&r, c->err)) <= 0) {
		if (!ret)
			ret = aiv_fail(c->err, AIV_EINPUT, "cannot import '%s': empty file, no header",
				       c->file);
		goto out;
	}
	nhdr = r.nfields;
	for (i = 0; csv_fields[i]; i++) {
		const char *want = json_string_value(json_object_get(columns, csv_fields[i]));
		col[i] = -1;
		for (j = 0; j < nhdr; j++)
			if (!strcasecmp(csv_str(&r, j), want ? want : csv_fields[i]))
				col[i] = (int)j;
		if (want && col[i] < 0) {
			ret = aiv_fail_at(c->err, AIV_EINPUT, c->file, 1, 0, "no column '%s' (the "
					  "mapping's columns.%s)", want, csv_fields[i]);
			goto out;
		}
	}
	if (col[0] < 0) {
		ret = aiv_fail_at(c->err, AIV_EINPUT, c->file, 1, 0, "no 'id' column (name it "
				  "with columns: {id: COLUMN} in the mapping file)");
		goto out;
	}
	while ((ret = csv_next(&r, c->err)) == 1) {
		struct org_user *u;
		char **dst[8];
		c->record = r.rec_line;
		c->dir->tally.read++;
		if (r.nfields != nhdr) {
			ret = aiv_fail_at(c->err, AIV_EINPUT, c->file, r.rec_line, 0,
					  "record has %zu fields, the header has %zu", r.nfields, nhdr);
			goto out;
		}
		u = new_user(c);
		dst[0] = &u->id;
		dst[1] = &u->login;
		dst[2] = &u->email;
		dst[3] = &u->display;
		dst[4] = &u->title;
		dst[5] = &u->department;
		dst[6] = &u->office;
		dst[7] = &u->manager;
		for (i = 0; i < 8; i++) {
			const char *v = col[i] >= 0 ? csv_str(&r, (size_t)col[i]) : "";
			json_t *utf8;
			if (!*v)
				continue;
			/* the specs are JSON: a Latin-1 export is refused, not mangled */
			if (!(utf8 = json_string(v))) {
				ret = aiv_fail_at(c->err, AIV_EINPUT, c->file, r.rec_line,
						  r.fields[col[i]].col, "field '%s' is not valid UTF-8 "
						  "(save the export as UTF-8)", csv_fields[i]);
				goto out;
			}
			json_decref(utf8);
			*dst[i] = xstrdup(v);
		}
		if (!u->id) {
			ret = aiv_fail_at(c->err, AIV_EINPUT, c->file, r.rec_line,
					  r.fields[col[0]].col, "field 'id' is empty");
			goto out;
		}
		if (col[8] >= 0) {
			const char *a = csv_str(&r, (size_t)col[8]);
			if (!strcasecmp(a, "false") || !strcmp(a, "0") || !strcasecmp(a, "no") ||
			    !strcasecmp(a, "inactive") || !strcasecmp(a, "terminated") ||
			    !strcasecmp(a, "left")) {
				u->active = 0;
			} else if (*a && strcasecmp(a, "true") && strcmp(a, "1") &&
				   strcasecmp(a, "yes") && strcasecmp(a, "active")) {
				ret = aiv_fail_at(c->err, AIV_EINPUT, c->file, r.rec_line,
						  r.fields[col[8]].col, "field 'active' is '%s', not "
						  "true/false, yes/no, 1/0, active/inactive", a);
				goto out;
			}
		}
		if ((ret = keep_or_skip(c, u)))
			goto out;
	}
out:
	csv_reader_release(&r);
	return ret < 0 ? ret : 0;
}

/* ---- the files ------------------------------------------------------- */

static int hash_file(struct rctx *c, FILE *f)
{
	char buf[65536];
	size_t n;

	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sha256_update(&c->h, buf, n);
	if (ferror(f))
		return aiv_fail(c->err, AIV_EIO, "cannot read '%s'", c->file);
	rewind(f);
	return 0;
}

int org_read_files(const char *format, const char *const *paths, size_t npaths,
		   const json_t *csv_columns, struct org_directory *dir, struct aiv_err *err)
{
	return org_read_sources(format, paths, NULL, NULL, npaths, csv_columns, dir, err);
}

int org_read_sources(const char *format, const char *const *paths, const char *const *bufs,
		     const size_t *lens, size_t npaths, const json_t *csv_columns,
		     struct org_directory *dir, struct aiv_err *err)
{
	struct rctx c;
	json_t *groups = json_array();
	long total = 0, resources = 0;
	uint8_t dg[SHA256_LEN];
	size_t i;
	int ret = 0;

	memset(dir, 0, sizeof(*dir));
	tally_init(&dir->tally, "users");
	memset(&c, 0, sizeof(c));
	c.dir = dir;
	c.err = err;
	sha256_init(&c.h);
	if (strcmp(format, "entra-users") && strcmp(format, "okta-users") &&
	    strcmp(format, "scim") && strcmp(format, "csv")) {
		ret = aiv_fail(err, AIV_EINPUT, "unknown org format '%s' (formats: entra-users, "
			       "okta-users, scim, csv)", format);
		goto out;
	}
	dir->format = format;
	for (i = 0; i < npaths && !ret; i++) {
		FILE *f = bufs && bufs[i] ? fmemopen((void *)bufs[i], lens[i], "rb")
					  : fopen(paths[i], "rb");
		json_error_t je;
		json_t *doc;

		c.file = paths[i];
		c.record = 0;
		if (!f) {
			ret = aiv_fail(err, AIV_EIO, "cannot open '%s'", paths[i]);
			break;
		}
		if ((ret = hash_file(&c, f))) {
			fclose(f);
			break;
		}
		if (!strcmp(format, "csv")) {
			ret = read_csv(&c, f, csv_columns);
			fclose(f);
			continue;
		}
		doc = json_loadf(f, JSON_REJECT_DUPLICATES, &je);
		fclose(f);
		if (!doc) {
			ret = aiv_fail_at(err, AIV_EINPUT, paths[i], je.line, je.column,
					  "not valid JSON: %s", je.text);
			break;
		}
		if (!strcmp(format, "entra-users"))
			ret = read_graph(&c, doc, i + 1 == npaths);
		else if (!strcmp(format, "okta-users"))
			ret = read_okta(&c, doc);
		else {
			ret = read_scim(&c, doc, groups, &total);
			resources += c.record;
		}
		json_decref(doc);
	}
	if (!ret && !strcmp(format, "scim")) {
		if (total > resources)
			ret = aiv_fail(err, AIV_EINPUT, "cannot import '%s': field 'totalResults': "
				       "the list has %ld resources but the files hold %ld; save every "
				       "page (an incomplete list would mark the missing people as "
				       "leavers)", paths[npaths - 1], total, resources);
		else
			ret = scim_groups(&c, groups);
	}
out:
	sha256_final(&c.h, dg);
	hex_encode(dg, SHA256_LEN, dir->content_hash);
	json_decref(groups);
	return ret;
}
