#!/bin/sh
# Cost and value give the same figures, to the byte, on SQLite and on
# PostgreSQL (issue 18).  One set of inputs at one fixed clock (t7000's
# seats, t7001's token spans, t7100's hypotheses, observations and unit
# value) goes into a SQLite file and into a PostgreSQL database; every
# cost and value report compared, in JSON and as text, by each grouping,
# is the same on both.  Money is integer cents on both engines: a sum or
# a rounding done differently by one of them would show here.  Needs a
# PostgreSQL 15 server: the one of `make test-pg`, or one started here
# (tests/pg/pg-start); skipped without the binaries.
. "$(dirname "$0")/lib.sh"

DATA="$TEST_ROOT/tests/data/usage"
test_start_pg
PGDB="aiv_t7130_same_$$"
export AIVALUE_FAKE_TIME=2026-12-01T10:00:00Z

# t7100's observations: 30 claims of 3 days before 2026-03-01, 30 of 2
# days from then on (a gain of 24 hours a claim)
cat >obs.csv <<\EOF
initiative,unit,metric,time,value
EOF
i=0
while [ $i -lt 30 ]; do
	printf 'claims-assistant,b%02d,expert_cycle_time,2026-01-%02d,259200\n' $i $((i + 1)) >>obs.csv
	printf 'claims-assistant,t%02d,expert_cycle_time,2026-03-%02d,172800\n' $i $((i + 1)) >>obs.csv
	i=$((i + 1))
done

cat >org.yaml <<\EOF
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
kind: PriceBook
name: list
currency: EUR
seats:
  - {tool: github-copilot, plan: business, per_month: "19.00", effective_from: 2026-01-01}
  - {tool: github-copilot, plan: business, per_month: "21.50", effective_from: 2026-03-01}
models:
  - {model: gpt-4o-2024-08-06, input_per_million: "2.50", output_per_million: "10.00", effective_from: 2026-01-01}
  - {model: gpt-4o-2024-08-06, input_per_million: "2.00", output_per_million: "8.00", effective_from: 2026-03-15}
  - {model: claude-sonnet-4-5, input_per_million: "3.00", output_per_million: "15.00", effective_from: 2026-01-01}
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
EOF

# build DB: the inputs above into the workspace DB
build() {
	aivalue --db "$1" init >/dev/null &&
	aivalue --db "$1" apply -f "$DATA/people.yaml" >/dev/null &&
	aivalue --db "$1" import usage "$DATA/copilot-seats.json" --format copilot-seats >/dev/null &&
	aivalue --db "$1" import usage "$DATA/otel-genai-tokens.jsonl" --format otel-genai >/dev/null &&
	aivalue --db "$1" apply -f org.yaml >/dev/null &&
	aivalue --db "$1" evidence --data obs.csv >/dev/null
}

test_expect_success PG 'the same inputs into a SQLite file and a PostgreSQL database' '
	pg_create_db "$PGDB" &&
	build sq.db &&
	build "$(pg_uri "$PGDB")"
'

# The hand-worked figures of t7000, t7001 and t7100, on each backend:
# seats EUR 269.50 (t7000), tokens EUR 7.30 (t7001: 2.00 + 1.60 + 3.70;
# mistral-large's 5,000 + 1,000 tokens have no price, so the initiative's
# cost is incomplete, never 0); value a year 24 h x 41,000 x EUR 1.10 =
# EUR 1,082,400.00 on 2026-06-30 and x EUR 1.25 = EUR 1,230,000.00 from
# 2026-07-01 (t7100).
test_expect_success PG 'each backend has the hand-worked figures' '
	for db in sq.db "$(pg_uri "$PGDB")"; do
		aivalue --db "$db" cost --by model --json >m.json &&
		test "$(json_get m.json "[(r[\"group\"], r[\"total\"] and r[\"total\"][\"minor\"]) for r in d[\"rows\"]]")" = "[('\''(seat)'\'', 26950), ('\''claude-sonnet-4-5'\'', 370), ('\''gpt-4o-2024-08-06'\'', 360), ('\''mistral-large'\'', None)]" &&
		aivalue --db "$db" value --at 2026-06-30 --json >v.json &&
		test "$(json_get v.json "d[\"value_a_year\"][\"minor\"], d[\"initiatives\"][0][\"cost\"]")" = "108240000 None" &&
		test_grep "cost incomplete: 6000 quantities have no price in force" v.json &&
		aivalue --db "$db" value --at 2026-07-01 --json >v.json &&
		test "$(json_get v.json "d[\"value_a_year\"][\"minor\"]")" = 123000000 || return 1
	done
'

test_expect_success PG 'every cost and value report is the same bytes on both' '
	for args in "cost --json" "cost" "cost --by tool --json" "cost --by team --json" \
		"cost --by function --json" "cost --by initiative --json" "cost --by model --json" \
		"cost --by model" "cost --by value-model --json" "cost --by agent --json" \
		"cost --period month --json" "cost --by team --period month" \
		"cost --from 2026-03-01 --to 2026-03-31 --json" \
		"value --at 2026-06-30 --json" "value --at 2026-06-30" "value --at 2026-07-01 --json" \
		"value --by model --at 2026-06-30 --json" "value --by team --at 2026-06-30" \
		"value --by tool --at 2026-06-30 --json" "value --period month --json" \
		"value --period month"; do
		aivalue --db sq.db $args >sq.out &&
		aivalue --db "$(pg_uri "$PGDB")" $args >pg.out &&
		test -s sq.out &&
		test_cmp sq.out pg.out || { echo "differs: aivalue $args"; return 1; }
	done
'

test_done
