#!/bin/sh
# t0118-terminal-escape - the CLI never prints raw control characters from
# imported data.  A person applied with display name ESC [2J ("clear the
# screen") and an event log whose activity and resource carry ESC
# sequences (clear screen; set the window title, ended by BEL) print as
# \x1b[2J... in text output (get, logs, process, error messages), and
# --json stays valid JSON with the same values.  core/termsafe.h says what
# is escaped and how.
. "$(dirname "$0")/lib.sh"

# no_controls FILE: no byte below 0x20 but tab and newline, no DEL, no
# C1 control (U+0080..U+009F) in FILE
no_controls() {
	python3 -S - "$1" <<-\PY
	import re, sys
	b = open(sys.argv[1], "rb").read()
	bad = re.search(rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]", b)
	if bad:
	    print("# raw control byte at offset %d: %r" % (bad.start(), b[max(0, bad.start() - 20):bad.end() + 20]))
	    sys.exit(1)
	PY
}

aivalue init >/dev/null 2>&1
aivalue apply -f "$TEST_ROOT/examples/acme" >/dev/null

# YAML spells control characters as escapes in double quotes; the values
# hold the raw characters (ESC, CR, U+009B CSI).
cat >mallory.yaml <<-\EOF_
	kind: Person
	name: mallory
	display_name: "\e[2JMallory"
	role: "clerk\r\u009b31m"
	team: operations
EOF_
printf 'case,activity,time,resource\n' >log.csv
printf 'c1,"\033[2JRegister",2026-01-01T10:00:00Z,"\033]0;pwned\007bob"\n' >>log.csv
printf 'c1,Approve,2026-01-01T11:00:00Z,ana\n' >>log.csv
printf 'c2,"\033[2JRegister",2026-01-02T10:00:00Z,ana\n' >>log.csv
printf 'c2,Approve,2026-01-02T12:00:00Z,bob\n' >>log.csv

test_expect_success 'get person / get people: ESC shown as \x1b, CR as \x0d, CSI as \u009b' '
	aivalue apply -f mallory.yaml >/dev/null &&
	aivalue get person mallory >out &&
	no_controls out &&
	test_grep -F "display_name:" out &&
	test_grep -F "\\x1b[2JMallory" out &&
	test_grep -F "clerk\\x0d\\u009b31m" out &&
	aivalue get people >out &&
	no_controls out &&
	test_grep -F "\\x1b[2JMallory" out
'

test_expect_success 'get --json keeps the values (escaped as JSON)' '
	aivalue get person mallory --json >out.json &&
	no_controls out.json &&
	test "$(json_get out.json "d[\"display_name\"] == chr(27) + \"[2JMallory\"")" = True &&
	test "$(json_get out.json "d[\"role\"] == \"clerk\" + chr(13) + chr(0x9b) + \"31m\"")" = True
'

test_expect_success 'an event log: process stats text escapes activities and resources' '
	aivalue import cases log.csv --case case --activity activity --time time \
		--resource resource >out &&
	aivalue process stats log >out &&
	no_controls out &&
	test_grep -F "\\x1b[2JRegister > Approve" out &&
	aivalue process stats log --json >out.json &&
	no_controls out.json &&
	json_get out.json "d" >/dev/null
'

test_expect_success 'a log named with ESC: import and logs print it escaped' '
	aivalue import cases log.csv --case case --activity activity --time time \
		--resource resource --name "$(printf "x\033[2J")" >out &&
	no_controls out &&
	test_grep -F "imported log '"'"'x\x1b[2J'"'"'" out &&
	aivalue logs >out &&
	no_controls out &&
	test_grep -F "x\x1b[2J" out
'

test_expect_success 'error messages escape the names they quote' '
	printf "kind: Person\nname: eve\ndisplay_name: Eve\nrole: clerk\nteam: \"\\\\e[2Jnowhere\"\n" >eve.yaml &&
	test_must_fail --exit=1 aivalue apply -f eve.yaml 2>err &&
	no_controls err &&
	test_grep -F "field '"'"'team'"'"' is not a valid name: '"'"'\\x1b[2Jnowhere'"'"'" err
'

test_done
