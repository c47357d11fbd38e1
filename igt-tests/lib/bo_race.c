// SPDX-License-Identifier: GPL-2.0-only
/* bo_race: counting guests over a moving BO. See bo_race.h. */
#include <string.h>

#include "bo_data.h"
#include "bo_race.h"

/* Seeds of every race started: slot0_audit_report() looks for them. */
static u64 race_seeds[8];
static unsigned int nr_race_seeds;

static bool race_ucall(struct vcpu_thread *t, u64 cmd, struct ucall *uc)
{
	struct race_vcpu *v = (struct race_vcpu *)t;

	return count_guest_ucall(&v->r, cmd, uc);
}

static void race_unexpected(struct vcpu_thread *t)
{
	struct race_vm *s = t->priv;

	vcpu_report_state(t->vcpu);
	slot0_audit_report(&s->audit, race_seeds, nr_race_seeds);
}

void race_start(struct race_vm *s, unsigned int nr, struct hm_bo *bo,
		u64 seed, bool emulate_mmio)
{
	struct kvm_vcpu *vcpus[COUNT_VCPUS];
	unsigned int i, slot;

	igt_assert(nr <= COUNT_VCPUS && bo->size == COUNT_BO_SIZE);
	host_fill(bo->map, bo->size, seed);
	for (i = 0; i < COUNT_VCPUS; i++)
		for (slot = 0; slot < COUNT_SLOTS; slot++)
			((volatile u64 *)bo->map)[count_slot_off(i, slot) / 8] = 0;

	memset(s, 0, sizeof(*s));
	s->nr = nr;
	s->seed = seed;
	if (nr_race_seeds < sizeof(race_seeds) / sizeof(race_seeds[0]))
		race_seeds[nr_race_seeds++] = seed;
	s->vm = hostmem_vm_create(&s->hm, nr, count_guest, vcpus, bo->size, 0);
	s->stop = count_guest_setup(s->vm, seed);
	hostmem_plug(&s->hm, bo->map, bo->size, 0);

	for (i = 0; i < nr; i++) {
		struct vcpu_thread *t = &s->v[i].t;

		t->vcpu = vcpus[i];
		t->moving = &s->moving;
		t->ucall = race_ucall;
		t->unexpected = race_unexpected;
		t->priv = s;
		vcpu_args_set(vcpus[i], 1, (u64)i);
		if (emulate_mmio) {
			t->hm = &s->hm;
			t->backing = bo->map;
			t->backing_size = bo->size;
		}
	}
	slot0_audit_start(&s->audit, s->vm);
	for (i = 0; i < nr; i++)
		vcpu_thread_start(&s->v[i].t);
}

static void race_snapshot(struct race_vm *s, const void *map, race_slots vals)
{
	const volatile u64 *w = map;
	unsigned int i, slot;

	for (i = 0; i < s->nr; i++)
		for (slot = 0; slot < COUNT_SLOTS; slot++)
			vals[i][slot] = w[count_slot_off(i, slot) / 8];
}

bool race_check_monotonic(struct race_vm *s, const void *map,
			  race_slots last, u64 move, const char *where)
{
	bool progress = false;
	unsigned int i, slot;
	race_slots now;

	race_snapshot(s, map, now);
	for (i = 0; i < s->nr; i++) {
		for (slot = 0; slot < COUNT_SLOTS; slot++) {
			igt_assert_f(now[i][slot] >= last[i][slot],
				     "after move %llu (to %s) vCPU %u slot %u went back from %llu to %llu: a guest write was lost",
				     (unsigned long long)move, where, i, slot,
				     (unsigned long long)last[i][slot],
				     (unsigned long long)now[i][slot]);
			progress |= now[i][slot] != last[i][slot];
			last[i][slot] = now[i][slot];
		}
	}
	return progress;
}

void race_move(struct race_vm *s, struct hm_bo *bo, u32 domain, u32 flags)
{
	int err;

	s->moving = true;
	err = __bo_move(bo, domain, flags);
	s->moving = false;
	igt_assert_f(!err, "moving the BO to %s (flags %#x) failed: %s",
		     bo_domain_name(domain), flags, igt_errname(err));
	igt_assert_eq(bo_info(bo).domain, domain);
}

void race_stop(struct race_vm *s)
{
	unsigned int i;

	*s->stop = 1;
	for (i = 0; i < s->nr; i++)
		vcpu_thread_join(&s->v[i].t);
}

void race_check(struct race_vm *s, struct hm_bo *bo)
{
	unsigned int i, slot;
	race_slots vals;

	race_snapshot(s, bo->map, vals);
	for (i = 0; i < s->nr; i++) {
		const struct count_report *r = &s->v[i].r;

		igt_assert_f(r->stale == 0,
			     "vCPU %u: %llu stale reads in %llu iterations; first in iteration %llu, slot %llu %s: %#llx",
			     i, (unsigned long long)r->stale,
			     (unsigned long long)r->iterations,
			     (unsigned long long)r->stale_n,
			     (unsigned long long)(r->stale_where & 0xff),
			     r->stale_where & 0x100 ? "right after the write" : "before the write",
			     (unsigned long long)r->stale_val);
		igt_assert_f(r->bg_bad == 0,
			     "vCPU %u: %llu background words read wrong, first at offset %#llx: %#llx, expected %#llx",
			     i, (unsigned long long)r->bg_bad,
			     (unsigned long long)r->bg_off,
			     (unsigned long long)r->bg_val,
			     (unsigned long long)bo_pattern(s->seed, r->bg_off));
		for (slot = 0; slot < COUNT_SLOTS; slot++)
			igt_assert_f(vals[i][slot] == r->iterations,
				     "vCPU %u slot %u holds %llu on the host, the guest's last write was %llu: lost write",
				     i, slot, (unsigned long long)vals[i][slot],
				     (unsigned long long)r->iterations);
	}
	host_check_except(bo->map, bo->size, s->seed, count_is_slot_line,
			  "background after the moves");

	for (i = 0; i < s->nr; i++)
		igt_assert_f(s->v[i].t.efaults == 0,
			     "vCPU %u: KVM_RUN failed with EFAULT %llu times (%llu of them while a move was in progress); re-running the vCPU worked each time",
			     i, (unsigned long long)s->v[i].t.efaults,
			     (unsigned long long)s->v[i].t.efaults_moving);
}

void race_free(struct race_vm *s)
{
	slot0_audit_fini(&s->audit);
	kvm_vm_free(s->vm);
	s->vm = NULL;
}

u64 race_iterations(const struct race_vm *s, unsigned int vcpu)
{
	return s->v[vcpu].r.iterations;
}

u64 race_efaults(const struct race_vm *s)
{
	u64 n = 0;
	unsigned int i;

	for (i = 0; i < s->nr; i++)
		n += s->v[i].t.efaults;
	return n;
}

/* Every transition between the three domains, in a cycle. */
static const u32 move_cycle[] = {
	BO_DOMAIN_TT, BO_DOMAIN_SYSTEM, BO_DOMAIN_VRAM,
	BO_DOMAIN_SYSTEM, BO_DOMAIN_TT, BO_DOMAIN_VRAM,
};
#define CYCLE	(sizeof(move_cycle) / sizeof(move_cycle[0]))

void move_seq_init(struct move_seq *m, u64 seed, unsigned int first_step,
		   bool swap)
{
	m->rnd = seed ? seed * 0x9e3779b97f4a7c15ull | 1 : 0;
	m->step = first_step;
	m->swap = swap;
}

/* xorshift64* */
static u64 move_rnd(struct move_seq *m)
{
	m->rnd ^= m->rnd >> 12;
	m->rnd ^= m->rnd << 25;
	m->rnd ^= m->rnd >> 27;
	return m->rnd * 0x2545f4914f6cdd1dull;
}

u32 move_seq_next(struct move_seq *m, u32 from, u32 *flags)
{
	static const u32 domains[] = {
		BO_DOMAIN_VRAM, BO_DOMAIN_TT, BO_DOMAIN_SYSTEM,
	};
	unsigned int step = m->step++ % CYCLE;
	u32 to;

	*flags = 0;
	if (!m->rnd) {
		to = move_cycle[step];
		if (m->swap && to == BO_DOMAIN_SYSTEM && step >= CYCLE / 2)
			*flags = BO_MOVE_SWAPOUT;
		return to;
	}
	do
		to = domains[move_rnd(m) % 3];
	while (to == from);
	if (m->swap && to == BO_DOMAIN_SYSTEM && move_rnd(m) % 2)
		*flags = BO_MOVE_SWAPOUT;
	return to;
}
