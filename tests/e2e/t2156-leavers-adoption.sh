#!/bin/sh
# Leavers leave the denominators: a team of four (tests/fixtures/leavers)
# where dee.diaz left on 2026-03-20.  A month's headcount counts a person
# employed in that month (left after its first day); the as-of figures
# count those employed in the 12 repeat-use weeks and the 28-day window.
# Figures worked by hand from usage.csv (Mondays only):
#   as of 2026-03-31: weeks 2026-01-05..03-29; ana, ben 12 weeks, dee 11:
#     people 4, active 3, repeat 3/4 = 0.75, unused 1 (cai)
#   as of 2026-06-30: weeks 2026-04-06..06-28, dee gone since 03-20:
#     people 3 (not 4), repeat 2/3 = 0.6667 (not 0.5), unused 1 (not 2)
#   months 2025-07..2026-06: people 4 x 9 then 3 x 3; active 0 x 6,
#     3 3 3 (Jan-Mar), 2 2 2 (Apr-Jun): April's share 2/3, not 2/4.
# Before leavers left the denominators: people 4, repeat 0.5, unused 2.
. "$(dirname "$0")/lib.sh"
FX="$TEST_ROOT/tests/fixtures/leavers"
MAP="person=user,time=date,tool=app,feature=feature,count=actions"

test_expect_success 'setup: the team of four and half a year of usage' '
	aivalue init >/dev/null &&
	aivalue apply -f "$FX/org.yaml" >/dev/null &&
	aivalue import usage "$FX/usage.csv" --format csv --map "$MAP" >/dev/null &&
	sed "s/^privacy_floor: 5/privacy_floor: 1/" "$TEST_ROOT/data/adoption.yaml" >floor1.yaml &&
	test_grep "^privacy_floor: 1" floor1.yaml
'

test_expect_success 'before the departure: all four count' '
	aivalue adoption --config floor1.yaml --as-of 2026-03-31 --json >a.json &&
	test "$(json_get a.json "d[\"organisation\"][\"people\"]")" = 4 &&
	test "$(json_get a.json "d[\"organisation\"][\"active\"]")" = 3 &&
	test "$(json_get a.json "d[\"organisation\"][\"repeat_rate\"]")" = 0.75 &&
	test "$(json_get a.json "d[\"organisation\"][\"licensed_unused\"]")" = 1 &&
	test "$(json_get a.json "d[\"organisation\"][\"people_by_period\"]")" = "[4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4]" &&
	test "$(json_get a.json "d[\"organisation\"][\"active_by_period\"]")" = "[0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 3, 3]"
'

test_expect_success 'after the departure: the leaver is out of the as-of figures' '
	aivalue adoption --config floor1.yaml --as-of 2026-06-30 --json >b.json &&
	test "$(json_get b.json "d[\"organisation\"][\"people\"]")" = 3 &&
	test "$(json_get b.json "d[\"organisation\"][\"active\"]")" = 2 &&
	test "$(json_get b.json "d[\"organisation\"][\"repeat_rate\"]")" = 0.6667 &&
	test "$(json_get b.json "d[\"organisation\"][\"licensed_unused\"]")" = 1 &&
	test "$(json_get b.json "sum(d[\"organisation\"][\"proficiency\"].values())")" = 3
'

test_expect_success 'each month counts the people employed in it' '
	test "$(json_get b.json "\" \".join(d[\"periods\"])")" = "2025-07 2025-08 2025-09 2025-10 2025-11 2025-12 2026-01 2026-02 2026-03 2026-04 2026-05 2026-06" &&
	test "$(json_get b.json "d[\"organisation\"][\"people_by_period\"]")" = "[4, 4, 4, 4, 4, 4, 4, 4, 4, 3, 3, 3]" &&
	test "$(json_get b.json "d[\"organisation\"][\"active_by_period\"]")" = "[0, 0, 0, 0, 0, 0, 3, 3, 3, 2, 2, 2]" &&
	test "$(json_get b.json "round(d[\"organisation\"][\"active_by_period\"][8] / d[\"organisation\"][\"people_by_period\"][8], 4)")" = 0.75 &&
	test "$(json_get b.json "round(d[\"organisation\"][\"active_by_period\"][9] / d[\"organisation\"][\"people_by_period\"][9], 4)")" = 0.6667
'

test_expect_success 'the team breakdown applies the same headcount' '
	aivalue adoption --config floor1.yaml --as-of 2026-06-30 --by team --json >t.json &&
	test "$(json_get t.json "\" \".join(\"%s:%d:%s\" % (g[\"name\"], g[\"people\"], g[\"repeat_rate\"]) for g in d[\"groups\"])")" = core:3:0.6667 &&
	test "$(json_get t.json "d[\"groups\"][0][\"people_by_period\"][8:]")" = "[4, 3, 3, 3]"
'

# Metric history: each month's point is the as-of figure at its end.
#   Jan, Feb: nobody in 9 of 12 weeks yet: 0; Mar 31: 3 of 4 = 0.75;
#   Apr 30 (weeks from Feb 2) and May 31 (weeks from Mar 9): dee worked in
#   them, not a repeat user: 2 of 4 = 0.5; Jun 30 (weeks from Apr 6): 2 of 3.
test_expect_success 'metric history: the month after the departure divides by 3' '
	AIVALUE_ADOPTION="$TEST_DIR/floor1.yaml" AIVALUE_FAKE_TIME=2026-07-01T12:00:00Z \
		aivalue metrics history repeat_use_rate --json >h.json &&
	test "$(json_get h.json "\" \".join(\"%s=%s\" % (p[\"period\"], p[\"value\"]) for p in d[\"lines\"][0][\"points\"])")" = \
		"2026-01=0.0 2026-02=0.0 2026-03=0.75 2026-04=0.5 2026-05=0.5 2026-06=0.6667"
'

test_done
