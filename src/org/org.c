/*
 * org.c - Person, Team and Initiative: parsing, canonical specs, rows.
 *
 * Each parse function checks the document's keys against the fields the
 * kind allows, reads each field with its type, checks catalog ids
 * (functions, models, phases) and builds a canonical spec holding only
 * the fields that were given.  The engine checks references.
 */
#include <string.h>

#include "core/cjson.h"
#include "core/timeutil.h"
#include "org.h"

int org_valid_name(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > 128)
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			continue;
		if (i > 0 && (c == '.' || c == '-' || c == '_'))
			continue;
		return 0;
	}
	return 1;
}

/* Read `name`, check it and put it in spec; fills what ("person 'x'"). */
static int get_name(const struct ypos *p, struct fy_node *doc, const char *singular,
		    json_t *spec, char *what, size_t whatsz)
{
	const char *name = NULL;
	int ret;

	snprintf(what, whatsz, "%s", singular);
	if ((ret = yget_str(p, doc, "name", 1, &name, what)))
		return ret;
	if (!org_valid_name(name))
		return yfail(p, yget(doc, "name"), AIV_EINPUT,
			     "%s: name '%s' must be lowercase letters and digits, "
			     "then also '.', '-' or '_' (at most 128)", singular, name);
	snprintf(what, whatsz, "%s '%s'", singular, name);
	json_object_set_new(spec, "name", json_string(name));
	return 0;
}

static int opt_str(const struct ypos *p, struct fy_node *doc, const char *key,
		   int required, json_t *spec, const char *what)
{
	const char *v = NULL;
	int ret = yget_str(p, doc, key, required, &v, what);

	if (ret)
		return ret;
	if (v) {
		json_t *js = json_string(v);
		if (!js)
			return yfail(p, yget(doc, key), AIV_EINPUT,
				     "%s: field '%s' is not valid UTF-8", what, key);
		json_object_set_new(spec, key, js);
	}
	return 0;
}

static int ref_name(const struct ypos *p, struct fy_node *doc, const char *key,
		    json_t *spec, const char *what)
{
	const char *v = json_str(spec, key);

	if (v && !org_valid_name(v))
		return yfail(p, yget(doc, key), AIV_EINPUT,
			     "%s: field '%s' is not a valid name: '%s'", what, key, v);
	return 0;
}

static int team_parse(const struct ypos *p, struct fy_node *doc,
		      const struct catalog *cat, json_t **out)
{
	static const char *const keys[] = { "kind", "name", "title", "function",
					    "parent", "lead", NULL };
	json_t *spec = json_object();
	char what[200];
	int ret;

	if ((ret = get_name(p, doc, "team", spec, what, sizeof(what))) ||
	    (ret = ycheck_keys(p, doc, keys, what)) ||
	    (ret = opt_str(p, doc, "title", 1, spec, what)) ||
	    (ret = opt_str(p, doc, "function", 1, spec, what)) ||
	    (ret = opt_str(p, doc, "parent", 0, spec, what)) ||
	    (ret = opt_str(p, doc, "lead", 0, spec, what)) ||
	    (ret = ref_name(p, doc, "parent", spec, what)) ||
	    (ret = ref_name(p, doc, "lead", spec, what)))
		goto fail;
	if (!catalog_function(cat, json_str(spec, "function"))) {
		struct strbuf list = STRBUF_INIT;
		size_t i;
		for (i = 0; i < cat->nfunctions; i++)
			strbuf_addf(&list, "%s%s", i ? ", " : "", cat->functions[i].id);
		ret = yfail(p, yget(doc, "function"), AIV_EINPUT,
			    "%s: unknown function '%s' (the catalog has: %s)", what,
			    json_str(spec, "function"), list.buf);
		strbuf_release(&list);
		goto fail;
	}
	if (json_str(spec, "parent") && !strcmp(json_str(spec, "parent"), json_str(spec, "name"))) {
		ret = yfail(p, yget(doc, "parent"), AIV_EINPUT,
			    "%s: a team cannot be its own parent", what);
		goto fail;
	}
	*out = spec;
	return 0;
fail:
	json_decref(spec);
	return ret;
}

static int person_parse(const struct ypos *p, struct fy_node *doc,
			const struct catalog *cat, json_t **out)
{
	static const char *const keys[] = { "kind", "name", "display_name", "email",
					    "role", "team", "manager", "champion",
					    "directory_id", "status", "left_at", NULL };
	json_t *spec = json_object();
	const char *email, *status, *left_at;
	char what[200];
	int champion = -1, ret;

	(void)cat;
	if ((ret = get_name(p, doc, "person", spec, what, sizeof(what))) ||
	    (ret = ycheck_keys(p, doc, keys, what)) ||
	    (ret = opt_str(p, doc, "display_name", 1, spec, what)) ||
	    (ret = opt_str(p, doc, "email", 0, spec, what)) ||
	    (ret = opt_str(p, doc, "role", 1, spec, what)) ||
	    (ret = opt_str(p, doc, "team", 1, spec, what)) ||
	    (ret = opt_str(p, doc, "manager", 0, spec, what)) ||
	    (ret = ref_name(p, doc, "team", spec, what)) ||
	    (ret = ref_name(p, doc, "manager", spec, what)) ||
	    (ret = yget_bool(p, doc, "champion", 0, &champion, what)) ||
	    (ret = opt_str(p, doc, "directory_id", 0, spec, what)) ||
	    (ret = opt_str(p, doc, "status", 0, spec, what)) ||
	    (ret = opt_str(p, doc, "left_at", 0, spec, what)))
		goto fail;
	/* a leaver is kept, marked left on a day (docs/org.md) */
	status = json_str(spec, "status");
	left_at = json_str(spec, "left_at");
	if (status && strcmp(status, "active") && strcmp(status, "left")) {
		ret = yfail(p, yget(doc, "status"), AIV_EINPUT,
			    "%s: status must be active or left, not '%s'", what, status);
		goto fail;
	}
	if (status && !strcmp(status, "active"))
		json_object_del(spec, "status"); /* the default: one canonical spec */
	if (left_at) {
		int64_t us;
		if (!status || strcmp(status, "left")) {
			ret = yfail(p, yget(doc, "left_at"), AIV_EINPUT,
				    "%s: left_at needs status: left", what);
			goto fail;
		}
		if (strlen(left_at) != 10 || time_parse_iso(left_at, &us)) {
			ret = yfail(p, yget(doc, "left_at"), AIV_EINPUT,
				    "%s: left_at must be a date YYYY-MM-DD, not '%s'", what, left_at);
			goto fail;
		}
	} else if (status && !strcmp(status, "left")) {
		ret = yfail(p, yget(doc, "status"), AIV_EINPUT,
			    "%s: a person who left needs left_at (YYYY-MM-DD)", what);
		goto fail;
	}
	email = json_str(spec, "email");
	if (email && (!strchr(email, '@') || strchr(email, ' '))) {
		ret = yfail(p, yget(doc, "email"), AIV_EINPUT,
			    "%s: email '%s' is not an address", what, email);
		goto fail;
	}
	if (json_str(spec, "manager") && !strcmp(json_str(spec, "manager"), json_str(spec, "name"))) {
		ret = yfail(p, yget(doc, "manager"), AIV_EINPUT,
			    "%s: a person cannot be their own manager", what);
		goto fail;
	}
	if (champion >= 0)
		json_object_set_new(spec, "champion", json_boolean(champion));
	*out = spec;
	return 0;
fail:
	json_decref(spec);
	return ret;
}

static int initiative_parse(const struct ypos *p, struct fy_node *doc,
			    const struct catalog *cat, json_t **out)
{
	static const char *const keys[] = { "kind", "name", "title", "model", "owner",
					    "phase", "status", "description", "teams",
					    "started", NULL };
	static const char *const statuses[] = { "proposed", "pilot", "production",
						"paused", "retired", NULL };
	json_t *spec = json_object();
	struct fy_node *teams = NULL, *item;
	const char *const *st;
	const char *started = NULL;
	long long phase = 0;
	char what[200];
	void *it = NULL;
	int ret;

	if ((ret = get_name(p, doc, "initiative", spec, what, sizeof(what))) ||
	    (ret = ycheck_keys(p, doc, keys, what)) ||
	    (ret = opt_str(p, doc, "title", 1, spec, what)) ||
	    (ret = opt_str(p, doc, "model", 1, spec, what)) ||
	    (ret = opt_str(p, doc, "owner", 1, spec, what)) ||
	    (ret = ref_name(p, doc, "owner", spec, what)) ||
	    (ret = yget_int(p, doc, "phase", 1, &phase, what)) ||
	    (ret = opt_str(p, doc, "status", 1, spec, what)) ||
	    (ret = opt_str(p, doc, "description", 0, spec, what)) ||
	    (ret = yget_seq(p, doc, "teams", 0, &teams, what)) ||
	    (ret = yget_str(p, doc, "started", 0, &started, what)))
		goto fail;
	if (!catalog_model(cat, json_str(spec, "model"))) {
		struct strbuf list = STRBUF_INIT;
		size_t i;
		for (i = 0; i < cat->nmodels; i++)
			strbuf_addf(&list, "%s%s", i ? ", " : "", cat->models[i].id);
		ret = yfail(p, yget(doc, "model"), AIV_EINPUT,
			    "%s: unknown value model '%s' (the catalog has: %s)", what,
			    json_str(spec, "model"), list.buf);
		strbuf_release(&list);
		goto fail;
	}
	if (!catalog_phase_by_number(cat, (int)phase)) {
		ret = yfail(p, yget(doc, "phase"), AIV_EINPUT,
			    "%s: phase must be 1 to %zu, not %lld", what, cat->nphases, phase);
		goto fail;
	}
	json_object_set_new(spec, "phase", json_integer(phase));
	for (st = statuses; *st; st++)
		if (!strcmp(*st, json_str(spec, "status")))
			break;
	if (!*st) {
		ret = yfail(p, yget(doc, "status"), AIV_EINPUT,
			    "%s: status must be proposed, pilot, production, paused or "
			    "retired, not '%s'", what, json_str(spec, "status"));
		goto fail;
	}
	if (started) {
		int64_t us;
		if (strlen(started) != 10 || time_parse_iso(started, &us)) {
			ret = yfail(p, yget(doc, "started"), AIV_EINPUT,
				    "%s: started must be a date YYYY-MM-DD, not '%s'",
				    what, started);
			goto fail;
		}
		json_object_set_new(spec, "started", json_string(started));
	}
	if (teams) {
		json_t *arr = json_array();
		json_object_set_new(spec, "teams", arr);
		while ((item = fy_node_sequence_iterate(teams, &it)) != NULL) {
			const char *t = ytext(item);
			if (!t || !org_valid_name(t)) {
				ret = yfail(p, item, AIV_EINPUT,
					    "%s: items of 'teams' must be team names", what);
				goto fail;
			}
			json_array_append_new(arr, json_string(t));
		}
	}
	*out = spec;
	return 0;
fail:
	json_decref(spec);
	return ret;
}

static int team_put(struct store *s, const json_t *spec, struct aiv_err *err)
{
	struct store_stmt *st = store_prepare(s,
		"INSERT INTO teams(name, title, function, parent, lead) VALUES (?,?,?,?,?)"
		" ON CONFLICT(name) DO UPDATE SET title = excluded.title,"
		" function = excluded.function, parent = excluded.parent,"
		" lead = excluded.lead", err);

	if (!st)
		return err->code;
	store_bind_text(st, 1, json_str(spec, "name"));
	store_bind_text(st, 2, json_str(spec, "title"));
	store_bind_text(st, 3, json_str(spec, "function"));
	store_bind_text(st, 4, json_str(spec, "parent"));
	store_bind_text(st, 5, json_str(spec, "lead"));
	return store_step_done(st, err);
}

static int person_put(struct store *s, const json_t *spec, struct aiv_err *err)
{
	struct store_stmt *st = store_prepare(s,
		"INSERT INTO people(name, display_name, email, role, team, manager, champion,"
		" directory_id, status, left_at) VALUES (?,?,?,?,?,?,?,?,?,?)"
		" ON CONFLICT(name) DO UPDATE SET display_name = excluded.display_name,"
		" email = excluded.email, role = excluded.role, team = excluded.team,"
		" manager = excluded.manager, champion = excluded.champion,"
		" directory_id = excluded.directory_id, status = excluded.status,"
		" left_at = excluded.left_at", err);
	const char *status = json_str(spec, "status"); /* NULL: active */

	if (!st)
		return err->code;
	store_bind_text(st, 1, json_str(spec, "name"));
	store_bind_text(st, 2, json_str(spec, "display_name"));
	store_bind_text(st, 3, json_str(spec, "email"));
	store_bind_text(st, 4, json_str(spec, "role"));
	store_bind_text(st, 5, json_str(spec, "team"));
	store_bind_text(st, 6, json_str(spec, "manager"));
	store_bind_int(st, 7, json_is_true(json_object_get(spec, "champion")));
	store_bind_text(st, 8, json_str(spec, "directory_id"));
	store_bind_text(st, 9, status ? status : "active");
	store_bind_text(st, 10, json_str(spec, "left_at"));
	return store_step_done(st, err);
}

static int initiative_put(struct store *s, const json_t *spec, struct aiv_err *err)
{
	struct store_stmt *st = store_prepare(s,
		"INSERT INTO initiatives(name, title, model, owner, phase, status, description)"
		" VALUES (?,?,?,?,?,?,?)"
		" ON CONFLICT(name) DO UPDATE SET title = excluded.title,"
		" model = excluded.model, owner = excluded.owner, phase = excluded.phase,"
		" status = excluded.status, description = excluded.description", err);

	if (!st)
		return err->code;
	store_bind_text(st, 1, json_str(spec, "name"));
	store_bind_text(st, 2, json_str(spec, "title"));
	store_bind_text(st, 3, json_str(spec, "model"));
	store_bind_text(st, 4, json_str(spec, "owner"));
	store_bind_int(st, 5, json_integer_value(json_object_get(spec, "phase")));
	store_bind_text(st, 6, json_str(spec, "status"));
	store_bind_text(st, 7, json_str(spec, "description"));
	return store_step_done(st, err);
}

static int del_row(struct store *s, const char *sql, const char *name,
		   struct aiv_err *err)
{
	struct store_stmt *st = store_prepare(s, sql, err);

	if (!st)
		return err->code;
	store_bind_text(st, 1, name);
	return store_step_done(st, err);
}

static int team_del(struct store *s, const char *name, struct aiv_err *err)
{
	return del_row(s, "DELETE FROM teams WHERE name = ?", name, err);
}

static int person_del(struct store *s, const char *name, struct aiv_err *err)
{
	return del_row(s, "DELETE FROM people WHERE name = ?", name, err);
}

static int initiative_del(struct store *s, const char *name, struct aiv_err *err)
{
	return del_row(s, "DELETE FROM initiatives WHERE name = ?", name, err);
}

static const struct kind_ref team_refs[] = {
	{ "parent", "Team" }, { "lead", "Person" }, { NULL, NULL } };
static const struct kind_ref person_refs[] = {
	{ "team", "Team" }, { "manager", "Person" }, { NULL, NULL } };
static const struct kind_ref initiative_refs[] = {
	{ "owner", "Person" }, { "teams", "Team" }, { NULL, NULL } };

static const char *const team_cols[] = { "name", "title", "function", "lead", NULL };
static const char *const person_cols[] = { "name", "display_name", "role", "team", NULL };
static const char *const initiative_cols[] = { "name", "model", "phase", "status",
					       "owner", "title", NULL };

const struct kind_ops org_team_kind = {
	"Team", "teams", "team", team_parse, team_put, team_del, team_refs, team_cols,
};
const struct kind_ops org_person_kind = {
	"Person", "people", "person", person_parse, person_put, person_del,
	person_refs, person_cols,
};
const struct kind_ops org_initiative_kind = {
	"Initiative", "initiatives", "initiative", initiative_parse, initiative_put,
	initiative_del, initiative_refs, initiative_cols,
};

void org_register_kinds(void)
{
	apply_register(&org_team_kind);
	apply_register(&org_person_kind);
	apply_register(&org_initiative_kind);
	org_state_register();
}

int org_person_exists(struct store *s, const char *name, int *yes, struct aiv_err *err)
{
	return store_exists_text(s, "SELECT 1 FROM people WHERE name = ?", name, yes, err);
}

int org_initiative_exists(struct store *s, const char *name, int *yes,
			  struct aiv_err *err)
{
	return store_exists_text(s, "SELECT 1 FROM initiatives WHERE name = ?", name, yes, err);
}

int org_each_person(struct store *s, org_person_fn fn, void *data, struct aiv_err *err)
{
	struct store_stmt *st = store_prepare(s, "SELECT name, email FROM people ORDER BY name",
					      err);
	int rc;

	if (!st)
		return err->code;
	while ((rc = store_step(st, err)) == STORE_ROW)
		fn(store_col_text(st, 0), store_col_is_null(st, 1) ? NULL : store_col_text(st, 1),
		   data);
	store_reset(st);
	return rc < 0 ? rc : 0;
}
