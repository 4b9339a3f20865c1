# SPDX-License-Identifier: GPL-2.0
#
# vmview: top-level build.  `make` builds module/vmview.ko, tools/vmdump/vmdump
# and the selftests; `make check` runs everything in the guest kernel.
# `make help` lists the targets.

# The guest kernel: Debian's 6.1 image, newest installed.
GUEST_KVER ?= $(shell ls /boot/vmlinuz-6.1.*-amd64 2>/dev/null | sort -V | tail -n 1 | sed 's,.*/vmlinuz-,,')
GUEST_KDIR ?= /usr/src/linux-headers-$(GUEST_KVER)

# The kernel the module is built for: the running one when its headers are
# installed, else the guest's.
KDIR ?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) $(GUEST_KDIR))

# Cache outside the clone: extracted kernel source, debug kernel builds.
VMVIEW_CACHE ?= $(HOME)/.cache/vmview
export VMVIEW_CACHE

CC ?= cc
CFLAGS ?= -O2 -g
CFLAGS += -Wall -Wextra -Wno-unused-parameter -Wshadow -D_GNU_SOURCE -Iinclude/uapi
# Everything that goes into the guest is static: the initramfs has no libc.
LDFLAGS_STATIC := -static

VMDUMP := tools/vmdump/vmdump
SELFTEST_SRCS := $(wildcard selftests/vmview/*.c)
SELFTESTS := $(SELFTEST_SRCS:.c=)
SELFTEST_HDRS := $(wildcard selftests/vmview/*.h)

.PHONY: all module tools selftests style install dkms check guest-build \
	demo shell clean help deps bench

all: module tools selftests

help:
	@echo 'make            build module/vmview.ko, tools/vmdump/vmdump, selftests'
	@echo 'make demo       install deps, build, boot the guest, show vmdump views'
	@echo 'make tour       replay docs/tour.md in the guest and regenerate it'
	@echo 'make check      all selftests in 4- and 5-level guests + style'
	@echo 'make shell      an interactive guest with the module loaded'
	@echo 'make style      checkpatch --strict over module/'
	@echo 'make bench      vmview against pagemap in the guest (docs/performance.md)'
	@echo 'make install    install the module for the running kernel'
	@echo 'make dkms       register the module with DKMS'
	@echo 'KDIR=...        kernel build tree (now: $(KDIR))'

deps:
	scripts/deps

# Rebuild from scratch when KDIR changes: one module/ tree, one kernel.
module:
	@if [ -f module/.kdir ] && [ "$$(cat module/.kdir)" != "$(KDIR)" ]; then \
		$(MAKE) -C "$$(cat module/.kdir)" M=$(CURDIR) clean >/dev/null 2>&1 || true; \
	fi
	@echo "$(KDIR)" > module/.kdir
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

tools: $(VMDUMP)

$(VMDUMP): $(wildcard tools/vmdump/*.c tools/vmdump/*.h) include/uapi/vmview.h
	$(MAKE) -C tools/vmdump CC="$(CC)"

# kselftest.h and kselftest_harness.h come from linux-source-6.1, never
# from this tree.
KSFT_DIR = $(shell scripts/linux-src)/tools/testing/selftests

selftests: $(SELFTESTS)

selftests/vmview/%: selftests/vmview/%.c $(SELFTEST_HDRS) include/uapi/vmview.h
	$(CC) $(CFLAGS) -I$(KSFT_DIR) -Iselftests/vmview $(LDFLAGS_STATIC) -o $@ $< -lpthread

style:
	perl $(shell scripts/linux-src)/scripts/checkpatch.pl --no-tree --strict \
		-f $(filter-out %.mod.c,$(wildcard module/*.c module/*.h))

install: module
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install
	depmod -a $(notdir $(patsubst %/build,%,$(KDIR))) 2>/dev/null || depmod -a

dkms:
	scripts/dkms-install

# Guest runs always build against the guest kernel.
guest-build:
	$(MAKE) KDIR=$(GUEST_KDIR) all

check: deps
	$(MAKE) guest-build
	scripts/check

DEMO := scripts/demo/workload

$(DEMO): scripts/demo/workload.c
	$(CC) $(CFLAGS) $(LDFLAGS_STATIC) -o $@ $<

demo: deps
	$(MAKE) guest-build $(DEMO)
	scripts/demo/run

.PHONY: tour

# docs/tour.md: every output in it comes from this run (scripts/tour).
tour: deps
	$(MAKE) guest-build
	scripts/tour

shell: deps
	$(MAKE) guest-build
	scripts/vm-run --shell

BENCH := scripts/bench/vmbench

$(BENCH): scripts/bench/vmbench.c include/uapi/vmview.h
	$(CC) $(CFLAGS) $(LDFLAGS_STATIC) -o $@ $<

bench: deps
	$(MAKE) guest-build $(BENCH)
	scripts/bench/run $(BENCH_ARGS)

clean:
	-[ -d "$(KDIR)" ] && $(MAKE) -C $(KDIR) M=$(CURDIR) clean
	rm -f module/.kdir $(SELFTESTS) $(BENCH) $(DEMO)
	$(MAKE) -C tools/vmdump clean
