/* sim/pipeline.c: sim_run(), the whole pipeline behind `oomsim run`, `check` and `validate`: stream the scenario
 * through the loader into the engine, with a report writer listening.
 *
 * This file and sim/main.c are the application layer: they are the only sim/ files that use reports/.
 */
#include "sim.h"

#include "../kernel-model/km-profile.h"
#include "../reports/report.h"
#include "../scenarios/scenario-loader.h"
#include "engine.h"

/* --kernel, else the scenario's kernel=, else the default. A version that is not a profile is an error at the
 * <scenario> element, which lists the profiles: running another kernel's rules silently would be a wrong answer. */
static const KmProfile *resolve_profile(const char *option, const ScenarioHeader *header, GError **error)
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

gboolean sim_run_loader(ScenarioLoader *loader, const SimOptions *opts, const SimSink *sink,
                        SimOutcome **out_outcome, GPtrArray **out_expects, char **out_profile_name, GError **error)
{
  const ScenarioHeader *header = scenario_loader_get_header(loader);
  const KmProfile *profile = resolve_profile(opts->kernel, header, error);
  if (!profile)
    return FALSE;
  SimSink none = { NULL, NULL };
  g_autoptr(SimEngine) engine = sim_engine_new(header, profile, opts, sink ? sink : &none, error);
  if (!engine)
    return FALSE;
  ScStep *step;
  while (scenario_loader_next_step(loader, &step, error)) {
    if (!sim_engine_step(engine, step, error))
      return FALSE;
  }
  if (error && *error)
    return FALSE;
  g_autoptr(GPtrArray) expects = scenario_loader_finish(loader, error);
  if (!expects)
    return FALSE;
  sim_engine_finish(engine);
  if (out_outcome)
    *out_outcome = sim_engine_steal_outcome(engine);
  if (out_expects)
    *out_expects = g_steal_pointer(&expects);
  if (out_profile_name)
    *out_profile_name = g_strdup(profile->name);
  return TRUE;
}

gboolean sim_run(const char *path, const SimOptions *opts, SimOutcome **out_outcome, GString **out_report,
                 GPtrArray **out_expects, char **out_profile_name, GError **error)
{
  SimOptions defaults = { .format = SIM_FORMAT_TEXT };
  if (!opts)
    opts = &defaults;
  g_autoptr(ScenarioLoader) loader = scenario_loader_new(path, error);
  if (!loader)
    return FALSE;
  g_autoptr(GString) report = g_string_new(NULL);
  g_autoptr(ReportWriter) writer = opts->format == SIM_FORMAT_NONE ? NULL : report_writer_new(opts->format, report);
  SimSink sink = writer ? report_writer_sink(writer) : (SimSink){ NULL, NULL };
  if (!sim_run_loader(loader, opts, &sink, out_outcome, out_expects, out_profile_name, error))
    return FALSE;
  g_clear_pointer(&writer, report_writer_free); /* a writer may append its last piece when freed */
  if (out_report)
    *out_report = g_steal_pointer(&report);
  return TRUE;
}
