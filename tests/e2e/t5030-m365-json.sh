#!/bin/sh
# Microsoft 365 Copilot usage user detail as the Graph reports API returns
# it by default (JSON: {"value": [...]}, camelCase keys, null for never),
# pages saved one per line, read like the CSV export of the same users.
. "$(dirname "$0")/lib.sh"

DATA="$TEST_ROOT/tests/data/usage"

# m365-copilot-user-detail.jsonl, two pages: ana (Teams 10-03, Word 09-30,
# Outlook 10-02, Copilot Chat 10-01), bo (Excel 10-04), a concealed name
# (PowerPoint and OneNote 09-29), cy (licensed, never used): 4 seats,
# 4 + 1 + 2 = 7 events.
test_expect_success 'the Graph JSON: seats, one event per app date, pages noted' '
	aivalue init &&
	aivalue apply -f "$DATA/six-people.yaml" >/dev/null &&
	aivalue import usage "$DATA/m365-copilot-user-detail.jsonl" --format m365-copilot --json >j.json &&
	test "$(json_get j.json "d[\"rows\"]")" = 7 &&
	test "$(json_get j.json "d[\"seats\"]")" = 4 &&
	test "$(json_get j.json "d[\"people_matched\"]")" = 2 &&
	test "$(json_get j.json "d[\"unmatched_identities\"][0][\"identity\"]")" = 9f4c1a7d0b2e48d3a5c6e7f8091a2b3c &&
	test "$(json_get j.json "d[\"tally\"][\"unit\"]")" = users &&
	test "$(json_get j.json "d[\"tally\"][\"read\"]")" = 4 &&
	test "$(json_get j.json "d[\"tally\"][\"used\"]")" = 4 &&
	test "$(json_get j.json "d[\"tally\"][\"not_used\"][0][\"what\"]")" = "more pages at '\''@odata.nextLink'\'' (not fetched: save each page, one per line)"
'

test_expect_success 'the CSV export of the same users adds no event: the same (user, day, app)' '
	aivalue import usage "$DATA/m365-copilot-same-users.csv" --format m365-copilot --json >c.json &&
	test "$(json_get c.json "d[\"rows\"]")" = 0 &&
	test "$(json_get c.json "d[\"skipped_snapshot_rows\"]")" = 7 &&
	test "$(json_get c.json "[n[\"count\"] for n in d[\"tally\"][\"not_used\"] if n[\"what\"].startswith(\"event already stored\")]")" = "[7]"
'

# Licensed people (seats): ana, bo, cy (the concealed name is no person).
# Active days in the 28 days to 2025-10-04: ana 4, bo 1, cy 0; sorted
# 0,1,4: sum of i*x_i = 2*1 + 3*4 = 14, Gini = 2*14/(3*5) - 4/3 = 8/15.
test_expect_success 'figures from the JSON report, hand-worked (privacy floor 1)' '
	sed "s/^privacy_floor: 5/privacy_floor: 1/" "$TEST_ROOT/data/adoption.yaml" >floor1.yaml &&
	aivalue adoption --config floor1.yaml --json >a.json &&
	test "$(json_get a.json "d[\"as_of\"]")" = 2025-10-04 &&
	test "$(json_get a.json "d[\"organisation\"][\"people\"]")" = 3 &&
	test "$(json_get a.json "d[\"organisation\"][\"active\"]")" = 2 &&
	test "$(json_get a.json "d[\"organisation\"][\"licensed_unused\"]")" = 1 &&
	test "$(json_get a.json "d[\"organisation\"][\"gini_active_days\"]")" = 0.5333
'

test_expect_success 'a JSON response without value is refused, nothing imported' '
	printf "{\"@odata.context\": \"x\", \"error\": {\"code\": \"Forbidden\"}}\n" >err.json &&
	test_must_fail aivalue import usage err.json --format m365-copilot 2>err &&
	test_grep "err.json:1:1: missing field .value.: not a Graph report response" err
'

test_done
