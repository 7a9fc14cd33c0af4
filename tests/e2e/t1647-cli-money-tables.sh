#!/bin/sh
#
# t1647: `cost`, `value --period month` and `adoption` print their tabular
# figures with the one table printer (src/cli/table.c): aligned, money
# and counts right-aligned with their units, teams and people by name,
# no line ending in spaces; the figures are those of --json.  On a
# terminal the tables fit its width.  Small demo, fake now 2026-12-01.
# (issue 16)

. "$(dirname "$0")/lib.sh"
export AIVALUE_FAKE_TIME=2026-12-01T12:00:00Z
unset NO_COLOR

test_expect_success 'setup: the small demo; cost, value and adoption as text and JSON' '
	command -v script >/dev/null &&
	aivalue demo --size small --dir data >/dev/null &&
	aivalue cost --by team >cost.txt &&
	aivalue --json cost --by team >cost.json &&
	aivalue value --period month >value.txt &&
	aivalue --json value --period month >value.json &&
	aivalue adoption --by team >adoption.txt &&
	aivalue --json adoption --by team >adoption.json
'

# claims-motor is the team "Motor claims"; its figures are the JSON row's
test_expect_success 'cost: one table, the team by name, the figures of --json' '
	test_grep "^TEAM  *WHAT  *QUANTITY  *COST  NOTE$" cost.txt &&
	test "$(json_get cost.json "[r[\"total\"][\"text\"] for r in d[\"rows\"] if r[\"group\"] == \"claims-motor\"][0]")" = "€7,481.76" &&
	test_grep "^Motor claims  *total  *€7,481.76$" cost.txt &&
	test_grep "^  *unused seats  *122 seat months  *€3,428.20  part of seats$" cost.txt &&
	test_grep "^  *input tokens  *1,016,337 tokens  *€2.79$" cost.txt &&
	test "$(json_get cost.json "d[\"total\"][\"total\"][\"text\"]")" = "€79,011.62" &&
	test_grep "^all groups  *total  *€79,011.62$" cost.txt &&
	! grep "claims-motor" cost.txt &&
	! grep " $" cost.txt
'

# QUANTITY (17, "2,478 seat months") and COST (10, "€14,734.20") are never
# cut; with 4 gaps of 2 they leave 60 - 35 = 25 for TEAM (24), WHAT (15)
# and NOTE: cut one character at a time, widest first, to 8, 8 and 9
test_expect_success 'cost on a 60-column terminal: text columns cut, money whole' '
	COLUMNS=60 on_tty cost --by team >cost-tty.txt &&
	test "$(widest cost-tty.txt)" = 60 &&
	test_grep "^TEAM      WHAT               QUANTITY        COST  NOTE$" cost-tty.txt &&
	test_grep "^Actuari…  total                         €4,327.40$" cost-tty.txt &&
	test_grep "^          unused …     56 seat months   €1,573.60  part of …$" cost-tty.txt
'

test_expect_success 'value --period month: spend and realised value by month' '
	test_grep "^MONTH  *AI SPEND  PROVEN VALUE REALISED$" value.txt &&
	test "$(json_get value.json "[m[\"value\"][\"text\"] for m in d[\"by_month\"] if m[\"month\"] == \"2026-03\"][0]")" = "€11,453.59" &&
	test_grep "^2026-03  €5,701.47  *€11,453.59$" value.txt &&
	test_grep "^2026-11  €5,566.49  *no data$" value.txt
'

test_expect_success 'adoption: groups, workflows, retention and champions by name' '
	test_grep "^TEAM  *PEOPLE  ACTIVE  REPEAT USE  POWER USERS  GINI (0-1)  STALLED  12  01 " adoption.txt &&
	test "$(json_get adoption.json "[(g[\"people\"], g[\"active\"], round(100 * g[\"repeat_rate\"])) for g in d[\"groups\"] if g[\"name\"] == \"claims-motor\"][0]")" = "(19, 15, 58)" &&
	test_grep "^Motor claims  *19  *15  *58%  *0  *0.42  *12%   2   7  11 " adoption.txt &&
	test_grep "^WORKFLOW  *PEOPLE  TEAMS  FUNCTIONS  CREATOR  *REUSABLE$" adoption.txt &&
	test_grep "^g-contract-check  *17  *3  *3  Grace Fontaine (champion)  yes$" adoption.txt &&
	test_grep "^FIRST USE  PEOPLE  LEFT    +0    +1 " adoption.txt &&
	test_grep "^2026-06  *9  *0  100%  100%  100%  100%  100%   89%$" adoption.txt &&
	test_grep "^not shown (fewer than 5 people): 2025-11 (4), 2026-07 (0)," adoption.txt &&
	test_grep "^CHAMPION  *TEAM  *REPEAT USE BEFORE  PUBLISHED  *REPEAT USE NOW$" adoption.txt &&
	test_grep "^Aisha Vieira  *Property claims  *no data  no starter workflow  *73%$" adoption.txt &&
	! grep -E "aisha\.vieira|claims-property|grace\.fontaine" adoption.txt &&
	! grep " $" adoption.txt
'

test_done
