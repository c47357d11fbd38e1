// SPDX-License-Identifier: GPL-2.0-only
/*
 * hostmem: a small VMM layer for tests of BOs mapped into guests. See
 * hostmem.h.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "hostmem.h"

/* ---- vttm as a BO provider --------------------------------------------- */

static u32 to_vttm_domain(u32 domain)
{
	switch (domain) {
	case BO_DOMAIN_SYSTEM:
		return VTTM_DOMAIN_SYSTEM;
	case BO_DOMAIN_TT:
		return VTTM_DOMAIN_TT;
	case BO_DOMAIN_VRAM:
		return VTTM_DOMAIN_VRAM;
	}
	return 0;	/* which vttm rejects with EINVAL */
}

static u32 from_vttm_domain(u32 domain)
{
	switch (domain) {
	case VTTM_DOMAIN_SYSTEM:
		return BO_DOMAIN_SYSTEM;
	case VTTM_DOMAIN_TT:
		return BO_DOMAIN_TT;
	case VTTM_DOMAIN_VRAM:
		return BO_DOMAIN_VRAM;
	}
	return 0;
}

static int vttm_p_create(struct bo_provider *p, u64 size, u32 domain,
			 u32 *handle)
{
	struct vttm_dev *dev = p->priv;

	return __vttm_create_bo(dev->fd, size, VTTM_DOMAINS_ALL,
				to_vttm_domain(domain), 0, handle);
}

static int vttm_p_mmap(struct bo_provider *p, u32 handle, u64 size,
		       void **ptr)
{
	struct drm_vttm_bo_mmap_offset args = { .handle = handle };
	struct vttm_dev *dev = p->priv;

	if (ioctl(dev->fd, DRM_IOCTL_VTTM_BO_MMAP_OFFSET, &args))
		return -errno;
	*ptr = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, dev->fd,
		    args.offset);
	return *ptr == MAP_FAILED ? -errno : 0;
}

static int vttm_p_move(struct bo_provider *p, u32 handle, u32 domain,
		       u32 flags)
{
	struct vttm_dev *dev = p->priv;
	u32 vflags = 0;

	if (flags & BO_MOVE_SWAPOUT)
		vflags |= VTTM_MOVE_SWAPOUT;
	return __vttm_move_bo(dev->fd, handle, to_vttm_domain(domain), vflags);
}

static int vttm_p_info(struct bo_provider *p, u32 handle,
		       struct bo_info *info)
{
	struct vttm_dev *dev = p->priv;
	struct drm_vttm_bo_info vi;
	int err;

	err = __vttm_get_bo_info(dev->fd, handle, &vi);
	if (err)
		return err;
	info->domain = from_vttm_domain(vi.domain);
	info->size = vi.size;
	info->vram_offset = vi.vram_offset;
	info->id = vi.id;
	info->swapped = vi.flags & VTTM_INFO_SWAPPED;
	return 0;
}

static int vttm_p_close(struct bo_provider *p, u32 handle)
{
	struct vttm_dev *dev = p->priv;

	return __vttm_gem_close(dev->fd, handle);
}

void bo_provider_init_vttm(struct bo_provider *p, struct vttm_dev *dev)
{
	*p = (struct bo_provider) {
		.name = "vttm",
		.priv = dev,
		.domains = BO_DOMAIN_SYSTEM | BO_DOMAIN_TT | BO_DOMAIN_VRAM,
		.create = vttm_p_create,
		.mmap = vttm_p_mmap,
		.move = vttm_p_move,
		.info = vttm_p_info,
		.close = vttm_p_close,
	};
}

const char *bo_domain_name(u32 domain)
{
	return domain == BO_DOMAIN_VRAM ? "VRAM" :
	       domain == BO_DOMAIN_TT ? "TT" :
	       domain == BO_DOMAIN_SYSTEM ? "SYSTEM" : "?";
}

/* ---- BOs -------------------------------------------------------------- */

void bo_create(struct hm_bo *bo, struct bo_provider *p, u64 size, u32 domain)
{
	int err;

	bo->p = p;
	bo->size = size;
	err = p->create(p, size, domain, &bo->handle);
	igt_assert_f(!err, "%s: creating a %llu-byte BO in %s failed: %s",
		     p->name, (unsigned long long)size, bo_domain_name(domain),
		     igt_errname(err));
	bo->map = bo_map(bo);
}

void *bo_map(struct hm_bo *bo)
{
	void *ptr = NULL;
	int err = bo->p->mmap(bo->p, bo->handle, bo->size, &ptr);

	igt_assert_f(!err, "%s: mmap of BO %u failed: %s", bo->p->name,
		     bo->handle, igt_errname(err));
	return ptr;
}

struct bo_info bo_info(struct hm_bo *bo)
{
	struct bo_info info;
	int err = bo->p->info(bo->p, bo->handle, &info);

	igt_assert_f(!err, "%s: INFO of BO %u failed: %s", bo->p->name,
		     bo->handle, igt_errname(err));
	return info;
}

int __bo_move(struct hm_bo *bo, u32 domain, u32 flags)
{
	if (!bo->p->move)
		return -EOPNOTSUPP;
	return bo->p->move(bo->p, bo->handle, domain, flags);
}

void bo_move(struct hm_bo *bo, u32 domain)
{
	int err = __bo_move(bo, domain, 0);
	u32 now;

	igt_assert_f(!err, "%s: moving BO %u to %s failed: %s", bo->p->name,
		     bo->handle, bo_domain_name(domain), igt_errname(err));
	now = bo_info(bo).domain;
	igt_assert_f(now == domain, "BO %u moved to %s is in %s", bo->handle,
		     bo_domain_name(domain), bo_domain_name(now));
}

void bo_close(struct hm_bo *bo)
{
	int err;

	if (bo->map)
		igt_assert_ok(munmap(bo->map, bo->size));
	bo->map = NULL;
	err = bo->p->close(bo->p, bo->handle);
	igt_assert_f(!err, "%s: closing BO %u failed: %s", bo->p->name,
		     bo->handle, igt_errname(err));
}

/* ---- the hostmem window ----------------------------------------------- */

struct kvm_vm *hostmem_vm_create(struct hostmem *hm, u32 nr_vcpus,
				 void *guest_code, struct kvm_vcpu **vcpus,
				 u64 size, u64 extra_pages)
{
	struct kvm_vm *vm;
	u64 page = getpagesize();

	igt_assert_f(size && size % HOSTMEM_ALIGN == 0,
		     "window size %#llx is not a multiple of %#llx",
		     (unsigned long long)size, HOSTMEM_ALIGN);
	/*
	 * The guest page tables for the window come from slot 0 too. The
	 * library sizes slot 0 with page tables for the "extra" pages a test
	 * maps (not the pages themselves): count the window's pages there.
	 */
	extra_pages += size / page;
	vm = __vm_create_with_vcpus(VM_SHAPE_DEFAULT, nr_vcpus, extra_pages,
				    guest_code, vcpus);
	igt_assert_f(((HOSTMEM_GPA + size) >> vm->page_shift) - 1 <= vm->max_gfn,
		     "window %#llx+%#llx is beyond the guest's physical address width",
		     HOSTMEM_GPA, (unsigned long long)size);
	virt_map(vm, HOSTMEM_GPA, HOSTMEM_GPA, size / page);
#ifdef __x86_64__
	vm_set_double_fault_stack(vm);
#endif

	*hm = (struct hostmem) {
		.vm = vm,
		.slot = HOSTMEM_SLOT,
		.gpa = HOSTMEM_GPA,
		.size = size,
	};
	return vm;
}

int __hostmem_plug(struct hostmem *hm, void *hva, u64 size, u32 flags)
{
	int ret;

	igt_assert_f(size && size <= hm->size,
		     "plugging %#llx bytes into a window of %#llx",
		     (unsigned long long)size, (unsigned long long)hm->size);
	/* A memslot can change its flags but not move: delete it first. */
	if (hm->hva)
		hostmem_unplug(hm);
	ret = __vm_set_user_memory_region(hm->vm, hm->slot, flags, hm->gpa,
					  size, hva);
	if (ret)
		return -errno;
	hm->hva = hva;
	hm->plugged = size;
	hm->flags = flags;
	return 0;
}

void hostmem_plug(struct hostmem *hm, void *hva, u64 size, u32 flags)
{
	int err = __hostmem_plug(hm, hva, size, flags);

	igt_assert_f(!err, "KVM_SET_USER_MEMORY_REGION slot %u gpa %#llx size %#llx flags %#x hva %p: %s",
		     hm->slot, (unsigned long long)hm->gpa,
		     (unsigned long long)size, flags, hva, igt_errname(err));
}

void hostmem_unplug(struct hostmem *hm)
{
	int ret;

	igt_assert_f(hm->hva, "unplugging an empty window");
	/* Size 0 deletes the slot; flags must still be valid. */
	ret = __vm_set_user_memory_region(hm->vm, hm->slot, 0, hm->gpa, 0,
					  NULL);
	igt_assert_f(!ret, "deleting memslot %u: %s", hm->slot,
		     igt_errname(errno));
	hm->hva = NULL;
	hm->plugged = 0;
	hm->flags = 0;
}

/* One access of @len bytes, as the guest did it, not torn into bytes. */
static void copy_access(void *dst, const void *src, u32 len)
{
	switch (len) {
	case 1:
		*(volatile u8 *)dst = *(volatile const u8 *)src;
		break;
	case 2:
		*(volatile u16 *)dst = *(volatile const u16 *)src;
		break;
	case 4:
		*(volatile u32 *)dst = *(volatile const u32 *)src;
		break;
	case 8:
		*(volatile u64 *)dst = *(volatile const u64 *)src;
		break;
	default:
		igt_fail("MMIO access of %u bytes", len);
	}
}

bool hostmem_emulate_mmio(const struct hostmem *hm, struct kvm_run *run,
			  void *backing, u64 backing_size)
{
	u64 addr = run->mmio.phys_addr, len = run->mmio.len;
	char *p = (char *)backing + (addr - hm->gpa);

	if (run->exit_reason != KVM_EXIT_MMIO || addr < hm->gpa ||
	    addr + len > hm->gpa + backing_size)
		return false;
	if (run->mmio.is_write)
		copy_access(p, run->mmio.data, len);
	else
		copy_access(run->mmio.data, p, len);
	return true;
}
