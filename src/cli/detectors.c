/*
 * detectors.c - plugging the measurement layers' failure-mode detectors
 * into the playbook engine's findings (assess/playbook.h).
 *
 * assess/ may not call metrics/ (it sits below it), so the glue lives
 * here, at the top: each detector runs a measurement kernel and turns its
 * finding into findings_add().  A detector whose data was never imported
 * says which import would supply it, and the finding is listed as not
 * assessed rather than silently absent.
 */
#include <string.h>

#include "assess/playbook.h"
#include "cmd.h"
#include "core/cjson.h"
#include "metrics/adoption.h"
#include "metrics/journeys.h"

/* Add a measurement finding (JSON from a kernel) to the list. */
static void add_json_finding(struct finding_list *out, const struct catalog *cat,
			     const char *mode, const char *subject, json_t *f)
{
	static const char *const skip[] = { "id", "model", "failure_mode", "name",
					    "summary", "move", NULL };
	json_t *figures = json_object(), *v;
	const char *key;
	size_t i;

	/* everything but the finding's identity is evidence */
	json_object_foreach(f, key, v) {
		for (i = 0; skip[i] && strcmp(skip[i], key); i++)
			;
		if (!skip[i])
			json_object_set(figures, key, v);
	}
	findings_add(out, cat, mode, subject, "high", figures, "%s",
		     json_str(f, "summary") ? json_str(f, "summary") : mode);
}

/*
 * Load the adoption report when usage was imported: 0 loaded (release r
 * and t), 1 no usage yet (*lacks says which import supplies it), or a
 * negative code.
 */
static int load_adoption(const struct evidence_env *env, const char **lacks,
			 const char *lacks_text, struct adoption_report *r,
			 struct usage_table *t, struct aiv_err *err)
{
	int64_t n = 0;

	if (store_query_int(env->store, "SELECT count(*) FROM usage_imports", &n, err))
		return err->code;
	if (n == 0) {
		*lacks = lacks_text;
		return 1;
	}
	if (adoption_run(env->store, NULL, PERIOD_MONTH, 0, r, t, err)) {
		utab_release(t);
		return err->code;
	}
	return 0;
}

static int det_two_tier(const struct evidence_env *env, const struct phase_verdict *pv,
			struct finding_list *out, const char **lacks, void *data,
			struct aiv_err *err)
{
	struct adoption_report r;
	struct usage_table t;
	json_t *f;
	int ret;

	(void)pv;
	(void)data;
	if ((ret = load_adoption(env, lacks, "AI-usage imports (aivalue import usage)",
				 &r, &t, err)))
		return ret;
	f = adoption_two_tier(&r, env->cat);
	if (f)
		add_json_finding(out, env->cat, "two_tier_workforce", "organisation", f);
	json_decref(f);
	adoption_report_release(&r);
	utab_release(&t);
	return 0;
}

static int det_volume(const struct evidence_env *env, const struct phase_verdict *pv,
		      struct finding_list *out, const char **lacks, void *data,
		      struct aiv_err *err)
{
	struct adoption_config cfg;
	json_t *rep = NULL, *f = NULL;
	int64_t n = 0;

	(void)pv;
	(void)data;
	if (store_query_int(env->store, "SELECT count(*) FROM journey_events", &n, err))
		return err->code;
	if (n == 0) {
		*lacks = "customer journey imports (aivalue import journeys)";
		return 1;
	}
	if (adoption_config_load(&cfg, NULL, err))
		return err->code;
	if (journeys_report(env->store, &cfg, env->cat, &rep, &f, err))
		return err->code;
	if (f)
		add_json_finding(out, env->cat, "volume_over_credibility", "channel/ai_assistant", f);
	json_decref(f);
	json_decref(rep);
	return 0;
}

/* Shadow AI: usage on a tool the register does not list, or by a role it does not allow. */
static int det_shadow(const struct evidence_env *env, const struct phase_verdict *pv,
		      struct finding_list *out, const char **lacks, void *data,
		      struct aiv_err *err)
{
	struct adoption_register reg = { NULL, NULL };
	struct adoption_report r;
	struct usage_table t;
	json_t *f;
	int ret;

	(void)pv;
	(void)data;
	if ((ret = load_adoption(env, lacks,
				 "AI-usage imports (aivalue import usage) and a Tool register",
				 &r, &t, err)))
		return ret;
	if (adoption_register_load(env->store, &reg, err)) {
		adoption_report_release(&r);
		utab_release(&t);
		return err->code;
	}
	f = adoption_shadow_ai(&t, &r, &reg);
	if (f) {
		json_t *figures = json_deep_copy(f);
		json_object_del(figures, "summary");
		json_object_del(figures, "id");
		findings_add(out, env->cat, "shadow_ai", "tools", "high", figures, "%s",
			     json_str(f, "summary") ? json_str(f, "summary") : "shadow AI");
	}
	json_decref(f);
	adoption_register_release(&reg);
	adoption_report_release(&r);
	utab_release(&t);
	return 0;
}

/*
 * Generation outpacing governance (model 4): AI-generated change requests
 * are being queued because their approvers cannot keep up (change/ queues
 * them and records why in change_findings).
 */
static int det_outpacing(const struct evidence_env *env, const struct phase_verdict *pv,
			 struct finding_list *out, const char **lacks, void *data,
			 struct aiv_err *err)
{
	struct store_stmt *st;
	int64_t n = 0, queued = 0;
	json_t *figures;
	int rc;

	(void)pv;
	(void)data;
	if (store_query_int(env->store, "SELECT count(*) FROM change_requests", &n, err))
		return err->code;
	if (n == 0) {
		*lacks = "change requests (aivalue change open)";
		return 1;
	}
	if (store_query_int(env->store,
			    "SELECT count(*) FROM change_requests WHERE status = 'queued'",
			    &queued, err))
		return err->code;
	if (queued == 0)
		return 0;
	st = store_prepare(env->store, "SELECT message, data FROM change_findings"
			   " ORDER BY id DESC LIMIT 1", err);
	if (!st)
		return err->code;
	figures = json_pack("{s:I, s:I}", "queued_change_requests", (json_int_t)queued,
			    "change_requests", (json_int_t)n);
	rc = store_step(st, err);
	if (rc == STORE_ROW) {
		json_t *d = json_loads(store_col_text(st, 1), 0, NULL);
		if (d)
			json_object_set_new(figures, "latest", d);
		findings_add(out, env->cat, "generation_outpaces_governance", "change-control",
			     "high", figures, "%s; %lld AI-generated change request%s queued",
			     store_col_text(st, 0), (long long)queued, queued == 1 ? "" : "s");
	} else {
		findings_add(out, env->cat, "generation_outpaces_governance", "change-control",
			     "high", figures, "%lld AI-generated change request%s queued until "
			     "approvers catch up", (long long)queued, queued == 1 ? "" : "s");
	}
	store_reset(st);
	return rc < 0 ? rc : 0;
}

static const struct finding_detector outpacing = {
	"generation_outpaces_governance", det_outpacing, NULL, NULL };
static const struct finding_detector two_tier = { "two_tier_workforce", det_two_tier, NULL, NULL };
static const struct finding_detector volume = { "volume_over_credibility", det_volume, NULL, NULL };
static const struct finding_detector shadow = { "shadow_ai", det_shadow, NULL, "Shadow AI" };

void cli_register_detectors(void)
{
	findings_register(&two_tier);
	findings_register(&volume);
	findings_register(&shadow);
	findings_register(&outpacing);
}
