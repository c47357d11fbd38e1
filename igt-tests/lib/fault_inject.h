/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fault_inject: the kernel's fault injection (fail_page_alloc, failslab;
 * Documentation/fault-injection/) armed for one thread of the test.
 *
 * fault_inject_arm() makes an attribute fail a share of the calls of
 * tasks with make-it-fail set; fault_inject_thread() sets and clears
 * make-it-fail of the calling thread through an fd opened before anything
 * was armed (opening it with failslab armed could itself fail).
 */
#ifndef IGT_TESTS_FAULT_INJECT_H
#define IGT_TESTS_FAULT_INJECT_H

#include <stdbool.h>

/* Whether debugfs has fail_page_alloc and failslab (CONFIG_FAULT_INJECTION). */
bool fault_inject_available(void);

void fault_inject_write(const char *attr, const char *knob, const char *val);
long fault_inject_read(const char *attr, const char *knob);

/* Fails @percent % of @attr's calls by tasks with make-it-fail set. */
void fault_inject_arm(const char *attr, const char *percent);
/* Stops @attr failing calls; returns how many it failed since armed. */
long fault_inject_disarm(const char *attr);

/* The calling thread's make-it-fail, opened; close() it when done. */
int fault_inject_thread_fd(void);
/* Injection for the thread of @fd on or off. */
void fault_inject_thread(int fd, bool on);

#endif
