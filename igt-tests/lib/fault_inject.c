// SPDX-License-Identifier: GPL-2.0-only
/* fault_inject: fail_page_alloc and failslab for one thread. See fault_inject.h. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fault_inject.h"
#include "igt_proto.h"

#define FAULT_DIR	"/sys/kernel/debug"
/* Failures an armed attribute may inject: more than any test makes. */
#define INJECT_TIMES	1000000

bool fault_inject_available(void)
{
	return !access(FAULT_DIR "/fail_page_alloc/probability", W_OK) &&
	       !access(FAULT_DIR "/failslab/probability", W_OK);
}

void fault_inject_write(const char *attr, const char *knob, const char *val)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), FAULT_DIR "/%s/%s", attr, knob);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	igt_assert_f(fd >= 0, "cannot open %s: %s", path, igt_errname(errno));
	igt_assert_f(write(fd, val, strlen(val)) == (ssize_t)strlen(val),
		     "writing %s to %s: %s", val, path, igt_errname(errno));
	close(fd);
}

long fault_inject_read(const char *attr, const char *knob)
{
	char path[128], buf[32] = "";
	int fd;

	snprintf(path, sizeof(path), FAULT_DIR "/%s/%s", attr, knob);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	igt_assert_f(fd >= 0, "cannot open %s: %s", path, igt_errname(errno));
	igt_assert(read(fd, buf, sizeof(buf) - 1) > 0);
	close(fd);
	return strtol(buf, NULL, 0);
}

void fault_inject_arm(const char *attr, const char *percent)
{
	char times[32];

	snprintf(times, sizeof(times), "%d", INJECT_TIMES);
	fault_inject_write(attr, "task-filter", "Y");
	fault_inject_write(attr, "probability", percent);
	fault_inject_write(attr, "interval", "1");
	fault_inject_write(attr, "space", "0");
	fault_inject_write(attr, "verbose", "0");
	fault_inject_write(attr, "ignore-gfp-wait", "N");
	fault_inject_write(attr, "times", times);
}

long fault_inject_disarm(const char *attr)
{
	long injected = INJECT_TIMES - fault_inject_read(attr, "times");

	fault_inject_write(attr, "probability", "0");
	return injected;
}

int fault_inject_thread_fd(void)
{
	int fd = open("/proc/thread-self/make-it-fail", O_WRONLY | O_CLOEXEC);

	igt_assert_f(fd >= 0, "cannot open /proc/thread-self/make-it-fail: %s",
		     igt_errname(errno));
	return fd;
}

void fault_inject_thread(int fd, bool on)
{
	igt_assert_eq(pwrite(fd, on ? "1" : "0", 1, 0), 1);
}
