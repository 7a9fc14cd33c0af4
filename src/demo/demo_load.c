/*
 * demo_load.c - loading the generated folder into a workspace through
 * the same library calls the commands make (see each step's comment for
 * the command it stands for).  Nothing here writes a row itself.
 *
 * Escalations that should already have expired are requested as of
 * "hours_ago" hours before the load: the decision runs with the clock
 * set back through $AIVALUE_FAKE_TIME (time_now_us()'s test hook), the
 * way the control tests drive expiry, and the clock is restored at once.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "apply/apply.h"
#include "assess/hypothesis.h"
#include "assess/playbook.h"
#include "assess/questionnaire.h"
#include "assess/readiness.h"
#include "assess/series.h"
#include "change/change.h"
#include "change/rules.h"
#include "change/sync.h"
#include "change/writeback.h"
#include "control/control.h"
#include "core/banned.h"
#include "core/cjson.h"
#include "core/timeutil.h"
#include "demo/demo_int.h"
#include "ingest/identity.h"
#include "ingest/ingest.h"
#include "ingest/journeys.h"
#include "ingest/logstore.h"
#include "ingest/org_import.h"
#include "ingest/usage.h"
#include "metrics/eventlog.h"

struct loader {
	struct demo *d;
	struct store *s;
	const struct catalog *cat;
	const char *actor;
	demo_step_fn fn;
	void *data;
	struct timespec t0;
	struct demo_step st;
};

/* A step begins; its progress calls (demo_progress) count `unit` (or none: NULL). */
static void begin_counted(struct loader *L, const char *name, const char *unit)
{
	memset(&L->st, 0, sizeof(L->st));
	L->st.name = name;
	L->st.unit = unit;
	L->st.begun = 1;
	if (L->fn)
		L->fn(&L->st, L->data);
	L->st.begun = 0;
	clock_gettime(CLOCK_MONOTONIC, &L->t0);
}

static void begin(struct loader *L, const char *name)
{
	begin_counted(L, name, NULL);
}

static void progress(struct loader *L, uint64_t done, uint64_t total)
{
	if (L->d->o.progress)
		L->d->o.progress(L->d->o.progress_arg, done, total);
}

static void end(struct loader *L, json_t *counts)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	L->st.seconds = (double)(t.tv_sec - L->t0.tv_sec) + (double)(t.tv_nsec - L->t0.tv_nsec) / 1e9;
	json_object_set_new(counts, "seconds", json_real((double)(long)(L->st.seconds * 1000) / 1000));
	json_object_set_new(L->d->loaded, L->st.name, counts);
	if (L->fn)
		L->fn(&L->st, L->data);
}

/* `aivalue apply -f FILE...` */
static int apply_files(struct loader *L, const char *const *rel, size_t n,
		       struct apply_result *res, struct aiv_err *err)
{
	char **paths = xcalloc(n, sizeof(*paths));
	size_t i;
	int ret;

	for (i = 0; i < n; i++)
		paths[i] = demo_path(L->d, rel[i]);
	ret = apply_sources(L->s, L->cat, L->actor, (const char *const *)paths, n, NULL, 0, 0,
			    res, err);
	for (i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	return ret;
}

static int step_apply(struct loader *L, const char *name, const char *const *rel, size_t n,
		      struct aiv_err *err)
{
	struct apply_result res;
	int ret;

	begin(L, name);
	if ((ret = apply_files(L, rel, n, &res, err)))
		return ret;
	snprintf(L->st.detail, sizeof(L->st.detail), "%zu objects created", res.created);
	end(L, json_pack("{s:I}", "created", (json_int_t)res.created));
	apply_result_release(&res);
	return 0;
}

/*
 * `aivalue import org org/users-*.json --format entra-users --map org/map.yaml`,
 * then `aivalue apply -f org/initiatives.yaml` (initiatives name their
 * owners, so the people come first).
 */
static int step_org(struct loader *L, struct aiv_err *err)
{
	static const char *const ini[] = { "org/initiatives.yaml" };
	struct org_import_opts o;
	struct org_result res;
	struct apply_result ar;
	char **paths = xcalloc((size_t)L->d->org_pages + 1, sizeof(*paths));
	char *map = demo_path(L->d, "org/map.yaml"), rel[64];
	size_t created;
	int i, ret;

	begin(L, "people, teams, initiatives");
	for (i = 0; i < L->d->org_pages; i++) {
		snprintf(rel, sizeof(rel), "org/users-%d.json", i + 1);
		paths[i] = demo_path(L->d, rel);
	}
	memset(&o, 0, sizeof(o));
	o.format = "entra-users";
	o.paths = (const char *const *)paths;
	o.npaths = (size_t)L->d->org_pages;
	o.map = map;
	ret = org_import(L->s, L->cat, L->actor, &o, &res, err);
	created = res.nteams + res.njoined;
	if (!ret && res.nwarnings)
		ret = aiv_fail(err, AIV_EINTERNAL, "the demo's directory export has a warning: "
			       "%s: %s", res.warnings[0].what, res.warnings[0].detail);
	org_result_release(&res);
	for (i = 0; i < L->d->org_pages; i++)
		free(paths[i]);
	free(paths);
	free(map);
	if (ret || (ret = apply_files(L, ini, 1, &ar, err)))
		return ret;
	created += ar.created;
	apply_result_release(&ar);
	snprintf(L->st.detail, sizeof(L->st.detail), "%zu objects created", created);
	end(L, json_pack("{s:I}", "created", (json_int_t)created));
	return 0;
}

/* `aivalue identities import`, then `aivalue import usage FILE --format F` per export. */
static int step_usage(struct loader *L, struct aiv_err *err)
{
	struct identity_import_result ir;
	int64_t rows = 0, unmatched = 0;
	char *path = demo_path(L->d, "usage/identities.csv");
	json_t *per = json_object();
	size_t i;
	int ret;

	begin(L, "identity map");
	ret = identity_import_csv(L->s, L->actor, path, &ir, err);
	free(path);
	if (ret) {
		json_decref(per);
		return ret;
	}
	snprintf(L->st.detail, sizeof(L->st.detail), "%lld identities", (long long)ir.rows);
	end(L, json_pack("{s:I}", "identities", (json_int_t)ir.rows));

	begin_counted(L, "a year of AI usage", "files");
	if ((ret = usage_run_begin(L->s, err))) {
		json_decref(per);
		return ret;
	}
	for (i = 0; i < L->d->nusage; i++) {
		progress(L, i, L->d->nusage);
		struct usage_opts o;
		struct usage_summary sum;
		json_t *f;
		memset(&o, 0, sizeof(o));
		o.format = L->d->usage_formats[i];
		path = demo_path(L->d, L->d->usage_files[i]);
		ret = usage_import_file(L->s, L->actor, path, &o, &sum, err);
		free(path);
		if (ret) {
			struct aiv_err e2 = AIV_ERR_INIT;
			usage_run_end(L->s, &e2);
			json_decref(per);
			return ret;
		}
		rows += sum.rows;
		unmatched += sum.unmatched_rows;
		f = json_object_get(per, o.format);
		if (!f) {
			f = json_pack("{s:I, s:I}", "files", (json_int_t)0, "rows", (json_int_t)0);
			json_object_set_new(per, o.format, f);
		}
		json_object_set_new(f, "files", json_integer(json_integer_value(json_object_get(f, "files")) + 1));
		json_object_set_new(f, "rows", json_integer(json_integer_value(json_object_get(f, "rows")) + sum.rows));
		usage_summary_release(&sum);
	}
	if ((ret = usage_run_end(L->s, err))) {
		json_decref(per);
		return ret;
	}
	snprintf(L->st.detail, sizeof(L->st.detail), "%lld usage rows from %zu exports (%lld unmatched)",
		 (long long)rows, L->d->nusage, (long long)unmatched);
	end(L, json_pack("{s:I, s:I, s:I, s:o}", "files", (json_int_t)L->d->nusage, "rows",
			 (json_int_t)rows, "unmatched_rows", (json_int_t)unmatched, "formats", per));
	return 0;
}

/*
 * What `aivalue import usage` does after each import: the stored metric
 * series (assess/series.h), here once for the whole year of usage.
 */
static int step_series(struct loader *L, struct aiv_err *err)
{
	int64_t points = 0;
	int ret;

	begin(L, "metric history");
	if ((ret = metric_series_refresh(L->s, L->cat, INT32_MIN, &points, err)))
		return ret;
	snprintf(L->st.detail, sizeof(L->st.detail), "%lld weekly and monthly points",
		 (long long)points);
	end(L, json_pack("{s:I}", "points", (json_int_t)points));
	return 0;
}

/* `aivalue import journeys FILE --format csv`, events then outcomes. */
static int step_journeys(struct loader *L, struct aiv_err *err)
{
	static const char *const files[] = { "journeys/events.csv", "journeys/outcomes.csv" };
	struct journey_summary sum[2];
	size_t i;
	int ret;

	begin_counted(L, "customer journeys", "files");
	for (i = 0; i < 2; i++) {
		progress(L, i, 2);
		struct journey_opts o = { .format = "csv" };
		char *path = demo_path(L->d, files[i]);
		ret = journey_import_file(L->s, L->actor, path, &o, &sum[i], err);
		free(path);
		if (ret)
			return ret;
	}
	snprintf(L->st.detail, sizeof(L->st.detail), "%lld journeys, %lld customers, %lld outcomes",
		 (long long)sum[0].journeys, (long long)sum[0].customers, (long long)sum[1].rows);
	end(L, json_pack("{s:I, s:I, s:I}", "journeys", (json_int_t)sum[0].journeys, "events",
			 (json_int_t)sum[0].rows, "outcomes", (json_int_t)sum[1].rows));
	return 0;
}

/* `aivalue import cases FILE.xes --name LOG` */
static int step_cases(struct loader *L, struct aiv_err *err)
{
	struct eventlog l;
	struct ingest_opts io = { 0 };
	enum logstore_status status;
	char hash[SHA256_HEX], rel[96], *path;
	int64_t seq = 0;
	int ret;

	begin(L, "event log (XES)");
	snprintf(rel, sizeof(rel), "cases/%s.xes%s", L->d->story.log,
		 L->d->o.size == DEMO_LARGE ? ".gz" : "");
	path = demo_path(L->d, rel);
	eventlog_init(&l);
	ret = ingest_xes_file(path, &l, &io, err);
	if (!ret)
		ret = logstore_save(L->s, L->actor, L->d->story.log, "xes", strrchr(rel, '/') + 1, &l,
				    &status, &seq, hash, err);
	free(path);
	if (!ret) {
		snprintf(L->st.detail, sizeof(L->st.detail), "log '%s': %u cases, %zu events",
			 L->d->story.log, l.ncases, l.n);
		end(L, json_pack("{s:s, s:I, s:I}", "log", L->d->story.log, "cases",
				 (json_int_t)l.ncases, "events", (json_int_t)l.n));
	}
	eventlog_release(&l);
	return ret;
}

/* Sign CR until it leaves "open": eligible people from its approval slots. */
static int sign_until(struct change_env *env, struct demo *d, const char *cr,
		      const struct change_cr_view *opened, const char *author,
		      const char *decision, int *nsig, struct aiv_err *err)
{
	const char *cand[64];
	size_t ncand = 0, i, k;
	int ret;

	for (i = 0; i < opened->approval.nslots; i++) {
		const char *kind = opened->approval.slots[i].kind;
		const char *name = opened->approval.slots[i].name;
		if (!strcmp(kind, "person")) {
			if (ncand < ARRAY_SIZE(cand))
				cand[ncand++] = name;
		} else if (!strcmp(kind, "team")) {
			int t = demo_team_find(d, name);
			for (k = 0; t >= 0 && k < (size_t)d->teams[t].n && k < 4 && ncand < ARRAY_SIZE(cand); k++)
				cand[ncand++] = d->people[d->teams[t].first + (int)k].name;
		} else {
			const char *lead = demo_function_lead(d, name, author, NULL);
			if (lead && ncand < ARRAY_SIZE(cand))
				cand[ncand++] = lead;
		}
	}
	for (i = 0; i < ncand; i++) {
		struct change_sign_result res;
		int dup = 0, done;
		for (k = 0; k < i; k++)
			dup |= !strcmp(cand[k], cand[i]);
		if (dup || !strcmp(cand[i], author))
			continue;
		ret = change_sign(env, cr, decision, cand[i],
				  !strcmp(decision, "approve") ? "approved as an owner on the approval path"
							      : "rejected: the step duplicates the record",
				  !strcmp(decision, "approve") ? "the new step matches how we work"
							      : "the record already says who prepared it",
				  &res, err);
		if (ret == AIV_EPERM || ret == AIV_ECONFLICT) {
			aiv_err_clear(err);
			continue;
		}
		if (ret)
			return ret;
		(*nsig)++;
		done = strcmp(res.status, "open") != 0;
		change_sign_result_release(&res);
		if (done)
			return 0;
	}
	return 0;
}

/* The demo file rel (under the demo's folder) into sb: 0, or AIV_EIO naming it. */
static int read_change_file(struct loader *L, const char *rel, struct strbuf *sb,
			    struct aiv_err *err)
{
	char *path = demo_path(L->d, rel);
	int ret = 0;

	if (strbuf_read_file(sb, path, 1 << 20) < 0)
		ret = aiv_fail(err, AIV_EIO, "cannot read '%s'", path);
	free(path);
	return ret;
}

/*
 * `aivalue artefacts sync DIR`, then `aivalue change open|approve|reject|
 * merge|review` for SOP-1 .. SOP-n/2: k % 4 == 1 merged (its form stays
 * stale, its control test is reviewed), 2 approved, 3 rejected, 0 open;
 * and an open change to the domain policy.
 */
/* Set the clock to `us` through $AIVALUE_FAKE_TIME (restore with clock_restore). */
static void clock_at(int64_t us)
{
	char iso[TIME_ISO_LEN];

	time_format_us(us, iso);
	setenv("AIVALUE_FAKE_TIME", iso, 1);
}

static void clock_restore(const char *saved);

/*
 * When change request k of last (1-based) is opened: spread from 80 days
 * to 10 days before the load, so the change-control metrics have monthly
 * points (metrics history) and not one month.  Signatures come 3 to 32
 * hours after the opening, the merge and the test's review an hour later.
 */
#define CHANGE_FIRST_DAYS_AGO 80
#define CHANGE_LAST_DAYS_AGO 10
static int64_t change_opened_at(int64_t load, int k, int last)
{
	int64_t span = CHANGE_FIRST_DAYS_AGO - CHANGE_LAST_DAYS_AGO;
	int64_t ago = CHANGE_FIRST_DAYS_AGO - (last > 1 ? span * (k - 1) / (last - 1) : 0);

	return load - ago * 86400 * (int64_t)1000000;
}

static int step_change(struct loader *L, struct aiv_err *err)
{
	char saved[TIME_ISO_LEN + 8];
	const char *cur = getenv("AIVALUE_FAKE_TIME");
	int64_t load = time_now_us(), opened_us;
	struct change_rules *rules = NULL;
	struct change_env env;
	struct sync_args a;
	json_t *res = NULL;
	struct change_cr_view opened = { 0 };
	char *path = demo_path(L->d, "artefacts");
	int n = demo_sop_count(L->d), k, ret, nsig = 0;
	struct strbuf evb = STRBUF_INIT;
	struct change_evidence ev;
	char evname[40];
	long merged = 0, approved = 0, rejected = 0, open = 0, stale = 0, reviewed = 0;

	snprintf(saved, sizeof(saved), "%s", cur ? cur : "");
	begin(L, "SOP/policy/contract graph");
	if ((ret = change_rules_load(&rules, NULL, L->cat, err)))
		goto cleanup;
	env.s = L->s;
	env.cat = L->cat;
	env.rules = rules;
	env.actor = L->actor;
	memset(&a, 0, sizeof(a));
	a.dir = path;
	if ((ret = sync_dir(&env, &a, &res, err)))
		goto cleanup;
	snprintf(L->st.detail, sizeof(L->st.detail), "%zu artefacts registered",
		 json_array_size(json_object_get(res, "registered")));
	end(L, json_pack("{s:I}", "artefacts", (json_int_t)json_array_size(json_object_get(res, "registered"))));
	json_decref(res);
	res = NULL;

	begin_counted(L, "change requests", "change requests");
	for (k = 1; k <= n / 2 + 1; k++) {
		struct change_open_args oa;
		struct strbuf sb = STRBUF_INIT;
		char rel[64], cr[32], art[32];
		const char *author, *id;
		int t;
		progress(L, (uint64_t)k - 1, (uint64_t)(n / 2 + 1));
		if (k <= n / 2) {
			snprintf(rel, sizeof(rel), "changes/sop-%d-v2.md", k);
			snprintf(art, sizeof(art), "SOP-%d", k);
		} else {
			snprintf(rel, sizeof(rel), "changes/pol-2-v2.md");
			snprintf(art, sizeof(art), "POL-2");
		}
		if ((ret = read_change_file(L, rel, &sb, err))) {
			strbuf_release(&sb);
			goto cleanup;
		}
		/* the author works in quality: never the owner, on no team slot */
		t = demo_team_find(L->d, L->d->o.industry == DEMO_INSURANCE ? "claims-quality"
				   : L->d->o.industry == DEMO_RETAIL ? "product-quality" : "quality-assurance");
		author = L->d->people[L->d->teams[t].first + 1 + k % (L->d->teams[t].n - 1)].name;
		memset(&oa, 0, sizeof(oa));
		oa.artefact = art;
		oa.content = sb.buf;
		oa.content_len = sb.len;
		oa.reason = k <= n / 2 ? "record when an AI assistant prepared the work (POL-1 rule 3)"
				       : "agents may prepare decisions; people own them";
		oa.risk = "medium";
		oa.author = author;
		if (k <= n / 2 && demo_change_has_evidence(L->d, k)) {
			/* the walk-through note, so the merged change is audit-ready */
			snprintf(evname, sizeof(evname), "sop-%d-review.md", k);
			snprintf(rel, sizeof(rel), "changes/%s", evname);
			if ((ret = read_change_file(L, rel, &evb, err))) {
				strbuf_release(&sb);
				goto cleanup;
			}
			ev.name = evname;
			ev.data = evb.buf;
			ev.len = evb.len;
			oa.evidence = &ev;
			oa.nevidence = 1;
		}
		opened_us = change_opened_at(load, k, n / 2 + 1);
		clock_at(opened_us);
		ret = change_open(&env, &oa, &opened, err);
		clock_at(opened_us + (int64_t)(3 + k * 7 % 30) * 3600 * 1000000);
		strbuf_release(&sb);
		strbuf_reset(&evb);
		if (ret)
			goto cleanup;
		id = opened.cr.id;
		snprintf(cr, sizeof(cr), "%s", id ? id : "");
		if (k > n / 2 || k % 4 == 0) {
			open++;
		} else if (k % 4 == 3) {
			if ((ret = sign_until(&env, L->d, cr, &opened, author, "reject", &nsig, err)))
				goto cleanup;
			rejected++;
		} else {
			if ((ret = sign_until(&env, L->d, cr, &opened, author, "approve", &nsig, err)))
				goto cleanup;
			approved++;
			if (k % 4 == 1) {
				struct change_merge_result m;
				struct change_review_result rv;
				char *written = NULL, test[32];
				clock_at(opened_us + (int64_t)(4 + k * 7 % 30) * 3600 * 1000000);
				if ((ret = change_merge(&env, cr, &m, err)))
					goto cleanup;
				stale += (long)m.nstale;
				change_merge_result_release(&m);
				/* as `change merge` does: write the new content back */
				if (change_write_back(L->s, cr, &written, err))
					aiv_err_clear(err);
				free(written);
				merged++;
				approved--;
				/* the control test's owner reviews it; the form stays stale */
				snprintf(test, sizeof(test), "TEST-%d", k);
				t = demo_team_find(L->d, L->d->o.industry == DEMO_INSURANCE ? "claims-quality"
						   : L->d->o.industry == DEMO_RETAIL ? "product-quality"
						   : "quality-assurance");
				if ((ret = change_review(&env, test, L->d->people[L->d->teams[t].lead].name,
							 "reviewed: the test still covers the SOP",
							 "the new step needs no new sample", 1, &rv, err)))
					goto cleanup;
				change_review_result_release(&rv);
				reviewed++;
			}
		}
		change_cr_view_release(&opened);
		clock_restore(saved);
	}
	snprintf(L->st.detail, sizeof(L->st.detail),
		 "%ld merged, %ld approved, %ld rejected, %ld open; %ld stale marks, %ld reviewed",
		 merged, approved, rejected, open, stale, reviewed);
	end(L, json_pack("{s:i, s:i, s:i, s:i, s:i, s:i, s:i}", "merged", (int)merged, "approved",
			 (int)approved, "rejected", (int)rejected, "open", (int)open, "stale_marks",
			 (int)stale, "reviewed", (int)reviewed, "signatures", nsig));
	ret = 0;
cleanup:
	if (ret)
		clock_restore(saved);
	strbuf_release(&evb);
	json_decref(res);
	change_cr_view_release(&opened);
	change_rules_free(rules);
	free(path);
	return ret;
}

/* `aivalue assess org --answers FILE` */
static int step_readiness(struct loader *L, struct aiv_err *err)
{
	struct questionnaire *q = NULL;
	struct ra_set set;
	char *path = demo_path(L->d, "assess/readiness.yaml");
	int64_t seq = 0;
	int ret;

	begin(L, "readiness answers");
	memset(&set, 0, sizeof(set));
	if (!(ret = questionnaire_load(&q, L->cat, L->d->o.questionnaire, err)) &&
	    !(ret = readiness_parse_answers(q, path, time_now_us(), &set, err)) &&
	    !(ret = readiness_save(L->s, L->actor, &set, 0, &seq, err))) {
		snprintf(L->st.detail, sizeof(L->st.detail), "%zu answers", set.n);
		end(L, json_pack("{s:I}", "answers", (json_int_t)set.n));
	}
	ra_set_release(&set);
	questionnaire_free(q);
	free(path);
	return ret;
}

/* `aivalue apply -f hypotheses.yaml` and `aivalue evidence --data observations.csv` */
static int step_hypotheses(struct loader *L, struct aiv_err *err)
{
	static const char *const hyp[] = { "assess/hypotheses.yaml" };
	struct apply_result res;
	struct hyp_report rep;
	char *path;
	int64_t rows = 0, seq = 0;
	int ret;

	begin(L, "value hypotheses and evidence");
	if ((ret = apply_files(L, hyp, 1, &res, err)))
		return ret;
	apply_result_release(&res);
	path = demo_path(L->d, "assess/observations.csv");
	ret = hyp_import_csv(L->s, L->cat, L->actor, path, &rows, &seq, err);
	free(path);
	if (ret || (ret = hyp_evaluate_all(L->s, L->cat, time_now_us(), &rep, err)))
		return ret;
	snprintf(L->st.detail, sizeof(L->st.detail),
		 "%zu hypotheses, %lld observations: %zu supported, %zu not, %zu insufficient",
		 rep.n, (long long)rows, rep.supported, rep.not_supported, rep.insufficient);
	end(L, json_pack("{s:I, s:I, s:I, s:I, s:I}", "hypotheses", (json_int_t)rep.n,
			 "observations", (json_int_t)rows, "supported", (json_int_t)rep.supported,
			 "not_supported", (json_int_t)rep.not_supported, "insufficient",
			 (json_int_t)rep.insufficient));
	hyp_report_release(&rep);
	return 0;
}

/* `aivalue apply -f money/prices.yaml` and `aivalue evidence --data money/observations.csv` */
static int step_money(struct loader *L, struct aiv_err *err)
{
	static const char *const money[] = { "money/prices.yaml" };
	struct apply_result res;
	char *path;
	int64_t rows = 0, seq = 0;
	int ret;

	begin(L, "price book, unit values");
	if ((ret = apply_files(L, money, 1, &res, err)))
		return ret;
	path = demo_path(L->d, "money/observations.csv");
	ret = hyp_import_csv(L->s, L->cat, L->actor, path, &rows, &seq, err);
	free(path);
	if (ret) {
		apply_result_release(&res);
		return ret;
	}
	snprintf(L->st.detail, sizeof(L->st.detail), "%zu objects, %lld observations",
		 res.n, (long long)rows);
	end(L, json_pack("{s:I, s:I}", "objects", (json_int_t)res.n, "observations",
			 (json_int_t)rows));
	apply_result_release(&res);
	return 0;
}

/* `aivalue phase`: compute and record the verdict agent control reads. */
static int step_phase(struct loader *L, struct aiv_err *err)
{
	struct evidence_env env = { L->s, L->cat, time_now_us(), 0 };
	struct phase_verdict pv;
	int64_t seq = 0;
	int changed = 0, ret;
	size_t i;
	json_t *ahead = json_array();

	begin(L, "phase verdict");
	if ((ret = phase_compute(&env, &pv, err))) {
		json_decref(ahead);
		return ret;
	}
	if ((ret = phase_persist(L->s, L->actor, &pv, &changed, &seq, err))) {
		phase_verdict_release(&pv);
		json_decref(ahead);
		return ret;
	}
	for (i = 0; i < pv.nahead; i++)
		json_array_append_new(ahead, json_string(pv.ahead[i].initiative));
	snprintf(L->st.detail, sizeof(L->st.detail), "phase %d earned; %zu initiative%s ahead of the gate",
		 pv.earned, pv.nahead, pv.nahead == 1 ? "" : "s");
	end(L, json_pack("{s:i, s:o}", "earned", pv.earned, "ahead_of_gate", ahead));
	phase_verdict_release(&pv);
	return 0;
}

/* Set the clock `hours_ago` back (0: leave it); *saved keeps what to restore. */
static void clock_back(int hours_ago, char *saved, size_t n)
{
	const char *cur = getenv("AIVALUE_FAKE_TIME");
	char iso[TIME_ISO_LEN];

	snprintf(saved, n, "%s", cur ? cur : "");
	if (hours_ago <= 0)
		return;
	time_format_us(time_now_us() - (int64_t)hours_ago * 3600 * 1000000, iso);
	setenv("AIVALUE_FAKE_TIME", iso, 1);
}

static void clock_restore(const char *saved)
{
	if (*saved)
		setenv("AIVALUE_FAKE_TIME", saved, 1);
	else
		unsetenv("AIVALUE_FAKE_TIME");
}

/*
 * `aivalue decide ...` per line of control/decisions.jsonl, then
 * `aivalue exceptions approve|reject ITEM --as PERSON --reason R` as the
 * line's "then" says.
 */
static int step_decisions(struct loader *L, struct aiv_err *err)
{
	struct control_engine *eng = NULL;
	struct strbuf sb = STRBUF_INIT;
	char *path = demo_path(L->d, "control/decisions.jsonl"), *line, *nl, saved[64];
	long n = 0, outcome[3] = { 0, 0, 0 }, acted[2] = { 0, 0 }, pending = 0, backdated = 0;
	int ret = 0;

	begin_counted(L, "agent decisions and exceptions", "bytes");
	if (strbuf_read_file(&sb, path, 64u << 20) < 0) {
		ret = aiv_fail(err, AIV_EIO, "cannot read '%s'", path);
		goto cleanup;
	}
	if ((ret = control_engine_load(L->s, 0, &eng, err)))
		goto cleanup;
	for (line = sb.buf; line && *line; line = nl) {
		struct control_request req;
		struct control_decision dec;
		json_error_t je;
		json_t *j;
		const char *then, *by;
		int ago;
		progress(L, (uint64_t)(line - sb.buf), sb.len);
		nl = strchr(line, '\n');
		if (nl)
			*nl++ = '\0';
		if (!*line)
			continue;
		if (!(j = json_loads(line, 0, &je))) {
			ret = aiv_fail(err, AIV_EINPUT, "%s:%ld: %s", path, n + 1, je.text);
			goto cleanup;
		}
		memset(&req, 0, sizeof(req));
		req.agent = json_str(j, "agent");
		req.action = json_str(j, "action");
		req.resource = json_str(j, "resource");
		req.on_behalf_of = json_str(j, "on_behalf_of");
		req.context = json_object_get(j, "context");
		then = json_str(j, "then");
		by = json_str(j, "by");
		ago = (int)json_integer_value(json_object_get(j, "hours_ago"));
		clock_back(ago, saved, sizeof(saved));
		ret = control_decide(L->s, eng, L->actor, &req, &dec, err);
		clock_restore(saved);
		if (ret) {
			json_decref(j);
			goto cleanup;
		}
		n++;
		outcome[dec.outcome]++;
		if (dec.exception_id[0] && then && by &&
		    (!strcmp(then, "approve") || !strcmp(then, "reject"))) {
			struct control_exception out = { 0 };
			ret = control_exception_act(L->s, L->actor, dec.exception_id,
						    !strcmp(then, "approve") ? CONTROL_APPROVE : CONTROL_REJECT,
						    by, !strcmp(then, "approve")
						    ? "checked against the file: the agent's proposal stands"
						    : "the amount does not match the file", NULL, &out, err);
			control_exception_release(&out);
			if (ret) {
				control_decision_release(&dec);
				json_decref(j);
				goto cleanup;
			}
			acted[!strcmp(then, "approve") ? 0 : 1]++;
		} else if (dec.exception_id[0]) {
			pending++;
			backdated += ago > 0;
		}
		control_decision_release(&dec);
		json_decref(j);
	}
	/* as every `aivalue exceptions` call does: overdue items expire now */
	if ((ret = control_expire(L->s, L->actor, err)))
		goto cleanup;
	snprintf(L->st.detail, sizeof(L->st.detail),
		 "%ld decisions (%ld escalated, %ld denied, %ld allowed); %ld approved, %ld rejected, "
		 "%ld open, %ld overdue", n, outcome[CONTROL_ESCALATE], outcome[CONTROL_DENY],
		 outcome[CONTROL_ALLOW], acted[0], acted[1], pending - backdated, backdated);
	end(L, json_pack("{s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i}", "decisions", (int)n,
			 "escalate", (int)outcome[CONTROL_ESCALATE], "deny", (int)outcome[CONTROL_DENY],
			 "allow", (int)outcome[CONTROL_ALLOW], "approved", (int)acted[0], "rejected",
			 (int)acted[1], "open", (int)(pending - backdated), "overdue", (int)backdated));
cleanup:
	control_engine_free(eng);
	strbuf_release(&sb);
	free(path);
	return ret;
}

int demo_load(struct demo *d, struct store *s, const struct catalog *cat, const char *actor,
	      demo_step_fn fn, void *data, struct aiv_err *err)
{
	static const char *const reg[] = { "usage/register.yaml" };
	static const char *const ctl[] = { "control/agents.yaml" };
	struct loader L;
	int ret;

	memset(&L, 0, sizeof(L));
	L.d = d;
	L.s = s;
	L.cat = cat;
	L.actor = actor;
	L.fn = fn;
	L.data = data;
	if ((ret = step_org(&L, err)) ||
	    (ret = step_apply(&L, "allowed-tools register", reg, 1, err)) ||
	    (ret = step_usage(&L, err)) ||
	    (ret = step_series(&L, err)) ||
	    (ret = step_journeys(&L, err)) ||
	    (ret = step_cases(&L, err)) ||
	    (ret = step_change(&L, err)) ||
	    (ret = step_apply(&L, "agents, workflows, Cedar policies", ctl, 1, err)) ||
	    (ret = step_readiness(&L, err)) ||
	    (ret = step_hypotheses(&L, err)) ||
	    (ret = step_money(&L, err)) ||
	    (ret = step_phase(&L, err)) ||
	    (ret = step_decisions(&L, err)))
		return ret;
	return 0;
}
