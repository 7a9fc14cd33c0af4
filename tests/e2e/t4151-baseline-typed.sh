#!/bin/sh
# t4151-baseline-typed.sh - `aivalue baseline` after its answers became
# typed structs (baseline_info, baseline_diff_result, baseline_list): the
# text and --json printers show the same fields, the added side included.
# Worked by hand on Acme's ten artefacts (examples/acme/artefacts): b0 is
# taken before a new form FORM-9 (depending on SOP-14) is synced, so b0
# to @now adds FORM-9, changes nothing and impacts nothing.
. "$(dirname "$0")/lib.sh"

AIVALUE_FAKE_TIME=2026-11-02T09:00:00Z
export AIVALUE_FAKE_TIME
Q="'"

test_expect_success 'set up Acme; baseline b0 of its ten artefacts' '
	aivalue init &&
	cat "$TEST_ROOT"/examples/acme/teams.yaml "$TEST_ROOT"/examples/acme/people.yaml >org.yaml &&
	aivalue apply -f org.yaml >/dev/null &&
	cp -r "$TEST_ROOT"/examples/acme/artefacts arts &&
	aivalue artefacts sync arts >/dev/null &&
	aivalue baseline create b0 --json >b0.json &&
	test "$(json_get b0.json "list(d)")" = "[${Q}name$Q, ${Q}root$Q, ${Q}count$Q, ${Q}ledger_seq$Q]" &&
	test "$(json_get b0.json "(d[\"name\"], d[\"count\"])")" = "(${Q}b0$Q, 10)" &&
	aivalue baseline list >l.txt &&
	test "$(cat l.txt)" = "b0                   2026-11-02T09:00:00.000000Z     10 artefacts  $(json_get b0.json "d[\"root\"]")"
'

test_expect_success 'a new artefact: diff b0 @now adds it, in text and JSON' '
	printf -- "---\nid: FORM-9\nkind: form\ntitle: Glass damage\nowner: operations-claims-motor\ndepends_on:\n  - { id: SOP-14, type: implements }\n---\n# Glass damage\n" >arts/form-9.md &&
	aivalue artefacts sync arts >/dev/null &&
	aivalue baseline diff b0 @now --json >d.json &&
	test "$(json_get d.json "(d[\"added\"], d[\"removed\"], d[\"changed\"], d[\"impacted\"], d[\"same\"])")" = "([${Q}FORM-9$Q], [], [], [], False)" &&
	test "$(json_get d.json "d[\"root_a\"]")" = "$(json_get b0.json "d[\"root\"]")" &&
	aivalue baseline diff b0 @now >d.txt &&
	printf "added    FORM-9\n0 changed, 1 added, 0 removed; 0 more artefacts downstream of the changes\n" >want.txt &&
	test_cmp want.txt d.txt &&
	test "$(json_get d.json "d[\"explain\"]")" = "$(tail -n 1 d.txt)"
'

test_expect_success 'the same baseline twice: no difference, the root named' '
	aivalue baseline diff b0 b0 >s.txt &&
	test "$(cat s.txt)" = "no difference: both roots are $(json_get b0.json "d[\"root\"][:16]")..."
'

test_done
