/* tests/test-whatif.c: --set overrides (whatif/overrides.c) on tests/whatif/every-kind.xml: every kind of
 * parameter is applied where the simulator reads it, the loaded scenario is left as it was, and bad addresses and
 * values are errors with the loader's codes and words, at the overridden element's line. */
#include <string.h>

#include "whatif/overrides.h"

#define EVERY_KIND "tests/whatif/every-kind.xml"

static SimScenario *load(void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_test_build_filename(G_TEST_DIST, "whatif", "every-kind.xml", NULL);
  SimScenario *sc = sim_scenario_load(path, &error);
  g_assert_no_error(error);
  return sc;
}

static WhatifVariant *variant(const SimScenario *sc, const char *const *sets)
{
  g_autoptr(GError) error = NULL;
  WhatifVariant *v = whatif_variant_from_sets(sc, sets, &error);
  g_assert_no_error(error);
  g_assert_nonnull(v);
  return v;
}

static const ScProcess *process(const ScenarioHeader *h, int pid)
{
  for (guint i = 0; i < h->processes->len; i++)
    if (((const ScProcess *)h->processes->pdata[i])->pid == pid)
      return h->processes->pdata[i];
  g_assert_not_reached();
}

static const char *cgroup_attr(const ScenarioHeader *h, const char *path, const char *name)
{
  for (guint i = 0; i < h->cgroups->len; i++) {
    const ScCgroup *c = h->cgroups->pdata[i];
    for (guint j = 0; strcmp(c->path, path) == 0 && j < c->attrs->len; j++)
      if (strcmp(((const ScAttr *)c->attrs->pdata[j])->name, name) == 0)
        return ((const ScAttr *)c->attrs->pdata[j])->value;
  }
  return NULL;
}

static gint64 sysctl(const ScenarioHeader *h, const char *name)
{
  for (guint i = 0; i < h->sysctls->len; i++)
    if (strcmp(((const ScSysctl *)h->sysctls->pdata[i])->name, name) == 0)
      return ((const ScSysctl *)h->sysctls->pdata[i])->value;
  return -1;
}

static void test_machine_and_sysctls(void)
{
  g_autoptr(SimScenario) sc = load();
  const char *sets[] = { "machine.ram=2Gi", "machine.swap=128MiB", "machine.kernel-reserved=64M", "machine.cpus=4",
                         "sysctl.vm.swappiness=10", "sysctl.vm.overcommit_memory=2", "sysctl.vm.panic_on_oom=1",
                         NULL };
  g_autoptr(WhatifVariant) v = variant(sc, sets);
  const ScenarioHeader *h = whatif_variant_header(v);
  g_assert_cmpuint(h->ram_bytes, ==, 2147483648);    /* 2 * 2^30 */
  g_assert_cmpuint(h->swap_bytes, ==, 134217728);    /* 128 * 2^20 */
  g_assert_cmpuint(h->kernel_reserved_bytes, ==, 67108864); /* 64 * 2^20: M is the kernel's memparse() MiB */
  g_assert_cmpint(h->cpus, ==, 4);
  g_assert_cmpint(sysctl(h, "vm.swappiness"), ==, 10);        /* replaced */
  g_assert_cmpint(sysctl(h, "vm.overcommit_memory"), ==, 2);  /* added */
  g_assert_cmpint(sysctl(h, "vm.panic_on_oom"), ==, 1);
  g_assert_cmpstrv(h->overrides, sets);
  /* the loaded scenario is unchanged */
  const ScenarioHeader *orig = sim_scenario_header(sc);
  g_assert_cmpuint(orig->ram_bytes, ==, 1073741824);
  g_assert_cmpint(sysctl(orig, "vm.swappiness"), ==, 60);
  g_assert_cmpint(sysctl(orig, "vm.overcommit_memory"), ==, -1);
  g_assert_null(orig->overrides);
}

static void test_cgroups_and_processes(void)
{
  g_autoptr(SimScenario) sc = load();
  const char *sets[] = { "cgroup[/pod].memory.max=96Mi", "cgroup[/pod].memory.high=80MiB",
                         "cgroup[/pod].memory.oom.group=1", "cgroup[/other].memory.swap.max=max",
                         "process[11].oom_score_adj=-999", "process[10].uid=1000", "process[10].threads=8",
                         "process[10].stuck=true", "process[10].cap-sys-admin=0", "process[11].cgroup=/other",
                         "process[11].comm=envoy", "process[10].base-rss=4MiB", "process[10].container=app",
                         NULL };
  g_autoptr(WhatifVariant) v = variant(sc, sets);
  const ScenarioHeader *h = whatif_variant_header(v);
  g_assert_cmpstr(cgroup_attr(h, "/pod", "memory.max"), ==, "96Mi");
  g_assert_cmpstr(cgroup_attr(h, "/pod", "memory.high"), ==, "80MiB");
  g_assert_cmpstr(cgroup_attr(h, "/pod", "memory.oom.group"), ==, "1");
  g_assert_cmpstr(cgroup_attr(h, "/other", "memory.swap.max"), ==, "max");
  const ScProcess *worker = process(h, 10), *sidecar = process(h, 11);
  g_assert_cmpint(sidecar->oom_score_adj, ==, -999);
  g_assert_cmpstr(sidecar->cgroup, ==, "/other");
  g_assert_cmpstr(sidecar->comm, ==, "envoy");
  g_assert_cmpuint(worker->uid, ==, 1000);
  g_assert_cmpint(worker->threads, ==, 8);
  g_assert_true(worker->stuck);
  g_assert_false(worker->cap_sys_admin);
  g_assert_cmpuint(worker->base_rss_bytes, ==, 4194304);
  g_assert_cmpstr(worker->container, ==, "app");
  const ScenarioHeader *orig = sim_scenario_header(sc);
  g_assert_cmpstr(cgroup_attr(orig, "/pod", "memory.max"), ==, "64MiB");
  g_assert_null(cgroup_attr(orig, "/pod", "memory.high"));
  g_assert_cmpint(process(orig, 11)->oom_score_adj, ==, 100);
  g_assert_cmpstr(process(orig, 11)->cgroup, ==, "/pod");
}

static const ScStep *step(GPtrArray *steps, const char *id)
{
  for (guint i = 0; i < steps->len; i++)
    if (g_strcmp0(((const ScStep *)steps->pdata[i])->id, id) == 0)
      return steps->pdata[i];
  g_assert_not_reached();
}

static void test_steps(void)
{
  g_autoptr(SimScenario) sc = load();
  const char *sets[] = { "step[heap].size=1GB", "step[fill].repeat=3", "step[fill].at=250ms",
                         "step[adj].oom_score_adj=500", "step[swp].value=0", "step[raise].value=32Mi",
                         "step[mv].cgroup=/other", "step[#7].code=3", NULL };
  g_autoptr(WhatifVariant) v = variant(sc, sets);
  GPtrArray *steps = whatif_variant_steps(v);
  g_assert_cmpuint(step(steps, "heap")->size_bytes, ==, 1000000000); /* SI */
  g_assert_cmpuint(step(steps, "fill")->repeat, ==, 3);
  g_assert_cmpuint(step(steps, "fill")->at_ns, ==, 250000000);
  g_assert_cmpint(step(steps, "adj")->oom_score_adj, ==, 500);
  g_assert_cmpint(step(steps, "swp")->value, ==, 0);
  g_assert_cmpstr(step(steps, "raise")->svalue, ==, "32Mi");
  g_assert_cmpstr(step(steps, "mv")->cgroup, ==, "/other");
  g_assert_cmpint(((const ScStep *)steps->pdata[6])->code, ==, 3);
  GPtrArray *orig = sim_scenario_steps(sc);
  g_assert_cmpuint(step(orig, "heap")->size_bytes, ==, 268435456);
  g_assert_cmpuint(step(orig, "fill")->repeat, ==, 10);
  g_assert_cmpint(((const ScStep *)orig->pdata[6])->code, ==, 0);
}

/* The overrides reach the model: 64 MiB is 16384 pages; 10 touches of 8 MiB (2048 pages each) reach the limit on
 * the 8th, so the worker is killed; with memory.max=96Mi (24576 pages) the 80 MiB (20480 pages, plus page tables)
 * fit and nobody is killed; 7 touches are 14336 pages, 2048 pages (less the worker's page tables) below the limit. */
static void test_replay(void)
{
  g_autoptr(SimScenario) sc = load();
  struct {
    const char *set;
    guint kills;
  } cases[] = { { NULL, 1 }, { "cgroup[/pod].memory.max=96Mi", 0 },
                { "step[fill].repeat=7", 0 } };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    const char *sets[] = { cases[i].set, NULL };
    g_autoptr(WhatifVariant) v = variant(sc, sets);
    SimOptions opts = { .format = SIM_FORMAT_NONE };
    g_autoptr(SimOutcome) outcome = NULL;
    g_autoptr(GError) error = NULL;
    g_test_message("--set %s", cases[i].set ? cases[i].set : "(none)");
    g_assert_true(sim_replay(whatif_variant_header(v), whatif_variant_steps(v), &opts, &outcome, NULL, NULL, &error));
    g_assert_no_error(error);
    g_assert_cmpuint(outcome->kills->len, ==, cases[i].kills);
  }
}

/* Bad addresses and values: the error code, and the message after "FILE:" (line:col: text), as a data table. */
static void test_errors(void)
{
  static const struct {
    const char *set;
    GQuark (*domain)(void);
    int code;
    const char *message;
  } cases[] = {
    { "cgroup[/nope].memory.max=1Gi", whatif_error_quark, WHATIF_ERROR_NO_MATCH,
      "1:1: --set cgroup[/nope].memory.max: no cgroup /nope in <cgroups>" },
    { "cgroup[/].memory.max=1Gi", whatif_error_quark, WHATIF_ERROR_NO_MATCH,
      "1:1: --set cgroup[/].memory.max: no cgroup / in <cgroups> (the root's files cannot be set)" },
    { "cgroup[/pod].memory.min=1Gi", whatif_error_quark, WHATIF_ERROR_NO_MATCH,
      "1:1: --set cgroup[/pod].memory.min: unknown cgroup file memory.min" },
    { "process[99].oom_score_adj=0", whatif_error_quark, WHATIF_ERROR_NO_MATCH,
      "1:1: --set process[99].oom_score_adj: no process with pid 99 in <processes>" },
    { "process[10].kthread=1", whatif_error_quark, WHATIF_ERROR_NO_MATCH,
      "1:1: --set process[10].kthread: <process> has no attribute kthread that --set can change" },
    { "step[nope].size=1", whatif_error_quark, WHATIF_ERROR_NO_MATCH,
      "1:1: --set step[nope].size: no step nope in <trace> (a step's id, or #N for the Nth step of 7)" },
    { "step[#8].size=1", whatif_error_quark, WHATIF_ERROR_NO_MATCH,
      "1:1: --set step[#8].size: no step #8 in <trace> (a step's id, or #N for the Nth step of 7)" },
    { "step[adj].size=1", whatif_error_quark, WHATIF_ERROR_NO_MATCH,
      "1:1: --set step[adj].size: step adj is a <set>, which has no attribute size that --set can change" },
    { "sysctl.vm.dirty_ratio=10", whatif_error_quark, WHATIF_ERROR_NO_MATCH,
      "1:1: --set sysctl.vm.dirty_ratio: unknown sysctl \"vm.dirty_ratio\"" },
    { "machine.page-size=8K", whatif_error_quark, WHATIF_ERROR_NO_MATCH,
      "1:1: --set machine.page-size: <machine> has no attribute page-size that --set can change (ram, swap, "
      "kernel-reserved, cpus)" },
    { "kernel=4.19", whatif_error_quark, WHATIF_ERROR_SYNTAX, NULL },
    { "machine.ram", whatif_error_quark, WHATIF_ERROR_SYNTAX, NULL },
    /* values: the loader's messages, at the element's line */
    { "process[11].oom_score_adj=1001", scenario_error_quark, SCENARIO_ERROR_RANGE,
      "13:1: --set process[11].oom_score_adj=1001: <process> oom_score_adj=\"1001\" is out of range: -1000..1000" },
    { "process[10].stuck=yes", scenario_error_quark, SCENARIO_ERROR_SCHEMA,
      "12:1: --set process[10].stuck=yes: <process> stuck=\"yes\" is not a boolean" },
    { "cgroup[/pod].memory.max=50m", scenario_error_quark, SCENARIO_ERROR_SIZE,
      "8:1: --set cgroup[/pod].memory.max=50m: <cgroup> memory.max=\"50m\": an ambiguous unit: \"m\" is milli "
      "(1/1000 byte) to Kubernetes but MiB to Docker and the kernel: write Mi or MiB (2^20) or MB (10^6)" },
    { "cgroup[/pod].memory.max=lots", scenario_error_quark, SCENARIO_ERROR_SIZE,
      "8:1: --set cgroup[/pod].memory.max=lots: <cgroup> memory.max=\"lots\" is not a size (bytes, K/KiB, M/MiB, "
      "G/GiB, T/TiB, pages or max)" },
    { "cgroup[/pod].memory.limit_in_bytes=1G", scenario_error_quark, SCENARIO_ERROR_SCHEMA,
      "8:1: --set cgroup[/pod].memory.limit_in_bytes=1G: memory.limit_in_bytes is a cgroup v1 file, but <cgroups "
      "version=\"2\">" },
    { "cgroup[/pod].memory.oom.group=2", scenario_error_quark, SCENARIO_ERROR_RANGE,
      "8:1: --set cgroup[/pod].memory.oom.group=2: memory.oom.group=\"2\": must be 0 or 1" },
    { "sysctl.vm.swappiness=201", scenario_error_quark, SCENARIO_ERROR_RANGE,
      "5:1: --set sysctl.vm.swappiness=201: <sysctl> value=\"201\" is out of range: 0..200" },
    { "sysctl.vm.panic_on_oom=3", scenario_error_quark, SCENARIO_ERROR_RANGE,
      "1:1: --set sysctl.vm.panic_on_oom=3: <sysctl> value=\"3\" is out of range: 0..2" },
    { "machine.ram=99999999999T", scenario_error_quark, SCENARIO_ERROR_SIZE,
      "1:1: --set machine.ram=99999999999T: <machine> ram=\"99999999999T\": size too large" },
    { "machine.ram=8Pi", scenario_error_quark, SCENARIO_ERROR_RANGE, NULL },
    { "machine.ram=max", scenario_error_quark, SCENARIO_ERROR_SIZE,
      "1:1: --set machine.ram=max: <machine> ram=\"max\": max is not allowed here" },
    { "machine.kernel-reserved=1Gi", scenario_error_quark, SCENARIO_ERROR_RANGE,
      "1:1: --set machine.kernel-reserved=1Gi: kernel-reserved must be less than ram" },
    { "process[10].base-rss=2Gi", scenario_error_quark, SCENARIO_ERROR_RANGE, NULL },
    { "process[11].cgroup=/nope", scenario_error_quark, SCENARIO_ERROR_UNKNOWN_REF,
      "13:1: --set process[11].cgroup=/nope: process cgroup: no cgroup /nope in <cgroups>" },
    { "process[11].comm=a-name-of-16-byt", scenario_error_quark, SCENARIO_ERROR_RANGE, NULL },
    { "step[heap].size=129TiB", scenario_error_quark, SCENARIO_ERROR_RANGE, NULL },
    { "step[fill].repeat=0", scenario_error_quark, SCENARIO_ERROR_RANGE,
      "17:1: --set step[fill].repeat=0: <touch> repeat=\"0\" is out of range: 1..65530" },
    { "step[fill].at=10", scenario_error_quark, SCENARIO_ERROR_RANGE, NULL },
    { "step[swp].value=300", scenario_error_quark, SCENARIO_ERROR_RANGE,
      "19:1: --set step[swp].value=300: <sysctl> value=\"300\" is out of range: 0..200" },
    { "step[raise].value=1.5G", scenario_error_quark, SCENARIO_ERROR_SIZE, NULL },
    { "step[mv].cgroup=/nope", scenario_error_quark, SCENARIO_ERROR_UNKNOWN_REF, NULL },
  };
  g_autoptr(SimScenario) sc = load();
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    const char *sets[] = { cases[i].set, NULL };
    g_autoptr(GError) error = NULL;
    g_test_message("--set %s", cases[i].set);
    g_autoptr(WhatifVariant) v = whatif_variant_from_sets(sc, sets, &error);
    g_assert_null(v);
    g_assert_error(error, cases[i].domain(), cases[i].code);
    const char *after_file = strstr(error->message, "every-kind.xml:");
    g_assert_nonnull(after_file);
    if (cases[i].message)
      g_assert_cmpstr(after_file + strlen("every-kind.xml:"), ==, cases[i].message);
  }
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/whatif/overrides/machine-and-sysctls", test_machine_and_sysctls);
  g_test_add_func("/whatif/overrides/cgroups-and-processes", test_cgroups_and_processes);
  g_test_add_func("/whatif/overrides/steps", test_steps);
  g_test_add_func("/whatif/overrides/replay", test_replay);
  g_test_add_func("/whatif/overrides/errors", test_errors);
  return g_test_run();
}
