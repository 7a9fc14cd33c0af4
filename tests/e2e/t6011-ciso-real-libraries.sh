#!/bin/sh
# t6011-ciso-real-libraries.sh - real CISO Assistant framework libraries
# (../shared/data/vendor/ciso-assistant, see ../shared/data/vendor/SOURCES.md)
# import, and what CISO Assistant itself loads with a warning is read and
# counted in the import's tally, not refused.
#
# Figures counted from the files with PyYAML (an independent reader):
#   file                              nodes assessable questions
#   anssi-guide-des-mecanismes-...       63         34         0  version: '1'
#   bio2                                120        120         0  3 nodes in group 'Ketenhygiëne'
#                                                                 (defined: 'ketenhygiëne')
#   cmmc-2.0                            124        110       321  one question with text: ''
#   dynamic-questionnaire                14          7        16  compute_result: 10 compliant,
#                                                                 8 non_compliant, 6 partially_compliant,
#                                                                 1 not_applicable (25 words)
#   iso27001-2013                       200        140         0  'core' and 'annex-a' have no
#                                                                 depth; the other 198 count from 1
#                                                                 below them, so theirs is one short
#   iso27001-2022                       140        123         0
#   nist-csf-2.0                        134        106         0
# CISO Assistant's loader (backend/library/utils.py) requires only a
# node's urn, stores implementation groups and scores as given, and
# resolves compute_result words (core/utils.py resolve_compute_result).
. "$(dirname "$0")/lib.sh"
CA="$TEST_ROOT/../shared/data/vendor/ciso-assistant"
LIB="$TEST_ROOT/examples/acme/assess/ciso-library-excerpt.yaml"

# imported FILE: "nodes assessable questions" of a --json import
imported() {
	aivalue --json assess import "$CA/$1" >"$1.json" &&
	json_get "$1.json" "\"%d %d %d\" % (d[\"nodes\"], d[\"assessable\"], d[\"questions\"])"
}
# assumed FILE.json TEXT: the count of that assumption in the tally
assumed() {
	json_get "$1" "sum(a[\"count\"] for a in d[\"tally\"][\"assumptions\"] if a[\"what\"].startswith(\"$2\"))"
}

test_expect_success 'set up' '
	aivalue init >/dev/null &&
	test -f "$CA/nist-csf-2.0.yaml"
'

test_expect_success 'the common frameworks import, every node read is used' '
	test "$(imported nist-csf-2.0.yaml)" = "134 106 0" &&
	test "$(imported iso27001-2022.yaml)" = "140 123 0" &&
	test "$(json_get nist-csf-2.0.yaml.json "(d[\"tally\"][\"unit\"], d[\"tally\"][\"read\"], d[\"tally\"][\"used\"], d[\"tally\"][\"skipped\"])")" = "('\''nodes'\'', 134, 134, 0)" &&
	test "$(json_get iso27001-2022.yaml.json "[(x[\"what\"], x[\"count\"]) for x in d[\"tally\"][\"not_used\"] if \"reference_controls\" in x[\"what\"]]")" = \
		"[(\"requirement node field '\''reference_controls'\''\", 123), (\"library object '\''reference_controls'\''\", 1)]"
'

test_expect_success 'a quoted version is read as a number, and counted' '
	test "$(imported anssi-guide-des-mecanismes-cryptographiques.yaml)" = "63 34 0" &&
	test "$(json_get anssi-guide-des-mecanismes-cryptographiques.yaml.json "d[\"version\"]")" = 1 &&
	test "$(assumed anssi-guide-des-mecanismes-cryptographiques.yaml.json "version given as text")" = 1 &&
	test "$(json_get anssi-guide-des-mecanismes-cryptographiques.yaml.json "[a[\"first\"] for a in d[\"tally\"][\"assumptions\"]][0].rsplit(\"/\", 1)[1]")" = \
		"anssi-guide-des-mecanismes-cryptographiques.yaml:18"
'

test_expect_success 'implementation groups outside the definition are kept as given, and counted' '
	test "$(imported bio2.yaml)" = "120 120 0" &&
	test "$(assumed bio2.yaml.json "implementation group not in")" = 3 &&
	test "$(test_sql "SELECT groups FROM framework_nodes WHERE urn = '\''urn:intuitem:risk:req_node:bio2:5.05.01'\''")" = "[\"Ketenhygiëne\"]"
'

test_expect_success 'an empty question text is kept, and counted at its line' '
	test "$(imported cmmc-2.0.yaml)" = "124 110 321" &&
	test "$(assumed cmmc-2.0.yaml.json "question with empty text")" = 1 &&
	test "$(json_get cmmc-2.0.yaml.json "[a[\"first\"] for a in d[\"tally\"][\"assumptions\"]][0].rsplit(\":\", 1)[1]")" = 2148
'

test_expect_success 'compute_result words resolve as CISO Assistant resolves them' '
	test "$(imported dynamic-questionnaire.yaml)" = "14 7 16" &&
	test "$(assumed dynamic-questionnaire.yaml.json "compute_result given as a word")" = 25 &&
	aivalue --json assess crosswalk >cw.json &&
	test "$(json_get cw.json "\" \".join(\"%s=%d\" % kv for kv in sorted(__import__(\"collections\").Counter(c[\"compute_result\"] for f in d for r in f[\"requirements\"] for q in r[\"library_questions\"] for c in q[\"choices\"] if \"compute_result\" in c).items()))")" = \
		"compliant=10 non_compliant=8 not_applicable=1 partially_compliant=6"
'

test_expect_success 'a missing depth is taken from parent_urn, and counted' '
	test "$(imported iso27001-2013.yaml)" = "200 140 0" &&
	test "$(assumed iso27001-2013.yaml.json "depth missing")" = 2 &&
	test "$(assumed iso27001-2013.yaml.json "depth does not follow parent_urn")" = 198 &&
	test "$(test_sql "SELECT depth FROM framework_nodes WHERE urn IN ('\''urn:intuitem:risk:req_node:iso27001-2013:core'\'', '\''urn:intuitem:risk:req_node:iso27001-2013:4'\'', '\''urn:intuitem:risk:req_node:iso27001-2013:4.1'\'') ORDER BY ord" | tr "\n" " ")" = "1 2 3 "
'

test_expect_success 'the tally is printed and recorded in the ledger entry of the import' '
	test_sql "SELECT payload FROM ledger WHERE action = '\''assess.import'\'' AND payload LIKE '\''%dynamic-questionnaire%'\''" >entry.json &&
	test "$(json_get entry.json "(d[\"tally\"][\"read\"], d[\"tally\"][\"used\"], [a[\"count\"] for a in d[\"tally\"][\"assumptions\"]])")" = "(14, 14, [25])" &&
	workspace_reset && aivalue init >/dev/null &&
	aivalue assess import "$CA/bio2.yaml" >out &&
	test_grep "^read 120 nodes: 120 used, 0 skipped" out &&
	test_grep "assumed 3: implementation group not in implementation_groups_definition, kept as given (first at .*bio2.yaml:267)" out
'

test_expect_success 'a score outside min..max, undefined groups, depths off by one: counted, imported' '
	workspace_reset && aivalue init >/dev/null &&
	sed -e "s/    - score: 5/    - score: 9/" -e "s/implementation_groups: \[core\]$/implementation_groups: [basic]/" \
		-e "s/      depth: 3/      depth: 4/" \
		-e "s/select_implementation_groups: \[extended\]/select_implementation_groups: [advanced]/" "$LIB" >odd.yaml &&
	aivalue --json assess import odd.yaml >odd.json &&
	test "$(json_get odd.json "d[\"changed\"]")" = True &&
	test "$(json_get odd.json "sorted((x[\"what\"], x[\"count\"]) for x in d[\"tally\"][\"not_used\"] if \"score\" in x[\"what\"])")" = \
		"[('\''scores_definition score outside min_score..max_score'\'', 1)]" &&
	test "$(assumed odd.json "implementation group not in")" = 3 &&
	test "$(assumed odd.json "depth does not follow")" = 4 &&
	test "$(test_sql "SELECT count(*) FROM framework_nodes WHERE depth = 4")" = 0
'

test_expect_success 'the older question: block is read: type, choices QUESTION:choice:N, texts' '
	workspace_reset && aivalue init >/dev/null &&
	cat >old.yaml <<-\EOF &&
	urn: urn:test:risk:library:old-questions
	locale: en
	ref_id: old-questions
	name: Older question block
	version: 1
	objects:
	  framework:
	    urn: urn:test:risk:framework:old-questions
	    ref_id: old-questions
	    name: Older question block
	    requirement_nodes:
	    - urn: urn:test:risk:req_node:old:ac
	      assessable: false
	      depth: 1
	      ref_id: AC
	    - urn: urn:test:risk:req_node:old:ac.1
	      assessable: true
	      depth: 2
	      parent_urn: urn:test:risk:req_node:old:ac
	      ref_id: AC.1
	      question:
	        question_type: unique_choice
	        question_choices: &id001
	        - "Yes"
	        - "No"
	        - N/A
	        questions:
	        - urn: urn:test:risk:req_node:old:ac.1:question:1
	          text: "[a] authorized users are identified;"
	        - urn: urn:test:risk:req_node:old:ac.1:question:2
	          text: "[b] access is limited to them."
	        - text: a question without urn
	    - urn: urn:test:risk:req_node:old:ac.2
	      assessable: true
	      depth: 2
	      parent_urn: urn:test:risk:req_node:old:ac
	      ref_id: AC.2
	      question:
	        question_type: text
	        questions:
	        - urn: urn:test:risk:req_node:old:ac.2:question:1
	          text: Who reviews access?
	    - urn: urn:test:risk:req_node:old:ac.3
	      assessable: true
	      depth: 2
	      parent_urn: urn:test:risk:req_node:old:ac
	      ref_id: AC.3
	      question:
	        question_type: unique_choice
	        question_choices: *id001
	        questions:
	        - urn: urn:test:risk:req_node:old:ac.3:question:1
	          text: "[a] sessions time out."
	EOF
	aivalue --json assess import old.yaml >old.json &&
	test "$(json_get old.json "(d[\"nodes\"], d[\"assessable\"], d[\"questions\"])")" = "(4, 3, 4)" &&
	test "$(assumed old.json "older question: block read")" = 3 &&
	test "$(json_get old.json "[(x[\"what\"], x[\"count\"]) for x in d[\"tally\"][\"not_used\"]]")" = \
		"[('\''question without urn in an older question: block (skipped)'\'', 1)]" &&
	aivalue --json assess crosswalk >cw.json &&
	test "$(json_get cw.json "[(q[\"type\"], q[\"text\"], [c[\"urn\"].rsplit(\":\", 2)[1:] + [c[\"value\"]] for c in q[\"choices\"]]) for q in d[0][\"requirements\"][0][\"library_questions\"]][1]")" = \
		"('\''unique_choice'\'', '\''[b] access is limited to them.'\'', [['\''choice'\'', '\''1'\'', '\''Yes'\''], ['\''choice'\'', '\''2'\'', '\''No'\''], ['\''choice'\'', '\''3'\'', '\''N/A'\'']])" &&
	test "$(json_get cw.json "[(q[\"type\"], len(q[\"choices\"])) for q in d[0][\"requirements\"][1][\"library_questions\"]]")" = "[('\''text'\'', 0)]" &&
	test "$(json_get cw.json "len(d[0][\"requirements\"][2][\"library_questions\"][0][\"choices\"])")" = 3
'

test_done
