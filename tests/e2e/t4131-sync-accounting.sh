#!/bin/sh
# t4131-sync-accounting.sh - `aivalue artefacts sync DIR` accounts for
# every file: files read and used, what it passed over (files that are not
# Markdown or YAML, hidden ones, links to folders), and the assumptions it
# made (a title taken from the first Markdown heading or from the file
# name, since `title` is optional).  The accounting is printed, returned
# in --json and recorded in the sync's own ledger entry.  A symbolic link
# that leads outside the folder is refused, naming the link, and nothing
# is registered.
. "$(dirname "$0")/lib.sh"

test_expect_success 'set up one team and one person' '
	aivalue init >/dev/null &&
	printf "kind: Team\nname: ops\ntitle: Ops\nfunction: operations\n---\nkind: Person\nname: ana.ops\ndisplay_name: Ana\nemail: ana@ops.example\nrole: Clerk\nteam: ops\n" >org.yaml &&
	aivalue apply -f org.yaml >/dev/null &&
	mkdir -p arts/sub &&
	printf -- "---\nid: POL-1\nkind: policy\ntitle: Claims policy\nowner: ana.ops\n---\n# Not this heading\n" >arts/pol-1.md &&
	printf -- "---\nid: SOP-2\nkind: sop\nowner: ana.ops\ndepends_on: [POL-1]\n---\n\nIntro line.\n\n\`\`\`\n# a shell comment, not a heading\n\`\`\`\n\n##   Motor claims intake  ##\n\n# Second heading\n" >arts/sop-2.md &&
	printf "id: FORM-3\nkind: form\nowner: ana.ops\ndepends_on: [SOP-2]\n" >arts/sub/claim-form.yaml &&
	printf -- "---\nid: TEST-4\nkind: test\nowner: ana.ops\n---\nno heading here\n" >arts/sub/test-4.md &&
	echo "scanned letter" >arts/letter.pdf &&
	echo "notes" >arts/sub/notes.txt &&
	echo "x" >arts/.hidden.md &&
	ln -s sub arts/again
'

test_expect_success 'title defaults to the first heading, then the file name' '
	aivalue artefacts sync arts >out &&
	test_grep "^4 registered, 0 updated, 0 unchanged, 0 proposed" out &&
	aivalue --json get artefacts >arts.json &&
	test "$(json_get arts.json "sorted((a[\"name\"], a[\"title\"]) for a in d)")" = \
		"[('\''FORM-3'\'', '\''claim-form'\''), ('\''POL-1'\'', '\''Claims policy'\''), ('\''SOP-2'\'', '\''Motor claims intake'\''), ('\''TEST-4'\'', '\''test-4'\'')]"
'

test_expect_success 'the accounting is printed: 4 files read and used, 4 passed over, 3 titles assumed' '
	test_grep "^read 4 files: 4 used, 0 skipped" out &&
	test_grep "not used 2: not a Markdown or YAML file (first at arts/letter.pdf)" out &&
	test_grep "not used 1: hidden file or folder (first at arts/.hidden.md)" out &&
	test_grep "not used 1: symbolic link to a folder inside, not followed (first at arts/again)" out &&
	test_grep "assumed 2: title from the file name (first at arts/sub/claim-form.yaml)" out &&
	test_grep "assumed 1: title from the first Markdown heading (first at arts/sop-2.md)" out
'

test_expect_success 'the same accounting is in the ledger entry of the sync' '
	test_sql "SELECT payload FROM ledger WHERE action = '\''artefacts.sync'\''" >entry.json &&
	test "$(json_get entry.json "(d[\"dir\"], d[\"registered\"], d[\"tally\"][\"read\"], d[\"tally\"][\"used\"], d[\"tally\"][\"skipped\"])")" = \
		"('\''arts'\'', 4, 4, 4, 0)" &&
	test "$(json_get entry.json "[(a[\"what\"], a[\"count\"]) for a in d[\"tally\"][\"assumptions\"]]")" = \
		"[('\''title from the first Markdown heading'\'', 1), ('\''title from the file name'\'', 2)]"
'

test_expect_success 'a sync that changes nothing adds no ledger entry; --json carries the tally' '
	head=$(aivalue audit checkpoint) &&
	aivalue --json artefacts sync arts >again.json &&
	test "$(aivalue audit checkpoint)" = "$head" &&
	test "$(json_get again.json "(d[\"unchanged\"], d[\"tally\"][\"unit\"], d[\"tally\"][\"read\"], len(d[\"tally\"][\"not_used\"]))")" = \
		"(4, '\''files'\'', 4, 3)"
'

test_expect_success 'a symbolic link leading out of the folder is refused by name; nothing registered' '
	echo "---" >outside.md &&
	mkdir -p arts2 &&
	printf -- "---\nid: REQ-9\nkind: requirement\nowner: ana.ops\n---\n# Nine\n" >arts2/req-9.md &&
	ln -s ../outside.md arts2/zz-link.md &&
	head=$(aivalue audit checkpoint) &&
	test_must_fail aivalue artefacts sync arts2 2>err &&
	test_grep "arts2/zz-link.md. is a symbolic link that leads outside the folder, to .*/outside.md" err &&
	test "$(aivalue audit checkpoint)" = "$head" &&
	test "$(test_sql "SELECT count(*) FROM artefacts WHERE id = '\''REQ-9'\''")" = 0
'

test_expect_success 'a link to a folder outside, and a dangling link, are refused too' '
	rm arts2/zz-link.md &&
	mkdir -p elsewhere && ln -s ../elsewhere arts2/more &&
	test_must_fail aivalue artefacts sync arts2 2>err &&
	test_grep "arts2/more. is a symbolic link that leads outside the folder" err &&
	rm arts2/more && ln -s nothing-here.md arts2/gone.md &&
	test_must_fail aivalue artefacts sync arts2 2>err &&
	test_grep "arts2/gone.md. is a symbolic link that leads nowhere" err
'

test_expect_success 'a link to a file inside the folder is read like the file' '
	rm arts2/gone.md && mkdir arts2/src &&
	mv arts2/req-9.md arts2/src/ && ln -s src/req-9.md arts2/req-9.md &&
	mv arts2/src arts2/.src &&
	rm arts2/req-9.md && ln -s .src/req-9.md arts2/req-9.md &&
	aivalue artefacts sync arts2 >out &&
	test_grep "^1 registered" out &&
	test_grep "not used 1: hidden file or folder (first at arts2/.src)" out
'

test_done
