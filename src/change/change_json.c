/*
 * change_json.c - the JSON printer of each typed change result (change.h):
 * the shape `aivalue change ... --json` prints and /api/v1/changes...
 * sends.  One function per type, so a key is written in one place; the
 * text and HTML printers read the same structs' fields.
 *
 * Times print as ISO 8601 text, null when not yet; a figure with no data
 * (NAN) prints as null.
 */
#include <math.h>
#include <stdlib.h>

#include "change.h"
#include "core/cjson.h"
#include "change_int.h"

static json_t *number_or_null(double v)
{
	return isnan(v) ? json_null() : json_real(v);
}

static json_t *strs_json(const struct change_strs *l)
{
	return cjson_str_array(l->v, l->n);
}

json_t *change_cr_summary_json(const struct change_cr_summary *c)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o}",
		"id", c->id, "artefact", c->artefact, "status", c->status,
		"base_version", (json_int_t)c->base_version, "base_fingerprint", c->base_fingerprint,
		"new_fingerprint", c->new_fingerprint, "reason", c->reason, "risk", c->risk,
		"author", c->author, "opened_at", chg_time_or_null(c->opened_at),
		"approved_at", chg_time_or_null(c->approved_at),
		"merged_at", chg_time_or_null(c->merged_at), "closed_at", chg_time_or_null(c->closed_at));

	if (c->generated_by) {
		json_object_set_new(o, "generated_by", json_string(c->generated_by));
		json_object_set_new(o, "model", json_string(c->model ? c->model : ""));
	}
	json_object_set_new(o, "impact_count", json_integer((json_int_t)c->impact_count));
	return o;
}

json_t *change_cr_list_json(const struct change_cr_list *l)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < l->n; i++)
		json_array_append_new(arr, change_cr_summary_json(&l->v[i]));
	return arr;
}

/* Recorded at opening with sorted keys (cjson); printed in that order. */
static json_t *impact_item_json(const struct change_impact_item *m)
{
	json_t *o = json_pack("{s:i}", "depth", (int)m->depth);

	if (m->fingerprint)
		json_object_set_new(o, "fingerprint", json_string(m->fingerprint));
	if (m->id)
		json_object_set_new(o, "id", json_string(m->id));
	if (m->owner)
		json_object_set_new(o, "owner", json_string(m->owner));
	if (m->owner_kind)
		json_object_set_new(o, "owner_kind", json_string(m->owner_kind));
	json_object_set_new(o, "path", strs_json(&m->path));
	json_object_set_new(o, "version", json_integer((json_int_t)m->version));
	if (m->via)
		json_object_set_new(o, "via", json_string(m->via));
	return o;
}

static json_t *evidence_list_json(const struct change_evidence_list *l);

json_t *change_cr_view_json(const struct change_cr_view *v)
{
	json_t *o = change_cr_summary_json(&v->cr), *arr;
	size_t i;

	arr = json_array();
	for (i = 0; i < v->nimpact; i++)
		json_array_append_new(arr, impact_item_json(&v->impact[i]));
	json_object_set_new(o, "impact", arr);
	json_object_set_new(o, "evidence", evidence_list_json(&v->evidence));
	json_object_set_new(o, "approval", change_approval_json(&v->approval));
	arr = json_array();
	for (i = 0; i < v->nsignatures; i++) {
		const struct change_signature *g = &v->signatures[i];
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:s}",
			"decision", g->decision, "signer", g->signer, "time", g->time,
			"meaning", g->meaning, "reason", g->reason, "record_hash", g->record_hash,
			"ledger_seq", (json_int_t)g->ledger_seq, "artefact", g->artefact));
	}
	json_object_set_new(o, "signatures", arr);
	arr = json_array();
	for (i = 0; i < v->nmarks; i++) {
		const struct change_cr_mark *mk = &v->marks[i];
		json_t *m = json_pack("{s:s, s:s, s:b}", "artefact", mk->artefact, "cause", mk->cause,
				      "open", mk->open);
		if (!mk->open) {
			json_object_set_new(m, "cleared_at", chg_time_or_null(mk->cleared_at));
			json_object_set_new(m, "cleared_by", json_string(mk->cleared_by));
		}
		json_array_append_new(arr, m);
	}
	json_object_set_new(o, "stale_marks", arr);
	arr = json_array();
	for (i = 0; i < v->nrecorded; i++)
		json_array_append_new(arr, json_pack("{s:s, s:o, s:b}", "with", v->recorded[i].with,
			"overlap", strs_json(&v->recorded[i].overlap),
			"resolved", v->recorded[i].resolved));
	json_object_set_new(o, "conflicts_recorded", arr);
	if (!v->opened)
		return o;
	arr = json_array();
	for (i = 0; i < v->nconflicts; i++)
		json_array_append_new(arr, json_pack("{s:s, s:o}", "cr", v->conflicts[i].with,
			"overlap", strs_json(&v->conflicts[i].overlap)));
	json_object_set_new(o, "conflicts", arr);
	if (v->finding)
		json_object_set_new(o, "finding", json_string(v->finding));
	return o;
}

json_t *change_conflict_list_json(const struct change_conflict_list *l)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < l->n; i++) {
		const struct change_conflict *c = &l->v[i];
		json_array_append_new(arr, json_pack("{s:s, s:s, s:o, s:o, s:o, s:b}", "a", c->a,
			"b", c->b, "overlap", strs_json(&c->overlap),
			"detected_at", chg_time_or_null(c->detected_at),
			"resolved_at", chg_time_or_null(c->resolved_at), "open", !c->resolved_at));
	}
	return arr;
}

json_t *change_stale_list_json(const struct change_stale_list *l)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < l->n; i++)
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s}", "artefact",
			l->v[i].artefact, "owner", l->v[i].owner, "cr", l->v[i].cr,
			"cause", l->v[i].cause));
	return arr;
}

json_t *change_verdict_json(const struct change_verdict *v)
{
	json_t *sigs = json_array();
	size_t i;

	for (i = 0; i < v->nsigs; i++) {
		const struct change_sig_check *s = &v->sigs[i];
		json_array_append_new(sigs, json_pack("{s:s, s:s, s:s, s:I, s:b, s:o}",
			"signer", s->signer, "decision", s->decision, "record_hash", s->record_hash,
			"ledger_seq", (json_int_t)s->ledger_seq, "valid", s->valid,
			"problems", strs_json(&s->problems)));
	}
	return json_pack("{s:s, s:s, s:b, s:o, s:o, s:i}", "cr", v->cr, "status", v->status,
			 "ok", v->ok, "signatures", sigs, "problems", strs_json(&v->problems),
			 "evidence", (int)v->evidence);
}

json_t *change_gov_metrics_json(const struct change_gov_metrics *m)
{
	json_t *backlog = json_object(), *findings = json_array(), *awaiting = json_array(), *o;
	size_t i;

	for (i = 0; i < m->nbacklog; i++)
		json_object_set_new(backlog, m->backlog[i].owner, json_pack("{s:I, s:I}",
			"stale", (json_int_t)m->backlog[i].stale,
			"pending_approvals", (json_int_t)m->backlog[i].pending_approvals));
	for (i = 0; i < m->nfindings; i++)
		json_array_append_new(findings, json_pack("{s:o, s:s}", "time",
			chg_time_or_null(m->findings[i].time), "message", m->findings[i].message));
	for (i = 0; i < m->nawaiting; i++)
		json_array_append_new(awaiting, json_pack("{s:s, s:o}", "id", m->awaiting[i].id,
			"opened_at", chg_time_or_null(m->awaiting[i].opened_at)));
	o = json_pack("{s:I, s:{s:I, s:o, s:o, s:o, s:o}, s:{s:I, s:I, s:o}, s:{s:o, s:I, s:I},"
		      " s:{s:o, s:I, s:I}, s:o, s:{s:o, s:I}, s:I, s:o}",
		"change_requests", (json_int_t)m->change_requests,
		"time_to_safe_change_hours", "done", (json_int_t)m->safe_change.done,
		"median", number_or_null(m->safe_change.median),
		"p90", number_or_null(m->safe_change.p90),
		"approval_median", number_or_null(m->safe_change.approval_median),
		"approval_p90", number_or_null(m->safe_change.approval_p90),
		"conflicts", "count", (json_int_t)m->conflicts.count,
		"open", (json_int_t)m->conflicts.open,
		"time_to_resolve_median_hours", number_or_null(m->conflicts.resolve_median_hours),
		"audit_readiness", "share", number_or_null(m->audit_readiness.share),
		"ready", (json_int_t)m->audit_readiness.ready,
		"merged", (json_int_t)m->audit_readiness.merged,
		"downstream_consistency", "share", number_or_null(m->downstream.share),
		"artefacts", (json_int_t)m->downstream.artefacts,
		"stale", (json_int_t)m->downstream.stale,
		"review_backlog", backlog,
		"ai_generated", "share", number_or_null(m->ai_generated.share),
		"count", (json_int_t)m->ai_generated.count,
		"queued", (json_int_t)m->queued, "findings", findings);
	json_object_set_new(o, "awaiting_review", awaiting);
	return o;
}

json_t *change_merge_result_json(const struct change_merge_result *r)
{
	json_t *stale = json_array(), *reeval = json_array(), *o;
	size_t i;

	for (i = 0; i < r->nstale; i++)
		json_array_append_new(stale, json_pack("{s:s, s:s, s:s, s:o}", "artefact",
			r->stale[i].artefact, "owner", r->stale[i].owner, "cause", r->stale[i].cause,
			"path", strs_json(&r->stale[i].path)));
	for (i = 0; i < r->nreevaluated; i++)
		json_array_append_new(reeval, json_pack("{s:s, s:s}", "cr", r->reevaluated[i].cr,
			"now", r->reevaluated[i].now));
	o = json_pack("{s:s, s:s, s:s, s:I, s:I, s:o, s:o}", "cr", r->cr, "artefact", r->artefact,
		      "status", r->status, "from_version", (json_int_t)r->from_version,
		      "to_version", (json_int_t)r->to_version, "stale", stale, "reevaluated", reeval);
	if (r->released.n)
		json_object_set_new(o, "released", strs_json(&r->released));
	if (r->warning)
		json_object_set_new(o, "warning", json_string(r->warning));
	if (r->written)
		json_object_set_new(o, "written", json_string(r->written));
	return o;
}

json_t *change_review_result_json(const struct change_review_result *r)
{
	json_t *cleared = json_array(), *o;
	size_t i;

	for (i = 0; i < r->ncleared; i++)
		json_array_append_new(cleared, json_pack("{s:s, s:s}", "cr", r->cleared[i].cr,
			"cause", r->cleared[i].cause));
	o = json_pack("{s:s, s:s, s:o, s:o, s:O}", "artefact", r->artefact, "decision",
		      r->decision, "cleared", cleared, "done", strs_json(&r->done),
		      "signature", r->signature);
	if (r->released.n)
		json_object_set_new(o, "released", strs_json(&r->released));
	return o;
}

/*
 * A stored file prints its keys sorted (the store's canonical JSON), one
 * attached by this call in the order it was built: see change.h.
 */
static json_t *evidence_file_json(const struct change_evidence_file *f)
{
	if (f->stored && f->added_by)
		return json_pack("{s:s, s:s, s:I, s:s, s:s}", "added_at", f->added_at,
				 "added_by", f->added_by, "bytes", (json_int_t)f->bytes,
				 "name", f->name, "sha256", f->sha256);
	if (f->stored)
		return json_pack("{s:I, s:s, s:s}", "bytes", (json_int_t)f->bytes,
				 "name", f->name, "sha256", f->sha256);
	if (f->added_by)
		return json_pack("{s:s, s:s, s:I, s:s, s:s}", "name", f->name, "sha256", f->sha256,
				 "bytes", (json_int_t)f->bytes, "added_by", f->added_by,
				 "added_at", f->added_at);
	return json_pack("{s:s, s:s, s:I}", "name", f->name, "sha256", f->sha256,
			 "bytes", (json_int_t)f->bytes);
}

static json_t *evidence_list_json(const struct change_evidence_list *l)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < l->n; i++)
		json_array_append_new(arr, evidence_file_json(&l->v[i]));
	return arr;
}

json_t *change_attach_result_json(const struct change_attach_result *r)
{
	return json_pack("{s:s, s:o, s:o, s:I}", "cr", r->cr, "attached",
			 evidence_list_json(&r->attached), "evidence",
			 evidence_list_json(&r->evidence), "ledger_seq", (json_int_t)r->ledger_seq);
}

/* A slot prints as the approval path stores it (keys sorted), then satisfied_by. */
json_t *change_approval_json(const struct change_approval *a)
{
	json_t *slots = json_array();
	size_t i;

	for (i = 0; i < a->nslots; i++) {
		const struct change_approval_slot *sl = &a->slots[i];
		json_array_append_new(slots, json_pack("{s:s, s:s, s:s, s:o}", "kind", sl->kind,
			"name", sl->name, "role", sl->role, "satisfied_by",
			sl->satisfied_by ? json_string(sl->satisfied_by) : json_null()));
	}
	return json_pack("{s:b, s:o, s:i, s:i, s:o}", "approved", a->approved, "slots", slots,
			 "approvers", a->approvers, "quorum", a->quorum,
			 "missing", strs_json(&a->missing));
}

json_t *change_sign_result_json(const struct change_sign_result *r)
{
	json_t *o = json_pack("{s:s, s:s, s:O}", "cr", r->cr, "status", r->status,
			      "signature", r->signature);

	if (r->has_approval)
		json_object_set_new(o, "approval", change_approval_json(&r->approval));
	if (r->released.n)
		json_object_set_new(o, "released", strs_json(&r->released));
	return o;
}
