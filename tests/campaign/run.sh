#!/bin/sh
# tests/campaign/run.sh - `make campaign`: rerun the hostile-client checks
# against the real binary on loopback and print one table:
#
#   check | tries | failures | data lost
#
# Bounded: every loop has a count and a time limit; the whole run takes
# about 3 minutes on a 2-core machine (under 10 in any case: each step is
# under `timeout`).  Loopback only.  Exit 0 when every row has 0 failures
# and 0 lost.  ROUNDS=N repeats the drain and kill -9 checks (default 5 / 3).
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${AIVALUE_BIN:-$ROOT/build/aivalue}
case "$BIN" in /*) ;; *) BIN="$ROOT/$BIN" ;; esac
H="$ROOT/tests/campaign/hostile.py"
ROUNDS=${ROUNDS:-5}
KROUNDS=${KROUNDS:-3}
DIR=$(mktemp -d "${TMPDIR:-/tmp}/aiv-campaign.XXXXXX")
trap 'kill $PID 2>/dev/null; rm -rf "$DIR"' EXIT
export AIVALUE_DB="$DIR/aivalue.db" AIVALUE_ACTOR="campaign"
cd "$DIR" || exit 1
PID=

INV='{"action": "approve_invoice", "resource": "Invoice::\"inv-1\"", "context": {"confidence": 0.97, "amount": 120}}'
SOURCES=$(python3 -c 'print(",".join("127.0.0.%d" % i for i in range(10, 30)))')

start() {
	PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
	"$BIN" serve --listen "127.0.0.1:$PORT" --quiet "$@" >>server.log 2>&1 &
	PID=$!
	URL="http://127.0.0.1:$PORT"
	i=0
	while ! curl -fsS "$URL/healthz" >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -gt 200 ] && { echo "server did not start" >&2; cat server.log >&2; exit 1; }
		sleep 0.05
	done
}
stop() { kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; PID=; }
# row CHECK TRIES FAILURES LOST
row() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>rows.tsv; }
jf() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(d$2)" "$1"; }

"$BIN" init >/dev/null 2>&1
"$BIN" apply -f "$ROOT/tests/data/control/org.yaml" >/dev/null
"$BIN" token create --name ap-bot-key --agent ap-bot >agent.tok 2>/dev/null
for r in admin lead analyst approver auditor viewer; do
	"$BIN" token create --name "c-$r" --role "$r" >"$r.tok" 2>/dev/null
done
: >rows.tsv
T0=$(date +%s)

# 1, 2. slowloris: one address, then twenty, probes by a GET and by decide
start
timeout 120 python3 "$H" slowloris --url "$URL" --conns 300 --seconds 20 --bound 2 \
	--name "slowloris 300 conns, 1 address: GET answered in 2 s" >s1.json
row "$(jf s1.json '["check"]')" "$(jf s1.json '["tries"]')" "$(jf s1.json '["failures"]')" 0
timeout 120 python3 "$H" slowloris --url "$URL" --conns 300 --sources "$SOURCES" --seconds 20 \
	--bound 2 --name "slowloris 300 conns, 20 addresses: GET answered in 2 s" >s2.json
row "$(jf s2.json '["check"]')" "$(jf s2.json '["tries"]')" "$(jf s2.json '["failures"]')" 0
timeout 120 python3 "$H" slowloris --url "$URL" --conns 600 --sources "$SOURCES" --seconds 20 \
	--bound 2 --interval 0.5 --probe-method POST --probe-path /api/v1/decide \
	--probe-header "Authorization: Bearer $(cat agent.tok)" --probe-body "$INV" \
	--name "slowloris 600 conns, 20 addresses: decide answered in 2 s" >s3.json
row "$(jf s3.json '["check"]')" "$(jf s3.json '["tries"]')" "$(jf s3.json '["failures"]')" 0

# 3. role x endpoint matrix: no role outside x-roles, and no anonymous call, gets a 2xx
set --
for r in admin lead analyst approver auditor viewer; do set -- "$@" --token "$r=$(cat $r.tok)"; done
timeout 120 python3 "$H" matrix --url "$URL" --token "agent=$(cat agent.tok)" "$@" >m.json
row "role x endpoint matrix: unexpected 2xx" "$(jf m.json '["tries"]')" "$(jf m.json '["failures"]')" 0
stop

# 4. SIGTERM drain under keep-alive load
tries=0 fails=0 lost=0
n=0
while [ $n -lt "$ROUNDS" ]; do
	n=$((n + 1))
	start --threads 2
	timeout 60 python3 "$H" drain --url "$URL" --pid "$PID" --clients 16 --after 1 \
		--path /api/v1/openapi.json >d.json
	wait "$PID" 2>/dev/null; PID=
	tries=$((tries + $(jf d.json '["tries"]')))
	fails=$((fails + $(jf d.json '["failures"]')))
	lost=$((lost + $(jf d.json '["lost"]')))
done
row "SIGTERM drain, $ROUNDS stops, 16 keep-alive clients" "$tries" "$fails" "$lost"

# 5. kill -9 during decide load: every answered decision is in the log after restart
tries=0 fails=0 lost=0
n=0
while [ $n -lt "$KROUNDS" ]; do
	n=$((n + 1))
	start --threads 2
	timeout 60 python3 "$H" kill9 --url "$URL" --pid "$PID" --clients 8 --after 3 \
		--header "Authorization: Bearer $(cat agent.tok)" --body "$INV" --ids ids.txt >k.json
	wait "$PID" 2>/dev/null; PID=
	"$BIN" decisions list --json >log.json 2>/dev/null
	missing=$(python3 -c "
import json, sys
have = {r.get('decision_id') for r in json.load(open('log.json'))}
ids = [l.strip() for l in open('ids.txt') if l.strip()]
print(sum(1 for i in ids if i not in have))")
	tries=$((tries + $(jf k.json '["tries"]')))
	fails=$((fails + $(jf k.json '["failures"]')))
	lost=$((lost + missing))
done
"$BIN" decisions verify >/dev/null 2>&1 || fails=$((fails + 1))
row "kill -9 under decide load, $KROUNDS kills, 8 agents" "$tries" "$fails" "$lost"

T1=$(date +%s)
python3 - "$T1" "$T0" <<'PY'
import sys
rows = [l.rstrip("\n").split("\t") for l in open("rows.tsv")]
w = max(len(r[0]) for r in rows)
print("| %-*s | %7s | %8s | %9s |" % (w, "check", "tries", "failures", "data lost"))
print("|-%s-|--------:|---------:|----------:|" % ("-" * w))
for r in rows:
    print("| %-*s | %7s | %8s | %9s |" % (w, r[0], r[1], r[2], r[3]))
print("\n%d s; load average at the end: %s" % (int(sys.argv[1]) - int(sys.argv[2]),
      open("/proc/loadavg").read().split()[0:3]))
bad = [r for r in rows if r[2] != "0" or r[3] != "0"]
sys.exit(1 if bad else 0)
PY
