/*
 * readiness.c - answer sets: parsing, storing, drafts, and scoring.
 *
 * See readiness.h for the scoring rule.  Evidence files are stored by
 * their SHA-256 in `evidence_files`, so attaching the same document to
 * ten answers stores it once, and the ledger entry of the set holds the
 * hashes, which ties the bytes to the chain.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hash.h"
#include "core/timeutil.h"
#include "core/yaml.h"
#include "ledger/ledger.h"
#include "evidence.h"
#include "readiness.h"

#define EVIDENCE_MAX (16u << 20)

const char *const provenance_names[3] = { "stated", "documented", "measured" };

int provenance_parse(const char *s)
{
	int i;

	for (i = 0; i < 3; i++)
		if (!strcmp(provenance_names[i], s))
			return i;
	return -1;
}

static void answer_release(struct ra_answer *a)
{
	free(a->question);
	free(a->evidence_sha);
	free(a->evidence_name);
	free(a->evidence_data);
	free(a->source);
	free(a->note);
	memset(a, 0, sizeof(*a));
}

void ra_set_release(struct ra_set *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		answer_release(&s->a[i]);
	free(s->a);
	free(s->actor);
	free(s->origin);
	memset(s, 0, sizeof(*s));
}

struct ra_answer *ra_set_find(const struct ra_set *s, const char *question)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->a[i].question, question))
			return &s->a[i];
	return NULL;
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

void ra_set_put(struct ra_set *s, const struct ra_answer *a)
{
	struct ra_answer *d = ra_set_find(s, a->question);

	if (d) {
		answer_release(d);
	} else {
		ALLOC_GROW(s->a, s->n + 1, s->alloc);
		d = &s->a[s->n++];
	}
	*d = *a;
	d->question = xstrdup(a->question);
	d->evidence_sha = dup_or_null(a->evidence_sha);
	d->evidence_name = dup_or_null(a->evidence_name);
	d->source = dup_or_null(a->source);
	d->note = dup_or_null(a->note);
	d->evidence_data = NULL;
	if (a->evidence_data) {
		d->evidence_data = xmalloc(a->evidence_len ? a->evidence_len : 1);
		memcpy(d->evidence_data, a->evidence_data, a->evidence_len);
	}
}

int ra_answer_attach(struct ra_answer *a, const char *path, struct aiv_err *err)
{
	struct strbuf sb = STRBUF_INIT;
	char hex[SHA256_HEX];
	const char *base;

	if (strbuf_read_file(&sb, path, EVIDENCE_MAX) < 0) {
		int e = errno;
		strbuf_release(&sb);
		return aiv_fail(err, e == EFBIG ? AIV_ETOOBIG : AIV_EIO,
				"cannot read evidence file '%s': %s", path,
				e == EFBIG ? "larger than 16 MiB" : strerror(e));
	}
	sha256_hex(sb.buf, sb.len, hex);
	base = strrchr(path, '/');
	free(a->evidence_sha);
	free(a->evidence_name);
	free(a->evidence_data);
	a->evidence_sha = xstrdup(hex);
	a->evidence_name = xstrdup(base ? base + 1 : path);
	a->evidence_len = sb.len;
	a->evidence_data = strbuf_detach(&sb, NULL);
	a->provenance = PROV_DOCUMENTED;
	return 0;
}

/* ---- the answers file ---- */

static int parse_one(const struct ypos *p, const struct questionnaire *q,
		     struct fy_node *item, const char *dir, int no_files, int64_t now,
		     struct ra_set *out)
{
	static const char *const keys[] = { "question", "choice", "provenance",
					    "evidence", "source", "as_of", "note", NULL };
	const char *qid = NULL, *prov = "stated", *ev = NULL, *src = NULL;
	const char *asof = NULL, *note = NULL;
	const struct rq_question *rq;
	struct ra_answer a;
	long long choice = 0;
	char what[200];
	int ret;

	memset(&a, 0, sizeof(a));
	if (!fy_node_is_mapping(item))
		return yfail(p, item, AIV_EINPUT, "each answer must be a mapping with question and choice");
	if ((ret = yget_str(p, item, "question", 1, &qid, "answer")))
		return ret;
	snprintf(what, sizeof(what), "answer to '%s'", qid);
	if ((ret = ycheck_keys(p, item, keys, what)))
		return ret;
	if (!(rq = questionnaire_find(q, qid, NULL)))
		return yfail(p, yget(item, "question"), AIV_EINPUT,
			     "unknown question '%s' (see 'aivalue assess questions')", qid);
	if (ra_set_find(out, qid))
		return yfail(p, yget(item, "question"), AIV_EINPUT,
			     "question '%s' is answered twice", qid);
	if ((ret = yget_int(p, item, "choice", 1, &choice, what)) ||
	    (ret = yget_str(p, item, "provenance", 0, &prov, what)) ||
	    (ret = yget_str(p, item, "evidence", 0, &ev, what)) ||
	    (ret = yget_str(p, item, "source", 0, &src, what)) ||
	    (ret = yget_str(p, item, "as_of", 0, &asof, what)) ||
	    (ret = yget_str(p, item, "note", 0, &note, what)))
		return ret;
	if (choice < 1 || choice > (long long)rq->nchoices)
		return yfail(p, yget(item, "choice"), AIV_EINPUT,
			     "%s: choice %lld is out of range (1 to %zu)", what, choice,
			     rq->nchoices);
	a.choice = (int)choice;
	a.level = rq->choices[choice - 1].level;
	a.provenance = provenance_parse(prov);
	if (a.provenance < 0)
		return yfail(p, yget(item, "provenance"), AIV_EINPUT,
			     "%s: provenance must be stated, documented or measured, not '%s'",
			     what, prov);
	if (a.provenance == PROV_DOCUMENTED && !ev)
		return yfail(p, item, AIV_EINPUT,
			     "%s: provenance 'documented' needs an 'evidence' file", what);
	if (ev && no_files)
		return yfail(p, yget(item, "evidence"), AIV_EINPUT,
			     "%s: evidence files are not read from a request; attach '%s' with "
			     "'aivalue assess answer %s N --evidence FILE'", what, ev, qid);
	if (ev && a.provenance != PROV_DOCUMENTED)
		return yfail(p, yget(item, "evidence"), AIV_EINPUT,
			     "%s: an 'evidence' file makes the provenance 'documented'", what);
	if (a.provenance == PROV_MEASURED && !src)
		return yfail(p, item, AIV_EINPUT,
			     "%s: provenance 'measured' needs a 'source' naming the system check",
			     what);
	a.answered_at = now;
	if (asof) {
		if (time_parse_iso(asof, &a.answered_at))
			return yfail(p, yget(item, "as_of"), AIV_EINPUT,
				     "%s: as_of must be a date YYYY-MM-DD, not '%s'", what, asof);
		if (a.answered_at > now)
			return yfail(p, yget(item, "as_of"), AIV_EINPUT,
				     "%s: as_of '%s' is in the future", what, asof);
	}
	a.question = (char *)qid;
	a.source = (char *)src;
	a.note = (char *)note;
	ra_set_put(out, &a);
	if (ev) {
		char *path = (ev[0] == '/' || !dir) ? xstrdup(ev) : xstrfmt("%s/%s", dir, ev);
		ret = ra_answer_attach(ra_set_find(out, qid), path, p->err);
		free(path);
		if (ret) {
			long l, c;
			ymark(yget(item, "evidence"), &l, &c);
			aiv_err_prefix(p->err, "%s:%ld:%ld", p->file, l, c);
			return ret;
		}
	}
	return 0;
}

/*
 * Both entry points: a file (buf NULL; evidence paths relative to it) or
 * a buffer named `path` (no_files: evidence files are refused).
 */
static int parse_answers(const struct questionnaire *q, const char *path, const char *buf,
			 size_t len, int no_files, int64_t now, struct ra_set *out,
			 struct aiv_err *err)
{
	static const char *const keys[] = { "answers", NULL };
	struct ydocs docs;
	struct ypos p;
	struct fy_node *root, *seq = NULL, *item;
	const char *slash;
	char *dir = NULL;
	void *it = NULL;
	int ret;

	memset(out, 0, sizeof(*out));
	if ((ret = ydocs_load(&docs, path, buf, len, err)))
		return ret;
	p.file = docs.file;
	p.err = err;
	if (docs.n != 1) {
		ret = aiv_fail(err, AIV_EINPUT, "%s: expected one YAML document", path);
		goto cleanup;
	}
	root = fy_document_root(docs.docs[0]);
	if (!fy_node_is_mapping(root)) {
		ret = yfail(&p, root, AIV_EINPUT, "expected a mapping with 'answers'");
		goto cleanup;
	}
	if ((ret = ycheck_keys(&p, root, keys, "answers file")) ||
	    (ret = yget_seq(&p, root, "answers", 1, &seq, "answers file")))
		goto cleanup;
	slash = buf ? NULL : strrchr(path, '/');
	if (slash)
		dir = xstrndup(path, (size_t)(slash - path));
	while ((item = fy_node_sequence_iterate(seq, &it)) != NULL)
		if ((ret = parse_one(&p, q, item, dir, no_files, now, out)))
			goto cleanup;
	if (out->n == 0)
		ret = yfail(&p, seq, AIV_EINPUT, "answers file: no answers");
	out->origin = xstrdup(path);
cleanup:
	free(dir);
	ydocs_release(&docs);
	if (ret)
		ra_set_release(out);
	return ret;
}

int readiness_parse_answers(const struct questionnaire *q, const char *path,
			    int64_t now, struct ra_set *out, struct aiv_err *err)
{
	return parse_answers(q, path, NULL, 0, 0, now, out, err);
}

int readiness_parse_answers_buf(const struct questionnaire *q, const char *name,
				const char *buf, size_t len, int64_t now, struct ra_set *out,
				struct aiv_err *err)
{
	return parse_answers(q, name, buf, len, 1, now, out, err);
}

/* ---- store ---- */

static int put_evidence(struct store *s, const struct ra_answer *a, int64_t now,
			struct aiv_err *err)
{
	struct store_stmt *st;
	char t[TIME_ISO_LEN];

	if (!a->evidence_data)
		return 0;
	st = store_prepare(s, "INSERT INTO evidence_files(sha256, name, size, content, stored_at)"
			      " VALUES (?,?,?,?,?) ON CONFLICT(sha256) DO NOTHING", err);
	if (!st)
		return err->code;
	time_format_us(now, t);
	store_bind_text(st, 1, a->evidence_sha);
	store_bind_text(st, 2, a->evidence_name);
	store_bind_int(st, 3, (int64_t)a->evidence_len);
	store_bind_blob(st, 4, a->evidence_data, a->evidence_len);
	store_bind_text(st, 5, t);
	return store_step_done(st, err);
}

static json_t *answer_json(const struct ra_answer *a)
{
	char t[TIME_ISO_LEN];
	json_t *o;

	time_format_us(a->answered_at, t);
	o = json_pack("{s:s, s:i, s:i, s:s, s:s}", "question", a->question,
		      "choice", a->choice, "level", a->level,
		      "provenance", provenance_names[a->provenance], "answered_at", t);
	if (a->evidence_sha)
		json_object_set_new(o, "evidence_sha256", json_string(a->evidence_sha));
	if (a->evidence_name)
		json_object_set_new(o, "evidence_name", json_string(a->evidence_name));
	if (a->source)
		json_object_set_new(o, "source", json_string(a->source));
	if (a->note)
		json_object_set_new(o, "note", json_string(a->note));
	return o;
}

int readiness_save(struct store *s, const char *actor, struct ra_set *set,
		   int clear_draft, int64_t *seq, struct aiv_err *err)
{
	struct store_stmt *st;
	json_t *payload = NULL, *arr;
	char t[TIME_ISO_LEN];
	int64_t now = time_now_us(), id = 0;
	size_t i;
	int ret;

	if (set->n == 0)
		return aiv_fail(err, AIV_EINPUT, "no answers to save");
	if ((ret = store_begin(s, err)))
		return ret;
	for (i = 0; i < set->n; i++)
		if ((ret = put_evidence(s, &set->a[i], now, err)))
			goto rollback;
	if ((ret = store_query_int(s, "SELECT coalesce(max(id), 0) + 1 FROM readiness_sets",
				   &id, err)))
		goto rollback;
	arr = json_array();
	for (i = 0; i < set->n; i++)
		json_array_append_new(arr, answer_json(&set->a[i]));
	payload = json_pack("{s:I, s:s, s:o}", "set", (json_int_t)id, "origin",
			    set->origin ? set->origin : "interactive", "answers", arr);
	if ((ret = ledger_append(s, actor, "assess.answers", "readiness/org", payload, seq, err)))
		goto rollback;
	time_format_us(now, t);
	st = store_prepare(s, "INSERT INTO readiness_sets(id, created_at, actor, origin, seq)"
			      " VALUES (?,?,?,?,?)", err);
	if (!st) {
		ret = err->code;
		goto rollback;
	}
	store_bind_int(st, 1, id);
	store_bind_text(st, 2, t);
	store_bind_text(st, 3, actor);
	store_bind_text(st, 4, set->origin ? set->origin : "interactive");
	store_bind_int(st, 5, *seq);
	if ((ret = store_step_done(st, err)))
		goto rollback;
	st = store_prepare(s, "INSERT INTO readiness_answers(set_id, question, choice, level,"
			      " provenance, evidence_sha, evidence_name, source, note, answered_at,"
			      " ord) VALUES (?,?,?,?,?,?,?,?,?,?,"
			      " (SELECT coalesce(max(ord), 0) + 1 FROM readiness_answers))", err);
	if (!st) {
		ret = err->code;
		goto rollback;
	}
	for (i = 0; i < set->n; i++) {
		const struct ra_answer *a = &set->a[i];
		time_format_us(a->answered_at, t);
		store_bind_int(st, 1, id);
		store_bind_text(st, 2, a->question);
		store_bind_int(st, 3, a->choice);
		store_bind_int(st, 4, a->level);
		store_bind_text(st, 5, provenance_names[a->provenance]);
		store_bind_text(st, 6, a->evidence_sha);
		store_bind_text(st, 7, a->evidence_name);
		store_bind_text(st, 8, a->source);
		store_bind_text(st, 9, a->note);
		store_bind_text(st, 10, t);
		if ((ret = store_step_done(st, err)))
			goto rollback;
	}
	if ((clear_draft && (ret = store_exec(s, "DELETE FROM readiness_draft", err))) ||
	    (ret = store_commit(s, err)))
		goto rollback;
	set->id = id;
	set->seq = *seq;
	json_decref(payload);
	return 0;
rollback:
	store_rollback(s);
	json_decref(payload);
	return ret;
}

/* Rows (question, choice, level, provenance, sha, name, source, note, answered_at). */
static int read_answers(struct store_stmt *st, struct ra_set *out, struct aiv_err *err)
{
	int rc;

	while ((rc = store_step(st, err)) == STORE_ROW) {
		struct ra_answer a;
		memset(&a, 0, sizeof(a));
		a.question = (char *)store_col_text(st, 0);
		a.choice = (int)store_col_int(st, 1);
		a.level = (int)store_col_int(st, 2);
		a.provenance = provenance_parse(store_col_text(st, 3));
		if (a.provenance < 0)
			a.provenance = PROV_STATED;
		a.evidence_sha = store_col_is_null(st, 4) ? NULL : (char *)store_col_text(st, 4);
		a.evidence_name = store_col_is_null(st, 5) ? NULL : (char *)store_col_text(st, 5);
		a.source = store_col_is_null(st, 6) ? NULL : (char *)store_col_text(st, 6);
		a.note = store_col_is_null(st, 7) ? NULL : (char *)store_col_text(st, 7);
		if (time_parse_iso(store_col_text(st, 8), &a.answered_at))
			a.answered_at = 0;
		ra_set_put(out, &a);
	}
	store_reset(st);
	return rc < 0 ? rc : 0;
}

int readiness_load_latest(struct store *s, struct ra_set *out, int *found,
			  struct aiv_err *err)
{
	struct store_stmt *st;
	int rc;

	memset(out, 0, sizeof(*out));
	*found = 0;
	st = store_prepare(s, "SELECT id, created_at, actor, origin, seq FROM readiness_sets"
			      " ORDER BY id DESC LIMIT 1", err);
	if (!st)
		return err->code;
	rc = store_step(st, err);
	if (rc == STORE_ROW) {
		out->id = store_col_int(st, 0);
		if (time_parse_iso(store_col_text(st, 1), &out->created_at))
			out->created_at = 0;
		out->actor = xstrdup(store_col_text(st, 2));
		out->origin = xstrdup(store_col_text(st, 3));
		out->seq = store_col_int(st, 4);
	}
	store_reset(st);
	if (rc != STORE_ROW)
		return rc < 0 ? rc : 0;
	*found = 1;
	st = store_prepare(s, "SELECT question, choice, level, provenance, evidence_sha,"
			      " evidence_name, source, note, answered_at FROM readiness_answers"
			      " WHERE set_id = ? ORDER BY ord", err);
	if (!st)
		return err->code;
	store_bind_int(st, 1, out->id);
	return read_answers(st, out, err);
}

int readiness_draft_load(struct store *s, struct ra_set *out, struct aiv_err *err)
{
	struct store_stmt *st;

	memset(out, 0, sizeof(*out));
	st = store_prepare(s, "SELECT question, choice, level, provenance, evidence_sha,"
			      " evidence_name, source, NULL, answered_at FROM readiness_draft"
			      " ORDER BY ord", err);
	if (!st)
		return err->code;
	return read_answers(st, out, err);
}

int readiness_draft_put(struct store *s, const struct ra_answer *a,
			struct aiv_err *err)
{
	struct store_stmt *st;
	char t[TIME_ISO_LEN];
	int ret;

	if ((ret = store_begin(s, err)))
		return ret;
	if ((ret = put_evidence(s, a, a->answered_at, err)))
		goto rollback;
	st = store_prepare(s, "INSERT INTO readiness_draft(question, choice, level, provenance,"
			      " evidence_sha, evidence_name, source, answered_at, ord)"
			      " VALUES (?,?,?,?,?,?,?,?,"
			      " (SELECT coalesce(max(ord), 0) + 1 FROM readiness_draft))"
			      " ON CONFLICT(question) DO UPDATE SET"
			      " choice = excluded.choice, level = excluded.level,"
			      " provenance = excluded.provenance, evidence_sha = excluded.evidence_sha,"
			      " evidence_name = excluded.evidence_name, source = excluded.source,"
			      " answered_at = excluded.answered_at", err);
	if (!st) {
		ret = err->code;
		goto rollback;
	}
	time_format_us(a->answered_at, t);
	store_bind_text(st, 1, a->question);
	store_bind_int(st, 2, a->choice);
	store_bind_int(st, 3, a->level);
	store_bind_text(st, 4, provenance_names[a->provenance]);
	store_bind_text(st, 5, a->evidence_sha);
	store_bind_text(st, 6, a->evidence_name);
	store_bind_text(st, 7, a->source);
	store_bind_text(st, 8, t);
	if ((ret = store_step_done(st, err)) || (ret = store_commit(s, err)))
		goto rollback;
	return 0;
rollback:
	store_rollback(s);
	return ret;
}

int readiness_draft_clear(struct store *s, struct aiv_err *err)
{
	int ret;

	if ((ret = store_begin(s, err)))
		return ret;
	if ((ret = store_exec(s, "DELETE FROM readiness_draft", err)) ||
	    (ret = store_commit(s, err))) {
		store_rollback(s);
		return ret;
	}
	return 0;
}

/* ---- scoring ---- */

double readiness_answer_confidence(const struct questionnaire *q,
				   const struct ra_answer *a, int64_t now)
{
	double age_days = (double)(now - a->answered_at) / 86400e6;

	if (age_days < 0)
		age_days = 0;
	return q->scoring.weight[a->provenance] * pow(0.5, age_days / q->scoring.half_life_days);
}

static int cmp_int(const void *x, const void *y)
{
	int a = *(const int *)x, b = *(const int *)y;

	return (a > b) - (a < b);
}

void readiness_score(const struct catalog *cat, const struct questionnaire *q,
		     const struct ra_set *set, int64_t now,
		     struct readiness_score *out)
{
	int *levels = xcalloc(q->n + 1, sizeof(int));
	size_t d, i, m, b;
	int mincap = q->max_level;

	memset(out, 0, sizeof(*out));
	out->ndims = cat->ndimensions;
	out->nmodels = cat->nmodels;
	out->dims = xcalloc(out->ndims + 1, sizeof(*out->dims));
	out->models = xcalloc(out->nmodels + 1, sizeof(*out->models));
	out->total = q->n;
	/* governance basics: lowest answered level per basic, and evidence */
	for (b = 0; b < RQ_NBASICS; b++) {
		int all_evidenced = 1, any = 0;
		out->basic_level[b] = -1;
		for (i = 0; i < q->n; i++) {
			const struct ra_answer *a;
			if (q->q[i].basic != (int)b)
				continue;
			a = ra_set_find(set, q->q[i].id);
			if (!a || a->choice <= 0) {
				all_evidenced = 0;
				continue;
			}
			if (!any || a->level < out->basic_level[b])
				out->basic_level[b] = a->level;
			any = 1;
			if (a->provenance == PROV_STATED || a->level < q->scoring.basic_min_level)
				all_evidenced = 0;
		}
		out->basic_evidenced[b] = any && all_evidenced;
		out->basics_evidenced += out->basic_evidenced[b] ? 0.25 : 0;
		if ((out->basic_level[b] < 0 ? 0 : out->basic_level[b]) < mincap)
			mincap = out->basic_level[b] < 0 ? 0 : out->basic_level[b];
	}
	out->cap = mincap + q->scoring.governance_cap_margin;
	if (out->cap > q->max_level)
		out->cap = q->max_level;
	for (d = 0; d < out->ndims; d++) {
		struct rs_dim *rd = &out->dims[d];
		size_t nl = 0;
		double conf = 0;
		for (i = 0; i < q->n; i++) {
			const struct ra_answer *a;
			if (q->q[i].dim != (int)d)
				continue;
			rd->total++;
			a = ra_set_find(set, q->q[i].id);
			if (!a || a->choice <= 0)
				continue;
			levels[nl++] = a->level;
			conf += readiness_answer_confidence(q, a, now);
		}
		rd->answered = nl;
		out->answered += nl;
		rd->confidence = rd->total ? conf / (double)rd->total : 0;
		if (!nl) {
			rd->level = rd->raw = -1;
			continue;
		}
		qsort(levels, nl, sizeof(int), cmp_int);
		rd->raw = levels[(nl - 1) / 2]; /* lower median */
		rd->level = rd->raw > out->cap ? out->cap : rd->raw;
		rd->capped = rd->level < rd->raw;
	}
	for (m = 0; m < out->nmodels; m++) {
		struct rs_model *rm = &out->models[m];
		size_t nd = 0;
		double conf = 0;
		rm->level = -1;
		rm->limiting_dim = -1;
		for (d = 0; d < out->ndims; d++) {
			const struct strlist *ml = &cat->dimensions[d].models;
			for (i = 0; i < ml->n; i++)
				if (!strcmp(ml->v[i], cat->models[m].id))
					break;
			if (i == ml->n)
				continue;
			nd++;
			conf += out->dims[d].confidence;
			if (out->dims[d].level >= 0 &&
			    (rm->level < 0 || out->dims[d].level < rm->level)) {
				rm->level = out->dims[d].level;
				rm->limiting_dim = (int)d;
			}
		}
		rm->confidence = nd ? conf / (double)nd : 0;
	}
	for (i = 0; i < q->n; i++) {
		const struct ra_answer *a = ra_set_find(set, q->q[i].id);
		if (!a)
			out->minutes_left += q->q[i].minutes;
	}
	free(levels);
}

void readiness_score_release(struct readiness_score *r)
{
	free(r->dims);
	free(r->models);
	memset(r, 0, sizeof(*r));
}

static json_t *level_json(int level)
{
	return level < 0 ? json_null() : json_integer(level);
}

static double round3(double x)
{
	return floor(x * 1000 + 0.5) / 1000;
}

json_t *readiness_score_json(const struct catalog *cat, const struct questionnaire *q,
			     const struct ra_set *set, const struct readiness_score *r)
{
	json_t *o = json_object(), *dims = json_array(), *models = json_array();
	json_t *basics = json_object(), *answers = json_array();
	size_t i;

	for (i = 0; i < r->ndims; i++) {
		const struct rs_dim *d = &r->dims[i];
		json_array_append_new(dims, json_pack("{s:s, s:s, s:o, s:o, s:b, s:I, s:I, s:f}",
			"id", cat->dimensions[i].id, "name", cat->dimensions[i].name,
			"level", level_json(d->level), "raw_level", level_json(d->raw),
			"capped", d->capped, "answered", (json_int_t)d->answered,
			"questions", (json_int_t)d->total, "confidence", round3(d->confidence)));
	}
	for (i = 0; i < r->nmodels; i++) {
		const struct rs_model *m = &r->models[i];
		json_array_append_new(models, json_pack("{s:s, s:s, s:o, s:o, s:f}",
			"id", cat->models[i].id, "name", cat->models[i].name,
			"level", level_json(m->level),
			"limited_by", m->limiting_dim >= 0 ?
				json_string(cat->dimensions[m->limiting_dim].id) : json_null(),
			"confidence", round3(m->confidence)));
	}
	for (i = 0; i < RQ_NBASICS; i++)
		json_object_set_new(basics, rq_basic_names[i],
				    json_pack("{s:o, s:b}", "level", level_json(r->basic_level[i]),
					      "evidenced", r->basic_evidenced[i]));
	for (i = 0; set && i < set->n; i++)
		json_array_append_new(answers, answer_json(&set->a[i]));
	json_object_set_new(o, "dimensions", dims);
	json_object_set_new(o, "models", models);
	json_object_set_new(o, "governance_basics", basics);
	json_object_set_new(o, "governance_basics_evidenced", json_real(r->basics_evidenced));
	json_object_set_new(o, "cap", json_integer(r->cap));
	json_object_set_new(o, "answered", json_integer((json_int_t)r->answered));
	json_object_set_new(o, "questions", json_integer((json_int_t)r->total));
	json_object_set_new(o, "answers", answers);
	if (set && set->seq) {
		json_object_set_new(o, "set", json_integer(set->id));
		json_object_set_new(o, "ledger_seq", json_integer(set->seq));
	}
	(void)q;
	return o;
}

int readiness_apply_measured(const struct evidence_env *env, const struct questionnaire *q,
			     struct ra_set *set, struct ra_measured_list *notes,
			     struct aiv_err *err)
{
	size_t i;
	int k, ret;

	memset(notes, 0, sizeof(*notes));
	for (i = 0; i < q->n; i++) {
		const struct rq_question *rq = &q->q[i];
		struct ra_answer *old, a;
		struct evidence_value ev;
		int level = 0, choice = 1, stated = -1;

		if (!rq->measure_metric)
			continue;
		if ((ret = evidence_get(env, rq->measure_metric, &ev, err))) {
			ra_measured_list_release(notes);
			return ret;
		}
		if (ev.state != EV_MEASURED)
			continue;
		for (k = 0; k < rq->nthr; k++)
			if (rq->measure_down ? ev.value <= rq->measure_thr[k] :
					       ev.value >= rq->measure_thr[k])
				level = k + 1;
		for (k = 0; k < (int)rq->nchoices; k++)
			if (rq->choices[k].level <= level)
				choice = k + 1;
		old = ra_set_find(set, rq->id);
		if (old && old->choice > 0)
			stated = old->level;
		notes->v = xrealloc(notes->v, (notes->n + 1) * sizeof(*notes->v));
		notes->v[notes->n++] = (struct ra_measured){
			.question = rq->id, .metric = rq->measure_metric, .value = ev.value,
			.measured_level = level, .stated_level = stated, .agrees = stated == level,
			.source = xstrdup(ev.source) };
		memset(&a, 0, sizeof(a));
		a.question = rq->id;
		a.choice = choice;
		a.level = level;
		a.provenance = PROV_MEASURED;
		a.source = ev.source;
		a.answered_at = ev.measured_at ? ev.measured_at : env->now;
		ra_set_put(set, &a);
	}
	return 0;
}

void ra_measured_list_release(struct ra_measured_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].source);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

json_t *ra_measured_list_json(const struct ra_measured_list *l)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < l->n; i++) {
		const struct ra_measured *m = &l->v[i];
		json_array_append_new(arr, json_pack("{s:s, s:s, s:f, s:i, s:o, s:b, s:s}",
			"question", m->question, "metric", m->metric, "value", m->value,
			"measured_level", m->measured_level,
			"stated_level", m->stated_level >= 0 ? json_integer(m->stated_level) :
							       json_null(),
			"agrees", m->agrees, "source", m->source));
	}
	return arr;
}
