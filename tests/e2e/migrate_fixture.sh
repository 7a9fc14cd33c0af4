# tests/e2e/migrate_fixture.sh - the workspace the migrate tests copy
# (t9050, t9051).  Source it after lib.sh.
#
# tutorial_workspace DB: in ./tut (a copy of examples/tutorial), a
# workspace DB with a little of everything: people and teams, identities,
# usage imports from three vendors (REAL and integer columns), an event log
# (BLOB chunks), a hypothesis, agents, a token, decisions (one escalated
# and approved), artefacts with a graph.
tutorial_workspace() {
	cp -R "$TEST_ROOT/examples/tutorial" tut &&
	(
		cd tut &&
		aivalue --db "$1" init &&
		aivalue --db "$1" apply -f org.yaml &&
		aivalue --db "$1" identities import identities.csv &&
		aivalue --db "$1" import usage exports/copilot-users-1-day.ndjson --format copilot-users &&
		aivalue --db "$1" import usage exports/m365-copilot-user-detail.csv --format m365-copilot &&
		aivalue --db "$1" import usage exports/chatgpt-user-engagement.csv --format chatgpt-enterprise &&
		aivalue --db "$1" import cases "$TEST_ROOT/tests/data/eventlogs/running-example.xes" \
			--name claims-log &&
		aivalue --db "$1" apply -f hypothesis.yaml &&
		aivalue --db "$1" apply -f agents.yaml &&
		aivalue --db "$1" token create --agent intake-bot --name intake-bot >intake-bot.token &&
		aivalue --db "$1" decide --agent intake-bot --action settle_claim \
			--resource "Claim::\"c-1001\"" --on-behalf-of tom \
			--context "{\"amount\": 1200, \"confidence\": 0.93}" &&
		aivalue --db "$1" decide --agent intake-bot --action settle_claim \
			--resource "Claim::\"c-1002\"" --on-behalf-of tom \
			--context "{\"amount\": 8200, \"confidence\": 0.91}" --json >esc.json &&
		item=$(json_get esc.json "d[\"exception_id\"]") &&
		aivalue --db "$1" exceptions approve "$item" --as maria --reason "invoice checked" &&
		aivalue --db "$1" artefacts sync artefacts
	)
}

# the read commands whose --json must not change with the copy
MIGRATE_READS="get:people adoption process:stats:claims-log decisions:list graph:impact:POL-1"

# same_reads DB1 DB2: each of MIGRATE_READS gives the same JSON on both
same_reads() {
	for r in $MIGRATE_READS; do
		aivalue --db "$1" $(echo "$r" | tr : " ") --json >reads.1 &&
		aivalue --db "$2" $(echo "$r" | tr : " ") --json >reads.2 &&
		test_cmp reads.1 reads.2 || return 1
	done
}
