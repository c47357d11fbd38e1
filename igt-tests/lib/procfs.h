/* SPDX-License-Identifier: GPL-2.0-only */
/* What /proc and getrusage() tell a test about its own mappings. */
#ifndef IGT_TESTS_PROCFS_H
#define IGT_TESTS_PROCFS_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The VmFlags of the mapping that starts at @addr, from /proc/self/smaps,
 * as " f1 f2 ... fn ".
 */
void vma_flags(const void *addr, char *flags, size_t len);

/*
 * VmFlags mnemonics (fs/proc/task_mmu.c) of the flags tests look at:
 * VM_PFNMAP, VM_IO and VM_MIXEDMAP.
 */
#define VMFLAG_PFNMAP	"pf"
#define VMFLAG_IO	"io"
#define VMFLAG_MIXEDMAP	"mm"

/* Whether the VmFlags line @flags holds the two-letter flag @flag. */
bool has_flag(const char *flags, const char *flag);

/* The minor page faults this process has taken so far. */
long minor_faults(void);

/* Reads a byte of every 4 KiB page of @map; returns the faults that took. */
long touch_faults(const void *map, unsigned long size);

/*
 * The same for the calling thread only (RUSAGE_THREAD): exact while other
 * threads of the process fault or fork.
 */
long thread_minor_faults(void);
long thread_touch_faults(const void *map, unsigned long size);

#endif
