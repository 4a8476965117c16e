/* sim/main.c: the oomsim command line: run, check, kernels, validate. The only place that prints. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>

#include "../harness/harness.h"
#include "../kernel-model/km-profile.h"
#include "../scenarios/scenario-loader.h"
#include "expect.h"
#include "output-file.h"
#include "sim.h"

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
  else
    return FALSE;
  return TRUE;
}

static int usage_error(GOptionContext *ctx, const char *message)
{
  g_autofree char *help = g_option_context_get_help(ctx, TRUE, NULL);
  fprintf(stderr, "oomsim: %s\n\n%s", message, help);
  return EXIT_INVALID;
}

static int cmd_run(int argc, char **argv)
{
  g_autofree char *kernel = NULL, *format = NULL, *output = NULL;
  GOptionEntry entries[] = {
    { "kernel", 'k', 0, G_OPTION_ARG_STRING, &kernel, "Kernel version profile (default: the scenario's, else 6.1)", "VER" },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format, "Report format: text, dmesg, json or none (default text)", "FORMAT" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Write the report to FILE (only on success)", "FILE" },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new("FILE - replay a scenario and report what the OOM killer did");
  g_option_context_add_main_entries(ctx, entries, NULL);
  g_autoptr(GError) error = NULL;
  if (!g_option_context_parse(ctx, &argc, &argv, &error))
    return usage_error(ctx, error->message);
  if (argc != 2)
    return usage_error(ctx, "run takes exactly one scenario file (\"-\" for standard input)");
  SimOptions opts = { .kernel = kernel };
  if (!parse_format(format, &opts.format))
    return usage_error(ctx, "--format must be text, dmesg, json or none");

  /* the output is opened first (a read-only -o is refused before a long run) and written as the run goes;
   * it takes its place only on success (sim/output-file.c) */
  g_autoptr(SimOutputFile) out = sim_output_file_open(output, &error);
  if (!out) {
    fprintf(stderr, "oomsim: %s\n", error->message);
    return EXIT_INVALID;
  }
  opts.report_write = sim_output_file_write_cb;
  opts.report_write_data = out;
  if (!sim_run(argv[1], &opts, NULL, NULL, NULL, NULL, &error)) {
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

static int cmd_check(int argc, char **argv)
{
  g_autofree char *kernel = NULL;
  gboolean quiet = FALSE;
  GOptionEntry entries[] = {
    { "kernel", 'k', 0, G_OPTION_ARG_STRING, &kernel, "Run every scenario on this kernel profile", "VER" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "Print only failures and the closing line", NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new("FILE|DIR... - check each scenario's <expect>");
  g_option_context_add_main_entries(ctx, entries, NULL);
  g_autoptr(GError) error = NULL;
  if (!g_option_context_parse(ctx, &argc, &argv, &error))
    return usage_error(ctx, error->message);
  if (argc < 2)
    return usage_error(ctx, "check needs at least one scenario file or directory");

  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(g_free);
  g_autoptr(GHashTable) visited = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  for (int i = 1; i < argc; i++) {
    if (!collect_scenarios(argv[i], visited, files, &error)) {
      fprintf(stderr, "oomsim: %s\n", error->message);
      return EXIT_INVALID;
    }
  }
  guint passed = 0, failed = 0, invalid = 0;
  for (guint i = 0; i < files->len; i++) {
    const char *file = files->pdata[i];
    /* the dmesg report is produced too, for <log> expectations */
    SimOptions opts = { .kernel = kernel, .format = SIM_FORMAT_DMESG };
    g_autoptr(SimOutcome) outcome = NULL;
    g_autoptr(GPtrArray) expects = NULL;
    g_autoptr(GString) dmesg = NULL;
    g_autofree char *profile = NULL;
    g_autoptr(GError) run_error = NULL;
    if (!sim_run(file, &opts, &outcome, &dmesg, &expects, &profile, &run_error)) {
      printf("INVALID %s\n", file);
      fprintf(stderr, "%s\n", run_error->message);
      invalid++;
      continue;
    }
    g_autoptr(GPtrArray) failures = g_ptr_array_new_with_free_func(g_free);
    if (expects->len == 0) {
      g_ptr_array_add(failures, g_strdup_printf("%s: the scenario has no <expect>", file));
    }
    if (sim_expect_check(file, expects, outcome, dmesg->str, failures) && failures->len == 0) {
      passed++;
      if (!quiet)
        printf("PASS %s (kernel %s, %u expectation%s)\n", file, profile, expects->len, expects->len == 1 ? "" : "s");
    } else {
      failed++;
      printf("FAIL %s (kernel %s)\n", file, profile);
      for (guint j = 0; j < failures->len; j++)
        printf("  %s\n", (char *)failures->pdata[j]);
    }
  }
  printf("%u passed, %u failed\n", passed, failed + invalid);
  fflush(stdout);
  if (invalid)
    return EXIT_INVALID;
  return failed ? 1 : 0;
}

static int cmd_kernels(int argc, char **argv)
{
  (void)argc;
  (void)argv;
  for (const KmProfile *const *p = km_profiles(); *p; p++)
    printf("%-5s %s%s\n", (*p)->name, (*p)->summary, g_strcmp0((*p)->name, KM_DEFAULT_PROFILE) == 0 ? " [default]" : "");
  return 0;
}

static void print_help(void)
{
  printf("Usage: oomsim COMMAND [OPTION...]\n\n"
         "Replays an XML scenario against a model of the Linux OOM killer and reports who dies, when and why.\n\n"
         "Commands:\n"
         "  run FILE [--kernel VER] [--format text|dmesg|json] [-o OUT]   replay one scenario\n"
         "  check FILE|DIR... [--kernel VER]                              check scenarios' <expect>\n"
         "  kernels                                                       list the kernel version profiles\n"
         "  validate FILE|DIR... [--kernel-image 6.1|6.12|PATH]           compare with a real kernel in QEMU\n\n"
         "Options:\n"
         "  -h, --help      show this help (COMMAND --help: the command's options)\n"
         "  --version       print the version\n\n"
         "Exit status: 0 success, 1 an expectation or comparison failed, 2 invalid input.\n"
         "Documentation: README.md and docs/ (scenario-format.md, model.md, kernel-versions.md, report-formats.md).\n");
}

int main(int argc, char **argv)
{
  if (argc < 2) {
    print_help();
    return EXIT_INVALID;
  }
  const char *cmd = argv[1];
  if (g_strcmp0(cmd, "--help") == 0 || g_strcmp0(cmd, "-h") == 0 || g_strcmp0(cmd, "help") == 0) {
    print_help();
    return 0;
  }
  if (g_strcmp0(cmd, "--version") == 0) {
    printf("oomsim %s\n", OOMSIM_VERSION);
    return 0;
  }
  if (g_strcmp0(cmd, "run") == 0)
    return cmd_run(argc - 1, argv + 1);
  if (g_strcmp0(cmd, "check") == 0)
    return cmd_check(argc - 1, argv + 1);
  if (g_strcmp0(cmd, "kernels") == 0)
    return cmd_kernels(argc - 1, argv + 1);
  if (g_strcmp0(cmd, "validate") == 0)
    return harness_cmd_validate(argc - 1, argv + 1);
  fprintf(stderr, "oomsim: unknown command \"%s\" (oomsim --help lists the commands)\n", cmd);
  return EXIT_INVALID;
}
