/* explain/explain-era.c: which kernel printed a report, and the choice that kernel's mm/oom_kill.c makes from the
 * report's own figures: oom_badness() per task and select_bad_process() / oom_evaluate_task() over the table.
 *
 * The era comes from the format first (the task table's columns, the kill lines, the oom-kill: summary), then the
 * release string when the log has one; a release older than its own format is a distribution backport (RHEL 6's
 * 2.6.32 prints 2.6.36's oom_score_adj column and uses its oom_badness()), and the format wins.
 *
 * The badness comes from kernel-model's km_oom_badness() under the era's profile (kernel-model/km-profile.c), with
 * the era's CAP_SYS_ADMIN bonus, so explain and the simulator share one oom_badness(). Two eras have no profile:
 * 2.6.36-3.9, whose oom_badness() returns 0..1000 itself (badness_1000() below mirrors 3.9's), and 2.6.32-2.6.35,
 * whose badness() weighs CPU time, run time, children and nice, none of which a report prints: that era is not
 * recomputed, and the report says so.
 *
 * The table is dump_tasks()'s walk, which is select_bad_process()'s walk (for_each_process, or
 * mem_cgroup_scan_tasks() for a memcg), so table order is scan order and the era's tie rule applies to it.
 * What a report does not print is assumed and said: CAP_SYS_ADMIN is taken from uid 0 (has_capability_noaudit()),
 * totalram_pages is "pages RAM" less "pages reserved" (show_mem()), a memcg report's total swap is unknown.
 */
#include "explain.h"

#include <stdlib.h>
#include <string.h>

#include "../kernel-model/km.h"
#include "../scenarios/scenario.h"

#define EV(a, b, c) ((a) * 1000000 + (b) * 1000 + (c))

static const ExplainEra eras[] = {
  { "2.6.32-2.6.35", EV(2, 6, 0), EV(2, 6, 35), FALSE, FALSE, "3.10", KM_ROOT_BONUS_NONE, TRUE },
  { "2.6.36-3.9", EV(2, 6, 36), EV(3, 9, 999), TRUE, TRUE, "3.10", KM_ROOT_BONUS_ADJ_30, TRUE },
  { "3.10-3.13", EV(3, 10, 0), EV(3, 13, 999), TRUE, FALSE, "3.10", KM_ROOT_BONUS_ADJ_30, TRUE },
  /* the 4.14 profile (4.14.177's mm/oom_kill.c); 3.14-4.5 had no OOM reaper, which only changes how a victim of an
   * earlier report still in the table is taken (as reaped: skipped; before 4.6 it would abort the scan) */
  { "3.14-4.16", EV(3, 14, 0), EV(4, 16, 999), TRUE, FALSE, "4.14", KM_ROOT_BONUS_3_PERCENT, TRUE },
  /* RHEL 7.9 (the release 3.10.0-1160*, no version range of its own): 3.10's formats with 3.14's 3% root bonus
   * (read in its mm/oom_kill.c; the report tests/corpus/ltp-1080-rhel7.9-memcg-score-110000 prints it) */
  { "3.10-rhel7", 1, 0, TRUE, FALSE, "3.10-rhel7", KM_ROOT_BONUS_3_PERCENT, TRUE },
  { "4.17-5.0", EV(4, 17, 0), EV(5, 0, 999), TRUE, FALSE, "4.19", KM_ROOT_BONUS_NONE, TRUE },
  { "5.1-5.8", EV(5, 1, 0), EV(5, 8, 999), TRUE, FALSE, "5.4", KM_ROOT_BONUS_NONE, FALSE },
  { "5.9-6.x", EV(5, 9, 0), EV(99, 999, 999), TRUE, FALSE, "6.1", KM_ROOT_BONUS_NONE, FALSE },
};

const char *const explain_table_format_names[EXPLAIN_TABLE_N] = {
  [EXPLAIN_TABLE_NONE] = "none",
  [EXPLAIN_TABLE_CPU_OOMADJ] = "cpu/oom_adj (2.6.32-2.6.35)",
  [EXPLAIN_TABLE_CPU_SCOREADJ] = "cpu/oom_adj/oom_score_adj (2.6.36-3.7)",
  [EXPLAIN_TABLE_NR_PTES] = "nr_ptes (3.8-3.19)",
  [EXPLAIN_TABLE_NR_PTES_PMDS] = "nr_ptes+nr_pmds (4.0-4.14)",
  [EXPLAIN_TABLE_PGTABLES_BYTES] = "pgtables_bytes (4.15-6.7)",
  [EXPLAIN_TABLE_RSS_SPLIT] = "rss_anon/rss_file/rss_shmem (6.8+)",
};

/* The versions that printed each table format (a release outside it is a backport or a vendor kernel). */
static const struct { int lo, hi; const char *era; } format_range[EXPLAIN_TABLE_N] = {
  [EXPLAIN_TABLE_NONE] = { 0, 0, NULL },
  [EXPLAIN_TABLE_CPU_OOMADJ] = { EV(2, 6, 0), EV(2, 6, 35), "2.6.32-2.6.35" },
  [EXPLAIN_TABLE_CPU_SCOREADJ] = { EV(2, 6, 36), EV(3, 7, 999), "2.6.36-3.9" },
  [EXPLAIN_TABLE_NR_PTES] = { EV(3, 8, 0), EV(3, 19, 999), "3.10-3.13" },
  [EXPLAIN_TABLE_NR_PTES_PMDS] = { EV(4, 0, 0), EV(4, 14, 999), "3.14-4.16" },
  [EXPLAIN_TABLE_PGTABLES_BYTES] = { EV(4, 15, 0), EV(6, 7, 999), "4.17-5.0" },
  [EXPLAIN_TABLE_RSS_SPLIT] = { EV(6, 8, 0), EV(99, 999, 999), "5.9-6.x" },
};

int explain_parse_version(const char *text)
{
  if (!text)
    return 0;
  int part[3] = { 0, 0, 0 };
  int n = 0;
  const char *s = text;
  while (n < 3 && g_ascii_isdigit(*s)) {
    char *end = NULL;
    guint64 v = g_ascii_strtoull(s, &end, 10);
    part[n++] = (int)MIN(v, 999);
    s = end;
    if (*s != '.')
      break;
    s++;
  }
  /* "X.Y" at least, from 2.6 on (the eras start at 2.6.32) */
  if (n < 2 || part[0] < 2 || part[0] > 99 || (part[0] == 2 && part[1] < 6))
    return 0;
  return EV(part[0], part[1], part[2]);
}

const ExplainEra *explain_era_for_version(int version)
{
  for (guint i = 0; i < G_N_ELEMENTS(eras); i++)
    if (version >= eras[i].from && version <= eras[i].to)
      return &eras[i];
  return NULL;
}

const ExplainEra *explain_era_by_name(const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS(eras); i++)
    if (g_strcmp0(eras[i].name, name) == 0)
      return &eras[i];
  return NULL;
}

/* The era the format alone tells, with the lines that tell it. */
static const ExplainEra *era_from_format(const ExplainReport *r, GString *why)
{
  if (r->table_format == EXPLAIN_TABLE_PGTABLES_BYTES) {
    if (!r->table_wide_pid) {
      g_string_append(why, "the task table has pgtables_bytes and the narrow \"[ pid ]\" column (4.15-4.18)");
      return explain_era_by_name("4.17-5.0");
    }
    if (r->has_printed_score) {
      g_string_append(why, "the task table has pgtables_bytes and a \"Kill process ... score\" line (4.19-5.0)");
      return explain_era_by_name("4.17-5.0");
    }
    if (r->v1_stats_line) {
      g_string_append(why, "the task table has pgtables_bytes and the memcg counters are one \"Memory cgroup stats "
                           "for ...: cache:...\" line (4.19-5.0)");
      return explain_era_by_name("4.17-5.0");
    }
    g_string_append(why, "the task table has pgtables_bytes and no \"Kill process ... score\" line (5.1+)");
    return explain_era_by_name("5.9-6.x");
  }
  if (r->table_format != EXPLAIN_TABLE_NONE) {
    g_string_append_printf(why, "the task table's columns are the %s format",
                           explain_table_format_names[r->table_format]);
    return explain_era_by_name(format_range[r->table_format].era);
  }
  if (r->era_reason) {
    g_string_append(why, r->era_reason);
    return explain_era_by_name("2.6.32-2.6.35");
  }
  if (r->killed_uid_form == 6) {
    g_string_append(why, "RHEL 6's \"Killed process N, UID N, (comm)\" line (2.6.32 with the 2.6.36 OOM killer)");
    return explain_era_by_name("2.6.36-3.9");
  }
  if (r->killed_uid_form == 7) {
    g_string_append(why, "RHEL 7's \"Killed process N (comm), UID N,\" line (3.10)");
    return explain_era_by_name("3.10-3.13");
  }
  if (r->has_printed_score) {
    g_string_append(why, "a \"Kill process ... score ... or sacrifice child\" line (before 5.1)");
    return explain_era_by_name("4.17-5.0");
  }
  if (r->kills->len && g_array_index(r->kills, ExplainKill, 0).has_adj) {
    g_string_append(why, "the Killed line has pgtables and oom_score_adj (5.4+)");
    return explain_era_by_name("5.9-6.x");
  }
  return NULL;
}

void explain_report_decide_era(ExplainReport *r)
{
  g_autoptr(GString) why = g_string_new(NULL);
  const ExplainEra *by_format = era_from_format(r, why);
  int v = explain_parse_version(r->version);
  const ExplainEra *by_version = v ? explain_era_for_version(v) : NULL;
  const ExplainEra *era = by_format;
  if (by_version) {
    era = by_version;
    g_string_printf(why, "the release string %s", r->version);
    int lo = format_range[r->table_format].lo;
    if (!by_format && r->invoked_has_score_adj && v < EV(2, 6, 36)) {
      era = explain_era_by_name("2.6.36-3.9");
      g_string_printf(why, "the invoked line's oom_score_adj, which release %s prints as a backport of 2.6.36's OOM "
                      "killer", r->version);
    } else if (by_format && (r->table_format != EXPLAIN_TABLE_NONE || r->killed_uid_form) &&
               (r->table_format == EXPLAIN_TABLE_NONE || v < lo) && by_format->from > by_version->from) {
      /* an old release printing a newer format: the vendor backported the newer code */
      era = by_format;
      g_string_printf(why, "the task table's %s format, which release %s prints as a backport",
                      explain_table_format_names[r->table_format], r->version);
    }
  } else if (r->version) {
    explain_report_note(r, "the release string %s is not a kernel version: the era comes from the format", r->version);
  }
  if (era && era == by_version && g_str_has_prefix(r->version, "3.10.0-1160")) {
    era = explain_era_by_name("3.10-rhel7");
    g_string_printf(why, "the release string %s (RHEL 7.9, whose oom_badness() has 3.14's 3%% root bonus)", r->version);
  }
  r->era = era;
  g_free(r->era_reason);
  r->era_reason = era ? g_strdup(why->str) : g_strdup("nothing in the log tells the kernel version");
}

/* ---- the what-if changes ---- */

void explain_whatif_init(ExplainWhatIf *w)
{
  memset(w, 0, sizeof(*w));
  w->adj_pids = g_array_new(FALSE, FALSE, sizeof(int));
  w->adj_values = g_array_new(FALSE, FALSE, sizeof(int));
  w->memcg_limit_bytes = -1;
}

void explain_whatif_clear(ExplainWhatIf *w)
{
  g_clear_pointer(&w->adj_pids, g_array_unref);
  g_clear_pointer(&w->adj_values, g_array_unref);
}

gboolean explain_whatif_any(const ExplainWhatIf *w)
{
  return w && (w->adj_pids->len || w->memcg_limit_bytes >= 0 || w->era);
}

/* "process[PID].oom_score_adj=N" or "memcg.limit=SIZE" (sizes as in scenarios: 2G is 2 GiB) */
gboolean explain_whatif_parse_set(ExplainWhatIf *w, const char *text, GError **error)
{
  g_autoptr(GRegex) adj_rx = g_regex_new("^process\\[(\\d{1,7})\\]\\.oom_score_adj=(-?\\d{1,5})$", 0, 0, NULL);
  g_autoptr(GMatchInfo) mi = NULL;
  if (g_regex_match(adj_rx, text, 0, &mi)) {
    g_autofree char *pid_s = g_match_info_fetch(mi, 1), *adj_s = g_match_info_fetch(mi, 2);
    int pid = atoi(pid_s), adj = atoi(adj_s);
    if (adj < OOM_SCORE_ADJ_MIN || adj > OOM_SCORE_ADJ_MAX) {
      g_set_error(error, EXPLAIN_ERROR, EXPLAIN_ERROR_OPTION,
                  "--set %s: oom_score_adj must be between -1000 and 1000", text);
      return FALSE;
    }
    g_array_append_val(w->adj_pids, pid);
    g_array_append_val(w->adj_values, adj);
    return TRUE;
  }
  if (g_str_has_prefix(text, "memcg.limit=")) {
    guint64 bytes = 0;
    if (!sc_parse_size(text + strlen("memcg.limit="), 4096, FALSE, &bytes) || bytes > (guint64)G_MAXINT64 / 2) {
      g_set_error(error, EXPLAIN_ERROR, EXPLAIN_ERROR_OPTION,
                  "--set %s: not a size (a number with K, M, G, T, KiB, MiB, GiB or TiB)", text);
      return FALSE;
    }
    w->memcg_limit_bytes = (gint64)bytes;
    return TRUE;
  }
  g_set_error(error, EXPLAIN_ERROR, EXPLAIN_ERROR_OPTION,
              "--set %s: expected process[PID].oom_score_adj=N or memcg.limit=SIZE", text);
  return FALSE;
}

/* ---- the recomputation ---- */

static void reason(ExplainReport *r, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void reason(ExplainReport *r, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  g_ptr_array_add(r->reasons, g_strdup_vprintf(fmt, ap));
  va_end(ap);
}

static gboolean very_large_kb(gint64 kb)
{
  return kb >= G_GINT64_CONSTANT(1) << 50; /* PAGE_COUNTER_MAX printed in kB: "unlimited" */
}

/* totalpages as out_of_memory() computes it (constrained_alloc(); mem_cgroup_get_max()), -1 if unknown. */
static glong report_totalpages(ExplainReport *r, const ExplainWhatIf *w)
{
  glong page_kb = (glong)(r->page_size / 1024);
  g_free(r->totalpages_source);
  r->totalpages_source = NULL;
  if (r->constraint == EXPLAIN_CONSTRAINT_MEMCG) {
    gint64 limit_kb = w && w->memcg_limit_bytes >= 0 ? w->memcg_limit_bytes / 1024 : r->mem_limit_kb;
    if (limit_kb < 0) {
      r->totalpages_source = g_strdup("unknown: the memcg \"memory: usage ..., limit ...\" line is not in the log");
      return -1;
    }
    glong pages = (glong)(limit_kb / page_kb);
    if (r->swap_limit_kb == 0 || (r->memsw_limit_kb >= 0 && r->memsw_limit_kb <= r->mem_limit_kb)) {
      r->totalpages_source = g_strdup_printf("mem_cgroup_get_max(): the memory limit %" G_GINT64_FORMAT " kB%s in %u-byte "
                                             "pages, no swap allowed", limit_kb,
                                             w && w->memcg_limit_bytes >= 0 ? " (what-if)" : "", r->page_size);
      return pages;
    }
    gint64 swap_room_kb = r->swap_limit_kb >= 0 ? r->swap_limit_kb
                          : r->memsw_limit_kb >= 0 ? r->memsw_limit_kb - r->mem_limit_kb : -1;
    r->totalpages_source = g_strdup_printf(
      "mem_cgroup_get_max(): the memory limit %" G_GINT64_FORMAT " kB in %u-byte pages, plus min(%s, total swap): "
      "a memcg report does not print the machine's swap, taken as 0", limit_kb, r->page_size,
      swap_room_kb < 0 ? "the swap limit (not printed)"
      : very_large_kb(swap_room_kb) ? "an unlimited swap limit" : "the swap limit");
    return pages;
  }
  if (r->constraint == EXPLAIN_CONSTRAINT_CPUSET || r->constraint == EXPLAIN_CONSTRAINT_MEMORY_POLICY) {
    r->totalpages_source = g_strdup("unknown: a cpuset or mempolicy OOM counts the allowed nodes' pages, which the "
                                    "report does not print per node");
    return -1;
  }
  if (r->pages_ram <= 0) {
    r->totalpages_source = g_strdup("unknown: Mem-Info's \"pages RAM\" line is not in the log");
    return -1;
  }
  glong ram = (glong)(r->pages_ram - MAX(r->pages_reserved, 0));
  glong swap = r->total_swap_kb > 0 ? (glong)(r->total_swap_kb / page_kb) : 0;
  r->totalpages_source = g_strdup_printf("totalram_pages + total_swap_pages: %" G_GINT64_FORMAT " pages RAM - %"
                                         G_GINT64_FORMAT " reserved + %ld swap pages (Total swap %" G_GINT64_FORMAT " kB)%s",
                                         r->pages_ram, MAX(r->pages_reserved, 0), swap, MAX(r->total_swap_kb, 0),
                                         r->total_swap_kb < 0 ? "; the Total swap line is not in the log, taken as 0" : "");
  return ram + swap;
}

gint64 explain_task_pgtables(const ExplainReport *r, const ExplainTask *t)
{
  switch (r->table_format) {
  case EXPLAIN_TABLE_NR_PTES: return t->nr_ptes;
  case EXPLAIN_TABLE_NR_PTES_PMDS: return t->nr_ptes + t->nr_pmds;
  case EXPLAIN_TABLE_PGTABLES_BYTES:
  case EXPLAIN_TABLE_RSS_SPLIT: return t->pgtables_bytes / (gint64)r->page_size;
  default: return 0;
  }
}

/* oom_badness(), 2.6.36-3.9 (mm/oom_kill.c of 3.9): the score is already on the 0..1000 scale:
 *   points = get_mm_rss(p->mm) + p->mm->nr_ptes + get_mm_counter(p->mm, MM_SWAPENTS);
 *   points *= 1000; points /= totalpages;
 *   if (has_capability_noaudit(p, CAP_SYS_ADMIN)) points -= 30;
 *   points += p->signal->oom_score_adj;
 *   if (points <= 0) return 1;  return (points < 1000) ? points : 1000;
 * (an oom_score_adj of OOM_SCORE_ADJ_MIN returns 0 first: not a candidate). */
static glong badness_1000(const ExplainReport *r, const ExplainTask *t, glong totalpages, KmRootBonus bonus)
{
  glong points = (glong)(t->rss + t->swapents + explain_task_pgtables(r, t));
  points = points * 1000 / MAX(totalpages, 1);
  if (bonus != KM_ROOT_BONUS_NONE && t->uid == 0)
    points -= 30;
  points += t->oom_score_adj;
  if (points <= 0)
    return 1;
  return MIN(points, 1000);
}

gboolean explain_task_terms(const ExplainReport *r, const ExplainTask *t, ExplainTerms *out)
{
  const ExplainEra *era = r->used_era;
  memset(out, 0, sizeof *out);
  if (!era || !era->recomputable || t->skip != KM_SKIP_NONE)
    return FALSE;
  glong totalpages = MAX(r->totalpages, 0);
  if (era->badness_1000) {
    /* badness_1000() above, term by term */
    glong sum = (glong)(t->rss + t->swapents + explain_task_pgtables(r, t)) * 1000 / MAX(totalpages, 1);
    out->mem_1000 = sum;
    if (era->root_bonus != KM_ROOT_BONUS_NONE && t->uid == 0)
      out->pages.root_bonus = -30;
    out->pages.adj = t->oom_score_adj;
    sum += out->pages.root_bonus + out->pages.adj;
    if (sum <= 0)
      out->pages.floor = 1 - sum;
    else if (sum > 1000)
      out->ceiling = 1000 - sum;
    return TRUE;
  }
  KmProfile prof = *km_profile_lookup(era->profile);
  prof.root_bonus = era->root_bonus;
  km_oom_badness_split(&prof, (KmPages)t->rss, (KmPages)t->swapents, (KmPages)explain_task_pgtables(r, t),
                       t->oom_score_adj, t->uid == 0, (KmPages)totalpages, &out->pages);
  return TRUE;
}

/* km_oom_badness() on a task built from one row. */
static glong row_badness(KmSystem *sys, const ExplainReport *r, const ExplainTask *t, glong totalpages,
                         KmSkipReason *out_skip)
{
  KmMmBase base = { 0 };
  KmMm mm = { .base = &base };
  KmTask task = { 0 };
  mm.anon_rss = t->rss; /* get_mm_rss() is the sum the table prints */
  mm.swapents = t->swapents;
  base.pgtables = explain_task_pgtables(r, t); /* km_mm_pgtables(): the base's, no PTE page of a trace */
  task.pid = t->pid;
  task.oom_score_adj = (short)t->oom_score_adj; /* -1000..1000: the parser clamps, --set checks */
  task.cap_sys_admin = t->uid == 0;
  task.mm = &mm;
  if (t->earlier_victim && sys->profile->has_oom_reaper)
    mm.flags |= KM_MMF_OOM_SKIP;
  return km_oom_badness(sys, &task, (KmPages)MAX(totalpages, 0), out_skip);
}

/* The score the kernel prints in "Kill process N (comm) score S": before 5.9 select_bad_process() normalises
 * chosen_points * 1000 / totalpages; 2.6.36-3.9's points are already on that scale. */
static glong printed_score(const ExplainEra *era, glong points, glong totalpages)
{
  if (era->badness_1000)
    return points;
  return totalpages > 0 ? (glong)((gulong)points * 1000 / (gulong)totalpages) : -1;
}

static ExplainTask *task_by_pid(const ExplainReport *r, int pid)
{
  for (guint i = 0; i < r->tasks->len; i++)
    if (g_array_index(r->tasks, ExplainTask, i).pid == pid)
      return &g_array_index(r->tasks, ExplainTask, i);
  return NULL;
}

static gboolean table_complete(const ExplainReport *r, GString *why)
{
  if (r->tasks->len == 0 && !r->table_header_seen) {
    g_string_append(why, "the task table is not in the log (vm.oom_dump_tasks=0, or the paste left it out)");
    return FALSE;
  }
  if (!r->table_header_seen) {
    g_string_append(why, "the task table's beginning is not in the log: rows before the first one shown may be missing");
    return FALSE;
  }
  if (r->table_cut) {
    g_string_append(why, "the task table is cut (an incomplete row, or more rows than explain keeps)");
    return FALSE;
  }
  if (r->outcome == EXPLAIN_OUTCOME_NONE && !r->table_ended) {
    g_string_append(why, "the log ends inside the task table");
    return FALSE;
  }
  return TRUE;
}

/* Does some totalpages give the printed score for these points? (out: the smallest such totalpages) When
 * totalpages is known it must be that one. 5.x normalisation: score = points * 1000 / totalpages. */
static gboolean score_fits(const ExplainEra *era, glong points, glong totalpages, glong score, glong *out_t)
{
  if (totalpages > 0 || era->badness_1000) {
    *out_t = totalpages;
    return printed_score(era, points, totalpages) == score;
  }
  if (score <= 0 || points <= 0)
    return FALSE;
  gulong hi = (gulong)points * 1000 / (gulong)score;
  gulong lo = (gulong)points * 1000 / (gulong)(score + 1) + 1;
  *out_t = (glong)lo;
  return lo <= hi;
}

/* The printed score against the recomputation: it agrees, or which CAP_SYS_ADMIN bonus and totalpages make it. */
static gboolean check_printed_score(ExplainReport *r, KmSystem *sys, const ExplainEra *era, ExplainTask *t,
                                    glong totalpages)
{
  glong fit_t = 0;
  gboolean any_adj = t->oom_score_adj != 0;
  if (totalpages < 0 && any_adj) {
    reason(r, "the printed score %ld cannot be checked: totalpages is unknown and scales oom_score_adj", r->printed_score);
    return TRUE;
  }
  if (score_fits(era, t->points, totalpages, r->printed_score, &fit_t)) {
    if (totalpages < 0)
      reason(r, "the printed score %ld fits the recomputed %ld points with totalpages %ld (totalpages is not in the log)",
             r->printed_score, t->points, fit_t);
    else
      reason(r, "the printed score %ld is the recomputed one", r->printed_score);
    r->recomputed_score = r->printed_score;
    return TRUE;
  }
  r->recomputed_score = totalpages >= 0 ? printed_score(era, t->points, totalpages) : -1;
  if (totalpages >= 0)
    reason(r, "the kernel printed score %ld; the recomputation gives %ld", r->printed_score, r->recomputed_score);
  else
    reason(r, "the kernel printed score %ld, which no totalpages gives for the recomputed %ld points", r->printed_score,
           t->points);
  static const KmRootBonus variants[] = { KM_ROOT_BONUS_NONE, KM_ROOT_BONUS_ADJ_30, KM_ROOT_BONUS_3_PERCENT };
  static const char *const names[] = { "none (4.17+)", "adj -= 30 (3.10-3.13)", "points -= points * 3 / 100 (3.14-4.16)" };
  if (t->uid != 0)
    return FALSE;
  KmProfile alt = *sys->profile;
  const KmProfile *saved = sys->profile;
  for (guint i = 0; i < G_N_ELEMENTS(variants); i++) {
    if (variants[i] == era->root_bonus)
      continue;
    alt.root_bonus = variants[i];
    sys->profile = &alt;
    glong pts = era->badness_1000 ? badness_1000(r, t, totalpages, variants[i])
                                  : row_badness(sys, r, t, MAX(totalpages, 0), NULL);
    if (score_fits(era, pts, totalpages, r->printed_score, &fit_t)) {
      g_autofree char *with_t = totalpages < 0 ? g_strdup_printf(", totalpages %ld", fit_t) : g_strdup("");
      reason(r, "the printed score is what the CAP_SYS_ADMIN bonus %s gives (%ld points%s): this kernel's root bonus "
             "is not its era's (a vendor backport)", names[i], pts, with_t);
    }
  }
  sys->profile = saved;
  return FALSE;
}

static void apply_whatif(ExplainReport *r, const ExplainWhatIf *w)
{
  for (guint i = 0; i < r->tasks->len; i++) {
    ExplainTask *t = &g_array_index(r->tasks, ExplainTask, i);
    t->oom_score_adj = t->printed_adj;
  }
  if (!explain_whatif_any(w))
    return;
  r->whatif = TRUE;
  for (guint k = 0; k < w->adj_pids->len; k++) {
    int pid = g_array_index(w->adj_pids, int, k), adj = g_array_index(w->adj_values, int, k);
    ExplainTask *t = task_by_pid(r, pid);
    if (!t) {
      g_ptr_array_add(r->whatif_notes, g_strdup_printf("process[%d] is not in this report's task table: ignored", pid));
      continue;
    }
    t->oom_score_adj = adj;
    g_ptr_array_add(r->whatif_notes, g_strdup_printf("process %d (%s): oom_score_adj %d -> %d", pid, t->name,
                                                     t->printed_adj, adj));
  }
  if (w->memcg_limit_bytes >= 0) {
    if (r->constraint != EXPLAIN_CONSTRAINT_MEMCG) {
      g_ptr_array_add(r->whatif_notes, g_strdup("memcg.limit: this is not a memcg OOM: ignored"));
    } else {
      gint64 kb = w->memcg_limit_bytes / 1024;
      g_ptr_array_add(r->whatif_notes, g_strdup_printf("memcg limit %" G_GINT64_FORMAT " kB -> %" G_GINT64_FORMAT " kB", r->mem_limit_kb, kb));
      if (r->mem_usage_kb >= 0 && kb > r->mem_usage_kb)
        g_ptr_array_add(r->whatif_notes, g_strdup_printf(
          "the usage was %" G_GINT64_FORMAT " kB: under the new limit this OOM would not have happened at that "
          "point; the order below is for when usage reaches it", r->mem_usage_kb));
    }
  }
  if (w->era)
    g_ptr_array_add(r->whatif_notes, g_strdup_printf("kernel era %s -> %s", r->era ? r->era->name : "unknown",
                                                     w->era->name));
}

static void mark_earlier_victims(ExplainReport *r, GPtrArray *earlier_victims)
{
  for (guint i = 0; earlier_victims && i < r->tasks->len; i++) {
    ExplainTask *t = &g_array_index(r->tasks, ExplainTask, i);
    t->earlier_victim = FALSE;
    for (guint k = 0; k < earlier_victims->len; k++)
      if (GPOINTER_TO_INT(earlier_victims->pdata[k]) == t->pid)
        t->earlier_victim = TRUE;
  }
}

/* Scores every row; returns FALSE (and says why) when the era cannot be recomputed. */
static gboolean score_rows(ExplainReport *r, KmSystem *sys, const ExplainEra *era, glong totalpages)
{
  gboolean any_adj = FALSE;
  guint candidates = 0;
  for (guint i = 0; i < r->tasks->len; i++) {
    ExplainTask *t = &g_array_index(r->tasks, ExplainTask, i);
    t->rank = 0;
    if (era->badness_1000) {
      t->skip = t->oom_score_adj == OOM_SCORE_ADJ_MIN ? KM_SKIP_ADJ_MIN : KM_SKIP_NONE;
      t->points = t->skip == KM_SKIP_NONE ? badness_1000(r, t, totalpages, era->root_bonus) : 0;
    } else {
      t->points = row_badness(sys, r, t, totalpages, &t->skip);
    }
    if (t->skip == KM_SKIP_NONE && t->oom_score_adj != 0)
      any_adj = TRUE;
    if (t->skip == KM_SKIP_NONE)
      candidates++;
  }
  if (totalpages < 0 && candidates > 1 && (any_adj || era->badness_1000)) {
    reason(r, "totalpages is %s, and the ranking depends on it (%s)", r->totalpages_source,
           era->badness_1000 ? "this era scores on a 0..1000 scale of totalpages" : "a candidate has a non-zero oom_score_adj");
    return FALSE;
  }
  if (totalpages < 0 && candidates > 0)
    explain_report_note(r, "totalpages is unknown, but %s, so the ranking does not depend on it (the points shown take "
                        "totalpages / 1000 as 0)", candidates <= 1 ? "there is one candidate" : "every candidate's oom_score_adj is 0");
  return TRUE;
}

/* select_bad_process() / oom_evaluate_task() over the table in scan order, repeated over the rows not yet taken to
 * give the kill order. 5.9+: `if (points == LONG_MIN || points < oc->chosen_points) goto next;` (an equal score: the
 * later task wins); before: `if (!points || points < chosen_points) next; if (points == chosen_points &&
 * thread_group_leader(chosen)) next;` (the earlier wins). Each pass takes the highest score and, among equal scores,
 * the later row (5.9+) or the earlier one (before), so the order is a sort by points, then by table position, which
 * costs n log n rather than n passes over a table of up to 65536 rows. */
typedef struct {
  glong points;
  guint index;
} RankKey;

static int compare_later_wins(const void *a, const void *b)
{
  const RankKey *x = a, *y = b;
  if (x->points != y->points)
    return x->points > y->points ? -1 : 1;
  return x->index > y->index ? -1 : x->index < y->index; /* unique: the table position */
}

static int compare_earlier_wins(const void *a, const void *b)
{
  const RankKey *x = a, *y = b;
  if (x->points != y->points)
    return x->points > y->points ? -1 : 1;
  return x->index < y->index ? -1 : x->index > y->index;
}

static void rank_rows(ExplainReport *r, const KmProfile *prof)
{
  g_autoptr(GArray) keys = g_array_new(FALSE, FALSE, sizeof(RankKey));
  for (guint i = 0; i < r->tasks->len; i++) {
    const ExplainTask *t = &g_array_index(r->tasks, ExplainTask, i);
    /* unsigned eras skip a score of 0 (`if (!points ...) goto next`), which oom_badness() gives no candidate */
    if (t->skip == KM_SKIP_NONE && (prof->badness_signed || t->points > 0)) {
      RankKey k = { t->points, i };
      g_array_append_val(keys, k);
    }
  }
  g_array_sort(keys, prof->badness_signed ? compare_later_wins : compare_earlier_wins);
  for (guint k = 0; k < keys->len; k++)
    g_array_index(r->tasks, ExplainTask, g_array_index(keys, RankKey, k).index).rank = (int)k + 1;
}

GPtrArray *explain_report_ranking(const ExplainReport *r)
{
  GPtrArray *out = g_ptr_array_new();
  for (guint i = 0; i < r->tasks->len; i++)
    if (g_array_index(r->tasks, ExplainTask, i).rank > 0)
      g_ptr_array_add(out, NULL);
  for (guint i = 0; i < r->tasks->len; i++) {
    ExplainTask *t = &g_array_index(r->tasks, ExplainTask, i);
    if (t->rank > 0 && (guint)t->rank <= out->len)
      out->pdata[t->rank - 1] = t;
  }
  return out;
}

/* The kernel's stated choice as a row of the table: the chosen pid, or (3.x-4.x, where select_bad_process() walks
 * threads and prints the chosen thread's pid) the process the Killed line names. */
static ExplainTask *stated_row(ExplainReport *r)
{
  ExplainTask *t = task_by_pid(r, r->chosen_pid);
  if (t || !r->kills->len)
    return t;
  const ExplainKill *k = &g_array_index(r->kills, ExplainKill, 0);
  t = task_by_pid(r, k->pid);
  if (t && r->sacrifice_child)
    reason(r, "the chosen pid %d is not a row of the table (before 4.x select_bad_process() walks threads and prints "
           "the chosen thread's pid); the Killed line names pid %d, taken as the chosen process", r->chosen_pid, k->pid);
  return t;
}

static void verdict_for_kill(ExplainReport *r, KmSystem *sys, const ExplainEra *era, ExplainTask *mine,
                             glong totalpages, gboolean complete, const char *incomplete_why)
{
  ExplainTask *stated = stated_row(r);
  if (!stated) {
    /* dump_tasks() prints every process select_bad_process() can pick: a victim without a row means rows were
     * left out of the log (filtered with grep, or cut), not that the kernel chose outside its table */
    r->verdict = EXPLAIN_VERDICT_UNDECIDED;
    reason(r, "the kernel's victim, pid %d, has no row in the task table of the log (%u row%s): rows were left out of "
           "the log (filtered or cut), so the choice cannot be recomputed", r->chosen_pid, r->tasks->len,
           r->tasks->len == 1 ? "" : "s");
    if (!complete)
      reason(r, "%s", incomplete_why);
    return;
  }
  if (stated->skip != KM_SKIP_NONE) {
    r->verdict = EXPLAIN_VERDICT_DISAGREE;
    reason(r, "the kernel's victim, pid %d, is not a candidate by the table: %s", stated->pid,
           km_skip_reason_text[stated->skip]);
    return;
  }
  if (mine == stated) {
    r->verdict = complete ? EXPLAIN_VERDICT_AGREE : EXPLAIN_VERDICT_UNDECIDED;
    reason(r, "oom_badness() of pid %d (%s) is %ld, the highest%s", mine->pid, mine->name, mine->points,
           complete ? "" : " of the rows in the log");
    if (!complete)
      reason(r, "%s", incomplete_why);
  } else {
    r->verdict = complete ? EXPLAIN_VERDICT_DISAGREE : EXPLAIN_VERDICT_UNDECIDED;
    reason(r, "the recomputation picks pid %d (%s, %ld points) where the kernel picked pid %d (%s, %ld points)",
           mine->pid, mine->name, mine->points, stated->pid, stated->name, stated->points);
    if (!complete)
      reason(r, "%s", incomplete_why);
    else if (mine->points == stated->points)
      reason(r, "the two tie: the tie rule (%s) decides, and the table's order is the kernel's scan order only when "
             "no process was created or exited in between", sys->profile->badness_signed ? "the later task wins" :
             "the earlier task wins");
    else if (mine->uid == 0 || stated->uid == 0)
      reason(r, "a root process is involved: its CAP_SYS_ADMIN bonus is assumed from uid 0");
  }
  for (guint i = 0; i < r->tasks->len; i++) {
    ExplainTask *o = &g_array_index(r->tasks, ExplainTask, i);
    if (o != mine && o->skip == KM_SKIP_NONE && o->points == mine->points)
      reason(r, "pid %d (%s) has the same score, %ld: the era's tie rule (%s) decides", o->pid, o->name, o->points,
             sys->profile->badness_signed ? "the later task in the scan wins" : "the earlier task in the scan wins");
  }
  if (r->has_printed_score && era->prints_score && !check_printed_score(r, sys, era, stated, totalpages) &&
      r->verdict == EXPLAIN_VERDICT_AGREE)
    r->verdict = EXPLAIN_VERDICT_SCORE_DIFFERS;
  if (r->sacrifice_child && r->kills->len && g_array_index(r->kills, ExplainKill, 0).pid != stated->pid)
    reason(r, "oom_kill_process() sacrificed a child: pid %d was killed in its parent's place (the table does not "
           "print parent links, so the child's choice is not recomputed)", g_array_index(r->kills, ExplainKill, 0).pid);
}

void explain_report_recompute(ExplainReport *r, const ExplainWhatIf *w, GPtrArray *earlier_victims)
{
  g_ptr_array_set_size(r->reasons, 0);
  r->recomputed_pid = 0;
  r->recomputed_score = -1;
  apply_whatif(r, w);
  mark_earlier_victims(r, earlier_victims);
  const ExplainEra *era = w && w->era ? w->era : r->era;
  r->used_era = era;
  glong totalpages = report_totalpages(r, w);
  r->totalpages = totalpages;
  g_autoptr(GString) incomplete = g_string_new(NULL);
  gboolean complete = table_complete(r, incomplete);
  if (!era) {
    r->verdict = EXPLAIN_VERDICT_UNDECIDED;
    reason(r, "the kernel era cannot be told: no task table, no version string, no era-specific kill line");
    return;
  }
  if (!era->recomputable) {
    r->verdict = EXPLAIN_VERDICT_UNDECIDED;
    reason(r, "%s's badness() weighs CPU time, run time, children's memory and nice, which the report does not "
           "print: the choice cannot be recomputed", era->name);
    return;
  }
  KmProfile prof = *km_profile_lookup(era->profile);
  prof.root_bonus = era->root_bonus;
  g_autoptr(KmSystem) sys = km_system_new(&prof, r->page_size);
  if (!score_rows(r, sys, era, totalpages)) {
    r->verdict = EXPLAIN_VERDICT_UNDECIDED;
    return;
  }
  rank_rows(r, &prof);
  ExplainTask *mine = NULL;
  for (guint i = 0; i < r->tasks->len; i++)
    if (g_array_index(r->tasks, ExplainTask, i).rank == 1)
      mine = &g_array_index(r->tasks, ExplainTask, i);
  if (mine)
    r->recomputed_pid = mine->pid;
  for (guint i = 0; i < r->tasks->len; i++) {
    ExplainTask *t = &g_array_index(r->tasks, ExplainTask, i);
    if (t->earlier_victim)
      explain_report_note(r, "pid %d (%s) was killed by an earlier report of this log and is still listed: %s", t->pid,
                          t->name, prof.has_oom_reaper ? "taken as reaped (MMF_OOM_SKIP), as an unreaped victim would "
                          "have aborted the scan" : "before 4.6 a victim still exiting aborts the scan (TIF_MEMDIE)");
  }
  if (era->root_bonus != KM_ROOT_BONUS_NONE) {
    for (guint i = 0; i < r->tasks->len; i++)
      if (g_array_index(r->tasks, ExplainTask, i).uid == 0 && g_array_index(r->tasks, ExplainTask, i).skip == KM_SKIP_NONE) {
        explain_report_note(r, "uid 0 is taken to have CAP_SYS_ADMIN (has_capability_noaudit()) for this era's root "
                            "bonus; a root process without it (in a container) has none");
        break;
      }
  }
  switch (r->outcome) {
  case EXPLAIN_OUTCOME_KILLED:
    if (r->oom_group)
      reason(r, "memory.oom.group: every process of %s was killed with the victim", r->oom_group);
    verdict_for_kill(r, sys, era, mine, totalpages, complete, incomplete->str);
    if (!mine && r->verdict == EXPLAIN_VERDICT_AGREE)
      r->verdict = EXPLAIN_VERDICT_DISAGREE;
    break;
  case EXPLAIN_OUTCOME_ALLOCATING: {
    gboolean is_current = r->has_invoker_pid ? r->chosen_pid == r->invoker_pid
                          : g_strcmp0(r->chosen_comm, r->invoker_comm) == 0;
    r->verdict = is_current ? EXPLAIN_VERDICT_AGREE : EXPLAIN_VERDICT_DISAGREE;
    reason(r, "vm.oom_kill_allocating_task: out_of_memory() kills the allocating task without a scan; the victim %s "
           "the task that invoked the OOM killer", is_current ? "is" : "is not");
    if (mine)
      reason(r, "a scan would have picked pid %d (%s, %ld points)", mine->pid, mine->name, mine->points);
    break;
  }
  case EXPLAIN_OUTCOME_PANIC:
    r->verdict = EXPLAIN_VERDICT_UNDECIDED;
    reason(r, "check_panic_on_oom(): \"%s\": the kernel panicked before choosing, so there is no victim to compare",
           r->panic_message ? r->panic_message : "panic");
    if (mine)
      reason(r, "without vm.panic_on_oom the scan would have picked pid %d (%s, %ld points)", mine->pid, mine->name,
             mine->points);
    break;
  case EXPLAIN_OUTCOME_NO_KILLABLE:
    if (!mine && complete) {
      r->verdict = EXPLAIN_VERDICT_AGREE;
      reason(r, "no row of the table is a candidate (%u rows: oom_score_adj -1000 or otherwise skipped), as the kernel "
             "found", r->tasks->len);
    } else if (mine) {
      r->verdict = complete ? EXPLAIN_VERDICT_DISAGREE : EXPLAIN_VERDICT_UNDECIDED;
      reason(r, "the kernel found nothing killable, but pid %d (%s) is a candidate by the table", mine->pid, mine->name);
      if (!complete)
        reason(r, "%s", incomplete->str);
    } else {
      r->verdict = EXPLAIN_VERDICT_UNDECIDED;
      reason(r, "no candidate among the rows in the log; %s", incomplete->str);
    }
    break;
  case EXPLAIN_OUTCOME_NONE:
  case EXPLAIN_OUTCOME_N:
    r->verdict = EXPLAIN_VERDICT_UNDECIDED;
    reason(r, "the log has no kill, panic or \"no killable processes\" line for this report (it is cut)");
    if (mine)
      reason(r, "the recomputation picks pid %d (%s, %ld points)%s", mine->pid, mine->name, mine->points,
             complete ? "" : " among the rows in the log");
    break;
  }
}
