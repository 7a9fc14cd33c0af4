#!/bin/sh
# The text and HTML printers of two typed results of assess/: the framework
# crosswalk (struct lib_crosswalk) and the measured answers of a readiness
# set (struct ra_measured_list), on the acme excerpt library and answers.
. "$(dirname "$0")/lib.sh"
ACME="$TEST_ROOT/examples/acme"
LIB="$ACME/assess/ciso-library-excerpt.yaml"

test_expect_success 'set up: acme, the excerpt library, the acme answers' '
	aivalue init >/dev/null &&
	aivalue apply -f "$ACME" >/dev/null &&
	aivalue assess import "$LIB" >/dev/null &&
	aivalue assess org --answers "$ACME/assess/readiness.yaml" >/dev/null
'

# The excerpt's scale runs 0 to 5 and our levels 0 to 4, so a level L
# scores floor(L / 4 * 5 + 0.5): MEASURE 2.8's lowest mapped answer is
# level 1 (ol_tamper_evident and ol_traceability, choice 2), 1.75 -> 1
# Initial; GOVERN 1.6's is level 2 (choice 3), 3.0 -> 3 Defined; GOVERN
# 1.7 is mapped by none of our questions.
test_expect_success 'assess crosswalk prints the typed rows' '
	aivalue assess crosswalk >out &&
	test_grep "^NIST AI RMF 1.0 (excerpt) (urn:aivalue:risk:library:nist-ai-rmf-excerpt)$" out &&
	test_grep "^  4 assessable requirements, 3 covered by our questions, 3 answered$" out &&
	test_grep "^  GOVERN 1.6   score 3 (Defined)  gb_allowed_inventory, ol_retention$" out &&
	test_grep "^  GOVERN 1.7   not covered  $" out &&
	test_grep "^  MEASURE 2.8  score 1 (Initial)  gb_logged_usage, gb_logged_decisions, di_provenance, ol_action_logs, ol_tamper_evident, ol_traceability$" out
'

test_expect_success 'assess crosswalk --group keeps only that group and counts it' '
	aivalue assess crosswalk --group extended >out &&
	test_grep "^  2 assessable requirements, 1 covered by our questions, 1 answered$" out &&
	test_grep "^  MEASURE 2.8  score 1 (Initial)" out &&
	test_must_fail grep "GOVERN 1.6" out
'

test_expect_success 'the HTML report prints the same rows' '
	aivalue report -o r.html 2>/dev/null &&
	test_grep "<h3>NIST AI RMF 1.0 (excerpt)</h3><p class=\"meta\">4 assessable requirements, 3 covered by our questions, 3 answered</p>" r.html &&
	test_grep "<tr><td>GOVERN 1.7</td><td>not covered</td><td class=\"src\"></td></tr>" r.html &&
	test_grep "<tr><td>MEASURE 2.8</td><td>1 Initial</td><td class=\"src\">gb_logged_usage, " r.html
'

test_expect_success 'no framework imported: the text says how to import one' '
	workspace_new fresh &&
	aivalue --db "$(workspace_db fresh)" init >/dev/null &&
	aivalue --db "$(workspace_db fresh)" assess crosswalk >out &&
	test_grep "^no framework imported; use .aivalue assess import LIBRARY.yaml.$" out &&
	aivalue --db "$(workspace_db fresh)" --json assess crosswalk >out.json &&
	test "$(cat out.json)" = "[]"
'

test_done
