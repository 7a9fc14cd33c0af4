#!/bin/sh
# The demo organisation's money: one initiative pays back, one does not,
# one is not yet proven (issue 19), in both the insurance and the retail
# demo, through aivalue value --json.
. "$(dirname "$0")/lib.sh"
. "$TEST_ROOT/tests/e2e/lib-demo.sh"

# Initiatives by slot: the story initiative, the expert one, the distribution one.
check() { # industry story expert dist
	test "$(json_get v.json "[g[\"initiative\"] for g in d[\"initiatives\"] if g[\"roi\"] is not None and g[\"roi\"] > 1]")" = "['$2']" &&
	test "$(json_get v.json "[g[\"initiative\"] for g in d[\"initiatives\"] if g[\"roi\"] is not None and g[\"roi\"] < 1]")" = "['$3']" &&
	test "$(json_get v.json "[e[\"status\"] for e in d[\"effects\"] if e[\"initiative\"] == \"$4\"]")" = "['not yet proven']" &&
	test "$(json_get v.json "d[\"currency\"]")" = EUR &&
	test "$(json_get v.json "d[\"value_a_year\"][\"minor\"] == sum(e[\"value_a_year\"][\"minor\"] for e in d[\"effects\"] if e[\"status\"] == \"realised\")")" = True
}

test_expect_success 'insurance: claims-assist pays back, underwriting-briefs does not, cover-advisor not yet proven' '
	aivalue_demo demo --size small --dir ins >/dev/null 2>&1 &&
	aivalue value --json >v.json &&
	check insurance claims-assist underwriting-briefs cover-advisor &&
	aivalue value >v.txt &&
	test_grep "cover-advisor-intent (cover-advisor): not yet proven" v.txt
'

test_expect_success 'retail: p2p-assist pays back, assortment-briefs does not, shopping-assistant not yet proven' '
	workspace_new retail &&
	aivalue_demo --db "$(workspace_db retail)" demo --size small --industry retail --dir ret >/dev/null 2>&1 &&
	aivalue --db "$(workspace_db retail)" value --json >v.json &&
	check retail p2p-assist assortment-briefs shopping-assistant
'

test_done
