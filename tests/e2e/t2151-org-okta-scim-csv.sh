#!/bin/sh
# import org for the other three sources: Okta's users API (status, profile.*,
# managerId as an id or a login), a SCIM 2.0 ListResponse (RFC 7643 core and
# enterprise extension, a Group giving a team to a user with no department,
# the primary email rather than the first) and an HR CSV read through the
# mapping file's column map.
. "$(dirname "$0")/lib.sh"
FX="$TEST_ROOT/tests/fixtures/org"

test_expect_success 'okta: SUSPENDED never imported is skipped, STAGED and PASSWORD_EXPIRED join' '
	aivalue --db okta.db init >/dev/null &&
	aivalue --db okta.db import org "$FX/okta-users.json" --format okta-users \
		--map "$FX/okta-map.yaml" >out &&
	test_grep "^  joined: 4 people" out &&
	test_grep "read 5 users: 4 used, 1 skipped" out &&
	test_grep "never imported (first at .*okta-users.json record 4 (ravi.tran@initech.example))" out &&
	test "$(sqlite3 okta.db "SELECT name || '"'"'|'"'"' || display_name || '"'"'|'"'"' || role || '"'"'|'"'"' || team || '"'"'|'"'"' || coalesce(manager, '"'"''"'"') FROM people ORDER BY name" | tr "\n" ";")" = \
		"grace.okafor|Grace Okafor|Sales lead|sales|;ohaas|Omar Haas (Sales)|Account Executive|sales|grace.okafor;petra.santos|Petra Santos|member|sales|grace.okafor;sara.keller|Sara Keller|Support Engineer|support-desk|grace.okafor;" &&
	test "$(sqlite3 okta.db "SELECT function || '"'"'/'"'"' || coalesce(parent, '"'"''"'"') FROM teams WHERE name = '"'"'support-desk'"'"'")" = customer_service/sales &&
	test "$(sqlite3 okta.db "SELECT person FROM identities WHERE value = '"'"'ohaas@initech.example'"'"'")" = ohaas
'

test_expect_success 'scim: enterprise department and manager, a Group as team, the primary email' '
	aivalue --db scim.db init >/dev/null &&
	aivalue --db scim.db import org "$FX/scim-list.json" --format scim --map "$FX/scim-map.yaml" >out &&
	test_grep "^  joined: 3 people" out &&
	test_grep "read 4 users: 3 used, 1 skipped" out &&
	test "$(sqlite3 scim.db "SELECT name || '"'"'|'"'"' || display_name || '"'"'|'"'"' || team || '"'"'|'"'"' || coalesce(manager, '"'"''"'"') || '"'"'|'"'"' || email FROM people ORDER BY name" | tr "\n" ";")" = \
		"eva.gallo|Eva Gallo|quality-engineering||eva.gallo@globex.example;nils.olsen|Nils Olsen|assembly|wei.zhang|nils.olsen@globex.example;wei.zhang|Ms. Wei Zhang|assembly||wei.zhang@globex.example;" &&
	test "$(sqlite3 scim.db "SELECT function FROM teams WHERE name = '"'"'quality-engineering'"'"'")" = quality
'

test_expect_success 'csv: the column map, a quoted name, an empty email, a terminated row' '
	aivalue --db hr.db init >/dev/null &&
	aivalue --db hr.db import org "$FX/hr.csv" --format csv --map "$FX/hr-map.yaml" --json >o.json &&
	test "$(json_get o.json "[x[\"person\"] for x in d[\"joined\"]]")" = "['"'"'chen.park'"'"', '"'"'felix.engel'"'"', '"'"'priya.varga'"'"']" &&
	test "$(json_get o.json "d[\"tally\"][\"skips\"][0][\"first\"]")" = "$FX/hr.csv record 5 (zoe.brandt@umbrella.example)" &&
	test "$(sqlite3 hr.db "SELECT display_name || '"'"'|'"'"' || manager || '"'"'|'"'"' || coalesce(email, '"'"'none'"'"') FROM people WHERE name = '"'"'chen.park'"'"'")" = "Park, Chen|priya.varga|none" &&
	test "$(sqlite3 hr.db "SELECT role FROM people WHERE name = '"'"'felix.engel'"'"'")" = "Accounts payable clerk"
'

test_expect_success 'every workspace verifies' '
	for db in okta.db scim.db hr.db; do
		aivalue --db $db audit verify >v &&
		test_grep "^state ok" v || return 1
	done
'

test_done
