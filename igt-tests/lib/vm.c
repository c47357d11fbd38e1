// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vm.h"

/* processor.o's kvm_selftest_arch_init, renamed by the Makefile (objcopy). */
void libkvm_selftest_arch_init(void);

/*
 * The library runs its arch init from a constructor, before main(). On x86
 * that reads a kvm module parameter and exits the process (status 4, after
 * printing to stdout) when /dev/kvm is missing, which would break
 * --list-subtests on machines without KVM. Run it only when KVM is usable;
 * otherwise every subtest skips before it needs the state set up here.
 */
void kvm_selftest_arch_init(void)
{
	if (!access("/dev/kvm", R_OK | W_OK))
		libkvm_selftest_arch_init();
}

void igt_require_kvm(void)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		igt_skip("cannot open /dev/kvm: %s", strerror(errno));
	close(fd);
}

u64 vcpu_run_ucall(struct kvm_vcpu *vcpu, struct ucall *uc)
{
	u64 cmd;

	/* Also reports a guest assertion (UCALL_ABORT) and exits 254. */
	vcpu_run(vcpu);
	cmd = get_ucall(vcpu, uc);
	if (cmd == UCALL_NONE) {
		igt_assert_exit_reason(vcpu, KVM_EXIT_IO);
		igt_fail("guest did port I/O to %#x, not a ucall",
			 vcpu->run->io.port);
	}
	return cmd;
}

bool sysfs_param_is(const char *path, char want)
{
	char c = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return false;
	if (fread(&c, 1, 1, f) != 1)
		c = 0;
	fclose(f);
	return c == want;
}

#ifdef __x86_64__
u64 vm_mapped_4k(struct kvm_vm *vm)
{
	return vm_get_stat(vm, pages_4k) + 512 * vm_get_stat(vm, pages_2m) +
	       512 * 512 * vm_get_stat(vm, pages_1g);
}

struct kvm_vcpu *vm_add_raw_vcpu(struct kvm_vm *vm, u64 rip)
{
	struct kvm_vcpu *vcpu = __vm_vcpu_add(vm, 0);
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	vcpu_sregs_get(vcpu, &sregs);
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	vcpu_sregs_set(vcpu, &sregs);

	memset(&regs, 0, sizeof(regs));
	regs.rip = rip;
	regs.rflags = 0x2;	/* bit 1 is reserved and must be set */
	vcpu_regs_set(vcpu, &regs);
	return vcpu;
}

/* The 64-bit TSS: IST1 at byte 0x24 (SDM vol. 3, "64-Bit TSS Format"). */
#define TSS64_IST1	0x24
#define DF_IST		1

void vm_set_double_fault_stack(struct kvm_vm *vm)
{
	struct idt_entry *idt = addr_gva2hva(vm, vm->arch.idt);
	u8 *tss = addr_gva2hva(vm, vm->arch.tss);
	u64 top = vm_alloc_stack(vm, 1);

	memcpy(tss + TSS64_IST1, &top, sizeof(top));
	idt[DF_VECTOR].ist = DF_IST;
}
#endif

static const char *const vcpu_stall_stat_names[] = {
	"exits", "signal_exits", "halt_exits",
#ifdef __x86_64__
	"pf_taken", "pf_fixed", "pf_emulate", "pf_spurious", "pf_fast",
	"pf_mmio_spte_created", "pf_guest", "mmio_exits", "insn_emulation",
	"insn_emulation_fail", "irq_exits", "request_irq_exits", "tlb_flush",
	"req_event",
#else
	"mmio_exit_user", "mmio_exit_kernel", "wfe_exit_stat", "wfi_exit_stat",
	"hvc_exit_stat",
#endif
};
#define NR_VCPU_STALL_STATS \
	(sizeof(vcpu_stall_stat_names) / sizeof(vcpu_stall_stat_names[0]))
_Static_assert(NR_VCPU_STALL_STATS <= VCPU_STALL_STATS_MAX,
	       "struct vcpu_stall_stats is too small");

void vcpu_stall_stats_read(struct kvm_vcpu *vcpu, struct vcpu_stall_stats *s)
{
	unsigned int i;

	for (i = 0; i < NR_VCPU_STALL_STATS; i++)
		kvm_get_stat(&vcpu->stats, vcpu_stall_stat_names[i], &s->v[i], 1);
}

void vcpu_stall_stats_format(const struct vcpu_stall_stats *before,
			     const struct vcpu_stall_stats *after,
			     char *buf, size_t size)
{
	size_t len = 0;
	unsigned int i;

	buf[0] = 0;
	for (i = 0; i < NR_VCPU_STALL_STATS && len + 48 < size; i++)
		if (after->v[i] != before->v[i])
			len += snprintf(buf + len, size - len, " %s +%llu",
					vcpu_stall_stat_names[i],
					(unsigned long long)(after->v[i] -
							     before->v[i]));
	if (!len)
		snprintf(buf, size, " nothing");
}

static void vcpu_kick_handler(int sig)
{
}

void vcpu_kick_signal_init(int sig)
{
	struct sigaction sa = { .sa_handler = vcpu_kick_handler };

	igt_assert_eq(sigaction(sig, &sa, NULL), 0);
}

void kernel_trace_stop(void)
{
	int fd = open("/sys/kernel/tracing/tracing_on", O_WRONLY);

	if (fd < 0)
		return;
	if (write(fd, "0", 1) != 1)
		igt_warn("could not stop the kernel's trace buffer: %s",
			 igt_errname(errno));
	close(fd);
}

#ifdef __aarch64__
/*
 * The dump has a line "0xSTART-0xEND   SIZE LEVEL BITS" per run of alike
 * entries; a mapped run has permission bits (R, W), an executable one
 * "px ux". Level 1 maps 1 GiB, 2 maps 2 MiB, 3 maps 4 KiB (4 KiB granule).
 */
void vm_stage2_mappings(struct kvm_vm *vm, u64 gpa, u64 size,
			struct s2_mappings *m)
{
	unsigned long long start, end;
	u64 lo = gpa, hi = gpa + size;
	char path[96], line[256];
	unsigned int level;
	FILE *f;

	memset(m, 0, sizeof(*m));
	snprintf(path, sizeof(path),
		 "/sys/kernel/debug/kvm/%d-%d/stage2_page_tables", getpid(), vm->fd);
	f = fopen(path, "r");
	TEST_ASSERT(f, "%s: %s (CONFIG_PTDUMP_STAGE2_DEBUGFS?)", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		char *bits;
		u64 bytes;

		if (sscanf(line, "0x%llx-0x%llx %*s %u", &start, &end, &level) != 3)
			continue;
		/* The permission bits follow the size and level fields. */
		bits = strstr(line, "   ");
		if (!bits || !strpbrk(bits + 3, "RW") || end <= lo || start >= hi)
			continue;
		bytes = (end < hi ? end : hi) - (start > lo ? start : lo);
		if (strstr(bits, "px ux"))
			m->exec_bytes += bytes;
		if (level == 3)
			m->pages_4k += bytes >> 12;
		else if (level == 2)
			m->blocks_2m += bytes >> 21;
		else if (level == 1)
			m->blocks_1g += bytes >> 30;
	}
	fclose(f);
}
#endif
