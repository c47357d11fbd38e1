// SPDX-License-Identifier: GPL-2.0-only
/* vcpu_thread: a VMM's vCPU run loop. See vcpu_thread.h. */
#include <signal.h>
#include <time.h>

#include "vcpu_thread.h"
#include "vm.h"

/* The signal that ends a stalled vCPU's KVM_RUN with EINTR. */
#define VCPU_KICK_SIGNAL	SIGUSR2

void vcpu_report_state(struct kvm_vcpu *vcpu)
{
#ifdef __x86_64__
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	/* A SHUTDOWN (triple fault) gets past the library's IDT. */
	vcpu_regs_get(vcpu, &regs);
	vcpu_sregs_get(vcpu, &sregs);
	igt_warn("vCPU %u: rip %#llx rsp %#llx cr0 %#llx cr2 %#llx cr3 %#llx cr4 %#llx efer %#llx idt %#llx gdt %#llx",
		 vcpu->id, (unsigned long long)regs.rip,
		 (unsigned long long)regs.rsp, (unsigned long long)sregs.cr0,
		 (unsigned long long)sregs.cr2, (unsigned long long)sregs.cr3,
		 (unsigned long long)sregs.cr4, (unsigned long long)sregs.efer,
		 (unsigned long long)sregs.idt.base,
		 (unsigned long long)sregs.gdt.base);
#endif
}

static void *vcpu_thread_fn(void *arg)
{
	struct vcpu_thread *t = arg;
	struct ucall uc;

	for (;;) {
		/* Raw KVM_RUN: the kick's EINTR must reach this loop. */
		int ret = __vcpu_run(t->vcpu);
		u64 cmd;

		if (ret == -1 && errno == EINTR) {
			if (__atomic_load_n(&t->kicked, __ATOMIC_ACQUIRE))
				return NULL;
			continue;
		}
		if (ret == -1 && errno == EFAULT) {
			if (t->moving)
				t->efaults_moving += *t->moving;
			t->efaults++;
			continue;
		}
		igt_assert_f(ret == 0, "KVM_RUN: %d, errno %s", ret,
			     igt_errname(errno));
		assert_on_unhandled_exception(t->vcpu);
		if (t->hm && hostmem_emulate_mmio(t->hm, t->vcpu->run,
						  t->backing, t->backing_size)) {
			t->mmio_exits++;
			continue;
		}
		cmd = get_ucall(t->vcpu, &uc);
		if (cmd == UCALL_SYNC || cmd == UCALL_DONE) {
			if (t->ucall(t, cmd, &uc))
				return NULL;
			continue;
		}
		kernel_trace_stop();
		if (t->unexpected)
			t->unexpected(t);
		igt_fail("vCPU %u exit %s (ucall %llu, MMIO at %#llx)",
			 t->vcpu->id, exit_reason_str(t->vcpu->run->exit_reason),
			 (unsigned long long)cmd,
			 (unsigned long long)t->vcpu->run->mmio.phys_addr);
	}
}

void vcpu_thread_start(struct vcpu_thread *t)
{
	vcpu_kick_signal_init(VCPU_KICK_SIGNAL);
	igt_assert_eq(pthread_create(&t->thread, NULL, vcpu_thread_fn, t), 0);
}

static int join_by(struct vcpu_thread *t, unsigned int seconds)
{
	struct timespec deadline;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += seconds;
	return pthread_timedjoin_np(t->thread, NULL, &deadline);
}

void vcpu_thread_join(struct vcpu_thread *t)
{
	struct vcpu_stall_stats before, after;
	char counted[512];
	unsigned int tries;
	int err;

	/* The vCPU stats fd is read without the vCPU's mutex. */
	vcpu_stall_stats_read(t->vcpu, &before);
	err = join_by(t, VCPU_THREAD_STOP_SECONDS);
	if (!err)
		return;
	igt_assert_f(err == ETIMEDOUT, "joining vCPU %u's thread: %s",
		     t->vcpu->id, igt_errname(err));

	vcpu_stall_stats_read(t->vcpu, &after);
	vcpu_stall_stats_format(&before, &after, counted, sizeof(counted));
	__atomic_store_n(&t->kicked, true, __ATOMIC_RELEASE);
	for (tries = 0; tries < 50; tries++) {
		pthread_kill(t->thread, VCPU_KICK_SIGNAL);
		if (!join_by(t, 1))
			break;
	}
	igt_fail("vCPU %u did not finish within %d s of the stop (stalled in KVM_RUN%s); KVM counted meanwhile:%s",
		 t->vcpu->id, VCPU_THREAD_STOP_SECONDS,
		 tries < 50 ? ", a signal ended it" : ", deaf to signals",
		 counted);
}
