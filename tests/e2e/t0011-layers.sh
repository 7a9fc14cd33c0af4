#!/bin/sh
# The layer rule is enforced by the build: tools/check-layers reads the
# per-layer static libraries (build/layers.txt, written by CMake) and
# fails on any call from a layer to one listed after it (DESIGN.md).
# This runs it on the real build, then shows that it catches an upward
# call planted in a copy of a lower layer's library.
. "$(dirname "$0")/lib.sh"
BUILD=$(dirname "$AIVALUE_BIN")
CHECK="$TEST_ROOT/tools/check-layers"

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
	ar rc "$layer.a" "$obj.o" &&
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
