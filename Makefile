# csm - customer service management as Unix filters.
#
#   make            build the tools and libcsm.a into $(B)/
#   make check      run every test, then again under ASan+UBSan
#   make demo       ingest the bundled sample into a temporary store
#   make bench      generate 1,000,000 tickets and time ingest vs sqlite3
#   make install    PREFIX=/usr/local DESTDIR=
#   make lint       mandoc, shellcheck, options vs man vs completions,
#                   cppcheck, clang-tidy
#   make fuzz       libFuzzer on every parser (clang), FUZZ_SECONDS each
#
# Build dependencies are checked (and installed with apt-get when run as
# root) by scripts/deps; `make WERROR=` builds without -Werror.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d

B ?= build
CC ?= cc
CFLAGS ?= -O2 -g
WERROR ?= -Werror
SANITIZE ?=
WARN = -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wold-style-definition -Wpointer-arith \
	-Wwrite-strings -Wvla -Wformat=2 -Wcast-qual -Wundef -fno-common
PKGS = sqlite3 jansson libpcre2-8 xlsxwriter
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null || \
	echo -lsqlite3 -ljansson -lpcre2-8 -lxlsxwriter -lz)
CSV_LIBS ?= -lcsv
SAN_FLAGS = $(if $(SANITIZE),-fsanitize=$(SANITIZE) -fno-omit-frame-pointer \
	-fno-sanitize-recover=all)
ALL_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L $(WARN) $(WERROR) \
	$(CFLAGS) $(SAN_FLAGS) $(PKG_CFLAGS) -Ilib -pthread -MMD -MP
ALL_LDFLAGS = $(LDFLAGS) $(SAN_FLAGS) -pthread
LIBS = $(PKG_LIBS) $(CSV_LIBS) -lm

TOOLS = csm csm-ingest csm-route csm-sla csm-report
LIB_SRC = $(sort $(wildcard lib/*.c))
LIB_OBJ = $(LIB_SRC:%.c=$(B)/%.o)
CMD_OBJ = $(B)/cmd/common.o $(B)/cmd/rejects.o
UNIT_SRC = $(sort $(wildcard tests/unit/test_*.c))
UNITS = $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
BINS = $(TOOLS:%=$(B)/bin/%) $(B)/bin/csm-gen
MANS = $(wildcard man/*.[1-9])
DEPS_STAMP = $(B)/.deps-ok

all: $(BINS) $(B)/libcsm.a

$(DEPS_STAMP): scripts/deps
	@mkdir -p $(@D)
	@scripts/deps build
	@touch $@

$(B)/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/libcsm.a: $(LIB_OBJ)
	rm -f $@
	$(AR) rcs $@ $(LIB_OBJ)

$(B)/bin/%: $(B)/cmd/%.o $(CMD_OBJ) $(B)/libcsm.a
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(CMD_OBJ) $(B)/libcsm.a $(LIBS)

GEN_OBJ = $(patsubst %.c,$(B)/%.o,$(sort $(wildcard tools/*.c)))

$(B)/bin/csm-gen: $(GEN_OBJ)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $(GEN_OBJ) -lm

$(B)/tests/%: $(B)/tests/unit/%.o $(B)/libcsm.a
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(B)/libcsm.a $(LIBS)

units: $(UNITS)

# The suite once, against the tools in $(B).
test: all units fuzz-replays
	@scripts/deps check
	tests/run $(B)

# The suite twice: a plain build, then ASan+UBSan in build/san.
# The sanitizer pass kills csm-ingest fewer times: each kill costs three
# times as much under ASan (tests/crash/README.md).  Both passes run even
# when the first fails, and the last line printed is the sum of their
# "N passed, M failed" lines (a pass that ends without one, as when it
# does not build, counts as one failure); after it comes only make's own
# "Error" line when something failed.
CHECK_LOG = $(B)/check
check:
	@mkdir -p $(B)
	@{ $(MAKE) --no-print-directory test; echo $$? >$(CHECK_LOG).plain.rc; } \
		2>&1 | tee $(CHECK_LOG).plain
	@{ CRASH_KILLS=$${CRASH_KILLS_SAN:-4} $(MAKE) --no-print-directory \
		B=build/san SANITIZE=address,undefined,float-cast-overflow \
		CFLAGS="-O1 -g" test; \
		echo $$? >$(CHECK_LOG).san.rc; } 2>&1 | tee $(CHECK_LOG).san
	@for pass in plain san; do \
		log=$(CHECK_LOG).$$pass; \
		sum=$$(grep -E '^[0-9]+ passed, [0-9]+ failed$$' $$log | tail -n 1); \
		rc=$$(cat $$log.rc 2>/dev/null || echo 1); \
		p=$${sum%% *}; f=$${sum#*, }; f=$${f%% *}; \
		[ -n "$$sum" ] || { p=0; f=1; }; \
		[ "$$rc" -ne 0 ] && [ "$$f" -eq 0 ] && f=1; \
		echo "check, $$pass build: $$p passed, $$f failed"; \
		tp=$$(($${tp:-0} + p)); tf=$$(($${tf:-0} + f)); \
	done; \
	echo "$$tp passed, $$tf failed"; \
	[ "$$tf" -eq 0 ]

check-valgrind: all units
	VALGRIND=1 tests/run $(B)

demo: all
	@scripts/demo $(B)

bench: all
	@scripts/deps bench
	bench/run $(B)

# Regenerates the bundled sample; tests check it is reproducible.
sample: $(B)/bin/csm-gen
	scripts/mksample $(B)/bin/csm-gen sample

# Static checks: cppcheck and clang-tidy (.clang-tidy says which checks
# and why) on the code we ship; warnings fail.
JANSSON_H = $(shell pkg-config --variable=includedir jansson 2>/dev/null || \
	echo /usr/include)/jansson.h
STATIC_SRC = $(LIB_SRC) $(wildcard cmd/*.c) $(wildcard tools/*.c)

lint: all
	@scripts/deps lint
	tests/lint/run $(B)
	cppcheck --quiet --error-exitcode=1 --inline-suppr --std=c11 \
		--enable=warning,performance,portability \
		-D_POSIX_C_SOURCE=200809L -Ilib --include=$(JANSSON_H) \
		lib cmd tools
	clang-tidy --quiet $(STATIC_SRC) -- -std=c11 \
		-D_POSIX_C_SOURCE=200809L -Ilib -pthread $(PKG_CFLAGS)

install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man7 \
		$(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) \
		$(DESTDIR)$(FISHCOMPDIR)
	for t in $(TOOLS); do \
		install -m 755 $(B)/bin/$$t $(DESTDIR)$(BINDIR)/$$t || exit; \
	done
	for m in $(MANS); do \
		s=$${m##*.}; \
		install -m 644 $$m $(DESTDIR)$(MANDIR)/man$$s/ || exit; \
	done
	install -m 644 completions/csm.bash $(DESTDIR)$(BASHCOMPDIR)/csm
	for t in $(TOOLS); do \
		[ $$t = csm ] && continue; \
		ln -sf csm $(DESTDIR)$(BASHCOMPDIR)/$$t || exit; \
	done
	install -m 644 completions/_csm $(DESTDIR)$(ZSHCOMPDIR)/_csm
	install -m 644 completions/*.fish $(DESTDIR)$(FISHCOMPDIR)/

uninstall:
	for t in $(TOOLS); do \
		rm -f $(DESTDIR)$(BINDIR)/$$t $(DESTDIR)$(BASHCOMPDIR)/$$t; \
	done
	for m in $(MANS); do \
		s=$${m##*.}; rm -f $(DESTDIR)$(MANDIR)/man$$s/$${m##*/}; \
	done
	rm -f $(DESTDIR)$(ZSHCOMPDIR)/_csm
	for f in completions/*.fish; do \
		rm -f $(DESTDIR)$(FISHCOMPDIR)/$${f##*/}; \
	done

format:
	git clang-format

clean:
	rm -rf build

.PHONY: all units test check check-valgrind demo bench sample lint install \
	uninstall format clean fuzz fuzz-ci
.SECONDARY:

include tests/fuzz/fuzz.mk

-include $(shell find $(B) -name '*.d' 2>/dev/null)
