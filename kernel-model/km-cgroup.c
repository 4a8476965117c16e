/* kernel-model/km-cgroup.c: kernel/cgroup/cgroup.c cgroup_migrate_vet_dst(), kernel 6.1 (the same in 4.19 and
 * 6.12; 4.5 to 4.13 had it as cgroup_may_migrate_to()).
 *
 * cgroup v2 keeps processes and child cgroups apart: a non-root cgroup whose cgroup.subtree_control enables a
 * domain controller (memory is one) cannot hold processes, so that its children never compete with processes of
 * their own parent. The kernel enforces it from both sides: cgroup_migrate_vet_dst() fails a cgroup.procs write
 * into such a cgroup with -EBUSY ("apply no-internal-process constraint": dst_cgrp->subtree_control), and
 * cgroup_vet_subtree_control_enable() fails "+memory" in the subtree_control of a cgroup that has tasks with
 * -EBUSY. The root cgroup is exempt (cgroup_is_mixable(): no parent). Threaded cgroups, the other exemption, are
 * not modelled.
 *
 * The model has no subtree_control file: every v2 cgroup with a child has the memory controller enabled for its
 * children, as the VM agent sets it up (a child's memory.max exists only then), so "has a child" stands for
 * "subtree_control has memory". cgroup v1 has no such rule ("v1 doesn't have any restriction").
 */
#include "km-cgroup.h"

gboolean km_cgroup_migrate_vet_dst(const KmMemcg *dst)
{
  if (dst->version != 2)
    return TRUE; /* !cgroup_on_dfl(dst_cgrp) */
  if (!dst->parent)
    return TRUE; /* cgroup_is_mixable(): the root */
  return dst->children.length == 0; /* dst_cgrp->subtree_control: -EBUSY */
}
