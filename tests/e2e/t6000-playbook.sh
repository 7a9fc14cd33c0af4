#!/bin/sh
# The playbook engine end to end on the Acme example: readiness answers
# (file and interactive), hypotheses and their verdicts, phase gates,
# findings, roadmap and report; bad input changes nothing.
. "$(dirname "$0")/lib.sh"
ACME="$TEST_ROOT/examples/acme"
AS="$ACME/assess"
export AIVALUE_FAKE_TIME=2026-11-25T12:00:00Z
Q="'" # a single quote, for Python reprs inside test bodies

test_expect_success 'set up Acme with its hypotheses' '
	aivalue init &&
	aivalue apply -f "$ACME" >/dev/null &&
	aivalue apply -f "$AS/hypotheses.yaml" >out &&
	test_grep "3 created" out
'

test_expect_success 'questionnaire: 41 questions under an hour, crosswalk ids' '
	aivalue assess questions >q.txt &&
	test_grep "^41 questions, about 49 minutes" q.txt &&
	aivalue assess questions --json >q.json &&
	test "$(json_get q.json "len(d)")" = 41 &&
	test "$(json_get q.json "[x for x in d if x[\"id\"]==\"gb_logged_usage\"][0][\"iso_42001\"]")" = "[${Q}A.6.2.8${Q}]" &&
	test "$(json_get q.json "sorted(set(x[\"basic\"] for x in d if \"basic\" in x))")" = "[${Q}allowed${Q}, ${Q}logged${Q}, ${Q}owned${Q}, ${Q}reviewed${Q}]"
'

test_expect_success 'answers from a file: one ledger entry, scores by the documented rule' '
	before=$(aivalue audit checkpoint | cut -d: -f1) &&
	aivalue assess org --answers "$AS/readiness.yaml" --json >a.json &&
	after=$(aivalue audit checkpoint | cut -d: -f1) &&
	test $((after - before)) -eq 1 &&
	test "$(json_get a.json "d[\"governance_basics_evidenced\"]")" = 0.5 &&
	test "$(json_get a.json "d[\"cap\"]")" = 2 &&
	test "$(json_get a.json "[x[\"level\"] for x in d[\"dimensions\"]]")" = "[2, 2, 2, 1, 1, 1, 1, 1]" &&
	test "$(json_get a.json "[x[\"level\"] for x in d[\"models\"]]")" = "[2, 1, 1, 1, 1]" &&
	aivalue assess show --json >s.json &&
	test "$(json_get s.json "d[\"dimensions\"]")" = "$(json_get a.json "d[\"dimensions\"]")"
'

test_expect_success 'documented answers keep the evidence hash in the ledger' '
	aivalue audit log -n 1 --json >log.json &&
	test "$(json_get log.json "d[0][\"action\"]")" = assess.answers &&
	want=$(sha256sum "$AS/evidence/ai-use-policy.md" | cut -d" " -f1) &&
	test "$(json_get log.json "[a[\"evidence_sha256\"] for a in d[0][\"payload\"][\"answers\"] if a[\"question\"]==\"gb_allowed_policy\"][0]")" = "$want" &&
	test "$(json_get log.json "[a[\"provenance\"] for a in d[0][\"payload\"][\"answers\"] if a[\"question\"]==\"wf_repeat_use\"][0]")" = measured &&
	aivalue audit verify >/dev/null
'

test_expect_success 'one answer changed with evidence: a new set, one ledger entry' '
	before=$(aivalue audit checkpoint | cut -d: -f1) &&
	echo "decision record standard v2" >dec.md &&
	aivalue assess answer gb_logged_decisions 3 --evidence dec.md --json >one.json &&
	test $(( $(aivalue audit checkpoint | cut -d: -f1) - before )) -eq 1 &&
	test "$(json_get one.json "d[\"set\"]")" = 2 &&
	test "$(json_get one.json "d[\"answered\"]")" = 41 &&
	test "$(json_get one.json "d[\"governance_basics\"][\"logged\"]")" = "{${Q}level${Q}: 2, ${Q}evidenced${Q}: True}" &&
	test "$(json_get one.json "d[\"governance_basics_evidenced\"]")" = 0.75 &&
	test "$(json_get one.json "d[\"measured_answers\"]")" = "[]" &&
	test_must_fail aivalue assess answer gb_logged_decisions 7 2>err &&
	test_grep "choice .7. is out of range" err &&
	aivalue assess org --answers "$AS/readiness.yaml" >/dev/null
'

test_expect_success 'bad answers: out of range, unknown question, missing evidence; nothing changed' '
	head=$(aivalue audit checkpoint) &&
	printf "answers:\n  - question: so_owner\n    choice: 5\n" >range.yaml &&
	test_must_fail --exit=1 aivalue assess org --answers range.yaml 2>err &&
	test_grep "range.yaml:3:13: answer to .so_owner.: choice 5 is out of range (1 to 4)" err &&
	printf "answers:\n  - question: so_ownr\n    choice: 1\n" >unknown.yaml &&
	test_must_fail aivalue assess org --answers unknown.yaml 2>err &&
	test_grep "unknown.yaml:2:15: unknown question .so_ownr." err &&
	printf "answers:\n  - question: so_owner\n    choice: 1\n    provenance: documented\n    evidence: nope.pdf\n" >ev.yaml &&
	test_must_fail aivalue assess org --answers ev.yaml 2>err &&
	test_grep "ev.yaml:5:15: cannot read evidence file" err &&
	printf "answers:\n  - question: so_owner\n    choice: 1\n    provenanse: stated\n" >key.yaml &&
	test_must_fail aivalue assess org --answers key.yaml 2>err &&
	test_grep "unknown key .provenanse." err &&
	test "$(aivalue audit checkpoint)" = "$head"
'

test_expect_success 'interactive questionnaire: progress, skip, back, bad input, resume' '
	workspace_new i &&
	AIVALUE_DB=$(workspace_db i) && export AIVALUE_DB &&
	aivalue init >/dev/null &&
	echo "policy v1" >policy.md &&
	aivalue assess org >o1.txt 2>e1.txt <<-\EOT &&
	3
	9
	x
	s
	3 d policy.md
	q
	EOT
	test_grep "^question 1 of 41, ~49 min left" o1.txt &&
	test_grep "^question 3 of 41, ~46 min left" o1.txt &&
	test_grep "choice 9 is out of range (1 to 4)" e1.txt &&
	test_grep "is not a choice" e1.txt &&
	test_grep "progress saved (3 of 41)" o1.txt &&
	test_must_fail aivalue assess show 2>err &&
	test_grep "no readiness answers saved yet" err &&
	python3 -S -c "print(\"b\"); print(\"\"); [print(2) for _ in range(38)]" >rest.txt &&
	aivalue assess org <rest.txt >o2.txt &&
	test_grep "Resuming: 3 of 41" o2.txt &&
	test_grep "^question 4 of 41" o2.txt &&
	test_grep "current answer: 3 (press Enter to keep it)" o2.txt &&
	test_grep "^saved answer set 1" o2.txt &&
	test_grep "40 of 41 questions answered" o2.txt &&
	aivalue assess show --json >i.json &&
	test "$(json_get i.json "[a[\"provenance\"] for a in d[\"answers\"] if a[\"question\"]==\"so_outcomes\"][0]")" = stated &&
	test "$(json_get i.json "[a[\"provenance\"] for a in d[\"answers\"] if a[\"question\"]==\"so_budget\"][0]")" = documented &&
	test "$(json_get i.json "[a[\"choice\"] for a in d[\"answers\"] if a[\"question\"]==\"so_owner\"]")" = "[]"
'

test_expect_success 'evidence: supported, not supported, insufficient data' '
	aivalue evidence --data "$AS/observations.csv" >ev.txt &&
	test_grep "imported 1000 observations" ev.txt &&
	aivalue evidence --json >ev.json &&
	test "$(json_get ev.json "{h[\"name\"]: h[\"verdict\"] for h in d[\"hypotheses\"]}")" = "{${Q}contract-review-faster${Q}: ${Q}supported${Q}, ${Q}cover-advisor-intent${Q}: ${Q}not supported${Q}, ${Q}risk-briefs-faster${Q}: ${Q}insufficient data${Q}}" &&
	test "$(json_get ev.json "d[\"hypotheses\"][0][\"result\"][\"n_baseline\"]")" = 48 &&
	test "$(json_get ev.json "d[\"hypotheses\"][0][\"guardrails\"][0][\"verdict\"]")" = held &&
	test "$(json_get ev.json "d[\"hypotheses\"][1][\"result\"][\"method\"].startswith(\"rate difference\")")" = True &&
	aivalue evidence --json >ev2.json && test_cmp ev.json ev2.json &&
	aivalue evidence --data "$AS/observations.csv" >again.txt &&
	test_grep "was imported before: nothing changed" again.txt
'

test_expect_success 'a registered hypothesis cannot be edited or deleted' '
	head=$(aivalue audit checkpoint) &&
	sed "s/minimum_effect: \"20%\"/minimum_effect: \"10%\"/" "$AS/hypotheses.yaml" >edited.yaml &&
	test_must_fail aivalue apply -f edited.yaml 2>err &&
	test_grep "hypothesis .contract-review-faster. is registered and its criteria cannot be edited" err &&
	test_grep "supersedes: contract-review-faster" err &&
	test_must_fail aivalue delete hypothesis contract-review-faster 2>err &&
	test_grep "cannot be deleted" err &&
	test "$(aivalue audit checkpoint)" = "$head" &&
	sed "s/title: Contract review is at least 20% faster/title: Contract review is faster/" "$AS/hypotheses.yaml" >retitled.yaml &&
	aivalue apply -f retitled.yaml >out && test_grep "1 updated" out
'

test_expect_success 'superseding a hypothesis' '
	cat >sup.yaml <<-\EOT &&
	kind: Hypothesis
	name: contract-review-faster-v2
	initiative: contract-review-assistant
	metric: expert_cycle_time
	comparison: { before_after: "2026-10-01" }
	minimum_effect: "10%"
	minimum_sample: 30
	review_date: "2027-03-31"
	supersedes: contract-review-faster
	EOT
	aivalue apply -f sup.yaml >/dev/null &&
	aivalue evidence --json >e.json &&
	test "$(json_get e.json "{h[\"name\"]: h[\"verdict\"] for h in d[\"hypotheses\"]}[\"contract-review-faster\"]")" = superseded &&
	test "$(json_get e.json "{h[\"name\"]: h[\"verdict\"] for h in d[\"hypotheses\"]}[\"contract-review-faster-v2\"]")" = supported
'

test_expect_success 'bad hypotheses and observations: clear error, nothing changed' '
	head=$(aivalue audit checkpoint) &&
	sed "s/metric: expert_cycle_time/metric: cycle_tim/" sup.yaml | sed "s/-v2/-v3/" >badm.yaml &&
	test_must_fail aivalue apply -f badm.yaml 2>err &&
	test_grep "badm.yaml:4:9: hypothesis .contract-review-faster-v3.: unknown metric .cycle_tim." err &&
	sed "s/initiative: contract-review-assistant/initiative: nobody/" sup.yaml | sed "s/-v2/-v4/" >badi.yaml &&
	test_must_fail aivalue apply -f badi.yaml 2>err &&
	test_grep "refers to unknown initiative .nobody." err &&
	printf "initiative,unit,metric,time,value\ncontract-review-assistant,c1,expert_cycle_time,2026-10-02,12\ncontract-review-assistant,c2,expert_cycle_tim,2026-10-02,12\n" >bad.csv &&
	test_must_fail aivalue evidence --data bad.csv 2>err &&
	test_grep "bad.csv:3:30: unknown metric .expert_cycle_tim." err &&
	printf "initiative,unit,metric,time,value\ncontract-review-assistant,c1,expert_cycle_time,2026-10-02,abc\n" >bad2.csv &&
	test_must_fail aivalue evidence --data bad2.csv 2>err &&
	test_grep "bad2.csv:2:59: value .abc. is not a number" err &&
	test "$(aivalue audit checkpoint)" = "$head"
'

test_expect_success 'phase: earned phase, every criterion with figure and source' '
	aivalue phase --record --json >p.json &&
	test "$(json_get p.json "d[\"earned\"]")" = 1 &&
	test "$(json_get p.json "{c[\"criterion\"]: c[\"status\"] for c in d[\"criteria\"]}")" = "{${Q}governance_basics${Q}: ${Q}fail${Q}, ${Q}repeat_use_spread${Q}: ${Q}lacks evidence${Q}, ${Q}no_two_tier_workforce${Q}: ${Q}lacks evidence${Q}, ${Q}ledger_verifies${Q}: ${Q}pass${Q}, ${Q}change_auditability${Q}: ${Q}lacks evidence${Q}, ${Q}exception_handling_real${Q}: ${Q}lacks evidence${Q}, ${Q}evidence_of_value${Q}: ${Q}pass${Q}, ${Q}value_plays${Q}: ${Q}pass${Q}}" &&
	test "$(json_get p.json "[c[\"value\"] for c in d[\"criteria\"] if c[\"criterion\"]==\"governance_basics\"][0]")" = 0.5 &&
	test "$(json_get p.json "[c[\"value\"] for c in d[\"criteria\"] if c[\"criterion\"]==\"value_plays\"][0]")" = 2.0 &&
	json_get p.json "[c[\"source\"] for c in d[\"criteria\"] if c[\"criterion\"]==\"change_auditability\"][0]" | grep "^lacks evidence: change control" &&
	test "$(json_get p.json "\"claims-triage-agent\" in [a[\"initiative\"] for a in d[\"ahead_of_gate\"]]")" = True &&
	test "$(json_get p.json "d[\"changed\"]")" = True &&
	test "$(json_get p.json "[c[\"iso_42001\"] for c in d[\"criteria\"] if c[\"criterion\"]==\"ledger_verifies\"][0]")" = "[${Q}A.6.2.8${Q}]" &&
	aivalue phase --record --json >p2.json &&
	test "$(json_get p2.json "d[\"changed\"]")" = False &&
	aivalue audit log -n 5 --json >l.json &&
	test "$(json_get l.json "sum(1 for e in d if e[\"action\"]==\"phase.verdict\")")" = 1
'

test_expect_success 'findings: demo not embedded, automation before controls, not assessed' '
	aivalue findings --json >f.json &&
	test "$(json_get f.json "[(x[\"severity\"], x[\"subject\"]) for x in d[\"findings\"] if x[\"mode\"]==\"demo_not_embedded\"]")" = "[(${Q}high${Q}, ${Q}initiative/reserving-analysis-assistant${Q}), (${Q}high${Q}, ${Q}initiative/underwriting-risk-briefs${Q})]" &&
	test "$(json_get f.json "[x[\"subject\"] for x in d[\"findings\"] if x[\"mode\"]==\"automating_before_controls\"]")" = "[${Q}initiative/claims-triage-agent${Q}]" &&
	test "$(json_get f.json "[x[\"move\"][\"id\"] for x in d[\"findings\"] if x[\"mode\"]==\"automating_before_controls\"][0]")" = workflow_readiness_check &&
	test "$(json_get f.json "sorted(x[\"mode\"] for x in d[\"not_assessed\"])")" = "[${Q}generation_outpaces_governance${Q}, ${Q}shadow_ai${Q}, ${Q}two_tier_workforce${Q}, ${Q}volume_over_credibility${Q}]"
'

test_expect_success 'workflow readiness on the six foundations' '
	aivalue assess workflow claims-triage-agent --json >w.json &&
	test "$(json_get w.json "d[\"overall\"]")" = "not ready" &&
	test "$(json_get w.json "d[\"ahead_of_gate\"]")" = True &&
	test "$(json_get w.json "[f[\"foundation\"] for f in d[\"foundations\"]]")" = "[${Q}identity${Q}, ${Q}entitlements${Q}, ${Q}integration${Q}, ${Q}logging${Q}, ${Q}exception_handling${Q}, ${Q}ownership${Q}]" &&
	test "$(json_get w.json "[(f[\"status\"], f[\"level\"]) for f in d[\"foundations\"] if f[\"foundation\"]==\"ownership\"][0]")" = "(${Q}not ready${Q}, 2)" &&
	json_get w.json "[f[\"detail\"] for f in d[\"foundations\"] if f[\"foundation\"]==\"logging\"][0]" | grep "not measured for this workflow: agent control" &&
	aivalue assess workflow claims-triage-agent >w.txt &&
	test_grep "ahead of its gate: the organisation has earned phase 1" w.txt &&
	test_must_fail aivalue assess workflow nope 2>err &&
	test_grep "no initiative or agent workflow named .nope." err
'

test_expect_success 'roadmap: deterministic order and the Phase 2 trio' '
	aivalue roadmap --industry insurance --json >r1.json &&
	aivalue roadmap --industry insurance --json >r2.json &&
	test_cmp r1.json r2.json &&
	test "$(json_get r1.json "[t[\"initiative\"] for t in d[\"phase2_trio\"]]")" = "[${Q}cover-advisor-assistant${Q}, ${Q}contract-review-assistant${Q}, ${Q}claims-triage-agent${Q}]" &&
	test "$(json_get r1.json "all(d[\"steps\"][i][\"priority\"] >= d[\"steps\"][i+1][\"priority\"] for i in range(len(d[\"steps\"])-1))")" = True &&
	test "$(json_get r1.json "d[\"steps\"][0][\"id\"]")" = data_integration &&
	test "$(json_get r1.json "[p[\"current\"] for p in d[\"industry\"][\"path\"]]")" = "[True, False, False, False]" &&
	test_must_fail aivalue roadmap --industry banking 2>err &&
	test_grep "unknown industry .banking." err
'

test_expect_success 'report: standalone HTML with inline SVG, Markdown and JSON' '
	aivalue report --format html --industry insurance -o r.html 2>err &&
	test_grep "wrote html report" err &&
	test_grep -c "<svg" r.html >n && test "$(cat n)" -ge 2 &&
	test_grep "class=\"chart radar\"" r.html &&
	test_grep "@media print" r.html &&
	! grep -E "<script|<link|src=|url\(|@import" r.html &&
	test "$(grep -o "https\?://[^\"]*" r.html | sort -u)" = "http://www.w3.org/2000/svg" &&
	test_grep "claims-triage-agent" r.html &&
	test_grep "lacks evidence: change control" r.html &&
	test_grep "7. Audit crosswalk" r.html &&
	test_grep "No framework library is imported" r.html &&
	python3 -S -c "import html.parser,sys; p=html.parser.HTMLParser(); p.feed(open(\"r.html\").read())" &&
	aivalue report --format md -o r.md 2>/dev/null &&
	test_grep "^The organisation is in phase 1 of 3, Build fluency and trust." r.md &&
	test_grep "^| contract-review-faster-v2 | Expert cycle time | supported | 2 d 23 h instead of 4 d 22 h |" r.md &&
	aivalue report --format json -o r.json 2>/dev/null &&
	test "$(json_get r.json "d[\"phase\"][\"earned\"]")" = 1 &&
	test "$(json_get r.json "d[\"readiness\"][\"governance_basics_evidenced\"]")" = 0.5 &&
	test "$(json_get r.json "[m[\"state\"] for m in d[\"metrics\"] if m[\"id\"]==\"ledger_verifies\"][0]")" = measured &&
	test "$(json_get r.json "[m[\"value\"] for m in d[\"metrics\"] if m[\"id\"]==\"innovation_output\"][0]")" = 2.0 &&
	test "$(json_get r.json "[m[\"state\"] for m in d[\"metrics\"] if m[\"id\"]==\"repeat_use_rate\"][0]")" = missing &&
	test_must_fail --exit=2 aivalue report --format pdf 2>err &&
	test_grep "unknown report format .pdf." err
'

if command -v chromium >/dev/null 2>&1; then
test_expect_success 'report prints to PDF with Chromium' '
	chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
		--print-to-pdf="$TEST_DIR/r.pdf" "file://$TEST_DIR/r.html" >/dev/null 2>&1 &&
	test "$(head -c 4 r.pdf)" = "%PDF" &&
	test "$(wc -c <r.pdf)" -gt 10000
'
else
	say "chromium not installed: PDF rendering not tested"
fi

test_done
