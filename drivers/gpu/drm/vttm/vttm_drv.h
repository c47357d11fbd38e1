/* SPDX-License-Identifier: GPL-2.0-only */

#ifndef _VTTM_DRV_H_
#define _VTTM_DRV_H_

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include <drm/drm_device.h>
#include <drm/ttm/ttm_bo.h>
#include <drm/ttm/ttm_device.h>
#include <drm/ttm/ttm_placement.h>

struct drm_file;
struct shrinker;

/* Most places a BO can have: one per domain. */
#define VTTM_MAX_PLACES	3

/**
 * struct vttm_domain_sizes - capacity of each memory domain in bytes
 * @system: all of RAM; a BO larger than this could never be populated
 * @tt: size of the TT aperture
 * @vram: size of the VRAM used from the BAR
 */
struct vttm_domain_sizes {
	u64 system;
	u64 tt;
	u64 vram;
};

/**
 * struct vttm_device - a vttm instance, bound to one PCI device
 * @drm: the DRM device
 * @bdev: the TTM device
 * @vram_base: bus address of the first byte of VRAM
 * @sizes: capacity of the memory domains
 * @shrinker: reclaims TT and SYSTEM pages under memory pressure
 * @resident_pages: TT and SYSTEM pages allocated from the TTM pool
 * @backed_up_pages: pages of BOs backed up to shmem
 * @next_bo_id: last BO id handed out
 * @bo_lock: protects @bos
 * @bos: every live &struct vttm_bo, for debugfs
 */
struct vttm_device {
	struct drm_device drm;
	struct ttm_device bdev;
	resource_size_t vram_base;
	struct vttm_domain_sizes sizes;
	struct shrinker *shrinker;
	atomic_long_t resident_pages;
	atomic_long_t backed_up_pages;
	atomic64_t next_bo_id;
	spinlock_t bo_lock; /* protects bos */
	struct list_head bos;
};

/**
 * struct vttm_bo - a vttm buffer object
 * @tbo: the TTM BO; its GEM object is what userspace holds handles to
 * @link: entry in &vttm_device.bos
 * @id: unique id, shown by the INFO ioctl and in debugfs
 * @domains: VTTM_DOMAIN_* mask given at creation
 * @flags: VTTM_BO_* flags given at creation
 */
struct vttm_bo {
	struct ttm_buffer_object tbo;
	struct list_head link;
	u64 id;
	u32 domains;
	u32 flags;
};

static inline struct vttm_device *to_vttm_device(struct drm_device *drm)
{
	return container_of(drm, struct vttm_device, drm);
}

static inline struct vttm_device *bdev_to_vttm(struct ttm_device *bdev)
{
	return container_of(bdev, struct vttm_device, bdev);
}

static inline struct vttm_bo *to_vttm_bo(struct drm_gem_object *gem)
{
	return container_of(gem, struct vttm_bo, tbo.base);
}

/* vttm_placement.c: argument checks and placement choice, no side effects */
int vttm_domain_to_mem_type(u32 domain);
u32 vttm_mem_type_to_domain(u32 mem_type);
u64 vttm_domain_size(const struct vttm_domain_sizes *sizes, u32 domain);
int vttm_check_create(u64 size, u32 domains, u32 preferred, u32 flags,
		      const struct vttm_domain_sizes *sizes, u64 *aligned_size);
int vttm_check_move_args(u32 domain, u32 flags, u32 pad);
int vttm_check_move_bo(u32 bo_domains, u64 bo_size, u32 domain,
		       const struct vttm_domain_sizes *sizes);
int vttm_check_evict(u32 domain, u32 pad);
unsigned int vttm_placement_init(struct ttm_place *places, u32 preferred,
				 u32 domains, u32 bo_flags, u64 size,
				 const struct vttm_domain_sizes *sizes);
u32 vttm_evict_mem_type(u32 mem_type, u64 size,
			const struct vttm_domain_sizes *sizes);

/* vttm_ttm.c */
int vttm_ttm_init(struct vttm_device *vdev);
void vttm_ttm_unplug(struct vttm_device *vdev);

/* vttm_shrinker.c */
int vttm_shrinker_init(struct vttm_device *vdev);
long vttm_bo_shrink(struct ttm_buffer_object *bo,
		    struct ttm_operation_ctx *ctx, bool writeback);
int vttm_backup_domain(struct vttm_device *vdev, u32 mem_type);

/* vttm_gem.c */
struct vttm_bo *vttm_bo_create(struct vttm_device *vdev, u64 size,
			       u32 domains, u32 preferred, u32 flags);
bool vttm_bo_is_contiguous(struct ttm_buffer_object *bo);
u64 vttm_bo_backing_size(struct ttm_buffer_object *bo);

/* vttm_ioctl.c */
int vttm_bo_create_ioctl(struct drm_device *drm, void *data,
			 struct drm_file *file);
int vttm_bo_mmap_offset_ioctl(struct drm_device *drm, void *data,
			      struct drm_file *file);
int vttm_bo_info_ioctl(struct drm_device *drm, void *data,
		       struct drm_file *file);
int vttm_bo_move_ioctl(struct drm_device *drm, void *data,
		       struct drm_file *file);
int vttm_evict_ioctl(struct drm_device *drm, void *data,
		     struct drm_file *file);

/* vttm_debugfs.c */
void vttm_debugfs_init(struct vttm_device *vdev);
void vttm_debugfs_init_minor(struct drm_minor *minor);

#endif
