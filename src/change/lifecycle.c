/*
 * lifecycle.c - opening change requests and reading them: open, show,
 * list, stale marks, proposed content. See change.h.
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "artefact.h"
#include "change.h"
#include "change_int.h"
#include "core/cjson.h"
#include "core/hash.h"
#include "core/timeutil.h"
#include "graph.h"
#include "ledger/ledger.h"
#include "apply/apply.h"
#include "org/people.h"

int change_open_in_tx(struct change_env *e, const struct change_open_args *a,
		      struct change_cr_view *out, struct aiv_err *err)
{
	struct artefact_row art;
	json_t *impact = NULL, *path = NULL, *conflicts = json_array(), *payload = NULL;
	json_t *gov = json_object(), *evidence = json_array();
	char fp[SHA256_HEX], id[32], why[512] = "", *impact_txt = NULL, *path_txt = NULL;
	char *evidence_txt = NULL;
	size_t i;
	const char *status = "open";
	int64_t now = time_now_us(), num = 0, seq = 0;
	int risk, ret, queued = 0;
	struct store_stmt *st;

	memset(&art, 0, sizeof(art));
	memset(out, 0, sizeof(*out));
	if (!store_in_tx(e->s)) {
		ret = aiv_fail(err, AIV_EINTERNAL, "change open: no transaction open");
		goto cleanup;
	}
	if (!a->reason || !*a->reason) {
		ret = aiv_fail(err, AIV_EINPUT, "change open: missing --reason (why is '%s' "
			       "changing?)", a->artefact ? a->artefact : "");
		goto cleanup;
	}
	risk = change_risk_index(a->risk ? a->risk : "medium");
	if (risk < 0) {
		ret = aiv_fail(err, AIV_EINPUT, "change open: risk '%s' must be low, medium or high",
			       a->risk);
		goto cleanup;
	}
	if (!a->author || !*a->author) {
		ret = aiv_fail(err, AIV_EINPUT, "change open: missing --as PERSON (who opens it%s)",
			       a->generated_by ? ", directing the agent" : "");
		goto cleanup;
	}
	if (a->generated_by && (!a->model || !*a->model)) {
		ret = aiv_fail(err, AIV_EINPUT, "change open: --generated-by '%s' needs --model",
			       a->generated_by);
		goto cleanup;
	}
	for (i = 0; i < a->nevidence; i++)
		if ((ret = chg_evidence_check(&a->evidence[i], err)))
			goto cleanup;
	if ((ret = chg_artefact_read(e->s, a->artefact, &art, err)))
		goto cleanup;
	if ((ret = org_is_person(e->s, a->author, err)) <= 0) {
		if (!ret)
			ret = aiv_fail(err, AIV_EINPUT, "change open: --as '%s' is not a person",
				       a->author);
		goto cleanup;
	}
	if (a->base_version > 0 && a->base_version != art.version) {
		ret = aiv_fail(err, AIV_ECONFLICT,
			       "change open: stale base: '%s' is at version %lld, not %lld "
			       "(someone changed it meanwhile)", art.id, (long long)art.version,
			       (long long)a->base_version);
		goto cleanup;
	}
	sha256_hex(a->content, a->content_len, fp);
	if (!strcmp(fp, art.fingerprint)) {
		ret = aiv_fail(err, AIV_EINPUT, "change open: no change: the content is identical "
			       "to '%s' version %lld", art.id, (long long)art.version);
		goto cleanup;
	}
	if ((ret = chg_impact_items(e->s, e->rules, art.id, &impact, err)) ||
	    (ret = chg_build_path(e, &art, a->author, a->generated_by != NULL, risk, impact, &path,
			      err)) ||
	    (ret = store_query_int(e->s, "SELECT coalesce(max(num), 0) + 1 FROM change_requests",
				   &num, err)))
		goto cleanup;
	snprintf(id, sizeof(id), "CR-%lld", (long long)num);
	if (a->generated_by) {
		queued = chg_governance_behind(e, path, now, 0, why, sizeof(why), gov, err);
		if (queued < 0) {
			ret = queued;
			goto cleanup;
		}
		if (queued) {
			status = "queued";
			json_object_set_new(gov, "cr", json_string(id));
			if ((ret = chg_add_finding(e, now, why, gov, err)))
				goto cleanup;
		}
	}
	st = chg_prep(e->s, err, "INSERT INTO change_blobs(sha256, content) VALUES (?, ?)"
		  " ON CONFLICT(sha256) DO NOTHING", 1, fp);
	if (!st) {
		ret = err->code;
		goto cleanup;
	}
	store_bind_blob(st, 2, a->content, a->content_len);
	if ((ret = chg_run(st, err)))
		goto cleanup;
	for (i = 0; i < a->nevidence; i++) {
		char efp[SHA256_HEX];
		if ((ret = chg_evidence_store(e, &a->evidence[i], efp, err)))
			goto cleanup;
		json_array_append_new(evidence, json_pack("{s:s, s:s, s:I}", "name",
			a->evidence[i].name, "sha256", efp, "bytes", (json_int_t)a->evidence[i].len));
	}
	evidence_txt = cjson_dumps(evidence);
	impact_txt = cjson_dumps(impact);
	path_txt = cjson_dumps(path);
	payload = json_pack("{s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:s?, s:s?, s:O, s:O}",
			    "cr", id, "artefact", art.id, "status", status,
			    "base_version", (json_int_t)art.version, "base_fingerprint",
			    art.fingerprint, "new_fingerprint", fp, "reason", a->reason,
			    "risk", change_risks[risk], "generated_by", a->generated_by,
			    "model", a->model, "impact", impact, "approval_path", path);
	json_object_set_new(payload, "author", json_string(a->author));
	json_object_set(payload, "evidence", evidence);
	if (queued)
		json_object_set_new(payload, "queued_because", json_string(why));
	{
		char *subject = xstrfmt("ChangeRequest/%s", id);
		ret = ledger_append(e->s, e->actor, "change.open", subject, payload, &seq, err);
		free(subject);
		if (ret)
			goto cleanup;
	}
	st = chg_prep(e->s, err,
		  "INSERT INTO change_requests(id, num, artefact, status, base_version,"
		  " base_fingerprint, new_fingerprint, reason, risk, author, generated_by, model,"
		  " impact, approval_path, opened_at, seq, evidence)"
		  " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
		  0);
	if (!st) {
		ret = err->code;
		goto cleanup;
	}
	store_bind_text(st, 1, id);
	store_bind_int(st, 2, num);
	store_bind_text(st, 3, art.id);
	store_bind_text(st, 4, status);
	store_bind_int(st, 5, art.version);
	store_bind_text(st, 6, art.fingerprint);
	store_bind_text(st, 7, fp);
	store_bind_text(st, 8, a->reason);
	store_bind_text(st, 9, change_risks[risk]);
	store_bind_text(st, 10, a->author);
	store_bind_text(st, 11, a->generated_by);
	store_bind_text(st, 12, a->generated_by ? a->model : NULL);
	store_bind_text(st, 13, impact_txt);
	store_bind_text(st, 14, path_txt);
	store_bind_int(st, 15, now);
	store_bind_int(st, 16, seq);
	store_bind_text(st, 17, evidence_txt);
	if ((ret = chg_run(st, err)) ||
	    (ret = chg_find_conflicts(e, id, art.id, impact, now, conflicts, err)) ||
	    (ret = change_show(e, id, out, err)))
		goto cleanup;
	out->opened = 1;
	out->nconflicts = json_array_size(conflicts);
	out->conflicts = out->nconflicts ? xcalloc(out->nconflicts, sizeof(*out->conflicts)) : NULL;
	for (i = 0; i < out->nconflicts; i++) {
		const json_t *cf = json_array_get(conflicts, i);
		out->conflicts[i].with = xstrdup(json_str(cf, "cr"));
		chg_strs_from_json(&out->conflicts[i].overlap, json_object_get(cf, "overlap"));
	}
	if (queued)
		out->finding = xstrdup(why);
cleanup:
	chg_artefact_row_release(&art);
	json_decref(impact);
	json_decref(path);
	json_decref(conflicts);
	json_decref(payload);
	json_decref(gov);
	json_decref(evidence);
	free(impact_txt);
	free(path_txt);
	free(evidence_txt);
	return ret;
}

int change_open(struct change_env *e, const struct change_open_args *a,
		struct change_cr_view *out, struct aiv_err *err)
{
	int ret;

	memset(out, 0, sizeof(*out));
	if ((ret = store_begin(e->s, err)))
		return ret;
	if ((ret = change_open_in_tx(e, a, out, err))) {
		store_rollback(e->s);
		return ret;
	}
	if ((ret = store_commit(e->s, err))) {
		store_rollback(e->s);
		change_cr_view_release(out);
	}
	return ret;
}

/* The summary of a stored CR; *out is the caller's (chg_summary_release). */
static void summary_from_row(const struct cr_row *c, struct change_cr_summary *out)
{
	out->id = xstrdup(c->id);
	out->artefact = xstrdup(c->artefact);
	out->status = xstrdup(c->status);
	out->reason = xstrdup(c->reason);
	out->risk = xstrdup(c->risk);
	out->author = xstrdup(c->author);
	out->base_fingerprint = xstrdup(c->base_fp);
	out->new_fingerprint = xstrdup(c->new_fp);
	out->generated_by = c->generated_by ? xstrdup(c->generated_by) : NULL;
	out->model = c->generated_by ? xstrdup(c->model ? c->model : "") : NULL;
	out->base_version = c->base_version;
	out->opened_at = c->opened_at;
	out->approved_at = c->approved_at;
	out->merged_at = c->merged_at;
	out->closed_at = c->closed_at;
	out->impact_count = json_array_size(c->impact);
}

static void summary_release(struct change_cr_summary *c)
{
	free(c->id);
	free(c->artefact);
	free(c->status);
	free(c->reason);
	free(c->risk);
	free(c->author);
	free(c->base_fingerprint);
	free(c->new_fingerprint);
	free(c->generated_by);
	free(c->model);
	memset(c, 0, sizeof(*c));
}

static char *dup_str(const json_t *o, const char *key)
{
	const char *v = json_str(o, key);

	return v ? xstrdup(v) : NULL;
}

/* The impact items recorded at opening (JSON with sorted keys), typed. */
static void impact_from_json(const json_t *arr, struct change_cr_view *v)
{
	const json_t *it;
	size_t i;

	v->nimpact = json_array_size(arr);
	v->impact = v->nimpact ? xcalloc(v->nimpact, sizeof(*v->impact)) : NULL;
	json_array_foreach(arr, i, it) {
		struct change_impact_item *m = &v->impact[i];
		m->id = dup_str(it, "id");
		m->via = dup_str(it, "via");
		m->owner = dup_str(it, "owner");
		m->owner_kind = dup_str(it, "owner_kind");
		m->fingerprint = dup_str(it, "fingerprint");
		m->depth = json_integer_value(json_object_get(it, "depth"));
		m->version = json_integer_value(json_object_get(it, "version"));
		chg_strs_from_json(&m->path, json_object_get(it, "path"));
	}
}

static void conflicts_release(struct change_cr_conflict *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(c[i].with);
		chg_strs_release(&c[i].overlap);
	}
	free(c);
}

void change_cr_view_release(struct change_cr_view *v)
{
	size_t i;

	summary_release(&v->cr);
	for (i = 0; i < v->nimpact; i++) {
		free(v->impact[i].id);
		free(v->impact[i].via);
		free(v->impact[i].owner);
		free(v->impact[i].owner_kind);
		free(v->impact[i].fingerprint);
		chg_strs_release(&v->impact[i].path);
	}
	free(v->impact);
	chg_evidence_list_release(&v->evidence);
	chg_approval_release(&v->approval);
	for (i = 0; i < v->nsignatures; i++) {
		struct change_signature *g = &v->signatures[i];
		free(g->decision);
		free(g->signer);
		free(g->time);
		free(g->meaning);
		free(g->reason);
		free(g->record_hash);
		free(g->artefact);
	}
	free(v->signatures);
	for (i = 0; i < v->nmarks; i++) {
		free(v->marks[i].artefact);
		free(v->marks[i].cause);
		free(v->marks[i].cleared_by);
	}
	free(v->marks);
	conflicts_release(v->recorded, v->nrecorded);
	conflicts_release(v->conflicts, v->nconflicts);
	free(v->finding);
	memset(v, 0, sizeof(*v));
}

static char *col_dup(struct store_stmt *st, int i)
{
	const char *t = store_col_text(st, i);

	return xstrdup(t ? t : "");
}

int change_show(struct change_env *e, const char *id, struct change_cr_view *out,
		struct aiv_err *err)
{
	return change_show_verify(e, id, out, NULL, err);
}

/* The first signature column of change_show_verify's rows: after CR_COLS's 20 */
#define SIG0 20

/*
 * chg_verify_read of c; with specs non-NULL, the specs of the CR's
 * artefact and of its first ndrawn impacted ones (out->impact) into a new
 * *specs, read with the verification's reads (change_show_page).
 */
/* The artefacts a CR page draws: its own, then its first ndrawn impacted ones (borrowed). */
static const char **drawn_names(const struct change_cr_view *out, size_t ndrawn, size_t *n)
{
	const char **names;
	size_t i;

	*n = (out->nimpact > ndrawn ? ndrawn : out->nimpact) + 1;
	names = xcalloc(*n, sizeof(*names));
	for (i = 0; i < *n; i++) {
		names[i] = i ? out->impact[i - 1].id : out->cr.artefact;
		if (!names[i])
			names[i] = "";
	}
	return names;
}

/*
 * The drawn artefacts (drawn_names) of the CR pages this process showed,
 * by CR id: a guess, whose specs a page reads with the CR's own reads, so
 * that when the CR row names the same ones (a CR's impact is fixed when
 * it is opened) the page needs no round trip after them for the specs.
 * With them, what its verification asked for (chg_ahead_keys: blobs,
 * ledger entries, covered artefacts) and the approving signers whose
 * teams its approval state asked for: those reads go with the CR's too,
 * so that a signed CR's page seen again waits once, not twice.
 * Only the keys are kept, never what is read: everything is read on
 * every view, and used only when the keys the rows read now ask for
 * equal the guess; otherwise read again after them, as without a guess.
 */
#define GUESSES 64
struct guess {
	char *id, *names, *rest, *signers; /* names, signers: '\n' after each; rest: chg_ahead_keys */
};
static struct {
	pthread_mutex_t mu;
	struct guess v[GUESSES];
	unsigned next;
} guesses = { .mu = PTHREAD_MUTEX_INITIALIZER };

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

/* The guess for CR id into *g (new strings, NULL for none; g->id NULL when none). */
static void guess_get(const char *id, struct guess *g)
{
	size_t i;

	memset(g, 0, sizeof(*g));
	pthread_mutex_lock(&guesses.mu);
	for (i = 0; i < GUESSES && !g->id; i++)
		if (guesses.v[i].id && !strcmp(guesses.v[i].id, id)) {
			g->id = xstrdup(id);
			g->names = dup_or_null(guesses.v[i].names);
			g->rest = dup_or_null(guesses.v[i].rest);
			g->signers = dup_or_null(guesses.v[i].signers);
		}
	pthread_mutex_unlock(&guesses.mu);
}

static void guess_release(struct guess *g)
{
	free(g->id);
	free(g->names);
	free(g->rest);
	free(g->signers);
	memset(g, 0, sizeof(*g));
}

static char *lines_of(const char *const *v, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; i < n; i++) {
		strbuf_addstr(&sb, v[i] ? v[i] : "");
		strbuf_addch(&sb, '\n');
	}
	return strbuf_detach(&sb, NULL);
}

/* rest (taken) and signers (NULL: none asked) with the names */
static void guess_put(const char *id, const char *const *names, size_t n, char *rest,
		      const char *const *signers, size_t nsigners)
{
	struct guess *g = NULL;
	char *nm = lines_of(names, n), *sg = signers ? lines_of(signers, nsigners) : NULL;
	size_t i;

	pthread_mutex_lock(&guesses.mu);
	for (i = 0; i < GUESSES && !g; i++)
		if (guesses.v[i].id && !strcmp(guesses.v[i].id, id))
			g = &guesses.v[i];
	if (!g) {
		g = &guesses.v[guesses.next++ % GUESSES];
		free(g->id);
		g->id = xstrdup(id);
	}
	free(g->names);
	free(g->rest);
	free(g->signers);
	g->names = nm;
	g->rest = rest;
	g->signers = sg;
	pthread_mutex_unlock(&guesses.mu);
}

/* A guess's names as keys (borrowed from names, which this cuts) */
static const char **guess_keys(char *names, size_t *n)
{
	const char **keys = NULL;
	size_t alloc = 0;
	char *p, *nl;

	*n = 0;
	for (p = names ? names : ""; (nl = strchr(p, '\n')); p = nl + 1) {
		*nl = '\0';
		ALLOC_GROW(keys, *n + 1, alloc);
		keys[(*n)++] = p;
	}
	return keys;
}

static int same_names(const char *const *a, size_t na, const char *const *b, size_t nb)
{
	size_t i;

	if (na != nb)
		return 0;
	for (i = 0; i < na; i++)
		if (strcmp(a[i] ? a[i] : "", b[i] ? b[i] : ""))
			return 0;
	return 1;
}

static int ver_and_specs(struct change_env *e, const struct cr_row *c, json_t *signs,
			 json_t *blobs, const struct change_cr_view *out, size_t ndrawn,
			 json_t **specs, const struct store_in *teams, struct chg_ahead *ahead,
			 struct change_verdict *ver, struct aiv_err *err)
{
	const struct kind_ops *kind = specs ? apply_kind("Artefact") : NULL;
	size_t n = 0, nq = 0;
	const char **names = kind ? drawn_names(out, ndrawn, &n) : NULL;
	struct store_in q[2];
	int ret;

	if (kind) {
		*specs = json_object();
		apply_get_many_in(kind, names, n, *specs, &q[nq++]);
	}
	if (teams)
		q[nq++] = *teams;
	ret = chg_verify_read(e, c, signs, blobs, q, nq, ahead, ver, err);
	free(names);
	if (ret && specs) {
		json_decref(*specs);
		*specs = NULL;
	}
	return ret;
}

/* change_show_verify, and with specs non-NULL change_show_page's specs */
static int show_verify(struct change_env *e, const char *id, struct change_cr_view *out,
		       struct change_verdict *ver, size_t ndrawn, json_t **specs,
		       struct aiv_err *err);

int change_show_verify(struct change_env *e, const char *id, struct change_cr_view *out,
		       struct change_verdict *ver, struct aiv_err *err)
{
	return show_verify(e, id, out, ver, 0, NULL, err);
}

int change_show_page(struct change_env *e, const char *id, struct change_cr_view *out,
		     struct change_verdict *ver, size_t ndrawn, json_t **specs,
		     struct aiv_err *err)
{
	*specs = NULL;
	if (!ver)
		return aiv_fail(err, AIV_EINTERNAL, "change_show_page without a verdict");
	return show_verify(e, id, out, ver, ndrawn, specs, err);
}

static int show_verify(struct change_env *e, const char *id, struct change_cr_view *out,
		       struct change_verdict *ver, size_t ndrawn, json_t **specs,
		       struct aiv_err *err)
{
	struct cr_row c;
	json_t *state = NULL, *approvals = NULL, *signs = NULL, *blobs = NULL;
	struct store_stmt *st, *marks, *confl, *blob;
	struct org_teams_of teams = { 0 };
	struct store_in tq;
	const char **signers = NULL;
	/*
	 * the guessed drawn artefacts' specs, verification reads and
	 * signers' teams, read with the CR's (guess_get)
	 */
	struct guess guess = { 0 };
	const char **gkeys = NULL, **names = NULL, **gsigners = NULL;
	size_t ngkeys = 0, gslots = 0, nnames = 0, ngsigners = 0, gtslots = 0;
	struct store_in gq, gtq;
	struct store_stmt *gst = NULL, *gtst = NULL;
	struct store_stmt *sent[4 + 1 + 3 + 1];
	size_t nsent = 0;
	struct chg_ahead *ahead = NULL;
	struct org_teams_of gteams = { 0 };
	const struct org_teams_of *tp = &teams;
	json_t *gspecs = NULL;
	size_t alloc, i;
	int ret, rc, teams_later;

	memset(out, 0, sizeof(*out));
	memset(&c, 0, sizeof(c));
	if (ver)
		memset(ver, 0, sizeof(*ver));
	/*
	 * the CR and every signature in one statement (the CR's columns on
	 * each signature's row; one row with no signature when it has none):
	 * the view lists them all, the approval state takes the approving
	 * ones and the verification the approve and reject ones, each in
	 * signing order (what chg_cr_read, chg_approvals_of and
	 * chg_verify_many read with statements of their own)
	 */
	st = chg_prep(e->s, err, "SELECT cr.*, s.decision, s.signer, s.time, s.meaning, s.reason,"
		  " s.record_hash, s.ledger_seq, s.artefact, s.id, s.record FROM (SELECT " CR_COLS
		  " FROM change_requests WHERE id = ?) cr LEFT JOIN change_signatures s"
		  " ON s.cr = cr.id ORDER BY s.id", 1, id);
	if (!st)
		return err->code;
	/*
	 * its stale marks and conflicts, which need nothing but the id, go
	 * with it: one round trip for the three on PostgreSQL (store_run_many)
	 */
	marks = chg_prep(e->s, err, "SELECT artefact, cause, cleared_at, cleared_by FROM stale_marks"
		  " WHERE cr = ? ORDER BY marked_at, artefact", 1, id);
	confl = marks ? chg_prep(e->s, err, "SELECT a, b, overlap, resolved_at FROM change_conflicts"
		  " WHERE a = ? OR b = ? ORDER BY detected_at", 2, id, id) : NULL;
	/* and, for the verification, the CR's proposed content (its evidence is read with the rest) */
	blob = confl && ver ? chg_prep(e->s, err, "SELECT sha256, content FROM change_blobs WHERE"
		  " sha256 IN (SELECT new_fingerprint FROM change_requests WHERE id = ?)", 1, id) : NULL;
	if (!confl || (ver && !blob)) {
		store_reset(st);
		if (marks)
			store_reset(marks);
		if (confl)
			store_reset(confl);
		return err->code;
	}
	sent[nsent++] = st;
	sent[nsent++] = marks;
	sent[nsent++] = confl;
	if (blob)
		sent[nsent++] = blob;
	/*
	 * (only where it saves a round trip: store_batches) the guesses'
	 * reads after the CR's, so that they see what it names or later
	 */
	if (blob && specs && store_batches(e->s)) {
		guess_get(id, &guess);
		if ((gkeys = guess_keys(guess.names, &ngkeys)) && apply_kind("Artefact")) {
			gspecs = json_object();
			apply_get_many_in(apply_kind("Artefact"), gkeys, ngkeys, gspecs, &gq);
			if (!(gst = store_in_first(e->s, &gq, &gslots, err)))
				goto unsent;
			sent[nsent++] = gst;
		}
		/* (with no guess, it sends nothing and notes what is asked for) */
		if (!(ahead = chg_ahead_start(e, guess.rest, sent, &nsent, err)))
			goto unsent;
		if ((gsigners = guess_keys(guess.signers, &ngsigners))) {
			org_teams_of_in(&gteams, gsigners, ngsigners, &gtq);
			if (!(gtst = store_in_first(e->s, &gtq, &gtslots, err)))
				goto unsent;
			sent[nsent++] = gtst;
		}
	}
	store_run_many(sent, nsent);
	approvals = json_array();
	signs = json_array();
	alloc = 0;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		struct change_signature *g;
		if (!c.id)
			chg_cr_from_row(st, &c);
		if (store_col_is_null(st, SIG0 + 8))
			continue; /* no signature */
		ALLOC_GROW(out->signatures, out->nsignatures + 1, alloc);
		g = &out->signatures[out->nsignatures++];
		g->decision = col_dup(st, SIG0);
		g->signer = col_dup(st, SIG0 + 1);
		g->time = col_dup(st, SIG0 + 2);
		g->meaning = col_dup(st, SIG0 + 3);
		g->reason = col_dup(st, SIG0 + 4);
		g->record_hash = col_dup(st, SIG0 + 5);
		g->ledger_seq = store_col_int(st, SIG0 + 6);
		g->artefact = col_dup(st, SIG0 + 7);
		if (!strcmp(g->decision, "approve"))
			json_array_append_new(approvals, chg_approval_json(g->signer,
						store_col_int(st, SIG0 + 8), store_col_text(st, SIG0 + 9)));
		if (!strcmp(g->decision, "approve") || !strcmp(g->decision, "reject"))
			json_array_append_new(signs, chg_sig_json(g->decision, g->signer,
						store_col_text(st, SIG0 + 9), g->record_hash, g->ledger_seq));
	}
	store_reset(st);
	if (rc >= 0 && !c.id)
		rc = chg_cr_unknown(err, id);
	if (rc < 0) {
		ret = rc;
		goto fail;
	}
	summary_from_row(&c, &out->cr);
	impact_from_json(c.impact, out);
	chg_evidence_list_from_json(c.evidence, 0, json_array_size(c.evidence), 1, &out->evidence);
	/*
	 * the approval state, unless its slots ask org about the signers'
	 * teams: then those are read with the verification's reads (one
	 * round trip for all on PostgreSQL, not one more before them) and
	 * the state evaluated after (not on SQLite, where a statement per
	 * slot and signer, stopping at the first yes, costs less and no
	 * round trip is saved)
	 */
	teams_later = ver && store_batches(e->s) && chg_approval_needs_teams(&c, approvals);
	if (!teams_later) {
		ret = chg_approval_state_of(e, &c, approvals, NULL, &state, err);
		approvals = NULL; /* taken over */
		if (ret)
			goto fail;
		chg_approval_typed(state, &out->approval);
	}
	st = marks;
	alloc = 0;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		struct change_cr_mark *mk;
		ALLOC_GROW(out->marks, out->nmarks + 1, alloc);
		mk = &out->marks[out->nmarks++];
		mk->artefact = col_dup(st, 0);
		mk->cause = col_dup(st, 1);
		mk->open = store_col_is_null(st, 2);
		mk->cleared_at = mk->open ? 0 : store_col_int(st, 2);
		mk->cleared_by = mk->open ? NULL : col_dup(st, 3);
	}
	store_reset(st);
	if (rc < 0) {
		ret = rc;
		goto fail;
	}
	st = confl;
	alloc = 0;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		struct change_cr_conflict *cf;
		ALLOC_GROW(out->recorded, out->nrecorded + 1, alloc);
		cf = &out->recorded[out->nrecorded++];
		cf->with = col_dup(st, strcmp(store_col_text(st, 0), id) ? 0 : 1);
		chg_strs_from_json_text(&cf->overlap, store_col_text(st, 2));
		cf->resolved = !store_col_is_null(st, 3);
	}
	store_reset(st);
	if (rc < 0) {
		ret = rc;
		goto fail;
	}
	if (ver) {
		blobs = json_object();
		while ((rc = store_step(blob, err)) == STORE_ROW)
			chg_blob_row(blob, blobs);
		store_reset(blob);
		if (rc < 0) {
			ret = rc;
			goto fail;
		}
		/*
		 * the specs of what the page draws go with the verification's
		 * reads: the CR's artefact and its first ndrawn impacted ones
		 */
		if (teams_later) {
			json_t *sg;
			signers = xcalloc(json_array_size(approvals), sizeof(*signers));
			json_array_foreach(approvals, i, sg)
				signers[i] = json_str(sg, "signer");
			org_teams_of_in(&teams, signers, json_array_size(approvals), &tq);
		}
		/* the guessed signers' teams when the CR's approvals name the same */
		if (gtst && teams_later && same_names(signers, json_array_size(approvals),
						      gsigners, ngsigners)) {
			ret = store_in_rows(e->s, &gtq, gtst, gtslots, err);
			gtst = NULL;
			if (ret)
				goto fail;
			tp = &gteams;
		} else if (gtst) {
			store_reset(gtst); /* (before the same text is sent again) */
			gtst = NULL;
		}
		/* the guessed specs when the CR names the same artefacts, else a read after */
		if (specs)
			names = drawn_names(out, ndrawn, &nnames);
		if (gst && same_names(names, nnames, gkeys, ngkeys)) {
			ret = store_in_rows(e->s, &gq, gst, gslots, err);
			gst = NULL;
			if (ret)
				goto fail;
			*specs = gspecs;
			gspecs = NULL;
		} else if (gst) {
			store_reset(gst);
			gst = NULL;
		}
		ret = ver_and_specs(e, &c, signs, blobs, out, ndrawn, specs && *specs ? NULL : specs,
				    teams_later && tp == &teams ? &tq : NULL, ahead, ver, err);
		if (!ret && specs && store_batches(e->s))
			guess_put(id, names, nnames, chg_ahead_keys(ahead),
				  teams_later ? signers : NULL,
				  teams_later ? json_array_size(approvals) : 0);
		if (!ret && teams_later) {
			ret = chg_approval_state_known(e, &c, approvals, tp, &state, err);
			approvals = NULL; /* taken over */
			if (!ret)
				chg_approval_typed(state, &out->approval);
		}
		org_teams_of_release(&teams);
		free(signers);
		signers = NULL;
		if (ret)
			goto fail;
	}
	json_decref(blobs);
	json_decref(signs);
	json_decref(state);
	chg_cr_release(&c);
	json_decref(gspecs); /* a guess not used */
	free(names);
	free(gkeys);
	free(gsigners);
	chg_ahead_free(ahead);
	org_teams_of_release(&gteams);
	guess_release(&guess);
	return 0;
unsent:
	/* a guess's read could not be prepared: nothing was sent */
	for (i = 0; i < nsent; i++)
		store_reset(sent[i]);
	chg_ahead_free(ahead);
	json_decref(gspecs);
	free(gkeys);
	free(gsigners);
	org_teams_of_release(&gteams);
	guess_release(&guess);
	return err->code;
fail:
	/* the reads sent with the CR's and not read (a reset one stays so) */
	store_reset(marks);
	store_reset(confl);
	if (blob)
		store_reset(blob);
	if (gst)
		store_reset(gst);
	if (gtst)
		store_reset(gtst);
	chg_ahead_free(ahead);
	json_decref(gspecs);
	free(names);
	free(gkeys);
	free(gsigners);
	org_teams_of_release(&gteams);
	guess_release(&guess);
	free(signers); /* a read between the signers' list and its use failed */
	org_teams_of_release(&teams);
	if (specs) {
		json_decref(*specs);
		*specs = NULL;
	}
	json_decref(blobs);
	json_decref(approvals);
	json_decref(signs);
	json_decref(state);
	chg_cr_release(&c);
	change_cr_view_release(out);
	return ret;
}

int change_list(struct change_env *e, struct change_cr_list *out, struct aiv_err *err)
{
	struct store_stmt *st = chg_prep(e->s, err, "SELECT " CR_COLS " FROM change_requests"
				     " ORDER BY num DESC", 0);
	size_t alloc = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!st)
		return err->code;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		struct cr_row c;
		chg_cr_from_row(st, &c);
		ALLOC_GROW(out->v, out->n + 1, alloc);
		summary_from_row(&c, &out->v[out->n++]);
		chg_cr_release(&c);
	}
	store_reset(st);
	if (rc < 0) {
		change_cr_list_release(out);
		return rc;
	}
	return 0;
}

void change_cr_list_release(struct change_cr_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		summary_release(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

int change_stale(struct change_env *e, struct change_stale_list *out, struct aiv_err *err)
{
	struct store_stmt *st = chg_prep(e->s, err,
		"SELECT m.artefact, a.owner, m.cr, m.cause FROM stale_marks m JOIN artefacts a"
		" ON a.id = m.artefact WHERE m.cleared_at IS NULL ORDER BY a.owner, m.artefact, m.cr",
		0);
	size_t alloc = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!st)
		return err->code;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		struct change_stale_mark *m;
		ALLOC_GROW(out->v, out->n + 1, alloc);
		m = &out->v[out->n++];
		m->artefact = xstrdup(store_col_text(st, 0));
		m->owner = xstrdup(store_col_text(st, 1));
		m->cr = xstrdup(store_col_text(st, 2));
		m->cause = xstrdup(store_col_text(st, 3));
	}
	store_reset(st);
	if (rc < 0) {
		change_stale_list_release(out);
		return rc;
	}
	return 0;
}

void change_stale_list_release(struct change_stale_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].artefact);
		free(l->v[i].owner);
		free(l->v[i].cr);
		free(l->v[i].cause);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

int change_content(struct store *s, const char *cr, char **buf, size_t *len,
		   char **path, struct aiv_err *err)
{
	struct cr_row c;
	struct artefact_row a;
	struct store_stmt *st;
	int ret, rc;

	*buf = NULL;
	*path = NULL;
	if ((ret = chg_cr_read(s, cr, &c, err)))
		return ret;
	st = chg_prep(s, err, "SELECT content FROM change_blobs WHERE sha256 = ?", 1, c.new_fp);
	if (!st) {
		chg_cr_release(&c);
		return err->code;
	}
	rc = store_step(st, err);
	if (rc == STORE_ROW) {
		*len = store_col_bytes(st, 0);
		*buf = xmalloc(*len + 1);
		memcpy(*buf, store_col_blob(st, 0), *len);
		(*buf)[*len] = '\0';
	}
	store_reset(st);
	if (rc < 0 || rc != STORE_ROW) {
		chg_cr_release(&c);
		return rc < 0 ? rc : aiv_fail(err, AIV_ENOTFOUND, "%s: content missing", cr);
	}
	if (chg_artefact_read(s, c.artefact, &a, err) == 0) {
		if (a.path)
			*path = xstrdup(a.path);
		chg_artefact_row_release(&a);
	}
	chg_cr_release(&c);
	return 0;
}
