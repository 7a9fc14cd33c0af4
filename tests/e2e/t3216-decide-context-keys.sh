#!/bin/sh
# t3216-decide-context-keys - the keys evaluation adds to a decision's
# Cedar context, and the principal and action it builds.
#
# Since 8 December 2026 the context is converted as it came and
# on_behalf_of and workflow are put into the converted record (no JSON
# copy); a context that names on_behalf_of while the request does, or a
# lone "_" key, goes the old way.  Either way the request's on_behalf_of
# replaces the context's, the context's workflow is kept, a lone
# "__entity" key is a record key once workflow is added, and an action
# with quotes and backslashes is its own id.
. "$(dirname "$0")/lib.sh"

cat >org.yaml <<'Y'
kind: Team
name: finance
title: Finance
function: finance
---
kind: Person
name: ana
display_name: Ana
role: controller
team: finance
---
kind: Agent
name: bot-1
owner: ana
workflow: p2p
---
kind: Workflow
name: p2p
owner: ana
autonomy: autonomous
steps:
  - name: approve
    owner: ana
    agents: [bot-1]
---
kind: Policy
name: ap
resource_types: [Invoice]
cedar: |
  @id("ap-approve")
  permit(principal in Workflow::"p2p", action == Action::"approve_invoice", resource is Invoice);
  @id("wf-check")
  forbid(principal, action, resource) when { !(context.workflow == Workflow::"p2p") };
  @id("obo")
  forbid(principal, action, resource)
  when { context has on_behalf_of && context.on_behalf_of != Person::"ana" };
  @id("entity-key")
  forbid(principal, action, resource)
  when { context has __entity && context.__entity.id == "zed" };
  @id("odd-action")
  permit(principal, action == Action::"a\"b\\c", resource);
Y
aivalue init >/dev/null 2>&1 &&
aivalue apply -f org.yaml >/dev/null || exit 1

# decide [ARGS...]: the decision (or "error") of bot-1 on inv-1
decide() {
	aivalue decide --json --agent bot-1 --resource 'Invoice::"inv-1"' "$@" >out.json 2>err.txt ||
		{ echo error; return 0; }
	json_get out.json 'd["decision"]'
}
ZED='{"__entity": {"type": "Person", "id": "zed"}}'

test_expect_success 'workflow and on_behalf_of are added to the context' '
	test "$(decide --action approve_invoice)" = allow &&
	test "$(decide --action approve_invoice --context "{}")" = allow &&
	test "$(decide --action approve_invoice --on-behalf-of ana --context "{\"amount\": 1}")" = allow
'

test_expect_success 'the request on_behalf_of replaces the context one, even an unconvertible one' '
	test "$(decide --action approve_invoice --on-behalf-of ana --context "{\"on_behalf_of\": $ZED}")" = allow &&
	test "$(decide --action approve_invoice --on-behalf-of ana --context "{\"on_behalf_of\": null}")" = allow &&
	test "$(decide --action approve_invoice --context "{\"on_behalf_of\": $ZED}")" = deny &&
	test_grep "forbidden by policy obo" out.json
'

test_expect_success 'the context workflow is kept, and must convert' '
	test "$(decide --action approve_invoice --context "{\"workflow\": {\"__entity\": {\"type\": \"Workflow\", \"id\": \"x\"}}}")" = deny &&
	test_grep "forbidden by policy wf-check" out.json &&
	test "$(decide --action approve_invoice --context "{\"workflow\": null}")" = error &&
	test_grep "context.workflow: null is not a Cedar value" err.txt
'

test_expect_success 'a lone __entity key is a record key once workflow is added' '
	test "$(decide --action approve_invoice --context "{\"__entity\": {\"type\": \"Person\", \"id\": \"zed\"}}")" = deny &&
	test_grep "forbidden by policy entity-key" out.json
'

test_expect_success 'an action with a quote and a backslash is its own id' '
	test "$(decide --action "a\"b\\c")" = allow &&
	test_grep "permitted by policy odd-action" out.json &&
	test "$(decide --action "weird::\"x")" = deny
'

test_done
