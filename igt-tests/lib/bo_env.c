// SPDX-License-Identifier: GPL-2.0-only
/* bo_env: KVM and a vttm device per subtest. See bo_env.h. */
#include <unistd.h>

#include "bo_env.h"

void bo_env_init(struct bo_env *e)
{
	igt_require_kvm();
	vttm_require(&e->dev);
	bo_provider_init_vttm(&e->p, &e->dev);
	e->base = vttm_read_usage(&e->dev);
}

void bo_env_fini(struct bo_env *e)
{
	close(e->dev.fd);
	e->dev.fd = -1;
	vttm_check_usage(&e->dev, &e->base);
}

void bo_env_require_empty_vram(struct bo_env *e)
{
	if (e->base.vram_used)
		igt_skip("VRAM already holds %lld pages of other BOs",
			 e->base.vram_used);
}
