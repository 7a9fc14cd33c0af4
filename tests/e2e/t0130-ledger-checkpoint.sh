#!/bin/sh
# t0130-ledger-checkpoint.sh - signed checkpoints catch truncation and rewrites.
#
# A key pair is made, the head is published as a signed C2SP checkpoint,
# and the ledger is then truncated or rewritten (re-chained, so the chain
# alone verifies) on copies of the database.  `audit verify --checkpoint`
# and the independent tools/verify-ledger.py must both refuse them, and
# refuse a checkpoint whose text or signature was changed.

. "$(dirname "$0")/lib.sh"
. "$TEST_ROOT/tests/e2e/lib-wait.sh"

VERIFY="$TEST_ROOT/tools/verify-ledger.py"

test_expect_success 'set up: a workspace, a key pair, a signed checkpoint' '
	aivalue init &&
	aivalue apply -f "$TEST_ROOT/examples/acme" >/dev/null &&
	aivalue audit keygen --name aivalue.example/ledger --out ledger.key 2>keygen.err &&
	test_grep "^aivalue.example/ledger+[0-9a-f]\{8\}+" ledger.key.pub &&
	test_grep "^PRIVATE+KEY+aivalue.example/ledger+[0-9a-f]\{8\}+" ledger.key &&
	test "$(stat -c %a ledger.key)" = 600 &&
	aivalue audit checkpoint --sign ledger.key --out cp.note &&
	aivalue audit checkpoint >head.txt &&
	head=$(cut -d: -f1 head.txt) && hash=$(cut -d: -f2 head.txt) &&
	echo aivalue.example/ledger >expect &&
	echo "$head" >>expect &&
	python3 -S -c "import base64,sys; print(base64.b64encode(bytes.fromhex(sys.argv[1])).decode())" "$hash" >>expect &&
	echo >>expect &&
	head -n 4 cp.note >got &&
	test_cmp expect got &&
	test_grep "^— aivalue.example/ledger [A-Za-z0-9+/]\{91\}=\$" cp.note &&
	test "$(wc -l <cp.note)" = 5
'

HEAD_SEQ=$(cut -d: -f1 head.txt)

test_expect_success 'the intact ledger extends its checkpoint (aivalue and Python agree)' '
	aivalue audit verify --checkpoint cp.note --key ledger.key.pub >v.out &&
	test_grep "^ledger ok: " v.out &&
	aivalue audit export >e.jsonl &&
	python3 "$VERIFY" --checkpoint cp.note --key ledger.key.pub e.jsonl >py.out &&
	test_grep "^ok: " py.out &&
	aivalue token create --name later --role viewer >/dev/null &&
	aivalue audit verify --checkpoint cp.note --key ledger.key.pub >/dev/null
'

test_expect_success SQLITE 'truncation below the checkpoint is caught' '
	sqlite3 aivalue.db ".backup trunc.db" &&
	sqlite3 trunc.db "DELETE FROM ledger WHERE seq > 100" &&
	aivalue --db trunc.db audit verify --no-state >/dev/null &&
	test_must_fail --exit=1 aivalue --db trunc.db audit verify --no-state \
		--checkpoint cp.note --key ledger.key.pub 2>err &&
	test_grep "the ledger was truncated: the checkpoint names entry $HEAD_SEQ but the ledger ends at entry 100" err &&
	aivalue --db trunc.db audit export >t.jsonl &&
	test_must_fail --exit=1 python3 "$VERIFY" --checkpoint cp.note --key ledger.key.pub t.jsonl >py.out &&
	test_grep "^FAIL at entry 101: the ledger was truncated" py.out
'

test_expect_success SQLITE 'a rewritten, re-chained ledger is caught' '
	sqlite3 aivalue.db ".backup rewrite.db" &&
	sqlite3 rewrite.db "UPDATE ledger SET payload = replace(payload, '\''Claims handler'\'', '\''Claims director'\'')" &&
	python3 -S "$TEST_ROOT/tests/e2e/ledger_rechain.py" rewrite.db &&
	aivalue --db rewrite.db audit verify --no-state >/dev/null &&
	test_must_fail --exit=1 aivalue --db rewrite.db audit verify --no-state \
		--checkpoint cp.note --key ledger.key.pub 2>err &&
	test_grep "does not match the checkpoint" err
'

test_expect_success 'an altered checkpoint, another key, a missing signature are refused' '
	sed "2s/.*/99/" cp.note >size.note &&
	test_must_fail --exit=1 aivalue audit verify --checkpoint size.note --key ledger.key.pub 2>err &&
	test_grep "size.note: the signature by key .aivalue.example/ledger. is not valid" err &&
	test_must_fail --exit=1 python3 "$VERIFY" --checkpoint size.note --key ledger.key.pub e.jsonl >py.out &&
	test_grep "^FAIL: checkpoint .size.note.: the signature by key" py.out &&
	aivalue audit keygen --name aivalue.example/ledger --out other.key 2>/dev/null &&
	test_must_fail --exit=1 aivalue audit verify --checkpoint cp.note --key other.key.pub 2>err &&
	test_grep "no signature by key\|is not valid" err &&
	head -n 4 cp.note >unsigned.note &&
	test_must_fail aivalue audit verify --checkpoint unsigned.note --key ledger.key.pub 2>err &&
	test_grep "unsigned.note" err &&
	test_must_fail --exit=2 aivalue audit verify --checkpoint cp.note 2>err &&
	test_grep "needs --key" err &&
	test_must_fail aivalue audit keygen --name x --out ledger.key 2>err &&
	test_grep "never overwrites" err
'

# note_moved_on N: the served checkpoint's size line is no longer N
note_moved_on() {
	test "$(sed -n 2p served.note)" != "$1"
}

test_expect_success 'serve publishes a signed checkpoint on a schedule' '
	start_server --quiet --checkpoint-key ledger.key --checkpoint-out served.note \
		--checkpoint-every PT1S &&
	: each wait is bounded at 30 s, not 5: the schedule is 1 s, but a loaded machine or the sanitizer build is slower &&
	wait_until 30 test -s served.note &&
	n1=$(sed -n 2p served.note) &&
	aivalue token create --name during --role viewer >/dev/null &&
	wait_until 30 note_moved_on "$n1" &&
	test "$(sed -n 2p served.note)" = $((n1 + 1)) &&
	stop_server &&
	aivalue audit verify --checkpoint served.note --key ledger.key.pub >/dev/null &&
	test_must_fail --exit=2 aivalue serve --checkpoint-key ledger.key 2>err &&
	test_grep "go together" err
'

test_done
