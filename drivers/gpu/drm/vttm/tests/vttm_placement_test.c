// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for vttm's argument checks and placement choice: the errno
 * contract of the uAPI and the TTM placements it turns into.
 */

#include <linux/sizes.h>

#include <kunit/test.h>

#include <drm/vttm_drm.h>

#include "../vttm_drv.h"

static const struct vttm_domain_sizes sizes = {
	.system = SZ_1G,
	.tt = SZ_64M,
	.vram = SZ_16M,
};

#define ALL	VTTM_DOMAINS_ALL
#define SYS	VTTM_DOMAIN_SYSTEM
#define TT	VTTM_DOMAIN_TT
#define VRAM	VTTM_DOMAIN_VRAM

static int check_create(u64 size, u32 domains, u32 preferred, u32 flags)
{
	u64 aligned;

	return vttm_check_create(size, domains, preferred, flags, &sizes,
				 &aligned);
}

static void vttm_test_create_rejects_zero_size(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, check_create(0, ALL, VRAM, 0), -EINVAL);
}

static void vttm_test_create_rejects_bad_domains(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, check_create(SZ_4K, 0, VRAM, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, check_create(SZ_4K, ALL | BIT(3), VRAM, 0),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, check_create(SZ_4K, BIT(31), BIT(31), 0),
			-EINVAL);
}

static void vttm_test_create_rejects_bad_preferred(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, check_create(SZ_4K, ALL, 0, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, check_create(SZ_4K, ALL, VRAM | TT, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, check_create(SZ_4K, TT | SYS, VRAM, 0), -EINVAL);
}

static void vttm_test_create_rejects_unknown_flags(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, check_create(SZ_4K, ALL, VRAM, BIT(1)), -EINVAL);
	KUNIT_EXPECT_EQ(test, check_create(SZ_4K, ALL, VRAM, BIT(31)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, check_create(SZ_4K, ALL, VRAM,
					   VTTM_BO_CONTIGUOUS), 0);
}

static void vttm_test_create_rounds_size_up(struct kunit *test)
{
	u64 aligned = 0;

	KUNIT_ASSERT_EQ(test, vttm_check_create(1, ALL, VRAM, 0, &sizes,
						&aligned), 0);
	KUNIT_EXPECT_EQ(test, aligned, PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, vttm_check_create(PAGE_SIZE + 1, ALL, VRAM, 0,
						&sizes, &aligned), 0);
	KUNIT_EXPECT_EQ(test, aligned, 2 * PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, vttm_check_create(SZ_16M, ALL, VRAM, 0, &sizes,
						&aligned), 0);
	KUNIT_EXPECT_EQ(test, aligned, SZ_16M);
}

static void vttm_test_create_rejects_size_beyond_preferred(struct kunit *test)
{
	/* Larger than VRAM, even though TT and SYSTEM could hold it. */
	KUNIT_EXPECT_EQ(test, check_create(SZ_16M + 1, ALL, VRAM, 0), -E2BIG);
	KUNIT_EXPECT_EQ(test, check_create(SZ_16M + 1, ALL, TT, 0), 0);
	KUNIT_EXPECT_EQ(test, check_create(SZ_1G + 1, SYS, SYS, 0), -E2BIG);
	/* Sizes whose page-aligned value does not fit in 64 bits. */
	KUNIT_EXPECT_EQ(test, check_create(U64_MAX, SYS, SYS, 0), -E2BIG);
	KUNIT_EXPECT_EQ(test, check_create(U64_MAX - PAGE_SIZE + 2, SYS, SYS,
					   0), -E2BIG);
}

static void vttm_test_move_args(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, vttm_check_move_args(VRAM, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, vttm_check_move_args(SYS, VTTM_MOVE_SWAPOUT, 0),
			0);
	KUNIT_EXPECT_EQ(test, vttm_check_move_args(VRAM, 0, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, vttm_check_move_args(VRAM, BIT(1), 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, vttm_check_move_args(0, 0, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, vttm_check_move_args(VRAM | TT, 0, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, vttm_check_move_args(BIT(3), 0, 0), -EINVAL);
}

static void vttm_test_move_swapout_needs_system(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, vttm_check_move_args(TT, VTTM_MOVE_SWAPOUT, 0),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, vttm_check_move_args(VRAM, VTTM_MOVE_SWAPOUT, 0),
			-EINVAL);
}

static void vttm_test_move_bo(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, vttm_check_move_bo(VRAM | TT, SZ_4K, TT, &sizes),
			0);
	KUNIT_EXPECT_EQ(test, vttm_check_move_bo(VRAM | TT, SZ_4K, SYS,
						 &sizes), -EINVAL);
	KUNIT_EXPECT_EQ(test, vttm_check_move_bo(ALL, SZ_32M, VRAM, &sizes),
			-E2BIG);
	KUNIT_EXPECT_EQ(test, vttm_check_move_bo(ALL, SZ_32M, TT, &sizes), 0);
}

static void vttm_test_evict_args(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, vttm_check_evict(VRAM, 0), 0);
	KUNIT_EXPECT_EQ(test, vttm_check_evict(TT, 0), 0);
	KUNIT_EXPECT_EQ(test, vttm_check_evict(SYS, 0), 0);
	KUNIT_EXPECT_EQ(test, vttm_check_evict(VRAM, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, vttm_check_evict(0, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, vttm_check_evict(ALL, 0), -EINVAL);
}

static void vttm_test_domain_mem_type_round_trip(struct kunit *test)
{
	static const u32 domains[] = { SYS, TT, VRAM };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(domains); i++) {
		int mem_type = vttm_domain_to_mem_type(domains[i]);

		KUNIT_ASSERT_GE(test, mem_type, 0);
		KUNIT_EXPECT_EQ(test, vttm_mem_type_to_domain(mem_type),
				domains[i]);
	}
	KUNIT_EXPECT_EQ(test, vttm_domain_to_mem_type(SYS), TTM_PL_SYSTEM);
	KUNIT_EXPECT_EQ(test, vttm_domain_to_mem_type(TT), TTM_PL_TT);
	KUNIT_EXPECT_EQ(test, vttm_domain_to_mem_type(VRAM), TTM_PL_VRAM);
	KUNIT_EXPECT_EQ(test, vttm_mem_type_to_domain(TTM_PL_PRIV), 0);
}

static void vttm_test_placement_preferred_first(struct kunit *test)
{
	struct ttm_place places[VTTM_MAX_PLACES];
	unsigned int n;

	n = vttm_placement_init(places, TT, ALL, 0, SZ_4K, &sizes);
	KUNIT_ASSERT_EQ(test, n, 3);
	KUNIT_EXPECT_EQ(test, places[0].mem_type, TTM_PL_TT);
	KUNIT_EXPECT_EQ(test, places[0].flags, 0);
	KUNIT_EXPECT_EQ(test, places[1].mem_type, TTM_PL_VRAM);
	KUNIT_EXPECT_EQ(test, places[1].flags, TTM_PL_FLAG_FALLBACK);
	KUNIT_EXPECT_EQ(test, places[2].mem_type, TTM_PL_SYSTEM);
	KUNIT_EXPECT_EQ(test, places[2].flags, TTM_PL_FLAG_FALLBACK);
}

static void vttm_test_placement_only_allowed_domains(struct kunit *test)
{
	struct ttm_place places[VTTM_MAX_PLACES];
	unsigned int n;

	n = vttm_placement_init(places, VRAM, VRAM | SYS, 0, SZ_4K, &sizes);
	KUNIT_ASSERT_EQ(test, n, 2);
	KUNIT_EXPECT_EQ(test, places[0].mem_type, TTM_PL_VRAM);
	KUNIT_EXPECT_EQ(test, places[1].mem_type, TTM_PL_SYSTEM);
	KUNIT_EXPECT_EQ(test, places[1].flags, TTM_PL_FLAG_FALLBACK);
}

static void vttm_test_placement_move_has_no_fallback(struct kunit *test)
{
	struct ttm_place places[VTTM_MAX_PLACES];
	unsigned int n;

	n = vttm_placement_init(places, SYS, SYS, 0, SZ_4K, &sizes);
	KUNIT_ASSERT_EQ(test, n, 1);
	KUNIT_EXPECT_EQ(test, places[0].mem_type, TTM_PL_SYSTEM);
	KUNIT_EXPECT_EQ(test, places[0].flags, 0);
}

static void vttm_test_placement_skips_small_domains(struct kunit *test)
{
	struct ttm_place places[VTTM_MAX_PLACES];
	unsigned int n;

	/* 32 MiB fits TT and SYSTEM but not the 16 MiB of VRAM. */
	n = vttm_placement_init(places, SYS, ALL, 0, SZ_32M, &sizes);
	KUNIT_ASSERT_EQ(test, n, 2);
	KUNIT_EXPECT_EQ(test, places[0].mem_type, TTM_PL_SYSTEM);
	KUNIT_EXPECT_EQ(test, places[1].mem_type, TTM_PL_TT);
}

static void vttm_test_placement_contiguous_in_vram_only(struct kunit *test)
{
	struct ttm_place places[VTTM_MAX_PLACES];
	unsigned int n;

	n = vttm_placement_init(places, VRAM, ALL, VTTM_BO_CONTIGUOUS, SZ_4K,
				&sizes);
	KUNIT_ASSERT_EQ(test, n, 3);
	KUNIT_EXPECT_EQ(test, places[0].flags, TTM_PL_FLAG_CONTIGUOUS);
	KUNIT_EXPECT_EQ(test, places[1].flags, TTM_PL_FLAG_FALLBACK);
	KUNIT_EXPECT_EQ(test, places[2].flags, TTM_PL_FLAG_FALLBACK);

	n = vttm_placement_init(places, TT, ALL, VTTM_BO_CONTIGUOUS, SZ_4K,
				&sizes);
	KUNIT_ASSERT_EQ(test, n, 3);
	KUNIT_EXPECT_EQ(test, places[1].mem_type, TTM_PL_VRAM);
	KUNIT_EXPECT_EQ(test, places[1].flags,
			TTM_PL_FLAG_FALLBACK | TTM_PL_FLAG_CONTIGUOUS);
}

static void vttm_test_evict_vram_to_tt(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, vttm_evict_mem_type(TTM_PL_VRAM, SZ_4K, &sizes),
			TTM_PL_TT);
	KUNIT_EXPECT_EQ(test, vttm_evict_mem_type(TTM_PL_VRAM, SZ_64M, &sizes),
			TTM_PL_TT);
}

static void vttm_test_evict_large_vram_to_system(struct kunit *test)
{
	const struct vttm_domain_sizes small_tt = {
		.system = SZ_1G, .tt = SZ_4M, .vram = SZ_16M,
	};

	KUNIT_EXPECT_EQ(test, vttm_evict_mem_type(TTM_PL_VRAM, SZ_8M,
						  &small_tt), TTM_PL_SYSTEM);
}

static void vttm_test_evict_tt_and_system_to_system(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, vttm_evict_mem_type(TTM_PL_TT, SZ_4K, &sizes),
			TTM_PL_SYSTEM);
	KUNIT_EXPECT_EQ(test, vttm_evict_mem_type(TTM_PL_SYSTEM, SZ_4K,
						  &sizes), TTM_PL_SYSTEM);
}

static struct kunit_case vttm_placement_tests[] = {
	KUNIT_CASE(vttm_test_create_rejects_zero_size),
	KUNIT_CASE(vttm_test_create_rejects_bad_domains),
	KUNIT_CASE(vttm_test_create_rejects_bad_preferred),
	KUNIT_CASE(vttm_test_create_rejects_unknown_flags),
	KUNIT_CASE(vttm_test_create_rounds_size_up),
	KUNIT_CASE(vttm_test_create_rejects_size_beyond_preferred),
	KUNIT_CASE(vttm_test_move_args),
	KUNIT_CASE(vttm_test_move_swapout_needs_system),
	KUNIT_CASE(vttm_test_move_bo),
	KUNIT_CASE(vttm_test_evict_args),
	KUNIT_CASE(vttm_test_domain_mem_type_round_trip),
	KUNIT_CASE(vttm_test_placement_preferred_first),
	KUNIT_CASE(vttm_test_placement_only_allowed_domains),
	KUNIT_CASE(vttm_test_placement_move_has_no_fallback),
	KUNIT_CASE(vttm_test_placement_skips_small_domains),
	KUNIT_CASE(vttm_test_placement_contiguous_in_vram_only),
	KUNIT_CASE(vttm_test_evict_vram_to_tt),
	KUNIT_CASE(vttm_test_evict_large_vram_to_system),
	KUNIT_CASE(vttm_test_evict_tt_and_system_to_system),
	{}
};

static struct kunit_suite vttm_placement_suite = {
	.name = "vttm_placement",
	.test_cases = vttm_placement_tests,
};

kunit_test_suite(vttm_placement_suite);

MODULE_DESCRIPTION("KUnit tests for vttm's argument checks and placement");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING");
