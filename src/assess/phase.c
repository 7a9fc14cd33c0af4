/*
 * phase.c - phase gates from evidence, initiatives ahead of their gate,
 * and the persisted verdict.  See playbook.h for the semantics.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply/apply.h"
#include "core/cjson.h"
#include "core/hash.h"
#include "core/timeutil.h"
#include "ledger/ledger.h"
#include "playbook.h"

const char *const gate_status_names[3] = { "pass", "fail", "lacks evidence" };

const char *gate_op_words(const char *op)
{
	static const char *const words[][2] = {
		{ ">=", "at least" }, { ">", "more than" }, { "<=", "at most" },
		{ "<", "less than" }, { "==", "exactly" }, { "!=", "other than" },
	};
	size_t i;

	for (i = 0; op && i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcmp(op, words[i][0]))
			return words[i][1];
	return op ? op : "";
}

int gate_check(const struct cat_criterion *cr, const struct evidence_value *ev)
{
	const double eps = 1e-9;
	double v = ev->value, t = cr->value;
	int ok;

	if (ev->state != EV_MEASURED || !isfinite(v))
		return GATE_LACKS;
	if (!strcmp(cr->op, ">="))
		ok = v >= t - eps;
	else if (!strcmp(cr->op, ">"))
		ok = v > t + eps;
	else if (!strcmp(cr->op, "<="))
		ok = v <= t + eps;
	else if (!strcmp(cr->op, "<"))
		ok = v < t - eps;
	else if (!strcmp(cr->op, "=="))
		ok = fabs(v - t) <= eps;
	else if (!strcmp(cr->op, "!="))
		ok = fabs(v - t) > eps;
	else
		return GATE_LACKS; /* the catalog loader refuses other operators */
	return ok ? GATE_PASS : GATE_FAIL;
}

int assess_initiatives(struct store *s, json_t **out, struct aiv_err *err)
{
	return apply_object_specs(s, "Initiative", out, err);
}

void phase_verdict_release(struct phase_verdict *v)
{
	size_t i;

	for (i = 0; i < v->nahead; i++) {
		free(v->ahead[i].initiative);
		free(v->ahead[i].model);
		free(v->ahead[i].status);
	}
	free(v->ahead);
	free(v->g);
	memset(v, 0, sizeof(*v));
}

int phase_compute(const struct evidence_env *env, struct phase_verdict *out,
		  struct aiv_err *err)
{
	const struct catalog *cat = env->cat;
	json_t *inis = NULL, *ini;
	size_t i, j, k, total = 0;
	int blocked = 0, ret;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < cat->nphases; i++)
		total += cat->phases[i].ngate;
	out->g = xcalloc(total + 1, sizeof(*out->g));
	out->earned = 1;
	for (k = 1; k <= cat->nphases; k++) {
		const struct cat_phase *ph = catalog_phase_by_number(cat, (int)k);
		int all = 1;
		if (!ph)
			break;
		for (j = 0; j < ph->ngate; j++) {
			struct gate_result *g = &out->g[out->ng++];
			g->phase = ph;
			g->cr = &ph->gate[j];
			if ((ret = evidence_get(env, g->cr->metric, &g->ev, err)))
				goto fail;
			g->status = gate_check(g->cr, &g->ev);
			if (k == 1 && g->status != GATE_LACKS)
				out->evidenced = 1;
			if (g->status != GATE_PASS)
				all = 0;
		}
		if (!blocked && all && catalog_phase_by_number(cat, (int)k + 1))
			out->earned = (int)k + 1;
		if (!all)
			blocked = 1;
	}
	out->phase = catalog_phase_by_number(cat, out->earned);
	if ((ret = assess_initiatives(env->store, &inis, err)))
		goto fail;
	json_array_foreach(inis, i, ini) {
		const char *status = json_str(ini, "status");
		int ph = (int)json_integer_value(json_object_get(ini, "phase"));
		struct ahead_item *a;
		if (!status || (strcmp(status, "pilot") && strcmp(status, "production")))
			continue;
		if (ph <= out->earned)
			continue;
		out->ahead = xrealloc(out->ahead, st_mult(out->nahead + 1, sizeof(*out->ahead)));
		a = &out->ahead[out->nahead++];
		a->initiative = xstrdup(json_str(ini, "name"));
		a->model = xstrdup(json_str(ini, "model"));
		a->status = xstrdup(status);
		a->phase = ph;
	}
	json_decref(inis);
	return 0;
fail:
	phase_verdict_release(out);
	return ret;
}

/*
 * with_detail adds what may change without the verdict changing: each
 * figure's source text and time.  The stored hash covers the rest.
 */
static json_t *verdict_core_json(const struct phase_verdict *v, int with_detail)
{
	json_t *o = json_object(), *crit = json_array(), *ahead = json_array();
	size_t i;

	json_object_set_new(o, "earned", json_integer(v->earned));
	if (v->phase) {
		json_object_set_new(o, "phase_id", json_string(v->phase->id));
		json_object_set_new(o, "phase_name", json_string(v->phase->name));
	}
	for (i = 0; i < v->ng; i++) {
		const struct gate_result *g = &v->g[i];
		json_t *c = json_pack("{s:i, s:s, s:s, s:s, s:s, s:f, s:s}",
				      "phase", g->phase->number, "criterion", g->cr->id,
				      "description", g->cr->description, "metric", g->cr->metric,
				      "op", g->cr->op, "threshold", g->cr->value,
				      "status", gate_status_names[g->status]);
		json_object_set_new(c, "value", g->ev.state == EV_MEASURED ?
				    json_real(floor(g->ev.value * 1e6 + 0.5) / 1e6) : json_null());
		if (with_detail)
			json_object_set_new(c, "source", json_string(g->ev.source));
		if (with_detail && g->ev.measured_at) {
			char t[TIME_ISO_LEN];
			time_format_us(g->ev.measured_at, t);
			json_object_set_new(c, "measured_at", json_string(t));
		}
		json_array_append_new(crit, c);
	}
	for (i = 0; i < v->nahead; i++)
		json_array_append_new(ahead, json_pack("{s:s, s:s, s:s, s:i}",
			"initiative", v->ahead[i].initiative, "model", v->ahead[i].model,
			"status", v->ahead[i].status, "phase", v->ahead[i].phase));
	json_object_set_new(o, "criteria", crit);
	json_object_set_new(o, "ahead_of_gate", ahead);
	return o;
}

const char *phase_headline(const struct phase_verdict *v, size_t nphases, char *buf, size_t n)
{
	const char *name = v->phase ? v->phase->name : "?";

	if (v->evidenced)
		snprintf(buf, n, "Phase %d of %zu earned: %s", v->earned, nphases, name);
	else
		snprintf(buf, n, "Phase %d of %zu, not earned yet: %s (no evidence imported)",
			 v->earned, nphases, name);
	return buf;
}

/*
 * "evidenced" is detail: the stored verdict (and its hash) stays what it
 * was, since "earned" did not change meaning.
 */
json_t *phase_verdict_json(const struct phase_verdict *v)
{
	json_t *o = verdict_core_json(v, 1);

	json_object_set_new(o, "evidenced", json_boolean(v->evidenced));
	return o;
}

int phase_persist(struct store *s, const char *actor, const struct phase_verdict *v,
		  int *changed, int64_t *seq, struct aiv_err *err)
{
	json_t *core = verdict_core_json(v, 0), *full = verdict_core_json(v, 1);
	char *canon = cjson_dumps(core), *fullc = cjson_dumps(full);
	char hex[SHA256_HEX], t[TIME_ISO_LEN];
	struct store_stmt *st;
	int rc, ret;

	*changed = 0;
	*seq = 0;
	sha256_hex(canon, strlen(canon), hex);
	if ((ret = store_begin(s, err)))
		goto out;
	st = store_prepare(s, "SELECT verdict_hash FROM phase_verdicts ORDER BY id DESC LIMIT 1", err);
	if (!st) {
		ret = err->code;
		goto rollback;
	}
	rc = store_step(st, err);
	if (rc == STORE_ROW && !strcmp(store_col_text(st, 0), hex)) {
		store_reset(st);
		store_rollback(s);
		goto out;
	}
	store_reset(st);
	if (rc < 0) {
		ret = rc;
		goto rollback;
	}
	if ((ret = ledger_append(s, actor, "phase.verdict", "phase/org", full, seq, err)))
		goto rollback;
	st = store_prepare(s, "INSERT INTO phase_verdicts(computed_at, earned, verdict,"
			      " verdict_hash, seq) VALUES (?,?,?,?,?)", err);
	if (!st) {
		ret = err->code;
		goto rollback;
	}
	time_format_us(time_now_us(), t);
	store_bind_text(st, 1, t);
	store_bind_int(st, 2, v->earned);
	store_bind_text(st, 3, fullc);
	store_bind_text(st, 4, hex);
	store_bind_int(st, 5, *seq);
	rc = store_step(st, err);
	store_reset(st);
	if (rc < 0) {
		ret = rc;
		goto rollback;
	}
	if ((ret = store_commit(s, err)))
		goto rollback;
	*changed = 1;
	goto out;
rollback:
	store_rollback(s);
	*seq = 0;
out:
	free(canon);
	free(fullc);
	json_decref(core);
	json_decref(full);
	return ret;
}

static json_t *strlist_json(const struct strlist *l)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < l->n; i++)
		json_array_append_new(a, json_string(l->v[i]));
	return a;
}

void phase_json_add_crosswalk(json_t *verdict, const struct questionnaire *q)
{
	json_t *c;
	size_t i;

	json_array_foreach(json_object_get(verdict, "criteria"), i, c) {
		const struct rq_gatexw *g = questionnaire_gate_xwalk(q, json_str(c, "criterion"));
		if (!g)
			continue;
		json_object_set_new(c, "nist_ai_rmf", strlist_json(&g->nist));
		json_object_set_new(c, "iso_42001", strlist_json(&g->iso));
	}
}
