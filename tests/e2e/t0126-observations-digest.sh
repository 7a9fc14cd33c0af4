#!/bin/sh
# t0126-observations-digest.sh - observation values are bound to the ledger.
#
# The evidence.import entry held the file's SHA-256 and a row count, and
# the rows were written after it: an observation value edited with
# sqlite3 or psql (a cycle time made shorter, say) verified clean.  Now the rows
# are written first and the entry records rows_sha256, the row digest of
# what the import wrote (docs/ledger.md, "The state digest"), so
# `audit verify` names the import whose rows no longer digest to it.
. "$(dirname "$0")/lib.sh"

# digest DB SHA: the row digest of one import, computed here independently
# (each column as N or V<length>:<SQLite text>, each row ended by \n)
digest() {
	python3 -S - "$1" "$2" <<-\PY
	import hashlib, sqlite3, sys
	db = sqlite3.connect(sys.argv[1])
	h = hashlib.sha256()
	for row in db.execute("SELECT initiative, unit, metric, CAST(time_us AS TEXT),"
	                      " CAST(value AS TEXT), attrs FROM observations WHERE import_sha = ?"
	                      " ORDER BY initiative, unit, metric, time_us, value, attrs", (sys.argv[2],)):
	    for v in row:
	        if v is None:
	            h.update(b"N")
	        else:
	            b = v.encode()
	            h.update(b"V%d:" % len(b) + b)
	    h.update(b"\n")
	print(h.hexdigest())
	PY
}

test_expect_success 'set up: two observations imported' '
	aivalue init >/dev/null &&
	aivalue apply -f "$TEST_ROOT/examples/acme" >/dev/null &&
	printf "initiative,unit,metric,time,value,note\n" >obs.csv &&
	printf "contract-review-assistant,c1,expert_cycle_time,2026-10-02,12,slow\n" >>obs.csv &&
	printf "contract-review-assistant,c2,expert_cycle_time,2026-10-03,7.5,\n" >>obs.csv &&
	aivalue evidence --data obs.csv >out &&
	test_grep "imported 2 observations" out &&
	sha256sum obs.csv | cut -c1-64 >sha
'

test_expect_success 'the evidence.import entry records a row digest, and the import its entry' '
	aivalue audit log --json >log.json &&
	json_get log.json "[e[\"payload\"] for e in d if e[\"action\"] == \"evidence.import\"][0][\"rows_sha256\"]" >recorded &&
	test_grep "^[0-9a-f]\{64\}$" recorded &&
	test_sql "SELECT max(seq) FROM ledger WHERE action = '\''evidence.import'\''" >entry &&
	test_sql "SELECT seq FROM observation_imports" >import_entry &&
	test_cmp entry import_entry &&
	aivalue audit verify >ok.out &&
	test_grep "^state ok: " ok.out
'

test_expect_success SQLITE 'that digest is the one of the rows the import wrote (computed here)' '
	digest aivalue.db "$(cat sha)" >computed &&
	test_cmp computed recorded
'

test_expect_success 'an observation value edited behind the ledger is named by audit verify' '
	workspace_copy v &&
	test_sql_on v "UPDATE observations SET value = 6 WHERE unit = '\''c1'\''" &&
	test_must_fail aivalue --db "$(workspace_db v)" audit verify >v.out 2>v.err &&
	test_grep "^error: table observations, row obs.csv: the rows of this import digest to [0-9a-f]\{12\}\.\.\. but evidence.import entry [0-9]* recorded $(cut -c1-12 recorded)\.\.\.: a value was edited, or a row added or removed$" v.err &&
	test_grep "state verification failed: 1 difference " v.err
'

test_expect_success 'so is an attribute cleared, or a unit renamed' '
	workspace_copy a &&
	test_sql_on a "UPDATE observations SET attrs = NULL WHERE unit = '\''c1'\''" &&
	test_must_fail aivalue --db "$(workspace_db a)" audit verify 2>a.err &&
	test_grep "^error: table observations, row obs.csv: the rows of this import digest" a.err &&
	workspace_copy i &&
	test_sql_on i "UPDATE observations SET unit = '\''c9'\'' WHERE unit = '\''c2'\''" &&
	test_must_fail aivalue --db "$(workspace_db i)" audit verify 2>i.err &&
	test_grep "^error: table observations, row obs.csv: the rows of this import digest" i.err
'

test_done
