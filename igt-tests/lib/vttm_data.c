// SPDX-License-Identifier: GPL-2.0-only
/* vttm_data: fill and check BOs through CPU mappings. See vttm_data.h. */
#include <signal.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "igt_proto.h"
#include "vttm.h"
#include "vttm_data.h"

static __u32 pattern(__u32 seed, size_t i)
{
	return seed ^ (__u32)(i * 2654435761u);
}

void vttm_fill(__u32 *map, __u64 size, __u32 seed)
{
	size_t i;

	for (i = 0; i < size / 4; i++)
		map[i] = pattern(seed, i);
}

void vttm_check_range(const __u32 *map, __u64 from, __u64 to, __u32 seed,
		      const char *what)
{
	size_t i;

	for (i = from / 4; i < to / 4; i++) {
		__u32 want = seed ? pattern(seed, i) : 0;

		if (map[i] != want)
			igt_fail("%s: word %zu is %#x, expected %#x", what, i,
				 map[i], want);
	}
}

void vttm_check(const __u32 *map, __u64 size, __u32 seed, const char *what)
{
	vttm_check_range(map, 0, size, seed, what);
}

void vttm_check_bo(int fd, __u32 handle, const __u32 *map, __u64 size,
		   __u32 seed, const char *what)
{
	__u32 *fresh;

	vttm_check(map, size, seed, what);
	fresh = vttm_mmap_bo(fd, handle, size);
	vttm_check(fresh, size, seed, what);
	munmap(fresh, size);
}

void vttm_check_in_child(__u32 *map, __u64 from, __u64 to, __u32 seed,
			 int want_sig)
{
	pid_t pid = fork();
	int status;

	igt_assert(pid >= 0);
	if (pid == 0) {
		vttm_check_range(map, from, to, seed, "in a forked child");
		/* The KVM selftests library catches SIGSEGV; die of it. */
		signal(SIGSEGV, SIG_DFL);
		*(volatile __u32 *)&map[from / 4] = map[from / 4];
		_exit(0);
	}
	igt_assert_eq(waitpid(pid, &status, 0), pid);
	if (want_sig)
		igt_assert_f(WIFSIGNALED(status) && WTERMSIG(status) == want_sig,
			     "the child's write to a read-only BO mapping: status %#x, expected signal %d",
			     status, want_sig);
	else
		igt_assert_f(WIFEXITED(status) && WEXITSTATUS(status) == 0,
			     "the forked child exited with status %#x", status);
}
