#!/bin/sh
# evidence --data reads observations with the one CSV reader
# (ingest/csvread.h): a quoted attribute may span lines, and an error
# after such a record names the line where its field stands.
. "$(dirname "$0")/lib.sh"
ACME="$TEST_ROOT/examples/acme"
Q="'" # a single quote, for SQL inside test bodies

test_expect_success 'set up the Acme initiatives' '
	aivalue init &&
	aivalue apply -f "$ACME" >/dev/null
'

test_expect_success SQLITE 'a quoted note over three lines is one field' '
	printf "initiative,unit,metric,time,value,note\n" >obs.csv &&
	printf "contract-review-assistant,c1,expert_cycle_time,2026-10-02,12,\"first line\n" >>obs.csv &&
	printf "second, with a comma\nand \"\"quoted\"\"\"\n" >>obs.csv &&
	printf "contract-review-assistant,c2,expert_cycle_time,2026-10-03,7.5,plain\n" >>obs.csv &&
	aivalue evidence --data obs.csv >out &&
	test_grep "imported 2 observations" out &&
	sqlite3 -readonly "$AIVALUE_DB" "SELECT unit, value, json_extract(attrs, ${Q}\$.note${Q}) FROM observations ORDER BY unit" >rows &&
	printf "c1|12.0|first line\nsecond, with a comma\nand \"quoted\"\nc2|7.5|plain\n" >expect &&
	test_cmp expect rows
'

test_expect_success SQLITE 'an error after a multi-line record names its own line, nothing imported' '
	head=$(aivalue audit checkpoint) &&
	printf "initiative,unit,metric,time,value,note\n" >bad.csv &&
	printf "contract-review-assistant,c3,expert_cycle_time,2026-10-02,12,\"one\ntwo\"\n" >>bad.csv &&
	printf "contract-review-assistant,c4,expert_cycle_time,2026-10-02,abc,x\n" >>bad.csv &&
	test_must_fail aivalue evidence --data bad.csv 2>err &&
	test_grep "bad.csv:4:59: value .abc. is not a number" err &&
	test "$(aivalue audit checkpoint)" = "$head" &&
	test "$(sqlite3 -readonly "$AIVALUE_DB" "SELECT count(*) FROM observations")" = 2
'

test_expect_success SQLITE 'a quote never closed is an error naming where it opened' '
	printf "initiative,unit,metric,time,value,note\n" >open.csv &&
	printf "contract-review-assistant,c5,expert_cycle_time,2026-10-02,12,\"never closed\n" >>open.csv &&
	test_must_fail aivalue evidence --data open.csv 2>err &&
	test_grep "open.csv:2:62: quoted field is never closed" err &&
	test "$(sqlite3 -readonly "$AIVALUE_DB" "SELECT count(*) FROM observations")" = 2
'

test_done
