#!/bin/sh
# core/banned.h turns the banned libc calls (strcpy, sprintf, strtok,
# gmtime ...) into compile errors; aiv.h includes it, and every source
# file reaches aiv.h.  This compiles snippets against the real headers.
. "$(dirname "$0")/lib.sh"
SRC="$TEST_ROOT/src"
CFLAGS="-std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -I$SRC"

test_expect_success 'aiv.h refuses strcpy, sprintf and gmtime, naming them' '
	printf "#include \"aiv.h\"\nvoid f(char *d, const char *s) { strcpy(d, s); }\n" >cpy.c &&
	test_must_fail cc $CFLAGS -c cpy.c -o cpy.o 2>err &&
	test_grep "sorry_strcpy_is_a_banned_function" err &&
	printf "#include \"aiv.h\"\nvoid f(char *d, int n) { sprintf(d, \"%%d\", n); }\n" >spr.c &&
	test_must_fail cc $CFLAGS -c spr.c -o spr.o 2>err &&
	test_grep "sorry_sprintf_is_a_banned_function" err &&
	printf "#include \"aiv.h\"\nstruct tm *f(const time_t *t) { return gmtime(t); }\n" >gm.c &&
	test_must_fail cc $CFLAGS -c gm.c -o gm.o 2>err &&
	test_grep "sorry_gmtime_is_a_banned_function" err
'

test_expect_success 'the safe replacements compile, also with <string.h> after aiv.h' '
	printf "#include \"aiv.h\"\n#include <string.h>\n#include <stdio.h>\nvoid f(char *d, size_t n, const char *s) { snprintf(d, n, \"%%s\", s); memcpy(d, s, 1); }\nstruct tm *g(const time_t *t, struct tm *o) { return gmtime_r(t, o); }\n" >ok.c &&
	cc $CFLAGS -Wall -Werror -c ok.c -o ok.o
'

test_expect_success 'every source file reaches banned.h' '
	for f in "$SRC"/*/*.c; do
		cc $CFLAGS -I"$(dirname "$AIVALUE_BIN")" -MM "$f" >deps || return 1
		grep -q "core/banned.h" deps || echo "$f"
	done >missing &&
	test_cmp /dev/null missing
'

test_done
