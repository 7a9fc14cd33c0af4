/*
 * test_graph.c - the dependency graph on hand-made graphs: closures with
 * their paths, depth limits, type filters, edge masks, shortest paths,
 * and cycles found by Tarjan's algorithm.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "change/artefact.h"
#include "change/graph.h"
#include "change/query.h"
#include "core/cjson.h"
#include "store/store.h"
#include "cli/cmd.h"

enum { DERIVES, IMPLEMENTS, REFERENCES, VERIFIES, GOVERNED };

/*
 *   POL-1 <-governed- SOP-1 <-implements- FORM-1
 *     ^                 ^
 *     |governed         |derives
 *   SOP-2 <-derives- REQ-1 <-verifies- TEST-1
 *                      (REQ-1 also derives from SOP-1)
 *   DOC-A <-references-> DOC-B   (an allowed cycle)
 */
static const char *const ids[] = { "POL-1", "SOP-1", "SOP-2", "FORM-1", "REQ-1",
				   "TEST-1", "DOC-A", "DOC-B" };
static const uint8_t types[] = { 1, 0, 0, 5, 3, 6, 7, 7 };

static struct graph *sample(void)
{
	static const struct graph_edge e[] = {
		{ 1, 0, GOVERNED }, { 2, 0, GOVERNED }, { 3, 1, IMPLEMENTS },
		{ 4, 2, DERIVES }, { 4, 1, DERIVES }, { 5, 4, VERIFIES },
		{ 6, 7, REFERENCES }, { 7, 6, REFERENCES },
	};
	struct aiv_err err = AIV_ERR_INIT;
	struct graph *g = NULL;

	assert_int_equal(graph_build(&g, 8, ids, types, e, ARRAY_SIZE(e), &err), 0);
	return g;
}

static void test_find(void **state)
{
	struct graph *g = sample();

	(void)state;
	assert_int_equal(graph_find(g, "REQ-1"), 4);
	assert_int_equal(graph_find(g, "NOPE"), GRAPH_NONE);
	assert_string_equal(graph_id(g, 5), "TEST-1");
	graph_free(g);
}

static void test_impact_closure_and_paths(void **state)
{
	struct graph *g = sample();
	struct graph_walk w;
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	graph_walk_init(&w);
	graph_impact(g, 0, NULL, &w);
	assert_int_equal(w.norder, 5); /* SOP-1 SOP-2 FORM-1 REQ-1 TEST-1 */
	assert_true(graph_walk_reached(&w, 5));
	assert_false(graph_walk_reached(&w, 6));
	assert_int_equal(graph_walk_depth(&w, 5), 3);
	graph_path_text(&sb, g, &w, 5);
	/* REQ-1 is reached from SOP-1 (first in BFS order), so the path is via SOP-1 */
	assert_string_equal(sb.buf, "POL-1 -> SOP-1 -> REQ-1 -> TEST-1");
	assert_int_equal(graph_walk_via(&w, 5), VERIFIES);
	/* reuse of the walk: a leaf reaches nothing */
	graph_impact(g, 5, NULL, &w);
	assert_int_equal(w.norder, 0);
	assert_false(graph_walk_reached(&w, 4));
	strbuf_release(&sb);
	graph_walk_release(&w);
	graph_free(g);
}

static void test_depth_kind_mask(void **state)
{
	struct graph *g = sample();
	struct graph_walk w;
	struct graph_query q = { 1, -1, GRAPH_ALL_EDGES };
	uint32_t i, kept = 0;

	(void)state;
	graph_walk_init(&w);
	graph_impact(g, 0, &q, &w);
	assert_int_equal(w.norder, 2);
	assert_true(w.frontier_cut > 0);
	q.max_depth = 0;
	q.kind = 6; /* test */
	graph_impact(g, 0, &q, &w);
	for (i = 0; i < w.norder; i++)
		kept += graph_walk_keep(g, &q, w.order[i]);
	assert_int_equal(kept, 1);
	/* follow only governed-by edges: SOP-1 and SOP-2 */
	q.kind = -1;
	q.edge_mask = 1u << GOVERNED;
	graph_impact(g, 0, &q, &w);
	assert_int_equal(w.norder, 2);
	/* upstream of TEST-1: REQ-1, SOP-2, SOP-1, POL-1 */
	graph_deps(g, 5, NULL, &w);
	assert_int_equal(w.norder, 4);
	assert_int_equal(graph_walk_depth(&w, 0), 3);
	graph_walk_release(&w);
	graph_free(g);
}

static void test_query_path_and_explain(void **state)
{
	struct graph *g = sample();
	struct aiv_err err = AIV_ERR_INIT;
	struct query_path_result p;
	struct query_closure_result c;
	json_t *j;
	char *txt;

	(void)state;
	assert_int_equal(query_path(g, "POL-1", "FORM-1", &p, &err), 0);
	assert_true(p.found);
	assert_false(p.upstream);
	assert_int_equal(p.nsteps, 3);
	assert_null(p.steps[0].via);
	assert_string_equal(p.steps[2].via, "implements");
	j = query_path_result_json(&p);
	assert_string_equal(json_str(j, "direction"), "downstream");
	assert_false(json_object_get(json_array_get(json_object_get(j, "path"), 0), "via"));
	json_decref(j);
	query_path_result_release(&p);
	assert_int_equal(query_path(g, "TEST-1", "POL-1", &p, &err), 0);
	assert_true(p.upstream);
	j = query_path_result_json(&p);
	assert_string_equal(json_str(j, "direction"), "upstream");
	json_decref(j);
	query_path_result_release(&p);
	assert_int_equal(query_path(g, "FORM-1", "SOP-2", &p, &err), 0);
	assert_false(p.found);
	assert_non_null(strstr(p.explain, "no dependency path"));
	j = query_path_result_json(&p);
	assert_null(json_object_get(j, "direction")); /* only when found */
	json_decref(j);
	query_path_result_release(&p);
	assert_null(p.explain);
	assert_int_equal(query_closure(g, "TEST-1", 0, 0, NULL, &c, &err), 0);
	assert_int_equal(c.nitems, 0);
	assert_non_null(strstr(c.explain, "nothing depends on 'TEST-1'"));
	query_closure_result_release(&c);
	assert_int_equal(query_closure(g, "POL-1", 0, 0, "contract", &c, &err), 0);
	assert_non_null(strstr(c.explain, "is of type 'contract'"));
	j = query_closure_result_json(&c);
	txt = json_dumps(j, JSON_COMPACT);
	assert_non_null(strstr(txt, "\"kind\":\"contract\",\"count\":0,"));
	free(txt);
	json_decref(j);
	query_closure_result_release(&c);
	assert_int_equal(query_closure(g, "NOPE", 0, 0, NULL, &c, &err), AIV_ENOTFOUND);
	assert_non_null(strstr(err.msg, "unknown artefact 'NOPE'"));
	assert_int_equal(query_closure(g, "POL-1", 0, 0, "spreadsheet", &c, &err), AIV_EINPUT);
	graph_free(g);
}

static void test_cycles(void **state)
{
	static const struct graph_edge e[] = {
		{ 0, 1, DERIVES }, { 1, 2, DERIVES }, { 2, 0, IMPLEMENTS }, /* forbidden */
		{ 3, 4, REFERENCES }, { 4, 3, DERIVES },                      /* allowed */
		{ 5, 5 - 5, DERIVES },                                        /* into the cycle */
	};
	static const char *const cids[] = { "A", "B", "C", "D", "E", "F" };
	struct aiv_err err = AIV_ERR_INIT;
	struct query_cycles_result cy;
	struct graph *g = NULL;
	uint32_t *comp, n;
	json_t *j;
	char *txt;

	(void)state;
	assert_int_equal(graph_build(&g, 6, cids, NULL, e, ARRAY_SIZE(e), &err), 0);
	n = graph_cycles(g, graph_acyclic_mask(), &comp);
	assert_int_equal(n, 1);
	assert_int_equal(comp[0], comp[1]);
	assert_int_equal(comp[1], comp[2]);
	assert_int_equal(comp[3], GRAPH_NONE);
	assert_int_equal(comp[5], GRAPH_NONE);
	free(comp);
	n = graph_cycles(g, GRAPH_ALL_EDGES, &comp);
	assert_int_equal(n, 2);
	assert_int_equal(comp[3], comp[4]);
	assert_true(comp[3] != comp[0]);
	free(comp);
	/* the typed answer: A, B, C forbidden; D, E allowed (through a reference) */
	assert_int_equal(query_cycles(g, &cy, &err), 0);
	assert_int_equal(cy.nforbidden, 1);
	assert_int_equal(cy.forbidden[0].n, 3);
	assert_string_equal(cy.forbidden[0].v[0], "A");
	assert_string_equal(cy.forbidden[0].v[2], "C");
	assert_int_equal(cy.nallowed, 2);
	assert_int_equal(cy.artefacts, 6);
	assert_int_equal(cy.edges, 6);
	assert_string_equal(cy.explain, "1 forbidden cycle; 2 strongly connected groups when "
			    "'references' edges are included (those are allowed)");
	j = query_cycles_result_json(&cy);
	txt = json_dumps(j, JSON_COMPACT);
	assert_string_equal(txt, "{\"forbidden\":[[\"A\",\"B\",\"C\"]],\"allowed\":"
			    "[[\"A\",\"B\",\"C\"],[\"D\",\"E\"]],\"explain\":\"1 forbidden "
			    "cycle; 2 strongly connected groups when 'references' edges are included "
			    "(those are allowed)\",\"artefacts\":6,\"edges\":6}");
	free(txt);
	json_decref(j);
	query_cycles_result_release(&cy);
	graph_free(g);
}

static void test_long_chain_no_recursion(void **state)
{
	enum { N = 200000 };
	char **names = malloc(N * sizeof(*names));
	struct graph_edge *e = malloc(N * sizeof(*e));
	struct aiv_err err = AIV_ERR_INIT;
	struct graph *g = NULL;
	struct graph_walk w;
	uint32_t *comp, i;

	(void)state;
	for (i = 0; i < N; i++) {
		names[i] = xstrfmt("N-%u", i);
		e[i].src = i;
		e[i].dst = (i + 1) % N; /* one big forbidden cycle */
		e[i].type = DERIVES;
	}
	assert_int_equal(graph_build(&g, N, (const char *const *)names, NULL, e, N, &err), 0);
	assert_int_equal(graph_cycles(g, GRAPH_ALL_EDGES, &comp), 1);
	free(comp);
	graph_walk_init(&w);
	graph_impact(g, 0, NULL, &w);
	assert_int_equal(w.norder, N - 1);
	graph_walk_release(&w);
	graph_free(g);
	for (i = 0; i < N; i++)
		free(names[i]);
	free(names);
	free(e);
}

static void test_bad_build(void **state)
{
	static const char *const dup[] = { "A", "A" };
	static const struct graph_edge e[] = { { 0, 7, DERIVES } };
	struct aiv_err err = AIV_ERR_INIT;
	struct graph *g = NULL;

	(void)state;
	assert_int_equal(graph_build(&g, 2, dup, NULL, NULL, 0, &err), AIV_EINPUT);
	assert_non_null(strstr(err.msg, "'A' appears twice"));
	assert_int_equal(graph_build(&g, 1, dup, NULL, e, 1, &err), AIV_EINPUT);
}

static void test_ids(void **state)
{
	(void)state;
	assert_true(artefact_valid_id("POL-7"));
	assert_true(artefact_valid_id("REQ001"));
	assert_true(artefact_valid_id("sop.claims_2"));
	assert_false(artefact_valid_id("7-POL"));
	assert_false(artefact_valid_id("POL--7"));
	assert_false(artefact_valid_id("POL-"));
	assert_false(artefact_valid_id("POL 7"));
	assert_false(artefact_valid_id(""));
}

/* Impact closure of `id` as "A B C" (BFS order), for comparing loads. */
static void closure_text(struct graph *g, const char *id, struct strbuf *sb)
{
	struct graph_walk w;
	uint32_t i;

	strbuf_reset(sb);
	graph_walk_init(&w);
	graph_impact(g, graph_find(g, id), NULL, &w);
	for (i = 0; i < w.norder; i++)
		strbuf_addf(sb, "%s%s", i ? " " : "", graph_id(g, w.order[i]));
	graph_walk_release(&w);
}

/*
 * graph_load reads edges by number (migration 7); numbers with gaps
 * (deleted artefacts), rows without numbers (written by hand in SQL) and
 * a dangling edge each take their own path and give the same graph.
 */
static void test_load_paths(void **state)
{
	char path[] = "/tmp/aiv-test-graph-XXXXXX";
	struct aiv_err err = AIV_ERR_INIT;
	struct store *s = NULL;
	struct graph *g = NULL;
	struct strbuf sb = STRBUF_INIT;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	unlink(path);
	assert_int_equal(store_open(&s, path, STORE_CREATE, &err), 0);
	/* POL-1 <- SOP-1 <- FORM-1, SOP-1 <- REQ-1, numbered 1..4 */
	assert_int_equal(store_exec(s,
		"INSERT INTO artefacts(id, type, title, owner, owner_kind, version, fingerprint, num)"
		" VALUES ('POL-1','policy','p','o','Team',1,'x',1), ('SOP-1','sop','s','o','Team',1,'x',2),"
		" ('FORM-1','form','f','o','Team',1,'x',3), ('REQ-1','requirement','r','o','Team',1,'x',4);"
		"INSERT INTO artefact_edges(src, dst, type, src_num, dst_num) VALUES"
		" ('SOP-1','POL-1','governed-by',2,1), ('FORM-1','SOP-1','implements',3,2),"
		" ('REQ-1','SOP-1','derives-from',4,2);", &err), 0);
	assert_int_equal(graph_load(s, &g, &err), 0);
	assert_int_equal(g->n, 4);
	assert_int_equal(g->m, 3);
	closure_text(g, "POL-1", &sb);
	assert_string_equal(sb.buf, "SOP-1 FORM-1 REQ-1");
	assert_int_equal(g->fwd_type[g->fwd_off[graph_find(g, "FORM-1")]], IMPLEMENTS);
	graph_free(g);
	g = NULL;

	/* gaps: REQ-1 renumbered 9 (as after deletions), a new TEST-1 is 10 */
	assert_int_equal(store_exec(s,
		"UPDATE artefacts SET num = 9 WHERE id = 'REQ-1';"
		"UPDATE artefact_edges SET src_num = 9 WHERE src = 'REQ-1';"
		"INSERT INTO artefacts(id, type, title, owner, owner_kind, version, fingerprint, num)"
		" VALUES ('TEST-1','test','t','o','Team',1,'x',10);"
		"INSERT INTO artefact_edges(src, dst, type, src_num, dst_num) VALUES"
		" ('TEST-1','REQ-1','verifies',10,9);", &err), 0);
	assert_int_equal(graph_load(s, &g, &err), 0);
	closure_text(g, "POL-1", &sb);
	assert_string_equal(sb.buf, "SOP-1 FORM-1 REQ-1 TEST-1");
	graph_free(g);
	g = NULL;

	/* a row without numbers: the ids are looked up */
	assert_int_equal(store_exec(s,
		"INSERT INTO artefacts(id, type, title, owner, owner_kind, version, fingerprint, num)"
		" VALUES ('CODE-1','code','c','o','Team',1,'x',11);"
		"INSERT INTO artefact_edges(src, dst, type) VALUES ('CODE-1','FORM-1','implements');",
		&err), 0);
	assert_int_equal(graph_load(s, &g, &err), 0);
	closure_text(g, "SOP-1", &sb);
	assert_string_equal(sb.buf, "FORM-1 REQ-1 CODE-1 TEST-1");
	graph_free(g);
	g = NULL;

	/* a dangling edge is refused, naming both ends */
	assert_int_equal(store_exec(s,
		"INSERT INTO artefact_edges(src, dst, type) VALUES ('CODE-1','GHOST-1','implements');",
		&err), 0);
	assert_int_equal(graph_load(s, &g, &err), AIV_EINPUT);
	assert_non_null(strstr(err.msg, "'CODE-1' -> 'GHOST-1'"));
	assert_null(g);
	strbuf_release(&sb);
	store_close(s);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_impact_closure_and_paths),
		cmocka_unit_test(test_depth_kind_mask),
		cmocka_unit_test(test_query_path_and_explain),
		cmocka_unit_test(test_cycles),
		cmocka_unit_test(test_long_chain_no_recursion),
		cmocka_unit_test(test_bad_build),
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_load_paths),
	};
	cli_register_schema();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
