/* sim/engine-oom.c: the OOM killer's invocation and its aftermath: out_of_memory() of the kernel model
 * (kernel-model/km-oom.c decides who dies) called for a memcg or the machine on behalf of the allocating task, the
 * engine acting on its decision (the victims exit and free their memory; a stuck victim waits for the OOM reaper,
 * queue_oom_reaper(), on the virtual clock after the profile's delay), panic() for panic_on_oom or no killable
 * task, and the wait of an allocation whose OOM invocation aborted while an earlier victim is still exiting. Part
 * of the engine (sim/engine.c). */
#include "engine-internal.h"

static void add_timer(SimEngine *e, guint64 when, KmTask *victim)
{
  SimTimer *t = g_new0(SimTimer, 1);
  t->time_ns = when;
  t->seq = e->timer_seq++;
  t->victim = victim;
  GList *l = e->timers.head;
  while (l && ((SimTimer *)l->data)->time_ns <= when)
    l = l->next;
  if (l)
    g_queue_insert_before(&e->timers, l, t);
  else
    g_queue_push_tail(&e->timers, t);
}

static void reap(SimEngine *e, KmTask *victim)
{
  KmPages anon = 0, file = 0, shmem = 0;
  e->gen++;
  if (km_oom_reap_task(e->sys, victim, &anon, &file, &shmem)) {
    SimEvent ev = { .kind = SIM_EV_REAPED, .task = victim, .reaped_anon_rss = anon, .reaped_file_rss = file,
                    .reaped_shmem_rss = shmem };
    engine_emit(e, &ev);
  }
}

void engine_run_timer(SimEngine *e, SimTimer *t)
{
  if (t->time_ns > e->now_ns)
    e->now_ns = t->time_ns;
  KmTask *victim = t->victim;
  if (victim->state == KM_TASK_DYING) {
    reap(e, victim);
    /* a stuck victim can exit once its memory is reaped */
    engine_record_exit(e, victim, 0, SIGKILL);
  }
  g_free(t);
}

/* Acts on oc->kills: SIGKILL has been sent by the model; each process now exits (freeing its memory), or, if it
 * is stuck, waits for the OOM reaper. queue_oom_reaper(): wakes the reaper at once before the delayed reaper,
 * after OOM_REAPER_DELAY (2 s) from then on, and not at all when global init pins the mm. */
static void act_on_kills(SimEngine *e, const OomControl *oc)
{
  const KmProfile *prof = e->sys->profile;
  g_autoptr(GPtrArray) exiting = g_ptr_array_new();

  for (guint i = 0; i < oc->kills->len; i++) {
    const KmKill *kill = &g_array_index(oc->kills, KmKill, i);
    KmTask *task = kill->task;
    if (task->state == KM_TASK_DEAD || task->state == KM_TASK_DYING || g_ptr_array_find(exiting, task, NULL))
      continue; /* killed twice (oom.group member and victim): one death */
    SimProc *proc = engine_find_proc(e, task->pid);
    if (proc && proc_blocked_on(proc)) {
      g_queue_remove(&e->blocked, proc);
      proc_clear_blocked(proc);
    }
    gboolean reapable = prof->has_oom_reaper && task->oom_victim && task->mm && !(task->mm->flags & KM_MMF_OOM_SKIP);
    if (reapable && prof->oom_reaper_delay_ns == 0)
      reap(e, task);
    if (task->stuck) {
      task->state = KM_TASK_DYING;
      if (reapable && prof->oom_reaper_delay_ns > 0)
        add_timer(e, e->now_ns + prof->oom_reaper_delay_ns, task);
      else if (reapable)
        g_ptr_array_add(exiting, task); /* reaped just now: it can go */
      continue;
    }
    g_ptr_array_add(exiting, task);
  }
  for (guint i = 0; i < exiting->len; i++)
    engine_record_exit(e, exiting->pdata[i], 0, SIGKILL);
}

static void record_kill(SimEngine *e, const OomControl *oc)
{
  if (oc->kills->len == 0)
    return;
  const KmKill *k = &g_array_index(oc->kills, KmKill, 0);
  SimOutcome *o = e->outcome;
  SimKill *sk = sim_outcome_add_kill(o); /* strings interned: the outcome keeps every kill to the end */
  sk->pid = k->task->pid;
  sk->comm = sim_outcome_intern(o, k->task->comm);
  sk->constraint = sim_outcome_intern(o, km_constraint_names[oc->constraint]);
  sk->oom_memcg = sim_outcome_intern(o, oc->memcg ? oc->memcg->path : NULL);
  sk->task_memcg = sim_outcome_intern(o, k->task->memcg->path);
  sk->allocating_task = oc->action == KM_OOM_KILLED_ALLOCATING;
  sk->total_vm_kb = km_pages_to_kb(e->sys, k->total_vm);
  sk->anon_rss_kb = km_pages_to_kb(e->sys, k->anon_rss);
  sk->file_rss_kb = km_pages_to_kb(e->sys, k->file_rss);
  sk->shmem_rss_kb = km_pages_to_kb(e->sys, k->shmem_rss);
  sk->pgtables_kb = km_pages_to_kb(e->sys, k->pgtables);
  sk->oom_score_adj = k->oom_score_adj;
  sk->time_ns = e->now_ns;
}

static void do_panic(SimEngine *e, const char *message)
{
  e->panicked = TRUE;
  e->outcome->panicked = TRUE;
  g_free(e->outcome->panic_message);
  e->outcome->panic_message = g_strdup(message);
  SimEvent ev = { .kind = SIM_EV_PANIC, .panic_message = message };
  engine_emit(e, &ev);
}

/* Waits for the earliest pending timer (the delayed OOM reaper). FALSE when nothing is pending. */
gboolean engine_wait_for_timer(SimEngine *e)
{
  SimTimer *t = g_queue_pop_head(&e->timers);
  if (!t)
    return FALSE;
  if (t->time_ns > e->now_ns) {
    guint64 old = e->now_ns;
    e->now_ns = t->time_ns;
    g_autofree char *detail = g_strdup_printf("waited %" G_GUINT64_FORMAT " ms for the OOM reaper",
                                              (t->time_ns - old) / 1000000);
    engine_emit_simple(e, SIM_EV_WAIT, NULL, t->victim, detail);
  }
  engine_run_timer(e, t);
  return TRUE;
}

/* Runs out_of_memory() for memcg (NULL: global) on behalf of proc, and acts on what it decided. */
FaultResult engine_invoke_oom(SimEngine *e, SimProc *proc, const ScStep *step, KmMemcg *memcg)
{

  KmSystem *sys = e->sys;
  guint gfp = memcg ? KM_GFP_KERNEL : KM_GFP_HIGHUSER_MOVABLE;
  g_autoptr(OomControl) oc = km_oom_control_new(memcg, proc ? proc->task : NULL, gfp, 0);
  oc->dump_figures = e->sink.event != NULL; /* only a report prints the rows' figures (issue 13) */
  sys->current = proc ? proc->task : NULL;
  km_out_of_memory(sys, oc);
  e->work += 1 + oc->rows->len; /* every task of the domain was looked at (select_bad_process(), dump_tasks()) */
  sys->current = NULL;
  if (e->outcome->oom_count++ == 0)
    e->outcome->first_oom_ns = e->now_ns;
  SimEvent ev = { .kind = SIM_EV_OOM, .step = step, .step_index = step ? step->index : 0, .task = proc ? proc->task : NULL,
                  .oc = oc, .oom_memcg = memcg };
  engine_emit(e, &ev);

  switch (oc->action) {
  case KM_OOM_KILLED:
  case KM_OOM_KILLED_ALLOCATING:
    record_kill(e, oc);
    act_on_kills(e, oc);
    break;
  case KM_OOM_PANIC:
    do_panic(e, oc->panic_message);
    return FAULT_PANIC;
  case KM_OOM_NO_KILLABLE:
    e->outcome->no_killable = TRUE;
    if (!memcg) {
      do_panic(e, oc->panic_message);
      return FAULT_PANIC;
    }
    return FAULT_NO_VICTIM;
  case KM_OOM_ABORTED:
  case KM_OOM_VICTIM_EXITING:
  case KM_OOM_CURRENT_EXITING:
    if (!engine_wait_for_timer(e))
      return FAULT_LIVELOCK; /* nothing will ever free the victim's memory */
    break;
  case KM_OOM_GFP_NOFS:
  default:
    return FAULT_LIVELOCK;
  }
  if (proc && proc->task->state != KM_TASK_RUNNING)
    return FAULT_DIED;
  return FAULT_DONE;
}
