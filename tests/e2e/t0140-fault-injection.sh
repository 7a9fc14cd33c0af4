#!/bin/sh
# t0140-fault-injection.sh - an import or an apply that fails half-way
# leaves the store as it was, whatever fails: an allocation at any site, a
# SQLite allocation, a write, a full disk; and a process killed between the
# steps of a transaction leaves a ledger that verifies (core/fault.h).
#
# For each kind the test runs the command with AIVALUE_FAULT=KIND:N for
# N = 1, 2, ... until the program says the fault was not reached, so every
# allocation site, write and sync of the command is tried.  SQLite makes
# thousands of allocations per command: those are sampled (the first 20,
# then every 61st), and so are the 285 allocation sites of the usage
# import (the first 20, then every 8th); the usage import and apply are
# tried for fewer kinds.  AIV_FAULT_ALL=1 (`make fault`) tries every
# point of every kind.  A sample starts at an offset that changes from
# run to run (AIV_FAULT_SEED, else the shell's pid; campaign.log names
# it), so over runs every point is tried; a failure names KIND:N, which
# AIVALUE_FAULT=KIND:N replays.
. "$(dirname "$0")/lib.sh"

XES="$TEST_ROOT/tests/data/eventlogs/running-example.xes"
USAGE="$TEST_ROOT/tests/data/usage/copilot-users-six.ndjson"
ORG="$TEST_ROOT/examples/tutorial/org.yaml"

# dump of the whole store: what "unchanged" is compared on
dump() { sqlite3 "$1" .dump | sha256sum; }

# rows per table: what "the whole command landed" is compared on (times
# and ids differ from one run to the next, counts do not).  The metric
# series are left out: a derived cache written after the import commits,
# which a reader recomputes in memory when it lags (docs/metrics.md), so
# a fault there leaves the import landed and says so in a warning.
shape() {
	sqlite3 "$1" "SELECT group_concat('SELECT ''' || name || ''', count(*) FROM \"' || name || '\"', ' UNION ALL ')
		FROM (SELECT name FROM sqlite_schema WHERE type = 'table'
			AND name NOT LIKE 'metric\_series%' ESCAPE '\' ORDER BY name)" >shape.sql &&
	sqlite3 "$1" <shape.sql | sha256sum
}

# run.db is still base.db: the same bytes and no committed WAL frames
# (the quick answer), or else the same dump.  base.db itself verifies.
unchanged() {
	if cmp -s base.db run.db && ! test -s run.db-wal; then
		return 0
	fi &&
	test "$(dump run.db)" = "$base"
}

# next_n: set n to the next N to try after n (in this shell: a $(...)
# would fork once per fault point): every N up to 20, then 21 + off and
# every stride-th after it (stride 1: every N)
next_n() {
	if [ "$stride" -le 1 ] || [ "$n" -lt 20 ]; then
		n=$((n + 1))
	elif [ "$n" -eq 20 ]; then
		n=$((21 + off))
	else
		n=$((n + stride))
	fi
}

# err_has PATTERN: a line of err matches the shell PATTERN.  What grep -q
# would say, read by the shell itself: the campaign asks two or three
# times per fault point, about 400 points in all, and a grep is one
# process more each time.
err_has() {
	while IFS= read -r line || [ -n "$line" ]; do
		# shellcheck disable=SC2254
		case $line in $1) return 0 ;; esac
	done <err &&
	return 1
}

# check_point KIND N STATUS: the outcome of one fault point (see below)
check_point() {
	err_has "*fault injected: $1 at $2*" ||
		{ echo "$1:$2: no fault line"; cat err; return 1; }
	case $1:$3 in
	crash-*:137 | alloc-site:134 | write-*:[01] | disk-*:[01] | sqlite-*:[01]) ;;
	*) echo "$1:$2: exit $3"; cat err; return 1 ;;
	esac &&
	if unchanged; then
		test "$3" != 0 || { echo "$1:$2: exit 0, yet nothing landed"; cat err; return 1; }
	else
		test "$(shape run.db)" = "$full" ||
			{ echo "$1:$2: store neither before nor after"; cat err; return 1; }
		test "$3" != 1 || { echo "$1:$2: said it failed, yet the command landed"; cat err; return 1; }
		landed=$((landed + 1)) &&
		"$AIVALUE_BIN" --db run.db audit verify >/dev/null 2>verr ||
			{ echo "$1:$2: audit verify failed"; cat verr; return 1; }
	fi &&
	{ test "$3" != 1 || err_has "error: *" || { echo "$1:$2: no error line"; cat err; return 1; }; }
}

# fault_campaign [--sample=STRIDE] KIND CMD...: run CMD on a copy of
# base.db with the fault at each point N of KIND (with --sample, and
# without AIV_FAULT_ALL=1, the first 20 and then every STRIDE-th; see
# next_n).  The store afterwards is either unchanged, or,
# when the fault came after the commit (a checkpoint write at close, an
# allocation while printing), the whole command is in it, as in full.db.
# A command that says it failed must have changed nothing; one that
# exits 0 must have done everything.  The ledger verifies every time.
fault_campaign() {
	stride=1 &&
	case $1 in
	--sample=*) stride=${1#--sample=} && shift ;;
	esac &&
	if [ "${AIV_FAULT_ALL:-0}" = 1 ]; then
		stride=1
	fi &&
	off=$(( ${AIV_FAULT_SEED:-$$} % stride )) &&
	kind=$1 &&
	shift &&
	n=1 &&
	tried=0 &&
	landed=0 &&
	base=$(dump base.db) &&
	"$AIVALUE_BIN" --db base.db audit verify >/dev/null &&
	full=$(shape full.db) &&
	while :; do
		if [ -e run.db-wal ] || [ -e run.db-shm ]; then
			rm -f run.db-wal run.db-shm
		fi &&
		cp base.db run.db &&
		st=0 &&
		{ AIVALUE_FAULT=$kind:$n "$AIVALUE_BIN" --db run.db "$@" >out 2>err || st=$?; } &&
		if err_has "*fault not reached*"; then
			test "$st" = 0 || { echo "$kind:$n not reached, yet exit $st"; cat err; return 1; }
			break
		fi &&
		tried=$((tried + 1)) &&
		check_point "$kind" "$n" "$st" &&
		next_n || return 1
	done &&
	test "$tried" -gt 0 &&
	if [ "$stride" -gt 1 ]; then
		how=" (1 to 20, then one in $stride from $((21 + off)))"
	else
		how=
	fi &&
	echo "$kind $*: $tried points tried$how, $landed after the commit" >>campaign.log
}

test_expect_success 'set up a workspace and its image after each command' '
	aivalue --db base.db init >/dev/null &&
	aivalue --db base.db apply -f "$ORG" >/dev/null &&
	cp base.db full.db &&
	aivalue --db full.db import cases "$XES" >/dev/null &&
	cp base.db usage.db &&
	aivalue --db usage.db import usage "$USAGE" --format copilot-users >/dev/null &&
	test "$(sqlite3 full.db "SELECT count(*) FROM ledger")" -gt "$(sqlite3 base.db "SELECT count(*) FROM ledger")"
'

test_expect_success 'the switch names what it does, and is quiet without it' '
	cp base.db q.db &&
	aivalue --db q.db import cases "$XES" >/dev/null 2>err &&
	test ! -s err &&
	cp base.db q2.db &&
	AIVALUE_FAULT=nonsense:3 aivalue --db q2.db import cases "$XES" >/dev/null 2>err &&
	test_grep "is not KIND:N; ignored" err
'

for kind in alloc-site sqlite-alloc write-error disk-full crash-write crash-sync; do
	case $kind in sqlite-alloc) sample=--sample=61 ;; *) sample= ;; esac
	test_expect_success "import cases (XES): every $kind point leaves the store whole" "
		fault_campaign $sample $kind import cases \"\$XES\" &&
		test_grep '^$kind import cases' campaign.log
	"
done

test_expect_success 'import usage: a full disk or a failing write at any point changes nothing' '
	cp usage.db full.db &&
	fault_campaign disk-full import usage "$USAGE" --format copilot-users &&
	fault_campaign --sample=8 alloc-site import usage "$USAGE" --format copilot-users &&
	if [ "${AIV_FAULT_ALL:-0}" = 1 ]; then
		for k in write-error sqlite-alloc crash-write crash-sync; do
			fault_campaign $k import usage "$USAGE" --format copilot-users || return 1
		done
	fi
'

test_expect_success 'apply -f: a full disk or a lost SQLite allocation changes nothing' '
	aivalue --db empty.db init >/dev/null &&
	cp base.db full.db &&
	cp empty.db base.db &&
	fault_campaign disk-full apply -f "$ORG" &&
	fault_campaign --sample=61 sqlite-alloc apply -f "$ORG" &&
	if [ "${AIV_FAULT_ALL:-0}" = 1 ]; then
		for k in alloc-site write-error crash-write crash-sync; do
			fault_campaign $k apply -f "$ORG" || return 1
		done
	fi
'

sed 's/^/# /' campaign.log

test_done
