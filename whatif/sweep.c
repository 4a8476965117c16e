/* whatif/sweep.c: `oomsim sweep`: axes of values, the variants of their cartesian product, replayed on a thread
 * pool, one JSON row per variant (whatif/sweep.h, docs/what-if.md).
 *
 * Variant numbering. Variants are numbered from 1 in mixed radix: the first --vary axis varies slowest, the
 * kernel axis (--kernel LIST|all) fastest, so the rows of one combination of values on every kernel are adjacent.
 * A shard I/N runs the variants I, I + N, I + 2N ...: any N machines split any sweep without a coordinator, and
 * each row carries its number, so sweep-merge can put them back in order.
 *
 * Determinism. Each variant's replay reads only the loaded scenario (shared, never written) and its own
 * copy-on-write view; a row (or its CSV or JSON line, which depends on nothing but the row) is stored at its index
 * and the document is put together in that order after the pool has finished, so the bytes do not depend on -j or
 * on scheduling. The only clock read is the progress line's rate and ETA, on a terminal's
 * stderr, never in the output.
 */
#include "sweep.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../scenarios/scenario-loader.h"

void whatif_axis_free(WhatifAxis *axis)
{
  if (!axis)
    return;
  whatif_param_free(axis->param);
  g_ptr_array_unref(axis->values);
  g_free(axis);
}

/* ---------------------------------------------------------------- values and ranges */

char *whatif_value_text(const WhatifParam *param, gint64 value)
{
  static const struct {
    const char *unit;
    int shift;
  } units[] = { { "TiB", 40 }, { "GiB", 30 }, { "MiB", 20 }, { "KiB", 10 } };
  if (whatif_param_type(param) == WHATIF_VALUE_SIZE && value > 0)
    for (gsize i = 0; i < G_N_ELEMENTS(units); i++)
      if (((guint64)value & ((G_GUINT64_CONSTANT(1) << units[i].shift) - 1)) == 0)
        return g_strdup_printf("%" G_GUINT64_FORMAT "%s", (guint64)value >> units[i].shift, units[i].unit);
  return g_strdup_printf("%" G_GINT64_FORMAT, value);
}

/* A bound or step of a range: a size (bytes, with units) or an integer. */
static gboolean parse_number(const WhatifParam *param, const ScenarioHeader *h, const char *option,
                             const char *text, gint64 *out, GError **error)
{
  guint64 bytes;
  if (whatif_param_type(param) == WHATIF_VALUE_SIZE) {
    if (sc_parse_size(text, h->page_size, FALSE, &bytes) && bytes <= G_MAXINT64) {
      *out = (gint64)bytes;
      return TRUE;
    }
    const char *why = sc_size_ambiguity(text);
    g_set_error(error, WHATIF_ERROR, WHATIF_ERROR_SYNTAX, "%s:%d:%d: %s %s: \"%s\" is not a size%s%s", h->file,
                h->line, h->col, option, whatif_param_address(param), text, why ? ": an ambiguous unit: " : "",
                why ? why : " (bytes, Ki/KiB, Mi/MiB, Gi/GiB, MB, GB, ...)");
    return FALSE;
  }
  g_autofree char *stripped = g_strstrip(g_strdup(text));
  if (g_ascii_string_to_signed(stripped[0] == '+' ? stripped + 1 : stripped, 10, G_MININT64, G_MAXINT64, out, NULL))
    return TRUE;
  g_set_error(error, WHATIF_ERROR, WHATIF_ERROR_SYNTAX, "%s:%d:%d: %s %s: \"%s\" is not an integer", h->file,
              h->line, h->col, option, whatif_param_address(param), text);
  return FALSE;
}

gboolean whatif_parse_bounds(const SimScenario *sc, const WhatifParam *param, const char *option,
                             const char *text, gint64 *out_lo, gint64 *out_hi, GError **error)
{
  const ScenarioHeader *h = sim_scenario_header(sc);
  const char *dots = strstr(text, "..");
  if (!dots || whatif_param_type(param) == WHATIF_VALUE_TEXT) {
    g_set_error(error, WHATIF_ERROR, WHATIF_ERROR_SYNTAX, "%s:%d:%d: %s %s=%s: a range LO..HI of sizes or "
                "integers is needed", h->file, h->line, h->col, option, whatif_param_address(param), text);
    return FALSE;
  }
  g_autofree char *lo_text = g_strndup(text, (gsize)(dots - text));
  if (!parse_number(param, h, option, lo_text, out_lo, error) || !parse_number(param, h, option, dots + 2, out_hi,
                                                                                error))
    return FALSE;
  if (*out_hi <= *out_lo) {
    g_set_error(error, WHATIF_ERROR, WHATIF_ERROR_SYNTAX, "%s:%d:%d: %s %s=%s: LO must be below HI", h->file,
                h->line, h->col, option, whatif_param_address(param), text);
    return FALSE;
  }
  return TRUE;
}

/* "LO..HI[/STEP]" into values (text). */
static gboolean parse_range(const SimScenario *sc, const WhatifParam *param, const char *option, const char *text,
                            GPtrArray *values, GError **error)
{
  const ScenarioHeader *h = sim_scenario_header(sc);
  const char *dots = strstr(text, "..");
  const char *slash = strrchr(text, '/');
  if (slash && slash < dots)
    slash = NULL;
  g_autofree char *lo_text = g_strndup(text, (gsize)(dots - text));
  g_autofree char *hi_text = slash ? g_strndup(dots + 2, (gsize)(slash - dots - 2)) : g_strdup(dots + 2);
  gint64 lo, hi, step = 1;
  if (whatif_param_type(param) == WHATIF_VALUE_TEXT) {
    g_set_error(error, WHATIF_ERROR, WHATIF_ERROR_SYNTAX, "%s:%d:%d: %s %s: a range needs sizes or integers; "
                "list the values instead (A,B,C)", h->file, h->line, h->col, option, whatif_param_address(param));
    return FALSE;
  }
  if (!parse_number(param, h, option, lo_text, &lo, error) || !parse_number(param, h, option, hi_text, &hi, error) ||
      (slash && !parse_number(param, h, option, slash + 1, &step, error)))
    return FALSE;
  if (!slash && whatif_param_type(param) == WHATIF_VALUE_SIZE) {
    g_set_error(error, WHATIF_ERROR, WHATIF_ERROR_SYNTAX, "%s:%d:%d: %s %s=%s: a range of sizes needs a step: "
                "LO..HI/STEP, e.g. 256MiB..1GiB/32MiB", h->file, h->line, h->col, option,
                whatif_param_address(param), text);
    return FALSE;
  }
  if (step <= 0 || hi < lo || (guint64)(hi - lo) / (guint64)step >= WHATIF_MAX_VARIANTS) {
    g_set_error(error, WHATIF_ERROR, WHATIF_ERROR_SYNTAX, "%s:%d:%d: %s %s=%s: %s", h->file, h->line, h->col,
                option, whatif_param_address(param), text,
                step <= 0 ? "the step must be positive" : hi < lo ? "LO is above HI"
                                                                  : "more than 1,000,000 values");
    return FALSE;
  }
  for (gint64 v = lo;; v += step) {
    g_ptr_array_add(values, whatif_value_text(param, v));
    if (hi - v < step)
      break;
  }
  return TRUE;
}

WhatifAxis *whatif_axis_parse(const SimScenario *sc, const char *option, const char *text, GError **error)
{
  const ScenarioHeader *h = sim_scenario_header(sc);
  g_autofree char *address = NULL, *spec = NULL;
  g_autoptr(GError) syntax = NULL;
  if (!whatif_split_assignment(text, &address, &spec, &syntax)) {
    g_set_error(error, WHATIF_ERROR, WHATIF_ERROR_SYNTAX, "%s:%d:%d: %s %s", h->file, h->line, h->col, option,
                syntax->message);
    return NULL;
  }
  g_autoptr(WhatifAxis) axis = g_new0(WhatifAxis, 1);
  axis->values = g_ptr_array_new_with_free_func(g_free);
  axis->param = whatif_param_resolve(sc, option, address, error);
  if (!axis->param)
    return NULL;
  if (strstr(spec, "..")) {
    if (!parse_range(sc, axis->param, option, spec, axis->values, error))
      return NULL;
  } else {
    g_auto(GStrv) items = g_strsplit(spec, ",", -1);
    for (guint i = 0; items[i]; i++)
      g_ptr_array_add(axis->values, g_strdup(items[i]));
  }
  /* every value as --set would check it, at once, rather than in the middle of the sweep */
  for (guint i = 0; i < axis->values->len; i++) {
    g_autoptr(WhatifVariant) v = whatif_variant_new(sc);
    if (!whatif_variant_set(v, axis->param, axis->values->pdata[i], error))
      return NULL;
  }
  return g_steal_pointer(&axis);
}

/* ---------------------------------------------------------------- the pool */

typedef struct {
  const SimScenario *sc;
  const WhatifSweepOptions *opts;
  guint64 total;
  guint64 *radix; /* values per axis, then kernels */
  guint n_cgroups;      /* the scenario's (CSV columns) */
  WhatifRow **rows;     /* by job: the row, when it is kept as data */
  char **lines;         /* by job: the row rendered (CSV, JSON output), or NULL: rows kept */
  GError **errors;     /* by job */
  guint64 *variant_of; /* job -> variant number */
  gint done;
} SweepRun;

/* The value index of each axis (and the kernel) of variant number v (1-based). */
static void decode(const SweepRun *run, guint64 v, guint64 *out_index)
{
  guint n = run->opts->axes->len + 1;
  guint64 rest = v - 1;
  for (guint i = n; i-- > 0;) {
    out_index[i] = rest % run->radix[i];
    rest /= run->radix[i];
  }
}

/* The row of variant v (NULL with error for bad input: see whatif_sweep_run()). */
static WhatifRow *run_variant(SweepRun *run, guint64 v, GError **error)
{
  const WhatifSweepOptions *opts = run->opts;
  guint n_axes = opts->axes->len;
  g_autofree guint64 *index = g_new(guint64, n_axes + 1);
  g_autofree const char **values = g_new0(const char *, n_axes + 1);
  decode(run, v, index);
  g_autoptr(WhatifVariant) variant = whatif_variant_new(run->sc);
  if (!whatif_variant_apply_sets(variant, opts->sets, error))
    return NULL;
  const KmProfile *kernel = opts->kernels->len ? opts->kernels->pdata[index[n_axes]] : NULL;
  for (guint i = 0; i < n_axes; i++) {
    const WhatifAxis *axis = opts->axes->pdata[i];
    values[i] = axis->values->pdata[index[i]];
    if (!whatif_variant_set(variant, axis->param, values[i], error))
      return NULL;
  }
  if (!whatif_variant_check(variant, error))
    return NULL;
  SimOptions sim_opts = { .kernel = kernel ? kernel->name : NULL, .format = SIM_FORMAT_NONE,
                          .row_outcome_only = TRUE };
  g_autoptr(SimOutcome) outcome = NULL;
  g_autofree char *profile = NULL;
  g_autoptr(GError) replay_error = NULL;
  gboolean ok = sim_replay(whatif_variant_header(variant), whatif_variant_steps(variant), &sim_opts, &outcome, NULL,
                           &profile, &replay_error);
  g_autoptr(WhatifRow) row = whatif_row_new((gint64)v, profile ? profile : kernel ? kernel->name : NULL, values,
                                            n_axes);
  if (!ok) {
    /* --kernel all runs "every profile that can run it": a feature this kernel lacks is a row, not an error */
    if (!kernel || !g_error_matches(replay_error, SCENARIO_ERROR, SCENARIO_ERROR_UNSUPPORTED)) {
      g_propagate_error(error, g_steal_pointer(&replay_error));
      return NULL;
    }
    whatif_row_set_unsupported(row, replay_error->message);
  } else {
    whatif_row_set_outcome(row, outcome);
  }
  return g_steal_pointer(&row);
}

/* A worker: the row of one job, rendered at once as its CSV or JSON line when the output is one of those (the main
 * thread then only joins the lines: issue 10's performance), else kept as data for the text table. */
static void run_job(gpointer job_ptr, gpointer user_data)
{
  SweepRun *run = user_data;
  guint64 job = GPOINTER_TO_SIZE(job_ptr) - 1;
  g_autoptr(WhatifRow) row = run_variant(run, run->variant_of[job], &run->errors[job]);
  if (row && run->lines) {
    GString *line = g_string_new(NULL);
    if (run->opts->format == WHATIF_FORMAT_CSV)
      whatif_row_append_csv(row, (gint64)run->total, run->n_cgroups, line);
    else
      whatif_row_append_json(row, line);
    run->lines[job] = g_string_free(line, FALSE);
  } else {
    run->rows[job] = g_steal_pointer(&row);
  }
  g_atomic_int_inc(&run->done);
}

static void show_progress(SweepRun *run, guint64 jobs)
{
  gint64 start = g_get_monotonic_time(); /* progress only: never in the output */
  for (;;) {
    guint64 done = (guint64)g_atomic_int_get(&run->done);
    double secs = (double)(g_get_monotonic_time() - start) / 1e6;
    double rate = secs > 0 ? (double)done / secs : 0;
    fprintf(stderr, "\r%" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT " variants, %.0f/s, ETA %.0f s   ", done, jobs,
            rate, rate > 0 ? (double)(jobs - done) / rate : 0.0);
    if (done >= jobs)
      break;
    g_usleep(200000);
  }
  fprintf(stderr, "\n");
}

static JsonObject *document(const SimScenario *sc, const WhatifSweepOptions *opts, guint64 total)
{
  const ScenarioHeader *h = sim_scenario_header(sc);
  g_autoptr(JsonBuilder) b = json_builder_new();
  json_builder_begin_object(b);
  json_builder_set_member_name(b, "oomsim_sweep");
  json_builder_add_int_value(b, 1);
  json_builder_set_member_name(b, "scenario");
  json_builder_add_string_value(b, h->name);
  json_builder_set_member_name(b, "file");
  json_builder_add_string_value(b, h->file);
  json_builder_set_member_name(b, "set");
  json_builder_begin_array(b);
  for (guint i = 0; opts->sets && opts->sets[i]; i++)
    json_builder_add_string_value(b, opts->sets[i]);
  json_builder_end_array(b);
  json_builder_set_member_name(b, "vary");
  json_builder_begin_array(b);
  for (guint i = 0; i < opts->axes->len; i++)
    json_builder_add_string_value(b, whatif_param_address(((const WhatifAxis *)opts->axes->pdata[i])->param));
  json_builder_end_array(b);
  json_builder_set_member_name(b, "kernels");
  json_builder_begin_array(b);
  for (guint i = 0; i < opts->kernels->len; i++)
    json_builder_add_string_value(b, ((const KmProfile *)opts->kernels->pdata[i])->name);
  json_builder_end_array(b);
  json_builder_set_member_name(b, "cgroups");
  json_builder_begin_array(b);
  for (guint i = 0; i < h->cgroups->len; i++)
    json_builder_add_string_value(b, ((const ScCgroup *)h->cgroups->pdata[i])->path);
  json_builder_end_array(b);
  json_builder_set_member_name(b, "variants");
  json_builder_add_int_value(b, (gint64)total);
  if (opts->shard_count > 1) {
    g_autofree char *shard = g_strdup_printf("%u/%u", opts->shard_index, opts->shard_count);
    json_builder_set_member_name(b, "shard");
    json_builder_add_string_value(b, shard);
  }
  json_builder_end_object(b);
  g_autoptr(JsonNode) node = json_builder_get_root(b);
  return json_object_ref(json_node_get_object(node));
}

WhatifSweepDoc *whatif_sweep_run(const SimScenario *sc, const WhatifSweepOptions *opts, GError **error)
{
  guint n_axes = opts->axes->len;
  SweepRun run = { .sc = sc, .opts = opts, .total = 1 };
  g_autofree guint64 *radix = g_new(guint64, n_axes + 1);
  for (guint i = 0; i < n_axes; i++)
    radix[i] = ((const WhatifAxis *)opts->axes->pdata[i])->values->len;
  radix[n_axes] = MAX(opts->kernels->len, 1);
  for (guint i = 0; i <= n_axes; i++) {
    if (run.total * radix[i] > WHATIF_MAX_VARIANTS) {
      const ScenarioHeader *h = sim_scenario_header(sc);
      g_set_error(error, WHATIF_ERROR, WHATIF_ERROR_SYNTAX, "%s:%d:%d: sweep: more than %d variants", h->file,
                  h->line, h->col, WHATIF_MAX_VARIANTS);
      return NULL;
    }
    run.total *= radix[i];
  }
  run.radix = radix;
  guint64 jobs = run.total >= opts->shard_index ? (run.total - opts->shard_index) / opts->shard_count + 1 : 0;
  g_autofree guint64 *variant_of = g_new(guint64, MAX(jobs, 1));
  for (guint64 j = 0; j < jobs; j++)
    variant_of[j] = opts->shard_index + j * opts->shard_count;
  run.variant_of = variant_of;
  run.n_cgroups = sim_scenario_header(sc)->cgroups->len;
  run.rows = g_new0(WhatifRow *, MAX(jobs, 1));
  if (opts->format == WHATIF_FORMAT_CSV || opts->format == WHATIF_FORMAT_JSON)
    run.lines = g_new0(char *, MAX(jobs, 1));
  run.errors = g_new0(GError *, MAX(jobs, 1));

  GThreadPool *pool = g_thread_pool_new(run_job, &run, (gint)MAX(opts->threads, 1), TRUE, NULL);
  for (guint64 j = 0; j < jobs; j++)
    g_thread_pool_push(pool, GSIZE_TO_POINTER(j + 1), NULL);
  if (opts->progress && isatty(STDERR_FILENO))
    show_progress(&run, jobs);
  g_thread_pool_free(pool, FALSE, TRUE);

  WhatifSweepDoc *doc = NULL;
  gboolean failed = FALSE;
  for (guint64 j = 0; j < jobs && !failed; j++)
    if (run.errors[j]) { /* the first error in variant order */
      g_propagate_error(error, g_steal_pointer(&run.errors[j]));
      failed = TRUE;
    }
  if (!failed) {
    doc = g_new0(WhatifSweepDoc, 1);
    doc->header = document(sc, opts, run.total);
    if (run.lines) {
      doc->lines_format = opts->format;
      doc->lines = g_ptr_array_new_full((guint)jobs, g_free);
      for (guint64 j = 0; j < jobs; j++)
        g_ptr_array_add(doc->lines, g_steal_pointer(&run.lines[j]));
    } else {
      doc->rows = g_ptr_array_new_full((guint)jobs, (GDestroyNotify)whatif_row_free);
      for (guint64 j = 0; j < jobs; j++)
        g_ptr_array_add(doc->rows, g_steal_pointer(&run.rows[j]));
    }
  }
  for (guint64 j = 0; j < jobs; j++) {
    whatif_row_free(run.rows[j]);
    if (run.lines)
      g_free(run.lines[j]);
    g_clear_error(&run.errors[j]);
  }
  g_free(run.rows);
  g_free(run.lines);
  g_free(run.errors);
  return doc;
}
