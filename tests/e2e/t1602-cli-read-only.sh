#!/bin/sh
#
# t1602: read commands do not write.  On one workspace (Acme with usage,
# readiness, hypotheses and evidence, an agent workflow with an exception
# item that is overdue when the reads run), every read command leaves the
# ledger head and the whole database as they were.  Recording the phase
# verdict is explicit: `phase --record`.  (issue 16)

. "$(dirname "$0")/lib.sh"
ACME="$TEST_ROOT/examples/acme"
export AIVALUE_FAKE_TIME=2030-01-01T00:00:00Z

# the database's content as SQL text (the file's bytes may move on a checkpoint)
dump() {
	test_dump
}
head_is() { test "$(aivalue audit checkpoint)" = "$1"; }

test_expect_success 'set up one workspace with every kind of data' '
	aivalue init >/dev/null &&
	aivalue apply -f "$ACME" >/dev/null &&
	aivalue apply -f "$ACME/assess/hypotheses.yaml" >/dev/null &&
	aivalue assess org --answers "$ACME/assess/readiness.yaml" >/dev/null &&
	aivalue evidence --data "$ACME/assess/observations.csv" >/dev/null &&
	aivalue identities import "$ACME/usage/identities.csv" >/dev/null &&
	aivalue import usage "$ACME/usage/usage.csv" --format csv \
		--map person=user,time=date,tool=app,workflow=template,count=actions >/dev/null &&
	aivalue apply -f "$TEST_ROOT/tests/data/control/org.yaml" >/dev/null &&
	aivalue decide --json --agent ap-bot --action approve_invoice \
		--resource "Invoice::\"inv-1\"" --on-behalf-of bob \
		--context "{\"confidence\": 0.5, \"amount\": 500}" >esc.json &&
	json_get esc.json "d[\"exception_id\"]" >item &&
	test -s item
'

test_expect_success 'phase is a read: no ledger entry, no stored verdict, no "changed" key' '
	before=$(aivalue audit checkpoint) &&
	aivalue phase >p.txt &&
	! grep "verdict changed" p.txt &&
	aivalue phase --json >p.json &&
	test "$(json_get p.json "\"changed\" in d or \"ledger_seq\" in d")" = False &&
	head_is "$before" &&
	aivalue audit log --action phase. --json >v.json &&
	test "$(json_get v.json "len(d)")" = 0
'

test_expect_success 'phase --record appends one entry, and none while the verdict stands' '
	before=$(aivalue audit checkpoint | cut -d: -f1) &&
	aivalue phase --record >r1.txt &&
	test_grep "^verdict changed: recorded as ledger entry $((before + 1))$" r1.txt &&
	aivalue audit show -n 1 >s.txt &&
	test_grep "  recorded the phase verdict  phase org$" s.txt &&
	aivalue phase --record --json >r2.json &&
	test "$(json_get r2.json "d[\"changed\"]")" = False &&
	test "$(aivalue audit checkpoint | cut -d: -f1)" = $((before + 1)) &&
	test_must_fail --exit=2 aivalue phase --record --as-of 2029-12-01 2>err &&
	test_grep "cannot go with --as-of" err
'

test_expect_success 'every read command leaves the ledger head and the database unchanged' '
	export AIVALUE_FAKE_TIME=2030-01-03T00:00:00Z &&
	before=$(aivalue audit checkpoint) &&
	dump >before.sql &&
	for cmd in "phase" "phase --json" "phase --as-of 2029-12-31" "findings" \
		"metrics" "metrics show repeat_use_rate" "metrics history repeat_use_rate" \
		"get initiatives" "get person ana" "adoption" \
		"report -o $TMPDIR/r.html" "report --format md -o $TMPDIR/r.md" \
		"report --format json -o $TMPDIR/r.json" "value" "cost" "roadmap" \
		"exceptions list" "exceptions show $(cat item)" "audit verify" "audit show" \
		"audit log" "audit checkpoint" "models" "journeys" "assess show"
	do
		aivalue $cmd >out.txt 2>err.txt || { echo "# failed: aivalue $cmd" && cat err.txt && return 1; }
		head_is "$before" || { echo "# aivalue $cmd moved the ledger head" && return 1; }
	done &&
	dump >after.sql &&
	test_cmp before.sql after.sql &&
	aivalue exceptions list --json >x.json &&
	test "$(json_get x.json "d[0][\"state\"]")" = expired
'

test_done
