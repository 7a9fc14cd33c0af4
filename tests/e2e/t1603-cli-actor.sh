#!/bin/sh
#
# t1603: every ledger entry names a real actor.  The CLI takes --actor
# NAME, else $AIVALUE_ACTOR, else cli:USER@HOST from the operating system;
# the HTTP API names the token (token:NAME).  `audit show` says who did
# what in words.  (issue 16)

. "$(dirname "$0")/lib.sh"
unset AIVALUE_ACTOR   # lib.sh sets it for every other test
export AIVALUE_FAKE_TIME=2026-11-25T12:00:00Z

api() {
	m=$1 p=$2 &&
	shift 2 &&
	curl -s -o out.json -w '%{http_code}' -X "$m" "$@" "$AIV_URL$p"
}
actor_of_last() {
	aivalue audit log -n 1 --json >last.json &&
	json_get last.json "d[0][\"actor\"]"
}

test_expect_success 'no --actor, no $AIVALUE_ACTOR: the OS user and host' '
	aivalue init >/dev/null &&
	me="cli:$(id -un)@$(uname -n)" &&
	test "$(actor_of_last)" = "$me" &&
	! grep -q unknown last.json
'

test_expect_success '$AIVALUE_ACTOR names the actor; --actor wins over it' '
	cat >team.yaml <<-\EOF &&
	kind: Team
	name: claims-ops
	title: Claims operations
	function: operations
	EOF
	AIVALUE_ACTOR=ops:maria aivalue apply -f team.yaml >/dev/null &&
	test "$(actor_of_last)" = ops:maria &&
	cat >person.yaml <<-\EOF &&
	kind: Person
	name: ana.silva
	display_name: Ana Silva
	role: handler
	team: claims-ops
	EOF
	AIVALUE_ACTOR=ops:maria aivalue --actor "Tom Baker" apply -f person.yaml >/dev/null &&
	test "$(actor_of_last)" = "Tom Baker" &&
	aivalue delete person ana.silva --actor=ops:lee >/dev/null &&
	test "$(actor_of_last)" = ops:lee &&
	test_must_fail --exit=2 aivalue --actor= get teams 2>err &&
	test_grep "^error: --actor needs a name$" err
'

test_expect_success 'audit show: time, actor, what in words, the object by its name' '
	aivalue audit show >show.txt &&
	test_grep "^TIME (UTC)  *ACTOR  *WHAT  *OBJECT$" show.txt &&
	test_grep "^2026-11-25 12:00:00  ops:lee  *deleted  *person ana.silva$" show.txt &&
	test_grep "^2026-11-25 12:00:00  Tom Baker  *created  *person ana.silva$" show.txt &&
	test_grep "^2026-11-25 12:00:00  ops:maria  *created  *team Claims operations$" show.txt &&
	test_grep "^2026-11-25 12:00:00  cli:[^ ]*@[^ ]*  *created the workspace  *Workspace$" show.txt &&
	test "$(grep -c "" show.txt)" = 5 &&
	aivalue audit show --json >show.json &&
	test "$(json_get show.json "[e[\"action\"] for e in d]")" = "$(aivalue audit log --json >log.json && json_get log.json "[e[\"action\"] for e in d]")"
'

test_expect_success 'the HTTP API names the token that wrote' '
	aivalue token create --name maria-laptop --role admin >admin.tok 2>/dev/null &&
	start_server &&
	printf "kind: Team\nname: web-team\ntitle: Web team\nfunction: it\n" >web.yaml &&
	test "$(api POST /api/v1/apply -H "Authorization: Bearer $(cat admin.tok)" \
		-H "Content-Type: application/yaml" --data-binary @web.yaml)" = 200 &&
	stop_server &&
	test "$(actor_of_last)" = token:maria-laptop &&
	aivalue audit show -n 1 >s1.txt &&
	test_grep "  token:maria-laptop  *created  *team Web team$" s1.txt
'

test_done
