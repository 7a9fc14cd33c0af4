#!/bin/sh
# t8149-gateway-no-sync-on-call - a lone gateway call that follows a
# complete checkpoint does not sync the SQLite log on its worker thread:
# the checkpointer restarts the log itself (src/http/api_control.c,
# wal_restart), so the log header's fdatasync is not on the call's path.
# Counted with strace on the server's threads; skipped without strace or
# when it cannot attach (ptrace restricted), and on PostgreSQL (no log of
# ours to restart).
. "$(dirname "$0")/lib.sh"
. "$TEST_ROOT/tests/e2e/gateway_rpc.sh"

aivalue init >/dev/null 2>&1
aivalue apply -f "$TEST_ROOT/tests/data/gateway/org.yaml" >/dev/null
aivalue token create --name ap-key --agent ap-bot >ap.tok 2>/dev/null

call() {
	printf '{"jsonrpc": "2.0", "id": %s, "method": "tools/call", "params": {"name": "e.echo", "arguments": {"message": "m-%s"}}}' "$1" "$1"
}

# strace_attached: its "Process N attached" lines in st.err, 10 s at most
strace_attached() {
	n=0 &&
	while ! grep -q attached st.err 2>/dev/null; do
		test $n -lt 100 &&
		sleep 0.1 &&
		n=$((n + 1)) || return 1
	done
}

# thread_names PID: "TID NAME" for each of its threads
thread_names() {
	for t in /proc/$1/task/*; do
		echo "${t##*/} $(cat "$t/comm")" || return 1
	done
}

start_server --quiet --gateway --upstream e=builtin:echo

test_have_prereq SQLITE && command -v strace >/dev/null 2>&1 && test_set_prereq STRACE

test_expect_success STRACE 'six lone calls, each after the checkpointer copied the log: no sync on a worker' '
	test "$(mcp_rpc ap.tok w.json "$(call 1)")" = 200 &&
	{ strace -f -p "$AIV_SERVER_PID" -e trace=fdatasync,fsync -o st.txt 2>st.err & } &&
	st_pid=$! &&
	strace_attached &&
	for i in 2 3 4 5 6 7; do
		sleep 1 &&
		test "$(mcp_rpc ap.tok c-$i.json "$(call $i)")" = 200 &&
		test "$(json_get c-$i.json "d[\"result\"][\"content\"][0][\"text\"]")" = "Echo: m-$i" ||
		return 1
	done &&
	thread_names "$AIV_SERVER_PID" >comm.txt &&
	sleep 0.5 &&
	kill $st_pid &&
	{ wait $st_pid || :; } &&
	{ grep -c "^[0-9]* *f.*sync(" st.txt >all.count || :; } &&
	awk "NR==FNR { n[\$1] = \$2; next } /sync\\(/ && n[\$1] ~ /^MHD/" comm.txt st.txt >worker.txt &&
	cat all.count worker.txt &&
	test "$(cat all.count)" -gt 0 &&
	test ! -s worker.txt
'

stop_server

test_done
