/*
 * register.c - the kinds that describe how AI use is meant to happen:
 *
 *   kind: StarterWorkflow         a role-based starter workflow
 *   name: contract-review
 *   title: Review a supplier contract
 *   roles: [Contracts counsel]    target roles and/or
 *   functions: [legal]            target functions (catalog ids)
 *   owner: anouk.garcia           a Person (often a champion)
 *   version: "1.2"
 *   published: 2026-03-02         for champion reach (before / after)
 *   safe_use: Never paste personal data of employees.
 *   usage_ids: [legal-contract-review, g-abc123]   ids in usage exports
 *
 *   kind: Tool                    the allowed-tools register
 *   name: chatgpt
 *   vendor: OpenAI
 *   functions: [legal, hr]        allowed functions (absent: all)
 *   roles: [...]                  allowed roles (absent: all)
 *   data_classes: [public, internal]
 *   logging: true
 *   owner: ines.moreau
 *   usage_names: [chatgpt, chatgpt-enterprise]  tool names in usage exports
 *
 * The engine keeps each canonical spec in `objects`; metrics read them
 * from there (adoption_register_load), so put/del have no typed rows.
 */
#include <string.h>

#include "core/cjson.h"
#include "core/timeutil.h"
#include "identity.h"
#include "org/org.h"

static int str_field(const struct ypos *p, struct fy_node *doc, const char *key,
		     int required, json_t *spec, const char *what)
{
	const char *v = NULL;
	int ret = yget_str(p, doc, key, required, &v, what);

	if (ret)
		return ret;
	if (v) {
		json_t *js = json_string(v);
		if (!js)
			return yfail(p, yget(doc, key), AIV_EINPUT, "%s: '%s' is not valid UTF-8",
				     what, key);
		json_object_set_new(spec, key, js);
	}
	return 0;
}

/* A list of non-empty strings; with cat, each must be a catalog function. */
static int list_field(const struct ypos *p, struct fy_node *doc, const char *key,
		      json_t *spec, const char *what, const struct catalog *cat)
{
	struct fy_node *seq = NULL, *item;
	void *it = NULL;
	json_t *arr;
	int ret = yget_seq(p, doc, key, 0, &seq, what);

	if (ret || !seq)
		return ret;
	arr = json_array();
	while ((item = fy_node_sequence_iterate(seq, &it)) != NULL) {
		const char *v = ytext(item);
		json_t *js;
		if (!v || !*v || !(js = json_string(v))) {
			json_decref(arr);
			return yfail(p, item, AIV_EINPUT, "%s: items of '%s' must be non-empty strings",
				     what, key);
		}
		if (cat && !catalog_function(cat, v)) {
			json_decref(js);
			json_decref(arr);
			return yfail(p, item, AIV_EINPUT, "%s: unknown function '%s' in '%s'", what,
				     v, key);
		}
		json_array_append_new(arr, js);
	}
	json_object_set_new(spec, key, arr);
	return 0;
}

static int get_name(const struct ypos *p, struct fy_node *doc, const char *singular,
		    json_t *spec, char *what, size_t whatsz)
{
	const char *name = NULL;
	int ret;

	if ((ret = yget_str(p, doc, "name", 1, &name, singular)))
		return ret;
	if (!org_valid_name(name))
		return yfail(p, yget(doc, "name"), AIV_EINPUT, "%s: name '%s' must be lowercase "
			     "letters and digits, then also '.', '-' or '_'", singular, name);
	snprintf(what, whatsz, "%s '%s'", singular, name);
	json_object_set_new(spec, "name", json_string(name));
	return 0;
}

static int starter_parse(const struct ypos *p, struct fy_node *doc,
			 const struct catalog *cat, json_t **out)
{
	static const char *const keys[] = { "kind", "name", "title", "roles", "functions",
					    "owner", "version", "published", "safe_use",
					    "usage_ids", NULL };
	json_t *spec = json_object();
	const char *published;
	char what[200];
	int ret;

	if ((ret = get_name(p, doc, "starter workflow", spec, what, sizeof(what))) ||
	    (ret = ycheck_keys(p, doc, keys, what)) ||
	    (ret = str_field(p, doc, "title", 1, spec, what)) ||
	    (ret = list_field(p, doc, "roles", spec, what, NULL)) ||
	    (ret = list_field(p, doc, "functions", spec, what, cat)) ||
	    (ret = str_field(p, doc, "owner", 1, spec, what)) ||
	    (ret = str_field(p, doc, "version", 0, spec, what)) ||
	    (ret = str_field(p, doc, "published", 0, spec, what)) ||
	    (ret = str_field(p, doc, "safe_use", 0, spec, what)) ||
	    (ret = list_field(p, doc, "usage_ids", spec, what, NULL)))
		goto fail;
	if (!json_object_get(spec, "roles") && !json_object_get(spec, "functions")) {
		ret = yfail(p, doc, AIV_EINPUT, "%s: needs target 'roles' or 'functions'", what);
		goto fail;
	}
	published = json_str(spec, "published");
	if (published) {
		int64_t us;
		if (strlen(published) != 10 || time_parse_iso(published, &us)) {
			ret = yfail(p, yget(doc, "published"), AIV_EINPUT,
				    "%s: published must be a date YYYY-MM-DD, not '%s'", what,
				    published);
			goto fail;
		}
	}
	if (!json_object_get(spec, "usage_ids")) {
		json_t *arr = json_array();
		json_array_append_new(arr, json_string(json_str(spec, "name")));
		json_object_set_new(spec, "usage_ids", arr);
	}
	*out = spec;
	return 0;
fail:
	json_decref(spec);
	return ret;
}

static int tool_parse(const struct ypos *p, struct fy_node *doc,
		      const struct catalog *cat, json_t **out)
{
	static const char *const keys[] = { "kind", "name", "vendor", "functions", "roles",
					    "data_classes", "logging", "owner", "usage_names",
					    NULL };
	json_t *spec = json_object();
	char what[200];
	int logging = -1, ret;

	if ((ret = get_name(p, doc, "tool", spec, what, sizeof(what))) ||
	    (ret = ycheck_keys(p, doc, keys, what)) ||
	    (ret = str_field(p, doc, "vendor", 1, spec, what)) ||
	    (ret = list_field(p, doc, "functions", spec, what, cat)) ||
	    (ret = list_field(p, doc, "roles", spec, what, NULL)) ||
	    (ret = list_field(p, doc, "data_classes", spec, what, NULL)) ||
	    (ret = yget_bool(p, doc, "logging", 1, &logging, what)) ||
	    (ret = str_field(p, doc, "owner", 1, spec, what)) ||
	    (ret = list_field(p, doc, "usage_names", spec, what, NULL)))
		goto fail;
	json_object_set_new(spec, "logging", json_boolean(logging));
	if (!json_object_get(spec, "usage_names")) {
		json_t *arr = json_array();
		json_array_append_new(arr, json_string(json_str(spec, "name")));
		json_object_set_new(spec, "usage_names", arr);
	}
	*out = spec;
	return 0;
fail:
	json_decref(spec);
	return ret;
}

static int no_rows_put(struct store *s, const json_t *spec, struct aiv_err *err)
{
	(void)s;
	(void)spec;
	(void)err;
	return 0;
}

static int no_rows_del(struct store *s, const char *name, struct aiv_err *err)
{
	(void)s;
	(void)name;
	(void)err;
	return 0;
}

static const struct kind_ref owner_refs[] = { { "owner", "Person" }, { NULL, NULL } };
static const char *const starter_cols[] = { "name", "title", "owner", "version", NULL };
static const char *const tool_cols[] = { "name", "vendor", "owner", "logging", NULL };

const struct kind_ops starter_workflow_kind = {
	"StarterWorkflow", "starterworkflows", "starterworkflow", starter_parse, no_rows_put,
	no_rows_del, owner_refs, starter_cols,
};
const struct kind_ops tool_kind = {
	"Tool", "tools", "tool", tool_parse, no_rows_put, no_rows_del, owner_refs, tool_cols,
};
