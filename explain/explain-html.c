/* explain/explain-html.c: `oomsim explain --format html`: one self-contained page (inline CSS and SVG, no script,
 * nothing fetched) for the OOM killer reports of a real kernel log, built from the same ExplainReport records as
 * the text and the JSON (explain-output.c) and from the run report's pieces (reports/html-page.c: style sheet,
 * glossary, badness bars; reports/html-dmesg.c: each kernel line explained on demand). Per report: what the kernel
 * says (era, release, who invoked the OOM killer, the constraint and its domain, totalpages and where it came
 * from), one bar per task-table row split into oom_badness()'s terms as the report's era adds them up
 * (explain_task_terms(): mm/oom_kill.c oom_badness() of 2.6.36-3.9, 3.10-4.16 with the root bonus, 4.17-5.8,
 * 5.9+), the kernel's victim highlighted and the recomputation's verdict with its reasons, the skipped rows and
 * why, the tie rule, the what-if result, the notes on what the log does not say, and the report's own lines.
 *
 * Bounded like the rest of explain: at most EXPLAIN_HTML_MAX_BARS bars and EXPLAIN_HTML_MAX_ROWS table rows per
 * report (the highest-ranked candidates and the kernel's victim first; what is left out is said), and the log lines
 * explain_read_log_lines() kept. Order is the log's, then the table's: no hash order reaches the page.
 */
#include "explain.h"

#include "../reports/html-dmesg.h"
#include "../reports/html-page.h"

#define EXPLAIN_HTML_MAX_BARS 60
#define EXPLAIN_HTML_MAX_ROWS 1000

static const char *const verdict_words[EXPLAIN_VERDICT_N] = {
  [EXPLAIN_VERDICT_AGREE] = "the recomputation agrees with the kernel",
  [EXPLAIN_VERDICT_SCORE_DIFFERS] = "same victim, but the kernel printed another score",
  [EXPLAIN_VERDICT_DISAGREE] = "the recomputation picks another victim",
  [EXPLAIN_VERDICT_UNDECIDED] = "the recomputation cannot decide from this log",
};

static const char *const verdict_class[EXPLAIN_VERDICT_N] = {
  [EXPLAIN_VERDICT_AGREE] = "v-agree",
  [EXPLAIN_VERDICT_SCORE_DIFFERS] = "v-score",
  [EXPLAIN_VERDICT_DISAGREE] = "v-disagree",
  [EXPLAIN_VERDICT_UNDECIDED] = "v-undecided",
};

/* The kernel's victim: the pid it chose and killed (the allocating task in that mode); 0 when it killed nobody. */
static int kernel_victim(const ExplainReport *r)
{
  if (r->outcome != EXPLAIN_OUTCOME_KILLED && r->outcome != EXPLAIN_OUTCOME_ALLOCATING)
    return 0;
  if (r->chosen_pid)
    return r->chosen_pid;
  return r->kills->len ? g_array_index(r->kills, ExplainKill, 0).pid : 0;
}

/* A row is the victim when its pid is the kernel's choice; before 4.x the chosen pid can be a thread's, matched
 * through the Killed line's process (docs/explain.md). */
static gboolean row_is_victim(const ExplainReport *r, const ExplainTask *t)
{
  int victim = kernel_victim(r);
  if (!victim)
    return FALSE;
  if (t->pid == victim)
    return TRUE;
  for (guint i = 0; i < r->tasks->len; i++)
    if (g_array_index(r->tasks, ExplainTask, i).pid == victim)
      return FALSE; /* the victim has its own row */
  return r->kills->len && g_array_index(r->kills, ExplainKill, 0).pid == t->pid;
}

/* Killed with the victim (a memory.oom.group member, a sacrificed child), or NULL. */
static const char *row_killed_too(const ExplainReport *r, const ExplainTask *t)
{
  if (row_is_victim(r, t))
    return NULL;
  for (guint i = 0; i < r->kills->len; i++)
    if (g_array_index(r->kills, ExplainKill, i).pid == t->pid)
      return r->oom_group ? "memory.oom.group" : r->sacrifice_child ? "sacrificed child" : "killed by this report";
  return NULL;
}

static gboolean scored(const ExplainReport *r, const ExplainTask *t)
{
  return t->skip == KM_SKIP_NONE && r->used_era && r->used_era->recomputable;
}

static const char *unscored_reason(const ExplainReport *r, const ExplainTask *t)
{
  if (t->skip != KM_SKIP_NONE)
    return t->earlier_victim && t->skip == KM_SKIP_OOM_SKIP
           ? "killed by an earlier report of this log, taken as reaped (MMF_OOM_SKIP)" : km_skip_reason_text[t->skip];
  if (!r->used_era)
    return "not recomputed: the kernel era is unknown";
  if (!r->used_era->recomputable)
    return "not recomputed: this era's badness() needs figures no report prints";
  if (t->points <= 0)
    return "a score of 0 is no candidate on this era (select_bad_process() skips it)";
  return "not recomputed";
}

static glong row_held(const ExplainReport *r, const ExplainTask *t)
{
  return (glong)(MAX(t->rss, 0) + MAX(t->swapents, 0) + MAX(explain_task_pgtables(r, t), 0));
}

static void terms_of(const ExplainReport *r, const ExplainTask *t, glong out[HTML_TERM_N])
{
  ExplainTerms e;
  memset(out, 0, HTML_TERM_N * sizeof *out);
  if (!explain_task_terms(r, t, &e))
    return;
  out[HTML_TERM_RSS] = e.pages.rss;
  out[HTML_TERM_SWAP] = e.pages.swapents;
  out[HTML_TERM_PT] = e.pages.pgtables;
  out[HTML_TERM_ADJ] = e.pages.adj;
  out[HTML_TERM_ROOT] = e.pages.root_bonus;
  out[HTML_TERM_FLOOR] = e.pages.floor;
  out[HTML_TERM_MEM_1000] = e.mem_1000;
  out[HTML_TERM_CEILING] = e.ceiling;
}

/* The rows drawn and tabled: every row when there are few; otherwise the candidates by rank, the kernel's victim
 * and the rows killed with it first, up to `max`, then shown in table (scan) order. */
static GArray *rows_shown(const ExplainReport *r, guint max, guint *out_left_out)
{
  GArray *idx = g_array_new(FALSE, FALSE, sizeof(guint));
  guint n = r->tasks->len;
  if (n <= max) {
    for (guint i = 0; i < n; i++)
      g_array_append_val(idx, i);
    *out_left_out = 0;
    return idx;
  }
  g_autofree gboolean *take = g_new0(gboolean, n);
  guint taken = 0;
  for (guint i = 0; i < n; i++) {
    const ExplainTask *t = &g_array_index(r->tasks, ExplainTask, i);
    if (row_is_victim(r, t) || row_killed_too(r, t) || t->pid == r->recomputed_pid) {
      take[i] = TRUE;
      taken++;
    }
  }
  g_autoptr(GPtrArray) order = explain_report_ranking(r);
  for (guint k = 0; k < order->len && taken < max; k++) {
    guint i = (guint)((ExplainTask *)order->pdata[k] - (ExplainTask *)(void *)r->tasks->data);
    if (!take[i]) {
      take[i] = TRUE;
      taken++;
    }
  }
  for (guint i = 0; i < n; i++)
    if (take[i])
      g_array_append_val(idx, i);
  *out_left_out = n - idx->len;
  return idx;
}

static void bars(GString *out, const ExplainReport *r)
{
  guint left_out = 0;
  g_autoptr(GArray) idx = rows_shown(r, EXPLAIN_HTML_MAX_BARS, &left_out);
  g_autofree HtmlBarRow *rows = g_new0(HtmlBarRow, MAX(idx->len, 1));
  for (guint k = 0; k < idx->len; k++) {
    const ExplainTask *t = &g_array_index(r->tasks, ExplainTask, g_array_index(idx, guint, k));
    HtmlBarRow *b = &rows[k];
    b->pid = t->pid;
    b->comm = t->name;
    b->scored = scored(r, t);
    b->victim = row_is_victim(r, t);
    b->killed_too = row_killed_too(r, t);
    b->held = row_held(r, t);
    if (b->scored) {
      terms_of(r, t, b->terms);
      b->points = t->points;
    } else {
      b->unscored_reason = unscored_reason(r, t);
    }
    if (t->pid == r->recomputed_pid && r->outcome != EXPLAIN_OUTCOME_ALLOCATING)
      b->mark = b->victim ? "recomputed: also the pick" : "recomputed: the pick";
  }
  const KmProfile *prof = r->used_era && r->used_era->profile ? km_profile_lookup(r->used_era->profile) : NULL;
  html_badness_legend(out, r->used_era && r->used_era->badness_1000 ? HTML_TERMS_1000 : HTML_TERMS_PAGES);
  html_badness_bars(out, rows, idx->len, prof && !prof->badness_signed);
  if (left_out)
    g_string_append_printf(out, "<p>%u further rows are not drawn (at most %d bars: the highest-ranked candidates, "
                                "the kernel's victim and those killed with it).</p>\n", left_out, EXPLAIN_HTML_MAX_BARS);
}

static void table(GString *out, const ExplainReport *r)
{
  gboolean k1000 = r->used_era && r->used_era->badness_1000;
  guint left_out = 0;
  g_autoptr(GArray) idx = rows_shown(r, EXPLAIN_HTML_MAX_ROWS, &left_out);
  static const HtmlTerm pages_cols[] = { HTML_TERM_RSS, HTML_TERM_SWAP, HTML_TERM_PT, HTML_TERM_ADJ, HTML_TERM_ROOT,
                                         HTML_TERM_FLOOR };
  static const HtmlTerm k1000_cols[] = { HTML_TERM_MEM_1000, HTML_TERM_ROOT, HTML_TERM_ADJ, HTML_TERM_FLOOR,
                                         HTML_TERM_CEILING };
  const HtmlTerm *cols = k1000 ? k1000_cols : pages_cols;
  guint ncols = k1000 ? G_N_ELEMENTS(k1000_cols) : G_N_ELEMENTS(pages_cols);
  g_string_append(out, "<div class=\"wide\"><table class=\"terms\"><caption>The task table as printed (pages), and "
                       "oom_badness() of each candidate as this era adds it up: the terms sum to the points</caption>\n"
                       "<thead><tr><th>line</th><th>pid</th><th>uid</th><th>name</th><th>rss</th><th>swapents</th>"
                       "<th>page tables</th><th>oom_score_adj</th>");
  for (guint c = 0; c < ncols; c++) {
    g_string_append(out, "<th>");
    html_esc(out, html_term_name[cols[c]]);
    g_string_append(out, "</th>");
  }
  g_string_append(out, "<th>= points</th><th>rank</th><th>verdict</th></tr></thead><tbody>\n");
  for (guint k = 0; k < idx->len; k++) {
    const ExplainTask *t = &g_array_index(r->tasks, ExplainTask, g_array_index(idx, guint, k));
    gboolean victim = row_is_victim(r, t);
    const char *too = row_killed_too(r, t);
      gboolean pick = t->pid == r->recomputed_pid;
    g_string_append_printf(out, "<tr%s%s%s%s data-pid=\"%d\"><td>%u</td><td>%d</td><td>%d</td><td>",
                           victim || pick ? " class=\"" : "", victim ? "victim" : "", victim && pick ? " " : "",
                           pick ? "pick\"" : victim ? "\"" : "", t->pid, t->line, t->pid, t->uid);
    html_esc(out, t->name);
    g_string_append_printf(out, "</td><td class=\"n\">%" G_GINT64_FORMAT "</td><td class=\"n\">%" G_GINT64_FORMAT
                           "</td><td class=\"n\">%" G_GINT64_FORMAT "</td><td class=\"n\">", t->rss, t->swapents,
                           explain_task_pgtables(r, t));
    if (t->oom_score_adj != t->printed_adj)
      g_string_append_printf(out, "%d (what-if; printed %d)", t->oom_score_adj, t->printed_adj);
    else
      g_string_append_printf(out, "%d", t->oom_score_adj);
    g_string_append(out, "</td>");
    if (scored(r, t)) {
      glong terms[HTML_TERM_N];
      terms_of(r, t, terms);
      for (guint c = 0; c < ncols; c++)
        g_string_append_printf(out, "<td class=\"n\">%ld</td>", terms[cols[c]]);
      g_string_append_printf(out, "<td class=\"n pts\">%ld</td><td class=\"n\">", t->points);
      if (t->rank)
        g_string_append_printf(out, "%d</td><td>", t->rank);
      else
        g_string_append(out, "-</td><td>"); /* not ranked: the ranking is undecided (the reasons say why) */
    } else {
      g_string_append_printf(out, "<td colspan=\"%u\"></td><td>-</td><td>-</td><td>", ncols);
    }
    if (victim)
      g_string_append(out, "<strong>the kernel's victim</strong>");
    else if (too)
      html_escf(out, "killed too (%s)", too);
    else if (scored(r, t))
      g_string_append(out, "candidate");
    if (!scored(r, t))
      html_escf(out, "%snot scored: %s", victim || too ? ", " : "", unscored_reason(r, t));
    if (t->pid == r->recomputed_pid && r->outcome != EXPLAIN_OUTCOME_ALLOCATING)
      g_string_append(out, "; the recomputation's pick");
    g_string_append(out, "</td></tr>\n");
  }
  g_string_append(out, "</tbody></table></div>\n");
  if (left_out)
    g_string_append_printf(out, "<p>%u further rows of the table are not listed here (at most %d; `oomsim explain "
                                "--format json` has every row).</p>\n", left_out, EXPLAIN_HTML_MAX_ROWS);
}

static void skipped(GString *out, const ExplainReport *r)
{
  g_autoptr(GString) items = g_string_new(NULL);
  guint n = 0;
  for (guint i = 0; i < r->tasks->len; i++) {
    const ExplainTask *t = &g_array_index(r->tasks, ExplainTask, i);
    if (t->skip == KM_SKIP_NONE)
      continue;
    if (++n > EXPLAIN_HTML_MAX_ROWS)
      continue;
    g_string_append_printf(items, "<li data-pid=\"%d\">", t->pid);
    html_escf(items, "pid %d (%s): %s", t->pid, t->name, unscored_reason(r, t));
    g_string_append(items, "</li>\n");
  }
  if (!n)
    return;
  g_string_append(out, "<p>Skipped by the scan (no score), and why:</p>\n<ul class=\"skipped\">\n");
  g_string_append(out, items->str);
  g_string_append(out, "</ul>\n");
  if (n > EXPLAIN_HTML_MAX_ROWS)
    g_string_append_printf(out, "<p>and %u more.</p>\n", n - EXPLAIN_HTML_MAX_ROWS);
}

/* The tie rule of the recomputation's era, when the pick shares its points with another candidate. */
static void tie(GString *out, const ExplainReport *r)
{
  const ExplainTask *pick = NULL;
  for (guint i = 0; i < r->tasks->len; i++)
    if (g_array_index(r->tasks, ExplainTask, i).rank == 1)
      pick = &g_array_index(r->tasks, ExplainTask, i);
  if (!pick || !r->used_era || !r->used_era->profile)
    return;
  g_autoptr(GString) ties = g_string_new(NULL);
  guint n = 0;
  for (guint i = 0; i < r->tasks->len; i++) {
    const ExplainTask *t = &g_array_index(r->tasks, ExplainTask, i);
    if (t != pick && t->rank > 0 && t->points == pick->points && ++n <= 10)
      g_string_append_printf(ties, "%s%d (%s)", ties->len ? ", " : "", t->pid, t->name);
  }
  if (!n)
    return;
  gboolean later = km_profile_lookup(r->used_era->profile)->badness_signed;
  g_string_append(out, "<p class=\"tie\"><strong>Tie.</strong> ");
  html_escf(out, "pid %s%s had the same %ld points as pid %d (%s); in the %s era %s", ties->str, n > 10 ? " and more" : "",
            pick->points, pick->pid, pick->name, r->used_era->name,
            later ? "the later task in scan (table) order wins: select_bad_process() passes over only a lower score"
                  : "the earlier task in scan (table) order keeps its place: an equal score does not displace it");
  html_with_term(out, " (", "tie-rule", "tie rule", ").");
  g_string_append(out, "</p>\n");
}

static void list(GString *out, const char *title, GPtrArray *items, const char *cls)
{
  if (!items->len)
    return;
  if (title)
    g_string_append_printf(out, "<p>%s</p>\n", title);
  g_string_append_printf(out, "<ul class=\"%s\">\n", cls);
  for (guint i = 0; i < items->len; i++) {
    g_string_append(out, "<li>");
    html_esc(out, items->pdata[i]);
    g_string_append(out, "</li>\n");
  }
  g_string_append(out, "</ul>\n");
}

static const ExplainTask *task_of(const ExplainReport *r, int pid)
{
  for (guint i = 0; i < r->tasks->len; i++)
    if (g_array_index(r->tasks, ExplainTask, i).pid == pid)
      return &g_array_index(r->tasks, ExplainTask, i);
  return NULL;
}

/* The story of the report in plain words, every kernel term linked to the glossary. */
static void story(GString *out, const ExplainReport *r)
{
  g_string_append(out, "<ol class=\"story\">\n<li>");
  if (r->has_invoker) {
    html_escf(out, "%s", r->invoker_comm ? r->invoker_comm : "A task");
    if (r->has_invoker_pid)
      html_escf(out, " (pid %d)", r->invoker_pid);
    if (r->order)
      html_escf(out, " asked for 2^%d contiguous pages (order %d)", r->order, r->order);
    else
      g_string_append(out, " asked for one page (order 0)");
    html_escf(out, " with gfp_mask=%s%s%s%s, and neither free memory nor reclaim could give it, so it called the OOM "
              "killer.", r->gfp_mask ? r->gfp_mask : "?", r->gfp_flags ? " (" : "", r->gfp_flags ? r->gfp_flags : "",
              r->gfp_flags ? ")" : "");
  } else {
    g_string_append(out, "The log does not have the \"invoked oom-killer\" line: who asked for memory is unknown.");
  }
  g_string_append(out, "</li>\n<li>");
  if (r->constraint == EXPLAIN_CONSTRAINT_MEMCG) {
    html_with_term(out, "It was a cgroup's OOM (", "memcg", "memcg", "): ");
    html_esc(out, r->oom_memcg ? r->oom_memcg : "a memory cgroup");
    if (r->mem_limit_kb >= 0)
      html_escf(out, " had %" G_GINT64_FORMAT " kB charged against its limit of %" G_GINT64_FORMAT " kB",
                r->mem_usage_kb, r->mem_limit_kb);
    html_with_term(out, " (", "memory-max", "memory.max", "), so only its processes were candidates.");
  } else if (r->constraint == EXPLAIN_CONSTRAINT_NONE) {
    html_with_term(out, "It was the whole machine's OOM (CONSTRAINT_NONE): free memory was below the ", "watermarks",
                   "watermarks", " and reclaim freed nothing, so every process was a candidate.");
  } else {
    html_escf(out, "The constraint is %s.", explain_constraint_names[r->constraint]);
  }
  g_string_append(out, " ");
  html_term(out, "totalpages", "totalpages");
  if (r->totalpages >= 0)
    html_escf(out, ", the size of that domain, is %ld pages (%s).", r->totalpages, r->totalpages_source);
  else
    html_escf(out, " is %s.", r->totalpages_source ? r->totalpages_source : "unknown: the log does not tell it");
  g_string_append(out, "</li>\n<li>");
  switch (r->outcome) {
  case EXPLAIN_OUTCOME_KILLED:
  case EXPLAIN_OUTCOME_ALLOCATING: {
    const ExplainTask *v = task_of(r, kernel_victim(r));
    const ExplainKill *k = r->kills->len ? &g_array_index(r->kills, ExplainKill, 0) : NULL;
    html_escf(out, "The kernel %s pid %d (%s)", k && k->pid == kernel_victim(r) ? "killed" : "chose", kernel_victim(r),
              v ? v->name : r->chosen_comm ? r->chosen_comm : k && k->comm ? k->comm : "?");
    if (k && k->pid != kernel_victim(r))
      html_escf(out, " and killed pid %d (%s)%s", k->pid, k->comm ? k->comm : "?",
                r->sacrifice_child ? " (\"or sacrifice child\": a child was killed in its place, or the chosen pid was a "
                "thread of that process)" : " (the chosen pid is a thread of that process)");
    if (r->outcome == EXPLAIN_OUTCOME_ALLOCATING) {
      g_string_append(out, ", the task that asked for memory (vm.oom_kill_allocating_task: no scan)");
    } else if (v && scored(r, v)) {
      html_with_term(out, ", whose ", "badness", "badness", "");
      html_escf(out, " recomputes to %ld points", v->points);
    }
    if (r->has_printed_score)
      html_escf(out, " (it printed score %ld)", r->printed_score);
    if (r->oom_group) {
      html_escf(out, ", and every process of %s with it", r->oom_group);
      html_with_term(out, " (", "oom-group", "memory.oom.group", ")");
    }
    g_string_append(out, ". A container runtime reports such a kill as exit code 137 (128 + SIGKILL).");
    break;
  }
  case EXPLAIN_OUTCOME_PANIC:
    html_escf(out, "The kernel panicked instead of killing: %s", r->panic_message ? r->panic_message : "panic");
    html_with_term(out, " (", "panic-on-oom", "panic_on_oom", ").");
    break;
  case EXPLAIN_OUTCOME_NO_KILLABLE:
    html_with_term(out, "The kernel found no process it may kill (every one unkillable or with ", "oom-score-adj",
                   "oom_score_adj", " -1000).");
    break;
  default:
    g_string_append(out, "The log ends before the kernel's choice (no kill, panic or \"no killable processes\" line).");
  }
  g_string_append(out, "</li>\n<li>");
  const ExplainTask *mine = task_of(r, r->recomputed_pid);
  if (mine && r->outcome != EXPLAIN_OUTCOME_ALLOCATING)
    html_escf(out, "Recomputed with the %s era's oom_badness(), the highest score is pid %d (%s) with %ld points: ",
              r->used_era ? r->used_era->name : "?", mine->pid, mine->name, mine->points);
  else
    g_string_append(out, "The recomputation: ");
  html_escf(out, "%s.", verdict_words[r->verdict]);
  g_string_append(out, "</li>\n</ol>\n");
}

static void facts(GString *out, const ExplainReport *r)
{
  g_string_append(out, "<dl class=\"facts\">\n<dt>kernel era</dt><dd>");
  html_escf(out, "%s (by %s)", r->era ? r->era->name : "unknown", r->era_reason ? r->era_reason : "-");
  if (r->used_era && r->used_era != r->era)
    html_escf(out, "; recomputed with %s's rules (--kernel)", r->used_era->name);
  g_string_append(out, "</dd>\n");
  if (r->version) {
    g_string_append(out, "<dt>release</dt><dd>");
    html_escf(out, "%s%s%s%s", r->version, r->arch ? " (" : "", r->arch ? r->arch : "", r->arch ? ")" : "");
    g_string_append(out, "</dd>\n");
  }
  g_string_append(out, "<dt>");
  html_term(out, "constraint", "constraint");
  g_string_append(out, "</dt><dd>");
  html_esc(out, explain_constraint_names[r->constraint]);
  g_string_append(out, "; domain: ");
  html_esc(out, r->constraint == EXPLAIN_CONSTRAINT_MEMCG ? (r->oom_memcg ? r->oom_memcg : "a memory cgroup (path not printed)")
                : r->constraint == EXPLAIN_CONSTRAINT_NONE ? "the whole machine" : "unknown");
  if (r->task_memcg)
    html_escf(out, "; the victim's cgroup: %s", r->task_memcg);
  if (r->mem_limit_kb >= 0)
    html_escf(out, "; memory usage %" G_GINT64_FORMAT " kB of a limit of %" G_GINT64_FORMAT " kB", r->mem_usage_kb,
              r->mem_limit_kb);
  if (r->swap_limit_kb >= 0)
    html_escf(out, ", swap limit %" G_GINT64_FORMAT " kB", r->swap_limit_kb);
  if (r->memsw_limit_kb >= 0)
    html_escf(out, ", memory+swap limit %" G_GINT64_FORMAT " kB", r->memsw_limit_kb);
  g_string_append(out, "</dd>\n<dt>");
  html_term(out, "totalpages", "totalpages");
  g_string_append(out, "</dt><dd>");
  if (r->totalpages >= 0)
    html_escf(out, "%ld (%s)", r->totalpages, r->totalpages_source);
  else
    html_esc(out, r->totalpages_source ? r->totalpages_source : "unknown");
  html_escf(out, "; page size %u bytes%s", r->page_size, r->page_size_known ? "" : " (assumed)");
  g_string_append(out, "</dd>\n");
  g_string_append(out, "<dt>task table</dt><dd>");
  html_escf(out, "%s, %u row%s%s, printed in scan order", explain_table_format_names[r->table_format], r->tasks->len,
            r->tasks->len == 1 ? "" : "s", r->table_header_seen || !r->tasks->len ? "" : " (no header in the log)");
  g_string_append(out, "</dd>\n<dt>the kernel</dt><dd>");
  switch (r->outcome) {
  case EXPLAIN_OUTCOME_KILLED:
  case EXPLAIN_OUTCOME_ALLOCATING:
    html_escf(out, "%s pid %d (%s)", r->outcome == EXPLAIN_OUTCOME_ALLOCATING ? "killed the allocating task," : "chose",
              kernel_victim(r), r->chosen_comm ? r->chosen_comm : "?");
    if (r->has_printed_score)
      html_escf(out, ", printed score %ld", r->printed_score);
    if (r->recomputed_score >= 0 && r->has_printed_score)
      html_escf(out, " (recomputed %ld)", r->recomputed_score);
    if (r->reaped->len)
      html_escf(out, "; the oom_reaper reaped %u", r->reaped->len);
    break;
  case EXPLAIN_OUTCOME_PANIC:
    html_escf(out, "panicked: %s", r->panic_message ? r->panic_message : "-");
    break;
  case EXPLAIN_OUTCOME_NO_KILLABLE:
    g_string_append(out, "found no killable process");
    break;
  default:
    g_string_append(out, "(no outcome line in the log)");
  }
  g_string_append(out, "</dd>\n</dl>\n");
}

static void whatif(GString *out, const ExplainReport *r)
{
  if (!r->whatif)
    return;
  g_string_append(out, "<h4>What if</h4>\n");
  list(out, "The changes (--set, --kernel):", r->whatif_notes, "whatif");
  g_autofree char *result = explain_whatif_result(r);
  g_string_append(out, "<p class=\"whatif-result\"><strong>");
  html_esc(out, result ? result : "without the changes no process was a candidate either");
  g_string_append(out, ".</strong> The bars and the table above are the recomputation with the changes.</p>\n");
  g_string_append(out, "<p>Kill order without the changes: ");
  for (guint i = 0; i < r->baseline_order->len && i < 10; i++)
    g_string_append_printf(out, "%s%d", i ? ", " : "", g_array_index(r->baseline_order, int, i));
  g_string_append(out, r->baseline_order->len ? (r->baseline_order->len > 10 ? ", ...</p>\n" : "</p>\n") : "none</p>\n");
}

static void log_lines(GString *out, const ExplainReport *r, gboolean shot_end)
{
  /* the gallery's screenshot (gallery/shoot.pl) ends at the first report's lines */
  g_string_append_printf(out, "<h4%s>The report's lines</h4>\n", shot_end ? " data-shot-end=\"1\"" : "");
  if (!r->log_lines || !r->log_lines->len) {
    g_string_append(out, "<p>No line of the log was kept for this report.</p>\n");
    return;
  }
  g_string_append(out, "<p>The lines of the log from the report's first line to its last, as kernel messages (the "
                       "dmesg, syslog or journal prefixes removed). Open a line to see what it says and which kernel "
                       "function prints it.</p>\n");
  g_autofree const char **texts = g_new0(const char *, r->log_lines->len);
  g_autofree guint *numbers = g_new0(guint, r->log_lines->len);
  for (guint i = 0; i < r->log_lines->len; i++) {
    texts[i] = g_array_index(r->log_lines, ExplainLogLine, i).text;
    numbers[i] = g_array_index(r->log_lines, ExplainLogLine, i).line;
  }
  report_html_dmesg_line_list(out, texts, numbers, r->log_lines->len, r->page_size);
  if (r->log_lines_dropped)
    g_string_append_printf(out, "<p>%u further lines of this report are not kept (at most %d per report).</p>\n",
                           r->log_lines_dropped, EXPLAIN_MAX_REPORT_LINES);
}

static void report_section(GString *out, const ExplainReport *r, guint index, guint total)
{
  g_string_append_printf(out, "<section class=\"report\" id=\"report-%u\" data-verdict=\"%s\" data-victim=\"%d\" "
                              "data-recomputed=\"%d\">\n<h2>Report %u of %u, lines %u-%u <span class=\"verdict %s\">",
                         index + 1, explain_verdict_names[r->verdict], kernel_victim(r), r->recomputed_pid, index + 1,
                         total, r->first_line, r->last_line, verdict_class[r->verdict]);
  html_esc(out, explain_verdict_names[r->verdict]);
  g_string_append(out, "</span></h2>\n");
  story(out, r);
  facts(out, r);
  g_string_append(out, "<h3>Why: the verdict</h3>\n<p>");
  html_escf(out, "%s (%s):", verdict_words[r->verdict], explain_verdict_names[r->verdict]);
  g_string_append(out, "</p>\n");
  list(out, NULL, r->reasons, "reasons");
  g_string_append(out, "<h3>The candidates</h3>\n");
  if (r->tasks->len) {
    bars(out, r);
    table(out, r);
  } else {
    g_string_append(out, "<p>The log has no task table for this report: no candidate can be shown.</p>\n");
  }
  skipped(out, r);
  tie(out, r);
  g_autoptr(GPtrArray) order = explain_report_ranking(r);
  if (order->len > 1) {
    g_string_append(out, "<p>The next victims if the kernel had to kill again with the same figures: ");
    for (guint i = 1; i < order->len && i < 11; i++) {
      const ExplainTask *t = order->pdata[i];
      html_escf(out, "%s%d (%s)", i > 1 ? ", " : "", t->pid, t->name);
    }
    if (order->len > 11)
      g_string_append_printf(out, " ... (%u more)", order->len - 11);
    g_string_append(out, ".</p>\n");
  }
  whatif(out, r);
  list(out, "What the log does not say, and what was assumed:", r->notes, "notes");
  log_lines(out, r, index == 0);
  g_string_append(out, "</section>\n");
}

GString *explain_format_html(const char *source, GPtrArray *reports)
{
  GString *out = g_string_new(NULL);
  g_autofree char *title = g_strdup_printf("explain %s", source);
  html_page_begin(out, title);
  g_string_append(out, "<p class=\"meta\">");
  html_escf(out, "%u OOM killer report%s found in %s by oomsim explain. For each: what the kernel's lines say, every "
            "process's badness recomputed with the formula of the kernel that printed the report, and whether that "
            "gives the kernel's own choice.", reports->len, reports->len == 1 ? "" : "s", source);
  g_string_append(out, "</p>\n<nav>");
  for (guint i = 0; i < reports->len; i++) {
    const ExplainReport *r = reports->pdata[i];
    if (i < 50)
      g_string_append_printf(out, "<a href=\"#report-%u\">Report %u (%s)</a> · ", i + 1, i + 1,
                             explain_verdict_names[r->verdict]);
  }
  if (reports->len > 50)
    g_string_append_printf(out, "%u more reports below · ", reports->len - 50);
  g_string_append(out, "<a href=\"#glossary\">Glossary</a></nav>\n");
  for (guint i = 0; i < reports->len; i++)
    report_section(out, reports->pdata[i], i, reports->len);
  html_page_end(out);
  return out;
}
