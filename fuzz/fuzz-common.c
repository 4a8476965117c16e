/* fuzz/fuzz-common.c: the checks every fuzz target shares (fuzz-common.h). */
#include "fuzz-common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlerror.h>

/* libxml2's global handlers print to stderr; the loader points them at itself while it runs libxml2
 * (scenario-loader.c, loader_errors_enter()). One reached outside that is text on stderr beside the error. */
static void on_libxml2_structured(void *ctx, xmlErrorPtr error)
{
  (void)ctx;
  fuzz_fail("libxml2 reported through its global handler: %s", error && error->message ? error->message : "?");
}

static void on_libxml2_generic(void *ctx, const char *msg, ...)
{
  (void)ctx;
  fuzz_fail("libxml2 printed through its generic handler: %s", msg);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc;
  (void)argv;
  g_log_set_always_fatal(G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  xmlSetStructuredErrorFunc(NULL, on_libxml2_structured);
  xmlSetGenericErrorFunc(NULL, on_libxml2_generic);
  fuzz_target_init();
  return 0;
}

void fuzz_fail(const char *format, ...)
{
  va_list args;
  va_start(args, format);
  g_autofree char *message = g_strdup_vprintf(format, args);
  va_end(args);
  fprintf(stderr, "fuzz: %s\n", message);
  abort();
}

void fuzz_check_message(const char *message, const char *display_name, const char *what)
{
  if (strchr(message, '\n'))
    fuzz_fail("%s of more than one line: %s", what, message);
  gsize n = strlen(display_name);
  if (strncmp(message, display_name, n) != 0 || message[n] != ':')
    fuzz_fail("%s does not start with \"%s:\": %s", what, display_name, message);
  char *end = NULL;
  guint64 line = g_ascii_strtoull(message + n + 1, &end, 10);
  if (end == message + n + 1 || *end != ':' || line < 1)
    fuzz_fail("%s has no line number >= 1: %s", what, message);
  const char *col_start = end + 1;
  guint64 col = g_ascii_strtoull(col_start, &end, 10);
  if (end == col_start || col < 1 || strncmp(end, ": ", 2) != 0 || end[2] == '\0')
    fuzz_fail("%s has no column >= 1 followed by \": what is wrong\": %s", what, message);
}

void fuzz_check_error_message(const GError *error, const char *display_name)
{
  if (!error)
    fuzz_fail("refused without an error");
  fuzz_check_message(error->message, display_name, "an error message");
}
