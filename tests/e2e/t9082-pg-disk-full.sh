#!/bin/sh
# t9082-pg-disk-full.sh - a full disk on the database (issue 18, "Faults"):
# the workspace lives in a tablespace on a small tmpfs, a filler file takes
# all the space left, and an import then needs more: PostgreSQL fails the
# write (53100, "No space left on device"), aivalue says the database
# server is out of disk space, and nothing of the import stays in the
# store (the whole content is byte for byte what it was, but for the
# identity sequences: PostgreSQL never rolls back a nextval, so the next
# id skips the ones the failed import drew).  With the space
# back the same import succeeds and the ledger verifies.  A real full
# disk needs a mount, so this runs only as root with a PostgreSQL given
# (`make test-pg` as root, as CI runs); elsewhere it is skipped.
. "$(dirname "$0")/lib.sh"

TINY=
if [ -n "${AIVALUE_TEST_PG:-}" ] && [ "$(id -u)" = 0 ] &&
	TINY=$(mktemp -d /tmp/aiv-tiny.XXXXXX) && chmod 755 "$TINY" &&
	mount -t tmpfs -o size=16m,mode=755 tmpfs "$TINY" 2>/dev/null; then
	test_set_prereq TINYFS
	trap 'aiv_pg_cleanup_; psql -X -q -d "$(pg_uri postgres)" -c "DROP TABLESPACE IF EXISTS aiv_tiny_$$" >/dev/null 2>&1; umount "$TINY"; rmdir "$TINY"; cleanup_test_dir' EXIT
elif [ -n "$TINY" ]; then
	rmdir "$TINY"
fi
DB=aiv_tinyws_$$  # not aiv_t9082_PID: lib.sh names the file's own database so on make test-pg
XES="$TEST_ROOT/tests/data/eventlogs/running-example.xes"
sq() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$(pg_uri postgres)" -c "$1"; }

test_expect_success TINYFS 'a workspace whose database lives on a 16 MiB tmpfs' '
	owner=$(stat -c %U "$(sq "SHOW data_directory")") &&
	mkdir "$TINY/ts" &&
	chown "$owner" "$TINY/ts" &&
	sq "CREATE TABLESPACE aiv_tiny_$$ LOCATION '\''$TINY/ts'\''" &&
	sq "CREATE DATABASE $DB TABLESPACE aiv_tiny_$$" &&
	echo "$DB" >>"$TEST_DIR/.pg_dbs" &&
	AIVALUE_DB=$(pg_uri "$DB") &&
	export AIVALUE_DB &&
	aivalue init &&
	aivalue apply -f "$TEST_ROOT/tests/data/control/org.yaml"
'
if test_have_prereq TINYFS; then
	AIVALUE_DB=$(pg_uri "$DB")
	export AIVALUE_DB
fi

test_expect_success TINYFS 'the disk full: the import fails saying so, the store is unchanged' '
	test_dump | grep -v "pg_catalog.setval" >before.sql &&
	free=$(df --output=avail -B1 "$TINY" | tail -n 1) &&
	fallocate -l "$free" "$TINY/filler" &&
	test_must_fail --exit=1 aivalue import cases "$XES" --name full 2>err &&
	cat err &&
	test_grep "database server .* is out of disk space" err &&
	test_grep "No space left on device" err &&
	test_grep "SQLSTATE 53100" err &&
	test_dump | grep -v "pg_catalog.setval" >after.sql &&
	test_cmp before.sql after.sql
'

test_expect_success TINYFS 'space back: the same import succeeds; the ledger verifies' '
	rm "$TINY/filler" &&
	aivalue import cases "$XES" --name full &&
	aivalue audit verify >verify.out &&
	test_grep "^ledger ok: " verify.out &&
	test_grep "^state ok: " verify.out
'

test_done
