/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vm: glue between igt_proto and the kernel tree's KVM selftests library
 * (tools/testing/selftests/kvm/lib), which the tests use to build VMs.
 *
 * The library reports its own failures with exit(254) (TEST_ASSERT) and
 * exit(4) (TEST_REQUIRE, no /dev/kvm); the harness turns those into FAIL and
 * SKIP. Its pr_info() output is compiled out (-DQUIET) so that stdout stays
 * clean for --list-subtests.
 */
#ifndef IGT_TESTS_VM_H
#define IGT_TESTS_VM_H

#include <kvm_util.h>
#include <processor.h>
#include <ucall_common.h>

#include "igt_proto.h"

/* Skips the subtest unless /dev/kvm can be opened read-write. */
void igt_require_kvm(void);

#define igt_assert_exit_reason(vcpu, expected)				\
	do {								\
		unsigned int __got = (vcpu)->run->exit_reason;		\
		unsigned int __want = (expected);			\
		if (__got != __want)					\
			igt_fail("expected exit reason %u (%s), got %u (%s)", \
				 __want, exit_reason_str(__want),	\
				 __got, exit_reason_str(__got));	\
	} while (0)

/*
 * Runs @vcpu to its next ucall and returns the UCALL_* command in @uc. A
 * guest assertion (GUEST_ASSERT*()) or any exit that is not a ucall fails the
 * subtest.
 */
u64 vcpu_run_ucall(struct kvm_vcpu *vcpu, struct ucall *uc);

/* Whether the file @path (a module parameter, say) starts with @want. */
bool sysfs_param_is(const char *path, char want);

/*
 * KVM's per-vCPU binary stats that tell how a vCPU spends its time in
 * KVM_RUN when its guest makes no progress: exits, page faults, emulation,
 * interrupts (the list depends on the architecture). Read them before and
 * after a wait, and print what changed.
 */
#define VCPU_STALL_STATS_MAX	24
struct vcpu_stall_stats {
	u64 v[VCPU_STALL_STATS_MAX];
};

void vcpu_stall_stats_read(struct kvm_vcpu *vcpu, struct vcpu_stall_stats *s);
/* " name +delta" for each counter that changed, or " nothing". */
void vcpu_stall_stats_format(const struct vcpu_stall_stats *before,
			     const struct vcpu_stall_stats *after,
			     char *buf, size_t size);

/*
 * Lets a signal end a vCPU's KVM_RUN with EINTR: installs an empty
 * handler for @sig without SA_RESTART. pthread_kill() the vCPU's thread
 * with it; the thread must run KVM_RUN with __vcpu_run(), since
 * _vcpu_run() re-enters the guest on EINTR.
 */
void vcpu_kick_signal_init(int sig);

/*
 * Stops the kernel's trace ring buffer (tracefs tracing_on), if there is
 * one, so that the events leading to a failure stay in it for whoever
 * enabled them (scripts/race-hunt.sh --trace). Call it first thing on a
 * failure that has no explanation yet.
 */
void kernel_trace_stop(void);

#ifdef __x86_64__
/*
 * Guest memory KVM has mapped, in 4 KiB pages, whatever the size of its
 * leaf SPTEs (binary stats pages_4k, pages_2m, pages_1g): tells whether a
 * move zapped them.
 */
u64 vm_mapped_4k(struct kvm_vm *vm);

/*
 * Adds vCPU 0 to a VM from vm_create_barebones() (no memory, no irqchip, so
 * HLT and port I/O reach userspace) in its reset state, i.e. real mode,
 * except that it starts at @rip with CS base 0.
 */
struct kvm_vcpu *vm_add_raw_vcpu(struct kvm_vm *vm, u64 rip);

/*
 * Gives the guest's double fault handler a stack of its own (IST 1 in the
 * library's TSS). The library's exceptions run on the interrupted stack, so
 * an exception whose delivery faults on that stack ends in a triple fault,
 * a KVM_EXIT_SHUTDOWN that says nothing. With this, such a fault ends in a
 * reported unhandled #DF (vector 8), with CR2 still holding the address of
 * a page fault whose delivery failed; a SHUTDOWN left means the guest could
 * not reach its IDT, GDT, TSS or handler code either. One stack for all
 * vCPUs: two vCPUs double-faulting at once may garble each other's report.
 */
void vm_set_double_fault_stack(struct kvm_vm *vm);
#endif

#ifdef __aarch64__
/* Stage-2 leaf entries over a range of guest physical addresses. */
struct s2_mappings {
	u64 pages_4k, blocks_2m, blocks_1g;
	/* Executable: KVM allows it on cacheable (Normal) mappings only. */
	u64 exec_bytes;
};

/*
 * Counts what stage 2 maps of [@gpa, @gpa + @size) now, from the VM's
 * stage-2 dump in debugfs (CONFIG_PTDUMP_STAGE2_DEBUGFS): arm64 KVM has no
 * mapping-size stats. Fails the caller without that file.
 */
void vm_stage2_mappings(struct kvm_vm *vm, u64 gpa, u64 size,
			struct s2_mappings *m);
#endif

#endif
