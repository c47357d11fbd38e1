// SPDX-License-Identifier: GPL-2.0-only
/**
 * TEST: vttm_fork_race
 * Description: fork() copies the special PMDs that map 2 MiB of a BO while
 *   another thread moves the BO: no child ever reads memory the BO no
 *   longer owns, however the copy and the move's unmap_mapping_range()
 *   interleave.
 *
 * The race (mm/huge_memory.c, copy_huge_pmd(), on this kernel):
 *
 *   fork, parent's mmap_lock held for write   move, no mmap_lock
 *   ----------------------------------------  -------------------------------
 *   dup_mmap(): child VMA inserted into the
 *   BO's i_mmap tree (i_mmap_rwsem held only
 *   around the insertion), then
 *   copy_page_range() -> copy_huge_pmd():
 *     pmd = pmdp_get_lockless(src_pmd)
 *                                              ttm_bo_unmap_virtual()
 *                                               -> unmap_mapping_range():
 *                                                zap parent PMD (under its PTL)
 *                                                zap child: dst PMD still none
 *     pmd_lock(dst); lock(src)
 *     set_pmd_at(dst, pmd)  <- stale pfn: the child maps memory the move
 *                              frees, and no later zap of this move sees it
 *
 * Nothing excludes the two: fork holds the parent's mmap_lock and VMA write
 * locks, which zaps do not take; i_mmap_rwsem is dropped before
 * copy_page_range(); and the PTLs are taken only after the lockless read,
 * which is never redone under them ("it can't change with write mmap lock
 * held", says the comment there, but a driver's zap changes it). The
 * i_mmap tree lists the child's VMA right after the parent's, so the zap
 * visits the child just after the parent: the copy must read the parent's
 * PMD before the zap clears it and write the child's after the zap has
 * looked at it. The copy needs a few dozen instructions from the read to
 * the write; the zap needs a TLB flush (an IPI to the forking CPU, which
 * must answer) and a new page walk from clearing one to looking at the
 * other. So the copy only loses when its CPU stops in that gap for longer
 * than the zap needs: an interrupt and a preemption (PREEMPT_LAZY may
 * preempt there: no lock is held yet), or, under QEMU TCG, the host
 * descheduling the vCPU thread. Both are rare and not steerable from user
 * space; this test makes the gap occur as often as it can (several
 * PMD-mapped BOs copied by every fork, moves all the time, forks as fast
 * as they go) and would see a lost race, but it is not expected to lose
 * one in a few seconds. The fix, if it does: recheck the PMD under the two
 * PTLs in copy_huge_pmd() (and the PUD in copy_huge_pud()) and skip the
 * copy when it changed; the child faults it in again.
 *
 * How a lost race shows: the parent keeps NR_BOS 2 MiB BOs, each filled
 * with its own pattern (bo_pattern(), seed = the BO's tag) and mapped with
 * one PMD. A mover thread takes them in turn: moves one between VRAM and
 * TT (zapping its PMD), creates "marker" BOs of the same size in the
 * domain it left until one lands in the memory it freed (VRAM: the same
 * offset, which best fit gives once the other 2 MiB holes are taken; TT:
 * pool pages, usually the same chunk), writes a foreign pattern into the
 * words children check, faults the moved BO in again with a PMD, bumps an
 * epoch and frees the markers. The main thread forks all the time; each
 * child reads the first and last word of every page of every BO, once at
 * once and once more after the next epoch (when the marker of a move that
 * may have raced its fork is written), and reports the first word that is
 * not its BO's own data. The data moves with the BO, so through a correct
 * mapping (copied, or faulted in again) a child reads nothing else, ever:
 * a marker, zeros (a new BO's cleared memory) or another BO's data is
 * memory the BO no longer owns.
 *
 * Needs a vttm device whose VRAM is PMD-mapped (the series' TTM huge
 * fault); skips without one.
 *
 * Options:
 *
 *   --seconds S  race for at least S seconds (default 5)
 *   --forks N    and at least N forks (default 0)
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/futex.h>

#include "lib/bo_data.h"
#include "lib/igt_proto.h"
#include "lib/procfs.h"
#include "lib/vttm.h"
#include "lib/vttm_audit.h"

#define PAGE		4096ull
#define SZ_2M		(2ull << 20)
#define BO_SIZE		SZ_2M
#define BO_PAGES	(BO_SIZE / PAGE)
#define NR_BOS		4
/* Children alive at once; most of them sleep until the next epoch. */
#define MAX_CHILDREN	24
/* Marker BOs one move may create to get the memory it freed. */
#define MAX_MARKERS	NR_BOS
/* A child that sees no new epoch in this long gives up: the mover hung. */
#define CHILD_WAIT_S	30

#define VRAM		VTTM_DOMAIN_VRAM
#define TT		VTTM_DOMAIN_TT

/* Seeds of bo_pattern(): the race BOs' own, and the marker BOs'. */
#define BO_TAG(i)	(0xa5000000ull + (i))
#define MARKER_TAG(n)	(0xf0000000ull | ((n) & 0xffffff))
#define IS_MARKER_TAG(t) (((t) & 0xff000000ull) == 0xf0000000ull)

/* Child exit codes. */
#define CHILD_OK	0
#define CHILD_STALE	1
#define CHILD_TIMEOUT	2

static struct igt_opt opt_seconds = {
	"seconds", "race for at least N seconds (default 5)",
};
static struct igt_opt opt_forks = {
	"forks", "and fork at least N times (default 0)",
};
static struct igt_opt *const opts[] = { &opt_seconds, &opt_forks };

/* What the first child that read a wrong word saw. */
struct stale_read {
	pid_t pid;
	unsigned int bo;	/* index of the race BO whose mapping it read */
	u64 off;		/* byte offset into that BO */
	u64 val, want;
	bool after_epoch;	/* read after the next epoch, not at once */
	u32 epoch;
};

/* Shared between the parent and every child (MAP_SHARED | MAP_ANONYMOUS). */
struct race_shared {
	/* Futex: moves whose marker BO has been written; children wait on it. */
	u32 epoch;
	/* Set when the race ends: waiting children check and exit at once. */
	u32 stopping;
	/* The first child to read a wrong word claims @first. */
	int claimed;
	struct stale_read first;
};

struct race_bo {
	u32 handle;
	u32 domain;
	u64 *map;
};

/* The mover thread's state and what it counts. */
struct mover {
	struct vttm_dev *dev;
	struct race_bo *bos;
	struct race_shared *shared;
	volatile bool stop;
	unsigned long moves;
	/* [0] VRAM, [1] TT: placements faulted in, those mapped with a PMD. */
	unsigned long placed[2], placed_pmd[2];
	/* Moves out of [0] VRAM, [1] TT whose marker BO got the freed memory. */
	unsigned long reused[2], left[2];
};

static int domain_index(u32 domain)
{
	return domain == VRAM ? 0 : 1;
}

static long futex(u32 *uaddr, int op, u32 val, const struct timespec *ts)
{
	return syscall(SYS_futex, uaddr, op, val, ts, NULL, 0);
}

/*
 * What a word read through race BO @bo's mapping is, when it is not the
 * BO's own data: the report names whose memory the child reached.
 */
static void describe_word(char *buf, size_t len, u64 val, unsigned int bo)
{
	u64 tag = val >> 32, word_off = (val & 0xffffffffull) * 8;

	if (val == 0)
		snprintf(buf, len, "zero: memory cleared for another BO");
	else if (IS_MARKER_TAG(tag))
		snprintf(buf, len,
			 "the marker BO of move %llu, written into memory a race BO had left (its offset %#llx)",
			 (unsigned long long)(tag & 0xffffff),
			 (unsigned long long)word_off);
	else if (tag >= BO_TAG(0) && tag < BO_TAG(NR_BOS) && tag != BO_TAG(bo))
		snprintf(buf, len, "race BO %llu's data (its offset %#llx)",
			 (unsigned long long)(tag - BO_TAG(0)),
			 (unsigned long long)word_off);
	else if (tag == BO_TAG(bo))
		snprintf(buf, len, "this BO's own data from offset %#llx",
			 (unsigned long long)word_off);
	else
		snprintf(buf, len, "nothing this test wrote");
}

/* The words of every page a child checks: the first and the last. */
static u64 checked_off(u64 page, unsigned int k)
{
	return page * PAGE + k * (PAGE - 8);
}

/*
 * Writes @seed's pattern to the words children check: all a stale read
 * can show them, in a fraction of the time a full fill takes under TCG.
 */
static void mark_checked_words(void *map, u64 seed)
{
	volatile u64 *w = map;
	unsigned int k;
	u64 p;

	for (p = 0; p < BO_PAGES; p++)
		for (k = 0; k < 2; k++)
			w[checked_off(p, k) / 8] = bo_pattern(seed,
							      checked_off(p, k));
}

/*
 * In a child: reads the first and last word of every page of every race
 * BO; on the first that is not the BO's own data, claims the report.
 * Async-signal-safe (the parent has other threads): no stdio, no malloc.
 */
static bool child_check(const struct race_bo *bos, struct race_shared *sh,
			bool after_epoch)
{
	unsigned int i;
	u64 p, k;

	for (i = 0; i < NR_BOS; i++) {
		const volatile u64 *w = bos[i].map;

		for (p = 0; p < BO_PAGES; p++) {
			for (k = 0; k < 2; k++) {
				u64 off = checked_off(p, k);
				u64 want = bo_pattern(BO_TAG(i), off);
				u64 val = w[off / 8];

				if (val == want)
					continue;
				if (!__atomic_exchange_n(&sh->claimed, 1,
							 __ATOMIC_ACQ_REL)) {
					sh->first = (struct stale_read) {
						.pid = getpid(), .bo = i,
						.off = off, .val = val,
						.want = want,
						.after_epoch = after_epoch,
						.epoch = __atomic_load_n(&sh->epoch,
									 __ATOMIC_ACQUIRE),
					};
				}
				return false;
			}
		}
	}
	return true;
}

/*
 * A child: checks its inherited mappings at once, then again once the
 * mover has written the marker of the move that may have raced this fork
 * (the epoch after the one it sees first), and exits with CHILD_*.
 */
static void __attribute__((noreturn))
child_main(const struct race_bo *bos, struct race_shared *sh)
{
	u32 seen = __atomic_load_n(&sh->epoch, __ATOMIC_ACQUIRE);
	struct timespec left = { CHILD_WAIT_S, 0 };
	double deadline = igt_now() + CHILD_WAIT_S;

	if (!child_check(bos, sh, false))
		_exit(CHILD_STALE);
	while (__atomic_load_n(&sh->epoch, __ATOMIC_ACQUIRE) == seen &&
	       !__atomic_load_n(&sh->stopping, __ATOMIC_ACQUIRE)) {
		if (igt_now() > deadline)
			_exit(CHILD_TIMEOUT);
		futex(&sh->epoch, FUTEX_WAIT, seen, &left);
	}
	_exit(child_check(bos, sh, true) ? CHILD_OK : CHILD_STALE);
}

/* The first page frame of TT BO @handle, from vttm's page audit. */
static u64 first_pfn(struct vttm_dev *dev, u32 handle)
{
	static u64 pfns[BO_PAGES];

	vttm_audit_pfns(dev, vttm_get_bo_info(dev->fd, handle).id, pfns,
			BO_PAGES);
	return pfns[0];
}

/*
 * Whether a race BO's one window is mapped with a PMD after faulting it in:
 * one fault, where PTEs take one per TTM_BO_VM_NUM_PREFAULT (16) pages.
 * Not exactly one: after a fork the thread's own stack is copy-on-write,
 * and its first write to a page of it after the fork faults too.
 */
static bool fault_in_is_pmd(const struct race_bo *bo, long *faults)
{
	*faults = thread_touch_faults(bo->map, BO_SIZE);
	return *faults < BO_PAGES / 16;
}

/*
 * One move of the race: @bo leaves its domain, a marker BO takes the
 * memory it left and is filled, @bo is faulted in again where it went.
 */
static void move_and_mark(struct mover *m, struct race_bo *bo)
{
	int fd = m->dev->fd;
	u32 from = bo->domain, to = from == VRAM ? TT : VRAM;
	struct drm_vttm_bo_info old = vttm_get_bo_info(fd, bo->handle);
	u64 old_pfn = from == TT ? first_pfn(m->dev, bo->handle) : 0;
	int d = domain_index(from);
	u32 markers[MAX_MARKERS];
	bool reused = false;
	unsigned int nr;
	long faults;
	void *map;

	/* The zap that forks race. */
	vttm_move_bo(fd, bo->handle, to);
	bo->domain = to;

	/*
	 * Best fit may put the marker in another 2 MiB hole that an earlier
	 * move left: fill those (new BOs read as zero, which no race BO
	 * holds either) until one lands where @bo was.
	 */
	for (nr = 0; nr < MAX_MARKERS; nr++) {
		markers[nr] = vttm_create_bo(fd, BO_SIZE, from, from);
		if (from == VRAM)
			reused = vttm_get_bo_info(fd, markers[nr]).vram_offset ==
				 old.vram_offset;
		else
			reused = first_pfn(m->dev, markers[nr]) == old_pfn;
		if (reused || from == TT) {
			nr++;
			break;
		}
	}
	m->left[d]++;
	m->reused[d] += reused;
	map = vttm_mmap_bo(fd, markers[nr - 1], BO_SIZE);
	mark_checked_words(map, MARKER_TAG(m->moves));
	igt_assert_eq(munmap(map, BO_SIZE), 0);

	m->placed[domain_index(to)]++;
	m->placed_pmd[domain_index(to)] += fault_in_is_pmd(bo, &faults);

	/* The marker is in place: children that waited for it check now. */
	__atomic_add_fetch(&m->shared->epoch, 1, __ATOMIC_RELEASE);
	futex(&m->shared->epoch, FUTEX_WAKE, INT_MAX, NULL);
	while (nr)
		vttm_gem_close(fd, markers[--nr]);
	m->moves++;
}

static void *mover_main(void *arg)
{
	struct mover *m = arg;

	while (!m->stop)
		move_and_mark(m, &m->bos[m->moves % NR_BOS]);
	return NULL;
}

/* Reaps one child (blocking or not); returns whether one was reaped. */
static bool reap_child(bool block, unsigned long *stale,
		       unsigned long *timeouts, int *bad_status)
{
	int status;
	pid_t pid = waitpid(-1, &status, block ? 0 : WNOHANG);

	if (pid <= 0) {
		igt_assert_f(pid == 0 || !block, "waitpid: %s",
			     strerror(errno));
		return false;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == CHILD_STALE)
		(*stale)++;
	else if (WIFEXITED(status) && WEXITSTATUS(status) == CHILD_TIMEOUT)
		(*timeouts)++;
	else if (!WIFEXITED(status) || WEXITSTATUS(status) != CHILD_OK)
		*bad_status = status;
	return true;
}

/**
 * SUBTEST: fork-while-moving
 * Description: While a thread moves NR_BOS PMD-mapped 2 MiB BOs between
 *   VRAM and TT and fills the memory each move frees with a marker BO,
 *   the main thread forks as fast as it can; every child reads every page
 *   of every BO through the mappings it inherited, at once and after the
 *   next marker is written, and must read only the BO's own data: never a
 *   marker, zeros or another BO's data (which a PMD copied from before a
 *   move's zap would show). The BOs must be PMD-mapped in VRAM before the
 *   race starts (skips otherwise) and every VRAM placement during it, and
 *   marker BOs must have reused VRAM the race BOs left.
 */
static void test_fork_while_moving(void)
{
	const double seconds = opt_seconds.given ? opt_seconds.value : 5;
	const unsigned long min_forks = opt_forks.given ? opt_forks.value : 0;
	unsigned long forks = 0, stale = 0, timeouts = 0, live = 0;
	struct race_bo bos[NR_BOS];
	struct vttm_usage base;
	struct race_shared *sh;
	struct vttm_dev dev;
	struct mover m;
	pthread_t mover;
	int bad_status = 0;
	double start;
	unsigned int i;

	vttm_require(&dev);
	base = vttm_read_usage(&dev);

	for (i = 0; i < NR_BOS; i++) {
		u64 id;
		long faults;

		bos[i].handle = vttm_create_bo(dev.fd, BO_SIZE,
					       VRAM | TT, VRAM);
		bos[i].domain = VRAM;
		bos[i].map = vttm_mmap_bo(dev.fd, bos[i].handle, BO_SIZE);
		host_fill(bos[i].map, BO_SIZE, BO_TAG(i));
		/* Zap what the fill faulted in, to count the fault again. */
		vttm_move_bo(dev.fd, bos[i].handle, TT);
		vttm_move_bo(dev.fd, bos[i].handle, VRAM);
		id = vttm_get_bo_info(dev.fd, bos[i].handle).id;
		if (vttm_audit_huge_windows(&dev, id, BO_SIZE) != 1)
			igt_skip("VRAM BO %u is not 2 MiB-aligned in VRAM: TTM cannot map it with a PMD, so fork has no PMD to copy",
				 i);
		if (!fault_in_is_pmd(&bos[i], &faults))
			igt_skip("VRAM BO %u took %ld faults for its 2 MiB window: it is not PMD-mapped (no TTM huge fault on this kernel?), so fork has no PMD to copy",
				 i, faults);
	}

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	igt_assert(sh != MAP_FAILED);
	memset(sh, 0, sizeof(*sh));
	memset(&m, 0, sizeof(m));
	m.dev = &dev;
	m.bos = bos;
	m.shared = sh;
	igt_assert_eq(pthread_create(&mover, NULL, mover_main, &m), 0);

	start = igt_now();
	while (igt_now() - start < seconds || forks < min_forks) {
		pid_t pid;

		while (reap_child(false, &stale, &timeouts, &bad_status))
			live--;
		if (live >= MAX_CHILDREN) {
			reap_child(true, &stale, &timeouts, &bad_status);
			live--;
			continue;
		}
		pid = fork();
		igt_assert_f(pid >= 0, "fork: %s", strerror(errno));
		if (pid == 0)
			child_main(bos, sh);
		live++;
		forks++;
	}

	m.stop = true;
	igt_assert_eq(pthread_join(mover, NULL), 0);
	__atomic_store_n(&sh->stopping, 1, __ATOMIC_RELEASE);
	futex(&sh->epoch, FUTEX_WAKE, INT_MAX, NULL);
	while (live) {
		reap_child(true, &stale, &timeouts, &bad_status);
		live--;
	}

	igt_info("%lu forks, %lu moves; PMD-mapped placements: VRAM %lu of %lu, TT %lu of %lu; marker BOs in the memory left: VRAM %lu of %lu, TT %lu of %lu\n",
		 forks, m.moves, m.placed_pmd[0], m.placed[0], m.placed_pmd[1],
		 m.placed[1], m.reused[0], m.left[0], m.reused[1], m.left[1]);

	if (stale) {
		const struct stale_read *r = &sh->first;
		char what[160];

		describe_word(what, sizeof(what), r->val, r->bo);
		igt_fail("%lu of %lu children read memory their BO no longer owns; the first (pid %d), %s, read %#llx at offset %#llx of race BO %u (expected %#llx): %s",
			 stale, forks, r->pid,
			 r->after_epoch ? "after the next marker was written" :
					  "right after fork",
			 (unsigned long long)r->val,
			 (unsigned long long)r->off, r->bo,
			 (unsigned long long)r->want, what);
	}
	igt_assert_f(!timeouts,
		     "%lu children saw no new epoch in %d s: the mover stalled",
		     timeouts, CHILD_WAIT_S);
	igt_assert_f(!bad_status,
		     "a child ended with status %#x (signal %d): reading its inherited BO mappings must not fault",
		     bad_status,
		     WIFSIGNALED(bad_status) ? WTERMSIG(bad_status) : 0);
	igt_assert_f(forks > 0 && m.moves > 0, "no race: %lu forks, %lu moves",
		     forks, m.moves);
	/* Otherwise fork had no PMD to copy in VRAM, and this proved little. */
	igt_assert_f(m.placed_pmd[0] == m.placed[0],
		     "only %lu of %lu VRAM placements were PMD-mapped",
		     m.placed_pmd[0], m.placed[0]);
	/* Otherwise a stale PMD into VRAM would have read the BO's old data. */
	igt_assert_f(m.reused[0] > 0,
		     "no marker BO got the VRAM a race BO left (%lu moves out of VRAM)",
		     m.left[0]);

	for (i = 0; i < NR_BOS; i++) {
		igt_assert_eq(munmap(bos[i].map, BO_SIZE), 0);
		vttm_gem_close(dev.fd, bos[i].handle);
	}
	munmap(sh, sizeof(*sh));
	close(dev.fd);
	vttm_check_usage(&dev, &base);
}

static const struct igt_subtest tests[] = {
	{ "fork-while-moving", test_fork_while_moving },
};

IGT_MAIN_OPTS(tests, opts)
