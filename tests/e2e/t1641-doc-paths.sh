#!/bin/sh
# t1641-doc-paths - no doc refers to a file that is not in the repository:
# README.md and docs/*.md are scanned for relative links ([x](path),
# ![x](path), resolved from the doc's folder) and for words that look like
# repository paths (src/..., tests/..., docs/..., bench/..., scripts/...,
# data/..., tools/..., examples/..., web/..., from the root; a glob must
# match something; a placeholder such as NNNN, <layer>, {id} or ... is not
# a path).  Each missing one is reported as DOC:LINE:PATH.
. "$(dirname "$0")/lib.sh"

cat >checkpaths.py <<'PY'
import glob, os, re, sys
root = sys.argv[1]
docs = ["README.md"] + sorted("docs/" + f for f in os.listdir(os.path.join(root, "docs"))
                              if f.endswith(".md"))
link = re.compile(r"\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
bare = re.compile(r"(?<![\w./$~-])((?:src|tests|docs|bench|scripts|data|tools|examples|web)/[A-Za-z0-9_./*?-]*)")
placeholder = re.compile(r"N{3,}|X{3,}|\.\.\.")
bad = 0
def missing(doc, n, path):
    global bad
    print(f"{doc}:{n}:{path}")
    bad += 1
for d in docs:
    base = os.path.dirname(d)
    for n, line in enumerate(open(os.path.join(root, d), encoding="utf-8"), 1):
        linked = set()
        for m in link.finditer(line):
            t = m.group(1)
            if re.match(r"^[a-z]+:", t) or t.startswith("#"):
                continue
            t = t.split("#")[0].split("?")[0]
            p = os.path.normpath(os.path.join(base, t))
            linked.add(p)
            if not os.path.exists(os.path.join(root, p)):
                missing(d, n, t)
        for m in bare.finditer(line):
            t = m.group(1).rstrip(".")
            if m.end(1) < len(line) and line[m.end(1)] in "<{$":
                continue        # src/<layer>/..., docs/{name}.md, data/$x
            if placeholder.search(t) or t in linked:
                continue
            if t in ("tools/call", "tools/list"):
                continue        # MCP methods (docs/gateway.md), not the tools/ folder
            if any(c in t for c in "*?"):
                if not glob.glob(os.path.join(root, t)):
                    missing(d, n, t)
            elif not os.path.exists(os.path.join(root, t)):
                missing(d, n, t)
sys.exit(1 if bad else 0)
PY

test_expect_success 'the check names DOC:LINE:PATH for each missing file, and only those' '
	mkdir -p fake/docs/img fake/src/core fake/tests/e2e &&
	: >fake/src/core/str.c &&
	: >fake/docs/img/a.png &&
	: >fake/tests/e2e/t0001-basics.sh &&
	printf "%s\n" "# x" "See [a](docs/a.md) and ![shot](docs/img/a.png)." \
		"The code is in src/core/str.c and src/core/gone.c; tests in tests/e2e/t*.sh." \
		"Per layer: src/<layer>/<layer>_schema.c, tests/e2e/tNNNN-name.sh, bench/*/nothing.c" >fake/README.md &&
	printf "%s\n" "# a" "Back to [the README](../README.md), on to [b](b.md#part)." \
		"Run \`tools/nothing.sh\`, read src/core/." "MCP methods: \`tools/call\`, \`tools/list\`." \
		>fake/docs/a.md &&
	test_must_fail python3 checkpaths.py fake >out &&
	printf "%s\n" "README.md:3:src/core/gone.c" "README.md:4:bench/*/nothing.c" \
		"docs/a.md:2:b.md" "docs/a.md:3:tools/nothing.sh" >expect &&
	test_cmp expect out
'

test_expect_success 'README.md and docs/*.md refer only to files in the repository' '
	python3 checkpaths.py "$TEST_ROOT" >missing || { cat missing; false; } &&
	test_cmp /dev/null missing
'

test_done
