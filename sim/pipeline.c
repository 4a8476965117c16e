/* sim/pipeline.c: the pipeline behind `oomsim run`, `check`, `validate`, `sweep` and `bisect`:
 *
 *   sim_run()             streams the file through the loader into the engine, step by step, with the report
 *                         written as the run goes (issue 13): memory does not grow with the trace or the report;
 *   sim_scenario_load()   reads and checks the file once (the streaming loader, then the steps kept in order);
 *   sim_replay()          builds a fresh model from a header and replays the steps on it, with a report writer
 *                         listening; as many times as wanted, from the same loaded scenario, never re-parsing.
 *
 * A what-if variant (whatif/) is a header and a step list that differ from the loaded ones in a few values; it is
 * replayed through the same sim_replay(). Both paths run the engine through run_engine().
 *
 * This file and sim/main.c are the application layer: they are the only sim/ files that use reports/.
 */
#include "sim.h"

#include "../kernel-model/km-profile.h"
#include "../reports/report.h"
#include "../scenarios/scenario-loader.h"
#include "engine.h"

#ifdef __GLIBC__
#include <malloc.h>
#endif

struct _SimScenario {
  ScenarioHeader *header;
  GPtrArray *steps;   /* ScStep*, in trace order */
  GPtrArray *expects; /* ScExpect* */
};

/* The compiled trace (issue 13), made once after loading and shared by every replay of the steps (each of a
 * sweep's variants). The loader has resolved every ref to the index of the mmap or malloc step it names
 * (ScStep.ref_index), so that a replay finds a mapping by an integer key (sim/engine-mm.c); here every pid and
 * fork child is resolved to a process slot (the header's processes in order, then each new fork child in trace
 * order) and every cgroup path to the header cgroup's slot, so that the engine finds a step's process and cgroup by
 * index. Nothing on a replay's path hashes or compares a string. What does not resolve (a pid no process has yet,
 * "/", a name the loader would have refused) stays 0 and is looked up by the engine as before, so the errors and
 * their order are unchanged. */
static void compile_steps(const ScenarioHeader *header, GPtrArray *steps)
{
  g_autoptr(GHashTable) slot_by_pid = g_hash_table_new(g_direct_hash, g_direct_equal);
  g_autoptr(GHashTable) slot_by_path = g_hash_table_new(g_str_hash, g_str_equal);
  guint next_slot = 0;
  for (guint i = 0; i < header->processes->len; i++) {
    int pid = ((const ScProcess *)header->processes->pdata[i])->pid;
    next_slot = i + 1; /* the engine makes header process i in slot i + 1 */
    if (!g_hash_table_contains(slot_by_pid, GINT_TO_POINTER(pid)))
      g_hash_table_insert(slot_by_pid, GINT_TO_POINTER(pid), GUINT_TO_POINTER(next_slot));
  }
  for (guint i = 0; i < header->cgroups->len; i++) {
    const char *path = ((const ScCgroup *)header->cgroups->pdata[i])->path;
    if (!g_hash_table_contains(slot_by_path, path))
      g_hash_table_insert(slot_by_path, (gpointer)path, GUINT_TO_POINTER(i + 1));
  }
  for (guint i = 0; i < steps->len; i++) {
    ScStep *step = steps->pdata[i];
    step->pid_slot = GPOINTER_TO_UINT(g_hash_table_lookup(slot_by_pid, GINT_TO_POINTER(step->pid)));
    if (step->cgroup)
      step->cgroup_slot = GPOINTER_TO_UINT(g_hash_table_lookup(slot_by_path, step->cgroup));
    if (step->kind == SC_STEP_FORK && step->child_pid > 0) {
      step->child_slot = GPOINTER_TO_UINT(g_hash_table_lookup(slot_by_pid, GINT_TO_POINTER(step->child_pid)));
      if (!step->child_slot) {
        step->child_slot = ++next_slot;
        g_hash_table_insert(slot_by_pid, GINT_TO_POINTER(step->child_pid), GUINT_TO_POINTER(step->child_slot));
      }
    }
  }
}

/* The rest of a loader's scenario: its steps in order and its expectations. */
static SimScenario *scenario_from_loader(ScenarioLoader *loader, GError **error)
{
  g_autoptr(GPtrArray) steps = g_ptr_array_new_with_free_func((GDestroyNotify)sc_step_free);
  ScStep *step;
  while (scenario_loader_next_step(loader, &step, error)) {
    step->index = steps->len + 1; /* its position: replays borrow the step and never write to it */
    g_ptr_array_add(steps, step);
  }
  compile_steps(scenario_loader_get_header(loader), steps);
  if (error && *error)
    return NULL;
  g_autoptr(GPtrArray) expects = scenario_loader_finish(loader, error);
  if (!expects)
    return NULL;
  SimScenario *sc = g_new0(SimScenario, 1);
  sc->header = scenario_loader_steal_header(loader);
  sc->steps = g_steal_pointer(&steps);
  sc->expects = g_steal_pointer(&expects);
  return sc;
}

SimScenario *sim_scenario_load(const char *path, GError **error)
{
  g_autoptr(ScenarioLoader) loader = scenario_loader_new(path, error);
  if (!loader)
    return NULL;
  return scenario_from_loader(loader, error);
}

void sim_scenario_free(SimScenario *sc)
{
  if (!sc)
    return;
  scenario_header_free(sc->header);
  g_ptr_array_unref(sc->steps);
  g_ptr_array_unref(sc->expects);
  g_free(sc);
}

const ScenarioHeader *sim_scenario_header(const SimScenario *sc)
{
  return sc->header;
}

GPtrArray *sim_scenario_steps(const SimScenario *sc)
{
  return sc->steps;
}

GPtrArray *sim_scenario_expects(const SimScenario *sc)
{
  return sc->expects;
}

/* --kernel, else the scenario's kernel=, else the default. A version that is not a profile is an error at the
 * <scenario> element, which lists the profiles: running another kernel's rules silently would be a wrong answer. */
const KmProfile *sim_resolve_profile(const char *option, const ScenarioHeader *header, GError **error)
{
  const char *wanted = option ? option : header->kernel;
  if (!wanted)
    return km_profile_default();
  const KmProfile *profile = km_profile_lookup(wanted);
  if (!profile) {
    g_autofree char *names = km_profile_names();
    scenario_set_error(error, SCENARIO_ERROR_KERNEL, header->file, header->line, header->col,
                       "unknown kernel version \"%s\"%s: the profiles are %s (`oomsim kernels`)", wanted,
                       option ? " (--kernel)" : "", names);
  }
  return profile;
}

/* The sink the engine sees: the report writer's, then, when the report has grown to a piece, the piece handed
 * to opts->report_write. Events are synchronous, so the pieces leave in the order they were written. */
typedef struct {
  SimSink writer;
  GString *report;
  const SimOptions *opts;
  GError *write_error; /* the first failure of report_write; the run stops at the next step */
} ReportStream;

static gboolean report_stream_flush(ReportStream *rs, gsize at_least)
{
  if (!rs->opts->report_write || rs->write_error || rs->report->len < at_least || rs->report->len == 0)
    return rs->write_error == NULL;
  gboolean ok = rs->opts->report_write(rs->opts->report_write_data, rs->report->str, rs->report->len,
                                       &rs->write_error);
  g_string_truncate(rs->report, 0);
  return ok;
}

static void report_stream_event(gpointer data, const KmSystem *sys, const SimEvent *ev)
{
  ReportStream *rs = data;
  rs->writer.event(rs->writer.data, sys, ev);
  report_stream_flush(rs, SIM_REPORT_PIECE_BYTES);
}

static gboolean report_stream_failed(ReportStream *rs, GError **error)
{
  if (!rs->write_error)
    return FALSE;
  g_propagate_error(error, g_steal_pointer(&rs->write_error));
  return TRUE;
}

/* Where the engine's steps come from: the loader (streamed, each step borrowed from the loader until the next:
 * sim_engine_step_transient(), no allocation per step) or a loaded step list (borrowed: sim_engine_step_shared(),
 * no copy; issue 13). FALSE at the end of the trace, or with *error set. */
typedef gboolean (*StepSource)(gpointer data, const ScStep **out_step, GError **error);

static gboolean loader_source(gpointer data, const ScStep **out_step, GError **error)
{
  return scenario_loader_next_step_borrowed(data, out_step, error);
}

typedef struct {
  GPtrArray *steps;
  guint next;
} StepList;

static gboolean list_source(gpointer data, const ScStep **out_step, GError **error G_GNUC_UNUSED)
{
  StepList *list = data;
  if (list->next >= list->steps->len)
    return FALSE;
  *out_step = list->steps->pdata[list->next++];
  return TRUE;
}

/* Whether the engine may take the process list out of loader's header and free each process as it builds its
 * task (sim_engine_new_taking_processes()): only for a loader of sim_run()'s own, whose header nothing else sees,
 * when no report prints the list (text and JSON print it at SIM_EV_BEGIN, after the set-up) and no kubelet restarts
 * a container from it during the run. A scenario with a million processes then never holds them twice (issue 13);
 * sweeps, bisect and `--kernel all` replay a loaded scenario, whose header keeps its list for every variant. */
static gboolean engine_may_take_processes(const ScenarioHeader *header, ScenarioLoader *own_loader,
                                          const SimOptions *opts)
{
  return own_loader && !header->k8s && !report_format_reads_processes(opts->format);
}

/* A fresh model from header, every step from next, the events to caller_sink, or (NULL) to a report writer for
 * opts->format, streamed to opts->report_write when that is set. loader (NULL for a step list) is finished after
 * the trace; its expectations go to *out_expects. own_loader: loader is sim_run()'s own (only this run reads its
 * header). */
static gboolean run_engine(const ScenarioHeader *header, StepSource next, gpointer next_data, gboolean shared,
                           ScenarioLoader *loader, gboolean own_loader,
                           const SimOptions *opts, const SimSink *caller_sink, SimOutcome **out_outcome,
                           GString **out_report, GPtrArray **out_expects, char **out_profile_name, GError **error)
{
  SimOptions defaults = { .format = SIM_FORMAT_TEXT };
  if (!opts)
    opts = &defaults;
  const KmProfile *profile = sim_resolve_profile(opts->kernel, header, error);
  if (!profile)
    return FALSE;

  GError *local = NULL;
  g_autoptr(GString) report = g_string_new(NULL);
  ReportWriter *writer =
    caller_sink || opts->format == SIM_FORMAT_NONE ? NULL : report_writer_new(opts->format, report);
  report_writer_set_detail(writer, opts->detail);
  ReportStream rs = { .writer = report_writer_sink(writer), .report = report, .opts = opts };
  SimSink none = { NULL, NULL };
  SimSink sink = caller_sink ? *caller_sink : writer ? (SimSink){ report_stream_event, &rs } : none;
  g_autoptr(GPtrArray) expects = NULL;
  g_autoptr(SimEngine) engine =
    engine_may_take_processes(header, own_loader ? loader : NULL, opts)
      ? sim_engine_new_taking_processes(header, scenario_loader_steal_processes(loader), profile, opts, &sink, &local)
      : sim_engine_new(header, profile, opts, &sink, &local);
  gboolean ok = engine && !report_stream_failed(&rs, &local);
  const ScStep *step;
  while (ok && next(next_data, &step, &local))
    ok = (shared ? sim_engine_step_shared(engine, step, &local) : sim_engine_step_transient(engine, step, &local)) &&
         !report_stream_failed(&rs, &local);
  ok = ok && local == NULL;
  if (ok && loader) {
    expects = scenario_loader_finish(loader, &local);
    ok = expects != NULL;
  }
  if (ok) {
    sim_engine_finish(engine);
    if (sim_engine_error(engine)) { /* a bound passed by what ran after the last step */
      local = g_error_copy(sim_engine_error(engine));
      ok = FALSE;
    }
  }
  report_writer_free(writer); /* a writer may append its last piece when freed */
  if (ok) {
    report_stream_flush(&rs, 0);
    ok = !report_stream_failed(&rs, &local);
  }
  g_clear_error(&rs.write_error);
  if (!ok) {
    g_propagate_error(error, local);
    return FALSE;
  }
  if (out_outcome)
    *out_outcome = sim_engine_steal_outcome(engine);
  if (out_report)
    *out_report = g_steal_pointer(&report);
  if (out_expects)
    *out_expects = g_steal_pointer(&expects);
  if (out_profile_name)
    *out_profile_name = g_strdup(profile->name);
  return TRUE;
}

/* Replays are made and torn down back to back (a sweep's variants, a bisect's probes): each builds a model of
 * thousands of objects in a few blocks (kernel-model/km-slab.c) and frees them together at its end. glibc gives a
 * heap top above M_TRIM_THRESHOLD (128 KiB) back to the system at once (sbrk, or MADV_DONTNEED in a thread's
 * arena), so every replay faulted its memory in afresh: three times the minor faults and 30% more CPU than the
 * replay itself for the bench's sweep (docs/performance.md, "fifth pass"). A threshold of 64 MiB keeps what one
 * replay freed for the next. Allocator tuning only: no output depends on it. */
static void keep_freed_heap(void)
{
#ifdef __GLIBC__
  static gsize done = 0;
  if (g_once_init_enter(&done)) {
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
    g_once_init_leave(&done, 1);
  }
#endif
}

gboolean sim_replay(const ScenarioHeader *header, GPtrArray *steps, const SimOptions *opts,
                    SimOutcome **out_outcome, GString **out_report, char **out_profile_name, GError **error)
{
  keep_freed_heap();
  StepList list = { steps, 0 };
  return run_engine(header, list_source, &list, TRUE, NULL, FALSE, opts, NULL, out_outcome, out_report, NULL, out_profile_name,
                    error);
}

gboolean sim_scenario_replay(const SimScenario *sc, const SimOptions *opts, SimOutcome **out_outcome,
                             GString **out_report, char **out_profile_name, GError **error)
{
  return sim_replay(sc->header, sc->steps, opts, out_outcome, out_report, out_profile_name, error);
}

gboolean sim_run_loader(ScenarioLoader *loader, const SimOptions *opts, const SimSink *sink,
                        SimOutcome **out_outcome, GPtrArray **out_expects, char **out_profile_name, GError **error)
{
  SimSink none = { NULL, NULL };
  return run_engine(scenario_loader_get_header(loader), loader_source, loader, FALSE, loader, FALSE, opts,
                    sink ? sink : &none,
                    out_outcome, NULL, out_expects, out_profile_name, error);
}

gboolean sim_run(const char *path, const SimOptions *opts, SimOutcome **out_outcome, GString **out_report,
                 GPtrArray **out_expects, char **out_profile_name, GError **error)
{
  g_autoptr(ScenarioLoader) loader = scenario_loader_new(path, error);
  if (!loader)
    return FALSE;
  return run_engine(scenario_loader_get_header(loader), loader_source, loader, FALSE, loader, TRUE, opts, NULL, out_outcome,
                    out_report, out_expects, out_profile_name, error);
}
