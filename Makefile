# aivalue - the front door.  Everything is built by CMake into build/;
# this file only names the jobs.  See README.md.
#
#   make            build build/aivalue (installs missing Debian packages first)
#   make test       build and run every test (unit + end-to-end), prove summary last
#   make asan       the whole test suite under AddressSanitizer + UBSan (build-asan/)
#   make demo       generate a fictional organisation (aivalue demo --size medium) and serve it on 127.0.0.1:8080
#   make bench      run the benchmarks under bench/
#   make fuzz       build the libFuzzer targets with clang and run each briefly
#   make fuzz-cedar the differential campaign against Cedar 4.13 (cedar-wasm): 100,000 requests
#   make campaign   rerun the hostile-client checks on loopback (a few minutes), print a table
#   make install    install to $(PREFIX) (default /usr/local)

PREFIX ?= /usr/local
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
FUZZ_SECONDS ?= 60
CMAKE_FLAGS ?=
PROVE ?= prove
TESTS ?= $(sort $(wildcard tests/e2e/t*.sh))

.PHONY: all deps test-deps build test unit e2e asan demo bench fuzz fuzz-cedar install clean campaign test-ciso

all: build

deps:
	@./scripts/install-deps

# What the tests need beyond the build: chromium, node/npm packages, wrk, jq.
test-deps:
	@./scripts/install-test-deps

build: deps
	@cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS) >/dev/null
	@cmake --build build -j $(JOBS)

# Unit tests print TAP (cmocka) and e2e tests are TAP shell scripts; prove
# runs both and prints one summary line at the end.
# Then tools/check-clean-tree fails the run if a test left files in the checkout.
test: build test-deps
	@tools/check-clean-tree snapshot build/clean-tree.before
	@CMOCKA_MESSAGE_OUTPUT=TAP AIVALUE_BIN=build/aivalue \
		$(PROVE) --exec '' -j $(JOBS) $$(ls build/tests/test_* 2>/dev/null) $(TESTS); \
		st=$$?; tools/check-clean-tree compare build/clean-tree.before || st=1; exit $$st

asan: deps test-deps
	@cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DAIV_SANITIZE=ON $(CMAKE_FLAGS) >/dev/null
	@cmake --build build-asan -j $(JOBS)
	@tools/check-clean-tree snapshot build-asan/clean-tree.before
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		CMOCKA_MESSAGE_OUTPUT=TAP AIVALUE_BIN=build-asan/aivalue \
		$(PROVE) --exec '' -j $(JOBS) $$(ls build-asan/tests/test_* 2>/dev/null) $(TESTS); \
		st=$$?; tools/check-clean-tree compare build-asan/clean-tree.before || st=1; exit $$st

demo: build
	@./scripts/demo

bench: build
	@for b in build/bench/bench_*; do echo "== $$b"; $$b || exit 1; done

fuzz: deps
	@CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAIV_FUZZ=ON $(CMAKE_FLAGS) >/dev/null
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

# Slowloris, role x endpoint matrix, SIGTERM drain, kill -9 under decide
# load; bounded (timeouts on every step), loopback only.  docs/security.md.
campaign: build
	@AIVALUE_BIN=build/aivalue ./tests/campaign/run.sh

# Every framework library of a CISO Assistant clone (about 205), outside
# make test: CISO_ASSISTANT_REPO defaults to the search tool's mirror.
CISO_ASSISTANT_REPO ?= /work/.mirror/intuitem+ciso-assistant-community/repo
test-ciso: build
	@CISO_ASSISTANT_REPO=$(CISO_ASSISTANT_REPO) AIVALUE_BIN=build/aivalue $(PROVE) -v tests/e2e/t6012-ciso-community-all.sh

install: build
	@cmake --install build --prefix $(PREFIX)

clean:
	rm -rf build build-asan build-fuzz
