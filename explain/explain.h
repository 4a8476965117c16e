/* explain/explain.h: `oomsim explain`: reads real OOM killer reports out of a kernel log as people paste it, and
 * recomputes the kernel's choice of victim with the formula of the report's kernel era (docs/explain.md).
 *
 * The pieces, one concept per file: explain-input.c turns the raw log into kernel messages (prefixes of dmesg,
 * dmesg -T, journalctl and syslog removed, wrapped lines joined, bounded line length); explain-parse.c recognises
 * the records of dump_header(), dump_tasks() and oom_kill_process() and groups them into reports;
 * explain-era.c knows which kernel printed which format and recomputes oom_badness() and select_bad_process()
 * through kernel-model/; explain-output.c writes the text and JSON explanations, explain-html.c the HTML page (with
 * reports/html-page.c's pieces); explain-scenario.c turns a report
 * into a scenario; explain-cmd.c is the command line. Nothing here prints except explain-cmd.c.
 */
#pragma once

#include <glib.h>

#include "../kernel-model/km-oom.h"
#include "../kernel-model/km-profile.h"

G_BEGIN_DECLS

/* Errors of explain, one domain (house style): every message is `FILE:LINE:COL: what is wrong`. */
#define EXPLAIN_ERROR (explain_error_quark())
GQuark explain_error_quark(void);
typedef enum {
  EXPLAIN_ERROR_IO,        /* the log cannot be read */
  EXPLAIN_ERROR_NO_REPORT, /* no OOM killer report in the log */
  EXPLAIN_ERROR_BINARY,    /* the log is binary data, not text */
  EXPLAIN_ERROR_OPTION,    /* a --set, --kernel or --report value that is wrong, a report without a scenario */
} ExplainError;

/* Limits that keep memory bounded whatever the input (docs/explain.md, "Limits"). */
#define EXPLAIN_MAX_LINE 65536     /* bytes of one log line kept; the rest of a longer line is dropped */
#define EXPLAIN_MAX_REPORTS 4096   /* reports kept from one log */
#define EXPLAIN_MAX_TASKS 65536    /* task-table rows kept per report (PID_MAX_LIMIT is 4M; real tables are far smaller) */
#define EXPLAIN_MAX_NOTES 64       /* notes kept per report */
#define EXPLAIN_MAX_TOTAL_ROWS 262144 /* task rows and Killed lines kept over the whole log (about 40 MB at most) */
#define EXPLAIN_MAX_REPORT_LINES 20000 /* log lines kept per report for --format html (its lines explained) */
#define EXPLAIN_MAX_TOTAL_LINES 262144 /* ... and over the whole log */

/* The task-table formats dump_tasks() has printed (the header line names the columns). */
typedef enum {
  EXPLAIN_TABLE_NONE,
  EXPLAIN_TABLE_CPU_OOMADJ,       /* 2.6.32-2.6.35: "... total_vm rss cpu oom_adj name" */
  EXPLAIN_TABLE_CPU_SCOREADJ,     /* 2.6.36-3.7: "... total_vm rss cpu oom_adj oom_score_adj name" */
  EXPLAIN_TABLE_NR_PTES,          /* 3.8-3.19 (RHEL 7's 3.10): "... rss nr_ptes swapents oom_score_adj name" */
  EXPLAIN_TABLE_NR_PTES_PMDS,     /* 4.0-4.14: "... rss nr_ptes nr_pmds swapents oom_score_adj name" */
  EXPLAIN_TABLE_PGTABLES_BYTES,   /* 4.15-6.7: "... rss pgtables_bytes swapents oom_score_adj name" */
  EXPLAIN_TABLE_RSS_SPLIT,        /* 6.8+: "... rss rss_anon rss_file rss_shmem pgtables_bytes swapents ..." */
  EXPLAIN_TABLE_N,
} ExplainTableFormat;
extern const char *const explain_table_format_names[EXPLAIN_TABLE_N];

/* One row of the task table, with the recomputation. Values are as printed (pages, bytes for pgtables_bytes). */
typedef struct {
  int pid, uid, tgid;
  gint64 total_vm, rss, rss_anon, rss_file, rss_shmem;
  gint64 nr_ptes, nr_pmds, pgtables_bytes, swapents;
  int oom_score_adj, oom_adj, cpu;
  int printed_adj;          /* oom_score_adj as printed (a what-if changes oom_score_adj only) */
  gboolean has_score_adj, has_swapents, has_pgtables;
  char *name;
  guint line;
  /* recomputed */
  KmSkipReason skip;
  gboolean earlier_victim;  /* killed by an earlier report of the same log */
  glong points;             /* oom_badness(); valid when skip == KM_SKIP_NONE */
  int rank;                 /* 1 = the kernel's pick by the recomputation; 0 = not a candidate */
} ExplainTask;

typedef enum {
  EXPLAIN_CONSTRAINT_UNKNOWN,
  EXPLAIN_CONSTRAINT_NONE,
  EXPLAIN_CONSTRAINT_CPUSET,
  EXPLAIN_CONSTRAINT_MEMORY_POLICY,
  EXPLAIN_CONSTRAINT_MEMCG,
  EXPLAIN_CONSTRAINT_N,
} ExplainConstraint;
extern const char *const explain_constraint_names[EXPLAIN_CONSTRAINT_N];

typedef enum {
  EXPLAIN_OUTCOME_NONE,        /* no outcome line in the log (cut) */
  EXPLAIN_OUTCOME_KILLED,      /* a victim was chosen and killed */
  EXPLAIN_OUTCOME_ALLOCATING,  /* vm.oom_kill_allocating_task killed current */
  EXPLAIN_OUTCOME_PANIC,       /* check_panic_on_oom() */
  EXPLAIN_OUTCOME_NO_KILLABLE, /* "Out of memory and no killable processes..." */
  EXPLAIN_OUTCOME_N,
} ExplainOutcome;
extern const char *const explain_outcome_names[EXPLAIN_OUTCOME_N];

/* One "Killed process" line. */
typedef struct {
  int pid, uid;
  char *comm;
  gint64 total_vm_kb, anon_rss_kb, file_rss_kb, shmem_rss_kb, pgtables_kb;
  int oom_score_adj;
  gboolean has_uid, has_adj;
  guint line;
} ExplainKill;

typedef enum {
  EXPLAIN_VERDICT_AGREE,          /* the recomputation picks the kernel's victim (and its printed score) */
  EXPLAIN_VERDICT_SCORE_DIFFERS,  /* same victim, another printed score */
  EXPLAIN_VERDICT_DISAGREE,       /* another victim */
  EXPLAIN_VERDICT_UNDECIDED,      /* cannot be recomputed: reasons say why */
  EXPLAIN_VERDICT_N,
} ExplainVerdict;
extern const char *const explain_verdict_names[EXPLAIN_VERDICT_N];

/* A kernel era: the formats and the oom_badness() of a range of versions (explain-era.c). */
typedef struct {
  const char *name;        /* "3.14-4.16" */
  int from, to;            /* KM_KVER(), inclusive */
  gboolean recomputable;   /* 2.6.32's badness() needs runtime and CPU time, which no report prints */
  gboolean badness_1000;   /* 2.6.36-3.9: oom_badness() returns 0..1000 itself */
  const char *profile;     /* kernel-model profile whose oom_badness() and select_bad_process() rules apply */
  KmRootBonus root_bonus;  /* the era's CAP_SYS_ADMIN bonus (overrides the profile's) */
  gboolean prints_score;   /* "Kill process N (comm) score S ..." (before 5.1) */
} ExplainEra;

/* One line of the log as a kernel message (the prefixes removed), kept for the HTML page. */
typedef struct {
  guint line;
  char *text;
} ExplainLogLine;

typedef struct {
  guint first_line, last_line;  /* input lines */
  char *version;                /* kernel release as printed ("5.4.0-77-generic"), or NULL */
  char *arch;                   /* "x86_64", "arm64", ... when the log says, or NULL */
  const ExplainEra *era;        /* from the format, refined by the version */
  const ExplainEra *used_era;   /* the era of the recomputation: era, or --kernel's */
  char *era_reason;             /* which lines decided it */
  /* "X invoked oom-killer: gfp_mask=... order=... oom_score_adj=..." */
  char *invoker_comm;
  int invoker_pid, order, invoker_adj;
  char *gfp_mask, *gfp_flags, *nodemask;
  gboolean has_invoker, has_invoker_pid;
  /* constraint */
  ExplainConstraint constraint;
  ExplainConstraint trace_hint;   /* from the call trace (mem_cgroup_out_of_memory: memcg; the page allocator: not) */
  char *oom_memcg, *task_memcg;   /* paths */
  /* memcg lines (kB); -1 = not printed */
  gint64 mem_usage_kb, mem_limit_kb, memsw_limit_kb, swap_limit_kb;
  /* Mem-Info (show_mem / show_free_areas) */
  gint64 pages_ram, pages_reserved, total_swap_kb, free_swap_kb, present_kb;
  guint page_size;               /* bytes; from Mem-Info when it tells, else assumed */
  gboolean page_size_known;
  /* task table */
  ExplainTableFormat table_format;
  gboolean table_header_seen, table_cut, table_ended;
  GArray *tasks;                 /* ExplainTask */
  guint table_line;
  /* outcome */
  ExplainOutcome outcome;
  int chosen_pid;                /* the kernel's choice ("Kill process", oom-kill: summary, or Killed) */
  char *chosen_comm;
  glong printed_score;
  gboolean has_printed_score, sacrifice_child;
  gboolean v1_stats_line;     /* a one-line "Memory cgroup stats for X: cache:...KB ..." (mem_cgroup_print_oom_info(), before 5.0) */
  char *panic_message;
  char *oom_group;               /* "Tasks in PATH are going to be killed due to memory.oom.group set" */
  GArray *kills;                 /* ExplainKill, in log order */
  GPtrArray *reaped;             /* "pid (comm)" strings of oom_reaper lines */
  GPtrArray *notes;              /* what the log did not say, what was assumed */
  /* recomputation (explain_report_recompute) */
  glong totalpages;
  char *totalpages_source;
  int recomputed_pid;
  glong recomputed_score;        /* as the kernel would print it, when it prints one */
  ExplainVerdict verdict;
  GPtrArray *reasons;            /* why the verdict (always at least one line) */
  /* what-if: the victims in order without the changes (int pids), and what the changes did */
  GArray *baseline_order;
  gboolean whatif;
  GPtrArray *whatif_notes;
  gboolean table_wide_pid;       /* "[  pid  ]" (4.19+) rather than "[ pid ]" */
  gboolean invoked_has_score_adj; /* the invoked line prints oom_score_adj (2.6.36+, or a backport) */
  int killed_uid_form;            /* 6: RHEL 6's "Killed process N, UID N, (comm)"; 7: RHEL 7's "(comm), UID N," */
  /* the report's own lines, first_line..last_line (explain_read_log_lines() only; NULL otherwise) */
  GArray *log_lines;              /* ExplainLogLine */
  guint log_lines_dropped;        /* lines of the report past EXPLAIN_MAX_REPORT_LINES / EXPLAIN_MAX_TOTAL_LINES */
} ExplainReport;

ExplainReport *explain_report_new(guint first_line);
void explain_report_free(ExplainReport *r);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ExplainReport, explain_report_free)
void explain_report_note(ExplainReport *r, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* explain-input.c: the raw log, line by line, as kernel messages. */
typedef struct _ExplainInput ExplainInput;
ExplainInput *explain_input_new(const char *display_name);
void explain_input_free(ExplainInput *in);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ExplainInput, explain_input_free)
/* Feeds bytes; complete lines are handed to the callback as (message, line number). */
typedef void (*ExplainLineFunc)(const char *message, guint line, gpointer user_data);
void explain_input_feed(ExplainInput *in, const char *data, gsize len, ExplainLineFunc func, gpointer user_data);
void explain_input_finish(ExplainInput *in, ExplainLineFunc func, gpointer user_data);
guint explain_input_lines(const ExplainInput *in);
guint explain_input_long_lines(const ExplainInput *in);
/* The first NUL byte (line, column), 0 if none */
guint explain_input_nul_line(const ExplainInput *in, guint *out_col);
guint explain_input_text_lines(const ExplainInput *in);
/* Exposed for the tests: the message of one raw line, prefixes removed (a new string). */
char *explain_strip_prefix(const char *raw, gboolean *out_had_prefix);

/* explain-parse.c: reports out of messages. */
typedef struct _ExplainParser ExplainParser;
ExplainParser *explain_parser_new(void);
void explain_parser_free(ExplainParser *p);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ExplainParser, explain_parser_free)
void explain_parser_line(const char *message, guint line, gpointer parser);
/* The reports found so far, borrowed (the last may still grow). */
GPtrArray *explain_parser_peek_reports(ExplainParser *p);
/* The reports found, in log order (the parser keeps ownership until steal). */
GPtrArray *explain_parser_steal_reports(ExplainParser *p, guint *out_dropped);

/* Reads a whole log (path, or "-" for standard input) into reports. Exit-2 errors: unreadable, binary, no report. */
GPtrArray *explain_read_log(const char *path, guint *out_lines, GError **error);
/* The same, and each report keeps its own lines (r->log_lines), bounded, for the HTML page. */
GPtrArray *explain_read_log_lines(const char *path, guint *out_lines, GError **error);

/* explain-era.c */
const ExplainEra *explain_era_for_version(int version);
const ExplainEra *explain_era_by_name(const char *name);
int explain_parse_version(const char *text); /* "5.4.0-77-generic" -> KM_KVER(5, 4); 0 if not a version */
void explain_report_decide_era(ExplainReport *r);
/* Page-table pages of a row as the era's oom_badness() counts them: nr_ptes (3.x), nr_ptes + nr_pmds (4.0-4.14),
 * pgtables_bytes / PAGE_SIZE (4.15+); 0 where the table does not print them (2.6.x). */
gint64 explain_task_pgtables(const ExplainReport *r, const ExplainTask *t);

/* What-if changes (--set) applied to a report before the recomputation. */
typedef struct {
  GArray *adj_pids, *adj_values;  /* int: process[PID].oom_score_adj=N */
  gint64 memcg_limit_bytes;       /* memcg.limit=SIZE; -1 = unchanged */
  const ExplainEra *era;          /* --kernel VER; NULL = the report's era */
} ExplainWhatIf;
void explain_whatif_init(ExplainWhatIf *w);
void explain_whatif_clear(ExplainWhatIf *w);
gboolean explain_whatif_parse_set(ExplainWhatIf *w, const char *text, GError **error);
gboolean explain_whatif_any(const ExplainWhatIf *w);

/* oom_badness()'s terms of a candidate row as the recomputation's era adds them up: km_oom_badness_split()'s (pages)
 * from 3.10 on; 2.6.36-3.9's memory in thousandths of totalpages, its root -30, oom_score_adj, and the clamp to
 * 1..1000. Their sum is t->points. FALSE when the row is no candidate or the era cannot be recomputed. */
typedef struct {
  KmBadnessTerms pages;  /* rss, swapents, pgtables, root_bonus, adj, floor */
  glong mem_1000;        /* 2.6.36-3.9: (rss + nr_ptes + swapents) * 1000 / totalpages (then pages.rss.. are 0) */
  glong ceiling;         /* 2.6.36-3.9: what the clamp to 1000 took off (<= 0) */
} ExplainTerms;
gboolean explain_task_terms(const ExplainReport *r, const ExplainTask *t, ExplainTerms *out);

/* Recomputes every task's badness, the ranking and the verdict (w may be NULL). */
void explain_report_recompute(ExplainReport *r, const ExplainWhatIf *w, GPtrArray *earlier_victims);
/* The candidates in kill order (ExplainTask *, borrowed): rank 1 first. */
GPtrArray *explain_report_ranking(const ExplainReport *r);

/* explain-output.c */
typedef enum { EXPLAIN_FORMAT_TEXT, EXPLAIN_FORMAT_JSON, EXPLAIN_FORMAT_HTML } ExplainFormat;
GString *explain_format(const char *source, GPtrArray *reports, ExplainFormat format);
/* The what-if's result in words ("pid X (comm) would have died instead of pid Y"), NULL when there was no
 * candidate either way. */
char *explain_whatif_result(const ExplainReport *r);
/* The skipped row's reason in a word or two ("adj -1000", "reaped"), "" for a candidate. */
const char *explain_task_skip_short(const ExplainTask *t);

/* explain-html.c: one self-contained page for every report of the log (--format html). */
GString *explain_format_html(const char *source, GPtrArray *reports);


/* explain-scenario.c: a scenario reproducing report number index (1-based) of source; NULL + error (exit 2) when
 * the report cannot give one, saying why. */
GString *explain_to_scenario(const char *source, const ExplainReport *r, guint index, GError **error);

/* explain-cmd.c: `oomsim explain` */
int explain_cmd_main(int argc, char **argv);

G_END_DECLS
