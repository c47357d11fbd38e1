// SPDX-License-Identifier: GPL-2.0-only
/**
 * TEST: virtgpu_blob
 * Description: virtio-gpu blob resources mapped into user space and into a
 *   KVM guest, on a real (emulated) device: QEMU's virtio-gpu-gl-pci with
 *   blob=true and a hostmem region, virgl on the host. Runs in make check's
 *   virtgpu suite (QEMU 11 from the VMM root); skips without such a device.
 *
 * Host-visible blobs (VIRTGPU_BLOB_MEM_HOST3D, USE_MAPPABLE) are memory of
 * the host's GPU driver that the device maps into its hostmem BAR; the
 * guest kernel maps them to user space with pure VM_PFNMAP. Guest blobs
 * (VIRTGPU_BLOB_MEM_GUEST) are guest shmem pages the host may also see.
 *
 * A HOST3D blob needs a host resource to back it: the virgl command
 * PIPE_RESOURCE_CREATE with the blob's id, sent with the create ioctl, asks
 * virglrenderer for a persistently mapped GL buffer.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/types.h>
#include <drm/drm.h>
#include <drm/virtgpu_drm.h>

#include "kvm_util.h"
#include "ucall_common.h"

#include "lib/drm_util.h"
#include "lib/hostmem.h"
#include "lib/igt_proto.h"
#include "lib/procfs.h"

#define PAGE		4096ull
#define SZ_64K		(64ull << 10)
#define SZ_2M		(2ull << 20)
#define SZ_4M		(4ull << 20)

/* virglrenderer's src/virgl_protocol.h */
#define VIRGL_CCMD_PIPE_RESOURCE_CREATE	48
#define VIRGL_PIPE_RES_CREATE_SIZE	11
#define PIPE_BUFFER			0
#define VIRGL_FORMAT_R8_UNORM		64
#define VIRGL_BIND_VERTEX_BUFFER	(1 << 4)
#define VIRGL_RESOURCE_FLAG_MAP_PERSISTENT	(1 << 1)
#define VIRGL_RESOURCE_FLAG_MAP_COHERENT	(1 << 2)

static int open_virtgpu(void)
{
	glob_t g;
	size_t i;
	int fd;

	if (glob("/dev/dri/card*", 0, NULL, &g))
		igt_skip("no DRM device");
	for (i = 0; i < g.gl_pathc; i++) {
		fd = open(g.gl_pathv[i], O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (drm_is_driver(fd, "virtio_gpu")) {
			globfree(&g);
			return fd;
		}
		close(fd);
	}
	globfree(&g);
	igt_skip("no virtio_gpu device");
}

static u64 getparam(int fd, u64 param)
{
	u64 value = 0;
	struct drm_virtgpu_getparam gp = {
		.param = param,
		.value = (uintptr_t)&value,
	};

	if (ioctl(fd, DRM_IOCTL_VIRTGPU_GETPARAM, &gp))
		return 0;
	return value;
}

static void require_guest_blobs(int fd)
{
	igt_require(getparam(fd, VIRTGPU_PARAM_RESOURCE_BLOB));
}

static void require_host_blobs(int fd)
{
	require_guest_blobs(fd);
	igt_require(getparam(fd, VIRTGPU_PARAM_3D_FEATURES));
	igt_require(getparam(fd, VIRTGPU_PARAM_HOST_VISIBLE));
}

static int __create_blob(int fd, struct drm_virtgpu_resource_create_blob *c)
{
	return ioctl(fd, DRM_IOCTL_VIRTGPU_RESOURCE_CREATE_BLOB, c) ? -errno : 0;
}

static u32 guest_blob(int fd, u64 size)
{
	struct drm_virtgpu_resource_create_blob c = {
		.blob_mem = VIRTGPU_BLOB_MEM_GUEST,
		.blob_flags = VIRTGPU_BLOB_FLAG_USE_MAPPABLE,
		.size = size,
	};
	int err = __create_blob(fd, &c);

	igt_assert_f(!err, "guest blob of %llu bytes: %s",
		     (unsigned long long)size, igt_errname(err));
	return c.bo_handle;
}

/* A host-visible blob of @size bytes backed by a virgl buffer. */
static int __host_blob(int fd, u64 size, u32 blob_flags, u32 *handle)
{
	static u32 next_blob_id = 1;
	u32 blob_id = next_blob_id++;
	u32 cmd[1 + VIRGL_PIPE_RES_CREATE_SIZE] = {
		VIRGL_PIPE_RES_CREATE_SIZE << 16 | VIRGL_CCMD_PIPE_RESOURCE_CREATE,
		PIPE_BUFFER,
		VIRGL_FORMAT_R8_UNORM,
		VIRGL_BIND_VERTEX_BUFFER,
		size,			/* width */
		1, 1, 1,		/* height, depth, array size */
		0, 0,			/* last level, samples */
		VIRGL_RESOURCE_FLAG_MAP_PERSISTENT |
		VIRGL_RESOURCE_FLAG_MAP_COHERENT,
		blob_id,
	};
	struct drm_virtgpu_resource_create_blob c = {
		.blob_mem = VIRTGPU_BLOB_MEM_HOST3D,
		.blob_flags = blob_flags,
		.size = size,
		.cmd = (uintptr_t)cmd,
		.cmd_size = sizeof(cmd),
		.blob_id = blob_id,
	};
	int err = __create_blob(fd, &c);

	*handle = c.bo_handle;
	return err;
}

static u32 host_blob(int fd, u64 size)
{
	u32 handle;
	int err = __host_blob(fd, size, VIRTGPU_BLOB_FLAG_USE_MAPPABLE, &handle);

	igt_assert_f(!err, "host blob of %llu bytes: %s",
		     (unsigned long long)size, igt_errname(err));
	return handle;
}

static int __map_offset(int fd, u32 handle, u64 *offset)
{
	struct drm_virtgpu_map m = { .handle = handle };

	if (ioctl(fd, DRM_IOCTL_VIRTGPU_MAP, &m))
		return -errno;
	*offset = m.offset;
	return 0;
}

static u64 map_offset(int fd, u32 handle)
{
	u64 offset = 0;
	int err = __map_offset(fd, handle, &offset);

	igt_assert_f(!err, "VIRTGPU_MAP of handle %u: %s", handle,
		     igt_errname(err));
	return offset;
}

/*
 * mmap() of the first @len bytes of the blob; MAP_FAILED and errno. GEM
 * maps objects from their start only (drm_gem_mmap() looks the offset up
 * exactly).
 */
static void *__map_blob(int fd, u32 handle, u64 len, int flags)
{
	return mmap(NULL, len, PROT_READ | PROT_WRITE, flags, fd,
		    map_offset(fd, handle));
}

static void *map_blob(int fd, u32 handle, u64 len)
{
	void *p = __map_blob(fd, handle, len, MAP_SHARED);

	igt_assert_f(p != MAP_FAILED, "mmap of %llu bytes: %s",
		     (unsigned long long)len, igt_errname(errno));
	return p;
}

static void gem_close(int fd, u32 handle)
{
	struct drm_gem_close c = { .handle = handle };

	igt_assert_ok(ioctl(fd, DRM_IOCTL_GEM_CLOSE, &c));
}

static u64 pattern(u64 seed, u64 off)
{
	return (seed << 40) ^ off ^ 0x5a5a5a5a00000000ull;
}

static void fill(void *map, u64 len, u64 seed)
{
	u64 off;

	for (off = 0; off < len; off += 8)
		*(volatile u64 *)((char *)map + off) = pattern(seed, off);
}

/* Checks the pattern of @seed; @base is the offset of @map in the blob. */
static void check(const void *map, u64 base, u64 len, u64 seed,
		  const char *what)
{
	u64 off, bad = 0, first = 0, val = 0;

	for (off = 0; off < len; off += 8) {
		u64 v = *(const volatile u64 *)((const char *)map + off);

		if (v != pattern(seed, base + off)) {
			if (!bad) {
				first = off;
				val = v;
			}
			bad++;
		}
	}
	igt_assert_f(!bad,
		     "%s: %llu of %llu words wrong, first at offset %#llx: %#llx, expected %#llx",
		     what, (unsigned long long)bad,
		     (unsigned long long)(len / 8),
		     (unsigned long long)(base + first),
		     (unsigned long long)val,
		     (unsigned long long)pattern(seed, base + first));
}

/* Every blob mapping is VM_PFNMAP, never VM_MIXEDMAP; VM_IO if @io. */
static void expect_flags(const void *map, bool io, const char *what)
{
	char flags[256];

	vma_flags(map, flags, sizeof(flags));
	igt_assert_f(has_flag(flags, VMFLAG_PFNMAP) &&
		     has_flag(flags, VMFLAG_IO) == io &&
		     !has_flag(flags, VMFLAG_MIXEDMAP),
		     "%s: VmFlags%s: expected pf, %s, no mm", what, flags,
		     io ? "io" : "no io");
}

/**
 * SUBTEST: guest-blob
 * Description: A guest blob is guest shmem, mapped by the shmem helpers
 *   with pfns of normal pages (VM_PFNMAP without VM_IO); data is kept
 *   across mappings and after its handle is closed while mapped.
 */
static void test_guest_blob(void)
{
	int fd = open_virtgpu();
	u32 handle;
	void *map;

	require_guest_blobs(fd);
	handle = guest_blob(fd, SZ_64K);
	map = map_blob(fd, handle, SZ_64K);
	expect_flags(map, false, "guest blob");
	fill(map, SZ_64K, 1);
	igt_assert_eq(munmap(map, SZ_64K), 0);

	map = map_blob(fd, handle, SZ_64K);
	check(map, 0, SZ_64K, 1, "guest blob, mapped again");
	gem_close(fd, handle);
	check(map, 0, SZ_64K, 1, "guest blob after its handle was closed");
	fill(map, SZ_64K, 2);
	igt_assert_eq(munmap(map, SZ_64K), 0);
	close(fd);
}

/**
 * SUBTEST: host-blob-flags
 * Description: A host-visible blob mapping is VM_PFNMAP | VM_IO and never VM_MIXEDMAP.
 */
static void test_host_blob_flags(void)
{
	int fd = open_virtgpu();
	u32 small, large;
	void *map;

	require_host_blobs(fd);
	small = host_blob(fd, SZ_64K);
	large = host_blob(fd, SZ_4M);

	map = map_blob(fd, small, SZ_64K);
	expect_flags(map, true, "64 KiB host blob");
	igt_assert_eq(munmap(map, SZ_64K), 0);
	map = map_blob(fd, large, SZ_4M);
	expect_flags(map, true, "4 MiB host blob");
	touch_faults(map, SZ_4M);
	expect_flags(map, true, "4 MiB host blob, after faults");
	igt_assert_eq(munmap(map, SZ_4M), 0);

	gem_close(fd, small);
	gem_close(fd, large);
	close(fd);
}

/**
 * SUBTEST: host-blob-data
 * Description: Host-visible blob data lives in host memory: two
 *   mappings see each other's writes, and data outlives a mapping and,
 *   while mapped, the GEM handle (the mapping keeps the blob, and the host
 *   keeps it mapped).
 */
static void test_host_blob_data(void)
{
	const u64 size = SZ_4M;
	int fd = open_virtgpu();
	void *a, *b;
	u32 handle;

	require_host_blobs(fd);
	handle = host_blob(fd, size);
	a = map_blob(fd, handle, size);
	b = map_blob(fd, handle, size);

	fill(a, size, 3);
	check(b, 0, size, 3, "second mapping, after writes through the first");
	igt_assert_eq(munmap(a, size), 0);

	a = map_blob(fd, handle, size);
	check(a, 0, size, 3, "after munmap and a new mmap");
	igt_assert_eq(munmap(a, size), 0);

	gem_close(fd, handle);
	check(b, 0, size, 3, "after the handle was closed");
	fill(b, size, 4);
	check(b, 0, size, 4, "writes after the handle was closed");
	igt_assert_eq(munmap(b, size), 0);

	/* Closing the device file while a mapping exists is fine too. */
	handle = host_blob(fd, SZ_64K);
	a = map_blob(fd, handle, SZ_64K);
	close(fd);
	fill(a, SZ_64K, 5);
	check(a, 0, SZ_64K, 5, "after the device file was closed");
	igt_assert_eq(munmap(a, SZ_64K), 0);
}

/*
 * A 2 MiB-aligned address in a free range of @len + 2 MiB; plus @skew bytes.
 * The caller maps there with MAP_FIXED.
 */
static void *free_address(u64 len, u64 skew)
{
	void *p = mmap(NULL, len + SZ_2M, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	uintptr_t a;

	igt_assert(p != MAP_FAILED);
	igt_assert_eq(munmap(p, len + SZ_2M), 0);
	a = ((uintptr_t)p + SZ_2M - 1) & ~(uintptr_t)(SZ_2M - 1);
	return (void *)(a + skew);
}

/**
 * SUBTEST: host-blob-faults
 * Description: Faults map host-visible blobs: one fault per 2 MiB window
 *   of the mapping where the blob and the mapping are both 2 MiB-aligned
 *   (a PMD), and elsewhere PTEs for the faulting page and the 15 after it,
 *   never past the window's end. 4 MiB blobs are placed
 *   2 MiB-aligned in the hostmem region and mapped at a 2 MiB-aligned
 *   address.
 */
static void test_host_blob_faults(void)
{
	int fd = open_virtgpu();
	u32 small, large;
	void *map, *at;
	long faults, windows;

	require_host_blobs(fd);
	large = host_blob(fd, SZ_4M);
	small = host_blob(fd, SZ_64K);

	map = map_blob(fd, large, SZ_4M);
	igt_assert_f(((uintptr_t)map & (SZ_2M - 1)) == 0,
		     "a 4 MiB blob is mapped at %p, not 2 MiB-aligned", map);
	faults = touch_faults(map, SZ_4M);
	igt_assert_f(faults == 2,
		     "touching a 2 MiB-aligned 4 MiB blob took %ld faults, expected 2 (one per window)",
		     faults);
	igt_assert_eq(touch_faults(map, SZ_4M), 0);
	igt_assert_eq(munmap(map, SZ_4M), 0);

	/*
	 * 4 KiB off a 2 MiB boundary: three windows of 511, 512 and 1 pages,
	 * PTEs in each, a fault per 16 pages (the prefault) of each.
	 */
	at = free_address(SZ_4M, PAGE);
	map = mmap(at, SZ_4M, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
		   fd, map_offset(fd, large));
	igt_assert(map == at);
	faults = touch_faults(map, SZ_4M);
	igt_assert_f(faults == 32 + 32 + 1,
		     "touching a 4 MiB blob mapped 4 KiB off a 2 MiB boundary took %ld faults, expected 65",
		     faults);
	igt_assert_eq(munmap(map, SZ_4M), 0);

	/*
	 * A small mapping goes wherever mmap() puts it, which may straddle
	 * a 2 MiB boundary: the prefault stops there, one fault a window.
	 */
	map = map_blob(fd, small, SZ_64K);
	windows = ((uintptr_t)map + SZ_64K - 1) / SZ_2M - (uintptr_t)map / SZ_2M + 1;
	faults = touch_faults(map, SZ_64K);
	igt_assert_f(faults == windows,
		     "touching a 64 KiB blob at %p took %ld faults, expected %ld (one per 2 MiB window it spans)",
		     map, faults, windows);
	igt_assert_eq(munmap(map, SZ_64K), 0);

	gem_close(fd, large);
	gem_close(fd, small);
	close(fd);
}

/* ---- unmap-after-last-mapping ----------------------------------------- */

#define TRACING		"/sys/kernel/tracing"
#define CMD_QUEUE_EVENT	TRACING "/events/virtio_gpu/virtio_gpu_cmd_queue/enable"
/* include/uapi/linux/virtio_gpu.h */
#define VIRTIO_GPU_CMD_RESOURCE_UNMAP_BLOB	0x0209

static void write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_TRUNC);

	igt_assert_f(fd >= 0, "open %s: %s", path, igt_errname(errno));
	igt_assert_eq(write(fd, s, strlen(s)), (long long)strlen(s));
	close(fd);
}

/* Commands of @type the driver queued since the trace was cleared. */
static int traced_cmds(unsigned int type)
{
	char line[512], want[32];
	FILE *f = fopen(TRACING "/trace", "r");
	int n = 0;

	igt_assert(f);
	snprintf(want, sizeof(want), " type=0x%x ", type);
	while (fgets(line, sizeof(line), f))
		if (line[0] != '#' && strstr(line, want))
			n++;
	fclose(f);
	return n;
}

/**
 * SUBTEST: unmap-after-last-mapping
 * Description: The host keeps a blob mapped (no
 *   RESOURCE_UNMAP_BLOB) while any guest user mapping of it exists,
 *   whatever happened to its handle: each mapping holds the GEM object
 *   (seen in the driver's virtio_gpu_cmd_queue trace event).
 */
static void test_unmap_after_last_mapping(void)
{
	int fd = open_virtgpu();
	u32 handle;
	void *a, *b;
	int i;

	require_host_blobs(fd);
	if (access(TRACING "/trace", F_OK))
		mount("tracefs", TRACING, "tracefs", 0, NULL);
	igt_require(access(CMD_QUEUE_EVENT, W_OK) == 0);
	handle = host_blob(fd, SZ_64K);
	a = map_blob(fd, handle, SZ_64K);
	b = map_blob(fd, handle, SZ_64K);
	fill(a, SZ_64K, 6);

	write_file(CMD_QUEUE_EVENT, "1");
	write_file(TRACING "/trace", "");
	gem_close(fd, handle);
	usleep(100 * 1000);
	igt_assert_f(traced_cmds(VIRTIO_GPU_CMD_RESOURCE_UNMAP_BLOB) == 0,
		     "RESOURCE_UNMAP_BLOB sent at GEM close, with two mappings left");
	igt_assert_eq(munmap(a, SZ_64K), 0);
	usleep(100 * 1000);
	igt_assert_f(traced_cmds(VIRTIO_GPU_CMD_RESOURCE_UNMAP_BLOB) == 0,
		     "RESOURCE_UNMAP_BLOB sent with one mapping left");
	check(b, 0, SZ_64K, 6, "the last mapping");
	igt_assert_eq(munmap(b, SZ_64K), 0);
	for (i = 0; i < 100 && !traced_cmds(VIRTIO_GPU_CMD_RESOURCE_UNMAP_BLOB); i++)
		usleep(10 * 1000);
	i = traced_cmds(VIRTIO_GPU_CMD_RESOURCE_UNMAP_BLOB);
	write_file(CMD_QUEUE_EVENT, "0");
	igt_assert_f(i == 1,
		     "%d RESOURCE_UNMAP_BLOB commands after the last munmap, expected 1",
		     i);
	close(fd);
}

/**
 * SUBTEST: host-blob-private
 * Description: MAP_PRIVATE of a host-visible blob works as it always did:
 *   the mapping reads the blob's data, and its writes stay private (copied
 *   pages; the blob and its shared mappings do not change).
 */
static void test_host_blob_private(void)
{
	int fd = open_virtgpu();
	void *shared, *priv;
	u32 handle;

	require_host_blobs(fd);
	handle = host_blob(fd, SZ_4M);
	shared = map_blob(fd, handle, SZ_4M);
	fill(shared, SZ_4M, 6);

	priv = __map_blob(fd, handle, SZ_4M, MAP_PRIVATE);
	igt_assert_f(priv != MAP_FAILED, "MAP_PRIVATE of a host blob: %s",
		     igt_errname(errno));
	check(priv, 0, SZ_4M, 6, "private mapping, before writes");
	fill(priv, SZ_64K, 7);
	check(priv, 0, SZ_64K, 7, "private mapping, its own writes");
	check(shared, 0, SZ_4M, 6, "shared mapping, after writes to a private one");
	igt_assert_eq(munmap(priv, SZ_4M), 0);

	igt_assert_eq(munmap(shared, SZ_4M), 0);
	gem_close(fd, handle);
	close(fd);
}

/* A 4 MiB host blob and a shared mapping of all of it. */
struct blob_map {
	int fd;
	u32 handle;
	char *map;
};

/*
 * Opens the device, makes a 4 MiB host blob, maps it (2 MiB-aligned),
 * fills it with @seed's pattern and faults the mapping in: two PMDs.
 */
static struct blob_map mapped_4m_blob(u64 seed)
{
	struct blob_map b = { .fd = open_virtgpu() };

	require_host_blobs(b.fd);
	b.handle = host_blob(b.fd, SZ_4M);
	b.map = map_blob(b.fd, b.handle, SZ_4M);
	fill(b.map, SZ_4M, seed);
	touch_faults(b.map, SZ_4M);
	return b;
}

/* Closes the blob and the device; the caller unmaps what it still maps. */
static void blob_map_close(struct blob_map *b)
{
	gem_close(b->fd, b->handle);
	close(b->fd);
}

/* Runs @fn(@arg) in a child; returns its wait status. */
static int in_child(void (*fn)(void *arg), void *arg)
{
	pid_t pid = fork();
	int status;

	igt_assert(pid >= 0);
	if (pid == 0) {
		fn(arg);
		_exit(0);
	}
	igt_assert_eq(waitpid(pid, &status, 0), pid);
	return status;
}

static void child_check_and_write(void *map)
{
	check(map, 0, SZ_4M, 8, "the child's inherited mapping");
	fill((char *)map + SZ_2M, SZ_64K, 9);
}

/**
 * SUBTEST: host-blob-fork
 * Description: A child inherits a shared, 2 MiB-mapped blob mapping
 *   (fork copies the page tables of VM_PFNMAP mappings, PMDs included):
 *   it reads the blob's data, and the parent sees its writes.
 */
static void test_host_blob_fork(void)
{
	struct blob_map b = mapped_4m_blob(8);
	char *map = b.map;
	int status;

	status = in_child(child_check_and_write, map);
	igt_assert_f(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		     "the child failed (wait status %#x)", status);
	check(map, 0, SZ_2M, 8, "the parent's first window");
	check(map + SZ_2M, 0, SZ_64K, 9,
	      "the parent's view of the child's writes");
	check(map + SZ_2M + SZ_64K, SZ_2M + SZ_64K, SZ_2M - SZ_64K, 8,
	      "the parent's second window after the child's writes");

	igt_assert_eq(munmap(map, SZ_4M), 0);
	blob_map_close(&b);
}

/**
 * SUBTEST: host-blob-partial-munmap
 * Description: Unmapping 64 KiB inside a 2 MiB-mapped window of a blob
 *   leaves the rest of the mapping with the right data: the window's PMD
 *   is split (zapped and refaulted with PTEs), the other window keeps
 *   working, and the blob's data is unchanged.
 */
static void test_host_blob_partial_munmap(void)
{
	struct blob_map b = mapped_4m_blob(10);
	char *map = b.map;

	igt_assert_eq(munmap(map + SZ_64K, SZ_64K), 0);
	check(map, 0, SZ_64K, 10, "before the hole");
	check(map + 2 * SZ_64K, 2 * SZ_64K, SZ_4M - 2 * SZ_64K, 10,
	      "after the hole");
	fill(map + SZ_2M - SZ_64K, SZ_64K, 11);
	check(map + SZ_2M - SZ_64K, 0, SZ_64K, 11, "writes after the split");

	igt_assert_eq(munmap(map, SZ_64K), 0);
	igt_assert_eq(munmap(map + 2 * SZ_64K, SZ_4M - 2 * SZ_64K), 0);
	blob_map_close(&b);
}

/* Dies of SIGSEGV if @addr is read-only (not of the KVM library's handler). */
static void child_write(void *addr)
{
	signal(SIGSEGV, SIG_DFL);
	*(volatile u64 *)addr = 1;
}

/**
 * SUBTEST: host-blob-mprotect
 * Description: mprotect(PROT_READ) of 64 KiB inside a 2 MiB-mapped window
 *   of a blob: that part reads the data and faults on a write (SIGSEGV),
 *   the rest stays writable; PROT_READ | PROT_WRITE again makes it
 *   writable, and writes land in the blob.
 */
static void test_host_blob_mprotect(void)
{
	struct blob_map b = mapped_4m_blob(12);
	char *map = b.map;
	int status;

	igt_assert_eq(mprotect(map + SZ_64K, SZ_64K, PROT_READ), 0);
	check(map, 0, SZ_4M, 12, "after mprotect(PROT_READ)");
	status = in_child(child_write, map + SZ_64K + PAGE);
	igt_assert_f(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV,
		     "a write to the read-only part: wait status %#x, expected SIGSEGV",
		     status);
	fill(map + 2 * SZ_64K, SZ_64K, 13);
	check(map + 2 * SZ_64K, 0, SZ_64K, 13,
	      "writes beside the read-only part");

	igt_assert_eq(mprotect(map + SZ_64K, SZ_64K, PROT_READ | PROT_WRITE), 0);
	fill(map + SZ_64K, SZ_64K, 14);
	igt_assert_eq(munmap(map, SZ_4M), 0);
	map = map_blob(b.fd, b.handle, SZ_4M);
	check(map + SZ_64K, 0, SZ_64K, 14,
	      "writes after PROT_WRITE came back, in a new mapping");

	igt_assert_eq(munmap(map, SZ_4M), 0);
	blob_map_close(&b);
}

/**
 * SUBTEST: bad-input
 * Description: Mappings and blobs the driver must refuse, each with a
 *   clear errno: longer than the blob, a blob without USE_MAPPABLE, a
 *   stale offset, VIRTGPU_MAP of a closed handle.
 */
static void test_bad_input(void)
{
	int fd = open_virtgpu();
	u32 handle, unmappable;
	u64 offset;
	void *map;
	int err;

	require_host_blobs(fd);
	handle = host_blob(fd, SZ_64K);

	map = __map_blob(fd, handle, 2 * SZ_64K, MAP_SHARED);
	igt_assert_f(map == MAP_FAILED && errno == EINVAL,
		     "mmap longer than the blob: %p, %s, expected EINVAL",
		     map, igt_errname(map == MAP_FAILED ? errno : 0));

	err = __host_blob(fd, SZ_64K, 0, &unmappable);
	igt_assert_f(!err, "unmappable host blob: %s", igt_errname(err));
	map = __map_blob(fd, unmappable, SZ_64K, MAP_SHARED);
	igt_assert_f(map == MAP_FAILED && errno == EINVAL,
		     "mmap of a blob without USE_MAPPABLE: %p, %s, expected EINVAL",
		     map, igt_errname(map == MAP_FAILED ? errno : 0));
	gem_close(fd, unmappable);

	/* A stale offset: the handle is gone and so is its mmap offset. */
	offset = map_offset(fd, handle);
	gem_close(fd, handle);
	map = mmap(NULL, SZ_64K, PROT_READ | PROT_WRITE, MAP_SHARED, fd, offset);
	/* EACCES while the host still has to confirm the blob's unref. */
	igt_assert_f(map == MAP_FAILED && (errno == EINVAL || errno == EACCES),
		     "mmap after GEM close: %p, %s, expected EINVAL or EACCES",
		     map, igt_errname(map == MAP_FAILED ? errno : 0));
	igt_assert_eq(__map_offset(fd, handle, &offset), -ENOENT);

	close(fd);
}

/* ---- kvm-memslot ------------------------------------------------------- */

#define WIN	HOSTMEM_GPA

/* Reads the window for @seed, then writes @seed + 1; reports bad words. */
static void guest_check_and_fill(u64 len, u64 seed)
{
	u64 off, bad = 0;

	for (off = 0; off < len; off += 8)
		if (*(volatile u64 *)(WIN + off) != pattern(seed, off))
			bad++;
	for (off = 0; off < len; off += 8)
		*(volatile u64 *)(WIN + off) = pattern(seed + 1, off);
	GUEST_SYNC1(bad);
	GUEST_DONE();
}

/**
 * SUBTEST: kvm-memslot
 * Description: What a VMM does with a host-visible blob: plug its mapping
 *   into a KVM memslot. The guest reads what the host wrote and the host
 *   reads what the guest wrote, and KVM maps the blob with 2 MiB mappings,
 *   following the PMDs of the host mapping.
 */
static void test_kvm_memslot(void)
{
	const u64 seed = 0x77;
	struct kvm_vcpu *vcpus[1];
	struct hostmem hm;
	struct kvm_vm *vm;
	struct ucall uc;
	u64 m2;
#ifdef __x86_64__
	u64 m4;
#endif
	u32 handle;
	void *map;
	int fd;

	igt_require_kvm();
	fd = open_virtgpu();
	require_host_blobs(fd);
	handle = host_blob(fd, SZ_4M);
	map = map_blob(fd, handle, SZ_4M);
	fill(map, SZ_4M, seed);

	vm = hostmem_vm_create(&hm, 1, guest_check_and_fill, vcpus, SZ_4M, 0);
	vcpu_args_set(vcpus[0], 2, SZ_4M, seed);
	hostmem_plug(&hm, map, SZ_4M, 0);
#ifdef __x86_64__
	m2 = vm_get_stat(vm, pages_2m);
	m4 = vm_get_stat(vm, pages_4k);
#endif
	igt_assert_eq(vcpu_run_ucall(vcpus[0], &uc), UCALL_SYNC);
	igt_assert_f(uc.args[0] == 0,
		     "the guest read %llu wrong words of the blob",
		     (unsigned long long)uc.args[0]);
#ifdef __x86_64__
	igt_info("KVM mappings added by the guest's accesses: %llu 2M, %llu 4K\n",
		 (unsigned long long)(vm_get_stat(vm, pages_2m) - m2),
		 (unsigned long long)(vm_get_stat(vm, pages_4k) - m4));
	m2 = vm_get_stat(vm, pages_2m) - m2;
#else
	{
		struct s2_mappings s2;

		/* arm64 has no mapping stats: what stage 2 maps of the blob. */
		vm_stage2_mappings(vm, HOSTMEM_GPA, SZ_4M, &s2);
		igt_info("stage 2 maps the blob with %llu 2M, %llu 4K entries\n",
			 (unsigned long long)s2.blocks_2m,
			 (unsigned long long)s2.pages_4k);
		m2 = s2.blocks_2m;
	}
#endif
	igt_assert_f(m2 >= 2, "KVM mapped the 4 MiB blob with %llu 2M mappings, expected 2",
		     (unsigned long long)m2);
	check(map, 0, SZ_4M, seed + 1, "host, after the guest's writes");
	igt_assert_eq(vcpu_run_ucall(vcpus[0], &uc), UCALL_DONE);

	/* The VMM unplugs the slot before it unmaps and frees the blob. */
	hostmem_unplug(&hm);
	kvm_vm_free(vm);
	igt_assert_eq(munmap(map, SZ_4M), 0);
	gem_close(fd, handle);
	close(fd);
}

static const struct igt_subtest tests[] = {
	{ "guest-blob", test_guest_blob },
	{ "host-blob-flags", test_host_blob_flags },
	{ "host-blob-data", test_host_blob_data },
	{ "host-blob-faults", test_host_blob_faults },
	{ "unmap-after-last-mapping", test_unmap_after_last_mapping },
	{ "host-blob-private", test_host_blob_private },
	{ "host-blob-fork", test_host_blob_fork },
	{ "host-blob-partial-munmap", test_host_blob_partial_munmap },
	{ "host-blob-mprotect", test_host_blob_mprotect },
	{ "bad-input", test_bad_input },
	{ "kvm-memslot", test_kvm_memslot },
};

IGT_MAIN(tests)
