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

gboolean sim_run(const char *path, const SimOptions *opts, SimOutcome **out_outcome, GString **out_report,
                 GPtrArray **out_expects, char **out_profile_name, GError **error)
{
  SimOptions defaults = { .format = SIM_FORMAT_TEXT };
  if (!opts)
    opts = &defaults;
  g_autoptr(ScenarioLoader) loader = scenario_loader_new(path, error);
  if (!loader)
    return FALSE;
  const ScenarioHeader *header = scenario_loader_get_header(loader);
  const KmProfile *profile = resolve_profile(opts->kernel, header, error);
  if (!profile)
    return FALSE;

  g_autoptr(GString) report = g_string_new(NULL);
  ReportWriter *writer = opts->format == SIM_FORMAT_NONE ? NULL : report_writer_new(opts->format, report);
  ReportStream rs = { .writer = report_writer_sink(writer), .report = report, .opts = opts };
  SimSink sink = writer ? (SimSink){ report_stream_event, &rs } : (SimSink){ NULL, NULL };
  g_autoptr(SimEngine) engine = sim_engine_new(header, profile, opts, &sink, error);
  if (!engine || report_stream_failed(&rs, error)) {
    report_writer_free(writer);
    g_clear_error(&rs.write_error);
    return FALSE;
  }
  ScStep *step;
  while (scenario_loader_next_step(loader, &step, error)) {
    if (!sim_engine_step(engine, step, error) || report_stream_failed(&rs, error)) {
      report_writer_free(writer);
      g_clear_error(&rs.write_error);
      return FALSE;
    }
  }
  if (error && *error) {
    report_writer_free(writer);
    return FALSE;
  }
  g_autoptr(GPtrArray) expects = scenario_loader_finish(loader, error);
  if (!expects) {
    report_writer_free(writer);
    return FALSE;
  }
  sim_engine_finish(engine);
  report_writer_free(writer);
  report_stream_flush(&rs, 0);
  if (report_stream_failed(&rs, error))
    return FALSE;
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
