/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bo_race: guests that count in a BO (count_guest.h) while the host moves
 * it, and the checks that nothing was lost or read stale.
 *
 *   race_start()            fill the BO, start counting vCPUs over it
 *   race_move()             move the BO (race->moving set meanwhile)
 *   race_check_monotonic()  after a move: no slot went backwards
 *   race_stop()             stop the vCPUs, collect their reports
 *   race_check()            reports and final BO content
 *   race_free()
 *
 * struct move_seq says where each move goes: through every transition
 * between the three domains in a fixed cycle, or (seeded) to random ones.
 */
#ifndef IGT_TESTS_BO_RACE_H
#define IGT_TESTS_BO_RACE_H

#include "count_guest.h"
#include "slot0_audit.h"
#include "vcpu_thread.h"

struct race_vcpu {
	struct vcpu_thread t;
	struct count_report r;
};

struct race_vm {
	struct kvm_vm *vm;
	struct slot0_audit audit;
	struct hostmem hm;
	struct race_vcpu v[COUNT_VCPUS];
	unsigned int nr;
	u64 seed;
	volatile u64 *stop;
	volatile bool moving;
};

/* Slot values as the host sees them. */
typedef u64 race_slots[COUNT_VCPUS][COUNT_SLOTS];

/*
 * Fills @bo (COUNT_BO_SIZE bytes) with @seed's pattern, zeroes the slots,
 * and starts @nr counting vCPUs in a new VM with @bo plugged in. With
 * @emulate_mmio, the vCPU threads perform accesses to the window on @bo's
 * mapping while it is unplugged.
 */
void race_start(struct race_vm *s, unsigned int nr, struct hm_bo *bo,
		u64 seed, bool emulate_mmio);
/* Moves @bo with s->moving set; fails unless it is in @domain then. */
void race_move(struct race_vm *s, struct hm_bo *bo, u32 domain, u32 flags);
/*
 * Fails if a slot went back since @last (a guest write that landed in the
 * old backing after the copy looks like that); @move and @where name the
 * move. Returns whether the guest made progress, and updates @last.
 */
bool race_check_monotonic(struct race_vm *s, const void *map,
			  race_slots last, u64 move, const char *where);
void race_stop(struct race_vm *s);
/*
 * The vCPUs' reports (no stale read, no wrong background word), slots
 * holding each vCPU's last count, the background intact, no KVM_RUN
 * EFAULT.
 */
void race_check(struct race_vm *s, struct hm_bo *bo);
void race_free(struct race_vm *s);

/* Sums over the vCPUs of @s. */
u64 race_iterations(const struct race_vm *s, unsigned int vcpu);
u64 race_efaults(const struct race_vm *s);

struct move_seq {
	u64 rnd;		/* 0: the fixed cycle */
	unsigned int step;
	bool swap;		/* whether moves to SYSTEM may swap out */
};

/*
 * Moves with @seed 0 go through the fixed cycle TT, SYSTEM, VRAM, SYSTEM,
 * TT, VRAM from step @first_step, swapping out (with @swap) on the moves
 * to SYSTEM in the second half; with another @seed each goes to a random
 * other domain and a move to SYSTEM swaps out at random, the same for the
 * same seed.
 */
void move_seq_init(struct move_seq *m, u64 seed, unsigned int first_step,
		   bool swap);
/* The next move of a BO now in @from: its domain, and *@flags. */
u32 move_seq_next(struct move_seq *m, u32 from, u32 *flags);

#endif
