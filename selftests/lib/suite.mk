# SPDX-License-Identifier: GPL-2.0
# Common part of every maia selftest suite Makefile. KSFT_DIR points at
# tools/testing/selftests unpacked from linux-source-6.12; USERSPACE at the
# libmaia build directory.
MAIA_TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/../..)
CFLAGS += -O2 -g -Wall -Wextra -Wno-unused-parameter -Wno-sign-compare \
	-Wno-format-truncation -Wno-clobbered \
	-I$(KSFT_DIR) -I$(MAIA_TOP)/uapi -I$(MAIA_TOP)/userspace/libmaia \
	$(shell pkg-config --cflags libdrm)
LDLIBS += $(USERSPACE)/libmaia.a $(shell pkg-config --libs libdrm) -lm -lpthread
TEST_FILES += settings
include $(KSFT_DIR)/lib.mk
