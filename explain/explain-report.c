/* explain/explain-report.c: the report record (one OOM report of a log), its names, and reading a whole log.
 *
 * explain_read_log() is the one entry from a file: it streams the file through explain-input.c into
 * explain-parse.c in 64 KiB chunks (memory stays bounded by the limits in explain.h whatever the file's size),
 * decides each report's era and refuses, with one `FILE:LINE:COL: ...` message, what is not a log with a report.
 */
#include "explain.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

G_DEFINE_QUARK(explain-error-quark, explain_error)

const char *const explain_constraint_names[EXPLAIN_CONSTRAINT_N] = {
  [EXPLAIN_CONSTRAINT_UNKNOWN] = "unknown",
  [EXPLAIN_CONSTRAINT_NONE] = "CONSTRAINT_NONE",
  [EXPLAIN_CONSTRAINT_CPUSET] = "CONSTRAINT_CPUSET",
  [EXPLAIN_CONSTRAINT_MEMORY_POLICY] = "CONSTRAINT_MEMORY_POLICY",
  [EXPLAIN_CONSTRAINT_MEMCG] = "CONSTRAINT_MEMCG",
};

const char *const explain_outcome_names[EXPLAIN_OUTCOME_N] = {
  [EXPLAIN_OUTCOME_NONE] = "none",
  [EXPLAIN_OUTCOME_KILLED] = "killed",
  [EXPLAIN_OUTCOME_ALLOCATING] = "killed-allocating-task",
  [EXPLAIN_OUTCOME_PANIC] = "panic",
  [EXPLAIN_OUTCOME_NO_KILLABLE] = "no-killable",
};

const char *const explain_verdict_names[EXPLAIN_VERDICT_N] = {
  [EXPLAIN_VERDICT_AGREE] = "agree",
  [EXPLAIN_VERDICT_SCORE_DIFFERS] = "agree-victim-score-differs",
  [EXPLAIN_VERDICT_DISAGREE] = "disagree",
  [EXPLAIN_VERDICT_UNDECIDED] = "undecided",
};

static void task_clear(gpointer p)
{
  g_free(((ExplainTask *)p)->name);
}

static void kill_clear(gpointer p)
{
  g_free(((ExplainKill *)p)->comm);
}

ExplainReport *explain_report_new(guint first_line)
{
  ExplainReport *r = g_new0(ExplainReport, 1);
  r->first_line = r->last_line = first_line;
  r->mem_usage_kb = r->mem_limit_kb = r->memsw_limit_kb = r->swap_limit_kb = -1;
  r->total_swap_kb = r->free_swap_kb = -1;
  r->page_size = 4096;
  r->tasks = g_array_new(FALSE, TRUE, sizeof(ExplainTask));
  g_array_set_clear_func(r->tasks, task_clear);
  r->kills = g_array_new(FALSE, TRUE, sizeof(ExplainKill));
  g_array_set_clear_func(r->kills, kill_clear);
  r->reaped = g_ptr_array_new_with_free_func(g_free);
  r->notes = g_ptr_array_new_with_free_func(g_free);
  r->reasons = g_ptr_array_new_with_free_func(g_free);
  r->whatif_notes = g_ptr_array_new_with_free_func(g_free);
  r->baseline_order = g_array_new(FALSE, FALSE, sizeof(int));
  r->recomputed_score = -1;
  return r;
}

void explain_report_free(ExplainReport *r)
{
  if (!r)
    return;
  g_free(r->version);
  g_free(r->arch);
  g_free(r->era_reason);
  g_free(r->invoker_comm);
  g_free(r->gfp_mask);
  g_free(r->gfp_flags);
  g_free(r->nodemask);
  g_free(r->oom_memcg);
  g_free(r->task_memcg);
  g_free(r->chosen_comm);
  g_free(r->panic_message);
  g_free(r->oom_group);
  g_free(r->totalpages_source);
  g_array_unref(r->tasks);
  g_array_unref(r->kills);
  g_ptr_array_unref(r->reaped);
  g_ptr_array_unref(r->notes);
  g_ptr_array_unref(r->reasons);
  g_ptr_array_unref(r->whatif_notes);
  g_array_unref(r->baseline_order);
  if (r->log_lines)
    g_array_unref(r->log_lines);
  g_free(r);
}

void explain_report_note(ExplainReport *r, const char *fmt, ...)
{
  if (r->notes->len >= EXPLAIN_MAX_NOTES)
    return;
  va_list ap;
  va_start(ap, fmt);
  char *s = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  for (guint i = 0; i < r->notes->len; i++)
    if (strcmp(r->notes->pdata[i], s) == 0) {
      g_free(s);
      return;
    }
  g_ptr_array_add(r->notes, s);
}

/* The architecture, when the release string says it (x86_64, aarch64...). */
static void guess_arch(ExplainReport *r)
{
  static const char *const arches[][2] = {
    { "x86_64", "x86_64" }, { "amd64", "x86_64" }, { "aarch64", "arm64" }, { "arm64", "arm64" },
    { "i686", "i386" }, { "ppc64le", "ppc64le" }, { "s390x", "s390x" }, { "armv7", "arm" },
  };
  for (guint i = 0; r->version && i < G_N_ELEMENTS(arches); i++)
    if (strstr(r->version, arches[i][0])) {
      r->arch = g_strdup(arches[i][1]);
      return;
    }
}

/* Page size: Mem-Info prints "N pages RAM" and each zone's present:NkB; their ratio is PAGE_SIZE. */
static void decide_page_size(ExplainReport *r)
{
  if (r->pages_ram > 0 && r->present_kb > 0) {
    gint64 kb = r->present_kb / r->pages_ram;
    if (kb == 4 || kb == 8 || kb == 16 || kb == 64) {
      r->page_size = (guint)(kb * 1024);
      r->page_size_known = TRUE;
      return;
    }
  }
  gboolean needs = r->table_format == EXPLAIN_TABLE_PGTABLES_BYTES || r->table_format == EXPLAIN_TABLE_RSS_SPLIT ||
                   r->constraint == EXPLAIN_CONSTRAINT_MEMCG;
  if (needs)
    explain_report_note(r, "the page size is not in the log (Mem-Info's zones tell it): 4 KiB assumed");
}

static void finish_reports(GPtrArray *reports)
{
  for (guint i = 0; i < reports->len; i++) {
    ExplainReport *r = reports->pdata[i];
    guess_arch(r);
    decide_page_size(r);
    explain_report_decide_era(r);
    if (!r->has_invoker)
      explain_report_note(r, "the \"invoked oom-killer\" line is not in the log: the gfp mask and order are unknown");
    if (r->constraint == EXPLAIN_CONSTRAINT_UNKNOWN) {
      if (r->era && r->era->from < 5000000 && r->kills->len) {
        r->constraint = EXPLAIN_CONSTRAINT_NONE;
        explain_report_note(r, "before 5.0 the constraint is not printed: a kill without memcg lines is taken as "
                            "CONSTRAINT_NONE (a cpuset or mempolicy OOM looks the same)");
      } else if (r->pages_ram > 0) {
        r->constraint = EXPLAIN_CONSTRAINT_NONE;
      } else if (r->trace_hint == EXPLAIN_CONSTRAINT_MEMCG) {
        r->constraint = EXPLAIN_CONSTRAINT_MEMCG;
        explain_report_note(r, "the constraint comes from the call trace (mem_cgroup_out_of_memory): a memcg OOM");
      } else if (r->trace_hint == EXPLAIN_CONSTRAINT_NONE) {
        r->constraint = EXPLAIN_CONSTRAINT_NONE;
        explain_report_note(r, "the constraint comes from the call trace (the page allocator's slow path): a global "
                            "OOM, CONSTRAINT_NONE unless a cpuset or mempolicy limited it, which the log does not say");
      } else {
        explain_report_note(r, "the constraint cannot be told: the log has no memcg lines, no oom-kill: summary, no kill "
                            "line, no Mem-Info and no call trace for this report");
      }
    }
  }
}

/* Keeping each report's own lines while the log streams through (explain_read_log_lines()): the lines since the
 * open report's first line wait in `tail`; when a report is finished (the next one began, or the log ended) the
 * lines of its range go to it, and lines no report can take any more are dropped at once, so 100 MB of unrelated
 * log costs no memory. The tail is bounded (EXPLAIN_MAX_REPORT_LINES): past it, lines after the open report's
 * last line so far are dropped first, then new lines. */
typedef struct {
  ExplainParser *parser;
  GArray *tail;      /* ExplainLogLine */
  guint done;        /* reports that have their lines */
  guint total;       /* lines handed to reports */
} LineKeeper;

static void log_line_clear(gpointer p)
{
  g_free(((ExplainLogLine *)p)->text);
}

static void keeper_hand_over(LineKeeper *k, ExplainReport *r)
{
  r->log_lines = g_array_new(FALSE, FALSE, sizeof(ExplainLogLine));
  g_array_set_clear_func(r->log_lines, log_line_clear);
  for (guint i = 0; i < k->tail->len; i++) {
    ExplainLogLine *l = &g_array_index(k->tail, ExplainLogLine, i);
    if (l->line < r->first_line || l->line > r->last_line)
      continue;
    if (k->total >= EXPLAIN_MAX_TOTAL_LINES) {
      r->log_lines_dropped++;
      continue;
    }
    g_array_append_val(r->log_lines, *l);
    l->text = NULL; /* now the report's */
    k->total++;
  }
}

static void keeper_flush(LineKeeper *k, gboolean at_end)
{
  GPtrArray *reports = explain_parser_peek_reports(k->parser);
  guint finished = at_end ? reports->len : reports->len ? reports->len - 1 : 0;
  for (; k->done < finished; k->done++)
    keeper_hand_over(k, reports->pdata[k->done]);
  guint keep_from = G_MAXUINT;
  if (k->done < reports->len)
    keep_from = ((ExplainReport *)reports->pdata[k->done])->first_line;
  guint drop = 0;
  while (drop < k->tail->len && g_array_index(k->tail, ExplainLogLine, drop).line < keep_from)
    drop++;
  if (drop)
    g_array_remove_range(k->tail, 0, drop);
}

static void keeper_line(const char *message, guint line, gpointer data)
{
  LineKeeper *k = data;
  explain_parser_line(message, line, k->parser);
  GPtrArray *reports = explain_parser_peek_reports(k->parser);
  if (k->tail->len >= EXPLAIN_MAX_REPORT_LINES && k->done < reports->len) {
    ExplainReport *open = reports->pdata[reports->len - 1];
    guint keep = k->tail->len;
    while (keep > 0 && g_array_index(k->tail, ExplainLogLine, keep - 1).line > open->last_line)
      keep--;
    if (keep < k->tail->len)
      g_array_set_size(k->tail, keep);
    if (k->tail->len >= EXPLAIN_MAX_REPORT_LINES && line <= open->last_line)
      open->log_lines_dropped++;
  }
  if (k->tail->len < EXPLAIN_MAX_REPORT_LINES) {
    ExplainLogLine l = { line, g_strdup(message) };
    g_array_append_val(k->tail, l);
  }
  keeper_flush(k, FALSE);
}

static GPtrArray *read_log(const char *path, gboolean keep_lines, guint *out_lines, GError **error);

GPtrArray *explain_read_log(const char *path, guint *out_lines, GError **error)
{
  return read_log(path, FALSE, out_lines, error);
}

GPtrArray *explain_read_log_lines(const char *path, guint *out_lines, GError **error)
{
  return read_log(path, TRUE, out_lines, error);
}

static GPtrArray *read_log(const char *path, gboolean keep_lines, guint *out_lines, GError **error)
{
  gboolean is_stdin = g_strcmp0(path, "-") == 0;
  const char *name = is_stdin ? "<stdin>" : path;
  FILE *f = is_stdin ? stdin : fopen(path, "rb");
  if (!f) {
    int e = errno;
    g_set_error(error, EXPLAIN_ERROR, EXPLAIN_ERROR_IO, "%s:1:1: cannot open: %s", name, g_strerror(e));
    return NULL;
  }
  g_autoptr(ExplainInput) in = explain_input_new(name);
  g_autoptr(ExplainParser) parser = explain_parser_new();
  g_autofree char *buf = g_malloc(65536);
  g_autoptr(GArray) tail = g_array_new(FALSE, FALSE, sizeof(ExplainLogLine));
  g_array_set_clear_func(tail, log_line_clear);
  LineKeeper keeper = { parser, tail, 0, 0 };
  ExplainLineFunc func = keep_lines ? keeper_line : explain_parser_line;
  gpointer data = keep_lines ? (gpointer)&keeper : (gpointer)parser;
  size_t n;
  while ((n = fread(buf, 1, 65536, f)) > 0)
    explain_input_feed(in, buf, n, func, data);
  gboolean read_error = ferror(f) != 0;
  int e = errno;
  if (!is_stdin)
    fclose(f);
  if (read_error) {
    g_set_error(error, EXPLAIN_ERROR, EXPLAIN_ERROR_IO, "%s:%u:1: read error: %s", name,
                explain_input_lines(in) + 1, g_strerror(e));
    return NULL;
  }
  explain_input_finish(in, func, data);
  if (keep_lines)
    keeper_flush(&keeper, TRUE);
  guint dropped = 0;
  GPtrArray *reports = explain_parser_steal_reports(parser, &dropped);
  if (out_lines)
    *out_lines = explain_input_lines(in);
  if (reports->len == 0) {
    guint col = 0, nul = explain_input_nul_line(in, &col);
    if (nul && explain_input_text_lines(in) * 2 < explain_input_lines(in))
      g_set_error(error, EXPLAIN_ERROR, EXPLAIN_ERROR_BINARY, "%s:%u:%u: binary data (a NUL byte), not a kernel log; "
                  "no OOM killer report found", name, nul, col);
    else
      g_set_error(error, EXPLAIN_ERROR, EXPLAIN_ERROR_NO_REPORT, "%s:%u:1: no OOM killer report found in %u line%s "
                  "(looked for \"invoked oom-killer\", a task table, \"Killed process\" and the panic lines)", name,
                  MAX(explain_input_lines(in), 1), explain_input_lines(in), explain_input_lines(in) == 1 ? "" : "s");
    g_ptr_array_unref(reports);
    return NULL;
  }
  finish_reports(reports);
  if (dropped) {
    ExplainReport *last = reports->pdata[reports->len - 1];
    explain_report_note(last, "the log has %u more reports than the %u explain keeps: they are not explained", dropped,
                        EXPLAIN_MAX_REPORTS);
  }
  if (explain_input_long_lines(in)) {
    ExplainReport *first = reports->pdata[0];
    explain_report_note(first, "%u line%s of the log %s longer than %u bytes: only the first %u bytes were read",
                        explain_input_long_lines(in), explain_input_long_lines(in) == 1 ? "" : "s",
                        explain_input_long_lines(in) == 1 ? "is" : "are", EXPLAIN_MAX_LINE, EXPLAIN_MAX_LINE);
  }
  return reports;
}
