#!/bin/sh
# Within one process (the demo's year of imports), a usage import keeps the
# dictionaries, the snapshot keys, the identity lookup and the seat spans
# for the next one, with the ledger head they are true at
# (src/ingest/usage.c, usage_seat_spans.c).  That head must be the one the
# import's own transaction ended on: read after its commit, a write by
# another process in between is taken for this one's, and the next import
# reuses identity ids the other process gave ("UNIQUE constraint failed:
# usage_identities.id", found by review of the change that added the
# dictionary cache).  gdb stops the demo right after its first usage
# import's commit, another process imports two new identities, then the
# demo goes on: it must finish, and the workspace must verify.  Needs a
# gdb that may trace (skipped otherwise); SQLite only (the demo's own
# file).
. "$(dirname "$0")/lib.sh"

if command -v gdb >/dev/null 2>&1 &&
	gdb -batch -ex run --args /bin/true >/dev/null 2>&1; then
	test_set_prereq GDB
fi

test_expect_success SQLITE,GDB 'another import between a demo import and the next: the demo finishes, the workspace verifies' '
	printf "date,user,app,feature,actions\n2025-11-03,zz-new-1,newtoolx,featx,5\n2025-11-03,zz-new-2,newtooly,featy,6\n" >x.csv &&
	cat >g.cmd <<-EOF &&
	set pagination off
	set breakpoint pending on
	break usage_import_file
	run --db $TEST_DIR/a.db demo --size small --dir $TEST_DIR/a-data >$TEST_DIR/demo.out 2>$TEST_DIR/demo.err
	delete 1
	break store_commit
	continue
	finish
	shell $AIVALUE_BIN --db $TEST_DIR/a.db import usage $TEST_DIR/x.csv --format csv --map person=user,time=date,tool=app,feature=feature,count=actions >$TEST_DIR/other.out 2>&1; echo \$? >$TEST_DIR/other.rc
	delete
	continue
	EOF
	: LeakSanitizer cannot run under ptrace: off for the traced demo in make asan &&
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" gdb -batch -x g.cmd "$AIVALUE_BIN" >gdb.out 2>&1 &&
	test "$(cat other.rc)" = 0 &&
	test_grep "imported 2 rows" other.out &&
	test_grep "exited normally" gdb.out &&
	! grep -q "UNIQUE constraint" demo.err &&
	aivalue --db a.db audit verify --state >verify.out 2>&1 &&
	test_grep "^ledger ok" verify.out &&
	test_grep "^state ok" verify.out &&
	test "$(sqlite3 a.db "SELECT count(*) FROM usage_identities WHERE identity LIKE '\''zz-new-%'\''")" = 2
'

test_done
