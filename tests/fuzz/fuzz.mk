# tests/fuzz/fuzz.mk - fuzz targets of libcsm (tests/fuzz/README.md),
# included by the Makefile.
#
#   make fuzz-replays     $(B)/fuzz/replay-<target>: the targets with a
#                         main() that replays files (tests/fuzz/run)
#   make fuzz             build with clang and libFuzzer into build/fuzz,
#                         fuzz each target FUZZ_SECONDS (60) in turn
#   make fuzz FUZZ_MERGE=1   then merge new coverage into the corpus
#   make fuzz-ci          the same, 20 seconds a target
#
# FUZZ_TARGETS picks targets (make fuzz FUZZ_TARGETS="expr time"),
# FUZZ_FLAGS adds libFuzzer options (FUZZ_FLAGS=-jobs=2).

FUZZ_TARGETS ?= jsonl csv csv_gbk config expr time text ingest rules \
	calendar report
FUZZ_ALL = jsonl csv csv_gbk config expr time text ingest rules calendar \
	report
FUZZ_REPLAYS = $(FUZZ_ALL:%=$(B)/fuzz/replay-%)
FUZZ_BINS = $(FUZZ_ALL:%=$(B)/fuzz/fuzz-%)
FUZZ_B = build/fuzz
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_MERGE ?=
FUZZ_FLAGS ?=

$(B)/fuzz/%.o: tests/fuzz/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/fuzz/replay-%: $(B)/fuzz/fuzz_%.o $(B)/fuzz/replay.o \
    $(B)/fuzz/util.o $(B)/libcsm.a
	$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o,$^) $(B)/libcsm.a $(LIBS)

# Only in a build made with -fsanitize=fuzzer-no-link (make fuzz).
$(B)/fuzz/fuzz-%: $(B)/fuzz/fuzz_%.o $(B)/fuzz/util.o $(B)/libcsm.a
	$(CC) $(ALL_LDFLAGS) -fsanitize=fuzzer -o $@ $(filter %.o,$^) \
		$(B)/libcsm.a $(LIBS)

fuzz-replays: $(FUZZ_REPLAYS)

fuzz-bins: $(FUZZ_BINS)

# clang 14 takes the warning flags of gcc 12 as they are.
fuzz:
	@command -v $(FUZZ_CC) >/dev/null 2>&1 || { echo "make fuzz needs" \
		"clang and libFuzzer (Debian: apt-get install clang" \
		"libclang-rt-14-dev)" >&2; exit 1; }
	$(MAKE) B=$(FUZZ_B) CC=$(FUZZ_CC) SANITIZE=address,undefined \
		CFLAGS="-O1 -g -fsanitize=fuzzer-no-link" fuzz-bins
	FUZZ_MERGE="$(FUZZ_MERGE)" FUZZ_FLAGS="$(FUZZ_FLAGS)" \
		tests/fuzz/libfuzzer $(FUZZ_B) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-ci:
	$(MAKE) FUZZ_SECONDS=20 fuzz

.PHONY: fuzz-replays fuzz-bins
