// SPDX-License-Identifier: GPL-2.0-only
/**
 * TEST: vttm_basic
 * Description: The vttm uAPI (include/uapi/drm/vttm_drm.h) does what it
 *   says: BOs are created, placed, moved, evicted, swapped out and mapped
 *   as documented, bad input gets the documented errno, memory handed out
 *   is zeroed, and mappings are VM_PFNMAP, PMD-mapped where they can be,
 *   and take no page references.
 *
 * Needs a vttm device: load vttm.ko and bind it to an ivshmem device (see
 * Documentation/gpu/vttm.rst); the subtests skip without one. Every subtest
 * checks at its end that vttm_usage in debugfs is back to what it was at
 * its start, so a leaked BO or page fails the subtest that leaked it.
 * Subtests that back BOs up to shmem need swap space and skip without it.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include <linux/kernel.h>
#include <linux/types.h>
#include <drm/drm.h>
#include <drm/vttm_drm.h>

#include "lib/igt_proto.h"
#include "lib/procfs.h"
#include "lib/swap.h"
#include "lib/vttm.h"
#include "lib/vttm_audit.h"
#include "lib/vttm_data.h"

#define PAGE		4096ull
#define ALL		VTTM_DOMAINS_ALL
#define SYS		VTTM_DOMAIN_SYSTEM
#define TT		VTTM_DOMAIN_TT
#define VRAM		VTTM_DOMAIN_VRAM

static struct vttm_dev dev;

/* Closes the device, which frees its BOs, and checks usage is back to @base. */
static void close_and_check_usage(const struct vttm_usage *base)
{
	close(dev.fd);
	dev.fd = -1;
	vttm_check_usage(&dev, base);
}

/**
 * SUBTEST: create-info
 * Description: CREATE in each domain (VRAM, TT, SYSTEM) rounds the size up to
 *   pages; INFO reports domain, size, a new id, backing and flags;
 *   MMAP_OFFSET and GEM_CLOSE work; a new BO reads as zeros and keeps what
 *   is written through a mapping.
 */
static void test_create_info(void)
{
	static const u32 domains[] = { VRAM, TT, SYS };
	u64 last_id = 0;
	struct vttm_usage base;
	unsigned int i;

	vttm_require(&dev);
	base = vttm_read_usage(&dev);

	for (i = 0; i < ARRAY_SIZE(domains); i++) {
		struct drm_vttm_bo_info info;
		u32 handle, *map;

		handle = vttm_create_bo(dev.fd, 5 * PAGE + 1, ALL, domains[i]);
		info = vttm_get_bo_info(dev.fd, handle);
		igt_assert_eq(info.domain, domains[i]);
		igt_assert_eq(info.size, 6 * PAGE);
		igt_assert(info.id > last_id);
		last_id = info.id;
		igt_assert_eq(info.pad, 0);

		switch (domains[i]) {
		case VRAM:
			igt_assert_eq(info.backing_size, 6 * PAGE);
			igt_assert_eq(info.vram_offset % PAGE, 0);
			igt_assert(info.flags & VTTM_INFO_CONTIGUOUS);
			break;
		case TT:
			/* Bound to the aperture means populated. */
			igt_assert_eq(info.backing_size, 6 * PAGE);
			igt_assert_eq(info.vram_offset, 0);
			break;
		case SYS:
			/* Pages come on first use. */
			igt_assert_eq(info.backing_size, 0);
			igt_assert_eq(info.flags & VTTM_INFO_CONTIGUOUS, 0);
			break;
		}
		igt_assert_eq(info.flags & VTTM_INFO_SWAPPED, 0);

		/* A new BO reads as zero, wherever it is. */
		map = vttm_mmap_bo(dev.fd, handle, info.size);
		vttm_check(map, info.size, 0, vttm_domain_name(domains[i]));
		vttm_fill(map, info.size, 0x5eed0000 + i);
		vttm_check_bo(dev.fd, handle, map, info.size, 0x5eed0000 + i,
			   vttm_domain_name(domains[i]));
		munmap(map, info.size);

		igt_assert_eq(vttm_get_bo_info(dev.fd, handle).backing_size, 6 * PAGE);
		vttm_gem_close(dev.fd, handle);
	}

	close_and_check_usage(&base);
}

/**
 * SUBTEST: vram-cleared
 * Description: VRAM once used by another BO reads as zero in a new BO.
 */
static void test_vram_cleared(void)
{
	const u64 size = 64 * PAGE;
	u32 handle, *map;
	struct vttm_usage base;
	int round;

	vttm_require(&dev);
	base = vttm_read_usage(&dev);

	for (round = 0; round < 3; round++) {
		handle = vttm_create_bo(dev.fd, size, VRAM, VRAM);
		map = vttm_mmap_bo(dev.fd, handle, size);
		vttm_check(map, size, 0, "new VRAM BO");
		vttm_fill(map, size, 0xdead0000 + round);
		munmap(map, size);
		vttm_gem_close(dev.fd, handle);
	}

	close_and_check_usage(&base);
}

/**
 * SUBTEST: new-bo-zeroed
 * Description: Memory handed to userspace is zeroed first in every domain:
 *   BOs filled with a marker are freed, then new BOs (which may get the
 *   same pages, also after a round trip through swap) read as zeros.
 */
static void test_new_bo_zeroed(void)
{
	static const u32 domains[] = { TT, SYS, VRAM };
	const u64 size = 256 * PAGE;
	struct vttm_usage base;
	unsigned int d, i;
	u32 handle[4], *map;

	vttm_require(&dev);
	base = vttm_read_usage(&dev);

	for (d = 0; d < ARRAY_SIZE(domains); d++) {
		for (i = 0; i < ARRAY_SIZE(handle); i++) {
			handle[i] = vttm_create_bo(dev.fd, size, ALL, domains[d]);
			map = vttm_mmap_bo(dev.fd, handle[i], size);
			vttm_fill(map, size, 0x3a4b0000 + i);
			munmap(map, size);
			if (i % 2 && have_swap())
				igt_assert_eq(__vttm_move_bo(dev.fd, handle[i], SYS,
							     VTTM_MOVE_SWAPOUT), 0);
		}
		for (i = 0; i < ARRAY_SIZE(handle); i++)
			vttm_gem_close(dev.fd, handle[i]);
		for (i = 0; i < ARRAY_SIZE(handle); i++) {
			handle[i] = vttm_create_bo(dev.fd, size, ALL, domains[d]);
			map = vttm_mmap_bo(dev.fd, handle[i], size);
			vttm_check(map, size, 0, domains[d] == TT ? "new TT BO" :
			      domains[d] == SYS ? "new SYSTEM BO" : "new VRAM BO");
			munmap(map, size);
		}
		for (i = 0; i < ARRAY_SIZE(handle); i++)
			vttm_gem_close(dev.fd, handle[i]);
	}
	close_and_check_usage(&base);
}

/**
 * SUBTEST: bad-create
 * Description: CREATE refuses a zero size, no or unknown domains, a
 *   preferred domain that is not exactly one allowed domain and unknown
 *   flags with EINVAL, and sizes beyond the preferred domain or the
 *   address space with E2BIG; valid flags still work.
 */
static void test_bad_create(void)
{
	struct vttm_usage base;
	u32 handle = 0;

	vttm_require(&dev);
	base = vttm_read_usage(&dev);

	igt_assert_eq(__vttm_create_bo(dev.fd, 0, ALL, VRAM, 0, &handle), -EINVAL);
	igt_assert_eq(__vttm_create_bo(dev.fd, PAGE, 0, VRAM, 0, &handle), -EINVAL);
	igt_assert_eq(__vttm_create_bo(dev.fd, PAGE, ALL | (1 << 3), VRAM, 0, &handle),
		      -EINVAL);
	igt_assert_eq(__vttm_create_bo(dev.fd, PAGE, ALL, 0, 0, &handle), -EINVAL);
	igt_assert_eq(__vttm_create_bo(dev.fd, PAGE, ALL, VRAM | TT, 0, &handle), -EINVAL);
	igt_assert_eq(__vttm_create_bo(dev.fd, PAGE, TT | SYS, VRAM, 0, &handle), -EINVAL);
	igt_assert_eq(__vttm_create_bo(dev.fd, PAGE, ALL, VRAM, 1 << 1, &handle), -EINVAL);
	igt_assert_eq(__vttm_create_bo(dev.fd, PAGE, ALL, VRAM, 1u << 31, &handle), -EINVAL);

	igt_assert_eq(__vttm_create_bo(dev.fd, (base.vram_total + 1) * PAGE, ALL, VRAM, 0,
				  &handle), -E2BIG);
	igt_assert_eq(__vttm_create_bo(dev.fd, (base.tt_total + 1) * PAGE, ALL, TT, 0,
				  &handle), -E2BIG);
	igt_assert_eq(__vttm_create_bo(dev.fd, ~0ull, SYS, SYS, 0, &handle), -E2BIG);
	igt_assert_eq(__vttm_create_bo(dev.fd, ~0ull - PAGE, SYS, SYS, 0, &handle),
		      -E2BIG);

	/* Valid flags still work. */
	igt_assert_eq(__vttm_create_bo(dev.fd, PAGE, ALL, VRAM, VTTM_BO_CONTIGUOUS,
				  &handle), 0);
	vttm_gem_close(dev.fd, handle);

	close_and_check_usage(&base);
}

/**
 * SUBTEST: bad-handle
 * Description: Closed handles give EINVAL (GEM_CLOSE) and ENOENT (INFO,
 *   MOVE, MMAP_OFFSET); non-zero padding gives EINVAL before the handle is
 *   looked up.
 */
static void test_bad_handle(void)
{
	struct drm_vttm_bo_mmap_offset mo = { 0 };
	struct drm_vttm_bo_info info;
	struct vttm_usage base;
	u32 handle;

	vttm_require(&dev);
	base = vttm_read_usage(&dev);

	handle = vttm_create_bo(dev.fd, PAGE, ALL, TT);
	vttm_gem_close(dev.fd, handle);

	igt_assert_eq(__vttm_gem_close(dev.fd, handle), -EINVAL);
	igt_assert_eq(__vttm_get_bo_info(dev.fd, handle, &info), -ENOENT);
	igt_assert_eq(__vttm_move_bo(dev.fd, handle, VRAM, 0), -ENOENT);
	mo.handle = handle;
	igt_assert_errno(ioctl(dev.fd, DRM_IOCTL_VTTM_BO_MMAP_OFFSET, &mo),
			 ENOENT);

	/* Padding is checked before the handle. */
	handle = vttm_create_bo(dev.fd, PAGE, ALL, TT);
	mo.handle = handle;
	mo.pad = 1;
	igt_assert_errno(ioctl(dev.fd, DRM_IOCTL_VTTM_BO_MMAP_OFFSET, &mo),
			 EINVAL);
	memset(&info, 0, sizeof(info));
	info.handle = handle;
	info.pad = 1;
	igt_assert_errno(ioctl(dev.fd, DRM_IOCTL_VTTM_BO_INFO, &info), EINVAL);
	vttm_gem_close(dev.fd, handle);

	close_and_check_usage(&base);
}

/**
 * SUBTEST: bad-move
 * Description: MOVE refuses a domain the BO may not use, zero, several or
 *   unknown domains, unknown flags, SWAPOUT to anything but SYSTEM and
 *   non-zero padding (EINVAL), a BO larger than VRAM to VRAM (E2BIG), and moves
 *   nothing then; EVICT refuses bad domains and padding.
 */
static void test_bad_move(void)
{
	struct drm_vttm_bo_move move = { 0 };
	struct drm_vttm_evict evict = { .domain = TT, .pad = 1 };
	struct vttm_usage base;
	u32 handle, big;

	vttm_require(&dev);
	base = vttm_read_usage(&dev);

	handle = vttm_create_bo(dev.fd, PAGE, VRAM | TT, TT);
	igt_assert_eq(__vttm_move_bo(dev.fd, handle, SYS, 0), -EINVAL);	/* not allowed */
	igt_assert_eq(__vttm_move_bo(dev.fd, handle, 0, 0), -EINVAL);
	igt_assert_eq(__vttm_move_bo(dev.fd, handle, VRAM | TT, 0), -EINVAL);
	igt_assert_eq(__vttm_move_bo(dev.fd, handle, 1 << 3, 0), -EINVAL);
	igt_assert_eq(__vttm_move_bo(dev.fd, handle, VRAM, 1 << 1), -EINVAL);
	igt_assert_eq(__vttm_move_bo(dev.fd, handle, TT, VTTM_MOVE_SWAPOUT), -EINVAL);
	igt_assert_eq(__vttm_move_bo(dev.fd, handle, VRAM, VTTM_MOVE_SWAPOUT), -EINVAL);
	move.handle = handle;
	move.domain = VRAM;
	move.pad = 1;
	igt_assert_errno(ioctl(dev.fd, DRM_IOCTL_VTTM_BO_MOVE, &move), EINVAL);
	/* Nothing moved. */
	igt_assert_eq(vttm_get_bo_domain(dev.fd, handle), TT);

	/* A BO larger than VRAM may not be moved there. */
	big = vttm_create_bo(dev.fd, (base.vram_total + 1) * PAGE, ALL, SYS);
	igt_assert_eq(__vttm_move_bo(dev.fd, big, VRAM, 0), -E2BIG);
	igt_assert_eq(vttm_get_bo_domain(dev.fd, big), SYS);

	igt_assert_eq(__vttm_evict(dev.fd, 0), -EINVAL);
	igt_assert_eq(__vttm_evict(dev.fd, VRAM | TT), -EINVAL);
	igt_assert_eq(__vttm_evict(dev.fd, 1 << 3), -EINVAL);
	igt_assert_errno(ioctl(dev.fd, DRM_IOCTL_VTTM_EVICT, &evict), EINVAL);

	vttm_gem_close(dev.fd, big);
	vttm_gem_close(dev.fd, handle);
	close_and_check_usage(&base);
}

/**
 * SUBTEST: bad-mmap
 * Description: mmap() of more than the BO, of a range inside it or
 *   MAP_PRIVATE fails with EINVAL; a BO closed but kept alive by a mapping
 *   cannot be mapped again (EACCES); a freed BO's offset is gone (EINVAL).
 */
static void test_bad_mmap(void)
{
	const u64 size = 4 * PAGE;
	u32 handle, other;
	u64 offset;
	struct vttm_usage base;
	void *ptr, *keep;

	vttm_require(&dev);
	base = vttm_read_usage(&dev);

	handle = vttm_create_bo(dev.fd, size, ALL, TT);
	offset = vttm_get_mmap_offset(dev.fd, handle);

	/* Longer than the BO. */
	ptr = mmap(NULL, size + PAGE, PROT_READ, MAP_SHARED, dev.fd, offset);
	igt_assert_f(ptr == MAP_FAILED && errno == EINVAL,
		     "mmap beyond the BO: %p, %s", ptr, strerror(errno));
	/* Not the start of the BO. */
	ptr = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, dev.fd, offset + PAGE);
	igt_assert_f(ptr == MAP_FAILED && errno == EINVAL,
		     "mmap inside the BO: %p, %s", ptr, strerror(errno));
	/* Copy-on-write mappings of a BO make no sense. */
	ptr = mmap(NULL, size, PROT_READ, MAP_PRIVATE, dev.fd, offset);
	igt_assert_f(ptr == MAP_FAILED && errno == EINVAL,
		     "MAP_PRIVATE: %p, %s", ptr, strerror(errno));

	/* Closed and kept alive by a mapping: this file may not map it. */
	keep = vttm_mmap_bo(dev.fd, handle, size);
	vttm_gem_close(dev.fd, handle);
	ptr = mmap(NULL, size, PROT_READ, MAP_SHARED, dev.fd, offset);
	igt_assert_f(ptr == MAP_FAILED && errno == EACCES,
		     "closed but mapped BO: %p, %s", ptr, strerror(errno));
	munmap(keep, size);

	/* Closed and freed: the offset is gone. */
	other = vttm_create_bo(dev.fd, PAGE, ALL, TT);
	offset = vttm_get_mmap_offset(dev.fd, other);
	vttm_gem_close(dev.fd, other);
	ptr = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, dev.fd, offset);
	igt_assert_f(ptr == MAP_FAILED && errno == EINVAL,
		     "freed BO: %p, %s", ptr, strerror(errno));

	close_and_check_usage(&base);
}

/**
 * SUBTEST: move-data
 * Description: Data written through a mapping survives every kind of move.
 */
static void test_move_data(void)
{
	static const u32 path[] = { TT, SYS, VRAM, SYS, TT, VRAM, TT, TT };
	const u64 size = 32 * PAGE;
	u32 handle, *map, seed = 0x1000;
	struct vttm_usage base;
	unsigned int i;
	char what[64];

	vttm_require(&dev);
	base = vttm_read_usage(&dev);

	handle = vttm_create_bo(dev.fd, size, ALL, VRAM);
	map = vttm_mmap_bo(dev.fd, handle, size);
	vttm_fill(map, size, seed);

	for (i = 0; i < ARRAY_SIZE(path); i++) {
		u32 from = vttm_get_bo_domain(dev.fd, handle);

		vttm_move_bo(dev.fd, handle, path[i]);
		snprintf(what, sizeof(what), "after %s -> %s",
			 vttm_domain_name(from), vttm_domain_name(path[i]));
		vttm_check_bo(dev.fd, handle, map, size, seed, what);
		/* Write in the new place too: the next move must carry it. */
		vttm_fill(map, size, ++seed);
	}

	munmap(map, size);
	vttm_gem_close(dev.fd, handle);
	close_and_check_usage(&base);
}

/**
 * SUBTEST: move-untouched
 * Description: A SYSTEM BO never touched has no data; moving it yields zeros.
 */
static void test_move_untouched(void)
{
	static const u32 targets[] = { VRAM, TT };
	const u64 size = 8 * PAGE;
	struct vttm_usage base;
	unsigned int i;

	vttm_require(&dev);
	base = vttm_read_usage(&dev);

	for (i = 0; i < ARRAY_SIZE(targets); i++) {
		u32 handle = vttm_create_bo(dev.fd, size, ALL, SYS), *map;

		igt_assert_eq(vttm_get_bo_info(dev.fd, handle).backing_size, 0);
		vttm_move_bo(dev.fd, handle, targets[i]);
		map = vttm_mmap_bo(dev.fd, handle, size);
		vttm_check(map, size, 0, vttm_domain_name(targets[i]));
		munmap(map, size);
		vttm_gem_close(dev.fd, handle);
	}

	close_and_check_usage(&base);
}

/**
 * SUBTEST: evict-lru
 * Description: VRAM full of four BOs: a fifth evicts the least recently
 *   used one. Moves (even to the current domain) count as use; INFO and
 *   CPU faults do not.
 */
static void test_evict_lru(void)
{
	static const int order[] = { 2, 0, 3, 1 };
	u32 bo[6], *map[4];
	u64 quarter;
	struct vttm_usage base;
	int i;

	vttm_require(&dev);
	base = vttm_read_usage(&dev);
	igt_require(base.vram_used == 0);
	igt_require(base.vram_total >= 4 && base.tt_total >= base.vram_total);
	quarter = base.vram_total / 4 * PAGE;

	for (i = 0; i < 4; i++) {
		bo[i] = vttm_create_bo(dev.fd, quarter, VRAM | TT, VRAM);
		igt_assert_eq(vttm_get_bo_domain(dev.fd, bo[i]), VRAM);
		map[i] = vttm_mmap_bo(dev.fd, bo[i], quarter);
		vttm_fill(map[i], quarter, 0x1a0 + i);
	}
	for (i = 0; i < 4; i++)
		vttm_move_bo(dev.fd, bo[order[i]], VRAM);
	/* Neither of these makes BO 2 recently used. */
	vttm_check(map[2], quarter, 0x1a2, "BO 2 before eviction");
	vttm_get_bo_info(dev.fd, bo[2]);

	bo[4] = vttm_create_bo(dev.fd, quarter, VRAM | TT, VRAM);
	igt_assert_eq(vttm_get_bo_domain(dev.fd, bo[4]), VRAM);
	igt_assert_eq(vttm_get_bo_domain(dev.fd, bo[2]), TT);
	igt_assert_eq(vttm_get_bo_domain(dev.fd, bo[0]), VRAM);
	igt_assert_eq(vttm_get_bo_domain(dev.fd, bo[1]), VRAM);
	igt_assert_eq(vttm_get_bo_domain(dev.fd, bo[3]), VRAM);

	bo[5] = vttm_create_bo(dev.fd, quarter, VRAM | TT, VRAM);
	igt_assert_eq(vttm_get_bo_domain(dev.fd, bo[5]), VRAM);
	igt_assert_eq(vttm_get_bo_domain(dev.fd, bo[0]), TT);
	igt_assert_eq(vttm_get_bo_domain(dev.fd, bo[3]), VRAM);
	igt_assert_eq(vttm_get_bo_domain(dev.fd, bo[1]), VRAM);

	/* Moving BO 2 back evicts the next in line, BO 3. */
	vttm_move_bo(dev.fd, bo[2], VRAM);
	igt_assert_eq(vttm_get_bo_domain(dev.fd, bo[3]), TT);
	igt_assert_eq(vttm_get_bo_domain(dev.fd, bo[1]), VRAM);

	for (i = 0; i < 4; i++) {
		vttm_check(map[i], quarter, 0x1a0 + i, "evicted or not");
		munmap(map[i], quarter);
	}
	for (i = 0; i < ARRAY_SIZE(bo); i++)
		vttm_gem_close(dev.fd, bo[i]);
	close_and_check_usage(&base);
}

/**
 * SUBTEST: evict-domain
 * Description: EVICT empties VRAM into TT and TT into SYSTEM, keeping the data.
 */
static void test_evict_domain(void)
{
	const u64 size = 16 * PAGE;
	u32 bo[3], *map[3];
	struct vttm_usage base, u;
	int i;

	vttm_require(&dev);
	base = vttm_read_usage(&dev);

	for (i = 0; i < ARRAY_SIZE(bo); i++) {
		bo[i] = vttm_create_bo(dev.fd, size, ALL, i == 2 ? TT : VRAM);
		map[i] = vttm_mmap_bo(dev.fd, bo[i], size);
		vttm_fill(map[i], size, 0xe0 + i);
	}

	igt_assert_eq(__vttm_evict(dev.fd, VRAM), 0);
	u = vttm_read_usage(&dev);
	igt_assert_eq(u.vram_used, 0);
	for (i = 0; i < ARRAY_SIZE(bo); i++)
		igt_assert_eq(vttm_get_bo_domain(dev.fd, bo[i]), TT);

	igt_assert_eq(__vttm_evict(dev.fd, TT), 0);
	u = vttm_read_usage(&dev);
	igt_assert_eq(u.tt_used, 0);
	for (i = 0; i < ARRAY_SIZE(bo); i++) {
		igt_assert_eq(vttm_get_bo_domain(dev.fd, bo[i]), SYS);
		vttm_check_bo(dev.fd, bo[i], map[i], size, 0xe0 + i,
			      "after EVICT");
	}

	/* Nothing to evict is not an error. */
	igt_assert_eq(__vttm_evict(dev.fd, VRAM), 0);

	for (i = 0; i < ARRAY_SIZE(bo); i++) {
		munmap(map[i], size);
		vttm_gem_close(dev.fd, bo[i]);
	}
	close_and_check_usage(&base);
}

/* Without swap space, TTM does not back up: vttm says ENOSPC. */
static void check_swapout_needs_swap(void)
{
	struct vttm_usage base;
	u32 handle;

	vttm_require(&dev);
	igt_require(!have_swap());
	base = vttm_read_usage(&dev);

	handle = vttm_create_bo(dev.fd, 4 * PAGE, ALL, TT);
	igt_assert_eq(__vttm_move_bo(dev.fd, handle, SYS, VTTM_MOVE_SWAPOUT), -ENOSPC);
	/* The move itself happened. */
	igt_assert_eq(vttm_get_bo_domain(dev.fd, handle), SYS);
	igt_assert_eq(__vttm_evict(dev.fd, SYS), -ENOSPC);
	vttm_gem_close(dev.fd, handle);

	close_and_check_usage(&base);
}

/**
 * SUBTEST: swapout-needs-swap
 * Description: Without swap space, TTM does not back up: a SWAPOUT move
 *   and EVICT of SYSTEM fail with ENOSPC (the move itself happens).
 */
static void test_swapout_needs_swap(void)
{
	/* The test VM normally has swap on, which the other subtests need. */
	run_with_swap_off(check_swapout_needs_swap);
}

static void swap_out(u32 handle)
{
	struct drm_vttm_bo_info info;

	igt_assert_eq(__vttm_move_bo(dev.fd, handle, SYS, VTTM_MOVE_SWAPOUT), 0);
	info = vttm_get_bo_info(dev.fd, handle);
	igt_assert_eq(info.domain, SYS);
	igt_assert(info.flags & VTTM_INFO_SWAPPED);
	igt_assert_eq(info.backing_size, 0);
}

/**
 * SUBTEST: swapout
 * Description: Data survives a forced swapout, and comes back on a fault or a
 *   move; swapping out or moving to SYSTEM what is swapped out is a no-op.
 *   Needs swap space.
 */
static void test_swapout(void)
{
	static const u32 from[] = { TT, VRAM, SYS };
	static const u32 back[] = { VRAM, TT, SYS };
	const u64 size = 64 * PAGE;
	struct vttm_usage base, u;
	unsigned int i;

	vttm_require(&dev);
	igt_require(have_swap());
	base = vttm_read_usage(&dev);

	for (i = 0; i < ARRAY_SIZE(from); i++) {
		u32 handle = vttm_create_bo(dev.fd, size, ALL, from[i]), *map;

		map = vttm_mmap_bo(dev.fd, handle, size);
		vttm_fill(map, size, 0x5a0 + i);
		swap_out(handle);
		u = vttm_read_usage(&dev);
		igt_assert_eq(u.backed_up, base.backed_up + size / PAGE);

		/* Swapping out what is swapped out is a no-op. */
		swap_out(handle);
		/* So is moving it to SYSTEM. */
		vttm_move_bo(dev.fd, handle, SYS);
		igt_assert(vttm_get_bo_info(dev.fd, handle).flags & VTTM_INFO_SWAPPED);

		if (back[i] == SYS) {
			/* Swapped in by the fault. */
			vttm_check(map, size, 0x5a0 + i, "faulted back in");
		} else {
			vttm_move_bo(dev.fd, handle, back[i]);
			vttm_check_bo(dev.fd, handle, map, size, 0x5a0 + i,
				   "moved back in");
		}
		igt_assert_eq(vttm_get_bo_info(dev.fd, handle).flags & VTTM_INFO_SWAPPED, 0);
		u = vttm_read_usage(&dev);
		igt_assert_eq(u.backed_up, base.backed_up);

		/* A swapped-out BO may also just be closed. */
		swap_out(handle);
		munmap(map, size);
		vttm_gem_close(dev.fd, handle);
	}

	close_and_check_usage(&base);
}

/**
 * SUBTEST: evict-system
 * Description: EVICT of SYSTEM backs up every resident SYSTEM BO. Needs
 *   swap space.
 */
static void test_evict_system(void)
{
	const u64 size = 16 * PAGE;
	u32 bo[2], *map[2];
	struct vttm_usage base;
	int i;

	vttm_require(&dev);
	igt_require(have_swap());
	base = vttm_read_usage(&dev);

	for (i = 0; i < ARRAY_SIZE(bo); i++) {
		bo[i] = vttm_create_bo(dev.fd, size, ALL, SYS);
		map[i] = vttm_mmap_bo(dev.fd, bo[i], size);
		vttm_fill(map[i], size, 0xe5 + i);
	}
	igt_assert_eq(__vttm_evict(dev.fd, SYS), 0);
	for (i = 0; i < ARRAY_SIZE(bo); i++) {
		igt_assert(vttm_get_bo_info(dev.fd, bo[i]).flags & VTTM_INFO_SWAPPED);
		vttm_check(map[i], size, 0xe5 + i, "after EVICT of SYSTEM");
		munmap(map[i], size);
		vttm_gem_close(dev.fd, bo[i]);
	}
	close_and_check_usage(&base);
}

/**
 * SUBTEST: shrinker
 * Description: Reclaim (here: drop_caches) backs BOs up through vttm's
 *   shrinker.
 */
static void test_shrinker(void)
{
	const u64 size = 256 * PAGE;
	u32 handle, *map;
	struct vttm_usage base;
	int fd;

	vttm_require(&dev);
	igt_require(have_swap());
	base = vttm_read_usage(&dev);

	handle = vttm_create_bo(dev.fd, size, ALL, TT);
	map = vttm_mmap_bo(dev.fd, handle, size);
	vttm_fill(map, size, 0x5421);

	fd = open("/proc/sys/vm/drop_caches", O_WRONLY | O_CLOEXEC);
	igt_require(fd >= 0);
	igt_assert_eq(write(fd, "2\n", 2), 2);
	close(fd);

	igt_assert(vttm_get_bo_info(dev.fd, handle).flags & VTTM_INFO_SWAPPED);
	igt_assert_eq(vttm_get_bo_domain(dev.fd, handle), SYS);
	vttm_check(map, size, 0x5421, "after the shrinker");

	munmap(map, size);
	vttm_gem_close(dev.fd, handle);
	close_and_check_usage(&base);
}

/**
 * SUBTEST: page-audit
 * Description: Mapping and faulting a BO takes no page references: vttm's
 *   page audit does not change, and VRAM has no struct pages.
 */
static void test_page_audit(void)
{
	const u64 size = 64 * PAGE;
	char *before, *after, vram_line[96];
	unsigned long pfn0, pfn1;
	u32 handle, *map;
	u64 id;
	struct vttm_usage base;

	vttm_require(&dev);
	base = vttm_read_usage(&dev);

	/* TT: pages from the pool. */
	handle = vttm_create_bo(dev.fd, size, ALL, TT);
	id = vttm_get_bo_info(dev.fd, handle).id;
	before = vttm_bo_audit(&dev, id);
	vttm_check_audit_pages(before, size);
	map = vttm_mmap_bo(dev.fd, handle, size);
	vttm_fill(map, size, 0xa0d17);
	after = vttm_bo_audit(&dev, id);
	igt_assert_f(!strcmp(before, after),
		     "faults changed the audit:\n%s---\n%s", before, after);
	munmap(map, size);
	free(after);
	after = vttm_bo_audit(&dev, id);
	igt_assert_f(!strcmp(before, after),
		     "munmap changed the audit:\n%s---\n%s", before, after);
	free(before);
	free(after);

	/* VRAM: page frames without struct pages. */
	vttm_move_bo(dev.fd, handle, VRAM);
	map = vttm_mmap_bo(dev.fd, handle, size);
	vttm_check(map, size, 0xa0d17, "VRAM");
	before = vttm_bo_audit(&dev, id);
	igt_assert(sscanf(strchr(before, '\n') + 1,
			  "  vram pfn %lx-%lx struct_page %95s",
			  &pfn0, &pfn1, vram_line) == 3);
	igt_assert_eq(pfn1 - pfn0 + 1, size / PAGE);
	igt_assert_f(!strcmp(vram_line, "no"), "struct_page %s", vram_line);
	munmap(map, size);
	free(before);

	vttm_gem_close(dev.fd, handle);
	close_and_check_usage(&base);
}

/**
 * SUBTEST: mmap-pfnmap
 * Description: BO mappings are VM_PFNMAP | VM_IO and never VM_MIXEDMAP in
 *   every domain, also after a move, and GUP refuses them:
 *   process_vm_readv() from the mapping fails with EFAULT instead of
 *   taking page references.
 */
static void test_mmap_pfnmap(void)
{
	static const u32 domains[] = { VRAM, TT, SYS };
	const u64 size = 16 * PAGE;
	struct vttm_usage base;
	unsigned int i;

	vttm_require(&dev);
	base = vttm_read_usage(&dev);

	for (i = 0; i < ARRAY_SIZE(domains); i++) {
		u32 handle = vttm_create_bo(dev.fd, size, ALL, domains[i]);
		u32 *map = vttm_mmap_bo(dev.fd, handle, size);
		const char *name = vttm_domain_name(domains[i]);
		u32 copy[4] = { };
		struct iovec local = { copy, sizeof(copy) };
		struct iovec remote = { map, sizeof(copy) };
		char flags[512];
		ssize_t n;

		vttm_fill(map, size, 0x9f + i);
		vma_flags(map, flags, sizeof(flags));
		igt_assert_f(has_flag(flags, VMFLAG_PFNMAP) &&
			     has_flag(flags, VMFLAG_IO) &&
			     !has_flag(flags, VMFLAG_MIXEDMAP),
			     "%s BO mapping has VmFlags%s: expected pf and io, no mm",
			     name, flags);

		n = process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
		igt_assert_f(n == -1 && errno == EFAULT,
			     "process_vm_readv() from a %s BO mapping: %zd (%s), expected EFAULT",
			     name, n, n < 0 ? strerror(errno) : "no error");

		/* A move replaces the backing, not the VMA. */
		vttm_move_bo(dev.fd, handle, domains[(i + 1) % ARRAY_SIZE(domains)]);
		vttm_check(map, size, 0x9f + i, "after the move");
		vma_flags(map, flags, sizeof(flags));
		igt_assert_f(has_flag(flags, VMFLAG_PFNMAP) &&
			     !has_flag(flags, VMFLAG_MIXEDMAP),
			     "after moving a %s BO: VmFlags%s", name, flags);

		munmap(map, size);
		vttm_gem_close(dev.fd, handle);
	}
	close_and_check_usage(&base);
}

#define SZ_2M		(2ull << 20)
/* TTM maps this many pages per 4 KiB fault (TTM_BO_VM_NUM_PREFAULT). */
#define PREFAULT	16

/* Touches @map and checks it took one fault per PMD-mappable window. */
static void expect_faults(u32 handle, const u32 *map, u64 size,
			  const char *what)
{
	u64 id = vttm_get_bo_info(dev.fd, handle).id;
	unsigned int windows = size / SZ_2M;
	unsigned int huge = vttm_audit_huge_windows(&dev, id, size);
	long want = huge + (windows - huge) * (SZ_2M / PAGE / PREFAULT);
	long faults = touch_faults(map, size);

	igt_assert_f(faults == want,
		     "%s: reading every page took %ld page faults; %u of %u 2 MiB windows can be mapped with a PMD, so expected %ld",
		     what, faults, huge, windows, want);
	if (huge < windows)
		igt_info("%s: only %u of %u windows contiguous and aligned",
			 what, huge, windows);
}

/**
 * SUBTEST: mmap-huge
 * Description: A 4 MiB BO is mapped 2 MiB-aligned and with one PMD per
 *   window whose memory is contiguous and aligned (always in VRAM, in TT
 *   when the pool gave it big chunks): one page fault per window instead
 *   of one per 16 pages. Moves zap the PMDs, partial munmap and mprotect
 *   split them, fork copies the mapping, and the data survives all of it.
 */
static void test_mmap_huge(void)
{
	const u64 size = 2 * SZ_2M;
	struct vttm_usage base;
	u32 handle, *map, *hi;

	vttm_require(&dev);
	base = vttm_read_usage(&dev);

	handle = vttm_create_bo(dev.fd, size, ALL, VRAM);
	map = vttm_mmap_bo(dev.fd, handle, size);
	hi = map + SZ_2M / 4;
	igt_assert_f(((uintptr_t)map & (SZ_2M - 1)) == 0,
		     "a 4 MiB BO is mapped at %p, not 2 MiB-aligned", map);
	expect_faults(handle, map, size, "VRAM");
	vttm_fill(map, size, 0x4a);
	igt_assert_eq(touch_faults(map, size), 0);
	vttm_check_bo(dev.fd, handle, map, size, 0x4a, "VRAM, through PMDs");

	vttm_move_bo(dev.fd, handle, TT);
	expect_faults(handle, map, size, "after the move to TT");
	vttm_check_bo(dev.fd, handle, map, size, 0x4a, "TT, through PMDs");

	/* A hole in the first window: the second keeps its PMD. */
	igt_assert_eq(munmap(map + 3 * PAGE / 4, PAGE), 0);
	vttm_check_range(map, 0, 3 * PAGE, 0x4a, "below the hole");
	vttm_check_range(map, 4 * PAGE, size, 0x4a, "above the hole");
	igt_assert_eq(touch_faults(hi, SZ_2M), 0);

	vttm_check_in_child(map, SZ_2M, size, 0x4a, 0);
	igt_assert_eq(mprotect(hi, SZ_2M, PROT_READ), 0);
	vttm_check_range(map, SZ_2M, size, 0x4a, "read-only");
	vttm_check_in_child(map, SZ_2M, size, 0x4a, SIGSEGV);

	igt_assert_eq(munmap(map, size), 0);
	vttm_gem_close(dev.fd, handle);
	close_and_check_usage(&base);
}

static const struct igt_subtest tests[] = {
	{ "create-info", test_create_info },
	{ "vram-cleared", test_vram_cleared },
	{ "new-bo-zeroed", test_new_bo_zeroed },
	{ "bad-create", test_bad_create },
	{ "bad-handle", test_bad_handle },
	{ "bad-move", test_bad_move },
	{ "bad-mmap", test_bad_mmap },
	{ "move-data", test_move_data },
	{ "move-untouched", test_move_untouched },
	{ "evict-lru", test_evict_lru },
	{ "evict-domain", test_evict_domain },
	{ "swapout-needs-swap", test_swapout_needs_swap },
	{ "swapout", test_swapout },
	{ "evict-system", test_evict_system },
	{ "shrinker", test_shrinker },
	{ "page-audit", test_page_audit },
	{ "mmap-pfnmap", test_mmap_pfnmap },
	{ "mmap-huge", test_mmap_huge },
};

IGT_MAIN(tests)
