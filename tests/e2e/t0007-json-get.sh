#!/bin/sh
# t0007-json-get.sh - json_get (tests/e2e/lib.sh) reads a file with json's
# C scanner instead of `import json` (half the CPU of a start; docs/
# testing.md, "Timing"): it must read exactly what json.load reads, refuse
# what json.load refuses, and an expression naming json. still has it.
. "$(dirname "$0")/lib.sh"

DATA="$TEST_ROOT/tests/data/usage"

test_expect_success 'real exports and awkward values read as json.load reads them' '
	cat >odd.json <<-\EOT &&
	 {"a": [1, 2.5, 1e3, -0.0, 12345678901234567890, true, false, null],
	  "s": "\u00e9\ud83d\ude00\n\/\"", "n": {"x": NaN, "y": -Infinity},
	  "dup": 1, "dup": 2, "e": {}, "l": []}
	EOT
	printf "\t\r\n 42 \n" >num.json &&
	printf "\"just a string\"" >str.json &&
	for f in odd.json num.json str.json "$DATA"/copilot-users-example.json \
		"$DATA"/copilot-legacy-metrics.json "$DATA"/copilot-seats.json \
		"$DATA"/copilot-seats-mixed.json
	do
		json_get "$f" "repr(d)" >>got || return 1
	done &&
	python3 -S -c "import json, sys
for f in sys.argv[1:]: print(repr(json.load(open(f))))" odd.json num.json str.json \
		"$DATA"/copilot-users-example.json "$DATA"/copilot-legacy-metrics.json \
		"$DATA"/copilot-seats.json "$DATA"/copilot-seats-mixed.json >want &&
	test_cmp want got &&
	test "$(json_get odd.json "d[\"s\"]")" = "é😀
/\"" &&
	test "$(json_get odd.json "d[\"dup\"] + d[\"a\"][4] % 1000")" = 892 &&
	test "$(json_get odd.json "d[\"n\"][\"y\"]")" = -inf
'

test_expect_success 'what json.load refuses, json_get refuses, naming the file' '
	printf "{\"a\": 1} x" >extra.json &&
	printf "\357\273\277{}" >bom.json &&
	printf "{\"a\": [1, 2" >cut.json &&
	printf "{a: 1}" >key.json &&
	printf "\"tab\there\"" >ctl.json &&
	printf "[1,]" >comma.json &&
	: >empty.json &&
	printf "\f{}" >ff.json &&
	for f in extra bom cut key ctl comma empty ff
	do
		test_must_fail python3 -S -c "import json; json.load(open(\"$f.json\", encoding=\"utf-8\"))" 2>/dev/null &&
		test_must_fail json_get $f.json "d" >out 2>err &&
		test ! -s out &&
		test_grep "json_get: $f.json: " err || return 1
	done
'

test_expect_success 'an expression that names the json module gets it' '
	echo "{\"k\": [3, 1]}" >k.json &&
	test "$(json_get k.json "json.dumps(sorted(d[\"k\"]))")" = "[1, 3]"
'

test_done
