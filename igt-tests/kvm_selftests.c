// SPDX-License-Identifier: GPL-2.0-only
/**
 * TEST: kvm_selftests
 * Description: The KVM selftests the series adds to
 *   tools/testing/selftests/kvm, run under igt_runner. Each subtest runs one
 *   selftest binary, built from the kernel tree beside this one (in
 *   kselftests/), and maps its exit status: 0 is SUCCESS, KSFT_SKIP (4) is
 *   SKIP, anything else FAIL. The selftest's own output explains a failure.
 */
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/igt_proto.h"

#define KSFT_SKIP	4

static void run_selftest(const char *name)
{
	char self[PATH_MAX], path[PATH_MAX + 32];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	int status;
	pid_t pid;

	igt_assert(n > 0);
	self[n] = '\0';
	snprintf(path, sizeof(path), "%s/kselftests/%s", dirname(self), name);
	igt_require(access(path, X_OK) == 0);

	fflush(NULL);
	pid = fork();
	igt_assert(pid >= 0);
	if (pid == 0) {
		/* The library loads the guest code from argv[0]. */
		execl(path, path, (char *)NULL);
		_exit(127);
	}
	igt_assert_eq(waitpid(pid, &status, 0), pid);
	igt_assert_f(WIFEXITED(status), "%s died with signal %d", name,
		     WTERMSIG(status));
	if (WEXITSTATUS(status) == KSFT_SKIP)
		igt_skip("%s skipped", name);
	igt_assert_f(WEXITSTATUS(status) == 0, "%s exited with %d", name,
		     WEXITSTATUS(status));
}

/**
 * SUBTEST: pfnmap-write
 * Description: tools/testing/selftests/kvm/pfnmap_write_test: a vgem BO (a
 *   write-notify VM_PFNMAP mapping) in a memslot; guest writes after
 *   nothing, after a guest read and after a host read land in the BO, with
 *   no KVM_RUN error and (x86) no emulated write.
 */
static void pfnmap_write(void)
{
	run_selftest("pfnmap_write_test");
}

static const struct igt_subtest tests[] = {
	{ "pfnmap-write", pfnmap_write },
};

IGT_MAIN(tests)
