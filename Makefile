# oomsim: `make run` and `make check` do all the set-up on a fresh Debian 12 machine (see README.md).
#
# Objects go to $(BUILD) (build/ by default); the sanitizer and coverage builds use their own trees
# (build/sanitize, build/coverage) through a recursive make with other flags.

CC ?= gcc
BUILD ?= build
PKGS := glib-2.0 gio-2.0 libxml-2.0 json-glib-1.0
# Debian packages the build and the test suite need (make deps installs the missing ones when run as root)
DEB_PKGS := gcc make pkg-config libglib2.0-dev libglib2.0-dev-bin libxml2-dev libjson-glib-dev
# ... and those only the test suite needs (xmllint for JUnit.xsd, TAP::Parser, man --warnings, the zsh completion)
DEB_PKGS_TEST := libxml2-utils perl man-db zsh python3-jsonschema
DEB_PKGS_COVERAGE := lcov $(DEB_PKGS_TEST)
OOMSIM_VERSION := 0.1.0

WARNINGS := -Wall -Wextra -Wshadow -Wconversion -Wmissing-prototypes
ifneq ($(CI),)
WARNINGS += -Werror
endif
OPT ?= -O2
# Link-time optimisation of build/oomsim only (docs/performance.md, "Issue 10's sweep, fifth pass": a sweep variant
# costs 11% fewer instructions when the engine's calls into kernel-model/ can be inlined across files). The objects
# carry GCC's intermediate code beside their machine code (fat), so the tests, tools and fuzz replays link them as
# usual, without an LTO link each. The sanitizer, coverage and libFuzzer builds set LTO= (none).
LTO ?= -flto=auto -ffat-lto-objects
EXTRA_CFLAGS ?=
EXTRA_LDFLAGS ?=
CFLAGS := -std=gnu11 $(OPT) -g $(WARNINGS) -I. -DOOMSIM_VERSION='"$(OOMSIM_VERSION)"' \
          $(shell pkg-config --cflags $(PKGS) 2>/dev/null) $(EXTRA_CFLAGS)
LDLIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm
LDFLAGS := $(EXTRA_LDFLAGS)

# harness/harness.mk defines HARNESS_SRCS (host side, linked into oomsim) and the static agent's rules
.DEFAULT_GOAL := all
include harness/harness.mk

MODEL_SRCS := $(sort $(wildcard kernel-model/*.c))
SCENARIO_SRCS := $(sort $(wildcard scenarios/*.c))
K8S_SRCS := $(sort $(wildcard k8s/*.c))
USERSPACE_SRCS := $(sort $(wildcard userspace/*.c))
REPORT_SRCS := $(sort $(wildcard reports/*.c))
SIM_SRCS := $(filter-out sim/main.c,$(sort $(wildcard sim/*.c)))
WHATIF_SRCS := $(sort $(wildcard whatif/*.c))
EXPLAIN_SRCS := $(sort $(wildcard explain/*.c))
RESOURCE_C := $(BUILD)/gen/oomsim-resources.c
LIB_SRCS := $(MODEL_SRCS) $(SCENARIO_SRCS) $(K8S_SRCS) $(USERSPACE_SRCS) $(SIM_SRCS) $(REPORT_SRCS) $(WHATIF_SRCS) $(HARNESS_SRCS) $(EXPLAIN_SRCS)
LIB_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(LIB_SRCS)) $(BUILD)/obj/gen/oomsim-resources.o
TEST_SRCS := $(sort $(wildcard tests/test-*.c))
TEST_BINS := $(patsubst tests/%.c,$(BUILD)/tests/%,$(TEST_SRCS))
BENCH_BIN := $(BUILD)/bench/gen-bench
# fuzz/fuzz.mk: the libFuzzer targets, fuzz-smoke, fuzz, fuzz-mutate and the replay binaries make check runs
include fuzz/fuzz.mk
CPUTIME_BIN := $(BUILD)/bench/cputime
INGEST_BIN := $(BUILD)/bench/ingest-bench

.PHONY: all deps deps-test deps-browser deps-coverage run check gallery test-binaries sanitize coverage bench fuzz validate validate-ci validate-open differential \
        clean install uninstall
all: $(BUILD)/oomsim

deps:
	@missing=""; for p in $(DEB_PKGS) $(EXTRA_DEB_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "oomsim: installing$$missing"; \
	    (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing) >/dev/null || exit 1; \
	  else \
	    echo "oomsim: missing build dependencies:$$missing"; \
	    echo "run: sudo apt-get install -y --no-install-recommends$$missing"; exit 1; \
	  fi; \
	fi

deps-test:
	@$(MAKE) --no-print-directory deps EXTRA_DEB_PKGS="$(DEB_PKGS_TEST)"
# chromium for the HTML report's browser test (tests/html-tests.sh): installed like the others when it can be;
# when it cannot (not root, no network), the browser checks are skipped with a line saying so
deps-browser:
	@dpkg -s chromium >/dev/null 2>&1 || $(MAKE) --no-print-directory deps EXTRA_DEB_PKGS=chromium || \
	  echo "oomsim: chromium could not be installed: the HTML report's browser checks will be skipped"

deps-coverage:
	@$(MAKE) --no-print-directory deps EXTRA_DEB_PKGS="$(DEB_PKGS_COVERAGE)"

$(BUILD)/gen/oomsim-resources.c: scenarios/oomsim.gresource.xml scenarios/oomsim.rng
	@mkdir -p $(dir $@)
	glib-compile-resources --sourcedir=scenarios --generate-source --c-name oomsim_scenarios --target=$@ $<

$(BUILD)/obj/gen/oomsim-resources.o: $(RESOURCE_C)
	@mkdir -p $(dir $@)
	$(CC) $(filter-out -Wmissing-prototypes -Wconversion,$(CFLAGS)) -w -c $< -o $@

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LTO) -MMD -MP -c $< -o $@

$(BUILD)/oomsim: $(LIB_OBJS) $(BUILD)/obj/sim/main.o
	$(CC) $(OPT) $(LTO) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: tests/%.c $(LIB_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -o $@ $< $(LIB_OBJS) $(LDFLAGS) $(LDLIBS)

$(BENCH_BIN): bench/gen-bench.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(LDFLAGS) $(LDLIBS)

$(INGEST_BIN): bench/ingest-bench.c $(LIB_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(LIB_OBJS) $(LDFLAGS) $(LDLIBS)

$(CPUTIME_BIN): bench/cputime.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(LDFLAGS) $(LDLIBS)

test-binaries: $(TEST_BINS) $(FUZZ_REPLAY_BINS)

# The default scenario: the 50 MiB Kubernetes pod whose container ends OOMKilled with 137.
run: deps
	@$(MAKE) --no-print-directory all >/dev/null
	@$(BUILD)/oomsim run scenarios/library/k8s-pod-50mi-oomkilled.xml

check: deps-test deps-browser
	@$(MAKE) --no-print-directory all test-binaries fuzz-seeds
	@OOMSIM=$(BUILD)/oomsim TEST_DIR=$(BUILD)/tests bash tests/run-tests.sh

# every scenario of scenarios/library and scenarios/versions as an HTML report, each checked in headless chromium
# and screenshotted, with an index: build/gallery/index.html (gallery/gallery.sh, docs/education.md)
gallery: deps-test deps-browser
	@$(MAKE) --no-print-directory all
	@OOMSIM=$(BUILD)/oomsim bash gallery/gallery.sh -o $(BUILD)/gallery

sanitize: deps-test
	@$(MAKE) --no-print-directory BUILD=build/sanitize OPT=-O1 LTO= \
	  EXTRA_CFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	  EXTRA_LDFLAGS="-fsanitize=address,undefined" all test-binaries fuzz-seeds
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  OOMSIM=build/sanitize/oomsim TEST_DIR=build/sanitize/tests bash tests/run-tests.sh

coverage: deps-coverage
	@rm -rf build/coverage/obj/*/*.gcda build/coverage/obj/*/*/*.gcda
	@$(MAKE) --no-print-directory BUILD=build/coverage OPT=-O0 LTO= EXTRA_CFLAGS="--coverage" EXTRA_LDFLAGS="--coverage" \
	  all test-binaries fuzz-seeds
	@OOMSIM=build/coverage/oomsim TEST_DIR=build/coverage/tests bash tests/run-tests.sh
	@bash tests/coverage-report.sh build/coverage

bench:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory all $(BENCH_BIN) $(CPUTIME_BIN) $(INGEST_BIN)
	@INGEST_BENCH=$(INGEST_BIN) bash bench/run-bench.sh $(BUILD)/oomsim $(BENCH_BIN) $(CPUTIME_BIN)

validate: deps
	@$(MAKE) --no-print-directory all build/harness/agent
	@bash harness/setup.sh
	@bash harness/validate-all.sh $(BUILD)/oomsim

# .ci/run: as validate, but only decisions and harness errors fail; a figure outside the jitter is reported
# (harness/validate-all.sh, docs/validation.md "Verdicts")
validate-ci: deps
	@$(MAKE) --no-print-directory all build/harness/agent
	@bash harness/setup.sh
	@bash harness/validate-all.sh $(BUILD)/oomsim --ci

# scenarios/validation-open/: the open decision disagreements, on both kernels, each in 5 runs (the unperturbed
# one and 4 perturbed ones; a strict majority must decide as the model), not in CI (harness/validate-open.sh,
# docs/validation.md)
validate-open: deps
	@$(MAKE) --no-print-directory all build/harness/agent
	@bash harness/setup.sh
	@bash harness/validate-open.sh $(BUILD)/oomsim

# Differential testing (docs/validation.md): N generated scenarios from SEED on KERNEL (6.1, 6.12 or all), in the VM
# and the simulator; decision disagreements are shrunk into build/differential/shrunk/. VM_CACHE=DIR: another
# kernel cache (read only). Exit status 1 when anything disagrees.
N ?= 300
SEED ?= 1
KERNEL ?= 6.1
differential: deps
	@$(MAKE) --no-print-directory all build/harness/agent
	@$(if $(VM_CACHE),true,bash harness/setup.sh)
	@python3 harness/differential/run.py --oomsim $(BUILD)/oomsim --kernel $(KERNEL) --seed $(SEED) --count $(N) \
	  $(if $(VM_CACHE),--vm-cache $(VM_CACHE))

# GNU-style installation (docs/install.md): PREFIX (default /usr/local) and DESTDIR (a staging root, for packages).
# The binary, the man page, the schema and scenarios, and the bash and zsh completions.
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share
MANDIR ?= $(DATADIR)/man
SCENARIO_DIRS := library versions validation
INSTALLED_DATA := $(DESTDIR)$(DATADIR)/oomsim
INSTALLED_BASH := $(DESTDIR)$(DATADIR)/bash-completion/completions/oomsim
INSTALLED_ZSH := $(DESTDIR)$(DATADIR)/zsh/site-functions/_oomsim
INSTALLED_MAN := $(DESTDIR)$(MANDIR)/man1/oomsim.1
install: deps
	@$(MAKE) --no-print-directory all
	install -d "$(DESTDIR)$(BINDIR)" "$(dir $(INSTALLED_MAN))" "$(dir $(INSTALLED_BASH))" "$(dir $(INSTALLED_ZSH))"
	install -m 755 $(BUILD)/oomsim "$(DESTDIR)$(BINDIR)/oomsim"
	install -m 644 docs/oomsim.1 "$(INSTALLED_MAN)"
	install -m 644 completions/oomsim.bash "$(INSTALLED_BASH)"
	install -m 644 completions/_oomsim "$(INSTALLED_ZSH)"
	install -d "$(INSTALLED_DATA)"
	install -m 644 scenarios/oomsim.rng "$(INSTALLED_DATA)/oomsim.rng"
	for d in $(SCENARIO_DIRS); do \
	  install -d "$(INSTALLED_DATA)/scenarios/$$d" && install -m 644 scenarios/$$d/*.xml "$(INSTALLED_DATA)/scenarios/$$d/" || exit 1; \
	done

# Removes what install put there (and the directories it made that are left empty), nothing else.
uninstall:
	rm -f "$(DESTDIR)$(BINDIR)/oomsim" "$(INSTALLED_MAN)" "$(INSTALLED_BASH)" "$(INSTALLED_ZSH)" \
	  "$(INSTALLED_DATA)/oomsim.rng"
	for d in $(SCENARIO_DIRS); do \
	  for f in scenarios/$$d/*.xml; do rm -f "$(INSTALLED_DATA)/scenarios/$$d/$${f##*/}"; done; \
	  rmdir "$(INSTALLED_DATA)/scenarios/$$d" 2>/dev/null || true; \
	done
	rmdir "$(INSTALLED_DATA)/scenarios" "$(INSTALLED_DATA)" 2>/dev/null || true

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj $(BUILD)/tests -name '*.d' 2>/dev/null)
