#!/bin/sh
# make demo's script: scripts/demo runs `aivalue demo --serve`, every
# dataset loads through the real importers, the ledger verifies, and the
# server answers with the tokens it printed.  (DEMO_SIZE=small keeps the
# suite fast; make demo uses medium.)
. "$(dirname "$0")/lib.sh"

test_expect_success 'scripts/demo builds the demo workspace and serves it' '
	port=$(python3 -S -c "import socket; s=socket.socket(); s.bind((\"127.0.0.1\",0)); print(s.getsockname()[1]); s.close()") &&
	{ DEMO_SIZE=small DEMO_DIR="$TEST_DIR/demo" LISTEN="127.0.0.1:$port" "$TEST_ROOT/scripts/demo" >demo.log 2>&1 & } &&
	pid=$! &&
	i=0 && while ! curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; do
		i=$((i + 1)) && test $i -lt 1200 && sleep 0.1 || { cat demo.log; return 1; }
	done &&
	test_grep "ledger ok" demo.log &&
	test_grep "^  a year of AI usage .* s  [0-9]* usage rows" demo.log &&
	test_grep "dashboard:    http://127.0.0.1:$port/" demo.log &&
	tok=$(sed -n "s/^  viewer token: //p" demo.log) &&
	curl -fsS -H "Authorization: Bearer $tok" "http://127.0.0.1:$port/api/v1/initiatives" >i.json &&
	test "$(json_get i.json "d[\"count\"]")" = 6 &&
	adm=$(sed -n "s/^  admin token:  //p" demo.log) &&
	curl -fsS -H "Authorization: Bearer $adm" "http://127.0.0.1:$port/api/v1/exceptions" >x.json &&
	kill $pid &&
	{ wait $pid 2>/dev/null || :; }
'
test_expect_success 'the demo workspace holds every capability'"'"'s data' '
	export AIVALUE_DB="$TEST_DIR/demo/aivalue.db" &&
	aivalue adoption --json >a.json &&
	test "$(json_get a.json "d[\"events\"] > 10000")" = True &&
	aivalue findings --json >f.json &&
	test "$(json_get f.json "\",\".join(sorted(set(x[\"mode\"] for x in d[\"findings\"]) & {\"two_tier_workforce\", \"volume_over_credibility\", \"automating_before_controls\"}))")" = automating_before_controls,two_tier_workforce,volume_over_credibility &&
	aivalue graph impact POL-2 | test_grep "SOP-1" &&
	aivalue phase --json >p.json &&
	test "$(json_get p.json "[c[\"status\"] for c in d[\"criteria\"] if c[\"criterion\"] == \"repeat_use_spread\"][0]")" = pass &&
	test "$(json_get p.json "[c[\"status\"] for c in d[\"criteria\"] if c[\"criterion\"] == \"no_two_tier_workforce\"][0]")" = fail &&
	json_get p.json "[c[\"source\"] for c in d[\"criteria\"] if c[\"criterion\"] == \"repeat_use_spread\"][0]" | grep "adoption report" &&
	aivalue assess show --json >s.json &&
	aivalue logs --json >l.json &&
	test "$(json_get l.json "d[0][\"name\"]")" = claims-handling &&
	aivalue audit verify | test_grep "ledger ok"
'
test_done
