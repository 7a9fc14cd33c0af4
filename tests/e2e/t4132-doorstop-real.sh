#!/bin/sh
# t4132-doorstop-real.sh - `aivalue artefacts import-doorstop` on real
# Doorstop trees.
#
# Doorstop's own requirements tree (../shared/data/vendor/doorstop/reqs,
# see its SOURCES.md), counted by hand from the files:
#   2 documents: REQ (reqs/.doorstop.yml, 18 items, REQ001-REQ019 without
#   REQ005) and EXT (reqs/ext/.doorstop.yml, parent REQ, itemformat yaml,
#   an `extensions` block; 2 items);
#   20 items, all active: true; 5 are headings (normative: false: REQ002,
#   REQ006, REQ010, REQ018, REQ019), so 15 are imported; no item has links.
#   Every item has `level` and `reviewed` (not used: 20 each); EXT001 and
#   EXT002 have `references` and an empty header (title from the text).
#   REQ's .doorstop.yml has an `attributes` block.
#
# Then a tree in Doorstop's Markdown item format (itemformat: markdown,
# YAML front matter, the header as the body's first "# " line) with an
# inactive item, a link to it, and a setting Doorstop itself would not
# know.
. "$(dirname "$0")/lib.sh"
REQS="$TEST_ROOT/../shared/data/vendor/doorstop/reqs"

test_expect_success 'set up one team and one person' '
	aivalue init >/dev/null &&
	printf "kind: Team\nname: ops\ntitle: Ops\nfunction: operations\n---\nkind: Person\nname: ana.ops\ndisplay_name: Ana\nemail: ana@ops.example\nrole: Clerk\nteam: ops\n" >org.yaml &&
	aivalue apply -f org.yaml >/dev/null &&
	test -f "$REQS/.doorstop.yml"
'

test_expect_success 'Doorstop own tree: 2 documents, 20 items, 15 imported, 5 headings, 0 links' '
	aivalue --json artefacts import-doorstop "$REQS" --owner ana.ops >res.json &&
	test "$(json_get res.json "[(x[\"prefix\"], x[\"parent\"], x[\"itemformat\"], x[\"items\"]) for x in d[\"documents\"]]")" = \
		"[('\''REQ'\'', None, '\''yaml'\'', 18), ('\''EXT'\'', '\''REQ'\'', '\''yaml'\'', 2)]" &&
	test "$(json_get res.json "sorted(d[\"figures\"].items())")" = \
		"[('\''headings'\'', 5), ('\''imported'\'', 15), ('\''inactive'\'', 0), ('\''items'\'', 20), ('\''links'\'', 0)]" &&
	test "$(json_get res.json "len(d[\"registered\"])")" = 15 &&
	test "$(json_get res.json "[x for x in [\"REQ002\", \"REQ006\", \"REQ010\", \"REQ018\", \"REQ019\"] if x in d[\"registered\"]]")" = "[]" &&
	test "$(test_sql "SELECT title FROM artefacts WHERE id = '\''EXT001'\''")" = "Test where we calculate the SHA" &&
	test "$(test_sql "SELECT title FROM artefacts WHERE id = '\''REQ001'\''")" = "Assets"
'

test_expect_success 'its accounting: read 20 = 15 used + 5 skipped; what was not used; in the ledger' '
	test "$(json_get res.json "(d[\"tally\"][\"read\"], d[\"tally\"][\"used\"], d[\"tally\"][\"skipped\"])")" = "(20, 15, 5)" &&
	test "$(json_get res.json "[(x[\"reason\"], x[\"count\"]) for x in d[\"tally\"][\"skips\"]]")" = \
		"[('\''heading item (normative: false)'\'', 5)]" &&
	test "$(json_get res.json "\"|\".join(sorted(\"%s=%d\" % (x[\"what\"].replace(chr(39), \"\"), x[\"count\"]) for x in d[\"tally\"][\"not_used\"]))")" = \
		"document attributes block=1|document extensions block=1|item attribute level=20|item attribute references=2|item attribute reviewed=20" &&
	test "$(json_get res.json "[(x[\"what\"], x[\"count\"]) for x in d[\"tally\"][\"assumptions\"]]")" = \
		"[('\''title from the first line of text'\'', 2)]" &&
	test_sql "SELECT payload FROM ledger WHERE action = '\''artefacts.import-doorstop'\''" >entry.json &&
	test "$(json_get entry.json "(d[\"registered\"], d[\"tally\"][\"read\"], d[\"tally\"][\"skipped\"])")" = "(15, 20, 5)"
'

test_expect_success 'the plain output says the same; a second import changes nothing' '
	head=$(aivalue audit checkpoint) &&
	aivalue artefacts import-doorstop "$REQS" --owner ana.ops >out &&
	test_grep "^0 registered, 0 updated, 15 unchanged" out &&
	test_grep "^read 20 items: 15 used, 5 skipped" out &&
	test_grep "skipped 5: heading item (normative: false) (first at .*reqs/REQ002.yml)" out &&
	test "$(aivalue audit checkpoint)" = "$head"
'

test_expect_success '--strict refuses the first skipped item by name; nothing changes' '
	head=$(aivalue audit checkpoint) &&
	test_must_fail aivalue artefacts import-doorstop "$REQS" --owner ana.ops --strict 2>err &&
	test_grep "reqs/REQ002.yml: heading item (normative: false) (--strict refuses skipped items)" err &&
	test "$(aivalue audit checkpoint)" = "$head"
'

test_expect_success 'a Markdown tree: front matter, header from "# ", an inactive item and a link to it' '
	mkdir -p md/sys md/llr &&
	printf "settings:\n  digits: 3\n  prefix: SYS\n  sep: \"\"\n  itemformat: markdown\n  review_mode: strict\n" >md/sys/.doorstop.yml &&
	printf -- "---\nactive: true\nlevel: 1.0\nlinks: []\nnormative: true\n---\n\n# Claim intake\n\nThe system shall register every claim.\n" >md/sys/SYS001.md &&
	printf -- "---\nactive: false\nnormative: true\n---\n\n# Retired\n\nThe system shall fax.\n" >md/sys/SYS002.md &&
	printf -- "---\nactive: true\nnormative: true\n---\nThe system shall acknowledge within one day.\nSecond line.\n" >md/sys/SYS003.md &&
	printf "settings:\n  digits: 3\n  parent: SYS\n  prefix: LLR\n  sep: \"\"\n  itemformat: markdown\n" >md/llr/.doorstop.yml &&
	printf -- "---\nactive: true\nlinks:\n- SYS001: abc\n- SYS002: def\nnormative: true\n---\n# Intake form\n\nThe form asks for the policy number.\n" >md/llr/LLR001.md &&
	printf -- "---\nactive: true\nlinks:\n- SYS003\nnormative: true\n---\n# Reply\n\nSent by e-mail.\n" >md/llr/LLR002.md &&
	echo "ignored: not an item of a markdown document" >md/llr/LLR003.yml &&
	aivalue --json artefacts import-doorstop md --owner ana.ops >md.json &&
	test "$(json_get md.json "sorted(d[\"registered\"])")" = \
		"['\''LLR001'\'', '\''LLR002'\'', '\''SYS001'\'', '\''SYS003'\'']" &&
	test "$(json_get md.json "sorted(d[\"figures\"].items())")" = \
		"[('\''headings'\'', 0), ('\''imported'\'', 4), ('\''inactive'\'', 1), ('\''items'\'', 5), ('\''links'\'', 2)]" &&
	test "$(test_sql "SELECT id || '\'':'\'' || title FROM artefacts WHERE substr(id, 1, 1) IN ('\''S'\'', '\''L'\'') AND substr(id, length(id), 1) BETWEEN '\''0'\'' AND '\''9'\'' ORDER BY id" | tr "\n" "|")" = \
		"LLR001:Intake form|LLR002:Reply|SYS001:Claim intake|SYS003:The system shall acknowledge within one day.|" &&
	test "$(test_sql "SELECT src || '\''>'\'' || dst FROM artefact_edges WHERE substr(src, 1, 3) = '\''LLR'\'' ORDER BY src" | tr "\n" " ")" = "LLR001>SYS001 LLR002>SYS003 "
'

test_expect_success 'the Markdown tree accounting: the inactive item, the dropped link, the unknown setting' '
	test "$(json_get md.json "(d[\"tally\"][\"read\"], d[\"tally\"][\"used\"], d[\"tally\"][\"skipped\"])")" = "(5, 4, 1)" &&
	test "$(json_get md.json "[(x[\"reason\"], x[\"count\"], x[\"first\"]) for x in d[\"tally\"][\"skips\"]]")" = \
		"[('\''inactive item (active: false)'\'', 1, '\''md/sys/SYS002.md'\'')]" &&
	test "$(json_get md.json "\"|\".join(\"%s=%d@%s\" % (x[\"what\"].replace(chr(39), \"\"), x[\"count\"], x[\"first\"]) for x in d[\"tally\"][\"not_used\"] if \"level\" not in x[\"what\"])")" = \
		"unknown document setting review_mode=1@md/sys/.doorstop.yml|link to an inactive item, dropped=1@md/llr/LLR001.md" &&
	test "$(json_get md.json "[(x[\"what\"], x[\"count\"]) for x in d[\"tally\"][\"assumptions\"]]")" = \
		"[('\''title from the first line of text'\'', 1)]"
'

test_expect_success 'an itemformat Doorstop does not know is an error naming the file and the value' '
	mkdir -p bad && printf "settings:\n  prefix: BAD\n  itemformat: json\n" >bad/.doorstop.yml &&
	test_must_fail aivalue artefacts import-doorstop bad --owner ana.ops 2>err &&
	test_grep "bad/.doorstop.yml:3:[0-9]*: doorstop settings: itemformat must be yaml or markdown, not .json." err
'

test_done
