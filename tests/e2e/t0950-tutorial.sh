#!/bin/sh
# docs/tutorial.md must stay true: every ```sh block of it runs here, in
# order, in one shell, from a stand-in for the repository root (links to
# its build/, examples/ and tests/, so the tutorial cannot write into the
# checkout), with HOME in the test directory.  A line that starts with "! " must fail (a non-zero exit,
# never a crash).  Then the output is checked for the
# outcomes the tutorial promises.
. "$(dirname "$0")/lib.sh"

tutorial="$TEST_ROOT/docs/tutorial.md"

# Turn the Markdown into a script: each block is preceded by a marker that
# names its line in the tutorial, so a failure points at the block.
awk '
	/^```sh[ \t]*$/ { inblock = 1; printf "echo \"## tutorial block at line %d\"\n", NR; next }
	/^```/ && inblock { inblock = 0; next }
	inblock { sub(/^! /, "tut_must_fail "); print }
' "$tutorial" >tutorial.sh

test_expect_success 'the tutorial has runnable blocks' '
	test "$(grep -c "^## tutorial block\|^echo \"## tutorial block" tutorial.sh)" -ge 20
'

# The checksums of the tutorial's files in the checkout, before it runs.
tutorial_sums() { (cd "$TEST_ROOT" && find examples/tutorial -type f | LC_ALL=C sort | xargs sha256sum); }
tutorial_sums >tutorial-files.before

mkdir -p home src
for d in build examples tests; do ln -s "$TEST_ROOT/$d" "src/$d"; done
cat >run.sh <<RUN
set -eu
tut_must_fail() {                   # a non-zero exit, never a crash
	st=0; "\$@" || st=\$?
	if [ \$st -eq 0 ] || [ \$st -ge 128 ]; then
		echo "tutorial: '\$*' exited \$st where it must fail" >&2; return 1
	fi
}
make() { :; }                       # the harness has built the binary
aivalue() { "$AIVALUE_BIN" "\$@"; }  # the binary under test (asan too)
export HOME="$TEST_DIR/home"
unset AIVALUE_DB
cd "$TEST_DIR/src"
. "$TEST_DIR/tutorial.sh"
echo "## tutorial finished"
RUN

test_expect_success 'every command of the tutorial works, in order' '
	sh run.sh >tutorial.out 2>&1 || { tail -40 tutorial.out; false; } &&
	grep -q "^## tutorial finished" tutorial.out
'

test_expect_success 'the tutorial did what it says' '
	test_grep "guest-dev" tutorial.out &&
	test_grep "claims-faster  \[supported\]" tutorial.out &&
	test_grep "criteria cannot be edited" tutorial.out &&
	test_grep "cannot approve" tutorial.out &&
	test_grep "for these exact arguments" tutorial.out &&
	test_grep "CR-1 is done: its impact set is consistent again" tutorial.out &&
	test_grep "^ledger ok" tutorial.out &&
	test -s home/aivalue-tutorial/report.html
'

# Section 6 explains why the done change is not audit-ready and fixes it:
# no evidence file, so 0 of 1; attached, 1 of 1, and the gate passes.
test_expect_success 'the evidence makes the change audit-ready and its gate pass' '
	grep -x "{\"share\":0,\"ready\":0,\"merged\":1}" tutorial.out &&
	grep -x "{\"share\":1,\"ready\":1,\"merged\":1}" tutorial.out &&
	test_grep "attached q3-audit-finding.md to CR-1" tutorial.out &&
	AIVALUE_DB="$TEST_DIR/home/aivalue-tutorial/mine.db" aivalue phase --json >gate.json &&
	test "$(json_get gate.json "[c[\"status\"] for c in d[\"criteria\"] if c[\"criterion\"] == \"change_auditability\"]")" = "['\''pass'\'']"
'

# Section 8 ends on the reader's dashboard: the token the tutorial created
# signs in, and the overview and the API answer for this workspace.
AIVALUE_DB="$TEST_DIR/home/aivalue-tutorial/mine.db" start_server --quiet
test_expect_success 'the reader'"'"'s token opens the overview of their own workspace' '
	tok=$(cat home/aivalue-tutorial/me.token) &&
	case "$tok" in aiv_*) ;; *) false ;; esac &&
	cookie=$(login_cookie "$tok") &&
	test -n "$cookie" &&
	curl -fsS -b "$cookie" "$AIV_URL/" >overview.html &&
	test_grep "Phase 1 of 3 earned" overview.html &&
	test_grep "claims-assistant" overview.html &&
	curl -fsS -H "Authorization: Bearer $tok" "$AIV_URL/api/v1/phase" >phase.json &&
	test "$(json_get phase.json "d[\"earned\"]")" = 1
'
stop_server

test_expect_success 'the repository copy of the tutorial files is untouched' '
	test "$(wc -l <tutorial-files.before)" -ge 5 &&
	tutorial_sums >tutorial-files.after &&
	test_cmp tutorial-files.before tutorial-files.after
'

test_done
