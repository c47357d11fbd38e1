/* SPDX-License-Identifier: GPL-2.0-only */
/* DRM device helpers shared by the tests. */
#ifndef IGT_TESTS_DRM_UTIL_H
#define IGT_TESTS_DRM_UTIL_H

#include <stdbool.h>

/* Whether the DRM device open at @fd is driven by @driver (DRM_IOCTL_VERSION). */
bool drm_is_driver(int fd, const char *driver);

/*
 * Opens the first node /dev/dri/@prefix@N, @first <= N < @last, that @driver
 * drives; returns its fd and sets *@n, or returns -1.
 */
int drm_open_node(const char *prefix, int first, int last, const char *driver,
		  int *n);

#endif
