#!/bin/sh
#
# t1600: `aivalue findings` prints one block per finding for a person:
# the severity and title, where (model and the object's title, not its
# id), the summary, each figure in words with its unit, and the move.
# --json keeps the machine form.  (issue 16)

. "$(dirname "$0")/lib.sh"
ACME="$TEST_ROOT/examples/acme"
export AIVALUE_FAKE_TIME=2026-11-25T12:00:00Z

test_expect_success 'set up Acme with its hypotheses and AI usage' '
	aivalue init >/dev/null &&
	aivalue apply -f "$ACME" >/dev/null &&
	aivalue apply -f "$ACME/assess/hypotheses.yaml" >/dev/null &&
	aivalue identities import "$ACME/usage/identities.csv" >/dev/null &&
	aivalue import usage "$ACME/usage/usage.csv" --format csv \
		--map person=user,time=date,tool=app,workflow=template,count=actions >/dev/null &&
	aivalue findings >f.txt &&
	aivalue findings --json >f.json
'

test_expect_success 'text: blocks, never JSON' '
	! grep -F "{" f.txt &&
	! grep -F "figures:" f.txt &&
	n=$(json_get f.json "len(d[\"findings\"])") &&
	test "$n" -gt 2 &&
	test_grep "^$n findings$" f.txt &&
	test "$(grep -c "^\[\(high\|medium\|low\)\] " f.txt)" = "$n" &&
	test "$(grep -c "^  Where:    " f.txt)" = "$n" &&
	test "$(grep -c "^  Where:    model [1-5], " f.txt)" = "$(json_get f.json "sum(1 for x in d[\"findings\"] if \"model\" in x)")" &&
	test_grep "^  Where:    the AI tools in use$" f.txt &&
	test "$(grep -c "^  Move:     " f.txt)" = "$(json_get f.json "sum(1 for x in d[\"findings\"] if \"move\" in x)")"
'

test_expect_success 'where: the initiative by its title, not its id' '
	grep -A1 "^\[high\] A demo, not a workflow$" f.txt >demo.txt &&
	test_grep "^  Where:    model 3, Expert capability; initiative Underwriting risk briefs$" demo.txt &&
	test_grep "^  Where:    model 3, Expert capability; initiative Reserving analysis assistant$" demo.txt &&
	grep "^  Where:" f.txt >where.txt &&
	! grep "underwriting-risk-briefs\|initiative/" where.txt &&
	test_grep "^  Where:    model 1, Workforce empowerment; the whole organisation$" where.txt
'

test_expect_success 'figures in words with their units and targets' '
	sed -n "/^\[high\] Two-tier workforce$/,/^  Move:/p" f.txt >two.txt &&
	finance=$(json_get f.json "[\"%.1f %%\" % (g[\"value\"] * 100) for x in d[\"findings\"] if x[\"mode\"] == \"two_tier_workforce\" for g in x[\"evidence\"] if g[\"label\"] == \"repeat use in finance\"][0]") &&
	test "$finance" = "8.6 %" &&
	test_grep "^            repeat use in finance: 8.6 % (target: at least 15.0 %)$" two.txt &&
	test_grep "^            licensed people: 397$" two.txt &&
	test_grep "^  Move:     Make good easy: " two.txt &&
	sed -n "/^\[medium\] Automating before controls are mature$/,/^  Move:/p" f.txt >auto.txt &&
	test_grep "^  Evidence: phase earned by the organisation: 1 (target: at least 3)$" auto.txt &&
	test_grep "^  Where:    model 5, .*; initiative Motor claims triage agent$" auto.txt
'

test_expect_success '--json keeps the machine form: ids and raw figures' '
	test "$(json_get f.json "sorted(d.keys())")" = "[$(printf "%s" "'\''findings'\'', '\''not_assessed'\''")]" &&
	test "$(json_get f.json "sorted(x[\"subject\"] for x in d[\"findings\"] if x[\"mode\"] == \"demo_not_embedded\")")" = "[$(printf "%s" "'\''initiative/reserving-analysis-assistant'\'', '\''initiative/underwriting-risk-briefs'\''")]" &&
	test "$(json_get f.json "[x[\"figures\"][\"evidence\"][\"org_repeat_rate\"] > 0.6 for x in d[\"findings\"] if x[\"mode\"] == \"two_tier_workforce\"][0]")" = True
'

test_done
