/*
 * playbook.c - compute the whole playbook picture in one pass, and the
 * registration hook cli/ calls at start.
 */
#include <string.h>

#include "library.h"
#include "playbook.h"

void assess_register(const char *qpath)
{
	apply_register(&hypothesis_kind);
	assess_register_providers(qpath);
	findings_register_builtin();
}

int playbook_compute(struct store *s, const struct catalog *cat, const char *qpath,
		     const char *industry, int64_t now, struct playbook_state *out,
		     struct aiv_err *err)
{
	size_t i;
	int ret;

	memset(out, 0, sizeof(*out));
	out->env.store = s;
	out->env.cat = cat;
	out->env.now = now;
	if ((ret = questionnaire_load(&out->q, cat, qpath, err)) ||
	    (ret = readiness_load_latest(s, &out->set, &out->have_set, err)) ||
	    (out->have_set &&
	     (ret = readiness_apply_measured(&out->env, out->q, &out->set, &out->measured, err))))
		return ret;
	readiness_score(cat, out->q, &out->set, now, &out->rs);
	if ((ret = phase_compute(&out->env, &out->pv, err)) ||
	    (ret = hyp_evaluate_all(s, cat, now, &out->hr, err)) ||
	    (ret = findings_compute(&out->env, &out->pv, &out->fl, err)) ||
	    (ret = roadmap_compute(&out->env, out->q, &out->rs, &out->pv, &out->fl, industry,
				   &out->rm, err)))
		return ret;
	if ((ret = library_crosswalk(s, out->q, out->have_set ? &out->set : NULL, NULL,
				     &out->crosswalk, err)))
		return ret;
	out->metrics = xcalloc(cat->nmetrics + 1, sizeof(*out->metrics));
	for (i = 0; i < cat->nmetrics; i++)
		if ((ret = evidence_get(&out->env, cat->metrics[i].id, &out->metrics[i], err)))
			return ret;
	return 0;
}

void playbook_release(struct playbook_state *p)
{
	questionnaire_free(p->q);
	ra_set_release(&p->set);
	readiness_score_release(&p->rs);
	phase_verdict_release(&p->pv);
	hyp_report_release(&p->hr);
	finding_list_release(&p->fl);
	roadmap_release(&p->rm);
	free(p->metrics);
	json_decref(p->measured);
	json_decref(p->crosswalk);
	memset(p, 0, sizeof(*p));
}
