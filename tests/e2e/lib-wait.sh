# tests/e2e/lib-wait.sh - waiting on a condition instead of a sleep, for the
# test files that need it (sourced after lib.sh).  A test that sleeps a
# fixed time and then assumes something happened fails on a loaded machine
# or under the sanitizer build; one that waits on the condition with a
# generous bound only fails when the condition never comes.  See
# docs/testing.md, "Timing-fragile tests".

# wait_until SECONDS CMD...: run CMD every 50 ms until it succeeds; fail
# (status 1) when it has not succeeded SECONDS seconds after the first try.
# The bound is wall time from a clock, not a count of tries, so a slow CMD
# does not stretch it.  Use a bound far above what an idle machine needs
# (30 s for something that takes a second); it costs nothing when the
# condition comes early.
wait_until() {
	aiv_wait_end=$(( $(date +%s) + $1 + 1 )) &&
	shift &&
	while ! "$@"
	do
		test "$(date +%s)" -lt "$aiv_wait_end" &&
		sleep 0.05 || return 1
	done
}

# gateway_recorded N [KIND]: wait (up to 30 s) until the ledger holds N or
# more of the gateway's records (of KIND, "call" or "tools_list", when
# given).  The gateway answers the agent first and its recorder thread
# commits the record a few milliseconds later (src/gateway/record.c), so a
# check on the newest record, or on a count that must NOT have grown, has
# to wait until the record of the last request is there.
gateway_recorded() {
	wait_until 30 aiv_gateway_count_ge_ "$@"
}
aiv_gateway_count_ge_() {
	aiv_gw_n=$("$AIVALUE_BIN" audit log --action gateway.calls --json |
		python3 -S -c 'import json, sys; k = sys.argv[1]; print(sum(1 for e in json.load(sys.stdin) for r in e["payload"]["records"] if not k or r.get("kind") == k))' "${2:-}") &&
	test "$aiv_gw_n" -ge "$1"
}
