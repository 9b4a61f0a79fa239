# mamori build. `make` builds build/mamori; `make check` installs what is missing, builds and runs
# every test; `make run` starts the demo platform. SANITIZE=address,undefined builds into
# build-san/ with the sanitizers on.

CC       ?= cc
SANITIZE ?=
ifeq ($(SANITIZE),)
BUILD    ?= build
SANFLAGS :=
else
BUILD    ?= build-san
SANFLAGS := -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
endif

WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla \
           -Wformat=2 -Wimplicit-fallthrough -Wno-format-nonliteral -Wno-format-truncation -Wpointer-arith \
           -Wcast-qual -Wundef
OPT     ?= -O2 -g
CFLAGS  += -std=c11 $(OPT) $(WARN) $(SANFLAGS) -pthread -Ilib -I$(BUILD)/gen -I/usr/include/postgresql -MMD -MP
LDFLAGS += $(SANFLAGS) -pthread
LDLIBS  := -lssl -lcrypto -lzstd -lyaml -lpcre2-8 -lhs -lmicrohttpd -ljansson -largon2 -lsqlite3 -lpq

LIB_SRC  := $(sort $(wildcard lib/*/*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
MAIN_SRC := $(sort $(wildcard src/mamori/*.c))
MAIN_OBJ := $(MAIN_SRC:%.c=$(BUILD)/%.o)
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TOOL_SRC := $(sort $(wildcard tests/tools/*.c))
TOOL_BIN := $(TOOL_SRC:tests/tools/%.c=$(BUILD)/tools/%)
PARSER_SRC := $(sort $(wildcard lib/parse/*.c))

.PHONY: all check run deps fuzz fuzz-long bench clean format tidy
all: $(BUILD)/mamori $(UNIT_BIN) $(TOOL_BIN)

# The parser registry: every `const struct parser parser_x = {` in lib/parse/ becomes PARSER(parser_x).
$(BUILD)/gen/parsers.inc: $(PARSER_SRC) Makefile
	@mkdir -p $(dir $@)
	@grep -ho '^const struct parser parser_[a-z0-9_]* =' $(PARSER_SRC) | \
	  sed 's/^const struct parser \(parser_[a-z0-9_]*\) =/PARSER(\1)/' | sort > $@.tmp
	@cmp -s $@.tmp $@ || mv $@.tmp $@; rm -f $@.tmp

$(BUILD)/lib/parse/registry.o: $(BUILD)/gen/parsers.inc

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/libmamori.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/mamori: $(MAIN_OBJ) $(BUILD)/libmamori.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c tests/unit/unit.h $(BUILD)/libmamori.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/unit -o $@ $< $(BUILD)/libmamori.a $(LDFLAGS) $(LDLIBS)

$(BUILD)/tools/%: tests/tools/%.c $(BUILD)/libmamori.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(BUILD)/libmamori.a $(LDFLAGS) $(LDLIBS)

deps:
	@scripts/deps.sh

check: deps
	@$(MAKE) --no-print-directory all
	@BUILD=$(BUILD) tests/run.sh

run: deps
	@$(MAKE) --no-print-directory all
	@BUILD=$(BUILD) scripts/demo.sh

# libFuzzer harnesses (clang; docs/FUZZING.md). `make fuzz-build` builds them, `make fuzz` runs
# each for FUZZ_SECONDS (10), `make fuzz-long` for 300. fuzz/fuzz_parser.c is built once per
# parser (build-fuzz/fuzz_parser_<name>), the names found the way the registry finds them; the
# library objects are built once, with the sanitizers, into build-fuzz/libmamori.a.
FUZZ_SRC := $(filter-out fuzz/fuzz_parser.c,$(sort $(wildcard fuzz/fuzz_*.c)))
FUZZ_PARSERS := $(sort $(shell grep -ho '^const struct parser parser_[a-z0-9_]* =' $(PARSER_SRC) | \
                  sed 's/^const struct parser parser_\([a-z0-9_]*\) =/\1/'))
FUZZ_BIN := $(FUZZ_SRC:fuzz/%.c=build-fuzz/%) $(FUZZ_PARSERS:%=build-fuzz/fuzz_parser_%)
FUZZ_LIB_OBJ := $(LIB_SRC:%.c=build-fuzz/%.o)
FUZZ_CFLAGS := -std=c11 -O1 -g $(WARN) -Wno-unknown-warning-option -Wno-missing-prototypes -pthread -Ilib -Ibuild-fuzz/gen -I/usr/include/postgresql \
               -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all \
               -fno-omit-frame-pointer
FUZZ_LINK := -fsanitize=fuzzer,address,undefined -pthread
.PHONY: fuzz-build
build-fuzz/gen/parsers.inc: $(PARSER_SRC) Makefile
	@mkdir -p $(dir $@)
	@grep -ho '^const struct parser parser_[a-z0-9_]* =' $(PARSER_SRC) | \
	  sed 's/^const struct parser \(parser_[a-z0-9_]*\) =/PARSER(\1)/' | sort > $@.tmp
	@cmp -s $@.tmp $@ || mv $@.tmp $@; rm -f $@.tmp
build-fuzz/lib/parse/registry.o: build-fuzz/gen/parsers.inc
build-fuzz/%.o: %.c
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -MMD -MP -c $< -o $@
build-fuzz/libmamori.a: $(FUZZ_LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^
build-fuzz/fuzz_parser_%: fuzz/fuzz_parser.c fuzz/fuzz.h build-fuzz/libmamori.a
	clang $(FUZZ_CFLAGS) '-DFUZZ_PARSER="$*"' $(FUZZ_LINK) -o $@ $< build-fuzz/libmamori.a $(LDLIBS)
build-fuzz/fuzz_%: fuzz/fuzz_%.c fuzz/fuzz.h build-fuzz/libmamori.a
	clang $(FUZZ_CFLAGS) $(FUZZ_LINK) -o $@ $< build-fuzz/libmamori.a $(LDLIBS)
fuzz-build: $(FUZZ_BIN)
fuzz: $(FUZZ_BIN)
	@FUZZ_SECONDS=$${FUZZ_SECONDS:-10} fuzz/run.sh $(FUZZ_BIN)
fuzz-long: $(FUZZ_BIN)
	@FUZZ_SECONDS=$${FUZZ_SECONDS:-300} fuzz/run.sh $(FUZZ_BIN)
-include $(wildcard build-fuzz/lib/*/*.d)

bench: all
	@scripts/deps.sh bench
	@bench/run.sh

format:
	clang-format -i $(LIB_SRC) $(MAIN_SRC) $(wildcard lib/*/*.h)

tidy:
	cppcheck --quiet --enable=warning,portability --inline-suppr --error-exitcode=1 \
	  -Ilib -I$(BUILD)/gen $(LIB_SRC) $(MAIN_SRC)

clean:
	rm -rf build build-san build-fuzz

-include $(LIB_OBJ:.o=.d) $(MAIN_OBJ:.o=.d)
