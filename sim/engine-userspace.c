/* sim/engine-userspace.c: the acting halves of earlyoom (1.7, 1.8: main.c poll_loop(), kill.c kill_process()) and
 * systemd-oomd (252: oomd-manager.c monitor_swap_contexts_handler() and monitor_memory_pressure_contexts_handler())
 * beside the kernel; the choosing halves are userspace/us-earlyoom.c, userspace/us-oomd.c and
 * userspace/us-oomd-pressure.c.
 *
 * Each polls on the virtual clock from 0, like the eviction manager: a poll due at a time runs
 * before the first step at or after it, so a step (a burst of page faults) runs to completion first, as the
 * daemons, sleeping in nanosleep() or sd-event, cannot interrupt the page fault path; but while the step's task
 * sleeps in memory.high's throttle the polls due run at their times, and a kill ends the sleep
 * (engine_sleep_killable()). They read /proc/meminfo as the
 * kernel model fills it (MemAvailable: si_mem_available()), and signal processes that do not handle signals: they
 * end at once with 128 + signal. Polls that find nothing to do and see the same model as the previous idle poll
 * would do the same again; they are skipped (sim_userspace_skip_idle()), which changes nothing but the run time. */
#include "engine-userspace.h"

#include "../kernel-model/km-memcg.h"
#include "../kernel-model/km-oom.h"
#include "../kernel-model/km-util.h"
#include "../scenarios/scenario-loader.h"

#define SIGKILL 9

/* t + d, or G_MAXUINT64 (never) past the end of the clock */
static guint64 clock_add(guint64 t, guint64 d)
{
  return t > G_MAXUINT64 - d ? G_MAXUINT64 : t + d;
}

/* The first time at or after next, on next's grid of period, that is past until_ns. */
static guint64 first_poll_after(guint64 next, guint64 period, guint64 until_ns)
{
  guint64 k = (until_ns - next) / period + 1;
  return k > (G_MAXUINT64 - next) / period ? G_MAXUINT64 : next + k * period;
}

/* /proc/meminfo in kB: MemTotal, MemAvailable, SwapTotal, SwapFree */
static void proc_meminfo_kb(KmSystem *sys, long long *total, long long *available, long long *swap_total,
                            long long *swap_free)
{
  const KmMachine *m = &sys->machine;
  *total = (long long)km_pages_to_kb(sys, m->totalram_pages);
  *available = (long long)km_pages_to_kb(sys, km_si_mem_available(sys));
  *swap_total = (long long)km_pages_to_kb(sys, m->total_swap_pages);
  *swap_free = (long long)km_pages_to_kb(sys, m->total_swap_pages - m->swap_used);
}

static UsMeminfo earlyoom_parse_meminfo(KmSystem *sys)
{
  long long total, available, swap_total, swap_free;
  proc_meminfo_kb(sys, &total, &available, &swap_total, &swap_free);
  return us_earlyoom_meminfo(total, available, swap_total, swap_free);
}

static int task_pid_cmp(gconstpointer a, gconstpointer b)
{
  int pa = (*(KmTask *const *)a)->pid, pb = (*(KmTask *const *)b)->pid;
  return (pa > pb) - (pa < pb);
}

/* find_largest_process(): /proc in readdir order (ascending pids), each process as is_larger() reads it. */
static KmTask *earlyoom_find_victim(const UsEarlyoom *cfg, KmSystem *sys, int *out_badness, long long *out_rss_kib)
{
  g_autoptr(GPtrArray) tasks = g_ptr_array_new();
  for (KmTask *task = sys->tasks.head; task; task = task->tasks.next)
    if (task->state != KM_TASK_DEAD)
      g_ptr_array_add(tasks, task);
  g_ptr_array_sort(tasks, task_pid_cmp);
  g_autofree UsProcinfo *procs = g_new0(UsProcinfo, tasks->len + 1);
  for (guint i = 0; i < tasks->len; i++) {
    KmTask *t = tasks->pdata[i];
    procs[i] = (UsProcinfo){ .pid = t->pid, .oom_score = km_proc_oom_score(sys, t), .oom_score_adj = t->oom_score_adj,
                             .rss_kib = t->mm ? (long long)km_pages_to_kb(sys, km_mm_rss(t->mm)) : 0,
                             .uid = t->uid, .kthread = t->kthread, .comm = t->comm };
  }
  int i = us_earlyoom_find_largest_process(cfg, procs, tasks->len, out_badness);
  if (i < 0)
    return NULL;
  *out_rss_kib = procs[i].rss_kib;
  return tasks->pdata[i];
}

/* main.c poll_loop() and kill.c kill_process(), one iteration. */
void sim_userspace_earlyoom_poll(SimUserspace *us, SimEngine *e)
{
  const UsEarlyoom *cfg = us->earlyoom;
  KmSystem *sys = sim_engine_system(e);
  const gint64 gen_before = sim_engine_generation(e);
  UsMeminfo m = earlyoom_parse_meminfo(sys);
  int sig = us_earlyoom_lowmem_sig(cfg, &m);
  guint64 sleep_ms = 0;
  if (sig) {
    g_autofree char *low = g_strdup_printf(
        "earlyoom %s: mem avail: %5lld of %5lld MiB (%5.2f%%), swap free: %4lld of %4lld MiB (%5.2f%%); low memory! at "
        "or below %s limits: mem %5.2f%%, swap %5.2f%%", us_earlyoom_version_name(cfg->version), m.MemAvailableMiB,
        m.MemTotalMiB, m.MemAvailablePercent, m.SwapFreeMiB, m.SwapTotalMiB, m.SwapFreePercent,
        sig == SIGKILL ? "SIGKILL" : "SIGTERM", sig == SIGKILL ? cfg->mem_kill_percent : cfg->mem_term_percent,
        sig == SIGKILL ? cfg->swap_kill_percent : cfg->swap_term_percent);
    int badness = 0;
    long long rss_kib = 0;
    KmTask *victim = earlyoom_find_victim(cfg, sys, &badness, &rss_kib);
    /* poll_loop() reads meminfo again before it kills; nothing runs in between here, so it has not recovered */
    m = earlyoom_parse_meminfo(sys);
    if (!victim) {
      g_autofree char *detail = g_strdup_printf("%s; Could not find a process to kill. Sleeping 1 second.", low);
      sim_engine_actor_event(e, SIM_EV_EARLYOOM, NULL, detail);
      sleep_ms = 1000; /* kill_process(): sleep(1) */
    } else {
      g_autofree char *detail = g_strdup_printf("%s; sending %s to process %d uid %u \"%s\": badness %d, VmRSS %lld MiB",
                                                low, sig == SIGKILL ? "SIGKILL" : "SIGTERM", victim->pid, victim->uid,
                                                victim->comm, badness, rss_kib / 1024);
      sim_engine_actor_event(e, SIM_EV_EARLYOOM, victim, detail);
      sim_engine_actor_signal(e, "earlyoom", victim, sig, badness, rss_kib / 1024);
      /* kill_wait(): the process is gone at its first is_alive() check, before any escalation to SIGKILL; one
       * already dying in the kernel (an OOM victim waiting for the reaper) is waited for, 100 polls of 100 ms */
      if (victim->state == KM_TASK_DYING)
        sleep_ms = 10000;
      else
        sim_engine_actor_kill(e, victim, sig, "earlyoom");
    }
  }
  sleep_ms += us_earlyoom_sleep_time_ms(cfg, &m);
  /* idle: nothing was signalled (memory is fine, or there was no victim, or it was already dying) */
  us->earlyoom_idle_gen = sim_engine_generation(e) == gen_before ? gen_before : -1;
  us->earlyoom_idle_sleep_ns = sleep_ms * G_GUINT64_CONSTANT(1000000);
  us->next_earlyoom_ns = clock_add(us->next_earlyoom_ns, us->earlyoom_idle_sleep_ns);
}

/* oomd_cgroup_kill(path, recurse=true): the processes of memcg and its descendants that a SIGKILL ends (a process
 * already dying, an OOM victim waiting for the reaper, gets the signal again to no effect) */
static GPtrArray *oomd_cgroup_procs(KmSystem *sys, KmMemcg *memcg)
{
  GPtrArray *victims = g_ptr_array_new();
  for (KmTask *task = sys->tasks.head; task; task = task->tasks.next) {
    if ((task->state == KM_TASK_RUNNING || task->state == KM_TASK_BLOCKED || task->state == KM_TASK_LIVELOCKED) &&
        km_memcg_is_descendant(task->memcg, memcg))
      g_ptr_array_add(victims, task);
  }
  return victims;
}

/* The log line (detail, which names the processes' count), then SIGKILL to each. */
static void oomd_kill(SimEngine *e, GPtrArray *victims, const char *detail)
{
  g_autofree char *line = g_strdup_printf("%s, %u process%s)", detail, victims->len, victims->len == 1 ? "" : "es");
  sim_engine_actor_event(e, SIM_EV_OOMD, victims->pdata[0], line);
  for (guint i = 0; i < victims->len; i++)
    sim_engine_actor_kill(e, victims->pdata[i], SIGKILL, "systemd-oomd");
}

/* systemd 252 oomd-manager.c monitor_swap_contexts_handler(): the swap rule, every SWAP_INTERVAL_USEC. */
void sim_userspace_oomd_poll(SimUserspace *us, SimEngine *e)
{
  const UsOomd *cfg = us->oomd;
  KmSystem *sys = sim_engine_system(e);
  long long total, available, swap_total, swap_free;
  proc_meminfo_kb(sys, &total, &available, &swap_total, &swap_free);
  us->next_oomd_ns = clock_add(us->next_oomd_ns, US_OOMD_SWAP_INTERVAL_NS);
  us->oomd_idle_gen = sim_engine_generation(e);
  /* oomd_system_context_acquire(): bytes; mem_used = MemTotal - MemAvailable, swap_used = SwapTotal - SwapFree */
  guint64 mem_total = (guint64)total * 1024, mem_used = (guint64)(total - available) * 1024;
  guint64 st = (guint64)swap_total * 1024, su = (guint64)(swap_total - swap_free) * 1024;
  if (!us_oomd_swap_limit_hit(cfg, mem_total, (guint64)available * 1024, st, (guint64)swap_free * 1024))
    return;
  g_autoptr(GArray) candidates = us_oomd_swap_candidates(cfg, sys);
  int chosen = us_oomd_select_by_swap_usage(candidates, st * US_OOMD_THRESHOLD_SWAP_USED_PERCENT / 100);
  if (chosen < 0)
    return; /* "No cgroup candidates found for swap-based OOM action" */
  const UsOomdCandidate *c = &g_array_index(candidates, UsOomdCandidate, chosen);
  g_autoptr(GPtrArray) victims = oomd_cgroup_procs(sys, c->memcg);
  if (victims->len == 0)
    return; /* nothing killed: 252 logs nothing and the pass ends */
  us->oomd_idle_gen = -1;
  g_autofree char *detail = g_strdup_printf(
      "systemd-oomd: Killed %s due to memory used (%" G_GUINT64_FORMAT ") / total (%" G_GUINT64_FORMAT ") and swap used (%"
      G_GUINT64_FORMAT ") / total (%" G_GUINT64_FORMAT ") being more than %d.%02d%% (swap usage of %s: %" G_GUINT64_FORMAT
      " bytes", c->memcg->path, mem_used, mem_total, su, st, cfg->swap_used_limit_permyriad / 100,
      cfg->swap_used_limit_permyriad % 100, c->memcg->path, c->swap_usage);
  oomd_kill(e, victims, detail);
}

/* update_monitored_cgroup_contexts_candidates(): the candidates gathered now, with last_pgscan from the kept ones */
static void oomd_pressure_refresh_candidates(SimUserspace *us, KmSystem *sys)
{
  GArray *fresh = us_oomd_candidates(us->oomd, sys, US_OOMD_RULE_PRESSURE);
  us_oomd_carry_candidates(us->oomd_candidates, fresh);
  if (us->oomd_candidates)
    g_array_unref(us->oomd_candidates);
  us->oomd_candidates = fresh;
}

/* The kill of the pressure rule below target t (oomd_kill_by_pgscan_rate()); with no candidate, or none with a
 * process, 252 still starts the post-action delay, and logs nothing. */
static void oomd_pressure_kill(SimUserspace *us, SimEngine *e, const UsOomdPressureCgroup *t, guint64 now_ns)
{
  KmSystem *sys = sim_engine_system(e);
  oomd_pressure_refresh_candidates(us, sys);
  int chosen = us_oomd_select_by_pgscan_rate(us->oomd_candidates, t->memcg->path);
  us->oomd_post_action = TRUE;
  us->oomd_post_action_start_ns = now_ns;
  if (chosen < 0)
    return;
  const UsOomdCandidate *c = &g_array_index(us->oomd_candidates, UsOomdCandidate, chosen);
  g_autoptr(GPtrArray) victims = oomd_cgroup_procs(sys, c->memcg);
  if (victims->len == 0)
    return;
  g_autofree char *duration = us_oomd_format_timespan(us->oomd->mem_pressure_duration_ns);
  g_autofree char *detail = g_strdup_printf(
      "systemd-oomd: Killed %s due to memory pressure for %s being %lu.%02lu%% > %lu.%02lu%% for > %s with reclaim "
      "activity (pgscan rate of %s: %" G_GUINT64_FORMAT " pages, memory.current %" G_GUINT64_FORMAT " bytes",
      c->memcg->path, t->memcg->path, km_load_int(t->avg10), km_load_frac(t->avg10),
      km_load_int(t->mem_pressure_limit), km_load_frac(t->mem_pressure_limit), duration, c->memcg->path,
      us_oomd_pgscan_rate(c->pgscan, c->last_pgscan), c->current_memory_usage);
  oomd_kill(e, victims, detail);
}

/* systemd 252 oomd-manager.c monitor_memory_pressure_contexts_handler(), every MEM_PRESSURE_INTERVAL_USEC. */
void sim_userspace_oomd_pressure_poll(SimUserspace *us, SimEngine *e)
{
  KmSystem *sys = sim_engine_system(e);
  const guint64 now_ns = sim_engine_now(e);
  gboolean kept = FALSE; /* clear_candidate_hashmapp(): the candidates are dropped unless updated in this poll */
  us->next_oomd_pressure_ns = clock_add(us->next_oomd_pressure_ns, US_OOMD_MEM_PRESSURE_INTERVAL_NS);
  /* update_monitored_cgroup_contexts(): memory.pressure ("full" avg10) and memory.stat's pgscan of each */
  for (guint i = 0; i < us->oomd_monitored->len; i++) {
    UsOomdPressureCgroup *c = &g_array_index(us->oomd_monitored, UsOomdPressureCgroup, i);
    KmPsiShow full = km_psi_show(&c->memcg->psi, now_ns);
    us_oomd_pressure_update(c, c->memcg->parent ? km_memcg_pgscan(c->memcg) : 0, us_oomd_read_psi_avg(full.avg10),
                            now_ns);
  }
  gboolean in_delay = FALSE;
  if (us->oomd_post_action) {
    if (us->oomd_post_action_start_ns + US_OOMD_POST_ACTION_DELAY_NS > now_ns)
      in_delay = TRUE;
    else
      us->oomd_post_action = FALSE;
  }
  guint targets = us_oomd_pressure_above(us->oomd_monitored, us->oomd->mem_pressure_duration_ns, now_ns);
  if (targets > 0 && !in_delay) {
    for (guint i = 0; i < us->oomd_monitored->len; i++) {
      const UsOomdPressureCgroup *t = &g_array_index(us->oomd_monitored, UsOomdPressureCgroup, i);
      if (!t->target || !us_oomd_had_recent_reclaim(t, now_ns))
        continue;
      oomd_pressure_kill(us, e, t, now_ns);
      return; /* one kill per poll; the candidates were just updated */
    }
  } else {
    /* a monitored cgroup over its limit: the candidates are kept up to date, their pgscan rates per poll */
    for (guint i = 0; i < us->oomd_monitored->len && !kept; i++)
      if (g_array_index(us->oomd_monitored, UsOomdPressureCgroup, i).limit_hit) {
        oomd_pressure_refresh_candidates(us, sys);
        kept = TRUE;
      }
  }
  if (!kept && us->oomd_candidates) {
    g_array_unref(us->oomd_candidates);
    us->oomd_candidates = NULL;
  }
}

/* An actor whose last poll did nothing, with the model unchanged since, would do nothing at every poll up to
 * until_ns, at the same sleep: its next poll moves to the first one after until_ns. */
void sim_userspace_skip_idle(SimUserspace *us, gint64 gen, guint64 until_ns)
{
  if (us->earlyoom && us->earlyoom_idle_gen == gen && us->next_earlyoom_ns <= until_ns)
    us->next_earlyoom_ns = first_poll_after(us->next_earlyoom_ns, us->earlyoom_idle_sleep_ns, until_ns);
  if (us->oomd && us->oomd_idle_gen == gen && us->next_oomd_ns <= until_ns)
    us->next_oomd_ns = first_poll_after(us->next_oomd_ns, US_OOMD_SWAP_INTERVAL_NS, until_ns);
}

/* The cgroups a <systemd-oomd> unit names must exist, and oomd needs cgroup v2 (it reads memory.swap.current). */
static gboolean check_oomd(const ScenarioHeader *h, const UsOomd *oomd, KmSystem *sys, GError **error)
{
  if (h->cgroup_version != 2) {
    scenario_set_error(error, SCENARIO_ERROR_UNSUPPORTED, h->file, oomd->line, oomd->col,
                       "systemd-oomd needs the unified cgroup hierarchy (cgroup v2); the scenario's cgroups are v1");
    return FALSE;
  }
  for (guint i = 0; i < oomd->units->len; i++) {
    const UsOomdUnit *u = oomd->units->pdata[i];
    if (!km_system_find_memcg(sys, u->cgroup)) {
      scenario_set_error(error, SCENARIO_ERROR_UNKNOWN_REF, h->file, u->line, u->col,
                         "<unit cgroup=\"%s\">: no such cgroup", u->cgroup);
      return FALSE;
    }
  }
  return TRUE;
}

gboolean sim_userspace_new(const ScenarioHeader *h, SimActors actors, KmSystem *sys, SimUserspace **out,
                           GError **error)
{
  *out = NULL;
  g_autofree SimUserspace *us = g_new0(SimUserspace, 1);
  if (actors == SIM_ACTORS_SCENARIO || actors == SIM_ACTORS_EARLYOOM)
    us->earlyoom = h->earlyoom;
  if (actors == SIM_ACTORS_EARLYOOM && !us->earlyoom)
    us->earlyoom = us->earlyoom_owned = us_earlyoom_new_default();
  if (actors == SIM_ACTORS_SCENARIO || actors == SIM_ACTORS_OOMD)
    us->oomd = h->oomd;
  if (actors == SIM_ACTORS_OOMD && !us->oomd)
    us->oomd = us->oomd_owned = us_oomd_new_default();
  us->earlyoom_idle_gen = us->oomd_idle_gen = -1;
  if (us->oomd && !check_oomd(h, us->oomd, sys, error)) {
    sim_userspace_free(g_steal_pointer(&us));
    return FALSE;
  }
  if (us->oomd && us_oomd_has_pressure_units(us->oomd))
    us->oomd_monitored = us_oomd_pressure_monitored(us->oomd, sys);
  if (us->earlyoom || us->oomd)
    *out = g_steal_pointer(&us);
  return TRUE;
}

void sim_userspace_free(SimUserspace *us)
{
  if (!us)
    return;
  us_earlyoom_free(us->earlyoom_owned);
  us_oomd_free(us->oomd_owned);
  if (us->oomd_monitored)
    g_array_unref(us->oomd_monitored);
  if (us->oomd_candidates)
    g_array_unref(us->oomd_candidates);
  g_free(us);
}
