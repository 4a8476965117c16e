/* tests/fuzz/fuzz-explain.c: a libFuzzer target for the log parser of `oomsim explain` (explain/), in the OSS-Fuzz
 * form (LLVMFuzzerTestOneInput), so the loader-fuzzing work (issue 15) can adopt it as is. Built without
 * -fsanitize=fuzzer (FUZZ_STANDALONE), main() runs the target over each file named on the command line, which is how
 * tests/explain-tests.sh replays the corpus and its deterministic mutations under the sanitizers. */
#include <glib.h>
#include <stdint.h>
#include <stdio.h>

#include "../../explain/explain.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
  return 0;
}

#ifdef FUZZ_STANDALONE
int main(int argc, char **argv)
{
  for (int i = 1; i < argc; i++) {
    g_autofree char *data = NULL;
    gsize len = 0;
    if (!g_file_get_contents(argv[i], &data, &len, NULL)) {
      fprintf(stderr, "%s: cannot read\n", argv[i]);
      return 2;
    }
    LLVMFuzzerTestOneInput((const uint8_t *)data, len);
  }
  return 0;
}
#endif
