#!/bin/sh
# run.sh - the differential test: the campaign (campaign.js: generated
# policy sets and requests, parse mutants, entity mutants) against Cedar
# itself (cedar-wasm), then the regression cases of tests/cedar/.
#   tests/cedar-diff/run.sh AIVALUE_BIN [SEED] [SETS] [REQUESTS_PER_SET] [MUTANTS] [ENTITY_MUTANTS]
# CEDAR_DIFF_MINIMIZE=DIR shrinks the first disagreements into cases there.
# Exit 1 on any undesigned disagreement or failing case.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bin=$1 seed=${2:-7} sets=${3:-20} per=${4:-500} mut=${5:-1000} ent=${6:-40}
status=0
node "$here/campaign.js" --bin "$bin" --seed "$seed" --sets "$sets" --requests "$per" \
	--mutants "$mut" --entity-mutants "$ent" \
	${CEDAR_DIFF_MINIMIZE:+--minimize "$CEDAR_DIFF_MINIMIZE"} || status=1
node "$here/replay.js" "$bin" "$here/../cedar" >"${TMPDIR:-/tmp}/cedar-replay.$$" || status=1
sed 's/^/    /' "${TMPDIR:-/tmp}/cedar-replay.$$"
rm -f "${TMPDIR:-/tmp}/cedar-replay.$$"
exit $status
