/* reports/json.c: the run as one JSON document, written as the run goes (JsonStream, reports/json-stream.c: no
 * tree is kept, so memory does not grow with the trace): the scenario, profile, machine, cgroups and processes,
 * every event in order, and the outcome. Keys are written in a fixed order, so the document is byte-stable. Every field is documented
 * in docs/report-formats.md; sizes are in pages ("_pages"), kB ("_kb", as the kernel prints them) or bytes
 * ("_bytes"), as their names say.
 */
#include "report-private.h"

#include "../kernel-model/km-util.h"
#include "../kernel-model/km-pcp.h"

#include "json-stream.h"

/* The JSON report's format version (docs/report-formats.md, "Versions"): raised when a field changes meaning or
 * goes away; new fields keep it. docs/report.schema.json describes this version. */
#define REPORT_JSON_VERSION 1

#ifndef OOMSIM_VERSION
#define OOMSIM_VERSION "unknown"
#endif

struct _ReportJson {
  GString *out;
  JsonStream *b;
  gboolean begun, ended;
};

ReportJson *report_json_new(GString *out)
{
  ReportJson *json = g_new0(ReportJson, 1);
  json->out = out;
  json->b = json_stream_new(out);
  return json;
}

void report_json_free(ReportJson *json)
{
  if (!json)
    return;
  json_stream_free(json->b);
  g_free(json);
}

/* ---------------------------------------------------------------- small helpers */

/* a page_counter max: null for "max" */
static void add_limit(JsonStream *b, const char *name, KmPages pages)
{
  if (pages == KM_PAGES_MAX)
    json_stream_member_null(b, name);
  else
    json_stream_member_int(b, name, pages);
}

/* a memory.events counter: null when the file or counter does not exist (-1 in SimMemcgEvents) */
static void add_counter(JsonStream *b, const char *name, gint64 value)
{
  if (value < 0)
    json_stream_member_null(b, name);
  else
    json_stream_member_int(b, name, value);
}

static void add_task_ref(JsonStream *b, const char *name, const KmTask *task)
{
  json_stream_set_member_name(b, name);
  if (!task) {
    json_stream_add_null_value(b);
    return;
  }
  json_stream_begin_object(b);
  json_stream_member_int(b, "pid", task->pid);
  json_stream_member_string(b, "comm", task->comm);
  json_stream_end_object(b);
}

/* ---------------------------------------------------------------- header */

static void add_machine(JsonStream *b, const KmSystem *sys, const ScenarioHeader *h)
{
  const KmMachine *m = &sys->machine;
  json_stream_set_member_name(b, "machine");
  json_stream_begin_object(b);
  json_stream_member_uint(b, "page_size", m->page_size);
  json_stream_member_int(b, "ram_pages", m->totalram_pages);
  json_stream_member_int(b, "swap_pages", m->total_swap_pages);
  json_stream_member_int(b, "kernel_reserved_pages", m->kernel_pages);
  json_stream_member_int(b, "wmark_min_pages", km_wmark_min_pages(sys));
  json_stream_member_int(b, "alloc_floor_pages", km_alloc_floor_pages(sys));
  json_stream_set_member_name(b, "zones");
  json_stream_begin_array(b);
  for (guint i = 0; i < m->nr_zones; i++) {
    const KmZone *z = &m->zones[i];
    json_stream_begin_object(b);
    json_stream_set_member_name(b, "name");
    json_stream_add_string_value(b, z->name);
    json_stream_member_int(b, "managed_pages", z->managed);
    json_stream_member_int(b, "wmark_min_pages", z->wmark_min);
    json_stream_member_int(b, "wmark_high_pages", z->wmark_high);
    json_stream_member_int(b, "lowmem_reserve_pages", z->lowmem_reserve);
    json_stream_end_object(b);
  }
  json_stream_end_array(b);
  json_stream_member_int(b, "cpus", m->nr_cpus);
  json_stream_set_member_name(b, "pcp");
  json_stream_begin_object(b);
  json_stream_member_int(b, "batch", m->pcp.batch);
  json_stream_member_int(b, "high", m->pcp.high);
  json_stream_member_int(b, "high_min", m->pcp.high_min);
  json_stream_member_int(b, "high_max", m->pcp.high_max);
  json_stream_end_object(b);
  json_stream_member_int(b, "commit_limit_pages", km_vm_commit_limit(sys));
  json_stream_member_int(b, "cgroup_version", h ? h->cgroup_version : sys->root_memcg->version);
  json_stream_set_member_name(b, "sysctls");
  json_stream_begin_object(b);
  json_stream_member_uint(b, "vm.min_free_kbytes", m->min_free_kbytes);
  json_stream_member_int(b, "vm.overcommit_memory", m->overcommit_memory);
  json_stream_member_int(b, "vm.overcommit_ratio", m->overcommit_ratio);
  json_stream_member_uint(b, "vm.overcommit_kbytes", m->overcommit_kbytes);
  json_stream_member_uint(b, "vm.admin_reserve_kbytes", m->admin_reserve_kbytes);
  json_stream_member_uint(b, "vm.user_reserve_kbytes", m->user_reserve_kbytes);
  json_stream_member_int(b, "vm.panic_on_oom", m->panic_on_oom);
  json_stream_member_int(b, "vm.oom_kill_allocating_task", m->oom_kill_allocating_task);
  json_stream_member_int(b, "vm.swappiness", m->swappiness);
  json_stream_end_object(b);
  json_stream_end_object(b);
}

static void add_cgroups(JsonStream *b, const KmSystem *sys)
{
  json_stream_set_member_name(b, "cgroups");
  json_stream_begin_array(b);
  for (guint i = 1; i < sys->memcgs->len; i++) {
    const KmMemcg *c = sys->memcgs->pdata[i];
    json_stream_begin_object(b);
    json_stream_member_string(b, "path", c->path);
    json_stream_member_int(b, "version", c->version);
    add_limit(b, "max_pages", c->max);
    if (c->version == 2) {
      add_limit(b, "high_pages", c->high);
      add_limit(b, "swap_max_pages", c->swap_max);
      json_stream_member_bool(b, "oom_group", c->oom_group);
    } else {
      add_limit(b, "memsw_max_pages", c->memsw_max);
      json_stream_member_bool(b, "oom_kill_disable", c->oom_kill_disable);
      json_stream_member_bool(b, "use_hierarchy", c->use_hierarchy);
    }
    json_stream_end_object(b);
  }
  json_stream_end_array(b);
}

static void add_processes(JsonStream *b, const ScenarioHeader *h)
{
  json_stream_set_member_name(b, "processes");
  json_stream_begin_array(b);
  for (guint i = 0; h && i < h->processes->len; i++) {
    const ScProcess *p = h->processes->pdata[i];
    json_stream_begin_object(b);
    json_stream_member_int(b, "pid", p->pid);
    json_stream_member_string(b, "comm", p->comm);
    json_stream_member_string(b, "cgroup", p->cgroup ? p->cgroup : "/");
    json_stream_member_uint(b, "uid", p->uid);
    json_stream_member_int(b, "oom_score_adj", p->oom_score_adj);
    json_stream_member_int(b, "threads", p->threads);
    json_stream_member_int(b, "parent", p->parent);
    json_stream_member_int(b, "shares_mm_with", p->shares_mm_with);
    json_stream_member_string(b, "container", p->container);
    json_stream_member_bool(b, "cap_sys_admin", p->cap_sys_admin);
    json_stream_member_bool(b, "kthread", p->kthread);
    json_stream_member_bool(b, "stuck", p->stuck);
    json_stream_member_bool(b, "oom_task_origin", p->oom_task_origin);
    json_stream_member_bool(b, "vfork_child", p->vfork_child);
    json_stream_member_uint(b, "base_rss_bytes", p->base_rss_bytes);
    json_stream_member_uint(b, "base_pgtables_bytes", p->base_pgtables_bytes);
    json_stream_end_object(b);
  }
  json_stream_end_array(b);
}

static void begin_document(ReportJson *json, const KmSystem *sys, const SimEvent *ev)
{
  JsonStream *b = json->b;
  const ScenarioHeader *h = ev ? ev->header : NULL;
  json->begun = TRUE;
  json_stream_begin_object(b);
  json_stream_member_string(b, "oomsim", OOMSIM_VERSION);
  json_stream_member_int(b, "report_version", REPORT_JSON_VERSION); /* docs/report.schema.json */
  json_stream_member_string(b, "scenario", h ? h->name : NULL);
  json_stream_member_string(b, "description", h ? h->description : NULL);
  json_stream_member_string(b, "file", ev && ev->scenario_file ? ev->scenario_file : h ? h->file : NULL);
  if (h && h->overrides) { /* only when --set was given: a run without overrides keeps its bytes */
    json_stream_set_member_name(b, "overrides");
    json_stream_begin_array(b);
    for (char **set = h->overrides; *set; set++)
      json_stream_add_string_value(b, *set);
    json_stream_end_array(b);
  }
  json_stream_member_string(b, "kernel_profile", sys->profile->name);
  json_stream_member_string(b, "kernel_profile_summary", sys->profile->summary);
  json_stream_member_string(b, "kernel_uname", sys->profile->uname);
  json_stream_member_bool(b, "invert_tie_rule", sys->invert_tie_rule);
  add_machine(b, sys, h);
  add_cgroups(b, sys);
  add_processes(b, h);
  json_stream_set_member_name(b, "events");
  json_stream_begin_array(b);
}

/* ---------------------------------------------------------------- events */

static void add_row(JsonStream *b, const KmSystem *sys, const KmOomRow *row)
{
  json_stream_begin_object(b);
  json_stream_member_int(b, "pid", row->task->pid);
  json_stream_member_string(b, "comm", row->task->comm);
  json_stream_member_string(b, "memcg", row->task->memcg ? row->task->memcg->path : NULL);
  json_stream_member_uint(b, "uid", row->task->uid);
  json_stream_member_int(b, "total_vm_pages", row->total_vm);
  json_stream_member_int(b, "rss_pages", row->rss);
  json_stream_member_int(b, "anon_rss_pages", row->anon_rss);
  json_stream_member_int(b, "file_rss_pages", row->file_rss);
  json_stream_member_int(b, "shmem_rss_pages", row->shmem_rss);
  json_stream_member_int(b, "swapents", row->swapents);
  json_stream_member_int(b, "pgtables_pages", row->pgtables);
  json_stream_member_int(b, "oom_score_adj", row->oom_score_adj);
  if (row->skip != KM_SKIP_NONE || row->origin)
    json_stream_member_null(b, "points");
  else if (!sys->profile->badness_signed)
    json_stream_member_uint(b, "points", (gulong)row->points);
  else
    json_stream_member_int(b, "points", row->points);
  json_stream_member_int(b, "oom_score", row->proc_oom_score);
  json_stream_member_bool(b, "origin", row->origin);
  json_stream_member_string(b, "skip", row->skip == KM_SKIP_NONE ? NULL : report_skip_code(row->skip));
  json_stream_member_string(b, "skip_reason", row->skip == KM_SKIP_NONE ? NULL : km_skip_reason_text[row->skip]);
  json_stream_member_bool(b, "in_dump", row->in_dump);
  json_stream_end_object(b);
}

static void add_kill(JsonStream *b, const KmSystem *sys, const KmKill *k)
{
  json_stream_begin_object(b);
  json_stream_member_int(b, "pid", k->task->pid);
  json_stream_member_string(b, "comm", k->task->comm);
  json_stream_member_string(b, "kind", report_kill_kind_name(k->kind));
  json_stream_member_string(b, "memcg", k->task->memcg ? k->task->memcg->path : NULL);
  json_stream_member_uint(b, "uid", k->task->uid);
  json_stream_member_bool(b, "printed", k->printed);
  if (k->printed) {
    json_stream_member_uint(b, "total_vm_kb", km_pages_to_kb(sys, k->total_vm));
    json_stream_member_uint(b, "anon_rss_kb", km_pages_to_kb(sys, k->anon_rss));
    json_stream_member_uint(b, "file_rss_kb", km_pages_to_kb(sys, k->file_rss));
    json_stream_member_uint(b, "shmem_rss_kb", km_pages_to_kb(sys, k->shmem_rss));
    json_stream_member_uint(b, "pgtables_kb", km_pages_to_kb(sys, k->pgtables));
    json_stream_member_int(b, "oom_score_adj", k->oom_score_adj);
  } else {
    json_stream_member_null(b, "total_vm_kb");
    json_stream_member_null(b, "anon_rss_kb");
    json_stream_member_null(b, "file_rss_kb");
    json_stream_member_null(b, "shmem_rss_kb");
    json_stream_member_null(b, "pgtables_kb");
    json_stream_member_null(b, "oom_score_adj");
  }
  json_stream_member_bool(b, "stuck", k->task->stuck);
  add_task_ref(b, "pinned_by", k->pinned_by);
  json_stream_end_object(b);
}

static void add_oom(JsonStream *b, const KmSystem *sys, const OomControl *oc)
{
  json_stream_member_string(b, "memcg", oc->memcg ? oc->memcg->path : NULL);
  json_stream_member_string(b, "action", report_oom_action_name(oc->action));
  add_task_ref(b, "trigger", oc->current);
  json_stream_member_uint(b, "gfp_mask", oc->gfp_mask);
  json_stream_member_int(b, "order", oc->order);
  gboolean decided = oc->action != KM_OOM_CURRENT_EXITING && oc->action != KM_OOM_GFP_NOFS;
  json_stream_member_string(b, "constraint", decided ? km_constraint_names[oc->constraint] : NULL);
  if (decided)
    json_stream_member_int(b, "totalpages", oc->totalpages);
  else
    json_stream_member_null(b, "totalpages");
  add_task_ref(b, "victim", oc->chosen);
  if (oc->chosen && sys->profile->badness_signed) {
    json_stream_member_int(b, "chosen_points", oc->chosen_points);
    json_stream_member_int(b, "chosen_raw_points", oc->chosen_raw_points);
  } else if (oc->chosen) {
    json_stream_member_uint(b, "chosen_points", (gulong)oc->chosen_points);
    json_stream_member_uint(b, "chosen_raw_points", (gulong)oc->chosen_raw_points);
  } else {
    json_stream_member_null(b, "chosen_points");
    json_stream_member_null(b, "chosen_raw_points");
  }
  json_stream_member_string(b, "tie_rule", report_tie_later_wins(sys) ? "later_wins" : "earlier_wins");
  add_task_ref(b, "sacrificed_for", oc->sacrificed_for);
  json_stream_member_string(b, "oom_group", oc->oom_group ? oc->oom_group->path : NULL);
  json_stream_member_string(b, "kill_message", oc->kill_message);
  json_stream_member_string(b, "panic_message", oc->panic_message);
  json_stream_member_bool(b, "dumped", oc->dumped);
  json_stream_set_member_name(b, "candidates");
  json_stream_begin_array(b);
  for (guint i = 0; i < oc->rows->len; i++)
    add_row(b, sys, &g_array_index(oc->rows, KmOomRow, i));
  json_stream_end_array(b);
  json_stream_set_member_name(b, "kills");
  json_stream_begin_array(b);
  for (guint i = 0; i < oc->kills->len; i++)
    add_kill(b, sys, &g_array_index(oc->kills, KmKill, i));
  json_stream_end_array(b);
}

/* "memory_pressure" of a cgroup: its memory.pressure line (some and full alike in the model), the averages as the
 * file prints them (two decimals, text) and total= in microseconds; absent where the file is not (v1, before 4.20) */
static void add_pressure(JsonStream *b, const KmSystem *sys, const KmMemcg *memcg, guint64 now_ns)
{
  KmPsiShow p;
  if (!report_memory_pressure(sys, memcg, now_ns, &p))
    return;
  json_stream_set_member_name(b, "memory_pressure");
  json_stream_begin_object(b);
  const unsigned long avgs[3] = { p.avg10, p.avg60, p.avg300 };
  const char *names[3] = { "avg10", "avg60", "avg300" };
  for (int i = 0; i < 3; i++) {
    g_autofree char *v = g_strdup_printf("%lu.%02lu", km_load_int(avgs[i]), km_load_frac(avgs[i]));
    json_stream_member_string(b, names[i], v);
  }
  json_stream_member_uint(b, "total_us", p.total_us);
  json_stream_end_object(b);
}

/* "memory" of a step's end (docs/report-formats.md, "Memory over time"): the machine, the process's memcg and its
 * ancestors (leaf first, the root left out), the process's counters. In pages. */
static void add_memory(JsonStream *b, const KmSystem *sys, const SimEvent *ev)
{
  ReportMemory m;
  report_memory_now(sys, ev->task, &m);
  json_stream_set_member_name(b, "memory");
  json_stream_begin_object(b);
  json_stream_member_int(b, "mem_free_pages", m.mem_free);
  json_stream_member_int(b, "mem_available_pages", m.mem_available);
  json_stream_member_int(b, "swap_used_pages", m.swap_used);
  json_stream_member_int(b, "committed_as_pages", m.committed_as);
  json_stream_member_int(b, "commit_limit_pages", m.commit_limit);
  json_stream_set_member_name(b, "cgroups");
  json_stream_begin_array(b);
  for (const KmMemcg *memcg = ev->task->memcg; memcg && memcg->parent; memcg = memcg->parent) {
    json_stream_begin_object(b);
    json_stream_member_string(b, "path", memcg->path);
    json_stream_member_int(b, "usage_pages", memcg->usage);
    add_limit(b, "max_pages", memcg->max);
    json_stream_member_int(b, "swap_pages", memcg->swap_usage);
    add_pressure(b, sys, memcg, ev->time_ns);
    json_stream_end_object(b);
  }
  json_stream_end_array(b);
  json_stream_set_member_name(b, "process");
  if (m.has_mm) {
    json_stream_begin_object(b);
    json_stream_member_int(b, "pid", ev->task->pid);
    json_stream_member_int(b, "rss_anon_pages", m.rss_anon);
    json_stream_member_int(b, "rss_file_pages", m.rss_file);
    json_stream_member_int(b, "rss_shmem_pages", m.rss_shmem);
    json_stream_member_int(b, "swap_pages", m.swap);
    json_stream_member_int(b, "total_vm_pages", m.total_vm);
    json_stream_end_object(b);
  } else {
    json_stream_add_null_value(b);
  }
  json_stream_end_object(b);
}

static void add_event(JsonStream *b, const KmSystem *sys, const SimEvent *ev)
{
  json_stream_begin_object(b);
  json_stream_member_uint(b, "time_ns", ev->time_ns);
  json_stream_member_string(b, "type", report_event_type_name(ev->kind));
  if (ev->step_index)
    json_stream_member_uint(b, "step", ev->step_index);
  else
    json_stream_member_null(b, "step");
  json_stream_member_string(b, "step_id", ev->step ? ev->step->id : NULL);
  json_stream_member_string(b, "step_kind", ev->step && (guint)ev->step->kind < SC_STEP_N_KINDS ? sc_step_kind_names[ev->step->kind] : NULL);
  if (ev->task) {
    json_stream_member_int(b, "pid", ev->task->pid);
    json_stream_member_string(b, "comm", ev->task->comm);
  } else {
    json_stream_member_null(b, "pid");
    json_stream_member_null(b, "comm");
  }
  json_stream_member_string(b, "detail", ev->detail);
  switch (ev->kind) {
  case SIM_EV_OOM:
    if (ev->oc)
      add_oom(b, sys, ev->oc);
    break;
  case SIM_EV_RECLAIM:
    json_stream_member_string(b, "memcg", ev->oom_memcg ? ev->oom_memcg->path : NULL);
    json_stream_member_int(b, "reclaimed_file_pages", ev->reclaimed_file);
    json_stream_member_int(b, "reclaimed_swap_pages", ev->reclaimed_swap);
    break;
  case SIM_EV_THROTTLE:
    json_stream_member_int(b, "slept_ns", (gint64)ev->throttle_slept_ns);
    json_stream_member_int(b, "sleeps", (gint64)ev->throttle_sleeps);
    break;
  case SIM_EV_REAPED:
    json_stream_member_int(b, "anon_rss_pages", ev->reaped_anon_rss);
    json_stream_member_int(b, "file_rss_pages", ev->reaped_file_rss);
    json_stream_member_int(b, "shmem_rss_pages", ev->reaped_shmem_rss);
    break;
  case SIM_EV_EXIT:
    if (ev->exit) {
      json_stream_member_int(b, "status", ev->exit->status);
      json_stream_member_int(b, "signal", ev->exit->signal);
      json_stream_member_string(b, "reason", ev->exit->reason);
      json_stream_member_string(b, "by", ev->exit->by);
    }
    json_stream_member_int(b, "free_pages", km_buddy_free_pages(sys)); /* MemFree: without the per-CPU lists */
    break;
  case SIM_EV_ENOMEM:
    json_stream_member_string(b, "memcg", ev->oom_memcg ? ev->oom_memcg->path : NULL);
    json_stream_member_int(b, "requested_pages", ev->enomem_pages);
    json_stream_member_string(b, "refused_by", ev->oom_memcg           ? "try_charge_memcg"
                             : ev->enomem_overcommit ? "__vm_enough_memory"
                                                     : "get_unmapped_area");
    json_stream_member_int(b, "committed_as_pages", sys->machine.committed_as);
    json_stream_member_int(b, "commit_limit_pages", km_vm_commit_limit(sys));
    break;
  case SIM_EV_STEP_ERROR:
    json_stream_member_string(b, "errno", ev->errno_name);
    break;
  case SIM_EV_PANIC:
    json_stream_member_string(b, "message", ev->panic_message);
    break;
  default:
    break;
  }
  if (report_memory_event(ev))
    add_memory(b, sys, ev);
  json_stream_end_object(b);
}

/* ---------------------------------------------------------------- outcome */

static void add_outcome(JsonStream *b, const SimOutcome *o, guint64 page)
{
  json_stream_set_member_name(b, "outcome");
  if (!o) {
    json_stream_add_null_value(b);
    return;
  }
  json_stream_begin_object(b);
  json_stream_set_member_name(b, "kills");
  json_stream_begin_array(b);
  for (guint i = 0; i < o->kills->len; i++) {
    const SimKill *k = o->kills->pdata[i];
    json_stream_begin_object(b);
    json_stream_member_int(b, "pid", k->pid);
    json_stream_member_string(b, "comm", k->comm);
    json_stream_member_string(b, "constraint", k->constraint);
    json_stream_member_string(b, "oom_memcg", k->oom_memcg);
    json_stream_member_string(b, "task_memcg", k->task_memcg);
    json_stream_member_bool(b, "allocating_task", k->allocating_task);
    json_stream_member_uint(b, "total_vm_kb", k->total_vm_kb);
    json_stream_member_uint(b, "anon_rss_kb", k->anon_rss_kb);
    json_stream_member_uint(b, "file_rss_kb", k->file_rss_kb);
    json_stream_member_uint(b, "shmem_rss_kb", k->shmem_rss_kb);
    json_stream_member_uint(b, "pgtables_kb", k->pgtables_kb);
    json_stream_member_int(b, "oom_score_adj", k->oom_score_adj);
    json_stream_end_object(b);
  }
  json_stream_end_array(b);
  json_stream_set_member_name(b, "exits");
  json_stream_begin_array(b);
  for (guint i = 0; i < o->exits->len; i++) {
    const SimExit *x = o->exits->pdata[i];
    json_stream_begin_object(b);
    json_stream_member_int(b, "pid", x->pid);
    json_stream_member_int(b, "status", x->status);
    json_stream_member_int(b, "signal", x->signal);
    json_stream_member_string(b, "reason", x->reason);
    json_stream_member_string(b, "by", x->by);
    json_stream_end_object(b);
  }
  json_stream_end_array(b);
  json_stream_member_strings(b, "enomem_steps", o->enomem_steps);
  json_stream_set_member_name(b, "step_errors");
  json_stream_begin_array(b);
  for (guint i = 0; i < o->step_errors->len; i++) {
    g_auto(GStrv) f = g_strsplit(o->step_errors->pdata[i], " ", 2);
    json_stream_begin_object(b);
    json_stream_member_string(b, "step", f[0]);
    json_stream_member_string(b, "errno", f[1]);
    json_stream_end_object(b);
  }
  json_stream_end_array(b);
  json_stream_set_member_name(b, "memory_events");
  json_stream_begin_array(b);
  for (guint i = 0; i < o->memcg_events->len; i++) {
    const SimMemcgEvents *e = o->memcg_events->pdata[i];
    json_stream_begin_object(b);
    json_stream_member_string(b, "cgroup", e->cgroup);
    add_counter(b, "low", e->low);
    add_counter(b, "high", e->high);
    add_counter(b, "max", e->max);
    add_counter(b, "oom", e->oom);
    add_counter(b, "oom_kill", e->oom_kill);
    add_counter(b, "oom_group_kill", e->oom_group_kill);
    json_stream_end_object(b);
  }
  json_stream_end_array(b);
  json_stream_set_member_name(b, "blocked");
  json_stream_begin_array(b);
  for (guint i = 0; i < o->blocked_pids->len; i++)
    json_stream_add_int_value(b, GPOINTER_TO_INT(o->blocked_pids->pdata[i]));
  json_stream_end_array(b);
  json_stream_set_member_name(b, "livelocked");
  json_stream_begin_array(b);
  for (guint i = 0; i < o->livelocked_pids->len; i++)
    json_stream_add_int_value(b, GPOINTER_TO_INT(o->livelocked_pids->pdata[i]));
  json_stream_end_array(b);
  /* the peaks (page_counter watermarks) and least headroom over the run */
  json_stream_member_uint(b, "machine_peak_pages", page ? o->machine_peak_bytes / page : 0);
  json_stream_set_member_name(b, "memcg_peaks");
  json_stream_begin_array(b);
  for (guint i = 0; i < o->memcg_peaks->len; i++) {
    const SimMemcgPeak *p = o->memcg_peaks->pdata[i];
    json_stream_begin_object(b);
    json_stream_member_string(b, "cgroup", p->cgroup);
    json_stream_member_uint(b, "peak_pages", p->peak_bytes / page);
    json_stream_member_uint(b, "swap_peak_pages", p->swap_peak_bytes / page);
    if (p->limited)
      json_stream_member_uint(b, "least_headroom_pages", p->min_headroom_bytes / page);
    else
      json_stream_member_null(b, "least_headroom_pages");
    json_stream_end_object(b);
  }
  json_stream_end_array(b);
  json_stream_member_bool(b, "panic", o->panicked);
  json_stream_member_string(b, "panic_message", o->panic_message);
  json_stream_member_bool(b, "no_killable", o->no_killable);
  json_stream_member_bool(b, "unresolved", o->unresolved);
  json_stream_end_object(b);
}

/* ---------------------------------------------------------------- pods */

static void add_bytes_or_null(JsonStream *b, const char *name, guint64 bytes)
{
  if (bytes)
    json_stream_member_uint(b, name, bytes);
  else
    json_stream_member_null(b, name);
}

/* A container as `kubectl describe pod` shows it at the end of the trace (docs/report-formats.md, "pods"). */
static void add_container(JsonStream *b, const K8sPod *pod, const K8sContainer *c, const SimOutcome *o,
                          gboolean evicted)
{
  const SimExit *x = o ? sim_outcome_find_exit(o, c->pid) : NULL;
  json_stream_begin_object(b);
  json_stream_member_string(b, "name", c->name);
  json_stream_member_int(b, "pid", c->pid);
  json_stream_member_string(b, "comm", c->comm);
  json_stream_member_string(b, "cgroup", c->cgroup);
  json_stream_member_int(b, "oom_score_adj", c->oom_score_adj);
  add_bytes_or_null(b, "request_bytes", c->request_bytes);
  add_bytes_or_null(b, "limit_bytes", c->limit_bytes);
  json_stream_member_bool(b, "sidecar", c->sidecar);
  json_stream_member_bool(b, "privileged", c->privileged); /* securityContext.privileged: the only way to CAP_SYS_ADMIN here */
  /* "running": no exit (a run that ended early); a survivor of the trace exits 0 like every process */
  json_stream_member_string(b, "state", x ? "terminated" : "running");
  json_stream_member_string(b, "reason", x ? x->reason : NULL);
  if (x) {
    json_stream_member_int(b, "exit_code", x->status);
    json_stream_member_int(b, "signal", x->signal);
    json_stream_member_uint(b, "finished_ns", x->time_ns);
  } else {
    json_stream_member_null(b, "exit_code");
    json_stream_member_null(b, "signal");
    json_stream_member_null(b, "finished_ns");
  }
  json_stream_member_string(b, "by", x ? x->by : NULL);
  json_stream_member_bool(b, "survived", x && x->survived);
  /* restarts are not simulated: a failed container of an Always/OnFailure pod would be restarted after the
   * CrashLoopBackOff back-off (10 s, doubling to 5 min); its process does not run again in the model */
  json_stream_member_int(b, "restart_count", 0);
  json_stream_member_bool(b, "would_restart", report_container_restarts(pod, x, evicted));
  json_stream_end_object(b);
}

/* The kubelet's node and pods (only with a <kubelet>): what it derived (QoS class, cgroups, limits, oom_score_adj)
 * and each container's outcome; evictions are the containers with reason "Evicted". */
static void add_pods(JsonStream *b, const K8sNode *node, const SimOutcome *o)
{
  json_stream_set_member_name(b, "kubelet");
  json_stream_begin_object(b);
  json_stream_member_string(b, "version", node->version);
  json_stream_member_string(b, "cgroup_driver", node->cgroup_driver);
  json_stream_member_int(b, "cgroup_version", node->cgroup_version);
  json_stream_member_uint(b, "capacity_bytes", node->capacity_bytes);
  json_stream_member_uint(b, "kube_reserved_bytes", node->kube_reserved_bytes);
  json_stream_member_uint(b, "system_reserved_bytes", node->system_reserved_bytes);
  json_stream_member_uint(b, "hard_eviction_bytes", node->hard_eviction_bytes);
  json_stream_member_uint(b, "allocatable_bytes", node->allocatable_bytes);
  json_stream_member_uint(b, "kubepods_limit_bytes", node->kubepods_limit_bytes);
  json_stream_member_string(b, "kubepods_cgroup", node->kubepods_cgroup);
  json_stream_set_member_name(b, "pods");
  json_stream_begin_array(b);
  for (guint i = 0; i < node->pods->len; i++) {
    const K8sPod *pod = node->pods->pdata[i];
    const char *reason = NULL;
    const char *phase = o ? report_pod_phase(pod, o, &reason) : "Running";
    json_stream_begin_object(b);
    json_stream_member_string(b, "namespace", pod->namespace_);
    json_stream_member_string(b, "name", pod->name);
    json_stream_member_string(b, "uid", pod->uid);
    json_stream_member_string(b, "qos_class", k8s_qos_names[pod->qos]);
    json_stream_member_int(b, "priority", pod->priority);
    json_stream_member_string(b, "priority_class", pod->priority_class);
    json_stream_member_string(b, "restart_policy", pod->restart_policy);
    json_stream_member_string(b, "cgroup", pod->cgroup);
    add_bytes_or_null(b, "memory_limit_bytes", pod->memory_limit_bytes);
    json_stream_member_uint(b, "memory_request_bytes", pod->memory_request_bytes);
    json_stream_member_string(b, "phase", phase);
    json_stream_member_string(b, "reason", reason);
    json_stream_set_member_name(b, "containers");
    json_stream_begin_array(b);
    for (guint j = 0; j < pod->containers->len; j++)
      add_container(b, pod, pod->containers->pdata[j], o, reason != NULL);
    json_stream_end_array(b);
    json_stream_end_object(b);
  }
  json_stream_end_array(b);
  json_stream_end_object(b);
}

static void end_document(ReportJson *json, const KmSystem *sys, const SimEvent *ev)
{
  JsonStream *b = json->b;
  json->ended = TRUE;
  json_stream_end_array(b); /* events */
  add_outcome(b, ev->outcome, sys->machine.page_size);
  if (ev->header && ev->header->k8s)
    add_pods(b, ev->header->k8s, ev->outcome);
  json_stream_end_object(b);
  g_string_append_c(json->out, '\n');
}

void report_json_event(ReportJson *json, const KmSystem *sys, const SimEvent *ev)
{
  if (json->ended)
    return;
  if (!json->begun)
    begin_document(json, sys, ev->kind == SIM_EV_BEGIN ? ev : NULL);
  if (ev->kind == SIM_EV_BEGIN)
    return;
  if (ev->kind == SIM_EV_END) {
    add_event(json->b, sys, ev);
    end_document(json, sys, ev);
    return;
  }
  add_event(json->b, sys, ev);
}
