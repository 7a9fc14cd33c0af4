#!/bin/sh
# t2050-ocel-forms.sh - every OCEL form (2.0 JSON, XML, SQLite; 1.0 JSON,
# XML), flattened on every object type, gives the figures of an
# independent recount (tests/e2e/ocel_check.py, Python standard library)
# and the hand-worked figures of docs/process.md.
. "$(dirname "$0")/lib.sh"

DATA="$TEST_ROOT/tests/data/eventlogs"
CHECK="$TEST_ROOT/tests/e2e/ocel_check.py"
PCHECK="$TEST_ROOT/tests/e2e/process_check.py"

# For each object type of FILE: import as PREFIX-TYPE, stats, compare with
# the recount (counts exactly, times to the millisecond).  Prints the types.
check_all() {
	python3 -S "$CHECK" types "$1" >types &&
	while read -r t; do
		aivalue import cases "$1" --object-type "$t" --name "$2-$t" >/dev/null &&
		aivalue --json process stats "$2-$t" >got.json &&
		python3 -S "$CHECK" ref "$1" "$t" >ref.json &&
		python3 -S "$PCHECK" got.json ref.json || return 1
	done <types &&
	tr '\n' , <types && echo
}

# "A B": 1 when logs A and B hold the same bytes (content_sha256)
same_content() {
	aivalue logs --json >logs.json &&
	json_get logs.json "int(len({x[\"content_sha256\"] for x in d if x[\"name\"] in (\"$1\", \"$2\")}) == 1)"
}

# cases events activities variants | duration min median max (seconds)
figs() {
	aivalue --json process stats "$1" >f.json &&
	json_get f.json "\"%d %d %d %d | %g %g %g\" % (d[\"cases\"], d[\"events\"], d[\"activities\"], d[\"variants\"], d[\"case_duration_seconds\"][\"min\"], d[\"case_duration_seconds\"][\"median\"], d[\"case_duration_seconds\"][\"max\"])"
}

test_expect_success 'init workspace' '
	aivalue init >/dev/null
'

test_expect_success 'OCEL 2.0 JSON: every object type equals the recount' '
	check_all "$DATA/ocel20_example.jsonocel" j >out &&
	echo "Invoice,Payment,Purchase Order,Purchase Requisition," >want &&
	test_cmp want out
'

test_expect_success 'OCEL 2.0 JSON: the hand-worked figures' '
	figs j-Invoice >got && echo "3 9 5 2 | 1.3356e+06 1.422e+06 2.2968e+06" >want && test_cmp want got &&
	figs j-Payment >got && echo "3 3 1 1 | 0 0 0" >want && test_cmp want got &&
	figs "j-Purchase Order" >got && echo "2 5 3 2 | 0 262350 524700" >want && test_cmp want got &&
	figs "j-Purchase Requisition" >got && echo "1 3 3 1 | 65700 65700 65700" >want && test_cmp want got
'

test_expect_success 'OCEL 2.0 XML: every object type equals the recount' '
	check_all "$DATA/ocel20_example.xmlocel" x >out &&
	echo "Invoice,Payment,Purchase Order,Purchase Requisition," >want &&
	test_cmp want out &&
	figs x-Invoice >got && echo "3 9 5 2 | 1.3356e+06 1.422e+06 2.2968e+06" >want && test_cmp want got
'

test_expect_success 'OCEL 2.0 SQLite (written from the JSON by the standard schema) equals the recount' '
	python3 -S "$CHECK" make-sqlite "$DATA/ocel20_example.jsonocel" p2p.sqlite &&
	test "$(python3 -S "$CHECK" form p2p.sqlite)" = ocel2-sqlite &&
	check_all p2p.sqlite s >out &&
	echo "Invoice,Payment,Purchase Order,Purchase Requisition," >want &&
	test_cmp want out &&
	figs "s-Purchase Order" >got && echo "2 5 3 2 | 0 262350 524700" >want && test_cmp want got
'

test_expect_success 'SQLite and JSON of one log store the same bytes; the XML times carry no offset' '
	for t in Invoice Payment "Purchase Order" "Purchase Requisition"; do
		test "$(same_content "j-$t" "s-$t")" = 1 || exit 1
	done &&
	test "$(same_content j-Invoice x-Invoice)" = 0 &&
	aivalue logs --json >logs.json &&
	json_get logs.json "\" \".join(x[\"first_event\"] for x in d if x[\"name\"] in (\"j-Invoice\", \"x-Invoice\"))" >got &&
	echo "2022-01-14T11:00:00.000000Z 2022-01-14T12:00:00.000000Z" >want &&
	test_cmp want got &&
	aivalue logs >logs.txt &&
	test_grep "^s-Invoice  *ocel2-sqlite " logs.txt &&
	test_grep "^x-Invoice  *ocel2-xml " logs.txt &&
	test_grep "^j-Invoice  *ocel2-json " logs.txt
'

test_expect_success 'reading the SQLite file never writes it' '
	sha256sum p2p.sqlite >before &&
	aivalue import cases p2p.sqlite --object-type Payment --name s2 >/dev/null &&
	sha256sum -c before
'

test_expect_success 'OCEL 1.0 JSON: every object type equals the recount' '
	check_all "$DATA/example_log.jsonocel" v1 >out &&
	echo "order,element,delivery," >want &&
	test_cmp want out &&
	figs v1-order >got && echo "3 12 8 3 | 172800 691200 950400" >want && test_cmp want got &&
	figs v1-element >got && echo "9 19 6 5 | 0 259200 3.20544e+07" >want && test_cmp want got &&
	figs v1-delivery >got && echo "3 8 4 2 | 86400 86400 518400" >want && test_cmp want got
'

test_expect_success 'OCEL 1.0 XML (the standard form of the same log) equals the recount and the JSON' '
	test "$(python3 -S "$CHECK" form "$DATA/example_log.xmlocel")" = ocel1-xml &&
	check_all "$DATA/example_log.xmlocel" v1x >out &&
	echo "order,element,delivery," >want &&
	test_cmp want out &&
	for t in order element delivery; do
		test "$(same_content "v1-$t" "v1x-$t")" = 1 || exit 1
	done
'

test_expect_success 'each import is one ledger entry and the ledger verifies' '
	aivalue audit verify
'

test_done
