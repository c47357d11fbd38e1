/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vttm_data: a 32-bit fill pattern for BOs written and read through CPU
 * mappings (vttm_basic), and its checks. Seed 0 means zeros: what a new BO
 * must read as.
 */
#ifndef IGT_TESTS_VTTM_DATA_H
#define IGT_TESTS_VTTM_DATA_H

#include <linux/types.h>

/* Fills the @size bytes at @map with @seed's pattern. */
void vttm_fill(__u32 *map, __u64 size, __u32 seed);
/* Fails unless bytes @from to @to of @map hold @seed's pattern. */
void vttm_check_range(const __u32 *map, __u64 from, __u64 to, __u32 seed,
		      const char *what);
void vttm_check(const __u32 *map, __u64 size, __u32 seed, const char *what);
/* vttm_check() through @map and through a new mapping of BO @handle. */
void vttm_check_bo(int fd, __u32 handle, const __u32 *map, __u64 size,
		   __u32 seed, const char *what);

/*
 * In a forked child: vttm_check_range(), then writes the word at @from
 * back unchanged. The child must exit 0, or die of signal @want_sig.
 */
void vttm_check_in_child(__u32 *map, __u64 from, __u64 to, __u32 seed,
			 int want_sig);

#endif
