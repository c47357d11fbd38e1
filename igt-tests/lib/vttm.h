/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vttm: helpers for tests of the vttm driver (include/uapi/drm/vttm_drm.h,
 * Documentation/gpu/vttm.rst): finding its render node, its ioctls and its
 * debugfs files.
 *
 * Naming follows IGT: __vttm_foo() returns 0 or -errno of the failed ioctl,
 * vttm_foo() fails the subtest unless the ioctl succeeds. Names put the
 * verb first (vttm_create_bo(), struct vttm_dev) so that they do not read
 * like the driver's own functions (vttm_bo_create(), struct vttm_device).
 */
#ifndef IGT_TESTS_VTTM_H
#define IGT_TESTS_VTTM_H

#include <stdbool.h>

#include <linux/types.h>
#include <drm/drm.h>
#include <drm/vttm_drm.h>

#define VTTM_PAGE	4096ull

/* An open vttm render node and the debugfs directory of its DRM device. */
struct vttm_dev {
	int fd;
	char debugfs_dir[64];
};

/* Opens the first render node whose driver is vttm; false if none. */
bool vttm_open(struct vttm_dev *dev);
/* vttm_open(), or skips the subtest. */
void vttm_require(struct vttm_dev *dev);

/* A whole debugfs file of @dev; the caller frees the result. */
char *vttm_debugfs_read(const struct vttm_dev *dev, const char *name);
/* The line after @line in a text buffer, or NULL. */
char *vttm_next_line(const char *line);

/* The vttm_usage file. */
struct vttm_usage {
	long long vram_used, vram_total, tt_used, tt_total, system_used;
	long long resident, backed_up, bos;
};

struct vttm_usage vttm_read_usage(const struct vttm_dev *dev);
/* Fails unless every counter of vttm_usage equals @base. */
void vttm_check_usage(const struct vttm_dev *dev,
		      const struct vttm_usage *base);

int __vttm_create_bo(int fd, __u64 size, __u32 domains, __u32 preferred,
		     __u32 flags, __u32 *handle);
__u32 vttm_create_bo(int fd, __u64 size, __u32 domains, __u32 preferred);
int __vttm_get_bo_info(int fd, __u32 handle, struct drm_vttm_bo_info *info);
struct drm_vttm_bo_info vttm_get_bo_info(int fd, __u32 handle);
__u32 vttm_get_bo_domain(int fd, __u32 handle);
int __vttm_move_bo(int fd, __u32 handle, __u32 domain, __u32 flags);
/* Moves and checks that INFO reports the BO in @domain. */
void vttm_move_bo(int fd, __u32 handle, __u32 domain);
int __vttm_evict(int fd, __u32 domain);
int __vttm_gem_close(int fd, __u32 handle);
void vttm_gem_close(int fd, __u32 handle);
__u64 vttm_get_mmap_offset(int fd, __u32 handle);
/* A shared read-write mapping of the first @size bytes of the BO. */
void *vttm_mmap_bo(int fd, __u32 handle, __u64 size);

const char *vttm_domain_name(__u32 domain);


#endif
