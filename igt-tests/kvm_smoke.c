// SPDX-License-Identifier: GPL-2.0-only
/**
 * TEST: kvm_smoke
 * Description: KVM works at all in the test VM (nested under QEMU): VMs,
 *   vCPUs, ucalls, exits to user space and memslot checks. Later tests
 *   build VMs the same ways: with the selftests library (guest code in C,
 *   ucalls) or barebones (hand-written real-mode code, exits seen
 *   directly).
 */
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lib/vm.h"

/**
 * SUBTEST: create-vm
 * Description: /dev/kvm answers KVM_GET_API_VERSION (12) and
 *   KVM_CHECK_EXTENSION, and creates a VM that answers capability queries
 *   on its own fd.
 */
static void create_vm(void)
{
	int kvm, vm;

	igt_require_kvm();
	igt_assert_ok(kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC));
	igt_assert_eq(ioctl(kvm, KVM_GET_API_VERSION, 0), 12);
	igt_assert(ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_USER_MEMORY) > 0);
	igt_assert_ok(vm = ioctl(kvm, KVM_CREATE_VM, 0));
	/* The VM answers capability queries on its own fd too. */
	igt_assert(ioctl(vm, KVM_CHECK_EXTENSION, KVM_CAP_USER_MEMORY) > 0);
	close(vm);
	close(kvm);
}

/* Host-chosen seed, copied into the guest before it runs. */
static u64 seed;
/* Written by the guest, read back by the host. */
static u64 guest_result;

#define NR_SYNCS	3

static void guest_sync_loop(void)
{
	u64 i;

	for (i = 1; i <= NR_SYNCS; i++)
		GUEST_SYNC2(i, seed * i);
	guest_result = ~seed;
	GUEST_DONE();
}

/**
 * SUBTEST: ucall-roundtrip
 * Description: A guest written in C (the KVM selftests library) reads a
 *   value the host put into its memory, reports through ucalls and writes
 *   a result the host reads back.
 */
static void ucall_roundtrip(void)
{
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;
	struct ucall uc;
	u64 i;

	igt_require_kvm();
	vm = vm_create_with_one_vcpu(&vcpu, guest_sync_loop);
	seed = 0x7e57c0de00000000ull | getpid();
	sync_global_to_guest(vm, seed);

	for (i = 1; i <= NR_SYNCS; i++) {
		igt_assert_eq(vcpu_run_ucall(vcpu, &uc), UCALL_SYNC);
		igt_assert_eq_u64(uc.args[0], i);
		igt_assert_eq_u64(uc.args[1], seed * i);
	}
	igt_assert_eq(vcpu_run_ucall(vcpu, &uc), UCALL_DONE);
	sync_global_from_guest(vm, guest_result);
	igt_assert_eq_u64(guest_result, ~seed);
	kvm_vm_free(vm);
}

#define RAW_CODE_GPA	0x1000
#define RAW_PORT	0x10
#define RAW_BYTE	0x42

/**
 * SUBTEST: run-to-hlt
 * Description: A barebones real-mode guest of a few hand-written
 *   instructions exits to user space with port I/O, then with HLT, at the
 *   expected RIP.
 */
#ifdef __x86_64__
static void run_to_hlt(void)
{
	/* mov $RAW_BYTE, %al; out %al, $RAW_PORT; hlt (valid in real mode) */
	static const u8 code[] = { 0xb0, RAW_BYTE, 0xe6, RAW_PORT, 0xf4 };
	long page = getpagesize();
	struct kvm_vcpu *vcpu;
	struct kvm_regs regs;
	struct kvm_vm *vm;
	u8 *mem;

	igt_require_kvm();
	mem = mmap(NULL, page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	igt_assert(mem != MAP_FAILED);
	memcpy(mem, code, sizeof(code));

	/* No irqchip: with one, KVM would halt the vCPU in the kernel. */
	vm = vm_create_barebones();
	vm_set_user_memory_region(vm, 0, 0, RAW_CODE_GPA, page, mem);
	vcpu = vm_add_raw_vcpu(vm, RAW_CODE_GPA);

	igt_assert_ok(_vcpu_run(vcpu));
	igt_assert_exit_reason(vcpu, KVM_EXIT_IO);
	igt_assert_eq(vcpu->run->io.direction, KVM_EXIT_IO_OUT);
	igt_assert_eq(vcpu->run->io.port, RAW_PORT);
	igt_assert_eq(vcpu->run->io.size, 1);
	igt_assert_eq(vcpu->run->io.count, 1);
	igt_assert_eq(*((u8 *)vcpu->run + vcpu->run->io.data_offset), RAW_BYTE);

	igt_assert_ok(_vcpu_run(vcpu));
	igt_assert_exit_reason(vcpu, KVM_EXIT_HLT);
	vcpu_regs_get(vcpu, &regs);
	igt_assert_eq_u64(regs.rip, RAW_CODE_GPA + sizeof(code));

	kvm_vm_free(vm);
	munmap(mem, page);
}
#else
static void run_to_hlt(void)
{
	/* arm64 has no port I/O, and KVM handles WFI in the kernel. */
	igt_skip("an x86 real-mode guest: no port I/O or HLT exit on this architecture");
}
#endif

/**
 * SUBTEST: bad-memslot
 * Description: KVM_SET_USER_MEMORY_REGION refuses unaligned sizes and
 *   addresses, slot ids beyond KVM_CAP_NR_MEMSLOTS, deleting a slot that
 *   does not exist (EINVAL) and overlapping slots (EEXIST).
 */
static void bad_memslot(void)
{
	long page = getpagesize();
	struct kvm_vm *vm;
	int nr_slots;
	u8 *mem;

	igt_require_kvm();
	mem = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	igt_assert(mem != MAP_FAILED);
	vm = vm_create_barebones();
	nr_slots = kvm_check_cap(KVM_CAP_NR_MEMSLOTS);
	igt_assert(nr_slots > 0);

	/* Size, guest address and host address must be page aligned. */
	igt_assert_errno(__vm_set_user_memory_region(vm, 0, 0, 0, page + 1, mem),
			 EINVAL);
	igt_assert_errno(__vm_set_user_memory_region(vm, 0, 0, 0x100, page, mem),
			 EINVAL);
	igt_assert_errno(__vm_set_user_memory_region(vm, 0, 0, 0, page, mem + 8),
			 EINVAL);
	/* Slot ids end below KVM_CAP_NR_MEMSLOTS. */
	igt_assert_errno(__vm_set_user_memory_region(vm, nr_slots, 0, 0, page, mem),
			 EINVAL);
	/* Deleting (size 0) a slot that does not exist. */
	igt_assert_errno(__vm_set_user_memory_region(vm, 0, 0, 0, 0, mem),
			 EINVAL);

	/* The same slot, aligned, is fine... */
	igt_assert_eq(__vm_set_user_memory_region(vm, 0, 0, 0, page, mem), 0);
	/* ...but a second slot may not overlap it. */
	igt_assert_errno(__vm_set_user_memory_region(vm, 1, 0, 0, 2 * page, mem),
			 EEXIST);
	igt_assert_eq(__vm_set_user_memory_region(vm, 1, 0, page, page,
						  mem + page), 0);

	kvm_vm_free(vm);
	munmap(mem, 2 * page);
}

/* An arbitrary guest address well above the library's memory (slot 0). */
#define HOLE_GPA	0xc0000000ull
#define HOLE_SLOT	10

static void guest_touch_hole(void)
{
	READ_ONCE(*(u64 *)HOLE_GPA);
	GUEST_FAIL("read from the hole did not exit");
}

/**
 * SUBTEST: unmapped-memslot
 * Description: A memslot over host memory the process cannot access is
 *   accepted (KVM only checks that the range is user space), but a guest
 *   access to it fails KVM_RUN with EFAULT (hva_to_pfn() finds no usable
 *   page).
 *
 * The guest runs with paging on so that the access faults through the MMU,
 * not through the instruction emulator that may run real-mode code and
 * fails differently.
 */
static void unmapped_memslot(void)
{
	long page = getpagesize();
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;
	int ret, err;
	void *hole;

	igt_require_kvm();
	/* PROT_NONE keeps the range reserved, so nothing else lands there. */
	hole = mmap(NULL, page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	igt_assert(hole != MAP_FAILED);

	vm = vm_create_with_one_vcpu(&vcpu, guest_touch_hole);
	igt_assert_eq(__vm_set_user_memory_region(vm, HOLE_SLOT, 0, HOLE_GPA,
						  page, hole), 0);
	virt_map(vm, HOLE_GPA, HOLE_GPA, 1);

	ret = _vcpu_run(vcpu);
	err = errno;
	igt_assert_f(ret == -1 && err == EFAULT,
		     "expected KVM_RUN to fail with EFAULT, got %d, errno %s, exit reason %s",
		     ret, igt_errname(err), exit_reason_str(vcpu->run->exit_reason));

	kvm_vm_free(vm);
	munmap(hole, page);
}

static const struct igt_subtest tests[] = {
	{ "create-vm", create_vm },
	{ "ucall-roundtrip", ucall_roundtrip },
	{ "run-to-hlt", run_to_hlt },
	{ "bad-memslot", bad_memslot },
	{ "unmapped-memslot", unmapped_memslot },
};

IGT_MAIN(tests)
