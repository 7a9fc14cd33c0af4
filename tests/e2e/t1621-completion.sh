#!/bin/sh
# `aivalue completion bash|zsh|fish` prints a completion script built from
# the commands' own option tables.  The bash script parses, and a bash
# session that sources it completes commands, subcommands, options and
# option values, and object names from the workspace (get KIND --names).
. "$(dirname "$0")/lib.sh"

# complete WORD...: COMPREPLY for the words, the last one being completed
cat >complete.sh <<'EOT'
. ./aivalue.bash
COMP_WORDS=("$@")
COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
COMPREPLY=()
_aivalue
echo "${COMPREPLY[*]}"
EOT
complete_words() { bash ./complete.sh "$@"; }

test_expect_success 'the bash script parses and completes commands' '
	aivalue completion bash >aivalue.bash &&
	bash -n aivalue.bash &&
	test_grep "^complete -o default -F _aivalue aivalue$" aivalue.bash &&
	test "$(complete_words aivalue ph)" = "phase" &&
	test "$(complete_words aivalue co)" = "completion cost" &&
	test "$(complete_words aivalue --db x.db ver)" = "version" &&
	test "$(complete_words aivalue help pro)" = "process"
'

test_expect_success 'options of the command, and the global ones' '
	test "$(complete_words aivalue phase --)" = "--record --as-of --help --db --catalog --json --quiet --color --actor" &&
	test "$(complete_words aivalue demo --si)" = "--size" &&
	test "$(complete_words aivalue --js)" = "--json" &&
	test "$(complete_words aivalue audit verify --ch)" = "--checkpoint"
'

test_expect_success 'option values from the tables, in both spellings' '
	test "$(complete_words aivalue demo --size "")" = "small medium large" &&
	test "$(complete_words aivalue demo --industry r)" = "retail" &&
	test "$(complete_words aivalue demo --size = l)" = "large" &&
	test "$(complete_words aivalue demo --size=m)" = "medium" &&
	test "$(complete_words aivalue report --format "")" = "html md json" &&
	test "$(complete_words aivalue metrics history --period "")" = "week month" &&
	: >ws1.db &&
	: >ws2.db &&
	test "$(complete_words aivalue --db ws)" = "ws1.db ws2.db" &&
	test "$(complete_words aivalue demo --dir ws1)" = "ws1.db"
'

test_expect_success 'subcommands, and words after an option value' '
	test "$(complete_words aivalue metrics h)" = "history" &&
	test "$(complete_words aivalue audit "")" = "verify log show export checkpoint keygen stream" &&
	test "$(complete_words aivalue completion "")" = "bash zsh fish" &&
	test "$(complete_words aivalue demo --size small --se)" = "--seed --serve"
'

test_expect_success 'kinds, then the workspace names of that kind' '
	aivalue init >/dev/null &&
	printf "kind: Team\nname: claims-ops\ntitle: Claims\nfunction: operations\n---\nkind: Team\nname: claims-uw\ntitle: UW\nfunction: operations\n---\nkind: Team\nname: sales\ntitle: Sales\nfunction: sales\n" >teams.yaml &&
	aivalue apply -f teams.yaml >/dev/null &&
	test "$(complete_words aivalue get tea)" = "teams" &&
	aivalue get teams --names >names &&
	test "$(cat names | tr "\n" " ")" = "claims-ops claims-uw sales " &&
	test "$(PATH="$(dirname "$AIVALUE_BIN"):$PATH" complete_words aivalue get teams cl)" = "claims-ops claims-uw" &&
	test "$(PATH="$(dirname "$AIVALUE_BIN"):$PATH" complete_words aivalue --db nowhere.db get teams "")" = ""
'

test_expect_success 'zsh and fish scripts' '
	aivalue completion zsh >_aivalue &&
	test_grep "^#compdef aivalue$" _aivalue &&
	test_grep "bashcompinit" _aivalue &&
	aivalue completion fish >aivalue.fish &&
	test_grep "^complete -c aivalue -n __fish_use_subcommand -a phase " aivalue.fish &&
	test_grep "^complete -c aivalue -n .__fish_seen_subcommand_from demo. -l size -x -a .small medium large. " aivalue.fish &&
	if command -v zsh >/dev/null; then zsh -n _aivalue; else say "skip zsh -n: zsh not installed"; fi &&
	if command -v fish >/dev/null; then fish -n aivalue.fish; else say "skip fish -n: fish not installed"; fi &&
	test_must_fail --exit=2 aivalue completion tcsh 2>err &&
	test_grep "is not an aivalue completion subcommand" err
'

test_done
