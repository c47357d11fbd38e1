// SPDX-License-Identifier: GPL-2.0-only
/*
 * igt_proto: IGT's test-binary protocol for tests that do not link libigt.
 * See igt_proto.h for the command line and the output format.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* strerrorname_np() */
#endif
#include <fcntl.h>
#include <fnmatch.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "igt_doc.h"
#include "igt_proto.h"

/*
 * kselftest's KSFT_SKIP. The KVM selftests library exits with it from
 * TEST_REQUIRE() and when /dev/kvm cannot be opened, so treat it as a skip.
 */
#define KSFT_EXIT_SKIP	4

bool igt_debug_enabled;

/* igt_runner sets this and then expects the sentinels on stderr too. */
static bool sentinel_on_stderr;

/*
 * Kernel log lines that fail the subtest that was running. Keep in sync with
 * tests/dmesg-fail.pattern, which check.sh applies to the whole VM log.
 * kmemleak is judged from its dump after each suite (check.sh), not here.
 */
static const char *const kmsg_fail[] = {
	"WARNING:", "BUG:", "Oops", "Bad page", "refcount_t:",
	"general protection fault", "kernel BUG",
	"possible circular locking", "possible recursive locking",
	"inconsistent lock state", "suspicious RCU usage",
	"blocked for more than", "UBSAN:", "KASAN:",
};

static void vlog(FILE *f, const char *fmt, va_list ap)
{
	vfprintf(f, fmt, ap);
	if (!*fmt || fmt[strlen(fmt) - 1] != '\n')
		fputc('\n', f);
	fflush(f);
}

void igt_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(stdout, fmt, ap);
	va_end(ap);
}

void igt_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(stderr, fmt, ap);
	va_end(ap);
}

const char *igt_errname(int err)
{
	static char buf[24];
	const char *s;

	if (!err)
		return "0";
	if (err < 0)	/* -errno, as __helper()s return it */
		err = -err;
	s = strerrorname_np(err);
	if (s)
		return s;
	snprintf(buf, sizeof(buf), "errno %d", err);
	return buf;
}

/* Only ever called inside the forked subtest child: just leave it. */
static void __attribute__((noreturn))
end_subtest(int code, const char *what, const char *file, int line,
	    const char *func, const char *fmt, va_list ap)
{
	fflush(stdout);
	fprintf(stderr, "%s at %s:%d %s():\n  ", what, file, line, func);
	vlog(stderr, fmt, ap);
	_exit(code);
}

void __igt_fail(const char *file, int line, const char *func,
		const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	end_subtest(IGT_EXIT_FAILURE, "Test failed", file, line, func, fmt, ap);
}

void __igt_skip(const char *file, int line, const char *func,
		const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	end_subtest(IGT_EXIT_SKIP, "Test skipped", file, line, func, fmt, ap);
}

/* Returns an fd positioned at the end of the kernel log, or -1. */
static int kmsg_open(void)
{
	static bool warned;
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0) {
		if (!warned)
			igt_warn("cannot open /dev/kmsg (%s): kernel log not checked",
				 strerror(errno));
		warned = true;
		return -1;
	}
	lseek(fd, 0, SEEK_END);
	return fd;
}

/* Prints and counts the kernel log records since kmsg_open() that match. */
static int kmsg_check(int fd)
{
	char buf[8192];
	int bad = 0;

	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf) - 1);
		char *msg, *end;
		size_t i;

		if (n < 0 && (errno == EPIPE || errno == EINTR))
			continue;	/* EPIPE: records were overwritten */
		if (n <= 0)
			break;		/* EAGAIN: no more records */
		buf[n] = '\0';
		/* One record per read: "prio,seq,usec,flags;text\n KEY=val..." */
		msg = strchr(buf, ';');
		msg = msg ? msg + 1 : buf;
		end = strchr(msg, '\n');
		if (end)
			*end = '\0';
		for (i = 0; i < sizeof(kmsg_fail) / sizeof(kmsg_fail[0]); i++) {
			if (strstr(msg, kmsg_fail[i])) {
				igt_warn("kernel: %s", msg);
				bad++;
				break;
			}
		}
	}
	close(fd);
	return bad;
}

static void sentinel(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(stdout, fmt, ap);
	va_end(ap);
	if (sentinel_on_stderr) {
		va_start(ap, fmt);
		vlog(stderr, fmt, ap);
		va_end(ap);
	}
}

/* Maps the subtest child's wait status to an IGT exit code. */
static int status_to_code(int status)
{
	if (WIFSIGNALED(status)) {
		igt_warn("subtest killed by signal %d (%s)", WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
		return IGT_EXIT_FAILURE;
	}
	switch (WEXITSTATUS(status)) {
	case IGT_EXIT_SUCCESS:
	case IGT_EXIT_SKIP:
	case IGT_EXIT_FAILURE:
		return WEXITSTATUS(status);
	case KSFT_EXIT_SKIP:
		return IGT_EXIT_SKIP;
	default:	/* e.g. 254 from the KVM selftests' TEST_ASSERT() */
		igt_warn("subtest exited with unexpected status %d",
			 WEXITSTATUS(status));
		return IGT_EXIT_FAILURE;
	}
}

double igt_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int run_subtest(const struct igt_subtest *t)
{
	pid_t parent = getpid(), pid;
	int status, code, kfd;
	const char *result;
	double start;

	sentinel("Starting subtest: %s", t->name);
	kfd = kmsg_open();
	fflush(NULL);	/* or the child would flush our buffers again */
	start = igt_now();
	pid = fork();
	if (pid == 0) {
		/* Do not outlive the parent when igt_runner kills it. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(IGT_EXIT_FAILURE);
		t->fn();
		fflush(NULL);
		_exit(IGT_EXIT_SUCCESS);
	}
	if (pid < 0) {
		igt_warn("fork: %s", strerror(errno));
		code = IGT_EXIT_FAILURE;
	} else {
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		code = status_to_code(status);
	}
	if (kfd >= 0 && kmsg_check(kfd)) {
		igt_warn("kernel log has warnings from subtest %s", t->name);
		code = IGT_EXIT_FAILURE;
	}
	result = code == IGT_EXIT_SUCCESS ? "SUCCESS" :
		 code == IGT_EXIT_SKIP ? "SKIP" : "FAIL";
	sentinel("Subtest %s: %s (%.3fs)", t->name, result, igt_now() - start);
	return code;
}

bool igt_selected(const char *patterns, const char *name)
{
	char *list = strdup(patterns), *save, *p;
	bool match = false;

	for (p = strtok_r(list, ",", &save); p && !match;
	     p = strtok_r(NULL, ",", &save))
		match = !fnmatch(p, name, 0);
	free(list);
	return match;
}

static void usage(FILE *f, const char *prog, struct igt_opt *const *extra,
		  int nextra)
{
	int i;

	fprintf(f, "Usage: %s [--list-subtests | --run-subtest NAME[,NAME...] |\n"
		"        --describe[=NAME]] [--debug]",
		prog);
	for (i = 0; i < nextra; i++)
		fprintf(f, " [--%s N]", extra[i]->name);
	fprintf(f, "\n  NAME may be a glob; without options every subtest runs.\n"
		"  --describe prints what the test and its subtests check.\n");
	for (i = 0; i < nextra; i++)
		fprintf(f, "  --%s N%*s%s\n", extra[i]->name,
			(int)(10 - strlen(extra[i]->name)), "", extra[i]->help);
}

/* Sets @o from the number @arg; false if @arg is not a number. */
static bool parse_opt(struct igt_opt *o, const char *arg)
{
	char *end;

	errno = 0;
	o->value = strtoull(arg, &end, 0);
	if (errno || end == arg || *end || *arg == '-')
		return false;
	o->given = true;
	return true;
}

int igt_main(int argc, char **argv, const struct igt_subtest *tests, int n)
{
	return igt_main_opts(argc, argv, tests, n, NULL, 0);
}

int igt_main_opts(int argc, char **argv, const struct igt_subtest *tests,
		  int n, struct igt_opt *const *extra, int nextra)
{
	enum { OPT_LIST = 'l', OPT_RUN = 'r', OPT_DEBUG = 'd', OPT_HELP = 'h',
	       OPT_DESCRIBE = 256, OPT_EXTRA };
	static const struct option builtin[] = {
		{ "list-subtests", no_argument, NULL, OPT_LIST },
		{ "run-subtest", required_argument, NULL, OPT_RUN },
		{ "describe", optional_argument, NULL, OPT_DESCRIBE },
		{ "debug", optional_argument, NULL, OPT_DEBUG },
		{ "help", no_argument, NULL, OPT_HELP },
	};
	const int nbuiltin = sizeof(builtin) / sizeof(builtin[0]);
	struct option opts[nbuiltin + nextra + 1];
	const char *run = NULL, *describe = NULL, *env;
	int c, i, ran = 0, skipped = 0, failed = 0;
	bool list = false, describing = false;
	struct utsname u;

	memcpy(opts, builtin, sizeof(builtin));
	for (i = 0; i < nextra; i++)
		opts[nbuiltin + i] = (struct option) {
			extra[i]->name, required_argument, NULL, OPT_EXTRA + i,
		};
	memset(&opts[nbuiltin + nextra], 0, sizeof(opts[0]));

	env = getenv("IGT_LOG_LEVEL");
	igt_debug_enabled = env && !strcmp(env, "debug");
	sentinel_on_stderr = getenv("IGT_SENTINEL_ON_STDERR");

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_LIST:
			list = true;
			break;
		case OPT_RUN:
			run = optarg;
			break;
		case OPT_DESCRIBE:
			describing = true;
			describe = optarg;
			break;
		case OPT_DEBUG:
			igt_debug_enabled = true;
			break;
		case OPT_HELP:
			usage(stdout, argv[0], extra, nextra);
			return IGT_EXIT_SUCCESS;
		default:
			if (c >= OPT_EXTRA && c < OPT_EXTRA + nextra) {
				if (parse_opt(extra[c - OPT_EXTRA], optarg))
					break;
				fprintf(stderr, "%s: --%s wants a number, not '%s'\n",
					argv[0], extra[c - OPT_EXTRA]->name, optarg);
			}
			/* else getopt_long has named the bad option */
			usage(stderr, argv[0], extra, nextra);
			return IGT_EXIT_INVALID;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", argv[0], argv[optind]);
		usage(stderr, argv[0], extra, nextra);
		return IGT_EXIT_INVALID;
	}

	if (list) {
		for (i = 0; i < n; i++)
			printf("%s\n", tests[i].name);
		return IGT_EXIT_SUCCESS;
	}
	if (describing)
		return igt_describe(tests, n, describe);

	for (i = 0; run && i < n && !igt_selected(run, tests[i].name); i++)
		;
	if (i == n) {
		fprintf(stderr, "%s: no subtest matches '%s'\n", argv[0], run ? run : "");
		return IGT_EXIT_INVALID;
	}

	uname(&u);
	printf("IGT-Version: 2.5-ttm-kvm (%s) (Linux: %s %s)\n",
	       u.machine, u.release, u.machine);

	for (i = 0; i < n; i++) {
		if (run && !igt_selected(run, tests[i].name))
			continue;
		ran++;
		switch (run_subtest(&tests[i])) {
		case IGT_EXIT_SUCCESS:
			break;
		case IGT_EXIT_SKIP:
			skipped++;
			break;
		default:
			failed++;
		}
	}
	if (failed)
		return IGT_EXIT_FAILURE;
	return skipped == ran ? IGT_EXIT_SKIP : IGT_EXIT_SUCCESS;
}
