#!/bin/sh
# ChatGPT Enterprise user engagement: `messages` is the total a user sent;
# gpt_messages, tool_messages and project_messages are kinds of those
# messages.  They count for breadth, never as messages on top, so a
# habitual user stays habitual.  The export here has no *_to_messages
# columns, as real exports may not.
. "$(dirname "$0")/lib.sh"

DATA="$TEST_ROOT/tests/data/usage"

# chatgpt-weekly-parts.csv: 12 weekly rows for ana (Monday 2025-07-14 to
# Sunday 2025-10-05), each 12 messages over Monday..Sunday, of which 4 to
# GPTs, 2 with tools, 2 in projects; bo 12 weeks enabled, never active;
# cy, dee, eli, fay enabled in the last week, not active; gus invited
# (pending), not active: 29 rows.
test_expect_success 'import: every row accounted for' '
	aivalue init &&
	aivalue apply -f "$DATA/six-people.yaml" >/dev/null &&
	aivalue import usage "$DATA/chatgpt-weekly-parts.csv" --format chatgpt-enterprise --json >imp.json &&
	test "$(json_get imp.json "d[\"tally\"][\"read\"]")" = 29 &&
	test "$(json_get imp.json "d[\"tally\"][\"used\"]")" = 28 &&
	test "$(json_get imp.json "d[\"tally\"][\"skips\"][0][\"reason\"]")" = "user neither active in the period nor enabled" &&
	test "$(json_get imp.json "d[\"tally\"][\"skips\"][0][\"first\"]")" = "$DATA/chatgpt-weekly-parts.csv:30" &&
	test "$(json_get imp.json "d[\"seats\"]")" = 28 &&
	test "$(json_get imp.json "d[\"tally\"][\"not_used\"][0][\"what\"]")" = "columns not read: '\''cadence'\'', '\''public_id'\'', '\''name'\'', '\''role'\'', '\''user_role'\'', '\''department'\'', '\''groups'\'', '\''created_or_invited_date'\'', '\''messages_rank'\'', '\''gpts_messaged'\'', '\''tools_messaged'\'', '\''projects_messaged'\'', '\''projects_created'\'', '\''last_day_active'\''"
'

# Each week: 7 active days (12 messages >= 7 days), shares 2,2,2,2,2,1,1;
# gpt 4 on Mon+Tue, tool 2 on Wed, project 2 on Thu, chat 2+1+1 on
# Fri..Sun: 7 events a week, 84 in all, 144 messages (not 12 * 20 = 240).
test_expect_success 'the parts are poured into the messages, not added' '
	test "$(json_get imp.json "d[\"rows\"]")" = 84 &&
	aivalue import usage "$DATA/chatgpt-weekly-parts.csv" --format chatgpt-enterprise --dry-run --json >dry.json &&
	test "$(json_get dry.json "d[\"already_imported\"]")" = True
'

# 12 weeks to Sunday 2025-10-05, six licensed people.  ana: 144 actions =
# 12 a week, active all 12 weeks (>= 9: repeat use), 4 features (gpt,
# tool, project, chat): habitual, not power (power needs >= 15 a week;
# with the parts added on top she had 20).  The other five: non-users.
# Active days in the 28 days to 10-05: ana 28, others 0: Gini =
# 2*6*28/(6*28) - 7/6 = 0.8333.
test_expect_success 'proficiency: habitual, not power; Gini hand-worked' '
	aivalue adoption --json >a.json &&
	test "$(json_get a.json "d[\"as_of\"]")" = 2025-10-05 &&
	test "$(json_get a.json "d[\"organisation\"][\"people\"]")" = 6 &&
	test "$(json_get a.json "d[\"organisation\"][\"active\"]")" = 1 &&
	test "$(json_get a.json "d[\"organisation\"][\"repeat_users\"]")" = 1 &&
	test "$(json_get a.json "d[\"organisation\"][\"proficiency\"][\"habitual\"]")" = 1 &&
	test "$(json_get a.json "d[\"organisation\"][\"proficiency\"][\"power\"]")" = 0 &&
	test "$(json_get a.json "d[\"organisation\"][\"proficiency\"][\"non_user\"]")" = 5 &&
	test "$(json_get a.json "d[\"organisation\"][\"gini_active_days\"]")" = 0.8333
'

test_done
