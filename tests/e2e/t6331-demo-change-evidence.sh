#!/bin/sh
# The demo's merged change requests carry a walk-through note as evidence
# (changes/sop-K-review.md) and their approvers' signatures, so change
# control's audit readiness measures something: the small demo merges one
# change (SOP-1), with evidence: 1 of 1 audit-ready.  (The medium demo
# merges SOP-1, 5 and 9 and leaves SOP-1 without: 2 of 3, the story's gap;
# too slow for this suite.)
. "$(dirname "$0")/lib.sh"
. "$TEST_ROOT/tests/e2e/lib-demo.sh"

test_expect_success 'small demo: the merged change is audit-ready' '
	aivalue_demo demo --size small --dir d >/dev/null 2>&1 &&
	test -f d/changes/sop-1-review.md &&
	test_grep "walk-through" d/changes/sop-1-review.md &&
	aivalue --json change verify CR-1 >v.json &&
	test "$(json_get v.json "d[\"status\"]")" = merged &&
	test "$(json_get v.json "d[\"ok\"]")" = True &&
	test "$(json_get v.json "d[\"evidence\"]")" = 1 &&
	test "$(json_get v.json "len(d[\"signatures\"]) > 0")" = True &&
	aivalue metrics show audit_readiness --json >a.json &&
	test "$(json_get a.json "d[\"value\"]")" = 1.0 &&
	test "$(json_get a.json "d[\"status\"]")" = on_track
'

test_expect_success 'changes that are not merged carry no evidence' '
	aivalue --json change verify CR-2 >v2.json &&
	test "$(json_get v2.json "d[\"evidence\"]")" = 0 &&
	test ! -e d/changes/sop-2-review.md
'

test_done
