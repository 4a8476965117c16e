/* sim/main.c: the oomsim command line: run, check, expand, kernels, validate. The only place that prints. */
#include <errno.h>
#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>

#include "../explain/explain.h"
#include "../harness/harness.h"
#include "../kernel-model/km-profile.h"
#include "../scenarios/scenario-expand.h"
#include "../scenarios/scenario-loader.h"
#include "../whatif/cli.h"
#include "../whatif/overrides.h"
#include "check-report.h"
#include "expect.h"
#include "output-file.h"
#include "sim.h"
#include "actors.h"

#ifndef OOMSIM_VERSION
#define OOMSIM_VERSION "0.1.0"
#endif

#define EXIT_INVALID 2

static gboolean parse_format(const char *text, SimFormat *out)
{
  if (!text || g_strcmp0(text, "text") == 0)
    *out = SIM_FORMAT_TEXT;
  else if (g_strcmp0(text, "dmesg") == 0)
    *out = SIM_FORMAT_DMESG;
  else if (g_strcmp0(text, "json") == 0)
    *out = SIM_FORMAT_JSON;
  else if (g_strcmp0(text, "none") == 0)
    *out = SIM_FORMAT_NONE; /* no report: the run's errors and exit status only (and `make bench`'s replay) */
  else if (g_strcmp0(text, "html") == 0)
    *out = SIM_FORMAT_HTML;
  else
    return FALSE;
  return TRUE;
}

/* GLib's help says "[OPTION…]": as UTF-8 where the locale's character set is UTF-8, as "[OPTION...]" elsewhere
 * (g_print() would turn the ellipsis into a '?' in the C locale). Every g_print() comes here (main()). */
static void print_for_locale(FILE *stream, const char *text)
{
  if (g_get_charset(NULL)) {
    fputs(text, stream);
    return;
  }
  g_auto(GStrv) parts = g_strsplit(text, "\u2026", -1);
  g_autofree char *ascii = g_strjoinv("...", parts);
  fputs(ascii, stream);
}

static void print_handler(const char *text)
{
  print_for_locale(stdout, text);
}

/* A command line error: the message, then the command's help, on standard error; exit status 2. */
static int usage_error(GOptionContext *ctx, const char *message)
{
  g_autofree char *help = g_option_context_get_help(ctx, TRUE, NULL);
  fprintf(stderr, "%s: %s\n\n", g_get_prgname(), message);
  print_for_locale(stderr, help);
  return EXIT_INVALID;
}

/* The footer of every command's --help. */
#define HELP_FOOTER "Exit status: 0 success, 1 an expectation or comparison failed, 2 invalid input or usage.\n" \
                    "See oomsim(1) and docs/ for more."

static GOptionContext *command_context(const char *parameters, const char *summary, const GOptionEntry *entries)
{
  GOptionContext *ctx = g_option_context_new(parameters);
  g_option_context_set_summary(ctx, summary);
  g_option_context_set_description(ctx, HELP_FOOTER);
  if (entries)
    g_option_context_add_main_entries(ctx, entries, NULL);
  return ctx;
}

/* --max-steps and --max-work (docs/scenario-format.md, "Limits"): the run's resource bounds. LIMIT_UNSET: the
 * option was not given, the default holds. */
#define LIMIT_UNSET G_MININT64
typedef struct {
  gint64 max_steps, max_work;
} LimitArgs;

#define LIMIT_OPTION_ENTRIES(args)                                                                                    \
  { "max-steps", 0, 0, G_OPTION_ARG_INT64, &(args).max_steps,                                                         \
    "Refuse a trace of more than N steps (default 16777216)", "N" },                                                  \
  { "max-work", 0, 0, G_OPTION_ARG_INT64, &(args).max_work,                                                           \
    "Stop a run after N units of model work (default 1073741824, a minute or two)", "N" }

/* Copies the bounds given into opts; FALSE for a value below 1. */
static gboolean limits_apply(const LimitArgs *args, SimOptions *opts)
{
  const gint64 values[] = { args->max_steps, args->max_work };
  for (guint i = 0; i < G_N_ELEMENTS(values); i++)
    if (values[i] != LIMIT_UNSET && values[i] < 1)
      return FALSE;
  opts->max_steps = args->max_steps == LIMIT_UNSET ? 0 : (guint64)args->max_steps;
  opts->max_work = args->max_work == LIMIT_UNSET ? 0 : (guint64)args->max_work;
  return TRUE;
}

/* The whole of data to path (NULL or "-": standard output) by the rules of sim/output-file.c, for the commands
 * whose output is made in memory and is small (sweep, sweep-merge, bisect, run --kernel LIST). */
static gboolean write_output(const char *path, const GString *data, GError **error)
{
  g_autoptr(SimOutputFile) out = sim_output_file_open(path, error);
  return out && sim_output_file_write(out, data->str, data->len, error) && sim_output_file_commit(out, error);
}

static int cmd_run(int argc, char **argv)
{
  g_autofree char *kernel = NULL, *format = NULL, *output = NULL;
  g_auto(GStrv) sets = NULL;
  LimitArgs limits = { LIMIT_UNSET, LIMIT_UNSET };
  gboolean quiet = FALSE, verbose = FALSE;
  GOptionEntry entries[] = {
    { "set", 's', 0, G_OPTION_ARG_STRING_ARRAY, &sets, "Override a value of the scenario (repeatable; docs/what-if.md)", "PARAM=VALUE" },
    { "kernel", 'k', 0, G_OPTION_ARG_STRING, &kernel, "Kernel version profile (default: the scenario's, else 6.1); a list or all: the outcomes side by side", "VER" },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format, "Report format: text, dmesg, json, html or none (default text)", "FORMAT" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Write the report to FILE (only on success)", "FILE" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "Text: no memory line after each step", NULL },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "Text: the memory line also gives the process's rss, swap and VIRT and every ancestor cgroup", NULL },
    LIMIT_OPTION_ENTRIES(limits),
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr(GOptionContext) ctx = command_context(
    "FILE", "Replays the scenario FILE (\"-\": standard input) and reports what the OOM killer did.", entries);
  g_autoptr(GError) error = NULL;
  if (!g_option_context_parse(ctx, &argc, &argv, &error))
    return usage_error(ctx, error->message);
  if (argc != 2)
    return usage_error(ctx, "run takes exactly one scenario file (\"-\" for standard input)");
  if (quiet && verbose)
    return usage_error(ctx, "--quiet and --verbose exclude each other");
  SimOptions opts = { .kernel = kernel, .detail = quiet ? SIM_DETAIL_QUIET : verbose ? SIM_DETAIL_VERBOSE : SIM_DETAIL_NORMAL };
  if (!parse_format(format, &opts.format))
    return usage_error(ctx, "--format must be text, dmesg, json, html or none");
  if (!limits_apply(&limits, &opts))
    return usage_error(ctx, "--max-steps and --max-work take a number of at least 1");
  if (kernel && (strcmp(kernel, "all") == 0 || strchr(kernel, ','))) /* every profile, side by side (issue 10) */
    return whatif_run_kernels(argv[1], (const char *const *)sets, kernel, format, output, write_output);

  /* the output is opened first (a read-only -o is refused before a long run) and written as the run goes;
   * it takes its place only on success (sim/output-file.c) */
  g_autoptr(SimOutputFile) out = sim_output_file_open(output, &error);
  if (!out) {
    fprintf(stderr, "oomsim: %s\n", error->message);
    return EXIT_INVALID;
  }
  opts.report_write = sim_output_file_write_cb;
  opts.report_write_data = out;
  if (!whatif_run(argv[1], (const char *const *)sets, &opts, NULL, NULL, NULL, NULL, &error)) {
    fprintf(stderr, "%s\n", error->message);
    return EXIT_INVALID;
  }
  if (!sim_output_file_commit(out, &error)) {
    fprintf(stderr, "oomsim: %s\n", error->message);
    return EXIT_INVALID;
  }
  return 0;
}

static gint compare_strings(gconstpointer a, gconstpointer b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* FILE or DIR (its *.xml files, sorted by name, recursively). Symbolic links are followed, but every directory is
 * read once, however many names lead to it (device and inode in `visited`), in name order: a link back up the
 * tree (`ln -s . DIR/l`) adds nothing, rather than counting every file again and again for ever. */
static gboolean collect_scenarios(const char *path, GHashTable *visited, GPtrArray *out, GError **error)
{
  GStatBuf st;
  if (g_stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
    g_ptr_array_add(out, g_strdup(path)); /* a file, or something that will say why it cannot be read */
    return TRUE;
  }
  char *key = g_strdup_printf("%ju:%ju", (uintmax_t)st.st_dev, (uintmax_t)st.st_ino);
  if (!g_hash_table_add(visited, key))
    return TRUE; /* read already */
  g_autoptr(GDir) dir = g_dir_open(path, 0, error);
  if (!dir)
    return FALSE;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
  const char *name;
  while ((name = g_dir_read_name(dir)))
    g_ptr_array_add(names, g_build_filename(path, name, NULL));
  g_ptr_array_sort(names, compare_strings);
  for (guint i = 0; i < names->len; i++) {
    const char *child = names->pdata[i];
    if (g_file_test(child, G_FILE_TEST_IS_DIR)) {
      if (!collect_scenarios(child, visited, out, error))
        return FALSE;
    } else if (g_str_has_suffix(child, ".xml")) {
      g_ptr_array_add(out, g_strdup(child));
    }
  }
  return TRUE;
}

/* JUnit's timestamp: SOURCE_DATE_EPOCH (the reproducible-builds convention) if set, else the epoch; never the
 * wall clock, so the same scenarios give the same bytes. NULL (with a message) when the variable is not a number
 * of seconds. */
static char *junit_timestamp(GError **error)
{
  const char *env = g_getenv("SOURCE_DATE_EPOCH");
  guint64 seconds = 0;
  if (env && !g_ascii_string_to_unsigned(env, 10, 0, 253402300799 /* 9999-12-31T23:59:59 */, &seconds, NULL)) {
    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                "SOURCE_DATE_EPOCH=\"%s\" is not a number of seconds since 1970 (up to year 9999)", env);
    return NULL;
  }
  g_autoptr(GDateTime) t = g_date_time_new_from_unix_utc((gint64)seconds);
  return g_date_time_format(t, "%Y-%m-%dT%H:%M:%S");
}

/* <log contains> against the spooled dmesg report; a read error is kept for the caller. */
typedef struct {
  SimOutputFile *spool;
  GError *error;
} LogSearch;

static gboolean log_search_contains(gpointer data, const char *needle)
{
  LogSearch *search = data;
  gboolean found = FALSE;
  if (!search->error)
    sim_output_file_contains(search->spool, needle, &found, &search->error);
  return found;
}

/* Runs one scenario's <expect> with the --set overrides on one kernel; fills res (messages into `messages`). A
 * profile that refuses the scenario meets an <expect><refused/> that applies to it; otherwise, with several kernels
 * (--kernel LIST|all), such a profile is skipped, and with one the scenario is invalid. */
static void check_one_file(const char *file, const char *const *sets, const char *kernel, gboolean several_kernels,
                           const SimOptions *limits, GPtrArray *messages, char **out_profile, CheckResult *res)
{
  /* the dmesg report is produced too, for <log> expectations, into a spool (memory up to 1 MiB, then a temporary
   * file) that they search: it is not kept in memory (issue 13) */
  g_autoptr(SimOutputFile) spool = sim_output_file_open_search();
  SimOptions opts = { .kernel = kernel, .format = SIM_FORMAT_DMESG, .max_steps = limits->max_steps,
                      .max_work = limits->max_work, .report_write = sim_output_file_write_cb,
                      .report_write_data = spool };
  g_autoptr(SimOutcome) outcome = NULL;
  g_autoptr(GPtrArray) expects = NULL;
  g_autoptr(GString) dmesg = NULL;
  g_autoptr(GError) run_error = NULL;
  *res = (CheckResult){ .file = file, .messages = messages };
  if (!whatif_run(file, sets, &opts, &outcome, &dmesg, &expects, out_profile, &run_error)) {
    gboolean refused = g_error_matches(run_error, SCENARIO_ERROR, SCENARIO_ERROR_UNSUPPORTED);
    /* the streaming run stopped before the <expect> at the end: read them from the whole scenario (not from
     * standard input, which the run has read) */
    g_autoptr(SimScenario) whole = refused && strcmp(file, "-") != 0 ? sim_scenario_load(file, NULL) : NULL;
    const KmProfile *profile = whole ? sim_resolve_profile(kernel, sim_scenario_header(whole), NULL) : NULL;
    if (profile && sim_expect_check_refused(file, sim_scenario_expects(whole), profile->name, run_error->message,
                                            messages)) {
      res->kernel = profile->name;
      res->n_expectations = sim_expect_count(sim_scenario_expects(whole), profile->name);
      res->status = messages->len == 0 ? CHECK_PASS : CHECK_FAIL;
      return;
    }
    if (several_kernels && refused) {
      g_ptr_array_add(messages, g_strdup_printf("kernel %s cannot run it: %s", kernel, run_error->message));
      res->kernel = kernel;
      res->status = CHECK_SKIP;
      return;
    }
    g_ptr_array_add(messages, g_strdup(run_error->message));
    res->status = CHECK_INVALID;
    return;
  }
  res->kernel = *out_profile;
  res->n_expectations = sim_expect_count(expects, *out_profile);
  if (expects->len == 0)
    g_ptr_array_add(messages, g_strdup_printf("%s: the scenario has no <expect>", file));
  LogSearch log = { spool, NULL };
  sim_expect_check_log(file, expects, *out_profile, outcome, log_search_contains, &log, messages);
  res->status = messages->len == 0 ? CHECK_PASS : CHECK_FAIL;
  if (log.error) { /* the spooled log could not be read back: nothing can be said of <log> */
    g_ptr_array_add(messages, g_strdup(log.error->message));
    g_clear_error(&log.error);
    res->status = CHECK_INVALID;
  }
}

static int cmd_check(int argc, char **argv)
{
  g_autofree char *kernel = NULL, *format_name = NULL;
  gboolean quiet = FALSE;
  g_auto(GStrv) sets = NULL;
  LimitArgs limits = { LIMIT_UNSET, LIMIT_UNSET };
  GOptionEntry entries[] = {
    { "set", 's', 0, G_OPTION_ARG_STRING_ARRAY, &sets, "Override a value of each scenario (repeatable; docs/what-if.md)", "PARAM=VALUE" },
    { "kernel", 'k', 0, G_OPTION_ARG_STRING, &kernel, "Run every scenario on this kernel profile (a list, or all: on each)", "VER" },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format_name, "Report format: text, tap or junit (default text)",
      "FORMAT" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "Print only failures and the closing line (text)", NULL },
    LIMIT_OPTION_ENTRIES(limits),
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr(GOptionContext) ctx = command_context(
    "FILE|DIR\u2026", "Runs each scenario and checks its <expect> (a DIR: its *.xml files, recursively, in name order).",
    entries);
  g_autoptr(GError) error = NULL;
  if (!g_option_context_parse(ctx, &argc, &argv, &error))
    return usage_error(ctx, error->message);
  if (argc < 2)
    return usage_error(ctx, "check needs at least one scenario file or directory");
  CheckFormat format;
  if (!check_format_parse(format_name, &format))
    return usage_error(ctx, "--format must be text, tap or junit");
  g_autofree char *timestamp = format == CHECK_FORMAT_JUNIT ? junit_timestamp(&error) : NULL;
  if (error)
    return usage_error(ctx, error->message);
  SimOptions limit_opts = { 0 };
  if (!limits_apply(&limits, &limit_opts))
    return usage_error(ctx, "--max-steps and --max-work take a number of at least 1");

  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(g_free);
  g_autoptr(GHashTable) visited = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  for (int i = 1; i < argc; i++) {
    if (!collect_scenarios(argv[i], visited, files, &error)) {
      fprintf(stderr, "oomsim: %s\n", error->message);
      return EXIT_INVALID;
    }
  }
  g_autoptr(GPtrArray) kernels = whatif_kernel_names(kernel); /* --kernel LIST|all: each file on each (issue 10) */
  const char *properties[] = { "oomsim.version", OOMSIM_VERSION, kernel ? "kernel" : NULL, kernel, NULL };
  g_autoptr(CheckReport) report = check_report_new(format, files->len * kernels->len, quiet, timestamp, properties);
  g_autoptr(GString) out = g_string_new(NULL);
  guint failed = 0, invalid = 0;
  for (guint i = 0; i < files->len * kernels->len; i++) {
    g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *profile = NULL;
    CheckResult res;
    check_one_file(files->pdata[i / kernels->len], (const char *const *)sets, kernels->pdata[i % kernels->len],
                   kernels->len > 1, &limit_opts, messages, &profile, &res);
    failed += res.status == CHECK_FAIL;
    invalid += res.status == CHECK_INVALID;
    check_report_add(report, &res, out);
    fputs(out->str, stdout);
    g_string_truncate(out, 0);
    if (res.status == CHECK_INVALID && format == CHECK_FORMAT_TEXT)
      fprintf(stderr, "%s\n", (const char *)messages->pdata[0]);
    fflush(stdout);
  }
  check_report_finish(report, out);
  fputs(out->str, stdout);
  fflush(stdout);
  if (invalid)
    return EXIT_INVALID;
  return failed ? 1 : 0;
}

/* oomsim expand FILE: the scenario with what the loader derived (the kubelet's cgroups and processes) written out. */
static int cmd_expand(int argc, char **argv)
{
  g_autofree char *output = NULL;
  GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Write the expanded scenario to FILE", "FILE" },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr(GOptionContext) ctx = command_context(
    "FILE", "Prints the scenario FILE with the kubelet's cgroups and oom_score_adj values written out.", entries);
  g_autoptr(GError) error = NULL;
  if (!g_option_context_parse(ctx, &argc, &argv, &error))
    return usage_error(ctx, error->message);
  if (argc != 2)
    return usage_error(ctx, "expand takes exactly one scenario file (\"-\" for standard input)");
  g_autoptr(GString) expanded = scenario_expand(argv[1], &error);
  if (expanded == NULL) {
    fprintf(stderr, "%s\n", error->message);
    return EXIT_INVALID;
  }
  if (!write_output(output, expanded, &error)) {
    fprintf(stderr, "oomsim: %s\n", error->message);
    return EXIT_INVALID;
  }
  return 0;
}

/* oomsim actors FILE: the scenario once per actor, side by side (sim/actors.c, docs/userspace-killers.md). */
static int cmd_actors(int argc, char **argv)
{
  g_autofree char *kernel = NULL, *format = NULL, *output = NULL;
  GOptionEntry entries[] = {
    { "kernel", 'k', 0, G_OPTION_ARG_STRING, &kernel, "Kernel version profile (default: the scenario's, else 6.1)", "VER" },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format, "Table format: text or json (default text)", "FORMAT" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Write the table to FILE (only on success)", "FILE" },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr(GOptionContext) ctx = command_context(
    "FILE", "Runs a scenario with the kernel alone, the kubelet, earlyoom and systemd-oomd, and compares who dies.",
    entries);
  g_autoptr(GError) error = NULL;
  if (!g_option_context_parse(ctx, &argc, &argv, &error))
    return usage_error(ctx, error->message);
  if (argc != 2 || g_strcmp0(argv[1], "-") == 0)
    return usage_error(ctx, "actors takes exactly one scenario file (not standard input: it is read once per actor)");
  if (format && g_strcmp0(format, "text") != 0 && g_strcmp0(format, "json") != 0)
    return usage_error(ctx, "--format must be text or json");
  g_autoptr(GString) table = sim_actors(argv[1], kernel, g_strcmp0(format, "json") == 0, &error);
  if (!table) {
    fprintf(stderr, "%s\n", error->message);
    return EXIT_INVALID;
  }
  if (!write_output(output, table, &error)) {
    fprintf(stderr, "oomsim: %s\n", error->message);
    return EXIT_INVALID;
  }
  return 0;
}

static int cmd_kernels(int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = command_context(
    NULL, "Lists the kernel version profiles: the name --kernel and kernel= take, and what the profile models.",
    NULL);
  g_autoptr(GError) error = NULL;
  if (!g_option_context_parse(ctx, &argc, &argv, &error))
    return usage_error(ctx, error->message);
  if (argc != 1)
    return usage_error(ctx, "kernels takes no arguments");
  for (const KmProfile *const *p = km_profiles(); *p; p++)
    printf("%-5s %s%s\n", (*p)->name, (*p)->summary, g_strcmp0((*p)->name, KM_DEFAULT_PROFILE) == 0 ? " [default]" : "");
  return 0;
}

/* The what-if commands (whatif/cli.c) write their output through write_output(). */
static int cmd_sweep(int argc, char **argv)
{
  return whatif_cmd_sweep(argc, argv, write_output);
}

static int cmd_sweep_merge(int argc, char **argv)
{
  return whatif_cmd_sweep_merge(argc, argv, write_output);
}

static int cmd_bisect(int argc, char **argv)
{
  return whatif_cmd_bisect(argc, argv, write_output);
}

static const char usage_text[] =
  "Usage: oomsim COMMAND [OPTION\u2026] [ARGUMENT\u2026]\n\n"
  "Replays an XML scenario against a model of the Linux OOM killer and reports who dies, when and why.\n\n"
  "Commands:\n"
  "  run FILE                replay one scenario: a timeline, the kernel's dmesg lines, JSON or an HTML page\n"
  "  check FILE|DIR...       check scenarios' <expect> (text, TAP or JUnit XML)\n"
  "  expand FILE             the scenario with the kubelet's cgroups and oom_score_adj values written out\n"
  "  kernels                 list the kernel version profiles\n"
  "  validate FILE|DIR...    replay scenarios on a real kernel in QEMU and compare\n"
  "  sweep FILE --vary ...   replay every combination of parameter values (what-if)\n"
  "  sweep-merge SHARD...    join the outputs of sweep --shard into one\n"
  "  bisect FILE --vary ...  the threshold of a parameter at which the outcome changes\n"
  "  explain [FILE|-]        read real OOM reports in a kernel log: era, constraint, badness, the victim\n"
  "  actors FILE             the scenario with the kernel alone, the kubelet, earlyoom and systemd-oomd side by side\n"
  "  (run, check, sweep and bisect take --set PARAM=VALUE: docs/what-if.md)\n\n"
  "Options:\n"
  "  -h, --help              show this help; oomsim COMMAND --help (or oomsim help COMMAND): its options\n"
  "  --version               print the version and the kernel profile list\n\n"
  HELP_FOOTER "\n";

static const struct {
  const char *name;
  int (*run)(int argc, char **argv);
} commands[] = {
  { "run", cmd_run },
  { "check", cmd_check },
  { "expand", cmd_expand },
  { "kernels", cmd_kernels },
  { "validate", harness_cmd_validate },
  { "sweep", cmd_sweep },
  { "sweep-merge", cmd_sweep_merge },
  { "bisect", cmd_bisect },
  { "explain", explain_cmd_main },
  { "actors", cmd_actors },
};

/* GNU --version: the program's version, then the kernel profiles it models and the version of that list. */
static void print_version(void)
{
  g_autofree char *names = km_profile_names();
  printf("oomsim %s\nkernel profiles %s: %s (default %s)\n", OOMSIM_VERSION, KM_PROFILES_VERSION, names,
         KM_DEFAULT_PROFILE);
}

int main(int argc, char **argv)
{
  /* the user's locale for messages and the character set (GLib's help prints "…" in a UTF-8 locale); numbers and
   * collation stay C: a report must not depend on the locale (docs/report-formats.md) */
  setlocale(LC_ALL, "");
  setlocale(LC_NUMERIC, "C");
  setlocale(LC_COLLATE, "C");
  g_set_print_handler(print_handler);
  if (argc < 2) {
    print_for_locale(stderr, usage_text);
    return EXIT_INVALID;
  }
  const char *cmd = argv[1];
  if (g_strcmp0(cmd, "--help") == 0 || g_strcmp0(cmd, "-h") == 0 || (g_strcmp0(cmd, "help") == 0 && argc == 2)) {
    print_for_locale(stdout, usage_text);
    return 0;
  }
  if (g_strcmp0(cmd, "--version") == 0) {
    print_version();
    return 0;
  }
  if (g_strcmp0(cmd, "help") == 0) { /* help COMMAND: COMMAND --help */
    cmd = argv[2];
    argv[2] = (char *)"--help";
    argc = 3;
  }
  for (guint i = 0; i < G_N_ELEMENTS(commands); i++) {
    if (g_strcmp0(cmd, commands[i].name) == 0) {
      g_autofree char *prgname = g_strdup_printf("oomsim %s", cmd); /* "Usage: oomsim run [OPTION…] FILE" */
      g_set_prgname(prgname);
      argv[1] = (char *)cmd;
      return commands[i].run(argc - 1, argv + 1);
    }
  }
  fprintf(stderr, "oomsim: unknown command \"%s\" (oomsim --help lists the commands)\n", cmd);
  return EXIT_INVALID;
}
