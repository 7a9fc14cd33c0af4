#!/bin/sh
# aivalue value: a supported hypothesis's effect x cases a year x the unit
# value in force = value a year, with the hypothesis's interval carried
# over; set against the initiative's AI spend (aivalue cost) for ROI and
# payback.  Unproven hypotheses are listed, never summed.
. "$(dirname "$0")/lib.sh"

DATA="$TEST_ROOT/tests/data/usage"

# Observations: 30 claims before 2026-03-01 taking 3 days (259,200 s), 30
# from then on taking 2 days.  Every claim in a group takes the same time,
# so the bootstrap interval of the median difference is exactly 1 day:
#   gain   86,400 s = 24 hours a claim (interval 24 to 24)
#   volume 41,000 claims a year (declared)
#   value  24 x 41,000 = 984,000 hours x EUR 1.10 = EUR 1,082,400.00
#          from 2026-07-01 at EUR 1.25:              EUR 1,230,000.00
# Cost: t1's Copilot seats (t7000): EUR 205.00 over 2026-01-08..2026-05-06,
#   119 days; a year: 20,500 x 365.25 / 119 = 62,921.22 -> 62,921 cents.
#   ROI 108,240,000 / 62,921 = 1720.2524 times; payback 12 x 62,921 /
#   108,240,000 months = 0.007 months.
test_expect_success 'setup: people, seats, a price book, an initiative with two hypotheses' '
	aivalue init >/dev/null &&
	aivalue apply -f "$DATA/people.yaml" >/dev/null &&
	aivalue import usage "$DATA/copilot-seats.json" --format copilot-seats >/dev/null &&
	cat >org.yaml <<-\EOT &&
	kind: Initiative
	name: claims-assistant
	title: Claims assistant
	model: expert
	owner: alice
	phase: 2
	status: pilot
	teams: [t1]
	---
	kind: Hypothesis
	name: claims-faster
	initiative: claims-assistant
	metric: expert_cycle_time
	comparison:
	  before_after: "2026-03-01"
	minimum_effect: "10%"
	confidence: 0.95
	minimum_sample: 30
	review_date: "2027-03-31"
	---
	kind: Hypothesis
	name: fewer-exceptions
	initiative: claims-assistant
	metric: exception_rate
	comparison:
	  before_after: "2026-03-01"
	minimum_effect: "10%"
	confidence: 0.95
	minimum_sample: 30
	review_date: "2027-03-31"
	EOT
	aivalue apply -f org.yaml >/dev/null &&
	python3 - <<-\PY &&
	import datetime
	rows = ["initiative,unit,metric,time,value"]
	for i in range(30):
	    d = datetime.date(2026, 1, 20) + datetime.timedelta(days=i)
	    rows.append("claims-assistant,b%02d,expert_cycle_time,%s,259200" % (i, d))
	    d = datetime.date(2026, 3, 1) + datetime.timedelta(days=i)
	    rows.append("claims-assistant,t%02d,expert_cycle_time,%s,172800" % (i, d))
	open("obs.csv", "w").write("\n".join(rows) + "\n")
	PY
	aivalue evidence --data obs.csv >/dev/null
'

test_expect_success 'no price book, no unit value: nothing priced, and the gap says what supplies it' '
	aivalue value --json >v.json &&
	test "$(json_get v.json "d[\"currency\"]")" = None &&
	test "$(json_get v.json "d[\"realised\"], d[\"unpriced\"], d[\"not_yet_proven\"]")" = "0 1 1" &&
	test "$(json_get v.json "d[\"value_a_year\"][\"minor\"]")" = 0 &&
	aivalue value >v.txt &&
	test_grep "no UnitValue prices hypothesis .claims-faster.: apply one with hypotheses: \[claims-faster\]" v.txt &&
	test_grep "no PriceBook is applied" v.txt &&
	test_grep "fewer-exceptions (claims-assistant): not yet proven" v.txt
'

test_expect_success 'a negative unit value is refused, nothing applied' '
	head=$(aivalue audit checkpoint) &&
	cat >bad.yaml <<-\EOT &&
	kind: UnitValue
	name: claims-hour
	type: hourly_cost
	role: Analyst
	hypotheses: [claims-faster]
	amounts:
	  - {from: "2026-01-01", amount: "-1.10"}
	EOT
	test_must_fail aivalue apply -f bad.yaml 2>err &&
	test_grep "bad.yaml:7:.*unit value .claims-hour.: amounts: amount .-1.10. must not be negative" err &&
	test "$(aivalue audit checkpoint)" = "$head"
'

test_expect_success 'unit values: unknown type, hourly cost without role, one date twice are refused' '
	head=$(aivalue audit checkpoint) &&
	printf "kind: UnitValue\nname: u1\ntype: margin\namounts:\n  - {from: \"2026-01-01\", amount: \"1\"}\n" >t1.yaml &&
	test_must_fail aivalue apply -f t1.yaml 2>err &&
	test_grep "t1.yaml:3:7: unit value .u1.: unknown type .margin." err &&
	printf "kind: UnitValue\nname: u2\ntype: hourly_cost\namounts:\n  - {from: \"2026-01-01\", amount: \"1\"}\n" >t2.yaml &&
	test_must_fail aivalue apply -f t2.yaml 2>err &&
	test_grep "unit value .u2.: an hourly_cost needs .role." err &&
	printf "kind: UnitValue\nname: u3\ntype: case\namounts:\n  - {from: \"2026-01-01\", amount: \"1\"}\n  - {from: \"2026-01-01\", amount: \"2\"}\n" >t3.yaml &&
	test_must_fail aivalue apply -f t3.yaml 2>err &&
	test_grep "t3.yaml:6:.*unit value .u3.: amounts: two amounts from 2026-01-01" err &&
	printf "kind: UnitValue\nname: u4\ntype: case\namounts:\n  - {from: \"2026-01-01\", amount: \"1,204\"}\n" >t4.yaml &&
	test_must_fail aivalue apply -f t4.yaml 2>err &&
	test_grep "amount .1,204. must be a decimal number" err &&
	test "$(aivalue audit checkpoint)" = "$head"
'

test_expect_success 'value of the proven effect, its interval, and ROI against the seats' '
	cat >prices.yaml <<-\EOT &&
	kind: PriceBook
	name: list
	currency: EUR
	seats:
	  - {tool: github-copilot, plan: business, per_month: "19.00", effective_from: 2026-01-01}
	  - {tool: github-copilot, plan: business, per_month: "21.50", effective_from: 2026-03-01}
	---
	kind: UnitValue
	name: claims-hour
	type: hourly_cost
	role: Analyst
	hypotheses: [claims-faster]
	volume_per_year: 41000
	amounts:
	  - {from: "2026-01-01", amount: "1.10"}
	  - {from: "2026-07-01", amount: "1.25"}
	EOT
	aivalue apply -f prices.yaml >/dev/null &&
	aivalue value --at 2026-06-30 --json >v.json &&
	test "$(json_get v.json "d[\"currency\"]")" = EUR &&
	test "$(json_get v.json "[(e[\"hypothesis\"], e[\"status\"]) for e in d[\"effects\"]]")" = "[('\''claims-faster'\'', '\''realised'\''), ('\''fewer-exceptions'\'', '\''not yet proven'\'')]" &&
	test "$(json_get v.json "d[\"effects\"][0][\"gain_per_case\"], d[\"effects\"][0][\"quantity_a_year\"]")" = "24.0 984000.0" &&
	test "$(json_get v.json "d[\"value_a_year\"][\"minor\"], d[\"value_a_year_low\"][\"minor\"], d[\"value_a_year_high\"][\"minor\"]")" = "108240000 108240000 108240000" &&
	test "$(json_get v.json "d[\"initiatives\"][0][\"cost\"][\"minor\"], d[\"initiatives\"][0][\"cost_a_year\"][\"minor\"]")" = "20500 62921" &&
	test "$(json_get v.json "d[\"initiatives\"][0][\"roi\"]")" = 1720.2524 &&
	aivalue value --at 2026-06-30 >v.txt &&
	test_grep "24 hours a case on 41,000 cases a year = 984,000 hours x €1.10 = €1,082,400.00 (95 % interval €1,082,400.00 to €1,082,400.00)" v.txt &&
	test_grep "ROI           1720.25 times its cost" v.txt
'

test_expect_success 'the unit value in force on the date asked is used' '
	aivalue value --at 2026-07-01 --json >v.json &&
	test "$(json_get v.json "d[\"value_a_year\"][\"minor\"]")" = 123000000 &&
	aivalue value --at 2025-12-31 --json >v.json &&
	test "$(json_get v.json "d[\"realised\"], d[\"unpriced\"]")" = "0 1" &&
	test_grep "no amount in force on 2025-12-31" v.json
'

# By month: the treated claims are all in March 2026 (30 x 24 h x 1.10 =
# EUR 792.00); the seats of all teams by month are t7000's figures.
test_expect_success 'by month: spend against proven value' '
	aivalue value --period month --json >m.json &&
	test "$(json_get m.json "[(m[\"month\"], m[\"value\"][\"minor\"]) for m in d[\"by_month\"]]")" = "[('\''2026-03'\'', 79200)]" &&
	aivalue value --period month >m.txt &&
	test_grep "^2026-03  *€64.50  *€792.00$" m.txt &&
	test_grep "^2026-01  *€38.00  *no data$" m.txt
'

test_expect_success 'bad options are usage errors' '
	test_must_fail --exit=2 aivalue value --by colour &&
	test_must_fail --exit=2 aivalue value --period week &&
	test_must_fail --exit=2 aivalue value --at 2026-13-01
'

test_done
