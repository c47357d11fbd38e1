// SPDX-License-Identifier: GPL-2.0-only
/*
 * vttm buffer objects: a GEM object embedded in each TTM BO.
 *
 * The GEM object is private (no shmem file): TTM provides the backing
 * store, and mmap goes through TTM's fault handler.
 */

#include <linux/mm.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include <drm/drm_gem_ttm_helper.h>
#include <drm/ttm/ttm_tt.h>

#include <kunit/visibility.h>

#include "vttm_drv.h"

static void vttm_gem_free(struct drm_gem_object *gem)
{
	/* Drops the reference TTM holds for the GEM object; see destroy. */
	ttm_bo_fini(&to_vttm_bo(gem)->tbo);
}

static const struct drm_gem_object_funcs vttm_gem_funcs = {
	.free = vttm_gem_free,
	.mmap = drm_gem_ttm_mmap,
	.print_info = drm_gem_ttm_print_info,
};

/* Called by TTM once the BO is idle and its memory is released. */
static void vttm_bo_destroy(struct ttm_buffer_object *tbo)
{
	struct vttm_device *vdev = bdev_to_vttm(tbo->bdev);
	struct vttm_bo *vbo = container_of(tbo, struct vttm_bo, tbo);

	/* A BO whose ttm_bo_init_validate() failed was never listed. */
	spin_lock(&vdev->bo_lock);
	list_del_init(&vbo->link);
	spin_unlock(&vdev->bo_lock);

	drm_gem_object_release(&tbo->base);
	kfree(vbo);
}

/**
 * vttm_bo_create - create a BO and place it
 * @vdev: the vttm device
 * @size: size in bytes, page aligned and checked by vttm_check_create()
 * @domains: VTTM_DOMAIN_* mask of where the BO may be placed
 * @preferred: the VTTM_DOMAIN_* to place it in first
 * @flags: VTTM_BO_* flags
 *
 * Return: the BO with one GEM reference, or an ERR_PTR().
 */
struct vttm_bo *vttm_bo_create(struct vttm_device *vdev, u64 size,
			       u32 domains, u32 preferred, u32 flags)
{
	struct ttm_place places[VTTM_MAX_PLACES];
	struct ttm_placement placement = { .placement = places };
	struct vttm_bo *vbo;
	int ret;

	vbo = kzalloc_obj(*vbo);
	if (!vbo)
		return ERR_PTR(-ENOMEM);

	INIT_LIST_HEAD(&vbo->link);
	vbo->id = atomic64_inc_return(&vdev->next_bo_id);
	vbo->domains = domains;
	vbo->flags = flags;
	vbo->tbo.base.funcs = &vttm_gem_funcs;
	drm_gem_private_object_init(&vdev->drm, &vbo->tbo.base, size);

	placement.num_placement = vttm_placement_init(places, preferred,
						      domains, flags, size,
						      &vdev->sizes);

	/*
	 * BOs of 2 MiB or more start 2 MiB-aligned in VRAM, so that TTM can
	 * map them, and KVM guests can use them, in 2 MiB pieces.
	 * On failure, TTM has called vttm_bo_destroy().
	 */
	ret = ttm_bo_init_validate(&vdev->bdev, &vbo->tbo, ttm_bo_type_device,
				   &placement,
				   size >= SZ_2M ? SZ_2M >> PAGE_SHIFT : 0,
				   true, NULL, NULL, vttm_bo_destroy);
	if (ret)
		return ERR_PTR(ret);

	/*
	 * Listed only now: debugfs takes references and locks, which must
	 * not race with TTM setting the BO up or tearing it down on failure.
	 */
	spin_lock(&vdev->bo_lock);
	list_add_tail(&vbo->link, &vdev->bos);
	spin_unlock(&vdev->bo_lock);
	return vbo;
}
EXPORT_SYMBOL_IF_KUNIT(vttm_bo_create);

/**
 * vttm_bo_is_contiguous - whether a BO's memory is physically contiguous
 * @bo: the BO, reserved
 *
 * Return: true in VRAM (one range), or in TT and SYSTEM if all pages are
 * present and their page frames consecutive.
 */
bool vttm_bo_is_contiguous(struct ttm_buffer_object *bo)
{
	struct ttm_tt *tt = bo->ttm;
	unsigned long pfn;
	pgoff_t i;

	dma_resv_assert_held(bo->base.resv);

	if (!bo->resource)
		return false;
	if (bo->resource->mem_type == TTM_PL_VRAM)
		return true;
	if (!tt || !ttm_tt_is_populated(tt))
		return false;

	pfn = page_to_pfn(tt->pages[0]);
	for (i = 1; i < tt->num_pages; i++)
		if (page_to_pfn(tt->pages[i]) != pfn + i)
			return false;
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(vttm_bo_is_contiguous);

/**
 * vttm_bo_backing_size - memory allocated for a BO now
 * @bo: the BO, reserved
 *
 * Return: the BO size in VRAM, the size of its pages in TT and SYSTEM, 0
 * if it has none.
 */
u64 vttm_bo_backing_size(struct ttm_buffer_object *bo)
{
	dma_resv_assert_held(bo->base.resv);

	if (!bo->resource)
		return 0;
	if (bo->resource->mem_type == TTM_PL_VRAM)
		return bo->base.size;
	if (bo->ttm && ttm_tt_is_populated(bo->ttm))
		return (u64)bo->ttm->num_pages << PAGE_SHIFT;
	return 0;
}
