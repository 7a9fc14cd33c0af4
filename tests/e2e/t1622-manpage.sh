#!/bin/sh
# The man page aivalue(1) is generated at build time from the commands'
# option tables (`aivalue help --man`, next to the binary as aivalue.1)
# and installed by `make install` (cmake --install) under share/man/man1.
. "$(dirname "$0")/lib.sh"

MAN="$(dirname "$AIVALUE_BIN")/aivalue.1"

test_expect_success 'the build wrote aivalue.1, the same as help --man prints' '
	test -s "$MAN" &&
	aivalue help --man >now.1 &&
	test_cmp "$MAN" now.1
'

test_expect_success 'it has the sections, every command and their options' '
	test_grep "^\.TH AIVALUE 1 " now.1 &&
	test_grep "^\.SH NAME$" now.1 &&
	test_grep "^\.SH SYNOPSIS$" now.1 &&
	test_grep "^\.SH COMMANDS$" now.1 &&
	test_grep "^\.SH EXIT STATUS$" now.1 &&
	aivalue help >cmds &&
	sed -n "s/^   \([a-z][a-z]*\) .*/\1/p" cmds >names &&
	test $(wc -l <names) -ge 30 &&
	while read -r c; do
		grep -q "^\.SS \"aivalue $c\"$" now.1 || { echo "no section for $c"; exit 1; }
	done <names &&
	test $(grep -c "^\.SS " now.1) = $(wc -l <names) &&
	test_grep "^\\\\fB\\\\-\\\\-size\\\\fR \\\\fIsmall|medium|large\\\\fR$" now.1 &&
	test_grep "^\\\\fB\\\\-\\\\-as\\\\-of\\\\fR \\\\fIDATE\\\\fR$" now.1 &&
	test_grep "^aivalue metrics history METRIC" now.1
'

test_expect_success 'groff renders it without a warning' '
	if command -v groff >/dev/null; then
		groff -man -Tutf8 -ww -z now.1 2>warnings &&
		test ! -s warnings &&
		groff -man -Tutf8 now.1 >page.txt 2>/dev/null &&
		test_grep "aivalue demo" page.txt
	else
		say "skip rendering: groff not installed"
	fi
'

test_expect_success 'cmake --install puts it under share/man/man1' '
	build=$(dirname "$AIVALUE_BIN") &&
	if test -f "$build/cmake_install.cmake"; then
		cmake --install "$build" --prefix "$TEST_DIR/prefix" >/dev/null &&
		test_cmp "$MAN" "$TEST_DIR/prefix/share/man/man1/aivalue.1" &&
		test -x "$TEST_DIR/prefix/bin/aivalue"
	else
		say "skip install: $build is not a cmake build folder"
	fi
'

test_done
