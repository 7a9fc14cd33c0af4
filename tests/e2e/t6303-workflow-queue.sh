#!/bin/sh
# t6303-workflow-queue - the control pages at scale on the small demo
# (fake now 2026-12-01): the workflow list flags claims-triage as running
# ahead of its gate (a phase 3 process initiative in pilot while phase 1 is
# earned) and counts overdue items; the workflow page shows the exception
# queue in tabs (pending, overdue, resolved) whose counts add up to the
# items of `aivalue exceptions list`, 20 a page, with one approval form.
# Tabs partition the items: pending in time, overdue (expired unanswered,
# or pending past due), resolved (approved or rejected).  The demo's
# pending items are due 8 hours after the load; the server runs two days
# later (2026-12-03), when its expirer has expired them: all overdue.
. "$(dirname "$0")/lib.sh"
. "$TEST_ROOT/tests/e2e/lib-demo.sh"

export AIVALUE_FAKE_TIME=2026-12-01T12:00:00Z

get() { curl -fsS -H "Authorization: Bearer $(cat viewer.tok)" "$AIV_URL$1"; }

test_expect_success 'setup: the small demo, its queue counted by the CLI' '
	aivalue_demo demo --size small --dir data >/dev/null &&
	aivalue token create --name v --role viewer >viewer.tok &&
	aivalue --json exceptions list >exc.json &&
	python3 - exc.json >want.txt <<-\PY &&
	import json, sys
	d = json.load(open(sys.argv[1]))
	items = d if isinstance(d, list) else d["items"]
	wf = [e for e in items if e.get("workflow") == "claims-triage"]
	for now in ("2026-12-01T12:00:01", "2026-12-03T12:00:00"):
	    over = [e for e in wf if e["state"] == "expired" or
	            (e["state"] == "pending" and e.get("due_at") and e["due_at"] < now)]
	    pend = [e for e in wf if e["state"] == "pending" and e not in over]
	    print(len(pend), len(over), len(wf) - len(pend) - len(over))
	PY
	head -1 want.txt >now.txt &&
	tail -1 want.txt >later.txt &&
	test "$(cut -d" " -f1 now.txt)" -gt 0 &&
	test "$(cut -d" " -f1 later.txt)" = 0
'

test_expect_success 'the workflow list: ahead of its gate, overdue counted' '
	AIVALUE_FAKE_TIME=2026-12-03T12:00:00Z start_server &&
	get /workflows >list.html &&
	python3 - list.html later.txt <<-\PY &&
	import re, sys
	s = open(sys.argv[1]).read()
	pend, over, res = open(sys.argv[2]).read().split()
	row = re.search(r"<tr><td><a href=\"/workflows/claims-triage\">.*?</tr>", s).group(0)
	assert "ahead of its gate" in row and "a phase 3 initiative; phase 1 is earned" in row, row
	nums = re.findall(r"<td class=\"num[^\"]*\">(\d+)</td>", row)
	assert nums[-2:] == [pend, over] and int(over) > 0, (nums, pend, over)
	other = re.search(r"<tr><td><a href=\"/workflows/customer-replies\">.*?</tr>", s).group(0)
	assert "within its gate" in other, other
	PY
	stop_server
'

test_expect_success 'the workflow page in time: tabs with counts, one form, paging' '
	start_server &&
	get /workflows/claims-triage >p.html &&
	get "/workflows/claims-triage?tab=resolved" >r.html &&
	python3 - p.html r.html now.txt <<-\PY &&
	import re, sys
	p, r = (open(f).read() for f in sys.argv[1:3])
	pend, over, res = open(sys.argv[3]).read().split()
	tabs = re.findall(r"(Pending|Overdue|Resolved) <span class=\"count\">(\d+)</span>", p)
	assert tabs == [("Pending", pend), ("Overdue", over), ("Resolved", res)], tabs
	assert p.count("<form hidden class=\"sign\"") == 1 and "id=\"act-queue\"" in p
	assert p.count("<option value=\"exc-") == int(pend)
	rows = lambda h: len(re.findall(r"<tr id=\"exc-row-", h))
	assert rows(p) == min(int(pend), 20) and rows(r) == min(int(res), 20), (rows(p), rows(r))
	assert "class=\"exc-pending\"" not in r, "a pending row on the resolved tab"
	if int(res) > 20:
	    assert "Page 1 of" in r and "tab=resolved&amp;page=2" in r
	PY
	get "/workflows/claims-triage?tab=resolved&page=2" >r2.html &&
	test "$(curl -s -o bad.html -w "%{http_code}" -H "Authorization: Bearer $(cat viewer.tok)" "$AIV_URL/workflows/claims-triage?tab=closed")" = 400 &&
	test_grep "tab &#39;closed&#39; is not pending, overdue or resolved" bad.html &&
	stop_server
'

test_expect_success 'two days later: the unanswered items are on the overdue tab' '
	AIVALUE_FAKE_TIME=2026-12-03T12:00:00Z start_server &&
	get "/workflows/claims-triage?tab=overdue" >o.html &&
	python3 - o.html later.txt <<-\PY &&
	import re, sys
	o = open(sys.argv[1]).read()
	pend, over, res = open(sys.argv[2]).read().split()
	assert re.search(r"Overdue <span class=\"count\">%s</span>" % over, o)
	assert len(re.findall(r"<tr id=\"exc-row-", o)) == min(int(over), 20)
	assert "class=\"exc-pending\"" not in o and "act-queue" not in o
	PY
	stop_server
'

test_done
