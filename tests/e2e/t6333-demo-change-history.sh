#!/bin/sh
# The demo's change requests are opened from 80 to 10 days before the
# load (here 2026-12-06 12:00): 09-17, 10-05, 10-22, 11-09 and 11-26.
# CR-1 (merged 09-17, with its review note) is audit-ready from
# September; CR-4 (SOP, 11-09) and CR-5 (the policy, 11-26) stay open, so
# the review backlog (waiting more than 5 working days) is 0 in September
# and October, 1 as of 11-30 (CR-5 has waited 2 days) and 2 as of 12-06.
. "$(dirname "$0")/lib.sh"

NOW=2026-12-06T12:00:00Z
point() { json_get h.json "[p for p in d[\"lines\"][0][\"points\"] if p[\"period\"]==\"$1\"][0][\"$2\"]"; }
hist() { AIVALUE_FAKE_TIME=$NOW aivalue metrics history "$@" --json >h.json; }

test_expect_success 'the small demo spreads its change requests over three months' '
	AIVALUE_FAKE_TIME=$NOW aivalue demo --size small --dir demo >/dev/null &&
	hist review_backlog &&
	test "$(point 2026-08 value)" = None &&
	test "$(point 2026-09 value)" = 0.0 &&
	test "$(point 2026-10 value)" = 0.0 &&
	test "$(point 2026-11 value)" = 1.0 &&
	test "$(point 2026-12 value)" = 2.0 &&
	hist change_audit_readiness &&
	test "$(point 2026-08 value)" = None &&
	test "$(point 2026-09 value)" = 1.0 &&
	test "$(point 2026-11 value)" = 1.0 &&
	hist ai_generated_change_share &&
	test "$(point 2026-09 display)" = "0.0 %" &&
	test "$(point 2026-10 display)" = "0.0 %"
'

test_done
