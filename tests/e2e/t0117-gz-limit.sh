#!/bin/sh
# t0117-gz-limit - a gzip input costs at most --max-bytes once
# decompressed (default 4 GiB, docs/security-limits.md): a small .gz that
# inflates to far more ("zip bomb") stops with an error naming the file
# and the limit, and the store is unchanged.  The limit counts
# decompressed bytes of gzip input only; a plain file is read as it is.
. "$(dirname "$0")/lib.sh"

DATA="$TEST_ROOT/../shared/data/eventlogs"
REPAIR="$DATA/03_repairExample.xes.gz" # 100,436 bytes; 3,397,043 decompressed (gzip -l)

state() {
	echo "$(aivalue audit checkpoint) $(aivalue logs --json | python3 -S -c 'import json,sys; print(len(json.load(sys.stdin)))')"
}

aivalue init >/dev/null 2>&1

# bomb.xes.gz: a trace with one event, then 64 MiB of blanks inside the
# log element; about 65 KB compressed.
python3 -S - <<-\PY
import gzip
with gzip.open("bomb.xes.gz", "wb", compresslevel=9) as f:
    f.write(b'<?xml version="1.0" encoding="UTF-8"?>\n<log xes.version="1.0">\n'
            b'<trace><string key="concept:name" value="c1"/><event>'
            b'<string key="concept:name" value="a"/>'
            b'<date key="time:timestamp" value="2026-01-01T00:00:00Z"/></event></trace>\n')
    for i in range(64):
        f.write(b" " * (1 << 20))
    f.write(b"</log>\n")
PY

test_expect_success 'set up: the bomb is small on disk' '
	test "$(wc -c <bomb.xes.gz)" -lt 100000 &&
	state >before
'

test_expect_success 'a zip bomb over --max-bytes is refused naming the file and the limit' '
	test_must_fail --exit=1 aivalue import cases bomb.xes.gz --max-bytes 16M 2>err &&
	test_grep "^error: bomb.xes.gz: decompresses to more than 16777216 bytes, the limit for one import (--max-bytes)" err &&
	test "$(wc -l <err)" -eq 1 &&
	state >after && test_cmp before after
'

test_expect_success 'the limit is exact: decompressed size passes, one byte less does not' '
	test_must_fail --exit=1 aivalue import cases "$REPAIR" --max-bytes 3397042 2>err &&
	test_grep "03_repairExample.xes.gz: decompresses to more than 3397042 bytes" err &&
	state >after && test_cmp before after &&
	aivalue import cases "$REPAIR" --max-bytes 3397043 --json >out.json &&
	test "$(json_get out.json "d[\"status\"]")" = imported &&
	test "$(json_get out.json "d[\"cases\"]")" = 1104
'

test_expect_success 'the default limit (4 GiB) lets real logs through; K/M/G suffixes' '
	aivalue import cases "$REPAIR" --name repair-default --json >out.json &&
	test "$(json_get out.json "d[\"cases\"]")" = 1104 &&
	aivalue import cases "$REPAIR" --name repair-kib --max-bytes 3318K --json >out.json &&
	test "$(json_get out.json "d[\"cases\"]")" = 1104 &&
	test_must_fail --exit=1 aivalue import cases "$REPAIR" --name x --max-bytes 3317K 2>err &&
	test_grep "more than 3396608 bytes" err
'

test_expect_success 'a plain (uncompressed) file is not counted against the limit' '
	zcat "$REPAIR" >repair.xes &&
	aivalue import cases repair.xes --max-bytes 1M --json >out.json &&
	test "$(json_get out.json "d[\"cases\"]")" = 1104
'

test_expect_success 'a --max-bytes that is not a size is a usage error' '
	test_must_fail --exit=2 aivalue import cases bomb.xes.gz --max-bytes 0 2>err &&
	test_grep "max-bytes wants a size" err &&
	test_must_fail --exit=2 aivalue import cases bomb.xes.gz --max-bytes 5X 2>err &&
	test_must_fail --exit=2 aivalue import cases bomb.xes.gz --max-bytes 99999999999999999999 2>err &&
	test_must_fail --exit=2 aivalue import cases bomb.xes.gz --max-bytes 17179869184T 2>err &&
	aivalue import cases --help >help &&
	test_grep "max-bytes SIZE" help
'

test_done
