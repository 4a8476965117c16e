/* explain/explain-parse.c: the records of an OOM report, recognised message by message and grouped into reports.
 *
 * What the kernel prints for one OOM (mm/oom_kill.c dump_header(), dump_tasks(), dump_oom_summary(),
 * __oom_kill_process(); mm/memcontrol.c mem_cgroup_print_oom_context()/_meminfo(); mm/show_mem.c), in the forms
 * of 2.6.32 to 6.18 (docs/explain.md lists every form): the "invoked oom-killer" line with the gfp mask and order,
 * the CPU/PID line carrying the release string, the memcg usage and limit lines or Mem-Info with "pages RAM",
 * "pages reserved" and "Total swap", the task table (its header names the columns, so every historic layout is
 * read by its column names), the "oom-kill:constraint=..." summary (5.0+), the "Kill process N (comm) score S or
 * sacrifice child" line (before 5.1), the "Killed process" lines, oom.group and panic lines, and oom_reaper lines.
 *
 * A report begins at its "invoked oom-killer" line. A log cut at the front (it starts inside a report) still
 * gives a report, beginning at its first recognised record, and the report says what is missing. Anything else
 * in the log (other kernel messages, call traces, registers, unrelated programs) is passed over.
 */
#include "explain.h"

#include <stdlib.h>
#include <string.h>

typedef enum {
  RX_INVOKED,
  RX_CPU_LINE,
  RX_PID_LINE,
  RX_LINUX_VERSION,
  RX_CPUSET,
  RX_SUMMARY,
  RX_TASK_IN,
  RX_MEM_USAGE,
  RX_PAGES_RAM,
  RX_PAGES_RESERVED,
  RX_TOTAL_SWAP,
  RX_FREE_SWAP,
  RX_ZONE,
  RX_TABLE_HEADER,
  RX_ROW,
  RX_KILL_SCORE,
  RX_KILL_SHARING,
  RX_KILLED,
  RX_PANIC,
  RX_NO_KILLABLE,
  RX_OOM_GROUP,
  RX_REAPED,
  RX_MEMINFO,
  RX_N,
} RxId;

/* A value a report holds once (the chosen comm, the memcgs, the invoker's fields, ...): set again by a later line of
 * the same report, the last one counts and the one it replaces is freed (found by fuzz-explain: a summary's task=
 * with pid=0, then a Killed line, leaked the summary's comm). */
static void set_str(char **field, char *value)
{
  g_free(*field);
  *field = value;
}

static const char *const rx_patterns[RX_N] = {
  /* one pattern over two lines: parenthesised so that clang does not take the concatenation for a missing comma */
  [RX_INVOKED] = ("^(.*?) invoked oom-killer: gfp_mask=(0x[0-9a-fA-F]+)(?:\\(([^)]*)\\))?,(?: nodemask=([^,]*),)?\\s*"
                  "order=(-?\\d+),(?: oom_adj=(-?\\d+),)? oom_score_adj=(-?\\d+)"),
  [RX_CPU_LINE] = "^CPU: \\d+ (?:UID: \\d+ )?PID: (\\d+) Comm: (.*?) (?:Not tainted|Tainted:|Kdump:)",
  [RX_PID_LINE] = "^Pid: (\\d+), comm: (.*?) (?:Not tainted|Tainted:)",
  [RX_LINUX_VERSION] = "^Linux version (\\S+)",
  [RX_CPUSET] = "^(.*?) cpuset=(\\S*) mems_allowed=(\\S*)",
  [RX_SUMMARY] = "^oom-kill:constraint=(CONSTRAINT_\\w+),(.*)$",
  [RX_TASK_IN] = "^Task in (\\S+) killed as a result of limit of (\\S+)",
  [RX_MEM_USAGE] = "^(memory|memory\\+swap|swap|kmem): usage (\\d+)kB, limit (\\d+)kB, failcnt (\\d+)",
  [RX_PAGES_RAM] = "^(\\d+) pages RAM",
  [RX_PAGES_RESERVED] = "^(\\d+) pages reserved",
  [RX_TOTAL_SWAP] = "^Total swap = (\\d+)kB",
  [RX_FREE_SWAP] = "^Free swap\\s+= (\\d+)kB",
  [RX_ZONE] = "^(?:Node \\d+ )?\\w+ free:\\d+kB .*?present:(\\d+)kB",
  [RX_TABLE_HEADER] = "^\\[\\s*pid\\s*\\]\\s+(uid\\s+tgid\\s+total_vm\\s+rss\\b.*)$",
  [RX_ROW] = "^\\[\\s*(\\d+)\\]\\s+(.*)$",
  [RX_KILL_SCORE] = "^(.*?): [Kk]ill process (\\d+) \\((.*)\\) score (-?\\d+) or (sacrifice child|a child)",
  [RX_KILL_SHARING] = "^[Kk]ill process (\\d+) \\((.*)\\) sharing same memory",
  [RX_KILLED] = "^(?:(.*?): )?Killed process (\\d+)(?:, UID (\\d+),)? \\((.*?)\\)(?=[ ,]|$)(.*)$",
  [RX_PANIC] = "Kernel panic - not syncing: (.*?)\\s*$",
  [RX_NO_KILLABLE] = "^Out of memory and no killable processes",
  [RX_OOM_GROUP] = "^Tasks in (\\S+) are going to be killed due to memory\\.oom\\.group set",
  [RX_REAPED] = "^oom_reaper: reaped process (\\d+) \\((.*?)\\)",
  [RX_MEMINFO] = "^Mem-Info:\\s*$",
};

/* Task-table columns, by the names dump_tasks() prints in its header. */
typedef enum {
  COL_UID, COL_TGID, COL_TOTAL_VM, COL_RSS, COL_RSS_ANON, COL_RSS_FILE, COL_RSS_SHMEM, COL_NR_PTES, COL_NR_PMDS,
  COL_PGTABLES_BYTES, COL_SWAPENTS, COL_OOM_SCORE_ADJ, COL_OOM_ADJ, COL_CPU, COL_N,
} ColId;
static const char *const col_names[COL_N] = {
  [COL_UID] = "uid", [COL_TGID] = "tgid", [COL_TOTAL_VM] = "total_vm", [COL_RSS] = "rss",
  [COL_RSS_ANON] = "rss_anon", [COL_RSS_FILE] = "rss_file", [COL_RSS_SHMEM] = "rss_shmem",
  [COL_NR_PTES] = "nr_ptes", [COL_NR_PMDS] = "nr_pmds", [COL_PGTABLES_BYTES] = "pgtables_bytes",
  [COL_SWAPENTS] = "swapents", [COL_OOM_SCORE_ADJ] = "oom_score_adj", [COL_OOM_ADJ] = "oom_adj", [COL_CPU] = "cpu",
};
#define MAX_COLS 16

struct _ExplainParser {
  GRegex *rx[RX_N];
  GPtrArray *reports;       /* ExplainReport* */
  ExplainReport *cur;       /* the last of reports, while it is open */
  guint dropped;            /* reports beyond EXPLAIN_MAX_REPORTS */
  char *boot_version;       /* "Linux version X" seen earlier in the log */
  char *log_release;        /* the first release string anywhere in the log (a CPU line, "Linux version") */
  guint total_rows;         /* rows and Killed lines kept, over all reports (EXPLAIN_MAX_TOTAL_ROWS) */
  ColId cols[MAX_COLS];
  guint ncols;
  gboolean in_table;
};

ExplainParser *explain_parser_new(void)
{
  ExplainParser *p = g_new0(ExplainParser, 1);
  for (guint i = 0; i < RX_N; i++)
    p->rx[i] = g_regex_new(rx_patterns[i], G_REGEX_OPTIMIZE, 0, NULL);
  p->reports = g_ptr_array_new_with_free_func((GDestroyNotify)explain_report_free);
  return p;
}

void explain_parser_free(ExplainParser *p)
{
  if (!p)
    return;
  for (guint i = 0; i < RX_N; i++)
    if (p->rx[i])
      g_regex_unref(p->rx[i]);
  g_ptr_array_unref(p->reports);
  g_free(p->boot_version);
  g_free(p->log_release);
  g_free(p);
}

GPtrArray *explain_parser_peek_reports(ExplainParser *p)
{
  return p->reports;
}

GPtrArray *explain_parser_steal_reports(ExplainParser *p, guint *out_dropped)
{
  /* a report without its own release string takes the log's: the same machine printed it */
  for (guint i = 0; p->log_release && i < p->reports->len; i++) {
    ExplainReport *r = p->reports->pdata[i];
    if (!r->version) {
      r->version = g_strdup(p->log_release);
      explain_report_note(r, "the release %s comes from another line of the log, not from this report", p->log_release);
    }
  }
  GPtrArray *out = g_steal_pointer(&p->reports);
  p->reports = g_ptr_array_new_with_free_func((GDestroyNotify)explain_report_free);
  p->cur = NULL;
  if (out_dropped)
    *out_dropped = p->dropped;
  return out;
}

static gint64 to_i64(const char *s)
{
  return g_ascii_strtoll(s, NULL, 10);
}

/* A page or kB count as printed, clamped to 0..2^40 (4 PiB of 4 KiB pages, beyond any machine), and a memcg limit
 * in kB to 0..2^60 ("unlimited" prints as 2^53 kB): the sums and products of the recomputation (rss + swapents +
 * page tables over 65536 rows, adj * totalpages / 1000) cannot overflow then. */
#define COUNT_MAX (G_GINT64_CONSTANT(1) << 40)
#define LIMIT_KB_MAX (G_GINT64_CONSTANT(1) << 60)
static gint64 to_count(const char *s)
{
  return CLAMP(to_i64(s), 0, COUNT_MAX);
}

static gint64 to_limit_kb(const char *s)
{
  return CLAMP(to_i64(s), 0, LIMIT_KB_MAX);
}

/* An integer that fits int (a pid, uid or adj as printed); clamps absurd values rather than overflowing. */
static int to_int(const char *s)
{
  gint64 v = to_i64(s);
  return (int)CLAMP(v, G_MININT, G_MAXINT);
}

static ExplainReport *begin_report(ExplainParser *p, guint line)
{
  p->in_table = FALSE;
  p->ncols = 0;
  if (p->reports->len >= EXPLAIN_MAX_REPORTS) {
    p->dropped++;
    p->cur = NULL;
    return NULL;
  }
  ExplainReport *r = explain_report_new(line);
  if (p->boot_version)
    set_str(&r->version, g_strdup(p->boot_version));
  g_ptr_array_add(p->reports, r);
  p->cur = r;
  return r;
}

static gboolean report_has_outcome(const ExplainReport *r)
{
  return r->outcome != EXPLAIN_OUTCOME_NONE;
}

/* The report a record of the report's body belongs to: the open one, or a new one when the log starts inside a
 * report or a finished report is followed by another one whose "invoked" line is not in the log. */
static ExplainReport *body_report(ExplainParser *p, guint line, const char *what)
{
  if (p->cur && !report_has_outcome(p->cur))
    return p->cur;
  if (p->reports->len >= EXPLAIN_MAX_REPORTS) {
    p->dropped++;
    return NULL;
  }
  ExplainReport *r = begin_report(p, line);
  explain_report_note(r, "the log has no \"invoked oom-killer\" line for this report: it begins at line %u with %s",
                      line, what);
  return r;
}

static char *fetch(GMatchInfo *mi, int n)
{
  char *s = g_match_info_fetch(mi, n);
  if (s && !*s) {
    g_free(s);
    return NULL;
  }
  return s;
}

static void parse_invoked(ExplainParser *p, GMatchInfo *mi, guint line)
{
  ExplainReport *r = begin_report(p, line);
  if (!r)
    return;
  r->has_invoker = TRUE;
  set_str(&r->invoker_comm, fetch(mi, 1));
  set_str(&r->gfp_mask, fetch(mi, 2));
  set_str(&r->gfp_flags, fetch(mi, 3));
  set_str(&r->nodemask, fetch(mi, 4));
  g_autofree char *order = fetch(mi, 5), *adj = fetch(mi, 7);
  r->order = order ? to_int(order) : 0;
  r->invoker_adj = adj ? to_int(adj) : 0;
  r->invoked_has_score_adj = adj != NULL;
}

/* "5.4.0-77-generic #86-Ubuntu": the release is the token before " #N" (after the taint flags). */
static char *release_in(const char *msg)
{
  g_autoptr(GRegex) rx = g_regex_new("(?:^|\\s)(\\d+\\.\\d+[\\w.+~-]*)\\s+#\\d+", 0, 0, NULL);
  g_autoptr(GMatchInfo) mi = NULL;
  if (rx && g_regex_match(rx, msg, 0, &mi))
    return g_match_info_fetch(mi, 1);
  return NULL;
}

static void parse_cpu_line(ExplainParser *p, GMatchInfo *mi, const char *msg)
{
  ExplainReport *r = p->cur;
  if (!p->log_release)
    p->log_release = release_in(msg);
  if (!r || report_has_outcome(r) || r->has_invoker_pid)
    return;
  g_autofree char *pid = fetch(mi, 1);
  r->invoker_pid = pid ? to_int(pid) : 0;
  r->has_invoker_pid = TRUE;
  char *rel = release_in(msg);
  if (rel) {
    g_free(r->version);
    r->version = rel;
  }
}

/* "constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/spike,task_memcg=/spike,
 *  task=spike-B,pid=80,uid=0" (dump_oom_summary(), 5.0+) */
static void parse_summary(ExplainReport *r, const char *constraint, const char *rest)
{
  for (int c = EXPLAIN_CONSTRAINT_NONE; c < EXPLAIN_CONSTRAINT_N; c++)
    if (g_strcmp0(constraint, explain_constraint_names[c]) == 0)
      r->constraint = (ExplainConstraint)c;
  /* task= can hold commas in principle; the fields after it are pid= and uid= */
  const char *task = strstr(rest, ",task=");
  const char *pid = task ? strstr(task, ",pid=") : NULL;
  if (task && pid) {
    set_str(&r->chosen_comm, g_strndup(task + 6, (gsize)(pid - task - 6)));
    r->chosen_pid = to_int(pid + 5);
  }
  g_auto(GStrv) fields = g_strsplit(rest, ",", -1);
  for (guint i = 0; fields[i]; i++) {
    if (g_str_has_prefix(fields[i], "oom_memcg=")) {
      set_str(&r->oom_memcg, g_strdup(fields[i] + 10));
    } else if (g_str_has_prefix(fields[i], "task_memcg=")) {
      set_str(&r->task_memcg, g_strdup(fields[i] + 11));
    } else if (g_str_has_prefix(fields[i], "nodemask=") && !r->nodemask) {
      set_str(&r->nodemask, g_strdup(fields[i] + 9));
    }
  }
}

static void parse_mem_usage(ExplainReport *r, GMatchInfo *mi)
{
  g_autofree char *kind = fetch(mi, 1), *usage = fetch(mi, 2), *limit = fetch(mi, 3);
  if (!kind || !usage || !limit)
    return;
  if (r->constraint == EXPLAIN_CONSTRAINT_UNKNOWN)
    r->constraint = EXPLAIN_CONSTRAINT_MEMCG;
  if (strcmp(kind, "memory") == 0) {
    r->mem_usage_kb = to_limit_kb(usage);
    r->mem_limit_kb = to_limit_kb(limit);
  } else if (strcmp(kind, "memory+swap") == 0) {
    r->memsw_limit_kb = to_limit_kb(limit);
  } else if (strcmp(kind, "swap") == 0) {
    r->swap_limit_kb = to_limit_kb(limit);
  }
}

static void parse_table_header(ExplainParser *p, ExplainReport *r, const char *cols, guint line)
{
  g_auto(GStrv) names = g_strsplit_set(cols, " \t", -1);
  p->ncols = 0;
  gboolean has[COL_N] = { FALSE };
  for (guint i = 0; names[i]; i++) {
    if (!*names[i] || strcmp(names[i], "name") == 0)
      continue;
    for (int c = 0; c < COL_N; c++) {
      if (strcmp(names[i], col_names[c]) == 0 && p->ncols < MAX_COLS) {
        p->cols[p->ncols++] = (ColId)c;
        has[c] = TRUE;
      }
    }
  }
  if (has[COL_RSS_ANON])
    r->table_format = EXPLAIN_TABLE_RSS_SPLIT;
  else if (has[COL_PGTABLES_BYTES])
    r->table_format = EXPLAIN_TABLE_PGTABLES_BYTES;
  else if (has[COL_NR_PMDS])
    r->table_format = EXPLAIN_TABLE_NR_PTES_PMDS;
  else if (has[COL_NR_PTES])
    r->table_format = EXPLAIN_TABLE_NR_PTES;
  else if (has[COL_CPU] && has[COL_OOM_SCORE_ADJ])
    r->table_format = EXPLAIN_TABLE_CPU_SCOREADJ;
  else if (has[COL_CPU])
    r->table_format = EXPLAIN_TABLE_CPU_OOMADJ;
  r->table_header_seen = TRUE;
  r->table_line = line;
  p->in_table = TRUE;
}

/* Columns of a table whose header is not in the log, guessed from the number of figures of its first row and
 * their values (pgtables_bytes are whole pages of bytes; oom_adj lies in -17..15). */
static gboolean guess_columns(ExplainParser *p, ExplainReport *r, char **tok, guint ntok)
{
  guint nums = 0;
  while (nums < ntok) {
    char *end = NULL;
    g_ascii_strtoll(tok[nums], &end, 10);
    if (!end || *end || end == tok[nums])
      break;
    nums++;
  }
  static const ColId fmt_cpu_adj[] = { COL_UID, COL_TGID, COL_TOTAL_VM, COL_RSS, COL_CPU, COL_OOM_ADJ };
  static const ColId fmt_cpu_score[] = { COL_UID, COL_TGID, COL_TOTAL_VM, COL_RSS, COL_CPU, COL_OOM_ADJ, COL_OOM_SCORE_ADJ };
  static const ColId fmt_ptes[] = { COL_UID, COL_TGID, COL_TOTAL_VM, COL_RSS, COL_NR_PTES, COL_SWAPENTS, COL_OOM_SCORE_ADJ };
  static const ColId fmt_bytes[] = { COL_UID, COL_TGID, COL_TOTAL_VM, COL_RSS, COL_PGTABLES_BYTES, COL_SWAPENTS, COL_OOM_SCORE_ADJ };
  static const ColId fmt_pmds[] = { COL_UID, COL_TGID, COL_TOTAL_VM, COL_RSS, COL_NR_PTES, COL_NR_PMDS, COL_SWAPENTS, COL_OOM_SCORE_ADJ };
  static const ColId fmt_split[] = { COL_UID, COL_TGID, COL_TOTAL_VM, COL_RSS, COL_RSS_ANON, COL_RSS_FILE, COL_RSS_SHMEM,
                                     COL_PGTABLES_BYTES, COL_SWAPENTS, COL_OOM_SCORE_ADJ };
  const ColId *cols = NULL;
  guint n = 0;
  ExplainTableFormat fmt = EXPLAIN_TABLE_NONE;
  if (nums == 6 && ntok > 6) {
    cols = fmt_cpu_adj, n = 6, fmt = EXPLAIN_TABLE_CPU_OOMADJ;
  } else if (nums == 7 && ntok > 7) {
    gint64 fifth = to_i64(tok[4]), sixth = to_i64(tok[5]);
    if (fifth > 0 && fifth % 4096 == 0)
      cols = fmt_bytes, n = 7, fmt = EXPLAIN_TABLE_PGTABLES_BYTES;
    else if (sixth >= -17 && sixth <= 15 && to_i64(tok[4]) < 64)
      cols = fmt_cpu_score, n = 7, fmt = EXPLAIN_TABLE_CPU_SCOREADJ;
    else
      cols = fmt_ptes, n = 7, fmt = EXPLAIN_TABLE_NR_PTES;
  } else if (nums == 8 && ntok > 8) {
    cols = fmt_pmds, n = 8, fmt = EXPLAIN_TABLE_NR_PTES_PMDS;
  } else if (nums == 10 && ntok > 10) {
    cols = fmt_split, n = 10, fmt = EXPLAIN_TABLE_RSS_SPLIT;
  }
  if (!cols)
    return FALSE;
  memcpy(p->cols, cols, n * sizeof(ColId));
  p->ncols = n;
  r->table_format = fmt;
  explain_report_note(r, "the task table's header is not in the log: its columns are guessed as %s from the first "
                      "row; rows before it may be missing", explain_table_format_names[fmt]);
  return TRUE;
}

static void set_column(ExplainTask *t, ColId c, gint64 v)
{
  gint64 count = CLAMP(v, 0, COUNT_MAX);
  switch (c) {
  case COL_UID: t->uid = (int)CLAMP(v, G_MININT, G_MAXINT); break;
  case COL_TGID: t->tgid = (int)CLAMP(v, G_MININT, G_MAXINT); break;
  case COL_TOTAL_VM: t->total_vm = count; break;
  case COL_RSS: t->rss = count; break;
  case COL_RSS_ANON: t->rss_anon = count; break;
  case COL_RSS_FILE: t->rss_file = count; break;
  case COL_RSS_SHMEM: t->rss_shmem = count; break;
  case COL_NR_PTES: t->nr_ptes = count; t->has_pgtables = TRUE; break;
  case COL_NR_PMDS: t->nr_pmds = count; break;
  case COL_PGTABLES_BYTES: t->pgtables_bytes = count; t->has_pgtables = TRUE; break;
  case COL_SWAPENTS: t->swapents = count; t->has_swapents = TRUE; break;
  case COL_OOM_SCORE_ADJ: t->oom_score_adj = (int)CLAMP(v, -1000, 1000); t->has_score_adj = TRUE; break;
  case COL_OOM_ADJ: t->oom_adj = (int)CLAMP(v, -17, 15); break;
  case COL_CPU: t->cpu = (int)CLAMP(v, 0, G_MAXINT); break;
  case COL_N: break;
  }
}

static void parse_row(ExplainParser *p, ExplainReport *r, const char *pid, const char *rest, guint line)
{
  g_auto(GStrv) tok = g_strsplit_set(rest, " \t", -1);
  /* drop empty tokens (runs of blanks) but remember where the name starts in rest */
  g_autoptr(GPtrArray) toks = g_ptr_array_new();
  for (guint i = 0; tok[i]; i++)
    if (*tok[i])
      g_ptr_array_add(toks, tok[i]);
  if (p->ncols == 0 && !guess_columns(p, r, (char **)toks->pdata, toks->len)) {
    explain_report_note(r, "line %u: a task-table row whose columns cannot be told without the header: ignored", line);
    r->table_cut = TRUE;
    return;
  }
  if (r->tasks->len >= EXPLAIN_MAX_TASKS || p->total_rows >= EXPLAIN_MAX_TOTAL_ROWS) {
    if (!r->table_cut)
      explain_report_note(r, "the task table has more rows than explain keeps (%u per table, %u in the whole log): "
                          "the rest is not read", EXPLAIN_MAX_TASKS, EXPLAIN_MAX_TOTAL_ROWS);
    r->table_cut = TRUE;
    return;
  }
  p->total_rows++;
  ExplainTask t = { .pid = to_int(pid), .line = line, .skip = KM_SKIP_NONE };
  gboolean ok = toks->len > p->ncols;
  for (guint c = 0; ok && c < p->ncols; c++) {
    char *end = NULL;
    gint64 v = g_ascii_strtoll(toks->pdata[c], &end, 10);
    if (!end || *end || end == (char *)toks->pdata[c])
      ok = FALSE;
    else
      set_column(&t, p->cols[c], v);
  }
  if (!ok) {
    explain_report_note(r, "line %u: task-table row of pid %d is incomplete (%u of %u columns and the name): the table "
                        "is cut there", line, t.pid, MIN(toks->len, p->ncols), p->ncols);
    r->table_cut = TRUE;
    p->in_table = FALSE;
    return;
  }
  /* the name is the rest of the line after the figures: comm may hold blanks ("CPU 2/KVM") */
  const char *s = rest;
  for (guint c = 0; c < p->ncols; c++) {
    while (*s == ' ' || *s == '\t')
      s++;
    s += strlen(toks->pdata[c]);
  }
  while (*s == ' ' || *s == '\t')
    s++;
  t.name = g_strchomp(g_strdup(s));
  t.printed_adj = t.oom_score_adj;
  if (!t.has_score_adj && r->table_format == EXPLAIN_TABLE_CPU_OOMADJ)
    t.oom_score_adj = 0; /* 2.6.32 prints oom_adj only: badness() is not recomputed for that era anyway */
  g_array_append_val(r->tasks, t);
}

static void parse_killed(ExplainParser *p, ExplainReport *r, GMatchInfo *mi, guint line)
{
  g_autofree char *prefix = fetch(mi, 1), *pid = fetch(mi, 2), *uid = fetch(mi, 3), *rest = fetch(mi, 5);
  ExplainKill k = { .pid = pid ? to_int(pid) : 0, .comm = fetch(mi, 4), .line = line, .oom_score_adj = 0 };
  if (uid) {
    k.uid = to_int(uid);
    k.has_uid = TRUE;
    r->killed_uid_form = 6;
  }
  if (rest && g_str_has_prefix(rest, ", UID "))
    r->killed_uid_form = 7;
  if (rest) {
    static const struct { const char *key; gsize off; } fields[] = {
      { "total-vm:", G_STRUCT_OFFSET(ExplainKill, total_vm_kb) },
      { "anon-rss:", G_STRUCT_OFFSET(ExplainKill, anon_rss_kb) },
      { "file-rss:", G_STRUCT_OFFSET(ExplainKill, file_rss_kb) },
      { "shmem-rss:", G_STRUCT_OFFSET(ExplainKill, shmem_rss_kb) },
      { "pgtables:", G_STRUCT_OFFSET(ExplainKill, pgtables_kb) },
    };
    for (guint i = 0; i < G_N_ELEMENTS(fields); i++) {
      const char *at = strstr(rest, fields[i].key);
      if (at)
        G_STRUCT_MEMBER(gint64, &k, fields[i].off) = to_count(at + strlen(fields[i].key));
    }
    const char *u = strstr(rest, "UID:");
    if (u) {
      k.uid = to_int(u + 4);
      k.has_uid = TRUE;
    }
    const char *a = strstr(rest, "oom_score_adj:");
    if (a) {
      k.oom_score_adj = to_int(a + 14);
      k.has_adj = TRUE;
    }
  }
  if (r->kills->len == 0) {
    if (prefix && g_str_has_prefix(prefix, "Memory cgroup out of memory"))
      r->constraint = EXPLAIN_CONSTRAINT_MEMCG;
    else if (prefix && g_str_has_prefix(prefix, "Out of memory") && r->constraint == EXPLAIN_CONSTRAINT_UNKNOWN)
      r->trace_hint = EXPLAIN_CONSTRAINT_NONE; /* oom_kill_process(oc, "Out of memory"): not a memcg OOM */
    if (prefix && strstr(prefix, "oom_kill_allocating_task"))
      r->outcome = EXPLAIN_OUTCOME_ALLOCATING;
    else if (r->outcome != EXPLAIN_OUTCOME_ALLOCATING)
      r->outcome = EXPLAIN_OUTCOME_KILLED;
    if (!r->chosen_pid) {
      r->chosen_pid = k.pid;
      set_str(&r->chosen_comm, g_strdup(k.comm));
    }
  }
  if (r->kills->len < EXPLAIN_MAX_TASKS && p->total_rows < EXPLAIN_MAX_TOTAL_ROWS) {
    g_array_append_val(r->kills, k);
    p->total_rows++;
  } else {
    g_free(k.comm);
    explain_report_note(r, "more Killed lines than explain keeps: the rest are not listed");
  }
}

static void parse_kill_score(ExplainReport *r, GMatchInfo *mi)
{
  g_autofree char *prefix = fetch(mi, 1), *pid = fetch(mi, 2), *score = fetch(mi, 4), *how = fetch(mi, 5);
  r->chosen_pid = pid ? to_int(pid) : 0;
  set_str(&r->chosen_comm, fetch(mi, 3));
  r->printed_score = score ? (glong)to_i64(score) : 0;
  r->has_printed_score = TRUE;
  r->sacrifice_child = TRUE;
  if (prefix && g_str_has_prefix(prefix, "Memory cgroup out of memory"))
    r->constraint = EXPLAIN_CONSTRAINT_MEMCG;
  else if (prefix && g_str_has_prefix(prefix, "Out of memory") && r->constraint == EXPLAIN_CONSTRAINT_UNKNOWN)
    r->trace_hint = EXPLAIN_CONSTRAINT_NONE;
  if (prefix && strstr(prefix, "oom_kill_allocating_task"))
    r->outcome = EXPLAIN_OUTCOME_ALLOCATING;
  if (how && strcmp(how, "a child") == 0 && !r->era_reason)
    set_str(&r->era_reason, g_strdup("\"kill process ... or a child\" (2.6.32-2.6.35)"));
}

static void parse_panic(ExplainParser *p, ExplainReport *r, const char *what, guint line)
{
  (void)p;
  (void)line;
  if (!strstr(what, "Out of memory") && !strstr(what, "deadlocked on memory"))
    return;
  /* "System is deadlocked on memory" and the "no killable processes" panic are global OOMs only (out_of_memory():
   * `if (!is_sysrq_oom(oc) && !is_memcg_oom(oc)) panic(...)`); so is system-wide panic_on_oom (CONSTRAINT_NONE) */
  if ((strstr(what, "deadlocked") || strstr(what, "no killable") || strstr(what, "system-wide")) &&
      r->constraint == EXPLAIN_CONSTRAINT_UNKNOWN)
    r->constraint = EXPLAIN_CONSTRAINT_NONE;
  set_str(&r->panic_message, g_strdup(what));
  if (r->outcome != EXPLAIN_OUTCOME_NO_KILLABLE && !strstr(what, "no killable") && !strstr(what, "deadlocked"))
    r->outcome = EXPLAIN_OUTCOME_PANIC;
  else
    r->outcome = EXPLAIN_OUTCOME_NO_KILLABLE;
}

/* Matches one record; a match info left by an earlier try is freed first. */
static gboolean match(ExplainParser *p, RxId id, const char *msg, GMatchInfo **mi)
{
  if (*mi) {
    g_match_info_free(*mi);
    *mi = NULL;
  }
  return g_regex_match(p->rx[id], msg, 0, mi);
}

/* Records that end the task table when they follow it. */
static void leave_table(ExplainParser *p)
{
  if (p->in_table && p->cur)
    p->cur->table_ended = TRUE;
  p->in_table = FALSE;
}

void explain_parser_line(const char *message, guint line, gpointer parser)
{
  ExplainParser *p = parser;
  const char *msg = message;
  while (*msg == ' ' || *msg == '\t')
    msg++;
  if (!*msg)
    return;
  /* a cheap filter first: 100 MB of unrelated log must not run twenty regexes per line */
  gboolean maybe = msg[0] == '[' || strstr(msg, "alloc_pages") || strstr(msg, "SysRq") || strstr(msg, "oom") || strstr(msg, "emory") || strstr(msg, "ill") ||
                   strstr(msg, "pages ") || strstr(msg, "swap") || strstr(msg, "Linux version") ||
                   strstr(msg, "PID: ") || strstr(msg, "Pid: ") || strstr(msg, "free:") || strstr(msg, "panic") ||
                   strstr(msg, "Task in ") || strstr(msg, "kmem:") || strstr(msg, "Mem-Info");
  if (!maybe)
    return;
  /* the call trace says which path invoked the OOM killer, when nothing else in a cut report does */
  if (p->cur && !report_has_outcome(p->cur) && p->cur->trace_hint == EXPLAIN_CONSTRAINT_UNKNOWN) {
    if (strstr(msg, "SysRq : Manual OOM execution"))
      p->cur->trace_hint = EXPLAIN_CONSTRAINT_NONE;
    else if (strstr(msg, "mem_cgroup_out_of_memory") || strstr(msg, "mem_cgroup_oom_synchronize"))
      p->cur->trace_hint = EXPLAIN_CONSTRAINT_MEMCG;
    else if (strstr(msg, "__alloc_pages") && (strstr(msg, "slowpath") || strstr(msg, "nodemask") || strstr(msg, "__alloc_pages+")))
      p->cur->trace_hint = EXPLAIN_CONSTRAINT_NONE;
  }
  g_autoptr(GMatchInfo) mi = NULL;
  if (p->in_table && match(p, RX_ROW, msg, &mi)) {
    g_autofree char *pid = fetch(mi, 1), *rest = fetch(mi, 2);
    if (p->cur && pid && rest)
      parse_row(p, p->cur, pid, rest, line);
    if (p->cur)
      p->cur->last_line = line;
    return;
  }
  if (match(p, RX_INVOKED, msg, &mi)) {
    parse_invoked(p, mi, line);
    return;
  }
  if (match(p, RX_LINUX_VERSION, msg, &mi)) {
    g_free(p->boot_version);
    p->boot_version = fetch(mi, 1);
    if (!p->log_release)
      p->log_release = g_strdup(p->boot_version);
    return;
  }
  if (match(p, RX_CPU_LINE, msg, &mi) || match(p, RX_PID_LINE, msg, &mi)) {
    parse_cpu_line(p, mi, msg);
    return;
  }
  if (match(p, RX_REAPED, msg, &mi)) {
    g_autofree char *pid = fetch(mi, 1), *comm = fetch(mi, 2);
    for (guint i = p->reports->len; i-- > 0;) {
      ExplainReport *r = p->reports->pdata[i];
      for (guint k = 0; k < r->kills->len; k++)
        if (g_array_index(r->kills, ExplainKill, k).pid == to_int(pid)) {
          g_ptr_array_add(r->reaped, g_strdup_printf("%s (%s)", pid, comm ? comm : ""));
          return;
        }
    }
    return;
  }
  if (match(p, RX_TABLE_HEADER, msg, &mi)) {
    ExplainReport *r = body_report(p, line, "the task table");
    g_autofree char *cols = fetch(mi, 1);
    if (r && cols) {
      parse_table_header(p, r, cols, line);
      r->table_wide_pid = strstr(msg, "[  pid  ]") != NULL;
    }
    if (r)
      r->last_line = line;
    return;
  }
  if (match(p, RX_ROW, msg, &mi)) {
    /* a row without a header before it in this report: the log starts inside the table */
    ExplainReport *r = p->cur && !report_has_outcome(p->cur) ? p->cur : NULL;
    if (!r || (!r->table_header_seen && r->tasks->len == 0)) {
      g_autofree char *pid = fetch(mi, 1), *rest = fetch(mi, 2);
      r = body_report(p, line, "a task-table row (its header is not in the log)");
      if (r && pid && rest && !r->table_header_seen && r->tasks->len == 0) {
        p->ncols = 0;
        p->in_table = TRUE;
        r->table_line = line;
        parse_row(p, r, pid, rest, line);
      }
    }
    return;
  }
  leave_table(p);
  ExplainReport *r = NULL;
  if (match(p, RX_SUMMARY, msg, &mi)) {
    g_autofree char *c = fetch(mi, 1), *rest = fetch(mi, 2);
    if ((r = body_report(p, line, "the oom-kill: summary")))
      parse_summary(r, c, rest ? rest : "");
  } else if (match(p, RX_KILL_SCORE, msg, &mi)) {
    if ((r = body_report(p, line, "the \"Kill process\" line")))
      parse_kill_score(r, mi);
  } else if (match(p, RX_KILLED, msg, &mi)) {
    /* a Killed line belongs to the open report, or to the finished one just before (a sacrifice, an oom.group
     * member, a process sharing the mm) */
    r = p->cur;
    if (!r)
      r = body_report(p, line, "the \"Killed process\" line");
    if (r)
      parse_killed(p, r, mi, line);
  } else if (match(p, RX_KILL_SHARING, msg, &mi)) {
    r = p->cur;
  } else if (match(p, RX_NO_KILLABLE, msg, &mi)) {
    if ((r = body_report(p, line, "\"Out of memory and no killable processes\"")))
      r->outcome = EXPLAIN_OUTCOME_NO_KILLABLE;
  } else if (match(p, RX_PANIC, msg, &mi)) {
    g_autofree char *what = fetch(mi, 1);
    r = p->cur;
    if (what && (strstr(what, "Out of memory") || strstr(what, "deadlocked on memory"))) {
      if (!r || (report_has_outcome(r) && r->outcome != EXPLAIN_OUTCOME_NO_KILLABLE))
        r = body_report(p, line, "the panic line");
      if (r)
        parse_panic(p, r, what, line);
    }
  } else if (match(p, RX_OOM_GROUP, msg, &mi)) {
    r = p->cur;
    if (r) {
      set_str(&r->oom_group, fetch(mi, 1));
    }
  } else if (match(p, RX_TASK_IN, msg, &mi)) {
    if ((r = body_report(p, line, "the \"Task in ... killed as a result of limit of\" line"))) {
      r->constraint = EXPLAIN_CONSTRAINT_MEMCG;
      set_str(&r->task_memcg, fetch(mi, 1));
      set_str(&r->oom_memcg, fetch(mi, 2));
    }
  } else if (g_str_has_prefix(msg, "Memory cgroup stats for ") && strstr(msg, ": cache:")) {
    /* before 5.0 the memcg's counters are one line (mem_cgroup_print_oom_info()); 5.0 on print memory.stat */
    if ((r = body_report(p, line, "the memcg stats line")))
      r->v1_stats_line = TRUE;
  } else if (match(p, RX_MEM_USAGE, msg, &mi)) {
    if ((r = body_report(p, line, "the memcg usage lines")))
      parse_mem_usage(r, mi);
  } else if (match(p, RX_PAGES_RAM, msg, &mi)) {
    g_autofree char *n = fetch(mi, 1);
    if ((r = body_report(p, line, "Mem-Info")))
      r->pages_ram = to_count(n);
  } else if (match(p, RX_PAGES_RESERVED, msg, &mi)) {
    g_autofree char *n = fetch(mi, 1);
    if ((r = body_report(p, line, "Mem-Info")))
      r->pages_reserved = to_count(n);
  } else if (match(p, RX_TOTAL_SWAP, msg, &mi)) {
    g_autofree char *n = fetch(mi, 1);
    if ((r = body_report(p, line, "Mem-Info")))
      r->total_swap_kb = to_count(n);
  } else if (match(p, RX_FREE_SWAP, msg, &mi)) {
    g_autofree char *n = fetch(mi, 1);
    if ((r = body_report(p, line, "Mem-Info")))
      r->free_swap_kb = to_count(n);
  } else if (match(p, RX_ZONE, msg, &mi)) {
    g_autofree char *n = fetch(mi, 1);
    if ((r = body_report(p, line, "Mem-Info")))
      r->present_kb = MIN(r->present_kb + to_count(n), COUNT_MAX);
  } else if (match(p, RX_MEMINFO, msg, &mi)) {
    r = body_report(p, line, "Mem-Info");
  } else if (match(p, RX_CPUSET, msg, &mi)) {
    r = p->cur && !report_has_outcome(p->cur) ? p->cur : NULL;
  }
  if (r)
    r->last_line = MAX(r->last_line, line);
}
