#!/bin/sh
# t4140-change-typed.sh - `aivalue change` after its results became typed
# structs and its subcommands a table: each subcommand refuses the options
# it does not take (nothing changes), and the text and --json printers of
# one result agree field by field, with figures worked out by hand from
# Acme's graph (examples/acme): POL-7 reaches SOP-12, SOP-14, FORM-3,
# REQ-21, CODE-5 and TEST-9; SOP-12 reaches FORM-3, REQ-21, CODE-5, TEST-9.
. "$(dirname "$0")/lib.sh"

AIVALUE_FAKE_TIME=2026-11-02T09:00:00Z
export AIVALUE_FAKE_TIME
Q="'" # a single quote, for Python reprs inside test bodies
state() {
	aivalue audit checkpoint &&
	test_dump | sha256sum
}

test_expect_success 'set up Acme with two overlapping change requests' '
	aivalue init &&
	cat "$TEST_ROOT"/examples/acme/teams.yaml "$TEST_ROOT"/examples/acme/people.yaml >org.yaml &&
	aivalue apply -f org.yaml >/dev/null &&
	cp -r "$TEST_ROOT"/examples/acme/artefacts arts &&
	aivalue artefacts sync arts >/dev/null &&
	cp arts/pol-7.md pol-7-v4.md &&
	echo "4. Claims are acknowledged in writing." >>pol-7-v4.md &&
	aivalue change open --artefact POL-7 --file pol-7-v4.md --risk high \
		--reason "written acknowledgement" --as karthik.verma >/dev/null &&
	cp arts/sop-12.md sop-12-v2.md &&
	echo "4. Photos are mandatory." >>sop-12-v2.md &&
	aivalue change open --artefact SOP-12 --file sop-12-v2.md --reason photos \
		--as ayesha.khan >/dev/null
'

test_expect_success 'a subcommand refuses an option it does not take, and changes nothing' '
	state >before.state &&
	test_must_fail --exit=2 aivalue change list --artefact POL-7 2>err &&
	test_grep "error: .change list. does not take --artefact" err &&
	test_must_fail --exit=2 aivalue change merge CR-1 --reason now 2>err &&
	test_grep "error: .change merge. does not take --reason" err &&
	test_must_fail --exit=2 aivalue change approve CR-1 --as lotte.mulder --meaning m \
		--reason r --risk low 2>err &&
	test_grep "error: .change approve. does not take --risk" err &&
	test_must_fail --exit=2 aivalue change review SOP-12 --as kerem.sahin --reason r \
		--evidence pol-7-v4.md 2>err &&
	test_grep "error: .change review. does not take --evidence" err &&
	state >after.state &&
	test_cmp before.state after.state
'

test_expect_success 'the options a subcommand takes still work (--rules and --json everywhere)' '
	aivalue change list --json --rules "$TEST_ROOT"/data/change-rules.yaml >list.json &&
	test "$(json_get list.json "len(d)")" = 2 &&
	test_must_fail --exit=2 aivalue change frob 2>err &&
	test_grep "^error: .frob. is not an aivalue change subcommand; see .aivalue help change.$" err &&
	test_must_fail --exit=2 aivalue change show 2>err &&
	test_grep "or: aivalue change show|verify CR" err
'

test_expect_success 'list: text rows and --json carry the same fields' '
	aivalue change list >list.txt &&
	test "$(wc -l <list.txt)" = 2 &&
	test "$(head -1 list.txt | tr -s " ")" = "CR-2 SOP-12 open medium ayesha.khan photos" &&
	test "$(tail -1 list.txt | tr -s " ")" = "CR-1 POL-7 open high karthik.verma written acknowledgement" &&
	test "$(json_get list.json "[c[\"impact_count\"] for c in d]")" = "[4, 6]" &&
	test "$(json_get list.json "d[1][\"opened_at\"]")" = "2026-11-02T09:00:00.000000Z" &&
	test "$(json_get list.json "d[1][\"merged_at\"]")" = None
'

test_expect_success 'conflicts: one open conflict, its overlap in order, in both printers' '
	aivalue change conflicts >c.txt &&
	test "$(tr -s " " <c.txt)" = "CR-1 CR-2 open detected 2026-11-02T09:00:00.000000Z; overlap: SOP-12 FORM-3 REQ-21 CODE-5 TEST-9" &&
	aivalue --json change conflicts >c.json &&
	test "$(json_get c.json "(d[0][\"a\"], d[0][\"b\"], d[0][\"open\"], d[0][\"resolved_at\"], len(d[0][\"overlap\"]))")" = "(${Q}CR-1${Q}, ${Q}CR-2${Q}, True, None, 5)"
'

test_expect_success 'metrics: no figure yet prints "no data" in text and null in JSON' '
	aivalue change metrics >m.txt &&
	test_grep "^change requests: 2 (0 done)" m.txt &&
	test_grep "time to safe change, median *- (no data yet)" m.txt &&
	test_grep "conflicts *1 (1 open)" m.txt &&
	test_grep "downstream consistency *1.00" m.txt &&
	aivalue --json change metrics >m.json &&
	test "$(json_get m.json "d[\"time_to_safe_change_hours\"][\"median\"]")" = None &&
	test "$(json_get m.json "d[\"downstream_consistency\"][\"share\"]")" = 1.0 &&
	test "$(json_get m.json "d[\"conflicts\"][\"open\"]")" = 1 &&
	test "$(json_get m.json "[a[\"id\"] for a in d[\"awaiting_review\"]]")" = "[${Q}CR-1${Q}, ${Q}CR-2${Q}]"
'

test_expect_success 'verify with no signatures: ok in both printers, exit 0' '
	aivalue change verify CR-1 >v.txt &&
	test_grep "CR-1 has no signatures yet" v.txt &&
	test_grep "CR-1: every signature verifies" v.txt &&
	aivalue --json change verify CR-1 >v.json &&
	test "$(json_get v.json "(d[\"ok\"], d[\"signatures\"], d[\"evidence\"])")" = "(True, [], 0)"
'

test_done
