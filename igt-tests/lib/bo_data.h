/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bo_data: the data the KVM eviction tests fill BOs with, and its checks
 * through host mappings.
 *
 * Word at byte offset @off of a BO filled with @seed: bo_pattern(seed, off).
 * Seeds are 32 bits, so a word says who wrote it and where it belongs, e.g.
 * 0x000000a1_00000200 is seed 0xa1's word 0x200 (offset 0x1000); the guest
 * programs (guest_cmd.h, count_guest.h) use the same pattern, and
 * slot0_audit.h recognises BO data by its seed.
 */
#ifndef IGT_TESTS_BO_DATA_H
#define IGT_TESTS_BO_DATA_H

#include <stdbool.h>

#include "hostmem.h"

static inline u64 bo_pattern(u64 seed, u64 off)
{
	return seed << 32 | off / 8;
}

/* Fills the @size bytes at @map with @seed's pattern. */
void host_fill(void *map, u64 size, u64 seed);

/*
 * Fails unless the @size bytes at @map hold @seed's pattern, except the
 * words at offsets where @skip (if any) says so; @what names the check.
 */
void host_check_except(const void *map, u64 size, u64 seed,
		       bool (*skip)(u64 off), const char *what);
void host_check(const void *map, u64 size, u64 seed, const char *what);

/* host_check() through the BO's own mapping and through a new one. */
void host_check_both(struct hm_bo *bo, u64 seed, const char *what);

#endif
