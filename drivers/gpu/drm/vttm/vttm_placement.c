// SPDX-License-Identifier: GPL-2.0-only
/*
 * Argument checks and placement choice for the vttm ioctls.
 *
 * Everything here is a pure function of its arguments so that KUnit can pin
 * down the uAPI contract (tests/vttm_placement_test.c) without a device.
 */

#include <linux/errno.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/string.h>

#include <kunit/visibility.h>

#include <drm/vttm_drm.h>

#include "vttm_drv.h"

/**
 * vttm_domain_to_mem_type - TTM memory type of a uAPI domain
 * @domain: a single VTTM_DOMAIN_* bit
 *
 * Return: TTM_PL_SYSTEM, TTM_PL_TT or TTM_PL_VRAM; -EINVAL if @domain is not
 * exactly one known domain bit.
 */
int vttm_domain_to_mem_type(u32 domain)
{
	switch (domain) {
	case VTTM_DOMAIN_SYSTEM:
		return TTM_PL_SYSTEM;
	case VTTM_DOMAIN_TT:
		return TTM_PL_TT;
	case VTTM_DOMAIN_VRAM:
		return TTM_PL_VRAM;
	default:
		return -EINVAL;
	}
}
EXPORT_SYMBOL_IF_KUNIT(vttm_domain_to_mem_type);

/**
 * vttm_mem_type_to_domain - uAPI domain of a TTM memory type
 * @mem_type: TTM_PL_SYSTEM, TTM_PL_TT or TTM_PL_VRAM
 *
 * Return: the VTTM_DOMAIN_* bit, or 0 for a memory type vttm does not use.
 */
u32 vttm_mem_type_to_domain(u32 mem_type)
{
	switch (mem_type) {
	case TTM_PL_SYSTEM:
		return VTTM_DOMAIN_SYSTEM;
	case TTM_PL_TT:
		return VTTM_DOMAIN_TT;
	case TTM_PL_VRAM:
		return VTTM_DOMAIN_VRAM;
	default:
		return 0;
	}
}
EXPORT_SYMBOL_IF_KUNIT(vttm_mem_type_to_domain);

/**
 * vttm_domain_size - capacity of a domain
 * @sizes: the device's domain sizes
 * @domain: a single VTTM_DOMAIN_* bit
 *
 * Return: the capacity in bytes, 0 for an invalid @domain.
 */
u64 vttm_domain_size(const struct vttm_domain_sizes *sizes, u32 domain)
{
	switch (domain) {
	case VTTM_DOMAIN_SYSTEM:
		return sizes->system;
	case VTTM_DOMAIN_TT:
		return sizes->tt;
	case VTTM_DOMAIN_VRAM:
		return sizes->vram;
	default:
		return 0;
	}
}
EXPORT_SYMBOL_IF_KUNIT(vttm_domain_size);

/**
 * vttm_check_create - validate the arguments of the BO_CREATE ioctl
 * @size: requested size in bytes
 * @domains: VTTM_DOMAIN_* mask the BO may live in
 * @preferred: the VTTM_DOMAIN_* to create the BO in
 * @flags: VTTM_BO_* flags
 * @sizes: the device's domain sizes
 * @aligned_size: on success, @size rounded up to the page size
 *
 * Return: 0, -EINVAL or -E2BIG as documented for &struct drm_vttm_bo_create.
 */
int vttm_check_create(u64 size, u32 domains, u32 preferred, u32 flags,
		      const struct vttm_domain_sizes *sizes, u64 *aligned_size)
{
	if (!size)
		return -EINVAL;
	if (!domains || (domains & ~VTTM_DOMAINS_ALL))
		return -EINVAL;
	if (!is_power_of_2(preferred) || !(preferred & domains))
		return -EINVAL;
	if (flags & ~VTTM_BO_CONTIGUOUS)
		return -EINVAL;

	/* PAGE_ALIGN() of a size this close to U64_MAX would wrap to 0. */
	if (size > round_down(U64_MAX, PAGE_SIZE))
		return -E2BIG;
	size = PAGE_ALIGN(size);
	if (size > vttm_domain_size(sizes, preferred))
		return -E2BIG;

	*aligned_size = size;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vttm_check_create);

/**
 * vttm_check_move_args - validate the BO-independent BO_MOVE arguments
 * @domain: the VTTM_DOMAIN_* to move to
 * @flags: VTTM_MOVE_* flags
 * @pad: must be 0
 *
 * Return: 0 or -EINVAL as documented for &struct drm_vttm_bo_move.
 */
int vttm_check_move_args(u32 domain, u32 flags, u32 pad)
{
	if (pad || (flags & ~VTTM_MOVE_SWAPOUT))
		return -EINVAL;
	if (vttm_domain_to_mem_type(domain) < 0)
		return -EINVAL;
	if ((flags & VTTM_MOVE_SWAPOUT) && domain != VTTM_DOMAIN_SYSTEM)
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vttm_check_move_args);

/**
 * vttm_check_move_bo - check that a BO may be moved to a domain
 * @bo_domains: the VTTM_DOMAIN_* mask the BO was created with
 * @bo_size: the BO's size in bytes
 * @domain: the VTTM_DOMAIN_* to move to, already checked by
 *          vttm_check_move_args()
 * @sizes: the device's domain sizes
 *
 * Return: 0, -EINVAL or -E2BIG as documented for &struct drm_vttm_bo_move.
 */
int vttm_check_move_bo(u32 bo_domains, u64 bo_size, u32 domain,
		       const struct vttm_domain_sizes *sizes)
{
	if (!(domain & bo_domains))
		return -EINVAL;
	if (bo_size > vttm_domain_size(sizes, domain))
		return -E2BIG;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vttm_check_move_bo);

/**
 * vttm_check_evict - validate the arguments of the EVICT ioctl
 * @domain: the VTTM_DOMAIN_* to empty
 * @pad: must be 0
 *
 * Return: 0 or -EINVAL.
 */
int vttm_check_evict(u32 domain, u32 pad)
{
	if (pad || vttm_domain_to_mem_type(domain) < 0)
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vttm_check_evict);

static void vttm_place_init(struct ttm_place *place, u32 domain, u32 bo_flags,
			    u32 ttm_flags)
{
	memset(place, 0, sizeof(*place));
	place->mem_type = vttm_domain_to_mem_type(domain);
	place->flags = ttm_flags;
	if (domain == VTTM_DOMAIN_VRAM && (bo_flags & VTTM_BO_CONTIGUOUS))
		place->flags |= TTM_PL_FLAG_CONTIGUOUS;
}

/**
 * vttm_placement_init - build the TTM placement for a create or move
 * @places: array of at least %VTTM_MAX_PLACES entries to fill
 * @preferred: the VTTM_DOMAIN_* the BO should go to
 * @domains: VTTM_DOMAIN_* mask of where else it may go; equal to
 *           @preferred for a move, which has no alternative
 * @bo_flags: the BO's VTTM_BO_* flags
 * @size: the BO's size in bytes
 * @sizes: the device's domain sizes
 *
 * @preferred comes first. The other domains follow in the order VRAM, TT,
 * SYSTEM, marked %TTM_PL_FLAG_FALLBACK: TTM's first pass tries only
 * @preferred and does not evict; its second pass evicts from @preferred in
 * LRU order and only then turns to the fallbacks. Without the flag, a full
 * @preferred would silently put the BO in the next domain that has room and
 * nothing would ever be evicted. Domains smaller than @size are left out:
 * TTM would evict everything in them and still fail.
 *
 * Return: the number of entries filled in @places.
 */
unsigned int vttm_placement_init(struct ttm_place *places, u32 preferred,
				 u32 domains, u32 bo_flags, u64 size,
				 const struct vttm_domain_sizes *sizes)
{
	static const u32 order[] = {
		VTTM_DOMAIN_VRAM, VTTM_DOMAIN_TT, VTTM_DOMAIN_SYSTEM,
	};
	unsigned int i, n = 0;

	vttm_place_init(&places[n++], preferred, bo_flags, 0);
	for (i = 0; i < ARRAY_SIZE(order); i++) {
		if (order[i] == preferred || !(domains & order[i]) ||
		    size > vttm_domain_size(sizes, order[i]))
			continue;
		vttm_place_init(&places[n++], order[i], bo_flags,
				TTM_PL_FLAG_FALLBACK);
	}
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(vttm_placement_init);

/**
 * vttm_evict_mem_type - where TTM should evict a BO to
 * @mem_type: the TTM memory type the BO is evicted from
 * @size: the BO's size in bytes
 * @sizes: the device's domain sizes
 *
 * VRAM goes to TT, as on a GPU whose copy engine can only reach memory
 * bound into its aperture; a BO too large for TT goes to SYSTEM. TT goes to
 * SYSTEM. SYSTEM stays in SYSTEM: taking pages away from a SYSTEM BO is
 * backing it up, which is the shrinker's job. The BO's create-time domains
 * do not restrict eviction: the kernel must always be able to make room.
 *
 * Return: TTM_PL_TT or TTM_PL_SYSTEM.
 */
u32 vttm_evict_mem_type(u32 mem_type, u64 size,
			const struct vttm_domain_sizes *sizes)
{
	if (mem_type == TTM_PL_VRAM && size <= sizes->tt)
		return TTM_PL_TT;
	return TTM_PL_SYSTEM;
}
EXPORT_SYMBOL_IF_KUNIT(vttm_evict_mem_type);
