# SPDX-License-Identifier: GPL-2.0
# Kernel fault injection (failslab, fail_page_alloc) aimed at one maia module:
# only allocations with that module's code on the stack fail. Needs a kernel
# with FAULT_INJECTION_DEBUG_FS and the stack-trace filter (the debug kernel
# of `make check-debug`); fi_available says whether this one has them.
# Sourced by the fault-injection tests of each suite.

FI_ATTRS="failslab fail_page_alloc"
FI_DBG=/sys/kernel/debug

fi_available() {
	local a
	for a in $FI_ATTRS; do
		[ -w "$FI_DBG/$a/require-start" ] || return 1
	done
}

# fi_module_range MODULE: "START END" of the module's memory, from
# /proc/modules (base address and size of its core image).
fi_module_range() {
	local name size refs deps state addr rest
	while read -r name size refs deps state addr rest; do
		if [ "$name" = "$1" ]; then
			# hex: the addresses do not fit a signed 64-bit decimal
			printf "%#x %#x\n" "$((addr))" "$((addr + size))"
			return 0
		fi
	done < /proc/modules
}

# fi_on MODULE PERCENT TASKONLY: failures at PERCENT % of the allocations whose
# stack passes through MODULE; TASKONLY=1 limits them to tasks that opted in
# through /proc/self/make-it-fail (fi_exec), 0 lets softirq work (NAPI) fail
# as well.
fi_on() {
	local mod=$1 pct=$2 taskonly=$3 range a
	range=$(fi_module_range "$mod")
	[ -n "$range" ] || { echo "# fault injection: $mod is not loaded"; return 1; }
	for a in $FI_ATTRS; do
		echo 0 > "$FI_DBG/$a/probability"
		echo "${range% *}" > "$FI_DBG/$a/require-start"
		echo "${range#* }" > "$FI_DBG/$a/require-end"
		echo 32 > "$FI_DBG/$a/stacktrace-depth"
		echo N > "$FI_DBG/$a/ignore-gfp-wait"
		echo 1 > "$FI_DBG/$a/interval"
		echo -1 > "$FI_DBG/$a/times"
		echo 0 > "$FI_DBG/$a/space"
		# One line per failure, no stack: a stack would read as a splat.
		echo 1 > "$FI_DBG/$a/verbose"
		echo "$([ "$taskonly" = 1 ] && echo Y || echo N)" > "$FI_DBG/$a/task-filter"
		echo "$pct" > "$FI_DBG/$a/probability"
	done
	echo 0 > "$FI_DBG/fail_page_alloc/min-order"
	echo N > "$FI_DBG/fail_page_alloc/ignore-gfp-highmem"
}

fi_off() {
	local a
	for a in $FI_ATTRS; do
		echo 0 > "$FI_DBG/$a/probability"
		echo 0 > "$FI_DBG/$a/times"
	done
}

# fi_exec COMMAND...: run COMMAND as a task whose allocations may fail.
fi_exec() {
	bash -c 'echo 1 > /proc/self/make-it-fail && exec "$@"' fi_exec "$@"
}

# fi_count: failures injected so far (the kernel prints one line each,
# rate-limited, so this is a lower bound).
fi_count() {
	dmesg | grep -c 'FAULT_INJECTION: forcing a failure'
}
