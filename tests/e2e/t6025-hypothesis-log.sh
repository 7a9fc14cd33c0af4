#!/bin/sh
# Hypotheses measured on an imported event log (`log: NAME`): per-case
# cycle time, rework and exceptions, split by a case attribute or by the
# case's start date, with the same statistics as observations.
. "$(dirname "$0")/lib.sh"

# A claims log with an AI-assisted cohort: 40 cases each; assisted cases
# take about 2 days instead of 3, and every fifth unassisted case is
# reopened (rework).  The XES is written the way ProM and PM4Py write it.
python3 -S - <<'PY'
import datetime, random
r = random.Random(11)
t0 = datetime.datetime(2026, 9, 1, 8, 0)
out = ['<?xml version="1.0" encoding="UTF-8"?>',
       '<log xes.version="1.0" xmlns="http://www.xes-standard.org/">',
       '<extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>',
       '<extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>']
for i in range(80):
    ai = i % 2 == 1
    start = t0 + datetime.timedelta(hours=7 * i)
    days = r.uniform(1.6, 2.4) if ai else r.uniform(2.6, 3.4)
    acts = ["register claim", "assess claim", "settle claim"]
    if not ai and i % 5 == 0:
        acts = ["register claim", "assess claim", "assess claim", "settle claim"]
    out.append('<trace><string key="concept:name" value="c%03d"/><boolean key="ai_assisted" value="%s"/>' % (i, "true" if ai else "false"))
    for k, a in enumerate(acts):
        t = start + datetime.timedelta(days=days * k / (len(acts) - 1))
        out.append('<event><string key="concept:name" value="%s"/><date key="time:timestamp" value="%s"/></event>' % (a, t.strftime("%Y-%m-%dT%H:%M:%S.000+00:00")))
    out.append('</trace>')
out.append('</log>')
open("claims.xes", "w").write("\n".join(out) + "\n")
PY

cat >org.yaml <<'YAML'
kind: Team
name: claims
title: Claims
function: operations
---
kind: Person
name: maria
display_name: Maria
role: claims-lead
team: claims
---
kind: Initiative
name: claims-assistant
title: Claims assistant
model: process
owner: maria
phase: 2
status: pilot
YAML

hyp() { # name metric comparison-yaml
	cat <<YAML
kind: Hypothesis
name: $1
initiative: claims-assistant
log: claims
metric: $2
comparison:
$3
minimum_effect: "20%"
confidence: 0.95
minimum_sample: 30
review_date: "2027-03-31"
YAML
}
cohorts='  cohorts: { attribute: ai_assisted, baseline: "false", treatment: "true" }'

test_expect_success 'setup: workspace, initiative, the claims log' '
	aivalue init && aivalue apply -f org.yaml &&
	aivalue import cases claims.xes --name claims
'

test_expect_success 'a hypothesis on an unknown log is refused and nothing is applied' '
	hyp faster end_to_end_cycle_time "$cohorts" | sed "s/^log: claims/log: nosuch/" >bad.yaml &&
	aivalue audit checkpoint >before &&
	test_must_fail aivalue apply -f bad.yaml 2>err &&
	test_grep "unknown event log .nosuch." err &&
	aivalue audit checkpoint >after && test_cmp before after
'

test_expect_success 'a metric a log cannot measure per case is refused with the choices' '
	hyp odd qualified_intent_rate "$cohorts" >odd.yaml &&
	test_must_fail aivalue apply -f odd.yaml 2>err &&
	test_grep "odd.yaml:5:.*per case, not .qualified_intent_rate." err &&
	test_grep "rework_rate" err
'

test_expect_success 'cycle time by cohort: AI-assisted cases are supported as faster' '
	hyp faster end_to_end_cycle_time "$cohorts" >faster.yaml &&
	aivalue apply -f faster.yaml &&
	aivalue evidence --json >ev.json &&
	python3 -S - <<-PY
	import json
	r = [h for h in json.load(open("ev.json"))["hypotheses"] if h["name"] == "faster"][0]
	print(r)
	assert r["verdict"] == "supported", r
	e = r["result"]
	assert e["n_baseline"] == 40 and e["n_comparison"] == 40, e
	# medians near 3 and 2 days, in seconds
	assert 2.8 * 86400 < e["baseline"] < 3.2 * 86400, e
	assert 1.8 * 86400 < e["comparison"] < 2.2 * 86400, e
	PY
'

test_expect_success 'rework by cohort: 8 of 40 unassisted cases repeat an activity, none assisted' '
	hyp less-rework rework_rate "$cohorts" >rw.yaml &&
	aivalue apply -f rw.yaml &&
	aivalue evidence --json >ev.json &&
	python3 -S - <<-PY
	import json
	r = [h for h in json.load(open("ev.json"))["hypotheses"] if h["name"] == "less-rework"][0]
	e = r["result"]
	assert abs(e["baseline"] - 8 / 40) < 1e-9 and e["comparison"] == 0, e
	assert r["verdict"] == "supported", r
	PY
'

test_expect_success 'before/after splits cases by their first event; too few after the date is insufficient' '
	hyp after-date end_to_end_cycle_time "  before_after: \"2026-09-20\"" >ba.yaml &&
	aivalue apply -f ba.yaml &&
	aivalue evidence --json >ev.json &&
	python3 -S - <<-PY
	import json
	r = [h for h in json.load(open("ev.json"))["hypotheses"] if h["name"] == "after-date"][0]
	e = r["result"]
	# cases start every 7 hours from 1 Sep 08:00: 448 h to 20 Sep 00:00, so 64 before, 16 after
	assert (e["n_baseline"], e["n_comparison"]) == (64, 16), e
	assert r["verdict"] == "insufficient data", r
	PY
'

test_expect_success 'exception rate from a log needs an ExceptionRule; with one it is measured' '
	hyp fewer-exc exception_rate "$cohorts" >exc.yaml &&
	aivalue apply -f exc.yaml &&
	aivalue evidence --json >ev.json &&
	python3 -S -c "import json; r=[h for h in json.load(open(\"ev.json\"))[\"hypotheses\"] if h[\"name\"]==\"fewer-exc\"][0]; assert r[\"verdict\"]==\"insufficient data\", r" &&
	printf "kind: ExceptionRule\nname: reassess\nactivities: [\"assess claim\"]\n" >rule.yaml &&
	aivalue apply -f rule.yaml && aivalue evidence --json >ev.json &&
	python3 -S -c "import json; r=[h for h in json.load(open(\"ev.json\"))[\"hypotheses\"] if h[\"name\"]==\"fewer-exc\"][0]; e=r[\"result\"]; assert e[\"baseline\"]==1 and e[\"comparison\"]==1, e"
'

test_done
