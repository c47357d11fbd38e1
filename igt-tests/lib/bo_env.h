/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bo_env: what each KVM eviction subtest starts and ends with: KVM, a vttm
 * device as the BO provider (hostmem.h), and at the end the device closed
 * and its usage (vttm_usage in debugfs) back to where it started, i.e.
 * nothing leaked.
 */
#ifndef IGT_TESTS_BO_ENV_H
#define IGT_TESTS_BO_ENV_H

#include "hostmem.h"

struct bo_env {
	struct vttm_dev dev;
	struct bo_provider p;
	struct vttm_usage base;
};

/* Skips without /dev/kvm or a vttm device. */
void bo_env_init(struct bo_env *e);
/* Closes the device and checks that everything was given back. */
void bo_env_fini(struct bo_env *e);
/* Skips unless VRAM is empty (subtests that check reuse of a range). */
void bo_env_require_empty_vram(struct bo_env *e);

#endif
