#!/bin/sh
# tests/mcp/conformance-run.sh - run the MCP conformance suite's server
# scenarios against an MCP endpoint (the gateway, or an upstream directly)
# and count the result.
#
#   tests/mcp/conformance-run.sh [--bearer TOKEN] [--tap] [--all] [--scenario NAME]
#                                [--expected FILE] [--no-fail] [--out DIR] URL
#
#   --bearer TOKEN   sent as `Authorization: Bearer TOKEN` on every request
#                    to URL's origin (the gateway wants an agent token; the
#                    suite itself has no option for it: conformance-preload.mjs)
#   --tap            one TAP line per scenario (conformance-report.mjs)
#   --all            the suite's "all" scenarios (active and pending), not
#                    only the active ones
#   --scenario NAME  one scenario only
#   --expected FILE  scenarios expected to fail, with the reason
#                    (tests/mcp/conformance-expected-failures.yml)
#   --no-fail        exit 0 whenever the suite ran (the caller reads the counts)
#   --out DIR        keep the suite's checks.json files there (default: a
#                    temporary folder, removed afterwards)
#
# Prints the counts (last line: `conformance: P of T scenarios passed ...`)
# and exits 0 when every failing scenario is an expected one.  Node 20 is
# enough (conformance-hooks.mjs).  docs/gateway.md, "Conformance".
set -u
here=$(cd "$(dirname "$0")" && pwd)
bearer= tap= suite= scenario= expected= out= nofail=0
while [ $# -gt 1 ]; do
	case "$1" in
	--bearer) bearer=$2; shift 2 ;;
	--tap) tap=--tap; shift ;;
	--all) suite="--suite all"; shift ;;
	--scenario) scenario="--scenario $2"; shift 2 ;;
	--expected) expected=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--no-fail) nofail=1; shift ;;
	*) break ;;
	esac
done
[ $# -eq 1 ] || { echo "usage: conformance-run.sh [--bearer TOKEN] [--tap] [--all] [--scenario NAME] [--expected FILE] [--no-fail] [--out DIR] URL" >&2; exit 2; }
url=$1
suite_js=$here/node_modules/@modelcontextprotocol/conformance/dist/index.js
[ -f "$suite_js" ] || { echo "conformance-run.sh: $suite_js is missing (scripts/install-test-deps)" >&2; exit 2; }
keep=1
if [ -z "$out" ]; then
	out=$(mktemp -d "${TMPDIR:-/tmp}/conformance.XXXXXX") || exit 2
	keep=0
fi
# the suite writes the scenario folders into --output-dir; its own summary
# goes to the log (kept next to them)
# shellcheck disable=SC2086
(cd "$here" && MCP_CONFORMANCE_URL=$url MCP_CONFORMANCE_BEARER=$bearer \
	node --import ./conformance-preload.mjs "$suite_js" server --url "$url" \
	$suite $scenario -o "$out") > "$out/suite.log" 2>&1
node "$here/conformance-report.mjs" $tap ${expected:+--expected "$expected"} "$out"
st=$?
if [ $st -ne 0 ] && ! ls "$out" | grep -q '^server-'; then
	echo "conformance-run.sh: the suite ran no scenario; its output:" >&2
	tail -20 "$out/suite.log" >&2
fi
ran=$(ls "$out" | grep -c '^server-')
[ $keep -eq 1 ] || rm -rf "$out"
[ $nofail -eq 1 ] && [ "$ran" -gt 0 ] && exit 0
exit $st
