// SPDX-License-Identifier: GPL-2.0-only
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <drm/drm.h>

#include "drm_util.h"

bool drm_is_driver(int fd, const char *driver)
{
	struct drm_version v;
	char name[32];

	memset(&v, 0, sizeof(v));
	memset(name, 0, sizeof(name));
	v.name = name;
	v.name_len = sizeof(name) - 1;
	return !ioctl(fd, DRM_IOCTL_VERSION, &v) && !strcmp(name, driver);
}

int drm_open_node(const char *prefix, int first, int last, const char *driver,
		  int *n)
{
	char path[64];
	int i, fd;

	for (i = first; i < last; i++) {
		snprintf(path, sizeof(path), "/dev/dri/%s%d", prefix, i);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (drm_is_driver(fd, driver)) {
			if (n)
				*n = i;
			return fd;
		}
		close(fd);
	}
	return -1;
}
