#!/bin/sh
# t2280-bench-xes-cli.sh - `bench_process --cli` measures both sides the
# same way (issue 20): bare expat + zlib is a program of its own
# (bench_xes_bare), run as a child like `import cases` and `process
# stats`; bare and the commands are paired run by run, bare first in odd
# runs and last in even ones; every run's figures are printed; and the
# figure is the median of the runs' own ratios.  Only what the bench
# prints is checked against itself, never a speed (MET or MISSED is not
# looked at).  File paths relative to the caller's directory work,
# although the children run in the workspace's directory.
. "$(dirname "$0")/lib.sh"

D="$TEST_ROOT/../shared/data/eventlogs"
B=$(dirname "$AIVALUE_BIN")/bench
[ -x "$B/bench_process" ] && test_set_prereq BENCH

test_expect_success BENCH 'bench_xes_bare: 0 on a log, 1 and the file on broken XML, 2 without one' '
	"$B/bench_xes_bare" "$D/helpdesk.xes.gz" >out 2>err &&
	test ! -s out && test ! -s err &&
	head -c 5000 "$D/running-example.xes" >cut.xes &&
	test_must_fail --exit=1 "$B/bench_xes_bare" cut.xes 2>err &&
	test_grep "cut.xes: not well-formed XML" err &&
	test_must_fail --exit=2 "$B/bench_xes_bare" 2>err &&
	test_grep "usage: bench_xes_bare" err
'

test_expect_success BENCH,SQLITE 'three paired runs, every run printed, the median of their ratios' '
	cp "$D/running-example.xes" run.xes &&
	"$B/bench_process" --cli --reps 3 run.xes >out 2>err &&
	test_grep "against .*/bench_xes_bare FILE (bare expat + zlib, a process too)" out &&
	test "$(grep -c "^    run [123] (bare first): bare " out)" = 2 &&
	test "$(grep -c "^    run 2 (bare last): bare " out)" = 1 &&
	sed -n "s/^    run [0-9] .* ratio \([0-9.]*\)x | .*/\1/p" out | sort -n >ratios &&
	test "$(wc -l <ratios)" = 3 &&
	test_grep "^RESULT name=xes_cli_run value=$(sed -n 2p ratios) unit=x ratio=$(sed -n 2p ratios) " out &&
	test_grep "runs.* ratios from $(sed -n 1p ratios) to $(sed -n 3p ratios);" out &&
	test_grep "^RESULT .* events=42 " out
'

test_done
