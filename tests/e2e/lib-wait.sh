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
