#!/bin/sh
# t4000-change.sh - change control end to end on Acme's SOP/policy/contract
# graph (examples/acme/artefacts): register by sync, impact queries, a
# change request with its computed approval path, separation of duties,
# merge with transitive stale marks and their causes, signed reviews, done;
# AI-generated changes and governance-rate queueing; baselines; and every
# bad input leaving the store unchanged.
. "$(dirname "$0")/lib.sh"


Q="'" # a single quote, for Python reprs inside test bodies
# Each test body runs in a subshell, so each sets the time it acts at.
at() { AIVALUE_FAKE_TIME="$1" && export AIVALUE_FAKE_TIME; }
# The whole state: ledger head plus a dump of the database.
state() {
	aivalue audit checkpoint &&
	sqlite3 "$AIVALUE_DB" .dump | sha256sum
}
# unchanged CMD...: the command fails and nothing changes
unchanged() {
	state >before.state &&
	test_must_fail "$@" 2>err.txt &&
	state >after.state &&
	test_cmp before.state after.state
}

test_expect_success 'set up Acme and sync its artefacts' '
	at 2026-11-02T09:00:00Z &&
	aivalue init &&
	cat "$TEST_ROOT"/examples/acme/teams.yaml "$TEST_ROOT"/examples/acme/people.yaml >org.yaml &&
	aivalue apply -f org.yaml >/dev/null &&
	cp -r "$TEST_ROOT"/examples/acme/artefacts arts &&
	aivalue artefacts sync arts >out &&
	test_grep "10 registered, 0 updated, 0 unchanged, 0 proposed" out &&
	aivalue artefacts sync arts >out &&
	test_grep "0 registered, 0 updated, 10 unchanged" out &&
	aivalue --json get artefacts POL-7 >pol.json &&
	test "$(json_get pol.json "d[\"version\"]")" = 3 &&
	test "$(json_get pol.json "d[\"fingerprint\"]")" = "$(sha256sum arts/pol-7.md | cut -c1-64)"
'

test_expect_success SQLITE 'every artefact and edge carries its number, so the graph loads by integers' '
	echo "SELECT count(*), count(DISTINCT num), min(num), max(num) FROM artefacts;" |
		sqlite3 "$AIVALUE_DB" >out &&
	test "$(cat out)" = "10|10|1|10" &&
	cat >nums.sql <<-\EOF &&
	SELECT count(*) FROM artefact_edges e
	 WHERE e.src_num IS NOT (SELECT num FROM artefacts WHERE id = e.src)
	    OR e.dst_num IS NOT (SELECT num FROM artefacts WHERE id = e.dst);
	SELECT count(*) FROM artefact_edges;
	EOF
	sqlite3 "$AIVALUE_DB" <nums.sql >out &&
	test "$(head -1 out)" = 0 && test "$(tail -1 out)" -gt 8
'

test_expect_success 'impact of POL-7 is transitive, with paths' '
	aivalue --json graph impact POL-7 >imp.json &&
	test "$(json_get imp.json "d[\"count\"]")" = 8 &&
	test "$(json_get imp.json "[\" -> \".join(i[\"path\"]) for i in d[\"items\"] if i[\"id\"]==\"FORM-3\"][0]")" = "POL-7 -> SOP-12 -> FORM-3" &&
	aivalue graph impact POL-7 --kind form >out &&
	test_grep "1 artefact downstream" out &&
	aivalue graph impact POL-7 --depth 1 >out &&
	test_grep "depth limit stopped" out && ! grep -q FORM-3 out &&
	aivalue graph impact TEST-9 >out &&
	test_grep "nothing depends on .TEST-9." out &&
	aivalue graph impact POL-7 --kind contract >out &&
	test_grep "CON-2" out &&
	aivalue graph deps CODE-5 >out &&
	test_grep "POL-7 .*depth 3" out &&
	aivalue graph path POL-7 TEST-9 >out &&
	test_grep "POL-7 -(governed-by)-> SOP-12 -(derives-from)-> REQ-21 -(verifies)-> TEST-9" out &&
	aivalue graph path CON-2 TEST-9 >out &&
	test_grep "no dependency path" out &&
	aivalue graph cycles >out &&
	test_grep "no cycles among 10 artefacts" out
'

test_expect_success 'bad graph input is refused and changes nothing' '
	unchanged aivalue graph impact POL-99 && test_grep "unknown artefact .POL-99." err.txt &&
	cat >dangling.yaml <<-\EOT &&
	kind: Artefact
	name: SOP-99
	type: sop
	title: Orphan
	owner: kerem.sahin
	fingerprint: 0000000000000000000000000000000000000000000000000000000000000000
	depends_on: [POL-99]
	EOT
	unchanged aivalue apply -f dangling.yaml &&
	test_grep "dangling.yaml:7:.*refers to unknown artefact .POL-99." err.txt &&
	cat >cycle.yaml <<-\EOT &&
	kind: Artefact
	name: POL-7
	type: policy
	title: Claims handling policy
	owner: lotte.mulder
	path: arts/pol-7.md
	depends_on: [{id: FORM-3, type: derives-from}]
	EOT
	unchanged aivalue apply -f cycle.yaml &&
	test_grep "closes a cycle" err.txt &&
	mkdir bad && printf -- "---\nid: SOP-50\nkind: sop\ntitle: x\nowner: kerem.sahin\ndepends_on: [POL-7\n---\nbody\n" >bad/sop-50.md &&
	unchanged aivalue artefacts sync bad &&
	test_grep "bad/sop-50.md:[0-9]*:[0-9]*: invalid YAML" err.txt &&
	printf -- "---\nid: SOP-50\nkind: sop\ntitle: x\nowner: kerem.sahin\ncolour: red\n---\n" >bad/sop-50.md &&
	unchanged aivalue artefacts sync bad &&
	test_grep "bad/sop-50.md:6:1: .*unknown key .colour." err.txt &&
	printf -- "---\nid: SOP-50\nkind: memo\ntitle: x\nowner: kerem.sahin\n---\n" >bad/sop-50.md &&
	unchanged aivalue artefacts sync bad &&
	test_grep "bad/sop-50.md:3:7: artefact .SOP-50.: kind .memo." err.txt
'

test_expect_success 'a baseline records a Merkle root of every fingerprint' '
	at 2026-11-02T08:00:00Z &&
	aivalue --json baseline create release-1 >b1.json &&
	test "$(json_get b1.json "d[\"count\"]")" = 10 &&
	json_get b1.json "d[\"root\"]" >root1 &&
	test "$(wc -c <root1)" = 65 &&
	aivalue baseline diff release-1 @now >out &&
	test_grep "no difference" out &&
	unchanged aivalue baseline create release-1 &&
	test_grep "already exists" err.txt &&
	unchanged aivalue baseline diff release-1 release-9 &&
	test_grep "unknown baseline .release-9." err.txt
'

test_expect_success 'opening a change request computes impact and approval path' '
	at 2026-11-02T09:00:00Z &&
	cp arts/pol-7.md pol-7-v4.md &&
	echo "4. Claims are acknowledged by e-mail within one hour." >>pol-7-v4.md &&
	echo "Letter from the regulator, 28 Oct 2026: acknowledge claims in writing." >letter.txt &&
	aivalue --json change open --artefact POL-7 --file pol-7-v4.md --risk high \
		--reason "regulator requires written acknowledgement" --as karthik.verma \
		--evidence letter.txt >cr1.json &&
	test "$(json_get cr1.json "d[\"evidence\"][0][\"sha256\"]")" = "$(sha256sum letter.txt | cut -c1-64)" &&
	test "$(json_get cr1.json "d[\"id\"]")" = CR-1 &&
	test "$(json_get cr1.json "d[\"status\"]")" = open &&
	test "$(json_get cr1.json "\",\".join(sorted(i[\"id\"] for i in d[\"impact\"]))")" = "CODE-5,FORM-3,REQ-21,SOP-12,SOP-14,TEST-9" &&
	test "$(json_get cr1.json "\",\".join(s[\"kind\"]+\":\"+s[\"name\"] for s in d[\"approval\"][\"slots\"])")" = "person:lotte.mulder,function:legal,function:quality,person:kerem.sahin,person:leila.tehrani" &&
	test "$(json_get cr1.json "d[\"approval\"][\"quorum\"]")" = 3
'

test_expect_success 'bad change requests and signatures change nothing' '
	unchanged aivalue change open --artefact POL-99 --file pol-7-v4.md --reason r --as karthik.verma &&
	test_grep "unknown artefact .POL-99." err.txt &&
	unchanged aivalue change open --artefact SOP-14 --file pol-7-v4.md --as karthik.verma &&
	test_grep "missing --reason" err.txt &&
	unchanged aivalue change open --artefact SOP-14 --file pol-7-v4.md --reason r --as karthik.verma --base-version 2 &&
	test_grep "stale base: .SOP-14. is at version 1, not 2" err.txt &&
	unchanged aivalue change open --artefact SOP-14 --file arts/sop-14.md --reason r --as karthik.verma &&
	test_grep "no change" err.txt &&
	unchanged aivalue change approve CR-1 --as karthik.verma --meaning "approved" --reason ok &&
	test_grep "author cannot approve" err.txt &&
	unchanged aivalue change approve CR-1 --as ayesha.khan --meaning "approved" --reason ok &&
	test_grep "not on the approval path" err.txt &&
	unchanged aivalue change approve CR-1 --as lotte.mulder --meaning "approved as owner" &&
	test_grep "missing --reason" err.txt &&
	unchanged aivalue change approve CR-9 --as lotte.mulder --meaning m --reason r &&
	test_grep "unknown change request .CR-9." err.txt &&
	unchanged aivalue change merge CR-1 &&
	test_grep "only an approved change request can be merged" err.txt
'

test_expect_success 'a second CR on an overlapping impact set is a conflict' '
	at 2026-11-02T10:00:00Z &&
	cp arts/sop-12.md sop-12-v2.md && echo "4. Photos are mandatory." >>sop-12-v2.md &&
	aivalue change open --artefact SOP-12 --file sop-12-v2.md --reason "photos" --as ayesha.khan >out &&
	test_grep "warning: conflicts with CR-1 on: SOP-12 FORM-3 REQ-21 CODE-5 TEST-9" out &&
	cp arts/pol-7.md pol-7-alt.md && echo "4. Acknowledge by SMS." >>pol-7-alt.md &&
	aivalue change open --artefact POL-7 --file pol-7-alt.md --reason "sms" --as karthik.verma >out &&
	test_grep "warning: conflicts with CR-1 on: POL-7 SOP-12" out &&
	test_grep "warning: conflicts with CR-2 on: SOP-12 FORM-3" out
'

test_expect_success 'approvals by each slot reach the quorum' '
	at 2026-11-02T11:00:00Z &&
	aivalue change approve CR-1 --as lotte.mulder --meaning "approved as owner" --reason "text checked" >out &&
	test_grep "CR-1 is open" out &&
	aivalue change approve CR-1 --as iryna.tkachenko --meaning "approved for Legal" --reason "compliant" &&
	aivalue change approve CR-1 --as eline.bakker --meaning "approved for Quality" --reason "risk ok" &&
	aivalue change approve CR-1 --as kerem.sahin --meaning "approved as SOP-12 owner" --reason "feasible" >out &&
	test_grep "missing: owner of impacted SOP-14" out &&
	unchanged aivalue change approve CR-1 --as kerem.sahin --meaning again --reason again &&
	test_grep "already signed" err.txt &&
	aivalue change approve CR-1 --as leila.tehrani --meaning "approved as SOP-14 owner" --reason "feasible" >out &&
	test_grep "CR-1 is approved" out &&
	aivalue change verify CR-1 >out && test_grep "every signature verifies" out
'

test_expect_success 'merge marks the impact set stale, each with its cause' '
	at 2026-11-02T12:00:00Z &&
	aivalue change merge CR-1 >out &&
	test_grep "POL-7 v3 -> v4; 6 artefacts are stale" out &&
	test_grep "FORM-3 .*stale because POL-7 went v3->v4 via POL-7 -> SOP-12 -> FORM-3 (CR-1)" out &&
	test_grep "CR-2 is now changing SOP-12, which this merge made stale" out &&
	test_grep "CR-3 is now against a stale base" out &&
	test_cmp pol-7-v4.md arts/pol-7.md &&
	aivalue --json get artefacts POL-7 >pol.json &&
	test "$(json_get pol.json "d[\"version\"]")" = 4 &&
	aivalue change stale >out && test "$(wc -l <out)" = 6 &&
	! grep -q CON-2 out && ! grep -q RPT-1 out &&
	unchanged aivalue change approve CR-3 --as lotte.mulder --meaning m --reason r &&
	test_grep "CR-3 is against a stale base: .POL-7. is now version 4" err.txt &&
	aivalue artefacts sync arts >out && test_grep "10 unchanged, 0 proposed" out
'

test_expect_success 'editing covered content voids the signatures' '
	cp arts/pol-7.md keep.md && echo "tampered" >>arts/pol-7.md &&
	test_must_fail aivalue change verify CR-1 >out &&
	test_grep "VOID  approve by lotte.mulder" out &&
	test_grep "edited after signing" out &&
	cp keep.md arts/pol-7.md &&
	aivalue change verify CR-1 >out && test_grep "every signature verifies" out
'

test_expect_success 'reviews clear one stale mark each; the CR is done when all are clear' '
	at 2026-11-02T15:00:00Z &&
	unchanged aivalue change review FORM-3 --as leila.tehrani --reason "checked" &&
	test_grep "not its owner" err.txt &&
	unchanged aivalue change review FORM-3 --as ayesha.khan &&
	test_grep "missing --reason" err.txt &&
	unchanged aivalue change review CON-2 --as elena.ahmadi --reason "x" &&
	test_grep "not stale" err.txt &&
	aivalue change review FORM-3 --as ayesha.khan --reason "form already asks for e-mail" --no-impact >out &&
	test_grep "cleared CR-1 mark on FORM-3" out &&
	unchanged aivalue change review FORM-3 --as ayesha.khan --reason again &&
	aivalue change review SOP-12 --as kerem.sahin --reason "step 2 matches" &&
	aivalue change review SOP-14 --as leila.tehrani --reason "step 2 matches" &&
	aivalue change review REQ-21 --as camila.laurent --reason "one hour already" &&
	aivalue change review CODE-5 --as marco.greco --reason "no code change" --no-impact &&
	aivalue --json change show CR-1 >show.json &&
	test "$(json_get show.json "d[\"status\"]")" = merged &&
	aivalue change review TEST-9 --as tunde.nwosu --reason "scenario exists" >out &&
	test_grep "CR-1 is done" out &&
	aivalue change stale >out && test_grep "nothing is stale" out
'

test_expect_success 'AI-generated change: the agent never approves, the director never alone' '
	at 2026-11-03T09:00:00Z &&
	cp arts/test-9.md test-9-v2.md && echo "Scenario: e-mail within one hour." >>test-9-v2.md &&
	aivalue --json change open --artefact TEST-9 --file test-9-v2.md --risk low --reason "cover rule 4" \
		--as tunde.nwosu --generated-by claims-test-bot --model gpt-test >cr4.json &&
	test "$(json_get cr4.json "d[\"status\"]")" = open &&
	unchanged aivalue change approve CR-4 --as claims-test-bot --meaning ok --reason ok &&
	test_grep "an AI agent never approves" err.txt &&
	aivalue change approve CR-4 --as tunde.nwosu --meaning "approved as owner" --reason "reviewed diff" >out &&
	test_grep "CR-4 is open" out &&
	test_grep "cannot be its only approver" out &&
	aivalue change approve CR-4 --as camila.laurent --meaning "approved as manager" --reason "second pair of eyes" >out &&
	test_grep "CR-4 is approved" out &&
	aivalue change merge CR-4 >out && test_grep "0 artefacts are stale" out
'

test_expect_success 'AI changes are queued when governance is behind, with a finding' '
	at 2026-11-03T10:00:00Z &&
	sed -e "s/max_backlog_per_approver: 5/max_backlog_per_approver: 1/" \
		"$TEST_ROOT"/data/change-rules.yaml >tight.yaml &&
	cp arts/sop-14.md sop-14-v2.md && echo "3. Photos." >>sop-14-v2.md &&
	AIVALUE_CHANGE_RULES=tight.yaml aivalue change open --artefact SOP-14 --file sop-14-v2.md \
		--reason "photos" --as leila.tehrani --generated-by claims-test-bot --model gpt-test >out &&
	test_grep "queued: generation is outpacing governance" out &&
	aivalue --json change metrics >m.json &&
	test "$(json_get m.json "d[\"queued\"]")" = 1 &&
	test "$(json_get m.json "d[\"ai_generated\"][\"count\"]")" = 2 &&
	json_get m.json "d[\"findings\"][0][\"message\"]" | grep "outpacing governance" &&
	aivalue --json findings >f.json &&
	test "$(json_get f.json "[x[\"figures\"][\"queued_change_requests\"] for x in d[\"findings\"] if x[\"mode\"] == \"generation_outpaces_governance\"]")" = "[1]" &&
	aivalue findings | grep "limit 1); 1 AI-generated change request queued"
'

test_expect_success 'metrics: time to safe change, consistency, readiness' '
	aivalue change metrics >out &&
	test_grep "time to safe change, p90 *6.00 h" out &&
	test_grep "finding .*outpacing governance" out &&
	aivalue --json change metrics >m.json &&
	test "$(json_get m.json "d[\"time_to_safe_change_hours\"][\"done\"]")" = 2 &&
	test "$(json_get m.json "d[\"time_to_safe_change_hours\"][\"p90\"]")" = 6.0 &&
	test "$(json_get m.json "d[\"downstream_consistency\"][\"share\"]")" = 1.0 &&
	test "$(json_get m.json "d[\"audit_readiness\"][\"ready\"]")" = 1 &&
	test "$(json_get m.json "d[\"audit_readiness\"][\"share\"]")" = 0.5 &&
	test "$(json_get m.json "d[\"time_to_safe_change_hours\"][\"approval_median\"]")" = 0.0 &&
	test "$(json_get m.json "d[\"conflicts\"][\"count\"]")" = 7 &&
	test "$(json_get m.json "d[\"conflicts\"][\"open\"]")" = 3 &&
	test "$(json_get m.json "d[\"review_backlog\"][\"kerem.sahin\"][\"pending_approvals\"]")" = 2 &&
	test "$(json_get m.json "d[\"ai_generated\"][\"share\"]")" = 0.4
'

test_expect_success 'a queued CR is released when governance catches up' '
	at 2026-11-03T11:00:00Z &&
	aivalue change reject CR-2 --as kerem.sahin --meaning "rejected as SOP-12 owner" \
		--reason "superseded by CR-1" >out &&
	test_grep "CR-2 is rejected" out &&
	test_grep "released from the queue: CR-5" out &&
	aivalue --json findings >f.json &&
	test "$(json_get f.json "[x for x in d[\"findings\"] if x[\"mode\"] == \"generation_outpaces_governance\"]")" = "[]" &&
	aivalue --json change show CR-5 >cr5.json &&
	test "$(json_get cr5.json "d[\"status\"]")" = open
'

# The catalog metric review_backlog: open change requests waiting for a
# required approval for more than 5 working days (Monday to Friday),
# counted at the time of the reading.
backlog() {
	at "$1" && aivalue report --format json -o r.json 2>/dev/null &&
	json_get r.json "[m[\"value\"] for m in d[\"metrics\"] if m[\"id\"]==\"review_backlog\"][0]"
}
test_expect_success 'review_backlog counts approvals waiting more than 5 working days' '
	aivalue --json change metrics >m.json &&
	test "$(json_get m.json "[(c[\"id\"], c[\"opened_at\"][:10]) for c in d[\"awaiting_review\"]]")" = \
		"[(${Q}CR-3${Q}, ${Q}2026-11-02${Q}), (${Q}CR-5${Q}, ${Q}2026-11-03${Q})]" &&
	# CR-3 opened Monday 2 November, CR-5 Tuesday 3 November
	test "$(backlog 2026-11-06T12:00:00Z)" = 0.0 &&
	test "$(backlog 2026-11-09T12:00:00Z)" = 0.0 &&
	test "$(backlog 2026-11-10T12:00:00Z)" = 1.0 &&
	json_get r.json "[m[\"source\"] for m in d[\"metrics\"] if m[\"id\"]==\"review_backlog\"][0]" >src &&
	test_grep "1 of 2 open change requests waiting for a required approval have waited more than 5 working days" src &&
	test "$(backlog 2026-11-11T12:00:00Z)" = 2.0
'

cat >tamper.sql <<\EOT
UPDATE baselines SET items = replace(items, '"version":3', '"version":2') WHERE name = 'release-1';
EOT
test_expect_success SQLITE 'baseline diff lists exactly what changed and its impact' '
	at 2026-11-03T12:00:00Z &&
	aivalue baseline create release-2 &&
	aivalue --json baseline diff release-1 release-2 >d.json &&
	test "$(json_get d.json "\",\".join(c[\"id\"]+\":\"+str(c[\"from_version\"])+\">\"+str(c[\"to_version\"]) for c in d[\"changed\"])")" = "POL-7:3>4,TEST-9:1>2" &&
	test "$(json_get d.json "\",\".join(sorted(i[\"id\"] for i in d[\"impacted\"]))")" = "CODE-5,CON-2,FORM-3,REQ-21,RPT-1,SOP-12,SOP-14" &&
	test "$(json_get d.json "len(d[\"added\"]) + len(d[\"removed\"])")" = 0 &&
	sqlite3 "$AIVALUE_DB" <tamper.sql &&
	test_must_fail aivalue baseline diff release-1 release-2 2>err.txt &&
	test_grep "baseline .release-1. was tampered with" err.txt
'

cat >dangle.sql <<\EOT
INSERT INTO artefact_edges(src, dst, type) VALUES ('FORM-3', 'GHOST-1', 'implements');
EOT
test_expect_success SQLITE 'referenced artefacts cannot be deleted; a dangling edge is named' '
	unchanged aivalue delete artefact POL-7 &&
	test_grep "cannot delete artefact .POL-7.: artefact .CON-2. (field .depends_on.) still refers to it" err.txt &&
	sqlite3 "$AIVALUE_DB" <dangle.sql &&
	test_must_fail aivalue graph impact POL-7 2>err.txt &&
	test_grep "dangling edge .FORM-3. -> .GHOST-1.: no artefact .GHOST-1." err.txt &&
	echo "DELETE FROM artefact_edges WHERE dst = \"GHOST-1\";" | sqlite3 "$AIVALUE_DB" &&
	aivalue graph impact POL-7 >/dev/null
'

# the chain verifies; the baseline tampered with above is named by the state check
test_expect_success SQLITE 'the ledger verifies' '
	test_must_fail --exit=1 aivalue audit verify >out 2>err &&
	test_grep "ledger ok" out &&
	test_grep "^error: table baselines, row release-1: the items hash to root " err &&
	test_grep "^error: state verification failed: 1 difference " err &&
	aivalue audit log --action change. --all >out &&
	test_grep "change.merge" out && test_grep "change.no-impact" out
'

test_done
