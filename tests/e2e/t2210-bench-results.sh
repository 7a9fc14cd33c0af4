#!/bin/sh
# Reproducible figures (issue 20): tools/bench-results collects the RESULT
# lines of a benchmark run into bench/results.md with the conditions they
# were measured in, --check flags a ratio that moved by more than 20 %,
# and tools/bench-readme copies the table between the markers of a
# document and touches nothing else.  A hand-made run directory (what
# tools/bench-run writes), so the figures are known.
. "$(dirname "$0")/lib.sh"
TOOLS="$TEST_ROOT/tools"

test_expect_success 'setup: a recorded run of two benchmarks' '
	mkdir run &&
	printf "%s\n" "date=2026-12-07 01:00" "commit=abc1234" "cores=2" \
		"cpu=Example CPU @ 2.00GHz" "load_before=0.50 0.40 0.30" \
		"load_after=1.50 0.90 0.50" "command=make bench" \
		"cmd_process_cli=build/bench/bench_process --cli a.xes" \
		"cmd_ledger=build/bench/bench_ledger" >run/meta &&
	printf "%s\n" process_cli ledger >run/order &&
	printf "%s\n" "bench/process --cli: header text" \
		"RESULT name=xes_cli_a value=1.250 unit=x ratio=1.250 cpu_s=0.600 wall_s=0.900 target=1.3 status=MET" \
		"RESULT name=xes_cli_b value=1.400 unit=x ratio=1.400 cpu_s=0.700 wall_s=1.000 target=1.3 status=MISSED" \
		>run/process_cli.out &&
	echo "exit=0 cpu_s=3.25 wall_s=5.10" >run/process_cli.time &&
	printf "%s\n" "verify/limit ratio: 0.82" "  admin token:  aiv_d_M74KsBkRhVVkYDTbQBSni5xMgC5" \
		"RESULT name=ledger_verify_over_sha256 value=0.820 unit=x ratio=0.820 target=0.80 status=MET" \
		>run/ledger.out &&
	echo "exit=0 cpu_s=9.00 wall_s=12.00" >run/ledger.time &&
	"$TOOLS/bench-results" run >results.md
'

test_expect_success 'results.md: date, commit, machine, load before and after' '
	test_grep "^| date (UTC) | 2026-12-07 01:00 |$" results.md &&
	test_grep "^| commit | abc1234 |$" results.md &&
	test_grep "^| machine | 2 cores, Example CPU @ 2.00GHz |$" results.md &&
	test_grep "^| load average before (1, 5, 15 min) | 0.50 0.40 0.30 |$" results.md &&
	test_grep "^| load average after (1, 5, 15 min) | 1.50 0.90 0.50 |$" results.md
'

test_expect_success 'results.md: one summary row per RESULT line, CPU next to wall' '
	test_grep "^| process_cli | xes_cli_a | 1.250 | x | 1.250 | 1.3 | MET | 0.600 | 0.900 |$" results.md &&
	test_grep "^| process_cli | xes_cli_b | 1.400 | x | 1.400 | 1.3 | MISSED | 0.700 | 1.000 |$" results.md &&
	test_grep "^| ledger | ledger_verify_over_sha256 | 0.820 | x | 0.820 | 0.80 | MET | - | - |$" results.md &&
	test "$(grep -c "^| [a-z_]* | [a-z0-9_]* | [0-9]" results.md)" = 3 &&
	test_grep "^| ledger | \`build/bench/bench_ledger\` | 0 | 9.00 | 12.00 |$" results.md &&
	test_grep "^verify/limit ratio: 0.82$" results.md &&
	test_grep "^  admin token:  aiv_(redacted)$" results.md &&
	! grep -q M74KsB results.md
'

test_expect_success 'bench-check: ratios within 20 % pass' '
	mkdir near &&
	printf "%s\n" process_cli >near/order &&
	printf "%s\n" "RESULT name=xes_cli_a ratio=1.450" "RESULT name=xes_cli_b ratio=1.150" \
		>near/process_cli.out &&
	"$TOOLS/bench-results" --check results.md near >out &&
	test_grep "^xes_cli_a .* +16.0%  ok$" out &&
	test_grep "^xes_cli_b .* -17.9%  ok$" out &&
	test_grep "every ratio within 20%" out &&
	! grep -q ledger_verify out
'

test_expect_success 'bench-check: a ratio that moved more than 20 % fails, named' '
	mkdir far &&
	printf "%s\n" process_cli >far/order &&
	printf "%s\n" "RESULT name=xes_cli_a ratio=1.250" "RESULT name=xes_cli_b ratio=1.700" \
		>far/process_cli.out &&
	test_must_fail "$TOOLS/bench-results" --check results.md far >out &&
	test_grep "^xes_cli_b .* +21.4%  MOVED more than 20%$" out &&
	test_grep "^xes_cli_a .* +0.0%  ok$" out &&
	test_grep "1 figure(s) moved or missing" out
'

test_expect_success 'bench-check: a recorded figure missing from the rerun fails' '
	mkdir gone &&
	printf "%s\n" process_cli >gone/order &&
	echo "RESULT name=xes_cli_a ratio=1.250" >gone/process_cli.out &&
	test_must_fail "$TOOLS/bench-results" --check results.md gone >out &&
	test_grep "^xes_cli_b .* MISSING from the rerun$" out
'

test_expect_success 'bench-readme fills only the part between the markers' '
	printf "%s\n" "# Doc" "before" "<!-- bench:begin -->" "old table" "<!-- bench:end -->" \
		"after" >doc.md &&
	"$TOOLS/bench-readme" --results results.md doc.md >out &&
	test_grep "doc.md: figures from results.md" out &&
	test "$(sed -n 1,3p doc.md)" = "$(printf "%s\n" "# Doc" "before" "<!-- bench:begin -->")" &&
	test "$(tail -n 2 doc.md)" = "$(printf "%s\n" "<!-- bench:end -->" "after")" &&
	! grep -q "old table" doc.md &&
	test_grep "^Measured 2026-12-07 01:00 on 2 cores, Example CPU @ 2.00GHz (commit abc1234; load average 0.50 0.40 0.30 before, 1.50 0.90 0.50 after)" doc.md &&
	test_grep "^| xes_cli_b | 1.400 x | 1.400 | 1.3 | MISSED | 0.700 | 1.000 |$" doc.md &&
	test_grep "^| ledger_verify_over_sha256 | 0.820 x | 0.820 | 0.80 | MET | - | - |$" doc.md &&
	cp doc.md once.md &&
	"$TOOLS/bench-readme" --results results.md doc.md >/dev/null &&
	test_cmp once.md doc.md
'

test_expect_success 'bench-readme refuses a document without both markers, unchanged' '
	printf "%s\n" "# Doc" "<!-- bench:begin -->" "text" >half.md &&
	cp half.md half.orig &&
	test_must_fail "$TOOLS/bench-readme" --results results.md half.md 2>err &&
	test_grep "half.md needs one" err &&
	test_cmp half.orig half.md
'

test_expect_success 'a deferred manager reference is checked through an index, not a scan' '
	aivalue init >/dev/null &&
	if test_have_prereq SQLITE; then
		test_sql "EXPLAIN QUERY PLAN SELECT 1 FROM people WHERE manager = '\''x'\''" >plan &&
		test_grep "USING COVERING INDEX people_manager (manager=?)" plan
	else
		test_sql "SET enable_seqscan = off; EXPLAIN SELECT 1 FROM people WHERE manager = '\''x'\''" >plan &&
		test_grep "Index Only Scan using people_manager on people" plan
	fi
'

test_done
