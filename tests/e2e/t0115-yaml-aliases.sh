#!/bin/sh
# t0115-yaml-aliases - YAML aliases cost at most what docs/security-limits.md
# says: a "billion laughs" document (400 bytes, nine levels of nine
# aliases, 10^9 nodes once expanded) is refused naming the alias at
# FILE:LINE:COL, through `apply -f` and through POST
# /api/v1/assess/answers, with the store unchanged.  Everything below runs
# under `ulimit -v`, so a regression fails here instead of eating the
# machine (before the bound, the server grew to 24 GB on one request).
. "$(dirname "$0")/lib.sh"

state() {
	echo "$(aivalue audit checkpoint) $(sqlite3 aivalue.db "SELECT count(*) FROM objects")"
}

# lol.yaml: the alias on line 8 (*d, column 8) is the first whose
# expansion passes 10,000 nodes: *a adds 10 nodes each (9 strings and
# their list), *b 91, *c 820, so line 7 adds 9 x 820 = 7,380 on top of
# line 6's 819 and line 5's 90 (8,289), and line 8's first *d (7,381
# more) goes over.
cat >lol.yaml <<-\EOF_
	kind: Person
	name: lol
	display_name: Laughs
	a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
	b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
	c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
	d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
	e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
	f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
	g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
	h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
	i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
EOF_

aivalue init >/dev/null 2>&1
aivalue apply -f "$TEST_ROOT/examples/acme" >/dev/null
aivalue token create --name t-lead --role lead >lead.tok 2>/dev/null
LEAD=$(cat lead.tok)
# 1 GB of address space: far above what any command here needs (the
# server with its threads stays under 400 MB), far below 10^9 nodes.
# Under AddressSanitizer (make asan) the shadow memory alone needs
# terabytes of address space, so the same bound is its RSS limit instead.
if ldd "$AIVALUE_BIN" 2>/dev/null | grep -q libasan; then
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}hard_rss_limit_mb=1000"
	export ASAN_OPTIONS
else
	ulimit -v 1000000
fi
start_server

test_expect_success SQLITE 'apply -f: billion laughs refused naming the alias, store unchanged' '
	state >before &&
	test_must_fail --exit=1 aivalue apply -f lol.yaml 2>err &&
	test_grep "^error: lol.yaml:8:8: alias .\*d. expands to more than 10000 nodes" err &&
	test "$(wc -l <err)" -eq 1 &&
	state >after && test_cmp before after
'

test_expect_success SQLITE 'apply -f: an alias nesting past 64 levels once expanded is refused' '
	{ printf "kind: Person\nname: deep\na0: &a0 [x]\n" &&
	  i=1 && while [ $i -le 70 ]; do
		printf "a%d: &a%d [*a%d]\n" $i $i $((i - 1)) && i=$((i + 1)) || return 1
	  done; } >deep.yaml &&
	state >before &&
	test_must_fail --exit=1 aivalue apply -f deep.yaml 2>err &&
	test_grep "^error: deep.yaml:[0-9]*:[0-9]*: alias .\*a[0-9]*. nests deeper than 64 levels" err &&
	state >after && test_cmp before after
'

test_expect_success 'apply -f: small aliases still work (expanded in place)' '
	printf "kind: Person\nname: ali\ndisplay_name: &n Ali Alias\nrole: *n\nteam: operations\n" >small.yaml &&
	aivalue apply -f small.yaml >/dev/null &&
	aivalue get person ali --json >ali.json &&
	test "$(json_get ali.json "d[\"role\"]")" = "Ali Alias"
'

test_expect_success SQLITE 'HTTP: billion laughs to /api/v1/assess/answers is 413 naming the alias' '
	state >before &&
	code=$(curl -s -o out.json -w "%{http_code}" -H "Authorization: Bearer $LEAD" \
		--data-binary @lol.yaml "$AIV_URL/api/v1/assess/answers") &&
	test "$code" = 413 &&
	test_grep "request-body:8:8: alias .\*d. expands to more than 10000 nodes" out.json &&
	kill -0 "$AIV_SERVER_PID" &&
	test "$(curl -s -o /dev/null -w "%{http_code}" "$AIV_URL/healthz")" = 200 &&
	state >after && test_cmp before after
'

test_done
