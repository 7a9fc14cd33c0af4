/*
 * bench/decide - how long one Cedar decision takes in-process.
 *
 * Builds a synthetic agent estate (200 policies, 10,000 entities: agents,
 * people, teams, workflows, steps, invoices in ledgers) with a fixed seed,
 * then times cedar_authorize() per request over random requests and
 * prints p50/p99.  If node and @cedar-policy/cedar-wasm are installed
 * (tests/cedar-diff/node_modules), the same policies, entities and
 * requests are timed in cedar-wasm's fastest mode (policies preparsed once
 * with preparsePolicySet, then statefulIsAuthorized per request) and the
 * ratio printed; otherwise it says the baseline was unavailable.
 *
 *   build/bench/bench_decide [--policies N] [--entities N] [--requests N]
 *                            [--wasm-requests N] [--decisions N]
 *
 * cedar-wasm takes the entities as JSON on every call; with all 10,000
 * that dominates, so it is also timed with a per-request slice (the
 * principal, the resource, the entities their attributes name, and all
 * their ancestors), which is how Cedar is deployed at scale.
 * Run from the source tree (make bench) so the node script is found.
 *
 * Then the whole control path, control_decide() on a temporary SQLite
 * workspace (policies, agents, workflow applied from YAML): Cedar plus
 * the request checks, the decision-log row and its ledger chaining, one
 * transaction and ledger entry per decision (the CLI), and 64 decisions
 * per transaction and ledger entry with control_decide_many (group commit).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "apply/apply.h"
#include "catalog/catalog.h"
#include "control/cedar.h"
#include "control/control.h"
#include "org/org.h"
#include "cli/cmd.h"

static uint64_t rs = 0x9E3779B97F4A7C15ULL;

static uint32_t rnd(uint32_t n)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return (uint32_t)(rs % n);
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

static const char *const actions[] = { "approve_invoice", "pay_invoice", "read", "update",
				       "create_po", "close_claim", "escalate", "export" };
#define NACTIONS 8

static void gen_policies(struct strbuf *sb, int n, int nagents, int nwf, int nteams)
{
	int i;

	for (i = 0; i < n; i++) {
		int kind = i % 8;
		const char *act = actions[rnd(NACTIONS)];
		switch (kind) {
		case 0:
			strbuf_addf(sb, "permit(principal == Agent::\"a%u\", action == Action::\"%s\", "
				    "resource is Invoice) when { resource.amount <= %u };\n",
				    rnd(nagents / 20 + 1), act, 1000 + rnd(50000));
			break;
		case 1:
			strbuf_addf(sb, "permit(principal in Workflow::\"w%u\", action in "
				    "[Action::\"%s\", Action::\"read\"], resource is Invoice);\n",
				    rnd(nwf), act);
			break;
		case 2:
			strbuf_addf(sb, "@escalate(\"review\") @sla(\"PT4H\")\nforbid(principal, action == "
				    "Action::\"%s\", resource) when { context.confidence.lessThan("
				    "decimal(\"0.%02u\")) || context.amount > %u };\n", act,
				    10 + rnd(30), 20000 + rnd(100000));
			break;
		case 3:
			strbuf_addf(sb, "permit(principal is Agent in Step::\"w%u/s%u\", action == "
				    "Action::\"%s\", resource) when { principal.owner in Team::\"t%u\" "
				    "|| context has override };\n", rnd(nwf), rnd(4), act, rnd(nteams));
			break;
		case 4:
			strbuf_addf(sb, "forbid(principal, action == Action::\"%s\", resource is Invoice) "
				    "when { resource.vendor like \"blocked-*\" };\n", act);
			break;
		case 5:
			strbuf_addf(sb, "permit(principal, action == Action::\"%s\", resource) when { "
				    "context.tags.containsAny([\"urgent\", \"t%u\"]) && resource has owner "
				    "&& resource.owner == principal.owner };\n", act, rnd(nteams));
			break;
		case 6:
			strbuf_addf(sb, "forbid(principal == Agent::\"a%u\", action, resource) unless { "
				    "context.amount < %u };\n", rnd(nagents / 20 + 1), 100 + rnd(10000));
			break;
		default:
			strbuf_addf(sb, "permit(principal in Workflow::\"w%u\", action == Action::\"%s\", "
				    "resource) when { if context has step then context.step == \"s%u\" "
				    "else false };\n", rnd(nwf), act, rnd(4));
			break;
		}
	}
}

static void gen_entities(struct strbuf *sb, int n, int *nagents, int *nwf, int *nteams,
			 int *ninv)
{
	int people = n / 10, teams = 50, wf = 50, steps = wf * 4, agents = n / 5, ledgers = 20;
	int inv = n - people - teams - wf - steps - agents - ledgers, i, first = 1;

	*nagents = agents;
	*nwf = wf;
	*nteams = teams;
	*ninv = inv;
#define SEP() do { if (!first) strbuf_addch(sb, ','); first = 0; } while (0)
	strbuf_addch(sb, '[');
	for (i = 0; i < teams; i++) {
		SEP();
		strbuf_addf(sb, "{\"uid\":{\"type\":\"Team\",\"id\":\"t%d\"},\"attrs\":{},\"parents\":[%s]}",
			    i, i ? "{\"type\":\"Team\",\"id\":\"t0\"}" : "");
	}
	for (i = 0; i < people; i++) {
		SEP();
		strbuf_addf(sb, "{\"uid\":{\"type\":\"Person\",\"id\":\"p%d\"},\"attrs\":{\"role\":\"clerk\"},"
			    "\"parents\":[{\"type\":\"Team\",\"id\":\"t%u\"}]}", i, rnd(teams));
	}
	for (i = 0; i < wf; i++) {
		int k;
		SEP();
		strbuf_addf(sb, "{\"uid\":{\"type\":\"Workflow\",\"id\":\"w%d\"},\"attrs\":{},\"parents\":[]}", i);
		for (k = 0; k < 4; k++)
			strbuf_addf(sb, ",{\"uid\":{\"type\":\"Step\",\"id\":\"w%d/s%d\"},\"attrs\":{},"
				    "\"parents\":[{\"type\":\"Workflow\",\"id\":\"w%d\"}]}", i, k, i);
	}
	for (i = 0; i < agents; i++) {
		int w = (int)rnd(wf);
		SEP();
		strbuf_addf(sb, "{\"uid\":{\"type\":\"Agent\",\"id\":\"a%d\"},\"attrs\":{\"owner\":"
			    "{\"__entity\":{\"type\":\"Person\",\"id\":\"p%u\"}}},\"parents\":["
			    "{\"type\":\"Step\",\"id\":\"w%d/s%u\"},{\"type\":\"Workflow\",\"id\":\"w%d\"}]}",
			    i, rnd(people), w, rnd(4), w);
	}
	for (i = 0; i < ledgers; i++) {
		SEP();
		strbuf_addf(sb, "{\"uid\":{\"type\":\"Ledger\",\"id\":\"l%d\"},\"attrs\":{},\"parents\":[]}", i);
	}
	for (i = 0; i < inv; i++) {
		SEP();
		strbuf_addf(sb, "{\"uid\":{\"type\":\"Invoice\",\"id\":\"i%d\"},\"attrs\":{\"amount\":%u,"
			    "\"vendor\":\"%s%u\",\"owner\":{\"__entity\":{\"type\":\"Person\",\"id\":\"p%u\"}}},"
			    "\"parents\":[{\"type\":\"Ledger\",\"id\":\"l%u\"}]}", i, rnd(60000),
			    rnd(10) ? "acme-" : "blocked-", rnd(100), rnd(people), rnd(ledgers));
	}
	strbuf_addch(sb, ']');
}

static void gen_requests(struct strbuf *sb, int n, int nagents, int ninv)
{
	int i;

	strbuf_addch(sb, '[');
	for (i = 0; i < n; i++) {
		strbuf_addf(sb, "%s{\"principal\":{\"type\":\"Agent\",\"id\":\"a%u\"},\"action\":"
			    "{\"type\":\"Action\",\"id\":\"%s\"},\"resource\":{\"type\":\"Invoice\","
			    "\"id\":\"i%u\"},\"context\":{\"confidence\":{\"__extn\":{\"fn\":\"decimal\","
			    "\"arg\":\"0.%02u\"}},\"amount\":%u,\"tags\":[\"t%u\"]%s}}",
			    i ? "," : "", rnd(2) ? rnd(nagents / 20 + 1) : rnd(nagents),
			    actions[rnd(NACTIONS)], rnd(ninv), 50 + rnd(50),
			    rnd(20000), rnd(50), rnd(3) ? ",\"step\":\"s1\"" : "");
	}
	strbuf_addch(sb, ']');
}

static int write_file(const char *path, const struct strbuf *sb)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fwrite(sb->buf, 1, sb->len, f);
	return fclose(f);
}

/* control_decide() end to end on a temporary workspace. */
static void bench_control(int ndec)
{
	char path[] = "/tmp/aiv-bench-control.XXXXXX", p2[64];
	struct strbuf y = STRBUF_INIT;
	struct aiv_err err = AIV_ERR_INIT;
	struct store *s = NULL;
	struct catalog *cat = NULL;
	struct apply_result res;
	struct control_engine *eng = NULL;
	const char *src[] = { "bench.yaml" };
	int64_t *lat = xmalloc(sizeof(*lat) * (size_t)ndec);
	int fd = mkstemp(path), i, b, na = 50;

	close(fd);
	unlink(path);
	org_register_kinds();
	control_register_kinds();
	strbuf_addstr(&y, "kind: Team\nname: fin\ntitle: Finance\nfunction: finance\n---\n"
		      "kind: Person\nname: ana\ndisplay_name: Ana\nrole: lead\nteam: fin\n---\n");
	for (i = 0; i < na; i++)
		strbuf_addf(&y, "kind: Agent\nname: a%d\nowner: ana\nworkflow: w\n---\n", i);
	strbuf_addstr(&y, "kind: Workflow\nname: w\nowner: ana\nautonomy: autonomous\nsteps:\n"
		      "  - name: s1\n    owner: ana\n    agents: [");
	for (i = 0; i < na; i++)
		strbuf_addf(&y, "%sa%d", i ? ", " : "", i);
	strbuf_addstr(&y, "]\n---\nkind: Policy\nname: p\nresource_types: [Invoice]\ncedar: |\n");
	for (i = 0; i < 200; i++) {
		if (i % 4 == 3)
			strbuf_addf(&y, "  @escalate(\"q\") forbid(principal == Agent::\"a%d\", action, "
				    "resource) when { context.amount > %d };\n", i % na, 9000 + i);
		else
			strbuf_addf(&y, "  permit(principal == Agent::\"a%d\", action == Action::\"%s\", "
				    "resource is Invoice) when { context.confidence.greaterThan("
				    "decimal(\"0.%02d\")) };\n", i % na, actions[i % NACTIONS], 10 + i % 80);
	}
	if (store_open(&s, path, STORE_CREATE, &err) || catalog_load(&cat, NULL, &err) ||
	    apply_sources(s, cat, "bench", src, 1, y.buf, y.len, 0, &res, &err)) {
		printf("control_decide: setup failed: %s\n", err.msg);
		goto out;
	}
	apply_result_release(&res);
	if (control_engine_load(s, 0, &eng, &err)) {
		printf("control_decide: %s\n", err.msg);
		goto out;
	}
	/* b == 1: one transaction and one ledger entry per decision (the CLI);
	 * b == 64: control_decide_many, 64 decisions per transaction and per
	 * ledger entry (group commit, an HTTP batch) */
	for (b = 1; b <= 64; b *= 64) {
		int64_t start = now_ns(), counts[3] = { 0, 0, 0 };
		struct control_request reqs[64];
		struct control_decision outs[64];
		struct aiv_err errs[64];
		json_t *ctxs[64];
		char agents[64][16];
		int k, m;
		for (i = 0; i < ndec; i += b) {
			int64_t t0;
			m = ndec - i < b ? ndec - i : b;
			for (k = 0; k < m; k++) {
				char ctx[96];
				snprintf(agents[k], sizeof(agents[k]), "a%u", rnd((uint32_t)na));
				snprintf(ctx, sizeof(ctx), "{\"confidence\": 0.%02u, \"amount\": %u}",
					 rnd(100), rnd(10000));
				ctxs[k] = json_loads(ctx, 0, NULL);
				memset(&reqs[k], 0, sizeof(reqs[k]));
				reqs[k].agent = agents[k];
				reqs[k].action = actions[rnd(NACTIONS)];
				reqs[k].resource = "Invoice::\"inv-1\"";
				reqs[k].context = ctxs[k];
			}
			t0 = now_ns();
			if (b == 1 ? control_decide(s, eng, "bench", &reqs[0], &outs[0], &err)
				   : control_decide_many(s, eng, "bench", reqs, (size_t)m, outs, errs, &err)) {
				printf("control_decide: %s\n", err.msg);
				goto out;
			}
			for (k = 0; k < m; k++) {
				lat[i + k] = (now_ns() - t0) / m;
				counts[outs[k].outcome]++;
				control_decision_release(&outs[k]);
				json_decref(ctxs[k]);
			}
		}
		{
			double secs = (double)(now_ns() - start) / 1e9;
			qsort(lat, (size_t)ndec, sizeof(*lat), cmp_i64);
			printf("control_decide%s (SQLite, logged, %d decision%s per transaction and "
			       "ledger entry): %d decisions (%lld allow, %lld deny, %lld escalate): "
			       "p50 %.1f us, p99 %.1f us%s, %.0f decisions/s on one thread\n",
			       b > 1 ? "_many" : "", b, b > 1 ? "s" : "", ndec,
			       (long long)counts[CONTROL_ALLOW], (long long)counts[CONTROL_DENY],
			       (long long)counts[CONTROL_ESCALATE], lat[ndec / 2] / 1000.0,
			       lat[(size_t)(ndec * 0.99)] / 1000.0, b > 1 ? " (batch time / 64)" : "",
			       ndec / secs);
		}
	}
out:
	control_engine_free(eng);
	store_close(s);
	catalog_free(cat);
	strbuf_release(&y);
	free(lat);
	unlink(path);
	snprintf(p2, sizeof(p2), "%s-wal", path);
	unlink(p2);
	snprintf(p2, sizeof(p2), "%s-shm", path);
	unlink(p2);
}

int main(int argc, char **argv)
{
	int npol = 200, nent = 10000, nreq = 20000, nwasm = 10, ndec = 2000, i;
	int nagents, nwf, nteams, ninv, allow = 0;
	struct strbuf pol = STRBUF_INIT, ents = STRBUF_INIT, reqs = STRBUF_INIT;
	struct cedar_policyset ps;
	struct cedar_entities es;
	struct cedar_arena a = { 0 }, ra = { 0 };
	struct cedar_response res;
	struct cedar_request *rv;
	struct aiv_err err = AIV_ERR_INIT;
	json_t *ej, *rj;
	int64_t *lat, t0, t1;
	double p50, p99;
	char dir[] = "/tmp/aiv-bench-decide.XXXXXX";

	cli_register_schema();
	for (i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--policies")) npol = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--entities")) nent = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--requests")) nreq = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--wasm-requests")) nwasm = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--decisions")) ndec = atoi(argv[i + 1]);
	}
	if (npol < 1 || nent < 1000 || nreq < 1) {
		fprintf(stderr, "bench_decide: need --policies >= 1, --entities >= 1000, --requests >= 1\n");
		return 2;
	}
	gen_entities(&ents, nent, &nagents, &nwf, &nteams, &ninv);
	gen_policies(&pol, npol, nagents, nwf, nteams);
	gen_requests(&reqs, nreq, nagents, ninv);

	cedar_policyset_init(&ps);
	cedar_entities_init(&es);
	cedar_response_init(&res);
	if (cedar_parse(&ps, pol.buf, pol.len, "policy", "bench", 1, 1, &err)) {
		fprintf(stderr, "bench_decide: %s\n", err.msg);
		return 1;
	}
	ej = json_loads(ents.buf, 0, NULL);
	rj = json_loads(reqs.buf, 0, NULL);
	if (!ej || !rj || cedar_entities_add_json(&es, ej, &err)) {
		fprintf(stderr, "bench_decide: entities: %s\n", err.msg);
		return 1;
	}
	cedar_entities_close(&es);
	rv = xcalloc((size_t)nreq, sizeof(*rv));
	for (i = 0; i < nreq; i++) {
		const json_t *r = json_array_get(rj, (size_t)i);
		cedar_uid_from_json(&ra, json_object_get(r, "principal"), &rv[i].principal);
		cedar_uid_from_json(&ra, json_object_get(r, "action"), &rv[i].action);
		cedar_uid_from_json(&ra, json_object_get(r, "resource"), &rv[i].resource);
		if (cedar_value_from_json(&ra, json_object_get(r, "context"), 0, "context",
					  &rv[i].context, &err)) {
			fprintf(stderr, "bench_decide: %s\n", err.msg);
			return 1;
		}
	}
	lat = xmalloc(sizeof(*lat) * (size_t)nreq);
	/* warm up caches and the branch predictor */
	for (i = 0; i < nreq && i < 2000; i++) {
		cedar_arena_reset(&a);
		cedar_authorize(&ps, &es, &rv[i], &a, &res);
	}
	for (i = 0; i < nreq; i++) {
		cedar_arena_reset(&a);
		t0 = now_ns();
		cedar_authorize(&ps, &es, &rv[i], &a, &res);
		t1 = now_ns();
		lat[i] = t1 - t0;
		allow += res.decision == CEDAR_ALLOW;
	}
	qsort(lat, (size_t)nreq, sizeof(*lat), cmp_i64);
	p50 = lat[nreq / 2] / 1000.0;
	p99 = lat[(size_t)((double)nreq * 0.99)] / 1000.0;
	printf("in-process cedar_authorize: %d policies, %zu entities, %d random requests "
	       "(%d allow): p50 %.2f us, p99 %.2f us\n", npol, es.n, nreq, allow, p50, p99);
	printf("targets: p50 < 5 us %s, p99 < 20 us %s\n", p50 < 5 ? "(met)" : "(MISSED)",
	       p99 < 20 ? "(met)" : "(MISSED)");
	/* machine-readable summary for tools/bench-results; the ratio is the p50 to its target */
	printf("RESULT name=decide_p50 value=%.2f unit=us ratio=%.3f target=5 status=%s\n", p50,
	       p50 / 5, p50 < 5 ? "MET" : "MISSED");
	printf("RESULT name=decide_p99 value=%.2f unit=us ratio=%.3f target=20 status=%s\n", p99,
	       p99 / 20, p99 < 20 ? "MET" : "MISSED");

	if (ndec > 0)
		bench_control(ndec);

	/* the cedar-wasm baseline on the same inputs */
	fflush(stdout);
	if (nwasm <= 0) {
		printf("cedar-wasm baseline skipped (--wasm-requests 0)\n");
	} else if (access("tests/cedar-diff/node_modules/@cedar-policy/cedar-wasm", F_OK) ||
	    access("bench/decide/cedar-wasm-bench.js", F_OK) || system("node --version >/dev/null 2>&1")) {
		printf("cedar-wasm baseline unavailable (needs node and tests/cedar-diff/node_modules; "
		       "run from the source tree)\n");
	} else if (mkdtemp(dir)) {
		char path[256], cmd[512], line[256];
		FILE *p;
		struct strbuf few = STRBUF_INIT;
		double w50 = 0, w99 = 0, s50 = 0, s99 = 0;
		int wn = 0, sn = 0;
		snprintf(path, sizeof(path), "%s/policies.cedar", dir);
		write_file(path, &pol);
		snprintf(path, sizeof(path), "%s/entities.json", dir);
		write_file(path, &ents);
		/* the first nwasm requests (x20 for the slice): wasm re-reads the
		 * entities on every call */
		strbuf_addch(&few, '[');
		for (i = 0; i < nwasm * 20 && i < nreq; i++) {
			char *s = json_dumps(json_array_get(rj, (size_t)i), JSON_COMPACT);
			strbuf_addf(&few, "%s%s", i ? "," : "", s);
			free(s);
		}
		strbuf_addch(&few, ']');
		snprintf(path, sizeof(path), "%s/requests.json", dir);
		write_file(path, &few);
		strbuf_release(&few);
		snprintf(cmd, sizeof(cmd), "NODE_PATH=tests/cedar-diff/node_modules node "
			 "bench/decide/cedar-wasm-bench.js %s", dir);
		if ((p = popen(cmd, "r")) != NULL) {
			while (fgets(line, sizeof(line), p)) {
				sscanf(line, "wasm p50 %lf p99 %lf n %d", &w50, &w99, &wn);
				sscanf(line, "slice p50 %lf p99 %lf n %d", &s50, &s99, &sn);
			}
			pclose(p);
		}
		if (wn > 0) {
			printf("cedar-wasm, all %zu entities per call (preparsePolicySet + "
			       "statefulIsAuthorized): %d requests: p50 %.1f us, p99 %.1f us; "
			       "ratio p50 %.0fx\n", es.n, wn, w50, w99, w50 / (p50 > 0 ? p50 : 1));
			printf("cedar-wasm, per-request entity slice: %d requests: p50 %.1f us, "
			       "p99 %.1f us; ratio p50 %.0fx\n", sn, s50, s99, s50 / (p50 > 0 ? p50 : 1));
		} else
			printf("cedar-wasm baseline unavailable (the node script failed)\n");
		snprintf(path, sizeof(path), "%s/policies.cedar", dir);
		unlink(path);
		snprintf(path, sizeof(path), "%s/entities.json", dir);
		unlink(path);
		snprintf(path, sizeof(path), "%s/requests.json", dir);
		unlink(path);
		rmdir(dir);
	}
	json_decref(ej);
	json_decref(rj);
	free(lat);
	free(rv);
	cedar_response_release(&res);
	cedar_arena_release(&a);
	cedar_arena_release(&ra);
	cedar_entities_release(&es);
	cedar_policyset_release(&ps);
	strbuf_release(&pol);
	strbuf_release(&ents);
	strbuf_release(&reqs);
	return 0;
}
