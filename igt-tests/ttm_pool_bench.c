// SPDX-License-Identifier: GPL-2.0-only
/*
 * ttm_pool_bench: what TTM's page pool costs, through vttm TT BOs, counted
 * in guest instructions. A tool for `make bench`, not a test: make check
 * never runs it. scripts/bench.sh boots each kernel with QEMU's
 * `-icount shift=0`, where the guest's clock advances one nanosecond per
 * instruction, so a CLOCK_MONOTONIC delta is an instruction count that does
 * not depend on host load.
 *
 *   ttm_pool_bench [rounds]        (default 16)
 *
 * Figures, each the median over @rounds, per MiB of BO:
 *   - create-free: create a 32 MiB TT BO, touch one byte through its mmap
 *     (the first fault populates the whole ttm_tt from the pool, zeroed),
 *     unmap and close it;
 *   - churn: eight live TT BOs of 1-8 MiB; each step frees one at random
 *     and creates and populates another of random size (a fixed seed);
 *   - swap-cycle: back a populated 32 MiB BO up (move to SYSTEM with
 *     VTTM_MOVE_SWAPOUT) and restore it (move to TT and touch);
 *   - chunks-2m: after the churn, the share of the live BOs' pages that lie
 *     in whole, aligned 2 MiB blocks of page frames (vttm's page dump), in
 *     percent: what the pool still hands out in large chunks.
 *
 * Output: one "bench <metric> <value>" line per figure.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "lib/vttm.h"

#define BIG_MIB		32
#define CHURN_BOS	8
#define CHURN_STEPS	64

static struct vttm_dev dev;

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static int cmp_ull(const void *a, const void *b)
{
	unsigned long long x = *(const unsigned long long *)a;
	unsigned long long y = *(const unsigned long long *)b;

	return x < y ? -1 : x > y;
}

static unsigned long long median(unsigned long long *v, unsigned int n)
{
	qsort(v, n, sizeof(*v), cmp_ull);
	return v[n / 2];
}

/* The first CPU fault populates the whole ttm_tt. */
static void touch_one(__u32 handle, unsigned long long size)
{
	volatile char *map = vttm_mmap_bo(dev.fd, handle, size);

	(void)map[0];
	munmap((void *)map, size);
}

static __u32 new_tt_bo(unsigned long long size)
{
	__u32 handle = vttm_create_bo(dev.fd, size, VTTM_DOMAIN_TT |
				      VTTM_DOMAIN_SYSTEM, VTTM_DOMAIN_TT);

	touch_one(handle, size);
	return handle;
}

static unsigned long long bench_create_free(void)
{
	unsigned long long t = now_ns();

	vttm_gem_close(dev.fd, new_tt_bo((unsigned long long)BIG_MIB << 20));
	return (now_ns() - t) / BIG_MIB;
}

static unsigned long long rnd_state = 0x2545f4914f6cdd1dull;

static unsigned int rnd(unsigned int n)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state % n;
}

static __u32 churn_bo[CHURN_BOS];
static unsigned int churn_mib[CHURN_BOS];

/* One churn round: CHURN_STEPS replacements; instructions per MiB made. */
static unsigned long long bench_churn(void)
{
	unsigned long long t, made = 0;
	unsigned int i, k;

	t = now_ns();
	for (i = 0; i < CHURN_STEPS; i++) {
		k = rnd(CHURN_BOS);
		vttm_gem_close(dev.fd, churn_bo[k]);
		churn_mib[k] = 1 + rnd(8);
		churn_bo[k] = new_tt_bo((unsigned long long)churn_mib[k] << 20);
		made += churn_mib[k];
	}
	return (now_ns() - t) / made;
}

static unsigned long long bench_swap_cycle(__u32 handle)
{
	unsigned long long t = now_ns();
	int err = __vttm_move_bo(dev.fd, handle, VTTM_DOMAIN_SYSTEM,
				 VTTM_MOVE_SWAPOUT);

	if (err) {
		fprintf(stderr, "ttm_pool_bench: swapout: %s\n", strerror(-err));
		return 0;
	}
	vttm_move_bo(dev.fd, handle, VTTM_DOMAIN_TT);
	touch_one(handle, (unsigned long long)BIG_MIB << 20);
	return (now_ns() - t) / BIG_MIB;
}

/*
 * From vttm_bos: page-frame extents of the populated BOs (runs with
 * consecutive page frames, whatever their reference counts), and the pages
 * in whole 2 MiB-aligned blocks inside them, in percent of all pages.
 */
static double chunks_2m_percent(void)
{
	char *text = vttm_debugfs_read(&dev, "vttm_bos"), *line, *save;
	unsigned long long in_blocks = 0, pages = 0;
	unsigned long ext_first = 0, ext_last = 0, first, last;
	bool have = false;

	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		unsigned long a, b;
		unsigned long long lo, hi;

		if (sscanf(line, " pages %lu-%lu pfn %lx-%lx", &a, &b,
			   &first, &last) != 4)
			continue;
		pages += last - first + 1;
		if (have && first == ext_last + 1) {
			ext_last = last;
			continue;
		}
		if (have) {
			lo = (ext_first + 511) & ~511ull;
			hi = (ext_last + 1) & ~511ull;
			if (hi > lo)
				in_blocks += hi - lo;
		}
		ext_first = first;
		ext_last = last;
		have = true;
	}
	if (have) {
		unsigned long long lo = (ext_first + 511) & ~511ull;
		unsigned long long hi = (ext_last + 1) & ~511ull;

		if (hi > lo)
			in_blocks += hi - lo;
	}
	free(text);
	return pages ? 100.0 * in_blocks / pages : 0;
}

int main(int argc, char **argv)
{
	unsigned int rounds = argc > 1 ? strtoul(argv[1], NULL, 0) : 16;
	unsigned long long *v;
	unsigned int r, k;
	__u32 big;

	if (!rounds || !vttm_open(&dev)) {
		fprintf(stderr, "ttm_pool_bench: no vttm device (or 0 rounds)\n");
		return 77;
	}
	v = calloc(rounds, sizeof(*v));
	if (!v)
		return 1;

	/* One round first, so that later ones start from a warm pool. */
	bench_create_free();
	for (r = 0; r < rounds; r++)
		v[r] = bench_create_free();
	printf("bench create-free-insn-per-mib %llu\n", median(v, rounds));

	for (k = 0; k < CHURN_BOS; k++) {
		churn_mib[k] = 1 + rnd(8);
		churn_bo[k] = new_tt_bo((unsigned long long)churn_mib[k] << 20);
	}
	for (r = 0; r < rounds; r++)
		v[r] = bench_churn();
	printf("bench churn-insn-per-mib %llu\n", median(v, rounds));
	printf("bench chunks-2m-percent %.1f\n", chunks_2m_percent());
	for (k = 0; k < CHURN_BOS; k++)
		vttm_gem_close(dev.fd, churn_bo[k]);

	big = new_tt_bo((unsigned long long)BIG_MIB << 20);
	for (r = 0; r < rounds; r++)
		v[r] = bench_swap_cycle(big);
	printf("bench swap-cycle-insn-per-mib %llu\n", median(v, rounds));
	vttm_gem_close(dev.fd, big);

	free(v);
	return 0;
}
