// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for TTM's fault handlers (ttm_bo_vm.c) on a 2 MiB vttm BO:
 * how a PMD-sized window is mapped when PTE and PMD faults meet in it.
 *
 * The core picks the PTE or the PMD path from what it sees in the PMD
 * before the handler takes the BO's reservation. Two vCPUs (or threads)
 * faulting in one window while the BO moves can each find the PMD in a
 * state the other one changed meanwhile. These cases reproduce both
 * orders without threads: one fault goes through fixup_user_fault() like
 * any other, and the handler the core would have picked from the stale
 * PMD is then called directly with the PMD as it is now.
 *
 * The device has no VRAM BAR behind it: cases only place BOs in TT, whose
 * pages come from TTM's pool. A 2 MiB BO there is one pool chunk when the
 * page allocator has an order-9 block; cases that need that skip without.
 *
 * Each case unmaps what it mapped before it returns: KUnit's cleanup runs
 * in another thread, possibly before the test's mm is torn down.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/pagemap.h>
#include <linux/pgtable.h>
#include <linux/sizes.h>

#include <kunit/test.h>

#include <drm/drm_kunit_helpers.h>
#include <drm/ttm/ttm_tt.h>
#include <drm/vttm_drm.h>

#include "../vttm_drv.h"

#define BO_SIZE		SZ_4M

struct fault_test {
	struct vttm_device *vdev;
	struct vttm_bo *vbo;
	unsigned long addr;	/* of the mapping of the whole BO */
};

static void fault_test_bo_put(void *arg)
{
	struct vttm_bo *vbo = arg;

	drm_gem_object_put(&vbo->tbo.base);
}

static int fault_test_init(struct kunit *test)
{
	struct vttm_device *vdev;
	struct fault_test *t;
	struct device *dev;

	t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	test->priv = t;

	dev = drm_kunit_helper_alloc_device(test);
	KUNIT_ASSERT_FALSE(test, IS_ERR(dev));
	vdev = drm_kunit_helper_alloc_drm_device(test, dev, struct vttm_device,
						 drm, DRIVER_GEM);
	KUNIT_ASSERT_FALSE(test, IS_ERR(vdev));
	spin_lock_init(&vdev->bo_lock);
	INIT_LIST_HEAD(&vdev->bos);
	/* VRAM gets a range manager but nothing behind it: no case uses it. */
	vdev->sizes.vram = SZ_16M;
	vdev->sizes.tt = SZ_64M;
	vdev->sizes.system = SZ_64M;
	KUNIT_ASSERT_EQ(test, 0, vttm_ttm_init(vdev));
	t->vdev = vdev;

	t->vbo = vttm_bo_create(vdev, BO_SIZE, VTTM_DOMAIN_TT, VTTM_DOMAIN_TT,
				0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(t->vbo));
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, fault_test_bo_put,
						  t->vbo));
	return 0;
}

static int fault_test_file_mmap(struct file *filp, struct vm_area_struct *vma)
{
	struct drm_gem_object *obj = filp->private_data;

	vma->vm_pgoff += drm_vma_node_start(&obj->vma_node);
	return drm_gem_mmap_obj(obj, obj->size, vma);
}

static const struct file_operations fault_test_fops = {
	.owner = THIS_MODULE,
	.mmap = fault_test_file_mmap,
#ifdef CONFIG_TRANSPARENT_HUGEPAGE
	/* PMD-aligned, like drm_gem_get_unmapped_area() for TTM objects. */
	.get_unmapped_area = thp_get_unmapped_area,
#endif
};

static void fault_test_fput(void *arg)
{
	fput(arg);
}

/* Maps the whole BO, 2 MiB-aligned, or skips the case. */
static void fault_test_map(struct kunit *test)
{
	struct fault_test *t = test->priv;
	struct file *filp;

	filp = anon_inode_getfile("vttm-fault-kunit", &fault_test_fops,
				  &t->vbo->tbo.base, O_RDWR);
	KUNIT_ASSERT_FALSE(test, IS_ERR(filp));
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, fault_test_fput, filp));
	t->addr = kunit_vm_mmap(test, filp, 0, BO_SIZE, PROT_READ | PROT_WRITE,
				MAP_SHARED, 0);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR_VALUE(t->addr), "mmap: %ld",
			       (long)t->addr);
	if (!IS_ALIGNED(t->addr, PMD_SIZE)) {
		vm_munmap(t->addr, BO_SIZE);
		kunit_skip(test, "mapping at %#lx is not PMD-aligned", t->addr);
	}
}

static void fault_test_unmap(struct kunit *test)
{
	struct fault_test *t = test->priv;

	vm_munmap(t->addr, BO_SIZE);
}

/* The PMD slot of @addr, or NULL if the levels above it are missing. */
static pmd_t *fault_test_pmd(struct mm_struct *mm, unsigned long addr)
{
	pgd_t *pgd = pgd_offset(mm, addr);
	p4d_t *p4d;
	pud_t *pud;

	if (pgd_none(*pgd))
		return NULL;
	p4d = p4d_offset(pgd, addr);
	if (p4d_none(*p4d))
		return NULL;
	pud = pud_offset(p4d, addr);
	if (pud_none(*pud) || pud_leaf(*pud))
		return NULL;
	return pmd_offset(pud, addr);
}

/* The core's fault, with retries, as a VMM's first access makes it. */
static void fault_test_core_fault(struct kunit *test, unsigned long addr)
{
	struct mm_struct *mm = current->mm;
	int ret;

	mmap_read_lock(mm);
	ret = fixup_user_fault(mm, addr, FAULT_FLAG_WRITE, NULL);
	mmap_read_unlock(mm);
	KUNIT_ASSERT_EQ_MSG(test, ret, 0, "fault at %#lx", addr);
}

/*
 * Calls the handler the core would call for a write fault at @addr: .fault
 * with @order 0, else .huge_fault. No retry flags, so the handler waits
 * for the reservation instead of asking for a retry.
 */
static vm_fault_t fault_test_handler(struct kunit *test, unsigned long addr,
				     unsigned int order)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	vm_fault_t ret;

	mmap_read_lock(mm);
	vma = vma_lookup(mm, addr);
	if (!vma || (order && !vma->vm_ops->huge_fault)) {
		mmap_read_unlock(mm);
		KUNIT_FAIL(test, "no %s handler at %#lx",
			   order ? "huge_fault" : "fault", addr);
		return VM_FAULT_SIGBUS;
	}
	{
		struct vm_fault vmf = {
			.vma = vma,
			.address = addr & PAGE_MASK,
			.real_address = addr,
			.pgoff = linear_page_index(vma, addr),
			.flags = FAULT_FLAG_WRITE,
			.gfp_mask = GFP_KERNEL,
			.pmd = fault_test_pmd(mm, addr),
		};

		if (!vmf.pmd)
			ret = VM_FAULT_SIGBUS;
		else if (order)
			ret = vma->vm_ops->huge_fault(&vmf, order);
		else
			ret = vma->vm_ops->fault(&vmf);
	}
	mmap_read_unlock(mm);
	return ret;
}

/* What maps @addr now: 0 (nothing), PAGE_SIZE (a PTE) or PMD_SIZE. */
static unsigned long fault_test_mapped(unsigned long addr, unsigned long *pfn)
{
	struct mm_struct *mm = current->mm;
	struct follow_pfnmap_args args = { .address = addr };
	unsigned long size = 0;

	mmap_read_lock(mm);
	args.vma = vma_lookup(mm, addr);
	if (args.vma && !follow_pfnmap_start(&args)) {
		size = ~args.addr_mask + 1;
		*pfn = args.pfn;
		follow_pfnmap_end(&args);
	}
	mmap_read_unlock(mm);
	return size;
}

/* Skips unless the BO's pages are one contiguous, PMD-aligned block. */
static void fault_test_require_contiguous(struct kunit *test)
{
	struct fault_test *t = test->priv;
	struct ttm_buffer_object *bo = &t->vbo->tbo;
	bool contiguous;

	dma_resv_lock(bo->base.resv, NULL);
	contiguous = vttm_bo_is_contiguous(bo) &&
		     IS_ALIGNED(page_to_pfn(bo->ttm->pages[0]), HPAGE_PMD_NR);
	dma_resv_unlock(bo->base.resv);
	if (!contiguous) {
		fault_test_unmap(test);
		kunit_skip(test, "the pool found no order-9 block for the BO");
	}
}

/*
 * A PTE fault that finds the window mapped by a PMD. The core chose PTEs
 * when the PMD was empty (the memory was fragmented then, say), and a huge
 * fault mapped the window before this one got the reservation. Nothing is
 * left to map; inserting a PTE under a PMD is a bug in the page tables
 * (VM_BUG_ON with CONFIG_DEBUG_VM).
 */
static void vttm_test_pte_fault_after_pmd(struct kunit *test)
{
	struct fault_test *t = test->priv;
	unsigned long pfn = 0, pfn2 = 0;

	fault_test_map(test);
	fault_test_core_fault(test, t->addr);
	fault_test_require_contiguous(test);
	if (fault_test_mapped(t->addr, &pfn) != PMD_SIZE) {
		fault_test_unmap(test);
		kunit_skip(test, "no PMD fault on this kernel");
	}

	KUNIT_EXPECT_EQ(test, fault_test_handler(test, t->addr + SZ_64K, 0),
			VM_FAULT_NOPAGE);
	KUNIT_EXPECT_EQ(test, fault_test_mapped(t->addr + SZ_64K, &pfn2),
			PMD_SIZE);
	KUNIT_EXPECT_EQ(test, pfn2, pfn + (SZ_64K >> PAGE_SHIFT));
	fault_test_unmap(test);
}

/*
 * A PMD fault that finds the window given a page table. The core chose a
 * PMD when the PMD was empty; a PTE fault in the same window mapped PTEs
 * before this one got the reservation. The window stays on PTEs: a PMD
 * insert there fails (and WARNs for a write fault).
 */
static void vttm_test_pmd_fault_after_ptes(struct kunit *test)
{
	struct fault_test *t = test->priv;
	unsigned long second, pfn = 0;

	fault_test_map(test);
	second = t->addr + PMD_SIZE;
	/* A PMD in the first window, so the second one has a PMD slot. */
	fault_test_core_fault(test, t->addr);
	fault_test_require_contiguous(test);
	if (fault_test_mapped(t->addr, &pfn) != PMD_SIZE) {
		fault_test_unmap(test);
		kunit_skip(test, "no PMD fault on this kernel");
	}

	KUNIT_EXPECT_EQ(test, fault_test_handler(test, second, 0),
			VM_FAULT_NOPAGE);
	KUNIT_ASSERT_EQ(test, fault_test_mapped(second, &pfn), PAGE_SIZE);

	KUNIT_EXPECT_EQ(test, fault_test_handler(test, second, HPAGE_PMD_ORDER),
			VM_FAULT_FALLBACK);
	KUNIT_EXPECT_EQ(test, fault_test_mapped(second, &pfn), PAGE_SIZE);
	fault_test_unmap(test);
}

static struct kunit_case vttm_fault_test_cases[] = {
	KUNIT_CASE(vttm_test_pte_fault_after_pmd),
	KUNIT_CASE(vttm_test_pmd_fault_after_ptes),
	{}
};

static struct kunit_suite vttm_fault_test_suite = {
	.name = "vttm_fault",
	.init = fault_test_init,
	.test_cases = vttm_fault_test_cases,
};

kunit_test_suite(vttm_fault_test_suite);

MODULE_DESCRIPTION("KUnit tests for TTM faults where PTEs and PMDs meet");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING");
