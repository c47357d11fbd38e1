/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * count_guest: a guest whose vCPUs count in a BO while the host moves it.
 *
 * The BO (COUNT_BO_SIZE bytes, plugged into the hostmem window) holds
 * bo_pattern(seed) in the background. vCPU i owns COUNT_SLOTS words: one
 * in each quarter of the BO, in a page of its own, and one cache line of
 * the BO's last page, which all vCPUs share. In iteration n it checks every
 * slot still holds n - 1 (its previous write: else a stale read or a lost
 * write), writes n and reads n back. It also checks one word of the
 * background. When the host sets the stop flag, each vCPU reports (two
 * ucalls, count_guest_ucall()) and is done.
 */
#ifndef IGT_TESTS_COUNT_GUEST_H
#define IGT_TESTS_COUNT_GUEST_H

#include <stdbool.h>

#include "vm.h"

#define COUNT_BO_SIZE	(2ull << 20)
#define COUNT_VCPUS	2
#define COUNT_SLOTS	5

/* Byte offset of @vcpu's word @slot in the BO. */
u64 count_slot_off(u64 vcpu, u64 slot);
/* Whether byte offset @off is in a cache line that holds slot words. */
bool count_is_slot_line(u64 off);

/*
 * The guest code: pass vCPU i's index as its argument (vcpu_args_set()).
 */
void count_guest(u64 idx);

/*
 * Tells the guest of @vm the background seed; returns where to write 1 to
 * stop it (the guest's stop flag, through the host mapping of slot 0).
 */
volatile u64 *count_guest_setup(struct kvm_vm *vm, u64 seed);

/* What a vCPU reports when it stops. */
struct count_report {
	u64 iterations;		/* its last n: what each slot must hold */
	u64 stale, stale_n, stale_val;
	u64 stale_where;	/* slot, | 0x100 if right after the write */
	u64 bg_bad, bg_off, bg_val;
	int reports;		/* ucalls seen, 2 when complete */
};

/*
 * Takes ucall @cmd (UCALL_SYNC or UCALL_DONE) of a counting vCPU into @r;
 * true once the vCPU is done.
 */
bool count_guest_ucall(struct count_report *r, u64 cmd, const struct ucall *uc);

#endif
