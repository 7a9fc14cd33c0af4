#!/bin/sh
# The mark of the applied objects (apply_objects_mark: the greatest
# updated_seq and the number of objects) is read at every decision's
# commit to tell whether control's snapshot is stale.  Migration 20 indexes
# objects by updated_seq so that it reads the index, not every object's
# spec (issue 20: 800 decisions over the large demo's 20,000 people were a
# tenth of its CPU).  The mark still moves with every apply.
. "$(dirname "$0")/lib.sh"

MARK="SELECT (SELECT coalesce(max(updated_seq), 0) FROM objects), (SELECT count(*) FROM objects)"

test_expect_success SQLITE 'the mark is read from the index of objects by updated_seq' '
	aivalue init >/dev/null &&
	test "$(test_sql "SELECT sql FROM sqlite_schema WHERE name = '\''objects_updated'\''")" = \
		"CREATE INDEX objects_updated ON objects(updated_seq)" &&
	test_sql "EXPLAIN QUERY PLAN $MARK" >plan &&
	test_grep "SEARCH objects USING COVERING INDEX objects_updated" plan &&
	test_grep "SCAN objects USING COVERING INDEX objects_updated" plan &&
	! grep "SCAN objects$" plan
'

test_expect_success PG 'the index is there on PostgreSQL too' '
	aivalue init >/dev/null &&
	test "$(test_sql "SELECT indexdef FROM pg_indexes WHERE indexname = '\''objects_updated'\''")" = \
		"CREATE INDEX objects_updated ON public.objects USING btree (updated_seq)"
'

# the shared people file, then one person changed: as many objects as the
# file has documents, the greatest updated_seq the ledger entry of the
# second apply
test_expect_success 'the mark follows the applies' '
	people="$TEST_ROOT/tests/data/usage/people.yaml" &&
	n=$(grep -c "^kind:" "$people") &&
	aivalue apply -f "$people" >/dev/null &&
	first=$(test_sql "SELECT max(seq) FROM ledger") &&
	test "$(test_sql "$MARK")" = "$first|$n" &&
	sed "s/^display_name: Alice$/display_name: Alice B./" "$people" >people2.yaml &&
	! cmp -s "$people" people2.yaml &&
	aivalue apply -f people2.yaml >/dev/null &&
	second=$(test_sql "SELECT max(seq) FROM ledger") &&
	test "$second" -gt "$first" &&
	test "$(test_sql "$MARK")" = "$second|$n"
'

test_done
