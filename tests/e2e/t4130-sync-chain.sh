#!/bin/sh
# t4130-sync-chain.sh - `aivalue artefacts sync` on a 5,000-deep
# dependency chain (A00001 depends on A00000, A00002 on A00001, ...) runs
# in linear time.  The cycle check of each registration used to walk
# everything upstream of the new edge with a recursive query, so the
# chain cost 5000^2/2 steps: about 19 s of CPU here.  It now searches
# from both ends and stops after one lookup when nothing depends on the
# new artefact yet: about 1 s.  The bound below is in CPU seconds, so a
# busy machine does not fail it: 3 s, which the quadratic version misses
# six times over.  Under AddressSanitizer (build-asan) it is 10 s.
#
# The walk must still find every cycle: a file that makes the chain's
# root depend on its tip is refused, naming the edge, and nothing is
# registered.
. "$(dirname "$0")/lib.sh"

# chain DIR N PREFIX: N artefact files PREFIX00000.., each depending on
# the one before
chain() {
	python3 -S - "$1" "$2" "$3" <<-'EOF'
	import os, sys
	d, n, p = sys.argv[1], int(sys.argv[2]), sys.argv[3]
	os.makedirs(d, exist_ok=True)
	for i in range(n):
	    dep = "depends_on: [%s%05d]\n" % (p, i - 1) if i else ""
	    with open("%s/%s%05d.md" % (d, p.lower(), i), "w") as f:
	        f.write("---\nid: %s%05d\nkind: sop\ntitle: Step %d\nowner: ana.ops\n%s---\n# Step %d\n"
	                % (p, i, i, dep, i))
	EOF
}

# cpu CMD...: run CMD (output to out.txt), print "EXIT CPU-SECONDS"
cpu() {
	python3 -S -c 'import resource, subprocess, sys
r = subprocess.run(sys.argv[1:], stdout=open("out.txt", "w"))
u = resource.getrusage(resource.RUSAGE_CHILDREN)
print(r.returncode, "%.2f" % (u.ru_utime + u.ru_stime))' "$@"
}

case "$AIVALUE_BIN" in *asan*) BOUND=10 ;; *) BOUND=3 ;; esac

test_expect_success 'set up one team and one person to own the chain' '
	aivalue init >/dev/null &&
	printf "kind: Team\nname: ops\ntitle: Ops\nfunction: operations\n---\nkind: Person\nname: ana.ops\ndisplay_name: Ana\nemail: ana@ops.example\nrole: Clerk\nteam: ops\n" >org.yaml &&
	aivalue apply -f org.yaml >/dev/null
'

test_expect_success 'a 5,000-deep chain syncs: 5,000 artefacts, 4,999 edges' '
	chain deep 5000 A &&
	cpu "$AIVALUE_BIN" artefacts sync deep >cpu.txt &&
	set -- $(cat cpu.txt) &&
	say "5,000-deep chain: $2 s of CPU" &&
	test "$1" = 0 &&
	test_grep "5000 registered, 0 updated, 0 unchanged, 0 proposed" out.txt &&
	test "$(test_sql "SELECT count(*) FROM artefact_edges")" = 4999
'

# On PostgreSQL the cycle check's queries run in the server, whose CPU
# time the bound cannot see, and the client's own time is mostly libpq's
# round trips: the bound is about the SQLite build.
test_expect_success SQLITE "the 5,000-deep sync took under $BOUND s of CPU" '
	set -- $(cat cpu.txt) &&
	python3 -S -c "import sys; sys.exit(0 if float(sys.argv[1]) < float(sys.argv[2]) else 1)" "$2" "$BOUND"
'

test_expect_success 'the whole chain is linked: the path from the tip to the root has 5,000 steps' '
	aivalue --json graph path A04999 A00000 >path.json &&
	test "$(json_get path.json "len(d[\"path\"])")" = 5000 &&
	test "$(json_get path.json "d[\"path\"][1][\"id\"]")" = A04998
'

test_expect_success 'a root that depends on the tip closes a cycle: refused, nothing registered' '
	chain ring 300 B &&
	sed -i "s/^owner: ana.ops$/owner: ana.ops\ndepends_on: [B00299]/" ring/b00000.md &&
	before=$(aivalue audit checkpoint) &&
	test_must_fail aivalue artefacts sync ring 2>err &&
	test_grep "closes a cycle" err &&
	test "$(aivalue audit checkpoint)" = "$before" &&
	test "$(test_sql "SELECT count(*) FROM artefacts")" = 5000
'

test_done
