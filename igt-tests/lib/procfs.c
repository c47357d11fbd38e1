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

long minor_faults(void)
{
	struct rusage ru;

	igt_assert_eq(getrusage(RUSAGE_SELF, &ru), 0);
	return ru.ru_minflt;
}

long touch_faults(const void *map, unsigned long size)
{
	long before = minor_faults();
	unsigned long off;

	for (off = 0; off < size; off += 4096)
		(void)*((const volatile char *)map + off);
	return minor_faults() - before;
}

long thread_minor_faults(void)
{
	struct rusage ru;

	igt_assert_eq(getrusage(RUSAGE_THREAD, &ru), 0);
	return ru.ru_minflt;
}

long thread_touch_faults(const void *map, unsigned long size)
{
	long before = thread_minor_faults();
	unsigned long off;

	for (off = 0; off < size; off += 4096)
		(void)*((const volatile char *)map + off);
	return thread_minor_faults() - before;
}
