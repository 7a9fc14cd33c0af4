#!/bin/sh
# Issue 15: the overview's value card priced the cost by initiative again
# (every usage row) after the roadmap had priced it for the expected value
# with the same hypotheses.  The card now prints the value report kept in
# the overview's playbook snapshot: one computation, the figures of
# `value --json`.  /value keeps its body per store state.
. "$(dirname "$0")/lib.sh"
. "$TEST_ROOT/tests/e2e/lib-demo.sh"

# The cost a year is the trailing year's spend, so it moves with the date
# (€6,041.30 on 7 December 2026, €6,025.49 a day later): the figures below
# are those of a fixed day.
AIVALUE_FAKE_TIME=2026-12-07T12:00:00Z
export AIVALUE_FAKE_TIME

counter() { # playbook|page hit|miss|stored: aivalue_NAME_cache_total in /metrics
	curl -fsS -H "Authorization: Bearer $(cat admin.tok)" "$AIV_URL/metrics" |
		sed -n "s/^aivalue_$1_cache_total{result=\"$2\"} //p"
}
pc() { counter playbook "$1"; }
kept() { counter page "$1"; }

test_expect_success 'setup: the small demo' '
	aivalue_demo demo --size small --dir data >/dev/null &&
	aivalue token create --name adm --role admin >admin.tok &&
	aivalue value --json >value.json
'

# value --json: claims-assist €438,764.08 a year (interval €339,013.16 to
# €543,466.99) against €6,041.30 a year, ROI 438,764.08 / 6,041.30 = 72.63;
# underwriting-briefs €2,896.78 against €4,906.69, ROI 0.59
test_expect_success 'the card shows the figures of value --json, from the overview snapshot' '
	test "$(json_get value.json "[i[\"value_a_year\"][\"text\"] for i in d[\"initiatives\"] if i[\"initiative\"] == \"claims-assist\"][0]")" = "€438,764.08" &&
	test "$(json_get value.json "[i[\"cost_a_year\"][\"text\"] for i in d[\"initiatives\"] if i[\"initiative\"] == \"underwriting-briefs\"][0]")" = "€4,906.69" &&
	start_server --no-warm &&
	curl -fsS -H "Authorization: Bearer $(cat admin.tok)" "$AIV_URL/" >overview.html &&
	test_grep "pays back: €438,764.08 <span class=\"ci\">(interval €339,013.16 to €543,466.99)</span> of proven value a year against €6,041.30 of AI cost a year (ROI 72.63 times its cost)" overview.html &&
	test_grep "does not pay back: €2,896.78 <span class=\"ci\">(interval €1,181.74 to €4,642.78)</span> of proven value a year against €4,906.69 of AI cost a year (ROI 0.59 times its cost)" overview.html &&
	test_grep "not yet proven" overview.html &&
	# one overview: one playbook computation (miss, stored) that the
	# playbook section and the value card both read (the card is the hit)
	test "$(pc miss)" = 1 &&
	test "$(pc stored)" = 1 &&
	test "$(pc hit)" = 1 &&
	stop_server
'

test_expect_success 'a viewer gets no value card and no spend' '
	aivalue token create --name view --role viewer >viewer.tok &&
	start_server --no-warm &&
	curl -fsS -H "Authorization: Bearer $(cat viewer.tok)" "$AIV_URL/" >viewer.html &&
	test_grep "AI value models" viewer.html &&
	! grep -q "value-overview" viewer.html &&
	! grep -q "€6,041.30" viewer.html &&
	stop_server
'

# /value prices the cost by initiative, model and month from every usage
# row: its body is kept per store state, as /adoption's (t6361)
test_expect_success 'a second /value draws the kept body; a write draws it afresh' '
	start_server --no-warm &&
	curl -fsS -H "Authorization: Bearer $(cat admin.tok)" "$AIV_URL/value" >v1.html &&
	test "$(kept miss)" = 1 &&
	test "$(kept stored)" = 1 &&
	curl -fsS -H "Authorization: Bearer $(cat admin.tok)" "$AIV_URL/value" >v2.html &&
	test "$(kept hit)" = 1 &&
	test_cmp v1.html v2.html &&
	test_grep "€438,764.08" v2.html &&
	aivalue token create --name another --role viewer >/dev/null &&
	curl -fsS -H "Authorization: Bearer $(cat admin.tok)" "$AIV_URL/value" >v3.html &&
	test "$(kept miss)" = 2 &&
	test "$(kept hit)" = 1 &&
	stop_server
'

test_done
