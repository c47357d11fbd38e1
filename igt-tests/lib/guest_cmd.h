/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * guest_cmd: a guest that runs one command per vCPU run on its hostmem
 * window (hostmem.h), and the host side that sends the commands.
 *
 * struct tvm is a VM with one vCPU in that command loop and an empty
 * window of tvm->size bytes at HOSTMEM_GPA, identity mapped, so the guest
 * uses GPAs as pointers. The test plugs a BO into tvm->hm and has the
 * guest read (check against bo_pattern()), fill, read or write single
 * words. The guest reports each command with a ucall.
 */
#ifndef IGT_TESTS_GUEST_CMD_H
#define IGT_TESTS_GUEST_CMD_H

#include "hostmem.h"

enum {
	OP_CHECK = 1,	/* compare [addr, addr+len) with seed (and marker) */
	OP_FILL,	/* fill [addr, addr+len) with seed */
	OP_READ,	/* read the word at addr */
	OP_WRITE,	/* write seed to the word at addr */
};

/*
 * A command. Its ucall: SYNC(op, ok, marked, bad, first bad offset, its
 * value) for OP_CHECK, SYNC(op, value) for OP_READ, SYNC(op) otherwise.
 */
struct gcmd {
	u64 op, addr, len, seed, marker;
};

struct tvm {
	struct kvm_vm *vm;
	struct kvm_vcpu *vcpu;
	struct hostmem hm;
	u64 size;
};

/* A VM whose vCPU waits in the command loop; window of @size bytes. */
void tvm_create(struct tvm *t, u64 size);
void tvm_free(struct tvm *t);

/* Hands @c to the guest without running it (to run the vCPU yourself). */
void tvm_set_cmd(struct tvm *t, const struct gcmd *c);
/* Sends @c and runs the vCPU to the command's ucall, into @uc. */
void guest_do(struct tvm *t, const struct gcmd *c, struct ucall *uc);

struct check_result {
	u64 ok, marked, bad, bad_off, bad_val;
};

/* The guest reads the window: words of @seed, of @marker (if not 0), others. */
struct check_result guest_check(struct tvm *t, u64 seed, u64 marker);
/* The guest must read @seed's pattern in the whole window. */
void guest_expect(struct tvm *t, u64 seed, const char *when);
void guest_fill(struct tvm *t, u64 seed);
void guest_write(struct tvm *t, u64 gpa, u64 value);
u64 guest_read(struct tvm *t, u64 gpa);

/* KVM_RUN must fail with EFAULT: the window's memslot has no memory. */
void tvm_expect_efault(struct tvm *t, const char *when);

#endif
