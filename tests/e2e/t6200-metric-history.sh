#!/bin/sh
# t6200-metric-history - metric history from imported usage: monthly and
# weekly values worked out by hand, stored at import (a later read
# computes nothing, a second import only the periods it touched), targets
# overridden through apply and recorded in the ledger, bad targets refused
# with file, line and field, --as-of on phase and findings, and the API
# answering the very document the CLI prints.
. "$(dirname "$0")/lib.sh"

DATA="$TEST_ROOT/tests/data/usage"
MAP="person=user,time=date,tool=app,count=actions"

# The data (tests/data/usage/history-*.csv, six people of team eng,
# function engineering, role Engineer; fay never uses AI, so 6 licensed
# people are the denominator): one action every Monday,
#   ana, bo, cy  2026-01-05 .. 2026-04-27 (every week)
#   dee          2026-01-05 .. 2026-03-02 (9 weeks)
#   eli          2026-01-26 .. 2026-04-27
# repeat_use_rate = active in 9 or more of the 12 complete weeks before
# the as-of day, over 6:
#   Jan (as of Sat 01-31: weeks 2025-11-03 .. 01-25): nobody has 9      0/6
#   Feb (as of Sat 02-28: weeks 12-01 .. 02-22): at most 7 weeks        0/6
#   Mar (as of Tue 03-31: weeks 01-05 .. 03-29): ana bo cy 12, dee 9,
#       eli 9 (01-26 .. 03-23)                                          5/6
#   Apr (as of Thu 04-30: weeks 02-02 .. 04-26): ana bo cy 12, eli 12,
#       dee 5                                                           4/6
# Mann-Kendall on 0, 0, 0.833, 0.667: S = 4 - 1 = 3, one tie of 2,
# Var = (4*3*13 - 2*1*9)/18 = 7.667, Z = 2/2.769 = 0.72: no clear trend.

test_expect_success 'a first quarter of usage back-fills the series at import' '
	aivalue init >/dev/null &&
	aivalue apply -f "$DATA/six-people.yaml" >/dev/null &&
	aivalue import usage "$DATA/history-jan-mar.csv" --format csv --map "$MAP" >/dev/null &&
	aivalue metrics history repeat_use_rate --json >q1.json &&
	test "$(json_get q1.json "\" \".join(p[\"period\"] for p in d[\"lines\"][0][\"points\"])")" = "2026-01 2026-02 2026-03" &&
	test "$(json_get q1.json "d[\"cache\"][\"source\"]")" = stored &&
	test "$(json_get q1.json "d[\"cache\"][\"computed_points\"]")" = 0 &&
	test "$(json_get q1.json "d[\"cache\"][\"last_refresh_points\"]")" = 224
'

# 224 = 16 period ends (13 weeks 01-05 .. 03-30 and 3 months) x 14 points:
# 8 usage metrics for the organisation and 2 with breakdowns (repeat use,
# Gini) x 3 dimensions with one group each.

test_expect_success 'a second import recomputes only the periods it touched' '
	aivalue import usage "$DATA/history-apr.csv" --format csv --map "$MAP" >/dev/null &&
	aivalue metrics history repeat_use_rate --json >m.json &&
	test "$(json_get m.json "\" \".join(p[\"period\"] for p in d[\"lines\"][0][\"points\"])")" = "2026-01 2026-02 2026-03 2026-04" &&
	test "$(json_get m.json "\" \".join(\"%.4f\" % p[\"value\"] for p in d[\"lines\"][0][\"points\"])")" = "0.0000 0.0000 0.8333 0.6667" &&
	test "$(json_get m.json "\" \".join(p[\"status\"] for p in d[\"lines\"][0][\"points\"])")" = "off_track off_track on_track on_track" &&
	test "$(json_get m.json "d[\"lines\"][0][\"points\"][3][\"change_text\"]")" = "-16.7 points" &&
	test "$(json_get m.json "d[\"lines\"][0][\"trend\"][\"s\"]")" = 3 &&
	test "$(json_get m.json "d[\"lines\"][0][\"trend\"][\"text\"]")" = "no clear trend" &&
	test "$(json_get m.json "d[\"cache\"][\"source\"]")" = stored &&
	test "$(json_get m.json "d[\"cache\"][\"last_refresh_points\"]")" = 98
'

# 98 = 7 period ends x 14: April's data starts on Monday 04-06, so the
# weeks of 04-06 .. 04-27 and April are new, and March and the week of
# 03-30 were cut short by the old last day (03-30) and are redone; the
# twelve earlier weeks and January and February are kept.

test_expect_success 'the text form: value with unit, status, change, trend in words' '
	aivalue metrics history repeat_use_rate >out &&
	test_grep "^Target: 60.0 % (higher is better); at risk below 40.0 %, off track below 15.0 %; catalog default" out &&
	test_grep "2026-02 *0.0 % *off track *no change" out &&
	test_grep "2026-03 *83.3 % *on track *+83.3 points" out &&
	test_grep "2026-04 *66.7 % *on track *-16.7 points" out &&
	test_grep "Trend: no clear trend (Mann-Kendall S = 3, Z = 0.72, p = 0.470, n = 4)" out
'

# Weekly, week of 03-23 (as of Sun 03-29, weeks 01-05 .. 03-29): 5/6, as
# March; week of 03-30 (as of Sun 04-05, weeks 01-12 .. 04-05): dee has 8
# weeks left, eli 10: 4/6.
test_expect_success 'weekly series: 17 weeks labelled by their Monday' '
	aivalue metrics history repeat_use_rate --period week --json >w.json &&
	test "$(json_get w.json "len(d[\"lines\"][0][\"points\"])")" = 17 &&
	test "$(json_get w.json "\" \".join(\"%.4f\" % p[\"value\"] for p in d[\"lines\"][0][\"points\"] if p[\"period\"] in (\"2026-03-23\", \"2026-03-30\"))")" = "0.8333 0.6667"
'

test_expect_success 'breakdowns: by team for repeat use, and a clear no where there is none' '
	aivalue metrics history repeat_use_rate --by team --json >t.json &&
	test "$(json_get t.json "d[\"lines\"][0][\"group\"]")" = eng &&
	test "$(json_get t.json "\" \".join(\"%.4f\" % p[\"value\"] for p in d[\"lines\"][0][\"points\"])")" = "0.0000 0.0000 0.8333 0.6667" &&
	aivalue metrics history reusable_workflows --by role >r.txt &&
	test_grep "No breakdown: .reusable_workflows. has no breakdown by role" r.txt &&
	aivalue metrics history repeat_use_rate --by workflow >wf.txt &&
	test_grep "has no breakdown by workflow" wf.txt &&
	test_must_fail --exit=2 aivalue metrics history repeat_use_rate --period year 2>e.txt &&
	test_grep "period must be week or month" e.txt &&
	test_must_fail aivalue metrics history no_such_metric 2>e2.txt &&
	test_grep "no catalog metric .no_such_metric." e2.txt
'

test_expect_success 'a metric whose source keeps no history says so per period' '
	aivalue metrics history qualified_intent_rate --json >x.json &&
	test "$(json_get x.json "d[\"lines\"][0][\"points\"][0][\"status\"]")" = no_data &&
	json_get x.json "d[\"lines\"][0][\"points\"][0][\"why\"]" >why.txt &&
	test_grep "cannot be computed as of" why.txt
'

cat >target.yaml <<'YAML'
kind: MetricTarget
name: repeat_use_rate
target: 0.95
at_risk: 0.9
off_track: 0.7
note: the board asked for a near-universal habit
YAML

test_expect_success 'a MetricTarget changes the status and is in the ledger' '
	aivalue apply -f target.yaml >/dev/null &&
	aivalue metrics history repeat_use_rate --json >o.json &&
	test "$(json_get o.json "\" \".join(p[\"status\"] for p in d[\"lines\"][0][\"points\"])")" = "off_track off_track at_risk off_track" &&
	test "$(json_get o.json "d[\"target\"][\"overridden\"]")" = True &&
	aivalue get metrictargets >g.txt &&
	test_grep "^repeat_use_rate *0.95 *0.9 *0.7 *the board asked" g.txt &&
	test "$(json_get o.json "d[\"cache\"][\"source\"]")" = stored &&
	aivalue audit log --json --limit 1 >l.json &&
	test "$(json_get l.json "d[0][\"subject\"]")" = MetricTarget/repeat_use_rate &&
	test "$(json_get l.json "d[0][\"payload\"][\"spec\"][\"note\"]")" = "the board asked for a near-universal habit"
'

cat >bad.yaml <<'YAML'
kind: MetricTarget
name: gini_active_days
target: 0.4
at_risk: 0.6
off_track: 0.5
YAML
cat >unknown.yaml <<'YAML'
kind: MetricTarget
name: repeat_use_rates
target: 0.5
at_risk: 0.4
off_track: 0.2
YAML

test_expect_success 'bad targets are refused with file, line and field; nothing applied' '
	aivalue audit log --json --limit 1 >before.json &&
	test_must_fail aivalue apply -f bad.yaml 2>e.txt &&
	test_grep "bad.yaml:5:12: metric target .gini_active_days.: field .off_track. must not be below at_risk when lower is better" e.txt &&
	test_must_fail aivalue apply -f unknown.yaml 2>e2.txt &&
	test_grep "unknown.yaml:2:7: metric target .repeat_use_rates.: field .name.: unknown metric" e2.txt &&
	aivalue audit log --json --limit 1 >after.json &&
	test_cmp before.json after.json &&
	aivalue get metrictargets >g.txt &&
	! grep -q gini g.txt
'

test_expect_success '--as-of: the phase gates from data up to that day, nothing stored' '
	aivalue audit log --json --limit 1 >before.json &&
	aivalue phase --as-of 2026-02-28 --json >p2.json &&
	aivalue phase --as-of 2026-03-31 --json >p3.json &&
	test "$(json_get p2.json "[g[\"value\"] for g in d[\"criteria\"] if g[\"criterion\"] == \"repeat_use_spread\"][0]")" = 0.0 &&
	test "$(json_get p3.json "[g[\"value\"] for g in d[\"criteria\"] if g[\"criterion\"] == \"repeat_use_spread\"][0]")" = 1.0 &&
	json_get p3.json "[g[\"source\"] for g in d[\"criteria\"] if g[\"criterion\"] == \"ledger_verifies\"][0]" >src.txt &&
	test_grep "cannot be computed as of 2026-03-31" src.txt &&
	aivalue findings --as-of 2026-03-31 >f.txt &&
	test_grep "Shadow AI: cannot be assessed as of 2026-03-31" f.txt &&
	aivalue audit log --json --limit 1 >after.json &&
	test_cmp before.json after.json &&
	test_must_fail --exit=2 aivalue phase --as-of 2026-13-01 2>e.txt &&
	test_grep "as-of must be a date" e.txt
'

test_expect_success 'a stale series is computed in memory and nothing is written' '
	printf "kind: Person\nname: gus\ndisplay_name: Gus\nemail: gus@acme.example\nrole: Engineer\nteam: eng\n" >gus.yaml &&
	aivalue apply -f gus.yaml >/dev/null &&
	aivalue metrics history repeat_use_rate --json >s1.json &&
	test "$(json_get s1.json "d[\"cache\"][\"source\"]")" = computed &&
	test "$(json_get s1.json "d[\"cache\"][\"computed_points\"]")" = 4 &&
	test "$(json_get s1.json "\" \".join(\"%.4f\" % p[\"value\"] for p in d[\"lines\"][0][\"points\"])")" = "0.0000 0.0000 0.7143 0.5714" &&
	aivalue metrics history repeat_use_rate --json >s2.json &&
	test "$(json_get s2.json "d[\"cache\"][\"source\"]")" = computed
'

# With gus (licensed, never active) the denominator is 7: 5/7 = 0.7143,
# 4/7 = 0.5714.

ADMIN=$(aivalue token create --name adm --role admin 2>/dev/null)
AGENT=$(aivalue token create --name ag --role agent 2>/dev/null)
start_server

test_expect_success 'the API answers the document the CLI prints' '
	aivalue metrics history repeat_use_rate --period week --by function --json >cli.json &&
	curl -s -H "Authorization: Bearer $ADMIN" "$AIV_URL/api/v1/metrics/repeat_use_rate/series?period=week&by=function" >api.json &&
	python3 -c "import json,sys; a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2])); sys.exit(0 if a == b else 1)" cli.json api.json &&
	curl -s -H "Authorization: Bearer $ADMIN" "$AIV_URL/api/v1/metrics/repeat_use_rate" >one.json &&
	test "$(json_get one.json "d[\"unit\"]")" = ratio &&
	test "$(json_get one.json "d[\"status\"]")" = off_track &&
	test "$(json_get one.json "d[\"target\"][\"value\"]")" = 0.95 &&
	test "$(json_get one.json "\"%.4f\" % d[\"value\"]")" = 0.5714 &&
	test "$(json_get one.json "d[\"trend\"][\"text\"]")" = "no clear trend" &&
	test "$(curl -s -o /dev/null -w "%{http_code}" -H "Authorization: Bearer $ADMIN" "$AIV_URL/api/v1/metrics/nope")" = 404 &&
	test "$(curl -s -o /dev/null -w "%{http_code}" -H "Authorization: Bearer $ADMIN" "$AIV_URL/api/v1/metrics/repeat_use_rate/series?period=day")" = 400 &&
	test "$(curl -s -o /dev/null -w "%{http_code}" -H "Authorization: Bearer $AGENT" "$AIV_URL/api/v1/metrics/repeat_use_rate")" = 403 &&
	curl -s "$AIV_URL/api/v1/openapi.json" -H "Authorization: Bearer $ADMIN" >oa.json &&
	json_get oa.json "list(d[\"paths\"].keys())" >paths.txt &&
	test_grep "/api/v1/metrics/{id}/series" paths.txt
'

test_done
