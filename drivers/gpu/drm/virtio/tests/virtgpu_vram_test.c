// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the mappings of host-visible blobs (virtgpu_vram.c):
 * where a blob lands in the hostmem region, the flags of its VMA, and what
 * the fault handlers put into the page tables.
 *
 * The device is a mock: a virtio_gpu_device without virtqueues whose
 * host-visible region is a free physical range that nothing decodes, and
 * blobs that the "host" has already mapped (map_state STATE_OK), so that no
 * command is ever sent. Nothing reads or writes that range: faults are
 * driven with fixup_user_fault() and their result is read back with
 * follow_pfnmap_start(). The mapping is made through a file whose mmap
 * hands the blob to drm_gem_mmap_obj() like drm_gem_mmap() does, but also
 * at an offset into the blob, as a dma-buf mmap may.
 *
 * Each case unmaps what it mapped before it returns: KUnit's cleanup runs
 * in another thread, possibly before the test's mm is torn down.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/ioport.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/pgtable.h>
#include <linux/sizes.h>

#include <kunit/test.h>

#include <drm/drm_kunit_helpers.h>

#include "../virtgpu_drv.h"

#define HOSTMEM_SIZE	SZ_32M
#define MAX_MAPPINGS	8

struct vram_test_drm {
	struct drm_device drm;
};

struct vram_test {
	struct virtio_gpu_device *vgdev;
	struct resource *res;
	phys_addr_t base;	/* PMD-aligned start of the mock region */
	unsigned int nr_maps;
	struct {
		unsigned long addr, len;
	} maps[MAX_MAPPINGS];
};

/* What the page tables of the test's mm hold for one address. */
struct vram_test_pte {
	bool present;
	bool huge;
	unsigned long pfn;
	pgprot_t prot;		/* in the 4 KiB PTE format */
};

static void vram_test_mm_takedown(void *arg)
{
	struct virtio_gpu_device *vgdev = arg;

	drm_mm_takedown(&vgdev->host_visible_mm);
}

static void vram_test_release_region(void *arg)
{
	struct resource *res = arg;

	release_mem_region(res->start, resource_size(res));
}

/* Sets up the mock device over a host-visible region of @size at @offset. */
static void vram_test_region(struct kunit *test, u64 offset, u64 size)
{
	struct vram_test *t = test->priv;
	struct virtio_gpu_device *vgdev = t->vgdev;

	drm_mm_init(&vgdev->host_visible_mm, t->base + offset, size);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, vram_test_mm_takedown,
						  vgdev));
	vgdev->host_visible_region.addr = t->base + offset;
	vgdev->host_visible_region.len = size;
	vgdev->has_host_visible = true;
}

static int vram_test_init(struct kunit *test)
{
	struct vram_test_drm *vdrm;
	struct vram_test *t;
	struct device *dev;

	t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	test->priv = t;

	dev = drm_kunit_helper_alloc_device(test);
	KUNIT_ASSERT_FALSE(test, IS_ERR(dev));
	vdrm = drm_kunit_helper_alloc_drm_device(test, dev, struct vram_test_drm,
						 drm, DRIVER_GEM);
	KUNIT_ASSERT_FALSE(test, IS_ERR(vdrm));

	t->vgdev = kunit_kzalloc(test, sizeof(*t->vgdev), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t->vgdev);
	t->vgdev->ddev = &vdrm->drm;
	vdrm->drm.dev_private = t->vgdev;
	spin_lock_init(&t->vgdev->host_visible_lock);
	init_waitqueue_head(&t->vgdev->resp_wq);

	/* Room to align the region to a PMD wherever the range starts. */
	t->res = request_free_mem_region(&iomem_resource,
					 HOSTMEM_SIZE + PMD_SIZE,
					 "virtgpu-vram-kunit");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t->res));
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, vram_test_release_region,
						  t->res));
	t->base = ALIGN(t->res->start, PMD_SIZE);

	return 0;
}

/* Frees nothing: for a blob a mapping still holds (a failed case). */
static void vram_test_leak_free(struct drm_gem_object *obj)
{
}

static const struct drm_gem_object_funcs vram_test_leak_funcs = {
	.free = vram_test_leak_free,
};

static void vram_test_blob_release(void *arg)
{
	struct virtio_gpu_object_vram *vram = arg;
	struct drm_gem_object *obj = &vram->base.base.base;
	struct virtio_gpu_device *vgdev = obj->dev->dev_private;

	if (kref_read(&obj->refcount) != 1) {
		/*
		 * A case failed before it unmapped: the mapping's final put
		 * may come after the device is gone. Leak the blob.
		 */
		obj->funcs = &vram_test_leak_funcs;
		drm_gem_object_put(obj);
		return;
	}

	spin_lock(&vgdev->host_visible_lock);
	if (drm_mm_node_allocated(&vram->vram_node))
		drm_mm_remove_node(&vram->vram_node);
	spin_unlock(&vgdev->host_visible_lock);

	/*
	 * The blob was never created on the host, so its free callback only
	 * drops the memory type reservation; the object is freed here.
	 */
	drm_gem_object_put(obj);
	drm_gem_object_release(obj);
	kfree(vram);
}

/* A mappable blob of @size the host has mapped with cache type @map_info. */
static struct virtio_gpu_object_vram *vram_test_blob(struct kunit *test,
						     u64 size, u32 map_info)
{
	struct vram_test *t = test->priv;
	struct virtio_gpu_object_vram *vram;

	vram = kzalloc_obj(*vram);
	KUNIT_ASSERT_NOT_NULL(test, vram);
	KUNIT_ASSERT_EQ(test, 0, virtio_gpu_vram_object_init(t->vgdev, vram,
							     size));
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, vram_test_blob_release,
						  vram));
	vram->base.blob_flags = VIRTGPU_BLOB_FLAG_USE_MAPPABLE;
	KUNIT_ASSERT_EQ(test, 0, virtio_gpu_vram_insert_node(t->vgdev, vram,
							     size));
	vram->map_info = map_info;
	vram->map_state = STATE_OK;

	return vram;
}

static int vram_test_file_mmap(struct file *filp, struct vm_area_struct *vma)
{
	struct drm_gem_object *obj = filp->private_data;

	/* Offsets into the blob, relative to its fake offset. */
	vma->vm_pgoff += drm_vma_node_start(&obj->vma_node);

	return drm_gem_mmap_obj(obj, obj->size, vma);
}

static const struct file_operations vram_test_fops = {
	.owner = THIS_MODULE,
	.mmap = vram_test_file_mmap,
#ifdef CONFIG_TRANSPARENT_HUGEPAGE
	/* Like drm_gem_get_unmapped_area() for objects without a shmem file. */
	.get_unmapped_area = thp_get_unmapped_area,
#endif
};

static void vram_test_fput(void *arg)
{
	fput(arg);
}

/*
 * Maps @len bytes of @vram from @offset on; returns the address, or the
 * negative error code as unsigned long.
 */
static unsigned long vram_test_mmap(struct kunit *test,
				    struct virtio_gpu_object_vram *vram,
				    unsigned long offset, unsigned long len,
				    unsigned long flags)
{
	struct vram_test *t = test->priv;
	struct file *filp;
	unsigned long addr;

	KUNIT_ASSERT_LT(test, t->nr_maps, MAX_MAPPINGS);
	filp = anon_inode_getfile("virtgpu-vram-kunit", &vram_test_fops,
				  &vram->base.base.base, O_RDWR);
	KUNIT_ASSERT_FALSE(test, IS_ERR(filp));
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, vram_test_fput, filp));

	addr = kunit_vm_mmap(test, filp, 0, len, PROT_READ | PROT_WRITE,
			     flags, offset);
	if (!IS_ERR_VALUE(addr)) {
		t->maps[t->nr_maps].addr = addr;
		t->maps[t->nr_maps].len = len;
		t->nr_maps++;
	}
	return addr;
}

/* Unmaps everything the case mapped, so its blobs can be freed. */
static void vram_test_unmap_all(struct kunit *test)
{
	struct vram_test *t = test->priv;

	while (t->nr_maps) {
		t->nr_maps--;
		vm_munmap(t->maps[t->nr_maps].addr, t->maps[t->nr_maps].len);
	}
}

static unsigned long vram_test_mmap_ok(struct kunit *test,
				       struct virtio_gpu_object_vram *vram,
				       unsigned long offset, unsigned long len)
{
	unsigned long addr = vram_test_mmap(test, vram, offset, len, MAP_SHARED);

	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR_VALUE(addr), "mmap: %ld",
			       (long)addr);
	return addr;
}

static void vram_test_fault(struct kunit *test, unsigned long addr,
			    bool write)
{
	struct mm_struct *mm = current->mm;
	int ret;

	mmap_read_lock(mm);
	ret = fixup_user_fault(mm, addr, write ? FAULT_FLAG_WRITE : 0, NULL);
	mmap_read_unlock(mm);
	KUNIT_ASSERT_EQ_MSG(test, ret, 0, "fault at %#lx", addr);
}

static struct vram_test_pte vram_test_lookup(unsigned long addr)
{
	struct mm_struct *mm = current->mm;
	struct follow_pfnmap_args args = { .address = addr };
	struct vram_test_pte r = { };

	mmap_read_lock(mm);
	args.vma = vma_lookup(mm, addr);
	if (args.vma && !follow_pfnmap_start(&args)) {
		r.present = true;
		r.huge = args.addr_mask == PMD_MASK;
		r.pfn = args.pfn;
		r.prot = args.pgprot;
#ifdef CONFIG_X86
		/* PMDs keep the PAT bit elsewhere. */
		if (r.huge)
			r.prot = pgprot_large_2_4k(r.prot);
#endif
		follow_pfnmap_end(&args);
	}
	mmap_read_unlock(mm);
	return r;
}

static unsigned long vram_test_pfn(struct virtio_gpu_object_vram *vram,
				   unsigned long offset)
{
	return PHYS_PFN(vram->vram_node.start + offset);
}

/* The cases that count PMDs are written for 2 MiB ones. */
static void vram_test_require_2m_pmds(struct kunit *test)
{
	if (!IS_ENABLED(CONFIG_ARCH_SUPPORTS_PMD_PFNMAP))
		kunit_skip(test, "no PMD pfnmaps on this architecture");
	if (PMD_SIZE != SZ_2M)
		kunit_skip(test, "PMDs map %lu KiB here, not 2 MiB",
			   (unsigned long)(PMD_SIZE >> 10));
}

/* Large blobs start PMD-aligned in the region; small ones where they fit. */
static void vram_test_insert_aligned(struct kunit *test)
{
	struct vram_test *t = test->priv;
	struct virtio_gpu_object_vram *small, *large;

	vram_test_region(test, 0, HOSTMEM_SIZE);
	small = vram_test_blob(test, SZ_64K, VIRTIO_GPU_MAP_CACHE_CACHED);
	large = vram_test_blob(test, SZ_4M, VIRTIO_GPU_MAP_CACHE_CACHED);

	KUNIT_EXPECT_EQ(test, small->vram_node.start, t->base);
	KUNIT_EXPECT_TRUE(test, IS_ALIGNED(large->vram_node.start, PMD_SIZE));
	KUNIT_EXPECT_EQ(test, large->vram_node.size, SZ_4M);
}

/* With no aligned hole left, a large blob still goes where it fits. */
static void vram_test_insert_fallback(struct kunit *test)
{
	struct vram_test *t = test->priv;
	struct virtio_gpu_object_vram *vram;

	/* 2 MiB + 64 KiB from 64 KiB on: no aligned 2 MiB range inside. */
	vram_test_region(test, SZ_64K, SZ_2M + SZ_64K);
	vram = vram_test_blob(test, SZ_2M, VIRTIO_GPU_MAP_CACHE_CACHED);

	KUNIT_EXPECT_EQ(test, vram->vram_node.start, t->base + SZ_64K);
}

/* Pure VM_PFNMAP, and nothing is mapped before the first fault. */
static void vram_test_mmap_flags(struct kunit *test)
{
	struct virtio_gpu_object_vram *vram;
	struct vm_area_struct *vma;
	unsigned long addr;
	vm_flags_t flags;

	vram_test_region(test, 0, HOSTMEM_SIZE);
	vram = vram_test_blob(test, SZ_4M, VIRTIO_GPU_MAP_CACHE_WC);
	addr = vram_test_mmap_ok(test, vram, 0, SZ_4M);

	mmap_read_lock(current->mm);
	vma = vma_lookup(current->mm, addr);
	flags = vma ? vma->vm_flags : 0;
	mmap_read_unlock(current->mm);

	KUNIT_EXPECT_EQ(test, flags & (VM_PFNMAP | VM_IO | VM_DONTEXPAND |
				       VM_DONTDUMP | VM_MIXEDMAP),
			VM_PFNMAP | VM_IO | VM_DONTEXPAND | VM_DONTDUMP);
	KUNIT_EXPECT_FALSE(test, vram_test_lookup(addr).present);
	KUNIT_EXPECT_FALSE(test, vram_test_lookup(addr + SZ_4M - PAGE_SIZE).present);
	vram_test_unmap_all(test);
}

/* A PMD-aligned blob mapped PMD-aligned takes one fault per 2 MiB. */
static void vram_test_fault_huge(struct kunit *test)
{
	struct virtio_gpu_object_vram *vram;
	struct vram_test_pte pte;
	unsigned long addr;

	vram_test_require_2m_pmds(test);
	vram_test_region(test, 0, HOSTMEM_SIZE);
	vram = vram_test_blob(test, SZ_4M, VIRTIO_GPU_MAP_CACHE_CACHED);
	addr = vram_test_mmap_ok(test, vram, 0, SZ_4M);
	KUNIT_ASSERT_TRUE(test, IS_ALIGNED(addr, PMD_SIZE));

	vram_test_fault(test, addr + 5 * PAGE_SIZE, false);
	pte = vram_test_lookup(addr + 5 * PAGE_SIZE);
	KUNIT_EXPECT_TRUE(test, pte.present);
	KUNIT_EXPECT_TRUE(test, pte.huge);
	KUNIT_EXPECT_EQ(test, pte.pfn, vram_test_pfn(vram, 5 * PAGE_SIZE));
	/* One fault, one PMD: the second one is still empty. */
	KUNIT_EXPECT_FALSE(test, vram_test_lookup(addr + SZ_2M).present);

	vram_test_fault(test, addr + SZ_4M - PAGE_SIZE, true);
	pte = vram_test_lookup(addr + SZ_2M);
	KUNIT_EXPECT_TRUE(test, pte.huge);
	KUNIT_EXPECT_EQ(test, pte.pfn, vram_test_pfn(vram, SZ_2M));
	vram_test_unmap_all(test);
}

/*
 * A mapping from offset 4 KiB on: the first 2 MiB window of the VMA is
 * backed by an unaligned part of the blob and gets PTEs, filled from the
 * faulting page to the window's end; the next window is PMD-aligned in the
 * blob and in the address space and gets a PMD.
 */
static void vram_test_fault_unaligned(struct kunit *test)
{
	struct virtio_gpu_object_vram *vram;
	struct vram_test_pte pte;
	unsigned long addr, boundary;

	vram_test_require_2m_pmds(test);
	vram_test_region(test, 0, HOSTMEM_SIZE);
	vram = vram_test_blob(test, SZ_4M, VIRTIO_GPU_MAP_CACHE_CACHED);
	addr = vram_test_mmap_ok(test, vram, PAGE_SIZE, SZ_4M - PAGE_SIZE);
	/* Blob offset 2 MiB, where the next PMD window starts. */
	boundary = addr + SZ_2M - PAGE_SIZE;

	vram_test_fault(test, addr + PAGE_SIZE, false);
	KUNIT_EXPECT_FALSE(test, vram_test_lookup(addr).present);
	pte = vram_test_lookup(addr + PAGE_SIZE);
	KUNIT_EXPECT_TRUE(test, pte.present);
	KUNIT_EXPECT_FALSE(test, pte.huge);
	KUNIT_EXPECT_EQ(test, pte.pfn, vram_test_pfn(vram, 2 * PAGE_SIZE));
	pte = vram_test_lookup(boundary - PAGE_SIZE);
	KUNIT_EXPECT_TRUE(test, pte.present);
	KUNIT_EXPECT_EQ(test, pte.pfn, vram_test_pfn(vram, SZ_2M - PAGE_SIZE));
	KUNIT_EXPECT_FALSE(test, vram_test_lookup(boundary).present);

	vram_test_fault(test, boundary + 7 * PAGE_SIZE, true);
	pte = vram_test_lookup(boundary + 7 * PAGE_SIZE);
	KUNIT_EXPECT_TRUE(test, pte.present);
	KUNIT_EXPECT_TRUE(test, pte.huge);
	KUNIT_EXPECT_EQ(test, pte.pfn, vram_test_pfn(vram, SZ_2M + 7 * PAGE_SIZE));
	vram_test_unmap_all(test);
}

/* A blob smaller than a PMD is mapped with PTEs, all on the first fault. */
static void vram_test_fault_small(struct kunit *test)
{
	struct virtio_gpu_object_vram *vram;
	struct vram_test_pte pte;
	unsigned long addr, off;

	vram_test_region(test, 0, HOSTMEM_SIZE);
	vram_test_blob(test, SZ_64K, VIRTIO_GPU_MAP_CACHE_CACHED);
	vram = vram_test_blob(test, SZ_64K, VIRTIO_GPU_MAP_CACHE_CACHED);
	addr = vram_test_mmap_ok(test, vram, 0, SZ_64K);

	vram_test_fault(test, addr, false);
	for (off = 0; off < SZ_64K; off += PAGE_SIZE) {
		pte = vram_test_lookup(addr + off);
		KUNIT_EXPECT_TRUE(test, pte.present);
		KUNIT_EXPECT_FALSE(test, pte.huge);
		KUNIT_EXPECT_EQ(test, pte.pfn, vram_test_pfn(vram, off));
	}
	vram_test_unmap_all(test);
}

#ifdef CONFIG_X86_PAT
struct vram_test_cache_case {
	const char *name;
	u32 map_info;
	enum page_cache_mode mode;
};

static const struct vram_test_cache_case vram_test_cache_cases[] = {
	{ "cached", VIRTIO_GPU_MAP_CACHE_CACHED, _PAGE_CACHE_MODE_WB },
	{ "write-combined", VIRTIO_GPU_MAP_CACHE_WC, _PAGE_CACHE_MODE_WC },
	{ "uncached", VIRTIO_GPU_MAP_CACHE_UNCACHED, _PAGE_CACHE_MODE_UC_MINUS },
};

static void vram_test_cache_case_desc(const struct vram_test_cache_case *c,
				      char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(vram_test_cache, vram_test_cache_cases,
		  vram_test_cache_case_desc);

static unsigned long vram_test_cache_bits(pgprot_t prot)
{
	return pgprot_val(prot) & _PAGE_CACHE_MASK;
}

/*
 * The caching the host asked for reaches the PTEs and PMDs faults insert,
 * although those take it from the memory type reserved for the range.
 */
static void vram_test_cache_mode(struct kunit *test)
{
	const struct vram_test_cache_case *c = test->param_value;
	struct virtio_gpu_object_vram *vram;
	unsigned long addr, want;
	struct vram_test_pte pte;

	if (!pat_enabled())
		kunit_skip(test, "PAT is disabled");
	vram_test_require_2m_pmds(test);

	vram_test_region(test, 0, HOSTMEM_SIZE);
	vram = vram_test_blob(test, SZ_4M, c->map_info);
	addr = vram_test_mmap_ok(test, vram, PAGE_SIZE, SZ_4M - PAGE_SIZE);
	want = cachemode2protval(c->mode);

	vram_test_fault(test, addr, false);
	pte = vram_test_lookup(addr);
	KUNIT_ASSERT_TRUE(test, pte.present);
	KUNIT_EXPECT_EQ(test, vram_test_cache_bits(pte.prot), want);

	vram_test_fault(test, addr + SZ_4M - 2 * PAGE_SIZE, false);
	pte = vram_test_lookup(addr + SZ_4M - 2 * PAGE_SIZE);
	KUNIT_ASSERT_TRUE(test, pte.present);
	KUNIT_EXPECT_TRUE(test, pte.huge);
	KUNIT_EXPECT_EQ(test, vram_test_cache_bits(pte.prot), want);
	vram_test_unmap_all(test);
}
#endif

/* Mappings the driver must refuse, each with -EINVAL. */
static void vram_test_mmap_bad(struct kunit *test)
{
	struct virtio_gpu_object_vram *vram, *unmappable, *failed;
	long ret;

	vram_test_region(test, 0, HOSTMEM_SIZE);
	vram = vram_test_blob(test, SZ_4M, VIRTIO_GPU_MAP_CACHE_CACHED);

	ret = vram_test_mmap(test, vram, 0, SZ_4M, MAP_PRIVATE);
	KUNIT_EXPECT_EQ_MSG(test, ret, -EINVAL, "private mapping");
	ret = vram_test_mmap(test, vram, SZ_64K, SZ_4M - PAGE_SIZE, MAP_SHARED);
	KUNIT_EXPECT_EQ_MSG(test, ret, -EINVAL, "beyond the end of the blob");

	unmappable = vram_test_blob(test, SZ_64K, VIRTIO_GPU_MAP_CACHE_CACHED);
	unmappable->base.blob_flags = 0;
	ret = vram_test_mmap(test, unmappable, 0, SZ_64K, MAP_SHARED);
	KUNIT_EXPECT_EQ_MSG(test, ret, -EINVAL, "blob without USE_MAPPABLE");

	failed = vram_test_blob(test, SZ_64K, VIRTIO_GPU_MAP_CACHE_CACHED);
	failed->map_state = STATE_ERR;
	ret = vram_test_mmap(test, failed, 0, SZ_64K, MAP_SHARED);
	KUNIT_EXPECT_EQ_MSG(test, ret, -EINVAL, "host failed to map the blob");

	/* None of them left a memory type reservation behind. */
	KUNIT_EXPECT_FALSE(test, vram->memtype_reserved);
	KUNIT_EXPECT_FALSE(test, unmappable->memtype_reserved);
	KUNIT_EXPECT_FALSE(test, failed->memtype_reserved);
}

/*
 * One memory type reservation per blob, however often it is mapped, and
 * none before the first mmap; cached blobs hold theirs with a kernel
 * mapping where PAT needs one.
 */
static void vram_test_memtype_per_blob(struct kunit *test)
{
	struct virtio_gpu_object_vram *vram;
	void *alias;

	vram_test_region(test, 0, HOSTMEM_SIZE);
	vram = vram_test_blob(test, SZ_4M, VIRTIO_GPU_MAP_CACHE_CACHED);
	KUNIT_EXPECT_FALSE(test, vram->memtype_reserved);
	vram_test_mmap_ok(test, vram, 0, SZ_4M);
	KUNIT_EXPECT_TRUE(test, vram->memtype_reserved);
	alias = vram->wb_alias;
	KUNIT_EXPECT_EQ(test, !!alias, IS_ENABLED(CONFIG_X86_PAT));
	vram_test_mmap_ok(test, vram, SZ_2M, SZ_2M);
	KUNIT_EXPECT_PTR_EQ(test, vram->wb_alias, alias);
	vram_test_unmap_all(test);
}

static struct kunit_case vram_test_cases[] = {
	KUNIT_CASE(vram_test_insert_aligned),
	KUNIT_CASE(vram_test_insert_fallback),
	KUNIT_CASE(vram_test_mmap_flags),
	KUNIT_CASE(vram_test_fault_huge),
	KUNIT_CASE(vram_test_fault_unaligned),
	KUNIT_CASE(vram_test_fault_small),
#ifdef CONFIG_X86_PAT
	KUNIT_CASE_PARAM(vram_test_cache_mode, vram_test_cache_gen_params),
#endif
	KUNIT_CASE(vram_test_mmap_bad),
	KUNIT_CASE(vram_test_memtype_per_blob),
	{}
};

static struct kunit_suite vram_test_suite = {
	.name = "virtgpu_vram",
	.init = vram_test_init,
	.test_cases = vram_test_cases,
};

kunit_test_suite(vram_test_suite);

MODULE_DESCRIPTION("KUnit tests for virtio-gpu host-visible blob mappings");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING");
