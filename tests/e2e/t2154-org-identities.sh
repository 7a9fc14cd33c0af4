#!/bin/sh
# import org makes the directory's UPNs and emails identities of their
# people, so a usage export that names people by UPN matches them with no
# identity map written by hand (Kofi has no mail, only a UPN).
. "$(dirname "$0")/lib.sh"
FX="$TEST_ROOT/tests/fixtures/org"

test_expect_success 'setup: a usage export naming people by UPN, imported before the org' '
	aivalue init >/dev/null &&
	cat >usage.csv <<-\EOT &&
	user,time,tool
	KOFI.MENSAH@fabrikam.onmicrosoft.com,2026-11-02T09:00:00Z,copilot
	kofi.mensah@fabrikam.onmicrosoft.com,2026-11-03T09:00:00Z,copilot
	rosa.quist@fabrikam.example,2026-11-02T10:00:00Z,copilot
	nobody@elsewhere.example,2026-11-02T11:00:00Z,copilot
	EOT
	aivalue import usage usage.csv --format csv --map person=user,time=time,tool=tool --json >u.json &&
	test "$(json_get u.json "d[\"people_matched\"]")" = 0 &&
	test "$(json_get u.json "d[\"unmatched_rows\"]")" = 4
'

test_expect_success 'the org import joins the usage rows kept unmatched to their people' '
	aivalue import org "$FX/entra-page1.json" "$FX/entra-page2.json" --format entra-users \
		--map "$FX/map.yaml" --json >o.json &&
	test "$(json_get o.json "d[\"identities\"]")" = 11 &&
	aivalue audit log --action identities.import --json >log.json &&
	test "$(json_get log.json "\" \".join(str(e[\"payload\"][\"rejoined_usage_rows\"]) for e in d)")" = 3 &&
	aivalue identities unmatched --json >un.json &&
	test "$(json_get un.json "[x[\"identity\"] for x in d]")" = "['"'"'nobody@elsewhere.example'"'"']" &&
	test "$(test_sql "SELECT person FROM identities WHERE kind = '"'"'upn'"'"' AND value = '"'"'kofi.mensah@fabrikam.onmicrosoft.com'"'"'")" = kofi.mensah
'

test_expect_success 'a later usage export matches by UPN at once' '
	printf "user,time,tool\nkofi.mensah@fabrikam.onmicrosoft.com,2026-11-09T09:00:00Z,copilot\n" >u2.csv &&
	aivalue import usage u2.csv --format csv --map person=user,time=time,tool=tool --json >u2.json &&
	test "$(json_get u2.json "d[\"people_matched\"]")" = 1 &&
	test "$(json_get u2.json "d[\"unmatched_rows\"]")" = 0 &&
	aivalue audit verify >v &&
	test_grep "^state ok" v
'

test_done
