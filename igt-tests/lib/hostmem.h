/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hostmem: a small VMM layer for tests of device memory mapped into guests.
 *
 * A VMM that exposes a host-visible GPU buffer object (BO) to its guest,
 * like virtio-gpu's host-visible blobs, keeps a "hostmem window": a range of
 * guest physical addresses where it plugs the host mapping (mmap) of a BO in
 * as a KVM memslot and unplugs it again, while vCPUs run. The driver that
 * owns the BO may move it between VRAM and system memory at any time; KVM
 * must follow through the MMU notifier, never through page references.
 *
 * Here:
 *
 * - struct bo_provider: the few BO operations a VMM needs (create, mmap,
 *   move, info, close), so that tests do not depend on one driver: vttm
 *   (TTM; bo_provider_init_vttm()), qxl (TTM on QEMU's qxl device), vgem
 *   (gem-shmem, write-notify PFNMAP)
 *   and udmabuf (a dma-buf over memfd pages), the last three in providers.c.
 * - struct hm_bo: a BO of a provider.
 * - struct hostmem: a window in a VM from the KVM selftests library, mapped
 *   1:1 (GVA == GPA) in the guest page tables so guest C code can use the
 *   addresses directly, with one dedicated memslot plugged and unplugged by
 *   KVM_SET_USER_MEMORY_REGION.
 */
#ifndef IGT_TESTS_HOSTMEM_H
#define IGT_TESTS_HOSTMEM_H

#include <stdbool.h>

#include "vm.h"
#include "vttm.h"

/* ---- BO provider ------------------------------------------------------ */

/* Where a BO is. Providers translate these to their own domains. */
#define BO_DOMAIN_SYSTEM	(1u << 0)	/* pages the device cannot reach */
#define BO_DOMAIN_TT		(1u << 1)	/* pages bound to the device */
#define BO_DOMAIN_VRAM		(1u << 2)	/* device memory, no struct page */

/* Move flag: back the BO up (swap it out) after moving it to SYSTEM. */
#define BO_MOVE_SWAPOUT		(1u << 0)

struct bo_info {
	u32 domain;		/* BO_DOMAIN_* */
	u64 size;		/* bytes */
	u64 vram_offset;	/* byte offset in VRAM; 0 elsewhere */
	u64 id;			/* the provider's id, e.g. for debugfs */
	bool swapped;		/* backed up, no pages */
};

/*
 * The operations return 0 or -errno. A BO is created movable to every
 * domain, placed in @domain.
 */
struct bo_provider {
	const char *name;
	void *priv;
	/* BO_DOMAIN_* a BO can be created in; a provider without .move has one. */
	u32 domains;
	int (*create)(struct bo_provider *p, u64 size, u32 domain, u32 *handle);
	/* A MAP_SHARED read-write mapping of the BO's first @size bytes. */
	int (*mmap)(struct bo_provider *p, u32 handle, u64 size, void **ptr);
	int (*move)(struct bo_provider *p, u32 handle, u32 domain, u32 flags);
	int (*info)(struct bo_provider *p, u32 handle, struct bo_info *info);
	int (*close)(struct bo_provider *p, u32 handle);
};

/* A provider for the BOs of the vttm device @dev, which stays open. */
void bo_provider_init_vttm(struct bo_provider *p, struct vttm_dev *dev);
/*
 * qxl BOs: TTM, in the VRAM BAR of QEMU's qxl device. qxl cannot move a BO
 * on request; bo_provider_qxl_pressure() creates BOs of @chunk bytes until
 * @bytes were allocated or creation fails (returning its -errno), then frees
 * them: TTM evicts older BOs from VRAM to system memory to place them.
 * False without a qxl device.
 */
bool bo_provider_init_qxl(struct bo_provider *p);
int bo_provider_qxl_pressure(struct bo_provider *p, u64 bytes, u64 chunk);
/*
 * vgem dumb buffers: gem-shmem objects, mapped VM_PFNMAP with .pfn_mkwrite
 * (PTEs start write-protected). They never move. False without vgem.
 */
bool bo_provider_init_vgem(struct bo_provider *p);
/*
 * udmabuf: a dma-buf over the pages of a sealed memfd, mapped through the
 * dma-buf's mmap (VM_PFNMAP, writable PTEs). Never moves. False without
 * /dev/udmabuf.
 */
bool bo_provider_init_udmabuf(struct bo_provider *p);
/* Closes what a bo_provider_init_*() opened. */
void bo_provider_fini(struct bo_provider *p);

const char *bo_domain_name(u32 domain);

/* A BO and its host mapping. The functions fail the subtest on errors. */
struct hm_bo {
	struct bo_provider *p;
	u32 handle;
	u64 size;
	void *map;		/* from bo_create(), NULL after bo_close() */
};

/* Creates a BO of @size bytes in @domain and maps it into ->map. */
void bo_create(struct hm_bo *bo, struct bo_provider *p, u64 size, u32 domain);
/* Another mapping of the whole BO; the caller munmap()s it. */
void *bo_map(struct hm_bo *bo);
struct bo_info bo_info(struct hm_bo *bo);
int __bo_move(struct hm_bo *bo, u32 domain, u32 flags);
/* Moves the BO and checks that it is in @domain afterwards. */
void bo_move(struct hm_bo *bo, u32 domain);
/* Unmaps ->map and closes the handle. */
void bo_close(struct hm_bo *bo);

/* ---- the hostmem window ----------------------------------------------- */

/* Far above the library's own memory (slot 0, low GPAs). */
#define HOSTMEM_GPA		(4ull << 30)
#define HOSTMEM_SLOT		10
#define HOSTMEM_ALIGN		(2ull << 20)

struct hostmem {
	struct kvm_vm *vm;
	u32 slot;
	u64 gpa;		/* first byte; also its guest virtual address */
	u64 size;		/* size of the window */
	void *hva;		/* host range plugged in, NULL if none */
	u64 plugged;		/* bytes plugged in at gpa */
	u32 flags;		/* KVM_MEM_* of the plugged memslot */
};

/*
 * Creates a VM with @nr_vcpus vCPUs running @guest_code (the KVM selftests
 * library's vm_create_with_vcpus()) and an empty hostmem window of @size
 * bytes at HOSTMEM_GPA, memslot HOSTMEM_SLOT, mapped 1:1 in the guest page
 * tables. @extra_pages are added to the library's memory for the caller.
 */
struct kvm_vm *hostmem_vm_create(struct hostmem *hm, u32 nr_vcpus,
				 void *guest_code, struct kvm_vcpu **vcpus,
				 u64 size, u64 extra_pages);

/*
 * Plugs @size bytes at @hva into the window (memslot flags @flags,
 * KVM_MEM_*), replacing what was plugged before. Returns 0 or -errno of
 * KVM_SET_USER_MEMORY_REGION.
 */
int __hostmem_plug(struct hostmem *hm, void *hva, u64 size, u32 flags);
void hostmem_plug(struct hostmem *hm, void *hva, u64 size, u32 flags);
/* Deletes the memslot: guest accesses to the window become MMIO exits. */
void hostmem_unplug(struct hostmem *hm);

/*
 * What a VMM does for an access to the window while nothing is plugged:
 * if @run is a KVM_EXIT_MMIO within the first @backing_size bytes of the
 * window, perform it on @backing (the host mapping of what belongs there)
 * and return true.
 */
bool hostmem_emulate_mmio(const struct hostmem *hm, struct kvm_run *run,
			  void *backing, u64 backing_size);

#endif
