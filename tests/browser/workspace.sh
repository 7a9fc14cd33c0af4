#!/bin/sh
# tests/browser/workspace.sh - build a workspace with realistic data for
# every capability of the dashboard, in the current directory's
# $AIVALUE_DB: the Acme organisation and its year of AI usage, customer
# journeys, the SOP/policy/contract graph with change requests in several
# states (merged, open, rejected, AI-generated), agents, workflows and
# Cedar policies with decisions and pending exceptions, readiness answers,
# value hypotheses, and event logs (the public claims log from
# ../shared/data/eventlogs when it is there, else tests/data).  Prints
# nothing but errors; writes approver.tok, lead.tok, viewer.tok in the
# current directory.  Used by tests/e2e/t8000-browser.sh and by hand
# before bench/pages:
#
#   AIVALUE_BIN=build/aivalue AIVALUE_DB=/tmp/ws/aivalue.db tests/browser/workspace.sh
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${AIVALUE_BIN:-$ROOT/build/aivalue}
ACME=$ROOT/examples/acme
SHARED=${AIV_SHARED_DATA:-$ROOT/../shared/data}
[ -d "$SHARED/eventlogs" ] || SHARED=/work/shared/data
export AIVALUE_ACTOR=${AIVALUE_ACTOR:-demo}
a() { "$BIN" "$@" >/dev/null; }

a init
a apply -f "$ACME"
a identities import "$ACME/usage/identities.csv"
a import usage "$ACME/usage/usage.csv" --format csv \
	--map person=user,time=date,tool=app,workflow=template,count=actions
a apply -f "$ACME/usage/register.yaml"
a import journeys "$ACME/usage/journeys.csv" --format csv
a import journeys "$ACME/usage/outcomes.csv" --format csv
cp -r "$ACME/artefacts" arts
(cd arts && "$BIN" artefacts sync . >/dev/null)
(cd "$ACME/assess" && "$BIN" assess org --answers readiness.yaml >/dev/null)
a apply -f "$ACME/assess/hypotheses.yaml"
a evidence --data "$ACME/assess/observations.csv"

# event logs: a real claims log when the shared data is there
if [ -f "$SHARED/eventlogs/02_teleclaims.xes.gz" ]; then
	a import cases "$SHARED/eventlogs/02_teleclaims.xes.gz" --name teleclaims
fi
if [ -f "$SHARED/eventlogs/running-example.xes" ]; then
	a import cases "$SHARED/eventlogs/running-example.xes" --name running-example
else
	a import cases "$ROOT/tests/data/eventlogs/running-example.xes" --name running-example
fi

# change requests: CR-1 merged (downstream stale), CR-2 open and signed
# once (the browser test signs it), CR-3 rejected, CR-4 AI-generated, open
cp arts/pol-7.md pol-7-v4.md
echo "4. Claims are acknowledged by e-mail within one hour." >>pol-7-v4.md
a change open --artefact POL-7 --file pol-7-v4.md --risk high \
	--reason "regulator requires written acknowledgement" --as karthik.verma
for p in lotte.mulder iryna.tkachenko eline.bakker kerem.sahin leila.tehrani; do
	a change approve CR-1 --as $p --meaning "approved as $p" --reason "text checked"
done
a change merge CR-1
cp arts/sop-12.md sop-12-v2.md
echo "Photos of the damage are attached at first notice." >>sop-12-v2.md
a change open --artefact SOP-12 --file sop-12-v2.md --reason "photos at intake" --as ayesha.khan
cp arts/sop-14.md sop-14-v2.md
echo "Settlement letters quote the claim reference." >>sop-14-v2.md
a change open --artefact SOP-14 --file sop-14-v2.md --reason "letters" --as karthik.verma
a change reject CR-3 --as leila.tehrani --meaning "rejected as owner" --reason "covered by SOP-12"
cp arts/con-2.md con-2-v2.md
echo "Renewal: the supplier reports AI use in handling." >>con-2-v2.md
a change open --artefact CON-2 --file con-2-v2.md --reason "renewal" --risk low \
	--as karthik.verma --generated-by claims-bot --model gpt-x

# agents, workflows and Cedar policies owned by Acme people, decisions,
# and pending exceptions in the ap-review queue
sed -e '/^kind: Team/,/^---/d' -e '/^kind: Person/,/^---/d' \
	-e 's/\bana\b/sabine.muller/g' -e 's/\bbob\b/kerem.sahin/g' \
	-e 's/team:ap-clerks/team:finance-accounting/g' \
	-e 's/@escalate("ap-review")/@escalate("finance-accounting")/' \
	"$ROOT/tests/data/control/org.yaml" >control.yaml
a apply -f control.yaml
d() { "$BIN" decide --agent ap-bot --action approve_invoice --resource "Invoice::\"$1\"" \
	--context "$2" ${3:+--on-behalf-of "$3"} >/dev/null; }
d inv-1 '{"confidence": 0.97, "amount": 120}'
d inv-2 '{"confidence": 0.95, "amount": 980}'
d inv-3 '{"confidence": 0.72, "amount": 500}' kerem.sahin
d inv-4 '{"confidence": 0.91, "amount": 24000}' kerem.sahin
d inv-5 '{"confidence": 0.99, "amount": 75, "weekend": true}'
"$BIN" decide --agent claims-bot --action read --resource 'Claim::"c-1"' >/dev/null

"$BIN" token create --name kerem.sahin --role approver >approver.tok 2>/dev/null
"$BIN" token create --name lotte.mulder --role approver >lotte.tok 2>/dev/null
"$BIN" token create --name karthik.verma --role lead >lead.tok 2>/dev/null
"$BIN" token create --name reader --role viewer >viewer.tok 2>/dev/null
