/* whatif/cli.c: option parsing and exit statuses of `oomsim sweep`, `sweep-merge` and `bisect` (whatif/cli.h).
 * Exit status: 0 done, 1 bisect found no threshold (both ends alike), 2 invalid input (nothing written). */
#include "cli.h"

#include <stdio.h>
#include <string.h>

#include "../kernel-model/km-profile.h"
#include "bisect.h"
#include "sweep-format.h"
#include "sweep.h"

#define EXIT_INVALID 2

static int usage(GOptionContext *ctx, const char *message)
{
  g_autofree char *help = g_option_context_get_help(ctx, TRUE, NULL);
  fprintf(stderr, "oomsim: %s\n\n%s", message, help);
  return EXIT_INVALID;
}

static int failed(const GError *error)
{
  fprintf(stderr, "%s\n", error->message);
  return EXIT_INVALID;
}

/* --kernel LIST|all: the profiles, in the order given ("all": oldest first, as `oomsim kernels` lists them). */
static gboolean parse_kernels(const char *text, const ScenarioHeader *h, GPtrArray *out, GError **error)
{
  if (!text)
    return TRUE;
  if (strcmp(text, "all") == 0) {
    for (const KmProfile *const *p = km_profiles(); *p; p++)
      g_ptr_array_add(out, (gpointer)*p);
    return TRUE;
  }
  g_auto(GStrv) names = g_strsplit(text, ",", -1);
  for (guint i = 0; names[i]; i++) {
    const KmProfile *p = sim_resolve_profile(names[i], h, error);
    if (!p)
      return FALSE;
    if (!g_ptr_array_find(out, p, NULL))
      g_ptr_array_add(out, (gpointer)p);
  }
  return TRUE;
}

GPtrArray *whatif_kernel_names(const char *option)
{
  GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
  if (!option)
    g_ptr_array_add(names, NULL);
  else if (strcmp(option, "all") == 0)
    for (const KmProfile *const *p = km_profiles(); *p; p++)
      g_ptr_array_add(names, g_strdup((*p)->name));
  else {
    g_auto(GStrv) parts = g_strsplit(option, ",", -1);
    for (guint i = 0; parts[i]; i++)
      g_ptr_array_add(names, g_strdup(parts[i]));
  }
  return names;
}

static void page_free(gpointer page)
{
  if (page)
    g_string_free(page, TRUE);
}

/* `run --kernel LIST --format html`: each profile's own HTML report (the same variant, replayed once more with
 * the HTML writer), one per row of doc; NULL for a profile that cannot run the scenario (the row says why). */
static GPtrArray *kernel_pages(const SimScenario *sc, const char *const *sets, GPtrArray *profiles,
                               const WhatifSweepDoc *doc, GError **error)
{
  g_autoptr(WhatifVariant) variant = whatif_variant_from_sets(sc, sets, error);
  if (!variant || !whatif_variant_check(variant, error))
    return NULL;
  GPtrArray *pages = g_ptr_array_new_with_free_func(page_free);
  for (guint i = 0; i < profiles->len && i < whatif_sweep_doc_length(doc); i++) {
    const KmProfile *profile = profiles->pdata[i];
    SimOptions opts = { .kernel = profile->name, .format = SIM_FORMAT_HTML };
    GString *page = NULL;
    g_autoptr(GError) replay_error = NULL;
    if (!sim_replay(whatif_variant_header(variant), whatif_variant_steps(variant), &opts, NULL, &page, NULL,
                    &replay_error)) {
      if (page)
        g_string_free(page, TRUE);
      page = NULL; /* the sweep's row has the reason (a feature this kernel lacks) */
    }
    g_ptr_array_add(pages, page);
  }
  return pages;
}

int whatif_run_kernels(const char *path, const char *const *sets, const char *kernels, const char *format,
                       const char *output, WhatifWriteFunc write_output)
{
  WhatifFormat fmt = g_strcmp0(format, "json") == 0 ? WHATIF_FORMAT_JSON
                     : g_strcmp0(format, "html") == 0 ? WHATIF_FORMAT_HTML : WHATIF_FORMAT_TEXT;
  if (g_strcmp0(format, "dmesg") == 0) {
    fprintf(stderr, "oomsim: run --kernel %s: --format dmesg shows one kernel's log; give one --kernel\n", kernels);
    return EXIT_INVALID;
  }
  g_autoptr(GError) error = NULL;
  g_autoptr(SimScenario) sc = sim_scenario_load(path, &error);
  if (!sc)
    return failed(error);
  g_autoptr(GPtrArray) profiles = g_ptr_array_new();
  g_autoptr(GPtrArray) axes = g_ptr_array_new();
  if (!parse_kernels(kernels, sim_scenario_header(sc), profiles, &error))
    return failed(error);
  WhatifSweepOptions opts = { .sets = sets, .axes = axes, .kernels = profiles, .threads = g_get_num_processors(),
                              .shard_index = 1, .shard_count = 1, .format = fmt };
  g_autoptr(WhatifSweepDoc) doc = whatif_sweep_run(sc, &opts, &error);
  if (!doc)
    return failed(error);
  g_autoptr(GPtrArray) pages = fmt == WHATIF_FORMAT_HTML ? kernel_pages(sc, sets, profiles, doc, &error) : NULL;
  if (fmt == WHATIF_FORMAT_HTML && !pages)
    return failed(error);
  g_autoptr(GString) out = pages ? whatif_sweep_render_html(doc, pages) : whatif_sweep_render(doc, fmt);
  if (!write_output(output, out, &error)) {
    fprintf(stderr, "oomsim: %s\n", error->message);
    return EXIT_INVALID;
  }
  return 0;
}

int whatif_cmd_sweep(int argc, char **argv, WhatifWriteFunc write_output)
{
  g_auto(GStrv) vary = NULL, sets = NULL;
  g_autofree char *kernel = NULL, *format = NULL, *output = NULL, *shard = NULL;
  gint threads = 0;
  GOptionEntry entries[] = {
    { "vary", 'V', 0, G_OPTION_ARG_STRING_ARRAY, &vary, "Values of a parameter: PARAM=A,B,C or PARAM=LO..HI/STEP (repeatable: the cartesian product)", "PARAM=VALUES" },
    { "set", 's', 0, G_OPTION_ARG_STRING_ARRAY, &sets, "Override a value in every variant (repeatable)", "PARAM=VALUE" },
    { "kernel", 'k', 0, G_OPTION_ARG_STRING, &kernel, "Kernel profiles: a list (4.19,6.1) or all", "LIST|all" },
    { "jobs", 'j', 0, G_OPTION_ARG_INT, &threads, "Replay on N threads (default: the number of CPUs); the output is the same for any N", "N" },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format, "Output: text (default), csv, json or html", "FORMAT" },
    { "shard", 0, 0, G_OPTION_ARG_STRING, &shard, "Run only variants I, I+N, I+2N ... (1 <= I <= N); join with sweep-merge", "I/N" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Write to FILE (only on success)", "FILE" },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new("FILE");
  g_option_context_set_summary(ctx, "Replays the scenario FILE for every combination of the --vary values.");
  g_option_context_set_description(ctx, "One row per variant: the values, the outcome (no OOM, killed N, ENOMEM, "
                                        "panic, livelock), victims, exits, the first OOM's time, each cgroup's peak "
                                        "and least headroom.\n\n"
                                        "Exit status: 0 success, 2 invalid input or usage.\n"
                                        "See oomsim(1) and docs/what-if.md for more.");
  g_option_context_add_main_entries(ctx, entries, NULL);
  g_autoptr(GError) error = NULL;
  if (!g_option_context_parse(ctx, &argc, &argv, &error))
    return usage(ctx, error->message);
  if (argc != 2)
    return usage(ctx, "sweep takes exactly one scenario file");
  WhatifFormat fmt;
  if (!whatif_format_parse(format, &fmt))
    return usage(ctx, "--format must be text, csv, json or html");
  WhatifSweepOptions opts = { .sets = (const char *const *)sets, .shard_index = 1, .shard_count = 1,
                              .progress = TRUE };
  if (shard && !whatif_parse_shard(shard, &opts.shard_index, &opts.shard_count))
    return usage(ctx, "--shard must be I/N with 1 <= I <= N");
  if (threads < 0 || threads > 1024)
    return usage(ctx, "-j must be 1 to 1024 (0 or none: the number of CPUs)");
  opts.threads = threads ? (guint)threads : g_get_num_processors();
  if (!vary && !kernel)
    return usage(ctx, "sweep needs --vary PARAM=VALUES or --kernel LIST|all");

  g_autoptr(SimScenario) sc = sim_scenario_load(argv[1], &error);
  if (!sc)
    return failed(error);
  g_autoptr(GPtrArray) axes = g_ptr_array_new_with_free_func((GDestroyNotify)whatif_axis_free);
  for (guint i = 0; vary && vary[i]; i++) {
    WhatifAxis *axis = whatif_axis_parse(sc, "--vary", vary[i], &error);
    if (!axis)
      return failed(error);
    g_ptr_array_add(axes, axis);
  }
  g_autoptr(GPtrArray) kernels = g_ptr_array_new();
  if (!parse_kernels(kernel, sim_scenario_header(sc), kernels, &error))
    return failed(error);
  opts.axes = axes;
  opts.kernels = kernels;
  opts.format = fmt;
  g_autoptr(WhatifSweepDoc) doc = whatif_sweep_run(sc, &opts, &error);
  if (!doc)
    return failed(error);
  g_autoptr(GString) out = whatif_sweep_render(doc, fmt);
  if (!write_output(output, out, &error)) {
    fprintf(stderr, "oomsim: %s\n", error->message);
    return EXIT_INVALID;
  }
  return 0;
}

int whatif_cmd_sweep_merge(int argc, char **argv, WhatifWriteFunc write_output)
{
  g_autofree char *format = NULL, *output = NULL;
  GOptionEntry entries[] = {
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format, "Output: that of the shards (default), or text/csv/json from JSON shards", "FORMAT" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Write to FILE (only on success)", "FILE" },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new("SHARD\u2026");
  g_option_context_set_summary(ctx, "Joins the outputs of `sweep --shard I/N` into the output of one sweep.");
  g_option_context_set_description(ctx, "Exit status: 0 success, 2 invalid input or usage.\n"
                                        "See oomsim(1) and docs/what-if.md for more.");
  g_option_context_add_main_entries(ctx, entries, NULL);
  g_autoptr(GError) error = NULL;
  if (!g_option_context_parse(ctx, &argc, &argv, &error))
    return usage(ctx, error->message);
  if (argc < 2)
    return usage(ctx, "sweep-merge needs the shard files");
  WhatifFormat fmt;
  if (!whatif_format_parse(format, &fmt))
    return usage(ctx, "--format must be text, csv, json or html");
  g_autoptr(GString) out = whatif_sweep_merge((const char *const *)argv + 1, format != NULL, fmt, &error);
  if (!out)
    return failed(error);
  if (!write_output(output, out, &error)) {
    fprintf(stderr, "oomsim: %s\n", error->message);
    return EXIT_INVALID;
  }
  return 0;
}

int whatif_cmd_bisect(int argc, char **argv, WhatifWriteFunc write_output)
{
  g_auto(GStrv) sets = NULL;
  g_autofree char *vary = NULL, *until = NULL, *kernel = NULL, *output = NULL;
  gint probes = 16;
  GOptionEntry entries[] = {
    { "vary", 'V', 0, G_OPTION_ARG_STRING, &vary, "The parameter and its range: PARAM=LO..HI (a size or an integer)", "PARAM=LO..HI" },
    { "until", 'u', 0, G_OPTION_ARG_STRING, &until, "The condition: no-oom, survives:PID, killed:PID, no-panic, no-enomem", "COND" },
    { "set", 's', 0, G_OPTION_ARG_STRING_ARRAY, &sets, "Override a value in every run (repeatable)", "PARAM=VALUE" },
    { "kernel", 'k', 0, G_OPTION_ARG_STRING, &kernel, "Kernel version profile (default: the scenario's)", "VER" },
    { "probes", 0, 0, G_OPTION_ARG_INT, &probes, "Extra evenly spaced runs that look for a non-monotone range (default 16)", "N" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Write the report to FILE", "FILE" },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new("FILE");
  g_option_context_set_summary(ctx, "Finds the value of a parameter at which a condition starts or stops holding.");
  g_option_context_set_description(ctx, "Binary search at page resolution (sizes) or 1 (integers).\n\n"
                                        "Exit status: 0 success, 1 the condition is the same at both ends, 2 invalid "
                                        "input or usage.\n"
                                        "See oomsim(1) and docs/what-if.md for more.");
  g_option_context_add_main_entries(ctx, entries, NULL);
  g_autoptr(GError) error = NULL;
  if (!g_option_context_parse(ctx, &argc, &argv, &error))
    return usage(ctx, error->message);
  if (argc != 2)
    return usage(ctx, "bisect takes exactly one scenario file");
  if (!vary || !until)
    return usage(ctx, "bisect needs --vary PARAM=LO..HI and --until COND");
  if (probes < 0 || probes > 1000)
    return usage(ctx, "--probes must be 0 to 1000");
  g_autoptr(SimScenario) sc = sim_scenario_load(argv[1], &error);
  if (!sc)
    return failed(error);
  g_autofree char *address = NULL, *range = NULL;
  if (!whatif_split_assignment(vary, &address, &range, &error))
    return usage(ctx, error->message);
  g_autoptr(WhatifParam) param = whatif_param_resolve(sc, "--vary", address, &error);
  WhatifBisectOptions opts = { .sets = (const char *const *)sets, .param = param, .until_text = until,
                               .kernel = kernel, .probes = (guint)probes };
  if (!param || !whatif_parse_bounds(sc, param, "--vary", range, &opts.lo, &opts.hi, &error) ||
      !whatif_until_parse(sc, until, &opts.until, &error) ||
      (kernel && !sim_resolve_profile(kernel, sim_scenario_header(sc), &error)))
    return failed(error);
  gboolean found = FALSE;
  g_autoptr(GString) out = whatif_bisect_run(sc, &opts, &found, &error);
  if (!out)
    return failed(error);
  if (!write_output(output, out, &error)) {
    fprintf(stderr, "oomsim: %s\n", error->message);
    return EXIT_INVALID;
  }
  return found ? 0 : 1;
}
