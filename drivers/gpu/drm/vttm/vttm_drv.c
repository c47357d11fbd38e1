// SPDX-License-Identifier: GPL-2.0-only
/*
 * vttm: a virtual TTM device, so that TTM placement, eviction, moves and
 * swapout can be driven and checked from userspace without a GPU.
 *
 * VRAM is a prefetchable memory BAR of whatever PCI device the admin binds
 * vttm to, for instance QEMU's ivshmem-plain. vttm has no ID table, since
 * it must not grab every device with such a BAR; bind it like vfio-pci:
 *
 *   echo vttm > /sys/bus/pci/devices/$BDF/driver_override
 *   echo $BDF > /sys/bus/pci/drivers_probe
 *
 * See Documentation/gpu/vttm.rst.
 */

#include <linux/io.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/pci.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_print.h>
#include <drm/vttm_drm.h>

#include "vttm_drv.h"

static int vttm_vram_bar = -1;
module_param_named(vram_bar, vttm_vram_bar, int, 0444);
MODULE_PARM_DESC(vram_bar,
		 "BAR to use as VRAM (default: the largest prefetchable memory BAR)");

static unsigned int vttm_vram_mb;
module_param_named(vram_mb, vttm_vram_mb, uint, 0444);
MODULE_PARM_DESC(vram_mb, "Use at most this many MiB of the BAR (default: 0, all)");

static unsigned int vttm_tt_mb = 512;
module_param_named(tt_mb, vttm_tt_mb, uint, 0444);
MODULE_PARM_DESC(tt_mb, "Size of the TT domain in MiB (default: 512)");

static bool vttm_bar_is_memory(struct pci_dev *pdev, int bar)
{
	unsigned long flags = pci_resource_flags(pdev, bar);

	/* Register BARs are not prefetchable: never treat one as memory. */
	return (flags & IORESOURCE_MEM) && (flags & IORESOURCE_PREFETCH) &&
	       pci_resource_len(pdev, bar) >= PAGE_SIZE;
}

static int vttm_find_vram_bar(struct pci_dev *pdev)
{
	resource_size_t largest = 0;
	int bar, found = -ENODEV;

	for (bar = 0; bar < PCI_STD_NUM_BARS; bar++) {
		if (vttm_bar_is_memory(pdev, bar) &&
		    pci_resource_len(pdev, bar) > largest) {
			largest = pci_resource_len(pdev, bar);
			found = bar;
		}
	}
	return found;
}

static int vttm_vram_init(struct vttm_device *vdev, struct pci_dev *pdev)
{
	struct device *dev = &pdev->dev;
	resource_size_t base, size;
	int bar, ret;

	bar = vttm_vram_bar >= 0 ? vttm_vram_bar : vttm_find_vram_bar(pdev);
	if (bar < 0 || bar >= PCI_STD_NUM_BARS || !vttm_bar_is_memory(pdev, bar))
		return dev_err_probe(dev, -ENODEV,
				     "no prefetchable memory BAR to use as VRAM\n");

	ret = pcim_request_region(pdev, bar, "vttm");
	if (ret)
		return dev_err_probe(dev, ret, "cannot claim BAR %d\n", bar);

	base = pci_resource_start(pdev, bar);
	size = pci_resource_len(pdev, bar);
	if (vttm_vram_mb)
		size = min_t(resource_size_t, size, (resource_size_t)vttm_vram_mb << 20);
	size = round_down(size, PAGE_SIZE);

	/*
	 * Reserve the range as write-combined, as GPU drivers do for their
	 * VRAM aperture. Without the reservation, the PAT code would map
	 * TTM's WC user mappings of VRAM as UC-, silently. The MTRR covers
	 * systems without PAT.
	 */
	ret = devm_arch_io_reserve_memtype_wc(dev, base, size);
	if (ret)
		return dev_err_probe(dev, ret, "cannot reserve VRAM as WC\n");
	ret = devm_arch_phys_wc_add(dev, base, size);
	if (ret < 0)
		return dev_err_probe(dev, ret, "cannot add a WC MTRR for VRAM\n");

	vdev->vram_base = base;
	vdev->sizes.vram = size;
	drm_info(&vdev->drm, "VRAM: %llu MiB of BAR %d at %pa\n",
		 (u64)size >> 20, bar, &base);
	return 0;
}

DEFINE_DRM_GEM_FOPS(vttm_fops);

static const struct drm_ioctl_desc vttm_ioctls[] = {
	DRM_IOCTL_DEF_DRV(VTTM_BO_CREATE, vttm_bo_create_ioctl,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VTTM_BO_MMAP_OFFSET, vttm_bo_mmap_offset_ioctl,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VTTM_BO_INFO, vttm_bo_info_ioctl, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VTTM_BO_MOVE, vttm_bo_move_ioctl, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VTTM_EVICT, vttm_evict_ioctl, DRM_RENDER_ALLOW),
};

static const struct drm_driver vttm_drm_driver = {
	.driver_features = DRIVER_GEM | DRIVER_RENDER,
	.ioctls = vttm_ioctls,
	.num_ioctls = ARRAY_SIZE(vttm_ioctls),
	.fops = &vttm_fops,
	.debugfs_init = vttm_debugfs_init_minor,
	.name = "vttm",
	.desc = "Virtual TTM test device",
	.major = 1,
	.minor = 0,
};

static int vttm_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct vttm_device *vdev;
	int ret;

	if (!vttm_tt_mb)
		return dev_err_probe(&pdev->dev, -EINVAL, "tt_mb must not be 0\n");
	/*
	 * A ttm_tt counts its pages in 32 bits: a TT BO beyond that would get
	 * a page array shorter than its size, and faults past its end would
	 * index out of bounds.
	 */
	if (((u64)vttm_tt_mb << 20) > ((u64)U32_MAX << PAGE_SHIFT))
		return dev_err_probe(&pdev->dev, -EINVAL, "tt_mb %u is too large\n",
				     vttm_tt_mb);

	vdev = devm_drm_dev_alloc(&pdev->dev, &vttm_drm_driver,
				  struct vttm_device, drm);
	if (IS_ERR(vdev))
		return PTR_ERR(vdev);
	pci_set_drvdata(pdev, vdev);
	spin_lock_init(&vdev->bo_lock);
	INIT_LIST_HEAD(&vdev->bos);

	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;

	ret = vttm_vram_init(vdev, pdev);
	if (ret)
		return ret;
	vdev->sizes.tt = (u64)vttm_tt_mb << 20;
	/* ttm_tt counts pages in 32 bits. */
	vdev->sizes.system = (u64)min_t(unsigned long, totalram_pages(),
					U32_MAX) << PAGE_SHIFT;

	ret = vttm_ttm_init(vdev);
	if (ret)
		return ret;
	ret = vttm_shrinker_init(vdev);
	if (ret)
		return ret;
	vttm_debugfs_init(vdev);

	return drm_dev_register(&vdev->drm, 0);
}

static void vttm_remove(struct pci_dev *pdev)
{
	struct vttm_device *vdev = pci_get_drvdata(pdev);

	drm_dev_unplug(&vdev->drm);
	vttm_ttm_unplug(vdev);
}

static struct pci_driver vttm_pci_driver = {
	.name = "vttm",
	.probe = vttm_probe,
	.remove = vttm_remove,
};
module_pci_driver(vttm_pci_driver);

MODULE_DESCRIPTION("Virtual TTM test device");
MODULE_LICENSE("GPL");
