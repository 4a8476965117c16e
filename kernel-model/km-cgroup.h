/* kernel-model/km-cgroup.h: kernel/cgroup/cgroup.c cgroup_migrate_vet_dst(), the cgroup v2 "no internal process"
 * rule. */
#pragma once

#include "km.h"

G_BEGIN_DECLS

/* cgroup_migrate_vet_dst(): TRUE if a process may be attached to dst (a cgroup.procs write, or a process starting
 * there); FALSE where the kernel returns -EBUSY. */
gboolean km_cgroup_migrate_vet_dst(const KmMemcg *dst);

G_END_DECLS
