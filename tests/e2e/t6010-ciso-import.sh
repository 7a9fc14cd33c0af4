#!/bin/sh
# Frameworks in CISO Assistant's library format: import, re-import,
# version rule, structural errors, and the crosswalk to readiness answers.
. "$(dirname "$0")/lib.sh"
ACME="$TEST_ROOT/examples/acme"
LIB="$ACME/assess/ciso-library-excerpt.yaml"
Q="'" # a single quote, for Python reprs inside test bodies

test_expect_success 'import a library: one ledger entry; again: nothing changed' '
	aivalue init >/dev/null &&
	aivalue apply -f "$ACME" >/dev/null &&
	before=$(aivalue audit checkpoint | cut -d: -f1) &&
	aivalue assess import "$LIB" >out &&
	test_grep "8 requirement nodes, 4 assessable" out &&
	test $(( $(aivalue audit checkpoint | cut -d: -f1) - before )) -eq 1 &&
	head=$(aivalue audit checkpoint) &&
	aivalue assess import "$LIB" >out &&
	test_grep "already imported: nothing changed" out &&
	test "$(aivalue audit checkpoint)" = "$head"
'

test_expect_success 'changed content needs a higher version' '
	head=$(aivalue audit checkpoint) &&
	sed "s/AI systems are inventoried./AI systems are inventoried and owned./" "$LIB" >changed.yaml &&
	test_must_fail aivalue assess import changed.yaml 2>err &&
	test_grep "needs a higher version" err &&
	test "$(aivalue audit checkpoint)" = "$head" &&
	sed "s/^version: 1/version: 2/" changed.yaml >v2.yaml &&
	aivalue assess import v2.yaml >out && test_grep "version 2" out
'

test_expect_success 'structural errors name the place; nothing changed' '
	head=$(aivalue audit checkpoint) &&
	sed "s/parent_urn: urn:aivalue:risk:req_node:nist-ai-rmf-excerpt:govern-1$/parent_urn: urn:aivalue:risk:req_node:nist-ai-rmf-excerpt:nowhere/" "$LIB" >badparent.yaml &&
	test_must_fail aivalue assess import badparent.yaml 2>err &&
	test_grep "badparent.yaml:[0-9]*:[0-9]*: requirement node .*govern-1.1.: parent_urn .*nowhere. is not an earlier node" err &&
	sed "s/implementation_groups: \[core\]$/implementation_groups: [basic]/" "$LIB" >badig.yaml &&
	test_must_fail aivalue assess import badig.yaml 2>err &&
	test_grep "implementation group .basic. is not in implementation_groups_definition" err &&
	sed "s/      depth: 3/      depth: 4/" "$LIB" >baddepth.yaml &&
	test_must_fail aivalue assess import baddepth.yaml 2>err &&
	test_grep "depth 4 but its parent has depth 2" err &&
	sed "s/    - score: 5/    - score: 9/" "$LIB" >badscore.yaml &&
	test_must_fail aivalue assess import badscore.yaml 2>err &&
	test_grep "score 9 is outside min_score..max_score" err &&
	test "$(aivalue audit checkpoint)" = "$head"
'

test_expect_success 'crosswalk: lowest mapped answer level on the framework scale' '
	aivalue assess crosswalk --json >x0.json &&
	test "$(json_get x0.json "d[0][\"summary\"][\"answered\"]")" = 0 &&
	aivalue assess org --answers "$ACME/assess/readiness.yaml" >/dev/null &&
	aivalue assess crosswalk --json >x.json &&
	test "$(json_get x.json "d[0][\"summary\"]")" = "{${Q}assessable${Q}: 4, ${Q}covered${Q}: 3, ${Q}answered${Q}: 3}" &&
	test "$(json_get x.json "{r[\"ref_id\"]: r.get(\"score\") for r in d[0][\"requirements\"]}")" = "{${Q}GOVERN 1.1${Q}: 3, ${Q}GOVERN 1.6${Q}: 3, ${Q}GOVERN 1.7${Q}: None, ${Q}MEASURE 2.8${Q}: 1}" &&
	test "$(json_get x.json "[r[\"score_name\"] for r in d[0][\"requirements\"] if r[\"ref_id\"]==\"MEASURE 2.8\"][0]")" = Initial &&
	aivalue assess crosswalk --group extended --json >xe.json &&
	test "$(json_get xe.json "[r[\"ref_id\"] for r in d[0][\"requirements\"]]")" = "[${Q}GOVERN 1.7${Q}, ${Q}MEASURE 2.8${Q}]"
'

test_expect_success 'the report carries the crosswalk of imported frameworks' '
	aivalue report --format html -o r.html 2>/dev/null &&
	test_grep "NIST AI RMF 1.0 (excerpt)" r.html &&
	test_grep "4 assessable requirements, 3 covered by our questions, 3 answered" r.html &&
	aivalue report --format json -o r.json 2>/dev/null &&
	test "$(json_get r.json "d[\"crosswalk\"][0][\"summary\"][\"answered\"]")" = 3
'

test_done
