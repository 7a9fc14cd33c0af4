#!/bin/sh
# t8000-browser - the dashboard in a real browser: builds a workspace with
# realistic data for every capability (tests/browser/workspace.sh), serves
# it, and runs tests/browser/run.js in Chromium: every page reached from
# the overview (and every page route of the route table) answers 200 with
# no console error, its charts have data points, axe-core finds no serious
# or critical violation; keyboard, sorting, no-JavaScript rendering; and
# the flows by clicking: follow a finding to its evidence, sign a change
# request as an approver, approve an exception as an approver.  Screenshots
# of every page go to build/screenshots/ (SCREENSHOTS=DIR to change).
# Needs node, Chromium and tests/browser/node_modules
# (scripts/install-test-deps); skipped when node or the node modules are
# missing.
. "$(dirname "$0")/lib.sh"

browser_dir="$TEST_ROOT/tests/browser"
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
# skipped only when node or the npm packages are missing; scripts/install-test-deps
# installs them together with chromium, so a missing chromium then fails
if ! command -v node >/dev/null 2>&1 ||
   [ ! -d "$browser_dir/node_modules/playwright-core" ] ||
   [ ! -d "$browser_dir/node_modules/axe-core" ]; then
	echo "1..0 # SKIP node or tests/browser/node_modules missing (scripts/install-test-deps)"
	exit 0
fi
export CHROMIUM
SHOTS=${SCREENSHOTS:-$TEST_ROOT/build/screenshots}

"$browser_dir/workspace.sh" || { echo "1..0 # workspace.sh failed"; exit 1; }
echo kerem.sahin >approver.name        # approver.tok's person: owner of SOP-12 (CR-2)
echo sabine.muller >exception-approver.name  # neither the agent nor the person it acted for
# the page routes, from the route table: GET routes flagged R_PAGE that
# the viewer the crawl signs in as may open (a route whose roles are an
# explicit list without ROLE_VIEWER, such as /value, is left out: the
# navigation does not offer it to a viewer, and t7101 covers it)
grep -ho '{ "GET", "[^"]*", [^,]*, [^,]*R_PAGE' "$TEST_ROOT"/src/http/*.c |
	awk -F', ' '!($3 ~ /[|]/ && $3 !~ /ROLE_VIEWER/)' |
	sed 's/{ "GET", "\([^"]*\)".*/\1/' | grep -v '^/log\(in\|out\|in/sso\|in/sso/callback\)$' >routes.txt
start_server --quiet

test_expect_success 'the route table lists the dashboard pages' '
	test "$(wc -l <routes.txt)" -ge 14 &&
	test_grep -x "/changes/{id}" routes.txt && test_grep -x "/" routes.txt
'

rm -rf "$SHOTS"
mkdir -p "$SHOTS"
# full-page screenshots of the first BROWSER_SHOTS pages (all: `make screenshots`)
shots=${BROWSER_SHOTS:-8}
node "$browser_dir/run.js" --url "$AIV_URL" --tokens . --out "$SHOTS" --routes routes.txt \
	--shots "$shots" >browser.tap 2>&1
st=$?
# the browser's TAP lines become this test's, numbered after the first
n=$(grep -c '^\(not \)\?ok ' browser.tap)
grep -v '^1\.\.' browser.tap | awk -v off="$test_count" '
	/^ok [0-9]+ / { sub(/^ok [0-9]+/, "ok " $2 + off); print; next }
	/^not ok [0-9]+ / { sub(/^not ok [0-9]+/, "not ok " $3 + off); print; next }
	{ print }'
test_count=$((test_count + n))
test_failed=$((test_failed + $(grep -c '^not ok ' browser.tap)))
[ "$st" = 0 ] || [ "$(grep -c '^not ok ' browser.tap)" -gt 0 ] || {
	test_count=$((test_count + 1)); test_failed=$((test_failed + 1))
	echo "not ok $test_count - run.js exited $st"
}

want=25
[ "$shots" = all ] || want=$shots
test_expect_success "screenshots were saved: at least $want" '
	test "$(ls "$SHOTS"/*.png | wc -l)" -ge $want &&
	test -s "$SHOTS/overview.png"
'

test_expect_success 'the flows changed the workspace: one signature, one approved exception' '
	aivalue --json change show CR-2 >cr2.json &&
	json_get cr2.json "[s[\"signer\"] for s in d[\"signatures\"]]" >signers &&
	test_grep kerem.sahin signers &&
	aivalue exceptions list --json >exc.json &&
	test "$(json_get exc.json "sum(1 for e in (d if isinstance(d, list) else d[\"items\"]) if e[\"state\"] == \"approved\")")" = 1 &&
	aivalue audit verify
'

test_done
