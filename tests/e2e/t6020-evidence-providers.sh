#!/bin/sh
# Playbook evidence from the other capabilities: one workflow's readiness
# combines the answers with agent control's figures for THAT workflow (two
# workflows whose figures differ), and the process-mining figures of an
# event log named after an initiative become catalog metrics (cycle time,
# rework rate, exception rate) with hand-computed values.
. "$(dirname "$0")/lib.sh"

cp "$TEST_ROOT/tests/data/control/org.yaml" org.yaml
# a catalog metric of the report: metric ID FIELD
metric() { json_get r.json "[m for m in d[\"metrics\"] if m[\"id\"]==\"$1\"][0][\"$2\"]"; }

test_expect_success 'two agent workflows, their initiatives, answers that claim level 3' '
	aivalue init &&
	aivalue apply -f org.yaml >/dev/null &&
	cat >ini.yaml <<-YAML &&
	kind: Initiative
	name: p2p
	title: Purchase to pay agents
	model: process
	owner: ana
	phase: 3
	status: pilot
	teams: [finance]
	---
	kind: Initiative
	name: claims
	title: Claims triage agent
	model: process
	owner: ana
	phase: 3
	status: pilot
	teams: [ap-clerks]
	YAML
	aivalue apply -f ini.yaml >/dev/null &&
	cat >answers.yaml <<-YAML &&
	answers:
	  - { question: ia_agent_identity, choice: 4 }
	  - { question: ia_sso, choice: 4 }
	  - { question: ia_least_privilege, choice: 4 }
	  - { question: ia_revocation, choice: 4 }
	  - { question: di_access, choice: 4 }
	  - { question: di_owners, choice: 4 }
	YAML
	aivalue assess org --answers answers.yaml >/dev/null
'

test_expect_success 'p2p: own token, decisions on both steps; claims: neither' '
	aivalue token create --name ap-bot-token --agent ap-bot >/dev/null 2>&1 &&
	aivalue decide --agent ap-bot --action approve_invoice --resource "Invoice::\"inv-1\"" \
		--context "{\"confidence\": 0.95, \"amount\": 100}" >/dev/null &&
	aivalue workflow readiness p2p --json >p.json &&
	aivalue workflow readiness claims --json >c.json &&
	test "$(json_get p.json "d[\"figures\"][\"identity\"][\"share\"]")" = 1.0 &&
	test "$(json_get c.json "d[\"figures\"][\"identity\"][\"share\"]")" = 0.0
'

test_expect_success 'assess workflow p2p: measured for this workflow, ready where the figure meets the bar' '
	aivalue assess workflow p2p --json >wp.json &&
	test "$(json_get wp.json "d[\"agent_control\"]")" = True &&
	for f in identity entitlements integration ownership; do
		test "$(json_get wp.json "[x for x in d[\"foundations\"] if x[\"foundation\"]==\"$f\"][0][\"status\"]")" = ready &&
		test "$(json_get wp.json "[x for x in d[\"foundations\"] if x[\"foundation\"]==\"$f\"][0][\"measured\"][\"scope\"]")" = workflow || return 1
	done &&
	test "$(json_get wp.json "[x for x in d[\"foundations\"] if x[\"foundation\"]==\"integration\"][0][\"measured\"][\"value\"]")" = 1.0 &&
	test "$(json_get wp.json "[x for x in d[\"foundations\"] if x[\"foundation\"]==\"identity\"][0][\"level\"]")" = 3
'

test_expect_success 'assess workflow claims: the same answers, other figures, not ready, contradiction said' '
	aivalue assess workflow claims --json >wc.json &&
	test "$(json_get wc.json "d[\"overall\"]")" = "not ready" &&
	for f in identity entitlements integration; do
		test "$(json_get wc.json "[x for x in d[\"foundations\"] if x[\"foundation\"]==\"$f\"][0][\"status\"]")" = "not ready" &&
		test "$(json_get wc.json "[x for x in d[\"foundations\"] if x[\"foundation\"]==\"$f\"][0][\"measured\"][\"value\"]")" = 0.0 || return 1
	done &&
	test "$(json_get wc.json "[x for x in d[\"foundations\"] if x[\"foundation\"]==\"ownership\"][0][\"status\"]")" = ready &&
	aivalue assess workflow claims >wc.out &&
	test_grep "Identity and access  not ready .*measured for this workflow: 0, needs >= 1 (agent control, workflow .claims.: 0 of 1" wc.out &&
	test_grep "lowest level 3, which the measurement contradicts" wc.out
'

test_expect_success 'logging and exception handling lack evidence until spans and closed items exist' '
	test "$(json_get wp.json "[x for x in d[\"foundations\"] if x[\"foundation\"]==\"logging\"][0][\"status\"]")" = "lacks evidence" &&
	test "$(json_get wp.json "d[\"overall\"]")" = "lacks evidence"
'

test_expect_success 'an agent workflow without an initiative is assessed; an unknown name is refused' '
	printf "kind: Agent\nname: solo-bot\nowner: ana\nworkflow: solo\n---\nkind: Workflow\nname: solo\nowner: ana\nautonomy: supervised\nsteps:\n  - name: only\n    owner: ana\n    agents: [solo-bot]\n" >solo.yaml &&
	aivalue apply -f solo.yaml >/dev/null &&
	aivalue assess workflow solo --json >ws.json &&
	test "$(json_get ws.json "d[\"model\"]")" = None &&
	test "$(json_get ws.json "d[\"agent_control\"]")" = True &&
	aivalue audit checkpoint >before &&
	test_must_fail aivalue assess workflow nope 2>err &&
	test_grep "no initiative or agent workflow named .nope." err &&
	aivalue audit checkpoint >after && test_cmp before after
'

test_expect_success 'an event log named after an expert initiative: cycle time and rework' '
	cat >expert.yaml <<-YAML &&
	kind: Initiative
	name: contract-review
	title: Contract review assistant
	model: expert
	owner: ana
	phase: 2
	status: pilot
	teams: [finance]
	YAML
	aivalue apply -f expert.yaml >/dev/null &&
	cat >log.csv <<-CSV &&
	case:concept:name,concept:name,time:timestamp
	c1,intake,2026-09-01T08:00:00Z
	c1,review,2026-09-01T10:00:00Z
	c1,accept,2026-09-01T12:00:00Z
	c2,intake,2026-09-02T08:00:00Z
	c2,review,2026-09-02T09:00:00Z
	c2,review,2026-09-02T11:00:00Z
	c2,accept,2026-09-02T14:00:00Z
	c3,intake,2026-09-03T08:00:00Z
	c3,escalate,2026-09-03T09:00:00Z
	c3,accept,2026-09-03T18:00:00Z
	c0,intake,2026-01-01T08:00:00Z
	c0,accept,2026-01-09T08:00:00Z
	c4,intake,2026-01-02T08:00:00Z
	c4,accept,2026-01-05T08:00:00Z
	c5,intake,2026-01-03T08:00:00Z
	c5,accept,2026-01-04T08:00:00Z
	CSV
	aivalue import cases log.csv --name contract-review >/dev/null &&
	aivalue report --format json -o r.json &&
	test "$(metric expert_cycle_time value)" = 21600.0 &&
	test "$(metric rework_rate value)" = 0.3333333333333333 &&
	metric expert_cycle_time source >src &&
	test_grep "over 3 cases of the 90 days up to each log.s end; expert log: contract-review" src &&
	test "$(metric end_to_end_cycle_time value)" = 21600.0 &&
	metric end_to_end_cycle_time source >src &&
	test_grep "every (none named after an initiative) log: contract-review" src
'

test_expect_success 'exception rate needs an applied ExceptionRule' '
	test "$(metric exception_rate state)" = missing &&
	metric exception_rate source >src && test_grep "no exception rules applied" src &&
	printf "kind: Initiative\nname: contract-review\ntitle: Contract review assistant\nmodel: process\nowner: ana\nphase: 2\nstatus: pilot\nteams: [finance]\n" >proc.yaml &&
	aivalue apply -f proc.yaml >/dev/null &&
	printf "kind: ExceptionRule\nname: escalations\nactivities: [escalate]\n" >rule.yaml &&
	aivalue apply -f rule.yaml >/dev/null &&
	aivalue report --format json -o r.json &&
	test "$(metric exception_rate value)" = 0.3333333333333333 &&
	test "$(metric end_to_end_cycle_time value)" = 21600.0 &&
	test "$(metric exception_resolution_time value)" = 32400.0
'

test_expect_success 'a hypothesis over the event log: case durations before and after a date' '
	cat >hyp.yaml <<-YAML &&
	kind: Hypothesis
	name: review-faster-log
	initiative: contract-review
	log: contract-review
	metric: expert_cycle_time
	comparison: { before_after: "2026-06-01" }
	minimum_effect: "50%"
	minimum_sample: 3
	review_date: "2027-01-31"
	YAML
	aivalue apply -f hyp.yaml >/dev/null &&
	aivalue evidence --json >ev.json &&
	hyp() { json_get ev.json "[h for h in d[\"hypotheses\"] if h[\"name\"]==\"review-faster-log\"][0]$1"; } &&
	test "$(hyp "[\"verdict\"]")" = supported &&
	test "$(hyp "[\"log\"]")" = contract-review &&
	test "$(hyp "[\"result\"][\"baseline\"]")" = 259200.0 &&
	test "$(hyp "[\"result\"][\"comparison\"]")" = 21600.0 &&
	test "$(hyp "[\"result\"][\"n_baseline\"]")" = 3 &&
	test "$(hyp "[\"result\"][\"n_comparison\"]")" = 3
'

test_expect_success 'bad hypotheses over logs: unknown log, a metric a log does not give; nothing changed' '
	aivalue audit checkpoint >before &&
	sed -e "s/name: review-faster-log/name: other/" -e "s/^log: .*/log: no-such-log/" hyp.yaml >bad1.yaml &&
	test_must_fail aivalue apply -f bad1.yaml 2>err &&
	test_grep "hypothesis .other.: unknown event log .no-such-log." err &&
	sed -e "s/name: review-faster-log/name: other/" -e "s/^metric: .*/metric: qualified_intent_rate/" hyp.yaml >bad2.yaml &&
	test_must_fail aivalue apply -f bad2.yaml 2>err &&
	test_grep "bad2.yaml:5:9: hypothesis .other.: an event log gives expert_cycle_time, end_to_end_cycle_time, rework_rate or exception_rate per case, not .qualified_intent_rate." err &&
	aivalue audit checkpoint >after && test_cmp before after
'

test_expect_success 'proficiency_mix from a usage import with features: 2 of 5 active people use 3 or more' '
	aivalue report --format json -o r.json &&
	test "$(metric proficiency_mix state)" = missing &&
	for i in 1 2 3 4 5; do printf -- "---\nkind: Person\nname: p$i\ndisplay_name: P$i\nrole: clerk\nteam: finance\n" || return 1; done >ppl.yaml &&
	aivalue apply -f ppl.yaml >/dev/null &&
	cat >u.csv <<-CSV &&
	person,time,tool,feature
	p1,2026-11-20,chatgpt,chat
	p1,2026-11-20,chatgpt,docs
	p1,2026-11-21,chatgpt,code
	p2,2026-11-20,chatgpt,chat
	p2,2026-11-20,chatgpt,docs
	p2,2026-11-21,chatgpt,code
	p2,2026-11-22,chatgpt,agent
	p3,2026-11-20,chatgpt,chat
	p4,2026-11-20,chatgpt,chat
	p4,2026-11-21,chatgpt,docs
	p5,2026-11-22,chatgpt,chat
	p5,2026-10-01,chatgpt,docs
	p5,2026-10-02,chatgpt,code
	CSV
	aivalue import usage u.csv --format csv >/dev/null &&
	aivalue report --format json -o r.json &&
	test "$(metric proficiency_mix value)" = 0.4 &&
	metric proficiency_mix source >src && test_grep "5 people active in the 28 days" src
'

test_done
