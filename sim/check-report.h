/* sim/check-report.h: the report of `oomsim check` (one result per scenario) as text, TAP or JUnit XML.
 *
 * Serves CI: TAP for prove-style harnesses, JUnit XML for the test reporters of GitLab, Jenkins and GitHub
 * Actions. The caller runs the scenarios and hands each result over; the report appends what it can print at
 * once to `out` (text and TAP stream, one scenario at a time) and the rest at the end (JUnit's counts come before
 * its test cases, so it is written whole by check_report_finish()). docs/report-formats.md, "check reports".
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  CHECK_FORMAT_TEXT,
  CHECK_FORMAT_TAP,
  CHECK_FORMAT_JUNIT,
} CheckFormat;

typedef enum {
  CHECK_PASS,
  CHECK_FAIL,    /* an expectation did not hold */
  CHECK_INVALID, /* the scenario could not be run: bad input (exit status 2) */
  CHECK_SKIP,    /* check --kernel LIST|all: this profile cannot run the scenario (its message says why) */
} CheckStatus;

typedef struct {
  const char *file;
  const char *kernel;        /* the profile that ran; NULL when the scenario was invalid before one was chosen */
  CheckStatus status;
  guint n_expectations;
  const GPtrArray *messages; /* char*: each failed expectation (FAIL), or the one error (INVALID), or why (SKIP) */
} CheckResult;

typedef struct CheckReport CheckReport;

/* "text", "tap" or "junit" (NULL: text); FALSE for anything else. */
gboolean check_format_parse(const char *text, CheckFormat *out_format);

/* n_planned: how many results will be added (TAP's plan). timestamp: JUnit's testsuite timestamp,
 * "YYYY-MM-DDTHH:MM:SS". properties: NULL-terminated name, value pairs for JUnit's <properties>, or NULL. */
CheckReport *check_report_new(CheckFormat format, guint n_planned, gboolean quiet, const char *timestamp,
                              const char *const *properties);
void check_report_free(CheckReport *report);
/* Appends to out what this result prints now. */
void check_report_add(CheckReport *report, const CheckResult *result, GString *out);
/* Appends the end of the report (the closing line; the whole JUnit document). */
void check_report_finish(CheckReport *report, GString *out);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(CheckReport, check_report_free)

G_END_DECLS
