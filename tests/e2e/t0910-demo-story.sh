#!/bin/sh
# aivalue demo: bad options change nothing; the small organisation of two
# industries tells the four stories through the real commands' --json
# output; the same seed gives byte-identical files and identical figures,
# another seed different data.
. "$(dirname "$0")/lib.sh"

test_expect_success 'bad options exit 2 and create nothing' '
	test_must_fail --exit=2 aivalue demo --size huge --dir d 2>err.txt &&
	test_grep "unknown size .huge. (sizes: small, medium, large)" err.txt &&
	test_must_fail --exit=2 aivalue demo --industry banking --dir d 2>err.txt &&
	test_grep "unknown industry .banking." err.txt &&
	test_must_fail --exit=2 aivalue demo --seed 12x --dir d 2>err.txt &&
	test_grep "seed must be a whole number" err.txt &&
	test_must_fail --exit=2 aivalue demo --seed -3 --dir d 2>err.txt &&
	test_must_fail --exit=2 aivalue demo --seed "" --dir d 2>err.txt &&
	test_must_fail --exit=2 aivalue demo --size 2>err.txt &&
	test_must_fail --exit=2 aivalue demo small 2>err.txt &&
	test_must_fail --exit=2 aivalue demo --serve --listen nowhere 2>err.txt &&
	test ! -e d && test ! -e "$AIVALUE_DB" && test ! -e demo-data
'

test_expect_success 'an existing workspace is refused and left alone' '
	aivalue init >/dev/null && before=$(aivalue audit checkpoint) &&
	test_must_fail --exit=1 aivalue demo --size small --dir d 2>err.txt &&
	test_grep "workspace .* already exists" err.txt &&
	test "$(aivalue audit checkpoint)" = "$before" && test ! -e d &&
	rm -f "$AIVALUE_DB" "$AIVALUE_DB-wal" "$AIVALUE_DB-shm"
'

# story INDUSTRY: load the small demo and check the four stories
story() {
	ind=$1 && db="$TEST_DIR/$ind.db" &&
	aivalue --db "$db" --json demo --size small --industry "$ind" --seed 7 --dir "$ind" >"$ind.json" &&
	test "$(json_get "$ind.json" "d[\"ledger\"][\"ok\"]")" = True &&
	test "$(json_get "$ind.json" "d[\"datasets\"][\"people\"] >= 140")" = True &&
	stuck=$(json_get "$ind.json" "d[\"story\"][\"stuck_function\"]") &&
	wf=$(json_get "$ind.json" "d[\"story\"][\"autonomous_workflow\"]") &&
	agent=$(json_get "$ind.json" "d[\"story\"][\"agent\"]") &&
	hyp=$(json_get "$ind.json" "d[\"story\"][\"cycle_time_hypothesis\"]") &&
	log=$(json_get "$ind.json" "d[\"story\"][\"event_log\"]") &&
	aivalue --db "$db" --json findings >"$ind-f.json" &&
	# 1. one function stuck in a two-tier pattern, named by the finding
	test "$(json_get "$ind-f.json" "\",\".join(f[\"function\"] for x in d[\"findings\"] if x[\"mode\"] == \"two_tier_workforce\" for f in x[\"figures\"][\"stalled\"][\"functions\"])")" = "$stuck" &&
	aivalue --db "$db" --json adoption --by function >"$ind-a.json" &&
	# 2. the AI-assisted cohort is faster, and the registered hypothesis is supported
	aivalue --db "$db" --json process compare "$log" --by ai_assisted >"$ind-c.json" &&
	test "$(json_get "$ind-c.json" "[c[\"case_duration_seconds\"][\"median\"] for c in d[\"cohorts\"] if c[\"label\"] == \"ai_assisted = true\"][0] < 0.85 * [c[\"case_duration_seconds\"][\"median\"] for c in d[\"cohorts\"] if c[\"label\"] == \"ai_assisted = false\"][0]")" = True &&
	aivalue --db "$db" --json evidence >"$ind-e.json" &&
	test "$(json_get "$ind-e.json" "[h[\"verdict\"] for h in d[\"hypotheses\"] if h[\"name\"] == \"$hyp\"][0]")" = supported &&
	# 3. the AI channel grows while its conversion quality falls
	test "$(json_get "$ind-f.json" "\",\".join(x[\"subject\"] for x in d[\"findings\"] if x[\"mode\"] == \"volume_over_credibility\")")" = channel/ai_assistant &&
	aivalue --db "$db" --json journeys >"$ind-j.json" &&
	test "$(json_get "$ind-j.json" "d[\"volume_over_credibility\"][\"volume\"][\"p_increasing\"] < 0.05 and d[\"volume_over_credibility\"][\"quality\"][\"p_decreasing\"] < 0.05")" = True &&
	# 4. an autonomous workflow runs ahead of its gate: phase flags it, decisions escalate
	aivalue --db "$db" --json phase >"$ind-p.json" &&
	test "$(json_get "$ind-p.json" "d[\"earned\"] < 3 and \"$wf\" in [a[\"initiative\"] for a in d[\"ahead_of_gate\"]]")" = True &&
	aivalue --db "$db" --json get workflows "$wf" >"$ind-w.json" &&
	test_grep "\"autonomy\": \"autonomous\"" "$ind-w.json" &&
	aivalue --db "$db" --json assess workflow "$wf" >"$ind-aw.json" &&
	test "$(json_get "$ind-aw.json" "d[\"ahead_of_gate\"]")" = True &&
	aivalue --db "$db" --json decide --agent "$agent" --action "$(json_get "$ind.json" "\"settle_claim\" if \"$ind\" == \"insurance\" else \"approve_invoice\"")" \
		--resource "$(json_get "$ind.json" "\"Claim\" if \"$ind\" == \"insurance\" else \"Invoice\"")::\"t-1\"" \
		--context "{\"confidence\": 0.99, \"amount\": 10}" >"$ind-d.json" &&
	test "$(json_get "$ind-d.json" "d[\"decision\"]")" = escalate &&
	test_grep "runs ahead of its gate" "$ind-d.json" &&
	# the queue and the change requests are in every state
	aivalue --db "$db" --json exceptions list >"$ind-x.json" &&
	test "$(json_get "$ind-x.json" "\",\".join(sorted(set(x[\"state\"] for x in d)))")" = approved,expired,pending,rejected &&
	# the queue resolves in the hours people took, not the milliseconds of the load
	aivalue --db "$db" --json metrics show exception_resolution_time >"$ind-r.json" &&
	test "$(json_get "$ind-r.json" "3600 <= d[\"value\"] <= 7 * 3600")" = True &&
	aivalue --db "$db" --json change list >"$ind-cr.json" &&
	test "$(json_get "$ind-cr.json" "\",\".join(sorted(set(x[\"status\"] for x in d)))")" = approved,merged,open,rejected &&
	aivalue --db "$db" --json change stale >"$ind-s.json" &&
	test "$(json_get "$ind-s.json" "len(d) > 0")" = True &&
	aivalue --db "$db" audit verify | test_grep "ledger ok"
}

test_expect_success 'insurance: the four stories' 'story insurance'
test_expect_success 'retail: the four stories' 'story retail'

test_expect_success 'the same seed gives byte-identical files and the same figures' '
	aivalue --db again.db --json demo --size small --industry insurance --seed 7 --dir again >again.json &&
	(cd insurance && find . -type f | LC_ALL=C sort | xargs sha256sum) >one.sum &&
	(cd again && find . -type f | LC_ALL=C sort | xargs sha256sum) >two.sum &&
	test_cmp one.sum two.sum &&
	test "$(wc -l <one.sum)" -gt 100 &&
	for c in "adoption --by function" "journeys" "evidence" "process stats claims-handling" "phase"; do
		aivalue --db insurance.db --json $c | grep -v "\"ledger_seq\"\|\"changed\"\|\"measured_at\"\|ledger entry\|ledger verification" >x1.json &&
		aivalue --db again.db --json $c | grep -v "\"ledger_seq\"\|\"changed\"\|\"measured_at\"\|ledger entry\|ledger verification" >x2.json &&
		test_cmp x1.json x2.json || exit 1
	done
'

test_expect_success 'another seed gives different data' '
	aivalue --db other.db --json demo --size small --industry insurance --seed 8 --dir other >/dev/null &&
	(cd other && find . -type f | LC_ALL=C sort | xargs sha256sum) >three.sum &&
	! cmp -s one.sum three.sum &&
	# every file of people, usage, journeys and cases differs (the artefact
	# folder is the same shape for an industry whatever the seed)
	test "$(sort one.sum three.sum | uniq -d | grep -c "/org/\|/usage/\|/journeys/\|/cases/")" = 0 &&
	! cmp -s insurance/org/people.yaml other/org/people.yaml
'
test_done
