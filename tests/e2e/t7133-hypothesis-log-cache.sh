#!/bin/sh
# One evaluation of the hypotheses reads each event log once and keeps it
# for the next metric (issue 19: value read the same log three times).
# Two logs, hypotheses evaluated in name order on slow, fast, then slow
# again (with a guardrail on slow): each must see its own log's cases.
. "$(dirname "$0")/lib.sh"

# slow: 6 cases, baseline (ai_assisted false) 3 days each, treatment 2
# days; case s0 repeats an activity (rework 1 of 3 baseline cases).
# fast: 4 cases, baseline 1 day, treatment 12 hours; no rework.
python3 -S - <<'PY'
import datetime
def log(path, prefix, cases):
    t0 = datetime.datetime(2026, 9, 1, 8, 0)
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<log xes.version="1.0" xmlns="http://www.xes-standard.org/">']
    for i, (ai, hours, rework) in enumerate(cases):
        start = t0 + datetime.timedelta(hours=5 * i)
        acts = ["open", "work", "work", "close"] if rework else ["open", "work", "close"]
        out.append('<trace><string key="concept:name" value="%s%d"/><boolean key="ai_assisted" value="%s"/>' % (prefix, i, "true" if ai else "false"))
        for k, a in enumerate(acts):
            t = start + datetime.timedelta(hours=hours * k / (len(acts) - 1))
            out.append('<event><string key="concept:name" value="%s"/><date key="time:timestamp" value="%s"/></event>' % (a, t.strftime("%Y-%m-%dT%H:%M:%S.000+00:00")))
        out.append('</trace>')
    out.append('</log>')
    open(path, "w").write("\n".join(out) + "\n")
log("slow.xes", "s", [(False, 72, True), (False, 72, False), (False, 72, False),
                      (True, 48, False), (True, 48, False), (True, 48, False)])
log("fast.xes", "f", [(False, 24, False), (False, 24, False), (True, 12, False), (True, 12, False)])
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

hyp() { # name log metric [guardrail metric]
	cat <<YAML &&
---
kind: Hypothesis
name: $1
initiative: claims-assistant
log: $2
metric: $3
comparison:
  cohorts: { attribute: ai_assisted, baseline: "false", treatment: "true" }
minimum_effect: "20%"
confidence: 0.95
minimum_sample: 2
review_date: "2027-03-31"
YAML
	{ test -z "${4:-}" ||
	  printf 'guardrails:\n  - { metric: %s, max_worsening: "0.5" }\n' "$4"; }
}

test_expect_success 'slow, fast, slow again: each hypothesis measures its own log' '
	aivalue init >/dev/null &&
	aivalue apply -f org.yaml >/dev/null &&
	aivalue import cases slow.xes --name slow >/dev/null &&
	aivalue import cases fast.xes --name fast >/dev/null &&
	{ hyp h1-slow slow end_to_end_cycle_time rework_rate &&
	  hyp h2-fast fast end_to_end_cycle_time &&
	  hyp h3-slow slow rework_rate; } >h.yaml &&
	aivalue apply -f h.yaml >/dev/null &&
	aivalue evidence --json >ev.json &&
	json_get ev.json "[(h[\"name\"], h[\"result\"][\"n_baseline\"], h[\"result\"][\"n_comparison\"], round(h[\"result\"][\"baseline\"], 6), round(h[\"result\"][\"comparison\"], 6)) for h in d[\"hypotheses\"]]" >got &&
	printf "%s\n" "[('\''h1-slow'\'', 3, 3, 259200.0, 172800.0), ('\''h2-fast'\'', 2, 2, 86400.0, 43200.0), ('\''h3-slow'\'', 3, 3, 0.333333, 0.0)]" >expect &&
	test_cmp expect got &&
	json_get ev.json "[(g[\"metric\"], round(g[\"result\"][\"baseline\"], 6)) for h in d[\"hypotheses\"] if h[\"name\"] == \"h1-slow\" for g in h[\"guardrails\"]]" >got &&
	echo "[('\''rework_rate'\'', 0.333333)]" >expect &&
	test_cmp expect got
'

test_done
