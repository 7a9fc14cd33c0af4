/*
 * control_kinds.c - Agent, Workflow and Policy for `aivalue apply`.
 *
 *   kind: Agent      name, owner (a person), workflow, description?
 *   kind: Workflow   name, owner (a person), autonomy supervised|autonomous,
 *                    steps: [{name, owner (person, team, or "team:NAME" /
 *                    "person:NAME"), agents: [agent names]}]
 *   kind: Policy     name, cedar (Cedar policy text), resource_types?
 *                    (entity types the text uses beyond the built-in ones),
 *                    description?
 *
 * A Policy is parsed and validated when it is applied, and errors point
 * into the YAML file: the Cedar text's line 1 is placed at the YAML line
 * where the text starts (for a `cedar: |` block, the line after the
 * indicator, at the block's indentation).
 *
 * Agents are written before workflows (registration order), so a
 * workflow's put can check that the agents named on its steps exist and
 * serve this workflow; a step owner is resolved to a person or a team the
 * same way (people and teams are written before both).
 */
#include <stdio.h>
#include <string.h>

#include "control.h"
#include "core/cjson.h"
#include "org/org.h"
#include "org/people.h"

static const char *const agent_attrs[] = { "name", "owner", "workflow", NULL };
static const char *const agent_attr_types[] = { "string", "entity:Person",
						"entity:Workflow", NULL };
static const char *const person_attrs[] = { "name", "display_name", "email", "role",
					    "team", "manager", "champion", NULL };
static const char *const person_attr_types[] = { "string", "string", "string", "string",
						 "entity:Team", "entity:Person", "bool", NULL };
static const char *const team_attrs[] = { "name", "title", "function", "parent", "lead", NULL };
static const char *const team_attr_types[] = { "string", "string", "string", "entity:Team",
					       "entity:Person", NULL };
static const char *const workflow_attrs[] = { "name", "owner", "autonomy", NULL };
static const char *const workflow_attr_types[] = { "string", "entity:Person", "string", NULL };
static const char *const step_attrs[] = { "name", "workflow", "owner", "position", NULL };
static const char *const step_attr_types[] = { "string", "entity:Workflow", NULL, "long", NULL };

static const struct cedar_schema_type builtin_types[] = {
	{ "Agent", agent_attrs, agent_attr_types },
	{ "Person", person_attrs, person_attr_types },
	{ "Team", team_attrs, team_attr_types },
	{ "Workflow", workflow_attrs, workflow_attr_types },
	{ "Step", step_attrs, step_attr_types },
};

void control_schema(struct cedar_schema *sc, const char *const *resource_types,
		    size_t nresource_types)
{
	memset(sc, 0, sizeof(*sc));
	sc->types = builtin_types;
	sc->ntypes = ARRAY_SIZE(builtin_types);
	sc->extra_types = resource_types;
	sc->nextra = nresource_types;
	sc->principal_type = "Agent";
	sc->action_type = "Action";
}

static int name_field(const struct ypos *p, struct fy_node *doc, const char *key,
		      int required, json_t *spec, const char *what)
{
	const char *v = NULL;
	int ret = yget_str(p, doc, key, required, &v, what);

	if (ret)
		return ret;
	if (!v)
		return 0;
	if (!org_valid_name(v))
		return yfail(p, yget(doc, key), AIV_EINPUT,
			     "%s: field '%s' is not a valid name: '%s' (lowercase letters, "
			     "digits, then '.', '-' or '_')", what, key, v);
	json_object_set_new(spec, key, json_string(v));
	return 0;
}

static int text_field(const struct ypos *p, struct fy_node *doc, const char *key,
		      int required, json_t *spec, const char *what)
{
	const char *v = NULL;
	int ret = yget_str(p, doc, key, required, &v, what);
	json_t *js;

	if (ret || !v)
		return ret;
	if (!(js = json_string(v)))
		return yfail(p, yget(doc, key), AIV_EINPUT, "%s: field '%s' is not valid UTF-8",
			     what, key);
	json_object_set_new(spec, key, js);
	return 0;
}

static int start(const struct ypos *p, struct fy_node *doc, const char *singular,
		 const char *const *keys, json_t *spec, char *what, size_t whatsz)
{
	int ret;

	snprintf(what, whatsz, "%s", singular);
	if ((ret = ycheck_keys(p, doc, keys, singular)) ||
	    (ret = name_field(p, doc, "name", 1, spec, what)))
		return ret;
	snprintf(what, whatsz, "%s '%s'", singular, json_str(spec, "name"));
	return 0;
}

static int agent_parse(const struct ypos *p, struct fy_node *doc,
		       const struct catalog *cat, json_t **out)
{
	static const char *const keys[] = { "kind", "name", "owner", "workflow",
					    "description", NULL };
	json_t *spec = json_object();
	char what[200];
	int ret;

	(void)cat;
	if ((ret = start(p, doc, "agent", keys, spec, what, sizeof(what))) ||
	    (ret = name_field(p, doc, "owner", 1, spec, what)) ||
	    (ret = name_field(p, doc, "workflow", 1, spec, what)) ||
	    (ret = text_field(p, doc, "description", 0, spec, what))) {
		json_decref(spec);
		return ret;
	}
	*out = spec;
	return 0;
}

static int workflow_parse(const struct ypos *p, struct fy_node *doc,
			  const struct catalog *cat, json_t **out)
{
	static const char *const keys[] = { "kind", "name", "owner", "autonomy", "steps",
					    "description", NULL };
	static const char *const step_keys[] = { "name", "owner", "agents", NULL };
	json_t *spec = json_object(), *steps;
	struct fy_node *seq = NULL, *item;
	const char *autonomy = NULL;
	char what[200];
	void *it = NULL;
	int ret;

	(void)cat;
	if ((ret = start(p, doc, "workflow", keys, spec, what, sizeof(what))) ||
	    (ret = name_field(p, doc, "owner", 1, spec, what)) ||
	    (ret = yget_str(p, doc, "autonomy", 1, &autonomy, what)) ||
	    (ret = text_field(p, doc, "description", 0, spec, what)) ||
	    (ret = yget_seq(p, doc, "steps", 1, &seq, what)))
		goto fail;
	if (strcmp(autonomy, "supervised") && strcmp(autonomy, "autonomous")) {
		ret = yfail(p, yget(doc, "autonomy"), AIV_EINPUT,
			    "%s: autonomy must be supervised or autonomous, not '%s'", what,
			    autonomy);
		goto fail;
	}
	json_object_set_new(spec, "autonomy", json_string(autonomy));
	steps = json_array();
	json_object_set_new(spec, "steps", steps);
	while ((item = fy_node_sequence_iterate(seq, &it)) != NULL) {
		json_t *st = json_object(), *agents = json_array();
		struct fy_node *aseq = NULL, *a;
		const char *owner = NULL;
		char swhat[300];
		void *ait = NULL;
		size_t i;

		json_array_append_new(steps, st);
		json_object_set_new(st, "agents", agents);
		if (!fy_node_is_mapping(item)) {
			ret = yfail(p, item, AIV_EINPUT, "%s: each step is a mapping with name, "
				    "owner and agents", what);
			goto fail;
		}
		snprintf(swhat, sizeof(swhat), "%s step", what);
		if ((ret = ycheck_keys(p, item, step_keys, swhat)) ||
		    (ret = name_field(p, item, "name", 1, st, swhat)))
			goto fail;
		snprintf(swhat, sizeof(swhat), "%s step '%s'", what, json_str(st, "name"));
		if ((ret = yget_str(p, item, "owner", 1, &owner, swhat)))
			goto fail;
		{
			const char *bare = owner;
			if (!strncmp(owner, "team:", 5) || !strncmp(owner, "person:", 7))
				bare = strchr(owner, ':') + 1;
			if (!org_valid_name(bare)) {
				ret = yfail(p, yget(item, "owner"), AIV_EINPUT,
					    "%s: owner '%s' is not a person or team name", swhat, owner);
				goto fail;
			}
		}
		json_object_set_new(st, "owner", json_string(owner));
		for (i = 0; i + 1 < json_array_size(steps); i++)
			if (!strcmp(json_str(json_array_get(steps, i), "name"), json_str(st, "name"))) {
				ret = yfail(p, yget(item, "name"), AIV_EINPUT,
					    "%s: step '%s' is defined twice", what, json_str(st, "name"));
				goto fail;
			}
		if ((ret = yget_seq(p, item, "agents", 0, &aseq, swhat)))
			goto fail;
		while (aseq && (a = fy_node_sequence_iterate(aseq, &ait)) != NULL) {
			const char *an = ytext(a);
			if (!an || !org_valid_name(an)) {
				ret = yfail(p, a, AIV_EINPUT, "%s: items of 'agents' must be agent "
					    "names", swhat);
				goto fail;
			}
			json_array_append_new(agents, json_string(an));
		}
	}
	if (json_array_size(steps) == 0) {
		ret = yfail(p, seq, AIV_EINPUT, "%s: a workflow needs at least one step", what);
		goto fail;
	}
	*out = spec;
	return 0;
fail:
	json_decref(spec);
	return ret;
}

/*
 * Where the text of scalar `n` starts (line 1, column 1 of the Cedar
 * text).  libfyaml marks a block scalar (| and >) at the start of its
 * first content line, so the indentation is read back from the file (two
 * more than the key's column when the file cannot be read, e.g. stdin).
 */
static void text_origin(const struct ypos *p, struct fy_node *doc, struct fy_node *n,
			long *line, long *col)
{
	enum fy_node_style style = fy_node_get_style(n);
	struct fy_token *t = fy_node_get_scalar_token(n);
	const struct fy_mark *m = t ? fy_token_start_mark(t) : NULL;
	struct strbuf sb = STRBUF_INIT;
	long kl, kc;

	ymark(n, line, col);
	if (style != FYNS_LITERAL && style != FYNS_FOLDED)
		return;
	ymark(ykey(doc, "cedar"), &kl, &kc);
	*col = kc + 2;
	if (m && p->file && strbuf_read_file(&sb, p->file, 16u << 20) == 0 &&
	    m->input_pos < sb.len) {
		const char *s = sb.buf + m->input_pos;
		long ind = 0;
		while (*s == ' ') {
			s++;
			ind++;
		}
		*col = ind + 1;
	}
	strbuf_release(&sb);
}

static int policy_parse(const struct ypos *p, struct fy_node *doc,
			const struct catalog *cat, json_t **out)
{
	static const char *const keys[] = { "kind", "name", "cedar", "resource_types",
					    "description", NULL };
	json_t *spec = json_object(), *rts;
	struct fy_node *seq = NULL, *item;
	struct cedar_policyset ps;
	struct cedar_schema sc;
	const char **types = NULL;
	const char *text;
	size_t ntypes = 0, atypes = 0;
	char what[200], prefix[200];
	void *it = NULL;
	long line, col;
	int ret;

	(void)cat;
	cedar_policyset_init(&ps);
	if ((ret = start(p, doc, "policy", keys, spec, what, sizeof(what))) ||
	    (ret = text_field(p, doc, "cedar", 1, spec, what)) ||
	    (ret = text_field(p, doc, "description", 0, spec, what)) ||
	    (ret = yget_seq(p, doc, "resource_types", 0, &seq, what)))
		goto cleanup;
	rts = json_array();
	json_object_set_new(spec, "resource_types", rts);
	while (seq && (item = fy_node_sequence_iterate(seq, &it)) != NULL) {
		const char *t = ytext(item);
		size_t i, n = t ? strlen(t) : 0;
		int ok = n > 0;
		for (i = 0; ok && i < n; i++) {
			char c = t[i];
			ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' ||
			     (i > 0 && c >= '0' && c <= '9') || (c == ':' && i > 0);
		}
		if (!ok) {
			ret = yfail(p, item, AIV_EINPUT, "%s: resource type '%s' is not a Cedar "
				    "type name", what, t ? t : "");
			goto cleanup;
		}
		json_array_append_new(rts, json_string(t));
		ALLOC_GROW(types, ntypes + 1, atypes);
		types[ntypes++] = t;
	}
	text = json_str(spec, "cedar");
	text_origin(p, doc, yget(doc, "cedar"), &line, &col);
	snprintf(prefix, sizeof(prefix), "%s#", json_str(spec, "name"));
	if ((ret = cedar_parse(&ps, text, strlen(text), prefix, p->file, line, col, p->err)))
		goto cleanup;
	if (ps.n == 0) {
		ret = yfail(p, yget(doc, "cedar"), AIV_EINPUT, "%s: no policy in 'cedar'", what);
		goto cleanup;
	}
	control_schema(&sc, types, ntypes);
	if ((ret = cedar_validate(&ps, &sc, p->file, p->err)))
		goto cleanup;
	{
		size_t i;
		for (i = 0; i < ps.n; i++) {
			const struct cedar_str *sla = cedar_policy_annotation(&ps.v[i], "sla");
			int64_t us;
			char buf[64];
			if (!sla)
				continue;
			snprintf(buf, sizeof(buf), "%.*s", (int)(sla->n < 60 ? sla->n : 60), sla->p);
			if (control_parse_duration(buf, &us) || us <= 0) {
				ret = aiv_fail_at(p->err, AIV_EINPUT, p->file, ps.v[i].line, ps.v[i].col,
						  "policy '%s': @sla(\"%s\") is not an ISO-8601 duration "
						  "such as PT4H or P1D", ps.v[i].id, buf);
				goto cleanup;
			}
		}
	}
	*out = spec;
	spec = NULL;
	ret = 0;
cleanup:
	free(types);
	cedar_policyset_release(&ps);
	json_decref(spec);
	return ret;
}

static int step_done(struct store_stmt *st, struct aiv_err *err)
{
	int rc = store_step(st, err);

	store_reset(st);
	return rc < 0 ? rc : 0;
}

static int exists(struct store *s, const char *sql, const char *a, const char *b,
		  int *found, struct aiv_err *err)
{
	struct store_stmt *st = store_prepare(s, sql, err);
	int rc;

	if (!st)
		return err->code;
	store_bind_text(st, 1, a);
	if (b)
		store_bind_text(st, 2, b);
	rc = store_step(st, err);
	store_reset(st);
	if (rc < 0)
		return rc;
	*found = rc == STORE_ROW;
	return 0;
}

static int agent_put(struct store *s, const json_t *spec, struct aiv_err *err)
{
	struct store_stmt *st = store_prepare(s,
		"INSERT INTO agents(name, owner, workflow, description) VALUES (?,?,?,?)"
		" ON CONFLICT(name) DO UPDATE SET owner = excluded.owner,"
		" workflow = excluded.workflow, description = excluded.description", err);

	if (!st)
		return err->code;
	store_bind_text(st, 1, json_str(spec, "name"));
	store_bind_text(st, 2, json_str(spec, "owner"));
	store_bind_text(st, 3, json_str(spec, "workflow"));
	store_bind_text(st, 4, json_str(spec, "description"));
	return step_done(st, err);
}

static int del_where(struct store *s, const char *sql, const char *name, struct aiv_err *err)
{
	struct store_stmt *st = store_prepare(s, sql, err);

	if (!st)
		return err->code;
	store_bind_text(st, 1, name);
	return step_done(st, err);
}

static int agent_del(struct store *s, const char *name, struct aiv_err *err)
{
	int ret = del_where(s, "DELETE FROM step_agents WHERE agent = ?", name, err);

	return ret ? ret : del_where(s, "DELETE FROM agents WHERE name = ?", name, err);
}

static int workflow_del(struct store *s, const char *name, struct aiv_err *err)
{
	int ret;

	if ((ret = del_where(s, "DELETE FROM step_agents WHERE workflow = ?", name, err)) ||
	    (ret = del_where(s, "DELETE FROM workflow_steps WHERE workflow = ?", name, err)))
		return ret;
	return del_where(s, "DELETE FROM workflows WHERE name = ?", name, err);
}

static int workflow_put(struct store *s, const json_t *spec, struct aiv_err *err)
{
	const char *wf = json_str(spec, "name");
	json_t *steps = json_object_get(spec, "steps"), *step;
	struct store_stmt *st;
	size_t i;
	int ret;

	if ((ret = del_where(s, "DELETE FROM step_agents WHERE workflow = ?", wf, err)) ||
	    (ret = del_where(s, "DELETE FROM workflow_steps WHERE workflow = ?", wf, err)))
		return ret;
	if (!(st = store_prepare(s,
		"INSERT INTO workflows(name, owner, autonomy) VALUES (?,?,?)"
		" ON CONFLICT(name) DO UPDATE SET owner = excluded.owner,"
		" autonomy = excluded.autonomy", err)))
		return err->code;
	store_bind_text(st, 1, wf);
	store_bind_text(st, 2, json_str(spec, "owner"));
	store_bind_text(st, 3, json_str(spec, "autonomy"));
	if ((ret = step_done(st, err)))
		return ret;
	json_array_foreach(steps, i, step) {
		const char *sname = json_str(step, "name"), *owner = json_str(step, "owner");
		const char *kind = NULL;
		json_t *agents = json_object_get(step, "agents"), *a;
		int person = 0, team = 0;
		size_t k;

		if (!strncmp(owner, "team:", 5)) {
			owner += 5;
			kind = "team";
		} else if (!strncmp(owner, "person:", 7)) {
			owner += 7;
			kind = "person";
		}
		if ((person = org_is_person(s, owner, err)) < 0)
			return person;
		if ((team = org_is_team(s, owner, err)) < 0)
			return team;
		if (!kind)
			kind = person ? "person" : "team";
		if ((!strcmp(kind, "person") && !person) || (!strcmp(kind, "team") && !team))
			return aiv_fail(err, AIV_EINPUT, "workflow '%s' step '%s': owner '%s' is "
					"no known %s", wf, sname, owner,
					strcmp(json_str(step, "owner"), owner) ? kind : "person or team");
		if (!(st = store_prepare(s, "INSERT INTO workflow_steps(workflow, position, name,"
					 " owner_kind, owner) VALUES (?,?,?,?,?)", err)))
			return err->code;
		store_bind_text(st, 1, wf);
		store_bind_int(st, 2, (int64_t)i + 1);
		store_bind_text(st, 3, sname);
		store_bind_text(st, 4, kind);
		store_bind_text(st, 5, owner);
		if ((ret = step_done(st, err)))
			return ret;
		json_array_foreach(agents, k, a) {
			int found = 0;
			const char *an = json_string_value(a);
			if ((ret = exists(s, "SELECT 1 FROM agents WHERE name = ? AND workflow = ?",
					  an, wf, &found, err)))
				return ret;
			if (!found)
				return aiv_fail(err, AIV_EINPUT, "workflow '%s' step '%s': no agent "
						"'%s' serves this workflow (declare it with kind: "
						"Agent, workflow: %s)", wf, sname, an, wf);
			if (!(st = store_prepare(s, "INSERT INTO step_agents(workflow, step, agent)"
						 " VALUES (?,?,?) ON CONFLICT(workflow, step, agent)"
						 " DO NOTHING", err)))
				return err->code;
			store_bind_text(st, 1, wf);
			store_bind_text(st, 2, sname);
			store_bind_text(st, 3, an);
			if ((ret = step_done(st, err)))
				return ret;
		}
	}
	return 0;
}

/*
 * Policy ids are unique across all Policy objects (the engine loads them
 * into one set): refuse an id another Policy already uses.
 */
static int check_ids_unique(struct store *s, const json_t *spec, struct aiv_err *err)
{
	struct cedar_policyset mine, other;
	struct store_stmt *st;
	const char *name = json_str(spec, "name"), *text = json_str(spec, "cedar");
	char prefix[200];
	size_t i, j;
	int rc, ret = 0;

	cedar_policyset_init(&mine);
	snprintf(prefix, sizeof(prefix), "%s#", name);
	if ((ret = cedar_parse(&mine, text, strlen(text), prefix, name, 1, 1, err)))
		goto out;
	if (!(st = store_prepare(s, "SELECT name, cedar FROM policies WHERE name != ?", err))) {
		ret = err->code;
		goto out;
	}
	store_bind_text(st, 1, name);
	while (!ret && (rc = store_step(st, err)) == STORE_ROW) {
		struct aiv_err perr = AIV_ERR_INIT;
		snprintf(prefix, sizeof(prefix), "%s#", store_col_text(st, 0));
		cedar_policyset_init(&other);
		if (!cedar_parse(&other, store_col_text(st, 1), store_col_bytes(st, 1), prefix,
				 "policy", 1, 1, &perr))
			for (i = 0; i < mine.n && !ret; i++)
				for (j = 0; j < other.n && !ret; j++)
					if (!strcmp(mine.v[i].id, other.v[j].id))
						ret = aiv_fail(err, AIV_EINPUT, "policy '%s': id '%s' is "
							       "already used by policy '%s'", name,
							       mine.v[i].id, store_col_text(st, 0));
		cedar_policyset_release(&other);
	}
	store_reset(st);
	if (!ret && rc < 0)
		ret = rc;
out:
	cedar_policyset_release(&mine);
	return ret;
}

static int policy_put(struct store *s, const json_t *spec, struct aiv_err *err)
{
	struct store_stmt *st = store_prepare(s,
		"INSERT INTO policies(name, cedar, resource_types) VALUES (?,?,?)"
		" ON CONFLICT(name) DO UPDATE SET cedar = excluded.cedar,"
		" resource_types = excluded.resource_types", err);
	char *rt;
	int ret;

	if (!st)
		return err->code;
	if ((ret = check_ids_unique(s, spec, err)))
		return ret;
	rt = cjson_dumps(json_object_get(spec, "resource_types"));
	store_bind_text(st, 1, json_str(spec, "name"));
	store_bind_text(st, 2, json_str(spec, "cedar"));
	store_bind_text(st, 3, rt);
	ret = step_done(st, err);
	free(rt);
	return ret;
}

static int policy_del(struct store *s, const char *name, struct aiv_err *err)
{
	return del_where(s, "DELETE FROM policies WHERE name = ?", name, err);
}

static const struct kind_ref agent_refs[] = {
	{ "owner", "Person" }, { "workflow", "Workflow" }, { NULL, NULL } };
static const struct kind_ref workflow_refs[] = { { "owner", "Person" }, { NULL, NULL } };
static const struct kind_ref policy_refs[] = { { NULL, NULL } };

static const char *const agent_cols[] = { "name", "owner", "workflow", NULL };
static const char *const workflow_cols[] = { "name", "owner", "autonomy", NULL };
static const char *const policy_cols[] = { "name", "description", NULL };

const struct kind_ops control_agent_kind = {
	"Agent", "agents", "agent", agent_parse, agent_put, agent_del, agent_refs, agent_cols,
};
const struct kind_ops control_workflow_kind = {
	"Workflow", "workflows", "workflow", workflow_parse, workflow_put, workflow_del,
	workflow_refs, workflow_cols,
};
const struct kind_ops control_policy_kind = {
	"Policy", "policies", "policy", policy_parse, policy_put, policy_del, policy_refs,
	policy_cols,
};

void control_register_kinds(void)
{
	apply_register(&control_agent_kind);
	apply_register(&control_workflow_kind);
	apply_register(&control_policy_kind);
	control_state_register();
}
