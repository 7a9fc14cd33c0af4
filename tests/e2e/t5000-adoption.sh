#!/bin/sh
# Adoption analytics (value model 1) end to end: import a year of Acme
# usage, measure it, and find the two-tier workforce in exactly one function.
. "$(dirname "$0")/lib.sh"

# The measurement detectors' findings among all of `aivalue findings --json`
# (the playbook's own detectors report on initiatives too): M(d) maps mode
# to finding.
json_get() {
	python3 -S -c "import json,sys
MEASURED = (\"two_tier_workforce\", \"shadow_ai\", \"volume_over_credibility\")
def M(d): return {x[\"mode\"]: x for x in d[\"findings\"] if x[\"mode\"] in MEASURED}
d=json.load(open(sys.argv[1])); print($2)" "$1"
}
ACME="$TEST_ROOT/examples/acme"
USAGE="$ACME/usage/usage.csv"
MAP="person=user,time=date,tool=app,workflow=template,count=actions"
DATA="$TEST_ROOT/tests/data/usage"

test_expect_success 'set up Acme and its identity map' '
	aivalue init &&
	aivalue apply -f "$ACME" >/dev/null &&
	aivalue identities import "$ACME/usage/identities.csv" >out &&
	test_grep "imported 397 identities" out &&
	aivalue identities list --json >ids.json &&
	test "$(json_get ids.json "len(d)")" = 397 &&
	aivalue adoption >out && test_grep "no usage imported yet" out &&
	aivalue findings --json >f0.json &&
	test "$(json_get f0.json "[x for x in d[\"findings\"] if x[\"mode\"] in MEASURED]")" = "[]" &&
	test "$(json_get f0.json "\",\".join(x[\"mode\"] for x in d[\"not_assessed\"] if \"import usage\" in x[\"lacks\"])")" = two_tier_workforce,shadow_ai
'

test_expect_success 'a year of usage imports as one ledger entry, unknown ids reported' '
	before=$(aivalue audit checkpoint | cut -d: -f1) &&
	aivalue import usage "$USAGE" --format csv --map "$MAP" --json >imp.json &&
	rows=$(($(wc -l <"$USAGE") - 1)) &&
	test "$(json_get imp.json "d[\"rows\"]")" = "$rows" &&
	test "$(json_get imp.json "\",\".join(sorted(u[\"identity\"] for u in d[\"unmatched_identities\"]))")" = u9001,u9002 &&
	after=$(aivalue audit checkpoint | cut -d: -f1) &&
	test $((after - before)) -eq 1 &&
	aivalue audit log -n 1 --json >log.json &&
	test "$(json_get log.json "d[0][\"action\"]")" = usage.import &&
	test "$(json_get log.json "d[0][\"payload\"][\"rows\"]")" = "$rows" &&
	test "$(json_get log.json "d[0][\"payload\"][\"content_hash\"]")" = "$(json_get imp.json "d[\"content_hash\"]")" &&
	aivalue audit verify >/dev/null &&
	aivalue identities unmatched >um &&
	test_grep "^u9001" um
'

test_expect_success 're-importing the same file is detected and changes nothing' '
	head=$(aivalue audit checkpoint) &&
	aivalue import usage "$USAGE" --format csv --map "$MAP" >out &&
	test_grep "already imported" out &&
	test "$(aivalue audit checkpoint)" = "$head"
'

test_expect_success 'the two-tier finding names exactly the finance function' '
	aivalue apply -f "$ACME/usage/register.yaml" >/dev/null &&
	aivalue findings --json >f.json &&
	test "$(json_get f.json "\",\".join(sorted(M(d)))")" = two_tier_workforce &&
	test "$(json_get f.json "\",\".join(x[\"function\"] for x in M(d)[\"two_tier_workforce\"][\"figures\"][\"stalled\"][\"functions\"])")" = finance &&
	test "$(json_get f.json "M(d)[\"two_tier_workforce\"][\"move\"][\"id\"]")" = make_good_easy &&
	test "$(json_get f.json "M(d)[\"two_tier_workforce\"][\"figures\"][\"stalled\"][\"functions\"][0][\"repeat_rate\"] < 0.15")" = True &&
	test "$(json_get f.json "M(d)[\"two_tier_workforce\"][\"figures\"][\"evidence\"][\"org_repeat_rate\"] > 0.40")" = True &&
	aivalue findings >out &&
	test_grep "stalls in finance" out &&
	test_grep "Make good easy" out
'

test_expect_success 'adoption by function and by team, with the privacy floor' '
	aivalue adoption --by function --json >a.json &&
	test "$(json_get a.json "d[\"organisation\"][\"people\"]")" = 397 &&
	test "$(json_get a.json "len(d[\"groups\"])")" = 10 &&
	test "$(json_get a.json "\",\".join(g[\"name\"] for g in d[\"groups\"] if g[\"repeat_rate\"] < 0.15)")" = finance &&
	test "$(json_get a.json "sum(d[\"organisation\"][\"proficiency\"].values())")" = 397 &&
	test "$(json_get a.json "d[\"lorenz\"][10][1]")" = 1.0 &&
	test "$(json_get a.json "d[\"reusable_workflows\"] > 0")" = True &&
	aivalue adoption --by team --period week --json >t.json &&
	test "$(json_get t.json "len(d[\"periods\"])")" = 12 &&
	test "$(json_get t.json "all(g.get(\"suppressed\") and \"repeat_rate\" not in g for g in d[\"groups\"] if g[\"people\"] < 5)")" = True &&
	test "$(json_get t.json "any(g[\"people\"] < 5 for g in d[\"groups\"])")" = True &&
	aivalue adoption --by role >out &&
	test_grep "repeat-use gap between roles" out
'

test_expect_success 'bad input names file, line and column and changes nothing' '
	head=$(aivalue audit checkpoint) &&
	{ head -n 100 "$USAGE" && echo "2026-02-30,u0001,chatgpt,chat,,1"; } >bad.csv &&
	test_must_fail --exit=1 aivalue import usage bad.csv --format csv --map "$MAP" 2>err &&
	test_grep "bad.csv:101:1: unparseable time .2026-02-30. in .date." err &&
	test_must_fail aivalue import usage "$USAGE" --format m365-copilot 2>err &&
	test_grep "missing column .Report Refresh Date." err &&
	test_must_fail --exit=2 aivalue import usage "$USAGE" 2>err &&
	test "$(aivalue audit checkpoint)" = "$head"
'

test_expect_success 'vendor exports import through the CLI, Identity kind joins logins' '
	aivalue import usage "$DATA/copilot-users-1-day.ndjson" --format copilot-users --dry-run >out &&
	test_grep "dry run: would import 5 rows" out &&
	cat >ident.yaml <<-EOF &&
	kind: Identity
	name: $(json_get ids.json "d[0][\"person\"]")
	github: [Carol-GH]
	EOF
	aivalue apply -f ident.yaml >out && test_grep "Identity/.* created" out &&
	aivalue import usage "$DATA/copilot-users-1-day.ndjson" --format copilot-users --json >c.json &&
	test "$(json_get c.json "d[\"people_matched\"]")" = 1
'

test_expect_success 'an Identity key with no value is an error, not a crash (fuzz_register)' '
	head=$(aivalue audit checkpoint) &&
	printf "kind: Identity\nname: %s\ngithub: # none yet\n" \
		"$(json_get ids.json "d[0][\"person\"]")" >empty-ident.yaml &&
	test_must_fail --exit=1 aivalue apply -f empty-ident.yaml 2>err &&
	test_grep "empty-ident.yaml: identity .*: .github. is empty" err &&
	test "$(aivalue audit checkpoint)" = "$head"
'

test_expect_success 'starter workflows and champion reach' '
	aivalue adoption --json >s.json &&
	test "$(json_get s.json "[w for w in d[\"starter_workflows\"] if w[\"name\"] == \"invoice-match\"][0][\"targeted_people\"]")" = 35 &&
	test "$(json_get s.json "[c for c in d[\"champions\"] if c[\"champion\"] == \"paula.garcia\"][0][\"published\"]")" = 2025-12-01 &&
	test "$(json_get s.json "[c for c in d[\"champions\"] if c[\"champion\"] == \"paula.garcia\"][0][\"change\"] > 0.3")" = True
'

test_expect_success 'shadow AI: an unlisted tool and a tool outside its allowed functions' '
	m1=$(json_get ids.json "[i[\"value\"] for i in d if i[\"person\"] == \"soo-ah.cho\"][0]") &&
	m2=$(json_get ids.json "[i[\"value\"] for i in d if i[\"person\"] == \"joao.souza\"][0]") &&
	printf "date,user,app,feature,template,actions\n2026-10-20,%s,perplexity,chat,,3\n2026-10-21,%s,perplexity,chat,,1\n2026-10-22,%s,copilot,code,,4\n" \
		"$m1" "$m2" "$m1" >shadow.csv &&
	aivalue import usage shadow.csv --format csv --map "$MAP" >/dev/null &&
	aivalue findings --json >f2.json &&
	test "$(json_get f2.json "\",\".join(sorted(M(d)))")" = shadow_ai,two_tier_workforce &&
	test "$(json_get f2.json "M(d)[\"shadow_ai\"][\"figures\"][\"unregistered_tools\"][0][\"tool\"]")" = perplexity &&
	test "$(json_get f2.json "M(d)[\"shadow_ai\"][\"figures\"][\"unregistered_tools\"][0][\"people\"]")" = 2 &&
	test "$(json_get f2.json "M(d)[\"shadow_ai\"][\"figures\"][\"disallowed_use\"][0][\"tool\"]")" = copilot &&
	test "$(json_get f2.json "\",\".join(M(d)[\"shadow_ai\"][\"figures\"][\"disallowed_use\"][0][\"functions\"])")" = marketing ||
	{ cat f2.json; false; }
'

test_expect_success 'journeys: channel metrics and volume over credibility with its p-values' '
	aivalue import journeys "$ACME/usage/journeys.csv" --format csv >out &&
	test_grep "imported .* events rows" out &&
	aivalue import journeys "$ACME/usage/outcomes.csv" --format csv >out &&
	test_grep "outcomes rows" out &&
	aivalue import journeys "$ACME/usage/outcomes.csv" --format csv >out &&
	test_grep "already imported" out &&
	aivalue journeys --json >j.json &&
	test "$(json_get j.json "\",\".join(c[\"channel\"] for c in d[\"channels\"])")" = ai_assistant,store,web &&
	test "$(json_get j.json "d[\"volume_over_credibility\"][\"volume\"][\"p_increasing\"] < 0.05")" = True &&
	test "$(json_get j.json "d[\"volume_over_credibility\"][\"quality\"][\"p_decreasing\"] < 0.05")" = True &&
	aivalue findings --json >f3.json &&
	test "$(json_get f3.json "\",\".join(sorted(M(d)))")" = shadow_ai,two_tier_workforce,volume_over_credibility &&
	test "$(json_get f3.json "M(d)[\"volume_over_credibility\"][\"move\"][\"id\"]")" = pick_one_surface &&
	aivalue journeys >out && test_grep "^ai_assistant" out
'

test_done
