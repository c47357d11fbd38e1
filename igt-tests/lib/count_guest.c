// SPDX-License-Identifier: GPL-2.0-only
/* count_guest: vCPUs counting in a moving BO. See count_guest.h. */
#include "bo_data.h"
#include "count_guest.h"

#define WIN		HOSTMEM_GPA
#define PAGE		4096ull
#define BO_PAGES	(COUNT_BO_SIZE / PAGE)

/* The guest's copies: seed set before the vCPUs start, stop by the host. */
static volatile u64 count_stop_flag;
static u64 count_seed;

u64 count_slot_off(u64 vcpu, u64 slot)
{
	if (slot == COUNT_SLOTS - 1)
		return (BO_PAGES - 1) * PAGE + vcpu * 64;
	return (slot * (BO_PAGES / (COUNT_SLOTS - 1)) + vcpu) * PAGE + vcpu * 64;
}

bool count_is_slot_line(u64 off)
{
	return off % PAGE < COUNT_VCPUS * 64;
}

void count_guest(u64 idx)
{
	u64 n, slot, stale = 0, stale_n = 0, stale_val = 0, stale_where = 0;
	u64 bg_bad = 0, bg_off = 0, bg_val = 0;

	for (n = 1; !count_stop_flag; n++) {
		/* A background word outside the slot lines. */
		u64 off = (n % BO_PAGES) * PAGE + (16 + n % (PAGE / 8 - 16)) * 8;
		u64 v = *(volatile u64 *)(WIN + off);

		if (v != bo_pattern(count_seed, off)) {
			if (!bg_bad) {
				bg_off = off;
				bg_val = v;
			}
			bg_bad++;
		}

		for (slot = 0; slot < COUNT_SLOTS; slot++) {
			volatile u64 *w = (volatile u64 *)(WIN + count_slot_off(idx, slot));

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

volatile u64 *count_guest_setup(struct kvm_vm *vm, u64 seed)
{
	count_seed = seed;
	sync_global_to_guest(vm, count_seed);
	return addr_gva2hva(vm, (gva_t)&count_stop_flag);
}

bool count_guest_ucall(struct count_report *r, u64 cmd, const struct ucall *uc)
{
	if (cmd == UCALL_DONE) {
		igt_assert_eq(r->reports, 2);
		return true;
	}
	if (r->reports++ == 0) {
		r->iterations = uc->args[1];
		r->stale = uc->args[2];
		r->stale_n = uc->args[3];
		r->stale_val = uc->args[4];
		r->stale_where = uc->args[5];
	} else {
		r->bg_bad = uc->args[1];
		r->bg_off = uc->args[2];
		r->bg_val = uc->args[3];
	}
	return false;
}
