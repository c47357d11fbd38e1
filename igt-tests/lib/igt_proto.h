/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * igt_proto: the part of IGT's test-binary protocol that igt_runner relies on,
 * without libigt.
 *
 *   BINARY --list-subtests      one subtest name per line, exit 0
 *   BINARY --run-subtest PATTERN[,PATTERN...]
 *                               run the matching subtests (fnmatch globs)
 *   BINARY --describe[=PATTERN] what the test and its subtests check
 *   BINARY                      run every subtest
 *
 * Descriptions come from the IGT-style doc comments in the test's source
 * (TEST:, SUBTEST:, Description:; see igt_doc.h), which the build turns
 * into a table linked into the binary. A test may take options of its own
 * (IGT_MAIN_OPTS()): numbers given as --NAME N.
 *
 * Each subtest runs in a forked child; the parent prints
 * "Subtest NAME: SUCCESS|FAIL|SKIP (N.NNNs)" from the child's exit status, so
 * an abort deep inside a library (exit(), a signal) still yields a result
 * line. The parent also scans the kernel log written during the subtest and
 * fails the subtest on kernel warnings.
 */
#ifndef IGT_PROTO_H
#define IGT_PROTO_H

#include <errno.h>
#include <stdbool.h>

/* Exit codes as defined by IGT's igt_core.h. */
#define IGT_EXIT_SUCCESS	0
#define IGT_EXIT_SKIP		77
#define IGT_EXIT_INVALID	79	/* unknown option or subtest */
#define IGT_EXIT_FAILURE	98

struct igt_subtest {
	const char *name;
	void (*fn)(void);
};

/* A test's own command-line option: --@name N, a number. */
struct igt_opt {
	const char *name;
	const char *help;		/* one line for --help */
	unsigned long long value;	/* N, once given */
	bool given;			/* whether --@name was given */
};

int igt_main(int argc, char **argv, const struct igt_subtest *tests, int n);
int igt_main_opts(int argc, char **argv, const struct igt_subtest *tests,
		  int n, struct igt_opt *const *opts, int nopts);

/* Whether @name matches one of the comma-separated globs in @patterns. */
bool igt_selected(const char *patterns, const char *name);

/* Defines main() for a test whose subtests are the array @tests. */
#define IGT_MAIN(tests)							\
int main(int argc, char **argv)						\
{									\
	return igt_main(argc, argv, tests,				\
			sizeof(tests) / sizeof((tests)[0]));		\
}

/* The same, with the options of the array @opts (struct igt_opt *[]). */
#define IGT_MAIN_OPTS(tests, opts)					\
int main(int argc, char **argv)						\
{									\
	return igt_main_opts(argc, argv, tests,				\
			     sizeof(tests) / sizeof((tests)[0]), opts,	\
			     sizeof(opts) / sizeof((opts)[0]));		\
}

/* True when IGT_LOG_LEVEL=debug or --debug was given. */
extern bool igt_debug_enabled;

void igt_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void igt_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define igt_debug(...)							\
	do {								\
		if (igt_debug_enabled)					\
			igt_info(__VA_ARGS__);				\
	} while (0)

/* End the current subtest: FAIL (exit 98) or SKIP (exit 77). */
void __igt_fail(const char *file, int line, const char *func,
		const char *fmt, ...)
	__attribute__((noreturn, format(printf, 4, 5)));
void __igt_skip(const char *file, int line, const char *func,
		const char *fmt, ...)
	__attribute__((noreturn, format(printf, 4, 5)));

#define igt_fail(...)	__igt_fail(__FILE__, __LINE__, __func__, __VA_ARGS__)
#define igt_skip(...)	__igt_skip(__FILE__, __LINE__, __func__, __VA_ARGS__)

#define igt_assert_f(cond, ...)						\
	do {								\
		if (!(cond))						\
			igt_fail(__VA_ARGS__);				\
	} while (0)

#define igt_assert(cond)						\
	igt_assert_f(cond, "assertion failed: %s", #cond)

#define igt_require(cond)						\
	do {								\
		if (!(cond))						\
			igt_skip("requirement not met: %s", #cond);	\
	} while (0)

/* Both sides are evaluated exactly once. */
#define igt_assert_eq(a, b)						\
	do {								\
		long long __a = (a), __b = (b);				\
		if (__a != __b)						\
			igt_fail("expected %s == %s, got %lld (%#llx) != %lld (%#llx)", \
				 #a, #b, __a, __a, __b, __b);		\
	} while (0)

#define igt_assert_eq_u64(a, b)						\
	do {								\
		unsigned long long __a = (a), __b = (b);		\
		if (__a != __b)						\
			igt_fail("expected %s == %s, got %#llx != %#llx", \
				 #a, #b, __a, __b);			\
	} while (0)

#define igt_assert_neq(a, b)						\
	do {								\
		long long __a = (a), __b = (b);				\
		if (__a == __b)						\
			igt_fail("expected %s != %s, both are %lld",	\
				 #a, #b, __a);				\
	} while (0)

/* @call must succeed, i.e. return >= 0 (ioctl, open, ...). */
#define igt_assert_ok(call)						\
	do {								\
		long long __r;						\
		errno = 0;						\
		__r = (call);						\
		if (__r < 0)						\
			igt_fail("expected %s to succeed, got %lld, errno %d (%s)", \
				 #call, __r, errno, igt_errname(errno)); \
	} while (0)

/* @call must fail with -1 and errno @err. */
#define igt_assert_errno(call, err)					\
	do {								\
		long long __r;						\
		int __e;						\
		errno = 0;						\
		__r = (call);						\
		__e = errno;						\
		if (__r != -1 || __e != (err))				\
			igt_fail("expected %s to fail with %s, got %lld, errno %d (%s)", \
				 #call, igt_errname(err), __r, __e,	\
				 igt_errname(__e));			\
	} while (0)

/* CLOCK_MONOTONIC in seconds. */
double igt_now(void);

/* "EINVAL" for EINVAL and for -EINVAL; "0" for no error. */
const char *igt_errname(int err);

#endif
