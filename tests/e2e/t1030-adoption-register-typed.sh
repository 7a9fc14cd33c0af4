#!/bin/sh
# t1030-adoption-register-typed.sh - the model 1 register results
# (starter workflows, champion reach, the shadow-AI finding) after they
# became typed structs with one JSON printer each: the text printer of
# `aivalue adoption` shows, line for line, the figures `--json` prints;
# the shadow-AI finding carries the figures and the summary, worked out
# by hand from four usage rows (as in t5000): soo-ah.cho (marketing) and
# joao.souza (team it, function it) use perplexity, which no Tool lists
# (2 people; the functions in the order of the people's ids), and
# soo-ah.cho uses copilot, which Acme's register allows in other
# functions only (1 person); the register lists 2 Tools.
. "$(dirname "$0")/lib.sh"

ACME="$TEST_ROOT/examples/acme"
MAP="person=user,time=date,tool=app,workflow=template,count=actions"
Q="'"

test_expect_success 'set up Acme with its register and a year of usage' '
	aivalue init &&
	aivalue apply -f "$ACME" >/dev/null &&
	aivalue apply -f "$ACME/usage/register.yaml" >/dev/null &&
	aivalue identities import "$ACME/usage/identities.csv" >/dev/null &&
	aivalue import usage "$ACME/usage/usage.csv" --format csv --map "$MAP" >/dev/null &&
	aivalue adoption --json >a.json &&
	aivalue adoption >a.txt
'

# the text tables (src/cli/table.c) name people and teams by their names:
# rows.py reads a table's rows, cells split on runs of two spaces
cat >rows.py <<'EOF_PY'
import re, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
start = lines.index(sys.argv[2])
for l in lines[start + 2:]:
    if not l or l.startswith("not shown"):
        break
    print("|".join(c.strip() for c in re.split(r"  +", l.strip())))
EOF_PY

test_expect_success 'starter workflows: each table row is the JSON figures' '
	aivalue get people --json >people.json &&
	aivalue get teams --json >teams.json &&
	test "$(json_get a.json "len(d[\"starter_workflows\"])")" = 4 &&
	python3 - a.json people.json >want.txt <<-\PY &&
	import json, sys
	d = json.load(open(sys.argv[1]))
	who = {p["name"]: p.get("display_name") or p["name"] for p in json.load(open(sys.argv[2]))}
	for w in d["starter_workflows"]:
	    share = "%.0f%%" % (100.0 * w["targeted_share"]) if "targeted_share" in w else "not shown"
	    print("%s|%d of %d|%s|%d|%s" % (w["title"], w["targeted_users"], w["targeted_people"],
	          share, w["other_users"], who[w["owner"]]))
	PY
	python3 rows.py a.txt "starter workflows (users in the window)" >got.txt &&
	test_cmp want.txt got.txt &&
	test_grep "^Draft a customer reply in the house tone  *19 of 56  *34%  *9  Paula García$" a.txt &&
	test "$(json_get a.json "list(d[\"starter_workflows\"][0])")" = "[${Q}name$Q, ${Q}title$Q, ${Q}owner$Q, ${Q}targeted_people$Q, ${Q}targeted_users$Q, ${Q}other_users$Q, ${Q}by_target$Q, ${Q}targeted_share$Q]"
'

test_expect_success 'champion reach: each table row is the JSON figures' '
	python3 - a.json people.json teams.json >want.txt <<-\PY &&
	import json, sys
	d = json.load(open(sys.argv[1]))
	who = {p["name"]: p.get("display_name") or p["name"] for p in json.load(open(sys.argv[2]))}
	team = {t["name"]: t.get("title") or t["name"] for t in json.load(open(sys.argv[3]))}
	for c in d["champions"]:
	    head = "%s|%s|" % (who[c["champion"]], team[c["team"]])
	    if c.get("suppressed"):
	        print(head + "not shown|not shown")
	    elif "published" in c:
	        print(head + "%.0f%%|%s|%.0f%%" % (100.0 * c["repeat_rate_before"],
	              c["published"], 100.0 * c["repeat_rate_now"]))
	    else:
	        print(head + "no data|no starter workflow|%.0f%%" % (100.0 * c["repeat_rate_now"]))
	PY
	python3 rows.py a.txt "champion reach (team repeat use, champion excluded)" >got.txt &&
	test_cmp want.txt got.txt &&
	test "$(json_get a.json "len([c for c in d[\"champions\"] if \"published\" in c])")" -ge 1
'

test_expect_success 'shadow AI: the finding from the typed result, summary and figures' '
	aivalue identities list --json >ids.json &&
	m1=$(json_get ids.json "[i[\"value\"] for i in d if i[\"person\"] == \"soo-ah.cho\"][0]") &&
	m2=$(json_get ids.json "[i[\"value\"] for i in d if i[\"person\"] == \"joao.souza\"][0]") &&
	printf "date,user,app,feature,template,actions\n2026-10-20,%s,perplexity,chat,,3\n2026-10-21,%s,perplexity,chat,,1\n2026-10-22,%s,copilot,code,,4\n" \
		"$m1" "$m2" "$m1" >shadow.csv &&
	aivalue import usage shadow.csv --format csv --map "$MAP" >/dev/null &&
	aivalue findings --json >f.json &&
	python3 - f.json >got.txt <<-\PY &&
	import json, sys
	d = json.load(open(sys.argv[1]))
	f = [x for x in d["findings"] if x["mode"] == "shadow_ai"][0]
	print(f["summary"])
	print(json.dumps(f["figures"]))
	PY
	cat >want.txt <<-\EOT &&
	Shadow AI: '"'"'perplexity'"'"' is not in the register (2 people), '"'"'copilot'"'"' used outside its allowed functions or roles (1 people)
	{"model": "workforce", "unregistered_tools": [{"tool": "perplexity", "people": 2, "functions": ["it", "marketing"]}], "disallowed_use": [{"tool": "copilot", "people": 1, "functions": ["marketing"]}], "registered_tools": 2}
	EOT
	test_cmp want.txt got.txt
'

test_done
