#!/bin/sh
# Champion reach with leavers (tests/fixtures/leavers, with ana.alves and
# dee.diaz marked champions): dee left on 2026-03-20.  A champion is
# listed only if employed in the report's 12 weeks, like every headcount.
#   as of 2026-03-31 (weeks 01-05..03-29): both champions;
#     ana's team without her: ben, cai, dee = 3 people, repeat ben and dee: 2/3
#     dee's team without her: ana, ben, cai = 3, repeat ana and ben: 2/3
#   as of 2026-06-30 (weeks 04-06..06-28): dee is gone, not listed;
#     ana's team without her and dee: ben, cai = 2, repeat ben: 1/2
# Before leavers were dropped, dee stayed listed as a champion at 06-30.
. "$(dirname "$0")/lib.sh"
FX="$TEST_ROOT/tests/fixtures/leavers"
MAP="person=user,time=date,tool=app,feature=feature,count=actions"

test_expect_success 'setup: two champions, one of whom left' '
	sed -e "/^name: ana.alves\$/a champion: true" -e "/^name: dee.diaz\$/a champion: true" \
		"$FX/org.yaml" >org.yaml &&
	test "$(grep -c "^champion: true" org.yaml)" = 2 &&
	aivalue init >/dev/null &&
	aivalue apply -f org.yaml >/dev/null &&
	aivalue import usage "$FX/usage.csv" --format csv --map "$MAP" >/dev/null &&
	sed "s/^privacy_floor: 5/privacy_floor: 1/" "$TEST_ROOT/data/adoption.yaml" >floor1.yaml &&
	test_grep "^privacy_floor: 1" floor1.yaml
'

test_expect_success 'before the departure both champions are listed' '
	aivalue adoption --config floor1.yaml --as-of 2026-03-31 --json >a.json &&
	test "$(json_get a.json "\" \".join(\"%s:%d:%s\" % (c[\"champion\"], c[\"team_people\"], c[\"repeat_rate_now\"]) for c in d[\"champions\"])")" = "ana.alves:3:0.6667 dee.diaz:3:0.6667"
'

test_expect_success 'after the departure the leaver is no champion and out of the team' '
	aivalue adoption --config floor1.yaml --as-of 2026-06-30 --json >b.json &&
	test "$(json_get b.json "\" \".join(\"%s:%d:%s\" % (c[\"champion\"], c[\"team_people\"], c[\"repeat_rate_now\"]) for c in d[\"champions\"])")" = "ana.alves:2:0.5"
'

test_done
