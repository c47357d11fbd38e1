// SPDX-License-Identifier: GPL-2.0-only
/*
 * Backing up TT and SYSTEM pages to shmem.
 *
 * vttm's ttm_tts are TTM_TT_FLAG_EXTERNAL, so TTM's global swapout leaves
 * them alone and their pages are not counted against TTM's page limit.
 * Instead, a shrinker backs them up with ttm_bo_shrink() when the kernel
 * runs low on memory. The VTTM_MOVE_SWAPOUT flag and EVICT of SYSTEM use
 * the very same path, so userspace can force what reclaim would do.
 */

#include <linux/shrinker.h>
#include <linux/swap.h>

#include <drm/drm_managed.h>
#include <drm/ttm/ttm_backup.h>
#include <drm/ttm/ttm_tt.h>

#include "vttm_drv.h"

/**
 * vttm_bo_shrink - back up a BO's pages to shmem
 * @bo: the BO, reserved
 * @ctx: the TTM operation context
 * @writeback: push the shmem copy on to swap right away
 *
 * A BO in TT is first moved to SYSTEM. A BO without pages (in VRAM, never
 * touched or already backed up) is left alone.
 *
 * Return: the number of pages backed up (possibly 0), -ENOSPC without swap
 * space, or another negative error code.
 */
long vttm_bo_shrink(struct ttm_buffer_object *bo,
		    struct ttm_operation_ctx *ctx, bool writeback)
{
	struct vttm_device *vdev = bdev_to_vttm(bo->bdev);
	struct ttm_bo_shrink_flags flags = {
		.writeback = writeback,
		.allow_move = true,
	};
	struct ttm_tt *tt = bo->ttm;
	long ret;

	dma_resv_assert_held(bo->base.resv);

	/*
	 * TTM refuses to back up when shmem could never be swapped out;
	 * say so instead of reporting a busy BO.
	 */
	if (!ttm_backup_bytes_avail())
		return -ENOSPC;
	if (!ttm_bo_shrink_suitable(bo, ctx))
		return 0;

	ret = ttm_bo_shrink(ctx, bo, flags);
	if (ret > 0) {
		/* Backup frees the pages without calling unpopulate. */
		atomic_long_sub(tt->num_pages, &vdev->resident_pages);
		atomic_long_add(tt->num_pages, &vdev->backed_up_pages);
	}
	return ret;
}

/*
 * Back up the BOs of one memory type in LRU order. With @sleep, wait for
 * BOs that are reserved by someone else; reclaim must not.
 */
static long vttm_shrink_lru(struct vttm_device *vdev, u32 mem_type,
			    struct ttm_operation_ctx *ctx, bool writeback,
			    bool sleep, unsigned long to_scan,
			    unsigned long *scanned)
{
	struct ttm_resource_manager *man;
	struct ttm_lru_walk_arg arg = {
		.ctx = ctx,
		.trylock_only = !sleep,
		.sleeping_lock = sleep,
	};
	struct ttm_bo_lru_cursor curs;
	struct ttm_buffer_object *bo;
	long freed = 0, ret;

	man = ttm_manager_type(&vdev->bdev, mem_type);
	ttm_bo_lru_for_each_reserved_guarded(&curs, man, &arg, bo) {
		if (!ttm_bo_shrink_suitable(bo, ctx))
			continue;

		*scanned += bo->ttm->num_pages;
		ret = vttm_bo_shrink(bo, ctx, writeback);
		/* A BO that cannot be backed up now is simply skipped. */
		if (ret == -EBUSY)
			continue;
		if (ret < 0)
			return ret;
		freed += ret;
		if (*scanned >= to_scan)
			break;
	}
	if (IS_ERR(bo))
		return PTR_ERR(bo);
	return freed;
}

/**
 * vttm_backup_domain - back up every resident BO of a memory type
 * @vdev: the vttm device
 * @mem_type: TTM_PL_SYSTEM or TTM_PL_TT
 *
 * Return: 0, -ENOSPC without swap space, or another negative error code.
 */
int vttm_backup_domain(struct vttm_device *vdev, u32 mem_type)
{
	struct ttm_operation_ctx ctx = { .interruptible = true };
	unsigned long scanned = 0;
	long ret;

	if (!ttm_backup_bytes_avail())
		return -ENOSPC;
	ret = vttm_shrink_lru(vdev, mem_type, &ctx, false, true, ULONG_MAX,
			      &scanned);
	return ret < 0 ? ret : 0;
}

static unsigned long vttm_shrinker_count(struct shrinker *shrink,
					 struct shrink_control *sc)
{
	struct vttm_device *vdev = shrink->private_data;
	unsigned long pages;

	/* Backing up writes to shmem, a filesystem. */
	if (!(sc->gfp_mask & __GFP_FS))
		return 0;

	pages = min_t(unsigned long,
		      atomic_long_read(&vdev->resident_pages),
		      ttm_backup_bytes_avail() >> PAGE_SHIFT);
	return pages ?: SHRINK_EMPTY;
}

static unsigned long vttm_shrinker_scan(struct shrinker *shrink,
					struct shrink_control *sc)
{
	static const u32 mem_types[] = { TTM_PL_SYSTEM, TTM_PL_TT };
	struct vttm_device *vdev = shrink->private_data;
	struct ttm_operation_ctx ctx = {
		.no_wait_gpu = ttm_bo_shrink_avoid_wait(),
	};
	bool writeback = !ctx.no_wait_gpu && (sc->gfp_mask & __GFP_IO);
	unsigned long scanned = 0, freed = 0;
	unsigned int i;
	long ret;

	/* SYSTEM first: its BOs are the ones the device is not using. */
	for (i = 0; i < ARRAY_SIZE(mem_types); i++) {
		ret = vttm_shrink_lru(vdev, mem_types[i], &ctx, writeback,
				      false, sc->nr_to_scan, &scanned);
		if (ret < 0)
			break;
		freed += ret;
		if (scanned >= sc->nr_to_scan)
			break;
	}

	sc->nr_scanned = scanned;
	return scanned ? freed : SHRINK_STOP;
}

static void vttm_shrinker_fini(struct drm_device *drm, void *arg)
{
	struct vttm_device *vdev = to_vttm_device(drm);

	shrinker_free(vdev->shrinker);
}

/**
 * vttm_shrinker_init - register the shrinker for a vttm device
 * @vdev: the vttm device, with TTM set up
 *
 * Return: 0 or a negative error code.
 */
int vttm_shrinker_init(struct vttm_device *vdev)
{
	struct shrinker *shrinker;

	shrinker = shrinker_alloc(0, "drm-vttm:%s", vdev->drm.unique);
	if (!shrinker)
		return -ENOMEM;

	shrinker->count_objects = vttm_shrinker_count;
	shrinker->scan_objects = vttm_shrinker_scan;
	shrinker->private_data = vdev;
	vdev->shrinker = shrinker;
	shrinker_register(shrinker);

	return drmm_add_action_or_reset(&vdev->drm, vttm_shrinker_fini, NULL);
}
