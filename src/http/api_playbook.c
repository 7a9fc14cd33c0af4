/*
 * api_playbook.c - the playbook engine over HTTP: phase, findings,
 * roadmap, hypotheses, readiness scores and questions, answers, report.
 *
 * Each handler calls the library functions the matching CLI command
 * calls (cli/phase.c, findings.c, roadmap.c, evidence.c, assess.c,
 * report.c) and returns the same JSON, so `aivalue --json phase` and
 * GET /api/v1/phase agree.  One difference: GET /api/v1/phase never
 * stores the verdict (a GET changes nothing); `aivalue phase` does.
 *
 * Roles: every human role reads; answers are posted by lead and admin.
 * The answers body is the answers file of `assess org --answers` (YAML
 * or JSON); evidence files cannot be named in a request (they would be
 * files on the server), so documented answers are given with the CLI.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess/playbook.h"
#include "core/timeutil.h"
#include "ledger/ledger.h"
#include "report/report.h"
#include "routes.h"

static void h_phase(struct http_request *req, struct http_response *res)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct evidence_env env = { req->store, req->cat, time_now_us(), 0 };
	struct questionnaire *q = NULL;
	struct phase_verdict pv;
	json_t *o;

	if (questionnaire_load(&q, req->cat, assess_questionnaire_path(), &err)) {
		http_error_from(res, &err);
		return;
	}
	if (phase_compute(&env, &pv, &err)) {
		http_error_from(res, &err);
		questionnaire_free(q);
		return;
	}
	o = phase_verdict_json(&pv);
	phase_json_add_crosswalk(o, q);
	http_json(res, 200, o);
	phase_verdict_release(&pv);
	questionnaire_free(q);
}

static void h_findings(struct http_request *req, struct http_response *res)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct evidence_env env = { req->store, req->cat, time_now_us(), 0 };
	struct phase_verdict pv;
	struct finding_list fl;

	if (phase_compute(&env, &pv, &err)) {
		http_error_from(res, &err);
		return;
	}
	if (findings_compute(&env, &pv, &fl, &err)) { /* releases fl on failure */
		http_error_from(res, &err);
	} else {
		http_json(res, 200, finding_list_json(&fl));
		finding_list_release(&fl);
	}
	phase_verdict_release(&pv);
}

static void h_roadmap(struct http_request *req, struct http_response *res)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct playbook_state ps;

	if (playbook_compute(req->store, req->cat, assess_questionnaire_path(),
			     http_query(req, "industry"), time_now_us(), &ps, &err))
		http_error_from(res, &err);
	else
		http_json(res, 200, roadmap_json(&ps.rm));
	playbook_release(&ps);
}

static void h_hypotheses(struct http_request *req, struct http_response *res)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct hyp_report rep;

	if (hyp_evaluate_all(req->store, req->cat, time_now_us(), &rep, &err)) {
		http_error_from(res, &err);
		return;
	}
	http_json(res, 200, hyp_report_json(&rep));
	hyp_report_release(&rep);
}

/* Scores of `set` with measured answers applied (as `assess show --json`). */
static int scores_json(struct http_request *req, const struct questionnaire *q,
		       struct ra_set *set, json_t **out, struct aiv_err *err)
{
	struct evidence_env env = { req->store, req->cat, time_now_us(), 0 };
	struct readiness_score rs;
	struct ra_measured_list measured;
	int ret;

	if ((ret = readiness_apply_measured(&env, q, set, &measured, err)))
		return ret;
	readiness_score(req->cat, q, set, env.now, &rs);
	*out = readiness_score_json(req->cat, q, set, &rs);
	json_object_set_new(*out, "measured_answers", ra_measured_list_json(&measured));
	ra_measured_list_release(&measured);
	readiness_score_release(&rs);
	return 0;
}

static void h_assess(struct http_request *req, struct http_response *res)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct questionnaire *q = NULL;
	struct ra_set set;
	json_t *o = NULL;
	int found = 0;

	memset(&set, 0, sizeof(set));
	if (questionnaire_load(&q, req->cat, assess_questionnaire_path(), &err) ||
	    readiness_load_latest(req->store, &set, &found, &err))
		http_error_from(res, &err);
	else if (!found) /* no data is an answer, not an error */
		http_json(res, 200, json_pack("{s:n, s:i, s:I, s:s}", "set", "answered", 0,
					      "total", (json_int_t)q->n, "message",
					      "no readiness answers saved yet; POST them to "
					      "/api/v1/assess/answers or run 'aivalue assess org'"));
	else if (scores_json(req, q, &set, &o, &err))
		http_error_from(res, &err);
	else
		http_json(res, 200, o);
	ra_set_release(&set);
	questionnaire_free(q);
}

static void h_questions(struct http_request *req, struct http_response *res)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct questionnaire *q = NULL;

	if (questionnaire_load(&q, req->cat, assess_questionnaire_path(), &err)) {
		http_error_from(res, &err);
		return;
	}
	http_json(res, 200, questionnaire_json(q));
	questionnaire_free(q);
}

static void h_answers(struct http_request *req, struct http_response *res)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct questionnaire *q = NULL;
	struct ra_set set;
	json_t *o = NULL;
	char actor[160];
	int64_t seq = 0;

	memset(&set, 0, sizeof(set));
	if (req->body_len == 0) {
		http_error(res, 400, "empty body: send the answers file (answers: [{question, "
			   "choice, provenance, source, as_of, note}])");
		return;
	}
	snprintf(actor, sizeof(actor), "token:%s", req->token.name);
	if (questionnaire_load(&q, req->cat, assess_questionnaire_path(), &err)) {
		http_error_from(res, &err);
		return;
	}
	if (readiness_parse_answers_buf(q, "request-body", req->body, req->body_len,
					time_now_us(), &set, &err)) {
		http_error_from(res, &err);
		goto out;
	}
	free(set.origin);
	set.origin = xstrfmt("api (%s)", actor);
	if (readiness_save(req->store, actor, &set, 0, &seq, &err)) {
		http_error_from(res, &err);
		goto out;
	}
	if (scores_json(req, q, &set, &o, &err)) {
		http_error_from(res, &err);
		goto out;
	}
	json_object_set_new(o, "ledger_seq", json_integer(seq));
	http_json(res, 201, o);
out:
	ra_set_release(&set);
	questionnaire_free(q);
}

static void h_report(struct http_request *req, struct http_response *res)
{
	struct aiv_err err = AIV_ERR_INIT;
	const char *format = http_query(req, "format");
	struct playbook_state ps;
	struct report_meta meta;
	char now[TIME_ISO_LEN];
	int ok;

	if (!format || !*format)
		format = "html";
	if (strcmp(format, "html") && strcmp(format, "md") && strcmp(format, "json")) {
		http_error(res, 400, "unknown report format '%s' (html, md or json)", format);
		return;
	}
	memset(&meta, 0, sizeof(meta));
	time_format_us(time_now_us(), now);
	meta.generated_at = now;
	meta.workspace = "served by aivalue serve";
	if (ledger_head(req->store, &meta.head_seq, meta.head_hash, &err)) {
		http_error_from(res, &err);
		return;
	}
	ok = !playbook_compute(req->store, req->cat, assess_questionnaire_path(),
			       http_query(req, "industry"), time_now_us(), &ps, &err) &&
	     !report_render(&ps, &meta, format, &res->body, &err);
	if (!ok) {
		strbuf_reset(&res->body);
		http_error_from(res, &err);
	} else {
		res->status = 200;
		res->content_type = !strcmp(format, "html") ? "text/html; charset=utf-8" :
				    !strcmp(format, "md") ? "text/markdown; charset=utf-8" :
				    "application/json";
	}
	playbook_release(&ps);
}

#define HUMANS ROLE_HUMANS

static const struct http_qparam q_industry[] = {
	{ "industry", "string", "retail, insurance, manufacturing or generic (default)" },
	{ NULL, NULL, NULL },
};
static const struct http_qparam q_report[] = {
	{ "format", "string", "html (default), md or json" },
	{ "industry", "string", "industry path for the roadmap" },
	{ NULL, NULL, NULL },
};

const struct http_route http_playbook_routes[] = {
	{ "GET", "/api/v1/phase", HUMANS, R_DOC, h_phase,
	  "the phase earned and every exit-gate criterion (as 'aivalue phase --json'; not stored)",
	  "playbook", NULL, NULL },
	{ "GET", "/api/v1/findings", HUMANS, R_DOC, h_findings,
	  "failure-mode findings with figures and leadership moves", "playbook", NULL, NULL },
	{ "GET", "/api/v1/roadmap", HUMANS, R_DOC, h_roadmap,
	  "next steps by priority and the Phase 2 trio", "playbook", q_industry, NULL },
	{ "GET", "/api/v1/hypotheses", HUMANS, R_DOC, h_hypotheses,
	  "value hypotheses and their verdicts (as 'aivalue evidence --json')", "playbook",
	  NULL, NULL },
	{ "GET", "/api/v1/assess", HUMANS, R_DOC, h_assess,
	  "readiness scores of the newest answer set (as 'aivalue assess show --json')",
	  "playbook", NULL, NULL },
	{ "GET", "/api/v1/assess/questions", HUMANS, R_DOC, h_questions,
	  "the readiness questionnaire with crosswalk ids", "playbook", NULL, NULL },
	{ "POST", "/api/v1/assess/answers", ROLE_ADMIN | ROLE_LEAD, R_DOC | R_BODY, h_answers,
	  "save a readiness answer set (the answers file, YAML or JSON); all or nothing",
	  "playbook", NULL, NULL },
	{ "GET", "/api/v1/report", HUMANS, R_DOC, h_report,
	  "the standalone playbook report (as 'aivalue report')", "playbook", q_report,
	  "text/html" },
	HTTP_ROUTES_END,
};
