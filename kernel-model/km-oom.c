/* kernel-model/km-oom.c: mm/oom_kill.c: oom_badness(), oom_evaluate_task(), select_bad_process(),
 * out_of_memory(), check_panic_on_oom(), task_will_free_mem(), oom_kill_process(), __oom_kill_process(),
 * oom_reap_task(); and fs/proc/base.c proc_oom_score(). Kernel 6.1, with the differences of the other
 * profiles in small named branches (kernel-model/km-profile.h).
 *
 * How the kernel picks a victim. out_of_memory() first lets a task that is already dying take the memory
 * (task_will_free_mem), then bails out for !__GFP_FS global allocations, works out the constraint and
 * totalpages (RAM + swap, or the memcg's limit + its share of swap), may panic (panic_on_oom), may kill the
 * allocating task (oom_kill_allocating_task), and otherwise scans the domain's processes: global OOM in
 * task-list (creation) order, memcg OOM over the memcg subtree in pre-order. Each process scores
 * rss + swap entries + page tables, plus oom_score_adj * totalpages / 1000 (integer division first). A process
 * that is already a victim and not yet reaped aborts the scan: nothing new dies while an earlier victim is
 * still freeing memory. The highest score wins; on an equal score the later process wins from 5.x, the earlier
 * one before (the thread_group_leader() preference).
 *
 * What the model leaves out (docs/model.md): NUMA (mempolicy/cpuset constraints are never produced), the OOM
 * notifier chain, sysrq-triggered OOMs, the dump_header() rate limit, threads as separate tasks (a process is one
 * task; `threads` is a count).
 */
#include "km-oom.h"

#include "km-memcg.h"

const char *const km_constraint_names[KM_CONSTRAINT_N] = {
  [KM_CONSTRAINT_NONE] = "CONSTRAINT_NONE",
  [KM_CONSTRAINT_CPUSET] = "CONSTRAINT_CPUSET",
  [KM_CONSTRAINT_MEMORY_POLICY] = "CONSTRAINT_MEMORY_POLICY",
  [KM_CONSTRAINT_MEMCG] = "CONSTRAINT_MEMCG",
};

const char *const km_skip_reason_text[KM_SKIP_N] = {
  [KM_SKIP_NONE] = "candidate",
  [KM_SKIP_UNKILLABLE] = "unkillable (global init or kernel thread)",
  [KM_SKIP_OTHER_MEMCG] = "outside the OOM memcg",
  [KM_SKIP_NO_MM] = "no mm (exited)",
  [KM_SKIP_ADJ_MIN] = "oom_score_adj -1000",
  [KM_SKIP_OOM_SKIP] = "MMF_OOM_SKIP (already reaped)",
  [KM_SKIP_VFORK] = "vfork child (in_vfork)",
  [KM_SKIP_VICTIM_ABORT] = "earlier victim still exiting: scan aborted",
  [KM_SKIP_NOT_SCANNED] = "not scanned",
};

OomControl *km_oom_control_new(KmMemcg *memcg, KmTask *current, guint gfp_mask, int order)
{
  OomControl *oc = g_new0(OomControl, 1);
  oc->memcg = memcg;
  oc->current = current;
  oc->gfp_mask = gfp_mask;
  oc->order = order;
  oc->dump_figures = TRUE;
  oc->rows = g_array_new(FALSE, TRUE, sizeof(KmOomRow));
  oc->kills = g_array_new(FALSE, TRUE, sizeof(KmKill));
  return oc;
}

void km_oom_control_free(OomControl *oc)
{
  if (!oc)
    return;
  g_array_free(oc->rows, TRUE);
  g_array_free(oc->kills, TRUE);
  g_free(oc);
}

/* oom_unkillable_task(), 5.3+: is_global_init(p) || (p->flags & PF_KTHREAD) */
gboolean km_oom_unkillable_task(const KmTask *p)
{
  return p->global_init || p->kthread;
}

/* The page-table pages oom_badness() adds, per version: 3.10 `p->mm->nr_ptes` (the PTE level only; the pages the
 * process had before the trace count as PTE pages); 4.0-4.14 `atomic_long_read(&p->mm->nr_ptes) +
 * mm_nr_pmds(p->mm)` (v4.14 mm/oom_kill.c); 4.15+ `mm_pgtables_bytes(p->mm) / PAGE_SIZE`. The model keeps two
 * levels (PTE and PMD), so 4.14's sum and 4.15's bytes are the same number of pages; 4.15 also counts PUD pages,
 * which the model does not have. */
KmPages km_oom_scored_pgtables(const KmProfile *prof, const KmMm *mm)
{
  switch (prof->pgtables) {
  case KM_PGTABLES_NR_PTES:
    return km_mm_base_pgtables(mm) + mm->pte_pages;
  case KM_PGTABLES_NR_PTES_PMDS:
    return km_mm_base_pgtables(mm) + mm->pte_pages + km_mm_nr_pmds(mm);
  case KM_PGTABLES_BYTES:
  default:
    return km_mm_pgtables(mm);
  }
}

/* The skip value of the profile's oom_badness(): LONG_MIN from 5.9, 0 before. */
static glong badness_skip_value(const KmSystem *sys)
{
  return sys->profile->badness_signed ? G_MINLONG : 0;
}

/* oom_badness(), 6.1:
 *   if (oom_unkillable_task(p)) return LONG_MIN;  p = find_lock_task_mm(p); if (!p) return LONG_MIN;
 *   adj = (long)p->signal->oom_score_adj;
 *   if (adj == OOM_SCORE_ADJ_MIN || test_bit(MMF_OOM_SKIP, &p->mm->flags) || in_vfork(p)) return LONG_MIN;
 *   points = get_mm_rss(p->mm) + get_mm_counter(p->mm, MM_SWAPENTS) + mm_pgtables_bytes(p->mm) / PAGE_SIZE;
 *   adj *= totalpages / 1000;  points += adj;  return points;
 * Before 5.9 it returns unsigned long, 0 for "skip" and `points > 0 ? points : 1`; 3.10 counts nr_ptes; a
 * CAP_SYS_ADMIN task loses points * 3 / 100 before 4.17 (3.14, and 3.10.y stable as 3.10.105 and RHEL 7.9 have it;
 * 3.10.9-3.13 had adj -= 30, KM_ROOT_BONUS_ADJ_30, which explain's eras use). */
glong km_oom_badness(const KmSystem *sys, KmTask *p, KmPages totalpages, KmSkipReason *out_skip)
{
  const KmProfile *prof = sys->profile;
  KmSkipReason skip = KM_SKIP_NONE;
  if (km_oom_unkillable_task(p))
    skip = KM_SKIP_UNKILLABLE;
  else if (!p->mm)
    skip = KM_SKIP_NO_MM;
  else if (p->oom_score_adj == OOM_SCORE_ADJ_MIN)
    skip = KM_SKIP_ADJ_MIN;
  else if ((p->mm->flags & KM_MMF_OOM_SKIP) && prof->has_oom_reaper)
    skip = KM_SKIP_OOM_SKIP;
  else if (p->in_vfork && prof->has_oom_reaper)
    skip = KM_SKIP_VFORK;
  if (out_skip)
    *out_skip = skip;
  if (skip != KM_SKIP_NONE)
    return badness_skip_value(sys);

  return km_oom_badness_split(prof, km_mm_rss(p->mm), p->mm->swapents, km_oom_scored_pgtables(prof, p->mm),
                              p->oom_score_adj, p->cap_sys_admin, totalpages, NULL);
}

/* The arithmetic of oom_badness() once the task is known to be a candidate, term by term, so that a report can
 * show the sum it prints (reports/html.c draws one bar segment per term). */
glong km_oom_badness_split(const KmProfile *prof, KmPages rss, KmPages swapents, KmPages pgtables, int oom_score_adj,
                           gboolean cap_sys_admin, KmPages totalpages, KmBadnessTerms *out_terms)
{
  KmBadnessTerms t = { .rss = (glong)rss, .swapents = (glong)swapents, .pgtables = (glong)pgtables };
  glong points = t.rss + t.swapents + t.pgtables;
  glong adj = oom_score_adj;
  switch (prof->root_bonus) {
  case KM_ROOT_BONUS_ADJ_30:
    if (cap_sys_admin) {
      adj -= 30;
      t.root_bonus = -30 * (glong)(totalpages / 1000);
    }
    break;
  case KM_ROOT_BONUS_3_PERCENT:
    if (cap_sys_admin) {
      t.root_bonus = -((points * 3) / 100);
      points += t.root_bonus;
    }
    break;
  case KM_ROOT_BONUS_NONE:
    break;
  }
  /* "Normalize to oom_score_adj units": the division comes first */
  adj *= (glong)(totalpages / 1000);
  points += adj;
  t.adj = adj - (prof->root_bonus == KM_ROOT_BONUS_ADJ_30 ? t.root_bonus : 0);
  if (!prof->badness_signed && points <= 0) {
    t.floor = 1 - points;
    points = 1;
  }
  if (out_terms)
    *out_terms = t;
  return points;
}

/* proc_oom_score(): totalpages is always RAM + swap here, even for a task in a memcg. */
int km_proc_oom_score(const KmSystem *sys, KmTask *p)
{
  glong totalpages = (glong)(sys->machine.totalram_pages + sys->machine.total_swap_pages);
  KmSkipReason skip;
  glong badness = km_oom_badness(sys, p, (KmPages)totalpages, &skip);

  if (totalpages <= 0)
    return 0;
  if (sys->profile->oom_score_2000) {
    if (badness == G_MINLONG)
      return 0;
    return (int)((1000 + badness * 1000 / totalpages) * 2 / 3);
  }
  /* unsigned long arithmetic before 5.9 */
  return (int)((gulong)badness * 1000 / (gulong)totalpages);
}

/* constrained_alloc() for the cases the model has: a memcg OOM, or an unconstrained global one. */
KmPages km_oom_totalpages(const KmSystem *sys, KmMemcg *memcg)
{
  if (memcg) {
    KmPages max = km_memcg_get_max(sys, memcg);
    return max ? max : 1;
  }
  return sys->machine.totalram_pages + sys->machine.total_swap_pages;
}

/* __task_will_free_mem(): SIGNAL_GROUP_EXIT (a fatal signal was delivered) or exiting. */
static gboolean task_will_free_mem_one(const KmTask *task)
{
  return task->fatal_signal_pending || task->state == KM_TASK_DYING;
}

/* task_will_free_mem(), 6.1: the task and every process sharing its mm are dying, and the mm was not reaped. */
gboolean km_task_will_free_mem(const KmSystem *sys, KmTask *task)
{
  KmMm *mm = task->mm;
  if (!mm || !task_will_free_mem_one(task))
    return FALSE;
  if (mm->flags & KM_MMF_OOM_SKIP)
    return FALSE;
  if (mm->users <= 1)
    return TRUE;
  for (KmTask *p = sys->tasks.head; p; p = p->tasks.next) {
    if (p != task && p->mm == mm && !task_will_free_mem_one(p))
      return FALSE;
  }
  return TRUE;
}

static KmOomRow make_row(const KmSystem *sys, const OomControl *oc, KmTask *task)
{
  KmOomRow row = { .task = task, .skip = KM_SKIP_NOT_SCANNED, .oom_score_adj = task->oom_score_adj };
  if (!oc->dump_figures)
    return row; /* nobody prints dump_tasks(): select_bad_process() needs the task alone */
  row.in_dump = !km_oom_unkillable_task(task) && task->mm != NULL;
  if (task->mm) {
    row.total_vm = task->mm->total_vm;
    row.anon_rss = task->mm->anon_rss;
    row.file_rss = task->mm->file_rss;
    row.shmem_rss = task->mm->shmem_rss;
    row.rss = km_mm_rss(task->mm);
    row.swapents = task->mm->swapents;
    row.pgtables = km_oom_scored_pgtables(sys->profile, task->mm);
    row.nr_pmds = km_mm_nr_pmds(task->mm);
  }
  row.proc_oom_score = km_proc_oom_score(sys, task);
  return row;
}

/* The domain's processes in the kernel's scan order, as rows (they are also dump_tasks()'s table). */
static void snapshot_rows(const KmSystem *sys, OomControl *oc)
{
  if (oc->memcg && !oc->dump_global) {
    g_autoptr(GPtrArray) tasks = km_memcg_scan_tasks(oc->memcg);
    for (guint i = 0; i < tasks->len; i++) {
      KmOomRow row = make_row(sys, oc, tasks->pdata[i]);
      g_array_append_val(oc->rows, row);
    }
    return;
  }
  for (KmTask *p = sys->tasks.head; p; p = p->tasks.next) {
    KmOomRow row = make_row(sys, oc, p);
    g_array_append_val(oc->rows, row);
  }
}

/* oom_evaluate_task(): returns TRUE to stop the scan (abort). */
static gboolean oom_evaluate_task(const KmSystem *sys, OomControl *oc, KmOomRow *row)
{
  KmTask *task = row->task;
  glong points;

  if (km_oom_unkillable_task(task)) {
    row->skip = KM_SKIP_UNKILLABLE;
    return FALSE;
  }
  /* "This task already has access to memory reserves and is being killed." */
  if (task->oom_victim) {
    if (task->mm && (task->mm->flags & KM_MMF_OOM_SKIP) && sys->profile->has_oom_reaper) {
      row->skip = KM_SKIP_OOM_SKIP;
      return FALSE;
    }
    row->skip = KM_SKIP_VICTIM_ABORT;
    oc->chosen = NULL;
    oc->action = KM_OOM_ABORTED;
    return TRUE;
  }
  if (task->oom_task_origin && task->mm) {
    row->skip = KM_SKIP_NONE;
    row->origin = TRUE;
    row->points = sys->profile->badness_signed ? G_MAXLONG : (glong)G_MAXULONG;
    oc->chosen = task;
    oc->chosen_points = row->points;
    oc->chosen_raw_points = row->points;
    return FALSE;
  }
  points = km_oom_badness(sys, task, oc->totalpages, &row->skip);
  row->points = points;
  if (row->skip != KM_SKIP_NONE)
    return FALSE;
  gboolean later_wins = !sys->profile->tie_keeps_leader;
  if (sys->invert_tie_rule)
    later_wins = !later_wins;
  if (oc->chosen && !sys->profile->badness_signed) {
    /* 4.19: if (!points || points < oc->chosen_points) goto next;
     *       if (points == oc->chosen_points && thread_group_leader(oc->chosen)) goto next; */
    if ((gulong)points < (gulong)oc->chosen_points)
      return FALSE;
    if (points == oc->chosen_points && !later_wins)
      return FALSE;
  } else if (oc->chosen) {
    /* 5.9+: if (points == LONG_MIN || points < oc->chosen_points) goto next; */
    if (points < oc->chosen_points)
      return FALSE;
    if (points == oc->chosen_points && !later_wins)
      return FALSE;
  }
  oc->chosen = task;
  oc->chosen_points = points;
  oc->chosen_raw_points = points;
  return FALSE;
}

/* select_bad_process() */
static void select_bad_process(const KmSystem *sys, OomControl *oc)
{
  oc->chosen = NULL;
  oc->chosen_points = sys->profile->badness_signed ? G_MINLONG : 0;
  for (guint i = 0; i < oc->rows->len; i++) {
    KmOomRow *row = &g_array_index(oc->rows, KmOomRow, i);
    if (oom_evaluate_task(sys, oc, row))
      break;
  }
  /* before 5.9: oc->chosen_points = oc->chosen_points * 1000 / oc->totalpages; (unsigned long) */
  if (sys->profile->normalise_chosen_points && oc->chosen)
    oc->chosen_points = (glong)((gulong)oc->chosen_points * 1000 / (gulong)oc->totalpages);
}

/* mark_oom_victim() + do_send_sig_info(SIGKILL): the model's victim bookkeeping. */
static void send_sigkill(KmTask *task, gboolean mark_victim)
{
  task->fatal_signal_pending = TRUE;
  task->killed_by_oom = TRUE;
  if (mark_victim)
    task->oom_victim = TRUE;
}

/* __oom_kill_process(), 6.1: count the kill, SIGKILL the thread group, print the Killed line, then SIGKILL
 * every other process sharing the mm (global init pins it instead; kernel threads are left alone). */
static void oom_kill_one(KmSystem *sys, OomControl *oc, KmTask *victim, KmKillKind kind)
{
  if (!victim->mm)
    return; /* "OOM victim %d (%s) is already exiting. Skip killing the task" */
  KmKill kill = {
    .task = victim,
    .kind = kind,
    .printed = TRUE,
    .total_vm = victim->mm->total_vm,
    .anon_rss = victim->mm->anon_rss,
    .file_rss = victim->mm->file_rss,
    .shmem_rss = victim->mm->shmem_rss,
    .pgtables = km_mm_pgtables(victim->mm),
    .oom_score_adj = victim->oom_score_adj,
  };
  km_memcg_memory_event(sys, victim->mm->memcg, KM_MEMCG_OOM_KILL);
  send_sigkill(victim, TRUE);
  g_array_append_val(oc->kills, kill);
  guint victim_index = oc->kills->len - 1;

  /* for_each_process(p) if (process_shares_mm(p, mm)): only processes of this mm can match, so the walk is
   * skipped when the victim is the mm's only user (same result, O(1) instead of O(tasks) per kill) */
  for (KmTask *p = victim->mm->users > 1 ? sys->tasks.head : NULL; p; p = p->tasks.next) {
    if (p == victim || p->mm != victim->mm)
      continue;
    if (p->global_init) {
      victim->mm->flags |= KM_MMF_OOM_SKIP; /* can_oom_reap = false */
      g_array_index(oc->kills, KmKill, victim_index).pinned_by = p;
      continue;
    }
    if (p->kthread)
      continue;
    if (sys->profile->sharers_skip_adj_min && p->oom_score_adj == OOM_SCORE_ADJ_MIN)
      continue;
    KmKill sharer = { .task = p, .kind = KM_KILL_SHARES_MM };
    send_sigkill(p, FALSE);
    g_array_append_val(oc->kills, sharer);
  }
}

/* Before 5.1, oom_kill_process(): "If any of p's children has a different mm and is eligible for kill, the one
 * with the highest oom_badness() score is sacrificed for its parent." victim_points starts at 0 and children are
 * compared by raw badness (oom_unkillable_task() then also checked the OOM memcg). */
static KmTask *sacrifice_child(KmSystem *sys, OomControl *oc, KmTask *parent)
{
  KmTask *victim = parent;
  gulong victim_points = 0;
  for (KmTask *child = sys->tasks.head; child; child = child->tasks.next) {
    if (child->ppid != parent->pid || child == parent || child->state == KM_TASK_DEAD)
      continue;
    if (child->mm == parent->mm)
      continue;
    if (sys->profile->unkillable_checks_memcg && oc->memcg && !km_memcg_is_descendant(child->memcg, oc->memcg))
      continue;
    gulong child_points = (gulong)km_oom_badness(sys, child, oc->totalpages, NULL);
    if (child_points > victim_points) {
      victim = child;
      victim_points = child_points;
    }
  }
  return victim;
}

/* oom_kill_process() */
static void oom_kill_process(KmSystem *sys, OomControl *oc, const char *message)
{
  KmTask *victim = oc->chosen;
  oc->kill_message = message;
  if (km_task_will_free_mem(sys, victim)) {
    send_sigkill(victim, TRUE);
    oc->action = KM_OOM_VICTIM_EXITING;
    return;
  }
  oc->dumped = TRUE;
  KmKillKind kind = KM_KILL_VICTIM;
  if (sys->profile->sacrifice_child) {
    oc->sacrificed_for = victim;
    oc->sacrificed_for_score = oc->chosen_points;
    KmTask *child = sacrifice_child(sys, oc, victim);
    if (child != victim)
      kind = KM_KILL_CHILD;
    victim = child;
  }
  /* "Do we need to kill the entire memory cgroup? Check this out before killing the victim task." */
  KmMemcg *oom_group = km_memcg_get_oom_group(sys, victim, oc->memcg);
  oom_kill_one(sys, oc, victim, kind);
  if (oom_group) {
    oc->oom_group = oom_group;
    if (sys->profile->has_oom_group_kill_event)
      km_memcg_memory_event(sys, oom_group, KM_MEMCG_OOM_GROUP_KILL);
    /* oom_kill_memcg_member(): every member but oom_score_adj -1000 and global init, the victim included. The
     * victim is killed and counted (memory.events oom_kill, vmstat oom_kill) a second time if it still has its mm
     * when the pass reaches it (find_lock_task_mm() in __oom_kill_process()). Current, the allocating task, always
     * has: it is running this pass. Another victim leaves its mm only in do_exit() -> exit_mm(), which it reaches
     * only by running: on one CPU, where the model's trace runs, nothing between the first kill and the pass
     * sleeps or reschedules, so a victim first in scan order is counted twice everywhere; where
     * mem_cgroup_scan_tasks() calls cond_resched() after each task (oom_group_scan_resched), the victim, woken by
     * its SIGKILL with the sleeper's credit of a task that waited, runs at the first one and has no mm when the
     * pass comes to it ("OOM victim %d (%s) is already exiting. Skip killing the task"): counted once. */
    g_autoptr(GPtrArray) members = km_memcg_scan_tasks(oom_group);
    gboolean rescheduled = FALSE;
    for (guint i = 0; i < members->len; i++) {
      KmTask *t = members->pdata[i];
      gboolean exited = t == victim && t != oc->current && rescheduled;
      if (t->oom_score_adj != OOM_SCORE_ADJ_MIN && !(t->global_init && sys->profile->oom_group_skips_init) &&
          !exited)
        oom_kill_one(sys, oc, t, KM_KILL_OOM_GROUP);
      rescheduled = sys->profile->oom_group_scan_resched;
    }
  }
}

/* check_panic_on_oom(): TRUE when the kernel panics. */
static gboolean check_panic_on_oom(const KmSystem *sys, OomControl *oc)
{
  int panic_on_oom = sys->machine.panic_on_oom;
  if (!panic_on_oom)
    return FALSE;
  /* panic_on_oom == 1 only affects CONSTRAINT_NONE */
  if (panic_on_oom != 2 && oc->constraint != KM_CONSTRAINT_NONE)
    return FALSE;
  oc->panic_message = panic_on_oom == 2 ? "Out of memory: compulsory panic_on_oom is enabled"
                                        : "Out of memory: system-wide panic_on_oom is enabled";
  return TRUE;
}

/* The __GFP_FS bail-out, per profile (see KmGfpFsBail). */
static gboolean gfp_fs_bail(const KmSystem *sys, const OomControl *oc)
{
  gboolean no_fs = !(oc->gfp_mask & KM_GFP_FS);
  switch (sys->profile->gfp_fs_bail) {
  case KM_GFP_FS_BAIL_ANY_WITH_MASK:
    return oc->gfp_mask && no_fs;
  case KM_GFP_FS_BAIL_GLOBAL_WITH_MASK:
    return oc->gfp_mask && no_fs && !oc->memcg;
  case KM_GFP_FS_BAIL_GLOBAL:
  default:
    return no_fs && !oc->memcg;
  }
}

/* out_of_memory(), 6.1, in the kernel's order of checks. */
gboolean km_out_of_memory(KmSystem *sys, OomControl *oc)
{
  KmTask *current = oc->current;

  if (current && km_task_will_free_mem(sys, current)) {
    send_sigkill(current, TRUE);
    oc->action = KM_OOM_CURRENT_EXITING;
    return TRUE;
  }
  if (gfp_fs_bail(sys, oc)) {
    oc->action = KM_OOM_GFP_NOFS;
    return TRUE;
  }
  oc->constraint = oc->memcg ? KM_CONSTRAINT_MEMCG : KM_CONSTRAINT_NONE;
  oc->totalpages = km_oom_totalpages(sys, oc->memcg);
  snapshot_rows(sys, oc);
  if (check_panic_on_oom(sys, oc)) {
    oc->action = KM_OOM_PANIC;
    oc->dumped = TRUE;
    if (oc->memcg && sys->profile->memcg_panic_dumps_global) {
      /* 3.10: check_panic_on_oom() calls dump_header(NULL, gfp_mask, order, NULL, nodemask): no memcg, so show_mem()
       * and dump_tasks() of every task */
      oc->dump_global = TRUE;
      g_array_set_size(oc->rows, 0);
      snapshot_rows(sys, oc);
    }
    return TRUE;
  }
  if (!oc->memcg && sys->machine.oom_kill_allocating_task && current && current->mm &&
      !km_oom_unkillable_task(current) && current->oom_score_adj != OOM_SCORE_ADJ_MIN) {
    oc->chosen = current;
    oc->chosen_raw_points = km_oom_badness(sys, current, oc->totalpages, NULL);
    oc->chosen_points = oc->chosen_raw_points;
    oc->action = KM_OOM_KILLED_ALLOCATING;
    oom_kill_process(sys, oc, "Out of memory (oom_kill_allocating_task)");
    return TRUE;
  }
  select_bad_process(sys, oc);
  if (oc->action == KM_OOM_ABORTED)
    return TRUE;
  if (!oc->chosen) {
    /* "Out of memory and no killable processes..."; a global OOM then panics: "System is deadlocked on
     * memory" */
    oc->action = KM_OOM_NO_KILLABLE;
    /* 3.10 mem_cgroup_out_of_memory(): `if (!chosen) return;` before any dump_header() */
    oc->dumped = !(oc->memcg && sys->profile->memcg_no_victim_silent);
    if (sys->profile->no_killable_always_panics && !oc->memcg)
      oc->panic_message = "Out of memory and no killable processes...";
    else if (!oc->memcg)
      oc->panic_message = "System is deadlocked on memory";
    return FALSE;
  }
  oc->action = KM_OOM_KILLED;
  oom_kill_process(sys, oc, oc->memcg ? "Memory cgroup out of memory" : "Out of memory");
  return TRUE;
}

/* oom_reap_task() -> __oom_reap_task_mm(): the victim's anon memory and swap go, MMF_OOM_SKIP is set so the
 * next scan passes over it. */
gboolean km_oom_reap_task(KmSystem *sys, KmTask *victim, KmPages *out_anon, KmPages *out_file, KmPages *out_shmem)
{
  KmMm *mm = victim->mm;
  if (!mm || (mm->flags & KM_MMF_OOM_SKIP))
    return FALSE;
  km_mm_reap(sys, mm);
  mm->flags |= KM_MMF_OOM_SKIP;
  if (out_anon)
    *out_anon = mm->anon_rss;
  if (out_file)
    *out_file = mm->file_rss;
  if (out_shmem)
    *out_shmem = mm->shmem_rss;
  return TRUE;
}
