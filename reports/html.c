/* reports/html.c: the HTML report (`--format html`): one self-contained page a learner can open from disk, with
 * no network and no script: memory-over-time charts (inline SVG: each cgroup against its limits, each process's
 * rss and swap stacked, MemFree against the watermarks, Committed_AS against CommitLimit when overcommit
 * matters) with the OOM kills, ENOMEM steps and panics marked on the time axis, one section per OOM decision with
 * a bar per process of the scan, a scored candidate's split into oom_badness()'s terms (km_oom_badness_split(),
 * the arithmetic the model itself decides with), a plain-language narrative whose kernel terms link to a
 * glossary on the page, and the exact dmesg lines (the dmesg writer's own output).
 *
 * The writer listens to the same event stream as the others. It keeps in memory only what the page needs at
 * the end, bounded: at most HTML_MAX_SAMPLES chart samples (when full, every other one is dropped and the
 * sampling stride doubles), HTML_MAX_SERIES cgroups and HTML_MAX_PROCS processes on the charts,
 * HTML_MAX_MARKERS markers, HTML_MAX_DECISIONS detailed OOM decisions and HTML_MAX_STORY narrative lines
 * (docs/report-formats.md, "HTML report"). The whole page is appended to the output when the END event arrives.
 */
#include "report-private.h"
#include "html-dmesg.h"
#include "html-page.h"

#include "../kernel-model/km-util.h"
#include "../k8s/k8s-quantity.h"

#include <string.h>

#define HTML_MAX_SAMPLES 2048
#define HTML_MAX_SERIES 8
#define HTML_MAX_PROCS 8
#define HTML_MAX_MARKERS 1000
#define HTML_MAX_DECISIONS 50
#define HTML_MAX_STORY 400

typedef struct {
  guint64 time_ns;
  guint64 seq; /* the event's ordinal: the x axis when the whole run happens at one instant */
  KmPages free, swap_used, wmark_min, wmark_high, committed_as, commit_limit;
  /* per cgroup: memory.current, memory.max, memory.high, memory.swap.current, memory.swap.max */
  KmPages usage[HTML_MAX_SERIES], max[HTML_MAX_SERIES], high[HTML_MAX_SERIES], swap[HTML_MAX_SERIES],
    swap_max[HTML_MAX_SERIES];
  KmPages proc_rss[HTML_MAX_PROCS], proc_swap[HTML_MAX_PROCS]; /* per process: get_mm_rss(), MM_SWAPENTS */
} HtmlSample;

typedef enum {
  HTML_MARK_KILL,   /* the OOM killer chose a victim (one per SimOutcome kill) */
  HTML_MARK_ENOMEM, /* a step failed with ENOMEM */
  HTML_MARK_PANIC,  /* the kernel panicked */
  HTML_MARK_ACTOR,  /* a userspace killer or the kubelet acted */
} HtmlMarkKind;

typedef struct {
  HtmlMarkKind kind;
  guint64 time_ns, seq;
  char *label;
} HtmlMarker;

struct _ReportHtml {
  GString *out;
  GString *dmesg_text;
  ReportDmesg *dmesg;
  GString *decisions; /* the OOM decision sections */
  GString *story;     /* <li> lines of the narrative */
  guint story_lines, story_dropped;
  guint n_decisions, decisions_dropped;
  GArray *samples;    /* HtmlSample */
  guint stride, tick;
  guint64 seq; /* events seen */
  GArray *markers;    /* HtmlMarker */
  guint markers_dropped;
  const KmMemcg *series[HTML_MAX_SERIES];
  char *series_path[HTML_MAX_SERIES];
  guint n_series;
  /* the processes of the stacked chart: the first HTML_MAX_PROCS to hold memory, known by pid and task-list
   * position (a pid can be reused) */
  int proc_pid[HTML_MAX_PROCS];
  guint64 proc_seq[HTML_MAX_PROCS];
  char *proc_label[HTML_MAX_PROCS];
  guint n_procs;
  gboolean procs_dropped;      /* a further process held memory and is not drawn */
  gboolean overcommit_matters; /* vm.overcommit_memory=2 at some sample, or an mmap refused by it */
  char *title, *description, *file;
};

static const char *const mark_class[] = {
  [HTML_MARK_KILL] = "mk-kill",
  [HTML_MARK_ENOMEM] = "mk-enomem",
  [HTML_MARK_PANIC] = "mk-panic",
  [HTML_MARK_ACTOR] = "mk-actor",
};

static const char *const mark_symbol[] = {
  [HTML_MARK_KILL] = "K",
  [HTML_MARK_ENOMEM] = "E",
  [HTML_MARK_PANIC] = "P",
  [HTML_MARK_ACTOR] = "U",
};

static void marker_clear(gpointer p)
{
  g_free(((HtmlMarker *)p)->label);
}

ReportHtml *report_html_new(GString *out)
{
  ReportHtml *html = g_new0(ReportHtml, 1);
  html->out = out;
  html->dmesg_text = g_string_new(NULL);
  html->dmesg = report_dmesg_new(html->dmesg_text);
  html->decisions = g_string_new(NULL);
  html->story = g_string_new(NULL);
  html->samples = g_array_new(FALSE, TRUE, sizeof(HtmlSample));
  html->markers = g_array_new(FALSE, TRUE, sizeof(HtmlMarker));
  g_array_set_clear_func(html->markers, marker_clear);
  html->stride = 1;
  return html;
}

void report_html_free(ReportHtml *html)
{
  if (!html)
    return;
  report_dmesg_free(html->dmesg);
  g_string_free(html->dmesg_text, TRUE);
  g_string_free(html->decisions, TRUE);
  g_string_free(html->story, TRUE);
  g_array_free(html->samples, TRUE);
  g_array_free(html->markers, TRUE);
  for (guint i = 0; i < html->n_series; i++)
    g_free(html->series_path[i]);
  for (guint i = 0; i < html->n_procs; i++)
    g_free(html->proc_label[i]);
  g_free(html->title);
  g_free(html->description);
  g_free(html->file);
  g_free(html);
}

/* ---------------------------------------------------------------- small helpers */


static char *bytes_of(const KmSystem *sys, KmPages pages)
{
  if (pages == KM_PAGES_MAX)
    return g_strdup("max");
  return report_format_bytes((guint64)MAX(pages, 0) * sys->machine.page_size);
}

static double mib(const KmSystem *sys, KmPages pages)
{
  return (double)MAX(pages, 0) * (double)sys->machine.page_size / (1024.0 * 1024.0);
}

/* ---------------------------------------------------------------- samples and markers */

static void track_series(ReportHtml *html, const KmSystem *sys)
{
  for (guint i = 0; i < sys->memcgs->len && html->n_series < HTML_MAX_SERIES; i++) {
    const KmMemcg *memcg = sys->memcgs->pdata[i];
    gboolean known = memcg == sys->root_memcg;
    for (guint s = 0; s < html->n_series && !known; s++)
      known = html->series[s] == memcg;
    if (known)
      continue;
    html->series[html->n_series] = memcg;
    html->series_path[html->n_series] = g_strdup(memcg->path);
    html->n_series++;
  }
}

/* The processes of the stacked chart, in task-list order: a scan only while there is room (so a run with many
 * processes pays it until the first HTML_MAX_PROCS hold memory), and one more look to know whether any is left
 * out. */
static void track_procs(ReportHtml *html, const KmSystem *sys)
{
  if (html->procs_dropped)
    return;
  for (const KmTask *task = sys->tasks.head; task; task = task->tasks.next) {
    if (!task->mm || task->kthread || km_mm_rss(task->mm) + task->mm->swapents == 0)
      continue;
    gboolean known = FALSE;
    for (guint p = 0; p < html->n_procs && !known; p++)
      known = html->proc_pid[p] == task->pid && html->proc_seq[p] == task->seq;
    if (known)
      continue;
    if (html->n_procs == HTML_MAX_PROCS) {
      html->procs_dropped = TRUE;
      return;
    }
    html->proc_pid[html->n_procs] = task->pid;
    html->proc_seq[html->n_procs] = task->seq;
    html->proc_label[html->n_procs] = g_strdup_printf("%d %s", task->pid, task->comm);
    html->n_procs++;
  }
}

static KmPages wmark_high_pages(const KmSystem *sys)
{
  KmPages sum = 0;
  for (guint z = 0; z < sys->machine.nr_zones; z++)
    sum += sys->machine.zones[z].wmark_high;
  return sum;
}

static void take_sample(ReportHtml *html, const KmSystem *sys, guint64 time_ns, gboolean force)
{
  if (!force && html->tick++ % html->stride != 0)
    return;
  track_series(html, sys);
  track_procs(html, sys);
  HtmlSample s = { .time_ns = time_ns, .seq = html->seq, .free = km_free_pages(sys), .swap_used = sys->machine.swap_used,
                   .wmark_min = km_wmark_min_pages(sys), .wmark_high = wmark_high_pages(sys),
                   .committed_as = sys->machine.committed_as, .commit_limit = km_vm_commit_limit(sys) };
  html->overcommit_matters = html->overcommit_matters || sys->machine.overcommit_memory == 2;
  for (guint i = 0; i < html->n_series; i++) {
    gboolean alive = FALSE; /* a cgroup removed since: its line stops at 0 */
    for (guint m = 0; m < sys->memcgs->len; m++)
      alive = alive || sys->memcgs->pdata[m] == html->series[i];
    const KmMemcg *memcg = html->series[i];
    s.usage[i] = alive ? memcg->usage : 0;
    s.max[i] = alive ? memcg->max : KM_PAGES_MAX;
    s.high[i] = alive && memcg->version == 2 ? memcg->high : KM_PAGES_MAX;
    s.swap[i] = alive ? (memcg->version == 2 ? memcg->swap_usage : memcg->memsw_usage - MIN(memcg->memsw_usage, memcg->usage)) : 0;
    s.swap_max[i] = alive && memcg->version == 2 ? memcg->swap_max : KM_PAGES_MAX;
  }
  for (guint p = 0; p < html->n_procs; p++) {
    const KmTask *task = km_system_find_task(sys, html->proc_pid[p]);
    gboolean same = task && task->seq == html->proc_seq[p] && task->mm; /* exited: its band ends */
    s.proc_rss[p] = same ? km_mm_rss(task->mm) : 0;
    s.proc_swap[p] = same ? task->mm->swapents : 0;
  }
  if (html->samples->len == HTML_MAX_SAMPLES) {
    /* keep every other sample (the first and the newest stay) and sample half as often from now on */
    guint kept = 0;
    for (guint i = 0; i < html->samples->len; i += 2)
      g_array_index(html->samples, HtmlSample, kept++) = g_array_index(html->samples, HtmlSample, i);
    g_array_set_size(html->samples, kept);
    html->stride *= 2;
  }
  g_array_append_val(html->samples, s);
}

static void add_marker(ReportHtml *html, HtmlMarkKind kind, guint64 time_ns, char *label)
{
  if (html->markers->len >= HTML_MAX_MARKERS) {
    html->markers_dropped++;
    g_free(label);
    return;
  }
  HtmlMarker m = { kind, time_ns, html->seq, label };
  g_array_append_val(html->markers, m);
}

/* ---------------------------------------------------------------- narrative */

static void story_begin(ReportHtml *html, guint64 time_ns)
{
  g_autofree char *t = report_seconds_text(time_ns);
  g_string_append_printf(html->story, "<li><span class=\"t\">%s</span> ", t);
}

static gboolean story_room(ReportHtml *html)
{
  if (html->story_lines >= HTML_MAX_STORY) {
    html->story_dropped++;
    return FALSE;
  }
  html->story_lines++;
  return TRUE;
}

static void story_task(GString *out, const KmTask *task)
{
  if (task)
    html_escf(out, "pid %d (%s)", task->pid, task->comm);
  else
    g_string_append(out, "a process");
}

static void story_step(ReportHtml *html, const KmSystem *sys, const SimEvent *ev)
{
  if (!ev->step || !story_room(html))
    return;
  g_autofree char *what = report_describe_step(sys, ev->step);
  story_begin(html, ev->time_ns);
  story_task(html->story, ev->task);
  g_string_append(html->story, ": ");
  html_esc(html->story, what);
  g_string_append(html->story, ".</li>\n");
}

static void story_enomem(ReportHtml *html, const KmSystem *sys, const SimEvent *ev)
{
  if (!story_room(html))
    return;
  g_autofree char *size = bytes_of(sys, ev->enomem_pages);
  story_begin(html, ev->time_ns);
  story_task(html->story, ev->task);
  g_string_append(html->story, " asked for more memory and got ");
  html_term(html->story, "enomem", "ENOMEM");
  if (ev->oom_memcg) {
    html_escf(html->story, ": the charge of %s to cgroup %s could not be satisfied (", size, ev->oom_memcg->path);
    html_term(html->story, "memory-max", "memory.max");
    g_string_append(html->story, "), and a system call fails rather than kill.</li>\n");
  } else if (ev->enomem_overcommit) {
    html_escf(html->story, ": %s more would pass the ", size);
    html_term(html->story, "overcommit", "overcommit");
    g_string_append(html->story, " policy's limit, so the mapping is refused before any memory is used (no OOM "
                                 "killer runs: nothing was touched yet).</li>\n");
  } else {
    g_string_append(html->story, ": there is no room left in the process's address space (");
    html_term(html->story, "virt-rss", "VIRT");
    g_string_append(html->story, "), whatever the free memory.</li>\n");
  }
}

static const KmOomRow *chosen_row(const OomControl *oc)
{
  for (guint i = 0; i < oc->rows->len; i++) {
    const KmOomRow *row = &g_array_index(oc->rows, KmOomRow, i);
    if (row->task == oc->chosen)
      return row;
  }
  return NULL;
}

static void story_oom(ReportHtml *html, const KmSystem *sys, const SimEvent *ev, guint decision)
{
  const OomControl *oc = ev->oc;
  if (!story_room(html))
    return;
  GString *s = html->story;
  story_begin(html, ev->time_ns);
  if (oc->memcg) {
    g_autofree char *usage = bytes_of(sys, oc->memcg->usage);
    g_autofree char *max = bytes_of(sys, oc->memcg->max);
    html_escf(s, "cgroup %s had %s charged against its ", oc->memcg->path, usage);
    html_term(s, "memory-max", "memory.max");
    html_escf(s, " of %s; reclaim could free nothing more", max);
    if (sys->machine.total_swap_pages == 0)
      g_string_append(s, " and there is no swap");
    g_string_append(s, ", so the ");
    html_term(s, "memcg", "memcg");
    g_string_append(s, " OOM killer ran");
  } else {
    g_string_append(s, "the whole machine ran out: free memory fell to the ");
    html_term(s, "watermarks", "min watermark");
    g_string_append(s, " and reclaim could free nothing more, so the global OOM killer ran");
  }
  g_autofree char *total = bytes_of(sys, oc->totalpages);
  html_escf(s, " (%s, ", km_constraint_names[oc->constraint]);
  html_term(s, "totalpages", "totalpages");
  html_escf(s, " %s). ", total);
  const KmOomRow *row = chosen_row(oc);
  switch (oc->action) {
  case KM_OOM_KILLED:
  case KM_OOM_KILLED_ALLOCATING:
    html_escf(s, "It killed pid %d (%s)", oc->chosen->pid, oc->chosen->comm);
    if (oc->action == KM_OOM_KILLED_ALLOCATING)
      g_string_append(s, ", the allocating task (vm.oom_kill_allocating_task)");
    else if (row && !row->origin)
      html_escf(s, ", the highest %s of %ld", "badness", row->points);
    guint others = 0; /* processes killed with the victim (an oom.group can signal the victim twice) */
    for (guint i = 0; i < oc->kills->len; i++)
      others += g_array_index(oc->kills, KmKill, i).task != oc->chosen;
    if (others)
      html_escf(s, ", and %u more process%s", others, others == 1 ? "" : "es");
    if (oc->oom_group) {
      g_string_append(s, " (");
      html_term(s, "oom-group", "memory.oom.group");
      g_string_append(s, ")");
    }
    break;
  case KM_OOM_NO_KILLABLE:
    g_string_append(s, "It found no process it may kill (every one is unkillable or has ");
    html_term(s, "oom-score-adj", "oom_score_adj");
    g_string_append(s, " -1000)");
    break;
  case KM_OOM_PANIC:
    g_string_append(s, "vm.panic_on_oom is set, so the kernel panics instead of killing (");
    html_term(s, "panic-on-oom", "panic_on_oom");
    g_string_append(s, ")");
    break;
  case KM_OOM_CURRENT_EXITING:
  case KM_OOM_VICTIM_EXITING:
    g_string_append(s, "A victim is already exiting: the kernel waits for it to free its memory instead of "
                       "killing another");
    break;
  case KM_OOM_ABORTED:
    g_string_append(s, "An earlier victim has not exited yet, so the scan stopped without killing");
    break;
  case KM_OOM_GFP_NOFS:
  default:
    g_string_append(s, "The allocation cannot enter the file system, so nothing was killed and it is retried");
    break;
  }
  if (decision <= HTML_MAX_DECISIONS)
    g_string_append_printf(s, ". <a href=\"#oom-%u\">See the decision</a>.</li>\n", decision);
  else
    g_string_append(s, ".</li>\n");
}

static void story_exit(ReportHtml *html, const KmSystem *sys, const SimEvent *ev)
{
  const SimExit *exit = ev->exit;
  if (!exit || !story_room(html))
    return;
  story_begin(html, ev->time_ns);
  story_task(html->story, ev->task);
  if (exit->survived)
    g_string_append(html->story, " was still running when the trace ended");
  else if (exit->signal)
    html_escf(html->story, " ended, killed by signal %d%s%s: exit status %d%s (reason %s)", exit->signal,
         exit->by ? " from " : "", exit->by ? exit->by : "", exit->status,
         exit->status == 128 + exit->signal ? " (128 + the signal, as a shell or container runtime reports it)" : "",
         exit->reason ? exit->reason : "-");
  else
    html_escf(html->story, " ended with exit status %d", exit->status);
  g_autofree char *free_text = bytes_of(sys, km_free_pages(sys));
  html_escf(html->story, "; MemFree is now %s.", free_text);
  g_string_append(html->story, "</li>\n");
}

static void story_plain(ReportHtml *html, const SimEvent *ev, const char *prefix, const char *glossary_id,
                        const char *glossary_text)
{
  if (!story_room(html))
    return;
  story_begin(html, ev->time_ns);
  html_esc(html->story, prefix);
  if (ev->detail) {
    g_string_append(html->story, ": ");
    html_esc(html->story, ev->detail);
  }
  if (glossary_id) {
    g_string_append(html->story, " (");
    html_term(html->story, glossary_id, glossary_text);
    g_string_append(html->story, ")");
  }
  g_string_append(html->story, ".</li>\n");
}

static void story_reclaim(ReportHtml *html, const KmSystem *sys, const SimEvent *ev)
{
  if (!story_room(html))
    return;
  g_autofree char *file = bytes_of(sys, ev->reclaimed_file);
  g_autofree char *swap = bytes_of(sys, ev->reclaimed_swap);
  story_begin(html, ev->time_ns);
  html_escf(html->story, "%s made room before any OOM: it dropped %s of page cache and moved %s of anonymous "
                    "memory to ", ev->detail ? "kswapd's background reclaim" : "reclaim", file, swap);
  html_term(html->story, "swap", "swap");
  g_string_append(html->story, ".</li>\n");
}

/* ---------------------------------------------------------------- one OOM decision */


/* km_oom_badness_split()'s terms in the order of the table's columns (HTML_TERM_RSS..HTML_TERM_FLOOR); returns
 * the points */
static glong badness_terms(const KmSystem *sys, KmPages rss, KmPages swapents, KmPages pgtables, int oom_score_adj,
                           gboolean cap_sys_admin, KmPages totalpages, glong out_terms[HTML_TERM_N])
{
  KmBadnessTerms t;
  glong points = km_oom_badness_split(sys->profile, rss, swapents, pgtables, oom_score_adj, cap_sys_admin,
                                      totalpages, &t);
  memset(out_terms, 0, HTML_TERM_N * sizeof *out_terms);
  out_terms[HTML_TERM_RSS] = t.rss;
  out_terms[HTML_TERM_SWAP] = t.swapents;
  out_terms[HTML_TERM_PT] = t.pgtables;
  out_terms[HTML_TERM_ADJ] = t.adj;
  out_terms[HTML_TERM_ROOT] = t.root_bonus;
  out_terms[HTML_TERM_FLOOR] = t.floor;
  return points;
}

static void row_terms(const KmSystem *sys, const OomControl *oc, const KmOomRow *row, glong out_terms[HTML_TERM_N])
{
  badness_terms(sys, row->rss, row->swapents, row->pgtables, row->oom_score_adj, row->task->cap_sys_admin,
                oc->totalpages, out_terms);
}

/* The head of a table of oom_badness() terms, one row per process; `last` names the column after the points. */
static void terms_table_head(GString *out, const char *caption, const char *last)
{
  g_string_append(out, "<div class=\"wide\"><table class=\"terms\"><caption>");
  html_esc(out, caption);
  g_string_append(out, "</caption>\n<thead><tr><th>pid</th><th>comm</th><th>rss</th><th>swap</th><th>page tables</th>"
                       "<th>oom_score_adj term</th><th>root bonus</th><th>floor</th><th>= points</th><th>");
  html_esc(out, last);
  g_string_append(out, "</th></tr></thead><tbody>\n");
}

/* The term cells and the points of a scored row. */
static void terms_cells(GString *out, const glong terms[HTML_TERM_N], glong points)
{
  for (int k = HTML_TERM_RSS; k <= HTML_TERM_FLOOR; k++)
    g_string_append_printf(out, "<td class=\"n\">%ld</td>", terms[k]);
  g_string_append_printf(out, "<td class=\"n pts\">%ld</td>", points);
}

static gboolean row_is_victim(const OomControl *oc, const KmOomRow *row)
{
  return row->task == oc->chosen && (oc->action == KM_OOM_KILLED || oc->action == KM_OOM_VICTIM_EXITING ||
                                     oc->action == KM_OOM_KILLED_ALLOCATING);
}

static gboolean row_scored(const KmOomRow *row)
{
  return row->skip == KM_SKIP_NONE && !row->origin;
}

/* Why a row has no points, in words: the scan's own reason, and for the rows never scanned what stopped it. */
static const char *row_unscored_reason(const OomControl *oc, const KmOomRow *row)
{
  if (row->origin)
    return "oom_task_origin: chosen at once, without a score";
  if (row->skip != KM_SKIP_NOT_SCANNED)
    return km_skip_reason_text[row->skip];
  switch (oc->action) {
  case KM_OOM_PANIC:
    return "not scanned: panic_on_oom panics before any process is scored";
  case KM_OOM_KILLED_ALLOCATING:
    return "not scanned: oom_kill_allocating_task kills the allocating task without a scan";
  case KM_OOM_ABORTED:
    return "not scanned: the scan stopped at an earlier victim still exiting";
  default:
    return km_skip_reason_text[row->skip];
  }
}

/* Another process this decision sent SIGKILL to (an oom.group member, a process sharing the victim's mm, a
 * sacrificed child), or NULL. */
static const char *row_killed_too(const OomControl *oc, const KmOomRow *row)
{
  for (guint i = 0; i < oc->kills->len; i++) {
    const KmKill *kill = &g_array_index(oc->kills, KmKill, i);
    if (kill->task == row->task && kill->kind != KM_KILL_VICTIM)
      return report_kill_kind_name(kill->kind);
  }
  return NULL;
}

/* The memory a row holds in pages, as dump_tasks() prints it: what an unscored bar shows. */
static glong row_held(const KmOomRow *row)
{
  return (glong)(MAX(row->rss, 0) + MAX(row->swapents, 0) + MAX(row->pgtables, 0));
}


/* The bars of one decision (html_badness_bars()), one per row of the scan in scan order. */
static void decision_bars(GString *out, const KmSystem *sys, const OomControl *oc)
{
  g_autofree HtmlBarRow *bars = g_new0(HtmlBarRow, MAX(oc->rows->len, 1));
  for (guint i = 0; i < oc->rows->len; i++) {
    const KmOomRow *row = &g_array_index(oc->rows, KmOomRow, i);
    HtmlBarRow *b = &bars[i];
    b->pid = row->task->pid;
    b->comm = row->task->comm;
    b->scored = row_scored(row);
    b->victim = row_is_victim(oc, row);
    b->killed_too = b->victim ? NULL : row_killed_too(oc, row);
    b->held = row_held(row);
    if (b->scored) {
      row_terms(sys, oc, row, b->terms);
      b->points = row->points;
    } else {
      b->unscored_reason = row_unscored_reason(oc, row);
    }
  }
  html_badness_bars(out, bars, oc->rows->len, !sys->profile->badness_signed);
}

static void decision_table(GString *out, const KmSystem *sys, const OomControl *oc)
{
  GArray *rows = oc->rows;
  terms_table_head(out, "oom_badness() of each candidate, in pages: the sum of the terms is the points", "verdict");
  for (guint i = 0; i < rows->len; i++) {
    const KmOomRow *row = &g_array_index(rows, KmOomRow, i);
    gboolean victim = row_is_victim(oc, row);
    const char *too = victim ? NULL : row_killed_too(oc, row);
    g_string_append_printf(out, "<tr%s data-pid=\"%d\"><td>%d</td><td>", victim ? " class=\"victim\"" : "",
                           row->task->pid, row->task->pid);
    html_esc(out, row->task->comm);
    g_string_append(out, "</td>");
    if (!row_scored(row)) {
      g_string_append_printf(out, "<td class=\"n\">%" G_GINT64_FORMAT "</td><td class=\"n\">%" G_GINT64_FORMAT
                             "</td><td class=\"n\">%" G_GINT64_FORMAT "</td><td colspan=\"3\"></td><td>-</td><td>",
                             (gint64)row->rss, (gint64)row->swapents, (gint64)row->pgtables);
      if (victim)
        g_string_append(out, "<strong>victim</strong>, ");
      else if (too)
        html_escf(out, "killed too (%s), ", too);
      html_escf(out, "not scored: %s", row_unscored_reason(oc, row));
      g_string_append(out, "</td></tr>\n");
      continue;
    }
    glong t[HTML_TERM_N];
    row_terms(sys, oc, row, t);
    terms_cells(out, t, row->points);
    g_string_append(out, "<td>");
    if (victim)
      g_string_append(out, "<strong>victim</strong>");
    else if (too)
      html_escf(out, "killed too (%s)", too);
    else
      g_string_append(out, "candidate");
    g_string_append(out, "</td></tr>\n");
  }
  g_string_append(out, "</tbody></table></div>\n");
}

static void decision_tie(GString *out, const KmSystem *sys, const OomControl *oc)
{
  const KmOomRow *chosen = chosen_row(oc);
  if (!chosen || chosen->origin || chosen->skip != KM_SKIP_NONE)
    return;
  g_autoptr(GString) ties = g_string_new(NULL);
  for (guint i = 0; i < oc->rows->len; i++) {
    const KmOomRow *row = &g_array_index(oc->rows, KmOomRow, i);
    if (row != chosen && row->skip == KM_SKIP_NONE && !row->origin && row->points == chosen->points)
      g_string_append_printf(ties, "%s%d (%s)", ties->len ? ", " : "", row->task->pid, row->task->comm);
  }
  if (!ties->len)
    return;
  g_string_append(out, "<p class=\"tie\"><strong>Tie.</strong> ");
  html_escf(out, "pid %s had the same points as the victim; on kernel %s %s", ties->str, sys->profile->name,
       report_tie_later_wins(sys) ? "the later task in scan order wins (only a lower score is passed over)"
                                  : "the earlier task keeps its place (an equal score does not displace it)");
  g_string_append(out, " (");
  html_term(out, "tie-rule", "tie rule");
  g_string_append(out, ").</p>\n");
}

/* What out_of_memory() did, in words (the JSON and text reports' token follows in parentheses). */
static const char *const action_words[] = {
  [KM_OOM_KILLED] = "a victim was killed",
  [KM_OOM_KILLED_ALLOCATING] = "the allocating task was killed without a scan (vm.oom_kill_allocating_task)",
  [KM_OOM_CURRENT_EXITING] = "the allocating task is exiting already, so nothing more is killed",
  [KM_OOM_VICTIM_EXITING] = "the chosen victim is exiting already, so it is not signalled again",
  [KM_OOM_GFP_NOFS] = "nothing, the allocation cannot enter the file system and is retried",
  [KM_OOM_ABORTED] = "nothing, an earlier victim is still exiting",
  [KM_OOM_NO_KILLABLE] = "nothing, no process may be killed",
  [KM_OOM_PANIC] = "the kernel panicked (vm.panic_on_oom)",
};

static void record_decision(ReportHtml *html, const KmSystem *sys, const SimEvent *ev, guint n)
{
  const OomControl *oc = ev->oc;
  GString *out = html->decisions;
  g_autofree char *when = report_seconds_text(ev->time_ns);
  g_autofree char *total = bytes_of(sys, oc->totalpages);
  g_string_append_printf(out, "<section class=\"oom\" id=\"oom-%u\">\n<h3>OOM decision %u at %s</h3>\n", n, n, when);
  g_string_append(out, "<p>");
  html_term(out, "constraint", "Constraint");
  html_escf(out, " %s; domain: %s; ", km_constraint_names[oc->constraint],
       oc->memcg ? oc->memcg->path : "the whole machine (global OOM)");
  html_term(out, "totalpages", "totalpages");
  html_escf(out, " %" G_GINT64_FORMAT " (%s); outcome: %s (%s).", oc->totalpages, total, action_words[oc->action],
       report_oom_action_name(oc->action));
  g_string_append(out, "</p>\n");

  g_autoptr(GString) skipped = g_string_new(NULL);
  for (guint i = 0; i < oc->rows->len; i++) {
    const KmOomRow *row = &g_array_index(oc->rows, KmOomRow, i);
    if (row_scored(row))
      continue;
    g_string_append_printf(skipped, "<li data-pid=\"%d\">", row->task->pid);
    html_escf(skipped, "pid %d (%s): %s", row->task->pid, row->task->comm, row_unscored_reason(oc, row));
    g_string_append(skipped, "</li>\n");
  }
  if (oc->rows->len) {
    html_badness_legend(out, HTML_TERMS_PAGES);
    decision_bars(out, sys, oc);
    decision_table(out, sys, oc);
  } else {
    g_string_append(out, "<p>No process was scanned: the decision was taken before select_bad_process().</p>\n");
  }
  if (skipped->len) {
    g_string_append(out, "<p>Not scored:</p>\n<ul class=\"skipped\">\n");
    g_string_append(out, skipped->str);
    g_string_append(out, "</ul>\n");
  }
  decision_tie(out, sys, oc);
  if (sys->profile->normalise_chosen_points && oc->chosen)
    g_string_append_printf(out, "<p>On this kernel chosen_points is then normalised to %ld (points * 1000 / "
                           "totalpages).</p>\n", oc->chosen_points);
  if (oc->kills->len) {
    g_string_append(out, "<p>SIGKILL sent to: ");
    for (guint i = 0; i < oc->kills->len; i++) {
      const KmKill *kill = &g_array_index(oc->kills, KmKill, i);
      html_escf(out, "%spid %d (%s, %s)", i ? ", " : "", kill->task->pid, kill->task->comm,
           report_kill_kind_name(kill->kind));
    }
    g_string_append(out, ".</p>\n");
  }
  g_string_append(out, "</section>\n");
}

#define HTML_MAX_FINAL_BARS 60

/* A run in which the OOM killer never ran: the processes alive at the end of the trace as oom_badness() would
 * score them over the whole machine (totalpages = RAM + swap, what proc_oom_score() reads in /proc/PID/oom_score),
 * so that a learner sees the badness and oom_score_adj at work even where nothing was killed. Said plainly to be
 * no decision of the kernel's (SimFinalScore, sim/engine.c fill_final_scores()). */
static void final_scores_section(GString *out, const KmSystem *sys, const SimOutcome *o)
{
  KmPages totalpages = sys->machine.totalram_pages + sys->machine.total_swap_pages;
  g_autofree char *total = bytes_of(sys, totalpages);
  g_string_append(out, "<p>The OOM killer never ran, so the kernel scored no one and chose no victim; what happened "
                       "instead is in the narrative below. For reading the scores, here is what it <em>would</em> "
                       "score if it ran over the whole machine at the end of the trace: each process's ");
  html_term(out, "badness", "oom_badness()");
  g_string_append(out, " with ");
  html_term(out, "totalpages", "totalpages");
  html_escf(out, " = RAM + swap = %" G_GINT64_FORMAT " (%s), the figure /proc/PID/oom_score shows. This is not a "
                 "decision the kernel took.", totalpages, total);
  g_string_append(out, "</p>\n");
  guint n = MIN(o->final_scores->len, HTML_MAX_FINAL_BARS);
  g_autofree HtmlBarRow *bars = g_new0(HtmlBarRow, MAX(n, 1));
  for (guint i = 0; i < n; i++) {
    const SimFinalScore *f = o->final_scores->pdata[i];
    HtmlBarRow *b = &bars[i];
    b->pid = f->pid;
    b->comm = f->comm;
    b->held = (glong)(f->rss + f->swapents + f->pgtables);
    /* oom_badness(): "if (adj == OOM_SCORE_ADJ_MIN || ...) return LONG_MIN" */
    b->scored = f->oom_score_adj != OOM_SCORE_ADJ_MIN;
    if (!b->scored) {
      b->unscored_reason = "oom_score_adj -1000: never chosen";
      continue;
    }
    b->points = badness_terms(sys, f->rss, f->swapents, f->pgtables, f->oom_score_adj, f->cap_sys_admin, totalpages,
                              b->terms);
  }
  g_string_append(out, "<section class=\"scores\" id=\"final-scores\">\n<h3>The scores at the end of the trace "
                       "(no OOM decision)</h3>\n");
  html_badness_legend(out, HTML_TERMS_PAGES);
  html_badness_bars(out, bars, n, !sys->profile->badness_signed);
  terms_table_head(out, "oom_badness() of each process at the end of the trace, in pages, and /proc/PID/oom_score",
                   "oom_score");
  for (guint i = 0; i < n; i++) {
    const SimFinalScore *f = o->final_scores->pdata[i];
    const HtmlBarRow *b = &bars[i];
    g_string_append_printf(out, "<tr data-pid=\"%d\"><td>%d</td><td>", f->pid, f->pid);
    html_esc(out, f->comm);
    g_string_append(out, "</td>");
    if (!b->scored) {
      g_string_append_printf(out, "<td class=\"n\">%" G_GINT64_FORMAT "</td><td class=\"n\">%" G_GINT64_FORMAT
                             "</td><td class=\"n\">%" G_GINT64_FORMAT "</td><td colspan=\"4\">%s</td>",
                             f->rss, f->swapents, f->pgtables, b->unscored_reason);
    } else {
      terms_cells(out, b->terms, b->points);
    }
    g_string_append_printf(out, "<td class=\"n\">%d</td></tr>\n", f->proc_oom_score);
  }
  g_string_append(out, "</tbody></table></div>\n");
  guint left = o->final_scores->len - n + o->final_scores_dropped;
  if (left)
    g_string_append_printf(out, "<p>%u further processes are not shown (at most %d).</p>\n", left,
                           HTML_MAX_FINAL_BARS);
  g_string_append(out, "</section>\n");
}

static void on_oom(ReportHtml *html, const KmSystem *sys, const SimEvent *ev)
{
  const OomControl *oc = ev->oc;
  guint n = ++html->n_decisions;
  if (n <= HTML_MAX_DECISIONS)
    record_decision(html, sys, ev, n);
  else
    html->decisions_dropped++;
  story_oom(html, sys, ev, n);
  if ((oc->action == KM_OOM_KILLED || oc->action == KM_OOM_KILLED_ALLOCATING) && oc->chosen)
    add_marker(html, HTML_MARK_KILL, ev->time_ns,
               g_strdup_printf("OOM kill of pid %d (%s)", oc->chosen->pid, oc->chosen->comm));
}

/* ---------------------------------------------------------------- the event entry point */

void report_html_event(ReportHtml *html, const KmSystem *sys, const SimEvent *ev)
{
  html->seq++;
  report_dmesg_event(html->dmesg, sys, ev);
  switch (ev->kind) {
  case SIM_EV_BEGIN:
    if (ev->header) {
      html->title = g_strdup(ev->header->name);
      html->description = g_strdup(ev->header->description);
    }
    html->file = g_strdup(ev->scenario_file);
    take_sample(html, sys, ev->time_ns, TRUE);
    return;
  case SIM_EV_STEP:
    story_step(html, sys, ev);
    break;
  case SIM_EV_ENOMEM:
    html->overcommit_matters = html->overcommit_matters || ev->enomem_overcommit;
    story_enomem(html, sys, ev);
    add_marker(html, HTML_MARK_ENOMEM, ev->time_ns, g_strdup_printf("ENOMEM for pid %d", ev->task ? ev->task->pid : 0));
    break;
  case SIM_EV_OOM:
    if (ev->oc)
      on_oom(html, sys, ev);
    take_sample(html, sys, ev->time_ns, TRUE);
    return;
  case SIM_EV_EXIT:
    story_exit(html, sys, ev);
    break;
  case SIM_EV_PANIC:
    story_plain(html, ev, "the kernel panicked: nothing runs after this", "panic-on-oom", "panic_on_oom");
    add_marker(html, HTML_MARK_PANIC, ev->time_ns, g_strdup("kernel panic"));
    break;
  case SIM_EV_RECLAIM:
    story_reclaim(html, sys, ev);
    break;
  case SIM_EV_STEP_ERROR:
    story_plain(html, ev, ev->errno_name ? ev->errno_name : "a step failed", NULL, NULL);
    break;
  case SIM_EV_SEGV:
    story_plain(html, ev, "SIGSEGV: a touch of memory that is not mapped", "virt-rss", "VIRT vs RSS");
    break;
  case SIM_EV_LIVELOCK:
    story_plain(html, ev, "livelock: a charge no OOM kill can satisfy is retried for ever", "memcg", "memcg");
    break;
  case SIM_EV_BLOCKED:
    story_plain(html, ev, "a process sleeps in a cgroup whose OOM killer is disabled", NULL, NULL);
    break;
  case SIM_EV_CHARGE_FORCED:
    story_plain(html, ev, "the memcg OOM killed nobody and the charge went over the limit", "memory-max",
                "memory.max");
    break;
  case SIM_EV_KUBELET:
  case SIM_EV_EARLYOOM:
  case SIM_EV_OOMD:
    story_plain(html, ev, ev->kind == SIM_EV_KUBELET ? "the kubelet" : ev->kind == SIM_EV_EARLYOOM ? "earlyoom"
                                                                                                 : "systemd-oomd",
                "userspace", "userspace killers");
    if (ev->task)
      add_marker(html, HTML_MARK_ACTOR, ev->time_ns, g_strdup(ev->detail ? ev->detail : "userspace action"));
    break;
  case SIM_EV_END:
    take_sample(html, sys, ev->time_ns, TRUE);
    report_html_finish(html, sys, ev);
    return;
  case SIM_EV_SKIPPED:
  case SIM_EV_QUEUED:
  case SIM_EV_UNBLOCKED:
  case SIM_EV_REAPED:
  case SIM_EV_WAIT:
  case SIM_EV_THROTTLE:
  default:
    break;
  }
  take_sample(html, sys, ev->time_ns, FALSE);
}

/* ---------------------------------------------------------------- the page */



typedef enum { HTML_SOLID, HTML_DASHED, HTML_DOTTED, HTML_THIN, HTML_DASHDOT } HtmlLineStyle;

static const char *const line_class[] = {
  [HTML_SOLID] = "ln", [HTML_DASHED] = "lim", [HTML_DOTTED] = "lim dot", [HTML_THIN] = "ln thin",
  [HTML_DASHDOT] = "lim dashdot",
};

/* said in the key, so that the line style, not only its colour, tells the series apart */
static const char *const line_style_words[] = {
  [HTML_SOLID] = "", [HTML_DASHED] = " (dashed)", [HTML_DOTTED] = " (dotted)", [HTML_THIN] = " (thin)",
  [HTML_DASHDOT] = " (dash-dot)",
};

typedef struct {
  char *name;
  const char *css;
  HtmlLineStyle style;
  gboolean stacked; /* an area on top of the stacked series before it */
  double *values;   /* MiB, one per sample */
} HtmlLine;

/* The x axis: the virtual clock, or the events' order when the whole run happens at one instant (a trace
 * without times). */
typedef struct {
  gboolean by_seq;
  guint64 lo, hi;
} HtmlAxis;

static HtmlAxis axis_of(const GArray *samples)
{
  const HtmlSample *first = &g_array_index(samples, HtmlSample, 0);
  const HtmlSample *last = &g_array_index(samples, HtmlSample, samples->len - 1);
  HtmlAxis a = { FALSE, 0, last->time_ns };
  if (last->time_ns == first->time_ns)
    a = (HtmlAxis){ TRUE, first->seq, MAX(last->seq, first->seq + 1) };
  return a;
}

static double x_of(const HtmlAxis *a, guint64 time_ns, guint64 seq)
{
  guint64 v = a->by_seq ? seq : time_ns;
  v = CLAMP(v, a->lo, a->hi);
  return 60.0 + 720.0 * (double)(v - a->lo) / (double)MAX(a->hi - a->lo, 1);
}

static char *axis_label(const HtmlAxis *a, guint64 v)
{
  if (a->by_seq)
    return g_strdup_printf("event %" G_GUINT64_FORMAT, v);
  return report_seconds_text(v);
}

/* One chart: a grid, the time axis, stacked areas (the `stacked` series, in order, each band on top of the ones
 * before), lines (solid, or dashed for a limit) and, when asked, the markers. Every series is a step function:
 * a value holds until the next sample. */
static void chart_lines(GString *out, const KmSystem *sys, const ReportHtml *html, const char *id, const char *label,
                        const HtmlLine *lines, guint n_lines, gboolean markers)
{
  GArray *samples = html->samples;
  guint n = samples->len;
  HtmlAxis ax = axis_of(samples);
  g_autofree double *base = g_new0(double, n), *top_of = g_new0(double, n);
  double y_max = 1;
  for (guint l = 0; l < n_lines; l++)
    for (guint i = 0; i < n; i++) {
      if (lines[l].stacked)
        base[i] += lines[l].values[i];
      y_max = MAX(y_max, lines[l].stacked ? base[i] : lines[l].values[i]);
    }
  y_max *= 1.08;
  const double top = 24, bottom = 250;
#define Y_OF(v) (bottom - (bottom - top) * (v) / y_max)
  g_string_append_printf(out, "<figure id=\"%s\"><svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 800 280\" "
                              "role=\"img\" aria-labelledby=\"%s-cap\">\n", id, id);
  for (int g = 0; g <= 4; g++) {
    double y = bottom - (bottom - top) * g / 4.0;
    g_string_append_printf(out, "<line class=\"grid\" x1=\"60\" x2=\"780\" y1=\"%.1f\" y2=\"%.1f\"/>"
                                "<text x=\"56\" y=\"%.1f\" text-anchor=\"end\">%.1f</text>\n",
                           y, y, y + 4, y_max * g / 4.0);
  }
  g_string_append_printf(out, "<text x=\"4\" y=\"14\">MiB</text><line class=\"axis\" x1=\"60\" x2=\"780\" "
                              "y1=\"%.0f\" y2=\"%.0f\"/>\n", bottom, bottom);
  for (int g = 0; g <= 4; g++) {
    guint64 v = ax.lo + (ax.hi - ax.lo) * (guint64)g / 4;
    g_autofree char *t = axis_label(&ax, v);
    g_string_append_printf(out, "<text x=\"%.1f\" y=\"268\" text-anchor=\"%s\">%s</text>\n",
                           60.0 + 180.0 * g, g == 4 ? "end" : g == 0 ? "start" : "middle", t);
  }
  memset(base, 0, n * sizeof *base);
  for (guint l = 0; l < n_lines; l++) {
    if (!lines[l].stacked)
      continue;
    /* the band: its upper edge left to right, then the edge below it (the bands before) right to left */
    g_string_append_printf(out, "<polygon class=\"area %s\" points=\"", lines[l].css);
    for (guint i = 0; i < n; i++) {
      const HtmlSample *s = &g_array_index(samples, HtmlSample, i);
      double x = x_of(&ax, s->time_ns, s->seq);
      top_of[i] = base[i] + lines[l].values[i];
      if (i > 0)
        g_string_append_printf(out, "%.1f,%.1f ", x, Y_OF(top_of[i - 1]));
      g_string_append_printf(out, "%.1f,%.1f ", x, Y_OF(top_of[i]));
    }
    for (guint i = n; i-- > 0;) {
      const HtmlSample *s = &g_array_index(samples, HtmlSample, i);
      double x = x_of(&ax, s->time_ns, s->seq);
      g_string_append_printf(out, "%.1f,%.1f ", x, Y_OF(base[i]));
      if (i > 0)
        g_string_append_printf(out, "%.1f,%.1f ", x, Y_OF(base[i - 1]));
    }
    g_string_append(out, "\"><title>");
    html_esc(out, lines[l].name);
    g_string_append(out, "</title></polygon>\n");
    memcpy(base, top_of, n * sizeof *base);
  }
  for (guint l = 0; l < n_lines; l++) {
    if (lines[l].stacked)
      continue;
    g_string_append_printf(out, "<polyline class=\"%s %s\" points=\"", line_class[lines[l].style], lines[l].css);
    for (guint i = 0; i < n; i++) {
      const HtmlSample *s = &g_array_index(samples, HtmlSample, i);
      double x = x_of(&ax, s->time_ns, s->seq);
      if (i > 0)
        g_string_append_printf(out, "%.1f,%.1f ", x, Y_OF(lines[l].values[i - 1]));
      g_string_append_printf(out, "%.1f,%.1f ", x, Y_OF(lines[l].values[i]));
    }
    g_string_append(out, "\"><title>");
    html_esc(out, lines[l].name);
    g_string_append(out, "</title></polyline>\n");
  }
#undef Y_OF
  for (guint i = 0; markers && i < html->markers->len; i++) {
    const HtmlMarker *m = &g_array_index(html->markers, HtmlMarker, i);
    double x = x_of(&ax, m->time_ns, m->seq);
    g_string_append_printf(out, "<g class=\"mk %s\"><line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.0f\" y2=\"%.0f\"/>"
                                "<text x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\">%s</text><title>",
                           mark_class[m->kind], x, x, top, bottom, x, top - 6 - 10.0 * (i % 2), mark_symbol[m->kind]);
    g_autofree char *t = report_seconds_text(m->time_ns);
    html_escf(out, "%s: %s", t, m->label);
    g_string_append(out, "</title></g>\n");
  }
  g_string_append_printf(out, "</svg>\n<figcaption id=\"%s-cap\">", id);
  html_esc(out, label);
  g_string_append(out, " Key: ");
  for (guint l = 0; l < n_lines; l++) {
    if (lines[l].stacked)
      g_string_append_printf(out, "<span class=\"ln-key\"><span class=\"key area %s\"></span> ", lines[l].css);
    else
      g_string_append_printf(out, "<span class=\"ln-key\"><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"28\" "
                                  "height=\"10\" style=\"display:inline;width:28px\" aria-hidden=\"true\"><line "
                                  "class=\"%s %s\" x1=\"0\" x2=\"28\" y1=\"5\" y2=\"5\"/></svg> ",
                             line_class[lines[l].style], lines[l].css);
    html_esc(out, lines[l].name);
    g_string_append_printf(out, "%s</span>; ", line_style_words[lines[l].style]);
  }
  if (markers)
    g_string_append(out, "markers on the time axis: K = OOM kill, E = ENOMEM, P = panic, U = userspace killer.");
  g_string_append(out, "</figcaption></figure>\n");
  (void)sys;
}

static const char *const colours[] = { "c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7" };
static const char *const swap_colours[] = { "c0 sw", "c1 sw", "c2 sw", "c3 sw", "c4 sw", "c5 sw", "c6 sw", "c7 sw" };

/* A series of a chart, in MiB, from one field of every sample; NULL when it never leaves `unset` (a limit that
 * is "max", a counter that stays 0), so that a chart draws only what the run used. */
static double *series_of(const KmSystem *sys, const GArray *samples, gsize offset, KmPages unset)
{
  gboolean used = FALSE;
  double *v = g_new0(double, samples->len);
  for (guint i = 0; i < samples->len; i++) {
    KmPages p = *(const KmPages *)((const char *)&g_array_index(samples, HtmlSample, i) + offset);
    used = used || p != unset;
    v[i] = p == KM_PAGES_MAX ? 0 : mib(sys, p);
  }
  if (!used)
    g_clear_pointer(&v, g_free);
  return v;
}

#define SERIES(field, k) (G_STRUCT_OFFSET(HtmlSample, field) + (gsize)(k) * sizeof(KmPages))

static void chart_cgroups(GString *out, const KmSystem *sys, const ReportHtml *html)
{
  HtmlLine lines[HTML_MAX_SERIES * 5] = { { 0 } };
  guint nl = 0;
  for (guint s = 0; s < html->n_series; s++) {
    static const struct {
      gsize offset;
      KmPages unset;
      HtmlLineStyle style;
      const char *what;
    } parts[] = {
      { G_STRUCT_OFFSET(HtmlSample, usage), KM_PAGES_MAX, HTML_SOLID, NULL },
      { G_STRUCT_OFFSET(HtmlSample, max), KM_PAGES_MAX, HTML_DASHED, "memory.max" },
      { G_STRUCT_OFFSET(HtmlSample, high), KM_PAGES_MAX, HTML_DOTTED, "memory.high" },
      { G_STRUCT_OFFSET(HtmlSample, swap), 0, HTML_THIN, "swap charged" },
      { G_STRUCT_OFFSET(HtmlSample, swap_max), KM_PAGES_MAX, HTML_DASHDOT, "memory.swap.max" },
    };
    for (guint k = 0; k < G_N_ELEMENTS(parts); k++) {
      double *v = series_of(sys, html->samples, parts[k].offset + s * sizeof(KmPages), parts[k].unset);
      if (!v)
        continue;
      char *name = parts[k].what ? g_strdup_printf("%s %s", html->series_path[s], parts[k].what)
                                 : g_strdup(html->series_path[s]);
      lines[nl++] = (HtmlLine){ name, colours[s], parts[k].style, FALSE, v };
    }
  }
  chart_lines(out, sys, html, "chart-cgroups", "Memory charged to each cgroup (memory.current) against its limits "
              "(memory.max, memory.high; memory.swap.max and the swap charged to it when swap is used).", lines, nl,
              TRUE);
  for (guint l = 0; l < nl; l++) {
    g_free(lines[l].values);
    g_free(lines[l].name);
  }
}

static void chart_procs(GString *out, const KmSystem *sys, const ReportHtml *html)
{
  HtmlLine lines[HTML_MAX_PROCS * 2] = { { 0 } };
  guint nl = 0;
  for (guint p = 0; p < html->n_procs; p++) {
    lines[nl++] = (HtmlLine){ g_strdup_printf("%s rss", html->proc_label[p]), colours[p], HTML_SOLID, TRUE,
                              series_of(sys, html->samples, SERIES(proc_rss, p), KM_PAGES_MAX) };
    double *swap = series_of(sys, html->samples, SERIES(proc_swap, p), 0);
    if (swap)
      lines[nl++] = (HtmlLine){ g_strdup_printf("%s swap", html->proc_label[p]), swap_colours[p], HTML_SOLID, TRUE,
                                swap };
  }
  g_autofree char *label = g_strdup_printf("The memory of each process, stacked: its resident pages (rss) and, "
                                           "lighter, its pages in swap: what oom_badness() counts, with the page "
                                           "tables.%s", html->procs_dropped ? " Only the first 8 processes to hold "
                                           "memory are drawn." : "");
  chart_lines(out, sys, html, "chart-procs", label, lines, nl, html->n_series == 0);
  for (guint l = 0; l < nl; l++) {
    g_free(lines[l].values);
    g_free(lines[l].name);
  }
}

static void chart_machine(GString *out, const KmSystem *sys, const ReportHtml *html)
{
  HtmlLine m[4] = {
    { g_strdup("MemFree"), "cf", HTML_SOLID, FALSE, series_of(sys, html->samples, SERIES(free, 0), KM_PAGES_MAX) },
    { g_strdup("swap used"), "cs", HTML_SOLID, FALSE, series_of(sys, html->samples, SERIES(swap_used, 0), KM_PAGES_MAX) },
    { g_strdup("min watermark"), "cw", HTML_DASHED, FALSE, series_of(sys, html->samples, SERIES(wmark_min, 0), KM_PAGES_MAX) },
    { g_strdup("high watermark"), "ch", HTML_DASHED, FALSE, series_of(sys, html->samples, SERIES(wmark_high, 0), KM_PAGES_MAX) },
  };
  chart_lines(out, sys, html, "chart-machine", "The machine: MemFree against the zones' watermarks (summed), and "
              "swap in use.", m, 4, html->n_series == 0 && html->n_procs == 0);
  for (int l = 0; l < 4; l++) {
    g_free(m[l].values);
    g_free(m[l].name);
  }
  if (!html->overcommit_matters)
    return;
  HtmlLine c[2] = {
    { g_strdup("Committed_AS"), "cf", HTML_SOLID, FALSE, series_of(sys, html->samples, SERIES(committed_as, 0), KM_PAGES_MAX) },
    { g_strdup("CommitLimit"), "cw", HTML_DASHED, FALSE, series_of(sys, html->samples, SERIES(commit_limit, 0), KM_PAGES_MAX) },
  };
  chart_lines(out, sys, html, "chart-commit", "Overcommit: the memory promised to mappings (Committed_AS) against "
              "CommitLimit (swap + overcommit_ratio % of RAM), which vm.overcommit_memory=2 enforces at mmap() "
              "time. The markers are on the first chart.", c, 2, FALSE);
  for (int l = 0; l < 2; l++) {
    g_free(c[l].values);
    g_free(c[l].name);
  }
}

static void chart_section(GString *out, const KmSystem *sys, const ReportHtml *html)
{
  GArray *samples = html->samples;
  guint n = samples->len;
  g_string_append(out, "<section id=\"chart\"><h2>Memory over time</h2>\n<p>Sampled at the simulator's events "
                       "(a step, an OOM, an exit), not in between: a step that touches memory in a loop shows as "
                       "one jump.</p>\n");
  HtmlAxis ax = axis_of(samples);
  if (ax.by_seq)
    g_string_append(out, "<p>The whole run happens at one instant of the virtual clock (its steps have no "
                         "times), so the x axis counts the simulator's events instead of seconds.</p>\n");
  if (html->n_series)
    chart_cgroups(out, sys, html);
  if (html->n_procs)
    chart_procs(out, sys, html);
  chart_machine(out, sys, html);
  if (html->markers_dropped)
    g_string_append_printf(out, "<p>%u further markers are not drawn (at most %d).</p>\n", html->markers_dropped,
                           HTML_MAX_MARKERS);

  /* the text alternative: the samples as a table (at most about 200 rows, evenly spaced, the last one kept) */
  guint every = (n + 199) / 200;
  g_string_append(out, "<details><summary>The chart's figures as a table (MiB)</summary>\n<div class=\"wide\"><table class=\"samples\">"
                       "<thead><tr><th>time</th><th>MemFree</th><th>swap used</th>");
  for (guint s = 0; s < html->n_series; s++) {
    g_string_append(out, "<th>");
    html_esc(out, html->series_path[s]);
    g_string_append(out, "</th>");
  }
  for (guint p = 0; p < html->n_procs; p++) {
    g_string_append(out, "<th>");
    html_escf(out, "%s rss", html->proc_label[p]);
    g_string_append(out, "</th>");
  }
  if (html->overcommit_matters)
    g_string_append(out, "<th>Committed_AS</th><th>CommitLimit</th>");
  g_string_append(out, "</tr></thead><tbody>\n");
  for (guint i = 0; i < n; i++) {
    if (i % every != 0 && i != n - 1)
      continue;
    const HtmlSample *smp = &g_array_index(samples, HtmlSample, i);
    g_autofree char *t = report_seconds_text(smp->time_ns);
    g_string_append_printf(out, "<tr><td>%s</td><td class=\"n\">%.1f</td><td class=\"n\">%.1f</td>", t,
                           mib(sys, smp->free), mib(sys, smp->swap_used));
    for (guint s = 0; s < html->n_series; s++)
      g_string_append_printf(out, "<td class=\"n\">%.1f</td>", mib(sys, smp->usage[s]));
    for (guint p = 0; p < html->n_procs; p++)
      g_string_append_printf(out, "<td class=\"n\">%.1f</td>", mib(sys, smp->proc_rss[p]));
    if (html->overcommit_matters)
      g_string_append_printf(out, "<td class=\"n\">%.1f</td><td class=\"n\">%.1f</td>", mib(sys, smp->committed_as),
                             mib(sys, smp->commit_limit));
    g_string_append(out, "</tr>\n");
  }
  g_string_append(out, "</tbody></table></div></details>\n");
  if (html->markers->len) {
    g_string_append(out, "<p>Markers:</p><ul class=\"markers\">\n");
    for (guint i = 0; i < html->markers->len; i++) {
      const HtmlMarker *mk = &g_array_index(html->markers, HtmlMarker, i);
      g_autofree char *t = report_seconds_text(mk->time_ns);
      g_string_append_printf(out, "<li>%s %s: ", mark_symbol[mk->kind], t);
      html_esc(out, mk->label);
      g_string_append(out, "</li>\n");
    }
    g_string_append(out, "</ul>\n");
  }
  g_string_append(out, "</section>\n");
}

static void outcome_section(GString *out, const KmSystem *sys, const SimOutcome *o)
{
  g_string_append(out, "<section id=\"outcome\"><h2>Outcome</h2>\n<ul>\n");
  if (!o) {
    g_string_append(out, "</ul></section>\n");
    return;
  }
  g_string_append_printf(out, "<li>OOM killer invocations: %" G_GUINT64_FORMAT "; OOM kills: %u.</li>\n", o->oom_count,
                         o->kills->len);
  for (guint i = 0; i < o->kills->len; i++) {
    const SimKill *k = o->kills->pdata[i];
    g_autofree char *t = report_seconds_text(k->time_ns);
    g_string_append(out, "<li class=\"kill\">");
    html_escf(out, "%s: pid %d (%s) killed, %s, in %s.", t, k->pid, k->comm, k->constraint,
         k->oom_memcg ? k->oom_memcg : "the whole machine");
    g_string_append(out, "</li>\n");
  }
  if (o->enomem_steps->len)
    g_string_append_printf(out, "<li>Steps refused with ENOMEM: %u.</li>\n", o->enomem_steps->len);
  if (o->panicked)
    {
    g_string_append(out, "<li>The kernel panicked: ");
    html_esc(out, o->panic_message);
    g_string_append(out, "</li>\n");
  }
  for (guint i = 0; i < o->exits->len; i++) {
    const SimExit *e = o->exits->pdata[i];
    const char *comm = report_comm_of(sys, e->pid);
    g_string_append(out, "<li>");
    if (e->survived)
      html_escf(out, "pid %d (%s) survived.", e->pid, comm ? comm : "?");
    else
      html_escf(out, "pid %d (%s) exited with status %d (%s)%s%s.", e->pid, comm ? comm : "?", e->status,
           e->reason ? e->reason : "-", e->by ? ", killed by " : "", e->by ? e->by : "");
    g_string_append(out, "</li>\n");
  }
  g_string_append(out, "</ul></section>\n");
}

/* A terminated run as kubectl describe pod shows it: "Terminated, Reason: OOMKilled, Exit Code: 137, Started: 1 s,
 * Finished: 2 s" */
static void terminated_text(GString *out, const char *label, const SimExit *x, guint64 started_ns)
{
  g_autofree char *started = report_seconds_text(started_ns);
  g_autofree char *finished = report_seconds_text(x->time_ns);
  html_escf(out, "%s: Terminated, Reason: %s, Exit Code: %d, Started: %s, Finished: %s%s%s", label,
            x->reason ? x->reason : "?", x->status, started, finished, x->by ? ", killed by " : "", x->by ? x->by : "");
}

/* A container's State (and Last State) cell: sim_outcome_container_state(). */
static void pod_container_state(GString *out, const SimContainerState *rc)
{
  if (rc->exit) {
    terminated_text(out, "State", rc->exit, rc->started_ns);
  } else if (strcmp(rc->state, "Waiting") == 0) {
    g_autofree char *backoff = k8s_go_duration_text(rc->backoff_ns);
    g_autofree char *until = report_seconds_text(rc->restart_at_ns);
    html_escf(out, "State: Waiting, Reason: CrashLoopBackOff (back-off %s; the kubelet starts it again at %s)",
              backoff, until);
  } else {
    g_autofree char *started = report_seconds_text(rc->started_ns);
    html_escf(out, "State: Running, Started: %s", started);
  }
  if (rc->last) {
    g_string_append(out, "<br/>");
    terminated_text(out, "Last State", rc->last, rc->last_started_ns);
  }
}

/* The pods of a <kubelet> node (docs/kubernetes.md, "Container outcomes"): what the kubelet derived for each pod
 * and container (QoS class, cgroup limits, oom_score_adj) beside what happened to it, as `kubectl describe pod`
 * would show it at the end of the trace: its State (Running, Waiting in CrashLoopBackOff, Terminated: evicted,
 * OOMKilled with exit 137, completed), Last State and Restart Count (sim_outcome_container_state()). */
static void pods_section(GString *out, const K8sNode *node, const SimOutcome *o)
{
  g_autofree char *capacity = report_format_bytes(node->capacity_bytes);
  g_autofree char *allocatable = report_format_bytes(node->allocatable_bytes);
  g_autofree char *kubepods = report_format_bytes(node->kubepods_limit_bytes);
  g_string_append(out, "<section id=\"pods\"><h2>Pods</h2>\n<p>");
  html_escf(out, "kubelet %s, cgroup driver %s, cgroup v%d: capacity %s; the kubepods cgroup %s is limited to %s "
            "(capacity - kube-reserved - system-reserved); allocatable %s. Each container's state is what "
            "`kubectl describe pod` would show at the end of the trace.", node->version, node->cgroup_driver,
       node->cgroup_version, capacity, node->kubepods_cgroup, kubepods, allocatable);
  g_string_append(out, "</p>\n<div class=\"wide\"><table class=\"pods\"><caption>Pods and their containers: what the "
                       "kubelet derived, and what happened</caption>\n<tr><th>pod / container</th><th>QoS class, "
                       "priority</th><th>cgroup</th><th>request</th><th>limit</th><th>oom_score_adj</th>"
                       "<th>state</th><th>restarts</th></tr>\n");
  for (guint i = 0; i < node->pods->len; i++) {
    const K8sPod *pod = node->pods->pdata[i];
    const char *reason = NULL;
    const char *phase = o ? report_pod_phase(pod, o, &reason) : "Running";
    g_autofree char *limit = pod->memory_limit_bytes ? report_format_bytes(pod->memory_limit_bytes) : g_strdup("none");
    g_autofree char *request = report_format_bytes(pod->memory_request_bytes);
    g_string_append(out, "<tr class=\"pod\"><th>");
    html_escf(out, "%s/%s", pod->namespace_, pod->name);
    g_string_append(out, "</th><td>");
    html_escf(out, "%s, %" G_GINT64_FORMAT, k8s_qos_names[pod->qos], pod->priority);
    g_string_append(out, "</td><td><code>");
    html_esc(out, pod->cgroup);
    g_string_append(out, "</code></td><td class=\"n\">");
    html_esc(out, request);
    g_string_append(out, "</td><td class=\"n\">");
    html_esc(out, limit);
    g_string_append(out, "</td><td></td><td>");
    html_escf(out, "Status: %s%s%s; restartPolicy %s", phase, reason ? ", Reason: " : "", reason ? reason : "",
         pod->restart_policy);
    g_string_append(out, "</td><td></td></tr>\n");
    for (guint j = 0; j < pod->containers->len; j++) {
      const K8sContainer *c = pod->containers->pdata[j];
      SimContainerState rc;
      sim_outcome_container_state(o, c->pid, &rc);
      g_autofree char *climit = c->limit_bytes ? report_format_bytes(c->limit_bytes) : g_strdup("none");
      g_autofree char *crequest = report_format_bytes(c->request_bytes);
      const SimExit *shown = rc.exit ? rc.exit : rc.last;
      g_string_append_printf(out, "<tr class=\"container%s\"><td>", shown && shown->status == 137 ? " victim" : "");
      html_escf(out, "%s (pid %d)%s", c->name, c->pid, c->privileged ? ", privileged" : "");
      g_string_append(out, "</td><td></td><td><code>");
      html_esc(out, c->cgroup);
      g_string_append(out, "</code></td><td class=\"n\">");
      html_esc(out, crequest);
      g_string_append(out, "</td><td class=\"n\">");
      html_esc(out, climit);
      g_string_append_printf(out, "</td><td class=\"n\">%d</td><td>", c->oom_score_adj);
      pod_container_state(out, &rc);
      g_string_append_printf(out, "</td><td class=\"n\">%u</td></tr>\n", rc.restart_count);
    }
  }
  g_string_append(out, "</table></div>\n");
  g_string_append(out, "</section>\n");
}

static void dmesg_section(GString *out, const ReportHtml *html, const KmSystem *sys)
{
  g_string_append(out, "<section id=\"dmesg\"><h2>Kernel log</h2>\n");
  g_string_append(out, "<p>");
  html_escf(out, "The lines kernel %s prints for this run, exactly as `oomsim run --format dmesg` writes them (the "
            "hardware-specific call trace and per-zone lines left out). Open a line to see what it says and "
            "which kernel function prints it.", sys->profile->name);
  g_string_append(out, "</p>\n");
  if (html->dmesg_text->len) {
    report_html_dmesg_lines(out, html->dmesg_text->str, sys->machine.page_size);
    g_string_append(out, "<details><summary>How to read these lines</summary><dl>"
                         "<dt>… invoked oom-killer: gfp_mask=…, order=…, oom_score_adj=…</dt><dd>The task whose "
                         "allocation failed (current), what it asked for and its own oom_score_adj.</dd>"
                         "<dt>memory: usage … limit … failcnt …</dt><dd>The cgroup's counter against its "
                         "memory.max at the moment of the OOM (a memcg OOM only).</dd>"
                         "<dt>Tasks state (memory values in pages)</dt><dd>dump_tasks(): one row per candidate "
                         "with total_vm (VIRT), rss, page tables, swap entries and oom_score_adj: the figures the "
                         "bars above are made of.</dd>"
                         "<dt>oom-kill:constraint=…</dt><dd>The constraint, the OOM domain and the victim's "
                         "cgroup (from 5.0).</dd>"
                         "<dt>Killed process … total-vm … anon-rss … file-rss …</dt><dd>The victim and its memory "
                         "when SIGKILL was sent, in kB.</dd>"
                         "<dt>oom_reaper: reaped process …</dt><dd>The OOM reaper freed the victim's anonymous "
                         "memory without waiting for it to exit.</dd></dl></details>\n");
  } else {
    g_string_append(out, "<p>The kernel printed nothing for this run.</p>\n");
  }
  g_string_append(out, "</section>\n");
}

void report_html_finish(ReportHtml *html, const KmSystem *sys, const SimEvent *ev)
{
  GString *out = html->out;
  const char *title = html->title ? html->title : "oomsim run";
  html_page_begin(out, title);
  g_string_append(out, "<p class=\"meta\">");
  html_escf(out, "Kernel profile %s; scenario %s; RAM ", sys->profile->name, html->file ? html->file : "-");
  g_autofree char *ram = bytes_of(sys, sys->machine.totalram_pages);
  g_autofree char *swap = bytes_of(sys, sys->machine.total_swap_pages);
  html_escf(out, "%s, swap %s.", ram, swap);
  g_string_append(out, "</p>\n");
  if (html->description) {
    g_string_append(out, "<p class=\"desc\">");
    html_esc(out, html->description);
    g_string_append(out, "</p>\n");
  }
  const K8sNode *node = ev->header ? ev->header->k8s : NULL;
  g_string_append(out, "<nav><a href=\"#outcome\">Outcome</a> · ");
  if (node)
    g_string_append(out, "<a href=\"#pods\">Pods</a> · ");
  g_string_append(out, "<a href=\"#chart\">Chart</a> · <a "
                       "href=\"#decisions\">OOM decisions</a> · <a href=\"#narrative\">What happened</a> · <a "
                       "href=\"#dmesg\">Kernel log</a> · <a href=\"#glossary\">Glossary</a></nav>\n");
  outcome_section(out, sys, ev->outcome);
  if (node)
    pods_section(out, node, ev->outcome);
  chart_section(out, sys, html);

  g_string_append(out, "<section id=\"decisions\"><h2>OOM decisions</h2>\n");
  if (!html->n_decisions && ev->outcome && ev->outcome->final_scores->len)
    final_scores_section(out, sys, ev->outcome);
  else if (!html->n_decisions)
    g_string_append(out, "<p>The OOM killer never ran, so no process was scored: this run has no candidate bars. What "
                         "happened instead is in the narrative below.</p>\n");
  g_string_append(out, html->decisions->str);
  if (html->decisions_dropped)
    g_string_append_printf(out, "<p>%u further OOM decisions are not shown (at most %d); the narrative and the "
                                "kernel log have them.</p>\n", html->decisions_dropped, HTML_MAX_DECISIONS);
  g_string_append(out, "</section>\n");

  g_string_append(out, "<section id=\"narrative\"><h2>What happened</h2>\n<ol class=\"story\">\n");
  g_string_append(out, html->story->str);
  g_string_append(out, "</ol>\n");
  if (html->story_dropped)
    g_string_append_printf(out, "<p>%u further events are not told (at most %d).</p>\n", html->story_dropped,
                           HTML_MAX_STORY);
  g_string_append(out, "</section>\n");

  dmesg_section(out, html, sys);

  html_page_end(out);
}
