#!/bin/sh
# Cohort retention with leavers (tests/fixtures/leavers-cohort): a
# cohort's share for a month divides by the members employed in that
# month (left on day L: employed in a month only if L is after its first
# day), and the cohort says how many members have left.
# Figures worked by hand from usage.csv, as of 2026-06-30:
#   January cohort ana, ben, dee (left 03-20), eve (left 05-01):
#     employed  Jan 4, Feb 4, Mar 4, Apr 3 (not dee), May 2 (not eve:
#               she left on May's first day), Jun 2
#     active    Jan 4, Feb 3 (ana ben dee), Mar 2 (ana dee), Apr 1 (ana),
#               May 1 (ana), Jun 2 (ana ben)
#     retention 1, 0.75, 0.5, 1/3 = 0.3333, 0.5, 1; left 2
#     (when leavers stayed in: 1, 0.75, 0.5, 0.25, 0.25, 0.5)
#   March cohort fay (left 04-15): employed Mar 1, Apr 1, May 0, Jun 0;
#     active Mar, Apr: retention 1, 1, then no data (null); left 1
#   As of 2026-04-30 eve has not left yet: January left 1, March left 1.
. "$(dirname "$0")/lib.sh"
FX="$TEST_ROOT/tests/fixtures/leavers-cohort"
MAP="person=user,time=date,tool=app,feature=feature,count=actions"

test_expect_success 'setup: six people, two cohorts, three leavers' '
	aivalue init >/dev/null &&
	aivalue apply -f "$FX/org.yaml" >/dev/null &&
	aivalue import usage "$FX/usage.csv" --format csv --map "$MAP" >/dev/null &&
	sed "s/^privacy_floor: 5/privacy_floor: 1/" "$TEST_ROOT/data/adoption.yaml" >floor1.yaml &&
	test_grep "^privacy_floor: 1" floor1.yaml
'

test_expect_success 'a leaver leaves the cohort denominator after their month' '
	aivalue adoption --config floor1.yaml --as-of 2026-06-30 --json >a.json &&
	test "$(json_get a.json "\" \".join(c[\"month\"] for c in d[\"cohorts\"])")" = "2026-01 2026-02 2026-03 2026-04 2026-05 2026-06" &&
	test "$(json_get a.json "\"%d %d\" % (d[\"cohorts\"][0][\"size\"], d[\"cohorts\"][0][\"left\"])")" = "4 2" &&
	test "$(json_get a.json "d[\"cohorts\"][0][\"people\"]")" = "[4, 4, 4, 3, 2, 2]" &&
	test "$(json_get a.json "d[\"cohorts\"][0][\"retention\"]")" = "[1.0, 0.75, 0.5, 0.3333, 0.5, 1.0]"
'

test_expect_success 'a cohort with nobody employed in a month has no data for it' '
	test "$(json_get a.json "\"%s %d %d\" % (d[\"cohorts\"][2][\"month\"], d[\"cohorts\"][2][\"size\"], d[\"cohorts\"][2][\"left\"])")" = "2026-03 1 1" &&
	test "$(json_get a.json "d[\"cohorts\"][2][\"people\"]")" = "[1, 1, 0, 0]" &&
	test "$(json_get a.json "d[\"cohorts\"][2][\"retention\"]")" = "[1.0, 1.0, None, None]" &&
	test "$(json_get a.json "d[\"cohorts\"][1][\"size\"], d[\"cohorts\"][1][\"suppressed\"]")" = "0 True"
'

test_expect_success 'a person counts as left only from their leaving day' '
	aivalue adoption --config floor1.yaml --as-of 2026-04-30 --json >b.json &&
	test "$(json_get b.json "\"%d %d\" % (d[\"cohorts\"][0][\"left\"], d[\"cohorts\"][2][\"left\"])")" = "1 1" &&
	test "$(json_get b.json "d[\"cohorts\"][0][\"people\"]")" = "[4, 4, 4, 3]" &&
	test "$(json_get b.json "d[\"cohorts\"][0][\"retention\"]")" = "[1.0, 0.75, 0.5, 0.3333]"
'

test_expect_success 'the text report prints the left count and no data' '
	aivalue adoption --config floor1.yaml --as-of 2026-06-30 >a.txt &&
	test_grep "^FIRST USE  PEOPLE  LEFT    +0    +1 " a.txt &&
	test_grep "^2026-01  *4  *2  *100%  *75%  *50%  *33%  *50%  *100%$" a.txt &&
	test_grep "^2026-03  *1  *1  *100%  *100%  *no data  *no data$" a.txt
'

test_expect_success 'the dashboard shows the left column and no data cells' '
	aivalue token create --name viewer --role viewer >viewer.tok 2>/dev/null &&
	AIVALUE_ADOPTION="$TEST_DIR/floor1.yaml" start_server --quiet &&
	curl -s -b "$(login_cookie "$(cat viewer.tok)")" "$AIV_URL/adoption" >page.html &&
	stop_server &&
	python3 -S - page.html >rows.txt <<-\PY &&
	import re, sys
	html = open(sys.argv[1]).read()
	table = html[html.index("<table class=\"cohorts\">"):]
	table = table[:table.index("</table>")]
	for row in re.findall(r"<tr>(.*?)</tr>", table):
	    cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)
	    print(" ".join(c if c else "-" for c in cells))
	PY
	test_grep "^cohort people left +0 +1 +2 +3 +4 +5$" rows.txt &&
	test_grep "^2026-01 4 2 100% 75% 50% 33% 50% 100%$" rows.txt &&
	test_grep "^2026-03 1 1 100% 100% no data no data - -$" rows.txt
'

test_done
