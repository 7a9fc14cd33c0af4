#!/bin/sh
# t1645-json-keys - docs/json.md documents the keys of every read
# command's --json output, and the test keeps it honest both ways.  On the
# small demo (fake now 2026-12-01) each documented command is run with
# --json; the keys it prints (top-level, and one level into arrays of
# objects, written steps[].owner, or [].name for a top-level array) must
# each have a row in that command's "## aivalue CMD" section, and every
# row must be printed by the command, unless its type says "optional".
# Each mismatch is reported as COMMAND:KEY.
. "$(dirname "$0")/lib.sh"
. "$TEST_ROOT/tests/e2e/lib-demo.sh"

export AIVALUE_FAKE_TIME=2026-12-01T12:00:00Z

# heading in docs/json.md | the command run for it on the demo (@EXC:
# the id of the first exception, which is not the same from run to run;
# @EXTRAS: extras.yaml below; @LIB: the Acme excerpt control library).
# Read commands first; the write commands with --json come last, in an
# order that gives the later reads something to print.
cat >commands.txt <<'EOF_CMDS'
phase|phase
findings|findings
metrics|metrics
metrics show METRIC|metrics show repeat_use_rate
metrics history METRIC|metrics history repeat_use_rate
adoption|adoption
journeys|journeys
roadmap|roadmap
models|models
evidence|evidence
cost|cost
value|value
get initiatives|get initiatives
exceptions list|exceptions list
decisions list|decisions list
audit verify|audit verify
audit log|audit log
process stats LOG|process stats claims-handling
logs|logs
change list|change list
report --format json|report --format json
assess show|assess show
workflow readiness NAME|workflow readiness claims-triage
workflow shadow|workflow shadow
exceptions show ID|exceptions show @EXC
decisions verify|decisions verify
change stale|change stale
change conflicts|change conflicts
graph cycles|graph cycles
assess questions|assess questions
token list|token list
identities list|identities list
process compare LOG|process compare claims-handling --before 2026-06-01
change show CR|change show CR-1
change verify CR|change verify CR-1
change metrics|change metrics
graph impact ID|graph impact POL-1
graph deps ID|graph deps SOP-1
graph path A B|graph path POL-1 SOP-1
identities unmatched|identities unmatched
assess workflow INITIATIVE|assess workflow claims-triage
audit checkpoint|audit checkpoint
value --serve LOG|value --serve claims-handling
version|version
get teams|get teams
get people|get people
get artefacts|get artefacts
get hypotheses|get hypotheses
get unitvalues|get unitvalues
get agents|get agents
get workflows|get workflows
get policies|get policies
get tools|get tools
get exceptionrules|get exceptionrules
get pricebooks|get pricebooks
apply -f FILE|apply -f @EXTRAS
get metrictargets|get metrictargets
get identities|get identities
get starterworkflows|get starterworkflows
baseline create NAME|baseline create b1
baseline list|baseline list
baseline diff A B|baseline diff b1 @now
assess import LIBRARY|assess import @LIB
assess crosswalk|assess crosswalk
assess answer QUESTION CHOICE|assess answer so_outcomes 3 --source manual
assess org|assess org --answers data/assess/readiness.yaml
EOF_CMDS

# the kinds the small demo has none of, so that `get` prints their keys
cat >extras.yaml <<'EOF_EXTRAS'
kind: MetricTarget
name: repeat_use_rate
target: 0.5
at_risk: 0.35
off_track: 0.2
note: agreed in the Q1 review
---
kind: StarterWorkflow
name: claims-summary
title: Summarise a claim file for the handler
functions: [operations]
roles: [Claims handler]
owner: ivan.ricci
version: "1.0"
published: 2026-10-05
safe_use: Use the claim number, never the claimant's health details.
usage_ids: [ops-claims-summary]
---
kind: Identity
name: ivan.ricci
github: [iricci]
email: [ivan@example.com]
EOF_EXTRAS

cat >checkkeys.py <<'PY'
# checkkeys.py DOC COMMANDS OUTDIR: print COMMAND:KEY (and why) for each
# mismatch between DOC's tables and the JSON files OUTDIR/N.json.
import json, re, sys
doc, cmds, outdir = sys.argv[1:4]
sections, cur = {}, None
for line in open(doc, encoding="utf-8"):
    m = re.match(r"## aivalue (.+?)\s*$", line)
    if m:
        cur = sections.setdefault(m.group(1), {})
        continue
    m = re.match(r"\| `([^`]+)` \| ([^|]+) \|", line)
    if m and cur is not None:
        cur[m.group(1)] = "optional" in m.group(2)
def printed(d):
    keys = set()
    if isinstance(d, list):
        for o in d:
            if isinstance(o, dict):
                keys.update("[]." + k for k in o)
        return keys
    for k, v in d.items():
        keys.add(k)
        if isinstance(v, list):
            for o in v:
                if isinstance(o, dict):
                    keys.update(k + "[]." + k2 for k2 in o)
    return keys
bad, seen = [], set()
for i, line in enumerate(open(cmds, encoding="utf-8")):
    head = line.rstrip("\n").split("|")[0]
    seen.add(head)
    if head not in sections:
        bad.append("%s: no section in %s" % (head, doc))
        continue
    got = printed(json.load(open("%s/%d.json" % (outdir, i), encoding="utf-8")))
    for k in sorted(got - set(sections[head])):
        bad.append("%s:%s printed but not documented" % (head, k))
    for k in sorted(set(sections[head]) - got):
        if not sections[head][k]:
            bad.append("%s:%s documented but never printed" % (head, k))
for head in sorted(set(sections) - seen):
    bad.append("%s: documented but not run by the test" % head)
for b in bad:
    print(b)
sys.exit(1 if bad else 0)
PY

test_expect_success 'setup: the small demo and every documented command with --json' '
	aivalue_demo demo --size small --dir data >/dev/null &&
	mkdir out &&
	aivalue --json exceptions list >exc.json &&
	exc=$(json_get exc.json "d[0][\"id\"]") &&
	i=0 &&
	while IFS="|" read -r head cmd
	do
		case $cmd in
		*@EXC) cmd="exceptions show $exc" ;;
		*@EXTRAS) cmd="apply -f extras.yaml" ;;
		*@LIB) cmd="assess import $TEST_ROOT/examples/acme/assess/ciso-library-excerpt.yaml" ;;
		esac &&
		aivalue --json $cmd >out/$i.json || return 1
		i=$((i + 1))
	done <commands.txt &&
	test $i -eq 66 &&
	test_grep "\"earned\": 1" out/0.json
'

test_expect_success 'every printed key is documented and every documented key printed' '
	python3 -S checkkeys.py "$TEST_ROOT/docs/json.md" commands.txt out >&2
'

test_expect_success 'the check names COMMAND:KEY both ways' '
	sed -e "/^| \`earned\` |/d" \
	    -e "s/^| \`steps\[\]\.owner\` |/| \`steps[].owner_x\` |/" \
	    "$TEST_ROOT/docs/json.md" >json.md &&
	test_must_fail python3 -S checkkeys.py json.md commands.txt out >bad.txt &&
	test_grep "^phase:earned printed but not documented$" bad.txt &&
	test_grep "^roadmap:steps\[\]\.owner printed but not documented$" bad.txt &&
	test_grep "^roadmap:steps\[\]\.owner_x documented but never printed$" bad.txt &&
	test "$(wc -l <bad.txt)" -eq 3
'

test_done
