// SPDX-License-Identifier: GPL-2.0-only
/* vcpu_thread: a VMM's vCPU run loop. See vcpu_thread.h. */
#include "vcpu_thread.h"

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
		int ret = _vcpu_run(t->vcpu);
		u64 cmd;

		if (ret == -1 && errno == EFAULT) {
			if (t->moving)
				t->efaults_moving += *t->moving;
			t->efaults++;
			continue;
		}
		igt_assert_f(ret == 0, "KVM_RUN: %d, errno %s", ret,
			     igt_errname(errno));
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
	igt_assert_eq(pthread_create(&t->thread, NULL, vcpu_thread_fn, t), 0);
}

void vcpu_thread_join(struct vcpu_thread *t)
{
	igt_assert_eq(pthread_join(t->thread, NULL), 0);
}
