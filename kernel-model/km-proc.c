/* kernel-model/km-proc.c: fs/proc/base.c __set_oom_adj(), kernel 6.1 (4.19 the same; 3.10 oom_score_adj_write()).
 *
 * oom_score_adj lives in signal_struct, so it is per thread group; but the OOM killer kills every process of the
 * victim's mm, so since 4.8 ("mm, oom_adj: make sure processes sharing mm have same view of oom_score_adj") a write
 * is copied to every other process using the same mm: for_each_process(p), skipping the writer's thread group,
 * kernel threads (kthread_use_mm() borrowers) and the global init, and `!p->vfork_done`: a vfork child "wants its
 * own oom_score_adj" (it is about to exec), so a write to a vfork child is not copied at all (`if
 * (!task->vfork_done)` guards the mm lookup) and writes to the others skip it. From 5.10 the loop runs only when
 * the mm has MMF_MULTIPROCESS, set by a clone(CLONE_VM) without CLONE_THREAD or CLONE_VFORK, which also copies the
 * parent's value to the child under oom_adj_mutex (copy_oom_score_adj()); the processes the loop would skip are the
 * same, so the result is the same. Since a clone() starts its child with its parent's value (copy_signal()) and
 * every later write is copied, processes sharing an mm (vfork children, kernel threads and init apart) always agree
 * on 4.8+. 3.10 sets the written task's value only.
 */
#include "km-proc.h"

static gboolean adj_follows_mm(const KmTask *p)
{
  return !p->in_vfork && !p->kthread && !p->global_init;
}

void km_set_oom_adj(KmSystem *sys, KmTask *task, int oom_score_adj)
{
  /* programming error only: the loader refuses a value out of range, as __set_oom_adj()'s caller does (-EINVAL) */
  g_return_if_fail(oom_score_adj >= OOM_SCORE_ADJ_MIN && oom_score_adj <= OOM_SCORE_ADJ_MAX);
  task->oom_score_adj = (short)oom_score_adj;
  if (!sys->profile->set_oom_adj_shares_mm || task->in_vfork || !task->mm || task->mm->users <= 1)
    return;
  for (KmTask *p = sys->tasks.head; p; p = p->tasks.next) {
    if (p != task && p->mm == task->mm && adj_follows_mm(p))
      p->oom_score_adj = task->oom_score_adj;
  }
}

KmTask *km_oom_adj_differs_in_mm(const KmSystem *sys, const KmTask *task)
{
  if (!sys->profile->set_oom_adj_shares_mm || !task->mm || task->mm->users <= 1 || !adj_follows_mm(task))
    return NULL;
  for (KmTask *p = sys->tasks.head; p; p = p->tasks.next) {
    if (p != task && p->mm == task->mm && adj_follows_mm(p) && p->oom_score_adj != task->oom_score_adj)
      return p;
  }
  return NULL;
}
