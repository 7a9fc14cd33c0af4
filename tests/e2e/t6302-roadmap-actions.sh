#!/bin/sh
# t6302-roadmap-actions - every roadmap step is an action a person can
# take: it starts with a verb, names an owner from the initiatives or
# workflows, has Now/Next/Later and a due date, puts the leadership move
# first, and explains its priority in words; nothing restates a gate
# with operators ("needs == 0").  On the small demo (fake now 2026-12-01):
# rank 1 is the phase 1 gate "no open two-tier workforce finding", owned
# by the owner of a live (pilot or production) workforce initiative, due
# 30 days on, 2026-12-31; its priority 1 x 0.444 x 1.667 = 0.74 (weights
# phase 1: workforce 3, the phase 2 models 2 each, systems 1 (4 / 9), two
# phases after phase 1 of three).
. "$(dirname "$0")/lib.sh"
. "$TEST_ROOT/tests/e2e/lib-demo.sh"

export AIVALUE_FAKE_TIME=2026-12-01T12:00:00Z

test_expect_success 'setup: the small demo' '
	aivalue_demo demo --size small --dir data >/dev/null &&
	aivalue token create --name v --role viewer >viewer.tok &&
	aivalue --json roadmap >rm.json
'

test_expect_success 'rank 1: an action, its owner, now, due in 30 days, priority in words' '
	test "$(json_get rm.json "d[\"steps\"][0][\"action\"]")" = "Resolve the open two-tier findings (1 now; the gate needs exactly 0)" &&
	test "$(json_get rm.json "d[\"steps\"][0][\"horizon\"]")" = now &&
	test "$(json_get rm.json "d[\"steps\"][0][\"due\"]")" = 2026-12-31 &&
	test "$(json_get rm.json "d[\"steps\"][0][\"priority_how\"]")" = "Priority 0.74: gap 1.00 (how far the figure is from the gate) times impact 0.44 (the share of weight of the models it serves: Workforce empowerment) times dependency 1.67 (2 later phases build on it)"
'

test_expect_success 'the owner comes from a live initiative of the step model' '
	owner=$(json_get rm.json "d[\"steps\"][0][\"owner\"]") &&
	grep -B4 -A6 "^owner: $owner\$" data/org/initiatives.yaml >ini.txt &&
	test_grep "^model: workforce" ini.txt &&
	test_grep -E "^status: (pilot|production)" ini.txt &&
	# people read the owner by name: the display name of that person
	aivalue --json get people "$owner" >person.json &&
	test "$(json_get person.json "d[\"display_name\"]")" = "$(json_get rm.json "d[\"steps\"][0][\"owner_name\"]")" &&
	aivalue roadmap >rm.txt &&
	test_grep "^ *1  now .*  $(json_get rm.json "d[\"steps\"][0][\"owner_name\"]")  *Resolve " rm.txt &&
	test_grep "^ *1  gate step: " rm.txt
'

test_expect_success 'every step: verb first, horizon by rank, due date, an owner, no operators' '
	python3 - rm.json <<-\PY
	import json, re, sys
	d = json.load(open(sys.argv[1]))
	verbs = ("Resolve", "Raise", "Bring", "Measure", "Answer", "Make", "Pick", "Assess",
	         "Name", "Embed", "Give", "Gate", "Map", "Put", "Start", "Set", "Fix")
	due = {"now": "2026-12-31", "next": "2027-03-01", "later": "2027-05-30"}
	for i, s in enumerate(d["steps"]):
	    want = "now" if i < 3 else "next" if i < 7 else "later"
	    assert s["horizon"] == want, (i, s["horizon"])
	    assert s["due"] == due[want], (i, s["due"])
	    assert s["action"].split()[0].rstrip(":") in verbs, s["action"]
	    assert s["owner"] and s["owner_name"] and "." not in s["owner_name"], s
	    assert s["priority"] > 0, s
	    for k in ("action", "why", "priority_how"):
	        assert not re.search(r"[<>=]=|\bfails:", s[k]), s[k]
	    if s["kind"] == "finding":
	        assert s["move"] and s["action"].startswith(s["move"]), s
	PY
'

test_expect_success 'the pages: Now/Next/Later, owner and due date, the move first' '
	start_server &&
	curl -fsS -H "Authorization: Bearer $(cat viewer.tok)" "$AIV_URL/roadmap" >r.html &&
	test_grep "<span class=\"rm-when rm-now\">Now</span>" r.html &&
	test_grep "<strong class=\"rm-move\">Make good easy</strong><br>Make good easy: Two-tier workforce" r.html &&
	test_grep "Priority 0.74: gap 1.00" r.html &&
	! grep -E "needs (==|&gt;=)|fails: " r.html &&
	curl -fsS -H "Authorization: Bearer $(cat viewer.tok)" "$AIV_URL/" >o.html &&
	test_grep "Resolve the open two-tier findings (1 now; the gate needs exactly 0)<br><span class=\"small rm-who\">Owner: Ivan Ricci; due 2026-12-31" o.html &&
	stop_server
'

test_done
