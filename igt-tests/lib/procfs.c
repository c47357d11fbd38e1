// SPDX-License-Identifier: GPL-2.0-only
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "igt_proto.h"
#include "procfs.h"

void vma_flags(const void *addr, char *flags, size_t len)
{
	unsigned long start, end;
	bool found = false;
	char line[512];
	FILE *f;

	f = fopen("/proc/self/smaps", "r");
	igt_assert(f);
	while (fgets(line, sizeof(line), f)) {
		/* A VMA's first line: "start-end perms offset dev inode". */
		if (sscanf(line, "%lx-%lx ", &start, &end) == 2) {
			found = start == (unsigned long)addr;
			continue;
		}
		if (found && !strncmp(line, "VmFlags:", 8)) {
			/* " pf io ... ": every flag between two spaces. */
			line[strcspn(line, "\n")] = ' ';
			snprintf(flags, len, "%s", line + 8);
			fclose(f);
			return;
		}
	}
	fclose(f);
	igt_fail("no VMA starting at %p in /proc/self/smaps", addr);
}

bool has_flag(const char *flags, const char *flag)
{
	char padded[8];

	snprintf(padded, sizeof(padded), " %s ", flag);
	return strstr(flags, padded);
}

/* Minor page faults of @who (RUSAGE_SELF or RUSAGE_THREAD) so far. */
static long rusage_minor_faults(int who)
{
	struct rusage ru;

	igt_assert_eq(getrusage(who, &ru), 0);
	return ru.ru_minflt;
}

/* Reads a byte of every page of @map; the minor faults of @who it took. */
static long rusage_touch_faults(int who, const void *map, unsigned long size)
{
	long before = rusage_minor_faults(who);
	unsigned long off;

	for (off = 0; off < size; off += 4096)
		(void)*((const volatile char *)map + off);
	return rusage_minor_faults(who) - before;
}

long minor_faults(void)
{
	return rusage_minor_faults(RUSAGE_SELF);
}

long touch_faults(const void *map, unsigned long size)
{
	return rusage_touch_faults(RUSAGE_SELF, map, size);
}

long thread_minor_faults(void)
{
	return rusage_minor_faults(RUSAGE_THREAD);
}

long thread_touch_faults(const void *map, unsigned long size)
{
	return rusage_touch_faults(RUSAGE_THREAD, map, size);
}
