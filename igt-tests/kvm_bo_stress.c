// SPDX-License-Identifier: GPL-2.0-only
/**
 * TEST: kvm_bo_stress
 * Description: Long runs of BOs moving under running guests: vCPUs count
 *   in a BO (lib/count_guest.h) while the host moves it through every
 *   domain, with swapouts, with its memslot unplugged and plugged back,
 *   over two VMs at once, or with page and slab allocations failing. Zero
 *   lost writes, zero stale reads, zero KVM_RUN EFAULTs.
 *
 * Options (the same for every subtest; without them each subtest runs
 * its own default, which make check uses):
 *
 *   --moves N    at least N moves (evict-race 1000, evict-race-two-vms
 *                1000 over both BOs, memslot-replug-during-evict 300,
 *                move-fault-injection 240); make soak: --moves 100000
 *   --seconds S  and at least S seconds (evict-race 60,
 *                memslot-replug-during-evict 15, the others 0)
 *   --seed N     0 (default): every move follows the fixed cycle through
 *                all six transitions; N > 0: moves go to random domains
 *                (and swap out at random), the same for the same N
 *
 * Needs /dev/kvm and a vttm device; move-fault-injection also
 * CONFIG_FAULT_INJECTION (the debug kernel, make check-debug) and skips
 * without it. Swapouts happen where there is swap space.
 */
#include "lib/bo_data.h"
#include "lib/bo_env.h"
#include "lib/bo_race.h"
#include "lib/fault_inject.h"
#include "lib/guest_cmd.h"
#include "lib/swap.h"

#define BO_SIZE		COUNT_BO_SIZE

static struct igt_opt opt_moves = {
	"moves", "move the BOs at least N times (default: per subtest)",
};
static struct igt_opt opt_seconds = {
	"seconds", "and for at least N seconds (default: per subtest)",
};
static struct igt_opt opt_seed = {
	"seed", "0: the fixed cycle of moves (default); else random moves from seed N",
};
static struct igt_opt *const opts[] = { &opt_moves, &opt_seconds, &opt_seed };

/* How long a subtest runs: its defaults, unless the options say else. */
struct run_len {
	u64 moves;
	double seconds, start;
};

static struct run_len run_len(u64 moves, double seconds)
{
	return (struct run_len) {
		.moves = opt_moves.given ? opt_moves.value : moves,
		.seconds = opt_seconds.given ? opt_seconds.value : seconds,
		.start = igt_now(),
	};
}

static bool run_more(const struct run_len *l, u64 moves_done)
{
	return moves_done < l->moves || igt_now() - l->start < l->seconds;
}

static u64 seed_for(unsigned int k)
{
	return opt_seed.value ? opt_seed.value + k : 0;
}

/**
 * SUBTEST: evict-race
 * Description: Two vCPUs count in a VRAM BO while the host moves it
 *   through every domain (every move to SYSTEM in the second half of the
 *   cycle also swaps it out, where there is swap), at least 1000 moves and
 *   60 s: no slot goes backwards after a move, no vCPU reads a stale value
 *   or a wrong background word, and most moves see guest writes in
 *   between.
 */
static void test_evict_race(void)
{
	struct run_len len = run_len(1000, 60);
	unsigned int progress = 0, swapouts = 0;
	const u64 seed = 0x3ace;
	race_slots last = { };
	struct move_seq seq;
	struct race_vm s;
	struct hm_bo bo;
	struct bo_env e;
	u32 at = BO_DOMAIN_VRAM;
	u64 i;

	bo_env_init(&e);
	bo_create(&bo, &e.p, BO_SIZE, at);
	race_start(&s, COUNT_VCPUS, &bo, seed, false);
	move_seq_init(&seq, seed_for(0), 0, have_swap());

	for (i = 0; run_more(&len, i); i++) {
		u32 flags, to = move_seq_next(&seq, at, &flags);

		race_move(&s, &bo, to, flags);
		at = to;
		swapouts += !!flags;
		progress += race_check_monotonic(&s, bo.map, last, i,
						 bo_domain_name(to));
	}
	race_stop(&s);

	igt_info("%llu moves (%u of them swapouts) in %.1f s, %u with guest writes since the previous one; guest iterations: vCPU0 %llu, vCPU1 %llu; KVM_RUN EFAULTs: vCPU0 %llu, vCPU1 %llu; seed %llu",
		 (unsigned long long)i, swapouts, igt_now() - len.start, progress,
		 (unsigned long long)race_iterations(&s, 0),
		 (unsigned long long)race_iterations(&s, 1),
		 (unsigned long long)s.v[0].t.efaults,
		 (unsigned long long)s.v[1].t.efaults, opt_seed.value);
	race_check(&s, &bo);
	/* Else the vCPUs hardly ran while the BO moved: no race was tested. */
	igt_assert_f(progress >= i / 10,
		     "only %u of %llu moves saw guest writes in between",
		     progress, (unsigned long long)i);

	race_free(&s);
	bo_close(&bo);
	bo_env_fini(&e);
}

/**
 * SUBTEST: evict-race-two-vms
 * Description: Two VMs count in two BOs, one created in VRAM and one in
 *   TT, while the host moves them in turns through every transition (with
 *   swapouts where there is swap), so the two BOs sit in different domains
 *   and compete for them: 1000 moves by default, make soak 100000. Zero
 *   lost writes and zero stale reads in both.
 */
static void test_evict_race_two_vms(void)
{
	static const u32 first[2] = { BO_DOMAIN_VRAM, BO_DOMAIN_TT };
	const u64 seed[2] = { 0x50a1, 0x50a2 };
	struct run_len len = run_len(1000, 0);
	unsigned int k, progress[2] = { }, swapouts = 0;
	static race_slots last[2];
	bool swap = have_swap();
	struct move_seq seq[2];
	struct race_vm s[2];
	struct hm_bo bo[2];
	u32 at[2];
	struct bo_env e;
	u64 i;

	bo_env_init(&e);
	for (k = 0; k < 2; k++) {
		at[k] = first[k];
		bo_create(&bo[k], &e.p, BO_SIZE, at[k]);
		race_start(&s[k], COUNT_VCPUS, &bo[k], seed[k], false);
		/* VRAM starts the cycle at 0, TT at 4: never the same place. */
		move_seq_init(&seq[k], seed_for(k), 4 * k, swap);
	}

	for (i = 0; run_more(&len, i); i++) {
		u32 flags, to;

		k = i % 2;
		to = move_seq_next(&seq[k], at[k], &flags);
		race_move(&s[k], &bo[k], to, flags);
		at[k] = to;
		swapouts += !!flags;
		progress[k] += race_check_monotonic(&s[k], bo[k].map, last[k], i,
						    bo_domain_name(to));
		if ((i + 1) % 10000 == 0)
			igt_info("%llu moves in %.0f s", (unsigned long long)(i + 1),
				 igt_now() - len.start);
	}
	for (k = 0; k < 2; k++)
		race_stop(&s[k]);

	for (k = 0; k < 2; k++) {
		race_check(&s[k], &bo[k]);
		igt_assert_f(progress[k] >= i / 20,
			     "VM %u: only %u of %llu moves saw guest writes in between",
			     k, progress[k], (unsigned long long)i / 2);
	}
	/* race_check() passed: nothing was lost or read stale. */
	igt_info("%llu moves (%u swapouts) in %.1f s over 2 VMs; moves with guest writes since the previous one: %u and %u; guest iterations: %llu+%llu and %llu+%llu; lost writes 0, stale reads 0, KVM_RUN EFAULTs %llu; seed %llu",
		 (unsigned long long)i, swapouts, igt_now() - len.start,
		 progress[0], progress[1],
		 (unsigned long long)race_iterations(&s[0], 0),
		 (unsigned long long)race_iterations(&s[0], 1),
		 (unsigned long long)race_iterations(&s[1], 0),
		 (unsigned long long)race_iterations(&s[1], 1),
		 (unsigned long long)(race_efaults(&s[0]) + race_efaults(&s[1])),
		 opt_seed.value);
	for (k = 0; k < 2; k++) {
		race_free(&s[k]);
		bo_close(&bo[k]);
	}
	bo_env_fini(&e);
}

/**
 * SUBTEST: memslot-replug-during-evict
 * Description: The VMM unplugs a BO's memslot and plugs it back (to remap
 *   it, say) while TTM moves the BO and the vCPU keeps running: while the
 *   slot is gone, guest accesses to the window exit as MMIO and the VMM
 *   performs them on its own mapping of the BO. The guest never sees a
 *   hole, its counting checks hold throughout, and the memslot and the
 *   MMIO path agree with every move (at least 300 moves and 15 s).
 */
static void test_memslot_replug_during_evict(void)
{
	struct run_len len = run_len(300, 15);
	const u64 seed = 0x4e91;
	race_slots last = { };
	u32 at = BO_DOMAIN_VRAM;
	struct move_seq seq;
	unsigned int rounds;
	struct race_vm s;
	struct hm_bo bo;
	struct bo_env e;
	u64 k = 0;

	bo_env_init(&e);
	bo_create(&bo, &e.p, BO_SIZE, at);
	race_start(&s, 1, &bo, seed, true);
	move_seq_init(&seq, seed_for(0), 0, false);

	for (rounds = 0; run_more(&len, k); rounds++) {
		u32 flags, to = move_seq_next(&seq, at, &flags);

		hostmem_unplug(&s.hm);
		race_move(&s, &bo, to, flags);
		at = to;
		race_check_monotonic(&s, bo.map, last, ++k, bo_domain_name(to));
		hostmem_plug(&s.hm, bo.map, BO_SIZE, 0);

		to = move_seq_next(&seq, at, &flags);
		race_move(&s, &bo, to, flags);
		at = to;
		race_check_monotonic(&s, bo.map, last, ++k, bo_domain_name(to));
	}
	race_stop(&s);

	igt_info("%u unplug/plug rounds, %llu moves in %.1f s; %llu guest iterations, %llu MMIO exits emulated, %llu KVM_RUN EFAULTs; seed %llu",
		 rounds, (unsigned long long)k, igt_now() - len.start,
		 (unsigned long long)race_iterations(&s, 0),
		 (unsigned long long)s.v[0].t.mmio_exits,
		 (unsigned long long)s.v[0].t.efaults, opt_seed.value);
	race_check(&s, &bo);
	igt_assert_f(s.v[0].t.mmio_exits > 0,
		     "the guest never ran while the memslot was unplugged");

	race_free(&s);
	bo_close(&bo);
	bo_env_fini(&e);
}

static bool move_errno_expected(int err)
{
	return err == -ENOMEM || err == -ENOSPC || err == -EBUSY ||
	       err == -EAGAIN || err == -EINTR;
}

/**
 * SUBTEST: move-fault-injection
 * Description: Page and slab allocations fail at random (fail_page_alloc
 *   20 %, failslab 10 %, for the moving thread only) while a BO a VM has
 *   mapped moves through every domain, swapouts included, 240 times. Each
 *   move completes or fails with an errno and leaves the BO where it was
 *   (a swapout whose backup failed: in SYSTEM, not swapped out); either
 *   way the data is intact on the host and in the guest, and usage is
 *   back to the baseline at the end. Needs CONFIG_FAULT_INJECTION.
 */
static void test_move_fault_injection(void)
{
	static const char *const attrs[] = { "fail_page_alloc", "failslab" };
	struct run_len len = run_len(240, 0);
	unsigned int failed = 0, done = 0;
	const u64 seed = 0xfa17;
	struct move_seq seq;
	long injected[2];
	struct hm_bo bo;
	struct bo_env e;
	struct tvm t;
	int fail_fd;
	u64 i;

	if (!fault_inject_available())
		igt_skip("no fail_page_alloc/failslab in debugfs: needs CONFIG_FAULT_INJECTION (make check-debug)");
	bo_env_init(&e);
	bo_create(&bo, &e.p, BO_SIZE, BO_DOMAIN_VRAM);
	host_fill(bo.map, BO_SIZE, seed);
	tvm_create(&t, BO_SIZE);
	hostmem_plug(&t.hm, bo.map, BO_SIZE, 0);
	guest_expect(&t, seed, "before fault injection");
	move_seq_init(&seq, seed_for(0), 0, have_swap());

	fail_fd = fault_inject_thread_fd();
	fault_inject_arm("fail_page_alloc", "20");
	fault_inject_write("fail_page_alloc", "min-order", "0");
	fault_inject_arm("failslab", "10");
	for (i = 0; run_more(&len, i); i++) {
		u32 flags, from = bo_info(&bo).domain;
		u32 to = move_seq_next(&seq, from, &flags);
		char what[96];
		int err;

		fault_inject_thread(fail_fd, true);
		err = __bo_move(&bo, to, flags);
		fault_inject_thread(fail_fd, false);

		if (err) {
			struct bo_info now;

			igt_assert_f(move_errno_expected(err),
				     "move %llu (%s -> %s) failed with %s",
				     (unsigned long long)i, bo_domain_name(from),
				     bo_domain_name(to), igt_errname(err));
			now = bo_info(&bo);
			/*
			 * A swapout is a move to SYSTEM and then a backup: if
			 * only the backup failed, the BO is in SYSTEM with its
			 * pages (the uAPI documents this).
			 */
			igt_assert_f(now.domain == from ||
				     (flags && now.domain == BO_DOMAIN_SYSTEM && !now.swapped),
				     "move %llu failed with %s but left the BO in %s%s, not in %s",
				     (unsigned long long)i, igt_errname(err),
				     bo_domain_name(now.domain),
				     now.swapped ? " (swapped out)" : "",
				     bo_domain_name(from));
			failed++;
		} else {
			igt_assert_eq(bo_info(&bo).domain, to);
			done++;
		}
		snprintf(what, sizeof(what), "after move %llu (%s -> %s: %s)",
			 (unsigned long long)i, bo_domain_name(from),
			 bo_domain_name(to), err ? igt_errname(err) : "done");
		host_check(bo.map, BO_SIZE, seed, what);
		guest_expect(&t, seed, what);
	}
	for (i = 0; i < 2; i++)
		injected[i] = fault_inject_disarm(attrs[i]);
	close(fail_fd);
	igt_info("%u moves: %u done, %u failed; failures injected: %ld page allocations, %ld slab allocations; seed %llu",
		 done + failed, done, failed, injected[0], injected[1],
		 opt_seed.value);
	igt_assert_f(injected[0] + injected[1] > 0, "no failure was injected");
	igt_assert_f(failed > 0 && done > 0,
		     "%u of %u moves failed: the injection did not exercise both outcomes",
		     failed, done + failed);

	tvm_free(&t);
	bo_close(&bo);
	bo_env_fini(&e);
}

static const struct igt_subtest tests[] = {
	{ "evict-race", test_evict_race },
	{ "evict-race-two-vms", test_evict_race_two_vms },
	{ "memslot-replug-during-evict", test_memslot_replug_during_evict },
	{ "move-fault-injection", test_move_fault_injection },
};

IGT_MAIN_OPTS(tests, opts)
