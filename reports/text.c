/* reports/text.c: the timeline a person reads: the scenario and machine first, then one line per event on the
 * virtual clock, a block per OOM decision (the candidate table with every skip reason, why the victim won,
 * what was killed and what that frees), and a summary built from the run's outcome at the end.
 *
 * Figures are the model's pages, with a human size next to them where a size helps; columns are aligned by
 * report_table_render(). Nothing here decides anything: the reasons printed are read from the OomControl the
 * kernel model filled, and the tie rule is the profile's (KmProfile.tie_keeps_leader).
 */
#include "report-private.h"

#include "../kernel-model/km-util.h"
#include "../kernel-model/km-pcp.h"
#include "../k8s/k8s-node.h"
#include "../k8s/k8s-quantity.h"
#include "../userspace/us-earlyoom.h"
#include "../userspace/us-oomd.h"
#include "../userspace/us-oomd-pressure.h"

#include <stdarg.h>

struct _ReportText {
  GString *out;
  SimDetail detail;
};

ReportText *report_text_new(GString *out)
{
  ReportText *text = g_new0(ReportText, 1);
  text->out = out;
  return text;
}

void report_text_set_detail(ReportText *text, SimDetail detail)
{
  text->detail = detail;
}

void report_text_free(ReportText *text)
{
  g_free(text);
}

static void textf(GString *out, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void textf(GString *out, const char *fmt, ...)
{
  va_list args;
  va_start(args, fmt);
  g_string_append_vprintf(out, fmt, args);
  va_end(args);
}

static char *pages_text(const KmSystem *sys, KmPages pages)
{
  return report_format_pages(sys, pages);
}

static char *kb_text(guint64 kb)
{
  return g_strdup_printf("%" G_GUINT64_FORMAT, kb);
}

/* ---------------------------------------------------------------- header */

static void print_machine(GString *out, const KmSystem *sys)
{
  const KmMachine *m = &sys->machine;
  g_autofree char *ram = pages_text(sys, m->totalram_pages);
  g_autofree char *swap = pages_text(sys, m->total_swap_pages);
  g_autofree char *kernel = pages_text(sys, m->kernel_pages);
  g_autofree char *wmark = pages_text(sys, km_wmark_min_pages(sys));
  g_autofree char *limit = pages_text(sys, km_vm_commit_limit(sys));
  textf(out, "machine:\n");
  g_autoptr(ReportTable) t = report_table_new("ll", NULL);
  report_table_add(t, "RAM (MemTotal)", ram, NULL);
  report_table_add(t, "swap", swap, NULL);
  report_table_add(t, "kernel reserved", kernel, NULL);
  g_autofree char *ps = g_strdup_printf("%u bytes", m->page_size);
  report_table_add(t, "page size", ps, NULL);
  g_autofree char *mfk = g_strdup_printf("%" G_GUINT64_FORMAT " (WMARK_MIN %s)", m->min_free_kbytes, wmark);
  report_table_add(t, "vm.min_free_kbytes", mfk, NULL);
  g_autoptr(GString) zones = g_string_new(NULL);
  for (guint i = 0; i < m->nr_zones; i++) {
    const KmZone *z = &m->zones[i];
    g_string_append_printf(zones, "%s%s %" G_GINT64_FORMAT " (min %" G_GINT64_FORMAT " reserve %" G_GINT64_FORMAT ")",
                           i ? ", " : "", z->name, z->managed, z->wmark_min, z->lowmem_reserve);
  }
  g_autofree char *floor = pages_text(sys, km_alloc_floor_pages(sys));
  g_string_append_printf(zones, " pages%s; a global OOM leaves %s free", m->zones_given ? " (measured)" : "", floor);
  report_table_add(t, "zones", zones->str, NULL);
  const KmPcp *pcp = &m->pcp;
  g_autofree char *cpus =
      sys->profile->pcp == KM_PCP_AUTOTUNE
          ? g_strdup_printf("%d; per-CPU page lists: batch %d, high %d-%d pages", m->nr_cpus, pcp->batch, pcp->high_min, pcp->high_max)
          : g_strdup_printf("%d; per-CPU page lists: batch %d, high %d pages", m->nr_cpus, pcp->batch, pcp->high);
  report_table_add(t, "CPUs", cpus, NULL);
  g_autofree char *oc = g_strdup_printf("vm.overcommit_memory=%d vm.overcommit_ratio=%d vm.overcommit_kbytes=%" G_GUINT64_FORMAT
                                        " (CommitLimit %s)",
                                        m->overcommit_memory, m->overcommit_ratio, m->overcommit_kbytes, limit);
  report_table_add(t, "overcommit", oc, NULL);
  g_autofree char *res = g_strdup_printf("vm.admin_reserve_kbytes=%" G_GUINT64_FORMAT " vm.user_reserve_kbytes=%" G_GUINT64_FORMAT,
                                         m->admin_reserve_kbytes, m->user_reserve_kbytes);
  report_table_add(t, "reserves", res, NULL);
  g_autofree char *oom = g_strdup_printf("vm.panic_on_oom=%d vm.oom_kill_allocating_task=%d vm.swappiness=%d",
                                         m->panic_on_oom, m->oom_kill_allocating_task, m->swappiness);
  report_table_add(t, "OOM sysctls", oom, NULL);
  report_table_render(t, out, "  ");
}

static char *limit_text(const KmSystem *sys, KmPages pages)
{
  return pages == KM_PAGES_MAX ? g_strdup("max") : report_format_pages(sys, pages);
}

static void print_cgroups(GString *out, const KmSystem *sys, const ScenarioHeader *h)
{
  if (sys->memcgs->len <= 1) {
    textf(out, "cgroups: none (every process in the root cgroup, cgroup v%d)\n", h ? h->cgroup_version : 2);
    return;
  }
  const KmMemcg *first = sys->memcgs->pdata[1];
  textf(out, "cgroups (v%d):\n", first->version);
  g_autoptr(ReportTable) t = NULL;
  if (first->version == 2)
    t = report_table_new("lllll", "path", "memory.max", "memory.high", "memory.swap.max", "memory.oom.group", NULL);
  else
    t = report_table_new("lllll", "path", "memory.limit_in_bytes", "memory.memsw.limit_in_bytes", "oom_kill_disable",
                         "use_hierarchy", NULL);
  for (guint i = 1; i < sys->memcgs->len; i++) {
    const KmMemcg *c = sys->memcgs->pdata[i];
    g_autofree char *max = limit_text(sys, c->max);
    if (c->version == 2) {
      g_autofree char *high = limit_text(sys, c->high);
      g_autofree char *swap = limit_text(sys, c->swap_max);
      report_table_add(t, c->path, max, high, swap, c->oom_group ? "1" : "0", NULL);
    } else {
      g_autofree char *memsw = limit_text(sys, c->memsw_max);
      report_table_add(t, c->path, max, memsw, c->oom_kill_disable ? "1" : "0", c->use_hierarchy ? "1" : "0", NULL);
    }
  }
  report_table_render(t, out, "  ");
}

static void print_processes(GString *out, const ScenarioHeader *h)
{
  if (!h || h->processes->len == 0) {
    textf(out, "processes: none at the start\n");
    return;
  }
  textf(out, "processes:\n");
  g_autoptr(ReportTable) t = report_table_new("rllrrrl", "pid", "comm", "cgroup", "uid", "oom_score_adj", "base rss",
                                              "flags", NULL);
  for (guint i = 0; i < h->processes->len; i++) {
    const ScProcess *p = h->processes->pdata[i];
    g_autofree char *pid = g_strdup_printf("%d", p->pid);
    g_autofree char *uid = g_strdup_printf("%u", p->uid);
    g_autofree char *adj = g_strdup_printf("%d", p->oom_score_adj);
    g_autofree char *rss = report_format_bytes(p->base_rss_bytes);
    GString *flags = g_string_new(NULL);
    if (p->pid == 1)
      g_string_append(flags, " init");
    if (p->kthread)
      g_string_append(flags, " kthread");
    if (p->cap_sys_admin)
      g_string_append(flags, " CAP_SYS_ADMIN");
    if (p->threads > 1)
      g_string_append_printf(flags, " threads=%d", p->threads);
    if (p->shares_mm_with)
      g_string_append_printf(flags, " shares-mm-with=%d", p->shares_mm_with);
    if (p->parent)
      g_string_append_printf(flags, " parent=%d", p->parent);
    if (p->container)
      g_string_append_printf(flags, " container=%s", p->container);
    if (p->stuck)
      g_string_append(flags, " stuck");
    if (p->oom_task_origin)
      g_string_append(flags, " oom_task_origin");
    if (p->vfork_child)
      g_string_append(flags, " vfork-child");
    report_table_add(t, pid, p->comm, p->cgroup ? p->cgroup : "/", uid, adj, rss,
                     flags->len ? flags->str + 1 : "-", NULL);
    g_string_free(flags, TRUE);
  }
  report_table_render(t, out, "  ");
}

/* The userspace killers the scenario enables, in the words of their own start-up (earlyoom main.c) and settings. */
static void print_userspace(GString *out, const ScenarioHeader *h)
{
  if (!h || (!h->earlyoom && !h->oomd))
    return;
  textf(out, "userspace OOM killers (docs/userspace-killers.md):\n");
  const UsEarlyoom *eo = h->earlyoom;
  if (eo) {
    textf(out, "  earlyoom %s: sending SIGTERM when mem <= %5.2f%% and swap <= %5.2f%%, SIGKILL when mem <= %5.2f%% and "
          "swap <= %5.2f%%", us_earlyoom_version_name(eo->version), eo->mem_term_percent, eo->swap_term_percent,
          eo->mem_kill_percent, eo->swap_kill_percent);
    const char *names[] = { "prefer", "avoid", "ignore" };
    const char *values[] = { eo->prefer, eo->avoid, eo->ignore };
    for (guint i = 0; i < G_N_ELEMENTS(names); i++)
      if (values[i])
        textf(out, "; --%s '%s'", names[i], values[i]);
    textf(out, "%s\n", eo->ignore_root_user ? "; --ignore-root-user" : "");
  }
  const UsOomd *od = h->oomd;
  if (od) {
    textf(out, "  systemd-oomd 252: SwapUsedLimit=%d.%02d%%", od->swap_used_limit_permyriad / 100,
          od->swap_used_limit_permyriad % 100);
    if (us_oomd_has_pressure_units(od)) {
      g_autofree char *duration = us_oomd_format_timespan(od->mem_pressure_duration_ns);
      textf(out, ", DefaultMemoryPressureLimit=%d.%02d%%, DefaultMemoryPressureDurationSec=%s",
            od->mem_pressure_limit_permyriad / 100, od->mem_pressure_limit_permyriad % 100, duration);
    }
    for (guint i = 0; i < od->units->len; i++) {
      const UsOomdUnit *u = od->units->pdata[i];
      textf(out, "; %s:%s%s", u->cgroup, u->swap_kill ? " ManagedOOMSwap=kill" : "",
            u->pressure_kill ? " ManagedOOMMemoryPressure=kill" : "");
      if (u->pressure_kill && u->pressure_limit_permyriad > 0)
        textf(out, " ManagedOOMMemoryPressureLimit=%d.%02d%%", u->pressure_limit_permyriad / 100,
              u->pressure_limit_permyriad % 100);
      textf(out, "%s", u->preference == US_OOMD_PREFERENCE_AVOID  ? " ManagedOOMPreference=avoid"
                       : u->preference == US_OOMD_PREFERENCE_OMIT ? " ManagedOOMPreference=omit"
                                                                  : "");
    }
    textf(out, "\n");
  }
}

static void print_begin(GString *out, const KmSystem *sys, const SimEvent *ev)
{
  const ScenarioHeader *h = ev->header;
  const KmProfile *prof = sys->profile;
  textf(out, "oomsim report\n");
  textf(out, "scenario: %s\n", h && h->name ? h->name : "(unnamed)");
  textf(out, "file: %s\n", ev->scenario_file ? ev->scenario_file : h && h->file ? h->file : "-");
  if (h && h->overrides) {
    g_autofree char *sets = g_strjoinv(" ", h->overrides);
    textf(out, "overrides (--set): %s\n", sets);
  }
  if (h && h->description)
    textf(out, "description: %s\n", h->description);
  textf(out, "kernel profile: %s (%s; uname %s)\n", prof->name, prof->summary, prof->uname);
  print_machine(out, sys);
  print_userspace(out, h);
  print_cgroups(out, sys, h);
  print_processes(out, h);
  textf(out, "\ntimeline (virtual clock; sizes in pages of %u bytes):\n", sys->machine.page_size);
}

/* ---------------------------------------------------------------- event lines */

/* "[    1.000000] #3 t1      pid 80 (spike-B)   " */
static void event_prefix(GString *out, const SimEvent *ev, const KmTask *task)
{
  report_append_timestamp(out, ev->time_ns);
  g_autofree char *step = NULL;
  if (ev->step_index && ev->step && ev->step->id)
    step = g_strdup_printf("#%" G_GUINT64_FORMAT " %s", ev->step_index, ev->step->id);
  else if (ev->step_index)
    step = g_strdup_printf("#%" G_GUINT64_FORMAT, ev->step_index);
  else
    step = g_strdup("-");
  g_autofree char *who = task ? g_strdup_printf("pid %d (%s)", task->pid, task->comm) : g_strdup("");
  textf(out, " %-12s %-22s ", step, who);
}

static void print_simple(GString *out, const KmSystem *sys, const SimEvent *ev, const char *what)
{
  event_prefix(out, ev, ev->task);
  g_autofree char *step = report_describe_step(sys, ev->step);
  if (*step)
    textf(out, "%s: %s\n", step, what);
  else
    textf(out, "%s\n", what);
}

static void print_enomem(GString *out, const KmSystem *sys, const SimEvent *ev)
{
  const KmMachine *m = &sys->machine;
  g_autofree char *req = pages_text(sys, ev->enomem_pages);
  if (ev->oom_memcg) {
    g_autofree char *what = g_strdup_printf("ENOMEM: %s; %s not charged", ev->detail, req);
    print_simple(out, sys, ev, what);
    return;
  }
  g_autofree char *committed = pages_text(sys, m->committed_as);
  g_autofree char *limit = pages_text(sys, km_vm_commit_limit(sys));
  g_autofree char *what = g_strdup_printf("ENOMEM: %s; asked for %s (vm.overcommit_memory=%d, Committed_AS %s, "
                                          "CommitLimit %s)",
                                          ev->detail ? ev->detail : "__vm_enough_memory() refused the mapping", req,
                                          m->overcommit_memory, committed, limit);
  print_simple(out, sys, ev, what);
}

static void print_reclaim(GString *out, const KmSystem *sys, const SimEvent *ev)
{
  g_autofree char *file = pages_text(sys, ev->reclaimed_file);
  g_autofree char *swap = pages_text(sys, ev->reclaimed_swap);
  /* kswapd's background reclaim says what it did in detail (sim/engine-charge.c engine_kswapd()) */
  g_autofree char *scope = ev->oom_memcg ? g_strdup_printf("memcg %s at its limit", ev->oom_memcg->path)
                           : ev->detail  ? g_strdup(ev->detail)
                                         : g_strdup("machine at WMARK_MIN");
  event_prefix(out, ev, ev->task);
  textf(out, "reclaim (%s): dropped %s of page cache, swapped out %s of anon and shmem memory\n", scope, file, swap);
}

static void print_reaped(GString *out, const KmSystem *sys, const SimEvent *ev)
{
  event_prefix(out, ev, ev->task);
  textf(out, "oom_reaper reaped the victim's anon memory and swap: now anon-rss %" G_GUINT64_FORMAT
        " kB, file-rss %" G_GUINT64_FORMAT " kB, shmem-rss %" G_GUINT64_FORMAT " kB (MMF_OOM_SKIP set)\n",
        km_pages_to_kb(sys, ev->reaped_anon_rss), km_pages_to_kb(sys, ev->reaped_file_rss),
        km_pages_to_kb(sys, ev->reaped_shmem_rss));
}

static void print_exit(GString *out, const KmSystem *sys, const SimEvent *ev)
{
  const SimExit *x = ev->exit;
  event_prefix(out, ev, ev->task);
  if (!x) {
    textf(out, "exited\n");
    return;
  }
  g_autofree char *how = x->signal ? g_strdup_printf("killed by signal %d", x->signal)
                                   : g_strdup_printf("exit code %d", x->status);
  /* MemFree: the buddy lists (/proc/meminfo leaves the per-CPU lists out) */
  g_autofree char *free_now = pages_text(sys, km_buddy_free_pages(sys));
  textf(out, "exit: status %d (%s), reason %s", x->status, how, x->reason ? x->reason : "-");
  if (x->by)
    textf(out, ", killed by %s", x->by);
  textf(out, "; MemFree now %s", free_now);
  if (ev->task && ev->task->memcg && ev->task->memcg->parent) {
    g_autofree char *usage = pages_text(sys, ev->task->memcg->usage);
    textf(out, ", memcg %s usage %s", ev->task->memcg->path, usage);
  }
  textf(out, "\n");
}

/* ---------------------------------------------------------------- OOM block */

static char *row_points(const KmSystem *sys, const KmOomRow *row)
{
  if (row->origin)
    return g_strdup("origin");
  if (row->skip != KM_SKIP_NONE)
    return g_strdup("-");
  if (!sys->profile->badness_signed)
    return g_strdup_printf("%lu", (gulong)row->points);
  return g_strdup_printf("%ld", row->points);
}

static char *row_verdict(const OomControl *oc, const KmOomRow *row)
{
  gboolean killed = FALSE;
  for (guint i = 0; i < oc->kills->len; i++)
    if (g_array_index(oc->kills, KmKill, i).task == row->task)
      killed = TRUE;
  if (row->task == oc->chosen && (oc->action == KM_OOM_KILLED || oc->action == KM_OOM_VICTIM_EXITING))
    return g_strdup("<- victim");
  if (row->skip != KM_SKIP_NONE)
    return g_strdup_printf("skipped: %s", km_skip_reason_text[row->skip]);
  if (row->origin)
    return g_strdup("oom_task_origin");
  return g_strdup(killed ? "candidate (killed too)" : "candidate");
}

static void print_candidates(GString *out, const KmSystem *sys, const OomControl *oc)
{
  if (oc->rows->len == 0)
    return;
  textf(out, "    candidates (in %s order; figures in pages):\n",
        oc->memcg ? "mem_cgroup_scan_tasks() subtree" : "task-list (for_each_process)");
  g_autoptr(ReportTable) t = report_table_new("rllrrrrrrrl", "pid", "comm", "memcg", "rss", "swap", "pgtables",
                                              "total_vm", "oom_score_adj", "points", "oom_score", "verdict", NULL);
  for (guint i = 0; i < oc->rows->len; i++) {
    const KmOomRow *row = &g_array_index(oc->rows, KmOomRow, i);
    g_autofree char *rss_size = report_format_bytes((guint64)row->rss * sys->machine.page_size);
    char **cells = g_new0(char *, 12);
    cells[0] = g_strdup_printf("%d", row->task->pid);
    cells[1] = g_strdup(row->task->comm);
    cells[2] = g_strdup(row->task->memcg ? row->task->memcg->path : "-");
    cells[3] = g_strdup_printf("%" G_GINT64_FORMAT " (%s)", row->rss, rss_size);
    cells[4] = g_strdup_printf("%" G_GINT64_FORMAT, row->swapents);
    cells[5] = g_strdup_printf("%" G_GINT64_FORMAT, row->pgtables);
    cells[6] = g_strdup_printf("%" G_GINT64_FORMAT, row->total_vm);
    cells[7] = g_strdup_printf("%d", row->oom_score_adj);
    cells[8] = row_points(sys, row);
    cells[9] = g_strdup_printf("%d", row->proc_oom_score);
    cells[10] = row_verdict(oc, row);
    report_table_add_take(t, cells);
  }
  report_table_render(t, out, "      ");
}

/* Why oc->chosen won: highest points, and the profile's tie rule if another candidate had the same. */
static void print_why_chosen(GString *out, const KmSystem *sys, const OomControl *oc)
{
  const KmOomRow *chosen = NULL;
  GString *ties = g_string_new(NULL);
  for (guint i = 0; i < oc->rows->len; i++) {
    const KmOomRow *row = &g_array_index(oc->rows, KmOomRow, i);
    if (row->task == oc->chosen)
      chosen = row;
  }
  if (!chosen) {
    g_string_free(ties, TRUE);
    return;
  }
  if (chosen->origin) {
    textf(out, "    why: oom_task_origin() is set: selected at once, without scoring\n");
    g_string_free(ties, TRUE);
    return;
  }
  for (guint i = 0; i < oc->rows->len; i++) {
    const KmOomRow *row = &g_array_index(oc->rows, KmOomRow, i);
    if (row != chosen && row->skip == KM_SKIP_NONE && !row->origin && row->points == chosen->points)
      g_string_append_printf(ties, "%s%d (%s)", ties->len ? ", " : "", row->task->pid, row->task->comm);
  }
  g_autofree char *pts = row_points(sys, chosen);
  textf(out, "    why: highest oom_badness() points (%s = rss + swap + page tables + oom_score_adj * totalpages/1000)", pts);
  if (sys->profile->normalise_chosen_points)
    textf(out, "; chosen_points normalised to %ld (points * 1000 / totalpages)", oc->chosen_points);
  textf(out, "\n");
  if (ties->len)
    textf(out, "    tie: pid %s had the same points; on kernel %s %s\n", ties->str, sys->profile->name,
          report_tie_later_wins(sys) ? "the later task in scan order wins (`points < chosen_points` skips only lower scores)"
                          : "the earlier task wins (an equal score does not displace a thread-group leader)");
  if (sys->invert_tie_rule)
    textf(out, "    note: the tie rule is deliberately inverted (harness self-test)\n");
  g_string_free(ties, TRUE);
}

static const char *kill_kind_text(KmKillKind kind)
{
  switch (kind) {
  case KM_KILL_VICTIM:
    return "victim";
  case KM_KILL_CHILD:
    return "child sacrificed for its parent";
  case KM_KILL_OOM_GROUP:
    return "memory.oom.group member";
  case KM_KILL_SHARES_MM:
    return "shares the victim's mm";
  default:
    return "?";
  }
}

static void print_kills(GString *out, const KmSystem *sys, const OomControl *oc)
{
  if (oc->sacrificed_for) {
    for (guint i = 0; i < oc->kills->len; i++) {
      const KmKill *k = &g_array_index(oc->kills, KmKill, i);
      if (k->kind == KM_KILL_CHILD)
        textf(out, "    sacrifice: pid %d (%s) was chosen (score %ld), its child pid %d (%s) (own mm, highest badness) "
              "is killed instead\n",
              oc->sacrificed_for->pid, oc->sacrificed_for->comm, oc->sacrificed_for_score, k->task->pid, k->task->comm);
    }
  }
  if (oc->oom_group)
    textf(out, "    memory.oom.group: %s is killed as a whole (members with oom_score_adj -1000 are spared)\n",
          oc->oom_group->path);
  if (oc->kills->len == 0)
    return;
  textf(out, "    kills (SIGKILL, in order; Killed-line figures in kB):\n");
  g_autoptr(ReportTable) t = report_table_new("rllrrrrrrl", "pid", "comm", "why", "total-vm", "anon-rss", "file-rss",
                                              "shmem-rss", "pgtables", "adj", "note", NULL);
  KmPages freed = 0;
  g_autoptr(GPtrArray) mms = g_ptr_array_new();
  for (guint i = 0; i < oc->kills->len; i++) {
    const KmKill *k = &g_array_index(oc->kills, KmKill, i);
    char **cells = g_new0(char *, 11);
    cells[0] = g_strdup_printf("%d", k->task->pid);
    cells[1] = g_strdup(k->task->comm);
    cells[2] = g_strdup(kill_kind_text(k->kind));
    if (k->printed) {
      cells[3] = kb_text(km_pages_to_kb(sys, k->total_vm));
      cells[4] = kb_text(km_pages_to_kb(sys, k->anon_rss));
      cells[5] = kb_text(km_pages_to_kb(sys, k->file_rss));
      cells[6] = kb_text(km_pages_to_kb(sys, k->shmem_rss));
      cells[7] = kb_text(km_pages_to_kb(sys, k->pgtables));
      cells[8] = g_strdup_printf("%d", k->oom_score_adj);
    } else {
      for (guint c = 3; c <= 8; c++)
        cells[c] = g_strdup("-");
    }
    cells[9] = k->pinned_by ? g_strdup_printf("mm pinned by pid %d (%s): not reaped", k->pinned_by->pid,
                                              k->pinned_by->comm)
                            : g_strdup(k->task->stuck ? "stuck: exits only after the OOM reaper" : "");
    report_table_add_take(t, cells);
    const KmMm *mm = k->task->mm;
    if (mm && !g_ptr_array_find(mms, mm, NULL)) {
      g_ptr_array_add(mms, (gpointer)mm);
      freed += km_mm_rss(mm) + mm->swapents + km_mm_pgtables(mm);
    }
  }
  report_table_render(t, out, "      ");
  g_autofree char *freed_text = pages_text(sys, freed);
  textf(out, "    frees: %s (rss + swap + page tables of %u mm%s) once the victims exit\n", freed_text, mms->len,
        mms->len == 1 ? "" : "s");
}

static const KmOomRow *abort_row(const OomControl *oc)
{
  for (guint i = 0; i < oc->rows->len; i++) {
    const KmOomRow *row = &g_array_index(oc->rows, KmOomRow, i);
    if (row->skip == KM_SKIP_VICTIM_ABORT)
      return row;
  }
  return NULL;
}

static void print_outcome_of_oom(GString *out, const KmSystem *sys, const OomControl *oc)
{
  const KmOomRow *abort = NULL;
  switch (oc->action) {
  case KM_OOM_KILLED:
    print_why_chosen(out, sys, oc);
    print_kills(out, sys, oc);
    break;
  case KM_OOM_KILLED_ALLOCATING:
    textf(out, "    why: vm.oom_kill_allocating_task=1: the allocating task is killed, no scan\n");
    print_kills(out, sys, oc);
    break;
  case KM_OOM_CURRENT_EXITING:
    textf(out, "    result: the allocating task is already dying (task_will_free_mem): it is marked as a victim "
               "and gets the reserves; nothing is killed\n");
    break;
  case KM_OOM_VICTIM_EXITING:
    textf(out, "    result: the chosen pid %d (%s) is already exiting: marked as a victim only, no report, no new kill\n",
          oc->chosen ? oc->chosen->pid : 0, oc->chosen ? oc->chosen->comm : "?");
    break;
  case KM_OOM_GFP_NOFS:
    textf(out, "    result: the allocation lacks __GFP_FS: out_of_memory() returns without killing\n");
    break;
  case KM_OOM_ABORTED:
    abort = abort_row(oc);
    if (abort)
      textf(out, "    result: scan aborted: an earlier victim (pid %d %s) is still exiting; nothing new is killed "
                 "and the allocation waits\n",
            abort->task->pid, abort->task->comm);
    else
      textf(out, "    result: scan aborted: an earlier victim is still exiting; nothing new is killed\n");
    break;
  case KM_OOM_NO_KILLABLE:
    textf(out, "    result: Out of memory and no killable processes: %s\n",
          oc->memcg ? "mem_cgroup_oom() fails (what the charge does then, by charge path and kernel, follows)"
                    : "the kernel panics");
    break;
  case KM_OOM_PANIC:
    textf(out, "    result: vm.panic_on_oom=%d: %s\n", sys->machine.panic_on_oom,
          oc->panic_message ? oc->panic_message : "panic");
    break;
  default:
    break;
  }
}

static void print_oom(GString *out, const KmSystem *sys, const SimEvent *ev)
{
  const OomControl *oc = ev->oc;
  if (!oc)
    return;
  event_prefix(out, ev, ev->task);
  if (oc->memcg)
    textf(out, "OOM in memcg %s (at its limit)\n", oc->memcg->path);
  else
    textf(out, "global OOM (the machine is out of memory)\n");
  g_autofree char *step = report_describe_step(sys, ev->step);
  g_autofree char *gfp = oc->gfp_mask == KM_GFP_KERNEL ? g_strdup("GFP_KERNEL (memcg charge of a user page)")
                         : oc->gfp_mask == KM_GFP_HIGHUSER_MOVABLE ? g_strdup("GFP_HIGHUSER_MOVABLE|__GFP_ZERO (anon page fault)")
                                                                   : g_strdup_printf("%#x", oc->gfp_mask);
  if (oc->current)
    textf(out, "    trigger: pid %d (%s)%s%s, gfp %s, order %d\n", oc->current->pid, oc->current->comm,
          *step ? " during " : "", step, gfp, oc->order);
  else
    textf(out, "    trigger: %s (memory_max_write(): a lower limit, no allocating task)\n", *step ? step : "a limit change");
  if (oc->action == KM_OOM_CURRENT_EXITING || oc->action == KM_OOM_GFP_NOFS) {
    print_outcome_of_oom(out, sys, oc);
    return;
  }
  g_autofree char *total = pages_text(sys, oc->totalpages);
  if (oc->memcg) {
    g_autofree char *usage = pages_text(sys, oc->memcg->usage);
    g_autofree char *max = limit_text(sys, oc->memcg->max);
    textf(out, "    domain: memcg %s, usage %s, limit %s\n", oc->memcg->path, usage, max);
  }
  textf(out, "    constraint: %s, totalpages %s (%s)\n", km_constraint_names[oc->constraint], total,
        oc->memcg ? "mem_cgroup_get_max(): limit + swap share" : "RAM + swap");
  print_candidates(out, sys, oc);
  print_outcome_of_oom(out, sys, oc);
}

/* ---------------------------------------------------------------- summary */

static void print_peaks(GString *out, const KmSystem *sys, const SimOutcome *o);

static void print_summary(GString *out, const KmSystem *sys, const SimOutcome *o)
{
  textf(out, "\nsummary (kernel profile %s):\n", sys->profile->name);
  if (!o) {
    textf(out, "  (no outcome)\n");
    return;
  }
  if (o->kills->len == 0) {
    textf(out, "  OOM kills: none\n");
  } else {
    textf(out, "  OOM kills (%u, in order; kB):\n", o->kills->len);
    g_autoptr(ReportTable) t = report_table_new("rrlllllrrrrrrl", "#", "pid", "comm", "constraint", "oom_memcg",
                                                "task_memcg", "uid", "total-vm", "anon-rss", "file-rss", "shmem-rss",
                                                "pgtables", "adj", "note", NULL);
    for (guint i = 0; i < o->kills->len; i++) {
      const SimKill *k = o->kills->pdata[i];
      const KmTask *task = km_system_find_task(sys, k->pid);
      char **cells = g_new0(char *, 15);
      cells[0] = g_strdup_printf("%u", i + 1);
      cells[1] = g_strdup_printf("%d", k->pid);
      cells[2] = g_strdup(k->comm ? k->comm : "?");
      cells[3] = g_strdup(k->constraint ? k->constraint : "-");
      cells[4] = g_strdup(k->oom_memcg ? k->oom_memcg : "(global)");
      cells[5] = g_strdup(k->task_memcg ? k->task_memcg : "-");
      cells[6] = task ? g_strdup_printf("%u", task->uid) : g_strdup("-");
      cells[7] = kb_text(k->total_vm_kb);
      cells[8] = kb_text(k->anon_rss_kb);
      cells[9] = kb_text(k->file_rss_kb);
      cells[10] = kb_text(k->shmem_rss_kb);
      cells[11] = kb_text(k->pgtables_kb);
      cells[12] = g_strdup_printf("%d", k->oom_score_adj);
      cells[13] = g_strdup(k->allocating_task ? "oom_kill_allocating_task" : "");
      report_table_add_take(t, cells);
    }
    report_table_render(t, out, "    ");
  }
  if (o->exits->len == 0) {
    textf(out, "  exits: none\n");
  } else {
    textf(out, "  exits (in order of death):\n");
    g_autoptr(ReportTable) t = report_table_new("rlrrl", "pid", "comm", "status", "signal", "reason", NULL);
    for (guint i = 0; i < o->exits->len; i++) {
      const SimExit *x = o->exits->pdata[i];
      const char *comm = report_comm_of(sys, x->pid);
      g_autofree char *pid = g_strdup_printf("%d", x->pid);
      g_autofree char *status = g_strdup_printf("%d", x->status);
      g_autofree char *sig = x->signal ? g_strdup_printf("%d", x->signal) : g_strdup("-");
      report_table_add(t, pid, comm ? comm : "?", status, sig, x->reason ? x->reason : "-", NULL);
    }
    report_table_render(t, out, "    ");
  }
  if (o->enomem_steps->len == 0) {
    textf(out, "  ENOMEM steps: none\n");
  } else {
    textf(out, "  ENOMEM steps:");
    for (guint i = 0; i < o->enomem_steps->len; i++)
      textf(out, " %s", (const char *)o->enomem_steps->pdata[i]);
    textf(out, "\n");
  }
  if (o->step_errors->len > 0) {
    textf(out, "  failed steps:");
    for (guint i = 0; i < o->step_errors->len; i++)
      textf(out, "%s %s", i ? "," : "", (const char *)o->step_errors->pdata[i]);
    textf(out, "\n");
  }
  if (o->memcg_events->len > 0) {
    textf(out, "  memory.events (\"-\": no such counter on this kernel or cgroup version):\n");
    g_autoptr(ReportTable) t = report_table_new("lrrrrrr", "cgroup", "low", "high", "max", "oom", "oom_kill",
                                                "oom_group_kill", NULL);
    for (guint i = 0; i < o->memcg_events->len; i++) {
      const SimMemcgEvents *e = o->memcg_events->pdata[i];
      gint64 v[] = { e->low, e->high, e->max, e->oom, e->oom_kill, e->oom_group_kill };
      char **cells = g_new0(char *, 8);
      cells[0] = g_strdup(e->cgroup);
      for (guint j = 0; j < G_N_ELEMENTS(v); j++)
        cells[j + 1] = v[j] < 0 ? g_strdup("-") : g_strdup_printf("%" G_GINT64_FORMAT, v[j]);
      report_table_add_take(t, cells);
    }
    report_table_render(t, out, "    ");
  }
  GString *pids = g_string_new(NULL);
  for (guint i = 0; i < o->blocked_pids->len; i++)
    g_string_append_printf(pids, " %d", GPOINTER_TO_INT(o->blocked_pids->pdata[i]));
  textf(out, "  blocked at the end:%s\n", pids->len ? pids->str : " none");
  g_string_truncate(pids, 0);
  for (guint i = 0; i < o->livelocked_pids->len; i++)
    g_string_append_printf(pids, " %d", GPOINTER_TO_INT(o->livelocked_pids->pdata[i]));
  textf(out, "  livelocked (retrying a charge for ever):%s\n", pids->len ? pids->str : " none");
  g_string_free(pids, TRUE);
  print_peaks(out, sys, o);
  textf(out, "  no killable process found: %s\n", o->no_killable ? "yes" : "no");
  if (o->panicked)
    textf(out, "  panic: yes: %s\n", o->panic_message ? o->panic_message : "");
  else
    textf(out, "  panic: no\n");
  textf(out, "  unresolved: %s\n", o->unresolved ? "yes: the run ended in a state the kernel would not leave "
                                                   "(see docs/model.md)"
                                                 : "no");
}

/* A terminated run's lines of `kubectl describe pod` (State or Last State). */
static void print_terminated(GString *out, const char *label, const SimExit *x, guint64 started_ns)
{
  g_autofree char *started = report_seconds_text(started_ns);
  g_autofree char *finished = report_seconds_text(x->time_ns);
  g_autofree char *by = x->by ? g_strdup_printf(" (killed by: %s)", x->by) : g_strdup("");
  textf(out, "        %-15s Terminated\n          Reason:       %s\n          Exit Code:    %d\n"
        "          Started:      %s\n          Finished:     %s%s\n", label, x->reason ? x->reason : "?", x->status,
        started, finished, by);
}

/* The pods of a <kubelet> node as `kubectl describe pod` would show them at the end of the trace
 * (docs/kubernetes.md, "Container outcomes"): each container's State, Last State and Restart Count, times on the
 * virtual clock. */
static void print_pods(GString *out, const ScenarioHeader *header, const SimOutcome *o)
{
  const K8sNode *node = header->k8s;
  textf(out, "  pods (kubelet %s; as kubectl describe pod shows them when the trace ends):\n", node->version);
  for (guint i = 0; i < node->pods->len; i++) {
    const K8sPod *pod = node->pods->pdata[i];
    const char *reason;
    const char *phase = report_pod_phase(pod, o, &reason);
    textf(out, "    %s/%s  QoS Class: %s  Priority: %" G_GINT64_FORMAT "  restartPolicy: %s  Status: %s%s%s\n",
          pod->namespace_, pod->name, k8s_qos_names[pod->qos], pod->priority, pod->restart_policy, phase,
          reason ? ", Reason: " : "", reason ? reason : "");
    for (guint j = 0; j < pod->containers->len; j++) {
      const K8sContainer *c = pod->containers->pdata[j];
      SimContainerState rc;
      sim_outcome_container_state(o, c->pid, &rc);
      textf(out, "      %s (pid %d, oom_score_adj %d%s):\n", c->name, c->pid, c->oom_score_adj,
            c->privileged ? ", privileged" : "");
      if (rc.exit) {
        print_terminated(out, "State:", rc.exit, rc.started_ns);
      } else if (strcmp(rc.state, "Waiting") == 0) {
        g_autofree char *backoff = k8s_go_duration_text(rc.backoff_ns);
        g_autofree char *until = report_seconds_text(rc.restart_at_ns);
        textf(out, "        State:          Waiting\n          Reason:       CrashLoopBackOff (back-off %s restarting "
              "failed container; the kubelet starts it again at %s)\n", backoff, until);
      } else {
        g_autofree char *started = report_seconds_text(rc.started_ns);
        textf(out, "        State:          Running\n          Started:      %s\n", started);
      }
      if (rc.last)
        print_terminated(out, "Last State:", rc.last, rc.last_started_ns);
      textf(out, "        Restart Count:  %u\n", rc.restart_count);
    }
  }
}

/* ---------------------------------------------------------------- memory over time */

static char *size_text(const KmSystem *sys, KmPages pages)
{
  return report_format_bytes((guint64)pages * sys->machine.page_size);
}

/* memory.pressure once the memcg has stalled (total > 0): the same figures as the file's lines */
static void memcg_pressure_text(GString *out, const KmSystem *sys, const KmMemcg *memcg, guint64 now_ns)
{
  KmPsiShow p;
  if (!report_memory_pressure(sys, memcg, now_ns, &p) || p.total_us == 0)
    return;
  textf(out, " (memory.pressure avg10=%lu.%02lu avg60=%lu.%02lu avg300=%lu.%02lu total=%" G_GUINT64_FORMAT ")",
        km_load_int(p.avg10), km_load_frac(p.avg10), km_load_int(p.avg60), km_load_frac(p.avg60),
        km_load_int(p.avg300), km_load_frac(p.avg300), p.total_us);
}

static void memcg_usage_text(GString *out, const KmSystem *sys, const KmMemcg *memcg, guint64 now_ns)
{
  g_autofree char *usage = size_text(sys, memcg->usage);
  if (memcg->max == KM_PAGES_MAX) {
    textf(out, "%s %s (no limit)", memcg->path, usage);
  } else {
    g_autofree char *max = size_text(sys, memcg->max);
    textf(out, "%s %s of %s", memcg->path, usage, max);
  }
  memcg_pressure_text(out, sys, memcg, now_ns);
}

/* The line after a step (docs/report-formats.md, "Memory over time"): the machine's memory, then the process's memcg
 * (VERBOSE: and its ancestors, and the process's own counters). Human sizes; the JSON report has the pages. */
static void print_memory(GString *out, const KmSystem *sys, const SimEvent *ev, SimDetail detail)
{
  ReportMemory m;
  report_memory_now(sys, ev->task, &m);
  g_autofree char *free_now = size_text(sys, m.mem_free);
  g_autofree char *swap = size_text(sys, m.swap_used);
  g_autofree char *committed = size_text(sys, m.committed_as);
  g_autofree char *limit = size_text(sys, m.commit_limit);
  textf(out, "    memory: MemFree %s, swap used %s, Committed_AS %s of CommitLimit %s", free_now, swap, committed,
        limit);
  const KmMemcg *memcg = ev->task->memcg;
  if (memcg && memcg->parent) {
    textf(out, "; memcg ");
    memcg_usage_text(out, sys, memcg, ev->time_ns);
    for (const KmMemcg *up = memcg->parent; detail == SIM_DETAIL_VERBOSE && up && up->parent; up = up->parent) {
      textf(out, ", ");
      memcg_usage_text(out, sys, up, ev->time_ns);
    }
  }
  if (detail == SIM_DETAIL_VERBOSE && m.has_mm) {
    g_autofree char *rss = size_text(sys, m.rss_anon + m.rss_file + m.rss_shmem);
    g_autofree char *anon = size_text(sys, m.rss_anon);
    g_autofree char *file = size_text(sys, m.rss_file);
    g_autofree char *shmem = size_text(sys, m.rss_shmem);
    g_autofree char *pswap = size_text(sys, m.swap);
    g_autofree char *vm = size_text(sys, m.total_vm);
    textf(out, "; pid %d rss %s (anon %s, file %s, shmem %s), swap %s, VIRT %s", ev->task->pid, rss, anon, file,
          shmem, pswap, vm);
  }
  textf(out, "\n");
}

static void print_peaks(GString *out, const KmSystem *sys, const SimOutcome *o)
{
  guint64 page = sys->machine.page_size;
  g_autofree char *machine = pages_text(sys, (KmPages)(o->machine_peak_bytes / page));
  textf(out, "  memory peaks (page_counter watermarks: the most charged at once):\n    machine  %s\n", machine);
  if (o->memcg_peaks->len == 0)
    return;
  g_autoptr(ReportTable) t = report_table_new("lrrl", "cgroup", "peak", "swap peak",
                                              "least headroom (memory.max - usage)", NULL);
  for (guint i = 0; i < o->memcg_peaks->len; i++) {
    const SimMemcgPeak *p = o->memcg_peaks->pdata[i];
    char **cells = g_new0(char *, 5);
    cells[0] = g_strdup(p->cgroup);
    cells[1] = pages_text(sys, (KmPages)(p->peak_bytes / page));
    cells[2] = pages_text(sys, (KmPages)(p->swap_peak_bytes / page));
    cells[3] = !p->limited                ? g_strdup("- (no limit)")
               : p->min_headroom_bytes == 0 ? g_strdup("0 pages (at its limit)")
                                            : pages_text(sys, (KmPages)(p->min_headroom_bytes / page));
    report_table_add_take(t, cells);
  }
  report_table_render(t, out, "    ");
}

/* ---------------------------------------------------------------- dispatch */

void report_text_event(ReportText *text, const KmSystem *sys, const SimEvent *ev)
{
  GString *out = text->out;
  switch (ev->kind) {
  case SIM_EV_BEGIN:
    print_begin(out, sys, ev);
    break;
  case SIM_EV_STEP:
    print_simple(out, sys, ev, ev->detail ? ev->detail : "done");
    break;
  case SIM_EV_ENOMEM:
    print_enomem(out, sys, ev);
    break;
  case SIM_EV_STEP_ERROR: {
    g_autofree char *what = g_strdup_printf("%s: %s", ev->errno_name, ev->detail ? ev->detail : "failed");
    print_simple(out, sys, ev, what);
    break;
  }
  case SIM_EV_SEGV:
    print_simple(out, sys, ev, ev->detail);
    break;
  case SIM_EV_SKIPPED:
    print_simple(out, sys, ev, ev->detail ? ev->detail : "skipped");
    break;
  case SIM_EV_QUEUED:
    print_simple(out, sys, ev, ev->detail ? ev->detail : "queued");
    break;
  case SIM_EV_BLOCKED:
    print_simple(out, sys, ev, ev->detail ? ev->detail : "blocked");
    break;
  case SIM_EV_UNBLOCKED:
    print_simple(out, sys, ev, ev->detail ? ev->detail : "unblocked");
    break;
  case SIM_EV_LIVELOCK:
    print_simple(out, sys, ev, ev->detail ? ev->detail : "livelock");
    break;
  case SIM_EV_WAIT:
    print_simple(out, sys, ev, ev->detail ? ev->detail : "waiting for a timer");
    break;
  case SIM_EV_THROTTLE:
    print_simple(out, sys, ev, ev->detail ? ev->detail : "throttled over memory.high");
    break;
  case SIM_EV_CHARGE_FORCED:
    print_simple(out, sys, ev, ev->detail ? ev->detail : "charge forced over the limit");
    break;
  case SIM_EV_KUBELET:
  case SIM_EV_EARLYOOM:
  case SIM_EV_OOMD:
    print_simple(out, sys, ev, ev->detail);
    break;
  case SIM_EV_RECLAIM:
    print_reclaim(out, sys, ev);
    break;
  case SIM_EV_OOM:
    print_oom(out, sys, ev);
    break;
  case SIM_EV_REAPED:
    print_reaped(out, sys, ev);
    break;
  case SIM_EV_EXIT:
    print_exit(out, sys, ev);
    break;
  case SIM_EV_PANIC:
    event_prefix(out, ev, ev->task);
    textf(out, "KERNEL PANIC: %s (nothing runs after this)\n", ev->panic_message ? ev->panic_message : "");
    break;
  case SIM_EV_END:
    event_prefix(out, ev, NULL);
    textf(out, "end of trace\n");
    print_summary(out, sys, ev->outcome);
    if (ev->header && ev->header->k8s)
      print_pods(out, ev->header, ev->outcome);
    break;
  default:
    break;
  }
  if (text->detail != SIM_DETAIL_QUIET && report_memory_event(ev))
    print_memory(out, sys, ev, text->detail);
}
