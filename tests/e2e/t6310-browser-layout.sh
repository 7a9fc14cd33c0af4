#!/bin/sh
# t6310-browser-layout - every page of the small demo at 390 px and
# 1280 px in Chromium (tests/browser/layout.js): no horizontal overflow,
# no raw operators or floating-point exponents in the text, hypotheses
# with units; an empty workspace (a second server) shows the setup
# checklist and an unknown page is an HTML 404.  Screenshots go to
# build/screenshots-layout/ (SCREENSHOTS=DIR to change).  Skipped when
# node or tests/browser/node_modules is missing.
. "$(dirname "$0")/lib.sh"
. "$TEST_ROOT/tests/e2e/lib-demo.sh"

browser_dir="$TEST_ROOT/tests/browser"
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if ! command -v node >/dev/null 2>&1 ||
   [ ! -d "$browser_dir/node_modules/playwright-core" ]; then
	echo "1..0 # SKIP node or tests/browser/node_modules missing (scripts/install-test-deps)"
	exit 0
fi
export CHROMIUM
SHOTS=${SCREENSHOTS:-$TEST_ROOT/build/screenshots-layout}
export AIVALUE_FAKE_TIME=2026-12-01T12:00:00Z

test_expect_success 'setup: the small demo and an empty workspace, each served' '
	aivalue_demo demo --size small --dir data >/dev/null &&
	aivalue token create --name v --role viewer >viewer.tok &&
	workspace_new empty &&
	aivalue --db "$(workspace_db empty)" init >/dev/null &&
	aivalue --db "$(workspace_db empty)" token create --name v --role viewer >empty.tok
'

start_server --quiet
DEMO_URL=$AIV_URL
DEMO_PID=$AIV_SERVER_PID
AIVALUE_DB=$(workspace_db empty) start_server --quiet
EMPTY_URL=$AIV_URL

rm -rf "$SHOTS"
mkdir -p "$SHOTS"
# full-page screenshots of the first LAYOUT_SHOTS pages per width (all: `make screenshots`)
shots=${LAYOUT_SHOTS:-3}
node "$browser_dir/layout.js" --url "$DEMO_URL" --token viewer.tok --empty-url "$EMPTY_URL" \
	--empty-token empty.tok --out "$SHOTS" --shots "$shots" >layout.tap 2>&1
st=$?
n=$(grep -c '^\(not \)\?ok ' layout.tap)
grep -v '^1\.\.' layout.tap | awk -v off="$test_count" '
	/^ok [0-9]+ / { sub(/^ok [0-9]+/, "ok " $2 + off); print; next }
	/^not ok [0-9]+ / { sub(/^not ok [0-9]+/, "not ok " $3 + off); print; next }
	{ print }'
test_count=$((test_count + n))
test_failed=$((test_failed + $(grep -c '^not ok ' layout.tap)))
[ "$st" = 0 ] || [ "$(grep -c '^not ok ' layout.tap)" -gt 0 ] || {
	test_count=$((test_count + 1)); test_failed=$((test_failed + 1))
	echo "not ok $test_count - layout.js exited $st"
}

want=20
[ "$shots" = all ] || want=$shots
test_expect_success "screenshots at both widths were saved: at least $want each" '
	test "$(ls "$SHOTS"/390/*.png | wc -l)" -ge $want &&
	test "$(ls "$SHOTS"/1280/*.png | wc -l)" -ge $want &&
	test -s "$SHOTS/390/empty-overview.png"
'

stop_server
AIV_SERVER_PID=$DEMO_PID
test_done
