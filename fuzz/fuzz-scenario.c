/* fuzz/fuzz-scenario.c: libFuzzer target for the whole `oomsim run`/`check` pipeline on one input: the streaming
 * scenario loader (libxml2 reader + RelaxNG, and its own scanner of plain steps and processes), the engine and the kernel model, all three report writers (text,
 * dmesg and json listening to the same run) and the <expect> checker.
 *
 * Beyond "no crash, no sanitizer report, no GLib critical or warning, no leak", every input must end in one of two
 * ways, which this target asserts (abort() is a finding):
 * - refused: one error, one line, "fuzz.xml:LINE:COL: what is wrong", LINE and COL at least 1 (the house rule for
 *   bad input, docs/scenario-format.md "Errors");
 * - run: the JSON report is one JSON object json-glib can read, every report is valid UTF-8 and ends with a
 *   newline (the dmesg report may be empty), and the text report names the profile that ran;
 * and one input in eight (chosen by its hash) is run twice: the same verdict, message and reports byte for byte.
 * Time and memory are bounded by libFuzzer's -timeout and -rss_limit_mb (fuzz/run.sh): with the engine's work
 * bound set low (FUZZ_MAX_WORK), a slow input is work the bound does not count, a finding (docs/testing.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "../reports/report.h"
#include "../scenarios/scenario-loader.h"
#include "../sim/expect.h"
#include "../sim/sim.h"
#include "fuzz-common.h"

#define DISPLAY_NAME "fuzz.xml"
/* The engine's work bound for one input (--max-work; sim/engine.c, "Work"): 2^21 units, a few seconds under the
 * sanitizers, so that an input that asks for more ends with its SCENARIO_ERROR_LIMIT line. An input that still
 * runs into libFuzzer's -timeout does work the engine does not count: a finding. */
#define FUZZ_MAX_WORK (G_GUINT64_CONSTANT(1) << 21)

/* The three writers listen to one run. */
typedef struct {
  SimSink sinks[3];
} FanOut;

static void fan_out_event(gpointer data, const KmSystem *sys, const SimEvent *ev)
{
  const FanOut *fan = data;
  for (guint i = 0; i < G_N_ELEMENTS(fan->sinks); i++)
    fan->sinks[i].event(fan->sinks[i].data, sys, ev);
}

static void check_report(const GString *report, const char *what)
{
  if (report->len > 0 && report->str[report->len - 1] != '\n')
    fuzz_fail("the %s report does not end with a newline", what);
  if (!g_utf8_validate(report->str, (gssize)report->len, NULL))
    fuzz_fail("the %s report is not valid UTF-8", what);
}

static void check_json(const GString *report)
{
  g_autoptr(JsonParser) parser = json_parser_new();
  g_autoptr(GError) error = NULL;
  if (!json_parser_load_from_data(parser, report->str, (gssize)report->len, &error))
    fuzz_fail("the json report is not JSON: %s", error->message);
  JsonNode *root = json_parser_get_root(parser);
  if (!root || !JSON_NODE_HOLDS_OBJECT(root))
    fuzz_fail("the json report is not one JSON object");
}

void fuzz_target_init(void)
{
}

/* One run: the three reports, the outcome, the expectations and the profile; or FALSE and the error. */
typedef struct {
  GString *text, *dmesg, *json;
  SimOutcome *outcome;
  GPtrArray *expects;
  char *profile;
  GError *error;
} Run;

static void run_clear(Run *run)
{
  g_string_free(run->text, TRUE);
  g_string_free(run->dmesg, TRUE);
  g_string_free(run->json, TRUE);
  sim_outcome_free(run->outcome);
  if (run->expects)
    g_ptr_array_unref(run->expects);
  g_free(run->profile);
  g_clear_error(&run->error);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(Run, run_clear)

static gboolean run_once(const uint8_t *data, size_t size, Run *run)
{
  run->text = g_string_new(NULL);
  run->dmesg = g_string_new(NULL);
  run->json = g_string_new(NULL);
  g_autoptr(ReportWriter) w_text = report_writer_new(SIM_FORMAT_TEXT, run->text);
  g_autoptr(ReportWriter) w_dmesg = report_writer_new(SIM_FORMAT_DMESG, run->dmesg);
  g_autoptr(ReportWriter) w_json = report_writer_new(SIM_FORMAT_JSON, run->json);
  FanOut fan = { { report_writer_sink(w_text), report_writer_sink(w_dmesg), report_writer_sink(w_json) } };
  SimSink sink = { fan_out_event, &fan };
  SimOptions opts = { .format = SIM_FORMAT_TEXT, .max_work = FUZZ_MAX_WORK };
  g_autoptr(ScenarioLoader) loader =
    scenario_loader_new_from_memory((const char *)data, size, DISPLAY_NAME, &run->error);
  return loader && sim_run_loader(loader, &opts, &sink, &run->outcome, &run->expects, &run->profile, &run->error);
}

/* FNV-1a of the input: picks the inputs that are run twice, the same ones every time. */
static guint32 input_hash(const uint8_t *data, size_t size)
{
  guint32 h = 2166136261u;
  for (size_t i = 0; i < size; i++)
    h = (h ^ data[i]) * 16777619u;
  return h;
}

/* Same scenario, same bytes out: one input in 8 runs again in the same process, where every allocation has moved,
 * so an output that depended on an address (hash-table order of pointer keys) would differ. */
static void check_deterministic(const uint8_t *data, size_t size, const Run *first, gboolean first_ok)
{
  if (input_hash(data, size) % 8 != 0)
    return;
  g_auto(Run) again = { 0 };
  gboolean ok = run_once(data, size, &again);
  if (ok != first_ok)
    fuzz_fail("the same input was accepted once and refused once");
  if (!ok && strcmp(first->error->message, again.error->message) != 0)
    fuzz_fail("the same input was refused with two messages: %s / %s", first->error->message, again.error->message);
  if (ok && (!g_string_equal(first->text, again.text) || !g_string_equal(first->dmesg, again.dmesg) ||
             !g_string_equal(first->json, again.json)))
    fuzz_fail("the same input gave two different reports");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  /* the scanner of <processes> and <trace> (scenarios/scenario-trace-scan.c) reads every input's plain elements,
   * not only those of sections of 32 KiB or more; tests/test-scenario-trace-scan.c compares it with libxml2 */
  scenario_loader_use_trace_scan(TRUE, 0);
  g_auto(Run) run = { 0 };
  gboolean ok = run_once(data, size, &run);
  check_deterministic(data, size, &run, ok);
  if (!ok) {
    fuzz_check_error_message(run.error, DISPLAY_NAME);
    return 0;
  }
  if (run.error)
    fuzz_fail("a run that succeeded set an error: %s", run.error->message);
  check_report(run.text, "text");
  check_report(run.dmesg, "dmesg");
  check_report(run.json, "json");
  check_json(run.json);
  g_autofree char *kernel_line = g_strdup_printf("kernel profile: %s ", run.profile);
  if (!strstr(run.text->str, kernel_line))
    fuzz_fail("the text report does not name the profile that ran (%s)", run.profile);

  /* `oomsim check`: every expectation is evaluated; a failure is a line "fuzz.xml:LINE:COL: ..." */
  g_autoptr(GPtrArray) failures = g_ptr_array_new_with_free_func(g_free);
  sim_expect_check(DISPLAY_NAME, run.expects, run.profile, run.outcome, run.dmesg->str, failures);
  for (guint i = 0; i < failures->len; i++)
    fuzz_check_message(g_ptr_array_index(failures, i), DISPLAY_NAME, "expectation failure");
  return 0;
}
