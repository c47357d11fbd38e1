// SPDX-License-Identifier: GPL-2.0-only
/**
 * TEST: vttm_fuzz
 * Description: Seeded, bounded random use of the vttm uAPI and of KVM
 *   memslots over vttm BOs, from several threads at once. It passes when
 *   the process survives, every call returns success or an errno from the
 *   uAPI's documented set, the kernel logs no warning, and after closing
 *   the device every BO and page is given back (vttm_usage) and TTM found
 *   no foreign page reference.
 *
 * Random sizes, domains, flags, handles (live, closed, made up), offsets
 * and argument pointers; creates, closes, mmaps, munmaps, moves,
 * evictions, swapouts and CPU accesses race each other while a vCPU reads
 * and writes a BO through a memslot that comes and goes.
 *
 *   --seed N      seed (default 1): a run is reproducible from it, up to
 *                 the interleaving of the threads
 *   --seconds N   how long each subtest runs (default 15)
 */
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "kvm_util.h"
#include "processor.h"
#include "ucall_common.h"

#include <drm/drm.h>
#include <drm/vttm_drm.h>

#include "lib/hostmem.h"
#include "lib/igt_proto.h"
#include "lib/vm.h"
#include "lib/vttm.h"
#include "lib/vttm_audit.h"

#define PAGE		4096ull
#define NSLOTS		16
#define NTHREADS	3
#define WINDOW		(8ull << 20)

/* What the threads share: BO slots, the device, statistics. */
struct slot {
	pthread_rwlock_t map_lock;	/* held for writing to (un)map */
	u32 handle;			/* 0: free */
	void *map;
	u64 size, map_size;
};

static struct fuzz {
	int fd;
	struct slot slots[NSLOTS];
	volatile bool stop;
	u64 calls;
	u64 errnos[256];		/* calls that failed, per errno */
	u64 sigbus;			/* CPU accesses that got SIGBUS */
	u64 vcpu_runs, vcpu_efaults, vcpu_mmio;
	pthread_mutex_t stats_lock;
	/* Set by the KVM thread for the stall watch in stop_vcpu(). */
	struct kvm_vcpu *vcpu;
	volatile u64 *guest_progress;
	volatile bool kvm_done;
	/* What was plugged when a stalled vCPU was kicked out. */
	char stall[512];
} fz;

static u64 rnd(u64 *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ull;
}

static u64 pick(u64 *s, u64 n)
{
	return rnd(s) % n;
}

/* Errnos the vttm uAPI, GEM and mmap() document for bad or racing input. */
static bool errno_expected(int e)
{
	switch (e) {
	case EINVAL: case ENOENT: case ENOMEM: case ENOSPC: case EBUSY:
	case EFAULT: case E2BIG: case EINTR: case EAGAIN: case ENXIO:
	case EACCES: case ENOTTY: case EOVERFLOW: case ERANGE:
		return true;
	}
	return false;
}

static void account(const char *op, int ret)
{
	int e = ret ? errno : 0;

	igt_assert_f(!ret || errno_expected(e),
		     "%s failed with %s, which the uAPI does not document",
		     op, igt_errname(e));
	pthread_mutex_lock(&fz.stats_lock);
	fz.calls++;
	if (ret)
		fz.errnos[e & 255]++;
	pthread_mutex_unlock(&fz.stats_lock);
}

/* A handle: mostly a live slot's, sometimes a stale or made-up one. */
static u32 any_handle(u64 *s)
{
	switch (pick(s, 8)) {
	case 0:
		return (u32)rnd(s);
	case 1:
		return 0;
	default:
		return fz.slots[pick(s, NSLOTS)].handle;
	}
}

static u64 any_size(u64 *s)
{
	static const u64 sizes[] = {
		0, 1, 4095, 4096, 8192, 2ull << 20, (2ull << 20) + 4096,
		4ull << 20, 1ull << 40, ~0ull, 3 * 4096,
	};

	if (pick(s, 2))
		return (pick(s, 2048) + 1) * PAGE;
	return sizes[pick(s, sizeof(sizes) / sizeof(sizes[0]))];
}

static u32 any_domains(u64 *s)
{
	return pick(s, 8) ? (u32)pick(s, 8) : (u32)rnd(s);
}

static void op_create(u64 *s)
{
	struct drm_vttm_bo_create c = {
		.size = any_size(s), .domains = any_domains(s),
		.preferred = any_domains(s),
		.flags = pick(s, 4) ? 0 : (pick(s, 2) ? VTTM_BO_CONTIGUOUS : (u32)rnd(s)),
	};
	struct slot *sl = &fz.slots[pick(s, NSLOTS)];
	int ret = ioctl(fz.fd, DRM_IOCTL_VTTM_BO_CREATE, &c);

	account("BO_CREATE", ret);
	if (ret)
		return;
	/* Replace the slot's handle; the old BO stays reachable by number. */
	pthread_rwlock_wrlock(&sl->map_lock);
	if (!sl->map) {
		sl->handle = c.handle;
		sl->size = c.size;
	} else {
		struct drm_gem_close gc = { .handle = c.handle };

		account("GEM_CLOSE", ioctl(fz.fd, DRM_IOCTL_GEM_CLOSE, &gc));
	}
	pthread_rwlock_unlock(&sl->map_lock);
}

static void op_close(u64 *s)
{
	struct drm_gem_close gc = { .handle = any_handle(s) };

	account("GEM_CLOSE", ioctl(fz.fd, DRM_IOCTL_GEM_CLOSE, &gc));
}

static void op_mmap(u64 *s)
{
	struct slot *sl = &fz.slots[pick(s, NSLOTS)];
	struct drm_vttm_bo_mmap_offset mo = {
		.handle = pick(s, 4) ? sl->handle : any_handle(s),
		.pad = pick(s, 16) ? 0 : (u32)rnd(s),
	};
	u64 len;
	void *p;
	int ret;

	ret = ioctl(fz.fd, DRM_IOCTL_VTTM_BO_MMAP_OFFSET, &mo);
	account("BO_MMAP_OFFSET", ret);
	if (ret)
		return;
	len = pick(s, 4) ? sl->size : any_size(s);
	if (pick(s, 8) == 0)
		mo.offset += pick(s, 4) * PAGE;
	pthread_rwlock_wrlock(&sl->map_lock);
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fz.fd,
		 mo.offset);
	account("mmap", p == MAP_FAILED ? -1 : 0);
	if (p != MAP_FAILED) {
		/* Keep one mapping per slot, of the slot's BO only. */
		if (sl->map || mo.handle != sl->handle || len > sl->size ||
		    !len) {
			munmap(p, len);
		} else {
			sl->map = p;
			sl->map_size = len;
		}
	}
	pthread_rwlock_unlock(&sl->map_lock);
}

static void op_munmap(u64 *s)
{
	struct slot *sl = &fz.slots[pick(s, NSLOTS)];

	pthread_rwlock_wrlock(&sl->map_lock);
	if (sl->map) {
		account("munmap", munmap(sl->map, sl->map_size));
		sl->map = NULL;
	}
	pthread_rwlock_unlock(&sl->map_lock);
}

static void op_move(u64 *s)
{
	struct drm_vttm_bo_move m = {
		.handle = any_handle(s), .domain = any_domains(s),
		.flags = pick(s, 4) ? 0 : (pick(s, 2) ? VTTM_MOVE_SWAPOUT : (u32)rnd(s)),
		.pad = pick(s, 16) ? 0 : (u32)rnd(s),
	};

	account("BO_MOVE", ioctl(fz.fd, DRM_IOCTL_VTTM_BO_MOVE, &m));
}

static void op_evict(u64 *s)
{
	struct drm_vttm_evict ev = {
		.domain = any_domains(s), .pad = pick(s, 16) ? 0 : (u32)rnd(s),
	};

	account("EVICT", ioctl(fz.fd, DRM_IOCTL_VTTM_EVICT, &ev));
}

static void op_info(u64 *s)
{
	struct drm_vttm_bo_info in = {
		.handle = any_handle(s), .pad = pick(s, 16) ? 0 : (u32)rnd(s),
	};

	account("BO_INFO", ioctl(fz.fd, DRM_IOCTL_VTTM_BO_INFO, &in));
}

/* Bad argument pointers and unknown ioctl numbers. */
static void op_bad_ioctl(u64 *s)
{
	static const unsigned long nrs[] = {
		DRM_IOCTL_VTTM_BO_CREATE, DRM_IOCTL_VTTM_BO_MOVE,
		DRM_IOCTL_VTTM_BO_INFO, DRM_IOCTL_VTTM_EVICT,
		DRM_IOCTL_VTTM_BO_MMAP_OFFSET,
		DRM_IOWR(DRM_COMMAND_BASE + 0x3f, struct drm_vttm_bo_move),
	};
	void *arg = pick(s, 2) ? NULL : (void *)(uintptr_t)0xdead0000;

	account("bad ioctl",
		ioctl(fz.fd, nrs[pick(s, sizeof(nrs) / sizeof(nrs[0]))], arg));
}

static __thread sigjmp_buf touch_env;
static __thread volatile bool touching;

static void on_sigbus(int sig)
{
	if (touching)
		siglongjmp(touch_env, 1);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* A CPU read or write of a random page of a mapped BO. */
static void op_touch(u64 *s)
{
	struct slot *sl = &fz.slots[pick(s, NSLOTS)];

	pthread_rwlock_rdlock(&sl->map_lock);
	if (sl->map) {
		u64 pages = (sl->map_size + PAGE - 1) / PAGE;
		volatile u64 *w = (volatile u64 *)((char *)sl->map +
						   pick(s, pages) * PAGE);

		if (sigsetjmp(touch_env, 1) == 0) {
			touching = true;
			if (pick(s, 2))
				*w = rnd(s);
			else
				(void)*w;
		} else {
			__atomic_add_fetch(&fz.sigbus, 1, __ATOMIC_RELAXED);
		}
		touching = false;
	}
	pthread_rwlock_unlock(&sl->map_lock);
}

static void (*const ops[])(u64 *s) = {
	op_create, op_create, op_close, op_mmap, op_mmap, op_munmap,
	op_move, op_move, op_move, op_evict, op_info, op_bad_ioctl,
	op_touch, op_touch, op_touch,
};

static void *fuzz_thread(void *arg)
{
	u64 s = (u64)(uintptr_t)arg;

	while (!fz.stop)
		ops[pick(&s, sizeof(ops) / sizeof(ops[0]))](&s);
	return NULL;
}

/* ---- the vCPU side ---------------------------------------------------- */

static u64 guest_seed;
/* How much of the window is plugged; set by the host before each run. */
static u64 guest_plugged;
/* Pages the guest has accessed so far; the host watches it advance. */
static volatile u64 guest_pages_done;
/* The access the guest is at: offset in the window, and write or read. */
static volatile u64 guest_cur_off, guest_cur_write;

/* Reads and writes every plugged page of the window, forever. */
static void guest_scribble(void)
{
	u64 n, off;

	for (n = 0;; n++) {
		for (off = 0; off < guest_plugged; off += PAGE) {
			volatile u64 *w = (volatile u64 *)(HOSTMEM_GPA + off);

			guest_cur_off = off;
			guest_cur_write = (off / PAGE + n) & 1;
			if ((off / PAGE + n) & 1)
				*w = guest_seed ^ off;
			else
				(void)*w;
			guest_pages_done++;
		}
		GUEST_SYNC1(n);
	}
}

/*
 * Says where a vCPU that stopped making progress was: the access the guest
 * was at, the BO plugged under it and where that BO is, and whether the
 * host itself can read the page through the same mapping.
 */
static void describe_stall(struct kvm_vm *vm, struct hostmem *hm,
			   struct slot *sl)
{
	u64 off = *(volatile u64 *)addr_gva2hva(vm, (gva_t)&guest_cur_off);
	u64 wr = *(volatile u64 *)addr_gva2hva(vm, (gva_t)&guest_cur_write);
	struct drm_vttm_bo_info in = { .handle = sl->handle };
	const char *host = "beyond the memslot";
	int info = ioctl(fz.fd, DRM_IOCTL_VTTM_BO_INFO, &in);

	if (off < hm->plugged) {
		host = "host read ok";
		if (sigsetjmp(touch_env, 1) == 0) {
			touching = true;
			(void)*(volatile u64 *)((char *)hm->hva + off);
		} else {
			host = "host read SIGBUS";
		}
		touching = false;
	}
	snprintf(fz.stall, sizeof(fz.stall),
		 "guest %s at window offset %#llx; memslot %#llx bytes, flags %#x; BO handle %u: %s domain %#x, size %#llx, backing %#llx; %s",
		 wr ? "write" : "read", (unsigned long long)off,
		 (unsigned long long)hm->plugged, hm->flags, sl->handle,
		 info ? "BO_INFO failed," : "", in.domain,
		 (unsigned long long)in.size,
		 (unsigned long long)in.backing_size, host);
}

/*
 * Plugs random BO mappings into the memslot and lets the vCPU run over
 * them while the other threads move, close and evict. The slot's map lock
 * is held while the memslot points at its mapping: the fuzzer's own memory
 * must never end up under the guest.
 */
static void *kvm_thread(void *arg)
{
	u64 s = (u64)(uintptr_t)arg;
	struct kvm_vcpu *vcpus[1];
	struct hostmem hm;
	struct kvm_vm *vm;

	vm = hostmem_vm_create(&hm, 1, guest_scribble, vcpus, WINDOW, 0);
	guest_seed = rnd(&s);
	sync_global_to_guest(vm, guest_seed);
	fz.guest_progress = addr_gva2hva(vm, (gva_t)&guest_pages_done);
	__atomic_store_n(&fz.vcpu, vcpus[0], __ATOMIC_RELEASE);

	while (!fz.stop) {
		struct slot *sl = &fz.slots[pick(&s, NSLOTS)];
		u64 len;

		pthread_rwlock_rdlock(&sl->map_lock);
		len = sl->map ? (sl->map_size < WINDOW ? sl->map_size : WINDOW) : 0;
		len &= ~(PAGE - 1);
		if (len && __hostmem_plug(&hm, sl->map, len,
					  pick(&s, 4) ? 0 : KVM_MEM_READONLY) == 0) {
			int i;

			/* Now and then the guest runs off the end: MMIO. */
			guest_plugged = pick(&s, 8) ? len : WINDOW;
			sync_global_to_guest(vm, guest_plugged);

			for (i = 0; i < 4 && !fz.stop; i++) {
				struct ucall uc;
				/*
				 * The raw ioctl: _vcpu_run() would re-enter
				 * the guest after the kick's EINTR.
				 */
				int ret = __vcpu_run(vcpus[0]);

				fz.vcpu_runs++;
				if (ret == -1 && errno == EFAULT) {
					fz.vcpu_efaults++;
					continue;
				}
				/* stop_vcpu() kicked it out of a stall. */
				if (ret == -1 && errno == EINTR && fz.stop) {
					describe_stall(vm, &hm, sl);
					break;
				}
				igt_assert_f(ret == 0, "KVM_RUN: %s",
					     igt_errname(errno));
				assert_on_unhandled_exception(vcpus[0]);
				if (vcpus[0]->run->exit_reason == KVM_EXIT_MMIO) {
					/* Beyond the plugged part, or read-only. */
					fz.vcpu_mmio++;
					continue;
				}
				igt_assert_f(get_ucall(vcpus[0], &uc) == UCALL_SYNC,
					     "vCPU exit %s over a BO memslot",
					     exit_reason_str(vcpus[0]->run->exit_reason));
			}
			hostmem_unplug(&hm);
		}
		pthread_rwlock_unlock(&sl->map_lock);
	}
	__atomic_store_n(&fz.vcpu, NULL, __ATOMIC_RELEASE);
	kvm_vm_free(vm);
	__atomic_store_n(&fz.kvm_done, true, __ATOMIC_RELEASE);
	return NULL;
}

#define STALL_SECONDS	30

/*
 * After the stop, the KVM thread returns at the guest's next sync or exit.
 * A vCPU whose fault KVM retries forever never gets there: the guest stops
 * advancing while KVM_RUN goes on. Wait for the thread, and if the guest
 * makes no progress for STALL_SECONDS, kick the vCPU out of KVM_RUN with a
 * signal and fail with what KVM counted during the stall and where the
 * guest was.
 */
static void stop_vcpu(pthread_t kvm_tid)
{
	struct vcpu_stall_stats before, after;
	char counted[512];
	u64 progress = 0, idle = 0;
	struct kvm_vcpu *vcpu;

	while (!__atomic_load_n(&fz.kvm_done, __ATOMIC_ACQUIRE)) {
		vcpu = __atomic_load_n(&fz.vcpu, __ATOMIC_ACQUIRE);
		if (!vcpu || *fz.guest_progress != progress) {
			progress = vcpu ? *fz.guest_progress : 0;
			idle = 0;
		} else if (idle++ == 0) {
			vcpu_stall_stats_read(vcpu, &before);
		} else if (idle > STALL_SECONDS) {
			break;
		}
		sleep(1);
	}
	if (__atomic_load_n(&fz.kvm_done, __ATOMIC_ACQUIRE))
		return;

	/* fz.vcpu stays valid: the thread is in KVM_RUN. */
	vcpu_stall_stats_read(fz.vcpu, &after);
	vcpu_stall_stats_format(&before, &after, counted, sizeof(counted));
	while (!__atomic_load_n(&fz.kvm_done, __ATOMIC_ACQUIRE)) {
		pthread_kill(kvm_tid, SIGUSR1);
		usleep(100 * 1000);
	}
	igt_assert_f(false,
		     "the guest made no progress in KVM_RUN for %d s after %llu page accesses; KVM counted:%s; %s",
		     STALL_SECONDS, (unsigned long long)progress, counted,
		     fz.stall);
}

/* ---- subtests --------------------------------------------------------- */

static struct igt_opt opt_seed = {
	"seed", "seed of the random calls (default 1)",
};
static struct igt_opt opt_seconds = {
	"seconds", "how long each subtest runs (default 15)",
};
static struct igt_opt *const opts[] = { &opt_seed, &opt_seconds };

static void report(u64 seed, double seconds)
{
	char seen[512] = "";
	size_t len = 0;
	int e;

	for (e = 1; e < 256; e++)
		if (fz.errnos[e] && len < sizeof(seen) - 32)
			len += snprintf(seen + len, sizeof(seen) - len, " %s:%llu",
					igt_errname(e),
					(unsigned long long)fz.errnos[e]);
	igt_info("seed %llu: %llu calls in %.0f s; errnos seen:%s; CPU accesses with SIGBUS: %llu; vCPU runs %llu (EFAULT %llu, MMIO exits %llu)",
		 (unsigned long long)seed, (unsigned long long)fz.calls,
		 seconds, len ? seen : " none", (unsigned long long)fz.sigbus,
		 (unsigned long long)fz.vcpu_runs,
		 (unsigned long long)fz.vcpu_efaults,
		 (unsigned long long)fz.vcpu_mmio);
}

static void run_fuzz(bool with_kvm)
{
	u64 seed = opt_seed.given ? opt_seed.value : 1;
	u64 seconds = opt_seconds.given ? opt_seconds.value : 15;
	int foreign = ttm_foreign_page_refs();
	pthread_t threads[NTHREADS + 1];
	struct vttm_dev dev;
	struct vttm_usage base;
	struct timespec t0, t1;
	unsigned int i, n = 0;

	if (with_kvm)
		igt_require_kvm();
	vttm_require(&dev);
	base = vttm_read_usage(&dev);
	memset(&fz, 0, sizeof(fz));
	fz.fd = dev.fd;
	pthread_mutex_init(&fz.stats_lock, NULL);
	for (i = 0; i < NSLOTS; i++)
		pthread_rwlock_init(&fz.slots[i].map_lock, NULL);
	signal(SIGBUS, on_sigbus);
	/* No SA_RESTART: the kick must end KVM_RUN with EINTR. */
	vcpu_kick_signal_init(SIGUSR1);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < NTHREADS; i++)
		igt_assert_eq(pthread_create(&threads[n++], NULL, fuzz_thread,
					     (void *)(uintptr_t)(seed * 7919 + i + 1)), 0);
	if (with_kvm)
		igt_assert_eq(pthread_create(&threads[n++], NULL, kvm_thread,
					     (void *)(uintptr_t)(seed * 104729 + 1)), 0);
	sleep(seconds);
	fz.stop = true;
	if (with_kvm)
		stop_vcpu(threads[NTHREADS]);
	for (i = 0; i < n; i++)
		igt_assert_eq(pthread_join(threads[i], NULL), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	report(seed, t1.tv_sec - t0.tv_sec + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	igt_assert_f(fz.calls > 100, "only %llu calls executed",
		     (unsigned long long)fz.calls);
	if (with_kvm)
		igt_assert_f(fz.vcpu_runs > 0, "the vCPU never ran");

	for (i = 0; i < NSLOTS; i++)
		if (fz.slots[i].map)
			munmap(fz.slots[i].map, fz.slots[i].map_size);
	close(dev.fd);
	vttm_check_usage(&dev, &base);
	igt_assert_eq(ttm_foreign_page_refs(), foreign);
}

/**
 * SUBTEST: uapi
 * Description: Three threads make random vttm and GEM calls (create,
 *   close, info, mmap offsets, moves, swapouts, evictions), mmaps,
 *   munmaps and CPU accesses at once, for --seconds (15).
 */
static void test_uapi(void)
{
	run_fuzz(false);
}

/**
 * SUBTEST: uapi-kvm
 * Description: The same, and a fourth thread plugs random BO mappings
 *   into a memslot (sometimes read-only) and runs a vCPU that reads and
 *   writes them; a vCPU that stops making progress fails the subtest.
 */
static void test_uapi_kvm(void)
{
	run_fuzz(true);
}

static const struct igt_subtest tests[] = {
	{ "uapi", test_uapi },
	{ "uapi-kvm", test_uapi_kvm },
};

IGT_MAIN_OPTS(tests, opts)
