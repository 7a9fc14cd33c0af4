/*
 * org_sync.c - from a read directory to the workspace's people and teams
 * (org_import.h): map, diff, warn, apply.
 *
 *   users --name--> person names   (directory id first: a renamed login
 *                                   keeps its person; then the login's
 *                                   local part, numbered when taken)
 *         --map---> role, team, function, champion   (mapping YAML)
 *         --diff--> joiners, movers, leavers, new teams   (against the
 *                                   Person and Team specs stored)
 *         --apply-> Team and Person specs through the apply engine, in
 *                   the caller-visible transaction, then one ledger entry
 *                   per kind of change (org.join, org.move, org.leave) with
 *                   its count, the people's names, the export's content
 *                   hash and the mapping file's SHA-256, then identities.
 *
 * Why the apply engine: people and teams are apply kinds that everything
 * else refers to (initiatives, agents, workflows name their owners), and
 * audit verify replays them from their specs.  A Person written behind the
 * engine's back would be neither referable nor verifiable.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "apply/apply.h"
#include "core/banned.h"
#include "core/cjson.h"
#include "core/hash.h"
#include "core/tally.h"
#include "core/timeutil.h"
#include "core/yaml.h"
#include "ingest/identity.h"
#include "ingest/org_import.h"
#include "ledger/ledger.h"
#include "org/org.h"

/* ---- the mapping file ------------------------------------------------ */

struct org_map {
	json_t *roles;        /* lowercased title -> role */
	json_t *departments;  /* lowercased department -> {team?, function} */
	json_t *champions;    /* lowercased login or email -> true */
	json_t *columns;      /* CSV field -> column */
	const char *default_role, *default_function; /* borrowed from doc */
	json_t *doc;          /* the file as JSON */
	int has_champions;
};

static void map_release(struct org_map *m)
{
	json_decref(m->roles);
	json_decref(m->departments);
	json_decref(m->champions);
	json_decref(m->doc);
	memset(m, 0, sizeof(*m));
}

static int map_check_function(const struct ypos *p, struct fy_node *n, const char *fn,
			      const struct catalog *cat)
{
	struct strbuf list = STRBUF_INIT;
	size_t i;
	int ret;

	if (catalog_function(cat, fn))
		return 0;
	for (i = 0; i < cat->nfunctions; i++)
		strbuf_addf(&list, "%s%s", i ? ", " : "", cat->functions[i].id);
	ret = yfail(p, n, AIV_EINPUT, "unknown function '%s' (the catalog has: %s)", fn,
		    list.buf);
	strbuf_release(&list);
	return ret;
}

/* A mapping of string keys; fn(key, value node) per pair. */
static int map_pairs(const struct ypos *p, struct fy_node *doc, const char *key,
		     int (*fn)(const struct ypos *, const char *, struct fy_node *, void *),
		     void *data)
{
	struct fy_node *m = yget(doc, key);
	struct fy_node_pair *pair;
	void *it = NULL;
	int ret;

	if (!m)
		return 0;
	if (!fy_node_is_mapping(m))
		return yfail(p, m, AIV_EINPUT, "'%s' must be a mapping", key);
	while ((pair = fy_node_mapping_iterate(m, &it)) != NULL) {
		const char *k = ytext(fy_node_pair_key(pair));
		if (!k)
			return yfail(p, fy_node_pair_key(pair), AIV_EINPUT,
				     "'%s': keys must be text", key);
		if ((ret = fn(p, k, fy_node_pair_value(pair), data)))
			return ret;
	}
	return 0;
}

struct map_build {
	struct org_map *m;
	const struct catalog *cat;
};

static int add_role(const struct ypos *p, const char *k, struct fy_node *v, void *data)
{
	struct map_build *b = data;
	const char *role = ytext(v);
	char *lk;

	if (!role || !*role)
		return yfail(p, v, AIV_EINPUT, "roles: '%s' must map to a role name", k);
	lk = identity_normalise(k);
	json_object_set_new(b->m->roles, lk, json_string(role));
	free(lk);
	return 0;
}

static int add_department(const struct ypos *p, const char *k, struct fy_node *v, void *data)
{
	static const char *const keys[] = { "team", "function", NULL };
	struct map_build *b = data;
	const char *fn = NULL, *team = NULL;
	json_t *e = json_object();
	char *lk;
	int ret;

	if (fy_node_is_mapping(v)) {
		if ((ret = ycheck_keys(p, v, keys, "departments")) ||
		    (ret = yget_str(p, v, "function", 1, &fn, "departments")) ||
		    (ret = yget_str(p, v, "team", 0, &team, "departments")))
			goto fail;
	} else if (!(fn = ytext(v))) {
		ret = yfail(p, v, AIV_EINPUT, "departments: '%s' must map to a function or "
			    "{team, function}", k);
		goto fail;
	}
	if ((ret = map_check_function(p, fy_node_is_mapping(v) ? yget(v, "function") : v,
				      fn, b->cat)))
		goto fail;
	if (team && !org_valid_name(team)) {
		ret = yfail(p, yget(v, "team"), AIV_EINPUT, "departments: team '%s' must be "
			    "lowercase letters and digits, then also '.', '-' or '_'", team);
		goto fail;
	}
	json_object_set_new(e, "function", json_string(fn));
	if (team)
		json_object_set_new(e, "team", json_string(team));
	lk = identity_normalise(k);
	json_object_set_new(b->m->departments, lk, e);
	free(lk);
	return 0;
fail:
	json_decref(e);
	return ret;
}

/*
 * Load the mapping file (NULL: an empty mapping) into m; its SHA-256 into
 * sha (hex).  Errors name FILE:LINE:COL.
 */
static int map_load(const char *path, const struct catalog *cat, struct org_map *m,
		    char sha[SHA256_HEX], struct aiv_err *err)
{
	static const char *const keys[] = { "roles", "default_role", "departments",
					    "default_function", "champions", "columns", NULL };
	struct ydocs yd = { 0 };
	struct ypos p = { path, err };
	struct map_build b = { m, cat };
	struct fy_node *doc, *ch, *item;
	void *it = NULL;
	FILE *f;
	char *buf = NULL;
	size_t len = 0;
	int ret;

	memset(m, 0, sizeof(*m));
	m->roles = json_object();
	m->departments = json_object();
	m->champions = json_object();
	sha[0] = '\0';
	if (!path)
		return 0;
	if (!(f = fopen(path, "rb")))
		return aiv_fail(err, AIV_EIO, "cannot open mapping file '%s'", path);
	{
		struct strbuf sb = STRBUF_INIT;
		char chunk[8192];
		size_t n;
		while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
			strbuf_add(&sb, chunk, n);
		fclose(f);
		len = sb.len;
		buf = strbuf_detach(&sb, NULL);
	}
	sha256_hex(buf, len, sha);
	if ((ret = ydocs_load(&yd, path, buf, len, err)))
		goto out;
	if (yd.n != 1 || !fy_node_is_mapping(doc = fy_document_root(yd.docs[0]))) {
		ret = aiv_fail(err, AIV_EINPUT, "mapping file '%s' must be one YAML mapping "
			       "(roles, departments, ...)", path);
		goto out;
	}
	if ((ret = ycheck_keys(&p, doc, keys, "the mapping")) ||
	    (ret = yget_str(&p, doc, "default_role", 0, &m->default_role, "the mapping")) ||
	    (ret = yget_str(&p, doc, "default_function", 0, &m->default_function,
			    "the mapping")) ||
	    (ret = map_pairs(&p, doc, "roles", add_role, &b)) ||
	    (ret = map_pairs(&p, doc, "departments", add_department, &b)))
		goto out;
	if (m->default_function &&
	    (ret = map_check_function(&p, yget(doc, "default_function"), m->default_function,
				      cat)))
		goto out;
	if ((ret = yget_seq(&p, doc, "champions", 0, &ch, "the mapping")))
		goto out;
	while (ch && (item = fy_node_sequence_iterate(ch, &it)) != NULL) {
		char *l;
		if (!ytext(item)) {
			ret = yfail(&p, item, AIV_EINPUT, "champions: items must be logins or emails");
			goto out;
		}
		l = identity_normalise(ytext(item));
		json_object_set_new(m->champions, l, json_true());
		free(l);
	}
	m->has_champions = ch != NULL;
	if (yget(doc, "columns") && !fy_node_is_mapping(yget(doc, "columns"))) {
		ret = yfail(&p, yget(doc, "columns"), AIV_EINPUT, "'columns' must be a mapping");
		goto out;
	}
	/* the JSON copy owns the strings the defaults point into */
	m->doc = yaml_to_json(doc);
	m->default_role = json_str(m->doc, "default_role");
	m->default_function = json_str(m->doc, "default_function");
	m->columns = json_object_get(m->doc, "columns");
out:
	ydocs_release(&yd);
	free(buf);
	return ret;
}

/* ---- names ----------------------------------------------------------- */

/* A person or team name from free text: lowercase, [a-z0-9._-], at most 100. */
static char *slug(const char *s, int keep_dots)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p;

	for (p = s; *p && sb.len < 100; p++) {
		char c = *p >= 'A' && *p <= 'Z' ? (char)(*p - 'A' + 'a') : *p;
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			strbuf_addch(&sb, c);
		else if (sb.len && sb.buf[sb.len - 1] != '-' && sb.buf[sb.len - 1] != '.' &&
			 (c == '.' || c == '_' || c == '-') && keep_dots)
			strbuf_addch(&sb, c);
		else if (sb.len && sb.buf[sb.len - 1] != '-' && sb.buf[sb.len - 1] != '.')
			strbuf_addch(&sb, '-');
	}
	while (sb.len && (sb.buf[sb.len - 1] == '-' || sb.buf[sb.len - 1] == '.' ||
			  sb.buf[sb.len - 1] == '_'))
		strbuf_setlen(&sb, sb.len - 1);
	return strbuf_detach(&sb, NULL);
}

/* The local part of a login or email, as a person name ("" if none is left). */
static char *person_slug(const struct org_user *u)
{
	const char *src = u->login ? u->login : u->email;
	char *local = xstrdup(src), *at = strchr(local, '@'), *s;

	if (at)
		*at = '\0';
	s = slug(local, 1);
	free(local);
	return s;
}

/* ---- the plan -------------------------------------------------------- */

struct pu {                   /* per user of the directory */
	struct org_user *u;
	char *name, *team, *function, *team_title, *role;
	int manager;          /* index into pu[], -1 none */
	int keep;             /* 0: skipped */
	int email_dup;        /* email dropped: another user has it */
};

struct plan {
	struct org_directory dir;
	struct org_map map;
	struct pu *pu;
	json_t *persons, *teams;  /* stored specs by name */
	json_t *by_id;            /* directory id -> person name (stored) */
	json_t *taken;            /* names given in this import */
	json_t *docs;             /* specs to apply: teams first, then people */
	char date[11];
};

static void add_change(struct org_change **v, size_t *n, size_t *alloc, const char *name,
		       const char *detail)
{
	ALLOC_GROW(*v, *n + 1, *alloc);
	(*v)[*n].name = xstrdup(name);
	(*v)[*n].detail = xstrdup(detail ? detail : "");
	(*n)++;
}

static void warn(struct org_result *r, const char *what, const char *detail)
{
	ALLOC_GROW(r->warnings, r->nwarnings + 1, r->awarnings);
	r->warnings[r->nwarnings].what = xstrdup(what);
	r->warnings[r->nwarnings].detail = xstrdup(detail);
	r->nwarnings++;
}

static char *where_of(const struct org_user *u)
{
	return xstrfmt("%s record %ld (%s)", u->file, u->record, u->login ? u->login : u->email);
}

/* Skip an already counted user: used -> skipped by reason. */
static int unuse(struct plan *pl, struct pu *p, const char *reason, struct aiv_err *err)
{
	char *w = where_of(p->u);
	int ret;

	p->keep = 0;
	pl->dir.tally.used--;
	ret = tally_skip(&pl->dir.tally, reason, w, err);
	free(w);
	return ret;
}

/* Stored specs of kind into an object by name. */
static int load_specs(struct store *s, const char *kind, json_t **out, struct aiv_err *err)
{
	json_t *arr, *v;
	size_t i;
	int ret;

	*out = json_object();
	if ((ret = apply_object_specs(s, kind, &arr, err)))
		return ret;
	json_array_foreach(arr, i, v)
		json_object_set(*out, json_str(v, "name"), v);
	json_decref(arr);
	return 0;
}

/* Names: the stored person with this directory id, else a free slug. */
static void assign_names(struct plan *pl)
{
	size_t i;

	for (i = 0; i < pl->dir.n; i++) {
		struct pu *p = &pl->pu[i];
		const char *known = json_string_value(json_object_get(pl->by_id, p->u->id));
		char *base;
		int k;

		if (!p->keep)
			continue;
		if (known && !json_object_get(pl->taken, known)) {
			p->name = xstrdup(known);
		} else {
			base = person_slug(p->u);
			if (!*base) {
				free(base);
				base = slug(p->u->id, 0);
			}
			if (!org_valid_name(base)) {
				char *b2 = xstrfmt("u-%s", base);
				free(base);
				base = b2;
			}
			/*
			 * Taken in this import, or by a stored person the directory
			 * knows under another id: number it (ana.lopez2).
			 */
			for (k = 1;; k++) {
				char *n = k == 1 ? xstrdup(base) : xstrfmt("%s%d", base, k);
				json_t *sp = json_object_get(pl->persons, n);
				const char *did = json_str(sp, "directory_id");
				if (!json_object_get(pl->taken, n) && (!sp || !did ||
								       !strcmp(did, p->u->id))) {
					p->name = n;
					break;
				}
				free(n);
			}
			free(base);
		}
		json_object_set_new(pl->taken, p->name, json_integer((json_int_t)i));
	}
}

static void resolve_managers(struct plan *pl, struct org_result *r)
{
	json_t *by_id = json_object(), *by_login = json_object();
	size_t i;

	/* every user, kept or skipped: a skipped one may still be a stored person */
	for (i = 0; i < pl->dir.n; i++) {
		struct org_user *u = pl->pu[i].u;
		json_object_set_new(by_id, u->id, json_integer((json_int_t)i));
		if (u->login) {
			char *l = identity_normalise(u->login);
			json_object_set_new(by_login, l, json_integer((json_int_t)i));
			free(l);
		}
		if (u->email) {
			char *l = identity_normalise(u->email);
			if (!json_object_get(by_login, l))
				json_object_set_new(by_login, l, json_integer((json_int_t)i));
			free(l);
		}
	}
	for (i = 0; i < pl->dir.n; i++) {
		struct pu *p = &pl->pu[i];
		json_t *m;
		char *l;

		p->manager = -1;
		if (!p->keep || !p->u->manager)
			continue;
		/* Graph and SCIM name the manager's id; Okta and HR files often a login */
		m = json_object_get(by_id, p->u->manager);
		if (!m) {
			l = identity_normalise(p->u->manager);
			m = json_object_get(by_login, l);
			free(l);
		}
		if (m) {
			p->manager = (int)json_integer_value(m);
		} else {
			char *w = where_of(p->u);
			char *d = xstrfmt("%s names manager '%s', who is not in the export: no "
					  "manager set", w, p->u->manager);
			warn(r, "dangling manager", d);
			free(d);
			free(w);
		}
	}
	json_decref(by_id);
	json_decref(by_login);
}

/* Break each manager cycle at the user whose link closes it, naming them all. */
static void break_cycles(struct plan *pl, struct org_result *r)
{
	unsigned char *state = xcalloc(pl->dir.n ? pl->dir.n : 1, 1);
	size_t i;

	for (i = 0; i < pl->dir.n; i++) {
		int j = (int)i, k;

		if (state[i])
			continue;
		/* 1: on the current path, 2: done */
		while (j >= 0 && !state[j]) {
			state[j] = 1;
			if (pl->pu[j].manager >= 0 && state[pl->pu[j].manager] == 1) {
				struct strbuf sb = STRBUF_INIT;
				char *w;
				k = pl->pu[j].manager;
				do {
					w = where_of(pl->pu[k].u);
					strbuf_addf(&sb, "%s -> ", w);
					free(w);
					k = pl->pu[k].manager;
				} while (k != pl->pu[j].manager);
				w = where_of(pl->pu[k].u);
				strbuf_addf(&sb, "%s; the manager of %s is not set", w,
					    pl->pu[j].u->login ? pl->pu[j].u->login : pl->pu[j].u->email);
				free(w);
				warn(r, "manager cycle", sb.buf);
				strbuf_release(&sb);
				pl->pu[j].manager = -1;
				break;
			}
			j = pl->pu[j].manager;
		}
		for (j = (int)i; j >= 0 && state[j] == 1; j = pl->pu[j].manager)
			state[j] = 2;
	}
	free(state);
}

static void dup_emails(struct plan *pl, struct org_result *r)
{
	json_t *seen = json_object();
	size_t i;

	for (i = 0; i < pl->dir.n; i++) {
		struct pu *p = &pl->pu[i];
		json_t *first;
		char *l;

		if (!p->keep || !p->u->email)
			continue;
		l = identity_normalise(p->u->email);
		if ((first = json_object_get(seen, l))) {
			char *a = where_of(pl->pu[json_integer_value(first)].u), *b = where_of(p->u);
			char *d = xstrfmt("'%s' is the email of %s and of %s: kept for the first",
					  p->u->email, a, b);
			warn(r, "duplicate email", d);
			free(a);
			free(b);
			free(d);
			p->email_dup = 1;
		} else {
			json_object_set_new(seen, l, json_integer((json_int_t)i));
		}
		free(l);
	}
	json_decref(seen);
}

/* Team, function and role of each active user; 0 or a strict tally error. */
static int map_users(struct plan *pl, const struct catalog *cat, struct aiv_err *err)
{
	size_t i;
	int ret;

	for (i = 0; i < pl->dir.n; i++) {
		struct pu *p = &pl->pu[i];
		const char *dept = p->u->department ? p->u->department : p->u->group;
		const char *fn = NULL, *team = NULL, *role;
		json_t *e;
		char *l;

		if (!p->keep)
			continue;
		if (!dept) {
			if (p->u->active && (ret = unuse(pl, p, "no department or group", err)))
				return ret;
			continue;
		}
		l = identity_normalise(dept);
		e = json_object_get(pl->map.departments, l);
		free(l);
		if (e) {
			fn = json_str(e, "function");
			team = json_str(e, "team");
		} else if (pl->map.default_function) {
			fn = pl->map.default_function;
		} else {
			/* no mapping: a department named like a catalog function */
			char *f = slug(dept, 0), *q;
			for (q = f; *q; q++)
				if (*q == '-')
					*q = '_';
			if (catalog_function(cat, f))
				p->function = f;
			else
				free(f);
		}
		if (!fn && !p->function) {
			if (p->u->active &&
			    (ret = unuse(pl, p, "department has no function in the mapping", err)))
				return ret;
			continue;
		}
		if (fn)
			p->function = xstrdup(fn);
		p->team = team ? xstrdup(team) : slug(dept, 0);
		if (!*p->team || !org_valid_name(p->team)) {
			free(p->team);
			p->team = xstrfmt("team-%s", p->function);
		}
		p->team_title = xstrdup(dept);
		role = NULL;
		if (p->u->title) {
			l = identity_normalise(p->u->title);
			role = json_string_value(json_object_get(pl->map.roles, l));
			free(l);
			if (!role)
				role = p->u->title;
		}
		if (!role)
			role = pl->map.default_role ? pl->map.default_role : "member";
		p->role = xstrdup(role);
	}
	return 0;
}

static int is_champion(struct plan *pl, const struct org_user *u)
{
	const char *keys[2] = { u->login, u->email };
	int i, yes = 0;

	for (i = 0; i < 2 && !yes; i++) {
		if (keys[i]) {
			char *l = identity_normalise(keys[i]);
			yes = json_object_get(pl->map.champions, l) != NULL;
			free(l);
		}
	}
	return yes;
}

static const char *const person_fields[] = { "team", "role", "manager", "email",
					     "display_name", "champion", "directory_id",
					     "status", NULL };
static const char *const team_fields[] = { "title", "function", "lead", NULL };

/* "field a -> b" for each of fields that differs, or NULL when equal. */
static char *spec_diff(const json_t *old, const json_t *new_, const char *const *fields)
{
	struct strbuf sb = STRBUF_INIT;
	int i;

	for (i = 0; fields[i]; i++) {
		json_t *a = json_object_get(old, fields[i]), *b = json_object_get(new_, fields[i]);
		char *as, *bs;
		if (json_equal(a, b) || (!a && !b))
			continue;
		as = a ? json_dumps(a, JSON_ENCODE_ANY) : xstrdup("none");
		bs = b ? json_dumps(b, JSON_ENCODE_ANY) : xstrdup("none");
		strbuf_addf(&sb, "%s%s %s -> %s", sb.len ? ", " : "", fields[i], as, bs);
		free(as);
		free(bs);
	}
	if (!sb.len) {
		strbuf_release(&sb);
		return NULL;
	}
	return strbuf_detach(&sb, NULL);
}

static void add_doc(struct plan *pl, const char *kind, json_t *spec)
{
	json_t *d = json_deep_copy(spec);

	json_object_set_new(d, "kind", json_string(kind));
	json_array_append_new(pl->docs, d);
}

/*
 * A stored team the export still has members of: the department's name
 * is its title, the mapping gives its function, and the one member whose
 * manager is outside it leads it (several such members: the lead stays).
 * A difference is a team update, applied and ledgered like a mover.
 */
static void plan_team_update(struct plan *pl, struct org_result *r, const struct pu *p,
			     const json_t *lead, json_t *done)
{
	json_t *old = json_object_get(pl->teams, p->team), *spec = json_deep_copy(old);
	char *d;

	json_object_set_new(done, p->team, json_null()); /* handled: not made, not again */
	json_object_set_new(spec, "title", json_string(p->team_title));
	json_object_set_new(spec, "function", json_string(p->function));
	if (lead && json_integer_value(lead) >= 0)
		json_object_set_new(spec, "lead",
				    json_string(pl->pu[json_integer_value(lead)].name));
	if ((d = spec_diff(old, spec, team_fields))) {
		add_change(&r->teams_updated, &r->nteams_updated, &r->ateams_updated, p->team, d);
		add_doc(pl, "Team", spec);
		free(d);
	}
	json_decref(spec);
}

/* New teams: lead is the one member whose manager is outside, parent that manager's team. */
static void plan_teams(struct plan *pl, struct org_result *r)
{
	json_t *made = json_object(), *leads = json_object(), *v;
	const char *k;
	size_t i;

	for (i = 0; i < pl->dir.n; i++) {
		struct pu *p = &pl->pu[i];
		int m = p->manager;
		if (!p->keep || !p->team || !p->u->active)
			continue;
		if (m < 0 || !pl->pu[m].team || strcmp(pl->pu[m].team, p->team)) {
			/* a candidate lead: one per team, or none when several */
			json_t *c = json_object_get(leads, p->team);
			if (c)
				json_object_set_new(leads, p->team, json_integer(-1));
			else
				json_object_set_new(leads, p->team, json_integer((json_int_t)i));
		}
	}
	for (i = 0; i < pl->dir.n; i++) {
		struct pu *p = &pl->pu[i];
		json_t *t, *lead;
		if (!p->keep || !p->team || !p->u->active || json_object_get(made, p->team))
			continue;
		if (json_object_get(pl->teams, p->team)) {
			plan_team_update(pl, r, p, json_object_get(leads, p->team), made);
			continue;
		}
		t = json_pack("{s:s, s:s, s:s}", "name", p->team, "title", p->team_title,
			      "function", p->function);
		lead = json_object_get(leads, p->team);
		if (lead && json_integer_value(lead) >= 0) {
			struct pu *l = &pl->pu[json_integer_value(lead)];
			json_object_set_new(t, "lead", json_string(l->name));
			if (l->manager >= 0 && pl->pu[l->manager].team)
				json_object_set_new(t, "parent", json_string(pl->pu[l->manager].team));
		}
		json_object_set_new(made, p->team, t);
		ALLOC_GROW(r->teams_created, r->nteams + 1, r->ateams);
		r->teams_created[r->nteams++] = xstrdup(p->team);
	}
	json_object_foreach(made, k, v) {
		const char *parent;
		if (json_is_null(v))
			continue; /* a stored team, planned by plan_team_update */
		parent = json_str(v, "parent");
		if (parent && !json_is_object(json_object_get(made, parent)) &&
		    !json_object_get(pl->teams, parent))
			json_object_del(v, "parent"); /* the lead's manager has no team made */
		add_doc(pl, "Team", v);
	}
	json_decref(made);
	json_decref(leads);
}

/*
 * The name p has as a stored person once the plan is applied, or NULL:
 * imported now, already stored, or skipped now but stored before (found
 * by directory id).  Borrowed.
 */
static const char *person_after(struct plan *pl, const struct pu *p)
{
	if (p->keep && p->name &&
	    ((p->u->active && p->team) || json_object_get(pl->persons, p->name)))
		return p->name;
	if (!p->keep)
		return json_string_value(json_object_get(pl->by_id, p->u->id));
	return NULL;
}

static int plan_people(struct plan *pl, struct org_result *r, struct aiv_err *err)
{
	json_t *seen = json_object(), *ids = json_object(), *v;
	const char *k;
	size_t i;
	int ret = 0;

	for (i = 0; i < pl->dir.n; i++) {
		struct pu *p = &pl->pu[i];
		json_t *old, *spec;
		const char *mgr;
		char *d;

		if (!p->keep)
			continue;
		old = json_object_get(pl->persons, p->name);
		json_object_set_new(seen, p->name, json_true());
		if (!p->u->active) {
			if (!old) {
				if ((ret = unuse(pl, p, "disabled in the directory and never imported",
						 err)))
					break;
				continue;
			}
			if (!strcmp(json_str(old, "status") ? json_str(old, "status") : "", "left"))
				continue;
			spec = json_deep_copy(old);
			json_object_set_new(spec, "directory_id", json_string(p->u->id));
			json_object_set_new(spec, "status", json_string("left"));
			json_object_set_new(spec, "left_at", json_string(pl->date));
			add_change(&r->left, &r->nleft, &r->aleft, p->name, "disabled in the directory");
			add_doc(pl, "Person", spec);
			json_decref(spec);
			continue;
		}
		if (!p->team)
			continue;
		spec = json_pack("{s:s, s:s, s:s, s:s, s:s}", "name", p->name, "display_name",
				 p->u->display ? p->u->display : p->u->login ? p->u->login
									      : p->u->email,
				 "role", p->role, "team", p->team, "directory_id", p->u->id);
		if (p->u->email && !p->email_dup)
			json_object_set_new(spec, "email", json_string(p->u->email));
		if (p->manager >= 0 && (mgr = person_after(pl, &pl->pu[p->manager]))) {
			json_object_set_new(spec, "manager", json_string(mgr));
		} else if (p->manager >= 0) {
			char *a = where_of(p->u), *b = where_of(pl->pu[p->manager].u);
			d = xstrfmt("%s names manager %s, who is not imported: no manager set", a, b);
			warn(r, "dangling manager", d);
			free(a);
			free(b);
			free(d);
		}
		if (pl->map.has_champions ? is_champion(pl, p->u)
					  : json_is_true(json_object_get(old, "champion")))
			json_object_set_new(spec, "champion", json_true());
		r->people++;
		if (!old) {
			add_change(&r->joined, &r->njoined, &r->ajoined, p->name, "");
			add_doc(pl, "Person", spec);
		} else if (json_str(old, "status") && !strcmp(json_str(old, "status"), "left")) {
			add_change(&r->joined, &r->njoined, &r->ajoined, p->name, "returned");
			add_doc(pl, "Person", spec);
		} else if ((d = spec_diff(old, spec, person_fields))) {
			add_change(&r->moved, &r->nmoved, &r->amoved, p->name, d);
			add_doc(pl, "Person", spec);
			free(d);
		}
		json_decref(spec);
	}
	/*
	 * Absent from a complete export: left.  A user in the export who was
	 * skipped (no department, say) is not absent: their directory id keeps
	 * them as they were.
	 */
	for (i = 0; i < pl->dir.n; i++)
		json_object_set_new(ids, pl->dir.users[i].id, json_true());
	json_object_foreach(pl->persons, k, v) {
		json_t *spec;
		if (ret || json_object_get(seen, k) || !json_str(v, "directory_id") ||
		    json_object_get(ids, json_str(v, "directory_id")) ||
		    (json_str(v, "status") && !strcmp(json_str(v, "status"), "left")))
			continue;
		spec = json_deep_copy(v);
		json_object_set_new(spec, "status", json_string("left"));
		json_object_set_new(spec, "left_at", json_string(pl->date));
		add_change(&r->left, &r->nleft, &r->aleft, k, "absent from the export");
		add_doc(pl, "Person", spec);
		json_decref(spec);
	}
	json_decref(seen);
	json_decref(ids);
	return ret;
}

/* ---- applying -------------------------------------------------------- */

static int cmp_change(const void *a, const void *b)
{
	return strcmp(((const struct org_change *)a)->name, ((const struct org_change *)b)->name);
}

/* org.join / org.move / org.leave: the count and the names of one kind of change. */
static int append_kind(struct store *s, const char *actor, const char *action,
		       const char *what, struct org_change *v, size_t n,
		       const struct org_result *r, int64_t *seq, struct aiv_err *err)
{
	struct sha256_ctx h;
	uint8_t dg[SHA256_LEN];
	char hex[SHA256_HEX];
	json_t *names, *payload;
	char *key;
	size_t i;
	int ret;

	if (!n)
		return 0;
	key = xstrfmt("%s_sha256", what); /* people_sha256, teams_sha256 */
	names = json_array();
	qsort(v, n, sizeof(*v), cmp_change);
	sha256_init(&h);
	for (i = 0; i < n; i++) {
		sha256_update(&h, v[i].name, strlen(v[i].name));
		sha256_update(&h, "\n", 1);
		if (i < 1000)
			json_array_append_new(names, json_string(v[i].name));
	}
	sha256_final(&h, dg);
	hex_encode(dg, SHA256_LEN, hex);
	payload = json_pack("{s:s, s:I, s:o, s:s, s:s, s:s, s:o}", "format", r->format,
			    "count", (json_int_t)n, what, names, key, hex,
			    "content_hash", r->content_hash, "map_sha256", r->map_sha256,
			    "tally", tally_json(&r->tally));
	ret = ledger_append(s, actor, action, "org", payload, seq, err);
	json_decref(payload);
	free(key);
	return ret;
}

/* Logins and emails as identities of their person (source 'directory'). */
static int write_identities(struct store *s, struct plan *pl, struct org_result *r,
			    char hex[SHA256_HEX], struct aiv_err *err)
{
	struct store_stmt *st = store_prepare(s, "INSERT INTO identities(kind, value, person,"
					      " source) VALUES (?,?,?,'directory') ON CONFLICT(kind,"
					      " value) DO UPDATE SET person = excluded.person,"
					      " source = excluded.source WHERE identities.person <>"
					      " excluded.person", err);
	struct sha256_ctx h;
	uint8_t dg[SHA256_LEN];
	size_t i;
	int j, ret = 0;

	if (!st)
		return err->code;
	sha256_init(&h);
	for (i = 0; i < pl->dir.n && !ret; i++) {
		struct pu *p = &pl->pu[i];
		const char *kinds[2] = { "upn", "email" };
		const char *vals[2] = { p->u->login, p->email_dup ? NULL : p->u->email };
		if (!p->keep || !p->name || !json_object_get(pl->persons, p->name))
			continue;
		for (j = 0; j < 2 && !ret; j++) {
			char *v;
			if (!vals[j] || !strchr(vals[j], '@'))
				continue;
			v = identity_normalise(vals[j]);
			sha256_update(&h, kinds[j], strlen(kinds[j]));
			sha256_update(&h, "\t", 1);
			sha256_update(&h, v, strlen(v));
			sha256_update(&h, "\n", 1);
			store_bind_text(st, 1, kinds[j]);
			store_bind_text(st, 2, v);
			store_bind_text(st, 3, p->name);
			free(v);
			ret = store_step_done(st, err);
			store_reset(st);
			if (!ret) {
				r->identities++;
				r->identities_changed += store_changes(s);
			}
		}
	}
	sha256_final(&h, dg);
	hex_encode(dg, SHA256_LEN, hex);
	return ret;
}

static int apply_plan(struct store *s, const struct catalog *cat, const char *actor,
		      struct plan *pl, struct org_result *r, struct aiv_err *err)
{
	static const char *const name[] = { "org import" };
	struct apply_result ar;
	struct strbuf buf = STRBUF_INIT;
	json_t *d;
	size_t i;
	int in_tx = 0, ret;
	char idhex[SHA256_HEX];

	memset(&ar, 0, sizeof(ar));
	json_array_foreach(pl->docs, i, d) {
		char *t = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
		strbuf_addf(&buf, "---\n%s\n", t);
		free(t);
	}
	if ((ret = store_begin(s, err)))
		goto out;
	in_tx = 1;
	if (buf.len &&
	    (ret = apply_sources(s, cat, actor, name, 1, buf.buf, buf.len, 0, &ar, err)))
		goto out;
	if ((ret = append_kind(s, actor, "org.join", "people", r->joined, r->njoined, r,
			       &r->seq_join, err)) ||
	    (ret = append_kind(s, actor, "org.move", "people", r->moved, r->nmoved, r,
			       &r->seq_move, err)) ||
	    (ret = append_kind(s, actor, "org.leave", "people", r->left, r->nleft, r,
			       &r->seq_leave, err)) ||
	    (ret = append_kind(s, actor, "org.team", "teams", r->teams_updated,
			       r->nteams_updated, r, &r->seq_team, err)))
		goto out;
	/* identities need the people to exist: reload what is stored now */
	json_decref(pl->persons);
	if ((ret = load_specs(s, "Person", &pl->persons, err)) ||
	    (ret = write_identities(s, pl, r, idhex, err)))
		goto out;
	if (r->identities_changed) {
		int64_t rejoined = 0;
		json_t *payload;
		if ((ret = identity_rejoin(s, &rejoined, err)))
			goto out;
		payload = json_pack("{s:s, s:I, s:I, s:I, s:s}", "source", "import org",
				    "rows", (json_int_t)r->identities, "changed",
				    (json_int_t)r->identities_changed, "rejoined_usage_rows",
				    (json_int_t)rejoined, "content_hash", idhex);
		ret = ledger_append(s, actor, "identities.import", "identities", payload,
				    &r->seq_identities, err);
		json_decref(payload);
		if (ret)
			goto out;
	}
	if (!buf.len && !r->identities_changed) {
		r->unchanged = 1;
		store_rollback(s);
		in_tx = 0;
		goto out;
	}
	if ((ret = store_commit(s, err)))
		goto out;
	in_tx = 0;
out:
	if (in_tx)
		store_rollback(s);
	apply_result_release(&ar);
	strbuf_release(&buf);
	return ret;
}

static void plan_release(struct plan *pl)
{
	size_t i;

	for (i = 0; pl->pu && i < pl->dir.n; i++) {
		free(pl->pu[i].name);
		free(pl->pu[i].team);
		free(pl->pu[i].function);
		free(pl->pu[i].team_title);
		free(pl->pu[i].role);
	}
	free(pl->pu);
	org_directory_release(&pl->dir);
	map_release(&pl->map);
	json_decref(pl->persons);
	json_decref(pl->teams);
	json_decref(pl->by_id);
	json_decref(pl->taken);
	json_decref(pl->docs);
}

/* ---- the accounting as JSON (import org --json, POST /api/v1/org/import) ---- */

static json_t *org_changes_json(const struct org_change *v, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, v[i].detail[0] ?
				      json_pack("{s:s, s:s}", "person", v[i].name, "change",
						v[i].detail) :
				      json_pack("{s:s}", "person", v[i].name));
	return a;
}

json_t *org_result_json(const struct org_result *r)
{
	json_t *w = json_array(), *t = json_array(), *tu = json_array();
	size_t i;

	for (i = 0; i < r->nwarnings; i++)
		json_array_append_new(w, json_pack("{s:s, s:s}", "warning", r->warnings[i].what,
						   "records", r->warnings[i].detail));
	for (i = 0; i < r->nteams; i++)
		json_array_append_new(t, json_string(r->teams_created[i]));
	for (i = 0; i < r->nteams_updated; i++)
		json_array_append_new(tu, json_pack("{s:s, s:s}", "team", r->teams_updated[i].name,
						    "change", r->teams_updated[i].detail));
	return json_pack("{s:s, s:b, s:b, s:o, s:o, s:o, s:o, s:o, s:o, s:I, s:I, s:I, s:s, s:s,"
			 " s:{s:I, s:I, s:I, s:I, s:I}, s:o}",
			 "format", r->format, "dry_run", r->dry_run, "unchanged", r->unchanged,
			 "joined", org_changes_json(r->joined, r->njoined),
			 "moved", org_changes_json(r->moved, r->nmoved),
			 "left", org_changes_json(r->left, r->nleft), "teams_created", t,
			 "teams_updated", tu,
			 "warnings", w, "active_people", (json_int_t)r->people,
			 "identities", (json_int_t)r->identities,
			 "identities_changed", (json_int_t)r->identities_changed,
			 "content_hash", r->content_hash, "map_sha256", r->map_sha256,
			 "ledger", "join", (json_int_t)r->seq_join, "move", (json_int_t)r->seq_move,
			 "leave", (json_int_t)r->seq_leave, "identities",
			 (json_int_t)r->seq_identities, "team", (json_int_t)r->seq_team,
			 "tally", tally_json(&r->tally));
}

void org_result_release(struct org_result *r)
{
	size_t i;

	for (i = 0; i < r->njoined; i++) {
		free(r->joined[i].name);
		free(r->joined[i].detail);
	}
	for (i = 0; i < r->nmoved; i++) {
		free(r->moved[i].name);
		free(r->moved[i].detail);
	}
	for (i = 0; i < r->nleft; i++) {
		free(r->left[i].name);
		free(r->left[i].detail);
	}
	for (i = 0; i < r->nteams; i++)
		free(r->teams_created[i]);
	for (i = 0; i < r->nteams_updated; i++) {
		free(r->teams_updated[i].name);
		free(r->teams_updated[i].detail);
	}
	free(r->teams_updated);
	for (i = 0; i < r->nwarnings; i++) {
		free(r->warnings[i].what);
		free(r->warnings[i].detail);
	}
	free(r->joined);
	free(r->moved);
	free(r->left);
	free(r->teams_created);
	free(r->warnings);
	tally_release(&r->tally);
	memset(r, 0, sizeof(*r));
}

int org_import(struct store *s, const struct catalog *cat, const char *actor,
	       const struct org_import_opts *o, struct org_result *res, struct aiv_err *err)
{
	struct plan pl;
	json_t *v;
	const char *k;
	size_t i;
	int ret;

	memset(&pl, 0, sizeof(pl));
	memset(res, 0, sizeof(*res));
	tally_init(&res->tally, "users");
	res->format = o->format;
	res->dry_run = o->dry_run;
	pl.taken = json_object();
	pl.by_id = json_object();
	pl.docs = json_array();
	if (o->date) {
		int64_t us;
		if (strlen(o->date) != 10 || time_parse_iso(o->date, &us)) {
			ret = aiv_fail(err, AIV_EINPUT, "--date must be a date YYYY-MM-DD, not '%s'",
				       o->date);
			goto out;
		}
		snprintf(pl.date, sizeof(pl.date), "%s", o->date);
	} else {
		char now[TIME_ISO_LEN];
		time_format_us(time_now_us(), now);
		snprintf(pl.date, sizeof(pl.date), "%.10s", now);
	}
	if ((ret = map_load(o->map, cat, &pl.map, res->map_sha256, err)) ||
	    (ret = org_read_sources(o->format, o->paths, o->body ? &o->body : NULL,
				    &o->body_len, o->body ? 1 : o->npaths, pl.map.columns,
				    &pl.dir, err)) ||
	    (ret = load_specs(s, "Person", &pl.persons, err)) ||
	    (ret = load_specs(s, "Team", &pl.teams, err)))
		goto out;
	snprintf(res->content_hash, sizeof(res->content_hash), "%s", pl.dir.content_hash);
	json_object_foreach(pl.persons, k, v)
		if (json_str(v, "directory_id"))
			json_object_set_new(pl.by_id, json_str(v, "directory_id"), json_string(k));
	pl.pu = xcalloc(pl.dir.n ? pl.dir.n : 1, sizeof(*pl.pu));
	for (i = 0; i < pl.dir.n; i++) {
		pl.pu[i].u = &pl.dir.users[i];
		pl.pu[i].keep = 1;
		pl.pu[i].manager = -1;
	}
	/* one directory id, one person: a repeated id is bad input */
	{
		json_t *ids = json_object();
		for (i = 0; i < pl.dir.n && !ret; i++) {
			json_t *f = json_object_get(ids, pl.dir.users[i].id);
			if (f) {
				const struct org_user *a = &pl.dir.users[json_integer_value(f)];
				ret = aiv_fail(err, AIV_EINPUT, "cannot import '%s': record %ld, field "
					       "'id': '%s' is also the id of %s record %ld",
					       pl.dir.users[i].file, pl.dir.users[i].record,
					       pl.dir.users[i].id, a->file, a->record);
			}
			json_object_set_new(ids, pl.dir.users[i].id, json_integer((json_int_t)i));
		}
		json_decref(ids);
		if (ret)
			goto out;
	}
	for (i = 0; i < pl.dir.n; i++) {
		const struct org_user *u = &pl.dir.users[i];
		if (u->email && (!strchr(u->email, '@') || strchr(u->email, ' '))) {
			ret = aiv_fail(err, AIV_EINPUT, "cannot import '%s': record %ld, field "
				       "'email': '%s' is not an address", u->file, u->record,
				       u->email);
			goto out;
		}
	}
	if ((ret = map_users(&pl, cat, err)))
		goto out;
	assign_names(&pl);
	resolve_managers(&pl, res);
	break_cycles(&pl, res);
	dup_emails(&pl, res);
	plan_teams(&pl, res);
	if ((ret = plan_people(&pl, res, err)))
		goto out;
	tally_release(&res->tally);
	res->tally = pl.dir.tally;
	tally_init(&pl.dir.tally, "users");
	if (!o->dry_run)
		ret = apply_plan(s, cat, actor, &pl, res, err);
	else
		res->unchanged = !json_array_size(pl.docs);
out:
	plan_release(&pl);
	return ret;
}
