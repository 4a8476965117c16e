/* sim/main.c: the oomsim command line: run, check, expand, kernels, validate. The only place that prints. */
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
#include "../scenarios/scenario-expand.h"
#include "../scenarios/scenario-loader.h"
#include "expect.h"
#include "sim.h"
#include "whatif.h"

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

/* The process's umask (umask() can only be read by setting it). */
static mode_t umask_now(void)
{
  mode_t m = umask(022);
  umask(m);
  return m;
}

/* Writes all of data to fd; FALSE with errno set on a failure. */
static gboolean write_all(int fd, const GString *data)
{
  for (gsize done = 0; done < data->len;) {
    ssize_t n = write(fd, data->str + done, data->len - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return FALSE;
    done += (gsize)n;
  }
  return TRUE;
}

/* Writes the finished report to path (docs/report-formats.md, "Output files"), or to stdout for "-":
 * - a symbolic link is followed: the file it names is written, the link stays;
 * - a target that exists and is not a regular file (a device such as /dev/null, a FIFO) is written through,
 *   never replaced (a rename over it would turn /dev/null into a regular file when run as root);
 * - a regular file is replaced atomically (a temporary file beside it renamed into place) and keeps its mode; one
 *   without its owner's write permission is refused, as the shell's `>` would refuse it for anyone but root. */
static gboolean write_output(const char *path, const GString *data, GError **error)
{
  if (!path || g_strcmp0(path, "-") == 0) {
    if (fwrite(data->str, 1, data->len, stdout) != data->len || fflush(stdout) != 0) {
      g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno), "cannot write to standard output: %s",
                  g_strerror(errno));
      return FALSE;
    }
    return TRUE;
  }
  g_autofree char *target = g_file_test(path, G_FILE_TEST_IS_SYMLINK) ? realpath(path, NULL) : g_strdup(path);
  if (!target) {
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno), "%s: a symbolic link to nowhere: %s", path,
                g_strerror(errno));
    return FALSE;
  }
  struct stat st;
  if (stat(target, &st) == 0 && !S_ISREG(st.st_mode)) {
    int fd = open(target, O_WRONLY | O_CLOEXEC);
    gboolean ok = fd >= 0 && write_all(fd, data);
    int saved = errno;
    if (fd >= 0 && close(fd) != 0 && ok) {
      ok = FALSE;
      saved = errno;
    }
    if (!ok)
      g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(saved), "%s: %s", path, g_strerror(saved));
    return ok;
  }
  mode_t mode = 0666 & ~umask_now();
  if (stat(target, &st) == 0) {
    if (!(st.st_mode & S_IWUSR)) {
      g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_ACCES, "%s is read-only (mode %04o): not overwritten", path,
                  (unsigned)(st.st_mode & 07777));
      return FALSE;
    }
    mode = st.st_mode & 07777;
  }
  return g_file_set_contents_full(target, data->str, (gssize)data->len, G_FILE_SET_CONTENTS_CONSISTENT, (int)mode,
                                  error);
}

static int cmd_run(int argc, char **argv)
{
  g_autofree char *kernel = NULL, *format = NULL, *output = NULL;
  GOptionEntry entries[] = {
    { "kernel", 'k', 0, G_OPTION_ARG_STRING, &kernel, "Kernel version profile (default: the scenario's, else 6.1)", "VER" },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format, "Report format: text, dmesg or json (default text)", "FORMAT" },
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
    return usage_error(ctx, "--format must be text, dmesg or json");

  g_autoptr(GString) report = NULL;
  if (!sim_run(argv[1], &opts, NULL, &report, NULL, NULL, &error)) {
    fprintf(stderr, "%s\n", error->message);
    return EXIT_INVALID;
  }
  if (!write_output(output, report, &error)) {
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

/* oomsim expand FILE: the scenario with what the loader derived (the kubelet's cgroups and processes) written out. */
static int cmd_expand(int argc, char **argv)
{
  g_autofree char *output = NULL;
  GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Write the expanded scenario to FILE", "FILE" },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr(GOptionContext) ctx =
    g_option_context_new("FILE - print the scenario with the kubelet's cgroups and oom_score_adj values written out");
  g_option_context_add_main_entries(ctx, entries, NULL);
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

/* oomsim whatif FILE: the scenario once per actor, side by side (sim/whatif.c, docs/userspace-killers.md). */
static int cmd_whatif(int argc, char **argv)
{
  g_autofree char *kernel = NULL, *format = NULL, *output = NULL;
  GOptionEntry entries[] = {
    { "kernel", 'k', 0, G_OPTION_ARG_STRING, &kernel, "Kernel version profile (default: the scenario's, else 6.1)", "VER" },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format, "Table format: text or json (default text)", "FORMAT" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Write the table to FILE (only on success)", "FILE" },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new(
    "FILE - run a scenario with the kernel alone, the kubelet, earlyoom and systemd-oomd, and compare who dies");
  g_option_context_add_main_entries(ctx, entries, NULL);
  g_autoptr(GError) error = NULL;
  if (!g_option_context_parse(ctx, &argc, &argv, &error))
    return usage_error(ctx, error->message);
  if (argc != 2 || g_strcmp0(argv[1], "-") == 0)
    return usage_error(ctx, "whatif takes exactly one scenario file (not standard input: it is read once per actor)");
  if (format && g_strcmp0(format, "text") != 0 && g_strcmp0(format, "json") != 0)
    return usage_error(ctx, "--format must be text or json");
  g_autoptr(GString) table = sim_whatif(argv[1], kernel, g_strcmp0(format, "json") == 0, &error);
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
         "  expand FILE [-o OUT]                                          the scenario with the kubelet's cgroups and\n"
         "                                                                oom_score_adj values written out\n"
         "  whatif FILE [--kernel VER] [--format text|json] [-o OUT]      the scenario with the kernel alone, the kubelet,\n"
         "                                                                earlyoom and systemd-oomd: who dies, when, by whom\n"
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
  if (g_strcmp0(cmd, "expand") == 0)
    return cmd_expand(argc - 1, argv + 1);
  if (g_strcmp0(cmd, "whatif") == 0)
    return cmd_whatif(argc - 1, argv + 1);
  if (g_strcmp0(cmd, "kernels") == 0)
    return cmd_kernels(argc - 1, argv + 1);
  if (g_strcmp0(cmd, "validate") == 0)
    return harness_cmd_validate(argc - 1, argv + 1);
  fprintf(stderr, "oomsim: unknown command \"%s\" (oomsim --help lists the commands)\n", cmd);
  return EXIT_INVALID;
}
