#!/bin/sh
# tools/check-sql: each layer owns its tables (only its folder's SQL names
# them) and SQL outside the SQLite backend keeps to what PostgreSQL runs.
# It passes on the tree, and catches violations planted in a copy.
. "$(dirname "$0")/lib.sh"
CHECK="$TEST_ROOT/tools/check-sql"

# A copy of src/ to plant violations in (never the checkout).
copy_tree() {
	mkdir -p "$1" &&
	cp -R "$TEST_ROOT/src" "$1/"
}

test_expect_success 'the tree passes' '
	"$CHECK" --root "$TEST_ROOT" >out &&
	test_grep "^check-sql: 56 table(s) in 8 layer(s); 0 problem(s)" out
'

test_expect_success 'the copy passes too (the planted checks below start clean)' '
	copy_tree tree &&
	"$CHECK" --root tree >out &&
	test_grep " 0 problem(s)" out
'

test_expect_success 'a table named outside its owner fails, with file and line' '
	copy_tree t1 &&
	cat >>t1/src/report/report.c <<-\EOF &&

	static const char *planted = "SELECT count(*) FROM decision_log"
		" WHERE agent = ?";
	EOF
	line=$(grep -n "static const char \*planted" t1/src/report/report.c | cut -d: -f1) &&
	test_must_fail --exit=1 "$CHECK" --root t1 >out &&
	test_grep "^src/report/report.c:$line: table .decision_log. (owned by control/) named outside control/" out &&
	test_grep " 1 problem(s)" out
'

test_expect_success 'a join split over literals is caught (adjacent literals are one string)' '
	copy_tree t2 &&
	printf "%s\n" "static const char *q = \"SELECT o.name FROM people o\"" \
		"	\" JOIN ledger l ON l.seq = 1\";" >>t2/src/assess/phase.c &&
	test_must_fail "$CHECK" --root t2 >out &&
	test_grep "table .ledger. (owned by ledger/) named outside ledger/" out &&
	test_grep "table .people. (owned by org/) named outside org/" out
'

test_expect_success 'SQLite-only forms fail outside store/sqlite.c' '
	copy_tree t3 &&
	cat >>t3/src/org/org.c <<-\EOF &&
	static const char *a = "INSERT OR IGNORE INTO teams(name) VALUES (?)";
	static const char *b = "SELECT name FROM people ORDER BY rowid";
	static const char *c = "SELECT strftime(\"%Y\", time) FROM teams";
	static const char *d = "PRAGMA foreign_keys = ON";
	EOF
	test_must_fail "$CHECK" --root t3 >out &&
	test_grep "src/org/org.c:[0-9]*: SQLite-only form: INSERT OR" out &&
	test_grep "SQLite-only form: rowid" out &&
	test_grep "SQLite-only form: SQLite date function" out &&
	test_grep "SQLite-only form: PRAGMA" out &&
	test_grep " 4 problem(s)" out
'

test_expect_success 'portable forms, comments and English text pass' '
	copy_tree t4 &&
	cat >>t4/src/org/org.c <<-\EOF &&
	/* SELECT x FROM ledger: a comment is not SQL */
	static const char *e = "INSERT INTO teams(name) VALUES (?) ON CONFLICT(name) DO NOTHING";
	static const char *f = "cannot read the ledger from the exceptions file";
	EOF
	"$CHECK" --root t4 >out &&
	test_grep " 0 problem(s)" out
'

test_expect_success 'the owner map comes from the schema files: moving a table moves its owner' '
	copy_tree t5 &&
	grep -q "CREATE TABLE hypotheses(" t5/src/assess/assess_schema.c &&
	sed "s/CREATE TABLE hypotheses(/CREATE TABLE hypotheses_moved(/" \
		t5/src/assess/assess_schema.c >x &&
	mv x t5/src/assess/assess_schema.c &&
	printf "%s\n" "const char *p = \"CREATE TABLE hypotheses(name TEXT PRIMARY KEY);\";" \
		>t5/src/org/org_extra_schema.c &&
	test_must_fail "$CHECK" --root t5 >out &&
	test_grep "src/assess/hypothesis.c:[0-9]*: table .hypotheses. (owned by org/) named outside org/" out
'

test_expect_success 'a foreign key may point down the layers, not up' '
	copy_tree t6 &&
	printf "%s\n" "const char *p = \"CREATE TABLE x(a TEXT REFERENCES agents(name));\";" \
		>t6/src/org/org_more_schema.c &&
	test_must_fail "$CHECK" --root t6 >out &&
	test_grep "src/org/org_more_schema.c:1: table .agents. (owned by control/)" out
'

test_done
