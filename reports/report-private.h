/* reports/report-private.h: what the three report writers share: one event entry point per format, and
 * helpers for sizes, timestamps, names of model enums, aligned tables and memory.stat figures. */
#pragma once

#include "report.h"
#include "../k8s/k8s-node.h"
#include "../sim/outcome.h"

G_BEGIN_DECLS

/* One writer per format; each gets every event and appends to its GString. */
typedef struct _ReportText ReportText;
ReportText *report_text_new(GString *out);
void report_text_event(ReportText *text, const KmSystem *sys, const SimEvent *ev);
void report_text_set_detail(ReportText *text, SimDetail detail);
void report_text_free(ReportText *text);

typedef struct _ReportDmesg ReportDmesg;
ReportDmesg *report_dmesg_new(GString *out);
void report_dmesg_event(ReportDmesg *dmesg, const KmSystem *sys, const SimEvent *ev);
void report_dmesg_free(ReportDmesg *dmesg);

typedef struct _ReportJson ReportJson;
ReportJson *report_json_new(GString *out);
void report_json_event(ReportJson *json, const KmSystem *sys, const SimEvent *ev);
void report_json_free(ReportJson *json);

typedef struct _ReportHtml ReportHtml;
ReportHtml *report_html_new(GString *out);
void report_html_event(ReportHtml *html, const KmSystem *sys, const SimEvent *ev);
void report_html_finish(ReportHtml *html, const KmSystem *sys, const SimEvent *ev); /* the page, at END */
void report_html_free(ReportHtml *html);

/* "[%5lu.%06lu]": the kernel's timestamp of a virtual time (no boot offset: the clock starts at 0). */
void report_append_timestamp(GString *out, guint64 time_ns);

/* "0 B", "512 B", "4 KiB", "24.3 MiB": IEC units, one decimal (integer arithmetic) unless exact. */
char *report_format_bytes(guint64 bytes);
/* "16384 pages (64 MiB)"; "max" for KM_PAGES_MAX. */
char *report_format_pages(const KmSystem *sys, KmPages pages);

/* Names used by the text and JSON reports (stable: the JSON values are documented). */
const char *report_event_type_name(SimEventKind kind);
const char *report_oom_action_name(KmOomAction action);
const char *report_kill_kind_name(KmKillKind kind);
const char *report_skip_code(KmSkipReason skip);

/* The profile's tie rule in oom_evaluate_task(): TRUE when, on equal points, the later task in scan order
 * wins (5.x+), FALSE when the earlier one keeps it (before; KmProfile.tie_keeps_leader). Honours
 * KmSystem.invert_tie_rule (the harness self-test's deliberately wrong model). */
gboolean report_tie_later_wins(const KmSystem *sys);

/* The scenario's name for a pid (comm of the task if the model knows it). NULL if unknown. */
const char *report_comm_of(const KmSystem *sys, int pid);

/* A pod's phase at the end of the trace, as the kubelet's getPhase() (pkg/kubelet/kubelet_pods.go, 1.28) works it
 * out from its containers' states (sim_outcome_container_state()): "Failed" with *out_reason "Evicted" when the
 * kubelet evicted it; "Running" while a container runs; with every container stopped (terminated, or waiting in
 * CrashLoopBackOff): "Running" under restartPolicy Always, "Succeeded" when all ended with 0, "Failed" under Never,
 * "Running" under OnFailure (it restarts the failed ones). *out_reason: NULL unless evicted. */
const char *report_pod_phase(const K8sPod *pod, const SimOutcome *outcome, const char **out_reason);

/* A time on the virtual clock: "12 s", "1.500 s" */
char *report_seconds_text(guint64 ns);

/* One line describing what a step does ("touch 4 MiB (1024 pages)"). */
char *report_describe_step(const KmSystem *sys, const ScStep *step);


/* memory.stat of a memcg as the kernel reports it from 5.x on: hierarchical (the memcg and its
 * descendants), in pages. */
typedef struct {
  KmPages anon, file, shmem, pgtables, kmem;
} ReportMemcgStat;
void report_memcg_stat(const KmMemcg *memcg, ReportMemcgStat *out);

/* Swap pages charged locally to memcg (its counter minus its counter-children's). */
KmPages report_memcg_local_swap(const KmMemcg *memcg);

/* Memory over time (docs/report-formats.md, "Memory over time"): the figures the text and JSON reports give after
 * each step, read from the model at that moment. Machine: /proc/meminfo's MemFree (the buddy lists, without the
 * per-CPU lists), swap in use, Committed_AS and CommitLimit. Process (when task has an mm): get_mm_counter()'s
 * MM_ANONPAGES, MM_FILEPAGES, MM_SHMEMPAGES and MM_SWAPENTS, and total_vm (VIRT). In pages. */
typedef struct {
  KmPages mem_free, mem_available, swap_used, committed_as, commit_limit;
  gboolean has_mm;
  KmPages rss_anon, rss_file, rss_shmem, swap, total_vm;
} ReportMemory;
void report_memory_now(const KmSystem *sys, const KmTask *task, ReportMemory *out);
/* memory.pressure of memcg as a read at now_ns would show it (km_psi_peek(): the report does not read, so it changes
 * nothing); FALSE where the file does not exist: a cgroup v1 memcg, or a kernel before 4.20 (no PSI). The root's is
 * /proc/pressure/memory. In the model the "some" and "full" lines are the same. */
gboolean report_memory_pressure(const KmSystem *sys, const KmMemcg *memcg, guint64 now_ns, KmPsiShow *out);
/* Which timeline events get a memory line / member: the end of a step (done, ENOMEM, a refused write). */
gboolean report_memory_event(const SimEvent *ev);

/* Tables with aligned columns. align: one char per column, 'l' or 'r'. */
typedef struct _ReportTable ReportTable;
ReportTable *report_table_new(const char *align, ...) G_GNUC_NULL_TERMINATED; /* then the header cells, or NULL */
void report_table_add(ReportTable *table, ...) G_GNUC_NULL_TERMINATED;         /* one row, const char* cells */
void report_table_add_take(ReportTable *table, char **cells);                 /* one row, takes a strv */
void report_table_render(const ReportTable *table, GString *out, const char *indent);
void report_table_free(ReportTable *table);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ReportTable, report_table_free)

G_END_DECLS
