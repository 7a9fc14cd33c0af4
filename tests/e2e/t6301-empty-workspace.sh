#!/bin/sh
# t6301-empty-workspace - an empty workspace earns no phase: the CLI, the
# API and the pages say "not earned yet" and the overview shows the setup
# checklist (what to import, in what order, what each unlocks); with
# evidence the checklist goes and the phase reads "earned".  An unknown
# path answers a browser (Accept: text/html) with an HTML 404 page and an
# API client with JSON.
. "$(dirname "$0")/lib.sh"
. "$TEST_ROOT/tests/e2e/lib-demo.sh"

export AIVALUE_FAKE_TIME=2026-12-01T12:00:00Z

test_expect_success 'setup: an empty workspace and a viewer token' '
	aivalue init >/dev/null &&
	aivalue token create --name v --role viewer >viewer.tok
'

test_expect_success 'the CLI and its JSON: phase 1 is not earned without evidence' '
	aivalue phase >phase.txt &&
	test_grep "^Phase 1 of 3, not earned yet: Build fluency and trust (no evidence imported)" phase.txt &&
	! grep "Phase earned" phase.txt &&
	aivalue --json phase >phase.json &&
	test "$(json_get phase.json "d[\"evidenced\"]")" = False &&
	test "$(json_get phase.json "d[\"earned\"]")" = 1
'

test_expect_success 'the overview shows the setup checklist in import order' '
	start_server &&
	curl -fsS -H "Authorization: Bearer $(cat viewer.tok)" "$AIV_URL/" >o.html &&
	test_grep "Phase 1 of 3, not earned yet" o.html &&
	test_grep "Set up this workspace" o.html &&
	python3 -c "import re,sys; s=open(\"o.html\").read(); ol=s.split(\"<ol class=\\\"setup-steps\\\">\")[1].split(\"</ol>\")[0]; print(\"\\n\".join(re.findall(r\"<li.*?</li>\", ol)))" >steps &&
	test "$(wc -l <steps)" = 6 &&
	test "$(grep -c "class=\"todo\"" steps)" = 6 &&
	sed -n 2p steps | grep "aivalue import usage FILE --format F" &&
	sed -n 2p steps | grep "Unlocks: model 1" &&
	sed -n 3p steps | grep "aivalue assess org" &&
	! grep -E "Phase 1 of 3 earned" o.html &&
	curl -fsS -H "Authorization: Bearer $(cat viewer.tok)" "$AIV_URL/phase" >p.html &&
	test_grep "<h1>Phase 1 of 3, not earned yet" p.html &&
	test_grep "needs at least" p.html &&
	! grep -E "needs (&gt;=|==|&gt;)" p.html
'

test_expect_success 'an unknown path: an HTML page for a browser, JSON for an API client' '
	start_server &&
	code=$(curl -s -o nf.html -w "%{http_code} %{content_type}" -H "Accept: text/html,application/xhtml+xml" "$AIV_URL/no-such-page") &&
	test "$code" = "404 text/html; charset=utf-8" &&
	test_grep "<h1>Page not found</h1>" nf.html &&
	test_grep "There is no page at &#39;/no-such-page&#39;" nf.html &&
	code=$(curl -s -o nf.json -w "%{http_code} %{content_type}" "$AIV_URL/no-such-page") &&
	test "$code" = "404 application/json" &&
	json_get nf.json "d[\"error\"]" >e.txt &&
	test_grep "no such path" e.txt &&
	code=$(curl -s -o api.json -w "%{http_code}" -H "Accept: text/html" "$AIV_URL/api/v1/nothing") &&
	test "$code" = 404 &&
	json_get api.json "d[\"error\"]" &&
	stop_server
'

test_expect_success 'with evidence the phase is earned and the checklist goes' '
	workspace_reset &&
	aivalue_demo demo --size small --dir data >/dev/null &&
	aivalue token create --name v --role viewer >viewer.tok &&
	aivalue phase >phase.txt &&
	test_grep "^Phase 1 of 3 earned: Build fluency and trust" phase.txt &&
	aivalue --json phase >phase.json &&
	test "$(json_get phase.json "d[\"evidenced\"]")" = True &&
	start_server &&
	curl -fsS -H "Authorization: Bearer $(cat viewer.tok)" "$AIV_URL/" >o.html &&
	test_grep "Phase 1 of 3 earned" o.html &&
	! grep "Set up this workspace" o.html &&
	stop_server
'

test_done
