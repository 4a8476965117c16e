/* kernel-model/km-proc.h: fs/proc/base.c __set_oom_adj(), writes of /proc/PID/oom_score_adj. */
#pragma once

#include "km.h"

G_BEGIN_DECLS

/* __set_oom_adj() (6.1; 4.19 the same; 3.10 oom_score_adj_write()): sets task's oom_score_adj and, per profile,
 * that of the other processes of its mm. */
void km_set_oom_adj(KmSystem *sys, KmTask *task, int oom_score_adj);
/* A process of task's mm whose oom_score_adj __set_oom_adj() keeps equal to the others' (4.8+): not a vfork child,
 * a kernel thread or the global init. NULL if every such process has the same value as task (or task is not one);
 * otherwise one whose value differs, a state that no write or clone() can reach on the profile's kernel. */
KmTask *km_oom_adj_differs_in_mm(const KmSystem *sys, const KmTask *task);

G_END_DECLS
