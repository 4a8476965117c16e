/* reports/report-util.c: helpers the report writers share: sizes, timestamps, enum names, step descriptions,
 * memory.stat figures and aligned tables. Integer arithmetic only, so the output does not depend on the
 * locale or on floating-point formatting. */
#include "report-private.h"

#include "../kernel-model/km-memcg.h"
#include "../kernel-model/km-pcp.h"
#include "../kernel-model/km-util.h"

#include <stdarg.h>
#include <string.h>

#define NS_PER_SEC G_GUINT64_CONSTANT(1000000000)

void report_append_timestamp(GString *out, guint64 time_ns)
{
  g_string_append_printf(out, "[%5" G_GUINT64_FORMAT ".%06" G_GUINT64_FORMAT "]", time_ns / NS_PER_SEC,
                         (time_ns % NS_PER_SEC) / 1000);
}

char *report_format_bytes(guint64 bytes)
{
  static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
  guint u = 0;
  guint64 unit = 1;
  while (u + 1 < G_N_ELEMENTS(units) && bytes / unit >= 1024) {
    unit *= 1024;
    u++;
  }
  if (bytes % unit == 0)
    return g_strdup_printf("%" G_GUINT64_FORMAT " %s", bytes / unit, units[u]);
  /* one decimal, rounded half up, without floating point */
  guint64 tenths = (bytes / unit) * 10 + ((bytes % unit) * 10 + unit / 2) / unit;
  return g_strdup_printf("%" G_GUINT64_FORMAT ".%" G_GUINT64_FORMAT " %s", tenths / 10, tenths % 10, units[u]);
}

char *report_format_pages(const KmSystem *sys, KmPages pages)
{
  if (pages == KM_PAGES_MAX)
    return g_strdup("max");
  g_autofree char *size = report_format_bytes((guint64)MAX(pages, 0) * sys->machine.page_size);
  return g_strdup_printf("%" G_GINT64_FORMAT " page%s (%s)", pages, pages == 1 ? "" : "s", size);
}

const char *report_event_type_name(SimEventKind kind)
{
  static const char *const names[] = {
    [SIM_EV_BEGIN] = "begin",
    [SIM_EV_STEP] = "step",
    [SIM_EV_ENOMEM] = "enomem",
    [SIM_EV_STEP_ERROR] = "step-error",
    [SIM_EV_CHARGE_FORCED] = "charge-forced",
    [SIM_EV_SEGV] = "segv",
    [SIM_EV_SKIPPED] = "skipped",
    [SIM_EV_QUEUED] = "queued",
    [SIM_EV_BLOCKED] = "blocked",
    [SIM_EV_UNBLOCKED] = "unblocked",
    [SIM_EV_RECLAIM] = "reclaim",
    [SIM_EV_OOM] = "oom",
    [SIM_EV_REAPED] = "reaped",
    [SIM_EV_EXIT] = "exit",
    [SIM_EV_PANIC] = "panic",
    [SIM_EV_LIVELOCK] = "livelock",
    [SIM_EV_WAIT] = "wait",
    [SIM_EV_THROTTLE] = "throttle",
    [SIM_EV_KUBELET] = "kubelet",
    [SIM_EV_EARLYOOM] = "earlyoom",
    [SIM_EV_OOMD] = "systemd-oomd",
    [SIM_EV_END] = "end",
  };
  return (guint)kind < G_N_ELEMENTS(names) && names[kind] ? names[kind] : "unknown";
}

const char *report_oom_action_name(KmOomAction action)
{
  static const char *const names[] = {
    [KM_OOM_KILLED] = "killed",
    [KM_OOM_KILLED_ALLOCATING] = "killed_allocating_task",
    [KM_OOM_CURRENT_EXITING] = "current_exiting",
    [KM_OOM_VICTIM_EXITING] = "victim_exiting",
    [KM_OOM_GFP_NOFS] = "gfp_nofs",
    [KM_OOM_ABORTED] = "aborted",
    [KM_OOM_NO_KILLABLE] = "no_killable",
    [KM_OOM_PANIC] = "panic",
  };
  return (guint)action < G_N_ELEMENTS(names) && names[action] ? names[action] : "unknown";
}

const char *report_kill_kind_name(KmKillKind kind)
{
  static const char *const names[] = {
    [KM_KILL_VICTIM] = "victim",
    [KM_KILL_CHILD] = "sacrificed_child",
    [KM_KILL_OOM_GROUP] = "oom_group",
    [KM_KILL_SHARES_MM] = "shares_mm",
  };
  return (guint)kind < G_N_ELEMENTS(names) && names[kind] ? names[kind] : "unknown";
}

const char *report_skip_code(KmSkipReason skip)
{
  static const char *const names[KM_SKIP_N] = {
    [KM_SKIP_NONE] = "none",
    [KM_SKIP_UNKILLABLE] = "unkillable",
    [KM_SKIP_OTHER_MEMCG] = "other_memcg",
    [KM_SKIP_NO_MM] = "no_mm",
    [KM_SKIP_ADJ_MIN] = "adj_min",
    [KM_SKIP_OOM_SKIP] = "mmf_oom_skip",
    [KM_SKIP_VFORK] = "vfork",
    [KM_SKIP_VICTIM_ABORT] = "victim_abort",
    [KM_SKIP_NOT_SCANNED] = "not_scanned",
  };
  return (guint)skip < KM_SKIP_N && names[skip] ? names[skip] : "unknown";
}

gboolean report_tie_later_wins(const KmSystem *sys)
{
  gboolean later = !sys->profile->tie_keeps_leader;
  return sys->invert_tie_rule ? !later : later;
}

const char *report_comm_of(const KmSystem *sys, int pid)
{
  const KmTask *task = km_system_find_task(sys, pid);
  return task ? task->comm : NULL;
}

static char *size_text(const KmSystem *sys, guint64 bytes)
{
  g_autofree char *human = report_format_bytes(bytes);
  KmPages pages = km_bytes_to_pages_up(sys, bytes);
  return g_strdup_printf("%s (%" G_GINT64_FORMAT " page%s)", human, pages, pages == 1 ? "" : "s");
}

char *report_describe_step(const KmSystem *sys, const ScStep *step)
{
  if (!step)
    return g_strdup("");
  const char *kind = (guint)step->kind < SC_STEP_N_KINDS ? sc_step_kind_names[step->kind] : "?";
  g_autofree char *size = size_text(sys, step->size_bytes);
  g_autofree char *times = step->repeat > 1 ? g_strdup_printf(" x %u", step->repeat) : g_strdup("");
  switch (step->kind) {
  case SC_STEP_MMAP:
    return g_strdup_printf("mmap %s", size);
  case SC_STEP_TOUCH:
    if (step->ref)
      return g_strdup_printf("touch %s%s of mapping %s", size, times, step->ref);
    return g_strdup_printf("touch %s%s", size, times);
  case SC_STEP_MALLOC:
    return g_strdup_printf("malloc %s%s, touch %s", size, times,
                           step->touch_all ? "all" : step->touch_none ? "none" : "first page");
  case SC_STEP_FREE:
  case SC_STEP_MUNMAP:
    return g_strdup_printf("%s %s", kind, step->ref ? step->ref : "?");
  case SC_STEP_FILE_READ:
    return g_strdup_printf("file-read %s into the page cache", size);
  case SC_STEP_SHMEM_WRITE:
    return g_strdup_printf("shmem-write %s to tmpfs", size);
  case SC_STEP_FORK:
    return g_strdup_printf("fork pid %d%s%s", step->child_pid, step->comm ? " comm " : "",
                           step->comm ? step->comm : "");
  case SC_STEP_EXIT:
    return g_strdup_printf("exit %d", step->code);
  case SC_STEP_SET:
    return g_strdup_printf("set oom_score_adj %d", step->oom_score_adj);
  case SC_STEP_SYSCTL:
    return g_strdup_printf("sysctl %s=%" G_GINT64_FORMAT, step->name ? step->name : "?", step->value);
  case SC_STEP_CGROUP_SET:
    return g_strdup_printf("cgroup-set %s %s=%s", step->cgroup ? step->cgroup : "?", step->name ? step->name : "?",
                           step->svalue ? step->svalue : "?");
  case SC_STEP_MOVE:
    return g_strdup_printf("move to %s", step->cgroup ? step->cgroup : "?");
  case SC_STEP_N_KINDS:
  default:
    return g_strdup(kind);
  }
}

static void memcg_stat_add(const KmMemcg *memcg, ReportMemcgStat *out)
{
  out->anon += memcg->anon;
  out->file += memcg->file;
  out->shmem += memcg->shmem;
  out->pgtables += memcg->pgtables;
  out->kmem += memcg->kmem;
  for (GList *l = memcg->children.head; l; l = l->next)
    memcg_stat_add(l->data, out);
}

void report_memcg_stat(const KmMemcg *memcg, ReportMemcgStat *out)
{
  memset(out, 0, sizeof *out);
  memcg_stat_add(memcg, out);
}

KmPages report_memcg_local_swap(const KmMemcg *memcg)
{
  /* v2 keeps swap in its own counter; v1 in memory+swap minus memory */
  KmPages swap = memcg->version == 1 ? memcg->memsw_usage - memcg->usage : memcg->swap_usage;
  for (GList *l = memcg->children.head; l; l = l->next) {
    const KmMemcg *child = l->data;
    if (km_memcg_counter_parent(child) == memcg)
      swap -= child->version == 1 ? child->memsw_usage - child->usage : child->swap_usage;
  }
  return MAX(swap, 0);
}

/* ---------------------------------------------------------------- tables */

struct _ReportTable {
  char *align;
  guint ncols;
  GPtrArray *rows; /* char** (strv of ncols cells) */
};

static char **collect_cells(guint ncols, va_list args)
{
  char **cells = g_new0(char *, ncols + 1);
  for (guint i = 0; i < ncols; i++) {
    const char *cell = va_arg(args, const char *);
    if (!cell) {
      for (guint j = i; j < ncols; j++)
        cells[j] = g_strdup("");
      break;
    }
    cells[i] = g_strdup(cell);
  }
  return cells;
}

ReportTable *report_table_new(const char *align, ...)
{
  ReportTable *table = g_new0(ReportTable, 1);
  table->align = g_strdup(align);
  table->ncols = (guint)strlen(align);
  table->rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
  va_list args, peek;
  va_start(args, align);
  va_copy(peek, args);
  gboolean has_header = va_arg(peek, const char *) != NULL; /* report_table_new(align, NULL): no header row */
  va_end(peek);
  if (has_header)
    g_ptr_array_add(table->rows, collect_cells(table->ncols, args));
  va_end(args);
  return table;
}

void report_table_add(ReportTable *table, ...)
{
  va_list args;
  va_start(args, table);
  g_ptr_array_add(table->rows, collect_cells(table->ncols, args));
  va_end(args);
}

void report_table_add_take(ReportTable *table, char **cells)
{
  /* programming error only: every writer builds its rows from a fixed column list */
  g_return_if_fail(cells && g_strv_length(cells) == table->ncols);
  g_ptr_array_add(table->rows, cells);
}

void report_table_render(const ReportTable *table, GString *out, const char *indent)
{
  g_autofree gsize *width = g_new0(gsize, table->ncols);
  for (guint r = 0; r < table->rows->len; r++) {
    char **cells = table->rows->pdata[r];
    for (guint c = 0; c < table->ncols; c++)
      width[c] = MAX(width[c], strlen(cells[c]));
  }
  for (guint r = 0; r < table->rows->len; r++) {
    char **cells = table->rows->pdata[r];
    GString *line = g_string_new(indent);
    for (guint c = 0; c < table->ncols; c++) {
      gsize pad = width[c] - strlen(cells[c]);
      gboolean last = c + 1 == table->ncols;
      if (c > 0)
        g_string_append(line, "  ");
      if (table->align[c] == 'r')
        g_string_append_printf(line, "%*s%s", (int)pad, "", cells[c]);
      else if (last)
        g_string_append(line, cells[c]);
      else
        g_string_append_printf(line, "%s%*s", cells[c], (int)pad, "");
    }
    while (line->len > 0 && line->str[line->len - 1] == ' ')
      g_string_truncate(line, line->len - 1);
    g_string_append_c(line, '\n');
    g_string_append(out, line->str);
    g_string_free(line, TRUE);
  }
}

void report_table_free(ReportTable *table)
{
  if (!table)
    return;
  g_free(table->align);
  g_ptr_array_unref(table->rows);
  g_free(table);
}

/* ---------------------------------------------------------------- memory over time */

void report_memory_now(const KmSystem *sys, const KmTask *task, ReportMemory *out)
{
  *out = (ReportMemory){ .mem_free = km_buddy_free_pages(sys), .mem_available = km_si_mem_available(sys),
                         .swap_used = sys->machine.swap_used,
                         .committed_as = sys->machine.committed_as, .commit_limit = km_vm_commit_limit(sys) };
  const KmMm *mm = task ? task->mm : NULL;
  if (!mm)
    return;
  out->has_mm = TRUE;
  out->rss_anon = mm->anon_rss;
  out->rss_file = mm->file_rss;
  out->rss_shmem = mm->shmem_rss;
  out->swap = mm->swapents;
  out->total_vm = mm->total_vm;
}

gboolean report_memory_pressure(const KmSystem *sys, const KmMemcg *memcg, guint64 now_ns, KmPsiShow *out)
{
  if (sys->profile->version < KM_KVER(4, 20) || (memcg->parent && memcg->version != 2))
    return FALSE;
  *out = km_psi_peek(&memcg->psi, now_ns);
  return TRUE;
}

gboolean report_memory_event(const SimEvent *ev)
{
  return ev->task && (ev->kind == SIM_EV_STEP || ev->kind == SIM_EV_ENOMEM || ev->kind == SIM_EV_STEP_ERROR);
}

const char *report_pod_phase(const K8sPod *pod, const SimOutcome *outcome, const char **out_reason)
{
  gboolean evicted = FALSE;
  guint running = 0, stopped = 0, succeeded = 0;
  for (guint j = 0; j < pod->containers->len; j++) {
    SimContainerState st;
    sim_outcome_container_state(outcome, ((const K8sContainer *)pod->containers->pdata[j])->pid, &st);
    evicted = evicted || (st.exit && g_strcmp0(st.exit->reason, "Evicted") == 0);
    running += st.exit == NULL && strcmp(st.state, "Running") == 0;
    stopped += st.exit != NULL || strcmp(st.state, "Waiting") == 0; /* waiting with a last termination: stopped */
    succeeded += st.exit && st.exit->status == 0;
  }
  *out_reason = evicted ? "Evicted" : NULL;
  if (evicted)
    return "Failed";
  if (running > 0 || strcmp(pod->restart_policy, "Always") == 0)
    return "Running";
  if (stopped == succeeded)
    return "Succeeded";
  return strcmp(pod->restart_policy, "Never") == 0 ? "Failed" : "Running";
}

char *report_seconds_text(guint64 ns)
{
  if (ns % 1000000000u == 0)
    return g_strdup_printf("%" G_GUINT64_FORMAT " s", ns / 1000000000u);
  return g_strdup_printf("%" G_GUINT64_FORMAT ".%03" G_GUINT64_FORMAT " s", ns / 1000000000u,
                         (ns % 1000000000u) / 1000000u);
}
