#!/bin/sh
# t4150-change-show-typed.sh - `aivalue change show` and `change open`
# after their answer became one typed struct (change_cr_view): the text,
# --json, the API and the CR page print the same fields.  Worked out by
# hand from Acme's graph (examples/acme): SOP-12 reaches FORM-3
# (implements) and REQ-21 (derives-from) directly, CODE-5 and TEST-9
# through REQ-21; two CRs on SOP-12 overlap on all five artefacts.
# CR-1 is merged (the four impacted artefacts go stale) and camila.laurent
# reviews REQ-21, which clears that one mark.
. "$(dirname "$0")/lib.sh"

AIVALUE_FAKE_TIME=2026-11-02T09:00:00Z
export AIVALUE_FAKE_TIME
Q="'" # a single quote, for Python reprs inside test bodies
ALL="SOP-12 FORM-3 REQ-21 CODE-5 TEST-9"

test_expect_success 'set up Acme; CR-1 with evidence, CR-2 overlapping it' '
	aivalue init &&
	cat "$TEST_ROOT"/examples/acme/teams.yaml "$TEST_ROOT"/examples/acme/people.yaml >org.yaml &&
	aivalue apply -f org.yaml >/dev/null &&
	cp -r "$TEST_ROOT"/examples/acme/artefacts arts &&
	aivalue artefacts sync arts >/dev/null &&
	cp arts/sop-12.md v2.md &&
	echo "4. Photos are mandatory." >>v2.md &&
	printf "photo audit\n" >audit.txt &&
	aivalue change open --artefact SOP-12 --file v2.md --reason photos --as ayesha.khan \
		--evidence audit.txt --json >o1.json &&
	cp arts/sop-12.md v3.md &&
	echo "4. Photos are optional." >>v3.md &&
	aivalue change open --artefact SOP-12 --file v3.md --reason "no photos" \
		--as ayesha.khan --json >o2.json
'

test_expect_success 'open --json: the CR as show prints it, then the conflicts found now' '
	test "$(json_get o2.json "list(d)[-8:]")" = "[${Q}impact_count$Q, ${Q}impact$Q, ${Q}evidence$Q, ${Q}approval$Q, ${Q}signatures$Q, ${Q}stale_marks$Q, ${Q}conflicts_recorded$Q, ${Q}conflicts$Q]" &&
	test "$(json_get o2.json "[(c[\"cr\"], \" \".join(c[\"overlap\"])) for c in d[\"conflicts\"]]")" = "[(${Q}CR-1$Q, $Q$ALL$Q)]" &&
	test "$(json_get o2.json "[(c[\"with\"], c[\"resolved\"]) for c in d[\"conflicts_recorded\"]]")" = "[(${Q}CR-1$Q, False)]" &&
	test "$(json_get o1.json "d[\"conflicts\"]")" = "[]" &&
	test "$(json_get o1.json "\"finding\" in d")" = False &&
	test "$(json_get o1.json "list(d[\"impact\"][0])")" = "[${Q}depth$Q, ${Q}fingerprint$Q, ${Q}id$Q, ${Q}owner$Q, ${Q}owner_kind$Q, ${Q}path$Q, ${Q}version$Q, ${Q}via$Q]" &&
	test "$(json_get o1.json "[(i[\"id\"], i[\"depth\"], i[\"via\"]) for i in d[\"impact\"]]")" = "[(${Q}FORM-3$Q, 1, ${Q}implements$Q), (${Q}REQ-21$Q, 1, ${Q}derives-from$Q), (${Q}CODE-5$Q, 2, ${Q}implements$Q), (${Q}TEST-9$Q, 2, ${Q}verifies$Q)]" &&
	test "$(json_get o1.json "d[\"evidence\"]")" = "[{${Q}bytes$Q: 12, ${Q}name$Q: ${Q}audit.txt$Q, ${Q}sha256$Q: $Q$(sha256sum audit.txt | cut -c1-64)$Q}]"
'

test_expect_success 'merge CR-1, review REQ-21; show --json has no open-only keys' '
	aivalue change approve CR-1 --as kerem.sahin --meaning owner --reason ok >/dev/null &&
	aivalue change approve CR-1 --as camila.laurent --meaning owner --reason ok >/dev/null &&
	aivalue change merge CR-1 >/dev/null &&
	aivalue change review REQ-21 --as camila.laurent --reason fine >/dev/null &&
	aivalue change show CR-1 --json >s1.json &&
	test "$(json_get s1.json "list(d)[-7:]")" = "[${Q}impact_count$Q, ${Q}impact$Q, ${Q}evidence$Q, ${Q}approval$Q, ${Q}signatures$Q, ${Q}stale_marks$Q, ${Q}conflicts_recorded$Q]" &&
	test "$(json_get s1.json "[(m[\"artefact\"], m[\"open\"], m.get(\"cleared_by\")) for m in d[\"stale_marks\"]]")" = "[(${Q}CODE-5$Q, True, None), (${Q}FORM-3$Q, True, None), (${Q}REQ-21$Q, False, ${Q}camila.laurent$Q), (${Q}TEST-9$Q, True, None)]" &&
	test "$(json_get s1.json "list(d[\"stale_marks\"][2])")" = "[${Q}artefact$Q, ${Q}cause$Q, ${Q}open$Q, ${Q}cleared_at$Q, ${Q}cleared_by$Q]" &&
	test "$(json_get s1.json "[(c[\"with\"], c[\"resolved\"]) for c in d[\"conflicts_recorded\"]]")" = "[(${Q}CR-2$Q, True)]" &&
	test "$(json_get s1.json "[(s[\"decision\"], s[\"signer\"]) for s in d[\"signatures\"]]")" = "[(${Q}approve$Q, ${Q}kerem.sahin$Q), (${Q}approve$Q, ${Q}camila.laurent$Q), (${Q}review$Q, ${Q}camila.laurent$Q)]" &&
	test "$(json_get s1.json "(d[\"status\"], d[\"approval\"][\"approved\"], d[\"approval\"][\"approvers\"])")" = "(${Q}merged$Q, True, 2)"
'

test_expect_success 'show text: the same fields as lines' '
	aivalue change show CR-1 >s1.txt &&
	sed -e "s/record [0-9a-f]*\.\.\. ledger #[0-9]*/record H ledger #N/" s1.txt >got.txt &&
	cat >want.txt <<-\EOT &&
	CR-1  SOP-12  merged  risk medium  base v1
	author: ayesha.khan
	reason: photos
	evidence: audit.txt (12 bytes, sha256 SHA...)
	impact (4):
	  FORM-3     owner operations-claims-motor via implements    SOP-12 -> FORM-3
	  REQ-21     owner camila.laurent         via derives-from  SOP-12 -> REQ-21
	  CODE-5     owner engineering-digital    via implements    SOP-12 -> REQ-21 -> CODE-5
	  TEST-9     owner tunde.nwosu            via verifies      SOP-12 -> REQ-21 -> TEST-9
	approval path:
	  [x] owner of SOP-12: person '"'"'kerem.sahin'"'"' -- signed by kerem.sahin
	  [x] owner of impacted FORM-3 (implements): team '"'"'operations-claims-motor'"'"' -- signed by kerem.sahin
	  [x] owner of impacted REQ-21 (derives-from): person '"'"'camila.laurent'"'"' -- signed by camila.laurent
	  approvers 2 of quorum 2
	signature: approve by kerem.sahin at 2026-11-02T09:00:00.000000Z: "owner" (ok) record H ledger #N
	signature: approve by camila.laurent at 2026-11-02T09:00:00.000000Z: "owner" (ok) record H ledger #N
	signature: review by camila.laurent at 2026-11-02T09:00:00.000000Z: "reviewed against the new upstream and consistent" (fine) record H ledger #N
	STALE   CODE-5: stale because SOP-12 went v1->v2 via SOP-12 -> REQ-21 -> CODE-5 (CR-1)
	STALE   FORM-3: stale because SOP-12 went v1->v2 via SOP-12 -> FORM-3 (CR-1)
	cleared REQ-21: stale because SOP-12 went v1->v2 via SOP-12 -> REQ-21 (CR-1) -- reviewed by camila.laurent
	STALE   TEST-9: stale because SOP-12 went v1->v2 via SOP-12 -> REQ-21 -> TEST-9 (CR-1)
	conflict with CR-2 (resolved) on: SOP-12 FORM-3 REQ-21 CODE-5 TEST-9
	EOT
	sed -e "s/sha256 $(sha256sum audit.txt | cut -c1-16)\.\.\./sha256 SHA.../" got.txt >got2.txt &&
	test_cmp want.txt got2.txt
'

test_expect_success 'open text: the CR, then the conflict warning' '
	cp arts/sop-12.md v4.md &&
	echo "4. Photos when possible." >>v4.md &&
	aivalue change open --artefact SOP-12 --file v4.md --reason maybe --as ayesha.khan >o3.txt &&
	test "$(head -n 1 o3.txt)" = "CR-3  SOP-12  open  risk medium  base v2" &&
	test "$(tail -n 2 o3.txt)" = "conflict with CR-2 on: $ALL
warning: conflicts with CR-2 on: $ALL"
'

start_server --quiet

test_expect_success 'the API answers show --json; the CR page lists the marks and conflicts' '
	aivalue token create --name reader --role viewer >reader.tok 2>/dev/null &&
	curl -s -o api.json -H "Authorization: Bearer $(cat reader.tok)" "$AIV_URL/api/v1/changes/CR-1" &&
	aivalue change show CR-1 --json >cli.json &&
	python3 -c "import json,sys; sys.exit(json.load(open(\"api.json\")) != json.load(open(\"cli.json\")))" &&
	curl -s -o page.html -H "Authorization: Bearer $(cat reader.tok)" "$AIV_URL/changes/CR-1" &&
	test_grep "REQ-21</strong>: stale because SOP-12 went v1-&gt;v2 via SOP-12 -&gt; REQ-21 (CR-1) &mdash; reviewed by camila.laurent" page.html &&
	test_grep "<li>with <a href=\"/changes/CR-2\">CR-2</a> (resolved) on SOP-12 FORM-3 REQ-21 CODE-5 TEST-9</li>" page.html &&
	test_grep "<h2>Impact (4)</h2>" page.html
'

test_done
