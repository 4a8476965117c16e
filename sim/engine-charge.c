/* sim/engine-charge.c: the charge path of a page, from a user page fault (handle_mm_fault() under
 * mem_cgroup_enter_user_fault()) or from a system call (read() into the page cache, write() to shmem): the
 * machine's free pages above the watermarks (get_page_from_freelist()), the memcg hierarchy's margin
 * (try_charge_memcg(), 5.18+; try_charge() before), direct reclaim in SWAP_CLUSTER_MAX batches
 * (__alloc_pages_slowpath(), try_to_free_mem_cgroup_pages()), memory.high's throttling on return to user mode
 * (mem_cgroup_handle_over_high()), and, when reclaim frees nothing, the OOM killer (sim/engine-oom.c) or -ENOMEM
 * where the profile's kernel gives it. Pages are charged in bulk as long as nothing is at a limit. Part of the
 * engine (sim/engine.c). */
#include "engine-internal.h"
#include "kernel-model/km-kswapd.h"

static KmMapping *next_untouched(KmSystem *sys, KmMm *mm, guint64 only_key)
{
  if (only_key) {
    KmMapping *m = km_mm_find_mapping(sys, mm, only_key);
    return (m && km_mapping_untouched(m) > 0) ? m : NULL;
  }
  return km_mm_first_untouched(mm);
}

/* memory.high during one step: mem_cgroup_handle_over_high() runs once per return to user mode that finds
 * current->memcg_nr_pages_over_high set; the timeline gets one line per step with the sums. */
typedef struct {
  guint64 handles, reclaim_calls, sleeps, slept_jiffies;
  KmPages file, swapped;
  const ScStep *step; /* the step the task runs (its sleeps are in it) */
} ThrottleAcc;

static void throttle_flush(SimEngine *e, ThrottleAcc *acc, const ScStep *step, const KmTask *task)
{
  if (!acc->handles)
    return;
  g_autofree char *detail = g_strdup_printf(
    "over memory.high: %" G_GUINT64_FORMAT " returns to user throttled (mem_cgroup_handle_over_high()), %" G_GUINT64_FORMAT
    " reclaim_high() calls reclaimed %" G_GINT64_FORMAT " file + %" G_GINT64_FORMAT " swapped pages, %" G_GUINT64_FORMAT
    " sleeps of %" G_GUINT64_FORMAT " jiffies in all (%" G_GUINT64_FORMAT " ms, HZ=%d)",
    acc->handles, acc->reclaim_calls, acc->file, acc->swapped, acc->sleeps, acc->slept_jiffies,
    acc->slept_jiffies * KM_NS_PER_JIFFY / 1000000, KM_HZ);
  SimEvent ev = { .kind = SIM_EV_THROTTLE, .step = step, .step_index = step ? step->index : 0, .task = task,
                  .detail = detail, .throttle_slept_ns = acc->slept_jiffies * KM_NS_PER_JIFFY,
                  .throttle_sleeps = acc->sleeps };
  engine_emit(e, &ev);
  *acc = (ThrottleAcc){ .step = acc->step };
}

/* psi_memstall_enter() / psi_memstall_leave() (kernel/sched/psi.c, 4.20+) for task: psi_task_change() changes the
 * task's cgroup and every ancestor up to the root, whose group is /proc/pressure/memory. */
static void memstall(SimEngine *e, const KmTask *task, gboolean enter)
{
  if (e->sys->profile->version < KM_KVER(4, 20))
    return; /* no PSI */
  for (KmMemcg *c = task->memcg; c; c = c->parent) {
    if (enter)
      km_psi_memstall_enter(&c->psi, e->now_ns);
    else
      km_psi_memstall_leave(&c->psi, e->now_ns);
  }
}

/* mem_cgroup_handle_over_high() for the task (on return to user mode, or from try_charge_memcg() on 5.18+), and
 * its sleep on the virtual clock, between psi_memstall_enter() and psi_memstall_leave() (5.4+, which have the
 * sleep): timers and the actors' polls due meanwhile run in order, and a kill by one ends the sleep. The reclaim
 * before it (reclaim_high(): try_to_free_mem_cgroup_pages(), a memstall too) takes no time in the model. */
static void handle_over_high(SimEngine *e, KmTask *task, ThrottleAcc *acc)
{
  KmPages nr_pages = task->memcg_nr_pages_over_high;
  task->memcg_nr_pages_over_high = 0;
  if (!nr_pages || task->state != KM_TASK_RUNNING || !task->mm)
    return;
  KmHighResult r = km_memcg_handle_over_high(e->sys, task->mm->memcg, nr_pages);
  acc->handles++;
  acc->reclaim_calls += r.reclaim_calls;
  acc->file += r.file;
  acc->swapped += r.swapped;
  if (!r.penalty_jiffies)
    return;
  acc->sleeps++;
  acc->slept_jiffies += r.penalty_jiffies;
  guint64 until = e->now_ns + r.penalty_jiffies * KM_NS_PER_JIFFY;
  memstall(e, task, TRUE);
  engine_sleep_killable(e, acc->step, task, until);
  memstall(e, task, FALSE);
}

/* try_charge_memcg()'s stock for n single-page charges to memcg, and its done_restock check of memory.high. */
static void charge_stock(SimEngine *e, KmTask *task, KmMemcg *memcg, KmPages n, ThrottleAcc *acc)
{
  const KmProfile *prof = e->sys->profile;
  if (!km_memcg_stock_charge(e->sys, memcg, n) || !km_memcg_over_high(e->sys, memcg))
    return;
  /* the room of km_memcg_high_charge_room() ends a bulk at its first refill above high: one batch */
  task->memcg_nr_pages_over_high += prof->memcg_charge_batch;
  if (prof->high_sync && task->memcg_nr_pages_over_high > prof->memcg_charge_batch)
    handle_over_high(e, task, acc);
}

/* Charges *remaining pages of kind for proc (anon: faults them into mappings), reclaiming and invoking the OOM
 * killer as try_charge_memcg() and __alloc_pages_slowpath() would. */
/* Reclaim during one fault sequence runs in SWAP_CLUSTER_MAX batches; the timeline gets one line per sequence
 * (per OOM domain), with the sums. */
typedef struct {
  KmPages file, swapped;
  KmMemcg *memcg; /* NULL: global reclaim */
  gboolean any;
} ReclaimAcc;

static void reclaim_flush(SimEngine *e, ReclaimAcc *acc, const ScStep *step, const KmTask *task)
{
  if (!acc->any)
    return;
  SimEvent ev = { .kind = SIM_EV_RECLAIM, .step = step, .step_index = step ? step->index : 0, .task = task,
                  .reclaimed_file = acc->file, .reclaimed_swap = acc->swapped, .oom_memcg = acc->memcg };
  engine_emit(e, &ev);
  *acc = (ReclaimAcc){ 0 };
}

static void reclaim_add(ReclaimAcc *acc, KmMemcg *memcg, KmReclaimResult rec)
{
  acc->file += rec.file;
  acc->swapped += rec.swapped;
  acc->memcg = memcg;
  acc->any = TRUE;
}

/* kswapd beside the allocating task (kernel-model/km-kswapd.c has the kernel's side). In the kernel an allocation
 * whose fast path finds every zone at or below the low watermark wakes kswapd from __alloc_pages_slowpath()
 * (wake_all_kswapds()) and goes on at the min watermark; kswapd then reclaims while the task goes on allocating
 * (measured in the VM with `oomsim validate --stats`: most of a step's reclaim is kswapd's, done during the step,
 * and its run goes on after the step ends, deep in its priority loop). The model's steps take no time, so it has
 * to decide how the two share it: it runs balance_pgdat() one pass at a time and lets the task allocate, between
 * two passes, as many pages as the last pass reclaimed (a pass that reclaims nothing is followed at once by the
 * next, at a lower priority). One page reclaimed for one page allocated is the model's rule, not the kernel's:
 * on the VM's single CPU the two share it by the scheduler's fairness and their costs per page, which the model
 * does not have; this rule is the one that keeps free memory where the kernel's stays while a task allocates
 * (between the low mark and one pass above it; docs/model.md, "kswapd"). The pass comes first, as kswapd,
 * freshly woken, preempts the task at its next preemption point. */
static void kswapd_pass(SimEngine *e)
{
  KmKswapdResult one = { 0 };
  KmPages n = km_kswapd_pass(e->sys, &one);
  KmReclaimResult cost = { one.file, one.swapped, one.memcgs_visited };
  engine_work_reclaim(e, &cost);
  KmKswapdResult *acc = &e->kswapd_acc;
  acc->file += one.file;
  acc->swapped += one.swapped;
  acc->passes += one.passes;
  if (one.passes)
    acc->priority = one.priority;
  acc->ended = one.ended;
  acc->balanced = one.balanced;
  e->kswapd_credit = n;
}

/* Before an allocation: wake kswapd when the fast path would fail, run its passes that are due, and return how many
 * pages the task may allocate before the next check (KM_PAGES_MAX: no bound from kswapd). *out_gfree is
 * km_alloc_available() of the state it leaves when it had that from the same walk of the per-CPU refills as the
 * fast path's figure (km_alloc_available_marks()), else -1 (kswapd ran, or was running: the caller asks). */
static KmPages kswapd_beside(SimEngine *e, KmPages *out_gfree)
{
  KmSystem *sys = e->sys;
  *out_gfree = -1;
  if (sys->machine.nr_zones == 0)
    return KM_PAGES_MAX;
  for (;;) {
    if (!sys->machine.kswapd.running) {
      if (!e->alloc_marks_known) {
        e->alloc_marks = km_alloc_marks(sys);
        e->alloc_marks_known = TRUE;
      }
      KmPages fast, gfree;
      km_alloc_available_marks(sys, &e->alloc_marks, &fast, &gfree);
      if (fast > 0) {
        *out_gfree = gfree;
        return fast; /* the fast path serves them: the next check comes where it would fail */
      }
      if (!km_kswapd_wakeup(sys)) {
        *out_gfree = gfree; /* km_kswapd_wakeup() changed nothing */
        return KM_PAGES_MAX; /* balanced, or hopeless (kswapd_failures): the task goes on to the min mark */
      }
      e->kswapd_wakeups++;
      e->kswapd_acc.ended = FALSE;
      e->kswapd_credit = 0;
    }
    if (e->kswapd_credit > 0)
      return e->kswapd_credit;
    kswapd_pass(e);
  }
}

static void kswapd_allocated(SimEngine *e, KmPages pages)
{
  if (e->sys->machine.kswapd.running)
    e->kswapd_credit -= MIN(e->kswapd_credit, pages);
}

/* One timeline line for what kswapd reclaimed since the last one (none when it reclaimed nothing). */
static void kswapd_flush(SimEngine *e, const char *when)
{
  KmKswapdResult *r = &e->kswapd_acc;
  if (r->file + r->swapped > 0) {
    g_autofree char *wakeups =
      e->kswapd_wakeups > 1 ? g_strdup_printf("woken %u times below the low watermark", e->kswapd_wakeups)
                            : g_strdup(e->kswapd_wakeups ? "woken below the low watermark" : "still awake");
    g_autofree char *detail = g_strdup_printf(
      "kswapd, %s, %s: balance_pgdat() in %u pass%s down to priority %d, %s", wakeups, when, r->passes,
      r->passes == 1 ? "" : "es", r->priority,
      !r->ended ? "still running"
                : r->balanced ? "then balanced (free pages above the high watermark)" : "not balanced");
    SimEvent ev = { .kind = SIM_EV_RECLAIM, .detail = detail, .reclaimed_file = r->file,
                    .reclaimed_swap = r->swapped };
    engine_emit(e, &ev);
  }
  gboolean ended = r->ended;
  *r = (KmKswapdResult){ .ended = ended };
  e->kswapd_wakeups = 0;
}

/* Anon pages are charged by user page faults (handle_mm_fault() with mem_cgroup_enter_user_fault()); page cache
 * and shmem pages by read() and write(), system calls. The kernel treats the two differently once a memcg OOM
 * cannot help (try_charge_memcg(), mem_cgroup_oom(), per profile: docs/kernel-versions.md, "Charge paths"). */
static FaultResult charge_pages_throttled(SimEngine *e, SimProc *proc, const ScStep *step, KmPageKind kind,
                                          guint64 mapping_key, KmPages *remaining, ThrottleAcc *thr)
{
  KmSystem *sys = e->sys;
  const KmProfile *prof = sys->profile;
  KmTask *task = proc->task;
  ReclaimAcc acc = { 0 };
  gboolean user_fault = kind == KM_PAGE_ANON;
  gboolean forced = FALSE; /* 4.19/5.4: an OOM killed nobody, the charge goes over the limit (`goto force`) */

  while (*remaining > 0) {
    if (!engine_work(e, step, 1))
      return FAULT_LIMIT;
    if (task->state != KM_TASK_RUNNING || !task->mm) {
      reclaim_flush(e, &acc, step, task);
      return FAULT_DIED;
    }
    KmMapping *mapping = NULL;
    /* every charge goes to the memcg of the mm's owner at this moment (get_mem_cgroup_from_mm(); page cache and
     * shmem from a system call: mm NULL -> current->mm), even for a mapping partly charged elsewhere before a move */
    KmMemcg *memcg = task->mm->memcg;
    if (kind == KM_PAGE_ANON) {
      if (mapping_key && !km_mm_find_mapping(e->sys, task->mm, mapping_key)) {
        reclaim_flush(e, &acc, step, task);
        return FAULT_SEGV; /* unmapped by a process sharing the mm while this one slept in its fault */
      }
      mapping = next_untouched(sys, task->mm, mapping_key);
      if (!mapping) {
        /* every page the step meant to touch is resident already: a process sharing the mm touched them while
         * this one slept in its fault. Touching resident pages costs nothing. */
        *remaining = 0;
        break;
      }
    }
    KmPages gfree;
    KmPages kswapd_room = kswapd_beside(e, &gfree);
    /* what get_page_from_freelist() can still hand out: buddy pages above the watermarks, through the lists */
    if (gfree < 0)
      gfree = km_alloc_available(sys);
    KmMemcg *over = NULL;
    gboolean memsw = FALSE;
    KmPages mmargin = forced ? KM_PAGES_MAX : km_memcg_margin(memcg, &over, &memsw);
    KmPages avail = MIN(gfree, mmargin);
    KmPages k = MIN(MIN(*remaining, avail), kswapd_room);
    if (mapping && prof->memcg_charges_pgtables)
      k = km_mm_fault_batch(task->mm, mapping, MIN(k, mapping->pages - mapping->resident - mapping->swapped), avail);
    else if (mapping) /* 3.10: the memcg pays for the pages only, the machine for their page tables too */
      k = MIN(km_mm_fault_batch(task->mm, mapping, MIN(k, mapping->pages - mapping->resident - mapping->swapped),
                                gfree),
              mmargin);
    if (k > 0) {
      /* end the bulk at the first stock refill that finds memory.high exceeded (at least one page) */
      KmPages room = km_memcg_high_charge_room(sys, memcg);
      if (room != KM_PAGES_MAX)
        k = MAX(1, mapping ? km_mm_fault_batch(task->mm, mapping, k, room) : MIN(k, room));
      KmPages charges = k + (mapping ? km_mm_pte_growth(task->mm, mapping, k) : 0);
      if (mapping)
        km_mm_populate(sys, task->mm, mapping, k);
      else
        km_memcg_charge(sys, memcg, kind, k);
      *remaining -= k;
      kswapd_allocated(e, charges);
      charge_stock(e, task, memcg, charges, thr);
      if (user_fault)
        handle_over_high(e, task, thr); /* each page fault returns to user mode */
      continue;
    }
    KmPages growth = mapping ? km_mm_pte_growth(task->mm, mapping, 1) : 0;
    FaultResult r;
    if (gfree < 1 + growth) {
      /* __alloc_pages_slowpath(): direct reclaim of SWAP_CLUSTER_MAX pages, then __alloc_pages_may_oom() */
      KmReclaimResult rec = km_reclaim(sys, NULL, MAX(1 + growth - gfree, SWAP_CLUSTER_MAX), TRUE);
      engine_work_reclaim(e, &rec);
      if (rec.file + rec.swapped > 0) {
        /* __alloc_pages_direct_reclaim(): progress but still no page: drain_all_pages() once, then retry */
        if (km_alloc_available(sys) < 1 + growth)
          km_pcp_drain(sys);
        if (acc.any && acc.memcg != NULL)
          reclaim_flush(e, &acc, step, task);
        reclaim_add(&acc, NULL, rec);
        continue;
      }
      reclaim_flush(e, &acc, step, task);
      kswapd_flush(e, "beside the allocating task");
      r = engine_invoke_oom(e, proc, step, NULL);
    } else {
      /* The machine has the page (and its page tables) and k is the most that fits, so the memcg margin is what
       * is short: some counter has a limit and `over` is set (km_mm_fault_batch()).
       * try_charge_memcg(): failcnt and MEMCG_MAX on mem_over_limit, reclaim from it (no swap when the memsw
       * counter is the one at its limit), then mem_cgroup_oom() */
      if (memsw)
        over->memsw_failcnt++;
      else
        over->failcnt++;
      km_memcg_stock_drain(sys); /* drain_all_stock(mem_over_limit) before reclaim */
      km_memcg_memory_event(sys, over, KM_MEMCG_MAX);
      /* try_to_free_mem_cgroup_pages(): nr_to_reclaim = max(nr_pages, SWAP_CLUSTER_MAX) for the one page */
      KmPages mgrowth = prof->memcg_charges_pgtables ? growth : 0;
      KmReclaimResult rec = km_reclaim(sys, over, MAX(1 + mgrowth - mmargin, SWAP_CLUSTER_MAX), !memsw);
      engine_work_reclaim(e, &rec);
      if (rec.file + rec.swapped > 0) {
        if (acc.any && acc.memcg != over)
          reclaim_flush(e, &acc, step, task);
        reclaim_add(&acc, over, rec);
        continue;
      }
      reclaim_flush(e, &acc, step, task);
      proc->step->refused_pages = *remaining;
      proc->step->refused_memcg = over;
      /* 3.12's rework: mem_cgroup_oom() returns at once unless current->memcg_oom.may_oom (a user fault) */
      if (prof->memcg_oom_user_fault_only && !user_fault) {
        proc->step->refused_why = "a system call does not arm the memcg OOM killer (memcg_oom.may_oom is set for user "
                            "faults only)";
        return FAULT_CHARGE_ENOMEM;
      }
      /* mem_cgroup_oom() */
      km_memcg_memory_event(sys, over, KM_MEMCG_OOM);
      if (over->version == 1 && over->oom_kill_disable) {
        /* only a user fault sleeps (memcg_in_oom, then mem_cgroup_oom_synchronize() at the end of the fault);
         * any other charge gets -ENOMEM (4.19/5.x: `if (!current->in_user_fault) return OOM_SKIPPED`) */
        if (!user_fault) {
          proc->step->refused_why = "memory.oom_control has oom_kill_disable 1 and only a user fault sleeps on it "
                              "(mem_cgroup_oom())";
          return FAULT_CHARGE_ENOMEM;
        }
        over->under_oom = TRUE;
        proc->step->blocked_on = over; /* a user fault: in the middle of its step */
        task->state = KM_TASK_BLOCKED;
        if (!g_ptr_array_find(e->outcome->ever_blocked_pids, GINT_TO_POINTER(task->pid), NULL))
          g_ptr_array_add(e->outcome->ever_blocked_pids, GINT_TO_POINTER(task->pid));
        return FAULT_BLOCKED;
      }
      kswapd_flush(e, "beside the allocating task");
      r = engine_invoke_oom(e, proc, step, over);
      if (r == FAULT_NO_VICTIM) {
        if (prof->memcg_oom_failed_forces) {
          /* every later page of this charge would find the same: forced too (memory.events oom and max are
           * counted once here, where the kernel counts them per page: docs/model.md) */
          forced = TRUE;
          engine_emit_simple(e, SIM_EV_CHARGE_FORCED, step, task,
                      "the memcg OOM killed nobody: the charge is forced over the limit (try_charge(): "
                      "OOM_FAILED, goto force), and the task runs on above it");
          continue;
        }
        /* 5.16+ (and 5.10.y, 5.15.y): -ENOMEM; a user fault retries for ever (pagefault_out_of_memory()), a
         * system call gets it */
        proc->step->refused_why = "the memcg OOM killer found nothing to kill (try_charge_memcg(): nomem)";
        r = user_fault ? FAULT_LIVELOCK : FAULT_CHARGE_ENOMEM;
      }
    }
    if (r != FAULT_DONE)
      return r;
  }
  reclaim_flush(e, &acc, step, task);
  return FAULT_DONE;
}

/* A fault returns to user mode after each page (handled in the loop); a system call once, at its end. */
FaultResult engine_charge_pages(SimEngine *e, SimProc *proc, const ScStep *step, KmPageKind kind,
                                guint64 mapping_key, KmPages *remaining)
{
  ThrottleAcc thr = { .step = step };
  FaultResult r = charge_pages_throttled(e, proc, step, kind, mapping_key, remaining, &thr);
  kswapd_flush(e, "beside the allocating task");
  if (kind != KM_PAGE_ANON && (r == FAULT_DONE || r == FAULT_CHARGE_ENOMEM))
    handle_over_high(e, proc->task, &thr);
  throttle_flush(e, &thr, step, proc->task);
  return r;
}

/* kswapd (kernel-model/km-kswapd.c) when the virtual clock moves on: the rest of a run the step's allocations
 * started (the kernel's goes on after the step ends), or a run woken now when the step left the machine at or
 * below the low watermark; before anything that happens at the later time (an actor's poll, a timer, the next
 * step). The timeline gets one reclaim line for it, without a process. */
void engine_kswapd(SimEngine *e)
{
  if (e->panicked)
    return;
  KmKswapd *k = &e->sys->machine.kswapd;
  if (!k->running && km_kswapd_woken(e->sys) && km_kswapd_wakeup(e->sys)) {
    e->kswapd_wakeups++;
    e->kswapd_acc.ended = FALSE;
  }
  while (k->running)
    kswapd_pass(e);
  kswapd_flush(e, "as the clock moves on");
}
