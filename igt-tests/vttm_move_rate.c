// SPDX-License-Identifier: GPL-2.0-only
/*
 * vttm_move_rate: how fast vttm moves a BO between domains, for the record.
 * Informational only (under QEMU TCG the figures say little about real
 * hardware), so it is a tool, not a test: make check never runs it.
 *
 *   vttm_move_rate [MiB] [rounds]
 *
 * Fills a BO through its mmap, then times rounds of VRAM->TT->SYSTEM->VRAM
 * and prints MiB/s per kind of move. VRAM<->TT/SYSTEM moves copy the data;
 * TT<->SYSTEM only binds or unbinds the pages.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/igt_proto.h"
#include "lib/vttm.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	static const __u32 cycle[] = { VTTM_DOMAIN_TT, VTTM_DOMAIN_SYSTEM,
				       VTTM_DOMAIN_VRAM };
	unsigned long long mib = argc > 1 ? strtoull(argv[1], NULL, 0) : 16;
	unsigned int rounds = argc > 2 ? strtoul(argv[2], NULL, 0) : 8;
	double spent[3] = { 0 };
	struct vttm_dev dev;
	unsigned int r, i;
	__u32 handle;
	void *map;

	if (!vttm_open(&dev)) {
		fprintf(stderr, "vttm_move_rate: no vttm device\n");
		return 77;
	}
	handle = vttm_create_bo(dev.fd, mib << 20, VTTM_DOMAINS_ALL,
				VTTM_DOMAIN_VRAM);
	map = vttm_mmap_bo(dev.fd, handle, mib << 20);
	memset(map, 0x5a, mib << 20);

	for (r = 0; r < rounds; r++) {
		for (i = 0; i < 3; i++) {
			double t = now_s();

			vttm_move_bo(dev.fd, handle, cycle[i]);
			spent[i] += now_s() - t;
		}
	}
	for (i = 0; i < 3; i++)
		printf("%-6s -> %-6s %8.1f MiB/s  (%u moves of %llu MiB)\n",
		       vttm_domain_name(cycle[(i + 2) % 3]),
		       vttm_domain_name(cycle[i]), rounds * mib / spent[i],
		       rounds, mib);
	return 0;
}
