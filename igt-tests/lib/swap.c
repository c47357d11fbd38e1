// SPDX-License-Identifier: GPL-2.0-only
/* swap: swap space on or off for a check. See swap.h. */
#include <stdio.h>
#include <string.h>
#include <sys/swap.h>
#include <sys/wait.h>
#include <unistd.h>

#include "igt_proto.h"
#include "swap.h"

#define MAX_SWAPS	8

bool have_swap(void)
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

void run_with_swap_off(void (*check)(void))
{
	char swaps[MAX_SWAPS][256], line[512];
	int n = 0, i, status;
	FILE *f;
	pid_t pid;

	f = fopen("/proc/swaps", "r");
	igt_assert(f);
	while (fgets(line, sizeof(line), f))
		if (line[0] == '/' && n < MAX_SWAPS &&
		    sscanf(line, "%255s", swaps[n]) == 1)
			n++;
	fclose(f);
	for (i = 0; i < n; i++)
		igt_assert_f(!swapoff(swaps[i]), "swapoff %s: %s", swaps[i],
			     strerror(errno));

	fflush(NULL);
	pid = fork();
	igt_assert(pid >= 0);
	if (pid == 0) {
		check();
		_exit(0);
	}
	igt_assert_eq(waitpid(pid, &status, 0), pid);

	for (i = 0; i < n; i++)
		igt_assert_f(!swapon(swaps[i], 0), "swapon %s: %s", swaps[i],
			     strerror(errno));
	if (WIFEXITED(status) && WEXITSTATUS(status) == IGT_EXIT_SKIP)
		igt_skip("the check with swap off skipped");
	igt_assert_f(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		     "the check with swap off failed (status %#x)", status);
}
