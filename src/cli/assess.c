/*
 * assess.c - `aivalue assess org|show|questions`: the readiness
 * questionnaire in the terminal or from a YAML file, and its scores.
 *
 * The interactive run reads one line per question from stdin, so it works
 * the same on a terminal and from a here-doc:
 *     3                 choice 3, provenance stated
 *     3 d FILE          choice 3, documented by FILE (hashed and stored)
 *     3 m SOURCE        choice 3, measured by the named system check
 *     (empty)           keep the current answer, if there is one
 *     s / b / q         skip, go back, save progress and quit
 * Each answer is kept in a draft as soon as it is given; the run resumes
 * at the first question not yet visited.  When every question has been
 * visited the answers are saved as one set (one ledger entry).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess/library.h"
#include "assess/playbook.h"
#include "cmd.h"
#include "core/cjson.h"
#include "core/timeutil.h"
#include "options.h"

const char *cli_questionnaire_path(void)
{
	const char *p = getenv("AIVALUE_QUESTIONNAIRE");

	return p && *p ? p : NULL;
}

static const char *level_name(const struct catalog *cat, int level)
{
	size_t i;

	if (level < 0)
		return "not assessed";
	for (i = 0; i < cat->nlevels; i++)
		if (cat->levels[i].level == level)
			return cat->levels[i].name;
	return "?";
}

static void print_scores(const struct catalog *cat, const struct questionnaire *q,
			 const struct ra_set *set, const struct readiness_score *rs,
			 const struct ra_measured_list *measured)
{
	size_t i;

	printf("Readiness: answer set %lld (ledger entry %lld), %zu of %zu questions answered\n",
	       (long long)set->id, (long long)set->seq, rs->answered, rs->total);
	printf("Governance cap: no dimension above level %d (lowest basic + %d)\n\n", rs->cap,
	       q->scoring.governance_cap_margin);
	printf("%-26s %-16s %-10s %s\n", "DIMENSION", "LEVEL", "CONFIDENCE", "ANSWERED");
	for (i = 0; i < rs->ndims; i++) {
		const struct rs_dim *d = &rs->dims[i];
		char lv[64];
		if (d->level < 0)
			snprintf(lv, sizeof(lv), "-");
		else
			snprintf(lv, sizeof(lv), "%d %s%s", d->level, level_name(cat, d->level),
				 d->capped ? "*" : "");
		printf("%-26s %-16s %-10.2f %zu/%zu\n", cat->dimensions[i].name, lv,
		       d->confidence, d->answered, d->total);
	}
	printf("\n%-26s %-16s %-10s %s\n", "VALUE MODEL", "LEVEL", "CONFIDENCE", "LIMITED BY");
	for (i = 0; i < rs->nmodels; i++) {
		const struct rs_model *m = &rs->models[i];
		char lv[64];
		if (m->level < 0)
			snprintf(lv, sizeof(lv), "-");
		else
			snprintf(lv, sizeof(lv), "%d %s", m->level, level_name(cat, m->level));
		printf("%-26s %-16s %-10.2f %s\n", cat->models[i].name, lv, m->confidence,
		       m->limiting_dim >= 0 ? cat->dimensions[m->limiting_dim].name : "-");
	}
	printf("\nGovernance basics:");
	for (i = 0; i < RQ_NBASICS; i++) {
		if (rs->basic_level[i] < 0)
			printf(" %s unanswered%s", rq_basic_names[i], i + 1 < RQ_NBASICS ? "," : "");
		else
			printf(" %s %d%s%s", rq_basic_names[i], rs->basic_level[i],
			       rs->basic_evidenced[i] ? " (evidenced)" : " (not evidenced)",
			       i + 1 < RQ_NBASICS ? "," : "");
	}
	printf("\n");
	for (i = 0; i < rs->ndims; i++)
		if (rs->dims[i].capped) {
			printf("* capped by the governance basics (raw level shown by --json)\n");
			break;
		}
	for (i = 0; i < measured->n; i++) {
		const struct ra_measured *mn = &measured->v[i];
		if (i == 0)
			printf("\nMeasured answers (they replace stated ones):\n");
		if (mn->agrees)
			printf("  %s: measured %s = %.4g confirms level %d\n", mn->question,
			       mn->metric, mn->value, mn->measured_level);
		else if (mn->stated_level >= 0)
			printf("  %s: you said level %d; measured %s = %.4g gives level %d (%s)\n",
			       mn->question, mn->stated_level, mn->metric, mn->value,
			       mn->measured_level, mn->source);
		else
			printf("  %s: not answered; measured %s = %.4g gives level %d (%s)\n",
			       mn->question, mn->metric, mn->value, mn->measured_level, mn->source);
	}
}

/* Scores with measured answers applied; prints or --json. */
static int show_scores(struct aiv_ctx *ctx, const struct questionnaire *q, struct ra_set *set,
		       const char *header)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct evidence_env env = { ctx->store, ctx->cat, time_now_us(), 0 };
	struct readiness_score rs;
	struct ra_measured_list measured;

	if (readiness_apply_measured(&env, q, set, &measured, &err))
		return cli_error(&err);
	readiness_score(ctx->cat, q, set, env.now, &rs);
	if (ctx->json) {
		json_t *o = readiness_score_json(ctx->cat, q, set, &rs);
		json_object_set_new(o, "measured_answers", ra_measured_list_json(&measured));
		cli_print_json(o);
	} else {
		if (header)
			printf("%s", header);
		print_scores(ctx->cat, q, set, &rs, &measured);
	}
	ra_measured_list_release(&measured);
	readiness_score_release(&rs);
	return 0;
}

/* Trim trailing newline/space in place. */
static void chomp(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
}

static double minutes_left(const struct questionnaire *q, const struct ra_set *draft)
{
	double m = 0;
	size_t i;

	for (i = 0; i < q->n; i++)
		if (!ra_set_find(draft, q->q[i].id))
			m += q->q[i].minutes;
	return m;
}

/* Parse "N", "N d FILE", "N m SOURCE" into a; returns 0 or prints why and -1. */
static int parse_answer(const struct rq_question *rq, char *line, struct ra_answer *a,
			struct aiv_err *err)
{
	char *end, *rest;
	long v = strtol(line, &end, 10);

	if (end == line || (*end && *end != ' ')) {
		aiv_fail(err, AIV_EINPUT, "'%s' is not a choice: type a number, s, b or q", line);
		return -1;
	}
	if (v < 1 || v > (long)rq->nchoices) {
		aiv_fail(err, AIV_EINPUT, "choice %ld is out of range (1 to %zu)", v, rq->nchoices);
		return -1;
	}
	a->choice = (int)v;
	a->level = rq->choices[v - 1].level;
	a->provenance = PROV_STATED;
	rest = end;
	while (*rest == ' ')
		rest++;
	if (!*rest)
		return 0;
	if ((rest[0] == 'd' || rest[0] == 'm') && rest[1] == ' ') {
		char kind = rest[0];
		rest += 2;
		while (*rest == ' ')
			rest++;
		if (!*rest) {
			aiv_fail(err, AIV_EINPUT, "'%c' needs %s", kind,
				 kind == 'd' ? "an evidence file" : "the name of the system check");
			return -1;
		}
		if (kind == 'd')
			return ra_answer_attach(a, rest, err) ? -1 : 0;
		a->provenance = PROV_MEASURED;
		a->source = xstrdup(rest);
		return 0;
	}
	aiv_fail(err, AIV_EINPUT, "after the choice write 'd FILE' or 'm SOURCE', not '%s'", rest);
	return -1;
}

static void free_answer(struct ra_answer *a)
{
	free(a->evidence_sha);
	free(a->evidence_name);
	free(a->evidence_data);
	free(a->source);
	memset(a, 0, sizeof(*a));
}

static int save_and_print(struct aiv_ctx *ctx, const struct questionnaire *q,
			  struct ra_set *set, int clear_draft)
{
	struct aiv_err err = AIV_ERR_INIT;
	char header[128];
	int64_t seq = 0;

	if (readiness_save(ctx->store, ctx->actor, set, clear_draft, &seq, &err))
		return cli_error(&err);
	snprintf(header, sizeof(header), "saved answer set %lld (ledger entry %lld)\n\n",
		 (long long)set->id, (long long)seq);
	return show_scores(ctx, q, set, header);
}

static int interactive(struct aiv_ctx *ctx, const struct questionnaire *q)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct ra_set draft, set;
	char *line = NULL;
	size_t cap = 0, idx = 0, i;
	int ret = 0;

	if (readiness_draft_load(ctx->store, &draft, &err))
		return cli_error(&err);
	while (idx < q->n && ra_set_find(&draft, q->q[idx].id))
		idx++;
	printf("Readiness questionnaire: %zu questions, about %.0f minutes.\n"
	       "Answer with a number (stated), 'N d FILE' (documented by FILE) or 'N m SOURCE'\n"
	       "(measured by a system check); s skips, b goes back, q saves progress and quits.\n",
	       q->n, questionnaire_minutes(q));
	if (draft.n)
		printf("Resuming: %zu of %zu already answered or skipped.\n", draft.n, q->n);
	while (idx < q->n) {
		const struct rq_question *rq = &q->q[idx];
		struct ra_answer *cur = ra_set_find(&draft, rq->id);
		struct ra_answer a;
		ssize_t got;

		printf("\nquestion %zu of %zu, ~%.0f min left\n", idx + 1, q->n,
		       minutes_left(q, &draft));
		printf("[%s] %s\n", ctx->cat->dimensions[rq->dim].name, rq->text);
		for (i = 0; i < rq->nchoices; i++)
			printf("  %zu) %s\n", i + 1, rq->choices[i].text);
		if (cur && cur->choice > 0)
			printf("current answer: %d (press Enter to keep it)\n", cur->choice);
		printf("> ");
		fflush(stdout);
		got = getline(&line, &cap, stdin);
		if (got < 0) {
			printf("\nend of input: progress saved; run 'aivalue assess org' to continue\n");
			goto out;
		}
		chomp(line);
		if (!*line) {
			if (cur && cur->choice > 0)
				idx++;
			continue;
		}
		if (!strcmp(line, "q")) {
			printf("progress saved (%zu of %zu); run 'aivalue assess org' to continue\n",
			       draft.n, q->n);
			goto out;
		}
		if (!strcmp(line, "b")) {
			if (idx > 0)
				idx--;
			continue;
		}
		memset(&a, 0, sizeof(a));
		a.question = rq->id;
		a.answered_at = time_now_us();
		if (!strcmp(line, "s")) {
			a.choice = 0;
			a.level = 0;
		} else if (parse_answer(rq, line, &a, &err)) {
			fprintf(stderr, "error: %s\n", err.msg);
			free_answer(&a);
			aiv_err_clear(&err);
			continue;
		}
		if (readiness_draft_put(ctx->store, &a, &err)) {
			free_answer(&a);
			ret = cli_error(&err);
			goto out;
		}
		ra_set_put(&draft, &a);
		free_answer(&a);
		idx++;
	}
	memset(&set, 0, sizeof(set));
	for (i = 0; i < draft.n; i++) /* a draft may predate a questionnaire edit */
		if (draft.a[i].choice > 0 && questionnaire_find(q, draft.a[i].question, NULL))
			ra_set_put(&set, &draft.a[i]);
	set.origin = xstrdup("interactive");
	if (set.n == 0) {
		ret = cli_errorf("every question was skipped: nothing to save");
		if (readiness_draft_clear(ctx->store, &err))
			ret = cli_error(&err);
	} else {
		printf("\n");
		ret = save_and_print(ctx, q, &set, 1);
	}
	ra_set_release(&set);
out:
	free(line);
	ra_set_release(&draft);
	return ret;
}

static int assess_questions_cmd(struct aiv_ctx *ctx, const struct questionnaire *q)
{
	size_t i, j;

	if (ctx->json) {
		cli_print_json(questionnaire_json(q));
		return 0;
	}
	printf("%zu questions, about %.0f minutes\n", q->n, questionnaire_minutes(q));
	for (i = 0; i < q->n; i++) {
		const struct rq_question *rq = &q->q[i];
		struct strbuf x = STRBUF_INIT;
		for (j = 0; j < rq->nist.n; j++)
			strbuf_addf(&x, "%s%s", j ? ", " : "", rq->nist.v[j]);
		strbuf_addstr(&x, " | ");
		for (j = 0; j < rq->iso.n; j++)
			strbuf_addf(&x, "%s%s", j ? ", " : "", rq->iso.v[j]);
		printf("%2zu %-22s %-22s %s\n   crosswalk: %s\n", i + 1, rq->id, rq->dimension,
		       rq->text, x.buf);
		strbuf_release(&x);
	}
	return 0;
}

/*
 * One answer changed: a new set that is the newest saved set (or none)
 * with this answer put in, saved with its own ledger entry.
 */
static int assess_answer_cmd(struct aiv_ctx *ctx, const char *qid, const char *choice,
		      const char *evidence, const char *source)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct questionnaire *q = NULL;
	const struct rq_question *rq;
	struct ra_set set;
	struct ra_answer a;
	char *end;
	long c;
	int found = 0, ret;

	memset(&set, 0, sizeof(set));
	memset(&a, 0, sizeof(a));
	if (evidence && source) {
		fprintf(stderr, "error: give --evidence or --source, not both\n");
		return 2;
	}
	if (questionnaire_load(&q, ctx->cat, cli_questionnaire_path(), &err))
		return cli_error(&err);
	if (!(rq = questionnaire_find(q, qid, NULL))) {
		ret = cli_errorf("unknown question '%s' (see 'aivalue assess questions')", qid);
		goto out;
	}
	c = strtol(choice, &end, 10);
	if (end == choice || *end || c < 1 || c > (long)rq->nchoices) {
		ret = cli_errorf("choice '%s' is out of range for '%s' (1 to %zu)", choice, qid,
				 rq->nchoices);
		goto out;
	}
	a.question = rq->id;
	a.choice = (int)c;
	a.level = rq->choices[c - 1].level;
	a.provenance = PROV_STATED;
	a.answered_at = time_now_us();
	if (evidence && ra_answer_attach(&a, evidence, &err)) {
		ret = cli_error(&err);
		goto out;
	}
	if (source) {
		a.provenance = PROV_MEASURED;
		a.source = xstrdup(source);
	}
	if (readiness_load_latest(ctx->store, &set, &found, &err)) {
		ret = cli_error(&err);
		goto out;
	}
	ra_set_put(&set, &a);
	free(set.origin);
	set.origin = xstrfmt("answer %s", qid);
	ret = save_and_print(ctx, q, &set, 0);
out:
	free_answer(&a);
	ra_set_release(&set);
	questionnaire_free(q);
	return ret;
}

static int assess_workflow_cmd(struct aiv_ctx *ctx, const char *name)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct evidence_env env = { ctx->store, ctx->cat, time_now_us(), 0 };
	struct questionnaire *q = NULL;
	struct ra_set set;
	struct phase_verdict pv;
	struct workflow_verdict wv;
	struct ra_measured_list notes;
	size_t i;
	int found = 0, ret = 0;

	memset(&notes, 0, sizeof(notes));
	memset(&set, 0, sizeof(set));
	memset(&pv, 0, sizeof(pv));
	memset(&wv, 0, sizeof(wv));
	if (questionnaire_load(&q, ctx->cat, cli_questionnaire_path(), &err) ||
	    readiness_load_latest(ctx->store, &set, &found, &err) ||
	    (found && readiness_apply_measured(&env, q, &set, &notes, &err)) ||
	    phase_compute(&env, &pv, &err) ||
	    workflow_assess(&env, q, found ? &set : NULL, &pv, name, &wv, &err)) {
		ret = cli_error(&err);
		goto out;
	}
	if (ctx->json) {
		cli_print_json(workflow_verdict_json(&wv));
		goto out;
	}
	printf("Workflow %s (%s, %s, phase %lld): %s\n", name, json_str(wv.initiative, "model"),
	       json_str(wv.initiative, "status"),
	       (long long)json_integer_value(json_object_get(wv.initiative, "phase")), wv.overall);
	if (wv.ahead)
		printf("ahead of its gate: the organisation has earned phase %d; run agents "
		       "supervised\n", wv.earned);
	printf("\n");
	for (i = 0; i < wv.n; i++)
		printf("  %-20s %-15s %s\n", wv.r[i].foundation->name, wv.r[i].status,
		       wv.r[i].detail);
out:
	ra_measured_list_release(&notes);
	workflow_verdict_release(&wv);
	phase_verdict_release(&pv);
	ra_set_release(&set);
	questionnaire_free(q);
	return ret;
}

static int assess_import_cmd(struct aiv_ctx *ctx, const char *path)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct library *l = NULL;
	int64_t seq = 0;
	int changed = 0;

	if (library_load(path, &l, &err) ||
	    library_store(ctx->store, ctx->actor, l, &changed, &seq, &err)) {
		library_free(l);
		return cli_error(&err);
	}
	if (ctx->json) {
		cli_print_json(json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:b, s:I, s:o}", "urn",
					 l->urn, "name", l->name, "version", (json_int_t)l->version,
					 "nodes", (json_int_t)l->n, "assessable",
					 (json_int_t)l->nassessable, "questions",
					 (json_int_t)l->nquestions, "changed", changed,
					 "ledger_seq", (json_int_t)seq, "tally",
					 tally_json(&l->tally)));
		library_free(l);
		return 0;
	}
	if (changed)
		printf("imported '%s' (%s, version %lld): %zu requirement nodes, %zu assessable, "
		       "%zu questions (ledger entry %lld)\n", l->name, l->urn, l->version, l->n,
		       l->nassessable, l->nquestions, (long long)seq);
	else
		printf("'%s' version %lld is already imported: nothing changed\n", l->urn,
		       l->version);
	tally_print(&l->tally, stdout, 0);
	library_free(l);
	return 0;
}

static int assess_crosswalk_cmd(struct aiv_ctx *ctx, const struct questionnaire *q,
			 const struct ra_set *set, const char *group)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct lib_crosswalk cw;
	size_t i, j;

	if (library_crosswalk(ctx->store, q, set, group, &cw, &err))
		return cli_error(&err);
	if (ctx->json) {
		cli_print_json(lib_crosswalk_json(&cw));
		lib_crosswalk_release(&cw);
		return 0;
	}
	if (!cw.n)
		printf("no framework imported; use 'aivalue assess import LIBRARY.yaml'\n");
	for (i = 0; i < cw.n; i++) {
		const struct lib_cw_framework *fw = &cw.fw[i];
		printf("%s (%s)\n  %zu assessable requirements, %zu covered by our questions, "
		       "%zu answered\n", fw->name, fw->urn, fw->assessable, fw->covered,
		       fw->answered);
		for (j = 0; j < fw->nreqs; j++) {
			const struct lib_cw_req *r = &fw->reqs[j];
			json_t *qq;
			size_t k;
			printf("  %-12s ", r->ref_id ? r->ref_id : "-");
			if (r->level >= 0)
				printf("score %lld%s%s%s  ", r->score, r->score_name ? " (" : "",
				       r->score_name ? r->score_name : "", r->score_name ? ")" : "");
			else
				printf("%s  ", r->nquestions ? "unanswered" : "not covered");
			for (k = 0; k < r->nquestions; k++)
				printf("%s%s", k ? ", " : "", r->questions[k]);
			printf("\n");
			/* the library's own questions (its document), with choices and add_score */
			json_array_foreach(r->library_questions, k, qq) {
				json_t *c;
				size_t m;
				printf("      %s question (%s%s): %s\n", r->ref_id ? r->ref_id : "-",
				       json_str(qq, "type"),
				       json_object_get(qq, "depends_on") ? ", a follow-up" : "",
				       json_str(qq, "text"));
				json_array_foreach(json_object_get(qq, "choices"), m, c) {
					json_t *sc = json_object_get(c, "add_score");
					printf("        %zu) %s", m + 1, json_str(c, "value"));
					if (json_is_integer(sc))
						printf("  [%+lld]", (long long)json_integer_value(sc));
					printf("\n");
				}
			}
		}
	}
	lib_crosswalk_release(&cw);
	return 0;
}

int cmd_assess(int argc, char **argv, struct aiv_ctx *ctx)
{
	static const char *const usage[] = {
		"aivalue assess org [--answers FILE.yaml] [--restart] [--json]",
		"aivalue assess show [--json]",
		"aivalue assess questions [--json]",
		"aivalue assess answer QUESTION CHOICE [--evidence FILE | --source TEXT] [--json]",
		"aivalue assess workflow INITIATIVE [--json]",
		"aivalue assess import LIBRARY.yaml [--json]",
		"aivalue assess crosswalk [--group IG] [--json]", NULL };
	const char *answers = NULL, *group = NULL, *evidence = NULL, *source = NULL;
	int restart = 0;
	const struct option opts[] = {
		{ OPT_STRING, 0, "answers", &answers, "FILE",
		  "org: answer from a YAML file instead of the terminal" },
		{ OPT_BOOL, 0, "restart", &restart, NULL,
		  "org: drop the unfinished draft and start again" },
		{ OPT_STRING, 0, "evidence", &evidence, "FILE",
		  "answer: documented by FILE (hashed and stored)" },
		{ OPT_STRING, 0, "source", &source, "TEXT",
		  "answer: measured by the named system check" },
		{ OPT_STRING, 0, "group", &group, "IG",
		  "crosswalk: only requirements of this implementation group" },
		{ OPT_END, 0, NULL, NULL, NULL, NULL },
	};
	struct aiv_err err = AIV_ERR_INIT;
	struct questionnaire *q = NULL;
	struct ra_set set;
	int n, ret = 0, found = 0;

	if ((n = parse_options(argc, argv, opts, usage)) < 0)
		return n == -2 ? 0 : 2;
	if (n == 2 && !strcmp(argv[1], "import"))
		return assess_import_cmd(ctx, argv[2]);
	if (n == 2 && !strcmp(argv[1], "workflow"))
		return assess_workflow_cmd(ctx, argv[2]);
	if (n == 3 && !strcmp(argv[1], "answer"))
		return assess_answer_cmd(ctx, argv[2], argv[3], evidence, source);
	if (n != 1 || (strcmp(argv[1], "org") && strcmp(argv[1], "show") &&
		       strcmp(argv[1], "questions") && strcmp(argv[1], "crosswalk"))) {
		usage_with_options(usage, opts, 1);
		return 2;
	}
	if (questionnaire_load(&q, ctx->cat, cli_questionnaire_path(), &err))
		return cli_error(&err);
	memset(&set, 0, sizeof(set));
	if (!strcmp(argv[1], "questions")) {
		ret = assess_questions_cmd(ctx, q);
	} else if (!strcmp(argv[1], "crosswalk")) {
		if (readiness_load_latest(ctx->store, &set, &found, &err))
			ret = cli_error(&err);
		else
			ret = assess_crosswalk_cmd(ctx, q, found ? &set : NULL, group);
	} else if (!strcmp(argv[1], "show")) {
		if (readiness_load_latest(ctx->store, &set, &found, &err))
			ret = cli_error(&err);
		else if (!found)
			ret = cli_errorf("no readiness answers saved yet; run 'aivalue assess org'");
		else
			ret = show_scores(ctx, q, &set, NULL);
	} else if (answers) {
		if (readiness_parse_answers(q, answers, time_now_us(), &set, &err))
			ret = cli_error(&err);
		else
			ret = save_and_print(ctx, q, &set, 0);
	} else {
		if (restart && readiness_draft_clear(ctx->store, &err))
			ret = cli_error(&err);
		else
			ret = interactive(ctx, q);
	}
	ra_set_release(&set);
	questionnaire_free(q);
	return ret;
}
