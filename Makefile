# backprop - build, test, run.
#
#   make                      library, examples and CLI into build/
#   make check                every test (tests/run.sh), float32
#   make PRECISION=double check   the same in double, into build-double/
#   make check-asan           the suite under ASan + UBSan, into build-asan/
#   make check-all            float, double and sanitizers
#   make check-cross          aarch64, s390x and i686 under qemu-user
#   make demo                 build, train on Fashion-MNIST, then show every
#                             number of Matt Mazur's worked example (2015)
#   make python               the Python package into build/python/
#   make install              header, libraries, command, backprop.pc and
#                             man page under PREFIX (DESTDIR); make uninstall
#
# Only gcc (or any C11 compiler) and make are needed. zlib is used for
# gzip-compressed data when it links (ZLIB=0 turns it off). The test
# targets install what their tests need when they can (tests/deps.sh).

CC        ?= cc
PRECISION ?= float
SAN       ?= 0
# zlib: a link test, not a header test (a cross compiler finds the host's
# zlib.h but has no zlib for its own CPU)
ZLIB      ?= $(shell printf '\043include <zlib.h>\nint main(void) { return zlibVersion() == 0; }\n' | \
               $(CC) -x c - -o /dev/null -lz >/dev/null 2>&1 && echo 1 || echo 0)

BUILD     ?= build
WARN      := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes
# -fvect-cost-model=cheap: GCC 12's -O2 vectorises only loops that need
# no remainder loop, which leaves the activation, optimizer and
# finite-check loops scalar; this measured 0.91 -> 0.66 s per
# Fashion-MNIST epoch (bench/). Only passed to compilers that take it.
VECT      := $(shell $(CC) -fvect-cost-model=cheap -E -x c /dev/null >/dev/null 2>&1 && echo -fvect-cost-model=cheap)
OPT       ?= -O2 $(VECT)
CFLAGS    ?=
# 64-bit file offsets and inode numbers on 32-bit machines too: without
# them, stat and readdir fail with EOVERFLOW on large files and on file
# systems with 64-bit inode numbers
CPPFLAGS  += -Iinclude -Isrc -D_FILE_OFFSET_BITS=64
# Float arithmetic as x86-64 does it, so that results and models are
# bit-identical on every CPU: the x87 unit of 32-bit x86 (FLT_EVAL_METHOD
# 2) keeps floats in 80-bit registers, so SSE2 arithmetic instead (a
# Pentium 4 or later); s390x's compiler (FLT_EVAL_METHOD 1) evaluates
# float expressions in double unless told not to. Measured: with these,
# every golden explain output and a trained model are bit-identical to
# x86-64's (make check-cross). aarch64 needs nothing beyond
# -ffp-contract=off.
FPFLAGS   := $(shell echo | $(CC) -std=c11 -dM -E -x c - 2>/dev/null | awk ' \
               /^.define __i386__ / { x87 = 1 } \
               /^.define __FLT_EVAL_METHOD__ 1$$/ { wide = 1 } \
               END { if (x87) print "-msse2 -mfpmath=sse"; else if (wide) print "-fexcess-precision=fast" }')
BASEFLAGS := -std=c11 $(OPT) -g -fPIC -ffp-contract=off $(FPFLAGS) -pthread $(WARN)
LDLIBS    := -lm -pthread

ifeq ($(PRECISION),double)
  CPPFLAGS += -DBP_DOUBLE
  BUILD    := build-double
endif
# make MPI=1: the command built with mpicc for `mpirun -np N
# build-mpi/backprop train ...`; the library itself never needs MPI.
MPI ?= 0
ifeq ($(MPI),1)
  CC       := mpicc
  CPPFLAGS += -DBP_MPI
  BUILD    := build-mpi
endif
# make BLAS=openblas: the products on OpenBLAS's CBLAS instead of the
# library's own kernels, for comparison only (bench/); into build-blas/.
BLAS ?=
ifeq ($(BLAS),openblas)
  CPPFLAGS += -DBP_CBLAS -I/usr/include/x86_64-linux-gnu/openblas-pthread
  LDLIBS   += -lopenblas
  BUILD    := build-blas
endif
ifeq ($(SAN),1)
  BASEFLAGS += -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
  LDFLAGS   += -fsanitize=address,undefined
  BUILD     := $(BUILD)-asan
  # tests ask for absurd sizes on purpose: malloc must say NULL, not abort
  export ASAN_OPTIONS ?= allocator_may_return_null=1:detect_leaks=1
  export UBSAN_OPTIONS ?= print_stacktrace=1
endif
ifeq ($(ZLIB),1)
  CPPFLAGS += -DBP_HAVE_ZLIB
  LDLIBS   += -lz
endif

ALL_CFLAGS := $(BASEFLAGS) $(CFLAGS)

# src/core (network, phases, training), src/kernel (products, threads,
# per-CPU micro-kernels), src/io (files), src/explain
LIB_SRC   := $(sort $(wildcard src/*/*.c src/*/*/*.c))
LIB_OBJ   := $(LIB_SRC:src/%.c=$(BUILD)/obj/%.o)
EX_SRC    := $(sort $(wildcard examples/*.c))
EX_BIN    := $(EX_SRC:examples/%.c=$(BUILD)/examples/%)
TEST_SRC  := $(sort $(wildcard tests/test_*.c))
TEST_BIN  := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
CLI_SRC   := $(sort $(wildcard tools/*.c))
CLI_OBJ   := $(CLI_SRC:tools/%.c=$(BUILD)/obj/tools/%.o)
HEADERS   := include/backprop.h $(wildcard src/*/*.h) $(wildcard tools/*.h)
# Header dependencies of every object and program, written by the compiler.
# Objects keep theirs beside them; programs in $(BUILD)/deps, so that
# build/tests holds nothing but test programs.
DEPFLAGS  := -MMD -MP
PROGDEPS   = -MMD -MP -MF $(BUILD)/deps/$(subst /,_,$@).d

.PHONY: all lib examples tests check check-asan check-double check-mpi check-all demo golden valgrind soak bench clean python python-if-possible

all: lib examples $(BUILD)/backprop

lib: $(BUILD)/libbackprop.a $(BUILD)/libbackprop.so

$(BUILD)/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/obj/tools/%.o: tools/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/libbackprop.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

# The shared library: a versioned real name, the soname of the major
# version, and the two links; only the public API (bp_*, not the internal
# bp__*) is exported, by the version script src/libbackprop.map.
VERSION   := $(shell sed -n 's/^\#define BP_VERSION "\(.*\)"/\1/p' include/backprop.h)
SONAME    := libbackprop.so.$(firstword $(subst ., ,$(VERSION)))
$(BUILD)/libbackprop.so.$(VERSION): $(LIB_OBJ) src/libbackprop.map
	$(CC) -shared $(LDFLAGS) -Wl,-soname,$(SONAME) -Wl,--version-script,src/libbackprop.map \
	    -o $@ $(LIB_OBJ) $(LDLIBS)

$(BUILD)/libbackprop.so: $(BUILD)/libbackprop.so.$(VERSION)
	ln -sf libbackprop.so.$(VERSION) $(BUILD)/$(SONAME)
	ln -sf $(SONAME) $@

examples: $(EX_BIN) $(BUILD)/examples/embedded

# An exported network in a program that does not link libbackprop.
$(BUILD)/examples/embedded: examples/embedded/main.c examples/embedded/xor_net.c examples/embedded/xor_net.h
	@mkdir -p $(dir $@)
	$(CC) -std=c99 -Wall -Wextra -Werror -O2 examples/embedded/main.c examples/embedded/xor_net.c -o $@ -lm

$(BUILD)/examples/%: examples/%.c $(BUILD)/libbackprop.a
	@mkdir -p $(dir $@)
	@mkdir -p $(BUILD)/deps
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(PROGDEPS) $< -o $@ $(LDFLAGS) $(BUILD)/libbackprop.a $(LDLIBS)

$(BUILD)/backprop: $(CLI_OBJ) $(BUILD)/libbackprop.a
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libbackprop.a $(LDLIBS)

tests: $(TEST_BIN)

$(BUILD)/tests/%: tests/%.c $(BUILD)/libbackprop.a
	@mkdir -p $(dir $@)
	@mkdir -p $(BUILD)/deps
	$(CC) $(CPPFLAGS) -Itests $(ALL_CFLAGS) $(PROGDEPS) $< -o $@ $(LDFLAGS) $(BUILD)/libbackprop.a $(LDLIBS)

# make check first installs what its tests need, when it can (Debian
# packages through apt-get as root or with password-less sudo, npm
# packages with --ignore-scripts: tests/deps.sh; BP_DEPS=0 installs
# nothing), then builds in a fresh make, which sees what was installed
# (zlib, Python's headers); a test whose tool is still missing is a
# SKIP, counted apart.
check:
	@sh tests/deps.sh check
	@$(MAKE) --no-print-directory all tests python-if-possible
	@sh tests/run.sh $(BUILD)

check-double:
	$(MAKE) PRECISION=double check

check-asan:
	$(MAKE) SAN=1 check

# The data-parallel tests: 2 ranks against 1 process, a killed rank,
# resuming on another rank count (needs OpenMPI: openmpi-bin, libopenmpi-dev).
check-mpi:
	@sh tests/deps.sh mpi
	@if command -v mpicc >/dev/null 2>&1; then \
	    $(MAKE) MPI=1 all && sh tests/mpi/test_mpi.sh build-mpi; \
	else echo "  SKIP the data-parallel tests: no mpicc (apt-get install libopenmpi-dev openmpi-bin)"; \
	    echo "mpi: 0 passed, 0 failed, 1 skipped"; fi

check-all: check check-double check-asan

# Other CPUs: aarch64, s390x (big-endian) and i686 (32-bit, x87), each
# cross-compiled into build-cross/TARGET with Debian's cross compiler and
# run under qemu-user: the unit tests and examples under each of the
# target's kernels, the golden outputs, model and data files both ways
# (tests/cross.sh). Installs the compilers and qemu when it can.
CROSS_TARGETS ?= aarch64 s390x i686
.PHONY: check-cross
check-cross: all
	@sh tests/deps.sh cross
	@sh tests/cross.sh $(BUILD) $(CROSS_TARGETS)

demo: all
	@sh tools/demo.sh $(BUILD)

# The Python package: python/backprop/ (estimators, pure Python) and the
# extension python/_core.c, the package's whole boundary with the
# library, compiled twice: _core32 links the float library and _core64
# the double one (each statically, its symbols hidden), so both
# precisions can be used in one process. Needs Debian's python3-dev and
# python3-numpy; the estimators need python3-sklearn at run time.
#   make python && PYTHONPATH=build/python /usr/bin/python3 -c 'import backprop'
PYTHON    ?= /usr/bin/python3
PY_DIR    := $(BUILD)/python
PY_PKG    := $(PY_DIR)/backprop
PY_FILES  := $(patsubst python/backprop/%,$(PY_PKG)/%,$(wildcard python/backprop/*.py))
# (the other precision's build beside this one: build-double beside
# build, build-asan beside build-double-asan, OUT-double beside OUT)
ifeq ($(PRECISION),double)
  PY_BUILD32 := $(if $(filter build-double%,$(BUILD)),$(patsubst build-double%,build%,$(BUILD)),$(BUILD)-float)
  PY_BUILD64 := $(BUILD)
  PY_OTHER   := float
else
  PY_BUILD32 := $(BUILD)
  PY_BUILD64 := $(if $(filter build%,$(BUILD)),$(patsubst build%,build-double%,$(BUILD)),$(BUILD)-double)
  PY_OTHER   := double
endif
# where Python.h and NumPy's headers are (empty when missing)
PY_INCS    = $(shell $(PYTHON) -c 'import sysconfig, numpy; \
               print("-I" + sysconfig.get_paths()["include"], "-I" + numpy.get_include())' 2>/dev/null)
PY_CFLAGS  = -std=c11 $(OPT) -g -fPIC -fvisibility=hidden -Wall -Wextra $(CFLAGS) \
             $(filter -fsanitize% -fno-%,$(BASEFLAGS)) -Iinclude $(PY_INCS)
PY_LDFLAGS = -shared $(LDFLAGS) -Wl,--exclude-libs,ALL

python: $(PY_FILES) $(PY_PKG)/_core32.so $(PY_PKG)/_core64.so

$(PY_PKG)/%.py: python/backprop/%.py
	@mkdir -p $(dir $@)
	cp $< $@

$(PY_PKG)/_core32.so: python/_core.c include/backprop.h $(PY_BUILD32)/libbackprop.a
	@mkdir -p $(dir $@)
	@test -n "$(PY_INCS)" || { echo "make python: $(PYTHON) lacks Python.h or numpy (Debian: apt-get install python3-dev python3-numpy)" >&2; exit 1; }
	$(CC) $(PY_CFLAGS) $< -o $@ $(PY_LDFLAGS) $(PY_BUILD32)/libbackprop.a $(LDLIBS)

$(PY_PKG)/_core64.so: python/_core.c include/backprop.h $(PY_BUILD64)/libbackprop.a
	@mkdir -p $(dir $@)
	@test -n "$(PY_INCS)" || { echo "make python: $(PYTHON) lacks Python.h or numpy (Debian: apt-get install python3-dev python3-numpy)" >&2; exit 1; }
	$(CC) $(PY_CFLAGS) -DBP_DOUBLE $< -o $@ $(PY_LDFLAGS) $(PY_BUILD64)/libbackprop.a $(LDLIBS)

# the library of the other precision, built by a make of its own
$(PY_BUILD$(if $(filter double,$(PY_OTHER)),64,32))/libbackprop.a: FORCE
	$(MAKE) PRECISION=$(PY_OTHER) BUILD=$(@D) lib

.PHONY: FORCE
FORCE:

# make check builds the package when this machine can; when it cannot,
# tests/python says SKIP and why.
python-if-possible: lib
	@if [ -n "$(PY_INCS)" ]; then $(MAKE) --no-print-directory python; \
	 else echo "make check: not building the Python package: $(PYTHON) lacks Python.h or numpy"; fi

# make install: the header, both libraries, the command, backprop.pc for
# pkg-config and the man page, under PREFIX (default /usr/local), staged
# under DESTDIR if given; make uninstall removes them. Install the build
# you mean: `make PRECISION=double install` installs the double library,
# and its backprop.pc adds -DBP_DOUBLE for the programs built against it.
# The man page is made from the command's own --help texts
# (tools/man.sh), so it says what the installed command does.
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
LIBDIR     ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR     ?= $(PREFIX)/share/man
PCDIR      ?= $(LIBDIR)/pkgconfig
PC_CFLAGS  := $(filter -DBP_DOUBLE,$(CPPFLAGS))
PC_LIBS    := $(filter-out -pthread,$(LDLIBS)) -pthread
.PHONY: install uninstall man
man: $(BUILD)/backprop.1
$(BUILD)/backprop.1: $(BUILD)/backprop tools/man.sh
	sh tools/man.sh $(BUILD)/backprop >$@.tmp && mv $@.tmp $@
$(BUILD)/backprop.pc: FORCE
	@mkdir -p $(dir $@)
	printf '%s\n' 'prefix=$(PREFIX)' 'includedir=$(INCLUDEDIR)' 'libdir=$(LIBDIR)' '' \
	    'Name: backprop' \
	    'Description: feed-forward neural networks trained by backpropagation' \
	    'Version: $(VERSION)' \
	    'Cflags: -I$${includedir}$(if $(PC_CFLAGS), $(PC_CFLAGS))' \
	    'Libs: -L$${libdir} -lbackprop' \
	    'Libs.private: $(PC_LIBS)' >$@
# (backprop.pc holds the prefix: remade for every install)
install: all $(BUILD)/backprop.1 $(BUILD)/backprop.pc
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR) \
	    $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(PCDIR)
	install -m 755 $(BUILD)/backprop $(DESTDIR)$(BINDIR)/backprop
	install -m 644 include/backprop.h $(DESTDIR)$(INCLUDEDIR)/backprop.h
	install -m 644 $(BUILD)/libbackprop.a $(DESTDIR)$(LIBDIR)/libbackprop.a
	install -m 755 $(BUILD)/libbackprop.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libbackprop.so.$(VERSION)
	ln -sf libbackprop.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libbackprop.so
	install -m 644 $(BUILD)/backprop.pc $(DESTDIR)$(PCDIR)/backprop.pc
	install -m 644 $(BUILD)/backprop.1 $(DESTDIR)$(MANDIR)/man1/backprop.1
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/backprop $(DESTDIR)$(INCLUDEDIR)/backprop.h \
	    $(DESTDIR)$(LIBDIR)/libbackprop.a $(DESTDIR)$(LIBDIR)/libbackprop.so.$(VERSION) \
	    $(DESTDIR)$(LIBDIR)/$(SONAME) $(DESTDIR)$(LIBDIR)/libbackprop.so \
	    $(DESTDIR)$(PCDIR)/backprop.pc $(DESTDIR)$(MANDIR)/man1/backprop.1

# Fuzzing (clang's libFuzzer, with ASan + UBSan): every target in
# tests/fuzz/fuzz_*.c runs FUZZ_TIME seconds from its seed corpus
# tests/fuzz/corpus/NAME (copied, so the repository's corpus stays as
# committed). A crash leaves its input in build-fuzz/; commit it to
# tests/fuzz/regress/NAME/ and `make fuzz-regress` replays them all.
FUZZ_TIME ?= 30
comma := ,
FUZZ_CC   ?= clang
FUZZ_SRC  := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_TOOLS := $(filter-out tools/main.c,$(CLI_SRC))
FUZZ_BIN  := $(FUZZ_SRC:tests/fuzz/%.c=build-fuzz/%)
# The warnings of every build, and CFLAGS's warning options (CI's -Werror)
FUZZ_FLAGS := -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined \
              -fno-sanitize-recover=undefined $(CPPFLAGS) -Itools \
              $(WARN) $(filter -W%,$(CFLAGS))

# The library (and, for fuzz_cli, the commands) compiled once for every
# target: instrumented for coverage, linked with each target's libFuzzer.
FUZZ_OBJ_FLAGS := $(subst -fsanitize=fuzzer$(comma),-fsanitize=fuzzer-no-link$(comma),$(FUZZ_FLAGS))
FUZZ_LIB_OBJ := $(LIB_SRC:%.c=build-fuzz/obj/%.o)
FUZZ_OBJ_fuzz_cli := $(FUZZ_TOOLS:%.c=build-fuzz/obj/%.o)

build-fuzz/obj/%.o: %.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_OBJ_FLAGS) -c $< -o $@

.SECONDARY: $(FUZZ_LIB_OBJ) $(FUZZ_OBJ_fuzz_cli)
.SECONDEXPANSION:
build-fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_LIB_OBJ) $$(FUZZ_OBJ_fuzz_$$*) $(HEADERS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) $< $(FUZZ_LIB_OBJ) $(FUZZ_OBJ_fuzz_$*) -o $@ $(LDLIBS)

build-fuzz/canary: tests/fuzz/canary.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) $< -o $@

# Each target's run and verdict: tests/fuzz/run.sh. The canary, a target
# that crashes on purpose, goes first: its run must fail, or the runner
# would let a real crash pass. Without clang (tests/deps.sh fuzz installs
# it when it can) every target is a SKIP.
.PHONY: fuzz fuzz-build fuzz-regress fuzz-canary
fuzz-build: $(FUZZ_BIN)

fuzz fuzz-regress:
	@sh tests/deps.sh fuzz
	@if command -v $(FUZZ_CC) >/dev/null 2>&1; then $(MAKE) --no-print-directory $@-run; else \
	    for f in $(FUZZ_BIN); do echo "  SKIP $$f: no $(FUZZ_CC) (apt-get install clang libclang-rt-14-dev)"; \
	        echo "$$(basename $$f): 0 passed, 0 failed, 1 skipped"; done; fi

fuzz-canary: build-fuzz/canary
	@echo "== the runner itself: the canary's deliberate crash must fail its run"
	@if sh tests/fuzz/run.sh fuzz 10 build-fuzz/canary >build-fuzz/canary.out 2>&1; then \
	    cat build-fuzz/canary.out; echo "  FAIL the canary's crash was not reported"; \
	    echo "fuzz_runner: 0 passed, 1 failed"; exit 1; \
	else grep -m1 "ERROR: AddressSanitizer" build-fuzz/canary.out; echo "  ok   reported as a failure"; \
	    echo "fuzz_runner: 1 passed, 0 failed"; fi

fuzz-run: fuzz-build fuzz-canary
	@sh tests/fuzz/run.sh fuzz $(FUZZ_TIME) $(FUZZ_BIN)

fuzz-regress-run: fuzz-build
	@sh tests/fuzz/run.sh regress $(FUZZ_BIN)

# The command under valgrind's memcheck, and the crash-safety soak
# (SIGKILL at random moments, resume, compare with an uninterrupted run).
valgrind: all
	@sh tests/deps.sh valgrind
	@sh tests/valgrind.sh $(BUILD)

SOAK_KILLS ?= 30
soak: all
	@sh tests/soak.sh $(BUILD) $(SOAK_KILLS)

# Benchmarks against PyTorch and FANN (not part of make check): see
# bench/run.sh; the report goes to bench/results.md.
# (the benchmarks link libbackprop alone)
$(BUILD)/bench/peak: bench/peak.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -pthread $< -o $@ -lpthread
$(BUILD)/bench/bench_mlp: bench/bench_mlp.c $(BUILD)/libbackprop.a $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $< -o $@ $(BUILD)/libbackprop.a $(LDLIBS)
$(BUILD)/bench/fann_mlp: bench/fann_mlp.c $(BUILD)/libbackprop.a $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $< -o $@ $(BUILD)/libbackprop.a -lfann $(LDLIBS)
# the products of one step, timed one by one on a kernel (links the
# kernel layer's internal calls: a developer's tool)
$(BUILD)/bench/products: bench/products.c $(BUILD)/libbackprop.a $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $< -o $@ $(BUILD)/libbackprop.a $(LDLIBS)
bench: all $(BUILD)/bench/peak $(BUILD)/bench/bench_mlp $(BUILD)/bench/fann_mlp $(BUILD)/bench/products
	@sh bench/run.sh $(BUILD)

# `backprop train` with no options against scikit-learn's MLP with its
# defaults, on small real tabular sets (bench/defaults/run.py; the table
# also goes to bench/defaults/results.md). Needs python3-sklearn, which
# tests/deps.sh installs when it can.
.PHONY: bench-defaults
bench-defaults: all
	@sh tests/deps.sh bench-defaults
	@/usr/bin/python3 bench/defaults/run.py --backprop $(BUILD)/backprop \
	    --out $(BUILD)/bench-defaults --markdown bench/defaults/results.md

# backprop.MLPClassifier against scikit-learn's on digits and
# Fashion-MNIST, one thread each (BENCH_QUICK=1: a short run).
.PHONY: bench-python
bench-python: python
	PYTHONPATH=$(PY_DIR) $(PYTHON) bench/python_mlp.py

# Rewrite the golden outputs of `backprop explain` (after a deliberate
# change to what it prints or to the numbers' last digits), and the
# committed Markdown example.
golden:
	$(MAKE) all
	$(MAKE) PRECISION=double all
	for n in $$(sh tests/golden/output.sh --list); do \
	    sh tests/golden/output.sh build/backprop $$n > tests/golden/explain-$$n.float.txt; \
	    sh tests/golden/output.sh build-double/backprop $$n > tests/golden/explain-$$n.double.txt; \
	done
	build-double/backprop explain --example mazur --steps 10000 --format markdown > docs/explain-mazur.md

# The browser playground: the library and playground/pg.c compiled to
# WebAssembly by emscripten (Debian's emscripten needs node-acorn found
# through NODE_PATH), double precision so its numbers are the worked
# example's, with the page beside it. `build/backprop playground` serves it.
PG_OUT    := build/playground
PG_PAGE   := $(addprefix $(PG_OUT)/,index.html style.css $(notdir $(wildcard playground/*.js)))
EMCC      ?= emcc
# the warnings of every build, and CFLAGS's warning options (CI's -Werror);
# pg.c's entry points are called from JavaScript and have no prototypes
PG_WARN   := $(filter-out -Wmissing-prototypes,$(WARN))
EMFLAGS   := -std=c11 -O2 -DBP_DOUBLE -Iinclude -Isrc -sENVIRONMENT=web \
             -sMODULARIZE=1 -sEXPORT_NAME=createBackprop -sALLOW_MEMORY_GROWTH=1 \
             -sEXPORTED_RUNTIME_METHODS=cwrap,UTF8ToString \
             -sEXPORTED_FUNCTIONS=_malloc,_free \
             $(PG_WARN) $(filter -W%,$(CFLAGS))
.PHONY: playground check-playground bench-playground playground-screenshot
playground: $(PG_OUT)/backprop.js $(PG_PAGE)
$(PG_OUT)/backprop.js: $(LIB_SRC) playground/pg.c include/backprop.h $(wildcard src/*/*.h)
	@mkdir -p $(PG_OUT)
	NODE_PATH=/usr/share/nodejs $(EMCC) $(EMFLAGS) $(LIB_SRC) playground/pg.c -o $@
$(PG_OUT)/%: playground/%
	@mkdir -p $(PG_OUT)
	cp $< $@

# Browser tests: Playwright (playwright-core from npm) driving Debian's
# chromium headless against `backprop playground`.
check-playground:
	@sh tests/deps.sh playground
	@if command -v $(EMCC) >/dev/null 2>&1 && command -v node >/dev/null 2>&1 && \
	    [ -d node_modules/playwright-core ]; then \
	    $(MAKE) playground $(BUILD)/backprop && \
	    node tests/playground/test_playground.mjs $(BUILD)/backprop $(PG_OUT); \
	else echo "  SKIP the browser tests: they need $(EMCC), node and playwright-core (apt-get install emscripten node-acorn nodejs npm chromium; npm install --ignore-scripts)"; \
	    echo "playground: 0 passed, 0 failed, 1 skipped"; fi
# The README's picture: the browser tests' screenshot, into docs/.
playground-screenshot: check-playground
	cp $(PG_OUT)/screenshot.png docs/playground.png
# How many training steps and redraws a frame holds (the issue: >= 30
# steps and one redraw per frame, 2-8-8-1 on 500 points).
bench-playground: playground $(BUILD)/backprop
	node bench/playground.mjs $(BUILD)/backprop $(PG_OUT)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# The C layout (.clang-format), applied to every C file but the exported
# example examples/embedded/xor_net.[ch], which is export's own output
# (a test compares it byte for byte).
.PHONY: format
format:
	clang-format -i $$(git ls-files '*.c' '*.h' | grep -v '^examples/embedded/xor_net')

clean:
	rm -rf build build-double build-asan build-double-asan build-fuzz build-mpi build-blas build-cross
