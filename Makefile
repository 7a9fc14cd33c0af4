# aivalue - the front door.  Everything is built by CMake into build/;
# this file only names the jobs.  See README.md.
#
#   make            build build/aivalue (installs missing Debian packages first)
#   make test       build and run every test (unit + end-to-end), prove summary last
#   make check-layers  fail if a layer calls a layer above it (docs/architecture.md)
#   make test-pg    the end-to-end tests again, on a PostgreSQL 15 server of their own
#   make test-pg-faults  3 servers on one PostgreSQL, 60 s of decisions, 20 kills -9 (docs/deploy.md)
#   make asan       the whole test suite under AddressSanitizer + UBSan (build-asan/)
#   make demo       generate a fictional organisation (aivalue demo --size medium) and serve it on 127.0.0.1:8080
#   make bench      run the benchmarks under bench/, write bench/results.md (docs/performance.md)
#   make bench-check  rerun the fast benchmarks, fail if a ratio moved > 20 % from bench/results.md
#   make fuzz       build the libFuzzer targets with clang and run each briefly
#   make fuzz-cedar the differential campaign against Cedar 4.13 (cedar-wasm): 100,000 requests
#   make campaign   rerun the hostile-client checks on loopback (a few minutes), print a table
#   make conformance  the MCP conformance suite, every server scenario, against the gateway (docs/gateway.md)
#   make bench-gateway  the MCP gateway's overhead per call and calls per second (docs/gateway.md)
#   make bench-pg   PostgreSQL against SQLite: decide, usage import, pages (docs/deploy.md)
#   make install    install to $(PREFIX) (default /usr/local): bin/aivalue, share/man/man1/aivalue.1

PREFIX ?= /usr/local
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
FUZZ_SECONDS ?= 60
CMAKE_FLAGS ?=
PROVE ?= prove
TESTS ?= $(sort $(wildcard tests/e2e/t*.sh))
# make test starts the longest files first (measured: docs/testing.md,
# "Timing"; CPU first, then the files whose wall time is deadlines and
# sleeps), so that prove -j does not end with one long file running alone
SLOW_TESTS ?= $(addprefix tests/e2e/,t8000-browser.sh t6310-browser-layout.sh t0140-fault-injection.sh \
	t3100-cedar-diff.sh t2170-sso.sh t4110-change-http-register.sh t3200-control-http.sh \
	t2000-process.sh t4100-change-http.sh t1020-http-slowloris.sh t0013-banned.sh t4000-change.sh \
	t1000-http-api.sh t6000-playbook.sh t2050-ocel-forms.sh t3000-control.sh t0910-demo-story.sh \
	t2013-reference-logs.sh t1024-http-drain.sh t2060-ocel-bad-input.sh t1602-cli-read-only.sh \
	t0120-ledger-state.sh t1010-http-roles.sh t5100-adoption-http.sh t2190-audit-stream.sh \
	t0116-decide-depth.sh t0100-ledger-tamper.sh t1022-http-sessions.sh)
ORDERED_TESTS = $(foreach t,$(SLOW_TESTS),$(filter $(t),$(TESTS))) $(filter-out $(SLOW_TESTS),$(TESTS))
# the unit tests exist only after the build: named in the recipe, these
# first (they go after the slow e2e files), the rest last
SLOW_UNIT_TESTS ?= test_ledger
# prove runs one file more than there are cores: many files spend part of
# their time waiting (servers, deadlines, sleeps), and a third file uses
# the core they leave idle (docs/testing.md, "Timing")
TEST_JOBS ?= $(shell expr $(JOBS) + 1 2>/dev/null || echo 3)

.PHONY: all deps test-deps build test unit e2e asan demo bench fuzz fuzz-cedar install clean campaign test-ciso check-layers fault screenshots
.PHONY: bench-check test-pg test-pg-faults
.PHONY: conformance bench-gateway
.PHONY: bench-pg

all: build

deps:
	@./scripts/install-deps

# What the tests need beyond the build: chromium, node/npm packages, wrk, jq.
test-deps:
	@./scripts/install-test-deps

# CMake's generator for a build folder not yet configured: Ninja when it is
# installed (scripts/install-deps installs ninja-build).  A build with
# nothing to do, which make test runs every time, costs 0.1 s of CPU with
# Ninja against 10.7 s with Unix Makefiles, whose recursive makes walk the
# 69 targets (docs/testing.md, "Timing").  A folder already configured
# keeps its generator (CMake refuses to switch one); `make clean` then
# `make` moves it to Ninja.  CMAKE_GENERATOR in the environment wins.
CMAKE_GEN = $(if $(wildcard $(1)/CMakeCache.txt)$(CMAKE_GENERATOR),,$(if $(shell command -v ninja 2>/dev/null),-G Ninja))

build: deps
	@cmake -S . -B build $(call CMAKE_GEN,build) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS) >/dev/null
	@cmake --build build -j $(JOBS)

# Unit tests print TAP (cmocka) and e2e tests are TAP shell scripts; prove
# runs both and prints one summary line at the end.  python3 is resolved
# once, past any pyenv shim, and a link to it goes first on PATH for the
# unit tests too (test_ledger runs tools/verify-ledger.py); the e2e files
# do the same in tests/e2e/lib.sh.  docs/testing.md, "Timing".
# Then tools/check-clean-tree fails the run if a test left files in the checkout.
# build/demo-cache: the small demo, generated once per run for the files
# that load it (tests/e2e/lib-demo.sh), emptied at the start of each run.
# AIV_PG_TEMPLATE: a folder for the run where tests/pg/pg-start keeps its
# first initdb, which the next PostgreSQL clusters of the run copy.
test: build test-deps
	@tools/check-clean-tree snapshot build/clean-tree.before
	@py="$$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null)"; \
	if [ -x "$$py" ]; then \
		d="$${TMPDIR:-/tmp}/aiv-test-cache-$$(id -u)/bin-$$(printf '%s' "$$py" | cksum | cut -d' ' -f1)"; \
		mkdir -p "$$d" && ln -sfn "$$py" "$$d/python3" && PATH="$$d:$$PATH"; \
	fi; \
	slow=""; rest=""; for t in $$(ls build/tests/test_* 2>/dev/null); do \
		case " $(SLOW_UNIT_TESTS) " in *" $${t##*/} "*) slow="$$slow $$t" ;; *) rest="$$rest $$t" ;; esac; \
	done; \
	rm -rf build/demo-cache && mkdir build/demo-cache && \
	pgt=$$(mktemp -d "$${TMPDIR:-/tmp}/aiv-pg-template.XXXXXX") && chmod 755 "$$pgt" && \
	CMOCKA_MESSAGE_OUTPUT=TAP AIVALUE_BIN=build/aivalue AIV_PYTHON="$$py" PATH="$$PATH" \
		AIV_DEMO_CACHE="$(CURDIR)/build/demo-cache" AIV_PG_TEMPLATE="$$pgt" \
		$(PROVE) --exec '' -j $(TEST_JOBS) $(filter $(SLOW_TESTS),$(ORDERED_TESTS)) $$slow \
			$(filter-out $(SLOW_TESTS),$(ORDERED_TESTS)) $$rest; \
		st=$$?; rm -rf "$$pgt"; tools/check-clean-tree compare build/clean-tree.before || st=1; exit $$st

# Fails when a layer calls one listed after it (tools/check-layers); also
# run inside make test by tests/e2e/t0011-layers.sh.
check-layers: build
	@tools/check-layers build/layers.txt

asan: deps test-deps
	@cmake -S . -B build-asan $(call CMAKE_GEN,build-asan) -DCMAKE_BUILD_TYPE=Debug -DAIV_SANITIZE=ON $(CMAKE_FLAGS) >/dev/null
	@cmake --build build-asan -j $(JOBS)
	@tools/check-clean-tree snapshot build-asan/clean-tree.before
	@rm -rf build-asan/demo-cache && mkdir build-asan/demo-cache && \
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		CMOCKA_MESSAGE_OUTPUT=TAP AIVALUE_BIN=build-asan/aivalue \
		AIV_DEMO_CACHE="$(CURDIR)/build-asan/demo-cache" \
		$(PROVE) --exec '' -j $(JOBS) $$(ls build-asan/tests/test_* 2>/dev/null) $(TESTS); \
		st=$$?; tools/check-clean-tree compare build-asan/clean-tree.before || st=1; exit $$st

# The end-to-end files once more, on PostgreSQL: one server for the run
# (tests/pg/pg-start, in a temporary folder, stopped at the end), a fresh
# database per file (tests/e2e/lib.sh, AIVALUE_TEST_BACKEND=pg).  Files
# that read the SQLite file itself skip those tests (prerequisite SQLITE).
# A subset: make test-pg TESTS="tests/e2e/t0010-apply.sh ...".
# docs/testing.md, "PostgreSQL".
# Without PostgreSQL 15 (initdb, pg_ctl; psql and pg_dump on PATH) it says
# so and fails: a run that tested nothing must not pass.
PGBIN ?= /usr/lib/postgresql/15/bin
export PGBIN
test-pg: build test-deps
	@for p in "$(PGBIN)/initdb" "$(PGBIN)/pg_ctl"; do \
		[ -x "$$p" ] || { echo "make test-pg: FAILED, PostgreSQL 15 is not installed: no $$p (scripts/install-test-deps installs postgresql-15; PGBIN= names another folder)" >&2; exit 1; }; \
	done; \
	for p in psql pg_dump; do \
		command -v $$p >/dev/null || { echo "make test-pg: FAILED, no $$p on PATH (postgresql-client-15)" >&2; exit 1; }; \
	done
	@tools/check-clean-tree snapshot build/clean-tree-pg.before
	@d=$$(mktemp -d "$${TMPDIR:-/tmp}/aiv-test-pg.XXXXXX") || exit 1; \
	trap 'tests/pg/pg-stop "$$d" >/dev/null 2>&1; rm -rf "$$d"' EXIT INT TERM; \
	uri=$$(tests/pg/pg-start "$$d") || { echo "make test-pg: FAILED, the PostgreSQL server did not start (above)" >&2; exit 1; }; \
	echo "make test-pg: PostgreSQL 15 at $$uri, one database per file"; \
	AIVALUE_TEST_BACKEND=pg AIVALUE_TEST_PG="$$uri" AIVALUE_BIN=build/aivalue \
		$(PROVE) -j $(JOBS) $(ORDERED_TESTS); \
	st=$$?; tools/check-clean-tree compare build/clean-tree-pg.before || st=1; exit $$st

# Issue 18's fault campaign: three servers on one PostgreSQL of its own,
# 60 s of decisions, one server killed with kill -9 and restarted 20 times;
# prints the figures and fails if a decision answered 200 is not logged or
# the ledger does not verify (tests/pg/fault-campaign; t9080 is its short
# version under make test-pg).  docs/deploy.md, "Faults".
test-pg-faults: build
	@d=$$(mktemp -d "$${TMPDIR:-/tmp}/aiv-pg-faults.XXXXXX") || exit 1; \
	trap 'rm -rf "$$d"' EXIT INT TERM; \
	AIVALUE_TEST_PG= AIVALUE_BIN=build/aivalue tests/pg/fault-campaign "$$d/run" 3 60 20 6

demo: build
	@./scripts/demo

# Every benchmark, its output kept in build/bench-out, then bench/results.md
# (date, commit, machine, load before and after, CPU and wall time, every
# RESULT line); tools/bench-readme copies its table into README.md and
# docs/performance.md.  Run it with nice on a shared machine.
bench: build
	@tools/bench-run all build/bench-out && \
		tools/bench-results build/bench-out > build/bench-out/results.md && \
		cp build/bench-out/results.md bench/results.md && echo "wrote bench/results.md"

# The fast benchmarks again (about a minute), each ratio against bench/results.md.
bench-check: build
	@tools/bench-run fast build/bench-check && \
		tools/bench-results --check bench/results.md build/bench-check

fuzz: deps
	@CC=clang cmake -S . -B build-fuzz $(call CMAKE_GEN,build-fuzz) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAIV_FUZZ=ON $(CMAKE_FLAGS) >/dev/null
	@cmake --build build-fuzz -j $(JOBS)
	@for f in build-fuzz/fuzz/fuzz_*; do \
		n=$$(basename $$f); mkdir -p build-fuzz/corpus/$$n; \
		seeds=tests/fuzz/corpus/$${n#fuzz_}; \
		echo "== $$n for $(FUZZ_SECONDS)s"; \
		$$f -max_total_time=$(FUZZ_SECONDS) -timeout=10 -print_final_stats=1 build-fuzz/corpus/$$n \
			$$( [ -d $$seeds ] && echo $$seeds ) 2>&1 | tail -3 || exit 1; \
	done

# 200 generated policy sets x 500 requests, 20,000 parse mutants, 400
# mutated entity stores; disagreements other than the designed ones fail it
# and are shrunk into tests/cedar/ (docs/control.md, "Differential test").
CEDAR_SEED ?= 20261206
fuzz-cedar: build test-deps
	@CEDAR_DIFF_MINIMIZE=$(CURDIR)/tests/cedar nice tests/cedar-diff/run.sh build/aivalue $(CEDAR_SEED) 200 500 20000 400

# Every dashboard page in Chromium with a full-page screenshot of each
# (make test takes a few: build/screenshots/, build/screenshots-layout/).
screenshots: build test-deps
	@BROWSER_SHOTS=all LAYOUT_SHOTS=all AIVALUE_BIN=build/aivalue $(PROVE) -v \
		tests/e2e/t8000-browser.sh tests/e2e/t6310-browser-layout.sh

# Slowloris, role x endpoint matrix, SIGTERM drain, kill -9 under decide
# load; bounded (timeouts on every step), loopback only.  docs/security.md.
campaign: build
	@AIVALUE_BIN=build/aivalue ./tests/campaign/run.sh

# Every fault point of every kind (core/fault.h), not the sample make test
# runs: every SQLite allocation, and every kind for usage and apply.
fault: build
	@AIV_FAULT_ALL=1 AIVALUE_BIN=build/aivalue $(PROVE) -v tests/e2e/t0140-fault-injection.sh

# Every framework library of a CISO Assistant clone (about 205), outside
# make test: CISO_ASSISTANT_REPO defaults to the search tool's mirror.
CISO_ASSISTANT_REPO ?= /work/.mirror/intuitem+ciso-assistant-community/repo
test-ciso: build
	@CISO_ASSISTANT_REPO=$(CISO_ASSISTANT_REPO) AIVALUE_BIN=build/aivalue $(PROVE) -v tests/e2e/t6012-ciso-community-all.sh

# The MCP conformance suite's server scenarios, pending ones too, against
# its test upstream alone (the baseline: all pass) and through `aivalue
# gateway`; make test runs the active ones through the gateway only.
conformance: build test-deps
	@CONFORMANCE_FULL=1 AIVALUE_BIN=build/aivalue $(PROVE) -v tests/e2e/t8140-gateway-conformance.sh

# The gateway's overhead per allowed call (p50, p99) against calling the
# same upstream directly, and allowed calls per second with every call in
# the ledger (make bench runs it too).  docs/gateway.md, "Performance".
bench-gateway: build
	@nice -n 10 build/bench/bench_gateway

install: build
	@cmake --install build --prefix $(PREFIX)

clean:
	rm -rf build build-asan build-fuzz

# PostgreSQL against SQLite (issue 18): decide over HTTP with 1-3 servers on
# one PostgreSQL, a 4.5M-event usage import; BENCH_PG_PAGES adds the large
# demo's pages.  bench/pg/bench-pg; results in bench/results-pg.md and
# docs/deploy.md, "Benchmarks".
bench-pg: build
	@nice -n 10 tools/bench-run pg build/bench-pg && \
		tools/bench-results build/bench-pg > build/bench-pg/results.md && \
		cp build/bench-pg/results.md bench/results-pg.md && echo "wrote bench/results-pg.md"

