#!/bin/sh
# t1643-readme - the README fits about two screens: under 150 lines; the
# five value models and the three phases, named as the catalog names them,
# one table each; the two commands; the overview screenshot (a PNG under
# 300 KB that the README shows); the sign-in line on the first screen;
# the command reference, ledger, performance and architecture pages linked
# once each; the benchmark markers around a link to docs/performance.md.
# Rendered in Chromium at 1280 px wide it is under 2.5 screens of 900 px
# (tests/browser/readme_height.js; skipped without node and
# tests/browser/node_modules).
. "$(dirname "$0")/lib.sh"

readme="$TEST_ROOT/README.md"
shot="$TEST_ROOT/docs/img/overview.png"

test_expect_success 'README.md is under 150 lines' '
	n=$(wc -l <"$readme") &&
	test "$n" -lt 150 ||
	{ echo "README.md has $n lines" >&2; false; }
'

test_expect_success 'the five models and three phases, one table each, named as the catalog names them' '
	aivalue models --brief >models.out &&
	sed -n "s/^\([1-5]\)\. \(.*\) ([a-z]*) — .*/| \1. \2 |/p" models.out >models.want &&
	test "$(wc -l <models.want)" = 5 &&
	grep -F -f models.want "$readme" >models.got &&
	test "$(wc -l <models.got)" = 5 &&
	aivalue models | sed -n "/^Phases:/,\$ s/^  \([1-3]\)\. \(.*\) — .*/| \1. \2 |/p" >phases.want &&
	test "$(wc -l <phases.want)" = 3 &&
	grep -F -f phases.want "$readme" >phases.got &&
	test "$(wc -l <phases.got)" = 3
'

test_expect_success 'the two commands, and the targets exist' '
	grep -q "^make demo " "$readme" &&
	grep -q "^make test " "$readme" &&
	grep -q "^demo:" "$TEST_ROOT/Makefile" &&
	grep -q "^test:" "$TEST_ROOT/Makefile"
'

test_expect_success 'the overview screenshot is a PNG under 300 KB that the README shows' '
	test "$(head -c 8 "$shot" | od -An -tx1 | tr -d " \n")" = 89504e470d0a1a0a &&
	test "$(wc -c <"$shot")" -lt 307200 &&
	grep -q "src=\"docs/img/overview.png\"\|](docs/img/overview.png)" "$readme"
'

test_expect_success 'the sign-in options are on the first screen' '
	head -30 "$readme" >first-screen.md &&
	test_grep "^Sign in with your company account: Microsoft Entra ID, Okta or any OpenID" first-screen.md &&
	test_grep "(docs/deploy.md)" first-screen.md
'

test_expect_success 'the moved pages are linked once each' '
	for p in commands ledger performance architecture concepts tutorial; do
		n=$(grep -o "](docs/$p.md)" "$readme" | wc -l) &&
		test "$n" = 1 ||
		{ echo "README.md links docs/$p.md $n times" >&2; return 1; }
	done
'

test_expect_success 'the benchmark markers hold a link to docs/performance.md' '
	sed -n "/^<!-- bench:begin -->\$/,/^<!-- bench:end -->\$/p" "$readme" >bench &&
	test "$(head -1 bench)" = "<!-- bench:begin -->" &&
	test "$(tail -1 bench)" = "<!-- bench:end -->" &&
	grep -q "](docs/performance.md)" bench
'

browser_dir="$TEST_ROOT/tests/browser"
if command -v node >/dev/null 2>&1 && [ -d "$browser_dir/node_modules/playwright-core" ]; then
	test_expect_success 'rendered in Chromium at 1280 px it is under 2.5 screens of 900 px, the screenshot loaded' '
		mkdir -p r/docs/img &&
		cp "$readme" r/README.md &&
		cp "$shot" r/docs/img/overview.png &&
		node "$browser_dir/readme_height.js" --readme r/README.md >h.json &&
		cat h.json &&
		test "$(json_get h.json "d[\"images\"]")" = 1 &&
		test "$(json_get h.json "d[\"broken_images\"]")" = "[]" &&
		test "$(json_get h.json "d[\"height\"] < 2.5 * 900")" = True &&
		test "$(json_get h.json "d[\"height\"] > 900")" = True
	'
else
	say "SKIP: the Chromium height check needs node and tests/browser/node_modules"
fi

test_done
