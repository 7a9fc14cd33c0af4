#!/bin/sh
# t9088-change-metrics-open-crs.sh - `change metrics` (and /changes) reads
# the open change requests and their approving signatures in two
# statements, not two per open CR (a round trip each on PostgreSQL, issue
# 18), and still finds the same approval state: which CRs wait for a
# required review, and how many approvals each person, team or function
# owes.  Counted with AIVALUE_STORE_STATS (the statements a command's
# store ran).  Runs on both backends.
. "$(dirname "$0")/lib.sh"

at() { AIVALUE_FAKE_TIME="$1" && export AIVALUE_FAKE_TIME; }
# open ARTEFACT-FILE: a CR on it by tunde.nwosu
open_cr() {
	cp "arts/$1.md" v.md &&
	echo "One more line." >>v.md &&
	aivalue change open --artefact "$(echo "$1" | tr a-z A-Z)" --file v.md --risk low \
		--reason "edit $1" --as tunde.nwosu >/dev/null
}
# statements: how many statements `change metrics --json` ran
statements() {
	AIVALUE_STORE_STATS=1 aivalue --json change metrics >m.json 2>stats &&
	sed -n "s/^aivalue: store: \([0-9]*\) statements$/\1/p" stats
}
backlog() {
	json_get m.json "json.dumps({\"awaiting\": [a[\"id\"] for a in d[\"awaiting_review\"]], \"backlog\": d[\"review_backlog\"]}, sort_keys=True)"
}

test_expect_success 'four open CRs, CR-2 approved by one of its three slots' '
	at 2026-11-03T09:00:00Z &&
	aivalue init >/dev/null &&
	cat "$TEST_ROOT"/examples/acme/teams.yaml "$TEST_ROOT"/examples/acme/people.yaml >org.yaml &&
	aivalue apply -f org.yaml >/dev/null &&
	cp -r "$TEST_ROOT"/examples/acme/artefacts arts &&
	aivalue artefacts sync arts >/dev/null &&
	open_cr test-9 &&
	open_cr pol-3 &&
	open_cr sop-12 &&
	open_cr req-21 &&
	aivalue change approve CR-2 --as sabine.muller --meaning "approved as owner" --reason "read" >/dev/null
'

test_expect_success 'the approval state of the open CRs' '
	n4=$(statements) &&
	echo "$n4" >n4 &&
	test -n "$n4" &&
	backlog >got &&
	cat >expect <<-\EOT &&
	{"awaiting": ["CR-1", "CR-2", "CR-3", "CR-4"], "backlog": {"camila.laurent": {"pending_approvals": 3, "stale": 0}, "engineering-digital": {"pending_approvals": 1, "stale": 0}, "kerem.sahin": {"pending_approvals": 2, "stale": 0}, "operations-claims-motor": {"pending_approvals": 1, "stale": 0}}}
	EOT
	test_cmp expect got
'

test_expect_success 'four more open CRs: more approvals owed, not one statement more' '
	open_cr form-3 &&
	open_cr code-5 &&
	open_cr rpt-1 &&
	open_cr sop-14 &&
	n8=$(statements) &&
	echo "statements with 4 open CRs: $(cat n4), with 8: $n8" &&
	test "$n8" -eq "$(cat n4)" &&
	json_get m.json "len(d[\"awaiting_review\"])" >got &&
	echo 8 >expect &&
	test_cmp expect got
'

test_done
