// SPDX-License-Identifier: GPL-2.0-only
/**
 * TEST: vttm_unplug
 * Description: A vttm device unbound while its BOs are mapped with PMDs:
 *   faults during and after the unplug map TTM's dummy page, even over a
 *   mapping that still has a PMD, no access faults or hangs, no mapping
 *   reaches the BO's memory afterwards, and writes land in the dummy page,
 *   not in the VRAM the BO had.
 *
 * The window this is about: vttm's PCI remove calls drm_dev_unplug(),
 * which marks the device unplugged, unregisters it, and only then zaps
 * every CPU mapping of it (unmap_mapping_range() on the DRM device's
 * inode). A fault in between, in a part of a BO mapping that was never
 * faulted, finds the device gone: ttm_bo_vm_huge_fault() falls back and
 * ttm_bo_vm_fault() maps one zeroed dummy page over the whole VMA
 * (ttm_bo_vm_dummy_page()), page by page, over the other 2 MiB window's
 * PMD that is still there. Before the series' mm patch ("mm: let racing
 * PTE and PMD inserts of a PFN mapping fall back"), walk_to_pmd() hit
 * VM_BUG_ON(pmd_trans_huge()) there (CONFIG_DEBUG_VM, which the check
 * kernels have), and without it the fault returned VM_FAULT_OOM for a PMD
 * in the VMA's last window and was retried forever. To land in the window,
 * a thread of the mapping process spins on an ioctl until it fails with
 * ENODEV (the device is marked unplugged) and then faults the untouched
 * window of many mappings of one BO, each of which has its other window
 * PMD-mapped; it counts the mappings whose PMD was still live after the
 * dummy page was mapped, which is how often the window was hit (a few of
 * 64 per run under TCG). On an arm64 build of the series from before the
 * mm patch, unplug-pmd-mapped-vram hit that VM_BUG_ON in walk_to_pmd()
 * from ttm_bo_vm_dummy_page() (2026-12-02).
 *
 * vttm is bound by sysfs (scripts/guest/setup-vttm.sh: driver_override,
 * then drivers_probe); the subtests unbind its PCI device through
 * /sys/bus/pci/drivers/vttm/unbind and bind it again through .../bind, so
 * the tests after them find a vttm device as before. The mapping process
 * is a child, so that the parent binds the device again whatever becomes
 * of it. The BAR check reads VRAM through the PCI device's sysfs resource
 * file. Needs root and a vttm device; skips without one.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/bo_data.h"
#include "lib/igt_proto.h"
#include "lib/procfs.h"
#include "lib/vttm.h"
#include "lib/vttm_audit.h"

#define PAGE		4096ull
#define SZ_2M		(2ull << 20)
/* Two windows: window 0 is faulted only after the unplug, window 1 before. */
#define BO_SIZE		(2 * SZ_2M)
#define BO_PAGES	(BO_SIZE / PAGE)
#define WIN1_WORD	(SZ_2M / 8)
/* Faults of a 2 MiB window mapped with PTEs (TTM_BO_VM_NUM_PREFAULT 16). */
#define PTE_FAULTS	(SZ_2M / PAGE / 16)
/* Mappings of the BO whose window 0 the toucher faults during the unplug. */
#define NR_MAPS		64
#define SEED		0x5eedull
/* Written through a mapping after the unplug. */
#define POST_UNPLUG	0xdeadbeef0badf00dull
/* The child mapping the BO gives up after this long: a fault never ended. */
#define CHILD_ALARM_S	120

#define VRAM		VTTM_DOMAIN_VRAM
#define TT		VTTM_DOMAIN_TT

/* What the mapping child tells its parent (MAP_SHARED | MAP_ANONYMOUS). */
struct unplug_report {
	u64 vram_offset;	/* VRAM: where the BO was before the unplug */
	unsigned int touched;	/* mappings the toucher faulted after ENODEV */
	unsigned int live_pmds;	/* of those, PMDs live after the dummy page */
};

struct toucher {
	int fd;
	u32 handle;
	u64 *maps[NR_MAPS];
	struct unplug_report *rep;
};

/* ---- the PCI device behind the vttm render node --------------------- */

static void vttm_pci_bdf(const struct vttm_dev *dev, char *bdf, size_t len)
{
	char link[128], target[256];
	const char *base;
	ssize_t n;
	int minor;

	igt_assert(sscanf(dev->debugfs_dir, "/sys/kernel/debug/dri/%d",
			  &minor) == 1);
	snprintf(link, sizeof(link), "/sys/class/drm/renderD%d/device", minor);
	n = readlink(link, target, sizeof(target) - 1);
	igt_assert_f(n > 0, "readlink %s: %s", link, strerror(errno));
	target[n] = '\0';
	base = strrchr(target, '/');
	snprintf(bdf, len, "%.40s", base ? base + 1 : target);
}

/* Writes @val to sysfs file @path; returns 0 or -errno. */
static int sysfs_write(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) != (ssize_t)strlen(val))
		ret = -errno;
	close(fd);
	return ret;
}

/*
 * Binds vttm to @bdf again and waits for its render node; returns 0 or a
 * negative errno of the bind, -ETIMEDOUT without a node.
 */
static int vttm_rebind(const char *bdf)
{
	double deadline = igt_now() + 10;
	struct vttm_dev dev;
	int ret;

	ret = sysfs_write("/sys/bus/pci/drivers/vttm/bind", bdf);
	if (ret)
		return ret;
	while (igt_now() < deadline) {
		if (vttm_open(&dev)) {
			close(dev.fd);
			return 0;
		}
		usleep(10000);
	}
	return -ETIMEDOUT;
}

/*
 * A read-only mapping of @size bytes at @offset of the VRAM BAR of @bdf,
 * through its sysfs resource file: the largest prefetchable memory BAR, as
 * vttm_find_vram_bar() picks (vttm's vram_bar parameter is not set here).
 */
static u64 *map_vram_bar(const char *bdf, u64 offset, u64 size)
{
	unsigned long long start, end, flags, largest = 0;
	int bar = -1, i = 0, fd;
	char path[128], line[128];
	FILE *f;
	void *map;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource", bdf);
	f = fopen(path, "r");
	igt_assert_f(f, "%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f) && i < 6) {
		if (sscanf(line, "%llx %llx %llx", &start, &end, &flags) == 3 &&
		    (flags & 0x200) && (flags & 0x2000) && end > start &&
		    end - start + 1 > largest) {
			largest = end - start + 1;
			bar = i;
		}
		i++;
	}
	fclose(f);
	igt_assert_f(bar >= 0, "%s has no prefetchable memory BAR", bdf);

	/*
	 * The write-combined file where there is one: vttm reserved VRAM as
	 * WC, and PAT refuses an uncached mapping of it alongside.
	 */
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource%d_wc",
		 bdf, bar);
	if (access(path, F_OK))
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource%d",
			 bdf, bar);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	igt_assert_f(fd >= 0, "%s: %s", path, strerror(errno));
	map = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, offset);
	igt_assert_f(map != MAP_FAILED, "mmap %s at %#llx: %s", path,
		     (unsigned long long)offset, strerror(errno));
	close(fd);
	return map;
}

/* ---- the mapping child ------------------------------------------------ */

/*
 * Waits until the device is marked unplugged (ioctls fail with ENODEV),
 * then faults window 0 of every mapping: each maps the dummy page over its
 * whole VMA, where window 1 may still have its PMD.
 */
static void *toucher_main(void *arg)
{
	struct toucher *t = arg;
	double deadline = igt_now() + CHILD_ALARM_S;
	struct drm_vttm_bo_info info;
	unsigned int k;

	while (__vttm_get_bo_info(t->fd, t->handle, &info) != -ENODEV)
		igt_assert_f(igt_now() < deadline,
			     "vttm ioctls still work %d s after the unbind was asked for",
			     CHILD_ALARM_S);

	for (k = 0; k < NR_MAPS; k++) {
		const volatile u64 *w = t->maps[k];
		u64 win0 = w[0], win1;

		igt_assert_f(win0 == 0,
			     "mapping %u: window 0, faulted after the unplug, read %#llx, not the dummy page's zero",
			     k, (unsigned long long)win0);
		win1 = w[WIN1_WORD];
		/*
		 * The BO's data: window 1's PMD was still live after the
		 * dummy page was mapped over the VMA (a fault after the
		 * unplug never maps the BO). Zero: the dummy page, mapped
		 * then or faulted now.
		 */
		if (win1 == bo_pattern(SEED, SZ_2M))
			t->rep->live_pmds++;
		else
			igt_assert_f(win1 == 0,
				     "mapping %u: window 1 read %#llx after the unplug: neither the BO's data through a live PMD nor the dummy page",
				     k, (unsigned long long)win1);
		t->rep->touched++;
	}
	return NULL;
}

/* Whether window 1 of TT BO @handle can be mapped with one PMD. */
static bool tt_window1_is_huge(struct vttm_dev *dev, u32 handle)
{
	static u64 pfns[BO_PAGES];
	unsigned int i;

	vttm_audit_pfns(dev, vttm_get_bo_info(dev->fd, handle).id, pfns,
			BO_PAGES);
	if (pfns[BO_PAGES / 2] % (SZ_2M / PAGE))
		return false;
	for (i = BO_PAGES / 2 + 1; i < BO_PAGES; i++)
		if (pfns[i] != pfns[i - 1] + 1)
			return false;
	return true;
}

/*
 * The child that maps the BO: sets everything up, says so on @ready_fd,
 * waits for the parent's word on @go_fd that the unbind returned, checks
 * what the mappings show then, and exits with an IGT exit code.
 */
static void __attribute__((noreturn))
mapper_main(u32 domain, struct unplug_report *rep, int ready_fd, int go_fd)
{
	struct toucher t = { .rep = rep };
	volatile u64 *quiet;
	u64 *fill, alias;
	pthread_t toucher;
	struct vttm_dev dev;
	unsigned int k;
	u64 i;
	char c;

	/* A fault that never ends kills the child instead of the suite. */
	alarm(CHILD_ALARM_S);
	igt_assert(vttm_open(&dev));
	t.fd = dev.fd;
	/* Movable anywhere: the unplug evicts VRAM to TT. */
	t.handle = vttm_create_bo(dev.fd, BO_SIZE, VTTM_DOMAINS_ALL, domain);
	fill = vttm_mmap_bo(dev.fd, t.handle, BO_SIZE);
	host_fill(fill, BO_SIZE, SEED);
	igt_assert_eq(munmap(fill, BO_SIZE), 0);
	if (domain == TT && !tt_window1_is_huge(&dev, t.handle))
		igt_skip("the TT pool gave no 2 MiB chunk for window 1: no PMD to unplug under");
	if (domain == VRAM)
		rep->vram_offset = vttm_get_bo_info(dev.fd, t.handle).vram_offset;

	/*
	 * Mapping NR_MAPS is not touched during the unplug: one dummy page
	 * for all of it after.
	 */
	for (k = 0; k <= NR_MAPS; k++) {
		u64 *map = vttm_mmap_bo(dev.fd, t.handle, BO_SIZE);
		long faults = thread_touch_faults(map + WIN1_WORD, SZ_2M);

		/*
		 * One fault with a PMD, one per 16 pages with PTEs; a
		 * copy-on-write fault of the stack may come on top.
		 */
		igt_assert_f(faults < PTE_FAULTS,
			     "mapping %u of the %s BO: window 1 took %ld faults: not PMD-mapped",
			     k, vttm_domain_name(domain), faults);
		if (k < NR_MAPS)
			t.maps[k] = map;
		else
			quiet = map;
	}

	igt_assert_eq(pthread_create(&toucher, NULL, toucher_main, &t), 0);
	igt_assert_eq(write(ready_fd, "r", 1), 1);
	igt_assert_f(read(go_fd, &c, 1) == 1, "the parent did not unbind vttm");
	igt_assert_eq(pthread_join(toucher, NULL), 0);
	igt_assert_eq(rep->touched, NR_MAPS);

	/* drm_dev_unplug() zapped every mapping: only dummy pages now. */
	for (k = 0; k <= NR_MAPS; k++) {
		const volatile u64 *w = k < NR_MAPS ? t.maps[k] : quiet;

		for (i = 0; i < BO_PAGES; i++) {
			u64 v = w[i * PAGE / 8];

			igt_assert_f(v == 0,
				     "%s %u read %#llx at offset %#llx after the unplug, not the dummy page's zero%s",
				     k < NR_MAPS ? "mapping" : "the untouched mapping",
				     k, (unsigned long long)v,
				     (unsigned long long)(i * PAGE),
				     v == bo_pattern(SEED, i * PAGE) ?
				     ": it is the BO's data, so a mapping of the BO's memory survived the unplug" : "");
		}
	}
	/*
	 * TTM maps one dummy page over a VMA that faults after the unplug
	 * with nothing mapped: a write shows at every page of it, and
	 * reaches nothing else.
	 */
	quiet[2] = POST_UNPLUG;
	alias = quiet[(BO_SIZE - PAGE) / 8 + 2];
	igt_assert_f(alias == POST_UNPLUG,
		     "a write at offset 0x10 after the unplug does not show at offset %#llx: %#llx, so the mapping is not one dummy page",
		     BO_SIZE - PAGE + 0x10, (unsigned long long)alias);

	/* Ioctls fail; the BO goes when the file does. */
	igt_assert_eq(__vttm_gem_close(dev.fd, t.handle), -ENODEV);
	_exit(IGT_EXIT_SUCCESS);
}

/* ---- the subtests ------------------------------------------------------- */

/**
 * SUBTEST: unplug-pmd-mapped-%arg[1]
 * Description: A 4 MiB %arg[1] BO filled with a pattern, mapped 65 times
 *   with its second 2 MiB window PMD-mapped in each (asserted by fault
 *   counts), and vttm's PCI device is unbound. A thread faults the first
 *   window of each mapping as soon as ioctls fail with ENODEV: it reads
 *   the dummy page's zero, and the second window reads either the BO's
 *   data through its still-live PMD (counted: the dummy page was mapped
 *   over a live PMD) or the dummy page. After the unbind every page of
 *   every mapping reads zero, no access faults or hangs, ioctls fail with
 *   ENODEV, and a write lands in a dummy page that covers the whole
 *   mapping; for VRAM the BAR at the BO's old offset, read through sysfs,
 *   held the BO's data before and never holds that write. The device is
 *   bound again at the end and must come back.
 *
 * arg[1]:
 *
 * @vram: VRAM (the unplug evicts it to TT)
 * @tt: TT (a 2 MiB pool chunk for the second window; skips without one)
 */
static void unplug_pmd_mapped(u32 domain)
{
	struct unplug_report *rep;
	int ready[2], go[2], status, unbind;
	u64 *bar = NULL, i, bar_written = 0;
	bool bar_was_bo = true;
	struct vttm_dev dev;
	char bdf[64], c;
	pid_t pid;

	vttm_require(&dev);
	vttm_pci_bdf(&dev, bdf, sizeof(bdf));
	close(dev.fd);

	rep = mmap(NULL, sizeof(*rep), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	igt_assert(rep != MAP_FAILED);
	memset(rep, 0, sizeof(*rep));
	igt_assert_eq(pipe(ready), 0);
	igt_assert_eq(pipe(go), 0);

	pid = fork();
	igt_assert(pid >= 0);
	if (pid == 0) {
		close(ready[0]);
		close(go[1]);
		mapper_main(domain, rep, ready[1], go[0]);
	}
	close(ready[1]);
	close(go[0]);

	if (read(ready[0], &c, 1) != 1) {
		/* The child ended before the unbind: nothing to bind again. */
		igt_assert_eq(waitpid(pid, &status, 0), pid);
		if (WIFEXITED(status) && WEXITSTATUS(status) == IGT_EXIT_SKIP)
			igt_skip("the mapping child skipped (see above)");
		igt_fail("the mapping child ended with status %#x before the unbind",
			 status);
	}

	if (domain == VRAM) {
		bar = map_vram_bar(bdf, rep->vram_offset, BO_SIZE);
		for (i = 0; i < BO_SIZE / 8; i++)
			bar_was_bo &= bar[i] == bo_pattern(SEED, i * 8);
	}

	igt_info("unbinding vttm from %s\n", bdf);
	unbind = sysfs_write("/sys/bus/pci/drivers/vttm/unbind", bdf);
	if (!unbind)
		igt_assert_eq(write(go[1], "g", 1), 1);
	close(go[1]);
	igt_assert_eq(waitpid(pid, &status, 0), pid);

	if (bar) {
		for (i = 0; i < BO_SIZE / 8; i++)
			bar_written += bar[i] == POST_UNPLUG;
		munmap(bar, BO_SIZE);
	}
	/* Whatever happened, the tests after this one need the device. */
	igt_assert_f(!unbind, "unbinding %s from vttm: %s", bdf,
		     igt_errname(unbind));
	igt_assert_f(vttm_rebind(bdf) == 0, "binding %s to vttm again failed",
		     bdf);

	igt_assert_f(WIFEXITED(status) && WEXITSTATUS(status) == IGT_EXIT_SUCCESS,
		     "the child mapping the BO %s (status %#x) after the unplug",
		     WIFSIGNALED(status) ?
		     (WTERMSIG(status) == SIGALRM ?
		      "did not finish in time: a fault never completed" :
		      "was killed by a signal") : "failed",
		     status);
	igt_info("%s: in %u of %u mappings the dummy page was mapped while the other window's PMD was live\n",
		 vttm_domain_name(domain), rep->live_pmds, rep->touched);
	if (domain == VRAM) {
		igt_assert_f(bar_was_bo,
			     "the BAR at the BO's VRAM offset %#llx did not hold its data before the unplug: the BAR check reads the wrong memory",
			     (unsigned long long)rep->vram_offset);
		igt_assert_f(!bar_written,
			     "%llu words of the VRAM the BO left hold the value written through its mapping after the unplug",
			     (unsigned long long)bar_written);
	}
	munmap(rep, sizeof(*rep));
}

static void test_unplug_pmd_mapped_vram(void)
{
	unplug_pmd_mapped(VRAM);
}

static void test_unplug_pmd_mapped_tt(void)
{
	unplug_pmd_mapped(TT);
}

static const struct igt_subtest tests[] = {
	{ "unplug-pmd-mapped-vram", test_unplug_pmd_mapped_vram },
	{ "unplug-pmd-mapped-tt", test_unplug_pmd_mapped_tt },
};

IGT_MAIN(tests)
