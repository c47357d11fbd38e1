// SPDX-License-Identifier: GPL-2.0-only
/*
 * kvm_bo_eviction: TTM buffer objects mapped into KVM guests stay coherent
 * while TTM moves, evicts, swaps out and frees them.
 *
 * A VMM that exposes a host-visible GPU BO to its guest (virtio-gpu blobs)
 * mmap()s the BO and plugs the mapping into a memslot of its "hostmem
 * window" (lib/hostmem.h). TTM mappings are VM_PFNMAP | VM_IO: KVM resolves
 * them with follow_pfnmap_start() and must rely on the MMU notifier alone,
 * never on page references, because TTM moves the memory behind the
 * mapping whenever it likes and frees or reuses the old backing right away.
 * The subtests move BOs while guests use them and check the guest, the host
 * mapping and the driver's state (vttm INFO and debugfs) agree.
 *
 * Needs /dev/kvm and a vttm device (Documentation/gpu/vttm.rst); skips
 * without them. swapout needs swap space, pin-refused a guest with SVM.
 * Every subtest checks at its end that vttm_usage is back to where it
 * started, i.e. that nothing leaked.
 *
 * Guest code is plain C run in the guest by the KVM selftests library. The
 * window is identity mapped, so guests use the GPAs as pointers.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "lib/hostmem.h"
#include "lib/slot0_audit.h"

/* After the library's kvm_util.h, which it needs. */
#include <svm_util.h>

#define PAGE		4096ull
#define BO_SIZE		(2ull << 20)
#define BO_PAGES	(BO_SIZE / PAGE)
#define BO_WORDS	(BO_SIZE / 8)
#define WIN		HOSTMEM_GPA

#define SYS		BO_DOMAIN_SYSTEM
#define TT		BO_DOMAIN_TT
#define VRAM		BO_DOMAIN_VRAM

/*
 * The data: word at byte offset @off of a BO filled with @seed. Seeds are
 * 32 bits, so a word says who wrote it and where it belongs, e.g.
 * 0x000000a1_00000200 is seed 0xa1's word 0x200 (offset 0x1000).
 */
static inline u64 pattern(u64 seed, u64 off)
{
	return seed << 32 | off / 8;
}

/* ---- guest: a command loop ------------------------------------------ */

enum {
	OP_CHECK = 1,	/* compare [addr, addr+len) with seed (and marker) */
	OP_FILL,	/* fill [addr, addr+len) with seed */
	OP_READ,	/* read the word at addr */
	OP_WRITE,	/* write seed to the word at addr */
};

/* The command the guest runs next, set by the host before each run. */
static struct gcmd {
	u64 op, addr, len, seed, marker;
} gcmd;

/*
 * Runs one command per vCPU run and reports with a ucall:
 * SYNC(op, ok, marked, bad, first bad offset, its value) for OP_CHECK,
 * SYNC(op, value) for OP_READ, SYNC(op) otherwise.
 */
static void guest_cmd_loop(void)
{
	GUEST_SYNC1(0);		/* ready */
	for (;;) {
		u64 ok = 0, marked = 0, bad = 0, bad_off = 0, bad_val = 0;
		u64 base = gcmd.addr - WIN, end = base + gcmd.len, off;
		volatile u64 *w;

		switch (gcmd.op) {
		case OP_CHECK:
			for (off = base; off < end; off += 8) {
				u64 v = *(volatile u64 *)(WIN + off);

				if (v == pattern(gcmd.seed, off)) {
					ok++;
				} else if (gcmd.marker &&
					   v == pattern(gcmd.marker, off)) {
					marked++;
				} else {
					if (!bad) {
						bad_off = off;
						bad_val = v;
					}
					bad++;
				}
			}
			GUEST_SYNC6(OP_CHECK, ok, marked, bad, bad_off, bad_val);
			break;
		case OP_FILL:
			for (off = base; off < end; off += 8)
				*(volatile u64 *)(WIN + off) = pattern(gcmd.seed, off);
			GUEST_SYNC1(OP_FILL);
			break;
		case OP_READ:
			w = (volatile u64 *)gcmd.addr;
			GUEST_SYNC2(OP_READ, *w);
			break;
		case OP_WRITE:
			w = (volatile u64 *)gcmd.addr;
			*w = gcmd.seed;
			GUEST_SYNC1(OP_WRITE);
			break;
		default:
			GUEST_FAIL("unknown op %lu", (unsigned long)gcmd.op);
		}
	}
}

/* ---- host side -------------------------------------------------------- */

struct env {
	struct vttm_dev dev;
	struct bo_provider p;
	struct vttm_usage base;
};

static void env_init(struct env *e)
{
	igt_require_kvm();
	vttm_require(&e->dev);
	bo_provider_init_vttm(&e->p, &e->dev);
	e->base = vttm_read_usage(&e->dev);
}

/* Closes the device and checks that everything was given back. */
static void env_fini(struct env *e)
{
	close(e->dev.fd);
	e->dev.fd = -1;
	vttm_check_usage(&e->dev, &e->base);
}

/* Subtests that check reuse of a VRAM range need VRAM to themselves. */
static void require_empty_vram(struct env *e)
{
	if (e->base.vram_used)
		igt_skip("VRAM already holds %lld pages of other BOs",
			 e->base.vram_used);
}

/* A VM with one vCPU in guest_cmd_loop() and an empty window. */
struct tvm {
	struct kvm_vm *vm;
	struct kvm_vcpu *vcpu;
	struct hostmem hm;
};

static void tvm_create(struct tvm *t)
{
	struct kvm_vcpu *vcpus[1];
	struct ucall uc;

	t->vm = hostmem_vm_create(&t->hm, 1, guest_cmd_loop, vcpus, BO_SIZE, 0);
	t->vcpu = vcpus[0];
	igt_assert_eq(vcpu_run_ucall(t->vcpu, &uc), UCALL_SYNC);
	igt_assert_eq(uc.args[0], 0);
}

static void tvm_free(struct tvm *t)
{
	kvm_vm_free(t->vm);
	t->vm = NULL;
}

/* Sends @c to the guest and runs it to the command's ucall, into @uc. */
static void guest_do(struct tvm *t, const struct gcmd *c, struct ucall *uc)
{
	gcmd = *c;
	sync_global_to_guest(t->vm, gcmd);
	igt_assert_eq(vcpu_run_ucall(t->vcpu, uc), UCALL_SYNC);
	igt_assert_eq(uc->args[0], c->op);
}

struct check_result {
	u64 ok, marked, bad, bad_off, bad_val;
};

static struct check_result guest_check(struct tvm *t, u64 seed, u64 marker)
{
	struct gcmd c = {
		.op = OP_CHECK, .addr = WIN, .len = BO_SIZE,
		.seed = seed, .marker = marker,
	};
	struct ucall uc;

	guest_do(t, &c, &uc);
	return (struct check_result) {
		uc.args[1], uc.args[2], uc.args[3], uc.args[4], uc.args[5],
	};
}

/* The guest reads the whole BO and must find fill(@seed) everywhere. */
static void guest_expect(struct tvm *t, u64 seed, const char *when)
{
	struct check_result r = guest_check(t, seed, 0);

	igt_assert_f(r.bad == 0 && r.ok == BO_WORDS,
		     "%s: the guest read %llu of %llu words wrong, first at offset %#llx: %#llx, expected %#llx",
		     when, (unsigned long long)r.bad, BO_WORDS,
		     (unsigned long long)r.bad_off,
		     (unsigned long long)r.bad_val,
		     (unsigned long long)pattern(seed, r.bad_off));
}

static void guest_fill(struct tvm *t, u64 seed)
{
	struct gcmd c = { .op = OP_FILL, .addr = WIN, .len = BO_SIZE, .seed = seed };
	struct ucall uc;

	guest_do(t, &c, &uc);
}

static void guest_write(struct tvm *t, u64 gpa, u64 value)
{
	struct gcmd c = { .op = OP_WRITE, .addr = gpa, .seed = value };
	struct ucall uc;

	guest_do(t, &c, &uc);
}

static u64 guest_read(struct tvm *t, u64 gpa)
{
	struct gcmd c = { .op = OP_READ, .addr = gpa };
	struct ucall uc;

	guest_do(t, &c, &uc);
	return uc.args[1];
}

static void host_fill(void *map, u64 seed)
{
	volatile u64 *w = map;
	u64 i;

	for (i = 0; i < BO_WORDS; i++)
		w[i] = pattern(seed, i * 8);
}

/* Fails unless @map holds fill(@seed), except the words where @skip says. */
static void host_check_except(const void *map, u64 seed,
			      bool (*skip)(u64 off), const char *what)
{
	const volatile u64 *w = map;
	u64 i, bad = 0, first = 0, first_val = 0;

	for (i = 0; i < BO_WORDS; i++) {
		u64 v = w[i];

		if (v == pattern(seed, i * 8) || (skip && skip(i * 8)))
			continue;
		if (!bad) {
			first = i * 8;
			first_val = v;
		}
		bad++;
	}
	igt_assert_f(!bad,
		     "%s: %llu of %llu words wrong on the host, first at offset %#llx: %#llx, expected %#llx",
		     what, (unsigned long long)bad, BO_WORDS,
		     (unsigned long long)first, (unsigned long long)first_val,
		     (unsigned long long)pattern(seed, first));
}

static void host_check(const void *map, u64 seed, const char *what)
{
	host_check_except(map, seed, NULL, what);
}

/* Checks through the BO's existing mapping and through a new one. */
static void host_check_both(struct hm_bo *bo, u64 seed, const char *what)
{
	void *fresh = bo_map(bo);

	host_check(bo->map, seed, what);
	host_check(fresh, seed, what);
	munmap(fresh, bo->size);
}

/*
 * Guest memory KVM has mapped, in 4 KiB pages, whatever the size of its leaf
 * SPTEs: tells whether a move zapped them.
 */
static u64 kvm_4k_mappings(struct kvm_vm *vm)
{
	return vm_get_stat(vm, pages_4k) + 512 * vm_get_stat(vm, pages_2m) +
	       512 * 512 * vm_get_stat(vm, pages_1g);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- map-read-write --------------------------------------------------- */

/* Data written on either side shows on the other, in every domain. */
static void test_map_read_write(void)
{
	static const u32 domains[] = { VRAM, TT, SYS };
	struct env e;
	unsigned int i;

	env_init(&e);
	for (i = 0; i < ARRAY_SIZE(domains); i++) {
		u64 host_seed = 0xa100 + i, guest_seed = 0xb100 + i;
		struct hm_bo bo;
		struct tvm t;
		char what[64];

		bo_create(&bo, &e.p, BO_SIZE, domains[i]);
		host_fill(bo.map, host_seed);
		tvm_create(&t);
		hostmem_plug(&t.hm, bo.map, BO_SIZE, 0);

		snprintf(what, sizeof(what), "%s BO, host-written data",
			 bo_domain_name(domains[i]));
		guest_expect(&t, host_seed, what);
		guest_fill(&t, guest_seed);
		snprintf(what, sizeof(what), "%s BO, guest-written data",
			 bo_domain_name(domains[i]));
		host_check_both(&bo, guest_seed, what);
		igt_assert_eq(bo_info(&bo).domain, domains[i]);

		tvm_free(&t);
		bo_close(&bo);
	}
	env_fini(&e);
}

/* ---- evict-* and swapout ---------------------------------------------- */

/*
 * A BO in @from, mapped and read by the guest, moves to @to (swapped out
 * with @swapout) while the vCPU is stopped between two ucalls. The move must
 * zap KVM's mappings; the guest then reads the old data from the new place
 * and its writes land there.
 */
static void evict_while_mapped(u32 from, u32 to, bool swapout)
{
	const u64 seed = 0xe1, seed2 = 0xe2;
	struct bo_info info;
	u64 mapped, after;
	struct hm_bo bo;
	struct env e;
	struct tvm t;

	env_init(&e);
	if (swapout && !have_swap())
		igt_skip("no free swap space: swapout needs swap (swapon, e.g. on zram)");

	bo_create(&bo, &e.p, BO_SIZE, from);
	host_fill(bo.map, seed);
	tvm_create(&t);
	hostmem_plug(&t.hm, bo.map, BO_SIZE, 0);

	/* The guest maps every page of the old backing. */
	after = kvm_4k_mappings(t.vm);
	guest_expect(&t, seed, "before the move");
	mapped = kvm_4k_mappings(t.vm);
	igt_assert_f(mapped >= after + BO_PAGES,
		     "reading the BO added %llu 4K mappings in KVM, expected at least %llu",
		     (unsigned long long)(mapped - after), BO_PAGES);

	if (swapout) {
		igt_assert_eq(__bo_move(&bo, SYS, BO_MOVE_SWAPOUT), 0);
		info = bo_info(&bo);
		igt_assert_eq(info.domain, SYS);
		igt_assert_f(info.swapped, "BO not swapped out after VTTM_MOVE_SWAPOUT");
	} else {
		bo_move(&bo, to);
	}
	after = kvm_4k_mappings(t.vm);
	igt_assert_f(mapped - after >= BO_PAGES,
		     "the move removed %lld of KVM's 4K mappings, expected all %llu of the BO",
		     (long long)(mapped - after), BO_PAGES);

	guest_expect(&t, seed, "after the move");
	guest_fill(&t, seed2);

	info = bo_info(&bo);
	igt_assert_f(info.domain == to, "BO in %s after the guest's accesses, expected %s",
		     bo_domain_name(info.domain), bo_domain_name(to));
	if (swapout)
		igt_assert_f(!info.swapped, "guest accesses did not swap the BO back in");
	host_check_both(&bo, seed2, "guest writes after the move");

	tvm_free(&t);
	bo_close(&bo);
	env_fini(&e);
}

static void test_evict_vram_to_tt(void)
{
	evict_while_mapped(VRAM, TT, false);
}

static void test_evict_tt_to_system(void)
{
	evict_while_mapped(TT, SYS, false);
}

static void test_swapout(void)
{
	evict_while_mapped(TT, SYS, true);
}

/* ---- evict-race and memslot-replug-during-evict: guests that count ------ */

/*
 * Each vCPU owns SEQ_SLOTS words: one in each quarter of the BO, in a page
 * of its own, and one cache line of the BO's last page, which all vCPUs
 * share. In iteration n it checks every slot still holds n - 1 (its previous
 * write: else a stale read or a lost write), writes n and reads n back. It
 * also checks one word of the background fill. The host checks that slots
 * never go backwards and end at the vCPU's last n.
 */
#define SEQ_VCPUS	2
#define SEQ_SLOTS	5

static inline u64 seq_slot_off(u64 vcpu, u64 slot)
{
	if (slot == SEQ_SLOTS - 1)
		return (BO_PAGES - 1) * PAGE + vcpu * 64;
	return (slot * (BO_PAGES / (SEQ_SLOTS - 1)) + vcpu) * PAGE + vcpu * 64;
}

/* Slot words live in the first SEQ_VCPUS cache lines of a page. */
static bool is_seq_line(u64 off)
{
	return off % PAGE < SEQ_VCPUS * 64;
}

/*
 * The guest's copies: seq_seed is set before the vCPUs start, seq_stop_flag
 * by the host to end the run.
 */
static volatile u64 seq_stop_flag;
static u64 seq_seed;

/* The seeds the counting subtests fill their BOs with. */
static const u64 seq_seeds[] = { 0x3ace, 0x50a1, 0x50a2, 0x4e91 };

static void guest_seq(u64 idx)
{
	u64 n, slot, stale = 0, stale_n = 0, stale_val = 0, stale_where = 0;
	u64 bg_bad = 0, bg_off = 0, bg_val = 0;

	for (n = 1; !seq_stop_flag; n++) {
		/* A background word outside the slot lines. */
		u64 off = (n % BO_PAGES) * PAGE + (16 + n % (PAGE / 8 - 16)) * 8;
		u64 v = *(volatile u64 *)(WIN + off);

		if (v != pattern(seq_seed, off)) {
			if (!bg_bad) {
				bg_off = off;
				bg_val = v;
			}
			bg_bad++;
		}

		for (slot = 0; slot < SEQ_SLOTS; slot++) {
			volatile u64 *w = (volatile u64 *)(WIN + seq_slot_off(idx, slot));

			v = *w;
			if (v != n - 1) {
				if (!stale) {
					stale_n = n;
					stale_val = v;
					stale_where = slot;
				}
				stale++;
			}
			*w = n;
			v = *w;
			if (v != n) {
				if (!stale) {
					stale_n = n;
					stale_val = v;
					stale_where = slot | 0x100;
				}
				stale++;
			}
		}
	}
	GUEST_SYNC6(idx, n - 1, stale, stale_n, stale_val, stale_where);
	GUEST_SYNC4(idx, bg_bad, bg_off, bg_val);
	GUEST_DONE();
}

struct seq_vcpu {
	struct kvm_vcpu *vcpu;
	pthread_t thread;
	/* The host sets it while a move runs. */
	const volatile bool *moving;
	/* KVM_RUN failures with EFAULT (re-run), and during a move. */
	u64 efaults, efaults_moving;
	/* For memslot-replug-during-evict: MMIO exits to emulate. */
	const struct hostmem *hm;
	void *backing;
	u64 mmio_exits;
	/* The guest's report. */
	u64 iterations, stale, stale_n, stale_val, stale_where;
	u64 bg_bad, bg_off, bg_val;
	/* Slot 0 before the vCPUs ran. */
	const struct slot0_audit *audit;
};

/*
 * Where the vCPU was when it stopped unexpectedly. A SHUTDOWN (triple
 * fault) gets past the library's IDT, so registers are all there is.
 */
static void report_vcpu_state(struct kvm_vcpu *vcpu)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	vcpu_regs_get(vcpu, &regs);
	vcpu_sregs_get(vcpu, &sregs);
	igt_warn("vCPU %u: rip %#llx rsp %#llx cr0 %#llx cr2 %#llx cr3 %#llx cr4 %#llx efer %#llx idt %#llx gdt %#llx",
		 vcpu->id, (unsigned long long)regs.rip,
		 (unsigned long long)regs.rsp, (unsigned long long)sregs.cr0,
		 (unsigned long long)sregs.cr2, (unsigned long long)sregs.cr3,
		 (unsigned long long)sregs.cr4, (unsigned long long)sregs.efer,
		 (unsigned long long)sregs.idt.base,
		 (unsigned long long)sregs.gdt.base);
}

static void *seq_vcpu_thread(void *arg)
{
	struct seq_vcpu *s = arg;
	struct ucall uc;
	int reports = 0;

	for (;;) {
		int ret = _vcpu_run(s->vcpu);

		/*
		 * Not what a VMM can live with (QEMU stops the VM), but the
		 * access works when the vCPU is re-run: count, go on, and
		 * fail in seq_check() after the data checks.
		 */
		if (ret == -1 && errno == EFAULT) {
			s->efaults_moving += *s->moving;
			s->efaults++;
			continue;
		}
		igt_assert_f(ret == 0, "KVM_RUN: %d, errno %s", ret,
			     igt_errname(errno));
		if (s->hm && hostmem_emulate_mmio(s->hm, s->vcpu->run,
						  s->backing, BO_SIZE)) {
			s->mmio_exits++;
			continue;
		}
		switch (get_ucall(s->vcpu, &uc)) {
		case UCALL_SYNC:
			if (reports++ == 0) {
				s->iterations = uc.args[1];
				s->stale = uc.args[2];
				s->stale_n = uc.args[3];
				s->stale_val = uc.args[4];
				s->stale_where = uc.args[5];
			} else {
				s->bg_bad = uc.args[1];
				s->bg_off = uc.args[2];
				s->bg_val = uc.args[3];
			}
			break;
		case UCALL_DONE:
			igt_assert_eq(reports, 2);
			return NULL;
		default:
			report_vcpu_state(s->vcpu);
			slot0_audit_report(s->audit, seq_seeds, ARRAY_SIZE(seq_seeds));
			igt_fail("vCPU exit %s while counting (MMIO at %#llx)",
				 exit_reason_str(s->vcpu->run->exit_reason),
				 (unsigned long long)s->vcpu->run->mmio.phys_addr);
		}
	}
}

struct seq_vm {
	struct kvm_vm *vm;
	struct slot0_audit audit;
	struct hostmem hm;
	struct seq_vcpu v[SEQ_VCPUS];
	unsigned int nr;
	volatile u64 *stop;
	volatile bool moving;
};

/* Fills the BO's background, zeroes the slots, starts @nr counting vCPUs. */
static void seq_start(struct seq_vm *s, unsigned int nr, struct hm_bo *bo,
		      u64 seed, bool emulate_mmio)
{
	struct kvm_vcpu *vcpus[SEQ_VCPUS];
	unsigned int i, slot;

	host_fill(bo->map, seed);
	for (i = 0; i < SEQ_VCPUS; i++)
		for (slot = 0; slot < SEQ_SLOTS; slot++)
			((volatile u64 *)bo->map)[seq_slot_off(i, slot) / 8] = 0;

	s->nr = nr;
	s->vm = hostmem_vm_create(&s->hm, nr, guest_seq, vcpus, BO_SIZE, 0);
	seq_seed = seed;
	sync_global_to_guest(s->vm, seq_seed);
	s->stop = addr_gva2hva(s->vm, (gva_t)&seq_stop_flag);
	hostmem_plug(&s->hm, bo->map, BO_SIZE, 0);

	for (i = 0; i < nr; i++) {
		memset(&s->v[i], 0, sizeof(s->v[i]));
		s->v[i].vcpu = vcpus[i];
		s->v[i].moving = &s->moving;
		s->v[i].audit = &s->audit;
		vcpu_args_set(vcpus[i], 1, (u64)i);
		if (emulate_mmio) {
			s->v[i].hm = &s->hm;
			s->v[i].backing = bo->map;
		}
	}
	slot0_audit_start(&s->audit, s->vm);
	for (i = 0; i < nr; i++) {
		igt_assert_eq(pthread_create(&s->v[i].thread, NULL,
					     seq_vcpu_thread, &s->v[i]), 0);
	}
}

/* The slot values now, as the host sees them through @map. */
static void seq_snapshot(struct seq_vm *s, const void *map,
			 u64 vals[SEQ_VCPUS][SEQ_SLOTS])
{
	const volatile u64 *w = map;
	unsigned int i, slot;

	for (i = 0; i < s->nr; i++)
		for (slot = 0; slot < SEQ_SLOTS; slot++)
			vals[i][slot] = w[seq_slot_off(i, slot) / 8];
}

/*
 * Host-side check after a move: no slot went backwards (which a guest write
 * that landed in the old backing after the copy would look like). Returns
 * whether the guest made progress since @last, and updates it.
 */
static bool seq_check_monotonic(struct seq_vm *s, const void *map,
				u64 last[SEQ_VCPUS][SEQ_SLOTS],
				unsigned int move, const char *where)
{
	u64 now[SEQ_VCPUS][SEQ_SLOTS];
	bool progress = false;
	unsigned int i, slot;

	seq_snapshot(s, map, now);
	for (i = 0; i < s->nr; i++) {
		for (slot = 0; slot < SEQ_SLOTS; slot++) {
			igt_assert_f(now[i][slot] >= last[i][slot],
				     "after move %u (to %s) vCPU %u slot %u went back from %llu to %llu: a guest write was lost",
				     move, where, i, slot,
				     (unsigned long long)last[i][slot],
				     (unsigned long long)now[i][slot]);
			progress |= now[i][slot] != last[i][slot];
			last[i][slot] = now[i][slot];
		}
	}
	return progress;
}

/* Moves the BO with s->moving set; see seq_vcpu_thread(). */
static void seq_move(struct seq_vm *s, struct hm_bo *bo, u32 domain, u32 flags)
{
	int err;

	s->moving = true;
	err = __bo_move(bo, domain, flags);
	s->moving = false;
	igt_assert_f(!err, "moving the BO to %s (flags %#x) failed: %s",
		     bo_domain_name(domain), flags, igt_errname(err));
	igt_assert_eq(bo_info(bo).domain, domain);
}

/* Lets the vCPUs finish and collects their reports. */
static void seq_stop(struct seq_vm *s)
{
	unsigned int i;

	*s->stop = 1;
	for (i = 0; i < s->nr; i++)
		igt_assert_eq(pthread_join(s->v[i].thread, NULL), 0);
}

/* Checks the vCPUs' reports and the final BO content. */
static void seq_check(struct seq_vm *s, struct hm_bo *bo, u64 seed)
{
	u64 vals[SEQ_VCPUS][SEQ_SLOTS];
	unsigned int i, slot;

	seq_snapshot(s, bo->map, vals);
	for (i = 0; i < s->nr; i++) {
		struct seq_vcpu *v = &s->v[i];

		igt_assert_f(v->stale == 0,
			     "vCPU %u: %llu stale reads in %llu iterations; first in iteration %llu, slot %llu %s: %#llx",
			     i, (unsigned long long)v->stale,
			     (unsigned long long)v->iterations,
			     (unsigned long long)v->stale_n,
			     (unsigned long long)(v->stale_where & 0xff),
			     v->stale_where & 0x100 ? "right after the write" : "before the write",
			     (unsigned long long)v->stale_val);
		igt_assert_f(v->bg_bad == 0,
			     "vCPU %u: %llu background words read wrong, first at offset %#llx: %#llx, expected %#llx",
			     i, (unsigned long long)v->bg_bad,
			     (unsigned long long)v->bg_off,
			     (unsigned long long)v->bg_val,
			     (unsigned long long)pattern(seed, v->bg_off));
		for (slot = 0; slot < SEQ_SLOTS; slot++)
			igt_assert_f(vals[i][slot] == v->iterations,
				     "vCPU %u slot %u holds %llu on the host, the guest's last write was %llu: lost write",
				     i, slot, (unsigned long long)vals[i][slot],
				     (unsigned long long)v->iterations);
	}
	host_check_except(bo->map, seed, is_seq_line, "background after the moves");

	for (i = 0; i < s->nr; i++)
		igt_assert_f(s->v[i].efaults == 0,
			     "vCPU %u: KVM_RUN failed with EFAULT %llu times (%llu of them while a move was in progress); re-running the vCPU worked each time",
			     i, (unsigned long long)s->v[i].efaults,
			     (unsigned long long)s->v[i].efaults_moving);
}

/* Every transition between the three domains, in a cycle. */
static const u32 move_cycle[] = { TT, SYS, VRAM, SYS, TT, VRAM };

/*
 * Moves the BO to step @step of move_cycle. With @swap, the moves to SYSTEM
 * in the second half of the cycle also swap the BO out. Returns whether
 * this one did.
 */
static bool seq_cycle_move(struct seq_vm *s, struct hm_bo *bo,
			   unsigned int step, bool swap)
{
	u32 to = move_cycle[step];
	bool swapout = swap && to == SYS && step >= ARRAY_SIZE(move_cycle) / 2;

	seq_move(s, bo, to, swapout ? BO_MOVE_SWAPOUT : 0);
	return swapout;
}

/*
 * At least RACE_MIN_MOVES moves, and as many more as fit in RACE_SECONDS:
 * under QEMU TCG a move of the 2 MiB BO takes a few milliseconds.
 */
#define RACE_MIN_MOVES	1000
#define RACE_SECONDS	60

/*
 * vCPUs write and read back while the host moves the BO. With swap, every
 * move to SYSTEM in the second half of the cycle also swaps the BO out.
 */
static void test_evict_race(void)
{
	u64 last[SEQ_VCPUS][SEQ_SLOTS] = { };
	unsigned int i, progress = 0, swapouts = 0;
	const u64 seed = 0x3ace;
	bool swap = have_swap();
	struct seq_vm s;
	struct hm_bo bo;
	struct env e;
	double start;

	env_init(&e);
	bo_create(&bo, &e.p, BO_SIZE, VRAM);
	seq_start(&s, SEQ_VCPUS, &bo, seed, false);

	start = now_s();
	for (i = 0; i < RACE_MIN_MOVES || now_s() - start < RACE_SECONDS; i++) {
		unsigned int step = i % ARRAY_SIZE(move_cycle);

		swapouts += seq_cycle_move(&s, &bo, step, swap);
		progress += seq_check_monotonic(&s, bo.map, last, i,
						bo_domain_name(move_cycle[step]));
	}
	seq_stop(&s);

	igt_info("%u moves (%u of them swapouts) in %.1f s, %u with guest writes since the previous one; guest iterations: vCPU0 %llu, vCPU1 %llu; KVM_RUN EFAULTs: vCPU0 %llu, vCPU1 %llu",
		 i, swapouts, now_s() - start, progress,
		 (unsigned long long)s.v[0].iterations,
		 (unsigned long long)s.v[1].iterations,
		 (unsigned long long)s.v[0].efaults,
		 (unsigned long long)s.v[1].efaults);
	seq_check(&s, &bo, seed);
	/* Else the vCPUs hardly ran while the BO moved: no race was tested. */
	igt_assert_f(progress >= i / 10,
		     "only %u of %u moves saw guest writes in between",
		     progress, i);

	slot0_audit_fini(&s.audit);
	kvm_vm_free(s.vm);
	bo_close(&bo);
	env_fini(&e);
}

/*
 * Moves for evict-race-two-vms: TTM_KVM_RACE_MOVES, default 1000 (make
 * check); make soak sets 100000.
 */
static u64 race_moves(void)
{
	const char *v = getenv("TTM_KVM_RACE_MOVES");

	return v && *v ? strtoull(v, NULL, 0) : 1000;
}

/*
 * Two VMs count in two BOs, one created in VRAM and one in TT, while the
 * host moves them in turns through every transition (swapping out where
 * there is swap), so the two BOs sit in different domains and compete for
 * them. Zero lost writes and zero stale reads in both.
 */
static void test_evict_race_two_vms(void)
{
	static const u32 first[2] = { VRAM, TT };
	static u64 last[2][SEQ_VCPUS][SEQ_SLOTS];
	const u64 seed[2] = { 0x50a1, 0x50a2 }, moves = race_moves();
	unsigned int k, progress[2] = { }, swapouts = 0;
	bool swap = have_swap();
	struct seq_vm s[2];
	struct hm_bo bo[2];
	struct env e;
	double start;
	u64 i;

	env_init(&e);
	memset(last, 0, sizeof(last));
	for (k = 0; k < 2; k++) {
		bo_create(&bo[k], &e.p, BO_SIZE, first[k]);
		seq_start(&s[k], SEQ_VCPUS, &bo[k], seed[k], false);
	}

	start = now_s();
	for (i = 0; i < moves; i++) {
		unsigned int step;

		k = i % 2;
		/* VRAM starts the cycle at 0, TT at 4: never the same place. */
		step = (i / 2 + 4 * k) % ARRAY_SIZE(move_cycle);
		swapouts += seq_cycle_move(&s[k], &bo[k], step, swap);
		progress[k] += seq_check_monotonic(&s[k], bo[k].map, last[k], i,
						   bo_domain_name(move_cycle[step]));
		if ((i + 1) % 10000 == 0)
			igt_info("%llu moves in %.0f s", (unsigned long long)(i + 1),
				 now_s() - start);
	}
	for (k = 0; k < 2; k++)
		seq_stop(&s[k]);

	for (k = 0; k < 2; k++) {
		seq_check(&s[k], &bo[k], seed[k]);
		igt_assert_f(progress[k] >= moves / 20,
			     "VM %u: only %u of %llu moves saw guest writes in between",
			     k, progress[k], (unsigned long long)moves / 2);
	}
	/* seq_check() passed: nothing was lost or read stale. */
	igt_info("%llu moves (%u swapouts) in %.1f s over 2 VMs; moves with guest writes since the previous one: %u and %u; guest iterations: %llu+%llu and %llu+%llu; lost writes 0, stale reads %llu, KVM_RUN EFAULTs %llu",
		 (unsigned long long)moves, swapouts, now_s() - start,
		 progress[0], progress[1],
		 (unsigned long long)s[0].v[0].iterations,
		 (unsigned long long)s[0].v[1].iterations,
		 (unsigned long long)s[1].v[0].iterations,
		 (unsigned long long)s[1].v[1].iterations,
		 (unsigned long long)(s[0].v[0].stale + s[0].v[1].stale +
				      s[1].v[0].stale + s[1].v[1].stale),
		 (unsigned long long)(s[0].v[0].efaults + s[0].v[1].efaults +
				      s[1].v[0].efaults + s[1].v[1].efaults));
	for (k = 0; k < 2; k++) {
		slot0_audit_fini(&s[k].audit);
		kvm_vm_free(s[k].vm);
		bo_close(&bo[k]);
	}
	env_fini(&e);
}

/*
 * A VMM may unplug a blob's memslot and plug it back (to remap it, say)
 * while TTM moves the BO. This one keeps the vCPU running: while the slot
 * is gone, guest accesses to the window exit as MMIO and the VMM performs
 * them on its own mapping of the BO, which is what a VMM that does not
 * pause vCPUs has to do. So the guest never sees a hole, its counting
 * checks hold throughout, and both paths (memslot and MMIO emulation) must
 * agree with every move.
 */
#define REPLUG_MIN_ROUNDS	150
#define REPLUG_SECONDS		15

static void test_memslot_replug_during_evict(void)
{
	u64 last[SEQ_VCPUS][SEQ_SLOTS] = { };
	unsigned int i, k = 0;
	const u64 seed = 0x4e91;
	struct seq_vm s;
	struct hm_bo bo;
	struct env e;
	double start;

	env_init(&e);
	bo_create(&bo, &e.p, BO_SIZE, VRAM);
	seq_start(&s, 1, &bo, seed, true);

	start = now_s();
	for (i = 0; i < REPLUG_MIN_ROUNDS || now_s() - start < REPLUG_SECONDS; i++) {
		u32 to = move_cycle[k++ % ARRAY_SIZE(move_cycle)];

		hostmem_unplug(&s.hm);
		seq_move(&s, &bo, to, 0);
		seq_check_monotonic(&s, bo.map, last, k, bo_domain_name(to));
		hostmem_plug(&s.hm, bo.map, BO_SIZE, 0);

		to = move_cycle[k++ % ARRAY_SIZE(move_cycle)];
		seq_move(&s, &bo, to, 0);
		seq_check_monotonic(&s, bo.map, last, k, bo_domain_name(to));
	}
	seq_stop(&s);

	igt_info("%u unplug/plug rounds, %u moves in %.1f s; %llu guest iterations, %llu MMIO exits emulated, %llu KVM_RUN EFAULTs",
		 i, k, now_s() - start,
		 (unsigned long long)s.v[0].iterations,
		 (unsigned long long)s.v[0].mmio_exits,
		 (unsigned long long)s.v[0].efaults);
	seq_check(&s, &bo, seed);
	igt_assert_f(s.v[0].mmio_exits > 0,
		     "the guest never ran while the memslot was unplugged");

	slot0_audit_fini(&s.audit);
	kvm_vm_free(s.vm);
	bo_close(&bo);
	env_fini(&e);
}

/* ---- bo-freed-under-memslot ------------------------------------------- */

/* KVM_RUN must fail with EFAULT: the window's memslot has no memory. */
static void expect_efault(struct tvm *t, const char *when)
{
	int ret, err;

	errno = 0;
	ret = _vcpu_run(t->vcpu);
	err = errno;
	igt_assert_f(ret == -1 && err == EFAULT,
		     "%s: expected KVM_RUN to fail with EFAULT, got %d, errno %s, exit reason %s",
		     when, ret, igt_errname(err),
		     exit_reason_str(t->vcpu->run->exit_reason));
	igt_assert_exit_reason(t->vcpu, KVM_EXIT_UNKNOWN);
}

static void freed_under_memslot(struct env *e, u32 domain)
{
	const u64 seed = 0xf1, marker = 0xf2;
	struct bo_info old, info;
	struct hm_bo a, b;
	struct gcmd c = {
		.op = OP_CHECK, .addr = WIN, .len = BO_SIZE,
		.seed = seed, .marker = marker,
	};
	struct ucall uc;
	struct tvm t;
	void *hole;
	char *p;

	bo_create(&a, &e->p, BO_SIZE, domain);
	host_fill(a.map, seed);
	tvm_create(&t);
	hostmem_plug(&t.hm, a.map, BO_SIZE, 0);
	guest_expect(&t, seed, "before the BO is freed");
	old = bo_info(&a);

	/*
	 * Drop every reference: the mapping goes (replaced by a PROT_NONE
	 * placeholder, so nothing else can be mapped there while the memslot
	 * points at it) and so does the handle.
	 */
	hole = mmap(a.map, BO_SIZE, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0);
	igt_assert_f(hole == a.map, "placeholder mmap: %p, %s", hole,
		     strerror(errno));
	a.map = NULL;
	bo_close(&a);
	p = __vttm_bo_audit(&e->dev, old.id);
	igt_assert_f(!p, "BO %llu still exists after munmap and GEM_CLOSE:\n%s",
		     (unsigned long long)old.id, p);

	/* The guest reads the window: nothing is there, KVM says so. */
	gcmd = c;
	sync_global_to_guest(t.vm, gcmd);
	expect_efault(&t, "BO freed");
	expect_efault(&t, "BO freed, second KVM_RUN");

	/* New BOs get the freed memory; the guest must not see them. */
	bo_create(&b, &e->p, BO_SIZE, domain);
	info = bo_info(&b);
	if (domain == VRAM)
		igt_assert_f(info.vram_offset == old.vram_offset,
			     "new BO at VRAM offset %#llx, the freed one was at %#llx",
			     (unsigned long long)info.vram_offset,
			     (unsigned long long)old.vram_offset);
	igt_assert_f((char *)b.map + BO_SIZE <= (char *)hole ||
		     (char *)b.map >= (char *)hole + BO_SIZE,
		     "new BO mapped at %p, inside the placeholder %p", b.map, hole);
	host_fill(b.map, marker);
	expect_efault(&t, "freed memory reused by a new BO");

	/* Plugging the new BO in makes the guest's read work again. */
	hostmem_plug(&t.hm, b.map, BO_SIZE, 0);
	igt_assert_eq(vcpu_run_ucall(t.vcpu, &uc), UCALL_SYNC);
	igt_assert_eq(uc.args[0], OP_CHECK);
	igt_assert_f(uc.args[2] == BO_WORDS && uc.args[1] == 0 && uc.args[3] == 0,
		     "after plugging the new BO the guest read %llu words of it, %llu of the freed BO, %llu others",
		     (unsigned long long)uc.args[2],
		     (unsigned long long)uc.args[1],
		     (unsigned long long)uc.args[3]);

	tvm_free(&t);
	igt_assert_ok(munmap(hole, BO_SIZE));
	bo_close(&b);
}

static void test_bo_freed_under_memslot(void)
{
	struct env e;

	env_init(&e);
	require_empty_vram(&e);
	freed_under_memslot(&e, VRAM);
	freed_under_memslot(&e, TT);
	env_fini(&e);
}

/* ---- no-stale-access --------------------------------------------------- */

/* Page frames of a TT/SYSTEM BO from its audit, in @pfns[BO_PAGES]. */
static void audit_pfns(struct env *e, u64 id, u64 *pfns)
{
	char *audit = vttm_bo_audit(&e->dev, id), *line = audit;
	u64 n = 0;

	while ((line = strstr(line, "\n  pages "))) {
		unsigned long first, last, pfn0, pfn1, i;

		line++;
		igt_assert_f(sscanf(line, "  pages %lu-%lu pfn %lx-%lx",
				    &first, &last, &pfn0, &pfn1) == 4,
			     "bad audit line: %.80s", line);
		for (i = first; i <= last && i < BO_PAGES; i++, n++)
			pfns[i] = pfn0 + (i - first);
	}
	igt_assert_eq(n, BO_PAGES);
	free(audit);
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* How many of @b's page frames were @a's. */
static unsigned int pfn_overlap(u64 *a, const u64 *b)
{
	unsigned int i, n = 0;

	qsort(a, BO_PAGES, sizeof(*a), cmp_u64);
	for (i = 0; i < BO_PAGES; i++)
		n += !!bsearch(&b[i], a, BO_PAGES, sizeof(*a), cmp_u64);
	return n;
}

/*
 * BO A, read by the guest, moves out of @domain; BO B takes its old memory
 * and is filled with a marker. The guest must read A's data at A's GPA,
 * never the marker, and its writes must not reach B.
 */
static void stale_access(struct env *e, u32 domain, u32 away)
{
	const u64 seed = 0x5a, marker = 0x5b, seed2 = 0x5c;
	static u64 pfns_a[BO_PAGES], pfns_b[BO_PAGES];
	struct check_result r;
	struct bo_info old;
	struct hm_bo a, b;
	struct tvm t;

	bo_create(&a, &e->p, BO_SIZE, domain);
	host_fill(a.map, seed);
	tvm_create(&t);
	hostmem_plug(&t.hm, a.map, BO_SIZE, 0);
	guest_expect(&t, seed, "before the move");
	old = bo_info(&a);
	if (domain != VRAM)
		audit_pfns(e, old.id, pfns_a);

	bo_move(&a, away);
	bo_create(&b, &e->p, BO_SIZE, domain);
	if (domain == VRAM) {
		u64 off = bo_info(&b).vram_offset;

		igt_assert_f(off == old.vram_offset,
			     "B is at VRAM offset %#llx, not at A's old %#llx",
			     (unsigned long long)off,
			     (unsigned long long)old.vram_offset);
	} else {
		/* The page allocator decides; report what happened. */
		audit_pfns(e, bo_info(&b).id, pfns_b);
		igt_info("%s: B got %u of A's old %llu pages",
			 bo_domain_name(domain), pfn_overlap(pfns_a, pfns_b),
			 BO_PAGES);
	}
	host_fill(b.map, marker);

	r = guest_check(&t, seed, marker);
	igt_assert_f(r.marked == 0 && r.bad == 0 && r.ok == BO_WORDS,
		     "after A moved out of %s the guest read %llu words of B (the marker) and %llu other wrong words at A's address; first wrong at %#llx: %#llx",
		     bo_domain_name(domain), (unsigned long long)r.marked,
		     (unsigned long long)r.bad, (unsigned long long)r.bad_off,
		     (unsigned long long)r.bad_val);

	guest_fill(&t, seed2);
	host_check(a.map, seed2, "A after the guest's writes");
	host_check(b.map, marker, "B after the guest wrote A");

	tvm_free(&t);
	bo_close(&a);
	bo_close(&b);
}

static void test_no_stale_access(void)
{
	struct env e;

	env_init(&e);
	require_empty_vram(&e);
	stale_access(&e, VRAM, TT);
	stale_access(&e, TT, VRAM);
	env_fini(&e);
}

/* ---- shared-bo-two-vms ------------------------------------------------- */

/* Two VMs map one BO; each sees what the other wrote, across moves. */
static void test_shared_bo_two_vms(void)
{
	static const u32 path[] = { TT, SYS, VRAM, TT, VRAM, SYS };
	struct tvm t[2];
	struct hm_bo bo;
	struct env e;
	void *map2;
	unsigned int i;
	char what[64];

	env_init(&e);
	bo_create(&bo, &e.p, BO_SIZE, VRAM);
	/* Two VMMs, two mappings of the same BO. */
	map2 = bo_map(&bo);
	tvm_create(&t[0]);
	tvm_create(&t[1]);
	hostmem_plug(&t[0].hm, bo.map, BO_SIZE, 0);
	hostmem_plug(&t[1].hm, map2, BO_SIZE, 0);

	for (i = 0; i < ARRAY_SIZE(path); i++) {
		struct tvm *writer = &t[i % 2], *reader = &t[1 - i % 2];
		u64 seed = 0x2000 + i;

		guest_fill(writer, seed);
		snprintf(what, sizeof(what), "VM %u reading VM %u's writes in %s",
			 1 - i % 2, i % 2, bo_domain_name(bo_info(&bo).domain));
		guest_expect(reader, seed, what);

		bo_move(&bo, path[i]);
		snprintf(what, sizeof(what), "VM %u after the move to %s",
			 1 - i % 2, bo_domain_name(path[i]));
		guest_expect(reader, seed, what);
		snprintf(what, sizeof(what), "VM %u after the move to %s",
			 i % 2, bo_domain_name(path[i]));
		guest_expect(writer, seed, what);
		host_check(bo.map, seed, "first mapping");
		host_check(map2, seed, "second mapping");
	}

	tvm_free(&t[0]);
	tvm_free(&t[1]);
	munmap(map2, BO_SIZE);
	bo_close(&bo);
	env_fini(&e);
}

/* ---- dirty-log --------------------------------------------------------- */

static void write_pages(struct tvm *t, const u32 *pages, unsigned int n,
			u64 seed)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		u64 off = pages[i] * PAGE + 8 * (i + 1);

		guest_write(t, WIN + off, pattern(seed, off));
	}
}

/* KVM_GET_DIRTY_LOG, which also clears the log: how many pages. */
static unsigned int count_dirty(struct tvm *t)
{
	u64 bitmap[BO_PAGES / 64] = { };
	unsigned int i, n = 0;

	kvm_vm_get_dirty_log(t->vm, t->hm.slot, bitmap);
	for (i = 0; i < BO_PAGES / 64; i++)
		n += __builtin_popcountll(bitmap[i]);
	return n;
}

/* KVM_GET_DIRTY_LOG (which also clears it) must report exactly @pages. */
static void expect_dirty(struct tvm *t, const u32 *pages, unsigned int n,
			 const char *when)
{
	u64 bitmap[BO_PAGES / 64] = { }, want[BO_PAGES / 64] = { };
	char got_s[256] = "", want_s[256] = "";
	unsigned int i;
	size_t gl = 0, wl = 0;

	kvm_vm_get_dirty_log(t->vm, t->hm.slot, bitmap);
	for (i = 0; i < n; i++)
		want[pages[i] / 64] |= 1ull << (pages[i] % 64);
	if (!memcmp(bitmap, want, sizeof(want)))
		return;
	for (i = 0; i < BO_PAGES; i++) {
		if ((bitmap[i / 64] >> (i % 64) & 1) && gl < sizeof(got_s) - 8)
			gl += snprintf(got_s + gl, sizeof(got_s) - gl, " %u", i);
		if ((want[i / 64] >> (i % 64) & 1) && wl < sizeof(want_s) - 8)
			wl += snprintf(want_s + wl, sizeof(want_s) - wl, " %u", i);
	}
	igt_fail("%s: dirty pages [%s ] expected [%s ]", when, got_s, want_s);
}

static void test_dirty_log(void)
{
	static const u32 w1[] = { 0, 1, 7, 100, 511 };
	static const u32 w2[] = { 2, 255, 256 };
	static const u32 w3[] = { 3, 300 };
	static const u32 w4[] = { 4, 5, 6, 400 };
	const u64 seed = 0xd1, seed2 = 0xd2;
	struct hm_bo bo;
	struct env e;
	struct tvm t;
	u64 *w;
	unsigned int i;

	env_init(&e);
	bo_create(&bo, &e.p, BO_SIZE, VRAM);
	host_fill(bo.map, seed);
	tvm_create(&t);
	hostmem_plug(&t.hm, bo.map, BO_SIZE, KVM_MEM_LOG_DIRTY_PAGES);

	expect_dirty(&t, NULL, 0, "new slot");
	/*
	 * A read fault maps the page writable when the host PTE is (TTM's
	 * are) and so logs it dirty: only count those. Once the log has been
	 * fetched, the mappings are write-protected and reads dirty nothing.
	 */
	guest_expect(&t, seed, "through the dirty-logged slot");
	igt_info("first guest reads logged %u of %llu pages dirty\n",
		 count_dirty(&t), BO_PAGES);
	guest_expect(&t, seed, "through the dirty-logged slot, again");
	expect_dirty(&t, NULL, 0, "after guest reads through existing mappings");
	/* Host writes go around KVM. */
	((volatile u64 *)bo.map)[8] = pattern(seed, 64);
	expect_dirty(&t, NULL, 0, "after a host write");

	write_pages(&t, w1, ARRAY_SIZE(w1), seed2);
	expect_dirty(&t, w1, ARRAY_SIZE(w1), "guest writes in VRAM");

	/* Dirty bits are KVM's, per gfn: a move must not lose them. */
	write_pages(&t, w2, ARRAY_SIZE(w2), seed2);
	bo_move(&bo, TT);
	expect_dirty(&t, w2, ARRAY_SIZE(w2), "guest writes in VRAM, then a move to TT");

	write_pages(&t, w3, ARRAY_SIZE(w3), seed2);
	expect_dirty(&t, w3, ARRAY_SIZE(w3), "guest writes after the move to TT");

	bo_move(&bo, SYS);
	write_pages(&t, w4, ARRAY_SIZE(w4), seed2);
	bo_move(&bo, VRAM);
	expect_dirty(&t, w4, ARRAY_SIZE(w4), "guest writes in SYSTEM, then a move to VRAM");
	expect_dirty(&t, NULL, 0, "nothing written since");

	/* The written words moved with the BO; nothing else changed. */
	w = bo.map;
	for (i = 0; i < BO_WORDS; i++) {
		u64 off = i * 8, want = pattern(seed, off);
		const u32 *sets[] = { w1, w2, w3, w4 };
		const unsigned int lens[] = { ARRAY_SIZE(w1), ARRAY_SIZE(w2),
					      ARRAY_SIZE(w3), ARRAY_SIZE(w4) };
		unsigned int s, j;

		for (s = 0; s < 4; s++)
			for (j = 0; j < lens[s]; j++)
				if (off == sets[s][j] * PAGE + 8 * (j + 1))
					want = pattern(seed2, off);
		igt_assert_f(w[i] == want, "word at %#llx is %#llx, expected %#llx",
			     (unsigned long long)off, (unsigned long long)w[i],
			     (unsigned long long)want);
	}

	tvm_free(&t);
	bo_close(&bo);
	env_fini(&e);
}

/* ---- readonly-memslot -------------------------------------------------- */

/* A guest write to a read-only slot exits as MMIO and changes nothing. */
static void readonly_write(struct tvm *t, struct hm_bo *bo, u64 seed, u64 off)
{
	const u64 value = 0x0bad0bad0bad0badull;
	struct kvm_run *run = t->vcpu->run;
	struct ucall uc;
	u64 got;

	gcmd = (struct gcmd) { .op = OP_WRITE, .addr = WIN + off, .seed = value };
	sync_global_to_guest(t->vm, gcmd);
	vcpu_run(t->vcpu);
	igt_assert_exit_reason(t->vcpu, KVM_EXIT_MMIO);
	igt_assert_eq(run->mmio.is_write, 1);
	igt_assert_eq_u64(run->mmio.phys_addr, WIN + off);
	igt_assert_eq(run->mmio.len, 8);
	memcpy(&got, run->mmio.data, 8);
	igt_assert_eq_u64(got, value);

	/* The VMM drops the write; the guest goes on to its ucall. */
	igt_assert_eq(vcpu_run_ucall(t->vcpu, &uc), UCALL_SYNC);
	igt_assert_eq(uc.args[0], OP_WRITE);
	igt_assert_eq_u64(guest_read(t, WIN + off), pattern(seed, off));
	host_check(bo->map, seed, "BO behind a read-only slot");
}

static void test_readonly_memslot(void)
{
	const u64 seed = 0x7e;
	struct hm_bo bo;
	struct env e;
	struct tvm t;

	env_init(&e);
	igt_require(kvm_has_cap(KVM_CAP_READONLY_MEM));
	bo_create(&bo, &e.p, BO_SIZE, VRAM);
	host_fill(bo.map, seed);
	tvm_create(&t);
	/* The host mapping is writable; the slot is not. */
	hostmem_plug(&t.hm, bo.map, BO_SIZE, KVM_MEM_READONLY);

	guest_expect(&t, seed, "read-only slot");
	readonly_write(&t, &bo, seed, 5 * PAGE + 0x18);
	bo_move(&bo, TT);
	guest_expect(&t, seed, "read-only slot after a move to TT");
	readonly_write(&t, &bo, seed, 300 * PAGE + 0x7f8);

	tvm_free(&t);
	bo_close(&bo);
	env_fini(&e);
}

/* ---- no-page-refs ------------------------------------------------------ */

/* The page lines of a BO's audit, from the newline after the "bo" line. */
static char *audit_pages(struct env *e, u64 id)
{
	char *audit = vttm_bo_audit(&e->dev, id), *pages;

	pages = strdup(strchr(audit, '\n') ?: "");
	igt_assert(pages);
	free(audit);
	return pages;
}

static void expect_same_audit(const char *before, const char *now,
			      const char *when)
{
	igt_assert_f(!strcmp(before, now),
		     "%s: page audit changed from\n%sto\n%s", when, before, now);
}

/* The guest reads and writes every page; KVM must map them all. */
static void guest_touch_all(struct tvm *t, u64 seed, u64 seed2)
{
	u64 before = kvm_4k_mappings(t->vm), after;

	guest_expect(t, seed, "guest touching the BO");
	guest_fill(t, seed2);
	after = kvm_4k_mappings(t->vm);
	igt_assert_f(after >= before + BO_PAGES,
		     "touching the BO added %llu 4K mappings in KVM, expected at least %llu",
		     (unsigned long long)(after - before), BO_PAGES);
}

/*
 * Page references are TTM's business: with the BO mapped into a guest and
 * touched, every page of a TT BO has the reference count it had before, and
 * TTM found no foreign reference when it freed or pooled pages.
 */
static void test_no_page_refs(void)
{
	int foreign = ttm_foreign_page_refs();
	char *before, *now;
	struct hm_bo bo;
	struct env e;
	struct tvm t;
	u64 id;

	if (foreign < 0)
		igt_info("no ttm/foreign_page_refs: this kernel does not check for foreign references");
	env_init(&e);
	bo_create(&bo, &e.p, BO_SIZE, TT);
	host_fill(bo.map, 0x61);
	id = bo_info(&bo).id;
	before = audit_pages(&e, id);
	vttm_check_audit_pages(before, BO_SIZE);

	tvm_create(&t);
	hostmem_plug(&t.hm, bo.map, BO_SIZE, 0);
	guest_touch_all(&t, 0x61, 0x62);
	now = audit_pages(&e, id);
	expect_same_audit(before, now, "mapped and touched by the guest");
	free(now);

	/* TT -> SYSTEM keeps the pages but unmaps them. */
	bo_move(&bo, SYS);
	now = audit_pages(&e, id);
	expect_same_audit(before, now, "after the move to SYSTEM");
	free(now);
	guest_touch_all(&t, 0x62, 0x63);
	now = audit_pages(&e, id);
	expect_same_audit(before, now, "touched again in SYSTEM");
	free(now);
	free(before);

	/* Through VRAM (the pages are freed) and back to new pages. */
	bo_move(&bo, VRAM);
	bo_move(&bo, TT);
	before = audit_pages(&e, id);
	vttm_check_audit_pages(before, BO_SIZE);
	guest_touch_all(&t, 0x63, 0x64);
	now = audit_pages(&e, id);
	expect_same_audit(before, now, "new pages touched by the guest");
	free(now);
	free(before);
	host_check(bo.map, 0x64, "after the page audits");

	tvm_free(&t);
	bo_close(&bo);
	env_fini(&e);
	/* The BO's pages went to the pool or the system: TTM checked them. */
	igt_assert_eq(ttm_foreign_page_refs(), foreign);
}

/* ---- huge-guest-mapping ------------------------------------------------ */

/*
 * Whether the audit of BO @id shows one run of pages for its first 2 MiB
 * that starts at a 2 MiB-aligned page frame: what TTM maps with a PMD.
 */
static bool audit_first_2m_huge(struct env *e, u64 id)
{
	char *pages = audit_pages(e, id);
	unsigned long first, last, pfn0, pfn1;
	bool huge;

	huge = sscanf(pages, "\n  pages %lu-%lu pfn %lx-%lx", &first, &last,
		      &pfn0, &pfn1) == 4 &&
	       first == 0 && last >= BO_PAGES - 1 && pfn0 % 512 == 0;
	free(pages);
	return huge;
}

/* The guest reads the BO; KVM must map it with one 2 MiB SPTE. */
static void guest_expect_huge(struct tvm *t, u64 seed, const char *what)
{
	u64 m2 = vm_get_stat(t->vm, pages_2m);
	u64 m4 = vm_get_stat(t->vm, pages_4k);
	u64 d2, d4;

	guest_expect(t, seed, what);
	d2 = vm_get_stat(t->vm, pages_2m) - m2;
	d4 = vm_get_stat(t->vm, pages_4k) - m4;
	/* Slot 0's own mappings may change too, if khugepaged steps in. */
	igt_assert_f(d2 >= 1 && d4 < BO_PAGES,
		     "%s: the guest's reads added %llu 2M and %llu 4K mappings in KVM, expected one 2M mapping",
		     what, (unsigned long long)d2, (unsigned long long)d4);
}

/*
 * A BO whose memory is contiguous in 2 MiB pieces reaches the guest as 2 MiB
 * KVM mappings: TTM maps it with a PMD at a 2 MiB-aligned address, and KVM
 * follows the host's mapping level. A VRAM BO always qualifies, a TT BO
 * when the pool gave it a 2 MiB chunk. A move zaps the 2 MiB mapping and
 * the guest gets a new one; with dirty logging KVM maps 4 KiB pages.
 */
static void test_huge_guest_mapping(void)
{
	const u64 seed = 0x2a, seed2 = 0x2b;
	u64 m2, m4, id;
	struct hm_bo bo;
	struct env e;
	struct tvm t;

	env_init(&e);
	bo_create(&bo, &e.p, BO_SIZE, VRAM);
	id = bo_info(&bo).id;
	igt_assert_f(((uintptr_t)bo.map & (BO_SIZE - 1)) == 0,
		     "the BO is mapped at %p, which is not 2 MiB-aligned", bo.map);
	host_fill(bo.map, seed);
	tvm_create(&t);
	hostmem_plug(&t.hm, bo.map, BO_SIZE, 0);
	guest_expect_huge(&t, seed, "VRAM BO");

	m2 = vm_get_stat(t.vm, pages_2m);
	bo_move(&bo, TT);
	igt_assert_f(vm_get_stat(t.vm, pages_2m) < m2,
		     "the move left all %llu of KVM's 2M mappings in place",
		     (unsigned long long)m2);
	if (audit_first_2m_huge(&e, id))
		guest_expect_huge(&t, seed, "after the move to TT");
	else
		igt_info("the pool gave the TT BO no 2 MiB chunk: 4K mappings expected there");
	guest_fill(&t, seed2);
	host_check_both(&bo, seed2, "guest writes through the 2M mapping");

	/* Dirty logging needs 4 KiB granularity: the slot is remapped. */
	hostmem_unplug(&t.hm);
	hostmem_plug(&t.hm, bo.map, BO_SIZE, KVM_MEM_LOG_DIRTY_PAGES);
	m2 = vm_get_stat(t.vm, pages_2m);
	m4 = vm_get_stat(t.vm, pages_4k);
	guest_expect(&t, seed2, "with dirty logging");
	igt_assert_f(vm_get_stat(t.vm, pages_2m) == m2 &&
		     vm_get_stat(t.vm, pages_4k) >= m4 + BO_PAGES,
		     "with dirty logging the guest's reads added %llu 2M and %llu 4K mappings, expected 4K only",
		     (unsigned long long)(vm_get_stat(t.vm, pages_2m) - m2),
		     (unsigned long long)(vm_get_stat(t.vm, pages_4k) - m4));

	tvm_free(&t);
	bo_close(&bo);
	env_fini(&e);
}

/* ---- move-fault-injection ---------------------------------------------- */

#define FAULT_DIR	"/sys/kernel/debug"
#define INJECT_TIMES	1000000

static void knob_write(const char *attr, const char *knob, const char *val)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), FAULT_DIR "/%s/%s", attr, knob);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	igt_assert_f(fd >= 0, "cannot open %s: %s", path, igt_errname(errno));
	igt_assert_f(write(fd, val, strlen(val)) == (ssize_t)strlen(val),
		     "writing %s to %s: %s", val, path, igt_errname(errno));
	close(fd);
}

static long knob_read(const char *attr, const char *knob)
{
	char path[128], buf[32] = "";
	int fd;

	snprintf(path, sizeof(path), FAULT_DIR "/%s/%s", attr, knob);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	igt_assert_f(fd >= 0, "cannot open %s: %s", path, igt_errname(errno));
	igt_assert(read(fd, buf, sizeof(buf) - 1) > 0);
	close(fd);
	return strtol(buf, NULL, 0);
}

/* Arms @attr for tasks with make-it-fail set: fail @percent of calls. */
static void fault_arm(const char *attr, const char *percent)
{
	char times[32];

	snprintf(times, sizeof(times), "%d", INJECT_TIMES);
	knob_write(attr, "task-filter", "Y");
	knob_write(attr, "probability", percent);
	knob_write(attr, "interval", "1");
	knob_write(attr, "space", "0");
	knob_write(attr, "verbose", "0");
	knob_write(attr, "ignore-gfp-wait", "N");
	knob_write(attr, "times", times);
}

/*
 * Failure injection for this thread, on or off, through @fd: the thread's
 * make-it-fail, opened before anything was armed. Opening it again with
 * injection on could itself fail (failslab).
 */
static void make_it_fail(int fd, bool on)
{
	igt_assert_eq(pwrite(fd, on ? "1" : "0", 1, 0), 1);
}

static bool move_errno_expected(int err)
{
	return err == -ENOMEM || err == -ENOSPC || err == -EBUSY ||
	       err == -EAGAIN || err == -EINTR;
}

/*
 * Page and slab allocations fail at random (fail_page_alloc and failslab,
 * for this thread only) while a BO that a VM has mapped moves through every
 * domain, swapouts included. Each move either completes or fails with an
 * errno and leaves the BO where it was (a swapout whose backup failed: in
 * SYSTEM, not swapped out); either way the data is intact and the guest
 * reads it through its memslot. At the end, domain usage is back
 * to the baseline (nothing leaked) and the injected failures are counted.
 */
static void test_move_fault_injection(void)
{
	static const char *const attrs[] = { "fail_page_alloc", "failslab" };
	const u64 seed = 0xfa17;
	unsigned int i, failed = 0, done = 0, moves = 240;
	long injected[2];
	bool swap = have_swap();
	int fail_fd;
	struct hm_bo bo;
	struct env e;
	struct tvm t;

	if (access(FAULT_DIR "/fail_page_alloc/probability", W_OK) ||
	    access(FAULT_DIR "/failslab/probability", W_OK))
		igt_skip("no fail_page_alloc/failslab in debugfs: needs CONFIG_FAULT_INJECTION (make check-debug)");
	env_init(&e);
	bo_create(&bo, &e.p, BO_SIZE, VRAM);
	host_fill(bo.map, seed);
	tvm_create(&t);
	hostmem_plug(&t.hm, bo.map, BO_SIZE, 0);
	guest_expect(&t, seed, "before fault injection");

	fail_fd = open("/proc/thread-self/make-it-fail", O_WRONLY | O_CLOEXEC);
	igt_assert_f(fail_fd >= 0, "cannot open /proc/thread-self/make-it-fail: %s",
		     igt_errname(errno));
	fault_arm("fail_page_alloc", "20");
	knob_write("fail_page_alloc", "min-order", "0");
	fault_arm("failslab", "10");
	for (i = 0; i < moves; i++) {
		unsigned int step = i % ARRAY_SIZE(move_cycle);
		u32 to = move_cycle[step], from = bo_info(&bo).domain;
		u32 flags = swap && to == SYS && step >= ARRAY_SIZE(move_cycle) / 2 ?
			    BO_MOVE_SWAPOUT : 0;
		char what[96];
		int err;

		make_it_fail(fail_fd, true);
		err = __bo_move(&bo, to, flags);
		make_it_fail(fail_fd, false);

		if (err) {
			igt_assert_f(move_errno_expected(err),
				     "move %u (%s -> %s) failed with %s",
				     i, bo_domain_name(from), bo_domain_name(to),
				     igt_errname(err));
			struct bo_info now = bo_info(&bo);

			/*
			 * A swapout is a move to SYSTEM and then a backup: if
			 * only the backup failed, the BO is in SYSTEM with its
			 * pages (the uAPI documents this).
			 */
			igt_assert_f(now.domain == from ||
				     (flags && now.domain == SYS && !now.swapped),
				     "move %u failed with %s but left the BO in %s%s, not in %s",
				     i, igt_errname(err), bo_domain_name(now.domain),
				     now.swapped ? " (swapped out)" : "",
				     bo_domain_name(from));
			failed++;
		} else {
			igt_assert_eq(bo_info(&bo).domain, to);
			done++;
		}
		snprintf(what, sizeof(what), "after move %u (%s -> %s: %s)", i,
			 bo_domain_name(from), bo_domain_name(to),
			 err ? igt_errname(err) : "done");
		host_check(bo.map, seed, what);
		guest_expect(&t, seed, what);
	}
	for (i = 0; i < 2; i++) {
		injected[i] = INJECT_TIMES - knob_read(attrs[i], "times");
		knob_write(attrs[i], "probability", "0");
	}
	close(fail_fd);
	igt_info("%u moves: %u done, %u failed; failures injected: %ld page allocations, %ld slab allocations",
		 moves, done, failed, injected[0], injected[1]);
	igt_assert_f(injected[0] + injected[1] > 0, "no failure was injected");
	igt_assert_f(failed > 0 && done > 0,
		     "%u of %u moves failed: the injection did not exercise both outcomes",
		     failed, moves);

	tvm_free(&t);
	bo_close(&bo);
	env_fini(&e);
}

/* ---- pin-refused ------------------------------------------------------- */

#define VMCB_OFF	(3 * PAGE)

static void l2_guest_code(void)
{
	vmmcall();
}

/* VMRUN alone: the VMCB in the BO must not be written by the guest. */
static void vmrun(u64 vmcb_gpa)
{
	/* If L2 did run, its #VMEXIT leaves L2's values in these. */
	asm volatile("push %%rbp; vmrun %%rax; pop %%rbp"
		     : : "a"(vmcb_gpa)
		     : "rbx", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10",
		       "r11", "r12", "r13", "r14", "r15", "memory", "cc");
}

static void guest_svm(struct svm_test_data *svm)
{
	struct vmcb *bo_vmcb = (struct vmcb *)(WIN + VMCB_OFF);

	/* A VMRUN with the VMCB in ordinary memory works. */
	generic_svm_setup(svm, l2_guest_code);
	run_guest(svm->vmcb, svm->vmcb_gpa);
	GUEST_ASSERT_EQ(svm->vmcb->control.exit_code, SVM_EXIT_VMMCALL);

	/* The same, fresh, VMCB in the BO. */
	svm->vmcb->save.rip = (u64)l2_guest_code;
	svm->vmcb->save.rsp = (u64)svm->stack;
	memcpy(bo_vmcb, svm->vmcb, sizeof(*bo_vmcb));
	GUEST_SYNC1(1);
	vmrun(WIN + VMCB_OFF);
	GUEST_SYNC2(2, bo_vmcb->control.exit_code);
}

static bool param_is(const char *path, char want)
{
	char c = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	if (read(fd, &c, 1) != 1)
		c = 0;
	close(fd);
	return c == want;
}

/*
 * Nested SVM makes KVM map the VMCB12 page with kvm_vcpu_map(), outside
 * MMU notifier protection, which needs a pin. KVM refuses to pin
 * VM_PFNMAP memory (unless kvm.allow_unsafe_mappings): the VMRUN fails
 * with an emulation error exit instead of touching the BO.
 */
static void pin_refused(struct env *e, u32 domain)
{
	static const u8 vmrun_insn[] = { 0x0f, 0x01, 0xd8 };
	struct kvm_vcpu *vcpu;
	struct kvm_regs regs;
	struct hostmem hm;
	struct kvm_vm *vm;
	gva_t svm_gva;
	struct ucall uc;
	struct hm_bo bo;
	void *snapshot;
	int ret;

	bo_create(&bo, &e->p, BO_SIZE, domain);
	host_fill(bo.map, 0x9c);
	vm = hostmem_vm_create(&hm, 1, guest_svm, &vcpu, BO_SIZE, 32);
	vcpu_alloc_svm(vm, &svm_gva);
	vcpu_args_set(vcpu, 1, svm_gva);
	hostmem_plug(&hm, bo.map, BO_SIZE, 0);

	igt_assert_eq(vcpu_run_ucall(vcpu, &uc), UCALL_SYNC);
	igt_assert_eq(uc.args[0], 1);
	snapshot = malloc(BO_SIZE);
	igt_assert(snapshot);
	memcpy(snapshot, bo.map, BO_SIZE);

	ret = _vcpu_run(vcpu);
	igt_assert_f(ret == 0, "KVM_RUN: %d, errno %s", ret, igt_errname(errno));
	if (get_ucall(vcpu, &uc) == UCALL_SYNC)
		igt_fail("VMRUN with the VMCB in a %s BO ran L2 (exit code %#llx): KVM pinned VM_PFNMAP memory",
			 bo_domain_name(domain), (unsigned long long)uc.args[1]);
	igt_assert_exit_reason(vcpu, KVM_EXIT_INTERNAL_ERROR);
	igt_assert_eq(vcpu->run->internal.suberror, KVM_INTERNAL_ERROR_EMULATION);
	/* Still at the VMRUN. */
	vcpu_regs_get(vcpu, &regs);
	igt_assert_f(!memcmp(addr_gva2hva(vm, regs.rip), vmrun_insn, 3),
		     "guest RIP %#llx is not at the VMRUN", regs.rip);
	igt_assert_f(!memcmp(snapshot, bo.map, BO_SIZE),
		     "the failed VMRUN changed the BO");
	igt_assert_eq(bo_info(&bo).domain, domain);

	free(snapshot);
	kvm_vm_free(vm);
	bo_close(&bo);
}

static void test_pin_refused(void)
{
	struct env e;

	env_init(&e);
	if (!kvm_cpu_has(X86_FEATURE_SVM))
		igt_skip("KVM offers no SVM to guests (needs kvm_amd with nested=1)");
	if (!param_is("/sys/module/kvm_amd/parameters/nested", '1') &&
	    !param_is("/sys/module/kvm_amd/parameters/nested", 'Y'))
		igt_skip("kvm_amd nested is off");
	if (param_is("/sys/module/kvm/parameters/allow_unsafe_mappings", 'Y'))
		igt_skip("kvm.allow_unsafe_mappings is set: KVM pins VM_PFNMAP memory");

	pin_refused(&e, VRAM);
	pin_refused(&e, TT);
	env_fini(&e);
}

static const struct igt_subtest tests[] = {
	{ "map-read-write", test_map_read_write },
	{ "evict-vram-to-tt", test_evict_vram_to_tt },
	{ "evict-tt-to-system", test_evict_tt_to_system },
	{ "swapout", test_swapout },
	{ "evict-race", test_evict_race },
	{ "evict-race-two-vms", test_evict_race_two_vms },
	{ "memslot-replug-during-evict", test_memslot_replug_during_evict },
	{ "bo-freed-under-memslot", test_bo_freed_under_memslot },
	{ "no-stale-access", test_no_stale_access },
	{ "shared-bo-two-vms", test_shared_bo_two_vms },
	{ "dirty-log", test_dirty_log },
	{ "readonly-memslot", test_readonly_memslot },
	{ "no-page-refs", test_no_page_refs },
	{ "huge-guest-mapping", test_huge_guest_mapping },
	{ "move-fault-injection", test_move_fault_injection },
	{ "pin-refused", test_pin_refused },
};

IGT_MAIN(tests)
