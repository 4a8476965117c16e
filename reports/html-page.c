/* reports/html-page.c: what the HTML pages share: the inline style sheet (no file, font or script is fetched), the
 * head and the end of a page with its glossary, escaping, glossary links, and the badness bars: one bar per row of
 * a select_bad_process() scan (mm/oom_kill.c), a candidate's bar split into the terms of oom_badness() as the
 * caller computed them (km_oom_badness_split() for a run, the report's era for explain), a row the scan did not
 * score drawn as the memory it holds with the reason. The run report (reports/html.c) and explain's page of a real
 * kernel report (explain/explain-html.c) are built from these, so a learner reads both the same way.
 */
#include "html-page.h"

#include <stdarg.h>

void html_esc(GString *out, const char *text)
{
  g_autofree char *e = g_markup_escape_text(text ? text : "", -1);
  g_string_append(out, e);
}

void html_escf(GString *out, const char *fmt, ...)
{
  va_list args;
  va_start(args, fmt);
  g_autofree char *text = g_strdup_vprintf(fmt, args);
  va_end(args);
  html_esc(out, text);
}

void html_term(GString *out, const char *id, const char *text)
{
  g_string_append_printf(out, "<a class=\"term\" href=\"#g-%s\">", id);
  html_esc(out, text);
  g_string_append(out, "</a>");
}

typedef struct {
  const char *id, *term, *text;
} HtmlGlossary;

static const HtmlGlossary glossary[] = {
  { "virt-rss", "VIRT vs RSS",
    "VIRT (total_vm) is the address space a process has mapped; RSS is the part actually in RAM. mmap() or "
    "malloc() only grow VIRT: a page becomes resident, and costs memory, when it is first touched. The OOM killer "
    "scores RSS (plus swap and page tables), never VIRT." },
  { "overcommit", "overcommit",
    "vm.overcommit_memory decides whether a mapping may promise more memory than exists. 0 (heuristic) refuses "
    "only absurd requests, 1 always allows, 2 refuses once Committed_AS would pass CommitLimit (swap + "
    "overcommit_ratio % of RAM): the mapping fails with ENOMEM and no OOM killer is needed." },
  { "enomem", "ENOMEM",
    "The error a system call returns when memory cannot be promised: a refused mmap(), or a charge a system call "
    "makes to a cgroup at its limit. The process sees an error; nothing is killed." },
  { "totalpages", "totalpages",
    "The size of the OOM domain in pages: RAM + swap for a global OOM, the cgroup's memory.max (plus its share of "
    "swap) for a memcg OOM. oom_score_adj is scaled by totalpages / 1000, so -1000..1000 spans the whole domain." },
  { "badness", "badness (points)",
    "oom_badness(): rss + swap entries + page-table pages + oom_score_adj * (totalpages / 1000), on some old kernels "
    "with a bonus for root processes. The candidate with the most points is killed." },
  { "oom-score-adj", "oom_score_adj",
    "A per-process value from -1000 to 1000 (/proc/PID/oom_score_adj). It moves the badness by adj thousandths of "
    "the domain; -1000 makes a process unkillable by the OOM killer." },
  { "root-bonus", "root bonus",
    "Old kernels favoured processes with CAP_SYS_ADMIN: 2.6.36 to 3.13 subtracted 30 from their oom_score_adj (30 "
    "thousandths of totalpages); 3.14 to 4.16, and the 3.10.y stable series and RHEL 7.9 that took the change, take "
    "3 % off their points. 4.17 and newer have no bonus." },
  { "tie-rule", "tie rule",
    "When two candidates have the same points, the scan order decides: from 5.x the later task wins; before, an "
    "equal score does not displace a task already chosen." },
  { "constraint", "constraint",
    "Why the OOM happened: CONSTRAINT_NONE (the whole machine), CONSTRAINT_MEMCG (a cgroup at its limit), or a "
    "cpuset or memory policy. It decides which processes are candidates." },
  { "memcg", "memcg (memory cgroup)",
    "A control group that charges the memory of its processes to one counter with limits. A cgroup at its limit "
    "runs its own OOM killer, choosing only among its own processes." },
  { "memory-max", "memory.max",
    "The hard limit of a cgroup v2 (limit_in_bytes in v1). When a charge would pass it and reclaim frees nothing, "
    "the memcg OOM killer runs; in Kubernetes this is the container's memory limit, and the kill shows as "
    "OOMKilled, exit code 137 (128 + SIGKILL)." },
  { "oom-group", "memory.oom.group",
    "When set on a cgroup, an OOM kill there takes every process of the cgroup, not just the victim." },
  { "watermarks", "watermarks",
    "Free-memory thresholds of each zone (min, low, high) derived from vm.min_free_kbytes. Below min only the "
    "kernel's reserves are left, so a user allocation that reclaim cannot help ends in the global OOM killer." },
  { "swap", "swap",
    "Disk space anonymous memory can be moved to. With swap, reclaim can free anonymous pages before an OOM; "
    "swapped pages still count in the badness (swap entries)." },
  { "panic-on-oom", "panic_on_oom",
    "vm.panic_on_oom: 1 panics on a global OOM (not on a memcg one), 2 panics on any OOM. A panic stops the "
    "machine instead of killing a process." },
  { "userspace", "userspace killers",
    "earlyoom, systemd-oomd and the kubelet's eviction watch memory from user space and kill before the kernel's "
    "OOM killer has to." },
};

static const char page_css[] =
  "body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1b1b1b;background:#fff;overflow-wrap:break-word}"
  "main{max-width:62rem;margin:0 auto;padding:0 1rem 3rem}"
  "h1{font-size:1.6rem;margin:1rem 0 .3rem}h2{border-bottom:1px solid #ccc;margin-top:2rem}"
  "svg{width:100%;height:auto;display:block}svg text{font:12px sans-serif;fill:#1b1b1b}"
  ".axis{stroke:#555;stroke-width:1}.grid{stroke:#ddd;stroke-width:1}"
  ".ln{fill:none;stroke-width:2}.lim{fill:none;stroke-width:1.5;stroke-dasharray:6 4}"
  ".c0{stroke:#1f77b4}.c1{stroke:#d62728}.c2{stroke:#2ca02c}.c3{stroke:#9467bd}.c4{stroke:#8c564b}"
  ".c5{stroke:#e377c2}.c6{stroke:#7f7f7f}.c7{stroke:#bcbd22}.cf{stroke:#1f77b4}.cs{stroke:#ff7f0e}"
  ".cw{stroke:#d62728}.ch{stroke:#2ca02c}.thin{stroke-width:1}.dot{stroke-dasharray:2 3}.dashdot{stroke-dasharray:8 3 2 3}"
  ".area{stroke-width:.5;fill-opacity:.7}.area.sw{fill-opacity:.3}.key.area{width:1.4em;opacity:.8}"
  ".area.c0,.key.c0{fill:#1f77b4;background:#1f77b4}.area.c1,.key.c1{fill:#d62728;background:#d62728}"
  ".area.c2,.key.c2{fill:#2ca02c;background:#2ca02c}.area.c3,.key.c3{fill:#9467bd;background:#9467bd}"
  ".area.c4,.key.c4{fill:#8c564b;background:#8c564b}.area.c5,.key.c5{fill:#e377c2;background:#e377c2}"
  ".area.c6,.key.c6{fill:#7f7f7f;background:#7f7f7f}.area.c7,.key.c7{fill:#bcbd22;background:#bcbd22}.key.sw{opacity:.4}"
  ".mk line{stroke-width:1.5;stroke-dasharray:3 2}.mk-kill line{stroke:#b00}.mk-enomem line{stroke:#a60}"
  ".mk-panic line{stroke:#000}.mk-actor line{stroke:#06c}.mk text{font-weight:bold}"
  ".b-rss{fill:#4e79a7}.b-swap{fill:#f28e2b}.b-pt{fill:#76b7b2}.b-adj{fill:#e15759}.b-root{fill:#b07aa1}"
  ".b-floor{fill:#999}.neg{opacity:.75}.tick,.zero{stroke:#000;stroke-width:2}.zero{stroke-width:1}"
  ".victim-bg{fill:#fff1c2}.killed-bg{fill:#fde0dc}.bar.victim text{font-weight:bold}.held{fill:#e4e4e4;stroke:#666;stroke-dasharray:4 2}"
  "svg text.why{font-size:11px;font-style:italic}.key.held{background:#e4e4e4;border:1px dashed #666}"
  ".key{display:inline-block;width:.9em;height:.9em;vertical-align:middle;background:#999}"
  ".key.b-rss{background:#4e79a7}.key.b-swap{background:#f28e2b}.key.b-pt{background:#76b7b2}"
  ".key.b-adj{background:#e15759}.key.b-root{background:#b07aa1}.key.tickkey{width:3px;background:#000}"
  ".legend{font-size:.9rem}.ln-key{font-size:.9rem}"
  ".wide{overflow-x:auto;max-width:100%}table{border-collapse:collapse;font-size:.9rem;margin:.5rem 0}"
  "th,td{border:1px solid #ccc;padding:.15rem .4rem;text-align:left}td.n{text-align:right}"
  "tr.victim{background:#fff1c2;font-weight:bold}tr.pod{background:#f3f6fa}caption{text-align:left;font-style:italic}"
  "pre{background:#f6f6f6;padding:.5rem;overflow-x:auto;font-size:.8rem;white-space:pre}"
  ".klog{background:#f6f6f6;padding:.5rem;overflow-x:auto;font-size:.8rem}.klog summary{white-space:pre;cursor:pointer}"
  ".klog summary code{font-size:.8rem}.klog p{white-space:normal;margin:.2rem 0 .5rem 1.2rem;font-size:.85rem;"
  "max-width:60rem;background:#fff;padding:.3rem .5rem;border-left:3px solid #4e79a7}"
  ".t{font-variant-numeric:tabular-nums;font-weight:bold}dt{font-weight:bold;margin-top:.6rem}"
  "section.oom{border-left:4px solid #b00;padding-left:.8rem;margin:1.5rem 0}"
  "a.term{text-decoration:underline dotted}"
  /* explain's page (explain/explain-html.c) */
  ".b-mem{fill:#4e79a7}.b-ceil{fill:#555}.key.b-mem{background:#4e79a7}.key.b-ceil{background:#555}"
  ".verdict{display:inline-block;padding:0 .4rem;border:2px solid #555;font-weight:bold}.v-agree{border-color:#2a7}"
  ".v-disagree{border-color:#b00}.v-undecided{border-color:#a60}.v-score{border-color:#a60}"
  "dl.facts{display:grid;grid-template-columns:minmax(6rem,max-content) minmax(0,1fr);gap:.1rem 1rem}dl.facts dt{margin:0}"
  "dl.facts dd{margin:0;min-width:0;overflow-wrap:anywhere}section.report h2,section.report li{overflow-wrap:anywhere}section.report{border-left:4px solid #b00;padding-left:.8rem;margin:1.5rem 0}"
  "tr.pick td:first-child::before{content:\"\u25b7 \"}";

void html_with_term(GString *out, const char *before, const char *id, const char *text, const char *after)
{
  html_esc(out, before);
  html_term(out, id, text);
  html_esc(out, after);
}

void html_page_begin(GString *out, const char *title)
{
  g_string_append(out, "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n"
                       "<meta charset=\"utf-8\"/>\n<meta name=\"viewport\" content=\"width=device-width, "
                       "initial-scale=1\"/>\n<title>oomsim: ");
  html_esc(out, title);
  g_string_append_printf(out, "</title>\n<style>%s</style>\n</head>\n<body>\n<main>\n<h1>", page_css);
  html_esc(out, title);
  g_string_append(out, "</h1>\n");
}

void html_page_end(GString *out)
{
  g_string_append(out, "<section id=\"glossary\"><h2>Glossary</h2>\n<dl>\n");
  for (guint i = 0; i < G_N_ELEMENTS(glossary); i++) {
    g_string_append_printf(out, "<dt id=\"g-%s\">", glossary[i].id);
    html_esc(out, glossary[i].term);
    g_string_append(out, "</dt><dd>");
    html_esc(out, glossary[i].text);
    g_string_append(out, "</dd>\n");
  }
  g_string_append(out, "</dl>\n</section>\n</main>\n</body>\n</html>\n");
}

/* ---------------------------------------------------------------- the badness bars */

const char *const html_term_class[HTML_TERM_N] = {
  [HTML_TERM_RSS] = "b-rss", [HTML_TERM_SWAP] = "b-swap", [HTML_TERM_PT] = "b-pt", [HTML_TERM_ADJ] = "b-adj",
  [HTML_TERM_ROOT] = "b-root", [HTML_TERM_FLOOR] = "b-floor", [HTML_TERM_MEM_1000] = "b-mem",
  [HTML_TERM_CEILING] = "b-ceil",
};

const char *const html_term_name[HTML_TERM_N] = {
  [HTML_TERM_RSS] = "rss", [HTML_TERM_SWAP] = "swap", [HTML_TERM_PT] = "page tables",
  [HTML_TERM_ADJ] = "oom_score_adj term", [HTML_TERM_ROOT] = "root bonus", [HTML_TERM_FLOOR] = "floor (at least 1)",
  [HTML_TERM_MEM_1000] = "(rss + page tables + swap) * 1000 / totalpages",
  [HTML_TERM_CEILING] = "ceiling (at most 1000)",
};

/* the order the terms are stacked and keyed in: the memory first, then what oom_badness() adds to it */
static const HtmlTerm term_order[HTML_TERM_N] = {
  HTML_TERM_MEM_1000, HTML_TERM_RSS, HTML_TERM_SWAP, HTML_TERM_PT, HTML_TERM_ADJ, HTML_TERM_ROOT, HTML_TERM_FLOOR,
  HTML_TERM_CEILING,
};

void html_badness_legend(GString *out, guint mask)
{
  g_string_append(out, "<p class=\"legend\">");
  for (guint i = 0; i < HTML_TERM_N; i++) {
    HtmlTerm k = term_order[i];
    if (!(mask & (1u << k)))
      continue;
    g_string_append_printf(out, "<span class=\"key %s\"></span> ", html_term_class[k]);
    if (k == HTML_TERM_ADJ || k == HTML_TERM_ROOT)
      html_term(out, k == HTML_TERM_ADJ ? "oom-score-adj" : "root-bonus", html_term_name[k]);
    else
      html_esc(out, html_term_name[k]);
    g_string_append_c(out, ' ');
  }
  g_string_append(out, "<span class=\"key tickkey\"></span> points (");
  html_term(out, "badness", "badness");
  g_string_append(out, ") <span class=\"key held\"></span> not scored (the memory it holds)</p>\n");
}

/* The bars, one per row of the scan: a scored candidate's positive terms stacked from 0 to the right, negative
 * ones (a negative oom_score_adj, the root bonus) drawn below them back from the positive end, a tick at the
 * points oom_badness() returned; a row the scan did not score is a dashed grey bar of the memory it holds
 * (rss + swap + page tables, the dump_tasks() figures) labelled with the reason, and no tick. */
void html_badness_bars(GString *out, const HtmlBarRow *rows, guint n, gboolean points_unsigned)
{
  double lo = 0, hi = 1;
  for (guint i = 0; i < n; i++) {
    const HtmlBarRow *row = &rows[i];
    glong pos = 0, all = 0;
    if (!row->scored) {
      hi = MAX(hi, (double)row->held);
      continue;
    }
    for (int k = 0; k < HTML_TERM_N; k++) {
      pos += MAX(row->terms[k], 0);
      all += row->terms[k];
    }
    hi = MAX(hi, (double)pos);
    lo = MIN(lo, (double)all);
  }
  const double x0 = 200, w = 560, row_h = 34;
  double scale = w / (hi - lo);
  double zero = x0 - lo * scale;
  guint height = (guint)(row_h * n + 24);
  g_string_append_printf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"bars\" viewBox=\"0 0 800 %u\" "
                              "role=\"img\" aria-label=\"badness of each candidate, term by term (the table below "
                              "has the figures)\">\n", height);
  for (guint i = 0; i < n; i++) {
    const HtmlBarRow *row = &rows[i];
    gboolean victim = row->victim, scored = row->scored;
    const char *too = victim ? NULL : row->killed_too;
    double y = 4 + row_h * i;
    g_string_append_printf(out, "<g class=\"bar%s%s%s\" data-pid=\"%d\">", victim ? " victim" : "",
                           scored ? "" : " unscored", too ? " killed-too" : "", row->pid);
    if (victim || too)
      g_string_append_printf(out, "<rect class=\"%s\" x=\"0\" y=\"%.1f\" width=\"800\" height=\"%.1f\"/>",
                             victim ? "victim-bg" : "killed-bg", y - 2, row_h - 2);
    g_string_append_printf(out, "<text x=\"4\" y=\"%.1f\">", y + 17);
    html_escf(out, "%s%d %s", victim ? "\xe2\x96\xb6 victim: " : too ? "killed too: " : "", row->pid, row->comm);
    g_string_append(out, "</text>");
    if (row->mark) { /* under the name, left of the bars */
      g_string_append_printf(out, "<text class=\"why mark\" x=\"4\" y=\"%.1f\">", y + 30);
      html_esc(out, row->mark);
      g_string_append(out, "</text>");
    }
    if (!scored) {
      double bw = MAX((double)row->held * scale, 1.0);
      g_string_append_printf(out, "<rect class=\"held\" x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"14\"><title>",
                             zero, y + 4, bw);
      html_escf(out, "holds %ld pages (rss + swap + page tables); not scored: %s", row->held, row->unscored_reason);
      g_string_append_printf(out, "</title></rect><text class=\"why\" x=\"%.2f\" y=\"%.1f\">", zero + 3, y + 30);
      html_escf(out, "not scored: %s", row->unscored_reason);
      g_string_append(out, "</text></g>\n");
      continue;
    }
    const glong *t = row->terms;
    double x = zero;
    for (guint o = 0; o < HTML_TERM_N; o++) {
      HtmlTerm k = term_order[o];
      if (t[k] <= 0)
        continue;
      double bw = (double)t[k] * scale;
      g_string_append_printf(out, "<rect class=\"%s\" x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"14\"><title>",
                             html_term_class[k], x, y + 4, bw);
      html_escf(out, "%s: %ld", html_term_name[k], t[k]);
      g_string_append(out, "</title></rect>");
      x += bw;
    }
    for (guint o = 0; o < HTML_TERM_N; o++) {
      HtmlTerm k = term_order[o];
      if (t[k] >= 0)
        continue;
      double bw = (double)-t[k] * scale;
      x -= bw;
      g_string_append_printf(out, "<rect class=\"%s neg\" x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"8\"><title>",
                             html_term_class[k], x, y + 19, bw);
      html_escf(out, "%s: %ld", html_term_name[k], t[k]);
      g_string_append(out, "</title></rect>");
    }
    double px = zero + (double)row->points * scale;
    if (points_unsigned)
      px = zero + (double)(gulong)row->points * scale;
    g_string_append_printf(out, "<line class=\"tick\" x1=\"%.2f\" x2=\"%.2f\" y1=\"%.1f\" y2=\"%.1f\"/>", px, px, y,
                           y + 28);
    g_string_append_printf(out, "<text class=\"pts\" x=\"%.2f\" y=\"%.1f\" text-anchor=\"%s\">%ld</text></g>\n",
                           px > 700 ? px - 3 : px + 3, y + 14, px > 700 ? "end" : "start", row->points);
  }
  g_string_append_printf(out, "<line class=\"zero\" x1=\"%.2f\" x2=\"%.2f\" y1=\"0\" y2=\"%u\"/>\n</svg>\n", zero, zero,
                         height);
}
