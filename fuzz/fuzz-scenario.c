/* fuzz/fuzz-scenario.c: libFuzzer target for the whole `oomsim run`/`check` pipeline on one input: the streaming
 * scenario loader (libxml2 reader + RelaxNG), the engine and the kernel model, all three report writers (text,
 * dmesg and json listening to the same run) and the <expect> checker.
 *
 * Beyond "no crash, no sanitizer report, no GLib critical or warning, no leak", every input must end in one of two
 * ways, which this target asserts (abort() is a finding):
 * - refused: one error, one line, "fuzz.xml:LINE:COL: what is wrong", LINE and COL at least 1 (the house rule for
 *   bad input, docs/scenario-format.md "Errors");
 * - run: the JSON report is one JSON object json-glib can read, every report is valid UTF-8 and ends with a
 *   newline (the dmesg report may be empty), and the text report names the profile that ran.
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

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc;
  (void)argv;
  fuzz_common_init();
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) text = g_string_new(NULL), dmesg = g_string_new(NULL), json = g_string_new(NULL);
  g_autoptr(ReportWriter) w_text = report_writer_new(SIM_FORMAT_TEXT, text);
  g_autoptr(ReportWriter) w_dmesg = report_writer_new(SIM_FORMAT_DMESG, dmesg);
  g_autoptr(ReportWriter) w_json = report_writer_new(SIM_FORMAT_JSON, json);
  FanOut fan = { { report_writer_sink(w_text), report_writer_sink(w_dmesg), report_writer_sink(w_json) } };
  SimSink sink = { fan_out_event, &fan };
  SimOptions opts = { .format = SIM_FORMAT_TEXT, .max_work = FUZZ_MAX_WORK };
  g_autoptr(SimOutcome) outcome = NULL;
  g_autoptr(GPtrArray) expects = NULL;
  g_autofree char *profile = NULL;

  g_autoptr(ScenarioLoader) loader =
    scenario_loader_new_from_memory((const char *)data, size, DISPLAY_NAME, &error);
  gboolean ok = loader && sim_run_loader(loader, &opts, &sink, &outcome, &expects, &profile, &error);
  if (!ok) {
    fuzz_check_error_message(error, DISPLAY_NAME);
    return 0;
  }
  if (error)
    fuzz_fail("a run that succeeded set an error: %s", error->message);
  check_report(text, "text");
  check_report(dmesg, "dmesg");
  check_report(json, "json");
  check_json(json);
  g_autofree char *kernel_line = g_strdup_printf("kernel profile: %s ", profile);
  if (!strstr(text->str, kernel_line))
    fuzz_fail("the text report does not name the profile that ran (%s)", profile);

  /* `oomsim check`: every expectation is evaluated; a failure is a line "fuzz.xml:LINE:COL: ..." */
  g_autoptr(GPtrArray) failures = g_ptr_array_new_with_free_func(g_free);
  sim_expect_check(DISPLAY_NAME, expects, profile, outcome, dmesg->str, failures);
  for (guint i = 0; i < failures->len; i++)
    fuzz_check_message(g_ptr_array_index(failures, i), DISPLAY_NAME, "expectation failure");
  return 0;
}
