#!/bin/sh
# run.sh - the differential test: generate a seeded corpus, evaluate it
# with Cedar (cedar-wasm) and with `aivalue cedar eval`, compare.
#   tests/cedar-diff/run.sh AIVALUE_BIN [SEED] [SETS] [REQUESTS_PER_SET]
# Prints TAP lines (one per policy set); exit 1 on any disagreement.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bin=$1 seed=${2:-7} sets=${3:-20} per=${4:-500}
work=$(mktemp -d "${TMPDIR:-/tmp}/cedar-diff.XXXXXX")
trap 'rm -rf "$work"' EXIT
node "$here/gen.js" --seed "$seed" --sets "$sets" --requests "$per" --out "$work"
status=0
for d in "$work"/*/; do
	n=$(basename "$d")
	(cd "$here" && node cedar-run.js "$d") >"$d/expected.out"
	"$bin" cedar eval --policies "$d/policies.cedar" --entities "$d/entities.json" \
		--requests "$d/requests.json" >"$d/actual.out"
	node "$here/compare.js" "$d/expected.out" "$d/actual.out" "set $n (seed $seed)" || {
		status=1
		[ -n "${CEDAR_DIFF_KEEP:-}" ] && cp -r "$d" "$CEDAR_DIFF_KEEP/" || true
	}
done
exit $status
