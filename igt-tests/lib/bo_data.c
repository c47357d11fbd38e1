// SPDX-License-Identifier: GPL-2.0-only
/* bo_data: fill and check BOs through host mappings. See bo_data.h. */
#include <sys/mman.h>

#include "bo_data.h"

void host_fill(void *map, u64 size, u64 seed)
{
	volatile u64 *w = map;
	u64 i;

	for (i = 0; i < size / 8; i++)
		w[i] = bo_pattern(seed, i * 8);
}

void host_check_except(const void *map, u64 size, u64 seed,
		       bool (*skip)(u64 off), const char *what)
{
	const volatile u64 *w = map;
	u64 i, bad = 0, first = 0, first_val = 0;

	for (i = 0; i < size / 8; i++) {
		u64 v = w[i];

		if (v == bo_pattern(seed, i * 8) || (skip && skip(i * 8)))
			continue;
		if (!bad) {
			first = i * 8;
			first_val = v;
		}
		bad++;
	}
	igt_assert_f(!bad,
		     "%s: %llu of %llu words wrong on the host, first at offset %#llx: %#llx, expected %#llx",
		     what, (unsigned long long)bad, (unsigned long long)size / 8,
		     (unsigned long long)first, (unsigned long long)first_val,
		     (unsigned long long)bo_pattern(seed, first));
}

void host_check(const void *map, u64 size, u64 seed, const char *what)
{
	host_check_except(map, size, seed, NULL, what);
}

void host_check_both(struct hm_bo *bo, u64 seed, const char *what)
{
	void *fresh = bo_map(bo);

	host_check(bo->map, bo->size, seed, what);
	host_check(fresh, bo->size, seed, what);
	munmap(fresh, bo->size);
}
