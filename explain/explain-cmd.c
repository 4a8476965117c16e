/* explain/explain-cmd.c: `oomsim explain [FILE|-] [--format text|json|html] [-o FILE] [--set ...] [--kernel VER]`,
 * the command line of explain (sim/main.c only dispatches to it). The only file of explain/ that prints. Exit status: 0 explained, 2 invalid input or options (one `FILE:LINE:COL: ...` line). */
#include "explain.h"

#include "../sim/output-file.h"

#include <stdio.h>
#include <string.h>

#define EXIT_INVALID 2

static int usage(GOptionContext *ctx, const char *message)
{
  g_autofree char *help = g_option_context_get_help(ctx, TRUE, NULL);
  fprintf(stderr, "oomsim: %s\n\n%s", message, help);
  return EXIT_INVALID;
}

/* Every report recomputed in log order; a pid killed by an earlier report is known to the later ones. With a
 * what-if, the baseline order is kept first. */
static void recompute_all(GPtrArray *reports, const ExplainWhatIf *w)
{
  g_autoptr(GPtrArray) victims = g_ptr_array_new();
  for (guint i = 0; i < reports->len; i++) {
    ExplainReport *r = reports->pdata[i];
    explain_report_recompute(r, NULL, victims);
    if (explain_whatif_any(w)) {
      g_autoptr(GPtrArray) order = explain_report_ranking(r);
      g_array_set_size(r->baseline_order, 0);
      for (guint k = 0; k < order->len; k++)
        g_array_append_val(r->baseline_order, ((ExplainTask *)order->pdata[k])->pid);
      explain_report_recompute(r, w, victims);
    }
    for (guint k = 0; k < r->kills->len; k++)
      g_ptr_array_add(victims, GINT_TO_POINTER(g_array_index(r->kills, ExplainKill, k).pid));
  }
}

int explain_cmd_main(int argc, char **argv)
{
  g_autofree char *format = NULL, *kernel = NULL, *output = NULL;
  g_auto(GStrv) sets = NULL;
  gboolean to_scenario = FALSE;
  int report_no = 1;
  GOptionEntry entries[] = {
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format, "Output: text, json or html (default text)", "FORMAT" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Write the explanation to FILE (only on success)", "FILE" },
    { "set", 's', 0, G_OPTION_ARG_STRING_ARRAY, &sets,
      "What-if: process[PID].oom_score_adj=N or memcg.limit=SIZE (repeatable)", "CHANGE" },
    { "kernel", 'k', 0, G_OPTION_ARG_STRING, &kernel, "What-if: recompute with kernel VER's rules (e.g. 4.14, 6.1)", "VER" },
    { "to-scenario", 0, 0, G_OPTION_ARG_NONE, &to_scenario,
      "Write a scenario reproducing the report (after any --set) instead of the explanation", NULL },
    { "report", 'r', 0, G_OPTION_ARG_INT, &report_no, "With --to-scenario: which report of the log (default 1)", "N" },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new("[FILE|-] - explain the OOM killer reports in a kernel log");
  g_option_context_add_main_entries(ctx, entries, NULL);
  g_autoptr(GError) error = NULL;
  if (!g_option_context_parse(ctx, &argc, &argv, &error))
    return usage(ctx, error->message);
  if (argc > 2)
    return usage(ctx, "explain takes one log file (\"-\" or nothing for standard input)");
  ExplainFormat fmt = EXPLAIN_FORMAT_TEXT;
  if (format && strcmp(format, "json") == 0)
    fmt = EXPLAIN_FORMAT_JSON;
  else if (format && strcmp(format, "html") == 0)
    fmt = EXPLAIN_FORMAT_HTML;
  else if (format && strcmp(format, "text") != 0)
    return usage(ctx, "--format must be text, json or html");

  ExplainWhatIf w;
  explain_whatif_init(&w);
  for (guint i = 0; sets && sets[i]; i++) {
    if (!explain_whatif_parse_set(&w, sets[i], &error)) {
      fprintf(stderr, "oomsim: %s\n", error->message);
      explain_whatif_clear(&w);
      return EXIT_INVALID;
    }
  }
  if (kernel) {
    int v = explain_parse_version(kernel);
    w.era = v ? explain_era_for_version(v) : NULL;
    if (!w.era) {
      fprintf(stderr, "oomsim: --kernel %s: not a kernel version from 2.6.32 on (e.g. 3.10, 4.14, 6.1)\n", kernel);
      explain_whatif_clear(&w);
      return EXIT_INVALID;
    }
  }
  const char *path = argc == 2 ? argv[1] : "-";
  const char *source = strcmp(path, "-") == 0 ? "<stdin>" : path;
  /* the HTML page shows each report's own lines: only then are they kept */
  g_autoptr(GPtrArray) reports = fmt == EXPLAIN_FORMAT_HTML && !to_scenario ? explain_read_log_lines(path, NULL, &error)
                                                                            : explain_read_log(path, NULL, &error);
  if (!reports) {
    fprintf(stderr, "%s\n", error->message);
    explain_whatif_clear(&w);
    return EXIT_INVALID;
  }
  recompute_all(reports, &w);
  explain_whatif_clear(&w);
  g_autoptr(GString) out = NULL;
  if (to_scenario) {
    if (report_no < 1 || (guint)report_no > reports->len) {
      fprintf(stderr, "oomsim: --report %d: the log has %u report%s\n", report_no, reports->len,
              reports->len == 1 ? "" : "s");
      return EXIT_INVALID;
    }
    out = explain_to_scenario(source, reports->pdata[report_no - 1], (guint)report_no, &error);
    if (!out) {
      fprintf(stderr, "%s\n", error->message);
      return EXIT_INVALID;
    }
  } else {
    out = explain_format(source, reports, fmt);
  }
  /* written whole, and to FILE only now that everything succeeded (sim/output-file.c: a temporary file renamed) */
  g_autoptr(SimOutputFile) file = sim_output_file_open(output, &error);
  if (!file || !sim_output_file_write(file, out->str, out->len, &error) || !sim_output_file_commit(file, &error)) {
    fprintf(stderr, "oomsim: %s\n", error->message);
    return EXIT_INVALID;
  }
  return 0;
}
