#!/bin/sh
# t0003-clean-tree.sh - tools/check-clean-tree, which make test and make
# asan run around prove: it names the paths a run left in the checkout,
# ignores build*/ and what was there before, and works without git.
. "$(dirname "$0")/lib.sh"

GIT="git -c user.name=t -c user.email=t@example.invalid -c init.defaultBranch=main"

test_expect_success 'set up a small checkout with the script' '
	mkdir -p repo/tools repo/src &&
	cp "$TEST_ROOT/tools/check-clean-tree" repo/tools/ &&
	echo "int x;" >repo/src/a.c &&
	printf "build/\n*.log\n" >repo/.gitignore &&
	$GIT -C repo init -q &&
	$GIT -C repo add . &&
	$GIT -C repo commit -q -m init &&
	echo "work in progress" >repo/notes.txt
'

test_expect_success 'nothing new: compare passes silently' '
	repo/tools/check-clean-tree snapshot snap &&
	mkdir -p repo/build repo/build-asan &&
	echo x >repo/build/out.o &&
	echo x >repo/build-asan/screenshot.png &&
	echo "more" >>repo/notes.txt &&
	repo/tools/check-clean-tree compare snap 2>err &&
	test ! -s err
'

test_expect_success 'a new untracked file, an ignored one and a modified one are named' '
	repo/tools/check-clean-tree snapshot snap &&
	: >repo/viewer.tok &&
	echo x >repo/run.log &&
	echo "int y;" >>repo/src/a.c &&
	test_must_fail --exit=1 repo/tools/check-clean-tree compare snap 2>err &&
	test_grep "left these in the checkout" err &&
	test_grep "^    ?? viewer.tok$" err &&
	test_grep "^    !! run.log$" err &&
	test_grep "^     M src/a.c$" err &&
	test "$(grep -c "^    " err)" = 3
'

test_expect_success 'outside a git work tree it compares a listing of the files' '
	mkdir -p plain/tools &&
	cp "$TEST_ROOT/tools/check-clean-tree" plain/tools/ &&
	plain/tools/check-clean-tree snapshot psnap &&
	mkdir plain/build &&
	: >plain/build/ok &&
	plain/tools/check-clean-tree compare psnap &&
	: >plain/stray.db &&
	test_must_fail --exit=1 plain/tools/check-clean-tree compare psnap 2>err &&
	test_grep "^    stray.db$" err
'

test_expect_success 'usage errors' '
	test_must_fail --exit=2 repo/tools/check-clean-tree compare missing-snapshot 2>err &&
	test_grep "no snapshot" err &&
	test_must_fail --exit=2 repo/tools/check-clean-tree 2>err &&
	test_grep "^usage:" err
'

test_done
