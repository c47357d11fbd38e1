// SPDX-License-Identifier: GPL-2.0-only
/*
 * The TTM side of vttm: memory managers, page backing and moves.
 *
 * VRAM is a range manager over the BAR, TT a range manager standing in for
 * a GART aperture, SYSTEM is TTM's own. Moves are CPU copies; there is no
 * copy engine and no fence, so every move is complete when it returns.
 */

#include <linux/io.h>

#include <drm/drm_managed.h>
#include <drm/drm_print.h>
#include <drm/ttm/ttm_range_manager.h>
#include <drm/ttm/ttm_tt.h>

#include <kunit/visibility.h>

#include "vttm_drv.h"

static struct ttm_tt *vttm_tt_create(struct ttm_buffer_object *bo,
				     u32 page_flags)
{
	struct ttm_tt *tt;

	tt = kzalloc_obj(*tt);
	if (!tt)
		return NULL;

	/*
	 * EXTERNAL_MAPPABLE: the pages are ours to map and to back up with
	 * ttm_bo_shrink(), which needs a backup file. The EXTERNAL part keeps
	 * TTM's global swapout off these pages: vttm's shrinker reclaims them.
	 */
	page_flags |= TTM_TT_FLAG_EXTERNAL | TTM_TT_FLAG_EXTERNAL_MAPPABLE;
	if (ttm_tt_init(tt, bo, page_flags, ttm_cached, 0))
		goto err_free;
	if (ttm_tt_setup_backup(tt))
		goto err_fini;
	return tt;

err_fini:
	ttm_tt_fini(tt);
err_free:
	kfree(tt);
	return NULL;
}

static int vttm_tt_populate(struct ttm_device *bdev, struct ttm_tt *tt,
			    struct ttm_operation_ctx *ctx)
{
	struct vttm_device *vdev = bdev_to_vttm(bdev);
	bool backed_up = ttm_tt_is_backed_up(tt);
	int ret;

	if (backed_up)
		ret = ttm_tt_restore(bdev, tt, ctx);
	else
		ret = ttm_pool_alloc(&bdev->pool, tt, ctx);
	if (ret)
		return ret;

	if (backed_up)
		atomic_long_sub(tt->num_pages, &vdev->backed_up_pages);
	atomic_long_add(tt->num_pages, &vdev->resident_pages);
	return 0;
}

static void vttm_tt_unpopulate(struct ttm_device *bdev, struct ttm_tt *tt)
{
	struct vttm_device *vdev = bdev_to_vttm(bdev);

	ttm_pool_free(&bdev->pool, tt);
	atomic_long_sub(tt->num_pages, &vdev->resident_pages);
}

static void vttm_tt_destroy(struct ttm_device *bdev, struct ttm_tt *tt)
{
	struct vttm_device *vdev = bdev_to_vttm(bdev);

	/* ttm_tt_fini() drops the backed-up copy. */
	if (ttm_tt_is_backed_up(tt))
		atomic_long_sub(tt->num_pages, &vdev->backed_up_pages);
	ttm_tt_fini(tt);
	kfree(tt);
}

static void vttm_evict_flags(struct ttm_buffer_object *bo,
			     struct ttm_placement *placement)
{
	static const struct ttm_place tt_place = { .mem_type = TTM_PL_TT };
	static const struct ttm_place sys_place = { .mem_type = TTM_PL_SYSTEM };
	struct vttm_device *vdev = bdev_to_vttm(bo->bdev);
	u32 mem_type;

	mem_type = vttm_evict_mem_type(bo->resource->mem_type, bo->base.size,
				       &vdev->sizes);
	placement->num_placement = 1;
	placement->placement = mem_type == TTM_PL_TT ? &tt_place : &sys_place;
}

/* A new VRAM range may still hold a freed BO's data: never let it show. */
static int vttm_vram_clear(struct vttm_device *vdev, struct ttm_resource *mem)
{
	resource_size_t offset = (resource_size_t)mem->start << PAGE_SHIFT;
	void __iomem *vaddr;

	vaddr = ioremap_wc(vdev->vram_base + offset, mem->size);
	if (!vaddr)
		return -ENOMEM;
	memset_io(vaddr, 0, mem->size);
	iounmap(vaddr);
	return 0;
}

/* Whether the BO's current placement holds data a move must preserve. */
static bool vttm_bo_has_data(struct ttm_buffer_object *bo)
{
	struct ttm_tt *tt = bo->ttm;

	if (!bo->resource)
		return false;
	if (bo->resource->mem_type == TTM_PL_VRAM)
		return true;
	return tt && (ttm_tt_is_populated(tt) || ttm_tt_is_swapped(tt));
}

static int vttm_bo_move(struct ttm_buffer_object *bo, bool evict,
			struct ttm_operation_ctx *ctx,
			struct ttm_resource *new_mem, struct ttm_place *hop)
{
	struct vttm_device *vdev = bdev_to_vttm(bo->bdev);
	int ret;

	/*
	 * Nothing to copy. TT and SYSTEM pages are zeroed by the pool when
	 * TTM creates the ttm_tt (TTM_TT_FLAG_ZERO_ALLOC); VRAM we clear.
	 * The sync cleanup also drops an unpopulated ttm_tt the BO may carry
	 * into VRAM.
	 */
	if (!vttm_bo_has_data(bo)) {
		if (new_mem->mem_type == TTM_PL_VRAM) {
			ret = vttm_vram_clear(vdev, new_mem);
			if (ret)
				return ret;
		}
		ttm_bo_move_sync_cleanup(bo, new_mem);
		return 0;
	}

	/*
	 * TT and SYSTEM share the ttm_tt pages: moving between them binds
	 * or unbinds the pages in the aperture, and this one is imaginary.
	 */
	if (bo->resource->mem_type != TTM_PL_VRAM &&
	    new_mem->mem_type != TTM_PL_VRAM) {
		ttm_bo_move_null(bo, new_mem);
		return 0;
	}

	/*
	 * ttm_bo_move_memcpy() reads in ttm_tt_swapout()'s swap files but not
	 * ttm_tt_backup()'s: restore a backed-up SYSTEM BO before the copy.
	 */
	if (bo->ttm && ttm_tt_is_swapped(bo->ttm)) {
		ret = ttm_bo_populate(bo, ctx);
		if (ret)
			return ret;
	}
	return ttm_bo_move_memcpy(bo, ctx, new_mem);
}

static int vttm_io_mem_reserve(struct ttm_device *bdev,
			       struct ttm_resource *mem)
{
	struct vttm_device *vdev = bdev_to_vttm(bdev);

	switch (mem->mem_type) {
	case TTM_PL_SYSTEM:
	case TTM_PL_TT:
		return 0;
	case TTM_PL_VRAM:
		mem->bus.offset = vdev->vram_base +
				  ((resource_size_t)mem->start << PAGE_SHIFT);
		mem->bus.is_iomem = true;
		mem->bus.caching = ttm_write_combined;
		return 0;
	default:
		return -EINVAL;
	}
}

static const struct ttm_device_funcs vttm_ttm_funcs = {
	.ttm_tt_create = vttm_tt_create,
	.ttm_tt_populate = vttm_tt_populate,
	.ttm_tt_unpopulate = vttm_tt_unpopulate,
	.ttm_tt_destroy = vttm_tt_destroy,
	.eviction_valuable = ttm_bo_eviction_valuable,
	.evict_flags = vttm_evict_flags,
	.move = vttm_bo_move,
	.io_mem_reserve = vttm_io_mem_reserve,
};

static void vttm_ttm_fini(struct drm_device *drm, void *arg)
{
	struct vttm_device *vdev = to_vttm_device(drm);

	ttm_range_man_fini(&vdev->bdev, TTM_PL_VRAM);
	ttm_range_man_fini(&vdev->bdev, TTM_PL_TT);
	ttm_device_fini(&vdev->bdev);
}

/**
 * vttm_ttm_init - set up the TTM device and its memory managers
 * @vdev: the vttm device, with @vdev->vram_base and @vdev->sizes set
 *
 * Torn down by a drmm action once the last reference to the DRM device is
 * gone, after every BO has been freed.
 *
 * Return: 0 or a negative error code.
 */
int vttm_ttm_init(struct vttm_device *vdev)
{
	struct drm_device *drm = &vdev->drm;
	int ret;

	/*
	 * Cached pages from the page allocator, no DMA API: nothing ever
	 * DMAs to them. PROPAGATE_ENOSPC lets userspace tell "no room even
	 * after eviction" (ENOSPC) from "out of kernel memory" (ENOMEM).
	 */
	ret = ttm_device_init(&vdev->bdev, &vttm_ttm_funcs, drm->dev,
			      drm->anon_inode->i_mapping,
			      drm->vma_offset_manager,
			      TTM_ALLOCATION_PROPAGATE_ENOSPC);
	if (ret)
		return ret;

	ret = ttm_range_man_init(&vdev->bdev, TTM_PL_VRAM, false,
				 vdev->sizes.vram >> PAGE_SHIFT);
	if (ret)
		goto err_device;

	ret = ttm_range_man_init(&vdev->bdev, TTM_PL_TT, true,
				 vdev->sizes.tt >> PAGE_SHIFT);
	if (ret)
		goto err_vram;

	return drmm_add_action_or_reset(drm, vttm_ttm_fini, NULL);

err_vram:
	ttm_range_man_fini(&vdev->bdev, TTM_PL_VRAM);
err_device:
	ttm_device_fini(&vdev->bdev);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(vttm_ttm_init);

/**
 * vttm_ttm_unplug - move every BO out of VRAM when the device goes away
 * @vdev: the vttm device, already unplugged
 *
 * The BAR is released when the PCI device is unbound, but BOs live on
 * until userspace closes them. Evicting them keeps their data and leaves
 * nothing pointing at the BAR. Nothing can move a BO back: only ioctls
 * place BOs in VRAM, and they fail once the device is unplugged.
 */
void vttm_ttm_unplug(struct vttm_device *vdev)
{
	int ret;

	ret = ttm_resource_manager_evict_all(&vdev->bdev,
					     ttm_manager_type(&vdev->bdev,
							      TTM_PL_VRAM));
	if (ret)
		drm_warn(&vdev->drm, "evicting VRAM on removal failed: %d\n",
			 ret);
}
