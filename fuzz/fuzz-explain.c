/* fuzz/fuzz-explain.c: libFuzzer target for the real-report parser of `oomsim explain` (explain/): a kernel log
 * (dmesg, journal, syslog, serial console) is fed as it comes, every report found is dated to an era,
 * recomputed (oom_badness() of every task row) and written as text, JSON and the HTML page. Written with explain/ and adopted as
 * the project's third target (docs/testing.md); linked with fuzz/fuzz-replay.c it is also
 * build/tests/fuzz-replay-explain, which make check runs over fuzz/regress/explain/ and the seeds (the logs of
 * tests/corpus/), and tests/explain-tests.sh over the corpus and 300 deterministic mutations of it. */
#include <glib.h>
#include <stdint.h>
#include <stdio.h>

#include <json-glib/json-glib.h>

#include "../explain/explain.h"
#include "fuzz-common.h"

void fuzz_target_init(void)
{
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  g_autoptr(ExplainInput) in = explain_input_new("fuzz");
  g_autoptr(ExplainParser) parser = explain_parser_new();
  explain_input_feed(in, (const char *)data, size, explain_parser_line, parser);
  explain_input_finish(in, explain_parser_line, parser);
  g_autoptr(GPtrArray) reports = explain_parser_steal_reports(parser, NULL);
  g_autoptr(GPtrArray) victims = g_ptr_array_new();
  for (guint i = 0; i < reports->len; i++) {
    ExplainReport *r = reports->pdata[i];
    explain_report_decide_era(r);
    explain_report_recompute(r, NULL, victims);
  }
  g_autoptr(GString) text = explain_format("fuzz", reports, EXPLAIN_FORMAT_TEXT);
  g_autoptr(GString) json = explain_format("fuzz", reports, EXPLAIN_FORMAT_JSON);
  g_autoptr(GString) html = explain_format("fuzz", reports, EXPLAIN_FORMAT_HTML);
  /* what a report quotes from the log may be any bytes; what explain writes is UTF-8, and its JSON is JSON */
  if (!g_utf8_validate(text->str, (gssize)text->len, NULL))
    fuzz_fail("the text output is not valid UTF-8");
  if (!g_utf8_validate(html->str, (gssize)html->len, NULL))
    fuzz_fail("the HTML page is not valid UTF-8");
  g_autoptr(JsonParser) json_parser = json_parser_new();
  g_autoptr(GError) error = NULL;
  if (!json_parser_load_from_data(json_parser, json->str, (gssize)json->len, &error))
    fuzz_fail("the JSON output is not JSON: %s", error->message);
  return 0;
}
