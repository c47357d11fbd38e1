/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vcpu_thread: the run loop of a small VMM, one thread per vCPU.
 *
 * It runs the vCPU until its guest is done, the way a VMM that keeps
 * vCPUs running while BOs move must:
 * - KVM_RUN failing with EFAULT is counted and the vCPU re-run (a VMM
 *   would stop the VM; the access works when re-run, and the test fails
 *   on the count after its data checks), also separately when it happened
 *   while the host had *moving set;
 * - an MMIO exit within the hostmem window while nothing is plugged there
 *   is performed on the host mapping @backing (hostmem_emulate_mmio());
 * - ucalls go to ->ucall(), which says when the guest is done;
 * - any other exit calls ->unexpected() (diagnostics) and fails the
 *   subtest.
 *
 * vcpu_thread_join() gives the guest VCPU_THREAD_STOP_SECONDS to see the
 * stop and finish. A vCPU that is still in KVM_RUN then has stalled (its
 * guest cannot get to the stop): it is kicked out with a signal and the
 * subtest fails with what KVM counted for the vCPU while it waited.
 */
#ifndef IGT_TESTS_VCPU_THREAD_H
#define IGT_TESTS_VCPU_THREAD_H

#include <pthread.h>

#include "hostmem.h"

struct vcpu_thread {
	struct kvm_vcpu *vcpu;
	pthread_t thread;
	const volatile bool *moving;	/* may be NULL */
	/* MMIO emulation: the window and what belongs there; hm NULL: none. */
	const struct hostmem *hm;
	void *backing;
	u64 backing_size;
	/* UCALL_SYNC or UCALL_DONE @cmd; returns true when the guest is done. */
	bool (*ucall)(struct vcpu_thread *t, u64 cmd, struct ucall *uc);
	void (*unexpected)(struct vcpu_thread *t);
	void *priv;
	/* Counts. */
	u64 efaults, efaults_moving, mmio_exits;
	/* Set by vcpu_thread_join() before it kicks a stalled vCPU. */
	bool kicked;
};

#define VCPU_THREAD_STOP_SECONDS	60

void vcpu_thread_start(struct vcpu_thread *t);
void vcpu_thread_join(struct vcpu_thread *t);

/* Logs where @vcpu is (registers; x86), e.g. after a KVM_EXIT_SHUTDOWN. */
void vcpu_report_state(struct kvm_vcpu *vcpu);

#endif
