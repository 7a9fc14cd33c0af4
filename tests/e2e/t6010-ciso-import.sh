#!/bin/sh
# Frameworks in CISO Assistant's library format: import, re-import,
# version rule, structural errors (what CISO Assistant itself loads with a
# warning -- undefined implementation groups, a depth that does not follow
# parent_urn, scores outside the range -- is counted instead: t6011), the questions of requirement nodes
# (stored, listed, malformed ones refused), and the crosswalk to readiness
# answers.
. "$(dirname "$0")/lib.sh"
ACME="$TEST_ROOT/examples/acme"
LIB="$ACME/assess/ciso-library-excerpt.yaml"
Q="'" # a single quote, for Python reprs inside test bodies

test_expect_success 'import a library: one ledger entry; again: nothing changed' '
	aivalue init >/dev/null &&
	aivalue apply -f "$ACME" >/dev/null &&
	before=$(aivalue audit checkpoint | cut -d: -f1) &&
	aivalue assess import "$LIB" >out &&
	test_grep "8 requirement nodes, 4 assessable, 4 questions" out &&
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
	test "$(aivalue audit checkpoint)" = "$head"
'

test_expect_success 'the library questions are stored with their choices and scores' '
	test "$(test_sql "SELECT count(*) FROM frameworks f JOIN evidence_files e ON e.sha256 = f.sha256")" = 1 &&
	aivalue assess crosswalk --json >q.json &&
	test "$(json_get q.json "[len(r[\"library_questions\"]) for r in d[0][\"requirements\"]]")" = "[2, 1, 0, 1]" &&
	test "$(json_get q.json "[(c[\"value\"], c.get(\"add_score\"), c.get(\"compute_result\")) for c in d[0][\"requirements\"][0][\"library_questions\"][0][\"choices\"]]")" = \
		"[(${Q}Yes, kept up to date by a named owner${Q}, 3, ${Q}compliant${Q}), (${Q}Yes, but nobody maintains it${Q}, 1, None), (${Q}No${Q}, 0, ${Q}non_compliant${Q})]" &&
	test "$(json_get q.json "d[0][\"requirements\"][0][\"library_questions\"][1][\"depends_on\"][\"answers\"][1].rsplit(\":\", 3)[1:]")" = "[${Q}1${Q}, ${Q}choice${Q}, ${Q}2${Q}]" &&
	test "$(json_get q.json "d[0][\"requirements\"][1][\"library_questions\"][0][\"type\"]")" = text &&
	test "$(json_get q.json "d[0][\"requirements\"][3][\"library_questions\"][0][\"choices\"][1][\"select_implementation_groups\"]")" = "[${Q}extended${Q}]" &&
	aivalue assess crosswalk >out &&
	test_grep "GOVERN 1.1 question (unique_choice, a follow-up): Was the register reviewed" out &&
	test_grep "2) Every tool call of an agent  \[+3\]" out
'

# bad_questions OUT OLD NEW: the excerpt with its first OLD replaced by NEW
bad_questions() {
	python3 -S - "$LIB" "$1" "$2" "$3" <<-\EOP
	import sys
	src, out, old, new = sys.argv[1:]
	text = open(src).read()
	assert text.count(old) >= 1, old
	open(out, "w").write(text.replace(old, new, 1))
	EOP
}
test_expect_success 'malformed question blocks: FILE:LINE:COL, nothing imported' '
	workspace_reset && aivalue init >/dev/null &&
	head=$(aivalue audit checkpoint) &&
	bad_questions q1.yaml "type: unique_choice" "type: slider" &&
	test_must_fail aivalue assess import q1.yaml 2>err &&
	test_grep "q1.yaml:[0-9]*:[0-9]*: question .*question:1.: type must be unique_choice, multiple_choice, text, date, number or boolean, not .slider." err &&
	bad_questions q2.yaml "            add_score: 3" "            add_score: three" &&
	test_must_fail aivalue assess import q2.yaml 2>err &&
	test_grep "q2.yaml:[0-9]*:[0-9]*: question .*choice .*choice:1.: field .add_score. must be" err &&
	bad_questions q3.yaml "            answers:
            - urn:aivalue:risk:req_node:nist-ai-rmf-excerpt:govern-1.1:question:1:choice:1" "            answers:
            - urn:aivalue:risk:req_node:nist-ai-rmf-excerpt:govern-1.1:question:1:choice:9" &&
	test_must_fail aivalue assess import q3.yaml 2>err &&
	test_grep "q3.yaml:[0-9]*:[0-9]*: question .*question:2.: depends_on answer .*choice:9. is not a choice of" err &&
	bad_questions q4.yaml "          type: text
          text: Where" "          type: text
          choices: [{urn: \"urn:x:1\", value: a}]
          text: Where" &&
	test_must_fail aivalue assess import q4.yaml 2>err &&
	test_grep "q4.yaml:[0-9]*:[0-9]*: question .*govern-1.6:question:1.: a text question has no choices" err &&
	bad_questions q5.yaml "govern-1.6:question:1:" "govern-1.1:question:1:" &&
	test_must_fail aivalue assess import q5.yaml 2>err &&
	test_grep "q5.yaml:[0-9]*:[0-9]*: question .*govern-1.1:question:1. is defined twice" err &&
	bad_questions q7.yaml "            color: \"#ffc107\"" "            color: amber" &&
	test_must_fail aivalue assess import q7.yaml 2>err &&
	test_grep "q7.yaml:[0-9]*:[0-9]*: .*color must be #rrggbb, not .amber." err &&
	bad_questions q8.yaml "      questions:
        urn:aivalue:risk:req_node:nist-ai-rmf-excerpt:govern-1.6" "      questions:
      - urn:aivalue:risk:req_node:nist-ai-rmf-excerpt:govern-1.6" &&
	test_must_fail aivalue assess import q8.yaml 2>err &&
	test_grep "q8.yaml:[0-9]*:[0-9]*: requirement node .*govern-1.6.: questions must be a mapping" err &&
	test "$(aivalue audit checkpoint)" = "$head" &&
	test "$(test_sql "SELECT count(*) FROM frameworks")" = 0 &&
	test "$(test_sql "SELECT count(*) FROM evidence_files")" = 0 &&
	aivalue apply -f "$ACME" >/dev/null &&
	aivalue assess import "$LIB" >/dev/null
'

test_expect_success 'crosswalk: lowest mapped answer level on the framework scale' '
	aivalue assess crosswalk --json >x0.json &&
	test "$(json_get x0.json "d[0][\"summary\"][\"answered\"]")" = 0 &&
	aivalue assess org --answers "$ACME/assess/readiness.yaml" >/dev/null &&
	aivalue assess crosswalk --json >x.json &&
	test "$(json_get x.json "d[0][\"summary\"]")" = "{${Q}assessable${Q}: 4, ${Q}covered${Q}: 3, ${Q}answered${Q}: 3, ${Q}library_questions${Q}: 4}" &&
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
