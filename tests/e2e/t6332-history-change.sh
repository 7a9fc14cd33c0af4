#!/bin/sh
# Metric history for change control (model 4): each change request counts
# from the times it stores (opened, approved, merged or closed, its
# signatures' times, its evidence files' added_at; conflicts by detection
# and resolution), so its metrics have past points.  Figures by hand, the
# tutorial's artefacts, all approvals by tom (owner of FORM-1):
#   CR-1 FORM-1 opened 09-02 10:00, evidence 12:00, approved 14:00, merged 16:00 (done, 6 h)
#   CR-2 FORM-1 opened 10-05 10:00 by an agent, approved and merged 12:00 (done, 2 h);
#        its evidence only on 11-10
#   CR-3 FORM-1 opened 10-05 11:00, never approved: conflict with CR-2 at
#        11:00, resolved by CR-2's merge at 12:00 (1 h)
#   CR-4 SOP-1 opened Monday 11-16 09:00, never approved
# as of 09-30: safe change 6 h (1 done); no conflict resolved; AI share 0 of 1;
#   backlog 0; audit readiness 1 of 1.
# as of 10-31: safe change median of 2 h and 6 h (nearest rank) 2 h;
#   conflict 1 h; AI share 1 of 3; backlog 1 (CR-3, 19 working days);
#   audit readiness 1 of 2 (CR-2's evidence came later).
# as of 11-30: AI share 1 of 4; backlog 2 (CR-4 waited 10 working days);
#   audit readiness 2 of 2.
# Weekly backlog: CR-3 passes 5 working days in the week of 10-12 (not as
# of Sunday 10-11: 5 days), CR-4 in the week of 11-23.
# downstream_consistency has no past points: artefacts keep no time they
# were added.
. "$(dirname "$0")/lib.sh"

tut="$TEST_ROOT/examples/tutorial"
NOW=2026-12-06T12:00:00Z
# point PERIOD FIELD of h.json (the organisation's line)
point() { json_get h.json "[p for p in d[\"lines\"][0][\"points\"] if p[\"period\"]==\"$1\"][0][\"$2\"]"; }
hist() { AIVALUE_FAKE_TIME=$NOW aivalue metrics history "$@" --json >h.json; }
at() {
	t=$1 &&
	shift &&
	AIVALUE_FAKE_TIME=$t aivalue "$@" >/dev/null
}

test_expect_success 'setup: four change requests from September to November' '
	aivalue init >/dev/null &&
	aivalue apply -f "$tut/org.yaml" >/dev/null &&
	cp -r "$tut/artefacts" arts &&
	aivalue artefacts sync arts >/dev/null &&
	sed "s/Policy number, date of loss, description, estimated amount./Policy number, date of loss./" arts/form-1.md >f2.md &&
	sed "s/date of loss/date and place of loss/" f2.md >f3.md &&
	sed "s/date of loss/loss date/" f2.md >f4.md &&
	sed "s/Settle claims/Settle all claims/" arts/sop-1.md >s2.md &&
	echo "checked" >ev1.txt &&
	echo "checked later" >ev2.txt &&
	at 2026-09-02T10:00:00Z change open --artefact FORM-1 --file f2.md --as lina --risk low --reason "shorter form" &&
	at 2026-09-02T12:00:00Z change attach CR-1 ev1.txt --as lina &&
	at 2026-09-02T14:00:00Z change approve CR-1 --as tom --meaning "approved as form owner" --reason ok &&
	at 2026-09-02T16:00:00Z change merge CR-1 &&
	at 2026-10-05T10:00:00Z change open --artefact FORM-1 --file f3.md --as lina --risk low --reason "place of loss" --generated-by claims-bot --model m1 &&
	at 2026-10-05T11:00:00Z change open --artefact FORM-1 --file f4.md --as lina --risk low --reason wording &&
	at 2026-10-05T12:00:00Z change approve CR-2 --as tom --meaning "approved as form owner" --reason ok &&
	at 2026-10-05T12:00:00Z change merge CR-2 &&
	at 2026-11-10T09:00:00Z change attach CR-2 ev2.txt --as lina &&
	at 2026-11-16T09:00:00Z change open --artefact SOP-1 --file s2.md --as lina --risk low --reason "all claims"
'

test_expect_success 'time_to_safe_change: the done requests closed by each month end' '
	hist time_to_safe_change &&
	test "$(point 2026-08 value)" = None &&
	test "$(point 2026-09 value)" = 21600.0 &&
	test "$(point 2026-10 value)" = 7200.0 &&
	test "$(point 2026-11 value)" = 7200.0 &&
	test "$(point 2026-10 display)" = "2 h"
'

test_expect_success 'conflict_resolution_time: conflicts resolved by each month end' '
	hist conflict_resolution_time &&
	test "$(point 2026-09 value)" = None &&
	test "$(point 2026-10 value)" = 3600.0 &&
	test "$(point 2026-12 value)" = 3600.0
'

test_expect_success 'ai_generated_change_share: of the requests opened by each month end' '
	hist ai_generated_change_share &&
	test "$(point 2026-09 value)" = 0.0 &&
	test "$(point 2026-10 value)" = 0.3333 &&
	test "$(point 2026-11 value)" = 0.25 &&
	test "$(point 2026-11 display)" = "25.0 %"
'

test_expect_success 'review_backlog: requests open then and waiting more than 5 working days' '
	hist review_backlog &&
	test "$(point 2026-09 value)" = 0.0 &&
	test "$(point 2026-10 value)" = 1.0 &&
	test "$(point 2026-11 value)" = 2.0 &&
	test "$(point 2026-12 value)" = 2.0 &&
	hist review_backlog --period week &&
	test "$(point 2026-10-05 value)" = 0.0 &&
	test "$(point 2026-10-12 value)" = 1.0 &&
	test "$(point 2026-11-16 value)" = 1.0 &&
	test "$(point 2026-11-23 value)" = 2.0
'

test_expect_success 'audit readiness: evidence counts from the time it was attached' '
	hist change_audit_readiness &&
	test "$(point 2026-09 value)" = 1.0 &&
	test "$(point 2026-10 value)" = 0.5 &&
	test "$(point 2026-11 value)" = 1.0 &&
	hist audit_readiness &&
	test "$(point 2026-10 display)" = "50.0 %" &&
	AIVALUE_FAKE_TIME=$NOW aivalue phase --as-of 2026-10-31 --json >p.json &&
	test "$(json_get p.json "[c[\"source\"] for c in d[\"criteria\"] if c[\"criterion\"] == \"change_auditability\"][0]")" = \
		"change control: 1 of 2 merged change requests with a complete record (a reason, an evidence file, signatures that verify); add evidence with '\''aivalue change attach CR FILE'\''"
'

test_expect_success 'downstream_consistency: now only, and says why' '
	hist downstream_consistency &&
	test "$(point 2026-10 value)" = None &&
	test "$(point 2026-12 value)" = 1.0 &&
	test_grep "holds only the current state" h.json
'

test_done
