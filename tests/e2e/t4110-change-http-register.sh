#!/bin/sh
# t4110-change-http-register - the change-control operations that only the
# CLI had, over HTTP, on Acme's artefacts: registering artefacts and edges
# (the apply engine), syncing a folder and importing a Doorstop tree below
# the server's directory, attaching evidence files to a change request
# (hashed, stored content-addressed, size-limited; also `change attach`),
# baselines (create, list, diff with the impacted set), conflicts, and
# graph path and cycles.  Each answer equals what the matching --json command prints;
# every refusal (role, bad input naming the field, a dangling edge, a
# forbidden cycle, a path outside the server's directory, a duplicate, a
# file too big) leaves the store and the ledger unchanged.
. "$(dirname "$0")/lib.sh"
. "$TEST_ROOT/tests/e2e/change_http.sh"
aivalue token create --name root --role admin >root.tok 2>/dev/null
aivalue token create --name karthik.verma --role lead >karthik.verma.tok 2>/dev/null
for p in lotte.mulder kerem.sahin; do
	aivalue token create --name $p --role approver >$p.tok 2>/dev/null
done
aivalue token create --name reader --role viewer >reader.tok 2>/dev/null
aivalue token create --name audit --role auditor >audit.tok 2>/dev/null
aivalue token create --name numbers --role analyst >analyst.tok 2>/dev/null
aivalue token create --name bot --role agent --agent claims-bot >bot.tok 2>/dev/null

# the same reads and edits of a stored file in each engine's words: its
# content in upper-case hex, one zero byte, and the blob of a file
if test_have_prereq SQLITE; then
	HEX="hex(content)" ZERO="zeroblob(1)"
	blob() { echo "X'$(od -An -v -tx1 "$1" | tr -d " \n")'"; }
else
	HEX="upper(encode(content, 'hex'))" ZERO="decode('00', 'hex')"
	blob() { echo "decode('$(od -An -v -tx1 "$1" | tr -d " \n")', 'hex')"; }
fi

# a Doorstop tree: SYS (top) <- LLR (links to SYS items)
mkdir -p reqs/sys reqs/llr outside
printf 'settings:\n  digits: 3\n  prefix: SYS\n  sep: ""\n' >reqs/sys/.doorstop.yml
printf 'active: true\nlevel: 1.0\nnormative: true\ntext: |\n  Claims are acknowledged within one hour.\n' >reqs/sys/SYS001.yml
printf 'active: true\nlevel: 1.1\nnormative: true\ntext: Claims are triaged by severity.\n' >reqs/sys/SYS002.yml
printf 'active: true\nlevel: 1.0\nnormative: false\ntext: Heading only\n' >reqs/sys/SYS003.yml
printf 'settings:\n  digits: 3\n  parent: SYS\n  prefix: LLR\n  sep: "-"\n' >reqs/llr/.doorstop.yml
printf 'active: true\nlevel: 1.0\nlinks:\n- SYS001: 7e1b\nnormative: true\ntext: The portal sends an e-mail on intake.\n' >reqs/llr/LLR-001.yml
printf 'active: true\nlevel: 1.1\nlinks:\n- SYS001\n- SYS002\nnormative: true\ntext: Severity is set at intake.\n' >reqs/llr/LLR-002.yml
printf -- '---\nid: SOP-77\nkind: sop\ntitle: Outside\nowner: kerem.sahin\n---\n' >outside/sop-77.md

# the server runs in this directory: sync and import read below it
start_server --quiet

test_expect_success 'sync over the API registers the folder, as artefacts sync does' '
	refused 403 "$(tok reader)" /api/v1/artefacts/sync "{\"dir\":\"arts\"}" "role .viewer. may not POST" &&
	refused 403 "$(tok lotte.mulder)" /api/v1/artefacts/sync "{\"dir\":\"arts\"}" "role .approver. may not POST" &&
	refused 400 "$(tok karthik.verma)" /api/v1/artefacts/sync "{\"dir\":\"/etc\"}" \
		"field .dir. must be a relative path" &&
	refused 400 "$(tok karthik.verma)" /api/v1/artefacts/sync "{\"dir\":\"arts/../..\"}" \
		"field .dir. must be a relative path without .\.\.." &&
	ln -s /tmp escape &&
	refused 400 "$(tok karthik.verma)" /api/v1/artefacts/sync "{\"dir\":\"escape\"}" \
		"leads outside the server.s working directory" &&
	refused 400 "$(tok karthik.verma)" /api/v1/artefacts/sync "{\"dir\":\"nowhere\"}" \
		"field .dir.: cannot open .nowhere." &&
	refused 400 "$(tok karthik.verma)" /api/v1/artefacts/sync "{\"folder\":\"arts\"}" \
		"unknown field .folder." &&
	refused 400 "$(tok karthik.verma)" /api/v1/artefacts/sync "{\"dir\":\"arts\",\"dry_run\":\"yes\"}" \
		"field .dry_run. must be true or false" &&
	state >before.state &&
	test "$(post "$(tok karthik.verma)" /api/v1/artefacts/sync "{\"dir\":\"arts\",\"dry_run\":true}")" = 200 &&
	test "$(json_get out.json "len(d[\"registered\"])")" = 10 &&
	state >after.state && test_cmp before.state after.state &&
	test "$(post "$(tok karthik.verma)" /api/v1/artefacts/sync "{\"dir\":\"arts\"}")" = 200 &&
	test "$(json_get out.json "\",\".join(sorted(d[\"registered\"]))")" = "CODE-5,CON-2,FORM-3,POL-3,POL-7,REQ-21,RPT-1,SOP-12,SOP-14,TEST-9" &&
	aivalue artefacts sync arts >out &&
	test_grep "0 registered, 0 updated, 10 unchanged" out
'

REG='{"name": "FORM-8", "type": "form", "title": "Claim acknowledgement letter",
      "owner": "kerem.sahin", "uri": "https://docs.acme.example/form-8",
      "content": "Dear customer, we received your claim.\n",
      "depends_on": [{"id": "POL-7", "type": "governed-by"}, "SOP-12"]}'
test_expect_success 'registering artefacts and edges over the API goes through apply' '
	refused 403 "$(tok lotte.mulder)" /api/v1/artefacts "$REG" "role .approver. may not POST" &&
	refused 403 "$(tok bot)" /api/v1/artefacts "$REG" "" &&
	state >before.state &&
	test "$(post "$(tok karthik.verma)" "/api/v1/artefacts?dry_run=1" "$REG")" = 200 &&
	test "$(json_get out.json "d[\"created\"]")" = 1 &&
	state >after.state && test_cmp before.state after.state &&
	test "$(post "$(tok karthik.verma)" /api/v1/artefacts "$REG")" = 200 &&
	test "$(json_get out.json "d[\"items\"][0][\"op\"]")" = created &&
	aivalue --json get artefacts FORM-8 >a.json &&
	test "$(json_get a.json "d[\"fingerprint\"]")" = "$(printf "Dear customer, we received your claim.\n" | sha256sum | cut -c1-64)" &&
	test "$(json_get a.json "d[\"owner\"]")" = kerem.sahin &&
	aivalue --json graph impact POL-7 >imp.json &&
	test "$(json_get imp.json "[\" -> \".join(i[\"path\"]) for i in d[\"items\"] if i[\"id\"]==\"FORM-8\"][0]")" = "POL-7 -> FORM-8" &&
	test "$(json_get imp.json "[i[\"via\"] for i in d[\"items\"] if i[\"id\"]==\"FORM-8\"][0]")" = governed-by &&
	test "$(post "$(tok root)" /api/v1/artefacts "[$REG]")" = 200 &&
	test "$(json_get out.json "d[\"unchanged\"]")" = 1 &&
	aivalue audit log --limit 3 >log.txt &&
	test_grep "token:karthik.verma" log.txt
'

test_expect_success 'bad artefacts over the API: 400 naming the item and field, nothing changes' '
	refused 400 "$(tok karthik.verma)" /api/v1/artefacts "" "empty body" &&
	refused 400 "$(tok karthik.verma)" /api/v1/artefacts "{\"name\":" "invalid JSON" &&
	refused 400 "$(tok karthik.verma)" /api/v1/artefacts "[]" "non-empty array" &&
	refused 400 "$(tok karthik.verma)" /api/v1/artefacts "[1]" "item 0 must be an artefact object" &&
	refused 400 "$(tok karthik.verma)" /api/v1/artefacts \
		"{\"name\":\"FORM-9\",\"type\":\"form\",\"title\":\"t\",\"owner\":\"kerem.sahin\",\"path\":\"/etc/passwd\"}" \
		"item 0: field .path. names a file on the server" &&
	refused 400 "$(tok karthik.verma)" /api/v1/artefacts \
		"{\"name\":\"FORM-9\",\"type\":\"form\",\"title\":\"t\",\"owner\":\"kerem.sahin\",\"colour\":\"red\"}" \
		"item 0: unknown field .colour." &&
	refused 400 "$(tok karthik.verma)" /api/v1/artefacts \
		"{\"kind\":\"Team\",\"name\":\"x\"}" "field .kind. must be \\\\\"Artefact\\\\\"" &&
	refused 400 "$(tok karthik.verma)" /api/v1/artefacts \
		"{\"name\":\"FORM-9\",\"type\":\"form\",\"title\":\"t\",\"owner\":\"kerem.sahin\",\"content\":\"a\",\"fingerprint\":\"0000000000000000000000000000000000000000000000000000000000000000\"}" \
		"field .fingerprint. .* does not match the SHA-256 of .content." &&
	refused 400 "$(tok karthik.verma)" /api/v1/artefacts \
		"{\"name\":\"FORM-9\",\"type\":\"memo\",\"title\":\"t\",\"owner\":\"kerem.sahin\",\"content\":\"a\"}" \
		"type .memo. is not one of" &&
	refused 400 "$(tok karthik.verma)" /api/v1/artefacts \
		"{\"name\":\"FORM-9\",\"type\":\"form\",\"title\":\"t\",\"owner\":\"kerem.sahin\",\"content\":\"a\",\"depends_on\":[\"POL-99\"]}" \
		"refers to unknown artefact .POL-99." &&
	refused 400 "$(tok karthik.verma)" /api/v1/artefacts \
		"{\"name\":\"POL-7\",\"type\":\"policy\",\"title\":\"Claims handling policy\",\"owner\":\"lotte.mulder\",\"uri\":\"u\",\"fingerprint\":\"$(sha256sum arts/pol-7.md | cut -c1-64)\",\"depends_on\":[{\"id\":\"FORM-8\",\"type\":\"derives-from\"}]}" \
		"closes a cycle" &&
	refused 409 "$(tok karthik.verma)" /api/v1/artefacts \
		"{\"name\":\"FORM-8\",\"type\":\"form\",\"title\":\"t\",\"owner\":\"kerem.sahin\",\"content\":\"other\"}" \
		"content changes go through .aivalue change open." &&
	refused 400 "$(tok karthik.verma)" "/api/v1/artefacts?dry_run=maybe" "$REG" "dry_run must be 1 or 0"
'

test_expect_success 'a malformed front matter block over the API: 400 naming file, line and field' '
	mkdir bad && cp arts/*.md bad/ &&
	printf -- "---\nid: SOP-50\nkind: sop\ntitle: x\nowner: kerem.sahin\ncolour: red\n---\n" >bad/sop-50.md &&
	refused 400 "$(tok karthik.verma)" /api/v1/artefacts/sync "{\"dir\":\"bad\"}" \
		"bad/sop-50.md:6:1: .*unknown key .colour." &&
	printf -- "---\nid: SOP-50\nkind: sop\ntitle: x\nowner: kerem.sahin\ndepends_on: [POL-99]\n---\n" >bad/sop-50.md &&
	refused 400 "$(tok karthik.verma)" /api/v1/artefacts/sync "{\"dir\":\"bad\"}" \
		"bad/sop-50.md: artefact .SOP-50.: depends_on refers to unknown artefact .POL-99." &&
	rm bad/sop-50.md && echo "4. Acknowledge by e-mail." >>bad/pol-7.md &&
	refused 400 "$(tok root)" /api/v1/artefacts/sync "{\"dir\":\"bad\"}" "bad/pol-7.md: change open: --as .root. is not a person" &&
	test "$(post "$(tok karthik.verma)" /api/v1/artefacts/sync "{\"dir\":\"bad\",\"reason\":\"e-mail\"}")" = 200 &&
	test "$(json_get out.json "d[\"proposed\"][0][\"artefact\"]")" = POL-7 &&
	test "$(json_get out.json "d[\"proposed\"][0][\"cr\"]")" = CR-1 &&
	aivalue --json change show CR-1 >cr.json &&
	test "$(json_get cr.json "d[\"author\"]")" = karthik.verma &&
	test "$(json_get cr.json "d[\"reason\"]")" = e-mail
'

test_expect_success 'Doorstop import (CLI and API): items, links, headings skipped' '
	refused 403 "$(tok reader)" /api/v1/artefacts/import-doorstop "{\"dir\":\"reqs\",\"owner\":\"operations-claims-motor\"}" "may not POST" &&
	refused 400 "$(tok karthik.verma)" /api/v1/artefacts/import-doorstop "{\"dir\":\"reqs\"}" "field .owner. is required" &&
	refused 400 "$(tok karthik.verma)" /api/v1/artefacts/import-doorstop \
		"{\"dir\":\"reqs\",\"owner\":\"operations-claims-motor\",\"type\":\"memo\"}" "type .memo. is not an artefact type" &&
	refused 400 "$(tok karthik.verma)" /api/v1/artefacts/import-doorstop \
		"{\"dir\":\"../\",\"owner\":\"operations-claims-motor\"}" "field .dir. must be a relative path" &&
	cp -r reqs reqs-bad &&
	printf "active: true\nlinks:\n- SYS009\ntext: t\n" >reqs-bad/llr/LLR-003.yml &&
	refused 400 "$(tok karthik.verma)" /api/v1/artefacts/import-doorstop \
		"{\"dir\":\"reqs-bad\",\"owner\":\"operations-claims-motor\"}" "SYS009" &&
	printf "active: true\nlevel: [1]\ntext: t\n" >reqs-bad/llr/LLR-003.yml &&
	refused 400 "$(tok karthik.verma)" /api/v1/artefacts/import-doorstop \
		"{\"dir\":\"reqs-bad\",\"owner\":\"operations-claims-motor\"}" "LLR-003.yml:2:[0-9]*: doorstop item .LLR-003.: level" &&
	state >before.state &&
	test_must_fail aivalue artefacts import-doorstop reqs-bad --owner operations-claims-motor 2>err.txt &&
	state >after.state && test_cmp before.state after.state &&
	test_grep "LLR-003.yml:2:" err.txt &&
	test "$(post "$(tok karthik.verma)" /api/v1/artefacts/import-doorstop "{\"dir\":\"reqs\",\"owner\":\"operations-claims-motor\"}")" = 200 &&
	test "$(json_get out.json "\",\".join(sorted(d[\"registered\"]))")" = "LLR-001,LLR-002,SYS001,SYS002" &&
	aivalue --json graph impact SYS001 >imp.json &&
	test "$(json_get imp.json "\",\".join(sorted(i[\"id\"] for i in d[\"items\"]))")" = "LLR-001,LLR-002" &&
	aivalue artefacts import-doorstop reqs --owner operations-claims-motor >out &&
	test_grep "0 registered" out
'

test_expect_success 'graph path and cycles over the API match the CLI' '
	test "$(api "$(tok reader)" GET "/api/v1/graph/path?from=POL-7&to=TEST-9")" = 200 &&
	aivalue --json graph path POL-7 TEST-9 >cli.json && same out.json d cli.json &&
	test_grep "\"governed-by\"" out.json &&
	test "$(api "$(tok reader)" GET "/api/v1/graph/path?from=CON-2&to=TEST-9")" = 200 &&
	test_grep "no dependency path" out.json &&
	test "$(api "$(tok reader)" GET "/api/v1/graph/path?from=POL-7")" = 400 &&
	test_grep "query parameter .to. is required" out.json &&
	test "$(api "$(tok reader)" GET "/api/v1/graph/path?from=POL-99&to=TEST-9")" = 404 &&
	test "$(api "$(tok audit)" GET /api/v1/graph/cycles)" = 200 &&
	aivalue --json graph cycles >cli.json && same out.json d cli.json &&
	test "$(api "$(tok bot)" GET /api/v1/graph/cycles)" = 403
'

test_expect_success 'evidence: attach over the API and the CLI, hashed and stored by content' '
	printf "Regulator letter, 28 Oct 2026\n" >letter.txt &&
	head -c 3000 /dev/urandom >scan.bin &&
	state >before.state &&
	test "$(api "$(tok reader)" POST "/api/v1/changes/CR-1/evidence?name=letter.txt" --data-binary @letter.txt)" = 403 &&
	test "$(api "$(tok analyst)" POST "/api/v1/changes/CR-1/evidence?name=letter.txt" --data-binary @letter.txt)" = 403 &&
	test "$(api "$(tok karthik.verma)" POST "/api/v1/changes/CR-1/evidence" --data-binary @letter.txt)" = 400 &&
	test_grep "query parameter .name. is required" out.json &&
	test "$(api "$(tok karthik.verma)" POST "/api/v1/changes/CR-1/evidence?name=empty.txt")" = 400 &&
	test_grep "empty body" out.json &&
	test "$(api "$(tok karthik.verma)" POST "/api/v1/changes/CR-1/evidence?name=a%01b" --data-binary @letter.txt)" = 400 &&
	test_grep "name contains a control character" out.json &&
	test "$(api "$(tok karthik.verma)" POST "/api/v1/changes/CR-9/evidence?name=letter.txt" --data-binary @letter.txt)" = 404 &&
	state >after.state && test_cmp before.state after.state &&
	test "$(api "$(tok karthik.verma)" POST "/api/v1/changes/CR-1/evidence?name=letter.txt" --data-binary @letter.txt)" = 200 &&
	test "$(json_get out.json "d[\"attached\"][0][\"sha256\"]")" = "$(sha256sum letter.txt | cut -c1-64)" &&
	test "$(json_get out.json "d[\"attached\"][0][\"added_by\"]")" = karthik.verma &&
	test "$(api "$(tok lotte.mulder)" POST "/api/v1/changes/CR-1/evidence?name=scan.bin" -H "Content-Type: application/octet-stream" --data-binary @scan.bin)" = 200 &&
	test "$(json_get out.json "d[\"attached\"][0][\"bytes\"]")" = 3000 &&
	test_sql "SELECT $HEX FROM change_blobs WHERE sha256 = '\''$(sha256sum scan.bin | cut -c1-64)'\''" >stored.hex &&
	test "$(cat stored.hex)" = "$(od -An -v -tx1 scan.bin | tr -d " \n" | tr a-f A-F)" &&
	state >before.state &&
	test "$(api "$(tok root)" POST "/api/v1/changes/CR-1/evidence?name=copy.txt" --data-binary @letter.txt)" = 409 &&
	test_grep "already attached to CR-1 (as .letter.txt." out.json &&
	state >after.state && test_cmp before.state after.state &&
	echo "Call note: agreed with the regulator." >note.txt &&
	aivalue change attach CR-1 note.txt --as karthik.verma >out &&
	test_grep "attached note.txt to CR-1" out &&
	test_grep "CR-1 has 3 evidence files" out &&
	test "$(api "$(tok reader)" GET /api/v1/changes/CR-1)" = 200 &&
	test "$(json_get out.json "\",\".join(e[\"name\"] for e in d[\"evidence\"])")" = "letter.txt,scan.bin,note.txt" &&
	aivalue --json change verify CR-1 >v.json &&
	test "$(json_get v.json "d[\"ok\"]")" = True &&
	test_sql "UPDATE change_blobs SET content = $ZERO WHERE sha256 = '\''$(sha256sum note.txt | cut -c1-64)'\''" &&
	test_must_fail aivalue change verify CR-1 >out &&
	test_grep "evidence .note.txt. is altered" out &&
	test "$(api "$(tok audit)" GET /api/v1/changes/CR-1/verify)" = 200 &&
	test "$(json_get out.json "d[\"ok\"]")" = False &&
	test_grep "evidence .note.txt. is altered (hash differs)" out.json &&
	test_sql "UPDATE change_blobs SET content = $(blob note.txt) WHERE sha256 = '\''$(sha256sum note.txt | cut -c1-64)'\''" &&
	aivalue change verify CR-1 >out &&
	aivalue audit log --limit 1 >log.txt && test_grep "change.evidence" log.txt
'

test_expect_success 'evidence limits: empty and oversized files are refused by CLI and API' '
	state >before.state &&
	: >empty.txt &&
	test_must_fail aivalue change attach CR-1 empty.txt 2>err.txt &&
	test_grep "evidence .empty.txt. is empty" err.txt &&
	head -c 16777217 /dev/zero | tr "\0" x >big.txt &&
	test_must_fail aivalue change attach CR-1 big.txt 2>err.txt &&
	test_grep "larger than 16777216 bytes" err.txt &&
	test_must_fail aivalue change attach CR-9 note.txt 2>err.txt &&
	test_grep "unknown change request .CR-9." err.txt &&
	head -c 1048577 /dev/zero | tr "\0" x >over.txt &&
	test "$(api "$(tok karthik.verma)" POST "/api/v1/changes/CR-1/evidence?name=over.txt" --data-binary @over.txt)" = 413 &&
	state >after.state && test_cmp before.state after.state
'

test_expect_success 'conflicts over the API: two CRs on overlapping impact sets' '
	test "$(api "$(tok reader)" GET /api/v1/changes/conflicts)" = 200 &&
	test "$(json_get out.json "d[\"count\"]")" = 0 &&
	cp arts/sop-12.md sop-12-v2.md && echo "4. Photos are mandatory." >>sop-12-v2.md &&
	body=$(python3 -S -c "import json; print(json.dumps({\"artefact\": \"SOP-12\",
		\"content\": open(\"sop-12-v2.md\").read(), \"reason\": \"photos\", \"risk\": \"low\"}))") &&
	test "$(post "$(tok karthik.verma)" /api/v1/changes "$body")" = 200 &&
	test "$(json_get out.json "d[\"id\"]")" = CR-2 &&
	test "$(api "$(tok audit)" GET /api/v1/changes/conflicts)" = 200 &&
	test "$(json_get out.json "d[\"count\"]")" = 1 &&
	test "$(json_get out.json "d[\"items\"][0][\"a\"]+d[\"items\"][0][\"b\"]")" = CR-1CR-2 &&
	test "$(json_get out.json "\",\".join(sorted(d[\"items\"][0][\"overlap\"]))")" = "CODE-5,FORM-3,FORM-8,REQ-21,SOP-12,TEST-9" &&
	test "$(json_get out.json "d[\"items\"][0][\"open\"]")" = True &&
	aivalue --json change conflicts >cli.json && same out.json "d[\"items\"]" cli.json &&
	refused 409 "$(tok karthik.verma)" /api/v1/changes \
		"{\"artefact\":\"SOP-14\",\"content\":\"x\",\"reason\":\"r\",\"base_version\":2}" \
		"stale base: .SOP-14. is at version 1, not 2" &&
	refused 400 "$(tok karthik.verma)" /api/v1/changes \
		"{\"artefact\":\"SOP-14\",\"content\":\"x\",\"reason\":\"r\",\"base_version\":\"1\"}" \
		"field .base_version. must be a whole number" &&
	aivalue change conflicts >out && test_grep "^CR-1 *CR-2 *open" out &&
	test "$(api "$(tok bot)" GET /api/v1/changes/conflicts)" = 403
'

test_expect_success 'baselines over the API: create, list, diff with the impacted set' '
	refused 403 "$(tok lotte.mulder)" /api/v1/baselines "{\"name\":\"r1\"}" "role .approver. may not POST" &&
	refused 400 "$(tok karthik.verma)" /api/v1/baselines "{}" "field .name. is required" &&
	refused 400 "$(tok karthik.verma)" /api/v1/baselines "{\"name\":\"a b\"}" "baseline name .a b. must be" &&
	refused 400 "$(tok karthik.verma)" /api/v1/baselines "{\"name\":7}" "field .name. must be a string" &&
	test "$(post "$(tok karthik.verma)" /api/v1/baselines "{\"name\":\"release-1\"}")" = 200 &&
	test "$(json_get out.json "d[\"count\"]")" = 15 &&
	json_get out.json "d[\"root\"]" >root.txt &&
	refused 409 "$(tok root)" /api/v1/baselines "{\"name\":\"release-1\"}" "already exists" &&
	test "$(api "$(tok reader)" GET /api/v1/baselines)" = 200 &&
	test "$(json_get out.json "d[\"items\"][0][\"root\"]")" = "$(cat root.txt)" &&
	aivalue --json baseline list >cli.json && same out.json "d[\"items\"]" cli.json &&
	aivalue change approve CR-1 --as lotte.mulder --meaning "approved as owner" --reason ok >/dev/null &&
	aivalue change approve CR-1 --as kerem.sahin --meaning "approved as SOP owner" --reason ok >/dev/null &&
	aivalue change approve CR-1 --as iryna.tkachenko --meaning "approved for legal" --reason ok >/dev/null &&
	aivalue change approve CR-1 --as leila.tehrani --meaning "approved as SOP-14 owner" --reason ok >/dev/null &&
	aivalue change merge CR-1 >/dev/null &&
	test "$(api "$(tok reader)" GET /api/v1/changes/conflicts)" = 200 &&
	test "$(json_get out.json "d[\"items\"][0][\"open\"]")" = False &&
	test "$(json_get out.json "d[\"items\"][0][\"resolved_at\"]")" = 2026-11-02T09:00:00.000000Z &&
	test "$(api "$(tok reader)" GET "/api/v1/baselines/diff?from=release-1")" = 200 &&
	test "$(json_get out.json "[c[\"id\"] for c in d[\"changed\"]]")" = "['"'"'POL-7'"'"']" &&
	test "$(json_get out.json "\",\".join(sorted(i[\"id\"] for i in d[\"impacted\"]))")" = "CODE-5,CON-2,FORM-3,FORM-8,REQ-21,RPT-1,SOP-12,SOP-14,TEST-9" &&
	aivalue --json baseline diff release-1 @now >cli.json && same out.json d cli.json &&
	test "$(api "$(tok reader)" GET "/api/v1/baselines/diff?from=release-1&to=release-9")" = 404 &&
	test "$(api "$(tok reader)" GET "/api/v1/baselines/diff")" = 400 &&
	test_grep "query parameter .from. is required" out.json
'

test_done
