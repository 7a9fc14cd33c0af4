# tests/oidc/sso-lib.sh - the single sign-on tests' shared part (t2170,
# t2171), sourced after tests/e2e/lib.sh: a free port for the server, the
# provider (tests/oidc/provider.mjs) started and stopped with the test,
# and the server started with single sign-on against it.  Sets AIV_PORT,
# AIV_URL, REDIRECT; start_provider sets ISSUER and PROVIDER_PID;
# start_sso_server sets AIV_SERVER_PID and SERVER_STARTED.

free_port() {
	python3 -S -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
AIV_PORT=$(free_port)
AIV_URL="http://127.0.0.1:$AIV_PORT"
REDIRECT="$AIV_URL/login/sso/callback"
PROVIDER_PID=

# the provider goes with the test, whatever happens
stop_provider() {
	if test -n "$PROVIDER_PID"
	then
		{ kill "$PROVIDER_PID" 2>/dev/null || :; } &&
		{ wait "$PROVIDER_PID" 2>/dev/null || :; }
	fi &&
	PROVIDER_PID=
}
trap 'stop_provider; cleanup_test_dir' EXIT

# wait_for CMD...: retry CMD every 50 ms until it succeeds, at most 30 s
# by the clock (wait_until, tests/e2e/lib-wait.sh): a node start took
# more than 5 s on a loaded machine (this was 300 tries, 15 s; t2170's
# last test, after the provider's restart, failed once in a make test at
# load 8-11, its output not kept; docs/testing.md, "Timing-fragile tests")
. "$TEST_ROOT/tests/e2e/lib-wait.sh"
wait_for() {
	wait_until 30 "$@"
}

# start_provider [--port P] [--rotate]: sets ISSUER.  A node start took
# 5 s and more on a loaded machine, so it has 60 s by the clock.  A
# restart on the issuer's port (--port) may find the port held for a
# moment by another socket of the run (node then exits, EADDRINUSE): it
# is tried again within the same 60 s.  A provider that never listens
# prints its log.
start_provider() {
	aiv_sp_by=$(($(date +%s) + 60)) &&
	while :
	do
		node "$TEST_ROOT/tests/oidc/provider.mjs" --dir "$TEST_DIR/idp" --redirect "$REDIRECT" \
			"$@" >"$TEST_DIR/provider.log" 2>&1 &
		PROVIDER_PID=$! &&
		if wait_until "$((aiv_sp_by - $(date +%s)))" provider_up &&
			grep -q "^issuer " "$TEST_DIR/provider.log"
		then
			break
		fi &&
		{ kill "$PROVIDER_PID" 2>/dev/null || :; } &&
		{ wait "$PROVIDER_PID" 2>/dev/null || :; } &&
		PROVIDER_PID= &&
		if test "$(date +%s)" -ge "$aiv_sp_by"
		then
			echo "# the provider did not listen within 60 s; its log:" &&
			sed "s/^/# provider: /" "$TEST_DIR/provider.log" &&
			return 1
		fi &&
		sleep 0.2 || return 1
	done &&
	ISSUER=$(sed -n "s/^issuer //p" "$TEST_DIR/provider.log")
}
# provider_up: the provider listens, or it exited (a zombie counts)
provider_up() {
	grep -q "^issuer " "$TEST_DIR/provider.log" ||
	! kill -0 "$PROVIDER_PID" 2>/dev/null ||
	case "$(cat "/proc/$PROVIDER_PID/stat" 2>/dev/null)" in *") Z "*) true ;; *) false ;; esac
}

# serve with single sign-on on $AIV_PORT (the provider knows that redirect)
start_sso_server() {
	"$AIVALUE_BIN" serve --listen "127.0.0.1:$AIV_PORT" --oidc-issuer "$ISSUER" \
		--oidc-client-id aivalue --oidc-client-secret-file "$TEST_DIR/secret" \
		--oidc-redirect "$REDIRECT" --oidc-role-map "$TEST_DIR/roles.yaml" \
		--oidc-audience api://aivalue --oidc-name "Test IdP" >"$TEST_DIR/server.log" 2>&1 &
	AIV_SERVER_PID=$! &&
	echo "$AIV_SERVER_PID $AIV_PORT" >>"$TEST_DIR/.servers" &&
	wait_for curl -fsS -o /dev/null "$AIV_URL/healthz" 2>/dev/null &&
	SERVER_STARTED=$(date +%s)
}

