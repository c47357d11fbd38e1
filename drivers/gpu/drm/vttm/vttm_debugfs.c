// SPDX-License-Identifier: GPL-2.0-only
/*
 * debugfs files for tests: where every BO is, a per-page audit of what
 * backs it, and per-domain usage. The formats are documented in
 * Documentation/gpu/vttm.rst; tests parse them, so change them with care.
 */

#include <linux/mm.h>
#include <linux/seq_file.h>

#include <drm/drm_debugfs.h>
#include <drm/drm_file.h>
#include <drm/ttm/ttm_tt.h>

#include "vttm_drv.h"

static const char *vttm_mem_type_name(const struct ttm_resource *res)
{
	if (!res)
		return "none";
	switch (res->mem_type) {
	case TTM_PL_SYSTEM:
		return "system";
	case TTM_PL_TT:
		return "tt";
	case TTM_PL_VRAM:
		return "vram";
	default:
		return "unknown";
	}
}

static void vttm_show_page_kind(struct seq_file *m, struct page *page)
{
	if (PageTail(page))
		seq_puts(m, "tail");
	else if (PageHead(page))
		seq_printf(m, "head:%u", folio_order(page_folio(page)));
	else
		seq_puts(m, "single");
}

/* Whether @page extends the run of pages that ends with @prev. */
static bool vttm_page_extends_run(struct page *prev, struct page *page)
{
	return page_to_pfn(page) == page_to_pfn(prev) + 1 &&
	       page_ref_count(page) == page_ref_count(prev) &&
	       !PageHead(page) && PageTail(page) == PageTail(prev);
}

/*
 * One line per run of pages with consecutive page frames and the same
 * reference count and compound state. A page reference taken behind TTM's
 * back, by a fault handler say, shows up as a changed "ref".
 */
static void vttm_show_tt_pages(struct seq_file *m, struct ttm_tt *tt)
{
	pgoff_t first = 0, i;

	for (i = 1; i <= tt->num_pages; i++) {
		struct page *page = tt->pages[first];

		if (i < tt->num_pages &&
		    vttm_page_extends_run(tt->pages[i - 1], tt->pages[i]))
			continue;

		seq_printf(m, "  pages %lu-%lu pfn %#lx-%#lx ref %d kind ",
			   first, i - 1, page_to_pfn(page),
			   page_to_pfn(tt->pages[i - 1]), page_ref_count(page));
		vttm_show_page_kind(m, page);
		seq_putc(m, '\n');
		first = i;
	}
}

static void vttm_show_vram(struct seq_file *m, struct vttm_device *vdev,
			   struct ttm_resource *res)
{
	unsigned long first = PHYS_PFN(vdev->vram_base) + res->start;
	unsigned long last = first + PFN_UP(res->size) - 1;
	bool struct_page = false;
	unsigned long pfn;

	/* A BAR outside System RAM has no memmap; say so, do not assume. */
	for (pfn = first; pfn <= last && !struct_page; pfn++)
		struct_page = pfn_valid(pfn);

	seq_printf(m, "  vram pfn %#lx-%#lx struct_page %s\n", first, last,
		   struct_page ? "yes" : "no");
}

static void vttm_show_bo(struct seq_file *m, struct vttm_device *vdev,
			 struct vttm_bo *vbo)
{
	struct ttm_buffer_object *tbo = &vbo->tbo;
	struct ttm_resource *res = tbo->resource;
	struct ttm_tt *tt = tbo->ttm;
	bool populated = tt && ttm_tt_is_populated(tt);

	seq_printf(m, "bo %llu size %zu domain %s contiguous %d resident_pages %u swapped %d mmap_offset %#llx\n",
		   vbo->id, tbo->base.size, vttm_mem_type_name(res),
		   vttm_bo_is_contiguous(tbo), populated ? tt->num_pages : 0,
		   tt && ttm_tt_is_swapped(tt),
		   drm_vma_node_offset_addr(&tbo->base.vma_node));

	if (res && res->mem_type == TTM_PL_VRAM)
		vttm_show_vram(m, vdev, res);
	else if (populated)
		vttm_show_tt_pages(m, tt);
}

static int vttm_bos_show(struct seq_file *m, void *unused)
{
	struct drm_debugfs_entry *entry = m->private;
	struct vttm_device *vdev = to_vttm_device(entry->dev);
	struct vttm_bo *vbo, *prev = NULL;
	int ret = 0;

	/*
	 * Hold a GEM reference on the BO being shown, which keeps it on the
	 * list, so that bo_lock can be dropped to take its reservation.
	 * References are dropped outside bo_lock: the last one frees the BO,
	 * and freeing takes bo_lock.
	 */
	spin_lock(&vdev->bo_lock);
	list_for_each_entry(vbo, &vdev->bos, link) {
		if (!kref_get_unless_zero(&vbo->tbo.base.refcount))
			continue;
		spin_unlock(&vdev->bo_lock);

		if (prev)
			drm_gem_object_put(&prev->tbo.base);
		prev = vbo;

		ret = dma_resv_lock_interruptible(vbo->tbo.base.resv, NULL);
		if (!ret) {
			vttm_show_bo(m, vdev, vbo);
			dma_resv_unlock(vbo->tbo.base.resv);
		}

		spin_lock(&vdev->bo_lock);
		if (ret)
			break;
	}
	spin_unlock(&vdev->bo_lock);

	if (prev)
		drm_gem_object_put(&prev->tbo.base);
	return ret;
}

static int vttm_usage_show(struct seq_file *m, void *unused)
{
	static const struct {
		const char *name;
		u32 mem_type;
	} domains[] = {
		{ "vram", TTM_PL_VRAM },
		{ "tt", TTM_PL_TT },
		{ "system", TTM_PL_SYSTEM },
	};
	struct drm_debugfs_entry *entry = m->private;
	struct vttm_device *vdev = to_vttm_device(entry->dev);
	struct vttm_bo *vbo;
	unsigned long bos = 0;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(domains); i++) {
		u32 mem_type = domains[i].mem_type;
		u32 domain = vttm_mem_type_to_domain(mem_type);
		struct ttm_resource_manager *man;

		man = ttm_manager_type(&vdev->bdev, mem_type);
		seq_printf(m, "%s_used_pages %llu\n", domains[i].name,
			   ttm_resource_manager_usage(man) >> PAGE_SHIFT);
		/* TTM's SYSTEM manager has no size: this is all of RAM. */
		seq_printf(m, "%s_total_pages %llu\n", domains[i].name,
			   vttm_domain_size(&vdev->sizes, domain) >> PAGE_SHIFT);
	}

	spin_lock(&vdev->bo_lock);
	list_for_each_entry(vbo, &vdev->bos, link)
		bos++;
	spin_unlock(&vdev->bo_lock);

	seq_printf(m, "resident_pages %ld\n",
		   atomic_long_read(&vdev->resident_pages));
	seq_printf(m, "backed_up_pages %ld\n",
		   atomic_long_read(&vdev->backed_up_pages));
	seq_printf(m, "bos %lu\n", bos);
	return 0;
}

static const struct drm_debugfs_info vttm_debugfs_files[] = {
	{ "vttm_bos", vttm_bos_show },
	{ "vttm_usage", vttm_usage_show },
};

/**
 * vttm_debugfs_init - register vttm's debugfs files
 * @vdev: the vttm device, not yet registered
 */
void vttm_debugfs_init(struct vttm_device *vdev)
{
	drm_debugfs_add_files(&vdev->drm, vttm_debugfs_files,
			      ARRAY_SIZE(vttm_debugfs_files));
}

/**
 * vttm_debugfs_init_minor - &drm_driver.debugfs_init callback
 * @minor: the DRM minor whose debugfs directory is being populated
 *
 * Adds TTM's dumps of the VRAM and TT range managers, which show where
 * each allocation sits and what is free.
 */
void vttm_debugfs_init_minor(struct drm_minor *minor)
{
	struct vttm_device *vdev = to_vttm_device(minor->dev);

	ttm_resource_manager_create_debugfs(ttm_manager_type(&vdev->bdev,
							     TTM_PL_VRAM),
					    minor->debugfs_root,
					    "vttm_vram_mm");
	ttm_resource_manager_create_debugfs(ttm_manager_type(&vdev->bdev,
							     TTM_PL_TT),
					    minor->debugfs_root,
					    "vttm_tt_mm");
}
