// SPDX-License-Identifier: GPL-2.0-only
/*
 * vttm ioctls. The errno values are uAPI: see include/uapi/drm/vttm_drm.h.
 *
 * Arguments are checked by the pure helpers in vttm_placement.c before a
 * handle is looked up, so malformed requests fail the same way whatever
 * handle they name.
 */

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/ttm/ttm_tt.h>
#include <drm/vttm_drm.h>

#include "vttm_drv.h"

/**
 * vttm_bo_create_ioctl - DRM_IOCTL_VTTM_BO_CREATE
 * @drm: the DRM device
 * @data: &struct drm_vttm_bo_create
 * @file: the DRM file the handle is created in
 *
 * Return: 0 or a negative error code.
 */
int vttm_bo_create_ioctl(struct drm_device *drm, void *data,
			 struct drm_file *file)
{
	struct vttm_device *vdev = to_vttm_device(drm);
	struct drm_vttm_bo_create *args = data;
	struct vttm_bo *vbo;
	u64 size;
	int idx, ret;

	ret = vttm_check_create(args->size, args->domains, args->preferred,
				args->flags, &vdev->sizes, &size);
	if (ret)
		return ret;

	/* Placing a BO in VRAM clears it through the BAR. */
	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;
	vbo = vttm_bo_create(vdev, size, args->domains, args->preferred,
			     args->flags);
	drm_dev_exit(idx);
	if (IS_ERR(vbo))
		return PTR_ERR(vbo);

	ret = drm_gem_handle_create(file, &vbo->tbo.base, &args->handle);
	drm_gem_object_put(&vbo->tbo.base);
	return ret;
}

/**
 * vttm_bo_mmap_offset_ioctl - DRM_IOCTL_VTTM_BO_MMAP_OFFSET
 * @drm: the DRM device
 * @data: &struct drm_vttm_bo_mmap_offset
 * @file: the DRM file the handle belongs to
 *
 * Return: 0 or a negative error code.
 */
int vttm_bo_mmap_offset_ioctl(struct drm_device *drm, void *data,
			      struct drm_file *file)
{
	struct drm_vttm_bo_mmap_offset *args = data;
	struct drm_gem_object *gem;

	if (args->pad)
		return -EINVAL;

	gem = drm_gem_object_lookup(file, args->handle);
	if (!gem)
		return -ENOENT;
	/* TTM gave every BO its offset node when it was created. */
	args->offset = drm_vma_node_offset_addr(&gem->vma_node);
	drm_gem_object_put(gem);
	return 0;
}

/**
 * vttm_bo_info_ioctl - DRM_IOCTL_VTTM_BO_INFO
 * @drm: the DRM device
 * @data: &struct drm_vttm_bo_info
 * @file: the DRM file the handle belongs to
 *
 * Return: 0 or a negative error code.
 */
int vttm_bo_info_ioctl(struct drm_device *drm, void *data,
		       struct drm_file *file)
{
	struct drm_vttm_bo_info *args = data;
	struct drm_gem_object *gem;
	struct ttm_buffer_object *tbo;
	struct ttm_resource *res;
	int ret;

	if (args->pad)
		return -EINVAL;

	gem = drm_gem_object_lookup(file, args->handle);
	if (!gem)
		return -ENOENT;
	tbo = &to_vttm_bo(gem)->tbo;

	/*
	 * Lock without ttm_bo_reserve()/ttm_bo_unreserve(): unreserving
	 * would make the BO the most recently used, and a query must not.
	 */
	ret = dma_resv_lock_interruptible(tbo->base.resv, NULL);
	if (ret) {
		ret = -ERESTARTSYS;
		goto out_put;
	}

	res = tbo->resource;
	args->domain = res ? vttm_mem_type_to_domain(res->mem_type) : 0;
	args->size = tbo->base.size;
	args->backing_size = vttm_bo_backing_size(tbo);
	args->vram_offset = 0;
	if (res && res->mem_type == TTM_PL_VRAM)
		args->vram_offset = (u64)res->start << PAGE_SHIFT;
	args->id = to_vttm_bo(gem)->id;
	args->flags = 0;
	if (vttm_bo_is_contiguous(tbo))
		args->flags |= VTTM_INFO_CONTIGUOUS;
	if (tbo->ttm && ttm_tt_is_swapped(tbo->ttm))
		args->flags |= VTTM_INFO_SWAPPED;

	dma_resv_unlock(tbo->base.resv);
out_put:
	drm_gem_object_put(gem);
	return ret;
}

static int vttm_bo_move_to(struct vttm_device *vdev, struct vttm_bo *vbo,
			   u32 domain, u32 flags)
{
	struct ttm_operation_ctx ctx = { .interruptible = true };
	struct ttm_place places[VTTM_MAX_PLACES];
	struct ttm_placement placement = { .placement = places };
	struct ttm_buffer_object *tbo = &vbo->tbo;
	long lret;
	int ret;

	placement.num_placement = vttm_placement_init(places, domain, domain,
						      vbo->flags,
						      tbo->base.size,
						      &vdev->sizes);

	ret = ttm_bo_reserve(tbo, true, false, NULL);
	if (ret)
		return ret;

	ret = ttm_bo_validate(tbo, &placement, &ctx);
	if (!ret && (flags & VTTM_MOVE_SWAPOUT)) {
		lret = vttm_bo_shrink(tbo, &ctx, false);
		/*
		 * With swap space and pages to back up, TTM reports a failed
		 * shmem allocation as a busy BO.
		 */
		if (lret == -EBUSY)
			lret = -ENOMEM;
		ret = lret < 0 ? lret : 0;
	}

	/* Also makes the BO the most recently used in its domain. */
	ttm_bo_unreserve(tbo);
	return ret;
}

/**
 * vttm_bo_move_ioctl - DRM_IOCTL_VTTM_BO_MOVE
 * @drm: the DRM device
 * @data: &struct drm_vttm_bo_move
 * @file: the DRM file the handle belongs to
 *
 * Return: 0 or a negative error code.
 */
int vttm_bo_move_ioctl(struct drm_device *drm, void *data,
		       struct drm_file *file)
{
	struct vttm_device *vdev = to_vttm_device(drm);
	struct drm_vttm_bo_move *args = data;
	struct drm_gem_object *gem;
	struct vttm_bo *vbo;
	int idx, ret;

	ret = vttm_check_move_args(args->domain, args->flags, args->pad);
	if (ret)
		return ret;

	gem = drm_gem_object_lookup(file, args->handle);
	if (!gem)
		return -ENOENT;
	vbo = to_vttm_bo(gem);

	ret = vttm_check_move_bo(vbo->domains, gem->size, args->domain,
				 &vdev->sizes);
	if (ret)
		goto out_put;

	/* Moves copy through the BAR. */
	if (!drm_dev_enter(drm, &idx)) {
		ret = -ENODEV;
		goto out_put;
	}
	ret = vttm_bo_move_to(vdev, vbo, args->domain, args->flags);
	drm_dev_exit(idx);
out_put:
	drm_gem_object_put(gem);
	return ret;
}

/**
 * vttm_evict_ioctl - DRM_IOCTL_VTTM_EVICT
 * @drm: the DRM device
 * @data: &struct drm_vttm_evict
 * @file: the DRM file
 *
 * Return: 0 or a negative error code.
 */
int vttm_evict_ioctl(struct drm_device *drm, void *data,
		     struct drm_file *file)
{
	struct vttm_device *vdev = to_vttm_device(drm);
	struct drm_vttm_evict *args = data;
	int idx, mem_type, ret;

	ret = vttm_check_evict(args->domain, args->pad);
	if (ret)
		return ret;
	mem_type = vttm_domain_to_mem_type(args->domain);

	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;
	/* TTM would purge SYSTEM BOs; vttm backs them up instead. */
	if (mem_type == TTM_PL_SYSTEM)
		ret = vttm_backup_domain(vdev, mem_type);
	else
		ret = ttm_resource_manager_evict_all(&vdev->bdev,
						     ttm_manager_type(&vdev->bdev,
								      mem_type));
	drm_dev_exit(idx);
	return ret;
}
