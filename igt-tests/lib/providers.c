// SPDX-License-Identifier: GPL-2.0-only
/*
 * BO providers besides vttm (see hostmem.h): an upstream TTM driver on a
 * QEMU device, and the two ways host memory reaches a VMM as a mappable
 * buffer without TTM.
 *
 * - qxl: TTM BOs in the VRAM BAR of QEMU's qxl device, mapped by TTM's own
 *   fault handler (write-combined, VM_PFNMAP | VM_IO). qxl has no move
 *   ioctl: TTM evicts a BO to system memory when new BOs need the VRAM,
 *   which is what bo_provider_qxl_pressure() does.
 * - vgem: gem-shmem objects. Their mmap is VM_PFNMAP with .pfn_mkwrite, so
 *   every PTE starts write-protected and a write takes a second fault. This
 *   is what native-context and Venus blobs of gem-shmem drivers (asahi,
 *   panfrost) look like to a VMM.
 * - udmabuf: a dma-buf over memfd pages, mapped through the dma-buf's own
 *   mmap; the guest-blob path of virtio-gpu VMMs.
 *
 * Neither moves: their memory is system memory, pinned while mapped.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <drm/drm.h>
#include <drm/drm_mode.h>
#include <drm/qxl_drm.h>
#include <linux/udmabuf.h>

#include "drm_util.h"
#include "hostmem.h"

/* ---- qxl -------------------------------------------------------------- */

struct qxl_priv {
	int fd;
};

static int qxl_p_create(struct bo_provider *p, u64 size, u32 domain,
			u32 *handle)
{
	struct drm_qxl_alloc args = { .size = size };
	struct qxl_priv *q = p->priv;

	if (domain != BO_DOMAIN_VRAM || !size || size % 4096 || size >> 32)
		return -EINVAL;
	if (ioctl(q->fd, DRM_IOCTL_QXL_ALLOC, &args))
		return -errno;
	*handle = args.handle;
	return 0;
}

static int qxl_p_mmap(struct bo_provider *p, u32 handle, u64 size,
		      void **ptr)
{
	struct drm_qxl_map args = { .handle = handle };
	struct qxl_priv *q = p->priv;

	if (ioctl(q->fd, DRM_IOCTL_QXL_MAP, &args))
		return -errno;
	*ptr = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, q->fd,
		    args.offset);
	return *ptr == MAP_FAILED ? -errno : 0;
}

/* qxl does not say where a BO is: it is created in VRAM. */
static int qxl_p_info(struct bo_provider *p, u32 handle, struct bo_info *info)
{
	*info = (struct bo_info) { .domain = BO_DOMAIN_VRAM, .id = handle };
	return 0;
}

static int qxl_p_close(struct bo_provider *p, u32 handle)
{
	struct drm_gem_close args = { .handle = handle };
	struct qxl_priv *q = p->priv;

	return ioctl(q->fd, DRM_IOCTL_GEM_CLOSE, &args) ? -errno : 0;
}

/* The primary node of the first device @driver drives, or -1. */
static int open_card(const char *driver)
{
	return drm_open_node("card", 0, 64, driver, NULL);
}

bool bo_provider_init_qxl(struct bo_provider *p)
{
	/* qxl has no render node; its ioctls need an authenticated client. */
	int fd = open_card("qxl");
	struct qxl_priv *q;

	if (fd < 0)
		return false;
	q = malloc(sizeof(*q));
	igt_assert(q);
	q->fd = fd;
	*p = (struct bo_provider) {
		.name = "qxl",
		.priv = q,
		.domains = BO_DOMAIN_VRAM,
		.create = qxl_p_create,
		.mmap = qxl_p_mmap,
		.info = qxl_p_info,
		.close = qxl_p_close,
	};
	return true;
}

int bo_provider_qxl_pressure(struct bo_provider *p, u64 bytes, u64 chunk)
{
	u32 handles[256];
	unsigned int n = 0, i;
	int err = 0;

	while (!err && (u64)n * chunk < bytes && n < 256)
		err = qxl_p_create(p, chunk, BO_DOMAIN_VRAM, &handles[n++]);
	if (err)
		n--;
	for (i = 0; i < n; i++)
		qxl_p_close(p, handles[i]);
	return err;
}

/* ---- vgem ------------------------------------------------------------- */

struct vgem_priv {
	int fd;
};

static int vgem_p_create(struct bo_provider *p, u64 size, u32 domain,
			 u32 *handle)
{
	struct vgem_priv *v = p->priv;
	/* Dumb buffers are pixels: 1024 32-bit pixels a row, a page a row. */
	struct drm_mode_create_dumb args = {
		.width = 1024, .height = size / 4096, .bpp = 32,
	};

	if (domain != BO_DOMAIN_SYSTEM || !size || size % 4096)
		return -EINVAL;
	if (ioctl(v->fd, DRM_IOCTL_MODE_CREATE_DUMB, &args))
		return -errno;
	*handle = args.handle;
	return 0;
}

static int vgem_p_mmap(struct bo_provider *p, u32 handle, u64 size,
		       void **ptr)
{
	struct drm_mode_map_dumb args = { .handle = handle };
	struct vgem_priv *v = p->priv;

	if (ioctl(v->fd, DRM_IOCTL_MODE_MAP_DUMB, &args))
		return -errno;
	*ptr = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd,
		    args.offset);
	return *ptr == MAP_FAILED ? -errno : 0;
}

static int vgem_p_info(struct bo_provider *p, u32 handle,
		       struct bo_info *info)
{
	*info = (struct bo_info) { .domain = BO_DOMAIN_SYSTEM, .id = handle };
	return 0;
}

static int vgem_p_close(struct bo_provider *p, u32 handle)
{
	struct drm_gem_close args = { .handle = handle };
	struct vgem_priv *v = p->priv;

	return ioctl(v->fd, DRM_IOCTL_GEM_CLOSE, &args) ? -errno : 0;
}

bool bo_provider_init_vgem(struct bo_provider *p)
{
	/* Dumb buffers need the primary node. */
	int fd = open_card("vgem");
	struct vgem_priv *v;

	if (fd < 0)
		return false;
	v = malloc(sizeof(*v));
	igt_assert(v);
	v->fd = fd;
	*p = (struct bo_provider) {
		.name = "vgem",
		.priv = v,
		.domains = BO_DOMAIN_SYSTEM,
		.create = vgem_p_create,
		.mmap = vgem_p_mmap,
		.info = vgem_p_info,
		.close = vgem_p_close,
	};
	return true;
}

/* ---- udmabuf ---------------------------------------------------------- */

#define UDMABUF_MAX	16

/* A handle is an index into bufs[]; 0 is never used. */
struct udmabuf_priv {
	int dev;
	struct { int memfd, dmabuf; u64 size; } bufs[UDMABUF_MAX];
};

static int udmabuf_p_create(struct bo_provider *p, u64 size, u32 domain,
			    u32 *handle)
{
	struct udmabuf_priv *u = p->priv;
	struct udmabuf_create args = { .flags = UDMABUF_FLAGS_CLOEXEC };
	int memfd, dmabuf, err;
	u32 h;

	if (domain != BO_DOMAIN_SYSTEM || !size || size % 4096)
		return -EINVAL;
	for (h = 1; h < UDMABUF_MAX && u->bufs[h].dmabuf > 0; h++)
		;
	if (h == UDMABUF_MAX)
		return -ENOSPC;

	memfd = memfd_create("udmabuf-bo", MFD_ALLOW_SEALING | MFD_CLOEXEC);
	if (memfd < 0)
		return -errno;
	/* udmabuf takes only memfds that cannot shrink. */
	if (ftruncate(memfd, size) || fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK)) {
		err = -errno;
		close(memfd);
		return err;
	}
	args.memfd = memfd;
	args.size = size;
	dmabuf = ioctl(u->dev, UDMABUF_CREATE, &args);
	if (dmabuf < 0) {
		err = -errno;
		close(memfd);
		return err;
	}
	u->bufs[h].memfd = memfd;
	u->bufs[h].dmabuf = dmabuf;
	u->bufs[h].size = size;
	*handle = h;
	return 0;
}

static int udmabuf_p_mmap(struct bo_provider *p, u32 handle, u64 size,
			  void **ptr)
{
	struct udmabuf_priv *u = p->priv;

	if (!handle || handle >= UDMABUF_MAX || u->bufs[handle].dmabuf <= 0)
		return -ENOENT;
	*ptr = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED,
		    u->bufs[handle].dmabuf, 0);
	return *ptr == MAP_FAILED ? -errno : 0;
}

static int udmabuf_p_info(struct bo_provider *p, u32 handle,
			  struct bo_info *info)
{
	struct udmabuf_priv *u = p->priv;

	if (!handle || handle >= UDMABUF_MAX || u->bufs[handle].dmabuf <= 0)
		return -ENOENT;
	*info = (struct bo_info) {
		.domain = BO_DOMAIN_SYSTEM, .size = u->bufs[handle].size,
		.id = handle,
	};
	return 0;
}

static int udmabuf_p_close(struct bo_provider *p, u32 handle)
{
	struct udmabuf_priv *u = p->priv;

	if (!handle || handle >= UDMABUF_MAX || u->bufs[handle].dmabuf <= 0)
		return -ENOENT;
	close(u->bufs[handle].dmabuf);
	close(u->bufs[handle].memfd);
	u->bufs[handle].dmabuf = 0;
	return 0;
}

bool bo_provider_init_udmabuf(struct bo_provider *p)
{
	struct udmabuf_priv *u;
	int dev = open("/dev/udmabuf", O_RDWR | O_CLOEXEC);

	if (dev < 0)
		return false;
	u = calloc(1, sizeof(*u));
	igt_assert(u);
	u->dev = dev;
	*p = (struct bo_provider) {
		.name = "udmabuf",
		.priv = u,
		.domains = BO_DOMAIN_SYSTEM,
		.create = udmabuf_p_create,
		.mmap = udmabuf_p_mmap,
		.info = udmabuf_p_info,
		.close = udmabuf_p_close,
	};
	return true;
}

void bo_provider_fini(struct bo_provider *p)
{
	/* vttm's device belongs to the caller; the others own one fd. */
	if (!strcmp(p->name, "qxl"))
		close(((struct qxl_priv *)p->priv)->fd);
	else if (!strcmp(p->name, "vgem"))
		close(((struct vgem_priv *)p->priv)->fd);
	else if (!strcmp(p->name, "udmabuf"))
		close(((struct udmabuf_priv *)p->priv)->dev);
	else
		return;
	free(p->priv);
	p->priv = NULL;
}
