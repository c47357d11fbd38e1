/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vttm_audit: vttm's page audit (debugfs vttm_bos, Documentation/gpu/vttm.rst)
 * and TTM's foreign reference count, parsed. A BO's section is its "bo"
 * line, then one indented line per run of backing memory:
 *
 *   bo 7 size 2097152 domain TT ...
 *     pages 0-511 pfn 1a200-1a3ff ref 1 kind single
 *     vram pfn c0000-c01ff
 */
#ifndef IGT_TESTS_VTTM_AUDIT_H
#define IGT_TESTS_VTTM_AUDIT_H

#include <stdint.h>

#include "vttm.h"

/*
 * The vttm_bos section of BO @id: its "bo" line and the indented lines
 * after it; NULL if the BO is not listed. The caller frees the result.
 */
char *__vttm_bo_audit(const struct vttm_dev *dev, __u64 id);
/* As __vttm_bo_audit(), but fails the subtest if the BO is not listed. */
char *vttm_bo_audit(const struct vttm_dev *dev, __u64 id);

/*
 * TTM's count of pages found with a reference it does not own
 * (debugfs ttm/foreign_page_refs), or -1 on a kernel without it.
 */
int ttm_foreign_page_refs(void);

/*
 * Checks the page lines of an audit from vttm_bo_audit() (each preceded by
 * a newline): @size bytes of plain pages. On a kernel that refcounts every
 * TTM page (it has ttm_foreign_page_refs()), each has refcount 1; on
 * upstream 7.3, only the first page of a chunk does, the others 0.
 */
void vttm_check_audit_pages(const char *audit, __u64 size);

/* The lines after the "bo" line of BO @id's section (each after a newline). */
char *vttm_audit_pages(const struct vttm_dev *dev, __u64 id);

/* The page frames of the @nr_pages pages of a TT or SYSTEM BO, in @pfns. */
void vttm_audit_pfns(const struct vttm_dev *dev, __u64 id, uint64_t *pfns,
		     __u64 nr_pages);

/*
 * How many of the 2 MiB windows of BO @id (@size bytes) its audit shows
 * backed by one run of page frames starting 2 MiB-aligned: what TTM can
 * map with a PMD.
 */
unsigned int vttm_audit_huge_windows(const struct vttm_dev *dev, __u64 id,
				     __u64 size);

#endif
