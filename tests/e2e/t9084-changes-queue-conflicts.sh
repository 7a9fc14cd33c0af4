#!/bin/sh
# t9084-changes-queue-conflicts.sh - the /changes queue reads every
# recorded conflict in one read (not a change_show per CR: five round trips
# each on PostgreSQL, issue 18) and still lists each CR's open conflicts
# as `change show` does: oldest first, and the conflicts one opening found
# in the other CRs' number order (CR-2 before CR-10, not text order).
# Runs on both backends.
. "$(dirname "$0")/lib.sh"

at() { AIVALUE_FAKE_TIME="$1" && export AIVALUE_FAKE_TIME; }
# the open-conflicts cell of CR $1's row in q.html, its links' text joined by commas
cell() {
	python3 -S -c "import re,sys; s=open(\"q.html\").read(); r=[x for x in s.split(\"<tr>\") if x.startswith(\"<td><a href=\\\"/changes/\" + sys.argv[1] + \"\\\"\")][0]; c=r.split(\"<td\")[8]; print(\",\".join(re.findall(r\">(CR-[0-9]+)<\", c)) or \"none\")" "$1"
}

test_expect_success 'eleven CRs on POL-7, each in conflict with every earlier one' '
	at 2026-11-02T09:00:00Z &&
	aivalue init >/dev/null &&
	cat "$TEST_ROOT"/examples/acme/teams.yaml "$TEST_ROOT"/examples/acme/people.yaml >org.yaml &&
	aivalue apply -f org.yaml >/dev/null &&
	cp -r "$TEST_ROOT"/examples/acme/artefacts arts &&
	aivalue artefacts sync arts >/dev/null &&
	for i in 1 2 3 4 5 6 7 8 9 10 11; do
		at "2026-11-02T10:$((10 + i)):00Z" &&
		cp arts/pol-7.md v$i.md &&
		echo "4. Variant $i." >>v$i.md &&
		aivalue change open --artefact POL-7 --file v$i.md --reason "variant $i" \
			--as karthik.verma >/dev/null || return 1
	done &&
	aivalue --json change show CR-11 >cr11.json &&
	test "$(json_get cr11.json "\",\".join(c[\"with\"] for c in d[\"conflicts_recorded\"])")" = "CR-1,CR-2,CR-3,CR-4,CR-5,CR-6,CR-7,CR-8,CR-9,CR-10"
'

test_expect_success '/changes: each CR'\''s open conflicts as change show lists them' '
	aivalue token create --name v --role viewer 2>/dev/null >viewer.tok &&
	start_server &&
	curl -fsS -H "Authorization: Bearer $(cat viewer.tok)" "$AIV_URL/changes" >q.html &&
	stop_server &&
	test "$(cell CR-11)" = "CR-1,CR-2,CR-3,CR-4,CR-5,CR-6,CR-7,CR-8,CR-9,CR-10" &&
	test "$(cell CR-1)" = "CR-2,CR-3,CR-4,CR-5,CR-6,CR-7,CR-8,CR-9,CR-10,CR-11" &&
	test "$(cell CR-10)" = "CR-1,CR-2,CR-3,CR-4,CR-5,CR-6,CR-7,CR-8,CR-9,CR-11"
'

test_done
