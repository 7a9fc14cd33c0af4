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

# One cc for all the files (the driver starts once, not 184 times); it
# prints one rule per file, in order, "FILE.o: FILE.c HEADER ..." with
# backslash-continued lines; the rule of a file that does not reach
# banned.h lacks it.  Every file must have its rule.
test_expect_success 'every source file reaches banned.h' '
	cc $CFLAGS -I"$(dirname "$AIVALUE_BIN")" -MM "$SRC"/*/*.c >deps &&
	cat >rules.awk <<-\EOF &&
	{ cont = sub(/\\$/, ""); rule = rule " " $0 }
	cont { next }
	{
		n = split(rule, w, " ")
		ok = 0
		for (i = 3; i <= n; i++)
			if (w[i] ~ /(^|\/)core\/banned\.h$/)
				ok = 1
		print w[2], ok
		rule = ""
	}
	EOF
	awk -f rules.awk deps >rules &&
	printf "%s\n" "$SRC"/*/*.c >all &&
	cut -d" " -f1 rules >seen &&
	test_cmp all seen &&
	awk "\$2 == 0 { print \$1 }" rules >missing &&
	test_cmp /dev/null missing
'

test_done
