/*
 * assess_state.c - the assessment tables against the ledger, for `audit
 * verify --state` (ledger/state.h); registered at start by
 * assess_register().
 *
 *   readiness_sets, readiness_answers
 *                  replayed: each assess.answers entry holds its set's
 *                  answers whole; the rows must be exactly those
 *   evidence_files content-addressed: the content hashes to its key
 *   hypotheses     the stored spec is the applied Hypothesis spec the
 *                  ledger vouches for (ledger/bind.h)
 *   frameworks, framework_nodes
 *                  the newest assess.import of each framework: name,
 *                  version, source hash, entry, node and assessable counts
 *   observation_imports, observations
 *                  the newest evidence.import of each file: name, rows and
 *                  entry, that many observation rows, and (entries from
 *                  2026-12 on) their digest, rows_sha256
 *   phase_verdicts the verdict is the payload of the phase.verdict entry
 *                  it names, and hashes to its verdict_hash
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cjson.h"
#include "core/hash.h"
#include "hypothesis.h"
#include "ledger/bind.h"
#include "ledger/ledger.h"
#include "ledger/state.h"
#include "playbook.h"


/* short names for the ledger_state_ helpers: o's string k or "", column i or "" */
static const char *jstr(const json_t *o, const char *k) { return ledger_state_str(o, k); }
static const char *col(struct store_stmt *st, int i) { return ledger_state_col(st, i); }
static int64_t jint(const json_t *o, const char *k) { return json_integer_value(json_object_get(o, k)); }

static void set_row(struct store_stmt *st, const json_t *e, struct ledger_state_report *r)
{
	if (strcmp(col(st, 1), jstr(e, "origin")) || strcmp(col(st, 2), jstr(e, "_actor")) ||
	    store_col_int(st, 3) != jint(e, "_seq"))
		ledger_state_add(r, "readiness_sets", col(st, 0), "origin, actor or entry differ "
				 "from assess.answers entry %lld (%s by %s)", (long long)jint(e, "_seq"),
				 jstr(e, "origin"), jstr(e, "_actor"));
}

static void answer_row(struct store_stmt *st, const json_t *a, struct ledger_state_report *r)
{
	static const char *const fields[] = { "provenance", "evidence_sha256", "evidence_name",
					      "source", "note", "answered_at" };
	size_t i;
	int bad = store_col_int(st, 1) != jint(a, "choice") ||
		  store_col_int(st, 2) != jint(a, "level");

	for (i = 0; i < ARRAY_SIZE(fields) && !bad; i++)
		bad = strcmp(col(st, (int)i + 3), jstr(a, fields[i])) != 0;
	if (bad)
		ledger_state_add(r, "readiness_answers", col(st, 0), "choice %lld, level %lld, %s "
				 "but the ledger says choice %lld, level %lld, %s (or the evidence, "
				 "source, note or time differ)", (long long)store_col_int(st, 1),
				 (long long)store_col_int(st, 2), col(st, 3),
				 (long long)jint(a, "choice"), (long long)jint(a, "level"),
				 jstr(a, "provenance"));
}

static int check_readiness(struct store *s, struct ledger_state_report *r, struct aiv_err *err)
{
	json_t *sets = NULL, *want = json_object();
	const char *k;
	json_t *e;
	int ret;

	r->tables += 2;
	if ((ret = ledger_state_last_entries(s, "assess.answers", "set", &sets, err)))
		goto out;
	/* "set/question" -> answer (with its entry), from every set's entry */
	json_object_foreach(sets, k, e) {
		json_t *a;
		size_t i;
		json_array_foreach(json_object_get(e, "answers"), i, a) {
			char *key = xstrfmt("%s/%s", k, jstr(a, "question"));
			json_t *c = json_copy(a);
			json_object_set(c, "_seq", json_object_get(e, "_seq"));
			json_object_set_new(want, key, c);
			free(key);
		}
	}
	if (!(ret = ledger_state_match_rows(s, "readiness_sets", "SELECT id, origin, actor, seq"
					    " FROM readiness_sets ORDER BY id", sets,
					    "assess.answers", set_row, r, err)))
		ret = ledger_state_match_rows(s, "readiness_answers", "SELECT set_id || '/' ||"
					      " question, choice, level, provenance, evidence_sha,"
					      " evidence_name, source, note, answered_at FROM"
					      " readiness_answers ORDER BY set_id, question", want,
					      "assess.answers", answer_row, r, err);
out:
	json_decref(sets);
	json_decref(want);
	return ret;
}

static int check_evidence_files(struct store *s, struct ledger_state_report *r,
				struct aiv_err *err)
{
	struct store_stmt *st;
	int rc;

	r->tables++;
	if (!(st = store_prepare(s, "SELECT sha256, size, content FROM evidence_files"
				 " ORDER BY sha256", err)))
		return err->code;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		char have[SHA256_HEX];
		r->rows++;
		sha256_hex(store_col_blob(st, 2), store_col_bytes(st, 2), have);
		if (strcmp(have, store_col_text(st, 0)) ||
		    store_col_int(st, 1) != (int64_t)store_col_bytes(st, 2))
			ledger_state_add(r, "evidence_files", store_col_text(st, 0), "the content "
					 "(%zu bytes) hashes to %.12s..., not to its key",
					 store_col_bytes(st, 2), have);
	}
	store_reset(st);
	return rc < 0 ? rc : 0;
}

static int check_hypotheses(struct store *s, struct ledger_state_report *r, struct aiv_err *err)
{
	struct store_stmt *st;
	int rc, ret = 0;

	r->tables++;
	if (!(st = store_prepare(s, "SELECT name, initiative, metric, supersedes, spec"
				 " FROM hypotheses ORDER BY name", err)))
		return err->code;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		const char *name = store_col_text(st, 0);
		struct ledger_bound_object o;
		json_t *spec;
		int found;

		r->rows++;
		if ((ret = ledger_bound_object(s, "Hypothesis", name, &o, &found, err)))
			break;
		if (!found) {
			ledger_state_add(r, "hypotheses", name, "no ledger entry applied this "
					 "hypothesis");
			continue;
		}
		if (!ledger_bound_spec_ok(&o, store_col_text(st, 4), store_col_bytes(st, 4))) {
			ledger_state_add(r, "hypotheses", name, "the spec is not the one the ledger "
					 "recorded (entry %lld)", (long long)o.updated_seq);
			continue;
		}
		spec = json_loadb(store_col_text(st, 4), store_col_bytes(st, 4), 0, NULL);
		if (strcmp(col(st, 1), jstr(spec, "initiative")) ||
		    strcmp(col(st, 2), jstr(spec, "metric")) ||
		    strcmp(col(st, 3), jstr(spec, "supersedes")))
			ledger_state_add(r, "hypotheses", name, "initiative '%s', metric '%s' or "
					 "supersedes differ from the spec ('%s', '%s')", col(st, 1),
					 col(st, 2), jstr(spec, "initiative"), jstr(spec, "metric"));
		json_decref(spec);
	}
	store_reset(st);
	return ret ? ret : rc < 0 ? rc : 0;
}

static void framework_row(struct store_stmt *st, const json_t *e, struct ledger_state_report *r)
{
	if (strcmp(col(st, 1), jstr(e, "name")) || store_col_int(st, 2) != jint(e, "version") ||
	    strcmp(col(st, 3), jstr(e, "sha256")) || store_col_int(st, 4) != jint(e, "_seq"))
		ledger_state_add(r, "frameworks", col(st, 0), "name, version, hash or entry differ "
				 "from assess.import entry %lld ('%s' version %lld)",
				 (long long)jint(e, "_seq"), jstr(e, "name"),
				 (long long)jint(e, "version"));
	if (store_col_int(st, 5) != jint(e, "nodes") || store_col_int(st, 6) != jint(e, "assessable"))
		ledger_state_add(r, "framework_nodes", col(st, 0), "%lld nodes (%lld assessable) but "
				 "assess.import entry %lld says %lld (%lld)",
				 (long long)store_col_int(st, 5), (long long)store_col_int(st, 6),
				 (long long)jint(e, "_seq"), (long long)jint(e, "nodes"),
				 (long long)jint(e, "assessable"));
}

static int check_frameworks(struct store *s, struct ledger_state_report *r, struct aiv_err *err)
{
	json_t *want = NULL;
	int ret;

	r->tables += 2;
	if (!(ret = ledger_state_last_entries(s, "assess.import", "urn", &want, err)))
		ret = ledger_state_match_rows(s, "frameworks", "SELECT f.urn, f.name, f.version,"
			" f.sha256, f.seq, (SELECT count(*) FROM framework_nodes n WHERE"
			" n.framework = f.urn), (SELECT count(*) FROM framework_nodes n WHERE"
			" n.framework = f.urn AND n.assessable <> 0) FROM frameworks f ORDER BY f.urn",
			want, "assess.import", framework_row, r, err);
	json_decref(want);
	return ret;
}

static void observation_row(struct store_stmt *st, const json_t *e, struct ledger_state_report *r)
{
	if (strcmp(col(st, 1), jstr(e, "file")) || store_col_int(st, 2) != jint(e, "rows") ||
	    store_col_int(st, 3) != jint(e, "_seq"))
		ledger_state_add(r, "observation_imports", col(st, 0), "name, rows or entry differ "
				 "from evidence.import entry %lld ('%s', %lld rows)",
				 (long long)jint(e, "_seq"), jstr(e, "file"), (long long)jint(e, "rows"));
	if (store_col_int(st, 4) != jint(e, "rows"))
		ledger_state_add(r, "observations", col(st, 0), "%lld rows but evidence.import entry "
				 "%lld imported %lld", (long long)store_col_int(st, 4),
				 (long long)jint(e, "_seq"), (long long)jint(e, "rows"));
}

/*
 * The values: each import's rows must digest to the entry's rows_sha256
 * (entries from before it was recorded: counted, not covered).
 */
static int check_observation_values(struct store *s, const json_t *want,
				    struct ledger_state_report *r, struct aiv_err *err)
{
	char have[SHA256_HEX];
	const char *k;
	json_t *e;
	int ret;

	json_object_foreach((json_t *)want, k, e) {
		const char *x = jstr(e, "rows_sha256");
		if (!*x) {
			r->uncovered++;
			continue;
		}
		if ((ret = ledger_rows_digest_text(s, HYP_OBS_DIGEST_SQL, k, HYP_OBS_DIGEST_COLS,
						   have, err)))
			return ret;
		if (strcmp(have, x))
			ledger_state_add(r, "observations", jstr(e, "file"), "the rows of this import "
					 "digest to %.12s... but evidence.import entry %lld recorded "
					 "%.12s...: a value was edited, or a row added or removed",
					 have, (long long)jint(e, "_seq"), x);
	}
	return 0;
}

static int check_observations(struct store *s, struct ledger_state_report *r,
			      struct aiv_err *err)
{
	json_t *want = NULL;
	int ret;

	r->tables += 2;
	if (!(ret = ledger_state_last_entries(s, "evidence.import", "sha256", &want, err)) &&
	    !(ret = check_observation_values(s, want, r, err)))
		ret = ledger_state_match_rows(s, "observation_imports", "SELECT i.sha256, i.name,"
			" i.nrows, i.seq, (SELECT count(*) FROM observations o WHERE"
			" o.import_sha = i.sha256) FROM observation_imports i ORDER BY i.sha256",
			want, "evidence.import", observation_row, r, err);
	json_decref(want);
	return ret;
}

static void verdict_row(struct store_stmt *st, const json_t *e, struct ledger_state_report *r)
{
	json_t *v = json_loadb(col(st, 3), strlen(col(st, 3)), 0, NULL);

	if (!v || !json_equal((json_t *)e, v) || store_col_int(st, 2) != jint(e, "earned"))
		ledger_state_add(r, "phase_verdicts", col(st, 1), "the verdict is not the payload "
				 "of phase.verdict entry %s", col(st, 0));
	json_decref(v);
}

static int check_phase_verdicts(struct store *s, struct ledger_state_report *r,
				struct aiv_err *err)
{
	json_t *want = NULL;
	int ret;

	r->tables++;
	if (!(ret = ledger_state_entries_by_seq(s, "phase.verdict", NULL, &want, err)))
		ret = ledger_state_match_rows(s, "phase_verdicts", "SELECT seq, id, earned, verdict"
					      " FROM phase_verdicts ORDER BY id", want,
					      "phase.verdict", verdict_row, r, err);
	json_decref(want);
	return ret;
}

void assess_state_register(void)
{
	ledger_state_register(check_readiness);
	ledger_state_register(check_evidence_files);
	ledger_state_register(check_hypotheses);
	ledger_state_register(check_frameworks);
	ledger_state_register(check_observations);
	ledger_state_register(check_phase_verdicts);
}
