#!/bin/sh
# The layer rule is enforced by the build: tools/check-layers reads the
# per-layer static libraries (build/layers.txt, written by CMake) and
# fails on any call from a layer to one listed after it (DESIGN.md).
# This runs it on the real build, then shows that it catches an upward
# call planted in a copy of a lower layer's library.
. "$(dirname "$0")/lib.sh"
BUILD=$(dirname "$AIVALUE_BIN")
CHECK="$TEST_ROOT/tools/check-layers"

# GNU nm and ar load every plugin in bfd-plugins at each start; where
# LLVM's gold plugin is installed there, that is about 0.1 s of CPU per
# start, and this file starts nm 60 times (15 archives, 4 checks).  Naming
# GCC's LTO plugin loads only that one; the symbol tables read are the
# same.  check-layers takes its nm from $NM.
lto=$(cc -print-file-name=liblto_plugin.so 2>/dev/null) || lto=
if [ -z "${NM:-}" ] && [ -z "${AR:-}" ] && [ -f "$lto" ] && nm --plugin "$lto" --version >/dev/null 2>&1; then
	printf '#!/bin/sh\nexec nm --plugin "%s" "$@"\n' "$lto" >"$TEST_DIR/nm" &&
	printf '#!/bin/sh\nexec ar --plugin "%s" "$@"\n' "$lto" >"$TEST_DIR/ar" &&
	chmod +x "$TEST_DIR/nm" "$TEST_DIR/ar" &&
	NM="$TEST_DIR/nm" && AR="$TEST_DIR/ar" && export NM
fi
: "${AR:=ar}"

test_expect_success 'every call in the build goes to an earlier layer' '
	test -r "$BUILD/layers.txt" &&
	test "$(wc -l <"$BUILD/layers.txt")" -ge 15 &&
	head -n 1 "$BUILD/layers.txt" | grep "^core " &&
	tail -n 1 "$BUILD/layers.txt" | grep "^cli " &&
	"$CHECK" "$BUILD/layers.txt" >out 2>&1 &&
	test ! -s out
'

# plant OBJ.c (defining a function that calls SYMBOL) into a copy of
# LAYER's library and write layers.txt pointing LAYER at the copy
plant() {
	layer=$1 obj=$2 code=$3 &&
	printf "%s\n" "$code" >"$obj.c" &&
	cc -c -o "$obj.o" "$obj.c" &&
	cp "$(awk -v l="$layer" "\$1 == l { print \$2 }" "$BUILD/layers.txt")" "$layer.a" &&
	"$AR" rc "$layer.a" "$obj.o" &&
	awk -v l="$layer" -v a="$TEST_DIR/$layer.a" "\$1 == l { \$2 = a } { print }" \
		"$BUILD/layers.txt" >layers.txt
}

test_expect_success 'core calling a cli command is refused, naming both ends' '
	plant core upcall "int cmd_init(int, char **, void *); int probe(void) { return cmd_init(0, 0, 0); }" &&
	test_must_fail --exit=1 "$CHECK" layers.txt >out &&
	test_grep "^core upcall.o calls cmd_init in cli init.c.o$" out &&
	test_grep "^check-layers: 1 upward call" out
'

test_expect_success 'store calling the ledger is refused too' '
	plant store upcall "int ledger_append(void); int probe(void) { return ledger_append(); }" &&
	test_must_fail --exit=1 "$CHECK" layers.txt >out &&
	test_grep "^store upcall.o calls ledger_append in ledger ledger.c.o$" out
'

test_expect_success 'a call down or within a layer passes' '
	plant ledger downcall "int store_begin(void); int sha256_hex(void); int ledger_append(void);
int probe(void) { return store_begin() + sha256_hex() + ledger_append(); }" &&
	"$CHECK" layers.txt >out &&
	test ! -s out
'

test_expect_success 'a missing library or no argument is a usage error' '
	test_must_fail --exit=2 "$CHECK" &&
	echo "core $TEST_DIR/nothing.a" >missing.txt &&
	test_must_fail --exit=2 "$CHECK" missing.txt 2>err &&
	test_grep "cannot read .*nothing.a. (layer core)" err
'

test_done
