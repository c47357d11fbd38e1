/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * svm_guest: an L1 guest that runs nested SVM with its VMCB in the hostmem
 * window (hostmem.h), to see what KVM does when it would have to pin a
 * VM_PFNMAP page (kvm_vcpu_map() of VMCB12).
 *
 * svm_guest_vmcb_in_window(svm), the guest code (pass the library's
 * struct svm_test_data, vcpu_alloc_svm()): a VMRUN with the VMCB in
 * ordinary memory first (must reach L2's VMMCALL), then the same VMCB
 * copied to HOSTMEM_GPA + SVM_GUEST_VMCB_OFF and SYNC(1); then a VMRUN
 * with that one, and SYNC(2, exit code) if it ran L2.
 */
#ifndef IGT_TESTS_SVM_GUEST_H
#define IGT_TESTS_SVM_GUEST_H

#include "vm.h"

/* After the library's kvm_util.h, which it needs. */
#include <svm_util.h>

#define SVM_GUEST_VMCB_OFF	(3 * 4096ull)

void svm_guest_vmcb_in_window(struct svm_test_data *svm);

/* The bytes of VMRUN, to check where a vCPU stopped. */
extern const u8 svm_vmrun_insn[3];

#endif
