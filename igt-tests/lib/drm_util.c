// SPDX-License-Identifier: GPL-2.0-only
#include <string.h>
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
