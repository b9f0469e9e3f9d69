# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# libFuzzer targets and sanitizer builds (included by the top Makefile).
#   make fuzz          run every target for FUZZ_SECONDS each (corpora in tests/fuzz/corpus)
#   make asan          .output/asan/gotraced-asan: the daemon under ASan + UBSan
#   make test-sanitize ASan and valgrind runs of traced builds
#   make test-asan     the system tests against gotraced-asan

FUZZ_OUT     := $(OUTPUT)/fuzz
FUZZ_SECONDS ?= 20
SAN_FLAGS    := -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
                -fno-sanitize-recover=undefined -std=gnu11 -D_GNU_SOURCE -Wall
FUZZ_TARGETS := argv mountinfo record escape sfilter
FUZZ_BINS    := $(patsubst %,$(FUZZ_OUT)/fuzz_%,$(FUZZ_TARGETS))
FUZZ_LIB     := $(patsubst src/%.c,$(FUZZ_OUT)/lib/%.o,$(LIB_SRCS))
ASAN_OUT     := $(OUTPUT)/asan
ASAN_OBJS    := $(patsubst src/%.c,$(ASAN_OUT)/%.o,$(APP_SRCS))

$(FUZZ_OUT)/lib $(ASAN_OUT):
	$(Q)mkdir -p $@

$(FUZZ_OUT)/lib/%.o: src/%.c | $(FUZZ_OUT)/lib
	$(call msg,CC-FUZZ,$@)
	$(Q)$(CLANG) $(SAN_FLAGS) -fsanitize=fuzzer-no-link $(INCLUDES) -c $< -o $@

$(FUZZ_OUT)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_LIB)
	$(call msg,FUZZER,$@)
	$(Q)$(CLANG) $(SAN_FLAGS) -fsanitize=fuzzer $(INCLUDES) $< $(FUZZ_LIB) $(LDLIBS) -o $@

$(FUZZ_OUT)/seed_records: tests/fuzz/seed_records.c | $(FUZZ_OUT)/lib
	$(Q)$(CC) $(CFLAGS) $(INCLUDES) $< -o $@

# Rewrite the record seeds after an ABI change (events.h).
fuzz-seeds: $(FUZZ_OUT)/seed_records
	$(FUZZ_OUT)/seed_records tests/fuzz/corpus/record

fuzz: $(FUZZ_BINS)
	@FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run.sh $(FUZZ_BINS)

$(ASAN_OUT)/%.o: src/%.c | $(ASAN_OUT)
	$(call msg,CC-ASAN,$@)
	$(Q)$(CLANG) $(SAN_FLAGS) $(INCLUDES) -MMD -MP -c $< -o $@

$(ASAN_OUT)/loader.o: $(SKELS)

$(ASAN_OUT)/gotraced-asan: $(ASAN_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CLANG) $(SAN_FLAGS) $^ $(LDLIBS) -o $@

asan: $(ASAN_OUT)/gotraced-asan

# ASan/UBSan and valgrind each tracing a clean and a failing go build
test-sanitize: gotraced $(ASAN_OUT)/gotraced-asan
	@tests/fuzz/sanitize.sh

# make test runs the fuzzers (briefly) and tests/fuzz/sanitize.sh too
test: $(FUZZ_BINS) $(ASAN_OUT)/gotraced-asan

# the system tests against the sanitizer build
test-asan: $(ASAN_OUT)/gotraced-asan $(HELPERS)
	@GOTRACED=$(abspath $(ASAN_OUT)/gotraced-asan) tests/run-system.sh

# objects made by pattern rules only: keep them between runs
.SECONDARY: $(FUZZ_LIB) $(ASAN_OBJS)

-include $(wildcard $(ASAN_OUT)/*.d)
