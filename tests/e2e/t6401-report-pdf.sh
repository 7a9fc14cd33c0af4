#!/bin/sh
# t6401 - the HTML report of the small demo printed by Chromium
# (tests/browser/report_pdf.js, playwright-core's page.pdf()): the page
# count is in the expected range, no element runs past the printable width
# of A4 in the print layout, no raw JSON, operators or exponents in its
# text.  The PDF and its page images go to build/report-pages/
# (REPORT_PAGES=DIR to change).  Needs node, Chromium and
# tests/browser/node_modules (scripts/install-test-deps); skipped when node
# or the node modules are missing.
. "$(dirname "$0")/lib.sh"
. "$TEST_ROOT/tests/e2e/lib-demo.sh"

browser_dir="$TEST_ROOT/tests/browser"
if ! command -v node >/dev/null 2>&1 ||
   [ ! -d "$browser_dir/node_modules/playwright-core" ]; then
	echo "1..0 # SKIP node or tests/browser/node_modules missing (scripts/install-test-deps)"
	exit 0
fi
PAGES=${REPORT_PAGES:-$TEST_ROOT/build/report-pages}
export PAGES browser_dir

test_expect_success 'setup: the small demo and its report' '
	workspace_new demo &&
	aivalue_demo --db "$(workspace_db demo)" demo --size small --dir demo-data >demo.log 2>&1 &&
	aivalue --db "$(workspace_db demo)" report --org "Harbour Mutual Insurance" -o report.html 2>/dev/null
'

# 7 pages today: page one, the five models (two pages), findings,
# readiness, hypotheses, roadmap and the gates; 4 to 12 leaves room for
# the data to change without hiding a layout that explodes.
test_expect_success 'Chromium prints it on 4 to 12 A4 pages with nothing past the page box' '
	mkdir -p "$PAGES" &&
	node "$browser_dir/report_pdf.js" --html report.html --out "$PAGES" \
		--min-pages 4 --max-pages 12 >pdf.tap 2>&1 &&
	cat pdf.tap &&
	! grep "^not ok" pdf.tap &&
	test "$(grep -c "^ok" pdf.tap)" = 6 &&
	test "$(head -c 4 "$PAGES/report.pdf")" = "%PDF" &&
	ls "$PAGES"/page-*.png >/dev/null
'

test_expect_success 'the check fails on a report whose content runs off the page' '
	sed "s|</body>|<table><tr><td style=\"white-space:nowrap\">$(printf "%0300d" 0)</td></tr></table></body>|" report.html >wide.html &&
	test_must_fail node "$browser_dir/report_pdf.js" --html wide.html --out wide-pages >wide.tap 2>&1 &&
	test_grep "^not ok .* no element runs past the printable width" wide.tap
'

test_done
