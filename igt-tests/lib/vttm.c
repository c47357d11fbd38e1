// SPDX-License-Identifier: GPL-2.0-only
/*
 * vttm: helpers for tests of the vttm driver. See vttm.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "igt_proto.h"
#include "drm_util.h"
#include "vttm.h"

/* ---- device --------------------------------------------------------- */

bool vttm_open(struct vttm_dev *dev)
{
	int n;

	dev->fd = drm_open_node("renderD", 128, 192, "vttm", &n);
	if (dev->fd < 0)
		return false;
	snprintf(dev->debugfs_dir, sizeof(dev->debugfs_dir),
		 "/sys/kernel/debug/dri/%d", n);
	return true;
}

void vttm_require(struct vttm_dev *dev)
{
	if (!vttm_open(dev))
		igt_skip("no vttm render node (load vttm.ko and bind a device)");
}

/* ---- debugfs ---------------------------------------------------------- */

char *vttm_debugfs_read(const struct vttm_dev *dev, const char *name)
{
	size_t len = 0, cap = 65536;
	char path[128], *buf;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dev->debugfs_dir, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	igt_assert_f(fd >= 0, "cannot open %s: %s", path, strerror(errno));
	buf = malloc(cap);
	igt_assert(buf);
	while ((n = read(fd, buf + len, cap - len - 1)) > 0) {
		len += n;
		if (cap - len < 4096) {
			cap *= 2;
			buf = realloc(buf, cap);
			igt_assert(buf);
		}
	}
	igt_assert_f(n == 0, "reading %s: %s", path, strerror(errno));
	close(fd);
	buf[len] = '\0';
	return buf;
}

char *vttm_next_line(const char *line)
{
	const char *nl = strchr(line, '\n');

	return nl && nl[1] ? (char *)nl + 1 : NULL;
}

static long long usage_field(const char *text, const char *key)
{
	size_t klen = strlen(key);
	const char *line;

	for (line = text; line; line = vttm_next_line(line))
		if (!strncmp(line, key, klen) && line[klen] == ' ')
			return strtoll(line + klen + 1, NULL, 10);
	igt_fail("vttm_usage has no %s", key);
}

struct vttm_usage vttm_read_usage(const struct vttm_dev *dev)
{
	char *text = vttm_debugfs_read(dev, "vttm_usage");
	struct vttm_usage u = {
		.vram_used = usage_field(text, "vram_used_pages"),
		.vram_total = usage_field(text, "vram_total_pages"),
		.tt_used = usage_field(text, "tt_used_pages"),
		.tt_total = usage_field(text, "tt_total_pages"),
		.system_used = usage_field(text, "system_used_pages"),
		.resident = usage_field(text, "resident_pages"),
		.backed_up = usage_field(text, "backed_up_pages"),
		.bos = usage_field(text, "bos"),
	};

	free(text);
	return u;
}

void vttm_check_usage(const struct vttm_dev *dev,
		      const struct vttm_usage *base)
{
	struct vttm_usage now = vttm_read_usage(dev);

	igt_assert_eq(now.bos, base->bos);
	igt_assert_eq(now.vram_used, base->vram_used);
	igt_assert_eq(now.tt_used, base->tt_used);
	igt_assert_eq(now.system_used, base->system_used);
	igt_assert_eq(now.resident, base->resident);
	igt_assert_eq(now.backed_up, base->backed_up);
}

/* ---- ioctls ----------------------------------------------------------- */

int __vttm_create_bo(int fd, __u64 size, __u32 domains, __u32 preferred,
		     __u32 flags, __u32 *handle)
{
	struct drm_vttm_bo_create args = {
		.size = size, .domains = domains, .preferred = preferred,
		.flags = flags,
	};

	if (ioctl(fd, DRM_IOCTL_VTTM_BO_CREATE, &args))
		return -errno;
	*handle = args.handle;
	return 0;
}

__u32 vttm_create_bo(int fd, __u64 size, __u32 domains, __u32 preferred)
{
	__u32 handle = 0;

	igt_assert_eq(__vttm_create_bo(fd, size, domains, preferred, 0, &handle),
		      0);
	return handle;
}

int __vttm_get_bo_info(int fd, __u32 handle, struct drm_vttm_bo_info *info)
{
	memset(info, 0, sizeof(*info));
	info->handle = handle;
	return ioctl(fd, DRM_IOCTL_VTTM_BO_INFO, info) ? -errno : 0;
}

struct drm_vttm_bo_info vttm_get_bo_info(int fd, __u32 handle)
{
	struct drm_vttm_bo_info info;

	igt_assert_eq(__vttm_get_bo_info(fd, handle, &info), 0);
	return info;
}

__u32 vttm_get_bo_domain(int fd, __u32 handle)
{
	return vttm_get_bo_info(fd, handle).domain;
}

int __vttm_move_bo(int fd, __u32 handle, __u32 domain, __u32 flags)
{
	struct drm_vttm_bo_move args = {
		.handle = handle, .domain = domain, .flags = flags,
	};

	return ioctl(fd, DRM_IOCTL_VTTM_BO_MOVE, &args) ? -errno : 0;
}

void vttm_move_bo(int fd, __u32 handle, __u32 domain)
{
	igt_assert_eq(__vttm_move_bo(fd, handle, domain, 0), 0);
	igt_assert_eq(vttm_get_bo_domain(fd, handle), domain);
}

int __vttm_evict(int fd, __u32 domain)
{
	struct drm_vttm_evict args = { .domain = domain };

	return ioctl(fd, DRM_IOCTL_VTTM_EVICT, &args) ? -errno : 0;
}

int __vttm_gem_close(int fd, __u32 handle)
{
	struct drm_gem_close args = { .handle = handle };

	return ioctl(fd, DRM_IOCTL_GEM_CLOSE, &args) ? -errno : 0;
}

void vttm_gem_close(int fd, __u32 handle)
{
	igt_assert_eq(__vttm_gem_close(fd, handle), 0);
}

__u64 vttm_get_mmap_offset(int fd, __u32 handle)
{
	struct drm_vttm_bo_mmap_offset args = { .handle = handle };

	igt_assert_ok(ioctl(fd, DRM_IOCTL_VTTM_BO_MMAP_OFFSET, &args));
	return args.offset;
}

void *vttm_mmap_bo(int fd, __u32 handle, __u64 size)
{
	void *ptr = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED,
			 fd, vttm_get_mmap_offset(fd, handle));

	igt_assert_f(ptr != MAP_FAILED, "mmap: %s", strerror(errno));
	return ptr;
}

/* ---- misc ------------------------------------------------------------- */

const char *vttm_domain_name(__u32 domain)
{
	return domain == VTTM_DOMAIN_VRAM ? "VRAM" :
	       domain == VTTM_DOMAIN_TT ? "TT" :
	       domain == VTTM_DOMAIN_SYSTEM ? "SYSTEM" : "?";
}
