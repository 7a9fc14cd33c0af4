#!/bin/sh
#
# t1646: `aivalue roadmap` prints its steps and the Phase 2 trio with the
# one table printer (src/cli/table.c): aligned, fitted to a terminal's
# width, whole in a pipe, owners by name.  The trio names initiatives by
# their titles in the CLI, on the /roadmap page and in the report (issue
# 15); the JSON keeps the id and adds the title.  Small demo, fake now
# 2026-12-01: the trio is cover-advisor, underwriting-briefs and
# claims-triage (t6000, t7110 hand-work the order).  (issue 16)

. "$(dirname "$0")/lib.sh"
export AIVALUE_FAKE_TIME=2026-12-01T12:00:00Z
unset NO_COLOR
Q="'"

test_expect_success 'setup: the small demo, its roadmap in a pipe and as JSON' '
	command -v script >/dev/null &&
	aivalue demo --size small --dir data >/dev/null &&
	aivalue token create --name v --role viewer >viewer.tok &&
	aivalue roadmap >rm.txt &&
	aivalue --json roadmap >rm.json
'

test_expect_success 'JSON: the trio keeps the id and adds the title' '
	test "$(json_get rm.json "[t[\"initiative\"] for t in d[\"phase2_trio\"]]")" = "[${Q}cover-advisor${Q}, ${Q}underwriting-briefs${Q}, ${Q}claims-triage${Q}]" &&
	test "$(json_get rm.json "[t[\"title\"] for t in d[\"phase2_trio\"]]")" = "[${Q}AI cover advisor for direct customers${Q}, ${Q}Underwriting risk briefs${Q}, ${Q}Autonomous claims triage and settlement agent${Q}]"
'

test_expect_success 'text in a pipe: one aligned table, owners by name, nothing cut' '
	test_grep "^RANK  WHEN   DUE         PRIORITY  OWNER          ACTION$" rm.txt &&
	test_grep "^   1  now    2026-12-31     0.741  Ivan Ricci     Resolve the open two-tier findings (1 now; the gate needs exactly 0)$" rm.txt &&
	test_grep "^   9  later  2027-05-30     0.156  Celia Adeyemi  Raise Exception handling from level 2 to 3$" rm.txt &&
	test "$(grep -c "^ *[0-9][0-9]*  \(now\|next\|later\) " rm.txt)" = "$(json_get rm.json "len(d[\"steps\"])")" &&
	test_grep "^   1  gate step: Open two-tier findings is 1; the gate needs exactly 0 " rm.txt &&
	! grep "…" rm.txt &&
	! grep "owner: " rm.txt
'

test_expect_success 'text: the trio by title, the id nowhere' '
	sed -n "/^Phase 2 trio:$/,\$p" rm.txt >trio.txt &&
	test_grep "^SLOT               INITIATIVE                                     WHY$" trio.txt &&
	test_grep "^distribution play  AI cover advisor for direct customers          proposed; a registered hypothesis; 1 owning team (score 3)$" trio.txt &&
	test_grep "^expert bottleneck  Underwriting risk briefs                       does not pay back: " trio.txt &&
	test_grep "^workflow           Autonomous claims triage and settlement agent  pilot; " trio.txt &&
	! grep -E "cover-advisor|underwriting-briefs|claims-triage" trio.txt
'

# RANK 4, WHEN 5, DUE 10 and PRIORITY 8 are never cut; with 5 gaps of 2
# they leave 100 - 37 = 63 for OWNER (13, "Celia Adeyemi") and ACTION,
# so ACTION is cut to 50: 49 characters and the ellipsis
test_expect_success 'on a 100-column terminal: the action is cut to fit' '
	COLUMNS=100 on_tty roadmap >tty.txt &&
	sed -n "/^RANK/,/^\$/p" tty.txt >steps.txt &&
	test "$(widest steps.txt)" = 100 &&
	test_grep "^   1  now    2026-12-31     0.741  Ivan Ricci     Resolve the open two-tier findings (1 now; the ga…$" steps.txt &&
	test_grep "^   2  now    2026-12-31     0.667  Ivan Ricci     Raise Strategy and ownership from level 2 to 3$" steps.txt &&
	sed -n "/^SLOT/,\$p" tty.txt >trio-tty.txt &&
	test "$(widest trio-tty.txt)" -le 100 &&
	test_grep "^distribution play  " trio-tty.txt
'

test_expect_success 'the /roadmap page and the report name the trio by title' '
	start_server &&
	curl -fsS -H "Authorization: Bearer $(cat viewer.tok)" "$AIV_URL/roadmap" >r.html &&
	stop_server &&
	test_grep "<td>expert bottleneck</td><td>Underwriting risk briefs</td>" r.html &&
	! grep -F "<td>underwriting-briefs</td>" r.html &&
	aivalue report --format md -o r.md &&
	test_grep "^- distribution play: AI cover advisor for direct customers (proposed; " r.md &&
	test_grep "^- workflow: Autonomous claims triage and settlement agent (pilot; " r.md &&
	aivalue report --format html -o report.html &&
	test_grep -F "<td>AI cover advisor for direct customers</td>" report.html &&
	! grep -F "<td>cover-advisor</td>" report.html
'

test_done
