/*
 * test_gateway.c - the MCP gateway's parts below HTTP: the tools/list
 * filter (control_could_permit: which scopes it reads, and that it never
 * hides what a policy could permit), finding the approval a retry may use
 * (control_approval_find), and the upstreams: the built-in echo server,
 * and stdio servers that crash, hang, answer garbage or echo requests;
 * the decision writer's revocation watch (token_watch_*), which reads the
 * revocation count only when another connection committed.
 */
#include "unit.h"

#include <pthread.h>
#include <unistd.h>

#include "apply/apply.h"
#include "catalog/catalog.h"
#include "cli/cmd.h"
#include "control/control.h"
#include "gateway/gateway.h"
#include "org/org.h"
#include "org/tokens.h"

static const char *YAML =
	"kind: Team\nname: fin\ntitle: Finance\nfunction: finance\n---\n"
	"kind: Person\nname: ana\ndisplay_name: Ana\nrole: lead\nteam: fin\n---\n"
	"kind: Person\nname: bob\ndisplay_name: Bob\nrole: clerk\nteam: fin\n---\n"
	"kind: Agent\nname: bot\nowner: ana\nworkflow: p2p\n---\n"
	"kind: Agent\nname: other\nowner: ana\nworkflow: p2p\n---\n"
	"kind: Workflow\nname: p2p\nowner: ana\nautonomy: autonomous\nsteps:\n"
	"  - name: pay\n    owner: bob\n    agents: [bot, other]\n---\n"
	"kind: Policy\nname: pol\nresource_types: [Tool]\ncedar: |\n"
	"  @id(\"echo\") permit(principal == Agent::\"bot\", action == Action::\"e.echo\", resource);\n"
	"  @id(\"never\") permit(principal in Workflow::\"p2p\",\n"
	"    action in [Action::\"e.add\", Action::\"fs.read\"], resource) when { false };\n"
	"  @id(\"others\") permit(principal == Agent::\"other\", action == Action::\"e.rm\", resource);\n"
	"  @id(\"any-agent\") permit(principal is Agent, action == Action::\"x.ping\", resource);\n"
	"  @id(\"no-mv\") forbid(principal, action == Action::\"e.mv\", resource);\n"
	"  @id(\"big\") @escalate(\"ap\") @sla(\"PT1H\")\n"
	"  forbid(principal, action == Action::\"e.echo\", resource) when { context has n && context.n > 100 };\n";

/* A workspace in a private temporary directory with YAML applied. */
struct fixture {
	char *dir;
	struct store *s;
	struct catalog *cat;
};

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));
	struct aiv_err err = AIV_ERR_INIT;
	struct apply_result res;
	const char *src[] = { "gateway.yaml" };
	char *db;

	f->dir = unit_tmpdir();
	db = xstrfmt("%s/ws.db", f->dir);
	org_register_kinds();
	control_register_kinds();
	if (store_open(&f->s, db, STORE_CREATE, &err) || catalog_load(&f->cat, NULL, &err) ||
	    apply_sources(f->s, f->cat, "test", src, 1, YAML, strlen(YAML), 0, &res, &err))
		fail_msg("setup: %s", err.msg);
	free(db);
	apply_result_release(&res);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	store_close(f->s);
	catalog_free(f->cat);
	unit_rmtree(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

static int could(struct control_engine *eng, const char *agent, const char *action)
{
	int c = -1;

	assert_int_equal(control_could_permit(eng, agent, action, &c), 0);
	return c;
}

static void test_could_permit(void **state)
{
	struct fixture *f = *state;
	struct aiv_err err = AIV_ERR_INIT;
	struct control_engine *eng;

	assert_int_equal(control_engine_load(f->s, 0, &eng, &err), 0);
	/* principal ==, action ==: exactly that agent and action */
	assert_int_equal(could(eng, "bot", "e.echo"), 1);
	assert_int_equal(could(eng, "other", "e.echo"), 0);
	/* principal in a workflow, action in a set: conditions are not read
	 * (when { false } never permits, but the filter may over-approximate) */
	assert_int_equal(could(eng, "bot", "e.add"), 1);
	assert_int_equal(could(eng, "other", "fs.read"), 1);
	assert_int_equal(could(eng, "bot", "fs.write"), 0);
	/* another agent's permit */
	assert_int_equal(could(eng, "bot", "e.rm"), 0);
	assert_int_equal(could(eng, "other", "e.rm"), 1);
	/* principal is Agent */
	assert_int_equal(could(eng, "bot", "x.ping"), 1);
	/* only a forbid names it */
	assert_int_equal(could(eng, "bot", "e.mv"), 0);
	/* an agent nobody declared: nothing */
	assert_int_equal(could(eng, "ghost", "x.ping"), 0);
	control_engine_free(eng);
}

static void test_approval_find(void **state)
{
	struct fixture *f = *state;
	struct aiv_err err = AIV_ERR_INIT;
	struct control_engine *eng;
	struct control_request req;
	struct control_decision d;
	struct control_exception item;
	char id[48], digest[SHA256_HEX];
	json_t *ctx = json_pack("{s:i}", "n", 500);

	assert_int_equal(control_engine_load(f->s, 0, &eng, &err), 0);
	memset(&req, 0, sizeof(req));
	req.agent = "bot";
	req.action = "e.echo";
	req.resource = "Tool::\"e.echo\"";
	req.context = ctx;
	assert_int_equal(control_decide(f->s, eng, "test", &req, &d, &err), 0);
	assert_int_equal(d.outcome, CONTROL_ESCALATE);
	memcpy(digest, d.digest, SHA256_HEX);
	/* pending: nothing to use yet */
	assert_int_equal(control_approval_find(f->s, "bot", "e.echo", digest, id, sizeof(id), &err), 0);
	assert_string_equal(id, "");
	assert_int_equal(control_exception_act(f->s, "test", d.exception_id, CONTROL_APPROVE, "bob",
					       "ok", NULL, &item, &err), 0);
	control_exception_release(&item);
	assert_int_equal(control_approval_find(f->s, "bot", "e.echo", digest, id, sizeof(id), &err), 0);
	assert_string_equal(id, d.exception_id);
	/* another digest, agent or action: not this approval */
	assert_int_equal(control_approval_find(f->s, "bot", "e.echo", "00", id, sizeof(id), &err), 0);
	assert_string_equal(id, "");
	assert_int_equal(control_approval_find(f->s, "other", "e.echo", digest, id, sizeof(id), &err), 0);
	assert_string_equal(id, "");
	/* used once: no more */
	control_decision_release(&d);
	req.approved = "";
	{
		char item_id[48];
		assert_int_equal(control_approval_find(f->s, "bot", "e.echo", digest, item_id,
						       sizeof(item_id), &err), 0);
		req.approved = item_id;
		assert_int_equal(control_decide(f->s, eng, "test", &req, &d, &err), 0);
		assert_int_equal(d.outcome, CONTROL_ALLOW);
		control_decision_release(&d);
	}
	assert_int_equal(control_approval_find(f->s, "bot", "e.echo", digest, id, sizeof(id), &err), 0);
	assert_string_equal(id, "");
	json_decref(ctx);
	control_engine_free(eng);
}

static void test_echo_upstream(void **state)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct gw_upstream *u;
	json_t *tools, *result, *error, *params;

	(void)state;
	assert_int_equal(gw_upstream_parse("e=builtin:echo", 0, &u, &err), 0);
	assert_string_equal(gw_upstream_name(u), "e");
	assert_string_equal(gw_upstream_kind_name(u), "builtin");
	assert_int_equal(gw_upstream_tools(u, &tools, &err), 0);
	assert_int_equal(json_array_size(tools), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(tools, 1), "name")), "add");
	json_decref(tools);
	params = json_pack("{s:s, s:{s:f, s:i}}", "name", "add", "arguments", "a", 1.5, "b", 2);
	assert_int_equal(gw_upstream_call(u, "tools/call", params, &result, &error, &err), 0);
	assert_null(error);
	assert_string_equal(json_string_value(json_object_get(json_array_get(
		json_object_get(result, "content"), 0), "text")), "The sum of 1.5 and 2 is 3.5.");
	json_decref(result);
	json_decref(params);
	params = json_pack("{s:s, s:{}}", "name", "add", "arguments");
	assert_int_equal(gw_upstream_call(u, "tools/call", params, &result, &error, &err), 0);
	assert_null(result);
	assert_int_equal(json_integer_value(json_object_get(error, "code")), -32602);
	json_decref(error);
	json_decref(params);
	gw_upstream_free(u);
}

static void test_bad_specs(void **state)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct gw_upstream *u;

	(void)state;
	assert_int_equal(gw_upstream_parse("noequals", 0, &u, &err), AIV_EINPUT);
	assert_null(u);
	assert_int_equal(gw_upstream_parse("a.b=builtin:echo", 0, &u, &err), AIV_EINPUT);
	assert_int_equal(gw_upstream_parse("=builtin:echo", 0, &u, &err), AIV_EINPUT);
	assert_int_equal(gw_upstream_parse("a=stdio:", 0, &u, &err), AIV_EINPUT);
	assert_int_equal(gw_upstream_parse("a=file:///x", 0, &u, &err), AIV_EINPUT);
	assert_non_null(strstr(err.msg, "'file:///x' is not an http(s):// URL"));
}

/* A stdio upstream running `cmd` with timeout ms: the call's code and message. */
static int stdio_call(const char *cmd, int64_t ms, char *msg, size_t n)
{
	struct aiv_err err = AIV_ERR_INIT;
	struct gw_upstream *u;
	json_t *result = NULL, *error = NULL;
	char spec[256];
	int ret;

	snprintf(spec, sizeof(spec), "s=stdio:%s", cmd);
	assert_int_equal(gw_upstream_parse(spec, ms, &u, &err), 0);
	ret = gw_upstream_call(u, "tools/call", NULL, &result, &error, &err);
	snprintf(msg, n, "%s", err.msg);
	json_decref(result);
	json_decref(error);
	gw_upstream_free(u);
	return ret;
}

static void test_stdio_failures(void **state)
{
	char msg[AIV_ERR_MSG];

	(void)state;
	assert_int_equal(stdio_call("exit 3", 10000, msg, sizeof(msg)), AIV_EIO);
	assert_non_null(strstr(msg, "closed"));
	assert_int_equal(stdio_call("sleep 5", 300, msg, sizeof(msg)), AIV_EBUSY);
	assert_non_null(strstr(msg, "did not answer within 300 ms"));
	assert_int_equal(stdio_call("echo garbage; sleep 5", 10000, msg, sizeof(msg)), AIV_EIO);
	assert_non_null(strstr(msg, "not a JSON-RPC message"));
	/* cat sends our own requests back: an initialize that is no answer */
	assert_int_equal(stdio_call("cat", 10000, msg, sizeof(msg)), AIV_EIO);
	assert_non_null(strstr(msg, "refused initialize"));
}

/*
 * An answer that comes after several of the reader's blocking-read slices
 * (GW_READ_SLICE_MS, 100 ms) but well within the timeout is the call's
 * answer: a slice that ends empty is no failure.
 */
static void test_stdio_slow_answer(void **state)
{
	char msg[AIV_ERR_MSG];

	(void)state;
	assert_int_equal(stdio_call("read a; echo '{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}'; "
				    "read b; read c; sleep 0.5; "
				    "echo '{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{\"content\":[]}}'; "
				    "sleep 5", 20000, msg, sizeof(msg)), 0);
}

/*
 * A stdio upstream that answers tools/call only once three are waiting,
 * and then in reverse order: with one request in flight at a time no
 * call would ever be answered.
 */
static const char hold_server[] =
	"import json, sys\n"
	"held = []\n"
	"for line in sys.stdin:\n"
	"    m = json.loads(line)\n"
	"    if 'id' not in m: continue\n"
	"    if m['method'] == 'initialize':\n"
	"        print(json.dumps({'jsonrpc': '2.0', 'id': m['id'], 'result': {}}), flush=True)\n"
	"        continue\n"
	"    held.append(m)\n"
	"    if len(held) < 3: continue\n"
	"    for h in reversed(held):\n"
	"        t = 'tag ' + str(h['params']['arguments']['tag'])\n"
	"        print(json.dumps({'jsonrpc': '2.0', 'id': h['id'], 'result': {'content': [{'type': 'text', 'text': t}]}}), flush=True)\n"
	"    held = []\n";

struct hold_call {
	struct gw_upstream *u;
	int tag, ret;
	char text[AIV_ERR_MSG + 64];
};

static void *hold_thread(void *arg)
{
	struct hold_call *c = arg;
	struct aiv_err err = AIV_ERR_INIT;
	json_t *params = json_pack("{s:s, s:{s:i}}", "name", "hold", "arguments", "tag", c->tag);
	json_t *result = NULL, *error = NULL;

	c->ret = gw_upstream_call(c->u, "tools/call", params, &result, &error, &err);
	snprintf(c->text, sizeof(c->text), "%s", c->ret ? err.msg :
		 json_string_value(json_object_get(json_array_get(json_object_get(result, "content"),
								  0), "text")));
	json_decref(result);
	json_decref(error);
	json_decref(params);
	return NULL;
}

static void test_stdio_several_in_flight(void **state)
{
	char dir[] = "/tmp/aiv-gwunit.XXXXXX", path[128], spec[256];
	struct aiv_err err = AIV_ERR_INIT;
	struct hold_call calls[3];
	pthread_t th[3];
	FILE *f;
	int i;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/hold.py", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(hold_server, f);
	fclose(f);
	snprintf(spec, sizeof(spec), "h=stdio:python3 -S %s", path);
	memset(calls, 0, sizeof(calls));
	assert_int_equal(gw_upstream_parse(spec, 10000, &calls[0].u, &err), 0);
	for (i = 0; i < 3; i++) {
		calls[i].u = calls[0].u;
		calls[i].tag = 10 + i;
		assert_int_equal(pthread_create(&th[i], NULL, hold_thread, &calls[i]), 0);
	}
	for (i = 0; i < 3; i++) {
		char want[32];
		pthread_join(th[i], NULL);
		snprintf(want, sizeof(want), "tag %d", 10 + i);
		assert_int_equal(calls[i].ret, 0);
		assert_string_equal(calls[i].text, want); /* each its own answer, by id */
	}
	gw_upstream_free(calls[0].u);
	unlink(path);
	rmdir(dir);
}

/*
 * The decision writer's revocation check (token_watch_*, src/http/
 * api_control.c): counted in statements, not timed.  A transaction of the
 * watching handle after only its own commits runs no statement for it;
 * a commit by another connection (a revocation or not) makes the next
 * check read the count, and a revocation reports a change and reads the
 * revoked ids, which later checks keep without a statement.  Before, every
 * decision commit read the count (one statement each).
 */
static int64_t watch_tx(struct store *s, struct token_watch *w, int *changed, int commit)
{
	struct aiv_err err = AIV_ERR_INIT;
	int64_t before;

	assert_int_equal(store_begin(s, &err), 0);
	before = store_statements(s);
	assert_int_equal(token_watch_check(s, w, changed, &err), 0);
	before = store_statements(s) - before;
	/* the transaction writes, as a decision commit does */
	assert_int_equal(store_exec(s, "UPDATE tokens SET name = name", &err), 0);
	if (commit) {
		assert_int_equal(store_commit(s, &err), 0);
	} else {
		store_rollback(s);
	}
	token_watch_ended(s, w, commit);
	return before;
}

static void test_revocation_watch(void **state)
{
	struct fixture *f = *state;
	struct aiv_err err = AIV_ERR_INIT;
	struct token_watch w = TOKEN_WATCH_INIT;
	struct store *other = NULL;
	char *db = xstrfmt("%s/ws.db", f->dir), *secret = NULL;
	struct token_info info;
	uint64_t v1 = 0, v2 = 0;
	int64_t k1, k2;
	int changed = -1, i;

	assert_int_equal(store_open(&other, db, 0, &err), 0);
	assert_int_equal(token_create(other, "test", "k1", ROLE_AGENT, "bot", &secret, &err), 0);
	assert_int_equal(token_check(other, secret, &info, &err), 0);
	k1 = info.id;
	free(secret);
	assert_int_equal(token_create(other, "test", "k2", ROLE_AGENT, "bot", &secret, &err), 0);
	assert_int_equal(token_check(other, secret, &info, &err), 0);
	k2 = info.id;
	free(secret);

	/* SQLite tells without a statement */
	assert_int_equal(store_begin(f->s, &err), 0);
	assert_int_equal(store_data_version(f->s, &v1), 1);
	store_rollback(f->s);

	/* the first check reads the count, and the revoked ids (none) */
	assert_int_equal(watch_tx(f->s, &w, &changed, 1), 2);
	assert_int_equal(changed, 1);
	assert_int_equal(w.nrevoked, 0);
	assert_false(token_watch_revoked(&w, k1));
	/* after the handle's own commits alone: no statement, no change */
	for (i = 0; i < 3; i++) {
		assert_int_equal(watch_tx(f->s, &w, &changed, 1), 0);
		assert_int_equal(changed, 0);
	}
	/* another connection revokes a token: the count and the ids read, changed */
	assert_int_equal(token_revoke(other, "test", "k1", &err), 0);
	assert_int_equal(watch_tx(f->s, &w, &changed, 1), 2);
	assert_int_equal(changed, 1);
	assert_true(token_watch_revoked(&w, k1));
	assert_false(token_watch_revoked(&w, k2));
	/*
	 * the next transactions: no statement, no change, and k1 still known
	 * revoked (a request admitted from a token cache before the writer saw
	 * the revocation may reach one of them)
	 */
	assert_int_equal(watch_tx(f->s, &w, &changed, 1), 0);
	assert_int_equal(changed, 0);
	assert_true(token_watch_revoked(&w, k1));
	assert_false(token_watch_revoked(&w, 0));
	/* another connection commits something else: read, unchanged */
	assert_int_equal(token_create(other, "test", "k3", ROLE_AGENT, "bot", &secret, &err), 0);
	free(secret);
	assert_int_equal(watch_tx(f->s, &w, &changed, 1), 1);
	assert_int_equal(changed, 0);
	/* a rolled-back transaction: the next check reads again */
	assert_int_equal(watch_tx(f->s, &w, &changed, 0), 0);
	assert_int_equal(watch_tx(f->s, &w, &changed, 1), 1);
	assert_int_equal(changed, 0);
	/* a transaction that passes (the recorder's): its commit alone misses nothing */
	assert_int_equal(store_begin(f->s, &err), 0);
	token_watch_pass(f->s, &w);
	assert_int_equal(store_exec(f->s, "UPDATE tokens SET name = name", &err), 0);
	assert_int_equal(store_commit(f->s, &err), 0);
	token_watch_ended(f->s, &w, 1);
	assert_int_equal(watch_tx(f->s, &w, &changed, 1), 0);
	/* ... but one that began after another connection's commit does not hide it */
	assert_int_equal(token_revoke(other, "test", "k2", &err), 0);
	assert_int_equal(store_begin(f->s, &err), 0);
	token_watch_pass(f->s, &w);
	assert_int_equal(store_exec(f->s, "UPDATE tokens SET name = name", &err), 0);
	assert_int_equal(store_commit(f->s, &err), 0);
	token_watch_ended(f->s, &w, 1);
	assert_int_equal(watch_tx(f->s, &w, &changed, 1), 2);
	assert_int_equal(changed, 1);
	assert_int_equal(w.nrevoked, 2);
	assert_true(token_watch_revoked(&w, k1));
	assert_true(token_watch_revoked(&w, k2));
	assert_false(token_watch_revoked(&w, k2 + 1));
	token_watch_release(&w);
	assert_null(w.revoked);
	assert_int_equal(w.seen, -1);

	assert_int_equal(store_begin(f->s, &err), 0);
	assert_int_equal(store_data_version(f->s, &v2), 1);
	store_rollback(f->s);
	assert_true(v2 != v1);
	store_close(other);
	free(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_could_permit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_approval_find, setup, teardown),
		cmocka_unit_test_setup_teardown(test_revocation_watch, setup, teardown),
		cmocka_unit_test(test_echo_upstream),
		cmocka_unit_test(test_bad_specs),
		cmocka_unit_test(test_stdio_failures),
		cmocka_unit_test(test_stdio_slow_answer),
		cmocka_unit_test(test_stdio_several_in_flight),
	};
	cli_register_schema();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
