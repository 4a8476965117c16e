/* harness/harness-cmd.c: the `oomsim validate` command (the only printing code of the harness).
 *
 * Scenarios are translated and simulated in the main thread (the loader and the simulator are not asked to be
 * thread-safe); the VM runs, which take seconds each, go to a GThreadPool (--jobs, default 2).  Output follows
 * the order of the arguments whatever order the VMs finish in.
 */
#include "harness.h"
#include "harness-progress.h"

#include <stdio.h>
#include <string.h>

#include "../sim/sim.h"
#include "../scenarios/scenario.h"
#include "../whatif/overrides.h"

/* the padding of one perturbation step: 61 pages and a bit, so that successive perturbations move both the page
 * layout and the unpacking time by an amount that is not a multiple of a page or of a timer tick */
#define HARNESS_PERTURB_PAD_BYTES (61 * 4096 + 1237)

typedef struct {
  HarnessScenario *scenario;
  const HarnessKernel *kernel;
  const char *agent_path;
  guint time_limit_s;
  gboolean reuse;
  guint perturb;     /* 0, or the perturbation number (the scenario's name changed in the agent input) */
  char *work_dir;
  const char *path;           /* the scenario file as given, for the progress lines */
  const char *const *sets;    /* --set overrides (JobSettings'), for the simulator's side */
  HarnessProgress *progress;  /* borrowed; NULL: no progress (stderr is not a terminal) */
  HarnessVmRun *run;
  HarnessVmResult *result;
  GError *error;
} Job;

static void job_free(gpointer p)
{
  Job *j = p;
  harness_scenario_free(j->scenario);
  g_free(j->work_dir);
  harness_vm_run_free(j->run);
  harness_vm_result_free(j->result);
  g_clear_error(&j->error);
  g_free(j);
}

static void job_run_vm(Job *j)
{
  if (j->scenario->earlyoom && !j->kernel->earlyoom_root) {
    g_set_error(&j->error, HARNESS_ERROR, HARNESS_ERROR_SETUP,
                "the scenario runs earlyoom and the VM cache has no earlyoom: run `make validate-setup` "
                "(harness/setup.sh earlyoom)");
    return;
  }
  g_autoptr(GBytes) initramfs = harness_initramfs_build(j->agent_path, j->scenario->input->str,
                                                        j->scenario->input->len, j->kernel,
                                                        (gsize)j->perturb * HARNESS_PERTURB_PAD_BYTES,
                                                        j->scenario->earlyoom ? j->kernel->earlyoom_root : NULL,
                                                        &j->error);
  if (!initramfs)
    return;
  j->run = harness_vm_run(j->kernel, initramfs, j->scenario->ram_mib, j->time_limit_s, j->work_dir, j->reuse,
                          &j->error);
  if (!j->run)
    return;
  j->result = harness_vm_parse(j->scenario, j->run, &j->error);
}

static void job_run(gpointer data, gpointer user_data)
{
  Job *j = data;
  (void)user_data;
  gint64 started;
  g_autofree char *what = j->perturb ? g_strdup_printf("%s (perturbed run %u)", j->path, j->perturb)
                                     : g_strdup(j->path);
  guint n = harness_progress_start(j->progress, what, j->kernel->key, &started);
  job_run_vm(j);
  harness_progress_end(j->progress, n, what, j->kernel->key, started,
                       j->result ? "VM done" : "VM failed");
}

static gint path_cmp(gconstpointer a, gconstpointer b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* FILE|DIR... -> scenario files; a directory gives its *.xml files, sorted */
static gboolean collect(char **args, GPtrArray *files, GError **error)
{
  for (char **a = args; a && *a; a++) {
    if (g_file_test(*a, G_FILE_TEST_IS_DIR)) {
      g_autoptr(GDir) dir = g_dir_open(*a, 0, error);
      if (!dir)
        return FALSE;
      g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func(g_free);
      const char *name;
      while ((name = g_dir_read_name(dir)))
        if (g_str_has_suffix(name, ".xml"))
          g_ptr_array_add(found, g_build_filename(*a, name, NULL));
      g_ptr_array_sort(found, path_cmp);
      for (guint i = 0; i < found->len; i++)
        g_ptr_array_add(files, g_strdup(g_ptr_array_index(found, i)));
    } else {
      g_ptr_array_add(files, g_strdup(*a));
    }
  }
  return TRUE;
}

static char *safe_name(const char *path)
{
  g_autofree char *base = g_path_get_basename(path);
  if (g_str_has_suffix(base, ".xml"))
    base[strlen(base) - 4] = 0;
  return g_strcanon(g_steal_pointer(&base), G_CSET_A_2_Z G_CSET_a_2_z G_CSET_DIGITS "-_.", '_');
}

static HarnessComparison *error_comparison(const char *path, const char *name, HarnessVerdict verdict,
                                           const char *reason)
{
  HarnessComparison *c = g_new0(HarnessComparison, 1);
  c->scenario = g_strdup(name ? name : path);
  c->path = g_strdup(path);
  c->rows = g_ptr_array_new();
  c->kernel_lines = g_ptr_array_new_with_free_func(g_free);
  c->verdict = verdict;
  c->reason = g_strdup(reason);
  return c;
}

/* --vm-only: what the VM did, without the simulator */
static void render_vm_only(const Job *j, GString *out)
{
  g_string_append_printf(out, "== %s (%s)\n", j->scenario->name, j->scenario->path);
  if (!j->result) {
    g_string_append_printf(out, "   error: %s\n", j->error ? j->error->message : "?");
    return;
  }
  const HarnessVmResult *r = j->result;
  g_string_append_printf(out, "   kernel %s, MemTotal %" G_GUINT64_FORMAT " kB, MemFree %" G_GUINT64_FORMAT
                              " kB, per-CPU lists %" G_GUINT64_FORMAT " kB, min_free_kbytes %" G_GUINT64_FORMAT
                              ", base rss %" G_GUINT64_FORMAT " kB (anon %" G_GUINT64_FORMAT "), pgtables %" G_GUINT64_FORMAT
                              " kB, kernel memory per process %" G_GUINT64_FORMAT " kB, memcg kernel memory per mm %"
                              G_GUINT64_FORMAT " B\n",
                         r->kernel_release, r->mem_total_kb, r->mem_free_kb, r->pcp_kb, r->min_free_kbytes,
                         r->base_rss_kb, r->base_anon_kb, r->base_pgtables_kb, r->task_kernel_kb, r->memcg_kmem_bytes);
  if (r->unsupported)
    g_string_append_printf(out, "   the kernel refuses the scenario: %s\n", r->unsupported_reason);
  for (guint i = 0; i < r->step_results->len; i++)
    g_string_append_printf(out, "   step %s\n", (const char *)g_ptr_array_index(r->step_results, i));
  for (guint i = 0; i < r->kernel_lines->len; i++)
    g_string_append_printf(out, "   | %s\n", (const char *)g_ptr_array_index(r->kernel_lines, i));
  const SimOutcome *o = r->outcome;
  for (guint i = 0; i < o->exits->len; i++) {
    const SimExit *e = g_ptr_array_index(o->exits, i);
    g_string_append_printf(out, "   exit %d status %d %s\n", e->pid, e->status, e->reason);
  }
  for (guint i = 0; i < o->memcg_events->len; i++) {
    const SimMemcgEvents *e = g_ptr_array_index(o->memcg_events, i);
    g_string_append_printf(out, "   memory.events %s oom_kill %" G_GINT64_FORMAT " oom_group_kill %" G_GINT64_FORMAT "\n",
                           e->cgroup, e->oom_kill, e->oom_group_kill);
  }
  if (o->panicked)
    g_string_append_printf(out, "   panic: %s\n", o->panic_message ? o->panic_message : "?");
  if (o->unresolved)
    g_string_append_printf(out, "   unresolved (%s)\n", r->livelock ? "livelock" : "time limit");
}

/* The simulator with the VM's measurements, its dmesg kept beside the kernel's console.txt, and the comparison. */
static HarnessComparison *judge(const Job *j, const char *path, const HarnessKernel *kernel, gboolean invert_tie_rule,
                                const HarnessJitter *jitter)
{
  HarnessComparison *c;
  SimOptions opts = {0};
  opts.kernel = kernel->profile;
  opts.format = SIM_FORMAT_DMESG; /* kept beside the kernel's console.txt as simulated-dmesg.txt */
  opts.ram_bytes = j->result->mem_total_kb * 1024;
  /* pages on the per-CPU lists are free pages the allocator hands out first, though MemFree leaves them out */
  opts.kernel_reserved_bytes = (j->result->mem_total_kb - j->result->mem_free_kb - j->result->pcp_kb) * 1024;
  opts.n_zones = j->result->n_zones;
  for (guint z = 0; z < j->result->n_zones; z++)
    opts.zones[z] = j->result->zones[z];
  opts.min_free_kbytes = j->result->min_free_kbytes;
  opts.process_base_rss_bytes = j->result->base_anon_kb * 1024;
  opts.process_base_pgtables_bytes = j->result->base_pgtables_kb * 1024;
  opts.process_kernel_bytes = j->result->task_kernel_kb * 1024;
  opts.process_base_kmem_bytes = j->result->memcg_kmem_bytes;
  opts.pcp_bytes = j->result->pcp_kb * 1024;
  opts.slab_reclaimable_bytes = j->result->slab_reclaimable_kb * 1024;
  opts.committed_as_bytes = j->result->committed_before_kb * 1024;
  opts.process_base_vm_bytes = j->result->base_vm_kb * 1024;
  opts.process_base_committed_bytes = j->result->committed_per_process_kb * 1024;
  opts.invert_tie_rule = invert_tie_rule;
  g_autoptr(SimOutcome) sim = NULL;
  g_autoptr(GString) sim_report = NULL;
  g_autofree char *profile = NULL;
  g_autoptr(GError) serr = NULL;
  if (!whatif_run(path, j->sets, &opts, &sim, &sim_report, NULL, &profile, &serr)) {
    if (g_error_matches(serr, SCENARIO_ERROR, SCENARIO_ERROR_UNSUPPORTED))
      c = harness_compare(j->scenario, NULL, serr->message, j->result, jitter);
    else
      c = error_comparison(path, j->scenario->name, HARNESS_ERROR_VERDICT, serr->message);
  } else {
    g_autofree char *dmesg_path = g_build_filename(j->work_dir, "simulated-dmesg.txt", NULL);
    g_file_set_contents(dmesg_path, sim_report->str, (gssize)sim_report->len, NULL); /* for reading only */
    /* the same run as a JSON report (its memory after every step), to set the model's figures beside the ones the
     * kernel's tools logged (earlyoom's MemAvailable and SwapFree); for reading only, as the dmesg */
    SimOptions jopts = opts;
    jopts.format = SIM_FORMAT_JSON;
    g_autoptr(SimOutcome) jsim = NULL;
    g_autoptr(GString) json_report = NULL;
    g_autofree char *jprofile = NULL;
    if (whatif_run(path, j->sets, &jopts, &jsim, &json_report, NULL, &jprofile, NULL)) {
      g_autofree char *json_path = g_build_filename(j->work_dir, "simulated.json", NULL);
      g_file_set_contents(json_path, json_report->str, (gssize)json_report->len, NULL);
    }
    c = harness_compare(j->scenario, sim, NULL, j->result, jitter);
  }
  return c;
}

/* Inserts a set-up line (docs/harness-protocol.md) into the agent input after the line that holds byte `from`. */
static void insert_line_after(GString *input, gsize from, const char *line)
{
  const char *nl = strchr(input->str + from, '\n');
  if (nl)
    g_string_insert(input, nl - input->str + 1, line);
}

/* A perturbation that changes nothing the scenario says: the scenario's name in the agent input gets a suffix
 * whose length grows with k, the initramfs a file /perturb of k * HARNESS_PERTURB_PAD_BYTES that nobody reads, and
 * the agent idles k * 7321 us before the trace (not a multiple of the 4 ms tick), so the VM's state before the
 * trace differs: its free pages and per-CPU lists, the pageblock layout, and the phase of the timer tick against
 * the trace, hence where the one vCPU switches tasks.
 * The simulator gets each run's own measurements. Used to measure the kernel's own jitter (harness/jitter.sh)
 * and to tell a kernel race from a model error (--race-runs). */
static void perturb_input(HarnessScenario *hs, guint k)
{
  const char *name_line = strstr(hs->input->str, "\nname ");
  if (!name_line)
    return;
  const char *eol = strchr(name_line + 1, '\n');
  gsize at = eol ? (gsize)(eol - hs->input->str) : hs->input->len;
  g_autofree char *pad = g_strnfill(7 * k, 'x');
  g_autofree char *suffix = g_strdup_printf("~perturb%u%s", k, pad);
  g_string_insert(hs->input, (gssize)at, suffix);
  /* and after the name line: the agent idles k * 7321 us before the trace */
  g_autofree char *line = g_strdup_printf("delay-us %u\n", k * 7321);
  insert_line_after(hs->input, at, line);
}

typedef struct {
  const HarnessKernel *kernel;
  const char *agent_path;
  guint time_limit_s;
  gboolean reuse;
  const char *work_root;
  const char *kernel_dir;
  int trace;
  gboolean stats; /* --stats: the agent reports the kernel's reclaim counters after every step */
  HarnessProgress *progress; /* NULL: stderr is not a terminal */
  const char *const *sets;   /* --set PARAM=VALUE overrides, NULL-terminated, or NULL */
} JobSettings;

static Job *job_new(const JobSettings *set, const char *path, HarnessScenario *hs, guint perturb)
{
  if (hs && set->trace > 0) {
    g_autofree char *line = g_strdup_printf("trace %d\n", set->trace); /* right after the header line */
    insert_line_after(hs->input, 0, line);
  }
  if (hs && set->stats)
    insert_line_after(hs->input, 0, "stats\n");
  if (hs && perturb)
    perturb_input(hs, perturb);
  Job *j = g_new0(Job, 1);
  j->scenario = hs;
  j->kernel = set->kernel;
  j->agent_path = set->agent_path;
  j->sets = set->sets;
  j->time_limit_s = set->time_limit_s;
  j->reuse = set->reuse;
  j->perturb = perturb;
  j->path = path;
  j->progress = set->progress;
  g_autofree char *name = safe_name(path);
  g_autofree char *dir_name = perturb ? g_strdup_printf("%s~p%u", name, perturb) : g_strdup(name);
  j->work_dir = g_build_filename(set->work_root ? set->work_root : "build/harness/runs", set->kernel_dir, dir_name,
                                 NULL);
  return j;
}

/* A comparison whose decisions disagree: is it the model, or does the kernel itself decide otherwise from run to
 * run? The scenario is run `runs` more times with perturbations that change nothing it says (perturb_input()).
 * When a strict majority of all the kernel's runs (this one included) agree with the model's decisions, the
 * kernel's decision is not a function of the scenario (a race), and the model gives its most frequent outcome:
 * the decisions agree, with the race reported. Otherwise they disagree, with the count reported. The comparison
 * itself is not changed: each perturbed run is compared exactly, with its own measurements. */
static void race_check(HarnessComparison *c, const JobSettings *set, const char *path, guint runs, int jobs,
                       gboolean invert_tie_rule, const HarnessJitter *jitter)
{
  g_autoptr(GPtrArray) perturbed = g_ptr_array_new_with_free_func(job_free);
  GThreadPool *pool = g_thread_pool_new(job_run, NULL, MAX(jobs, 1), FALSE, NULL);
  for (guint k = 1; k <= runs; k++) {
    HarnessScenario *hs = harness_scenario_load_sets(path, set->sets, NULL);
    if (!hs)
      break;
    Job *j = job_new(set, path, hs, k);
    g_ptr_array_add(perturbed, j);
    harness_progress_add(set->progress);
    g_thread_pool_push(pool, j, NULL);
  }
  g_thread_pool_free(pool, FALSE, TRUE);
  guint agreeing = 0, compared = 0;
  gboolean figures_agree = TRUE;
  GString *which = g_string_new(NULL);
  for (guint i = 0; i < perturbed->len; i++) {
    const Job *j = g_ptr_array_index(perturbed, i);
    if (!j->result)
      continue;
    g_autoptr(HarnessComparison) pc = judge(j, path, set->kernel, invert_tie_rule, jitter);
    if (pc->verdict != HARNESS_AGREE && pc->verdict != HARNESS_DISAGREE)
      continue;
    compared++;
    if (pc->decisions_agree) {
      if (agreeing == 0)
        figures_agree = pc->figures_agree; /* this run's figures are not of the model's path */
      agreeing++;
      g_string_append_printf(which, "%s%u", which->len ? "," : "", j->perturb);
    }
  }
  gboolean majority = 2 * agreeing > compared + 1;
  c->race = g_strdup_printf("%u of %u perturbed runs (nothing the scenario says changed: its name, an unread "
                            "initramfs file, an idle delay before the trace) decided as the model%s%s%s; %s",
                            agreeing, compared, which->len ? " (runs " : "", which->str, which->len ? ")" : "",
                            majority ? "the model gives the kernel's most frequent outcome, so the decisions agree "
                                       "(figures from the first agreeing run)"
                            : agreeing ? "not a majority: the decisions disagree"
                                       : "the kernel decided the same way every time: the decisions disagree");
  g_string_free(which, TRUE);
  if (majority) {
    c->decisions_agree = TRUE;
    c->figures_agree = figures_agree;
    c->verdict = figures_agree ? HARNESS_AGREE : HARNESS_DISAGREE;
  }
}

int harness_cmd_validate(int argc, char **argv)
{
  g_autofree char *kernel_spec = NULL, *format = NULL, *work_root = NULL, *agent = NULL, *cache = NULL;
  g_autofree char *jitter_path = NULL;
  int jobs = 2, time_limit = 120, perturb = 0, race_runs = 4;
  gboolean invert_tie_rule = FALSE, vm_only = FALSE, reuse = FALSE, stats = FALSE;
  int trace = 0;
  g_auto(GStrv) args = NULL, sets = NULL;
  GOptionEntry entries[] = {
      {"set", 's', 0, G_OPTION_ARG_STRING_ARRAY, &sets, "Override a value of every scenario, in the VM and in "
                                                         "the simulator alike (repeatable; docs/what-if.md)",
       "PARAM=VALUE"},
      {"kernel-image", 'k', 0, G_OPTION_ARG_STRING, &kernel_spec, "6.1 (default), 6.12 or a vmlinuz path", "K"},
      {"format", 'f', 0, G_OPTION_ARG_STRING, &format, "text (default) or json", "FORMAT"},
      {"jobs", 'j', 0, G_OPTION_ARG_INT, &jobs, "VMs run in parallel (default 2)", "N"},
      {"time-limit", 0, 0, G_OPTION_ARG_INT, &time_limit, "seconds of wall time per VM run (default 120)", "S"},
      {"work-dir", 0, 0, G_OPTION_ARG_FILENAME, &work_root, "where VM inputs and outputs are kept "
                                                             "(default build/harness/runs)", "DIR"},
      {"agent", 0, 0, G_OPTION_ARG_FILENAME, &agent, "the static agent (default build/harness/agent)", "FILE"},
      {"vm-cache", 0, 0, G_OPTION_ARG_FILENAME, &cache, "kernel cache (default $OOMSIM_VM_CACHE or "
                                                         "build/vm-cache)", "DIR"},
      {"jitter", 0, 0, G_OPTION_ARG_FILENAME, &jitter_path, "the kernels' measured figure jitter (default "
                                                             "harness/figure-jitter.txt)", "FILE"},
      {"race-runs", 0, 0, G_OPTION_ARG_INT, &race_runs, "when decisions disagree, run the VM N more times with "
                                                         "the scenario's name perturbed to tell a kernel race from a "
                                                         "model error (default 4, 0: never)", "N"},
      {"perturb", 0, 0, G_OPTION_ARG_INT, &perturb, "measurement: perturb every VM run by K (the scenario's name "
                                                     "in the agent input changed, nothing else)", "K"},
      {"invert-tie-rule", 0, 0, G_OPTION_ARG_NONE, &invert_tie_rule,
       "self-test: simulate with the tie rule inverted; scenarios with ties must then disagree", NULL},
      {"vm-only", 0, 0, G_OPTION_ARG_NONE, &vm_only, "run the VMs only and print what the kernel did", NULL},
      {"trace", 0, 0, G_OPTION_ARG_INT, &trace, "diagnosis: record the kernel's per-CPU page list refills, bulk "
                                                 "frees, page frees and reclaim in the VM up to the Nth OOM kill (trace "
                                                 "lines in agent.txt; changes the VM's memory, so not for comparing)",
       "N"},
      {"stats", 0, 0, G_OPTION_ARG_NONE, &stats, "diagnosis: the kernel's reclaim counters (/proc/vmstat: free "
                                                  "pages, kswapd's and direct reclaim's scans and steals, pswpout; "
                                                  "zram's mm_stat) after every step and when a step is due, as stats lines in agent.txt",
       NULL},
      {"reuse", 0, 0, G_OPTION_ARG_NONE, &reuse, "read an earlier VM run's outputs from the work directory when "
                                                  "its initramfs, kernel and RAM are the same (runs are deterministic)",
       NULL},
      {G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &args, NULL, "FILE|DIR..."},
      {NULL, 0, 0, 0, NULL, NULL, NULL},
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new(NULL); /* FILE|DIR...: the G_OPTION_REMAINING entry */
  g_option_context_set_summary(ctx, "Replays each scenario in QEMU on a real kernel and compares it with the simulator.");
  g_option_context_set_description(ctx, "Exit status: 0 nothing disagrees, 1 a scenario disagrees, 2 invalid input or usage.\n"
                                        "See oomsim(1) and docs/validation.md for more.");
  g_option_context_add_main_entries(ctx, entries, NULL);
  g_autoptr(GError) error = NULL;
  if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
    fprintf(stderr, "oomsim validate: %s\n", error->message);
    return 2;
  }
  if (!args || !args[0]) {
    fprintf(stderr, "oomsim validate: no scenario given\n");
    return 2;
  }
  gboolean json = format && strcmp(format, "json") == 0;
  if (format && !json && strcmp(format, "text") != 0) {
    fprintf(stderr, "oomsim validate: unknown format %s\n", format);
    return 2;
  }
  if (perturb < 0 || race_runs < 0 || race_runs > 64) {
    fprintf(stderr, "oomsim validate: --perturb takes K >= 0, --race-runs N from 0 to 64\n");
    return 2;
  }
  g_autoptr(HarnessKernel) kernel = harness_kernel_resolve(kernel_spec ? kernel_spec : "6.1", cache, &error);
  if (!kernel) {
    fprintf(stderr, "oomsim validate: %s\n", error->message);
    return 2;
  }
  const char *agent_path = agent ? agent : g_getenv("OOMSIM_AGENT") ? g_getenv("OOMSIM_AGENT") : "build/harness/agent";
  if (!g_file_test(agent_path, G_FILE_TEST_IS_REGULAR)) {
    fprintf(stderr, "oomsim validate: %s missing (make build/harness/agent)\n", agent_path);
    return 2;
  }
  /* the jitter is the profile's (a PATH kernel is compared with its major.minor profile) */
  HarnessJitter jitter = {0};
  const char *jpath = jitter_path ? jitter_path : "harness/figure-jitter.txt";
  if ((jitter_path || g_file_test(jpath, G_FILE_TEST_EXISTS)) &&
      !harness_jitter_load(jpath, kernel->profile ? kernel->profile : kernel->key, &jitter, &error)) {
    fprintf(stderr, "oomsim validate: %s\n", error->message);
    return 2;
  }
  g_autofree char *jitter_source = jitter.source;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(g_free);
  if (!collect(args, files, &error)) {
    fprintf(stderr, "oomsim validate: %s\n", error->message);
    return 2;
  }
  g_autofree char *kernel_dir = g_strcanon(g_strdup(kernel->key), G_CSET_A_2_Z G_CSET_a_2_z G_CSET_DIGITS "-_.", '_');
  g_autoptr(HarnessProgress) progress = harness_progress_new(0); /* one line per VM, on a terminal only */
  JobSettings set = {kernel,      agent_path, (guint)MAX(time_limit, 1), reuse, work_root, kernel_dir, trace, stats,
                     progress,    (const char *const *)sets};

  /* translate, then run the VMs in the pool */
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func(job_free);
  g_autoptr(GPtrArray) load_errors = g_ptr_array_new_with_free_func(g_free); /* per file: NULL or message */
  GThreadPool *pool = g_thread_pool_new(job_run, NULL, MAX(jobs, 1), FALSE, NULL);
  for (guint i = 0; i < files->len; i++) {
    const char *path = g_ptr_array_index(files, i);
    g_autoptr(GError) lerr = NULL;
    HarnessScenario *hs = harness_scenario_load_sets(path, set.sets, &lerr);
    Job *j = job_new(&set, path, hs, (guint)perturb);
    g_ptr_array_add(all, j);
    g_ptr_array_add(load_errors, hs ? NULL : g_strdup(lerr->message));
    if (hs && !hs->not_runnable)
      harness_progress_add(progress);
  }
  /* pushed once all are counted, so that the progress lines say "[1/N]" with the final N */
  for (guint i = 0; i < all->len; i++) {
    Job *j = g_ptr_array_index(all, i);
    if (j->scenario && !j->scenario->not_runnable)
      g_thread_pool_push(pool, j, NULL);
  }
  g_thread_pool_free(pool, FALSE, TRUE);

  GString *out = g_string_new(NULL);
  if (!json) {
    g_string_append_printf(out, "oomsim validate: kernel %s (%s)%s\n", kernel->package,
                           kernel->release ? kernel->release : kernel->key,
                           invert_tie_rule ? ", simulator with the tie rule INVERTED (self-test)" : "");
    if (!vm_only)
      g_string_append_printf(out, "figure jitter: global OOM %u pages, memcg OOM %u pages (%s)\n",
                             jitter.global_pages, jitter.memcg_pages,
                             jitter_source ? jitter_source : "none measured for this kernel: counter lag only");
    for (guint i = 0; sets && sets[i]; i++)
      g_string_append_printf(out, "%s --set %s", i == 0 ? "overrides (VM and simulator):" : ",", sets[i]);
    if (sets && sets[0])
      g_string_append_c(out, '\n');
  }
  g_autoptr(GPtrArray) comparisons = g_ptr_array_new_with_free_func((GDestroyNotify)harness_comparison_free);
  guint agree = 0, disagree = 0, not_runnable = 0;
  for (guint i = 0; i < all->len; i++) {
    Job *j = g_ptr_array_index(all, i);
    const char *path = g_ptr_array_index(files, i);
    const char *load_error = g_ptr_array_index(load_errors, i);
    if (vm_only && j->scenario && !j->scenario->not_runnable) {
      render_vm_only(j, out);
      continue;
    }
    HarnessComparison *c;
    if (load_error) {
      c = error_comparison(path, NULL, HARNESS_ERROR_VERDICT, load_error);
    } else if (j->scenario->not_runnable) {
      c = error_comparison(path, j->scenario->name, HARNESS_NOT_RUNNABLE, j->scenario->not_runnable);
    } else if (!j->result) {
      c = error_comparison(path, j->scenario->name, HARNESS_ERROR_VERDICT,
                           j->error ? j->error->message : "the VM run failed");
    } else {
      c = judge(j, path, kernel, invert_tie_rule, &jitter);
      if (c->verdict == HARNESS_DISAGREE && !c->decisions_agree && race_runs > 0 && trace == 0 && perturb == 0)
        race_check(c, &set, path, (guint)race_runs, jobs, invert_tie_rule, &jitter);
    }
    if (j->run)
      c->vm_seconds = j->run->wall_seconds;
    /* the real earlyoom's packages beside the kernel's, where it ran */
    c->kernel_package = j->scenario && j->scenario->earlyoom && kernel->earlyoom_package
                            ? g_strdup_printf("%s; %s", kernel->package, kernel->earlyoom_package)
                            : g_strdup(kernel->package);
    agree += c->verdict == HARNESS_AGREE;
    disagree += c->verdict == HARNESS_DISAGREE || c->verdict == HARNESS_ERROR_VERDICT;
    not_runnable += c->verdict == HARNESS_NOT_RUNNABLE;
    if (!json)
      harness_comparison_render_text(c, out);
    g_ptr_array_add(comparisons, c);
  }
  if (json) {
    g_autofree char *text = harness_comparisons_to_json(comparisons, kernel, &jitter, (const char *const *)sets);
    g_string_append_printf(out, "%s\n", text);
  } else if (!vm_only) {
    g_string_append_printf(out, "%u not runnable on %s (counted neither as agreeing nor as disagreeing)\n",
                           not_runnable, kernel->package);
    g_string_append_printf(out, "%u agree, %u disagree\n", agree, disagree);
  }
  fputs(out->str, stdout);
  g_string_free(out, TRUE);
  return disagree == 0 ? 0 : 1;
}
