// SPDX-License-Identifier: GPL-2.0-only
/*
 * igt_doc: --describe from the doc comments of a test's source. See
 * igt_doc.h.
 */
#include <stdio.h>
#include <string.h>

#include "igt_doc.h"

/* What a binary without a NAME.doc.c (a KVM selftest, say) describes. */
const struct igt_doc igt_doc __attribute__((weak));

static const char *subtest_description(const char *name)
{
	int i;

	for (i = 0; i < igt_doc.nr_subtests; i++)
		if (!strcmp(igt_doc.subtests[i].name, name))
			return igt_doc.subtests[i].description;
	return NULL;
}

/* Prints @text in lines of at most 78 columns, each indented by @indent. */
static void print_wrapped(const char *text, int indent)
{
	const char *p = text;
	int col = 0;

	while (*p) {
		int len = strcspn(p, " ");

		if (col && col + 1 + len > 78 - indent) {
			putchar('\n');
			col = 0;
		}
		if (!col)
			printf("%*s", indent, "");
		else
			putchar(' ');
		printf("%.*s", len, p);
		col += (col ? 1 : 0) + len;
		p += len;
		p += strspn(p, " ");
	}
	putchar('\n');
}

int igt_describe(const struct igt_subtest *tests, int n, const char *pattern)
{
	int i, j, bad = 0;

	if (igt_doc.description) {
		print_wrapped(igt_doc.description, 0);
		putchar('\n');
	}
	for (i = 0; i < n; i++) {
		const char *d = subtest_description(tests[i].name);

		if (pattern && !igt_selected(pattern, tests[i].name))
			continue;
		printf("SUB %s:\n", tests[i].name);
		print_wrapped(d ? d : "(no description)", 2);
		putchar('\n');
		if (!d) {
			fprintf(stderr, "subtest %s has no SUBTEST: description\n",
				tests[i].name);
			bad++;
		}
	}
	if (pattern)
		return IGT_EXIT_SUCCESS;
	for (j = 0; j < igt_doc.nr_subtests; j++) {
		for (i = 0; i < n; i++)
			if (!strcmp(igt_doc.subtests[j].name, tests[i].name))
				break;
		if (i == n) {
			fprintf(stderr, "SUBTEST: %s describes no subtest\n",
				igt_doc.subtests[j].name);
			bad++;
		}
	}
	if (!igt_doc.description) {
		fprintf(stderr, "no TEST: description\n");
		bad++;
	}
	return bad ? IGT_EXIT_FAILURE : IGT_EXIT_SUCCESS;
}
