/* explain/explain-scenario.c: `oomsim explain --to-scenario`: a scenario (scenarios/oomsim.rng) that puts the model
 * where the report's kernel was when it chose, so `oomsim run` on it makes the same choice and the what-if tools
 * can vary it.
 *
 * How the situation is rebuilt. Every row of the task table becomes a process, in table order (the kernel's scan
 * order, so ties fall the same way), with its uid, oom_score_adj, base-rss = rss + swapents (oom_badness() adds the
 * two; the model's base pages are resident, so a report's swapped pages are held as resident ones) and
 * base-pgtables = the page tables the era counts. The candidates are put in one memory cgroup (rows that are no
 * candidate, oom_score_adj -1000, stay in the root cgroup, where they change no score) whose limit is the report's
 * totalpages (for a memcg OOM its own path and limit; for a global OOM RAM + swap), so oom_badness() scales
 * oom_score_adj by the same totalpages / 1000. A filler process with oom_score_adj -1000 (never a candidate) then
 * touches the pages left under the limit and a few more: the charge fails, reclaim finds nothing (no swap, no page
 * cache), and the memcg OOM killer chooses among the rows. The expectation is the kernel's victim.
 *
 * What this does not rebuild, and says in the scenario's description: a global OOM becomes a memcg OOM of the same
 * totalpages (watermarks, reclaim and the page allocator's path are not reproduced); when the rows hold more than the
 * report's totalpages (a 4 kB limit in an LTP test) the limit is raised to fit them, which changes nothing when every
 * candidate's oom_score_adj is 0; the model's profile for the era (2.6.36-3.9 has none: 3.10's is used, whose
 * CAP_SYS_ADMIN bonus is the 3% of 3.14 and the 3.10.y stable series, not 2.6.36-3.13's adj -= 30; 3.14-4.16 runs on
 * the 4.14 profile);
 * threads, parents (no child is sacrificed) and file/shmem rss (modelled as anon). Only 4 KiB pages are modelled.
 */
#include "explain.h"

#include <string.h>

#define FILLER_EXTRA_PAGES 8 /* touched beyond the limit: the model's per-process kernel memory is also charged */

/* Why a report cannot give a scenario, or NULL. */
static const char *refusal(const ExplainReport *r, const ExplainTask **out_victim)
{
  *out_victim = NULL;
  if (!r->used_era || !r->used_era->recomputable)
    return "its kernel era's badness() cannot be recomputed (2.6.32-2.6.35) or is unknown";
  if (r->page_size != 4096)
    return "its page size is not 4 KiB, the only one the model has";
  if (r->outcome == EXPLAIN_OUTCOME_PANIC && r->panic_message &&
      strstr(r->panic_message, "compulsory panic_on_oom is enabled")) {
    /* vm.panic_on_oom=2 panics for every OOM, the scenario's memcg one too: the scenario expects the panic */
    return r->whatif ? "with vm.panic_on_oom=2 the kernel panics before choosing, whatever the what-if changes" : NULL;
  }
  if (r->outcome == EXPLAIN_OUTCOME_PANIC && r->panic_message && strstr(r->panic_message, "system-wide"))
    return "vm.panic_on_oom=1 panics only for a global OOM (CONSTRAINT_NONE), and the scenario stands a memcg OOM for "
           "the report's";
  if (r->tasks->len == 0)
    return "the log holds no task table for it";
  if (r->outcome != EXPLAIN_OUTCOME_KILLED)
    return r->outcome == EXPLAIN_OUTCOME_ALLOCATING ? "vm.oom_kill_allocating_task chose without a scan"
           : r->outcome == EXPLAIN_OUTCOME_NONE ? "the log has no victim for it (it is cut)"
           : "the kernel killed no one (a panic, or no killable process)";
  for (guint i = 0; i < r->tasks->len; i++) {
    const ExplainTask *t = &g_array_index(r->tasks, ExplainTask, i);
    if (t->pid == r->chosen_pid)
      *out_victim = t;
  }
  if (!*out_victim && r->kills->len)
    for (guint i = 0; i < r->tasks->len; i++)
      if (g_array_index(r->tasks, ExplainTask, i).pid == g_array_index(r->kills, ExplainKill, 0).pid)
        *out_victim = &g_array_index(r->tasks, ExplainTask, i);
  if (!*out_victim)
    return "the kernel's victim has no row in the log's task table";
  if (r->whatif) {
    /* with --set or --kernel, the scenario expects the recomputed victim under the changes */
    *out_victim = NULL;
    for (guint i = 0; i < r->tasks->len; i++)
      if (g_array_index(r->tasks, ExplainTask, i).rank == 1)
        *out_victim = &g_array_index(r->tasks, ExplainTask, i);
    if (!*out_victim)
      return "under the what-if changes no row is a candidate";
    return r->verdict == EXPLAIN_VERDICT_UNDECIDED ? "the recomputation cannot decide it under the what-if changes"
                                                   : NULL;
  }
  if (r->verdict == EXPLAIN_VERDICT_UNDECIDED)
    return "the recomputation cannot decide it (the explanation's reasons say why: an incomplete table, an unknown "
           "totalpages that matters)";
  if (r->verdict == EXPLAIN_VERDICT_DISAGREE)
    return "the recomputation does not reproduce the kernel's choice (see the explanation's reasons)";
  return NULL;
}

/* A cgroup path the schema accepts: the report's memcg path, or /oom. */
static char *cgroup_path(const ExplainReport *r)
{
  const char *p = r->oom_memcg;
  if (!p || p[0] != '/' || strcmp(p, "/") == 0 || strlen(p) > 200)
    return g_strdup("/oom");
  for (const char *c = p; *c; c++)
    if (!(g_ascii_isalnum(*c) || strchr("/-_.:@", *c)) || (c[0] == '/' && c[1] == '/'))
      return g_strdup("/oom");
  return g_strdup(p[strlen(p) - 1] == '/' ? "/oom" : p);
}

static int unused_pid(const ExplainReport *r)
{
  int max = 1;
  for (guint i = 0; i < r->tasks->len; i++)
    max = MAX(max, g_array_index(r->tasks, ExplainTask, i).pid);
  return max < 4194304 ? max + 1 : 2;
}

static char *comm_of(const ExplainTask *t)
{
  g_autofree char *c = g_utf8_make_valid(t->name && *t->name ? t->name : "task", -1);
  if (strlen(c) > 15)
    c[15] = '\0';
  if (!g_utf8_validate(c, -1, NULL)) /* a character cut in two */
    return g_strdup("task");
  return g_markup_escape_text(c, -1);
}

GString *explain_to_scenario(const char *source, const ExplainReport *r, guint index, GError **error)
{
  const ExplainTask *victim = NULL;
  const char *why = refusal(r, &victim);
  if (why) {
    g_set_error(error, EXPLAIN_ERROR, EXPLAIN_ERROR_OPTION, "%s:%u:1: report %u cannot give a scenario: %s", source,
                r->first_line, index, why);
    return NULL;
  }
  const KmProfile *prof = km_profile_lookup(r->used_era->profile);
  /* what the rows charge to the memcg: their pages, and their page tables where the profile charges them (4.8+) */
  gint64 rows_pages = 0;
  for (guint i = 0; i < r->tasks->len; i++) {
    const ExplainTask *t = &g_array_index(r->tasks, ExplainTask, i);
    if (t->skip != KM_SKIP_NONE)
      continue; /* held outside the cgroup: see below */
    rows_pages += MAX(t->rss, 0) + MAX(t->swapents, 0) +
                  (prof->memcg_charges_pgtables ? MAX(explain_task_pgtables(r, t), 0) : 0);
  }
  gint64 limit = r->totalpages > 0 ? r->totalpages : 0;
  if (limit > (G_GINT64_CONSTANT(1) << 38)) {
    g_set_error(error, EXPLAIN_ERROR, EXPLAIN_ERROR_OPTION, "%s:%u:1: report %u cannot give a scenario: its totalpages "
                "%" G_GINT64_FORMAT " is beyond the 1 PiB a scenario's memory may have", source, r->first_line, index, limit);
    return NULL;
  }
  gboolean raised = limit < rows_pages + FILLER_EXTRA_PAGES;
  if (raised)
    limit = rows_pages + 1024;
  gint64 filler = limit - rows_pages + FILLER_EXTRA_PAGES;
  g_autofree char *cg = cgroup_path(r);
  g_autofree char *src = g_markup_escape_text(source, -1);
  GString *x = g_string_new("<?xml version=\"1.0\"?>\n");
  g_string_append_printf(x, "<scenario name=\"explain-%u\" kernel=\"%s\">\n", index, prof->name);
  g_autofree char *outcome =
    !victim ? g_strdup("With vm.panic_on_oom=2 the kernel panicked before choosing: the scenario expects the panic.")
            : g_strdup_printf("%s pid %d (%s).", r->whatif ? "With the what-if changes (oom_score_adj, limit or kernel "
                              "rules) the victim is" : "The kernel killed", victim->pid, victim->name ? victim->name : "?");
  g_autofree char *outcome_xml = g_markup_escape_text(outcome, -1);
  g_string_append_printf(x, "  <description>Written by oomsim explain --to-scenario from report %u (lines %u-%u) of %s: "
                         "kernel era %s, modelled with the %s profile. The task table's %u rows are processes in scan "
                         "order (the candidates in one memory cgroup) of memory.max = %s%" G_GINT64_FORMAT " pages; a filler with "
                         "oom_score_adj -1000 touches %" G_GINT64_FORMAT " pages to make the charge fail. %s%s"
                         "%s</description>\n",
                         index, r->first_line, r->last_line, src, r->used_era->name, prof->name, r->tasks->len,
                         raised ? "" : "the report's totalpages, ", limit, filler,
                         r->constraint == EXPLAIN_CONSTRAINT_MEMCG ? "" : "The report's OOM was not a memcg one: a "
                         "memcg OOM of the same totalpages stands for it. ",
                         raised ? "The rows hold more than the report's totalpages: the limit is raised to fit them. " : "",
                         outcome_xml);
  if (victim)
    g_string_append_printf(x, "  <machine ram=\"%" G_GINT64_FORMAT " pages\" swap=\"0\"/>\n", limit + 65536);
  else
    g_string_append_printf(x, "  <machine ram=\"%" G_GINT64_FORMAT " pages\" swap=\"0\">\n    <sysctl name=\"vm.panic_on_oom\" "
                           "value=\"2\"/>\n  </machine>\n", limit + 65536);
  g_string_append_printf(x, "  <cgroups version=\"%d\">\n", prof->memcg_v2 ? 2 : 1);
  if (prof->memcg_v2)
    g_string_append_printf(x, "    <cgroup path=\"%s\" memory.max=\"%" G_GINT64_FORMAT " pages\" memory.swap.max=\"0\"/>\n",
                           cg, limit);
  else
    g_string_append_printf(x, "    <cgroup path=\"%s\" memory.limit_in_bytes=\"%" G_GINT64_FORMAT " pages\"/>\n", cg, limit);
  g_string_append(x, "  </cgroups>\n  <processes>\n");
  for (guint i = 0; i < r->tasks->len; i++) {
    const ExplainTask *t = &g_array_index(r->tasks, ExplainTask, i);
    g_autofree char *comm = comm_of(t);
    /* a row that is no candidate (oom_score_adj -1000) is held in the root cgroup: it changes no score, and the
     * rows' rss (which counts file pages charged elsewhere) then fits the limit more often */
    g_string_append_printf(x, "    <process pid=\"%d\" comm=\"%s\" cgroup=\"%s\" uid=\"%d\" oom_score_adj=\"%d\" "
                           "base-rss=\"%" G_GINT64_FORMAT " pages\" base-pgtables=\"%" G_GINT64_FORMAT " pages\"/>\n",
                           t->pid, comm, t->skip == KM_SKIP_NONE ? cg : "/", MAX(t->uid, 0), t->oom_score_adj, MAX(t->rss, 0) + MAX(t->swapents, 0),
                           MAX(explain_task_pgtables(r, t), 0));
  }
  int fpid = unused_pid(r);
  g_string_append_printf(x, "    <process pid=\"%d\" comm=\"filler\" cgroup=\"%s\" uid=\"0\" oom_score_adj=\"-1000\"/>\n",
                         fpid, cg);
  g_string_append(x, "  </processes>\n  <trace>\n");
  g_string_append_printf(x, "    <mmap id=\"fill\" pid=\"%d\" size=\"%" G_GINT64_FORMAT " pages\"/>\n", fpid, filler);
  g_string_append_printf(x, "    <touch pid=\"%d\" mapping=\"fill\" size=\"%" G_GINT64_FORMAT " pages\" at=\"1s\"/>\n",
                         fpid, filler);
  g_string_append(x, "  </trace>\n  <expect>\n");
  if (victim)
    g_string_append_printf(x, "    <oom-kill pid=\"%d\"/>\n", victim->pid);
  else
    g_string_append(x, "    <panic message-contains=\"compulsory panic_on_oom is enabled\"/>\n");
  g_string_append(x, "  </expect>\n</scenario>\n");
  return x;
}
