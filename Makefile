# arkiv — one non-recursive GNU Makefile.
#
#   make            install what is missing, build  (binaries in build/bin/)
#   make test       the same, then the whole test suite, then `make check`
#   make check      the suite built with AddressSanitizer + UBSan (build/asan/)
#   make run        build, index corpus/ into build/index and serve it with
#                   arkiv-searchd at http://127.0.0.1:8080/ (LISTEN=host:port to change)
#   make fuzz       libFuzzer targets with clang (build/fuzz/), a short run each
#   make bench-quality  conflation on gold lemmas and MRR/nDCG on the relevance
#                   sets of ../shared/eval, arkiv against the plain-Xapian baseline
#   make bench      indexing, query latency, searchd under load and quality, arkiv
#                   against Xapian out of the box (bench/bench.py; bench/README.md),
#                   then bench-hostile: hostile files against prose of the same size
#   make clean      remove build/
#
# V=1 shows full command lines.  The Debian packages arkiv needs are installed
# by the `deps` step with apt-get when they are missing (as root, or via sudo).

SHELL := /bin/bash
BUILD ?= build
LISTEN ?= 127.0.0.1:8080
SAN ?=
# Test programs run two at a time (the machine has 2 cores; each test uses its
# own temporary directory and free ports).
TEST_JOBS ?= 2
# make test's builds (as built for users, under the sanitizers, the fuzzers)
# compile this many files at a time
BUILD_JOBS ?= 2

DEB_PACKAGES := gcc g++ make pkg-config libxapian-dev libutf8proc-dev libjansson-dev \
                libhunspell-dev hunspell-no libxml2-dev libpoppler-glib-dev libcairo2-dev \
                libmicrohttpd-dev liblzma-dev zlib1g-dev xz-utils xapian-tools wrk curl chromium chromium-driver perl python3 clang

CC := gcc
CXX := g++
OPT ?= -O2
WARN := -Wall -Wextra -Werror
# Recursively expanded on purpose: pkg-config runs when a recipe needs the
# flags, which is after `deps` has installed the packages on a fresh machine.
PKG_CFLAGS = $(shell pkg-config --cflags libutf8proc jansson hunspell libxml-2.0 poppler-glib cairo liblzma zlib)
PKG_LIBS = $(shell pkg-config --libs libutf8proc jansson hunspell libxml-2.0 poppler-glib cairo liblzma zlib) $(shell xapian-config --libs)
CFLAGS = -std=c11 -pthread $(WARN) $(OPT) -g $(SAN) -MMD -MP -Ilib $(PKG_CFLAGS)
CXXFLAGS = -std=c++17 $(WARN) $(OPT) -g $(SAN) -MMD -MP -Ilib $(shell xapian-config --cxxflags)
LDFLAGS = -pthread $(SAN)
LDLIBS = $(PKG_LIBS) -lstdc++ -lm

ifeq ($(V),1)
Q :=
else
Q := @
endif

LIB_C := $(wildcard lib/*.c)
LIB_OBJ := $(LIB_C:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/lib/xapian-shim.o
LIBARKIV := $(BUILD)/libarkiv.a
BINS := $(BUILD)/bin/arkiv-index $(BUILD)/bin/arkiv-search $(BUILD)/bin/arkiv-analyze \
        $(BUILD)/bin/arkiv-searchd
SEARCHD_OBJ := $(patsubst searchd/%.c,$(BUILD)/obj/searchd/%.o,$(wildcard searchd/*.c))
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test_*.c))
OTHER_TESTS := $(BUILD)/tests/ranking $(BUILD)/tests/fuzz_smoke
FUZZ_TARGETS := analyzer query text html xml pdf http

.SECONDARY:
.PHONY: all binaries deps test suite check run fuzz clean format shim-check bench bench-quality \
        bench-hostile

all: deps
	$(Q)$(MAKE) --no-print-directory binaries

binaries: $(BINS) $(UNIT_TESTS) $(OTHER_TESTS) $(BUILD)/tests/make_pdf $(BUILD)/tests/faulty_io.so \
          shim-check

deps:
	@missing=""; \
	for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "deps: installing$$missing"; \
	  sudo=""; [ "$$(id -u)" -eq 0 ] || sudo=sudo; \
	  $$sudo apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/obj/%.o: %.cc
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CXX     $<")
	$(Q)$(CXX) $(CXXFLAGS) -c $< -o $@

$(LIBARKIV): $(LIB_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^

# The daemon: libmicrohttpd, and the web page's directory as its default.
$(BUILD)/obj/searchd/%.o: CFLAGS += $(shell pkg-config --cflags libmicrohttpd) \
                                    -D_DEFAULT_SOURCE -DARKIV_WEB_DIR='"$(abspath searchd/web)"'
$(BUILD)/bin/arkiv-searchd: $(SEARCHD_OBJ) $(LIBARKIV)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) $^ -o $@ $(LDLIBS) $(shell pkg-config --libs libmicrohttpd) -lpthread

$(BUILD)/bin/%: $(BUILD)/obj/indexer/%.o $(LIBARKIV)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) $^ -o $@ $(LDLIBS)

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(LIBARKIV)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(LDFLAGS) $^ -o $@ $(LDLIBS)

$(BUILD)/tests/ranking: $(BUILD)/obj/tests/ranking/ranking.o $(LIBARKIV)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(LDFLAGS) $^ -o $@ $(LDLIBS)

# Writes PDFs for the unit and end-to-end tests.
$(BUILD)/tests/make_pdf: $(BUILD)/obj/tests/tools/make_pdf.o $(LIBARKIV)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(LDFLAGS) $^ -o $@ $(LDLIBS)

# Makes writes into a directory fail (LD_PRELOAD), for tests/e2e/faults.t;
# built without the sanitizers, which would have to come first in the preload.
$(BUILD)/tests/faulty_io.so: tests/tools/faulty_io.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) -std=c11 $(WARN) -O2 -fPIC -shared $< -o $@ -ldl

# The fuzz targets, driven by a fixed-seed generator instead of libFuzzer, so
# that they run in every `make test` and `make check`.  The HTTP target runs
# the daemon in-process: searchd's objects but main.o.
FUZZ_SMOKE_OBJ := $(patsubst tests/fuzz/%.c,$(BUILD)/obj/tests/fuzz/%.o,$(wildcard tests/fuzz/*.c))
$(BUILD)/obj/tests/fuzz/%.o: CFLAGS += -Isearchd $(shell pkg-config --cflags libmicrohttpd)
$(BUILD)/tests/fuzz_smoke: $(FUZZ_SMOKE_OBJ) $(filter-out %/main.o,$(SEARCHD_OBJ)) $(LIBARKIV)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(LDFLAGS) $^ -o $@ $(LDLIBS) $(shell pkg-config --libs libmicrohttpd) -lpthread

# Only xapian-shim.o may reference Xapian: C++ stays in one file.
shim-check: $(LIB_OBJ) $(BINS)
	$(Q)for o in $(filter-out %/xapian-shim.o,$(LIB_OBJ)) $(BUILD)/obj/indexer/*.o; do \
	  if nm -C $$o | grep -q 'Xapian::'; then echo "$$o references Xapian directly" >&2; exit 1; fi; \
	done

# The suite runs twice: as built for users, and under the sanitizers.
test: deps
	$(Q)$(MAKE) -j$(BUILD_JOBS) --no-print-directory binaries
	$(Q)$(MAKE) --no-print-directory suite
	$(Q)$(MAKE) --no-print-directory check

suite:
	$(Q)BUILD=$(abspath $(BUILD)) prove -j$(TEST_JOBS) --exec '' --timer $(UNIT_TESTS) $(OTHER_TESTS) tests/e2e/*.t

check: deps
	$(Q)$(MAKE) -j$(BUILD_JOBS) --no-print-directory BUILD=build/asan OPT=-O1 \
	  SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" binaries
	$(Q)ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  LSAN_OPTIONS=suppressions=$(abspath tests/lsan.supp) \
	  $(MAKE) --no-print-directory BUILD=build/asan suite
	$(Q)if command -v clang >/dev/null; then \
	  $(MAKE) -j$(BUILD_JOBS) --no-print-directory $(FUZZ_TARGETS:%=$(FUZZ_DIR)/fuzz_%) && \
	  $(MAKE) --no-print-directory fuzz FUZZ_SECONDS=$(FUZZ_CHECK_SECONDS); \
	else echo "check: no clang, so no libFuzzer runs"; fi

# build/index is made by this target only: an index another arkiv made (another
# format) is rebuilt rather than served as 503.
run: all
	$(Q)$(BUILD)/bin/arkiv-index --db $(BUILD)/index corpus/; rc=$$?; \
	if [ $$rc -ge 2 ]; then echo "run: rebuilding $(BUILD)/index"; rm -rf $(BUILD)/index; \
	  $(BUILD)/bin/arkiv-index --db $(BUILD)/index corpus/; fi; true
	@echo
	@echo "Indexed corpus/ into $(BUILD)/index; serving it at http://$(LISTEN)/ (Ctrl-C stops)."
	@echo "  curl 'http://$(LISTEN)/api/search?q=%C3%A5pne+rusmilj%C3%B8'"
	$(Q)exec $(BUILD)/bin/arkiv-searchd --db $(BUILD)/index --listen $(LISTEN) $(SEARCHD_FLAGS)

# libFuzzer with clang, in build/fuzz/: each target is tests/fuzz/fuzz_NAME.c
# with what the targets share and the library (and, for http, the daemon but
# main.o), instrumented for coverage, ASan and UBSan.  Each runs FUZZ_SECONDS
# on what earlier runs found (build/fuzz/corpus_NAME/) and its seeds, which
# the smoke driver names (`fuzz_smoke --seeds NAME`: tests/fuzz/seeds/NAME/,
# or seeds/ for the analyzer and the query parser, and the tests' sample
# files), with
# tests/fuzz/NAME.dict when there is one; a crash is kept in
# build/fuzz/crashes_NAME/ and stops the run.  `make check` runs each for
# FUZZ_CHECK_SECONDS.  The daemon frees a request's memory on its own
# threads after answering, so for http libFuzzer's leak check after each
# input would run (and find nothing) nearly every time, at 15 times the
# cost: it is off there, and the leak check at exit stays.
FUZZ_SECONDS ?= 60
FUZZ_CHECK_SECONDS ?= 5
FUZZ_DIR := build/fuzz
FUZZ_CFLAGS = -std=c11 $(WARN) -g -O1 -fno-omit-frame-pointer \
              -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all \
              -Ilib -Itests/fuzz -Isearchd -DARKIV_LIBFUZZER $(PKG_CFLAGS) \
              $(shell pkg-config --cflags libmicrohttpd)
FUZZ_LIB_OBJ := $(LIB_C:%.c=$(FUZZ_DIR)/obj/%.o) $(BUILD)/obj/lib/xapian-shim.o
FUZZ_SHARED_OBJ := $(FUZZ_DIR)/obj/tests/fuzz/fuzz_common.o $(FUZZ_DIR)/obj/tests/fuzz/fuzz_extract.o
FUZZ_SEARCHD_OBJ := $(patsubst searchd/%.c,$(FUZZ_DIR)/obj/searchd/%.o,\
                      $(filter-out searchd/main.c,$(wildcard searchd/*.c)))

$(FUZZ_DIR)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CLANG   $<")
	$(Q)clang $(FUZZ_CFLAGS) -MMD -MP -c $< -o $@

$(FUZZ_DIR)/obj/searchd/%.o: FUZZ_CFLAGS += -D_DEFAULT_SOURCE -DARKIV_WEB_DIR='"$(abspath searchd/web)"'
$(FUZZ_DIR)/fuzz_http: $(FUZZ_SEARCHD_OBJ)
$(FUZZ_DIR)/fuzz_http: FUZZ_LDLIBS := $(shell pkg-config --libs libmicrohttpd) -lpthread
$(FUZZ_DIR)/fuzz_%: $(FUZZ_DIR)/obj/tests/fuzz/fuzz_%.o $(FUZZ_SHARED_OBJ) $(FUZZ_LIB_OBJ)
	@$(if $(Q),echo "  LD      $@")
	$(Q)clang -fsanitize=fuzzer,address,undefined $^ -o $@ $(PKG_LIBS) $(FUZZ_LDLIBS) -lstdc++ -lm

fuzz: all $(FUZZ_TARGETS:%=$(FUZZ_DIR)/fuzz_%)
	$(Q)for t in $(FUZZ_TARGETS); do \
	  dict=; [ -f tests/fuzz/$$t.dict ] && dict=-dict=tests/fuzz/$$t.dict; \
	  leaks=; [ $$t = http ] && leaks=-detect_leaks=0; \
	  mkdir -p $(FUZZ_DIR)/corpus_$$t $(FUZZ_DIR)/crashes_$$t; \
	  $(BUILD)/tests/fuzz_smoke --seeds $$t | xargs -r cp -t $(FUZZ_DIR)/corpus_$$t || exit 1; \
	  echo "fuzz: $$t for $(FUZZ_SECONDS) s"; \
	  LSAN_OPTIONS=suppressions=$(abspath tests/lsan.supp) \
	  $(FUZZ_DIR)/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -timeout=60 -print_final_stats=1 $$dict $$leaks \
	    -artifact_prefix=$(FUZZ_DIR)/crashes_$$t/ $(FUZZ_DIR)/corpus_$$t || exit 1; \
	done

-include $(shell find $(FUZZ_DIR)/obj -name '*.d' 2>/dev/null)

bench-quality: all
	@echo "## Conflation of word forms (gold lemmas, ../shared/eval/lemmas)"
	$(Q)python3 bench/conflation.py --bin $(BUILD)/bin
	@echo
	@echo "## Relevance: plain-Xapian baseline (--analysis basic) against arkiv (full)"
	$(Q)python3 bench/eval.py --bin $(BUILD)/bin --work $(BUILD)/eval --analysis basic --analysis full

# Xapian out of the box, the benchmark's baseline (not part of arkiv).
$(BUILD)/bench/baseline: bench/baseline.cc
	@mkdir -p $(dir $@)
	$(Q)$(CXX) -std=c++17 $(WARN) -O2 $(shell xapian-config --cxxflags) $(shell pkg-config --cflags jansson) \
	  $< -o $@ $(shell xapian-config --libs) $(shell pkg-config --libs jansson)

# The whole benchmark: BENCH_FLAGS="--slice 5000 --runs 1 --load-seconds 5" for a quick one.
bench: all $(BUILD)/bench/baseline
	$(Q)python3 bench/bench.py --bin $(BUILD)/bin --baseline $(BUILD)/bench/baseline \
	  --work $(BUILD)/bench $(BENCH_FLAGS)
	$(Q)$(MAKE) --no-print-directory bench-hostile

# Each kind of hostile file against ordinary prose of the same size (issue 7's
# "no worse than 10x"); HOSTILE_FLAGS="--size 4 --runs 3" are the defaults.
bench-hostile: all
	$(Q)python3 bench/hostile.py --bin $(BUILD)/bin --work $(BUILD)/bench/hostile $(HOSTILE_FLAGS)

format:
	clang-format -i lib/*.c lib/*.h lib/*.cc indexer/*.c tests/unit/*.c tests/unit/*.h tests/ranking/*.c tests/fuzz/*.c tests/fuzz/*.h

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
