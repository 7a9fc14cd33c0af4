/*
 * test_control.c - the control layer through its C API on a real
 * (temporary) workspace: the fail-closed forbid rule and its switch,
 * escalation, expiry, digest-bound one-time approvals and separation of
 * duties.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "apply/apply.h"
#include "catalog/catalog.h"
#include "control/control.h"
#include "control/control_int.h"
#include "control/control_queries.h"
#include "core/cjson.h"
#include "core/hash.h"
#include "core/timeutil.h"
#include "org/org.h"
#include "cli/cmd.h"
#include "store/store.h"

static const char *YAML =
	"kind: Team\nname: fin\ntitle: Finance\nfunction: finance\n---\n"
	"kind: Person\nname: ana\ndisplay_name: Ana\nrole: lead\nteam: fin\n---\n"
	"kind: Person\nname: bob\ndisplay_name: Bob\nrole: clerk\nteam: fin\n---\n"
	"kind: Agent\nname: bot\nowner: ana\nworkflow: p2p\n---\n"
	"kind: Workflow\nname: p2p\nowner: ana\nautonomy: autonomous\nsteps:\n"
	"  - name: pay\n    owner: bob\n    agents: [bot]\n---\n"
	"kind: Policy\nname: pol\nresource_types: [Invoice]\ncedar: |\n"
	"  @id(\"pay\") permit(principal, action == Action::\"pay\", resource);\n"
	"  @id(\"review\") @escalate(\"ap\") @sla(\"PT1H\")\n"
	"  forbid(principal, action == Action::\"pay\", resource) when { context.amount > 100 };\n"
	"  @id(\"hard\") forbid(principal, action == Action::\"pay\", resource)\n"
	"  when { context has vendor && context.vendor == \"blocked\" };\n";

struct fixture {
	char path[64];
	struct store *s;
	struct catalog *cat;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct aiv_err err = AIV_ERR_INIT;
	struct apply_result res;
	const char *src[] = { "t.yaml" };
	int fd;

	snprintf(f->path, sizeof(f->path), "/tmp/aiv-test-control.XXXXXX");
	fd = mkstemp(f->path);
	close(fd);
	unlink(f->path);
	org_register_kinds();
	control_register_kinds();
	if (store_open(&f->s, f->path, STORE_CREATE, &err) || catalog_load(&f->cat, NULL, &err) ||
	    apply_sources(f->s, f->cat, "test", src, 1, YAML, strlen(YAML), 0, &res, &err))
		fail_msg("setup: %s", err.msg);
	apply_result_release(&res);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char p[96];

	store_close(f->s);
	catalog_free(f->cat);
	unlink(f->path);
	snprintf(p, sizeof(p), "%s-wal", f->path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", f->path);
	unlink(p);
	free(f);
	unsetenv("AIVALUE_FAKE_TIME");
	return 0;
}

/* Decide with a context JSON text; returns the outcome, fills d. */
static int decide(struct fixture *f, unsigned flags, const char *ctx, const char *obo,
		  const char *approved, struct control_decision *d)
{
	struct control_engine *eng;
	struct control_request req;
	struct aiv_err err = AIV_ERR_INIT;
	json_t *cj = json_loads(ctx, 0, NULL);

	assert_non_null(cj);
	assert_int_equal(control_engine_load(f->s, flags, &eng, &err), 0);
	memset(&req, 0, sizeof(req));
	req.agent = "bot";
	req.action = "pay";
	req.resource = "Invoice::\"i1\"";
	req.on_behalf_of = obo;
	req.context = cj;
	req.approved = approved;
	if (control_decide(f->s, eng, "test", &req, d, &err))
		fail_msg("decide: %s", err.msg);
	control_engine_free(eng);
	json_decref(cj);
	return d->outcome;
}

/* A decision on another handle of the workspace (engine loaded there). */
/* the request most tests decide: agent bot pays invoice i1, with context cj */
static void bot_pays_i1(struct control_request *req, json_t *cj)
{
	memset(req, 0, sizeof(*req));
	req->agent = "bot";
	req->action = "pay";
	req->resource = "Invoice::\"i1\"";
	req->context = cj;
}

static int decide_on(struct store *s, const char *ctx, struct control_decision *d)
{
	struct control_engine *eng;
	struct control_request req;
	struct aiv_err err = AIV_ERR_INIT;
	json_t *cj = json_loads(ctx, 0, NULL);

	assert_int_equal(control_engine_load(s, 0, &eng, &err), 0);
	bot_pays_i1(&req, cj);
	if (control_decide(s, eng, "test", &req, d, &err))
		fail_msg("decide: %s", err.msg);
	control_engine_free(eng);
	json_decref(cj);
	return d->outcome;
}

static void test_outcomes(void **state)
{
	struct fixture *f = *state;
	struct control_decision d;

	assert_int_equal(decide(f, 0, "{\"amount\": 5}", NULL, NULL, &d), CONTROL_ALLOW);
	assert_string_equal(json_string_value(json_array_get(d.policies, 0)), "pay");
	control_decision_release(&d);
	assert_int_equal(decide(f, 0, "{\"amount\": 500}", NULL, NULL, &d), CONTROL_ESCALATE);
	assert_true(d.exception_id[0]);
	control_decision_release(&d);
	/* a hard forbid wins over an escalating one */
	assert_int_equal(decide(f, 0, "{\"amount\": 500, \"vendor\": \"blocked\"}", NULL, NULL, &d),
			 CONTROL_DENY);
	assert_false(d.exception_id[0]);
	control_decision_release(&d);
}

static void test_fail_closed_switch(void **state)
{
	struct fixture *f = *state;
	struct control_decision d;

	/* "review" errors without context.amount: fail closed -> escalate */
	assert_int_equal(decide(f, 0, "{}", NULL, NULL, &d), CONTROL_ESCALATE);
	assert_int_equal(json_array_size(d.errors), 1);
	control_decision_release(&d);
	/* Cedar's own semantics skip the erroring forbid -> allow */
	assert_int_equal(decide(f, CONTROL_NO_FAIL_CLOSED, "{}", NULL, NULL, &d), CONTROL_ALLOW);
	control_decision_release(&d);
}

static void test_approval_digest_and_duties(void **state)
{
	struct fixture *f = *state;
	struct control_decision d;
	struct aiv_err err = AIV_ERR_INIT;
	struct control_exception item = { 0 };
	char id[48];

	assert_int_equal(decide(f, 0, "{\"amount\": 500}", "bob", NULL, &d), CONTROL_ESCALATE);
	snprintf(id, sizeof(id), "%s", d.exception_id);
	control_decision_release(&d);
	/* separation of duties, agents, reasons */
	assert_int_equal(control_exception_act(f->s, "t", id, CONTROL_APPROVE, "bob", "ok", NULL,
					       &item, &err), AIV_EPERM);
	assert_non_null(strstr(err.msg, "separation of duties"));
	assert_int_equal(control_exception_act(f->s, "t", id, CONTROL_APPROVE, "bot", "ok", NULL,
					       &item, &err), AIV_EPERM);
	assert_int_equal(control_exception_act(f->s, "t", id, CONTROL_APPROVE, "ana", "", NULL,
					       &item, &err), AIV_EINPUT);
	/* a retry before approval is still not allowed */
	assert_int_equal(decide(f, 0, "{\"amount\": 500}", "bob", id, &d), CONTROL_DENY);
	control_decision_release(&d);
	assert_int_equal(control_exception_act(f->s, "t", id, CONTROL_APPROVE, "ana", "checked",
					       NULL, &item, &err), 0);
	assert_string_equal(item.state, "approved");
	assert_string_equal(item.approver, "ana");
	assert_string_equal(item.reason, "checked");
	assert_string_equal(item.on_behalf_of, "bob");
	assert_null(item.used_at);
	assert_true(json_is_array(item.policies));
	{
		/* the one JSON form: stored fields in column order, unset ones left out */
		json_t *j = control_exception_json(&item);
		char *text = json_dumps(j, JSON_COMPACT);
		const char *keys[] = { "\"id\"", "\"queue\"", "\"state\"", "\"agent\"",
				       "\"on_behalf_of\"", "\"request\"", "\"policies\"",
				       "\"approver\"", "\"reason\"" };
		const char *at = text;
		size_t k;
		for (k = 0; k < ARRAY_SIZE(keys); k++) {
			const char *hit = strstr(at, keys[k]);
			assert_non_null(hit);
			at = hit;
		}
		assert_null(json_object_get(j, "used_at"));
		assert_string_equal(json_str(j, "approver"), "ana");
		assert_true(json_equal(json_object_get(j, "policies"), item.policies));
		free(text);
		json_decref(j);
	}
	control_exception_release(&item);
	/* other arguments: denied; the same: allowed once; a replay: denied */
	assert_int_equal(decide(f, 0, "{\"amount\": 501}", "bob", id, &d), CONTROL_DENY);
	control_decision_release(&d);
	assert_int_equal(decide(f, 0, "{\"amount\": 500}", "bob", id, &d), CONTROL_ALLOW);
	control_decision_release(&d);
	assert_int_equal(decide(f, 0, "{\"amount\": 500}", "bob", id, &d), CONTROL_DENY);
	assert_non_null(strstr(d.reason, "already used"));
	control_decision_release(&d);
}

static void test_expiry(void **state)
{
	struct fixture *f = *state;
	struct control_decision d;
	struct aiv_err err = AIV_ERR_INIT;
	struct control_exception item = { 0 };
	char id[48];

	setenv("AIVALUE_FAKE_TIME", "2030-01-01T00:00:00Z", 1);
	assert_int_equal(decide(f, 0, "{\"amount\": 500}", NULL, NULL, &d), CONTROL_ESCALATE);
	assert_string_equal(d.due, "2030-01-01T01:00:00.000000Z");
	snprintf(id, sizeof(id), "%s", d.exception_id);
	control_decision_release(&d);
	setenv("AIVALUE_FAKE_TIME", "2030-01-01T00:59:59Z", 1);
	assert_int_equal(control_exception_show(f->s, "t", id, &item, &err), 0);
	assert_string_equal(item.state, "pending");
	control_exception_release(&item);
	setenv("AIVALUE_FAKE_TIME", "2030-01-01T01:00:01Z", 1);
	assert_int_equal(control_exception_show(f->s, "t", id, &item, &err), 0);
	assert_string_equal(item.state, "expired");
	control_exception_release(&item);
	assert_int_equal(control_exception_act(f->s, "t", id, CONTROL_APPROVE, "ana", "late", NULL,
					       &item, &err), AIV_ESTATE);
	/* an expired item never allows a retry */
	assert_int_equal(decide(f, 0, "{\"amount\": 500}", NULL, id, &d), CONTROL_DENY);
	assert_non_null(strstr(d.reason, "expired"));
	control_decision_release(&d);
}

/*
 * control_readiness's next_due_us: the pending item's due time while it
 * is not yet overdue, then -1 with the item counted as expired, with no
 * write in between.  http/pages_control.c keeps the figures per store
 * state and draws them afresh at that time, so the workflow page's tiles
 * agree with its overdue tab (found by review: they lagged a minute).
 */
static void test_readiness_next_due(void **state)
{
	struct fixture *f = *state;
	struct control_decision d;
	struct control_readiness r;
	struct aiv_err err = AIV_ERR_INIT;
	int64_t due;

	setenv("AIVALUE_FAKE_TIME", "2030-01-01T00:00:00Z", 1);
	assert_int_equal(control_readiness(f->s, "p2p", &r, &err), 0);
	assert_int_equal(r.next_due_us, -1);
	assert_int_equal(r.expired, 0);
	control_readiness_release(&r);
	assert_int_equal(decide(f, 0, "{\"amount\": 500}", NULL, NULL, &d), CONTROL_ESCALATE);
	assert_int_equal(time_parse_iso(d.due, &due), 0);
	control_decision_release(&d);
	setenv("AIVALUE_FAKE_TIME", "2030-01-01T00:59:59Z", 1);
	assert_int_equal(control_readiness(f->s, "p2p", &r, &err), 0);
	assert_int_equal(r.next_due_us, due);
	assert_int_equal(r.expired, 0);
	control_readiness_release(&r);
	setenv("AIVALUE_FAKE_TIME", "2030-01-01T01:00:01Z", 1);
	assert_int_equal(control_readiness(f->s, "p2p", &r, &err), 0);
	assert_int_equal(r.next_due_us, -1);
	assert_int_equal(r.expired, 1);
	control_readiness_release(&r);
}

static void test_log_chained(void **state)
{
	struct fixture *f = *state;
	struct control_decision d;
	struct aiv_err err = AIV_ERR_INIT;
	int64_t rows, batches;
	char problem[200];

	assert_int_equal(decide(f, 0, "{\"amount\": 5}", NULL, NULL, &d), CONTROL_ALLOW);
	control_decision_release(&d);
	assert_int_equal(control_log_verify(f->s, &rows, &batches, problem, sizeof(problem), &err), 0);
	assert_string_equal(problem, "");
	assert_int_equal(rows, 1);
	assert_int_equal(batches, 1);
}

/*
 * Each decision-log row is written once, its seq and batch known at the
 * insert: a trigger counts UPDATEs of decision_log.  Two decisions left
 * pending (an engine that chains every 3) and then one decision committed
 * at once make one batch of 3 rows, seq 1..3: the two pending rows get
 * their batch_seq by an UPDATE (2), the new row none; a fourth decision
 * adds no UPDATE.  (Before, every row was inserted and then updated: 4.)
 */
static void test_log_written_once(void **state)
{
	struct fixture *f = *state;
	struct control_engine *eng;
	struct control_request req;
	struct control_decision d;
	struct aiv_err err = AIV_ERR_INIT;
	json_t *cj = json_loads("{\"amount\": 5}", 0, NULL);
	int64_t rows, batches, n;
	char problem[200];
	int i;

	assert_int_equal(store_exec(f->s, "CREATE TABLE upd(n INTEGER);"
				    "CREATE TRIGGER upd_log AFTER UPDATE ON decision_log"
				    " BEGIN INSERT INTO upd VALUES (1); END", &err), 0);
	assert_int_equal(control_engine_load(f->s, 0, &eng, &err), 0);
	control_engine_set_batch(eng, 3);
	bot_pays_i1(&req, cj);
	for (i = 0; i < 2; i++) {
		assert_int_equal(control_decide(f->s, eng, "test", &req, &d, &err), 0);
		control_decision_release(&d);
	}
	control_engine_free(eng);
	json_decref(cj);
	assert_int_equal(store_query_int(f->s, "SELECT count(*) FROM decision_log"
					 " WHERE batch_seq IS NULL", &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(decide(f, 0, "{\"amount\": 5}", NULL, NULL, &d), CONTROL_ALLOW);
	control_decision_release(&d);
	assert_int_equal(store_query_int(f->s, "SELECT count(*) FROM upd", &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(control_log_verify(f->s, &rows, &batches, problem, sizeof(problem), &err), 0);
	assert_string_equal(problem, "");
	assert_int_equal(rows, 3);
	assert_int_equal(batches, 1);
	assert_int_equal(store_query_int(f->s, "SELECT max(seq) * 10 + count(DISTINCT batch_seq)"
					 " FROM decision_log", &n, &err), 0);
	assert_int_equal(n, 31);
	assert_int_equal(decide(f, 0, "{\"amount\": 5}", NULL, NULL, &d), CONTROL_ALLOW);
	control_decision_release(&d);
	assert_int_equal(store_query_int(f->s, "SELECT count(*) FROM upd", &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(control_log_verify(f->s, &rows, &batches, problem, sizeof(problem), &err), 0);
	assert_string_equal(problem, "");
	assert_int_equal(rows, 4);
	assert_int_equal(batches, 2);
}

static void test_decide_many(void **state)
{
	struct fixture *f = *state;
	struct control_engine *eng;
	struct control_request reqs[3];
	struct control_decision outs[3];
	struct aiv_err errs[3], err = AIV_ERR_INIT;
	json_t *c1 = json_loads("{\"amount\": 5}", 0, NULL);
	json_t *c2 = json_loads("{\"confidence\": 7}", 0, NULL);
	json_t *c3 = json_loads("{\"amount\": 500}", 0, NULL);
	int64_t rows, batches;
	char problem[200];
	size_t i;

	assert_int_equal(control_engine_load(f->s, 0, &eng, &err), 0);
	memset(reqs, 0, sizeof(reqs));
	for (i = 0; i < 3; i++) {
		reqs[i].agent = "bot";
		reqs[i].action = "pay";
		reqs[i].resource = "Invoice::\"i1\"";
	}
	reqs[0].context = c1;
	reqs[1].context = c2;
	reqs[2].context = c3;
	assert_int_equal(control_decide_many(f->s, eng, "t", reqs, 3, outs, errs, &err), 0);
	assert_int_equal(outs[0].outcome, CONTROL_ALLOW);
	assert_int_equal(errs[1].code, AIV_EINPUT); /* confidence outside [0,1] */
	assert_false(outs[1].decision_id[0]);
	assert_int_equal(outs[2].outcome, CONTROL_ESCALATE);
	for (i = 0; i < 3; i++)
		control_decision_release(&outs[i]);
	/* two decisions and one transition, chained by one ledger entry */
	assert_int_equal(control_log_verify(f->s, &rows, &batches, problem, sizeof(problem), &err), 0);
	assert_string_equal(problem, "");
	assert_int_equal(rows, 3);
	assert_int_equal(batches, 1);
	control_engine_free(eng);
	json_decref(c1);
	json_decref(c2);
	json_decref(c3);
}

/*
 * A batch whose "seq:digest" lines pass the 64 KiB kept in memory is
 * hashed streaming from there on (batch_hash_add): 1,200 decisions in
 * one commit, one ledger entry, which `decisions verify` re-derives.
 */
static void test_log_batch_streamed(void **state)
{
	struct fixture *f = *state;
	struct control_engine *eng;
	enum { N = 1200 };
	struct control_request *reqs = calloc(N, sizeof(*reqs));
	struct control_decision *outs = calloc(N, sizeof(*outs));
	struct aiv_err *errs = calloc(N, sizeof(*errs)), err = AIV_ERR_INIT;
	json_t *c1 = json_loads("{\"amount\": 5}", 0, NULL);
	int64_t rows, batches;
	char problem[200];
	size_t i;

	assert_int_equal(control_engine_load(f->s, 0, &eng, &err), 0);
	for (i = 0; i < N; i++) {
		reqs[i].agent = "bot";
		reqs[i].action = "pay";
		reqs[i].resource = "Invoice::\"i1\"";
		reqs[i].context = c1;
	}
	assert_int_equal(control_decide_many(f->s, eng, "t", reqs, N, outs, errs, &err), 0);
	for (i = 0; i < N; i++) {
		assert_int_equal(outs[i].outcome, CONTROL_ALLOW);
		control_decision_release(&outs[i]);
	}
	assert_int_equal(control_log_verify(f->s, &rows, &batches, problem, sizeof(problem), &err), 0);
	assert_string_equal(problem, "");
	assert_int_equal(rows, N);
	assert_int_equal(batches, 1);
	control_engine_free(eng);
	json_decref(c1);
	free(reqs);
	free(outs);
	free(errs);
}

/*
 * A group commit of up to 32 rows goes as one multi-row INSERT, a larger
 * one as a bulk insert: 32, 33 and 1 decisions (66 rows, 3 batches) are
 * numbered 1..66 without a gap, each row carries its own columns, and
 * `decisions verify` re-derives every batch.
 */
static void test_log_insert_sizes(void **state)
{
	struct fixture *f = *state;
	struct control_engine *eng;
	struct control_request reqs[33];
	struct control_decision outs[33];
	struct aiv_err errs[33], err = AIV_ERR_INIT;
	json_t *cj = json_loads("{\"amount\": 5}", 0, NULL);
	const size_t sizes[] = { 32, 33, 1 };
	int64_t rows, batches, n;
	char problem[200];
	size_t i, k;

	assert_int_equal(control_engine_load(f->s, 0, &eng, &err), 0);
	memset(reqs, 0, sizeof(reqs));
	for (i = 0; i < 33; i++) {
		reqs[i].agent = "bot";
		reqs[i].action = "pay";
		reqs[i].resource = "Invoice::\"i1\"";
		reqs[i].context = cj;
	}
	for (k = 0; k < 3; k++) {
		assert_int_equal(control_decide_many(f->s, eng, "t", reqs, sizes[k], outs, errs,
						     &err), 0);
		for (i = 0; i < sizes[k]; i++) {
			assert_int_equal(outs[i].outcome, CONTROL_ALLOW);
			control_decision_release(&outs[i]);
		}
	}
	assert_int_equal(control_log_verify(f->s, &rows, &batches, problem, sizeof(problem), &err), 0);
	assert_string_equal(problem, "");
	assert_int_equal(rows, 66);
	assert_int_equal(batches, 3);
	assert_int_equal(store_query_int(f->s, "SELECT count(*) * 10000 + min(seq) * 100 + max(seq)"
					 " FROM decision_log WHERE kind = 'decision' AND agent = 'bot'"
					 " AND action = 'pay' AND outcome = 'allow' AND time_us > 0"
					 " AND batch_seq IS NOT NULL", &n, &err), 0);
	assert_int_equal(n, 660166);
	/* the batches hold 32, 33 and 1 rows: rows 1-32, 33-65 and 66 */
	assert_int_equal(store_query_int(f->s, "SELECT count(*) FROM decision_log d WHERE"
					 " (SELECT count(*) FROM decision_log e WHERE e.batch_seq"
					 " = d.batch_seq) = CASE WHEN d.seq <= 32 THEN 32"
					 " WHEN d.seq <= 65 THEN 33 ELSE 1 END", &n, &err), 0);
	assert_int_equal(n, 66);
	control_engine_free(eng);
	json_decref(cj);
}

/*
 * The statements of one group commit (issue 18: each is a round trip on
 * PostgreSQL): BEGIN, the objects' mark, one read for the phase verdict,
 * the overdue items, the decision log's pending rows and its newest seq,
 * the ledger head, the ledger entry, the UPDATE chaining the pending row,
 * the rows' INSERT and COMMIT: 8 (10 when the verdict, the overdue items
 * and the pending rows were three reads).  The row left pending before
 * is chained with the batch: rows 1..5 in two batches, none pending.
 */
static void test_commit_statements(void **state)
{
	struct fixture *f = *state;
	struct control_engine *eng;
	struct control_request reqs[3];
	struct control_decision outs[3];
	struct aiv_err errs[3], err = AIV_ERR_INIT;
	json_t *cj = json_loads("{\"amount\": 5}", 0, NULL);
	const char *rec = "{\"note\": \"left pending\"}";
	char digest[SHA256_HEX], problem[200];
	struct store_stmt *st;
	int64_t before, rows, batches, n;
	size_t i;

	assert_int_equal(control_engine_load(f->s, 0, &eng, &err), 0);
	memset(reqs, 0, sizeof(reqs));
	for (i = 0; i < 3; i++) {
		reqs[i].agent = "bot";
		reqs[i].action = "pay";
		reqs[i].resource = "Invoice::\"i1\"";
		reqs[i].context = cj;
	}
	assert_int_equal(control_decide_many(f->s, eng, "t", reqs, 1, outs, errs, &err), 0);
	control_decision_release(&outs[0]);
	sha256_hex(rec, strlen(rec), digest);
	st = store_prepare(f->s, "INSERT INTO decision_log(seq, id, kind, time, record, digest)"
			   " VALUES (2, 'x-2', 'note', '2026-12-07T16:00:00Z', ?, ?)", &err);
	assert_non_null(st);
	store_bind_text(st, 1, rec);
	store_bind_text(st, 2, digest);
	assert_int_equal(store_step(st, &err), STORE_DONE);
	store_reset(st);
	before = store_statements(f->s);
	assert_int_equal(control_decide_many(f->s, eng, "t", reqs, 3, outs, errs, &err), 0);
	assert_int_equal(store_statements(f->s) - before, 8);
	for (i = 0; i < 3; i++) {
		assert_int_equal(outs[i].outcome, CONTROL_ALLOW);
		control_decision_release(&outs[i]);
	}
	assert_int_equal(control_log_verify(f->s, &rows, &batches, problem, sizeof(problem), &err), 0);
	assert_string_equal(problem, "");
	assert_int_equal(rows, 5);
	assert_int_equal(batches, 2);
	assert_int_equal(store_query_int(f->s, "SELECT count(*) * 100 + max(seq) FROM decision_log"
					 " WHERE batch_seq IS NOT NULL", &n, &err), 0);
	assert_int_equal(n, 505);
	control_engine_free(eng);
	json_decref(cj);
}

/*
 * Evaluated against one snapshot, committed after the workflow became
 * supervised: the commit evaluates again, so the recorded decision is the
 * one in force at commit (escalate), never the stale allow.  A request that became bad input
 * (its person deleted) is refused and not recorded.
 */
/* control_commit_with's hook: what it writes is in the decisions' transaction. */
static int hook_calls, hook_in_tx;

static int hook_fail(struct store *s, void *data, struct aiv_err *err)
{
	(void)data;
	hook_calls++;
	hook_in_tx = store_in_tx(s);
	return aiv_fail(err, AIV_EIO, "hook refused");
}

static int hook_ok(struct store *s, void *data, struct aiv_err *err)
{
	(void)data;
	(void)err;
	hook_calls++;
	hook_in_tx = store_in_tx(s);
	return 0;
}

static void test_commit_hook(void **state)
{
	struct fixture *f = *state;
	struct control_engine *eng = NULL;
	struct control_pending *v[1] = { NULL };
	struct control_request req;
	struct control_decision outs[1];
	struct aiv_err errs[1], err = AIV_ERR_INIT;
	struct control_commit_hook fail = { hook_fail, NULL, NULL, NULL, NULL },
				   ok = { hook_ok, NULL, NULL, NULL, NULL };
	struct control_log_records log = { NULL, 0 };
	json_t *c = json_loads("{\"amount\": 5}", 0, NULL);

	assert_int_equal(control_engine_load(f->s, 0, &eng, &err), 0);
	bot_pays_i1(&req, c);
	assert_int_equal(control_evaluate(eng, &req, &v[0], &err), 0);

	/* the hook fails: the whole batch rolls back, no decision is recorded */
	hook_calls = hook_in_tx = 0;
	assert_int_equal(control_commit_with(f->s, eng, "t", v, 1, outs, errs, &fail, &err),
			 AIV_EIO);
	assert_string_equal(err.msg, "hook refused");
	assert_int_equal(hook_calls, 1);
	assert_true(hook_in_tx);
	assert_false(store_in_tx(f->s));
	assert_int_equal(control_log_list(f->s, &log, &err), 0);
	assert_int_equal(log.n, 0);
	control_log_records_release(&log);

	/* the hook succeeds: one decision, recorded and chained, the hook ran inside */
	hook_calls = hook_in_tx = 0;
	aiv_err_clear(&err);
	assert_int_equal(control_commit_with(f->s, eng, "t", v, 1, outs, errs, &ok, &err), 0);
	assert_int_equal(hook_calls, 1);
	assert_true(hook_in_tx);
	assert_int_equal(control_log_list(f->s, &log, &err), 0);
	assert_int_equal(log.n, 1);
	assert_string_equal(log.v[0].id, outs[0].decision_id);
	assert_true(log.v[0].ledger_seq > 0);
	control_log_records_release(&log);
	control_decision_release(&outs[0]);
	control_pending_free(v[0]);
	control_engine_free(eng);
	json_decref(c);
}

/*
 * control_commit_with's at_start hook (the HTTP writer's revocation check,
 * src/http/api_control.c: check_revocations): it runs first in the
 * transaction.  Failing, it rolls the batch back: the error is returned, no
 * decision row and no ledger entry.  Setting v[i] to NULL leaves request i
 * out (a revoked token's): only the others are recorded, and outs[i] stays
 * empty.
 */
static int start_calls, start_in_tx;

static int start_fail(struct store *s, void *data, struct control_pending **v, size_t n,
		      struct aiv_err *err)
{
	(void)data;
	(void)v;
	(void)n;
	start_calls++;
	start_in_tx = store_in_tx(s);
	return aiv_fail(err, AIV_EPERM, "token was revoked");
}

static int start_drop_second(struct store *s, void *data, struct control_pending **v, size_t n,
			     struct aiv_err *err)
{
	struct control_pending **dropped = data;

	(void)err;
	start_calls++;
	start_in_tx = store_in_tx(s);
	assert_int_equal(n, 2);
	*dropped = v[1];
	v[1] = NULL;
	return 0;
}

static void test_commit_at_start(void **state)
{
	struct fixture *f = *state;
	struct control_engine *eng = NULL;
	struct control_pending *v[2] = { NULL, NULL }, *dropped = NULL;
	struct control_request req;
	struct control_decision outs[2];
	struct aiv_err errs[2], err = AIV_ERR_INIT;
	struct control_commit_hook fail = { NULL, NULL, start_fail, NULL, NULL };
	struct control_commit_hook drop = { NULL, NULL, start_drop_second, &dropped, NULL };
	struct control_log_records log = { NULL, 0 };
	json_t *c = json_loads("{\"amount\": 5}", 0, NULL);
	int64_t ledger0 = -1, ledger1 = -1;
	size_t i;

	assert_int_equal(control_engine_load(f->s, 0, &eng, &err), 0);
	bot_pays_i1(&req, c);
	for (i = 0; i < 2; i++)
		assert_int_equal(control_evaluate(eng, &req, &v[i], &err), 0);
	assert_int_equal(store_query_int(f->s, "SELECT count(*) FROM ledger", &ledger0, &err), 0);

	/* it fails: its error, nothing recorded, nothing chained, no transaction left */
	start_calls = start_in_tx = 0;
	assert_int_equal(control_commit_with(f->s, eng, "t", v, 2, outs, errs, &fail, &err),
			 AIV_EPERM);
	assert_string_equal(err.msg, "token was revoked");
	assert_int_equal(start_calls, 1);
	assert_true(start_in_tx);
	assert_false(store_in_tx(f->s));
	assert_int_equal(control_log_list(f->s, &log, &err), 0);
	assert_int_equal(log.n, 0);
	control_log_records_release(&log);
	assert_int_equal(store_query_int(f->s, "SELECT count(*) FROM ledger", &ledger1, &err), 0);
	assert_int_equal(ledger1, ledger0);

	/* it leaves v[1] out: only v[0] is recorded */
	start_calls = start_in_tx = 0;
	aiv_err_clear(&err);
	assert_int_equal(control_commit_with(f->s, eng, "t", v, 2, outs, errs, &drop, &err), 0);
	assert_int_equal(start_calls, 1);
	assert_true(start_in_tx);
	assert_non_null(dropped);
	assert_null(v[1]);
	assert_true(outs[0].decision_id[0]);
	assert_false(outs[1].decision_id[0]);
	assert_int_equal(control_log_list(f->s, &log, &err), 0);
	assert_int_equal(log.n, 1);
	assert_string_equal(log.v[0].id, outs[0].decision_id);
	control_log_records_release(&log);
	assert_int_equal(store_query_int(f->s, "SELECT count(*) FROM decision_log", &ledger1,
					 &err), 0);
	assert_int_equal(ledger1, 1);
	control_decision_release(&outs[0]);
	control_pending_free(v[0]);
	control_pending_free(dropped);
	control_engine_free(eng);
	json_decref(c);
}

static void test_commit_reevaluates(void **state)
{
	struct fixture *f = *state;
	struct control_engine *eng, *eng2;
	struct control_pending *v[2] = { NULL, NULL };
	struct control_request req;
	struct control_decision outs[2];
	struct aiv_err errs[2], err = AIV_ERR_INIT;
	struct apply_result res;
	const char *src[] = { "t2.yaml" };
	char *y2 = NULL;
	json_t *c = json_loads("{\"amount\": 5}", 0, NULL);
	struct control_log_records log = { NULL, 0 };
	int current = -1;

	assert_int_equal(control_engine_load(f->s, 0, &eng, &err), 0);
	bot_pays_i1(&req, c);
	assert_int_equal(control_evaluate(eng, &req, &v[0], &err), 0);
	req.on_behalf_of = "bob";
	assert_int_equal(control_evaluate(eng, &req, &v[1], &err), 0);
	/* a second engine on the same snapshot evaluates the same way */
	eng2 = control_engine_new(control_engine_snapshot(eng));
	{
		struct control_pending *p3 = NULL;
		assert_int_equal(control_evaluate(eng2, &req, &p3, &err), 0);
		control_pending_free(p3);
	}
	control_engine_free(eng2);

	/* the store changes: supervised workflow, bob gone */
	y2 = strdup(YAML);
	{
		char *a = strstr(y2, "autonomy: autonomous");
		assert_non_null(a);
		memcpy(a, "autonomy: supervised", strlen("autonomy: supervised"));
		/* bob owns the step: hand it to ana, then delete bob */
		memcpy(strstr(y2, "owner: bob"), "owner: ana", 10);
	}
	assert_int_equal(apply_sources(f->s, f->cat, "test", src, 1, y2, strlen(y2), 0, &res, &err), 0);
	apply_result_release(&res);
	assert_int_equal(apply_delete(f->s, "test", "Person", "bob", NULL, &err), 0);
	assert_int_equal(control_snapshot_current(f->s, control_engine_snapshot(eng), &current,
						  &err), 0);
	assert_int_equal(current, 0);

	assert_int_equal(control_commit(f->s, eng, "t", v, 2, outs, errs, &err), 0);
	assert_int_equal(outs[0].outcome, CONTROL_ESCALATE); /* was allow when evaluated */
	assert_non_null(strstr(outs[0].reason, "supervised"));
	assert_int_equal(strlen(outs[0].revision), 64);
	assert_int_equal(errs[1].code, AIV_EINPUT);          /* on_behalf_of bob is gone */
	assert_false(outs[1].decision_id[0]);
	/* the engine moved to the new snapshot */
	assert_int_equal(control_snapshot_current(f->s, control_engine_snapshot(eng), &current,
						  &err), 0);
	assert_int_equal(current, 1);
	assert_int_equal(control_log_list(f->s, &log, &err), 0);
	{
		size_t i, decisions = 0, transitions = 0;
		for (i = 0; i < log.n; i++) {
			const struct control_log_record *r = &log.v[i];
			json_t *j = control_log_record_json(r);
			/* the JSON form carries the record number and kind */
			assert_int_equal(json_integer_value(json_object_get(j, "seq")), r->seq);
			assert_string_equal(json_str(j, "kind"), r->kind);
			assert_string_equal(json_str(j, "decision_id"), r->id);
			assert_int_equal(json_integer_value(json_object_get(j, "ledger_seq")),
					 r->ledger_seq);
			assert_true(r->ledger_seq > 0); /* control_commit chains its rows */
			json_decref(j);
			if (strcmp(r->kind, "decision")) {
				transitions++;
				assert_null(r->decision); /* a transition has no result */
				continue;
			}
			decisions++;
			assert_string_equal(r->decision, "escalate");
			assert_string_equal(r->id, outs[0].decision_id);
			assert_string_equal(r->exception_id, outs[0].exception_id);
			assert_string_equal(r->reason, outs[0].reason);
			assert_string_equal(r->revision, outs[0].revision);
			assert_string_equal(r->args_digest, outs[0].digest);
		}
		assert_int_equal(decisions, 1);
		assert_int_equal(transitions, 1); /* the escalated item's creation */
	}
	control_decision_release(&outs[0]);
	control_pending_free(v[0]);
	control_pending_free(v[1]);
	control_engine_free(eng);
	json_decref(c);
	control_log_records_release(&log);
	free(y2);
}

static void test_durations(void **state)
{
	int64_t us;

	(void)state;
	assert_int_equal(control_parse_duration("PT4H", &us), 0);
	assert_true(us == 4LL * 3600 * 1000000);
	assert_int_equal(control_parse_duration("P1DT30M", &us), 0);
	assert_true(us == (86400LL + 1800) * 1000000);
	assert_int_equal(control_parse_duration("P2W", &us), 0);
	assert_int_equal(control_parse_duration("PT", &us), -1);
	assert_int_equal(control_parse_duration("4H", &us), -1);
	assert_int_equal(control_parse_duration("P1H", &us), -1);
}

/*
 * The arguments' digest is the SHA-256 of their canonical JSON, the object
 * {"agent", "action", "resource", "on_behalf_of" (null when none),
 * "context"} serialised by cjson: evaluate.c writes that text out
 * directly, and this checks it byte for byte against building the object
 * with jansson and serialising it, over contexts of every JSON type,
 * escapes and non-ASCII text, with and without on_behalf_of.
 */
static void test_args_digest(void **state)
{
	struct fixture *f = *state;
	static const char *const contexts[] = {
		NULL,
		"{}",
		"{\"amount\": 5}",
		"{\"amount\": 5, \"confidence\": 0.97, \"z\": true, \"a\": false}",
		"{\"note\": \"caf\u00e9 \\\"q\\\" \\\\ \\n\\t\\u0001 \u2603\", \"\u00e9t\u00e9\": 1}",
		"{\"list\": [1, 2.5, -0.125, \"x\", [true]], \"rec\": {\"b\": 1.5e3, \"a\": 123456789012}}",
	};
	static const char *const actions[] = { "pay", "pay \"now\"\\", "r\u00e9gler" };
	struct control_engine *eng;
	struct aiv_err err = AIV_ERR_INIT;
	size_t c, a, o;

	assert_int_equal(control_engine_load(f->s, 0, &eng, &err), 0);
	for (c = 0; c < ARRAY_SIZE(contexts); c++)
		for (a = 0; a < ARRAY_SIZE(actions); a++)
			for (o = 0; o < 2; o++) {
				struct control_request req;
				struct control_pending *p = NULL;
				json_t *ctx = contexts[c] ? json_loads(contexts[c], 0, NULL) : NULL;
				json_t *args;
				char *text, want[SHA256_HEX];

				if (contexts[c])
					assert_non_null(ctx);
				memset(&req, 0, sizeof(req));
				req.agent = "bot";
				req.action = actions[a];
				req.resource = "Invoice::\"i-\u00fc\\\"1\"";
				req.on_behalf_of = o ? "ana" : NULL;
				req.context = ctx;
				args = json_pack("{s:s, s:s, s:s, s:s?, s:o}", "agent", req.agent,
						 "action", req.action, "resource", req.resource,
						 "on_behalf_of", req.on_behalf_of, "context",
						 ctx ? json_incref(ctx) : json_object());
				assert_non_null(args);
				text = cjson_dumps(args);
				sha256_hex(text, strlen(text), want);
				if (control_evaluate(eng, &req, &p, &err))
					fail_msg("evaluate %zu/%zu/%zu: %s", c, a, o, err.msg);
				assert_string_equal(control_pending_decision(p)->digest, want);
				control_pending_free(p);
				free(text);
				json_decref(args);
				json_decref(ctx);
			}
	control_engine_free(eng);
}

/*
 * A name that is not UTF-8 (a stray byte from a shell: decide --action)
 * is refused naming the field, not serialised: jansson refused to pack it
 * and the serialiser was handed NULL (a crash before).
 */
static void test_names_not_utf8(void **state)
{
	struct fixture *f = *state;
	static const char *const bad[] = { "pa\xffy", "pa\xc3", "\xed\xa0\x80", "\xe0\x80\x80",
					    "\xf4\x90\x80\x80" };
	struct control_engine *eng;
	struct aiv_err err = AIV_ERR_INIT;
	size_t i, field;

	assert_int_equal(control_engine_load(f->s, 0, &eng, &err), 0);
	for (field = 0; field < 2; field++)
		for (i = 0; i < ARRAY_SIZE(bad); i++) {
			struct control_request req;
			struct control_pending *p = NULL;
			char res[64];

			memset(&req, 0, sizeof(req));
			snprintf(res, sizeof(res), "Invoice::\"%s\"", bad[i]);
			req.agent = "bot";
			req.action = field ? "pay" : bad[i];
			req.resource = field ? res : "Invoice::\"i1\"";
			aiv_err_clear(&err);
			assert_int_equal(control_evaluate(eng, &req, &p, &err), AIV_EINPUT);
			assert_null(p);
			assert_string_equal(err.msg, field ? "resource is not valid UTF-8"
						       : "action is not valid UTF-8");
		}
	control_engine_free(eng);
}

struct day_sum {
	int rows;
	int64_t decisions;
	char agent[32], owner[32];
};

static int add_day(const struct control_agent_day *d, void *data)
{
	struct day_sum *sum = data;

	sum->rows++;
	sum->decisions += d->decisions;
	snprintf(sum->agent, sizeof(sum->agent), "%s", d->agent);
	snprintf(sum->owner, sizeof(sum->owner), "%s", d->owner ? d->owner : "");
	return 0;
}

/*
 * The agent days count decisions only: an escalation's transition row
 * (kind 'transition', no agent) is in the same table and is not counted,
 * now that the count is taken from the agent index without the kind.
 */
static void test_agent_days(void **state)
{
	struct fixture *f = *state;
	struct control_decision d;
	struct aiv_err err = AIV_ERR_INIT;
	struct day_sum sum;
	int64_t all = 0, trans = 0;

	setenv("AIVALUE_FAKE_TIME", "2026-03-02T10:00:00Z", 1);
	assert_int_equal(decide(f, 0, "{\"amount\": 5}", NULL, NULL, &d), CONTROL_ALLOW);
	control_decision_release(&d);
	assert_int_equal(decide(f, 0, "{\"amount\": 500}", NULL, NULL, &d), CONTROL_ESCALATE);
	control_decision_release(&d);
	assert_int_equal(decide(f, 0, "{\"amount\": 5, \"vendor\": \"blocked\"}", NULL, NULL, &d),
			 CONTROL_DENY);
	control_decision_release(&d);
	assert_int_equal(store_query_int(f->s, "SELECT count(*) FROM decision_log", &all, &err), 0);
	assert_int_equal(store_query_int(f->s, "SELECT count(*) FROM decision_log WHERE kind ="
					 " 'transition'", &trans, &err), 0);
	assert_true(trans >= 1);
	assert_int_equal(all, 3 + trans);
	memset(&sum, 0, sizeof(sum));
	assert_int_equal(control_each_agent_day(f->s, add_day, &sum, &err), 0);
	assert_int_equal(sum.rows, 1);
	assert_int_equal(sum.decisions, 3);
	assert_string_equal(sum.agent, "bot");
	assert_string_equal(sum.owner, "ana");
}

/* Three decisions in one group commit: one batch of 3 rows. */
static void decide_three(struct fixture *f, size_t n)
{
	struct control_engine *eng;
	struct control_request reqs[3];
	struct control_decision outs[3];
	struct aiv_err errs[3], err = AIV_ERR_INIT;
	json_t *cj = json_loads("{\"amount\": 5}", 0, NULL);
	size_t i;

	assert_int_equal(control_engine_load(f->s, 0, &eng, &err), 0);
	memset(reqs, 0, sizeof(reqs));
	for (i = 0; i < n; i++) {
		reqs[i].agent = "bot";
		reqs[i].action = "pay";
		reqs[i].resource = "Invoice::\"i1\"";
		reqs[i].context = cj;
	}
	assert_int_equal(control_decide_many(f->s, eng, "t", reqs, n, outs, errs, &err), 0);
	for (i = 0; i < n; i++)
		control_decision_release(&outs[i]);
	control_engine_free(eng);
	json_decref(cj);
}

/*
 * `decisions verify` on tampered logs: each tamper (run in a transaction
 * that is rolled back) gets the verdict main gave before verify stopped
 * reading a batch's rows by the batch_seq index (it now reads the log in
 * seq order, and re-reads it grouped by batch when the batches are out of
 * seq order).  The log: batch A rows 1-3, batch B rows 4-5, batch C row
 * 6, row 7 pending.  %A, %B, %C in a verdict stand for the batches'
 * ledger seqs.
 */
/* src with %A, %B and %C replaced by la, lb and lc, into dst (cut to size) */
static void fill_seqs(char *dst, size_t size, const char *src, int64_t la, int64_t lb, int64_t lc)
{
	size_t k = 0;

	for (; *src && k < size - 24; src++) {
		if (*src == '%' && src[1] >= 'A' && src[1] <= 'C') {
			int64_t v = src[1] == 'A' ? la : src[1] == 'B' ? lb : lc;
			k += (size_t)snprintf(dst + k, size - k, "%lld", (long long)v);
			src++;
		} else {
			dst[k++] = *src;
		}
	}
	dst[k] = '\0';
}

static void test_log_verify_tampered(void **state)
{
	struct fixture *f = *state;
	struct control_engine *eng;
	struct control_request req;
	struct control_decision d;
	struct aiv_err err = AIV_ERR_INIT;
	json_t *cj = json_loads("{\"amount\": 5}", 0, NULL);
	char dx[SHA256_HEX], dobj[SHA256_HEX], problem[200];
	int64_t rows, batches, la, lb, lc, n;
	char *sql_x, *sql_obj;
	size_t i;
	struct {
		const char *sql;
		const char *problem;
		int64_t rows;
	} cases[] = {
		{ "SELECT 1", "", 6 },
		{ "UPDATE decision_log SET record = replace(record, 'allow', 'deny') WHERE seq = 2",
		  "decision-log row 2: record does not match its digest", 6 },
		{ NULL /* sql_obj: seq 5 */, "ledger entry %B: its 2 decision-log rows do not match"
		  " the batch hash", 6 },
		{ NULL /* sql_x: seq 4 */, "decision-log row 4: record cannot be read: '[' or '{'"
		  " expected near 'x'", 6 },
		{ "UPDATE decision_log SET batch_seq = %C WHERE seq = 5",
		  "ledger entry %B: its 1 decision-log rows do not match the batch hash", 6 },
		{ "UPDATE decision_log SET batch_seq = %C WHERE seq = 2",
		  "ledger entry %A: its 2 decision-log rows do not match the batch hash", 6 },
		{ "DELETE FROM decision_log WHERE seq = 3",
		  "ledger entry %A: its 2 decision-log rows do not match the batch hash", 5 },
		{ "UPDATE decision_log SET batch_seq = NULL WHERE seq = 6",
		  "ledger entry %C: its 0 decision-log rows do not match the batch hash", 5 },
		{ "UPDATE decision_log SET batch_seq = 1 WHERE seq = 1",
		  "ledger entry %A: its 2 decision-log rows do not match the batch hash", 5 },
		{ "UPDATE decision_log SET batch_seq = %A WHERE seq = 7",
		  "ledger entry %A: its 4 decision-log rows do not match the batch hash", 7 },
		{ "UPDATE decision_log SET batch_seq = %C WHERE seq = 2;"
		  "UPDATE decision_log SET record = '{}' WHERE seq = 5",
		  "ledger entry %A: its 2 decision-log rows do not match the batch hash", 6 },
		{ "UPDATE decision_log SET batch_seq = %A WHERE seq = 6;"
		  "UPDATE decision_log SET record = '{}' WHERE seq = 4",
		  "ledger entry %A: its 4 decision-log rows do not match the batch hash", 6 },
		{ "UPDATE decision_log SET seq = seq + 100 WHERE seq = 1",
		  "ledger entry %A: its 3 decision-log rows do not match the batch hash", 6 },
		{ "UPDATE decision_log SET batch_seq = batch_seq + 0.5 WHERE seq = 4",
		  "ledger entry %B: its 1 decision-log rows do not match the batch hash", 5 },
		{ "UPDATE decision_log SET batch_seq = 'x' WHERE seq = 1;"
		  "UPDATE decision_log SET batch_seq = '%A' WHERE seq = 2",
		  "ledger entry %A: its 2 decision-log rows do not match the batch hash", 5 },
	};

	decide_three(f, 3);
	decide_three(f, 2);
	decide_three(f, 1);
	assert_int_equal(control_engine_load(f->s, 0, &eng, &err), 0);
	control_engine_set_batch(eng, 3);
	bot_pays_i1(&req, cj);
	assert_int_equal(control_decide(f->s, eng, "test", &req, &d, &err), 0);
	control_decision_release(&d);
	control_engine_free(eng);
	json_decref(cj);
	assert_int_equal(store_query_int(f->s, "SELECT count(*) * 10 + max(seq) FROM decision_log",
					 &n, &err), 0);
	assert_int_equal(n, 77);
	assert_int_equal(store_query_int(f->s, "SELECT batch_seq FROM decision_log WHERE seq = 1",
					 &la, &err), 0);
	assert_int_equal(store_query_int(f->s, "SELECT batch_seq FROM decision_log WHERE seq = 4",
					 &lb, &err), 0);
	assert_int_equal(store_query_int(f->s, "SELECT batch_seq FROM decision_log WHERE seq = 6",
					 &lc, &err), 0);
	assert_true(1 < la && la < lb && lb < lc);
	sha256_hex("x", 1, dx);
	sha256_hex("{}", 2, dobj);
	sql_obj = xstrfmt("UPDATE decision_log SET record = '{}', digest = '%s' WHERE seq = 5", dobj);
	sql_x = xstrfmt("UPDATE decision_log SET record = 'x', digest = '%s' WHERE seq = 4", dx);
	cases[2].sql = sql_obj;
	cases[3].sql = sql_x;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char sql[400], want[200];

		/* %A, %B, %C: the batches' ledger seqs */
		fill_seqs(sql, sizeof(sql), cases[i].sql, la, lb, lc);
		fill_seqs(want, sizeof(want), cases[i].problem, la, lb, lc);
		assert_int_equal(store_begin(f->s, &err), 0);
		if (store_exec(f->s, sql, &err))
			fail_msg("case %zu: %s: %s", i, sql, err.msg);
		assert_int_equal(control_log_verify(f->s, &rows, &batches, problem, sizeof(problem),
						    &err), 0);
		store_rollback(f->s);
		if (strcmp(problem, want) || rows != cases[i].rows || batches != 3)
			fail_msg("case %zu (%s): got '%s', %lld rows, %lld batches; want '%s', %lld rows",
				 i, sql, problem, (long long)rows, (long long)batches, want,
				 (long long)cases[i].rows);
	}
	free(sql_obj);
	free(sql_x);
}

/*
 * A commit that chains its rows at once writes no entry in the pending
 * index (before, every row had one: a page, a WAL frame, per commit); a
 * row left pending has one until it is chained, and the flush and the
 * snapshot still find it.  The index's cells are counted with SQLite's
 * dbstat table.
 */
/*
 * The decisions.batch payload, written as text (control_log_batch_payload),
 * is byte for byte cjson_dump's of the object the commit built before:
 * ids with quotes, backslashes, control bytes and UTF-8, the integers'
 * extremes.
 */
static void test_log_batch_payload(void **state)
{
	static const char *const ids[] = {
		"0195f3a2-7c1e-7a00-8000-000000000001", "", "q\"uo\\te", "tab\tnl\nctl\001\037del\177",
		"Zo\xc3\xab \xe5\xbc\xa0 \xf0\x9f\x98\x80", "\xe2\x80\xa8/",
	};
	static const int64_t nums[] = { 0, 1, -1, 4096, INT64_MAX, INT64_MIN };
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		for (j = 0; j < sizeof(nums) / sizeof(nums[0]); j++) {
			const char *last = ids[(i + 1) % (sizeof(ids) / sizeof(ids[0]))];
			const char *hash = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
			int64_t n = nums[j], first = nums[(j + 1) % 6], lastseq = nums[(j + 2) % 6];
			struct strbuf want = STRBUF_INIT, got = STRBUF_INIT;
			json_t *o = json_pack("{s:I, s:I, s:I, s:s, s:s, s:s}", "count", (json_int_t)n,
					      "first_seq", (json_int_t)first, "last_seq",
					      (json_int_t)lastseq, "first_id", ids[i], "last_id", last,
					      "hash", hash);
			assert_non_null(o);
			cjson_dump(&want, o);
			control_log_batch_payload(&got, n, first, lastseq, ids[i], last, hash);
			assert_string_equal(got.buf, want.buf);
			assert_int_equal(got.len, want.len);
			json_decref(o);
			strbuf_release(&want);
			strbuf_release(&got);
		}
}

static void test_log_pending_index(void **state)
{
	struct fixture *f = *state;
	struct control_engine *eng;
	struct control_request req;
	struct control_decision d;
	struct aiv_err err = AIV_ERR_INIT;
	json_t *cj = json_loads("{\"amount\": 5}", 0, NULL);
	const char *cells = "SELECT coalesce(sum(ncell), -1) FROM dbstat WHERE name = 'decision_log_pending'";
	int64_t n, rows, batches;
	char problem[200];
	int i;

	for (i = 0; i < 3; i++) {
		assert_int_equal(decide(f, 0, "{\"amount\": 5}", NULL, NULL, &d), CONTROL_ALLOW);
		control_decision_release(&d);
	}
	decide_three(f, 3);
	assert_int_equal(store_query_int(f->s, "SELECT count(*) FROM decision_log WHERE batch_seq"
					 " IS NOT NULL", &n, &err), 0);
	assert_int_equal(n, 6);
	assert_int_equal(store_query_int(f->s, cells, &n, &err), 0);
	assert_int_equal(n, 0);
	/* two rows left pending: in the index; the third decision chains them */
	assert_int_equal(control_engine_load(f->s, 0, &eng, &err), 0);
	control_engine_set_batch(eng, 3);
	bot_pays_i1(&req, cj);
	for (i = 0; i < 3; i++) {
		assert_int_equal(control_decide(f->s, eng, "test", &req, &d, &err), 0);
		control_decision_release(&d);
		assert_int_equal(store_query_int(f->s, cells, &n, &err), 0);
		assert_int_equal(n, i < 2 ? i + 1 : 0);
	}
	control_engine_free(eng);
	json_decref(cj);
	assert_int_equal(control_log_verify(f->s, &rows, &batches, problem, sizeof(problem), &err), 0);
	assert_string_equal(problem, "");
	assert_int_equal(rows, 9);
	assert_int_equal(batches, 5);
}

/*
 * One lone decision committed with hook (its memo): evaluated on eng, the
 * statements the commit ran on s into *stmts; returns the outcome.
 */
static int memo_commit(struct store *s, struct control_engine *eng,
		       const struct control_commit_hook *hook, const char *ctx, int64_t *stmts)
{
	struct control_pending *v[1] = { NULL };
	struct control_request req;
	struct control_decision outs[1];
	struct aiv_err errs[1], err = AIV_ERR_INIT;
	json_t *c = json_loads(ctx, 0, NULL);
	int64_t before = store_statements(s);
	int outcome;

	bot_pays_i1(&req, c);
	assert_int_equal(control_evaluate(eng, &req, &v[0], &err), 0);
	if (control_commit_with(s, eng, "t", v, 1, outs, errs, hook, &err))
		fail_msg("commit: %s", err.msg);
	*stmts = store_statements(s) - before;
	outcome = outs[0].outcome;
	control_decision_release(&outs[0]);
	control_pending_free(v[0]);
	json_decref(c);
	return outcome;
}

/*
 * The start read kept between commits on one handle (control_commit_memo):
 * a commit that follows the memo's own on the same handle skips the
 * objects' mark and the start read (2 statements fewer), and every case
 * where what they hold may have moved reads again: an item comes due,
 * another connection commits (a decision: the next seq; an apply: the
 * policies), the memo's owner voided it, a commit failed.  The log stays
 * one chain without a gap, and the item is expired when due.
 */
static void test_commit_memo(void **state)
{
	struct fixture *f = *state;
	struct control_commit_memo memo = CONTROL_COMMIT_MEMO_INIT;
	struct control_commit_hook hook = { NULL, NULL, NULL, NULL, &memo };
	struct control_commit_hook fail = { hook_fail, NULL, NULL, NULL, &memo };
	struct control_engine *eng = NULL, *eng2 = NULL;
	struct control_pending *v[1] = { NULL };
	struct control_request req;
	struct control_decision outs[1], d;
	struct aiv_err errs[1], err = AIV_ERR_INIT;
	struct apply_result res;
	struct store *other = NULL;
	const char *src[] = { "t.yaml" };
	int64_t read_all, kept, n, rows, batches;
	char problem[200], *y2;
	json_t *c = json_loads("{\"amount\": 5}", 0, NULL);

	setenv("AIVALUE_FAKE_TIME", "2030-01-01T00:00:00Z", 1);
	assert_int_equal(control_engine_load(f->s, 0, &eng, &err), 0);
	/* the first commit reads; the second takes the memo */
	assert_int_equal(memo_commit(f->s, eng, &hook, "{\"amount\": 5}", &read_all), CONTROL_ALLOW);
	assert_true(memo.ok);
	assert_int_equal(memo.hits, 0);
	assert_int_equal(memo_commit(f->s, eng, &hook, "{\"amount\": 5}", &kept), CONTROL_ALLOW);
	assert_int_equal(memo.hits, 1);
	assert_int_equal(kept, read_all - 2);

	/* an escalation (due in 1 h) is a new pending item: taken, then due */
	assert_int_equal(memo_commit(f->s, eng, &hook, "{\"amount\": 500}", &n), CONTROL_ESCALATE);
	assert_int_equal(memo.hits, 2);
	setenv("AIVALUE_FAKE_TIME", "2030-01-01T00:30:00Z", 1);
	assert_int_equal(memo_commit(f->s, eng, &hook, "{\"amount\": 5}", &n), CONTROL_ALLOW);
	assert_int_equal(memo.hits, 3);
	assert_int_equal(store_query_int(f->s, "SELECT count(*) FROM exceptions WHERE state ="
					 " 'pending'", &n, &err), 0);
	assert_int_equal(n, 1);
	setenv("AIVALUE_FAKE_TIME", "2030-01-01T01:00:01Z", 1);
	assert_int_equal(memo_commit(f->s, eng, &hook, "{\"amount\": 5}", &n), CONTROL_ALLOW);
	assert_int_equal(memo.hits, 3);
	assert_int_equal(n, read_all + 2); /* the expiry: its UPDATE and its transition */
	assert_int_equal(store_query_int(f->s, "SELECT count(*) FROM exceptions WHERE state ="
					 " 'expired'", &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(memo_commit(f->s, eng, &hook, "{\"amount\": 5}", &n), CONTROL_ALLOW);
	assert_int_equal(memo.hits, 4);

	/* another connection's decision: the next seq moved, read again */
	assert_int_equal(store_open(&other, f->path, 0, &err), 0);
	assert_int_equal(decide_on(other, "{\"amount\": 5}", &d), CONTROL_ALLOW);
	control_decision_release(&d);
	assert_int_equal(memo_commit(f->s, eng, &hook, "{\"amount\": 5}", &n), CONTROL_ALLOW);
	assert_int_equal(memo.hits, 4);
	assert_int_equal(n, read_all);
	assert_int_equal(memo_commit(f->s, eng, &hook, "{\"amount\": 5}", &n), CONTROL_ALLOW);
	assert_int_equal(memo.hits, 5);

	/* the owner voided it (a transaction of its own): read again */
	memo.ok = 0;
	assert_int_equal(memo_commit(f->s, eng, &hook, "{\"amount\": 5}", &n), CONTROL_ALLOW);
	assert_int_equal(memo.hits, 5);
	assert_true(memo.ok);

	/* a failed commit voids it */
	bot_pays_i1(&req, c);
	assert_int_equal(control_evaluate(eng, &req, &v[0], &err), 0);
	assert_int_equal(control_commit_with(f->s, eng, "t", v, 1, outs, errs, &fail, &err),
			 AIV_EIO);
	control_pending_free(v[0]);
	assert_false(memo.ok);
	assert_int_equal(memo_commit(f->s, eng, &hook, "{\"amount\": 5}", &n), CONTROL_ALLOW);
	assert_int_equal(memo.hits, 6); /* the rollback's hit; this one read */
	assert_true(memo.ok);

	/* another connection applies a supervised workflow: the decision escalates */
	eng2 = control_engine_new(control_engine_snapshot(eng));
	y2 = strdup(YAML);
	{
		char *a = strstr(y2, "autonomy: autonomous");
		assert_non_null(a);
		memcpy(a, "autonomy: supervised", strlen("autonomy: supervised"));
	}
	assert_int_equal(apply_sources(other, f->cat, "test", src, 1, y2, strlen(y2), 0, &res, &err),
			 0);
	apply_result_release(&res);
	free(y2);
	assert_int_equal(memo_commit(f->s, eng2, &hook, "{\"amount\": 5}", &n), CONTROL_ESCALATE);
	assert_int_equal(memo.hits, 6);
	control_engine_free(eng2);
	store_close(other);

	assert_int_equal(control_log_verify(f->s, &rows, &batches, problem, sizeof(problem), &err), 0);
	assert_string_equal(problem, "");
	assert_int_equal(store_query_int(f->s, "SELECT max(seq) * 1000 + count(*) FROM decision_log"
					 " WHERE batch_seq IS NOT NULL", &n, &err), 0);
	assert_int_equal(n, rows * 1000 + rows);
	assert_int_equal(rows, 15);
	control_engine_free(eng);
	json_decref(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_outcomes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fail_closed_switch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_approval_digest_and_duties, setup, teardown),
		cmocka_unit_test_setup_teardown(test_expiry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_log_chained, setup, teardown),
		cmocka_unit_test_setup_teardown(test_decide_many, setup, teardown),
		cmocka_unit_test_setup_teardown(test_log_written_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_log_insert_sizes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_log_batch_streamed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_log_verify_tampered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_log_pending_index, setup, teardown),
		cmocka_unit_test_setup_teardown(test_commit_statements, setup, teardown),
		cmocka_unit_test_setup_teardown(test_commit_reevaluates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_commit_hook, setup, teardown),
		cmocka_unit_test_setup_teardown(test_commit_memo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_commit_at_start, setup, teardown),
		cmocka_unit_test_setup_teardown(test_readiness_next_due, setup, teardown),
		cmocka_unit_test_setup_teardown(test_args_digest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_names_not_utf8, setup, teardown),
		cmocka_unit_test_setup_teardown(test_agent_days, setup, teardown),
		cmocka_unit_test(test_durations),
		cmocka_unit_test(test_log_batch_payload),
	};
	cli_register_schema();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
