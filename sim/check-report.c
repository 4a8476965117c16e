/* sim/check-report.c: `oomsim check --format text|tap|junit`, the report of a check run for people and for CI.
 *
 * text is the historical layout (PASS/FAIL/INVALID lines and "N passed, N failed"). TAP (version 13, which prove,
 * tap-parser and GitLab's TAP importers read) prints the plan first, then one test point per scenario with the
 * failures in a YAML block. JUnit XML follows the Apache Ant layout that GitLab, Jenkins and the GitHub Actions
 * reporters read, and validates against the strictest common schema (windyroad's JUnit.xsd, kept in
 * tests/junit/): a <testsuites> holding one <testsuite> with every attribute and child that schema requires,
 * one <testcase> per scenario, <failure> for a failed expectation and <error> for an invalid scenario. It is
 * written with libxml2's xmlTextWriter, which escapes what needs escaping; text that is not valid UTF-8 or holds
 * characters XML 1.0 forbids (a file name is only bytes) is repaired first, or the document would not parse.
 *
 * Determinism: JUnit wants a wall-clock timestamp and durations; the caller passes the timestamp (from
 * SOURCE_DATE_EPOCH, else the epoch) and every time is 0: a report depends only on the scenarios.
 */
#include "check-report.h"

#include <string.h>

#include <libxml/xmlwriter.h>

struct CheckReport {
  CheckFormat format;
  guint n_planned, n_added;
  gboolean quiet;
  guint passed, failed, invalid, skipped;
  char *timestamp;
  GStrv properties;
  GPtrArray *cases; /* JUnit: CheckCase* in the order added */
};

typedef struct {
  char *name, *classname;
  CheckStatus status;
  char *message; /* the first message */
  char *text;    /* every message, one a line */
} CheckCase;

static void check_case_free(CheckCase *c)
{
  g_free(c->name);
  g_free(c->classname);
  g_free(c->message);
  g_free(c->text);
  g_free(c);
}

gboolean check_format_parse(const char *text, CheckFormat *out_format)
{
  static const char *const names[] = {
    [CHECK_FORMAT_TEXT] = "text",
    [CHECK_FORMAT_TAP] = "tap",
    [CHECK_FORMAT_JUNIT] = "junit",
  };
  if (!text) {
    *out_format = CHECK_FORMAT_TEXT;
    return TRUE;
  }
  for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
    if (g_strcmp0(text, names[i]) == 0) {
      *out_format = (CheckFormat)i;
      return TRUE;
    }
  }
  return FALSE;
}

CheckReport *check_report_new(CheckFormat format, guint n_planned, gboolean quiet, const char *timestamp,
                              const char *const *properties)
{
  CheckReport *r = g_new0(CheckReport, 1);
  r->format = format;
  r->n_planned = n_planned;
  r->quiet = quiet;
  r->timestamp = g_strdup(timestamp ? timestamp : "1970-01-01T00:00:00");
  r->properties = g_strdupv((char **)properties);
  r->cases = g_ptr_array_new_with_free_func((GDestroyNotify)check_case_free);
  return r;
}

void check_report_free(CheckReport *r)
{
  if (!r)
    return;
  g_free(r->timestamp);
  g_strfreev(r->properties);
  g_ptr_array_unref(r->cases);
  g_free(r);
}

/* Valid UTF-8 with only the characters XML 1.0 allows (and no line breaks when one_line): anything else becomes
 * U+FFFD. TAP's YAML and JUnit's attributes both need it. */
static char *safe_text(const char *text, gboolean one_line)
{
  g_autofree char *valid = g_utf8_make_valid(text ? text : "", -1);
  GString *out = g_string_sized_new(strlen(valid));
  for (const char *p = valid; *p; p = g_utf8_next_char(p)) {
    gunichar c = g_utf8_get_char(p);
    gboolean allowed = c == '\t' || ((c == '\n' || c == '\r') && !one_line) || (c >= 0x20 && c < 0xD800) ||
                       (c >= 0xE000 && c <= 0xFFFD) || c >= 0x10000;
    if (allowed)
      g_string_append_unichar(out, c);
    else
      g_string_append(out, one_line && (c == '\n' || c == '\r') ? " " : "\xEF\xBF\xBD");
  }
  return g_string_free(out, FALSE);
}

static void add_text(CheckReport *r, const CheckResult *res, GString *out)
{
  switch (res->status) {
  case CHECK_PASS:
    if (!r->quiet)
      g_string_append_printf(out, "PASS %s (kernel %s, %u expectation%s)\n", res->file, res->kernel,
                             res->n_expectations, res->n_expectations == 1 ? "" : "s");
    return;
  case CHECK_FAIL:
    g_string_append_printf(out, "FAIL %s (kernel %s)\n", res->file, res->kernel);
    for (guint i = 0; i < res->messages->len; i++)
      g_string_append_printf(out, "  %s\n", (const char *)res->messages->pdata[i]);
    return;
  case CHECK_INVALID:
    /* the error itself goes to standard error (sim/main.c), as for `oomsim run` */
    g_string_append_printf(out, "INVALID %s\n", res->file);
    return;
  case CHECK_SKIP:
    if (!r->quiet)
      g_string_append_printf(out, "SKIP %s (%s)\n", res->file, (const char *)res->messages->pdata[0]);
    return;
  }
}

/* TAP 13: "ok N - FILE" and, for a failure, a YAML block with the kernel and the messages, one a line. */
static void add_tap(CheckReport *r, const CheckResult *res, GString *out)
{
  if (r->n_added == 1)
    g_string_append_printf(out, "TAP version 13\n1..%u\n", r->n_planned);
  g_autofree char *name = safe_text(res->file, TRUE);
  /* '#' starts a directive in a TAP description: escaped as the TAP specification says */
  g_auto(GStrv) parts = g_strsplit(name, "#", -1);
  g_autofree char *escaped = g_strjoinv("\\#", parts);
  g_string_append_printf(out, "%s %u - %s", res->status == CHECK_PASS || res->status == CHECK_SKIP ? "ok" : "not ok",
                         r->n_added, escaped);
  if (res->kernel)
    g_string_append_printf(out, " (kernel %s)", res->kernel);
  if (res->status == CHECK_SKIP) { /* TAP's SKIP directive: the reason, on one line, without a '#' */
    g_autofree char *why = safe_text(res->messages->pdata[0], TRUE);
    g_string_append_printf(out, " # SKIP %s", g_strdelimit(why, "#", ' '));
  }
  g_string_append_c(out, '\n');
  if (res->status == CHECK_PASS || res->status == CHECK_SKIP)
    return;
  g_string_append(out, "  ---\n");
  g_string_append_printf(out, "  result: %s\n", res->status == CHECK_FAIL ? "fail" : "invalid");
  if (res->kernel)
    g_string_append_printf(out, "  kernel: '%s'\n", res->kernel);
  /* a literal block scalar, one message a line: nothing in a message needs escaping there (the YAMLish
   * readers of TAP harnesses split a quoted "- 'a: b'" at the ": ") */
  g_string_append_printf(out, "  %s: |\n", res->status == CHECK_FAIL ? "failures" : "error");
  for (guint i = 0; i < res->messages->len; i++) {
    g_autofree char *line = safe_text(res->messages->pdata[i], TRUE);
    g_string_append_printf(out, "    %s\n", line);
  }
  g_string_append(out, "  ...\n");
}

/* JUnit: classname is the scenario's directory with '/' as '.' ("scenarios.library"), as Jenkins groups test
 * classes into packages; name is the file name with the kernel that ran ("pod.xml [kernel 6.1]"). */
static void add_junit(CheckReport *r, const CheckResult *res)
{
  CheckCase *c = g_new0(CheckCase, 1);
  g_autofree char *dir = g_path_get_dirname(res->file);
  g_autofree char *base = g_path_get_basename(res->file);
  const char *d = dir;
  while (*d == '/' || (d[0] == '.' && d[1] == '/'))
    d += *d == '/' ? 1 : 2;
  g_autofree char *dotted = g_strdelimit(g_strdup(*d && g_strcmp0(d, ".") != 0 ? d : "oomsim"), "/", '.');
  c->classname = safe_text(dotted, TRUE);
  g_autofree char *name = res->kernel ? g_strdup_printf("%s [kernel %s]", base, res->kernel) : g_strdup(base);
  c->name = safe_text(name, TRUE);
  c->status = res->status;
  if (res->status != CHECK_PASS) {
    c->message = safe_text(res->messages->len ? res->messages->pdata[0] : "", TRUE);
    g_autoptr(GString) text = g_string_new(NULL);
    for (guint i = 0; i < res->messages->len; i++)
      g_string_append_printf(text, "%s\n", (const char *)res->messages->pdata[i]);
    c->text = safe_text(text->str, FALSE);
  }
  g_ptr_array_add(r->cases, c);
}

void check_report_add(CheckReport *r, const CheckResult *res, GString *out)
{
  r->n_added++;
  if (res->status == CHECK_PASS)
    r->passed++;
  else if (res->status == CHECK_FAIL)
    r->failed++;
  else if (res->status == CHECK_SKIP)
    r->skipped++;
  else
    r->invalid++;
  switch (r->format) {
  case CHECK_FORMAT_TEXT:
    add_text(r, res, out);
    break;
  case CHECK_FORMAT_TAP:
    add_tap(r, res, out);
    break;
  case CHECK_FORMAT_JUNIT:
    add_junit(r, res);
    break;
  }
}

static void write_attr_uint(xmlTextWriterPtr w, const char *name, guint value)
{
  xmlTextWriterWriteFormatAttribute(w, BAD_CAST name, "%u", value);
}

static void write_junit_case(xmlTextWriterPtr w, const CheckCase *c)
{
  xmlTextWriterStartElement(w, BAD_CAST "testcase");
  xmlTextWriterWriteAttribute(w, BAD_CAST "name", BAD_CAST c->name);
  xmlTextWriterWriteAttribute(w, BAD_CAST "classname", BAD_CAST c->classname);
  xmlTextWriterWriteAttribute(w, BAD_CAST "time", BAD_CAST "0");
  if (c->status == CHECK_SKIP) {
    xmlTextWriterStartElement(w, BAD_CAST "skipped");
    xmlTextWriterWriteAttribute(w, BAD_CAST "message", BAD_CAST c->message);
    xmlTextWriterEndElement(w);
  } else if (c->status != CHECK_PASS) {
    xmlTextWriterStartElement(w, BAD_CAST(c->status == CHECK_FAIL ? "failure" : "error"));
    xmlTextWriterWriteAttribute(w, BAD_CAST "message", BAD_CAST c->message);
    xmlTextWriterWriteAttribute(w, BAD_CAST "type", BAD_CAST(c->status == CHECK_FAIL ? "expectation" : "invalid"));
    xmlTextWriterWriteString(w, BAD_CAST c->text);
    xmlTextWriterEndElement(w);
  }
  xmlTextWriterEndElement(w);
}

static void finish_junit(CheckReport *r, GString *out)
{
  xmlBufferPtr buf = xmlBufferCreate();
  xmlTextWriterPtr w = xmlNewTextWriterMemory(buf, 0);
  xmlTextWriterSetIndent(w, 1);
  xmlTextWriterSetIndentString(w, BAD_CAST "  ");
  xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL);
  xmlTextWriterStartElement(w, BAD_CAST "testsuites");
  xmlTextWriterStartElement(w, BAD_CAST "testsuite");
  xmlTextWriterWriteAttribute(w, BAD_CAST "name", BAD_CAST "oomsim check");
  xmlTextWriterWriteAttribute(w, BAD_CAST "package", BAD_CAST "oomsim");
  xmlTextWriterWriteAttribute(w, BAD_CAST "id", BAD_CAST "0");
  xmlTextWriterWriteAttribute(w, BAD_CAST "timestamp", BAD_CAST r->timestamp);
  xmlTextWriterWriteAttribute(w, BAD_CAST "hostname", BAD_CAST "localhost");
  write_attr_uint(w, "tests", r->n_added);
  write_attr_uint(w, "failures", r->failed);
  write_attr_uint(w, "errors", r->invalid);
  write_attr_uint(w, "skipped", r->skipped);
  xmlTextWriterWriteAttribute(w, BAD_CAST "time", BAD_CAST "0");
  xmlTextWriterStartElement(w, BAD_CAST "properties");
  for (guint i = 0; r->properties && r->properties[i] && r->properties[i + 1]; i += 2) {
    g_autofree char *value = safe_text(r->properties[i + 1], TRUE);
    xmlTextWriterStartElement(w, BAD_CAST "property");
    xmlTextWriterWriteAttribute(w, BAD_CAST "name", BAD_CAST r->properties[i]);
    xmlTextWriterWriteAttribute(w, BAD_CAST "value", BAD_CAST value);
    xmlTextWriterEndElement(w);
  }
  xmlTextWriterEndElement(w);
  for (guint i = 0; i < r->cases->len; i++)
    write_junit_case(w, r->cases->pdata[i]);
  /* required by the schema; oomsim has nothing to put in them */
  xmlTextWriterWriteElement(w, BAD_CAST "system-out", BAD_CAST "");
  xmlTextWriterWriteElement(w, BAD_CAST "system-err", BAD_CAST "");
  xmlTextWriterEndElement(w);
  xmlTextWriterEndElement(w);
  xmlTextWriterEndDocument(w);
  xmlFreeTextWriter(w); /* flushes into buf */
  g_string_append_len(out, (const char *)xmlBufferContent(buf), xmlBufferLength(buf));
  xmlBufferFree(buf);
}

void check_report_finish(CheckReport *r, GString *out)
{
  switch (r->format) {
  case CHECK_FORMAT_TEXT:
    g_string_append_printf(out, "%u passed, %u failed", r->passed, r->failed + r->invalid);
    if (r->skipped)
      g_string_append_printf(out, ", %u skipped", r->skipped);
    g_string_append_c(out, '\n');
    break;
  case CHECK_FORMAT_TAP:
    if (r->n_added == 0)
      g_string_append(out, "TAP version 13\n1..0\n");
    g_string_append_printf(out, "# %u passed, %u failed\n", r->passed, r->failed + r->invalid);
    break;
  case CHECK_FORMAT_JUNIT:
    finish_junit(r, out);
    break;
  }
}
