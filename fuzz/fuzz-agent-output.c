/* fuzz/fuzz-agent-output.c: libFuzzer target for the harness's reading of a VM run (harness/harness-result.c,
 * harness_vm_parse(): the in-VM agent's report on the second serial port, docs/harness-protocol.md, and the kernel
 * console after a panic), and for what `oomsim validate` does with the result: the comparison with a simulated
 * outcome (harness_compare()) and its text and JSON renderings.
 *
 * Input: the agent's output, then optionally a NUL byte and the console output (the seeds are the saved real VM
 * runs of tests/harness/, generated into build/fuzz/seed/agent-output/ by fuzz/fuzz.mk). Each input is read as
 * the output of each kind of VM end (finished, panic, time limit, agent failure, other), against a fixed
 * scenario with cgroups, step labels and one kernel-file write.
 *
 * Properties beyond "no crash, sanitizer report, leak or GLib critical": a run is either refused with an error in
 * HARNESS_ERROR_PROTOCOL, or parsed; a parsed outcome the kernel ran, compared with itself, agrees in every
 * decision; the JSON rendering is JSON.
 */
#include <string.h>

#include <json-glib/json-glib.h>

#include "../harness/harness.h"
#include "fuzz-common.h"

static HarnessScenario *scenario;
static HarnessKernel kernel = { .key = "6.1", .package = "linux-image-fuzz 6.1", .release = "6.1.0-fuzz" };

static GPtrArray *strv_array(const char *const *strings)
{
  GPtrArray *a = g_ptr_array_new_with_free_func(g_free);
  for (; *strings; strings++)
    g_ptr_array_add(a, g_strdup(*strings));
  return a;
}

void fuzz_target_init(void)
{
  scenario = g_new0(HarnessScenario, 1);
  scenario->path = g_strdup("fuzz.xml");
  scenario->name = g_strdup("fuzz");
  scenario->cgroup_version = 2;
  scenario->cgroups = strv_array((const char *const[]){ "/", "/a", "/a/b", NULL });
  scenario->step_labels = strv_array((const char *const[]){ "#1", "grow", "#3", "limit", NULL });
  static const gboolean writes[] = { FALSE, FALSE, FALSE, TRUE };
  scenario->step_writes = g_array_new(FALSE, FALSE, sizeof(gboolean));
  g_array_append_vals(scenario->step_writes, writes, G_N_ELEMENTS(writes));
  static const int pids[] = { 4200, 4201 };
  scenario->pids = g_array_new(FALSE, FALSE, sizeof(int));
  g_array_append_vals(scenario->pids, pids, G_N_ELEMENTS(pids));
  scenario->comms = strv_array((const char *const[]){ "big", "small", NULL });
  scenario->input = g_string_new(NULL);
}

static void check_json(char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new();
  g_autoptr(GError) error = NULL;
  if (!json_parser_load_from_data(parser, json, -1, &error))
    fuzz_fail("the comparison's JSON is not JSON: %s", error->message);
  g_free(json);
}

/* Parse the run as it ended with `status`, and compare. */
static void parse_as(const char *agent, const char *console, HarnessVmStatus status)
{
  static const int qemu_status[] = {
    [HARNESS_VM_FINISHED] = 33, [HARNESS_VM_PANIC] = 1, [HARNESS_VM_TIMEOUT] = -1,
    [HARNESS_VM_AGENT_FAILED] = 35, [HARNESS_VM_OTHER] = 0,
  };
  HarnessVmRun run = { .status = status, .qemu_status = qemu_status[status], .agent_output = (char *)agent,
                       .console_output = (char *)console, .qemu_stderr = (char *)"" };
  g_autoptr(GError) error = NULL;
  g_autoptr(HarnessVmResult) result = harness_vm_parse(scenario, &run, &error);
  if (!result) {
    if (!error || !g_error_matches(error, HARNESS_ERROR, HARNESS_ERROR_PROTOCOL))
      fuzz_fail("a run was refused without a protocol error");
    return;
  }
  if (error)
    fuzz_fail("a parsed run set an error: %s", error->message);

  HarnessJitter jitter = { .global_pages = 19, .memcg_pages = 0, .source = (char *)"fuzz" };
  g_autoptr(SimOutcome) empty = sim_outcome_new();
  g_autoptr(GPtrArray) comparisons = g_ptr_array_new_with_free_func((GDestroyNotify)harness_comparison_free);
  HarnessComparison *self = harness_compare(scenario, result->outcome, NULL, result, &jitter);
  /* (a run the kernel refused, "unsupported", disagrees with a model that runs it, by design) */
  for (guint i = 0; i < self->rows->len && !result->unsupported; i++) {
    const HarnessRow *row = g_ptr_array_index(self->rows, i);
    if (!row->agree && !row->figure)
      fuzz_fail("an outcome parsed from a VM run does not agree with itself: %s: %s against %s", row->what,
                row->simulated, row->real);
  }
  g_ptr_array_add(comparisons, self);
  g_ptr_array_add(comparisons, harness_compare(scenario, empty, NULL, result, &jitter));
  g_ptr_array_add(comparisons, harness_compare(scenario, NULL, "refused by the profile", result, &jitter));
  g_autoptr(GString) text = g_string_new(NULL);
  for (guint i = 0; i < comparisons->len; i++)
    harness_comparison_render_text(g_ptr_array_index(comparisons, i), text);
  check_json(harness_comparisons_to_json(comparisons, &kernel, &jitter, NULL));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  /* the agent's output up to the first NUL, the console's after it (each a C string, as harness_vm_run reads
   * the serial files) */
  const char *nul = memchr(data, '\0', size);
  g_autofree char *agent = g_strndup((const char *)data, nul ? (gsize)(nul - (const char *)data) : size);
  g_autofree char *console = nul ? g_strndup(nul + 1, size - (gsize)(nul + 1 - (const char *)data)) : g_strdup("");
  for (HarnessVmStatus status = HARNESS_VM_FINISHED; status <= HARNESS_VM_OTHER; status++)
    parse_as(agent, console, status);
  return 0;
}
