# tests/e2e/change_http.sh - what the change-control HTTP tests share
# (t4100, t4110): the fixed clock, and helpers that call the API, compare
# its answers with the CLI's --json, and check a refusal changes nothing;
# then the common start: a workspace with Acme's teams and people and a
# copy of its artefact folder in ./arts.  Source it after lib.sh.
AIVALUE_FAKE_TIME=2026-11-02T09:00:00Z
export AIVALUE_FAKE_TIME

# api TOKEN METHOD PATH [curl args...]: body to out.json, prints the status.
api() {
	t=$1 m=$2 p=$3
	shift 3
	curl -s -o out.json -w '%{http_code}' -X "$m" -H "Authorization: Bearer $t" "$@" "$AIV_URL$p"
}
post() { api "$1" POST "$2" -H 'Content-Type: application/json' --data-binary "$3"; }
# The whole state: ledger head plus a dump of the database.
state() {
	aivalue audit checkpoint
	test_dump | sha256sum
}
# refused STATUS TOKEN PATH BODY TEXT: POST is refused with STATUS, the
# message contains TEXT, nothing changes.
refused() {
	state >before.state
	st=$(post "$2" "$3" "$4")
	state >after.state
	if [ "$st" != "$1" ]; then
		echo "# expected $1, got $st: $(cat out.json)"
		return 1
	fi
	test_grep "$5" out.json && test_cmp before.state after.state
}
# same API.json PYEXPR CLI.json: the API answer (after PYEXPR) equals the CLI's.
same() {
	python3 - "$1" "$3" "$2" <<-\PY
	import json, sys
	d = json.load(open(sys.argv[1]))
	a = eval(sys.argv[3])
	b = json.load(open(sys.argv[2]))
	if a != b:
	    print("# API:", json.dumps(a, sort_keys=True)[:400])
	    print("# CLI:", json.dumps(b, sort_keys=True)[:400])
	    sys.exit(1)
	PY
}
tok() { cat "$1.tok"; }

aivalue init >/dev/null 2>&1
cat "$TEST_ROOT"/examples/acme/teams.yaml "$TEST_ROOT"/examples/acme/people.yaml >org.yaml
aivalue apply -f org.yaml >/dev/null
cp -r "$TEST_ROOT"/examples/acme/artefacts arts
