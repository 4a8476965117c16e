# fuzz/fuzz.mk: coverage-guided fuzzing with libFuzzer (docs/testing.md). Included from the top Makefile.
#
#   make fuzz-smoke                 each target for FUZZ_SMOKE_RUNS inputs from the seeds (fixed seed; .ci/run)
#   make fuzz FUZZ_TIME=SECONDS     each target for SECONDS (default 600), one after the other, corpus kept in
#                                   build/fuzz/corpus/TARGET; FUZZ_TARGETS=scenario to run one
#   make fuzz-mutate                the older mutation fuzzer over the CLI (tests/fuzz-mutate.py)
#
# The targets (fuzz/fuzz-TARGET.c) are built with clang, -fsanitize=fuzzer,address,undefined, into
# build/libfuzzer/. The same sources linked with fuzz/fuzz-replay.c instead of libFuzzer give
# $(BUILD)/tests/fuzz-replay-TARGET, which make check and make sanitize run over fuzz/regress/TARGET/ (the
# findings, kept in the tree) and the seeds. Seeds and dictionaries are generated here from the tree: seeds by
# fuzz/make-seeds.sh, the scenario dictionary from the RelaxNG schema (fuzz/rng-dict.xsl) and the profile names,
# the agent-output and explain dictionaries from the string literals their parsers compare against.

FUZZ_TARGETS ?= scenario agent-output explain
FUZZ_COMMON := fuzz/fuzz-common.c
FUZZ_DEB_PKGS := clang libclang-rt-14-dev xsltproc
FUZZ_WORK := build/fuzz
FUZZ_SANITIZE := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
FUZZ_TIME ?= 600
FUZZ_SMOKE_RUNS ?= 4000
FUZZ_REPLAY_BINS := $(patsubst %,$(BUILD)/tests/fuzz-replay-%,$(FUZZ_TARGETS))

.PHONY: fuzz fuzz-smoke fuzz-build fuzz-seeds fuzz-mutate

# The replay binaries: any compiler, any sanitizer (make check, make sanitize)
$(BUILD)/tests/fuzz-replay-%: fuzz/fuzz-%.c fuzz/fuzz-replay.c $(FUZZ_COMMON) fuzz/fuzz-common.h $(LIB_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -DFUZZ_TARGET_NAME='"$*"' -o $@ $< fuzz/fuzz-replay.c $(FUZZ_COMMON) $(LIB_OBJS) \
	  $(LDFLAGS) $(LDLIBS)

# The libFuzzer binaries (only in the clang tree, BUILD=build/libfuzzer)
$(BUILD)/fuzz-%: fuzz/fuzz-%.c $(FUZZ_COMMON) fuzz/fuzz-common.h $(LIB_OBJS)
	$(CC) $(CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_COMMON) $(LIB_OBJS) $(LDFLAGS) $(LDLIBS)

fuzz-seeds:
	@bash fuzz/make-seeds.sh $(FUZZ_WORK)/seed

$(FUZZ_WORK)/scenario.dict: fuzz/rng-dict.xsl scenarios/oomsim.rng $(BUILD)/oomsim
	@mkdir -p $(dir $@)
	@{ xsltproc fuzz/rng-dict.xsl scenarios/oomsim.rng; \
	   $(BUILD)/oomsim kernels | awk '{ printf "\"\\\"%s\\\"\"\n", $$1 }'; } | LC_ALL=C sort -u >$@.tmp
	@! grep -vE '^"([^"\\]|\\")*"$$' $@.tmp || { echo "fuzz.mk: a dictionary line needs escaping"; exit 1; }
	@mv $@.tmp $@

# the string literals a parser compares its input with
LITERALS_DICT = grep -ohE '"[A-Za-z_][A-Za-z0-9_ :=().-]{1,40}"' $^ | grep -v '\.h"$$' | LC_ALL=C sort -u >$@

$(FUZZ_WORK)/agent-output.dict: harness/harness-result.c
	@mkdir -p $(dir $@)
	@$(LITERALS_DICT)

$(FUZZ_WORK)/explain.dict: explain/explain-parse.c explain/explain-input.c explain/explain-era.c
	@mkdir -p $(dir $@)
	@$(LITERALS_DICT)

fuzz-build:
	@$(MAKE) --no-print-directory deps EXTRA_DEB_PKGS="$(FUZZ_DEB_PKGS)"
	@$(MAKE) --no-print-directory all fuzz-seeds $(patsubst %,$(FUZZ_WORK)/%.dict,$(FUZZ_TARGETS))
	@$(MAKE) --no-print-directory BUILD=build/libfuzzer CC=clang OPT=-O1 LTO= \
	  EXTRA_CFLAGS="-fsanitize=fuzzer-no-link $(FUZZ_SANITIZE)" EXTRA_LDFLAGS="$(FUZZ_SANITIZE)" \
	  $(patsubst %,build/libfuzzer/fuzz-%,$(FUZZ_TARGETS))

fuzz-smoke: fuzz-build
	@bash fuzz/run.sh smoke $(FUZZ_SMOKE_RUNS) $(FUZZ_TARGETS)

fuzz: fuzz-build
	@bash fuzz/run.sh time $(FUZZ_TIME) $(FUZZ_TARGETS)

# Mutation fuzzing of the scenarios' numbers through the CLI, under the sanitizers (needs python3);
# FUZZ_RUNS=N, FUZZ_SEED=S
fuzz-mutate: deps
	@$(MAKE) --no-print-directory BUILD=build/sanitize OPT=-O1 LTO= \
	  EXTRA_CFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	  EXTRA_LDFLAGS="-fsanitize=address,undefined" all
	@python3 tests/fuzz-mutate.py build/sanitize/oomsim $${FUZZ_RUNS:-500} $${FUZZ_SEED:-1}
