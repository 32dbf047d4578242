# SPDX-License-Identifier: GPL-2.0
# maia: top-level build. `make demo` and `make check` do everything, starting
# with `make deps` (idempotent, installs what is missing with apt).

REPO := $(CURDIR)
BUILD := $(REPO)/build
KVER = $(shell $(REPO)/scripts/kver.sh)
KDIR = /lib/modules/$(KVER)/build
KSRC := $(BUILD)/linux-source
KSFT_DIR := $(KSRC)/tools/testing/selftests
SUITES := core accel net

export PATH := /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$(PATH)

.PHONY: all deps qemu modules userspace kernel-source selftests demo check \
	bench checkpatch clean ethtool debug-kernel modules-debug check-debug

all: modules userspace selftests qemu

deps:
	@$(REPO)/scripts/deps.sh

qemu: deps
	$(REPO)/scripts/qemu-build.sh

# Kbuild of 6.12 writes objects next to the sources, so build a mirror.
modules: deps
	@mkdir -p $(BUILD)/kernel
	flock $(BUILD)/.modules.lock sh -c '\
	rsync -a --delete --exclude="*.o" --exclude="*.ko" --exclude=".*.cmd" \
		--exclude="*.mod*" --exclude=Module.symvers --exclude=modules.order \
		$(REPO)/Kbuild $(REPO)/drivers $(REPO)/include $(REPO)/uapi $(BUILD)/kernel/ && \
	$(MAKE) -C $(KDIR) M=$(BUILD)/kernel modules'

# The debug kernel (KASAN, lockdep, kmemleak, UBSAN, DMA-API debug, fault
# injection), built once and cached outside the clone; modules built for it
# go to build/kernel-debug.
debug-kernel: deps
	$(REPO)/scripts/debug-kernel.sh > /dev/null

modules-debug: debug-kernel
	@mkdir -p $(BUILD)/kernel-debug
	flock $(BUILD)/.modules-debug.lock sh -c '\
	rsync -a --delete --exclude="*.o" --exclude="*.ko" --exclude=".*.cmd" \
		--exclude="*.mod*" --exclude=Module.symvers --exclude=modules.order \
		$(REPO)/Kbuild $(REPO)/drivers $(REPO)/include $(REPO)/uapi $(BUILD)/kernel-debug/ && \
	$(MAKE) -C $$($(REPO)/scripts/debug-kernel.sh) M=$(BUILD)/kernel-debug modules'

userspace: deps
	$(MAKE) -C $(REPO)/userspace O=$(BUILD)/userspace

kernel-source: deps
	$(REPO)/scripts/kernel-source.sh $(KSRC)

# ethtool >= 6.2 (JSON output) for the kernel's drivers/net selftests.
ethtool: deps
	$(REPO)/scripts/ethtool-build.sh

selftests: kernel-source userspace ethtool
	$(MAKE) -C $(REPO)/selftests KSFT_DIR=$(KSFT_DIR) \
		O=$(BUILD)/kselftest USERSPACE=$(BUILD)/userspace

check: all
	$(REPO)/scripts/check.sh

# The same suites (a subset, see scripts/check.sh) on the debug kernel, with
# fault injection; any sanitizer, lockdep, DMA-API or kmemleak report fails.
check-debug: all modules-debug
	MAIA_KERNEL_TREE=$$($(REPO)/scripts/debug-kernel.sh) \
		$(REPO)/scripts/check.sh --tier debug

demo: all
	$(REPO)/scripts/vm-run --name demo -- $(REPO)/scripts/demo.sh

# Side-by-side benchmarks in one VM; tables and JSON in build/bench/.
bench: all
	$(REPO)/scripts/bench.sh

checkpatch: kernel-source
	perl $(KSRC)/scripts/checkpatch.pl --no-tree --strict --terse -f \
		$(shell find drivers uapi -name '*.[ch]')

clean:
	rm -rf $(BUILD)/kernel $(BUILD)/kernel-debug $(BUILD)/userspace $(BUILD)/kselftest $(BUILD)/vm
