/*
 * value_compute.c - read the workspace for the value report: the
 * hypotheses' verdicts (hypothesis.c), the unit values (unit_value.c) and
 * the cost of AI by initiative and model (folded into by initiative)
 * and by month (cost.c), then price and divide (value.c).  Read only.  Kept apart from value.c so the pure
 * pricing links into unit tests without the store readers.
 */
#include <string.h>

#include "assess/playbook.h"
#include "core/cjson.h"
#include "core/xalloc.h"
#include "value.h"

int value_compute(struct store *s, const struct catalog *cat, int64_t now_us, int64_t at_us,
		  struct value_report *out, struct aiv_err *err)
{
	return value_compute_split(s, cat, now_us, at_us, NULL, NULL, out, err);
}

int value_compute_split(struct store *s, const struct catalog *cat, int64_t now_us,
			int64_t at_us, const struct cost_query *split_q, struct cost_result *split,
			struct value_report *out, struct aiv_err *err)
{
	struct hyp_report hyps;
	struct uv_set uvs;
	struct cost_result cost, months, models, res[3];
	struct cost_query q, qs[3];
	size_t i;
	int ret;

	memset(out, 0, sizeof(*out));
	memset(&hyps, 0, sizeof(hyps));
	memset(&uvs, 0, sizeof(uvs));
	memset(&cost, 0, sizeof(cost));
	memset(&months, 0, sizeof(months));
	memset(&models, 0, sizeof(models));
	memset(&q, 0, sizeof(q));
	q.by = COST_BY_INITIATIVE;
	q.and_model = 1;
	qs[0] = q;
	q.and_model = 0;
	q.by = COST_BY_NONE;
	q.by_month = 1;
	qs[1] = q;
	/* one read of the usage for both groupings (issue 19) */
	if (split_q)
		qs[2] = *split_q;
	ret = cost_compute_many(s, qs, res, split_q ? 3 : 2, err);
	models = res[0];
	months = res[1];
	if (split)
		*split = split_q ? res[2] : (struct cost_result){ 0 };
	if (ret)
		goto cleanup;
	cost_fold_models(&models, &cost);
	if ((ret = hyp_evaluate_all(s, cat, now_us, &hyps, err)) ||
	    (ret = uv_load(s, &uvs, err)) ||
	    (ret = value_price(&hyps, &uvs, cat, cost.currency, at_us, out, err)))
		goto cleanup;
	value_add_cost(out, &cost);
	value_add_models(out, &models);
	out->spend = xcalloc(months.nrows + 1, sizeof(*out->spend));
	for (i = 0; i < months.nrows; i++) {
		struct value_month *m = &out->spend[out->nspend++];
		memcpy(m->month, months.rows[i].month, sizeof(m->month));
		m->minor = m->lo = m->hi = months.rows[i].total_minor;
		if (months.rows[i].unpriced)
			out->spend_unpriced = 1;
	}
cleanup:
	if (ret)
		value_report_release(out);
	hyp_report_release(&hyps);
	uv_set_release(&uvs);
	cost_result_release(&cost);
	cost_result_release(&months);
	cost_result_release(&models);
	return ret;
}

int value_compute_roi(struct store *s, const struct catalog *cat, const struct hyp_report *hyps,
		      int64_t at_us, struct value_report *out, struct aiv_err *err)
{
	struct uv_set uvs;
	struct cost_result cost;
	struct cost_query q;
	json_t *inits = NULL, *spec;
	size_t i, j;
	int ret;

	memset(out, 0, sizeof(*out));
	memset(&uvs, 0, sizeof(uvs));
	memset(&cost, 0, sizeof(cost));
	memset(&q, 0, sizeof(q));
	q.by = COST_BY_INITIATIVE;
	if ((ret = cost_compute(s, &q, &cost, err)) ||
	    (ret = uv_load(s, &uvs, err)) ||
	    (ret = value_price(hyps, &uvs, cat, cost.currency, at_us, out, err)) ||
	    (ret = assess_initiatives(s, &inits, err)))
		goto cleanup;
	value_add_cost(out, &cost);
	for (i = 0; i < out->ng; i++)
		json_array_foreach(inits, j, spec) {
			const char *name = json_str(spec, "name"), *title = json_str(spec, "title");
			if (name && title && *title && !strcmp(name, out->g[i].group))
				out->g[i].title = xstrdup(title);
		}
cleanup:
	if (ret)
		value_report_release(out);
	json_decref(inits);
	uv_set_release(&uvs);
	cost_result_release(&cost);
	return ret;
}
