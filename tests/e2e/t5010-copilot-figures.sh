#!/bin/sh
# GitHub Copilot exports in, right model 1 figures out: a person is active
# on a day with any use (CLI, code review, completions shown but none
# accepted, agent, chat), the documented example form (a JSON array) is
# read, seats without a person are skipped and counted, and every import
# accounts for its rows (tally) in the summary, --json and the ledger.
. "$(dirname "$0")/lib.sh"

DATA="$TEST_ROOT/tests/data/usage"

test_expect_success 'six people, five of them active on 2025-09-29..10-05' '
	aivalue init &&
	aivalue apply -f "$DATA/six-people.yaml" >/dev/null &&
	aivalue import usage "$DATA/copilot-users-six.ndjson" --format copilot-users >out &&
	test_grep "read 7 rows: 6 used, 1 skipped" out &&
	test_grep "skipped 1: no Copilot use that day .*copilot-users-six.ndjson:7" out &&
	aivalue adoption --json >a.json &&
	test "$(json_get a.json "d[\"as_of\"]")" = 2025-10-05 &&
	test "$(json_get a.json "d[\"organisation\"][\"people\"]")" = 6 &&
	test "$(json_get a.json "d[\"organisation\"][\"active\"]")" = 5
'

# Active days in the 28-day window: ana 2 (completions accepted on two
# days), bo 1 (chat), cy 1 (CLI only), dee 1 (code review only), eli 1
# (completions shown, none accepted), fay 0 (a row with no use).
# Sorted 0,1,1,1,1,2 (n = 6, sum 6): sum of i*x_i = 2+3+4+5+12 = 26,
# Gini = 2*26/(6*6) - 7/6 = 10/36 = 0.2778.  (Counting only the days with
# an accepted suggestion or a prompt gave 0,0,0,0,1,2: 13/18 = 0.7222.)
# Proficiency over the 12 weeks to Sunday 2025-10-05: ana 5 + 9 accepted
# = 14 actions (>= 1 a week: novice); bo 4 prompts, cy 2 CLI prompts, dee
# 1 review, eli 1 (shown only): low; fay: non-user.
test_expect_success 'Gini of active days and proficiency, hand-worked' '
	test "$(json_get a.json "d[\"organisation\"][\"gini_active_days\"]")" = 0.2778 &&
	test "$(json_get a.json "d[\"organisation\"][\"licensed_unused\"]")" = 1 &&
	test "$(json_get a.json "d[\"organisation\"][\"proficiency\"][\"non_user\"]")" = 1 &&
	test "$(json_get a.json "d[\"organisation\"][\"proficiency\"][\"low\"]")" = 4 &&
	test "$(json_get a.json "d[\"organisation\"][\"proficiency\"][\"novice\"]")" = 1
'

test_expect_success 'the ledger entry records the tally; the same file again changes nothing' '
	aivalue import usage "$DATA/copilot-users-six.ndjson" --format copilot-users --json >imp.json &&
	test "$(json_get imp.json "d[\"already_imported\"]")" = True &&
	aivalue audit log -n 1 --json >log.json &&
	test "$(json_get log.json "d[0][\"action\"]")" = usage.import &&
	test "$(json_get log.json "d[0][\"payload\"][\"tally\"][\"read\"]")" = 7 &&
	test "$(json_get log.json "d[0][\"payload\"][\"tally\"][\"skipped\"]")" = 1 &&
	test "$(json_get log.json "d[0][\"payload\"][\"tally\"][\"skips\"][0][\"first\"]")" = "$DATA/copilot-users-six.ndjson:7" &&
	aivalue audit verify >/dev/null
'

test_expect_success '--strict refuses a file with a skipped row and changes nothing' '
	head=$(aivalue audit checkpoint) &&
	workspace_new strict &&
	aivalue --db "$(workspace_db strict)" init >/dev/null &&
	aivalue --db "$(workspace_db strict)" apply -f "$DATA/six-people.yaml" >/dev/null &&
	test_must_fail aivalue --db "$(workspace_db strict)" import usage "$DATA/copilot-users-six.ndjson" \
		--format copilot-users --strict 2>err &&
	test_grep "copilot-users-six.ndjson:7: no Copilot use that day" err &&
	test_grep "strict" err &&
	test "$(test_sql_on strict "SELECT count(*) FROM usage_imports")" = 0 &&
	test "$(aivalue audit checkpoint)" = "$head"
'

# The documented example is a JSON array (pretty-printed): cy on 10-01
# (1 completion accepted, 2 CLI prompts) and user 5002 with no login on
# 10-02 (3 agent-mode prompts, agent edits with no prompt: 1, passive
# code review: 1).
test_expect_success 'the documented example form: a JSON array, read and said so' '
	aivalue import usage "$DATA/copilot-users-example.json" --format copilot-users --json >ex.json &&
	test "$(json_get ex.json "d[\"rows\"]")" = 5 &&
	test "$(json_get ex.json "d[\"tally\"][\"read\"]")" = 2 &&
	test "$(json_get ex.json "d[\"tally\"][\"used\"]")" = 2 &&
	test "$(json_get ex.json "d[\"tally\"][\"assumptions\"][0][\"what\"]")" = "a JSON array of rows where NDJSON (one row a line) was expected: each element read as a row" &&
	test "$(json_get ex.json "d[\"unmatched_identities\"][0][\"identity\"]")" = 5002 &&
	test "$(json_get ex.json "d[\"unmatched_identities\"][0][\"rows\"]")" = 3
'

test_expect_success 'seats: null and team assignees skipped and counted, not fatal' '
	aivalue import usage "$DATA/copilot-seats-mixed.json" --format copilot-seats --json >s.json &&
	test "$(json_get s.json "d[\"seats\"]")" = 2 &&
	test "$(json_get s.json "d[\"rows\"]")" = 2 &&
	test "$(json_get s.json "d[\"tally\"][\"unit\"]")" = seats &&
	test "$(json_get s.json "d[\"tally\"][\"read\"]")" = 4 &&
	test "$(json_get s.json "d[\"tally\"][\"used\"]")" = 2 &&
	test "$(json_get s.json "\";\".join(s[\"reason\"] for s in d[\"tally\"][\"skips\"])")" = "seat has no assignee (null);seat assignee is a team, not a person" &&
	test_must_fail aivalue import usage "$DATA/copilot-seats-mixed.json" --format copilot-seats \
		--strict 2>err &&
	test_grep "seats\[1\]: seat has no assignee (null)" err
'

test_done
