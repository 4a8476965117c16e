/* sim/pipeline.c: the pipeline behind `oomsim run`, `check`, `validate`, `sweep` and `bisect`, in two stages:
 *
 *   sim_scenario_load()   reads and checks the file once (the streaming loader, then the steps kept in order);
 *   sim_replay()          builds a fresh model from a header and replays the steps on it, with a report writer
 *                         listening; as many times as wanted, from the same loaded scenario, never re-parsing.
 *
 * A what-if variant (whatif/) is a header and a step list that differ from the loaded ones in a few values; it is
 * replayed through the same sim_replay(). sim_run() is load + one replay.
 *
 * This file and sim/main.c are the application layer: they are the only sim/ files that use reports/.
 */
#include "sim.h"

#include "../kernel-model/km-profile.h"
#include "../reports/report.h"
#include "../scenarios/scenario-loader.h"
#include "engine.h"

struct _SimScenario {
  ScenarioHeader *header;
  GPtrArray *steps;   /* ScStep*, in trace order */
  GPtrArray *expects; /* ScExpect* */
};

/* The rest of a loader's scenario: its steps in order and its expectations. */
static SimScenario *scenario_from_loader(ScenarioLoader *loader, GError **error)
{
  g_autoptr(GPtrArray) steps = g_ptr_array_new_with_free_func((GDestroyNotify)sc_step_free);
  ScStep *step;
  while (scenario_loader_next_step(loader, &step, error))
    g_ptr_array_add(steps, step);
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

/* Builds a fresh model from header and replays steps (each copied for the engine) with sink listening. */
static gboolean replay_to_sink(const ScenarioHeader *header, GPtrArray *steps, const SimOptions *opts,
                               const SimSink *sink, SimOutcome **out_outcome, char **out_profile_name, GError **error)
{
  const KmProfile *profile = sim_resolve_profile(opts->kernel, header, error);
  if (!profile)
    return FALSE;
  SimSink none = { NULL, NULL };
  g_autoptr(SimEngine) engine = sim_engine_new(header, profile, opts, sink ? sink : &none, error);
  if (!engine)
    return FALSE;
  for (guint i = 0; i < steps->len; i++)
    if (!sim_engine_step(engine, sc_step_copy(steps->pdata[i]), error))
      return FALSE;
  sim_engine_finish(engine);
  if (out_outcome)
    *out_outcome = sim_engine_steal_outcome(engine);
  if (out_profile_name)
    *out_profile_name = g_strdup(profile->name);
  return TRUE;
}

gboolean sim_replay(const ScenarioHeader *header, GPtrArray *steps, const SimOptions *opts,
                    SimOutcome **out_outcome, GString **out_report, char **out_profile_name, GError **error)
{
  SimOptions defaults = { .format = SIM_FORMAT_TEXT };
  if (!opts)
    opts = &defaults;
  g_autoptr(GString) report = g_string_new(NULL);
  g_autoptr(ReportWriter) writer = opts->format == SIM_FORMAT_NONE ? NULL : report_writer_new(opts->format, report);
  SimSink sink = writer ? report_writer_sink(writer) : (SimSink){ NULL, NULL };
  if (!replay_to_sink(header, steps, opts, &sink, out_outcome, out_profile_name, error))
    return FALSE;
  g_clear_pointer(&writer, report_writer_free); /* a writer may append its last piece when freed */
  if (out_report)
    *out_report = g_steal_pointer(&report);
  return TRUE;
}

gboolean sim_run_loader(ScenarioLoader *loader, const SimOptions *opts, const SimSink *sink,
                        SimOutcome **out_outcome, GPtrArray **out_expects, char **out_profile_name, GError **error)
{
  g_autoptr(SimScenario) sc = scenario_from_loader(loader, error);
  if (!sc)
    return FALSE;
  if (!replay_to_sink(sc->header, sc->steps, opts, sink, out_outcome, out_profile_name, error))
    return FALSE;
  if (out_expects)
    *out_expects = g_ptr_array_ref(sc->expects);
  return TRUE;
}

gboolean sim_scenario_replay(const SimScenario *sc, const SimOptions *opts, SimOutcome **out_outcome,
                             GString **out_report, char **out_profile_name, GError **error)
{
  return sim_replay(sc->header, sc->steps, opts, out_outcome, out_report, out_profile_name, error);
}

gboolean sim_run(const char *path, const SimOptions *opts, SimOutcome **out_outcome, GString **out_report,
                 GPtrArray **out_expects, char **out_profile_name, GError **error)
{
  g_autoptr(SimScenario) sc = sim_scenario_load(path, error);
  if (!sc)
    return FALSE;
  if (!sim_scenario_replay(sc, opts, out_outcome, out_report, out_profile_name, error))
    return FALSE;
  if (out_expects)
    *out_expects = g_ptr_array_ref(sc->expects);
  return TRUE;
}
