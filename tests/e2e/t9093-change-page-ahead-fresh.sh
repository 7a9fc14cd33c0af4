#!/bin/sh
# t9093-change-page-ahead-fresh.sh - a signed CR's page seen again sends
# its verification's reads (its signatures' ledger entries, the artefacts
# they cover, its evidence blobs) and its approvers' teams with the CR's
# own reads, on the keys its last view asked for (chg_ahead_start: one
# round trip on PostgreSQL, t9089).  Only the keys are remembered, never
# what is read: each view reads them all again, and reads after the CR's
# rows whatever those ask for that the guess did not name.  Here another
# process (the CLI, psql or sqlite3) changes each of those rows between
# two views of one server, and the page must show it: a ledger entry
# that no longer carries the record's hash, a covered artefact changed
# since signing, an evidence file changed, the approver moved out of the
# legal function, a second signature.  Runs on both backends.
. "$(dirname "$0")/lib.sh"

AIVALUE_FAKE_TIME=2026-11-03T09:00:00Z && export AIVALUE_FAKE_TIME
# one server for the whole file (a test body is a subshell: its URL and pid in files)
page() {
	curl -fsS -H "Authorization: Bearer $(cat viewer.tok)" "$(cat url)/changes/CR-1" >page.html
}
# seen: the page twice (the second view sends the guessed reads ahead)
seen() { page && page; }

test_expect_success 'CR-1 on POL-7 with evidence, approved by the legal function' '
	aivalue init >/dev/null &&
	cat "$TEST_ROOT"/examples/acme/teams.yaml "$TEST_ROOT"/examples/acme/people.yaml >org.yaml &&
	aivalue apply -f org.yaml >/dev/null &&
	cp -r "$TEST_ROOT"/examples/acme/artefacts arts &&
	aivalue artefacts sync arts >/dev/null &&
	cp arts/pol-7.md v.md &&
	echo "One more line." >>v.md &&
	echo "the evidence" >ev.txt &&
	aivalue change open --artefact POL-7 --file v.md --risk low --reason "edit" \
		--as tunde.nwosu --evidence ev.txt >/dev/null &&
	aivalue change approve CR-1 --as sabine.muller --meaning "approved for legal" \
		--reason "read" >/dev/null &&
	aivalue --json change show CR-1 >cr.json &&
	seq=$(json_get cr.json "d[\"signatures\"][0][\"ledger_seq\"]") &&
	rh=$(json_get cr.json "d[\"signatures\"][0][\"record_hash\"]") &&
	ev=$(json_get cr.json "d[\"evidence\"][0][\"sha256\"]") &&
	echo "$seq $rh $ev" >keys &&
	aivalue token create --name v --role viewer 2>/dev/null >viewer.tok &&
	start_server --threads 1 --no-warm &&
	echo "$AIV_URL" >url &&
	echo "$AIV_SERVER_PID" >pid &&
	seen &&
	test_grep "Every signature verifies" page.html &&
	test_grep "legal function (policy change)" page.html &&
	test_grep "sabine.muller" page.html
'

test_expect_success 'a ledger entry changed after the page was seen: the signature is invalid' '
	read seq rh ev <keys &&
	seen &&
	test_sql "UPDATE ledger SET payload = replace(payload, '\''$rh'\'', '\''$(printf "%064d" 7)'\'') WHERE seq = $seq" &&
	page &&
	test_grep "does not carry this record" page.html &&
	! grep -q "Every signature verifies" page.html &&
	test_sql "UPDATE ledger SET payload = replace(payload, '\''$(printf "%064d" 7)'\'', '\''$rh'\'') WHERE seq = $seq" &&
	page &&
	test_grep "Every signature verifies" page.html
'

test_expect_success 'a covered artefact changed after the page was seen: the page says so' '
	seen &&
	test_sql "CREATE TABLE kept_fp AS SELECT id, fingerprint FROM artefacts WHERE id = '\''POL-7'\''" &&
	test_sql "UPDATE artefacts SET fingerprint = '\''$(printf "%064d" 9)'\'' WHERE id = '\''POL-7'\''" &&
	page &&
	test_grep "changed since signing" page.html &&
	test_sql "UPDATE artefacts SET fingerprint = (SELECT k.fingerprint FROM kept_fp k WHERE k.id = artefacts.id) WHERE id = '\''POL-7'\''" &&
	page &&
	test_grep "Every signature verifies" page.html
'

test_expect_success 'an evidence file changed after the page was seen: the page says so' '
	read seq rh ev <keys &&
	seen &&
	test_sql "CREATE TABLE kept_blob AS SELECT sha256, content FROM change_blobs WHERE sha256 = '\''$ev'\''" &&
	test_sql "UPDATE change_blobs SET content = (SELECT b.content FROM change_blobs b WHERE b.sha256 <> '\''$ev'\'' ORDER BY b.sha256 LIMIT 1) WHERE sha256 = '\''$ev'\''" &&
	page &&
	! grep -q "Every signature verifies" page.html &&
	test_grep "ev.txt" page.html &&
	test_sql "UPDATE change_blobs SET content = (SELECT k.content FROM kept_blob k WHERE k.sha256 = change_blobs.sha256) WHERE sha256 = '\''$ev'\''" &&
	page &&
	test_grep "Every signature verifies" page.html
'

test_expect_success 'the approver moved out of the legal function after the page was seen: the slot is open' '
	seen &&
	test_grep "legal</strong></td><td><span class=\"status sig-valid\">&#10003;</span> sabine.muller" page.html &&
	sed -n "/^name: sabine.muller$/,/^---$/p" "$TEST_ROOT"/examples/acme/people.yaml |
		sed -e "s/^team: .*/team: operations-claims-motor/" -e "/^---$/d" >sabine.yaml &&
	(echo "kind: Person" && cat sabine.yaml) >moved.yaml &&
	aivalue apply -f moved.yaml >/dev/null &&
	page &&
	test_grep "legal</strong></td><td><span class=\"status sig-waiting\">" page.html &&
	aivalue apply -f org.yaml >/dev/null &&
	page &&
	test_grep "legal</strong></td><td><span class=\"status sig-valid\">&#10003;</span> sabine.muller" page.html
'

test_expect_success 'a second signature by the CLI after the page was seen: the page shows both, both verify' '
	seen &&
	aivalue change approve CR-1 --as lotte.mulder --meaning "approved as owner" \
		--reason "read too" >/dev/null &&
	page &&
	test_grep "lotte.mulder" page.html &&
	test "$(grep -o "sig-valid\">VALID" page.html | wc -l)" = 2 &&
	test_grep "Every signature verifies" page.html &&
	AIV_SERVER_PID=$(cat pid) &&
	stop_server
'

test_done
