// SPDX-License-Identifier: GPL-2.0-only
/*
 * vttm_basic: the vttm uAPI (include/uapi/drm/vttm_drm.h) does what it says.
 *
 * Needs a vttm device: load vttm.ko and bind it to an ivshmem device (see
 * Documentation/gpu/vttm.rst); the subtests skip without one. Every subtest
 * checks at its end that vttm_usage in debugfs is back to what it was at
 * its start, so a leaked BO or page fails the subtest that leaked it.
 *
 * Subtests that back BOs up to shmem need swap space and skip without it;
 * swapout-needs-swap checks the error returned then.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/kernel.h>
#include <linux/types.h>
#include <drm/drm.h>
#include <drm/vttm_drm.h>

#include "lib/igt_proto.h"

#define PAGE		4096ull
#define ALL		VTTM_DOMAINS_ALL
#define SYS		VTTM_DOMAIN_SYSTEM
#define TT		VTTM_DOMAIN_TT
#define VRAM		VTTM_DOMAIN_VRAM

/* The open render node and its debugfs directory. */
static int drm_fd = -1;
static char debugfs_dir[64];

/* ---- device --------------------------------------------------------- */

static int open_vttm(void)
{
	char name[16], path[64];
	struct drm_version v;
	int i, fd;

	for (i = 128; i < 192; i++) {
		snprintf(path, sizeof(path), "/dev/dri/renderD%d", i);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		memset(&v, 0, sizeof(v));
		memset(name, 0, sizeof(name));
		v.name = name;
		v.name_len = sizeof(name) - 1;
		if (!ioctl(fd, DRM_IOCTL_VERSION, &v) && !strcmp(name, "vttm")) {
			snprintf(debugfs_dir, sizeof(debugfs_dir),
				 "/sys/kernel/debug/dri/%d", i);
			return fd;
		}
		close(fd);
	}
	return -1;
}

/* Opens the vttm render node into drm_fd, or skips the subtest. */
static void require_vttm(void)
{
	drm_fd = open_vttm();
	if (drm_fd < 0)
		igt_skip("no vttm render node (load vttm.ko and bind a device)");
}

/* ---- debugfs ---------------------------------------------------------- */

/* Reads a whole debugfs file; the caller frees the result. */
static char *read_debugfs(const char *name)
{
	size_t len = 0, cap = 65536;
	char path[128], *buf;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", debugfs_dir, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	igt_assert_f(fd >= 0, "cannot open %s: %s", path, strerror(errno));
	buf = malloc(cap);
	igt_assert(buf);
	while ((n = read(fd, buf + len, cap - len - 1)) > 0) {
		len += n;
		if (cap - len < 4096) {
			cap *= 2;
			buf = realloc(buf, cap);
			igt_assert(buf);
		}
	}
	igt_assert_f(n == 0, "reading %s: %s", path, strerror(errno));
	close(fd);
	buf[len] = '\0';
	return buf;
}

struct usage {
	long long vram_used, vram_total, tt_used, tt_total, system_used;
	long long resident, backed_up, bos;
};

/* The line after @line, or NULL. */
static char *next_line(const char *line)
{
	const char *nl = strchr(line, '\n');

	return nl && nl[1] ? (char *)nl + 1 : NULL;
}

static long long usage_field(const char *text, const char *key)
{
	size_t klen = strlen(key);
	const char *line;

	for (line = text; line; line = next_line(line))
		if (!strncmp(line, key, klen) && line[klen] == ' ')
			return strtoll(line + klen + 1, NULL, 10);
	igt_fail("vttm_usage has no %s", key);
}

static struct usage read_usage(void)
{
	char *text = read_debugfs("vttm_usage");
	struct usage u = {
		.vram_used = usage_field(text, "vram_used_pages"),
		.vram_total = usage_field(text, "vram_total_pages"),
		.tt_used = usage_field(text, "tt_used_pages"),
		.tt_total = usage_field(text, "tt_total_pages"),
		.system_used = usage_field(text, "system_used_pages"),
		.resident = usage_field(text, "resident_pages"),
		.backed_up = usage_field(text, "backed_up_pages"),
		.bos = usage_field(text, "bos"),
	};

	free(text);
	return u;
}

/* Closes drm_fd, which frees its BOs, and checks usage is back to @base. */
static void close_and_check_usage(const struct usage *base)
{
	struct usage now;

	close(drm_fd);
	drm_fd = -1;
	now = read_usage();
	igt_assert_eq(now.bos, base->bos);
	igt_assert_eq(now.vram_used, base->vram_used);
	igt_assert_eq(now.tt_used, base->tt_used);
	igt_assert_eq(now.system_used, base->system_used);
	igt_assert_eq(now.resident, base->resident);
	igt_assert_eq(now.backed_up, base->backed_up);
}

/*
 * The vttm_bos section of BO @id: its "bo" line and the indented lines
 * after it. The caller frees the result.
 */
static char *bo_audit(u64 id)
{
	char *text = read_debugfs("vttm_bos"), *start, *end, *section;
	char head[32];
	size_t hlen;

	hlen = snprintf(head, sizeof(head), "bo %llu ", (unsigned long long)id);
	for (start = text; start; start = next_line(start))
		if (!strncmp(start, head, hlen))
			break;
	igt_assert_f(start, "BO %llu not in vttm_bos",
		     (unsigned long long)id);
	for (end = next_line(start); end && end[0] == ' '; end = next_line(end))
		;
	section = end ? strndup(start, end - start) : strdup(start);
	igt_assert(section);
	free(text);
	return section;
}

/* ---- ioctls ----------------------------------------------------------- */

/* Each returns 0 or the errno of the failed ioctl. */
static int __bo_create(u64 size, u32 domains, u32 preferred,
		       u32 flags, u32 *handle)
{
	struct drm_vttm_bo_create args = {
		.size = size, .domains = domains, .preferred = preferred,
		.flags = flags,
	};

	if (ioctl(drm_fd, DRM_IOCTL_VTTM_BO_CREATE, &args))
		return errno;
	*handle = args.handle;
	return 0;
}

static u32 bo_create(u64 size, u32 domains, u32 preferred)
{
	u32 handle = 0;

	igt_assert_eq(__bo_create(size, domains, preferred, 0, &handle), 0);
	return handle;
}

static int __bo_info(u32 handle, struct drm_vttm_bo_info *info)
{
	memset(info, 0, sizeof(*info));
	info->handle = handle;
	return ioctl(drm_fd, DRM_IOCTL_VTTM_BO_INFO, info) ? errno : 0;
}

static struct drm_vttm_bo_info bo_info(u32 handle)
{
	struct drm_vttm_bo_info info;

	igt_assert_eq(__bo_info(handle, &info), 0);
	return info;
}

static u32 bo_domain(u32 handle)
{
	return bo_info(handle).domain;
}

static int __bo_move(u32 handle, u32 domain, u32 flags)
{
	struct drm_vttm_bo_move args = {
		.handle = handle, .domain = domain, .flags = flags,
	};

	return ioctl(drm_fd, DRM_IOCTL_VTTM_BO_MOVE, &args) ? errno : 0;
}

static void bo_move(u32 handle, u32 domain)
{
	igt_assert_eq(__bo_move(handle, domain, 0), 0);
	igt_assert_eq(bo_domain(handle), domain);
}

static int __evict(u32 domain)
{
	struct drm_vttm_evict args = { .domain = domain };

	return ioctl(drm_fd, DRM_IOCTL_VTTM_EVICT, &args) ? errno : 0;
}

static int __gem_close(u32 handle)
{
	struct drm_gem_close args = { .handle = handle };

	return ioctl(drm_fd, DRM_IOCTL_GEM_CLOSE, &args) ? errno : 0;
}

static void gem_close(u32 handle)
{
	igt_assert_eq(__gem_close(handle), 0);
}

static u64 bo_mmap_offset(u32 handle)
{
	struct drm_vttm_bo_mmap_offset args = { .handle = handle };

	igt_assert_ok(ioctl(drm_fd, DRM_IOCTL_VTTM_BO_MMAP_OFFSET, &args));
	return args.offset;
}

static u32 *bo_mmap(u32 handle, u64 size)
{
	void *ptr = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED,
			 drm_fd, bo_mmap_offset(handle));

	igt_assert_f(ptr != MAP_FAILED, "mmap: %s", strerror(errno));
	return ptr;
}

/* ---- data ------------------------------------------------------------- */

static u32 pattern(u32 seed, size_t i)
{
	return seed ^ (u32)(i * 2654435761u);
}

static void fill(u32 *map, u64 size, u32 seed)
{
	size_t i;

	for (i = 0; i < size / 4; i++)
		map[i] = pattern(seed, i);
}

/* Fails unless @map holds fill(@seed), or zeros for @seed 0. */
static void check(const u32 *map, u64 size, u32 seed,
		  const char *what)
{
	size_t i;

	for (i = 0; i < size / 4; i++) {
		u32 want = seed ? pattern(seed, i) : 0;

		if (map[i] != want)
			igt_fail("%s: word %zu is %#x, expected %#x", what, i,
				 map[i], want);
	}
}

/* Checks @handle's data through @map and through a fresh mapping. */
static void check_both(u32 handle, const u32 *map, u64 size,
		       u32 seed, const char *what)
{
	u32 *fresh;

	check(map, size, seed, what);
	fresh = bo_mmap(handle, size);
	check(fresh, size, seed, what);
	munmap(fresh, size);
}

static bool have_swap(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	long long kb = 0;
	char line[128];

	igt_assert(f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "SwapFree: %lld kB", &kb) == 1)
			break;
	fclose(f);
	return kb > 0;
}

static const char *domain_name(u32 domain)
{
	return domain == VRAM ? "VRAM" : domain == TT ? "TT" :
	       domain == SYS ? "SYSTEM" : "?";
}

/* ---- subtests --------------------------------------------------------- */

/* CREATE in each domain, INFO, MMAP_OFFSET and GEM_CLOSE. */
static void test_create_info(void)
{
	static const u32 domains[] = { VRAM, TT, SYS };
	u64 last_id = 0;
	struct usage base;
	unsigned int i;

	require_vttm();
	base = read_usage();

	for (i = 0; i < ARRAY_SIZE(domains); i++) {
		struct drm_vttm_bo_info info;
		u32 handle, *map;

		handle = bo_create(5 * PAGE + 1, ALL, domains[i]);
		info = bo_info(handle);
		igt_assert_eq(info.domain, domains[i]);
		igt_assert_eq(info.size, 6 * PAGE);
		igt_assert(info.id > last_id);
		last_id = info.id;
		igt_assert_eq(info.pad, 0);

		switch (domains[i]) {
		case VRAM:
			igt_assert_eq(info.backing_size, 6 * PAGE);
			igt_assert_eq(info.vram_offset % PAGE, 0);
			igt_assert(info.flags & VTTM_INFO_CONTIGUOUS);
			break;
		case TT:
			/* Bound to the aperture means populated. */
			igt_assert_eq(info.backing_size, 6 * PAGE);
			igt_assert_eq(info.vram_offset, 0);
			break;
		case SYS:
			/* Pages come on first use. */
			igt_assert_eq(info.backing_size, 0);
			igt_assert_eq(info.flags & VTTM_INFO_CONTIGUOUS, 0);
			break;
		}
		igt_assert_eq(info.flags & VTTM_INFO_SWAPPED, 0);

		/* A new BO reads as zero, wherever it is. */
		map = bo_mmap(handle, info.size);
		check(map, info.size, 0, domain_name(domains[i]));
		fill(map, info.size, 0x5eed0000 + i);
		check_both(handle, map, info.size, 0x5eed0000 + i,
			   domain_name(domains[i]));
		munmap(map, info.size);

		igt_assert_eq(bo_info(handle).backing_size, 6 * PAGE);
		gem_close(handle);
	}

	close_and_check_usage(&base);
}

/* VRAM once used by another BO reads as zero in a new BO. */
static void test_vram_cleared(void)
{
	const u64 size = 64 * PAGE;
	u32 handle, *map;
	struct usage base;
	int round;

	require_vttm();
	base = read_usage();

	for (round = 0; round < 3; round++) {
		handle = bo_create(size, VRAM, VRAM);
		map = bo_mmap(handle, size);
		check(map, size, 0, "new VRAM BO");
		fill(map, size, 0xdead0000 + round);
		munmap(map, size);
		gem_close(handle);
	}

	close_and_check_usage(&base);
}

static void test_bad_create(void)
{
	struct usage base;
	u32 handle = 0;

	require_vttm();
	base = read_usage();

	igt_assert_eq(__bo_create(0, ALL, VRAM, 0, &handle), EINVAL);
	igt_assert_eq(__bo_create(PAGE, 0, VRAM, 0, &handle), EINVAL);
	igt_assert_eq(__bo_create(PAGE, ALL | (1 << 3), VRAM, 0, &handle),
		      EINVAL);
	igt_assert_eq(__bo_create(PAGE, ALL, 0, 0, &handle), EINVAL);
	igt_assert_eq(__bo_create(PAGE, ALL, VRAM | TT, 0, &handle), EINVAL);
	igt_assert_eq(__bo_create(PAGE, TT | SYS, VRAM, 0, &handle), EINVAL);
	igt_assert_eq(__bo_create(PAGE, ALL, VRAM, 1 << 1, &handle), EINVAL);
	igt_assert_eq(__bo_create(PAGE, ALL, VRAM, 1u << 31, &handle), EINVAL);

	igt_assert_eq(__bo_create((base.vram_total + 1) * PAGE, ALL, VRAM, 0,
				  &handle), E2BIG);
	igt_assert_eq(__bo_create((base.tt_total + 1) * PAGE, ALL, TT, 0,
				  &handle), E2BIG);
	igt_assert_eq(__bo_create(~0ull, SYS, SYS, 0, &handle), E2BIG);
	igt_assert_eq(__bo_create(~0ull - PAGE, SYS, SYS, 0, &handle),
		      E2BIG);

	/* Valid flags still work. */
	igt_assert_eq(__bo_create(PAGE, ALL, VRAM, VTTM_BO_CONTIGUOUS,
				  &handle), 0);
	gem_close(handle);

	close_and_check_usage(&base);
}

/* Stale handles, double close, non-zero padding. */
static void test_bad_handle(void)
{
	struct drm_vttm_bo_mmap_offset mo = { 0 };
	struct drm_vttm_bo_info info;
	struct usage base;
	u32 handle;

	require_vttm();
	base = read_usage();

	handle = bo_create(PAGE, ALL, TT);
	gem_close(handle);

	igt_assert_eq(__gem_close(handle), EINVAL);
	igt_assert_eq(__bo_info(handle, &info), ENOENT);
	igt_assert_eq(__bo_move(handle, VRAM, 0), ENOENT);
	mo.handle = handle;
	igt_assert_errno(ioctl(drm_fd, DRM_IOCTL_VTTM_BO_MMAP_OFFSET, &mo),
			 ENOENT);

	/* Padding is checked before the handle. */
	handle = bo_create(PAGE, ALL, TT);
	mo.handle = handle;
	mo.pad = 1;
	igt_assert_errno(ioctl(drm_fd, DRM_IOCTL_VTTM_BO_MMAP_OFFSET, &mo),
			 EINVAL);
	memset(&info, 0, sizeof(info));
	info.handle = handle;
	info.pad = 1;
	igt_assert_errno(ioctl(drm_fd, DRM_IOCTL_VTTM_BO_INFO, &info), EINVAL);
	gem_close(handle);

	close_and_check_usage(&base);
}

static void test_bad_move(void)
{
	struct drm_vttm_bo_move move = { 0 };
	struct drm_vttm_evict evict = { .domain = TT, .pad = 1 };
	struct usage base;
	u32 handle, big;

	require_vttm();
	base = read_usage();

	handle = bo_create(PAGE, VRAM | TT, TT);
	igt_assert_eq(__bo_move(handle, SYS, 0), EINVAL);	/* not allowed */
	igt_assert_eq(__bo_move(handle, 0, 0), EINVAL);
	igt_assert_eq(__bo_move(handle, VRAM | TT, 0), EINVAL);
	igt_assert_eq(__bo_move(handle, 1 << 3, 0), EINVAL);
	igt_assert_eq(__bo_move(handle, VRAM, 1 << 1), EINVAL);
	igt_assert_eq(__bo_move(handle, TT, VTTM_MOVE_SWAPOUT), EINVAL);
	igt_assert_eq(__bo_move(handle, VRAM, VTTM_MOVE_SWAPOUT), EINVAL);
	move.handle = handle;
	move.domain = VRAM;
	move.pad = 1;
	igt_assert_errno(ioctl(drm_fd, DRM_IOCTL_VTTM_BO_MOVE, &move), EINVAL);
	/* Nothing moved. */
	igt_assert_eq(bo_domain(handle), TT);

	/* A BO larger than VRAM may not be moved there. */
	big = bo_create((base.vram_total + 1) * PAGE, ALL, SYS);
	igt_assert_eq(__bo_move(big, VRAM, 0), E2BIG);
	igt_assert_eq(bo_domain(big), SYS);

	igt_assert_eq(__evict(0), EINVAL);
	igt_assert_eq(__evict(VRAM | TT), EINVAL);
	igt_assert_eq(__evict(1 << 3), EINVAL);
	igt_assert_errno(ioctl(drm_fd, DRM_IOCTL_VTTM_EVICT, &evict), EINVAL);

	gem_close(big);
	gem_close(handle);
	close_and_check_usage(&base);
}

static void test_bad_mmap(void)
{
	const u64 size = 4 * PAGE;
	u32 handle, other;
	u64 offset;
	struct usage base;
	void *ptr, *keep;

	require_vttm();
	base = read_usage();

	handle = bo_create(size, ALL, TT);
	offset = bo_mmap_offset(handle);

	/* Longer than the BO. */
	ptr = mmap(NULL, size + PAGE, PROT_READ, MAP_SHARED, drm_fd, offset);
	igt_assert_f(ptr == MAP_FAILED && errno == EINVAL,
		     "mmap beyond the BO: %p, %s", ptr, strerror(errno));
	/* Not the start of the BO. */
	ptr = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, drm_fd, offset + PAGE);
	igt_assert_f(ptr == MAP_FAILED && errno == EINVAL,
		     "mmap inside the BO: %p, %s", ptr, strerror(errno));
	/* Copy-on-write mappings of a BO make no sense. */
	ptr = mmap(NULL, size, PROT_READ, MAP_PRIVATE, drm_fd, offset);
	igt_assert_f(ptr == MAP_FAILED && errno == EINVAL,
		     "MAP_PRIVATE: %p, %s", ptr, strerror(errno));

	/* Closed and kept alive by a mapping: this file may not map it. */
	keep = bo_mmap(handle, size);
	gem_close(handle);
	ptr = mmap(NULL, size, PROT_READ, MAP_SHARED, drm_fd, offset);
	igt_assert_f(ptr == MAP_FAILED && errno == EACCES,
		     "closed but mapped BO: %p, %s", ptr, strerror(errno));
	munmap(keep, size);

	/* Closed and freed: the offset is gone. */
	other = bo_create(PAGE, ALL, TT);
	offset = bo_mmap_offset(other);
	gem_close(other);
	ptr = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, drm_fd, offset);
	igt_assert_f(ptr == MAP_FAILED && errno == EINVAL,
		     "freed BO: %p, %s", ptr, strerror(errno));

	close_and_check_usage(&base);
}

/* Data written through a mapping survives every kind of move. */
static void test_move_data(void)
{
	static const u32 path[] = { TT, SYS, VRAM, SYS, TT, VRAM, TT, TT };
	const u64 size = 32 * PAGE;
	u32 handle, *map, seed = 0x1000;
	struct usage base;
	unsigned int i;
	char what[64];

	require_vttm();
	base = read_usage();

	handle = bo_create(size, ALL, VRAM);
	map = bo_mmap(handle, size);
	fill(map, size, seed);

	for (i = 0; i < ARRAY_SIZE(path); i++) {
		u32 from = bo_domain(handle);

		bo_move(handle, path[i]);
		snprintf(what, sizeof(what), "after %s -> %s",
			 domain_name(from), domain_name(path[i]));
		check_both(handle, map, size, seed, what);
		/* Write in the new place too: the next move must carry it. */
		fill(map, size, ++seed);
	}

	munmap(map, size);
	gem_close(handle);
	close_and_check_usage(&base);
}

/* A SYSTEM BO never touched has no data; moving it yields zeros. */
static void test_move_untouched(void)
{
	static const u32 targets[] = { VRAM, TT };
	const u64 size = 8 * PAGE;
	struct usage base;
	unsigned int i;

	require_vttm();
	base = read_usage();

	for (i = 0; i < ARRAY_SIZE(targets); i++) {
		u32 handle = bo_create(size, ALL, SYS), *map;

		igt_assert_eq(bo_info(handle).backing_size, 0);
		bo_move(handle, targets[i]);
		map = bo_mmap(handle, size);
		check(map, size, 0, domain_name(targets[i]));
		munmap(map, size);
		gem_close(handle);
	}

	close_and_check_usage(&base);
}

/*
 * VRAM full of four BOs: a fifth evicts the least recently used one. Moves
 * (even to the current domain) count as use; INFO and CPU faults do not.
 */
static void test_evict_lru(void)
{
	static const int order[] = { 2, 0, 3, 1 };
	u32 bo[6], *map[4];
	u64 quarter;
	struct usage base;
	int i;

	require_vttm();
	base = read_usage();
	igt_require(base.vram_used == 0);
	igt_require(base.vram_total >= 4 && base.tt_total >= base.vram_total);
	quarter = base.vram_total / 4 * PAGE;

	for (i = 0; i < 4; i++) {
		bo[i] = bo_create(quarter, VRAM | TT, VRAM);
		igt_assert_eq(bo_domain(bo[i]), VRAM);
		map[i] = bo_mmap(bo[i], quarter);
		fill(map[i], quarter, 0x1a0 + i);
	}
	for (i = 0; i < 4; i++)
		bo_move(bo[order[i]], VRAM);
	/* Neither of these makes BO 2 recently used. */
	check(map[2], quarter, 0x1a2, "BO 2 before eviction");
	bo_info(bo[2]);

	bo[4] = bo_create(quarter, VRAM | TT, VRAM);
	igt_assert_eq(bo_domain(bo[4]), VRAM);
	igt_assert_eq(bo_domain(bo[2]), TT);
	igt_assert_eq(bo_domain(bo[0]), VRAM);
	igt_assert_eq(bo_domain(bo[1]), VRAM);
	igt_assert_eq(bo_domain(bo[3]), VRAM);

	bo[5] = bo_create(quarter, VRAM | TT, VRAM);
	igt_assert_eq(bo_domain(bo[5]), VRAM);
	igt_assert_eq(bo_domain(bo[0]), TT);
	igt_assert_eq(bo_domain(bo[3]), VRAM);
	igt_assert_eq(bo_domain(bo[1]), VRAM);

	/* Moving BO 2 back evicts the next in line, BO 3. */
	bo_move(bo[2], VRAM);
	igt_assert_eq(bo_domain(bo[3]), TT);
	igt_assert_eq(bo_domain(bo[1]), VRAM);

	for (i = 0; i < 4; i++) {
		check(map[i], quarter, 0x1a0 + i, "evicted or not");
		munmap(map[i], quarter);
	}
	for (i = 0; i < ARRAY_SIZE(bo); i++)
		gem_close(bo[i]);
	close_and_check_usage(&base);
}

/* EVICT empties VRAM into TT and TT into SYSTEM, keeping the data. */
static void test_evict_domain(void)
{
	const u64 size = 16 * PAGE;
	u32 bo[3], *map[3];
	struct usage base, u;
	int i;

	require_vttm();
	base = read_usage();

	for (i = 0; i < ARRAY_SIZE(bo); i++) {
		bo[i] = bo_create(size, ALL, i == 2 ? TT : VRAM);
		map[i] = bo_mmap(bo[i], size);
		fill(map[i], size, 0xe0 + i);
	}

	igt_assert_eq(__evict(VRAM), 0);
	u = read_usage();
	igt_assert_eq(u.vram_used, 0);
	for (i = 0; i < ARRAY_SIZE(bo); i++)
		igt_assert_eq(bo_domain(bo[i]), TT);

	igt_assert_eq(__evict(TT), 0);
	u = read_usage();
	igt_assert_eq(u.tt_used, 0);
	for (i = 0; i < ARRAY_SIZE(bo); i++) {
		igt_assert_eq(bo_domain(bo[i]), SYS);
		check_both(bo[i], map[i], size, 0xe0 + i, "after EVICT");
	}

	/* Nothing to evict is not an error. */
	igt_assert_eq(__evict(VRAM), 0);

	for (i = 0; i < ARRAY_SIZE(bo); i++) {
		munmap(map[i], size);
		gem_close(bo[i]);
	}
	close_and_check_usage(&base);
}

/* Without swap space, TTM does not back up: vttm says ENOSPC. */
static void test_swapout_needs_swap(void)
{
	struct usage base;
	u32 handle;

	require_vttm();
	igt_require(!have_swap());
	base = read_usage();

	handle = bo_create(4 * PAGE, ALL, TT);
	igt_assert_eq(__bo_move(handle, SYS, VTTM_MOVE_SWAPOUT), ENOSPC);
	/* The move itself happened. */
	igt_assert_eq(bo_domain(handle), SYS);
	igt_assert_eq(__evict(SYS), ENOSPC);
	gem_close(handle);

	close_and_check_usage(&base);
}

static void swap_out(u32 handle)
{
	struct drm_vttm_bo_info info;

	igt_assert_eq(__bo_move(handle, SYS, VTTM_MOVE_SWAPOUT), 0);
	info = bo_info(handle);
	igt_assert_eq(info.domain, SYS);
	igt_assert(info.flags & VTTM_INFO_SWAPPED);
	igt_assert_eq(info.backing_size, 0);
}

/* Data survives a forced swapout, and comes back on a fault or a move. */
static void test_swapout(void)
{
	static const u32 from[] = { TT, VRAM, SYS };
	static const u32 back[] = { VRAM, TT, SYS };
	const u64 size = 64 * PAGE;
	struct usage base, u;
	unsigned int i;

	require_vttm();
	igt_require(have_swap());
	base = read_usage();

	for (i = 0; i < ARRAY_SIZE(from); i++) {
		u32 handle = bo_create(size, ALL, from[i]), *map;

		map = bo_mmap(handle, size);
		fill(map, size, 0x5a0 + i);
		swap_out(handle);
		u = read_usage();
		igt_assert_eq(u.backed_up, base.backed_up + size / PAGE);

		/* Swapping out what is swapped out is a no-op. */
		swap_out(handle);
		/* So is moving it to SYSTEM. */
		bo_move(handle, SYS);
		igt_assert(bo_info(handle).flags & VTTM_INFO_SWAPPED);

		if (back[i] == SYS) {
			/* Swapped in by the fault. */
			check(map, size, 0x5a0 + i, "faulted back in");
		} else {
			bo_move(handle, back[i]);
			check_both(handle, map, size, 0x5a0 + i,
				   "moved back in");
		}
		igt_assert_eq(bo_info(handle).flags & VTTM_INFO_SWAPPED, 0);
		u = read_usage();
		igt_assert_eq(u.backed_up, base.backed_up);

		/* A swapped-out BO may also just be closed. */
		swap_out(handle);
		munmap(map, size);
		gem_close(handle);
	}

	close_and_check_usage(&base);
}

/* EVICT of SYSTEM backs up every resident SYSTEM BO. */
static void test_evict_system(void)
{
	const u64 size = 16 * PAGE;
	u32 bo[2], *map[2];
	struct usage base;
	int i;

	require_vttm();
	igt_require(have_swap());
	base = read_usage();

	for (i = 0; i < ARRAY_SIZE(bo); i++) {
		bo[i] = bo_create(size, ALL, SYS);
		map[i] = bo_mmap(bo[i], size);
		fill(map[i], size, 0xe5 + i);
	}
	igt_assert_eq(__evict(SYS), 0);
	for (i = 0; i < ARRAY_SIZE(bo); i++) {
		igt_assert(bo_info(bo[i]).flags & VTTM_INFO_SWAPPED);
		check(map[i], size, 0xe5 + i, "after EVICT of SYSTEM");
		munmap(map[i], size);
		gem_close(bo[i]);
	}
	close_and_check_usage(&base);
}

/* Reclaim (here: drop_caches) backs BOs up through vttm's shrinker. */
static void test_shrinker(void)
{
	const u64 size = 256 * PAGE;
	u32 handle, *map;
	struct usage base;
	int fd;

	require_vttm();
	igt_require(have_swap());
	base = read_usage();

	handle = bo_create(size, ALL, TT);
	map = bo_mmap(handle, size);
	fill(map, size, 0x5421);

	fd = open("/proc/sys/vm/drop_caches", O_WRONLY | O_CLOEXEC);
	igt_require(fd >= 0);
	igt_assert_eq(write(fd, "2\n", 2), 2);
	close(fd);

	igt_assert(bo_info(handle).flags & VTTM_INFO_SWAPPED);
	igt_assert_eq(bo_domain(handle), SYS);
	check(map, size, 0x5421, "after the shrinker");

	munmap(map, size);
	gem_close(handle);
	close_and_check_usage(&base);
}

/* Every page run of a TT/SYSTEM audit: plain pages, ref 0 or 1. */
static void check_audit_pages(const char *audit, u64 size)
{
	const char *line = audit;
	u64 pages = 0;

	while ((line = strstr(line, "\n  pages "))) {
		unsigned long first, last, pfn0, pfn1;
		char kind[16];
		int ref;

		line += 1;
		igt_assert_f(sscanf(line, "  pages %lu-%lu pfn %lx-%lx ref %d kind %15s",
				    &first, &last, &pfn0, &pfn1, &ref, kind) == 6,
			     "bad audit line: %.80s", line);
		igt_assert_eq(pfn1 - pfn0, last - first);
		/* TTM allocates without __GFP_COMP: only heads hold a ref. */
		igt_assert_f(!strcmp(kind, "single"), "kind %s", kind);
		igt_assert_f(ref == 0 || ref == 1, "page ref %d", ref);
		pages += last - first + 1;
	}
	igt_assert_eq(pages, size / PAGE);
}

/* Mapping and faulting a BO takes no page references. */
static void test_page_audit(void)
{
	const u64 size = 64 * PAGE;
	char *before, *after, vram_line[96];
	unsigned long pfn0, pfn1;
	u32 handle, *map;
	u64 id;
	struct usage base;

	require_vttm();
	base = read_usage();

	/* TT: pages from the pool. */
	handle = bo_create(size, ALL, TT);
	id = bo_info(handle).id;
	before = bo_audit(id);
	check_audit_pages(before, size);
	map = bo_mmap(handle, size);
	fill(map, size, 0xa0d17);
	after = bo_audit(id);
	igt_assert_f(!strcmp(before, after),
		     "faults changed the audit:\n%s---\n%s", before, after);
	munmap(map, size);
	free(after);
	after = bo_audit(id);
	igt_assert_f(!strcmp(before, after),
		     "munmap changed the audit:\n%s---\n%s", before, after);
	free(before);
	free(after);

	/* VRAM: page frames without struct pages. */
	bo_move(handle, VRAM);
	map = bo_mmap(handle, size);
	check(map, size, 0xa0d17, "VRAM");
	before = bo_audit(id);
	igt_assert(sscanf(strchr(before, '\n') + 1,
			  "  vram pfn %lx-%lx struct_page %95s",
			  &pfn0, &pfn1, vram_line) == 3);
	igt_assert_eq(pfn1 - pfn0 + 1, size / PAGE);
	igt_assert_f(!strcmp(vram_line, "no"), "struct_page %s", vram_line);
	munmap(map, size);
	free(before);

	gem_close(handle);
	close_and_check_usage(&base);
}

static const struct igt_subtest tests[] = {
	{ "create-info", test_create_info },
	{ "vram-cleared", test_vram_cleared },
	{ "bad-create", test_bad_create },
	{ "bad-handle", test_bad_handle },
	{ "bad-move", test_bad_move },
	{ "bad-mmap", test_bad_mmap },
	{ "move-data", test_move_data },
	{ "move-untouched", test_move_untouched },
	{ "evict-lru", test_evict_lru },
	{ "evict-domain", test_evict_domain },
	{ "swapout-needs-swap", test_swapout_needs_swap },
	{ "swapout", test_swapout },
	{ "evict-system", test_evict_system },
	{ "shrinker", test_shrinker },
	{ "page-audit", test_page_audit },
};

IGT_MAIN(tests)
