#!/bin/sh
# The catalog: models, and validation of a tuned catalog.
. "$(dirname "$0")/lib.sh"

test_expect_success 'models lists the five value models with metrics, failure modes, moves' '
	aivalue models >out &&
	for m in "Workforce empowerment" "AI-native distribution" "Expert capability" \
		 "Systems and dependency management" "Process re-engineering"; do
		test_grep "$m" out || exit 1
	done &&
	test_grep "failure modes:" out && test_grep "leadership moves:" out
'
test_expect_success 'models --json has the structure the API serves' '
	aivalue models --json >m.json &&
	test "$(json_get m.json "len(d)")" = 5 &&
	test "$(json_get m.json "all(len(x[\"metrics\"]) >= 3 and x[\"failure_modes\"] and x[\"leadership_moves\"] for x in d)")" = True &&
	test "$(json_get m.json "\" \".join(x[\"id\"] for x in d)")" = "workforce distribution expert systems process"
'
test_expect_success 'one model by id or number' '
	aivalue models process >a && aivalue models 5 >b && test_cmp a b &&
	test_must_fail aivalue models nonsense
'
test_expect_success 'a tuned catalog file is used with --catalog' '
	sed "s/name: Workforce empowerment/name: Workforce fluency/" \
		"$TEST_ROOT/data/framework.yaml" >tuned.yaml &&
	aivalue --catalog tuned.yaml models --brief | test_grep "Workforce fluency" &&
	AIVALUE_CATALOG=tuned.yaml aivalue models --brief | test_grep "Workforce fluency"
'
test_expect_success 'a catalog with an unknown key is refused with file:line:col' '
	sed "0,/^  - id: workforce/s//  - id: workforce\n    colour: red/" \
		"$TEST_ROOT/data/framework.yaml" >bad.yaml &&
	test_must_fail --exit=1 aivalue --catalog bad.yaml models 2>err &&
	test_grep "bad.yaml:[0-9]*:5: model .workforce.: unknown key .colour." err
'
test_expect_success 'a gate referring to an unknown metric is refused' '
	sed "0,/metric: governance_basics_evidenced/s//metric: no_such_metric/" \
		"$TEST_ROOT/data/framework.yaml" >bad2.yaml &&
	test_must_fail aivalue --catalog bad2.yaml models 2>err &&
	test_grep "bad2.yaml:[0-9]*:[0-9]*: phase .fluency. gate criterion .*unknown metric .no_such_metric." err
'
test_expect_success 'a missing catalog file is an error' '
	test_must_fail aivalue --catalog nope.yaml models 2>err && test_grep "cannot open .nope.yaml." err
'
test_done
