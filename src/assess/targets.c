/*
 * targets.c - the MetricTarget apply kind: an organisation's own target
 * for a catalog metric, replacing the catalog default (series.h).
 *
 *     kind: MetricTarget
 *     name: repeat_use_rate      # a catalog metric id
 *     target: 0.5
 *     at_risk: 0.35
 *     off_track: 0.2
 *     note: optional text (why this target)
 *
 * The thresholds must be ordered as the metric's direction needs, by the
 * same check the catalog loader runs (catalog_target_check).  Like every
 * kind, an apply is all-or-nothing and recorded in the ledger; the spec
 * in the objects table is the whole target, so there are no typed rows.
 */
#include <stdio.h>
#include <string.h>

#include "apply/apply.h"
#include "core/yaml.h"
#include "series.h"

static int target_parse(const struct ypos *p, struct fy_node *doc, const struct catalog *cat,
			json_t **out)
{
	static const char *const keys[] = { "kind", "name", "target", "at_risk", "off_track",
					     "note", NULL };
	const struct cat_metric *m;
	const char *name = NULL, *note = NULL, *why, *field;
	double target = 0, at_risk = 0, off_track = 0;
	char what[160];
	int ret;

	*out = NULL;
	if ((ret = ycheck_keys(p, doc, keys, "metric target")) ||
	    (ret = yget_str(p, doc, "name", 1, &name, "metric target")))
		return ret;
	snprintf(what, sizeof(what), "metric target '%s'", name);
	if (!(m = catalog_metric(cat, name)))
		return yfail(p, yget(doc, "name"), AIV_EINPUT,
			     "%s: field 'name': unknown metric '%s' (aivalue models lists them)",
			     what, name);
	if ((ret = yget_num(p, doc, "target", 1, &target, what)) ||
	    (ret = yget_num(p, doc, "at_risk", 1, &at_risk, what)) ||
	    (ret = yget_num(p, doc, "off_track", 1, &off_track, what)) ||
	    (ret = yget_str(p, doc, "note", 0, &note, what)))
		return ret;
	if ((why = catalog_target_check(m->direction, target, at_risk, off_track, &field)))
		return yfail(p, yget(doc, field), AIV_EINPUT, "%s: field '%s' %s", what, field, why);
	*out = json_pack("{s:s, s:f, s:f, s:f}", "name", name, "target", target,
			 "at_risk", at_risk, "off_track", off_track);
	if (note)
		json_object_set_new(*out, "note", json_string(note));
	return 0;
}

static int target_put(struct store *s, const json_t *spec, struct aiv_err *err)
{
	(void)s;
	(void)spec;
	(void)err;
	return 0;
}

static int target_del(struct store *s, const char *name, struct aiv_err *err)
{
	(void)s;
	(void)name;
	(void)err;
	return 0;
}

static const struct kind_ref target_refs[] = { { NULL, NULL } };
static const char *const target_cols[] = { "name", "target", "at_risk", "off_track", "note",
					   NULL };

const struct kind_ops metric_target_kind = {
	"MetricTarget", "metrictargets", "metric target", target_parse, target_put, target_del,
	target_refs, target_cols,
};

void metric_target_register(void)
{
	apply_register(&metric_target_kind);
}
