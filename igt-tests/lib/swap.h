/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * swap: whether the test VM has swap space, and running a check without it.
 * TTM backs buffer objects up to shmem only when there is swap.
 */
#ifndef IGT_TESTS_SWAP_H
#define IGT_TESTS_SWAP_H

#include <stdbool.h>

/* Whether the system has free swap space (SwapFree in /proc/meminfo). */
bool have_swap(void);

/*
 * Turns every swap area off, runs @check in a forked child (a failed
 * assertion ends the child, not this process), turns them back on whatever
 * the outcome, and fails or skips as the child did.
 */
void run_with_swap_off(void (*check)(void));

#endif
