# tests/e2e/lib-demo.sh - the small demo workspace, generated once per
# `make test` run and copied into each test that asks for it.  Source it
# after lib.sh:
#
#   . "$TEST_ROOT/tests/e2e/lib-demo.sh"
#   aivalue_demo demo --size small --dir data >/dev/null
#   aivalue_demo --db demo.db demo --size small --dir demo-data >demo.log 2>&1
#
# aivalue_demo takes what `aivalue` takes for a demo: [--db DB] [--json]
# demo OPTIONS (no --serve).  It leaves what that command leaves: the
# workspace (DB and its -wal, if any), the --dir tree, the same stdout and
# stderr and the same exit status.  The demo is deterministic in (size,
# seed, industry) (src/demo/demo.c), so a copy is the same workspace; only
# the times the load stamped (ledger entries, the exceptions it expires
# "now") are those of the first run, earlier in the same `make test`, as
# if this test had run slowly.  What differs in the output is the path of
# the workspace, which is rewritten.
#
# The cache lives in $AIV_DEMO_CACHE, which `make test` sets to a folder of
# the build dir it empties first, so nothing outlives the run (a binary
# built later, or another day, never meets an old demo).  Without
# AIV_DEMO_CACHE (a file run alone), aivalue_demo runs the demo itself.
# Entries are keyed by the binary's bytes, the AIVALUE_* environment
# (actor, AIVALUE_FAKE_TIME, ...) and the arguments; one is
# written under a temporary name and renamed into place (atomic), so two
# files running at once under prove -j at worst both generate it.

aivalue_demo() {
	if [ -z "${AIV_DEMO_CACHE:-}" ]; then
		aivalue "$@"
		return
	fi
	aivd_db=$AIVALUE_DB
	aivd_json=
	while :; do
		case $1 in
		--db) aivd_db=$2; shift 2 ;;
		--json) aivd_json=--json; shift ;;
		*) break ;;
		esac
	done
	aivd_dir=
	aivd_prev=
	for aivd_a in "$@"; do
		if [ "$aivd_prev" = --dir ]; then aivd_dir=$aivd_a; fi
		aivd_prev=$aivd_a
	done
	case $aivd_dir in
	"" | /* | *..*) aivalue --db "$aivd_db" $aivd_json "$@"; return ;;
	esac
	# the cache holds SQLite files; a database is not copied by cp
	case $aivd_db in
	postgres://* | postgresql://*) aivalue --db "$aivd_db" $aivd_json "$@"; return ;;
	esac
	# an absolute DB path is this test's own: the key says only "absolute"
	case $aivd_db in /*) aivd_kdb=/ ;; *) aivd_kdb=$aivd_db ;; esac
	aivd_key=$( { cksum <"$AIVALUE_BIN"; env | grep '^AIVALUE_' | grep -v '^AIVALUE_DB=' | LC_ALL=C sort
		printf '%s\n' "$aivd_kdb" $aivd_json "$@"; } |
		sha256sum | cut -c1-32) || return 1
	aivd_entry=$AIV_DEMO_CACHE/$aivd_key
	if [ ! -d "$aivd_entry" ]; then
		aivd_stage=$(mktemp -d "$AIV_DEMO_CACHE/.stage.XXXXXX") &&
		mkdir "$aivd_stage/w" || return 1
		case $aivd_db in
		/*) aivd_sdb=$aivd_stage/w/aivalue.db ;;
		*) aivd_sdb=$aivd_db ;;
		esac
		(cd "$aivd_stage/w" &&
			AIVALUE_DB=$aivd_sdb "$AIVALUE_BIN" --db "$aivd_sdb" $aivd_json "$@" \
				>../stdout 2>../stderr; echo $? >../status) || return 1
		printf '%s\n' "$aivd_sdb" >"$aivd_stage/db" &&
		{ mv -T "$aivd_stage" "$aivd_entry" 2>/dev/null || rm -rf "$aivd_stage"; } ||
			return 1
	fi
	# the DB goes where the command would have put it, the --dir here
	aivd_sdb=$(cat "$aivd_entry/db") &&
	case $aivd_sdb in
	/*) cp "$aivd_entry/w/aivalue.db" "$aivd_db" &&
	    if [ -e "$aivd_entry/w/aivalue.db-wal" ]; then
		cp "$aivd_entry/w/aivalue.db-wal" "$aivd_db-wal"
	    fi ;;
	*) cp "$aivd_entry/w/$aivd_sdb" "$aivd_db" &&
	   if [ -e "$aivd_entry/w/$aivd_sdb-wal" ]; then
		cp "$aivd_entry/w/$aivd_sdb-wal" "$aivd_db-wal"
	   fi ;;
	esac &&
	if [ -e "$aivd_entry/w/$aivd_dir" ]; then
		cp -R "$aivd_entry/w/$aivd_dir" "$aivd_dir"
	fi &&
	aivd_from=$(printf '%s\n' "$aivd_sdb" | sed 's/[][\\.*^$|]/\\&/g') &&
	aivd_to=$(printf '%s\n' "$aivd_db" | sed 's/[\\&|]/\\&/g') &&
	sed "s|$aivd_from|$aivd_to|g" "$aivd_entry/stdout" &&
	sed "s|$aivd_from|$aivd_to|g" "$aivd_entry/stderr" >&2 &&
	return "$(cat "$aivd_entry/status")"
}
