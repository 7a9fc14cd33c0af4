#!/bin/sh
# t9086-change-metrics-verify-many.sh - `change metrics` verifies every
# merged change request's content, evidence and signatures together (a few
# statements for all of them, chg_verify_many; before, five or more per CR
# and one per artefact its signatures cover, each a round trip on
# PostgreSQL, issue 18) and still finds what `change verify` finds for
# each: edited evidence, missing evidence, an edited signature record, a
# covered file edited on disk.  Two AI-generated CRs on TEST-9, each
# approved by its owner and a manager and merged; CR-1 carries one
# evidence file, CR-2 none, so audit readiness is 1 of 2 (a CR needs
# evidence).  The signatures' ledger entries are read in one statement
# (ledger_walk_seqs), not one per signature: a second merged CR and its
# two signatures add no statement; `change verify` of one CR goes the same
# way (an evidence file adds no statement).  Runs on both backends.
. "$(dirname "$0")/lib.sh"

at() { AIVALUE_FAKE_TIME="$1" && export AIVALUE_FAKE_TIME; }
# statements: how many statements `change metrics --json` ran (AIVALUE_STORE_STATS)
statements() {
	AIVALUE_STORE_STATS=1 aivalue --json change metrics >m.json 2>stats &&
	sed -n "s/^aivalue: store: \([0-9]*\) statements$/\1/p" stats
}
ready() {
	aivalue --json change metrics >m.json &&
	json_get m.json "\"%s of %s\" % (d[\"audit_readiness\"][\"ready\"], d[\"audit_readiness\"][\"merged\"])"
}

test_expect_success 'two merged AI-generated CRs, one with evidence: 1 of 2 ready' '
	at 2026-11-03T09:00:00Z &&
	aivalue init >/dev/null &&
	cat "$TEST_ROOT"/examples/acme/teams.yaml "$TEST_ROOT"/examples/acme/people.yaml >org.yaml &&
	aivalue apply -f org.yaml >/dev/null &&
	cp -r "$TEST_ROOT"/examples/acme/artefacts arts &&
	aivalue artefacts sync arts >/dev/null &&
	printf "scenario review\n" >review.txt &&
	cp arts/test-9.md v2.md &&
	echo "Scenario: e-mail within one hour." >>v2.md &&
	aivalue change open --artefact TEST-9 --file v2.md --risk low --reason "cover rule 4" \
		--as tunde.nwosu --generated-by claims-test-bot --model gpt-test \
		--evidence review.txt >/dev/null &&
	aivalue change approve CR-1 --as tunde.nwosu --meaning "approved as owner" --reason "diff read" >/dev/null &&
	aivalue change approve CR-1 --as camila.laurent --meaning "approved as manager" --reason "second look" >/dev/null &&
	aivalue change merge CR-1 >/dev/null &&
	statements >n1 &&
	cp v2.md v3.md &&
	echo "Scenario: SMS within one day." >>v3.md &&
	aivalue change open --artefact TEST-9 --file v3.md --risk low --reason "cover SMS" \
		--as tunde.nwosu --generated-by claims-test-bot --model gpt-test >/dev/null &&
	aivalue change approve CR-2 --as tunde.nwosu --meaning "approved as owner" --reason "diff read" >/dev/null &&
	aivalue change approve CR-2 --as camila.laurent --meaning "approved as manager" --reason "second look" >/dev/null &&
	aivalue change merge CR-2 >/dev/null &&
	n2=$(statements) &&
	echo "statements with 1 merged CR (2 signatures): $(cat n1), with 2 (4 signatures): $n2" &&
	test -s n1 &&
	test "$n2" -eq "$(cat n1)" &&
	aivalue change verify CR-1 >out &&
	test_grep "every signature verifies" out &&
	test "$(ready)" = "1 of 2"
'

test_expect_success 'change verify of one CR: its evidence in the same statement as its content' '
	AIVALUE_STORE_STATS=1 aivalue change verify CR-1 >out 2>stats1 &&
	AIVALUE_STORE_STATS=1 aivalue change verify CR-2 >out 2>stats2 &&
	test_grep "every signature verifies" out &&
	grep "^aivalue: store: [0-9]* statements$" stats1 >n1 &&
	grep "^aivalue: store: [0-9]* statements$" stats2 >n2 &&
	echo "CR-1 (one evidence file): $(cat n1); CR-2 (none): $(cat n2)" &&
	test_cmp n1 n2
'

test_expect_success 'edited evidence: change verify and the metrics both see it' '
	test_sql "UPDATE change_blobs SET content = content || content WHERE sha256 = '\''$(sha256sum review.txt | cut -c1-64)'\''" &&
	test_must_fail aivalue change verify CR-1 >out &&
	test_grep "evidence .review.txt. is altered" out &&
	test "$(ready)" = "0 of 2"
'

test_expect_success 'evidence missing; the same file attached to CR-2: both ready' '
	test_sql "DELETE FROM change_blobs WHERE sha256 = '\''$(sha256sum review.txt | cut -c1-64)'\''" &&
	test_must_fail aivalue change verify CR-1 >out &&
	test_grep "evidence .review.txt. is missing" out &&
	test "$(ready)" = "0 of 2" &&
	aivalue change attach CR-2 review.txt --as tunde.nwosu >/dev/null &&
	aivalue change verify CR-1 >out &&
	test_grep "every signature verifies" out &&
	test "$(ready)" = "2 of 2"
'

test_expect_success 'an edited signature record of CR-1: CR-2 alone is ready' '
	test_sql "UPDATE change_signatures SET record = record || '\'' '\'' WHERE cr = '\''CR-1'\'' AND signer = '\''camila.laurent'\''" &&
	test_must_fail aivalue change verify CR-1 >out &&
	test_grep "signature record was edited" out &&
	aivalue change verify CR-2 >out &&
	test_grep "every signature verifies" out &&
	test "$(ready)" = "1 of 2"
'

test_expect_success 'TEST-9 edited on disk after CR-2 merged it: CR-2 not ready either' '
	cp arts/test-9.md keep.md &&
	echo "tampered" >>arts/test-9.md &&
	test_must_fail aivalue change verify CR-2 >out &&
	test_grep "content of .TEST-9. at .* was edited after signing" out &&
	test "$(ready)" = "0 of 2" &&
	cp keep.md arts/test-9.md &&
	test "$(ready)" = "1 of 2"
'

test_expect_success '/changes shows the same audit readiness: 1 of 2 is 50%' '
	aivalue token create --name v --role viewer 2>/dev/null >viewer.tok &&
	start_server &&
	curl -fsS -H "Authorization: Bearer $(cat viewer.tok)" "$AIV_URL/changes" >q.html &&
	stop_server &&
	python3 -S -c "import re,sys; s=open(\"q.html\").read(); print(re.search(r\"value.>([^<]*)</div><div class=.label.>audit readiness<\", s).group(1))" >got &&
	echo "50%" >expect &&
	test_cmp expect got
'

test_expect_success 'a signature row of CR-2 pointing at another ledger entry: CR-2 not ready' '
	test_sql "UPDATE change_signatures SET ledger_seq = ledger_seq - 1 WHERE cr = '\''CR-2'\'' AND signer = '\''camila.laurent'\''" &&
	test_must_fail aivalue change verify CR-2 >out &&
	test_grep "the ledger entry does not carry this record.s hash" out &&
	test "$(ready)" = "0 of 2" &&
	test_sql "UPDATE change_signatures SET ledger_seq = ledger_seq + 1 WHERE cr = '\''CR-2'\'' AND signer = '\''camila.laurent'\''" &&
	aivalue change verify CR-2 >out &&
	test "$(ready)" = "1 of 2"
'

test_done
