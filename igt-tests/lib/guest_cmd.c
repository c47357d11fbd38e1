// SPDX-License-Identifier: GPL-2.0-only
/* guest_cmd: a guest running commands on its window. See guest_cmd.h. */
#include "bo_data.h"
#include "guest_cmd.h"

#define WIN	HOSTMEM_GPA

/* The command the guest runs next, set by the host before each run. */
static struct gcmd gcmd;

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

				if (v == bo_pattern(gcmd.seed, off)) {
					ok++;
				} else if (gcmd.marker &&
					   v == bo_pattern(gcmd.marker, off)) {
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
				*(volatile u64 *)(WIN + off) = bo_pattern(gcmd.seed, off);
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

void tvm_create(struct tvm *t, u64 size)
{
	struct kvm_vcpu *vcpus[1];
	struct ucall uc;

	t->vm = hostmem_vm_create(&t->hm, 1, guest_cmd_loop, vcpus, size, 0);
	t->vcpu = vcpus[0];
	t->size = size;
	igt_assert_eq(vcpu_run_ucall(t->vcpu, &uc), UCALL_SYNC);
	igt_assert_eq(uc.args[0], 0);
}

void tvm_free(struct tvm *t)
{
	kvm_vm_free(t->vm);
	t->vm = NULL;
}

void tvm_set_cmd(struct tvm *t, const struct gcmd *c)
{
	gcmd = *c;
	sync_global_to_guest(t->vm, gcmd);
}

void guest_do(struct tvm *t, const struct gcmd *c, struct ucall *uc)
{
	tvm_set_cmd(t, c);
	igt_assert_eq(vcpu_run_ucall(t->vcpu, uc), UCALL_SYNC);
	igt_assert_eq(uc->args[0], c->op);
}

struct check_result guest_check(struct tvm *t, u64 seed, u64 marker)
{
	struct gcmd c = {
		.op = OP_CHECK, .addr = WIN, .len = t->size,
		.seed = seed, .marker = marker,
	};
	struct ucall uc;

	guest_do(t, &c, &uc);
	return (struct check_result) {
		uc.args[1], uc.args[2], uc.args[3], uc.args[4], uc.args[5],
	};
}

void guest_expect(struct tvm *t, u64 seed, const char *when)
{
	struct check_result r = guest_check(t, seed, 0);

	igt_assert_f(r.bad == 0 && r.ok == t->size / 8,
		     "%s: the guest read %llu of %llu words wrong, first at offset %#llx: %#llx, expected %#llx",
		     when, (unsigned long long)r.bad,
		     (unsigned long long)t->size / 8,
		     (unsigned long long)r.bad_off,
		     (unsigned long long)r.bad_val,
		     (unsigned long long)bo_pattern(seed, r.bad_off));
}

void guest_fill(struct tvm *t, u64 seed)
{
	struct gcmd c = { .op = OP_FILL, .addr = WIN, .len = t->size, .seed = seed };
	struct ucall uc;

	guest_do(t, &c, &uc);
}

void guest_write(struct tvm *t, u64 gpa, u64 value)
{
	struct gcmd c = { .op = OP_WRITE, .addr = gpa, .seed = value };
	struct ucall uc;

	guest_do(t, &c, &uc);
}

u64 guest_read(struct tvm *t, u64 gpa)
{
	struct gcmd c = { .op = OP_READ, .addr = gpa };
	struct ucall uc;

	guest_do(t, &c, &uc);
	return uc.args[1];
}

void tvm_expect_efault(struct tvm *t, const char *when)
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
