// SPDX-License-Identifier: GPL-2.0-only
/* vttm_audit: vttm's page audit, parsed. See vttm_audit.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "igt_proto.h"
#include "vttm_audit.h"

#define SZ_2M	(2ull << 20)

char *__vttm_bo_audit(const struct vttm_dev *dev, __u64 id)
{
	char *text = vttm_debugfs_read(dev, "vttm_bos"), *start, *end;
	char head[32], *section = NULL;
	size_t hlen;

	hlen = snprintf(head, sizeof(head), "bo %llu ", (unsigned long long)id);
	for (start = text; start; start = vttm_next_line(start))
		if (!strncmp(start, head, hlen))
			break;
	if (start) {
		for (end = vttm_next_line(start); end && end[0] == ' ';
		     end = vttm_next_line(end))
			;
		section = end ? strndup(start, end - start) : strdup(start);
		igt_assert(section);
	}
	free(text);
	return section;
}

char *vttm_bo_audit(const struct vttm_dev *dev, __u64 id)
{
	char *section = __vttm_bo_audit(dev, id);

	igt_assert_f(section, "BO %llu not in vttm_bos", (unsigned long long)id);
	return section;
}

int ttm_foreign_page_refs(void)
{
	FILE *f = fopen("/sys/kernel/debug/ttm/foreign_page_refs", "r");
	int n = -1;

	if (!f)
		return -1;
	igt_assert_f(fscanf(f, "%d", &n) == 1 && n >= 0,
		     "unreadable ttm/foreign_page_refs");
	fclose(f);
	return n;
}

void vttm_check_audit_pages(const char *audit, __u64 size)
{
	unsigned long prev_pfn = 0;
	const char *line = audit;
	__u64 pages = 0;

	/*
	 * TTM allocates chunks without __GFP_COMP and holds one reference
	 * per chunk, on its first page; the other pages of the chunk have
	 * refcount 0 (both kernels: the series checks them, it does not
	 * refcount them). So a run with refcount 0 continues the pfns of the
	 * page before it, and the BO starts with a chunk's first page.
	 */
	while ((line = strstr(line, "\n  pages "))) {
		unsigned long first, last, pfn0, pfn1;
		char kind[16];
		int ref;

		line += 1;
		igt_assert_f(sscanf(line, "  pages %lu-%lu pfn %lx-%lx ref %d kind %15s",
				    &first, &last, &pfn0, &pfn1, &ref, kind) == 6,
			     "bad audit line: %.80s", line);
		igt_assert_eq(pfn1 - pfn0, last - first);
		igt_assert_f(!strcmp(kind, "single"), "kind %s", kind);
		igt_assert_f(ref == 0 || ref == 1,
			     "pages %lu-%lu have refcount %d: only TTM may hold a reference",
			     first, last, ref);
		igt_assert_f(ref == 1 || (first > 0 && pfn0 == prev_pfn + 1),
			     "pages %lu-%lu have refcount 0 but do not continue a chunk (pfn %#lx after %#lx)",
			     first, last, pfn0, prev_pfn);
		prev_pfn = pfn1;
		pages += last - first + 1;
	}
	igt_assert_eq(pages, size / VTTM_PAGE);
}

char *vttm_audit_pages(const struct vttm_dev *dev, __u64 id)
{
	char *audit = vttm_bo_audit(dev, id), *pages;

	pages = strdup(strchr(audit, '\n') ?: "");
	igt_assert(pages);
	free(audit);
	return pages;
}

void vttm_audit_pfns(const struct vttm_dev *dev, __u64 id, uint64_t *pfns,
		     __u64 nr_pages)
{
	char *audit = vttm_bo_audit(dev, id), *line = audit;
	__u64 n = 0;

	while ((line = strstr(line, "\n  pages "))) {
		unsigned long first, last, pfn0, pfn1, i;

		line++;
		igt_assert_f(sscanf(line, "  pages %lu-%lu pfn %lx-%lx",
				    &first, &last, &pfn0, &pfn1) == 4,
			     "bad audit line: %.80s", line);
		for (i = first; i <= last && i < nr_pages; i++, n++)
			pfns[i] = pfn0 + (i - first);
	}
	igt_assert_eq(n, nr_pages);
	free(audit);
}

/* The 2 MiB windows of a BO that lie in the run of pages @first-@last at @pfn0. */
static unsigned long huge_windows_in_run(unsigned long first, unsigned long last,
					 unsigned long pfn0, __u64 size)
{
	unsigned long w, huge = 0;

	for (w = 0; w < size / SZ_2M; w++) {
		unsigned long start = w * (SZ_2M / VTTM_PAGE);

		huge += start >= first &&
			start + SZ_2M / VTTM_PAGE - 1 <= last &&
			(pfn0 + start - first) % (SZ_2M / VTTM_PAGE) == 0;
	}
	return huge;
}

unsigned int vttm_audit_huge_windows(const struct vttm_dev *dev, __u64 id,
				     __u64 size)
{
	char *audit = vttm_bo_audit(dev, id);
	unsigned long first, last, pfn0, pfn1, huge = 0;
	unsigned long rfirst = 0, rlast = 0, rpfn0 = 0, rpfn1 = 0;
	bool run = false;
	const char *line = audit;

	/*
	 * The audit splits a physically contiguous run where the refcount
	 * changes (a chunk's first page holds TTM's reference, the others
	 * none): join the lines whose pages and pfns continue each other.
	 */
	while ((line = strchr(line, '\n'))) {
		line++;
		if (sscanf(line, "  vram pfn %lx-%lx", &pfn0, &pfn1) == 2) {
			first = 0;
			last = pfn1 - pfn0;
		} else if (sscanf(line, "  pages %lu-%lu pfn %lx-%lx", &first,
				  &last, &pfn0, &pfn1) != 4) {
			continue;
		}
		if (run && first == rlast + 1 && pfn0 == rpfn1 + 1) {
			rlast = last;
			rpfn1 = pfn1;
			continue;
		}
		if (run)
			huge += huge_windows_in_run(rfirst, rlast, rpfn0, size);
		rfirst = first;
		rlast = last;
		rpfn0 = pfn0;
		rpfn1 = pfn1;
		run = true;
	}
	if (run)
		huge += huge_windows_in_run(rfirst, rlast, rpfn0, size);
	free(audit);
	return huge;
}
