/* SPDX-License-Identifier: MIT */
/*
 * vttm: a virtual TTM test device. See Documentation/gpu/vttm.rst.
 */

#ifndef _UAPI_VTTM_DRM_H_
#define _UAPI_VTTM_DRM_H_

#include "drm.h"

#if defined(__cplusplus)
extern "C" {
#endif

/*
 * Please note that modifications to all structs defined here are
 * subject to backwards-compatibility constraints.
 */

/**
 * DOC: vttm uAPI
 *
 * vttm exposes TTM buffer placement to userspace so that placement,
 * eviction, moves and swapout can be driven and observed by tests. A buffer
 * object (BO) lives in exactly one memory domain at a time:
 *
 * - %VTTM_DOMAIN_VRAM: a range of the device's memory BAR. CPU mappings are
 *   write-combined and have no struct page behind them.
 * - %VTTM_DOMAIN_TT: pages from the TTM page pool, accounted against the
 *   device's "GART" aperture (module parameter ``tt_mb``).
 * - %VTTM_DOMAIN_SYSTEM: pages from the TTM page pool that the GPU could not
 *   reach; only here can a BO be backed up (swapped out) to shmem.
 *
 * Errors are part of the interface: each ioctl documents the errno values it
 * returns for bad input. Handles are validated after the other arguments, so
 * a request that is malformed and names a stale handle fails with %EINVAL.
 * Every ioctl fails with %ENODEV once the device has been unbound.
 */

/**
 * define VTTM_DOMAIN_SYSTEM - system memory the device cannot reach
 */
#define VTTM_DOMAIN_SYSTEM	(1 << 0)
/**
 * define VTTM_DOMAIN_TT - system memory bound into the device aperture
 */
#define VTTM_DOMAIN_TT		(1 << 1)
/**
 * define VTTM_DOMAIN_VRAM - device memory in the PCI BAR
 */
#define VTTM_DOMAIN_VRAM	(1 << 2)
/**
 * define VTTM_DOMAINS_ALL - every valid domain bit
 */
#define VTTM_DOMAINS_ALL	(VTTM_DOMAIN_SYSTEM | VTTM_DOMAIN_TT | \
				 VTTM_DOMAIN_VRAM)

/**
 * define VTTM_BO_CONTIGUOUS - ask for one contiguous VRAM range
 *
 * Passed to TTM as %TTM_PL_FLAG_CONTIGUOUS for the VRAM placement. vttm's
 * VRAM manager always allocates one range, so today the flag changes no
 * placement decision; it is accepted so that userspace can state the
 * requirement. TT and SYSTEM pages are never guaranteed to be contiguous.
 */
#define VTTM_BO_CONTIGUOUS	(1 << 0)

/**
 * struct drm_vttm_bo_create - create a buffer object
 *
 * The BO is placed in @preferred. If @preferred is full, TTM evicts the
 * least recently used BOs of that domain to make room; only when that fails
 * are the other domains of @domains tried (VRAM, then TT, then SYSTEM),
 * again evicting if needed. Domains too small to ever hold the BO are
 * skipped.
 *
 * The new BO's memory reads as zero.
 *
 * Errors:
 *
 * - %EINVAL: @size is 0; @domains is 0 or has unknown bits; @preferred is
 *   not exactly one bit of @domains; @flags has unknown bits.
 * - %E2BIG: @size, rounded up to the page size, is larger than the
 *   @preferred domain (for SYSTEM: larger than all of RAM).
 * - %ENOSPC: no domain in @domains has room, even after eviction.
 * - %ENOMEM: out of kernel memory.
 */
struct drm_vttm_bo_create {
	/**
	 * @size: in, size in bytes. Rounded up to a multiple of the page
	 * size; &drm_vttm_bo_info.size reports the result.
	 */
	__u64 size;
	/** @domains: in, VTTM_DOMAIN_* mask of where the BO may be placed. */
	__u32 domains;
	/** @preferred: in, the one VTTM_DOMAIN_* to place the BO in. */
	__u32 preferred;
	/** @flags: in, VTTM_BO_* flags. */
	__u32 flags;
	/** @handle: out, GEM handle of the new BO. */
	__u32 handle;
};

/**
 * struct drm_vttm_bo_mmap_offset - get the fake offset to mmap() a BO with
 *
 * mmap() the DRM file descriptor at @offset with MAP_SHARED and a length of
 * at most the BO size. Page faults map the BO wherever it currently is; a
 * move or swapout unmaps it and the next access faults it in again. Faults
 * take no page references and do not change the BO's LRU position.
 *
 * mmap() itself fails with %EINVAL for a length beyond the BO, an offset
 * that is not the start of a BO, a BO that no longer exists, or
 * MAP_PRIVATE; and with %EACCES for a BO that still exists but whose handle
 * this file has closed.
 *
 * Errors: %EINVAL if @pad is not 0; %ENOENT if @handle is not a BO.
 */
struct drm_vttm_bo_mmap_offset {
	/** @handle: in, GEM handle. */
	__u32 handle;
	/** @pad: in, must be 0. */
	__u32 pad;
	/** @offset: out, mmap() offset of the BO. */
	__u64 offset;
};

/**
 * define VTTM_INFO_CONTIGUOUS - the BO's memory is physically contiguous now
 *
 * Always set in VRAM; in TT and SYSTEM set when the page frames backing the
 * BO happen to be consecutive; never set while the BO has no pages.
 */
#define VTTM_INFO_CONTIGUOUS	(1 << 0)
/**
 * define VTTM_INFO_SWAPPED - the BO's content is backed up to shmem
 */
#define VTTM_INFO_SWAPPED	(1 << 1)

/**
 * struct drm_vttm_bo_info - where a BO is now
 *
 * A query: it does not change the BO's LRU position.
 *
 * Errors: %EINVAL if @pad is not 0; %ENOENT if @handle is not a BO.
 */
struct drm_vttm_bo_info {
	/** @handle: in, GEM handle. */
	__u32 handle;
	/** @domain: out, the VTTM_DOMAIN_* the BO is placed in. */
	__u32 domain;
	/** @size: out, size of the BO in bytes. */
	__u64 size;
	/**
	 * @backing_size: out, bytes of memory allocated for the BO now: @size
	 * in VRAM; in TT and SYSTEM the pages allocated from the pool, which
	 * is 0 for a SYSTEM BO that was never touched or is swapped out.
	 */
	__u64 backing_size;
	/** @vram_offset: out, byte offset into VRAM; 0 unless in VRAM. */
	__u64 vram_offset;
	/**
	 * @id: out, identifies the BO in debugfs. Unique for the life of the
	 * device, unlike handles and mmap offsets, which are reused.
	 */
	__u64 id;
	/** @flags: out, VTTM_INFO_* flags. */
	__u32 flags;
	/** @pad: in, must be 0. */
	__u32 pad;
};

/**
 * define VTTM_MOVE_SWAPOUT - back the BO up to shmem after the move
 *
 * Only with %VTTM_DOMAIN_SYSTEM. Uses the same TTM helper as vttm's
 * shrinker (ttm_bo_shrink()): the pages are copied to a shmem file and
 * freed; the next CPU fault or move out of SYSTEM reads them back. TTM only
 * backs up when swap space is available.
 */
#define VTTM_MOVE_SWAPOUT	(1 << 0)

/**
 * struct drm_vttm_bo_move - move a BO to a domain and wait for the move
 *
 * If the domain is full, the least recently used BOs in it are evicted to
 * make room. Moving a BO to the domain it is in changes no placement, but
 * like every move it makes the BO the most recently used one; moving a
 * swapped-out BO to SYSTEM leaves it swapped out.
 *
 * Errors:
 *
 * - %EINVAL: @pad is not 0; @flags has unknown bits; @domain is not exactly
 *   one VTTM_DOMAIN_* bit or not in the BO's create-time domains;
 *   %VTTM_MOVE_SWAPOUT with a domain other than SYSTEM.
 * - %ENOENT: @handle is not a BO.
 * - %E2BIG: the BO is larger than @domain.
 * - %ENOSPC: no room in @domain even after eviction; for
 *   %VTTM_MOVE_SWAPOUT, no swap space (the move itself is done).
 * - %ENOMEM: out of memory; for %VTTM_MOVE_SWAPOUT the move to SYSTEM may
 *   be done and only the backup have failed: the BO is then in SYSTEM with
 *   its pages, not swapped out.
 */
struct drm_vttm_bo_move {
	/** @handle: in, GEM handle. */
	__u32 handle;
	/** @domain: in, the VTTM_DOMAIN_* to move to. */
	__u32 domain;
	/** @flags: in, VTTM_MOVE_* flags. */
	__u32 flags;
	/** @pad: in, must be 0. */
	__u32 pad;
};

/**
 * struct drm_vttm_evict - empty a domain
 *
 * VRAM: every BO is moved to TT (to SYSTEM if larger than TT), as TTM does
 * on suspend. TT: every BO is moved to SYSTEM. SYSTEM: every resident BO is
 * backed up as with %VTTM_MOVE_SWAPOUT. BOs are evicted in LRU order.
 *
 * Errors: %EINVAL if @pad is not 0 or @domain is not exactly one
 * VTTM_DOMAIN_* bit; %ENOSPC for SYSTEM without swap space; %ENOMEM.
 */
struct drm_vttm_evict {
	/** @domain: in, the VTTM_DOMAIN_* to empty. */
	__u32 domain;
	/** @pad: in, must be 0. */
	__u32 pad;
};

#define DRM_VTTM_BO_CREATE		0x00
#define DRM_VTTM_BO_MMAP_OFFSET		0x01
#define DRM_VTTM_BO_INFO		0x02
#define DRM_VTTM_BO_MOVE		0x03
#define DRM_VTTM_EVICT			0x04

#define DRM_IOCTL_VTTM_BO_CREATE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VTTM_BO_CREATE, \
		 struct drm_vttm_bo_create)
#define DRM_IOCTL_VTTM_BO_MMAP_OFFSET \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VTTM_BO_MMAP_OFFSET, \
		 struct drm_vttm_bo_mmap_offset)
#define DRM_IOCTL_VTTM_BO_INFO \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VTTM_BO_INFO, struct drm_vttm_bo_info)
#define DRM_IOCTL_VTTM_BO_MOVE \
	DRM_IOW(DRM_COMMAND_BASE + DRM_VTTM_BO_MOVE, struct drm_vttm_bo_move)
#define DRM_IOCTL_VTTM_EVICT \
	DRM_IOW(DRM_COMMAND_BASE + DRM_VTTM_EVICT, struct drm_vttm_evict)

#if defined(__cplusplus)
}
#endif

#endif /* _UAPI_VTTM_DRM_H_ */
