/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * igt_doc: what a test checks, for --describe, from IGT-style doc comments.
 *
 * IGT documents tests in comments of their source, which its igt_doc.py
 * turns into test plans. The same fields here, in any comment of a test's
 * source (one block at the top, one above each subtest):
 *
 *   TEST: kvm_bo_eviction
 *   Description: what the binary as a whole checks
 *     (more lines, indented, until a blank line)
 *
 *   SUBTEST: map-read-write-vram
 *   Description: what this subtest checks
 *
 * Several SUBTEST: lines in a row share the Description that follows. A
 * name may hold %arg[1] (and %arg[2] ...), listed after the description:
 *
 *   SUBTEST: %arg[1]-first-write
 *   Description: the first guest write to each page of a %arg[1] BO
 *
 *   arg[1]:
 *
 *   @vttm: vttm (TTM)
 *   @vgem: vgem (gem-shmem)
 *
 * which makes vttm-first-write and vgem-first-write, each description
 * with %arg[1] replaced by the value's text ("vttm (TTM)"). Values listed
 * once serve every SUBTEST: of the same comment that lists none. Other
 * text in the comments is left alone.
 *
 * lib/igt_doc.py turns NAME.c into NAME.doc.c, one struct igt_doc linked
 * into the binary (binaries without one get an empty doc).
 */
#ifndef IGT_TESTS_IGT_DOC_H
#define IGT_TESTS_IGT_DOC_H

#include "igt_proto.h"

struct igt_subtest_doc {
	const char *name;
	const char *description;
};

struct igt_doc {
	const char *test;		/* the TEST: name */
	const char *description;	/* its Description */
	const struct igt_subtest_doc *subtests;
	int nr_subtests;
};

extern const struct igt_doc igt_doc;

/*
 * --describe[=@pattern]: prints the test's description and each matching
 * subtest's. Without @pattern, also checks that every subtest has a
 * description and every description a subtest: IGT_EXIT_FAILURE if not,
 * naming them on stderr.
 */
int igt_describe(const struct igt_subtest *tests, int n, const char *pattern);

#endif
