#!/bin/sh
# t0100-ledger-tamper.sh - the hash-chained ledger catches tampering, and
# the independent tools/verify-ledger.py agrees with `aivalue audit verify`.
#
# A workspace gets the Acme example plus a person whose strings hold
# unicode, quotes and control characters; a checkpoint is taken.  Then, on
# copies of the database, each kind of tampering is done with sqlite3 or psql
# (what anyone with write access to the store could do), and both
# verifiers must fail at the same, first bad entry.

. "$(dirname "$0")/lib.sh"

VERIFY="$TEST_ROOT/tools/verify-ledger.py"

# tamper NAME SQL: copy the workspace (workspace_copy) and run SQL on the copy
tamper() {
	workspace_copy "$1" &&
	test_sql_on "$1" "$2"
}

# both_fail_at NAME SEQ WORDS [--expect-head CP]: aivalue and the script
# both reject NAME.db, naming entry SEQ, and aivalue's reason has WORDS
both_fail_at() {
	name=$1 seq=$2 words=$3 &&
	shift 3 &&
	test_must_fail --exit=1 aivalue --db "$(workspace_db "$name")" audit verify "$@" 2>"$name.err" &&
	test_grep "^error: ledger verification failed at entry $seq: " "$name.err" &&
	test_grep "$words" "$name.err" &&
	test "$(wc -l <"$name.err")" -eq 1 &&
	aivalue --db "$(workspace_db "$name")" audit export >"$name.jsonl" &&
	test_must_fail --exit=1 python3 -S "$VERIFY" "$@" "$name.jsonl" >"$name.py" &&
	test_grep "^FAIL at entry $seq: " "$name.py"
}

test_expect_success 'set up: init, apply Acme and a person with awkward strings' '
	aivalue init &&
	aivalue apply -f "$TEST_ROOT/examples/acme" >/dev/null &&
	cat >awkward.yaml <<-\EOF &&
	kind: Person
	name: zoe.zhang
	display_name: "Zo\u00eb \"Z\" \u5f20\u4f1f \U0001F600\ttab\u0001ctl\\"
	role: "Analyst / 0.1 \u00d7 1e-05"
	team: finance
	champion: true
	EOF
	aivalue apply -f awkward.yaml &&
	aivalue audit checkpoint >checkpoint &&
	test_grep -E "^[0-9]+:[0-9a-f]{64}$" checkpoint &&
	test "$(test_sql "SELECT count(*) FROM ledger")" -gt 400
'
HEAD_SEQ=$(cut -d: -f1 checkpoint)
CP=$(cat checkpoint)

# The tampering, in SQL (single quotes are SQL string literals).
SQL_PAYLOAD="UPDATE ledger SET payload = replace(payload, 'Claims handler', 'Claims director')
  WHERE seq = (SELECT min(seq) FROM ledger WHERE payload LIKE '%Claims handler%')"
SQL_DIRECTOR="SELECT min(seq) FROM ledger WHERE payload LIKE '%Claims director%'"
SQL_AWK="UPDATE ledger SET payload = replace(payload, 'Analyst', 'Analist') WHERE seq = $HEAD_SEQ"
SQL_HASH="UPDATE ledger SET hash = '$(printf "%064d" 7)' WHERE seq = 200"
SQL_INSERT="UPDATE ledger SET seq = -seq WHERE seq > 150;
  UPDATE ledger SET seq = -seq + 1 WHERE seq < 0;
  INSERT INTO ledger SELECT 151, time, 'user:mallory', action, subject, payload, prev_hash, hash
  FROM ledger WHERE seq = 152"
SQL_REWRITE="UPDATE ledger SET payload = replace(payload, 'Claims handler', 'Claims director')"

test_expect_success 'intact ledger: aivalue and verify-ledger.py both say ok, same head' '
	aivalue audit verify >verify.out &&
	test_grep "^ledger ok: $HEAD_SEQ entries, head $CP\$" verify.out &&
	aivalue audit verify --expect-head "$CP" &&
	aivalue audit export >export.jsonl &&
	test "$(wc -l <export.jsonl)" -eq "$HEAD_SEQ" &&
	python3 -S "$VERIFY" export.jsonl >py.out &&
	echo "ok: $HEAD_SEQ entries, head $CP" >expect &&
	test_cmp expect py.out &&
	python3 -S "$VERIFY" --expect-head "$CP" <export.jsonl >py.out &&
	test_cmp expect py.out
'

test_expect_success 'export holds the awkward strings as raw UTF-8 with minimal escapes' '
	tail -n 1 export.jsonl >last.jsonl &&
	python3 -S - last.jsonl <<-\EOF
	import sys
	line = open(sys.argv[1], encoding="utf-8").read()
	want = "Zo\u00eb \\\"Z\\\" \u5f20\u4f1f \U0001F600\\ttab\\u0001ctl\\\\"
	assert want in line, (want, line)
	EOF
'

test_expect_success 'export -o FILE and verify-ledger.py --help' '
	aivalue audit export -o file.jsonl 2>err &&
	test_grep "exported $HEAD_SEQ entries" err &&
	test_cmp export.jsonl file.jsonl &&
	python3 -S "$VERIFY" --help >help &&
	test_grep "expect-head" help &&
	test -x "$VERIFY"
'

test_expect_success 'modified payload is caught at that entry' '
	tamper payload "$SQL_PAYLOAD" &&
	seq=$(test_sql_on payload "$SQL_DIRECTOR") &&
	test -n "$seq" &&
	both_fail_at payload "$seq" "has been altered"
'

test_expect_success 'modified payload of the awkward entry is caught' '
	tamper awk "$SQL_AWK" &&
	both_fail_at awk "$HEAD_SEQ" "has been altered"
'

test_expect_success 'modified hash is caught at that entry' '
	tamper hash "$SQL_HASH" &&
	both_fail_at hash 200 "has been altered"
'

test_expect_success 'deleted entry is caught at the next one' '
	tamper delete "DELETE FROM ledger WHERE seq = 300" &&
	both_fail_at delete 301 "entry 300 is missing"
'

test_expect_success 'deleted entry with the gap closed up is caught' '
	tamper delete2 "DELETE FROM ledger WHERE seq = 300; UPDATE ledger SET seq = -seq WHERE seq > 300; UPDATE ledger SET seq = -seq - 1 WHERE seq < 0" &&
	both_fail_at delete2 300 "does not link"
'

test_expect_success 'inserted entry (copied neighbour) is caught at the inserted entry' '
	tamper insert "$SQL_INSERT" &&
	both_fail_at insert 151 "has been altered"
'

test_expect_success SQLITE 'inserted entry with a correct hash of its own is caught at the next one' '
	tamper insert2 "UPDATE ledger SET seq = -seq WHERE seq > 150; UPDATE ledger SET seq = -seq + 1 WHERE seq < 0" &&
	python3 -S - insert2.db <<-\EOF &&
	import hashlib, json, sqlite3, sys
	db = sqlite3.connect(sys.argv[1])
	prev = db.execute("SELECT hash FROM ledger WHERE seq = 150").fetchone()[0]
	e = {"action": "apply.create", "actor": "user:mallory", "payload": {"forged": True},
	     "seq": 151, "subject": "Person/ghost", "time": "2026-01-01T00:00:00.000000Z"}
	c = json.dumps(e, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
	h = hashlib.sha256((prev + c).encode()).hexdigest()
	db.execute("INSERT INTO ledger VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	           (151, e["time"], e["actor"], e["action"], e["subject"],
	            json.dumps(e["payload"], separators=(",", ":")), prev, h))
	db.commit()
	EOF
	both_fail_at insert2 152 "does not link"
'

test_expect_success 'reordered entries (two rows swapped) are caught at the first' '
	tamper reorder "CREATE TEMP TABLE sw AS SELECT * FROM ledger WHERE seq IN (50, 51); UPDATE ledger SET (time, actor, action, subject, payload, prev_hash, hash) = (SELECT time, actor, action, subject, payload, prev_hash, hash FROM sw WHERE sw.seq = 101 - ledger.seq) WHERE seq IN (50, 51)" &&
	test "$(test_sql_on reorder "SELECT subject FROM ledger WHERE seq = 50")" = \
	     "$(test_sql "SELECT subject FROM ledger WHERE seq = 51")" &&
	both_fail_at reorder 50 "does not link"
'

test_expect_success 'truncation: the chain alone verifies ok (a shorter chain is a valid chain)' '
	tamper trunc "DELETE FROM ledger WHERE seq > 440" &&
	aivalue --db "$(workspace_db trunc)" audit verify --no-state >trunc.out &&
	test_grep "^ledger ok: 440 entries" trunc.out &&
	test_must_fail --exit=1 aivalue --db "$(workspace_db trunc)" audit verify 2>trunc.err &&
	test_grep "^error: table people, row zoe.zhang: no ledger entry accounts for this row" trunc.err &&
	aivalue --db "$(workspace_db trunc)" audit export >trunc.jsonl &&
	python3 -S "$VERIFY" trunc.jsonl >trunc.py &&
	test_grep "^ok: 440 entries" trunc.py
'

test_expect_success 'truncation is caught WITH --expect-head from the checkpoint' '
	both_fail_at trunc 441 "the ledger was truncated" --expect-head "$CP"
'

test_expect_success SQLITE 'a rewritten chain is caught only by the checkpoint' '
	tamper rewrite "$SQL_REWRITE" &&
	python3 -S "$TEST_ROOT/tests/e2e/ledger_rechain.py" rewrite.db &&
	aivalue --db rewrite.db audit verify &&
	both_fail_at rewrite "$HEAD_SEQ" "does not match the checkpoint" --expect-head "$CP"
'

test_expect_success 'audit verify --json names the bad entry' '
	test_must_fail aivalue --db "$(workspace_db delete)" --json audit verify >v.json 2>/dev/null &&
	test "$(json_get v.json "d[\"ok\"]")" = False &&
	test "$(json_get v.json "d[\"bad_seq\"]")" = 301
'

test_expect_success 'bad --expect-head is a usage error' '
	test_must_fail --exit=2 aivalue audit verify --expect-head 12:abc 2>err &&
	test_grep "SEQ:HASH" err &&
	test_must_fail --exit=2 python3 -S "$VERIFY" --expect-head nonsense export.jsonl 2>err
'

test_expect_success 'verify-ledger.py: partial exports, empty input, garbage' '
	aivalue audit export --from 100 >part.jsonl &&
	python3 -S "$VERIFY" --partial part.jsonl >out &&
	test_grep "^ok: $((HEAD_SEQ - 99)) entries, head $CP\$" out &&
	test_must_fail --exit=1 python3 -S "$VERIFY" part.jsonl >out &&
	test_grep "^FAIL at entry 100: entry 1 is missing" out &&
	python3 -S "$VERIFY" </dev/null >out &&
	test_grep "^ok: 0 entries" out &&
	test_must_fail --exit=1 python3 -S "$VERIFY" --expect-head "$CP" </dev/null >out &&
	test_grep "^FAIL at entry 1: the ledger was truncated" out &&
	echo "not json" >garbage.jsonl &&
	test_must_fail --exit=1 python3 -S "$VERIFY" garbage.jsonl >out &&
	test_grep "^FAIL at entry 1: line 1 is not a JSON object" out &&
	head -n 3 export.jsonl >dup.jsonl && sed -n 3p export.jsonl >>dup.jsonl &&
	test_must_fail --exit=1 python3 -S "$VERIFY" dup.jsonl >out &&
	test_grep "^FAIL at entry 3: entry 3 is out of sequence (expected 4)" out
'

test_expect_success 'tampering a copy left the original intact' '
	aivalue audit verify --expect-head "$CP"
'

test_done
