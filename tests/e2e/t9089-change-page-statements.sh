#!/bin/sh
# t9089-change-page-statements.sh - a CR's page (/changes/CR-N) reads the
# CR and its signatures once for its summary, approval state and
# verification in one statement (change_show_verify), and the specs of every artefact its
# impact graph draws in one statement (apply_get_many), not one per
# artefact: a round trip each on PostgreSQL (issue 18).  Counted with
# AIVALUE_STORE_STATS (each store the server opened prints how many
# statements it ran when the server stops), not timed.  The page still
# draws every impacted artefact and checks the signature.  Runs on both
# backends.
. "$(dirname "$0")/lib.sh"

at() { AIVALUE_FAKE_TIME="$1" && export AIVALUE_FAKE_TIME; }
# open ARTEFACT-FILE: a CR on it by tunde.nwosu
open_cr() {
	cp "arts/$1.md" v.md &&
	echo "One more line." >>v.md &&
	aivalue change open --artefact "$(echo "$1" | tr a-z A-Z)" --file v.md --risk low \
		--reason "edit $1" --as tunde.nwosu >/dev/null
}
# served PAGE...: the statements one server (one worker thread, so one
# store whatever the request) ran to start, answer each page in turn and
# stop (the sum over its stores), printed; trips: the same run's round
# trips (statements sent together count once), in trips.out.  Both leave
# out the reads a 1 s limit repeats, whose number depends on how fast the
# requests come, not on the page: the token's check (a worker keeps a
# checked token for 1 s) and the kept values (the ledger head, the
# decision log's last entry: store_memo_*, read again after 1 s), a
# statement and a round trip each (AIVALUE_STORE_STATS=sql counts them)
served() {
	AIVALUE_STORE_STATS=sql && export AIVALUE_STORE_STATS &&
	start_server --threads 1 --no-warm --expire-every PT24H &&
	unset AIVALUE_STORE_STATS &&
	for p in "$@"; do
		curl -fsS -o page.html -H "Authorization: Bearer $(cat viewer.tok)" "$AIV_URL$p" ||
			return 1
	done &&
	stop_server &&
	sed -n -e "s/^aivalue: store: \([0-9]*\) runs: SELECT .* FROM tokens t WHERE t.hash = .*/\1/p" \
		-e "s/^aivalue: store: \([0-9]*\) runs: SELECT seq, hash FROM ledger ORDER BY seq DESC LIMIT 1$/\1/p" \
		-e "s/^aivalue: store: \([0-9]*\) runs: SELECT coalesce(max(seq), 0) FROM decision_log$/\1/p" \
		"$TEST_DIR/server.log" >repeats &&
	grep -q "^aivalue: store: [0-9]* runs: SELECT .* FROM tokens t WHERE t.hash = " "$TEST_DIR/server.log" &&
	r=$(awk "{ n += \$1 } END { print n + 0 }" repeats) &&
	sed -n "s/^aivalue: store: \([0-9]*\) round trips$/\1/p" "$TEST_DIR/server.log" >trips &&
	awk -v r="$r" "{ n += \$1 } END { print n - r }" trips >trips.out &&
	sed -n "s/^aivalue: store: \([0-9]*\) statements$/\1/p" "$TEST_DIR/server.log" >counts &&
	test -s counts &&
	awk -v r="$r" "{ n += \$1 } END { print n - r }" counts
}

test_expect_success 'CR-1 on TEST-9 (nothing depends on it), CR-2 on POL-7 (six artefacts do), approved once' '
	at 2026-11-03T09:00:00Z &&
	aivalue init >/dev/null &&
	cat "$TEST_ROOT"/examples/acme/teams.yaml "$TEST_ROOT"/examples/acme/people.yaml >org.yaml &&
	aivalue apply -f org.yaml >/dev/null &&
	cp -r "$TEST_ROOT"/examples/acme/artefacts arts &&
	aivalue artefacts sync arts >/dev/null &&
	open_cr test-9 &&
	open_cr pol-7 &&
	aivalue --json change show CR-2 >cr2.json &&
	test "$(json_get cr2.json "len(d[\"impact\"])")" = 6 &&
	aivalue change approve CR-2 --as sabine.muller --meaning "approved as owner" \
		--reason "read" >/dev/null &&
	aivalue token create --name v --role viewer 2>/dev/null >viewer.tok
'

test_expect_success 'the page of CR-2 draws its six impacted artefacts and a valid signature' '
	served /changes/CR-2 >/dev/null &&
	for a in $(json_get cr2.json "\" \".join(i[\"id\"] for i in d[\"impact\"])"); do
		test_grep "<tr><td>$a</td>" page.html || return 1
	done &&
	test_grep "Every signature verifies" page.html &&
	test_grep "sig-valid\">VALID" page.html
'

# a CR page: the CR with its signatures, stale marks, conflicts, content
# blob and the drawn artefacts' specs (5; 9 before); a signature adds its ledger
# entry, the artefacts it covers and the signer's eligibility for a slot
# (3; 9 more before, for this pair: the approvals and signatures read
# twice and one spec per impacted artefact)
test_expect_success 'a CR page: five statements, three more for a signature, none for six impacted artefacts' '
	n11=$(served /changes/CR-1 /changes/CR-1) &&
	n12=$(served /changes/CR-1 /changes/CR-2) &&
	n111=$(served /changes/CR-1 /changes/CR-1 /changes/CR-1) &&
	echo "statements: CR-1 twice $n11, CR-1 then CR-2 $n12, CR-1 three times $n111" &&
	test $((n111 - n11)) -le 5 &&
	test $((n12 - n11)) -le 3
'

# on PostgreSQL the CR's row, its stale marks, its conflicts and its
# proposed content go in one round trip (store_run_many, a libpq pipeline;
# four before), so a page of five statements waits for the server twice:
# for those and for the drawn artefacts' specs.  A signature's ledger
# entry, the artefacts it covers and its signer's teams (the approver's
# eligibility for a team slot) go with the specs (store_query_in_many):
# a signed CR's page waits twice too (eight times before pg18f, three
# before pg18h: the eligibility was a trip of its own).  Seen again by
# the same server, a page sends the specs of the artefacts it drew last
# time with the CR's reads, so an open CR's page waits once (twice
# before); a signed one too (twice before pg18j): its verification's
# reads (ledger entries, covered artefacts, blobs) and its signers' teams
# go with the CR's on the keys the last view asked for (chg_ahead_start).
# On SQLite, where a statement is a call, each counts as a round trip.
test_expect_success 'a CR page: two round trips on PostgreSQL (five before), one seen again; a signed one two, one seen again (eight, three, two)' '
	served /changes/CR-1 >/dev/null &&
	t1=$(cat trips.out) &&
	served /changes/CR-1 /changes/CR-1 >/dev/null &&
	t11=$(cat trips.out) &&
	n111=$(served /changes/CR-1 /changes/CR-1 /changes/CR-1) &&
	t111=$(cat trips.out) &&
	served /changes/CR-1 /changes/CR-2 >/dev/null &&
	t12=$(cat trips.out) &&
	served /changes/CR-1 /changes/CR-2 /changes/CR-2 >/dev/null &&
	t122=$(cat trips.out) &&
	echo "round trips: CR-1 $t1, twice $t11, three times $t111, CR-1 then CR-2 $t12, then CR-2 again $t122" &&
	test -n "$t1" && test -n "$t11" && test -n "$t111" && test -n "$t12" && test -n "$t122" &&
	case "$AIVALUE_DB" in
	postgres://* | postgresql://*)
		test $((t12 - t1)) = 2 &&
		test $((t11 - t1)) = 1 &&
		test $((t111 - t11)) = 1 &&
		test $((t122 - t12)) = 1 ;;
	*)
		test $((t111 - t11)) -le 5 &&
		test "$t111" = "$n111" ;;
	esac
'

# the drawn artefacts a page sent with the CR's reads are only a guess:
# when the CR names others than last time (here its impact list is
# emptied, the page seen, then restored), the page reads their specs
# after it and draws each impacted artefact with its type and title, as
# a server that never saw it does
keep_impact() { test_sql "CREATE TABLE kept_impact AS SELECT id, impact FROM change_requests"; }
set_impact_empty() { test_sql "UPDATE change_requests SET impact = '[]' WHERE id = 'CR-2'"; }
restore_impact() {
	test_sql "UPDATE change_requests SET impact = (SELECT k.impact FROM kept_impact k WHERE k.id = change_requests.id) WHERE id = 'CR-2'"
}
page() { curl -fsS -H "Authorization: Bearer $(cat viewer.tok)" "$AIV_URL$1" | sed "s/127.0.0.1:[0-9]*/HOST/g"; }
test_expect_success 'a page whose CR draws other artefacts than last time draws the new ones' '
	start_server --no-warm &&
	page /changes/CR-2 >fresh.html &&
	stop_server &&
	keep_impact &&
	set_impact_empty &&
	start_server --no-warm &&
	page /changes/CR-2 >empty.html &&
	test_grep "<h2>Impact (0)</h2>" empty.html &&
	restore_impact &&
	page /changes/CR-2 >again.html &&
	stop_server &&
	test_grep "<h2>Impact (6)</h2>" again.html &&
	test_cmp fresh.html again.html
'

test_done
